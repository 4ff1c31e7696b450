// Pricing interface of cimvp modules (docs/ppa.md, "Pricing in the modules").
//
// A module that counts events (cimvp::Counted) and costs energy or area implements
// cimvp::Priced: price() turns ITS OWN counters into rows of a PpaLedger with the layer-1
// pricing functions (cimvp/circuit/ppa_energy.h, ppa_area.h).  Nothing outside the module
// knows what its counters mean: the platform walks the hierarchy, hands every Priced module
// a fresh ledger and adds the ledgers up.  Leakage is not priced by the modules: the report
// integrates leakage_energy_pj(area of the module, simulated time).
//
// Plain C++17 (no SystemC needed); units are in the names (pJ, ns, µm²).
#pragma once

#include "cimvp/circuit/ppa_tech.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// Which totals a module belongs to.  `macro` modules form "the macro alone" (array,
/// sensing, digital periphery: the figures the CIM papers publish); every module belongs
/// to the whole platform.
enum class PpaScope : std::uint8_t { platform = 0, macro = 1 };

/// Which leakage of the compute macro is switched off when it does not compute (platform key
/// cim.power_gating; docs/ppa.md, "Leakage and power gating").  The leakage of macro-scope
/// modules is charged over:
enum class PowerGating : std::uint8_t {
  none = 0,            ///< the whole run (simulated time): nothing is gated (default)
  idle_subarrays = 1,  ///< each layer's share of the macro only while that layer computes:
                       ///< Σ_l (sub-arrays_l / Σ sub-arrays) · latency_l
  macro = 2,           ///< the macro's active time (Σ layer latency): the whole macro is gated when idle
};
const char* to_string(PowerGating g);
const char* to_string(PpaScope s);

/// `count` occurrences of one event kind and their total dynamic energy.
struct PpaEventRow {
  std::string event;      ///< "dram_access", "mlsa_conversion", …
  std::uint64_t count = 0;
  double energy_pj = 0.0;  ///< total of the `count` occurrences
};

/// `count` instances of one unit of `unit_um2` each.
struct PpaAreaItem {
  std::string what;  ///< "dma_engine", "bitcells", …
  std::uint64_t count = 0;
  double unit_um2 = 0.0;
  double area_um2() const { return static_cast<double>(count) * unit_um2; }
};

/// One mapped layer of an accelerator (docs/ppa.md, "Per-layer rows").  Several modules
/// contribute to the same layer: merge() adds counts, MACs and energies and keeps the
/// largest shape, planes, latency and utilisation.
struct PpaLayerRow {
  unsigned layer = 0;
  std::uint64_t inputs = 0;       ///< K
  std::uint64_t outputs = 0;      ///< M
  std::uint64_t subarrays = 0;    ///< sub-arrays (crossbars) holding the layer
  std::uint64_t reads = 0;        ///< array reads
  std::uint64_t conversions = 0;  ///< sense conversions (MLSA, SA, ADC)
  std::uint64_t binary_macs = 0;  ///< useful binary multiply-accumulates (array: driven cells × columns, all planes)
  unsigned planes = 0;            ///< input bit planes of the layer (1 for binary inputs; 0 = not reported)
  double energy_pj = 0.0;         ///< dynamic energy spent on this layer
  double latency_ns = 0.0;        ///< time spent on this layer over the run
  double utilisation = 0.0;       ///< used cells / built cells, 0..1
  std::string critical_path;      ///< the stage that bounds the layer's latency
  void merge(const PpaLayerRow& other);
};

/// What a module's price() fills: event rows, area items, optional per-layer rows.
class PpaLedger {
 public:
  void set_scope(PpaScope s) { scope_ = s; }
  PpaScope scope() const { return scope_; }

  /// Adds `energy_pj` (the total of `count` events) to the row named `event`; rows with
  /// the same name add up; rows keep their first insertion order.  A row is kept even
  /// with count 0 (reports are then the same shape whatever ran).
  void add_event(const std::string& event, std::uint64_t count, double energy_pj);
  /// Adds `count` units of `unit_um2` (items with the same name and unit add up).
  void add_area(const std::string& what, std::uint64_t count, double unit_um2);
  /// Merges a per-layer row (rows with the same layer index merge, see PpaLayerRow).
  void add_layer(const PpaLayerRow& row);
  /// Time the module was doing work (ns); the macro's active time when it is the largest.
  void set_active_ns(double ns) { active_ns_ = ns; }

  const std::vector<PpaEventRow>& events() const { return events_; }
  const std::vector<PpaAreaItem>& areas() const { return areas_; }
  const std::vector<PpaLayerRow>& layers() const { return layers_; }
  double active_ns() const { return active_ns_; }
  /// Σ event energies.
  double dynamic_pj() const;
  /// Σ area items.
  double area_um2() const;
  /// The row named `event` (nullptr when absent).
  const PpaEventRow* event(const std::string& name) const;

 private:
  PpaScope scope_ = PpaScope::platform;
  std::vector<PpaEventRow> events_;
  std::vector<PpaAreaItem> areas_;
  std::vector<PpaLayerRow> layers_;
  double active_ns_ = 0.0;
};

/// Implemented by modules that price their own counted events.
class Priced {
 public:
  virtual ~Priced() = default;
  /// Appends this module's events, area and layer rows, priced with `tech`, to `ledger`.
  /// Must not change the module; may throw std::invalid_argument when `tech` lacks a
  /// figure the module needs (e.g. its bitcell kind).
  virtual void price(const TechParams& tech, PpaLedger& ledger) const = 0;
};

}  // namespace cimvp

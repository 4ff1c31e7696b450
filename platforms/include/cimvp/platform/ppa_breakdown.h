// Component and per-layer breakdown of a PPA report (docs/ppa.md, "Component breakdown").
//
//  * Components: every priced event row of every module belongs to exactly one component
//    (array, sensing, drivers, accumulation, buffers, interconnect, dram, control), chosen by
//    the event's name (ppa_event_component); every module's leakage is the component
//    `leakage`.  So the components of the platform add up to PpaReport::platform.energy_pj()
//    and those of the macro-scope modules to PpaReport::macro.energy_pj().  An event name the
//    table does not know goes to `other` (0 for every module cimvp ships; tested), never lost.
//    Area items are classified the same way (ppa_area_component); leakage has no area.
//  * Layers: the merged PpaLayerRow of each layer plus ops = 2 · binary MACs,
//    TOPS/W = ops / layer energy (dynamic energy attributed to the layer), TOPS = ops / layer
//    latency, area share = the layer's sub-arrays / all sub-arrays.
//
// Reusable by any job that builds a PpaReport (make_ppa_report): call ppa_components(report)
// and ppa_layer_breakdown(report).  Units: pJ, ns, µm².
#pragma once

#include "cimvp/platform/ppa.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// Components of the breakdown, in report order.
enum class PpaComponent : std::uint8_t {
  array = 0,     ///< cell reads, bit-line precharge, row / cell writes, transposed reads
  sensing,       ///< MLSA and column-ADC conversions, 1-bit sense reads, row conversions
  drivers,       ///< word-line drivers, column drivers (two-way), row DAC conversions
  accumulation,  ///< adder tree, per-column accumulators, threshold activations
  buffers,       ///< tile / activation buffers, support-parameter buffer
  interconnect,  ///< bytes moved by the host DMA and the macro's bus master
  dram,          ///< DRAM transactions and bytes (TLM and DMI)
  control,       ///< registers (MMIO, host loads/stores) and clock of the controllers and sub-arrays
  leakage,       ///< static energy of every module (docs/ppa.md, "Leakage and power gating")
  other,         ///< an event name not in the table (none for the shipped modules)
};
inline constexpr std::size_t kPpaComponentCount = 10;
const char* to_string(PpaComponent c);

/// The component of a ledger event row, by its name ("cell_read" → array, …; the table in
/// docs/ppa.md); `other` for a name the table does not know.
PpaComponent ppa_event_component(const std::string& event);
/// The component of an area item ("bitcells" → array, "comparators" → sensing, …); `other`
/// for an unknown item.  Never `leakage`.
PpaComponent ppa_area_component(const std::string& item);

/// One component's share of the run.
struct PpaComponentRow {
  PpaComponent component = PpaComponent::other;
  double platform_pj = 0.0;  ///< over every module (Σ = PpaReport::platform.energy_pj())
  double macro_pj = 0.0;     ///< over the macro-scope modules (Σ = PpaReport::macro.energy_pj())
  double area_um2 = 0.0;     ///< on-chip area of the component's units (Σ = platform.area_um2)
};

/// Every component, in enum order (all kPpaComponentCount rows, zeros included: the shape
/// of a report does not depend on what ran).
std::vector<PpaComponentRow> ppa_components(const PpaReport& report);

/// One layer of the breakdown.
struct PpaLayerBreakdown {
  PpaLayerRow row;          ///< the merged module rows (shape, reads, conversions, MACs, planes, energy, latency)
  double ops = 0.0;         ///< 2 · row.binary_macs
  double tops_per_w = 0.0;  ///< ops / row.energy_pj (0 when the energy is 0)
  double tops = 0.0;        ///< ops / row.latency_ns · 10⁻³ (0 when the latency is 0)
  double area_share = 0.0;  ///< row.subarrays / Σ sub-arrays of all layers, 0..1
};
/// The layers of `report` (PpaReport::layers), in layer order.
std::vector<PpaLayerBreakdown> ppa_layer_breakdown(const PpaReport& report);

/// Sums over the layers and what the layers do not hold.
struct PpaLayerTotals {
  double binary_macs = 0.0, ops = 0.0, energy_pj = 0.0, latency_ns = 0.0;
  /// Macro dynamic energy no layer row holds (weight programming, two-way events, …):
  /// PpaReport::macro.dynamic_pj − energy_pj.
  double unattributed_pj = 0.0;
};
PpaLayerTotals ppa_layer_totals(const PpaReport& report);

/// {"components": [...], "layers": [...], "layer_totals": {...}} for the "ppa" JSON object.
nlohmann::ordered_json ppa_breakdown_json(const PpaReport& report);
/// Console block: the component table and the per-layer table.
std::string ppa_breakdown_console(const PpaReport& report);

}  // namespace cimvp

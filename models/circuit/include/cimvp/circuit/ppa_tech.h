// Technology parameters for power, performance and area (PPA): per-event energy,
// latency and unit area of every event a cimvp module counts (docs/ppa.md).
//
// Layer 1: plain C++17, no SystemC, no YAML.  The platform layer loads a technology file
// (platforms/tech/*.yaml, cimvp/platform/tech_file.h) into a TechParams; modules keep a
// const reference and price their own counters with the functions of ppa_energy.h.
//
// Units are fixed and carried in every field name: energy in pJ, latency in ns, area in
// µm², power in nW, voltage in V.
#pragma once

#include "cimvp/circuit/array_geometry.h"
#include "cimvp/circuit/cell_mode.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cimvp {

/// Physical bitcell kinds a technology can provide.
enum class CellKind : std::uint8_t {
  sram_6t = 0,         ///< 6T SRAM (HBNN, Liu et al. DAC 2018)
  sram_8t = 1,         ///< custom 8T SRAM with WL/WLB pairs (XNOR-BNN, Liu et al. DAC 2018)
  sram_8t_twoway = 2,  ///< 8T SRAM readable by rows and by columns (Jiang et al. DAC 2020)
  rram_1t1r = 3,       ///< 1T1R RRAM device (Tang et al. ASP-DAC 2017, Table III)
  rram_0t1r = 4,       ///< 0T1R (crossbar) RRAM device (Table III)
};
inline constexpr std::size_t kCellKindCount = 5;

/// "sram_6t", "sram_8t", …  (the key used in technology files).
const char* to_string(CellKind k);
/// Inverse of to_string; std::nullopt for an unknown name.
std::optional<CellKind> parse_cell_kind(std::string_view name);
/// The bitcell that implements a BNN cell mode: hbnn_6t → sram_6t, xnor_8t → sram_8t.
constexpr CellKind cell_kind_for(CellMode m) {
  return m == CellMode::xnor_8t ? CellKind::sram_8t : CellKind::sram_6t;
}

/// Cost of one event: energy of one occurrence, latency of one occurrence, and the area
/// of one instance of the unit that performs it (0 when not applicable).
struct EventCost {
  double energy_pj = 0.0;
  double latency_ns = 0.0;
  double area_um2 = 0.0;
};

/// Costs tied to one bitcell kind.
struct BitcellTech {
  bool present = false;            ///< the technology file defines this cell
  unsigned wordlines_per_row = 1;  ///< word lines (and WL drivers) per array row (8T XNOR: 2)
  EventCost read;       ///< one cell conducting during one read, i.e. per active word line
                        ///< and per column; area = one bitcell
  EventCost precharge;  ///< one column (BL and BLB) precharged for one read; area = the
                        ///< per-column precharge circuit.  All zero when not applicable.
  EventCost wl_driver;  ///< one word-line activation; area = one WL driver.  All zero when
                        ///< not applicable (RRAM rows are driven by DACs).
  /// Device and wire parameters (array_geometry.h).  When present, the energies and
  /// latencies of read, precharge and wl_driver are derived from it for each sub-array size
  /// (array_read_costs() in ppa_energy.h) and those three fields carry areas only.
  ArrayGeometry geometry;
  EventCost cell_write; ///< weight update of the two-way array (docs/two-way-training.md): energy
                        ///< of one cell written, latency of one row write; no area.  All zero
                        ///< when the technology file gives no `cell_write` (writes then cost 0).
};

/// How a converter's latency grows with its resolution b.
enum class LatencyLaw : std::uint8_t {
  constant = 0,  ///< flash / parallel: one step regardless of b
  per_bit = 1,   ///< successive approximation: b steps; latency(b) = latency_ref · b / b_ref
};

/// A converter of variable resolution (ADC or DAC).
/// cost(b) = the listed point with bits == b if there is one, else the reference point
/// scaled: energy(b) = energy_ref · 2^(b − b_ref)  (Walden figure of merit: E = FOM · 2^b,
/// FOM = energy_ref / 2^b_ref), area(b) = area_ref · 2^(b − b_ref) (capacitor array /
/// comparator bank ∝ 2^b), latency by `latency_law`.
struct ConverterTech {
  struct Point {
    unsigned bits = 0;
    EventCost cost;  ///< energy and latency of one conversion, area of one converter
  };
  LatencyLaw latency_law = LatencyLaw::constant;
  Point reference;            ///< required: bits >= 1
  std::vector<Point> points;  ///< exact figures for specific widths (override the law)
};

/// A storage (line buffer, register file): energy and area per bit, latency per access.
struct StorageTech {
  double read_energy_pj_per_bit = 0.0;
  double write_energy_pj_per_bit = 0.0;
  double area_um2_per_bit = 0.0;
  double read_latency_ns = 0.0;   ///< one access, whatever its width
  double write_latency_ns = 0.0;  ///< one access, whatever its width
};

/// Every priced event of a technology.  Build it with the tech-file loader or by hand;
/// validate_tech() checks it.
struct TechParams {
  std::string node;         ///< short name ("sram65")
  std::string description;  ///< one line
  double feature_size_nm = 0.0;
  double supply_v = 0.0;
  double clock_period_ns = 0.0;
  /// Conversion constants the file used (0 when unused); kept so that published figures
  /// in transistors or mW can be read back (calibration).
  double transistor_area_um2 = 0.0;  ///< µm² of one transistor (area_transistors keys)
  double power_period_ns = 0.0;      ///< period turning power (mW) into energy (power_mw keys)

  std::array<BitcellTech, kCellKindCount> bitcells{};
  EventCost mlsa_comparator;  ///< one comparator of a multi-level sense amplifier: energy
                              ///< per conversion, latency of a (flash) conversion, area
  ConverterTech adc;
  ConverterTech dac;
  EventCost adder_bit;       ///< one bit of an add/accumulate; latency per bit (ripple)
  EventCost activation_bit;  ///< one bit of a threshold compare; latency per bit
  StorageTech line_buffer;
  StorageTech reg;           ///< registers / flip-flops
  EventCost dma_byte;        ///< one byte moved by a DMA engine; area = one engine
  EventCost dram_access;     ///< fixed cost of one DRAM transaction (command, activation)
  EventCost dram_byte;       ///< one byte transferred to/from DRAM
  double leakage_nw_per_um2 = 0.0;  ///< static power per unit of modelled area
  EventCost clock_cycle;     ///< clock tree + sequencer of one clock domain, per active cycle

  const BitcellTech& bitcell(CellKind k) const { return bitcells[static_cast<std::size_t>(k)]; }
  BitcellTech& bitcell(CellKind k) { return bitcells[static_cast<std::size_t>(k)]; }
  bool has(CellKind k) const { return bitcell(k).present; }
};

/// Checks ranges (energies and areas >= 0 and finite, latencies >= 0, supply, clock and
/// feature size > 0, at least one bitcell, converter reference bits 1..16, points distinct)
/// and throws std::invalid_argument naming the field, e.g.
/// "tech 'sram65': adc.reference.bits: expected 1..16, got 0".
void validate_tech(const TechParams& t);

}  // namespace cimvp

// Column ADCs of the CIM macro (docs/column-adc.md): sense kind `adc`, SAR or flash.
#pragma once

#include "cimvp/cim/sense/sense_stage.h"

namespace cimvp {

/// One b-bit ADC per column (or per `mux` columns) of every sub-array: uniform codes over
/// the reachable partial sums or a calibrated window (circuit::adc_transfer), a static
/// input-referred offset per ADC and per-conversion noise keyed by (layer, row block,
/// column block, plane, column, vector), all drawn by circuit::SenseBank exactly as the
/// golden reference draws them.  A SAR conversion takes `bits` sequential decisions, a
/// flash conversion one.
class ColumnAdc : public SenseStage {
 public:
  ColumnAdc(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense, double decision_ns);

  /// SAR: priced_bits(); flash: 1 (circuit::adc_steps).
  unsigned decisions_per_conversion() const override;
  /// Bits a converter needs for the levels actually in use (docs/column-adc.md, "Cost by
  /// levels needed"): min(bits, ⌈log2 L⌉) with L = levels_in_use() (the widest programmed
  /// transfer function: at most the reachable partial sums of the rows sensed together —
  /// rows + 1 bipolar, 2·rows + 1 unipolar, times the row-DAC drive levels), at least 1;
  /// `bits` before any layer is programmed.  A SAR takes this many steps; a wider setting
  /// would only resolve codes no partial sum reaches.
  unsigned priced_bits() const;
  /// Comparators of one flash conversion: min(2^bits − 1, L − 1) (references beyond the
  /// reachable sums decide nothing and are not built, as for the MLSA).
  std::uint64_t flash_comparators() const;
  /// Scope macro: `adc_conversion` (SAR: circuit::adc_conversion_cost at priced_bits(), the
  /// tech file's `adc` law; flash: flash_comparators() MLSA comparators), `sa_read`
  /// (row_by_row: one comparator); area item `adcs` (sub-arrays · ⌈C/mux⌉ converters);
  /// layer rows (conversions, energy).  docs/ppa.md, docs/column-adc.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
};

}  // namespace cimvp

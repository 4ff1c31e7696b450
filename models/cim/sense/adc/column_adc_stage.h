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

  /// SAR: bits; flash: 1 (circuit::adc_steps).
  unsigned decisions_per_conversion() const override;
  /// Scope macro: `adc_conversion` (circuit::adc_conversion_cost by converter and bits:
  /// SAR from the tech file's `adc` law, flash as 2^b − 1 MLSA comparators), `sa_read`
  /// (row_by_row: one comparator); area item `adcs` (sub-arrays · ⌈C/mux⌉ converters);
  /// layer rows (conversions, energy).  docs/ppa.md, docs/column-adc.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
};

}  // namespace cimvp

// Multi-level sense amplifiers of the CIM macro (Liu et al. DAC 2018; docs/cim-macro.md,
// "Sense stage"): sense kind `mlsa`.
#pragma once

#include "cimvp/cim/sense/sense_stage.h"

namespace cimvp {

/// One MLSA per column (or per `mux` columns) of every sub-array, with 2^bits − 1
/// programmable references (PS units): linear, nonlinear (calibrated, programmed from the
/// network's reference table) or ideal (one level per partial sum).  Reference offsets
/// (σ = SenseConfig::offset_sigma) as SenseConfig::offsets draws them.  A conversion is one
/// flash decision: all comparators at once.  row_by_row access has no MLSA: its 1-bit sense
/// amplifiers are counted as sa_reads and the products are added exactly.
class Mlsa : public SenseStage {
 public:
  Mlsa(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense, double decision_ns);

  unsigned decisions_per_conversion() const override { return 1; }
  /// Comparators per MLSA (2^bits − 1; the table limit for `ideal` quantization).
  unsigned comparators() const { return config().max_references(); }
  /// Resolution the hardware needs: SenseConfig::bits, or for `ideal` quantization the bits
  /// of a binary code of every reachable partial sum of a segment: ⌈log2(levels)⌉ with
  /// levels = 2R + 1 (unipolar inputs in some layer) or R + 1 (bipolar only); ppa_energy.h.
  unsigned priced_bits() const;
  /// Comparators of one MLSA: ideal: levels − 1; b bits: min(2^b − 1, levels − 1);
  /// row_by_row: 1 (docs/ppa.md, "Sensing levels").
  std::uint64_t priced_comparators() const;
  /// Scope macro: `mlsa_conversion` (priced_comparators() decisions each),
  /// `sa_read` (row_by_row: one comparator); area item `comparators` (sub-arrays ·
  /// ⌈C/mux⌉ sense amplifiers of priced_comparators() comparators); layer rows (conversions,
  /// energy).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
};

}  // namespace cimvp

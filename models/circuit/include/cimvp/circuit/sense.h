// Column sensing of a sub-array, by kind (docs/circuit.md, "Sensing"): the multi-level
// sense amplifier (MLSA, Liu et al. DAC 2018) or a column ADC (SAR or flash;
// docs/column-adc.md).  Both are transfer functions from a column's partial sum to a level
// value in half PS units (cimvp::Quantizer), so the sub-array kernels, the golden reference
// and the SystemC sense stages use one definition of every kind:
//   * SenseConfig: the configuration of the sense stage, flat so that one platform key
//     (cim.sense.bits, …) sets one field whatever the kind;
//   * nominal(): the transfer function before calibration; calibrated(): after the
//     calibration pass (MLSA nonlinear references, ADC calibrated full scale);
//   * offsets(): the seeded static offsets of one sub-array's converters;
//   * noise(): the per-conversion noise of one sub-array read (ADC), keyed by position.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>
#include <string>

namespace cimvp {

/// Which converter senses the columns.
enum class SenseKind : std::uint8_t {
  mlsa = 0,  ///< multi-level sense amplifier: 2^bits − 1 programmable references (flash-like)
  adc = 1,   ///< uniform column ADC, SAR or flash (docs/column-adc.md)
};
const char* to_string(SenseKind k);
/// Parses "mlsa" | "adc"; throws std::invalid_argument naming the allowed values.
SenseKind parse_sense_kind(const std::string& s);

/// Configuration of the sense stage (one converter per column, or per `mux` columns).
/// Fields marked "mlsa" or "adc" are ignored by the other kind.
struct SenseConfig {
  SenseKind kind = SenseKind::mlsa;
  unsigned bits = 3;                                  ///< resolution: mlsa 1..8, adc 1..16
  Quantization quantization = Quantization::nonlinear;///< mlsa: reference placement
  AdcKind converter = AdcKind::sar;                   ///< adc: SAR or flash
  AdcRange full_scale = AdcRange::reachable;          ///< adc: reachable PS range or calibrated window
  double coverage = 0.999;                            ///< adc, calibrated: mass kept in full scale, (0.5, 1]
  double offset_sigma = 0.0;  ///< σ of the static offsets, PS units: mlsa per reference, adc per column
  double noise_sigma = 0.0;   ///< adc: σ of the per-conversion noise, PS units
  std::uint64_t seed = 1;     ///< seed of offsets and noise
  unsigned mux = 1;           ///< columns sharing one converter (timing and area only), >= 1
  SenseFaultConfig faults;    ///< dead column converters (faults.h), applied by SenseBank
  /// Bit-line linear range in PS units (conducting rows of unit drive): the column quantity
  /// saturates at ±linear_range before sensing (Quantizer::saturated); 0 = unlimited.
  unsigned linear_range = 0;

  /// Throws std::invalid_argument naming the field and the allowed values.
  void validate() const;
  /// The MLSA / ADC view of these fields.
  MlsaConfig mlsa() const;
  AdcConfig adc() const;
  /// True when the transfer functions come from a calibration pass (or a programmed
  /// table): nonlinear MLSA, calibrated ADC.
  bool needs_calibration() const;
  /// Transfer function of a segment with reachable range r before calibration:
  /// mlsa ideal → Quantizer::ideal, else Quantizer::linear(r, bits); adc → adc_transfer(r, bits);
  /// then saturated(linear_range × row_scale). `row_scale`: the PS units of one fully driven
  /// row (1 for binary drive; the row DAC's full-scale drive for supported layers, whose rows
  /// conduct up to that many units), so the bit line saturates at the same current.
  Quantizer nominal(PsRange r, unsigned row_scale = 1) const;
  /// Transfer function calibrated on a histogram: mlsa → Quantizer::nonlinear(h, bits)
  /// (ideal / linear: nominal); adc calibrated → adc_transfer(h, bits, coverage) (reachable: nominal);
  /// then saturated(linear_range × row_scale).
  Quantizer calibrated(const PsHistogram& h, unsigned row_scale = 1) const;
  /// References one converter can hold (programmed tables are checked against it):
  /// mlsa 2^bits − 1 (ideal: unlimited, 2·kMaxSubArrayRows); adc 2^bits − 1.
  unsigned max_references() const;
  /// Static offsets of the converters of sub-array (row block rb, column block cb) of layer
  /// `layer` (cols columns; `refs` = references per column of the longest segment's transfer
  /// function).  The one place their seeds are derived:
  ///   mlsa: MlsaOffsets(cols, 2^bits − 1, σ, derive_seed(seed, {kStreamMlsaOffset, layer, rb, cb}))
  ///   adc:  adc_offsets(cols, refs, σ, derive_seed(seed, {kAdcOffsetStream, layer, rb, cb}))
  /// Empty (ideal) when σ = 0 or the MLSA is `ideal`.
  MlsaOffsets offsets(unsigned cols, unsigned refs, std::uint64_t layer, unsigned rb, unsigned cb) const;
  /// True when conversions draw noise (adc with noise_sigma > 0).
  bool noisy() const { return kind == SenseKind::adc && noise_sigma > 0.0; }
};

/// First id of derive_seed for the MLSA offsets and the cell factors (ADC: kAdcOffsetStream,
/// kAdcNoiseStream in column_adc.h).
constexpr std::uint64_t kStreamMlsaOffset = 1;
constexpr std::uint64_t kStreamCellFactor = 2;

}  // namespace cimvp

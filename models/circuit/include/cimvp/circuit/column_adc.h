// Column ADC: circuit math of a per-column analog-to-digital converter (docs/column-adc.md).
//
// A column ADC replaces the MLSA of a column by a uniform b-bit converter.  It is still a
// Quantizer (references in PS units, level values in HALF PS units, level = number of
// references <= v), so SenseTable, SubArray::accumulate and the golden reference use it
// unchanged.  What differs from Quantizer::linear:
//   * the code width is a whole number s of PS steps (LSB = s·step): every code covers s
//     consecutive reachable values, references sit half-way between reachable values, and
//     the decoded value is affine in the code (value_half(i) = value_half(0) + 2·i·s·step);
//   * the full scale is either the reachable range, or a window calibrated on a PS
//     histogram (values outside saturate to the end codes);
//   * non-idealities: one static input-referred offset per ADC (shifts every reference of
//     the column equally) and per-conversion noise keyed by position;
//   * cost: SAR (one comparator, b decisions; tech.adc converter law) or flash (2^b − 1
//     comparators, one decision; priced as MLSA comparators).
//
// Sources: uniform quantizer / ADC transfer function (standard textbook definition, code
// width = LSB, mid-code reconstruction); flash ADC = 2^b − 1 comparators deciding at once,
// SAR = one comparator deciding b times (binary search); converter energy E(b) = FOM·2^b
// (R. H. Walden, "Analog-to-digital converter survey and analysis", IEEE JSAC 17(4), 1999);
// background for converter energy/area laws in CiM accelerators: T. Andrulis et al.,
// "Modeling Analog-Digital-Converter Energy and Area for Compute-In-Memory Accelerator
// Design", arXiv:2404.06553 (2024), the ADC model of CiMLoop (Andrulis et al., ISPASS 2024).
//
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>
#include <string>

namespace cimvp {

/// Converter architecture of a column ADC.
enum class AdcKind : std::uint8_t {
  sar = 0,    ///< successive approximation: 1 comparator, `bits` decisions per conversion
  flash = 1,  ///< 2^bits − 1 comparators deciding at once
};
const char* to_string(AdcKind k);
/// Parses "sar" | "flash"; throws std::invalid_argument naming the allowed values.
AdcKind parse_adc_kind(const std::string& s);

/// How the full scale of the ADC is chosen.
enum class AdcRange : std::uint8_t {
  reachable = 0,   ///< the whole reachable PS range of the rows sensed together
  calibrated = 1,  ///< a central window of a calibration histogram (see adc_transfer(h, …))
};
const char* to_string(AdcRange r);
/// Parses "reachable" | "calibrated"; throws std::invalid_argument naming the allowed values.
AdcRange parse_adc_range(const std::string& s);

/// First id of derive_seed for the ADC random streams (MLSA offsets use 1, cell factors 2).
constexpr std::uint64_t kAdcOffsetStream = 3;
constexpr std::uint64_t kAdcNoiseStream = 4;

/// Configuration of the column ADCs of a macro.
struct AdcConfig {
  AdcKind kind = AdcKind::sar;
  unsigned bits = 5;                    ///< resolution, 1..16 (2^bits codes)
  AdcRange range = AdcRange::reachable;
  double coverage = 0.999;              ///< calibrated: fraction of the calibration mass kept inside
                                        ///< the full scale, in (0.5, 1]
  double offset_sigma = 0.0;            ///< σ of the static input-referred offset of each ADC (one per
                                        ///< column), PS units, finite >= 0
  double noise_sigma = 0.0;             ///< σ of the per-conversion input-referred noise, PS units,
                                        ///< finite >= 0
  std::uint64_t seed = 1;               ///< seed of offsets and noise
  /// Throws std::invalid_argument naming the field, its value and the allowed range, e.g.
  /// "AdcConfig.bits = 0: expected 1..16".
  void validate() const;
};

/// Uniform ADC whose full scale is the reachable range r.
///
/// D = r.count, L = 2^bits, s = ceil(D / L) LUT steps per code (LSB = s·r.step PS).
/// Code i covers LUT indices [i·s, i·s + s − 1] (the last one clamped to D − 1);
/// n = ceil(D / s) <= L codes exist (only codes holding a reachable value).
/// References (PS units, ascending, n − 1 of them): ref_i = value(i·s) − step/2, i = 1..n−1,
/// between code i−1 and code i.  Code values (half units, affine in i):
///   value_half(i) = 2·value(i·s) + (s − 1)·step,
/// the centre of the code's nominal interval [value(i·s), value(i·s + s − 1)].  For a
/// partial last code this nominal centre may exceed the largest reachable PS; the error
/// |2·PS − value_half| <= (s − 1)·step still holds for every reachable PS.
/// Exact (== Quantizer::ideal(r): s = 1) iff 2^bits >= D.
/// Throws std::invalid_argument for bits outside 1..16.
Quantizer adc_transfer(PsRange r, unsigned bits);

/// Uniform ADC whose full scale is calibrated on a histogram of partial sums.
///
/// N = h.total(), k = floor((1 − coverage)·N / 2) (computed with a 1e-9 relative tolerance
/// so that decimal coverages such as 0.9 of 100 trim exactly 5).  t_lo = LUT index of the
/// (k+1)-th smallest observation, t_hi = index of the (N−k)-th (k observations trimmed from
/// each tail; t_lo <= t_hi because k < N/2).  W = t_hi − t_lo + 1, s = ceil(W / L).
/// Codes as for the reachable ADC but starting at t_lo: code i covers [t_lo + i·s,
/// t_lo + i·s + s − 1], n = min(L, ceil((D − t_lo) / s)) codes (every code of the converter
/// that holds a reachable value), ref_i = value(t_lo + i·s) − step/2 (i = 1..n−1),
/// value_half(i) = 2·value(t_lo + i·s) + (s − 1)·step.  Values below t_lo saturate to code 0,
/// values above the top code to code n − 1.
/// Fallback: when trimming buys no resolution (s == ceil(D / L), in particular whenever
/// 2^bits >= D) the result is adc_transfer(h.range(), bits) (same LSB, no clipping).
/// Hence: exact (== ideal) iff 2^bits >= D, for any histogram and coverage; otherwise every
/// PS in [value(t_lo), value(min(D−1, t_lo + n·s − 1))] is within (s − 1)·step/2 of its code
/// value, in particular every observation kept by the coverage.
/// Throws std::invalid_argument for bits outside 1..16, coverage outside (0.5, 1] or an empty
/// histogram.
Quantizer adc_transfer(const PsHistogram& h, unsigned bits, double coverage);

/// Comparators of one ADC: flash 2^bits − 1, SAR 1.  Throws for bits outside 1..16.
unsigned adc_comparators(AdcKind kind, unsigned bits);
/// Sequential comparator decisions of one conversion: flash 1, SAR bits.  Throws for bits
/// outside 1..16.
unsigned adc_steps(AdcKind kind, unsigned bits);

/// Static offsets of the column ADCs of one sub-array, as MlsaOffsets (cols × refs) so that
/// SenseTable applies them unchanged: column c's offset o_c ~ N(0, sigma) (PS units) is the
/// c-th deviate of cimvp::Gaussian on std::mt19937_64(seed), and every one of the `refs`
/// references of column c is shifted by o_c (an input-referred offset shifts the whole
/// transfer function).  Pass seed = derive_seed(cfg.seed, {kAdcOffsetStream, layer, rb, cb}).
/// sigma == 0 (or refs == 0) gives empty offsets (ideal).  Throws std::invalid_argument for a
/// negative or non-finite sigma.
MlsaOffsets adc_offsets(unsigned cols, unsigned refs, double sigma, std::uint64_t seed);

/// Per-conversion input-referred noise (PS units): sigma·z, z standard normal and a pure
/// function of (seed, layer, row_block, col_block, plane, column, vector) — never of call
/// order.  key = derive_seed(seed, {kAdcNoiseStream, layer, row_block, col_block, plane,
/// column, vector}); a = splitmix64(key), b = splitmix64(key + 0x9E3779B97F4A7C15) (the first
/// two outputs of a SplitMix64 stream seeded with key); u1 = ((a >> 11) + 1)·2^-53 in (0, 1],
/// u2 = (b >> 11)·2^-53 in [0, 1); z = sqrt(−2 ln u1)·cos(2π u2) (Box–Muller).
/// `vector` is the index of the input vector within the run.  Returns 0 when sigma == 0;
/// throws std::invalid_argument for a negative or non-finite sigma.
double adc_noise(double sigma, std::uint64_t seed, unsigned layer, unsigned row_block, unsigned col_block,
                 unsigned plane, unsigned column, std::uint64_t vector);

/// Energy and latency of one conversion, area of one ADC:
///   sar:   adc_cost(t, bits) — the tech's `adc` converter law (Walden E = FOM·2^b, area ∝ 2^b,
///          latency by its latency_law, normally per_bit), or an exact listed point;
///   flash: n = 2^bits − 1 comparators of t.mlsa_comparator: energy n·E_cmp, latency L_cmp
///          (one parallel decision), area n·A_cmp.
/// Throws std::invalid_argument for bits outside 1..16.
EventCost adc_conversion_cost(const TechParams& t, AdcKind kind, unsigned bits);

}  // namespace cimvp

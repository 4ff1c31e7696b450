// Multi-level sense amplifier (MLSA) transfer functions (docs/circuit.md, "MLSA").
//
// A column of a sub-array develops an analog quantity equal (ideally) to the partial sum
// PS = Σ w·x over the rows sensed together.  The MLSA compares it with 2^b − 1 reference
// levels and outputs a level index ℓ = number of references ≤ PS (a thermometer code
// counted by the encoder, so a value equal to a reference goes up).  The digital side
// replaces ℓ by the level's representative value, an integer in HALF units of PS
// (value_half = 2 × value), so every quantized sum is an exact integer and hardware and
// golden reference agree bit for bit.
#pragma once

#include "cimvp/circuit/cell_mode.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// How the MLSA references are placed.
enum class Quantization : std::uint8_t {
  linear = 0,     ///< evenly spaced over the reachable PS range
  nonlinear = 1,  ///< placed from the measured PS distribution (MSE-optimal, calibration pass)
  ideal = 2,      ///< not a real MLSA: one level per reachable PS (exact, never offset)
};

const char* to_string(Quantization q);
/// Parses "linear" | "nonlinear" | "ideal"; throws std::invalid_argument otherwise.
Quantization parse_quantization(const std::string& s);

/// Configuration of the MLSAs of a macro.
struct MlsaConfig {
  unsigned bits = 3;                                ///< 1..8: 2^bits levels, 2^bits − 1 references
  Quantization quantization = Quantization::linear;
  double offset_sigma = 0.0;                        ///< σ of each reference's offset, PS units (>= 0)
  std::uint64_t seed = 1;                           ///< seed of the offsets
  /// Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
};

/// The set of partial sums reachable with `rows` active rows:
/// {lo + t·step : t = 0..count−1}.  unipolar: −n..n step 1 (2n+1 values);
/// bipolar: −n..n step 2 (n+1 values).  t is the LUT index.
struct PsRange {
  int lo = 0;
  int step = 1;
  unsigned count = 1;

  static PsRange of(unsigned rows, InputKind kind);
  int value(unsigned t) const { return lo + static_cast<int>(t) * step; }
  bool operator==(const PsRange& o) const { return lo == o.lo && step == o.step && count == o.count; }
};

/// Histogram of partial sums over a PsRange (calibration data).
class PsHistogram {
 public:
  PsHistogram() = default;
  explicit PsHistogram(PsRange r) : range_(r), counts_(r.count, 0) {}

  const PsRange& range() const { return range_; }
  /// Adds one observation of `ps` (throws std::out_of_range if not reachable).
  void add(int ps, std::uint64_t n = 1);
  /// Adds n observations of the value with LUT index t.
  void add_index(unsigned t, std::uint64_t n = 1) { counts_.at(t) += n; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t total() const;

 private:
  PsRange range_;
  std::vector<std::uint64_t> counts_;
};

/// One MLSA transfer function: references (PS units, ascending) and the representative
/// value of each level (half PS units).
class Quantizer {
 public:
  /// Default: the exact quantizer of a single row, unipolar.
  Quantizer() : Quantizer(ideal(PsRange{-1, 1, 3})) {}

  /// One level per reachable value: references half-way between neighbours, value = PS.
  static Quantizer ideal(PsRange r);
  /// 2^bits levels, references evenly spaced over the range and snapped to the half-way
  /// points between reachable values: level i holds t in [⌈i·D/L⌉, ⌈(i+1)·D/L⌉ − 1]
  /// (D = r.count, L = 2^bits); its value is the midpoint of its first and last PS.
  /// Exact (== ideal(r)) when L >= D.
  static Quantizer linear(PsRange r, unsigned bits);
  /// 2^bits levels placed to minimise the mean squared error over the histogram
  /// (exact dynamic programme, see docs/circuit.md); value = conditional mean rounded
  /// to the half-unit grid.  Exact when L >= D.  Throws if the histogram is empty.
  static Quantizer nonlinear(const PsHistogram& h, unsigned bits);
  /// Any transfer function (e.g. a column ADC): ascending references (PS units) and
  /// references.size() + 1 values (half units).  Throws std::invalid_argument if
  /// inconsistent.
  static Quantizer custom(PsRange r, std::vector<double> references, std::vector<std::int32_t> values_half);

  /// The transfer function of a bit line that saturates: level(clamp(ps, −limit, limit)).
  /// References above `limit` never fire (moved to +kSaturatedReference), references at or
  /// below −limit always fire (−kSaturatedReference); levels and values are kept, so
  /// per-reference offsets still line up.  limit <= 0 or >= the range's largest |PS|: a
  /// copy.  Docs: docs/circuit.md, "Bit-line linear range".
  Quantizer saturated(double limit) const;
  static constexpr double kSaturatedReference = 1e9;

  const PsRange& range() const { return range_; }
  unsigned levels() const { return static_cast<unsigned>(values_half_.size()); }
  const std::vector<double>& references() const { return refs_; }
  const std::vector<std::int32_t>& values_half() const { return values_half_; }
  /// True when every reachable PS gets its own level and value_half == 2·PS.
  bool exact() const;

  /// Level of an analog value; `offsets` (nullable) holds one shift per reference.
  unsigned level(double ps, const double* offsets = nullptr) const;
  std::int32_t value_half(unsigned level) const { return values_half_[level]; }
  /// Fills lut[t] = value_half(level(range().value(t), offsets)) for t = 0..range().count−1.
  void build_lut(const double* offsets, std::int32_t* lut) const;
  std::vector<std::int32_t> lut(const double* offsets = nullptr) const;

 private:
  Quantizer(PsRange r, std::vector<double> refs, std::vector<std::int32_t> values)
      : range_(r), refs_(std::move(refs)), values_half_(std::move(values)) {}
  PsRange range_;
  std::vector<double> refs_;
  std::vector<std::int32_t> values_half_;
};

}  // namespace cimvp

#include "cimvp/circuit/quantizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace cimvp {

const char* to_string(Quantization q) {
  switch (q) {
    case Quantization::linear: return "linear";
    case Quantization::nonlinear: return "nonlinear";
    case Quantization::ideal: return "ideal";
  }
  return "?";
}

Quantization parse_quantization(const std::string& s) {
  if (s == "linear") return Quantization::linear;
  if (s == "nonlinear") return Quantization::nonlinear;
  if (s == "ideal") return Quantization::ideal;
  throw std::invalid_argument("quantization '" + s + "': expected linear|nonlinear|ideal");
}

void MlsaConfig::validate() const {
  if (bits < 1 || bits > 8)
    throw std::invalid_argument("MlsaConfig.bits = " + std::to_string(bits) + ": expected 1..8");
  if (quantization != Quantization::linear && quantization != Quantization::nonlinear &&
      quantization != Quantization::ideal)
    throw std::invalid_argument("MlsaConfig.quantization = " + std::to_string(static_cast<int>(quantization)) +
                                ": expected linear|nonlinear|ideal");
  if (!(offset_sigma >= 0.0) || !std::isfinite(offset_sigma)) {
    std::ostringstream os;
    os << "MlsaConfig.offset_sigma = " << offset_sigma << ": expected a finite value >= 0 (PS units)";
    throw std::invalid_argument(os.str());
  }
}

PsRange PsRange::of(unsigned rows, InputKind kind) {
  if (rows == 0) throw std::invalid_argument("PsRange: a sensed segment needs at least one row");
  const int n = static_cast<int>(rows);
  if (kind == InputKind::bipolar) return PsRange{-n, 2, rows + 1};
  return PsRange{-n, 1, 2 * rows + 1};
}

void PsHistogram::add(int ps, std::uint64_t n) {
  const int d = ps - range_.lo;
  if (d < 0 || d % range_.step != 0 || static_cast<unsigned>(d / range_.step) >= range_.count)
    throw std::out_of_range("PsHistogram: partial sum " + std::to_string(ps) + " is not reachable");
  counts_[static_cast<unsigned>(d / range_.step)] += n;
}

std::uint64_t PsHistogram::total() const {
  std::uint64_t t = 0;
  for (auto c : counts_) t += c;
  return t;
}

Quantizer Quantizer::ideal(PsRange r) {
  std::vector<double> refs;
  std::vector<std::int32_t> values;
  refs.reserve(r.count - 1);
  values.reserve(r.count);
  for (unsigned t = 0; t < r.count; ++t) {
    values.push_back(2 * r.value(t));
    if (t + 1 < r.count) refs.push_back(r.value(t) + 0.5 * r.step);
  }
  return Quantizer(r, std::move(refs), std::move(values));
}

Quantizer Quantizer::linear(PsRange r, unsigned bits) {
  if (bits < 1 || bits > 16) throw std::invalid_argument("Quantizer::linear: bits = " + std::to_string(bits));
  const std::uint64_t L = std::uint64_t{1} << bits;
  const std::uint64_t D = r.count;
  if (L >= D) return ideal(r);
  // Level i starts at t = ceil(i·D/L); D/L > 1 so every level holds at least one value.
  std::vector<unsigned> start(L + 1);
  for (std::uint64_t i = 0; i <= L; ++i) start[i] = static_cast<unsigned>((i * D + L - 1) / L);
  std::vector<double> refs;
  std::vector<std::int32_t> values;
  for (std::uint64_t i = 0; i < L; ++i) {
    const unsigned first = start[i], last = start[i + 1] - 1;
    values.push_back(r.value(first) + r.value(last));
    if (i > 0) refs.push_back(r.value(first) - 0.5 * r.step);
  }
  return Quantizer(r, std::move(refs), std::move(values));
}

Quantizer Quantizer::nonlinear(const PsHistogram& h, unsigned bits) {
  if (bits < 1 || bits > 16) throw std::invalid_argument("Quantizer::nonlinear: bits = " + std::to_string(bits));
  const PsRange r = h.range();
  if (h.total() == 0)
    throw std::invalid_argument("Quantizer::nonlinear: empty calibration histogram (no partial sums observed)");
  const std::size_t L = std::size_t{1} << bits;
  const std::size_t D = r.count;
  if (L >= D) return ideal(r);

  // Weights: observed counts plus a tiny uniform prior, so values never observed still
  // belong to a sensible level and zero-mass bins are well defined.
  constexpr double kPrior = 1e-6;
  // Prefix sums over the centred index x_t = t − (D−1)/2 (cost is shift-invariant).
  std::vector<double> s0(D + 1, 0.0), s1(D + 1, 0.0), s2(D + 1, 0.0);
  const double centre = 0.5 * static_cast<double>(D - 1);
  for (std::size_t t = 0; t < D; ++t) {
    const double w = static_cast<double>(h.counts()[t]) + kPrior;
    const double x = static_cast<double>(t) - centre;
    s0[t + 1] = s0[t] + w;
    s1[t + 1] = s1[t] + w * x;
    s2[t + 1] = s2[t] + w * x * x;
  }
  // Weighted squared error of putting t = a..b (inclusive) into one level at its mean.
  auto cost = [&](std::size_t a, std::size_t b) {
    const double w = s0[b + 1] - s0[a];
    const double m1 = s1[b + 1] - s1[a];
    const double m2 = s2[b + 1] - s2[a];
    return std::max(0.0, m2 - m1 * m1 / w);
  };
  // f[k][j]: least error of t = 0..j in k+1 levels; start[k][j]: first t of level k.
  std::vector<double> prev(D), cur(D);
  std::vector<std::uint32_t> start(L * D, 0);
  for (std::size_t j = 0; j < D; ++j) prev[j] = cost(0, j);
  for (std::size_t k = 1; k < L; ++k) {
    std::fill(cur.begin(), cur.end(), std::numeric_limits<double>::infinity());
    for (std::size_t j = k; j < D; ++j) {
      double best = std::numeric_limits<double>::infinity();
      std::size_t arg = j;
      for (std::size_t i = k; i <= j; ++i) {  // level k = t in [i, j]; earlier levels 0..i−1
        const double c = prev[i - 1] + cost(i, j);
        if (c < best) {  // strict: ties keep the smallest start
          best = c;
          arg = i;
        }
      }
      cur[j] = best;
      start[k * D + j] = static_cast<std::uint32_t>(arg);
    }
    std::swap(prev, cur);
  }
  // Backtrack the level boundaries.
  std::vector<std::size_t> first(L);
  std::size_t j = D - 1;
  for (std::size_t k = L - 1; k > 0; --k) {
    first[k] = start[k * D + j];
    j = first[k] - 1;
  }
  first[0] = 0;
  std::vector<double> refs;
  std::vector<std::int32_t> values;
  for (std::size_t k = 0; k < L; ++k) {
    const std::size_t a = first[k], b = (k + 1 < L ? first[k + 1] : D) - 1;
    const double mean_t = (s1[b + 1] - s1[a]) / (s0[b + 1] - s0[a]) + centre;
    const double mean_ps = r.lo + r.step * mean_t;
    values.push_back(static_cast<std::int32_t>(std::llround(2.0 * mean_ps)));
    if (k > 0) refs.push_back(r.value(static_cast<unsigned>(a)) - 0.5 * r.step);
  }
  return Quantizer(r, std::move(refs), std::move(values));
}

Quantizer Quantizer::custom(PsRange r, std::vector<double> references, std::vector<std::int32_t> values_half) {
  if (values_half.size() != references.size() + 1)
    throw std::invalid_argument("Quantizer::custom: " + std::to_string(values_half.size()) + " values for " +
                                std::to_string(references.size()) + " references (expected references + 1)");
  for (std::size_t i = 0; i < references.size(); ++i) {
    if (!std::isfinite(references[i]) || (i > 0 && references[i] < references[i - 1]))
      throw std::invalid_argument("Quantizer::custom: references must be finite and ascending");
  }
  if (r.count == 0 || r.step <= 0) throw std::invalid_argument("Quantizer::custom: empty range");
  return Quantizer(r, std::move(references), std::move(values_half));
}

bool Quantizer::exact() const {
  if (levels() != range_.count) return false;
  for (unsigned t = 0; t < range_.count; ++t) {
    if (values_half_[t] != 2 * range_.value(t)) return false;
    if (t + 1 < range_.count && !(refs_[t] > range_.value(t) && refs_[t] <= range_.value(t + 1))) return false;
  }
  return true;
}

Quantizer Quantizer::saturated(double limit) const {
  if (!(limit > 0.0)) return *this;
  std::vector<double> refs = refs_;
  for (double& r : refs) {
    if (r > limit) r = kSaturatedReference;
    else if (r <= -limit) r = -kSaturatedReference;
  }
  return Quantizer(range_, std::move(refs), values_half_);
}

unsigned Quantizer::level(double ps, const double* offsets) const {
  unsigned n = 0;
  if (offsets) {
    for (std::size_t i = 0; i < refs_.size(); ++i) n += (refs_[i] + offsets[i] <= ps) ? 1u : 0u;
  } else {
    for (double r : refs_) n += (r <= ps) ? 1u : 0u;
  }
  return n;
}

void Quantizer::build_lut(const double* offsets, std::int32_t* lut) const {
  // Count of references <= PS does not depend on their order: sort the (shifted)
  // references once and sweep the ascending reachable values.
  std::vector<double> shifted(refs_);
  if (offsets)
    for (std::size_t i = 0; i < shifted.size(); ++i) shifted[i] += offsets[i];
  std::sort(shifted.begin(), shifted.end());
  std::size_t n = 0;
  for (unsigned t = 0; t < range_.count; ++t) {
    const double ps = range_.value(t);
    while (n < shifted.size() && shifted[n] <= ps) ++n;
    lut[t] = values_half_[n];
  }
}

std::vector<std::int32_t> Quantizer::lut(const double* offsets) const {
  std::vector<std::int32_t> v(range_.count);
  build_lut(offsets, v.data());
  return v;
}

}  // namespace cimvp

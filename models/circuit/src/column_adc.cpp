#include "cimvp/circuit/column_adc.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/random.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace cimvp {

namespace {

void check_adc_bits(const char* who, unsigned bits) {
  if (bits < 1 || bits > 16)
    throw std::invalid_argument(std::string(who) + ": bits = " + std::to_string(bits) + ": expected 1..16");
}

void check_sigma(const char* who, double sigma) {
  if (!(sigma >= 0.0) || !std::isfinite(sigma)) {
    std::ostringstream os;
    os << who << ": sigma = " << sigma << ": expected a finite value >= 0 (PS units)";
    throw std::invalid_argument(os.str());
  }
}

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

/// Uniform code layout over range r: codes of s LUT steps starting at LUT index t0,
/// n codes (the caller guarantees t0 + (n − 1)·s < r.count).
Quantizer uniform_codes(PsRange r, unsigned t0, unsigned s, unsigned n) {
  std::vector<double> refs;
  std::vector<std::int32_t> values;
  refs.reserve(n - 1);
  values.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    const unsigned first = t0 + i * s;
    values.push_back(2 * r.value(first) + static_cast<std::int32_t>(s - 1) * r.step);
    if (i > 0) refs.push_back(r.value(first) - 0.5 * r.step);
  }
  return Quantizer::custom(r, std::move(refs), std::move(values));
}

}  // namespace

const char* to_string(AdcKind k) {
  switch (k) {
    case AdcKind::sar: return "sar";
    case AdcKind::flash: return "flash";
  }
  return "?";
}

AdcKind parse_adc_kind(const std::string& s) {
  if (s == "sar") return AdcKind::sar;
  if (s == "flash") return AdcKind::flash;
  throw std::invalid_argument("adc kind '" + s + "': expected sar|flash");
}

const char* to_string(AdcRange r) {
  switch (r) {
    case AdcRange::reachable: return "reachable";
    case AdcRange::calibrated: return "calibrated";
  }
  return "?";
}

AdcRange parse_adc_range(const std::string& s) {
  if (s == "reachable") return AdcRange::reachable;
  if (s == "calibrated") return AdcRange::calibrated;
  throw std::invalid_argument("adc range '" + s + "': expected reachable|calibrated");
}

void AdcConfig::validate() const {
  auto fail = [](const char* field, double v, const char* expected) {
    std::ostringstream os;
    os << "AdcConfig." << field << " = " << v << ": expected " << expected;
    throw std::invalid_argument(os.str());
  };
  if (kind != AdcKind::sar && kind != AdcKind::flash) fail("kind", static_cast<int>(kind), "sar|flash");
  if (bits < 1 || bits > 16) fail("bits", bits, "1..16");
  if (range != AdcRange::reachable && range != AdcRange::calibrated)
    fail("range", static_cast<int>(range), "reachable|calibrated");
  if (!(coverage > 0.5 && coverage <= 1.0)) fail("coverage", coverage, "a fraction in (0.5, 1]");
  if (!(offset_sigma >= 0.0) || !std::isfinite(offset_sigma))
    fail("offset_sigma", offset_sigma, "a finite value >= 0 (PS units)");
  if (!(noise_sigma >= 0.0) || !std::isfinite(noise_sigma))
    fail("noise_sigma", noise_sigma, "a finite value >= 0 (PS units)");
}

Quantizer adc_transfer(PsRange r, unsigned bits) {
  check_adc_bits("adc_transfer", bits);
  if (r.count == 0 || r.step <= 0) throw std::invalid_argument("adc_transfer: empty range");
  const std::uint64_t L = std::uint64_t{1} << bits;
  const auto s = static_cast<unsigned>(ceil_div(r.count, L));
  const auto n = static_cast<unsigned>(ceil_div(r.count, s));
  return uniform_codes(r, 0, s, n);
}

Quantizer adc_transfer(const PsHistogram& h, unsigned bits, double coverage) {
  check_adc_bits("adc_transfer", bits);
  if (!(coverage > 0.5 && coverage <= 1.0)) {
    std::ostringstream os;
    os << "adc_transfer: coverage = " << coverage << ": expected a fraction in (0.5, 1]";
    throw std::invalid_argument(os.str());
  }
  const PsRange r = h.range();
  const std::uint64_t total = h.total();
  if (total == 0)
    throw std::invalid_argument("adc_transfer: empty calibration histogram (no partial sums observed)");
  const std::uint64_t L = std::uint64_t{1} << bits;
  const std::uint64_t D = r.count;

  // Observations trimmed from each tail; the tolerance absorbs the binary rounding of a
  // decimal coverage ((1 − 0.9)·100/2 = 4.999…).  k < total/2 since coverage > 0.5.
  const double x = (1.0 - coverage) * static_cast<double>(total) / 2.0;
  std::uint64_t k = static_cast<std::uint64_t>(std::floor(x + 1e-9 * (1.0 + x)));
  if (2 * k >= total) k = (total - 1) / 2;  // never empties the window (defensive)

  // t_lo: index of the (k+1)-th smallest observation; t_hi: index of the (total−k)-th.
  const auto& c = h.counts();
  unsigned t_lo = 0, t_hi = 0;
  std::uint64_t cum = 0;
  bool lo_found = false;
  for (unsigned t = 0; t < D; ++t) {
    cum += c[t];
    if (!lo_found && cum > k) {
      t_lo = t;
      lo_found = true;
    }
    if (cum >= total - k) {
      t_hi = t;
      break;
    }
  }
  const std::uint64_t W = t_hi - t_lo + 1;
  const std::uint64_t s = ceil_div(W, L);
  if (s == ceil_div(D, L)) return adc_transfer(r, bits);  // trimming buys no resolution
  const std::uint64_t n = std::min(L, ceil_div(D - t_lo, s));
  return uniform_codes(r, t_lo, static_cast<unsigned>(s), static_cast<unsigned>(n));
}

unsigned adc_comparators(AdcKind kind, unsigned bits) {
  check_adc_bits("adc_comparators", bits);
  return kind == AdcKind::flash ? (1u << bits) - 1u : 1u;
}

unsigned adc_steps(AdcKind kind, unsigned bits) {
  check_adc_bits("adc_steps", bits);
  return kind == AdcKind::flash ? 1u : bits;
}

MlsaOffsets adc_offsets(unsigned cols, unsigned refs, double sigma, std::uint64_t seed) {
  check_sigma("adc_offsets", sigma);
  if (sigma == 0.0 || refs == 0 || cols == 0) return MlsaOffsets(cols, refs, 0.0, seed);
  std::mt19937_64 rng(seed);
  Gaussian gauss;
  std::vector<double> v(std::size_t{cols} * refs);
  for (unsigned col = 0; col < cols; ++col) {
    const double o = sigma * gauss(rng);
    for (unsigned k = 0; k < refs; ++k) v[std::size_t{col} * refs + k] = o;
  }
  return MlsaOffsets::from_values(cols, refs, std::move(v));
}

double adc_noise(double sigma, std::uint64_t seed, unsigned layer, unsigned row_block, unsigned col_block,
                 unsigned plane, unsigned column, std::uint64_t vector) {
  check_sigma("adc_noise", sigma);
  if (sigma == 0.0) return 0.0;
  const std::uint64_t key =
      derive_seed(seed, {kAdcNoiseStream, layer, row_block, col_block, plane, column, vector});
  const std::uint64_t a = splitmix64(key);
  const std::uint64_t b = splitmix64(key + 0x9E3779B97F4A7C15ull);
  const double u1 = (static_cast<double>(a >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;          // [0, 1)
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925286766559 * u2);
  return sigma * z;
}

EventCost adc_conversion_cost(const TechParams& t, AdcKind kind, unsigned bits) {
  check_adc_bits("adc_conversion_cost", bits);
  if (kind == AdcKind::sar) return adc_cost(t, bits);
  const double n = static_cast<double>(adc_comparators(AdcKind::flash, bits));
  return {n * t.mlsa_comparator.energy_pj, t.mlsa_comparator.latency_ns, n * t.mlsa_comparator.area_um2};
}

}  // namespace cimvp

// Reproducible random numbers for seeded non-idealities (docs/circuit.md, "Seeds").
//
// Every random quantity comes from a std::mt19937_64 seeded with derive_seed(seed, ids...),
// and normal deviates use our own Box–Muller transform (not std::normal_distribution,
// whose algorithm differs between standard libraries), so a seed gives the same numbers
// on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>

namespace cimvp {

/// SplitMix64 finalizer: a bijective 64-bit mixing function.
constexpr std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Seed of an independent stream identified by `ids` (e.g. {purpose, layer, row block,
/// column block}) under the user seed `seed`.
inline std::uint64_t derive_seed(std::uint64_t seed, std::initializer_list<std::uint64_t> ids) {
  std::uint64_t h = splitmix64(seed);
  for (std::uint64_t id : ids) h = splitmix64(h ^ splitmix64(id + 0x632BE59BD9B4E019ull));
  return h;
}

/// Standard normal deviates by the Box–Muller transform; deterministic for a given engine.
class Gaussian {
 public:
  double operator()(std::mt19937_64& g) {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // u1 in (0, 1], u2 in [0, 1), from the top 53 bits.
    const double u1 = (static_cast<double>(g() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(g() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586476925286766559 * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

 private:
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// Largest relative sigma a multiplicative gain 1 + N(0, sigma) accepts (cell currents, row
/// DAC gains): beyond it the truncation below would reshape the distribution beyond recognition.
constexpr double kMaxRelativeSigma = 1.0;

/// A multiplicative mismatch factor 1 + sigma·z, z ~ N(0, 1), truncated to (0, ∞) by redrawing
/// (a conductance or a drive current is never negative or zero; docs/circuit.md, "Cell
/// variation"). For sigma <= 0.25 a redraw needs |z| >= 4 (probability 6e-5 per draw), so the
/// factors equal the untruncated ones almost everywhere. sigma in [0, kMaxRelativeSigma].
inline double truncated_gain(double sigma, std::mt19937_64& g, Gaussian& gauss) {
  double v;
  do v = 1.0 + sigma * gauss(g);
  while (!(v > 0.0));
  return v;
}

}  // namespace cimvp

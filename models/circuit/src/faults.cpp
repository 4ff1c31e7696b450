#include "cimvp/circuit/faults.h"

#include "cimvp/circuit/random.h"

#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
void check_rate(double rate, const char* what) {
  if (!(rate >= 0.0 && rate <= 1.0)) {
    std::ostringstream os;
    os << what << " = " << rate << ": expected a fraction in 0 .. 1";
    throw std::invalid_argument(os.str());
  }
}

double unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }
}  // namespace

void CellFaultConfig::validate() const {
  check_rate(rate, "CellFaultConfig.rate");
  if (mode != StuckMode::mixed && mode != StuckMode::zero && mode != StuckMode::one)
    throw std::invalid_argument("CellFaultConfig.mode: expected mixed|zero|one");
}

void SenseFaultConfig::validate() const {
  check_rate(rate, "SenseFaultConfig.rate");
  if (level != DeadLevel::low && level != DeadLevel::high)
    throw std::invalid_argument("SenseFaultConfig.level: expected low|high");
}

std::vector<std::int8_t> stuck_cells(const CellFaultConfig& f, unsigned rows, unsigned cols, std::uint64_t layer,
                                     unsigned rb, unsigned cb) {
  std::vector<std::int8_t> map(std::size_t{rows} * cols, 0);
  if (!f.any()) return map;
  std::mt19937_64 g(derive_seed(f.seed, {kStreamStuckCell, layer, rb, cb}));
  for (auto& cell : map) {
    const std::uint64_t d = g();
    if (unit(d) >= f.rate) continue;
    const bool one = f.mode == StuckMode::one || (f.mode == StuckMode::mixed && (d & 1u) != 0);
    cell = one ? 1 : -1;
  }
  return map;
}

std::vector<std::uint8_t> dead_columns(const SenseFaultConfig& f, unsigned cols, std::uint64_t layer, unsigned rb,
                                       unsigned cb) {
  std::vector<std::uint8_t> dead(cols, 0);
  if (!f.any()) return dead;
  std::mt19937_64 g(derive_seed(f.seed, {kStreamDeadSense, layer, rb, cb}));
  for (auto& d : dead) d = unit(g()) < f.rate ? 1 : 0;
  return dead;
}

const char* to_string(StuckMode m) {
  switch (m) {
    case StuckMode::mixed: return "mixed";
    case StuckMode::zero: return "zero";
    case StuckMode::one: return "one";
  }
  return "?";
}

const char* to_string(DeadLevel l) { return l == DeadLevel::high ? "high" : "low"; }

}  // namespace cimvp

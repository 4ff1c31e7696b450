#include "cimvp/circuit/rram_cell.h"

#include "cimvp/circuit/random.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

[[noreturn]] void bad(const char* field, double value, const char* allowed) {
  std::ostringstream os;
  os << "RramCellConfig." << field << " = " << value << ": expected " << allowed;
  throw std::invalid_argument(os.str());
}

double unit(std::uint64_t draw) { return static_cast<double>(draw >> 11) * 0x1.0p-53; }

}  // namespace

const char* to_string(RramDevice d) { return d == RramDevice::zero_t_one_r ? "0t1r" : "1t1r"; }

RramDevice parse_rram_device(const std::string& s) {
  if (s == "1t1r") return RramDevice::one_t_one_r;
  if (s == "0t1r") return RramDevice::zero_t_one_r;
  throw std::invalid_argument("RRAM device '" + s + "': expected 1t1r|0t1r");
}

const char* to_string(RramWeightScheme s) {
  return s == RramWeightScheme::reference_column ? "reference" : "differential";
}

RramWeightScheme parse_rram_weight_scheme(const std::string& s) {
  if (s == "differential") return RramWeightScheme::differential_pair;
  if (s == "reference") return RramWeightScheme::reference_column;
  throw std::invalid_argument("RRAM weight scheme '" + s + "': expected differential|reference");
}

void RramCellConfig::validate() const {
  if (device != RramDevice::one_t_one_r && device != RramDevice::zero_t_one_r)
    bad("device", static_cast<double>(device), "1t1r|0t1r");
  if (scheme != RramWeightScheme::differential_pair && scheme != RramWeightScheme::reference_column)
    bad("scheme", static_cast<double>(scheme), "differential|reference");
  if (!(std::isfinite(g_hrs_us) && g_hrs_us > 0.0)) bad("g_hrs_us", g_hrs_us, "a finite conductance > 0 µS");
  if (!(std::isfinite(g_lrs_us) && g_lrs_us > g_hrs_us)) bad("g_lrs_us", g_lrs_us, "a finite conductance > g_hrs_us");
  if (!(std::isfinite(v_read_v) && v_read_v > 0.0)) bad("v_read_v", v_read_v, "a finite voltage > 0");
  if (cell_bits < 1 || cell_bits > 8) bad("cell_bits", cell_bits, "1 .. 8");
  const double* costs[] = {&set_energy_pj, &reset_energy_pj, &set_time_ns, &reset_time_ns};
  const char* names[] = {"set_energy_pj", "reset_energy_pj", "set_time_ns", "reset_time_ns"};
  for (int i = 0; i < 4; ++i)
    if (!(std::isfinite(*costs[i]) && *costs[i] >= 0.0)) bad(names[i], *costs[i], "a finite value >= 0");
  if (!(variation_sigma >= 0.0 && variation_sigma <= 1.0)) bad("variation_sigma", variation_sigma, "0 .. 1");
  if (!(stuck_hrs_rate >= 0.0 && stuck_hrs_rate <= 1.0)) bad("stuck_hrs_rate", stuck_hrs_rate, "a fraction in 0 .. 1");
  if (!(stuck_lrs_rate >= 0.0 && stuck_lrs_rate <= 1.0)) bad("stuck_lrs_rate", stuck_lrs_rate, "a fraction in 0 .. 1");
  if (stuck_hrs_rate + stuck_lrs_rate > 1.0)
    bad("stuck_lrs_rate", stuck_lrs_rate, "stuck_hrs_rate + stuck_lrs_rate <= 1");
}

double RramCellConfig::level_conductance_us(unsigned level) const {
  if (level >= levels()) throw std::out_of_range("RRAM level " + std::to_string(level) + " >= " + std::to_string(levels()));
  if (level == levels() - 1) return g_lrs_us;  // exact top level
  return g_hrs_us + static_cast<double>(level) * level_step_us();
}

bool RramCellConfig::weight_allowed(int w) const {
  const int m = weight_max();
  if (w < -m || w > m) return false;
  if (scheme == RramWeightScheme::reference_column) return ((w + m) % 2) == 0;
  return true;
}

double RramCellConfig::unit_current_ua() const {
  const double i = v_read_v * level_step_us();  // V · µS = µA
  return scheme == RramWeightScheme::reference_column ? i / 2.0 : i;
}

unsigned weight_slices(unsigned magnitude_bits, unsigned cell_bits) {
  if (magnitude_bits == 0 || cell_bits == 0)
    throw std::invalid_argument("weight_slices: magnitude_bits and cell_bits must be >= 1");
  return (magnitude_bits + cell_bits - 1) / cell_bits;
}

std::vector<unsigned> split_weight(std::uint32_t magnitude, unsigned magnitude_bits, unsigned cell_bits) {
  const unsigned s = weight_slices(magnitude_bits, cell_bits);
  if (magnitude_bits > 32 || cell_bits > 16) throw std::invalid_argument("split_weight: at most 32 magnitude bits, 16 cell bits");
  if (magnitude_bits < 32 && (magnitude >> magnitude_bits) != 0)
    throw std::invalid_argument("split_weight: magnitude " + std::to_string(magnitude) + " has more than " +
                                std::to_string(magnitude_bits) + " bits");
  std::vector<unsigned> out(s);
  const std::uint64_t mask = (std::uint64_t{1} << cell_bits) - 1;
  for (unsigned i = 0; i < s; ++i) out[i] = static_cast<unsigned>((std::uint64_t{magnitude} >> (i * cell_bits)) & mask);
  return out;
}

double shift_add(const std::vector<double>& per_slice, unsigned cell_bits) {
  double sum = 0.0;
  for (std::size_t i = per_slice.size(); i-- > 0;) sum = sum * std::ldexp(1.0, static_cast<int>(cell_bits)) + per_slice[i];
  return sum;
}

double rram_variation_factor(const RramCellConfig& cfg, std::uint64_t layer, std::uint64_t row, std::uint64_t column,
                             unsigned side) {
  if (cfg.variation_sigma == 0.0) return 1.0;
  const std::uint64_t key = derive_seed(cfg.seed, {kStreamRramVariation, layer, row, column, side});
  const std::uint64_t a = splitmix64(key);
  const std::uint64_t b = splitmix64(key + 0x9E3779B97F4A7C15ull);
  const double u1 = (static_cast<double>(a >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = static_cast<double>(b >> 11) * 0x1.0p-53;          // [0, 1)
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925286766559 * u2);
  return std::exp(cfg.variation_sigma * z);
}

int rram_stuck_state(const RramCellConfig& cfg, std::uint64_t layer, std::uint64_t row, std::uint64_t column,
                     unsigned side) {
  if (cfg.stuck_hrs_rate == 0.0 && cfg.stuck_lrs_rate == 0.0) return 0;
  const double u =
      static_cast<double>(splitmix64(derive_seed(cfg.seed, {kStreamRramStuck, layer, row, column, side})) >> 11) *
      0x1.0p-53;
  return u < cfg.stuck_hrs_rate ? -1 : (u < cfg.stuck_hrs_rate + cfg.stuck_lrs_rate ? 1 : 0);
}

RramWeightCells rram_weight_cells(const RramCellConfig& cfg, std::uint64_t layer, unsigned k, unsigned j, unsigned cb,
                                  int w) {
  if (w != 1 && w != -1)
    throw std::invalid_argument("rram_weight_cells: weight " + std::to_string(w) + ", expected -1 or +1");
  if (cfg.cell_bits != 1)
    throw std::invalid_argument("rram_weight_cells: binary weights need cell_bits = 1, not " +
                                std::to_string(cfg.cell_bits));
  const auto cell = [&](bool lrs, std::uint64_t column, unsigned side, double nominal) {
    const int s = rram_stuck_state(cfg, layer, k, column, side);
    const double g = s < 0 ? cfg.g_hrs_us : s > 0 ? cfg.g_lrs_us : (lrs ? cfg.g_lrs_us : nominal);
    return g * rram_variation_factor(cfg, layer, k, column, side);
  };
  RramWeightCells c;
  const double span = cfg.g_lrs_us - cfg.g_hrs_us;
  if (cfg.scheme == RramWeightScheme::differential_pair) {
    c.a_us = cell(w > 0, j, 0, cfg.g_hrs_us);
    c.b_us = cell(w < 0, j, 1, cfg.g_hrs_us);
    c.weight = (c.a_us - c.b_us) / span;
  } else {
    c.a_us = cell(w > 0, j, 0, cfg.g_hrs_us);
    c.b_us = cell(false, cb, 2, 0.5 * (cfg.g_hrs_us + cfg.g_lrs_us));
    c.weight = (c.a_us - c.b_us) / (0.5 * span);
  }
  return c;
}

RramWeightCells rram_level_weight_cells(const RramCellConfig& cfg, std::uint64_t layer, unsigned k, unsigned j,
                                        unsigned cb, int w) {
  if (!cfg.weight_allowed(w))
    throw std::invalid_argument("rram_level_weight_cells: weight " + std::to_string(w) + " not storable on a " +
                                std::to_string(cfg.cell_bits) + "-bit device (" + to_string(cfg.scheme) +
                                " scheme: |w| <= " + std::to_string(cfg.weight_max()) +
                                (cfg.scheme == RramWeightScheme::reference_column ? ", parity of L - 1)" : ")"));
  const auto cell = [&](unsigned level, std::uint64_t column, unsigned side) {
    const int s = rram_stuck_state(cfg, layer, k, column, side);
    const double g = s < 0 ? cfg.g_hrs_us : s > 0 ? cfg.g_lrs_us : cfg.level_conductance_us(level);
    return g * rram_variation_factor(cfg, layer, k, column, side);
  };
  RramWeightCells c;
  const double step = cfg.level_step_us();
  if (cfg.scheme == RramWeightScheme::differential_pair) {
    c.a_us = cell(static_cast<unsigned>(std::max(w, 0)), j, 0);
    c.b_us = cell(static_cast<unsigned>(std::max(-w, 0)), j, 1);
    c.weight = (c.a_us - c.b_us) / step;
  } else {
    c.a_us = cell(static_cast<unsigned>((w + cfg.weight_max()) / 2), j, 0);
    const int s = rram_stuck_state(cfg, layer, k, cb, 2);
    const double g = s < 0 ? cfg.g_hrs_us : s > 0 ? cfg.g_lrs_us : 0.5 * (cfg.g_hrs_us + cfg.g_lrs_us);
    c.b_us = g * rram_variation_factor(cfg, layer, k, cb, 2);
    c.weight = (c.a_us - c.b_us) / (0.5 * step);
  }
  return c;
}

RramCrossbar::RramCrossbar(const RramCellConfig& cfg, unsigned rows, unsigned cols, std::uint64_t layer, unsigned rb,
                           unsigned cb)
    : cfg_(cfg), rows_(rows), cols_(cols) {
  cfg_.validate();
  if (rows == 0 || cols == 0) throw std::invalid_argument("RramCrossbar: rows and cols must be >= 1");
  phys_cols_ = cfg_.scheme == RramWeightScheme::differential_pair ? 2 * cols : cols + 1;
  const std::size_t n = cells();
  levels_.assign(n, 0);
  factor_.assign(n, 1.0);
  stuck_.assign(n, 0);
  if (cfg_.variation_sigma > 0.0) {
    std::mt19937_64 g(derive_seed(cfg_.seed, {kStreamRramVariation, layer, rb, cb}));
    Gaussian normal;
    for (double& f : factor_) f = std::exp(cfg_.variation_sigma * normal(g));
  }
  if (cfg_.stuck_hrs_rate > 0.0 || cfg_.stuck_lrs_rate > 0.0) {
    std::mt19937_64 g(derive_seed(cfg_.seed, {kStreamRramStuck, layer, rb, cb}));
    for (std::int8_t& s : stuck_) {
      const double u = unit(g());
      s = u < cfg_.stuck_hrs_rate ? -1 : (u < cfg_.stuck_hrs_rate + cfg_.stuck_lrs_rate ? 1 : 0);
    }
  }
  // The reference column holds G_ref = (G_HRS + G_LRS)/2; it is programmed once here.
  g_.assign(n, 0.0);
  apply();
}

void RramCrossbar::apply() {
  const unsigned top = cfg_.levels() - 1;
  const bool ref = cfg_.scheme == RramWeightScheme::reference_column;
  for (unsigned r = 0; r < rows_; ++r)
    for (unsigned p = 0; p < phys_cols_; ++p) {
      const std::size_t i = std::size_t{r} * phys_cols_ + p;
      double g;
      if (stuck_[i] < 0)
        g = cfg_.g_hrs_us;
      else if (stuck_[i] > 0)
        g = cfg_.g_lrs_us;
      else if (ref && p == cols_)
        g = 0.5 * (cfg_.g_hrs_us + cfg_.g_lrs_us);
      else
        g = cfg_.level_conductance_us(std::min(levels_[i], top));
      g_[i] = g * factor_[i];
    }
}

RramWriteCost RramCrossbar::program(const std::vector<int>& weights) {
  if (weights.size() != std::size_t{rows_} * cols_)
    throw std::invalid_argument("RramCrossbar::program: " + std::to_string(weights.size()) + " weights, expected " +
                                std::to_string(std::size_t{rows_} * cols_));
  const int m = cfg_.weight_max();
  std::vector<unsigned> next = levels_;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const int w = weights[i];
    if (!cfg_.weight_allowed(w)) {
      std::ostringstream os;
      os << "RramCrossbar::program: weight[" << i << "] = " << w << ": expected "
         << (cfg_.scheme == RramWeightScheme::reference_column ? "an integer of the parity of " : "an integer in ")
         << (cfg_.scheme == RramWeightScheme::reference_column ? std::to_string(m) + " in " : std::string{}) << -m << " .. "
         << m;
      throw std::invalid_argument(os.str());
    }
    const std::size_t r = i / cols_, c = i % cols_;
    if (cfg_.scheme == RramWeightScheme::differential_pair) {
      next[r * phys_cols_ + 2 * c] = static_cast<unsigned>(w > 0 ? w : 0);
      next[r * phys_cols_ + 2 * c + 1] = static_cast<unsigned>(w < 0 ? -w : 0);
    } else {
      next[r * phys_cols_ + c] = static_cast<unsigned>((w + m) / 2);
    }
  }
  RramWriteCost cost;
  for (unsigned r = 0; r < rows_; ++r) {
    bool any_set = false, any_reset = false;
    for (unsigned p = 0; p < phys_cols_; ++p) {
      const std::size_t i = std::size_t{r} * phys_cols_ + p;
      if (next[i] > levels_[i]) {
        ++cost.sets;
        any_set = true;
      } else if (next[i] < levels_[i]) {
        ++cost.resets;
        any_reset = true;
      }
    }
    cost.time_ns += (any_set ? cfg_.set_time_ns : 0.0) + (any_reset ? cfg_.reset_time_ns : 0.0);
  }
  cost.energy_pj = static_cast<double>(cost.sets) * cfg_.set_energy_pj + static_cast<double>(cost.resets) * cfg_.reset_energy_pj;
  levels_ = std::move(next);
  apply();
  return cost;
}

std::vector<double> RramCrossbar::column_currents_ua(const std::vector<double>& x) const {
  if (x.size() != rows_)
    throw std::invalid_argument("RramCrossbar: " + std::to_string(x.size()) + " row inputs, expected " +
                                std::to_string(rows_));
  std::vector<double> phys(phys_cols_, 0.0);
  for (unsigned r = 0; r < rows_; ++r) {
    if (x[r] == 0.0) continue;
    const double* row = &g_[std::size_t{r} * phys_cols_];
    for (unsigned p = 0; p < phys_cols_; ++p) phys[p] += x[r] * row[p];
  }
  std::vector<double> out(cols_);
  for (unsigned c = 0; c < cols_; ++c) {
    const double d = cfg_.scheme == RramWeightScheme::differential_pair ? phys[2 * c] - phys[2 * c + 1] : phys[c] - phys[cols_];
    out[c] = cfg_.v_read_v * d;
  }
  return out;
}

std::vector<double> RramCrossbar::partial_sums(const std::vector<double>& x) const {
  std::vector<double> out = column_currents_ua(x);
  const double u = cfg_.unit_current_ua();
  for (double& v : out) v /= u;
  return out;
}

}  // namespace cimvp

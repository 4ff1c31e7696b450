#include "cimvp/workloads/two_way_train.h"

#include "cimvp/circuit/two_way.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {

[[noreturn]] void bad(const std::string& field, long long v, const std::string& allowed) {
  throw std::invalid_argument("FixedPointTrainConfig." + field + " = " + std::to_string(v) + ": expected " + allowed);
}

std::int64_t sat(std::int64_t v, unsigned bits) {
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = (std::int64_t{1} << (bits - 1)) - 1;
  return std::min(hi, std::max(lo, v));
}

/// floor(v / 2^s) (arithmetic shift of a two's-complement value).
std::int64_t floor_shift(std::int64_t v, unsigned s) { return v >= 0 ? v >> s : -((-v + (std::int64_t{1} << s) - 1) >> s); }

/// round(v / 2^s), halves up: floor((v + 2^(s−1)) / 2^s).
std::int64_t round_shift(std::int64_t v, unsigned s) {
  return s == 0 ? v : floor_shift(v + (std::int64_t{1} << (s - 1)), s);
}

/// Number of bits of v >= 0 (bitlen(0) = 0, bitlen(1) = 1, bitlen(4) = 3).
unsigned bitlen(std::uint64_t v) {
  unsigned b = 0;
  while (v != 0) {
    ++b;
    v >>= 1;
  }
  return b;
}

/// floor(sqrt(v)) for v >= 0, exact (the double estimate corrected in integers).
std::int64_t isqrt(std::int64_t v) {
  std::int64_t r = static_cast<std::int64_t>(std::sqrt(static_cast<double>(v)));
  while (r > 0 && r * r > v) --r;
  while ((r + 1) * (r + 1) <= v) ++r;
  return r;
}

/// round(num / den), halves up, den > 0: floor((2·num + den) / (2·den)).
std::int64_t round_div(std::int64_t num, std::int64_t den) {
  const std::int64_t a = 2 * num + den, b = 2 * den;
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// Smallest s >= 0 with floor(lo / 2^s) and floor(hi / 2^s) inside b-bit two's complement.
unsigned fit_shift(std::int64_t lo, std::int64_t hi, unsigned bits) {
  unsigned s = 0;
  while (s < 62 && (floor_shift(hi, s) > error_max(bits) || floor_shift(lo, s) < error_min(bits))) ++s;
  return s;
}

/// raw values → b-bit errors: floor shift by `shift` (or the dynamic shift), saturation.
std::vector<std::int32_t> scale_errors(const std::vector<std::int64_t>& raw, unsigned shift,
                                       const FixedPointTrainConfig& cfg) {
  if (cfg.error_autoscale) {
    std::int64_t lo = 0, hi = 0;
    for (std::int64_t v : raw) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    shift = fit_shift(lo, hi, cfg.error_bits);
  }
  std::vector<std::int32_t> e(raw.size());
  for (std::size_t q = 0; q < raw.size(); ++q)
    e[q] = static_cast<std::int32_t>(
        sat(cfg.error_round ? round_shift(raw[q], shift) : floor_shift(raw[q], shift), cfg.error_bits));
  return e;
}

/// Activations: bit (i, j) set where s[i][j] >= 2·T_j.
BitMatrix signs(const std::vector<std::int32_t>& s, std::size_t n, unsigned m, const std::vector<std::int32_t>& t) {
  BitMatrix b(n, m);
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < m; ++j)
      if (std::int64_t{s[i * m + j]} >= 2 * std::int64_t{t[j]}) b.set(i, j, true);
  return b;
}

void check_mapping(const MappingConfig& mapping) {
  mapping.validate();
  if (mapping.array.mode != CellMode::xnor_8t)
    throw std::invalid_argument("two-way training: the MLP is an XNOR BNN, cim.array.cell must be xnor_8t");
  if (mapping.sense.needs_calibration())
    throw std::invalid_argument(
        "two-way training: the sensing needs a calibration pass (nonlinear MLSA or calibrated ADC); use an ideal "
        "or linear MLSA or an ADC over the reachable range");
}

/// The moments of one adam parameter (TrainOptimizer::adam) from its gradient G: g = G scaled by
/// 2^−gshift (round), clamped to ±32767; m ← m − floor(m / 2^β1) + g, v ← v − floor(v / 2^β2) + g²
/// (set to g·2^β1, g²·2^β2 when `init`).  Returns the step's denominator isqrt(floor(v / 2^β2)) + 1,
/// or 0 when m is 0 (no step).  Shared by the weights and the learned thresholds.
std::int64_t adam_moments(std::int64_t G, int gshift, bool init, unsigned b1, unsigned b2, std::int32_t& m,
                          std::int64_t& v) {
  std::int64_t g = G == 0 ? 0
                   : gshift >= 0 ? round_shift(G, static_cast<unsigned>(gshift))
                                 : G * (std::int64_t{1} << -gshift);
  g = std::min<std::int64_t>(32767, std::max<std::int64_t>(-32767, g));
  if (init) {
    m = static_cast<std::int32_t>(g * (std::int64_t{1} << b1));
    v = g * g * (std::int64_t{1} << b2);
  } else {
    m = static_cast<std::int32_t>(std::int64_t{m} - floor_shift(m, b1) + g);
    v = v - (v >> b2) + g * g;
  }
  return m == 0 ? 0 : isqrt(v >> b2) + 1;
}

/// The adam step (TrainOptimizer::adam) of layer l from its gradients G (M×K, Σ|G| = sum_abs):
/// moments, latent update, changed cells (unsorted).  Part of two_way_apply_gradient.
void adam_apply(TwoWayMlp& net, unsigned l, const std::int64_t* G, std::int64_t sum_abs,
                const FixedPointTrainConfig& cfg, std::vector<ChangedCell>& changed) {
  const unsigned K = net.widths.at(l), M = net.widths.at(l + 1);
  std::vector<std::int16_t>& w = net.latent.at(l);
  const std::int64_t lat_lo = -(std::int64_t{1} << (cfg.latent_bits - 1));
  const std::int64_t lat_hi = (std::int64_t{1} << (cfg.latent_bits - 1)) - 1;
  const unsigned b1 = cfg.adam_beta1_shift, b2 = cfg.adam_beta2_shift;
  // g = G scaled by a power of 2 so the layer's mean |g| has kAdamGradBits bits, int16
  const std::uint64_t mean_abs = static_cast<std::uint64_t>(sum_abs) / (std::uint64_t{M} * K);
  const int gshift = static_cast<int>(bitlen(mean_abs)) - static_cast<int>(kAdamGradBits);
  // Δ = round(m · 2^up / (2^b1 · (rms + 1) · 2^down)), up − down = latent_bits − 1 − lr_shift
  const int k = static_cast<int>(cfg.latent_bits) - 1 - static_cast<int>(cfg.lr_shift);
  const unsigned up = k > 0 ? static_cast<unsigned>(k) : 0u, down = k < 0 ? static_cast<unsigned>(-k) : 0u;
  if (net.adam_m.size() != net.latent.size()) net.adam_m.resize(net.latent.size());
  if (net.adam_v.size() != net.latent.size()) net.adam_v.resize(net.latent.size());
  const bool init = net.adam_m[l].size() != w.size();
  if (init) {
    net.adam_m[l].assign(w.size(), 0);
    net.adam_v[l].assign(w.size(), 0);
  }
  std::int32_t* mm = net.adam_m[l].data();
  std::int64_t* vv = net.adam_v[l].data();
  for (unsigned j = 0; j < M; ++j)
    for (unsigned kk = 0; kk < K; ++kk) {
      const std::size_t q = std::size_t{j} * K + kk;
      const std::int64_t den = adam_moments(G[q], gshift, init, b1, b2, mm[q], vv[q]);
      if (den == 0) continue;
      const std::int64_t d = round_div(std::int64_t{mm[q]} * (std::int64_t{1} << up), (den << b1) << down);
      if (d == 0) continue;
      std::int16_t& v = w[q];
      const bool before = v >= 0;
      v = static_cast<std::int16_t>(std::min(lat_hi, std::max(lat_lo, v + d)));
      if ((v >= 0) != before) changed.push_back(ChangedCell{l, kk, j, static_cast<std::int8_t>(v >= 0 ? 1 : -1)});
    }
}

struct Forward {
  std::vector<MappedLayer> layers;
  std::vector<BitMatrix> x;                    // x[l]: inputs of layer l >= 1 (±1 bits)
  std::vector<std::vector<std::int32_t>> sums; // s[l]
};

Forward forward(const TwoWayMlp& net, const MappingConfig& mapping, const FixedPointTrainConfig& cfg,
                const std::uint8_t* images, std::size_t n, std::size_t pixels) {
  if (net.widths.size() < 2 || net.latent.size() + 1 != net.widths.size())
    throw std::invalid_argument("two-way training: the network needs widths and one latent matrix per layer");
  if (pixels != net.widths[0])
    throw std::invalid_argument("two-way training: " + std::to_string(pixels) + " pixels per sample, the network takes " +
                                std::to_string(net.widths[0]));
  Forward f;
  f.x.resize(net.layers());
  f.sums.resize(net.layers());
  std::vector<BitMatrix> planes(cfg.input_bits > 0 ? cfg.input_bits : 1u);
  if (cfg.input_bits > 0) {
    for (unsigned p = 0; p < cfg.input_bits; ++p) pack_bit_plane(images, n, pixels, 8 - cfg.input_bits + p, planes[p]);
  } else {
    pack_threshold(images, n, pixels, cfg.pixel_threshold, planes[0]);
  }
  for (unsigned l = 0; l < net.layers(); ++l) {
    const unsigned K = net.widths[l], M = net.widths[l + 1];
    if (l == 0) {
      const bool serial = cfg.input_bits > 0;
      f.layers.emplace_back(K, M, net.binary(l), serial ? InputKind::unipolar : InputKind::bipolar,
                            serial ? cfg.input_bits : 1u, mapping, l);
      f.layers.back().evaluate(planes, f.sums[l]);
    } else {
      f.layers.emplace_back(K, M, net.binary(l), InputKind::bipolar, 1, mapping, l);
      f.layers.back().evaluate(f.x[l], f.sums[l]);
    }
    if (l + 1 < net.layers()) f.x[l + 1] = signs(f.sums[l], n, M, net.thresholds(l));
  }
  return f;
}

}  // namespace

void FixedPointTrainConfig::validate() const {
  if (error_bits < 1 || error_bits > kMaxErrorBits) bad("error_bits", error_bits, "1..8");
  if (latent_bits < 2 || latent_bits > 16) bad("latent_bits", latent_bits, "2..16");
  if (output_shift > 30) bad("output_shift", output_shift, "0..30");
  if (hidden_shift > 30) bad("hidden_shift", hidden_shift, "0..30");
  if (lr_shift > 30) bad("lr_shift", lr_shift, "0..30");
  if (target_half < 0) bad("target_half", target_half, ">= 0");
  if (ste_window_half < 0) bad("ste_window_half", ste_window_half, ">= 0");
  if (pixel_threshold > 255) bad("pixel_threshold", pixel_threshold, "0..255");
  if (momentum_shift > 15) bad("momentum_shift", momentum_shift, "0..15 (0: off)");
  if (input_bits > 8) bad("input_bits", input_bits, "0..8 (0: binarized)");
  if (ste_window_first_half < 0) bad("ste_window_first_half", ste_window_first_half, ">= 0");
  if (loss != TrainLoss::squared && loss != TrainLoss::hinge) bad("loss", static_cast<int>(loss), "squared|hinge");
  if (optimizer != TrainOptimizer::sgd && optimizer != TrainOptimizer::normalized && optimizer != TrainOptimizer::adam)
    bad("optimizer", static_cast<int>(optimizer), "sgd|normalized|adam");
  if (adam_beta1_shift < 1 || adam_beta1_shift > 15) bad("adam_beta1_shift", adam_beta1_shift, "1..15");
  if (adam_beta2_shift < 1 || adam_beta2_shift > 20) bad("adam_beta2_shift", adam_beta2_shift, "1..20");
  if (optimizer == TrainOptimizer::adam && momentum_shift != 0)
    bad("momentum_shift", momentum_shift, "0 with optimizer adam (adam_beta1_shift is its momentum)");
  if (learn_thresholds && (ste_window_half > 65536 || ste_window_first_half > 65536))
    bad(ste_window_half > 65536 ? "ste_window_half" : "ste_window_first_half",
        std::max(ste_window_half, ste_window_first_half), "<= 65536 with learn_thresholds");
  if (threshold_gain_shift > 8) bad("threshold_gain_shift", threshold_gain_shift, "0..8");
  if (learn_thresholds && optimizer != TrainOptimizer::adam)
    throw std::invalid_argument(std::string("FixedPointTrainConfig.learn_thresholds needs optimizer adam (is ") +
                                to_string(optimizer) + ")");
}

int FixedPointTrainConfig::ste_window(unsigned l) const {
  if (l != 0 || input_bits == 0) return ste_window_half;
  if (ste_window_first_half > 0) return ste_window_first_half;
  return static_cast<int>(std::min<std::int64_t>(std::int64_t{ste_window_half} * ((1 << input_bits) - 1), INT32_MAX));
}

const char* to_string(TrainLoss l) { return l == TrainLoss::hinge ? "hinge" : "squared"; }
const char* to_string(TrainOptimizer o) {
  return o == TrainOptimizer::normalized ? "normalized" : o == TrainOptimizer::adam ? "adam" : "sgd";
}

TwoWayMlp TwoWayMlp::random(const std::vector<unsigned>& widths, unsigned latent_bits, std::uint64_t seed) {
  if (widths.size() < 2) throw std::invalid_argument("TwoWayMlp: at least two widths (inputs, outputs)");
  if (latent_bits < 2 || latent_bits > 16) throw std::invalid_argument("TwoWayMlp: latent_bits must be 2..16");
  for (unsigned w : widths)
    if (w < 1) throw std::invalid_argument("TwoWayMlp: every width must be >= 1");
  TwoWayMlp net;
  net.widths = widths;
  std::mt19937_64 rng(seed);
  const std::uint64_t half = std::uint64_t{1} << (latent_bits - 2);
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    std::vector<std::int16_t> w(std::size_t{widths[l]} * widths[l + 1]);
    for (auto& v : w) v = static_cast<std::int16_t>(static_cast<std::int64_t>(rng() % (2 * half + 1)) - std::int64_t(half));
    net.latent.push_back(std::move(w));
  }
  return net;
}

std::vector<std::int32_t> TwoWayMlp::thresholds(unsigned l) const {
  std::vector<std::int32_t> t(widths.at(l + 1), 0);
  if (l < threshold_latent.size() && threshold_latent[l].size() == t.size())
    for (std::size_t j = 0; j < t.size(); ++j)
      t[j] = static_cast<std::int32_t>(round_shift(threshold_latent[l][j], kThresholdFracBits));
  return t;
}

std::vector<std::int8_t> TwoWayMlp::binary(unsigned l) const {
  std::vector<std::int8_t> b(latent.at(l).size());
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = latent[l][i] >= 0 ? 1 : -1;
  return b;
}

std::vector<unsigned> two_way_predict(const TwoWayMlp& net, const MappingConfig& mapping,
                                      const FixedPointTrainConfig& cfg, const std::uint8_t* images, std::size_t n,
                                      std::size_t pixels) {
  cfg.validate();
  check_mapping(mapping);
  const Forward f = forward(net, mapping, cfg, images, n, pixels);
  const unsigned C = net.widths.back();
  std::vector<unsigned> pred(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* s = f.sums.back().data() + i * C;
    pred[i] = static_cast<unsigned>(std::max_element(s, s + C) - s);
  }
  return pred;
}

std::vector<std::int32_t> two_way_output_errors(const std::int32_t* sums, const std::uint8_t* labels, std::size_t n,
                                                unsigned classes, const FixedPointTrainConfig& cfg) {
  std::vector<std::int64_t> raw(n * classes);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] >= classes)
      throw std::invalid_argument("two-way training: label " + std::to_string(labels[i]) + " of sample " +
                                  std::to_string(i) + " >= " + std::to_string(classes) + " classes");
    for (unsigned j = 0; j < classes; ++j) {
      const std::int64_t t = j == labels[i] ? cfg.target_half : -cfg.target_half;
      const std::int64_t s = sums[i * classes + j];
      const bool violated = j == labels[i] ? s < t : s > t;
      raw[i * classes + j] = cfg.loss == TrainLoss::hinge && !violated ? 0 : t - s;
    }
  }
  return scale_errors(raw, cfg.output_shift, cfg);
}

std::size_t two_way_correct(const std::int32_t* sums, const std::uint8_t* labels, std::size_t n, unsigned classes) {
  std::size_t ok = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* si = sums + i * classes;
    ok += static_cast<unsigned>(std::max_element(si, si + classes) - si) == labels[i];
  }
  return ok;
}

std::vector<std::int32_t> two_way_hidden_errors(const std::int64_t* delta_half, const std::int32_t* prev_sums,
                                                std::size_t count, const FixedPointTrainConfig& cfg,
                                                unsigned prev_layer, const std::int32_t* thresholds, unsigned K) {
  const std::int64_t w = cfg.ste_window(prev_layer);
  if (thresholds != nullptr && (K == 0 || count % K != 0))
    throw std::invalid_argument("two-way training: thresholds need the layer width K dividing the count");
  std::vector<std::int64_t> raw(count, 0);
  for (std::size_t q = 0; q < count; ++q) {
    const std::int64_t u = std::int64_t{prev_sums[q]} - (thresholds ? 2 * std::int64_t{thresholds[q % K]} : 0);
    if (u <= w && u >= -w) raw[q] = delta_half[q];
  }
  return scale_errors(raw, cfg.hidden_shift, cfg);
}

std::vector<std::int16_t> two_way_first_inputs(const std::uint8_t* images, std::size_t n, std::size_t pixels,
                                               const FixedPointTrainConfig& cfg) {
  std::vector<std::int16_t> x(n * pixels);
  for (std::size_t q = 0; q < x.size(); ++q)
    x[q] = cfg.input_bits > 0 ? static_cast<std::int16_t>(images[q] >> (8 - cfg.input_bits))
                              : static_cast<std::int16_t>(images[q] >= cfg.pixel_threshold ? 1 : -1);
  return x;
}

std::vector<std::int16_t> two_way_hidden_inputs(const std::int32_t* prev_sums, std::size_t count,
                                                const std::int32_t* thresholds, unsigned K) {
  if (thresholds != nullptr && (K == 0 || count % K != 0))
    throw std::invalid_argument("two-way training: thresholds need the layer width K dividing the count");
  std::vector<std::int16_t> x(count);
  for (std::size_t q = 0; q < count; ++q)
    x[q] = std::int64_t{prev_sums[q]} >= (thresholds ? 2 * std::int64_t{thresholds[q % K]} : 0) ? 1 : -1;
  return x;
}

bool two_way_update_thresholds(TwoWayMlp& net, unsigned l, const std::int32_t* errors, std::size_t n,
                               const FixedPointTrainConfig& cfg) {
  if (cfg.optimizer != TrainOptimizer::adam)
    throw std::invalid_argument("two-way training: learned thresholds need optimizer adam");
  if (l + 1 >= net.layers()) throw std::invalid_argument("two-way training: thresholds of a hidden layer only");
  const unsigned M = net.widths.at(l + 1), b1 = cfg.adam_beta1_shift, b2 = cfg.adam_beta2_shift;
  const std::vector<std::int32_t> before = net.thresholds(l);
  // g_T[j] = −Σ_i e[i][j]: the threshold enters the pre-activation as s − 2T
  std::vector<std::int64_t> G(M, 0);
  std::int64_t sum_abs = 0;
  for (unsigned j = 0; j < M; ++j) {
    for (std::size_t i = 0; i < n; ++i) G[j] -= errors[i * M + j];
    sum_abs += G[j] < 0 ? -G[j] : G[j];
  }
  const int gshift = static_cast<int>(bitlen(static_cast<std::uint64_t>(sum_abs) / M)) - static_cast<int>(kAdamGradBits);
  // Δθ = round(m · window · 2^F / (2^(β1 + lr_shift) · (rms + 1)))
  const std::int64_t window = cfg.ste_window(l);
  const unsigned down = b1 + cfg.lr_shift;
  const auto grow = [&](auto& v, std::size_t size) {
    if (v.size() != net.latent.size()) v.resize(net.latent.size());
    if (v[l].size() != size) {
      v[l].assign(size, 0);
      return true;
    }
    return false;
  };
  grow(net.threshold_latent, M);
  const bool init = grow(net.threshold_m, M);
  grow(net.threshold_v, M);
  std::int32_t* th = net.threshold_latent[l].data();
  std::int32_t* mm = net.threshold_m[l].data();
  std::int64_t* vv = net.threshold_v[l].data();
  const std::int64_t th_lim = std::int64_t{1} << 30;
  for (unsigned j = 0; j < M; ++j) {
    const std::int64_t den = adam_moments(G[j], gshift, init, b1, b2, mm[j], vv[j]);
    if (den == 0) continue;
    const std::int64_t num =
        std::int64_t{mm[j]} * window * (std::int64_t{1} << (kThresholdFracBits + cfg.threshold_gain_shift));
    const std::int64_t d = round_div(num, den << down);
    th[j] = static_cast<std::int32_t>(std::min(th_lim, std::max(-th_lim, std::int64_t{th[j]} + d)));
  }
  return net.thresholds(l) != before;
}

void two_way_layer_gradient(const std::int32_t* errors, const std::int16_t* x, std::size_t n, unsigned M, unsigned K,
                            std::vector<std::int64_t>& g) {
  // Outer products as int16 dot products over the mini-batch: errors and inputs transposed
  // (M × n' and K × n', n' = n rounded up to 16, zero padded), G[j][k] = Σ_i e[i][j]·x[i][k]
  // — the same integers as the naive triple loop.  The sum is int32 when n·max|e|·max|x|
  // < 2^31 (always for 8-bit errors, 8-bit inputs and n < 2^16), else int64.  Buffers are
  // reused from step to step (no per-step allocation once grown).
  thread_local std::vector<std::int16_t> et, xt;
  thread_local std::vector<char> any;
  const std::size_t np = (n + 15) / 16 * 16;
  et.assign(std::size_t{M} * np, 0);
  xt.assign(std::size_t{K} * np, 0);
  any.assign(M, 0);
  std::int64_t emax = 0, xmax = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < M; ++j) {
      const std::int32_t e = errors[i * M + j];
      if (e < -32767 || e > 32767) throw std::invalid_argument("two-way training: error out of int16 range");
      et[std::size_t{j} * np + i] = static_cast<std::int16_t>(e);
      any[j] |= e != 0;
      emax = std::max<std::int64_t>(emax, std::abs(e));
    }
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned k = 0; k < K; ++k) {
      xt[std::size_t{k} * np + i] = x[i * K + k];
      xmax = std::max<std::int64_t>(xmax, std::abs(std::int32_t{x[i * K + k]}));
    }
  const bool narrow = emax * xmax * static_cast<std::int64_t>(np) < (std::int64_t{1} << 31);
  g.assign(std::size_t{M} * K, 0);
  for (unsigned j = 0; j < M; ++j) {
    if (!any[j]) continue;
    const std::int16_t* ej = et.data() + std::size_t{j} * np;
    std::int64_t* gj = g.data() + std::size_t{j} * K;
    for (unsigned k = 0; k < K; ++k) {
      const std::int16_t* xk = xt.data() + std::size_t{k} * np;
      std::int64_t acc = 0;
      if (narrow) {
        std::int32_t a = 0;
        for (std::size_t i = 0; i < np; ++i) a += std::int32_t{ej[i]} * std::int32_t{xk[i]};
        acc = a;
      } else {
        for (std::size_t i = 0; i < np; ++i) acc += std::int64_t{ej[i]} * std::int64_t{xk[i]};
      }
      gj[k] = acc;
    }
  }
}

void two_way_apply_gradient(TwoWayMlp& net, unsigned l, const std::int64_t* g, const FixedPointTrainConfig& cfg,
                            std::vector<ChangedCell>& changed) {
  const unsigned K = net.widths.at(l), M = net.widths.at(l + 1);
  const std::int64_t lat_lo = -(std::int64_t{1} << (cfg.latent_bits - 1));
  const std::int64_t lat_hi = (std::int64_t{1} << (cfg.latent_bits - 1)) - 1;
  // rows with a non-zero gradient, and the layer's Σ|G| (normalized optimizer)
  thread_local std::vector<char> any;
  any.assign(M, 0);
  std::int64_t sum_abs = 0;
  for (unsigned j = 0; j < M; ++j)
    for (unsigned k = 0; k < K; ++k) {
      const std::int64_t acc = g[std::size_t{j} * K + k];
      any[j] |= acc != 0;
      sum_abs += acc < 0 ? -acc : acc;
    }
  // Step: SGD by lr_shift, or normalized by the layer's mean |G| (TrainOptimizer).
  int shift = static_cast<int>(cfg.lr_shift);
  if (cfg.optimizer == TrainOptimizer::normalized) {
    const std::uint64_t mean_abs = static_cast<std::uint64_t>(sum_abs) / (std::uint64_t{M} * K);
    shift = static_cast<int>(bitlen(mean_abs)) - (static_cast<int>(cfg.latent_bits) - 1 - static_cast<int>(cfg.lr_shift));
  }
  std::vector<std::int16_t>& w = net.latent.at(l);
  const std::size_t first = changed.size();
  if (cfg.optimizer == TrainOptimizer::adam) {
    adam_apply(net, l, g, sum_abs, cfg, changed);
  } else {
  const unsigned mb = cfg.momentum_shift;
  std::int32_t* mom = nullptr;
  if (mb > 0) {
    if (net.momentum.size() != net.latent.size()) net.momentum.resize(net.latent.size());
    if (net.momentum[l].size() != w.size()) net.momentum[l].assign(w.size(), 0);
    mom = net.momentum[l].data();
  }
  for (unsigned j = 0; j < M; ++j) {
    if (!any[j] && mb == 0) continue;
    for (unsigned k = 0; k < K; ++k) {
      const std::size_t q = std::size_t{j} * K + k;
      const std::int64_t gv = g[q];
      std::int64_t d = gv == 0 ? 0
                       : shift >= 0 ? round_shift(gv, static_cast<unsigned>(shift))
                                    : gv * (std::int64_t{1} << -shift);
      if (mb > 0) {
        const std::int64_t m = std::int64_t{mom[q]} - floor_shift(mom[q], mb) + d;
        mom[q] = static_cast<std::int32_t>(std::min<std::int64_t>(INT32_MAX, std::max<std::int64_t>(INT32_MIN, m)));
        d = round_shift(mom[q], mb);
      }
      if (d == 0) continue;
      std::int16_t& v = w[q];
      const bool before = v >= 0;
      v = static_cast<std::int16_t>(std::min(lat_hi, std::max(lat_lo, v + d)));
      if ((v >= 0) != before) changed.push_back(ChangedCell{l, k, j, static_cast<std::int8_t>(v >= 0 ? 1 : -1)});
    }
  }
  }
  // input-major: the order of the row writes
  std::sort(changed.begin() + static_cast<std::ptrdiff_t>(first), changed.end(),
            [](const ChangedCell& a, const ChangedCell& b) {
              return a.input != b.input ? a.input < b.input : a.neuron < b.neuron;
            });
}

void two_way_update_layer(TwoWayMlp& net, unsigned l, const std::int32_t* errors, const std::int16_t* x, std::size_t n,
                          const FixedPointTrainConfig& cfg, std::vector<ChangedCell>& changed) {
  thread_local std::vector<std::int64_t> g;
  two_way_layer_gradient(errors, x, n, net.widths.at(l + 1), net.widths.at(l), g);
  two_way_apply_gradient(net, l, g.data(), cfg, changed);
}

TrainStepResult two_way_train_step(TwoWayMlp& net, const MappingConfig& mapping, const FixedPointTrainConfig& cfg,
                                   const std::uint8_t* images, const std::uint8_t* labels, std::size_t n,
                                   std::size_t pixels) {
  cfg.validate();
  check_mapping(mapping);
  const unsigned L = net.layers(), C = net.widths.back();
  Forward f = forward(net, mapping, cfg, images, n, pixels);
  TrainStepResult r;
  r.errors.resize(L);
  r.errors[L - 1] = two_way_output_errors(f.sums.back().data(), labels, n, C, cfg);
  r.correct = two_way_correct(f.sums.back().data(), labels, n, C);
  // Back-propagation through the transposed reads, gated by the straight-through estimator.
  for (unsigned l = L - 1; l >= 1; --l) {
    const TransposedBank t(f.layers[l].arrays(), mapping.sense, cfg.error_bits, l);
    std::vector<std::int64_t> delta;
    t.evaluate(r.errors[l].data(), n, delta);
    const std::vector<std::int32_t> thr = net.thresholds(l - 1);
    r.errors[l - 1] = two_way_hidden_errors(delta.data(), f.sums[l - 1].data(), delta.size(), cfg, l - 1, thr.data(),
                                            net.widths[l]);
  }
  // Gradients (outer products of errors and inputs), latent update, changed cells.
  for (unsigned l = 0; l < L; ++l) {
    const std::vector<std::int32_t> t = l == 0 ? std::vector<std::int32_t>{} : net.thresholds(l - 1);
    const std::vector<std::int16_t> x = l == 0 ? two_way_first_inputs(images, n, pixels, cfg)
                                               : two_way_hidden_inputs(f.sums[l - 1].data(), f.sums[l - 1].size(),
                                                                       t.data(), net.widths[l]);
    two_way_update_layer(net, l, r.errors[l].data(), x.data(), n, cfg, r.changed);
  }
  // Learned thresholds (after every use of the forward pass's ones).
  if (cfg.learn_thresholds)
    for (unsigned l = 0; l + 1 < L; ++l)
      if (two_way_update_thresholds(net, l, r.errors[l].data(), n, cfg)) r.threshold_layers.push_back(l);
  r.sums = std::move(f.sums);
  return r;
}

}  // namespace cimvp

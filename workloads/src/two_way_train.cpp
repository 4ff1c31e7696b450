#include "cimvp/workloads/two_way_train.h"

#include "cimvp/circuit/two_way.h"

#include <algorithm>
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

BitMatrix signs(const std::vector<std::int32_t>& s, std::size_t n, unsigned m) {
  BitMatrix b(n, m);
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < m; ++j)
      if (s[i * m + j] >= 0) b.set(i, j, true);
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

struct Forward {
  std::vector<MappedLayer> layers;
  std::vector<BitMatrix> x;                    // x[l]: inputs of layer l
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
  pack_threshold(images, n, pixels, cfg.pixel_threshold, f.x[0]);
  for (unsigned l = 0; l < net.layers(); ++l) {
    const unsigned K = net.widths[l], M = net.widths[l + 1];
    f.layers.emplace_back(K, M, net.binary(l), InputKind::bipolar, 1, mapping, l);
    f.layers.back().evaluate(f.x[l], f.sums[l]);
    if (l + 1 < net.layers()) f.x[l + 1] = signs(f.sums[l], n, M);
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
  std::vector<std::int32_t> e(n * classes);
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] >= classes)
      throw std::invalid_argument("two-way training: label " + std::to_string(labels[i]) + " of sample " +
                                  std::to_string(i) + " >= " + std::to_string(classes) + " classes");
    for (unsigned j = 0; j < classes; ++j) {
      const std::int64_t t = j == labels[i] ? cfg.target_half : -cfg.target_half;
      e[i * classes + j] =
          static_cast<std::int32_t>(sat(floor_shift(t - sums[i * classes + j], cfg.output_shift), cfg.error_bits));
    }
  }
  return e;
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
                                                std::size_t count, const FixedPointTrainConfig& cfg) {
  std::vector<std::int32_t> e(count, 0);
  for (std::size_t q = 0; q < count; ++q)
    if (prev_sums[q] <= cfg.ste_window_half && prev_sums[q] >= -cfg.ste_window_half)
      e[q] = static_cast<std::int32_t>(sat(floor_shift(delta_half[q], cfg.hidden_shift), cfg.error_bits));
  return e;
}

void two_way_update_layer(TwoWayMlp& net, unsigned l, const std::int32_t* errors, const BitMatrix& x, std::size_t n,
                          const FixedPointTrainConfig& cfg, std::vector<ChangedCell>& changed) {
  const unsigned K = net.widths.at(l), M = net.widths.at(l + 1);
  const std::int64_t lat_lo = -(std::int64_t{1} << (cfg.latent_bits - 1));
  const std::int64_t lat_hi = (std::int64_t{1} << (cfg.latent_bits - 1)) - 1;
  std::vector<std::int64_t> g(std::size_t{M} * K, 0);
  // |G| <= n · max|e|: accumulate in int32 when that fits (the same integers; the inner loop
  // is an XOR and a subtraction per element, which vectorizes with SSE2), else in int64.
  std::int64_t emax = 0;
  for (std::size_t q = 0; q < n * M; ++q) emax = std::max<std::int64_t>(emax, std::abs(std::int64_t{errors[q]}));
  if (emax * static_cast<std::int64_t>(n) < (std::int64_t{1} << 31)) {
    std::vector<std::int32_t> g32(std::size_t{M} * K, 0);
    std::vector<std::int32_t> neg(K);  // sample i's inputs: 0 for +1, −1 (all ones) for −1
    for (std::size_t i = 0; i < n; ++i) {
      bool any = false;
      for (unsigned j = 0; j < M && !any; ++j) any = errors[i * M + j] != 0;
      if (!any) continue;
      for (unsigned k = 0; k < K; ++k) neg[k] = x.get(i, k) ? 0 : -1;
      for (unsigned j = 0; j < M; ++j) {
        const std::int32_t e = errors[i * M + j];
        if (e == 0) continue;
        std::int32_t* gj = g32.data() + std::size_t{j} * K;
        for (unsigned k = 0; k < K; ++k) gj[k] += (e ^ neg[k]) - neg[k];  // +e or −e
      }
    }
    std::copy(g32.begin(), g32.end(), g.begin());
  } else {
    for (std::size_t i = 0; i < n; ++i)
      for (unsigned j = 0; j < M; ++j) {
        const std::int64_t e = errors[i * M + j];
        if (e == 0) continue;
        std::int64_t* gj = g.data() + std::size_t{j} * K;
        for (unsigned k = 0; k < K; ++k) gj[k] += x.get(i, k) ? e : -e;
      }
  }
  std::vector<std::int16_t>& w = net.latent.at(l);
  for (unsigned k = 0; k < K; ++k)  // input-major: the order of the row writes
    for (unsigned j = 0; j < M; ++j) {
      std::int16_t& v = w[std::size_t{j} * K + k];
      const bool before = v >= 0;
      v = static_cast<std::int16_t>(
          std::min(lat_hi, std::max(lat_lo, v + round_shift(g[std::size_t{j} * K + k], cfg.lr_shift))));
      if ((v >= 0) != before) changed.push_back(ChangedCell{l, k, j, static_cast<std::int8_t>(v >= 0 ? 1 : -1)});
    }
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
    r.errors[l - 1] = two_way_hidden_errors(delta.data(), f.sums[l - 1].data(), delta.size(), cfg);
  }
  // Gradients (outer products of errors and inputs), latent update, changed cells.
  for (unsigned l = 0; l < L; ++l) two_way_update_layer(net, l, r.errors[l].data(), f.x[l], n, cfg, r.changed);
  r.sums = std::move(f.sums);
  return r;
}

}  // namespace cimvp

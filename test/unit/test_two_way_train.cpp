// Golden fixed-point training step on the two-way array (workloads/two_way_train.h): a
// hand-computed step, the back-propagation against naive loops, and a separable task learned.
#include <catch2/catch.hpp>

#include "cimvp/workloads/two_way_train.h"
#include "separable_dataset.h"

#include <random>
#include <stdexcept>

using namespace cimvp;

namespace {

MappingConfig ideal_mapping(unsigned R, unsigned C) {
  MappingConfig m;
  m.array.rows = R;
  m.array.cols = C;
  m.array.mode = CellMode::xnor_8t;
  m.array.access = AccessMode::parallel;
  m.sense.kind = SenseKind::mlsa;
  m.sense.quantization = Quantization::ideal;
  return m;
}

}  // namespace

TEST_CASE("one hand-computed training step: sums, errors, latent update, changed cells", "[two_way][train]") {
  TwoWayMlp net;
  net.widths = {4, 2};
  // neuron 0: (1, 0, -1, -2) → (+1, +1, -1, -1);  neuron 1: (-1, 2, 3, -1) → (-1, +1, +1, -1)
  net.latent = {{1, 0, -1, -2, -1, 2, 3, -1}};
  FixedPointTrainConfig cfg;
  cfg.latent_bits = 4;  // [-8, 7]
  cfg.target_half = 4;
  cfg.lr_shift = 1;
  cfg.pixel_threshold = 128;
  const std::uint8_t image[4] = {200, 10, 200, 10};  // x = (+1, -1, +1, -1)
  const std::uint8_t label[1] = {0};
  const TrainStepResult r = two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4);
  // s_0 = 1 - 1 - 1 + 1 = 0, s_1 = -1 - 1 + 1 + 1 = 0; the first maximum (class 0) is the label.
  REQUIRE(r.sums.size() == 1);
  CHECK(r.sums[0] == std::vector<std::int32_t>{0, 0});
  CHECK(r.correct == 1);
  // e = t - s = (4, -4);  G = e·xᵀ = (4, -4, 4, -4; -4, 4, -4, 4);  Δ = round(G / 2) = ±2.
  CHECK(r.errors[0] == std::vector<std::int32_t>{4, -4});
  CHECK(net.latent[0] == std::vector<std::int16_t>{3, -2, 1, -4, -3, 4, 1, 1});
  // Signs: neuron 0 (+1, -1, +1, -1): inputs 1 and 2 changed; neuron 1 (-1, +1, +1, +1): input 3.
  const std::vector<ChangedCell> want = {{0, 1, 0, -1}, {0, 2, 0, 1}, {0, 3, 1, 1}};
  CHECK(r.changed == want);
  // Saturation at 2^(latent_bits-1) - 1 = 7: all weights +1 gives s = (0, 0), e = (4, -4);
  // with lr_shift 0 neuron 0 moves by e_0·x = (4, -4, 4, -4): 6 + 4 → 7, 0 - 4 = -4.
  net.latent = {{6, 0, 0, 0, 0, 0, 0, 0}};
  cfg.lr_shift = 0;
  two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4);
  CHECK(net.latent[0][0] == 7);
  CHECK(net.latent[0][1] == -4);
  CHECK(net.latent[0][4] == -4);  // neuron 1: e_1·x_0 = -4
  cfg.error_bits = 9;
  CHECK_THROWS_AS(two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4), std::invalid_argument);
  cfg.error_bits = 8;
  const std::uint8_t bad_label[1] = {2};
  CHECK_THROWS_AS(two_way_train_step(net, ideal_mapping(64, 64), cfg, image, bad_label, 1, 4), std::invalid_argument);
}

TEST_CASE("back-propagation equals naive loops: transposed sums, STE gate, shifts", "[two_way][train]") {
  const std::vector<unsigned> widths = {20, 12, 3};
  TwoWayMlp net = TwoWayMlp::random(widths, 8, 7);
  const TwoWayMlp before = net;
  FixedPointTrainConfig cfg;
  cfg.latent_bits = 8;
  cfg.error_bits = 6;      // [-32, 31]
  cfg.target_half = 10;
  cfg.output_shift = 1;
  cfg.hidden_shift = 2;
  cfg.ste_window_half = 8;
  cfg.lr_shift = 3;
  const std::size_t n = 5;
  std::mt19937_64 rng(3);
  std::vector<std::uint8_t> images(n * 20), labels(n);
  for (auto& p : images) p = static_cast<std::uint8_t>(rng() & 0xFF);
  for (auto& l : labels) l = static_cast<std::uint8_t>(rng() % 3);
  const TrainStepResult r = two_way_train_step(net, ideal_mapping(8, 8), cfg, images.data(), labels.data(), n, 20);
  const auto W0 = before.binary(0), W1 = before.binary(1);
  auto clamp = [](long v, long lo, long hi) { return v < lo ? lo : v > hi ? hi : v; };
  auto fl = [](long v, int s) { long d = 1L << s; return v >= 0 ? v / d : -((-v + d - 1) / d); };
  for (std::size_t i = 0; i < n; ++i) {
    int x[20], h[12];
    for (int k = 0; k < 20; ++k) x[k] = images[i * 20 + k] >= 128 ? 1 : -1;
    int s0[12];
    for (int j = 0; j < 12; ++j) {
      s0[j] = 0;
      for (int k = 0; k < 20; ++k) s0[j] += 2 * W0[j * 20 + k] * x[k];
      h[j] = s0[j] >= 0 ? 1 : -1;
      REQUIRE(r.sums[0][i * 12 + j] == s0[j]);
    }
    long e1[3];
    for (int c = 0; c < 3; ++c) {
      int s1 = 0;
      for (int j = 0; j < 12; ++j) s1 += 2 * W1[c * 12 + j] * h[j];
      REQUIRE(r.sums[1][i * 3 + c] == s1);
      e1[c] = clamp(fl((c == labels[i] ? 10 : -10) - s1, 1), -32, 31);
      REQUIRE(r.errors[1][i * 3 + c] == e1[c]);
    }
    for (int j = 0; j < 12; ++j) {
      long d = 0;
      for (int c = 0; c < 3; ++c) d += 2 * W1[c * 12 + j] * e1[c];
      const long want = (s0[j] >= -8 && s0[j] <= 8) ? clamp(fl(d, 2), -32, 31) : 0;
      REQUIRE(r.errors[0][i * 12 + j] == want);
    }
  }
  // Every changed cell is a sign change of the latent weight, and every sign change is listed.
  std::size_t flips = 0;
  for (unsigned l = 0; l < 2; ++l)
    for (std::size_t q = 0; q < net.latent[l].size(); ++q) flips += (net.latent[l][q] >= 0) != (before.latent[l][q] >= 0);
  CHECK(r.changed.size() == flips);
}

TEST_CASE("a separable task is learned by repeated golden steps (quantized reads)", "[two_way][train]") {
  const cimvp::Dataset train = separable_dataset(256, 1);
  const cimvp::Dataset test = separable_dataset(200, 2);
  TwoWayMlp net = TwoWayMlp::random({64, 16, 2}, 10, 5);
  FixedPointTrainConfig cfg;
  cfg.latent_bits = 10;
  cfg.error_bits = 8;
  cfg.target_half = 16;
  cfg.hidden_shift = 0;
  cfg.ste_window_half = 48;
  cfg.lr_shift = 5;
  MappingConfig m = ideal_mapping(32, 8);  // 2 row blocks × 2 column blocks for layer 0
  m.sense.quantization = Quantization::linear;
  m.sense.bits = 5;  // forward: 33 / 65 reachable sums on 32 levels; transposed: 17 on 32 (exact)
  auto accuracy = [&]() {
    const auto p = two_way_predict(net, m, cfg, test.images.data(), test.size(), 64);
    std::size_t ok = 0;
    for (std::size_t i = 0; i < p.size(); ++i) ok += p[i] == test.labels[i];
    return double(ok) / double(p.size());
  };
  const double before = accuracy();
  const std::size_t B = 32;
  std::size_t changed = 0;
  for (int epoch = 0; epoch < 8; ++epoch)
    for (std::size_t b0 = 0; b0 < train.size(); b0 += B)
      changed += two_way_train_step(net, m, cfg, train.image(b0), train.labels.data() + b0, B, 64).changed.size();
  const double after = accuracy();
  INFO("accuracy " << before << " -> " << after << ", cells changed " << changed);
  CHECK(after >= 0.9);
  CHECK(after > before);
  CHECK(changed > 0);
}

TEST_CASE("hand-computed step: bit-serial input, hinge loss, dynamic error scaling, normalized step, momentum",
          "[two_way][train]") {
  // 4 → 2: W = (+1, +1, −1, −1; −1, +1, +1, −1) from the latent signs.
  TwoWayMlp net;
  net.widths = {4, 2};
  net.latent = {{1, 0, -1, -2, -1, 2, 3, -1}};
  const TwoWayMlp start = net;
  FixedPointTrainConfig cfg;
  cfg.input_bits = 4;          // x = pixel >> 4 = (12, 0, 10, 2)
  cfg.loss = TrainLoss::hinge;
  cfg.error_autoscale = true;
  cfg.optimizer = TrainOptimizer::normalized;
  cfg.error_bits = 4;          // [-8, 7]
  cfg.latent_bits = 6;         // [-32, 31]
  cfg.lr_shift = 2;            // mean |step| ~ 2^(6 - 1 - 2) = 8
  cfg.target_half = 4;
  const std::uint8_t image[4] = {200, 10, 160, 40};
  const std::uint8_t label[1] = {1};
  CHECK(two_way_first_inputs(image, 1, 4, cfg) == std::vector<std::int16_t>{12, 0, 10, 2});
  const TrainStepResult r = two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4);
  // s = 2·W·x = (2·(12 − 10 − 2), 2·(−12 + 10 − 2)) = (0, −8); class 0 wins: wrong.
  CHECK(r.sums[0] == std::vector<std::int32_t>{0, -8});
  CHECK(r.correct == 0);
  // hinge: class 0 (t = −4) has s = 0 > −4 → r = −4; class 1 (t = +4) has s = −8 < 4 → r = 12.
  // 12 does not fit 4 bits, 12 / 2 = 6 does: shift 1 → e = (−2, 6).
  CHECK(r.errors[0] == std::vector<std::int32_t>{-2, 6});
  // G = e·xᵀ = (−24, 0, −20, −4; 72, 0, 60, 12), Σ|G| = 192, mean a = 192 / 8 = 24, bitlen 5;
  // shift = 5 − (6 − 1 − 2) = 2: Δ = round(G / 4) = (−6, 0, −5, −1; 18, 0, 15, 3).
  CHECK(net.latent[0] == std::vector<std::int16_t>{-5, 0, -6, -3, 17, 2, 18, 2});
  const std::vector<ChangedCell> want = {{0, 0, 0, -1}, {0, 0, 1, 1}, {0, 3, 1, 1}};
  CHECK(r.changed == want);
  CHECK(net.momentum.empty());
  // The same step with momentum_shift 1: m = 0 − floor(0 / 2) + Δ = Δ, the weight moves by
  // round(m / 2) (halves up): (−3, 0, −2, 0; 9, 0, 8, 2).
  net = start;
  cfg.momentum_shift = 1;
  two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4);
  CHECK(net.latent[0] == std::vector<std::int16_t>{-2, 0, -3, -2, 8, 2, 11, 1});
  REQUIRE(net.momentum.size() == 1);
  CHECK(net.momentum[0] == std::vector<std::int32_t>{-6, 0, -5, -1, 18, 0, 15, 3});
  // squared loss on the same sums: r = (−4 − 0, 4 + 8) = (−4, 12) as well; a margin met is not an
  // error under hinge only: s = (−8, 0) → hinge r = (0, 4), squared r = (4, 4).
  const std::int32_t met[2] = {-8, 0};
  CHECK(two_way_output_errors(met, label, 1, 2, cfg) == std::vector<std::int32_t>{0, 4});
  cfg.loss = TrainLoss::squared;
  CHECK(two_way_output_errors(met, label, 1, 2, cfg) == std::vector<std::int32_t>{4, 4});
  // hidden errors: STE window of the bit-serial first layer = ste_window_half × 15 unless set;
  // dynamic shift over the gated values only (100 outside the window does not count).
  cfg.ste_window_half = 2;
  CHECK(cfg.ste_window(0) == 30);
  CHECK(cfg.ste_window(1) == 2);
  const std::int64_t delta[4] = {-20, 9, 100, 3};
  const std::int32_t prev[4] = {30, -30, 31, 0};  // 31 is outside the window of 30
  // gated (−20, 9, 0, 3): −20 needs shift 2 to fit [−8, 7] → (−5, 2, 0, 0)
  CHECK(two_way_hidden_errors(delta, prev, 4, cfg, 0) == std::vector<std::int32_t>{-5, 2, 0, 0});
  cfg.ste_window_first_half = 31;
  // all gated (−20, 9, 100, 3): 100 needs shift 4 → (−2, 0, 6, 0)
  CHECK(two_way_hidden_errors(delta, prev, 4, cfg, 0) == std::vector<std::int32_t>{-2, 0, 6, 0});
}

TEST_CASE("hand-computed adam steps: gradient scaling, moments, per-weight normalized step", "[two_way][train]") {
  // The 4 → 2 step of the test above (e = (−2, 6), x = (12, 0, 10, 2)) with optimizer adam.
  TwoWayMlp net;
  net.widths = {4, 2};
  net.latent = {{1, 0, -1, -2, -1, 2, 3, -1}};
  FixedPointTrainConfig cfg;
  cfg.input_bits = 4;
  cfg.loss = TrainLoss::hinge;
  cfg.error_autoscale = true;
  cfg.optimizer = TrainOptimizer::adam;
  cfg.adam_beta1_shift = 1;
  cfg.adam_beta2_shift = 2;
  cfg.error_bits = 4;
  cfg.latent_bits = 6;  // [-32, 31]
  cfg.lr_shift = 2;     // Δ ≈ ±2^(6 − 1 − 2) = ±8 per step
  cfg.target_half = 4;
  const std::uint8_t image[4] = {200, 10, 160, 40};
  const std::uint8_t label[1] = {1};
  const TrainStepResult r = two_way_train_step(net, ideal_mapping(64, 64), cfg, image, label, 1, 4);
  REQUIRE(r.errors[0] == std::vector<std::int32_t>{-2, 6});
  // G = (−24, 0, −20, −4; 72, 0, 60, 12), mean |G| = 24 (5 bits) → g = G·2^(8 − 5) =
  // (−192, 0, −160, −32; 576, 0, 480, 96).  First step: m = 2g, v = 4g², rms = isqrt(v / 4) = |g|,
  // Δ = round(m·2^3 / (2·(|g| + 1))) = round(8g / (|g| + 1)): −1536/193 = −7.96 → −8,
  // −1280/161 → −8, −256/33 = −7.76 → −8, 4608/577 → 8, 3840/481 → 8, 768/97 = 7.92 → 8.
  CHECK(net.latent[0] == std::vector<std::int16_t>{-7, 0, -9, -10, 7, 2, 11, 7});
  CHECK(net.adam_m[0] == std::vector<std::int32_t>{-384, 0, -320, -64, 1152, 0, 960, 192});
  CHECK(net.adam_v[0] == std::vector<std::int64_t>{147456, 0, 102400, 4096, 1327104, 0, 921600, 36864});
  const std::vector<ChangedCell> want = {{0, 0, 0, -1}, {0, 0, 1, 1}, {0, 3, 1, 1}};
  CHECK(r.changed == want);
  // Second step with e = (1, 0): G = (12, 0, 10, 2; 0, …), mean 3 (2 bits) → g = G·64 =
  // (768, 0, 640, 128; 0, 0, 0, 0).  m ← m − floor(m / 2) + g = (576, 0, 480, 96, 576, 0, 480, 96);
  // v ← v − floor(v / 4) + g² = (700416, 0, 486400, 19456, 995328, 0, 691200, 27648);
  // rms = isqrt(v / 4) = (418, –, 348, 69, 498, –, 415, 83);
  // Δ = round(8m / (2·(rms + 1))): 4608/838 = 5.499 → 5, 3840/698 = 5.501 → 6, 768/140 = 5.49 → 5,
  // 4608/998 → 5, 3840/832 → 5, 768/168 → 5.  No sign changes.
  const std::int32_t e2[2] = {1, 0};
  const std::int16_t x2[4] = {12, 0, 10, 2};
  std::vector<ChangedCell> changed;
  two_way_update_layer(net, 0, e2, x2, 1, cfg, changed);
  CHECK(net.adam_m[0] == std::vector<std::int32_t>{576, 0, 480, 96, 576, 0, 480, 96});
  CHECK(net.adam_v[0] == std::vector<std::int64_t>{700416, 0, 486400, 19456, 995328, 0, 691200, 27648});
  CHECK(net.latent[0] == std::vector<std::int16_t>{-2, 0, -3, -5, 12, 2, 16, 12});
  CHECK(changed.empty());
  // adam keeps its own momentum: momentum_shift must stay 0; the shifts have ranges.
  cfg.momentum_shift = 2;
  CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("momentum_shift"));
  cfg.momentum_shift = 0;
  cfg.adam_beta2_shift = 21;
  CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("adam_beta2_shift") && Catch::Contains("1..20"));
  cfg.adam_beta2_shift = 2;
  cfg.adam_beta1_shift = 0;
  CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("adam_beta1_shift") && Catch::Contains("1..15"));
}

TEST_CASE("hand-computed learned thresholds: gate, activations, gradient and adam update of 2 neurons",
          "[two_way][train]") {
  FixedPointTrainConfig cfg;
  cfg.optimizer = TrainOptimizer::adam;
  cfg.adam_beta1_shift = 1;
  cfg.adam_beta2_shift = 2;
  cfg.lr_shift = 3;
  cfg.ste_window_half = 16;
  cfg.learn_thresholds = true;
  REQUIRE_NOTHROW(cfg.validate());
  TwoWayMlp net = TwoWayMlp::random({4, 2, 2}, 10, 1);
  CHECK(net.thresholds(0) == std::vector<std::int32_t>{0, 0});  // no latent thresholds yet
  // 3 samples × 2 neurons of gated errors: g_T = −Σ_i e = (−(2 + 3 − 1), −(−1 + 0 − 2)) = (−4, 3)
  const std::vector<std::int32_t> e = {2, -1, 3, 0, -1, -2};
  // Σ|g| / 2 = 3 (2 bits): g scaled by 2^(8 − 2) = 64 → (−256, 192); first step (β shifts 1 / 2):
  // m = 2g = (−512, 384), v = 4g² = (262144, 147456), rms = isqrt(v / 4) = (256, 192);
  // Δθ = round(m · 16 · 2^8 / (2^(1 + 3) · (rms + 1))) = round(−2097152 / 4112), round(1572864 / 3088)
  //    = (−510, 509);  T = round(θ / 256) = (−2, 2)
  CHECK(two_way_update_thresholds(net, 0, e.data(), 3, cfg));
  CHECK(net.threshold_m[0] == std::vector<std::int32_t>{-512, 384});
  CHECK(net.threshold_v[0] == std::vector<std::int64_t>{262144, 147456});
  CHECK(net.threshold_latent[0] == std::vector<std::int32_t>{-510, 509});
  CHECK(net.thresholds(0) == std::vector<std::int32_t>{-2, 2});
  // second step, same errors: m = m − floor(m / 2) + g = (−512, 384), v = v − v / 4 + g² = v:
  // the same Δθ → θ = (−1020, 1018), T = (−4, 4)
  CHECK(two_way_update_thresholds(net, 0, e.data(), 3, cfg));
  CHECK(net.threshold_latent[0] == std::vector<std::int32_t>{-1020, 1018});
  CHECK(net.thresholds(0) == std::vector<std::int32_t>{-4, 4});
  // zero errors: g = 0, the moments decay (m = (−256, 192), v = 3v/4 = (196608, 110592),
  // rms = (221, 166)), θ still moves by round(−1048576 / 3552) = −295 and round(786432 / 2672) = 294
  // → θ = (−1315, 1312), T = (−5, 5)
  const std::vector<std::int32_t> zero(6, 0);
  CHECK(two_way_update_thresholds(net, 0, zero.data(), 3, cfg));
  CHECK(net.threshold_m[0] == std::vector<std::int32_t>{-256, 192});
  CHECK(net.threshold_v[0] == std::vector<std::int64_t>{196608, 110592});
  CHECK(net.threshold_latent[0] == std::vector<std::int32_t>{-1315, 1312});
  CHECK(net.thresholds(0) == std::vector<std::int32_t>{-5, 5});

  // activations and the STE gate use s − 2T (T = (−4, 4) PS units → 2T = (−8, 8) half units)
  const std::vector<std::int32_t> t = {-4, 4};
  const std::vector<std::int32_t> s = {-8, 7, -9, 8};
  CHECK(two_way_hidden_inputs(s.data(), 4, t.data(), 2) == std::vector<std::int16_t>{1, -1, -1, 1});
  CHECK(two_way_hidden_inputs(s.data(), 4) == std::vector<std::int16_t>{-1, 1, -1, 1});
  const std::vector<std::int64_t> delta = {10, 20, 30, 40};
  const std::vector<std::int32_t> pre = {8, 24, -24, -9};  // s − 2T = (16, 16, −16, −17)
  CHECK(two_way_hidden_errors(delta.data(), pre.data(), 4, cfg, 0, t.data(), 2) ==
        std::vector<std::int32_t>{10, 20, 30, 0});
  CHECK(two_way_hidden_errors(delta.data(), pre.data(), 4, cfg, 0) == std::vector<std::int32_t>{10, 0, 0, 40});

  // errors: adam only; hidden layers only
  CHECK_THROWS_AS(two_way_update_thresholds(net, 1, e.data(), 3, cfg), std::invalid_argument);
  cfg.optimizer = TrainOptimizer::normalized;
  CHECK_THROWS_WITH(cfg.validate(), Catch::Contains("learn_thresholds") && Catch::Contains("adam"));
}

TEST_CASE("error_round: scaled errors rounded (halves up) instead of floored, saturated", "[two_way][train]") {
  FixedPointTrainConfig cfg;
  cfg.target_half = 0;  // t = 0: raw error = −s
  cfg.output_shift = 2;
  const std::vector<std::int32_t> s = {-5, 5, -6, 6, -2, 2};
  const std::uint8_t label = 0;
  // raw (5, −5, 6, −6, 2, −2) / 4: floor (1, −2, 1, −2, 0, −1), round (1, −1, 2, −1, 1, 0)
  CHECK(two_way_output_errors(s.data(), &label, 1, 6, cfg) == std::vector<std::int32_t>{1, -2, 1, -2, 0, -1});
  cfg.error_round = true;
  CHECK(two_way_output_errors(s.data(), &label, 1, 6, cfg) == std::vector<std::int32_t>{1, -1, 2, -1, 1, 0});
  // dynamic scaling fits the floored values (shift 1 for raw 255 / −256 in 8 bits); the rounded
  // 255 / 2 → 128 saturates to 127, −256 / 2 → −128
  cfg.error_autoscale = true;
  const std::vector<std::int32_t> s2 = {-255, 256};
  CHECK(two_way_output_errors(s2.data(), &label, 1, 2, cfg) == std::vector<std::int32_t>{127, -128});
  cfg.error_round = false;
  CHECK(two_way_output_errors(s2.data(), &label, 1, 2, cfg) == std::vector<std::int32_t>{127, -128});
}

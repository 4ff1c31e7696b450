// BinaryNet trainer: batch-norm folding (hand-computed), exact integer inference
// (hand-computed), export == trainer prediction for prediction, learning a separable task,
// determinism.
#include <catch2/catch.hpp>

#include "separable_dataset.h"

#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <random>
#include <stdexcept>
#include <vector>

using Catch::Matchers::Contains;
using cimvp::CellMode;
using cimvp::InputEncoding;

namespace {

cimvp::Dataset separable(std::size_t n, std::uint64_t seed) { return separable_dataset(n, seed, "separable"); }

cimvp::TrainerConfig tiny_config(CellMode mode, InputEncoding input) {
  cimvp::TrainerConfig c;
  c.mode = mode;
  c.input = input;
  c.input_bits = 4;
  c.input_threshold = 150;
  c.layers = {64, 32, 2};
  c.epochs = 8;
  c.batch = 50;
  c.lr = 3e-3f;
  c.lr_final = 3e-4f;
  c.seed = 7;
  return c;
}

}  // namespace

TEST_CASE("fold_batch_norm: hand-computed thresholds for gamma > 0 and gamma < 0", "[trainer]") {
  // 2·((s − 10)·0.5) + 1 >= 0  <=>  s >= 9
  auto f = cimvp::fold_batch_norm(2.0f, 1.0f, 10.0f, 0.5f, 100);
  CHECK(f.threshold == 9);
  CHECK_FALSE(f.flip);
  // −2·((s − 10)·0.5) + 1 >= 0  <=>  s <= 11
  f = cimvp::fold_batch_norm(-2.0f, 1.0f, 10.0f, 0.5f, 100);
  CHECK(f.threshold == 11);
  CHECK(f.flip);
  // boundary between integers: s − 10.5 >= 0 <=> s >= 11; −(s − 10.5) >= 0 <=> s <= 10
  f = cimvp::fold_batch_norm(1.0f, 0.0f, 10.5f, 1.0f, 100);
  CHECK(f.threshold == 11);
  f = cimvp::fold_batch_norm(-1.0f, 0.0f, 10.5f, 1.0f, 100);
  CHECK(f.threshold == 10);
  CHECK(f.flip);
  // exactly on an integer: s − 3 >= 0 includes s = 3 (sign(0) = +1)
  CHECK(cimvp::fold_batch_norm(1.0f, 0.0f, 3.0f, 1.0f, 100).threshold == 3);
  CHECK(cimvp::fold_batch_norm(-1.0f, 0.0f, 3.0f, 1.0f, 100).threshold == 3);
  // never / always firing within |s| <= 100
  CHECK(cimvp::fold_batch_norm(1.0f, -1000.0f, 0.0f, 1.0f, 100).threshold == 101);
  f = cimvp::fold_batch_norm(-1.0f, -1000.0f, 0.0f, 1.0f, 100);
  CHECK(f.threshold == -101);
  CHECK(f.flip);
  CHECK(cimvp::fold_batch_norm(1.0f, 1000.0f, 0.0f, 1.0f, 100).threshold == -100);
  // γ = 0: constant predicate β >= 0
  f = cimvp::fold_batch_norm(0.0f, 0.5f, 7.0f, 1.0f, 100);
  CHECK(f.threshold == -100);
  CHECK_FALSE(f.flip);
  CHECK(cimvp::fold_batch_norm(0.0f, -0.5f, 7.0f, 1.0f, 100).threshold == 101);
  CHECK_THROWS_AS(cimvp::fold_batch_norm(1.0f, 0.0f, 0.0f, 0.0f, 100), std::invalid_argument);
  CHECK_THROWS_AS(cimvp::fold_batch_norm(NAN, 0.0f, 0.0f, 1.0f, 100), std::invalid_argument);
  CHECK_THROWS_AS(cimvp::fold_batch_norm(1.0f, 0.0f, 0.0f, 1.0f, 1 << 24), std::invalid_argument);
}

TEST_CASE("fold_batch_norm agrees with the float predicate for every reachable sum", "[trainer]") {
  std::mt19937_64 rng(3);
  auto u = [&](double lo, double hi) { return static_cast<float>(lo + (hi - lo) * (rng() >> 11) * 0x1.0p-53); };
  const std::int64_t R = 300;
  for (int t = 0; t < 300; ++t) {
    const float gamma = u(-3, 3), beta = u(-2, 2), mean = u(-200, 200), inv = u(0.001, 0.5);
    const auto f = cimvp::fold_batch_norm(gamma, beta, mean, inv, R);
    for (std::int64_t s = -R; s <= R; ++s) {
      const bool want = cimvp::bn_fires(static_cast<float>(s), gamma, beta, mean, inv);
      const bool got = f.flip ? s <= f.threshold : s >= f.threshold;
      if (want != got) FAIL("gamma " << gamma << " beta " << beta << " mean " << mean << " s " << s);
    }
  }
}

TEST_CASE("export folds batch norm into the hand-computed thresholds", "[trainer]") {
  cimvp::TrainerConfig c;
  c.layers = {4, 3, 2};
  c.bn_epsilon = 1e-6f;
  cimvp::BnnTrainer t(c);
  // inv_std ≈ 1: neuron 0: (s − 1) + 0.5 >= 0 → s >= 1 (0.5 rounds up); neuron 1: γ < 0:
  // −(s − 1) + 0.5 >= 0 → s <= 1 (1.5 rounds down), flip; neuron 2: 2(s + 3) >= 0 → s >= −3.
  t.set_batch_norm(0, {1.0f, -1.0f, 2.0f}, {0.5f, 0.5f, 0.0f}, {1.0f, 1.0f, -3.0f}, {1.0f, 1.0f, 1.0f});
  // last layer: scale = γ / sqrt(var + eps) ≈ γ / 2, bias = β − mean·scale
  t.set_batch_norm(1, {4.0f, -1.0f}, {1.0f, 0.0f}, {2.0f, -6.0f}, {4.0f, 4.0f});
  const auto net = t.export_network("hand");
  REQUIRE(net.layers.size() == 2);
  CHECK(net.layers[0].threshold == std::vector<std::int32_t>{1, 1, -3});
  CHECK(net.layers[0].flip == std::vector<std::uint8_t>{0, 1, 0});
  CHECK(net.layers[1].scale[0] == Approx(2.0f));
  CHECK(net.layers[1].bias[0] == Approx(1.0f - 2.0f * 2.0f));
  CHECK(net.layers[1].scale[1] == Approx(-0.5f));
  CHECK(net.layers[1].bias[1] == Approx(0.0f - (-6.0f) * (-0.5f)));
  CHECK(net.description == "hand");
  CHECK_NOTHROW(cimvp::validate_network(net));
  CHECK_THROWS_AS(t.set_batch_norm(2, {}, {}, {}, {}), std::invalid_argument);
}

TEST_CASE("integer_predict follows bnn.h on a hand-computed network", "[trainer]") {
  cimvp::BnnNetwork n;
  n.input_threshold = 100;
  cimvp::BnnLayer a, b;
  a.inputs = 3;
  a.outputs = 2;
  a.weights = {1, 1, 1, -1, 1, -1};
  a.threshold = {1, -2};
  a.flip = {0, 1};
  b.inputs = 2;
  b.outputs = 2;
  b.weights = {1, -1, 1, 1};
  b.scale = {1.0f, -1.0f};
  b.bias = {0.5f, 0.0f};
  n.layers = {a, b};
  cimvp::Dataset d;
  d.rows = 1;
  d.cols = 3;
  d.images = {200, 50, 150};
  d.labels = {0};
  // XNOR binarized: x = (+1, −1, +1); s = (1, −3); fire (1 >= 1, −3 <= −2) → h = (+1, +1);
  // s = (0, 2); logits (0.5, −2) → class 0.
  n.mode = CellMode::xnor_8t;
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{0});
  n.layers[1].bias = {2.0f, 0.0f};  // logits (2, −2)
  n.layers[1].scale = {1.0f, 1.0f}; // logits (2, 2): tie → lowest index
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{0});
  n.layers[1].bias = {1.9f, 0.0f};  // logits (1.9, 2) → class 1
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{1});
  // HBNN binarized: x = (1, 0, 1); s = (2, −2); both fire → h = (1, 1); s = (0, 2) → class 1
  n.mode = CellMode::hbnn_6t;
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{1});
  // bit-serial, 4 bits: x = (12, 3, 9); s = (24, −18); neuron 0: 24 < 25 → no; neuron 1:
  // −18 <= −18 → fires.  XNOR h = (−1, +1): s = (−2, 0); logits with bias (0, −1): (−2, −1) → 1.
  n.mode = CellMode::xnor_8t;
  n.input = InputEncoding::bit_serial;
  n.input_bits = 4;
  n.layers[0].threshold = {25, -18};
  n.layers[1].scale = {1.0f, 1.0f};
  n.layers[1].bias = {0.0f, -1.0f};
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{1});
  // HBNN h = (0, 1): s = (−1, 1); logits (−1, 0) → 1; with bias (1.5, −1): (0.5, 0) → 0
  n.mode = CellMode::hbnn_6t;
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{1});
  n.layers[1].bias = {1.5f, -1.0f};
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{0});
  CHECK(cimvp::integer_accuracy(n, d) == 1.0);
  d.cols = 4;
  d.images.push_back(0);
  CHECK_THROWS_WITH(cimvp::integer_predict(n, d), Contains("4 pixels") && Contains("expects 3"));
}

TEST_CASE("a tiny BNN learns a separable task and the export matches it exactly", "[trainer]") {
  const auto train = separable(2000, 11), test = separable(500, 12);
  for (auto mode : {CellMode::xnor_8t, CellMode::hbnn_6t})
    for (auto input : {InputEncoding::binarized, InputEncoding::bit_serial}) {
      INFO("mode " << int(mode) << " input " << int(input));
      cimvp::BnnTrainer t(tiny_config(mode, input));
      std::vector<double> loss;
      cimvp::train_network(t, train, test, [&](const cimvp::EpochResult& r, double) { loss.push_back(r.loss); });
      REQUIRE(loss.size() == 8);
      CHECK(loss.back() < 0.6 * loss.front());
      CHECK(loss[4] < loss[0]);
      const double acc = t.evaluate(test);
      CHECK(acc >= 0.95);
      const auto net = t.export_network("tiny");
      CHECK(cimvp::integer_predict(net, test) == t.predict(test));
      CHECK(cimvp::integer_accuracy(net, test) == acc);
    }
}

TEST_CASE("the same seed gives an identical exported file and another seed does not", "[trainer]") {
  const auto train = separable(600, 5);
  auto run = [&](std::uint64_t seed) {
    auto c = tiny_config(CellMode::xnor_8t, InputEncoding::bit_serial);
    c.epochs = 2;
    c.seed = seed;
    cimvp::BnnTrainer t(c);
    cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
    return cimvp::serialize_network(t.export_network("det"));
  };
  const auto a = run(42), b = run(42), c = run(43);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("trainer config validation and learning-rate schedule", "[trainer]") {
  cimvp::TrainerConfig c;
  CHECK_NOTHROW(cimvp::validate_trainer_config(c));
  auto bad = [](auto edit, const char* text) {
    cimvp::TrainerConfig x;
    edit(x);
    CHECK_THROWS_WITH(cimvp::validate_trainer_config(x), Contains(text));
    CHECK_THROWS_AS(cimvp::BnnTrainer(x), std::invalid_argument);
  };
  bad([](cimvp::TrainerConfig& x) { x.layers = {784}; }, "at least an input and an output");
  bad([](cimvp::TrainerConfig& x) { x.layers = {784, 0, 10}; }, "width 0");
  bad([](cimvp::TrainerConfig& x) { x.layers = {784, 1}; }, "at least 2 classes");
  bad([](cimvp::TrainerConfig& x) { x.batch = 1; }, "batch 1");
  bad([](cimvp::TrainerConfig& x) { x.epochs = 0; }, "epochs");
  bad([](cimvp::TrainerConfig& x) { x.input_bits = 9; }, "input_bits 9");
  bad([](cimvp::TrainerConfig& x) { x.input_threshold = 256; }, "input_threshold 256");
  bad([](cimvp::TrainerConfig& x) { x.lr = 0.0f; }, "lr must be > 0");
  bad([](cimvp::TrainerConfig& x) { x.lr_final = -1.0f; }, "lr_final");
  bad([](cimvp::TrainerConfig& x) { x.bn_momentum = 0.0f; }, "bn_momentum");
  bad([](cimvp::TrainerConfig& x) { x.shift = 9; }, "shift 9");
  c.lr = 1e-2f;
  c.lr_final = 1e-4f;
  c.epochs = 3;
  CHECK(cimvp::learning_rate(c, 0) == Approx(1e-2));
  CHECK(cimvp::learning_rate(c, 1) == Approx(1e-3));
  CHECK(cimvp::learning_rate(c, 2) == Approx(1e-4));
  c.epochs = 1;
  CHECK(cimvp::learning_rate(c, 0) == Approx(1e-2));
}

TEST_CASE("the trainer rejects data that does not fit the network", "[trainer]") {
  cimvp::TrainerConfig c = tiny_config(CellMode::xnor_8t, InputEncoding::binarized);
  cimvp::BnnTrainer t(c);
  cimvp::Dataset d;
  d.rows = 2;
  d.cols = 2;
  d.images.assign(8, 0);
  d.labels = {0, 1};
  CHECK_THROWS_WITH(t.train_epoch(d), Contains("4 pixels per image") && Contains("64 inputs"));
  auto s = separable(10, 1);
  s.labels[3] = 5;
  CHECK_THROWS_WITH(t.evaluate(s), Contains("label 5") && Contains("2 outputs"));
}

TEST_CASE("translate_image shifts with zero fill", "[trainer]") {
  const std::uint8_t src[6] = {1, 2, 3,
                               4, 5, 6};
  std::uint8_t dst[6];
  cimvp::translate_image(src, 2, 3, 1, 0, dst);  // right by one
  CHECK(std::vector<std::uint8_t>(dst, dst + 6) == std::vector<std::uint8_t>{0, 1, 2, 0, 4, 5});
  cimvp::translate_image(src, 2, 3, -1, 1, dst);  // left by one, down by one
  CHECK(std::vector<std::uint8_t>(dst, dst + 6) == std::vector<std::uint8_t>{0, 0, 0, 2, 3, 0});
  cimvp::translate_image(src, 2, 3, 0, 0, dst);
  CHECK(std::vector<std::uint8_t>(dst, dst + 6) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
  cimvp::translate_image(src, 2, 3, 5, 0, dst);
  CHECK(std::vector<std::uint8_t>(dst, dst + 6) == std::vector<std::uint8_t>(6, 0));
}

TEST_CASE("training with shift augmentation is deterministic and still learns", "[trainer]") {
  const auto train = separable(1000, 21), test = separable(300, 22);
  auto run = [&]() {
    auto c = tiny_config(CellMode::hbnn_6t, InputEncoding::binarized);
    c.shift = 1;
    cimvp::BnnTrainer t(c);
    cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
    return std::make_pair(cimvp::serialize_network(t.export_network("")), t.evaluate(test));
  };
  const auto a = run(), b = run();
  CHECK(a.first == b.first);
  // A one-pixel shift moves at most one row of 8 pixels across the top/bottom boundary, so
  // the labels stay mostly right for the shifted images: well above chance (0.5).
  CHECK(a.second >= 0.7);
}

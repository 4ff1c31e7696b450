// Trainer with supports (Supported-BinaryNet): support quantization (hand-computed), exact
// integer inference with supports and drop levels on a hand-computed network, export ==
// float evaluation with supports (joint and frozen-weight training), determinism, drop level
// 0 == undropped, the float reference mode.
#include <catch2/catch.hpp>

#include "separable_dataset.h"

#include "cimvp/circuit/supports.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

using Catch::Matchers::Contains;
using cimvp::CellMode;
using cimvp::InputEncoding;

namespace {

cimvp::Dataset halves(std::size_t n, std::uint64_t seed) { return separable_dataset(n, seed, "halves"); }

cimvp::TrainerConfig config(unsigned p, unsigned bits) {
  cimvp::TrainerConfig c;
  c.mode = CellMode::xnor_8t;
  c.input = InputEncoding::bit_serial;
  c.input_bits = 4;
  c.layers = {64, 32, 2};
  c.epochs = 6;
  c.batch = 50;
  c.seed = 9;
  c.support_block = p;
  c.support_bits = bits;
  return c;
}

// The hand-computed network of the integer_predict test below.
cimvp::BnnNetwork hand_network() {
  cimvp::BnnNetwork n;
  n.mode = CellMode::xnor_8t;
  n.input_threshold = 100;
  cimvp::BnnLayer a, b;
  a.inputs = 4;
  a.outputs = 2;
  a.weights = {1, 1, -1, 1,   // neuron 0
               1, 1, 1, -1};  // neuron 1
  a.threshold = {5, 3};
  a.flip = {0, 0};
  a.support_block = 2;
  a.support_bits = 2;
  a.support = {3, 1,   // neuron 0: blocks 0, 1
               0, 2};  // neuron 1
  a.support_default = 1;
  b.inputs = 2;
  b.outputs = 2;
  b.weights = {1, 1, 1, -1};
  b.scale = {1.0f, 1.0f};
  b.bias = {0.0f, 10.5f};
  b.support_block = 1;
  b.support_bits = 3;
  b.support = {2, 5, 4, 4};
  b.support_default = 4;
  n.layers = {a, b};
  return n;
}

bool same_network(const cimvp::BnnNetwork& x, const cimvp::BnnNetwork& y) {
  if (x.layers.size() != y.layers.size()) return false;
  for (std::size_t l = 0; l < x.layers.size(); ++l) {
    const auto &a = x.layers[l], &b = y.layers[l];
    if (a.weights != b.weights || a.threshold != b.threshold || a.flip != b.flip || a.scale != b.scale ||
        a.bias != b.bias || a.support_block != b.support_block || a.support_bits != b.support_bits ||
        a.support != b.support || a.support_default != b.support_default || a.support_step != b.support_step)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("support quantization: step, rounding, clamping and the default code by hand", "[trainer][supports]") {
  CHECK(cimvp::support_step(1) == 1.0f);
  CHECK(cimvp::support_step(4) == 0.125f);
  CHECK(cimvp::support_step(8) == 0.0078125f);
  CHECK_THROWS_AS(cimvp::support_step(0), std::invalid_argument);
  CHECK_THROWS_AS(cimvp::support_step(9), std::invalid_argument);
  // 4 bits: code = min(15, floor(u / 0.125 + 0.5))
  CHECK(cimvp::quantize_support(1.0f, 4) == 8);      // the init support: mid-range
  CHECK(cimvp::quantize_support(0.06f, 4) == 0);     // 0.48 → 0
  CHECK(cimvp::quantize_support(0.0625f, 4) == 1);   // 0.5 → 1 (half up)
  CHECK(cimvp::quantize_support(0.3f, 4) == 2);      // 2.4 → 2
  CHECK(cimvp::quantize_support(0.32f, 4) == 3);     // 2.56 → 3
  CHECK(cimvp::quantize_support(1.875f, 4) == 15);
  CHECK(cimvp::quantize_support(5.0f, 4) == 15);     // clamped
  CHECK(cimvp::quantize_support(-1.0f, 4) == 0);
  // 1 bit: step 1, codes {0, 1}
  CHECK(cimvp::quantize_support(0.49f, 1) == 0);
  CHECK(cimvp::quantize_support(0.5f, 1) == 1);
  CHECK(cimvp::quantize_support(3.0f, 1) == 1);
  // 8 bits: step 1/128
  CHECK(cimvp::quantize_support(1.0f, 8) == 128);
  CHECK(cimvp::quantize_support(1.99f, 8) == 255);   // 254.72 → 255
  CHECK(cimvp::quantize_support(2.5f, 8) == 255);
  // default = floor(mean + 1/2)
  CHECK(cimvp::default_support_code({1, 2, 2}) == 2);     // 1.67
  CHECK(cimvp::default_support_code({1, 2}) == 2);        // 1.5 → 2
  CHECK(cimvp::default_support_code({0, 1, 1, 1}) == 1);  // 0.75
  CHECK(cimvp::default_support_code({0, 0, 1}) == 0);     // 0.33
  CHECK(cimvp::default_support_code({255, 255}) == 255);
}

TEST_CASE("integer_predict with supports and drop levels on a hand-computed network", "[trainer][supports]") {
  auto n = hand_network();
  cimvp::Dataset d;
  d.rows = 1;
  d.cols = 4;
  d.images = {200, 150, 250, 50};  // x = (+1, +1, +1, −1)
  d.labels = {0};
  // Layer a: neuron 0: 3·(1 + 1) + 1·(−1 − 1) = 4 < 5 → −1; neuron 1: 0·(1 + 1) + 2·(1 + 1) = 4 >= 3 → +1.
  // Layer b on h = (−1, +1): s0 = 2·(−1) + 5·(+1) = 3, s1 = 4·(−1) + 4·(−1) = −8;
  // logits (3, 2.5) → class 0.
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{0});
  CHECK(cimvp::integer_predict(n, d, 0) == std::vector<unsigned>{0});
  // Data-free order (cost |code − default|·rows): layer a costs (4, 0, 2, 2) → order 1, 2, 3, 0;
  // layer b costs (2, 1, 0, 0) → order 2, 3, 1, 0.
  // 500 ‰: a drops {1, 2} → codes (3, 1, 1, 2): neuron 1 = 2 + 4 = 6, fires; b drops {2, 3}
  // (already 4): unchanged → class 0.
  CHECK(cimvp::integer_predict(n, d, 500) == std::vector<unsigned>{0});
  // 750 ‰: a drops {1, 2, 3} → (3, 1, 1, 1): h unchanged; b drops {2, 3, 1} → (2, 4, 4, 4):
  // s0 = −2 + 4 = 2; logits (2, 2.5) → class 1.
  CHECK(cimvp::integer_predict(n, d, 750) == std::vector<unsigned>{1});
  // 1000 ‰: everything default: a: neuron 0 = 2 − 2 = 0 → −1, neuron 1 = 2 + 2 = 4 → +1;
  // b: s0 = −4 + 4 = 0 → logits (0, 2.5) → class 1.
  CHECK(cimvp::integer_predict(n, d, 1000) == std::vector<unsigned>{1});
  CHECK(cimvp::integer_accuracy(n, d, 0) == 1.0);
  CHECK(cimvp::integer_accuracy(n, d, 1000) == 0.0);
  // An explicit order: identity in both layers.  250 ‰ drops one support per layer: a: index 0
  // → (1, 1, 0, 2): neuron 0 = 2 − 2 = 0 → −1 (h unchanged); b: index 0 → (4, 5, 4, 4):
  // s0 = −4 + 5 = 1; logits (1, 2.5) → class 1, whereas the data-free order keeps class 0.
  const cimvp::DropOrders identity{{0, 1, 2, 3}, {0, 1, 2, 3}};
  CHECK(cimvp::integer_predict(n, d, 250) == std::vector<unsigned>{0});
  CHECK(cimvp::integer_predict(n, d, 250, &identity) == std::vector<unsigned>{1});
  CHECK(cimvp::integer_predict(n, d, 0, &identity) == std::vector<unsigned>{0});
  const cimvp::DropOrders short_order{{0, 1, 2}, {0, 1, 2, 3}};
  CHECK_THROWS_WITH(cimvp::integer_predict(n, d, 250, &short_order), Contains("layer 0") && Contains("expected 4"));
  const cimvp::DropOrders one{{0, 1, 2, 3}};
  CHECK_THROWS_AS(cimvp::integer_predict(n, d, 250, &one), std::invalid_argument);
  CHECK_THROWS_AS(cimvp::integer_predict(n, d, 1001), std::invalid_argument);
  // Data-aware order on this one image: block partial sums |Σ W x|: a: (2, 2, 2, 2), σ = 0 →
  // 1; costs (2·2, 0, 1·2, 1·2) → 1, 2, 3, 0; b on h = (−1, +1): partials all 1; costs
  // (2, 1, 0, 0) → 2, 3, 1, 0.
  const auto aware = cimvp::data_aware_drop_orders(n, d);
  REQUIRE(aware.size() == 2);
  CHECK(aware[0] == std::vector<std::uint32_t>{1, 2, 3, 0});
  CHECK(aware[1] == std::vector<std::uint32_t>{2, 3, 1, 0});
  // bit-serial input, 4 bits: x = (12, 9, 15, 3); a: neuron 0 = 3·21 + 1·(−15 + 3) = 51,
  // neuron 1 = 0 + 2·(15 − 3) = 24; thresholds (52, 24): h = (−1, +1) → as before, class 0.
  n.input = InputEncoding::bit_serial;
  n.input_bits = 4;
  n.layers[0].threshold = {52, 24};
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{0});
  n.layers[0].threshold = {51, 24};  // neuron 0 fires: h = (+1, +1): s0 = 2 + 5 = 7 → class 0
  n.layers[1].bias = {0.0f, 15.5f};  // s1 = 4 − 4 = 0: logits (7, 15.5) → class 1
  CHECK(cimvp::integer_predict(n, d) == std::vector<unsigned>{1});
}

TEST_CASE("supports trained jointly from random init export exactly", "[trainer][supports]") {
  const auto train = halves(1500, 31), test = halves(400, 32);
  cimvp::BnnTrainer t(config(8, 3));
  cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
  const double acc = t.evaluate(test);
  CHECK(acc >= 0.9);
  const auto net = t.export_network("sup");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto& L = net.layers[l];
    INFO("layer " << l);
    CHECK(L.support_block == 8);
    CHECK(L.support_bits == 3);
    CHECK(L.support_step == 0.25f);
    REQUIRE(L.support.size() == L.outputs * ((L.inputs + 7) / 8));
    CHECK(L.support == t.support_codes(l));
    CHECK(L.support_default == cimvp::default_support_code(L.support));
    for (auto c : L.support) CHECK(c <= 7);
  }
  const auto pred = t.predict(test);
  CHECK(cimvp::integer_predict(net, test) == pred);
  CHECK(cimvp::integer_predict(net, test, 0) == pred);  // drop level 0 == undropped
  const auto aware = cimvp::data_aware_drop_orders(net, train);
  CHECK(cimvp::integer_predict(net, test, 0, &aware) == pred);
  CHECK(cimvp::integer_accuracy(net, test) == acc);
  // the supports moved away from their common initial code 4 (1.0 / step 0.25)
  const auto& codes = net.layers[0].support;
  CHECK(std::count(codes.begin(), codes.end(), std::uint8_t{4}) < static_cast<long>(codes.size()));
}

TEST_CASE("supports on a trained binary network: frozen weights, exact start, exact export",
          "[trainer][supports]") {
  const auto train = halves(1500, 41), test = halves(400, 42);
  auto plain_cfg = config(0, 4);
  cimvp::BnnTrainer plain(plain_cfg);
  cimvp::train_network(plain, train, cimvp::Dataset{}, nullptr);
  const auto base = plain.export_network("base");
  auto cfg = config(4, 5);
  cfg.freeze_weights = true;
  cfg.epochs = 3;
  cimvp::BnnTrainer t(cfg);
  t.init_from_network(base, train);
  // Uniform supports (code 16 = 1.0 / 2^-4) scale every sum by 16: same decisions as the file.
  for (std::size_t l = 0; l < 2; ++l) CHECK(t.support_codes(l) == std::vector<std::uint8_t>(t.support_codes(l).size(), 16));
  CHECK(t.predict(test) == cimvp::integer_predict(base, test));
  CHECK(t.predict(train) == cimvp::integer_predict(base, train));
  cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
  const auto net = t.export_network("sup");
  for (std::size_t l = 0; l < net.layers.size(); ++l) CHECK(net.layers[l].weights == base.layers[l].weights);
  CHECK(cimvp::integer_predict(net, test) == t.predict(test));
  CHECK(t.evaluate(test) >= 0.9);
  // shape / mode mismatches
  auto wrong = config(4, 5);
  wrong.layers = {64, 16, 2};
  cimvp::BnnTrainer w(wrong);
  CHECK_THROWS_WITH(w.init_from_network(base, train), Contains("shape"));
  auto hb = config(4, 5);
  hb.mode = CellMode::hbnn_6t;
  cimvp::BnnTrainer h(hb);
  CHECK_THROWS_WITH(h.init_from_network(base, train), Contains("cell mode"));
  CHECK_THROWS_WITH(t.init_from_network(net, train), Contains("already has supports"));
}

TEST_CASE("fine-tuned binary weights (train-weights) start exact and can flip", "[trainer][supports]") {
  const auto train = halves(1500, 41), test = halves(400, 42);
  cimvp::BnnTrainer plain(config(0, 4));
  cimvp::train_network(plain, train, cimvp::Dataset{}, nullptr);
  const auto base = plain.export_network("base");
  auto cfg = config(4, 5);
  cfg.freeze_weights = false;  // cimvp-train --from ... --train-weights
  cimvp::BnnTrainer t(cfg);
  t.init_from_network(base, train);
  CHECK(t.predict(test) == cimvp::integer_predict(base, test));  // the start is the file
  cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
  const auto net = t.export_network("sup-tw");
  // Latent weights start at ±a/2 (a = Glorot bound), not ±0.5: within 6 epochs of 30 Adam
  // steps (lr 0.003 -> 0.0003) a weight can cross zero, so the binary weights do change.
  std::size_t flipped = 0;
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    for (std::size_t i = 0; i < net.layers[l].weights.size(); ++i)
      flipped += net.layers[l].weights[i] != base.layers[l].weights[i];
  CHECK(flipped > 0);
  CHECK(cimvp::integer_predict(net, test) == t.predict(test));
  CHECK(t.evaluate(test) >= 0.9);
}

TEST_CASE("the same seed gives identical supports and weights; another seed does not", "[trainer][supports]") {
  const auto train = halves(600, 51);
  auto run = [&](std::uint64_t seed) {
    auto c = config(16, 4);
    c.epochs = 2;
    c.seed = seed;
    cimvp::BnnTrainer t(c);
    cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
    return t.export_network("det");
  };
  const auto a = run(5), b = run(5), c = run(6);
  CHECK(same_network(a, b));
  CHECK_FALSE(same_network(a, c));
  CHECK(cimvp::serialize_network(a) == cimvp::serialize_network(b));  // .bnn format v2
  const auto bytes = cimvp::serialize_network(a);
  const auto back = cimvp::parse_network(bytes.data(), bytes.size(), "det");
  CHECK(same_network(back, a));
}

TEST_CASE("float mode learns the task and is not exported; support config validation", "[trainer][supports]") {
  const auto train = halves(1500, 61), test = halves(400, 62);
  auto c = config(0, 4);
  c.float_mode = true;
  cimvp::BnnTrainer t(c);
  cimvp::train_network(t, train, cimvp::Dataset{}, nullptr);
  CHECK(t.evaluate(test) >= 0.9);
  CHECK_THROWS_WITH(t.export_network(""), Contains("float"));
  CHECK_THROWS_AS(t.init_from_network(hand_network(), train), std::invalid_argument);
  auto bad = [](auto edit, const char* text) {
    auto x = config(8, 4);
    edit(x);
    CHECK_THROWS_WITH(cimvp::validate_trainer_config(x), Contains(text));
  };
  bad([](cimvp::TrainerConfig& x) { x.support_bits = 0; }, "support_bits 0");
  bad([](cimvp::TrainerConfig& x) { x.support_bits = 9; }, "support_bits 9");
  bad([](cimvp::TrainerConfig& x) { x.support_block = 65; }, "exceeds the 64 inputs");
  bad([](cimvp::TrainerConfig& x) { x.float_mode = true; }, "float_mode has no supports");
  bad([](cimvp::TrainerConfig& x) { x.support_lr_scale = 0.0f; }, "support_lr_scale");
  bad([](cimvp::TrainerConfig& x) {
    x.support_block = 0;
    x.float_mode = true;
    x.freeze_weights = true;
  }, "cannot freeze");
  // 8-bit pixels × 255 codes × 784 inputs would not be exact in float
  bad([](cimvp::TrainerConfig& x) {
    x.layers = {784, 10};
    x.input_bits = 8;
    x.support_bits = 8;
  }, "2^24");
}

TEST_CASE("shipped supported networks: parent's weights, supports everywhere, documented accuracy",
          "[trainer][supports][weights]") {
  struct Shipped {
    const char* file;
    const char* parent;
    const char* dataset;
    unsigned p, bits;
    std::size_t correct;  // workloads/weights/README.md: 96.95 % of 2,000, 88.81 % of 10,000
  };
  const Shipped all[] = {
      {"mnist-xnor-sup.bnn", "mnist-xnor.bnn", "mnist", 16, 2, 1939},
      {"fmnist-xnor-sup.bnn", "fmnist-xnor.bnn", "fashion-mnist", 32, 8, 8881},
  };
  for (const auto& s : all) {
    INFO(s.file);
    const auto net = cimvp::load_network(cimvp::shipped_weights_path(s.file));
    const auto parent = cimvp::load_network(cimvp::shipped_weights_path(s.parent));
    REQUIRE(net.layers.size() == parent.layers.size());
    CHECK(net.mode == parent.mode);
    CHECK(net.input == parent.input);
    CHECK(net.input_bits == parent.input_bits);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      const auto& L = net.layers[l];
      CHECK(L.weights == parent.layers[l].weights);
      CHECK(L.support_block == s.p);
      CHECK(L.support_bits == s.bits);
      CHECK(L.support_default == cimvp::default_support_code(L.support));
      CHECK(L.support_step == cimvp::support_step(s.bits));
    }
    CHECK_THAT(net.description, Contains("--seed 1") && Contains("--from"));
    const auto test = cimvp::load_dataset(s.dataset, cimvp::DatasetSplit::test);
    const auto pred = cimvp::integer_predict(net, test);
    std::size_t ok = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == test.labels[i];
    CHECK(ok == s.correct);
    CHECK(cimvp::integer_predict(net, test, 0) == pred);
  }
}

TEST_CASE("shipped narrow supported networks (pre-registered protocol): shape, fine-tuned supports, documented accuracy",
          "[trainer][supports][weights]") {
  struct Shipped {
    const char* file;
    const char* dataset;
    cimvp::InputEncoding input;
    unsigned p;
    const char* seed;
    std::size_t correct;       // workloads/weights/README.md: 95.25 % of 2,000, 86.99 % of 10,000
    std::size_t correct_half;  // drop level 500 (data-free order): 94.45 %, 85.56 %
  };
  const Shipped all[] = {
      {"mnist-xnor-100-sup.bnn", "mnist", cimvp::InputEncoding::binarized, 2, "--seed 4", 1905, 1889},
      {"fmnist-xnor-100-sup.bnn", "fashion-mnist", cimvp::InputEncoding::bit_serial, 4, "--seed 2", 8699, 8556},
  };
  for (const auto& s : all) {
    INFO(s.file);
    const auto net = cimvp::load_network(cimvp::shipped_weights_path(s.file));
    CHECK(net.mode == cimvp::CellMode::xnor_8t);
    CHECK(net.input == s.input);
    REQUIRE(net.layers.size() == 2);
    CHECK(net.layers[0].inputs == 784);
    CHECK(net.layers[0].outputs == 100);
    CHECK(net.layers[1].outputs == 10);
    for (const auto& L : net.layers) {
      CHECK(L.support_block == s.p);
      CHECK(L.support_bits == 4u);
      CHECK(L.support_default == cimvp::default_support_code(L.support));
      CHECK(L.support_step == cimvp::support_step(4));
    }
    CHECK_THAT(net.description, Contains(s.seed) && Contains("--from") && Contains("--train-weights"));
    const auto test = cimvp::load_dataset(s.dataset, cimvp::DatasetSplit::test);
    auto correct = [&](unsigned drop) {
      const auto pred = cimvp::integer_predict(net, test, drop);
      std::size_t ok = 0;
      for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == test.labels[i];
      return ok;
    };
    CHECK(correct(0) == s.correct);
    CHECK(correct(500) == s.correct_half);
  }
}

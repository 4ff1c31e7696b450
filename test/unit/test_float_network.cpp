// Full bit-level mode of the RRAM accuracy study (float_network.h, rram_cell.h
// rram_level_weight_cells; docs/rram.md "Accuracy under variation"): weight and activation
// quantizers and the multi-level cell mapping against hand-computed values, the float conv
// trainer and its .fnn export, and ideal cells == the integer quantized network.
#include <catch2/catch.hpp>

#include "separable_dataset.h"

#include "cimvp/circuit/rram_cell.h"
#include "cimvp/workloads/float_network.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using namespace cimvp;

namespace {

// Float CNN on the 8×8 separable task: conv 3×3 pad 1, 6 ch, pool 2 → 4×4×6 → conv 3×3 stride 2
// pad 1, 8 ch → 2×2×8 = 32 → dense 16 → 2; 8-bit pixels.
TrainerConfig float_conv_config() {
  TrainerConfig c;
  c.float_mode = true;
  c.input = InputEncoding::bit_serial;
  c.input_bits = 8;
  c.conv = {square_conv(8, 8, 1, 6, 3, 1, 1, 2), square_conv(4, 4, 6, 8, 3, 2, 1, 1)};
  c.layers = {32, 16, 2};
  c.epochs = 8;
  c.batch = 40;
  c.seed = 5;
  return c;
}

FloatNetwork trained_float_net(const Dataset& train) {
  BnnTrainer t(float_conv_config());
  train_network(t, train, Dataset{}, nullptr);
  FloatNetwork net = t.export_float_network("test");
  calibrate_activation_ranges(net, train);
  return net;
}

}  // namespace

TEST_CASE("weight quantizer: symmetric per-layer scale, round half away from zero", "[float_network]") {
  const std::vector<float> w{7.0f, -3.5f, 1.4f, -7.0f, 0.5f, 4.375f, 2.49f};
  // 4 bits: q_max = 7, s = 7/7 = 1: plain rounding of w
  const QuantizedWeights q4 = quantize_weights(w, 4);
  CHECK(q4.scale == 1.0);
  CHECK(q4.q == std::vector<int>{7, -4, 1, -7, 1, 4, 2});
  // 2 bits: q_max = 1, s = 7: w/7 = 1, −0.5, 0.2, −1, 0.071, 0.625, 0.356 → ternary
  const QuantizedWeights q2 = quantize_weights(w, 2);
  CHECK(q2.scale == 7.0);
  CHECK(q2.q == std::vector<int>{1, -1, 0, -1, 0, 1, 0});
  // 8 bits: q_max = 127, s = 7/127; 7 → 127, −7 → −127, 1.4·127/7 = 25.4 → 25
  const QuantizedWeights q8 = quantize_weights(w, 8);
  CHECK(q8.scale == Approx(7.0 / 127));
  CHECK(q8.q[0] == 127);
  CHECK(q8.q[2] == 25);
  CHECK(q8.q[3] == -127);
  CHECK_THROWS_WITH(quantize_weights(w, 1), Contains("expected 2..8"));
  CHECK_THROWS_WITH(quantize_weights(w, 9), Contains("expected 2..8"));
  // all zero: scale 1, codes 0
  CHECK(quantize_weights({0.0f, 0.0f}, 6).q == std::vector<int>{0, 0});
}

TEST_CASE("activation quantizer: unsigned codes, clamped", "[float_network]") {
  // step 0.5, 3 bits (codes 0..7)
  CHECK(quantize_activation(-1.0, 0.5, 3) == 0);
  CHECK(quantize_activation(0.2, 0.5, 3) == 0);   // 0.4 → 0
  CHECK(quantize_activation(0.25, 0.5, 3) == 1);  // 0.5 → 1 (half up)
  CHECK(quantize_activation(3.3, 0.5, 3) == 7);   // 6.6 → 7
  CHECK(quantize_activation(10.0, 0.5, 3) == 7);  // clamped
}

TEST_CASE("multi-level cells: levels and the partial-sum weight by hand", "[float_network][rram]") {
  RramCellConfig c;
  c.cell_bits = 3;  // L = 8 levels
  c.g_lrs_us = 100.0;
  c.g_hrs_us = 2.0;  // ΔG = 98 / 7 = 14 µS
  // differential: +5 → G+ = 2 + 5·14 = 72, G− = 2; −3 → G+ = 2, G− = 2 + 3·14 = 44
  RramWeightCells p = rram_level_weight_cells(c, 0, 0, 0, 0, 5);
  CHECK(p.a_us == Approx(72.0));
  CHECK(p.b_us == Approx(2.0));
  CHECK(p.weight == Approx(5.0));
  p = rram_level_weight_cells(c, 0, 1, 2, 0, -3);
  CHECK(p.a_us == Approx(2.0));
  CHECK(p.b_us == Approx(44.0));
  CHECK(p.weight == Approx(-3.0));
  p = rram_level_weight_cells(c, 0, 0, 0, 0, 7);  // the full magnitude: LRS vs HRS
  CHECK(p.a_us == Approx(100.0));
  CHECK_THROWS_WITH(rram_level_weight_cells(c, 0, 0, 0, 0, 8), Contains("|w| <= 7"));
  // 4-bit weights of the quantizer test above on this 3-bit device: q = 7, −4, 1 → (G+, G−)
  const QuantizedWeights q4 = quantize_weights({7.0f, -3.5f, 1.4f}, 4);
  const double expect[3][2] = {{100.0, 2.0}, {2.0, 58.0}, {16.0, 2.0}};
  for (unsigned k = 0; k < 3; ++k) {
    const RramWeightCells w = rram_level_weight_cells(c, 1, k, 0, 0, q4.q[k]);
    CHECK(w.a_us == Approx(expect[k][0]));
    CHECK(w.b_us == Approx(expect[k][1]));
  }
  // reference column: w = 2l − 7, G = G(l), G_ref = 51, weight = (G − G_ref) / 7
  c.scheme = RramWeightScheme::reference_column;
  p = rram_level_weight_cells(c, 0, 0, 0, 0, 3);  // l = 5, G = 72
  CHECK(p.a_us == Approx(72.0));
  CHECK(p.b_us == Approx(51.0));
  CHECK(p.weight == Approx(3.0));
  CHECK_THROWS_WITH(rram_level_weight_cells(c, 0, 0, 0, 0, 2), Contains("parity"));
}

TEST_CASE("multi-level cells reduce to the binary cells for 1-bit devices", "[float_network][rram]") {
  for (RramWeightScheme scheme : {RramWeightScheme::differential_pair, RramWeightScheme::reference_column}) {
    RramCellConfig c;
    c.scheme = scheme;
    c.variation_sigma = 0.3;
    c.stuck_hrs_rate = 0.1;
    c.stuck_lrs_rate = 0.1;
    c.seed = 9;
    for (unsigned k = 0; k < 20; ++k)
      for (int w : {-1, 1}) {
        const RramWeightCells a = rram_weight_cells(c, 2, k, k % 3, 1, w);
        const RramWeightCells b = rram_level_weight_cells(c, 2, k, k % 3, 1, w);
        CHECK(a.a_us == b.a_us);
        CHECK(a.b_us == b.b_us);
        CHECK(a.weight == b.weight);
      }
  }
}

TEST_CASE("float conv trainer: deterministic, learns, exports what it evaluates", "[float_network][trainer]") {
  const Dataset train = separable_dataset(600, 21), test = separable_dataset(200, 22);
  BnnTrainer a(float_conv_config()), b(float_conv_config());
  train_network(a, train, Dataset{}, nullptr);
  train_network(b, train, Dataset{}, nullptr);
  const FloatNetwork fa = a.export_float_network(""), fb = b.export_float_network("");
  for (std::size_t l = 0; l < fa.layers.size(); ++l) CHECK(fa.layers[l].weights == fb.layers[l].weights);
  CHECK(a.evaluate(test) >= 0.85);  // measured 0.895 (seed 5, 8 epochs); chance 0.5
  // the exported network (batch norm folded, double arithmetic) predicts as the trainer
  const auto pt = a.predict(test), pf = float_predict(fa, test);
  std::size_t same = 0;
  for (std::size_t i = 0; i < pt.size(); ++i) same += pt[i] == pf[i];
  CHECK(same >= test.size() - 2);
  // binary export is refused in float mode, float export outside it
  CHECK_THROWS_WITH(a.export_network(""), Contains("float-mode"));
  TrainerConfig bin = float_conv_config();
  bin.float_mode = false;
  CHECK_THROWS_WITH(BnnTrainer(bin).export_float_network(""), Contains("not a float-mode trainer"));
}

TEST_CASE(".fnn file: round trip and rejected corruption", "[float_network][io]") {
  const Dataset train = separable_dataset(200, 31);
  const FloatNetwork net = trained_float_net(train);
  REQUIRE(net.layers[1].input_max > 0.0f);
  const std::string bytes = serialize_float_network(net);
  const FloatNetwork back = parse_float_network(bytes, "mem.fnn");
  CHECK(serialize_float_network(back) == bytes);
  CHECK(float_predict(back, train) == float_predict(net, train));
  std::string bad = bytes;
  bad[100] = static_cast<char>(bad[100] ^ 1);
  CHECK_THROWS_AS(parse_float_network(bad, "mem.fnn"), NetworkFileError);
  CHECK_THROWS_WITH(parse_float_network(bad, "mem.fnn"), Contains("checksum"));
  CHECK_THROWS_WITH(parse_float_network("CIMVPBNN" + bytes.substr(8), "x.fnn"), Contains("x.fnn: not a float network"));
  CHECK_THROWS_WITH(load_float_network("/nonexistent/x.fnn"), Contains("/nonexistent/x.fnn: cannot open"));
}

TEST_CASE("ideal multi-level cells give the integer quantized network exactly", "[float_network][rram]") {
  const Dataset train = separable_dataset(300, 41), test = separable_dataset(150, 42);
  const FloatNetwork net = trained_float_net(train);
  for (unsigned bits : {8u, 6u, 4u, 2u}) {
    RramQuantConfig q;
    q.weight_bits = bits;
    q.rows = 16;  // several crossbars per column (K = 9, 54, 32, 16)
    const auto ref = quantized_reference_predict(net, test, q);
    CHECK(rram_quantized_predict(net, test, q) == ref);
  }
  // 8-bit weights and activations track the float network closely on this task
  RramQuantConfig q8;
  const auto f = float_predict(net, test), r = quantized_reference_predict(net, test, q8);
  std::size_t same = 0;
  for (std::size_t i = 0; i < f.size(); ++i) same += f[i] == r[i];
  CHECK(same >= test.size() - 3);
  // variation: reproducible by seed
  RramQuantConfig v;
  v.weight_bits = 2;
  v.cell.variation_sigma = 0.5;
  v.cell.seed = 3;
  CHECK(rram_quantized_predict(net, test, v) == rram_quantized_predict(net, test, v));
  v.act_bits = 0;
  CHECK_THROWS_WITH(quantized_reference_predict(net, test, v), Contains("act_bits"));
  v.weight_bits = 9;
  CHECK_THROWS_WITH(rram_quantized_predict(net, test, v), Contains("weight_bits = 9"));
}

// Golden reference (workloads/golden.h): a hand-computed network, exact vs quantized
// inference, input encodings, validation.
#include <catch2/catch.hpp>

#include "cimvp/workloads/golden.h"

#include <random>
#include <stdexcept>

using namespace cimvp;
using V = std::vector<std::int32_t>;

namespace {

// 4 pixels -> 3 hidden -> 2 outputs, weights chosen by hand.
BnnNetwork hand_network(CellMode mode) {
  BnnNetwork net;
  net.mode = mode;
  net.input = InputEncoding::binarized;
  net.input_threshold = 128;
  BnnLayer h;
  h.inputs = 4;
  h.outputs = 3;
  h.weights = {1, 1, -1, -1, /**/ -1, 1, 1, -1, /**/ 1, 1, 1, 1};
  h.threshold = {0, 1, 2};
  h.flip = {0, 1, 0};
  BnnLayer o;
  o.inputs = 3;
  o.outputs = 2;
  o.weights = {1, -1, 1, /**/ -1, 1, 1};
  o.scale = {1.0f, 1.0f};
  o.bias = {0.0f, 0.5f};
  net.layers = {h, o};
  return net;
}

BnnNetwork random_network(CellMode mode, InputEncoding enc, std::vector<unsigned> shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net;
  net.mode = mode;
  net.input = enc;
  net.input_bits = 3;
  net.input_threshold = 100;
  for (std::size_t l = 0; l + 1 < shape.size(); ++l) {
    BnnLayer L;
    L.inputs = shape[l];
    L.outputs = shape[l + 1];
    L.weights.resize(std::size_t{L.inputs} * L.outputs);
    for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
    if (l + 2 < shape.size()) {
      for (unsigned j = 0; j < L.outputs; ++j) {
        // Thresholds near the middle of the sums so neurons fire about half the time.
        const int spread = enc == InputEncoding::bit_serial && l == 0 ? 40 : 6;
        L.threshold.push_back(static_cast<int>(rng() % (2 * spread + 1)) - spread);
        L.flip.push_back((rng() % 4) == 0);
      }
    } else {
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.scale.push_back(0.5f + static_cast<float>(rng() % 100) / 100.0f);
        L.bias.push_back(static_cast<float>(static_cast<int>(rng() % 21) - 10) / 4.0f);
      }
    }
    net.layers.push_back(std::move(L));
  }
  return net;
}

std::vector<std::uint8_t> random_images(std::size_t n, std::size_t pixels, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> img(n * pixels);
  for (auto& p : img) p = static_cast<std::uint8_t>(rng() % 256);
  return img;
}

MappingConfig mapping(CellMode mode, unsigned R, unsigned C, AccessMode access, Quantization q, unsigned bits) {
  MappingConfig m;
  m.array.mode = mode;
  m.array.rows = R;
  m.array.cols = C;
  m.array.access = access;
  m.array.group_rows = 7;
  m.sense.quantization = q;
  m.sense.bits = bits;
  return m;
}

}  // namespace

TEST_CASE("exact inference of a hand-computed XNOR network", "[golden]") {
  // Image (200, 10, 130, 0) -> x = (+1, -1, +1, -1).
  // Hidden sums: n0 = 1 - 1 - 1 + 1 = 0 >= 0 fires (+1); n1 = -1 - 1 + 1 + 1 = 0, flipped:
  // 0 <= 1 fires (+1); n2 = 1 - 1 + 1 - 1 = 0 >= 2 no (-1).   h = (+1, +1, -1)
  // Output sums: o0 = 1 - 1 - 1 = -1; o1 = -1 + 1 - 1 = -1; scores -1, -0.5 -> class 1.
  const BnnNetwork net = hand_network(CellMode::xnor_8t);
  const std::uint8_t img[4] = {200, 10, 130, 0};
  const GoldenResult r = exact_inference(net, img, 1, 4, true);
  CHECK(r.predictions == std::vector<std::uint32_t>{1});
  CHECK(r.sums_half[0] == V{0, 0, 0});
  CHECK(r.sums_half[1] == V{-2, -2});
}

TEST_CASE("exact inference of a hand-computed HBNN network", "[golden]") {
  // Image (200, 10, 130, 0) -> x = (1, 0, 1, 0).
  // Hidden: n0 = 1 - 1 = 0 >= 0 -> 1; n1 = -1 + 1 = 0 <= 1 (flip) -> 1; n2 = 2 >= 2 -> 1.
  // Output: o0 = 1 - 1 + 1 = 1; o1 = -1 + 1 + 1 = 1; scores 1, 1.5 -> class 1.
  // Image (0, 0, 0, 255) -> x = (0, 0, 0, 1): n0 = -1 -> 0; n1 = -1 <= 1 -> 1; n2 = 1 -> 0;
  //   o0 = -1, o1 = 1; scores -1, 1.5 -> class 1.  Image (255, 0, 0, 255) -> (1, 0, 0, 1):
  //   n0 = 0 -> 1; n1 = -2 -> 1; n2 = 2 -> 1; o0 = 1, o1 = 1 -> class 1.
  //   Image (0, 255, 255, 0) -> (0, 1, 1, 0): n0 = 0 -> 1; n1 = 2 > 1 -> 0; n2 = 2 -> 1;
  //   o0 = 1 + 1 = 2, o1 = -1 + 1 = 0; scores 2, 0.5 -> class 0.
  const BnnNetwork net = hand_network(CellMode::hbnn_6t);
  const std::uint8_t img[4 * 4] = {200, 10, 130, 0, /**/ 0, 0, 0, 255, /**/ 255, 0, 0, 255, /**/ 0, 255, 255, 0};
  const GoldenResult r = exact_inference(net, img, 4, 4, true);
  CHECK(V(r.sums_half[0].begin(), r.sums_half[0].begin() + 3) == V{0, 0, 4});
  CHECK(V(r.sums_half[1].begin(), r.sums_half[1].begin() + 2) == V{2, 2});
  CHECK(V(r.sums_half[1].begin() + 2, r.sums_half[1].begin() + 4) == V{-2, 2});
  CHECK(V(r.sums_half[1].begin() + 6, r.sums_half[1].end()) == V{4, 0});
  CHECK(r.predictions == std::vector<std::uint32_t>{1, 1, 1, 0});
}

TEST_CASE("bit-serial exact inference uses the input_bits MSBs as integers", "[golden]") {
  // input_bits 2: x = pixel >> 6.  Pixels (255, 64, 128, 0) -> x = (3, 1, 2, 0).
  // Hidden (threshold/flip as above): n0 = 3 + 1 - 2 = 2 -> fire; n1 = -3 + 1 + 2 = 0 <= 1 fire;
  // n2 = 6 >= 2 fire.  XNOR outputs (+1,+1,+1): o0 = 1, o1 = 1 -> scores 1, 1.5 -> class 1.
  BnnNetwork net = hand_network(CellMode::xnor_8t);
  net.input = InputEncoding::bit_serial;
  net.input_bits = 2;
  const std::uint8_t img[4] = {255, 64, 128, 0};
  const GoldenResult r = exact_inference(net, img, 1, 4, true);
  CHECK(r.sums_half[0] == V{4, 0, 12});
  CHECK(r.sums_half[1] == V{2, 2});
  // The planes: LSB plane = pixel bit 6, MSB plane = pixel bit 7.
  const auto planes = encode_input(net, img, 1, 4);
  REQUIRE(planes.size() == 2u);
  CHECK(planes[0].row(0)[0] == 0b0011u);  // bit 6 of 255, 64
  CHECK(planes[1].row(0)[0] == 0b0101u);  // bit 7 of 255, 128
  CHECK(first_layer_input_kind(net) == InputKind::unipolar);
}

TEST_CASE("quantized inference with ideal sensing == exact inference, odd shapes", "[golden]") {
  const std::vector<unsigned> shape = {100, 37, 29, 10};
  const auto img = random_images(40, 100, 3);
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t})
    for (InputEncoding enc : {InputEncoding::binarized, InputEncoding::bit_serial}) {
      const BnnNetwork net = random_network(mode, enc, shape, 10 + static_cast<unsigned>(mode));
      const GoldenResult exact = exact_inference(net, img.data(), 40, 100, true);
      for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
        INFO(to_string(mode) << " " << (enc == InputEncoding::bit_serial ? "bit-serial" : "binarized") << " "
                             << to_string(access));
        QuantizedNetwork q(net, mapping(mode, 64, 16, access, Quantization::ideal, 3));
        const GoldenResult got = q.run(img.data(), 40, 100, true);
        CHECK(got.sums_half == exact.sums_half);
        CHECK(got.predictions == exact.predictions);
      }
    }
}

TEST_CASE("packed (binary GEMM) inference == exact inference: sums and predictions", "[golden]") {
  // 300 images: one full chunk of 256 and a tail; K = 100 and 130 (word tails), M odd
  const auto img = random_images(300, 130, 4);
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t})
    for (InputEncoding enc : {InputEncoding::binarized, InputEncoding::bit_serial})
      for (const std::vector<unsigned>& shape : {std::vector<unsigned>{100, 37, 29, 10}, std::vector<unsigned>{130, 65, 3}}) {
        const BnnNetwork net = random_network(mode, enc, shape, 20 + static_cast<unsigned>(mode) + shape.size());
        INFO(to_string(mode) << " " << (enc == InputEncoding::bit_serial ? "bit-serial" : "binarized") << " K " << shape[0]);
        REQUIRE(packed_inference_applies(net));
        const GoldenResult exact = exact_inference(net, img.data(), 300, shape[0], true);
        const GoldenResult packed = packed_inference(net, img.data(), 300, shape[0], true);
        CHECK(packed.sums_half == exact.sums_half);
        CHECK(packed.predictions == exact.predictions);
        CHECK(packed_inference(net, img.data(), 300, shape[0]).predictions == exact.predictions);
      }
  // hand-computed: the XNOR network of the first test case
  const BnnNetwork hand = hand_network(CellMode::xnor_8t);
  const std::uint8_t one[4] = {200, 10, 130, 0};
  const GoldenResult r = packed_inference(hand, one, 1, 4, true);
  CHECK(r.sums_half[0] == V{0, 0, 0});
  CHECK(r.sums_half[1] == V{-2, -2});
  CHECK(r.predictions == std::vector<std::uint32_t>{1});
  BnnNetwork with_supports = hand;
  with_supports.layers[0].support_block = 2;
  CHECK_FALSE(packed_inference_applies(with_supports));
}

TEST_CASE("quantized inference: calibration flows layer by layer through quantized layers", "[golden]") {
  // Each layer must be calibrated on the outputs of the quantized (not the exact) previous
  // layers: rebuild that by hand with MappedLayer and compare the references.  1100
  // images: calibrate() computes the layer outputs in slices of 1024.
  const std::size_t kN = 1100;
  const BnnNetwork net = random_network(CellMode::xnor_8t, InputEncoding::binarized, {100, 37, 29, 10}, 5);
  const auto img = random_images(kN, 100, 6);
  const MappingConfig cfg = mapping(CellMode::xnor_8t, 32, 16, AccessMode::parallel, Quantization::nonlinear, 2);
  QuantizedNetwork q(net, cfg);
  CHECK(q.needs_calibration());
  CHECK_THROWS_AS(q.run(img.data(), kN, 100), std::logic_error);
  q.calibrate(img.data(), kN, 100);
  CHECK_FALSE(q.needs_calibration());

  std::vector<BitMatrix> x = encode_input(net, img.data(), kN, 100);
  for (std::size_t l = 0; l < 3; ++l) {
    const BnnLayer& L = net.layers[l];
    MappedLayer m(L.inputs, L.outputs, L.weights, InputKind::bipolar, 1, cfg, l);
    m.calibrate(x);
    for (unsigned rb = 0; rb < m.row_blocks(); ++rb)
      REQUIRE(m.quantizers(rb, 0)[0].references() == q.layer(l).quantizers(rb, 0)[0].references());
    if (l == 2) break;
    V s;
    m.evaluate(x, s);
    BitMatrix next(kN, L.outputs);
    for (std::size_t n = 0; n < kN; ++n)
      for (unsigned j = 0; j < L.outputs; ++j) {
        const bool fire = L.flip[j] ? s[n * L.outputs + j] <= 2 * L.threshold[j] : s[n * L.outputs + j] >= 2 * L.threshold[j];
        next.set(n, j, fire);
      }
    x = {next};
  }
  // Same configuration, same results; quantization changes some sums.
  const GoldenResult a = q.run(img.data(), kN, 100, true);
  QuantizedNetwork q2(net, cfg);
  q2.calibrate(img.data(), kN, 100);
  const GoldenResult b = q2.run(img.data(), kN, 100, true);
  CHECK(a.sums_half == b.sums_half);
  CHECK(a.predictions == b.predictions);
  CHECK(a.sums_half != exact_inference(net, img.data(), kN, 100, true).sums_half);
}

TEST_CASE("quantized inference in batches: results do not depend on the batch split", "[golden]") {
  // run() processes slices of 1024 images; 1500 images cross a slice boundary.
  const BnnNetwork net = random_network(CellMode::hbnn_6t, InputEncoding::binarized, {50, 20, 10}, 9);
  const auto img = random_images(1500, 50, 2);
  QuantizedNetwork q(net, mapping(CellMode::hbnn_6t, 16, 8, AccessMode::parallel, Quantization::linear, 2));
  ArrayActivity act;
  const GoldenResult all = q.run(img.data(), 1500, 50, false, &act);
  const GoldenResult tail = q.run(img.data() + 1400 * 50, 100, 50);
  REQUIRE(all.predictions.size() == 1500u);
  CHECK(std::vector<std::uint32_t>(all.predictions.begin() + 1400, all.predictions.end()) == tail.predictions);
  CHECK(act.binary_macs == 1500u * (50u * 20u + 20u * 10u));
}

TEST_CASE("network validation and accuracy helper", "[golden][config]") {
  BnnNetwork net = hand_network(CellMode::xnor_8t);
  const std::uint8_t img[4] = {0, 0, 0, 0};
  CHECK_THROWS_WITH(exact_inference(net, img, 1, 5), Catch::Contains("layer 0: inputs = 4, expected 5"));
  BnnNetwork w = net;
  w.layers[0].weights[3] = 0;
  CHECK_THROWS_WITH(exact_inference(w, img, 1, 4), Catch::Contains("weight 3 is 0, expected -1 or +1"));
  BnnNetwork t = net;
  t.layers[0].threshold.pop_back();
  CHECK_THROWS_WITH(exact_inference(t, img, 1, 4), Catch::Contains("threshold/flip need 3 entries"));
  BnnNetwork c = net;
  c.layers[1].inputs = 4;
  CHECK_THROWS_WITH(validate_network(c, 4), Catch::Contains("layer 1: inputs = 4, expected 3"));
  BnnNetwork b = net;
  b.input = InputEncoding::bit_serial;
  b.input_bits = 0;
  CHECK_THROWS_WITH(validate_network(b, 4), Catch::Contains("input_bits = 0, expected 1..8"));
  BnnNetwork s = net;
  s.layers[1].bias.clear();
  CHECK_THROWS_WITH(validate_network(s, 4), Catch::Contains("scale/bias need 2 entries"));
  CHECK_THROWS_WITH(QuantizedNetwork(net, mapping(CellMode::hbnn_6t, 4, 4, AccessMode::parallel, Quantization::ideal, 3)),
                    Catch::Contains("trained for xnor_8t"));
  CHECK(accuracy({1, 2, 3, 4}, {1, 0, 3, 0}) == Approx(0.5));
  CHECK(accuracy({}, {}) == 0.0);
  CHECK_THROWS_AS(accuracy({1}, {}), std::invalid_argument);
}

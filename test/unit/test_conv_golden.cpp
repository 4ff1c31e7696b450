// Binary convolution (circuit/conv_shape.h) and conv layers in the golden reference
// (workloads/golden.h): hand-computed windows, pooling and small conv networks, the exact
// oracle against dense layers on the same windows, and quantized (ideal sensing) == exact.
#include <catch2/catch.hpp>

#include "cimvp/circuit/conv_shape.h"
#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/synthetic.h"

#include <random>
#include <stdexcept>

using namespace cimvp;
using V = std::vector<std::int32_t>;

namespace {

ConvShape shape(unsigned h, unsigned w, unsigned c, unsigned out_c, unsigned k, unsigned stride, unsigned pad,
                unsigned pool) {
  return square_conv(h, w, c, out_c, k, stride, pad, pool);
}

// Random layers: workloads/synthetic.h (±1 weights, thresholds near the middle of the sums).
BnnLayer random_conv(const ConvShape& s, std::mt19937_64& rng, int spread) { return random_conv_layer(s, rng, spread); }
BnnLayer random_dense(unsigned K, unsigned M, bool last, std::mt19937_64& rng) {
  return random_dense_layer(K, M, last, rng, 3);
}

std::vector<std::uint8_t> random_images(std::size_t n, std::size_t pixels, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> img(n * pixels);
  for (auto& p : img) p = static_cast<std::uint8_t>(rng() % 256);
  return img;
}

MappingConfig ideal_mapping(CellMode mode, unsigned R, unsigned C, AccessMode access) {
  MappingConfig m;
  m.array.mode = mode;
  m.array.rows = R;
  m.array.cols = C;
  m.array.access = access;
  m.array.group_rows = 7;
  m.sense.quantization = Quantization::ideal;
  m.sense.bits = 3;
  return m;
}

// The 3×3 image with pixels (0,0), (0,1), (1,1), (2,2) bright (200), the rest 0.
const std::uint8_t kImage3x3[9] = {200, 200, 0, /**/ 0, 200, 0, /**/ 0, 0, 200};

// 3×3×1 image → conv k2 pad 1 stride 2, 2 channels, pool 2 (2×2 → 1×1×2) → dense 2 → 2.
BnnNetwork hand_conv_network(CellMode mode) {
  BnnNetwork net;
  net.mode = mode;
  net.input = InputEncoding::binarized;
  net.input_threshold = 128;
  BnnLayer c;
  c.kind = LayerKind::conv;
  c.conv = shape(3, 3, 1, 2, 2, 2, 1, 2);
  c.inputs = 4;
  c.outputs = 2;
  c.weights = {1, 1, 1, 1, /**/ -1, -1, 1, 1};
  BnnLayer o;
  o.inputs = 2;
  o.outputs = 2;
  o.weights = {1, -1, /**/ 1, 1};
  o.scale = {1.0f, 1.0f};
  if (mode == CellMode::xnor_8t) {
    c.threshold = {0, 1};
    c.flip = {0, 1};
    o.bias = {0.0f, 0.0f};
  } else {
    c.threshold = {2, 2};
    c.flip = {0, 0};
    o.bias = {0.5f, 0.0f};
  }
  net.layers = {c, o};
  return net;
}

}  // namespace

TEST_CASE("ConvShape sizes and check() by hand", "[conv]") {
  const ConvShape s = shape(3, 3, 1, 2, 2, 2, 1, 1);
  CHECK(s.out_h() == 2);  // (3 + 2 - 2) / 2 + 1
  CHECK(s.out_w() == 2);
  CHECK(s.windows() == 4u);
  CHECK(s.window_rows() == 4u);
  CHECK(s.input_bits() == 9u);
  CHECK(s.conv_output_bits() == 8u);
  CHECK(s.check().empty());
  const ConvShape lenet = shape(28, 28, 1, 20, 5, 1, 0, 2);  // 28 → 24 → 12
  CHECK(lenet.out_h() == 24);
  CHECK(lenet.pooled_h() == 12);
  CHECK(lenet.output_bits() == 12u * 12u * 20u);
  CHECK(shape(5, 5, 1, 1, 2, 1, 0, 3).pooled_h() == 1);  // 4 / 3, floor
  CHECK_THAT(shape(3, 3, 1, 2, 2, 1, 2, 1).check(), Catch::Contains("pad 2"));
  CHECK_THAT(shape(3, 3, 1, 2, 5, 1, 0, 1).check(), Catch::Contains("larger than the padded input"));
  CHECK_THAT(shape(4, 4, 1, 2, 2, 1, 0, 4).check(), Catch::Contains("pool 4"));
  CHECK_THAT(shape(0, 4, 1, 2, 2, 1, 0, 1).check(), Catch::Contains("input map"));
  CHECK_THAT(shape(4, 4, 1, 2, 2, 0, 0, 1).check(), Catch::Contains("stride 0"));
}

TEST_CASE("gather_window: 3x3x1 map, kernel 2, pad 1, stride 2, by hand", "[conv]") {
  // Map bits y·3 + x set at (0,0), (0,1), (1,1), (2,2) = bits 0, 1, 4, 8.
  // Window (oy, ox) reads pixel (2·oy − 1 + ky, 2·ox − 1 + kx) into row ky·2 + kx:
  //   (0,0): only (ky,kx) = (1,1) inside → pixel (0,0) = 1           → 0b1000
  //   (0,1): (1,0) → pixel (0,1) = 1, (1,1) → pixel (0,2) = 0        → 0b0100
  //   (1,0): (0,1) → (1,0) = 0, (1,1) → (2,0) = 0, the rest padding  → 0
  //   (1,1): (0,0) → (1,1) = 1, (0,1) → (1,2) = 0, (1,0) → (2,1) = 0, (1,1) → (2,2) = 1 → 0b1001
  const ConvShape s = shape(3, 3, 1, 1, 2, 2, 1, 1);
  const Word map = (Word{1} << 0) | (Word{1} << 1) | (Word{1} << 4) | (Word{1} << 8);
  Word w = ~Word{0};
  gather_window(s, &map, 0, 0, &w);
  CHECK(w == 0b1000u);
  gather_window(s, &map, 0, 1, &w);
  CHECK(w == 0b0100u);
  gather_window(s, &map, 1, 0, &w);
  CHECK(w == 0u);
  gather_window(s, &map, 1, 1, &w);
  CHECK(w == 0b1001u);
}

TEST_CASE("gather_window: row order (ky, kx, c) equals the HWC map order", "[conv]") {
  // Kernel = the whole 2×2×3 map, no padding: the single window is the map itself.
  const ConvShape s = shape(2, 2, 3, 1, 2, 1, 0, 1);
  const Word map = 0b101101100011u;  // 12 bits
  Word w = 0;
  gather_window(s, &map, 0, 0, &w);
  CHECK(w == map);
  // Channel offset: 2×2×3 map, kernel 1, stride 1: window (1,0) = pixel (1,0) = bits 6..8.
  const ConvShape s1 = shape(2, 2, 3, 1, 1, 1, 0, 1);
  gather_window(s1, &map, 1, 0, &w);
  CHECK(w == ((map >> 6) & 0b111u));
}

TEST_CASE("max_pool: pool 2 on a 4x4x2 map by hand, floor on 5x5", "[conv]") {
  // Conv output 4×4×2 (bit (y·4 + x)·2 + c); pooled 2×2×2 (bit (py·2 + px)·2 + c).
  const ConvShape s = shape(4, 4, 1, 2, 1, 1, 0, 2);
  Word out = 0;
  auto bit = [](unsigned y, unsigned x, unsigned c) { return Word{1} << ((y * 4 + x) * 2 + c); };
  // (1,1) c0 → pooled (0,0) c0 = bit 0; (2,3) c1 → pooled (1,1) c1 = bit 7; (3,0) c0 → pooled
  // (1,0) c0 = bit 4; a second bit in the same window changes nothing (OR).
  const Word map = bit(1, 1, 0) | bit(2, 3, 1) | bit(3, 0, 0) | bit(2, 0, 0);
  max_pool(s, &map, &out);
  CHECK(out == ((Word{1} << 0) | (Word{1} << 7) | (Word{1} << 4)));
  // 5×5 conv output, pool 2: row/column 4 are dropped.
  const ConvShape s5 = shape(5, 5, 1, 1, 1, 1, 0, 2);
  const Word last = Word{1} << 24;  // pixel (4,4)
  max_pool(s5, &last, &out);
  CHECK(out == 0u);
  const Word inner = Word{1} << (3 * 5 + 3);  // pixel (3,3) → pooled (1,1) = bit 3
  max_pool(s5, &inner, &out);
  CHECK(out == (Word{1} << 3));
}

TEST_CASE("exact inference of a hand-computed XNOR conv network (pad, stride 2, pool)", "[conv][golden]") {
  // x = +1 at (0,0), (0,1), (1,1), (2,2), else −1; padding −1.  Windows (rows ky·2 + kx):
  //   w00 = (−1,−1,−1,+1)  w01 = (−1,−1,+1,−1)  w10 = (−1,−1,−1,−1)  w11 = (+1,−1,−1,+1)
  // ch0 weights (+1,+1,+1,+1): sums −2, −2, −4, 0; threshold 0 → fires at w11 only.
  // ch1 weights (−1,−1,+1,+1): sums 2, 2, 0, 0; flip, threshold 1 (s <= 1) → w10, w11.
  // Pool 2 (OR over the 2×2 conv output): (+1, +1).  Dense: o0 = 1 − 1 = 0, o1 = 2 → class 1.
  const BnnNetwork net = hand_conv_network(CellMode::xnor_8t);
  const GoldenResult r = exact_inference(net, kImage3x3, 1, 9, true);
  CHECK(r.sums_half[0] == V{-4, 4, /**/ -4, 4, /**/ -8, 0, /**/ 0, 0});
  CHECK(r.sums_half[1] == V{0, 4});
  CHECK(r.predictions == std::vector<std::uint32_t>{1});
}

TEST_CASE("exact inference of a hand-computed HBNN conv network", "[conv][golden]") {
  // x = 1 at (0,0), (0,1), (1,1), (2,2), else 0; padding 0.  Windows:
  //   w00 = (0,0,0,1)  w01 = (0,0,1,0)  w10 = (0,0,0,0)  w11 = (1,0,0,1)
  // ch0 (+1,+1,+1,+1): 1, 1, 0, 2 ≥ 2 → w11 only.  ch1 (−1,−1,+1,+1): 1, 1, 0, 0 ≥ 2 → never.
  // Pooled (1, 0).  Dense: o0 = 1, o1 = 1; scores 1.5, 1 → class 0.
  const BnnNetwork net = hand_conv_network(CellMode::hbnn_6t);
  const GoldenResult r = exact_inference(net, kImage3x3, 1, 9, true);
  CHECK(r.sums_half[0] == V{2, 2, /**/ 2, 2, /**/ 0, 0, /**/ 4, 0});
  CHECK(r.sums_half[1] == V{2, 2});
  CHECK(r.predictions == std::vector<std::uint32_t>{0});
  // The quantized golden with ideal sensing agrees (windows through the MappedLayer).
  QuantizedNetwork q(net, ideal_mapping(CellMode::hbnn_6t, 4, 4, AccessMode::parallel));
  const GoldenResult g = q.run(kImage3x3, 1, 9, true);
  CHECK(g.sums_half == r.sums_half);
  CHECK(g.predictions == r.predictions);
}

TEST_CASE("conv == a dense layer on the gathered windows", "[conv][golden]") {
  // First-layer conv sums from the exact oracle (own window loops) against a plain dot
  // product of the same weights with the windows from gather_window (conv_windows).
  std::mt19937_64 rng(21);
  for (CellMode mode : {CellMode::xnor_8t, CellMode::hbnn_6t}) {
    BnnNetwork net;
    net.mode = mode;
    net.input_threshold = 120;
    const ConvShape s = shape(7, 6, 1, 5, 3, 2, 1, 1);  // stride 2, pad 1: 4×3 windows
    net.layers.push_back(random_conv(s, rng, 2));
    net.layers.push_back(random_dense(static_cast<unsigned>(s.output_bits()), 4, true, rng));
    const std::size_t N = 6, P = 42;
    const auto img = random_images(N, P, 5);
    const GoldenResult r = exact_inference(net, img.data(), N, P, true);
    const auto win = conv_windows(s, encode_input(net, img.data(), N, P));
    REQUIRE(win.size() == 1u);
    REQUIRE(win[0].rows() == N * s.windows());
    const bool xnor = mode == CellMode::xnor_8t;
    const BnnLayer& L = net.layers[0];
    V dense;
    for (std::size_t row = 0; row < win[0].rows(); ++row)
      for (unsigned j = 0; j < L.outputs; ++j) {
        int acc = 0;
        for (unsigned k = 0; k < L.inputs; ++k)
          acc += L.weights[j * L.inputs + k] * (win[0].get(row, k) ? 1 : (xnor ? -1 : 0));
        dense.push_back(2 * acc);
      }
    CHECK(r.sums_half[0] == dense);
  }
}

TEST_CASE("a conv layer whose kernel is the whole map == a dense layer", "[conv][golden]") {
  std::mt19937_64 rng(7);
  for (CellMode mode : {CellMode::xnor_8t, CellMode::hbnn_6t}) {
    // 5×4 image → conv 3×3 pad 1 → 5×4×3 map → conv kernel 5×4 (whole map) → 1×1×6 → dense 3.
    BnnNetwork conv;
    conv.mode = mode;
    conv.input_threshold = 128;
    ConvShape whole = shape(5, 4, 3, 6, 1, 1, 0, 1);
    whole.kernel_h = 5;
    whole.kernel_w = 4;
    conv.layers.push_back(random_conv(shape(5, 4, 1, 3, 3, 1, 1, 1), rng, 2));
    conv.layers.push_back(random_conv(whole, rng, 3));
    conv.layers.push_back(random_dense(6, 3, true, rng));
    BnnNetwork dense = conv;
    dense.layers[1].kind = LayerKind::fully_connected;
    dense.layers[1].conv = ConvShape{};
    REQUIRE(dense.layers[1].inputs == 60u);
    const auto img = random_images(20, 20, 9);
    const GoldenResult a = exact_inference(conv, img.data(), 20, 20, true);
    const GoldenResult b = exact_inference(dense, img.data(), 20, 20, true);
    CHECK(a.sums_half == b.sums_half);
    CHECK(a.predictions == b.predictions);
  }
}

TEST_CASE("quantized conv inference with ideal sensing == exact (kernels 3 and 5, odd C_in)", "[conv][golden]") {
  // Sub-arrays of 16 rows: window rows 25 (5×5×1), 3·3·7 = 63 and 2·2·7 = 28 are no multiple
  // of 16; stride 2, padding, pooling, a bit-serial first layer, two conv layers chained.
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t})
    for (InputEncoding enc : {InputEncoding::binarized, InputEncoding::bit_serial}) {
      std::mt19937_64 rng(100 + static_cast<unsigned>(mode) * 2 + static_cast<unsigned>(enc));
      BnnNetwork net;
      net.mode = mode;
      net.input = enc;
      net.input_bits = 3;
      net.input_threshold = 110;
      const ConvShape c0 = shape(12, 11, 1, 7, 5, 1, 2, 2);  // 12×11 → 6×5×7
      const ConvShape c1 = shape(6, 5, 7, 9, 3, 2, 1, 1);    // → 3×3×9
      const ConvShape c2 = shape(3, 3, 9, 4, 2, 1, 0, 2);    // → 2×2×4 → pool 2 → 1×1×4
      net.layers.push_back(random_conv(c0, rng, enc == InputEncoding::bit_serial ? 30 : 3));
      net.layers.push_back(random_conv(c1, rng, 4));
      net.layers.push_back(random_conv(c2, rng, 3));
      net.layers.push_back(random_dense(4, 3, true, rng));
      const std::size_t N = 12, P = 132;
      const auto img = random_images(N, P, 4);
      const GoldenResult exact = exact_inference(net, img.data(), N, P, true);
      {  // the packed (binary GEMM) ideal reference, conv layers included
        INFO(to_string(mode) << (enc == InputEncoding::bit_serial ? " bit-serial" : " binarized") << " packed");
        REQUIRE(packed_inference_applies(net));
        const GoldenResult packed = packed_inference(net, img.data(), N, P, true);
        CHECK(packed.sums_half == exact.sums_half);
        CHECK(packed.predictions == exact.predictions);
      }
      for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
        INFO(to_string(mode) << (enc == InputEncoding::bit_serial ? " bit-serial " : " binarized ")
                             << to_string(access));
        QuantizedNetwork q(net, ideal_mapping(mode, 16, 8, access));
        const GoldenResult got = q.run(img.data(), N, P, true);
        CHECK(got.sums_half == exact.sums_half);
        CHECK(got.predictions == exact.predictions);
      }
    }
}

TEST_CASE("validate_network: conv layer rules name the layer and the field", "[conv][golden]") {
  BnnNetwork net = hand_conv_network(CellMode::xnor_8t);
  CHECK_NOTHROW(validate_network(net, 9));
  CHECK_THROWS_WITH(validate_network(net, 10), Catch::Contains("conv input map") && Catch::Contains("10"));
  BnnNetwork bad = net;
  bad.layers[0].inputs = 5;
  bad.layers[0].weights.resize(10, 1);
  CHECK_THROWS_WITH(validate_network(bad, 9), Catch::Contains("layer 0") && Catch::Contains("kernel_h*kernel_w*in_c"));
  bad = net;
  bad.layers[0].conv.in_c = 2;
  bad.layers[0].conv.in_h = 3;
  bad.layers[0].inputs = 8;
  bad.layers[0].weights.resize(16, 1);
  // a first layer with in_c > 1 reads the image as an HWC map: 3x3x2 = 18 bytes per image
  CHECK_THROWS_WITH(validate_network(bad, 17), Catch::Contains("layer 0") && Catch::Contains("= 18, expected 17"));
  bad = net;
  bad.layers[1].inputs = 3;
  bad.layers[1].weights.resize(6, 1);
  CHECK_THROWS_WITH(validate_network(bad, 9), Catch::Contains("layers must chain"));
  bad = net;
  bad.layers[0].kind = LayerKind::pool;
  CHECK_THROWS_WITH(validate_network(bad, 9), Catch::Contains("allowed 0 fully_connected, 1 conv"));
  bad = net;
  bad.layers[0].conv.out_c = 3;
  CHECK_THROWS_WITH(validate_network(bad, 9), Catch::Contains("out_c"));
}

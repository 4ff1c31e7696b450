// Conv layers through the CIM macro (descriptor version 4, docs/convolution.md "Hardware"):
// the whole SoC (Host running BnnDriver, Router, Memory, CimMacro, TLM checkers) against the
// exact oracle (exact_inference, ideal sensing) and the golden quantized reference
// (QuantizedNetwork, 3-bit MLSAs), for random conv networks with odd shapes and for the
// shipped mnist-bcnn.bnn on real MNIST test images; bad conv descriptors are refused.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/cim/controller/descriptor.h"
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/synthetic.h"

#include <memory>
#include <random>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

// Random layers: random_conv_layer / random_dense_layer (workloads/synthetic.h).

// A: XNOR, binarized 9x9 → conv k3 p1 s1 ×6, pool 2 (4x4x6) → conv k3 p0 s1 ×5 (2x2x5 = 20) →
//    dense 20 → 7 → 4.  K = 9 and 54: neither a multiple of the 40 sub-array rows.
BnnNetwork net_a() {
  std::mt19937_64 rng(71);
  BnnNetwork n;
  n.mode = CellMode::xnor_8t;
  n.input = InputEncoding::binarized;
  n.input_threshold = 128;
  n.layers.push_back(random_conv_layer(square_conv(9, 9, 1, 6, 3, 1, 1, 2), rng, 2));
  n.layers.push_back(random_conv_layer(square_conv(4, 4, 6, 5, 3, 1, 0, 1), rng, 4));
  n.layers.push_back(random_dense_layer(20, 7, false, rng, 3));
  n.layers.push_back(random_dense_layer(7, 4, true, rng, 3));
  return n;
}

// B: HBNN, 3 bit-serial planes of an 11x11 image → conv k5 s2 p1 ×7 (5x5x7, K = 25) →
//    conv k3 s1 p1 ×9, pool 2 (5x5 → 2x2x9 = 36, K = 63) → dense 36 → 10.
BnnNetwork net_b() {
  std::mt19937_64 rng(72);
  BnnNetwork n;
  n.mode = CellMode::hbnn_6t;
  n.input = InputEncoding::bit_serial;
  n.input_bits = 3;
  BnnLayer c0 = random_conv_layer(square_conv(11, 11, 1, 7, 5, 2, 1, 1), rng, 40);
  for (auto& t : c0.threshold) t += 40;  // bit-serial sums of 0..7 pixels: middle near 7/2 · 25/2
  n.layers.push_back(std::move(c0));
  n.layers.push_back(random_conv_layer(square_conv(5, 5, 7, 9, 3, 1, 1, 2), rng, 3));
  n.layers.push_back(random_dense_layer(36, 10, true, rng, 3));
  return n;
}

struct Case {
  std::string name;
  CimMacroConfig cfg;
  BnnNetwork net;
  std::size_t pixels = 0, n = 0;
  std::vector<std::uint8_t> images;
  CimNetworkImage image;
  GoldenResult golden, exact;
  std::unique_ptr<CimBench> bench;
  DriverRun run;
};

void prepare(Case& c, unsigned batch) {
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  const auto calib = random_images(32, c.pixels, 0xC0DE);
  qn.calibrate(calib.data(), 32, c.pixels);
  c.golden = qn.run(c.images.data(), c.n, c.pixels, true);
  c.exact = exact_inference(c.net, c.images.data(), c.n, c.pixels, true);
  c.image = build_cim_image(c.net, kImageBase, &qn);
  c.bench = std::make_unique<CimBench>(c.name + "_", c.cfg);
  program_inference(*c.bench, c.net, c.image, c.images, c.n, batch, c.run);
}

}  // namespace

TEST_CASE("conv networks on the cim macro equal exact_inference (ideal sensing) and the golden reference (3-bit MLSA)",
          "[cim][conv]") {
  set_quantum();
  std::vector<Case> cases(4);
  const BnnNetwork a = net_a(), b = net_b();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Case& c = cases[i];
    const bool first = i % 2 == 0;
    const BnnNetwork& net = first ? a : b;
    const bool ideal = i < 2;
    c.name = std::string(first ? "conv_a" : "conv_b") + (ideal ? "_ideal" : "_mlsa3");
    c.net = net;
    c.pixels = net.layers[0].input_size();
    // 40x16 sub-arrays: no window length is a multiple of 40 rows; 3-bit MLSAs need the tables
    c.cfg = small_macro(40, 16, net.mode, AccessMode::parallel, ideal ? Quantization::ideal : Quantization::nonlinear,
                        3);
    c.cfg.tile_vectors = 4;  // tiles of 4 images: windows of several images per read
    c.n = 22;
    c.images = random_images(c.n, c.pixels, 300 + i);
    prepare(c, 9);  // 3 batches, the last short, tiles cut batches
  }
  sc_core::sc_start();
  for (const Case& c : cases) {
    INFO(c.name);
    REQUIRE(c.bench->host.finished());
    REQUIRE(c.run.done);
    CHECK(c.bench->violations() == 0);
    REQUIRE(c.run.result.predictions.size() == c.n);
    CHECK(c.run.result.predictions == c.golden.predictions);
    CHECK(c.run.result.sums_half == c.golden.sums_half.back());
    if (c.name.find("_ideal") != std::string::npos) {  // ideal sensing: the exact oracle itself
      CHECK(c.run.result.predictions == c.exact.predictions);
      CHECK(c.run.result.sums_half == c.exact.sums_half.back());
    }
    // Counters: windows read = Σ conv layers of images × windows × planes, pooling ORs by formula.
    std::uint64_t windows = 0, ors = 0;
    for (std::size_t l = 0; l < c.net.layers.size(); ++l) {
      const BnnLayer& L = c.net.layers[l];
      if (!L.is_conv()) continue;
      windows += c.n * L.conv.windows() * (l == 0 ? first_layer_planes(c.net) : 1);
      // pool p: each pooled bit ORs p² thresholded bits (p² − 1 two-input ORs)
      if (L.conv.pool > 1)
        ors += c.n * std::uint64_t{L.conv.pooled_h()} * L.conv.pooled_w() * L.conv.out_c *
               (L.conv.pool * L.conv.pool - 1);
    }
    CHECK(c.bench->cim.counters().get("conv_windows") == windows);
    CHECK(c.bench->cim.counters().get("pool_or_ops") == ors);
  }
  // by hand: net A pools 4x4x6 bits from 2x2 windows: 4·4·6·3 = 288 ORs per image
  CHECK(cases[0].bench->cim.counters().get("pool_or_ops") == 22u * 288u);
}

TEST_CASE("mnist-bcnn.bnn on real MNIST: the cim macro equals the golden reference image for image", "[cim][conv][mnist]") {
  set_quantum();
  const BnnNetwork net = load_network(shipped_weights_path("mnist-bcnn.bnn"));
  const Dataset test = load_dataset("mnist", DatasetSplit::test).head(200);
  const Dataset train = load_dataset("mnist", DatasetSplit::train).head(64);
  Case c;
  c.name = "mnist_bcnn";
  c.cfg = CimMacroConfig{};  // 64x64 parallel, nonlinear 3-bit MLSAs (the default macro)
  c.cfg.tile_vectors = 32;
  c.net = net;
  c.pixels = test.pixels();
  c.n = test.size();
  c.images = test.images;
  QuantizedNetwork qn(net, c.cfg.mapping());
  qn.calibrate(train.images.data(), train.size(), c.pixels);
  c.golden = qn.run(c.images.data(), c.n, c.pixels, true);
  c.exact = exact_inference(net, c.images.data(), c.n, c.pixels);
  c.image = build_cim_image(net, kImageBase, &qn);
  REQUIRE(c.image.bytes.size() < kBufferBase - kImageBase);
  CHECK(c.image.bytes[4] == 4);  // conv layers: descriptor version 4
  c.bench = std::make_unique<CimBench>("mnist_", c.cfg);
  program_inference(*c.bench, c.net, c.image, c.images, c.n, 100, c.run);
  sc_core::sc_start();
  REQUIRE(c.run.done);
  CHECK(c.bench->violations() == 0);
  CHECK(c.run.result.predictions == c.golden.predictions);
  CHECK(c.run.result.sums_half == c.golden.sums_half.back());
  // the shipped network's golden accuracy is 97.35 % on the full test split (README)
  CHECK(accuracy(c.run.result.predictions, test.labels) >= 0.9);
}

TEST_CASE("bad conv descriptors are refused with BAD_DESCRIPTOR / BAD_SHAPE naming the field", "[cim][conv][descriptor]") {
  // unit-level through the codec the macro uses (decode_network), version-4 images by hand
  const BnnNetwork net = net_a();
  const CimNetworkImage img = build_cim_image(net, kImageBase);
  DescriptorLimits lim;
  lim.mode = CellMode::xnor_8t;
  lim.max_width = 4096;
  const NetworkDescriptor good = decode_network(img.bytes, kImageBase, lim);
  REQUIRE(good.header.version == 4);
  REQUIRE(good.layers[0].is_conv());
  CHECK(good.layers[0].conv.in_h == 9u);
  CHECK(good.layers[0].conv.pad == 1u);
  CHECK(good.layers[0].conv.pool == 2u);
  CHECK(good.layers[0].output_size() == 96u);  // 4x4x6
  using namespace cim_desc;
  const std::size_t d0 = kHeaderBytes, d1 = kHeaderBytes + kLayerBytes;
  struct Bad {
    const char* name;
    std::size_t at;
    std::uint8_t value;
    std::uint32_t code;
    unsigned layer;
    const char* what;
  };
  const Bad bad[] = {
      {"kernel larger than the padded input", d0 + CONV_KERNEL_H, 12, cim_err::BAD_SHAPE, 0, "conv shape: "},
      {"stride 0", d0 + CONV_STRIDE, 0, cim_err::BAD_SHAPE, 0, "stride 0"},
      {"pad >= kernel", d0 + CONV_PAD, 3, cim_err::BAD_SHAPE, 0, "pad 3"},
      {"pool larger than the map", d0 + CONV_POOL, 10, cim_err::BAD_SHAPE, 0, "pool 10"},
      {"in_c changes K", d0 + CONV_IN_C, 2, cim_err::BAD_SHAPE, 0, "kernel_h*kernel_w*in_c = 18"},
      {"maps do not chain", d1 + CONV_IN_H, 5, cim_err::BAD_SHAPE, 1, "previous layer has 96 outputs"},
      {"reserved byte", d0 + CONV_RESERVED, 1, cim_err::BAD_DESCRIPTOR, 0, "reserved"},
      {"stand-alone pool kind", d1 + LAYER_KIND, 2, cim_err::BAD_DESCRIPTOR, 1, "stand-alone pool"},
  };
  for (const Bad& b : bad) {
    INFO(b.name);
    std::vector<std::uint8_t> v = img.bytes;
    v[b.at] = b.value;
    try {
      decode_network(v, kImageBase, lim);
      FAIL("accepted");
    } catch (const DescriptorError& e) {
      CHECK(e.code == b.code);
      CHECK(e.layer == b.layer);
      CHECK_THAT(e.what(), Catch::Contains(b.what));
    }
  }
  {  // conv in a version-3 header
    std::vector<std::uint8_t> v = img.bytes;
    v[4] = 3;
    CHECK_THROWS_WITH(decode_network(v, kImageBase, lim), Catch::Contains("conv layers need version 4"));
  }
  {  // max width: the 9x9 map fits 81 bits, not 80
    DescriptorLimits small = lim;
    small.max_width = 80;
    CHECK_THROWS_WITH(decode_network(img.bytes, kImageBase, small), Catch::Contains("conv input map of 81 bits"));
  }
  {  // the macro reports it: ERROR_CODE BAD_SHAPE, layer 0, and the warning names the field
    set_quantum();
    ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);
    std::vector<std::uint8_t> v = img.bytes;
    v[d0 + CONV_STRIDE] = 0;
    CimBench b("bad_", small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::ideal, 3));
    std::uint32_t code = 0, info = 0;
    b.host.set_program([&](Hal& hal) {
      hal.write_block(kImageBase, v.data(), v.size());
      hal.write32(kCimBase + cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
      hal.write32(kCimBase + cim_reg::DESC_LO, static_cast<std::uint32_t>(kImageBase));
      hal.write32(kCimBase + cim_reg::CTRL, cim_bit::CTRL_LOAD);
      hal.wait_irq(1);
      code = hal.read32(kCimBase + cim_reg::ERROR_CODE);
      info = hal.read32(kCimBase + cim_reg::ERROR_INFO);
    });
    sc_core::sc_start();
    CHECK(code == cim_err::BAD_SHAPE);
    CHECK(info == 0u);
    CHECK(warnings.count() == 1);
  }
}

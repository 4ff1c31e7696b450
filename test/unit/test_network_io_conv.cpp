// .bnn format version 3 (workloads/network_io.h): conv layers in the file, layout by hand,
// round trips, shipped files unchanged, and the loader's checks of kinds, shapes and chaining.
#include <catch2/catch.hpp>

#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using namespace cimvp;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::uint32_t le32(const Bytes& b, std::size_t off) {
  return std::uint32_t{b[off]} | std::uint32_t{b[off + 1]} << 8 | std::uint32_t{b[off + 2]} << 16 |
         std::uint32_t{b[off + 3]} << 24;
}
unsigned le16(const Bytes& b, std::size_t off) { return b[off] | (unsigned{b[off + 1]} << 8); }
void put16(Bytes& b, std::size_t off, unsigned v) {
  b[off] = static_cast<std::uint8_t>(v);
  b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(Bytes& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void fix_crc(Bytes& b) {
  put32(b, b.size() - 4, static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), b.data(), static_cast<uInt>(b.size() - 4))));
}

// 4×4 image → conv 3×3 pad 1 stride 1, 2 channels, pool 2 (→ 2×2×2) → conv 2×2 (in_c 2), 3
// channels (→ 1×1×3) → dense 3 → 2.
BnnNetwork conv_net() {
  BnnNetwork net;
  net.mode = CellMode::xnor_8t;
  net.input_threshold = 100;
  net.description = "conv";
  BnnLayer a;
  a.kind = LayerKind::conv;
  a.conv.in_h = a.conv.in_w = 4;
  a.conv.in_c = 1;
  a.conv.out_c = 2;
  a.conv.kernel_h = a.conv.kernel_w = 3;
  a.conv.pad = 1;
  a.conv.pool = 2;
  a.inputs = 9;
  a.outputs = 2;
  for (int i = 0; i < 18; ++i) a.weights.push_back(i % 3 ? 1 : -1);
  a.threshold = {1, -2};
  a.flip = {0, 1};
  BnnLayer b;
  b.kind = LayerKind::conv;
  b.conv.in_h = b.conv.in_w = 2;
  b.conv.in_c = 2;
  b.conv.out_c = 3;
  b.conv.kernel_h = b.conv.kernel_w = 2;
  b.inputs = 8;
  b.outputs = 3;
  for (int i = 0; i < 24; ++i) b.weights.push_back(i % 5 ? -1 : 1);
  b.threshold = {0, 1, 2};
  b.flip = {1, 0, 0};
  BnnLayer o;
  o.inputs = 3;
  o.outputs = 2;
  o.weights = {1, -1, 1, -1, -1, 1};
  o.scale = {1.0f, 0.5f};
  o.bias = {0.0f, 0.25f};
  net.layers = {a, b, o};
  return net;
}

bool same(const BnnNetwork& x, const BnnNetwork& y) {
  if (x.layers.size() != y.layers.size() || x.mode != y.mode || x.description != y.description) return false;
  for (std::size_t l = 0; l < x.layers.size(); ++l) {
    const BnnLayer &a = x.layers[l], &b = y.layers[l];
    if (a.kind != b.kind || a.inputs != b.inputs || a.outputs != b.outputs || a.weights != b.weights ||
        a.threshold != b.threshold || a.flip != b.flip || a.scale != b.scale || a.bias != b.bias)
      return false;
    if (a.is_conv()) {
      const ConvShape &p = a.conv, &q = b.conv;
      if (p.in_h != q.in_h || p.in_w != q.in_w || p.in_c != q.in_c || p.out_c != q.out_c || p.kernel_h != q.kernel_h ||
          p.kernel_w != q.kernel_w || p.stride != q.stride || p.pad != q.pad || p.pool != q.pool)
        return false;
    }
  }
  return true;
}

BnnNetwork parse(const Bytes& b) { return parse_network(b.data(), b.size(), "t.bnn"); }

}  // namespace

TEST_CASE("conv networks are version 3; shape entries by hand; round trip", "[network_io][conv]") {
  const BnnNetwork n = conv_net();
  const Bytes b = serialize_network(n);
  CHECK(le32(b, 8) == 3);
  CHECK(le32(b, 16) == 3);  // layers
  // layer 0 entry at 24 (36 bytes): K, M, support fields (0, step 1.0), kind, kernel, pad, maps
  CHECK(le32(b, 24) == 9);
  CHECK(le32(b, 28) == 2);
  CHECK(le32(b, 32) == 0);
  CHECK(le32(b, 40) == 0x3F800000u);
  CHECK(b[44] == 1);  // kind conv
  CHECK(b[45] == 3);  // kernel_h
  CHECK(b[46] == 3);  // kernel_w
  CHECK(b[47] == 1);  // pad
  CHECK(le16(b, 48) == 4);  // in_h
  CHECK(le16(b, 50) == 4);  // in_w
  CHECK(le16(b, 52) == 1);  // in_c
  CHECK(le16(b, 54) == 1);  // stride
  CHECK(le16(b, 56) == 2);  // pool
  CHECK(le16(b, 58) == 0);  // reserved
  // layer 1 at 60: in_c 2 at 60 + 28; layer 2 (dense) at 96: kind 0 and conv fields 0
  CHECK(le32(b, 60) == 8);
  CHECK(le16(b, 60 + 28) == 2);
  CHECK(b[96 + 20] == 0);
  for (std::size_t i = 96 + 20; i < 96 + 36; ++i) CHECK(b[i] == 0);
  // size: 24 + 3·36 + 4 (description) + weights 2·8 + 3·8 + 2·8 + hidden 5·2 + 5·3 + last 8·2 + CRC
  CHECK(b.size() == 24u + 108 + 4 + 56 + 25 + 16 + 4);
  const BnnNetwork back = parse(b);
  CHECK(same(back, n));
  CHECK(serialize_network(back) == b);
  const std::string path = "/tmp/cimvp-test-conv-" + std::to_string(::getpid()) + ".bnn";
  save_network(path, n);
  const BnnFileHeader h = read_network_header(path);
  CHECK(h.version == 3u);
  REQUIRE(h.kinds.size() == 3u);
  CHECK(h.kinds[1] == LayerKind::conv);
  CHECK(h.convs[1].in_c == 2u);
  CHECK(same(load_network(path), n));
  std::remove(path.c_str());
}

TEST_CASE("shipped .bnn files re-serialize byte for byte (no conv: versions 1 and 2 unchanged)", "[network_io][conv]") {
  for (const char* f : {"mnist-xnor.bnn", "mnist-hbnn.bnn", "fmnist-xnor.bnn", "fmnist-hbnn.bnn", "mnist-xnor-sup.bnn",
                        "fmnist-xnor-sup.bnn", "mnist-xnor-100-sup.bnn", "fmnist-xnor-100-sup.bnn"}) {
    INFO(f);
    std::ifstream in(shipped_weights_path(f), std::ios::binary);
    REQUIRE(in);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const BnnNetwork net = parse(bytes);
    CHECK(le32(bytes, 8) == (net.layers.front().has_supports() ? 2u : 1u));
    CHECK(serialize_network(net) == bytes);
  }
}

TEST_CASE("version 3 loader: kinds, conv shapes and chaining name layer, field and allowed values", "[network_io][conv]") {
  const Bytes good = serialize_network(conv_net());
  auto bad = [&](std::size_t off, unsigned v, bool wide, const std::string& want) {
    Bytes b = good;
    if (wide) put16(b, off, v);
    else b[off] = static_cast<std::uint8_t>(v);
    fix_crc(b);
    INFO("offset " << off << " value " << v);
    CHECK_THROWS_WITH(parse(b), Contains(want));
  };
  bad(44, 2, false, "layer 0: field kind is 2 (allowed 0 fully_connected, 1 conv)");
  bad(96 + 20, 1, false, "layer 2: field kind is 1 conv (allowed for the last layer");
  bad(96 + 21, 3, false, "conv fields of a fully_connected layer are not 0");
  bad(45, 2, false, "field K is 9 but a conv layer has K = kernel_h*kernel_w*in_c = 6");
  bad(47, 3, false, "pad 3");
  bad(52, 2, true, "field K is 9 but a conv layer has K = kernel_h*kernel_w*in_c = 18");  // in_c > 1 is allowed
  bad(54, 0, true, "stride 0");
  bad(56, 5, true, "pool 5");
  bad(58, 1, true, "reserved field is 1");
  bad(60 + 24, 3, true, "layers must chain");  // layer 1 in_h 3: 3·2·2 = 12 bits ≠ 8
  bad(60 + 26, 3, true, "layers must chain");  // in_w 3: 2·3·2 = 12 bits
  // supports on a conv layer
  {
    Bytes b = good;
    put32(b, 32, 3);
    b[36] = 2;
    fix_crc(b);
    CHECK_THROWS_WITH(parse(b), Contains("allowed 0 on a conv layer"));
  }
  // version 3 without a conv layer, version 2 without supports: not the writer's encoding
  {
    Bytes b = good;
    b[44] = 0;
    std::fill(b.begin() + 45, b.begin() + 60, 0);
    b[60 + 20] = 0;
    std::fill(b.begin() + 60 + 21, b.begin() + 96, 0);
    fix_crc(b);
    CHECK_THROWS_WITH(parse(b), Contains("format version 3 but no layer is a conv layer") ||
                                    Contains("layers must chain"));
  }
  BnnNetwork plain = conv_net();
  plain.layers = {plain.layers.back()};
  Bytes v1 = serialize_network(plain);
  put32(v1, 8, 2);
  Bytes v2(v1.begin(), v1.begin() + 24);  // rebuild as a version-2 file: 20-byte shape entry
  v2.insert(v2.end(), v1.begin() + 24, v1.begin() + 32);
  const std::uint8_t sup[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F};
  v2.insert(v2.end(), sup, sup + 12);
  v2.insert(v2.end(), v1.begin() + 32, v1.end());
  fix_crc(v2);
  CHECK_THROWS_WITH(parse(v2), Contains("format version 2 but no layer has supports"));
  put32(v2, 8, 4);
  fix_crc(v2);
  CHECK_THROWS_WITH(parse(v2), Contains("format version 4 not supported (allowed 1..3)"));
}

TEST_CASE("validate_network (in memory): conv rules", "[network_io][conv]") {
  BnnNetwork n = conv_net();
  CHECK_NOTHROW(validate_network(n));
  BnnNetwork b = n;
  b.layers[1].conv.in_h = 3;  // 3×2×2 = 12 ≠ 8 bits of the pooled 2×2×2 map
  b.layers[1].inputs = 8;
  CHECK_THROWS_WITH(validate_network(b), Contains("layer 1") && Contains("layers must chain"));
  b = n;
  b.layers[1].conv.in_h = 1;  // 1×4×2 = 8 bits, but not the 2×2×2 map
  b.layers[1].conv.in_w = 4;
  b.layers[1].conv.kernel_h = 1;
  b.layers[1].conv.kernel_w = 4;
  CHECK_THROWS_WITH(validate_network(b), Contains("conv input map 1x4x2") && Contains("2x2x2"));
  b = n;
  b.layers[0].support_block = 3;
  b.layers[0].support_bits = 2;
  b.layers[0].support.assign(6, 1);
  CHECK_THROWS_WITH(validate_network(b), Contains("no supports on conv layers"));
  b = n;
  b.layers.pop_back();  // a conv layer last
  b.layers.back().threshold.clear();
  b.layers.back().flip.clear();
  b.layers.back().scale = {1, 1, 1};
  b.layers.back().bias = {0, 0, 0};
  CHECK_THROWS_WITH(validate_network(b), Contains("last layer: fully_connected only"));
}

TEST_CASE("shipped BCNN weights: version 3, documented architecture, golden accuracy", "[network_io][conv][weights]") {
  // workloads/weights/README.md: mnist-bcnn 97.35 %, fmnist-bcnn 89.87 % (golden exact, full
  // test splits, equal to integer_predict and the trainer's float evaluation).  Fashion-MNIST
  // is checked on its first 2,000 test images (time), against the 85 % floor of the MLPs.
  struct Shipped {
    const char* file;
    const char* dataset;
    unsigned c0, k0, c1, k1, fc;
    std::size_t images;
    double min_accuracy;
  };
  const Shipped all[] = {{"mnist-bcnn.bnn", "mnist", 20, 5, 50, 5, 500, 2000, 0.97},
                         {"fmnist-bcnn.bnn", "fashion-mnist", 64, 3, 64, 3, 512, 2000, 0.87}};
  for (const auto& s : all) {
    INFO(s.file);
    const std::string path = shipped_weights_path(s.file);
    CHECK(read_network_header(path).version == 3u);
    const BnnNetwork net = load_network(path);
    REQUIRE(net.layers.size() == 4u);
    CHECK(net.mode == CellMode::xnor_8t);
    CHECK(net.layers[0].is_conv());
    CHECK(net.layers[0].conv.in_h == 28u);
    CHECK(net.layers[0].conv.out_c == s.c0);
    CHECK(net.layers[0].conv.kernel_h == s.k0);
    CHECK(net.layers[0].conv.pool == 2u);
    CHECK(net.layers[1].is_conv());
    CHECK(net.layers[1].conv.out_c == s.c1);
    CHECK(net.layers[1].conv.kernel_w == s.k1);
    CHECK(net.layers[2].outputs == s.fc);
    CHECK(net.layers[3].outputs == 10u);
    CHECK_THAT(net.description, Contains("--arch") && Contains("--seed 1"));
    const Dataset test = load_dataset(s.dataset, DatasetSplit::test).head(s.images);
    const GoldenResult g = exact_inference(net, test.images.data(), test.size(), test.pixels());
    CHECK(accuracy(g.predictions, test.labels) >= s.min_accuracy);
  }
}

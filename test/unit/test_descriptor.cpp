// The descriptor codec (models/cim/controller/descriptor.h) without a kernel: encode/decode
// round trips, every rejection with the macro's error code and address, version-1 images,
// MLSA tables, and build_cim_image's bytes decoding back to the network.
#include <catch2/catch.hpp>

#include "cimvp/cim/controller/descriptor.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/golden.h"

#include <functional>
#include <random>

using namespace cimvp;

namespace {

constexpr std::uint64_t kBase = 0x10000;

LayerDescriptor first_layer() {
  LayerDescriptor d;
  d.inputs = 100;
  d.outputs = 37;
  d.input_kind = InputKind::unipolar;
  d.planes = 1;
  d.format = InputFormat::pixels_binarized;
  d.pixel_threshold = 100;
  d.weights = kBase + 0x100;
  d.thresholds = kBase + 0x800;
  d.flips = kBase + 0x900;
  d.table = kBase + 0xA00;
  d.table_bytes = 96;
  return d;
}
LayerDescriptor last_layer() {
  LayerDescriptor d;
  d.inputs = 37;
  d.outputs = 10;
  d.input_kind = InputKind::bipolar;
  d.format = InputFormat::on_chip;
  d.last = true;
  d.weights = kBase + 0xC00;
  return d;
}
NetworkDescriptor two_layers() {
  NetworkDescriptor n;
  n.layers = {first_layer(), last_layer()};
  return n;
}

DescriptorLimits limits() {
  DescriptorLimits l;
  l.max_layers = 4;
  l.max_width = 512;
  l.mode = CellMode::xnor_8t;
  return l;
}

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  put32(b, at, static_cast<std::uint32_t>(v));
  put32(b, at + 4, static_cast<std::uint32_t>(v >> 32));
}
constexpr std::size_t desc(unsigned l) { return cim_desc::kHeaderBytes + l * cim_desc::kLayerBytes; }

bool same(const LayerDescriptor& a, const LayerDescriptor& b) {
  return a.inputs == b.inputs && a.outputs == b.outputs && a.kind == b.kind && a.input_kind == b.input_kind &&
         a.planes == b.planes && a.format == b.format && a.last == b.last && a.pixel_threshold == b.pixel_threshold &&
         a.first_bit == b.first_bit && a.weights == b.weights && a.thresholds == b.thresholds && a.flips == b.flips &&
         a.table == b.table && a.table_bytes == b.table_bytes && a.support_block == b.support_block &&
         a.support_bits == b.support_bits && a.support_default == b.support_default && a.supports == b.supports;
}

struct Rejection {
  std::uint32_t code = 0, layer = 0;
  std::uint64_t addr = 0;
  std::size_t offset = 0;
  std::string what;
};

/// Decodes `bytes` (at kBase) and returns the DescriptorError it must raise.
Rejection reject(const std::vector<std::uint8_t>& bytes, const DescriptorLimits& lim = limits()) {
  try {
    (void)decode_network(bytes, kBase, lim);
  } catch (const DescriptorError& e) {
    return {e.code, e.layer, e.addr, e.offset, e.what()};
  }
  FAIL("decode accepted the bytes");
  return {};
}

std::vector<std::uint8_t> mutated(const std::function<void(std::vector<std::uint8_t>&)>& f) {
  std::vector<std::uint8_t> b = encode(two_layers());
  f(b);
  return b;
}

BnnNetwork small_network(CellMode mode, InputEncoding enc, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net;
  net.mode = mode;
  net.input = enc;
  net.input_bits = 4;
  net.input_threshold = 90;
  const unsigned widths[] = {100, 37, 21, 10};
  for (unsigned l = 0; l < 3; ++l) {
    BnnLayer L;
    L.inputs = widths[l];
    L.outputs = widths[l + 1];
    L.weights.resize(std::size_t{L.inputs} * L.outputs);
    for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
    if (l < 2) {
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.threshold.push_back(static_cast<std::int32_t>(rng() % 11) - 5);
        L.flip.push_back(rng() % 3 == 0 ? 1 : 0);
      }
    } else {
      L.scale.assign(L.outputs, 1.0f);
      L.bias.assign(L.outputs, 0.0f);
    }
    net.layers.push_back(std::move(L));
  }
  return net;
}

}  // namespace

TEST_CASE("descriptor codec round trips headers layers and networks", "[descriptor]") {
  const NetworkDescriptor n = two_layers();
  const std::vector<std::uint8_t> b = encode(n);
  REQUIRE(b.size() == cim_desc::kHeaderBytes + 2 * cim_desc::kLayerBytes);
  CHECK(b[4] == cim_desc::kVersion);
  CHECK(b[desc(0) + cim_desc::LAYER_KIND] == 0);
  const NetworkDescriptor back = decode_network(b, kBase, limits());
  CHECK(back.header.magic == cim_desc::kMagic);
  CHECK(back.header.version == 4);
  CHECK(back.header.layers == 2);
  REQUIRE(back.layers.size() == 2);
  CHECK(same(back.layers[0], n.layers[0]));
  CHECK(same(back.layers[1], n.layers[1]));
  CHECK(encode(back) == b);

  // Bit-serial pixels on an HBNN macro; packed bits.
  LayerDescriptor bs = first_layer();
  bs.format = InputFormat::pixels_bit_serial;
  bs.planes = 4;
  bs.first_bit = 4;
  NetworkDescriptor h;
  h.layers = {bs, last_layer()};
  h.layers[1].input_kind = InputKind::unipolar;
  DescriptorLimits hb = limits();
  hb.mode = CellMode::hbnn_6t;
  CHECK(same(decode_network(encode(h), kBase, hb).layers[0], bs));
  LayerDescriptor pk = first_layer();
  pk.format = InputFormat::packed_bits;
  NetworkDescriptor p;
  p.layers = {pk, last_layer()};
  CHECK(same(decode_network(encode(p), kBase, limits()).layers[0], pk));

  // encode refuses what its fields cannot carry.
  LayerDescriptor conv = first_layer();
  conv.kind = LayerKind::conv;
  CHECK_THROWS_AS(encode(conv, 1), std::invalid_argument);
  CHECK_THROWS_AS(encode(first_layer(), 5), std::invalid_argument);
  CHECK_THROWS_WITH(encode(conv, 3), Catch::Contains("version 4"));
  conv.conv = square_conv(300, 9, 1, conv.outputs, 3, 1, 1, 2);  // in_h 300 fits u16; kernel 3
  CHECK_NOTHROW(encode(conv, 4));
  conv.conv.pool = 256;  // u8 field
  CHECK_THROWS_WITH(encode(conv, 4), Catch::Contains("<= 255"));
  conv.conv.pool = 2;
  conv.support_block = 4;
  CHECK_THROWS_WITH(encode(conv, 4), Catch::Contains("no supports"));
  std::vector<std::uint8_t> t;
  CHECK_THROWS_AS(encode(MlsaTableEntry{{1, 2}, {0, 1}}, t), std::invalid_argument);
  CHECK_THROWS_AS(encode(MlsaTableEntry{{}, {}}, t), std::invalid_argument);
}

TEST_CASE("descriptor codec carries the version-3 support section", "[descriptor]") {
  NetworkDescriptor n = two_layers();
  n.layers[1].support_block = 300;  // > 255: both bytes of the u16
  n.layers[1].inputs = 400;
  n.layers[0].outputs = 400;
  n.layers[1].support_bits = 3;
  n.layers[1].support_default = 5;
  n.layers[1].supports = 0x123456789ull;
  // M × ⌈K/p⌉ = 10 × ⌈400/300⌉ = 20 bytes
  CHECK(n.layers[1].support_bytes() == std::uint64_t{n.layers[1].outputs} * 2);
  CHECK(n.layers[0].support_bytes() == 0u);
  const std::vector<std::uint8_t> b = encode(n);
  CHECK(b[desc(1) + cim_desc::SUPPORT_BLOCK] == 300 % 256);
  CHECK(b[desc(1) + cim_desc::SUPPORT_BLOCK + 1] == 1);
  CHECK(b[desc(1) + cim_desc::SUPPORT_BITS] == 3);
  CHECK(b[desc(1) + cim_desc::SUPPORT_DEFAULT] == 5);
  CHECK(b[desc(1) + cim_desc::SUPPORTS] == 0x89);
  DescriptorLimits lim = limits();
  lim.max_width = 1024;
  const NetworkDescriptor back = decode_network(b, kBase, lim);
  CHECK(same(back.layers[0], n.layers[0]));
  CHECK(same(back.layers[1], n.layers[1]));
  // version 2 cannot express supports; a version-2 image with bytes 52..63 set is rejected
  CHECK_THROWS_WITH(encode(n.layers[1], 2), Catch::Contains("version 3"));
  std::vector<std::uint8_t> v2 = b;
  v2[4] = 2;
  CHECK_THROWS_AS(decode_network(v2, kBase, lim), DescriptorError);
}

TEST_CASE("descriptor codec reads version-1 images as fully connected layers", "[descriptor]") {
  NetworkDescriptor n = two_layers();
  n.header.version = 1;
  const std::vector<std::uint8_t> b = encode(n);
  CHECK(b[4] == 1);
  const NetworkDescriptor back = decode_network(b, kBase, limits());
  CHECK(back.header.version == 1);
  CHECK(same(back.layers[0], n.layers[0]));
  CHECK(back.layers[1].kind == LayerKind::fully_connected);
  // In version 1, byte 14 is reserved: a non-zero value is a reserved-field error, not a kind.
  std::vector<std::uint8_t> v1 = b;
  v1[desc(1) + cim_desc::LAYER_KIND] = 1;
  const Rejection r = reject(v1);
  CHECK(r.code == cim_err::BAD_DESCRIPTOR);
  CHECK(r.layer == 1);
  CHECK(r.what == "reserved fields are not 0");
  CHECK(r.offset == desc(1) + cim_desc::LAYER_KIND);
}

TEST_CASE("descriptor codec rejects what the macro rejects with its codes and addresses", "[descriptor]") {
  using namespace cim_desc;
  struct Case {
    const char* name;
    std::function<void(std::vector<std::uint8_t>&)> f;
    std::uint32_t code, layer;
    std::uint64_t addr;
    std::size_t offset;
    const char* what;  // exact message, or nullptr
  };
  const std::uint32_t none = kNoDescriptorLayer;
  const std::vector<Case> cases = {
      {"bad magic", [](auto& v) { v[0] ^= 0xFF; }, cim_err::BAD_HEADER, none, kBase, 0,
       "bad magic 0x4e4d49bc at 0x10000, expected 0x4e4d4943"},
      {"version 0", [](auto& v) { put32(v, 4, 0); }, cim_err::BAD_HEADER, none, kBase, 4,
       "descriptor version 0, expected 1..4"},
      {"version 5", [](auto& v) { put32(v, 4, 5); }, cim_err::BAD_HEADER, none, kBase, 4, nullptr},
      {"no layers", [](auto& v) { put32(v, 8, 0); }, cim_err::BAD_HEADER, none, kBase, 8, "0 layers, expected 1..4"},
      {"too many layers", [](auto& v) { put32(v, 8, 5); }, cim_err::BAD_HEADER, none, kBase, 8, nullptr},
      {"reserved header word", [](auto& v) { v[13] = 1; }, cim_err::BAD_HEADER, none, kBase, 12,
       "reserved header word is not 0"},
      {"conv layer in a version-3 image", [](auto& v) { put32(v, 4, 3); v[desc(1) + LAYER_KIND] = 1; },
       cim_err::BAD_DESCRIPTOR, 1, 0, desc(1) + LAYER_KIND,
       "layer kind conv in a version 3 image (conv layers need version 4)"},
      {"pool layer", [](auto& v) { v[desc(0) + LAYER_KIND] = 2; }, cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + LAYER_KIND,
       "layer kind pool: stand-alone pool layers are not supported (max pooling is the conv layer's pool field, byte 62)"},
      {"unknown layer kind", [](auto& v) { v[desc(0) + LAYER_KIND] = 9; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + LAYER_KIND, "layer kind 9, expected 0 (fully_connected) or 1 (conv)"},
      {"K = 0", [](auto& v) { put32(v, desc(0) + K, 0); }, cim_err::BAD_SHAPE, 0, 0, desc(0) + K,
       "K = 0, expected 1..512"},
      {"M > max_width", [](auto& v) { put32(v, desc(0) + M, 513); }, cim_err::BAD_SHAPE, 0, 0, desc(0) + M, nullptr},
      {"layers do not chain", [](auto& v) { put32(v, desc(1) + K, 36); }, cim_err::BAD_SHAPE, 1, 0, desc(1) + K,
       "K = 36 but the previous layer has 37 outputs"},
      {"bad input kind", [](auto& v) { v[desc(0) + KIND] = 2; }, cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + KIND,
       "input kind 2, expected 0|1"},
      {"unipolar later layer on XNOR", [](auto& v) { v[desc(1) + KIND] = 0; }, cim_err::BAD_DESCRIPTOR, 1, 0,
       desc(1) + KIND, "a later layer of a xnor_8t network takes bipolar inputs"},
      {"bad format", [](auto& v) { v[desc(0) + FORMAT] = 4; }, cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + FORMAT, nullptr},
      {"on-chip input first", [](auto& v) { v[desc(0) + FORMAT] = 3; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + FORMAT, "input format on_chip on the first layer"},
      {"pixels on a later layer", [](auto& v) { v[desc(1) + FORMAT] = 0; }, cim_err::BAD_DESCRIPTOR, 1, 0,
       desc(1) + FORMAT, nullptr},
      {"planes 0", [](auto& v) { v[desc(0) + PLANES] = 0; }, cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + PLANES, nullptr},
      {"planes with binarized pixels", [](auto& v) { v[desc(0) + PLANES] = 2; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + PLANES, nullptr},
      {"bit-serial past bit 7",
       [](auto& v) {
         v[desc(0) + FORMAT] = 1;
         v[desc(0) + PLANES] = 4;
         v[desc(0) + FIRST_BIT] = 5;
       },
       cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + FIRST_BIT, "first bit 5 + planes 4 > 8"},
      {"unknown flags", [](auto& v) { v[desc(0) + FLAGS] = 4; }, cim_err::BAD_DESCRIPTOR, 0, 0, desc(0) + FLAGS,
       "unknown flags 0x4"},
      {"LAST on a hidden layer", [](auto& v) { v[desc(0) + FLAGS] = 1; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + FLAGS, "LAST flag on a hidden layer"},
      {"LAST missing", [](auto& v) { v[desc(1) + FLAGS] = 0; }, cim_err::BAD_DESCRIPTOR, 1, 0, desc(1) + FLAGS,
       "LAST flag missing on the last layer"},
      {"reserved byte 15", [](auto& v) { v[desc(0) + RESERVED0] = 1; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + RESERVED0, "reserved fields are not 0"},
      {"reserved word 52", [](auto& v) { v[desc(1) + RESERVED1 + 2] = 1; }, cim_err::BAD_DESCRIPTOR, 1, 0,
       desc(1) + RESERVED1, "reserved fields are not 0"},
      // version 3: bytes 52..63 are the support section (p = 256 > K = 37 of layer 1)
      {"support block > K", [](auto& v) { v[desc(1) + SUPPORT_BLOCK + 1] = 1; }, cim_err::BAD_DESCRIPTOR, 1, 0,
       desc(1) + SUPPORT_BLOCK, nullptr},
      {"support bits 9", [](auto& v) { v[desc(1) + SUPPORT_BLOCK] = 4; v[desc(1) + SUPPORT_BITS] = 9; },
       cim_err::BAD_DESCRIPTOR, 1, 0, desc(1) + SUPPORT_BITS, "support bits = 9, expected 1..8"},
      {"support default > max", [](auto& v) { v[desc(1) + SUPPORT_BLOCK] = 4; v[desc(1) + SUPPORT_BITS] = 2;
                                               v[desc(1) + SUPPORT_DEFAULT] = 4; },
       cim_err::BAD_DESCRIPTOR, 1, 0, desc(1) + SUPPORT_DEFAULT, "default support code 4, expected 0..3"},
      {"reserved word 56", [](auto& v) { v[desc(0) + RESERVED1 + 5] = 1; }, cim_err::BAD_DESCRIPTOR, 0, 0,
       desc(0) + RESERVED1 + 4, "reserved fields are not 0"},
      {"misaligned weights", [](auto& v) { put64(v, desc(1) + WEIGHTS, kBase + 0xC04); }, cim_err::MISALIGNED, 1,
       kBase + 0xC04, desc(1) + WEIGHTS, "weights at 0x10c04 are not 8-byte aligned"},
      {"misaligned thresholds", [](auto& v) { put64(v, desc(0) + THRESHOLDS, kBase + 0x802); }, cim_err::MISALIGNED, 0,
       kBase + 0x802, desc(0) + THRESHOLDS, nullptr},
      {"misaligned table", [](auto& v) { put64(v, desc(0) + MLSA_TABLE, kBase + 0xA01); }, cim_err::MISALIGNED, 0,
       kBase + 0xA01, desc(0) + MLSA_TABLE, "MLSA table at 0x10a01 is not 4-byte aligned"},
      {"truncated descriptors", [](auto& v) { v.resize(desc(1) + 8); }, cim_err::BAD_DESCRIPTOR, none, 0, desc(1) + 8,
       nullptr},
      {"truncated header", [](auto& v) { v.resize(10); }, cim_err::BAD_HEADER, none, kBase, 10, nullptr},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const Rejection r = reject(mutated(c.f));
    CHECK(cim_error_name(r.code) == std::string(cim_error_name(c.code)));
    CHECK(r.layer == c.layer);
    CHECK(r.addr == c.addr);
    CHECK(r.offset == c.offset);
    if (c.what != nullptr) CHECK(r.what == c.what);
  }
  // The last layer's thresholds are not used: any value is accepted there.
  CHECK_NOTHROW(decode_network(mutated([](auto& v) { put64(v, desc(1) + THRESHOLDS, 3); }), kBase, limits()));
  // Bipolar inputs on HBNN cells.
  DescriptorLimits hb = limits();
  hb.mode = CellMode::hbnn_6t;
  NetworkDescriptor n = two_layers();
  n.layers[0].input_kind = InputKind::bipolar;
  const Rejection r = reject(encode(n), hb);
  CHECK(r.code == cim_err::BAD_DESCRIPTOR);
  CHECK(r.what == "bipolar inputs on hbnn_6t cells");
}

TEST_CASE("descriptor codec reads MLSA tables entry by entry and rejects malformed ones", "[descriptor]") {
  const MlsaTableEntry a{{-4, 0, 4}, {-6, -2, 2, 6}}, b{{}, {0}};
  std::vector<std::uint8_t> t;
  encode(a, t);
  encode(b, t);
  REQUIRE(t.size() == 4 * 8 + 4 * 2);
  const std::uint64_t base = 0x4000;
  {
    MlsaTableReader r(t.data(), t.size(), base, 3);
    const MlsaTableEntry x = r.next(41, "e0");
    CHECK(x.references_half == a.references_half);
    CHECK(x.values_half == a.values_half);
    const MlsaTableEntry y = r.next(41, "e1");
    CHECK(y.levels() == 1);
    CHECK(y.values_half == b.values_half);
    CHECK_NOTHROW(r.finish());
  }
  {  // as quantizers of 40 bipolar rows: references / 2 and the level values
    MlsaTableReader r(t.data(), t.size(), base, 3);
    const Quantizer q = r.next_quantizer(PsRange::of(40, InputKind::bipolar), "e0");
    CHECK(q.levels() == 4);
    CHECK(q.references() == std::vector<double>{-2.0, 0.0, 2.0});
    CHECK(q.values_half() == a.values_half);
  }
  auto fails = [&](const std::vector<std::uint8_t>& bytes, unsigned max_levels, unsigned entries) {
    MlsaTableReader r(bytes.data(), bytes.size(), base, 3);
    try {
      for (unsigned i = 0; i < entries; ++i) (void)r.next(max_levels, "segment " + std::to_string(i));
      r.finish();
    } catch (const DescriptorError& e) {
      CHECK(e.code == cim_err::BAD_MLSA_TABLE);
      CHECK(e.layer == 3);
      CHECK(e.addr == base + e.offset);
      return Rejection{e.code, e.layer, e.addr, e.offset, e.what()};
    }
    FAIL("table accepted");
    return Rejection{};
  };
  // Truncated: inside the level word, inside the references.
  std::vector<std::uint8_t> cut(t.begin(), t.begin() + 2);
  CHECK(fails(cut, 41, 1).what == "segment 0: table ends early");
  cut.assign(t.begin(), t.begin() + 20);
  const Rejection early = fails(cut, 41, 1);
  CHECK(early.offset == 4);
  CHECK(early.what == "segment 0: table ends early");
  // Too many levels for the segment: at the entry's level word.
  const Rejection many = fails(t, 3, 1);
  CHECK(many.offset == 0);
  CHECK(many.what == "segment 0: 4 levels, expected 1..3");
  std::vector<std::uint8_t> zero = t;
  put32(zero, 32, 0);
  CHECK(fails(zero, 41, 2).offset == 32);
  // Bytes left over: after the last entry.
  std::vector<std::uint8_t> extra = t;
  extra.resize(t.size() + 4, 0);
  const Rejection left = fails(extra, 41, 2);
  CHECK(left.offset == t.size());
  CHECK(left.what == "4 bytes after the last entry");
  // References not ascending: Quantizer::custom rejects it, reported past the entry.
  std::vector<std::uint8_t> desc_refs;
  encode(MlsaTableEntry{{4, 0, -4}, {-6, -2, 2, 6}}, desc_refs);
  MlsaTableReader r(desc_refs.data(), desc_refs.size(), base, 0);
  try {
    (void)r.next_quantizer(PsRange::of(40, InputKind::bipolar), "rb 0");
    FAIL("accepted descending references");
  } catch (const DescriptorError& e) {
    CHECK(e.code == cim_err::BAD_MLSA_TABLE);
    CHECK(e.offset == desc_refs.size());
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("rb 0: "));
  }
}

TEST_CASE("build_cim_image bytes decode back to the network's shapes and tables", "[descriptor]") {
  for (const InputEncoding enc : {InputEncoding::binarized, InputEncoding::bit_serial}) {
    const CellMode mode = enc == InputEncoding::bit_serial ? CellMode::hbnn_6t : CellMode::xnor_8t;
    const BnnNetwork net = small_network(mode, enc, 7);
    MappingConfig m;
    m.array.rows = 40;
    m.array.cols = 16;
    m.array.mode = mode;
    m.array.access = AccessMode::parallel;
    m.sense.bits = 3;
    m.sense.quantization = Quantization::linear;
    const QuantizedNetwork qn(net, m);
    const CimNetworkImage img = build_cim_image(net, kBase, &qn);
    DescriptorLimits lim;
    lim.mode = mode;
    const NetworkDescriptor d = decode_network(img.bytes, img.base, lim);
    CHECK(d.header.version == 3);  // no conv layer: the lowest version that holds the network
    REQUIRE(d.layers.size() == net.layers.size());
    for (std::size_t l = 0; l < d.layers.size(); ++l) {
      INFO("layer " << l);
      const LayerDescriptor& L = d.layers[l];
      const BnnLayer& B = net.layers[l];
      CHECK(L.kind == LayerKind::fully_connected);
      CHECK(L.inputs == B.inputs);
      CHECK(L.outputs == B.outputs);
      CHECK(L.last == (l + 1 == net.layers.size()));
      if (l == 0) {
        CHECK(L.format == img.input_format);
        CHECK(L.input_kind == first_layer_input_kind(net));
        CHECK(unsigned{L.planes} == first_layer_planes(net));
        if (enc == InputEncoding::bit_serial)
          CHECK(unsigned{L.first_bit} == 8 - net.input_bits);
        else
          CHECK(unsigned{L.pixel_threshold} == net.input_threshold);
      } else {
        CHECK(L.format == InputFormat::on_chip);
        CHECK(L.input_kind == native_input(mode));
      }
      // Weights: bit k of row j = (W[j][k] == +1).
      const std::size_t row_bytes = (B.inputs + 63) / 64 * 8;
      REQUIRE(L.weights - kBase + B.outputs * row_bytes <= img.bytes.size());
      std::size_t wrong = 0;
      for (unsigned j = 0; j < B.outputs; ++j)
        for (unsigned k = 0; k < B.inputs; ++k) {
          const bool bit = (img.bytes[L.weights - kBase + j * row_bytes + k / 8] >> (k % 8)) & 1u;
          wrong += bit != (B.weights[std::size_t{j} * B.inputs + k] == 1);
        }
      CHECK(wrong == 0);
      if (!L.last) {
        for (unsigned j = 0; j < B.outputs; ++j) {
          const std::uint8_t* t = img.bytes.data() + (L.thresholds - kBase) + 4 * j;
          CHECK(static_cast<std::int32_t>(t[0] | t[1] << 8 | t[2] << 16 | static_cast<std::uint32_t>(t[3]) << 24) ==
                B.threshold[j]);
          CHECK(img.bytes[L.flips - kBase + j] == B.flip[j]);
        }
      }
      // The table holds the mapped layer's transfer functions, in (row block, plane, segment) order.
      REQUIRE(L.table != 0);
      MlsaTableReader r(img.bytes.data() + (L.table - kBase), L.table_bytes, L.table, static_cast<std::uint32_t>(l));
      const MappedLayer& ml = qn.layer(l);
      for (unsigned rb = 0; rb < ml.row_blocks(); ++rb)
        for (unsigned p = 0; p < ml.planes(); ++p)
          for (const Quantizer& q : ml.quantizers(rb, p)) {
            const Quantizer got = r.next_quantizer(q.range(), "entry");
            CHECK(got.references() == q.references());
            CHECK(got.values_half() == q.values_half());
          }
      CHECK_NOTHROW(r.finish());
    }
  }
}

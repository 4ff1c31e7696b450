// .bnn network files: byte layout, round trip, and one test per loader error path.
#include <catch2/catch.hpp>

#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

using Catch::Matchers::Contains;
using cimvp::BnnNetwork;
using cimvp::NetworkFileError;

namespace {

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("cimvp-test-netio-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// 70-5-3: K = 70 crosses a 64-bit word boundary.  Weight pattern: W[j][k] = +1 when
// (j + k) % 3 == 0, else −1.
BnnNetwork make_net(cimvp::CellMode mode = cimvp::CellMode::xnor_8t) {
  BnnNetwork n;
  n.mode = mode;
  n.input = cimvp::InputEncoding::bit_serial;
  n.input_bits = 4;
  n.input_threshold = 77;
  n.description = "test net";
  const unsigned shape[][2] = {{70, 5}, {5, 3}};
  for (unsigned l = 0; l < 2; ++l) {
    cimvp::BnnLayer L;
    L.inputs = shape[l][0];
    L.outputs = shape[l][1];
    for (unsigned j = 0; j < L.outputs; ++j)
      for (unsigned k = 0; k < L.inputs; ++k) L.weights.push_back((j + k) % 3 == 0 ? 1 : -1);
    if (l == 0) {
      L.threshold = {-7, 0, 3, 100000, -2147483647 - 1};
      L.flip = {0, 1, 0, 1, 0};
    } else {
      L.scale = {0.5f, -1.25f, 3.0f};
      L.bias = {-0.0f, 2.5f, 1e-3f};
    }
    n.layers.push_back(L);
  }
  return n;
}

bool same(const BnnNetwork& a, const BnnNetwork& b) {
  if (a.mode != b.mode || a.input != b.input || a.input_bits != b.input_bits ||
      a.input_threshold != b.input_threshold || a.description != b.description || a.layers.size() != b.layers.size())
    return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const auto &x = a.layers[l], &y = b.layers[l];
    if (x.inputs != y.inputs || x.outputs != y.outputs || x.weights != y.weights || x.threshold != y.threshold ||
        x.flip != y.flip || x.scale.size() != y.scale.size() || x.bias.size() != y.bias.size())
      return false;
    for (std::size_t j = 0; j < x.scale.size(); ++j)
      if (std::memcmp(&x.scale[j], &y.scale[j], 4) || std::memcmp(&x.bias[j], &y.bias[j], 4)) return false;
    if (x.support_block != y.support_block || x.support_bits != y.support_bits ||
        x.support_default != y.support_default || x.support != y.support ||
        (x.has_supports() && std::memcmp(&x.support_step, &y.support_step, 4)))
      return false;
  }
  return true;
}

std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t off) {
  return std::uint32_t{b[off]} | std::uint32_t{b[off + 1]} << 8 | std::uint32_t{b[off + 2]} << 16 |
         std::uint32_t{b[off + 3]} << 24;
}
void put32(std::vector<std::uint8_t>& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
// Recomputes the trailing CRC-32 after a deliberate edit, so a later check is reached.
void fix_crc(std::vector<std::uint8_t>& b) {
  put32(b, b.size() - 4, static_cast<std::uint32_t>(crc32(0L, b.data(), static_cast<uInt>(b.size() - 4))));
}
BnnNetwork parse(const std::vector<std::uint8_t>& b) { return cimvp::parse_network(b.data(), b.size(), "net.bnn"); }

// Offsets for make_net(): header 24 + 2·8 shapes + 8 description = 48.
constexpr std::size_t kW0 = 48;                      // layer 0 weights: 5 rows × 2 words
constexpr std::size_t kT0 = kW0 + 5 * 2 * 8;         // 128: thresholds
constexpr std::size_t kF0 = kT0 + 5 * 4;             // 148: flips
constexpr std::size_t kW1 = kF0 + 5;                 // 153: layer 1 weights: 3 rows × 1 word
constexpr std::size_t kS1 = kW1 + 3 * 8;             // 177: scale
constexpr std::size_t kB1 = kS1 + 3 * 4;             // 189: bias
constexpr std::size_t kSize = kB1 + 3 * 4 + 4;       // 205 with the CRC

}  // namespace

TEST_CASE("network file byte layout matches docs/workloads.md", "[network_io]") {
  const auto b = cimvp::serialize_network(make_net());
  REQUIRE(b.size() == kSize);
  CHECK(std::string(b.begin(), b.begin() + 8) == "CIMVPBNN");
  CHECK(le32(b, 8) == 1);   // version
  CHECK(b[12] == 1);        // xnor_8t
  CHECK(b[13] == 1);        // bit_serial
  CHECK(b[14] == 4);        // input_bits
  CHECK(b[15] == 77);       // input_threshold
  CHECK(le32(b, 16) == 2);  // layers
  CHECK(le32(b, 20) == 8);  // description length
  CHECK(le32(b, 24) == 70);
  CHECK(le32(b, 28) == 5);
  CHECK(le32(b, 32) == 5);
  CHECK(le32(b, 36) == 3);
  CHECK(std::string(b.begin() + 40, b.begin() + 48) == "test net");
  // Row 0 of layer 0: +1 at k = 0, 3, 6, ..., 69.  Word 0 bits 0,3,...,63; word 1 (k 64..69)
  // bits 2 (k 66) and 5 (k 69).
  std::uint64_t w0 = 0;
  for (int k = 0; k < 64; k += 3) w0 |= std::uint64_t{1} << k;
  std::uint64_t got0 = 0, got1 = 0;
  for (int i = 0; i < 8; ++i) {
    got0 |= std::uint64_t{b[kW0 + i]} << (8 * i);
    got1 |= std::uint64_t{b[kW0 + 8 + i]} << (8 * i);
  }
  CHECK(got0 == w0);
  CHECK(got1 == 0x24u);
  // Row 1 (j = 1): +1 at k = 2, 5, ... → bit 2 of byte 0 is set, bit 0 is not.
  CHECK(b[kW0 + 16] == 0b00100100);  // bits 2 and 5 (k = 2, 5), not 7
  CHECK(static_cast<std::int32_t>(le32(b, kT0)) == -7);
  CHECK(le32(b, kT0 + 12) == 100000);
  CHECK(le32(b, kT0 + 16) == 0x80000000u);
  CHECK(std::vector<std::uint8_t>(b.begin() + kF0, b.begin() + kF0 + 5) == std::vector<std::uint8_t>{0, 1, 0, 1, 0});
  CHECK(le32(b, kS1) == 0x3f000000u);      // 0.5f
  CHECK(le32(b, kS1 + 4) == 0xbfa00000u);  // −1.25f
  CHECK(le32(b, kB1) == 0x80000000u);      // −0.0f
  CHECK(le32(b, kSize - 4) == static_cast<std::uint32_t>(crc32(0L, b.data(), kSize - 4)));
}

TEST_CASE("network files round-trip exactly through memory and disk", "[network_io]") {
  for (auto mode : {cimvp::CellMode::xnor_8t, cimvp::CellMode::hbnn_6t}) {
    auto net = make_net(mode);
    CHECK(same(parse(cimvp::serialize_network(net)), net));
    net.input = cimvp::InputEncoding::binarized;
    net.description.clear();
    const auto path = temp_path("rt.bnn");
    cimvp::save_network(path, net);
    CHECK(same(cimvp::load_network(path), net));
  }
  // A single-layer network (the last layer is also the first).
  BnnNetwork one;
  cimvp::BnnLayer L;
  L.inputs = 1;
  L.outputs = 2;
  L.weights = {1, -1};
  L.scale = {1.0f, 2.0f};
  L.bias = {0.0f, -1.0f};
  one.layers.push_back(L);
  CHECK(same(parse(cimvp::serialize_network(one)), one));
}

TEST_CASE("network loader: bad header fields name the field and the allowed values", "[network_io]") {
  const auto good = cimvp::serialize_network(make_net());
  auto b = good;
  b[3] = 'x';
  CHECK_THROWS_WITH(parse(b), Contains("net.bnn") && Contains("bad magic"));
  b = good;
  put32(b, 8, 4);
  CHECK_THROWS_WITH(parse(b), Contains("format version 4") && Contains("allowed 1..3"));
  b = good;
  b[12] = 2;
  CHECK_THROWS_WITH(parse(b), Contains("cell_mode is 2") && Contains("0 hbnn_6t, 1 xnor_8t"));
  b = good;
  b[13] = 7;
  CHECK_THROWS_WITH(parse(b), Contains("input_encoding is 7") && Contains("0 binarized, 1 bit_serial"));
  b = good;
  b[14] = 0;
  CHECK_THROWS_WITH(parse(b), Contains("input_bits is 0") && Contains("1..8"));
  b[14] = 9;
  CHECK_THROWS_WITH(parse(b), Contains("input_bits is 9"));
  b = good;
  put32(b, 16, 0);
  CHECK_THROWS_WITH(parse(b), Contains("layer_count is 0") && Contains("1..64"));
  put32(b, 16, 65);
  CHECK_THROWS_WITH(parse(b), Contains("layer_count is 65"));
  b = good;
  put32(b, 20, 70000);
  CHECK_THROWS_WITH(parse(b), Contains("description_length is 70000") && Contains("0..65536"));
  b = good;
  put32(b, 24, 0);
  CHECK_THROWS_WITH(parse(b), Contains("layer 0: field K is 0") && Contains("1..1048576"));
  b = good;
  put32(b, 36, 2000000);
  CHECK_THROWS_WITH(parse(b), Contains("layer 1: field M is 2000000"));
  b = good;
  put32(b, 32, 6);  // layer 1 K != layer 0 M
  CHECK_THROWS_WITH(parse(b), Contains("layer 1: field K is 6 but layer 0 has M=5") && Contains("chain"));
}

TEST_CASE("network loader: truncation at several offsets and trailing bytes", "[network_io]") {
  const auto good = cimvp::serialize_network(make_net());
  for (std::size_t cut : {std::size_t{0}, std::size_t{7}, std::size_t{23}, std::size_t{30}, kW0 + 3, kF0, kSize - 1}) {
    INFO("cut at " << cut);
    const std::vector<std::uint8_t> b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
    CHECK_THROWS_WITH(parse(b), Contains("net.bnn") && Contains("truncated"));
  }
  CHECK_THROWS_WITH(parse(std::vector<std::uint8_t>(good.begin(), good.end() - 1)),
                    Contains("describes 205 bytes, the file has 204"));
  auto b = good;
  b.push_back(0);
  b.push_back(0);
  CHECK_THROWS_WITH(parse(b), Contains("2 trailing bytes"));
}

TEST_CASE("network loader: checksum and padding bits and flip values and non-finite floats", "[network_io]") {
  const auto good = cimvp::serialize_network(make_net());
  REQUIRE_NOTHROW(parse(good));
  for (std::size_t at : {std::size_t{45}, kW0 + 1, kT0 + 2, kS1 + 3, kSize - 2}) {
    INFO("byte " << at);
    auto b = good;
    b[at] ^= 0x10;
    CHECK_THROWS_WITH(parse(b), Contains("checksum mismatch"));
  }
  auto b = good;
  b[kW0 + 8 + 7] |= 0x80;  // row 0, word 1, bit 63: above K = 70
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("layer 0: weights of neuron 0: padding bits above K=70 must be 0"));
  b = good;
  b[kW1] |= 0x40;  // layer 1 has K = 5: bit 6 is padding
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("layer 1: weights of neuron 0: padding"));
  b = good;
  b[kF0 + 2] = 2;
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("layer 0: flip of neuron 2 is 2") && Contains("allowed 0, 1"));
  b = good;
  put32(b, kB1 + 4, 0x7fc00000u);  // NaN bias of output 1
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("layer 1: scale/bias of output 1 not finite"));
  b = good;
  put32(b, kS1, 0x7f800000u);  // +inf scale
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("not finite"));
}

TEST_CASE("network files: missing file and unwritable path", "[network_io]") {
  CHECK_THROWS_WITH(cimvp::load_network("/nonexistent-dir/x.bnn"), Contains("/nonexistent-dir/x.bnn") && Contains("cannot open"));
  CHECK_THROWS_WITH(cimvp::save_network("/nonexistent-dir/x.bnn", make_net()), Contains("cannot create"));
}

TEST_CASE("validate_network rejects malformed in-memory networks", "[network_io]") {
  auto n = make_net();
  n.layers[0].weights[3] = 0;
  CHECK_THROWS_WITH(cimvp::serialize_network(n), Contains("layer 0: weight 3 is 0") && Contains("-1, +1"));
  n = make_net();
  n.layers[0].weights.pop_back();
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("expected M*K = 350"));
  n = make_net();
  n.layers[1].inputs = 4;
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("layer 1: K=4 does not match M=5 of layer 0"));
  n = make_net();
  n.layers[0].threshold.pop_back();
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("threshold/flip hold 4/5"));
  n = make_net();
  n.layers[0].scale = {1, 1, 1, 1, 1};
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("only the last layer has them"));
  n = make_net();
  n.layers[1].flip = {0, 0, 0};
  n.layers[1].threshold = {0, 0, 0};
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("the last layer has none"));
  n = make_net();
  n.layers[0].flip[1] = 3;
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("flip of neuron 1 is 3"));
  n = make_net();
  n.layers[1].bias[2] = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("not finite"));
  n = make_net();
  n.input_bits = 0;
  CHECK_THROWS_WITH(cimvp::validate_network(n, "mine"), Contains("mine: input_bits 0"));
  n = make_net();
  n.mode = static_cast<cimvp::CellMode>(5);
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("cell mode 5"));
  n = make_net();
  n.layers.clear();
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("layer count 0"));
  n = make_net();
  n.description.assign(70000, 'x');
  CHECK_THROWS_WITH(cimvp::validate_network(n), Contains("too long"));
}

TEST_CASE("shipped_weights_path honours CIMVP_WEIGHTS_DIR", "[network_io]") {
  const char* old = std::getenv("CIMVP_WEIGHTS_DIR");
  const std::string saved = old ? old : "";
  ::setenv("CIMVP_WEIGHTS_DIR", "/some/dir", 1);
  CHECK(cimvp::shipped_weights_path("a.bnn") == "/some/dir/a.bnn");
  ::unsetenv("CIMVP_WEIGHTS_DIR");
  CHECK(cimvp::shipped_weights_path("a.bnn") == std::string(CIMVP_SOURCE_DIR) + "/workloads/weights/a.bnn");
  if (old) ::setenv("CIMVP_WEIGHTS_DIR", saved.c_str(), 1);
}

TEST_CASE("shipped weights load with the documented shape and accuracy", "[network_io][weights]") {
  struct Shipped {
    const char* file;
    cimvp::CellMode mode;
    cimvp::InputEncoding input;
    const char* dataset;
    double min_accuracy;  // issue 3: Fashion-MNIST XNOR >= 85 %; the others alike
  };
  const Shipped all[] = {
      {"fmnist-xnor.bnn", cimvp::CellMode::xnor_8t, cimvp::InputEncoding::bit_serial, "fashion-mnist", 0.85},
      {"fmnist-hbnn.bnn", cimvp::CellMode::hbnn_6t, cimvp::InputEncoding::bit_serial, "fashion-mnist", 0.85},
      {"mnist-xnor.bnn", cimvp::CellMode::xnor_8t, cimvp::InputEncoding::binarized, "mnist", 0.95},
      {"mnist-hbnn.bnn", cimvp::CellMode::hbnn_6t, cimvp::InputEncoding::binarized, "mnist", 0.95},
      {"mnist-xnor-hw128.bnn", cimvp::CellMode::xnor_8t, cimvp::InputEncoding::binarized, "mnist", 0.95},
  };
  for (const auto& s : all) {
    INFO(s.file);
    const std::string path = cimvp::shipped_weights_path(s.file);
    CHECK(std::filesystem::file_size(path) < 1024 * 1024);
    const auto net = cimvp::load_network(path);
    CHECK(net.mode == s.mode);
    CHECK(net.input == s.input);
    REQUIRE(net.layers.size() == 3);
    CHECK(net.layers[0].inputs == 784);
    CHECK(net.layers[0].outputs == 512);
    CHECK(net.layers[1].outputs == 512);
    CHECK(net.layers[2].outputs == 10);
    CHECK_THAT(net.description, Contains("--seed 1"));
    const auto test = cimvp::load_dataset(s.dataset, cimvp::DatasetSplit::test);
    CHECK(cimvp::integer_accuracy(net, test) >= s.min_accuracy);
  }
}

namespace {
// make_net() with supports on layer 0: K = 70, p = 16 → B = 5 blocks (the last holds 6 rows),
// b_s = 3; code of (j, b) = (j + 2b) % 8; default 4; step 0.25.
BnnNetwork make_supported_net() {
  BnnNetwork n = make_net();
  auto& L = n.layers[0];
  L.support_block = 16;
  L.support_bits = 3;
  L.support_default = 4;
  L.support_step = 0.25f;
  for (unsigned j = 0; j < 5; ++j)
    for (unsigned b = 0; b < 5; ++b) L.support.push_back(static_cast<std::uint8_t>((j + 2 * b) % 8));
  return n;
}
// Version-2 offsets: header 24 + 2·20 shapes + 8 description = 72; layer 0 body as version 1
// (weights 80, thresholds 20, flips 5) then 25 codes; layer 1 body 48.
constexpr std::size_t kV2W0 = 72;
constexpr std::size_t kV2Codes = kV2W0 + 80 + 20 + 5;  // 177
constexpr std::size_t kV2Size = kV2Codes + 25 + 24 + 12 + 12 + 4;
}  // namespace

TEST_CASE("network files: plain networks stay version 1, supports make version 2 (layout by hand)", "[network_io][supports]") {
  CHECK(le32(cimvp::serialize_network(make_net()), 8) == 1);
  const BnnNetwork n = make_supported_net();
  const auto b = cimvp::serialize_network(n);
  REQUIRE(b.size() == kV2Size);
  CHECK(le32(b, 8) == 2);
  // layer 0 shape entry at 24: K, M, p, b_s, default, reserved, step
  CHECK(le32(b, 24) == 70);
  CHECK(le32(b, 28) == 5);
  CHECK(le32(b, 32) == 16);
  CHECK(b[36] == 3);
  CHECK(b[37] == 4);
  CHECK(b[38] == 0);
  CHECK(b[39] == 0);
  CHECK(le32(b, 40) == 0x3E800000u);  // 0.25f
  // layer 1 entry at 44: no supports, step 1.0
  CHECK(le32(b, 44) == 5);
  CHECK(le32(b, 52) == 0);
  CHECK(b[56] == 0);
  CHECK(le32(b, 60) == 0x3F800000u);
  // codes: neuron 1, block 3 → (1 + 6) % 8 = 7 at 177 + 1·5 + 3
  CHECK(b[kV2Codes + 8] == 7);
  CHECK(b[kV2Codes] == 0);
  CHECK(same(parse(b), n));
  const auto path = temp_path("sup.bnn");
  cimvp::save_network(path, n);
  CHECK(same(cimvp::load_network(path), n));
}

TEST_CASE("network loader: bad support fields name the field and the allowed values", "[network_io][supports]") {
  const auto good = cimvp::serialize_network(make_supported_net());
  auto b = good;
  put32(b, 32, 71);  // p > K
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("support_block is 71") && Contains("1..70"));
  b = good;
  b[36] = 9;
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("support_bits is 9") && Contains("1..8"));
  b = good;
  b[37] = 8;
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("support_default is 8") && Contains("0..7"));
  b = good;
  b[38] = 1;
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("reserved field is 1"));
  b = good;
  put32(b, 40, 0x7FC00000u);  // NaN step
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("support_step") && Contains("finite value > 0"));
  b = good;
  b[56] = 2;  // support_bits on a layer without supports
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("layer 1") && Contains("support_block 0"));
  b = good;
  b[kV2Codes + 8] = 8;
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("support code of neuron 1, block 3 is 8") && Contains("0..7"));
  b = good;
  put32(b, 32, 14);  // p = 14 → 5 blocks still; p = 8 → 9 blocks: the size no longer matches
  put32(b, 32, 8);
  fix_crc(b);
  CHECK_THROWS_WITH(parse(b), Contains("truncated"));
  // in memory
  BnnNetwork n = make_supported_net();
  n.layers[0].support.pop_back();
  CHECK_THROWS_WITH(cimvp::serialize_network(n), Contains("layer 0") && Contains("expected outputs x blocks = 25"));
  n = make_supported_net();
  n.layers[1].support_bits = 2;
  CHECK_THROWS_AS(cimvp::serialize_network(n), NetworkFileError);
  n = make_supported_net();
  n.layers[0].support_step = 0.0f;
  CHECK_THROWS_WITH(cimvp::serialize_network(n), Contains("support_step"));
}

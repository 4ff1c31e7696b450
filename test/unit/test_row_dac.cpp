// Row DAC and supported reads (cimvp/circuit/row_dac.h, support_bank.h, MappedLayer with
// supports, golden exact_inference with supports) against hand-computed cases and the exact
// integer semantics of bnn.h.
#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/random.h"
#include "cimvp/circuit/row_dac.h"
#include "cimvp/circuit/support_bank.h"
#include "cimvp/workloads/golden.h"

#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>
#include <vector>

using namespace cimvp;

namespace {

MappingConfig adc_cfg(unsigned rows, unsigned cols, unsigned adc_bits, unsigned dac_bits = 8,
                      CellMode mode = CellMode::xnor_8t) {
  MappingConfig m;
  m.array.rows = rows;
  m.array.cols = cols;
  m.array.mode = mode;
  m.sense.kind = SenseKind::adc;
  m.sense.bits = adc_bits;
  m.drive = DriveKind::row_dac;
  m.dac.bits = dac_bits;
  return m;
}

// Column-major bits of ±1 inputs.
BitMatrix pack(const std::vector<std::vector<int>>& xs, unsigned K) {
  BitMatrix m(xs.size(), K);
  for (std::size_t n = 0; n < xs.size(); ++n)
    for (unsigned k = 0; k < K; ++k)
      if (xs[n][k] > 0) m.row(n)[k / 64] |= Word{1} << (k % 64);
  return m;
}

}  // namespace

TEST_CASE("row DAC quantization: exact when b_d >= b_s, LSBs truncated otherwise", "[row_dac]") {
  for (unsigned c = 0; c < 8; ++c) {
    CHECK(dac_drive(c, 3, 3) == c);
    CHECK(dac_drive(c, 3, 8) == c);
  }
  // b_s = 3, b_d = 2: LSB 2
  CHECK(dac_lsb(3, 2) == 2);
  CHECK(dac_drive(0, 3, 2) == 0);
  CHECK(dac_drive(1, 3, 2) == 0);
  CHECK(dac_drive(2, 3, 2) == 2);
  CHECK(dac_drive(3, 3, 2) == 2);
  CHECK(dac_drive(5, 3, 2) == 4);
  CHECK(dac_drive(7, 3, 2) == 6);
  // b_s = 3, b_d = 1: LSB 4, levels {0, 4}
  CHECK(dac_drive(3, 3, 1) == 0);
  CHECK(dac_drive(4, 3, 1) == 4);
  CHECK(dac_drive(7, 3, 1) == 4);
  CHECK(dac_full_scale(3, 1) == 4);
  CHECK(dac_full_scale(4, 2) == 12);  // 15 → 12
  CHECK(dac_full_scale(8, 8) == 255);
  CHECK_THROWS_AS(dac_drive(8, 3, 3), std::invalid_argument);
  CHECK_THROWS_AS(dac_drive(1, 0, 3), std::invalid_argument);
  CHECK_THROWS_AS(dac_drive(1, 3, 9), std::invalid_argument);
  // reachable sums of 2 rows with full scale 4, LSB 4: −8, −4, 0, 4, 8
  const PsRange r = drive_range(2, InputKind::bipolar, DriveRange::of(3, 1));
  CHECK(r.lo == -8);
  CHECK(r.step == 4);
  CHECK(r.count == 5u);
  CHECK(drive_range(3, InputKind::unipolar, DriveRange{}) == PsRange::of(3, InputKind::unipolar));
  CHECK(parse_drive_kind("row_dac") == DriveKind::row_dac);
  CHECK_THROWS_WITH(parse_drive_kind("dac"), Catch::Contains("binary|row_dac"));
  RowDacConfig bad;
  bad.bits = 0;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("1..8"));
  bad.bits = 4;
  bad.mismatch_sigma = -0.1;
  CHECK_THROWS_AS(bad.validate(), std::invalid_argument);
  bad.mismatch_sigma = 1.5;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("0 .. 1"));
  bad.mismatch_sigma = 1.0;
  CHECK_NOTHROW(bad.validate());
}

namespace {
// K = 5, M = 2, p = 2 (blocks {0,1}, {2,3}, {4}), b_s = 2.
BnnLayer tiny_layer() {
  BnnLayer L;
  L.inputs = 5;
  L.outputs = 2;
  L.weights = {+1, -1, +1, +1, -1,   // neuron 0
               -1, -1, +1, -1, +1};  // neuron 1
  L.support_block = 2;
  L.support_bits = 2;
  L.support = {3, 1, 2,   // neuron 0
               0, 2, 1};  // neuron 1
  L.support_default = 1;
  L.scale = {1.0f, 1.0f};
  L.bias = {0.0f, 0.0f};
  return L;
}
}  // namespace

TEST_CASE("a tiny supported layer: sums by hand, ideal and with a 1-bit DAC", "[row_dac]") {
  const BnnLayer L = tiny_layer();
  const BitMatrix x = pack({{+1, +1, -1, +1, -1}}, 5);
  // by hand, x = (+1, +1, −1, +1, −1):
  //   j0: 3·(+1) + 3·(−1) + 1·(−1) + 1·(+1) + 2·(+1) = 2
  //   j1: 0 + 0 + 2·(−1) + 2·(−1) + 1·(−1) = −5
  for (unsigned R : {3u, 4u, 5u, 64u}) {  // R = 3: p does not divide R; R = 5: one row block
    const LayerSupports sup = layer_supports(L);
    MappedLayer m(5, 2, L.weights, InputKind::bipolar, 1, adc_cfg(R, 1, 16), 0, &sup);
    std::vector<std::int32_t> sums;
    m.evaluate(x, sums);
    CHECK(sums == std::vector<std::int32_t>{4, -10});
  }
  // b_d = 1 with b_s = 2: LSB 2, drive 3 → 2, 2 → 2, 1 → 0, 0 → 0
  //   j0: 2·(+1 − 1) + 0 + 2·(+1) = 2;  j1: 0 + 2·(−1 − 1) + 0 = −4
  const LayerSupports sup = layer_supports(L);
  MappedLayer m(5, 2, L.weights, InputKind::bipolar, 1, adc_cfg(3, 2, 16, 1), 0, &sup);
  std::vector<std::int32_t> sums;
  m.evaluate(x, sums);
  CHECK(sums == std::vector<std::int32_t>{4, -8});
  // drop level 1000: every code replaced by the default 1 → the plain binary sums
  //   j0: 1 − 1 − 1 + 1 + 1 = 1;  j1: −1 − 1 − 1 − 1 − 1 = −5
  MappedLayer d(5, 2, L.weights, InputKind::bipolar, 1, adc_cfg(4, 2, 16), 0, &sup);
  d.set_drop_level(1000);
  d.evaluate(x, sums);
  CHECK(sums == std::vector<std::int32_t>{2, -10});
  // the exact oracle agrees (one-layer network)
  BnnNetwork net;
  net.layers = {L};
  const std::vector<std::uint8_t> img{200, 200, 0, 200, 0};
  const GoldenResult e = exact_inference(net, img.data(), 1, 5, true);
  CHECK(e.sums_half[0] == std::vector<std::int32_t>{4, -10});
  const GoldenResult e1000 = exact_inference(net, img.data(), 1, 5, true, 1000);
  CHECK(e1000.sums_half[0] == std::vector<std::int32_t>{2, -10});
}

TEST_CASE("supports need a row DAC and an ADC-like sense stage", "[row_dac]") {
  const BnnLayer L = tiny_layer();
  const LayerSupports sup = layer_supports(L);
  MappingConfig binary = adc_cfg(4, 2, 8);
  binary.drive = DriveKind::binary;
  CHECK_THROWS_WITH(MappedLayer(5, 2, L.weights, InputKind::bipolar, 1, binary, 0, &sup),
                    Catch::Contains("row_dac"));
  MappingConfig mlsa = adc_cfg(4, 2, 8);
  mlsa.sense.kind = SenseKind::mlsa;
  mlsa.sense.quantization = Quantization::nonlinear;
  CHECK_THROWS_WITH(MappedLayer(5, 2, L.weights, InputKind::bipolar, 1, mlsa, 0, &sup), Catch::Contains("adc"));
  MappingConfig rbr = adc_cfg(4, 2, 8);
  rbr.array.access = AccessMode::row_by_row;
  CHECK_THROWS_AS(MappedLayer(5, 2, L.weights, InputKind::bipolar, 1, rbr, 0, &sup), std::invalid_argument);
}

TEST_CASE("read schedule: column groups, DAC conversions and buffer reads by hand", "[row_dac]") {
  // K = 4, M = 4 on one 4×4 sub-array, p = 2 (2 blocks), b_s = 2, default 1.
  // codes (blocks 0, 1): c0 [1,2], c1 [1,2], c2 [3,2], c3 [1,2]
  std::vector<std::int8_t> w(16, 1);
  LayerSupports sup;
  sup.shape = SupportShape{4, 4, 2, 2};
  sup.codes = {1, 2, 1, 2, 3, 2, 1, 2};
  sup.default_code = 1;
  MappedLayer m(4, 4, w, InputKind::bipolar, 1, adc_cfg(4, 4, 8), 0, &sup);
  const SubArrayDrive& d = m.supports().drive(0, 0);
  // groups {c0, c1, c3} and {c2}
  CHECK(d.groups() == 2u);
  CHECK(d.group_of() == std::vector<unsigned>{0, 0, 1, 0});
  // first programming: 4 rows; second: block 0 changes (1 → 3), 2 rows
  CHECK(d.dac_conversions() == 6u);
  CHECK(d.support_reads() == 4u);  // 2 programmings × 2 blocks
  // three vectors: reads 3 × 1 segment × 2 groups, conversions 3 × 4 columns
  const BitMatrix x = pack({{1, 1, 1, 1}, {-1, 1, -1, 1}, {1, -1, -1, -1}}, 4);
  std::vector<std::int32_t> sums;
  ArrayActivity a;
  m.evaluate(x, sums, &a);
  CHECK(a.array_reads == 6u);
  CHECK(a.mlsa_conversions == 12u);
  CHECK(a.dac_programmings == 2u);
  CHECK(a.dac_conversions == 6u);
  CHECK(a.support_reads == 4u);
  CHECK(a.wordline_activations == 3u * 4u * 2u);
  // drop 500 ‰: 4 of 8 supports; costs |s − 1|·2: c0 [0, 2], c1 [0, 2], c2 [4, 2], c3 [0, 2]
  // → order 0, 2, 6 (cost 0), then 1 (cost 2, lowest index): c0 becomes [1, 1].
  // groups {c0 [1,1]}, {c1, c3 [1,2]}, {c2 [3,2]}; conversions 4 + 2 (block 1) + 2 (block 0)
  m.set_drop_level(500);
  const SubArrayDrive& d5 = m.supports().drive(0, 0);
  CHECK(d5.groups() == 3u);
  CHECK(d5.group_of() == std::vector<unsigned>{0, 1, 2, 1});
  CHECK(d5.dac_conversions() == 8u);
  // drop 1000: one group, one programming of the 4 rows
  m.set_drop_level(1000);
  CHECK(m.supports().drive(0, 0).groups() == 1u);
  CHECK(m.supports().drive(0, 0).dac_conversions() == 4u);
  CHECK(m.supports().drive(0, 0).support_reads() == 2u);
}

namespace {

BnnLayer random_layer(unsigned K, unsigned M, unsigned p, unsigned bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnLayer L;
  L.inputs = K;
  L.outputs = M;
  for (unsigned i = 0; i < K * M; ++i) L.weights.push_back((rng() & 1) ? 1 : -1);
  L.support_block = p;
  L.support_bits = bits;
  const unsigned B = (K + p - 1) / p;
  for (unsigned i = 0; i < M * B; ++i) L.support.push_back(static_cast<std::uint8_t>(rng() % (1u << bits)));
  L.support_default = static_cast<std::uint8_t>((1u << bits) / 2);
  L.scale.assign(M, 1.0f);
  L.bias.assign(M, 0.0f);
  return L;
}

// Independent model of the hardware sums: per sub-array (rb, cb) and segment, the integer
// partial sum Σ drive(code)·w·x by plain loops, converted by the ADC of the documented
// transfer function over the drive range, added over the row blocks.
std::vector<std::int32_t> by_hand(const BnnLayer& L, const std::vector<std::uint8_t>& codes, const std::vector<int>& x,
                                  unsigned R, unsigned adc_bits, unsigned dac_bits, unsigned group_rows) {
  const unsigned B = (L.inputs + L.support_block - 1) / L.support_block;
  std::vector<std::int32_t> out(L.outputs, 0);
  const DriveRange dr = DriveRange::of(L.support_bits, dac_bits);
  for (unsigned j = 0; j < L.outputs; ++j)
    for (unsigned k0 = 0; k0 < L.inputs; k0 += R) {
      const unsigned nr = std::min(R, L.inputs - k0);
      for (unsigned a = 0; a < nr; a += group_rows) {
        const unsigned ns = std::min(group_rows, nr - a);
        int ps = 0;
        for (unsigned k = k0 + a; k < k0 + a + ns; ++k)
          ps += static_cast<int>(dac_drive(codes[j * B + k / L.support_block], L.support_bits, dac_bits)) *
                L.weights[j * L.inputs + k] * x[k];
        const Quantizer q = adc_transfer(drive_range(ns, InputKind::bipolar, dr), adc_bits);
        out[j] += q.value_half(q.level(ps));
      }
    }
  return out;
}

}  // namespace

TEST_CASE("supported layers equal the by-hand model and the exact oracle for odd shapes", "[row_dac]") {
  struct Shape {
    unsigned K, M, R, C, p, bits;
  };
  // p not dividing R; K not a multiple of p; p > R; R not a multiple of p; R = 70 (two words)
  const std::vector<Shape> shapes{{10, 5, 4, 3, 3, 3}, {7, 4, 4, 3, 5, 2}, {12, 3, 5, 2, 4, 4},
                                  {150, 9, 70, 4, 8, 8}, {13, 2, 13, 2, 13, 1}};
  std::uint64_t seed = 11;
  for (const Shape& s : shapes) {
    const BnnLayer L = random_layer(s.K, s.M, s.p, s.bits, seed++);
    const LayerSupports sup = layer_supports(L);
    std::mt19937_64 rng(seed);
    std::vector<std::vector<int>> xs(6, std::vector<int>(s.K));
    for (auto& v : xs)
      for (int& e : v) e = (rng() & 1) ? 1 : -1;
    const BitMatrix x = pack(xs, s.K);
    for (unsigned drop : {0u, 300u, 1000u})
      for (unsigned dac_bits : {8u, 2u})
        for (unsigned adc_bits : {16u, 3u})
          for (unsigned g : {0u, 2u}) {
            MappingConfig cfg = adc_cfg(s.R, s.C, adc_bits, dac_bits);
            if (g) {
              cfg.array.access = AccessMode::group;
              cfg.array.group_rows = g;
            }
            MappedLayer m(s.K, s.M, L.weights, InputKind::bipolar, 1, cfg, 3, &sup);
            m.set_drop_level(drop);
            std::vector<std::int32_t> sums;
            m.evaluate(x, sums);
            const auto codes = effective_supports(sup.shape, sup.codes, sup.default_code, drop);
            for (std::size_t n = 0; n < xs.size(); ++n) {
              const auto want = by_hand(L, codes, xs[n], s.R, adc_bits, dac_bits, g ? g : s.R);
              for (unsigned j = 0; j < s.M; ++j) {
                INFO("K " << s.K << " R " << s.R << " p " << s.p << " drop " << drop << " dac " << dac_bits << " adc "
                          << adc_bits << " g " << g << " n " << n << " j " << j);
                CHECK(sums[n * s.M + j] == want[j]);
              }
              if (adc_bits == 16 && dac_bits >= s.bits) {  // ideal: the exact integer semantics
                for (unsigned j = 0; j < s.M; ++j) {
                  int e = 0;
                  const unsigned B = sup.shape.blocks();
                  for (unsigned k = 0; k < s.K; ++k)
                    e += codes[j * B + k / s.p] * L.weights[j * s.K + k] * xs[n][k];
                  CHECK(sums[n * s.M + j] == 2 * e);
                }
              }
            }
          }
  }
}

TEST_CASE("DAC mismatch: seeded row gains, reproducible, stream 7", "[row_dac]") {
  const BnnLayer L = random_layer(20, 6, 4, 4, 5);
  const LayerSupports sup = layer_supports(L);
  MappingConfig cfg = adc_cfg(8, 4, 6);
  cfg.dac.mismatch_sigma = 0.05;
  cfg.dac.seed = 77;
  MappedLayer a(20, 6, L.weights, InputKind::bipolar, 1, cfg, 2, &sup);
  MappedLayer b(20, 6, L.weights, InputKind::bipolar, 1, cfg, 2, &sup);
  // row gains of sub-array (rb 1, cb 0): 1 + σ·N(0,1) from mt19937_64(derive_seed(77, {7, 2, 1, 0}))
  std::mt19937_64 rng(derive_seed(77, {7, 2, 1, 0}));
  Gaussian g;
  const auto& gains = a.supports().drive(1, 0).gains();
  REQUIRE(gains.size() == 8u);
  for (unsigned r = 0; r < 8; ++r) CHECK(gains[r] == 1.0 + 0.05 * g(rng));
  std::mt19937_64 rx(3);
  BitMatrix x(40, 20);
  for (std::size_t n = 0; n < 40; ++n) x.row(n)[0] = rx() & ((Word{1} << 20) - 1);
  std::vector<std::int32_t> sa, sb, s0;
  a.evaluate(x, sa);
  b.evaluate(x, sb);
  CHECK(sa == sb);
  cfg.dac.mismatch_sigma = 0.0;
  MappedLayer ideal(20, 6, L.weights, InputKind::bipolar, 1, cfg, 2, &sup);
  ideal.evaluate(x, s0);
  CHECK(sa != s0);  // 5 % gain spread moves some 6-bit codes
}

TEST_CASE("DAC mismatch: gains truncated to positive drive at large sigma", "[row_dac]") {
  const BnnLayer L = random_layer(20, 6, 4, 4, 5);
  const LayerSupports sup = layer_supports(L);
  MappingConfig cfg = adc_cfg(8, 4, 6);
  cfg.dac.mismatch_sigma = 1.0;  // untruncated, about 16 % of the gains would be <= 0
  cfg.dac.seed = 5;
  MappedLayer a(20, 6, L.weights, InputKind::bipolar, 1, cfg, 2, &sup);
  // the same draws by hand for every sub-array (3 row blocks x 2 column blocks): 1 + z,
  // redrawn while <= 0
  unsigned redrawn = 0;
  for (unsigned rb = 0; rb < 3; ++rb)
    for (unsigned cb = 0; cb < 2; ++cb) {
      std::mt19937_64 rng(derive_seed(5, {7, 2, rb, cb}));
      Gaussian g;
      const auto& gains = a.supports().drive(rb, cb).gains();
      REQUIRE(gains.size() == 8u);
      for (unsigned r = 0; r < 8; ++r) {
        double v = 1.0 + g(rng);
        while (!(v > 0.0)) {
          ++redrawn;
          v = 1.0 + g(rng);
        }
        CHECK(gains[r] == v);
        CHECK(gains[r] > 0.0);
      }
    }
  CHECK(redrawn > 0u);  // the truncation was exercised
}

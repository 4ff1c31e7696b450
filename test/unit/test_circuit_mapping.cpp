// Layer mapping onto sub-arrays (models/circuit/mapping.h), checked against naive integer
// loops written here independently of the bit-packed kernels.
#include <catch2/catch.hpp>

#include "cimvp/circuit/activation.h"
#include "cimvp/circuit/mapping.h"

#include <random>
#include <stdexcept>

using namespace cimvp;
using V = std::vector<std::int32_t>;

namespace {

struct Problem {
  unsigned K, M;
  std::vector<std::int8_t> w;                     // M×K ±1
  std::vector<std::vector<std::int8_t>> xbits;    // per plane: N×K in {0,1}
  std::vector<BitMatrix> planes;
};

Problem random_problem(unsigned K, unsigned M, std::size_t N, unsigned planes, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Problem p{K, M, std::vector<std::int8_t>(std::size_t{K} * M), {}, {}};
  for (auto& v : p.w) v = (rng() & 1) ? 1 : -1;
  for (unsigned q = 0; q < planes; ++q) {
    std::vector<std::int8_t> b(N * K);
    // Skewed bits (about 30 % ones) so partial sums are not centred.
    for (auto& v : b) v = (rng() % 10) < 3 ? 1 : 0;
    p.planes.push_back(pack_01_rows(b, N, K));
    p.xbits.push_back(std::move(b));
  }
  return p;
}

int xval(std::int8_t bit, InputKind kind) { return bit ? 1 : (kind == InputKind::bipolar ? -1 : 0); }

// Exact layer: 2 · Σ_p 2^p Σ_k W[j][k]·x_p[k].
V naive_exact(const Problem& p, InputKind kind) {
  const std::size_t N = p.xbits[0].size() / p.K;
  V out(N * p.M, 0);
  for (std::size_t n = 0; n < N; ++n)
    for (unsigned j = 0; j < p.M; ++j) {
      long s = 0;
      for (unsigned q = 0; q < p.xbits.size(); ++q)
        for (unsigned k = 0; k < p.K; ++k)
          s += (long{1} << q) * p.w[std::size_t{j} * p.K + k] * xval(p.xbits[q][n * p.K + k], kind);
      out[n * p.M + j] = static_cast<std::int32_t>(2 * s);
    }
  return out;
}

// Rows [a, b) of row block rb sensed together, per the access mode.
std::vector<std::pair<unsigned, unsigned>> segments(unsigned nr, const SubArrayConfig& c) {
  const unsigned g = c.access == AccessMode::group ? c.group_rows : nr;
  std::vector<std::pair<unsigned, unsigned>> s;
  for (unsigned a = 0; a < nr; a += g) s.emplace_back(a, std::min(nr, a + g));
  return s;
}

// Quantized layer with the layer's own transfer functions (tested by hand elsewhere):
// Σ_p 2^p Σ_rb Σ_segment lut[PS], PS computed with plain integer loops.
V naive_quantized(const Problem& p, InputKind kind, const MappedLayer& layer) {
  const SubArrayConfig& c = layer.config().array;
  const std::size_t N = p.xbits[0].size() / p.K;
  V out(N * p.M, 0);
  for (std::size_t n = 0; n < N; ++n)
    for (unsigned j = 0; j < p.M; ++j) {
      std::int64_t total = 0;
      for (unsigned q = 0; q < p.xbits.size(); ++q)
        for (unsigned rb = 0; rb * c.rows < p.K; ++rb) {
          const unsigned k0 = rb * c.rows, nr = std::min(c.rows, p.K - k0);
          const auto segs = segments(nr, c);
          for (std::size_t s = 0; s < segs.size(); ++s) {
            int ps = 0;
            for (unsigned k = segs[s].first; k < segs[s].second; ++k)
              ps += p.w[std::size_t{j} * p.K + k0 + k] * xval(p.xbits[q][n * p.K + k0 + k], kind);
            std::int32_t v;
            if (c.access == AccessMode::row_by_row) {
              v = 2 * ps;
            } else {
              const Quantizer& qz = layer.quantizers(rb, q)[s];
              v = qz.lut()[static_cast<unsigned>((ps - qz.range().lo) / qz.range().step)];
            }
            total += (std::int64_t{1} << q) * v;
          }
        }
      out[n * p.M + j] = static_cast<std::int32_t>(total);
    }
  return out;
}

MappingConfig config(unsigned R, unsigned C, CellMode mode, AccessMode access, Quantization q, unsigned bits,
                     unsigned group_rows = 5) {
  MappingConfig m;
  m.array.rows = R;
  m.array.cols = C;
  m.array.mode = mode;
  m.array.access = access;
  m.array.group_rows = group_rows;
  m.sense.quantization = q;
  m.sense.bits = bits;
  return m;
}

unsigned bits_to_resolve(unsigned rows, InputKind kind) {
  const unsigned d = PsRange::of(rows, kind).count;
  unsigned b = 1;
  while ((1u << b) < d) ++b;
  return b;
}

}  // namespace

TEST_CASE("mapped 100x37 layer == exact BNN when the MLSA resolves every partial sum",
          "[circuit][mapping]") {
  const std::pair<unsigned, unsigned> shapes[] = {{64, 16}, {30, 7}, {128, 64}, {100, 37}, {17, 40}, {1, 1}};
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    const InputKind kind = native_input(mode);
    const Problem p = random_problem(100, 37, 20, 1, 5 + static_cast<unsigned>(mode));
    const V want = naive_exact(p, kind);
    for (auto [R, C] : shapes)
      for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
        INFO("mode " << to_string(mode) << " R " << R << " C " << C << " access " << to_string(access));
        const unsigned g = std::min(5u, R);
        // Ideal sensing, and a real linear/nonlinear MLSA with enough bits where <= 8 suffice.
        MappedLayer ideal(100, 37, p.w, kind, 1, config(R, C, mode, access, Quantization::ideal, 3, g));
        V got;
        ideal.evaluate(p.planes[0], got);
        REQUIRE(got == want);
        const unsigned b = bits_to_resolve(access == AccessMode::group ? g : R, kind);
        if (b > 8) continue;
        for (Quantization q : {Quantization::linear, Quantization::nonlinear}) {
          MappedLayer real(100, 37, p.w, kind, 1, config(R, C, mode, access, q, b, g));
          real.calibrate(p.planes);
          real.evaluate(p.planes[0], got);
          REQUIRE(got == want);
        }
      }
  }
}

TEST_CASE("row blocks reaching past the stored input words stay exact", "[circuit][mapping]") {
  // K = 130 on R = 128: two row blocks of two words each, but an input row holds only
  // three words; the second block's padding rows must neither be read nor count.
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    const InputKind kind = native_input(mode);
    const Problem p = random_problem(130, 37, 9, 1, 77 + static_cast<unsigned>(mode));
    const V want = naive_exact(p, kind);
    for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
      INFO("mode " << to_string(mode) << " access " << to_string(access));
      MappedLayer layer(130, 37, p.w, kind, 1, config(128, 64, mode, access, Quantization::ideal, 3, 8));
      V got;
      layer.evaluate(p.planes[0], got);
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("row-by-row and parallel access give identical results with ideal sensing", "[circuit][mapping]") {
  const Problem p = random_problem(300, 70, 40, 1, 99);
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    const InputKind kind = native_input(mode);
    MappedLayer par(300, 70, p.w, kind, 1, config(64, 64, mode, AccessMode::parallel, Quantization::ideal, 3));
    MappedLayer rbr(300, 70, p.w, kind, 1, config(64, 64, mode, AccessMode::row_by_row, Quantization::linear, 1));
    V a, b;
    par.evaluate(p.planes[0], a);
    rbr.evaluate(p.planes[0], b);
    CHECK(a == b);
  }
}

TEST_CASE("quantized mapped layers equal the naive quantized reference at 1-5 bits", "[circuit][mapping]") {
  const std::pair<unsigned, unsigned> shapes[] = {{64, 16}, {30, 7}, {128, 64}};
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    const InputKind kind = native_input(mode);
    const Problem calib = random_problem(100, 37, 64, 1, 21);
    const Problem p = random_problem(100, 37, 15, 1, 22);
    Problem test = calib;  // same weights, other inputs
    test.xbits = p.xbits;
    test.planes = p.planes;
    for (auto [R, C] : shapes)
      for (AccessMode access : {AccessMode::parallel, AccessMode::group})
        for (Quantization q : {Quantization::linear, Quantization::nonlinear})
          for (unsigned bits = 1; bits <= 5; ++bits) {
            INFO("mode " << to_string(mode) << " R " << R << " C " << C << " access " << to_string(access) << " "
                         << to_string(q) << " bits " << bits);
            MappedLayer layer(100, 37, calib.w, kind, 1, config(R, C, mode, access, q, bits, 12));
            CHECK(layer.needs_calibration() == (q == Quantization::nonlinear));
            layer.calibrate(calib.planes);
            CHECK_FALSE(layer.needs_calibration());
            V got;
            layer.evaluate(test.planes[0], got);
            REQUIRE(got == naive_quantized(test, kind, layer));
          }
  }
}

TEST_CASE("calibration histograms equal a naive count of the partial sums", "[circuit][mapping]") {
  // XNOR, 100 inputs on 64-row blocks: block 1 has 36 active rows; histogram pooled
  // over all 37 neurons (3 column blocks of 16).
  const Problem p = random_problem(100, 37, 30, 1, 8);
  MappedLayer layer(100, 37, p.w, InputKind::bipolar, 1,
                    config(64, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 2));
  layer.calibrate(p.planes);
  PsHistogram want(PsRange::of(36, InputKind::bipolar));
  for (std::size_t n = 0; n < 30; ++n)
    for (unsigned j = 0; j < 37; ++j) {
      int ps = 0;
      for (unsigned k = 64; k < 100; ++k) ps += p.w[j * 100 + k] * xval(p.xbits[0][n * 100 + k], InputKind::bipolar);
      want.add(ps);
    }
  CHECK(layer.histogram(1, 0, 0).counts() == want.counts());
  const Quantizer q = Quantizer::nonlinear(want, 2);
  CHECK(layer.quantizers(1, 0)[0].references() == q.references());
  CHECK(layer.quantizers(1, 0)[0].values_half() == q.values_half());
}

TEST_CASE("bit-serial planes: AND semantics per plane, shift-add after sensing", "[circuit][mapping]") {
  // 4 planes through an XNOR 8T array driving only the true word line: exact sum of
  // W · (Σ_p 2^p x_p) with x in 0..15.
  const Problem p = random_problem(100, 37, 12, 4, 31);
  const V want = naive_exact(p, InputKind::unipolar);
  for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
    MappedLayer layer(100, 37, p.w, InputKind::unipolar, 4,
                      config(64, 16, CellMode::xnor_8t, access, Quantization::ideal, 3, 16));
    V got;
    ArrayActivity act;
    layer.evaluate(p.planes, got, &act);
    CHECK(got == want);
    CHECK(act.binary_macs == 12u * 4u * 100u * 37u);
  }
  // Quantized: per-plane calibration, compared with the naive reference.
  MappedLayer q(100, 37, p.w, InputKind::unipolar, 4,
                config(64, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 3));
  q.calibrate(p.planes);
  V got;
  q.evaluate(p.planes, got);
  CHECK(got == naive_quantized(p, InputKind::unipolar, q));
}

TEST_CASE("mapped layer event counts (by hand)", "[circuit][mapping]") {
  // K = 100, M = 37 on 64×16: row blocks of 64 and 36 rows, column blocks of 16, 16, 5.
  const std::size_t N = 10;
  const Problem p = random_problem(100, 37, N, 1, 4);
  auto count = [&](AccessMode access, CellMode mode) {
    MappedLayer l(100, 37, p.w, native_input(mode), 1, config(64, 16, mode, access, Quantization::linear, 3, 8));
    ArrayActivity a;
    V s;
    l.evaluate(p.planes[0], s, &a);
    return a;
  };
  const ArrayActivity par = count(AccessMode::parallel, CellMode::xnor_8t);
  CHECK(par.array_reads == N * 2 * 3);
  CHECK(par.wordline_activations == N * 100 * 3);
  CHECK(par.mlsa_conversions == N * 2 * 37);
  CHECK(par.accumulations == N * 2 * 37);
  CHECK(par.sa_reads == 0u);
  CHECK(par.binary_macs == N * 100 * 37);
  // Groups of 8: 8 groups in the 64-row block, 5 (8,8,8,8,4) in the 36-row block.
  const ArrayActivity grp = count(AccessMode::group, CellMode::xnor_8t);
  CHECK(grp.array_reads == N * 13 * 3);
  CHECK(grp.mlsa_conversions == N * 13 * 37);
  const ArrayActivity rbr = count(AccessMode::row_by_row, CellMode::xnor_8t);
  CHECK(rbr.array_reads == N * 100 * 3);
  CHECK(rbr.sa_reads == N * 100 * 37);
  CHECK(rbr.mlsa_conversions == 0u);
  // HBNN drives only the rows whose input is 1, in each of the 3 column blocks.
  std::uint64_t ones = 0;
  for (auto b : p.xbits[0]) ones += b;
  CHECK(count(AccessMode::parallel, CellMode::hbnn_6t).wordline_activations == 3 * ones);
}

TEST_CASE("MLSA offsets and cell variation are seeded and reproducible", "[circuit][mapping][variation]") {
  const Problem p = random_problem(200, 50, 40, 1, 17);
  auto run = [&](double off, double cell, std::uint64_t seed, std::uint64_t layer_id = 0) {
    MappingConfig c = config(64, 32, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3);
    c.sense.offset_sigma = off;
    c.sense.seed = seed;
    c.cells.sigma = cell;
    c.cells.seed = seed;
    MappedLayer l(200, 50, p.w, InputKind::bipolar, 1, c, layer_id);
    V s;
    l.evaluate(p.planes[0], s);
    return s;
  };
  const V nominal = run(0, 0, 1);
  CHECK(run(0, 0, 2) == nominal);  // seeds do not matter without non-idealities
  for (auto [off, cell] : {std::pair<double, double>{1.5, 0}, {0, 0.3}, {1.0, 0.2}}) {
    const V a = run(off, cell, 7);
    CHECK(a == run(off, cell, 7));
    CHECK(a != run(off, cell, 8));
    CHECK(a != run(off, cell, 7, 1));  // another layer, another stream
    CHECK(a != nominal);
  }
}

TEST_CASE("thresholds and arg-max on half-unit sums", "[circuit][mapping][activation]") {
  // sums_half for 2 inputs × 3 neurons; thresholds 1, 0, -2; neuron 1 flipped.
  const V h = {2, 1, -4, /**/ 1, -1, -5};
  const std::int32_t thr[3] = {1, 0, -2};
  const std::uint8_t flip[3] = {0, 1, 0};
  BitMatrix out;
  threshold_pack(h.data(), 2, 3, thr, flip, out);
  // row 0: 2 >= 2 yes; 1 <= 0 no; -4 >= -4 yes -> 0b101.  row 1: 1 >= 2 no; -1 <= 0 yes; -5 >= -4 no.
  CHECK(out.row(0)[0] == 0b101u);
  CHECK(out.row(1)[0] == 0b010u);
  // scale·(h/2) + bias: row 0: 2·1+0 = 2, -1·0.5+2.5 = 2 (tie -> lowest), 0.5·(-2)+0 = -1 -> 0;
  // row 1: 2·0.5 = 1, -1·(-0.5)+2.5 = 3, 0.5·(-2.5) = -1.25 -> 1.
  const float scale[3] = {2.0f, -1.0f, 0.5f};
  const float bias[3] = {0.0f, 2.5f, 0.0f};
  std::vector<std::uint32_t> cls;
  argmax_affine(h.data(), 2, 3, scale, bias, cls);
  CHECK(cls == std::vector<std::uint32_t>{0, 1});
}

TEST_CASE("mapped layer rejects bad shapes and use before calibration", "[circuit][mapping][config]") {
  const Problem p = random_problem(10, 3, 2, 1, 1);
  const MappingConfig c = config(8, 2, CellMode::hbnn_6t, AccessMode::parallel, Quantization::nonlinear, 2);
  CHECK_THROWS_WITH(MappedLayer(10, 4, p.w, InputKind::unipolar, 1, c), Catch::Contains("expected M x K = 4 x 10"));
  CHECK_THROWS_WITH(MappedLayer(10, 3, p.w, InputKind::bipolar, 1, c), Catch::Contains("cannot take bipolar"));
  CHECK_THROWS_WITH(MappedLayer(10, 3, p.w, InputKind::unipolar, 9, c), Catch::Contains("planes = 9"));
  MappingConfig bad = c;
  bad.sense.bits = 0;
  CHECK_THROWS_WITH(MappedLayer(10, 3, p.w, InputKind::unipolar, 1, bad), "MlsaConfig.bits = 0: expected 1..8");
  MappedLayer l(10, 3, p.w, InputKind::unipolar, 1, c);
  V s;
  CHECK_THROWS_WITH(l.evaluate(p.planes[0], s), Catch::Contains("before calibrate()"));
  CHECK_THROWS_WITH(l.evaluate(p.planes, s), Catch::Contains("before calibrate()"));
  const std::vector<BitMatrix> two = {p.planes[0], p.planes[0]};
  CHECK_THROWS_WITH(l.calibrate(two), Catch::Contains("2 input planes, expected 1"));
  CHECK_THROWS_WITH(l.calibrate({BitMatrix(2, 11)}), Catch::Contains("11 bits, expected 10"));
  CHECK_THROWS_WITH(l.calibrate({BitMatrix(0, 10)}), Catch::Contains("no sample inputs"));
  l.calibrate(p.planes);
  CHECK_NOTHROW(l.evaluate(p.planes[0], s));
}

TEST_CASE("transfer functions can be programmed directly", "[circuit][mapping]") {
  const Problem p = random_problem(100, 37, 25, 1, 12);
  const MappingConfig c = config(64, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 2);
  MappedLayer calibrated(100, 37, p.w, InputKind::bipolar, 1, c);
  calibrated.calibrate(p.planes);
  MappedLayer programmed(100, 37, p.w, InputKind::bipolar, 1, c);
  programmed.set_quantizers(0, 0, calibrated.quantizers(0, 0));
  CHECK(programmed.needs_calibration());  // row block 1 still missing
  programmed.set_quantizers(1, 0, calibrated.quantizers(1, 0));
  CHECK_FALSE(programmed.needs_calibration());
  V a, b;
  calibrated.evaluate(p.planes[0], a);
  programmed.evaluate(p.planes[0], b);
  CHECK(a == b);
  CHECK_THROWS_WITH(programmed.set_quantizers(1, 0, calibrated.quantizers(0, 0)),
                    Catch::Contains("does not match 36 bipolar rows"));
  CHECK_THROWS_AS(programmed.set_quantizers(2, 0, {}), std::out_of_range);
}

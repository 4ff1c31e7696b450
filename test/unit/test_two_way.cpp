// Two-way SRAM array, transposed read and row writes (models/circuit/two_way.h), checked
// against hand-computed signed sums, the two's-complement identity, the forward read
// (xᵀ(W e) = (Wᵀx)ᵀ e) and a direct quantizer evaluation written here.
#include <catch2/catch.hpp>

#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/two_way.h"

#include <random>
#include <stdexcept>

using namespace cimvp;

namespace {

SubArrayConfig arrays(unsigned R, unsigned C, AccessMode access = AccessMode::parallel, unsigned g = 8) {
  SubArrayConfig a;
  a.rows = R;
  a.cols = C;
  a.mode = CellMode::xnor_8t;
  a.access = access;
  a.group_rows = g;
  return a;
}

SenseConfig ideal_sense() {
  SenseConfig s;
  s.kind = SenseKind::mlsa;
  s.quantization = Quantization::ideal;
  return s;
}

SenseConfig linear_mlsa(unsigned bits) {
  SenseConfig s;
  s.kind = SenseKind::mlsa;
  s.quantization = Quantization::linear;
  s.bits = bits;
  return s;
}

std::vector<std::int8_t> random_weights(unsigned K, unsigned M, std::mt19937_64& rng) {
  std::vector<std::int8_t> w(std::size_t{K} * M);
  for (auto& v : w) v = (rng() & 1) ? 1 : -1;
  return w;
}

std::vector<std::int32_t> random_errors(std::size_t n, unsigned M, unsigned bits, std::mt19937_64& rng) {
  std::vector<std::int32_t> e(n * M);
  const unsigned span = 1u << bits;
  for (auto& v : e) v = static_cast<std::int32_t>(rng() % span) + error_min(bits);
  return e;
}

}  // namespace

TEST_CASE("two's-complement plane weights reconstruct every b-bit error", "[two_way]") {
  CHECK(error_plane_weight(0, 4) == 1);
  CHECK(error_plane_weight(1, 4) == 2);
  CHECK(error_plane_weight(2, 4) == 4);
  CHECK(error_plane_weight(3, 4) == -8);
  CHECK(error_plane_weight(0, 1) == -1);  // a 1-bit error is its sign plane: {-1, 0}
  CHECK(error_min(8) == -128);
  CHECK(error_max(8) == 127);
  for (unsigned b = 1; b <= kMaxErrorBits; ++b)
    for (int e = error_min(b); e <= error_max(b); ++e) {
      const auto code = static_cast<std::uint32_t>(e) & ((1u << b) - 1u);
      int sum = 0;
      for (unsigned p = 0; p < b; ++p) sum += ((code >> p) & 1u) * error_plane_weight(p, b);
      REQUIRE(sum == e);
    }
  CHECK_THROWS_AS(error_plane_weight(0, 0), std::invalid_argument);
  CHECK_THROWS_AS(error_plane_weight(0, 9), std::invalid_argument);
  CHECK_THROWS_AS(error_plane_weight(4, 4), std::invalid_argument);
}

TEST_CASE("transposed read of a hand-computed 3x2 layer with negative errors", "[two_way]") {
  // W (neuron j × input k):  j0 = (+1, -1), j1 = (-1, -1), j2 = (+1, +1).
  const std::vector<std::int8_t> w = {1, -1, -1, -1, 1, 1};
  // e = (-3, 5, -8), 4 bits:  δ0 = -3 - 5 - 8 = -16,  δ1 = 3 - 5 - 8 = -10.
  const std::vector<std::int32_t> e = {-3, 5, -8};
  // One sub-array, and 1×2 sub-arrays (2 row blocks, 2 column blocks: tiling both ways).
  for (const auto& cfg : {arrays(64, 64), arrays(1, 2), arrays(2, 1, AccessMode::row_by_row)}) {
    const ArrayBank bank(2, 3, w.data(), InputKind::bipolar, cfg, CellVariationConfig{}, 0);
    const TransposedBank t(bank, ideal_sense(), 4, 0);
    CHECK(t.exact());
    std::vector<std::int64_t> out;
    t.evaluate(e.data(), 1, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0] == -32);  // half units
    CHECK(out[1] == -20);
  }
}

TEST_CASE("transposed read at every error width, extremes of the range", "[two_way]") {
  // W: 5 neurons × 3 inputs; input 0 all +1, input 1 all -1, input 2 = (+1, -1, +1, -1, +1).
  std::vector<std::int8_t> w(15);
  const int col2[5] = {1, -1, 1, -1, 1};
  for (unsigned j = 0; j < 5; ++j) {
    w[j * 3 + 0] = 1;
    w[j * 3 + 1] = -1;
    w[j * 3 + 2] = static_cast<std::int8_t>(col2[j]);
  }
  const ArrayBank bank(3, 5, w.data(), InputKind::bipolar, arrays(2, 2), CellVariationConfig{}, 0);
  for (unsigned b = 1; b <= 8; ++b) {
    const TransposedBank t(bank, ideal_sense(), b, 0);
    const int lo = error_min(b), hi = error_max(b);
    // e = (lo, lo, lo, lo, lo): δ = (5·lo, −5·lo, lo); then e = (hi, lo, hi, lo, hi).
    std::vector<std::int32_t> e = {lo, lo, lo, lo, lo, hi, lo, hi, lo, hi};
    std::vector<std::int64_t> out;
    t.evaluate(e.data(), 2, out);
    CAPTURE(b);
    CHECK(out[0] == 2 * 5 * lo);
    CHECK(out[1] == -2 * 5 * lo);
    CHECK(out[2] == 2 * lo);
    CHECK(out[3] == 2 * (3 * hi + 2 * lo));
    CHECK(out[4] == -2 * (3 * hi + 2 * lo));
    CHECK(out[5] == 2 * (3 * hi - 2 * lo));
  }
  const TransposedBank t4(bank, ideal_sense(), 4, 0);
  std::vector<std::int32_t> bad = {0, 0, 8, 0, 0};
  std::vector<std::int64_t> out;
  CHECK_THROWS_WITH(t4.evaluate(bad.data(), 1, out), Catch::Contains("does not fit 4 bits"));
}

TEST_CASE("forward and transposed reads agree: x^T (W^T e) = (W x)^T e", "[two_way]") {
  std::mt19937_64 rng(11);
  const unsigned K = 100, M = 70;
  const std::size_t N = 6;
  const auto w = random_weights(K, M, rng);
  for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
    MappingConfig mc;
    mc.array = arrays(32, 24, access, 8);
    mc.sense = ideal_sense();
    const MappedLayer fwd(K, M, w, InputKind::bipolar, 1, mc);
    const TransposedBank t(fwd.arrays(), ideal_sense(), 6, 0);
    std::vector<std::int8_t> xb(N * K);
    for (auto& v : xb) v = (rng() & 1) ? 1 : -1;
    const BitMatrix x = pack_pm1_rows(xb, N, K);
    std::vector<std::int32_t> y_half;
    fwd.evaluate(x, y_half);
    const auto e = random_errors(N, M, 6, rng);
    std::vector<std::int64_t> d_half;
    t.evaluate(e.data(), N, d_half);
    for (std::size_t n = 0; n < N; ++n) {
      std::int64_t lhs = 0, rhs = 0;
      for (unsigned j = 0; j < M; ++j) lhs += std::int64_t{y_half[n * M + j]} * e[n * M + j];
      for (unsigned k = 0; k < K; ++k) rhs += d_half[n * K + k] * xb[n * K + k];
      CHECK(lhs == rhs);
    }
  }
}

TEST_CASE("quantized transposed read equals the converters applied to its partial sums", "[two_way]") {
  std::mt19937_64 rng(12);
  const unsigned K = 40, M = 50, b = 5;
  const std::size_t N = 4;
  const auto w = random_weights(K, M, rng);
  const SubArrayConfig cfg = arrays(16, 20, AccessMode::group, 8);  // segments of 8, 8, 4 columns
  const ArrayBank bank(K, M, w.data(), InputKind::bipolar, cfg, CellVariationConfig{}, 3);
  const SenseConfig sense = linear_mlsa(3);
  const TransposedBank t(bank, sense, b, 3);
  CHECK_FALSE(t.exact());
  const auto e = random_errors(N, M, b, rng);
  std::vector<std::int64_t> out;
  ArrayActivity act;
  t.evaluate(e.data(), N, out, &act);
  // Independent: the ideal partial sums of each plane, quantized by Quantizer::linear.
  std::vector<std::int64_t> ref(N * K, 0);
  for (unsigned rb = 0; rb < t.row_blocks(); ++rb)
    for (unsigned cb = 0; cb < t.col_blocks(); ++cb) {
      const unsigned nc = std::min(20u, M - cb * 20), nr = std::min(16u, K - rb * 16);
      for (unsigned p = 0; p < b; ++p)
        for (std::size_t n = 0; n < N; ++n)
          for (unsigned r = 0; r < nr; ++r)
            for (unsigned c0 = 0; c0 < nc; c0 += 8) {
              const unsigned len = std::min(8u, nc - c0);
              int ps = 0;
              for (unsigned c = c0; c < c0 + len; ++c) {
                const auto code = static_cast<std::uint32_t>(e[n * M + cb * 20 + c]) & ((1u << b) - 1u);
                if ((code >> p) & 1u) ps += w[std::size_t{cb * 20 + c} * K + rb * 16 + r];
              }
              const Quantizer q = Quantizer::linear(PsRange{-int(len), 1, 2 * len + 1}, 3);
              ref[n * K + rb * 16 + r] += std::int64_t{q.value_half(q.level(ps))} * error_plane_weight(p, b);
            }
    }
  CHECK(out == ref);
  // Events: reads = planes × N × segments per sub-array, one conversion per active row.
  std::uint64_t reads = 0, conv = 0;
  for (unsigned rb = 0; rb < t.row_blocks(); ++rb)
    for (unsigned cb = 0; cb < t.col_blocks(); ++cb) {
      const unsigned nc = std::min(20u, M - cb * 20), nr = std::min(16u, K - rb * 16);
      const unsigned S = (nc + 7) / 8;
      reads += b * N * S;
      conv += b * N * S * nr;
    }
  CHECK(act.array_reads == reads);
  CHECK(act.mlsa_conversions == conv);
  CHECK(act.binary_macs == std::uint64_t{b} * N * K * M);
  // Deterministic, and an 8-bit converter resolves 2·8 + 1 = 17 values: exact.
  std::vector<std::int64_t> again;
  t.evaluate(e.data(), N, again);
  CHECK(again == out);
  const TransposedBank t8(bank, linear_mlsa(8), b, 3);
  CHECK(t8.exact());
}

TEST_CASE("row converter offsets are seeded from stream 10", "[two_way]") {
  std::mt19937_64 rng(13);
  const unsigned K = 30, M = 30;
  const auto w = random_weights(K, M, rng);
  const ArrayBank bank(K, M, w.data(), InputKind::bipolar, arrays(16, 16), CellVariationConfig{}, 0);
  SenseConfig s = linear_mlsa(4);
  const auto e = random_errors(3, M, 8, rng);
  std::vector<std::int64_t> clean, a, b2, c;
  TransposedBank(bank, s, 8, 0).evaluate(e.data(), 3, clean);
  s.offset_sigma = 1.5;
  TransposedBank(bank, s, 8, 0).evaluate(e.data(), 3, a);
  TransposedBank(bank, s, 8, 0).evaluate(e.data(), 3, b2);
  s.seed = 99;
  TransposedBank(bank, s, 8, 0).evaluate(e.data(), 3, c);
  CHECK(a == b2);
  CHECK(a != clean);
  CHECK(a != c);
}

TEST_CASE("row writes change only the differing cells and the transposed read follows", "[two_way]") {
  // K = 3 inputs, M = 4 neurons, sub-arrays 2×3: row block 1 holds input 2, column blocks
  // hold neurons {0,1,2} and {3}.
  std::vector<std::int8_t> w(12, 1);  // all +1
  ArrayBank bank(3, 4, w.data(), InputKind::bipolar, arrays(2, 3), CellVariationConfig{}, 0);
  TransposedBank t(bank, ideal_sense(), 8, 0);
  // Input 2's weights become (+1, -1, -1, +1): cells of neurons 1 and 2 change, both in column block 0.
  const std::int8_t col[4] = {1, -1, -1, 1};
  const ArrayBank::RowWrite rw = bank.write_row(2, col);
  CHECK(rw.cells_written == 2);
  CHECK(rw.cells_changed == 2);
  CHECK(rw.rows == 1);
  CHECK(bank.sub_array(1, 0).weight(0, 1) == -1);
  CHECK(bank.sub_array(1, 0).weight(0, 2) == -1);
  CHECK(bank.sub_array(1, 0).weight(0, 0) == 1);
  CHECK(bank.sub_array(0, 0).weight(0, 1) == 1);  // other rows untouched
  // Writing the same row again changes nothing.
  CHECK(bank.write_row(2, col).cells_written == 0);
  t.refresh(bank, 1, 0);
  const std::vector<std::int32_t> e = {1, 2, 4, 8};
  std::vector<std::int64_t> out;
  t.evaluate(e.data(), 1, out);
  CHECK(out[0] == 2 * 15);
  CHECK(out[1] == 2 * 15);
  CHECK(out[2] == 2 * (1 - 2 - 4 + 8));
  const std::int8_t bad[4] = {1, 0, 1, 1};
  CHECK_THROWS_AS(bank.write_row(0, bad), std::invalid_argument);
  CHECK_THROWS_AS(bank.write_row(3, col), std::out_of_range);
}

TEST_CASE("row writes leave stuck cells stuck", "[two_way]") {
  CellVariationConfig cells;
  cells.faults.rate = 0.5;
  cells.faults.seed = 4;
  std::vector<std::int8_t> w(64, 1);
  ArrayBank bank(8, 8, w.data(), InputKind::bipolar, arrays(8, 8), cells, 0);
  std::vector<std::int8_t> before(8), target(8, -1);
  for (unsigned c = 0; c < 8; ++c) before[c] = static_cast<std::int8_t>(bank.sub_array(0, 0).weight(5, c));
  const auto rw = bank.write_row(5, target.data());
  unsigned plus = 0;
  for (unsigned c = 0; c < 8; ++c) plus += before[c] == 1;
  CHECK(rw.cells_written == plus);
  unsigned still_plus = 0;
  for (unsigned c = 0; c < 8; ++c) still_plus += bank.sub_array(0, 0).weight(5, c) == 1;
  CHECK(rw.cells_changed == plus - still_plus);
}

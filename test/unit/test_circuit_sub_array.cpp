// One sub-array (models/circuit/sub_array.h): tiny arrays computed by hand, padding,
// access modes, event counts, variation, transposed read, bad configurations.
#include <catch2/catch.hpp>

#include "cimvp/circuit/sub_array.h"

#include <random>
#include <stdexcept>

using namespace cimvp;
using V = std::vector<std::int32_t>;

namespace {

// A 4-row × 2-column array with 3 active rows and 2 active columns:
//   column 0: +1 -1 +1      column 1: -1 -1 +1      (row 3: padding)
// Weights passed column by column (col_stride 3).
const std::vector<std::int8_t> kW = {1, -1, 1, /**/ -1, -1, 1};

SubArray make(CellMode mode, AccessMode access, unsigned group_rows = 2) {
  SubArrayConfig c;
  c.rows = 4;
  c.cols = 2;
  c.mode = mode;
  c.access = access;
  c.group_rows = group_rows;
  SubArray a(c);
  a.program(kW.data(), 3, 2, 3);
  return a;
}

SenseTable ideal_table(const SubArray& a, InputKind kind) {
  std::vector<Quantizer> qs;
  for (const auto& s : a.segments()) qs.push_back(Quantizer::ideal(PsRange::of(s.rows, kind)));
  return SenseTable(qs, a.config().cols);
}

V run(const SubArray& a, Word x, InputKind kind, const SenseTable& t, ArrayActivity* act = nullptr) {
  V acc(2, 0);
  a.accumulate(&x, 1, 1, kind, t, 0, acc.data(), 2, act);
  return acc;
}

}  // namespace

TEST_CASE("XNOR 8T sub-array by hand, ideal sensing", "[circuit][subarray]") {
  // x = +1 +1 -1 (bits 0b011) plus a set padding bit 3 that must be ignored.
  // col0: (+1)(+1) + (-1)(+1) + (+1)(-1) = -1 ; col1: -1 -1 -1 = -3  -> half units -2, -6.
  const SubArray a = make(CellMode::xnor_8t, AccessMode::parallel);
  const SenseTable t = ideal_table(a, InputKind::bipolar);
  CHECK(run(a, 0b1011, InputKind::bipolar, t) == V{-2, -6});
  CHECK(run(a, 0b0011, InputKind::bipolar, t) == V{-2, -6});
  std::vector<std::int32_t> ps;
  const Word x = 0b1011;
  a.partial_sums(&x, 1, 1, InputKind::bipolar, ps);
  CHECK(ps == V{-1, -3});
  CHECK(a.weight(0, 0) == 1);
  CHECK(a.weight(3, 0) == 0);  // padding cell
}

TEST_CASE("HBNN 6T sub-array by hand, ideal sensing", "[circuit][subarray]") {
  // x = 1 1 0 (+ padding bit): col0: 1 - 1 + 0 = 0 ; col1: -1 - 1 = -2 -> 0, -4.
  const SubArray a = make(CellMode::hbnn_6t, AccessMode::parallel);
  const SenseTable t = ideal_table(a, InputKind::unipolar);
  CHECK(run(a, 0b1011, InputKind::unipolar, t) == V{0, -4});
  // x = 0 0 1: col0 = +1, col1 = +1.
  CHECK(run(a, 0b0100, InputKind::unipolar, t) == V{2, 2});
  // The 6T cell cannot do XNOR.
  CHECK_THROWS_WITH(run(a, 0, InputKind::bipolar, t), Catch::Contains("hbnn_6t cell cannot take bipolar"));
}

TEST_CASE("group access senses groups separately with their own quantizers (by hand)", "[circuit][subarray]") {
  // Groups of 2 rows: {0,1} and {2}.  1-bit linear MLSAs:
  //   2 bipolar rows: PS -2,0,2 -> levels {-2,0} (value -1, half -2) and {2} (half 4);
  //   1 bipolar row: exact (-1 -> -2, +1 -> 2).
  // x = +1 +1 -1:  col0: group0 PS 0 -> -2, group1 PS -1 -> -2: total -4 (exact -2)
  //                col1: group0 PS -2 -> -2, group1 PS -1 -> -2: total -4 (exact -6)
  const SubArray a = make(CellMode::xnor_8t, AccessMode::group, 2);
  REQUIRE(a.segments().size() == 2u);
  CHECK(a.segments()[1].first_row == 2u);
  CHECK(a.segments()[1].rows == 1u);
  std::vector<Quantizer> qs = {Quantizer::linear(PsRange::of(2, InputKind::bipolar), 1),
                               Quantizer::linear(PsRange::of(1, InputKind::bipolar), 1)};
  const SenseTable t(qs, 2);
  ArrayActivity act;
  CHECK(run(a, 0b1011, InputKind::bipolar, t, &act) == V{-4, -4});
  CHECK(act.array_reads == 2u);
  CHECK(act.mlsa_conversions == 4u);
  CHECK(act.wordline_activations == 3u);
  // With ideal group sensing the result is exact.
  CHECK(run(a, 0b1011, InputKind::bipolar, ideal_table(a, InputKind::bipolar)) == V{-2, -6});
  // A sense table that does not match the segments is refused.
  CHECK_THROWS_WITH(run(a, 0, InputKind::bipolar, ideal_table(make(CellMode::xnor_8t, AccessMode::parallel),
                                                              InputKind::bipolar)),
                    Catch::Contains("segments"));
}

TEST_CASE("row-by-row access is exact and counts one read per row", "[circuit][subarray]") {
  const SubArray a = make(CellMode::hbnn_6t, AccessMode::row_by_row);
  ArrayActivity act;
  CHECK(run(a, 0b1011, InputKind::unipolar, SenseTable(), &act) == V{0, -4});
  CHECK(act.array_reads == 3u);
  CHECK(act.wordline_activations == 3u);
  CHECK(act.sa_reads == 6u);
  CHECK(act.mlsa_conversions == 0u);
  CHECK(act.accumulations == 6u);
  CHECK(act.binary_macs == 6u);
}

TEST_CASE("parallel access event counts (by hand)", "[circuit][subarray]") {
  // HBNN: word lines driven only where x = 1 (padding bit ignored): x = 0b1011 -> 2.
  const SubArray h = make(CellMode::hbnn_6t, AccessMode::parallel);
  ArrayActivity act;
  run(h, 0b1011, InputKind::unipolar, ideal_table(h, InputKind::unipolar), &act);
  CHECK(act.array_reads == 1u);
  CHECK(act.wordline_activations == 2u);
  CHECK(act.mlsa_conversions == 2u);
  CHECK(act.accumulations == 2u);
  CHECK(act.binary_macs == 6u);
  // XNOR: every active row drives WL or WLB -> 3.
  const SubArray x = make(CellMode::xnor_8t, AccessMode::parallel);
  ArrayActivity ax;
  run(x, 0b1011, InputKind::bipolar, ideal_table(x, InputKind::bipolar), &ax);
  CHECK(ax.wordline_activations == 3u);
}

TEST_CASE("shifted accumulation adds 2^shift times the sensed value", "[circuit][subarray]") {
  const SubArray a = make(CellMode::xnor_8t, AccessMode::parallel);
  V acc = {1, 1};
  const Word x = 0b011;
  a.accumulate(&x, 1, 1, InputKind::bipolar, ideal_table(a, InputKind::bipolar), 3, acc.data(), 2, nullptr);
  CHECK(acc == V{1 - 16, 1 - 48});
}

TEST_CASE("multi-word columns and padding rows agree with a naive loop", "[circuit][subarray]") {
  // 200-row array with 150 active rows, 5 of 9 columns; random inputs with random bits in
  // the padding rows; ideal sensing must give 2·Σ w·x over the active rows only.
  std::mt19937_64 rng(11);
  for (CellMode mode : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    for (AccessMode access : {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row}) {
      SubArrayConfig c;
      c.rows = 200;
      c.cols = 9;
      c.mode = mode;
      c.access = access;
      c.group_rows = 48;  // groups straddle word boundaries
      SubArray a(c);
      std::vector<std::int8_t> w(5 * 150);
      for (auto& v : w) v = (rng() & 1) ? 1 : -1;
      a.program(w.data(), 150, 5, 150);
      const InputKind kind = native_input(mode);
      const std::size_t N = 6, stride = 4;
      std::vector<Word> x(N * stride);
      for (auto& v : x) v = rng();
      std::vector<Quantizer> qs;
      for (const auto& s : a.segments()) qs.push_back(Quantizer::ideal(PsRange::of(s.rows, kind)));
      const SenseTable t = access == AccessMode::row_by_row ? SenseTable() : SenseTable(qs, 9);
      V acc(N * 9, 7);
      a.accumulate(x.data(), stride, N, kind, t, 0, acc.data(), 9, nullptr);
      for (std::size_t n = 0; n < N; ++n) {
        for (unsigned col = 0; col < 9; ++col) {
          int s = 0;
          for (unsigned r = 0; r < 150 && col < 5; ++r) {
            const bool bit = (x[n * stride + r / 64] >> (r % 64)) & 1u;
            const int xv = bit ? 1 : (kind == InputKind::bipolar ? -1 : 0);
            s += w[col * 150 + r] * xv;
          }
          REQUIRE(acc[n * 9 + col] == 7 + 2 * s);  // padding columns untouched
        }
      }
    }
  }
}

TEST_CASE("per-cell variation is seeded and reproducible", "[circuit][subarray][variation]") {
  SubArrayConfig c;
  c.rows = 64;
  c.cols = 8;
  SubArray a(c), b(c), d(c);
  std::vector<std::int8_t> w(64 * 8);
  std::mt19937_64 rng(3);
  for (auto& v : w) v = (rng() & 1) ? 1 : -1;
  for (SubArray* s : {&a, &b, &d}) s->program(w.data(), 64, 8, 64);
  a.set_cell_variation(0.2, 42);
  b.set_cell_variation(0.2, 42);
  d.set_cell_variation(0.2, 43);
  CHECK(a.cell_factor(5, 3) == b.cell_factor(5, 3));
  CHECK(a.cell_factor(5, 3) != d.cell_factor(5, 3));
  const std::size_t N = 50;
  std::vector<Word> x(N);
  for (auto& v : x) v = rng();
  const SenseTable t({Quantizer::linear(PsRange::of(64, InputKind::bipolar), 3)}, 8);
  V ra(N * 8, 0), rb(N * 8, 0), rd(N * 8, 0), ri(N * 8, 0);
  a.accumulate(x.data(), 1, N, InputKind::bipolar, t, 0, ra.data(), 8, nullptr);
  b.accumulate(x.data(), 1, N, InputKind::bipolar, t, 0, rb.data(), 8, nullptr);
  d.accumulate(x.data(), 1, N, InputKind::bipolar, t, 0, rd.data(), 8, nullptr);
  CHECK(ra == rb);
  CHECK(ra != rd);
  // Analog values: contribution w·x·factor per cell.
  std::vector<double> v;
  a.analog_partial_sums(x.data(), 1, 1, InputKind::bipolar, nullptr, v);
  double s = 0;
  for (unsigned r = 0; r < 64; ++r) {
    const int xv = ((x[0] >> r) & 1u) ? 1 : -1;
    s += w[2 * 64 + r] * xv * a.cell_factor(r, 2);
  }
  CHECK(v[2] == Approx(s).epsilon(1e-12));
  // sigma 0 restores ideal cells: analog path == digital path.
  a.set_cell_variation(0.0, 42);
  CHECK_FALSE(a.has_cell_factors());
  a.accumulate(x.data(), 1, N, InputKind::bipolar, t, 0, ri.data(), 8, nullptr);
  std::vector<double> factors(64 * 8, 1.0);
  b.set_cell_factors(factors);  // explicit unit factors take the analog path
  V rb1(N * 8, 0);
  b.accumulate(x.data(), 1, N, InputKind::bipolar, t, 0, rb1.data(), 8, nullptr);
  CHECK(ri == rb1);
}

TEST_CASE("transposed read: columns driven by signed inputs, rows summed", "[circuit][subarray]") {
  // col0 = +1 -1 +1, col1 = -1 -1 +1; e = (3, -2):
  //   row0: 3·1 + (-2)(-1) = 5 ; row1: -3 + 2 = -1 ; row2: 3 - 2 = 1.
  const SubArray a = make(CellMode::xnor_8t, AccessMode::parallel);
  const std::int32_t e[2] = {3, -2};
  std::int64_t out[3] = {0, 0, 0};
  a.transposed_mac(e, 2, 1, out, 3);
  CHECK(out[0] == 5);
  CHECK(out[1] == -1);
  CHECK(out[2] == 1);
}

TEST_CASE("SubArrayConfig validation and programming errors", "[circuit][subarray][config]") {
  SubArrayConfig c;
  c.rows = 0;
  CHECK_THROWS_WITH(c.validate(), "SubArrayConfig.rows = 0: expected 1..1024");
  c.rows = 2048;
  CHECK_THROWS_WITH(c.validate(), "SubArrayConfig.rows = 2048: expected 1..1024");
  c.rows = 64;
  c.cols = 0;
  CHECK_THROWS_WITH(c.validate(), "SubArrayConfig.cols = 0: expected 1..4096");
  c.cols = 64;
  c.access = AccessMode::group;
  c.group_rows = 65;
  CHECK_THROWS_WITH(c.validate(), "SubArrayConfig.group_rows = 65: expected 1..rows (64)");
  c.group_rows = 0;
  CHECK_THROWS_AS(SubArray(c), std::invalid_argument);
  c.group_rows = 8;
  c.mode = static_cast<CellMode>(5);
  CHECK_THROWS_WITH(c.validate(), "SubArrayConfig.mode = 5: expected hbnn_6t|xnor_8t");
  CellVariationConfig v;
  v.sigma = -1;
  CHECK_THROWS_WITH(v.validate(), "CellVariationConfig.sigma = -1: expected a relative sigma in [0, 1]");
  v.sigma = 1.5;  // above kMaxCellSigma (truncated-normal factors, docs/circuit.md)
  CHECK_THROWS_WITH(v.validate(), "CellVariationConfig.sigma = 1.5: expected a relative sigma in [0, 1]");
  CHECK(parse_access_mode("row_by_row") == AccessMode::row_by_row);
  CHECK_THROWS_WITH(parse_access_mode("serial"), "access mode 'serial': expected parallel|group|row_by_row");

  SubArray a(SubArrayConfig{});
  const std::vector<std::int8_t> bad = {1, 0};
  CHECK_THROWS_WITH(a.program(bad.data(), 2, 1, 2), Catch::Contains("is 0, expected -1 or +1"));
  CHECK_THROWS_WITH(a.program(bad.data(), 65, 1, 65), Catch::Contains("65 rows, expected 1..64"));
  Word x = 0;
  V acc(64);
  CHECK_THROWS_AS(a.accumulate(&x, 1, 1, InputKind::bipolar, SenseTable(), 0, acc.data(), 64, nullptr),
                  std::logic_error);
}

// The blocked read kernels of a sub-array (SubArray::accumulate, docs/performance.md,
// "Kernels") against an independent scalar path: the ideal partial sums computed with a
// naive loop over the stored weights, sensed with SenseTable::sense() (the comparator
// transfer function on a real value, not the look-up tables the kernels use).  Random
// shapes with tails (rows not a multiple of 64, vector counts not a multiple of the block),
// padding rows holding random input bits, per-column MLSA offsets (a different table per
// column), every access mode, both input kinds, shifts.  Every kernel path this CPU has
// (KernelIsa: scalar — whose POPCNT or portable variant the loader picks, target_clones —
// and avx2 / avx512 for sub-arrays of up to 64 rows) must give the same integers.
#include <catch2/catch.hpp>

#include "cimvp/circuit/sub_array.h"

#include <random>

using namespace cimvp;

namespace {

// Σ over the rows of segment s of w[r][c]·x[r] (x ∈ {±1} or {0,1}), by the weights.
int naive_ps(const SubArray& a, const Word* x, const Segment& s, unsigned c, InputKind kind) {
  int ps = 0;
  for (unsigned r = s.first_row; r < s.first_row + s.rows; ++r) {
    const bool bit = (x[r / kWordBits] >> (r % kWordBits)) & 1u;
    ps += a.weight(r, c) * (bit ? 1 : (kind == InputKind::bipolar ? -1 : 0));
  }
  return ps;
}

}  // namespace

TEST_CASE("blocked read kernels equal the scalar sensing of naive partial sums", "[circuit][subarray][kernels]") {
  std::mt19937_64 rng(2024);
  std::vector<KernelIsa> isas{KernelIsa::scalar};
  for (KernelIsa i : {KernelIsa::avx2, KernelIsa::avx512})
    if (i <= best_kernel_isa()) isas.push_back(i);
  struct Restore {
    ~Restore() { set_kernel_isa(best_kernel_isa()); }
  } restore;
  for (int trial = 0; trial < 120; ++trial) {
    SubArrayConfig c;
    // 1..300: one word, several, tails; trials 60.. one word (1..64 rows: the AVX2 kernel)
    c.rows = 1 + static_cast<unsigned>(rng() % (trial < 60 ? 300 : 64));
    c.cols = 1 + static_cast<unsigned>(rng() % 70);
    c.mode = CellMode::xnor_8t;  // both input kinds
    c.access = static_cast<AccessMode>(trial % 3);
    c.group_rows = 1 + static_cast<unsigned>(rng() % c.rows);
    SubArray a(c);
    const unsigned n_rows = 1 + static_cast<unsigned>(rng() % c.rows);
    const unsigned n_cols = 1 + static_cast<unsigned>(rng() % c.cols);
    std::vector<std::int8_t> w(std::size_t{n_rows} * n_cols);
    for (auto& v : w) v = (rng() & 1) ? 1 : -1;
    a.program(w.data(), n_rows, n_cols, n_rows);
    const InputKind kind = (trial / 3) % 2 ? InputKind::bipolar : InputKind::unipolar;
    const unsigned bits = 1 + static_cast<unsigned>(rng() % 4);
    std::vector<Quantizer> qs;
    for (const auto& s : a.segments()) qs.push_back(Quantizer::linear(PsRange::of(s.rows, kind), bits));
    const MlsaOffsets off(c.cols, (1u << bits) - 1, 0.7, 100 + trial);
    const bool digital = c.access == AccessMode::row_by_row;
    const SenseTable t = digital ? SenseTable() : SenseTable(qs, c.cols, off);
    const std::size_t N = 1 + rng() % 23, stride = a.words_per_column() + rng() % 3;
    std::vector<Word> x(N * stride);
    for (auto& v : x) v = rng();
    const unsigned shift = static_cast<unsigned>(rng() % 4);
    const std::size_t acc_stride = c.cols + 3;
    std::vector<std::int32_t> acc(N * acc_stride);
    for (auto& v : acc) v = static_cast<std::int32_t>(rng() % 1000) - 500;
    const std::vector<std::int32_t> before = acc;
    for (KernelIsa isa : isas) {
    set_kernel_isa(isa);
    acc = before;
    a.accumulate(x.data(), stride, N, kind, t, shift, acc.data(), acc_stride, nullptr);
    CAPTURE(trial, to_string(isa), c.rows, c.cols, n_rows, n_cols, to_string(c.access), c.group_rows, to_string(kind), N, shift);
    for (std::size_t n = 0; n < N; ++n)
      for (unsigned col = 0; col < acc_stride; ++col) {
        std::int32_t expect = before[n * acc_stride + col];
        if (col < n_cols) {
          std::int32_t sensed = 0;
          for (unsigned s = 0; s < a.segments().size(); ++s) {
            const int ps = naive_ps(a, x.data() + n * stride, a.segments()[s], col, kind);
            sensed += digital ? 2 * ps : t.sense(s, col, ps);
          }
          expect += sensed * (1 << shift);
        }
        REQUIRE(acc[n * acc_stride + col] == expect);
      }
    }
  }
}

TEST_CASE("kernel paths: selection and guard", "[circuit][subarray][kernels]") {
  CHECK(kernel_isa() == best_kernel_isa());
  set_kernel_isa(KernelIsa::scalar);
  CHECK(kernel_isa() == KernelIsa::scalar);
  set_kernel_isa(best_kernel_isa());
  if (best_kernel_isa() != KernelIsa::avx512) CHECK_THROWS_AS(set_kernel_isa(KernelIsa::avx512), std::invalid_argument);
  CHECK(std::string(to_string(KernelIsa::avx2)) == "avx2");
  CHECK(std::string(to_string(KernelIsa::avx512)) == "avx512");
}

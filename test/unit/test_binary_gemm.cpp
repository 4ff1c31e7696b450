// Blocked binary GEMM (cimvp/circuit/binary_gemm.h): every instruction set this CPU offers
// against a bit-by-bit reference, on shapes that exercise every tail (odd n, m not a multiple
// of 4 or of the 64-row block, words not a multiple of 4).
#include <catch2/catch.hpp>

#include "cimvp/circuit/binary_gemm.h"

#include <random>
#include <vector>

using namespace cimvp;

namespace {

std::int32_t reference(BinaryOp op, const Word* x, const Word* w, std::size_t words) {
  std::int32_t c = 0;
  for (std::size_t q = 0; q < words; ++q)
    for (unsigned b = 0; b < 64; ++b) {
      const unsigned xb = (x[q] >> b) & 1u, wb = (w[q] >> b) & 1u;
      c += op == BinaryOp::xor_op ? (xb != wb) : (xb & wb);
    }
  return c;
}

}  // namespace

TEST_CASE("binary_gemm equals the bit-by-bit count for every ISA and shape", "[gemm]") {
  std::mt19937_64 g(7);
  const std::size_t shapes[][3] = {{1, 1, 1}, {2, 4, 4}, {3, 5, 5}, {7, 70, 3}, {4, 130, 16}, {5, 67, 13}, {9, 200, 17}};
  std::vector<GemmIsa> isas{GemmIsa::portable};
  if (best_gemm_isa() >= GemmIsa::popcnt) isas.push_back(GemmIsa::popcnt);
  if (best_gemm_isa() >= GemmIsa::avx2) isas.push_back(GemmIsa::avx2);
  for (const auto& s : shapes) {
    const std::size_t n = s[0], m = s[1], words = s[2];
    std::vector<Word> X(n * words), W(m * words);
    for (auto& v : X) v = g();
    for (auto& v : W) v = g();
    X[0] = ~Word{0};  // all-ones and all-zeros words: counts of 64 and 0
    W[0] = 0;
    for (BinaryOp op : {BinaryOp::xor_op, BinaryOp::and_op}) {
      for (GemmIsa isa : isas) {
        std::vector<std::int32_t> C(n * m, -1);
        binary_gemm(op, X.data(), n, W.data(), m, words, C.data(), isa);
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t j = 0; j < m; ++j) {
            INFO("isa " << to_string(isa) << " n=" << n << " m=" << m << " words=" << words << " i=" << i << " j=" << j);
            REQUIRE(C[i * m + j] == reference(op, &X[i * words], &W[j * words], words));
          }
      }
    }
  }
}

TEST_CASE("binary_gemm: hand-computed counts and the ISA guard", "[gemm]") {
  const Word X[2] = {0b1011, 0b1111};  // rows of one word
  const Word W[3] = {0b0011, 0b1000, 0};
  std::int32_t C[6];
  binary_gemm(BinaryOp::and_op, X, 2, W, 3, 1, C);
  CHECK(C[0] == 2);  // 1011 & 0011
  CHECK(C[1] == 1);
  CHECK(C[2] == 0);
  CHECK(C[3] == 2);
  CHECK(C[4] == 1);
  CHECK(C[5] == 0);
  binary_gemm(BinaryOp::xor_op, X, 2, W, 3, 1, C);
  CHECK(C[0] == 1);  // 1011 ^ 0011 = 1000
  CHECK(C[1] == 2);  // 0011
  CHECK(C[2] == 3);
  CHECK(C[3] == 2);
  if (best_gemm_isa() < GemmIsa::avx2) CHECK_THROWS_AS(binary_gemm(BinaryOp::and_op, X, 2, W, 3, 1, C, GemmIsa::avx2), std::invalid_argument);
}

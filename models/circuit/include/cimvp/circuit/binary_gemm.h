// Blocked bit-packed binary GEMM: the XNOR/AND-popcount kernel of a binary layer over a batch
// (docs/performance.md, "Roofline").
//
//   C[i·m + j] = popcount(op(X_i, W_j))   for i < n, j < m,
//
// X: n rows, W: m rows, each row `words` 64-bit words (bitpack.h layout: element k is bit
// k % 64 of word k / 64; unused high bits of a row's last word must be equal in X and W for
// xor — bitpack.h keeps them 0 — and give 0 for and).  op = xor (bipolar ±1 data:
// the ±1 dot product is K − 2·C) or and ({0,1} data: the dot product is C).
// Blocking: W in blocks of 64 rows (8 KiB at K = 1024, L1-resident), X two rows at a time,
// W four rows at a time (8 popcount accumulators in registers).  Instruction set chosen once
// at load time: AVX2 (nibble-table popcount with VPSHUFB, byte sums with VPSADBW, Muła's
// method), else scalar POPCNT, else a portable bit-twiddling popcount.  Every variant gives
// the same integers.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/bitpack.h"

#include <cstddef>
#include <cstdint>

namespace cimvp {

enum class BinaryOp : std::uint8_t { xor_op, and_op };

/// Instruction sets binary_gemm can use.
enum class GemmIsa : std::uint8_t { portable, popcnt, avx2 };

/// The best instruction set this CPU offers (detected once).
GemmIsa best_gemm_isa();
const char* to_string(GemmIsa isa);

/// C (n×m, row-major, int32) = popcount(op(X_i, W_j)).  `isa` must not exceed
/// best_gemm_isa() (std::invalid_argument otherwise); the default uses the best one.
/// X, W: n·words and m·words words.  n, m, words may be 0.
void binary_gemm(BinaryOp op, const Word* X, std::size_t n, const Word* W, std::size_t m, std::size_t words,
                 std::int32_t* C, GemmIsa isa);
void binary_gemm(BinaryOp op, const Word* X, std::size_t n, const Word* W, std::size_t m, std::size_t words,
                 std::int32_t* C);

}  // namespace cimvp

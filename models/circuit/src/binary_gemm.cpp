#include "cimvp/circuit/binary_gemm.h"

#include <algorithm>
#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CIMVP_X86 1
#include <immintrin.h>
#endif

namespace cimvp {
namespace {

constexpr std::size_t kWBlock = 64;  // W rows per cache block

inline Word apply(BinaryOp op, Word a, Word b) { return op == BinaryOp::xor_op ? (a ^ b) : (a & b); }

// Portable popcount (no POPCNT instruction): the classic SWAR reduction.
inline unsigned swar_popcount(Word v) {
  v = v - ((v >> 1) & 0x5555555555555555ull);
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<unsigned>((v * 0x0101010101010101ull) >> 56);
}

// Scalar kernels, instantiated per popcount flavour; OP fixed at compile time.
template <BinaryOp OP, unsigned (*POP)(Word)>
inline void scalar_tile(const Word* X, std::size_t n0, std::size_t n1, const Word* W, std::size_t m0,
                        std::size_t m1, std::size_t m, std::size_t words, std::int32_t* C) {
  for (std::size_t i = n0; i < n1; ++i) {
    const Word* x = X + i * words;
    std::size_t j = m0;
    for (; j + 4 <= m1; j += 4) {
      const Word* w0 = W + j * words;
      const Word* w1 = w0 + words;
      const Word* w2 = w1 + words;
      const Word* w3 = w2 + words;
      unsigned c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (std::size_t q = 0; q < words; ++q) {
        const Word a = x[q];
        c0 += POP(apply(OP, a, w0[q]));
        c1 += POP(apply(OP, a, w1[q]));
        c2 += POP(apply(OP, a, w2[q]));
        c3 += POP(apply(OP, a, w3[q]));
      }
      std::int32_t* c = C + i * m + j;
      c[0] = static_cast<std::int32_t>(c0);
      c[1] = static_cast<std::int32_t>(c1);
      c[2] = static_cast<std::int32_t>(c2);
      c[3] = static_cast<std::int32_t>(c3);
    }
    for (; j < m1; ++j) {
      const Word* w = W + j * words;
      unsigned c0 = 0;
      for (std::size_t q = 0; q < words; ++q) c0 += POP(apply(OP, x[q], w[q]));
      C[i * m + j] = static_cast<std::int32_t>(c0);
    }
  }
}

template <BinaryOp OP, unsigned (*POP)(Word)>
void scalar_gemm(const Word* X, std::size_t n, const Word* W, std::size_t m, std::size_t words, std::int32_t* C) {
  for (std::size_t mb = 0; mb < m; mb += kWBlock)
    scalar_tile<OP, POP>(X, 0, n, W, mb, std::min(m, mb + kWBlock), m, words, C);
}

#ifdef CIMVP_X86
__attribute__((target("popcnt"))) inline unsigned hw_popcount(Word v) {
  return static_cast<unsigned>(__builtin_popcountll(v));
}

template <BinaryOp OP>
__attribute__((target("popcnt"))) void popcnt_gemm(const Word* X, std::size_t n, const Word* W, std::size_t m,
                                                    std::size_t words, std::int32_t* C) {
  for (std::size_t mb = 0; mb < m; mb += kWBlock) {
    const std::size_t m1 = std::min(m, mb + kWBlock);
    for (std::size_t i = 0; i < n; ++i) {
      const Word* x = X + i * words;
      std::size_t j = mb;
      for (; j + 4 <= m1; j += 4) {
        const Word* w0 = W + j * words;
        const Word* w1 = w0 + words;
        const Word* w2 = w1 + words;
        const Word* w3 = w2 + words;
        std::uint64_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (std::size_t q = 0; q < words; ++q) {
          const Word a = x[q];
          c0 += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, a, w0[q])));
          c1 += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, a, w1[q])));
          c2 += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, a, w2[q])));
          c3 += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, a, w3[q])));
        }
        std::int32_t* c = C + i * m + j;
        c[0] = static_cast<std::int32_t>(c0);
        c[1] = static_cast<std::int32_t>(c1);
        c[2] = static_cast<std::int32_t>(c2);
        c[3] = static_cast<std::int32_t>(c3);
      }
      for (; j < m1; ++j) {
        const Word* w = W + j * words;
        std::uint64_t c0 = 0;
        for (std::size_t q = 0; q < words; ++q) c0 += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, x[q], w[q])));
        C[i * m + j] = static_cast<std::int32_t>(c0);
      }
    }
  }
}

// AVX2: per 256-bit chunk, popcount of every byte by two 16-entry nibble look-ups (VPSHUFB),
// summed into four 64-bit lanes with VPSADBW against zero.
__attribute__((target("avx2"))) inline __m256i avx2_byte_popcount(__m256i v, __m256i lut, __m256i low) {
  const __m256i lo = _mm256_and_si256(v, low);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

template <BinaryOp OP>
__attribute__((target("avx2"))) inline __m256i avx2_op(__m256i a, __m256i b) {
  return OP == BinaryOp::xor_op ? _mm256_xor_si256(a, b) : _mm256_and_si256(a, b);
}

__attribute__((target("avx2"))) inline std::uint64_t hsum(__m256i v) {
  const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(s)) + static_cast<std::uint64_t>(_mm_extract_epi64(s, 1));
}

template <BinaryOp OP>
__attribute__((target("avx2,popcnt"))) void avx2_gemm(const Word* X, std::size_t n, const Word* W, std::size_t m,
                                                       std::size_t words, std::int32_t* C) {
  const std::size_t vw = words / 4;  // full 256-bit chunks per row
  const std::size_t tail = vw * 4;   // first word of the scalar tail
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2,
                                       3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  const __m256i zero = _mm256_setzero_si256();
  auto tail_count = [&](const Word* x, const Word* w) {
    std::uint64_t c = 0;
    for (std::size_t q = tail; q < words; ++q) c += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, x[q], w[q])));
    return c;
  };
  for (std::size_t mb = 0; mb < m; mb += kWBlock) {
    const std::size_t m1 = std::min(m, mb + kWBlock);
    std::size_t i = 0;
    for (; i + 2 <= n; i += 2) {
      const Word* x0 = X + i * words;
      const Word* x1 = x0 + words;
      std::size_t j = mb;
      for (; j + 4 <= m1; j += 4) {
        const Word* w0 = W + j * words;
        const Word* w1 = w0 + words;
        const Word* w2 = w1 + words;
        const Word* w3 = w2 + words;
        __m256i a00 = zero, a01 = zero, a02 = zero, a03 = zero, a10 = zero, a11 = zero, a12 = zero, a13 = zero;
        for (std::size_t v = 0; v < vw; ++v) {
          const __m256i xa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x0 + 4 * v));
          const __m256i xb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x1 + 4 * v));
          __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w0 + 4 * v));
          a00 = _mm256_add_epi64(a00, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xa, w), lut, low), zero));
          a10 = _mm256_add_epi64(a10, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xb, w), lut, low), zero));
          w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w1 + 4 * v));
          a01 = _mm256_add_epi64(a01, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xa, w), lut, low), zero));
          a11 = _mm256_add_epi64(a11, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xb, w), lut, low), zero));
          w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w2 + 4 * v));
          a02 = _mm256_add_epi64(a02, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xa, w), lut, low), zero));
          a12 = _mm256_add_epi64(a12, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xb, w), lut, low), zero));
          w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w3 + 4 * v));
          a03 = _mm256_add_epi64(a03, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xa, w), lut, low), zero));
          a13 = _mm256_add_epi64(a13, _mm256_sad_epu8(avx2_byte_popcount(avx2_op<OP>(xb, w), lut, low), zero));
        }
        std::int32_t* c0 = C + i * m + j;
        std::int32_t* c1 = c0 + m;
        c0[0] = static_cast<std::int32_t>(hsum(a00) + tail_count(x0, w0));
        c0[1] = static_cast<std::int32_t>(hsum(a01) + tail_count(x0, w1));
        c0[2] = static_cast<std::int32_t>(hsum(a02) + tail_count(x0, w2));
        c0[3] = static_cast<std::int32_t>(hsum(a03) + tail_count(x0, w3));
        c1[0] = static_cast<std::int32_t>(hsum(a10) + tail_count(x1, w0));
        c1[1] = static_cast<std::int32_t>(hsum(a11) + tail_count(x1, w1));
        c1[2] = static_cast<std::int32_t>(hsum(a12) + tail_count(x1, w2));
        c1[3] = static_cast<std::int32_t>(hsum(a13) + tail_count(x1, w3));
      }
      for (; j < m1; ++j) {
        const Word* w = W + j * words;
        for (std::size_t r = 0; r < 2; ++r) {
          const Word* x = r ? x1 : x0;
          std::uint64_t c = 0;
          for (std::size_t q = 0; q < words; ++q) c += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, x[q], w[q])));
          C[(i + r) * m + j] = static_cast<std::int32_t>(c);
        }
      }
    }
    for (; i < n; ++i) {
      const Word* x = X + i * words;
      for (std::size_t j = mb; j < m1; ++j) {
        const Word* w = W + j * words;
        std::uint64_t c = 0;
        for (std::size_t q = 0; q < words; ++q) c += static_cast<std::uint64_t>(__builtin_popcountll(apply(OP, x[q], w[q])));
        C[i * m + j] = static_cast<std::int32_t>(c);
      }
    }
  }
}
#endif

GemmIsa detect() {
#ifdef CIMVP_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) return GemmIsa::avx2;
  if (__builtin_cpu_supports("popcnt")) return GemmIsa::popcnt;
#endif
  return GemmIsa::portable;
}

}  // namespace

GemmIsa best_gemm_isa() {
  static const GemmIsa isa = detect();
  return isa;
}

const char* to_string(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::avx2: return "AVX2 (VPSHUFB nibble table + VPSADBW)";
    case GemmIsa::popcnt: return "scalar POPCNT";
    case GemmIsa::portable: return "portable (SWAR popcount)";
  }
  return "?";
}

void binary_gemm(BinaryOp op, const Word* X, std::size_t n, const Word* W, std::size_t m, std::size_t words,
                 std::int32_t* C, GemmIsa isa) {
  if (static_cast<unsigned>(isa) > static_cast<unsigned>(best_gemm_isa()))
    throw std::invalid_argument(std::string("binary_gemm: instruction set ") + to_string(isa) +
                                " not available on this CPU (best: " + to_string(best_gemm_isa()) + ")");
  if (n == 0 || m == 0) return;
  const bool x = op == BinaryOp::xor_op;
  switch (isa) {
#ifdef CIMVP_X86
    case GemmIsa::avx2:
      return x ? avx2_gemm<BinaryOp::xor_op>(X, n, W, m, words, C) : avx2_gemm<BinaryOp::and_op>(X, n, W, m, words, C);
    case GemmIsa::popcnt:
      return x ? popcnt_gemm<BinaryOp::xor_op>(X, n, W, m, words, C)
               : popcnt_gemm<BinaryOp::and_op>(X, n, W, m, words, C);
#endif
    default:
      return x ? scalar_gemm<BinaryOp::xor_op, swar_popcount>(X, n, W, m, words, C)
               : scalar_gemm<BinaryOp::and_op, swar_popcount>(X, n, W, m, words, C);
  }
}

void binary_gemm(BinaryOp op, const Word* X, std::size_t n, const Word* W, std::size_t m, std::size_t words,
                 std::int32_t* C) {
  binary_gemm(op, X, n, W, m, words, C, best_gemm_isa());
}

}  // namespace cimvp

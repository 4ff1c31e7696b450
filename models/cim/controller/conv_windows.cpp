#include "cimvp/cim/controller/conv_windows.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimvp {

namespace {

// Copies `bits` plain-packed bits to the blocked layout of `rows`-row blocks.
void to_blocked(const Word* plain, std::size_t bits, unsigned rows, Word* out) {
  const std::size_t wpb = words_for_bits(rows);
  if (rows % kWordBits == 0) {  // blocked layout == plain packing
    std::copy_n(plain, words_for_bits(bits), out);
    return;
  }
  for (std::size_t rb = 0; rb * rows < bits; ++rb)
    copy_bits(plain, rb * rows, std::min<std::size_t>(rows, bits - rb * rows), out + rb * wpb);
}

std::size_t blocked_words(std::size_t bits, unsigned rows) { return (bits + rows - 1) / rows * words_for_bits(rows); }

}  // namespace

std::size_t conv_window_words(const ConvShape& shape, unsigned rows) {
  if (rows == 0) throw std::invalid_argument("conv_window_words: rows must be >= 1");
  return blocked_words(shape.window_rows(), rows);
}

void gather_windows(const ConvShape& s, const Word* maps, std::size_t map_stride, std::size_t n, unsigned rows,
                    Word* out, std::size_t out_stride) {
  const std::size_t need = conv_window_words(s, rows);
  if (out_stride < need)
    throw std::invalid_argument("gather_windows: window stride " + std::to_string(out_stride) + " words < " +
                                std::to_string(need));
  const std::size_t W = s.windows();
  std::vector<Word> window(words_for_bits(s.window_rows()));
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned oy = 0; oy < s.out_h(); ++oy)
      for (unsigned ox = 0; ox < s.out_w(); ++ox) {
        gather_window(s, maps + i * map_stride, oy, ox, window.data());
        Word* o = out + (i * W + std::size_t{oy} * s.out_w() + ox) * out_stride;
        std::fill_n(o, need, Word{0});
        to_blocked(window.data(), s.window_rows(), rows, o);
      }
}

void output_maps(const ConvShape& s, const Word* fired, std::size_t fired_stride, std::size_t n, unsigned next_rows,
                 Word* out, std::size_t out_stride) {
  if (next_rows == 0) throw std::invalid_argument("output_maps: next_rows must be >= 1");
  const std::size_t need = blocked_words(s.output_bits(), next_rows);
  if (out_stride < need)
    throw std::invalid_argument("output_maps: map stride " + std::to_string(out_stride) + " words < " +
                                std::to_string(need));
  const std::size_t W = s.windows(), M = s.out_c;
  std::vector<Word> map(words_for_bits(s.conv_output_bits())), pooled(words_for_bits(s.output_bits()));
  for (std::size_t i = 0; i < n; ++i) {
    std::fill(map.begin(), map.end(), Word{0});
    for (std::size_t r = 0; r < W; ++r) {  // window r's out_c bits are map bits r·M .. r·M + M − 1
      const Word* f = fired + (i * W + r) * fired_stride;
      for (std::size_t c = 0; c < M; ++c)
        if ((f[c / kWordBits] >> (c % kWordBits)) & 1u) {
          const std::size_t b = r * M + c;
          map[b / kWordBits] |= Word{1} << (b % kWordBits);
        }
    }
    max_pool(s, map.data(), pooled.data());
    Word* o = out + i * out_stride;
    std::fill_n(o, need, Word{0});
    to_blocked(pooled.data(), s.output_bits(), next_rows, o);
  }
}

std::uint64_t pool_or_ops(const ConvShape& s) {
  if (s.pool <= 1) return 0;
  return std::uint64_t{s.pooled_h()} * s.pooled_w() * s.out_c * (std::uint64_t{s.pool} * s.pool - 1);
}

}  // namespace cimvp

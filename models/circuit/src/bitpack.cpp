#include "cimvp/circuit/bitpack.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

void BitMatrix::resize(std::size_t rows, std::size_t bits) {
  rows_ = rows;
  bits_ = bits;
  words_ = words_for_bits(bits);
  data_.assign(rows_ * words_, 0);
}

namespace {

template <typename IsOne>
void pack_generic(const std::int8_t* v, std::size_t n, Word* out, IsOne is_one, const char* what) {
  const std::size_t nw = words_for_bits(n);
  std::fill(out, out + nw, Word{0});
  for (std::size_t i = 0; i < n; ++i) {
    int bit = is_one(v[i]);
    if (bit < 0)
      throw std::invalid_argument(std::string(what) + ": element " + std::to_string(i) + " is " +
                                  std::to_string(static_cast<int>(v[i])));
    out[i / kWordBits] |= static_cast<Word>(bit) << (i % kWordBits);
  }
}

int pm1_bit(std::int8_t x) { return x == 1 ? 1 : (x == -1 ? 0 : -1); }
int b01_bit(std::int8_t x) { return x == 1 ? 1 : (x == 0 ? 0 : -1); }

BitMatrix pack_rows(const std::vector<std::int8_t>& v, std::size_t rows, std::size_t bits, bool pm1) {
  if (v.size() != rows * bits)
    throw std::invalid_argument("pack rows: " + std::to_string(v.size()) + " values given, expected " +
                                std::to_string(rows) + " x " + std::to_string(bits));
  BitMatrix m(rows, bits);
  for (std::size_t r = 0; r < rows; ++r) {
    if (pm1)
      pack_pm1(v.data() + r * bits, bits, m.row(r));
    else
      pack_01(v.data() + r * bits, bits, m.row(r));
  }
  return m;
}

}  // namespace

void pack_pm1(const std::int8_t* v, std::size_t n, Word* out) {
  pack_generic(v, n, out, pm1_bit, "pack_pm1: expected -1 or +1");
}

void pack_01(const std::int8_t* v, std::size_t n, Word* out) {
  pack_generic(v, n, out, b01_bit, "pack_01: expected 0 or 1");
}

BitMatrix pack_pm1_rows(const std::vector<std::int8_t>& v, std::size_t rows, std::size_t bits) {
  return pack_rows(v, rows, bits, true);
}

BitMatrix pack_01_rows(const std::vector<std::int8_t>& v, std::size_t rows, std::size_t bits) {
  return pack_rows(v, rows, bits, false);
}

std::vector<std::int8_t> unpack_pm1(const BitMatrix& m, std::size_t r) {
  std::vector<std::int8_t> v(m.bits());
  for (std::size_t i = 0; i < m.bits(); ++i) v[i] = m.get(r, i) ? 1 : -1;
  return v;
}

std::vector<std::int8_t> unpack_01(const BitMatrix& m, std::size_t r) {
  std::vector<std::int8_t> v(m.bits());
  for (std::size_t i = 0; i < m.bits(); ++i) v[i] = m.get(r, i) ? 1 : 0;
  return v;
}

namespace {
template <typename Bit>
void pack_pixels(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels, BitMatrix& out,
                 Bit bit) {
  out.resize(n_images, n_pixels);
  for (std::size_t n = 0; n < n_images; ++n) {
    const std::uint8_t* p = pixels + n * n_pixels;
    Word* o = out.row(n);
    for (std::size_t w = 0; w < out.words(); ++w) {
      const std::size_t i0 = w * kWordBits;
      const std::size_t i1 = std::min(n_pixels, i0 + kWordBits);
      Word acc = 0;
      for (std::size_t i = i0; i < i1; ++i) acc |= static_cast<Word>(bit(p[i])) << (i - i0);
      o[w] = acc;
    }
  }
}
}  // namespace

void pack_threshold(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels,
                    unsigned threshold, BitMatrix& out) {
  pack_pixels(pixels, n_images, n_pixels, out, [threshold](std::uint8_t p) { return p >= threshold ? 1u : 0u; });
}

void pack_bit_plane(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels, unsigned bit,
                    BitMatrix& out) {
  if (bit > 7) throw std::invalid_argument("pack_bit_plane: bit = " + std::to_string(bit) + ", expected 0..7");
  pack_pixels(pixels, n_images, n_pixels, out, [bit](std::uint8_t p) { return (p >> bit) & 1u; });
}

void copy_bits(const Word* src, std::size_t start, std::size_t count, Word* dst) {
  const std::size_t nw = words_for_bits(count);
  const std::size_t w0 = start / kWordBits;
  const unsigned sh = static_cast<unsigned>(start % kWordBits);
  const std::size_t src_words = words_for_bits(start + count) - w0;  // words of src touched
  for (std::size_t i = 0; i < nw; ++i) {
    Word lo = src[w0 + i] >> sh;
    Word hi = (sh != 0 && i + 1 < src_words) ? (src[w0 + i + 1] << (kWordBits - sh)) : 0;
    dst[i] = lo | hi;
  }
  const unsigned tail = static_cast<unsigned>(count % kWordBits);
  if (nw > 0 && tail != 0) dst[nw - 1] &= low_mask(tail);
}

}  // namespace cimvp

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
// Eight bytes b[0..7] as a little-endian word (compiles to one load on little-endian CPUs).
inline std::uint64_t load8(const std::uint8_t* b) {
  std::uint64_t x = 0;
  for (unsigned k = 0; k < 8; ++k) x |= static_cast<std::uint64_t>(b[k]) << (8 * k);
  return x;
}
// x holds eight bytes that are 0 or 1; returns them as bits 0..7 (byte k → bit k).  The
// product places byte k's bit at bit 56 + k (k + j = 7 terms of Σ_k Σ_j b_k·2^(8k + 7j + 7));
// every other term lands on its own bit below 56 or beyond 63, so nothing carries into them.
inline Word gather8(std::uint64_t x) { return (x * 0x0102040810204080ULL) >> 56; }

template <typename Bit>
void pack_pixels(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels, BitMatrix& out,
                 Bit word) {
  out.resize(n_images, n_pixels);
  for (std::size_t n = 0; n < n_images; ++n) {
    const std::uint8_t* p = pixels + n * n_pixels;
    Word* o = out.row(n);
    for (std::size_t w = 0; w < out.words(); ++w) {
      const std::size_t i0 = w * kWordBits;
      o[w] = word(p + i0, static_cast<unsigned>(std::min(n_pixels, i0 + kWordBits) - i0));
    }
  }
}
}  // namespace

Word pack_bool_bytes(const std::uint8_t* b, unsigned count) {
  Word v = 0;
  unsigned i = 0;
  for (; i + 8 <= count; i += 8) v |= gather8(load8(b + i) & 0x0101010101010101ULL) << i;
  for (; i < count; ++i) v |= static_cast<Word>(b[i] & 1u) << i;
  return v;
}

Word threshold_word(const std::uint8_t* pixels, unsigned count, unsigned threshold) {
  std::uint8_t on[kWordBits];
  for (unsigned i = 0; i < count; ++i) on[i] = pixels[i] >= threshold ? 1 : 0;
  return pack_bool_bytes(on, count);
}

Word bit_plane_word(const std::uint8_t* pixels, unsigned count, unsigned bit) {
  Word v = 0;
  unsigned i = 0;
  for (; i + 8 <= count; i += 8) v |= gather8((load8(pixels + i) >> bit) & 0x0101010101010101ULL) << i;
  for (; i < count; ++i) v |= static_cast<Word>((pixels[i] >> bit) & 1u) << i;
  return v;
}

void pack_threshold(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels,
                    unsigned threshold, BitMatrix& out) {
  pack_pixels(pixels, n_images, n_pixels, out,
              [threshold](const std::uint8_t* p, unsigned count) { return threshold_word(p, count, threshold); });
}

void pack_bit_plane(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels, unsigned bit,
                    BitMatrix& out) {
  if (bit > 7) throw std::invalid_argument("pack_bit_plane: bit = " + std::to_string(bit) + ", expected 0..7");
  pack_pixels(pixels, n_images, n_pixels, out,
              [bit](const std::uint8_t* p, unsigned count) { return bit_plane_word(p, count, bit); });
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

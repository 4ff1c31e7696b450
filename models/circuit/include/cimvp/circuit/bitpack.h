// Bit-packed binary vectors and matrices (docs/circuit.md, "Bit packing").
//
// A binary value is one bit: bit 1 stands for +1 (±1 data) or 1 ({0,1} data), bit 0 for
// −1 or 0.  Bits are stored LSB-first in 64-bit words: element i of a row is bit (i % 64)
// of word (i / 64).  Every row starts on a word boundary and the unused bits of its last
// word are always zero ("zero-padded tails"), so whole-word operations need no masks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

using Word = std::uint64_t;
constexpr unsigned kWordBits = 64;

/// Number of 64-bit words that hold `bits` bits.
constexpr std::size_t words_for_bits(std::size_t bits) { return (bits + kWordBits - 1) / kWordBits; }

/// Mask of the `n` lowest bits (n in 0..64).
constexpr Word low_mask(unsigned n) { return n >= kWordBits ? ~Word{0} : ((Word{1} << n) - 1); }

/// Number of set bits.
inline unsigned popcount(Word w) { return static_cast<unsigned>(__builtin_popcountll(w)); }

/// A batch of equally long bit vectors: rows() vectors of bits() bits each, each row
/// padded to words() 64-bit words with zero tail bits.
class BitMatrix {
 public:
  BitMatrix() = default;
  /// All-zero matrix of `rows` vectors of `bits` bits.
  BitMatrix(std::size_t rows, std::size_t bits) { resize(rows, bits); }

  /// Resizes and clears to zero.
  void resize(std::size_t rows, std::size_t bits);

  std::size_t rows() const { return rows_; }
  std::size_t bits() const { return bits_; }
  std::size_t words() const { return words_; }  ///< words per row

  Word* row(std::size_t r) { return data_.data() + r * words_; }
  const Word* row(std::size_t r) const { return data_.data() + r * words_; }
  Word* data() { return data_.data(); }
  const Word* data() const { return data_.data(); }

  bool get(std::size_t r, std::size_t i) const { return (row(r)[i / kWordBits] >> (i % kWordBits)) & 1u; }
  void set(std::size_t r, std::size_t i, bool v) {
    Word& w = row(r)[i / kWordBits];
    const Word m = Word{1} << (i % kWordBits);
    w = v ? (w | m) : (w & ~m);
  }

  bool operator==(const BitMatrix& o) const {
    return rows_ == o.rows_ && bits_ == o.bits_ && data_ == o.data_;
  }
  bool operator!=(const BitMatrix& o) const { return !(*this == o); }

 private:
  std::size_t rows_ = 0;
  std::size_t bits_ = 0;
  std::size_t words_ = 0;
  std::vector<Word> data_;
};

/// Packs n values in {−1, +1} (+1 → bit 1) into words_for_bits(n) words (tail zeroed).
/// Throws std::invalid_argument for any other value.
void pack_pm1(const std::int8_t* v, std::size_t n, Word* out);
/// Packs n values in {0, 1} (1 → bit 1) into words_for_bits(n) words (tail zeroed).
/// Throws std::invalid_argument for any other value.
void pack_01(const std::int8_t* v, std::size_t n, Word* out);

/// Packs `rows` row-major vectors of `bits` ±1 (or {0,1}) values.
BitMatrix pack_pm1_rows(const std::vector<std::int8_t>& v, std::size_t rows, std::size_t bits);
BitMatrix pack_01_rows(const std::vector<std::int8_t>& v, std::size_t rows, std::size_t bits);

/// Row r of m as values: bit 1 → +1, bit 0 → −1 (pm1) or 1 / 0 (01).
std::vector<std::int8_t> unpack_pm1(const BitMatrix& m, std::size_t r);
std::vector<std::int8_t> unpack_01(const BitMatrix& m, std::size_t r);

/// Binarizes 8-bit pixels: bit = pixel >= threshold.  `pixels` holds n_images × n_pixels
/// bytes; `out` becomes n_images × n_pixels bits.
void pack_threshold(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels,
                    unsigned threshold, BitMatrix& out);
/// Bit plane `bit` (0 = LSB .. 7 = MSB) of 8-bit pixels: bit = (pixel >> bit) & 1.
void pack_bit_plane(const std::uint8_t* pixels, std::size_t n_images, std::size_t n_pixels,
                    unsigned bit, BitMatrix& out);

/// One packed word from `count` (0..64) bytes that are each 0 or 1: bit i = b[i] (bits
/// [count, 64) zero).  Eight bytes at a time (one multiply gathers their low bits).
Word pack_bool_bytes(const std::uint8_t* b, unsigned count);
/// One packed word from `count` (0..64) 8-bit pixels: bit i = pixel[i] >= threshold.
Word threshold_word(const std::uint8_t* pixels, unsigned count, unsigned threshold);
/// One packed word from `count` (0..64) 8-bit pixels: bit i = (pixel[i] >> bit) & 1, bit 0..7.
Word bit_plane_word(const std::uint8_t* pixels, unsigned count, unsigned bit);

/// Copies bits [start, start + count) of the packed vector `src` to bits [0, count) of
/// `dst` (words_for_bits(count) words; the tail beyond `count` is zeroed).  `src` must
/// hold at least start + count bits.
void copy_bits(const Word* src, std::size_t start, std::size_t count, Word* dst);

}  // namespace cimvp

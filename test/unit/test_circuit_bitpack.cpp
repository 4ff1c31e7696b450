// Bit packing (models/circuit/bitpack.h).
#include <catch2/catch.hpp>

#include "cimvp/circuit/bitpack.h"

#include <random>
#include <stdexcept>

using namespace cimvp;

TEST_CASE("pack_pm1 / pack_01 put element i at bit i%64 of word i/64 with zero tails", "[circuit][bitpack]") {
  const std::vector<std::int8_t> pm = {1, -1, -1, 1, 1};  // bits 0, 3, 4 set
  Word w[1] = {~Word{0}};
  pack_pm1(pm.data(), pm.size(), w);
  CHECK(w[0] == 0b11001u);

  std::vector<std::int8_t> v(70, 0);
  v[0] = 1;
  v[63] = 1;
  v[64] = 1;
  v[69] = 1;
  Word two[2] = {~Word{0}, ~Word{0}};
  pack_01(v.data(), v.size(), two);
  CHECK(two[0] == ((Word{1} << 63) | 1u));
  CHECK(two[1] == ((Word{1} << 5) | 1u));  // bits 70..127 zero

  const BitMatrix m = pack_pm1_rows({1, -1, 1, -1, -1, 1}, 2, 3);
  CHECK(m.rows() == 2);
  CHECK(m.bits() == 3);
  CHECK(m.words() == 1);
  CHECK(m.row(0)[0] == 0b101u);
  CHECK(m.row(1)[0] == 0b100u);
  CHECK(unpack_pm1(m, 1) == std::vector<std::int8_t>{-1, -1, 1});
  CHECK(unpack_01(m, 0) == std::vector<std::int8_t>{1, 0, 1});
}

TEST_CASE("packing rejects values outside the alphabet", "[circuit][bitpack]") {
  Word w[1];
  const std::vector<std::int8_t> zero = {1, 0};
  const std::vector<std::int8_t> minus = {1, -1};
  CHECK_THROWS_WITH(pack_pm1(zero.data(), 2, w), Catch::Contains("element 1 is 0"));
  CHECK_THROWS_WITH(pack_01(minus.data(), 2, w), Catch::Contains("element 1 is -1"));
  CHECK_THROWS_AS(pack_pm1_rows({1, 1, 1}, 2, 2), std::invalid_argument);
}

TEST_CASE("BitMatrix get/set and equality", "[circuit][bitpack]") {
  BitMatrix a(3, 130);
  CHECK(a.words() == 3);
  a.set(2, 129, true);
  a.set(0, 64, true);
  CHECK(a.get(2, 129));
  CHECK(a.row(2)[2] == 2u);
  CHECK(a.row(0)[1] == 1u);
  BitMatrix b(3, 130);
  CHECK(a != b);
  b.set(2, 129, true);
  b.set(0, 64, true);
  CHECK(a == b);
  a.set(0, 64, false);
  CHECK(a.row(0)[1] == 0u);
}

TEST_CASE("copy_bits extracts any bit range into zero-padded words", "[circuit][bitpack]") {
  std::mt19937_64 rng(7);
  BitMatrix src(1, 300);
  for (std::size_t i = 0; i < 300; ++i) src.set(0, i, rng() & 1);
  for (std::size_t start : {0u, 1u, 63u, 64u, 100u, 250u}) {
    for (std::size_t count : {1u, 36u, 64u, 65u, 50u}) {
      if (start + count > 300) continue;
      std::vector<Word> dst(words_for_bits(count), ~Word{0});
      copy_bits(src.row(0), start, count, dst.data());
      for (std::size_t i = 0; i < dst.size() * 64; ++i) {
        const bool got = (dst[i / 64] >> (i % 64)) & 1u;
        const bool want = i < count ? src.get(0, start + i) : false;
        REQUIRE(got == want);
      }
    }
  }
}

TEST_CASE("pixel binarization and bit planes", "[circuit][bitpack]") {
  const std::uint8_t px[2 * 3] = {0, 127, 128, 255, 200, 5};
  BitMatrix m;
  pack_threshold(px, 2, 3, 128, m);
  CHECK(m.row(0)[0] == 0b100u);
  CHECK(m.row(1)[0] == 0b011u);
  pack_bit_plane(px, 2, 3, 7, m);  // MSB
  CHECK(m.row(0)[0] == 0b100u);
  CHECK(m.row(1)[0] == 0b011u);
  pack_bit_plane(px, 2, 3, 0, m);  // LSB: 0,127,128 -> 0,1,0 ; 255,200,5 -> 1,0,1
  CHECK(m.row(0)[0] == 0b010u);
  CHECK(m.row(1)[0] == 0b101u);
  CHECK_THROWS_WITH(pack_bit_plane(px, 2, 3, 8, m), Catch::Contains("expected 0..7"));
}

TEST_CASE("word packers equal the bit-by-bit definition for every count", "[circuit][bitpack]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int rep = 0; rep < 20; ++rep) {
    std::uint8_t px[64], b01[64];
    for (int i = 0; i < 64; ++i) {
      px[i] = static_cast<std::uint8_t>(byte(rng));
      b01[i] = static_cast<std::uint8_t>(byte(rng) & 1);
    }
    for (unsigned count = 0; count <= 64; ++count) {
      Word want = 0;
      for (unsigned i = 0; i < count; ++i) want |= static_cast<Word>(b01[i]) << i;
      REQUIRE(pack_bool_bytes(b01, count) == want);
      for (unsigned thr : {0u, 1u, 100u, 128u, 255u}) {
        Word w = 0;
        for (unsigned i = 0; i < count; ++i) w |= static_cast<Word>(px[i] >= thr ? 1 : 0) << i;
        REQUIRE(threshold_word(px, count, thr) == w);
      }
      for (unsigned bit = 0; bit < 8; ++bit) {
        Word w = 0;
        for (unsigned i = 0; i < count; ++i) w |= static_cast<Word>((px[i] >> bit) & 1u) << i;
        REQUIRE(bit_plane_word(px, count, bit) == w);
      }
    }
  }
  const std::uint8_t ones[64] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  CHECK(pack_bool_bytes(ones, 64) == ~Word{0});  // no carry between the eight-byte groups
  CHECK(pack_bool_bytes(ones, 9) == 0x1FFu);
}

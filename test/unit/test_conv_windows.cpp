// The conv steps of the CIM macro's controller (models/cim/controller/conv_windows.h) on
// hand-computed maps: windows in the blocked row layout of the sub-arrays, output maps with
// max pooling in the next layer's layout, the OR count.
#include <catch2/catch.hpp>

#include "cimvp/cim/controller/conv_windows.h"

#include <vector>

using namespace cimvp;

namespace {
bool bit(const Word* v, std::size_t i) { return (v[i / kWordBits] >> (i % kWordBits)) & 1u; }
}  // namespace

TEST_CASE("gather_windows: 3x3x1 map, kernel 2, stride 1, no pad, in 3-row blocks", "[conv][cim]") {
  // map (y, x): 1 at (0,0), (1,1), (2,2) and (0,2)  → bits 0, 4, 8, 2
  const ConvShape s = square_conv(3, 3, 1, 1, 2, 1, 0, 1);
  REQUIRE(s.windows() == 4u);
  std::vector<Word> maps(2, 0);  // two images, one word each
  maps[0] = Word{1} << 0 | Word{1} << 4 | Word{1} << 8 | Word{1} << 2;
  maps[1] = Word{1} << 5;  // image 1: (1, 2) only
  const unsigned R = 3;    // window rows (ky, kx) = 0..3 → blocks {0,1,2}, {3}
  const std::size_t ww = conv_window_words(s, R);
  REQUIRE(ww == 2u);
  std::vector<Word> out(2 * 4 * ww, ~Word{0});
  gather_windows(s, maps.data(), 1, 2, R, out.data(), ww);
  // image 0, window (0,0): rows (0,0)=1 (0,1)=0 (1,0)=0 (1,1)=1 → block 0: bit 0; block 1: bit 0
  const Word* w00 = out.data();
  CHECK(w00[0] == 0b001);
  CHECK(w00[1] == 0b1);
  // image 0, window (0,1): (0,1)=0 (0,2)=1 (1,1)=1 (1,2)=0 → block 0: rows 1, 2; block 1: row 3 = 0
  const Word* w01 = out.data() + 1 * ww;
  CHECK(w01[0] == 0b110);
  CHECK(w01[1] == 0);
  // image 0, window (1,1): (1,1)=1 (1,2)=0 (2,1)=0 (2,2)=1
  const Word* w11 = out.data() + 3 * ww;
  CHECK(w11[0] == 0b001);
  CHECK(w11[1] == 0b1);
  // image 1 (vector 4 + …), window (0,1): (1,2) is row 3 → block 1 bit 0; window (1,1): row 1
  CHECK(out[(4 + 1) * ww + 0] == 0);
  CHECK(out[(4 + 1) * ww + 1] == 1);
  CHECK(out[(4 + 3) * ww + 0] == 0b010);
  CHECK(out[(4 + 3) * ww + 1] == 0);
  CHECK_THROWS_AS(gather_windows(s, maps.data(), 1, 2, R, out.data(), 1), std::invalid_argument);
}

TEST_CASE("gather_windows: padding bits are 0, stride 2", "[conv][cim]") {
  // 2x2x2 map, kernel 3, pad 1, stride 2 → one window; all map bits 1
  const ConvShape s = square_conv(2, 2, 2, 1, 3, 2, 1, 1);
  REQUIRE(s.windows() == 1u);
  const Word map = 0xFF;
  std::vector<Word> out(conv_window_words(s, 64));
  gather_windows(s, &map, 1, 1, 64, out.data(), out.size());
  // window rows (ky, kx, c): only ky, kx in {1, 2} read the map (y = ky − 1, x = kx − 1)
  for (unsigned ky = 0; ky < 3; ++ky)
    for (unsigned kx = 0; kx < 3; ++kx)
      for (unsigned c = 0; c < 2; ++c) {
        INFO("ky " << ky << " kx " << kx << " c " << c);
        CHECK(bit(out.data(), (ky * 3 + kx) * 2 + c) == (ky >= 1 && kx >= 1));
      }
}

TEST_CASE("output_maps: window outputs to HWC maps, pool 2 as OR, in the next layer's blocks", "[conv][cim]") {
  // conv output 4x4x2 (16 windows of 2 channels), pool 2 → 2x2x2 = 8 bits
  const ConvShape s = square_conv(4, 4, 1, 2, 1, 1, 0, 2);
  REQUIRE(s.windows() == 16u);
  REQUIRE(s.output_bits() == 8u);
  std::vector<Word> fired(16, 0);  // one word per window
  fired[1 * 4 + 1] = 0b01;         // (1,1) channel 0 → pooled (0,0) c0
  fired[0 * 4 + 3] = 0b10;         // (0,3) channel 1 → pooled (0,1) c1
  fired[3 * 4 + 2] = 0b11;         // (3,2) both     → pooled (1,1) c0, c1
  // next layer in 3-row blocks: pooled bits 0..7 → blocks {0,1,2} {3,4,5} {6,7}
  std::vector<Word> out(3, ~Word{0});
  output_maps(s, fired.data(), 1, 1, 3, out.data(), 3);
  // pooled HWC bits: (0,0)c0 = 0, (0,1)c1 = 3, (1,1)c0 = 6, (1,1)c1 = 7
  CHECK(out[0] == 0b001);
  CHECK(out[1] == 0b001);
  CHECK(out[2] == 0b11);
  CHECK(pool_or_ops(s) == 2u * 2 * 2 * 3);  // pooled pixels × channels × (pool² − 1)
  CHECK(pool_or_ops(square_conv(4, 4, 1, 2, 1, 1, 0, 1)) == 0u);
  CHECK_THROWS_AS(output_maps(s, fired.data(), 1, 1, 3, out.data(), 2), std::invalid_argument);
}

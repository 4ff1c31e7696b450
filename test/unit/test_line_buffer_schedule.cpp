// Line-buffer slot schedule and pipeline latency formulas (line_buffer_schedule.h).
// Every expected value is worked out by hand from the frame definition
//   f(iy, ix) = (iy + p)(W + p) + ix
// and the seed's formula T_pip = (W1+p)(H1+2p) + Σ_{i>1}(Wi+p) + |Pool| + |FC|
// (Tang et al., ASP-DAC 2017); docs/line-buffers.md has the same derivations.
#include <catch2/catch.hpp>

#include "cimvp/circuit/line_buffer_schedule.h"

namespace {
using namespace cimvp;

ConvShape conv(unsigned h, unsigned w, unsigned c, unsigned out_c, unsigned k, unsigned pad, unsigned stride = 1,
               unsigned pool = 1) {
  return square_conv(h, w, c, out_c, k, stride, pad, pool);
}
PipelineStageShape C(const ConvShape& s) { return {LayerKind::conv, s}; }
PipelineStageShape P(unsigned h, unsigned w, unsigned c, unsigned pool) {
  ConvShape s;
  s.in_h = h;
  s.in_w = w;
  s.in_c = c;
  s.pool = pool;
  return {LayerKind::pool, s};
}
PipelineStageShape FC() { return {LayerKind::fully_connected, ConvShape{}}; }
}  // namespace

TEST_CASE("line buffer frame: 6x6 map, 3x3 kernel, padding 1 (rows of W + p = 7 slots)", "[linebuffer]") {
  const auto g = LineBufferGeometry::conv(conv(6, 6, 1, 1, 3, 1));
  CHECK(g.row_slots() == 7);
  CHECK(g.frame_slots() == 56);  // (6 + 1)(6 + 2)
  CHECK(g.capacity_pixels() == 18);
  CHECK(g.slot(0, 0) == 7);       // first map pixel after one padding row
  CHECK(g.slot(0, -1) == 6);      // its left padding = the padding slot of the row above
  CHECK(g.slot(5, 5) == 47);      // last map pixel: (5 + 1)·7 + 5
  CHECK(g.last_real_slot() == 47);
  unsigned iy = 9, ix = 9;
  REQUIRE(g.real_slot(47, iy, ix));
  CHECK(iy == 5);
  CHECK(ix == 5);
  CHECK_FALSE(g.real_slot(6, iy, ix));   // padding column
  CHECK_FALSE(g.real_slot(48, iy, ix));  // bottom padding row
  // window (0, 0) covers input rows −1..1, columns −1..1: bottom-right (1, 1) → 2·7 + 1
  CHECK(g.completion_slot(0, 0) == 15);
  CHECK(g.completion_slot(0, 5) == 20);  // (1, 6): the padding slot of row 1
  CHECK(g.completion_slot(5, 5) == 55);  // (6, 6): the last slot of the frame
  unsigned oy = 9, ox = 9;
  REQUIRE(g.completes(15, oy, ox));
  CHECK((oy == 0 && ox == 0));
  REQUIRE(g.completes(20, oy, ox));
  CHECK((oy == 0 && ox == 5));
  CHECK_FALSE(g.completes(14, oy, ox));  // column 0 of a row: the convolver sleeps (seed table "S")
  CHECK_FALSE(g.completes(21, oy, ox));
  REQUIRE(g.completes(22, oy, ox));
  CHECK((oy == 1 && ox == 0));
  // windows after the last map pixel (slot 47): (4, 5) at 48 and row 5 (slots 50..55): W + 1
  CHECK(g.tail_windows() == 7);
}

TEST_CASE("line buffer tails: p·(W + 1) for kernel 2p + 1, none without padding", "[linebuffer]") {
  CHECK(LineBufferGeometry::conv(conv(6, 6, 1, 1, 5, 2)).tail_windows() == 14);  // 2·(6 + 1)
  CHECK(LineBufferGeometry::conv(conv(9, 4, 1, 1, 3, 1)).tail_windows() == 5);   // 4 + 1
  CHECK(LineBufferGeometry::conv(conv(6, 6, 1, 1, 3, 0)).tail_windows() == 0);
  // stride 2 on 4x4, pad 1: windows (oy, ox) complete at (2oy + 1, 2ox + 1); (1, 1) at the last pixel
  CHECK(LineBufferGeometry::conv(conv(4, 4, 1, 1, 3, 1, 2)).tail_windows() == 0);
}

TEST_CASE("pooling line buffer: 2x2 windows, stride 2, the odd row and column complete nothing", "[linebuffer]") {
  const auto g = LineBufferGeometry::pool(5, 5, 3, 2);
  CHECK(g.out_h() == 2);
  CHECK(g.out_w() == 2);
  CHECK(g.frame_slots() == 25);
  CHECK(g.capacity_pixels() == 10);
  CHECK(g.window_bits() == 12);
  unsigned oy = 9, ox = 9;
  REQUIRE(g.completes(6, oy, ox));  // pixel (1, 1)
  CHECK((oy == 0 && ox == 0));
  REQUIRE(g.completes(18, oy, ox));  // pixel (3, 3)
  CHECK((oy == 1 && ox == 1));
  CHECK_FALSE(g.completes(5, oy, ox));   // (1, 0)
  CHECK_FALSE(g.completes(9, oy, ox));   // (1, 4): column 4 is dropped
  CHECK_FALSE(g.completes(24, oy, ox));  // (4, 4): row 4 is dropped
  CHECK(g.tail_windows() == 0);
}

TEST_CASE("geometry check names the field", "[linebuffer]") {
  CHECK(LineBufferGeometry::conv(conv(6, 6, 1, 1, 3, 3)).check().find("pad") != std::string::npos);
  CHECK(LineBufferGeometry::conv(conv(2, 2, 1, 1, 5, 1)).check().find("kernel") != std::string::npos);
  CHECK(LineBufferGeometry::conv(conv(6, 6, 1, 1, 3, 1)).check().empty());
}

TEST_CASE("T_pip formula, hand-evaluated", "[linebuffer]") {
  // LeNet-like with padding: 6x6x1 -conv3 p1 pool2-> 3x3x4 -conv3 p1-> 3x3x5 -> FC
  const std::vector<PipelineStageShape> lenet{C(conv(6, 6, 1, 4, 3, 1, 1, 2)), C(conv(3, 3, 4, 5, 3, 1)), FC()};
  CHECK(tpip_formula(lenet) == 7 * 8 + (3 + 1) + 1 + 1);  // 62
  CHECK(tpip_formula_exact(lenet));
  // layer by layer: 56 (streamed frame) + 9 (pool) + 9 (conv 2) + 1 (FC)
  CHECK(layer_by_layer_steps(lenet) == 56 + 9 + 9 + 1);
  // VGG-11-shaped on 32x32: 8 convs, 5 pools, 3 FCs
  std::vector<PipelineStageShape> vgg{C(conv(32, 32, 3, 4, 3, 1, 1, 2)), C(conv(16, 16, 4, 4, 3, 1, 1, 2)),
                                      C(conv(8, 8, 4, 4, 3, 1)),          C(conv(8, 8, 4, 4, 3, 1, 1, 2)),
                                      C(conv(4, 4, 4, 4, 3, 1)),          C(conv(4, 4, 4, 4, 3, 1, 1, 2)),
                                      C(conv(2, 2, 4, 4, 3, 1)),          C(conv(2, 2, 4, 4, 3, 1, 1, 2)),
                                      FC(), FC(), FC()};
  // 33·34 + (17 + 9 + 9 + 5 + 5 + 3 + 3) + 5 + 3
  CHECK(tpip_formula(vgg) == 1122 + 51 + 5 + 3);
  CHECK(tpip_formula_exact(vgg));
  // explicit pooling layer counts like a fused one
  const std::vector<PipelineStageShape> explicit_pool{C(conv(6, 6, 1, 4, 3, 1)), P(6, 6, 4, 2),
                                                      C(conv(3, 3, 4, 5, 3, 1)), FC()};
  CHECK(tpip_formula(explicit_pool) == 62);
  CHECK(tpip_formula_exact(explicit_pool));
}

TEST_CASE("T_pip formula: where the line-buffer model departs from it", "[linebuffer]") {
  CHECK_FALSE(tpip_formula_exact({C(conv(6, 6, 1, 2, 3, 0)), C(conv(4, 4, 2, 3, 3, 0)), FC()}));   // no padding
  CHECK_FALSE(tpip_formula_exact({C(conv(7, 7, 2, 3, 3, 1, 2)), C(conv(4, 4, 3, 2, 3, 1, 2)), FC()}));  // stride 2
  CHECK_FALSE(tpip_formula_exact({C(conv(5, 5, 1, 3, 3, 1, 1, 2)), FC()}));                            // pool floors
  CHECK_FALSE(tpip_formula_exact({C(conv(6, 6, 1, 2, 3, 1)), C(conv(6, 6, 2, 2, 5, 2)), FC()}));       // inner p = 2
  CHECK(tpip_formula_exact({C(conv(6, 6, 1, 2, 5, 2)), C(conv(6, 6, 2, 2, 3, 1)), FC()}));             // first p = 2
  CHECK(tpip_formula({C(conv(6, 6, 1, 2, 3, 0)), C(conv(4, 4, 2, 3, 3, 0)), FC()}) == 36 + 4 + 1);
  CHECK_THROWS_AS(tpip_formula({FC()}), std::invalid_argument);
}

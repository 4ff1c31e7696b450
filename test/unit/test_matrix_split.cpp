// Matrix splitting onto RRAM crossbars and partial-sum bit lengths (models/circuit
// matrix_split.h, docs/rram.md "Matrix splitting"): LeNet-like and AlexNet layers split by
// hand on 128×128 and 256×256 crossbars.
#include <catch2/catch.hpp>

#include "cimvp/circuit/matrix_split.h"

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {
SplitConfig bcnn(unsigned size) {
  SplitConfig c;
  c.xbar_rows = c.xbar_cols = size;
  return c;  // binary weights on differential pairs, ±1 inputs, binary output
}
SplitConfig cnn(unsigned size, unsigned cell_bits) {
  SplitConfig c;
  c.xbar_rows = c.xbar_cols = size;
  c.weight_bits = 8;
  c.cell_bits = cell_bits;
  c.input.bits = 8;
  c.binary_output = false;
  return c;
}
ConvShape conv(unsigned in_hw, unsigned in_c, unsigned k, unsigned out_c, unsigned stride = 1, unsigned pad = 0) {
  ConvShape s;
  s.in_h = s.in_w = in_hw;
  s.in_c = in_c;
  s.kernel_h = s.kernel_w = k;
  s.out_c = out_c;
  s.stride = stride;
  s.pad = pad;
  return s;
}
}  // namespace

TEST_CASE("partial-sum bits: the published cases and a two's-complement edge", "[circuit][split]") {
  // ±1 × ±1 over 128 rows: [−128, 128] in steps of 2, 129 values: ⌈log2 129⌉ = 8 code bits,
  // magnitude 128 needs 8 bits + sign = 9 word bits.
  auto b = partial_sum_bits(128, -1, 1, -1, 1, true);
  CHECK(b.lo == -128);
  CHECK(b.hi == 128);
  CHECK(b.step == 2);
  CHECK(b.values == 129);
  CHECK(b.code_bits == 8);
  CHECK(b.word_bits == 9);
  // 127 rows: 128 values, 7 code bits; [−127, 127] fits 8-bit two's complement.
  b = partial_sum_bits(127, -1, 1, -1, 1, true);
  CHECK(b.code_bits == 7);
  CHECK(b.word_bits == 8);
  // 0/1 inputs × ±1 weights over 128 rows: [−128, 128] step 1: 257 values, 9 code bits.
  b = partial_sum_bits(128, 0, 1, -1, 1);
  CHECK(b.values == 257);
  CHECK(b.code_bits == 9);
  // one row of ±1·±1: 2 values, 1 bit (the sense amplifier); word [−1, 1] needs 2 bits.
  b = partial_sum_bits(1, -1, 1, -1, 1, true);
  CHECK(b.code_bits == 1);
  CHECK(b.word_bits == 2);
  CHECK_THROWS_WITH(partial_sum_bits(0, 0, 1, -1, 1), Contains("rows"));
  CHECK_THROWS_WITH(partial_sum_bits(std::uint64_t{1} << 40, 0, 1 << 30, -(1 << 30), 1 << 30), Contains("2^61"));
}

TEST_CASE("matrix split: LeNet-like layers on 128x128 crossbars (BCNN)", "[circuit][split]") {
  // conv1: 28×28×1, 5×5 → 20: K = 25, M = 20; 64 pairs per crossbar.
  MatrixSplit s = split_conv(conv(28, 1, 5, 20), bcnn(128));
  CHECK(s.k == 25);
  CHECK(s.m == 20);
  CHECK(s.slice_cols_per_xbar == 64);
  CHECK(s.row_blocks == 1);
  CHECK(s.col_blocks == 1);
  CHECK(s.cells_used == 1000);
  CHECK(s.cells_allocated == 16384);
  CHECK(s.block_ps.code_bits == 5);  // 26 values
  CHECK(s.block_ps.word_bits == 6);  // [−25, 25]
  CHECK(s.sense_amp);                // X_in = 1, binary output: SA against the threshold
  CHECK(s.sense_bits == 1);
  CHECK(s.converters == 20);
  CHECK(s.row_drivers == 25);

  // conv2: 12×12×20, 5×5 → 50: K = 500 = 3·128 + 116 → X_in = 4; X_out = 1.
  s = split_conv(conv(12, 20, 5, 50), bcnn(128));
  CHECK(s.row_blocks == 4);
  CHECK(s.last_block_rows == 116);
  CHECK(s.col_blocks == 1);
  CHECK(s.block_ps.code_bits == 8);   // 129 values per 128-row block
  CHECK(s.column_ps.code_bits == 9);  // 501 values over 500 rows
  CHECK(s.column_ps.word_bits == 10); // [−500, 500]
  CHECK_FALSE(s.sense_amp);
  CHECK(s.sense_bits == 8);
  CHECK(s.exact);
  CHECK(s.converters == 200);  // 50 columns × 4 row blocks

  // fc1: 800 → 500: X_in = ⌈800/128⌉ = 7, X_out = ⌈500/64⌉ = 8, 56 crossbars.
  s = split_matrix(800, 500, bcnn(128));
  CHECK(s.row_blocks == 7);
  CHECK(s.col_blocks == 8);
  CHECK(s.crossbars == 56);
  CHECK(s.cells_used == 800000);
  CHECK(s.row_drivers == 6400);

  // fc2: 500 → 10 with 0/1 inputs: 128-row block sums in [−128, 128] step 1: 9 bits > 8.
  SplitConfig h = bcnn(128);
  h.input.kind = InputKind::unipolar;
  s = split_matrix(500, 10, h);
  CHECK(s.block_ps.code_bits == 9);
  CHECK(s.sense_bits == 8);
  CHECK_FALSE(s.exact);
}

TEST_CASE("matrix split: AlexNet conv1 and fc6 on 128x128 and 256x256 crossbars", "[circuit][split]") {
  // conv1: 227×227×3, 11×11 stride 4 → 96: K = 363, 55×55 windows.
  const ConvShape c1 = conv(227, 3, 11, 96, 4);
  REQUIRE(c1.out_h() == 55);
  MatrixSplit s = split_conv(c1, bcnn(128));
  CHECK(s.row_blocks == 3);  // 2·128 + 107
  CHECK(s.last_block_rows == 107);
  CHECK(s.col_blocks == 2);  // 96 pairs / 64
  CHECK(s.crossbars == 6);
  s = split_conv(c1, bcnn(256));
  CHECK(s.row_blocks == 2);
  CHECK(s.col_blocks == 1);  // 96 pairs ≤ 128
  CHECK(s.block_ps.code_bits == 9);  // 257 values per 256-row block
  CHECK(s.sense_bits == 8);
  CHECK_FALSE(s.exact);

  // CNN mode: 8-bit inputs 0..255, 8-bit signed weights, magnitude 7 bits on 7-bit cells:
  // one slice; products in ±255·127 = ±32385; 128 rows: D = 2·128·32385 + 1 = 8,290,561
  // values → 23 code bits (2^23 = 8,388,608); [−4,145,280, 4,145,280] fits 23-bit two's
  // complement (2^22 − 1 = 4,194,303).
  s = split_conv(c1, cnn(128, 7));
  CHECK(s.slices == 1);
  CHECK(s.block_ps.values == 8290561);
  CHECK(s.block_ps.code_bits == 23);
  CHECK(s.block_ps.word_bits == 23);
  CHECK(s.sense_bits == 8);
  CHECK_FALSE(s.exact);
  // 4-bit cells: ⌈7/4⌉ = 2 slices → 192 slice columns / 64 per crossbar = 3 column blocks;
  // the full result over 363 rows after shift-add: ±363·255·127.
  s = split_conv(c1, cnn(128, 4));
  CHECK(s.slices == 2);
  CHECK(s.col_blocks == 3);
  CHECK(s.cells_used == 363u * 96 * 2 * 2);
  CHECK(s.converters == 96u * 2 * 3);
  CHECK(s.result_ps.hi == 363 * 255 * 127);

  // fc6: 9216 → 4096.
  s = split_matrix(9216, 4096, bcnn(128));
  CHECK(s.row_blocks == 72);
  CHECK(s.col_blocks == 64);
  CHECK(s.crossbars == 4608);
  s = split_matrix(9216, 4096, bcnn(256));
  CHECK(s.row_blocks == 36);
  CHECK(s.col_blocks == 32);
  CHECK(s.crossbars == 1152);
  CHECK(s.cells_allocated == 1152u * 256 * 256);
  CHECK(s.converters == 4096u * 36);
  CHECK(s.row_drivers == 9216u * 32);

  // Reference column: 127 weight columns per 128-column crossbar → ⌈4096/127⌉ = 33.
  SplitConfig r = bcnn(128);
  r.scheme = RramWeightScheme::reference_column;
  s = split_matrix(9216, 4096, r);
  CHECK(s.slice_cols_per_xbar == 127);
  CHECK(s.col_blocks == 33);
  CHECK(s.cells_used == 9216u * 4096 + 9216u * 33);
}

TEST_CASE("matrix split: bad configurations name the field", "[circuit][split]") {
  SplitConfig c = bcnn(128);
  c.xbar_cols = 1;
  CHECK_THROWS_WITH(split_matrix(10, 10, c), Contains("xbar_cols") && Contains(">= 2"));
  c = bcnn(128);
  c.cell_bits = 9;
  CHECK_THROWS_WITH(split_matrix(10, 10, c), Contains("cell_bits = 9") && Contains("1 .. 8"));
  CHECK_THROWS_WITH(split_matrix(0, 10, bcnn(128)), Contains("K >= 1"));
  ConvShape bad = conv(4, 1, 5, 2);
  CHECK_THROWS_WITH(split_conv(bad, bcnn(128)), Contains("split_conv"));
}

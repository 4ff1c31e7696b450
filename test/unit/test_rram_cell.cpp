// RRAM crossbar cells (models/circuit rram_cell.h, docs/rram.md "Cells"): column currents
// hand-computed from Ohm's and Kirchhoff's laws for both weight schemes, multi-level cells,
// signal splitting, seeded variation (statistics, never negative) and stuck-at faults.
#include <catch2/catch.hpp>

#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/rram_cell.h"

#include <cmath>
#include <vector>

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {
// G_LRS = 100 µS, G_HRS = 1 µS, V_read = 0.2 V: ΔG = 99 µS, one ±1 product = 19.8 µA (pair).
RramCellConfig binary(RramWeightScheme s = RramWeightScheme::differential_pair) {
  RramCellConfig c;
  c.g_lrs_us = 100.0;
  c.g_hrs_us = 1.0;
  c.v_read_v = 0.2;
  c.scheme = s;
  return c;
}
}  // namespace

TEST_CASE("rram: levels, on/off ratio, parsing and validation", "[circuit][rram]") {
  RramCellConfig c = binary();
  CHECK(c.levels() == 2);
  CHECK(c.on_off_ratio() == Approx(100.0));
  CHECK(c.level_conductance_us(0) == Approx(1.0));
  CHECK(c.level_conductance_us(1) == Approx(100.0));
  c.cell_bits = 2;  // 1, 34, 67, 100 µS
  CHECK(c.level_conductance_us(1) == Approx(34.0));
  CHECK(c.level_conductance_us(2) == Approx(67.0));
  CHECK_THROWS_AS(c.level_conductance_us(4), std::out_of_range);
  CHECK(parse_rram_device("0t1r") == RramDevice::zero_t_one_r);
  CHECK_THROWS_WITH(parse_rram_device("2t2r"), Contains("1t1r|0t1r"));
  CHECK_THROWS_WITH(parse_rram_weight_scheme("x"), Contains("differential|reference"));
  c.variation_sigma = 1.5;
  CHECK_THROWS_WITH(c.validate(), Contains("variation_sigma") && Contains("0 .. 1"));
  c = binary();
  c.g_lrs_us = 0.5;
  CHECK_THROWS_WITH(c.validate(), Contains("g_lrs_us"));
  c = binary();
  c.stuck_hrs_rate = 0.6;
  c.stuck_lrs_rate = 0.6;
  CHECK_THROWS_WITH(c.validate(), Contains("stuck_hrs_rate + stuck_lrs_rate"));
}

TEST_CASE("rram: differential pairs, hand-computed column currents", "[circuit][rram]") {
  // weights (3 rows × 2 columns): [+1 −1; −1 −1; +1 +1]
  RramCrossbar xb(binary(), 3, 2);
  CHECK(xb.physical_columns() == 4);
  CHECK(xb.cells() == 12);
  xb.program({+1, -1, -1, -1, +1, +1});
  CHECK(xb.conductance_us(0, 0) == Approx(100.0));  // +1: G+ = LRS
  CHECK(xb.conductance_us(0, 1) == Approx(1.0));    //      G− = HRS
  CHECK(xb.conductance_us(0, 2) == Approx(1.0));    // −1: G+ = HRS
  CHECK(xb.conductance_us(0, 3) == Approx(100.0));
  // HBNN inputs x = (1, 0, 1): column 0 = 0.2·(99 + 99) = 39.6 µA, column 1 = 0.2·(−99 + 99) = 0
  auto i = xb.column_currents_ua({1, 0, 1});
  CHECK(i[0] == Approx(39.6));
  CHECK(i[1] == Approx(0.0).margin(1e-12));
  // XNOR inputs x = (1, −1, 1): column 0 = 0.2·99·3 = 59.4 µA, column 1 = 0.2·99·1 = 19.8 µA
  i = xb.column_currents_ua({1, -1, 1});
  CHECK(i[0] == Approx(59.4));
  CHECK(i[1] == Approx(19.8));
  auto ps = xb.partial_sums({1, -1, 1});
  CHECK(ps[0] == Approx(3.0));
  CHECK(ps[1] == Approx(1.0));
  // The existing sensing digitizes the normalized partial sum: an ideal converter over the
  // reachable range of 3 bipolar rows returns 2·PS (half units).
  const Quantizer q = Quantizer::ideal(PsRange::of(3, InputKind::bipolar));
  CHECK(q.value_half(q.level(ps[0])) == 6);
  CHECK(q.value_half(q.level(ps[1])) == 2);
  CHECK_THROWS_WITH(xb.column_currents_ua({1, 1}), Contains("expected 3"));
}

TEST_CASE("rram: reference column, hand-computed column currents", "[circuit][rram]") {
  RramCrossbar xb(binary(RramWeightScheme::reference_column), 3, 2);
  CHECK(xb.physical_columns() == 3);  // one cell per weight + one reference column
  CHECK(xb.cells() == 9);
  xb.program({+1, -1, -1, -1, +1, +1});
  CHECK(xb.conductance_us(1, 2) == Approx(50.5));  // G_ref = (1 + 100)/2
  // x = (1, 0, 1): column 0 = 0.2·((100 − 50.5) + (100 − 50.5)) = 19.8 µA; column 1 = 0.2·(−49.5 + 49.5) = 0
  auto i = xb.column_currents_ua({1, 0, 1});
  CHECK(i[0] == Approx(19.8));
  CHECK(i[1] == Approx(0.0).margin(1e-12));
  // one unit product is V·ΔG/2 = 9.9 µA
  CHECK(binary(RramWeightScheme::reference_column).unit_current_ua() == Approx(9.9));
  CHECK(xb.partial_sums({1, 0, 1})[0] == Approx(2.0));
  CHECK(xb.partial_sums({1, -1, 1})[0] == Approx(3.0));
  CHECK_THROWS_WITH(xb.program({0, 1, 1, 1, 1, 1}), Contains("weight[0] = 0"));
}

TEST_CASE("rram: multi-level cells and signal splitting", "[circuit][rram]") {
  RramCellConfig c = binary();
  c.cell_bits = 2;  // ΔG = 33 µS, weights −3 .. 3
  RramCrossbar xb(c, 3, 1);
  xb.program({3, -2, 1});
  // x = (1, 1, 2) (DAC codes): I = 0.2·(99 − 66 + 2·33) = 19.8 µA; unit = 0.2·33 = 6.6 µA → PS 3
  CHECK(xb.column_currents_ua({1, 1, 2})[0] == Approx(19.8));
  CHECK(xb.partial_sums({1, 1, 2})[0] == Approx(3.0));
  CHECK_THROWS_WITH(xb.program({4, 0, 0}), Contains("-3 .. 3"));

  // 8-bit magnitude 182 = 0b10'110'110 on 3-bit cells: ⌈8/3⌉ = 3 slices (6, 6, 2)
  CHECK(weight_slices(8, 3) == 3);
  CHECK(weight_slices(7, 7) == 1);  // the seed: 8-bit signed weights on 7-bit cells
  CHECK(split_weight(182, 8, 3) == std::vector<unsigned>{6, 6, 2});
  CHECK(shift_add({6, 6, 2}, 3) == Approx(182.0));
  CHECK_THROWS(split_weight(256, 8, 3));

  // Weights +5 and −3 (3-bit magnitudes) on 2-bit cells: slices 5 → (1, 1), 3 → (3, 0);
  // one column per slice.  x = (1, 1): slice 0 = 1 − 3 = −2, slice 1 = 1 + 0 = 1;
  // shift-add −2 + 1·4 = 2 = 5 − 3.
  RramCrossbar sliced(c, 2, 2);
  sliced.program({+1, +1, -3, 0});
  const auto ps = sliced.partial_sums({1, 1});
  CHECK(ps[0] == Approx(-2.0));
  CHECK(ps[1] == Approx(1.0));
  CHECK(shift_add(ps, 2) == Approx(2.0));
}

TEST_CASE("rram: log-normal variation at sigma 1 is never negative, seeded", "[circuit][rram]") {
  RramCellConfig c = binary();
  c.variation_sigma = 1.0;
  c.seed = 7;
  const unsigned n = 64;
  RramCrossbar xb(c, n, n, 3, 1, 2);
  xb.program(std::vector<int>(n * n, +1));
  double sum = 0.0, sum2 = 0.0, count = 0.0;
  for (unsigned r = 0; r < n; ++r)
    for (unsigned p = 0; p < xb.physical_columns(); ++p) {
      const double g = xb.conductance_us(r, p);
      REQUIRE(g > 0.0);
      const double nominal = p % 2 == 0 ? 100.0 : 1.0;
      const double z = std::log(g / nominal);
      sum += z;
      sum2 += z * z;
      count += 1.0;
    }
  // 8192 deviates of N(0, 1): the sample mean is within 5 standard errors (5/√8192 = 0.055)
  // of 0, the sample standard deviation within 5 % of 1.
  const double mean = sum / count;
  CHECK(std::abs(mean) < 0.055);
  CHECK(std::sqrt(sum2 / count - mean * mean) == Approx(1.0).epsilon(0.05));

  RramCrossbar same(c, n, n, 3, 1, 2);
  same.program(std::vector<int>(n * n, +1));
  RramCrossbar other_block(c, n, n, 3, 1, 3);
  other_block.program(std::vector<int>(n * n, +1));
  bool identical = true, differs = false;
  for (unsigned p = 0; p < xb.physical_columns(); ++p) {
    identical = identical && same.conductance_us(5, p) == xb.conductance_us(5, p);
    differs = differs || other_block.conductance_us(5, p) != xb.conductance_us(5, p);
  }
  CHECK(identical);
  CHECK(differs);
}

TEST_CASE("rram: stuck-at-HRS/LRS maps with given rates, seeded", "[circuit][rram]") {
  RramCellConfig c = binary();
  c.stuck_hrs_rate = 0.1;
  c.stuck_lrs_rate = 0.2;
  RramCrossbar xb(c, 100, 100);  // 20,000 physical cells
  xb.program(std::vector<int>(100 * 100, +1));
  double hrs = 0, lrs = 0;
  for (unsigned r = 0; r < 100; ++r)
    for (unsigned p = 0; p < 200; ++p) {
      const int s = xb.stuck(r, p);
      hrs += s < 0;
      lrs += s > 0;
      if (s < 0) CHECK(xb.conductance_us(r, p) == 1.0);
      if (s > 0) CHECK(xb.conductance_us(r, p) == 100.0);
    }
  // binomial: σ of the fraction ≈ √(0.2·0.8/20000) = 0.0028; 5σ = 0.014
  CHECK(hrs / 20000 == Approx(0.1).margin(0.014));
  CHECK(lrs / 20000 == Approx(0.2).margin(0.014));
  RramCrossbar again(c, 100, 100);
  bool identical = true;
  for (unsigned p = 0; p < 200; ++p) identical = identical && again.stuck(7, p) == xb.stuck(7, p);
  CHECK(identical);
}

TEST_CASE("rram: SET/RESET write energy and time", "[circuit][rram]") {
  RramCrossbar xb(binary(), 2, 2);  // erased: every cell HRS
  // [+1 −1; +1 +1]: one SET per weight (the G+ or G− cell goes to LRS), 4 SETs;
  // 2 rows with a SET phase each: 20 ns; 4 · 2 pJ = 8 pJ
  auto w = xb.program({+1, -1, +1, +1});
  CHECK(w.sets == 4);
  CHECK(w.resets == 0);
  CHECK(w.energy_pj == Approx(8.0));
  CHECK(w.time_ns == Approx(20.0));
  // weight (0,0) +1 → −1: RESET its G+ cell, SET its G− cell; only row 0 is written
  w = xb.program({-1, -1, +1, +1});
  CHECK(w.sets == 1);
  CHECK(w.resets == 1);
  CHECK(w.energy_pj == Approx(3.5));
  CHECK(w.time_ns == Approx(20.0));
}

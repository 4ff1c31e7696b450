// Array costs from geometry (array_geometry.h, ppa_energy.h): bit-line and word-line
// energies, read time, row-by-row read, row write, sensing levels, the truncated cell
// variation and the bit-line saturation, against values computed by hand in the comments
// (docs/ppa.md, "Array costs from geometry").
#include "cimvp/circuit/array_geometry.h"
#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <stdexcept>

using namespace cimvp;

namespace {

/// The sram65.yaml 6T geometry, written out by hand (platforms/tech/sram65.yaml).
ArrayGeometry geo65() {
  ArrayGeometry g;
  g.present = true;
  g.cell_width_um = 1.2;
  g.cell_height_um = 0.5;
  g.bl_junction_ff = 0.1;
  g.bl_fixed_ff = 5.0;
  g.wl_gate_ff = 0.12;
  g.wl_gates_per_cell = 2;
  g.wire_cap_ff_per_um = 0.2;
  g.wire_res_ohm_per_um = 1.3;
  g.wl_voltage_v = 0.6;
  g.read_current_ua = 10.0;
  g.bl_swing_v = 0.4;
  g.linear_range_rows = 64;
  g.full_read_current_ua = 40.0;
  g.sense_swing_v = 0.1;
  g.precharge_gate_fj = 2.0;
  g.driver_overhead = 0.2;
  g.driver_res_kohm = 2.5;
  g.min_precharge_ns = 1.0;
  g.min_evaluate_ns = 3.0;
  return g;
}

TechParams tech65() {
  TechParams t;
  t.node = "geo";
  t.feature_size_nm = 65;
  t.supply_v = 1.0;
  t.clock_period_ns = 5.0;
  BitcellTech& c = t.bitcell(CellKind::sram_6t);
  c.present = true;
  c.read.area_um2 = 0.52;
  c.geometry = geo65();
  t.mlsa_comparator = {0.02, 1.0, 10.0};
  t.adder_bit = {0.008, 0.03, 10.0};
  t.clock_cycle = {1.0, 0.0, 0.0};
  t.leakage_nw_per_um2 = 2.0;
  return t;
}

}  // namespace

TEST_CASE("bit-line and word-line capacitance grow with rows and columns", "[geometry]") {
  const ArrayGeometry g = geo65();
  // C_BL = R·(0.1 + 0.2·0.5) + 5 = 0.2·R + 5 fF
  CHECK(bitline_cap_ff(g, 16) == Approx(8.2));
  CHECK(bitline_cap_ff(g, 64) == Approx(17.8));  // the 17.8 fF of the old sram65 comment
  CHECK(bitline_cap_ff(g, 128) == Approx(30.6));
  CHECK(bitline_cap_ff(g, 1024) == Approx(209.8));
  // C_WL = C·(2·0.12 + 0.2·1.2) = 0.48·C fF
  CHECK(wordline_cap_ff(g, 16) == Approx(7.68));
  CHECK(wordline_cap_ff(g, 64) == Approx(30.72));
  CHECK(wordline_cap_ff(g, 1024) == Approx(491.52));
}

TEST_CASE("parallel read at 16, 128 and 1024 rows against hand-computed values", "[geometry]") {
  const ArrayGeometry g = geo65();
  SECTION("16 x 16") {
    const ParallelReadCost r = parallel_read_cost(g, 1.0, 16, 16);
    CHECK(r.precharge_fj == Approx(5.28));        // 8.2 fF · 0.4 V · 1 V + 2 fJ
    CHECK(r.wordline_fj == Approx(5.5296));       // 7.68 fF · 0.6 V · 1 V · 1.2
    // t_WL = ½ · (1.3 Ω/µm · 1.2 µm · 16) · 7.68 fF = 95.85 Ω·fF = 9.585e-5 ns
    CHECK(r.wordline_ns == Approx(9.5846e-5).epsilon(1e-4));
    CHECK(r.evaluate_ns == Approx(3.0));          // 8.2 · 0.4 / 10 = 0.328 ns < 3 ns pulse
    CHECK(r.cell_fj == Approx(30.0));             // 10 µA · 3 ns · 1 V
    CHECK(r.precharge_ns == Approx(1.0));         // 3 · 2.5 kΩ · 8.2 fF = 62 ps < 1 ns
    CHECK(r.latency_ns() == Approx(4.0));
  }
  SECTION("128 x 128") {
    const ParallelReadCost r = parallel_read_cost(g, 1.0, 128, 128);
    CHECK(r.precharge_fj == Approx(14.24));       // 30.6 · 0.4 + 2
    CHECK(r.wordline_fj == Approx(44.2368));      // 61.44 · 0.72
    CHECK(r.wordline_ns == Approx(6.13417e-3).epsilon(1e-4));  // ½ · 199.68 Ω · 61.44 fF
    CHECK(r.evaluate_ns == Approx(3.0));          // 1.224 ns + 6 ps < 3 ns
    CHECK(r.latency_ns() == Approx(4.0));
  }
  SECTION("1024 x 1024") {
    const ParallelReadCost r = parallel_read_cost(g, 1.0, 1024, 1024);
    CHECK(r.precharge_fj == Approx(85.92));       // 209.8 · 0.4 + 2
    CHECK(r.wordline_fj == Approx(353.8944));     // 491.52 · 0.72
    // ½ · (1.3 · 1.2 · 1024 = 1597.44 Ω) · 491.52 fF = 392 586.8 Ω·fF = 0.3925868 ns
    CHECK(r.wordline_ns == Approx(0.3925868).epsilon(1e-6));
    CHECK(r.evaluate_ns == Approx(8.7845868).epsilon(1e-6));  // 0.3926 + 209.8 · 0.4 / 10
    CHECK(r.cell_fj == Approx(87.845868).epsilon(1e-6));      // 10 µA · 8.7846 ns
    CHECK(r.precharge_ns == Approx(1.5735));      // 3 · 2.5 kΩ · 209.8 fF
    CHECK(r.latency_ns() == Approx(10.3580868).epsilon(1e-6));
  }
}

TEST_CASE("row-by-row read and row write from the same geometry", "[geometry]") {
  const ArrayGeometry g = geo65();
  const RowReadCost r = row_read_cost(g, 1.0, 64, 64);
  CHECK(r.precharge_fj == Approx(3.78));   // 17.8 fF · 0.1 V · 1 V + 2 fJ
  CHECK(r.wordline_fj == Approx(36.864));  // 30.72 fF · (1 V)² · 1.2
  CHECK(r.cell_fj == 0.0);                 // inside the precharge term
  // t_WL 1.53354 ps + 17.8 fF · 0.1 V / 40 µA = 44.5 ps; precharge 1 ns
  CHECK(r.evaluate_ns == Approx(0.04603354).epsilon(1e-6));
  CHECK(r.latency_ns() == Approx(1.04603354).epsilon(1e-6));

  const RowWriteCost w = row_write_cost(g, 1.0, 64, 64);
  // 64 · (17.8 fF · (1 V)² + 2 fJ) + 30.72 fF · (1 V)² · 1.2 = 1267.2 + 36.864 fJ
  CHECK(w.energy_fj == Approx(1304.064));
  // 1 ns precharge + 1.53 ps word line + 2.2 · 2.5 kΩ · 17.8 fF = 97.9 ps
  CHECK(w.latency_ns == Approx(1.09943354).epsilon(1e-6));
  // a 1024-row column: C_BL = 209.8 fF → 64 · 211.8 + 36.864 = 13 592.064 fJ
  CHECK(row_write_cost(g, 1.0, 1024, 64).energy_fj == Approx(13592.064));
}

TEST_CASE("array_read_costs: geometry-derived vs the file's constants", "[geometry]") {
  TechParams t = tech65();
  const ArrayEventCosts p16 = array_read_costs(t, CellKind::sram_6t, 16, 64, false);
  const ArrayEventCosts p1024 = array_read_costs(t, CellKind::sram_6t, 1024, 64, false);
  CHECK(p16.derived);
  CHECK(p16.precharge_pj == Approx(0.00528));
  CHECK(p1024.precharge_pj == Approx(0.08592));
  CHECK(p16.wordline_pj == Approx(0.0221184));    // 30.72 · 0.72 fJ, whatever the rows
  CHECK(p1024.wordline_pj == Approx(0.0221184));
  CHECK(p16.latency_ns == Approx(4.0));
  // 1024 × 64: precharge 1.5735 + pulse (1.53 ps + 8.392 ns)
  CHECK(p1024.latency_ns == Approx(1.5735 + 0.00153354 + 8.392).epsilon(1e-6));
  const ArrayEventCosts row = array_read_costs(t, CellKind::sram_6t, 64, 64, true);
  CHECK(row.latency_ns == Approx(1.04603354).epsilon(1e-6));
  CHECK(row.cell_pj == 0.0);
  CHECK(array_row_write_cost(t, CellKind::sram_6t, 64, 64).energy_pj == Approx(1.304064));
  CHECK(linear_range_rows(t, CellKind::sram_6t) == 64u);

  // without a geometry: the per-event constants, same at every size, no write model
  BitcellTech& c = t.bitcell(CellKind::sram_6t);
  c.geometry.present = false;
  c.read = {0.03, 3.0, 0.52};
  c.precharge = {0.009, 1.0, 1.0};
  c.wl_driver = {0.022, 0.0, 4.0};
  const ArrayEventCosts k = array_read_costs(t, CellKind::sram_6t, 1024, 1024, false);
  CHECK_FALSE(k.derived);
  CHECK(k.precharge_pj == 0.009);
  CHECK(k.latency_ns == Approx(4.0));
  CHECK(array_row_write_cost(t, CellKind::sram_6t, 64, 64).energy_pj == 0.0);
  CHECK(linear_range_rows(t, CellKind::sram_6t) == 0u);
  CHECK_THROWS_AS(array_read_costs(t, CellKind::sram_6t, 0, 64, false), std::invalid_argument);
}

TEST_CASE("two-way array: transposed read and cell writes from the same geometry", "[geometry][two_way]") {
  TechParams t = tech65();
  // 16 rows × 64 columns.  Forward: C_BL(16) = 8.2 fF, C_WL(64) = 30.72 fF (cases above).
  const ArrayEventCosts f = array_read_costs(t, CellKind::sram_6t, 16, 64, false);
  CHECK(f.precharge_pj == Approx(0.00528));
  CHECK(f.wordline_pj == Approx(0.0221184));
  // Transposed: the sensed row line runs over 64 cells at the 1.2 µm column pitch,
  // C = 64 · (0.1 + 0.2 · 1.2) + 5 = 26.76 fF → 26.76 · 0.4 V · 1 V + 2 = 12.704 fJ; the driven
  // column line over 16 cells at the 0.5 µm row pitch, C = 16 · (2 · 0.12 + 0.2 · 0.5) =
  // 5.44 fF → 5.44 · 0.6 V · 1 V · 1.2 = 3.9168 fJ; the cell conducts for the 3 ns pulse
  // (26.76 · 0.4 / 10 = 1.07 ns < 3 ns): 30 fJ; precharge 1 ns (3 · 2.5 kΩ · 26.76 fF = 0.2 ns).
  const ArrayEventCosts tr = transposed_read_costs(t, CellKind::sram_6t, 16, 64, false);
  CHECK(tr.derived);
  CHECK(tr.precharge_pj == Approx(0.012704));
  CHECK(tr.wordline_pj == Approx(0.0039168));
  CHECK(tr.cell_pj == Approx(0.030));
  CHECK(tr.latency_ns == Approx(4.0));
  // square arrays with square cells would be symmetric; this cell is not: the long sensed
  // line makes the transposed precharge dearer and the short driven line cheaper
  CHECK(tr.precharge_pj > f.precharge_pj);
  CHECK(tr.wordline_pj < f.wordline_pj);

  // Weight update, 64 × 64: one cell written = its bit line swung rail to rail plus the
  // gates, 17.8 fF · (1 V)² + 2 fJ = 19.8 fJ; one row write = its word line, 30.72 · 1.2 =
  // 36.864 fJ; a full row of 64 cells is then the row_write_cost total, 1304.064 fJ.
  const CellWriteCosts w = array_cell_write_costs(t, CellKind::sram_6t, 64, 64);
  CHECK(w.derived);
  CHECK(w.cell_pj == Approx(0.0198));
  CHECK(w.row_pj == Approx(0.036864));
  CHECK(w.row_latency_ns == Approx(1.09943354).epsilon(1e-6));
  CHECK(64 * w.cell_pj + w.row_pj == Approx(array_row_write_cost(t, CellKind::sram_6t, 64, 64).energy_pj));
  // the bit line grows with the rows: 1024 rows → 209.8 + 2 fJ per cell written
  CHECK(array_cell_write_costs(t, CellKind::sram_6t, 1024, 64).cell_pj == Approx(0.2118));
  CHECK_THROWS_AS(array_cell_write_costs(t, CellKind::sram_6t, 0, 64), std::invalid_argument);

  // without a geometry: the file's per-event constants, the same in both directions, and its
  // `cell_write` (energy per cell, latency per row write; no word-line term)
  BitcellTech& c = t.bitcell(CellKind::sram_6t);
  c.geometry.present = false;
  c.read = {0.03, 3.0, 0.52};
  c.precharge = {0.009, 1.0, 1.0};
  c.wl_driver = {0.022, 0.0, 4.0};
  c.cell_write = {0.0078, 2.5, 0.0};
  const ArrayEventCosts k = transposed_read_costs(t, CellKind::sram_6t, 16, 64, false);
  CHECK_FALSE(k.derived);
  CHECK(k.precharge_pj == 0.009);
  CHECK(k.wordline_pj == 0.022);
  const CellWriteCosts kw = array_cell_write_costs(t, CellKind::sram_6t, 64, 64);
  CHECK_FALSE(kw.derived);
  CHECK(kw.cell_pj == 0.0078);
  CHECK(kw.row_pj == 0.0);
  CHECK(kw.row_latency_ns == 2.5);
}

TEST_CASE("geometry validation names the field", "[geometry]") {
  ArrayGeometry g = geo65();
  g.read_current_ua = 0.0;
  CHECK_THROWS_WITH(validate_geometry(g, "bitcells.sram_6t.geometry"),
                    Catch::Contains("bitcells.sram_6t.geometry.read_current_ua") && Catch::Contains("> 0"));
  g = geo65();
  g.wl_gates_per_cell = 0;
  CHECK_THROWS_WITH(validate_geometry(g, "x"), Catch::Contains("x.wl_gates_per_cell: expected 1..4"));
  TechParams t = tech65();
  t.bitcell(CellKind::sram_6t).geometry.bl_swing_v = -0.4;
  CHECK_THROWS_WITH(validate_tech(t), Catch::Contains("tech 'geo'") && Catch::Contains("geometry.bl_swing_v"));
}

TEST_CASE("sensing levels: unipolar 2R + 1, bipolar R + 1", "[geometry][sense]") {
  // brute force over every weight and input pattern of 4 rows
  std::set<int> uni, bi;
  for (unsigned w = 0; w < 16; ++w)
    for (unsigned x = 0; x < 16; ++x) {
      int su = 0, sb = 0;
      for (unsigned r = 0; r < 4; ++r) {
        const int wr = (w >> r & 1u) ? 1 : -1;
        su += wr * static_cast<int>(x >> r & 1u);
        sb += wr * ((x >> r & 1u) ? 1 : -1);
      }
      uni.insert(su);
      bi.insert(sb);
    }
  CHECK(reachable_partial_sums(4, false) == uni.size());  // 9
  CHECK(reachable_partial_sums(4, true) == bi.size());    // 5
  CHECK(reachable_partial_sums(64, false) == 129u);       // the HBNN column
  CHECK(reachable_partial_sums(64, true) == 65u);
  CHECK(reachable_partial_sums(64, false) == PsRange::of(64, InputKind::unipolar).count);
  CHECK(reachable_partial_sums(64, true) == PsRange::of(64, InputKind::bipolar).count);
  // exact flash / MLSA: levels − 1 comparators (not 2^⌈log2(R+1)⌉ − 1 = 127)
  CHECK(exact_sense_comparators(64, false) == 128u);
  CHECK(exact_sense_comparators(64, true) == 64u);
  // exact SAR: ⌈log2(levels)⌉ bits: 129 levels → 8, 65 → 7
  CHECK(exact_sense_bits(64, false) == 8u);
  CHECK(exact_sense_bits(64, true) == 7u);
  CHECK(exact_sense_bits(1, true) == 1u);  // 2 levels: a plain SA
  // b-bit MLSA: 2^b − 1, never more than levels − 1
  CHECK(mlsa_comparators_for(3, 64, true) == 7u);
  CHECK(mlsa_comparators_for(8, 64, true) == 64u);
  CHECK(mlsa_comparators_for(8, 64, false) == 128u);
  CHECK(mlsa_comparators_for(3, 4, true) == 4u);  // 5 levels
}

TEST_CASE("cell variation is a truncated normal: no negative current", "[geometry][variation]") {
  SubArrayConfig cfg;
  cfg.rows = 1024;
  cfg.cols = 64;
  SubArray a(cfg);
  a.set_cell_variation(1.0, 7);
  double sum = 0.0, sum2 = 0.0, lo = 1e9;
  const double n = 1024.0 * 64.0;
  for (unsigned r = 0; r < 1024; ++r)
    for (unsigned c = 0; c < 64; ++c) {
      const double f = a.cell_factor(r, c);
      lo = std::min(lo, f);
      sum += f;
      sum2 += f * f;
    }
  CHECK(lo > 0.0);
  // N(1, 1) truncated to (0, ∞): α = −1, λ = φ(1)/Φ(1) = 0.241971/0.841345 = 0.287600;
  // mean 1 + λ = 1.2876; variance 1 + α·λ − λ² = 0.629686 (sd 0.79353).
  // 65 536 draws: standard error of the mean 0.0031.
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  CHECK(mean == Approx(1.2876).margin(0.015));
  CHECK(sd == Approx(0.79353).margin(0.015));
  // small sigma: no draw is redrawn, the factors are plain 1 + N(0, σ): mean 1
  a.set_cell_variation(0.05, 7);
  double s = 0.0;
  for (unsigned r = 0; r < 1024; ++r)
    for (unsigned c = 0; c < 64; ++c) s += a.cell_factor(r, c);
  CHECK(s / n == Approx(1.0).margin(0.001));
  // sigma range
  CHECK_THROWS_WITH(a.set_cell_variation(1.5, 7), Catch::Contains("[0, 1]"));
  CHECK_THROWS_AS(a.set_cell_variation(-0.1, 7), std::invalid_argument);
  CHECK_NOTHROW(a.set_cell_variation(0.0, 7));
  CHECK_FALSE(a.has_cell_factors());
}

TEST_CASE("bit-line saturation beyond the linear range clips the partial sum", "[geometry][saturation]") {
  // 8 bipolar rows: PS in {−8, −6, …, 8}; ideal sensing, linear range 4
  const PsRange r = PsRange::of(8, InputKind::bipolar);
  const Quantizer q = Quantizer::ideal(r).saturated(4.0);
  // sensed value (half units) of clamp(PS, −4, 4)
  for (unsigned t = 0; t < r.count; ++t) {
    const int ps = r.value(t);
    const int clipped = ps > 4 ? 4 : ps < -4 ? -4 : ps;
    CHECK(q.value_half(q.level(ps)) == 2 * clipped);
  }
  // the analog path: 7.3 and 100 clip to 4, −5.5 to −4
  CHECK(q.value_half(q.level(7.3)) == 8);
  CHECK(q.value_half(q.level(100.0)) == 8);
  CHECK(q.value_half(q.level(-5.5)) == -8);
  // within the range nothing changes; limit 0 or beyond the range: the same quantizer
  const Quantizer same = Quantizer::ideal(r).saturated(8.0);
  CHECK(same.references() == Quantizer::ideal(r).references());
  CHECK(Quantizer::ideal(r).saturated(0.0).references() == Quantizer::ideal(r).references());
  // the sense configuration applies it to every transfer function (golden and hardware)
  SenseConfig s;
  s.quantization = Quantization::linear;
  s.bits = 3;
  s.linear_range = 32;
  const Quantizer lin = s.nominal(PsRange::of(128, InputKind::bipolar));
  CHECK(lin.value_half(lin.level(128.0)) == lin.value_half(lin.level(32.0)));
  CHECK(lin.value_half(lin.level(-128.0)) == lin.value_half(lin.level(-32.0)));
  s.linear_range = 0;
  const Quantizer free = s.nominal(PsRange::of(128, InputKind::bipolar));
  CHECK(free.value_half(free.level(128.0)) > free.value_half(free.level(32.0)));
}

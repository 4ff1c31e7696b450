// RRAM cells in the array stage's circuit definition (ArrayBank with CellVariationConfig::kind
// = rram; rram_cell.h rram_weight_cells, docs/rram.md "RRAM array stage").
#include <catch2/catch.hpp>

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/rram_cell.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace cimvp;

namespace {

CellVariationConfig rram_cells(double sigma = 0.0, double hrs = 0.0, double lrs = 0.0, std::uint64_t seed = 1) {
  CellVariationConfig c;
  c.kind = ArrayKind::rram;
  c.rram.g_lrs_us = 100.0;
  c.rram.g_hrs_us = 1.0;
  c.rram.v_read_v = 0.2;
  c.rram.variation_sigma = sigma;
  c.rram.stuck_hrs_rate = hrs;
  c.rram.stuck_lrs_rate = lrs;
  c.rram.seed = seed;
  return c;
}

std::vector<std::int8_t> random_weights(std::size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::vector<std::int8_t> w(n);
  for (auto& v : w) v = (g() & 1u) ? 1 : -1;
  return w;
}

BitMatrix random_inputs(std::size_t n, std::size_t k, unsigned seed) {
  std::mt19937 g(seed);
  BitMatrix x(n, k);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b < k; ++b) x.set(i, b, (g() & 1u) != 0);
  return x;
}

}  // namespace

TEST_CASE("RRAM 4x2 example: column currents by Ohm and Kirchhoff, by hand", "[circuit][rram]") {
  // 4 inputs (rows) x 2 neurons (columns), one 4x2 crossbar.  W[j][k] row-major (neuron j).
  const std::vector<std::int8_t> w = {+1, -1, +1, -1,   // neuron 0
                                      +1, +1, -1, -1};  // neuron 1
  SubArrayConfig sa;
  sa.rows = 4;
  sa.cols = 2;
  sa.mode = CellMode::hbnn_6t;  // inputs 0/1: x·V_read on a row
  const std::vector<std::uint8_t> x = {1, 0, 1, 1};
  BitMatrix xb(1, 4);
  for (unsigned k = 0; k < 4; ++k) xb.set(0, k, x[k] != 0);

  SECTION("differential pairs, ideal: I = V·(G_LRS − G_HRS)·Σ x·w") {
    const CellVariationConfig c = rram_cells();
    // +1 weight: G+ = 100 µS, G− = 1 µS → 0.2 V · 99 µS = 19.8 µA per driven row
    const RramWeightCells p = rram_weight_cells(c.rram, 0, 0, 0, 0, +1);
    CHECK(p.a_us == 100.0);
    CHECK(p.b_us == 1.0);
    CHECK(p.weight == 1.0);
    CHECK(c.rram.unit_current_ua() == Approx(19.8));
    const ArrayBank bank(4, 2, w.data(), InputKind::unipolar, sa, c, 0);
    CHECK_FALSE(bank.sub_array(0, 0).has_cell_factors());  // ideal cells: the integer path
    std::vector<std::int32_t> ps;
    bank.sub_array(0, 0).partial_sums(xb.row(0), xb.words(), 1, InputKind::unipolar, ps);
    // neuron 0: x·w = 1 + 0 + 1 − 1 = 1 → 19.8 µA; neuron 1: 1 + 0 − 1 − 1 = −1 → −19.8 µA
    REQUIRE(ps.size() == 2);
    CHECK(ps[0] * c.rram.unit_current_ua() == Approx(19.8));
    CHECK(ps[1] * c.rram.unit_current_ua() == Approx(-19.8));
  }
  SECTION("reference column, ideal: G_ref = (G_HRS + G_LRS)/2, unit V·ΔG/2") {
    CellVariationConfig c = rram_cells();
    c.rram.scheme = RramWeightScheme::reference_column;
    const RramWeightCells p = rram_weight_cells(c.rram, 0, 2, 1, 0, -1);
    CHECK(p.a_us == 1.0);   // −1 → HRS
    CHECK(p.b_us == 50.5);  // reference
    CHECK(p.weight == Approx(-1.0));
    CHECK(c.rram.unit_current_ua() == Approx(0.2 * 49.5));  // 9.9 µA
  }
  SECTION("every cell stuck at LRS (or HRS): both cells of a pair equal, no current") {
    for (const auto& c : {rram_cells(0.0, 0.0, 1.0), rram_cells(0.0, 1.0, 0.0)}) {
      const ArrayBank bank(4, 2, w.data(), InputKind::unipolar, sa, c, 0);
      std::vector<double> ps;
      bank.sub_array(0, 0).analog_partial_sums(xb.row(0), xb.words(), 1, InputKind::unipolar, nullptr, ps);
      REQUIRE(ps.size() == 2);
      CHECK(ps[0] == 0.0);
      CHECK(ps[1] == 0.0);
    }
  }
  SECTION("half the cells stuck at HRS: currents from the stuck map by hand") {
    const CellVariationConfig c = rram_cells(0.0, 0.5, 0.0, 7);
    const ArrayBank bank(4, 2, w.data(), InputKind::unipolar, sa, c, 3);
    std::vector<double> ps;
    bank.sub_array(0, 0).analog_partial_sums(xb.row(0), xb.words(), 1, InputKind::unipolar, nullptr, ps);
    unsigned stuck = 0;
    for (unsigned j = 0; j < 2; ++j) {
      double current_ua = 0.0;
      for (unsigned k = 0; k < 4; ++k) {
        const int wk = w[j * 4 + k];
        // programmed: +1 → (LRS, HRS), −1 → (HRS, LRS); a stuck cell is at HRS = 1 µS
        const bool plus_stuck = rram_stuck_state(c.rram, 3, k, j, 0) != 0;
        const bool minus_stuck = rram_stuck_state(c.rram, 3, k, j, 1) != 0;
        stuck += plus_stuck + minus_stuck;
        const double gp = (wk > 0 && !plus_stuck) ? 100.0 : 1.0;
        const double gm = (wk < 0 && !minus_stuck) ? 100.0 : 1.0;
        current_ua += x[k] * 0.2 * (gp - gm);
      }
      CHECK(ps[j] * 19.8 == Approx(current_ua).margin(1e-9));
    }
    CHECK(stuck > 0);  // the example exercises stuck cells (8 pairs, p = 0.5 each cell)
  }
}

TEST_CASE("ideal RRAM cells give exactly the SRAM results", "[circuit][rram]") {
  const unsigned K = 150, M = 40;
  const auto w = random_weights(std::size_t{K} * M, 11);
  const BitMatrix x = random_inputs(64, K, 12);
  for (const auto scheme : {RramWeightScheme::differential_pair, RramWeightScheme::reference_column}) {
    MappingConfig sram;
    sram.array.rows = 64;
    sram.array.cols = 16;
    sram.sense.kind = SenseKind::adc;
    sram.sense.bits = 5;
    MappingConfig rram = sram;
    rram.cells = rram_cells();
    rram.cells.rram.scheme = scheme;
    const MappedLayer a(K, M, w, InputKind::bipolar, 1, sram, 2), b(K, M, w, InputKind::bipolar, 1, rram, 2);
    std::vector<std::int32_t> sa, sb;
    a.evaluate(x, sa);
    b.evaluate(x, sb);
    CHECK(sa == sb);
  }
}

TEST_CASE("RRAM variation and stuck cells: seeded, tiling-independent, conductances positive", "[circuit][rram]") {
  const unsigned K = 70, M = 20;
  const auto w = random_weights(std::size_t{K} * M, 3);
  SubArrayConfig big, small;
  big.rows = 64;
  big.cols = 16;
  small.rows = 16;
  small.cols = 8;
  const CellVariationConfig c = rram_cells(0.3, 0.01, 0.01, 5);
  const ArrayBank a(K, M, w.data(), InputKind::bipolar, big, c, 4), a2(K, M, w.data(), InputKind::bipolar, big, c, 4),
      b(K, M, w.data(), InputKind::bipolar, small, c, 4);
  const CellVariationConfig other_seed = rram_cells(0.3, 0.01, 0.01, 6);
  const ArrayBank d(K, M, w.data(), InputKind::bipolar, big, other_seed, 4);
  std::size_t differ = 0, flipped = 0;
  for (unsigned k = 0; k < K; ++k)
    for (unsigned j = 0; j < M; ++j) {
      const double fa = a.sub_array(k / 64, j / 16).cell_factor(k % 64, j % 16);
      CHECK(fa == a2.sub_array(k / 64, j / 16).cell_factor(k % 64, j % 16));  // same seed, same cells
      CHECK(fa == b.sub_array(k / 16, j / 8).cell_factor(k % 16, j % 8));     // another tiling, same cells
      differ += fa != d.sub_array(k / 64, j / 16).cell_factor(k % 64, j % 16);
      // the factor is the pair's normalized current over the programmed weight
      const int wk = w[std::size_t{j} * K + k];
      const RramWeightCells p = rram_weight_cells(c.rram, 4, k, j, j / 16, wk);
      CHECK(p.a_us > 0.0);
      CHECK(p.b_us > 0.0);
      CHECK(fa == wk * (p.a_us - p.b_us) / 99.0);
      flipped += fa < 0.0;
    }
  CHECK(differ == std::size_t{K} * M);  // another seed, other draws for every cell
  (void)flipped;
  // log-normal factors: never negative even at sigma = 1; median 1
  CellVariationConfig wide = rram_cells(1.0);
  std::size_t below = 0;
  const unsigned n = 4000;
  for (unsigned i = 0; i < n; ++i) {
    const double f = rram_variation_factor(wide.rram, 0, i, 0, 0);
    CHECK(f > 0.0);
    below += f < 1.0;
  }
  CHECK(below > n / 2 - 130);  // binomial sigma 32
  CHECK(below < n / 2 + 130);
}

TEST_CASE("RRAM array: evaluation reproducible by seed and changed by it", "[circuit][rram]") {
  const unsigned K = 200, M = 30;
  const auto w = random_weights(std::size_t{K} * M, 21);
  const BitMatrix x = random_inputs(32, K, 22);
  MappingConfig cfg;
  cfg.array.rows = 64;
  cfg.array.cols = 32;
  cfg.sense.kind = SenseKind::adc;
  cfg.sense.bits = 7;
  auto run = [&](std::uint64_t seed) {
    MappingConfig m = cfg;
    m.cells = rram_cells(0.5, 0.02, 0.02, seed);
    const MappedLayer l(K, M, w, InputKind::bipolar, 1, m, 1);
    std::vector<std::int32_t> s;
    l.evaluate(x, s);
    return s;
  };
  MappingConfig ideal = cfg;
  ideal.cells = rram_cells();
  std::vector<std::int32_t> exact;
  MappedLayer(K, M, w, InputKind::bipolar, 1, ideal, 1).evaluate(x, exact);
  const auto a = run(1);
  CHECK(a == run(1));
  CHECK(a != run(2));
  CHECK(a != exact);
}

TEST_CASE("RRAM array configuration errors name the field and the allowed values", "[circuit][rram]") {
  CellVariationConfig c = rram_cells();
  c.sigma = 0.1;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("rram.variation_sigma"));
  c = rram_cells();
  c.faults.rate = 0.1;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("stuck_hrs_rate"));
  c = rram_cells();
  c.rram.cell_bits = 2;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("cell_bits = 2") && Catch::Contains("expected 1"));
  c = rram_cells(1.5);
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("variation_sigma = 1.5"));
  CHECK_THROWS_WITH(parse_array_kind("pcm"), "array kind 'pcm': expected sram|rram");
  CHECK(parse_array_kind("rram") == ArrayKind::rram);
  CHECK(std::string(to_string(ArrayKind::sram)) == "sram");
  // rram banks do not take row writes (two-way arrays are SRAM)
  const std::vector<std::int8_t> w = {1, -1, 1, -1};
  SubArrayConfig sa;
  sa.rows = 2;
  sa.cols = 2;
  ArrayBank bank(2, 2, w.data(), InputKind::bipolar, sa, rram_cells(), 0);
  const std::int8_t col[2] = {1, 1};
  CHECK_THROWS_AS(bank.write_row(0, col), std::logic_error);
}

// Layer-1 PPA pricing (ppa_tech.h, ppa_energy.h): each priced event against hand-computed
// values, on a hand-built TechParams with round numbers.
#include <catch2/catch.hpp>

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/ppa_tech.h"

#include <stdexcept>
#include <string>

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {

/// Round numbers so every expected value below is computed by hand.
TechParams toy_tech() {
  TechParams t;
  t.node = "toy";
  t.description = "round numbers";
  t.feature_size_nm = 65;
  t.supply_v = 1.0;
  t.clock_period_ns = 5.0;
  BitcellTech& c6 = t.bitcell(CellKind::sram_6t);
  c6.present = true;
  c6.read = {0.03, 3.0, 0.5};
  c6.precharge = {0.01, 1.0, 1.0};
  c6.wl_driver = {0.02, 0.0, 4.0};
  BitcellTech& c8 = t.bitcell(CellKind::sram_8t);
  c8 = c6;
  c8.wordlines_per_row = 2;
  c8.read.area_um2 = 0.75;
  t.mlsa_comparator = {0.02, 1.0, 10.0};
  t.adc.latency_law = LatencyLaw::per_bit;
  t.adc.reference = {8, {5.12, 8.0, 5000.0}};
  t.dac.latency_law = LatencyLaw::constant;
  t.dac.reference = {4, {0.032, 1.0, 52.0}};
  t.adder_bit = {0.008, 0.03, 10.0};
  t.activation_bit = {0.004, 0.03, 4.0};
  t.line_buffer = {0.25, 0.5, 0.75, 1.0, 2.0};
  t.reg = {0.002, 0.005, 6.0, 0.0, 0.0};
  t.dma_byte = {1.0, 0.0, 10000.0};
  t.dram_access = {1000.0, 0.0, 0.0};
  t.dram_byte = {40.0, 0.0, 0.0};
  t.leakage_nw_per_um2 = 2.0;
  t.clock_cycle = {1.0, 0.0, 0.0};
  return t;
}

}  // namespace

TEST_CASE("cell kinds have stable names and map from cell modes", "[tech]") {
  CHECK(std::string(to_string(CellKind::sram_6t)) == "sram_6t");
  CHECK(std::string(to_string(CellKind::rram_0t1r)) == "rram_0t1r");
  for (std::size_t i = 0; i < kCellKindCount; ++i) {
    const auto k = static_cast<CellKind>(i);
    REQUIRE(parse_cell_kind(to_string(k)).has_value());
    CHECK(*parse_cell_kind(to_string(k)) == k);
  }
  CHECK_FALSE(parse_cell_kind("sram_7t").has_value());
  CHECK(cell_kind_for(CellMode::hbnn_6t) == CellKind::sram_6t);
  CHECK(cell_kind_for(CellMode::xnor_8t) == CellKind::sram_8t);
}

TEST_CASE("bitcell array events are priced per cell, column and word line", "[tech]") {
  const TechParams t = toy_tech();
  // 32 active word lines × 64 columns = 2048 cell events × 0.03 pJ = 61.44 pJ
  CHECK(bitcell_read_energy_pj(t, CellKind::sram_6t, 32 * 64) == Approx(61.44));
  CHECK(precharge_energy_pj(t, CellKind::sram_6t, 64) == Approx(0.64));   // 64 × 0.01
  CHECK(wl_driver_energy_pj(t, CellKind::sram_6t, 32) == Approx(0.64));   // 32 × 0.02
  CHECK(array_read_latency_ns(t, CellKind::sram_6t) == Approx(4.0));      // 1 + 0 + 3
  CHECK(bitcell_read_energy_pj(t, CellKind::sram_6t, 0) == 0.0);
}

TEST_CASE("MLSA cost scales with its 2^b - 1 comparators", "[tech]") {
  const TechParams t = toy_tech();
  CHECK(mlsa_comparators(1) == 1);
  CHECK(mlsa_comparators(3) == 7);
  CHECK(mlsa_comparators(5) == 31);
  CHECK(mlsa_conversion_energy_pj(t, 1) == Approx(0.02));
  CHECK(mlsa_conversion_energy_pj(t, 3) == Approx(0.14));   // 7 × 0.02
  CHECK(mlsa_area_um2(t, 3) == Approx(70.0));               // 7 × 10
  CHECK(mlsa_conversion_latency_ns(t, 1) == Approx(1.0));   // flash: same at any b
  CHECK(mlsa_conversion_latency_ns(t, 5) == Approx(1.0));
  CHECK_THROWS_WITH(mlsa_comparators(0), Contains("1..16") && Contains("got 0"));
  CHECK_THROWS_AS(mlsa_comparators(17), std::invalid_argument);
}

TEST_CASE("converters follow the Walden law from the reference point", "[tech]") {
  const TechParams t = toy_tech();
  // reference 8 bits, 5.12 pJ = FOM 20 fJ × 2^8; SAR latency 1 ns per bit
  const EventCost a8 = adc_cost(t, 8);
  CHECK(a8.energy_pj == Approx(5.12));
  CHECK(a8.latency_ns == Approx(8.0));
  CHECK(a8.area_um2 == Approx(5000.0));
  const EventCost a4 = adc_cost(t, 4);
  CHECK(a4.energy_pj == Approx(0.32));    // 20 fJ × 16
  CHECK(a4.latency_ns == Approx(4.0));
  CHECK(a4.area_um2 == Approx(312.5));    // 5000 / 16
  const EventCost a10 = adc_cost(t, 10);
  CHECK(a10.energy_pj == Approx(20.48));  // 20 fJ × 1024
  CHECK(a10.latency_ns == Approx(10.0));
  // DAC: reference 4 bits, constant latency
  const EventCost d1 = dac_cost(t, 1);
  CHECK(d1.energy_pj == Approx(0.004));   // 0.032 / 8
  CHECK(d1.area_um2 == Approx(6.5));      // 52 / 8
  CHECK(d1.latency_ns == Approx(1.0));
  CHECK_THROWS_AS(adc_cost(t, 0), std::invalid_argument);
  CHECK_THROWS_AS(adc_cost(t, 17), std::invalid_argument);
}

TEST_CASE("explicit converter points override the law", "[tech]") {
  TechParams t = toy_tech();
  t.adc.points.push_back({4, {120.0, 10.0, 14.4}});
  CHECK(adc_cost(t, 4).energy_pj == Approx(120.0));
  CHECK(adc_cost(t, 4).area_um2 == Approx(14.4));
  CHECK(adc_cost(t, 5).energy_pj == Approx(0.64));  // not listed: law, 5.12 / 8
}

TEST_CASE("digital periphery, storage, DMA, DRAM and clock", "[tech]") {
  const TechParams t = toy_tech();
  const EventCost add = adder_cost(t, 8);
  CHECK(add.energy_pj == Approx(0.064));   // 8 × 0.008
  CHECK(add.latency_ns == Approx(0.24));   // ripple 8 × 0.03
  CHECK(add.area_um2 == Approx(80.0));
  const EventCost act = activation_cost(t, 11);
  CHECK(act.energy_pj == Approx(0.044));   // 11 × 0.004
  CHECK(act.area_um2 == Approx(44.0));
  CHECK(storage_read_energy_pj(t.line_buffer, 64) == Approx(16.0));   // 64 × 0.25
  CHECK(storage_write_energy_pj(t.line_buffer, 64) == Approx(32.0));  // 64 × 0.5
  CHECK(storage_area_um2(t.line_buffer, 1024) == Approx(768.0));      // 1024 × 0.75
  CHECK(storage_write_energy_pj(t.reg, 32) == Approx(0.16));
  CHECK(dma_energy_pj(t, 64) == Approx(64.0));
  CHECK(dram_energy_pj(t, 2, 128) == Approx(7120.0));  // 2 × 1000 + 128 × 40
  CHECK(clock_energy_pj(t, 10) == Approx(10.0));
}

TEST_CASE("leakage energy grows linearly with area and simulated time", "[tech]") {
  const TechParams t = toy_tech();
  // 2 nW/µm² × 1000 µm² = 2 µW; over 1 ms = 2 nJ = 2000 pJ
  CHECK(leakage_energy_pj(t, 1000.0, 1e6) == Approx(2000.0));
  CHECK(leakage_energy_pj(t, 1000.0, 2e6) == Approx(4000.0));
  CHECK(leakage_energy_pj(t, 500.0, 1e6) == Approx(1000.0));
  CHECK(leakage_energy_pj(t, 1000.0, 0.0) == 0.0);
}

TEST_CASE("signed accumulator widths", "[tech]") {
  CHECK(signed_bits_for(0) == 1);
  CHECK(signed_bits_for(1) == 2);    // [-1, 1]
  CHECK(signed_bits_for(63) == 7);   // 2^6 - 1 = 63
  CHECK(signed_bits_for(64) == 8);
  CHECK(signed_bits_for(127) == 8);
  CHECK(signed_bits_for(128) == 9);
  CHECK(signed_bits_for(784) == 11);  // 1023 >= 784 > 511
}

TEST_CASE("validate_tech names the offending field", "[tech]") {
  TechParams t = toy_tech();
  CHECK_NOTHROW(validate_tech(t));
  t.bitcell(CellKind::sram_6t).read.energy_pj = -1.0;
  CHECK_THROWS_WITH(validate_tech(t),
                    Contains("tech 'toy'") && Contains("bitcells.sram_6t.read.energy_pj") &&
                        Contains(">= 0") && Contains("-1"));
  t = toy_tech();
  t.adc.reference.bits = 0;
  CHECK_THROWS_WITH(validate_tech(t), Contains("adc.reference.bits") && Contains("1..16"));
  t = toy_tech();
  t.clock_period_ns = 0.0;
  CHECK_THROWS_WITH(validate_tech(t), Contains("clock_period_ns") && Contains("> 0"));
  t = toy_tech();
  t.bitcell(CellKind::sram_6t).present = false;
  t.bitcell(CellKind::sram_8t).present = false;
  CHECK_THROWS_WITH(validate_tech(t), Contains("bitcells") && Contains("at least one"));
}

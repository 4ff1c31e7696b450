// Technology files (platforms/tech/*.yaml) and their loader (cimvp/platform/tech_file.h):
// every shipped file loads, Table III of Tang et al. ASP-DAC 2017 reads back from
// rram.yaml, and bad files fail with located, explicit messages.
#include <catch2/catch.hpp>

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/platform/tech_file.h"

#include <string>

using namespace cimvp;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string tech_path(const char* name) {
  return std::string(CIMVP_TEST_DATA) + "/../../platforms/tech/" + name;
}

/// A small valid document; tests edit one line of it.
const std::string kMinimal = R"(node: mini
description: smallest valid file
feature_size_nm: 65
supply_v: 1.0
clock_period_ns: 5
bitcells:
  sram_6t:
    read: {energy_pj: 0.03, latency_ns: 3, area_um2: 0.5}
mlsa:
  comparator: {energy_pj: 0.02, latency_ns: 1, area_um2: 10}
adc:
  reference: {bits: 8, energy_pj: 5.12, area_um2: 5000}
dac:
  reference: {bits: 4, energy_pj: 0.032, area_um2: 52}
adder: {width_bits: 8, energy_pj: 0.064, latency_ns: 0.24, area_um2: 80}
activation: {width_bits: 1, energy_pj: 0.004, area_um2: 4}
line_buffer:
  width_bits: 64
  read: {energy_pj: 16}
  write: {energy_pj: 32}
  area_um2: 48
register:
  width_bits: 1
  read: {energy_pj: 0.002}
  write: {energy_pj: 0.005}
  area_um2: 6
dma:
  byte: {energy_pj: 1.0, area_um2: 10000}
dram:
  access: {energy_pj: 1000}
  byte: {energy_pj: 40}
leakage:
  power_nw_per_um2: 2.0
clock:
  cycle: {energy_pj: 1.0}
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("the minimal document parses into per-bit and per-event figures", "[tech][tech_file]") {
  const TechParams t = parse_tech_file(kMinimal, "mini.yaml");
  CHECK(t.node == "mini");
  CHECK(t.has(CellKind::sram_6t));
  CHECK_FALSE(t.has(CellKind::sram_8t));
  CHECK(t.bitcell(CellKind::sram_6t).wordlines_per_row == 1);
  CHECK(t.bitcell(CellKind::sram_6t).precharge.energy_pj == 0.0);  // optional, absent
  CHECK(t.adder_bit.energy_pj == Approx(0.008));   // 0.064 / 8 bits
  CHECK(t.adder_bit.latency_ns == Approx(0.03));   // 0.24 / 8 bits
  CHECK(t.adder_bit.area_um2 == Approx(10.0));     // 80 / 8 bits
  CHECK(t.line_buffer.read_energy_pj_per_bit == Approx(0.25));   // 16 / 64
  CHECK(t.line_buffer.write_energy_pj_per_bit == Approx(0.5));   // 32 / 64
  CHECK(t.line_buffer.area_um2_per_bit == Approx(0.75));         // 48 / 64
  CHECK(t.adc.latency_law == LatencyLaw::constant);
  CHECK(t.adc.reference.bits == 8);
  CHECK(t.transistor_area_um2 == 0.0);
  CHECK(t.power_period_ns == 0.0);
}

TEST_CASE("every shipped technology file loads and validates", "[tech][tech_file]") {
  const TechParams s65 = load_tech_file(tech_path("sram65.yaml"));
  CHECK(s65.node == "sram65");
  CHECK(s65.feature_size_nm == 65);
  CHECK(s65.has(CellKind::sram_6t));
  CHECK(s65.has(CellKind::sram_8t));
  CHECK(s65.bitcell(CellKind::sram_8t).wordlines_per_row == 2);
  CHECK(s65.adc.latency_law == LatencyLaw::per_bit);
  CHECK_NOTHROW(validate_tech(s65));

  const TechParams s28 = load_tech_file(tech_path("sram28.yaml"));
  CHECK(s28.node == "sram28");
  CHECK(s28.has(CellKind::sram_8t_twoway));
  CHECK(s28.supply_v == Approx(0.9));
  CHECK_NOTHROW(validate_tech(s28));

  const TechParams rr = load_tech_file(tech_path("rram.yaml"));
  CHECK(rr.has(CellKind::rram_1t1r));
  CHECK(rr.has(CellKind::rram_0t1r));
  CHECK_FALSE(rr.has(CellKind::sram_6t));
  CHECK_NOTHROW(validate_tech(rr));
}

// Tang et al., ASP-DAC 2017, TABLE III "Area and Power Cost of Circuit Elements", as
// published: areas in F² or transistors (T), powers in mW.  rram.yaml converts them with
// F = 45 nm, T = 0.2 µm², energy = power × 10 ns; this test converts back.
TEST_CASE("Table III components read back from rram.yaml", "[tech][tech_file][calibration]") {
  const TechParams t = load_tech_file(tech_path("rram.yaml"));
  REQUIRE(t.feature_size_nm == 45);
  REQUIRE(t.transistor_area_um2 == Approx(0.2));
  REQUIRE(t.power_period_ns == Approx(10.0));
  const double f2 = 0.045 * 0.045;                        // µm² per F²
  const auto T = [&](double um2) { return um2 / 0.2; };   // µm² → transistors
  const auto mW = [&](double pj) { return pj / 10.0; };   // pJ per 10 ns → mW

  // 1T1R: (1 + W/L)·3F² with W/L = 2 → 9 F²; 0.052 mW
  const BitcellTech& r1 = t.bitcell(CellKind::rram_1t1r);
  CHECK(r1.read.area_um2 / f2 == Approx((1.0 + 2.0) * 3.0));
  CHECK(mW(r1.read.energy_pj) == Approx(0.052));
  // 0T1R: 4F², 0.06 mW
  const BitcellTech& r0 = t.bitcell(CellKind::rram_0t1r);
  CHECK(r0.read.area_um2 / f2 == Approx(4.0));
  CHECK(mW(r0.read.energy_pj) == Approx(0.06));
  // 8bit DAC: 3096T, 30 mW
  CHECK(T(dac_cost(t, 8).area_um2) == Approx(3096));
  CHECK(mW(dac_cost(t, 8).energy_pj) == Approx(30));
  // Sense Amplifier: 244T, 0.25 mW (one MLSA comparator)
  CHECK(T(t.mlsa_comparator.area_um2) == Approx(244));
  CHECK(mW(t.mlsa_comparator.energy_pj) == Approx(0.25));
  // 8bit ADC: 2550T + 1 kΩ (≈450T), 35 mW
  CHECK(T(adc_cost(t, 8).area_um2) == Approx(2550 + 450));
  CHECK(mW(adc_cost(t, 8).energy_pj) == Approx(35));
  // 4bit ADC: 72T, 12 mW
  CHECK(T(adc_cost(t, 4).area_um2) == Approx(72));
  CHECK(mW(adc_cost(t, 4).energy_pj) == Approx(12));
  // 1bit ADC: 244T, 1.73 mW
  CHECK(T(adc_cost(t, 1).area_um2) == Approx(244));
  CHECK(mW(adc_cost(t, 1).energy_pj) == Approx(1.73));
  // 8bit SUB: 256T, 2.5e-6 mW
  CHECK(T(adder_cost(t, 8).area_um2) == Approx(256));
  CHECK(mW(adder_cost(t, 8).energy_pj) == Approx(2.5e-6));
  // 32bit SRAM Cache: 0.064 mW per 32-bit access
  CHECK(mW(storage_read_energy_pj(t.line_buffer, 32)) == Approx(0.064));
  CHECK(mW(storage_write_energy_pj(t.line_buffer, 32)) == Approx(0.064));
}

TEST_CASE("unknown keys are rejected with a location and a hint", "[tech][tech_file]") {
  const std::string text = replace(kMinimal, "    read: {energy_pj: 0.03", "    raed: {energy_pj: 0.03");
  CHECK_THROWS_WITH(parse_tech_file(text, "mini.yaml"),
                    StartsWith("mini.yaml:8:5: bitcells.sram_6t: unknown key 'raed'") &&
                        Contains("did you mean 'read'?"));
  const std::string top = replace(kMinimal, "supply_v: 1.0", "suply_v: 1.0");
  CHECK_THROWS_WITH(parse_tech_file(top, "mini.yaml"),
                    StartsWith("mini.yaml:4:1: ") && Contains("unknown key 'suply_v'") &&
                        Contains("did you mean 'supply_v'?"));
  const std::string cell = replace(kMinimal, "  sram_6t:", "  sram_9t:");
  CHECK_THROWS_WITH(parse_tech_file(cell, "mini.yaml"),
                    Contains("bitcells: unknown key 'sram_9t'") && Contains("did you mean"));
  const std::string unit = replace(kMinimal, "energy_pj: 0.03,", "energy_nj: 0.03,");
  CHECK_THROWS_WITH(parse_tech_file(unit, "mini.yaml"),
                    Contains("bitcells.sram_6t.read: unknown key 'energy_nj'") &&
                        Contains("did you mean 'energy_pj'?"));
}

TEST_CASE("negative or malformed numbers are rejected", "[tech][tech_file]") {
  const std::string neg = replace(kMinimal, "energy_pj: 0.03,", "energy_pj: -0.03,");
  CHECK_THROWS_WITH(parse_tech_file(neg, "mini.yaml"),
                    StartsWith("mini.yaml:8:23: bitcells.sram_6t.read.energy_pj: ") &&
                        Contains("expected a number > 0 (pJ), got \"-0.03\""));
  const std::string word = replace(kMinimal, "clock_period_ns: 5", "clock_period_ns: fast");
  CHECK_THROWS_WITH(parse_tech_file(word, "mini.yaml"),
                    StartsWith("mini.yaml:5:18: clock_period_ns: expected a number > 0 (ns), got \"fast\""));
  const std::string lat = replace(kMinimal, "latency_ns: 3,", "latency_ns: -1,");
  CHECK_THROWS_WITH(parse_tech_file(lat, "mini.yaml"), Contains("read.latency_ns: expected a number >= 0 (ns)"));
  const std::string bits = replace(kMinimal, "bits: 8,", "bits: 17,");
  CHECK_THROWS_WITH(parse_tech_file(bits, "mini.yaml"),
                    Contains("adc.reference.bits: expected an integer in 1..16, got \"17\""));
  const std::string width = replace(kMinimal, "width_bits: 8,", "width_bits: 0,");
  CHECK_THROWS_WITH(parse_tech_file(width, "mini.yaml"), Contains("adder.width_bits: expected an integer in 1..64"));
  const std::string law = replace(kMinimal, "adc:\n", "adc:\n  latency_law: sar\n");
  CHECK_THROWS_WITH(parse_tech_file(law, "mini.yaml"),
                    Contains("adc.latency_law: expected one of: constant, per_bit, got \"sar\""));
}

TEST_CASE("missing required keys are named", "[tech][tech_file]") {
  const std::string no_supply = replace(kMinimal, "supply_v: 1.0\n", "");
  CHECK_THROWS_WITH(parse_tech_file(no_supply, "mini.yaml"),
                    StartsWith("mini.yaml:1:1: ") && Contains("missing required key 'supply_v'"));
  const std::string no_energy = replace(kMinimal, "energy_pj: 0.03, ", "");
  CHECK_THROWS_WITH(parse_tech_file(no_energy, "mini.yaml"),
                    Contains("bitcells.sram_6t.read: missing required key 'energy_pj' (or 'power_mw')"));
  const std::string no_area = replace(kMinimal, ", area_um2: 10}", "}");
  CHECK_THROWS_WITH(parse_tech_file(no_area, "mini.yaml"),
                    Contains("mlsa.comparator: missing required key 'area_um2'"));
  const std::string no_cells = replace(kMinimal, "  sram_6t:\n    read: {energy_pj: 0.03, latency_ns: 3, area_um2: 0.5}\n",
                                       "  {}\n");
  CHECK_THROWS_WITH(parse_tech_file(no_cells, "mini.yaml"), Contains("bitcells: expected at least one of"));
}

TEST_CASE("alternative units need their conversion constants and are exclusive", "[tech][tech_file]") {
  const std::string mw = replace(kMinimal, "energy_pj: 0.03,", "power_mw: 0.052,");
  CHECK_THROWS_WITH(parse_tech_file(mw, "mini.yaml"),
                    Contains("bitcells.sram_6t.read.power_mw: power_mw needs the top-level key power_period_ns"));
  const std::string with_period = replace(mw, "clock_period_ns: 5\n", "clock_period_ns: 5\npower_period_ns: 10\n");
  CHECK(parse_tech_file(with_period, "mini.yaml").bitcell(CellKind::sram_6t).read.energy_pj == Approx(0.52));
  const std::string both = replace(kMinimal, "energy_pj: 0.03,", "energy_pj: 0.03, power_mw: 0.05,");
  CHECK_THROWS_WITH(parse_tech_file(both, "mini.yaml"), Contains("either energy_pj or power_mw, not both"));
  const std::string tr = replace(kMinimal, "area_um2: 10}", "area_transistors: 244}");
  CHECK_THROWS_WITH(parse_tech_file(tr, "mini.yaml"), Contains("needs the top-level key transistor_area_um2"));
  const std::string f2 = replace(kMinimal, "area_um2: 0.5}", "area_f2: 100}");
  // 100 F² at 65 nm = 100 · 0.065² = 0.4225 µm²
  CHECK(parse_tech_file(f2, "mini.yaml").bitcell(CellKind::sram_6t).read.area_um2 == Approx(0.4225));
}

TEST_CASE("malformed YAML and unreadable files", "[tech][tech_file]") {
  const std::string broken = replace(kMinimal, "  cycle: {energy_pj: 1.0}", "  cycle: {energy_pj: 1.0");
  CHECK_THROWS_WITH(parse_tech_file(broken, "mini.yaml"), StartsWith("mini.yaml:") && Contains("invalid YAML"));
  CHECK_THROWS_WITH(parse_tech_file("- a\n- b\n", "list.yaml"),
                    Contains("list.yaml:1:1") && Contains("expected a map of keys at the top level"));
  const std::string dup = replace(kMinimal, "supply_v: 1.0\n", "supply_v: 1.0\nsupply_v: 1.1\n");
  CHECK_THROWS_WITH(parse_tech_file(dup, "mini.yaml"), StartsWith("mini.yaml:5:1: supply_v: duplicate key"));
  CHECK_THROWS_WITH(load_tech_file("/nonexistent/dir/tech.yaml"),
                    Contains("/nonexistent/dir/tech.yaml") && Contains("cannot open"));
}

TEST_CASE("bitcell geometry: areas only beside it, every parameter required", "[tech][tech_file][geometry]") {
  const std::string geo =
      "    geometry: {cell_width_um: 1.2, cell_height_um: 0.5, bl_junction_ff: 0.1, bl_fixed_ff: 5,\n"
      "               wl_gate_ff: 0.12, wl_gates_per_cell: 2, wire_cap_ff_per_um: 0.2,\n"
      "               wire_res_ohm_per_um: 1.3, wl_voltage_v: 0.6, read_current_ua: 10, bl_swing_v: 0.4,\n"
      "               linear_range_rows: 64, full_read_current_ua: 40, sense_swing_v: 0.1,\n"
      "               precharge_gate_fj: 2, driver_overhead: 0.2, driver_res_kohm: 2.5,\n"
      "               min_precharge_ns: 1, min_evaluate_ns: 3}\n";
  const std::string with_geo =
      replace(kMinimal, "    read: {energy_pj: 0.03, latency_ns: 3, area_um2: 0.5}\n", geo + "    read: {area_um2: 0.5}\n");
  const TechParams t = parse_tech_file(with_geo, "mini.yaml");
  const BitcellTech& c = t.bitcell(CellKind::sram_6t);
  REQUIRE(c.geometry.present);
  CHECK(c.geometry.linear_range_rows == 64u);
  CHECK(c.read.area_um2 == Approx(0.5));
  CHECK(c.read.energy_pj == 0.0);
  // the sram65 6T figures at 64 x 64 (docs/ppa.md): 9.12 fJ precharge, 4 ns read
  CHECK(array_read_costs(t, CellKind::sram_6t, 64, 64, false).precharge_pj == Approx(0.00912));
  // an energy beside a geometry is an error: it is derived for each size
  const std::string both =
      replace(kMinimal, "    read: {energy_pj: 0.03, latency_ns: 3, area_um2: 0.5}\n",
              geo + "    read: {energy_pj: 0.03, area_um2: 0.5}\n");
  CHECK_THROWS_WITH(parse_tech_file(both, "mini.yaml"),
                    Contains("bitcells.sram_6t.read.energy_pj: derived from bitcells.sram_6t.geometry"));
  // a missing or bad parameter names itself
  const std::string missing = replace(with_geo, " min_evaluate_ns: 3}", "}");
  CHECK_THROWS_WITH(parse_tech_file(missing, "mini.yaml"),
                    Contains("bitcells.sram_6t.geometry") && Contains("missing required key 'min_evaluate_ns'"));
  const std::string negative = replace(with_geo, "read_current_ua: 10", "read_current_ua: -10");
  CHECK_THROWS_WITH(parse_tech_file(negative, "mini.yaml"),
                    Contains("bitcells.sram_6t.geometry.read_current_ua: expected a number > 0"));
}

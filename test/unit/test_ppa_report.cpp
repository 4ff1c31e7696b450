// PPA reports without the kernel: the ledger, leakage integration, totals, metrics math,
// the JSON fields, and the `tech` platform key (docs/ppa.md, "Reports").
// Every expected value is worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "cimvp/platform/ppa.h"
#include "cimvp/platform/tech_file.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using namespace cimvp;

namespace {

/// Round numbers so every expectation is easy to check by hand.
TechParams round_tech() {
  TechParams t;
  t.node = "round";
  t.leakage_nw_per_um2 = 2.0;
  return t;
}

std::vector<std::pair<std::string, PpaLedger>> two_modules() {
  PpaLedger dma;  // platform scope: 3 events, 1000 µm²
  dma.add_event("dma_byte", 100, 200.0);
  dma.add_event("clock", 10, 40.0);
  dma.add_area("dma_engine", 1, 1000.0);
  PpaLedger array;  // macro scope: 4000 µm², two layer rows
  array.set_scope(PpaScope::macro);
  array.add_event("cell_read", 1000, 30.0);
  array.add_area("bitcells", 4000, 1.0);
  array.set_active_ns(400.0);
  PpaLayerRow l0;
  l0.layer = 0;
  l0.inputs = 784;
  l0.outputs = 512;
  l0.subarrays = 104;
  l0.reads = 10;
  l0.energy_pj = 20.0;
  l0.latency_ns = 300.0;
  l0.utilisation = 0.9;
  l0.critical_path = "array";
  PpaLayerRow l1 = l0;
  l1.layer = 1;
  l1.inputs = 512;
  l1.energy_pj = 10.0;
  l1.latency_ns = 100.0;
  array.add_layer(l1);  // out of order on purpose
  array.add_layer(l0);
  return {{"top.dma", dma}, {"top.cim.array", array}};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("ppa ledger: rows of the same name add up, order is kept", "[ppa][report]") {
  PpaLedger l;
  l.add_event("a", 2, 1.5);
  l.add_event("b", 0, 0.0);
  l.add_event("a", 3, 2.5);
  REQUIRE(l.events().size() == 2);
  CHECK(l.events()[0].event == "a");
  CHECK(l.events()[0].count == 5);
  CHECK(l.events()[0].energy_pj == Approx(4.0));
  CHECK(l.events()[1].count == 0);  // kept with count 0
  CHECK(l.dynamic_pj() == Approx(4.0));
  CHECK(l.event("b") != nullptr);
  CHECK(l.event("c") == nullptr);

  l.add_area("cells", 10, 0.5);
  l.add_area("cells", 6, 0.5);   // same unit: merged → 16 × 0.5
  l.add_area("cells", 1, 2.0);   // other unit: own item
  REQUIRE(l.areas().size() == 2);
  CHECK(l.areas()[0].count == 16);
  CHECK(l.area_um2() == Approx(16 * 0.5 + 2.0));

  PpaLayerRow a;
  a.layer = 3;
  a.inputs = 10;
  a.reads = 4;
  a.conversions = 8;
  a.energy_pj = 1.0;
  a.latency_ns = 5.0;
  PpaLayerRow b = a;
  b.inputs = 0;
  b.reads = 1;
  b.conversions = 2;
  b.energy_pj = 0.5;
  b.latency_ns = 7.0;
  b.critical_path = "mlsa";
  l.add_layer(a);
  l.add_layer(b);
  REQUIRE(l.layers().size() == 1);
  CHECK(l.layers()[0].inputs == 10);        // largest shape
  CHECK(l.layers()[0].reads == 5);          // counts add
  CHECK(l.layers()[0].conversions == 10);
  CHECK(l.layers()[0].energy_pj == Approx(1.5));
  CHECK(l.layers()[0].latency_ns == Approx(7.0));  // largest latency
  CHECK(l.layers()[0].critical_path == "mlsa");
}

TEST_CASE("ppa report: leakage = P/um2 x module area x simulated time", "[ppa][report]") {
  const TechParams t = round_tech();
  // dma 1000 µm², array 4000 µm², 2 nW/µm², T = 1 ms = 1e6 ns:
  //   dma   2 · 1000 · 1e6 · 1e-6 = 2000 pJ;  array 2 · 4000 · 1e6 · 1e-6 = 8000 pJ
  const PpaReport r = make_ppa_report(t, "round.yaml", two_modules(), 1e6, std::nullopt);
  REQUIRE(r.modules.size() == 2);
  CHECK(r.modules[0].module == "top.dma");
  CHECK(r.modules[0].leakage_pj == Approx(2000.0));
  CHECK(r.modules[1].leakage_pj == Approx(8000.0));
  CHECK(r.modules[0].energy_pj() == Approx(240.0 + 2000.0));
  // leakage is linear in time: 3 ms → 3×
  const PpaReport r3 = make_ppa_report(t, "round.yaml", two_modules(), 3e6, std::nullopt);
  CHECK(r3.modules[1].leakage_pj == Approx(3 * 8000.0));
  CHECK(r3.platform.dynamic_pj == Approx(r.platform.dynamic_pj));
  // no time, no leakage
  CHECK(make_ppa_report(t, "x", two_modules(), 0.0, std::nullopt).platform.leakage_pj == 0.0);

  // totals: platform = both modules, macro = the macro-scope one
  CHECK(r.platform.dynamic_pj == Approx(200.0 + 40.0 + 30.0));
  CHECK(r.platform.leakage_pj == Approx(10000.0));
  CHECK(r.platform.area_um2 == Approx(5000.0));
  CHECK(r.macro.dynamic_pj == Approx(30.0));
  CHECK(r.macro.area_um2 == Approx(4000.0));
  // layer rows sorted; macro time = Σ layer latency = 300 + 100
  REQUIRE(r.layers.size() == 2);
  CHECK(r.layers[0].layer == 0);
  CHECK(r.macro_active_ns == Approx(400.0));
  // no work reported → no metrics
  CHECK_FALSE(r.platform_metrics.has_value());
  CHECK_FALSE(r.macro_metrics.has_value());
}

TEST_CASE("ppa metrics: TOPS, TOPS/W, TOPS/mm2, energy per image, FPS", "[ppa][report]") {
  // 1e9 binary MACs = 2e9 ops on 100 images, 20 µJ, 1 ms, 2 mm²:
  //   TOPS = 2e9 / 1e-3 s = 2e12 op/s = 2;  TOPS/W = 2e12 / (2e-5 J / 1e-3 s) = 100;
  //   TOPS/mm² = 2 / 2 = 1;  energy/image = 20 µJ / 100 = 0.2 µJ;  FPS = 100 / 1e-3 s = 1e5.
  PpaMetrics m;
  m.ops = 2e9;
  m.images = 100;
  m.energy_pj = 2e7;
  m.time_ns = 1e6;
  m.area_um2 = 2e6;
  CHECK(m.tops() == Approx(2.0));
  CHECK(m.tops_per_w() == Approx(100.0));
  CHECK(m.tops_per_mm2() == Approx(1.0));
  CHECK(m.energy_per_image_uj() == Approx(0.2));
  CHECK(m.fps() == Approx(1e5));
  const PpaMetrics zero;
  CHECK(zero.tops() == 0.0);
  CHECK(zero.tops_per_w() == 0.0);
  CHECK(zero.tops_per_mm2() == 0.0);
  CHECK(zero.fps() == 0.0);

  // in a report: platform = everything over the simulated time; macro = macro modules
  // over the macro's active time (here Σ layers = 400 ns), with leakage over the active time
  // (power_gating macro: the whole macro gated when idle)
  const TechParams t = round_tech();
  const PpaReport r = make_ppa_report(t, "round.yaml", two_modules(), 1e6, PpaWork{5e5, 10}, PowerGating::macro);
  REQUIRE(r.platform_metrics.has_value());
  REQUIRE(r.macro_metrics.has_value());
  // platform: ops 1e6, time 1e6 ns, energy 270 + 2000 (dma, whole run) + 3.2 (gated macro)
  // pJ, area 5000 µm²
  CHECK(r.platform_metrics->ops == Approx(1e6));
  CHECK(r.platform_metrics->time_ns == Approx(1e6));
  CHECK(r.platform_metrics->energy_pj == Approx(2273.2));
  CHECK(r.platform_metrics->tops_per_w() == Approx(1e6 / 2273.2));
  CHECK(r.platform_metrics->fps() == Approx(10 / 1e-3));
  // macro: 30 pJ dynamic + 2 nW/µm² · 4000 µm² · 400 ns · 1e-6 = 3.2 pJ leakage
  CHECK(r.macro_metrics->time_ns == Approx(400.0));
  CHECK(r.macro_metrics->energy_pj == Approx(33.2));
  CHECK(r.macro_metrics->area_um2 == Approx(4000.0));
  CHECK(r.macro_metrics->tops() == Approx(1e6 / 400.0 * 1e-3));
}

TEST_CASE("ppa power gating: the macro's leakage time base, one macro energy", "[ppa][report]") {
  // macro module 4000 µm² at 2 nW/µm²: 8e-3 pJ per ns.  Layers: 104 sub-arrays for 300 ns,
  // 8 sub-arrays for 100 ns (layer 1 made smaller here).  Simulated time 1e6 ns.
  const TechParams t = round_tech();
  auto ledgers = two_modules();
  PpaLedger& array = ledgers[1].second;
  PpaLedger smaller;
  smaller.set_scope(PpaScope::macro);
  for (const auto& e : array.events()) smaller.add_event(e.event, e.count, e.energy_pj);
  for (const auto& a : array.areas()) smaller.add_area(a.what, a.count, a.unit_um2);
  for (auto l : array.layers()) {
    if (l.layer == 1) l.subarrays = 8;
    smaller.add_layer(l);
  }
  array = smaller;
  const PpaWork work{5e5, 10};
  // none: the whole run, 8e-3 · 1e6 = 8000 pJ
  const PpaReport none = make_ppa_report(t, "r", ledgers, 1e6, work);
  CHECK(none.power_gating == PowerGating::none);
  CHECK(none.macro_leakage_ns == Approx(1e6));
  CHECK(none.macro.leakage_pj == Approx(8000.0));
  CHECK(none.macro_metrics->energy_pj == Approx(none.macro.energy_pj()));  // one macro energy
  CHECK(none.macro_metrics->energy_pj == Approx(8030.0));
  CHECK(none.macro_metrics->time_ns == Approx(400.0));
  // idle sub-arrays: (104 · 300 + 8 · 100) / 112 = 285.714 ns → 2.2857 pJ
  const PpaReport idle = make_ppa_report(t, "r", ledgers, 1e6, work, PowerGating::idle_subarrays);
  CHECK(idle.macro_leakage_ns == Approx(32000.0 / 112.0));
  CHECK(idle.macro.leakage_pj == Approx(8e-3 * 32000.0 / 112.0));
  CHECK(idle.macro_metrics->energy_pj == Approx(30.0 + 8e-3 * 32000.0 / 112.0));
  // macro: the active time 400 ns → 3.2 pJ; the module row and the platform total agree
  const PpaReport gated = make_ppa_report(t, "r", ledgers, 1e6, work, PowerGating::macro);
  CHECK(gated.macro_leakage_ns == Approx(400.0));
  CHECK(gated.modules[1].leakage_pj == Approx(3.2));
  CHECK(gated.platform.leakage_pj == Approx(2000.0 + 3.2));
  CHECK(gated.macro_metrics->energy_pj == Approx(33.2));
  // the report says which bases it used
  const auto j = ppa_json(gated);
  CHECK(j["power_gating"] == "macro");
  CHECK(j["macro_leakage_ns"].get<double>() == Approx(400.0));
  CHECK(j["metrics"]["macro"]["time_base"] == "macro_active_ns");
  CHECK(j["metrics"]["platform"]["energy_base"] == "totals.platform");
  CHECK_THAT(ppa_console(gated), Catch::Contains("power_gating macro"));
}

TEST_CASE("ppa work: binary MACs and images from the job results", "[ppa][report]") {
  nlohmann::ordered_json job;
  CHECK_FALSE(work_from_job(job).has_value());
  job["images"] = 10;
  CHECK_FALSE(work_from_job(job).has_value());
  job["binary_macs_per_image"] = 1000;
  REQUIRE(work_from_job(job).has_value());
  CHECK(work_from_job(job)->binary_macs == Approx(10000.0));
  CHECK(work_from_job(job)->ops() == Approx(20000.0));
  CHECK(work_from_job(job)->images == Approx(10.0));
  job["binary_macs"] = 7;  // a total wins
  CHECK(work_from_job(job)->binary_macs == Approx(7.0));
  job["binary_macs"] = "many";  // not a number: ignored
  CHECK(work_from_job(job)->binary_macs == Approx(10000.0));
}

TEST_CASE("ppa report: JSON fields", "[ppa][report]") {
  const PpaReport r = make_ppa_report(round_tech(), "round.yaml", two_modules(), 1e6, PpaWork{5e5, 10});
  const nlohmann::ordered_json j = ppa_json(r);
  CHECK(j["tech"] == "round.yaml");
  CHECK(j["node"] == "round");
  CHECK(j["simulated_time_ns"].get<double>() == Approx(1e6));
  const auto& dma = j["modules"]["top.dma"];
  CHECK(dma["scope"] == "platform");
  CHECK(dma["events"]["dma_byte"]["count"] == 100);
  CHECK(dma["events"]["dma_byte"]["energy_pj"].get<double>() == Approx(200.0));
  CHECK(dma["dynamic_pj"].get<double>() == Approx(240.0));
  CHECK(dma["leakage_pj"].get<double>() == Approx(2000.0));
  CHECK(dma["energy_pj"].get<double>() == Approx(2240.0));
  CHECK(dma["area"][0]["what"] == "dma_engine");
  CHECK(dma["area_um2"].get<double>() == Approx(1000.0));
  CHECK(j["modules"]["top.cim.array"]["scope"] == "macro");
  REQUIRE(j["layers"].size() == 2);
  CHECK(j["layers"][0]["inputs"] == 784);
  CHECK(j["layers"][1]["latency_ns"].get<double>() == Approx(100.0));
  CHECK(j["totals"]["platform"]["area_um2"].get<double>() == Approx(5000.0));
  CHECK(j["metrics"]["ops"].get<double>() == Approx(1e6));
  CHECK(j["metrics"]["platform"]["tops_per_w"].get<double>() == Approx(1e6 / 10270.0));
  CHECK(j["metrics"]["macro"]["time_ns"].get<double>() == Approx(400.0));
  // without work the metrics are null
  const nlohmann::ordered_json j0 = ppa_json(make_ppa_report(round_tech(), "x", two_modules(), 1e6, std::nullopt));
  CHECK(j0["metrics"]["platform"].is_null());
  CHECK(j0["metrics"]["ops"].is_null());
  // the CSV files: test_ppa_breakdown.cpp
}

TEST_CASE("ppa console: modules, totals and metrics", "[ppa][report]") {
  const std::string s = ppa_console(make_ppa_report(round_tech(), "round.yaml", two_modules(), 1e6, PpaWork{5e5, 10}));
  CHECK_THAT(s, Catch::Contains("power and area (tech round.yaml, node round)"));
  CHECK_THAT(s, Catch::Contains("top.dma"));
  CHECK_THAT(s, Catch::Contains("dma_byte"));
  CHECK_THAT(s, Catch::Contains("TOPS/W"));
  CHECK_THAT(s, Catch::Contains("platform  10.3 nJ (dynamic 270 pJ, leakage 10 nJ), area 5000 um2"));
  CHECK(format_energy_pj(1234.0) == "1.23 nJ");
  CHECK(format_energy_pj(0.5) == "0.5 pJ");
  CHECK(format_energy_pj(2.5e9) == "2.5 mJ");
  CHECK(format_area_um2(950.0) == "950 um2");
  CHECK(format_area_um2(1.52e6) == "1.52 mm2");
}

TEST_CASE("tech key: built-in names, files, and errors", "[ppa][tech][config]") {
  const ConfigSchema s = platform_schema();
  CHECK(s.load("", "p.yaml").tech == "sram65");  // default
  CHECK(s.load("tech: rram\n", "p.yaml").tech == "rram");
  CHECK(s.load("", "p.yaml", {"tech=sram28.yaml"}).tech == "sram28.yaml");
  const std::string path = std::string(CIMVP_SOURCE_DIR) + "/platforms/tech/sram28.yaml";
  CHECK(s.load("tech: " + path + "\n", "p.yaml").tech == path);

  // every shipped file is embedded and loads by name
  std::vector<std::string> names;
  for (const auto& b : builtin_techs()) names.emplace_back(b.name);
  CHECK(names == std::vector<std::string>{"rram", "sram28", "sram65"});
  CHECK(load_tech("sram65").node == "sram65");
  CHECK(load_tech("rram.yaml").node == "rram");
  CHECK(resolve_tech("sram28").builtin);
  CHECK(resolve_tech("sram28").source == "sram28.yaml");
  // the embedded text is the file's text
  CHECK(load_tech("sram28").clock_period_ns == load_tech_file(path).clock_period_ns);
  CHECK_FALSE(resolve_tech(path).builtin);

  CHECK(error_of([&] { s.load("name: x\ntech: sram56\n", "p.yaml"); }) ==
        "p.yaml:2:7: tech: no technology file 'sram56' and no built-in technology of that name "
        "(built-in: rram, sram28, sram65) (did you mean 'sram65'?)");
  CHECK(error_of([&] { s.load("", "p.yaml", {"tech=/nonexistent/t.yaml"}); }) ==
        "--set: tech: no technology file '/nonexistent/t.yaml' and no built-in technology of that name "
        "(built-in: rram, sram28, sram65)");
  CHECK_THAT(error_of([] { load_tech("nothing"); }), Catch::Contains("no technology file 'nothing'"));
  CHECK_THAT(error_of([&] { s.load("tech: " + std::string(CIMVP_SOURCE_DIR) + "/platforms\n", "p.yaml"); }),
             Catch::Contains("is a directory"));
}

TEST_CASE("tech key: the CIM macro's cell must exist in the technology", "[ppa][tech][config]") {
  const ConfigSchema s = platform_schema();
  const PlatformSource def = resolve_platform("default");  // maps a cim macro (xnor_8t)
  const PlatformConfig xnor = s.load(def.text, def.source);
  CHECK_NOTHROW(check_tech_for(xnor, load_tech("sram65")));
  CHECK_NOTHROW(check_tech_for(xnor, load_tech("sram28")));
  CHECK(error_of([&] { check_tech_for(xnor, load_tech("rram")); }) ==
        "tech: technology 'rram' has no sram_8t cell for cim.array.cell xnor_8t (it has: rram_1t1r, rram_0t1r); "
        "built-in technologies with a sram_8t cell: sram28, sram65 (set tech=NAME)");
  const PlatformConfig hbnn = s.load(def.text, def.source, {"cim.array.cell=hbnn_6t"});
  CHECK_THAT(error_of([&] { check_tech_for(hbnn, load_tech("rram")); }), Catch::Contains("has no sram_6t cell"));
  // without a macro any technology prices the platform
  PlatformConfig plain = xnor;
  plain.router.map.erase(std::remove_if(plain.router.map.begin(), plain.router.map.end(),
                                        [](const AddressRange& r) { return r.target == "cim"; }),
                         plain.router.map.end());
  CHECK_NOTHROW(check_tech_for(plain, load_tech("rram")));
}

TEST_CASE("tech_timing: the macro's clock, read and MLSA times come from the technology", "[ppa][tech][config]") {
  const ConfigSchema s = platform_schema();
  const PlatformSource def = resolve_platform("default");
  // sram28.yaml: 400 MHz; precharge 0.5 ns + word lines 1.5 ns; comparator 0.5 ns
  PlatformConfig on = s.load(def.text, def.source, {"tech=sram28", "tech_timing=true", "cim.accumulate.add_ns=0.7"});
  apply_tech_timing(on, load_tech(on.tech));
  CHECK(on.cim.timing.clock_period_ns == Approx(2.5));
  CHECK(on.cim.timing.array_read_ns == Approx(2.0));
  CHECK(on.cim.timing.sense_ns == Approx(0.5));
  CHECK(on.cim.timing.accumulate_ns == Approx(0.7));  // digital stages stay as configured
  // sram65 gives the default timing back: 5 ns clock, 1 + 3 ns read, 1 ns MLSA
  PlatformConfig def65 = s.load(def.text, def.source, {"tech_timing=true", "cim.clock_period_ns=9"});
  apply_tech_timing(def65, load_tech("sram65"));
  CHECK(def65.cim.timing.clock_period_ns == Approx(5.0));
  CHECK(def65.cim.timing.array_read_ns == Approx(4.0));
  CHECK(def65.cim.timing.sense_ns == Approx(1.0));
  // off (the default): nothing changes
  PlatformConfig off = s.load(def.text, def.source, {"tech=sram28"});
  const CimTimingConfig before = off.cim.timing;
  apply_tech_timing(off, load_tech("sram28"));
  CHECK(off.cim.timing.clock_period_ns == before.clock_period_ns);
  CHECK(off.cim.timing.array_read_ns == before.array_read_ns);
}

// The component and per-layer breakdown (ppa_breakdown.h) and the CSV files of
// --report-csv (report_csv.h), on hand-made ledgers (docs/ppa.md, "Component breakdown";
// docs/cli.md, "CSV reports").  Every expected value is worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "cimvp/platform/ppa_breakdown.h"
#include "cimvp/platform/report_csv.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using namespace cimvp;

namespace {

TechParams round_tech() {
  TechParams t;
  t.node = "round";
  t.leakage_nw_per_um2 = 2.0;  // 1000 µm² over 1e6 ns leak 2000 pJ
  return t;
}

/// A platform-scope DMA and a macro-scope array with events of every kind of component.
std::vector<std::pair<std::string, PpaLedger>> ledgers() {
  PpaLedger dma;                         // dynamic 245 pJ, 1000 µm²
  dma.add_event("dma_byte", 100, 200.0);  // interconnect
  dma.add_event("clock", 10, 40.0);       // control
  dma.add_event("dram_access_dmi", 1, 5.0);  // dram
  dma.add_area("dma_engine", 1, 1000.0);     // interconnect
  PpaLedger array;  // macro scope: dynamic 46 pJ, 4000 + 20 + 15 = 4035 µm²
  array.set_scope(PpaScope::macro);
  array.add_event("cell_read", 1000, 30.0);     // array
  array.add_event("row_write", 4, 3.0);         // array (in no layer row)
  array.add_event("wordline", 64, 6.0);         // drivers
  array.add_event("mlsa_conversion", 64, 4.0);  // sensing
  array.add_event("accumulate", 8, 2.0);        // accumulation
  array.add_event("made_up_event", 1, 1.0);     // not in the table: other
  array.add_area("bitcells", 4000, 1.0);        // array
  array.add_area("wl_drivers", 10, 2.0);        // drivers
  array.add_area("comparators", 5, 3.0);        // sensing
  PpaLayerRow l0;
  l0.layer = 0;
  l0.inputs = 784;
  l0.outputs = 512;
  l0.subarrays = 3;
  l0.binary_macs = 1000;
  l0.planes = 4;
  l0.energy_pj = 20.0;
  l0.latency_ns = 300.0;
  PpaLayerRow l1 = l0;
  l1.layer = 1;
  l1.subarrays = 1;
  l1.binary_macs = 500;
  l1.planes = 1;
  l1.energy_pj = 10.0;
  l1.latency_ns = 100.0;
  array.add_layer(l0);
  array.add_layer(l1);
  return {{"top.dma", dma}, {"top.cim.array", array}};
}

PpaReport report() { return make_ppa_report(round_tech(), "round.yaml", ledgers(), 1e6, PpaWork{1500, 10}); }

std::vector<std::string> lines_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("ppa components: every event in one component, summing to the totals", "[ppa][breakdown]") {
  CHECK(ppa_event_component("cell_read") == PpaComponent::array);
  CHECK(ppa_event_component("adc_conversion") == PpaComponent::sensing);
  CHECK(ppa_event_component("dac_conversion") == PpaComponent::drivers);
  CHECK(ppa_event_component("column_accumulate") == PpaComponent::accumulation);
  CHECK(ppa_event_component("threshold_write") == PpaComponent::accumulation);
  CHECK(ppa_event_component("support_read") == PpaComponent::buffers);
  CHECK(ppa_event_component("bus_byte") == PpaComponent::interconnect);
  CHECK(ppa_event_component("dram_byte") == PpaComponent::dram);
  CHECK(ppa_event_component("register_write") == PpaComponent::control);
  CHECK(ppa_event_component("nonsense") == PpaComponent::other);
  CHECK(ppa_area_component("adcs") == PpaComponent::sensing);
  CHECK(ppa_area_component("register_bits") == PpaComponent::control);

  const PpaReport r = report();
  const auto c = ppa_components(r);
  REQUIRE(c.size() == kPpaComponentCount);
  const auto pj = [&](PpaComponent k) { return c[static_cast<std::size_t>(k)].platform_pj; };
  const auto mpj = [&](PpaComponent k) { return c[static_cast<std::size_t>(k)].macro_pj; };
  CHECK(pj(PpaComponent::array) == Approx(33.0));  // cell_read 30 + row_write 3
  CHECK(pj(PpaComponent::sensing) == Approx(4.0));
  CHECK(pj(PpaComponent::drivers) == Approx(6.0));
  CHECK(pj(PpaComponent::accumulation) == Approx(2.0));
  CHECK(pj(PpaComponent::buffers) == 0.0);
  CHECK(pj(PpaComponent::interconnect) == Approx(200.0));
  CHECK(pj(PpaComponent::dram) == Approx(5.0));
  CHECK(pj(PpaComponent::control) == Approx(40.0));
  // leakage: 2 nW/µm² · (1000 + 4035) µm² · 1e6 ns · 1e-6 = 10070 pJ
  CHECK(pj(PpaComponent::leakage) == Approx(10070.0));
  CHECK(pj(PpaComponent::other) == Approx(1.0));
  CHECK(mpj(PpaComponent::interconnect) == 0.0);      // the DMA is platform scope
  CHECK(mpj(PpaComponent::leakage) == Approx(8070.0));  // 4035 µm² of the macro
  double plat = 0, mac = 0, area = 0;
  for (const auto& row : c) {
    plat += row.platform_pj;
    mac += row.macro_pj;
    area += row.area_um2;
  }
  // 291 pJ dynamic + 10070 pJ leakage; macro 46 + 8070; area 5035 µm²
  CHECK(plat == Approx(10361.0));
  CHECK(plat == Approx(r.platform.energy_pj()));
  CHECK(mac == Approx(8116.0));
  CHECK(mac == Approx(r.macro.energy_pj()));
  CHECK(area == Approx(r.platform.area_um2));
  CHECK(c[static_cast<std::size_t>(PpaComponent::array)].area_um2 == Approx(4000.0));
  CHECK(c[static_cast<std::size_t>(PpaComponent::sensing)].area_um2 == Approx(15.0));
  // with power gating the leakage component follows the gated leakage
  const PpaReport g = make_ppa_report(round_tech(), "r", ledgers(), 1e6, PpaWork{1500, 10}, PowerGating::macro);
  double gsum = 0;
  for (const auto& row : ppa_components(g)) gsum += row.macro_pj;
  CHECK(gsum == Approx(g.macro.energy_pj()));
  CHECK(gsum == Approx(46.0 + 2.0 * 4035 * 400.0 * 1e-6));  // 2 nW/µm² · 4035 µm² over the active 300 + 100 ns
}

TEST_CASE("ppa layer breakdown: ops, TOPS/W, area share, sums equal the totals", "[ppa][breakdown]") {
  const PpaReport r = report();
  const auto layers = ppa_layer_breakdown(r);
  REQUIRE(layers.size() == 2);
  CHECK(layers[0].row.planes == 4);
  CHECK(layers[0].ops == Approx(2000.0));
  CHECK(layers[0].tops_per_w == Approx(2000.0 / 20.0));  // 2 · MACs / energy
  CHECK(layers[0].tops == Approx(2000.0 / 300.0 * 1e-3));
  CHECK(layers[0].area_share == Approx(0.75));  // 3 of 4 sub-arrays
  CHECK(layers[1].tops_per_w == Approx(1000.0 / 10.0));
  CHECK(layers[1].area_share == Approx(0.25));
  const PpaLayerTotals t = ppa_layer_totals(r);
  CHECK(t.binary_macs == Approx(r.work->binary_macs));  // the job's work, 1500
  CHECK(t.latency_ns == Approx(r.macro_active_ns));
  CHECK(t.energy_pj == Approx(30.0));
  CHECK(t.unattributed_pj == Approx(16.0));  // 46 − 30: row_write, wordline, … are in no layer row here
  // JSON carries the same
  const auto j = ppa_json(r);
  CHECK(j["layers"][0]["tops_per_w"].get<double>() == Approx(100.0));
  CHECK(j["layers"][1]["binary_macs"] == 500);
  CHECK(j["components"].size() == kPpaComponentCount);
  CHECK(j["components"][8]["component"] == "leakage");
  CHECK(j["layer_totals"]["unattributed_pj"].get<double>() == Approx(16.0));
  // console
  const std::string s = ppa_console(r);
  CHECK_THAT(s, Catch::Contains("interconnect"));
  CHECK_THAT(s, Catch::Contains("TOPS/W"));
}

TEST_CASE("report CSV: summary, layers, modules, components, config and phases files", "[ppa][breakdown][csv]") {
  CHECK(report_csv_paths("out/r.csv") == std::vector<std::string>{"out/r.csv", "out/r.layers.csv", "out/r.modules.csv",
                                                                   "out/r.components.csv", "out/r.config.csv",
                                                                   "out/r.phases.csv"});
  CHECK(report_csv_paths("r")[1] == "r.layers.csv");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"x\"") == "\"say \"\"x\"\"\"");

  RunReport run;
  run.platform = "p";
  run.seed = 7;
  run.simulated_time_ns = 1e6;
  run.passed = true;
  run.job_name = "cim_inference";
  run.job = {{"images", 10}, {"accuracy", {{"hardware", 0.9}, {"golden", 0.9}, {"ideal_bnn", 0.95}}}};
  run.config = {{"name", "p"}, {"cim", {{"array", {{"rows", 64}}}}},
                {"address_map", {{{"target", "memory"}, {"base", 0}}}}, {"workload", {{"job", "auto"}}}};
  run.ppa = report();

  // summary: one header, one row, the same number of cells
  const auto sum = lines_of(summary_csv(run));
  REQUIRE(sum.size() == 2);
  CHECK(std::count(sum[0].begin(), sum[0].end(), ',') == std::count(sum[1].begin(), sum[1].end(), ','));
  CHECK(sum[0].rfind("cimvp,platform,tech,seed,job,status,images,accuracy_hardware,", 0) == 0);
  CHECK_THAT(sum[0], Catch::Contains("macro_tops_per_w"));
  CHECK_THAT(sum[0], Catch::EndsWith("energy_pj.leakage,energy_pj.other"));
  CHECK_THAT(sum[1], Catch::Contains(",p,round.yaml,7,cim_inference,pass,10,0.9,0.9,0.95,1000000,"));
  // platform energy 10361 pJ; components …, leakage 10070, other 1 at the end
  CHECK_THAT(sum[1], Catch::Contains(",10361,291,10070,5035,"));
  CHECK_THAT(sum[1], Catch::EndsWith(",33,4,6,2,0,200,5,40,10070,1"));

  const auto lay = lines_of(layers_csv(run));
  REQUIRE(lay.size() == 3);
  CHECK(lay[0] == "layer,inputs,outputs,subarrays,planes,reads,conversions,binary_macs,ops,energy_pj,latency_ns,tops,"
                  "tops_per_w,utilisation,area_share,critical_path");
  CHECK(lay[1].rfind("0,784,512,3,4,0,0,1000,2000,20,300,", 0) == 0);
  CHECK(std::stod(lay[1].substr(lay[1].find("300,") + 4)) == Approx(2000.0 / 300.0 * 1e-3));  // TOPS
  CHECK_THAT(lay[1], Catch::EndsWith(",100,0,0.75,"));
  CHECK(lay[2] == "1,784,512,1,1,0,0,500,1000,10,100,0.01,100,0,0.25,");

  const auto mod = lines_of(modules_csv(run));
  REQUIRE(mod.size() == 3);
  CHECK(mod[0] == "module,scope,dynamic_pj,leakage_pj,energy_pj,area_um2,active_ns");
  CHECK(mod[1] == "top.dma,platform,245,2000,2245,1000,0");
  CHECK(mod[2] == "top.cim.array,macro,46,8070,8116,4035,0");

  const auto comp = lines_of(components_csv(run));
  REQUIRE(comp.size() == 1 + kPpaComponentCount);
  CHECK(comp[0] == "component,platform_pj,macro_pj,area_um2");
  CHECK(comp[1] == "array,33,33,4000");
  CHECK(comp[6] == "interconnect,200,0,1000");
  CHECK(comp[9] == "leakage,10070,8070,0");

  const auto cfg = lines_of(config_csv(run));
  CHECK(cfg == std::vector<std::string>{"key,value", "name,p", "cim.array.rows,64", "address_map[0].target,memory",
                                        "address_map[0].base,0", "workload.job,auto"});

  // phases: only the header without a training job, one row per phase with one
  CHECK(lines_of(phases_csv(run)) == std::vector<std::string>{"phase,latency_ns,macro_energy_pj,platform_energy_pj,ops"});
  run.ppa->phases = {PpaPhaseRow{"forward", 100, 20, 30, 4000}, PpaPhaseRow{"update", 5, 1, 2, 0}};
  CHECK(lines_of(phases_csv(run)) == std::vector<std::string>{"phase,latency_ns,macro_energy_pj,platform_energy_pj,ops",
                                                              "forward,100,20,30,4000", "update,5,1,2,0"});
  CHECK(report_csv_texts(run).size() == report_csv_paths("r.csv").size());
}

// The component and per-layer breakdown of a real run (docs/ppa.md, "Component breakdown"):
// the default platform classifies 40 Fashion-MNIST images; every energy of the run is in
// one component and the components add up to the totals; the layers' MACs are the
// network's K·M·planes per image; the layers' TOPS/W is 2·MACs / energy recomputed.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/ppa_breakdown.h"
#include "cimvp/platform/report.h"
#include "cimvp/platform/workload.h"

using namespace cimvp;

TEST_CASE("the breakdown of a default run: components sum to the totals, layers to the work", "[ppa][breakdown]") {
  PlatformConfig pc = load_platform(resolve_platform("default"), {});
  const TechParams tech = load_tech(pc.tech);
  WorkloadConfig w;
  w.cim_inference.images = 40;
  w.cim_inference.batch = 16;
  w.cim_inference.calibration_samples = 50;
  w.cim_inference.progress = false;
  std::unique_ptr<Job> job = make_job(w, pc);
  Platform top("top", pc);
  top.run_job(*job);
  sc_core::sc_start();
  REQUIRE(top.host.finished());
  REQUIRE(job->passed());
  const double t_ns = sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS);
  const PpaReport r = make_ppa_report(tech, pc.tech, collect_ledgers(tech), t_ns, work_from_job(job->results()),
                                      pc.power_gating);

  // every event row in exactly one component: the sums are the totals, nothing in `other`
  const auto comps = ppa_components(r);
  double plat = 0, mac = 0, area = 0, events = 0;
  for (const auto& c : comps) {
    plat += c.platform_pj;
    mac += c.macro_pj;
    area += c.area_um2;
  }
  for (const auto& m : r.modules)
    for (const auto& e : m.ledger.events()) {
      INFO(m.module << " " << e.event);
      CHECK(ppa_event_component(e.event) != PpaComponent::other);
      events += e.energy_pj;
    }
  CHECK(comps[static_cast<std::size_t>(PpaComponent::other)].platform_pj == 0.0);
  CHECK(plat == Approx(r.platform.energy_pj()).epsilon(1e-12));
  CHECK(mac == Approx(r.macro.energy_pj()).epsilon(1e-12));
  CHECK(area == Approx(r.platform.area_um2).epsilon(1e-12));
  CHECK(plat - comps[static_cast<std::size_t>(PpaComponent::leakage)].platform_pj == Approx(events).epsilon(1e-12));
  // the default run moves data over the bus and reads DRAM, and senses with MLSAs
  CHECK(comps[static_cast<std::size_t>(PpaComponent::sensing)].macro_pj > 0);
  CHECK(comps[static_cast<std::size_t>(PpaComponent::dram)].platform_pj > 0);
  CHECK(comps[static_cast<std::size_t>(PpaComponent::interconnect)].platform_pj > 0);

  // per layer: 784-512-512-10 XNOR, 4 input bit planes in layer 0, 64×64 sub-arrays
  const auto layers = ppa_layer_breakdown(r);
  REQUIRE(layers.size() == 3);
  const std::uint64_t macs[3] = {40ull * 784 * 512 * 4, 40ull * 512 * 512, 40ull * 512 * 10};
  const unsigned planes[3] = {4, 1, 1};
  const double subarrays[3] = {13 * 8, 8 * 8, 8 * 1};  // ⌈K/64⌉·⌈M/64⌉
  double latency = 0, energy = 0;
  for (int l = 0; l < 3; ++l) {
    INFO("layer " << l);
    CHECK(layers[l].row.binary_macs == macs[l]);
    CHECK(layers[l].row.planes == planes[l]);
    CHECK(layers[l].ops == Approx(2.0 * static_cast<double>(macs[l])));
    CHECK(layers[l].tops_per_w == Approx(2.0 * static_cast<double>(macs[l]) / layers[l].row.energy_pj));
    CHECK(layers[l].area_share == Approx(subarrays[l] / 176.0));
    latency += layers[l].row.latency_ns;
    energy += layers[l].row.energy_pj;
  }
  const PpaLayerTotals t = ppa_layer_totals(r);
  CHECK(t.binary_macs == Approx(r.work->binary_macs));
  CHECK(latency == Approx(r.macro_active_ns));
  CHECK(t.unattributed_pj == Approx(r.macro.dynamic_pj - energy));
  CHECK(t.unattributed_pj >= 0.0);
}

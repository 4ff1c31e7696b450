// Faults injected at system level (issue 13): stuck-at cells and dead converters modelled
// in the golden reference too (hardware == golden), and memory error responses in the
// middle of a batch (memory.fault.*): the driver retries, then gives the batch up and
// reports its images; no prediction of a failed batch is ever used.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/report.h"

#include <memory>
#include <string>
#include <vector>

using namespace cimvp;

namespace {

PlatformConfig default_with(const std::vector<std::string>& sets = {}) {
  return load_platform(resolve_platform("default"), sets);
}

CimInferenceConfig small_job(const std::string& transfer = "dma") {
  CimInferenceConfig jc;
  jc.images = 300;
  jc.batch = 128;
  jc.calibration_samples = 300;
  jc.progress = false;
  jc.transfer = transfer;
  return jc;
}

// images the golden reference classifies correctly among those not in [lo, hi)
std::size_t golden_correct_outside(const CimInference& job, std::size_t lo, std::size_t hi) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < job.images(); ++i)
    if ((i < lo || i >= hi) && job.golden_predictions()[i] == job.dataset().labels[i]) ++n;
  return n;
}

}  // namespace

TEST_CASE("stuck-at cells: hardware == golden with the same faults and rate 0 is no fault and accuracy degrades",
          "[faults][cim][platform]") {
  const CimInferenceConfig jc = small_job();
  const PlatformConfig healthy = default_with();
  const PlatformConfig zero = default_with({"cim.array.faults.stuck_rate=0", "cim.array.faults.seed=9"});
  const PlatformConfig stuck = default_with({"cim.array.faults.stuck_rate=0.2", "cim.array.faults.seed=9"});
  CimInference jh(jc, healthy), jz(jc, zero), js(jc, stuck);
  Platform th("th", healthy), tz("tz", zero), ts("ts", stuck);
  th.run_job(jh);
  tz.run_job(jz);
  ts.run_job(js);
  sc_core::sc_start();
  INFO(jh.summary() << "\n" << js.summary());
  CHECK(jh.passed());
  CHECK(jz.passed());
  CHECK(js.passed());  // every image: hardware == golden, both with the stuck cells
  CHECK(js.hardware_predictions() == js.golden_predictions());
  CHECK(jz.hardware_predictions() == jh.hardware_predictions());
  CHECK(jz.golden_accuracy() == jh.golden_accuracy());
  // the faults change the results and cost accuracy; the ideal BNN does not see them
  CHECK(js.golden_predictions() != jh.golden_predictions());
  CHECK(js.hardware_accuracy() < jh.hardware_accuracy());
  CHECK(js.ideal_accuracy() == jh.ideal_accuracy());
  CHECK(js.unclassified().empty());
}

TEST_CASE("dead sense amplifiers: hardware == golden with the same dead columns and accuracy degrades",
          "[faults][cim][platform]") {
  const CimInferenceConfig jc = small_job("master");
  const PlatformConfig healthy = default_with();
  const PlatformConfig dead = default_with({"cim.sense.faults.dead_rate=0.1", "cim.sense.faults.dead_level=high"});
  CimInference jh(jc, healthy), jd(jc, dead);
  Platform th("th", healthy), td("td", dead);
  th.run_job(jh);
  td.run_job(jd);
  sc_core::sc_start();
  INFO(jh.summary() << "\n" << jd.summary());
  CHECK(jh.passed());
  CHECK(jd.passed());
  CHECK(jd.hardware_predictions() == jd.golden_predictions());
  CHECK(jd.golden_predictions() != jh.golden_predictions());
  CHECK(jd.hardware_accuracy() < jh.hardware_accuracy());
}

TEST_CASE("a memory error in the middle of a batch: the chunk is retried, given up and reported",
          "[faults][platform][dma]") {
  // the same fault under both transfer modes, in one elaboration
  const CimInferenceConfig jd = small_job("dma"), jm = small_job("master");
  PlatformConfig pc = default_with();
  CimInference probe(jd, pc);  // where the preloaded images go (the fault does not move them)
  const std::uint64_t image200 = probe.images_address() + 200 * 784;
  pc.memory.fault.error_base = image200;  // the memory is at bus address 0
  pc.memory.fault.error_bytes = 1;
  CimInference dma_job(jd, pc), master_job(jm, pc);
  REQUIRE(dma_job.images_address() == probe.images_address());
  REQUIRE(master_job.images_address() == probe.images_address());
  Platform td("td", pc), tm("tm", pc);
  td.run_job(dma_job);
  tm.run_job(master_job);
  // each failed attempt is an error interrupt the device also reports as a warning
  test::ExpectReport dma_warnings("cimvp/host_dma"), macro_warnings("cimvp/cim_macro");
  sc_core::sc_start();
  CHECK(dma_warnings.count() == 2);    // the input DMA and its retry
  CHECK(macro_warnings.count() == 2);  // the START and its retry
  for (const CimInference* job : {&dma_job, &master_job}) {
    const bool dma = job == &dma_job;
    INFO((dma ? "dma: " : "master: ") << job->summary());
    CHECK_FALSE(job->passed());
    // 300 images in batches of 128: image 200 is in the second, images 128..255
    std::vector<std::size_t> expect;
    for (std::size_t i = 128; i < 256; ++i) expect.push_back(i);
    CHECK(job->unclassified() == expect);
    REQUIRE(job->failures().size() == 1);
    CHECK(job->failures()[0].first == 128);
    CHECK(job->failures()[0].count == 128);
    if (dma) {
      CHECK(job->failures()[0].stage == "input DMA");
      CHECK_THAT(job->failures()[0].cause, Catch::Contains("ERR_CAUSE 1 (read error)"));
    } else {
      CHECK(job->failures()[0].stage == "batch");
      CHECK_THAT(job->failures()[0].cause, Catch::Contains("BUS_ERROR (ERROR_CODE 1)"));
    }
    CHECK(job->retries() == 1);  // one retry, which failed again
    CHECK(job->driver_errors().size() == 2);
    for (std::size_t i = 0; i < job->images(); ++i) {
      if (i >= 128 && i < 256)
        CHECK(job->hardware_predictions()[i] == kUnclassified);
      else
        CHECK(job->hardware_predictions()[i] == job->golden_predictions()[i]);
    }
    // no unclassified image counts as correct
    CHECK(job->hardware_accuracy() == Approx(double(golden_correct_outside(*job, 128, 256)) / 300.0).epsilon(0));
    const auto r = job->results();
    CHECK(r["classified"] == 172);
    CHECK(r["unclassified"] == 128);
    CHECK(r["unclassified_images"].size() == 128);
    CHECK(r["unclassified_images"][0] == 128);
    CHECK(r["failed_batches"][0]["first_image"] == 128);
    CHECK(r["passed"] == false);
  }
}

TEST_CASE("a transient memory error is retried and every image is classified", "[faults][platform][dma]") {
  const CimInferenceConfig jc = small_job();
  // one failing transaction at several points of the run (load, streaming, sums)
  std::vector<PlatformConfig> pcs;
  for (const char* after : {"100", "12500", "14800"})
    pcs.push_back(default_with({std::string("memory.fault.error_after=") + after, "memory.fault.error_count=1"}));
  std::vector<std::unique_ptr<CimInference>> jobs;
  std::vector<std::unique_ptr<Platform>> tops;
  for (std::size_t i = 0; i < pcs.size(); ++i) {
    jobs.push_back(std::make_unique<CimInference>(jc, pcs[i]));
    tops.push_back(std::make_unique<Platform>(("t" + std::to_string(i)).c_str(), pcs[i]));
    tops.back()->run_job(*jobs.back());
  }
  test::ExpectReport dma_warnings("cimvp/host_dma"), macro_warnings("cimvp/cim_macro");
  sc_core::sc_start();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    INFO(i << ": " << jobs[i]->summary());
    CHECK(jobs[i]->passed());
    CHECK(jobs[i]->unclassified().empty());
    CHECK(jobs[i]->hardware_predictions() == jobs[i]->golden_predictions());
  }
  const auto counters = collect_counters();
  std::uint64_t injected = 0;
  for (const auto& m : counters)
    for (const auto& [n, v] : m.counters)
      if (n == "injected_errors") injected += v;
  CHECK(injected == 3);
}

// The CIM macro inside the elaborated platform (platforms/): the `cim:` keys, the
// cim_inference job on real Fashion-MNIST images, and the job's input checks.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/platform/cim_buffer_config.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/report.h"
#include "cimvp/platform/workload.h"
#include "cimvp/workloads/network_io.h"

#include <cstdio>
#include <string>
#include <unistd.h>

using namespace cimvp;

namespace {

PlatformConfig default_with(const std::vector<std::string>& sets = {}) {
  return load_platform(resolve_platform("default"), sets);
}

std::string config_error(const std::vector<std::string>& sets) {
  try {
    default_with(sets);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string job_error(const CimInferenceConfig& jc, const PlatformConfig& pc) {
  try {
    CimInference job(jc, pc);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::uint64_t counter(const std::vector<ModuleCounters>& all, const std::string& module, const std::string& name) {
  for (const auto& m : all)
    if (m.module == module)
      for (const auto& [n, v] : m.counters)
        if (n == name) return v;
  FAIL("no counter " << module << "." << name);
  return 0;
}

}  // namespace

TEST_CASE("cim keys reach CimMacroConfig and bad values are configuration errors", "[cim][config]") {
  const PlatformConfig d = default_with();
  CHECK(has_cim(d));
  CHECK(cim_base(d) == 0x50000000u);
  CHECK(d.cim.array.rows == 64);
  CHECK(d.cim.array.cols == 64);
  CHECK(d.cim.array.mode == CellMode::xnor_8t);
  CHECK(d.cim.array.access == AccessMode::parallel);
  CHECK(d.cim.sense.bits == 3);
  CHECK(d.cim.sense.quantization == Quantization::nonlinear);
  CHECK(d.cim.timing.clock_period_ns == 5.0);

  const PlatformConfig c = default_with({"cim.array.rows=128", "cim.array.cols=32", "cim.array.cell=hbnn_6t", "cim.array.access=group",
                                         "cim.array.group_rows=16", "cim.sense.bits=2", "cim.sense.quantization=linear",
                                         "cim.sense.offset_sigma=0.25", "cim.array.variation.sigma=0.1",
                                         "cim.array.read_ns=2 ns", "cim.clock_period_ns=0.5 ns",
                                         "seed=7"});
  CHECK(c.cim.array.rows == 128);
  CHECK(c.cim.array.cols == 32);
  CHECK(c.cim.array.mode == CellMode::hbnn_6t);
  CHECK(c.cim.array.access == AccessMode::group);
  CHECK(c.cim.array.group_rows == 16);
  CHECK(c.cim.sense.bits == 2);
  CHECK(c.cim.sense.quantization == Quantization::linear);
  CHECK(c.cim.sense.offset_sigma == 0.25);
  CHECK(c.cim.cells.sigma == 0.1);
  CHECK(c.cim.timing.array_read_ns == 2.0);
  CHECK(c.cim.timing.clock_period_ns == 0.5);
  // The seeds of the non-idealities follow the master seed unless set.
  CHECK(c.cim.sense.seed == 7);
  CHECK(c.cim.cells.seed == 7);
  CHECK(default_with({"seed=7", "cim.sense.seed=3"}).cim.sense.seed == 3);

  CHECK_THAT(config_error({"cim.sense.bits=17"}), Catch::Contains("cim.sense.bits: expected an unsigned integer in 1 .. 16"));
  CHECK_THAT(config_error({"cim.sense.bits=9"}), Catch::Contains("cim.sense.bits: 9 bits: an mlsa has 1..8"));
  CHECK(config_error({"cim.sense.kind=adc", "cim.sense.bits=9"}).empty());
  CHECK_THAT(config_error({"cim.sense.noise_sigma=0.5"}), Catch::Contains("cim.sense.noise_sigma"));
  CHECK_THAT(config_error({"cim.array.cell=sram"}), Catch::Contains("cim.array.cell: expected one of: xnor_8t, hbnn_6t"));
  CHECK_THAT(config_error({"cim.array.access=group", "cim.array.group_rows=65"}),
             Catch::Contains("cim.array.group_rows: group of 65 rows is larger than cim.array.rows (64)"));
  CHECK_THAT(config_error({"cim.master.bus_width_bytes=12"}), Catch::Contains("cim.master.bus_width_bytes: expected a power of two"));
  CHECK_THAT(config_error({"cim.master.burst_bytes=100"}), Catch::Contains("cim.master.burst_bytes: 100 is not a multiple"));
  CHECK_THAT(config_error({"address_map[2].size=16"}),
             Catch::Contains("the cim register window needs at least 256 bytes, got 16"));
  CHECK_THAT(config_error({"host.irq_lines=1"}), Catch::Contains("host.irq_lines: the cim interrupt is host line 1"));
  CHECK_THAT(config_error({"cim.clock_period_ns=0"}), Catch::Contains("cim.clock_period_ns"));
  CHECK_THAT(config_error({"cim.sense.offset_sigma=-1"}), Catch::Contains("cim.sense.offset_sigma"));
}

TEST_CASE("the main job runs on the default platform and the hardware equals the golden reference",
          "[cim][platform]") {
  PlatformConfig pc = default_with();
  CimInferenceConfig jc;
  jc.images = 200;
  jc.batch = 64;
  jc.calibration_samples = 300;
  jc.progress = false;
  WorkloadConfig w;  // job "auto": the default platform has a cim, so cim_inference
  w.cim_inference = jc;
  std::unique_ptr<Job> job = make_job(w, pc);
  REQUIRE(job->name() == "cim_inference");
  auto& inf = dynamic_cast<CimInference&>(*job);
  CHECK(inf.binary_macs_per_image() == 4ull * 784 * 512 + 512 * 512 + 512 * 10);  // 4 bit planes in layer 0
  Platform top("top", pc);
  REQUIRE(top.cim != nullptr);
  top.run_job(*job);
  sc_core::sc_start();
  REQUIRE(top.host.finished());
  INFO(inf.summary());
  CHECK(inf.error().empty());
  CHECK(job->passed());
  CHECK(inf.agreements() == 200);
  CHECK(inf.hardware_predictions() == inf.golden_predictions());
  // The shipped network is above 80 % on this slice, ideal and quantized.
  CHECK(inf.ideal_accuracy() > 0.8);
  CHECK(inf.hardware_accuracy() > 0.8);
  const auto counters = collect_counters();
  CHECK(counter(counters, "top.cim", "vectors") == 200);
  CHECK(counter(counters, "top.cim", "batches") == 4);  // 64 + 64 + 64 + 8
  CHECK(counter(counters, "top.cim", "loads") == 1);
  CHECK(counter(counters, "top.cim", "errors") == 0);
  CHECK(counter(counters, "top.cim.array", "binary_macs") == 200 * inf.binary_macs_per_image());
  // 64x64 parallel: per image 4 planes x 13 x 8 + 8 x 8 + 8 x 1 sub-array reads.
  CHECK(counter(counters, "top.cim.array", "array_reads") == 200ull * (4 * 13 * 8 + 8 * 8 + 8));
  const nlohmann::ordered_json r = job->results();
  CHECK(r["passed"] == true);
  CHECK(r["images"] == 200);
  CHECK(r["hardware_equals_golden"]["images"] == 200);
  CHECK(r["images_preloaded"] == true);
}

TEST_CASE("the inference job rejects networks and data that do not fit the platform", "[cim][platform]") {
  const PlatformConfig pc = default_with();
  CimInferenceConfig jc;
  jc.images = 10;
  jc.calibration_samples = 10;

  // Shape: a 100-input network cannot classify 784-pixel images.
  const std::string path = "cim_platform_test_" + std::to_string(::getpid()) + ".bnn";
  save_network(path, test::random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 5));
  jc.weights = path;
  const std::string shape_error = job_error(jc, pc);
  std::remove(path.c_str());
  CHECK_THAT(shape_error, Catch::Contains("cim_inference.weights: " + path +
                                          ": the network takes 100 inputs but fashion-mnist/test images have 784 pixels"));

  jc.weights = "fmnist-hbnn.bnn";
  CHECK_THAT(job_error(jc, pc), Catch::Contains("cim.array.cell: ") && Catch::Contains("trained for hbnn_6t cells"));
  jc.weights = "no-such-weights.bnn";
  CHECK_THAT(job_error(jc, pc), Catch::Contains("cim_inference.weights: ") && Catch::Contains("no-such-weights.bnn"));
  jc.weights = "fmnist-xnor.bnn";
  CHECK_THAT(job_error(jc, default_with({"cim.controller.capacity_subarrays=175"})),
             Catch::Contains("cim.controller.capacity_subarrays: ") && Catch::Contains("needs 176 sub-arrays of 64x64"));
  CHECK_THAT(job_error(jc, default_with({"cim.array.rows=32", "cim.controller.capacity_subarrays=300"})),
             Catch::Contains("needs 344 sub-arrays of 32x64"));  // 25 x 8 + 16 x 8 + 16 x 1
  jc.calibration_samples = 0;
  CHECK_THAT(job_error(jc, pc), Catch::Contains("cim_inference.calibration_samples: nonlinear MLSAs need"));
  CHECK(job_error(jc, default_with({"cim.sense.quantization=linear"})).empty());  // linear needs none

  PlatformConfig no_cim = pc;
  no_cim.router.map.pop_back();  // cim_buffer
  no_cim.router.map.pop_back();  // cim
  jc.calibration_samples = 10;
  CHECK_THAT(job_error(jc, no_cim), Catch::Contains("needs a 'cim' target"));
  WorkloadConfig w;
  CHECK(make_job(w, no_cim)->name() == "dma_selftest");  // auto without a macro
}

TEST_CASE("the main job gives the same predictions with transfer dma and transfer master", "[cim][platform][dma]") {
  const PlatformConfig pc = default_with();
  CHECK(has_cim_buffer(pc));
  CHECK(cim_buffer_base(pc) == 0x50100000u);
  CimInferenceConfig jc;
  jc.images = 300;
  jc.batch = 128;
  jc.calibration_samples = 300;
  jc.progress = false;
  CimInferenceConfig jm = jc;
  jm.transfer = "master";
  // Error checks first: an exception thrown on the main stack after SystemC's threads ran is
  // misreported by ASan (libsystemc is not instrumented; google/sanitizers#189).
  // transfer dma needs the buffer window in the address map
  PlatformConfig no_buf = pc;
  no_buf.router.map.pop_back();
  CHECK_THAT(job_error(jc, no_buf), Catch::Contains("cim_inference.transfer: ") && Catch::Contains("cim_buffer"));
  CHECK(job_error(jm, no_buf).empty());
  // cim_buffer keys and checks
  CHECK_THAT(config_error({"cim.buffer.input_bytes=12"}), Catch::Contains("cim.buffer"));
  CHECK_THAT(config_error({"address_map[3].size=4096"}), Catch::Contains("the cim_buffer window needs at least"));
  CimInference dma_job(jc, pc), master_job(jm, pc);
  Platform top_d("top_d", pc), top_m("top_m", pc);
  top_d.run_job(dma_job);
  top_m.run_job(master_job);
  sc_core::sc_start();
  INFO(dma_job.summary() << "\n" << master_job.summary());
  CHECK(dma_job.passed());
  CHECK(master_job.passed());
  CHECK(dma_job.hardware_predictions() == master_job.hardware_predictions());
  const auto counters = collect_counters();
  // 300 images in chunks of 128 (< 334 per input half): 3 chunks, each DMA'd in and out.
  CHECK(counter(counters, "top_d.dma", "transfers") == 6);
  CHECK(counter(counters, "top_d.dma", "bytes_written") == 300ull * 784 + 300ull * 10 * 4);
  CHECK(counter(counters, "top_d.cim.buffer", "macro_bytes_read") == 300ull * 784);
  CHECK(counter(counters, "top_d.cim", "bytes_written") == 0);
  CHECK(counter(counters, "top_m.dma", "transfers") == 0);
  CHECK(counter(counters, "top_m.cim", "bytes_written") == 300ull * 10 * 4);
  CHECK(dma_job.results()["transfer"] == "dma");
  CHECK(master_job.results()["transfer"] == "master");

}

#include "cimvp/platform/workload.h"

#include "cimvp/platform/cim_config.h"

#include <filesystem>

namespace cimvp {

Schema<WorkloadConfig> workload_schema() {
  Schema<WorkloadConfig> s;
  s.add("job", &WorkloadConfig::job)
      .one_of({"auto", "cim_inference", "dma_selftest"})
      .describe("Job the host runs; auto = cim_inference when the platform maps a `cim` target, else dma_selftest.");
  s.add("dma_selftest.copies", [](auto& w) -> auto& { return w.dma_selftest.copies; })
      .range(1u, 100000u)
      .describe("DMA copies; the first six are fixed edge cases (lengths 1, 3, 63, 64, 65, 1000).");
  s.add("dma_selftest.max_bytes", [](auto& w) -> auto& { return w.dma_selftest.max_bytes; })
      .with_unit("bytes").range(1u, 16u << 20)
      .describe("Longest copy; random copies are 1 .. max_bytes long at random offsets.");
  s.add("dma_selftest.corrupt_copies", [](auto& w) -> auto& { return w.dma_selftest.corrupt_copies; })
      .describe("Overwrite one copied byte in the first n copies before checking (tests the failure path).");
  s.add("cim_inference.weights", [](auto& w) -> auto& { return w.cim_inference.weights; })
      .describe("Network (.bnn file); a plain name that is not a file here is a shipped one (workloads/weights/).");
  s.add("cim_inference.dataset", [](auto& w) -> auto& { return w.cim_inference.dataset; })
      .one_of({"fashion-mnist", "mnist"})
      .describe("Data set: its test split is classified, its training split calibrates the MLSAs.");
  s.add("cim_inference.images", [](auto& w) -> auto& { return w.cim_inference.images; })
      .describe("Test images to classify (the first n; 0 = all).");
  s.add("cim_inference.batch", [](auto& w) -> auto& { return w.cim_inference.batch; })
      .range(1u, 1000000u)
      .describe("Images per START of the macro (the driver double-buffers batches).");
  s.add("cim_inference.calibration_samples", [](auto& w) -> auto& { return w.cim_inference.calibration_samples; })
      .describe("Training images on which the nonlinear MLSA references are placed.");
  s.add("cim_inference.preload", [](auto& w) -> auto& { return w.cim_inference.preload; })
      .describe("Place the test images in DRAM before the run (true) or let the driver copy every batch (false).");
  s.add("cim_inference.transfer", [](auto& w) -> auto& { return w.cim_inference.transfer; })
      .one_of({"dma", "master"})
      .describe("Who moves images and sums: dma = the host DMA, between DRAM and the macro's activation buffer "
                "(`cim_buffer` target), overlapped with compute; master = the macro's own bus master.");
  s.add("cim_inference.drop_levels", [](auto& w) -> auto& { return w.cim_inference.drop_levels; })
      .describe("Support drop levels per mille, comma-separated (e.g. \"0,250,500,750\"), each 0..1000: the test "
                "set runs once per level (SUPPORT_DROP written between passes, no reload) and a drop-level "
                "trade-off table is printed; empty = one pass. Needs a network with supports.");
  s.add("cim_inference.progress", [](auto& w) -> auto& { return w.cim_inference.progress; })
      .describe("Progress bar on stderr when it is a terminal.");
  return s;
}

std::string resolve_platform_workload(const std::string& spec) {
  std::error_code ec;
  if (std::filesystem::exists(spec, ec) || spec.find('/') != std::string::npos) return spec;
  const std::string name = spec.size() > 5 && spec.substr(spec.size() - 5) == ".yaml" ? spec : spec + ".yaml";
  return std::string(CIMVP_SOURCE_DIR) + "/platforms/workloads/" + name;
}

std::unique_ptr<Job> make_job(const WorkloadConfig& workload, const PlatformConfig& platform) {
  const std::string job = workload.job != "auto" ? workload.job : has_cim(platform) ? "cim_inference" : "dma_selftest";
  if (job == "dma_selftest") return std::make_unique<DmaSelfTest>(workload.dma_selftest, platform);
  if (job == "cim_inference") return std::make_unique<CimInference>(workload.cim_inference, platform);
  throw ConfigError("", "job", "unknown job '" + workload.job + "'");
}

}  // namespace cimvp

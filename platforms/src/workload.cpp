#include "cimvp/platform/workload.h"

namespace cimvp {

Schema<WorkloadConfig> workload_schema() {
  Schema<WorkloadConfig> s;
  s.add("job", &WorkloadConfig::job).one_of({"dma_selftest"}).describe("Job the host runs.");
  s.add("dma_selftest.copies", [](auto& w) -> auto& { return w.dma_selftest.copies; })
      .range(1u, 100000u)
      .describe("DMA copies; the first six are fixed edge cases (lengths 1, 3, 63, 64, 65, 1000).");
  s.add("dma_selftest.max_bytes", [](auto& w) -> auto& { return w.dma_selftest.max_bytes; })
      .with_unit("bytes").range(1u, 16u << 20)
      .describe("Longest copy; random copies are 1 .. max_bytes long at random offsets.");
  s.add("dma_selftest.corrupt_copies", [](auto& w) -> auto& { return w.dma_selftest.corrupt_copies; })
      .describe("Overwrite one copied byte in the first n copies before checking (tests the failure path).");
  return s;
}

std::unique_ptr<Job> make_job(const WorkloadConfig& workload, const PlatformConfig& platform) {
  if (workload.job == "dma_selftest") return std::make_unique<DmaSelfTest>(workload.dma_selftest, platform);
  throw ConfigError("", "job", "unknown job '" + workload.job + "'");
}

}  // namespace cimvp

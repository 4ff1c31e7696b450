// Workload files (`cimvp --workload FILE`), the `workload:` section of platform files and
// `--set workload.<key>=…`: which job the host runs, and its settings.
// Without a workload file the job is `auto`: BNN inference on the CIM macro (cim_inference)
// when the platform maps a "cim" target, else the DMA/memory self-test, with default settings.
#pragma once

#include <string>

#include "cimvp/config.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/dma_selftest.h"
#include "cimvp/platform/job.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/two_way_training.h"

#include <memory>
#include <string>
#include <vector>

namespace cimvp {

struct WorkloadConfig {
  std::string job = "auto";  ///< auto | cim_inference | dma_selftest | two_way_training
  DmaSelfTestConfig dma_selftest;
  CimInferenceConfig cim_inference;
  TwoWayTrainingConfig two_way_training;
};

/// Keys of workload files (docs/configuration.md, "Workload keys").  A new job kind adds
/// its name to the choices of "job" and registers its "<job>.*" keys here.
/// With `prefix` ("workload."), every key path starts with it (the form --set uses).
Schema<WorkloadConfig> workload_schema(const std::string& prefix = {});

/// The workload of a run: defaults → the `workload:` section of each platform file of the
/// chain (platform_chain(), root first; maps merge key by key) → the workload file
/// `workload_file` (when not empty) → the overrides named "workload.<key>=value" (others
/// are skipped: they are the platform's).  ConfigError naming the file or --set.
WorkloadConfig load_workload(const PlatformSource& platform, const std::string& workload_file,
                             const std::vector<std::string>& overrides);

/// The job a workload selects, built for `platform`; ConfigError when it cannot run there.
std::unique_ptr<Job> make_job(const WorkloadConfig& workload, const PlatformConfig& platform);

}  // namespace cimvp

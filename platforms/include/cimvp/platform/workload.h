// Workload files (`cimvp --workload FILE`): which job the host runs, and its settings.
// Without a workload file the job is `auto`: BNN inference on the CIM macro (cim_inference)
// when the platform maps a "cim" target, else the DMA/memory self-test, with default settings.
#pragma once

#include <string>

#include "cimvp/config.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/dma_selftest.h"
#include "cimvp/platform/job.h"

#include <memory>
#include <string>

namespace cimvp {

struct WorkloadConfig {
  std::string job = "auto";  ///< auto | cim_inference | dma_selftest
  DmaSelfTestConfig dma_selftest;
  CimInferenceConfig cim_inference;
};

/// Keys of workload files (docs/configuration.md, "Workload keys").  A new job kind adds
/// its name to the choices of "job" and registers its "<job>.*" keys here.
Schema<WorkloadConfig> workload_schema();

/// The job a workload selects, built for `platform`; ConfigError when it cannot run there.
std::unique_ptr<Job> make_job(const WorkloadConfig& workload, const PlatformConfig& platform);

/// Path of the workload named by the platform key `workload`: the spec itself when it is an
/// existing file or contains '/', else CIMVP_SOURCE_DIR/platforms/workloads/<spec>.yaml
/// (".yaml" appended when missing).
std::string resolve_platform_workload(const std::string& spec);

}  // namespace cimvp

// Run reports: the JSON file of `cimvp --report` and the console summary.
//
// JSON layout (keys in this order; only wall_time_s and a job's own wall-clock fields differ
// between identical runs):
//   { "cimvp": version, "platform": name, "config": {every platform key, as the schema echoes
//     it, and "workload": {every workload key}},
//     "seed": n, "simulated_time_ns": t, "wall_time_s": w, "status": "pass"|"fail",
//     "modules": { "<hierarchical name>": { "<counter>": value, ... }, ... },
//     "ppa": { ...ppa_json()... } (when priced), "job": { ...Job::results()... } }
#pragma once

#include "cimvp/platform/ppa.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// The counters of one cimvp::Counted module.
struct ModuleCounters {
  std::string module;  ///< hierarchical SystemC name ("top.dma")
  std::vector<std::pair<std::string, std::uint64_t>> counters;
};

/// Walks the SystemC object hierarchy (top-level objects, then children depth-first, in
/// construction order) and collects every object that implements cimvp::Counted.
std::vector<ModuleCounters> collect_counters();

/// Everything a report shows.
struct RunReport {
  std::string platform;               ///< PlatformConfig::name
  nlohmann::ordered_json config;      ///< ConfigSchema::to_json(config) + "workload": the workload schema's echo
  std::uint64_t seed = 0;
  double simulated_time_ns = 0;
  double wall_time_s = 0;
  bool passed = false;                ///< job passed and no SystemC error was reported
  std::vector<ModuleCounters> modules;
  std::string job_name;               ///< Job::name()
  std::string job_summary;            ///< Job::summary()
  std::string job_verdict;            ///< Job::verdict()
  nlohmann::ordered_json job;         ///< Job::results()
  std::optional<PpaReport> ppa;       ///< energy, area and metrics (docs/ppa.md)
};

nlohmann::ordered_json report_json(const RunReport& r);

/// Writes report_json(r) (indented) to `path`; std::runtime_error when it cannot.
void write_report(const std::string& path, const RunReport& r);

/// Readable summary: header lines, an aligned module/counter/value table, the power and
/// area block (ppa_console) when priced, and the line "job <name>: PASS|FAIL - <summary>".
std::string console_summary(const RunReport& r);

}  // namespace cimvp

// The CSV files of `cimvp --report-csv FILE.csv` (docs/cli.md, "CSV reports").
//
// Tidy tables, each with one header line and one row per entity:
//   FILE.csv             the run's summary: one row (platform, tech, seed, job, status,
//                        accuracy, times, totals, macro/platform metrics, energy per component)
//   FILE.layers.csv      one row per mapped layer (ppa_layer_breakdown)
//   FILE.modules.csv     one row per priced module
//   FILE.components.csv  one row per component of the breakdown (ppa_components)
//   FILE.config.csv      the resolved configuration: one row per key (key,value), platform
//                        keys as `--set` names them, workload keys as workload.<key>
//   FILE.phases.csv      one row per phase of a training job (forward, backward, gradient,
//                        update, evaluate: latency, macro and platform energy, ops); only the
//                        header for a job without phases
// The sidecars' names are FILE without a trailing ".csv", plus the suffix (report_csv_paths).
#pragma once

#include "cimvp/platform/report.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// The paths written for `--report-csv path`: {path, stem.layers.csv, stem.modules.csv,
/// stem.components.csv, stem.config.csv, stem.phases.csv}, stem = path without a trailing ".csv".
std::vector<std::string> report_csv_paths(const std::string& path);

/// A configuration echo (RunReport::config) as (key, value) rows in document order: nested
/// maps join with '.', list items as key[i]; strings as they are, numbers and booleans as
/// JSON writes them, null as "".
std::vector<std::pair<std::string, std::string>> flatten_config(const nlohmann::ordered_json& config);

/// Texts of the six files, in report_csv_paths order.  `summary_csv` needs r.ppa for its
/// energy columns (they are empty without it); the others are empty tables without it.
std::string summary_csv(const RunReport& r);
std::string layers_csv(const RunReport& r);
std::string modules_csv(const RunReport& r);
std::string components_csv(const RunReport& r);
std::string config_csv(const RunReport& r);
std::string phases_csv(const RunReport& r);

/// The texts of the six files in report_csv_paths order.
std::vector<std::string> report_csv_texts(const RunReport& r);

/// Writes `text` to `path`; std::runtime_error "cannot write CSV report 'path': reason".
void write_csv_file(const std::string& path, const std::string& text);

/// One CSV cell: quoted (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s);

}  // namespace cimvp

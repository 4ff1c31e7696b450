// Technology files (platforms/tech/*.yaml) → cimvp::TechParams (docs/ppa.md, "Technology
// files").
//
// Every key is known (unknown keys are rejected with a "did you mean" hint), every unit is
// in the key name, every number is range-checked.  Errors are cimvp::ConfigError with
// what() = "file:line:col: key.path: message", e.g.
//   sram65.yaml:14:18: bitcells.sram_6t.read.energy_pj: expected a number > 0 (pJ), got "-1"
#pragma once

#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/platform/config_schema.h"  // ConfigError

#include <string>
#include <string_view>

namespace cimvp {

/// Parses a technology file held in memory; `source` names it in error messages.
/// Throws ConfigError.
TechParams parse_tech_file(std::string_view yaml_text, const std::string& source);

/// Reads and parses the file at `path` (errors name the file as given).  Throws ConfigError
/// (also when the file cannot be read).
TechParams load_tech_file(const std::string& path);

}  // namespace cimvp

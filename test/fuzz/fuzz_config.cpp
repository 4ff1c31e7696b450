// Fuzz target `config`: a platform YAML, `--set` overrides and a workload YAML, through the
// entry points `cimvp` uses before it elaborates (platforms/src/cli.cpp): the platform
// schema's load (YAML, then the overrides in order, then the cross-field checks), the
// technology lookup and checks, the report's config JSON, the workload schema and, for
// the DMA self-test, the job's own checks.  No simulation runs.
//
// Input: text in up to three sections, split at lines that are exactly "#%set" and
// "#%workload" (YAML comments, so a platform file is also a valid input by itself):
//   <platform YAML>
//   #%set
//   key.path=value          (one --set argument per line)
//   #%workload
//   <workload YAML>
// Oracle: every bad input is a ConfigError (exit 2 in the CLI); any other exception
// escapes (the CLI would die with it) and is a finding, as is a crash or a sanitizer report.
#include "fuzz_support.h"

#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/workload.h"

#include <string>
#include <vector>

namespace {

using namespace cimvp;

struct Sections {
  std::string platform, workload;
  std::vector<std::string> sets;
};

Sections split(std::string_view text) {
  Sections s;
  enum { platform, sets, workload } where = platform;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line == "#%set") {
      where = sets;
    } else if (line == "#%workload") {
      where = workload;
    } else if (where == sets) {
      s.sets.emplace_back(line);
    } else {
      std::string& out = where == platform ? s.platform : s.workload;
      out.append(line);
      if (!last) out.push_back('\n');
    }
    pos = last ? end : end + 1;
  }
  return s;
}

bool is_builtin_tech(const std::string& spec) {
  for (const auto& b : builtin_techs())
    if (spec == b.name || spec == std::string(b.name) + ".yaml") return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ConfigSchema schema = platform_schema();
  static const Schema<WorkloadConfig> wschema = workload_schema();
  const Sections in = split(std::string_view(reinterpret_cast<const char*>(data), size));
  PlatformConfig config;
  try {
    config = schema.load(in.platform, "fuzz.yaml", in.sets);
  } catch (const ConfigError&) {
    return 0;  // exit 2
  }
  // The report's copy of the configuration (nlohmann throws on invalid UTF-8: a finding).
  (void)schema.to_json(config).dump();
  // Technology: only the built-in files, so a replay never depends on the machine's files.
  if (is_builtin_tech(config.tech)) {
    try {
      const TechParams tech = load_tech(config.tech);
      check_tech_for(config, tech);
      apply_tech_timing(config, tech);
    } catch (const ConfigError&) {
      return 0;
    }
  }
  WorkloadConfig workload;
  try {
    workload = wschema.load(in.workload, "fuzz-workload.yaml");
  } catch (const ConfigError&) {
    return 0;
  }
  (void)wschema.to_json(workload).dump();
  // The DMA self-test's constructor checks the platform; cim_inference would load data sets.
  const bool selftest = workload.job == "dma_selftest" || (workload.job == "auto" && !has_cim(config));
  if (selftest) {
    try {
      (void)make_job(workload, config);
    } catch (const ConfigError&) {
      return 0;
    }
  }
  return 0;
}

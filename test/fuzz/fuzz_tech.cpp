// Fuzz target `tech`: technology files (platforms/src/tech_file.cpp parse_tech_file), the
// parser `tech: FILE` and the built-in technologies go through.
// Oracle: every bad file is a ConfigError (exit 2 in the CLI); any other exception, a crash
// or a sanitizer report is a finding.
#include "fuzz_support.h"

#include "cimvp/platform/tech_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    (void)cimvp::parse_tech_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz-tech.yaml");
  } catch (const cimvp::ConfigError&) {
  }
  return 0;
}

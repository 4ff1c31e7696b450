// The cimvp command line (docs/cli.md).
#pragma once

namespace cimvp {

/// Exit codes of the cimvp executable.
enum ExitCode : int {
  exit_ok = 0,
  exit_simulation_failed = 1,  ///< the job failed, or SystemC reported an error
  exit_bad_input = 2,          ///< bad option, bad YAML, bad --set, missing file
};

/// Parses the command line, loads and validates the platform, elaborates it, runs the
/// job, prints the summary and writes the requested files.  Returns an ExitCode.
/// Errors go to stderr as "cimvp: error: ...".  Elaborates at most once per process.
int run_cli(int argc, char* argv[]);

}  // namespace cimvp

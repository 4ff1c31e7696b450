// Design-space sweeps on one machine: `cimvp sweep SWEEP.yaml [-j N] [--out DIR]`
// (docs/sweeps.md).
//
// A sweep file names a platform, optionally a workload file and fixed overrides, and the
// keys to vary: `grid` (every combination) and/or `zip` (lists of equal length stepped
// together, crossed with the grid).  Keys are platform keys or `workload.` keys, as with
// --set.  Every point runs in its own child process, forked after the data sets are loaded
// once, so points share them; up to N points run at once.  Each finished point leaves its
// JSON report in DIR/points/<id>.json (id: a hash of the point's assignments), so a sweep
// that is run again skips them (resumable); a failed point leaves DIR/points/<id>.error
// with its exit code and message, and the sweep goes on.  At the end DIR/summary.csv and
// DIR/summary.jsonl hold one row per point.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// The most points one sweep file may define (grid product x zip length); more is bad input
/// (exit 2) before any point is made.
inline constexpr std::uint64_t kMaxSweepPoints = 100000;

struct SweepSpec {
  std::string source;     ///< the sweep file (for messages)
  std::string platform;   ///< built-in name or path (relative paths: next to the sweep file first)
  std::string workload;   ///< workload file or ""
  std::vector<std::string> fixed;  ///< "key=value" applied to every point, in order
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;  ///< key → values
  std::vector<std::pair<std::string, std::vector<std::string>>> zip;   ///< key → values (equal lengths)
};

struct SweepPoint {
  std::string id;                                         ///< 16 hex digits (FNV-1a of the assignments)
  std::vector<std::pair<std::string, std::string>> values;  ///< swept key → value, in spec order
  std::vector<std::string> overrides() const;             ///< "key=value" for each value
};

/// Parses and checks a sweep file: known top-level keys, every swept key known to the
/// platform or workload schema, and every single value accepted on its own (a typo fails
/// before anything runs).  ConfigError naming file:line:column, key and allowed values.
SweepSpec load_sweep(const std::string& path);

/// The points in order: the grid's combinations in row-major order of its keys (the last
/// key changes fastest), each crossed with every zip step (the zip step changes fastest).
std::vector<SweepPoint> sweep_points(const SweepSpec& spec);

/// `cimvp sweep ...`: argv[0] is "sweep".  Returns an ExitCode (0 when every point ran and
/// passed, 1 when some point failed, 2 for bad input).
int run_sweep(int argc, char* argv[]);

}  // namespace cimvp

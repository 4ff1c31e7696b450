// A sweep submitted to a Slurm cluster as a job array (docs/sweeps.md, "On a Slurm
// cluster"): `cimvp sweep SWEEP.yaml --slurm [--partition P] [--time T] [--array-chunk N]
// [--cpus-per-task C] [--wait] [--script-only]`.
//
// Task k of the array runs points [k·N, (k+1)·N) of the sweep (point order of
// sweep_points) with `cimvp sweep SWEEP.yaml --out DIR --points FIRST:LAST -j C`, which
// writes the points' reports and the rows of its chunk to DIR/rows/FIRST-LAST.jsonl; a
// gather job that depends on the whole array (afterany) runs `cimvp sweep ... --gather`,
// which merges the rows into DIR/summary.csv and DIR/summary.jsonl exactly as a local run
// writes them.  The batch scripts are written to DIR/slurm/ and submitted with `sbatch
// --parsable` (from PATH).
#pragma once

#include <cstddef>
#include <string>

namespace cimvp {

struct SlurmOptions {
  std::string partition;        ///< --partition (empty: the cluster's default)
  std::string time;             ///< --time per task (empty: the partition's default)
  unsigned array_chunk = 1;     ///< points per array task, 1..100000
  unsigned cpus_per_task = 1;   ///< --cpus-per-task; each task runs that many points at once
  bool wait = false;            ///< block until the gather job has finished (sbatch --wait)
  bool script_only = false;     ///< write the scripts, print the sbatch commands, submit nothing
};

/// Checks a Slurm time limit in one of sbatch's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S
/// (digits only).  Throws ConfigError naming --time and the allowed forms.
void check_slurm_time(const std::string& value);
/// Checks a partition name (letters, digits, '_', '-', '.', 1..64 characters).
void check_slurm_partition(const std::string& value);

/// Writes DIR/slurm/array.sbatch and DIR/slurm/gather.sbatch for `points` points and
/// submits them (unless script_only).  sweep_file and dir are made absolute; `cimvp` is the
/// absolute path of the executable the tasks run.  Returns an ExitCode: 0 submitted (with
/// --wait: the gather job's exit code), 2 when sbatch is missing or refuses the job.
int submit_sweep_to_slurm(const std::string& cimvp, const std::string& sweep_file, const std::string& dir,
                          std::size_t points, const SlurmOptions& options);

}  // namespace cimvp

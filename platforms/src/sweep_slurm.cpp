// Sweeps as Slurm job arrays (cimvp/platform/sweep_slurm.h).
#include "cimvp/platform/sweep_slurm.h"

#include "cimvp/platform/cli.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/units.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace cimvp {
namespace fs = std::filesystem;

namespace {

/// Digits only, 1..max_len of them.
bool digits(const std::string& s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

/// "a:b:c" split on ':' (empty parts kept).
std::vector<std::string> fields(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == ':') out.emplace_back();
    else out.back() += c;
  }
  return out;
}

/// sbatch's forms: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S (digits only).
bool slurm_time(const std::string& v) {
  const auto dash = v.find('-');
  if (dash == std::string::npos) {
    const auto f = fields(v);
    if (f.size() == 1) return digits(f[0], 6);
    if (f.size() == 2) return digits(f[0], 6) && digits(f[1], 2);
    if (f.size() == 3) return digits(f[0], 4) && digits(f[1], 2) && digits(f[2], 2);
    return false;
  }
  if (!digits(v.substr(0, dash), 4)) return false;
  const auto f = fields(v.substr(dash + 1));
  if (f.size() > 3) return false;
  for (const auto& x : f)
    if (!digits(x, 2)) return false;
  return true;
}

}  // namespace

void check_slurm_time(const std::string& v) {
  if (!slurm_time(v))
    throw ConfigError("--time", "",
                      "expected a Slurm time limit (minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S), got \"" + shown(v) + "\"");
}

void check_slurm_partition(const std::string& v) {
  bool ok = !v.empty() && v.size() <= 64;
  for (char c : v)
    ok = ok && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                c == '.');
  if (!ok)
    throw ConfigError("--partition", "",
                      "expected a partition name (letters, digits, '_', '-', '.'; 1..64 characters), got \"" + shown(v) + "\"");
}

namespace {

/// Single-quoted for sh.
std::string quoted(const std::string& s) {
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

/// Runs argv, returns (exit code, stdout).  exit code 127 when it cannot be started.
std::pair<int, std::string> run_capture(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {127, std::strerror(errno)};
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = ::fork();
  if (pid < 0) return {127, std::strerror(errno)};
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> a;
    for (const auto& s : args) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execvp(a[0], a.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return {rc, out};
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + quoted(a);
  return s;
}

}  // namespace

int submit_sweep_to_slurm(const std::string& cimvp, const std::string& sweep_file, const std::string& out_dir,
                          std::size_t points, const SlurmOptions& o) {
  const fs::path dir = fs::absolute(out_dir);
  const fs::path file = fs::absolute(sweep_file);
  const std::size_t chunk = o.array_chunk;
  const std::size_t tasks = points == 0 ? 0 : (points + chunk - 1) / chunk;
  std::error_code ec;
  fs::create_directories(dir / "slurm", ec);
  if (ec) {
    std::cerr << "cimvp: error: --out: cannot create '" << (dir / "slurm").string() << "': " << ec.message() << '\n';
    return exit_bad_input;
  }
  const std::string name = "cimvp-sweep-" + file.stem().string();
  auto header = [&](std::ostream& s, const std::string& job, const std::string& log) {
    s << "#!/bin/sh\n"
      << "# written by cimvp sweep --slurm (docs/sweeps.md); submitted with sbatch\n"
      << "#SBATCH --job-name=" << job << '\n'
      << "#SBATCH --output=" << (dir / "slurm" / log).string() << '\n'
      << "#SBATCH --ntasks=1\n";
    if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << '\n';
    if (!o.time.empty()) s << "#SBATCH --time=" << o.time << '\n';
  };
  const fs::path array = dir / "slurm" / "array.sbatch";
  const fs::path gather = dir / "slurm" / "gather.sbatch";
  {
    std::ofstream s(array);
    header(s, name, "task-%a.log");
    s << "#SBATCH --cpus-per-task=" << o.cpus_per_task << '\n';
    if (tasks > 0) s << "#SBATCH --array=0-" << tasks - 1 << '\n';
    s << "set -eu\n"
      << "first=$(( SLURM_ARRAY_TASK_ID * " << chunk << " ))\n"
      << "exec " << quoted(cimvp) << " sweep " << quoted(file.string()) << " --out " << quoted(dir.string())
      << " --points \"$first:$(( first + " << chunk << " ))\" -j \"${SLURM_CPUS_PER_TASK:-1}\"\n";
    if (!s) {
      std::cerr << "cimvp: error: cannot write '" << array.string() << "'\n";
      return exit_bad_input;
    }
  }
  {
    std::ofstream s(gather);
    header(s, name + "-gather", "gather.log");
    s << "exec " << quoted(cimvp) << " sweep " << quoted(file.string()) << " --out " << quoted(dir.string())
      << " --gather\n";
    if (!s) {
      std::cerr << "cimvp: error: cannot write '" << gather.string() << "'\n";
      return exit_bad_input;
    }
  }
  std::vector<std::string> submit_array{"sbatch", "--parsable", array.string()};
  std::cout << "cimvp sweep: " << points << " points in " << tasks << " array task" << (tasks == 1 ? "" : "s") << " of "
            << chunk << " point" << (chunk == 1 ? "" : "s") << ", scripts in " << (dir / "slurm").string() << '\n';
  if (o.script_only) {
    std::cout << "  submit with: " << join(submit_array) << '\n'
              << "  then:        sbatch --dependency=afterany:<array job id> " << quoted(gather.string()) << '\n';
    return exit_ok;
  }
  std::string dependency;
  if (tasks > 0) {
    const auto [rc, id] = run_capture(submit_array);
    if (rc == 127) {
      std::cerr << "cimvp: error: --slurm: cannot run 'sbatch' (Slurm's client, Debian package slurm-client): "
                   "run on a cluster's login node, or use --script-only\n";
      return exit_bad_input;
    }
    if (rc != 0 || id.empty()) {
      std::cerr << "cimvp: error: --slurm: sbatch refused the job array (exit " << rc << ")\n";
      return exit_bad_input;
    }
    const std::string job = id.substr(0, id.find(';'));
    std::cout << "  array job " << job << '\n';
    dependency = "--dependency=afterany:" + job;
  }
  std::vector<std::string> submit_gather{"sbatch", "--parsable"};
  if (!dependency.empty()) submit_gather.push_back(dependency);
  if (o.wait) submit_gather.push_back("--wait");
  submit_gather.push_back(gather.string());
  const auto [rc, id] = run_capture(submit_gather);
  if (rc == 127) {
    std::cerr << "cimvp: error: --slurm: cannot run 'sbatch'\n";
    return exit_bad_input;
  }
  if (!o.wait && (rc != 0 || id.empty())) {
    std::cerr << "cimvp: error: --slurm: sbatch refused the gather job (exit " << rc << ")\n";
    return exit_bad_input;
  }
  std::cout << "  gather job " << id.substr(0, id.find(';')) << " (after the array): summary in "
            << (dir / "summary.csv").string() << ", log " << (dir / "slurm" / "gather.log").string() << '\n';
  if (o.wait) {
    std::cout << "  gather job ended with exit " << rc << '\n';
    return rc == 0 ? exit_ok : exit_simulation_failed;
  }
  return exit_ok;
}

}  // namespace cimvp

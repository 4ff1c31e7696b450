#include "cimvp/platform/sweep.h"

#include "cimvp/circuit/thread_pool.h"

#include "cimvp/platform/sweep_slurm.h"

#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/cli.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/output_file.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/report_csv.h"
#include "cimvp/platform/units.h"
#include "cimvp/platform/workload.h"
#include "cimvp/platform/yaml_load.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace cimvp {
namespace fs = std::filesystem;

namespace {

std::string at(const std::string& source, const YAML::Mark& m) {
  return m.line < 0 ? source : source + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::vector<std::pair<std::string, std::vector<std::string>>> key_lists(const YAML::Node& node, const std::string& section,
                                                                        const std::string& source) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  if (node.IsNull()) return out;
  if (!node.IsMap()) throw ConfigError(at(source, node.Mark()), section, "expected a map of key: [values]");
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) throw ConfigError(at(source, kv.first.Mark()), section, "keys must be plain names");
    const std::string key = kv.first.Scalar();
    const YAML::Node list = kv.second;
    if (!list.IsSequence() || list.size() == 0)
      throw ConfigError(at(source, list.Mark()), section + "." + key, "expected a non-empty list of values");
    std::vector<std::string> values;
    for (const auto& v : list) {
      if (!v.IsScalar()) throw ConfigError(at(source, v.Mark()), section + "." + key, "each value must be a scalar");
      if (std::find(values.begin(), values.end(), v.Scalar()) != values.end())
        throw ConfigError(at(source, v.Mark()), section + "." + key,
                          "value '" + shown(v.Scalar()) + "' given twice (a point would run twice under one id)");
      values.push_back(v.Scalar());
    }
    for (const auto& [k, _] : out)
      if (k == key) throw ConfigError(at(source, kv.first.Mark()), section + "." + key, "duplicate key");
    out.emplace_back(key, std::move(values));
  }
  return out;
}

std::string fnv_id(const std::vector<std::pair<std::string, std::string>>& values) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& [k, v] : values)
    for (const std::string& part : {k, std::string("="), v, std::string("\n")})
      for (unsigned char c : part) h = (h ^ c) * 0x100000001b3ull;
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
  return b;
}

PlatformSource sweep_platform(const SweepSpec& spec) {
  const fs::path rel = fs::path(spec.source).parent_path() / spec.platform;
  std::error_code ec;
  if (fs::path(spec.platform).is_relative() && fs::is_regular_file(rel, ec))
    return {rel.string(), read_text_file(rel.string(), "platform file"), ""};
  return resolve_platform(spec.platform);
}

std::string sweep_workload(const SweepSpec& spec) {
  if (spec.workload.empty()) return {};
  const fs::path rel = fs::path(spec.source).parent_path() / spec.workload;
  std::error_code ec;
  return fs::path(spec.workload).is_relative() && fs::is_regular_file(rel, ec) ? rel.string() : spec.workload;
}

}  // namespace

std::vector<std::string> SweepPoint::overrides() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values) out.push_back(k + "=" + v);
  return out;
}

SweepSpec load_sweep(const std::string& path) {
  SweepSpec spec;
  spec.source = path;
  const YAML::Node root = load_yaml_document(read_text_file(path, "sweep file"), path);
  if (!root.IsMap()) throw ConfigError(at(path, root.Mark()), "", "expected a map with platform, workload, set, grid, zip");
  std::vector<std::string> seen;  // yaml-cpp keeps both of two equal keys: the second would win silently
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node v = kv.second;
    if (!key.empty() && std::find(seen.begin(), seen.end(), key) != seen.end())
      throw ConfigError(at(path, kv.first.Mark()), key, "duplicate key (give each of platform, workload, set, grid, zip once)");
    seen.push_back(key);
    if (key == "platform" || key == "workload") {
      if (!v.IsScalar()) throw ConfigError(at(path, v.Mark()), key, "expected a name or a file path");
      (key == "platform" ? spec.platform : spec.workload) = v.Scalar();
    } else if (key == "set") {
      if (!v.IsSequence()) throw ConfigError(at(path, v.Mark()), key, "expected a list of \"key=value\" strings");
      for (const auto& s : v) {
        if (!s.IsScalar() || s.Scalar().find('=') == std::string::npos)
          throw ConfigError(at(path, s.Mark()), key, "expected \"key=value\"");
        spec.fixed.push_back(s.Scalar());
      }
    } else if (key == "grid") {
      spec.grid = key_lists(v, "grid", path);
    } else if (key == "zip") {
      spec.zip = key_lists(v, "zip", path);
    } else {
      const auto [best, d] = nearest(key, {"platform", "workload", "set", "grid", "zip"});
      throw ConfigError(at(path, kv.first.Mark()), "", "unknown key '" + key + "'" +
                                                           (d <= 3 ? " (did you mean '" + best + "'?)" : std::string()) +
                                                           "; allowed: platform, workload, set, grid, zip");
    }
  }
  if (spec.platform.empty()) spec.platform = "default";
  if (spec.grid.empty() && spec.zip.empty()) throw ConfigError(path, "grid", "a sweep needs grid and/or zip keys");
  for (const auto& [g, _] : spec.grid)
    for (const auto& [z, __] : spec.zip)
      if (g == z) throw ConfigError(path, "zip." + z, "swept in both grid and zip; sweep a key in one of them");
  for (const auto& [k, vals] : spec.zip)
    if (vals.size() != spec.zip.front().second.size())
      throw ConfigError(path, "zip." + k, std::to_string(vals.size()) + " values, but zip." + spec.zip.front().first +
                                              " has " + std::to_string(spec.zip.front().second.size()) +
                                              " (zipped lists must have equal lengths)");
  // the number of points, before any is made: a grid of a few long lists multiplies out to
  // more points than memory holds (and than any machine would run)
  {
    std::uint64_t n = spec.zip.empty() ? 1 : spec.zip.front().second.size();
    std::string product = spec.zip.empty() ? "" : std::to_string(n) + " zip steps";
    for (const auto& [k, vals] : spec.grid) {
      n = std::min<std::uint64_t>(n * vals.size(), kMaxSweepPoints + 1);  // n <= 1e5 + 1: no overflow
      product += (product.empty() ? "" : " x ") + std::to_string(vals.size()) + " values of " + k;
    }
    if (n > kMaxSweepPoints)
      throw ConfigError(path, spec.grid.empty() ? "zip" : "grid",
                        product + ": more than " + std::to_string(kMaxSweepPoints) +
                            " points, the most one sweep runs (split it into several sweep files)");
  }
  // every value on its own: unknown keys and bad values fail here, before anything runs
  const PlatformSource platform = sweep_platform(spec);
  const std::string workload = sweep_workload(spec);
  auto check = [&](const std::string& section, const std::string& key, const std::string& value) {
    std::vector<std::string> o = spec.fixed;
    o.push_back(key + "=" + value);
    try {
      (void)load_platform(platform, o);
      (void)load_workload(platform, workload, o);
    } catch (const ConfigError& e) {
      // the value reaches the platform as --set: say which key objected, not "--set"
      const bool via_set = e.location().compare(0, 5, "--set") == 0;
      const std::string why = via_set ? (e.key().empty() || e.key() == key ? e.message() : e.key() + ": " + e.message())
                                      : std::string(e.what());
      throw ConfigError(path, section + "." + key, std::string("value '") + shown(value) + "': " + why);
    }
  };
  for (const auto& [k, vals] : spec.grid)
    for (const auto& v : vals) check("grid", k, v);
  for (const auto& [k, vals] : spec.zip)
    for (const auto& v : vals) check("zip", k, v);
  return spec;
}

std::vector<SweepPoint> sweep_points(const SweepSpec& spec) {
  std::vector<SweepPoint> points;
  std::vector<std::size_t> idx(spec.grid.size(), 0);
  const std::size_t zn = spec.zip.empty() ? 1 : spec.zip.front().second.size();
  while (true) {
    for (std::size_t z = 0; z < zn; ++z) {
      SweepPoint p;
      for (std::size_t g = 0; g < spec.grid.size(); ++g) p.values.emplace_back(spec.grid[g].first, spec.grid[g].second[idx[g]]);
      for (const auto& [k, vals] : spec.zip) p.values.emplace_back(k, vals[z]);
      p.id = fnv_id(p.values);
      points.push_back(std::move(p));
    }
    std::size_t g = spec.grid.size();
    while (g > 0) {
      --g;
      if (++idx[g] < spec.grid[g].second.size()) break;
      idx[g] = 0;
      if (g == 0) return points;
    }
    if (spec.grid.empty()) return points;
  }
}

namespace {

struct Options {
  std::string file, out;
  unsigned jobs = 0;
  bool range = false;             ///< --points FIRST:LAST given
  std::size_t first = 0, last = 0;
  bool gather = false;
  bool slurm = false;
  SlurmOptions slurm_options;
};

void usage() {
  std::cout << "usage: cimvp sweep SWEEP.yaml [-j N] [--out DIR]\n"
               "       cimvp sweep SWEEP.yaml --slurm [--partition P] [--time T] [--array-chunk N]\n"
               "                   [--cpus-per-task C] [--wait] [--script-only] [--out DIR]\n"
               "       cimvp sweep SWEEP.yaml --points FIRST:LAST [-j N] [--out DIR]   (one chunk)\n"
               "       cimvp sweep SWEEP.yaml --gather [--out DIR]                     (merge the chunks)\n"
               "Runs every point of a sweep file (docs/sweeps.md), N at a time (default: all cores), and\n"
               "writes DIR/points/<id>.json per point and DIR/summary.csv, DIR/summary.jsonl.\n"
               "DIR defaults to the sweep file's name without .yaml, plus .out, in the working directory.\n"
               "Finished points are skipped when the sweep runs again.\n"
               "--slurm submits the points as a Slurm job array (N points per task, default 1) and a\n"
               "gather job that writes the summary when the array has finished.  --points runs the points\n"
               "FIRST..LAST-1 (in point order) and writes their rows to DIR/rows/FIRST-LAST.jsonl;\n"
               "--gather writes the summary from those rows without running anything.\n";
}

unsigned count_option(const std::string& opt, const std::string& v, unsigned lo, unsigned hi, const char* what) {
  if (v.empty() || v.size() > 6 || !std::all_of(v.begin(), v.end(), ::isdigit) || std::stoul(v) < lo ||
      std::stoul(v) > hi)
    throw ConfigError(opt, "", std::string("expected ") + what + " " + std::to_string(lo) + ".." + std::to_string(hi) +
                                   ", got \"" + shown(v) + "\"");
  return static_cast<unsigned>(std::stoul(v));
}

double num(const nlohmann::json& j, std::initializer_list<const char*> path) {
  const nlohmann::json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return std::nan("");
    p = &(*p)[k];
  }
  return p->is_number() ? p->get<double>() : std::nan("");
}

std::string fmt(double v) {
  if (std::isnan(v)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

/// One summary row (ordered) of a point.
nlohmann::ordered_json summary_row(const SweepPoint& p, const fs::path& dir) {
  nlohmann::ordered_json row;
  row["id"] = p.id;
  for (const auto& [k, v] : p.values) row[k] = v;
  const fs::path report = dir / "points" / (p.id + ".json");
  const fs::path error = dir / "points" / (p.id + ".error");
  if (!fs::exists(report)) {
    std::ifstream e(error);
    std::string msg((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
    row["status"] = "error";
    row["error"] = msg;
    return row;
  }
  std::ifstream in(report);
  const nlohmann::json r = nlohmann::json::parse(in, nullptr, false);
  row["status"] = r.value("status", "?");
  row["error"] = "";
  const auto& job = r.contains("job") ? r["job"] : nlohmann::json::object();
  row["accuracy_hardware"] = num(job, {"accuracy", "hardware"});
  row["accuracy_golden"] = num(job, {"accuracy", "golden"});
  row["accuracy_ideal"] = num(job, {"accuracy", "ideal_bnn"});
  row["images"] = num(job, {"images"});
  row["simulated_time_ns"] = num(r, {"simulated_time_ns"});
  row["inference_ns"] = num(job, {"inference_ns"});
  for (const char* scope : {"macro", "platform"}) {
    const std::string s = scope;
    row[s + "_energy_per_image_uj"] = num(r, {"ppa", "metrics", scope, "energy_per_image_uj"});
    row[s + "_tops"] = num(r, {"ppa", "metrics", scope, "tops"});
    row[s + "_tops_per_w"] = num(r, {"ppa", "metrics", scope, "tops_per_w"});
    row[s + "_tops_per_mm2"] = num(r, {"ppa", "metrics", scope, "tops_per_mm2"});
    row[s + "_area_mm2"] = num(r, {"ppa", "metrics", scope, "area_um2"}) * 1e-6;
  }
  if (r.contains("ppa") && r["ppa"].contains("modules"))
    for (const auto& [name, m] : r["ppa"]["modules"].items()) row["energy_pj." + name] = num(m, {"energy_pj"});
  // the platform energy by component (docs/ppa.md, "Component breakdown")
  if (r.contains("ppa") && r["ppa"].contains("components"))
    for (const auto& c : r["ppa"]["components"])
      if (c.contains("component") && c["component"].is_string())
        row["energy_pj." + c["component"].get<std::string>()] = num(c, {"platform_pj"});
  return row;
}


/// A row as JSON lines hold it: NaN (a figure the report lacks) becomes null.
nlohmann::ordered_json clean_row(const nlohmann::ordered_json& r) {
  nlohmann::ordered_json clean;
  for (const auto& [k, v] : r.items())
    clean[k] = v.is_number_float() && std::isnan(v.get<double>()) ? nlohmann::ordered_json() : v;
  return clean;
}

/// Writes DIR/summary.csv and DIR/summary.jsonl; returns the number of points not passed.
std::size_t write_summary(const std::vector<nlohmann::ordered_json>& rows, const fs::path& dir) {
  std::vector<std::string> columns;
  for (const auto& r : rows)
    for (const auto& [k, _] : r.items())
      if (std::find(columns.begin(), columns.end(), k) == columns.end()) columns.push_back(k);
  std::ofstream csv(dir / "summary.csv"), jl(dir / "summary.jsonl");
  for (std::size_t c = 0; c < columns.size(); ++c) csv << (c ? "," : "") << csv_cell(columns[c]);
  csv << '\n';
  std::size_t bad = 0;
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      csv << (c ? "," : "");
      if (!r.contains(columns[c])) continue;
      const auto& v = r[columns[c]];
      if (v.is_null()) continue;
      csv << csv_cell(v.is_string() ? v.get<std::string>() : v.is_number() ? fmt(v.get<double>()) : v.dump());
    }
    csv << '\n';
    jl << clean_row(r).dump() << '\n';
    if (r["status"] != "pass") ++bad;
  }
  return bad;
}

void report_failed(const std::vector<nlohmann::ordered_json>& rows) {
  for (const auto& r : rows)
    if (r["status"] != "pass")
      std::cout << "  failed point " << r["id"].get<std::string>() << ": " << r["error"].get<std::string>() << '\n';
}

/// --gather: the summary from the chunks' rows (DIR/rows/*.jsonl), in point order; a point
/// that no chunk reported is an error row.
int gather_summary(const std::vector<SweepPoint>& points, const fs::path& dir) {
  std::map<std::string, nlohmann::ordered_json> by_id;
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir / "rows", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".jsonl") files.push_back(it->path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      auto row = nlohmann::ordered_json::parse(line, nullptr, false);
      if (row.is_discarded() || !row.is_object() || !row.contains("id") || !row["id"].is_string()) {
        std::cerr << "cimvp: warning: " << f.string() << ": a line that is not a summary row was skipped\n";
        continue;
      }
      const std::string id = row["id"].get<std::string>();
      by_id[id] = std::move(row);
    }
  }
  std::vector<nlohmann::ordered_json> rows;
  for (const auto& p : points) {
    auto it = by_id.find(p.id);
    if (it != by_id.end()) {
      rows.push_back(it->second);
      continue;
    }
    nlohmann::ordered_json row;
    row["id"] = p.id;
    for (const auto& [k, v] : p.values) row[k] = v;
    row["status"] = "error";
    row["error"] = "no task of the sweep reported this point (see DIR/slurm/task-*.log)";
    rows.push_back(row);
  }
  const std::size_t bad = write_summary(rows, dir);
  std::cout << "cimvp sweep: gathered " << files.size() << " chunk" << (files.size() == 1 ? "" : "s") << ": "
            << points.size() - bad << "/" << points.size() << " points passed; summary: " << (dir / "summary.csv").string()
            << ", " << (dir / "summary.jsonl").string() << '\n';
  report_failed(rows);
  return bad == 0 ? exit_ok : exit_simulation_failed;
}

}  // namespace

int run_sweep(int argc, char* argv[]) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw ConfigError(a, "", "needs a value");
      return argv[++i];
    };
    try {
      if (a == "-h" || a == "--help") {
        usage();
        return exit_ok;
      } else if (a == "-j" || a == "--jobs") {
        opt.jobs = count_option(a, value(), 1, 9999, "a number of parallel points");
      } else if (a == "--points") {
        const std::string v = value();
        std::uint64_t first = 0, last = 0;
        if (const std::string problem = parse_index_range(v, first, last); !problem.empty())
          throw ConfigError(a, "", "expected FIRST:LAST, point indices with FIRST < LAST (e.g. 0:4): " + problem + ", got \"" +
                                       shown(v) + "\"");
        opt.range = true;
        opt.first = first;
        opt.last = last;
      } else if (a == "--gather") {
        opt.gather = true;
      } else if (a == "--slurm") {
        opt.slurm = true;
      } else if (a == "--partition") {
        opt.slurm_options.partition = value();
        check_slurm_partition(opt.slurm_options.partition);
      } else if (a == "--time") {
        opt.slurm_options.time = value();
        check_slurm_time(opt.slurm_options.time);
      } else if (a == "--array-chunk") {
        opt.slurm_options.array_chunk = count_option(a, value(), 1, 100000, "a number of points per array task");
      } else if (a == "--cpus-per-task") {
        opt.slurm_options.cpus_per_task = count_option(a, value(), 1, 4096, "a number of cores per array task");
      } else if (a == "--wait") {
        opt.slurm_options.wait = true;
      } else if (a == "--script-only") {
        opt.slurm_options.script_only = true;
      } else if (a == "--out") {
        opt.out = value();
      } else if (!a.empty() && a[0] == '-') {
        throw ConfigError(a, "", "unknown option; see cimvp sweep --help");
      } else if (opt.file.empty()) {
        opt.file = a;
      } else {
        throw ConfigError(a, "", "one sweep file only");
      }
    } catch (const ConfigError& e) {
      std::cerr << "cimvp: error: " << e.what() << '\n';
      return exit_bad_input;
    }
  }
  if (opt.file.empty()) {
    std::cerr << "cimvp: error: sweep: missing SWEEP.yaml; see cimvp sweep --help\n";
    return exit_bad_input;
  }
  {
    const char* conflict = nullptr;
    if (opt.slurm && (opt.range || opt.gather)) conflict = "--slurm cannot be combined with --points or --gather";
    else if (opt.range && opt.gather) conflict = "--points and --gather exclude each other";
    else if (!opt.slurm && (!opt.slurm_options.partition.empty() || !opt.slurm_options.time.empty() ||
                            opt.slurm_options.array_chunk != 1 || opt.slurm_options.cpus_per_task != 1 ||
                            opt.slurm_options.wait || opt.slurm_options.script_only))
      conflict = "--partition, --time, --array-chunk, --cpus-per-task, --wait and --script-only need --slurm";
    if (conflict) {
      std::cerr << "cimvp: error: sweep: " << conflict << "; see cimvp sweep --help\n";
      return exit_bad_input;
    }
  }
  if (opt.jobs == 0) opt.jobs = std::max(1u, static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)));
  SweepSpec spec;
  std::vector<SweepPoint> points;
  PlatformSource platform;
  std::string workload;
  std::set<std::string> datasets;
  // per point: the inference job's resolved workload and platform (calibration reuse)
  std::vector<std::optional<std::pair<CimInferenceConfig, PlatformConfig>>> inference(0);
  std::vector<bool> auto_threads;  // per point: its platform leaves `threads` at 0 (every core)
  try {
    spec = load_sweep(opt.file);
    points = sweep_points(spec);
    platform = sweep_platform(spec);
    workload = sweep_workload(spec);
    for (const auto& p : points) {
      std::vector<std::string> o = spec.fixed;
      for (const auto& a : p.overrides()) o.push_back(a);
      std::optional<std::pair<CimInferenceConfig, PlatformConfig>> inf;
      bool all_cores = false;
      try {
        const WorkloadConfig w = load_workload(platform, workload, o);
        const PlatformConfig c = load_platform(platform, o);
        all_cores = c.cim.threads == 0;
        if (w.job == "cim_inference" || (w.job == "auto" && has_cim(c))) {
          datasets.insert(w.cim_inference.dataset);
          inf = std::make_pair(w.cim_inference, c);
        }
      } catch (const ConfigError&) {
        // every value passed on its own (load_sweep), but this combination does not: the
        // point runs, fails with the error in <id>.error, and the sweep goes on
      }
      auto_threads.push_back(all_cores);
      inference.push_back(std::move(inf));
    }
  } catch (const ConfigError& e) {
    std::cerr << "cimvp: error: " << e.what() << '\n';
    return exit_bad_input;
  }
  if (opt.out.empty()) opt.out = fs::path(opt.file).stem().string() + ".out";
  const fs::path dir = opt.out;
  std::error_code ec;
  fs::create_directories(dir / "points", ec);
  if (ec) {
    std::cerr << "cimvp: error: --out: cannot create '" << (dir / "points").string() << "': " << ec.message() << '\n';
    return exit_bad_input;
  }
  if (opt.slurm) {
    std::error_code le;
    const fs::path self = fs::read_symlink("/proc/self/exe", le);
    return submit_sweep_to_slurm(le ? std::string("cimvp") : self.string(), opt.file, opt.out, points.size(),
                                 opt.slurm_options);
  }
  if (opt.gather) return gather_summary(points, dir);
  if (opt.range && opt.first >= points.size()) {
    std::cerr << "cimvp: error: --points: " << opt.first << ":" << opt.last << " starts after the last point (the sweep has "
              << points.size() << " points, 0.." << points.size() - 1 << ")\n";
    return exit_bad_input;
  }
  const std::size_t lo = opt.range ? std::min(opt.first, points.size()) : 0;
  const std::size_t hi = opt.range ? std::min(opt.last, points.size()) : points.size();
  std::vector<std::size_t> todo;
  for (std::size_t i = lo; i < hi; ++i)
    if (!fs::exists(dir / "points" / (points[i].id + ".json"))) todo.push_back(i);
  // the data sets once, in this process: every forked point shares them
  try {
    if (!todo.empty())
      for (const auto& d : datasets) preload_dataset(d);
  } catch (const std::exception& e) {
    std::cerr << "cimvp: error: " << e.what() << '\n';
    return exit_bad_input;
  }
  // the calibrations that two or more points to run need, once, in this process (a
  // calibration only one point needs is computed by that point, in parallel with the others)
  const auto calibrations_t0 = std::chrono::steady_clock::now();
  std::size_t calibrations = 0, reusing = 0;
  {
    std::map<std::string, std::vector<std::size_t>> by_key;
    for (std::size_t i : todo) {
      if (!inference[i]) continue;
      try {
        // the configuration as the point's run resolves it (cli.cpp): tech timing, linear range
        PlatformConfig c = inference[i]->second;
        const TechParams tech = load_tech(c.tech);
        check_tech_for(c, tech);
        apply_tech_timing(c, tech);
        apply_linear_range(c, tech);
        inference[i]->second = c;
        by_key[calibration_key(inference[i]->first, c)].push_back(i);
      } catch (const std::exception&) {
        // the point fails on its own, with its error in <id>.error
      }
    }
    for (const auto& [key, idx] : by_key) {
      if (idx.size() < 2) continue;
      try {
        if (precalibrate(inference[idx.front()]->first, inference[idx.front()]->second)) {
          ++calibrations;
          reusing += idx.size();
        }
      } catch (const std::exception&) {
        // each point reports the problem itself
      }
    }
  }
  // Threads per point (issue 12 item 1): a point whose platform leaves `threads` at 0 (every
  // core) gets threads = max(1, cores / N), so N points at a time use at most the cores; a
  // `threads` value of the platform file or the sweep is kept.
  const unsigned point_threads = std::max(1u, resolve_threads(0) / static_cast<unsigned>(std::max<std::size_t>(1, opt.jobs)));

  const std::size_t skipped = (hi - lo) - todo.size();
  std::cerr << "cimvp sweep: " << hi - lo << " points";
  if (opt.range) std::cerr << " (" << lo << ".." << (hi ? hi - 1 : 0) << " of " << points.size() << ")";
  std::cerr << " (" << skipped << " already done), " << opt.jobs
            << " at a time, into " << dir.string() << '\n';
  if (calibrations > 0)
    std::cerr << "cimvp sweep: " << calibrations << " calibration" << (calibrations == 1 ? "" : "s") << " shared by "
              << reusing << " points, computed once ("
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - calibrations_t0).count() << " s)\n";
  const bool tty = isatty(STDERR_FILENO) != 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0, done = 0, failed = 0;
  auto progress = [&]() {
    if (!tty) return;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double eta = done ? el / done * (todo.size() - done) : 0.0;
    std::fprintf(stderr, "\r  [%zu/%zu] %3.0f %%  %zu failed  elapsed %.0f s  eta %.0f s   ", done, todo.size(),
                 todo.empty() ? 100.0 : 100.0 * done / todo.size(), failed, el, eta);
    std::fflush(stderr);
  };
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && running.size() < opt.jobs) {
      const SweepPoint& p = points[todo[next]];
      std::cout.flush();
      std::cerr.flush();
      const pid_t pid = fork();
      if (pid < 0) {
        std::cerr << "cimvp: error: fork failed: " << std::strerror(errno) << '\n';
        return exit_simulation_failed;
      }
      if (pid == 0) {
        // the child: one run of the cimvp command line, its output in <id>.log
        const std::string log = (dir / "points" / (p.id + ".log")).string();
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
          ::dup2(fd, STDOUT_FILENO);
          ::dup2(fd, STDERR_FILENO);
          ::close(fd);
        }
        std::vector<std::string> args{"cimvp", "--platform", platform.builtin.empty() ? platform.source : platform.builtin};
        if (!workload.empty()) args.insert(args.end(), {"--workload", workload});
        if (auto_threads[todo[next]]) args.insert(args.end(), {"--set", "threads=" + std::to_string(point_threads)});
        for (const auto& s : spec.fixed) args.insert(args.end(), {"--set", s});
        for (const auto& s : p.overrides()) args.insert(args.end(), {"--set", s});
        args.insert(args.end(), {"--report", (dir / "points" / (p.id + ".json")).string()});
        std::vector<char*> cargs;
        for (auto& s : args) cargs.push_back(s.data());
        cargs.push_back(nullptr);
        const int rc = run_cli(static_cast<int>(args.size()), cargs.data());
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
        ::_exit(rc);
      }
      running[pid] = todo[next++];
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) break;
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const SweepPoint& p = points[it->second];
    running.erase(it);
    ++done;
    const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rc != 0) {
      ++failed;
      // the report of a failed job is not a finished point: it runs again next time
      fs::remove(dir / "points" / (p.id + ".json"), ec);
      std::ifstream logf(dir / "points" / (p.id + ".log"));
      std::string line, last;
      while (std::getline(logf, line))
        if (line.rfind("cimvp: error: ", 0) == 0) last = line.substr(14);
      // the point's values reach the run as --set: name the sweep file and the point instead
      if (last.compare(0, 5, "--set") == 0) {
        std::string values;
        for (const auto& o : p.overrides()) values += (values.empty() ? "" : ", ") + o;
        last = spec.source + ", point " + p.id + " (" + values + ")" + last.substr(5);
      }
      std::ofstream(dir / "points" / (p.id + ".error")) << "exit " << rc << ": " << last << '\n';
    } else {
      fs::remove(dir / "points" / (p.id + ".error"), ec);
    }
    progress();
  }
  if (tty) std::fprintf(stderr, "\n");

  if (opt.range) {
    // one chunk of a job array: its rows, merged later by --gather
    fs::create_directories(dir / "rows", ec);
    const fs::path rows_file = dir / "rows" / (std::to_string(opt.first) + "-" + std::to_string(opt.last) + ".jsonl");
    std::ofstream out(rows_file);
    std::size_t bad = 0;
    for (std::size_t i = lo; i < hi; ++i) {
      const auto row = summary_row(points[i], dir);
      if (row["status"] != "pass") ++bad;
      out << clean_row(row).dump() << '\n';
    }
    if (!out) {
      std::cerr << "cimvp: error: cannot write '" << rows_file.string() << "'\n";
      return exit_bad_input;
    }
    std::cout << "cimvp sweep: points " << lo << ".." << (hi ? hi - 1 : 0) << ": " << (hi - lo) - bad << "/" << hi - lo
              << " passed; rows: " << rows_file.string() << '\n';
    return bad == 0 ? exit_ok : exit_simulation_failed;
  }
  std::vector<nlohmann::ordered_json> rows;
  for (const auto& p : points) rows.push_back(summary_row(p, dir));
  const std::size_t bad = write_summary(rows, dir);
  const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "cimvp sweep: " << points.size() - bad << "/" << points.size() << " points passed (" << todo.size()
            << " run now in " << fmt(el) << " s, " << skipped << " from before); summary: "
            << (dir / "summary.csv").string() << ", " << (dir / "summary.jsonl").string() << '\n';
  report_failed(rows);
  return bad == 0 ? exit_ok : exit_simulation_failed;
}

}  // namespace cimvp

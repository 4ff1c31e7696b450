// cimvp-calibrate: each published number beside cimvp's value for the same configuration
// (docs/calibration.md, written by scripts/calibrate; the rows are
// platforms/calibration/rows.yaml, their format is described at the top of that file).
//
//   cimvp-calibrate [--rows FILE] [--output FILE.md] [--cimvp EXE] [--check]
//
// Rows are of two classes (docs/calibration.md): *fidelity* rows, where cimvp computes the
// figure from a configured design (closed-form sub-array read, RRAM estimate, a platform run),
// and *consistency* rows (compute kind `tech`), a technology table read back.  A fidelity row
// must state its assumptions (`assumptions:`); its configuration is written from the compute
// specification (and, for platform runs, from the report's resolved configuration), so it
// cannot drift from what was run.  Tolerance: 15 % (kMaxTolerance), no row may set more.
//
// Exit codes: 0 ok; 1 --check and a computed row is off without a note explaining it, or a
// cimvp run failed; 2 bad input (options, rows file).
#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/rram_ppa.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/tech_file.h"
#include "cimvp/platform/units.h"
#include "cimvp/workloads/rram_networks.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace cimvp;

/// A bad rows file: "file:line:col: path: message".
struct RowsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Largest (and default) relative tolerance of an `approx` row.
constexpr double kMaxTolerance = 0.15;

struct Row {
  std::string id, work, what, unit, relation = "approx", note, pending, published_text, assumptions;
  std::optional<double> published;
  double tolerance = kMaxTolerance;
  double expect_above = 0.0;
  YAML::Node compute;
  bool has_compute = false;
  // results
  std::optional<double> value;
  std::string detail;         ///< extra explanation computed with the value (breakdowns)
  std::string configuration;  ///< the configured design, written from the compute spec / report
  /// Consistency rows read a technology table back (compute kind `tech`); every other row
  /// (pending ones included) is a fidelity row: cimvp computes it from a configured design.
  bool fidelity() const { return !has_compute || !compute["kind"] || compute["kind"].Scalar() != "tech"; }
};

/// A side-by-side table of several cimvp runs (e.g. access schemes).
struct Comparison {
  struct Metric {
    std::string name, unit;
    std::vector<std::string> pointers;  ///< multiplied together
    double scale = 1.0;
    unsigned per_image = 0;  ///< divide by images^per_image
  };
  std::string id, title, note;
  std::vector<std::string> run_names;
  std::vector<YAML::Node> run_args;
  std::vector<Metric> metrics;
  bool breakdown = false;
  std::size_t index = 0;
  // results
  std::vector<std::string> commands;
  std::vector<std::vector<double>> values;  ///< [metric][run]
  std::vector<std::pair<std::string, std::vector<double>>> events;  ///< macro energy per image, nJ
};

class Rows {
 public:
  explicit Rows(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& path, const std::string& msg) const {
    std::string where = file_;
    if (n.IsDefined() && n.Mark().line >= 0)
      where += ":" + std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
    throw RowsError(where + ": " + path + ": " + msg);
  }

  std::string str(const YAML::Node& n, const std::string& path, const char* key, bool required = true) const {
    const YAML::Node v = n[key];
    if (!v) {
      if (required) fail(n, path, std::string("missing required key '") + key + "'");
      return {};
    }
    if (!v.IsScalar()) fail(v, path + "." + key, "expected a text");
    return v.Scalar();
  }
  std::optional<double> num(const YAML::Node& n, const std::string& path, const char* key, bool required) const {
    const YAML::Node v = n[key];
    if (!v) {
      if (required) fail(n, path, std::string("missing required key '") + key + "'");
      return std::nullopt;
    }
    if (!v.IsScalar()) fail(v, path + "." + key, "expected a number");
    const auto d = parse_number(v.Scalar());
    if (!d) fail(v, path + "." + key, "expected a number, got \"" + shown(v.Scalar()) + "\"");
    return d;
  }
  void keys(const YAML::Node& n, const std::string& path, const std::set<std::string>& allowed) const {
    if (!n.IsMap()) fail(n, path, "expected a map");
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (!allowed.count(k)) {
        std::string best;
        std::size_t bd = std::string::npos;
        for (const auto& a : allowed) {
          const std::size_t d = edit_distance(k, a);
          if (d < bd) {
            bd = d;
            best = a;
          }
        }
        fail(kv.first, path, "unknown key '" + k + "'" + (bd <= 2 ? " (did you mean '" + best + "'?)" : ""));
      }
    }
  }

  std::vector<Row> load(const std::string& text, std::vector<Comparison>* comparisons = nullptr) const {
    YAML::Node doc;
    try {
      doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw RowsError(file_ + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                      ": invalid YAML: " + e.msg);
    }
    keys(doc, "(top)", {"rows", "comparisons"});
    if (comparisons != nullptr && doc["comparisons"]) {
      const YAML::Node cl = doc["comparisons"];
      if (!cl.IsSequence()) fail(cl, "comparisons", "expected a list");
      for (std::size_t i = 0; i < cl.size(); ++i) {
        const YAML::Node n = cl[i];
        const std::string path = "comparisons[" + std::to_string(i) + "]";
        keys(n, path, {"id", "title", "runs", "metrics", "breakdown", "note"});
        Comparison c;
        c.index = i;
        c.id = str(n, path, "id");
        c.title = str(n, path, "title");
        c.note = str(n, path, "note", false);
        if (n["breakdown"]) c.breakdown = str(n, path, "breakdown") == "true";
        const YAML::Node runs = n["runs"];
        if (!runs || !runs.IsSequence() || runs.size() < 1) fail(n, path + ".runs", "expected a list of runs");
        for (std::size_t r = 0; r < runs.size(); ++r) {
          const std::string rp = path + ".runs[" + std::to_string(r) + "]";
          keys(runs[r], rp, {"name", "args"});
          c.run_names.push_back(str(runs[r], rp, "name"));
          c.run_args.push_back(runs[r]["args"]);
        }
        const YAML::Node ms = n["metrics"];
        if (!ms || !ms.IsSequence()) fail(n, path + ".metrics", "expected a list of metrics");
        for (std::size_t m = 0; m < ms.size(); ++m) {
          const std::string mp = path + ".metrics[" + std::to_string(m) + "]";
          keys(ms[m], mp, {"name", "unit", "pointer", "product", "scale", "per_image"});
          Comparison::Metric x;
          x.name = str(ms[m], mp, "name");
          x.unit = str(ms[m], mp, "unit");
          if (ms[m]["pointer"]) x.pointers.push_back(str(ms[m], mp, "pointer"));
          if (ms[m]["product"]) {
            const YAML::Node pr = ms[m]["product"];
            if (!pr.IsSequence()) fail(pr, mp + ".product", "expected a list of JSON pointers");
            for (const auto& q : pr) x.pointers.push_back(q.Scalar());
          }
          if (x.pointers.empty()) fail(ms[m], mp, "give 'pointer' or 'product'");
          x.scale = num(ms[m], mp, "scale", false).value_or(1.0);
          x.per_image = static_cast<unsigned>(num(ms[m], mp, "per_image", false).value_or(0.0));
          c.metrics.push_back(std::move(x));
        }
        comparisons->push_back(std::move(c));
      }
    }
    const YAML::Node list = doc["rows"];
    if (!list || !list.IsSequence()) fail(doc, "rows", "expected a list of rows");
    std::vector<Row> out;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node n = list[i];
      const std::string path = "rows[" + std::to_string(i) + "]";
      keys(n, path, {"id", "work", "what", "published", "published_text", "unit", "relation", "tolerance",
                     "expect_above", "compute", "pending", "note", "assumptions"});
      Row r;
      r.id = str(n, path, "id");
      if (!ids.insert(r.id).second) fail(n["id"], path + ".id", "duplicate id '" + r.id + "'");
      r.work = str(n, path, "work");
      r.what = str(n, path, "what");
      r.unit = str(n, path, "unit");
      r.relation = n["relation"] ? str(n, path, "relation") : "approx";
      if (r.relation != "approx" && r.relation != "lower_bound" && r.relation != "qualitative")
        fail(n["relation"], path + ".relation", "expected one of: approx, lower_bound, qualitative, got \"" +
                                                    r.relation + "\"");
      r.published = num(n, path, "published", r.relation != "qualitative");
      r.published_text = str(n, path, "published_text", r.relation == "qualitative");
      if (auto t = num(n, path, "tolerance", false)) {
        if (!(*t > 0.0 && *t <= kMaxTolerance))
          fail(n["tolerance"], path + ".tolerance", "expected a fraction in (0, " + std::to_string(kMaxTolerance).substr(0, 4) +
                                                        "] (the calibration tolerance is 15 %), got " + shown(n["tolerance"].Scalar()));
        r.tolerance = *t;
      }
      if (auto e = num(n, path, "expect_above", false)) r.expect_above = *e;
      r.note = str(n, path, "note", false);
      r.pending = str(n, path, "pending", false);
      if (n["compute"]) {
        r.compute = n["compute"];
        r.has_compute = true;
      }
      if (r.pending.empty() != r.has_compute) fail(n, path, "give exactly one of 'compute' and 'pending'");
      r.assumptions = str(n, path, "assumptions", false);
      if (r.fidelity() && r.assumptions.empty())
        fail(n, path, "a fidelity row (compute kind other than 'tech') needs 'assumptions': what the configured "
                      "design assumes beyond the publication");
      out.push_back(std::move(r));
    }
    return out;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

std::string fmt(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// ---- compute kinds ---------------------------------------------------------------------

MacroReadSpec macro_spec(const Rows& rows, const YAML::Node& c, const std::string& path, const std::string& access) {
  MacroReadSpec s;
  const std::string mode = rows.str(c, path, "mode");
  if (mode == "xnor_8t")
    s.mode = CellMode::xnor_8t;
  else if (mode == "hbnn_6t")
    s.mode = CellMode::hbnn_6t;
  else
    rows.fail(c["mode"], path + ".mode", "expected one of: xnor_8t, hbnn_6t, got \"" + mode + "\"");
  const auto u = [&](const char* key, unsigned def) {
    const auto v = rows.num(c, path, key, false);
    if (!v) return def;
    if (*v < 0 || *v != std::floor(*v)) rows.fail(c[key], path + "." + key, "expected a whole number >= 0");
    return static_cast<unsigned>(*v);
  };
  s.rows = u("rows", 64);
  s.cols = u("cols", 64);
  s.mlsa_bits = u("mlsa_bits", 3);
  s.mux = u("mux", 1);
  if (auto f = rows.num(c, path, "input_one_fraction", false)) s.input_one_fraction = *f;
  if (access == "parallel")
    s.rows_per_read = 0;
  else if (access == "row_by_row")
    s.rows_per_read = 1;
  else if (access == "group")
    s.rows_per_read = u("group_rows", 8);
  else
    rows.fail(c, path, "access: expected one of: parallel, row_by_row, group, got \"" + access + "\"");
  return s;
}

double macro_metric(const Rows& rows, const YAML::Node& c, const std::string& path, const MacroReadEstimate& e) {
  const std::string m = rows.str(c, path, "metric");
  if (m == "tops_per_w") return e.tops_per_w();
  if (m == "tops") return e.tops();
  if (m == "energy_pj") return e.energy_pj;
  if (m == "latency_ns") return e.latency_ns;
  if (m == "area_um2") return e.area_um2;
  rows.fail(c["metric"], path + ".metric",
            "expected one of: tops_per_w, tops, energy_pj, latency_ns, area_um2, got \"" + m + "\"");
}

std::string breakdown(const MacroReadEstimate& e) {
  std::ostringstream os;
  os << "word lines " << fmt(e.e_wl_pj) << " pJ, cells " << fmt(e.e_cells_pj) << " pJ, precharge "
     << fmt(e.e_precharge_pj) << " pJ, sensing " << fmt(e.e_sense_pj) << " pJ, accumulate " << fmt(e.e_accumulate_pj)
     << " pJ, clock " << fmt(e.e_clock_pj) << " pJ, leakage " << fmt(e.e_leakage_pj) << " pJ = " << fmt(e.energy_pj)
     << " pJ for " << fmt(e.ops) << " ops in " << fmt(e.latency_ns) << " ns, " << fmt(e.area_um2) << " um2";
  return os.str();
}

TechParams tech_of(const Rows& rows, const YAML::Node& c, const std::string& path) {
  const std::string spec = rows.str(c, path, "tech");
  try {
    // a relative path is relative to the rows file
    const std::filesystem::path rel = std::filesystem::path(rows.file()).parent_path() / spec;
    std::error_code ec;
    return load_tech(std::filesystem::exists(rel, ec) && !std::filesystem::is_directory(rel, ec) ? rel.string()
                                                                                                  : spec);
  } catch (const ConfigError& e) {
    rows.fail(c["tech"], path + ".tech", e.what());
  }
}

double tech_value(const Rows& rows, const YAML::Node& c, const std::string& path) {
  const TechParams t = tech_of(rows, c, path);
  const std::string item = rows.str(c, path, "item");
  const auto bits = [&]() {
    const auto b = rows.num(c, path, "bits", true);
    if (*b < 1 || *b > 4096 || *b != std::floor(*b)) rows.fail(c["bits"], path + ".bits", "expected 1..4096");
    return static_cast<unsigned>(*b);
  };
  EventCost cost;
  if (item == "bitcell") {
    const std::string cell = rows.str(c, path, "cell");
    const auto k = parse_cell_kind(cell);
    if (!k || !t.has(*k)) rows.fail(c["cell"], path + ".cell", "technology '" + t.node + "' has no cell '" + cell + "'");
    cost = t.bitcell(*k).read;
  } else if (item == "dac") {
    cost = dac_cost(t, bits());
  } else if (item == "adc") {
    cost = adc_cost(t, bits());
  } else if (item == "mlsa_comparator") {
    cost = t.mlsa_comparator;
  } else if (item == "adder") {
    cost = adder_cost(t, bits());
  } else if (item == "line_buffer") {
    const unsigned b = bits();
    cost.energy_pj = storage_read_energy_pj(t.line_buffer, b);
    cost.area_um2 = storage_area_um2(t.line_buffer, b);
  } else {
    rows.fail(c["item"], path + ".item",
              "expected one of: bitcell, dac, adc, mlsa_comparator, adder, line_buffer, got \"" + item + "\"");
  }
  const std::string q = rows.str(c, path, "quantity");
  if (q == "energy_pj") return cost.energy_pj;
  if (q == "area_um2") return cost.area_um2;
  if (q == "area_f2") {
    const double f_um = t.feature_size_nm * 1e-3;
    return cost.area_um2 / (f_um * f_um);
  }
  if (q == "area_transistors") {
    if (!(t.transistor_area_um2 > 0)) rows.fail(c["quantity"], path + ".quantity", "the technology has no transistor_area_um2");
    return cost.area_um2 / t.transistor_area_um2;
  }
  if (q == "power_mw") {
    if (!(t.power_period_ns > 0)) rows.fail(c["quantity"], path + ".quantity", "the technology has no power_period_ns");
    return cost.energy_pj / t.power_period_ns;  // pJ / ns = mW
  }
  rows.fail(c["quantity"], path + ".quantity",
            "expected one of: energy_pj, area_um2, area_f2, area_transistors, power_mw, got \"" + q + "\"");
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

/// Runs the cimvp executable and keeps each report: identical argument lists run once.
class Runner {
 public:
  Runner(std::string exe, std::string rows_dir) : exe_(std::move(exe)), dir_(std::move(rows_dir)) {}

  /// The arguments of `args` (a YAML list), "{dir}" replaced by the rows file's directory.
  std::vector<std::string> arguments(const Rows& rows, const YAML::Node& args, const std::string& path) const {
    if (!args || !args.IsSequence()) rows.fail(args, path, "expected a list of command-line arguments");
    std::vector<std::string> out;
    for (const auto& a : args) {
      if (!a.IsScalar()) rows.fail(a, path, "expected text arguments");
      std::string v = a.Scalar();
      for (std::size_t at; (at = v.find("{dir}")) != std::string::npos;) v.replace(at, 5, dir_);
      out.push_back(v);
    }
    return out;
  }
  /// "cimvp a b c" with {dir} shown as platforms/calibration.
  static std::string shown(const std::vector<std::string>& args, const std::string& dir) {
    std::string s = "cimvp";
    for (std::string a : args) {
      // search on after each replacement: a relative dir may occur in its replacement
      const std::string shown_dir = "platforms/calibration";
      for (std::size_t at = 0; !dir.empty() && (at = a.find(dir, at)) != std::string::npos; at += shown_dir.size())
        a.replace(at, dir.size(), shown_dir);
      s += " " + a;
    }
    return s;
  }
  const std::string& dir() const { return dir_; }

  /// The JSON report of `cimvp args... --report FILE` (runs it the first time).
  const nlohmann::json& report(const std::vector<std::string>& args) {
    std::string key;
    for (const auto& a : args) key += a + '\n';
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    if (exe_.empty()) throw std::runtime_error("'" + shown(args, dir_) + "': give the cimvp executable with --cimvp EXE");
    const std::filesystem::path tmp =
        std::filesystem::temp_directory_path() / ("cimvp-calibrate-" + std::to_string(cache_.size()));
    std::filesystem::create_directories(tmp);
    const std::string report = (tmp / "report.json").string(), log = (tmp / "run.log").string();
    std::string cmd = shell_quote(exe_);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    cmd += " --report " + shell_quote(report) + " > " + shell_quote(log) + " 2>&1";
    std::cerr << "cimvp-calibrate: " << shown(args, dir_) << '\n';
    const int rc = std::system(cmd.c_str());
    if (rc != 0)
      throw std::runtime_error("'" + shown(args, dir_) + "' failed (status " + std::to_string(rc) + "), see " + log);
    std::ifstream in(report);
    return cache_.emplace(key, nlohmann::json::parse(in)).first->second;
  }
  /// The number at JSON pointer `pointer` of a report.
  static double number(const nlohmann::json& j, const std::string& pointer) {
    const nlohmann::json& v = j.at(nlohmann::json::json_pointer(pointer));
    if (!v.is_number()) throw std::runtime_error(pointer + " is not a number in the report");
    return v.get<double>();
  }

 private:
  std::string exe_, dir_;
  std::map<std::string, nlohmann::json> cache_;
};

/// The configured design of a platform run, from its report's resolved configuration.
std::string run_configuration(const nlohmann::json& report) {
  const nlohmann::json& c = report.at("config");
  const auto text = [](const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  std::ostringstream os;
  os << "platform '" << text(c.at("name")) << "', technology " << text(c.at("tech"))
     << (c.value("tech_timing", false) ? " (tech_timing on)" : " (tech_timing off: configured read times)");
  if (c.contains("cim")) {
    const nlohmann::json& cim = c.at("cim");
    const nlohmann::json& a = cim.at("array");
    const nlohmann::json& s = cim.at("sense");
    os << "; " << text(a.at("cell")) << " " << text(a.at("kind")) << " cells, " << text(a.at("rows")) << "x"
       << text(a.at("cols")) << " sub-arrays, " << text(a.at("access")) << " access";
    if (text(a.at("access")) == "group") os << " of " << text(a.at("group_rows")) << " rows";
    os << ", bit-line linear range " << text(a.at("linear_range_rows")) << " rows, read " << text(a.at("read_ns"))
       << " ns; sensing " << text(s.at("bits")) << "-bit " << text(s.at("kind"));
    if (text(s.at("kind")) == "mlsa")
      os << " (" << text(s.at("quantization")) << " references)";
    else
      os << " (" << text(s.at("converter")) << ", full scale " << text(s.at("full_scale")) << ")";
    os << ", row drive " << text(cim.at("drive").at("kind")) << ", macro clock " << text(cim.at("clock_period_ns"))
       << " ns, power gating " << text(cim.at("power_gating"));
    if (cim.contains("two_way") && cim.at("two_way").value("enabled", false)) os << ", two-way array";
  }
  const nlohmann::json& w = c.at("workload");
  const std::string job = text(w.at("job"));
  os << "; job " << job;
  if (job == "cim_inference") {
    const nlohmann::json& j = w.at("cim_inference");
    const std::string images = text(j.at("images"));
    os << ": " << text(j.at("weights")) << " on " << text(j.at("dataset")) << " test images ("
       << (images == "0" ? std::string("all") : "the first " + images) << "), references calibrated on "
       << text(j.at("calibration_samples")) << " training images";
  } else if (job == "two_way_training") {
    const nlohmann::json& j = w.at("two_way_training");
    os << ": " << text(j.at("layers")) << " on " << text(j.at("dataset")) << ", " << text(j.at("train_images"))
       << " training / " << text(j.at("test_images")) << " test images, " << text(j.at("epochs")) << " epoch(s)";
  }
  return os.str();
}

/// The configured sub-array of a macro_read / macro_ratio row.
std::string macro_configuration(const TechParams& t, const MacroReadSpec& s, const std::string& access) {
  std::ostringstream os;
  os << "closed-form sub-array read (estimate_macro_read, docs/ppa.md), technology " << t.node << ", "
     << (s.mode == CellMode::xnor_8t ? "xnor_8t" : "hbnn_6t") << " cells, " << s.rows << "x" << s.cols
     << " sub-array, " << s.mlsa_bits << "-bit MLSA, " << access << " access";
  if (s.mux != 1) os << ", " << s.mux << " columns per MLSA";
  if (s.mode == CellMode::hbnn_6t) os << ", fraction of inputs at 1: " << fmt(s.input_one_fraction);
  return os.str();
}

/// rram_estimate rows: the CNN-vs-BCNN estimate of circuit/rram_ppa.h (docs/rram.md) for
/// the seed's LeNet/MNIST or AlexNet/ImageNet shapes.
double rram_value(const Rows& rows, const YAML::Node& c, const std::string& path, std::string* detail) {
  const TechParams t = tech_of(rows, c, path);
  const std::string network = rows.str(c, path, "network");
  std::vector<RramNetLayer> net;
  if (network == "lenet")
    net = rram_lenet_mnist();
  else if (network == "alexnet")
    net = rram_alexnet_imagenet();
  else
    rows.fail(c["network"], path + ".network", "expected lenet|alexnet, got \"" + network + "\"");
  const double size = rows.num(c, path, "crossbar", false).value_or(128.0);
  if (!(size >= 2 && size <= 65536 && size == std::floor(size)))
    rows.fail(c["crossbar"], path + ".crossbar", "expected an integer in 2 .. 65536");
  // converter sharing (docs/rram.md "Converter sharing"): columns per SA/ADC (0 = all columns
  // of a crossbar) and DACs shared by the column blocks; default Table II as published
  const double share = rows.num(c, path, "columns_per_converter", false).value_or(1.0);
  if (!(share >= 0 && share <= 4096 && share == std::floor(share)))
    rows.fail(c["columns_per_converter"], path + ".columns_per_converter", "expected an integer in 0 .. 4096");
  const std::string dacs = rows.str(c, path, "shared_row_dacs", false);
  if (!dacs.empty() && dacs != "true" && dacs != "false")
    rows.fail(c["shared_row_dacs"], path + ".shared_row_dacs", "expected true|false, got \"" + dacs + "\"");
  const bool shared_dacs = dacs == "true";
  RramPpaConfig cnn = RramPpaConfig::cnn(), bcnn = RramPpaConfig::bcnn();
  for (RramPpaConfig* k : {&cnn, &bcnn}) {
    k->xbar_rows = k->xbar_cols = static_cast<unsigned>(size);
    k->columns_per_converter = static_cast<unsigned>(share);
    k->shared_row_dacs = shared_dacs;
  }
  const RramNetworkPpa a = estimate_rram_network(t, net, cnn);
  const RramNetworkPpa b = estimate_rram_network(t, net, bcnn);
  const std::string mode = rows.str(c, path, "mode");
  const std::string metric = rows.str(c, path, "metric");
  const RramNetworkPpa* m = nullptr;
  if (mode == "cnn")
    m = &a;
  else if (mode == "bcnn")
    m = &b;
  else if (mode != "saving")
    rows.fail(c["mode"], path + ".mode", "expected cnn|bcnn|saving, got \"" + mode + "\"");
  std::ostringstream os;
  os << "From `cimvp-rram-estimate --network " << network << " --crossbar " << size
     << (share != 1.0 ? " --columns-per-converter " + fmt(share) : std::string())
     << (shared_dacs ? " --shared-row-dacs" : "") << "`: CNN "
     << fmt(a.energy_pj / 1e6) << " uJ/image, " << fmt(a.area_um2 / 1e6) << " mm^2; BCNN " << fmt(b.energy_pj / 1e6)
     << " uJ/image, " << fmt(b.area_um2 / 1e6) << " mm^2 (docs/rram.md).";
  *detail = os.str();
  if (metric == "energy_uj") return m ? m->energy_pj / 1e6 : rram_saving(a.energy_pj, b.energy_pj) * 100.0;
  if (metric == "area_mm2") return m ? m->area_um2 / 1e6 : rram_saving(a.area_um2, b.area_um2) * 100.0;
  rows.fail(c["metric"], path + ".metric", "expected energy_uj|area_mm2, got \"" + metric + "\"");
}

void compute(const Rows& rows, Row& r, std::size_t index, Runner& runner) {
  const std::string path = "rows[" + std::to_string(index) + "].compute";
  const YAML::Node& c = r.compute;
  const std::string kind = rows.str(c, path, "kind");
  try {
    if (kind == "macro_read") {
      rows.keys(c, path, {"kind", "tech", "mode", "rows", "cols", "mlsa_bits", "access", "group_rows", "mux",
                          "input_one_fraction", "metric"});
      const TechParams t = tech_of(rows, c, path);
      const std::string access = rows.str(c, path, "access");
      const MacroReadSpec spec = macro_spec(rows, c, path, access);
      const MacroReadEstimate e = estimate_macro_read(t, spec);
      r.value = macro_metric(rows, c, path, e);
      r.configuration = macro_configuration(t, spec, access);
      r.detail = "Closed form (" + t.node + "): " + breakdown(e) + ".";
    } else if (kind == "macro_ratio") {
      rows.keys(c, path, {"kind", "tech", "mode", "rows", "cols", "mlsa_bits", "group_rows", "mux",
                          "input_one_fraction", "metric", "numerator", "denominator"});
      const TechParams t = tech_of(rows, c, path);
      const MacroReadSpec sa = macro_spec(rows, c, path, rows.str(c, path, "numerator"));
      const MacroReadEstimate a = estimate_macro_read(t, sa);
      const MacroReadEstimate b = estimate_macro_read(t, macro_spec(rows, c, path, rows.str(c, path, "denominator")));
      r.configuration = macro_configuration(t, sa, rows.str(c, path, "numerator") + " over " +
                                                       rows.str(c, path, "denominator"));
      const double den = macro_metric(rows, c, path, b);
      if (den == 0) rows.fail(c, path, "the denominator is 0");
      r.value = macro_metric(rows, c, path, a) / den;
      r.detail = rows.str(c, path, "numerator") + ": " + breakdown(a) + "; " + rows.str(c, path, "denominator") +
                 ": " + breakdown(b) + ".";
    } else if (kind == "tech") {
      rows.keys(c, path, {"kind", "tech", "item", "cell", "bits", "quantity"});
      r.value = tech_value(rows, c, path);
      r.configuration = "technology file " + rows.str(c, path, "tech") + ", " + rows.str(c, path, "item") +
                        (c["cell"] ? " " + rows.str(c, path, "cell") : std::string()) +
                        (c["bits"] ? " (" + rows.str(c, path, "bits") + " bits)" : std::string()) + ", " +
                        rows.str(c, path, "quantity");
    } else if (kind == "rram_estimate") {
      rows.keys(c, path, {"kind", "tech", "network", "mode", "crossbar", "columns_per_converter", "shared_row_dacs",
                          "metric"});
      r.value = rram_value(rows, c, path, &r.detail);
      r.configuration = "RRAM CNN-vs-BCNN estimate (circuit/rram_ppa.h, docs/rram.md), technology " +
                        rows.str(c, path, "tech") + ", network " + rows.str(c, path, "network") + ", " +
                        fmt(rows.num(c, path, "crossbar", false).value_or(128.0)) + "x" +
                        fmt(rows.num(c, path, "crossbar", false).value_or(128.0)) + " crossbars, " +
                        (rows.num(c, path, "columns_per_converter", false).value_or(1.0) == 0.0
                             ? std::string("one SA/ADC per crossbar")
                             : fmt(rows.num(c, path, "columns_per_converter", false).value_or(1.0)) +
                                   " column(s) per SA/ADC") +
                        (rows.str(c, path, "shared_row_dacs", false) == "true" ? ", one DAC per input row shared by the column blocks"
                                                                               : ", DACs per Table II") +
                        ", mode " + rows.str(c, path, "mode");
    } else if (kind == "cimvp_run") {
      rows.keys(c, path, {"kind", "args", "metric", "scale"});
      const auto args = runner.arguments(rows, c["args"], path + ".args");
      const std::string metric = rows.str(c, path, "metric");
      r.value = Runner::number(runner.report(args), metric) * rows.num(c, path, "scale", false).value_or(1.0);
      r.configuration = "`" + Runner::shown(args, runner.dir()) + "`: " + run_configuration(runner.report(args));
      r.detail = "From `" + Runner::shown(args, runner.dir()) + "`, report `" + metric + "`.";
    } else if (kind == "cimvp_ratio") {
      rows.keys(c, path, {"kind", "numerator", "denominator", "metric"});
      const auto num = runner.arguments(rows, c["numerator"], path + ".numerator");
      const auto den = runner.arguments(rows, c["denominator"], path + ".denominator");
      const std::string metric = rows.str(c, path, "metric");
      const double d = Runner::number(runner.report(den), metric);
      if (d == 0) rows.fail(c, path, "the denominator is 0");
      r.value = Runner::number(runner.report(num), metric) / d;
      r.configuration = "`" + Runner::shown(num, runner.dir()) + "`: " + run_configuration(runner.report(num)) +
                        "; over `" + Runner::shown(den, runner.dir()) + "`: " + run_configuration(runner.report(den));
      r.detail = "Report `" + metric + "` of `" + Runner::shown(num, runner.dir()) + "` over `" +
                 Runner::shown(den, runner.dir()) + "`.";
    } else {
      rows.fail(c["kind"], path + ".kind",
                "expected one of: macro_read, macro_ratio, tech, rram_estimate, cimvp_run, cimvp_ratio, got \"" + kind + "\"");
    }
  } catch (const std::invalid_argument& e) {
    rows.fail(c, path, e.what());
  }
}

void run_comparison(const Rows& rows, Comparison& c, Runner& runner) {
  const std::string path = "comparisons[" + std::to_string(c.index) + "]";
  std::vector<const nlohmann::json*> reports;
  for (std::size_t r = 0; r < c.run_args.size(); ++r) {
    const auto args = runner.arguments(rows, c.run_args[r], path + ".runs[" + std::to_string(r) + "].args");
    c.commands.push_back(Runner::shown(args, runner.dir()));
    reports.push_back(&runner.report(args));
  }
  for (const auto& m : c.metrics) {
    std::vector<double> row;
    for (const nlohmann::json* j : reports) {
      double v = m.scale;
      for (const auto& p : m.pointers) v *= Runner::number(*j, p);
      const double images = Runner::number(*j, "/ppa/metrics/images");
      for (unsigned k = 0; k < m.per_image; ++k) v /= images;
      row.push_back(v);
    }
    c.values.push_back(std::move(row));
  }
  if (!c.breakdown) return;
  // energy of every event of the macro modules, per image, in nJ; then the macro's leakage
  const auto slot = [&](const std::string& key) -> std::vector<double>& {
    auto it = std::find_if(c.events.begin(), c.events.end(), [&](const auto& x) { return x.first == key; });
    if (it == c.events.end()) it = c.events.insert(c.events.end(), {key, std::vector<double>(reports.size(), 0.0)});
    return it->second;
  };
  for (std::size_t r = 0; r < reports.size(); ++r) {
    const nlohmann::json& j = *reports[r];
    const double images = Runner::number(j, "/ppa/metrics/images");
    for (const auto& [module, m] : j.at("ppa").at("modules").items()) {
      if (m.at("scope") != "macro") continue;
      const std::string shortname = module.substr(module.rfind('.') + 1);
      for (const auto& [event, e] : m.at("events").items())
        slot(shortname + " " + event)[r] = e.at("energy_pj").get<double>() / images * 1e-3;
    }
    const double leak =
        Runner::number(j, "/ppa/metrics/macro/energy_pj") - Runner::number(j, "/ppa/totals/macro/dynamic_pj");
    slot("leakage (macro active time)")[r] = leak / images * 1e-3;
  }
  // events that cost nothing in every run are left out
  c.events.erase(std::remove_if(c.events.begin(), c.events.end(),
                                [](const auto& x) {
                                  return std::all_of(x.second.begin(), x.second.end(), [](double v) { return v == 0; });
                                }),
                 c.events.end());
}

// ---- verdicts and the document ---------------------------------------------------------

struct Verdict {
  std::string error;   ///< relative error text
  std::string status;  ///< ok, met, consistent, gap (see note), OFF, pending
  bool off = false;    ///< outside the tolerance/bound
};

Verdict judge(const Row& r) {
  Verdict v;
  if (!r.pending.empty()) {
    v.error = "";
    v.status = "pending";
    return v;
  }
  const double x = *r.value;
  bool good = true;
  if (r.relation == "qualitative") {
    good = x > r.expect_above;
    v.error = "";
    v.status = good ? "consistent" : "contradicts";
  } else {
    const double p = *r.published;
    const double rel = p != 0 ? (x - p) / p : 0.0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f %%", rel * 100.0);
    v.error = buf;
    if (r.relation == "lower_bound") {
      good = x >= p;
      v.status = good ? "met" : "below";
    } else {
      good = std::fabs(rel) <= r.tolerance;
      v.status = good ? "ok" : "off";
    }
  }
  v.off = !good;
  if (!good) v.status += r.note.empty() ? " (unexplained)" : " (see note)";
  return v;
}

std::string cell(std::string s) {
  for (auto& ch : s)
    if (ch == '|') ch = '/';
  return s;
}

std::string comparison_text(const Comparison& c) {
  std::ostringstream os;
  os << "## " << c.title << "\n\n";
  const std::size_t n = c.run_names.size();
  os << "| metric | unit |";
  for (const auto& r : c.run_names) os << ' ' << cell(r) << " |";
  for (std::size_t r = 1; r < n; ++r) os << ' ' << cell(c.run_names[r]) << " / " << cell(c.run_names[0]) << " |";
  os << "\n|---|---|";
  for (std::size_t r = 0; r + 1 < 2 * n; ++r) os << "---|";
  os << '\n';
  const auto ratio = [](double a, double b) { return b != 0 ? fmt(a / b) : std::string("–"); };
  for (std::size_t m = 0; m < c.metrics.size(); ++m) {
    os << "| " << cell(c.metrics[m].name) << " | " << cell(c.metrics[m].unit) << " |";
    for (double v : c.values[m]) os << ' ' << fmt(v) << " |";
    for (std::size_t r = 1; r < n; ++r) os << ' ' << ratio(c.values[m][r], c.values[m][0]) << " |";
    os << '\n';
  }
  os << "\nRuns: ";
  for (std::size_t r = 0; r < n; ++r) os << (r ? "; " : "") << cell(c.run_names[r]) << " = `" << c.commands[r] << "`";
  os << ".\n\n";
  if (!c.events.empty()) {
    os << "Energy of the macro per image, by event (nJ):\n\n| event |";
    for (const auto& r : c.run_names) os << ' ' << cell(r) << " |";
    os << "\n|---|";
    for (std::size_t r = 0; r < n; ++r) os << "---|";
    os << '\n';
    for (const auto& [event, v] : c.events) {
      os << "| " << event << " |";
      for (double x : v) os << ' ' << fmt(x) << " |";
      os << '\n';
    }
    os << '\n';
  }
  std::string note = c.note;
  while (!note.empty() && (note.back() == '\n' || note.back() == ' ')) note.pop_back();
  if (!note.empty()) os << note << "\n\n";
  return os.str();
}

std::string document(const std::vector<Row>& rows, const std::vector<Comparison>& comparisons,
                     const std::string& rows_file) {
  std::ostringstream os;
  os << "# Calibration\n\n"
     << "<!-- Generated by scripts/calibrate (build/cimvp-calibrate on " << rows_file
     << "): do not edit by hand; change the rows file and rerun. -->\n\n"
     << "Each published number beside cimvp's value for the same configuration. The rows live in\n"
     << "`platforms/calibration/rows.yaml` (published value, unit, how cimvp computes its value);\n"
     << "`scripts/calibrate` recomputes every row and rewrites this file. How energies, areas and\n"
     << "latencies are modelled: docs/ppa.md.\n\n"
     << "The rows are of two classes, in two tables:\n\n"
     << "- **Fidelity rows** test the model: cimvp runs a configured design (the closed-form\n"
     << "  sub-array read, the RRAM network estimate, or a whole platform run) and computes the\n"
     << "  figure from the technology's device, wire and component parameters. Each states its\n"
     << "  configuration (written by the generator from what it ran) and its assumptions.\n"
     << "- **Consistency rows** read a technology table back (a published per-component number\n"
     << "  stored in a technology file): they check the file and its loader, not the model.\n\n"
     << "Rule for the technology files: no constant may be tuned to one row; each needs an independent\n"
     << "source or a derivation written beside it in `platforms/tech/*.yaml` (docs/ppa.md), and a\n"
     << "constant changed to fit a row must cite a source.\n\n"
     << "Status: **ok** within the row's tolerance (" << fmt(kMaxTolerance * 100.0) << " %, the largest a row may set),\n"
     << "**met** the paper states a lower bound (\"> x\") and cimvp is above it, **consistent** the\n"
     << "paper makes a qualitative claim and cimvp agrees, **pending** the block that would compute\n"
     << "it does not exist yet. A row outside its tolerance says so and points to its note.\n\n";
  const auto table = [&](bool fidelity) {
    os << "| # | work | quantity | published | cimvp | unit | error | status |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      if (r.fidelity() != fidelity) continue;
      const Verdict v = judge(r);
      const std::string pub = !r.published_text.empty() ? r.published_text : fmt(*r.published, 6);
      os << "| " << i + 1 << " | " << cell(r.work) << " | " << cell(r.what) << " | " << cell(pub) << " | "
         << (r.value ? fmt(*r.value) : std::string("–")) << " | " << cell(r.unit) << " | "
         << (v.error.empty() ? "–" : v.error) << " | " << v.status << " |\n";
    }
  };
  const auto trimmed = [](std::string t) {
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
  };
  const auto notes = [&](bool fidelity) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      if (r.fidelity() != fidelity) continue;
      const std::string note = trimmed(r.note);
      if (!fidelity && note.empty() && r.detail.empty()) continue;
      os << "**" << i + 1 << ". " << r.id << ".**";
      if (fidelity) {
        if (!r.configuration.empty()) os << " *Configuration:* " << r.configuration << ".";
        os << " *Assumptions:* " << trimmed(r.assumptions);
        if (!note.empty() || !r.detail.empty()) os << "\n\n";
      } else if (!note.empty() || !r.detail.empty()) {
        os << " ";
      }
      if (!note.empty()) os << note << (r.detail.empty() ? "" : " ");
      if (!r.detail.empty()) os << r.detail;
      os << "\n\n";
    }
  };
  os << "## Fidelity rows\n\n";
  table(true);
  os << "\n### Configuration, assumptions and notes of the fidelity rows\n\n";
  notes(true);
  os << "## Consistency rows\n\n";
  table(false);
  os << "\n### Notes of the consistency rows\n\n";
  notes(false);
  for (const auto& c : comparisons) os << comparison_text(c);
  os << "## Pending rows\n\n";
  bool any = false;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!rows[i].pending.empty()) {
      os << "- " << i + 1 << ". " << rows[i].what << " (" << rows[i].work << "): waits for " << rows[i].pending
         << ".\n";
      any = true;
    }
  if (!any) os << "None.\n";
  return os.str();
}

int usage(std::ostream& os, int code) {
  os << "Usage: cimvp-calibrate [--rows FILE] [--output FILE.md] [--cimvp EXE] [--check]\n"
        "Computes every row of the calibration rows file (default "
        "platforms/calibration/rows.yaml) and writes the markdown table (default: stdout).\n"
        "  --cimvp EXE  the cimvp executable, for rows that run the platform\n"
        "  --check      exit 1 when a computed row is off without a note\n";
  return code;
}

int calibrate_main(int argc, char* argv[]) {
  std::string rows_file = std::string(CIMVP_SOURCE_DIR) + "/platforms/calibration/rows.yaml";
  std::string output, exe;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--rows")
        rows_file = value();
      else if (a == "--output")
        output = value();
      else if (a == "--cimvp")
        exe = value();
      else if (a == "--check")
        check = true;
      else if (a == "--help" || a == "-h")
        return usage(std::cout, 0);
      else
        throw std::invalid_argument("unknown option '" + a + "'");
    } catch (const std::invalid_argument& e) {
      std::cerr << "cimvp-calibrate: error: " << e.what() << '\n';
      return usage(std::cerr, 2);
    }
  }
  std::vector<Row> rows;
  std::vector<Comparison> comparisons;
  std::string shown = rows_file;
  try {
    const std::string root = CIMVP_SOURCE_DIR;
    if (shown.rfind(root + "/", 0) == 0) shown = shown.substr(root.size() + 1);
    const Rows parser(rows_file);
    rows = parser.load(read_text_file(rows_file, "rows file"), &comparisons);
    std::string dir = std::filesystem::path(rows_file).parent_path().string();
    if (dir.empty()) dir = ".";
    Runner runner(exe, dir);
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i].pending.empty()) compute(parser, rows[i], i, runner);
    for (auto& c : comparisons) run_comparison(parser, c, runner);
  } catch (const RowsError& e) {
    std::cerr << "cimvp-calibrate: error: " << e.what() << '\n';
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "cimvp-calibrate: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cimvp-calibrate: error: " << e.what() << '\n';
    return 1;
  }
  const std::string doc = document(rows, comparisons, shown);
  if (output.empty()) {
    std::cout << doc;
  } else {
    std::ofstream out(output, std::ios::binary | std::ios::trunc);
    out << doc;
    out.close();
    if (!out) {
      std::cerr << "cimvp-calibrate: error: cannot write '" << output << "'\n";
      return 1;
    }
  }
  int off = 0;
  for (const auto& r : rows) {
    const Verdict v = judge(r);
    if (v.off) {
      std::cerr << "cimvp-calibrate: " << r.id << ": " << v.status << '\n';
      if (r.note.empty()) ++off;
    }
  }
  return check && off > 0 ? 1 : 0;
}

}  // namespace

// The platform library links SystemC, whose library defines main() calling sc_main(): this
// tool has its own main() and never starts the kernel; sc_main only satisfies the linker.
extern "C" int sc_main(int argc, char* argv[]) { return calibrate_main(argc, argv); }

int main(int argc, char* argv[]) { return calibrate_main(argc, argv); }

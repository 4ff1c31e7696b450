#include "cimvp/platform/tech_file.h"
#include "cimvp/circuit/input_file.h"

#include "cimvp/platform/units.h"

#include "cimvp/platform/yaml_load.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace cimvp {

namespace {

using Keys = std::vector<std::string>;

enum class Need { required, optional, absent };

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "\"" + shown(n.Scalar()) + "\"";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    default: return "an undefined value";
  }
}

std::string quoted_list(const Keys& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "'" : ", '") + k + "'";
  return s;
}

/// Walks one technology document.  Every accessor takes the dotted path of the map it reads.
class TechReader {
 public:
  explicit TechReader(std::string source) : source_(std::move(source)) {}

  std::string where(const YAML::Mark& m) const {
    if (m.line < 0) return source_;
    return source_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  [[noreturn]] void fail(const YAML::Node& at, const std::string& path, const std::string& msg) const {
    throw ConfigError(where(at.Mark()), path, msg);
  }

  /// `n` must be a map whose keys are all in `allowed` and which has every key in `required`.
  void map(const YAML::Node& n, const std::string& path, const Keys& allowed,
           const Keys& required = {}) const {
    if (!n.IsMap()) fail(n, path, "expected a map, got " + describe(n));
    Keys seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) fail(key, path, "keys must be plain names, got " + describe(key));
      const std::string name = key.Scalar();
      for (const auto& s : seen)
        if (s == name) throw ConfigError(where(key.Mark()), join(path, name), "duplicate key");
      seen.push_back(name);
      bool known = false;
      for (const auto& a : allowed) known = known || a == name;
      if (!known) {
        std::string m = "unknown key '" + shown(name) + "'";
        const std::string hint = closest(name, allowed);
        if (!hint.empty()) m += " (did you mean '" + hint + "'?)";
        else m += " (expected one of " + quoted_list(allowed) + ")";
        throw ConfigError(where(key.Mark()), path, m);
      }
    }
    for (const auto& r : required)
      if (!n[r]) fail(n, path, "missing required key '" + r + "'");
  }

  /// A number in (lo, ∞) when `exclusive`, else [lo, ∞); `unit` is shown in messages.
  double number(const YAML::Node& n, const std::string& path, double lo, bool exclusive,
                const std::string& unit) const {
    const std::string expected = std::string("a number ") + (exclusive ? "> " : ">= ") +
                                 format_number(lo) + (unit.empty() ? "" : " (" + unit + ")");
    if (!n.IsScalar()) fail(n, path, "expected " + expected + ", got " + describe(n));
    const auto v = parse_number(n.Scalar());
    if (!v || !std::isfinite(*v) || (exclusive ? !(*v > lo) : !(*v >= lo)))
      fail(n, path, "expected " + expected + ", got " + describe(n));
    return *v;
  }
  double positive(const YAML::Node& map, const std::string& path, const std::string& key,
                  const std::string& unit) const {
    return number(map[key], join(path, key), 0.0, true, unit);
  }
  unsigned integer(const YAML::Node& n, const std::string& path, unsigned lo, unsigned hi) const {
    const std::string expected = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
    if (!n.IsScalar()) fail(n, path, "expected " + expected + ", got " + describe(n));
    const auto v = parse_uint(n.Scalar());
    if (!v || *v < lo || *v > hi) fail(n, path, "expected " + expected + ", got " + describe(n));
    return static_cast<unsigned>(*v);
  }
  std::string text(const YAML::Node& n, const std::string& path) const {
    if (!n.IsScalar() || n.Scalar().empty()) fail(n, path, "expected a text, got " + describe(n));
    if (const std::size_t at = invalid_utf8_at(n.Scalar()); at != std::string::npos)
      fail(n, path, "expected UTF-8 text, got an invalid byte at offset " + std::to_string(at));
    return n.Scalar();
  }

  /// Reads one event's cost from the keys of `n` (already checked by map()):
  /// energy from energy_pj or power_mw, area from area_um2, area_f2 or area_transistors,
  /// latency from latency_ns.
  EventCost cost(const YAML::Node& n, const std::string& path, Need energy, Need area) const {
    EventCost c;
    if (energy != Need::absent) {
      const bool pj = static_cast<bool>(n["energy_pj"]), mw = static_cast<bool>(n["power_mw"]);
      if (pj && mw) fail(n["power_mw"], join(path, "power_mw"), "give either energy_pj or power_mw, not both");
      if (pj) {
        c.energy_pj = positive(n, path, "energy_pj", "pJ");
      } else if (mw) {
        const double p = positive(n, path, "power_mw", "mW");
        if (power_period_ns_ <= 0.0)
          fail(n["power_mw"], join(path, "power_mw"),
               "power_mw needs the top-level key power_period_ns (the period that turns power into energy)");
        c.energy_pj = p * power_period_ns_;  // mW · ns = pJ
      } else if (energy == Need::required) {
        fail(n, path, "missing required key 'energy_pj' (or 'power_mw')");
      }
    }
    if (n["latency_ns"]) c.latency_ns = number(n["latency_ns"], join(path, "latency_ns"), 0.0, false, "ns");
    if (area != Need::absent) {
      int given = 0;
      for (const char* k : {"area_um2", "area_f2", "area_transistors"}) given += n[k] ? 1 : 0;
      if (given > 1) fail(n, path, "give one of area_um2, area_f2, area_transistors, not several");
      if (n["area_um2"]) {
        c.area_um2 = positive(n, path, "area_um2", "um^2");
      } else if (n["area_f2"]) {
        const double f = feature_size_nm_ * 1e-3;  // µm
        c.area_um2 = positive(n, path, "area_f2", "F^2") * f * f;
      } else if (n["area_transistors"]) {
        const double t = positive(n, path, "area_transistors", "transistors");
        if (transistor_area_um2_ <= 0.0)
          fail(n["area_transistors"], join(path, "area_transistors"),
               "area_transistors needs the top-level key transistor_area_um2");
        c.area_um2 = t * transistor_area_um2_;
      } else if (area == Need::required) {
        fail(n, path, "missing required key 'area_um2' (or 'area_f2', 'area_transistors')");
      }
    }
    return c;
  }

  static Keys cost_keys(Need energy, Need area, Keys extra = {}) {
    if (energy != Need::absent) {
      extra.push_back("energy_pj");
      extra.push_back("power_mw");
    }
    extra.push_back("latency_ns");
    if (area != Need::absent) {
      extra.push_back("area_um2");
      extra.push_back("area_f2");
      extra.push_back("area_transistors");
    }
    return extra;
  }

  /// A sub-map `key` of `parent` holding one event cost.
  EventCost event(const YAML::Node& parent, const std::string& path, const std::string& key,
                  Need energy, Need area) const {
    const YAML::Node n = parent[key];
    const std::string p = join(path, key);
    map(n, p, cost_keys(energy, area));
    return cost(n, p, energy, area);
  }

  ConverterTech::Point converter_point(const YAML::Node& n, const std::string& path) const {
    map(n, path, cost_keys(Need::required, Need::required, {"bits"}), {"bits"});
    ConverterTech::Point p;
    p.bits = integer(n["bits"], join(path, "bits"), 1, 16);
    p.cost = cost(n, path, Need::required, Need::required);
    return p;
  }

  ConverterTech converter(const YAML::Node& n, const std::string& path) const {
    map(n, path, {"latency_law", "reference", "points"}, {"reference"});
    ConverterTech c;
    if (n["latency_law"]) {
      const std::string law = n["latency_law"].IsScalar() ? n["latency_law"].Scalar() : "";
      if (law == "constant") c.latency_law = LatencyLaw::constant;
      else if (law == "per_bit") c.latency_law = LatencyLaw::per_bit;
      else
        fail(n["latency_law"], join(path, "latency_law"),
             "expected one of: constant, per_bit, got " + describe(n["latency_law"]));
    }
    c.reference = converter_point(n["reference"], join(path, "reference"));
    if (n["points"]) {
      const YAML::Node pts = n["points"];
      if (!pts.IsSequence()) fail(pts, join(path, "points"), "expected a list, got " + describe(pts));
      for (std::size_t i = 0; i < pts.size(); ++i) {
        const std::string ip = join(path, "points") + "[" + std::to_string(i) + "]";
        c.points.push_back(converter_point(pts[i], ip));
        for (std::size_t j = 0; j + 1 < c.points.size(); ++j)
          if (c.points[j].bits == c.points.back().bits)
            fail(pts[i]["bits"], join(ip, "bits"),
                 "expected a width not listed before, got " + describe(pts[i]["bits"]));
      }
    }
    return c;
  }

  /// Width-scaled digital op (adder, activation): figures for width_bits → per bit.
  EventCost per_bit_op(const YAML::Node& n, const std::string& path) const {
    map(n, path, cost_keys(Need::required, Need::required, {"width_bits"}), {"width_bits"});
    const double w = integer(n["width_bits"], join(path, "width_bits"), 1, 64);
    EventCost c = cost(n, path, Need::required, Need::required);
    return {c.energy_pj / w, c.latency_ns / w, c.area_um2 / w};
  }

  StorageTech storage(const YAML::Node& n, const std::string& path) const {
    map(n, path, {"width_bits", "read", "write", "area_um2", "area_f2", "area_transistors"},
        {"width_bits", "read", "write"});
    const double w = integer(n["width_bits"], join(path, "width_bits"), 1, 4096);
    const EventCost rd = event(n, path, "read", Need::required, Need::absent);
    const EventCost wr = event(n, path, "write", Need::required, Need::absent);
    const EventCost area = cost(n, path, Need::absent, Need::required);
    StorageTech s;
    s.read_energy_pj_per_bit = rd.energy_pj / w;
    s.write_energy_pj_per_bit = wr.energy_pj / w;
    s.read_latency_ns = rd.latency_ns;
    s.write_latency_ns = wr.latency_ns;
    s.area_um2_per_bit = area.area_um2 / w;
    return s;
  }

  /// `bitcells.<kind>.geometry`: device and wire parameters (array_geometry.h).
  ArrayGeometry geometry(const YAML::Node& n, const std::string& path) const {
    const Keys positive_keys = {"cell_width_um", "cell_height_um", "bl_junction_ff", "wl_gate_ff",
                                "wire_cap_ff_per_um", "wire_res_ohm_per_um", "wl_voltage_v",
                                "read_current_ua", "bl_swing_v", "full_read_current_ua",
                                "sense_swing_v", "driver_res_kohm"};
    const Keys non_negative_keys = {"bl_fixed_ff", "precharge_gate_fj", "driver_overhead",
                                    "min_precharge_ns", "min_evaluate_ns"};
    Keys allowed = positive_keys;
    allowed.insert(allowed.end(), non_negative_keys.begin(), non_negative_keys.end());
    allowed.push_back("wl_gates_per_cell");
    allowed.push_back("linear_range_rows");
    map(n, path, allowed, allowed);
    ArrayGeometry g;
    g.present = true;
    auto pos = [&](const char* k) { return number(n[k], join(path, k), 0.0, true, ""); };
    auto nonneg = [&](const char* k) { return number(n[k], join(path, k), 0.0, false, ""); };
    g.cell_width_um = pos("cell_width_um");
    g.cell_height_um = pos("cell_height_um");
    g.bl_junction_ff = pos("bl_junction_ff");
    g.bl_fixed_ff = nonneg("bl_fixed_ff");
    g.wl_gate_ff = pos("wl_gate_ff");
    g.wl_gates_per_cell = integer(n["wl_gates_per_cell"], join(path, "wl_gates_per_cell"), 1, 4);
    g.wire_cap_ff_per_um = pos("wire_cap_ff_per_um");
    g.wire_res_ohm_per_um = pos("wire_res_ohm_per_um");
    g.wl_voltage_v = pos("wl_voltage_v");
    g.read_current_ua = pos("read_current_ua");
    g.bl_swing_v = pos("bl_swing_v");
    g.linear_range_rows = integer(n["linear_range_rows"], join(path, "linear_range_rows"), 0, 1024);
    g.full_read_current_ua = pos("full_read_current_ua");
    g.sense_swing_v = pos("sense_swing_v");
    g.precharge_gate_fj = nonneg("precharge_gate_fj");
    g.driver_overhead = nonneg("driver_overhead");
    g.driver_res_kohm = pos("driver_res_kohm");
    g.min_precharge_ns = nonneg("min_precharge_ns");
    g.min_evaluate_ns = nonneg("min_evaluate_ns");
    return g;
  }

  BitcellTech bitcell(const YAML::Node& n, const std::string& path) const {
    map(n, path, {"wordlines_per_row", "geometry", "read", "precharge", "wl_driver", "cell_write"}, {"read"});
    BitcellTech b;
    b.present = true;
    if (n["wordlines_per_row"]) b.wordlines_per_row = integer(n["wordlines_per_row"], join(path, "wordlines_per_row"), 1, 2);
    // With a geometry, read / precharge / wl_driver give areas only: their energies and
    // latencies are derived for each sub-array size (ppa_energy.h, array_read_costs).
    const bool geo = static_cast<bool>(n["geometry"]);
    if (geo) {
      b.geometry = geometry(n["geometry"], join(path, "geometry"));
      for (const char* ev : {"read", "precharge", "wl_driver"})
        for (const char* k : {"energy_pj", "power_mw", "latency_ns"})
          if (n[ev] && n[ev].IsMap() && n[ev][k])
            fail(n[ev][k], join(join(path, ev), k),
                 "derived from " + join(path, "geometry") + " for each sub-array size (give area only)");
    }
    const Need energy = geo ? Need::absent : Need::required;
    b.read = event(n, path, "read", energy, Need::required);
    if (n["precharge"]) b.precharge = event(n, path, "precharge", energy, Need::required);
    if (n["wl_driver"]) b.wl_driver = event(n, path, "wl_driver", energy, Need::required);
    if (n["cell_write"]) b.cell_write = event(n, path, "cell_write", Need::required, Need::absent);
    return b;
  }

  TechParams document(const YAML::Node& root) {
    const Keys top = {"node", "description", "feature_size_nm", "supply_v", "clock_period_ns",
                      "transistor_area_um2", "power_period_ns", "bitcells", "mlsa", "adc",
                      "dac", "adder", "activation", "line_buffer", "register", "dma", "dram",
                      "leakage", "clock"};
    Keys required = top;
    required.erase(required.begin() + 5, required.begin() + 7);  // the two conversion constants
    map(root, "", top, required);
    TechParams t;
    t.node = text(root["node"], "node");
    t.description = text(root["description"], "description");
    t.feature_size_nm = positive(root, "", "feature_size_nm", "nm");
    t.supply_v = positive(root, "", "supply_v", "V");
    t.clock_period_ns = positive(root, "", "clock_period_ns", "ns");
    if (root["transistor_area_um2"]) t.transistor_area_um2 = positive(root, "", "transistor_area_um2", "um^2");
    if (root["power_period_ns"]) t.power_period_ns = positive(root, "", "power_period_ns", "ns");
    feature_size_nm_ = t.feature_size_nm;
    transistor_area_um2_ = t.transistor_area_um2;
    power_period_ns_ = t.power_period_ns;

    const YAML::Node cells = root["bitcells"];
    Keys kinds;
    for (std::size_t i = 0; i < kCellKindCount; ++i) kinds.push_back(to_string(static_cast<CellKind>(i)));
    map(cells, "bitcells", kinds);
    if (cells.size() == 0) fail(cells, "bitcells", "expected at least one of " + quoted_list(kinds) + ", got none");
    for (const auto& k : kinds)
      if (cells[k]) t.bitcell(*parse_cell_kind(k)) = bitcell(cells[k], "bitcells." + k);

    map(root["mlsa"], "mlsa", {"comparator"}, {"comparator"});
    t.mlsa_comparator = event(root["mlsa"], "mlsa", "comparator", Need::required, Need::required);
    t.adc = converter(root["adc"], "adc");
    t.dac = converter(root["dac"], "dac");
    t.adder_bit = per_bit_op(root["adder"], "adder");
    t.activation_bit = per_bit_op(root["activation"], "activation");
    t.line_buffer = storage(root["line_buffer"], "line_buffer");
    t.reg = storage(root["register"], "register");
    map(root["dma"], "dma", {"byte"}, {"byte"});
    t.dma_byte = event(root["dma"], "dma", "byte", Need::required, Need::required);
    map(root["dram"], "dram", {"access", "byte"}, {"access", "byte"});
    t.dram_access = event(root["dram"], "dram", "access", Need::required, Need::absent);
    t.dram_byte = event(root["dram"], "dram", "byte", Need::required, Need::absent);
    map(root["leakage"], "leakage", {"power_nw_per_um2"}, {"power_nw_per_um2"});
    t.leakage_nw_per_um2 = positive(root["leakage"], "leakage", "power_nw_per_um2", "nW/um^2");
    map(root["clock"], "clock", {"cycle"}, {"cycle"});
    t.clock_cycle = event(root["clock"], "clock", "cycle", Need::required, Need::absent);
    return t;
  }

 private:
  static std::string closest(const std::string& name, const Keys& candidates) {
    const auto [best, best_d] = nearest(name, candidates);
    const std::size_t limit = name.size() <= 4 ? 1 : name.size() <= 8 ? 2 : 3;
    return best_d <= limit ? best : std::string();
  }

  std::string source_;
  double feature_size_nm_ = 0.0;
  double transistor_area_um2_ = 0.0;
  double power_period_ns_ = 0.0;
};

}  // namespace

TechParams parse_tech_file(std::string_view yaml_text, const std::string& source) {
  const YAML::Node root = load_yaml_document(yaml_text, source);
  TechReader r(source);
  if (!root.IsMap())
    throw ConfigError(r.where(root.Mark()), "", "expected a map of keys at the top level, got " + describe(root));
  TechParams t = r.document(root);
  try {
    validate_tech(t);  // cross-checks the converted values (same rules, layer 1)
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source, "", e.what());
  }
  return t;
}

TechParams load_tech_file(const std::string& path) {
  std::string text;
  const std::string problem = read_input_file(path, text);
  if (!problem.empty()) throw ConfigError(path, "", "cannot read technology file: " + problem);
  return parse_tech_file(text, path);
}

}  // namespace cimvp

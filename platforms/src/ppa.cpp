#include "cimvp/platform/ppa.h"

#include "cimvp/platform/ppa_breakdown.h"

#include "cimvp/cim/array/array_factory.h"
#include "cimvp/circuit/column_adc.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/tech_file.h"
#include "cimvp/platform/units.h"

#include "cimvp_embedded_tech.h"  // generated from platforms/tech/*.yaml

#include <systemc>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cimvp {

// ---- technology selection ----------------------------------------------------------

std::vector<BuiltinPlatform> builtin_techs() {
  std::vector<BuiltinPlatform> v;
  for (const auto& p : generated::tech_yaml) v.push_back(p);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return v;
}

namespace {

const BuiltinPlatform* find_builtin_tech(std::string_view name) {
  constexpr std::string_view ext = ".yaml";
  if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext) name.remove_suffix(ext.size());
  for (const auto& p : generated::tech_yaml)
    if (p.name == name) return &p;
  return nullptr;
}

bool is_file(const std::string& spec) {
  std::error_code ec;
  return std::filesystem::exists(spec, ec) && !std::filesystem::is_directory(spec, ec);
}

/// "" when `spec` resolves, else why not.
std::string tech_problem(const std::string& spec) {
  if (is_file(spec) || find_builtin_tech(spec) != nullptr) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(spec, ec)) return "technology file '" + spec + "' is a directory";
  std::string names, hint;
  std::size_t best = std::string::npos;
  for (const auto& b : builtin_techs()) {
    names += (names.empty() ? "" : ", ") + std::string(b.name);
    const std::size_t d = edit_distance(spec, b.name);
    if (d < best) {
      best = d;
      hint = std::string(b.name);
    }
  }
  std::string msg = "no technology file '" + shown(spec) + "' and no built-in technology of that name (built-in: " +
                    names + ")";
  if (best <= 2) msg += " (did you mean '" + hint + "'?)";
  return msg;
}

}  // namespace

TechSource resolve_tech(const std::string& spec) {
  if (is_file(spec)) return {spec, read_text_file(spec, "technology file"), false};
  if (const BuiltinPlatform* b = find_builtin_tech(spec))
    return {std::string(b->name) + ".yaml", std::string(b->text), true};
  throw ConfigError("", "tech", tech_problem(spec));
}

TechParams load_tech(const std::string& spec) {
  const TechSource src = resolve_tech(spec);
  return parse_tech_file(src.text, src.source);
}

void add_tech_keys(ConfigSchema& s) {
  s.add("tech", &PlatformConfig::tech)
      .describe("Technology for power and area (docs/ppa.md): a built-in technology file (sram65, sram28, "
                "rram) or the path of a technology YAML file.");
  s.add("tech_timing", &PlatformConfig::tech_timing)
      .describe("Take the CIM macro's clock, array read and sense decision times (and, with a row DAC, its "
                "programming time; with a two-way array, its transposed read and row write times) from the "
                "technology file (overrides cim.clock_period_ns, cim.array.read_ns, cim.sense.decision_ns, "
                "cim.drive.dac_ns, cim.two_way.transposed_read_ns and cim.two_way.row_write_ns).");
  s.add_enum("cim.power_gating", [](auto& c) -> auto& { return c.power_gating; },
             std::vector<std::pair<std::string, PowerGating>>{{"none", PowerGating::none},
                                                              {"idle_subarrays", PowerGating::idle_subarrays},
                                                              {"macro", PowerGating::macro}})
      .describe("Leakage time base of the CIM macro in the report (docs/ppa.md): none = the whole run; "
                "idle_subarrays = each layer's sub-arrays only while that layer computes; macro = the macro's "
                "active time (gated when idle). The macro energy total and macro TOPS/W use it.");
  s.add_check([](const PlatformConfig& c, const CheckContext& ctx) {
    const std::string problem = tech_problem(c.tech);
    if (!problem.empty()) ctx.fail("tech", problem);
  });
}

namespace {
/// "; the built-in technologies with a <cell> cell: sram28 (set tech=NAME)", or "" when none has it.
std::string builtin_techs_with(CellKind k) {
  std::string names;
  for (const BuiltinPlatform& b : builtin_techs()) {
    try {
      if (load_tech(std::string(b.name)).has(k)) names += (names.empty() ? "" : ", ") + std::string(b.name);
    } catch (const std::exception&) {
      // a built-in file that does not parse is reported where it is used
    }
  }
  return names.empty() ? std::string() : "; built-in technologies with a " + std::string(to_string(k)) + " cell: " +
                                             names + " (set tech=NAME)";
}
}  // namespace

void check_tech_for(const PlatformConfig& config, const TechParams& tech) {
  if (!has_cim(config)) return;
  // a two-way array is priced with the two-way cell (docs/two-way-training.md)
  const CellKind k = array_cell_kind(config.cim.array, config.cim.cells, config.cim.two_way.enabled);
  if (tech.has(k)) return;
  std::string cells;
  for (std::size_t i = 0; i < kCellKindCount; ++i)
    if (tech.has(static_cast<CellKind>(i))) cells += (cells.empty() ? "" : ", ") + std::string(to_string(static_cast<CellKind>(i)));
  throw ConfigError("", "tech", "technology '" + tech.node + "' has no " + to_string(k) + " cell for " +
                                    (config.cim.cells.kind == ArrayKind::rram
                                         ? std::string("cim.array.kind rram (cim.array.rram.device)")
                                         : "cim.array.cell " + std::string(to_string(config.cim.array.mode))) +
                                    (config.cim.two_way.enabled ? " with cim.two_way.enabled" : "") + " (it has: " + cells +
                                    ")" + builtin_techs_with(k));
}

std::string apply_linear_range(PlatformConfig& config, const TechParams& tech) {
  if (!has_cim(config)) return "";
  SenseConfig& sense = config.cim.sense;
  const SubArrayConfig& a = config.cim.array;
  if (sense.linear_range == 0) {
    const CellKind k = array_cell_kind(a, config.cim.cells, config.cim.two_way.enabled);
    if (tech.has(k)) sense.linear_range = linear_range_rows(tech, k);
  }
  if (sense.linear_range == 0 || a.access == AccessMode::row_by_row) return "";
  const unsigned rows = a.access == AccessMode::group ? a.group_rows : a.rows;
  if (rows <= sense.linear_range) return "";
  return std::string("cim.array.") + (a.access == AccessMode::group ? "group_rows " : "rows ") +
         std::to_string(rows) + " exceeds the bit-line linear range of " + std::to_string(sense.linear_range) +
         " rows (cim.array.linear_range_rows, technology '" + tech.node +
         "'): column partial sums beyond +/-" + std::to_string(sense.linear_range) +
         " saturate (clipped before sensing, golden reference included)";
}

void apply_tech_timing(PlatformConfig& config, const TechParams& tech) {
  if (!config.tech_timing) return;
  const CellKind k = array_cell_kind(config.cim.array, config.cim.cells, config.cim.two_way.enabled);
  if (!tech.has(k)) return;  // check_tech_for reports it
  CimTimingConfig& t = config.cim.timing;
  t.clock_period_ns = tech.clock_period_ns;
  // one read of this sub-array size (derived from the cell's geometry when the file has one)
  const SubArrayConfig& a = config.cim.array;
  const bool row_by_row = a.access == AccessMode::row_by_row;
  t.array_read_ns = array_read_costs(tech, k, a.rows, a.cols, row_by_row).latency_ns;
  if (config.cim.two_way.enabled) {  // the transposed read and the row write of the same cells
    config.cim.two_way.transposed_read_ns = transposed_read_costs(tech, k, a.rows, a.cols, row_by_row).latency_ns;
    config.cim.two_way.row_write_ns = array_cell_write_costs(tech, k, a.rows, a.cols).row_latency_ns;
  }
  const SenseConfig& sense = config.cim.sense;
  if (sense.kind == SenseKind::adc)  // one decision: a SAR step or the flash conversion
    t.sense_ns = adc_conversion_cost(tech, sense.converter, sense.bits).latency_ns / adc_steps(sense.converter, sense.bits);
  else
    t.sense_ns = mlsa_conversion_latency_ns(tech, sense.bits);
  if (config.cim.drive.kind == DriveKind::row_dac)  // one row-DAC programming: the DAC's conversion latency
    t.dac_ns = dac_cost(tech, config.cim.drive.dac.bits).latency_ns;
  // times derived from the technology obey the same limits as configured ones
  const std::pair<const char*, double> derived[] = {{"clock_period_ns", t.clock_period_ns},
                                                    {"array read latency", t.array_read_ns},
                                                    {"sense decision latency", t.sense_ns},
                                                    {"row DAC latency", t.dac_ns},
                                                    {"transposed read latency", config.cim.two_way.transposed_read_ns},
                                                    {"row write latency", config.cim.two_way.row_write_ns}};
  for (const auto& [what, ns] : derived)
    if (const std::string problem = time_problem(ns); !problem.empty())
      throw ConfigError("", "tech", "the technology's " + std::string(what) + " (" + format_number(ns) + " ns) is " +
                                        problem);
}

// ---- report --------------------------------------------------------------------------

std::optional<PpaWork> work_from_job(const nlohmann::ordered_json& job) {
  if (!job.is_object()) return std::nullopt;
  const auto number = [&](const char* key) -> std::optional<double> {
    const auto it = job.find(key);
    if (it == job.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
  };
  const auto images = number("images");
  if (const auto total = number("binary_macs")) return PpaWork{*total, images.value_or(0.0)};
  const auto per_image = number("binary_macs_per_image");
  if (per_image && images) return PpaWork{*per_image * *images, *images};
  return std::nullopt;
}

namespace {
void walk(const sc_core::sc_object* obj, const TechParams& tech, std::vector<std::pair<std::string, PpaLedger>>& out) {
  if (const auto* p = dynamic_cast<const Priced*>(obj)) {
    PpaLedger ledger;
    p->price(tech, ledger);
    out.emplace_back(obj->name(), std::move(ledger));
  }
  for (const sc_core::sc_object* child : obj->get_child_objects()) walk(child, tech, out);
}
}  // namespace

std::vector<std::pair<std::string, PpaLedger>> collect_ledgers(const TechParams& tech) {
  std::vector<std::pair<std::string, PpaLedger>> out;
  for (const sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) walk(top, tech, out);
  return out;
}

PpaReport make_ppa_report(const TechParams& tech, const std::string& tech_spec,
                          std::vector<std::pair<std::string, PpaLedger>> ledgers, double simulated_time_ns,
                          const std::optional<PpaWork>& work, PowerGating gating) {
  PpaReport r;
  r.tech = tech_spec;
  r.node = tech.node;
  r.description = tech.description;
  r.simulated_time_ns = simulated_time_ns;
  r.work = work;
  bool has_macro = false;
  double macro_active = 0.0;
  for (auto& [name, ledger] : ledgers) {
    PpaModuleReport m;
    m.module = name;
    m.ledger = std::move(ledger);
    m.leakage_pj = leakage_energy_pj(tech, m.area_um2(), simulated_time_ns);
    for (const auto& row : m.ledger.layers()) {
      auto it = std::find_if(r.layers.begin(), r.layers.end(), [&](const PpaLayerRow& l) { return l.layer == row.layer; });
      if (it == r.layers.end())
        r.layers.push_back(row);
      else
        it->merge(row);
    }
    const auto add = [&](PpaTotals& t) {
      t.dynamic_pj += m.dynamic_pj();
      t.leakage_pj += m.leakage_pj;
      t.area_um2 += m.area_um2();
    };
    add(r.platform);
    if (m.ledger.scope() == PpaScope::macro) {
      add(r.macro);
      has_macro = true;
      macro_active = std::max(macro_active, m.ledger.active_ns());
    }
    r.modules.push_back(std::move(m));
  }
  std::sort(r.layers.begin(), r.layers.end(), [](const auto& a, const auto& b) { return a.layer < b.layer; });
  if (!r.layers.empty()) {
    double sum = 0.0;
    for (const auto& l : r.layers) sum += l.latency_ns;
    if (sum > 0) macro_active = sum;
  }
  r.macro_active_ns = has_macro ? macro_active : 0.0;

  // leakage time base of the macro-scope modules (docs/ppa.md, "Leakage and power gating")
  r.power_gating = gating;
  r.macro_leakage_ns = simulated_time_ns;
  if (gating == PowerGating::macro) {
    r.macro_leakage_ns = r.macro_active_ns;
  } else if (gating == PowerGating::idle_subarrays) {
    double subarrays = 0.0, weighted = 0.0;
    for (const auto& l : r.layers) {
      subarrays += static_cast<double>(l.subarrays);
      weighted += static_cast<double>(l.subarrays) * l.latency_ns;
    }
    r.macro_leakage_ns = subarrays > 0 ? weighted / subarrays : r.macro_active_ns;
  }
  if (gating != PowerGating::none) {
    for (auto& m : r.modules) {
      if (m.ledger.scope() != PpaScope::macro) continue;
      const double gated = leakage_energy_pj(tech, m.area_um2(), r.macro_leakage_ns);
      r.platform.leakage_pj += gated - m.leakage_pj;
      r.macro.leakage_pj += gated - m.leakage_pj;
      m.leakage_pj = gated;
    }
  }

  if (work && work->ops() > 0) {
    if (simulated_time_ns > 0) {
      PpaMetrics p;
      p.ops = work->ops();
      p.images = work->images;
      p.time_ns = simulated_time_ns;
      p.energy_pj = r.platform.energy_pj();
      p.area_um2 = r.platform.area_um2;
      r.platform_metrics = p;
    }
    if (has_macro && r.macro_active_ns > 0) {
      PpaMetrics m;
      m.ops = work->ops();
      m.images = work->images;
      m.time_ns = r.macro_active_ns;
      m.energy_pj = r.macro.energy_pj();  // the one macro energy total (leakage per power_gating)
      m.area_um2 = r.macro.area_um2;
      r.macro_metrics = m;
    }
  }
  return r;
}

// ---- rendering -----------------------------------------------------------------------

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string sig3(double v) {
  if (v == 0.0) return "0";
  return fmt("%.3g", v);
}

nlohmann::ordered_json totals_json(const PpaTotals& t) {
  nlohmann::ordered_json j;
  j["dynamic_pj"] = t.dynamic_pj;
  j["leakage_pj"] = t.leakage_pj;
  j["energy_pj"] = t.energy_pj();
  j["area_um2"] = t.area_um2;
  return j;
}

nlohmann::ordered_json metrics_json(const std::optional<PpaMetrics>& m) {
  if (!m) return nullptr;
  nlohmann::ordered_json j;
  j["ops"] = m->ops;
  j["images"] = m->images;
  j["time_ns"] = m->time_ns;
  j["energy_pj"] = m->energy_pj;
  j["area_um2"] = m->area_um2;
  j["tops"] = m->tops();
  j["tops_per_w"] = m->tops_per_w();
  j["tops_per_mm2"] = m->tops_per_mm2();
  j["energy_per_image_uj"] = m->energy_per_image_uj();
  j["fps"] = m->fps();
  return j;
}

nlohmann::ordered_json layer_json(const PpaLayerRow& l) {
  nlohmann::ordered_json j;
  j["layer"] = l.layer;
  j["inputs"] = l.inputs;
  j["outputs"] = l.outputs;
  j["subarrays"] = l.subarrays;
  j["reads"] = l.reads;
  j["conversions"] = l.conversions;
  j["energy_pj"] = l.energy_pj;
  j["latency_ns"] = l.latency_ns;
  j["utilisation"] = l.utilisation;
  j["critical_path"] = l.critical_path;
  return j;
}

}  // namespace

std::string format_energy_pj(double pj) {
  static const char* const units[] = {"pJ", "nJ", "uJ", "mJ", "J"};
  double v = pj;
  int u = 0;
  while (std::fabs(v) >= 1000.0 && u < 4) {
    v /= 1000.0;
    ++u;
  }
  return sig3(v) + " " + units[u];
}

std::string format_area_um2(double um2) {
  if (std::fabs(um2) >= 1e4) return sig3(um2 * 1e-6) + " mm2";
  return fmt("%.4g", um2) + " um2";
}

nlohmann::ordered_json ppa_json(const PpaReport& r) {
  nlohmann::ordered_json j;
  j["tech"] = r.tech;
  j["node"] = r.node;
  j["description"] = r.description;
  j["simulated_time_ns"] = r.simulated_time_ns;
  nlohmann::ordered_json modules = nlohmann::ordered_json::object();
  for (const auto& m : r.modules) {
    nlohmann::ordered_json jm;
    jm["scope"] = to_string(m.ledger.scope());
    nlohmann::ordered_json events = nlohmann::ordered_json::object();
    for (const auto& e : m.ledger.events()) events[e.event] = {{"count", e.count}, {"energy_pj", e.energy_pj}};
    jm["events"] = std::move(events);
    jm["dynamic_pj"] = m.dynamic_pj();
    jm["leakage_pj"] = m.leakage_pj;
    jm["energy_pj"] = m.energy_pj();
    nlohmann::ordered_json area = nlohmann::ordered_json::array();
    for (const auto& a : m.ledger.areas())
      area.push_back({{"what", a.what}, {"count", a.count}, {"unit_um2", a.unit_um2}, {"area_um2", a.area_um2()}});
    jm["area"] = std::move(area);
    jm["area_um2"] = m.area_um2();
    jm["active_ns"] = m.ledger.active_ns();
    modules[m.module] = std::move(jm);
  }
  j["modules"] = std::move(modules);
  // per layer: the merged rows plus ops, TOPS/W, TOPS, area share (ppa_breakdown.h)
  nlohmann::ordered_json breakdown = ppa_breakdown_json(r);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    nlohmann::ordered_json l = layer_json(r.layers[i]);
    for (const char* k : {"binary_macs", "planes", "ops", "tops_per_w", "tops", "area_share"})
      l[k] = breakdown["layers"][i][k];
    layers.push_back(std::move(l));
  }
  j["layers"] = std::move(layers);
  j["layer_totals"] = std::move(breakdown["layer_totals"]);
  j["components"] = std::move(breakdown["components"]);
  j["totals"] = {{"macro", totals_json(r.macro)}, {"platform", totals_json(r.platform)}};
  j["macro_active_ns"] = r.macro_active_ns;
  j["power_gating"] = to_string(r.power_gating);
  j["macro_leakage_ns"] = r.macro_leakage_ns;
  nlohmann::ordered_json metrics;
  if (r.work) {
    metrics["binary_macs"] = r.work->binary_macs;
    metrics["ops"] = r.work->ops();
    metrics["images"] = r.work->images;
  } else {
    metrics["binary_macs"] = nullptr;
    metrics["ops"] = nullptr;
    metrics["images"] = nullptr;
  }
  metrics["macro"] = metrics_json(r.macro_metrics);
  metrics["platform"] = metrics_json(r.platform_metrics);
  // what each efficiency divides by (docs/ppa.md, "Leakage and power gating")
  if (r.macro_metrics) {
    metrics["macro"]["time_base"] = "macro_active_ns";
    metrics["macro"]["energy_base"] = std::string("totals.macro (leakage over macro_leakage_ns, power_gating ") +
                                      to_string(r.power_gating) + ")";
  }
  if (r.platform_metrics) {
    metrics["platform"]["time_base"] = "simulated_time_ns";
    metrics["platform"]["energy_base"] = "totals.platform";
  }
  j["metrics"] = std::move(metrics);
  return j;
}

std::string ppa_console(const PpaReport& r) {
  std::ostringstream os;
  os << "power and area (tech " << r.tech;
  if (r.node != r.tech) os << ", node " << r.node;
  os << ")\n";
  // module / event / count / energy table; rows with count 0 are left out
  struct Row {
    std::string a, b, c, d;
  };
  std::vector<Row> rows;
  for (const auto& m : r.modules) {
    bool first = true;
    auto add = [&](std::string b, std::string c, std::string d) {
      rows.push_back({first ? m.module : "", std::move(b), std::move(c), std::move(d)});
      first = false;
    };
    for (const auto& e : m.ledger.events())
      if (e.count != 0) add(e.event, std::to_string(e.count), format_energy_pj(e.energy_pj));
    if (m.area_um2() > 0) add("leakage", "", format_energy_pj(m.leakage_pj));
    add("total", "", format_energy_pj(m.energy_pj()));
    if (m.area_um2() > 0) add("area", "", format_area_um2(m.area_um2()));
  }
  std::size_t w[4] = {6, 5, 5, 6};
  for (const auto& row : rows) {
    w[0] = std::max(w[0], row.a.size());
    w[1] = std::max(w[1], row.b.size());
    w[2] = std::max(w[2], row.c.size());
    w[3] = std::max(w[3], row.d.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::string s = a + std::string(w[0] - a.size() + 2, ' ') + b + std::string(w[1] - b.size() + 2, ' ') +
                    std::string(w[2] - c.size(), ' ') + c + "  " + std::string(w[3] - d.size(), ' ') + d;
    s.erase(s.find_last_not_of(' ') + 1);
    os << s << '\n';
  };
  line("module", "event", "count", "energy");
  line(std::string(w[0], '-'), std::string(w[1], '-'), std::string(w[2], '-'), std::string(w[3], '-'));
  for (const auto& row : rows) line(row.a, row.b, row.c, row.d);

  auto totals = [&](const char* what, const PpaTotals& t) {
    os << what << format_energy_pj(t.energy_pj()) << " (dynamic " << format_energy_pj(t.dynamic_pj) << ", leakage "
       << format_energy_pj(t.leakage_pj) << "), area " << format_area_um2(t.area_um2) << '\n';
  };
  os << '\n';
  totals("platform  ", r.platform);
  if (r.macro.area_um2 > 0 || r.macro.dynamic_pj > 0) totals("macro     ", r.macro);
  os << '\n' << ppa_breakdown_console(r);

  if (r.platform_metrics || r.macro_metrics) {
    os << '\n';
    const char* names[] = {"TOPS", "TOPS/W", "TOPS/mm2", "energy/image", "FPS"};
    auto values = [](const std::optional<PpaMetrics>& m) -> std::vector<std::string> {
      if (!m) return {"-", "-", "-", "-", "-"};
      return {sig3(m->tops()), sig3(m->tops_per_w()), sig3(m->tops_per_mm2()),
              format_energy_pj(m->energy_per_image_uj() * 1e6), sig3(m->fps())};
    };
    const auto mv = values(r.macro_metrics), pv = values(r.platform_metrics);
    std::size_t w1 = 5, w2 = 8;
    for (const auto& v : mv) w1 = std::max(w1, v.size());
    for (const auto& v : pv) w2 = std::max(w2, v.size());
    auto mline = [&](const std::string& a, const std::string& b, const std::string& c) {
      os << a << std::string(14 - a.size(), ' ') << std::string(w1 - b.size(), ' ') << b << "  "
         << std::string(w2 - c.size(), ' ') << c << '\n';
    };
    mline("metric", "macro", "platform");
    mline("------------", std::string(w1, '-'), std::string(w2, '-'));
    for (int i = 0; i < 5; ++i) mline(names[i], mv[i], pv[i]);
    os << "(ops = 2 x " << sig3(r.work ? r.work->binary_macs : 0.0) << " binary MACs, "
       << sig3(r.work ? r.work->images : 0.0) << " images)\n";
    if (r.macro_metrics)
      os << "macro: time = macro active " << sig3(r.macro_active_ns) << " ns; energy = macro total (leakage over "
         << sig3(r.macro_leakage_ns) << " ns, power_gating " << to_string(r.power_gating) << ")\n";
    if (r.platform_metrics)
      os << "platform: time = simulated " << sig3(r.simulated_time_ns) << " ns; energy = platform total\n";
  }
  return os.str();
}

std::vector<PpaPhaseRow> phases_from_job(const nlohmann::ordered_json& job) {
  std::vector<PpaPhaseRow> rows;
  const auto it = job.find("phases");
  if (it == job.end() || !it->is_object()) return rows;
  const auto num = [](const nlohmann::ordered_json& o, const char* k) {
    const auto f = o.find(k);
    return f != o.end() && f->is_number() ? f->get<double>() : 0.0;
  };
  for (const auto& [name, p] : it->items())
    rows.push_back(PpaPhaseRow{name, num(p, "latency_ns"), num(p, "macro_energy_pj"), num(p, "platform_energy_pj"),
                               num(p, "ops")});
  return rows;
}

}  // namespace cimvp

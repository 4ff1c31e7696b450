#include "cimvp/platform/report_csv.h"

#include "cimvp/circuit/version.h"
#include "cimvp/platform/ppa_breakdown.h"
#include "cimvp/platform/units.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

std::string num(double v) { return format_number(v); }

void flatten(const nlohmann::ordered_json& j, const std::string& key, std::vector<std::pair<std::string, std::string>>& out) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) flatten(v, key.empty() ? k : key + "." + k, out);
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) flatten(j[i], key + "[" + std::to_string(i) + "]", out);
  } else if (j.is_string()) {
    out.emplace_back(key, j.get<std::string>());
  } else if (j.is_null()) {
    out.emplace_back(key, "");
  } else if (j.is_number_float()) {
    out.emplace_back(key, format_number(j.get<double>()));
  } else {
    out.emplace_back(key, j.dump());
  }
}

/// A number at a JSON path, or "" when absent.
std::string at(const nlohmann::ordered_json& j, std::initializer_list<const char*> path) {
  const nlohmann::ordered_json* p = &j;
  for (const char* k : path) {
    if (!p->is_object() || !p->contains(k)) return "";
    p = &(*p)[k];
  }
  if (p->is_number()) return num(p->get<double>());
  if (p->is_string()) return csv_cell(p->get<std::string>());
  if (p->is_boolean()) return p->get<bool>() ? "true" : "false";
  return "";
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::ostringstream os;
  for (std::size_t c = 0; c < header.size(); ++c) os << (c ? "," : "") << header[c];
  os << '\n';
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) os << (c ? "," : "") << row[c];
    os << '\n';
  }
  return os.str();
}

}  // namespace

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::vector<std::string> report_csv_paths(const std::string& path) {
  std::string stem = path;
  if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".csv") == 0) stem.resize(stem.size() - 4);
  return {path, stem + ".layers.csv", stem + ".modules.csv", stem + ".components.csv", stem + ".config.csv",
          stem + ".phases.csv"};
}

std::vector<std::pair<std::string, std::string>> flatten_config(const nlohmann::ordered_json& config) {
  std::vector<std::pair<std::string, std::string>> out;
  flatten(config, "", out);
  return out;
}

std::string summary_csv(const RunReport& r) {
  std::vector<std::string> h = {"cimvp", "platform", "tech", "seed", "job", "status", "images", "accuracy_hardware",
                                "accuracy_golden", "accuracy_ideal", "simulated_time_ns", "inference_ns",
                                "macro_active_ns", "power_gating", "binary_macs", "ops"};
  const nlohmann::ordered_json& job = r.job;
  std::vector<std::string> v = {version(),
                                csv_cell(r.platform),
                                r.ppa ? csv_cell(r.ppa->tech) : "",
                                std::to_string(r.seed),
                                csv_cell(r.job_name),
                                r.passed ? "pass" : "fail",
                                at(job, {"images"}),
                                at(job, {"accuracy", "hardware"}),
                                at(job, {"accuracy", "golden"}),
                                at(job, {"accuracy", "ideal_bnn"}),
                                num(r.simulated_time_ns),
                                at(job, {"inference_ns"}),
                                r.ppa ? num(r.ppa->macro_active_ns) : "",
                                r.ppa ? to_string(r.ppa->power_gating) : "",
                                r.ppa && r.ppa->work ? num(r.ppa->work->binary_macs) : "",
                                r.ppa && r.ppa->work ? num(r.ppa->work->ops()) : ""};
  for (const char* scope : {"macro", "platform"}) {
    const std::string s = scope;
    const PpaTotals* t = !r.ppa ? nullptr : s == "macro" ? &r.ppa->macro : &r.ppa->platform;
    const std::optional<PpaMetrics>* m = !r.ppa ? nullptr : s == "macro" ? &r.ppa->macro_metrics : &r.ppa->platform_metrics;
    const bool has = m != nullptr && m->has_value();
    for (const char* col : {"energy_pj", "dynamic_pj", "leakage_pj", "area_um2", "energy_per_image_uj", "tops",
                            "tops_per_w", "tops_per_mm2", "fps"})
      h.push_back(s + "_" + col);
    v.push_back(t ? num(t->energy_pj()) : "");
    v.push_back(t ? num(t->dynamic_pj) : "");
    v.push_back(t ? num(t->leakage_pj) : "");
    v.push_back(t ? num(t->area_um2) : "");
    v.push_back(has ? num((*m)->energy_per_image_uj()) : "");
    v.push_back(has ? num((*m)->tops()) : "");
    v.push_back(has ? num((*m)->tops_per_w()) : "");
    v.push_back(has ? num((*m)->tops_per_mm2()) : "");
    v.push_back(has ? num((*m)->fps()) : "");
  }
  // platform energy per component (the rows of FILE.components.csv; Σ = platform_energy_pj)
  std::vector<PpaComponentRow> comps;
  if (r.ppa) comps = ppa_components(*r.ppa);
  for (std::size_t i = 0; i < kPpaComponentCount; ++i) {
    h.push_back(std::string("energy_pj.") + to_string(static_cast<PpaComponent>(i)));
    v.push_back(r.ppa ? num(comps[i].platform_pj) : "");
  }
  return table(h, {v});
}

std::string layers_csv(const RunReport& r) {
  std::vector<std::vector<std::string>> rows;
  if (r.ppa)
    for (const PpaLayerBreakdown& b : ppa_layer_breakdown(*r.ppa))
      rows.push_back({std::to_string(b.row.layer), std::to_string(b.row.inputs), std::to_string(b.row.outputs),
                      std::to_string(b.row.subarrays), std::to_string(b.row.planes), std::to_string(b.row.reads),
                      std::to_string(b.row.conversions), std::to_string(b.row.binary_macs), num(b.ops),
                      num(b.row.energy_pj), num(b.row.latency_ns), num(b.tops), num(b.tops_per_w),
                      num(b.row.utilisation), num(b.area_share), csv_cell(b.row.critical_path)});
  return table({"layer", "inputs", "outputs", "subarrays", "planes", "reads", "conversions", "binary_macs", "ops",
                "energy_pj", "latency_ns", "tops", "tops_per_w", "utilisation", "area_share", "critical_path"},
               rows);
}

std::string modules_csv(const RunReport& r) {
  std::vector<std::vector<std::string>> rows;
  if (r.ppa)
    for (const PpaModuleReport& m : r.ppa->modules)
      rows.push_back({csv_cell(m.module), to_string(m.ledger.scope()), num(m.dynamic_pj()), num(m.leakage_pj),
                      num(m.energy_pj()), num(m.area_um2()), num(m.ledger.active_ns())});
  return table({"module", "scope", "dynamic_pj", "leakage_pj", "energy_pj", "area_um2", "active_ns"}, rows);
}

std::string components_csv(const RunReport& r) {
  std::vector<std::vector<std::string>> rows;
  if (r.ppa)
    for (const PpaComponentRow& c : ppa_components(*r.ppa))
      rows.push_back({to_string(c.component), num(c.platform_pj), num(c.macro_pj), num(c.area_um2)});
  return table({"component", "platform_pj", "macro_pj", "area_um2"}, rows);
}

std::string config_csv(const RunReport& r) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [k, v] : flatten_config(r.config)) rows.push_back({csv_cell(k), csv_cell(v)});
  return table({"key", "value"}, rows);
}

std::string phases_csv(const RunReport& r) {
  std::vector<std::vector<std::string>> rows;
  if (r.ppa)
    for (const PpaPhaseRow& p : r.ppa->phases)
      rows.push_back({csv_cell(p.name), num(p.latency_ns), num(p.macro_energy_pj), num(p.platform_energy_pj), num(p.ops)});
  return table({"phase", "latency_ns", "macro_energy_pj", "platform_energy_pj", "ops"}, rows);
}

void write_csv_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write CSV report '" + path + "': " + std::strerror(errno));
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write CSV report '" + path + "'");
}

std::vector<std::string> report_csv_texts(const RunReport& r) {
  return {summary_csv(r), layers_csv(r), modules_csv(r), components_csv(r), config_csv(r), phases_csv(r)};
}

}  // namespace cimvp

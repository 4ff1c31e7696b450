#include "cimvp/platform/report.h"

#include "cimvp/circuit/version.h"
#include "cimvp/core/counters.h"
#include "cimvp/platform/units.h"

#include <systemc>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
void walk(const sc_core::sc_object* obj, std::vector<ModuleCounters>& out) {
  if (const auto* c = dynamic_cast<const Counted*>(obj)) out.push_back({obj->name(), c->counters().values()});
  for (const sc_core::sc_object* child : obj->get_child_objects()) walk(child, out);
}
}  // namespace

std::vector<ModuleCounters> collect_counters() {
  std::vector<ModuleCounters> out;
  for (const sc_core::sc_object* top : sc_core::sc_get_top_level_objects()) walk(top, out);
  return out;
}

nlohmann::ordered_json report_json(const RunReport& r) {
  nlohmann::ordered_json j;
  j["cimvp"] = version();
  j["platform"] = r.platform;
  j["config"] = r.config;
  j["seed"] = r.seed;
  j["simulated_time_ns"] = r.simulated_time_ns;
  j["wall_time_s"] = r.wall_time_s;
  j["status"] = r.passed ? "pass" : "fail";
  nlohmann::ordered_json modules = nlohmann::ordered_json::object();
  for (const auto& m : r.modules) {
    nlohmann::ordered_json counters = nlohmann::ordered_json::object();
    for (const auto& [name, value] : m.counters) counters[name] = value;
    modules[m.module] = std::move(counters);
  }
  j["modules"] = std::move(modules);
  if (r.ppa) j["ppa"] = ppa_json(*r.ppa);
  j["job"] = r.job.is_null() ? nlohmann::ordered_json::object() : r.job;
  return j;
}

void write_report(const std::string& path, const RunReport& r) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write report '" + path + "': " + std::strerror(errno));
  out << report_json(r).dump(2) << '\n';
  out.close();
  if (!out) throw std::runtime_error("cannot write report '" + path + "'");
}

std::string console_summary(const RunReport& r) {
  std::ostringstream os;
  os << "cimvp " << version() << "  platform " << r.platform << "  seed " << r.seed << '\n';
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.3f", r.wall_time_s);
  os << "simulated time " << format_time_ns(r.simulated_time_ns) << "  (wall " << wall << " s)\n";
  if (!r.modules.empty()) {
    std::size_t wm = 6, wc = 7, wv = 5;  // "module", "counter", "value"
    for (const auto& m : r.modules) {
      wm = std::max(wm, m.module.size());
      for (const auto& [name, value] : m.counters) {
        wc = std::max(wc, name.size());
        wv = std::max(wv, std::to_string(value).size());
      }
    }
    auto row = [&](const std::string& a, const std::string& b, const std::string& c) {
      std::string line = a + std::string(wm - a.size() + 2, ' ') + b + std::string(wc - b.size() + 2, ' ') +
                         std::string(wv - c.size(), ' ') + c;
      line.erase(line.find_last_not_of(' ') + 1);
      os << line << '\n';
    };
    os << '\n';
    row("module", "counter", "value");
    row(std::string(wm, '-'), std::string(wc, '-'), std::string(wv, '-'));
    for (const auto& m : r.modules) {
      bool first = true;
      for (const auto& [name, value] : m.counters) {
        row(first ? m.module : "", name, std::to_string(value));
        first = false;
      }
      if (first) row(m.module, "(none)", "");
    }
  }
  if (r.ppa) os << '\n' << ppa_console(*r.ppa);
  os << '\n' << "job " << r.job_name << ": " << (r.passed ? "PASS" : "FAIL")
     << (r.job_verdict.empty() ? "" : " (" + r.job_verdict + ")") << " - " << r.job_summary << '\n';
  return os.str();
}

}  // namespace cimvp

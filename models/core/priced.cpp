#include "cimvp/core/priced.h"

#include <algorithm>

namespace cimvp {

const char* to_string(PpaScope s) { return s == PpaScope::macro ? "macro" : "platform"; }

const char* to_string(PowerGating g) {
  switch (g) {
    case PowerGating::idle_subarrays: return "idle_subarrays";
    case PowerGating::macro: return "macro";
    case PowerGating::none: break;
  }
  return "none";
}

void PpaLayerRow::merge(const PpaLayerRow& o) {
  inputs = std::max(inputs, o.inputs);
  outputs = std::max(outputs, o.outputs);
  subarrays = std::max(subarrays, o.subarrays);
  reads += o.reads;
  conversions += o.conversions;
  binary_macs += o.binary_macs;
  planes = std::max(planes, o.planes);
  energy_pj += o.energy_pj;
  latency_ns = std::max(latency_ns, o.latency_ns);
  utilisation = std::max(utilisation, o.utilisation);
  if (critical_path.empty()) critical_path = o.critical_path;
}

void PpaLedger::add_event(const std::string& event, std::uint64_t count, double energy_pj) {
  for (auto& r : events_)
    if (r.event == event) {
      r.count += count;
      r.energy_pj += energy_pj;
      return;
    }
  events_.push_back({event, count, energy_pj});
}

void PpaLedger::add_area(const std::string& what, std::uint64_t count, double unit_um2) {
  for (auto& a : areas_)
    if (a.what == what && a.unit_um2 == unit_um2) {
      a.count += count;
      return;
    }
  areas_.push_back({what, count, unit_um2});
}

void PpaLedger::add_layer(const PpaLayerRow& row) {
  for (auto& l : layers_)
    if (l.layer == row.layer) {
      l.merge(row);
      return;
    }
  layers_.push_back(row);
  std::sort(layers_.begin(), layers_.end(), [](const auto& a, const auto& b) { return a.layer < b.layer; });
}

double PpaLedger::dynamic_pj() const {
  double e = 0.0;
  for (const auto& r : events_) e += r.energy_pj;
  return e;
}

double PpaLedger::area_um2() const {
  double a = 0.0;
  for (const auto& i : areas_) a += i.area_um2();
  return a;
}

const PpaEventRow* PpaLedger::event(const std::string& name) const {
  for (const auto& r : events_)
    if (r.event == name) return &r;
  return nullptr;
}

}  // namespace cimvp

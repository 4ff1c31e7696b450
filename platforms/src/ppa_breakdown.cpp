#include "cimvp/platform/ppa_breakdown.h"


#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

namespace cimvp {

namespace {

// docs/ppa.md, "Component breakdown": the component of every event row and area item the
// shipped modules price.  A module that adds an event adds its name here.
const std::pair<const char*, PpaComponent> kEvents[] = {
    {"cell_read", PpaComponent::array},
    {"precharge", PpaComponent::array},
    {"row_write", PpaComponent::array},
    {"cell_write", PpaComponent::array},
    {"update_wordline", PpaComponent::drivers},
    {"cell_set", PpaComponent::array},
    {"cell_reset", PpaComponent::array},
    {"transposed_cell_read", PpaComponent::array},
    {"row_precharge", PpaComponent::array},
    {"mlsa_conversion", PpaComponent::sensing},
    {"adc_conversion", PpaComponent::sensing},
    {"sa_read", PpaComponent::sensing},
    {"row_conversion", PpaComponent::sensing},
    {"wordline", PpaComponent::drivers},
    {"column_drive", PpaComponent::drivers},
    {"row_drive", PpaComponent::drivers},
    {"dac_conversion", PpaComponent::drivers},
    {"accumulate", PpaComponent::accumulation},
    {"column_accumulate", PpaComponent::accumulation},
    {"activation", PpaComponent::accumulation},
    {"threshold_write", PpaComponent::accumulation},
    {"pool_or", PpaComponent::accumulation},
    {"buffer_read", PpaComponent::buffers},
    {"buffer_write", PpaComponent::buffers},
    {"support_read", PpaComponent::buffers},
    {"support_write", PpaComponent::buffers},
    {"bus_byte", PpaComponent::interconnect},
    {"dma_byte", PpaComponent::interconnect},
    {"dram_access", PpaComponent::dram},
    {"dram_byte", PpaComponent::dram},
    {"dram_access_dmi", PpaComponent::dram},
    {"dram_byte_dmi", PpaComponent::dram},
    {"register_read", PpaComponent::control},
    {"register_write", PpaComponent::control},
    {"clock", PpaComponent::control},
};

const std::pair<const char*, PpaComponent> kAreas[] = {
    {"bitcells", PpaComponent::array},
    {"rram_cells", PpaComponent::array},
    {"precharge", PpaComponent::array},
    {"comparators", PpaComponent::sensing},
    {"adcs", PpaComponent::sensing},
    {"wl_drivers", PpaComponent::drivers},
    {"row_dacs", PpaComponent::drivers},
    {"accumulator_bits", PpaComponent::accumulation},
    {"adder_bits", PpaComponent::accumulation},
    {"activation_bits", PpaComponent::accumulation},
    {"pool_or_gates", PpaComponent::accumulation},
    {"buffer_bits", PpaComponent::buffers},
    {"support_buffer_bits", PpaComponent::buffers},
    {"dma_engine", PpaComponent::interconnect},
    {"bus_master", PpaComponent::interconnect},
    {"register_bits", PpaComponent::control},
};

template <std::size_t N>
PpaComponent lookup(const std::pair<const char*, PpaComponent> (&table)[N], const std::string& name) {
  for (const auto& [n, c] : table)
    if (name == n) return c;
  return PpaComponent::other;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string sig3(double v) { return v == 0.0 ? std::string("0") : fmt("%.3g", v); }
/// "2.01 us", "505 ns" (3 significant digits).
std::string time3(double ns) {
  const std::pair<const char*, double> units[] = {{"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}};
  for (const auto& [name, scale] : units)
    if (std::fabs(ns) >= scale) return sig3(ns / scale) + " " + name;
  return sig3(ns) + " ns";
}

}  // namespace

const char* to_string(PpaComponent c) {
  switch (c) {
    case PpaComponent::array: return "array";
    case PpaComponent::sensing: return "sensing";
    case PpaComponent::drivers: return "drivers";
    case PpaComponent::accumulation: return "accumulation";
    case PpaComponent::buffers: return "buffers";
    case PpaComponent::interconnect: return "interconnect";
    case PpaComponent::dram: return "dram";
    case PpaComponent::control: return "control";
    case PpaComponent::leakage: return "leakage";
    case PpaComponent::other: break;
  }
  return "other";
}

PpaComponent ppa_event_component(const std::string& event) { return lookup(kEvents, event); }
PpaComponent ppa_area_component(const std::string& item) { return lookup(kAreas, item); }

std::vector<PpaComponentRow> ppa_components(const PpaReport& report) {
  std::vector<PpaComponentRow> rows(kPpaComponentCount);
  for (std::size_t i = 0; i < kPpaComponentCount; ++i) rows[i].component = static_cast<PpaComponent>(i);
  const auto at = [&](PpaComponent c) -> PpaComponentRow& { return rows[static_cast<std::size_t>(c)]; };
  for (const PpaModuleReport& m : report.modules) {
    const bool macro = m.ledger.scope() == PpaScope::macro;
    const auto add = [&](PpaComponent c, double pj) {
      at(c).platform_pj += pj;
      if (macro) at(c).macro_pj += pj;
    };
    for (const PpaEventRow& e : m.ledger.events()) add(ppa_event_component(e.event), e.energy_pj);
    add(PpaComponent::leakage, m.leakage_pj);
    for (const PpaAreaItem& a : m.ledger.areas()) at(ppa_area_component(a.what)).area_um2 += a.area_um2();
  }
  return rows;
}

std::vector<PpaLayerBreakdown> ppa_layer_breakdown(const PpaReport& report) {
  double subarrays = 0.0;
  for (const PpaLayerRow& l : report.layers) subarrays += static_cast<double>(l.subarrays);
  std::vector<PpaLayerBreakdown> out;
  out.reserve(report.layers.size());
  for (const PpaLayerRow& l : report.layers) {
    PpaLayerBreakdown b;
    b.row = l;
    b.ops = 2.0 * static_cast<double>(l.binary_macs);
    b.tops_per_w = l.energy_pj > 0 ? b.ops / l.energy_pj : 0.0;
    b.tops = l.latency_ns > 0 ? b.ops / l.latency_ns * 1e-3 : 0.0;
    b.area_share = subarrays > 0 ? static_cast<double>(l.subarrays) / subarrays : 0.0;
    out.push_back(std::move(b));
  }
  return out;
}

PpaLayerTotals ppa_layer_totals(const PpaReport& report) {
  PpaLayerTotals t;
  for (const PpaLayerRow& l : report.layers) {
    t.binary_macs += static_cast<double>(l.binary_macs);
    t.energy_pj += l.energy_pj;
    t.latency_ns += l.latency_ns;
  }
  t.ops = 2.0 * t.binary_macs;
  t.unattributed_pj = report.macro.dynamic_pj - t.energy_pj;
  return t;
}

nlohmann::ordered_json ppa_breakdown_json(const PpaReport& report) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json comps = nlohmann::ordered_json::array();
  for (const PpaComponentRow& c : ppa_components(report))
    comps.push_back({{"component", to_string(c.component)},
                     {"platform_pj", c.platform_pj},
                     {"macro_pj", c.macro_pj},
                     {"area_um2", c.area_um2}});
  j["components"] = std::move(comps);
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const PpaLayerBreakdown& b : ppa_layer_breakdown(report))
    layers.push_back({{"layer", b.row.layer},
                      {"binary_macs", b.row.binary_macs},
                      {"ops", b.ops},
                      {"planes", b.row.planes},
                      {"energy_pj", b.row.energy_pj},
                      {"latency_ns", b.row.latency_ns},
                      {"tops_per_w", b.tops_per_w},
                      {"tops", b.tops},
                      {"area_share", b.area_share}});
  j["layers"] = std::move(layers);
  const PpaLayerTotals t = ppa_layer_totals(report);
  j["layer_totals"] = {{"binary_macs", t.binary_macs},
                       {"ops", t.ops},
                       {"energy_pj", t.energy_pj},
                       {"latency_ns", t.latency_ns},
                       {"unattributed_pj", t.unattributed_pj}};
  return j;
}

std::string ppa_breakdown_console(const PpaReport& report) {
  std::ostringstream os;
  const double plat = report.platform.energy_pj(), mac = report.macro.energy_pj();
  const auto pct = [](double part, double whole) { return whole > 0 ? fmt("%.1f %%", 100.0 * part / whole) : std::string("-"); };
  const auto pad = [](const std::string& s, std::size_t w, bool right) {
    if (s.size() >= w) return s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
  };
  os << "component     " << pad("platform", 10, true) << "  " << pad("share", 7, true) << "  " << pad("macro", 10, true)
     << "  " << pad("share", 7, true) << "  " << pad("area", 10, true) << '\n';
  os << "------------  ----------  -------  ----------  -------  ----------\n";
  for (const PpaComponentRow& c : ppa_components(report)) {
    if (c.component == PpaComponent::other && c.platform_pj == 0.0 && c.area_um2 == 0.0) continue;
    std::string line = pad(to_string(c.component), 12, false) + "  " + pad(format_energy_pj(c.platform_pj), 10, true) +
                       "  " + pad(pct(c.platform_pj, plat), 7, true) + "  " + pad(format_energy_pj(c.macro_pj), 10, true) +
                       "  " + pad(pct(c.macro_pj, mac), 7, true) + "  " +
                       pad(c.area_um2 > 0 ? format_area_um2(c.area_um2) : std::string("-"), 10, true);
    os << line << '\n';
  }
  os << pad("total", 12, false) << "  " << pad(format_energy_pj(plat), 10, true) << "           "
     << pad(format_energy_pj(mac), 10, true) << "           " << pad(format_area_um2(report.platform.area_um2), 10, true)
     << '\n';
  const auto layers = ppa_layer_breakdown(report);
  if (!layers.empty()) {
    os << "\nlayer  " << pad("K", 6, true) << "  " << pad("M", 5, true) << "  planes  " << pad("binary MACs", 11, true)
       << "  " << pad("energy", 9, true) << "  " << pad("time", 9, true) << "  " << pad("TOPS/W", 7, true) << "  "
       << pad("area", 6, true) << '\n';
    os << "-----  ------  -----  ------  -----------  ---------  ---------  -------  ------\n";
    for (const PpaLayerBreakdown& b : layers)
      os << pad(std::to_string(b.row.layer), 5, true) << "  " << pad(std::to_string(b.row.inputs), 6, true) << "  "
         << pad(std::to_string(b.row.outputs), 5, true) << "  " << pad(std::to_string(b.row.planes), 6, true) << "  "
         << pad(sig3(static_cast<double>(b.row.binary_macs)), 11, true) << "  "
         << pad(format_energy_pj(b.row.energy_pj), 9, true) << "  " << pad(time3(b.row.latency_ns), 9, true)
         << "  " << pad(sig3(b.tops_per_w), 7, true) << "  " << pad(fmt("%.1f %%", 100.0 * b.area_share), 6, true)
         << '\n';
    const PpaLayerTotals t = ppa_layer_totals(report);
    os << "(layer energy = dynamic energy of the layer's reads, sensing and accumulation; TOPS/W = 2 x MACs / it; "
       << format_energy_pj(t.unattributed_pj) << " of the macro's dynamic energy is in no layer: weight loads and row writes, row DACs, "
          "two-way transposed reads; layer time includes a training layer's backward reads and row writes)\n";
  }
  return os.str();
}

}  // namespace cimvp

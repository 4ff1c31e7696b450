#include "cimvp/cim/sense/adc/column_adc_stage.h"

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const SenseConfig& adc_kind(const SenseConfig& s) {
  if (s.kind != SenseKind::adc)
    throw std::invalid_argument(std::string("ColumnAdc built for sense kind ") + to_string(s.kind));
  return s;
}
}  // namespace

ColumnAdc::ColumnAdc(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense,
                     double decision_ns)
    : SenseStage(name, array, adc_kind(sense), decision_ns) {}

unsigned ColumnAdc::decisions_per_conversion() const { return adc_steps(config().converter, config().bits); }

void ColumnAdc::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const EventCost conv = adc_conversion_cost(tech, config().converter, config().bits);
  const double e_sa = mlsa_conversion_energy_pj(tech, 1);
  LayerStats total;
  const auto& stats = layer_stats();
  for (std::size_t l = 0; l < stats.size(); ++l) {
    total.conversions += stats[l].conversions;
    total.sa_reads += stats[l].sa_reads;
    PpaLayerRow row;
    row.layer = static_cast<unsigned>(l);
    row.conversions = stats[l].conversions + stats[l].sa_reads;
    row.energy_pj =
        static_cast<double>(stats[l].conversions) * conv.energy_pj + static_cast<double>(stats[l].sa_reads) * e_sa;
    ledger.add_layer(row);
  }
  ledger.add_event("adc_conversion", total.conversions, static_cast<double>(total.conversions) * conv.energy_pj);
  ledger.add_event("sa_read", total.sa_reads, static_cast<double>(total.sa_reads) * e_sa);
  const std::uint64_t adcs = converters_in_use();
  if (adcs > 0) {
    if (digital())
      ledger.add_area("comparators", adcs, tech.mlsa_comparator.area_um2);
    else
      ledger.add_area("adcs", adcs, conv.area_um2);
  }
}

}  // namespace cimvp

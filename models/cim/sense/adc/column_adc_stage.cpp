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
  const EventCost conv = adc_conversion_cost(tech, config().converter, config().bits);
  price_conversions(ledger, "adc_conversion", conv.energy_pj, mlsa_conversion_energy_pj(tech, 1));
  const std::uint64_t adcs = converters_in_use();
  if (adcs > 0) {
    if (digital())
      ledger.add_area("comparators", adcs, tech.mlsa_comparator.area_um2);
    else
      ledger.add_area("adcs", adcs, conv.area_um2);
  }
}

}  // namespace cimvp

#include "cimvp/cim/sense/adc/column_adc_stage.h"

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/ppa_energy.h"

#include <algorithm>
#include <cstdint>
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

unsigned ColumnAdc::decisions_per_conversion() const { return adc_steps(config().converter, priced_bits()); }

unsigned ColumnAdc::priced_bits() const {
  const unsigned levels = levels_in_use();
  return levels == 0 ? config().bits : std::min(config().bits, code_bits_for(levels));
}

std::uint64_t ColumnAdc::flash_comparators() const {
  const std::uint64_t full = (std::uint64_t{1} << config().bits) - 1;
  const unsigned levels = levels_in_use();
  return levels == 0 ? full : std::min<std::uint64_t>(full, std::max(levels, 2u) - 1);
}

void ColumnAdc::price(const TechParams& tech, PpaLedger& ledger) const {
  EventCost conv;
  if (config().converter == AdcKind::flash) {
    const double n = static_cast<double>(flash_comparators());
    conv = {n * tech.mlsa_comparator.energy_pj, tech.mlsa_comparator.latency_ns, n * tech.mlsa_comparator.area_um2};
  } else {
    conv = adc_conversion_cost(tech, config().converter, priced_bits());
  }
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

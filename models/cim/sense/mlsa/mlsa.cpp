#include "cimvp/cim/sense/mlsa/mlsa.h"

#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const SenseConfig& mlsa_kind(const SenseConfig& s) {
  if (s.kind != SenseKind::mlsa)
    throw std::invalid_argument(std::string("Mlsa built for sense kind ") + to_string(s.kind));
  return s;
}
}  // namespace

Mlsa::Mlsa(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense, double decision_ns)
    : SenseStage(name, array, mlsa_kind(sense), decision_ns) {}

unsigned Mlsa::priced_bits() const {
  if (config().quantization != Quantization::ideal) return config().bits;
  const SubArrayConfig& a = array_config();
  const unsigned rows = a.access == AccessMode::group ? a.group_rows : a.rows;
  unsigned b = 1;
  while (((1u << b) - 1) < rows && b < 16) ++b;  // 2^b − 1 comparators resolve rows + 1 levels
  return b;
}

void Mlsa::price(const TechParams& tech, PpaLedger& ledger) const {
  const unsigned bits = digital() ? 1 : priced_bits();
  price_conversions(ledger, "mlsa_conversion", mlsa_conversion_energy_pj(tech, bits), mlsa_conversion_energy_pj(tech, 1));
  // ⌈C/mux⌉ sense amplifiers per sub-array of the loaded network (ppa_area.h)
  const std::uint64_t amps = converters_in_use();
  if (amps > 0) ledger.add_area("comparators", amps * mlsa_comparators(bits), tech.mlsa_comparator.area_um2);
}

}  // namespace cimvp

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
  return exact_sense_bits(segment_rows(), bipolar_inputs());
}

std::uint64_t Mlsa::priced_comparators() const {
  if (digital()) return 1;  // row_by_row: a plain 1-bit sense amplifier
  // ideal: one comparator per step between reachable partial sums (2R + 1 levels with
  // unipolar inputs, R + 1 with bipolar ones); b bits: 2^b − 1, but not more than that
  if (config().quantization == Quantization::ideal) return exact_sense_comparators(segment_rows(), bipolar_inputs());
  return mlsa_comparators_for(config().bits, segment_rows(), bipolar_inputs());
}

void Mlsa::price(const TechParams& tech, PpaLedger& ledger) const {
  const double comparators = static_cast<double>(priced_comparators());
  price_conversions(ledger, "mlsa_conversion", comparators * tech.mlsa_comparator.energy_pj,
                    mlsa_conversion_energy_pj(tech, 1));
  // ⌈C/mux⌉ sense amplifiers per sub-array of the loaded network (ppa_area.h)
  const std::uint64_t amps = converters_in_use();
  if (amps > 0) ledger.add_area("comparators", amps * priced_comparators(), tech.mlsa_comparator.area_um2);
}

}  // namespace cimvp

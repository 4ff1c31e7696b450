#include "cimvp/cim/sense/sense_factory.h"

#include "cimvp/cim/sense/adc/column_adc_stage.h"
#include "cimvp/cim/sense/mlsa/mlsa.h"

#include <stdexcept>
#include <string>

namespace cimvp {

std::unique_ptr<SenseStage> make_sense_stage(const char* name, const SubArrayConfig& array, const SenseConfig& sense,
                                             double decision_ns) {
  switch (sense.kind) {
    case SenseKind::mlsa: return std::make_unique<Mlsa>(name, array, sense, decision_ns);
    case SenseKind::adc: return std::make_unique<ColumnAdc>(name, array, sense, decision_ns);
  }
  throw std::invalid_argument("unknown sense kind " + std::to_string(static_cast<int>(sense.kind)) +
                              ": expected mlsa|adc");
}

}  // namespace cimvp

// Builds the sense stage named by SenseConfig::kind (cim.sense.kind): the one registration
// point of sense kinds (docs/extending.md).
#pragma once

#include "cimvp/cim/sense/sense_stage.h"

#include <memory>

namespace cimvp {

/// A new sense stage of kind sense.kind.  Throws std::invalid_argument for an unknown kind
/// or a bad configuration.
std::unique_ptr<SenseStage> make_sense_stage(const char* name, const SubArrayConfig& array, const SenseConfig& sense,
                                             double decision_ns);

}  // namespace cimvp

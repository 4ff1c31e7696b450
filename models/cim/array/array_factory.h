// Builds the array stage named by CellVariationConfig::kind (cim.array.kind): the one
// registration point of array kinds (docs/extending.md).
#pragma once

#include "cimvp/cim/array/sram/bitcell_array.h"
#include "cimvp/cim/array/two_way_config.h"

#include "cimvp/circuit/ppa_tech.h"

#include <memory>

namespace cimvp {

/// A new array stage of kind cells.kind: sram → BitcellArray, rram → RramArray (an
/// rram array takes no two-way configuration: two_way.enabled must be false).  Throws
/// std::invalid_argument for an unknown kind or a bad configuration.
std::unique_ptr<BitcellArray> make_array_stage(const char* name, const SubArrayConfig& array,
                                               const CellVariationConfig& cells, double read_ns, double clock_ns,
                                               const TwoWayArrayConfig& two_way = TwoWayArrayConfig{});

/// The technology cell that prices an array: sram → cell_kind_for(array.mode) (two-way:
/// sram_8t_twoway); rram → rram_1t1r | rram_0t1r by cells.rram.device.
CellKind array_cell_kind(const SubArrayConfig& array, const CellVariationConfig& cells, bool two_way);

}  // namespace cimvp

// Configuration of the two-way array stage (Jiang et al. DAC 2020; cimvp::BitcellArray,
// docs/two-way-training.md).  Plain C++: no SystemC, so the platform layer, the driver and
// CimMacroConfig share it.
#pragma once

#include "cimvp/circuit/sense.h"

namespace cimvp {

/// The two-way array (Jiang et al. DAC 2020, docs/two-way-training.md): transposed reads and
/// row writes of the stored weights.  Disabled: the array is forward-only (those calls throw).
struct TwoWayArrayConfig {
  bool enabled = false;
  SenseConfig sense;               ///< row converters (kind, bits, offsets σ, seed; two_way.h)
  double transposed_read_ns = 4.0; ///< one transposed read of one sub-array (one plane, one column segment)
  double row_write_ns = 2.5;       ///< one row write (the sub-arrays of a layer row are written in parallel)
  /// Throws std::invalid_argument naming the field.
  void validate() const;
};

}  // namespace cimvp

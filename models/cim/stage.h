// What every stage of the CIM datapath offers its controller (docs/architecture.md,
// "The accelerator as stages"): counters (Counted), its own pricing (Priced), reset(),
// publish() of its counters to traced signals, and trace().  The controller keeps a list
// of its stages and loops over it; it never calls a concrete stage kind for these.
#pragma once

#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include <systemc>

namespace cimvp {

class CimStage : public Counted, public Priced {
 public:
  /// Back to the state after elaboration: programmed layers forgotten, buffers empty,
  /// traced values as after construction.  Counters are kept (they count the whole run).
  virtual void reset() = 0;
  /// Writes the cumulative counters to the traced signals (call from one process only).
  virtual void publish() = 0;
  /// Adds the stage's signals to `tf` (nothing when tf is null).
  virtual void trace(sc_core::sc_trace_file* tf) const = 0;
};

}  // namespace cimvp

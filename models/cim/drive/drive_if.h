// Interface of the drive stage of the CIM datapath (docs/cim-macro.md, "Stages"): what drives
// the word lines of a sub-array read — plain binary word lines, or row DACs whose drive
// follows the support parameters of Supported-BinaryNet (circuit/row_dac.h).
#pragma once

#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/row_dac.h"

#include <systemc>

namespace cimvp {

class cim_drive_if : public virtual sc_core::sc_interface {
 public:
  /// Forgets every programmed layer (and empties the support buffer).
  virtual void clear() = 0;
  /// Declares layer `layer`, mapped on `arrays`, with its supports (nullptr: binary word
  /// lines for this layer), at drop level `drop_permille`.  std::invalid_argument when the
  /// kind cannot drive supports, the supports are invalid or the support buffer is full.
  virtual void program_layer(unsigned layer, const ArrayBank& arrays, const LayerSupports* supports,
                             unsigned drop_permille) = 0;
  /// Re-derives the drive of a programmed layer at a new drop level (no weight reload).
  virtual void set_drop_level(unsigned layer, const ArrayBank& arrays, unsigned drop_permille) = 0;
  /// Drive range of the layer (DriveRange{} for binary word lines): what the sense stage's
  /// transfer functions must cover.
  virtual DriveRange range(unsigned layer) const = 0;
  /// The drive of sub-array (row block, column block) for one read call, nullptr for binary
  /// word lines.  A row DAC counts the call's programmings (one per column group), DAC
  /// conversions and support-buffer reads and adds groups × programming time to `delay`.
  virtual const SubArrayDrive* drive(unsigned layer, unsigned row_block, unsigned col_block,
                                     sc_core::sc_time& delay) = 0;
};

}  // namespace cimvp

// Drive kind `binary` (Liu et al., DAC 2018): plain word lines, a driven row contributes ±1;
// the word-line drivers are priced by the array stage.  Layers with supports are refused.
#pragma once

#include "cimvp/cim/drive/drive_stage.h"

namespace cimvp {

class BinaryDrive : public DriveStage {
 public:
  BinaryDrive(sc_core::sc_module_name name, const DriveStageConfig& cfg);
  void clear() override {}
  /// std::invalid_argument when `supports` is not null (supports need cim.drive.kind row_dac).
  void program_layer(unsigned layer, const ArrayBank& arrays, const LayerSupports* supports,
                     unsigned drop_permille) override;
  void set_drop_level(unsigned, const ArrayBank&, unsigned) override {}
  DriveRange range(unsigned) const override { return DriveRange{}; }
  const SubArrayDrive* drive(unsigned, unsigned, unsigned, sc_core::sc_time&) override { return nullptr; }
  /// Nothing: the word-line drivers are the array's.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
};

}  // namespace cimvp

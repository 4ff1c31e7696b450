#include "cimvp/cim/drive/binary/binary_drive.h"

#include <stdexcept>
#include <string>

namespace cimvp {

BinaryDrive::BinaryDrive(sc_core::sc_module_name name, const DriveStageConfig& cfg) : DriveStage(name, cfg) {}

void BinaryDrive::program_layer(unsigned layer, const ArrayBank&, const LayerSupports* supports, unsigned) {
  if (supports != nullptr)
    throw std::invalid_argument("layer " + std::to_string(layer) +
                                " has supports, but the word lines are binary (cim.drive.kind: binary; supports "
                                "need row_dac)");
}

void BinaryDrive::price(const TechParams&, PpaLedger& ledger) const { ledger.set_scope(PpaScope::macro); }

}  // namespace cimvp

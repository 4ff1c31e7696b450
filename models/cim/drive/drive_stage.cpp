#include "cimvp/cim/drive/drive_stage.h"

#include "cimvp/cim/drive/binary/binary_drive.h"
#include "cimvp/cim/drive/row_dac/row_dac.h"
#include "cimvp/core/trace_util.h"

#include <stdexcept>
#include <string>

namespace cimvp {

DriveStage::DriveStage(sc_core::sc_module_name name, const DriveStageConfig& cfg)
    : sc_core::sc_module(name), target_export("target_export"), dac_programmings("dac_programmings", 0), cfg_(cfg) {
  cfg_.dac.validate();
  target_export.bind(*this);
  c_prog_ = counters_.declare("dac_programmings");
  c_conv_ = counters_.declare("dac_conversions");
  c_reads_ = counters_.declare("support_reads");
  c_writes_ = counters_.declare("support_writes");
}

void DriveStage::publish() { dac_programmings.write(counters_.get("dac_programmings")); }

void DriveStage::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, dac_programmings, *this, "dac_programmings");
}

std::unique_ptr<DriveStage> make_drive_stage(const char* name, const DriveStageConfig& cfg, double dac_ns) {
  switch (cfg.kind) {
    case DriveKind::binary: return std::make_unique<BinaryDrive>(name, cfg);
    case DriveKind::row_dac: return std::make_unique<RowDac>(name, cfg, dac_ns);
  }
  throw std::invalid_argument("unknown drive kind " + std::to_string(static_cast<int>(cfg.kind)) +
                              ": expected binary|row_dac");
}

}  // namespace cimvp

// The drive stage of the CIM datapath, common to every drive kind (docs/cim-macro.md,
// "Stages"): counters, publish/trace and the factory.  Kinds live in cim/drive/<kind>/ and
// are built by make_drive_stage() from DriveStageConfig::kind (cim.drive.kind).
#pragma once

#include "cimvp/cim/drive/drive_if.h"
#include "cimvp/cim/stage.h"
#include "cimvp/cim/controller/cim_types.h"

#include <systemc>

#include <cstdint>
#include <memory>

namespace cimvp {

class DriveStage : public sc_core::sc_module, public cim_drive_if, public CimStage {
 public:
  sc_core::sc_export<cim_drive_if> target_export;
  /// Cumulative DAC programmings, updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> dac_programmings;

  const DriveStageConfig& config() const { return cfg_; }

  // CimStage
  void reset() override { clear(); }
  void publish() override;
  void trace(sc_core::sc_trace_file* tf) const override;
  /// dac_programmings, dac_conversions, support_reads, support_writes (codes stored at load).
  const CounterSet& counters() const override { return counters_; }

 protected:
  DriveStage(sc_core::sc_module_name name, const DriveStageConfig& cfg);
  DriveStageConfig cfg_;
  CounterSet counters_;
  std::size_t c_prog_, c_conv_, c_reads_, c_writes_;
};

/// A new drive stage of kind cfg.kind (binary | row_dac); dac_ns: one DAC programming.
/// Throws std::invalid_argument for an unknown kind or a bad configuration.
std::unique_ptr<DriveStage> make_drive_stage(const char* name, const DriveStageConfig& cfg, double dac_ns);

}  // namespace cimvp

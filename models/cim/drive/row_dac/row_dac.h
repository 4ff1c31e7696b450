// Drive kind `row_dac` (Nasrin et al., Supported-BinaryNet; docs/supported-binarynet.md):
// one b_d-bit DAC per row of every sub-array driving its word line with the support of the
// row's p×1 block, and the SupportBuffer holding the codes.  Wraps circuit::SupportBank (the
// drives, DAC quantization, seeded mismatch and column-group schedule the golden reference
// uses, circuit/support_bank.h).
#pragma once

#include "cimvp/cim/drive/drive_stage.h"
#include "cimvp/cim/drive/row_dac/support_buffer.h"

#include "cimvp/circuit/support_bank.h"

#include <vector>

namespace cimvp {

/// Per read call of sub-array (rb, cb): one DAC programming per column group
/// (SubArrayDrive::groups()), each taking dac_ns (the row DACs settle in parallel); counts
/// dac_programmings, dac_conversions (rows whose DAC input changes, row_dac.h) and
/// support_reads (codes read from the buffer).  Layers without supports are driven as binary
/// word lines (drive() returns nullptr).
class RowDac : public DriveStage {
 public:
  /// cfg.buffer_bytes: support-buffer capacity; dac_ns: one programming.  Throws
  /// std::invalid_argument for a bad configuration.
  RowDac(sc_core::sc_module_name name, const DriveStageConfig& cfg, double dac_ns);

  void clear() override;
  void program_layer(unsigned layer, const ArrayBank& arrays, const LayerSupports* supports,
                     unsigned drop_permille) override;
  void set_drop_level(unsigned layer, const ArrayBank& arrays, unsigned drop_permille) override;
  DriveRange range(unsigned layer) const override;
  const SubArrayDrive* drive(unsigned layer, unsigned row_block, unsigned col_block, sc_core::sc_time& delay) override;

  const SupportBuffer& buffer() const { return buffer_; }
  /// The layer's drives (empty bank for a layer without supports).
  const SupportBank& bank(unsigned layer) const;

  /// Scope macro.  Events: `dac_conversion` (dac_conversions × tech dac cost at b_d bits,
  /// current-steering/capacitive DAC law of the technology file: energy ∝ 2^b),
  /// `support_read` / `support_write` (8 bits per code, line-buffer SRAM per bit); area
  /// `row_dacs` (one DAC per row of every sub-array holding a supported layer, tech dac area
  /// at b_d bits) and `support_buffer_bits` (8 × capacity, line-buffer SRAM per bit).
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  SupportBuffer buffer_;
  sc_core::sc_time t_dac_;
  std::vector<SupportBank> banks_;
  std::vector<unsigned> dac_rows_;  ///< row DACs per layer: row blocks × R × column blocks
};

}  // namespace cimvp

// The row-DAC drives of one layer (Supported-BinaryNet, row_dac.h): the single definition of
// supports → drive per sub-array shared by the golden reference (MappedLayer) and the
// SystemC drive stage (RowDac).  Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/row_dac.h"

#include <cstdint>
#include <vector>

namespace cimvp {

/// The row-DAC drives of one layer's sub-arrays at a drop level: SubArrayDrive per (rb, cb),
/// the gains drawn once per (rb, cb) (stream kStreamDacMismatch), rebuilt by set_drop_level()
/// without touching the cells.
class SupportBank {
 public:
  SupportBank() = default;
  /// arrays: the layer's programmed sub-arrays (ArrayBank: row block rb starts at input
  /// rb·R, column block cb at neuron cb·C); sup: the layer's stored supports
  /// (validate_supports, shape K × M equal to the bank's).  Throws std::invalid_argument.
  SupportBank(const ArrayBank& arrays, LayerSupports sup, const RowDacConfig& dac, std::uint64_t layer_id,
              unsigned drop_permille = 0);
  bool empty() const { return drives_.empty(); }
  unsigned drop_level() const { return drop_; }
  /// Re-derives the codes in effect (effective_supports) and the drives; 0..1000.
  /// `arrays` must be the bank the SupportBank was built for.
  void set_drop_level(const ArrayBank& arrays, unsigned drop_permille);
  const SubArrayDrive& drive(unsigned rb, unsigned cb) const { return drives_.at(std::size_t{rb} * ncb_ + cb); }
  const LayerSupports& supports() const { return sup_; }
  const std::vector<std::uint8_t>& effective_codes() const { return eff_; }
  DriveRange range() const { return DriveRange::of(sup_.shape.bits, dac_.bits); }

 private:
  void build(const ArrayBank& arrays);
  unsigned nrb_ = 0, ncb_ = 0;
  LayerSupports sup_;
  RowDacConfig dac_;
  std::uint64_t layer_ = 0;
  unsigned drop_ = 0;
  std::vector<std::uint8_t> eff_;
  std::vector<std::vector<double>> gains_;  ///< [rb·ncb + cb]
  std::vector<SubArrayDrive> drives_;
};

}  // namespace cimvp

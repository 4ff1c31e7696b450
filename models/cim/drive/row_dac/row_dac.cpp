#include "cimvp/cim/drive/row_dac/row_dac.h"

#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>
#include <string>

namespace cimvp {

void SupportBuffer::store(unsigned layer, const std::vector<std::uint8_t>& codes) {
  const std::size_t old = layer < layers_.size() ? layers_[layer].size() : 0;
  if (used_ - old + codes.size() > capacity_)
    throw std::invalid_argument("support buffer: layer " + std::to_string(layer) + " needs " +
                                std::to_string(codes.size()) + " bytes, " + std::to_string(capacity_ - (used_ - old)) +
                                " of " + std::to_string(capacity_) + " free (cim.drive.buffer_bytes)");
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  layers_[layer] = codes;
  used_ = used_ - old + codes.size();
}

const std::vector<std::uint8_t>& SupportBuffer::codes(unsigned layer) const {
  static const std::vector<std::uint8_t> none;
  return layer < layers_.size() ? layers_[layer] : none;
}

RowDac::RowDac(sc_core::sc_module_name name, const DriveStageConfig& cfg, double dac_ns)
    : DriveStage(name, cfg), buffer_(cfg.buffer_bytes), t_dac_(dac_ns, sc_core::SC_NS) {
  if (cfg.kind != DriveKind::row_dac)
    throw std::invalid_argument(std::string("RowDac built for drive kind ") + to_string(cfg.kind));
  if (cfg.buffer_bytes < 1) throw std::invalid_argument("RowDac: support buffer of 0 bytes");
  if (!(dac_ns >= 0.0)) throw std::invalid_argument("RowDac: dac_ns must be >= 0");
}

void RowDac::clear() {
  banks_.clear();
  dac_rows_.clear();
  buffer_.clear();
}

const SupportBank& RowDac::bank(unsigned layer) const {
  static const SupportBank none;
  return layer < banks_.size() ? banks_[layer] : none;
}

void RowDac::program_layer(unsigned layer, const ArrayBank& arrays, const LayerSupports* supports,
                           unsigned drop_permille) {
  if (banks_.size() <= layer) {
    banks_.resize(layer + 1);
    dac_rows_.resize(layer + 1, 0);
  }
  if (supports == nullptr) {
    banks_[layer] = SupportBank();
    buffer_.store(layer, {});
    dac_rows_[layer] = 0;
    return;
  }
  SupportBank b(arrays, *supports, cfg_.dac, layer, drop_permille);
  buffer_.store(layer, supports->codes);
  counters_.add(c_writes_, supports->codes.size());
  banks_[layer] = std::move(b);
  dac_rows_[layer] = arrays.row_blocks() * arrays.config().rows * arrays.col_blocks();
}

void RowDac::set_drop_level(unsigned layer, const ArrayBank& arrays, unsigned drop_permille) {
  if (layer >= banks_.size() || banks_[layer].empty()) return;
  banks_[layer].set_drop_level(arrays, drop_permille);
}

DriveRange RowDac::range(unsigned layer) const {
  return layer < banks_.size() && !banks_[layer].empty() ? banks_[layer].range() : DriveRange{};
}

const SubArrayDrive* RowDac::drive(unsigned layer, unsigned rb, unsigned cb, sc_core::sc_time& delay) {
  if (layer >= banks_.size() || banks_[layer].empty()) return nullptr;
  const SubArrayDrive& d = banks_[layer].drive(rb, cb);
  counters_.add(c_prog_, d.groups());
  counters_.add(c_conv_, d.dac_conversions());
  counters_.add(c_reads_, d.support_reads());
  delay += t_dac_ * static_cast<double>(d.groups());
  return &d;
}

void RowDac::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const EventCost dac = dac_cost(tech, cfg_.dac.bits);
  const std::uint64_t conv = counters_.get("dac_conversions");
  ledger.add_event("dac_conversion", conv, static_cast<double>(conv) * dac.energy_pj);
  const std::uint64_t rd = counters_.get("support_reads") * 8, wr = counters_.get("support_writes") * 8;
  ledger.add_event("support_read", rd, storage_read_energy_pj(tech.line_buffer, rd));
  ledger.add_event("support_write", wr, storage_write_energy_pj(tech.line_buffer, wr));
  std::uint64_t dacs = 0;
  for (unsigned n : dac_rows_) dacs += n;
  if (dacs > 0) ledger.add_area("row_dacs", dacs, dac.area_um2);
  ledger.add_area("support_buffer_bits", 8 * std::uint64_t{buffer_.capacity()}, tech.line_buffer.area_um2_per_bit);
}

}  // namespace cimvp

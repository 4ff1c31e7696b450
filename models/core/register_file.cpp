#include "cimvp/core/register_file.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}
}  // namespace

void RegisterFile::add(Register reg) {
  if (reg.name.empty()) throw std::invalid_argument("RegisterFile: register with an empty name");
  if (reg.offset % 4 != 0)
    throw std::invalid_argument("RegisterFile: register " + reg.name + " offset " + hex(reg.offset) +
                                " is not 4-byte aligned");
  if ((reg.pulse_mask & ~reg.rw_mask) != 0)
    throw std::invalid_argument("RegisterFile: register " + reg.name + " has pulse bits that are not rw (" +
                                hex(reg.pulse_mask & ~reg.rw_mask) + ")");
  if ((reg.rw_mask & reg.w1c_mask) != 0)
    throw std::invalid_argument("RegisterFile: register " + reg.name + " has bits both rw and w1c (" +
                                hex(reg.rw_mask & reg.w1c_mask) + ")");
  for (const auto& r : regs_) {
    if (r.name == reg.name)
      throw std::invalid_argument("RegisterFile: duplicate register name " + reg.name);
    if (r.offset == reg.offset)
      throw std::invalid_argument("RegisterFile: registers " + r.name + " and " + reg.name +
                                  " share offset " + hex(reg.offset));
  }
  const auto pos = std::upper_bound(regs_.begin(), regs_.end(), reg.offset,
                                    [](std::uint32_t off, const Register& r) { return off < r.offset; });
  const auto idx = pos - regs_.begin();
  values_.insert(values_.begin() + idx, reg.reset);
  regs_.insert(pos, std::move(reg));
}

std::size_t RegisterFile::find(std::uint64_t offset) const {
  std::size_t lo = 0, hi = regs_.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (regs_[mid].offset < offset)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (lo < regs_.size() && regs_[lo].offset == offset) ? lo : npos;
}

std::size_t RegisterFile::at(std::uint32_t offset) const {
  const std::size_t i = find(offset);
  if (i == npos) throw std::out_of_range("RegisterFile: no register at offset " + hex(offset));
  return i;
}

tlm::tlm_response_status RegisterFile::access(tlm::tlm_generic_payload& trans, bool debug) {
  auto respond = [&trans](tlm::tlm_response_status s) {
    trans.set_response_status(s);
    return s;
  };
  const std::uint64_t offset = trans.get_address();
  const std::size_t i = (offset % 4 == 0) ? find(offset) : npos;
  if (i == npos) return respond(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  const tlm::tlm_command cmd = trans.get_command();
  if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND)
    return respond(tlm::TLM_COMMAND_ERROR_RESPONSE);
  if (trans.get_data_length() != 4 || (!debug && trans.get_streaming_width() < trans.get_data_length()))
    return respond(tlm::TLM_BURST_ERROR_RESPONSE);
  if (!debug && trans.get_byte_enable_ptr() != nullptr) return respond(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  unsigned char* data = trans.get_data_ptr();
  if (data == nullptr) return respond(tlm::TLM_GENERIC_ERROR_RESPONSE);

  const Register& reg = regs_[i];
  if (cmd == tlm::TLM_READ_COMMAND) {
    std::uint32_t v = values_[i];
    if (!debug && reg.on_read) v = reg.on_read(v);
    for (int b = 0; b < 4; ++b) data[b] = static_cast<unsigned char>(v >> (8 * b));
  } else {
    std::uint32_t d = 0;
    for (int b = 0; b < 4; ++b) d |= static_cast<std::uint32_t>(data[b]) << (8 * b);
    if (reg.accept && !reg.accept(d & reg.rw_mask)) return respond(tlm::TLM_GENERIC_ERROR_RESPONSE);
    const std::uint32_t old = values_[i];
    std::uint32_t now;
    if (debug) {
      const std::uint32_t stored = reg.rw_mask & ~reg.pulse_mask;
      now = (old & ~stored) | (d & stored);
    } else {
      const std::uint32_t ro = ~(reg.rw_mask | reg.w1c_mask);
      now = (old & ro) | (d & reg.rw_mask) | (old & reg.w1c_mask & ~d);
    }
    values_[i] = now;
    // `reg` stays valid: callbacks may call set()/get() but never add().
    if (!debug && reg.on_write) reg.on_write(old, now);
    if (!debug && reg.pulse_mask != 0) values_[i] &= ~reg.pulse_mask;
  }
  return respond(tlm::TLM_OK_RESPONSE);
}

std::uint32_t RegisterFile::get(std::uint32_t offset) const { return values_[at(offset)]; }

void RegisterFile::set(std::uint32_t offset, std::uint32_t value) { values_[at(offset)] = value; }

void RegisterFile::reset() {
  for (std::size_t i = 0; i < regs_.size(); ++i) values_[i] = regs_[i].reset;
}

std::uint32_t RegisterFile::offset_of(const std::string& name) const {
  for (const auto& r : regs_)
    if (r.name == name) return r.offset;
  throw std::out_of_range("RegisterFile: no register named " + name);
}

}  // namespace cimvp

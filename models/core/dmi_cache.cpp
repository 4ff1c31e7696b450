#include "cimvp/core/dmi_cache.h"
#include "cimvp/core/payload.h"

#include <algorithm>

namespace cimvp {

namespace {
bool allows(const tlm::tlm_dmi& d, tlm::tlm_command cmd) {
  return cmd == tlm::TLM_READ_COMMAND ? d.is_read_allowed() : d.is_write_allowed();
}
}  // namespace

const tlm::tlm_dmi* DmiCache::lookup(tlm::tlm_fw_transport_if<>& fw, tlm::tlm_command cmd, std::uint64_t addr,
                                     bool* new_grant) {
  if (new_grant) *new_grant = false;
  for (const auto& d : granted_)
    if (d.get_start_address() <= addr && addr <= d.get_end_address() && allows(d, cmd)) return &d;
  for (const auto& d : denied_)
    if (d.cmd == cmd && d.start <= addr && addr <= d.end) return nullptr;
  // Not known yet: ask the target once for this address.
  prepare_payload(trans_, cmd, addr, &dummy_, 0);
  tlm::tlm_dmi dmi;
  if (fw.get_direct_mem_ptr(trans_, dmi) && allows(dmi, cmd) && dmi.get_dmi_ptr() != nullptr) {
    if (new_grant) *new_grant = true;
    granted_.push_back(dmi);
    return &granted_.back();
  }
  // Remember the denial for the range the target named (just this address if that range
  // does not even contain it), so the target is not asked again for every access.
  if (dmi.get_start_address() <= addr && addr <= dmi.get_end_address())
    denied_.push_back({dmi.get_start_address(), dmi.get_end_address(), cmd});
  else
    denied_.push_back({addr, addr, cmd});
  return nullptr;
}

void DmiCache::invalidate(std::uint64_t start, std::uint64_t end) {
  const auto overlaps = [start, end](std::uint64_t s, std::uint64_t e) { return s <= end && start <= e; };
  granted_.erase(std::remove_if(granted_.begin(), granted_.end(),
                                [&](const tlm::tlm_dmi& d) { return overlaps(d.get_start_address(), d.get_end_address()); }),
                 granted_.end());
  denied_.erase(std::remove_if(denied_.begin(), denied_.end(), [&](const Denied& d) { return overlaps(d.start, d.end); }),
                denied_.end());
}

}  // namespace cimvp

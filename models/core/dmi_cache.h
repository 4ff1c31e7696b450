// DMI bookkeeping for a TLM initiator: the regions a target granted, the ranges it
// denied, one get_direct_mem_ptr request per unknown address, and invalidation.
// Used by every cimvp initiator that moves data (HostDma, CimMacro).
#pragma once

#include <tlm>

#include <cstdint>
#include <deque>
#include <vector>

namespace cimvp {

class DmiCache {
 public:
  /// The granted region allowing `cmd` at `addr`, or nullptr when the target denied DMI
  /// there.  An address neither granted nor denied yet is asked once through `fw` (a
  /// fully filled zero-length payload); the answer is remembered.  Sets *new_grant when
  /// this call obtained a new grant.  Pointers stay valid until invalidate() drops them.
  const tlm::tlm_dmi* lookup(tlm::tlm_fw_transport_if<>& fw, tlm::tlm_command cmd, std::uint64_t addr,
                             bool* new_grant = nullptr);
  /// Forgets every granted or denied range overlapping [start, end].
  void invalidate(std::uint64_t start, std::uint64_t end);

 private:
  struct Denied {
    std::uint64_t start, end;
    tlm::tlm_command cmd;
  };
  std::deque<tlm::tlm_dmi> granted_;  // deque: push_back keeps earlier pointers valid
  std::vector<Denied> denied_;
  tlm::tlm_generic_payload trans_;
  unsigned char dummy_ = 0;
};

}  // namespace cimvp

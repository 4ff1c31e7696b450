// TLM-2.0 base-protocol checker: a passthrough module placed between an initiator and a
// target (docs/modules.md#tlmchecker).  Written for cimvp; checks the loosely-timed
// subset the project uses (b_transport, transport_dbg, DMI).
#pragma once

#include "cimvp/core/counters.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <string>

namespace cimvp {

/// Forwards every call unchanged and reports each protocol violation as
/// SC_REPORT_ERROR "cimvp/tlm_checker" ("<name>: b_transport(write 0x10, 4 bytes): ...").
/// b_transport, on entry: response status TLM_INCOMPLETE_RESPONSE; command READ, WRITE or
///   IGNORE; data pointer non-null; data length > 0; byte-enable length > 0 when the
///   byte-enable pointer is set and every byte enable 0x00 or 0xff; streaming width > 0;
///   DMI-allowed hint clear.  On return: status not INCOMPLETE; address, command, data
///   pointer, data length, byte-enable pointer and length, streaming width unchanged;
///   delay not decreased.  A call with a null data pointer, zero length or a bad command
///   is not forwarded (answered TLM_GENERIC_ERROR_RESPONSE / TLM_COMMAND_ERROR_RESPONSE).
/// transport_dbg: command READ/WRITE/IGNORE, data pointer non-null when length > 0;
///   count returned <= length; address, command, data pointer, length unchanged.
/// get_direct_mem_ptr: command READ or WRITE; address unchanged; start <= end; when
///   granted: non-null pointer, the range contains the address, access includes the
///   requested command.
/// invalidate_direct_mem_ptr (backward): start <= end.
class TlmChecker : public sc_core::sc_module, public Counted {
 public:
  tlm_utils::simple_target_socket<TlmChecker> target_socket;
  tlm_utils::simple_initiator_socket<TlmChecker> initiator_socket;

  explicit TlmChecker(sc_core::sc_module_name name);

  /// Number of calls checked (all kinds) and of violations reported.
  std::uint64_t checked() const;
  std::uint64_t violations() const { return counters_.get("violations"); }

  /// The checker has no signals: nothing to trace.
  void trace(sc_core::sc_trace_file* tf) const;
  /// transactions, debug_transactions, dmi_requests, dmi_invalidations, violations.
  const CounterSet& counters() const override { return counters_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void violation(const std::string& call, const std::string& what);

  CounterSet counters_;
  std::size_t c_transactions_, c_debug_, c_dmi_requests_, c_dmi_invalidations_, c_violations_;
};

}  // namespace cimvp

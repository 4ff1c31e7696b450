// TLM-2.0 base-protocol checker: a passthrough module placed between an initiator and a
// target (docs/modules.md#tlmchecker).  Written for cimvp; checks b_transport,
// nb_transport (base-protocol phases), transport_dbg and DMI.
#pragma once

#include "cimvp/core/counters.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <map>
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
/// nb_transport_fw / nb_transport_bw (base protocol, one hop): every call is forwarded
///   (except a BEGIN_REQ whose payload b_transport would not forward: answered as there,
///   TLM_COMPLETED).  Checked per transaction in flight:
///   - BEGIN_REQ: the payload rules of b_transport on entry; not already in flight; no other
///     request still in its request phase (request exclusion: END_REQ or BEGIN_RESP first).
///   - forward path carries only BEGIN_REQ and END_RESP, backward only END_REQ and
///     BEGIN_RESP; END_REQ at most once and before BEGIN_RESP; BEGIN_RESP once; END_RESP
///     only after BEGIN_RESP; no BEGIN_RESP while another response awaits END_RESP
///     (response exclusion); calls for a transaction not in flight.
///   - return values: TLM_ACCEPTED leaves the phase unchanged; TLM_UPDATED moves it to a
///     later phase the callee may send (END_REQ / BEGIN_RESP for BEGIN_REQ, END_RESP for
///     BEGIN_RESP, nothing after END_REQ or END_RESP); TLM_COMPLETED ends the transaction.
///   - when the response is delivered (BEGIN_RESP either way, or TLM_COMPLETED of a
///     request): status not INCOMPLETE and the address as the initiator sent it (an
///     interconnect may translate it while in flight).  On every return and backward call:
///     command, data pointer, data length, byte-enable pointer and length, streaming width
///     as sent with BEGIN_REQ.
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

  /// Forgets the nb transactions in flight (e.g. after a test left some unfinished).
  /// Counters are kept.
  void reset();
  /// The checker has no signals: nothing to trace.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// transactions (b_transport), nb_transactions (BEGIN_REQ), debug_transactions,
  /// dmi_requests, dmi_invalidations, violations.
  const CounterSet& counters() const override { return counters_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  /// Payload rules on entry of b_transport / BEGIN_REQ; false (status set) when not to forward.
  bool check_request(const std::string& call, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void violation(const std::string& call, const std::string& what);

  // One nb transaction in flight through this hop.
  enum class Stage { request, request_ended, response };
  struct InFlight {
    std::uint64_t address;
    tlm::tlm_command command;
    unsigned char* data;
    unsigned length;
    unsigned char* byte_enable;
    unsigned byte_enable_length;
    unsigned streaming_width;
    Stage stage;
  };
  void check_fields(const std::string& call, const tlm::tlm_generic_payload& trans, const InFlight& f,
                    bool response);
  void begin_response(const std::string& call, const tlm::tlm_generic_payload& trans, InFlight& f);
  void finish(const tlm::tlm_generic_payload& trans);
  std::map<const tlm::tlm_generic_payload*, InFlight> in_flight_;
  const tlm::tlm_generic_payload* request_open_ = nullptr;   // in its request phase
  const tlm::tlm_generic_payload* response_open_ = nullptr;  // BEGIN_RESP sent, END_RESP not yet

  CounterSet counters_;
  std::size_t c_nb_transactions_, c_transactions_, c_debug_, c_dmi_requests_, c_dmi_invalidations_, c_violations_;
};

}  // namespace cimvp

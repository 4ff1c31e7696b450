// nb_transport for targets whose b_transport never waits: the base protocol's early
// completion (docs/modules.md#nb_transport).
#pragma once

#include <systemc>
#include <tlm>

#include <sstream>
#include <utility>

namespace cimvp {

/// Serves nb_transport_fw by the b_transport logic `serve(trans, delay)`:
///  BEGIN_REQ: runs `serve` at once (it must not wait), sets phase BEGIN_RESP and returns
///    TLM_COMPLETED: a legal early completion of the base protocol; the response status
///    is valid and `delay` carries the same annotation b_transport would have added.
///  any other phase (the target never sends END_REQ or BEGIN_RESP, so none can follow):
///    a protocol error of the initiator: SC_REPORT_WARNING of `msg_type` naming `who`,
///    TLM_GENERIC_ERROR_RESPONSE, TLM_COMPLETED, `serve` not run.
template <class Serve>
tlm::tlm_sync_enum complete_at_begin_req(const sc_core::sc_object& who, const char* msg_type,
                                         tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                         sc_core::sc_time& delay, Serve&& serve) {
  if (phase == tlm::BEGIN_REQ) {
    std::forward<Serve>(serve)(trans, delay);
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;
  }
  std::ostringstream os;
  os << who.name() << ": nb_transport_fw with phase " << phase
     << ": every request is completed at BEGIN_REQ, no other phase is expected";
  SC_REPORT_WARNING(msg_type, os.str().c_str());
  trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  return tlm::TLM_COMPLETED;
}

}  // namespace cimvp

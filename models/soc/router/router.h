// Address-decoding interconnect (docs/modules.md#router).
#pragma once

#include "cimvp/config.h"
#include "cimvp/core/counters.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <map>
#include <vector>

namespace cimvp {

/// Routes transactions from any number of initiators (bound to target_socket) to the
/// targets bound to initiator_socket: the i-th binding of initiator_socket is the target
/// of config.map[i], which sees addresses [base, base+size) as offsets [0, size).
///  b_transport: adds latency_ns, translates the address, forwards, restores the address.
///    A transaction that is not wholly inside one range gets TLM_ADDRESS_ERROR_RESPONSE
///    (latency_ns still added).
///  DMI: forwarded with the translated address; the answer is clipped to the range and
///    translated back to global addresses.  Unmapped: denied for the gap around the address.
///  invalidate_direct_mem_ptr from target i: clipped to its range, translated, sent to
///    every initiator.
///  transport_dbg: translated, length clipped to the range; unmapped -> 0 bytes.
///  nb_transport_fw (base protocol, docs/modules.md#nb_transport): BEGIN_REQ adds
///    latency_ns, decodes like b_transport and forwards with the translated address; an
///    unmapped or window-crossing request is answered at once: TLM_ADDRESS_ERROR_RESPONSE,
///    TLM_COMPLETED (phase BEGIN_RESP).  A transaction the target does not complete on the
///    call stays in flight: its later forward phases (END_RESP) go to the same target,
///    and nb_transport_bw from that target goes back to the initiator that sent it.  The
///    target sees its offset while the transaction is in flight; the initiator gets the
///    global address back whenever the call returns to it or the response reaches it.
///    A phase for a transaction not in flight: SC_REPORT_ERROR "cimvp/router",
///    TLM_GENERIC_ERROR_RESPONSE, TLM_COMPLETED.
class Router : public sc_core::sc_module, public Counted {
 public:
  tlm_utils::multi_passthrough_target_socket<Router> target_socket;
  tlm_utils::multi_passthrough_initiator_socket<Router> initiator_socket;

  /// Throws std::invalid_argument (naming the entries) for an empty map, a range of size 0,
  /// a range that wraps past 2^64, or two overlapping ranges.
  Router(sc_core::sc_module_name name, const RouterConfig& config);

  /// Index into config.map of the range holding `address`, or -1.
  int decode(std::uint64_t address) const;
  const RouterConfig& config() const { return config_; }

  /// The router has no signals: nothing to trace.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// Back to the state after elaboration: forgets the nb_transport transactions in flight
  /// (counters and the address map are kept).  Call between simulations.
  void reset() { in_flight_.clear(); }
  /// transactions, bytes, errors (unmapped), dmi_grants, dmi_invalidations.
  const CounterSet& counters() const override { return counters_; }

 private:
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  /// Extent check of b_transport and BEGIN_REQ: the map index serving the whole transaction, or -1.
  int route(const tlm::tlm_generic_payload& trans) const;
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end);
  void end_of_elaboration() override;
  int bound(int idx) const;

  struct InFlight {
    int initiator;         // target_socket index the request came from
    int target;            // index into config_.map / initiator_socket
    std::uint64_t global;  // the initiator's address
  };
  std::map<const tlm::tlm_generic_payload*, InFlight> in_flight_;  // nb transactions not completed

  const RouterConfig config_;
  std::vector<std::size_t> by_base_;  // indices into config_.map, sorted by base
  sc_core::sc_time latency_;
  std::size_t bound_targets_ = 0;  // initiator_socket bindings, known at end_of_elaboration
  CounterSet counters_;
  std::size_t c_transactions_, c_bytes_, c_errors_, c_dmi_grants_, c_dmi_invalidations_;
};

}  // namespace cimvp

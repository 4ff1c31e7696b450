// On-chip activation buffers of the CIM accelerator: double-buffered input and output
// halves behind one TLM-2.0 target window (docs/modules.md#activationbuffer,
// docs/cim-macro.md "Activation buffers").
#pragma once

#include "cimvp/cim/buffer/buffer_config.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Macro side of the activation buffers (exported by ActivationBuffer).
class cim_buffer_if : public virtual sc_core::sc_interface {
 public:
  /// Copies `len` bytes at window offset `offset` to `dst` and adds the access time
  /// (access_cycles + ⌈len / port_bytes⌉ clocks) to `delay`; false, with nothing copied
  /// and no delay, when [offset, offset + len) is empty or leaves the window.
  virtual bool macro_read(std::uint64_t offset, void* dst, std::size_t len, sc_core::sc_time& delay) = 0;
  /// The same for writing `len` bytes from `src`.
  virtual bool macro_write(std::uint64_t offset, const void* src, std::size_t len, sc_core::sc_time& delay) = 0;
  /// Layout of the window (halves, sizes).
  virtual const ActivationBufferConfig& layout() const = 0;
};

/// A byte array of ActivationBufferConfig::window_bytes() (input half 0, input half 1,
/// output half 0, output half 1) with two sides:
///  socket (bus side, offsets 0 .. size−1, the Router translates):
///    b_transport READ/WRITE add (access_cycles + ⌈len / port_bytes⌉) clocks to the delay;
///    IGNORE answers OK with no delay.  Errors (nothing transferred, no delay, counted):
///    range outside the window → TLM_ADDRESS_ERROR_RESPONSE, other commands →
///    TLM_COMMAND_ERROR_RESPONSE, length 0 or streaming width < length →
///    TLM_BURST_ERROR_RESPONSE, byte enables → TLM_BYTE_ENABLE_ERROR_RESPONSE, null data →
///    TLM_GENERIC_ERROR_RESPONSE.
///    nb_transport_fw: BEGIN_REQ is served like b_transport and returns TLM_COMPLETED with
///    the delay annotated (phase BEGIN_RESP); any other phase is a protocol error of the
///    initiator: warning, TLM_GENERIC_ERROR_RESPONSE, TLM_COMPLETED.
///    transport_dbg: same decode, no delay, no counters; copies the part inside the window.
///    get_direct_mem_ptr: with `dmi`, the whole window read/write, start 0, end size − 1,
///    latency access_cycles clocks per access; without, denied for [0, size − 1].
///  target_export (macro side, cim_buffer_if): local reads and writes of the macro.
/// Fill levels per half (bytes written by one side and not yet read by the other) are
/// signals, for VCD.  Reports use the message type "cimvp/activation_buffer".
class ActivationBuffer : public sc_core::sc_module, public cim_buffer_if, public Counted, public Priced {
 public:
  tlm_utils::simple_target_socket_optional<ActivationBuffer> socket;  ///< bus window (may stay unbound)
  sc_core::sc_export<cim_buffer_if> target_export;                     ///< macro side
  sc_core::sc_signal<std::uint32_t> in_fill0, in_fill1;    ///< bus-written bytes not yet read by the macro
  sc_core::sc_signal<std::uint32_t> out_fill0, out_fill1;  ///< macro-written bytes not yet read by the bus

  /// Throws std::invalid_argument for a bad config or clock_period_ns <= 0.
  ActivationBuffer(sc_core::sc_module_name name, const ActivationBufferConfig& config, double clock_period_ns);

  const ActivationBufferConfig& config() const { return config_; }
  std::uint64_t size() const { return config_.window_bytes(); }
  std::uint8_t* data() { return mem_.data(); }
  const std::uint8_t* data() const { return mem_.data(); }

  /// Back to the state after elaboration: contents and fill levels zero.  Counters are kept
  /// (they count the whole run), as for every module.
  void reset();
  /// Traces the four fill levels.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// bus_reads, bus_writes, bus_bytes_read, bus_bytes_written, macro_reads, macro_writes,
  /// macro_bytes_read, macro_bytes_written, dmi_grants, errors.
  const CounterSet& counters() const override { return counters_; }
  /// Scope platform: `buffer_read` / `buffer_write` per bit read / written by either side
  /// (tech line_buffer), area `buffer_bits` (the whole window).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

  // cim_buffer_if
  bool macro_read(std::uint64_t offset, void* dst, std::size_t len, sc_core::sc_time& delay) override;
  bool macro_write(std::uint64_t offset, const void* src, std::size_t len, sc_core::sc_time& delay) override;
  const ActivationBufferConfig& layout() const override { return config_; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void update_signals();  // SC_METHOD: the only writer of the fill signals

  bool inside(std::uint64_t offset, std::uint64_t len) const { return len > 0 && offset < size() && len <= size() - offset; }
  sc_core::sc_time access_time(std::uint64_t len) const;
  /// Moves `len` bytes at `offset` between the halves' fill levels: `by_bus` writes fill
  /// the input halves, macro reads drain them; macro writes fill the output halves, bus
  /// reads drain them.
  void account(std::uint64_t offset, std::uint64_t len, bool by_bus, bool write, const sc_core::sc_time& when);

  const ActivationBufferConfig config_;
  sc_core::sc_time clock_;
  std::vector<std::uint8_t> mem_;
  std::uint64_t fill_[4] = {0, 0, 0, 0};  // in0, in1, out0, out1
  sc_core::sc_event update_ev_;
  CounterSet counters_;
  std::size_t c_bus_reads_, c_bus_writes_, c_bus_bytes_read_, c_bus_bytes_written_, c_macro_reads_, c_macro_writes_,
      c_macro_bytes_read_, c_macro_bytes_written_, c_dmi_grants_, c_errors_;
};

}  // namespace cimvp

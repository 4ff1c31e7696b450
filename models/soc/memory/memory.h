// DRAM model: a flat byte array behind a TLM-2.0 target socket (docs/modules.md#memory).
#pragma once

#include "cimvp/config.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <cstdlib>
#include <memory>

namespace cimvp {

/// Loosely-timed memory.  Addresses are offsets 0 .. size-1 (the Router translates).
///  b_transport: READ/WRITE add read/write_latency_ns + length / bytes_per_ns to the delay;
///    IGNORE answers OK with no delay.  Errors (nothing is transferred, no delay added):
///    [address, address+length) outside the memory -> TLM_ADDRESS_ERROR_RESPONSE,
///    length 0 or streaming width < length          -> TLM_BURST_ERROR_RESPONSE,
///    byte enables (not supported)                   -> TLM_BYTE_ENABLE_ERROR_RESPONSE,
///    an injected fault (MemoryConfig::fault): a transaction touching [error_base,
///    error_base + error_bytes), or transactions error_after+1 .. error_after+error_count
///    (counting every b_transport / nb_transport since reset, reads and writes)
///                                                   -> TLM_GENERIC_ERROR_RESPONSE
///    (counter injected_errors; no DMI is granted while a fault is set).
///  DMI (MemoryConfig::dmi): whole memory, read+write, start 0, end size-1, latencies
///    read/write_latency_ns per access.
///  transport_dbg: no delay, no counters; copies the part inside the memory, returns its length.
class Memory : public sc_core::sc_module, public Counted, public Priced {
 public:
  tlm_utils::simple_target_socket<Memory> socket;

  /// Throws std::invalid_argument for size 0, negative latencies or bytes_per_ns <= 0.
  Memory(sc_core::sc_module_name name, const MemoryConfig& config);

  /// Backing store (zero-initialized), e.g. for the platform to preload data.
  std::uint8_t* data() { return mem_.get(); }
  const std::uint8_t* data() const { return mem_.get(); }
  std::uint64_t size() const { return config_.size_bytes; }
  const MemoryConfig& config() const { return config_; }

  /// The memory has no signals: nothing to trace.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// Back to the state after elaboration: every byte 0 (DMI pointers stay valid: the
  /// storage is cleared in place).  Counters are kept.
  void reset();
  /// reads, writes, bytes_read, bytes_written, dmi_grants, errors.
  const CounterSet& counters() const override { return counters_; }
  /// DRAM energy of the TLM transactions served: `dram_access` per read or write
  /// transaction, `dram_byte` per byte (ppa dram_energy_pj).  No area (off chip).  DMI
  /// accesses bypass the model: the initiators that use DMI price them.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);

  struct Free {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };

  const MemoryConfig config_;
  std::unique_ptr<std::uint8_t[], Free> mem_;
  sc_core::sc_time read_latency_, write_latency_;
  CounterSet counters_;
  /// Whether an injected fault fails this transaction (counts it).
  bool injected_error(std::uint64_t addr, std::uint64_t len);
  std::size_t c_reads_, c_writes_, c_bytes_read_, c_bytes_written_, c_dmi_grants_, c_errors_, c_injected_ = 0;
  std::uint64_t transactions_ = 0;  ///< b/nb transactions since reset (fault.error_after)
};

}  // namespace cimvp

// Firmware-like host CPU: runs a driver program written against cimvp::Hal on a
// loosely-timed TLM-2.0 initiator (docs/modules.md#host).
#pragma once

#include "cimvp/config.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"
#include "cimvp/core/hal.h"

#include "cimvp/core/bus_master.h"
#include "cimvp/core/trace_timeline.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <functional>
#include <string>

namespace cimvp {

/// Runs the program given to set_program() in one SC_THREAD.  Timing: the thread owns a
/// tlm_quantumkeeper (global quantum, never set here).  Every bus transaction is issued at
/// the current local time, its annotated delay is kept, then cycles_per_access *
/// clock_period_ns is added.  read32/write32 synchronize before the access (MMIO side
/// effects happen at the right time); block transfers synchronize only when the quantum
/// is used up; wait_irq synchronizes, then waits for the line to be high.
/// A TLM error response throws cimvp::BusError into the program; an exception that leaves
/// the program is reported as SC_REPORT_ERROR "cimvp/host" and sets failed().  When the
/// program returns, the thread synchronizes, sets finished() and ends.
class Host : public sc_core::sc_module, public Hal, public Counted, public Priced {
 public:
  tlm_utils::simple_initiator_socket<Host> socket;
  sc_core::sc_vector<sc_core::sc_in<bool>> irq;  ///< HostConfig::irq_lines interrupt inputs
  sc_core::sc_signal<bool> waiting_irq;          ///< high while the program is in wait_irq
  TraceTimeline timeline;                        ///< edges of bus_trace at the accesses' times
  BusTrace bus_trace;                            ///< bus_addr, bus_bytes, bus_cmd: each MMIO access

  /// Throws std::invalid_argument for clock_period_ns <= 0 or bus_width_bytes == 0.
  Host(sc_core::sc_module_name name, const HostConfig& config);

  /// The driver program; set before sc_start (std::logic_error once the simulation runs).
  void set_program(std::function<void(Hal&)> program);
  bool finished() const { return finished_; }  ///< the program returned normally
  bool failed() const { return failed_; }      ///< the program was stopped by an exception
  /// The exception was std::bad_alloc (an allocation failed; also sets failed()).
  bool out_of_memory() const { return out_of_memory_; }
  const std::string& error() const { return error_; }  ///< what stopped it ("" if none)
  /// sc_time_stamp() when the program returned or failed (after synchronizing).
  sc_core::sc_time finish_time() const { return finish_time_; }
  const HostConfig& config() const { return config_; }

  // Hal.  Only callable from the program (std::logic_error otherwise).
  std::uint32_t read32(std::uint64_t addr) override;
  void write32(std::uint64_t addr, std::uint32_t value) override;
  void wait_irq(unsigned line) override;
  void write_block(std::uint64_t addr, const void* src, std::size_t n) override;
  void read_block(std::uint64_t addr, void* dst, std::size_t n) override;
  sc_core::sc_time now() override;

  /// Traces waiting_irq.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// Forgets the outcome of the last program (finished / failed / error).  Counters and the
  /// installed program are kept.  Call only when the program is not running.
  void reset();
  /// reads, writes, bytes_read, bytes_written, irq_waits, errors.
  const CounterSet& counters() const override { return counters_; }
  /// The CPU core is not modelled (no area, no core energy); priced is the register
  /// traffic of its loads and stores: `register_write` per bit loaded (bytes_read · 8),
  /// `register_read` per bit stored (bytes_written · 8).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  void run();
  void check_context(const char* what) const;
  void transport(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned len, bool sync_first);

  const HostConfig config_;
  std::function<void(Hal&)> program_;
  tlm_utils::tlm_quantumkeeper qk_;
  tlm::tlm_generic_payload trans_;
  sc_core::sc_time access_cost_;
  sc_core::sc_process_handle thread_;
  bool finished_ = false;
  bool failed_ = false;
  bool out_of_memory_ = false;
  std::string error_;
  sc_core::sc_time finish_time_;
  CounterSet counters_;
  std::size_t c_reads_, c_writes_, c_bytes_read_, c_bytes_written_, c_irq_waits_, c_errors_;
};

}  // namespace cimvp

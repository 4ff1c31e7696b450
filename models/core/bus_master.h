// The burst loop of a cimvp bus master (docs/modules.md#busmaster): moves bytes between a
// local buffer and bus addresses, or from bus to bus, through its owner's initiator socket
// in bursts, with DMI when granted.  Used by HostDma and CimMacro.
#pragma once

#include "cimvp/core/counters.h"
#include "cimvp/core/dmi_cache.h"
#include "cimvp/core/trace_timeline.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cimvp {

struct BusMasterConfig {
  sc_core::sc_time clock = sc_core::sc_time(1, sc_core::SC_NS);  ///< one bus beat
  unsigned bus_width_bytes = 8;   ///< bytes per beat (>= 1)
  unsigned burst_bytes = 256;     ///< largest transaction (>= 1)
  bool use_dmi = true;            ///< use DMI where the target grants it
  /// Synchronise the quantum keeper after a burst when need_sync() (a long stand-alone
  /// transfer, HostDma).  Off when the owner measures bus time as a local-time difference
  /// and synchronises itself (CimMacro).
  bool sync_when_needed = false;
};

/// Events counted by a BusMaster (cumulative until reset_stats()).
struct BusStats {
  std::uint64_t tlm_reads = 0, tlm_writes = 0;    ///< TLM transactions that succeeded
  std::uint64_t dmi_reads = 0, dmi_writes = 0;    ///< bursts moved through DMI instead
  std::uint64_t bytes_read = 0, bytes_written = 0;
  std::uint64_t dmi_bytes_read = 0, dmi_bytes_written = 0;
  std::uint64_t dmi_grants = 0;                   ///< DMI regions obtained
  std::uint64_t bursts = 0;                       ///< bursts completed (a read + write pair for copy())
  std::uint64_t beats = 0;                        ///< bus beats of the completed bursts
};

/// Where the owner wants each BusStats field added in its CounterSet (index from
/// CounterSet::declare), `none` for fields it does not report.
struct BusCounterMap {
  static constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
  std::size_t tlm_reads = none, tlm_writes = none, dmi_reads = none, dmi_writes = none;
  std::size_t bytes_read = none, bytes_written = none, dmi_bytes_read = none, dmi_bytes_written = none;
  std::size_t dmi_grants = none, bursts = none, beats = none;
};

/// Outcome of a transfer.  On failure: the command, first address and length of the burst
/// whose TLM transaction got an error response, that response, and the bytes moved before
/// it.  Errors are returned, not thrown: the owner decides (HostDma sets ERR_CAUSE,
/// CimMacro raises its BUS_ERROR fault).
struct BusResult {
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  tlm::tlm_command cmd = tlm::TLM_IGNORE_COMMAND;
  std::uint64_t addr = 0;
  unsigned length = 0;
  std::uint64_t done = 0;
  bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
  /// "read of 256 bytes at 0x40000000 answered TLM_ADDRESS_ERROR_RESPONSE".
  std::string describe() const;
};

/// What an initiator is doing on the bus, as waveforms (docs/waveforms.md): one burst
/// (or one register access) from its start to its end, edges at the simulated times of
/// the owner's timeline.  Owned by the initiator module (its signals are the module's).
class BusTrace {
 public:
  /// bus_cmd values (GTKWave names them through the translate filter cimvp writes).
  enum Cmd : std::uint32_t { idle = 0, read = 1, write = 2, copy = 3, dmi = 4 /* added: through DMI */ };
  explicit BusTrace(TraceTimeline& timeline)
      : addr("bus_addr", 0), bytes("bus_bytes", 0), cmd("bus_cmd", idle), timeline_(timeline) {}
  sc_core::sc_signal<std::uint64_t> addr;   ///< bus address of the access (copy: the source)
  sc_core::sc_signal<std::uint32_t> bytes;  ///< bytes of the burst
  sc_core::sc_signal<std::uint32_t> cmd;    ///< Cmd, idle between accesses
  bool enabled() const { return timeline_.enabled(); }
  /// One access from `start` to `end` (absolute simulated times).
  void record(const sc_core::sc_time& start, const sc_core::sc_time& end, std::uint32_t c, std::uint64_t a,
              std::uint32_t n) {
    timeline_.at(start, addr, a);
    timeline_.at(start, bytes, n);
    timeline_.at(start, cmd, c);
    timeline_.at(end, cmd, static_cast<std::uint32_t>(idle));
  }
  /// Adds bus_addr, bus_bytes and bus_cmd under `owner` (nothing when tf is null).
  void trace(sc_core::sc_trace_file* tf, const sc_core::sc_object& owner) const;
  void reset() {
    addr.write(0);
    bytes.write(0);
    cmd.write(idle);
  }

 private:
  TraceTimeline& timeline_;
};

/// Owned by an initiator module; not a module itself (no sockets, no processes).
///
/// Burst loop: a transfer of `len` bytes is cut into bursts of at most burst_bytes.  Each
/// burst is one TLM b_transport (payload filled by prepare_payload, response checked) or,
/// when use_dmi and the target granted a DMI region holding the whole burst, one memcpy
/// (DmiCache asks the target once per unknown address).  Cost rule: every access adds its
/// latency to the owner's quantum keeper (the delay the target annotated, or the DMI read
/// or write latency), then every completed burst adds ⌈n / bus_width_bytes⌉ clocks — once
/// per burst, also when copy() reads and writes it.  A failing burst costs its access
/// latency but no beats and stops the transfer.
class BusMaster {
 public:
  /// `socket` and `qk` belong to the owner and must outlive this object.  Throws
  /// std::invalid_argument for bus_width_bytes or burst_bytes 0 or a zero clock.
  BusMaster(tlm::tlm_initiator_socket<>& socket, tlm_utils::tlm_quantumkeeper& qk, const BusMasterConfig& config);

  /// Also record every burst on `trace` (start to end of the burst, beats included).
  void trace_into(BusTrace& trace) { trace_ = &trace; }

  /// Also add the counted events to `counters` (indices in `map`).
  void count_into(CounterSet& counters, const BusCounterMap& map);

  /// Bus → local buffer.
  [[nodiscard]] BusResult read(std::uint64_t addr, void* dst, std::size_t len);
  /// Local buffer → bus.
  [[nodiscard]] BusResult write(std::uint64_t addr, const void* src, std::size_t len);
  /// Bus → bus through a burst-sized staging buffer: per burst a read, then a write.
  [[nodiscard]] BusResult copy(std::uint64_t src, std::uint64_t dst, std::uint64_t len);

  /// Forward the owner socket's invalidate_direct_mem_ptr here.
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) { dmi_.invalidate(start, end); }

  const BusStats& stats() const { return stats_; }
  void reset_stats() { stats_ = BusStats{}; }
  const BusMasterConfig& config() const { return config_; }

 private:
  struct Side {
    bool bus;
    std::uint64_t addr;      // bus side
    unsigned char* local;    // local side
  };
  BusResult run(const Side& src, const Side& dst, std::uint64_t len);
  bool access(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned n, BusResult& fail);
  void count(std::uint64_t BusStats::*field, std::size_t BusCounterMap::*index, std::uint64_t n);

  tlm::tlm_initiator_socket<>& socket_;
  tlm_utils::tlm_quantumkeeper& qk_;
  const BusMasterConfig config_;
  tlm::tlm_generic_payload trans_;
  DmiCache dmi_;
  std::vector<unsigned char> staging_;
  BusStats stats_;
  CounterSet* counters_ = nullptr;
  BusCounterMap map_;
  BusTrace* trace_ = nullptr;
  bool last_dmi_ = false;  // the last access() went through DMI
};

}  // namespace cimvp

// MMIO-programmed DMA engine that copies between bus addresses (docs/modules.md#hostdma,
// register map in docs/registers.md#hostdma).
#pragma once

#include "cimvp/config.h"
#include "cimvp/core/bus_master.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"
#include "cimvp/core/register_file.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <vector>

namespace cimvp {

/// HostDma register offsets (bytes from the MMIO window base).
namespace dma_reg {
constexpr std::uint32_t ID = 0x00;           ///< ro, reads dma_id
constexpr std::uint32_t VERSION = 0x04;      ///< ro, reads dma_version
constexpr std::uint32_t CTRL = 0x08;         ///< bit 0 START (self-clearing, reads 0)
constexpr std::uint32_t STATUS = 0x0C;       ///< BUSY ro, DONE w1c, ERROR w1c
constexpr std::uint32_t IRQ_ENABLE = 0x10;   ///< rw, bits as IRQ_STATUS
constexpr std::uint32_t IRQ_STATUS = 0x14;   ///< w1c; irq = |(IRQ_STATUS & IRQ_ENABLE)
constexpr std::uint32_t SRC_LO = 0x18;       ///< rw, source address bits 31..0
constexpr std::uint32_t SRC_HI = 0x1C;       ///< rw, source address bits 63..32
constexpr std::uint32_t DST_LO = 0x20;       ///< rw, destination address bits 31..0
constexpr std::uint32_t DST_HI = 0x24;       ///< rw, destination address bits 63..32
constexpr std::uint32_t LEN = 0x28;          ///< rw, bytes to copy
constexpr std::uint32_t ERR_ADDR_LO = 0x2C;  ///< ro, first address of the failing transaction
constexpr std::uint32_t ERR_ADDR_HI = 0x30;  ///< ro
constexpr std::uint32_t ERR_CAUSE = 0x34;    ///< ro, dma_err values
constexpr std::uint32_t WINDOW_BYTES = 0x40;  ///< size to map for the register window
}  // namespace dma_reg

/// HostDma register bits.
namespace dma_bit {
constexpr std::uint32_t CTRL_START = 1u << 0;
constexpr std::uint32_t STATUS_BUSY = 1u << 0;
constexpr std::uint32_t STATUS_DONE = 1u << 1;
constexpr std::uint32_t STATUS_ERROR = 1u << 2;
constexpr std::uint32_t IRQ_DONE = 1u << 0;   ///< IRQ_ENABLE / IRQ_STATUS
constexpr std::uint32_t IRQ_ERROR = 1u << 1;  ///< IRQ_ENABLE / IRQ_STATUS
}  // namespace dma_bit

/// ERR_CAUSE values.
namespace dma_err {
constexpr std::uint32_t NONE = 0;
constexpr std::uint32_t READ = 1;              ///< a read transaction got an error response
constexpr std::uint32_t WRITE = 2;             ///< a write transaction got an error response
constexpr std::uint32_t START_WHILE_BUSY = 3;  ///< START written during a transfer (ignored)
}  // namespace dma_err

constexpr std::uint32_t dma_id = 0x48444D41;       ///< "HDMA"
constexpr std::uint32_t dma_version = 0x00010000;  ///< 1.0

/// Copies LEN bytes from SRC to DST in bursts of burst_bytes through initiator_socket
/// (BusMaster::copy: TLM read then TLM write per burst; DMI instead when use_dmi and the
/// target grants it).
/// Timing: an accepted START takes effect at the MMIO write's annotated time; the copy
/// then costs setup_latency_ns + Σ_bursts [ceil(n/bus_width_bytes) * clock_period_ns
/// + read latency + write latency], the latencies being the delays annotated by the
/// targets (TLM) or the DMI read/write latencies (one access per burst).  The DMA thread
/// keeps its own quantum keeper and synchronizes before it sets DONE/ERROR, so irq rises
/// at exactly that time.  Every MMIO access adds one clock_period_ns.
class HostDma : public sc_core::sc_module, public Counted, public Priced {
 public:
  tlm_utils::simple_target_socket<HostDma> target_socket;        ///< MMIO registers
  tlm_utils::simple_initiator_socket<HostDma> initiator_socket;  ///< data moves
  sc_core::sc_out<bool> irq;                                     ///< |(IRQ_STATUS & IRQ_ENABLE)
  sc_core::sc_signal<bool> busy;                                 ///< STATUS.BUSY
  TraceTimeline timeline;  ///< edges of bus_trace at the bursts' simulated times
  BusTrace bus_trace;      ///< bus_addr, bus_bytes, bus_cmd: each burst of a transfer

  /// Throws std::invalid_argument for clock_period_ns <= 0, bus_width_bytes == 0,
  /// burst_bytes == 0 or setup_latency_ns < 0.
  HostDma(sc_core::sc_module_name name, const HostDmaConfig& config);

  const RegisterFile& registers() const { return regs_; }
  const HostDmaConfig& config() const { return config_; }

  /// Traces busy, irq and the bursts (bus_addr, bus_bytes, bus_cmd).
  void trace(sc_core::sc_trace_file* tf) const override;
  /// Back to the state after elaboration: registers at their reset values, no transfer
  /// pending, irq low, DMI grants dropped.  Counters are kept.  Call only while idle.
  void reset();
  /// transfers, bursts, reads, writes, dmi_reads, dmi_writes, bytes_read, bytes_written,
  /// dmi_grants, errors, irqs, mmio_reads, mmio_writes, dmi_bytes_read, dmi_bytes_written,
  /// beats (see docs/modules.md).
  const CounterSet& counters() const override { return counters_; }
  /// `dma_byte` per byte moved (bytes_written), `dram_access_dmi` / `dram_byte_dmi` for the
  /// DRAM traffic it did over DMI (the Memory cannot see it), `register_read` /
  /// `register_write` per 32-bit MMIO access, `clock` per active cycle (beats + MMIO
  /// accesses); area: one DMA engine + its registers (32 bits each).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  void start_requested();
  void finish(std::uint32_t cause, std::uint64_t addr, tlm::tlm_response_status status);

  void run();              // SC_THREAD: one transfer per accepted START
  void update_signals();   // SC_METHOD: the only writer of irq and busy

  RegisterFile regs_;
  const HostDmaConfig config_;
  sc_core::sc_event start_ev_, update_ev_;
  sc_core::sc_time clock_, setup_;
  sc_core::sc_time mmio_delay_;  // annotated time of the MMIO access being decoded
  std::uint64_t job_src_ = 0, job_dst_ = 0, job_len_ = 0;
  tlm_utils::tlm_quantumkeeper qk_;
  BusMaster bus_;  // the burst loop (copy: read + write per burst), DMI, counting
  bool irq_level_ = false;
  CounterSet counters_;
  std::size_t c_transfers_, c_bursts_, c_reads_, c_writes_, c_dmi_reads_, c_dmi_writes_, c_bytes_read_,
      c_bytes_written_, c_dmi_grants_, c_errors_, c_irqs_, c_mmio_reads_, c_mmio_writes_, c_dmi_bytes_read_,
      c_dmi_bytes_written_, c_beats_;
};

}  // namespace cimvp

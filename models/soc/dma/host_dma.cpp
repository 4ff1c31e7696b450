#include "cimvp/soc/dma/host_dma.h"

#include "cimvp/circuit/ppa_energy.h"

#include "cimvp/core/hal.h"
#include "cimvp/core/nb_complete.h"
#include "cimvp/core/trace_util.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
const HostDmaConfig& validated(const HostDmaConfig& c) {
  if (!(c.clock_period_ns > 0.0)) throw std::invalid_argument("HostDma: clock_period_ns must be > 0");
  if (c.bus_width_bytes == 0) throw std::invalid_argument("HostDma: bus_width_bytes must be > 0");
  if (c.burst_bytes == 0) throw std::invalid_argument("HostDma: burst_bytes must be > 0");
  if (!(c.setup_latency_ns >= 0.0)) throw std::invalid_argument("HostDma: setup_latency_ns must be >= 0");
  return c;
}
}  // namespace

HostDma::HostDma(sc_core::sc_module_name name, const HostDmaConfig& config)
    : sc_core::sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      irq("irq"),
      busy("busy", false),
      timeline("timeline"),
      bus_trace(timeline),
      config_(validated(config)),
      start_ev_("start_ev"),
      update_ev_("update_ev"),
      bus_(initiator_socket, qk_,
           BusMasterConfig{sc_core::sc_time(config.clock_period_ns, sc_core::SC_NS), config.bus_width_bytes,
                           config.burst_bytes, config.use_dmi, true}) {
  bus_.trace_into(bus_trace);
  using namespace dma_reg;
  using namespace dma_bit;
  auto signals = [this](std::uint32_t, std::uint32_t) { update_ev_.notify(mmio_delay_); };
  regs_.add({"ID", ID, dma_id, 0, 0, nullptr, nullptr});
  regs_.add({"VERSION", VERSION, dma_version, 0, 0, nullptr, nullptr});
  regs_.add({"CTRL", CTRL, 0, CTRL_START, 0, nullptr, [this](std::uint32_t, std::uint32_t now) {
               if (now & CTRL_START) {
                 regs_.clear_bits(CTRL, CTRL_START);
                 start_requested();
               }
             }, CTRL_START});  // a command bit: always reads 0, never stored by a debug write
  regs_.add({"STATUS", STATUS, 0, 0, STATUS_DONE | STATUS_ERROR, nullptr, nullptr});
  regs_.add({"IRQ_ENABLE", IRQ_ENABLE, 0, IRQ_DONE | IRQ_ERROR, 0, nullptr, signals});
  regs_.add({"IRQ_STATUS", IRQ_STATUS, 0, 0, IRQ_DONE | IRQ_ERROR, nullptr, signals});
  regs_.add({"SRC_LO", SRC_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"SRC_HI", SRC_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"DST_LO", DST_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"DST_HI", DST_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"LEN", LEN, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"ERR_ADDR_LO", ERR_ADDR_LO, 0, 0, 0, nullptr, nullptr});
  regs_.add({"ERR_ADDR_HI", ERR_ADDR_HI, 0, 0, 0, nullptr, nullptr});
  regs_.add({"ERR_CAUSE", ERR_CAUSE, 0, 0, 0, nullptr, nullptr});

  clock_ = sc_core::sc_time(config_.clock_period_ns, sc_core::SC_NS);
  setup_ = sc_core::sc_time(config_.setup_latency_ns, sc_core::SC_NS);

  target_socket.register_b_transport(this, &HostDma::b_transport);
  target_socket.register_nb_transport_fw(this, &HostDma::nb_transport_fw);
  target_socket.register_transport_dbg(this, &HostDma::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &HostDma::get_direct_mem_ptr);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &HostDma::invalidate_direct_mem_ptr);

  c_transfers_ = counters_.declare("transfers");
  c_bursts_ = counters_.declare("bursts");
  c_reads_ = counters_.declare("reads");
  c_writes_ = counters_.declare("writes");
  c_dmi_reads_ = counters_.declare("dmi_reads");
  c_dmi_writes_ = counters_.declare("dmi_writes");
  c_bytes_read_ = counters_.declare("bytes_read");
  c_bytes_written_ = counters_.declare("bytes_written");
  c_dmi_grants_ = counters_.declare("dmi_grants");
  c_errors_ = counters_.declare("errors");
  c_irqs_ = counters_.declare("irqs");
  c_mmio_reads_ = counters_.declare("mmio_reads");
  c_mmio_writes_ = counters_.declare("mmio_writes");
  c_dmi_bytes_read_ = counters_.declare("dmi_bytes_read");
  c_dmi_bytes_written_ = counters_.declare("dmi_bytes_written");
  c_beats_ = counters_.declare("beats");
  BusCounterMap map;
  map.tlm_reads = c_reads_;
  map.tlm_writes = c_writes_;
  map.dmi_reads = c_dmi_reads_;
  map.dmi_writes = c_dmi_writes_;
  map.bytes_read = c_bytes_read_;
  map.bytes_written = c_bytes_written_;
  map.dmi_bytes_read = c_dmi_bytes_read_;
  map.dmi_bytes_written = c_dmi_bytes_written_;
  map.dmi_grants = c_dmi_grants_;
  map.bursts = c_bursts_;
  map.beats = c_beats_;
  bus_.count_into(counters_, map);

  SC_HAS_PROCESS(HostDma);
  SC_THREAD(run);
  SC_METHOD(update_signals);
  sensitive << update_ev_;
}

void HostDma::reset() {
  regs_.reset();
  job_src_ = job_dst_ = job_len_ = 0;
  irq_level_ = false;
  timeline.clear();
  bus_trace.reset();
  bus_.invalidate_direct_mem_ptr(0, ~sc_dt::uint64{0});
  update_ev_.notify(sc_core::SC_ZERO_TIME);
}

void HostDma::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, busy, *this, "busy");
  trace_member(tf, irq, *this, "irq");
  bus_trace.trace(tf, *this);
  if (tf != nullptr) timeline.enable();
}

// ---- MMIO target -------------------------------------------------------------------

void HostDma::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  delay += clock_;
  mmio_delay_ = delay;
  const tlm::tlm_command cmd = trans.get_command();
  if (regs_.access(trans, false) == tlm::TLM_OK_RESPONSE)
    counters_.add(cmd == tlm::TLM_READ_COMMAND ? c_mmio_reads_ : c_mmio_writes_);
  trans.set_dmi_allowed(false);
}

tlm::tlm_sync_enum HostDma::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) {
  return complete_at_begin_req(*this, "cimvp/host_dma", trans, phase, delay,
                               [this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { b_transport(t, d); });
}

unsigned HostDma::transport_dbg(tlm::tlm_generic_payload& trans) {
  // a debug write never starts a transfer nor leaves START set (CTRL's pulse_mask)
  return regs_.access(trans, true) == tlm::TLM_OK_RESPONSE ? 4u : 0u;
}

bool HostDma::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_start_address(0);
  dmi.set_end_address(~static_cast<sc_dt::uint64>(0));
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
  return false;  // registers: never DMI
}

void HostDma::start_requested() {
  using namespace dma_reg;
  using namespace dma_bit;
  if (regs_.get(STATUS) & STATUS_BUSY) {
    regs_.set_bits(STATUS, STATUS_ERROR);
    regs_.set_bits(IRQ_STATUS, IRQ_ERROR);
    regs_.set(ERR_CAUSE, dma_err::START_WHILE_BUSY);
    counters_.add(c_errors_);
    update_ev_.notify(mmio_delay_);
    SC_REPORT_WARNING("cimvp/host_dma", (std::string(name()) + ": START written while busy: ignored").c_str());
    return;
  }
  job_src_ = static_cast<std::uint64_t>(regs_.get(SRC_HI)) << 32 | regs_.get(SRC_LO);
  job_dst_ = static_cast<std::uint64_t>(regs_.get(DST_HI)) << 32 | regs_.get(DST_LO);
  job_len_ = regs_.get(LEN);
  regs_.set_bits(STATUS, STATUS_BUSY);
  regs_.set(ERR_CAUSE, dma_err::NONE);
  start_ev_.notify(mmio_delay_);
  update_ev_.notify(mmio_delay_);
}

// ---- signals ----------------------------------------------------------------------

void HostDma::update_signals() {
  const bool level = (regs_.get(dma_reg::IRQ_STATUS) & regs_.get(dma_reg::IRQ_ENABLE)) != 0;
  if (level && !irq_level_) counters_.add(c_irqs_);
  irq_level_ = level;
  irq.write(level);
  busy.write((regs_.get(dma_reg::STATUS) & dma_bit::STATUS_BUSY) != 0);
}

// ---- transfer thread --------------------------------------------------------------

void HostDma::run() {
  for (;;) {
    sc_core::wait(start_ev_);
    qk_.reset();
    qk_.inc(setup_);
    const BusResult r = bus_.copy(job_src_, job_dst_, job_len_);
    if (r.ok())
      finish(dma_err::NONE, 0, tlm::TLM_OK_RESPONSE);
    else
      finish(r.cmd == tlm::TLM_READ_COMMAND ? dma_err::READ : dma_err::WRITE, r.addr, r.status);
  }
}

void HostDma::finish(std::uint32_t cause, std::uint64_t addr, tlm::tlm_response_status status) {
  using namespace dma_reg;
  using namespace dma_bit;
  qk_.sync();  // DONE/ERROR and irq at the exact completion time
  regs_.clear_bits(STATUS, STATUS_BUSY);
  if (cause == dma_err::NONE) {
    regs_.set_bits(STATUS, STATUS_DONE);
    regs_.set_bits(IRQ_STATUS, IRQ_DONE);
    counters_.add(c_transfers_);
  } else {
    regs_.set_bits(STATUS, STATUS_ERROR);
    regs_.set_bits(IRQ_STATUS, IRQ_ERROR);
    regs_.set(ERR_ADDR_LO, static_cast<std::uint32_t>(addr));
    regs_.set(ERR_ADDR_HI, static_cast<std::uint32_t>(addr >> 32));
    regs_.set(ERR_CAUSE, cause);
    counters_.add(c_errors_);
  }
  update_ev_.notify(sc_core::SC_ZERO_TIME);
  if (cause != dma_err::NONE) {
    std::ostringstream os;
    os << name() << ": " << (cause == dma_err::READ ? "read" : "write") << " at 0x" << std::hex << addr
       << " answered " << response_name(status) << ": transfer stopped";
    SC_REPORT_WARNING("cimvp/host_dma", os.str().c_str());
  }
}

void HostDma::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  bus_.invalidate_direct_mem_ptr(start, end);
}

void HostDma::price(const TechParams& tech, PpaLedger& ledger) const {
  const auto n = [this](std::size_t c) { return counters_.values()[c].second; };
  const std::uint64_t moved = n(c_bytes_written_);
  const std::uint64_t dmi_accesses = n(c_dmi_reads_) + n(c_dmi_writes_);
  const std::uint64_t dmi_bytes = n(c_dmi_bytes_read_) + n(c_dmi_bytes_written_);
  constexpr std::uint64_t kRegBits = 32;
  ledger.add_event("dma_byte", moved, dma_energy_pj(tech, moved));
  ledger.add_event("dram_access_dmi", dmi_accesses, dram_energy_pj(tech, dmi_accesses, 0));
  ledger.add_event("dram_byte_dmi", dmi_bytes, dram_energy_pj(tech, 0, dmi_bytes));
  ledger.add_event("register_read", n(c_mmio_reads_),
                   static_cast<double>(n(c_mmio_reads_)) * storage_read_energy_pj(tech.reg, kRegBits));
  ledger.add_event("register_write", n(c_mmio_writes_),
                   static_cast<double>(n(c_mmio_writes_)) * storage_write_energy_pj(tech.reg, kRegBits));
  const std::uint64_t cycles = n(c_beats_) + n(c_mmio_reads_) + n(c_mmio_writes_);
  ledger.add_event("clock", cycles, clock_energy_pj(tech, cycles));
  ledger.add_area("dma_engine", 1, tech.dma_byte.area_um2);
  ledger.add_area("register_bits", regs_.registers().size() * kRegBits, tech.reg.area_um2_per_bit);
}

}  // namespace cimvp

#include "cimvp/soc/host/host.h"
#include "cimvp/core/payload.h"

#include "cimvp/circuit/ppa_energy.h"

#include "cimvp/core/trace_util.h"

#include <algorithm>
#include <stdexcept>

namespace cimvp {

namespace {
const HostConfig& validated(const HostConfig& c) {
  if (!(c.clock_period_ns > 0.0)) throw std::invalid_argument("Host: clock_period_ns must be > 0");
  if (c.bus_width_bytes == 0) throw std::invalid_argument("Host: bus_width_bytes must be > 0");
  return c;
}
}  // namespace

Host::Host(sc_core::sc_module_name name, const HostConfig& config)
    : sc_core::sc_module(name),
      socket("socket"),
      irq("irq", validated(config).irq_lines),
      waiting_irq("waiting_irq", false),
      timeline("timeline"),
      bus_trace(timeline),
      config_(config) {
  access_cost_ = sc_core::sc_time(config_.clock_period_ns * config_.cycles_per_access, sc_core::SC_NS);
  c_reads_ = counters_.declare("reads");
  c_writes_ = counters_.declare("writes");
  c_bytes_read_ = counters_.declare("bytes_read");
  c_bytes_written_ = counters_.declare("bytes_written");
  c_irq_waits_ = counters_.declare("irq_waits");
  c_errors_ = counters_.declare("errors");
  SC_HAS_PROCESS(Host);
  SC_THREAD(run);
}

void Host::set_program(std::function<void(Hal&)> program) {
  if (sc_core::sc_is_running())
    throw std::logic_error(std::string(name()) + ": set_program() must be called before sc_start()");
  program_ = std::move(program);
}

void Host::reset() {
  finished_ = failed_ = out_of_memory_ = false;
  error_.clear();
  finish_time_ = sc_core::SC_ZERO_TIME;
  timeline.clear();
  bus_trace.reset();
}

void Host::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, waiting_irq, *this, "waiting_irq");
  bus_trace.trace(tf, *this);
  if (tf != nullptr) timeline.enable();
}

void Host::run() {
  thread_ = sc_core::sc_get_current_process_handle();
  qk_.reset();
  try {
    if (program_) program_(*this);
    qk_.sync();
    finished_ = true;
    finish_time_ = sc_core::sc_time_stamp();
  } catch (const sc_core::sc_unwind_exception&) {
    throw;  // process kill/reset: never swallow
  } catch (const sc_core::sc_report&) {
    failed_ = true;  // a SystemC error raised below us: keep its own report
    finish_time_ = sc_core::sc_time_stamp();
    throw;
  } catch (const std::bad_alloc& e) {
    failed_ = out_of_memory_ = true;
    error_ = std::string("out of memory (") + e.what() + ")";
    finish_time_ = sc_core::sc_time_stamp();
    SC_REPORT_ERROR("cimvp/host", ("program stopped: " + error_).c_str());
  } catch (const std::exception& e) {
    failed_ = true;
    error_ = e.what();
    finish_time_ = sc_core::sc_time_stamp();
    SC_REPORT_ERROR("cimvp/host", ("program stopped: " + error_).c_str());
  }
}

void Host::check_context(const char* what) const {
  if (!thread_.valid() || sc_core::sc_get_current_process_handle() != thread_)
    throw std::logic_error(std::string(name()) + ": " + what + " called outside the host program");
}

void Host::transport(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned len,
                     bool sync_first) {
  if (sync_first) qk_.sync();
  prepare_payload(trans_, cmd, addr, data, len);
  sc_core::sc_time delay = qk_.get_local_time();
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  socket->b_transport(trans_, delay);
  qk_.set(delay);
  qk_.inc(access_cost_);
  if (bus_trace.enabled())
    bus_trace.record(start, sc_core::sc_time_stamp() + qk_.get_local_time(),
                     cmd == tlm::TLM_READ_COMMAND ? BusTrace::read : BusTrace::write, addr, len);
  if (trans_.is_response_error()) {
    counters_.add(c_errors_);
    throw BusError(addr, cmd, trans_.get_response_status());
  }
  if (cmd == tlm::TLM_READ_COMMAND) {
    counters_.add(c_reads_);
    counters_.add(c_bytes_read_, len);
  } else {
    counters_.add(c_writes_);
    counters_.add(c_bytes_written_, len);
  }
  if (qk_.need_sync()) qk_.sync();
}

std::uint32_t Host::read32(std::uint64_t addr) {
  check_context("read32");
  unsigned char b[4];
  transport(tlm::TLM_READ_COMMAND, addr, b, 4, true);
  return static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
         static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
}

void Host::write32(std::uint64_t addr, std::uint32_t value) {
  check_context("write32");
  unsigned char b[4] = {static_cast<unsigned char>(value), static_cast<unsigned char>(value >> 8),
                        static_cast<unsigned char>(value >> 16), static_cast<unsigned char>(value >> 24)};
  transport(tlm::TLM_WRITE_COMMAND, addr, b, 4, true);
}

void Host::write_block(std::uint64_t addr, const void* src, std::size_t n) {
  check_context("write_block");
  // TLM payloads carry non-const data pointers; a write never modifies them.
  auto* p = static_cast<unsigned char*>(const_cast<void*>(src));
  const std::uint64_t w = config_.bus_width_bytes;
  while (n > 0) {
    const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, w - addr % w));
    transport(tlm::TLM_WRITE_COMMAND, addr, p, static_cast<unsigned>(chunk), false);
    addr += chunk;
    p += chunk;
    n -= chunk;
  }
}

void Host::read_block(std::uint64_t addr, void* dst, std::size_t n) {
  check_context("read_block");
  auto* p = static_cast<unsigned char*>(dst);
  const std::uint64_t w = config_.bus_width_bytes;
  while (n > 0) {
    const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(n, w - addr % w));
    transport(tlm::TLM_READ_COMMAND, addr, p, static_cast<unsigned>(chunk), false);
    addr += chunk;
    p += chunk;
    n -= chunk;
  }
}

void Host::wait_irq(unsigned line) {
  check_context("wait_irq");
  if (line >= irq.size())
    throw std::out_of_range(std::string(name()) + ": wait_irq(" + std::to_string(line) + "): only " +
                            std::to_string(irq.size()) + " interrupt lines");
  counters_.add(c_irq_waits_);
  qk_.sync();
  if (!irq[line].read()) {
    waiting_irq.write(true);
    while (!irq[line].read()) sc_core::wait(irq[line].value_changed_event());
    waiting_irq.write(false);
  }
  qk_.reset();  // the next quantum starts now
}

sc_core::sc_time Host::now() { return qk_.get_current_time(); }

void Host::price(const TechParams& tech, PpaLedger& ledger) const {
  const std::uint64_t loaded = counters_.values()[c_bytes_read_].second * 8;
  const std::uint64_t stored = counters_.values()[c_bytes_written_].second * 8;
  ledger.add_event("register_write", loaded, storage_write_energy_pj(tech.reg, loaded));
  ledger.add_event("register_read", stored, storage_read_energy_pj(tech.reg, stored));
}

}  // namespace cimvp

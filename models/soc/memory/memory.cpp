#include "cimvp/soc/memory/memory.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/core/nb_complete.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>

namespace cimvp {

void Memory::reset() {
  std::memset(mem_.get(), 0, config_.size_bytes);
  transactions_ = 0;
}

namespace {
/// An allocation failure that says what was being allocated (still a std::bad_alloc).
class AllocationFailed : public std::bad_alloc {
 public:
  explicit AllocationFailed(std::string what) : what_(std::move(what)) {}
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

const MemoryConfig& validated(const MemoryConfig& c) {
  if (c.size_bytes == 0) throw std::invalid_argument("Memory: size_bytes must be > 0");
  if (!(c.read_latency_ns >= 0.0) || !(c.write_latency_ns >= 0.0))
    throw std::invalid_argument("Memory: read_latency_ns and write_latency_ns must be >= 0");
  if (!(c.bytes_per_ns > 0.0)) throw std::invalid_argument("Memory: bytes_per_ns must be > 0");
  if (c.fault.error_bytes > 0 && c.fault.error_base + c.fault.error_bytes < c.fault.error_base)
    throw std::invalid_argument("Memory: fault.error_base + fault.error_bytes runs past the 64-bit space");
  return c;
}
}  // namespace

Memory::Memory(sc_core::sc_module_name name, const MemoryConfig& config)
    : sc_core::sc_module(name), socket("socket"), config_(validated(config)) {
  // calloc: large memories get zero pages lazily from the OS instead of a memset.
  mem_.reset(static_cast<std::uint8_t*>(std::calloc(config_.size_bytes, 1)));
  if (!mem_) throw AllocationFailed(std::string(this->name()) + ": cannot allocate " +
                                    std::to_string(config_.size_bytes) + " bytes (memory.size_bytes)");
  read_latency_ = sc_core::sc_time(config_.read_latency_ns, sc_core::SC_NS);
  write_latency_ = sc_core::sc_time(config_.write_latency_ns, sc_core::SC_NS);
  socket.register_b_transport(this, &Memory::b_transport);
  socket.register_nb_transport_fw(this, &Memory::nb_transport_fw);
  socket.register_transport_dbg(this, &Memory::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &Memory::get_direct_mem_ptr);
  c_reads_ = counters_.declare("reads");
  c_writes_ = counters_.declare("writes");
  c_bytes_read_ = counters_.declare("bytes_read");
  c_bytes_written_ = counters_.declare("bytes_written");
  c_dmi_grants_ = counters_.declare("dmi_grants");
  c_errors_ = counters_.declare("errors");
  c_injected_ = counters_.declare("injected_errors");
}

void Memory::trace(sc_core::sc_trace_file*) const {}

void Memory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const std::uint64_t len = trans.get_data_length();
  const tlm::tlm_command cmd = trans.get_command();
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  if (addr >= config_.size_bytes || len > config_.size_bytes - addr)
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  else if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND && cmd != tlm::TLM_IGNORE_COMMAND)
    status = tlm::TLM_COMMAND_ERROR_RESPONSE;
  else if (len == 0 || trans.get_streaming_width() < len)
    status = tlm::TLM_BURST_ERROR_RESPONSE;
  else if (trans.get_byte_enable_ptr() != nullptr)
    status = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  else if (trans.get_data_ptr() == nullptr && cmd != tlm::TLM_IGNORE_COMMAND)
    status = tlm::TLM_GENERIC_ERROR_RESPONSE;
  else if (injected_error(addr, len))
    status = tlm::TLM_GENERIC_ERROR_RESPONSE;
  if (status != tlm::TLM_OK_RESPONSE) {
    counters_.add(c_errors_);
    trans.set_response_status(status);
    return;
  }
  const double stream_ns = static_cast<double>(len) / config_.bytes_per_ns;
  if (cmd == tlm::TLM_READ_COMMAND) {
    std::memcpy(trans.get_data_ptr(), mem_.get() + addr, len);
    delay += read_latency_ + sc_core::sc_time(stream_ns, sc_core::SC_NS);
    counters_.add(c_reads_);
    counters_.add(c_bytes_read_, len);
  } else if (cmd == tlm::TLM_WRITE_COMMAND) {
    std::memcpy(mem_.get() + addr, trans.get_data_ptr(), len);
    delay += write_latency_ + sc_core::sc_time(stream_ns, sc_core::SC_NS);
    counters_.add(c_writes_);
    counters_.add(c_bytes_written_, len);
  }
  trans.set_dmi_allowed(config_.dmi && !config_.fault.any());
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool Memory::injected_error(std::uint64_t addr, std::uint64_t len) {
  const MemoryFaultConfig& f = config_.fault;
  if (!f.any()) return false;
  const std::uint64_t n = transactions_++;
  bool fail = f.error_count > 0 && n >= f.error_after && n - f.error_after < f.error_count;
  if (f.error_bytes > 0 && addr < f.error_base + f.error_bytes && f.error_base < addr + len) fail = true;
  if (fail) counters_.add(c_injected_);
  return fail;
}

tlm::tlm_sync_enum Memory::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) {
  return complete_at_begin_req(*this, "cimvp/memory", trans, phase, delay,
                               [this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { b_transport(t, d); });
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const tlm::tlm_command cmd = trans.get_command();
  if (addr >= config_.size_bytes || trans.get_data_ptr() == nullptr ||
      (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND))
    return 0;
  const std::uint64_t n = std::min<std::uint64_t>(trans.get_data_length(), config_.size_bytes - addr);
  if (cmd == tlm::TLM_READ_COMMAND)
    std::memcpy(trans.get_data_ptr(), mem_.get() + addr, n);
  else
    std::memcpy(mem_.get() + addr, trans.get_data_ptr(), n);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return static_cast<unsigned>(n);
}

bool Memory::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  if (addr >= config_.size_bytes) {
    // Denied for everything above the memory.
    dmi.set_start_address(config_.size_bytes);
    dmi.set_end_address(std::numeric_limits<std::uint64_t>::max());
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  if (!config_.dmi || config_.fault.any()) {
    dmi.set_start_address(0);
    dmi.set_end_address(config_.size_bytes - 1);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  dmi.set_dmi_ptr(mem_.get());
  dmi.set_start_address(0);
  dmi.set_end_address(config_.size_bytes - 1);
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
  dmi.set_read_latency(read_latency_);
  dmi.set_write_latency(write_latency_);
  counters_.add(c_dmi_grants_);
  return true;
}

void Memory::price(const TechParams& tech, PpaLedger& ledger) const {
  const std::uint64_t accesses = counters_.values()[c_reads_].second + counters_.values()[c_writes_].second;
  const std::uint64_t bytes =
      counters_.values()[c_bytes_read_].second + counters_.values()[c_bytes_written_].second;
  ledger.add_event("dram_access", accesses, dram_energy_pj(tech, accesses, 0));
  ledger.add_event("dram_byte", bytes, dram_energy_pj(tech, 0, bytes));
}

}  // namespace cimvp

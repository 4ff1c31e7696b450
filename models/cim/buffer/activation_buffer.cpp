#include "cimvp/cim/buffer/activation_buffer.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/core/trace_util.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
const ActivationBufferConfig& validated(const ActivationBufferConfig& c, double clock_period_ns) {
  c.validate();
  if (!(clock_period_ns > 0.0)) throw std::invalid_argument("ActivationBuffer: clock_period_ns must be > 0");
  return c;
}
}  // namespace

ActivationBuffer::ActivationBuffer(sc_core::sc_module_name name, const ActivationBufferConfig& config,
                                   double clock_period_ns)
    : sc_core::sc_module(name),
      socket("socket"),
      target_export("target_export"),
      in_fill0("in_fill0", 0),
      in_fill1("in_fill1", 0),
      out_fill0("out_fill0", 0),
      out_fill1("out_fill1", 0),
      config_(validated(config, clock_period_ns)),
      clock_(clock_period_ns, sc_core::SC_NS),
      mem_(config_.window_bytes(), 0),
      update_ev_("update_ev") {
  target_export.bind(*this);
  socket.register_b_transport(this, &ActivationBuffer::b_transport);
  socket.register_nb_transport_fw(this, &ActivationBuffer::nb_transport_fw);
  socket.register_transport_dbg(this, &ActivationBuffer::transport_dbg);
  socket.register_get_direct_mem_ptr(this, &ActivationBuffer::get_direct_mem_ptr);
  c_bus_reads_ = counters_.declare("bus_reads");
  c_bus_writes_ = counters_.declare("bus_writes");
  c_bus_bytes_read_ = counters_.declare("bus_bytes_read");
  c_bus_bytes_written_ = counters_.declare("bus_bytes_written");
  c_macro_reads_ = counters_.declare("macro_reads");
  c_macro_writes_ = counters_.declare("macro_writes");
  c_macro_bytes_read_ = counters_.declare("macro_bytes_read");
  c_macro_bytes_written_ = counters_.declare("macro_bytes_written");
  c_dmi_grants_ = counters_.declare("dmi_grants");
  c_errors_ = counters_.declare("errors");
  SC_HAS_PROCESS(ActivationBuffer);
  SC_METHOD(update_signals);
  sensitive << update_ev_;
  dont_initialize();
}

void ActivationBuffer::reset() {
  std::fill(mem_.begin(), mem_.end(), std::uint8_t{0});
  std::fill(std::begin(fill_), std::end(fill_), std::uint64_t{0});
  update_ev_.notify(sc_core::SC_ZERO_TIME);
}

void ActivationBuffer::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, in_fill0, *this, "in_fill0");
  trace_member(tf, in_fill1, *this, "in_fill1");
  trace_member(tf, out_fill0, *this, "out_fill0");
  trace_member(tf, out_fill1, *this, "out_fill1");
}

void ActivationBuffer::update_signals() {
  const auto clip = [](std::uint64_t v) { return static_cast<std::uint32_t>(std::min<std::uint64_t>(v, 0xFFFFFFFFu)); };
  in_fill0.write(clip(fill_[0]));
  in_fill1.write(clip(fill_[1]));
  out_fill0.write(clip(fill_[2]));
  out_fill1.write(clip(fill_[3]));
}

sc_core::sc_time ActivationBuffer::access_time(std::uint64_t len) const {
  const std::uint64_t beats = (len + config_.port_bytes - 1) / config_.port_bytes;
  return clock_ * static_cast<double>(config_.access_cycles + beats);
}

void ActivationBuffer::account(std::uint64_t offset, std::uint64_t len, bool by_bus, bool write,
                               const sc_core::sc_time& when) {
  const std::uint64_t I = config_.input_half_bytes, O = config_.output_half_bytes;
  const std::uint64_t starts[4] = {0, I, 2 * I, 2 * I + O}, sizes[4] = {I, I, O, O};
  bool changed = false;
  for (int h = 0; h < 4; ++h) {
    const std::uint64_t lo = std::max(offset, starts[h]), hi = std::min(offset + len, starts[h] + sizes[h]);
    if (lo >= hi) continue;
    const bool input = h < 2;
    // producer: the bus for the input halves, the macro for the output halves
    const bool producer = input == by_bus;
    if (producer && write) {
      fill_[h] = std::min(sizes[h], fill_[h] + (hi - lo));
      changed = true;
    } else if (!producer && !write) {
      fill_[h] -= std::min(fill_[h], hi - lo);
      changed = true;
    }
  }
  if (changed) update_ev_.notify(when);
}

// ---- bus side ---------------------------------------------------------------------------

void ActivationBuffer::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t addr = trans.get_address();
  const std::uint64_t len = trans.get_data_length();
  const tlm::tlm_command cmd = trans.get_command();
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  if (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND && cmd != tlm::TLM_IGNORE_COMMAND)
    status = tlm::TLM_COMMAND_ERROR_RESPONSE;
  else if (len == 0 || trans.get_streaming_width() < len)
    status = tlm::TLM_BURST_ERROR_RESPONSE;
  else if (!inside(addr, len))
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  else if (trans.get_byte_enable_ptr() != nullptr)
    status = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  else if (trans.get_data_ptr() == nullptr && cmd != tlm::TLM_IGNORE_COMMAND)
    status = tlm::TLM_GENERIC_ERROR_RESPONSE;
  trans.set_dmi_allowed(config_.dmi && status == tlm::TLM_OK_RESPONSE);
  if (status != tlm::TLM_OK_RESPONSE) {
    counters_.add(c_errors_);
    trans.set_response_status(status);
    return;
  }
  if (cmd == tlm::TLM_READ_COMMAND) {
    std::memcpy(trans.get_data_ptr(), mem_.data() + addr, len);
    delay += access_time(len);
    counters_.add(c_bus_reads_);
    counters_.add(c_bus_bytes_read_, len);
    account(addr, len, true, false, delay);
  } else if (cmd == tlm::TLM_WRITE_COMMAND) {
    std::memcpy(mem_.data() + addr, trans.get_data_ptr(), len);
    delay += access_time(len);
    counters_.add(c_bus_writes_);
    counters_.add(c_bus_bytes_written_, len);
    account(addr, len, true, true, delay);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

tlm::tlm_sync_enum ActivationBuffer::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                     sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    b_transport(trans, delay);  // served at once: the response is complete on return
    phase = tlm::BEGIN_RESP;
    return tlm::TLM_COMPLETED;
  }
  std::ostringstream os;
  os << name() << ": nb_transport_fw with phase " << phase
     << ": every request is completed at BEGIN_REQ, no other phase is expected";
  SC_REPORT_WARNING("cimvp/activation_buffer", os.str().c_str());
  trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  counters_.add(c_errors_);
  return tlm::TLM_COMPLETED;
}

unsigned ActivationBuffer::transport_dbg(tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const tlm::tlm_command cmd = trans.get_command();
  if (addr >= size() || trans.get_data_ptr() == nullptr ||
      (cmd != tlm::TLM_READ_COMMAND && cmd != tlm::TLM_WRITE_COMMAND))
    return 0;
  const std::uint64_t n = std::min<std::uint64_t>(trans.get_data_length(), size() - addr);
  if (cmd == tlm::TLM_READ_COMMAND)
    std::memcpy(trans.get_data_ptr(), mem_.data() + addr, n);
  else
    std::memcpy(mem_.data() + addr, trans.get_data_ptr(), n);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return static_cast<unsigned>(n);
}

bool ActivationBuffer::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  if (addr >= size()) {
    dmi.set_start_address(size());
    dmi.set_end_address(~static_cast<sc_dt::uint64>(0));
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  dmi.set_start_address(0);
  dmi.set_end_address(size() - 1);
  if (!config_.dmi) {
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  dmi.set_dmi_ptr(mem_.data());
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
  dmi.set_read_latency(clock_ * static_cast<double>(config_.access_cycles));
  dmi.set_write_latency(clock_ * static_cast<double>(config_.access_cycles));
  counters_.add(c_dmi_grants_);
  return true;
}

// ---- macro side -------------------------------------------------------------------------

bool ActivationBuffer::macro_read(std::uint64_t offset, void* dst, std::size_t len, sc_core::sc_time& delay) {
  if (!inside(offset, len) || dst == nullptr) return false;
  std::memcpy(dst, mem_.data() + offset, len);
  delay += access_time(len);
  counters_.add(c_macro_reads_);
  counters_.add(c_macro_bytes_read_, len);
  account(offset, len, false, false, delay);
  return true;
}

bool ActivationBuffer::macro_write(std::uint64_t offset, const void* src, std::size_t len, sc_core::sc_time& delay) {
  if (!inside(offset, len) || src == nullptr) return false;
  std::memcpy(mem_.data() + offset, src, len);
  delay += access_time(len);
  counters_.add(c_macro_writes_);
  counters_.add(c_macro_bytes_written_, len);
  account(offset, len, false, true, delay);
  return true;
}

// ---- pricing ----------------------------------------------------------------------------

void ActivationBuffer::price(const TechParams& tech, PpaLedger& ledger) const {
  const auto n = [this](std::size_t c) { return counters_.values()[c].second; };
  const std::uint64_t read_bits = 8 * (n(c_bus_bytes_read_) + n(c_macro_bytes_read_));
  const std::uint64_t written_bits = 8 * (n(c_bus_bytes_written_) + n(c_macro_bytes_written_));
  ledger.add_event("buffer_read", read_bits, storage_read_energy_pj(tech.line_buffer, read_bits));
  ledger.add_event("buffer_write", written_bits, storage_write_energy_pj(tech.line_buffer, written_bits));
  ledger.add_area("buffer_bits", 8 * size(), tech.line_buffer.area_um2_per_bit);
}

}  // namespace cimvp

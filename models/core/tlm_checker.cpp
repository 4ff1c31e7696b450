#include "cimvp/core/tlm_checker.h"

#include "cimvp/core/hal.h"

#include <sstream>

namespace cimvp {

namespace {
std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

bool valid_command(tlm::tlm_command c) {
  return c == tlm::TLM_READ_COMMAND || c == tlm::TLM_WRITE_COMMAND || c == tlm::TLM_IGNORE_COMMAND;
}

std::string command_text(tlm::tlm_command c) {
  return valid_command(c) ? command_name(c) : "command " + std::to_string(static_cast<int>(c));
}

// "write 0x10, 4 bytes": identifies the call in a message.
std::string call_text(const char* call, const tlm::tlm_generic_payload& t) {
  return std::string(call) + "(" + command_text(t.get_command()) + " " + hex(t.get_address()) + ", " +
         std::to_string(t.get_data_length()) + " bytes)";
}

struct Snapshot {
  explicit Snapshot(const tlm::tlm_generic_payload& t)
      : address(t.get_address()),
        command(t.get_command()),
        data(t.get_data_ptr()),
        length(t.get_data_length()),
        byte_enable(t.get_byte_enable_ptr()),
        byte_enable_length(t.get_byte_enable_length()),
        streaming_width(t.get_streaming_width()) {}
  std::uint64_t address;
  tlm::tlm_command command;
  unsigned char* data;
  unsigned length;
  unsigned char* byte_enable;
  unsigned byte_enable_length;
  unsigned streaming_width;
};
}  // namespace

TlmChecker::TlmChecker(sc_core::sc_module_name name)
    : sc_core::sc_module(name), target_socket("target_socket"), initiator_socket("initiator_socket") {
  target_socket.register_b_transport(this, &TlmChecker::b_transport);
  target_socket.register_transport_dbg(this, &TlmChecker::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &TlmChecker::get_direct_mem_ptr);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &TlmChecker::invalidate_direct_mem_ptr);
  c_transactions_ = counters_.declare("transactions");
  c_debug_ = counters_.declare("debug_transactions");
  c_dmi_requests_ = counters_.declare("dmi_requests");
  c_dmi_invalidations_ = counters_.declare("dmi_invalidations");
  c_violations_ = counters_.declare("violations");
}

std::uint64_t TlmChecker::checked() const {
  return counters_.get("transactions") + counters_.get("debug_transactions") + counters_.get("dmi_requests") +
         counters_.get("dmi_invalidations");
}

void TlmChecker::trace(sc_core::sc_trace_file*) const {}

void TlmChecker::violation(const std::string& call, const std::string& what) {
  counters_.add(c_violations_);
  SC_REPORT_ERROR("cimvp/tlm_checker", (std::string(name()) + ": " + call + ": " + what).c_str());
}

void TlmChecker::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  counters_.add(c_transactions_);
  const std::string call = call_text("b_transport", trans);
  const Snapshot before(trans);
  const sc_core::sc_time delay_before = delay;

  if (trans.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(call, std::string("response status on entry is ") + response_name(trans.get_response_status()) +
                        ", must be TLM_INCOMPLETE_RESPONSE");
  const bool command_ok = valid_command(before.command);
  if (!command_ok) violation(call, "command is not READ, WRITE or IGNORE");
  if (before.data == nullptr) violation(call, "data pointer is null");
  if (before.length == 0) violation(call, "data length is 0");
  if (before.byte_enable != nullptr) {
    if (before.byte_enable_length == 0)
      violation(call, "byte-enable pointer set but byte-enable length is 0");
    for (unsigned i = 0; i < before.byte_enable_length; ++i)
      if (before.byte_enable[i] != 0x00 && before.byte_enable[i] != 0xff) {
        violation(call, "byte enable [" + std::to_string(i) + "] is " + hex(before.byte_enable[i]) +
                            ", must be 0x0 or 0xff");
        break;
      }
  }
  if (before.streaming_width == 0) violation(call, "streaming width is 0");
  if (trans.is_dmi_allowed()) violation(call, "DMI-allowed hint set on entry (the initiator must clear it)");

  if (!command_ok) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (before.data == nullptr || before.length == 0) {
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return;
  }

  initiator_socket->b_transport(trans, delay);

  if (trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(call, "target returned with TLM_INCOMPLETE_RESPONSE");
  if (trans.get_address() != before.address)
    violation(call, "target changed the address to " + hex(trans.get_address()));
  if (trans.get_command() != before.command)
    violation(call, "target changed the command to " + command_text(trans.get_command()));
  if (trans.get_data_ptr() != before.data) violation(call, "target changed the data pointer");
  if (trans.get_data_length() != before.length)
    violation(call, "target changed the data length to " + std::to_string(trans.get_data_length()));
  if (trans.get_byte_enable_ptr() != before.byte_enable) violation(call, "target changed the byte-enable pointer");
  if (trans.get_byte_enable_length() != before.byte_enable_length)
    violation(call, "target changed the byte-enable length to " + std::to_string(trans.get_byte_enable_length()));
  if (trans.get_streaming_width() != before.streaming_width)
    violation(call, "target changed the streaming width to " + std::to_string(trans.get_streaming_width()));
  if (delay < delay_before)
    violation(call, "annotated delay decreased from " + delay_before.to_string() + " to " + delay.to_string());
}

unsigned TlmChecker::transport_dbg(tlm::tlm_generic_payload& trans) {
  counters_.add(c_debug_);
  const std::string call = call_text("transport_dbg", trans);
  const Snapshot before(trans);
  if (!valid_command(before.command)) {
    violation(call, "command is not READ, WRITE or IGNORE");
    return 0;
  }
  if (before.data == nullptr && before.length > 0) {
    violation(call, "data pointer is null");
    return 0;
  }
  const unsigned n = initiator_socket->transport_dbg(trans);
  if (n > before.length)
    violation(call, "target reports " + std::to_string(n) + " bytes, more than the data length");
  if (trans.get_address() != before.address)
    violation(call, "target changed the address to " + hex(trans.get_address()));
  if (trans.get_command() != before.command)
    violation(call, "target changed the command to " + command_text(trans.get_command()));
  if (trans.get_data_ptr() != before.data) violation(call, "target changed the data pointer");
  if (trans.get_data_length() != before.length)
    violation(call, "target changed the data length to " + std::to_string(trans.get_data_length()));
  return n;
}

bool TlmChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  counters_.add(c_dmi_requests_);
  const std::string call = "get_direct_mem_ptr(" + command_text(trans.get_command()) + " " +
                           hex(trans.get_address()) + ")";
  const std::uint64_t address = trans.get_address();
  const tlm::tlm_command command = trans.get_command();
  if (command != tlm::TLM_READ_COMMAND && command != tlm::TLM_WRITE_COMMAND)
    violation(call, "DMI request command must be READ or WRITE");
  const bool granted = initiator_socket->get_direct_mem_ptr(trans, dmi);
  if (trans.get_address() != address) violation(call, "target changed the address to " + hex(trans.get_address()));
  const std::uint64_t start = dmi.get_start_address(), end = dmi.get_end_address();
  if (start > end) violation(call, "DMI range start " + hex(start) + " > end " + hex(end));
  if (granted) {
    if (dmi.get_dmi_ptr() == nullptr) violation(call, "DMI granted with a null pointer");
    if (address < start || address > end)
      violation(call, "granted DMI range [" + hex(start) + ", " + hex(end) + "] does not contain the address");
    if (command == tlm::TLM_READ_COMMAND && !dmi.is_read_allowed())
      violation(call, "DMI granted for a read request without read access");
    if (command == tlm::TLM_WRITE_COMMAND && !dmi.is_write_allowed())
      violation(call, "DMI granted for a write request without write access");
  }
  return granted;
}

void TlmChecker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  counters_.add(c_dmi_invalidations_);
  if (start > end)
    violation("invalidate_direct_mem_ptr(" + hex(start) + ", " + hex(end) + ")", "start > end");
  target_socket->invalidate_direct_mem_ptr(start, end);
}

}  // namespace cimvp

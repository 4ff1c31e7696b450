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
  target_socket.register_nb_transport_fw(this, &TlmChecker::nb_transport_fw);
  target_socket.register_transport_dbg(this, &TlmChecker::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &TlmChecker::get_direct_mem_ptr);
  initiator_socket.register_nb_transport_bw(this, &TlmChecker::nb_transport_bw);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &TlmChecker::invalidate_direct_mem_ptr);
  c_transactions_ = counters_.declare("transactions");
  c_nb_transactions_ = counters_.declare("nb_transactions");
  c_debug_ = counters_.declare("debug_transactions");
  c_dmi_requests_ = counters_.declare("dmi_requests");
  c_dmi_invalidations_ = counters_.declare("dmi_invalidations");
  c_violations_ = counters_.declare("violations");
}

std::uint64_t TlmChecker::checked() const {
  return counters_.get("transactions") + counters_.get("nb_transactions") + counters_.get("debug_transactions") + counters_.get("dmi_requests") +
         counters_.get("dmi_invalidations");
}

void TlmChecker::trace(sc_core::sc_trace_file*) const {}

void TlmChecker::reset() {
  in_flight_.clear();
  request_open_ = nullptr;
  response_open_ = nullptr;
}

void TlmChecker::violation(const std::string& call, const std::string& what) {
  counters_.add(c_violations_);
  SC_REPORT_ERROR("cimvp/tlm_checker", (std::string(name()) + ": " + call + ": " + what).c_str());
}

void TlmChecker::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  counters_.add(c_transactions_);
  const std::string call = call_text("b_transport", trans);
  const Snapshot before(trans);
  const sc_core::sc_time delay_before = delay;

  if (!check_request(call, trans)) return;

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

bool TlmChecker::check_request(const std::string& call, tlm::tlm_generic_payload& req) {
  const Snapshot t(req);
  if (req.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(call, std::string("response status on entry is ") + response_name(req.get_response_status()) +
                        ", must be TLM_INCOMPLETE_RESPONSE");
  const bool command_ok = valid_command(t.command);
  if (!command_ok) violation(call, "command is not READ, WRITE or IGNORE");
  if (t.data == nullptr) violation(call, "data pointer is null");
  if (t.length == 0) violation(call, "data length is 0");
  if (t.byte_enable != nullptr) {
    if (t.byte_enable_length == 0)
      violation(call, "byte-enable pointer set but byte-enable length is 0");
    for (unsigned i = 0; i < t.byte_enable_length; ++i)
      if (t.byte_enable[i] != 0x00 && t.byte_enable[i] != 0xff) {
        violation(call, "byte enable [" + std::to_string(i) + "] is " + hex(t.byte_enable[i]) +
                            ", must be 0x0 or 0xff");
        break;
      }
  }
  if (t.streaming_width == 0) violation(call, "streaming width is 0");
  if (req.is_dmi_allowed()) violation(call, "DMI-allowed hint set on entry (the initiator must clear it)");

  if (!command_ok) {
    req.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  if (t.data == nullptr || t.length == 0) {
    req.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return false;
  }
  return true;
}

namespace {
std::string phase_call(const char* call, const tlm::tlm_generic_payload& t, const tlm::tlm_phase& ph) {
  std::ostringstream os;
  os << ph;
  const std::string c = call_text(call, t);
  return c.substr(0, c.size() - 1) + ", " + os.str() + ")";
}

std::string phase_text(const tlm::tlm_phase& ph) {
  std::ostringstream os;
  os << ph;
  return os.str();
}

std::string sync_text(tlm::tlm_sync_enum s) {
  return s == tlm::TLM_ACCEPTED ? "TLM_ACCEPTED" : s == tlm::TLM_UPDATED ? "TLM_UPDATED" : "TLM_COMPLETED";
}
}  // namespace

void TlmChecker::check_fields(const std::string& call, const tlm::tlm_generic_payload& trans, const InFlight& f,
                              bool response) {
  if (response && trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(call, "response delivered with TLM_INCOMPLETE_RESPONSE");
  if (response && trans.get_address() != f.address)
    violation(call, "response delivered with the address changed to " + hex(trans.get_address()));
  if (trans.get_command() != f.command)
    violation(call, "target changed the command to " + command_text(trans.get_command()));
  if (trans.get_data_ptr() != f.data) violation(call, "target changed the data pointer");
  if (trans.get_data_length() != f.length)
    violation(call, "target changed the data length to " + std::to_string(trans.get_data_length()));
  if (trans.get_byte_enable_ptr() != f.byte_enable) violation(call, "target changed the byte-enable pointer");
  if (trans.get_byte_enable_length() != f.byte_enable_length)
    violation(call, "target changed the byte-enable length to " + std::to_string(trans.get_byte_enable_length()));
  if (trans.get_streaming_width() != f.streaming_width)
    violation(call, "target changed the streaming width to " + std::to_string(trans.get_streaming_width()));
}

void TlmChecker::begin_response(const std::string& call, const tlm::tlm_generic_payload& trans, InFlight& f) {
  if (f.stage == Stage::response) violation(call, "BEGIN_RESP sent twice");
  if (response_open_ != nullptr && response_open_ != &trans)
    violation(call, "BEGIN_RESP while another response awaits END_RESP (response exclusion rule)");
  check_fields(call, trans, f, true);
  if (request_open_ == &trans) request_open_ = nullptr;
  response_open_ = &trans;
  f.stage = Stage::response;
}

void TlmChecker::finish(const tlm::tlm_generic_payload& trans) {
  if (request_open_ == &trans) request_open_ = nullptr;
  if (response_open_ == &trans) response_open_ = nullptr;
  in_flight_.erase(&trans);
}

tlm::tlm_sync_enum TlmChecker::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                               sc_core::sc_time& delay) {
  const std::string call = phase_call("nb_transport_fw", trans, phase);
  const tlm::tlm_phase sent = phase;
  auto it = in_flight_.find(&trans);
  if (sent == tlm::BEGIN_REQ) {
    counters_.add(c_nb_transactions_);
    if (it != in_flight_.end()) {
      violation(call, "BEGIN_REQ for a transaction already in flight");
    } else {
      if (request_open_ != nullptr)
        violation(call, "BEGIN_REQ before the previous request got END_REQ or BEGIN_RESP (request exclusion rule)");
      if (!check_request(call, trans)) return tlm::TLM_COMPLETED;
      const Snapshot s(trans);
      it = in_flight_
               .emplace(&trans, InFlight{s.address, s.command, s.data, s.length, s.byte_enable, s.byte_enable_length,
                                         s.streaming_width, Stage::request})
               .first;
      request_open_ = &trans;
    }
  } else if (sent == tlm::END_RESP) {
    if (it == in_flight_.end())
      violation(call, "END_RESP for a transaction not in flight");
    else if (it->second.stage != Stage::response)
      violation(call, "END_RESP before BEGIN_RESP");
  } else if (sent == tlm::END_REQ || sent == tlm::BEGIN_RESP) {
    violation(call, "phase " + phase_text(sent) + " is sent by the target, never on the forward path");
  } else {
    violation(call, "phase " + phase_text(sent) + " is not a base-protocol phase");
  }

  const tlm::tlm_sync_enum s = initiator_socket->nb_transport_fw(trans, phase, delay);

  it = in_flight_.find(&trans);
  if (it == in_flight_.end()) return s;
  InFlight& f = it->second;
  const std::string ret = call + " returned " + sync_text(s) + " with " + phase_text(phase);
  if (s == tlm::TLM_ACCEPTED && phase != sent) violation(ret, "TLM_ACCEPTED must leave the phase unchanged");
  if (sent == tlm::BEGIN_REQ) {
    if (s == tlm::TLM_UPDATED) {
      if (phase == tlm::END_REQ) {
        check_fields(ret, trans, f, false);
        if (request_open_ == &trans) request_open_ = nullptr;
        f.stage = Stage::request_ended;
      } else if (phase == tlm::BEGIN_RESP) {
        begin_response(ret, trans, f);
      } else {
        violation(ret, "TLM_UPDATED for BEGIN_REQ must give END_REQ or BEGIN_RESP");
      }
    } else if (s == tlm::TLM_COMPLETED) {
      check_fields(ret, trans, f, true);
      finish(trans);
    } else {
      check_fields(ret, trans, f, false);
    }
  } else if (sent == tlm::END_RESP) {
    if (s == tlm::TLM_UPDATED) violation(ret, "no phase follows END_RESP");
    check_fields(ret, trans, f, false);
    finish(trans);
  } else if (s == tlm::TLM_COMPLETED) {
    finish(trans);
  }
  return s;
}

tlm::tlm_sync_enum TlmChecker::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                               sc_core::sc_time& delay) {
  const std::string call = phase_call("nb_transport_bw", trans, phase);
  const tlm::tlm_phase sent = phase;
  auto it = in_flight_.find(&trans);
  if (it == in_flight_.end()) {
    violation(call, "backward call for a transaction not in flight");
  } else if (sent == tlm::END_REQ) {
    if (it->second.stage != Stage::request) violation(call, "END_REQ after END_REQ or BEGIN_RESP");
    check_fields(call, trans, it->second, false);
    if (request_open_ == &trans) request_open_ = nullptr;
    it->second.stage = Stage::request_ended;
  } else if (sent == tlm::BEGIN_RESP) {
    begin_response(call, trans, it->second);
  } else if (sent == tlm::BEGIN_REQ || sent == tlm::END_RESP) {
    violation(call, "phase " + phase_text(sent) + " is sent by the initiator, never on the backward path");
  } else {
    violation(call, "phase " + phase_text(sent) + " is not a base-protocol phase");
  }

  const tlm::tlm_sync_enum s = target_socket->nb_transport_bw(trans, phase, delay);

  it = in_flight_.find(&trans);
  if (it == in_flight_.end()) return s;
  const std::string ret = call + " returned " + sync_text(s) + " with " + phase_text(phase);
  if (s == tlm::TLM_ACCEPTED && phase != sent) violation(ret, "TLM_ACCEPTED must leave the phase unchanged");
  if (s == tlm::TLM_UPDATED) {
    if (sent == tlm::BEGIN_RESP && phase == tlm::END_RESP)
      finish(trans);
    else
      violation(ret, "TLM_UPDATED on the backward path must answer BEGIN_RESP with END_RESP");
  } else if (s == tlm::TLM_COMPLETED) {
    finish(trans);
  }
  return s;
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

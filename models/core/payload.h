// Filling a TLM-2.0 generic payload the way every cimvp initiator must: every field set,
// no byte enables, streaming width = length, response TLM_INCOMPLETE_RESPONSE.
#pragma once

#include <tlm>

#include <cstdint>

namespace cimvp {

inline void prepare_payload(tlm::tlm_generic_payload& t, tlm::tlm_command cmd, std::uint64_t addr,
                            unsigned char* data, unsigned len) {
  t.set_command(cmd);
  t.set_address(addr);
  t.set_data_ptr(data);
  t.set_data_length(len);
  t.set_streaming_width(len);
  t.set_byte_enable_ptr(nullptr);
  t.set_byte_enable_length(0);
  t.set_dmi_allowed(false);
  t.set_gp_option(tlm::TLM_MIN_PAYLOAD);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace cimvp

// Tiny hardware-abstraction layer for firmware-like driver code (docs/modules.md#hal).
//
// Drivers are written against this interface only, so the same driver logic could run
// on a real chip: 32-bit MMIO accesses, block copies (as a CPU memcpy would do them) and
// interrupt waits.  cimvp::Host implements it on a TLM-2.0 initiator socket.
#pragma once

#include <systemc>
#include <tlm>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cimvp {

/// Name of a TLM response status ("TLM_ADDRESS_ERROR_RESPONSE", ...).
inline const char* response_name(tlm::tlm_response_status status) {
  switch (status) {
    case tlm::TLM_OK_RESPONSE: return "TLM_OK_RESPONSE";
    case tlm::TLM_INCOMPLETE_RESPONSE: return "TLM_INCOMPLETE_RESPONSE";
    case tlm::TLM_GENERIC_ERROR_RESPONSE: return "TLM_GENERIC_ERROR_RESPONSE";
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return "TLM_ADDRESS_ERROR_RESPONSE";
    case tlm::TLM_COMMAND_ERROR_RESPONSE: return "TLM_COMMAND_ERROR_RESPONSE";
    case tlm::TLM_BURST_ERROR_RESPONSE: return "TLM_BURST_ERROR_RESPONSE";
    case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE: return "TLM_BYTE_ENABLE_ERROR_RESPONSE";
  }
  return "invalid response status";
}

/// Name of a TLM command ("read", "write", "ignore").
inline const char* command_name(tlm::tlm_command command) {
  switch (command) {
    case tlm::TLM_READ_COMMAND: return "read";
    case tlm::TLM_WRITE_COMMAND: return "write";
    case tlm::TLM_IGNORE_COMMAND: return "ignore";
  }
  return "invalid command";
}

/// Thrown by a Hal access that got a TLM error response.
class BusError : public std::runtime_error {
 public:
  BusError(std::uint64_t address, tlm::tlm_command command, tlm::tlm_response_status status)
      : std::runtime_error(describe(address, command, status)),
        address_(address),
        command_(command),
        status_(status) {}
  std::uint64_t address() const { return address_; }
  tlm::tlm_command command() const { return command_; }
  tlm::tlm_response_status status() const { return status_; }

 private:
  static std::string describe(std::uint64_t address, tlm::tlm_command command,
                              tlm::tlm_response_status status) {
    std::ostringstream os;
    os << "bus error: " << command_name(command) << " at 0x" << std::hex << address << " answered "
       << response_name(status);
    return os.str();
  }
  std::uint64_t address_;
  tlm::tlm_command command_;
  tlm::tlm_response_status status_;
};

class Hal {
 public:
  virtual ~Hal() = default;
  /// 32-bit MMIO read / write (side effects allowed: the time is synchronized first).
  virtual std::uint32_t read32(std::uint64_t addr) = 0;
  virtual void write32(std::uint64_t addr, std::uint32_t value) = 0;
  /// Returns when interrupt line `line` is high (at once if it already is).
  virtual void wait_irq(unsigned line) = 0;
  /// Copies n bytes to / from memory with bus transactions of at most the bus width.
  virtual void write_block(std::uint64_t addr, const void* src, std::size_t n) = 0;
  virtual void read_block(std::uint64_t addr, void* dst, std::size_t n) = 0;
  /// Local time of the caller, including its not yet synchronized quantum offset.
  virtual sc_core::sc_time now() = 0;
};

}  // namespace cimvp

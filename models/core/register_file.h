// Memory-mapped register table shared by every cimvp MMIO target (docs/registers.md).
//
// A RegisterFile holds 32-bit registers, each described by one table row: name, byte
// offset, reset value, access masks and optional callbacks.  The owning module calls
// access() from its b_transport / transport_dbg; access() does the whole decode and
// returns (and stores in the payload) the TLM response status.  No SystemC kernel is
// needed: the class only uses tlm_generic_payload, so it is unit-tested without sc_start.
#pragma once

#include <tlm>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// One register of a RegisterFile.  Bits that are neither in rw_mask nor in w1c_mask are
/// read-only (a bus write leaves them unchanged; the owner changes them with set()).
struct Register {
  using ReadHook = std::function<std::uint32_t(std::uint32_t stored)>;
  using WriteHook = std::function<void(std::uint32_t old_value, std::uint32_t new_value)>;
  /// Accepts or refuses the value a write would store (bus and debug writes alike).
  using WriteCheck = std::function<bool(std::uint32_t value)>;

  /// One table row: Register{"CTRL", 0x08, reset, rw_mask, w1c_mask, on_read, on_write, pulse_mask}.
  Register(std::string name_, std::uint32_t offset_, std::uint32_t reset_ = 0,
           std::uint32_t rw_mask_ = 0xFFFFFFFFu, std::uint32_t w1c_mask_ = 0, ReadHook on_read_ = nullptr,
           WriteHook on_write_ = nullptr, std::uint32_t pulse_mask_ = 0)
      : name(std::move(name_)),
        offset(offset_),
        reset(reset_),
        rw_mask(rw_mask_),
        w1c_mask(w1c_mask_),
        pulse_mask(pulse_mask_),
        on_read(std::move(on_read_)),
        on_write(std::move(on_write_)) {}

  std::string name;
  std::uint32_t offset = 0;           ///< byte offset in the register window, 4-aligned
  std::uint32_t reset = 0;            ///< value after construction and reset()
  std::uint32_t rw_mask = 0xFFFFFFFFu;  ///< bits a bus write stores
  std::uint32_t w1c_mask = 0;         ///< bits a bus write clears where it writes 1
  /// Command bits (START): a subset of rw_mask that always reads 0.  A bus write passes
  /// them to on_write, then they are cleared; a debug write never stores them.
  std::uint32_t pulse_mask = 0;
  /// Bus (non-debug) read: returns the value the initiator sees, given the stored value.
  /// The stored value is not changed (the callback may call RegisterFile::set()).
  ReadHook on_read;
  /// Bus (non-debug) write: called after the new value is stored, with the old and the
  /// new stored value (also when they are equal).  May call RegisterFile::set().
  WriteHook on_write;
  /// Optional range check (e.g. SUPPORT_DROP <= 1000): a write whose data (masked by
  /// rw_mask) it refuses gets TLM_GENERIC_ERROR_RESPONSE and changes nothing.  Set after
  /// construction: `Register r{…}; r.accept = …;`.
  WriteCheck accept;
};

class RegisterFile {
 public:
  /// Adds a register (while the owner is being built; never from a callback).  Throws std::invalid_argument for an empty or duplicate name, an
  /// offset that is not 4-byte aligned or already used, or rw_mask & w1c_mask != 0.
  void add(Register reg);

  /// Decodes one TLM access relative to the register window (payload address = offset).
  /// Checks, in this order (first failure wins, nothing is changed):
  ///   offset not 4-aligned or not a register          -> TLM_ADDRESS_ERROR_RESPONSE
  ///   command is not READ or WRITE (e.g. IGNORE)       -> TLM_COMMAND_ERROR_RESPONSE
  ///   data length != 4, or streaming width < length    -> TLM_BURST_ERROR_RESPONSE
  ///   byte-enable pointer set                          -> TLM_BYTE_ENABLE_ERROR_RESPONSE
  ///   data pointer null                                -> TLM_GENERIC_ERROR_RESPONSE
  ///   write refused by the register's `accept` check   -> TLM_GENERIC_ERROR_RESPONSE
  /// Data is little-endian (byte 0 = bits 7..0) whatever the host byte order.
  /// READ: value = on_read ? on_read(stored) : stored.
  /// WRITE: stored = (old & ro) | (data & rw_mask) | (old & w1c_mask & ~data), then
  /// on_write, then the pulse_mask bits are cleared.
  /// debug = true (transport_dbg, like Memory): the streaming width and byte enables are
  /// ignored (TLM-2.0 debug transport); no callbacks, no w1c clearing: a debug read
  /// returns the stored value, a debug write stores only the rw_mask bits that are not
  /// pulse_mask bits (it never starts anything nor leaves a command bit set).
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, bool debug);

  /// Stored value of the register at `offset` (no callbacks).  std::out_of_range if none.
  std::uint32_t get(std::uint32_t offset) const;
  /// Stores `value` at `offset` bypassing every mask (owner-side updates such as status
  /// bits).  No callbacks.  std::out_of_range if there is no register at `offset`.
  void set(std::uint32_t offset, std::uint32_t value);
  void set_bits(std::uint32_t offset, std::uint32_t mask) { set(offset, get(offset) | mask); }
  void clear_bits(std::uint32_t offset, std::uint32_t mask) { set(offset, get(offset) & ~mask); }

  /// Every register back to its reset value (no callbacks).
  void reset();

  bool contains(std::uint32_t offset) const { return find(offset) != npos; }
  /// Offset of the register called `name`; std::out_of_range if none.
  std::uint32_t offset_of(const std::string& name) const;
  /// The table, in offset order.
  const std::vector<Register>& registers() const { return regs_; }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::size_t find(std::uint64_t offset) const;
  std::size_t at(std::uint32_t offset) const;

  std::vector<Register> regs_;        // sorted by offset
  std::vector<std::uint32_t> values_;  // stored values, same order
};

}  // namespace cimvp

// The input format of the MMIO fuzz targets (fuzz_mmio.cpp): a sequence of bus
// operations, each decoded from the front of the input by decode_op and written by
// encode_op (the seed generator, make_seeds.cpp).  Every byte string decodes to some
// sequence: missing bytes read as 0.
//
// One operation:
//   u8 head:  bits 1..0 interface: 0 b_transport, 1 transport_dbg, 2 nb_transport (base
//                       protocol, BEGIN_REQ), 3 get_direct_mem_ptr
//             bits 3..2 command: 0 read, 1 write, 2 ignore, 3 read
//             bit 4     byte enables follow
//             bit 5     absolute 64-bit address (else a window and an offset)
//             bit 6     streaming width follows
//             bit 7     a wait follows
//   address:  bit 5 set: u64 bus address; else u8 window (modulo the target's windows) and
//             u16 offset into it
//   u8 length (0 means 4: a register access)
//   [u8 streaming width (0 means the length)]
//   [u8 byte-enable length - 1 (modulo 8), u8 pattern: bit i set = byte enable i is 0xff]
//   write: `length` data bytes
//   [u8 wait w: the initiator waits w*w*16 ns after the operation (lets commands run)]
#pragma once

#include "fuzz_support.h"

#include <cstdint>
#include <vector>

namespace cimvp::fuzz {

struct MmioOp {
  enum Iface : std::uint8_t { b_transport = 0, debug = 1, nb_transport = 2, dmi = 3 };
  enum Cmd : std::uint8_t { read = 0, write = 1, ignore = 2 };
  Iface iface = b_transport;
  Cmd cmd = read;
  bool absolute = false;
  std::uint64_t address = 0;  ///< absolute
  std::uint8_t window = 0;    ///< not absolute
  std::uint16_t offset = 0;   ///< not absolute
  unsigned length = 4;        ///< 1..255
  unsigned streaming_width = 0;  ///< 0: = length
  bool byte_enables = false;
  unsigned be_length = 0;     ///< 1..8
  std::uint8_t be_pattern = 0;
  std::vector<std::uint8_t> data;  ///< write: length bytes
  bool has_wait = false;
  std::uint8_t wait = 0;
};

inline MmioOp decode_op(Bytes& in) {
  MmioOp op;
  const std::uint8_t head = in.u8();
  op.iface = static_cast<MmioOp::Iface>(head & 3);
  const unsigned c = (head >> 2) & 3;
  op.cmd = c == 1 ? MmioOp::write : c == 2 ? MmioOp::ignore : MmioOp::read;
  op.byte_enables = head & 0x10;
  op.absolute = head & 0x20;
  const bool sw = head & 0x40;
  op.has_wait = head & 0x80;
  if (op.absolute) {
    op.address = in.u64();
  } else {
    op.window = in.u8();
    op.offset = in.u16();
  }
  op.length = in.u8();
  if (op.length == 0) op.length = 4;
  if (sw) op.streaming_width = in.u8();
  if (op.byte_enables) {
    op.be_length = 1 + in.u8() % 8;
    op.be_pattern = in.u8();
  }
  if (op.cmd == MmioOp::write) {
    const std::string_view d = in.take(op.length);
    op.data.assign(d.begin(), d.end());
    op.data.resize(op.length, 0);
  }
  if (op.has_wait) op.wait = in.u8();
  return op;
}

inline void encode_op(const MmioOp& op, std::vector<std::uint8_t>& out) {
  const unsigned c = op.cmd == MmioOp::write ? 1 : op.cmd == MmioOp::ignore ? 2 : 0;
  out.push_back(static_cast<std::uint8_t>(op.iface | c << 2 | (op.byte_enables ? 0x10 : 0) |
                                          (op.absolute ? 0x20 : 0) | (op.streaming_width ? 0x40 : 0) |
                                          (op.has_wait ? 0x80 : 0)));
  auto put = [&](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  if (op.absolute) {
    put(op.address, 8);
  } else {
    put(op.window, 1);
    put(op.offset, 2);
  }
  put(op.length == 4 ? 0 : op.length, 1);
  if (op.streaming_width) put(op.streaming_width, 1);
  if (op.byte_enables) {
    put(op.be_length - 1, 1);
    put(op.be_pattern, 1);
  }
  if (op.cmd == MmioOp::write)
    for (unsigned i = 0; i < op.length; ++i) out.push_back(i < op.data.size() ? op.data[i] : 0);
  if (op.has_wait) put(op.wait, 1);
}

}  // namespace cimvp::fuzz

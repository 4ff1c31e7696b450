// Kernel-free tests of cimvp::RegisterFile: every access kind and every error path, with
// expected values worked out by hand from the masks (comments show the arithmetic).
#include <catch2/catch.hpp>

#include "cimvp/core/register_file.h"

#include <array>
#include <stdexcept>
#include <vector>

namespace {

struct Access {
  std::array<unsigned char, 8> data{};
  tlm::tlm_generic_payload t;
  Access(tlm::tlm_command cmd, std::uint64_t addr, unsigned len = 4) {
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data.data());
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
  void put(std::uint32_t v) {  // little-endian
    data[0] = v & 0xff;
    data[1] = (v >> 8) & 0xff;
    data[2] = (v >> 16) & 0xff;
    data[3] = (v >> 24) & 0xff;
  }
};

struct Fixture {
  cimvp::RegisterFile regs;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> writes;  // on_write(old, new) calls
  int reads = 0;                                                // on_read calls
  Fixture() {
    // MIX: bits 15..0 rw, 23..16 w1c, 31..24 read-only.
    regs.add({"MIX", 0x00, 0x12345678u, 0x0000FFFFu, 0x00FF0000u, nullptr,
              [this](std::uint32_t o, std::uint32_t n) { writes.emplace_back(o, n); }});
    // LIVE: the bus sees stored + 0x100 (a value supplied by the device).
    regs.add({"LIVE", 0x04, 0x7u, 0, 0,
              [this](std::uint32_t stored) {
                ++reads;
                return stored + 0x100u;
              },
              nullptr});
    regs.add({"PLAIN", 0x10, 0u});  // defaults: fully rw, no w1c
  }
};

}  // namespace

TEST_CASE("register read returns the stored value little-endian", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_READ_COMMAND, 0x00);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  CHECK(a.t.get_response_status() == tlm::TLM_OK_RESPONSE);
  CHECK(a.data[0] == 0x78);
  CHECK(a.data[1] == 0x56);
  CHECK(a.data[2] == 0x34);
  CHECK(a.data[3] == 0x12);
}

TEST_CASE("register write applies rw and w1c and read-only masks and calls on_write", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_WRITE_COMMAND, 0x00);
  a.put(0xAABBCCDDu);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  // ro  : 0x12345678 & 0xFF000000            = 0x12000000
  // rw  : 0xAABBCCDD & 0x0000FFFF            = 0x0000CCDD
  // w1c : 0x00340000 & ~0xAABBCCDD(0x55443322) = 0x00040000  (0x34 & 0x44 = 0x04)
  CHECK(f.regs.get(0x00) == 0x1204CCDDu);
  REQUIRE(f.writes.size() == 1);
  CHECK(f.writes[0].first == 0x12345678u);
  CHECK(f.writes[0].second == 0x1204CCDDu);
  // Writing 0xFFFFFFFF clears every w1c bit and sets every rw bit: 0x12000000|0xFFFF.
  a.put(0xFFFFFFFFu);
  a.t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  CHECK(f.regs.get(0x00) == 0x1200FFFFu);
  CHECK(f.writes.size() == 2);
}

TEST_CASE("register on_read supplies the value seen by the bus and debug reads bypass it", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_READ_COMMAND, 0x04);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  CHECK(a.data[0] == 0x07);
  CHECK(a.data[1] == 0x01);  // 0x7 + 0x100 = 0x107
  CHECK(f.reads == 1);
  CHECK(f.regs.get(0x04) == 0x7u);  // stored value unchanged
  Access d(tlm::TLM_READ_COMMAND, 0x04);
  CHECK(f.regs.access(d.t, true) == tlm::TLM_OK_RESPONSE);
  CHECK(d.data[0] == 0x07);
  CHECK(d.data[1] == 0x00);
  CHECK(f.reads == 1);
}

TEST_CASE("register debug write stores only rw bits without w1c or callbacks", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_WRITE_COMMAND, 0x00);
  a.put(0xAABBCCDDu);
  CHECK(f.regs.access(a.t, true) == tlm::TLM_OK_RESPONSE);
  // (0x12345678 & ~0x0000FFFF) | (0xAABBCCDD & 0x0000FFFF) = 0x1234CCDD
  CHECK(f.regs.get(0x00) == 0x1234CCDDu);
  CHECK(f.writes.empty());
  // A read-only register is not changed by a debug write either.
  Access b(tlm::TLM_WRITE_COMMAND, 0x04);
  b.put(0xFFFFFFFFu);
  CHECK(f.regs.access(b.t, true) == tlm::TLM_OK_RESPONSE);
  CHECK(f.regs.get(0x04) == 0x7u);
}

TEST_CASE("register default row is a plain read/write register", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_WRITE_COMMAND, 0x10);
  a.put(0xDEADBEEFu);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  CHECK(f.regs.get(0x10) == 0xDEADBEEFu);
}

TEST_CASE("register access error responses leave state untouched", "[register_file]") {
  Fixture f;
  struct Case {
    const char* what;
    tlm::tlm_command cmd;
    std::uint64_t addr;
    unsigned len;
    unsigned width;
    bool byte_enable;
    tlm::tlm_response_status expect;
  };
  const Case cases[] = {
      {"misaligned", tlm::TLM_WRITE_COMMAND, 0x02, 4, 4, false, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"unmapped hole", tlm::TLM_WRITE_COMMAND, 0x08, 4, 4, false, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"beyond the table", tlm::TLM_READ_COMMAND, 0x100, 4, 4, false, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"address above 32 bits", tlm::TLM_READ_COMMAND, 0x100000000ull, 4, 4, false,
       tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"misaligned beats ignore", tlm::TLM_IGNORE_COMMAND, 0x01, 4, 4, false, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"ignore", tlm::TLM_IGNORE_COMMAND, 0x00, 4, 4, false, tlm::TLM_COMMAND_ERROR_RESPONSE},
      {"8 bytes", tlm::TLM_WRITE_COMMAND, 0x00, 8, 8, false, tlm::TLM_BURST_ERROR_RESPONSE},
      {"2 bytes", tlm::TLM_WRITE_COMMAND, 0x00, 2, 2, false, tlm::TLM_BURST_ERROR_RESPONSE},
      {"streaming width 2", tlm::TLM_WRITE_COMMAND, 0x00, 4, 2, false, tlm::TLM_BURST_ERROR_RESPONSE},
      {"byte enables", tlm::TLM_WRITE_COMMAND, 0x00, 4, 4, true, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
  };
  // debug transport ignores the streaming width and byte enables (tested below)
  const auto bus_only = [](const Case& c) { return c.byte_enable || c.width < c.len; };
  unsigned char be[4] = {0xff, 0xff, 0xff, 0xff};
  for (const auto& c : cases) {
    for (bool debug : {false, true}) {
      if (debug && bus_only(c)) continue;
      INFO(c.what << (debug ? " (debug)" : ""));
      Access a(c.cmd, c.addr, c.len);
      a.put(0xFFFFFFFFu);
      a.t.set_streaming_width(c.width);
      if (c.byte_enable) {
        a.t.set_byte_enable_ptr(be);
        a.t.set_byte_enable_length(4);
      }
      CHECK(f.regs.access(a.t, debug) == c.expect);
      CHECK(a.t.get_response_status() == c.expect);
      CHECK(f.regs.get(0x00) == 0x12345678u);
      CHECK(f.writes.empty());
      CHECK(f.reads == 0);
    }
  }
}

TEST_CASE("register null data pointer is a generic error", "[register_file]") {
  Fixture f;
  Access a(tlm::TLM_READ_COMMAND, 0x00);
  a.t.set_data_ptr(nullptr);
  CHECK(f.regs.access(a.t, false) == tlm::TLM_GENERIC_ERROR_RESPONSE);
}

TEST_CASE("register set and get bypass masks and reset restores", "[register_file]") {
  Fixture f;
  f.regs.set(0x04, 0xCAFEF00Du);  // LIVE is read-only for the bus, not for the owner
  CHECK(f.regs.get(0x04) == 0xCAFEF00Du);
  f.regs.set_bits(0x10, 0x11u);
  f.regs.set_bits(0x10, 0x100u);
  f.regs.clear_bits(0x10, 0x1u);
  CHECK(f.regs.get(0x10) == 0x110u);
  CHECK(f.writes.empty());
  CHECK(f.reads == 0);
  f.regs.reset();
  CHECK(f.regs.get(0x04) == 0x7u);
  CHECK(f.regs.get(0x10) == 0u);
  CHECK(f.regs.offset_of("PLAIN") == 0x10u);
  CHECK(f.regs.contains(0x04));
  CHECK_FALSE(f.regs.contains(0x08));
  CHECK_THROWS_AS(f.regs.get(0x08), std::out_of_range);
  CHECK_THROWS_AS(f.regs.set(0x0C, 1), std::out_of_range);
  CHECK_THROWS_AS(f.regs.offset_of("NOPE"), std::out_of_range);
  REQUIRE(f.regs.registers().size() == 3);
  CHECK(f.regs.registers()[2].name == "PLAIN");
}

TEST_CASE("register table rejects bad rows", "[register_file]") {
  cimvp::RegisterFile regs;
  regs.add({"A", 0x8, 0});
  CHECK_THROWS_AS(regs.add({"", 0x0, 0}), std::invalid_argument);
  CHECK_THROWS_AS(regs.add({"B", 0x6, 0}), std::invalid_argument);
  CHECK_THROWS_AS(regs.add({"B", 0x8, 0}), std::invalid_argument);
  CHECK_THROWS_AS(regs.add({"A", 0xC, 0}), std::invalid_argument);
  CHECK_THROWS_AS(regs.add({"C", 0xC, 0, 0x3, 0x2}), std::invalid_argument);
  CHECK_THROWS_WITH(regs.add({"D", 0x8, 0}), Catch::Contains("share offset 0x8"));
  // Rows added out of order are kept in offset order.
  regs.add({"Z", 0x0, 0});
  CHECK(regs.registers()[0].name == "Z");
}

TEST_CASE("register on_write may update the register through set for a self-clearing bit", "[register_file]") {
  cimvp::RegisterFile regs;
  int starts = 0;
  regs.add({"CTRL", 0x0, 0, 0x1, 0, nullptr, [&](std::uint32_t, std::uint32_t now) {
              if (now & 1u) {
                ++starts;
                regs.clear_bits(0x0, 1u);
              }
            }});
  Access a(tlm::TLM_WRITE_COMMAND, 0x0);
  a.put(0xFFFFFFFFu);
  CHECK(regs.access(a.t, false) == tlm::TLM_OK_RESPONSE);
  CHECK(starts == 1);
  CHECK(regs.get(0x0) == 0u);
}

TEST_CASE("register debug access ignores streaming width and byte enables, like Memory", "[register_file]") {
  Fixture f;
  unsigned char be[4] = {0x00, 0x00, 0x00, 0x00};  // would disable every byte on the bus
  Access r(tlm::TLM_READ_COMMAND, 0x00);
  r.t.set_streaming_width(1);
  r.t.set_byte_enable_ptr(be);
  r.t.set_byte_enable_length(4);
  CHECK(f.regs.access(r.t, true) == tlm::TLM_OK_RESPONSE);
  CHECK(r.data[0] == 0x78);
  CHECK(r.data[3] == 0x12);
  Access w(tlm::TLM_WRITE_COMMAND, 0x00);
  w.put(0xAABBCCDDu);
  w.t.set_streaming_width(2);
  w.t.set_byte_enable_ptr(be);
  w.t.set_byte_enable_length(4);
  CHECK(f.regs.access(w.t, true) == tlm::TLM_OK_RESPONSE);
  CHECK(f.regs.get(0x00) == 0x1234CCDDu);  // rw bits only, as without the attributes
  CHECK(f.writes.empty());
  // the bus path still rejects them
  Access b(tlm::TLM_READ_COMMAND, 0x00);
  b.t.set_byte_enable_ptr(be);
  b.t.set_byte_enable_length(4);
  CHECK(f.regs.access(b.t, false) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
}

TEST_CASE("register pulse bits always read 0: a bus write passes them to on_write, a debug write never stores them",
          "[register_file]") {
  cimvp::RegisterFile regs;
  std::vector<std::uint32_t> seen;
  // CTRL: bit 0 START (a command), bits 7..4 a plain rw field
  regs.add({"CTRL", 0x0, 0, 0xF1u, 0, nullptr, [&](std::uint32_t, std::uint32_t now) { seen.push_back(now); }, 0x1u});
  Access d(tlm::TLM_WRITE_COMMAND, 0x0);
  d.put(0x31u);
  CHECK(regs.access(d.t, true) == tlm::TLM_OK_RESPONSE);
  CHECK(regs.get(0x0) == 0x30u);  // START not stored
  CHECK(seen.empty());
  Access w(tlm::TLM_WRITE_COMMAND, 0x0);
  w.put(0x51u);
  CHECK(regs.access(w.t, false) == tlm::TLM_OK_RESPONSE);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == 0x51u);        // on_write sees START
  CHECK(regs.get(0x0) == 0x50u);  // then it is cleared
  CHECK_THROWS_AS(regs.add({"BAD", 0x4, 0, 0x0u, 0, nullptr, nullptr, 0x1u}), std::invalid_argument);
}

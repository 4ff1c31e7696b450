// Memory bench: test initiator -> TlmChecker -> Memory.  The calls are made from sc_main
// after elaboration (sc_start(SC_ZERO_TIME)); the memory never waits, so annotated
// delays are the timing under test.  Expected delays come from the config by hand:
// read 20 ns + len/8 ns, write 30 ns + len/8 ns.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/soc/memory/memory.h"
#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <cstring>
#include <limits>
#include <vector>

namespace {
using sc_core::sc_time;
using sc_core::SC_NS;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}

  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len,
                                  sc_time& delay, unsigned char* be = nullptr, unsigned be_len = 0,
                                  unsigned width = 0, bool* dmi_hint = nullptr) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(width ? width : len);
    t.set_byte_enable_ptr(be);
    t.set_byte_enable_length(be_len);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, delay);
    if (dmi_hint) *dmi_hint = t.is_dmi_allowed();
    return t.get_response_status();
  }
  unsigned debug(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    return socket->transport_dbg(t);
  }
  bool dmi(tlm::tlm_command cmd, std::uint64_t addr, tlm::tlm_dmi& d) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    return socket->get_direct_mem_ptr(t, d);
  }
};

cimvp::MemoryConfig small_config() {
  cimvp::MemoryConfig c;
  c.size_bytes = 4096;
  c.read_latency_ns = 20.0;
  c.write_latency_ns = 30.0;
  c.bytes_per_ns = 8.0;
  c.dmi = true;
  return c;
}

struct Bench {
  Initiator init{"init"};
  cimvp::TlmChecker checker{"checker"};
  cimvp::Memory mem;
  explicit Bench(const cimvp::MemoryConfig& c = small_config()) : mem("mem", c) {
    init.socket.bind(checker.target_socket);
    checker.initiator_socket.bind(mem.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
};

std::vector<unsigned char> pattern(std::size_t n, unsigned seed) {
  std::vector<unsigned char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>(seed + 7 * i);
  return v;
}
}  // namespace

TEST_CASE("memory write then read returns the data with the configured latencies", "[memory]") {
  Bench b;
  auto src = pattern(16, 3);
  sc_time delay(5, SC_NS);
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x100, src.data(), 16, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(5 + 30 + 2, SC_NS));  // 30 ns + 16 B / 8 B/ns
  CHECK(std::memcmp(b.mem.data() + 0x100, src.data(), 16) == 0);
  std::vector<unsigned char> dst(16, 0);
  delay = sc_core::SC_ZERO_TIME;
  bool hint = false;
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0x100, dst.data(), 16, delay, nullptr, 0, 0, &hint) ==
        tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(22, SC_NS));  // 20 ns + 2 ns
  CHECK(dst == src);
  CHECK(hint);
  // 3 bytes: 20 + 3/8 = 20.375 ns.
  delay = sc_core::SC_ZERO_TIME;
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0xFFD, dst.data(), 3, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(20375, sc_core::SC_PS));
  CHECK(b.mem.counters().get("reads") == 2);
  CHECK(b.mem.counters().get("writes") == 1);
  CHECK(b.mem.counters().get("bytes_read") == 19);
  CHECK(b.mem.counters().get("bytes_written") == 16);
  CHECK(b.mem.counters().get("errors") == 0);
  CHECK(b.checker.violations() == 0);
  CHECK(b.checker.counters().get("transactions") == 3);
}

TEST_CASE("memory IGNORE command answers OK and changes nothing", "[memory]") {
  Bench b;
  unsigned char buf[4] = {1, 2, 3, 4};
  sc_time delay(1, SC_NS);
  CHECK(b.init.access(tlm::TLM_IGNORE_COMMAND, 0x40, buf, 4, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(1, SC_NS));
  CHECK(b.mem.data()[0x40] == 0);
  CHECK(b.mem.counters().get("reads") + b.mem.counters().get("writes") == 0);
}

TEST_CASE("memory error responses for range and byte enables and streaming width", "[memory]") {
  Bench b;
  unsigned char buf[8] = {9, 9, 9, 9, 9, 9, 9, 9};
  unsigned char be[8] = {0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0};
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  struct Case {
    const char* what;
    tlm::tlm_command cmd;
    std::uint64_t addr;
    unsigned len;
    bool byte_enable;
    unsigned width;
    tlm::tlm_response_status expect;
  };
  const Case cases[] = {
      {"straddles the end", tlm::TLM_WRITE_COMMAND, 4090, 8, false, 8, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"starts at size", tlm::TLM_READ_COMMAND, 4096, 1, false, 1, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"wraps around 2^64", tlm::TLM_READ_COMMAND, top - 1, 4, false, 4, tlm::TLM_ADDRESS_ERROR_RESPONSE},
      {"byte enables", tlm::TLM_WRITE_COMMAND, 0x10, 8, true, 8, tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE},
      {"streaming width < length", tlm::TLM_WRITE_COMMAND, 0x10, 8, false, 4, tlm::TLM_BURST_ERROR_RESPONSE},
      {"streaming read", tlm::TLM_READ_COMMAND, 0x10, 8, false, 1, tlm::TLM_BURST_ERROR_RESPONSE},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    sc_time delay(3, SC_NS);
    CHECK(b.init.access(c.cmd, c.addr, buf, c.len, delay, c.byte_enable ? be : nullptr, c.byte_enable ? 8 : 0,
                        c.width) == c.expect);
    CHECK(delay == sc_time(3, SC_NS));  // nothing moved, no delay
  }
  for (unsigned i = 0; i < 4096; ++i) REQUIRE(b.mem.data()[i] == 0);
  CHECK(buf[0] == 9);
  CHECK(b.mem.counters().get("errors") == 6);
  CHECK(b.mem.counters().get("writes") == 0);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("memory debug transport has no delay or counters and is clipped at the end", "[memory]") {
  Bench b;
  auto src = pattern(16, 11);
  CHECK(b.init.debug(tlm::TLM_WRITE_COMMAND, 0x200, src.data(), 16) == 16);
  CHECK(std::memcmp(b.mem.data() + 0x200, src.data(), 16) == 0);
  std::vector<unsigned char> dst(16, 0);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 0x200, dst.data(), 16) == 16);
  CHECK(dst == src);
  std::memcpy(b.mem.data() + 4088, src.data(), 8);
  std::vector<unsigned char> tail(16, 0xEE);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 4088, tail.data(), 16) == 8);  // 4096 - 4088
  CHECK(std::memcmp(tail.data(), src.data(), 8) == 0);
  CHECK(tail[8] == 0xEE);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 4096, tail.data(), 4) == 0);
  for (const auto& c : b.mem.counters().values()) CHECK(c.second == 0);
  CHECK(b.checker.counters().get("debug_transactions") == 4);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("memory DMI grants the whole memory with the configured latencies", "[memory]") {
  Bench b;
  tlm::tlm_dmi d;
  REQUIRE(b.init.dmi(tlm::TLM_READ_COMMAND, 0x10, d));
  CHECK(d.get_dmi_ptr() == b.mem.data());
  CHECK(d.get_start_address() == 0);
  CHECK(d.get_end_address() == 4095);
  CHECK(d.is_read_write_allowed());
  CHECK(d.get_read_latency() == sc_time(20, SC_NS));
  CHECK(d.get_write_latency() == sc_time(30, SC_NS));
  CHECK(b.mem.counters().get("dmi_grants") == 1);

  // DMI and transactions see the same bytes, both ways.
  auto a = pattern(32, 5);
  std::memcpy(d.get_dmi_ptr() + 0x300, a.data(), 32);
  std::vector<unsigned char> via_tlm(32, 0);
  sc_time delay = sc_core::SC_ZERO_TIME;
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0x300, via_tlm.data(), 32, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(via_tlm == a);
  auto c = pattern(32, 77);
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x400, c.data(), 32, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(std::memcmp(d.get_dmi_ptr() + 0x400, c.data(), 32) == 0);

  tlm::tlm_dmi out;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 4096, out));
  CHECK(out.get_start_address() == 4096);  // denied from the end of the memory upwards
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("memory with DMI disabled denies it and clears the hint", "[memory]") {
  auto cfg = small_config();
  cfg.dmi = false;
  Bench b(cfg);
  tlm::tlm_dmi d;
  CHECK_FALSE(b.init.dmi(tlm::TLM_WRITE_COMMAND, 0x10, d));
  CHECK(d.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
  unsigned char buf[4] = {};
  sc_time delay = sc_core::SC_ZERO_TIME;
  bool hint = true;
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0, buf, 4, delay, nullptr, 0, 0, &hint) == tlm::TLM_OK_RESPONSE);
  CHECK_FALSE(hint);
  CHECK(b.mem.counters().get("dmi_grants") == 0);
}

TEST_CASE("memory rejects invalid configurations", "[memory]") {
  auto bad = small_config();
  bad.size_bytes = 0;
  CHECK_THROWS_AS(cimvp::Memory("m0", bad), std::invalid_argument);
  bad = small_config();
  bad.bytes_per_ns = 0.0;
  CHECK_THROWS_WITH(cimvp::Memory("m1", bad), Catch::Contains("bytes_per_ns"));
  bad = small_config();
  bad.read_latency_ns = -1.0;
  CHECK_THROWS_AS(cimvp::Memory("m2", bad), std::invalid_argument);
}

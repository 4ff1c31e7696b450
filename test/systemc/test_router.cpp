// Router bench: test initiator -> TlmChecker -> Router -> TlmChecker -> {Memory A, Memory B,
// DMI-invalidating target}.  Map: A at 0x1000 (window 0x1000 = whole memory A),
// B at 0x10000 with a 0x100 window onto a 0x1000-byte memory (DMI must be clipped),
// C at 0x20000 (size 0x80).  Router latency 2 ns; memory latencies 10 ns, 1 B/ns.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/soc/memory/memory.h"
#include "cimvp/soc/router/router.h"
#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <memory>
#include <vector>

namespace {
using sc_core::sc_time;
using sc_core::SC_NS;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> invalidations;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { invalidations.emplace_back(s, e); }

  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len,
                                  sc_time& delay) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(t, delay);
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

// A target whose only job is to invalidate DMI ranges (in its local addresses) on demand.
struct Invalidator : sc_core::sc_module {
  tlm_utils::simple_target_socket<Invalidator> socket;
  explicit Invalidator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_b_transport(this, &Invalidator::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time&) { t.set_response_status(tlm::TLM_OK_RESPONSE); }
  void invalidate(std::uint64_t s, std::uint64_t e) { socket->invalidate_direct_mem_ptr(s, e); }
};

cimvp::RouterConfig router_config() {
  cimvp::RouterConfig c;
  c.map = {{"a", 0x1000, 0x1000}, {"b", 0x10000, 0x100}, {"c", 0x20000, 0x80}};
  c.latency_ns = 2.0;
  return c;
}

cimvp::MemoryConfig mem_config() {
  cimvp::MemoryConfig c;
  c.size_bytes = 0x1000;
  c.read_latency_ns = 10.0;
  c.write_latency_ns = 10.0;
  c.bytes_per_ns = 1.0;
  return c;
}

struct Bench {
  Initiator init{"init"};
  cimvp::TlmChecker chk_in{"chk_in"};
  cimvp::Router router{"router", router_config()};
  cimvp::TlmChecker chk_a{"chk_a"}, chk_b{"chk_b"}, chk_c{"chk_c"};
  cimvp::Memory mem_a{"mem_a", mem_config()}, mem_b{"mem_b", mem_config()};
  Invalidator inv{"inv"};
  Bench() {
    init.socket.bind(chk_in.target_socket);
    chk_in.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_a.target_socket);  // map[0]
    router.initiator_socket.bind(chk_b.target_socket);  // map[1]
    router.initiator_socket.bind(chk_c.target_socket);  // map[2]
    chk_a.initiator_socket.bind(mem_a.socket);
    chk_b.initiator_socket.bind(mem_b.socket);
    chk_c.initiator_socket.bind(inv.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  std::uint64_t violations() const {
    return chk_in.violations() + chk_a.violations() + chk_b.violations() + chk_c.violations();
  }
};
}  // namespace

TEST_CASE("router decodes and translates addresses and adds its latency", "[router]") {
  Bench b;
  const std::uint32_t v = 0xA1B2C3D4u;
  sc_time delay = sc_core::SC_ZERO_TIME;
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x1010, const_cast<std::uint32_t*>(&v), 4, delay) ==
        tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(2 + 10 + 4, SC_NS));  // router + memory latency + 4 B at 1 B/ns
  CHECK(std::memcmp(b.mem_a.data() + 0x10, &v, 4) == 0);
  delay = sc_core::SC_ZERO_TIME;
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x100FC, const_cast<std::uint32_t*>(&v), 4, delay) ==
        tlm::TLM_OK_RESPONSE);
  CHECK(std::memcmp(b.mem_b.data() + 0xFC, &v, 4) == 0);
  std::uint32_t r = 0;
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0x1FFC, &r, 4, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(r == 0u);
  std::memcpy(b.mem_a.data() + 0xFFC, &v, 4);
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 0x1FFC, &r, 4, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(r == v);
  CHECK(b.router.decode(0x0FFF) == -1);
  CHECK(b.router.decode(0x1000) == 0);
  CHECK(b.router.decode(0x1FFF) == 0);
  CHECK(b.router.decode(0x2000) == -1);
  CHECK(b.router.decode(0x100FF) == 1);
  CHECK(b.router.decode(0x10100) == -1);
  CHECK(b.router.decode(0x2007F) == 2);
  CHECK(b.router.counters().get("transactions") == 4);
  CHECK(b.router.counters().get("bytes") == 16);
  // The checker in front of the router saw the global address restored after every call.
  CHECK(b.violations() == 0);
}

TEST_CASE("router answers unmapped and window-crossing accesses with address errors", "[router]") {
  Bench b;
  unsigned char buf[8] = {};
  const std::uint64_t bad[] = {0x0, 0xFFF, 0x2000, 0x10100, 0xFFFFFFFFFFFFFFF0ull};
  for (std::uint64_t a : bad) {
    INFO(a);
    sc_time delay = sc_core::SC_ZERO_TIME;
    CHECK(b.init.access(tlm::TLM_READ_COMMAND, a, buf, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(delay == sc_time(2, SC_NS));  // the decode still costs the router latency
  }
  sc_time delay = sc_core::SC_ZERO_TIME;
  // 0x100FC + 8 runs past the end of window b although memory b is larger.
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x100FC, buf, 8, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.mem_b.counters().get("writes") == 0);
  // 0x0FFC + 8 starts unmapped and ends in a.
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0x0FFC, buf, 8, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.router.counters().get("errors") == 7);
  CHECK(b.router.counters().get("transactions") == 0);
  CHECK(b.violations() == 0);
}

TEST_CASE("router debug transport decodes and clips to the window and returns 0 unmapped", "[router]") {
  Bench b;
  std::vector<unsigned char> src(0x20);
  for (unsigned i = 0; i < src.size(); ++i) src[i] = static_cast<unsigned char>(0x40 + i);
  CHECK(b.init.debug(tlm::TLM_WRITE_COMMAND, 0x1100, src.data(), 0x20) == 0x20);
  CHECK(std::memcmp(b.mem_a.data() + 0x100, src.data(), 0x20) == 0);
  std::memcpy(b.mem_b.data() + 0xF0, src.data(), 0x20);  // 0x10 bytes beyond window b
  std::vector<unsigned char> dst(0x20, 0);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 0x100F0, dst.data(), 0x20) == 0x10);  // 0x10100 - 0x100F0
  CHECK(std::memcmp(dst.data(), src.data(), 0x10) == 0);
  CHECK(dst[0x10] == 0);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 0x3000, dst.data(), 4) == 0);
  for (const auto& c : b.router.counters().values()) CHECK(c.second == 0);
  CHECK(b.violations() == 0);
}

TEST_CASE("router DMI is clipped to the window and translated to global addresses", "[router]") {
  Bench b;
  tlm::tlm_dmi d;
  REQUIRE(b.init.dmi(tlm::TLM_READ_COMMAND, 0x1234, d));
  CHECK(d.get_start_address() == 0x1000);
  CHECK(d.get_end_address() == 0x1FFF);
  CHECK(d.get_dmi_ptr() == b.mem_a.data());
  CHECK(d.get_read_latency() == sc_time(10, SC_NS));

  tlm::tlm_dmi e;
  REQUIRE(b.init.dmi(tlm::TLM_WRITE_COMMAND, 0x10080, e));
  CHECK(e.get_start_address() == 0x10000);
  CHECK(e.get_end_address() == 0x100FF);  // memory b is 0x1000 bytes; the window is 0x100
  CHECK(e.get_dmi_ptr() == b.mem_b.data());
  // A byte written through DMI at global 0x10080 is memory b offset 0x80.
  e.get_dmi_ptr()[0x10080 - e.get_start_address()] = 0x5A;
  CHECK(b.mem_b.data()[0x80] == 0x5A);

  tlm::tlm_dmi gap;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 0x8000, gap));
  CHECK(gap.get_start_address() == 0x2000);  // between a's end and b's base
  CHECK(gap.get_end_address() == 0xFFFF);
  tlm::tlm_dmi top;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 0x30000, top));
  CHECK(top.get_start_address() == 0x20080);
  CHECK(top.get_end_address() == 0xFFFFFFFFFFFFFFFFull);
  tlm::tlm_dmi low;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 0x10, low));
  CHECK(low.get_start_address() == 0);
  CHECK(low.get_end_address() == 0xFFF);
  CHECK(b.router.counters().get("dmi_grants") == 2);
  CHECK(b.violations() == 0);
}

TEST_CASE("router forwards DMI invalidations translated and clipped", "[router]") {
  Bench b;
  b.inv.invalidate(0x10, 0x1F);
  b.inv.invalidate(0x40, 0xFFFFFFFFFFFFFFFFull);  // clipped to the 0x80 window
  b.inv.invalidate(0x100, 0x200);                  // outside the window: dropped
  REQUIRE(b.init.invalidations.size() == 2);
  CHECK(b.init.invalidations[0] == std::make_pair<std::uint64_t, std::uint64_t>(0x20010, 0x2001F));
  CHECK(b.init.invalidations[1] == std::make_pair<std::uint64_t, std::uint64_t>(0x20040, 0x2007F));
  CHECK(b.router.counters().get("dmi_invalidations") == 2);
  CHECK(b.violations() == 0);
}

TEST_CASE("router rejects overlapping and empty address maps", "[router]") {
  cimvp::RouterConfig c;
  c.map = {{"mem", 0x0, 0x1000}, {"dma", 0x800, 0x100}};
  CHECK_THROWS_WITH(cimvp::Router("r0", c),
                    Catch::Contains("'mem' [0x0, 0x1000)") && Catch::Contains("'dma' [0x800, 0x900)") &&
                        Catch::Contains("overlap"));
  c.map = {{"mem", 0x1000, 0x1000}, {"dma", 0x0, 0x1001}};  // touches by one byte
  CHECK_THROWS_AS(cimvp::Router("r1", c), std::invalid_argument);
  c.map = {{"mem", 0x1000, 0x1000}, {"dma", 0x0, 0x1000}};  // adjacent: fine
  CHECK_NOTHROW(cimvp::Router("r2", c));
  c.map = {{"zero", 0x0, 0}};
  CHECK_THROWS_WITH(cimvp::Router("r3", c), Catch::Contains("'zero' has size 0"));
  c.map = {{"wrap", 0xFFFFFFFFFFFFF000ull, 0x2000}};
  CHECK_THROWS_WITH(cimvp::Router("r4", c), Catch::Contains("wraps"));
  c.map = {{"top", 0xFFFFFFFFFFFFF000ull, 0x1000}};  // ends exactly at 2^64: fine
  CHECK_NOTHROW(cimvp::Router("r5", c));
  c.map.clear();
  CHECK_THROWS_AS(cimvp::Router("r6", c), std::invalid_argument);
}

TEST_CASE("router reports a map entry without a bound target", "[router]") {
  Initiator init("init");
  cimvp::Router router("router", router_config());
  cimvp::Memory mem("mem", mem_config());
  init.socket.bind(router.target_socket);
  router.initiator_socket.bind(mem.socket);  // map has 3 entries, 1 binding
  cimvp::test::ExpectReport guard("cimvp/router", sc_core::SC_ERROR);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  CHECK(guard.count() == 1);
  // The entries without a target behave as unmapped.
  std::uint32_t v = 0;
  sc_time delay = sc_core::SC_ZERO_TIME;
  CHECK(init.access(tlm::TLM_READ_COMMAND, 0x10000, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(init.access(tlm::TLM_READ_COMMAND, 0x1000, &v, 4, delay) == tlm::TLM_OK_RESPONSE);
  CHECK(init.debug(tlm::TLM_READ_COMMAND, 0x20000, &v, 4) == 0);
}

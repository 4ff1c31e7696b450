// Host bench: the firmware-like Host drives a small platform.
//   Host -> TlmChecker -> Router -> TlmChecker -> Memory   (0x8000_0000, 64 KiB)
//                                -> TlmChecker -> HostDma  (0x4000_0000, registers)
//   HostDma.initiator -> TlmChecker -> Router (second initiator)
//   irq[0] <- HostDma.irq, irq[1] <- a test pulse at 500 ns.
// Timing constants (by hand): host access 4 cycles x 1 ns; router 1 ns; memory read
// 50 ns, write 40 ns, 4 B/ns; DMA MMIO 2 ns; DMA clock 2 ns, 8-byte beats, 64-byte bursts,
// 10 ns setup, no DMI.  Global quantum 1 us.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/soc/host/host.h"
#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/soc/memory/memory.h"
#include "cimvp/soc/router/router.h"
#include "cimvp/core/tlm_checker.h"

#include <cstring>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::sc_time;
using sc_core::SC_NS;

constexpr std::uint64_t kMem = 0x80000000ull;
constexpr std::uint64_t kDma = 0x40000000ull;

struct Pulse : sc_core::sc_module {
  sc_core::sc_signal<bool> line;
  sc_time at;
  SC_HAS_PROCESS(Pulse);
  Pulse(sc_core::sc_module_name n, sc_time t) : sc_core::sc_module(n), line("line", false), at(t) { SC_THREAD(run); }
  void run() {
    wait(at);
    line.write(true);
  }
};

HostConfig host_config() {
  HostConfig c;
  c.clock_period_ns = 1.0;
  c.cycles_per_access = 4;
  c.irq_lines = 2;
  c.bus_width_bytes = 8;
  return c;
}

struct Bench {
  Host host{"host", host_config()};
  TlmChecker chk_host{"chk_host"}, chk_dma_out{"chk_dma_out"}, chk_mem{"chk_mem"}, chk_dma_regs{"chk_dma_regs"};
  Router router;
  Memory mem;
  HostDma dma;
  Pulse pulse{"pulse", sc_time(500, SC_NS)};
  sc_core::sc_signal<bool> dma_irq{"dma_irq"};

  static RouterConfig router_config() {
    RouterConfig c;
    c.map = {{"mem", kMem, 0x10000}, {"dma", kDma, dma_reg::WINDOW_BYTES}};
    c.latency_ns = 1.0;
    return c;
  }
  static MemoryConfig mem_config() {
    MemoryConfig c;
    c.size_bytes = 0x10000;
    c.read_latency_ns = 50.0;
    c.write_latency_ns = 40.0;
    c.bytes_per_ns = 4.0;
    return c;
  }
  static HostDmaConfig dma_config() {
    HostDmaConfig c;
    c.clock_period_ns = 2.0;
    c.bus_width_bytes = 8;
    c.burst_bytes = 64;
    c.setup_latency_ns = 10.0;
    c.use_dmi = false;
    return c;
  }
  Bench() : router("router", router_config()), mem("mem", mem_config()), dma("dma", dma_config()) {
    tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
    host.socket.bind(chk_host.target_socket);
    chk_host.initiator_socket.bind(router.target_socket);
    dma.initiator_socket.bind(chk_dma_out.target_socket);
    chk_dma_out.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_mem.target_socket);
    router.initiator_socket.bind(chk_dma_regs.target_socket);
    chk_mem.initiator_socket.bind(mem.socket);
    chk_dma_regs.initiator_socket.bind(dma.target_socket);
    dma.irq.bind(dma_irq);
    host.irq[0].bind(dma_irq);
    host.irq[1].bind(pulse.line);
  }
  std::uint64_t violations() const {
    return chk_host.violations() + chk_dma_out.violations() + chk_mem.violations() + chk_dma_regs.violations();
  }
};
}  // namespace

TEST_CASE("host reads and writes memory through the router with per-access timing", "[host]") {
  Bench b;
  std::vector<sc_time> t;
  std::uint32_t word = 0;
  unsigned char block_in[13], block_out[13] = {};
  for (unsigned i = 0; i < 13; ++i) block_in[i] = static_cast<unsigned char>(0xA0 + i);
  b.host.set_program([&](Hal& hal) {
    hal.write32(kMem + 0x40, 0xDEADBEEFu);
    t.push_back(hal.now());
    word = hal.read32(kMem + 0x40);
    t.push_back(hal.now());
    hal.write_block(kMem + 0x103, block_in, 13);
    t.push_back(hal.now());
    hal.read_block(kMem + 0x103, block_out, 13);
    t.push_back(hal.now());
  });
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  CHECK_FALSE(b.host.failed());
  CHECK(word == 0xDEADBEEFu);
  CHECK(b.mem.data()[0x40] == 0xEF);  // little-endian
  CHECK(b.mem.data()[0x43] == 0xDE);
  CHECK(std::memcmp(b.mem.data() + 0x103, block_in, 13) == 0);
  CHECK(std::memcmp(block_out, block_in, 13) == 0);
  REQUIRE(t.size() == 4);
  // write32 at 0: 1 (router) + 40 + 4/4 + 4 (host) = 46
  CHECK(t[0] == sc_time(46, SC_NS));
  // read32 synchronizes to 46, then 1 + 50 + 1 + 4 = 56
  CHECK(t[1] == sc_time(102, SC_NS));
  // write_block: 0x103..0x107 (5 B) then 0x108..0x10F (8 B), no sync:
  //   (1 + 40 + 1.25 + 4) + (1 + 40 + 2 + 4) = 93.25
  CHECK(t[2] == sc_time(195250, sc_core::SC_PS));
  //   read_block: (1 + 50 + 1.25 + 4) + (1 + 50 + 2 + 4) = 113.25
  CHECK(t[3] == sc_time(308500, sc_core::SC_PS));
  CHECK(b.host.finish_time() == sc_time(308500, sc_core::SC_PS));  // synchronized at the end
  CHECK(b.host.counters().get("writes") == 3);
  CHECK(b.host.counters().get("reads") == 3);
  CHECK(b.host.counters().get("bytes_written") == 17);
  CHECK(b.host.counters().get("bytes_read") == 17);
  CHECK(b.violations() == 0);
}

TEST_CASE("host programs the DMA and wait_irq returns when the irq rises", "[host]") {
  Bench b;
  for (unsigned i = 0; i < 100; ++i) b.mem.data()[i] = static_cast<unsigned char>(3 * i + 1);
  sc_time woke;
  std::uint32_t status = 0;
  b.host.set_program([&](Hal& hal) {
    hal.write32(kDma + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);
    hal.write32(kDma + dma_reg::SRC_LO, static_cast<std::uint32_t>(kMem));
    hal.write32(kDma + dma_reg::SRC_HI, 0);
    hal.write32(kDma + dma_reg::DST_LO, static_cast<std::uint32_t>(kMem + 0x1000));
    hal.write32(kDma + dma_reg::DST_HI, 0);
    hal.write32(kDma + dma_reg::LEN, 100);
    hal.write32(kDma + dma_reg::CTRL, dma_bit::CTRL_START);
    hal.wait_irq(0);
    woke = hal.now();
    status = hal.read32(kDma + dma_reg::STATUS);
    hal.write32(kDma + dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE);
  });
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  // Each register write: router 1 + DMA 2 + host 4 = 7 ns; the 7th (CTRL) is issued at
  // 42 ns and takes effect at 45 ns.  100 bytes = burst 64 (16 + 67 + 57 = 140 ns) +
  // burst 36 (10 + 60 + 50 = 120 ns), setup 10 ns: irq at 45 + 270 = 315 ns.
  CHECK(woke == sc_time(315, SC_NS));
  CHECK(status == dma_bit::STATUS_DONE);
  CHECK(std::memcmp(b.mem.data() + 0x1000, b.mem.data(), 100) == 0);
  CHECK_FALSE(b.dma_irq.read());
  CHECK(b.host.counters().get("irq_waits") == 1);
  CHECK(b.violations() == 0);
}

TEST_CASE("host wait_irq waits for a later edge and returns at once when the line is high", "[host]") {
  Bench b;
  sc_time first, second;
  b.host.set_program([&](Hal& hal) {
    hal.write32(kMem, 1);  // local time 46 ns, not synchronized yet
    hal.wait_irq(1);
    first = hal.now();
    hal.wait_irq(1);  // already high
    second = hal.now();
  });
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  CHECK(first == sc_time(500, SC_NS));
  CHECK(second == sc_time(500, SC_NS));
  CHECK_FALSE(b.host.waiting_irq.read());
}

TEST_CASE("host bus error stops the program with a cimvp/host error", "[host]") {
  Bench b;
  bool after = false;
  b.host.set_program([&](Hal& hal) {
    hal.write32(kMem, 1);
    hal.read32(0x1000);  // unmapped
    after = true;
  });
  cimvp::test::ExpectReport guard("cimvp/host", sc_core::SC_ERROR);
  sc_core::sc_start();
  CHECK(guard.count() == 1);
  CHECK(b.host.failed());
  CHECK_FALSE(b.host.finished());
  CHECK_FALSE(after);
  CHECK_THAT(b.host.error(), Catch::Contains("read at 0x1000") && Catch::Contains("TLM_ADDRESS_ERROR_RESPONSE"));
  CHECK(b.host.counters().get("errors") == 1);
  REQUIRE_FALSE(cimvp::test::seen_reports().empty());
  CHECK_THAT(cimvp::test::seen_reports().back().msg, Catch::Contains("bus error"));
}

TEST_CASE("host program may catch BusError itself and go on", "[host]") {
  Bench b;
  std::uint64_t addr = 0;
  tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
  b.host.set_program([&](Hal& hal) {
    try {
      std::uint32_t v = 7;
      hal.write_block(0x90000000ull, &v, 4);
    } catch (const BusError& e) {
      addr = e.address();
      status = e.status();
    }
    hal.write32(kMem, 2);
  });
  sc_core::sc_start();
  CHECK(b.host.finished());
  CHECK(addr == 0x90000000ull);
  CHECK(status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.mem.data()[0] == 2);
}

TEST_CASE("host reports a bad irq line as a program error", "[host]") {
  Bench b;
  b.host.set_program([](Hal& hal) { hal.wait_irq(2); });  // only lines 0 and 1
  cimvp::test::ExpectReport guard("cimvp/host", sc_core::SC_ERROR);
  sc_core::sc_start();
  CHECK(guard.count() == 1);
  CHECK(b.host.failed());
  CHECK_THAT(b.host.error(), Catch::Contains("wait_irq(2)"));
}

TEST_CASE("host without a program finishes at time 0 and refuses Hal calls from outside", "[host]") {
  Bench b;
  // (Checked before sc_start: with Debian's uninstrumented SystemC coroutines,
  // AddressSanitizer misreports exceptions thrown on the main stack after threads ran.)
  CHECK_THROWS_AS(b.host.read32(kMem), std::logic_error);
  sc_core::sc_start();
  CHECK(b.host.finished());
  CHECK(b.host.finish_time() == sc_core::SC_ZERO_TIME);
}

TEST_CASE("host rejects invalid configurations", "[host]") {
  auto c = host_config();
  c.bus_width_bytes = 0;
  CHECK_THROWS_WITH(Host("h0", c), Catch::Contains("bus_width_bytes"));
  c = host_config();
  c.clock_period_ns = -1.0;
  CHECK_THROWS_AS(Host("h1", c), std::invalid_argument);
}

// BusMaster bench: an initiator owning a BusMaster -> TlmChecker -> Memory.
// Timing constants (by hand): bus clock 2 ns, 8-byte beats, 256-byte bursts; memory read
// 50 ns, write 40 ns, 4 B/ns.  Per burst of n bytes, beats = ceil(n/8):
//   TLM read  : 50 + n/4 + 2·beats        TLM write : 40 + n/4 + 2·beats
//   DMI read  : 50 + 2·beats              DMI write : 40 + 2·beats
//   copy      : both accesses, the beats once.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/core/bus_master.h"
#include "cimvp/core/tlm_checker.h"
#include "cimvp/soc/memory/memory.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::SC_NS;
using sc_core::sc_time;

constexpr std::uint64_t kMemSize = 0x10000;

BusMasterConfig bus_config(bool dmi) {
  BusMasterConfig c;
  c.clock = sc_time(2, SC_NS);
  c.bus_width_bytes = 8;
  c.burst_bytes = 256;
  c.use_dmi = dmi;
  return c;
}

MemoryConfig mem_config(bool dmi) {
  MemoryConfig c;
  c.size_bytes = kMemSize;
  c.read_latency_ns = 50.0;
  c.write_latency_ns = 40.0;
  c.bytes_per_ns = 4.0;
  c.dmi = dmi;
  return c;
}

/// A minimal initiator: its thread runs `body` with the quantum keeper reset.
struct Master : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Master> socket;
  tlm_utils::tlm_quantumkeeper qk;
  BusMaster bus;
  std::function<void(Master&)> body;
  bool done = false;
  SC_HAS_PROCESS(Master);
  Master(sc_core::sc_module_name n, const BusMasterConfig& c) : sc_core::sc_module(n), socket("socket"), bus(socket, qk, c) {
    socket.register_invalidate_direct_mem_ptr(this, &Master::invalidate);
    SC_THREAD(run);
  }
  void invalidate(sc_dt::uint64 s, sc_dt::uint64 e) { bus.invalidate_direct_mem_ptr(s, e); }
  void run() {
    qk.reset();
    if (body) body(*this);
    qk.sync();
    done = true;
  }
};

struct Bench {
  Master master;
  TlmChecker chk;
  Memory mem;
  Bench(bool bus_dmi, bool mem_dmi)
      : master("master", bus_config(bus_dmi)), chk("chk"), mem("mem", mem_config(mem_dmi)) {
    master.socket.bind(chk.target_socket);
    chk.initiator_socket.bind(mem.socket);
    for (std::uint64_t i = 0; i < kMemSize; ++i) mem.data()[i] = static_cast<std::uint8_t>(i * 7 + 3);
  }
};

double read_ns(unsigned n, bool dmi) { return 50.0 + (dmi ? 0.0 : n / 4.0) + 2.0 * ((n + 7) / 8); }
double write_ns(unsigned n, bool dmi) { return 40.0 + (dmi ? 0.0 : n / 4.0) + 2.0 * ((n + 7) / 8); }

}  // namespace

TEST_CASE("bus master reads and writes in bursts through TLM with the documented cost", "[bus_master]") {
  Bench b(false, true);
  sc_time t_read, t_write;
  std::vector<std::uint8_t> got(600), out(600);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(255 - i);
  BusResult r_read, r_write;
  b.master.body = [&](Master& m) {
    r_read = m.bus.read(0x100, got.data(), got.size());
    t_read = m.qk.get_local_time();
    r_write = m.bus.write(0x2000, out.data(), out.size());
    t_write = m.qk.get_local_time() - t_read;
  };
  sc_core::sc_start();
  REQUIRE(b.master.done);
  CHECK(r_read.ok());
  CHECK(r_read.done == 600);
  CHECK(r_write.ok());
  for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == static_cast<std::uint8_t>((0x100 + i) * 7 + 3));
  for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(b.mem.data()[0x2000 + i] == out[i]);
  CHECK(t_read == sc_time(read_ns(256, false) * 2 + read_ns(88, false), SC_NS));
  CHECK(t_write == sc_time(write_ns(256, false) * 2 + write_ns(88, false), SC_NS));
  const BusStats& s = b.master.bus.stats();
  CHECK(s.tlm_reads == 3);
  CHECK(s.tlm_writes == 3);
  CHECK(s.dmi_reads == 0);
  CHECK(s.dmi_grants == 0);
  CHECK(s.bytes_read == 600);
  CHECK(s.bytes_written == 600);
  CHECK(s.bursts == 6);
  CHECK(s.beats == 2 * (32 + 32 + 11));
  CHECK(b.chk.violations() == 0);
}

TEST_CASE("bus master uses DMI when granted and counts into the owner's counters", "[bus_master]") {
  Bench b(true, true);
  CounterSet counters;
  BusCounterMap map;
  map.dmi_reads = counters.declare("dmi_reads");
  map.dmi_writes = counters.declare("dmi_writes");
  map.dmi_grants = counters.declare("dmi_grants");
  map.bytes_read = counters.declare("bytes_read");
  map.dmi_bytes_written = counters.declare("dmi_bytes_written");
  b.master.bus.count_into(counters, map);
  sc_time t_read, t_write, t_copy;
  std::vector<std::uint8_t> got(600), out(600, 0x5A);
  BusResult r_copy;
  b.master.body = [&](Master& m) {
    REQUIRE(m.bus.read(0x100, got.data(), got.size()).ok());
    t_read = m.qk.get_local_time();
    REQUIRE(m.bus.write(0x2000, out.data(), out.size()).ok());
    t_write = m.qk.get_local_time() - t_read;
    const sc_time t0 = m.qk.get_local_time();
    r_copy = m.bus.copy(0x100, 0x4000, 300);
    t_copy = m.qk.get_local_time() - t0;
  };
  sc_core::sc_start();
  REQUIRE(b.master.done);
  CHECK(r_copy.ok());
  for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == static_cast<std::uint8_t>((0x100 + i) * 7 + 3));
  for (std::size_t i = 0; i < 600; ++i) REQUIRE(b.mem.data()[0x2000 + i] == 0x5A);
  for (std::size_t i = 0; i < 300; ++i) REQUIRE(b.mem.data()[0x4000 + i] == b.mem.data()[0x100 + i]);
  CHECK(t_read == sc_time(read_ns(256, true) * 2 + read_ns(88, true), SC_NS));
  CHECK(t_write == sc_time(write_ns(256, true) * 2 + write_ns(88, true), SC_NS));
  // copy: per burst read + write latency, beats once (256 + 44 bytes).
  CHECK(t_copy == sc_time(50 + 40 + 2 * 32 + 50 + 40 + 2 * 6, SC_NS));
  const BusStats& s = b.master.bus.stats();
  CHECK(s.dmi_reads == 3 + 2);
  CHECK(s.dmi_writes == 3 + 2);
  CHECK(s.tlm_reads + s.tlm_writes == 0);
  CHECK(s.dmi_grants == 1);  // one read-write region covers the memory
  CHECK(s.dmi_bytes_read == 900);
  CHECK(counters.get("dmi_reads") == s.dmi_reads);
  CHECK(counters.get("dmi_writes") == s.dmi_writes);
  CHECK(counters.get("dmi_grants") == s.dmi_grants);
  CHECK(counters.get("bytes_read") == 900);
  CHECK(counters.get("dmi_bytes_written") == 900);
  CHECK(b.chk.violations() == 0);
}

TEST_CASE("bus master stops at the failing burst and reports it", "[bus_master]") {
  Bench b(true, true);
  std::vector<std::uint8_t> got(600);
  BusResult r, w, c;
  sc_time t_fail;
  b.master.body = [&](Master& m) {
    // Bursts at size-300 (inside: DMI) and size-44 (runs off the end: TLM, error).
    r = m.bus.read(kMemSize - 300, got.data(), got.size());
    t_fail = m.qk.get_local_time();
    w = m.bus.write(kMemSize + 0x100, got.data(), 8);
    c = m.bus.copy(0x100, kMemSize - 8, 64);
  };
  sc_core::sc_start();
  REQUIRE(b.master.done);
  CHECK_FALSE(r.ok());
  CHECK(r.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(r.cmd == tlm::TLM_READ_COMMAND);
  CHECK(r.addr == kMemSize - 44);
  CHECK(r.length == 256);
  CHECK(r.done == 256);
  CHECK(r.describe() == "read of 256 bytes at 0xffd4 answered TLM_ADDRESS_ERROR_RESPONSE");
  // The failing burst costs no beats (the memory annotates nothing for an error).
  CHECK(t_fail == sc_time(read_ns(256, true), SC_NS));
  CHECK_FALSE(w.ok());
  CHECK(w.cmd == tlm::TLM_WRITE_COMMAND);
  CHECK(w.addr == kMemSize + 0x100);
  CHECK(w.done == 0);
  CHECK_FALSE(c.ok());
  CHECK(c.cmd == tlm::TLM_WRITE_COMMAND);
  CHECK(c.addr == kMemSize - 8);
  const BusStats& s = b.master.bus.stats();
  CHECK(s.dmi_reads == 2);  // the first read burst and the copy's read
  CHECK(s.tlm_reads == 0);
  CHECK(s.bursts == 1);
  CHECK(b.chk.violations() == 0);
}

TEST_CASE("bus master synchronises inside long transfers only when asked", "[bus_master]") {
  tlm::tlm_global_quantum::instance().set(sc_time(100, SC_NS));
  Bench b(false, false);
  BusMasterConfig c = bus_config(false);
  c.sync_when_needed = true;
  // A second master with syncing on, on its own memory.
  Master m2("m2", c);
  TlmChecker chk2("chk2");
  Memory mem2("mem2", mem_config(false));
  m2.socket.bind(chk2.target_socket);
  chk2.initiator_socket.bind(mem2.socket);
  sc_time local_nosync, local_sync, now_sync;
  b.master.body = [&](Master& m) {
    (void)m.bus.copy(0, 0x8000, 1024);
    local_nosync = m.qk.get_local_time();
  };
  m2.body = [&](Master& m) {
    (void)m.bus.copy(0, 0x8000, 1024);
    local_sync = m.qk.get_local_time();
    now_sync = sc_core::sc_time_stamp();
  };
  sc_core::sc_start();
  REQUIRE(b.master.done);
  REQUIRE(m2.done);
  // Same total time, but the syncing master has moved the kernel time forward.
  CHECK(local_sync < sc_time(100, SC_NS));
  CHECK(now_sync + local_sync == local_nosync);
  CHECK(b.master.bus.stats().bursts == 4);
  CHECK(m2.bus.stats().bursts == 4);
  CHECK(b.chk.violations() + chk2.violations() == 0);
}

TEST_CASE("bus master rejects a zero bus width or burst", "[bus_master]") {
  Bench b(false, false);
  BusMasterConfig c = bus_config(false);
  c.burst_bytes = 0;
  CHECK_THROWS_AS(BusMaster(b.master.socket, b.master.qk, c), std::invalid_argument);
  c = bus_config(false);
  c.bus_width_bytes = 0;
  CHECK_THROWS_AS(BusMaster(b.master.socket, b.master.qk, c), std::invalid_argument);
}

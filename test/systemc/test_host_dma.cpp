// HostDma bench.
//   Cpu (test thread) -> TlmChecker -> HostDma.target_socket          (MMIO)
//   HostDma.initiator_socket -> TlmChecker -> Router -> TlmChecker -> Memory
// The memory is mapped at 0x1_0000_0000 (so SRC_HI/DST_HI matter); nothing else is mapped.
// Timing constants (by hand): DMA clock 2 ns, 8-byte bus, 64-byte bursts, 10 ns setup;
// router 1 ns; memory read 50 ns, write 40 ns, 4 B/ns.  Per burst of n bytes:
//   TLM : ceil(n/8)*2 + (1 + 50 + n/4) + (1 + 40 + n/4)  ns
//   DMI : ceil(n/8)*2 + 50 + 40                          ns (DMI latencies, no router)
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/soc/memory/memory.h"
#include "cimvp/soc/router/router.h"
#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::sc_time;
using sc_core::SC_NS;

constexpr std::uint64_t kBase = 0x100000000ull;  // memory window
constexpr std::uint64_t kMemSize = 0x10000;

struct Cpu : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Cpu> socket;
  sc_core::sc_in<bool> irq;
  std::function<void(Cpu&)> body;
  bool done = false;
  SC_HAS_PROCESS(Cpu);
  explicit Cpu(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket"), irq("irq") { SC_THREAD(run); }
  void run() {
    if (body) body(*this);
    done = true;
  }
  // One MMIO access at the current time; the thread then waits the annotated delay.
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint32_t off, std::uint32_t& v) {
    unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                          static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(off);
    t.set_data_ptr(b);
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    wait(delay);
    v = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
    return t.get_response_status();
  }
  void write(std::uint32_t off, std::uint32_t v) { CHECK(access(tlm::TLM_WRITE_COMMAND, off, v) == tlm::TLM_OK_RESPONSE); }
  std::uint32_t read(std::uint32_t off) {
    std::uint32_t v = 0;
    CHECK(access(tlm::TLM_READ_COMMAND, off, v) == tlm::TLM_OK_RESPONSE);
    return v;
  }
  // Programs a transfer and starts it; returns the time the START took effect.
  sc_time start(std::uint64_t src, std::uint64_t dst, std::uint32_t len) {
    write(dma_reg::SRC_LO, static_cast<std::uint32_t>(src));
    write(dma_reg::SRC_HI, static_cast<std::uint32_t>(src >> 32));
    write(dma_reg::DST_LO, static_cast<std::uint32_t>(dst));
    write(dma_reg::DST_HI, static_cast<std::uint32_t>(dst >> 32));
    write(dma_reg::LEN, len);
    write(dma_reg::CTRL, dma_bit::CTRL_START);
    return sc_core::sc_time_stamp();  // the CTRL write's delay has been waited
  }
  // Waits for irq high; returns the time it rose (or now if it already was high).
  sc_time wait_irq() {
    if (!irq.read()) wait(irq.posedge_event());
    return sc_core::sc_time_stamp();
  }
};

HostDmaConfig dma_config(bool dmi) {
  HostDmaConfig c;
  c.clock_period_ns = 2.0;
  c.bus_width_bytes = 8;
  c.burst_bytes = 64;
  c.setup_latency_ns = 10.0;
  c.use_dmi = dmi;
  return c;
}

MemoryConfig mem_config() {
  MemoryConfig c;
  c.size_bytes = kMemSize;
  c.read_latency_ns = 50.0;
  c.write_latency_ns = 40.0;
  c.bytes_per_ns = 4.0;
  c.dmi = true;
  return c;
}

RouterConfig router_config() {
  RouterConfig c;
  c.map = {{"mem", kBase, kMemSize}};
  c.latency_ns = 1.0;
  return c;
}

// Transfer time after START (setup + bursts), from the formulas in the header comment.
sc_time expected_duration(std::uint64_t len, bool dmi) {
  double ns = 10.0;
  for (std::uint64_t off = 0; off < len; off += 64) {
    const double n = static_cast<double>(std::min<std::uint64_t>(64, len - off));
    const double beats = static_cast<double>((static_cast<std::uint64_t>(n) + 7) / 8);
    ns += beats * 2.0 + (dmi ? 50.0 + 40.0 : (1.0 + 50.0 + n / 4.0) + (1.0 + 40.0 + n / 4.0));
  }
  return sc_time(ns, SC_NS);
}

struct Bench {
  Cpu cpu;
  TlmChecker chk_mmio, chk_dma, chk_mem;
  HostDma dma;
  Router router;
  Memory mem;
  sc_core::sc_signal<bool> irq;
  Bench(const std::string& p, bool dmi)
      : cpu((p + "cpu").c_str()),
        chk_mmio((p + "chk_mmio").c_str()),
        chk_dma((p + "chk_dma").c_str()),
        chk_mem((p + "chk_mem").c_str()),
        dma((p + "dma").c_str(), dma_config(dmi)),
        router((p + "router").c_str(), router_config()),
        mem((p + "mem").c_str(), mem_config()),
        irq((p + "irq").c_str()) {
    cpu.socket.bind(chk_mmio.target_socket);
    chk_mmio.initiator_socket.bind(dma.target_socket);
    dma.initiator_socket.bind(chk_dma.target_socket);
    chk_dma.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_mem.target_socket);
    chk_mem.initiator_socket.bind(mem.socket);
    dma.irq.bind(irq);
    cpu.irq.bind(irq);
  }
  std::uint64_t violations() const { return chk_mmio.violations() + chk_dma.violations() + chk_mem.violations(); }
};

// Fills memory: source bytes follow a pattern, everything else 0xEE (guard value).
void fill(unsigned char* m, std::uint64_t size) {
  for (std::uint64_t i = 0; i < size; ++i) m[i] = 0xEE;
  for (std::uint64_t i = 0; i < 0x2000; ++i) m[i] = static_cast<unsigned char>((i * 131u + 7u) >> 1);
}
void fill(Memory& m) { fill(m.data(), m.size()); }

struct Job {
  std::uint64_t src_off, dst_off;
  std::uint32_t len;
};
const std::vector<Job> kJobs = {
    {0x101, 0x4003, 1}, {0x203, 0x5001, 3}, {0x007, 0x6005, 63}, {0x3FF, 0x7007, 65}, {0x013, 0x8009, 1000},
    {0x000, 0x9000, 64}, {0x001, 0xA002, 128},
};

// The expected memory image after kJobs: a byte-for-byte reference copy.
std::vector<unsigned char> reference_image() {
  std::vector<unsigned char> img(kMemSize);
  fill(img.data(), img.size());
  for (const auto& j : kJobs)
    for (std::uint32_t i = 0; i < j.len; ++i) img[j.dst_off + i] = img[j.src_off + i];
  return img;
}

void run_jobs(Cpu& cpu, bool dmi, std::vector<sc_time>& durations) {
  cpu.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
  for (const auto& j : kJobs) {
    const sc_time t0 = cpu.start(kBase + j.src_off, kBase + j.dst_off, j.len);
    const sc_time t1 = cpu.wait_irq();
    durations.push_back(t1 - t0);
    CHECK(t1 - t0 == expected_duration(j.len, dmi));
    CHECK(cpu.read(dma_reg::STATUS) == dma_bit::STATUS_DONE);
    CHECK(cpu.read(dma_reg::IRQ_STATUS) == dma_bit::IRQ_DONE);
    cpu.write(dma_reg::STATUS, dma_bit::STATUS_DONE);
    cpu.write(dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE);
    CHECK(cpu.read(dma_reg::STATUS) == 0u);
  }
}
}  // namespace

TEST_CASE("host_dma copies odd lengths at odd alignments byte for byte with and without DMI", "[host_dma]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  Bench tlm_bench("t_", false), dmi_bench("d_", true);
  fill(tlm_bench.mem);
  fill(dmi_bench.mem);
  std::vector<sc_time> t_tlm, t_dmi;
  tlm_bench.cpu.body = [&](Cpu& c) { run_jobs(c, false, t_tlm); };
  dmi_bench.cpu.body = [&](Cpu& c) { run_jobs(c, true, t_dmi); };
  sc_core::sc_start();
  REQUIRE(tlm_bench.cpu.done);
  REQUIRE(dmi_bench.cpu.done);
  const auto ref = reference_image();
  std::size_t bad_tlm = 0, bad_dmi = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    bad_tlm += tlm_bench.mem.data()[i] != ref[i];
    bad_dmi += dmi_bench.mem.data()[i] != ref[i];
  }
  CHECK(bad_tlm == 0);
  CHECK(bad_dmi == 0);
  // Hand check of the 1000-byte job (15 bursts of 64 + one of 40):
  //   TLM: 10 + 15*(16 + 67 + 57) + (10 + 61 + 51) = 2232 ns;  DMI: 10 + 15*106 + 100 = 1700 ns.
  REQUIRE(t_tlm.size() == kJobs.size());
  CHECK(t_tlm[4] == sc_time(2232, SC_NS));
  CHECK(t_dmi[4] == sc_time(1700, SC_NS));

  std::uint64_t bytes = 0, bursts = 0;
  for (const auto& j : kJobs) {
    bytes += j.len;
    bursts += (j.len + 63) / 64;
  }
  const auto& ct = tlm_bench.dma.counters();
  CHECK(ct.get("transfers") == kJobs.size());
  CHECK(ct.get("bursts") == bursts);
  CHECK(ct.get("reads") == bursts);
  CHECK(ct.get("writes") == bursts);
  CHECK(ct.get("bytes_read") == bytes);
  CHECK(ct.get("bytes_written") == bytes);
  CHECK(ct.get("dmi_reads") == 0);
  CHECK(ct.get("irqs") == kJobs.size());
  CHECK(ct.get("errors") == 0);
  const auto& cd = dmi_bench.dma.counters();
  CHECK(cd.get("dmi_reads") == bursts);
  CHECK(cd.get("dmi_writes") == bursts);
  CHECK(cd.get("reads") == 0);
  CHECK(cd.get("dmi_grants") == 1);  // one grant covers the whole memory window
  CHECK(cd.get("bytes_written") == bytes);
  CHECK(tlm_bench.violations() == 0);
  CHECK(dmi_bench.violations() == 0);
}

TEST_CASE("host_dma irq rises at the hand-computed time with a large quantum", "[host_dma]") {
  tlm::tlm_global_quantum::instance().set(sc_time(10, sc_core::SC_US));
  Bench b("", false);
  fill(b.mem);
  sc_time t_start, t_irq, t_busy_low;
  bool busy_seen = false;
  b.cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);
    t_start = c.start(kBase + 0x10, kBase + 0x3000, 200);
    wait(sc_core::SC_ZERO_TIME);  // let the signal update land
    busy_seen = b.dma.busy.read();
    t_irq = c.wait_irq();
    wait(sc_core::SC_ZERO_TIME);
    t_busy_low = sc_core::sc_time_stamp();
    CHECK_FALSE(b.dma.busy.read());
  };
  sc_core::sc_start();
  // 7 register writes of 2 ns each: START takes effect at 14 ns.
  CHECK(t_start == sc_time(14, SC_NS));
  CHECK(busy_seen);
  // 200 bytes = 3 bursts of 64 (140 ns each) + 8 bytes (2 + 53 + 43 = 98 ns), setup 10 ns.
  CHECK(t_irq == sc_time(14 + 10 + 3 * 140 + 98, SC_NS));
  CHECK(t_busy_low == t_irq);
  CHECK(b.violations() == 0);
}

TEST_CASE("host_dma error on an unmapped source sets ERROR and ERR_ADDR and ERR_CAUSE and irq", "[host_dma]") {
  Bench b("", false);
  fill(b.mem);
  cimvp::test::ExpectReport warn("cimvp/host_dma", sc_core::SC_WARNING);
  sc_time t_start, t_irq;
  std::uint32_t status = 0, irq_status = 0, lo = 0, hi = 0, cause = 0;
  b.cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_ERROR);
    t_start = c.start(0x200000010ull, kBase + 0x3000, 100);
    t_irq = c.wait_irq();
    status = c.read(dma_reg::STATUS);
    irq_status = c.read(dma_reg::IRQ_STATUS);
    lo = c.read(dma_reg::ERR_ADDR_LO);
    hi = c.read(dma_reg::ERR_ADDR_HI);
    cause = c.read(dma_reg::ERR_CAUSE);
    c.write(dma_reg::IRQ_STATUS, dma_bit::IRQ_ERROR);  // w1c drops the line
    wait(sc_core::SC_ZERO_TIME);
    CHECK_FALSE(c.irq.read());
  };
  sc_core::sc_start();
  CHECK(status == dma_bit::STATUS_ERROR);  // not BUSY, not DONE
  CHECK(irq_status == dma_bit::IRQ_ERROR);
  CHECK(lo == 0x00000010u);
  CHECK(hi == 0x2u);
  CHECK(cause == dma_err::READ);
  CHECK(t_irq - t_start == sc_time(10 + 1, SC_NS));  // setup + the router's decode
  CHECK(warn.count() == 1);
  CHECK(b.mem.data()[0x3000] == 0xEE);  // nothing written
  CHECK(b.dma.counters().get("errors") == 1);
  CHECK(b.dma.counters().get("transfers") == 0);
  CHECK(b.violations() == 0);
}

TEST_CASE("host_dma stops at the first failing burst of a source running off the map", "[host_dma]") {
  Bench b("", true);
  fill(b.mem);
  cimvp::test::ExpectReport warn("cimvp/host_dma", sc_core::SC_WARNING);
  std::uint32_t lo = 0, hi = 0, cause = 0, status = 0;
  b.cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_ERROR | dma_bit::IRQ_DONE);
    c.start(kBase + kMemSize - 64, kBase + 0x3000, 0x100);  // 2nd burst starts past the end
    c.wait_irq();
    status = c.read(dma_reg::STATUS);
    lo = c.read(dma_reg::ERR_ADDR_LO);
    hi = c.read(dma_reg::ERR_ADDR_HI);
    cause = c.read(dma_reg::ERR_CAUSE);
  };
  sc_core::sc_start();
  CHECK(status == dma_bit::STATUS_ERROR);
  CHECK(lo == static_cast<std::uint32_t>(kBase + kMemSize));  // 0x1_0001_0000
  CHECK(hi == 1u);
  CHECK(cause == dma_err::READ);
  for (unsigned i = 0; i < 64; ++i) CHECK(b.mem.data()[0x3000 + i] == b.mem.data()[kMemSize - 64 + i]);
  CHECK(b.mem.data()[0x3000 + 64] == 0xEE);
  CHECK(b.dma.counters().get("bursts") == 1);
  CHECK(warn.count() == 1);
  CHECK(b.violations() == 0);
}

TEST_CASE("host_dma error on an unmapped destination reports the write address", "[host_dma]") {
  Bench b("", false);
  fill(b.mem);
  cimvp::test::ExpectReport warn("cimvp/host_dma", sc_core::SC_WARNING);
  std::uint32_t lo = 0, cause = 0;
  b.cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_ERROR);
    c.start(kBase, 0x30000001ull, 8);
    c.wait_irq();
    lo = c.read(dma_reg::ERR_ADDR_LO);
    cause = c.read(dma_reg::ERR_CAUSE);
  };
  sc_core::sc_start();
  CHECK(lo == 0x30000001u);
  CHECK(cause == dma_err::WRITE);
  CHECK(warn.count() == 1);
}

TEST_CASE("host_dma START while busy sets ERROR and is ignored", "[host_dma]") {
  Bench b("", false);
  fill(b.mem);
  cimvp::test::ExpectReport warn("cimvp/host_dma", sc_core::SC_WARNING);
  sc_time t_start, t_irq;
  std::uint32_t status_mid = 0, cause = 0, status_end = 0, irq_status = 0;
  b.cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);  // only DONE raises the line
    t_start = c.start(kBase + 0x20, kBase + 0x1000, 256);
    c.write(dma_reg::LEN, 4);  // must not affect the running transfer
    c.write(dma_reg::CTRL, dma_bit::CTRL_START);
    status_mid = c.read(dma_reg::STATUS);
    cause = c.read(dma_reg::ERR_CAUSE);
    CHECK(c.read(dma_reg::CTRL) == 0u);  // START self-clears
    t_irq = c.wait_irq();
    status_end = c.read(dma_reg::STATUS);
    irq_status = c.read(dma_reg::IRQ_STATUS);
  };
  sc_core::sc_start();
  CHECK(status_mid == (dma_bit::STATUS_BUSY | dma_bit::STATUS_ERROR));
  CHECK(cause == dma_err::START_WHILE_BUSY);
  CHECK(status_end == (dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR));
  CHECK(irq_status == (dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR));
  CHECK(t_irq - t_start == expected_duration(256, false));
  for (unsigned i = 0; i < 256; ++i) CHECK(b.mem.data()[0x1000 + i] == b.mem.data()[0x20 + i]);
  CHECK(b.dma.counters().get("transfers") == 1);
  CHECK(b.dma.counters().get("errors") == 1);
  CHECK(warn.count() == 1);
}

TEST_CASE("host_dma registers reset values and read-only bits and zero length and bad accesses", "[host_dma]") {
  Bench b("", false);
  sc_time t_start, t_irq;
  b.cpu.body = [&](Cpu& c) {
    CHECK(c.read(dma_reg::ID) == 0x48444D41u);
    CHECK(c.read(dma_reg::VERSION) == 0x00010000u);
    for (std::uint32_t off = dma_reg::CTRL; off <= dma_reg::ERR_CAUSE; off += 4) CHECK(c.read(off) == 0u);
    c.write(dma_reg::ID, 0);
    CHECK(c.read(dma_reg::ID) == 0x48444D41u);
    c.write(dma_reg::STATUS, 0xFFFFFFFFu);  // BUSY is read-only, DONE/ERROR w1c: stays 0
    CHECK(c.read(dma_reg::STATUS) == 0u);
    c.write(dma_reg::IRQ_ENABLE, 0xFFFFFFFFu);
    CHECK(c.read(dma_reg::IRQ_ENABLE) == 3u);
    c.write(dma_reg::SRC_HI, 0x12345678u);
    CHECK(c.read(dma_reg::SRC_HI) == 0x12345678u);
    std::uint32_t v = 0;
    CHECK(c.access(tlm::TLM_READ_COMMAND, 0x3C, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(c.access(tlm::TLM_READ_COMMAND, 0x06, v) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    // Zero-length transfer: DONE after the setup latency, no bus traffic.
    t_start = c.start(kBase, kBase + 0x10, 0);
    t_irq = c.wait_irq();
    CHECK(c.read(dma_reg::STATUS) == dma_bit::STATUS_DONE);
  };
  sc_core::sc_start();
  CHECK(t_irq - t_start == sc_time(10, SC_NS));
  CHECK(b.dma.counters().get("bursts") == 0);
  CHECK(b.dma.counters().get("transfers") == 1);
  CHECK(b.dma.registers().get(dma_reg::LEN) == 0u);
  CHECK(b.violations() == 0);
}

TEST_CASE("host_dma debug access reads registers without side effects", "[host_dma]") {
  Bench b("", false);
  b.cpu.body = [&](Cpu& c) {
    unsigned char buf[4] = {1, 0, 0, 0};  // a debug write of START must not start anything
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(dma_reg::CTRL);
    t.set_data_ptr(buf);
    t.set_data_length(4);
    t.set_streaming_width(4);
    CHECK(c.socket->transport_dbg(t) == 4);
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(dma_reg::ID);
    CHECK(c.socket->transport_dbg(t) == 4);
    CHECK(buf[0] == 0x41);
    CHECK(buf[3] == 0x48);
    t.set_address(0x100);
    CHECK(c.socket->transport_dbg(t) == 0);
  };
  sc_core::sc_start();
  CHECK(b.dma.registers().get(dma_reg::STATUS) == 0u);
  CHECK(b.dma.registers().get(dma_reg::CTRL) == 0u);
  CHECK(b.dma.counters().get("mmio_writes") == 0);
  CHECK(b.dma.counters().get("transfers") == 0);
}

namespace {
// A memory-like target that grants DMI (zero latency) and can revoke it.
struct DmiTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<DmiTarget> socket;
  unsigned char bytes[256] = {};
  int dmi_requests = 0;
  explicit DmiTarget(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_b_transport(this, &DmiTarget::b_transport);
    socket.register_get_direct_mem_ptr(this, &DmiTarget::get_direct_mem_ptr);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time&) {
    if (t.get_address() + t.get_data_length() > sizeof bytes) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (t.is_read()) std::memcpy(t.get_data_ptr(), bytes + t.get_address(), t.get_data_length());
    if (t.is_write()) std::memcpy(bytes + t.get_address(), t.get_data_ptr(), t.get_data_length());
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& d) {
    ++dmi_requests;
    d.set_dmi_ptr(bytes);
    d.set_start_address(0);
    d.set_end_address(sizeof bytes - 1);
    d.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    return true;
  }
};
}  // namespace

TEST_CASE("host_dma drops DMI regions on invalidation and asks again", "[host_dma]") {
  Cpu cpu("cpu");
  TlmChecker chk_mmio("chk_mmio"), chk_out("chk_out");
  HostDma dma("dma", dma_config(true));
  DmiTarget target("target");
  sc_core::sc_signal<bool> irq("irq");
  cpu.socket.bind(chk_mmio.target_socket);
  chk_mmio.initiator_socket.bind(dma.target_socket);
  dma.initiator_socket.bind(chk_out.target_socket);
  chk_out.initiator_socket.bind(target.socket);
  dma.irq.bind(irq);
  cpu.irq.bind(irq);
  for (unsigned i = 0; i < 64; ++i) target.bytes[i] = static_cast<unsigned char>(i + 1);
  int requests_after_first = 0;
  cpu.body = [&](Cpu& c) {
    c.write(dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);
    const sc_time t0 = c.start(0, 128, 64);
    CHECK(c.wait_irq() - t0 == sc_time(10 + 8 * 2, SC_NS));  // one DMI burst, zero latencies
    c.write(dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE);
    requests_after_first = target.dmi_requests;
    target.socket->invalidate_direct_mem_ptr(0, 255);
    c.start(128, 192, 64);
    c.wait_irq();
  };
  sc_core::sc_start();
  CHECK(requests_after_first == 1);  // the read grant covered the write too
  CHECK(target.dmi_requests == 2);   // asked again after the invalidation
  for (unsigned i = 0; i < 64; ++i) CHECK(target.bytes[192 + i] == i + 1);
  CHECK(dma.counters().get("dmi_reads") == 2);
  CHECK(dma.counters().get("reads") == 0);
  CHECK(chk_mmio.violations() + chk_out.violations() == 0);
}

TEST_CASE("host_dma rejects invalid configurations", "[host_dma]") {
  auto c = dma_config(false);
  c.burst_bytes = 0;
  CHECK_THROWS_WITH(HostDma("d0", c), Catch::Contains("burst_bytes"));
  c = dma_config(false);
  c.bus_width_bytes = 0;
  CHECK_THROWS_AS(HostDma("d1", c), std::invalid_argument);
  c = dma_config(false);
  c.clock_period_ns = 0;
  CHECK_THROWS_AS(HostDma("d2", c), std::invalid_argument);
}

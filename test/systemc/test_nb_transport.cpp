// nb_transport bench: approximately-timed initiators drive every kind of target through
// the Router, with a TlmChecker on each side of the Router.
//
//   At "at" ─► chk_at  ─┐                 ┌─► chk_mem ─► Memory           "mem"  0x0
//   At "at2" ─► chk_at2 ─┤                 ├─► chk_dma ─► HostDma (MMIO)   "dma"  0x10000
//   Lt "lt" ─► chk_lt  ─┼─► Router ───────┼─► chk_cim ─► CimMacro (MMIO)  "cim"  0x20000
//   HostDma, CimMacro  ─┘  (masters)      ├─► chk_buf ─► CimMacro.buffer  "buf"  0x30000
//                                         └─► chk_4ph ─► FourPhase        "4ph"  0x40000
//
// "lt" repeats every access with b_transport: same status, same data, and its annotated
// delay equals the time the AT initiator waited for the response.  FourPhase answers
// BEGIN_REQ with TLM_ACCEPTED and runs END_REQ / BEGIN_RESP on the backward path, so the
// Router's backward routing is exercised too.  Router latency 2 ns.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/soc/dma/host_dma.h"

#include <tlm_utils/peq_with_cb_and_phase.h>
#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <cstring>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::sc_time;
using sc_core::SC_NS;

constexpr std::uint64_t kMem = 0x0, kDma = 0x10000, kCim = 0x20000, kBuf = 0x30000, k4ph = 0x40000;

struct Op {
  tlm::tlm_command cmd;
  std::uint64_t addr;
  std::vector<unsigned char> data;  // written, or sized for a read
};

struct Result {
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  tlm::tlm_sync_enum first = tlm::TLM_ACCEPTED;  // what the BEGIN_REQ call returned
  std::vector<unsigned char> data;
  sc_time latency;  // BEGIN_REQ until the response arrived
};

tlm::tlm_generic_payload& prepare(tlm::tlm_generic_payload& t, const Op& op, unsigned char* buf) {
  t.set_command(op.cmd);
  t.set_address(op.addr);
  t.set_data_ptr(buf);
  t.set_data_length(static_cast<unsigned>(op.data.size()));
  t.set_streaming_width(static_cast<unsigned>(op.data.size()));
  t.set_byte_enable_ptr(nullptr);
  t.set_byte_enable_length(0);
  t.set_dmi_allowed(false);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  return t;
}

// Approximately-timed initiator: one transaction at a time from a thread, nb_transport_fw
// with BEGIN_REQ; TLM_COMPLETED and TLM_UPDATED/BEGIN_RESP are answered on the forward
// path, everything else waits for BEGIN_RESP on the backward path (through a peq).
struct At : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<At> socket;
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> responses;
  std::vector<Op> script;
  std::vector<Result> results;
  sc_time start_after = sc_core::SC_ZERO_TIME;
  SC_HAS_PROCESS(At);
  explicit At(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket"), responses("responses") {
    socket.register_nb_transport_bw(this, &At::nb_transport_bw);
    SC_THREAD(run);
  }
  void run() {
    wait(start_after);
    for (const Op& op : script) results.push_back(transact(op));
  }
  Result transact(const Op& op) {
    std::vector<unsigned char> buf = op.data;
    tlm::tlm_generic_payload t;
    prepare(t, op, buf.data());
    const sc_time begin = sc_core::sc_time_stamp();
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    Result r;
    r.first = socket->nb_transport_fw(t, phase, delay);
    if (r.first == tlm::TLM_COMPLETED) {
      wait(delay);
    } else if (r.first == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
      wait(delay);
      phase = tlm::END_RESP;
      delay = sc_core::SC_ZERO_TIME;
      socket->nb_transport_fw(t, phase, delay);
    } else {
      // TLM_ACCEPTED, or TLM_UPDATED with END_REQ: the response comes backward.
      while (responses.get_next_transaction() != &t) wait(responses.get_event());
    }
    r.latency = sc_core::sc_time_stamp() - begin;
    r.status = t.get_response_status();
    r.data = buf;
    return r;
  }
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::BEGIN_RESP) {
      responses.notify(t, delay);
      phase = tlm::END_RESP;
      return tlm::TLM_UPDATED;
    }
    return tlm::TLM_ACCEPTED;  // END_REQ
  }
};

// Loosely-timed reference: the same accesses with b_transport (called outside a process;
// no target of this bench waits).
struct Lt : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Lt> socket;
  explicit Lt(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}
  Result transact(const Op& op) {
    std::vector<unsigned char> buf = op.data;
    tlm::tlm_generic_payload t;
    sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(prepare(t, op, buf.data()), delay);
    Result r;
    r.status = t.get_response_status();
    r.data = buf;
    r.latency = delay;
    return r;
  }
};

// A 4-phase target of 0x100 bytes: BEGIN_REQ -> TLM_ACCEPTED; after the annotated delay
// END_REQ, then BEGIN_RESP 10 ns later on the backward path (b_transport adds the same 10 ns).
struct FourPhase : sc_core::sc_module {
  tlm_utils::simple_target_socket<FourPhase> socket;
  tlm_utils::peq_with_cb_and_phase<FourPhase> peq;
  unsigned char mem[0x100] = {};
  int end_resps = 0;
  explicit FourPhase(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket"), peq(this, &FourPhase::step) {
    socket.register_b_transport(this, &FourPhase::b_transport);
    socket.register_nb_transport_fw(this, &FourPhase::nb_transport_fw);
  }
  void execute(tlm::tlm_generic_payload& t) {
    const std::uint64_t a = t.get_address();
    if (a + t.get_data_length() > sizeof mem) {
      t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (t.is_read()) std::memcpy(t.get_data_ptr(), mem + a, t.get_data_length());
    if (t.is_write()) std::memcpy(mem + a, t.get_data_ptr(), t.get_data_length());
    t.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    execute(t);
    delay += sc_time(10, SC_NS);
  }
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time& delay) {
    if (phase == tlm::END_RESP) {
      ++end_resps;
      return tlm::TLM_COMPLETED;
    }
    peq.notify(t, phase, delay);
    return tlm::TLM_ACCEPTED;
  }
  void step(tlm::tlm_generic_payload& t, const tlm::tlm_phase& phase) {
    if (phase == tlm::BEGIN_REQ) {
      tlm::tlm_phase p = tlm::END_REQ;
      sc_time d = sc_core::SC_ZERO_TIME;
      socket->nb_transport_bw(t, p, d);
      execute(t);  // the address is this target's offset while the transaction is in flight
      peq.notify(t, tlm::BEGIN_RESP, sc_time(10, SC_NS));
    } else if (phase == tlm::BEGIN_RESP) {
      tlm::tlm_phase p = tlm::BEGIN_RESP;
      sc_time d = sc_core::SC_ZERO_TIME;
      socket->nb_transport_bw(t, p, d);  // TLM_UPDATED/END_RESP or TLM_COMPLETED end it
    }
  }
};

RouterConfig nb_router() {
  RouterConfig r;
  r.map = {{"mem", kMem, 0x1000},
           {"dma", kDma, dma_reg::WINDOW_BYTES},
           {"cim", kCim, cim_reg::WINDOW_BYTES},
           {"buf", kBuf, 0x100},
           {"4ph", k4ph, 0x100}};
  r.latency_ns = 2.0;
  return r;
}

MemoryConfig nb_memory() {
  MemoryConfig m;
  m.size_bytes = 0x1000;
  m.read_latency_ns = 10.0;
  m.write_latency_ns = 20.0;
  m.bytes_per_ns = 4.0;
  return m;
}

struct Bench {
  At at{"at"}, at2{"at2"};
  Lt lt{"lt"};
  TlmChecker chk_at{"chk_at"}, chk_at2{"chk_at2"}, chk_lt{"chk_lt"}, chk_dma_m{"chk_dma_m"}, chk_cim_m{"chk_cim_m"};
  TlmChecker chk_mem{"chk_mem"}, chk_dma{"chk_dma"}, chk_cim{"chk_cim"}, chk_buf{"chk_buf"}, chk_4ph{"chk_4ph"};
  Router router{"router", nb_router()};
  Memory mem{"mem", nb_memory()};
  HostDma dma{"dma", HostDmaConfig{}};
  CimMacro cim{"cim", test::small_macro(8, 8, CellMode::xnor_8t, AccessMode::parallel, Quantization::ideal, 3)};
  FourPhase four{"four"};
  sc_core::sc_signal<bool> dma_irq{"dma_irq"}, cim_irq{"cim_irq"};
  Bench() {
    at.socket.bind(chk_at.target_socket);
    at2.socket.bind(chk_at2.target_socket);
    lt.socket.bind(chk_lt.target_socket);
    dma.initiator_socket.bind(chk_dma_m.target_socket);
    cim.initiator_socket.bind(chk_cim_m.target_socket);
    for (TlmChecker* c : {&chk_at, &chk_at2, &chk_lt, &chk_dma_m, &chk_cim_m}) c->initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_mem.target_socket);
    router.initiator_socket.bind(chk_dma.target_socket);
    router.initiator_socket.bind(chk_cim.target_socket);
    router.initiator_socket.bind(chk_buf.target_socket);
    router.initiator_socket.bind(chk_4ph.target_socket);
    chk_mem.initiator_socket.bind(mem.socket);
    chk_dma.initiator_socket.bind(dma.target_socket);
    chk_cim.initiator_socket.bind(cim.target_socket);
    chk_buf.initiator_socket.bind(cim.buffer.socket);
    chk_4ph.initiator_socket.bind(four.socket);
    dma.irq.bind(dma_irq);
    cim.irq.bind(cim_irq);
  }
  std::uint64_t violations() const {
    std::uint64_t v = 0;
    for (const TlmChecker* c : {&chk_at, &chk_at2, &chk_lt, &chk_dma_m, &chk_cim_m, &chk_mem, &chk_dma, &chk_cim,
                                &chk_buf, &chk_4ph})
      v += c->violations();
    return v;
  }
};

Op write32(std::uint64_t a, std::uint32_t v) {
  return {tlm::TLM_WRITE_COMMAND, a,
          {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v >> 16),
           static_cast<unsigned char>(v >> 24)}};
}
Op read(std::uint64_t a, unsigned n = 4) { return {tlm::TLM_READ_COMMAND, a, std::vector<unsigned char>(n, 0)}; }
std::uint32_t word(const std::vector<unsigned char>& d) {
  return d[0] | d[1] << 8 | d[2] << 16 | static_cast<std::uint32_t>(d[3]) << 24;
}
}  // namespace

TEST_CASE("nb_transport through the router serves every target like b_transport", "[nb_transport][router]") {
  Bench b;
  const std::vector<unsigned char> bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  b.at.script = {
      {tlm::TLM_WRITE_COMMAND, kMem + 0x100, bytes},  // 0 memory
      read(kMem + 0x100, 16),                         // 1
      read(kDma + dma_reg::ID),                       // 2 DMA registers
      read(kDma + dma_reg::VERSION),                  // 3
      write32(kDma + dma_reg::SRC_LO, 0x1234),        // 4
      read(kDma + dma_reg::SRC_LO),                   // 5
      read(kCim + cim_reg::ID),                       // 6 macro registers
      read(kCim + cim_reg::VERSION),                  // 7
      write32(kCim + cim_reg::BATCH, 5),              // 8
      read(kCim + cim_reg::BATCH),                    // 9
      {tlm::TLM_WRITE_COMMAND, kBuf + 0x10, bytes},   // 10 activation buffer
      read(kBuf + 0x10, 16),                          // 11
      {tlm::TLM_WRITE_COMMAND, k4ph + 0x20, bytes},   // 12 4-phase target (backward path)
      read(k4ph + 0x20, 16),                          // 13
      read(0x90000000),                               // 14 unmapped
      read(kMem + 0xFFC, 8),                          // 15 crosses the end of "mem"
  };
  // A second AT initiator reaches the 4-phase target later: its responses must come back to it.
  b.at2.start_after = sc_time(1, sc_core::SC_US);
  b.at2.script = {read(k4ph + 0x20, 16), write32(k4ph + 0x40, 0xCAFEF00D), read(k4ph + 0x40)};
  sc_core::sc_start();
  REQUIRE(b.at.results.size() == b.at.script.size());
  REQUIRE(b.at2.results.size() == b.at2.script.size());
  const auto& r = b.at.results;

  CHECK(r[1].data == bytes);
  CHECK(word(r[2].data) == dma_id);
  CHECK(word(r[3].data) == dma_version);
  CHECK(word(r[5].data) == 0x1234u);
  CHECK(word(r[6].data) == cim_id);
  CHECK(word(r[7].data) == cim_version);
  CHECK(word(r[9].data) == 5u);
  CHECK(r[11].data == bytes);
  CHECK(r[13].data == bytes);
  for (std::size_t i = 0; i < 14; ++i) {
    INFO(i);
    CHECK(r[i].status == tlm::TLM_OK_RESPONSE);
    CHECK(r[i].first == (i >= 12 ? tlm::TLM_ACCEPTED : tlm::TLM_COMPLETED));
  }
  for (std::size_t i = 14; i < 16; ++i) {
    INFO(i);
    CHECK(r[i].status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    CHECK(r[i].first == tlm::TLM_COMPLETED);
    CHECK(r[i].latency == sc_time(2, SC_NS));  // the router's decode
  }
  // Hand-computed: router 2 ns + memory 20 ns write / 10 ns read + 16 B at 4 B/ns.
  CHECK(r[0].latency == sc_time(2 + 20 + 4, SC_NS));
  CHECK(r[1].latency == sc_time(2 + 10 + 4, SC_NS));
  CHECK(r[12].latency == sc_time(2 + 10, SC_NS));
  CHECK(word(b.at2.results[0].data) == word(bytes));
  CHECK(word(b.at2.results[2].data) == 0xCAFEF00Du);
  for (const Result& x : b.at2.results) CHECK(x.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.four.end_resps == 0);  // every response was ended by TLM_UPDATED/END_RESP

  // The same accesses with b_transport: same status, data and delay.
  for (std::size_t i = 0; i < b.at.script.size(); ++i) {
    INFO(i);
    const Result l = b.lt.transact(b.at.script[i]);
    CHECK(l.status == r[i].status);
    CHECK(l.data == r[i].data);
    CHECK(l.latency == r[i].latency);
  }
  CHECK(b.router.counters().get("errors") == 4);
  CHECK(b.chk_at.counters().get("nb_transactions") == 16);
  CHECK(b.chk_4ph.counters().get("nb_transactions") == 5);
  CHECK(b.violations() == 0);
}

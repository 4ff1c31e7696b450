// ActivationBuffer alone: test initiator -> TlmChecker -> ActivationBuffer.socket (bus side)
// and the macro side through target_export.  Calls are made from sc_main after elaboration;
// the buffer never waits, so annotated delays are the timing under test.  Expected delays by
// hand: clock 5 ns, access_cycles 1, port_bytes 8: (1 + ceil(len / 8)) x 5 ns.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/cim/buffer/activation_buffer.h"
#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/core/priced.h"
#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <numeric>
#include <vector>

namespace {
using sc_core::SC_NS;
using sc_core::sc_time;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}

  static void fill(tlm::tlm_generic_payload& t, tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(len);
    t.set_streaming_width(len);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
  tlm::tlm_response_status access(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len, sc_time& delay,
                                  unsigned char* be = nullptr, unsigned width = 0) {
    tlm::tlm_generic_payload t;
    fill(t, cmd, addr, data, len);
    if (width) t.set_streaming_width(width);
    if (be) {
      t.set_byte_enable_ptr(be);
      t.set_byte_enable_length(len);
    }
    socket->b_transport(t, delay);
    return t.get_response_status();
  }
  unsigned debug(tlm::tlm_command cmd, std::uint64_t addr, void* data, unsigned len) {
    tlm::tlm_generic_payload t;
    fill(t, cmd, addr, data, len);
    return socket->transport_dbg(t);
  }
  bool dmi(tlm::tlm_command cmd, std::uint64_t addr, tlm::tlm_dmi& d) {
    tlm::tlm_generic_payload t;
    fill(t, cmd, addr, nullptr, 0);
    return socket->get_direct_mem_ptr(t, d);
  }
};

cimvp::ActivationBufferConfig small(bool dmi = false) {
  cimvp::ActivationBufferConfig c;
  c.input_half_bytes = 64;  // window: in0 [0,64) in1 [64,128) out0 [128,160) out1 [160,192)
  c.output_half_bytes = 32;
  c.port_bytes = 8;
  c.access_cycles = 1;
  c.dmi = dmi;
  return c;
}

struct Bench {
  Initiator init{"init"};
  cimvp::TlmChecker checker{"checker"};
  cimvp::ActivationBuffer buf;
  cimvp::cim_buffer_if* macro = nullptr;  // the macro side, through the export
  explicit Bench(const cimvp::ActivationBufferConfig& c = small()) : buf("buf", c, 5.0) {
    init.socket.bind(checker.target_socket);
    checker.initiator_socket.bind(buf.socket);
    macro = buf.target_export.operator->();
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
};

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t first) {
  std::vector<std::uint8_t> v(n);
  std::iota(v.begin(), v.end(), first);
  return v;
}

}  // namespace

TEST_CASE("activation buffer: bus writes and macro reads then macro writes and bus reads with delays and fill levels",
          "[buffer]") {
  Bench b;
  REQUIRE(b.buf.size() == 192);
  auto in = pattern(20, 1);
  sc_time d = sc_core::SC_ZERO_TIME;
  REQUIRE(b.init.access(tlm::TLM_WRITE_COMMAND, 60, in.data(), 20, d) == tlm::TLM_OK_RESPONSE);  // in0 4 + in1 16
  CHECK(d == sc_time(20, SC_NS));  // (1 + ceil(20 / 8)) x 5 ns
  sc_core::sc_start(sc_time(100, SC_NS));
  CHECK(b.buf.in_fill0.read() == 4);
  CHECK(b.buf.in_fill1.read() == 16);

  std::vector<std::uint8_t> got(20, 0);
  sc_time md = sc_core::SC_ZERO_TIME;
  REQUIRE(b.macro->macro_read(60, got.data(), 20, md));
  CHECK(got == in);
  CHECK(md == sc_time(20, SC_NS));
  auto sums = pattern(12, 100);
  REQUIRE(b.macro->macro_write(b.buf.config().output_offset(1), sums.data(), 12, md));
  CHECK(md == sc_time(20 + 15, SC_NS));  // (1 + 2) x 5
  sc_core::sc_start(sc_time(100, SC_NS));
  CHECK(b.buf.in_fill0.read() == 0);
  CHECK(b.buf.in_fill1.read() == 0);
  CHECK(b.buf.out_fill1.read() == 12);

  std::vector<std::uint8_t> out(12, 0);
  d = sc_time(7, SC_NS);
  REQUIRE(b.init.access(tlm::TLM_READ_COMMAND, 160, out.data(), 12, d) == tlm::TLM_OK_RESPONSE);
  CHECK(out == sums);
  CHECK(d == sc_time(7 + 15, SC_NS));
  sc_core::sc_start(sc_time(100, SC_NS));
  CHECK(b.buf.out_fill1.read() == 0);

  const auto& c = b.buf.counters();
  CHECK(c.get("bus_writes") == 1);
  CHECK(c.get("bus_bytes_written") == 20);
  CHECK(c.get("bus_reads") == 1);
  CHECK(c.get("bus_bytes_read") == 12);
  CHECK(c.get("macro_reads") == 1);
  CHECK(c.get("macro_bytes_read") == 20);
  CHECK(c.get("macro_writes") == 1);
  CHECK(c.get("macro_bytes_written") == 12);
  CHECK(c.get("errors") == 0);
  CHECK(b.checker.violations() == 0);

  // Pricing: bits read and written by both sides, the whole window as area.
  cimvp::TechParams tech;
  tech.line_buffer.read_energy_pj_per_bit = 0.5;
  tech.line_buffer.write_energy_pj_per_bit = 0.75;
  tech.line_buffer.area_um2_per_bit = 2.0;
  cimvp::PpaLedger ledger;
  b.buf.price(tech, ledger);
  REQUIRE(ledger.events().size() == 2);
  CHECK(ledger.events()[0].event == "buffer_read");
  CHECK(ledger.events()[0].count == 8 * (12 + 20));
  CHECK(ledger.events()[1].event == "buffer_write");
  CHECK(ledger.events()[1].count == 8 * (20 + 12));
  CHECK(ledger.events()[0].energy_pj > 0.0);
  REQUIRE(ledger.areas().size() == 1);
  CHECK(ledger.areas()[0].what == "buffer_bits");
  CHECK(ledger.areas()[0].count == 8 * 192);
  CHECK(ledger.areas()[0].area_um2() == Approx(2.0 * 8 * 192));

  const std::uint64_t writes = b.buf.counters().get("bus_writes");
  REQUIRE(writes > 0);
  b.buf.reset();
  CHECK(b.buf.counters().get("bus_writes") == writes);  // counters count the whole run
  CHECK(b.buf.data()[60] == 0);
}

TEST_CASE("activation buffer: bad accesses get TLM error responses and never assert", "[buffer][errors]") {
  Bench b;
  std::vector<std::uint8_t> data(16, 0xAB);
  sc_time d = sc_core::SC_ZERO_TIME;
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 192, data.data(), 1, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, 184, data.data(), 16, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.init.access(tlm::TLM_READ_COMMAND, ~std::uint64_t{0}, data.data(), 16, d) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0, data.data(), 16, d, nullptr, 8) == tlm::TLM_BURST_ERROR_RESPONSE);
  unsigned char be[16] = {};
  CHECK(b.init.access(tlm::TLM_WRITE_COMMAND, 0, data.data(), 16, d, be) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  CHECK(d == sc_core::SC_ZERO_TIME);  // errors add no delay
  CHECK(b.buf.counters().get("errors") == 5);
  CHECK(b.buf.data()[0] == 0);  // nothing written
  CHECK(b.init.access(tlm::TLM_IGNORE_COMMAND, 0, data.data(), 16, d) == tlm::TLM_OK_RESPONSE);
  CHECK(d == sc_core::SC_ZERO_TIME);
  // macro side: out of the window is refused, nothing copied, no delay
  sc_time md = sc_core::SC_ZERO_TIME;
  CHECK_FALSE(b.macro->macro_read(190, data.data(), 4, md));
  CHECK_FALSE(b.macro->macro_write(0, data.data(), 0, md));
  CHECK(md == sc_core::SC_ZERO_TIME);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("activation buffer: debug transport has the same decode and no delay or counters", "[buffer][dbg]") {
  Bench b;
  auto in = pattern(16, 7);
  CHECK(b.init.debug(tlm::TLM_WRITE_COMMAND, 184, in.data(), 16) == 8);  // the part inside
  std::vector<std::uint8_t> out(8, 0);
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 184, out.data(), 8) == 8);
  CHECK(std::equal(out.begin(), out.end(), in.begin()));
  CHECK(b.init.debug(tlm::TLM_READ_COMMAND, 192, out.data(), 8) == 0);
  CHECK(b.buf.counters().get("bus_reads") == 0);
  CHECK(b.buf.counters().get("bus_writes") == 0);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("activation buffer: DMI is denied by default over the window with end = size - 1", "[buffer][dmi]") {
  Bench b;
  tlm::tlm_dmi d;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 10, d));
  CHECK(d.get_start_address() == 0);
  CHECK(d.get_end_address() == 191);
  CHECK(d.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("activation buffer: DMI when enabled grants the whole window read/write with end = size - 1",
          "[buffer][dmi]") {
  Bench b(small(true));
  tlm::tlm_dmi d;
  REQUIRE(b.init.dmi(tlm::TLM_WRITE_COMMAND, 10, d));
  CHECK(d.get_start_address() == 0);
  CHECK(d.get_end_address() == 191);
  CHECK(d.is_read_write_allowed());
  CHECK(d.get_write_latency() == sc_time(5, SC_NS));
  d.get_dmi_ptr()[130] = 0x5A;
  std::uint8_t v = 0;
  sc_time dl = sc_core::SC_ZERO_TIME;
  REQUIRE(b.macro->macro_read(130, &v, 1, dl));
  CHECK(v == 0x5A);
  CHECK(b.buf.counters().get("dmi_grants") == 1);
  tlm::tlm_dmi above;
  CHECK_FALSE(b.init.dmi(tlm::TLM_READ_COMMAND, 500, above));
  CHECK(above.get_granted_access() == tlm::tlm_dmi::DMI_ACCESS_NONE);
  CHECK(b.checker.violations() == 0);
}

TEST_CASE("activation buffer: bad configurations are refused", "[buffer][config]") {
  cimvp::ActivationBufferConfig c = small();
  c.input_half_bytes = 12;  // not a multiple of 8
  CHECK_THROWS_AS(cimvp::ActivationBuffer("bad", c, 5.0), std::invalid_argument);
  CHECK_THROWS_AS(cimvp::ActivationBuffer("bad_clock", small(), 0.0), std::invalid_argument);
}

TEST_CASE("activation buffer: nb_transport_fw completes BEGIN_REQ at once with the annotated delay",
          "[buffer][nb]") {
  Initiator init{"init"};
  cimvp::ActivationBuffer buf("buf", small(), 5.0);
  init.socket.bind(buf.socket);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  auto in = pattern(8, 3);
  tlm::tlm_generic_payload t;
  Initiator::fill(t, tlm::TLM_WRITE_COMMAND, 128, in.data(), 8);
  tlm::tlm_phase ph = tlm::BEGIN_REQ;
  sc_time d(3, SC_NS);
  CHECK(init.socket->nb_transport_fw(t, ph, d) == tlm::TLM_COMPLETED);
  CHECK(t.get_response_status() == tlm::TLM_OK_RESPONSE);
  CHECK(d == sc_time(3 + 10, SC_NS));  // (1 + 1) x 5 ns
  CHECK(buf.data()[128] == 3);

  Initiator::fill(t, tlm::TLM_READ_COMMAND, 300, in.data(), 8);
  ph = tlm::BEGIN_REQ;
  d = sc_core::SC_ZERO_TIME;
  CHECK(init.socket->nb_transport_fw(t, ph, d) == tlm::TLM_COMPLETED);
  CHECK(t.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);

  cimvp::test::ExpectReport expect("cimvp/activation_buffer");
  Initiator::fill(t, tlm::TLM_READ_COMMAND, 0, in.data(), 8);
  ph = tlm::END_RESP;
  CHECK(init.socket->nb_transport_fw(t, ph, d) == tlm::TLM_COMPLETED);
  CHECK(t.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE);
  CHECK(expect.count() == 1);
}

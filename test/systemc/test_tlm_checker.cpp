// TlmChecker bench: test initiator -> TlmChecker -> BadTarget, where BadTarget breaks
// one base-protocol rule at a time.  Every violation must come out as exactly one
// SC_REPORT_ERROR "cimvp/tlm_checker" naming the rule (caught with ExpectReport).
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <string>

namespace {
using sc_core::sc_time;
using sc_core::SC_NS;

enum class Fault {
  none,
  leave_incomplete,
  change_address,
  change_length,
  change_data_ptr,
  change_streaming_width,
  decrease_delay,
  dmi_range_excludes_address,
  dmi_null_pointer,
  dmi_read_only_for_write,
  dbg_too_many_bytes,
};

struct BadTarget : sc_core::sc_module {
  tlm_utils::simple_target_socket<BadTarget> socket;
  Fault fault = Fault::none;
  unsigned char storage[64] = {};
  unsigned char other[64] = {};
  explicit BadTarget(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_b_transport(this, &BadTarget::b_transport);
    socket.register_transport_dbg(this, &BadTarget::transport_dbg);
    socket.register_get_direct_mem_ptr(this, &BadTarget::get_direct_mem_ptr);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_time& delay) {
    delay += sc_time(5, SC_NS);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    switch (fault) {
      case Fault::leave_incomplete: t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE); break;
      case Fault::change_address: t.set_address(t.get_address() + 4); break;
      case Fault::change_length: t.set_data_length(1); break;
      case Fault::change_data_ptr: t.set_data_ptr(other); break;
      case Fault::change_streaming_width: t.set_streaming_width(1); break;
      case Fault::decrease_delay: delay = sc_core::SC_ZERO_TIME; break;
      default: break;
    }
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& t) {
    return fault == Fault::dbg_too_many_bytes ? t.get_data_length() + 1 : t.get_data_length();
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& t, tlm::tlm_dmi& d) {
    d.set_dmi_ptr(fault == Fault::dmi_null_pointer ? nullptr : storage);
    d.set_start_address(0);
    d.set_end_address(fault == Fault::dmi_range_excludes_address ? t.get_address() - 1 : 63);
    d.set_granted_access(fault == Fault::dmi_read_only_for_write ? tlm::tlm_dmi::DMI_ACCESS_READ
                                                                  : tlm::tlm_dmi::DMI_ACCESS_READ_WRITE);
    return true;
  }
  void invalidate(std::uint64_t s, std::uint64_t e) { socket->invalidate_direct_mem_ptr(s, e); }
};

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  int invalidations = 0;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
  }
  void invalidate(sc_dt::uint64, sc_dt::uint64) { ++invalidations; }
};

// A well-formed 4-byte write payload at address 16.
struct Payload {
  unsigned char data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  unsigned char be[4] = {0xff, 0x00, 0xff, 0x00};
  tlm::tlm_generic_payload t;
  Payload() {
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_address(16);
    t.set_data_ptr(data);
    t.set_data_length(4);
    t.set_streaming_width(4);
    t.set_byte_enable_ptr(nullptr);
    t.set_byte_enable_length(0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  }
};

struct Bench {
  Initiator init{"init"};
  cimvp::TlmChecker checker{"checker"};
  BadTarget target{"target"};
  Bench() {
    init.socket.bind(checker.target_socket);
    checker.initiator_socket.bind(target.socket);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
};

std::string last_message() {
  const auto& s = cimvp::test::seen_reports();
  return s.empty() ? std::string() : s.back().msg;
}
}  // namespace

TEST_CASE("tlm_checker passes well-behaved traffic silently", "[tlm_checker]") {
  Bench b;
  Payload p;
  sc_time delay(1, SC_NS);
  b.init.socket->b_transport(p.t, delay);
  CHECK(p.t.get_response_status() == tlm::TLM_OK_RESPONSE);
  CHECK(delay == sc_time(6, SC_NS));
  Payload q;
  q.t.set_byte_enable_ptr(q.be);
  q.t.set_byte_enable_length(4);
  b.init.socket->b_transport(q.t, delay);
  Payload r;
  CHECK(b.init.socket->transport_dbg(r.t) == 4);
  tlm::tlm_dmi d;
  CHECK(b.init.socket->get_direct_mem_ptr(r.t, d));
  b.target.invalidate(0, 63);
  CHECK(b.init.invalidations == 1);
  CHECK(b.checker.violations() == 0);
  CHECK(b.checker.checked() == 5);
  CHECK(b.checker.counters().get("transactions") == 2);
}

TEST_CASE("tlm_checker flags each target b_transport violation", "[tlm_checker]") {
  Bench b;
  const std::pair<Fault, const char*> cases[] = {
      {Fault::leave_incomplete, "target returned with TLM_INCOMPLETE_RESPONSE"},
      {Fault::change_address, "target changed the address to 0x14"},
      {Fault::change_length, "target changed the data length to 1"},
      {Fault::change_data_ptr, "target changed the data pointer"},
      {Fault::change_streaming_width, "target changed the streaming width to 1"},
      {Fault::decrease_delay, "annotated delay decreased from 3 ns to 0 s"},
  };
  for (const auto& c : cases) {
    INFO(c.second);
    b.target.fault = c.first;
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    Payload p;
    sc_time delay(3, SC_NS);
    b.init.socket->b_transport(p.t, delay);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::StartsWith("checker: b_transport(write 0x10, 4 bytes): ") &&
                                   Catch::Contains(c.second));
  }
  CHECK(b.checker.violations() == 6);
}

TEST_CASE("tlm_checker flags initiator violations before forwarding", "[tlm_checker]") {
  Bench b;
  struct Case {
    const char* expect;
    void (*spoil)(Payload&);
    bool forwarded;
  };
  const Case cases[] = {
      {"response status on entry is TLM_OK_RESPONSE, must be TLM_INCOMPLETE_RESPONSE",
       [](Payload& p) { p.t.set_response_status(tlm::TLM_OK_RESPONSE); }, true},
      {"data pointer is null", [](Payload& p) { p.t.set_data_ptr(nullptr); }, false},
      {"data length is 0", [](Payload& p) { p.t.set_data_length(0); }, false},
      {"streaming width is 0", [](Payload& p) { p.t.set_streaming_width(0); }, true},
      {"byte-enable pointer set but byte-enable length is 0", [](Payload& p) { p.t.set_byte_enable_ptr(p.be); },
       true},
      {"byte enable [1] is 0x7, must be 0x0 or 0xff",
       [](Payload& p) {
         p.be[1] = 0x07;
         p.t.set_byte_enable_ptr(p.be);
         p.t.set_byte_enable_length(4);
       },
       true},
      {"DMI-allowed hint set on entry", [](Payload& p) { p.t.set_dmi_allowed(true); }, true},
      {"command is not READ, WRITE or IGNORE",
       // 3 is the one value tlm_command can hold (its enumerators 0..2 span two bits)
       // without being a command; a larger cast would be undefined behaviour.
       [](Payload& p) { p.t.set_command(static_cast<tlm::tlm_command>(3)); }, false},
  };
  for (const auto& c : cases) {
    INFO(c.expect);
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    Payload p;
    c.spoil(p);
    sc_time delay = sc_core::SC_ZERO_TIME;
    b.init.socket->b_transport(p.t, delay);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::Contains(c.expect));
    CHECK(delay == (c.forwarded ? sc_time(5, SC_NS) : sc_core::SC_ZERO_TIME));
    if (!c.forwarded) CHECK(p.t.is_response_error());
  }
}

TEST_CASE("tlm_checker flags DMI and debug violations", "[tlm_checker]") {
  Bench b;
  const std::pair<Fault, const char*> cases[] = {
      {Fault::dmi_null_pointer, "DMI granted with a null pointer"},
      {Fault::dmi_range_excludes_address, "granted DMI range [0x0, 0xf] does not contain the address"},
      {Fault::dmi_read_only_for_write, "DMI granted for a write request without write access"},
  };
  for (const auto& c : cases) {
    INFO(c.second);
    b.target.fault = c.first;
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    Payload p;
    tlm::tlm_dmi d;
    b.init.socket->get_direct_mem_ptr(p.t, d);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::StartsWith("checker: get_direct_mem_ptr(write 0x10): ") &&
                                   Catch::Contains(c.second));
  }
  {
    b.target.fault = Fault::none;
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    Payload p;
    p.t.set_command(tlm::TLM_IGNORE_COMMAND);
    tlm::tlm_dmi d;
    b.init.socket->get_direct_mem_ptr(p.t, d);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::Contains("DMI request command must be READ or WRITE"));
  }
  {
    b.target.fault = Fault::dbg_too_many_bytes;
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    Payload p;
    b.init.socket->transport_dbg(p.t);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::Contains("transport_dbg(write 0x10, 4 bytes): target reports 5 bytes"));
  }
  {
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    b.target.invalidate(8, 4);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::Contains("invalidate_direct_mem_ptr(0x8, 0x4): start > end"));
    CHECK(b.init.invalidations == 1);  // still forwarded
  }
  CHECK(b.checker.violations() == 6);
}

TEST_CASE("tlm_checker violation without ExpectReport fails the bench", "[tlm_checker]") {
  Bench b;
  b.target.fault = Fault::leave_incomplete;
  Payload p;
  sc_time delay = sc_core::SC_ZERO_TIME;
  CHECK_THROWS(b.init.socket->b_transport(p.t, delay));
}

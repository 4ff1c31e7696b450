// TlmChecker bench: test initiator -> TlmChecker -> BadTarget, where BadTarget breaks
// one base-protocol rule at a time.  Every violation must come out as exactly one
// SC_REPORT_ERROR "cimvp/tlm_checker" naming the rule (caught with ExpectReport).
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/core/tlm_checker.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <functional>
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
    socket.register_nb_transport_fw(this, &BadTarget::nb_transport_fw);
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
  // nb_transport_fw: by default an early completion (OK, TLM_COMPLETED); tests replace it.
  std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_time&)> nb;
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& t, tlm::tlm_phase& ph, sc_time& d) {
    if (nb) return nb(t, ph, d);
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  tlm::tlm_sync_enum bw(tlm::tlm_generic_payload& t, tlm::tlm_phase ph) {
    sc_time d = sc_core::SC_ZERO_TIME;
    return socket->nb_transport_bw(t, ph, d);
  }
};

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  int invalidations = 0;
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
    socket.register_nb_transport_bw(this, &Initiator::nb_transport_bw);
  }
  void invalidate(sc_dt::uint64, sc_dt::uint64) { ++invalidations; }
  // Backward path: END_REQ accepted; BEGIN_RESP answered with `on_resp` (TLM_UPDATED: END_RESP).
  tlm::tlm_sync_enum on_resp = tlm::TLM_UPDATED;
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload&, tlm::tlm_phase& ph, sc_time&) {
    if (ph != tlm::BEGIN_RESP || on_resp == tlm::TLM_ACCEPTED) return tlm::TLM_ACCEPTED;
    if (on_resp == tlm::TLM_UPDATED) ph = tlm::END_RESP;
    return on_resp;
  }
  tlm::tlm_sync_enum fw(tlm::tlm_generic_payload& t, tlm::tlm_phase ph) {
    sc_time d = sc_core::SC_ZERO_TIME;
    return socket->nb_transport_fw(t, ph, d);
  }
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

namespace {
// A target that accepts BEGIN_REQ and leaves the rest to the test (via BadTarget::bw).
tlm::tlm_sync_enum accept(tlm::tlm_generic_payload&, tlm::tlm_phase& ph, sc_time&) {
  return ph == tlm::END_RESP ? tlm::TLM_COMPLETED : tlm::TLM_ACCEPTED;
}
}  // namespace

TEST_CASE("tlm_checker passes legal nb_transport phase sequences silently", "[tlm_checker][nb_transport]") {
  Bench b;
  Payload p;
  CHECK(b.init.fw(p.t, tlm::BEGIN_REQ) == tlm::TLM_COMPLETED);  // early completion
  CHECK(p.t.get_response_status() == tlm::TLM_OK_RESPONSE);
  b.target.nb = accept;
  Payload q;
  CHECK(b.init.fw(q.t, tlm::BEGIN_REQ) == tlm::TLM_ACCEPTED);  // full 4-phase, END_RESP on the return path
  CHECK(b.target.bw(q.t, tlm::END_REQ) == tlm::TLM_ACCEPTED);
  q.t.set_response_status(tlm::TLM_OK_RESPONSE);
  CHECK(b.target.bw(q.t, tlm::BEGIN_RESP) == tlm::TLM_UPDATED);
  Payload r;
  CHECK(b.init.fw(r.t, tlm::BEGIN_REQ) == tlm::TLM_ACCEPTED);  // END_RESP on the forward path
  b.init.on_resp = tlm::TLM_ACCEPTED;
  r.t.set_response_status(tlm::TLM_OK_RESPONSE);
  CHECK(b.target.bw(r.t, tlm::BEGIN_RESP) == tlm::TLM_ACCEPTED);  // BEGIN_RESP also ends the request
  CHECK(b.init.fw(r.t, tlm::END_RESP) == tlm::TLM_COMPLETED);
  b.target.nb = [](tlm::tlm_generic_payload& t, tlm::tlm_phase& ph, sc_time&) {
    t.set_response_status(tlm::TLM_OK_RESPONSE);
    ph = tlm::BEGIN_RESP;
    return tlm::TLM_UPDATED;
  };
  Payload s;
  CHECK(b.init.fw(s.t, tlm::BEGIN_REQ) == tlm::TLM_UPDATED);
  b.target.nb = accept;
  CHECK(b.init.fw(s.t, tlm::END_RESP) == tlm::TLM_COMPLETED);
  CHECK(b.checker.violations() == 0);
  CHECK(b.checker.counters().get("nb_transactions") == 4);
}

TEST_CASE("tlm_checker flags illegal nb_transport phase sequences", "[tlm_checker][nb_transport]") {
  struct Case {
    const char* expect;
    std::function<void(Bench&, Payload&, Payload&)> run;
  };
  const auto ok_then = [](tlm::tlm_sync_enum s, tlm::tlm_phase to, bool set_ok) {
    return [=](tlm::tlm_generic_payload& t, tlm::tlm_phase& ph, sc_time&) {
      if (set_ok) t.set_response_status(tlm::TLM_OK_RESPONSE);
      ph = to;
      return s;
    };
  };
  const Case cases[] = {
      {"nb_transport_fw(write 0x10, 4 bytes, END_REQ): phase END_REQ is sent by the target, never on the forward path",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.init.fw(p.t, tlm::END_REQ);
       }},
      {"END_RESP for a transaction not in flight",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::END_RESP);
       }},
      {"END_RESP before BEGIN_RESP",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.init.fw(p.t, tlm::END_RESP);
       }},
      {"BEGIN_REQ before the previous request got END_REQ or BEGIN_RESP (request exclusion rule)",
       [](Bench& b, Payload& p, Payload& q) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.init.fw(q.t, tlm::BEGIN_REQ);
       }},
      {"BEGIN_REQ for a transaction already in flight",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.target.bw(p.t, tlm::END_REQ);
         b.init.fw(p.t, tlm::BEGIN_REQ);
       }},
      {"returned TLM_COMPLETED with BEGIN_REQ: response delivered with TLM_INCOMPLETE_RESPONSE",
       [=](Bench& b, Payload& p, Payload&) {
         b.target.nb = ok_then(tlm::TLM_COMPLETED, tlm::BEGIN_REQ, false);
         b.init.fw(p.t, tlm::BEGIN_REQ);
       }},
      {"TLM_UPDATED for BEGIN_REQ must give END_REQ or BEGIN_RESP",
       [=](Bench& b, Payload& p, Payload&) {
         b.target.nb = ok_then(tlm::TLM_UPDATED, tlm::END_RESP, true);
         b.init.fw(p.t, tlm::BEGIN_REQ);
       }},
      {"TLM_ACCEPTED must leave the phase unchanged",
       [=](Bench& b, Payload& p, Payload&) {
         b.target.nb = ok_then(tlm::TLM_ACCEPTED, tlm::END_REQ, false);
         b.init.fw(p.t, tlm::BEGIN_REQ);
       }},
      {"target changed the data length to 1",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = [](tlm::tlm_generic_payload& t, tlm::tlm_phase&, sc_time&) {
           t.set_response_status(tlm::TLM_OK_RESPONSE);
           t.set_data_length(1);
           return tlm::TLM_COMPLETED;
         };
         b.init.fw(p.t, tlm::BEGIN_REQ);
       }},
      {"nb_transport_bw(write 0x10, 4 bytes, BEGIN_RESP): BEGIN_RESP sent twice",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.on_resp = tlm::TLM_ACCEPTED;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         p.t.set_response_status(tlm::TLM_OK_RESPONSE);
         b.target.bw(p.t, tlm::BEGIN_RESP);
         b.target.bw(p.t, tlm::BEGIN_RESP);
       }},
      {"BEGIN_RESP while another response awaits END_RESP (response exclusion rule)",
       [](Bench& b, Payload& p, Payload& q) {
         b.target.nb = accept;
         b.init.on_resp = tlm::TLM_ACCEPTED;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.target.bw(p.t, tlm::END_REQ);
         b.init.fw(q.t, tlm::BEGIN_REQ);
         p.t.set_response_status(tlm::TLM_OK_RESPONSE);
         q.t.set_response_status(tlm::TLM_OK_RESPONSE);
         b.target.bw(p.t, tlm::BEGIN_RESP);
         b.target.bw(q.t, tlm::BEGIN_RESP);
       }},
      {"END_REQ after END_REQ or BEGIN_RESP",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.target.bw(p.t, tlm::END_REQ);
         b.target.bw(p.t, tlm::END_REQ);
       }},
      {"backward call for a transaction not in flight",
       [](Bench& b, Payload& p, Payload&) { b.target.bw(p.t, tlm::BEGIN_RESP); }},
      {"phase END_RESP is sent by the initiator, never on the backward path",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.target.bw(p.t, tlm::END_RESP);
       }},
      {"nb_transport_bw(write 0x10, 4 bytes, BEGIN_RESP): response delivered with TLM_INCOMPLETE_RESPONSE",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         b.target.bw(p.t, tlm::BEGIN_RESP);
       }},
      {"response delivered with the address changed to 0x14",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         p.t.set_response_status(tlm::TLM_OK_RESPONSE);
         p.t.set_address(0x14);
         b.target.bw(p.t, tlm::BEGIN_RESP);
       }},
      {"no phase follows END_RESP",
       [](Bench& b, Payload& p, Payload&) {
         b.target.nb = accept;
         b.init.on_resp = tlm::TLM_ACCEPTED;
         b.init.fw(p.t, tlm::BEGIN_REQ);
         p.t.set_response_status(tlm::TLM_OK_RESPONSE);
         b.target.bw(p.t, tlm::BEGIN_RESP);
         b.target.nb = [](tlm::tlm_generic_payload&, tlm::tlm_phase& ph, sc_time&) {
           ph = tlm::BEGIN_REQ;
           return tlm::TLM_UPDATED;
         };
         b.init.fw(p.t, tlm::END_RESP);
       }},
      {"data pointer is null",
       [](Bench& b, Payload& p, Payload&) {
         p.t.set_data_ptr(nullptr);
         CHECK(b.init.fw(p.t, tlm::BEGIN_REQ) == tlm::TLM_COMPLETED);  // answered by the checker
         CHECK(p.t.get_response_status() == tlm::TLM_GENERIC_ERROR_RESPONSE);
       }},
  };
  Bench b;
  for (const auto& c : cases) {
    INFO(c.expect);
    b.checker.reset();  // forget the transactions the previous case left in flight
    b.target.nb = nullptr;
    b.init.on_resp = tlm::TLM_UPDATED;
    Payload p, q;
    cimvp::test::ExpectReport guard("cimvp/tlm_checker", sc_core::SC_ERROR);
    c.run(b, p, q);
    CHECK(guard.count() == 1);
    CHECK_THAT(last_message(), Catch::StartsWith("checker: nb_transport_") && Catch::Contains(c.expect));
  }
}

#include <catch2/catch.hpp>

#include "sc_test.h"

namespace {
SC_MODULE(Ticker) {
  sc_core::sc_time fired;
  SC_CTOR(Ticker) { SC_THREAD(run); }
  void run() {
    wait(sc_core::sc_time(7, sc_core::SC_NS));
    fired = sc_core::sc_time_stamp();
  }
};
}  // namespace

TEST_CASE("SystemC kernel elaborates and runs in a fresh process", "[kernel]") {
  Ticker t("t");
  sc_core::sc_start();
  CHECK(t.fired == sc_core::sc_time(7, sc_core::SC_NS));
}

TEST_CASE("unexpected SystemC warnings fail a bench, expected ones do not", "[kernel]") {
  {
    cimvp::test::ExpectReport ok("cimvp/selftest");
    SC_REPORT_WARNING("cimvp/selftest", "expected");
    CHECK(ok.count() == 1);
  }
  CHECK_THROWS(SC_REPORT_WARNING("cimvp/selftest", "now unexpected"));
}

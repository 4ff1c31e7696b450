// Support for SystemC benches: every SC_WARNING or worse becomes a test failure unless
// the test declared it expected (cimvp::test::ExpectReport).  Benches run one TEST_CASE
// per process (catch_discover_tests), so each elaborates a fresh kernel.
#pragma once

#include <systemc>

#include <string>
#include <vector>

namespace cimvp::test {

/// Reports seen so far in this process (message type + text), for assertions.
struct SeenReport {
  sc_core::sc_severity severity;
  std::string msg_type;
  std::string msg;
};
std::vector<SeenReport>& seen_reports();

/// While alive, reports of `msg_type` at `severity` are recorded but do not fail the test.
class ExpectReport {
 public:
  ExpectReport(std::string msg_type, sc_core::sc_severity severity = sc_core::SC_WARNING);
  ~ExpectReport();
  ExpectReport(const ExpectReport&) = delete;
  ExpectReport& operator=(const ExpectReport&) = delete;
  /// How many matching reports arrived while this was alive.
  int count() const;

 private:
  std::string type_;
  sc_core::sc_severity sev_;
  std::size_t first_;
};

/// Installs the failing report handler (done by sc_catch_main.cpp before Catch runs).
void install_report_handler();

}  // namespace cimvp::test

// sc_main for the SystemC benches: runs Catch2 with the process arguments, so
// catch_discover_tests can list the tests and ctest runs each in its own process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "sc_test.h"

#include <algorithm>
#include <iostream>

namespace cimvp::test {

namespace {
struct Expected {
  std::string type;
  sc_core::sc_severity sev;
};
std::vector<Expected>& expected() {
  static std::vector<Expected> e;
  return e;
}

void handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  using namespace sc_core;
  seen_reports().push_back({rep.get_severity(), rep.get_msg_type(), rep.get_msg()});
  if (rep.get_severity() == SC_INFO) {
    sc_report_handler::default_handler(rep, actions & ~(SC_STOP | SC_ABORT | SC_THROW));
    return;
  }
  const bool ok = std::any_of(expected().begin(), expected().end(), [&](const Expected& e) {
    return e.type == rep.get_msg_type() && e.sev == rep.get_severity();
  });
  if (ok) return;
  // Unexpected warning/error/fatal: fail the running test with the report's text.
  throw rep;
}
}  // namespace

std::vector<SeenReport>& seen_reports() {
  static std::vector<SeenReport> s;
  return s;
}

ExpectReport::ExpectReport(std::string msg_type, sc_core::sc_severity severity)
    : type_(std::move(msg_type)), sev_(severity), first_(seen_reports().size()) {
  expected().push_back({type_, sev_});
}

ExpectReport::~ExpectReport() {
  auto& e = expected();
  for (auto it = e.rbegin(); it != e.rend(); ++it) {
    if (it->type == type_ && it->sev == sev_) {
      e.erase(std::next(it).base());
      break;
    }
  }
}

int ExpectReport::count() const {
  int n = 0;
  const auto& s = seen_reports();
  for (std::size_t i = first_; i < s.size(); ++i)
    if (s[i].msg_type == type_ && s[i].severity == sev_) ++n;
  return n;
}

void install_report_handler() {
  using namespace sc_core;
  sc_report_handler::set_handler(&handler);
  // Keep stdout readable: no per-report stop/abort actions, the handler decides.
  sc_report_handler::set_actions(SC_WARNING, SC_DISPLAY);
  sc_report_handler::set_actions(SC_ERROR, SC_DISPLAY);
  sc_report_handler::set_actions(SC_FATAL, SC_DISPLAY);
}

}  // namespace cimvp::test

int sc_main(int argc, char* argv[]) {
  cimvp::test::install_report_handler();
  return Catch::Session().run(argc, argv);
}

// TraceTimeline (models/core/trace_timeline.h): values given for future simulated times
// appear on their signals exactly then, in the order given for equal times; a time
// already past applies at once; nothing is recorded before enable().
#include <catch2/catch.hpp>

#include "cimvp/core/trace_timeline.h"
#include "sc_test.h"

#include <utility>
#include <vector>

namespace {
using sc_core::SC_NS;
using sc_core::sc_time;

/// Records (time, value) of every change of a signal.
SC_MODULE(Watch) {
  sc_core::sc_signal<unsigned> s{"s", 0};
  std::vector<std::pair<sc_time, unsigned>> seen;
  SC_CTOR(Watch) {
    SC_METHOD(on_change);
    sensitive << s;
    dont_initialize();
  }
  void on_change() { seen.emplace_back(sc_core::sc_time_stamp(), s.read()); }
};

/// A loosely-timed producer: at t = 10 ns it records three values ahead of time (out of
/// time order), then at 40 ns one for 25 ns (already past).
SC_MODULE(Producer) {
  cimvp::TraceTimeline timeline{"timeline"};
  Watch* w = nullptr;
  SC_CTOR(Producer) { SC_THREAD(run); }
  void run() {
    wait(sc_time(10, SC_NS));
    timeline.at(sc_time(30, SC_NS), w->s, 3u);
    timeline.at(sc_time(20, SC_NS), w->s, 2u);
    timeline.at(sc_time(20, SC_NS), w->s, 5u);  // same time: given later, wins
    wait(sc_time(30, SC_NS));
    timeline.at(sc_time(25, SC_NS), w->s, 7u);  // in the past: now
  }
};
}  // namespace

TEST_CASE("TraceTimeline writes each value at its simulated time", "[trace]") {
  Watch w("w");
  Producer p("p");
  p.w = &w;
  p.timeline.enable();
  sc_core::sc_start(sc_time(100, SC_NS));
  const std::vector<std::pair<sc_time, unsigned>> want{
      {sc_time(20, SC_NS), 5u}, {sc_time(30, SC_NS), 3u}, {sc_time(40, SC_NS), 7u}};
  CHECK(w.seen == want);
  CHECK(p.timeline.pending() == 0);
}

TEST_CASE("TraceTimeline records nothing until enabled", "[trace]") {
  Watch w("w");
  Producer p("p");
  p.w = &w;
  sc_core::sc_start(sc_time(100, SC_NS));
  CHECK(w.seen.empty());
  CHECK(p.timeline.pending() == 0);
}

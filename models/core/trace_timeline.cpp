// TraceTimeline (trace_timeline.h).
#include "cimvp/core/trace_timeline.h"

namespace cimvp {

TraceTimeline::TraceTimeline(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
  SC_HAS_PROCESS(TraceTimeline);
  SC_THREAD(run);
}

void TraceTimeline::push(const sc_core::sc_time& at, std::function<void()> apply) {
  const bool earliest = queue_.empty() || at < queue_.top().at;
  queue_.push(Record{at, seq_++, std::move(apply)});
  if (earliest) wake_.notify(sc_core::SC_ZERO_TIME);
}

void TraceTimeline::clear() {
  queue_ = {};
}

void TraceTimeline::run() {
  for (;;) {
    if (queue_.empty()) {
      wait(wake_);
      continue;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (queue_.top().at > now) {
      wait(queue_.top().at - now, wake_);  // an earlier record may arrive meanwhile
      continue;
    }
    while (!queue_.empty() && queue_.top().at <= sc_core::sc_time_stamp()) {
      // copy out before pop: the record's function writes a signal
      const std::function<void()> apply = queue_.top().apply;
      queue_.pop();
      apply();
    }
  }
}

}  // namespace cimvp

// Waveform values at the simulated time they describe (docs/waveforms.md).
//
// Loosely-timed modules run ahead of the kernel's time (temporal decoupling: a read of
// the array is "at" sc_time_stamp() + the caller's local time + its position in the tile),
// but an sc_signal written now shows its edge now.  A TraceTimeline takes value changes
// for absolute future times and a thread of its own writes them when the kernel gets
// there, so a VCD shows each layer, plane and bus transaction where it happens, while the
// modules' timing is untouched (the timeline only reads its queue; nothing waits on it).
//
// Records for one signal must be given in non-decreasing time order; a time already past
// is applied at once (the edge shows at the current time).  Only traced runs record (the
// owner checks enabled(), set by trace() with a non-null file), so untraced runs pay
// nothing.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace cimvp {

class TraceTimeline : public sc_core::sc_module {
 public:
  explicit TraceTimeline(const sc_core::sc_module_name& name);

  /// Whether value changes are recorded (enable() was called).
  bool enabled() const { return enabled_; }
  /// Starts recording (called from the owner's const trace(): recording is how the run is
  /// observed, not model state).
  void enable() const { enabled_ = true; }

  /// Writes `value` to `signal` at absolute simulated time `at`.
  template <class T>
  void at(const sc_core::sc_time& at, sc_core::sc_signal<T>& signal, const T& value) {
    if (!enabled_) return;
    push(at, [&signal, value]() { signal.write(value); });
  }

  /// Records still waiting (for tests).
  std::size_t pending() const { return queue_.size(); }
  /// Drops the records not yet applied (module reset).
  void clear();

 private:
  struct Record {
    sc_core::sc_time at;
    std::uint64_t seq;  // ties: in the order given
    std::function<void()> apply;
  };
  struct Later {
    bool operator()(const Record& a, const Record& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  };
  void push(const sc_core::sc_time& at, std::function<void()> apply);
  void run();

  mutable bool enabled_ = false;
  std::uint64_t seq_ = 0;
  std::priority_queue<Record, std::vector<Record>, Later> queue_;
  sc_core::sc_event wake_;
};

}  // namespace cimvp

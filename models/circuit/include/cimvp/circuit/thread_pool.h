// A small fork-join pool of std::threads for deterministic intra-read parallelism
// (docs/performance.md, "Threads").
//
// parallel_for(tasks, fn) runs fn(i) for every i in [0, tasks) and returns when all have
// finished.  Thread t of T (the caller is thread 0) owns the tasks [t·tasks/T, (t+1)·tasks/T)
// and runs them first, in increasing order, so that a caller issuing the same partition job
// after job keeps each thread on the same data (its outputs stay in that core's cache: handing
// a task to whichever thread is free moved the accumulator lines between the cores on every
// array read and made two threads slower than one); a thread that has finished its own range
// then takes the remaining tasks of the other ranges, one at a time (a compare-and-swap on one
// word per range holding the job number and the next task, no lock), so a worker that the OS
// has not scheduled delays nothing but the task it has already claimed.  The pool never
// decides *what* is computed, only where, so a caller whose tasks write disjoint outputs and
// read shared inputs gets the same results for every thread count.
// Idle workers spin on the job number with the CPU's pause hint, without system calls, for
// `spin` after a job (a simulation's next array read follows within microseconds; a system
// call or a futex wake-up costs several microseconds, much more in a virtual machine), then
// sleep on a condition variable; an idle pool uses no CPU after that.  The caller waits for
// the tasks the workers claimed by spinning the same way, then by yielding its core.
// Exceptions: the exception of the lowest-numbered failing task is rethrown to the caller
// after every task has finished.  A parallel_for called from inside a task, or while
// another thread is using the pool, runs its tasks serially on the calling thread.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace cimvp {

/// Largest thread count accepted (platform key `threads`).
constexpr unsigned kMaxThreads = 256;

/// Threads to use for `requested`: requested itself when > 0, else every core
/// (std::thread::hardware_concurrency(), 1 when unknown).
unsigned resolve_threads(unsigned requested);

class ThreadPool {
 public:
  /// How long an idle worker spins before it sleeps (default kDefaultSpin).
  static constexpr std::chrono::microseconds kDefaultSpin{2000};

  /// threads: 0 = every core (resolve_threads); 1 = no worker threads.
  /// spin: how long idle workers poll for the next job before they sleep.
  /// Throws std::invalid_argument above kMaxThreads.
  explicit ThreadPool(unsigned threads = 0, std::chrono::microseconds spin = kDefaultSpin);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Threads that run tasks, including the caller (>= 1).
  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }

  /// Runs fn(i) for i in [0, tasks), statically partitioned (see above); F: void(std::size_t).
  template <class F>
  void parallel_for(std::size_t tasks, F&& fn) {
    using Fn = typename std::remove_reference<F>::type;
    run(tasks, const_cast<void*>(static_cast<const void*>(&fn)),
        [](void* ctx, std::size_t i) { (*static_cast<Fn*>(ctx))(i); });
  }

 private:
  using Call = void (*)(void*, std::size_t);
  void run(std::size_t tasks, void* ctx, Call call);
  void worker(unsigned self);
  /// Runs the tasks of job `job` that are left: own range `self` first, then the others.
  void run_tasks(std::uint32_t job, unsigned self);
  /// Claims and runs one task of range r of job `job`; false when none is left there.
  bool run_one(std::uint32_t job, unsigned r);

  std::vector<std::thread> workers_;
  const std::chrono::microseconds spin_;
  // The job: state_ = job number << 32; range r's claim word = job number << 32 | next task
  // of the range.  tasks_, ctx_, call_ and the claim words are written by the caller before it
  // publishes a new job number in state_ (release); ctx_ and call_ are read by a thread only
  // after it has claimed a task of that job, which keeps the job alive.
  struct alignas(64) Range {
    std::atomic<std::uint64_t> next{0};
  };
  std::vector<Range> ranges_;  // one per thread
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::size_t> tasks_{0};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<Call> call_{nullptr};
  std::atomic<std::size_t> done_{0};  // tasks of the current job finished
  std::atomic<bool> busy_{false};     // a caller is inside run()
  std::atomic<unsigned> sleepers_{0};  // workers waiting on start_cv_
  std::atomic<bool> stop_{false};
  std::mutex m_;  // start_cv_ and error_
  std::condition_variable start_cv_;
  std::exception_ptr error_;
  std::size_t error_task_ = 0;
};

}  // namespace cimvp

// A small fork-join pool of std::threads for deterministic intra-read parallelism
// (docs/performance.md, "Threads").
//
// parallel_for(tasks, fn) runs fn(i) for every i in [0, tasks) and returns when all have
// finished.  The partition is static: with T threads, thread t runs the contiguous range
// [t·tasks/T, (t+1)·tasks/T) in increasing order (the calling thread is thread 0).  The pool
// never decides *what* is computed, only where, so a caller whose tasks write disjoint
// outputs and read shared inputs gets the same results for every thread count.
// Workers spin for a short while after a job (the next read of a simulation follows within
// microseconds) and then sleep on a condition variable; an idle pool uses no CPU.
// Exceptions: the exception of the lowest-numbered failing range is rethrown to the caller
// after every range has finished.  A parallel_for called from inside a task, or while
// another thread is using the pool, runs its tasks serially on the calling thread.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include <atomic>
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
  /// threads: 0 = every core (resolve_threads); 1 = no worker threads.
  /// Throws std::invalid_argument above kMaxThreads.
  explicit ThreadPool(unsigned threads = 0);
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
  void worker(unsigned index);
  void run_range(unsigned index);

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_cv_, done_cv_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> busy_{false};
  bool stop_ = false;
  // the current job (written by the caller before generation_ is bumped)
  std::size_t tasks_ = 0;
  void* ctx_ = nullptr;
  Call call_ = nullptr;
  std::vector<std::exception_ptr> errors_;  ///< per range
};

}  // namespace cimvp

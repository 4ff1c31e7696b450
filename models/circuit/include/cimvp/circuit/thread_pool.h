// A small fork-join pool of std::threads for deterministic intra-read parallelism
// (docs/performance.md, "Threads").
//
// parallel_for(tasks, fn) runs fn(i) for every i in [0, tasks) and returns when all have
// finished.  Tasks are claimed one at a time, in increasing order, by the calling thread and
// the workers alike, so a worker that the OS has not scheduled (a loaded machine) delays
// nothing but the task it has already claimed.  The pool never decides *what* is computed,
// only where, so a caller whose tasks write disjoint outputs and read shared inputs gets the
// same results for every thread count.
// Workers poll for a short while after a job (the next read of a simulation follows within
// microseconds) and then sleep on a condition variable; an idle pool uses no CPU.
// Exceptions: the exception of the lowest-numbered failing task is rethrown to the caller
// after every task has finished.  A parallel_for called from inside a task, or while
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
  void worker();
  /// Claims and runs one task of job `generation`; false when none is left.
  bool run_one(std::uint64_t generation);

  std::vector<std::thread> workers_;
  std::mutex m_;
  std::condition_variable start_cv_, done_cv_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> busy_{false};
  // the current job, guarded by m_ (ctx_ and call_ are only read by a thread holding a task)
  bool stop_ = false;
  std::uint64_t job_ = 0;
  std::size_t tasks_ = 0, next_ = 0, done_ = 0;
  void* ctx_ = nullptr;
  Call call_ = nullptr;
  std::exception_ptr error_;
  std::size_t error_task_ = 0;
};

}  // namespace cimvp

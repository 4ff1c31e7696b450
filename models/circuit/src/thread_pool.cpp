#include "cimvp/circuit/thread_pool.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace cimvp {

namespace {
thread_local bool t_in_task = false;  // true while this thread runs a pool task

// The CPU's spin-wait hint: lets the sibling hardware thread run and saves power, no system call.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

constexpr std::uint32_t job_of(std::uint64_t state) { return static_cast<std::uint32_t>(state >> 32); }
constexpr std::uint64_t kTaskMask = 0xffffffffu;
}  // namespace

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : std::min(hw, kMaxThreads);
}

ThreadPool::ThreadPool(unsigned threads, std::chrono::microseconds spin) : spin_(spin) {
  if (threads > kMaxThreads)
    throw std::invalid_argument("ThreadPool: " + std::to_string(threads) + " threads, expected 0.." +
                                std::to_string(kMaxThreads) + " (0 = every core)");
  const unsigned t = resolve_threads(threads);
  ranges_ = std::vector<Range>(t);
  workers_.reserve(t - 1);
  for (unsigned i = 1; i < t; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_seq_cst);
  {
    std::lock_guard<std::mutex> lock(m_);
    state_.fetch_add(std::uint64_t{1} << 32, std::memory_order_seq_cst);  // a new "job": wake up
  }
  start_cv_.notify_all();
  for (auto& w : workers_) w.join();
}

bool ThreadPool::run_one(std::uint32_t job, unsigned r) {
  std::atomic<std::uint64_t>& word = ranges_[r].next;
  std::uint64_t s = word.load(std::memory_order_acquire);
  std::size_t i;
  for (;;) {
    if (job_of(s) != job) return false;  // a later job: this one has been claimed and finished
    i = static_cast<std::size_t>(s & kTaskMask);
    // end of range r (tasks_ is the job's while the claim word still holds its number)
    const std::size_t end = tasks_.load(std::memory_order_relaxed) * (r + 1) / ranges_.size();
    if (i >= end) return false;  // nothing left to claim here
    if (word.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
  }
  // task i of `job` is ours: the job cannot end (nor ctx_/call_ change) before we report it done
  void* ctx = ctx_.load(std::memory_order_relaxed);
  const Call call = call_.load(std::memory_order_relaxed);
  t_in_task = true;
  try {
    call(ctx, i);
  } catch (...) {
    std::lock_guard<std::mutex> lock(m_);
    if (!error_ || i < error_task_) {
      error_ = std::current_exception();
      error_task_ = i;
    }
  }
  t_in_task = false;
  done_.fetch_add(1, std::memory_order_release);
  return true;
}

void ThreadPool::run_tasks(std::uint32_t job, unsigned self) {
  const unsigned T = static_cast<unsigned>(ranges_.size());
  for (unsigned k = 0; k < T; ++k) {
    const unsigned r = (self + k) % T;
    while (run_one(job, r)) {
    }
  }
}

void ThreadPool::worker(unsigned self) {
  std::uint32_t seen = 0;
  for (;;) {
    // spin (no system call) for spin_, then sleep until the job number changes
    std::uint64_t s = state_.load(std::memory_order_acquire);
    if (job_of(s) == seen) {
      const auto t0 = std::chrono::steady_clock::now();
      for (unsigned k = 1; job_of(s) == seen; ++k) {
        cpu_relax();
        if ((k & 255) == 0 && std::chrono::steady_clock::now() - t0 > spin_) break;
        s = state_.load(std::memory_order_acquire);
      }
      if (job_of(s) == seen) {
        std::unique_lock<std::mutex> lock(m_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        start_cv_.wait(lock, [&] { return job_of(state_.load(std::memory_order_seq_cst)) != seen; });
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
        s = state_.load(std::memory_order_acquire);
      }
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = job_of(s);
    run_tasks(seen, self);
  }
}

void ThreadPool::run(std::size_t tasks, void* ctx, Call call) {
  if (tasks == 0) return;
  bool expected = false;
  if (workers_.empty() || tasks == 1 || tasks > kTaskMask || t_in_task ||
      !busy_.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
    for (std::size_t i = 0; i < tasks; ++i) call(ctx, i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_);
    error_ = nullptr;
  }
  tasks_.store(tasks, std::memory_order_relaxed);
  ctx_.store(ctx, std::memory_order_relaxed);
  call_.store(call, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  // every task of the previous job is claimed and done: only this thread writes state_ now
  const std::uint32_t job = job_of(state_.load(std::memory_order_relaxed)) + 1;
  const std::size_t T = ranges_.size();
  for (std::size_t r = 0; r < T; ++r)
    ranges_[r].next.store(std::uint64_t{job} << 32 | (tasks * r / T), std::memory_order_relaxed);
  state_.store(std::uint64_t{job} << 32, std::memory_order_seq_cst);  // publish
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    { std::lock_guard<std::mutex> lock(m_); }  // a worker between its check and its wait holds m_
    start_cv_.notify_all();
  }
  run_tasks(job, 0);  // the caller's range, then any task no worker has claimed yet
  // wait for the tasks the workers claimed: spin, then yield the core
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned k = 1; done_.load(std::memory_order_acquire) != tasks; ++k) {
    cpu_relax();
    if ((k & 255) == 0 && std::chrono::steady_clock::now() - t0 > spin_) std::this_thread::yield();
  }
  std::exception_ptr first;
  {
    std::lock_guard<std::mutex> lock(m_);
    first = error_;
    error_ = nullptr;
  }
  busy_.store(false, std::memory_order_release);
  if (first) std::rethrow_exception(first);
}

}  // namespace cimvp

#include "cimvp/circuit/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
thread_local bool t_in_task = false;  // true while this thread runs a pool task
// How long an idle worker (or the waiting caller) polls before it sleeps: the next read of a
// simulation usually follows within this time, and a wake-up through the condition
// variable costs several microseconds.
constexpr auto kSpin = std::chrono::microseconds(30);
}  // namespace

unsigned resolve_threads(unsigned requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : std::min(hw, kMaxThreads);
}

ThreadPool::ThreadPool(unsigned threads) {
  if (threads > kMaxThreads)
    throw std::invalid_argument("ThreadPool: " + std::to_string(threads) + " threads, expected 0.." +
                                std::to_string(kMaxThreads) + " (0 = every core)");
  const unsigned t = resolve_threads(threads);
  workers_.reserve(t - 1);
  for (unsigned i = 1; i < t; ++i) workers_.emplace_back([this] { worker(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
    generation_.fetch_add(1);
  }
  start_cv_.notify_all();
  for (auto& w : workers_) w.join();
}

bool ThreadPool::run_one(std::uint64_t generation) {
  std::size_t i;
  void* ctx;
  Call call;
  {
    std::lock_guard<std::mutex> lock(m_);
    if (job_ != generation || next_ >= tasks_) return false;  // a later job, or nothing left
    i = next_++;
    ctx = ctx_;
    call = call_;
  }
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
  bool last;
  {
    std::lock_guard<std::mutex> lock(m_);
    last = ++done_ == tasks_;
  }
  if (last) done_cv_.notify_one();
  return true;
}

void ThreadPool::worker() {
  std::uint64_t seen = 0;
  for (;;) {
    // poll for a while, then sleep until the generation changes
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t g = generation_.load(std::memory_order_acquire);
    for (unsigned k = 0; g == seen; ++k) {
      if ((k & 15) == 15 && std::chrono::steady_clock::now() - t0 > kSpin) break;
      std::this_thread::yield();
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      std::unique_lock<std::mutex> lock(m_);
      start_cv_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      g = generation_.load(std::memory_order_acquire);
    }
    seen = g;
    {
      std::lock_guard<std::mutex> lock(m_);
      if (stop_) return;
    }
    while (run_one(g)) {
    }
  }
}

void ThreadPool::run(std::size_t tasks, void* ctx, Call call) {
  if (tasks == 0) return;
  bool expected = false;
  if (workers_.empty() || tasks == 1 || t_in_task || !busy_.compare_exchange_strong(expected, true)) {
    for (std::size_t i = 0; i < tasks; ++i) call(ctx, i);
    return;
  }
  std::uint64_t g;
  {
    std::lock_guard<std::mutex> lock(m_);
    tasks_ = tasks;
    next_ = 0;
    done_ = 0;
    ctx_ = ctx;
    call_ = call;
    error_ = nullptr;
    g = generation_.fetch_add(1, std::memory_order_acq_rel) + 1;
    job_ = g;
  }
  start_cv_.notify_all();
  while (run_one(g)) {  // the caller claims tasks too: a worker that is not scheduled costs nothing
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned k = 0;; ++k) {  // wait for the tasks the workers claimed
    {
      std::unique_lock<std::mutex> lock(m_);
      if (done_ == tasks_) break;
      if ((k & 15) == 15 && std::chrono::steady_clock::now() - t0 > kSpin) {
        done_cv_.wait(lock, [&] { return done_ == tasks_; });
        break;
      }
    }
    std::this_thread::yield();
  }
  std::exception_ptr first;
  {
    std::lock_guard<std::mutex> lock(m_);
    first = error_;
    error_ = nullptr;
    ctx_ = nullptr;
    call_ = nullptr;
  }
  busy_.store(false, std::memory_order_release);
  if (first) std::rethrow_exception(first);
}

}  // namespace cimvp

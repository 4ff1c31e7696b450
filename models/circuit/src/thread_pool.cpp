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
constexpr auto kSpin = std::chrono::microseconds(50);
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
  errors_.resize(t);
  workers_.reserve(t - 1);
  for (unsigned i = 1; i < t; ++i) workers_.emplace_back([this, i] { worker(i); });
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

void ThreadPool::run_range(unsigned index) {
  const std::size_t T = threads();
  const std::size_t lo = tasks_ * index / T, hi = tasks_ * (index + 1) / T;
  t_in_task = true;
  try {
    for (std::size_t i = lo; i < hi; ++i) call_(ctx_, i);
  } catch (...) {
    errors_[index] = std::current_exception();
  }
  t_in_task = false;
}

void ThreadPool::worker(unsigned index) {
  std::uint64_t seen = 0;
  for (;;) {
    // poll for a while, then sleep until the generation changes
    const auto t0 = std::chrono::steady_clock::now();
    std::uint64_t g = generation_.load(std::memory_order_acquire);
    for (unsigned k = 0; g == seen; ++k) {
      if ((k & 63) == 63 && std::chrono::steady_clock::now() - t0 > kSpin) break;
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
      std::lock_guard<std::mutex> lock(m_);  // the job fields were written under m_
      if (stop_) return;
    }
    run_range(index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(m_);
      done_cv_.notify_one();
    }
  }
}

void ThreadPool::run(std::size_t tasks, void* ctx, Call call) {
  if (tasks == 0) return;
  bool expected = false;
  if (workers_.empty() || tasks == 1 || t_in_task || !busy_.compare_exchange_strong(expected, true)) {
    for (std::size_t i = 0; i < tasks; ++i) call(ctx, i);  // serial: same tasks, same order per output
    return;
  }
  {
    std::lock_guard<std::mutex> lock(m_);
    tasks_ = tasks;
    ctx_ = ctx;
    call_ = call;
    for (auto& e : errors_) e = nullptr;
    pending_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  start_cv_.notify_all();
  run_range(0);
  const auto t0 = std::chrono::steady_clock::now();
  for (unsigned k = 0; pending_.load(std::memory_order_acquire) != 0; ++k) {
    if ((k & 63) == 63 && std::chrono::steady_clock::now() - t0 > kSpin) {
      std::unique_lock<std::mutex> lock(m_);
      done_cv_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
      break;
    }
    std::this_thread::yield();
  }
  std::exception_ptr first;
  {
    std::lock_guard<std::mutex> lock(m_);
    for (auto& e : errors_)
      if (e && !first) first = e;
    ctx_ = nullptr;
    call_ = nullptr;
  }
  busy_.store(false, std::memory_order_release);
  if (first) std::rethrow_exception(first);
}

}  // namespace cimvp

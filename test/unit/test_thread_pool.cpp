// ThreadPool (models/circuit/thread_pool.h): every task runs once, on at most `threads`
// threads; exceptions reach the caller; nested use runs serially; and a sub-array read split
// over vector ranges on the pool — with the conversion noise keyed by the vector's index —
// equals the single-threaded read bit for bit (the principle SenseStage::convert_all relies
// on).  Tagged [threads]: `scripts/test --tsan` runs these under ThreadSanitizer.
#include <catch2/catch.hpp>

#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace cimvp;

TEST_CASE("thread pool: every task once, on the caller or the workers", "[threads]") {
  for (unsigned T : {1u, 2u, 3u, 4u}) {
    ThreadPool pool(T);
    REQUIRE(pool.threads() == T);
    for (std::size_t tasks : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}}) {
      std::vector<std::atomic<int>> hits(tasks);
      std::vector<std::thread::id> who(tasks);
      for (int rep = 0; rep < 20; ++rep) {  // repeated jobs reuse the sleeping/spinning workers
        for (auto& h : hits) h = 0;
        pool.parallel_for(tasks, [&](std::size_t i) {
          hits[i].fetch_add(1);
          who[i] = std::this_thread::get_id();
        });
        for (std::size_t i = 0; i < tasks; ++i) REQUIRE(hits[i] == 1);
      }
      // at most T distinct threads ran them, one of them possibly the caller
      std::vector<std::thread::id> ids(who.begin(), who.end());
      std::sort(ids.begin(), ids.end());
      REQUIRE(static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin()) <= T);
    }
  }
}

TEST_CASE("thread pool: workers that sleep between jobs wake for the next one", "[threads]") {
  // spin 0: a worker sleeps as soon as it finds no job, so every job below has to wake it
  ThreadPool pool(2, std::chrono::microseconds(0));
  std::atomic<int> on_worker{0};
  const auto caller = std::this_thread::get_id();
  for (int rep = 0; rep < 200; ++rep) {
    if (rep % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the worker is asleep
    std::vector<int> out(16, 0);
    pool.parallel_for(out.size(), [&](std::size_t i) {
      out[i] = static_cast<int>(i) * 3;
      if (std::this_thread::get_id() != caller) on_worker.fetch_add(1);
    });
    for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == static_cast<int>(i) * 3);
  }
  // two callers at once: one gets the pool, the other runs its tasks itself; both complete
  std::atomic<int> a{0}, b{0};
  std::thread other([&] {
    for (int rep = 0; rep < 100; ++rep) pool.parallel_for(8, [&](std::size_t) { b.fetch_add(1); });
  });
  for (int rep = 0; rep < 100; ++rep) pool.parallel_for(8, [&](std::size_t) { a.fetch_add(1); });
  other.join();
  REQUIRE(a == 800);
  REQUIRE(b == 800);
}

TEST_CASE("thread pool: exceptions reach the caller, nested use is serial", "[threads]") {
  ThreadPool pool(3);
  REQUIRE_THROWS_WITH(pool.parallel_for(9,
                                        [](std::size_t i) {
                                          if (i == 4) throw std::runtime_error("task 4");
                                          if (i == 8) throw std::runtime_error("task 8");
                                        }),
                      "task 4");  // lowest failing task first
  std::atomic<int> inner{0};
  pool.parallel_for(3, [&](std::size_t) { pool.parallel_for(5, [&](std::size_t) { inner.fetch_add(1); }); });
  REQUIRE(inner == 15);
  pool.parallel_for(4, [](std::size_t) {});  // still usable
  REQUIRE_THROWS_AS(ThreadPool(kMaxThreads + 1), std::invalid_argument);
  REQUIRE(resolve_threads(3) == 3);
  REQUIRE(resolve_threads(0) >= 1);
}

TEST_CASE("a noisy analog read split over vector ranges on threads equals the whole read", "[threads]") {
  // 100-row, 37-column array with cell variation, column ADC-like noise on every conversion:
  // the analog path.  Split into ranges [v0, v1) with noise.first_vector += v0, as
  // SenseStage::convert_all does.
  SubArrayConfig c;
  c.rows = 100;
  c.cols = 37;
  SubArray a(c);
  std::mt19937_64 rng(5);
  std::vector<std::int8_t> w(100 * 37);
  for (auto& v : w) v = (rng() & 1) ? 1 : -1;
  a.program(w.data(), 100, 37, 100);
  a.set_cell_variation(0.2, 9);
  const SenseTable t({Quantizer::linear(PsRange::of(100, InputKind::bipolar), 4)}, 37);
  const std::size_t N = 53, stride = 2;
  std::vector<Word> x(N * stride);
  for (auto& v : x) v = rng();
  ConversionNoise noise;
  noise.sigma = 1.5;
  noise.seed = 77;
  noise.layer = 1;
  noise.first_vector = 1000;
  std::vector<std::int32_t> whole(N * 37, 0);
  ArrayActivity act_whole;
  a.accumulate(x.data(), stride, N, InputKind::bipolar, t, 1, whole.data(), 37, &act_whole, &noise);
  for (unsigned T : {2u, 4u}) {
    ThreadPool pool(T);
    for (std::size_t pieces : {std::size_t{2}, std::size_t{5}}) {
      std::vector<std::int32_t> split(N * 37, 0);
      std::vector<ArrayActivity> acts(pieces);
      pool.parallel_for(pieces, [&](std::size_t p) {
        const std::size_t v0 = N * p / pieces, v1 = N * (p + 1) / pieces;
        ConversionNoise n = noise;
        n.first_vector += v0;
        a.accumulate(x.data() + v0 * stride, stride, v1 - v0, InputKind::bipolar, t, 1, split.data() + v0 * 37, 37,
                     &acts[p], &n);
      });
      ArrayActivity sum;
      for (const auto& s : acts) sum += s;
      REQUIRE(split == whole);
      REQUIRE(sum == act_whole);
    }
  }
}

TEST_CASE("threads reading one sub-array at once (two-pass tiles) equal one whole read", "[threads]") {
  // The look-up path of a parallel read (64 rows, 64 columns: one word per column, the SIMD
  // kernels where the CPU has them), per-column MLSA offsets so that the columns' tables
  // differ, unipolar inputs (word-line counts depend on the data): the same SubArray and
  // SenseTable read by every thread at once on its own vectors, as pass 1 of a two-pass
  // tile does; sums and events must equal one read of all vectors.
  SubArrayConfig c;
  c.rows = 64;
  c.cols = 64;
  c.mode = CellMode::hbnn_6t;
  SubArray a(c);
  std::mt19937_64 rng(11);
  std::vector<std::int8_t> w(64 * 64);
  for (auto& v : w) v = (rng() & 1) ? 1 : -1;
  a.program(w.data(), 64, 64, 64);
  const PsRange range = PsRange::of(64, InputKind::unipolar);
  const MlsaOffsets offsets(64, 7, 0.8, 3);
  const SenseTable t({Quantizer::linear(range, 3)}, 64, offsets);
  const std::size_t N = 97;
  std::vector<Word> x(N);
  for (auto& v : x) v = rng();
  std::vector<std::int32_t> whole(N * 64, 0);
  ArrayActivity act_whole;
  a.accumulate(x.data(), 1, N, InputKind::unipolar, t, 2, whole.data(), 64, &act_whole, nullptr);
  REQUIRE(act_whole.wordline_activations > 0);
  for (unsigned T : {2u, 4u}) {
    ThreadPool pool(T);
    const std::size_t blocks = 2 * T + 1;
    std::vector<std::int32_t> split(N * 64, 0);
    std::vector<ArrayActivity> acts(blocks);
    for (int rep = 0; rep < 20; ++rep)  // many rounds: overlapping calls on the same tables
      pool.parallel_for(blocks, [&](std::size_t b) {
        const std::size_t v0 = N * b / blocks, v1 = N * (b + 1) / blocks;
        a.accumulate(x.data() + v0, 1, v1 - v0, InputKind::unipolar, t, 2, split.data() + v0 * 64, 64, &acts[b],
                     nullptr);
      });
    ArrayActivity sum;
    for (const auto& s : acts) sum += s;
    std::vector<std::int32_t> expect(whole);
    for (auto& v : expect) v *= 20;
    REQUIRE(split == expect);
    ArrayActivity expect_act;
    for (int rep = 0; rep < 20; ++rep) expect_act += act_whole;
    REQUIRE(sum == expect_act);
  }
}

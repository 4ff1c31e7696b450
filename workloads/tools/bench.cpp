// cimvp-bench (scripts/bench): the main job's network over a data set through the full
// platform (Host + BnnDriver, Router, Memory, CimMacro), and in the same run a plain
// per-image bit-packed XNOR/AND-popcount implementation of the same layers and the roofline
// (the same layers as batched, blocked binary GEMMs, binary_gemm.h, plus the 256×1024×1024
// reference shape); prints binary MACs per second and the ratios (docs/performance.md).
// Not a test: timings vary.
#include "cimvp/circuit/binary_gemm.h"
#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/thread_pool.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/two_way_training.h"
#include "cimvp/platform/units.h"
#include "cimvp/platform/workload.h"
#include "cimvp/workloads/bnn.h"

#include <systemc>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

// The plain kernel is compiled with and without the POPCNT instruction and picked at load
// time, like the circuit kernels (the x86-64 baseline has no POPCNT).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define BENCH_KERNEL __attribute__((target_clones("popcnt", "default")))
#else
#define BENCH_KERNEL
#endif

namespace {

using cimvp::Word;

/// One layer of the plain implementation: weights packed row by row (bit k of neuron j's
/// row = W[j][k] == +1), folded thresholds, last-layer scale and bias.
struct PlainLayer {
  unsigned K = 0, M = 0, words = 0;
  std::vector<Word> w;
  std::vector<std::int32_t> threshold;
  std::vector<std::uint8_t> flip;
  std::vector<float> scale, bias;
};

std::vector<PlainLayer> pack_network(const cimvp::BnnNetwork& net) {
  std::vector<PlainLayer> out;
  for (const auto& L : net.layers) {
    PlainLayer p;
    p.K = L.inputs;
    p.M = L.outputs;
    p.words = static_cast<unsigned>(cimvp::words_for_bits(L.inputs));
    p.w.assign(std::size_t{p.M} * p.words, 0);
    for (unsigned j = 0; j < p.M; ++j)
      for (unsigned k = 0; k < p.K; ++k)
        if (L.weights[std::size_t{j} * p.K + k] == 1) p.w[std::size_t{j} * p.words + k / 64] |= Word{1} << (k % 64);
    p.threshold = L.threshold;
    p.flip = L.flip;
    p.scale = L.scale;
    p.bias = L.bias;
    out.push_back(std::move(p));
  }
  return out;
}

/// bnn.h semantics with bit-packed vectors: XNOR layers s = K − 2·popcount(x ⊕ w); {0,1}
/// inputs (HBNN, bit planes) s = 2·popcount(x ∧ w) − popcount(x); bit-serial planes are
/// shifted and added; thresholds; arg-max of scale·s + bias.
BENCH_KERNEL void plain_inference(const cimvp::BnnNetwork& net, const std::vector<PlainLayer>& layers,
                                  const std::uint8_t* images, std::size_t n, std::size_t pixels,
                                  std::uint32_t* predictions) {
  const bool xnor = net.mode == cimvp::CellMode::xnor_8t;
  const bool serial = net.input == cimvp::InputEncoding::bit_serial;
  const unsigned planes = serial ? net.input_bits : 1;
  const std::size_t wx = cimvp::words_for_bits(pixels);
  std::vector<Word> x, y;
  std::vector<std::int32_t> s;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* img = images + i * pixels;
    x.assign(planes * wx, 0);
    for (unsigned p = 0; p < planes; ++p) {
      const unsigned bit = 8 - net.input_bits + p;
      for (std::size_t k = 0; k < pixels; ++k) {
        const bool on = serial ? ((img[k] >> bit) & 1u) != 0 : img[k] >= net.input_threshold;
        x[p * wx + k / 64] |= static_cast<Word>(on) << (k % 64);
      }
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const PlainLayer& L = layers[l];
      const unsigned P = l == 0 ? planes : 1;
      const bool bipolar = l == 0 ? (xnor && !serial) : xnor;
      int px[8] = {0};
      for (unsigned p = 0; p < P; ++p)
        for (unsigned q = 0; q < L.words; ++q) px[p] += __builtin_popcountll(x[p * L.words + q]);
      s.assign(L.M, 0);
      for (unsigned j = 0; j < L.M; ++j) {
        const Word* w = L.w.data() + std::size_t{j} * L.words;
        std::int32_t acc = 0;
        for (unsigned p = 0; p < P; ++p) {
          const Word* xp = x.data() + p * L.words;
          int c = 0;
          if (bipolar) {
            for (unsigned q = 0; q < L.words; ++q) c += __builtin_popcountll(xp[q] ^ w[q]);
            acc += (static_cast<std::int32_t>(L.K) - 2 * c) * (std::int32_t{1} << p);
          } else {
            for (unsigned q = 0; q < L.words; ++q) c += __builtin_popcountll(xp[q] & w[q]);
            acc += (2 * c - px[p]) * (std::int32_t{1} << p);
          }
        }
        s[j] = acc;
      }
      if (l + 1 < layers.size()) {
        y.assign(cimvp::words_for_bits(L.M), 0);
        for (unsigned j = 0; j < L.M; ++j) {
          const bool fire = L.flip[j] ? s[j] <= L.threshold[j] : s[j] >= L.threshold[j];
          y[j / 64] |= static_cast<Word>(fire) << (j % 64);
        }
        x.swap(y);
      } else {
        std::uint32_t best = 0;
        float best_v = 0.0f;
        for (unsigned j = 0; j < L.M; ++j) {
          const float v = L.scale[j] * static_cast<float>(s[j]) + L.bias[j];
          if (j == 0 || v > best_v) {
            best_v = v;
            best = j;
          }
        }
        predictions[i] = best;
      }
    }
  }
}

/// The roofline: the same semantics as plain_inference, but batched — each layer is one
/// blocked binary GEMM (binary_gemm.h) of a chunk of images (× bit planes) against the
/// packed weights.
void roofline_inference(const cimvp::BnnNetwork& net, const std::vector<PlainLayer>& layers,
                        const std::uint8_t* images, std::size_t n, std::size_t pixels, std::uint32_t* predictions) {
  constexpr std::size_t kChunk = 256;
  const bool xnor = net.mode == cimvp::CellMode::xnor_8t;
  const bool serial = net.input == cimvp::InputEncoding::bit_serial;
  const unsigned planes = serial ? net.input_bits : 1;
  std::vector<Word> x, y;
  std::vector<std::int32_t> c, s;
  std::vector<std::int32_t> px;
  for (std::size_t i0 = 0; i0 < n; i0 += kChunk) {
    const std::size_t nb = std::min(kChunk, n - i0);
    const std::size_t wx = cimvp::words_for_bits(pixels);
    x.assign(nb * planes * wx, 0);
    for (std::size_t i = 0; i < nb; ++i) {
      const std::uint8_t* img = images + (i0 + i) * pixels;
      for (unsigned p = 0; p < planes; ++p) {
        Word* row = x.data() + (i * planes + p) * wx;
        const unsigned bit = 8 - net.input_bits + p;
        for (std::size_t k = 0; k < pixels; ++k) {
          const bool on = serial ? ((img[k] >> bit) & 1u) != 0 : img[k] >= net.input_threshold;
          row[k / 64] |= static_cast<Word>(on) << (k % 64);
        }
      }
    }
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const PlainLayer& L = layers[l];
      const unsigned P = l == 0 ? planes : 1;
      const bool bipolar = l == 0 ? (xnor && !serial) : xnor;
      const std::size_t rows = nb * P;
      c.resize(rows * L.M);
      cimvp::binary_gemm(bipolar ? cimvp::BinaryOp::xor_op : cimvp::BinaryOp::and_op, x.data(), rows, L.w.data(), L.M,
                         L.words, c.data());
      px.assign(rows, 0);
      if (!bipolar)
        for (std::size_t r = 0; r < rows; ++r)
          for (unsigned q = 0; q < L.words; ++q) px[r] += __builtin_popcountll(x[r * L.words + q]);
      s.assign(nb * L.M, 0);
      for (std::size_t i = 0; i < nb; ++i)
        for (unsigned p = 0; p < P; ++p) {
          const std::int32_t* cr = c.data() + (i * P + p) * L.M;
          std::int32_t* sr = s.data() + i * L.M;
          for (unsigned j = 0; j < L.M; ++j)
            sr[j] += (bipolar ? static_cast<std::int32_t>(L.K) - 2 * cr[j] : 2 * cr[j] - px[i * P + p]) * (std::int32_t{1} << p);
        }
      if (l + 1 < layers.size()) {
        const std::size_t wy = cimvp::words_for_bits(L.M);
        y.assign(nb * wy, 0);
        for (std::size_t i = 0; i < nb; ++i)
          for (unsigned j = 0; j < L.M; ++j) {
            const std::int32_t v = s[i * L.M + j];
            const bool fire = L.flip[j] ? v <= L.threshold[j] : v >= L.threshold[j];
            y[i * wy + j / 64] |= static_cast<Word>(fire) << (j % 64);
          }
        x.swap(y);
      } else {
        for (std::size_t i = 0; i < nb; ++i) {
          std::uint32_t best = 0;
          float best_v = 0.0f;
          for (unsigned j = 0; j < L.M; ++j) {
            const float v = L.scale[j] * static_cast<float>(s[i * L.M + j]) + L.bias[j];
            if (j == 0 || v > best_v) {
              best_v = v;
              best = j;
            }
          }
          predictions[i0 + i] = best;
        }
      }
    }
  }
}

/// The reference shape: batch 256 × K 1024 × N 1024 XNOR-popcount, repeated for at
/// least `seconds`; returns binary MACs per second.
double roofline_gemm_rate(double seconds, cimvp::GemmIsa isa) {
  constexpr std::size_t n = 256, m = 1024, words = 1024 / 64;
  std::mt19937_64 g(1);
  std::vector<Word> X(n * words), W(m * words);
  for (auto& v : X) v = g();
  for (auto& v : W) v = g();
  std::vector<std::int32_t> C(n * m);
  cimvp::binary_gemm(cimvp::BinaryOp::xor_op, X.data(), n, W.data(), m, words, C.data(), isa);  // warm-up
  std::size_t reps = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double dt = 0;
  do {
    cimvp::binary_gemm(cimvp::BinaryOp::xor_op, X.data(), n, W.data(), m, words, C.data(), isa);
    ++reps;
    dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (dt < seconds);
  return static_cast<double>(reps) * n * m * 1024 / dt;
}

/// CPU time of the whole process (every thread) so far, s: on a machine shared with other
/// jobs it measures the work done, where wall time also counts the waits for a core.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Peak resident set size of the process so far (getrusage), MiB.
double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

/// One XNOR layer K×M mapped onto 64×64 sub-arrays (ArrayBank, 3-bit linear MLSA SenseBank,
/// ideal cells, random ±1 weights), read the way the platform's sense stage reads it:
/// SubArray::accumulate per sub-array for a tile of vectors (--scaling, --ceiling).
struct KernelLayer {
  cimvp::SubArrayConfig array;
  cimvp::ArrayBank bank;
  cimvp::SenseBank sense;
  std::size_t wx;  ///< words per input vector
  KernelLayer(unsigned K, unsigned M, std::mt19937_64& g)
      : bank(K, M, random_weights(K, M, g).data(), cimvp::InputKind::bipolar, array, cimvp::CellVariationConfig{}, 0),
        sense(bank.segments(), bank.col_blocks(), 1, cimvp::InputKind::bipolar, array.cols, array.access,
              linear_mlsa(), 0),
        wx(cimvp::words_for_bits(K)) {}
  /// Every sub-array read once for the n vectors x (n × wx words), levels added to acc (n × M).
  void pass(const Word* x, std::size_t n, std::int32_t* acc) const {
    const std::size_t wpb = array.rows / 64;  // words per row block
    for (unsigned rb = 0; rb < bank.row_blocks(); ++rb)
      for (unsigned cb = 0; cb < bank.col_blocks(); ++cb)
        bank.sub_array(rb, cb).accumulate(x + rb * wpb, wx, n, cimvp::InputKind::bipolar, sense.table(rb, cb, 0), 0,
                                          acc + std::size_t{cb} * array.cols, bank.outputs(), nullptr);
  }
  static std::vector<std::int8_t> random_weights(unsigned K, unsigned M, std::mt19937_64& g) {
    std::vector<std::int8_t> w(std::size_t{K} * M);
    for (auto& v : w) v = (g() & 1) ? 1 : -1;
    return w;
  }
  static cimvp::SenseConfig linear_mlsa() {
    cimvp::SenseConfig sense;
    sense.quantization = cimvp::Quantization::linear;
    return sense;
  }
};

/// Cost growth of the datapath kernels with the layer size (--scaling): a KernelLayer per
/// shape, a tile of 128 random ±1 vectors; single thread, no SystemC.  Prints ns per binary
/// MAC of shapes from the MLP's layers to VGG-16's FC layers.
void scaling_study() {
  struct Shape {
    const char* name;
    unsigned K, M;
  };
  const Shape shapes[] = {{"MLP layer 2 (512x512)", 512, 512},
                          {"MLP layer 1 (784x512)", 784, 512},
                          {"VGG-16 fc7 (4096x4096)", 4096, 4096},
                          {"VGG-16 fc8 (4096x1000)", 4096, 1000},
                          {"VGG-16 fc6 (25088x4096)", 25088, 4096}};
  constexpr std::size_t n = 128;
  std::mt19937_64 g(1);
  std::vector<cimvp::KernelIsa> isas{cimvp::KernelIsa::scalar};
  for (cimvp::KernelIsa i : {cimvp::KernelIsa::avx2, cimvp::KernelIsa::avx512})
    if (i <= cimvp::best_kernel_isa()) isas.push_back(i);
  std::printf("scaling: one XNOR layer, 64x64 sub-arrays, 3-bit linear MLSA, tile of %zu vectors, 1 thread\n", n);
  std::printf("  %-42s %14s %12s %12s %12s %10s\n", "layer K x M", "binary MACs", "ns/kMAC scal", "ns/kMAC avx2",
              "ns/kMAC avx512", "RSS MiB");
  for (const Shape& sh : shapes) {
    const KernelLayer layer(sh.K, sh.M, g);
    std::vector<Word> x(n * layer.wx);
    for (auto& v : x) v = g();
    std::vector<std::int32_t> acc(n * sh.M);
    auto pass = [&] { layer.pass(x.data(), n, acc.data()); };
    double ns[3] = {0.0, 0.0, 0.0};  // per kernel path; 0 = not available
    std::vector<std::int32_t> first;
    for (const cimvp::KernelIsa isa : isas) {
      cimvp::set_kernel_isa(isa);
      std::fill(acc.begin(), acc.end(), 0);
      pass();  // warm-up, and the results of this path
      if (first.empty()) first = acc;
      else if (acc != first) {
        std::fprintf(stderr, "cimvp-bench: the %s kernel differs from the scalar one\n", cimvp::to_string(isa));
        std::exit(1);
      }
      std::size_t reps = 0;
      const auto t0 = std::chrono::steady_clock::now();
      double dt = 0;
      do {
        pass();
        ++reps;
        dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      } while (dt < 0.3);
      ns[static_cast<unsigned>(isa)] = 1e12 * dt / (static_cast<double>(reps) * n * sh.K * sh.M);
    }
    cimvp::set_kernel_isa(cimvp::best_kernel_isa());
    const auto shown = [](double v) { return v > 0 ? std::to_string(v).substr(0, 7) : std::string("-"); };
    std::printf("  %-42s %14.0f %12.3f %12s %12s %10.1f\n", sh.name, static_cast<double>(n) * sh.K * sh.M, ns[0],
                shown(ns[1]).c_str(), shown(ns[2]).c_str(), peak_rss_mib());
  }
}

/// What T threads (0 = every core) of this machine can gain at most, now (--ceiling): the datapath kernel
/// alone (KernelLayer 784×512, the main job's first layer, 64 vectors per thread, each
/// thread its own vectors and sums, the weights shared, no fork-join, no SystemC) and a
/// throughput-bound integer loop (8 independent add/xor chains), each run on 1 thread and
/// then on T threads at once with the same work per thread.  Prints the work rate of T
/// threads over that of 1 thread per round: the ceiling of `scripts/bench --speedup`.  On
/// a VM whose vCPUs are hardware threads of one core the integer loop shows it (about 1.2×
/// instead of T×).
void ceiling_study(unsigned rounds, unsigned threads) {
  const unsigned T = cimvp::resolve_threads(threads);
  std::mt19937_64 g(1);
  const KernelLayer layer(784, 512, g);
  constexpr std::size_t n = 64;
  struct Lane {
    std::vector<Word> x;
    std::vector<std::int32_t> acc;
  };
  std::vector<Lane> lanes(T);
  for (Lane& l : lanes) {
    l.x.resize(n * layer.wx);
    for (auto& v : l.x) v = g();
    l.acc.assign(n * layer.bank.outputs(), 0);
  }
  const auto kernel = [&](unsigned t) {
    for (int rep = 0; rep < 800; ++rep) layer.pass(lanes[t].x.data(), n, lanes[t].acc.data());
  };
  const auto alu = [](unsigned t) {
    std::uint64_t v[8] = {1, 2, 3, 4, 5, 6, 7, 8 + t};
    for (std::uint64_t i = 0; i < 200000000u; ++i) {
      for (int k = 0; k < 8; ++k) v[k] += v[(k + 1) % 8] ^ i;
      __asm__ volatile("" : "+r"(v[0]), "+r"(v[1]), "+r"(v[2]), "+r"(v[3]), "+r"(v[4]), "+r"(v[5]), "+r"(v[6]),
                       "+r"(v[7]));
    }
  };
  // seconds for `threads` threads each running job(t) once, at the same time
  const auto timed = [](unsigned threads, const auto& job) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> others;
    for (unsigned t = 1; t < threads; ++t) others.emplace_back(job, t);
    job(0);
    for (auto& th : others) th.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::printf("ceiling: work rate of %u threads / 1 thread on this machine (each thread the same work)\n", T);
  std::printf("  %-6s %14s %14s %9s   %14s %14s %9s\n", "round", "kernel 1 thr", "kernel T thr", "ratio",
              "int loop 1 thr", "int loop T thr", "ratio");
  for (unsigned r = 1; r <= rounds; ++r) {
    const double k1 = timed(1, kernel), kT = timed(T, kernel);
    const double a1 = timed(1, alu), aT = timed(T, alu);
    std::printf("  %-6u %12.3f s %12.3f s %8.2fx   %12.3f s %12.3f s %8.2fx\n", r, k1, kT, T * k1 / kT, a1, aT,
                T * a1 / aT);
  }
}

void usage() {
  std::cout << "usage: cimvp-bench [--weights FILE] [--dataset NAME] [--images N] [--batch N]\n"
               "                   [--calibration-samples N] [--platform FILE] [--set KEY=VALUE]... [--threads N]\n"
               "                   [--kernel scalar|avx2|avx512]\n"
               "       cimvp-bench --two-way-training [--images N] [--golden] [--platform FILE] [--set KEY=VALUE]...\n"
               "       cimvp-bench --scaling\n"
               "       cimvp-bench --ceiling [ROUNDS] [--threads N]\n"
               "Runs the network over the test set through the full cimvp platform (default platform,\n"
               "main job) and through a plain bit-packed popcount implementation; prints binary MACs\n"
               "per second of both and their ratio.  Defaults: fmnist-xnor.bnn, fashion-mnist, all\n"
               "10,000 test images, batch 1000, 1000 calibration samples.  A conv network (e.g.\n"
               "--weights synthetic-vgg8 --dataset synthetic-32x32x3 --platform vgg8-synthetic) runs\n"
               "through the platform only and prints its wall time per image.\n"
               "--threads N: the platform's `threads` key (default 1,\n"
               "so that platform / roofline compares one core with one core; 0 = every core).\n"
               "--kernel: the datapath kernel path (SubArray::accumulate; default the best this CPU has).\n"
               "--two-way-training: one training epoch of the two-way-training platform's job (default: all\n"
               "60,000 Fashion-MNIST training images, --images N: the first N) through the full platform with\n"
               "the training PPA on; prints the wall time and images/s (docs/performance.md).  --golden: also\n"
               "run and compare the golden step beside every step.\n"
               "--scaling: ns per binary MAC of the datapath kernels from the MLP's layers to\n"
               "VGG-16's FC layers (no platform).\n"
               "--ceiling: what T threads can gain over one on this machine now (T = --threads N,\n"
               "default 2; 0 = every core): the datapath kernel and an integer loop on 1 thread, then\n"
               "on T at once, ROUNDS times (default 3); no platform, exit 0.\n"
               "Exit status of the platform runs and --scaling: 0 when the implementations agree with\n"
               "their references, 1 when not; 2 for bad arguments or input files.\n";
}

std::string rate(double macs_per_s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f G binary MAC/s", macs_per_s / 1e9);
  return b;
}

/// One training epoch of the two-way-training job through the full platform (phase PPA on).
int bench_two_way_training(const std::string& platform, const std::vector<std::string>& sets, std::uint64_t images,
                           bool golden) {
  using namespace cimvp;
  PlatformConfig config;
  std::unique_ptr<TwoWayTraining> job;
  std::uint64_t train_images = 0;
  try {
    const PlatformSource src = resolve_platform(platform);
    config = load_platform(src, sets);
    WorkloadConfig w = load_workload(src, "", sets);
    w.two_way_training.epochs = 1;
    w.two_way_training.progress = false;
    w.two_way_training.golden = golden;
    if (images > 0) w.two_way_training.train_images = images;
    train_images = w.two_way_training.train_images;
    job = std::make_unique<TwoWayTraining>(w.two_way_training, config);
  } catch (const std::exception& e) {
    std::cerr << "cimvp-bench: error: " << e.what() << "\n";
    return 2;
  }
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Platform top("top", config);
  top.run_job(*job);
  const auto s0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
  const std::string summary = job->summary();
  std::printf("cimvp-bench: two_way_training, %s\n", summary.substr(0, summary.find('\n')).c_str());
  const auto n = static_cast<double>(job->trained_images());
  std::printf("  one training epoch (sc_start)  %8.3f s wall   %.1f images/s   golden check %s\n", s, s > 0 ? n / s : 0.0,
              golden ? "on" : "off");
  if (!job->epochs().empty())
    std::printf("  test accuracy on chip          %.2f %%   (%llu training images, %s)\n",
                100 * job->epochs().back().test_chip, static_cast<unsigned long long>(n),
                train_images ? "subset" : "all");
  std::printf("%s\n", summary.c_str());
  return job->passed() ? 0 : 1;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  using namespace cimvp;
  CimInferenceConfig job_cfg;
  job_cfg.progress = false;
  std::string platform = "default";
  std::vector<std::string> sets;
  bool two_way = false, golden = false, scaling = false, ceiling = false;
  unsigned ceiling_rounds = 3;
  std::string threads = "1";
  std::vector<std::string> given;  // options seen, for the mode checks below
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "cimvp-bench: error: " << what << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    // a whole decimal (or 0x) count in [lo, hi]; anything else is an error naming the option
    auto count = [&](const char* what, std::uint64_t lo, std::uint64_t hi) -> std::uint64_t {
      const std::string v = value(what);
      const std::optional<std::uint64_t> n = parse_uint(v);
      if (!n || *n < lo || *n > hi) {
        std::cerr << "cimvp-bench: error: " << what << ": expected a whole number " << lo << ".." << hi << ", got '"
                  << shown(v) << "'\n";
        std::exit(2);
      }
      return *n;
    };
    if (a != "--set") given.push_back(a);  // --set applies to both platform modes
    if (a == "--weights") job_cfg.weights = value("--weights");
    else if (a == "--dataset") job_cfg.dataset = value("--dataset");
    else if (a == "--images") job_cfg.images = count("--images", 0, std::uint64_t{1} << 40);
    else if (a == "--batch") job_cfg.batch = static_cast<unsigned>(count("--batch", 1, 1u << 20));
    else if (a == "--calibration-samples")
      job_cfg.calibration_samples = static_cast<unsigned>(count("--calibration-samples", 0, 1u << 24));
    else if (a == "--platform") platform = value("--platform");
    else if (a == "--set") sets.push_back(value("--set"));
    else if (a == "--two-way-training") two_way = true;
    else if (a == "--golden") golden = true;
    else if (a == "--threads") threads = std::to_string(count("--threads", 0, 256));
    else if (a == "--kernel") {
      const std::string k = value("--kernel");
      if (k != "scalar" && k != "avx2" && k != "avx512") {
        std::cerr << "cimvp-bench: error: --kernel: expected scalar, avx2 or avx512, got '" << shown(k) << "'\n";
        return 2;
      }
      cimvp::set_kernel_isa(k == "avx512" ? cimvp::KernelIsa::avx512
                            : k == "avx2" ? cimvp::KernelIsa::avx2
                                          : cimvp::KernelIsa::scalar);
    }
    else if (a == "--scaling") scaling = true;
    else if (a == "--ceiling") {
      ceiling = true;
      // ROUNDS is optional: anything after it but the next option is its value (so that
      // "--ceiling -1" is a bad count, not an unknown option)
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0)
        ceiling_rounds = static_cast<unsigned>(count("--ceiling", 1, 1000));
    }
    else if (a == "--help" || a == "-h") {
      usage();
      return 0;
    } else {
      std::cerr << "cimvp-bench: error: unknown option '" << shown(a) << "'; see --help\n";
      return 2;
    }
  }
  // The three modes take different options (usage): refuse a mix instead of ignoring part of it.
  auto refuse_with = [&](const std::string& mode, const std::vector<std::string>& allowed) -> bool {
    for (const std::string& g : given)
      if (g != mode && std::find(allowed.begin(), allowed.end(), g) == allowed.end()) {
        std::string takes;
        for (const std::string& x : allowed) takes += (takes.empty() ? "" : ", ") + x;
        std::cerr << "cimvp-bench: error: " << g << " does not apply to " << mode << " (it takes "
                  << (takes.empty() ? "no other option" : takes) << "); see --help\n";
        return true;
      }
    return false;
  };
  if (ceiling) {
    if (refuse_with("--ceiling", {"--threads"})) return 2;
    if (!sets.empty()) {
      std::cerr << "cimvp-bench: error: --set does not apply to --ceiling; see --help\n";
      return 2;
    }
    const bool threads_given = std::find(given.begin(), given.end(), "--threads") != given.end();
    ceiling_study(ceiling_rounds, threads_given ? static_cast<unsigned>(std::stoul(threads)) : 2u);
    return 0;
  }
  if (scaling) {
    if (refuse_with("--scaling", {})) return 2;
    if (!sets.empty()) {
      std::cerr << "cimvp-bench: error: --set does not apply to --scaling; see --help\n";
      return 2;
    }
    scaling_study();
    return 0;
  }
  if (two_way && refuse_with("--two-way-training", {"--images", "--golden", "--platform"})) return 2;
  if (golden && !two_way) {
    std::cerr << "cimvp-bench: error: --golden applies to --two-way-training only (the inference bench always "
                 "checks hardware == golden); see --help\n";
    return 2;
  }

  if (two_way) return bench_two_way_training(platform == "default" ? "two-way-training" : platform, sets,
                                             job_cfg.images, golden);
  PlatformConfig config;
  std::unique_ptr<CimInference> job;
  try {
    sets.insert(sets.begin(), "threads=" + threads);  // a --set threads=N given later wins
    config = load_platform(resolve_platform(platform), sets);
    job = std::make_unique<CimInference>(job_cfg, config);  // loads, calibrates, runs the references
  } catch (const std::exception& e) {
    std::cerr << "cimvp-bench: error: " << e.what() << "\n";
    return 2;
  }
  const BnnNetwork& net = job->network();
  const std::size_t n = job->images();
  const std::uint64_t macs = job->binary_macs_per_image() * n;

  // Conv networks (e.g. --weights synthetic-vgg8 --dataset synthetic-32x32x3): the plain and
  // roofline kernels are dense-only; only the platform is timed (wall time per image).
  bool conv = false;
  for (const BnnLayer& L : net.layers) conv = conv || L.is_conv();
  if (conv) {
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    Platform top("top", config);
    top.run_job(*job);
    const double sc0 = cpu_seconds();
    const auto s0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double platform_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
    const double platform_cpu = cpu_seconds() - sc0;
    const std::string summary = job->summary();
    std::printf("cimvp-bench: %s\n", summary.substr(0, summary.find('\n')).c_str());
    std::printf("  binary MACs per image     %llu (sum over layers of planes x K x M x windows)\n",
                static_cast<unsigned long long>(job->binary_macs_per_image()));
    std::printf("  platform (sc_start)       %8.3f s   %s   hardware == golden: %zu/%zu\n", platform_s,
                rate(macs / platform_s).c_str(), job->agreements(), n);
    std::printf("  wall time per image       %8.3f s   (conv network: no plain / roofline kernel)\n",
                n ? platform_s / static_cast<double>(n) : 0.0);
    std::printf("  CPU time                  platform %.3f s (%.3f s per image); kernel path %s\n", platform_cpu,
                n ? platform_cpu / static_cast<double>(n) : 0.0, cimvp::to_string(cimvp::kernel_isa()));
    std::printf("  peak RSS                  %.1f MiB (whole process: data set, references, platform)\n",
                peak_rss_mib());
    return job->passed() ? 0 : 1;
  }

  // Plain kernel.
  const Dataset& data = job->dataset();
  const std::vector<PlainLayer> plain = pack_network(net);
  std::vector<std::uint32_t> plain_pred(n);
  const double pc0 = cpu_seconds();
  const auto p0 = std::chrono::steady_clock::now();
  plain_inference(net, plain, data.images.data(), n, data.pixels(), plain_pred.data());
  const auto p1 = std::chrono::steady_clock::now();
  const double plain_cpu = cpu_seconds() - pc0;
  const double plain_s = std::chrono::duration<double>(p1 - p0).count();
  const bool plain_ok = plain_pred == job->ideal_predictions();

  // The roofline: batched blocked GEMM on the same network and data, and the reference shape.
  std::vector<std::uint32_t> roof_pred(n);
  const double rc0 = cpu_seconds();
  const auto r0 = std::chrono::steady_clock::now();
  roofline_inference(net, plain, data.images.data(), n, data.pixels(), roof_pred.data());
  const auto r1 = std::chrono::steady_clock::now();
  const double roof_cpu = cpu_seconds() - rc0;
  const double roof_s = std::chrono::duration<double>(r1 - r0).count();
  const bool roof_ok = roof_pred == job->ideal_predictions();
  std::vector<std::pair<cimvp::GemmIsa, double>> gemm_rates;
  for (auto isa : {cimvp::GemmIsa::avx2, cimvp::GemmIsa::popcnt, cimvp::GemmIsa::portable})
    if (isa <= cimvp::best_gemm_isa()) gemm_rates.emplace_back(isa, roofline_gemm_rate(0.3, isa));

  // The platform.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Platform top("top", config);
  top.run_job(*job);
  const double sc0 = cpu_seconds();
  const auto s0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const auto s1 = std::chrono::steady_clock::now();
  const double platform_cpu = cpu_seconds() - sc0;
  const double platform_s = std::chrono::duration<double>(s1 - s0).count();
  const bool platform_ok = job->passed();

  const double plain_rate = macs / plain_s, platform_rate = macs / platform_s, roof_rate = macs / roof_s;
  const double ratio = platform_rate / plain_rate;
  const std::string summary = job->summary();
  std::printf("cimvp-bench: %s\n", summary.substr(0, summary.find('\n')).c_str());
  std::printf("  binary MACs per image     %llu (sum over layers of planes x K x M)\n",
              static_cast<unsigned long long>(job->binary_macs_per_image()));
  std::printf("  plain bit-packed kernel   %8.3f s   %s   predictions == ideal BNN: %s\n", plain_s,
              rate(plain_rate).c_str(), plain_ok ? "yes" : "NO");
  std::printf("  platform (sc_start)       %8.3f s   %s   hardware == golden: %zu/%zu\n", platform_s,
              rate(platform_rate).c_str(), job->agreements(), n);
  std::printf("  platform threads          %u   (%.1f us of sc_start per image; datapath kernel path %s)\n",
              cimvp::resolve_threads(config.cim.threads), 1e6 * platform_s / static_cast<double>(n),
              cimvp::to_string(cimvp::kernel_isa()));
  std::printf("  roofline (blocked GEMM)   %8.3f s   %s   predictions == ideal BNN: %s\n", roof_s,
              rate(roof_rate).c_str(), roof_ok ? "yes" : "NO");
  for (const auto& [isa, r] : gemm_rates)
    std::printf("  roofline 256x1024x1024    %s   %s%s\n", rate(r).c_str(), cimvp::to_string(isa),
                isa == cimvp::best_gemm_isa() ? " (used)" : "");
  std::printf("  ratio platform / plain    %.3f\n", ratio);
  std::printf("  ratio platform / roofline %.3f   (platform / roofline on this job's layers)\n",
              platform_rate / roof_rate);
  std::printf("  CPU time                  plain %.3f s, platform %.3f s, roofline %.3f s; "
              "platform / roofline by CPU time %.3f\n",
              plain_cpu, platform_cpu, roof_cpu, roof_cpu / platform_cpu);
  std::printf("  peak RSS                  %.1f MiB (whole process: data set, references, platform)\n",
              peak_rss_mib());
  std::printf("  accuracy                  ideal BNN %.2f %%, golden %.2f %%, hardware %.2f %%\n",
              100 * job->ideal_accuracy(), 100 * job->golden_accuracy(), 100 * job->hardware_accuracy());
  return plain_ok && roof_ok && platform_ok ? 0 : 1;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);  // no banner on stderr
  return sc_core::sc_elab_and_sim(argc, argv);
}

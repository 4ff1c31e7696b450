// cimvp-bench (scripts/bench): the main job's network over a data set through the full
// platform (Host + BnnDriver, Router, Memory, CimMacro), and in the same run a plain
// bit-packed XNOR/AND-popcount implementation of the same layers; prints binary MACs per
// second for both and their ratio (docs/performance.md).  Not a test: timings vary.
#include "cimvp/circuit/bitpack.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/workloads/bnn.h"

#include <systemc>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
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
            acc += (static_cast<std::int32_t>(L.K) - 2 * c) << p;
          } else {
            for (unsigned q = 0; q < L.words; ++q) c += __builtin_popcountll(xp[q] & w[q]);
            acc += (2 * c - px[p]) << p;
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

void usage() {
  std::cout << "usage: cimvp-bench [--weights FILE] [--dataset NAME] [--images N] [--batch N]\n"
               "                   [--platform FILE] [--set KEY=VALUE]...\n"
               "Runs the network over the test set through the full cimvp platform (default platform,\n"
               "main job) and through a plain bit-packed popcount implementation; prints binary MACs\n"
               "per second of both and their ratio.  Defaults: fmnist-xnor.bnn, fashion-mnist, all\n"
               "10,000 test images, batch 1000.  Exit 0 when both agree with their references,\n"
               "1 when not, 2 for bad arguments or input files.\n";
}

std::string rate(double macs_per_s) {
  char b[64];
  std::snprintf(b, sizeof b, "%.2f G binary MAC/s", macs_per_s / 1e9);
  return b;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  using namespace cimvp;
  CimInferenceConfig job_cfg;
  job_cfg.progress = false;
  std::string platform = "default";
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "cimvp-bench: error: " << what << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (a == "--weights") job_cfg.weights = value("--weights");
      else if (a == "--dataset") job_cfg.dataset = value("--dataset");
      else if (a == "--images") job_cfg.images = std::stoull(value("--images"));
      else if (a == "--batch") job_cfg.batch = static_cast<unsigned>(std::stoul(value("--batch")));
      else if (a == "--platform") platform = value("--platform");
      else if (a == "--set") sets.push_back(value("--set"));
      else if (a == "--help" || a == "-h") {
        usage();
        return 0;
      } else {
        std::cerr << "cimvp-bench: error: unknown option '" << a << "'; see --help\n";
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "cimvp-bench: error: bad value for " << a << "\n";
      return 2;
    }
  }

  PlatformConfig config;
  std::unique_ptr<CimInference> job;
  try {
    config = load_platform(resolve_platform(platform), sets);
    job = std::make_unique<CimInference>(job_cfg, config);  // loads, calibrates, runs the references
  } catch (const std::exception& e) {
    std::cerr << "cimvp-bench: error: " << e.what() << "\n";
    return 2;
  }
  const BnnNetwork& net = job->network();
  const std::size_t n = job->images();
  const std::uint64_t macs = job->binary_macs_per_image() * n;

  // Plain kernel.
  const Dataset& data = job->dataset();
  const std::vector<PlainLayer> plain = pack_network(net);
  std::vector<std::uint32_t> plain_pred(n);
  const auto p0 = std::chrono::steady_clock::now();
  plain_inference(net, plain, data.images.data(), n, data.pixels(), plain_pred.data());
  const auto p1 = std::chrono::steady_clock::now();
  const double plain_s = std::chrono::duration<double>(p1 - p0).count();
  const bool plain_ok = plain_pred == job->ideal_predictions();

  // The platform.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  Platform top("top", config);
  top.run_job(*job);
  const auto s0 = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const auto s1 = std::chrono::steady_clock::now();
  const double platform_s = std::chrono::duration<double>(s1 - s0).count();
  const bool platform_ok = job->passed();

  const double plain_rate = macs / plain_s, platform_rate = macs / platform_s;
  const double ratio = platform_rate / plain_rate;
  const std::string summary = job->summary();
  std::printf("cimvp-bench: %s\n", summary.substr(0, summary.find('\n')).c_str());
  std::printf("  binary MACs per image     %llu (sum over layers of planes x K x M)\n",
              static_cast<unsigned long long>(job->binary_macs_per_image()));
  std::printf("  plain bit-packed kernel   %8.3f s   %s   predictions == ideal BNN: %s\n", plain_s,
              rate(plain_rate).c_str(), plain_ok ? "yes" : "NO");
  std::printf("  platform (sc_start)       %8.3f s   %s   hardware == golden: %zu/%zu\n", platform_s,
              rate(platform_rate).c_str(), job->agreements(), n);
  std::printf("  ratio platform / plain    %.3f   (target >= 0.25: %s)\n", ratio, ratio >= 0.25 ? "met" : "NOT met");
  std::printf("  accuracy                  ideal BNN %.2f %%, golden %.2f %%, hardware %.2f %%\n",
              100 * job->ideal_accuracy(), 100 * job->golden_accuracy(), 100 * job->hardware_accuracy());
  return plain_ok && platform_ok ? 0 : 1;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);  // no banner on stderr
  return sc_core::sc_elab_and_sim(argc, argv);
}

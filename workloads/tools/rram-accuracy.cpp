// cimvp-rram-accuracy: accuracy of the LeNet-like MNIST BCNN on RRAM crossbars in binary mode
// with and without device variation, per RRAM bit level (the "binary mode" columns of the
// accuracy table of Tang et al., ASP-DAC 2017; docs/rram.md, "Accuracy under variation").
// scripts/study-rram runs it and writes the table into docs/rram.md.
//
// The network's ±1 weights sit on RRAM differential pairs (circuit ArrayBank, kind rram),
// HRS/LRS = the two extreme levels of a b-bit multi-level device.  Variation model (the seed
// gives none; an assumption, stated in the output): a programmed conductance deviates by
// sigma_level × the device's level step ΔG_b = (G_LRS − G_HRS)/(2^b − 1), as a log-normal
// factor exp(σ·N(0,1)) with σ = sigma_level · ΔG_b / G_LRS on every cell.  Sensing is exact
// (ideal MLSA: the analog partial sum rounded to the nearest integer), so only the cells
// differ.  Accuracy through the golden reference's QuantizedNetwork (bit-identical to the
// platform's macro).  Each accuracy with its 95 % Wilson score interval.
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Interval {
  double lo, hi;
};
// Wilson score interval of a binomial proportion, z = 1.96 (95 %).
Interval wilson(double p, double n) {
  const double z = 1.959963984540054, z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
  return {centre - half, centre + half};
}

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "cimvp-rram-accuracy: " << why << "\n"
            << "usage: cimvp-rram-accuracy [--net FILE.bnn] [--images N] [--sigma-level S] [--on-off R]\n"
            << "                           [--rows R] [--cols C] [--seed N]\n"
            << "defaults: workloads/weights/mnist-bcnn.bnn, 2000 MNIST test images, S = 0.5, R = 100,\n"
            << "          128x128 crossbars, seed 1\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string net_path = std::string(CIMVP_SOURCE_DIR) + "/workloads/weights/mnist-bcnn.bnn";
  std::size_t images = 2000;
  double sigma_level = 0.5, on_off = 100.0;
  unsigned rows = 128, cols = 128;
  unsigned long long seed = 1;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") usage("RRAM binary-mode accuracy table");
      if (i + 1 >= argc) usage("option " + a + " needs a value");
      const std::string v = argv[++i];
      if (a == "--net") net_path = v;
      else if (a == "--images") images = std::stoul(v);
      else if (a == "--sigma-level") sigma_level = std::stod(v);
      else if (a == "--on-off") on_off = std::stod(v);
      else if (a == "--rows") rows = static_cast<unsigned>(std::stoul(v));
      else if (a == "--cols") cols = static_cast<unsigned>(std::stoul(v));
      else if (a == "--seed") seed = std::stoull(v);
      else usage("unknown option '" + a + "'");
    }
  } catch (const std::exception& e) {
    usage(std::string("bad number: ") + e.what());
  }
  if (!(sigma_level >= 0.0) || !(on_off > 1.0) || images == 0) usage("expected --sigma-level >= 0, --on-off > 1, --images >= 1");
  try {
    const cimvp::BnnNetwork net = cimvp::load_network(net_path);
    const cimvp::Dataset test = cimvp::load_dataset("mnist", cimvp::DatasetSplit::test).head(images);
    const double n = static_cast<double>(test.size());
    std::cout << "# network " << net_path << ", " << test.name << " first " << test.size() << " images, crossbars "
              << rows << "x" << cols << ", differential pairs, on/off " << on_off << ", sigma_level " << sigma_level
              << ", seed " << seed << "\n";
    std::cout << "weight_bits,rram_bits,variation,sigma_ln,accuracy,error,error_lo95,error_hi95,seconds\n";
    const cimvp::GoldenResult exact = cimvp::exact_inference(net, test.images.data(), test.size(), test.pixels());
    for (const unsigned wbits : {8u, 6u, 4u, 2u}) {
      const unsigned b = wbits - 1;  // sign on the differential pair, magnitude on the device
      for (const bool varied : {false, true}) {
        cimvp::MappingConfig cfg;
        cfg.array.rows = rows;
        cfg.array.cols = cols;
        cfg.array.mode = net.mode;
        cfg.sense.kind = cimvp::SenseKind::mlsa;
        cfg.sense.quantization = cimvp::Quantization::ideal;
        cfg.cells.kind = cimvp::ArrayKind::rram;
        cfg.cells.rram.g_lrs_us = 100.0;
        cfg.cells.rram.g_hrs_us = 100.0 / on_off;
        cfg.cells.rram.seed = seed;
        const double step = (cfg.cells.rram.g_lrs_us - cfg.cells.rram.g_hrs_us) / (std::ldexp(1.0, static_cast<int>(b)) - 1);
        const double sigma_ln = varied ? sigma_level * step / cfg.cells.rram.g_lrs_us : 0.0;
        cfg.cells.rram.variation_sigma = std::min(1.0, sigma_ln);
        const auto t0 = std::chrono::steady_clock::now();
        const cimvp::QuantizedNetwork q(net, cfg);
        const cimvp::GoldenResult r = q.run(test.images.data(), test.size(), test.pixels());
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!varied && r.predictions != exact.predictions)
          throw std::runtime_error("ideal RRAM cells disagree with the exact golden reference");
        const std::vector<std::uint8_t> labels(test.labels.begin(), test.labels.end());
        const double acc = cimvp::accuracy(r.predictions, labels);
        const Interval ci = wilson(1.0 - acc, n);
        std::printf("%u,%u,%s,%.5f,%.4f,%.4f,%.4f,%.4f,%.1f\n", wbits, b, varied ? "yes" : "no", sigma_ln, acc,
                    1.0 - acc, ci.lo, ci.hi, s);
        std::fflush(stdout);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "cimvp-rram-accuracy: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// cimvp-rram-accuracy: accuracy of LeNet-like MNIST networks on RRAM crossbars with and without
// device variation, per weight / RRAM bit level: the accuracy table of Tang et al., ASP-DAC 2017
// (docs/rram.md, "Accuracy under variation"), both modes:
//  * full bit-level mode (--mode full): the float-trained CNN (.fnn, float_network.h) with its
//    weights quantized to n = 8/6/4/2 bits, sign on the differential pair and the (n − 1)-bit
//    magnitude on an (n − 1)-bit multi-level device, activations as --act-bits DAC codes
//    (rram_quantized_predict; the assumptions are in float_network.h);
//  * binary mode (--mode binary): the BCNN (.bnn) below.
// Both use the same cells (on/off, conductances), the same variation model and seed, keyed
// per (layer, row, column, side) by rram_cell.h, and the same sensing (the crossbar's analog
// partial sum rounded to the nearest integer).
// scripts/study-rram runs it and writes the table into docs/rram.md.
//
// Binary mode: the network's ±1 weights sit on RRAM differential pairs (circuit ArrayBank, kind rram),
// HRS/LRS = the two extreme levels of a b-bit multi-level device.  Variation model (the seed
// gives none; an assumption, stated in the output): a programmed conductance deviates by
// sigma_level × the device's level step ΔG_b = (G_LRS − G_HRS)/(2^b − 1), as a log-normal
// factor exp(σ·N(0,1)) with σ = sigma_level · ΔG_b / G_LRS on every cell.  Sensing is exact
// (ideal MLSA: the analog partial sum rounded to the nearest integer), so only the cells
// differ.  Accuracy through the golden reference's QuantizedNetwork (bit-identical to the
// platform's macro).  Each accuracy with its 95 % Wilson score interval.
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/float_network.h"
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

// --help prints to stdout and exits 0; a usage error prints to stderr and exits 2.
[[noreturn]] void usage(const std::string& why, bool help = false) {
  std::ostream& os = help ? std::cout : std::cerr;
  os << "cimvp-rram-accuracy: " << why << "\n"
     << "usage: cimvp-rram-accuracy [--mode both|full|binary] [--net FILE.bnn] [--float-net FILE.fnn]\n"
     << "                           [--act-bits A] [--images N] [--sigma-level S] [--on-off R]\n"
     << "                           [--rows R] [--cols C] [--seed N]\n"
     << "defaults: both modes, workloads/weights/mnist-bcnn.bnn (binary) and\n"
     << "          workloads/weights/mnist-cnn-float.fnn (full), 8-bit activations (0..16, 0 = real),\n"
     << "          2000 MNIST test images, S = 0.5, R = 100, 128x128 crossbars, seed 1\n";
  std::exit(help ? 0 : 2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string net_path = std::string(CIMVP_SOURCE_DIR) + "/workloads/weights/mnist-bcnn.bnn";
  std::string float_path = std::string(CIMVP_SOURCE_DIR) + "/workloads/weights/mnist-cnn-float.fnn";
  std::string mode = "both";
  unsigned act_bits = 8;
  std::size_t images = 2000;
  double sigma_level = 0.5, on_off = 100.0;
  unsigned rows = 128, cols = 128;
  unsigned long long seed = 1;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") usage("RRAM accuracy table, full bit-level and binary modes (Tang et al., ASP-DAC 2017)", true);
      if (i + 1 >= argc) usage("option " + a + " needs a value");
      const std::string v = argv[++i];
      if (a == "--net") net_path = v;
      else if (a == "--float-net") float_path = v;
      else if (a == "--mode") mode = v;
      else if (a == "--act-bits") act_bits = static_cast<unsigned>(std::stoul(v));
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
  if (!(sigma_level >= 0.0) || !(on_off > 1.0) || images == 0 || rows == 0 || cols == 0 || act_bits > 16)
    usage("expected --sigma-level >= 0, --on-off > 1, --images >= 1, --rows/--cols >= 1, --act-bits 0..16");
  if (mode != "both" && mode != "full" && mode != "binary")
    usage("--mode '" + mode + "' unknown (allowed: both, full, binary)");
  const bool do_full = mode != "binary", do_binary = mode != "full";
  cimvp::BnnNetwork net;
  cimvp::FloatNetwork fnet;
  try {  // file problems are usage errors (exit 2), before any data is read
    if (do_binary) net = cimvp::load_network(net_path);
    if (do_full) fnet = cimvp::load_float_network(float_path);
  } catch (const std::exception& e) {
    std::cerr << "cimvp-rram-accuracy: " << e.what() << "\n";
    return 2;
  }
  try {
    const cimvp::Dataset test = cimvp::load_dataset("mnist", cimvp::DatasetSplit::test).head(images);
    const double n = static_cast<double>(test.size());
    if (do_full) {
      const cimvp::FloatLayer& L0 = fnet.layers.front();
      const std::size_t reads = L0.conv ? L0.shape.input_bits() : L0.inputs;
      if (reads != test.pixels()) {
        std::cerr << "cimvp-rram-accuracy: " << float_path << ": the network reads " << reads << " inputs, "
                  << test.name << " images have " << test.pixels() << " pixels\n";
        return 2;
      }
    }
    std::cout << "# ";
    if (do_full) std::cout << "full: " << float_path << " (" << act_bits << "-bit activations), ";
    if (do_binary) std::cout << "binary: " << net_path << ", ";
    std::cout << test.name << " first " << test.size() << " images, crossbars "
              << rows << "x" << cols << ", differential pairs, on/off " << on_off << ", sigma_level " << sigma_level
              << ", seed " << seed << "\n";
    std::cout << "mode,weight_bits,rram_bits,variation,sigma_ln,accuracy,error,error_lo95,error_hi95,seconds\n";
    const std::vector<std::uint8_t> labels(test.labels.begin(), test.labels.end());
    // one CSV row; the float reference has weight_bits 32 and rram_bits 0 (no cells)
    const auto row = [&](const char* m, unsigned wbits, bool varied, double sigma_ln, double acc, double s) {
      const Interval ci = wilson(1.0 - acc, n);
      std::printf("%s,%u,%u,%s,%.5f,%.4f,%.4f,%.4f,%.4f,%.1f\n", m, wbits, wbits == 32 ? 0 : wbits - 1,
                  varied ? "yes" : "no", sigma_ln,
                  acc, 1.0 - acc, ci.lo, ci.hi, s);
      std::fflush(stdout);
    };
    const auto sigma_of = [&](unsigned b, bool varied) {  // σ of ln G = sigma_level · ΔG_b / G_LRS
      const double g_lrs = 100.0, step = (g_lrs - g_lrs / on_off) / (std::ldexp(1.0, static_cast<int>(b)) - 1);
      return varied ? sigma_level * step / g_lrs : 0.0;
    };
    if (do_full) {
      const auto t0 = std::chrono::steady_clock::now();
      const double facc = cimvp::accuracy(cimvp::float_predict(fnet, test), labels);
      row("float", 32, false, 0.0, facc,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      for (const unsigned wbits : {8u, 6u, 4u, 2u})
        for (const bool varied : {false, true}) {
          cimvp::RramQuantConfig q;
          q.weight_bits = wbits;
          q.act_bits = act_bits;
          q.rows = rows;
          q.cols = cols;
          q.cell.g_lrs_us = 100.0;
          q.cell.g_hrs_us = 100.0 / on_off;
          q.cell.seed = seed;
          const double sigma_ln = sigma_of(wbits - 1, varied);
          q.cell.variation_sigma = std::min(1.0, sigma_ln);
          const auto t1 = std::chrono::steady_clock::now();
          const auto pred = cimvp::rram_quantized_predict(fnet, test, q);
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
          if (!varied && act_bits > 0 && pred != cimvp::quantized_reference_predict(fnet, test, q))
            throw std::runtime_error("ideal multi-level RRAM cells disagree with the integer quantized network");
          row("full", wbits, varied, sigma_ln, cimvp::accuracy(pred, labels), s);
        }
    }
    if (!do_binary) return 0;
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
        const double sigma_ln = sigma_of(b, varied);
        cfg.cells.rram.variation_sigma = std::min(1.0, sigma_ln);
        const auto t0 = std::chrono::steady_clock::now();
        const cimvp::QuantizedNetwork q(net, cfg);
        const cimvp::GoldenResult r = q.run(test.images.data(), test.size(), test.pixels());
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!varied && r.predictions != exact.predictions)
          throw std::runtime_error("ideal RRAM cells disagree with the exact golden reference");
        row("binary", wbits, varied, sigma_ln, cimvp::accuracy(r.predictions, labels), s);
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "cimvp-rram-accuracy: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

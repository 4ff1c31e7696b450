// Exploration of the fixed-point on-chip training step (workloads/two_way_train.h) without
// SystemC: the golden step `two_way_train_step` alone, on a subset of a data set, with the
// platform job's shuffling, so hyper-parameters can be compared quickly.  Development tool
// (docs/two-way-training.md, "Measured": how the settings were chosen); the figures of record come
// from the platform job.
//
//   cimvp-two-way-explore [--dataset fashion-mnist] [--layers 784-512-512-10] [--train N]
//     [--test N] [--val N] [--epochs E] [--batch B] [--seed S] [key=value ...]
// --val N: train on the first images, evaluate on the last N training images (validation).
// keys: lr_shift, lr_shift_final, error_bits, latent_bits, target_half, output_shift,
//   hidden_shift, ste_window_half, ste_window_first_half, pixel_threshold, input_bits,
//   error_autoscale (0|1), error_round (0|1), loss (squared|hinge), optimizer (sgd|normalized|adam), momentum_shift,
//   adam_beta1_shift, adam_beta2_shift, learn_thresholds (0|1), threshold_gain_shift
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/two_way_train.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace cimvp;

int main(int argc, char** argv) {
  std::string dataset = "fashion-mnist", layers = "784-512-512-10";
  std::size_t ntrain = 6000, ntest = 2000, batch = 50, nval = 0;
  unsigned epochs = 1, lr_final = 1000;
  std::uint64_t seed = 1;
  FixedPointTrainConfig cfg;
  cfg.lr_shift = 9;
  cfg.target_half = 64;
  cfg.output_shift = 1;
  cfg.hidden_shift = 4;
  try {
    for (int a = 1; a < argc; ++a) {
      const std::string arg = argv[a];
      auto val = [&]() -> std::string {
        if (a + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++a];
      };
      if (arg == "--dataset") dataset = val();
      else if (arg == "--layers") layers = val();
      else if (arg == "--train") ntrain = std::stoul(val());
      else if (arg == "--test") ntest = std::stoul(val());
      else if (arg == "--epochs") epochs = static_cast<unsigned>(std::stoul(val()));
      else if (arg == "--batch") batch = std::stoul(val());
      else if (arg == "--seed") seed = std::stoull(val());
      else if (arg == "--val") nval = std::stoul(val());
      else {
        const auto eq = arg.find('=');
        if (eq == std::string::npos) throw std::invalid_argument("unknown argument " + arg);
        const std::string k = arg.substr(0, eq), v = arg.substr(eq + 1);
        if (k == "lr_shift") cfg.lr_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "lr_shift_final") lr_final = static_cast<unsigned>(std::stoul(v));
        else if (k == "error_bits") cfg.error_bits = static_cast<unsigned>(std::stoul(v));
        else if (k == "latent_bits") cfg.latent_bits = static_cast<unsigned>(std::stoul(v));
        else if (k == "target_half") cfg.target_half = std::stoi(v);
        else if (k == "output_shift") cfg.output_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "hidden_shift") cfg.hidden_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "ste_window_half") cfg.ste_window_half = std::stoi(v);
        else if (k == "ste_window_first_half") cfg.ste_window_first_half = std::stoi(v);
        else if (k == "pixel_threshold") cfg.pixel_threshold = static_cast<unsigned>(std::stoul(v));
        else if (k == "momentum_shift") cfg.momentum_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "input_bits") cfg.input_bits = static_cast<unsigned>(std::stoul(v));
        else if (k == "error_autoscale") cfg.error_autoscale = v == "1" || v == "true";
        else if (k == "error_round") cfg.error_round = v == "1" || v == "true";
        else if (k == "loss") cfg.loss = v == "hinge" ? TrainLoss::hinge : TrainLoss::squared;
        else if (k == "optimizer")
          cfg.optimizer = v == "normalized" ? TrainOptimizer::normalized
                          : v == "adam"     ? TrainOptimizer::adam
                                            : TrainOptimizer::sgd;
        else if (k == "adam_beta1_shift") cfg.adam_beta1_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "adam_beta2_shift") cfg.adam_beta2_shift = static_cast<unsigned>(std::stoul(v));
        else if (k == "learn_thresholds") cfg.learn_thresholds = v == "1" || v == "true";
        else if (k == "threshold_gain_shift") cfg.threshold_gain_shift = static_cast<unsigned>(std::stoul(v));
        else throw std::invalid_argument("unknown key " + k);
      }
    }
    cfg.validate();
    std::vector<unsigned> widths;
    std::stringstream ss(layers);
    for (std::string w; std::getline(ss, w, '-');) widths.push_back(static_cast<unsigned>(std::stoul(w)));
    Dataset train = load_dataset(dataset, DatasetSplit::train).head(ntrain);
    Dataset test = load_dataset(dataset, DatasetSplit::test).head(ntest);
    if (nval > 0) {  // hold the last nval training images out and evaluate on them instead of the test split
      Dataset all = load_dataset(dataset, DatasetSplit::train);
      const std::size_t P0 = all.pixels(), keep = all.size() - nval;
      test.images.assign(all.images.begin() + static_cast<std::ptrdiff_t>(keep * P0), all.images.end());
      test.labels.assign(all.labels.begin() + static_cast<std::ptrdiff_t>(keep), all.labels.end());
      train = all.head(std::min(ntrain, keep));
    }
    MappingConfig m;  // exact reads (as the platform's 8-bit ADC over the reachable range)
    m.array.rows = 64;
    m.array.cols = 64;
    m.array.mode = CellMode::xnor_8t;
    m.array.access = AccessMode::parallel;
    m.sense.kind = SenseKind::mlsa;
    m.sense.quantization = Quantization::ideal;
    TwoWayMlp net = TwoWayMlp::random(widths, cfg.latent_bits, seed);
    const std::size_t P = train.pixels(), steps = train.size() / batch;
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 rng(seed ^ 0x7477'6f77'6179ull);
    std::vector<std::uint8_t> img(batch * P), lab(batch);
    const unsigned lr0 = cfg.lr_shift, lr1 = lr_final == 1000 ? cfg.lr_shift : lr_final;
    for (unsigned e = 0; e < epochs; ++e) {
      cfg.lr_shift = epochs > 1 ? lr0 + static_cast<unsigned>((double(e) * (double(lr1) - double(lr0))) / (epochs - 1) + 0.5)
                                : lr0;
      const auto t0 = std::chrono::steady_clock::now();
      std::shuffle(order.begin(), order.end(), rng);
      std::size_t correct = 0, changed = 0;
      for (std::size_t s = 0; s < steps; ++s) {
        for (std::size_t i = 0; i < batch; ++i) {
          std::copy_n(train.image(order[s * batch + i]), P, img.data() + i * P);
          lab[i] = train.labels[order[s * batch + i]];
        }
        const TrainStepResult r = two_way_train_step(net, m, cfg, img.data(), lab.data(), batch, P);
        correct += r.correct;
        changed += r.changed.size();
      }
      const auto pred = two_way_predict(net, m, cfg, test.images.data(), test.size(), P);
      std::size_t ok = 0;
      for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == test.labels[i];
      std::printf("epoch %u (lr_shift %u): train %.2f %%, test %.2f %% (%zu/%zu), cells changed %zu, %.1f s\n", e + 1,
                  cfg.lr_shift, 100.0 * double(correct) / double(steps * batch), 100.0 * double(ok) / double(pred.size()),
                  ok, pred.size(), changed,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      for (unsigned l = 0; cfg.learn_thresholds && l + 1 < net.layers(); ++l) {
        const std::vector<std::int32_t> t = net.thresholds(l);
        double sum = 0;
        for (std::int32_t v : t) sum += v;
        std::printf("  layer %u thresholds (PS units): mean %.2f, min %d, max %d\n", l, sum / double(t.size()),
                    *std::min_element(t.begin(), t.end()), *std::max_element(t.begin(), t.end()));
      }
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cimvp-two-way-explore: %s\n", e.what());
    return 2;
  }
  return 0;
}

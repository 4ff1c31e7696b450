// cimvp-train: trains a binary MLP or a binary CNN (BCNN) on Fashion-MNIST or MNIST and writes a .bnn file.
// See `cimvp-train --help` and docs/workloads.md.
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/idx.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <sys/resource.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const char* kUsage = R"(usage: cimvp-train [options]
Trains a BinaryNet-style MLP or convolutional network (sign activations, straight-through estimator, batch norm,
Adam, latent weights clipped to [-1, 1]) and writes its binarized weights and folded
batch norm as a .bnn file (docs/workloads.md).

  --dataset NAME        fashion-mnist (default) or mnist
  --mode MODE           xnor (default; weights and activations +-1) or hbnn (activations 0/1)
  --layers W-W-...      layer widths, input first (default 784-512-512-10)
  --arch SPEC           network as comma-separated layers instead of --layers
                        (docs/convolution.md), e.g. c32k5p2,pool2,c64k5p2,pool2,fc512,fc10:
                          cNkK[sS][pP]  binary conv, N output channels, KxK kernel,
                                        stride S (default 1), zero-bit padding P (default 0)
                          poolP         PxP max pooling after the preceding conv layer
                          fcN           dense layer of N outputs; the last one gives the classes
                        conv layers come first; fc512,fc512,fc10 equals --layers 784-512-512-10
  --input ENC           binarized (default) or bit-serial
  --input-bits N        bit-serial: pixel MSBs used, 1..8 (default 8)
  --input-threshold T   binarized: pixel >= T is 1 (default 128)
  --epochs N            training epochs (default 10)
  --batch N             mini-batch size (default 100)
  --lr X                Adam step size of the first epoch (default 0.003)
  --lr-final X          Adam step size of the last epoch, geometric decay (default 0.0003)
  --init-scale A        latent weights start U(-A, A); 0 = Glorot (default 0)
  --shift N             augmentation: random translation by up to +-N pixels (default 0)
  --seed N              seed of initialization, shuffling and augmentation (default 1)
  --limit N             use only the first N training and N test images (quick runs)
  --out FILE            write the network here (default: no file)
  --checkpoint FILE     write the complete training state to FILE after every epoch
  --resume FILE         continue from a checkpoint written with the same options (the result
                        equals the uninterrupted run's)
  --bn-stats N          after training, replace the running batch-norm statistics by population
                        statistics of the first N training images (0 = keep them; default 0)
  --eval FILE.bnn       train nothing: test accuracy of a network file by the golden reference
                        (exact_inference) and by integer_predict, on --dataset's test split
Supports (Supported-BinaryNet, docs/supported-binarynet.md):
  --support-block P     learn one support per P x 1 block of every layer (2..64; 0 = none)
  --support-bits B      support code bits 1..8 (default 4)
  --support-lr S        Adam step of the supports = S x that of the weights (default 10)
  --from FILE.bnn       start from this trained plain binary network: binary weights frozen,
                        supports and batch norm learned (mode, input and widths from the file)
  --train-weights       with --from: also train the binary weights (latent +-a/2 by the file's
                        signs, a = --init-scale or the Glorot bound)
  --validation N        hold the last N training images out as a validation split
  --drop-table          print exact-integer test accuracy vs support drop fraction 0..90 %
                        (data-free order of supports.h and a data-aware alternative)
Hardware-aware fine-tuning (docs/workloads.md, "Hardware-aware fine-tuning"):
  --finetune FILE.bnn   start from this trained plain binary network and train its weights and
                        batch norm (latent +-0.5 by the file's signs; mode, input and widths from
                        the file); usually with --hw-rows
  --hw-rows R           sense every layer's partial sums in the loop as sub-arrays of R rows do
                        (cim.array.rows; 1..1024; 0 = off, default): per row block of R inputs
                        the platform's transfer function, calibrated like cim_inference does
  --hw-sense KIND       mlsa (default) or adc (cim.sense.kind)
  --hw-bits B           sensing bits (cim.sense.bits; default 3)
  --hw-quantization Q   mlsa references: nonlinear (default), linear or ideal (cim.sense.quantization)
  --hw-linear-range N   bit-line linear range in partial-sum units, sums clipped at +-N before
                        sensing (cim.array.linear_range_rows; 0 = unlimited, default)
  --hw-calibration N    training images of each calibration pass (default 1000, as
                        cim_inference.calibration_samples)
  --hw-recalibrate N    also recalibrate every N batches (default 0: at the end of each epoch)
Reference:
  --float               full-precision network of the same shape (real weights, batch norm,
                        ReLU hidden activations; with --arch conv layers with zero padding,
                        ReLU and max pooling); --out writes it as a .fnn float network
                        (float_network.h) with the activation ranges measured on the first
                        2,000 training images (used by cimvp-rram-accuracy --mode full)
  --help                this text
Exit status: 0 success, 1 exported network disagrees with the trainer, 2 bad arguments
or data / file errors.
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

unsigned long long parse_uint(const std::string& opt, const std::string& v) {
  std::size_t pos = 0;
  unsigned long long x = 0;
  try {
    if (v.empty() || v[0] == '-') throw std::invalid_argument(v);
    x = std::stoull(v, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos != v.size() || v.empty()) throw UsageError(opt + ": expected a non-negative integer, got '" + v + "'");
  return x;
}

float parse_float(const std::string& opt, const std::string& v) {
  std::size_t pos = 0;
  float x = 0;
  try {
    x = std::stof(v, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  if (pos != v.size() || v.empty()) throw UsageError(opt + ": expected a number, got '" + v + "'");
  return x;
}

std::vector<unsigned> parse_layers(const std::string& v) {
  std::vector<unsigned> out;
  std::stringstream ss(v);
  std::string part;
  while (std::getline(ss, part, '-')) out.push_back(static_cast<unsigned>(parse_uint("--layers", part)));
  if (out.size() < 2) throw UsageError("--layers: expected widths like 784-512-512-10, got '" + v + "'");
  return out;
}

// One --arch item: conv (c), pooling (pool) or dense (fc).
struct ArchItem {
  char kind = 'f';  // 'c', 'p', 'f'
  unsigned n = 0, k = 0, s = 1, p = 0;
};

std::vector<ArchItem> parse_arch(const std::string& v) {
  std::vector<ArchItem> out;
  std::stringstream ss(v);
  std::string t;
  auto bad = [&](const std::string& item, const std::string& why) {
    throw UsageError("--arch: item '" + item + "' " + why +
                     " (allowed: cNkK[sS][pP], poolP, fcN, e.g. c32k5p2,pool2,fc512,fc10)");
  };
  while (std::getline(ss, t, ',')) {
    ArchItem a;
    // number after a prefix at position i; advances i
    auto num = [&](std::size_t& i) {
      std::size_t j = i;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
      if (j == i || j - i > 6) bad(t, "needs a number of 1..6 digits after '" + t.substr(0, i) + "'");
      const unsigned x = static_cast<unsigned>(std::stoul(t.substr(i, j - i)));
      i = j;
      return x;
    };
    std::size_t i = 0;
    if (t.rfind("pool", 0) == 0) {
      a.kind = 'p';
      i = 4;
      a.n = num(i);
    } else if (t.rfind("fc", 0) == 0) {
      a.kind = 'f';
      i = 2;
      a.n = num(i);
    } else if (t.rfind("c", 0) == 0) {
      a.kind = 'c';
      i = 1;
      a.n = num(i);
      if (i >= t.size() || t[i] != 'k') bad(t, "needs the kernel size kK after the channel count");
      ++i;
      a.k = num(i);
      if (i < t.size() && t[i] == 's') a.s = num(++i);
      if (i < t.size() && t[i] == 'p') a.p = num(++i);
    } else {
      bad(t, "is not a layer");
    }
    if (i != t.size()) bad(t, "has unexpected characters '" + t.substr(i) + "'");
    if (a.n == 0) bad(t, "needs a size >= 1");
    out.push_back(a);
  }
  if (out.empty() || out.back().kind != 'f') throw UsageError("--arch: the last item must be fcN (the classes), got '" + v + "'");
  return out;
}

// Builds conv shapes and dense widths for rows×cols images.
void apply_arch(const std::vector<ArchItem>& arch, unsigned rows, unsigned cols, cimvp::TrainerConfig& cfg) {
  cfg.conv.clear();
  unsigned h = rows, w = cols, c = 1;
  bool dense = false;
  for (const auto& a : arch) {
    if (a.kind == 'c') {
      if (dense) throw UsageError("--arch: conv layers must come before the fc layers");
      if (!cfg.conv.empty()) {
        h = cfg.conv.back().pooled_h();
        w = cfg.conv.back().pooled_w();
        c = cfg.conv.back().out_c;
      }
      cimvp::ConvShape s;
      s.in_h = h;
      s.in_w = w;
      s.in_c = c;
      s.out_c = a.n;
      s.kernel_h = s.kernel_w = a.k;
      s.stride = a.s;
      s.pad = a.p;
      const std::string e = s.check();
      if (!e.empty()) throw UsageError("--arch: conv layer " + std::to_string(cfg.conv.size()) + ": " + e);
      cfg.conv.push_back(s);
    } else if (a.kind == 'p') {
      if (dense || cfg.conv.empty() || cfg.conv.back().pool != 1)
        throw UsageError("--arch: pool" + std::to_string(a.n) + " must follow a conv layer (once per conv layer)");
      cfg.conv.back().pool = a.n;
      const std::string e = cfg.conv.back().check();
      if (!e.empty()) throw UsageError("--arch: conv layer " + std::to_string(cfg.conv.size() - 1) + ": " + e);
    } else {
      dense = true;
    }
  }
  cfg.layers = {cfg.conv.empty() ? rows * cols : static_cast<unsigned>(cfg.conv.back().output_bits())};
  for (const auto& a : arch)
    if (a.kind == 'f') cfg.layers.push_back(a.n);
}

std::string percent(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f %%", 100.0 * x);
  return b;
}

int run(int argc, char** argv) {
  cimvp::TrainerConfig cfg;
  std::string dataset = "fashion-mnist", out;
  std::size_t limit = 0, validation = 0, bn_stats = 0;
  std::string from, finetune, checkpoint, resume, eval;
  bool hw_option = false;
  std::vector<ArchItem> arch;
  bool layers_given = false;
  bool drop_table = false, train_weights = false;
  std::string cmdline = "cimvp-train";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (a.rfind("--", 0) != 0) throw UsageError("unexpected argument '" + a + "' (see --help)");
    if (a == "--float" || a == "--drop-table" || a == "--train-weights") {  // flags without a value
      (a == "--float" ? cfg.float_mode : a == "--drop-table" ? drop_table : train_weights) = true;
      cmdline += " " + a;
      continue;
    }
    if (i + 1 >= argc) throw UsageError(a + ": missing value (see --help)");
    const std::string v = argv[++i];
    if (a != "--out" && a != "--checkpoint" && a != "--resume") cmdline += " " + a + " " + v;
    if (a == "--dataset") {
      if (v != "fashion-mnist" && v != "fmnist" && v != "mnist")
        throw UsageError("--dataset: '" + v + "' unknown (allowed: fashion-mnist, mnist)");
      dataset = v == "fmnist" ? "fashion-mnist" : v;
    } else if (a == "--mode") {
      if (v == "xnor") cfg.mode = cimvp::CellMode::xnor_8t;
      else if (v == "hbnn") cfg.mode = cimvp::CellMode::hbnn_6t;
      else throw UsageError("--mode: '" + v + "' unknown (allowed: xnor, hbnn)");
    } else if (a == "--input") {
      if (v == "binarized") cfg.input = cimvp::InputEncoding::binarized;
      else if (v == "bit-serial") cfg.input = cimvp::InputEncoding::bit_serial;
      else throw UsageError("--input: '" + v + "' unknown (allowed: binarized, bit-serial)");
    } else if (a == "--layers") {
      cfg.layers = parse_layers(v);
      layers_given = true;
    } else if (a == "--arch") {
      arch = parse_arch(v);
    } else if (a == "--checkpoint") {
      checkpoint = v;
    } else if (a == "--resume") {
      resume = v;
    } else if (a == "--bn-stats") {
      bn_stats = static_cast<std::size_t>(parse_uint(a, v));
    } else if (a == "--eval") {
      eval = v;
    } else if (a == "--input-bits") {
      cfg.input_bits = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--input-threshold") {
      cfg.input_threshold = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--epochs") {
      cfg.epochs = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--batch") {
      cfg.batch = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--lr") {
      cfg.lr = parse_float(a, v);
    } else if (a == "--lr-final") {
      cfg.lr_final = parse_float(a, v);
    } else if (a == "--init-scale") {
      cfg.init_scale = parse_float(a, v);
    } else if (a == "--shift") {
      cfg.shift = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--seed") {
      cfg.seed = parse_uint(a, v);
    } else if (a == "--limit") {
      limit = static_cast<std::size_t>(parse_uint(a, v));
    } else if (a == "--out") {
      out = v;
    } else if (a == "--support-block") {
      cfg.support_block = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--support-bits") {
      cfg.support_bits = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--support-lr") {
      cfg.support_lr_scale = parse_float(a, v);
    } else if (a == "--from") {
      from = v;
    } else if (a == "--finetune") {
      finetune = v;
    } else if (a == "--hw-rows") {
      cfg.hw_rows = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--hw-sense") {
      hw_option = true;
      try {
        cfg.hw_sense.kind = cimvp::parse_sense_kind(v);
      } catch (const std::invalid_argument&) {
        throw UsageError("--hw-sense: '" + v + "' unknown (allowed: mlsa, adc)");
      }
    } else if (a == "--hw-bits") {
      hw_option = true;
      cfg.hw_sense.bits = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--hw-quantization") {
      hw_option = true;
      try {
        cfg.hw_sense.quantization = cimvp::parse_quantization(v);
      } catch (const std::invalid_argument&) {
        throw UsageError("--hw-quantization: '" + v + "' unknown (allowed: nonlinear, linear, ideal)");
      }
    } else if (a == "--hw-linear-range") {
      hw_option = true;
      cfg.hw_sense.linear_range = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--hw-calibration") {
      hw_option = true;
      cfg.hw_calibration_samples = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--hw-recalibrate") {
      hw_option = true;
      cfg.hw_recalibrate = static_cast<unsigned>(parse_uint(a, v));
    } else if (a == "--validation") {
      validation = static_cast<std::size_t>(parse_uint(a, v));
    } else {
      throw UsageError("unknown option '" + a + "' (see --help)");
    }
  }
  if (!eval.empty()) {  // golden exact inference of a file on the test split
    cimvp::BnnNetwork net;
    try {
      net = cimvp::load_network(eval);
    } catch (const cimvp::NetworkFileError& e) {
      throw UsageError(e.what());
    }
    const cimvp::Dataset test = cimvp::load_dataset(dataset, cimvp::DatasetSplit::test).head(limit);
    const auto t0 = std::chrono::steady_clock::now();
    const cimvp::GoldenResult g = cimvp::exact_inference(net, test.images.data(), test.size(), test.pixels());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<std::uint8_t> labels(test.labels.begin(), test.labels.end());
    std::cout << eval << " on " << test.name << " (" << test.size() << " images)\n"
              << "golden exact_inference test accuracy: " << percent(cimvp::accuracy(g.predictions, labels)) << "  ("
              << s << " s)\n"
              << "integer_predict test accuracy:        " << percent(cimvp::integer_accuracy(net, test)) << "\n";
    return 0;
  }
  if (!arch.empty() && layers_given) throw UsageError("--arch and --layers exclude each other");
  if (!arch.empty()) apply_arch(arch, 28, 28, cfg);  // both data sets have 28x28 images (checked below)
  if (hw_option && cfg.hw_rows == 0) throw UsageError("--hw-sense/--hw-bits/--hw-quantization/--hw-linear-range/"
                                                      "--hw-calibration/--hw-recalibrate need --hw-rows R");
  cimvp::BnnNetwork pretrained;
  if (!finetune.empty()) {
    if (!from.empty()) throw UsageError("--finetune and --from exclude each other (--from learns supports)");
    if (!arch.empty() || layers_given) throw UsageError("--finetune takes the layers from the file (no --arch/--layers)");
    if (cfg.float_mode) throw UsageError("--finetune and --float exclude each other");
    try {
      pretrained = cimvp::load_network(finetune);
    } catch (const cimvp::NetworkFileError& e) {
      throw UsageError(e.what());
    }
    for (const auto& L : pretrained.layers)
      if (L.is_conv() || L.has_supports())
        throw UsageError("--finetune: " + finetune + " has conv layers or supports (a plain dense network is needed)");
    cfg.mode = pretrained.mode;
    cfg.input = pretrained.input;
    cfg.input_bits = pretrained.input_bits;
    cfg.input_threshold = pretrained.input_threshold;
    cfg.layers = {pretrained.layers.front().inputs};
    for (const auto& L : pretrained.layers) cfg.layers.push_back(L.outputs);
  }
  if (!from.empty()) {
    if (!arch.empty()) throw UsageError("--from and --arch exclude each other (the file gives the layers)");
    if (cfg.float_mode) throw UsageError("--from and --float exclude each other");
    if (cfg.support_block == 0) throw UsageError("--from needs --support-block P (the binary weights stay frozen)");
    pretrained = cimvp::load_network(from);
    cfg.mode = pretrained.mode;
    cfg.input = pretrained.input;
    cfg.input_bits = pretrained.input_bits;
    cfg.input_threshold = pretrained.input_threshold;
    cfg.layers = {pretrained.layers.front().inputs};
    for (const auto& L : pretrained.layers) cfg.layers.push_back(L.outputs);
    cfg.freeze_weights = !train_weights;
  } else if (train_weights) {
    throw UsageError("--train-weights needs --from");
  }
  try {
    cimvp::validate_trainer_config(cfg);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  const cimvp::Dataset full_train = cimvp::load_dataset(dataset, cimvp::DatasetSplit::train).head(limit);
  const cimvp::Dataset test = cimvp::load_dataset(dataset, cimvp::DatasetSplit::test).head(limit);
  if (validation + 2 > full_train.size())
    throw UsageError("--validation " + std::to_string(validation) + " leaves fewer than 2 of the " +
                     std::to_string(full_train.size()) + " training images");
  // validation split: the last N training images (never the test set)
  const cimvp::Dataset train = full_train.head(full_train.size() - validation);
  cimvp::Dataset val;
  val.name = full_train.name + " (validation)";
  val.rows = full_train.rows;
  val.cols = full_train.cols;
  val.images.assign(full_train.images.begin() + static_cast<std::ptrdiff_t>(train.images.size()),
                    full_train.images.end());
  val.labels.assign(full_train.labels.begin() + static_cast<std::ptrdiff_t>(train.size()), full_train.labels.end());
  std::cout << "cimvp-train: " << cmdline << "\n  train " << train.name << " " << train.size() << " images, ";
  if (validation) std::cout << "validation " << val.size() << " images, ";
  std::cout << "test " << test.name << " " << test.size() << " images\n" << std::flush;

  cimvp::BnnTrainer trainer(cfg);
  if (!resume.empty()) {
    if (!from.empty() || !finetune.empty()) throw UsageError("--resume and --from/--finetune exclude each other");
    try {
      trainer.load_checkpoint(resume);
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
    std::cout << "resumed from " << resume << " after epoch " << trainer.epochs_done() << "\n" << std::flush;
  }
  if (!from.empty()) {
    trainer.init_from_network(pretrained, train);
    std::cout << "from " << from << ": exact-integer test accuracy " << percent(cimvp::integer_accuracy(pretrained, test))
              << ", with uniform supports before training " << percent(trainer.evaluate(test)) << "\n"
              << std::flush;
  }
  if (!finetune.empty()) {
    trainer.init_from_network(pretrained, train);
    std::cout << "from " << finetune << ": exact-integer test accuracy "
              << percent(cimvp::integer_accuracy(pretrained, test));
    if (cfg.hw_rows > 0) {
      trainer.calibrate_hw(train);
      std::cout << ", with the hardware's sensing before fine-tuning " << percent(trainer.evaluate(test));
    }
    std::cout << "\n" << std::flush;
  }
  double last_test = 0.0, total_s = 0.0;
  cimvp::train_network(trainer, train, test, [&](const cimvp::EpochResult& r, double acc) {
    last_test = acc;
    total_s += r.seconds;
    char line[200];
    std::snprintf(line, sizeof line, "epoch %3u/%u  lr %.2e  loss %.4f  train %6.2f %%  test %6.2f %%  %.1f s\n",
                  r.epoch, cfg.epochs, static_cast<double>(r.lr), r.loss, 100.0 * r.train_accuracy, 100.0 * acc,
                  r.seconds);
    std::cout << line << std::flush;
    if (!checkpoint.empty()) trainer.save_checkpoint(checkpoint);
  });

  if (bn_stats > 0) {
    if (cfg.float_mode) throw UsageError("--bn-stats: not in float mode");
    trainer.recalibrate_batch_norm(train.head(bn_stats));
    if (cfg.hw_rows > 0) trainer.calibrate_hw(train);  // the thresholds moved: place the references again
    last_test = test.size() ? trainer.evaluate(test) : -1.0;
    std::cout << "batch-norm statistics of " << std::min(bn_stats, train.size()) << " training images: test "
              << percent(last_test) << "\n"
              << std::flush;
  }
  const double val_acc = val.size() ? trainer.evaluate(val) : -1.0;
  if (cfg.float_mode) {
    std::cout << "float (full-precision) test accuracy: " << percent(last_test) << "\n"
              << "training time " << total_s << " s (" << total_s / cfg.epochs << " s/epoch)\n";
    std::printf("summary: test %.4f validation %.4f\n", 100.0 * last_test, 100.0 * val_acc);
    if (!out.empty()) {
      cimvp::FloatNetwork fnet = trainer.export_float_network(
          cmdline + " ; data " + train.name + " (" + std::to_string(train.size()) + ") / " + test.name + " (" +
          std::to_string(test.size()) + ") ; trainer test accuracy " + percent(last_test) +
          " ; activation ranges of the first " + std::to_string(std::min<std::size_t>(2000, train.size())) +
          " training images");
      cimvp::calibrate_activation_ranges(fnet, train.head(2000));
      cimvp::save_float_network(out, fnet);
      const cimvp::FloatNetwork back = cimvp::load_float_network(out);
      const auto a = trainer.predict(test), b = cimvp::float_predict(back, test);
      std::size_t same = 0, ok = 0;
      for (std::size_t i = 0; i < test.size(); ++i) {
        same += a[i] == b[i];
        ok += b[i] == test.labels[i];
      }
      std::cout << "wrote " << out << " (" << cimvp::serialize_float_network(back).size()
                << " bytes); its float inference: test " << percent(test.size() ? double(ok) / test.size() : 0.0)
                << " (" << same << "/" << test.size() << " predictions equal the trainer's)\n";
    }
    return 0;
  }
  // Export, then check it with an exact integer inference independent of the float code.
  const auto float_pred = trainer.predict(test);
  cimvp::BnnNetwork net = trainer.export_network("");
  const auto int_pred = cimvp::integer_predict(net, test);
  // The reference the trainer must reproduce: exact integer inference, or with --hw-rows the
  // golden reference with the hardware's sensing (calibrated on the same training images as
  // cim_inference's calibration pass).
  std::vector<unsigned> ref_pred = int_pred;
  if (cfg.hw_rows > 0) {
    const cimvp::Dataset cal = train.head(cfg.hw_calibration_samples);
    cimvp::QuantizedNetwork qn(net, cimvp::hw_mapping(cfg));
    qn.calibrate(cal.images.data(), cal.size(), cal.pixels());
    const auto g = qn.run(test.images.data(), test.size(), test.pixels()).predictions;
    ref_pred.assign(g.begin(), g.end());
  }
  std::size_t same = 0, ok = 0, ok_ref = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    same += float_pred[i] == ref_pred[i];
    ok += int_pred[i] == test.labels[i];
    ok_ref += ref_pred[i] == test.labels[i];
  }
  const double n_test = static_cast<double>(test.size());
  const double int_acc = test.size() ? static_cast<double>(ok) / n_test : 0.0;
  const double ref_acc = test.size() ? static_cast<double>(ok_ref) / n_test : 0.0;
  std::cout << "trainer (float) test accuracy:                 " << percent(last_test) << "\n"
            << "exported network, exact integer test accuracy: " << percent(int_acc);
  if (cfg.hw_rows > 0) {
    char hw[256];
    std::snprintf(hw, sizeof hw, "\nexported network, golden reference with the sensing (%u rows, %u-bit %s %s, "
                  "linear range %s): ", cfg.hw_rows, cfg.hw_sense.bits, cimvp::to_string(cfg.hw_sense.quantization),
                  cimvp::to_string(cfg.hw_sense.kind),
                  cfg.hw_sense.linear_range ? std::to_string(cfg.hw_sense.linear_range).c_str() : "unlimited");
    std::cout << hw << percent(ref_acc);
  }
  std::cout << "  (" << same << "/" << test.size() << " predictions identical to the trainer's)\n"
            << "training time " << total_s << " s (" << total_s / cfg.epochs << " s/epoch)\n";
  net.description = cmdline + " ; data " + train.name + " (" + std::to_string(train.size()) + ") / " + test.name +
                    " (" + std::to_string(test.size()) + ") ; exact integer test accuracy " + percent(int_acc) +
                    (cfg.hw_rows > 0 ? " ; with the sensing of --hw-rows " + percent(ref_acc) : std::string());
  std::printf("summary: test %.4f validation %.4f\n", 100.0 * (cfg.hw_rows > 0 ? ref_acc : int_acc), 100.0 * val_acc);
  if (drop_table && net.layers.front().has_supports()) {
    // data-aware order measured on (at most 2,000) training images, never the test set
    const cimvp::DropOrders aware = cimvp::data_aware_drop_orders(net, train.head(2000));
    std::cout << "support drop-out, exact-integer test accuracy (data-free order | data-aware order):\n";
    for (unsigned d = 0; d <= 900; d += 100) {
      const double a0 = cimvp::integer_accuracy(net, test, d);
      const double a1 = cimvp::integer_accuracy(net, test, d, &aware);
      std::printf("drop %3u %%  data-free %.4f  data-aware %.4f\n", d / 10, 100.0 * a0, 100.0 * a1);
      std::fflush(stdout);
    }
  }
  if (!out.empty()) {
    cimvp::save_network(out, net);
    const auto back = cimvp::load_network(out);  // the file must load back (checksum etc.)
    std::cout << "wrote " << out << " (" << cimvp::serialize_network(back).size() << " bytes)\n";
  }
  if (same != test.size()) {
    std::cerr << "cimvp-train: error: the exported network disagrees with the trainer on " << test.size() - same
              << " test images\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "cimvp-train: " << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    struct rlimit rl {};
    const bool limited = ::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY;
    std::cerr << "cimvp-train: error: out of memory: an allocation failed; "
              << (limited ? "the process address-space limit of " + std::to_string(rl.rlim_cur >> 20) +
                                " MiB (RLIMIT_AS: ulimit -v, prlimit --as) was exceeded"
                          : std::string("the memory available to the process was exceeded"))
              << ". Smaller --arch/--layers widths, --batch or --limit need less.\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "cimvp-train: error: " << e.what() << "\n";
    return 2;
  }
}

#include "cimvp/platform/two_way_training.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/platform/cim_buffer_config.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/workloads/two_way_train_driver.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <sstream>

namespace cimvp {

namespace {

constexpr const char* kKey = "two_way_training.";
constexpr TrainPhase kPhases[5] = {TrainPhase::forward, TrainPhase::backward, TrainPhase::gradient,
                                   TrainPhase::update, TrainPhase::evaluate};

int phase_index(TrainPhase p) {
  for (int i = 0; i < 5; ++i)
    if (kPhases[i] == p) return i;
  return -1;  // idle
}

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f %%", 100.0 * v);
  return b;
}

/// A number with 4 significant digits and no unit ("13.63").
std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

std::string sig(double v, const char* unit) {
  char b[48];
  std::snprintf(b, sizeof b, "%.4g %s", v, unit);
  return b;
}

std::string shape(const std::vector<unsigned>& w) {
  std::string s;
  for (unsigned x : w) s += (s.empty() ? "" : "-") + std::to_string(x);
  return s;
}

/// "\rcimvp: training epoch 1/2 [=====>    ] 4000/60000 images" on a terminal, else a plain line
/// every 10 %.
void draw_progress(bool tty, unsigned epoch, unsigned epochs, std::uint64_t done, std::uint64_t total, int& last_decile) {
  if (tty) {
    constexpr int kWidth = 40;
    const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
    std::string bar(kWidth, ' ');
    for (int i = 0; i < filled; ++i) bar[i] = '=';
    if (filled < kWidth) bar[filled] = '>';
    std::fprintf(stderr, "\rcimvp: training epoch %u/%u [%s] %llu/%llu images", epoch, epochs, bar.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
    if (done >= total) std::fprintf(stderr, "\r\033[K");
  } else {
    const int decile = total ? static_cast<int>(10 * done / total) : 10;
    if (decile == last_decile) return;
    last_decile = decile;
    std::fprintf(stderr, "cimvp: training epoch %u/%u: %llu/%llu images\n", epoch, epochs,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  }
  std::fflush(stderr);
}

}  // namespace

std::vector<unsigned> parse_widths(const std::string& text) {
  std::vector<unsigned> w;
  std::string item;
  std::istringstream is(text);
  while (std::getline(is, item, '-')) {
    bool digits = !item.empty() && item.size() <= 6;
    for (char c : item) digits = digits && c >= '0' && c <= '9';
    if (!digits || std::stoul(item) == 0)
      throw ConfigError("", std::string(kKey) + "layers",
                        "'" + text + "': expected widths separated by '-', each 1..999999, e.g. 784-512-512-10");
    w.push_back(static_cast<unsigned>(std::stoul(item)));
  }
  if (w.size() < 2)
    throw ConfigError("", std::string(kKey) + "layers", "'" + text + "': at least two widths (inputs and classes)");
  return w;
}

TwoWayTraining::TwoWayTraining(const TwoWayTrainingConfig& config, const PlatformConfig& platform)
    : config_(config) {
  const std::string k = kKey;
  if (!has_cim(platform))
    throw ConfigError("", "address_map", "job two_way_training needs a 'cim' target in the address map");
  if (!platform.cim.two_way.enabled)
    throw ConfigError("", "cim.two_way.enabled", "job two_way_training needs a two-way array (set it to true)");
  if (platform.cim.array.mode != CellMode::xnor_8t)
    throw ConfigError("", "cim.array.cell", "job two_way_training trains an XNOR BNN: expected xnor_8t");
  mapping_ = platform.cim.mapping();
  if (mapping_.sense.needs_calibration())
    throw ConfigError("", "cim.sense.kind",
                      "job two_way_training has no calibration pass: use an ideal or linear mlsa "
                      "(cim.sense.quantization) or an adc with cim.sense.full_scale reachable");
  if (platform.cim.drive.kind != DriveKind::binary)
    throw ConfigError("", "cim.drive.kind", "job two_way_training drives binary rows: expected binary");
  macro_base_ = cim_base(platform);
  if (config_.transfer != "dma" && config_.transfer != "master")
    throw ConfigError("", k + "transfer", "expected dma or master, got '" + config_.transfer + "'");
  if (config_.transfer == "dma") {
    if (!has_cim_buffer(platform))
      throw ConfigError("", k + "transfer",
                        "dma transfer needs a 'cim_buffer' target in the address map (or set transfer: master)");
    abuf_base_ = cim_buffer_base(platform);
    bool dma = false;
    for (const auto& r : platform.router.map)
      if (r.target == "dma") {
        dma_base_ = r.base;
        dma = true;
      }
    if (!dma) throw ConfigError("", k + "transfer", "dma transfer needs a 'dma' target in the address map");
  }
  if (config_.epochs < 1 || config_.epochs > 1000) throw ConfigError("", k + "epochs", "expected 1..1000");
  if (config_.batch < 1) throw ConfigError("", k + "batch", "must be at least 1");
  fp_.lr_shift = config_.lr_shift;
  fp_.error_bits = config_.error_bits;
  fp_.latent_bits = config_.latent_bits;
  fp_.target_half = config_.target_half;
  fp_.output_shift = config_.output_shift;
  fp_.hidden_shift = config_.hidden_shift;
  fp_.ste_window_half = config_.ste_window_half;
  fp_.pixel_threshold = config_.pixel_threshold;
  fp_.input_bits = config_.input_bits;
  fp_.ste_window_first_half = config_.ste_window_first_half;
  fp_.error_autoscale = config_.error_autoscale;
  fp_.loss = config_.loss == "hinge" ? TrainLoss::hinge : TrainLoss::squared;
  fp_.optimizer = config_.optimizer == "normalized" ? TrainOptimizer::normalized
                  : config_.optimizer == "adam"       ? TrainOptimizer::adam
                                                      : TrainOptimizer::sgd;
  fp_.momentum_shift = config_.momentum_shift;
  fp_.adam_beta1_shift = config_.adam_beta1_shift;
  fp_.adam_beta2_shift = config_.adam_beta2_shift;
  fp_.learn_thresholds = config_.learn_thresholds;
  fp_.error_round = config_.error_round;
  fp_.threshold_gain_shift = config_.threshold_gain_shift;
  try {
    fp_.validate();
  } catch (const std::invalid_argument& e) {
    throw ConfigError("", k + "*", e.what());
  }
  widths_ = parse_widths(config_.layers);
  try {
    train_ = load_dataset(config_.dataset, DatasetSplit::train);
    test_ = load_dataset(config_.dataset, DatasetSplit::test);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError("", k + "dataset", e.what());
  }
  if (config_.train_images > train_.size())
    warnings_.push_back("two_way_training.train_images = " + std::to_string(config_.train_images) + " but " +
                        train_.name + " has " + std::to_string(train_.size()) + " images: all are used");
  if (config_.test_images > test_.size())
    warnings_.push_back("two_way_training.test_images = " + std::to_string(config_.test_images) + " but " +
                        test_.name + " has " + std::to_string(test_.size()) + " images: all are used");
  if (config_.train_images > 0) train_ = train_.head(config_.train_images);
  if (config_.test_images > 0) test_ = test_.head(config_.test_images);
  if (train_.size() < config_.batch)
    throw ConfigError("", k + "batch",
                      std::to_string(config_.batch) + " is more than the " + std::to_string(train_.size()) +
                          " training images");
  if (widths_.front() != train_.pixels())
    throw ConfigError("", k + "layers",
                      config_.layers + ": the first width must be the " + std::to_string(train_.pixels()) +
                          " pixels of a " + config_.dataset + " image");
  if (widths_.back() != kDatasetClasses)
    throw ConfigError("", k + "layers",
                      config_.layers + ": the last width must be the " + std::to_string(kDatasetClasses) + " classes");
  const unsigned R = platform.cim.array.rows, C = platform.cim.array.cols;
  std::uint64_t subarrays = 0;
  for (std::size_t l = 0; l + 1 < widths_.size(); ++l)
    subarrays += std::uint64_t{(widths_[l] + R - 1) / R} * ((widths_[l + 1] + C - 1) / C);
  if (subarrays > platform.cim.capacity_subarrays)
    throw ConfigError("", "cim.controller.capacity_subarrays",
                      config_.layers + " needs " + std::to_string(subarrays) + " sub-arrays of " + std::to_string(R) +
                          "x" + std::to_string(C) + ", the macro has " +
                          std::to_string(platform.cim.capacity_subarrays));
  if (widths_.size() - 1 > platform.cim.max_layers)
    throw ConfigError("", "cim.controller.max_layers",
                      config_.layers + " has " + std::to_string(widths_.size() - 1) + " layers, the macro takes " +
                          std::to_string(platform.cim.max_layers));
  initial_ = TwoWayMlp::random(widths_, fp_.latent_bits, config_.seed);
  // Per-operation timing (docs/cim-macro.md, "Timing"): a forward read of a sub-array is the
  // array read plus one conversion per column segment; a transposed read is b planes of
  // (transposed read + conversion) per column segment (docs/two-way-training.md).
  rows_ = R;
  cols_ = C;
  const CimMacroConfig& mc = platform.cim;
  // A SAR takes the steps the levels in use need (docs/column-adc.md, "Cost by levels needed"),
  // as the macro's ColumnAdc: the shared converters resolve the widest layer's reachable sums
  // (a bit-serial first layer senses unipolar planes, 2·rows + 1; binary layers rows + 1).
  const unsigned seg_rows = mc.array.access == AccessMode::parallel ? R
                            : mc.array.access == AccessMode::group  ? std::min(mc.array.group_rows, R)
                                                                    : 1u;
  const unsigned sar_bits = std::min(mc.sense.bits, exact_sense_bits(seg_rows, fp_.input_bits == 0));
  const double conv = mc.timing.sense_ns * mc.sense.mux *
                      (mc.sense.kind == SenseKind::adc && mc.sense.converter == AdcKind::sar ? sar_bits : 1u);
  const double seg_f = mc.array.access == AccessMode::parallel ? 1.0
                       : mc.array.access == AccessMode::group  ? std::ceil(double(R) / mc.array.group_rows)
                                                               : double(R);
  const double seg_t = mc.array.access == AccessMode::parallel ? 1.0
                       : mc.array.access == AccessMode::group  ? std::ceil(double(C) / mc.array.group_rows)
                                                               : double(C);
  fwd_read_ns_ = seg_f * (mc.timing.array_read_ns + conv);
  bwd_read_ns_ = seg_t * fp_.error_bits * (mc.two_way.transposed_read_ns + conv);
  row_write_ns_ = mc.two_way.row_write_ns;
  for (std::size_t l = 0; l + 1 < widths_.size(); ++l) {
    const std::uint64_t S = std::uint64_t{(widths_[l] + R - 1) / R} * ((widths_[l + 1] + C - 1) / C);
    // a bit-serial first layer reads each of its sub-arrays once per input bit plane
    fwd_reads_per_vector_ += S * (l == 0 && fp_.input_bits > 0 ? fp_.input_bits : 1u);
    if (l > 0) bwd_reads_per_vector_ += S;
    weights_ += std::uint64_t{widths_[l]} * widths_[l + 1];
  }

  // Memory: network image at the memory base, the driver's scratch memory after it.
  const AddressRange* mem = nullptr;
  for (const auto& r : platform.router.map)
    if (r.target == "memory") mem = &r;
  if (mem == nullptr) throw ConfigError("", "address_map", "job two_way_training needs a 'memory' target");
  const std::uint64_t window = std::min(mem->size, platform.memory.size_bytes);
  auto align = [](std::uint64_t v) { return (v + 0xFFFF) / 0x10000 * 0x10000; };
  image_base_ = mem->base;
  const std::uint64_t image = align(build_cim_image(two_way_bnn(initial_, fp_), image_base_).bytes.size());
  scratch_base_ = mem->base + image;
  scratch_bytes_ = window > image ? window - image : 0;
  // The operands of one step must fit the scratch memory and, with dma, the activation
  // buffer (TwoWayTrainDriver::max_batch, checked here with the platform's buffer sizes).
  TwoWayTrainDriverConfig probe;
  probe.buffer_bytes = scratch_bytes_;
  const std::size_t fit_mem = TwoWayTrainDriver::max_batch(widths_, probe, 0, 0);
  if (fit_mem < config_.batch)
    throw ConfigError("", k + "batch",
                      "mini-batches of " + std::to_string(config_.batch) + " need more memory than the " +
                          std::to_string(scratch_bytes_) + " bytes after the network image (at most " +
                          std::to_string(fit_mem) + ")");
  if (config_.transfer == "dma") {
    probe.use_dma = true;
    const std::size_t fit = TwoWayTrainDriver::max_batch(widths_, probe, platform.cim.buffer.input_half_bytes,
                                                         platform.cim.buffer.output_half_bytes);
    if (fit < config_.batch)
      throw ConfigError("", "cim.buffer.output_bytes",
                        "mini-batches of " + std::to_string(config_.batch) + " of " + config_.layers +
                            " do not fit the activation buffer (input halves " +
                            std::to_string(platform.cim.buffer.input_half_bytes) + " bytes, output halves " +
                            std::to_string(platform.cim.buffer.output_half_bytes) + " bytes; at most " +
                            std::to_string(fit) + " per step): raise cim.buffer.input_bytes / output_bytes or "
                            "lower two_way_training.batch");
  }
  try {
    tech_ = load_tech(platform.tech);
    has_tech_ = true;
  } catch (const std::exception&) {
    has_tech_ = false;  // no energy columns
  }
}

void TwoWayTraining::attach(Platform& platform) { platform_ = &platform; }

void TwoWayTraining::run(Hal& hal) {
  for (const std::string& w : warnings_) SC_REPORT_WARNING("cimvp/two_way_training", w.c_str());
  const auto w0 = std::chrono::steady_clock::now();
  try {
    // Phase accounting: time, energy and DMA bytes between two phase changes.
    int current = -1;
    sc_core::sc_time t_last = hal.now();
    double macro_last = 0, platform_last = 0;
    std::uint64_t dma_last = 0;
    auto wall_last = std::chrono::steady_clock::now();
    const auto energy = [&](double& macro_pj, double& platform_pj) {
      macro_pj = platform_pj = 0;
      if (!has_tech_) return;
      for (const auto& l : collect_ledgers(tech_)) {
        platform_pj += l.second.dynamic_pj();
        if (l.second.scope() == PpaScope::macro) macro_pj += l.second.dynamic_pj();
      }
    };
    const auto dma_bytes = [&]() -> std::uint64_t {
      return platform_ != nullptr ? platform_->dma.counters().get("bytes_written") : 0;
    };
    energy(macro_last, platform_last);
    dma_last = dma_bytes();
    TwoWayTrainDriverConfig dc;
    dc.macro_base = macro_base_;
    dc.irq_line = 1;
    dc.image_base = image_base_;
    dc.buffer_base = scratch_base_;
    dc.buffer_bytes = scratch_bytes_;
    dc.use_dma = config_.transfer == "dma";
    dc.dma_base = dma_base_;
    dc.dma_irq_line = 0;
    dc.abuf_base = abuf_base_;
    dc.on_phase = [&](TrainPhase p) {
      const int next = phase_index(p);
      if (next == current) return;
      if (current >= 0) {
        double m = 0, pl = 0;
        energy(m, pl);
        const std::uint64_t d = dma_bytes();
        PhaseResult& r = phases_[static_cast<std::size_t>(current)];
        r.time_ns += (hal.now() - t_last).to_seconds() * 1e9;
        r.macro_pj += m - macro_last;
        r.platform_pj += pl - platform_last;
        r.dma_bytes += d - dma_last;
        r.wall_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_last).count();
        macro_last = m;
        platform_last = pl;
        dma_last = d;
      } else {
        energy(macro_last, platform_last);  // idle time and energy are nobody's
        dma_last = dma_bytes();
      }
      t_last = hal.now();
      wall_last = std::chrono::steady_clock::now();
      current = next;
    };
    TwoWayTrainDriver driver(hal, dc);
    TwoWayMlp chip = initial_, gold = initial_;
    driver.load(chip, fp_);
    const std::size_t P = train_.pixels(), n = config_.batch, steps = train_.size() / n;
    const unsigned L = static_cast<unsigned>(widths_.size() - 1);
    std::uint64_t sum_km = 0, sum_km_back = 0;
    for (unsigned l = 0; l < L; ++l) {
      sum_km += std::uint64_t{widths_[l]} * widths_[l + 1];
      if (l > 0) sum_km_back += std::uint64_t{widths_[l]} * widths_[l + 1];
    }
    const bool tty = config_.progress && ::isatty(STDERR_FILENO);
    std::vector<std::size_t> order(train_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937_64 rng(config_.seed ^ 0x7477'6f77'6179ull);  // "twoway": the shuffling stream
    std::vector<std::uint8_t> img(n * P), lab(n);
    for (unsigned e = 0; e < config_.epochs; ++e) {
      const auto we = std::chrono::steady_clock::now();
      const sc_core::sc_time te = hal.now();
      EpochResult er;
      fp_.lr_shift = epoch_lr_shift(e);  // the chip's driver and the golden step take the same
      er.lr_shift = fp_.lr_shift;
      std::shuffle(order.begin(), order.end(), rng);
      std::size_t correct = 0;
      int decile = -1;
      for (std::size_t s = 0; s < steps; ++s) {
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t src = order[s * n + i];
          std::copy_n(train_.images.data() + src * P, P, img.data() + i * P);
          lab[i] = train_.labels[src];
        }
        const TrainStepResult hw = driver.step(chip, fp_, img.data(), lab.data(), n, P);
        correct += hw.correct;
        er.cells_written += hw.changed.size();
        phases_[0].macs += double(n) * double(sum_km);
        phases_[0].events += n;
        phases_[1].macs += double(n) * double(sum_km_back);
        phases_[1].events += L > 1 ? n * (L - 1) : 0;
        phases_[2].macs += double(n) * double(sum_km);
        phases_[2].events += n;
        phases_[3].events += hw.changed.size();
        ++er.steps;
        if (config_.golden) {
          const auto g0 = std::chrono::steady_clock::now();
          const TrainStepResult ref = two_way_train_step(gold, mapping_, fp_, img.data(), lab.data(), n, P);
          const bool same = ref.sums == hw.sums && ref.errors == hw.errors && ref.changed == hw.changed &&
                            ref.correct == hw.correct && gold.latent == chip.latent &&
                            gold.momentum == chip.momentum && gold.adam_m == chip.adam_m &&
                            gold.adam_v == chip.adam_v && ref.threshold_layers == hw.threshold_layers &&
                            gold.threshold_latent == chip.threshold_latent && gold.threshold_m == chip.threshold_m &&
                            gold.threshold_v == chip.threshold_v;
          if (same) {
            ++er.steps_identical;
          } else if (identical_) {
            identical_ = false;
            mismatch_ = "epoch " + std::to_string(e + 1) + " step " + std::to_string(s + 1) +
                        ": the chip's step differs from the golden step";
          }
          golden_wall_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
        }
        trained_ += n;
        if (config_.progress) draw_progress(tty, e + 1, config_.epochs, (s + 1) * n, steps * n, decile);
      }
      er.train_chip = steps ? double(correct) / double(steps * n) : 0.0;
      const std::vector<unsigned> pred = driver.predict(test_.images.data(), test_.size(), P, n);
      phases_[4].macs += double(test_.size()) * double(sum_km);
      phases_[4].events += test_.size();
      std::size_t ok = 0;
      for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == test_.labels[i];
      er.test_chip = test_.size() ? double(ok) / double(test_.size()) : 0.0;
      if (config_.golden) {
        const auto g0 = std::chrono::steady_clock::now();
        const std::vector<unsigned> gp = two_way_predict(gold, mapping_, fp_, test_.images.data(), test_.size(), P);
        std::size_t gok = 0;
        for (std::size_t i = 0; i < gp.size(); ++i) {
          gok += gp[i] == test_.labels[i];
          er.test_agree += gp[i] == pred[i];
        }
        er.test_golden = test_.size() ? double(gok) / double(test_.size()) : 0.0;
        golden_wall_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
      }
      er.sim_ns = (hal.now() - te).to_seconds() * 1e9;
      er.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - we).count();
      epochs_.push_back(er);
      char line[256];
      std::snprintf(line, sizeof line, "cimvp: epoch %u/%u: train %s, test on chip %s%s (%.1f s wall)\n", e + 1,
                    config_.epochs, pct(er.train_chip).c_str(), pct(er.test_chip).c_str(),
                    config_.golden ? (", golden " + pct(er.test_golden)).c_str() : "", er.wall_s);
      std::fputs(line, stderr);
      std::fflush(stderr);
    }
    ran_ = true;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
}

unsigned TwoWayTraining::epoch_lr_shift(unsigned e) const {
  const unsigned first = config_.lr_shift, last = config_.lr_shift_final == 0 ? first : config_.lr_shift_final;
  if (config_.epochs < 2 || first == last) return first;
  // lr_shift + round(e·(last − first) / (E − 1)), integers only (round half up)
  const long long den = 2LL * (config_.epochs - 1);
  const long long num = 2LL * e * (static_cast<long long>(last) - first) + (config_.epochs - 1);
  const long long q = num >= 0 ? num / den : -((-num + den - 1) / den);  // floor
  return static_cast<unsigned>(static_cast<long long>(first) + q);
}

bool TwoWayTraining::passed() const {
  if (!ran_ || !error_.empty() || !identical_) return false;
  for (const EpochResult& e : epochs_)
    if (config_.golden && (e.steps_identical != e.steps || e.test_agree != test_.size())) return false;
  return true;
}

std::string TwoWayTraining::verdict() const {
  if (!ran_ || epochs_.empty()) return {};
  std::uint64_t steps = 0, same = 0;
  for (const EpochResult& e : epochs_) {
    steps += e.steps;
    same += e.steps_identical;
  }
  const std::string acc = "test accuracy on chip " + pct(epochs_.back().test_chip) + " after " +
                          std::to_string(epochs_.size()) + (epochs_.size() == 1 ? " epoch" : " epochs");
  if (!config_.golden) return acc + " (golden check off)";
  return "chip == golden step bit for bit on " + std::to_string(same) + "/" + std::to_string(steps) + " steps; " + acc;
}

std::string TwoWayTraining::phase_table() const {
  std::ostringstream os;
  char b[256];
  std::snprintf(b, sizeof b, "  %-9s %12s %14s %14s %12s %14s %12s %9s\n", "phase", "latency", "energy(macro)",
                "energy(plat.)", "ops", "TOPS/W(macro)", "DMA bytes", "wall s");
  os << b;
  for (int i = 0; i < 5; ++i) {
    const PhaseResult& p = phases_[static_cast<std::size_t>(i)];
    const double ops = 2 * p.macs;
    std::snprintf(b, sizeof b, "  %-9s %12s %14s %14s %12.4g %14s %12llu %9.2f\n", to_string(kPhases[i]),
                  sig(p.time_ns / 1e6, "ms").c_str(), has_tech_ ? sig(p.macro_pj / 1e6, "uJ").c_str() : "-",
                  has_tech_ ? sig(p.platform_pj / 1e6, "uJ").c_str() : "-", ops,
                  has_tech_ && p.macro_pj > 0 && ops > 0 ? sig(ops / p.macro_pj, "").c_str() : "-",
                  static_cast<unsigned long long>(p.dma_bytes), p.wall_s);
    os << b;
  }
  const PhaseResult &f = phases_[0], &bw = phases_[1], &g = phases_[2], &u = phases_[3];
  const double ops = 2 * (f.macs + bw.macs + g.macs);
  const double macro_pj = f.macro_pj + bw.macro_pj + g.macro_pj + u.macro_pj;
  const double plat_pj = f.platform_pj + bw.platform_pj + g.platform_pj + u.platform_pj;
  const double t = f.time_ns + bw.time_ns + g.time_ns + u.time_ns;
  std::snprintf(b, sizeof b,
                "  training: %llu images in %s simulated = %.1f images/s (FPS); %s cells written; "
                "TOPS/W (forward + backward + gradient ops over the training energy) macro %s, platform %s\n",
                static_cast<unsigned long long>(trained_), sig(t / 1e6, "ms").c_str(), t > 0 ? trained_ / (t * 1e-9) : 0.0,
                std::to_string(u.events).c_str(), macro_pj > 0 ? num(ops / macro_pj).c_str() : "-",
                plat_pj > 0 ? num(ops / plat_pj).c_str() : "-");
  os << b;
  os << "  (gradient: outer products in the macro's gradient unit and their DMA; update: latent weights DMA'd to "
        "the driver and back, optimizer on the driver, row writes; ops = 2 x MACs; wall s = simulation wall time of "
        "the phase";
  if (config_.golden) {
    std::snprintf(b, sizeof b, ", golden steps beside them %.2f s", golden_wall_s_);
    os << b;
  }
  os << ")";
  return os.str();
}

TwoWayOpCosts TwoWayTraining::measured_costs() const {
  TwoWayOpCosts c;
  const PhaseResult &f = phases_[0], &b = phases_[1], &u = phases_[3];
  const double fr = double(f.events) * double(fwd_reads_per_vector_);
  const double br = double(f.events) * double(bwd_reads_per_vector_);
  c.forward_read_pj = fr > 0 ? f.macro_pj / fr : 0.0;
  c.backward_read_pj = br > 0 ? b.macro_pj / br : 0.0;
  c.write_cell_pj = u.events > 0 ? u.macro_pj / double(u.events) : 0.0;
  c.forward_read_ns = fwd_read_ns_;
  c.backward_read_ns = bwd_read_ns_;
  c.write_row_ns = row_write_ns_;
  return c;
}

TwoWayTrainingEstimate TwoWayTraining::resnet18_estimate() const {
  TwoWayEstimateAssumptions a;
  a.rows = rows_;
  a.cols = cols_;
  a.write_fraction = trained_ > 0 && weights_ > 0 ? double(phases_[3].events) / (double(trained_) * double(weights_)) : 0.0;
  return estimate_two_way_training(resnet18_imagenet(), measured_costs(), a);
}

std::string TwoWayTraining::estimate_text() const {
  const TwoWayOpCosts c = measured_costs();
  const TwoWayTrainingEstimate e = resnet18_estimate();
  char b[512];
  std::snprintf(b, sizeof b,
                "  ResNet-18/ImageNet training estimate (synthetic; docs/two-way-training.md): per-op costs measured here "
                "(forward read %.4g pJ / %.4g ns, transposed read %.4g pJ / %.4g ns, cell write %.4g pJ), "
                "%.0f sub-arrays of %ux%u resident, layer pipeline:\n"
                "    %.4g forward + %.4g backward MACs/image -> %.4g TOPS/W (macro), %.4g FPS",
                c.forward_read_pj, c.forward_read_ns, c.backward_read_pj, c.backward_read_ns, c.write_cell_pj,
                e.subarrays, rows_, cols_, e.forward_macs, e.backward_macs, e.tops_per_w(), e.fps());
  return b;
}

std::string TwoWayTraining::summary() const {
  std::ostringstream os;
  os << train_.name << " " << train_.size() << " training / " << test_.size() << " test images, " << shape(widths_)
     << " XNOR BNN, batch " << config_.batch << ", " << config_.epochs << (config_.epochs == 1 ? " epoch" : " epochs") << ", transfer " << config_.transfer;
  if (!error_.empty()) return os.str() + ": " + error_;
  if (!ran_) return os.str() + ": did not run";
  if (!mismatch_.empty()) os << "\n  MISMATCH " << mismatch_;
  char b[256];
  for (std::size_t e = 0; e < epochs_.size(); ++e) {
    const EpochResult& r = epochs_[e];
    std::snprintf(b, sizeof b, "\n  epoch %zu: train %s, test on chip %s", e + 1, pct(r.train_chip).c_str(),
                  pct(r.test_chip).c_str());
    os << b;
    if (config_.golden)
      os << ", golden " << pct(r.test_golden) << " (" << r.test_agree << "/" << test_.size()
         << " predictions equal; " << r.steps_identical << "/" << r.steps << " steps bit-identical)";
    std::snprintf(b, sizeof b, "; %llu cells written; %s simulated, %.1f s wall",
                  static_cast<unsigned long long>(r.cells_written), sig(r.sim_ns / 1e6, "ms").c_str(), r.wall_s);
    os << b;
  }
  os << "\n  training PPA per phase (dynamic energy; whole run):\n" << phase_table();
  if (has_tech_ && trained_ > 0) os << "\n" << estimate_text();
  return os.str();
}

nlohmann::ordered_json TwoWayTraining::results() const {
  nlohmann::ordered_json j;
  j["name"] = name();
  j["passed"] = passed();
  j["dataset"] = config_.dataset;
  j["layers"] = shape(widths_);
  j["train_images"] = train_.size();
  j["test_images"] = test_.size();
  j["batch"] = config_.batch;
  j["epochs_configured"] = config_.epochs;
  j["transfer"] = config_.transfer;
  j["fixed_point"] = {{"error_bits", fp_.error_bits},         {"latent_bits", fp_.latent_bits},
                      {"lr_shift", fp_.lr_shift},             {"target_half", fp_.target_half},
                      {"output_shift", fp_.output_shift},     {"hidden_shift", fp_.hidden_shift},
                      {"ste_window_half", fp_.ste_window_half}, {"pixel_threshold", fp_.pixel_threshold},
                      {"lr_shift_first", config_.lr_shift},   {"lr_shift_final", epoch_lr_shift(config_.epochs - 1)},
                      {"input_bits", fp_.input_bits},         {"ste_window_first_half", fp_.ste_window(0)},
                      {"error_autoscale", fp_.error_autoscale}, {"loss", to_string(fp_.loss)},
                      {"optimizer", to_string(fp_.optimizer)}, {"momentum_shift", fp_.momentum_shift},
                      {"adam_beta1_shift", fp_.adam_beta1_shift}, {"adam_beta2_shift", fp_.adam_beta2_shift},
                      {"learn_thresholds", fp_.learn_thresholds}, {"error_round", fp_.error_round}, {"threshold_gain_shift", fp_.threshold_gain_shift}};
  j["golden_checked"] = config_.golden;
  j["bit_identical"] = config_.golden ? nlohmann::ordered_json(identical_) : nlohmann::ordered_json(nullptr);
  nlohmann::ordered_json ep = nlohmann::ordered_json::array();
  for (const EpochResult& e : epochs_)
    ep.push_back({{"lr_shift", e.lr_shift},
                  {"train_accuracy", e.train_chip},
                  {"test_accuracy_chip", e.test_chip},
                  {"test_accuracy_golden", config_.golden ? nlohmann::ordered_json(e.test_golden) : nullptr},
                  {"test_predictions_equal", e.test_agree},
                  {"steps", e.steps},
                  {"steps_bit_identical", e.steps_identical},
                  {"cells_written", e.cells_written},
                  {"simulated_ns", e.sim_ns},
                  {"wall_s", e.wall_s}});
  j["epochs"] = ep;
  // the last epoch's test accuracy in the form every job reports (summary CSV, sweeps)
  if (!epochs_.empty()) {
    const EpochResult& last = epochs_.back();
    j["accuracy"] = {{"hardware", last.test_chip},
                     {"golden", config_.golden ? nlohmann::ordered_json(last.test_golden) : nullptr},
                     {"ideal_bnn", nullptr}};
  }
  nlohmann::ordered_json ph = nlohmann::ordered_json::object();
  double macs = 0;
  for (int i = 0; i < 5; ++i) {
    const PhaseResult& p = phases_[static_cast<std::size_t>(i)];
    ph[to_string(kPhases[i])] = {{"latency_ns", p.time_ns}, {"macro_energy_pj", p.macro_pj},
                                 {"platform_energy_pj", p.platform_pj}, {"macs", p.macs}, {"ops", 2 * p.macs},
                                 {"events", p.events}, {"dma_bytes", p.dma_bytes}, {"wall_s", p.wall_s}};
    if (i != 2) macs += p.macs;  // the array's binary MACs (the gradient unit's MACs are multi-bit digital ones)
  }
  j["phases"] = ph;
  const PhaseResult &f = phases_[0], &bw = phases_[1], &g = phases_[2], &u = phases_[3];
  const double t = f.time_ns + bw.time_ns + g.time_ns + u.time_ns;
  const double mpj = f.macro_pj + bw.macro_pj + g.macro_pj + u.macro_pj;
  const double ppj = f.platform_pj + bw.platform_pj + g.platform_pj + u.platform_pj;
  const double ops = 2 * (f.macs + bw.macs + g.macs);
  j["training"] = {{"images", trained_}, {"latency_ns", t}, {"fps", t > 0 ? trained_ / (t * 1e-9) : 0.0},
                   {"ops", ops}, {"macro_energy_pj", mpj}, {"platform_energy_pj", ppj},
                   {"tops_per_w_macro", mpj > 0 ? ops / mpj : 0.0}, {"tops_per_w_platform", ppj > 0 ? ops / ppj : 0.0},
                   {"cells_written", u.events}};
  if (has_tech_ && trained_ > 0) {
    const TwoWayOpCosts c = measured_costs();
    const TwoWayTrainingEstimate e = resnet18_estimate();
    j["resnet18_estimate"] = {
        {"synthetic", true},
        {"costs", {{"forward_read_pj", c.forward_read_pj}, {"backward_read_pj", c.backward_read_pj},
                   {"write_cell_pj", c.write_cell_pj}, {"forward_read_ns", c.forward_read_ns},
                   {"backward_read_ns", c.backward_read_ns}, {"write_row_ns", c.write_row_ns}}},
        {"write_fraction", trained_ > 0 && weights_ > 0 ? double(phases_[3].events) / (double(trained_) * double(weights_)) : 0.0},
        {"subarrays", e.subarrays}, {"weights", e.weights},
        {"forward_macs", e.forward_macs}, {"backward_macs", e.backward_macs}, {"gradient_macs", e.gradient_macs},
        {"forward_pj", e.forward_pj}, {"backward_pj", e.backward_pj}, {"write_pj", e.write_pj},
        {"image_ns", e.image_ns}, {"tops_per_w", e.tops_per_w()}, {"fps", e.fps()}};
  }
  // The generic PPA report (ppa.h): the accelerator's MACs of the whole run (training forward
  // and backward, evaluation forward) over the trained images.
  j["binary_macs"] = macs;
  j["images"] = trained_;
  j["wall_s"] = wall_s_;
  j["golden_wall_s"] = golden_wall_s_;
  j["error"] = error_;
  return j;
}

}  // namespace cimvp

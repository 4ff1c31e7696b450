// On-chip training through the two-way macro (workloads/two_way_train_driver.h): each step of
// the firmware-like driver equals the golden fixed-point step bit for bit (sums, errors,
// changed cells, latent weights, the cells in the array), and a separable task is learned.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "separable_dataset.h"
#include "test_cim_bench.h"

#include "cimvp/workloads/two_way_train_driver.h"

#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

CimMacroConfig train_macro() {
  CimMacroConfig c = small_macro(32, 8, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 5);
  c.two_way.enabled = true;
  return c;
}

FixedPointTrainConfig train_config() {
  FixedPointTrainConfig cfg;
  cfg.latent_bits = 10;
  cfg.error_bits = 8;
  cfg.target_half = 16;
  cfg.hidden_shift = 0;
  cfg.ste_window_half = 48;
  cfg.lr_shift = 5;
  return cfg;
}

TwoWayTrainDriverConfig driver_config() {
  TwoWayTrainDriverConfig d;
  d.macro_base = kCimBase;
  d.irq_line = 1;
  d.image_base = kImageBase;
  d.buffer_base = kBufferBase;
  d.buffer_bytes = kBufferBytes;
  return d;
}

}  // namespace

namespace {

/// Steps of 32 samples through the macro and the golden step side by side: every integer equal.
void check_chip_equals_golden(const FixedPointTrainConfig& cfg) {
  set_quantum();
  const CimMacroConfig mc = train_macro();
  CimBench b("tr_", mc);
  const cimvp::Dataset data = separable_dataset(64, 11);
  TwoWayMlp chip = TwoWayMlp::random({64, 16, 2}, cfg.latent_bits, 5), gold = chip;
  std::vector<TrainStepResult> hw, ref;
  bool done = false;
  b.host.set_program([&](Hal& hal) {
    TwoWayTrainDriver drv(hal, driver_config());
    drv.load(chip, cfg);
    for (std::size_t b0 = 0; b0 < data.size(); b0 += 32)
      hw.push_back(drv.step(chip, cfg, data.image(b0), data.labels.data() + b0, 32, 64));
    done = true;
  });
  sc_core::sc_start();
  REQUIRE(done);
  CHECK(b.violations() == 0);
  for (std::size_t b0 = 0; b0 < data.size(); b0 += 32)
    ref.push_back(two_way_train_step(gold, mc.mapping(), cfg, data.image(b0), data.labels.data() + b0, 32, 64));
  REQUIRE(hw.size() == ref.size());
  std::size_t changed = 0, tables = 0;
  for (std::size_t s = 0; s < hw.size(); ++s) {
    INFO("step " << s);
    CHECK(hw[s].sums == ref[s].sums);
    CHECK(hw[s].errors == ref[s].errors);
    CHECK(hw[s].changed == ref[s].changed);
    CHECK(hw[s].correct == ref[s].correct);
    CHECK(hw[s].threshold_layers == ref[s].threshold_layers);
    changed += ref[s].changed.size();
    tables += ref[s].threshold_layers.size();
  }
  CHECK(changed > 0);
  CHECK(chip.latent == gold.latent);
  CHECK(chip.momentum == gold.momentum);
  CHECK(chip.adam_m == gold.adam_m);
  CHECK(chip.adam_v == gold.adam_v);
  CHECK(chip.threshold_latent == gold.threshold_latent);
  CHECK(chip.threshold_m == gold.threshold_m);
  CHECK(chip.threshold_v == gold.threshold_v);
  // learned thresholds: one THRESHOLDS command (16 words) per table that changed
  if (cfg.learn_thresholds) CHECK(tables > 0);
  CHECK(b.cim.counters().get("threshold_commands") == tables);
  CHECK(b.cim.counters().get("threshold_bytes") == tables * 16 * 4);
  CHECK(b.cim.accumulator.counters().get("threshold_words") == tables * 16);
  // The cells hold the golden binary weights; only the changed cells were written.
  for (unsigned l = 0; l < 2; ++l) {
    const auto w = gold.binary(l);
    const unsigned K = gold.widths[l], M = gold.widths[l + 1];
    for (unsigned j = 0; j < M; ++j)
      for (unsigned k = 0; k < K; ++k)
        REQUIRE(b.cim.array.sub_array(l, k / 32, j / 8).weight(k % 32, j % 8) == w[std::size_t{j} * K + k]);
  }
  CHECK(b.cim.array.counters().get("cells_written") == changed);
  // the gradient outer products ran in the macro: n · Σ K·M MACs per step
  CHECK(b.cim.gradient_unit->counters().get("gradient_macs") == hw.size() * 32 * (64 * 16 + 16 * 2));
}

}  // namespace

TEST_CASE("a training step through the macro equals the golden step bit for bit", "[cim][two_way][train]") {
  check_chip_equals_golden(train_config());
}

TEST_CASE("bit-serial input, hinge loss, dynamic error scaling, normalized step and momentum: chip == golden",
          "[cim][two_way][train]") {
  FixedPointTrainConfig cfg = train_config();
  cfg.input_bits = 4;  // the first layer reads 4 unipolar planes through the 5-bit linear MLSA (quantized)
  cfg.loss = TrainLoss::hinge;
  cfg.error_autoscale = true;
  cfg.optimizer = TrainOptimizer::normalized;
  cfg.lr_shift = 4;
  cfg.momentum_shift = 1;
  cfg.ste_window_first_half = 200;
  check_chip_equals_golden(cfg);
}

namespace {

/// The platform's settings: bit-serial input, hinge loss, dynamic error scaling with rounding,
/// adam on 16-bit latent weights.
FixedPointTrainConfig adam_config() {
  FixedPointTrainConfig cfg = train_config();
  cfg.input_bits = 4;
  cfg.loss = TrainLoss::hinge;
  cfg.error_autoscale = true;
  cfg.error_round = true;
  cfg.optimizer = TrainOptimizer::adam;
  cfg.latent_bits = 16;
  cfg.lr_shift = 4;  // about 2^11 per weight and step: some of the ±2^14 initial weights change sign
  cfg.ste_window_first_half = 200;
  return cfg;
}

}  // namespace

TEST_CASE("adam optimizer (the platform's settings: 16-bit latent weights): chip == golden", "[cim][two_way][train]") {
  check_chip_equals_golden(adam_config());
}

TEST_CASE("learned thresholds (THRESHOLDS command): chip == golden", "[cim][two_way][train]") {
  FixedPointTrainConfig cfg = adam_config();
  cfg.lr_shift = 2;  // large threshold steps (about 200 / 4 PS units per step in layer 0): tables change
  cfg.learn_thresholds = true;
  check_chip_equals_golden(cfg);
}

TEST_CASE("a separable task is learned on chip", "[cim][two_way][train]") {
  set_quantum();
  const CimMacroConfig mc = train_macro();
  CimBench b("learn_", mc);
  const cimvp::Dataset train = separable_dataset(128, 21);
  const cimvp::Dataset test = separable_dataset(200, 22);
  const FixedPointTrainConfig cfg = train_config();
  TwoWayMlp net = TwoWayMlp::random({64, 16, 2}, cfg.latent_bits, 9);
  bool done = false;
  b.host.set_program([&](Hal& hal) {
    TwoWayTrainDriver drv(hal, driver_config());
    drv.load(net, cfg);
    for (int epoch = 0; epoch < 8; ++epoch)
      for (std::size_t b0 = 0; b0 < train.size(); b0 += 32)
        drv.step(net, cfg, train.image(b0), train.labels.data() + b0, 32, 64);
    done = true;
  });
  sc_core::sc_start();
  REQUIRE(done);
  const auto p = two_way_predict(net, mc.mapping(), cfg, test.images.data(), test.size(), 64);
  std::size_t ok = 0;
  for (std::size_t i = 0; i < p.size(); ++i) ok += p[i] == test.labels[i];
  INFO("test accuracy " << ok << " / " << p.size());
  CHECK(ok >= 180);  // the golden steps with this seed reach 189 / 200
  CHECK(b.cim.array.counters().get("transposed_reads") > 0);
  CHECK(b.cim.array.counters().get("cells_written") > 0);
}

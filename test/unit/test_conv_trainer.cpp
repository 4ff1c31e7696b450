// The trainer on conv networks (workloads/trainer.h): a separable task learned by a BCNN,
// trainer == exported integer model == golden exact inference, checkpoint and resume.
#include <catch2/catch.hpp>

#include "separable_dataset.h"

#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/trainer.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

using Catch::Matchers::Contains;
using namespace cimvp;

namespace {

ConvShape conv(unsigned h, unsigned w, unsigned c, unsigned out_c, unsigned k, unsigned stride, unsigned pad,
               unsigned pool) {
  return square_conv(h, w, c, out_c, k, stride, pad, pool);
}

// 8×8 → conv 3×3 pad 1, 6 channels, pool 2 → 4×4×6 → conv 3×3 stride 2 pad 1, 8 channels →
// 2×2×8 = 32 → dense 16 → 2.
TrainerConfig conv_config(CellMode mode, InputEncoding input) {
  TrainerConfig c;
  c.mode = mode;
  c.input = input;
  c.input_bits = 3;
  c.input_threshold = 150;
  c.conv = {conv(8, 8, 1, 6, 3, 1, 1, 2), conv(4, 4, 6, 8, 3, 2, 1, 1)};
  c.layers = {32, 16, 2};
  c.epochs = 6;
  c.batch = 40;
  c.seed = 3;
  return c;
}

std::string temp(const std::string& name) { return "/tmp/cimvp-test-" + std::to_string(::getpid()) + "-" + name; }

}  // namespace

TEST_CASE("a BCNN learns the separable task", "[trainer][conv]") {
  // One conv layer 3×3 pad 1, 8 channels (8×8×8 = 512 bits) → 2 classes.  The task counts
  // bright pixels per half; OR pooling early would discard those counts, so none here.
  // Measured 0.92 in both modes (seed 3, 8 epochs); chance is 0.5.
  const Dataset train = separable_dataset(600, 11);
  const Dataset test = separable_dataset(200, 12);
  for (CellMode mode : {CellMode::xnor_8t, CellMode::hbnn_6t}) {
    TrainerConfig c = conv_config(mode, InputEncoding::binarized);
    c.conv = {conv(8, 8, 1, 8, 3, 1, 1, 1)};
    c.layers = {512, 2};
    c.epochs = 8;
    BnnTrainer t(c);
    train_network(t, train, Dataset{}, nullptr);
    INFO(to_string(mode));
    CHECK(t.evaluate(test) >= 0.85);
    CHECK(integer_accuracy(t.export_network("x"), test) == t.evaluate(test));
  }
}

TEST_CASE("conv nets (pad, stride 2, pooling): trainer == integer model == golden", "[trainer][conv]") {
  const Dataset train = separable_dataset(300, 11);
  const Dataset test = separable_dataset(200, 12);
  for (CellMode mode : {CellMode::xnor_8t, CellMode::hbnn_6t})
    for (InputEncoding enc : {InputEncoding::binarized, InputEncoding::bit_serial}) {
      INFO(to_string(mode) << (enc == InputEncoding::bit_serial ? " bit-serial" : " binarized"));
      TrainerConfig c = conv_config(mode, enc);
      c.epochs = 2;
      BnnTrainer t(c);
      train_network(t, train, Dataset{}, nullptr);
      const BnnNetwork net = t.export_network("conv test");
      REQUIRE(net.layers.size() == 4u);
      CHECK(net.layers[0].is_conv());
      CHECK(net.layers[1].conv.stride == 2u);
      CHECK(net.layers[1].inputs == 54u);  // 3·3·6
      // float evaluation == exported integer model == golden exact inference, image for image
      const auto fp = t.predict(test);
      const auto ip = integer_predict(net, test);
      const GoldenResult g = exact_inference(net, test.images.data(), test.size(), test.pixels());
      CHECK(std::vector<unsigned>(g.predictions.begin(), g.predictions.end()) == ip);
      CHECK(fp == ip);
      // and the file round trip keeps it
      CHECK(integer_predict(parse_network(serialize_network(net).data(), serialize_network(net).size(), "x"), test) == ip);
    }
}

TEST_CASE("resuming from a checkpoint gives the uninterrupted run's network", "[trainer][conv]") {
  const Dataset train = separable_dataset(200, 13);
  TrainerConfig c = conv_config(CellMode::xnor_8t, InputEncoding::binarized);
  c.epochs = 3;
  c.shift = 1;  // the augmentation draws from the generator too
  BnnTrainer whole(c);
  train_network(whole, train, Dataset{}, nullptr);
  const auto want = serialize_network(whole.export_network("r"));

  const std::string path = temp("resume.ckpt");
  {
    BnnTrainer first(c);
    first.train_epoch(train);
    first.save_checkpoint(path);
  }
  BnnTrainer resumed(c);
  resumed.load_checkpoint(path);
  CHECK(resumed.epochs_done() == 1u);
  train_network(resumed, train, Dataset{}, nullptr);
  CHECK(serialize_network(resumed.export_network("r")) == want);

  // another config, a corrupt or a foreign file are clear errors
  TrainerConfig other = c;
  other.seed = 4;
  BnnTrainer o(other);
  CHECK_THROWS_WITH(o.load_checkpoint(path), Contains("another training config") && Contains("seed=4"));
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x55');
  }
  CHECK_THROWS_WITH(resumed.load_checkpoint(path), Contains("checksum"));
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << "not a checkpoint at all";
  }
  CHECK_THROWS_WITH(resumed.load_checkpoint(path), Contains("not a cimvp-train checkpoint"));
  std::remove(path.c_str());
  CHECK_THROWS_WITH(resumed.load_checkpoint(path), Contains("cannot open"));
}

TEST_CASE("trainer config: conv layers must chain and fit the images", "[trainer][conv]") {
  TrainerConfig c = conv_config(CellMode::xnor_8t, InputEncoding::binarized);
  CHECK_NOTHROW(validate_trainer_config(c));
  TrainerConfig b = c;
  b.layers = {33, 16, 2};
  CHECK_THROWS_WITH(validate_trainer_config(b), Contains("dense tail reads 33") && Contains("outputs 32 bits"));
  b = c;
  b.conv[1].in_c = 5;
  CHECK_THROWS_WITH(validate_trainer_config(b), Contains("conv layer 1") && Contains("4x4x6"));
  b = c;
  b.conv[0].in_c = 2;
  CHECK_THROWS_WITH(validate_trainer_config(b), Contains("in_c 2"));
  b = c;
  b.conv[0].pad = 3;
  CHECK_THROWS_WITH(validate_trainer_config(b), Contains("conv layer 0") && Contains("pad 3"));
  b = c;
  b.support_block = 4;
  CHECK_THROWS_WITH(validate_trainer_config(b), Contains("no supports"));
  BnnTrainer t(c);
  Dataset wrong = separable_dataset(10, 1);
  wrong.rows = 4;
  wrong.cols = 16;
  CHECK_THROWS_WITH(t.train_epoch(wrong), Contains("4x16"));
}

// The golden step's gradient / apply split (workloads/two_way_train.h): two_way_layer_gradient
// against hand-computed outer products (negative errors, odd M and K, batch 1 and > 1, the
// int64 path), and gradient + apply == two_way_update_layer on random data.
#include <catch2/catch.hpp>

#include "cimvp/workloads/two_way_train.h"

#include <random>
#include <stdexcept>

using namespace cimvp;

TEST_CASE("two_way_layer_gradient: hand-computed outer products", "[two_way][train][gradient]") {
  std::vector<std::int64_t> g;
  // batch 1, M = 3, K = 5: G[j][k] = e_j · x_k
  const std::int32_t e1[3] = {-3, 0, 127};
  const std::int16_t x1[5] = {1, -1, 15, 0, -1};
  two_way_layer_gradient(e1, x1, 1, 3, 5, g);
  const std::vector<std::int64_t> want1 = {-3, 3, -45, 0, 3,  //
                                           0,  0, 0,   0, 0,  //
                                           127, -127, 1905, 0, -127};
  CHECK(g == want1);
  // batch 2, M = 1, K = 3: e = {−128, 5}, x_0 = {1, −1, 7}, x_1 = {−1, −1, 2}
  // G = −128·x_0 + 5·x_1 = {−128 − 5, 128 − 5, −896 + 10} = {−133, 123, −886}
  const std::int32_t e2[2] = {-128, 5};
  const std::int16_t x2[6] = {1, -1, 7, -1, -1, 2};
  two_way_layer_gradient(e2, x2, 2, 1, 3, g);
  CHECK(g == std::vector<std::int64_t>{-133, 123, -886});
  // the int64 path (n′·max|e|·max|x| = 16 · 32767² >= 2^31): 2 · 32767² = 2,147,352,578
  const std::int32_t e3[2] = {32767, 32767};
  const std::int16_t x3[2] = {32767, 32767};
  two_way_layer_gradient(e3, x3, 2, 1, 1, g);
  CHECK(g == std::vector<std::int64_t>{2147352578LL});
  const std::int32_t bad[1] = {40000};
  CHECK_THROWS_AS(two_way_layer_gradient(bad, x3, 1, 1, 1, g), std::invalid_argument);
}

TEST_CASE("gradient + apply equals two_way_update_layer", "[two_way][train][gradient]") {
  FixedPointTrainConfig cfg;
  cfg.optimizer = TrainOptimizer::normalized;
  cfg.momentum_shift = 2;
  cfg.lr_shift = 3;
  TwoWayMlp a = TwoWayMlp::random({13, 9}, cfg.latent_bits, 3), b = a;
  std::mt19937_64 rng(4);
  for (int step = 0; step < 3; ++step) {
    const std::size_t n = 7;
    std::vector<std::int32_t> e(n * 9);
    std::vector<std::int16_t> x(n * 13);
    for (auto& v : e) v = static_cast<std::int32_t>(rng() % 256) - 128;
    for (auto& v : x) v = rng() % 2 ? 1 : -1;
    std::vector<ChangedCell> ca, cb;
    two_way_update_layer(a, 0, e.data(), x.data(), n, cfg, ca);
    std::vector<std::int64_t> g;
    two_way_layer_gradient(e.data(), x.data(), n, 9, 13, g);
    // naive triple loop
    for (unsigned j = 0; j < 9; ++j)
      for (unsigned k = 0; k < 13; ++k) {
        std::int64_t s = 0;
        for (std::size_t i = 0; i < n; ++i) s += std::int64_t{e[i * 9 + j]} * x[i * 13 + k];
        REQUIRE(g[j * 13 + k] == s);
      }
    two_way_apply_gradient(b, 0, g.data(), cfg, cb);
    CHECK(ca == cb);
    CHECK(a.latent == b.latent);
    CHECK(a.momentum == b.momentum);
  }
}

// Seeded hardware faults (models/circuit faults.h): stuck-at cells applied by ArrayBank,
// dead column converters applied by SenseTable / SenseBank (docs/circuit.md, "Faults").
#include <catch2/catch.hpp>

#include "cimvp/circuit/faults.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sense.h"

#include <cstdint>
#include <vector>

using namespace cimvp;

namespace {
std::size_t count_nonzero(const std::vector<std::int8_t>& v) {
  std::size_t n = 0;
  for (auto x : v) n += x != 0;
  return n;
}
}  // namespace

TEST_CASE("stuck-cell maps: rate 0 is none, rate 1 is all, seeded, nested in the rate", "[circuit][faults]") {
  CellFaultConfig f;
  CHECK(count_nonzero(stuck_cells(f, 64, 64, 0, 0, 0)) == 0);
  f.rate = 1.0;
  f.mode = StuckMode::zero;
  for (auto v : stuck_cells(f, 8, 8, 0, 0, 0)) CHECK(v == -1);
  f.mode = StuckMode::one;
  for (auto v : stuck_cells(f, 8, 8, 0, 0, 0)) CHECK(v == 1);
  f.mode = StuckMode::mixed;
  const auto all = stuck_cells(f, 64, 64, 0, 0, 0);
  std::size_t ones = 0;
  for (auto v : all) ones += v == 1;
  CHECK(count_nonzero(all) == 4096);
  CHECK(ones > 1800);  // about half of 4096 (binomial sigma 32)
  CHECK(ones < 2300);

  f.rate = 0.1;
  f.seed = 42;
  const auto a = stuck_cells(f, 64, 64, 3, 1, 2);
  CHECK(a == stuck_cells(f, 64, 64, 3, 1, 2));  // reproducible
  CHECK(count_nonzero(a) > 300);                // 409.6 expected, sigma 19
  CHECK(count_nonzero(a) < 520);
  CHECK(a != stuck_cells(f, 64, 64, 3, 1, 3));  // another sub-array, another map
  CHECK(a != stuck_cells(f, 64, 64, 4, 1, 2));  // another layer
  CellFaultConfig g = f;
  g.seed = 43;
  CHECK(a != stuck_cells(g, 64, 64, 3, 1, 2));
  // a higher rate keeps every cell a lower rate made stuck, with the same value
  CellFaultConfig h = f;
  h.rate = 0.3;
  const auto b = stuck_cells(h, 64, 64, 3, 1, 2);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != 0) CHECK(b[i] == a[i]);

  CellFaultConfig bad;
  bad.rate = 1.5;
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("CellFaultConfig.rate = 1.5") && Catch::Contains("0 .. 1"));
}

TEST_CASE("ArrayBank stores the stuck values over the programmed weights and rate 0 changes nothing",
          "[circuit][faults]") {
  SubArrayConfig sa;
  sa.rows = 16;
  sa.cols = 8;
  // K = 20 inputs, M = 10 neurons: 2 x 2 sub-arrays, padding in the last ones
  const unsigned K = 20, M = 10;
  std::vector<std::int8_t> w(std::size_t{K} * M);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = (i * 7 % 3) ? 1 : -1;
  CellVariationConfig healthy, zero_rate;
  zero_rate.faults.rate = 0.0;
  zero_rate.faults.seed = 99;
  CellVariationConfig faulty;
  faulty.faults.rate = 0.25;
  faulty.faults.seed = 5;
  const ArrayBank a(K, M, w.data(), InputKind::bipolar, sa, healthy, 1);
  const ArrayBank z(K, M, w.data(), InputKind::bipolar, sa, zero_rate, 1);
  const ArrayBank f(K, M, w.data(), InputKind::bipolar, sa, faulty, 1);
  std::size_t changed = 0;
  for (unsigned rb = 0; rb < 2; ++rb)
    for (unsigned cb = 0; cb < 2; ++cb) {
      const auto stuck = stuck_cells(faulty.faults, 16, 8, 1, rb, cb);
      for (unsigned r = 0; r < a.sub_array(rb, cb).active_rows(); ++r)
        for (unsigned c = 0; c < a.sub_array(rb, cb).active_cols(); ++c) {
          const unsigned k = rb * 16 + r, j = cb * 8 + c;
          const int programmed = w[std::size_t{j} * K + k];
          CHECK(a.sub_array(rb, cb).weight(r, c) == programmed);
          CHECK(z.sub_array(rb, cb).weight(r, c) == programmed);
          const int s = stuck[std::size_t{r} * 8 + c];
          CHECK(f.sub_array(rb, cb).weight(r, c) == (s != 0 ? s : programmed));
          changed += f.sub_array(rb, cb).weight(r, c) != programmed;
        }
    }
  CHECK(changed > 0);  // some stuck cells hold the opposite of what was programmed
}

TEST_CASE("a dead column converter outputs its lowest (or highest) level whatever it senses",
          "[circuit][faults]") {
  // one segment of 4 bipolar rows: partial sums -4, -2, 0, 2, 4; ideal quantizer: value = 2·PS
  const Quantizer q = Quantizer::ideal(PsRange::of(4, InputKind::bipolar));
  SenseTable t({q}, 3);
  const unsigned d = q.range().count;
  REQUIRE(d == 5);
  std::vector<std::int32_t> healthy(t.lut(0, 1), t.lut(0, 1) + d);
  CHECK(healthy == std::vector<std::int32_t>{-8, -4, 0, 4, 8});
  t.set_dead_columns({0, 1, 0}, DeadLevel::low);
  for (unsigned i = 0; i < d; ++i) {
    CHECK(t.lut(0, 1)[i] == -8);          // dead: the lowest level, -4 in half units
    CHECK(t.lut(0, 0)[i] == healthy[i]);  // neighbours untouched
    CHECK(t.lut(0, 2)[i] == healthy[i]);
  }
  CHECK(t.sense(0, 1, 3.9) == -8);
  CHECK(t.sense(0, 0, 4.0) == 8);
  t.set_dead_columns({0, 0, 1}, DeadLevel::high);
  CHECK(t.lut(0, 2)[0] == 8);
  CHECK(t.sense(0, 2, -4.0) == 8);

  SenseFaultConfig f;
  CHECK(dead_columns(f, 64, 0, 0, 0) == std::vector<std::uint8_t>(64, 0));
  f.rate = 1.0;
  CHECK(dead_columns(f, 64, 0, 0, 0) == std::vector<std::uint8_t>(64, 1));
  f.rate = 0.25;
  f.seed = 11;
  CHECK(dead_columns(f, 64, 2, 1, 0) == dead_columns(f, 64, 2, 1, 0));
  CHECK(dead_columns(f, 64, 2, 1, 0) != dead_columns(f, 64, 2, 1, 1));
}

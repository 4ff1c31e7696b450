// MLSA transfer functions (models/circuit/quantizer.h).  Expected values computed by hand
// in the comments.
#include <catch2/catch.hpp>

#include "cimvp/circuit/quantizer.h"

#include <stdexcept>

using namespace cimvp;
using V = std::vector<std::int32_t>;
using D = std::vector<double>;

TEST_CASE("reachable partial sums of n rows", "[circuit][quantizer]") {
  const PsRange u = PsRange::of(4, InputKind::unipolar);  // -4..4 step 1
  CHECK(u.lo == -4);
  CHECK(u.step == 1);
  CHECK(u.count == 9u);
  const PsRange b = PsRange::of(8, InputKind::bipolar);  // -8..8 step 2
  CHECK(b.lo == -8);
  CHECK(b.step == 2);
  CHECK(b.count == 9u);
  CHECK(b.value(8) == 8);
  CHECK_THROWS_AS(PsRange::of(0, InputKind::bipolar), std::invalid_argument);
}

TEST_CASE("linear quantizer, XNOR 8 rows, 2 bits (by hand)", "[circuit][quantizer]") {
  // D = 9 values -8..8 step 2, L = 4: level i starts at t = ceil(9i/4) = 0, 3, 5, 7:
  // {-8,-6,-4} {-2,0} {2,4} {6,8}; references half-way below each start: -3, 1, 5;
  // values = midpoints in half units: -8-4, -2+0, 2+4, 6+8.
  const Quantizer q = Quantizer::linear(PsRange::of(8, InputKind::bipolar), 2);
  CHECK(q.levels() == 4u);
  CHECK(q.references() == D{-3, 1, 5});
  CHECK(q.values_half() == V{-12, -2, 6, 14});
  CHECK_FALSE(q.exact());
  CHECK(q.lut() == V{-12, -12, -12, -2, -2, 6, 6, 14, 14});
  CHECK(q.level(-3.0) == 1u);  // a value equal to a reference goes up
  CHECK(q.level(-3.01) == 0u);
  CHECK(q.level(100.0) == 3u);
}

TEST_CASE("linear quantizer, HBNN 4 rows, 2 bits (by hand)", "[circuit][quantizer]") {
  // D = 9 values -4..4 step 1, same starts t = 0, 3, 5, 7: {-4,-3,-2} {-1,0} {1,2} {3,4}.
  const Quantizer q = Quantizer::linear(PsRange::of(4, InputKind::unipolar), 2);
  CHECK(q.references() == D{-1.5, 0.5, 2.5});
  CHECK(q.values_half() == V{-6, -1, 3, 7});
}

TEST_CASE("linear quantizer is exact when 2^b >= reachable values", "[circuit][quantizer]") {
  // 64 XNOR rows: 65 values -> 7 bits exact, 6 bits not.
  const PsRange r = PsRange::of(64, InputKind::bipolar);
  CHECK(Quantizer::linear(r, 7).exact());
  CHECK_FALSE(Quantizer::linear(r, 6).exact());
  const Quantizer q = Quantizer::linear(r, 8);
  CHECK(q.levels() == 65u);
  for (unsigned t = 0; t < r.count; ++t) CHECK(q.lut()[t] == 2 * r.value(t));
  // 3 HBNN rows: 7 values, 3 bits exact.
  CHECK(Quantizer::linear(PsRange::of(3, InputKind::unipolar), 3).exact());
  CHECK(Quantizer::ideal(PsRange::of(5, InputKind::unipolar)).exact());
}

TEST_CASE("nonlinear quantizer from a known histogram, HBNN 2 rows, 1 bit (by hand)", "[circuit][quantizer]") {
  // Counts over PS -2..2 (t = 0..4): 0, 4, 10, 2, 8.  Two levels; squared error of each
  // split (level 1 starts at t = i):
  //   i=1: {0} | {1..4}: 190 - 62^2/24 = 29.83      i=2: 0 | 186 - 58^2/20 = 17.8
  //   i=3: 44 - 24^2/14 + 146 - 38^2/10 = 4.457     i=4: 62 - 30^2/16 = 5.75
  // -> i = 3, reference 0.5 (between PS 0 and 1).  Means: t = 24/14 -> PS -0.2857 ->
  // half -0.571 -> -1;  t = 3.8 -> PS 1.8 -> half 3.6 -> 4.
  PsHistogram h(PsRange::of(2, InputKind::unipolar));
  h.add(-1, 4);
  h.add(0, 10);
  h.add(1, 2);
  h.add(2, 8);
  CHECK(h.total() == 24u);
  const Quantizer q = Quantizer::nonlinear(h, 1);
  CHECK(q.references() == D{0.5});
  CHECK(q.values_half() == V{-1, 4});
  CHECK(q.lut() == V{-1, -1, -1, 4, 4});
}

TEST_CASE("nonlinear quantizer merges the cheapest neighbours, XNOR 4 rows, 2 bits (by hand)",
          "[circuit][quantizer]") {
  // PS -4,-2,0,2,4 with counts 1,1,100,1,50; four levels for five values: one pair merges.
  // Error of merging (t units): (0,1): 2*0.5^2 = 0.5; (1,2): 100/101; (2,3): 100/101;
  // (3,4): 50/51 -> merge {-4,-2}: value -3 (half -6); references -1, 1, 3.
  PsHistogram h(PsRange::of(4, InputKind::bipolar));
  for (int ps : {-4, -2, 2}) h.add(ps);
  h.add(0, 100);
  h.add(4, 50);
  const Quantizer q = Quantizer::nonlinear(h, 2);
  CHECK(q.references() == D{-1, 1, 3});
  CHECK(q.values_half() == V{-6, 0, 4, 8});
}

TEST_CASE("nonlinear quantizer: exact when levels suffice, errors on bad data", "[circuit][quantizer]") {
  PsHistogram h(PsRange::of(3, InputKind::bipolar));  // 4 values
  h.add(1, 3);
  CHECK(Quantizer::nonlinear(h, 2).exact());
  CHECK_THROWS_WITH(Quantizer::nonlinear(PsHistogram(PsRange::of(3, InputKind::bipolar)), 1),
                    Catch::Contains("empty calibration histogram"));
  CHECK_THROWS_AS(h.add(0), std::out_of_range);   // parity: 3 bipolar rows give odd sums
  CHECK_THROWS_AS(h.add(5), std::out_of_range);
}

TEST_CASE("reference offsets shift the comparisons", "[circuit][quantizer]") {
  // XNOR 8 rows, 2 bits: references -3, 1, 5 shifted by +1.5, 0, -2 -> -1.5, 1, 3.
  const Quantizer q = Quantizer::linear(PsRange::of(8, InputKind::bipolar), 2);
  const double off[3] = {1.5, 0.0, -2.0};
  // PS -8..8: -2 < -1.5 -> level 0; 0 -> 1; 2 -> 2; 4.. -> 3.
  CHECK(q.lut(off) == V{-12, -12, -12, -12, -2, 6, 14, 14, 14});
  CHECK(q.level(3.0, off) == 3u);
  // Offsets that reorder the references: count of references <= value still defines the level.
  const double swap[3] = {5.0, 0.0, 0.0};  // -> 2, 1, 5
  CHECK(q.level(1.5, swap) == 1u);
  CHECK(q.lut(swap) == V{-12, -12, -12, -12, -12, 6, 6, 14, 14});
}

TEST_CASE("custom transfer functions (e.g. an ADC) are validated", "[circuit][quantizer]") {
  const PsRange r = PsRange::of(4, InputKind::unipolar);
  const Quantizer q = Quantizer::custom(r, {0.0}, {-2, 2});
  CHECK(q.lut() == V{-2, -2, -2, -2, 2, 2, 2, 2, 2});
  CHECK_THROWS_WITH(Quantizer::custom(r, {0.0}, {1}), Catch::Contains("expected references + 1"));
  CHECK_THROWS_WITH(Quantizer::custom(r, {1.0, 0.0}, {1, 2, 3}), Catch::Contains("ascending"));
}

TEST_CASE("MlsaConfig validation names the field and the range", "[circuit][quantizer][config]") {
  MlsaConfig c;
  CHECK_NOTHROW(c.validate());
  c.bits = 0;
  CHECK_THROWS_WITH(c.validate(), "MlsaConfig.bits = 0: expected 1..8");
  c.bits = 9;
  CHECK_THROWS_WITH(c.validate(), "MlsaConfig.bits = 9: expected 1..8");
  c.bits = 3;
  c.offset_sigma = -0.5;
  CHECK_THROWS_WITH(c.validate(), "MlsaConfig.offset_sigma = -0.5: expected a finite value >= 0 (PS units)");
  c.offset_sigma = 0;
  c.quantization = static_cast<Quantization>(7);
  CHECK_THROWS_WITH(c.validate(), "MlsaConfig.quantization = 7: expected linear|nonlinear|ideal");
  CHECK(parse_quantization("nonlinear") == Quantization::nonlinear);
  CHECK_THROWS_WITH(parse_quantization("log"), "quantization 'log': expected linear|nonlinear|ideal");
}

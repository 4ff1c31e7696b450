// Column ADC circuit math (models/circuit/column_adc.h, docs/column-adc.md).  Every expected
// value is worked out by hand from the formulas in the comments, not taken from a run.
#include <catch2/catch.hpp>

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/random.h"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cimvp;
using V = std::vector<std::int32_t>;
using D = std::vector<double>;
using U = std::vector<unsigned>;

namespace {

/// level() of every reachable PS of q's range.
U levels_of(const Quantizer& q) {
  U out;
  for (unsigned t = 0; t < q.range().count; ++t) out.push_back(q.level(q.range().value(t)));
  return out;
}

bool same(const Quantizer& a, const Quantizer& b) {
  return a.range() == b.range() && a.references() == b.references() && a.values_half() == b.values_half();
}

std::string message_of(const AdcConfig& c) {
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("ADC kind and range names", "[adc]") {
  CHECK(std::string(to_string(AdcKind::sar)) == "sar");
  CHECK(std::string(to_string(AdcKind::flash)) == "flash");
  CHECK(parse_adc_kind("sar") == AdcKind::sar);
  CHECK(parse_adc_kind("flash") == AdcKind::flash);
  CHECK_THROWS_WITH(parse_adc_kind("pipeline"), Catch::Contains("sar|flash") && Catch::Contains("pipeline"));
  CHECK(std::string(to_string(AdcRange::reachable)) == "reachable");
  CHECK(std::string(to_string(AdcRange::calibrated)) == "calibrated");
  CHECK(parse_adc_range("reachable") == AdcRange::reachable);
  CHECK(parse_adc_range("calibrated") == AdcRange::calibrated);
  CHECK_THROWS_WITH(parse_adc_range("full"), Catch::Contains("reachable|calibrated"));
}

TEST_CASE("AdcConfig validation", "[adc]") {
  AdcConfig c;
  CHECK_NOTHROW(c.validate());
  c.bits = 0;
  CHECK(message_of(c) == "AdcConfig.bits = 0: expected 1..16");
  c.bits = 17;
  CHECK(message_of(c) == "AdcConfig.bits = 17: expected 1..16");
  c.bits = 16;
  CHECK_NOTHROW(c.validate());
  c.bits = 1;
  CHECK_NOTHROW(c.validate());

  c.coverage = 1.0;
  CHECK_NOTHROW(c.validate());
  c.coverage = 0.5;
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.coverage = 0.5: expected"));
  c.coverage = 1.01;
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.coverage"));
  c.coverage = std::numeric_limits<double>::quiet_NaN();
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.coverage"));
  c.coverage = 0.999;

  c.offset_sigma = -0.1;
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.offset_sigma = -0.1: expected"));
  c.offset_sigma = std::numeric_limits<double>::infinity();
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.offset_sigma"));
  c.offset_sigma = 0.3;
  CHECK_NOTHROW(c.validate());

  c.noise_sigma = std::numeric_limits<double>::quiet_NaN();
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.noise_sigma"));
  c.noise_sigma = -1.0;
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.noise_sigma = -1: expected"));
  c.noise_sigma = 0.2;
  CHECK_NOTHROW(c.validate());

  c.kind = static_cast<AdcKind>(7);
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.kind = 7: expected sar|flash"));
  c.kind = AdcKind::flash;
  c.range = static_cast<AdcRange>(9);
  CHECK_THAT(message_of(c), Catch::StartsWith("AdcConfig.range = 9: expected reachable|calibrated"));
}

TEST_CASE("reachable ADC, 4 unipolar rows (PS -4..4 step 1), 1/2/3/8 bits (by hand)", "[adc]") {
  const PsRange r = PsRange::of(4, InputKind::unipolar);  // D = 9
  SECTION("1 bit") {
    // s = ceil(9/2) = 5: codes {-4..0}, {1..4} (partial); ref value(5) - 1/2 = 0.5;
    // values 2*(-4) + 4 = -4 and 2*1 + 4 = 6 (nominal centre PS 3 of [1, 5]).
    const Quantizer q = adc_transfer(r, 1);
    CHECK(q.levels() == 2u);
    CHECK(q.references() == D{0.5});
    CHECK(q.values_half() == V{-4, 6});
    CHECK(levels_of(q) == U{0, 0, 0, 0, 0, 1, 1, 1, 1});
    CHECK(q.lut() == V{-4, -4, -4, -4, -4, 6, 6, 6, 6});
    CHECK_FALSE(q.exact());
  }
  SECTION("2 bits") {
    // s = ceil(9/4) = 3: codes {-4,-3,-2}, {-1,0,1}, {2,3,4}; refs value(3) - 1/2 = -1.5,
    // value(6) - 1/2 = 1.5; values 2*(-4)+2 = -6, 2*(-1)+2 = 0, 2*2+2 = 6.
    const Quantizer q = adc_transfer(r, 2);
    CHECK(q.levels() == 3u);
    CHECK(q.references() == D{-1.5, 1.5});
    CHECK(q.values_half() == V{-6, 0, 6});
    CHECK(levels_of(q) == U{0, 0, 0, 1, 1, 1, 2, 2, 2});
    CHECK(q.lut() == V{-6, -6, -6, 0, 0, 0, 6, 6, 6});
    CHECK(q.level(-1.5) == 1u);  // equal to a reference goes up
    CHECK(q.level(-1.51) == 0u);
    CHECK(q.level(-100.0) == 0u);
    CHECK(q.level(100.0) == 2u);
  }
  SECTION("3 bits") {
    // s = ceil(9/8) = 2, n = ceil(9/2) = 5 codes: {-4,-3}, {-2,-1}, {0,1}, {2,3}, {4};
    // refs -2.5, -0.5, 1.5, 3.5; values 2*(-4)+1 = -7, -3, 1, 5, 2*4+1 = 9.
    const Quantizer q = adc_transfer(r, 3);
    CHECK(q.levels() == 5u);
    CHECK(q.references() == D{-2.5, -0.5, 1.5, 3.5});
    CHECK(q.values_half() == V{-7, -3, 1, 5, 9});
    CHECK(levels_of(q) == U{0, 0, 1, 1, 2, 2, 3, 3, 4});
    CHECK(q.lut() == V{-7, -7, -3, -3, 1, 1, 5, 5, 9});
  }
  SECTION("8 bits") {
    // 256 >= 9: s = 1, one code per value, refs half-way, value = PS.
    const Quantizer q = adc_transfer(r, 8);
    CHECK(q.levels() == 9u);
    CHECK(q.references() == D{-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5});
    CHECK(q.values_half() == V{-8, -6, -4, -2, 0, 2, 4, 6, 8});
    CHECK(levels_of(q) == U{0, 1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(q.exact());
    CHECK(same(q, Quantizer::ideal(r)));
  }
}

TEST_CASE("reachable ADC, 8 bipolar rows (PS -8..8 step 2), 1/2/3/8 bits (by hand)", "[adc]") {
  const PsRange r = PsRange::of(8, InputKind::bipolar);  // D = 9
  SECTION("1 bit") {
    // s = 5: codes {-8..0}, {2..8}; ref value(5) - 1 = 1; values 2*(-8)+4*2 = -8, 2*2+8 = 12.
    const Quantizer q = adc_transfer(r, 1);
    CHECK(q.references() == D{1});
    CHECK(q.values_half() == V{-8, 12});
    CHECK(levels_of(q) == U{0, 0, 0, 0, 0, 1, 1, 1, 1});
    CHECK(q.lut() == V{-8, -8, -8, -8, -8, 12, 12, 12, 12});
  }
  SECTION("2 bits") {
    // s = 3: codes {-8,-6,-4}, {-2,0,2}, {4,6,8}; refs -2-1 = -3, 4-1 = 3;
    // values 2*(-8)+2*2 = -12, 2*(-2)+4 = 0, 2*4+4 = 12.
    const Quantizer q = adc_transfer(r, 2);
    CHECK(q.references() == D{-3, 3});
    CHECK(q.values_half() == V{-12, 0, 12});
    CHECK(levels_of(q) == U{0, 0, 0, 1, 1, 1, 2, 2, 2});
    CHECK(q.lut() == V{-12, -12, -12, 0, 0, 0, 12, 12, 12});
  }
  SECTION("3 bits") {
    // s = 2, 5 codes: {-8,-6}, {-4,-2}, {0,2}, {4,6}, {8}; refs -5, -1, 3, 7;
    // values 2*(-8)+2 = -14, -6, 2, 10, 2*8+2 = 18.
    const Quantizer q = adc_transfer(r, 3);
    CHECK(q.references() == D{-5, -1, 3, 7});
    CHECK(q.values_half() == V{-14, -6, 2, 10, 18});
    CHECK(levels_of(q) == U{0, 0, 1, 1, 2, 2, 3, 3, 4});
    CHECK(q.lut() == V{-14, -14, -6, -6, 2, 2, 10, 10, 18});
  }
  SECTION("8 bits") {
    const Quantizer q = adc_transfer(r, 8);
    CHECK(q.references() == D{-7, -5, -3, -1, 1, 3, 5, 7});
    CHECK(q.values_half() == V{-16, -12, -8, -4, 0, 4, 8, 12, 16});
    CHECK(q.exact());
    CHECK(same(q, Quantizer::ideal(r)));
  }
}

TEST_CASE("reachable ADC is exact exactly when 2^bits covers the reachable values", "[adc]") {
  // 64 bipolar rows: D = 65 -> 7 bits exact.
  const PsRange b = PsRange::of(64, InputKind::bipolar);
  CHECK(same(adc_transfer(b, 7), Quantizer::ideal(b)));
  CHECK(adc_transfer(b, 7).exact());
  CHECK(adc_transfer(b, 16).exact());
  // 6 bits: s = ceil(65/64) = 2, n = ceil(65/2) = 33; ref_i = value(2i) - 1 = -65 + 4i
  // (i = 1..32), value_i = 2*(-64 + 4i) + 2 = -126 + 8i (i = 0..32).
  const Quantizer b6 = adc_transfer(b, 6);
  CHECK_FALSE(b6.exact());
  REQUIRE(b6.levels() == 33u);
  for (unsigned i = 1; i <= 32; ++i) CHECK(b6.references()[i - 1] == -65.0 + 4.0 * i);
  for (unsigned i = 0; i <= 32; ++i) CHECK(b6.values_half()[i] == -126 + 8 * static_cast<int>(i));

  // 64 unipolar rows: D = 129 -> 8 bits exact, 7 bits not.
  const PsRange u = PsRange::of(64, InputKind::unipolar);
  CHECK(same(adc_transfer(u, 8), Quantizer::ideal(u)));
  const Quantizer u7 = adc_transfer(u, 7);
  CHECK_FALSE(u7.exact());
  // s = 2, n = 65; ref_i = -64 + 2i - 0.5, value_i = 2*(-64 + 2i) + 1 = -127 + 4i.
  REQUIRE(u7.levels() == 65u);
  CHECK(u7.references().front() == -62.5);
  CHECK(u7.references().back() == 63.5);
  CHECK(u7.values_half().front() == -127);
  CHECK(u7.values_half().back() == 129);
}

TEST_CASE("reachable ADC, 200 unipolar rows at 8 bits (by hand)", "[adc]") {
  // D = 401, L = 256, s = ceil(401/256) = 2, n = ceil(401/2) = 201: code i = {t = 2i, 2i+1},
  // level(t) = floor(t/2), value_half = 2*(-200 + 2i) + 1 = -399 + 4i.
  const PsRange r = PsRange::of(200, InputKind::unipolar);
  const Quantizer q = adc_transfer(r, 8);
  REQUIRE(q.levels() == 201u);
  const V lut = q.lut();
  for (unsigned t = 0; t < r.count; ++t) {
    CHECK(q.level(r.value(t)) == t / 2);
    CHECK(lut[t] == -399 + 4 * static_cast<int>(t / 2));
    // Error bound |2 PS - value_half| <= (s - 1) * step = 1.
    CHECK(std::abs(2 * r.value(t) - lut[t]) <= 1);
  }
}

TEST_CASE("reachable ADC rejects bad resolutions", "[adc]") {
  CHECK_THROWS_AS(adc_transfer(PsRange::of(4, InputKind::unipolar), 0), std::invalid_argument);
  CHECK_THROWS_AS(adc_transfer(PsRange::of(4, InputKind::unipolar), 17), std::invalid_argument);
}

TEST_CASE("calibrated ADC on a hand-made histogram, saturating at both ends", "[adc]") {
  // 8 unipolar rows: PS -8..8, t = PS + 8.  100 observations:
  //   PS  -8  -3  -2  -1   0   1   2   3   6   8
  //   n    1   2  10  20  30  20  10   5   1   1
  // cumulative: 1, 3, 13, 33, 63, 83, 93, 98, 99, 100.
  const PsRange r = PsRange::of(8, InputKind::unipolar);
  PsHistogram h(r);
  const int ps[] = {-8, -3, -2, -1, 0, 1, 2, 3, 6, 8};
  const std::uint64_t n[] = {1, 2, 10, 20, 30, 20, 10, 5, 1, 1};
  for (int i = 0; i < 10; ++i) h.add(ps[i], n[i]);
  REQUIRE(h.total() == 100u);

  SECTION("coverage 0.95, 2 bits") {
    // k = floor(0.05 * 100 / 2) = 2.  3rd observation at PS -3 (t_lo = 5), 98th at PS 3
    // (t_hi = 11).  W = 7, s = ceil(7/4) = 2 < ceil(17/4) = 5.  n = min(4, ceil(12/2)) = 4:
    // codes {-3,-2}, {-1,0}, {1,2}, {3,4}; refs -1.5, 0.5, 2.5; values 2*(-3)+1 = -5, -1, 3, 7.
    // PS -8..-2 saturate to code 0, PS 3..8 to code 3.
    const Quantizer q = adc_transfer(h, 2, 0.95);
    CHECK(q.references() == D{-1.5, 0.5, 2.5});
    CHECK(q.values_half() == V{-5, -1, 3, 7});
    CHECK(levels_of(q) == U{0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3});
    CHECK(q.lut() == V{-5, -5, -5, -5, -5, -5, -5, -1, -1, 3, 3, 7, 7, 7, 7, 7, 7});
  }
  SECTION("coverage 1 keeps everything: same LSB as the reachable ADC, so the reachable ADC") {
    // k = 0: t_lo = 0, t_hi = 16, W = 17, s = 5 = ceil(17/4): fallback.  Reachable, 2 bits:
    // s = 5, n = 4; refs value(5)-.5 = -3.5, 1.5, 6.5; values -16+4 = -12, -6+4 = -2, 4+4 = 8,
    // 14+4 = 18.
    const Quantizer q = adc_transfer(h, 2, 1.0);
    CHECK(q.references() == D{-3.5, 1.5, 6.5});
    CHECK(q.values_half() == V{-12, -2, 8, 18});
    CHECK(same(q, adc_transfer(r, 2)));
  }
  SECTION("enough bits: exact whatever the coverage") {
    CHECK(same(adc_transfer(h, 5, 0.95), Quantizer::ideal(r)));
    CHECK(same(adc_transfer(h, 5, 0.51), Quantizer::ideal(r)));
  }
}

TEST_CASE("calibrated ADC: decimal coverage trims the intended count", "[adc]") {
  // 4 unipolar rows, counts PS -4: 5, -1: 45, 0: 45, 4: 5 (total 100).  coverage 0.9 ->
  // k = 5 (not 4 from (1 - 0.9) * 50 = 4.999...): 6th observation at PS -1 (t = 3), 95th at
  // PS 0 (t = 4).  W = 2, 1 bit: s = 1 < ceil(9/2) = 5; n = min(2, 6) = 2: codes {-1}, {0};
  // ref value(4) - 0.5 = -0.5; values -2, 0.  (k = 4 would give t_lo = 0, t_hi = 8 and the
  // reachable ADC: ref 0.5, values -4, 6.)
  PsHistogram h(PsRange::of(4, InputKind::unipolar));
  h.add(-4, 5);
  h.add(-1, 45);
  h.add(0, 45);
  h.add(4, 5);
  const Quantizer q = adc_transfer(h, 1, 0.9);
  CHECK(q.references() == D{-0.5});
  CHECK(q.values_half() == V{-2, 0});
  CHECK(q.lut() == V{-2, -2, -2, -2, 0, 0, 0, 0, 0});
}

TEST_CASE("calibrated ADC: codes above the reachable range do not exist", "[adc]") {
  // 4 unipolar rows, 10 observations each of PS 1, 2, 3, 4; coverage 1: t_lo = 5, t_hi = 8.
  PsHistogram h(PsRange::of(4, InputKind::unipolar));
  for (int ps = 1; ps <= 4; ++ps) h.add(ps, 10);
  SECTION("1 bit") {
    // W = 4, s = 2 < 5: codes {1,2}, {3,4}; ref value(7) - .5 = 2.5; values 3, 7.
    const Quantizer q = adc_transfer(h, 1, 1.0);
    CHECK(q.references() == D{2.5});
    CHECK(q.values_half() == V{3, 7});
    CHECK(q.lut() == V{3, 3, 3, 3, 3, 3, 3, 7, 7});
  }
  SECTION("3 bits") {
    // L = 8, s = 1 < ceil(9/8) = 2; n = min(8, ceil((9 - 5)/1)) = 4 < L: codes {1}..{4};
    // refs 1.5, 2.5, 3.5; values 2, 4, 6, 8; PS <= 1 saturate to code 0.
    const Quantizer q = adc_transfer(h, 3, 1.0);
    CHECK(q.levels() == 4u);
    CHECK(q.references() == D{1.5, 2.5, 3.5});
    CHECK(q.values_half() == V{2, 4, 6, 8});
    CHECK(q.lut() == V{2, 2, 2, 2, 2, 2, 4, 6, 8});
  }
}

TEST_CASE("calibrated ADC rejects bad arguments", "[adc]") {
  PsHistogram empty(PsRange::of(4, InputKind::unipolar));
  CHECK_THROWS_WITH(adc_transfer(empty, 2, 0.99), Catch::Contains("empty"));
  PsHistogram h(PsRange::of(4, InputKind::unipolar));
  h.add(0, 3);
  CHECK_THROWS_WITH(adc_transfer(h, 2, 0.5), Catch::Contains("coverage"));
  CHECK_THROWS_WITH(adc_transfer(h, 2, 1.5), Catch::Contains("coverage"));
  CHECK_THROWS_AS(adc_transfer(h, 0, 0.99), std::invalid_argument);
  CHECK_THROWS_AS(adc_transfer(h, 17, 0.99), std::invalid_argument);
  // A single observed value: W = 1, s = 1 < ceil(9/4) = 3 -> codes {0}, {1}, {2}, {3}.
  const Quantizer q = adc_transfer(h, 2, 0.99);
  CHECK(q.references() == D{0.5, 1.5, 2.5});
  CHECK(q.values_half() == V{0, 2, 4, 6});
}

TEST_CASE("ADC comparators and conversion steps", "[adc]") {
  CHECK(adc_comparators(AdcKind::flash, 1) == 1u);
  CHECK(adc_comparators(AdcKind::flash, 3) == 7u);
  CHECK(adc_comparators(AdcKind::flash, 8) == 255u);
  CHECK(adc_comparators(AdcKind::flash, 16) == 65535u);
  CHECK(adc_comparators(AdcKind::sar, 1) == 1u);
  CHECK(adc_comparators(AdcKind::sar, 8) == 1u);
  CHECK(adc_steps(AdcKind::flash, 8) == 1u);
  CHECK(adc_steps(AdcKind::sar, 1) == 1u);
  CHECK(adc_steps(AdcKind::sar, 5) == 5u);
  CHECK(adc_steps(AdcKind::sar, 16) == 16u);
  CHECK_THROWS_AS(adc_comparators(AdcKind::flash, 0), std::invalid_argument);
  CHECK_THROWS_AS(adc_steps(AdcKind::sar, 17), std::invalid_argument);
}

TEST_CASE("ADC offsets: one per column, deterministic, seeded", "[adc]") {
  const MlsaOffsets a = adc_offsets(16, 7, 0.5, 42);
  const MlsaOffsets b = adc_offsets(16, 7, 0.5, 42);
  REQUIRE_FALSE(a.empty());
  CHECK(a.cols() == 16u);
  CHECK(a.refs() == 7u);
  // Column c's offset is the c-th deviate of Gaussian on mt19937_64(seed), i.e. the one the
  // MLSA offsets draw for an MLSA with a single reference.
  const MlsaOffsets one(16, 1, 0.5, 42);
  bool some_differ = false;
  for (unsigned c = 0; c < 16; ++c) {
    for (unsigned k = 0; k < 7; ++k) {
      CHECK(a.column(c)[k] == a.column(c)[0]);
      CHECK(a.column(c)[k] == b.column(c)[k]);
    }
    CHECK(a.column(c)[0] == one.column(c)[0]);
    if (c > 0 && a.column(c)[0] != a.column(0)[0]) some_differ = true;
  }
  CHECK(some_differ);
  const MlsaOffsets other = adc_offsets(16, 7, 0.5, 43);
  CHECK(other.column(0)[0] != a.column(0)[0]);
  // Scaling sigma scales every offset exactly (sigma * z).
  const MlsaOffsets twice = adc_offsets(16, 7, 1.0, 42);
  for (unsigned c = 0; c < 16; ++c) CHECK(twice.column(c)[3] == 2.0 * a.column(c)[3]);

  CHECK(adc_offsets(16, 7, 0.0, 42).empty());
  CHECK(adc_offsets(16, 0, 0.5, 42).empty());
  CHECK_THROWS_AS(adc_offsets(16, 7, -0.1, 42), std::invalid_argument);
  CHECK_THROWS_AS(adc_offsets(16, 7, std::nan(""), 42), std::invalid_argument);
}

TEST_CASE("ADC offsets shift a column's whole transfer function in SenseTable", "[adc]") {
  // 4 unipolar rows, 2 bits: refs -1.5, 1.5; values -6, 0, 6.
  // Column 0 offset +0.6: refs -0.9, 2.1 -> PS -4..-1 code 0, 0..2 code 1, 3..4 code 2.
  // Column 1 offset -0.6: refs -2.1, 0.9 -> PS -4..-3 code 0, -2..0 code 1, 1..4 code 2.
  const Quantizer q = adc_transfer(PsRange::of(4, InputKind::unipolar), 2);
  const MlsaOffsets off = MlsaOffsets::from_values(2, 2, {0.6, 0.6, -0.6, -0.6});
  const SenseTable st({q}, 2, off);
  const V col0(st.lut(0, 0), st.lut(0, 0) + 9);
  const V col1(st.lut(0, 1), st.lut(0, 1) + 9);
  CHECK(col0 == V{-6, -6, -6, -6, 0, 0, 0, 6, 6});
  CHECK(col1 == V{-6, -6, 0, 0, 0, 6, 6, 6, 6});
  CHECK_THROWS_AS(MlsaOffsets::from_values(2, 2, {0.1, 0.2, 0.3}), std::invalid_argument);
  CHECK_THROWS_AS(MlsaOffsets::from_values(1, 1, {std::nan("")}), std::invalid_argument);
}

TEST_CASE("ADC noise is keyed by position, not by call order", "[adc]") {
  const double s = 0.7;
  const double x = adc_noise(s, 9, 1, 2, 3, 4, 5, 6);
  CHECK(adc_noise(s, 9, 1, 2, 3, 4, 5, 7) != x);  // next vector
  CHECK(adc_noise(s, 9, 1, 2, 3, 4, 5, 6) == x);  // same key, after another call
  CHECK(adc_noise(s, 10, 1, 2, 3, 4, 5, 6) != x);
  CHECK(adc_noise(s, 9, 0, 2, 3, 4, 5, 6) != x);
  CHECK(adc_noise(s, 9, 1, 0, 3, 4, 5, 6) != x);
  CHECK(adc_noise(s, 9, 1, 2, 0, 4, 5, 6) != x);
  CHECK(adc_noise(s, 9, 1, 2, 3, 0, 5, 6) != x);
  CHECK(adc_noise(s, 9, 1, 2, 3, 4, 0, 6) != x);
  CHECK(adc_noise(2 * s, 9, 1, 2, 3, 4, 5, 6) == 2 * x);
  CHECK(adc_noise(0.0, 9, 1, 2, 3, 4, 5, 6) == 0.0);
  CHECK_THROWS_AS(adc_noise(-1.0, 9, 1, 2, 3, 4, 5, 6), std::invalid_argument);
  CHECK_THROWS_AS(adc_noise(std::numeric_limits<double>::infinity(), 9, 1, 2, 3, 4, 5, 6), std::invalid_argument);

  // The construction documented in the header, spelled out for one key.
  const std::uint64_t key = derive_seed(9, {kAdcNoiseStream, 1, 2, 3, 4, 5, 6});
  const double u1 = (static_cast<double>(splitmix64(key) >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(splitmix64(key + 0x9E3779B97F4A7C15ull) >> 11) * 0x1.0p-53;
  CHECK(x == Approx(s * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586476925286766559 * u2)).epsilon(1e-12));
}

TEST_CASE("ADC noise statistics over 100k conversions", "[adc]") {
  // Mean 0 (std error sigma/sqrt(1e5) = 0.0032 sigma), std sigma (std error ~0.0022 sigma),
  // columns uncorrelated (std error of r ~0.0032): loose bounds at ~6 std errors or more.
  const double sigma = 0.7;
  const std::uint64_t N = 100000;
  double sum = 0, sum2 = 0, cross = 0, sum_b = 0, sum_b2 = 0;
  for (std::uint64_t v = 0; v < N; ++v) {
    const double a = adc_noise(sigma, 5, 0, 1, 2, 0, 3, v);
    const double b = adc_noise(sigma, 5, 0, 1, 2, 0, 4, v);
    sum += a;
    sum2 += a * a;
    sum_b += b;
    sum_b2 += b * b;
    cross += a * b;
  }
  const double mean = sum / N;
  const double sd = std::sqrt(sum2 / N - mean * mean);
  CHECK(std::abs(mean) < 0.02 * sigma);
  CHECK(std::abs(sd - sigma) < 0.02 * sigma);
  const double mean_b = sum_b / N;
  const double sd_b = std::sqrt(sum_b2 / N - mean_b * mean_b);
  const double corr = (cross / N - mean * mean_b) / (sd * sd_b);
  CHECK(std::abs(corr) < 0.02);
}

TEST_CASE("ADC conversion cost by kind (hand-computed from the tech fields)", "[adc]") {
  TechParams t;
  t.adc.latency_law = LatencyLaw::per_bit;
  t.adc.reference.bits = 8;
  t.adc.reference.cost = {2.0, 4.0, 100.0};  // 2 pJ, 4 ns, 100 um^2 at 8 bits
  t.mlsa_comparator = {0.01, 0.3, 2.0};

  // SAR, 5 bits: E = 2 * 2^(5-8) = 0.25 pJ; L = 4 * 5/8 = 2.5 ns; A = 100 * 2^-3 = 12.5 um^2.
  EventCost c = adc_conversion_cost(t, AdcKind::sar, 5);
  CHECK(c.energy_pj == Approx(0.25));
  CHECK(c.latency_ns == Approx(2.5));
  CHECK(c.area_um2 == Approx(12.5));
  // SAR, 10 bits: E = 2 * 4 = 8; L = 4 * 10/8 = 5; A = 400.
  c = adc_conversion_cost(t, AdcKind::sar, 10);
  CHECK(c.energy_pj == Approx(8.0));
  CHECK(c.latency_ns == Approx(5.0));
  CHECK(c.area_um2 == Approx(400.0));
  // A listed point overrides the law.
  t.adc.points.push_back({5, {1.0, 1.5, 7.0}});
  c = adc_conversion_cost(t, AdcKind::sar, 5);
  CHECK(c.energy_pj == Approx(1.0));
  CHECK(c.latency_ns == Approx(1.5));
  CHECK(c.area_um2 == Approx(7.0));

  // Flash, 5 bits: 31 comparators: E = 0.31 pJ, L = 0.3 ns, A = 62 um^2.
  c = adc_conversion_cost(t, AdcKind::flash, 5);
  CHECK(c.energy_pj == Approx(0.31));
  CHECK(c.latency_ns == Approx(0.3));
  CHECK(c.area_um2 == Approx(62.0));
  // Flash, 1 bit: one comparator; 8 bits: 255 -> 2.55 pJ, 510 um^2, still 0.3 ns.
  c = adc_conversion_cost(t, AdcKind::flash, 1);
  CHECK(c.energy_pj == Approx(0.01));
  CHECK(c.area_um2 == Approx(2.0));
  c = adc_conversion_cost(t, AdcKind::flash, 8);
  CHECK(c.energy_pj == Approx(2.55));
  CHECK(c.latency_ns == Approx(0.3));
  CHECK(c.area_um2 == Approx(510.0));

  CHECK_THROWS_AS(adc_conversion_cost(t, AdcKind::sar, 0), std::invalid_argument);
  CHECK_THROWS_AS(adc_conversion_cost(t, AdcKind::flash, 17), std::invalid_argument);
}

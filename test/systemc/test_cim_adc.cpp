// The CIM macro with column ADCs (cim.sense.kind = adc) in the whole SoC (Host running
// BnnDriver, Router, Memory, CimMacro, a TlmChecker on every socket pair) against the
// golden quantized reference (QuantizedNetwork with CimMacroConfig::mapping()):
//   * odd shapes, every access mode, SAR and flash, reachable and calibrated full scale,
//     static offsets and per-conversion noise: sums equal bit for bit;
//   * the noise is keyed by (layer, sub-array, plane, column, vector since LOAD): the sums
//     do not depend on tile_vectors or on how the vectors are split into STARTs; the golden
//     reference run with first_vector reproduces a later START; another seed, other sums.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/cim/sense/adc/column_adc_stage.h"

#include <memory>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

CimMacroConfig adc_macro(unsigned rows, unsigned cols, CellMode mode, AccessMode access, AdcKind conv,
                         AdcRange range, unsigned bits) {
  CimMacroConfig c = small_macro(rows, cols, mode, access, Quantization::nonlinear, bits, 8);
  c.sense.kind = SenseKind::adc;
  c.sense.converter = conv;
  c.sense.full_scale = range;
  c.sense.coverage = 0.95;
  c.sense.offset_sigma = 0.6;
  c.sense.noise_sigma = 0.8;
  c.sense.seed = 77;
  return c;
}

struct Case {
  std::string name;
  CimMacroConfig cfg;
  BnnNetwork net;
  std::size_t pixels = 0;
  std::vector<std::uint8_t> images;
  std::size_t n = 0;
  unsigned batch = 0;
  CimNetworkImage image;
  GoldenResult golden, exact;
  GoldenResult quiet;  // golden with offsets and noise off (same bits, same calibration rule)
  std::unique_ptr<CimBench> bench;
  DriverRun run;
};

/// Golden reference (calibrated on separate images when the full scale is calibrated),
/// the image with its reference tables, the bench and its driver program.
void prepare(Case& c) {
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  const std::size_t calib_n = 40;
  const auto calib = random_images(calib_n, c.pixels, 0xADC + c.pixels);
  qn.calibrate(calib.data(), calib_n, c.pixels);
  REQUIRE_FALSE(qn.needs_calibration());
  c.golden = qn.run(c.images.data(), c.n, c.pixels, true);
  c.exact = exact_inference(c.net, c.images.data(), c.n, c.pixels, true);
  MappingConfig quiet = c.cfg.mapping();
  quiet.sense.offset_sigma = 0.0;
  quiet.sense.noise_sigma = 0.0;
  QuantizedNetwork qq(c.net, quiet);
  qq.calibrate(calib.data(), calib_n, c.pixels);
  c.quiet = qq.run(c.images.data(), c.n, c.pixels, true);
  c.image = build_cim_image(c.net, kImageBase, &qn);
  c.bench = std::make_unique<CimBench>(c.name + "_", c.cfg);
  program_inference(*c.bench, c.net, c.image, c.images, c.n, c.batch, c.run);
}

void check_ran(const Case& c) {
  INFO(c.name);
  REQUIRE(c.bench->host.finished());
  REQUIRE(c.run.done);
  CHECK(c.bench->violations() == 0);
  REQUIRE(c.run.result.predictions.size() == c.n);
}

}  // namespace

TEST_CASE("cim macro with column ADCs equals the golden reference: odd shapes, every access mode, SAR and flash, "
          "reachable and calibrated, offsets and noise",
          "[cim][adc][golden]") {
  set_quantum();
  const AccessMode modes[] = {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row};
  const AdcKind convs[] = {AdcKind::sar, AdcKind::flash};
  const AdcRange ranges[] = {AdcRange::reachable, AdcRange::calibrated};
  std::vector<Case> cases;
  cases.reserve(24);
  unsigned k = 0;
  for (int shape = 0; shape < 2; ++shape)
    for (AccessMode a : modes)
      for (AdcKind v : convs)
        for (AdcRange r : ranges) {
          Case c;
          c.name = std::string(shape == 0 ? "s100" : "s130") + "_" + to_string(a) + "_" + to_string(v) + "_" +
                   to_string(r);
          const bool xnor = (k % 2) == 0;
          const CellMode mode = xnor ? CellMode::xnor_8t : CellMode::hbnn_6t;
          const unsigned bits = 2 + k % 3;  // 2..4 bits: never enough for 96 or 128 rows
          if (shape == 0) {
            // 100-37-10 on 96×40: row blocks of 96 + 4 rows, column blocks of 37 of 40 columns
            c.cfg = adc_macro(96, 40, mode, a, v, r, bits);
            c.pixels = 100;
            c.net = xnor ? random_network({100, 37, 10}, mode, InputEncoding::binarized, 8, 900 + k)
                         : random_network({100, 37, 10}, mode, InputEncoding::bit_serial, 3, 900 + k);
          } else {
            // 130-17 on 128×16: row blocks of 128 + 2 rows, column blocks of 16 + 1 columns
            c.cfg = adc_macro(128, 16, mode, a, v, r, bits);
            c.pixels = 130;
            c.net = xnor ? random_network({130, 17}, mode, InputEncoding::binarized, 8, 900 + k)
                         : random_network({130, 17}, mode, InputEncoding::bit_serial, 2, 900 + k);
          }
          c.n = 20;
          c.batch = 8;  // 8 + 8 + 4, tiles of 16: vector indices continue over STARTs
          c.images = random_images(c.n, c.pixels, 950 + k);
          cases.push_back(std::move(c));
          ++k;
        }
  for (Case& c : cases) prepare(c);
  sc_core::sc_start();
  bool quantized = false, noisy = false;
  for (const Case& c : cases) {
    check_ran(c);
    INFO(c.name);
    CHECK(c.run.result.sums_half == c.golden.sums_half.back());
    CHECK(c.run.result.predictions == c.golden.predictions);
    CHECK(dynamic_cast<const ColumnAdc*>(c.bench->cim.sense.get()) != nullptr);
    if (c.cfg.array.access == AccessMode::row_by_row) {
      CHECK(c.run.result.sums_half == c.exact.sums_half.back());  // 1-bit SAs, digital MAC
      CHECK(c.bench->cim.sense->counters().get("conversions") == 0);
    } else {
      CHECK(c.bench->cim.sense->counters().get("conversions") > 0);
      if (c.run.result.sums_half != c.exact.sums_half.back()) quantized = true;
      if (c.run.result.sums_half != c.quiet.sums_half.back()) noisy = true;
    }
    // calibrated full scale: the reference tables reached the converters
    if (c.cfg.sense.full_scale == AdcRange::calibrated && c.cfg.array.access != AccessMode::row_by_row)
      CHECK(c.bench->cim.sense->counters().get("references_programmed") > 0);
  }
  CHECK(quantized);  // not vacuous: the ADCs quantize
  CHECK(noisy);      // and the offsets and noise change the sums
}

TEST_CASE("cim macro ADC noise does not depend on the tile size or the batch split; golden first_vector matches",
          "[cim][adc][noise]") {
  set_quantum();
  const std::size_t pixels = 100, n = 50;
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 1234);
  const auto images = random_images(n, pixels, 4321);
  auto config = [](unsigned tile, std::uint64_t seed) {
    CimMacroConfig c = adc_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, AdcKind::sar,
                                 AdcRange::reachable, 3);
    c.sense.offset_sigma = 0.0;
    c.sense.noise_sigma = 1.0;
    c.sense.seed = seed;
    c.tile_vectors = tile;
    return c;
  };
  // 0: one START of 50, tiles of 128;  1: one START of 50, tiles of 7;
  // 2: STARTs of 20 then 30 (one LOAD: vector indices continue), tiles of 7;
  // 3: as 0 with another seed
  const CimMacroConfig cfgs[] = {config(128, 5), config(7, 5), config(7, 5), config(128, 6)};
  const QuantizedNetwork qn(net, cfgs[0].mapping());
  const CimNetworkImage image = build_cim_image(net, kImageBase, &qn);
  const GoldenResult golden = qn.run(images.data(), n, pixels, true);
  const GoldenResult golden_first20 = qn.run(images.data(), 20, pixels, true, nullptr, 0);
  const GoldenResult golden_last30 = qn.run(images.data() + 20 * pixels, 30, pixels, true, nullptr, 20);
  const GoldenResult golden_last30_from0 = qn.run(images.data() + 20 * pixels, 30, pixels, true, nullptr, 0);
  const GoldenResult exact = exact_inference(net, images.data(), n, pixels, true);

  std::vector<std::unique_ptr<CimBench>> benches;
  DriverRun runs[4];
  BnnRunResult split_a, split_b;
  bool split_done = false;
  for (int i = 0; i < 4; ++i) {
    benches.push_back(std::make_unique<CimBench>("n" + std::to_string(i) + "_", cfgs[i]));
    if (i != 2) {
      program_inference(*benches.back(), net, image, images, n, 50, runs[i]);
    } else {
      benches.back()->host.set_program([&](Hal& hal) {
        BnnDriver drv(hal, bench_driver(50));
        drv.load(image);
        const BnnLayer& last = net.layers.back();
        split_a = drv.infer(images.data(), 20, last.scale.data(), last.bias.data(), true);
        split_b = drv.infer(images.data() + 20 * pixels, 30, last.scale.data(), last.bias.data(), true);
        split_done = true;
      });
    }
  }
  sc_core::sc_start();
  for (int i = 0; i < 4; ++i) {
    INFO("bench " << i);
    REQUIRE(benches[i]->host.finished());
    CHECK(benches[i]->violations() == 0);
  }
  REQUIRE(runs[0].done);
  REQUIRE(runs[1].done);
  REQUIRE(runs[3].done);
  REQUIRE(split_done);
  const auto& sums = runs[0].result.sums_half;
  REQUIRE(sums.size() == n * 10);
  CHECK(sums == golden.sums_half.back());
  CHECK(sums != exact.sums_half.back());  // the noise (and 3 bits) change the sums
  // tiles of 7 (7 full tiles + 1 of 1): identical
  CHECK(runs[1].result.sums_half == sums);
  // two STARTs, 20 + 30: identical, and each START equals golden with its first_vector
  std::vector<std::int32_t> joined = split_a.sums_half;
  joined.insert(joined.end(), split_b.sums_half.begin(), split_b.sums_half.end());
  CHECK(joined == sums);
  CHECK(split_a.sums_half == golden_first20.sums_half.back());
  CHECK(split_b.sums_half == golden_last30.sums_half.back());
  // the second START is keyed by vectors 20..49, not 0..29
  CHECK(split_b.sums_half != golden_last30_from0.sums_half.back());
  // another seed: another chip, other sums (and its own golden still matches)
  CHECK(runs[3].result.sums_half != sums);
  const QuantizedNetwork qn6(net, cfgs[3].mapping());
  CHECK(runs[3].result.sums_half == qn6.run(images.data(), n, pixels, true).sums_half.back());
  // the tile counts really differ
  CHECK(benches[0]->cim.counters().get("tiles") == 1);
  CHECK(benches[1]->cim.counters().get("tiles") == 8);
  CHECK(benches[2]->cim.counters().get("tiles") == 3 + 5);
  CHECK(benches[2]->cim.counters().get("loads") == 1);
}

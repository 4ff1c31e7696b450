// Supported-BinaryNet on the CIM macro (docs/supported-binarynet.md): the row-DAC drive stage
// with its support buffer, fed through the version-3 descriptors, against the golden
// reference and the exact support semantics; SUPPORT_DROP changed between batches through
// TLM with no weight reload.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/cim/drive/row_dac/row_dac.h"
#include "cimvp/core/hal.h"

#include <memory>
#include <random>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::size_t kPixels = 100;

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

/// Supports on every layer: layer l gets p = ps[l], b_s = bits, random codes, default 2^(b_s−1).
void add_supports(BnnNetwork& net, const std::vector<unsigned>& ps, unsigned bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    BnnLayer& L = net.layers[l];
    L.support_block = ps[l];
    L.support_bits = bits;
    L.support_default = static_cast<std::uint8_t>(1u << (bits - 1));
    const unsigned B = (L.inputs + ps[l] - 1) / ps[l];
    L.support.resize(std::size_t{L.outputs} * B);
    for (auto& c : L.support) c = static_cast<std::uint8_t>(rng() % (1u << bits));
    for (auto& t : L.threshold) t *= static_cast<std::int32_t>(L.support_default);  // sums scale with the codes
  }
}

CimMacroConfig dac_macro(unsigned rows, unsigned cols, unsigned adc_bits, AdcRange fs, unsigned dac_bits) {
  CimMacroConfig c = small_macro(rows, cols, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3);
  c.sense.kind = SenseKind::adc;
  c.sense.bits = adc_bits;
  c.sense.full_scale = fs;
  c.drive.kind = DriveKind::row_dac;
  c.drive.dac.bits = dac_bits;
  return c;
}

struct Case {
  std::string name;
  CimMacroConfig cfg;
  BnnNetwork net;
  unsigned drop = 0;
  std::vector<std::uint8_t> images;
  std::size_t n = 24;
  CimNetworkImage image;
  GoldenResult golden, exact;
  std::unique_ptr<CimBench> bench;
  DriverRun run;
};

void prepare(Case& c) {
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  const auto calib = random_images(48, kPixels, 0xCA11B);
  qn.calibrate(calib.data(), 48, kPixels);
  qn.set_drop_level(c.drop);
  c.golden = qn.run(c.images.data(), c.n, kPixels, true);
  c.exact = exact_inference(c.net, c.images.data(), c.n, kPixels, true, c.drop);
  c.image = build_cim_image(c.net, kImageBase, &qn);
  c.bench = std::make_unique<CimBench>(c.name + "_", c.cfg);
  Case* cp = &c;
  c.bench->host.set_program([cp](Hal& hal) {
    BnnDriver drv(hal, bench_driver(10));
    drv.load(cp->image);
    drv.set_drop_level(cp->drop);
    const BnnLayer& last = cp->net.layers.back();
    cp->run.result = drv.infer(cp->images.data(), cp->n, last.scale.data(), last.bias.data(), true);
    cp->run.done = true;
  });
}

}  // namespace

TEST_CASE("row-DAC macro equals the golden reference with supports at every DAC, ADC, drop and sigma setting",
          "[cim][supports]") {
  set_quantum();
  struct Setting {
    const char* name;
    unsigned rows, cols, dac_bits, adc_bits;
    AdcRange fs;
    unsigned drop;
    double sigma;
    AccessMode access;
  };
  // 100-37-10 with p = 7 / 16 / 5 on layer 0 / 1 / 2: p does not divide R (40) and K = 100 is
  // not a multiple of 7; the 12-row sub-arrays put p = 16 > R; 16 bits resolve every sum of
  // 40 rows × full scale 7 (2·40·7 + 1 = 561 values: 10 bits suffice).
  const std::vector<Setting> settings = {
      {"ideal", 40, 16, 8, 16, AdcRange::reachable, 0, 0.0, AccessMode::parallel},
      {"ideal_drop", 40, 16, 8, 16, AdcRange::reachable, 400, 0.0, AccessMode::parallel},
      {"p_gt_r", 12, 16, 8, 16, AdcRange::reachable, 250, 0.0, AccessMode::parallel},
      {"dac2", 40, 16, 2, 16, AdcRange::reachable, 0, 0.0, AccessMode::parallel},
      {"adc5", 40, 16, 8, 5, AdcRange::reachable, 100, 0.0, AccessMode::parallel},
      {"adc6_cal", 40, 16, 8, 6, AdcRange::calibrated, 600, 0.0, AccessMode::parallel},
      {"sigma", 40, 16, 3, 8, AdcRange::reachable, 300, 0.05, AccessMode::parallel},
      {"group", 40, 16, 8, 6, AdcRange::reachable, 500, 0.0, AccessMode::group},
  };
  std::vector<Case> cases(settings.size());
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const Setting& s = settings[i];
    Case& c = cases[i];
    c.name = s.name;
    c.cfg = dac_macro(s.rows, s.cols, s.adc_bits, s.fs, s.dac_bits);
    c.cfg.array.access = s.access;
    c.cfg.drive.dac.mismatch_sigma = s.sigma;
    c.cfg.drive.dac.seed = 9;
    c.net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 60 + i);
    add_supports(c.net, {7, 16, 5}, 3, 70 + i);
    c.drop = s.drop;
    c.images = random_images(c.n, kPixels, 300 + i);
    prepare(c);
  }
  sc_core::sc_start();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    INFO(c.name);
    REQUIRE(c.bench->host.finished());
    REQUIRE(c.run.done);
    CHECK(c.bench->violations() == 0);
    CHECK(c.run.result.sums_half == c.golden.sums_half.back());
    CHECK(c.run.result.predictions == c.golden.predictions);
    if (std::string(c.name).rfind("ideal", 0) == 0 || std::string(c.name) == "p_gt_r")  // exact semantics
      CHECK(c.run.result.sums_half == c.exact.sums_half.back());
    if (std::string(c.name) == "dac2" || std::string(c.name) == "adc5")  // quantized: not vacuous
      CHECK(c.run.result.sums_half != c.exact.sums_half.back());
    CHECK(c.bench->cim.drive->counters().get("dac_programmings") > 0);
  }
}

TEST_CASE("SUPPORT_DROP changes the supports between batches without a reload (TLM)", "[cim][supports][drop]") {
  set_quantum();
  Case c;
  c.name = "drop";
  c.cfg = dac_macro(40, 16, 16, AdcRange::reachable, 8);
  c.net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 91);
  add_supports(c.net, {7, 16, 5}, 3, 92);
  c.images = random_images(c.n, kPixels, 93);
  const CimNetworkImage image = build_cim_image(c.net, kImageBase);
  CimBench bench("drop_", c.cfg);
  const unsigned levels[] = {0, 500, 1000};
  std::vector<BnnRunResult> runs;
  std::vector<std::uint64_t> programmings;
  std::vector<double> ns;
  std::uint32_t after_bad = 0;
  bool refused = false;
  bool done = false;
  bench.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    const BnnLayer& last = c.net.layers.back();
    for (unsigned lvl : levels) {
      drv.set_drop_level(lvl);
      const std::uint64_t p0 = bench.cim.drive->counters().get("dac_programmings");
      const sc_core::sc_time t0 = hal.now();
      runs.push_back(drv.infer(c.images.data(), c.n, last.scale.data(), last.bias.data(), true));
      ns.push_back((hal.now() - t0).to_seconds() * 1e9);
      programmings.push_back(bench.cim.drive->counters().get("dac_programmings") - p0);
      if (lvl == 500) {  // a level > 1000 gets an error response and leaves the register unchanged
        try {
          hal.write32(kCimBase + cim_reg::SUPPORT_DROP, 1001);
        } catch (const BusError&) {
          refused = true;
        }
        after_bad = hal.read32(kCimBase + cim_reg::SUPPORT_DROP);
      }
    }
    done = true;
  });
  sc_core::sc_start();
  REQUIRE(done);
  CHECK(refused);
  CHECK(after_bad == 500u);
  CHECK(bench.violations() == 0);
  CHECK(bench.cim.counters().get("loads") == 1u);  // weight-stationary: no reload between levels
  CHECK(bench.cim.counters().get("drop_level_changes") == 2u);
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("level " << levels[i]);
    qn.set_drop_level(levels[i]);
    const GoldenResult g = qn.run(c.images.data(), c.n, kPixels, true);
    CHECK(runs[i].sums_half == g.sums_half.back());
    // ideal DAC and ADC: the exact support semantics at that level
    CHECK(runs[i].sums_half == exact_inference(c.net, c.images.data(), c.n, kPixels, true, levels[i]).sums_half.back());
  }
  CHECK(runs[0].sums_half != runs[1].sums_half);
  // dropped supports share DAC programmings: fewer programmings and less time
  CHECK(programmings[1] < programmings[0]);
  CHECK(programmings[2] < programmings[1]);
  CHECK(ns[2] < ns[0]);
}

TEST_CASE("a network with supports on binary word lines is refused with a clear error", "[cim][supports]") {
  set_quantum();
  CimMacroConfig cfg = dac_macro(40, 16, 16, AdcRange::reachable, 8);
  cfg.drive.kind = DriveKind::binary;
  BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 5);
  add_supports(net, {7, 16, 5}, 3, 6);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  CimBench bench("bin_", cfg);
  std::string probe_error;
  std::uint32_t code = 0;
  bench.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    try {
      drv.probe(image);
    } catch (const CimDriverError& e) {
      probe_error = e.what();
    }
    try {  // bypassing the driver's check: the macro itself refuses the load
      hal.write_block(image.base, image.bytes.data(), image.bytes.size());
      hal.write32(kCimBase + cim_reg::DESC_LO, static_cast<std::uint32_t>(image.base));
      hal.write32(kCimBase + cim_reg::DESC_HI, 0);
      hal.write32(kCimBase + cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
      hal.write32(kCimBase + cim_reg::CTRL, cim_bit::CTRL_LOAD);
      hal.wait_irq(1);
    } catch (const std::exception&) {
    }
    code = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);
  sc_core::sc_start();
  CHECK(warnings.count() == 1);
  CHECK_THAT(probe_error, Catch::Contains("row_dac"));
  CHECK(code == cim_err::BAD_DESCRIPTOR);
}

TEST_CASE("RowDac counts its schedule, annotates DAC time and prices itself (hand-computed)", "[cim][supports][ppa]") {
  // One 4×4 sub-array, K = M = 4, p = 2, b_s = 2; codes c0 [1,2], c1 [1,2], c2 [3,2], c3 [1,2]:
  // groups {c0, c1, c3}, {c2}; conversions 4 + 2; support reads 2 programmings × 2 blocks.
  SubArrayConfig a;
  a.rows = 4;
  a.cols = 4;
  const std::vector<std::int8_t> w(16, 1);
  const ArrayBank bank(4, 4, w.data(), InputKind::bipolar, a, CellVariationConfig{}, 0);
  LayerSupports sup;
  sup.shape = SupportShape{4, 4, 2, 2};
  sup.codes = {1, 2, 1, 2, 3, 2, 1, 2};
  sup.default_code = 1;
  DriveStageConfig cfg;
  cfg.kind = DriveKind::row_dac;
  cfg.dac.bits = 8;
  cfg.buffer_bytes = 16;
  RowDac dac("dac", cfg, 2.5);
  dac.program_layer(0, bank, &sup, 0);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  REQUIRE(dac.drive(0, 0, 0, d) != nullptr);
  CHECK(d == sc_core::sc_time(5.0, sc_core::SC_NS));  // 2 programmings × 2.5 ns
  CHECK(dac.counters().get("dac_programmings") == 2u);
  CHECK(dac.counters().get("dac_conversions") == 6u);
  CHECK(dac.counters().get("support_reads") == 4u);
  CHECK(dac.counters().get("support_writes") == 8u);
  CHECK(dac.range(0).full_scale == 3u);
  // a second layer whose codes overflow the 16-byte buffer is refused, naming the key
  CHECK_NOTHROW(dac.program_layer(1, bank, &sup, 0));  // 8 + 8 = 16 bytes fit
  CHECK_THROWS_WITH(dac.program_layer(2, bank, &sup, 0), Catch::Contains("cim.drive.buffer_bytes"));
  TechParams t;
  t.dac.reference.bits = 4;
  t.dac.reference.cost = {0.032, 1.0, 52.0};  // sram65: 32 fJ, 52 µm² at 4 bits, both ∝ 2^b
  t.line_buffer.read_energy_pj_per_bit = 0.5;
  t.line_buffer.write_energy_pj_per_bit = 1.0;
  t.line_buffer.area_um2_per_bit = 1.5;
  PpaLedger l;
  dac.price(t, l);
  // 8 bits: 0.032 · 2^4 = 0.512 pJ per conversion, 52 · 16 = 832 µm² per DAC
  REQUIRE(l.event("dac_conversion") != nullptr);
  CHECK(l.event("dac_conversion")->count == 6u);
  CHECK(l.event("dac_conversion")->energy_pj == Approx(6 * 0.512));
  CHECK(l.event("support_read")->energy_pj == Approx(4 * 8 * 0.5));
  CHECK(l.event("support_write")->energy_pj == Approx(16 * 8 * 1.0));  // layers 0 and 1
  double row_dacs = 0, buf = 0;
  for (const auto& i : l.areas()) {
    if (i.what == "row_dacs") row_dacs += i.area_um2();
    if (i.what == "support_buffer_bits") buf += i.area_um2();
  }
  CHECK(row_dacs == Approx(2 * 4 * 832.0));  // layers 0 and 1: 4 row DACs each
  CHECK(buf == Approx(16 * 8 * 1.5));
}

// Bit-exactness of the CIM macro: the whole SoC (Host running BnnDriver, Router, Memory,
// CimMacro, TLM checkers) against the exact BNN oracle and the golden quantized reference.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include <memory>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::size_t kPixels = 100;

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

/// One bench with its network, image, inputs and expected results.
struct Case {
  std::string name;
  CimMacroConfig cfg;
  BnnNetwork net;
  std::vector<std::uint8_t> images;
  std::size_t n = 0;
  unsigned batch = 0;
  CimNetworkImage image;
  GoldenResult golden;  // quantized reference (same MappingConfig)
  GoldenResult exact;   // exact oracle
  std::unique_ptr<CimBench> bench;
  DriverRun run;
};

/// Builds the golden reference (calibrated on separate sample images), the memory image
/// and the bench of a case; the driver program is set.
void prepare(Case& c, std::size_t calib_n = 48) {
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  const auto calib = random_images(calib_n, kPixels, 0xCA11B + calib_n);
  qn.calibrate(calib.data(), calib_n, kPixels);
  c.golden = qn.run(c.images.data(), c.n, kPixels, true);
  c.exact = exact_inference(c.net, c.images.data(), c.n, kPixels, true);
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

TEST_CASE("cim macro equals the exact BNN bit for bit when the MLSA resolves every partial sum", "[cim][exact]") {
  set_quantum();
  std::vector<Case> cases(3);
  // XNOR, binarized pixels, 64x64 parallel, ideal sensing (one level per partial sum).
  cases[0].name = "xnor_ideal";
  cases[0].cfg = small_macro(64, 64, CellMode::xnor_8t, AccessMode::parallel, Quantization::ideal, 3);
  cases[0].net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 11);
  // HBNN, 4 bit-serial planes, linear 8-bit MLSA: 256 levels >= 129 reachable sums of 64 rows.
  cases[1].name = "hbnn_linear8";
  cases[1].cfg = small_macro(64, 64, CellMode::hbnn_6t, AccessMode::parallel, Quantization::linear, 8);
  cases[1].net = random_network({100, 37, 10}, CellMode::hbnn_6t, InputEncoding::bit_serial, 4, 12);
  // XNOR, 3 bit-serial planes, 48x20 sub-arrays (row blocks not word aligned), groups of 8.
  cases[2].name = "xnor_group_ideal";
  cases[2].cfg = small_macro(48, 20, CellMode::xnor_8t, AccessMode::group, Quantization::ideal, 2, 8);
  cases[2].net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::bit_serial, 3, 13);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    cases[i].n = 40;
    cases[i].batch = 15;  // 3 batches, the last one short; tiles of 16
    cases[i].images = random_images(cases[i].n, kPixels, 100 + i);
    prepare(cases[i]);
  }
  sc_core::sc_start();
  for (const Case& c : cases) {
    check_ran(c);
    INFO(c.name);
    CHECK(c.run.result.sums_half == c.exact.sums_half.back());
    CHECK(c.run.result.predictions == c.exact.predictions);
    CHECK(c.run.result.batches == 3);
  }
}

TEST_CASE("cim macro equals the golden reference at 1-5 MLSA bits linear and nonlinear in every access mode",
          "[cim][golden]") {
  set_quantum();
  const AccessMode modes[] = {AccessMode::parallel, AccessMode::group, AccessMode::row_by_row};
  const Quantization quants[] = {Quantization::linear, Quantization::nonlinear};
  std::vector<Case> cases;
  cases.reserve(30);
  for (unsigned bits = 1; bits <= 5; ++bits)
    for (AccessMode a : modes)
      for (Quantization q : quants) {
        Case c;
        c.name = std::string("g") + std::to_string(bits) + "_" + to_string(a) + "_" + to_string(q);
        // Alternate XNOR / binarized and HBNN / bit-serial networks; 40x16 sub-arrays so
        // 100-37-10 splits into 3 row blocks (the last one 20 rows) and 3 column blocks.
        const bool xnor = (bits + static_cast<unsigned>(a)) % 2 == 0;
        c.cfg = small_macro(40, 16, xnor ? CellMode::xnor_8t : CellMode::hbnn_6t, a, q, bits, 8);
        c.net = xnor ? random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 20 + bits)
                     : random_network({100, 37, 10}, CellMode::hbnn_6t, InputEncoding::bit_serial, 3, 30 + bits);
        c.n = 24;
        c.batch = 10;
        c.images = random_images(c.n, kPixels, 200 + bits);
        cases.push_back(std::move(c));
      }
  for (Case& c : cases) prepare(c);
  sc_core::sc_start();
  bool quantized_somewhere = false;
  for (const Case& c : cases) {
    check_ran(c);
    INFO(c.name);
    CHECK(c.run.result.sums_half == c.golden.sums_half.back());
    CHECK(c.run.result.predictions == c.golden.predictions);
    if (c.run.result.sums_half != c.exact.sums_half.back()) quantized_somewhere = true;
    if (c.cfg.array.access == AccessMode::row_by_row)  // digital MAC: always exact
      CHECK(c.run.result.sums_half == c.exact.sums_half.back());
  }
  CHECK(quantized_somewhere);  // the comparison is not vacuous
}

TEST_CASE("row_by_row and parallel access give identical results with ideal sensing", "[cim][access]") {
  set_quantum();
  std::vector<Case> cases(2);
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 41);
  cases[0].name = "par";
  cases[0].cfg = small_macro(32, 32, CellMode::xnor_8t, AccessMode::parallel, Quantization::ideal, 3);
  cases[1].name = "rbr";
  cases[1].cfg = small_macro(32, 32, CellMode::xnor_8t, AccessMode::row_by_row, Quantization::linear, 3);
  for (std::size_t i = 0; i < 2; ++i) {
    cases[i].net = net;
    cases[i].n = 20;
    cases[i].batch = 20;
    cases[i].images = random_images(20, kPixels, 300);
    prepare(cases[i]);
  }
  sc_core::sc_start();
  for (const Case& c : cases) check_ran(c);
  CHECK(cases[0].run.result.sums_half == cases[1].run.result.sums_half);
  CHECK(cases[0].run.result.predictions == cases[1].run.result.predictions);
  CHECK(cases[0].run.result.sums_half == cases[0].exact.sums_half.back());
  // Reads per vector: parallel ⌈K/R⌉·⌈M/C⌉ per layer, row_by_row one per active row of each
  // sub-array: K·⌈M/C⌉ per layer.  Layers 100→37 (4×2 sub-arrays) and 37→10 (2×1).
  const std::uint64_t n = 20;
  CHECK(cases[0].bench->cim.array.counters().get("array_reads") == n * (4 * 2 + 2 * 1));
  CHECK(cases[1].bench->cim.array.counters().get("array_reads") == n * (100 * 2 + 37 * 1));
  // Sensing: parallel converts every column once per row block (Σ_l ⌈K/R⌉·M); row_by_row
  // reads one bit per cell (Σ_l K·M) with 1-bit sense amplifiers and no MLSA.
  CHECK(cases[0].bench->cim.sense->counters().get("conversions") == n * (4 * 37 + 2 * 10));
  CHECK(cases[0].bench->cim.sense->counters().get("sa_reads") == 0);
  CHECK(cases[1].bench->cim.sense->counters().get("conversions") == 0);
  CHECK(cases[1].bench->cim.sense->counters().get("sa_reads") == n * (100 * 37 + 37 * 10));
}

TEST_CASE("seeded MLSA offsets and cell variation are reproducible and match the golden reference",
          "[cim][variation]") {
  set_quantum();
  std::vector<Case> cases(3);
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 51);
  for (std::size_t i = 0; i < 3; ++i) {
    Case& c = cases[i];
    c.name = "var" + std::to_string(i);
    c.cfg = small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 3);
    c.cfg.sense.offset_sigma = 0.7;
    c.cfg.cells.sigma = 0.08;
    c.cfg.sense.seed = i == 2 ? 8 : 7;
    c.cfg.cells.seed = i == 2 ? 10 : 9;
    c.net = net;
    c.n = 24;
    c.batch = 12;
    c.images = random_images(24, kPixels, 400);
    prepare(c);
  }
  sc_core::sc_start();
  for (const Case& c : cases) {
    check_ran(c);
    INFO(c.name);
    CHECK(c.run.result.sums_half == c.golden.sums_half.back());
  }
  CHECK(cases[0].run.result.sums_half == cases[1].run.result.sums_half);
  CHECK(cases[0].run.result.sums_half != cases[2].run.result.sums_half);  // other seeds, other chips
  CHECK(cases[0].run.result.sums_half != cases[0].exact.sums_half.back());
}

TEST_CASE("a first layer fed with packed bit vectors from memory matches the golden reference", "[cim][input]") {
  set_quantum();
  Case c;
  c.name = "packed";
  c.cfg = small_macro(64, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 2);
  c.net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 61);
  c.n = 30;
  c.batch = 8;
  c.images = random_images(c.n, kPixels, 500);
  QuantizedNetwork qn(c.net, c.cfg.mapping());
  const auto calib = random_images(48, kPixels, 501);
  qn.calibrate(calib.data(), 48, kPixels);
  c.golden = qn.run(c.images.data(), c.n, kPixels, true);
  c.image = build_cim_image(c.net, kImageBase, &qn);
  // Rewrite the first descriptor: input format packed_bits, vectors of ⌈100/64⌉ = 2 words.
  c.image.bytes[cim_desc::kHeaderBytes + cim_desc::FORMAT] = static_cast<std::uint8_t>(InputFormat::packed_bits);
  c.image.input_format = InputFormat::packed_bits;
  c.image.input_bytes = 16;
  // The packed vectors, by hand: bit k of word k/64 = (pixel k >= input_threshold).
  std::vector<std::uint8_t> packed(c.n * 16, 0);
  for (std::size_t i = 0; i < c.n; ++i)
    for (std::size_t k = 0; k < kPixels; ++k)
      if (c.images[i * kPixels + k] >= c.net.input_threshold) packed[i * 16 + k / 8] |= std::uint8_t(1u << (k % 8));
  const std::uint64_t vectors_addr = 0x200000;
  c.bench = std::make_unique<CimBench>("packed_", c.cfg);
  c.bench->host.set_program([&](Hal& hal) {
    hal.write_block(vectors_addr, packed.data(), packed.size());
    BnnDriver drv(hal, bench_driver(c.batch));
    drv.load(c.image);
    const BnnLayer& last = c.net.layers.back();
    c.run.result = drv.infer_in_memory(vectors_addr, c.n, last.scale.data(), last.bias.data(), true);
    c.run.done = true;
  });
  sc_core::sc_start();
  check_ran(c);
  CHECK(c.run.result.sums_half == c.golden.sums_half.back());
  CHECK(c.run.result.predictions == c.golden.predictions);
}

// The two-way array through the CIM macro (docs/two-way-training.md): BACKWARD (transposed
// read) against circuit::TransposedBank and hand sums, UPDATE (row writes) changing only the
// addressed cells, START|KEEP, the annotated latencies and the training errors.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/circuit/two_way.h"

#include <memory>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::size_t kPixels = 100;
constexpr std::uint64_t kErrors = kBufferBase;             // int8 errors / row records
constexpr std::uint64_t kSums = kBufferBase + (1u << 20);  // int32 outputs
constexpr std::uint64_t kKeep = kBufferBase + (2u << 20);  // kept sums

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

CimMacroConfig two_way_macro(Quantization q, unsigned bits) {
  CimMacroConfig c = small_macro(32, 16, CellMode::xnor_8t, AccessMode::group, q, bits, 8);
  c.two_way.enabled = true;
  c.two_way.transposed_read_ns = 3.0;
  c.two_way.row_write_ns = 7.0;
  return c;
}

/// Runs one command and returns STATUS; acknowledges DONE / ERROR.
std::uint32_t command(Hal& hal, std::uint32_t ctrl) {
  const std::uint64_t b = kCimBase;
  hal.write32(b + cim_reg::CTRL, ctrl);
  hal.wait_irq(1);
  const std::uint32_t st = hal.read32(b + cim_reg::STATUS);
  hal.write32(b + cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  hal.write32(b + cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  return st;
}

void set_addr(Hal& hal, std::uint32_t lo_reg, std::uint64_t a) {
  hal.write32(kCimBase + lo_reg, static_cast<std::uint32_t>(a));
  hal.write32(kCimBase + lo_reg + 4, static_cast<std::uint32_t>(a >> 32));
}

std::vector<std::int32_t> random_errors(std::size_t n, unsigned m, unsigned bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> e(n * m);
  for (auto& v : e) v = static_cast<std::int32_t>(rng() % (1u << bits)) + error_min(bits);
  return e;
}

/// BACKWARD of layer `layer` for `e` (n × M); returns the n × K int32 sums read back.
std::vector<std::int32_t> backward(Hal& hal, unsigned layer, const std::vector<std::int32_t>& e, std::size_t n,
                                   unsigned K, unsigned bits, std::uint32_t* status) {
  std::vector<std::int8_t> bytes(e.begin(), e.end());
  hal.write_block(kErrors, bytes.data(), bytes.size());
  hal.write32(kCimBase + cim_reg::TRAIN_LAYER, layer);
  hal.write32(kCimBase + cim_reg::ERROR_BITS, bits);
  hal.write32(kCimBase + cim_reg::BATCH, static_cast<std::uint32_t>(n));
  set_addr(hal, cim_reg::INPUT_LO, kErrors);
  set_addr(hal, cim_reg::OUTPUT_LO, kSums);
  *status = command(hal, cim_bit::CTRL_BACKWARD);
  std::vector<std::int32_t> out(n * K);
  hal.read_block(kSums, out.data(), out.size() * 4);
  return out;
}

}  // namespace

TEST_CASE("BACKWARD through the macro equals the golden transposed read and the exact sums", "[cim][two_way]") {
  set_quantum();
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 21);
  const std::size_t n = 20;  // two tiles of 16
  const auto e_exact = random_errors(n, 10, 8, 5);
  const auto e_quant = random_errors(n, 37, 5, 6);
  CimBench exact_b("exact_", two_way_macro(Quantization::ideal, 3));
  CimBench quant_b("quant_", two_way_macro(Quantization::linear, 3));
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  std::vector<std::int32_t> out_exact, out_quant;
  std::uint32_t st_exact = 0, st_quant = 0;
  exact_b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    out_exact = backward(hal, 1, e_exact, n, 37, 8, &st_exact);  // layer 1: K = 37, M = 10
  });
  quant_b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    out_quant = backward(hal, 0, e_quant, n, 100, 5, &st_quant);  // layer 0: K = 100, M = 37
  });
  sc_core::sc_start();
  REQUIRE(exact_b.host.finished());
  REQUIRE(quant_b.host.finished());
  CHECK(exact_b.violations() + quant_b.violations() == 0);
  CHECK((st_exact & cim_bit::STATUS_DONE) != 0);
  CHECK((st_quant & cim_bit::STATUS_DONE) != 0);
  // Exact: 2·Σ_j W[j][k]·e_j with the network's weights.
  const BnnLayer& L1 = net.layers[1];
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned k = 0; k < 37; ++k) {
      std::int64_t s = 0;
      for (unsigned j = 0; j < 10; ++j) s += std::int64_t{L1.weights[std::size_t{j} * 37 + k]} * e_exact[i * 10 + j];
      REQUIRE(out_exact[i * 37 + k] == 2 * s);
    }
  // Quantized (linear 3-bit row converters): the golden transposed read of the same mapping.
  const CimMacroConfig qc = two_way_macro(Quantization::linear, 3);
  const BnnLayer& L0 = net.layers[0];
  const ArrayBank bank(100, 37, L0.weights.data(), InputKind::bipolar, qc.array, qc.cells, 0);
  const TransposedBank golden(bank, qc.sense, 5, 0);
  REQUIRE_FALSE(golden.exact());
  std::vector<std::int64_t> ref;
  golden.evaluate(e_quant.data(), n, ref);
  for (std::size_t k = 0; k < ref.size(); ++k) REQUIRE(out_quant[k] == ref[k]);
  const auto& c = quant_b.cim.array.counters();
  // layer 0: 4 row blocks × 3 column blocks; segments of 8 columns: 2, 2, 1 (16, 16, 5 columns)
  CHECK(c.get("transposed_reads") == 5ull * n * 4 * (2 + 2 + 1));
  CHECK(quant_b.cim.counters().get("backward_vectors") == n);
  CHECK(quant_b.cim.counters().get("error_bytes") == n * 37);
}

TEST_CASE("UPDATE writes only the addressed cells and counts them, latencies as configured", "[cim][two_way]") {
  set_quantum();
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 22);
  const CimMacroConfig cfg = two_way_macro(Quantization::ideal, 3);
  CimBench b("upd_", cfg);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const BnnLayer& L0 = net.layers[0];
  // Record 0: row k = 3 with neurons 0, 5, 20, 33, 36 flipped; record 1: row k = 70 unchanged.
  const unsigned flipped[5] = {0, 5, 20, 33, 36};
  const std::uint64_t rec = cim_update_record_bytes(37);
  REQUIRE(rec == 16);
  std::vector<std::uint8_t> records(2 * rec, 0);
  auto put_row = [&](unsigned r, unsigned k, const std::vector<std::int8_t>& col) {
    records[r * rec] = static_cast<std::uint8_t>(k);
    std::uint64_t bits = 0;
    for (unsigned j = 0; j < 37; ++j)
      if (col[j] == 1) bits |= std::uint64_t{1} << j;
    for (int i = 0; i < 8; ++i) records[r * rec + 8 + i] = static_cast<std::uint8_t>(bits >> (8 * i));
  };
  std::vector<std::int8_t> row3(37), row70(37);
  for (unsigned j = 0; j < 37; ++j) {
    row3[j] = L0.weights[std::size_t{j} * 100 + 3];
    row70[j] = L0.weights[std::size_t{j} * 100 + 70];
  }
  for (unsigned j : flipped) row3[j] = static_cast<std::int8_t>(-row3[j]);
  put_row(0, 3, row3);
  put_row(1, 70, row70);
  std::uint32_t st = 0, cells = 0;
  sc_core::sc_time t_update;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    hal.write_block(kErrors, records.data(), records.size());
    hal.write32(kCimBase + cim_reg::TRAIN_LAYER, 0);
    hal.write32(kCimBase + cim_reg::BATCH, 2);
    set_addr(hal, cim_reg::INPUT_LO, kErrors);
    const sc_core::sc_time t0 = hal.now();
    st = command(hal, cim_bit::CTRL_UPDATE);
    t_update = hal.now() - t0;
    cells = hal.read32(kCimBase + cim_reg::CELLS_WRITTEN);
  });
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  CHECK(b.violations() == 0);
  CHECK((st & cim_bit::STATUS_DONE) != 0);
  CHECK(cells == 5);
  const auto& c = b.cim.array.counters();
  CHECK(c.get("cells_written") == 5);
  CHECK(c.get("cells_changed") == 5);
  CHECK(c.get("update_rows") == 3);  // neurons 0, 5 (block 0), 20 (block 1), 33, 36 (block 2)
  CHECK(b.cim.counters().get("update_records") == 2);
  // Every cell: the new weight for row 3, the programmed one elsewhere.
  for (unsigned k = 0; k < 100; ++k)
    for (unsigned j = 0; j < 37; ++j) {
      int want = L0.weights[std::size_t{j} * 100 + k];
      if (k == 3) want = row3[j];
      REQUIRE(b.cim.array.sub_array(0, k / 32, j / 16).weight(k % 32, j % 16) == want);
    }
  CHECK(t_update > sc_core::sc_time(7, sc_core::SC_NS));  // one row write at least
  // Annotated latencies of the array stage (called directly after the run).
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  b.cim.array.write_row(0, 3, row3.data(), d);  // nothing changes
  CHECK(d == sc_core::SC_ZERO_TIME);
  for (unsigned j : flipped) row3[j] = static_cast<std::int8_t>(-row3[j]);
  b.cim.array.write_row(0, 3, row3.data(), d);  // back: cells change
  CHECK(d == sc_core::sc_time(7, sc_core::SC_NS));
  // Transposed read of layer 1 (K = 37: row blocks of 32 and 5 rows; M = 10: one column block
  // of 10 columns = segments of 8 and 2): b·n·S·(3 ns + 1 ns MLSA decision), S = 2.
  const std::size_t n = 3;
  const auto e = random_errors(n, 10, 4, 9);
  std::vector<std::int64_t> out(n * 37, 0);
  d = sc_core::SC_ZERO_TIME;
  b.cim.array.read_transposed(TransposedArrayRead{1, e.data(), n, 4, out.data()}, d);
  CHECK(d == sc_core::sc_time(4.0 * n * 2 * 4.0, sc_core::SC_NS));
}

TEST_CASE("START|KEEP writes every layer's sums, training commands need a two-way array", "[cim][two_way]") {
  set_quantum();
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 23);
  CimBench b("keep_", two_way_macro(Quantization::ideal, 3));
  CimBench one("oneway_", small_macro(32, 16, CellMode::xnor_8t, AccessMode::group, Quantization::ideal, 3, 8));
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const std::size_t n = 5;
  const auto images = random_images(n, kPixels, 77);
  std::vector<std::int32_t> kept(n * (37 + 10)), out(n * 10);
  std::uint32_t st = 0, st_bad = 0, code_bad = 0, st_one = 0, code_one = 0, bits_reg = 0;
  bool refused = false, unmapped = false;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    hal.write_block(kErrors, images.data(), images.size());
    hal.write32(kCimBase + cim_reg::BATCH, n);
    set_addr(hal, cim_reg::INPUT_LO, kErrors);
    set_addr(hal, cim_reg::OUTPUT_LO, kSums);
    set_addr(hal, cim_reg::KEEP_LO, kKeep);
    st = command(hal, cim_bit::CTRL_START | cim_bit::CTRL_KEEP);
    hal.read_block(kKeep, kept.data(), kept.size() * 4);
    hal.read_block(kSums, out.data(), out.size() * 4);
    // An error outside ERROR_BITS = 3 ([-4, 3]).
    const std::int8_t bad[10] = {0, 0, 4, 0, 0, 0, 0, 0, 0, 0};
    hal.write_block(kErrors, bad, sizeof bad);
    hal.write32(kCimBase + cim_reg::TRAIN_LAYER, 1);
    hal.write32(kCimBase + cim_reg::ERROR_BITS, 3);
    try {
      hal.write32(kCimBase + cim_reg::ERROR_BITS, 9);  // refused: error response, stays 3
    } catch (const BusError&) {
      refused = true;
    }
    bits_reg = hal.read32(kCimBase + cim_reg::ERROR_BITS);
    hal.write32(kCimBase + cim_reg::BATCH, 1);
    st_bad = command(hal, cim_bit::CTRL_BACKWARD);
    code_bad = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  one.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    try {
      (void)hal.read32(kCimBase + cim_reg::CAP_TWO_WAY);
    } catch (const BusError&) {
      unmapped = true;  // a forward-only macro has no training registers
    }
    hal.write32(kCimBase + cim_reg::BATCH, 1);
    st_one = command(hal, cim_bit::CTRL_BACKWARD);
    code_one = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  ExpectReport warnings("cimvp/cim_macro");
  sc_core::sc_start();
  CHECK(warnings.count() == 2);
  REQUIRE(b.host.finished());
  REQUIRE(one.host.finished());
  CHECK((st & cim_bit::STATUS_DONE) != 0);
  // Layer 0 sums, exact: 2·Σ_k W[j][k]·x_k with x_k = +1 when pixel >= 100, else -1.
  const BnnLayer& L0 = net.layers[0];
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < 37; ++j) {
      int s = 0;
      for (unsigned k = 0; k < 100; ++k)
        s += L0.weights[std::size_t{j} * 100 + k] * (images[i * kPixels + k] >= 100 ? 1 : -1);
      REQUIRE(kept[i * 37 + j] == 2 * s);
    }
  // Layer 1's kept sums (after layer 0's n × 37) are the sums at OUTPUT.
  for (std::size_t k = 0; k < n * 10; ++k) REQUIRE(kept[n * 37 + k] == out[k]);
  CHECK(bits_reg == 3);
  CHECK(refused);
  CHECK(unmapped);
  CHECK((st_bad & cim_bit::STATUS_ERROR) != 0);
  CHECK(code_bad == cim_err::BAD_TRAINING);
  CHECK((st_one & cim_bit::STATUS_ERROR) != 0);
  CHECK(code_one == cim_err::NOT_TWO_WAY);
}

TEST_CASE("THRESHOLDS replaces a hidden layer's thresholds; last layer and forward-only macro refused",
          "[cim][two_way]") {
  set_quantum();
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 29);
  const CimMacroConfig mc = two_way_macro(Quantization::ideal, 3);
  CimBench b("thr_", mc);
  CimBench one("thr1_", small_macro(32, 16, CellMode::xnor_8t, AccessMode::group, Quantization::ideal, 3, 8));
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const std::size_t n = 4;
  const auto images = random_images(n, kPixels, 81);
  std::vector<std::int32_t> table(37), kept(n * (37 + 10)), out(n * 10);
  for (unsigned j = 0; j < 37; ++j) table[j] = static_cast<std::int32_t>(j % 7) * 3 - 9;  // −9 … 9 PS units
  std::uint32_t st = 0, done_count = 0, st_last = 0, code_last = 0, st_mis = 0, code_mis = 0, st_one = 0,
                code_one = 0;
  sc_core::sc_time t0, t1;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    hal.write_block(kSums, table.data(), table.size() * 4);
    hal.write32(kCimBase + cim_reg::TRAIN_LAYER, 0);
    set_addr(hal, cim_reg::INPUT_LO, kSums);
    t0 = sc_core::sc_time_stamp();
    st = command(hal, cim_bit::CTRL_THRESHOLDS);
    t1 = sc_core::sc_time_stamp();
    done_count = hal.read32(kCimBase + cim_reg::DONE_COUNT);
    hal.write_block(kErrors, images.data(), images.size());
    hal.write32(kCimBase + cim_reg::BATCH, n);
    set_addr(hal, cim_reg::INPUT_LO, kErrors);
    set_addr(hal, cim_reg::OUTPUT_LO, kSums);
    set_addr(hal, cim_reg::KEEP_LO, kKeep);
    command(hal, cim_bit::CTRL_START | cim_bit::CTRL_KEEP);
    hal.read_block(kKeep, kept.data(), kept.size() * 4);
    hal.read_block(kSums, out.data(), out.size() * 4);
    hal.write32(kCimBase + cim_reg::TRAIN_LAYER, 1);  // the last layer has no thresholds
    st_last = command(hal, cim_bit::CTRL_THRESHOLDS);
    code_last = hal.read32(kCimBase + cim_reg::ERROR_CODE);
    hal.write32(kCimBase + cim_reg::TRAIN_LAYER, 0);
    set_addr(hal, cim_reg::INPUT_LO, kSums + 2);  // not 4-aligned
    st_mis = command(hal, cim_bit::CTRL_THRESHOLDS);
    code_mis = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  one.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    st_one = command(hal, cim_bit::CTRL_THRESHOLDS);
    code_one = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  ExpectReport warnings("cimvp/cim_macro");
  sc_core::sc_start();
  CHECK(warnings.count() == 3);
  REQUIRE(b.host.finished());
  REQUIRE(one.host.finished());
  CHECK((st & cim_bit::STATUS_DONE) != 0);
  CHECK(done_count == 37);
  // at least the 37 clocks of the register writes
  CHECK(t1 - t0 >= sc_core::sc_time(37 * mc.timing.clock_period_ns, sc_core::SC_NS));
  // Layer 1 reads layer 0's activations at the new thresholds (the image's flips kept):
  // fire_k = flip_k ? h_k <= 2·T_k : h_k >= 2·T_k, out = 2·Σ_k W1[j][k]·(fire ? +1 : −1).
  const BnnLayer& L0 = net.layers[0];
  const BnnLayer& L1 = net.layers[1];
  std::size_t fired = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < 10; ++j) {
      int s = 0;
      for (unsigned k = 0; k < 37; ++k) {
        const std::int64_t h = kept[i * 37 + k], t2 = 2 * std::int64_t{table[k]};
        const bool fire = L0.flip[k] ? h <= t2 : h >= t2;
        fired += j == 0 && fire;
        s += L1.weights[std::size_t{j} * 37 + k] * (fire ? 1 : -1);
      }
      REQUIRE(out[i * 10 + j] == 2 * s);
    }
  CHECK(fired > 0);
  CHECK(fired < n * 37);
  CHECK(b.cim.counters().get("threshold_commands") == 1);
  CHECK(b.cim.counters().get("threshold_bytes") == 37 * 4);
  CHECK(b.cim.accumulator.counters().get("threshold_words") == 37);
  CHECK((st_last & cim_bit::STATUS_ERROR) != 0);
  CHECK(code_last == cim_err::BAD_TRAINING);
  CHECK((st_mis & cim_bit::STATUS_ERROR) != 0);
  CHECK(code_mis == cim_err::MISALIGNED);
  CHECK((st_one & cim_bit::STATUS_ERROR) != 0);
  CHECK(code_one == cim_err::NOT_TWO_WAY);
}

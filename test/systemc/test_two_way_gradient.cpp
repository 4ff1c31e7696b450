// GRADIENT (gradient outer products in the two-way macro's digital periphery,
// docs/two-way-training.md "Gradient outer products"): hand-computed outer products (negative
// errors, odd M and K, batch 1 and > 1, two tiles, a row range), latency and counters, and the
// errors of bad commands.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include <random>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::uint64_t kErr = kBufferBase;                // int8 errors
constexpr std::uint64_t kAct = kBufferBase + (1u << 20);   // int16 layer inputs
constexpr std::uint64_t kGrad = kBufferBase + (2u << 20);  // int32 gradients

void set_quantum() { tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US)); }

CimMacroConfig grad_macro() {
  CimMacroConfig c = small_macro(32, 16, CellMode::xnor_8t, AccessMode::group, Quantization::ideal, 3, 8);
  c.two_way.enabled = true;
  return c;
}

std::uint32_t command(Hal& hal, std::uint32_t ctrl) {
  hal.write32(kCimBase + cim_reg::CTRL, ctrl);
  hal.wait_irq(1);
  const std::uint32_t st = hal.read32(kCimBase + cim_reg::STATUS);
  hal.write32(kCimBase + cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  hal.write32(kCimBase + cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  return st;
}

void set_addr(Hal& hal, std::uint32_t lo_reg, std::uint64_t a) {
  hal.write32(kCimBase + lo_reg, static_cast<std::uint32_t>(a));
  hal.write32(kCimBase + lo_reg + 4, static_cast<std::uint32_t>(a >> 32));
}

struct GradRun {
  std::uint32_t status = 0, code = 0, err_addr = 0;
  std::vector<std::int32_t> g;
};

/// GRADIENT of `layer` for errors e (n × M) and inputs x (n × K), rows [first, first + count).
GradRun gradient(Hal& hal, unsigned layer, const std::vector<std::int8_t>& e, const std::vector<std::int16_t>& x,
                 std::size_t n, unsigned K, unsigned first, unsigned count, unsigned rows_out,
                 std::uint64_t act = kAct, std::uint64_t out = kGrad, unsigned bits = 8) {
  hal.write_block(kErr, e.data(), e.size());
  hal.write_block(kAct, x.data(), x.size() * 2);
  hal.write32(kCimBase + cim_reg::TRAIN_LAYER, layer);
  hal.write32(kCimBase + cim_reg::ERROR_BITS, bits);
  hal.write32(kCimBase + cim_reg::BATCH, static_cast<std::uint32_t>(n));
  hal.write32(kCimBase + cim_reg::GRAD_FIRST, first);
  hal.write32(kCimBase + cim_reg::GRAD_COUNT, count);
  set_addr(hal, cim_reg::INPUT_LO, kErr);
  set_addr(hal, cim_reg::ACT_LO, act);
  set_addr(hal, cim_reg::OUTPUT_LO, out);
  GradRun r;
  r.status = command(hal, cim_bit::CTRL_GRADIENT);
  r.code = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  r.err_addr = hal.read32(kCimBase + cim_reg::ERR_ADDR_LO);
  if (r.status & cim_bit::STATUS_DONE) {
    r.g.resize(std::size_t{rows_out} * K);
    hal.read_block(kGrad, r.g.data(), r.g.size() * 4);
  }
  return r;
}

}  // namespace

TEST_CASE("GRADIENT writes the outer products of errors and inputs", "[cim][two_way][gradient]") {
  set_quantum();
  // layer 1: K = 37, M = 7 (both odd)
  const BnnNetwork net = random_network({100, 37, 7}, CellMode::xnor_8t, InputEncoding::binarized, 8, 31);
  CimBench b("grad_", grad_macro());
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  // Hand case, batch 2: e[0][1] = −3, e[1][1] = 5, e[0][6] = −128; x[0][k] = +1, x[1][k] = −1
  // (k even) / +1 (k odd).  G[1][k] = −3 − 5 = −8 (k even), −3 + 5 = 2 (k odd); G[6][k] = −128;
  // the other rows 0.
  std::vector<std::int8_t> e2(2 * 7, 0);
  e2[1] = -3;
  e2[7 + 1] = 5;
  e2[6] = -128;
  std::vector<std::int16_t> x2(2 * 37);
  for (unsigned k = 0; k < 37; ++k) {
    x2[k] = 1;
    x2[37 + k] = k % 2 == 0 ? -1 : 1;
  }
  // Batch 1: G[j][k] = e[j]·x[k]; e = {2, −1, 0, 127, −128, 1, −7}, x[k] = k % 3 − 1 (−1, 0, 1).
  const std::vector<std::int8_t> e1 = {2, -1, 0, 127, -128, 1, -7};
  std::vector<std::int16_t> x1(37);
  for (unsigned k = 0; k < 37; ++k) x1[k] = static_cast<std::int16_t>(int(k % 3) - 1);
  // Batch 20 (two tiles of 16), random 8-bit errors and ±1 inputs, rows 2..4 only.
  const std::size_t n = 20;
  std::mt19937_64 rng(7);
  std::vector<std::int8_t> er(n * 7);
  std::vector<std::int16_t> xr(n * 37);
  for (auto& v : er) v = static_cast<std::int8_t>(static_cast<int>(rng() % 256) - 128);
  for (auto& v : xr) v = rng() % 2 ? 1 : -1;
  GradRun hand, one, rows;
  std::uint64_t cycles_one = 0;
  double lat0 = 0, lat1 = 0;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    hand = gradient(hal, 1, e2, x2, 2, 37, 0, 0, 7);  // GRAD_COUNT 0: every row from 0
    const std::uint64_t c0 = b.cim.gradient_unit->counters().get("gradient_cycles");
    lat0 = b.cim.layer_latency_ns(1);
    one = gradient(hal, 1, e1, x1, 1, 37, 0, 7, 7);
    cycles_one = b.cim.gradient_unit->counters().get("gradient_cycles") - c0;
    lat1 = b.cim.layer_latency_ns(1);
    rows = gradient(hal, 1, er, xr, n, 37, 2, 3, 3);
  });
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  CHECK(b.violations() == 0);
  REQUIRE((hand.status & cim_bit::STATUS_DONE) != 0);
  REQUIRE((one.status & cim_bit::STATUS_DONE) != 0);
  REQUIRE((rows.status & cim_bit::STATUS_DONE) != 0);
  for (unsigned j = 0; j < 7; ++j)
    for (unsigned k = 0; k < 37; ++k) {
      const std::int32_t want = j == 1 ? (k % 2 == 0 ? -8 : 2) : j == 6 ? -128 : 0;
      REQUIRE(hand.g[j * 37 + k] == want);
    }
  for (unsigned j = 0; j < 7; ++j)
    for (unsigned k = 0; k < 37; ++k) REQUIRE(one.g[j * 37 + k] == e1[j] * x1[k]);
  for (unsigned r = 0; r < 3; ++r)
    for (unsigned k = 0; k < 37; ++k) {
      std::int32_t s = 0;
      for (std::size_t i = 0; i < n; ++i) s += er[i * 7 + 2 + r] * xr[i * 37 + k];
      REQUIRE(rows.g[r * 37 + k] == s);
    }
  // 16 lanes (one per column), one MAC per lane and clock (1 ns in the bench): 7·37 MACs of
  // batch 1 take ⌈259 / 16⌉ = 17 clocks, added to the layer's compute time.
  CHECK(cycles_one == 17);
  CHECK(lat1 - lat0 == Approx(17.0 * grad_macro().timing.clock_period_ns));
  const auto& gu = b.cim.gradient_unit->counters();
  CHECK(gu.get("gradient_macs") == 2 * 7 * 37 + 7 * 37 + n * 3 * 37);
  CHECK(gu.get("gradient_adder_bits") == 32 * gu.get("gradient_macs"));  // ±1 inputs: accumulate only
  CHECK(b.cim.counters().get("gradient_vectors") == 2 + 1 + n);
  CHECK(b.cim.counters().get("act_bytes") == (2 + 1 + n) * 37 * 2);
  CHECK(b.cim.counters().get("gradient_bytes") == (7 + 7 + 3) * 37 * 4);
  // priced in the macro scope: adder bits × the adder bit energy
  TechParams t;
  t.adder_bit.energy_pj = 0.5;
  PpaLedger ledger;
  b.cim.gradient_unit->price(t, ledger);
  CHECK(ledger.scope() == PpaScope::macro);
  REQUIRE(!ledger.events().empty());
  CHECK(ledger.events()[0].event == "gradient_mac");
  CHECK(ledger.events()[0].energy_pj == Approx(0.5 * 32 * double(gu.get("gradient_macs"))));
}

TEST_CASE("GRADIENT refuses bad layers, errors, rows, alignment, addresses and overflow", "[cim][two_way][gradient]") {
  set_quantum();
  const BnnNetwork net = random_network({100, 37, 7}, CellMode::xnor_8t, InputEncoding::binarized, 8, 33);
  CimBench b("gbad_", grad_macro());
  CimBench one("gone_", small_macro(32, 16, CellMode::xnor_8t, AccessMode::group, Quantization::ideal, 3, 8));
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const std::vector<std::int8_t> e(7, 1);
  const std::vector<std::int16_t> x(37, 1);
  std::vector<std::int8_t> e_bad(7, 0);
  e_bad[4] = 4;  // outside ERROR_BITS = 3
  // overflow: 600 samples of e = −128, x = 32767: G = −2,516,525,056 < −2^31
  const std::size_t big = 600;
  const std::vector<std::int8_t> e_big(big * 7, -128);
  const std::vector<std::int16_t> x_big(big * 37, 32767);
  GradRun layer, bits, first, count, act_odd, out_odd, bus, over, oneway;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    layer = gradient(hal, 2, e, x, 1, 37, 0, 0, 7);
    bits = gradient(hal, 1, e_bad, x, 1, 37, 0, 0, 7, kAct, kGrad, 3);
    first = gradient(hal, 1, e, x, 1, 37, 7, 0, 7);
    count = gradient(hal, 1, e, x, 1, 37, 5, 3, 7);
    act_odd = gradient(hal, 1, e, x, 1, 37, 0, 0, 7, kAct + 1);
    out_odd = gradient(hal, 1, e, x, 1, 37, 0, 0, 7, kAct, kGrad + 2);
    bus = gradient(hal, 1, e, x, 1, 37, 0, 0, 7, kAct, 0x30000000ull);  // nothing mapped there
    over = gradient(hal, 1, e_big, x_big, big, 37, 0, 0, 7);
  });
  one.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    hal.write32(kCimBase + cim_reg::BATCH, 1);
    oneway.status = command(hal, cim_bit::CTRL_GRADIENT);
    oneway.code = hal.read32(kCimBase + cim_reg::ERROR_CODE);
  });
  ExpectReport warnings("cimvp/cim_macro");
  sc_core::sc_start();
  REQUIRE(b.host.finished());
  REQUIRE(one.host.finished());
  CHECK(warnings.count() == 9);
  for (const GradRun* r : {&layer, &bits, &first, &count, &act_odd, &out_odd, &bus, &over, &oneway})
    CHECK((r->status & cim_bit::STATUS_ERROR) != 0);
  CHECK(layer.code == cim_err::BAD_TRAINING);
  CHECK(bits.code == cim_err::BAD_TRAINING);
  CHECK(bits.err_addr == kErr + 4);
  CHECK(first.code == cim_err::BAD_TRAINING);
  CHECK(count.code == cim_err::BAD_TRAINING);
  CHECK(act_odd.code == cim_err::MISALIGNED);
  CHECK(act_odd.err_addr == kAct + 1);
  CHECK(out_odd.code == cim_err::MISALIGNED);
  CHECK(bus.code == cim_err::BUS_ERROR);
  CHECK(over.code == cim_err::BAD_TRAINING);
  CHECK(over.err_addr == kGrad);  // G[0][0], the first value that overflows
  CHECK(oneway.code == cim_err::NOT_TWO_WAY);
}

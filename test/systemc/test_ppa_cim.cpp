// The CIM macro's timing reflects its parallelism, and its blocks price their own events
// (docs/cim-macro.md "Timing", docs/ppa.md "Pricing in the modules").
//
// Bench and constants as test_cim_macro.cpp: a 16-8-4 XNOR network (binarized input) on
// 8×8 sub-arrays, ideal sensing, macro clock 2 ns, array read 3 ns, MLSA 1 ns, accumulate
// 0.5 ns, activation 0.25 ns, start 4 cycles, 8-byte bus, 64-byte bursts, memory read 10 ns,
// write 20 ns, DMI.  A START of 3 vectors in one tile takes 90.75 ns (derived there):
//   3 (CTRL write) + 8 (start) + 22 (input 48 B) + compute 25.75 + 32 (output 48 B).
//   compute: layer 0 = 3·(3 + 1) + 0.5·2 + 0.25 = 13.25, layer 1 = 3·(3 + 1) + 0.5 = 12.5.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/cim/sense/mlsa/mlsa.h"
#include "cimvp/platform/ppa.h"

#include <functional>

using namespace cimvp;
using namespace cimvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

CimMacroConfig macro(AccessMode access, unsigned tile, unsigned mux) {
  CimMacroConfig c = small_macro(8, 8, CellMode::xnor_8t, access, Quantization::ideal, 3);
  c.timing.clock_period_ns = 2.0;
  c.timing.array_read_ns = 3.0;
  c.timing.sense_ns = 1.0;
  c.timing.accumulate_ns = 0.5;
  c.timing.activation_ns = 0.25;
  c.timing.start_cycles = 4;
  c.timing.descriptor_cycles = 8;
  c.bus_width_bytes = 8;
  c.burst_bytes = 64;
  c.use_dmi = true;
  c.tile_vectors = tile;
  c.sense.mux = mux;
  return c;
}

struct Run {
  sc_time duration;
  std::vector<std::uint8_t> sums;  // the 3 × 4 int32 written to OUTPUT
  bool ok = false;
};

constexpr std::uint64_t kIn = 0x100000, kOut = 0x180000;

/// Loads the network, then one START of 3 vectors; records its duration and the sums.
void program(CimBench& b, const CimNetworkImage& image, const std::vector<std::uint8_t>& inputs, Run& out) {
  b.host.set_program([&b, &image, &inputs, &out](Hal& hal) {
    (void)b;
    auto wr = [&](std::uint32_t off, std::uint32_t v) { hal.write32(kCimBase + off, v); };
    auto done = [&] {
      hal.wait_irq(1);
      const sc_time t = hal.now();
      wr(cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
      wr(cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
      return t;
    };
    hal.write_block(kImageBase, image.bytes.data(), image.bytes.size());
    hal.write_block(kIn, inputs.data(), inputs.size());
    wr(cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
    wr(cim_reg::DESC_LO, static_cast<std::uint32_t>(image.base));
    wr(cim_reg::DESC_HI, 0);
    wr(cim_reg::CTRL, cim_bit::CTRL_LOAD);
    done();
    wr(cim_reg::INPUT_LO, kIn);
    wr(cim_reg::OUTPUT_LO, kOut);
    wr(cim_reg::BATCH, 3);
    const sc_time t0 = hal.now();
    wr(cim_reg::CTRL, cim_bit::CTRL_START);
    out.duration = done() - t0;
    out.sums.resize(3 * 4 * 4);
    hal.read_block(kOut, out.sums.data(), out.sums.size());
    out.ok = true;
  });
}

struct Case {
  BnnNetwork net = random_network({16, 8, 4}, CellMode::xnor_8t, InputEncoding::binarized, 8, 71);
  CimNetworkImage image = build_cim_image(net, kImageBase);
  std::vector<std::uint8_t> inputs = random_images(3, 16, 72);
};

/// Round unit costs: every expected energy and area below is a small hand product.
TechParams round_tech() {
  TechParams t;
  t.node = "round";
  BitcellTech& c = t.bitcell(CellKind::sram_8t);
  c.present = true;
  c.wordlines_per_row = 2;
  c.read = {1.0, 0.0, 1.0};       // pJ per cell event, µm² per cell
  c.precharge = {2.0, 0.0, 3.0};  // per column precharged, per column circuit
  c.wl_driver = {3.0, 0.0, 2.0};  // per activation, per driver
  t.mlsa_comparator = {0.5, 0.0, 5.0};
  t.adder_bit = {0.25, 0.0, 7.0};
  t.activation_bit = {0.125, 0.0, 11.0};
  t.clock_cycle.energy_pj = 4.0;
  t.line_buffer.read_energy_pj_per_bit = 0.5;
  t.line_buffer.write_energy_pj_per_bit = 1.0;
  t.line_buffer.area_um2_per_bit = 1.5;
  t.reg.read_energy_pj_per_bit = 0.0625;
  t.reg.write_energy_pj_per_bit = 0.125;
  t.reg.area_um2_per_bit = 6.0;
  t.dma_byte = {2.0, 0.0, 1000.0};
  t.dram_access.energy_pj = 100.0;
  t.dram_byte.energy_pj = 10.0;
  return t;
}

double energy(const PpaLedger& l, const std::string& event) {
  const PpaEventRow* e = l.event(event);
  if (e == nullptr) FAIL("no event " << event);
  return e->energy_pj;
}
std::uint64_t count(const PpaLedger& l, const std::string& event) {
  const PpaEventRow* e = l.event(event);
  if (e == nullptr) FAIL("no event " << event);
  return e->count;
}
double area(const PpaLedger& l, const std::string& what) {
  double a = 0;
  for (const auto& i : l.areas())
    if (i.what == what) a += i.area_um2();
  return a;
}

}  // namespace

TEST_CASE("cim tiles overlap their bus traffic with compute (double-buffered)", "[cim][timing][ppa]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  // One vector per tile, 3 tiles.  Per tile: compute 5.25 + 4.5 = 9.75 ns (layer 0:
  // 1·(3 + 1) + 0.5·2 + 0.25; layer 1: 1·(3 + 1) + 0.5); input fetch 16 B = 10 + 2 beats·2
  // = 14 ns; write-back 16 B = 20 + 2·2 = 24 ns.  Schedule:
  //   3 + 8 | fetch 0: 14 | tile 0: max(fetch 1 = 14, 9.75) | tile 1: max(write 0 + fetch 2
  //   = 38, 9.75) | tile 2: max(write 1 = 24, 9.75) | write 2: 24          = 125 ns
  // (in sequence it would be 3 + 8 + 3·(14 + 9.75 + 24) = 154.25 ns).
  Case c;
  CimBench tiled("tiled_", macro(AccessMode::parallel, 1, 1));
  CimBench whole("whole_", macro(AccessMode::parallel, 16, 1));
  Run rt, rw;
  program(tiled, c.image, c.inputs, rt);
  program(whole, c.image, c.inputs, rw);
  sc_core::sc_start();
  REQUIRE(rt.ok);
  REQUIRE(rw.ok);
  CHECK(rt.duration == sc_time(125.0, SC_NS));
  CHECK(rw.duration == sc_time(90.75, SC_NS));
  CHECK(rt.sums == rw.sums);  // the overlap changes the timing, not the results
  CHECK(tiled.cim.counters().get("tiles") == 3);
  CHECK(tiled.violations() == 0);
  // per-layer compute time: 3 tiles × 5.25 and 3 × 4.5
  CHECK(tiled.cim.layer_latency_ns(0) == Approx(15.75));
  CHECK(tiled.cim.layer_latency_ns(1) == Approx(13.5));
}

TEST_CASE("cim sense amplifiers shared by mux columns serialize the conversions", "[cim][timing][ppa]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  // mux 4: each read senses its 8 columns on 2 amplifiers, 4 conversions of 1 ns in a row:
  // a read costs 3 + 4·1 = 7 ns.  Layer 0: 3·7 + 1.25 = 22.25; layer 1: 3·7 + 0.5 = 21.5;
  // START = 3 + 8 + 22 + 43.75 + 32 = 108.75 ns.
  Case c;
  CimBench b("mux_", macro(AccessMode::parallel, 16, 4));
  Run r;
  program(b, c.image, c.inputs, r);
  sc_core::sc_start();
  REQUIRE(r.ok);
  CHECK(r.duration == sc_time(108.75, SC_NS));
  // area: 3 sub-arrays × ⌈8/4⌉ amplifiers × 8 comparators (ideal sensing of 8 bipolar rows:
  // 9 reachable sums −8, −6, …, 8 need 8 comparators; docs/ppa.md, "Sensing levels") × 5 µm²
  // = 240 µm² (mux 1: 3 × 8 × 8 × 5 = 960); priced bits ⌈log2 9⌉ = 4
  PpaLedger l;
  b.cim.sense->price(round_tech(), l);
  CHECK(dynamic_cast<const Mlsa&>(*b.cim.sense).priced_bits() == 4);
  CHECK(area(l, "comparators") == Approx(240.0));
  // clock cycles of a read: ⌈(3 + 4·1) / 2⌉ = 4
  CHECK(b.cim.array.cycles_per_read() == 4);
}

TEST_CASE("cim row-by-row access reads each row of a sub-array in turn", "[cim][timing][ppa]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  // R = 8 reads per vector and row block, each 3 ns + a 1 ns SA decision.
  // Layer 0: 3·8·4 = 96, drain 1.25 → 97.25; layer 1: 96 + 0.5 = 96.5;
  // START = 3 + 8 + 22 + 193.75 + 32 = 258.75 ns.
  Case c;
  CimBench b("rbr_", macro(AccessMode::row_by_row, 16, 1));
  Run r;
  program(b, c.image, c.inputs, r);
  sc_core::sc_start();
  REQUIRE(r.ok);
  CHECK(r.duration == sc_time(258.75, SC_NS));
  CHECK(b.cim.array.counters().get("array_reads") == 3 * 8 * 3);  // 3 vectors, 8 rows, 3 sub-array reads each
  CHECK(b.cim.sense->counters().get("sa_reads") == 3 * (2 * 8 * 8 + 8 * 4));

  // Pricing (round_tech): every stored row is read, one at a time.
  //   array: 72 word lines (as parallel: XNOR drives every row), 480 cells, but 480
  //   precharges (3 vectors × (2 · 8 reads × 8 columns + 8 reads × 4 columns)) and
  //   72 reads × 2 cycles = 144 clock cycles;
  //   sensing: 480 1-bit SA decisions × 0.5 pJ = 240;
  //   digital: 480 adds into 5-bit column accumulators (signed_bits_for(8)) × 5 × 0.25 = 600,
  //   then one add per column and vector into the sums: 48 × 7 × 0.25 + 12 × 6 × 0.25 = 102.
  const TechParams t = round_tech();
  PpaLedger arr, sense, acc;
  b.cim.array.price(t, arr);
  b.cim.sense->price(t, sense);
  b.cim.accumulator.price(t, acc);
  CHECK(count(arr, "wordline") == 72);
  CHECK(count(arr, "cell_read") == 480);
  CHECK(count(arr, "precharge") == 480);
  CHECK(count(arr, "clock") == 144);
  CHECK(count(sense, "mlsa_conversion") == 0);
  CHECK(energy(sense, "sa_read") == Approx(240.0));
  CHECK(area(sense, "comparators") == Approx(3 * 8 * 1 * 5.0));  // 1-bit SAs
  CHECK(count(acc, "column_accumulate") == 480);
  CHECK(energy(acc, "column_accumulate") == Approx(600.0));
  CHECK(count(acc, "accumulate") == 60);
  CHECK(energy(acc, "accumulate") == Approx(102.0));
  // per-column accumulators: 3 sub-arrays × 8 columns × 5 bits × 7 µm²
  CHECK(area(acc, "accumulator_bits") == Approx(3 * 8 * 5 * 7.0));
}

TEST_CASE("cim blocks price their own events against hand-computed values", "[cim][ppa]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  Case c;
  CimBench b("ppa_", macro(AccessMode::parallel, 16, 1));
  Run r;
  program(b, c.image, c.inputs, r);
  sc_core::sc_start();
  REQUIRE(r.ok);
  const TechParams t = round_tech();

  // BitcellArray, 3 vectors.  Layer 0 = 2 sub-arrays (row blocks) of 8×8, layer 1 = one
  // sub-array with 8 rows × 4 columns programmed.  XNOR: every row drives WL or WLB.
  //   word lines 3·(16 + 8) = 72 · 3 pJ = 216;  cells 3·(2·8·8 + 8·4) = 480 · 1 pJ = 480;
  //   precharge 3·(2·8 + 4) = 60 · 2 pJ = 120;  reads 3·3 = 9, ⌈(3 + 1)/2⌉ = 2 cycles each:
  //   clock 18 · 4 pJ = 72.
  PpaLedger arr;
  b.cim.array.price(t, arr);
  CHECK(arr.scope() == PpaScope::macro);
  CHECK(count(arr, "wordline") == 72);
  CHECK(energy(arr, "wordline") == Approx(216.0));
  CHECK(count(arr, "cell_read") == 480);
  CHECK(energy(arr, "cell_read") == Approx(480.0));
  CHECK(count(arr, "precharge") == 60);
  CHECK(energy(arr, "precharge") == Approx(120.0));
  CHECK(count(arr, "clock") == 18);
  CHECK(energy(arr, "clock") == Approx(72.0));
  // area: 3 sub-arrays × 64 cells × 1 + 3·8 rows·2 WL drivers × 2 + 3·8 columns × 3
  CHECK(area(arr, "bitcells") == Approx(192.0));
  CHECK(area(arr, "wl_drivers") == Approx(96.0));
  CHECK(area(arr, "precharge") == Approx(72.0));

  // Mlsa: 3·(2·8 + 4) = 60 conversions of 8 comparators (ideal, 8 bipolar rows: 9 levels)
  // · 0.5 pJ = 240
  PpaLedger mlsa;
  b.cim.sense->price(t, mlsa);
  CHECK(count(mlsa, "mlsa_conversion") == 60);
  CHECK(energy(mlsa, "mlsa_conversion") == Approx(240.0));
  CHECK(count(mlsa, "sa_read") == 0);
  CHECK(area(mlsa, "comparators") == Approx(3 * 8 * 8 * 5.0));

  // Accumulator: sums are signed_bits_for(2·K·(2^planes − 1)) wide: layer 0 2·16 → 7 bits,
  // layer 1 2·8 → 6 bits.  48 accumulations · 7 · 0.25 + 12 · 6 · 0.25 = 84 + 18 = 102 pJ;
  // 3 · 8 activations · 7 · 0.125 = 21 pJ.  Area: layer 0 adder tree 8 · (2 − 1) adders and
  // 8 threshold units of 7 bits: 56 · 7 + 56 · 11 = 1008 µm²; layer 1: 1 row block, no adder.
  PpaLedger acc;
  b.cim.accumulator.price(t, acc);
  CHECK(b.cim.accumulator.sum_bits(0) == 7);
  CHECK(b.cim.accumulator.sum_bits(1) == 6);
  CHECK(count(acc, "accumulate") == 60);
  CHECK(energy(acc, "accumulate") == Approx(102.0));
  CHECK(count(acc, "activation") == 24);
  CHECK(energy(acc, "activation") == Approx(21.0));
  CHECK(area(acc, "adder_bits") == Approx(392.0));
  CHECK(area(acc, "activation_bits") == Approx(616.0));
  CHECK(area(acc, "accumulator_bits") == 0.0);  // parallel access: no per-column accumulators
  CHECK(count(acc, "column_accumulate") == 0);

  // CimMacro (controller, buffers, bus master).  Load: header 16 + descriptors 128 +
  // weights 64 + 32 + thresholds 32 + flips 8 = 280 B read in 1 + 2 + 1 + 1 + 1 + 1 DMI
  // bursts; START: 48 B of inputs (1 burst), 48 B of sums written (1 burst).
  //   bus 376 B · 2 = 752;  DRAM over DMI 9 · 100 + 376 · 10 = 900 + 3760.
  //   buffers: input planes 3·16 = 48 bits written, read by layer 0; layer 0 writes 3·8,
  //   layer 1 reads 3·8; sums 3·4·32 = 384 bits written, then read for the bus:
  //   read 48 + 24 + 384 = 456 · 0.5 = 228, written 456 · 1 = 456.
  PpaLedger ctl;
  b.cim.price(t, ctl);
  CHECK(ctl.scope() == PpaScope::platform);
  CHECK(count(ctl, "bus_byte") == 376);
  CHECK(energy(ctl, "bus_byte") == Approx(752.0));
  CHECK(count(ctl, "dram_access_dmi") == 9);
  CHECK(energy(ctl, "dram_access_dmi") == Approx(900.0));
  CHECK(energy(ctl, "dram_byte_dmi") == Approx(3760.0));
  CHECK(count(ctl, "buffer_read") == 456);
  CHECK(energy(ctl, "buffer_read") == Approx(228.0));
  CHECK(energy(ctl, "buffer_write") == Approx(456.0));
  // area: bus master 1000 + 31 registers (docs/registers.md; SUPPORT_DROP and CAP_DRIVE
  // included) · 32 · 6 + tile buffers
  // 2 · 16 vectors · (16 input bits + 8 activation bits + 4 · 32 sum bits) · 1.5
  CHECK(area(ctl, "bus_master") == Approx(1000.0));
  CHECK(area(ctl, "register_bits") == Approx(31 * 32 * 6.0));
  CHECK(area(ctl, "buffer_bits") == Approx(2 * 16 * (16 + 8 + 128) * 1.5));

  // Per-layer rows merged over the four modules (the report's merge).
  std::vector<std::pair<std::string, PpaLedger>> ledgers = {{"a", arr}, {"m", mlsa}, {"c", acc}, {"x", ctl}};
  const PpaReport rep = make_ppa_report(t, "round", ledgers, 1000.0, PpaWork{3 * (16 * 8 + 8 * 4), 3});
  REQUIRE(rep.layers.size() == 2);
  const PpaLayerRow& l0 = rep.layers[0];
  CHECK(l0.inputs == 16);
  CHECK(l0.outputs == 8);
  CHECK(l0.subarrays == 2);
  CHECK(l0.reads == 6);
  CHECK(l0.conversions == 48);
  // array 3·16·3 + 3·128·1 + 3·16·2 + 6·2·4 = 672, MLSA 48·4 = 192, digital 84 + 21 = 105
  CHECK(l0.energy_pj == Approx(969.0));
  CHECK(l0.latency_ns == Approx(13.25));
  CHECK(l0.utilisation == Approx(1.0));
  CHECK(l0.critical_path == "array+sense");
  const PpaLayerRow& l1 = rep.layers[1];
  CHECK(l1.energy_pj == Approx(72.0 + 96.0 + 24.0 + 24.0 + 48.0 + 18.0));  // MLSA 12 · 4
  CHECK(l1.latency_ns == Approx(12.5));
  CHECK(l1.utilisation == Approx(0.5));  // 8·4 of 64 cells
  // the macro: array + MLSA + accumulator; its time = Σ layer latency
  CHECK(rep.macro.dynamic_pj == Approx(888.0 + 240.0 + 123.0));
  CHECK(rep.macro_active_ns == Approx(25.75));
  REQUIRE(rep.macro_metrics.has_value());
  CHECK(rep.macro_metrics->ops == Approx(2.0 * 3 * 160));
}

TEST_CASE("cim pricing needs the technology's cell for the array's mode", "[cim][ppa]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  CimBench b("cell_", macro(AccessMode::parallel, 16, 1));
  TechParams t = round_tech();
  t.bitcell(CellKind::sram_8t).present = false;
  PpaLedger l;
  CHECK_THROWS_WITH(b.cim.array.price(t, l), Catch::Contains("has no sram_8t cell for xnor_8t arrays"));
}

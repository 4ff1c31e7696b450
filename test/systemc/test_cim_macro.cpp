// CimMacro timing, weight-stationary loading, counters and tracing.
//
// Timing by hand (docs/cim-macro.md, "Timing") for a 16-8-4 XNOR network on 8×8 sub-arrays,
// parallel access, ideal sensing (built-in references, no MLSA table), macro clock 2 ns,
// array read 3 ns, MLSA 1 ns, accumulate 0.5 ns, activation 0.25 ns, start 4 cycles,
// descriptor 8 cycles, 8-byte bus, 64-byte bursts; router 1 ns; memory read 10 ns, write 20
// ns, 8 B/ns.  A command starts 3 ns after the CTRL write is issued (router 1 + MMIO clock 2).
// A transfer of n bytes costs, per burst of b bytes, ceil(b/8)·2 ns plus
//   DMI: the memory latency;  TLM: router 1 + latency + b/8 ns.
//
// LOAD (DMI): 3 + 8 (start) + 14 (header 16 B) + 52 (descriptors 2×64 B, 2 bursts)
//   + 32 (2 descriptors × 8 cycles) + layer 0: 26 (weights 8×8 B) + 18 (thresholds 32 B)
//   + 12 (flips 8 B) + 32 (16 rows × 1 column block written, one per clock)
//   + layer 1: 18 (weights 4×8 B) + 16 (8 rows)                                  = 231 ns
// START, 3 vectors (DMI): 3 + 8 + 22 (input 48 B: 10 + 6 beats) + compute 25.75
//   + 32 (output 3×4 sums = 48 B: 20 + 12)                                       = 90.75 ns
//   (one tile: nothing to overlap with the bus)
//   compute, layer 0: 2 row blocks read together: 3 vectors × 1 segment × (3 + 1) = 12;
//     the adder tree and the threshold unit are pipelined behind the reads (3 vectors ×
//     max(0.5, 0.25) = 1.5 <= 12), then drain: 0.5 × (1 + ⌈log2 2⌉) + 0.25 = 1.25  → 13.25
//   layer 1: read 12 (3 × 0.5 = 1.5 <= 12), drain 0.5 × 1                   → 12.5
// START (TLM): input 1 + 10 + 6 + 12 = 29, output 1 + 20 + 6 + 12 = 39            = 104.75 ns
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include <cstdio>
#include <unistd.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

using namespace cimvp;
using namespace cimvp::test;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

CimMacroConfig timing_macro(bool dmi) {
  CimMacroConfig c = small_macro(8, 8, CellMode::xnor_8t, AccessMode::parallel, Quantization::ideal, 3);
  c.timing.clock_period_ns = 2.0;
  c.timing.array_read_ns = 3.0;
  c.timing.sense_ns = 1.0;
  c.timing.accumulate_ns = 0.5;
  c.timing.activation_ns = 0.25;
  c.timing.start_cycles = 4;
  c.timing.descriptor_cycles = 8;
  c.bus_width_bytes = 8;
  c.burst_bytes = 64;
  c.use_dmi = dmi;
  return c;
}

struct Timed {
  sc_time load_start, load_done, run_start, run_done, run2_duration;
  std::uint32_t status = 0, done_count = 0, state = 99;
  bool busy_seen = false;
  bool ok = false;
};

std::uint32_t rd(Hal& hal, std::uint32_t off) { return hal.read32(kCimBase + off); }
void wr(Hal& hal, std::uint32_t off, std::uint32_t v) { hal.write32(kCimBase + off, v); }

/// Issues CTRL = bits; returns the host-local time the write is issued (after its sync).
sc_time command(Hal& hal, std::uint32_t bits) {
  const sc_time t = hal.now();  // write32 synchronizes first: the access starts at t
  wr(hal, cim_reg::CTRL, bits);
  return t;
}

/// Waits for the irq and acknowledges DONE; returns the time the irq was seen.
sc_time wait_done(Hal& hal, Timed& out) {
  hal.wait_irq(1);
  const sc_time t = hal.now();
  out.status = rd(hal, cim_reg::STATUS);
  wr(hal, cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  return t;
}

void timing_program(CimBench& b, const CimNetworkImage& image, const std::vector<std::uint8_t>& inputs, Timed& out) {
  b.host.set_program([&b, &image, &inputs, &out](Hal& hal) {
    hal.write_block(kImageBase, image.bytes.data(), image.bytes.size());
    hal.write_block(0x100000, inputs.data(), inputs.size());
    wr(hal, cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
    wr(hal, cim_reg::DESC_LO, static_cast<std::uint32_t>(image.base));
    wr(hal, cim_reg::DESC_HI, 0);
    out.load_start = command(hal, cim_bit::CTRL_LOAD);
    out.load_done = wait_done(hal, out);
    REQUIRE(out.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
    wr(hal, cim_reg::INPUT_LO, 0x100000);
    wr(hal, cim_reg::OUTPUT_LO, 0x180000);
    wr(hal, cim_reg::BATCH, 3);
    out.run_start = command(hal, cim_bit::CTRL_START);
    out.busy_seen = (rd(hal, cim_reg::STATUS) & cim_bit::STATUS_BUSY) != 0;
    out.run_done = wait_done(hal, out);
    out.done_count = rd(hal, cim_reg::DONE_COUNT);
    out.state = rd(hal, cim_reg::STATE);
    // A second batch reuses the loaded weights (weight-stationary).
    const sc_time again = command(hal, cim_bit::CTRL_START);
    out.run2_duration = wait_done(hal, out) - again;
    out.ok = true;
  });
}

void check_timing(const Timed& t, double run_ns) {
  REQUIRE(t.ok);
  CHECK((t.load_done - t.load_start) == sc_time(231.0, SC_NS));
  CHECK((t.run_done - t.run_start) == sc_time(run_ns, SC_NS));
  CHECK(t.run2_duration == sc_time(run_ns, SC_NS));
  CHECK(t.busy_seen);
  CHECK(t.done_count == 3);
  CHECK(t.state == static_cast<std::uint32_t>(CimState::idle));
  CHECK(t.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
}

void run_timing_case() {
  const BnnNetwork net = random_network({16, 8, 4}, CellMode::xnor_8t, InputEncoding::binarized, 8, 71);
  const CimNetworkImage image = build_cim_image(net, kImageBase);  // ideal MLSA: no tables
  const auto inputs = random_images(3, 16, 72);
  CimBench dmi("dmi_", timing_macro(true));
  CimBench tlm("tlm_", timing_macro(false));
  Timed td, tt;
  timing_program(dmi, image, inputs, td);
  timing_program(tlm, image, inputs, tt);
  sc_core::sc_start();
  check_timing(td, 90.75);
  CHECK(dmi.violations() == 0);
  // The TLM bench loads through TLM too: its load time differs; check the run only.
  REQUIRE(tt.ok);
  CHECK((tt.run_done - tt.run_start) == sc_time(104.75, SC_NS));
  CHECK(tt.run2_duration == sc_time(104.75, SC_NS));
  CHECK(tlm.violations() == 0);
  CHECK(tlm.cim.counters().get("dmi_reads") == 0);
  CHECK(tlm.cim.counters().get("tlm_reads") > 0);
  CHECK(dmi.cim.counters().get("tlm_reads") == 0);

  // Weight-stationary: one load, two batches; bytes by hand (header 16 + 2 descriptors,
  // weights 64 + 32, thresholds 32, flips 8, inputs 2 × 48, outputs 2 × 48).
  const CounterSet& c = dmi.cim.counters();
  CHECK(c.get("loads") == 1);
  CHECK(c.get("batches") == 2);
  CHECK(c.get("vectors") == 6);
  CHECK(c.get("descriptor_bytes") == 16 + 128);
  CHECK(c.get("weight_bytes") == 64 + 32 + 32 + 8);
  CHECK(c.get("input_bytes") == 96);
  CHECK(c.get("output_bytes") == 96);
  CHECK(c.get("bytes_read") == 16 + 128 + 64 + 32 + 32 + 8 + 96);
  CHECK(c.get("bytes_written") == 96);
  CHECK(c.get("irqs") == 3);
  CHECK(c.get("errors") == 0);
  // Array events of 6 vectors: reads = 6 × (2 + 1) row blocks; bipolar word lines =
  // 6 × (16 + 8); conversions = 6 × (2 × 8 + 1 × 4); binary MACs = 6 × (16·8 + 8·4).
  CHECK(dmi.cim.array.counters().get("array_reads") == 6 * 3);
  CHECK(dmi.cim.array.counters().get("wordline_activations") == 6 * 24);
  CHECK(dmi.cim.array.counters().get("binary_macs") == 6 * (128 + 32));
  CHECK(dmi.cim.array.counters().get("cells_programmed") == 128 + 32);
  CHECK(dmi.cim.sense->counters().get("conversions") == 6 * 20);
  CHECK(dmi.cim.accumulator.counters().get("accumulations") == 6 * 20);
  CHECK(dmi.cim.accumulator.counters().get("activations") == 6 * 8);
}

}  // namespace

TEST_CASE("cim macro load and batch complete at the hand-computed times (DMI and TLM)", "[cim][timing]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  run_timing_case();
}

TEST_CASE("cim macro timing does not depend on the global quantum", "[cim][timing]") {
  tlm::tlm_global_quantum::instance().set(sc_time(50, sc_core::SC_US));
  run_timing_case();
}

TEST_CASE("cim macro traces irq busy state and the block counters to VCD", "[cim][trace]") {
  tlm::tlm_global_quantum::instance().set(sc_time(1, sc_core::SC_US));
  const BnnNetwork net = random_network({16, 8, 4}, CellMode::xnor_8t, InputEncoding::binarized, 8, 81);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const auto inputs = random_images(3, 16, 82);
  CimBench b("trace_", timing_macro(true));
  Timed t;
  timing_program(b, image, inputs, t);
  const std::string base = "cim_trace_test_" + std::to_string(::getpid());
  sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(base.c_str());
  b.cim.trace(tf);
  sc_core::sc_start();
  sc_core::sc_close_vcd_trace_file(tf);
  REQUIRE(t.ok);
  std::ifstream in(base + ".vcd");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string vcd = ss.str();
  std::remove((base + ".vcd").c_str());
  for (const char* sig : {"irq", "busy", "state", "wordline_activations", "array_reads", "conversions",
                          "accumulations"})
    CHECK(vcd.find(sig) != std::string::npos);
}

namespace {
struct DebugInitiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<DebugInitiator> socket;
  explicit DebugInitiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {}
  unsigned debug(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned width,
                 unsigned char* byte_enables) {
    tlm::tlm_generic_payload t;
    t.set_command(cmd);
    t.set_address(addr);
    t.set_data_ptr(data);
    t.set_data_length(4);
    t.set_streaming_width(width);
    t.set_byte_enable_ptr(byte_enables);
    t.set_byte_enable_length(byte_enables ? 4 : 0);
    return socket->transport_dbg(t);
  }
};
}  // namespace

TEST_CASE("cim macro debug write of START/LOAD starts nothing and CTRL reads 0, debug reads ignore byte enables "
          "and streaming width", "[cim][dbg]") {
  CimBench b("dbg_", small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3));
  DebugInitiator dbg("dbg_init");
  dbg.socket.bind(b.router.target_socket);
  std::uint32_t ctrl_after = 0xFFFFFFFFu;
  unsigned n_write = 0, n_read_be = 0, n_read_narrow = 0;
  unsigned char id_be[4] = {}, id_narrow[4] = {};
  b.host.set_program([&](Hal&) {
    unsigned char start[4] = {static_cast<unsigned char>(cim_bit::CTRL_START | cim_bit::CTRL_LOAD), 0, 0, 0};
    n_write = dbg.debug(tlm::TLM_WRITE_COMMAND, kCimBase + cim_reg::CTRL, start, 4, nullptr);
    unsigned char v[4] = {0xff, 0xff, 0xff, 0xff};
    dbg.debug(tlm::TLM_READ_COMMAND, kCimBase + cim_reg::CTRL, v, 4, nullptr);
    ctrl_after = v[0] | v[1] << 8 | v[2] << 16 | static_cast<std::uint32_t>(v[3]) << 24;
    unsigned char be[4] = {0xff, 0xff, 0xff, 0xff};
    n_read_be = dbg.debug(tlm::TLM_READ_COMMAND, kCimBase + cim_reg::ID, id_be, 4, be);
    n_read_narrow = dbg.debug(tlm::TLM_READ_COMMAND, kCimBase + cim_reg::ID, id_narrow, 1, nullptr);
  });
  sc_core::sc_start();
  CHECK(n_write == 4);
  CHECK(ctrl_after == 0u);
  CHECK(b.cim.registers().get(cim_reg::CTRL) == 0u);
  CHECK(b.cim.registers().get(cim_reg::STATUS) == 0u);  // nothing started (no BUSY, no ERROR)
  CHECK(n_read_be == 4);
  CHECK(n_read_narrow == 4);
  const std::uint32_t id = b.cim.registers().get(cim_reg::ID);
  CHECK(id_be[0] == (id & 0xff));
  CHECK(id_narrow[3] == (id >> 24));
}

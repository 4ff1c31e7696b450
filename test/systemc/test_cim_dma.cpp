// The macro's activation buffers fed by the host DMA (BnnDriver use_dma, IO_MODE buffer):
//
//   Host ─► chk_host ─► Router ─► chk_mem ─► Memory            (0x0)
//                          ├────► chk_dregs ─► HostDma regs     (0x4000_0000)
//                          ├────► chk_cim ─► CimMacro regs      (0x5000_0000)
//                          └────► chk_buf ─► CimMacro.buffer    (0x5010_0000)
//   HostDma ─► chk_dma ─► Router;  CimMacro master ─► chk_master ─► Router
//   HostDma.irq ─► Host.irq[0];  CimMacro.irq ─► Host.irq[1]
//
// DMA mode and master mode give the same sums; the DMA counts the traffic; the chaining
// on interrupts and the overlap of the next chunk's DMA with the current compute are
// checked against sc_time_stamp().
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include "cimvp/soc/dma/host_dma.h"

#include <vector>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::uint64_t kDmaBase = 0x40000000ull;
constexpr std::uint64_t kBufBase = 0x50100000ull;

HostDmaConfig bench_dma() {
  HostDmaConfig d;
  d.clock_period_ns = 1.0;
  d.bus_width_bytes = 8;
  d.burst_bytes = 64;
  d.setup_latency_ns = 10.0;
  d.use_dmi = true;
  return d;
}

RouterConfig dma_router(const CimMacroConfig& cfg) {
  RouterConfig r;
  r.map = {{"mem", 0, kMemBytes},
           {"dma", kDmaBase, dma_reg::WINDOW_BYTES},
           {"cim", kCimBase, cim_reg::WINDOW_BYTES},
           {"cim_buffer", kBufBase, cfg.buffer.window_bytes()}};
  r.latency_ns = 1.0;
  return r;
}

/// Records when a bool signal rises and falls.
struct Edges : sc_core::sc_module {
  std::vector<sc_core::sc_time> rises, falls;
  const sc_core::sc_signal<bool>& sig;
  Edges(sc_core::sc_module_name n, const sc_core::sc_signal<bool>& s) : sc_core::sc_module(n), sig(s) {
    SC_HAS_PROCESS(Edges);
    SC_METHOD(edge);
    sensitive << sig;
    dont_initialize();
  }
  void edge() { (sig.read() ? rises : falls).push_back(sc_core::sc_time_stamp()); }
};

struct DmaBench {
  Host host;
  TlmChecker chk_host, chk_mem, chk_dregs, chk_cim, chk_buf, chk_dma, chk_master;
  Router router;
  Memory mem;
  HostDma dma;
  CimMacro cim;
  sc_core::sc_signal<bool> dma_irq, cim_irq;
  Edges dma_busy, cim_busy;

  DmaBench(const std::string& p, const CimMacroConfig& cfg)
      : host((p + "host").c_str(), bench_host()),
        chk_host((p + "chk_host").c_str()),
        chk_mem((p + "chk_mem").c_str()),
        chk_dregs((p + "chk_dregs").c_str()),
        chk_cim((p + "chk_cim").c_str()),
        chk_buf((p + "chk_buf").c_str()),
        chk_dma((p + "chk_dma").c_str()),
        chk_master((p + "chk_master").c_str()),
        router((p + "router").c_str(), dma_router(cfg)),
        mem((p + "mem").c_str(), bench_memory()),
        dma((p + "dma").c_str(), bench_dma()),
        cim((p + "cim").c_str(), cfg),
        dma_irq((p + "dma_irq").c_str(), false),
        cim_irq((p + "cim_irq").c_str(), false),
        dma_busy((p + "dma_busy").c_str(), dma.busy),
        cim_busy((p + "cim_busy").c_str(), cim.busy) {
    host.socket.bind(chk_host.target_socket);
    chk_host.initiator_socket.bind(router.target_socket);
    dma.initiator_socket.bind(chk_dma.target_socket);
    chk_dma.initiator_socket.bind(router.target_socket);
    cim.initiator_socket.bind(chk_master.target_socket);
    chk_master.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_mem.target_socket);
    chk_mem.initiator_socket.bind(mem.socket);
    router.initiator_socket.bind(chk_dregs.target_socket);
    chk_dregs.initiator_socket.bind(dma.target_socket);
    router.initiator_socket.bind(chk_cim.target_socket);
    chk_cim.initiator_socket.bind(cim.target_socket);
    router.initiator_socket.bind(chk_buf.target_socket);
    chk_buf.initiator_socket.bind(cim.buffer.socket);
    dma.irq.bind(dma_irq);
    cim.irq.bind(cim_irq);
    host.irq[0].bind(dma_irq);
    host.irq[1].bind(cim_irq);
  }
  std::uint64_t violations() const {
    return chk_host.violations() + chk_mem.violations() + chk_dregs.violations() + chk_cim.violations() +
           chk_buf.violations() + chk_dma.violations() + chk_master.violations();
  }
};

BnnDriverConfig driver_for(unsigned batch, bool use_dma) {
  BnnDriverConfig d = bench_driver(batch);
  d.use_dma = use_dma;
  d.dma_base = kDmaBase;
  d.dma_irq_line = 0;
  d.abuf_base = kBufBase;
  return d;
}

void program(DmaBench& b, const BnnNetwork& net, const CimNetworkImage& image, const std::vector<std::uint8_t>& images,
             std::size_t n, unsigned batch, bool use_dma, DriverRun& out) {
  b.host.set_program([&net, &image, &images, n, batch, use_dma, &out](Hal& hal) {
    try {
      BnnDriver drv(hal, driver_for(batch, use_dma));
      drv.load(image);
      const BnnLayer& last = net.layers.back();
      out.result = drv.infer(images.data(), n, last.scale.data(), last.bias.data(), true);
      out.done = true;
    } catch (const std::exception& e) {
      out.error = e.what();
    }
  });
}

CimMacroConfig macro_with_buffer(std::uint64_t in_half, std::uint64_t out_half) {
  CimMacroConfig c = small_macro(64, 64, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3);
  c.buffer.input_half_bytes = in_half;
  c.buffer.output_half_bytes = out_half;
  return c;
}

}  // namespace

TEST_CASE("dma transfer: the DMA feeds the activation buffer and the sums equal master mode", "[cim][dma]") {
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 11);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const std::size_t N = 100;
  const auto images = random_images(N, 100, 12);
  // Halves: 24 input vectors of 100 bytes, 25 x 10 sums: chunks of min(40, 24, 25) = 24.
  const CimMacroConfig cfg = macro_with_buffer(2400, 1000);
  DmaBench dma_bench("d_", cfg), master_bench("m_", cfg);
  DriverRun dma_run, master_run;
  program(dma_bench, net, image, images, N, 40, true, dma_run);
  program(master_bench, net, image, images, N, 40, false, master_run);
  sc_core::sc_start();
  INFO(dma_run.error << master_run.error);
  REQUIRE(dma_run.done);
  REQUIRE(master_run.done);
  CHECK(dma_run.result.predictions == master_run.result.predictions);
  CHECK(dma_run.result.sums_half == master_run.result.sums_half);
  CHECK(dma_run.result.predictions.size() == N);
  CHECK(dma_run.result.batches == 5);  // 24 + 24 + 24 + 24 + 4
  CHECK(dma_run.result.vectors_per_start == 24);
  CHECK(master_run.result.batches == 3);

  // The DMA moved every input and every sum: 5 chunks in, 5 out.
  const auto& dc = dma_bench.dma.counters();
  CHECK(dc.get("transfers") == 10);
  CHECK(dc.get("bytes_written") == N * 100 + N * 10 * 4);
  CHECK(dc.get("errors") == 0);
  CHECK(master_bench.dma.counters().get("transfers") == 0);
  // The macro's master moved nothing but the network in DMA mode.
  const auto& mc = dma_bench.cim.counters();
  CHECK(mc.get("input_bytes") == N * 100);
  CHECK(mc.get("output_bytes") == N * 40);
  CHECK(mc.get("bytes_written") == 0);
  CHECK(mc.get("bytes_read") == master_bench.cim.counters().get("bytes_read") - N * 100);
  // The buffer saw both sides.
  const auto& bc = dma_bench.cim.buffer.counters();
  CHECK(bc.get("bus_bytes_written") == N * 100);
  CHECK(bc.get("macro_bytes_read") == N * 100);
  CHECK(bc.get("macro_bytes_written") == N * 40);
  CHECK(bc.get("bus_bytes_read") == N * 40);
  CHECK(master_bench.cim.buffer.counters().get("macro_bytes_read") == 0);

  // The DMA's energy appears in its ledger.
  TechParams tech;
  tech.dma_byte.energy_pj = 2.0;
  PpaLedger ledger;
  dma_bench.dma.price(tech, ledger);
  REQUIRE_FALSE(ledger.events().empty());
  CHECK(ledger.events()[0].event == "dma_byte");
  CHECK(ledger.events()[0].count == N * 140);
  CHECK(ledger.events()[0].energy_pj == Approx(2.0 * N * 140));
  CHECK(dma_bench.violations() == 0);
  CHECK(master_bench.violations() == 0);
}

TEST_CASE("dma transfer: chained on interrupts and the next chunk's DMA overlaps the current compute",
          "[cim][dma][timing]") {
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 21);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const std::size_t N = 48;
  const auto images = random_images(N, 100, 22);
  CimMacroConfig cfg = macro_with_buffer(2400, 1000);  // chunks of 24: two chunks
  cfg.timing.array_read_ns = 400.0;  // slow arrays: compute is far longer than a chunk's DMA
  DmaBench b("t_", cfg);
  DriverRun run;
  program(b, net, image, images, N, 24, true, run);
  sc_core::sc_start();
  INFO(run.error);
  REQUIRE(run.done);
  REQUIRE(run.result.batches == 2);
  // DMA jobs in order: input 0, input 1, output 0, output 1.  Macro commands: load, chunk 0, chunk 1.
  const auto& ds = b.dma_busy.rises;
  const auto& de = b.dma_busy.falls;
  const auto& cs = b.cim_busy.rises;
  const auto& ce = b.cim_busy.falls;
  REQUIRE(ds.size() == 4);
  REQUIRE(de.size() == 4);
  REQUIRE(cs.size() == 3);
  REQUIRE(ce.size() == 3);
  // The DMA's irq rises when it drops busy: chunk 0 starts after its input arrived.
  CHECK(de[0] < cs[1]);
  // Chunk 1's input moves while chunk 0 computes, and is done before chunk 0 ends.
  CHECK(ds[1] > cs[1]);
  CHECK(de[1] < ce[1]);
  // Chunk 1 starts after chunk 0 finished; chunk 0's sums leave while chunk 1 computes.
  CHECK(cs[2] > ce[1]);
  CHECK(ds[2] > cs[2]);
  CHECK(de[2] < ce[2]);
  CHECK(ds[3] > ce[2]);

  // A DMA job by hand: 10 ns setup, then per 64-byte burst 8 beats of 1 ns, the DRAM's DMI
  // read latency (10 ns), the router (1 ns) and the buffer's write, (1 + ceil(64/64)) x 5 ns:
  // 29 ns; 2400 input bytes = 37 bursts of 64 + one of 32 (4 + 10 + 1 + 10 = 25 ns).
  const sc_core::sc_time ns(1, sc_core::SC_NS);
  CHECK(de[0] - ds[0] == (10 + 37 * 29 + 25) * ns);
  CHECK(de[1] - ds[1] == (10 + 37 * 29 + 25) * ns);
  // Sums out: 24 x 40 = 960 bytes = 15 bursts, each 8 beats + buffer read via the router
  // (1 + 10 ns) + the DRAM's DMI write latency (20 ns) = 39 ns.
  CHECK(de[2] - ds[2] == (10 + 15 * 39) * ns);
  // Each chunk's compute: 24 vectors in tiles of 16 (16 + 8) through 2 layers; the macro is
  // busy at least the array reads of the tiles (400 ns per read, one per vector and layer).
  CHECK(ce[1] - cs[1] > 24 * 2 * 400 * ns);
  CHECK(b.violations() == 0);
}

TEST_CASE("IO_MODE buffer offsets outside the buffer halves fail with BAD_BUFFER", "[cim][dma][errors]") {
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 31);
  const CimNetworkImage image = build_cim_image(net, kImageBase);
  const CimMacroConfig cfg = macro_with_buffer(2400, 1000);  // inputs [0, 4800), outputs [4800, 6800)
  CimBench b("e_", cfg);
  ExpectReport expect("cimvp/cim_macro");
  std::vector<std::uint32_t> codes;
  std::vector<std::uint64_t> addrs;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    drv.load(image);
    auto run = [&](std::uint32_t io, std::uint64_t in, std::uint64_t out, std::uint32_t batch) {
      hal.write32(kCimBase + cim_reg::IO_MODE, io);
      hal.write32(kCimBase + cim_reg::INPUT_LO, static_cast<std::uint32_t>(in));
      hal.write32(kCimBase + cim_reg::INPUT_HI, 0);
      hal.write32(kCimBase + cim_reg::OUTPUT_LO, static_cast<std::uint32_t>(out));
      hal.write32(kCimBase + cim_reg::OUTPUT_HI, 0);
      hal.write32(kCimBase + cim_reg::BATCH, batch);
      hal.write32(kCimBase + cim_reg::CTRL, cim_bit::CTRL_START);
      hal.wait_irq(1);
      codes.push_back(hal.read32(kCimBase + cim_reg::ERROR_CODE));
      addrs.push_back(hal.read32(kCimBase + cim_reg::ERR_ADDR_LO));
      hal.write32(kCimBase + cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
      hal.write32(kCimBase + cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
    };
    const std::uint32_t both = cim_bit::IO_INPUT_BUFFER | cim_bit::IO_OUTPUT_BUFFER;
    run(both, 4800 - 100 * 4, 4800, 5);        // 5 inputs run into the output halves
    run(both, 0, 4800 + 2000 - 40 * 2, 3);     // 3 x 40 bytes of sums run off the window
    run(both, 0, 100, 1);                      // output offset inside the input halves
    run(cim_bit::IO_INPUT_BUFFER, 0, kBufferBase, 2);  // buffer in, bus out: fine
    run(both, 2400, 4800 + 1000, 24);          // half 1 in, half 1 out: fine
  });
  sc_core::sc_start();
  REQUIRE(codes.size() == 5);
  CHECK(codes[0] == cim_err::BAD_BUFFER);
  CHECK(addrs[0] == 4800 - 400);
  CHECK(codes[1] == cim_err::BAD_BUFFER);
  CHECK(addrs[1] == 4800 + 2000 - 80);
  CHECK(codes[2] == cim_err::BAD_BUFFER);
  CHECK(codes[3] == cim_err::NONE);
  CHECK(codes[4] == cim_err::NONE);
  CHECK(expect.count() == 3);
  CHECK(b.cim.counters().get("errors") == 3);
  CHECK(b.violations() == 0);
}

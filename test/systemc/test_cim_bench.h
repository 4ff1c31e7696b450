// Shared bench of the CIM macro tests (test_cim_*.cpp):
//
//   Host ─► chk_host ─► Router ─► chk_mem ─► Memory        ("mem" at 0x0)
//                          └────► chk_cim ─► CimMacro      ("cim" at 0x5000_0000)
//   CimMacro.initiator_socket ─► chk_master ─► Router
//   CimMacro.irq ─► Host.irq[1]   (Host.irq[0] tied low)
//
// Every initiator–target pair has a TlmChecker in between.  Several benches may be
// elaborated side by side (distinct name prefixes) and run by one sc_start().
#pragma once

#include "cimvp/cim/controller/cim_macro.h"
#include "cimvp/soc/host/host.h"
#include "cimvp/soc/memory/memory.h"
#include "cimvp/soc/router/router.h"
#include "cimvp/core/tlm_checker.h"
#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/golden.h"

#include <systemc>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cimvp::test {

constexpr std::uint64_t kMemBytes = 8ull << 20;
constexpr std::uint64_t kCimBase = 0x50000000ull;
constexpr std::uint64_t kImageBase = 0x1000;           // network image
constexpr std::uint64_t kBufferBase = 4ull << 20;      // driver buffers
constexpr std::uint64_t kBufferBytes = 4ull << 20;

inline MemoryConfig bench_memory() {
  MemoryConfig m;
  m.size_bytes = kMemBytes;
  m.read_latency_ns = 10.0;
  m.write_latency_ns = 20.0;
  m.bytes_per_ns = 8.0;
  m.dmi = true;
  return m;
}

inline RouterConfig bench_router() {
  RouterConfig r;
  r.map = {{"mem", 0, kMemBytes}, {"cim", kCimBase, cim_reg::WINDOW_BYTES}};
  r.latency_ns = 1.0;
  return r;
}

inline HostConfig bench_host() {
  HostConfig h;
  h.clock_period_ns = 1.0;
  h.cycles_per_access = 2;
  h.irq_lines = 2;
  h.bus_width_bytes = 64;
  return h;
}

/// A small macro: R×C sub-arrays, the given sensing, everything else default.
inline CimMacroConfig small_macro(unsigned rows, unsigned cols, CellMode mode, AccessMode access,
                                  Quantization q, unsigned bits, unsigned group_rows = 8) {
  CimMacroConfig c;
  c.array.rows = rows;
  c.array.cols = cols;
  c.array.mode = mode;
  c.array.access = access;
  c.array.group_rows = group_rows;
  c.sense.bits = bits;
  c.sense.quantization = q;
  c.tile_vectors = 16;
  return c;
}

struct CimBench {
  Host host;
  TlmChecker chk_host, chk_mem, chk_cim, chk_master;
  Router router;
  Memory mem;
  CimMacro cim;
  sc_core::sc_signal<bool> cim_irq, low;

  CimBench(const std::string& p, const CimMacroConfig& cfg, const MemoryConfig& mc = bench_memory())
      : host((p + "host").c_str(), bench_host()),
        chk_host((p + "chk_host").c_str()),
        chk_mem((p + "chk_mem").c_str()),
        chk_cim((p + "chk_cim").c_str()),
        chk_master((p + "chk_master").c_str()),
        router((p + "router").c_str(), bench_router()),
        mem((p + "mem").c_str(), mc),
        cim((p + "cim").c_str(), cfg),
        cim_irq((p + "cim_irq").c_str(), false),
        low((p + "low").c_str(), false) {
    host.socket.bind(chk_host.target_socket);
    chk_host.initiator_socket.bind(router.target_socket);
    cim.initiator_socket.bind(chk_master.target_socket);
    chk_master.initiator_socket.bind(router.target_socket);
    router.initiator_socket.bind(chk_mem.target_socket);
    chk_mem.initiator_socket.bind(mem.socket);
    router.initiator_socket.bind(chk_cim.target_socket);
    chk_cim.initiator_socket.bind(cim.target_socket);
    cim.irq.bind(cim_irq);
    host.irq[0].bind(low);
    host.irq[1].bind(cim_irq);
  }
  std::uint64_t violations() const {
    return chk_host.violations() + chk_mem.violations() + chk_cim.violations() + chk_master.violations();
  }
};

inline BnnDriverConfig bench_driver(unsigned batch) {
  BnnDriverConfig d;
  d.macro_base = kCimBase;
  d.irq_line = 1;
  d.buffer_base = kBufferBase;
  d.buffer_bytes = kBufferBytes;
  d.batch = batch;
  return d;
}

/// A random BNN with the given widths (inputs first): ±1 weights, thresholds spread around
/// the middle of each neuron's range so that neurons fire both ways, some flips, random
/// positive scales and biases.  Bit-serial input uses `input_bits` MSBs.
inline BnnNetwork random_network(const std::vector<unsigned>& widths, CellMode mode, InputEncoding enc,
                                 unsigned input_bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net;
  net.mode = mode;
  net.input = enc;
  net.input_bits = input_bits;
  net.input_threshold = 100;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    BnnLayer L;
    L.inputs = widths[l];
    L.outputs = widths[l + 1];
    L.weights.resize(std::size_t{L.inputs} * L.outputs);
    for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
    const bool last = l + 2 == widths.size();
    if (!last) {
      // Spread ~ the standard deviation of a random sum of K terms (×input magnitude).
      const double mag = (l == 0 && enc == InputEncoding::bit_serial) ? double((1u << input_bits) - 1) / 2 : 1.0;
      const int spread = static_cast<int>(mag * std::sqrt(double(L.inputs))) + 1;
      std::uniform_int_distribution<int> thr(-spread, spread);
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.threshold.push_back(thr(rng));
        L.flip.push_back((rng() % 4) == 0 ? 1 : 0);
      }
    } else {
      std::uniform_real_distribution<float> sc(0.5f, 1.5f), bi(-2.0f, 2.0f);
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.scale.push_back(sc(rng));
        L.bias.push_back(bi(rng));
      }
    }
    net.layers.push_back(std::move(L));
  }
  net.description = "random test network";
  return net;
}

/// n random images of `pixels` bytes.
inline std::vector<std::uint8_t> random_images(std::size_t n, std::size_t pixels, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> v(n * pixels);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng() & 0xFF);
  return v;
}

/// What one bench's driver program produced.
struct DriverRun {
  BnnRunResult result;
  bool done = false;
  std::string error;
};

/// Sets the host program: load `image`, stream `images` in batches of `batch`, keep sums.
inline void program_inference(CimBench& b, const BnnNetwork& net, const CimNetworkImage& image,
                              const std::vector<std::uint8_t>& images, std::size_t n, unsigned batch, DriverRun& out) {
  b.host.set_program([&b, &net, &image, &images, n, batch, &out](Hal& hal) {
    (void)b;
    BnnDriver drv(hal, bench_driver(batch));
    drv.load(image);
    const BnnLayer& last = net.layers.back();
    out.result = drv.infer(images.data(), n, last.scale.data(), last.bias.data(), true);
    out.done = true;
  });
}

}  // namespace cimvp::test

// Writes the generated seed inputs of the fuzz corpora (docs/fuzzing.md):
//   cimvp-fuzz-seeds CORPUS_DIR
// writes CORPUS_DIR/bnn/seed-*.bnn (small valid networks of every cell mode and input
// encoding) and CORPUS_DIR/mmio_{cim,dma,memory}/seed-* (operation sequences in the format
// of mmio_ops.h: register sweeps, a DMA copy, a network load and batch on the macro, memory
// and buffer accesses of every interface).  Deterministic; the files are checked in, this
// tool only regenerates them.
#include "mmio_ops.h"

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/network_io.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace cimvp;
using cimvp::fuzz::MmioOp;

namespace {

void save(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", file.c_str());
    std::exit(1);
  }
  std::printf("%s (%zu bytes)\n", file.c_str(), bytes.size());
}

BnnNetwork small_network(const std::vector<unsigned>& widths, CellMode mode, InputEncoding enc, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net;
  net.mode = mode;
  net.input = enc;
  net.input_bits = enc == InputEncoding::bit_serial ? 2 : 8;
  net.input_threshold = 100;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    BnnLayer L;
    L.inputs = widths[l];
    L.outputs = widths[l + 1];
    L.weights.resize(std::size_t{L.inputs} * L.outputs);
    for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
    if (l + 2 < widths.size()) {
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.threshold.push_back(static_cast<std::int32_t>(rng() % 9) - 4);
        L.flip.push_back(rng() % 4 == 0);
      }
    } else {
      for (unsigned j = 0; j < L.outputs; ++j) {
        L.scale.push_back(0.5f + static_cast<float>(rng() % 100) / 100.0f);
        L.bias.push_back(static_cast<float>(rng() % 40) / 10.0f - 2.0f);
      }
    }
    net.layers.push_back(std::move(L));
  }
  net.description = "fuzz seed";
  return net;
}

// 6×5 image → conv 3×3 stride 2 pad 1 (3×3×3 → pool 1) [→ conv 2×2 (in_c 3) → pool 2] → dense.
BnnNetwork conv_network(CellMode mode, InputEncoding enc, bool two_conv, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net = small_network({27, 3, 4}, mode, enc, seed);
  BnnLayer& c = net.layers[0];
  c.kind = LayerKind::conv;
  c.conv.in_h = 6;
  c.conv.in_w = 5;
  c.conv.in_c = 1;
  c.conv.out_c = 3;
  c.conv.kernel_h = c.conv.kernel_w = 3;
  c.conv.stride = 2;
  c.conv.pad = 1;
  c.inputs = 9;
  c.weights.resize(27);
  if (two_conv) {  // 3×3×3 → conv 2×2, 2 channels → 2×2×2 → pool 2 → 1×1×2
    BnnLayer c2 = c;
    c2.conv.in_h = c2.conv.in_w = 3;
    c2.conv.in_c = 3;
    c2.conv.out_c = 2;
    c2.conv.kernel_h = c2.conv.kernel_w = 2;
    c2.conv.stride = 1;
    c2.conv.pad = 0;
    c2.conv.pool = 2;
    c2.inputs = 12;
    c2.outputs = 2;
    c2.weights.resize(24);
    for (auto& w : c2.weights) w = (rng() & 1) ? 1 : -1;
    c2.threshold.resize(2);
    c2.flip.resize(2);
    net.layers.insert(net.layers.begin() + 1, c2);
  }
  BnnLayer& o = net.layers.back();  // reads the last map: 1×1×2, or 3×3×3
  o.inputs = two_conv ? 2 : 27;
  o.weights.resize(std::size_t{o.inputs} * o.outputs);
  for (auto& w : o.weights) w = (rng() & 1) ? 1 : -1;
  return net;
}

// ---- operation builders --------------------------------------------------------------

struct Seq {
  std::vector<std::uint8_t> bytes;
  void op(MmioOp o) { encode_op(o, bytes); }
  static MmioOp at(std::uint8_t window, std::uint16_t offset, MmioOp::Iface iface = MmioOp::b_transport) {
    MmioOp o;
    o.iface = iface;
    o.window = window;
    o.offset = offset;
    return o;
  }
  void read32(std::uint8_t window, std::uint16_t offset, MmioOp::Iface iface = MmioOp::b_transport) {
    op(at(window, offset, iface));
  }
  void write32(std::uint8_t window, std::uint16_t offset, std::uint32_t v, MmioOp::Iface iface = MmioOp::b_transport,
               std::uint8_t wait = 0) {
    MmioOp o = at(window, offset, iface);
    o.cmd = MmioOp::write;
    o.data = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16),
              static_cast<std::uint8_t>(v >> 24)};
    o.has_wait = wait != 0;
    o.wait = wait;
    op(o);
  }
  /// Bytes into a window, in writes of at most 255 bytes.
  void fill(std::uint8_t window, std::uint16_t offset, const std::vector<std::uint8_t>& data) {
    for (std::size_t i = 0; i < data.size(); i += 255) {
      MmioOp o = at(window, static_cast<std::uint16_t>(offset + i));
      o.cmd = MmioOp::write;
      o.length = static_cast<unsigned>(std::min<std::size_t>(255, data.size() - i));
      o.data.assign(data.begin() + static_cast<std::ptrdiff_t>(i),
                    data.begin() + static_cast<std::ptrdiff_t>(i + o.length));
      op(o);
    }
  }
};

// mmio_cim windows: 0 macro registers, 1 activation buffer, 2 memory.
void cim_seeds(const fs::path& dir) {
  {  // every register read with each interface, then written with all ones
    Seq s;
    for (MmioOp::Iface i : {MmioOp::b_transport, MmioOp::debug, MmioOp::nb_transport})
      for (std::uint16_t off = 0; off < cim_reg::WINDOW_BYTES; off += 4) s.read32(0, off, i);
    for (std::uint16_t off = 0; off < 0x74; off += 4) s.write32(0, off, 0xFFFFFFFFu);
    save(dir / "seed-registers", s.bytes);
  }
  for (int io_buffer = 0; io_buffer < 2; ++io_buffer) {
    // a small network loaded from memory and a batch of 4 vectors, then the status read back
    const BnnNetwork net = small_network({64, 32, 10}, CellMode::xnor_8t, InputEncoding::binarized, 7);
    const CimNetworkImage image = build_cim_image(net, 0x1000);
    Seq s;
    s.fill(2, 0x1000, image.bytes);
    std::vector<std::uint8_t> inputs(4 * image.input_bytes);
    std::mt19937_64 rng(3);
    for (auto& b : inputs) b = static_cast<std::uint8_t>(rng());
    s.fill(io_buffer ? 1 : 2, io_buffer ? 0 : 0x8000, inputs);
    s.write32(0, cim_reg::DESC_LO, 0x1000);
    s.write32(0, cim_reg::INPUT_LO, io_buffer ? 0 : 0x8000);
    s.write32(0, cim_reg::OUTPUT_LO, io_buffer ? 8192 : 0xC000);
    s.write32(0, cim_reg::BATCH, 4);
    s.write32(0, cim_reg::IO_MODE, io_buffer ? 3 : 0);
    s.write32(0, cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
    s.write32(0, cim_reg::CTRL, cim_bit::CTRL_START, MmioOp::b_transport, 255);
    for (std::uint16_t r : {cim_reg::STATUS, cim_reg::ERROR_CODE, cim_reg::DONE_COUNT, cim_reg::LAYERS})
      s.read32(0, r);
    MmioOp sums = Seq::at(io_buffer ? 1 : 2, io_buffer ? 8192 : 0xC000);
    sums.length = 4 * 10 * 4;
    s.op(sums);
    s.write32(0, cim_reg::IRQ_STATUS, 3);
    save(dir / (io_buffer ? "seed-network-buffer" : "seed-network"), s.bytes);
  }
  {  // START with no network, LOAD of zeros, START while busy
    Seq s;
    s.write32(0, cim_reg::BATCH, 1);
    s.write32(0, cim_reg::CTRL, cim_bit::CTRL_START);
    s.write32(0, cim_reg::CTRL, cim_bit::CTRL_START, MmioOp::b_transport, 40);
    s.write32(0, cim_reg::DESC_LO, 0x100);
    s.write32(0, cim_reg::CTRL, cim_bit::CTRL_LOAD, MmioOp::nb_transport, 40);
    s.read32(0, cim_reg::ERROR_CODE);
    save(dir / "seed-errors", s.bytes);
  }
}

// mmio_dma windows: 0 DMA registers, 1 memory.
void dma_seeds(const fs::path& dir) {
  {
    Seq s;
    for (MmioOp::Iface i : {MmioOp::b_transport, MmioOp::debug, MmioOp::nb_transport})
      for (std::uint16_t off = 0; off < dma_reg::WINDOW_BYTES; off += 4) s.read32(0, off, i);
    for (std::uint16_t off = 0; off < dma_reg::WINDOW_BYTES; off += 4) s.write32(0, off, 0xFFFFFFFFu, MmioOp::debug);
    save(dir / "seed-registers", s.bytes);
  }
  {  // a 300-byte copy in memory with the interrupts on, then its results
    Seq s;
    std::vector<std::uint8_t> src(300);
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 7);
    s.fill(1, 0x100, src);
    s.write32(0, dma_reg::SRC_LO, 0x100);
    s.write32(0, dma_reg::DST_LO, 0x2003);
    s.write32(0, dma_reg::LEN, 300);
    s.write32(0, dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
    s.write32(0, dma_reg::CTRL, dma_bit::CTRL_START);
    s.write32(0, dma_reg::CTRL, dma_bit::CTRL_START, MmioOp::b_transport, 30);  // while busy
    s.read32(0, dma_reg::STATUS);
    s.read32(0, dma_reg::ERR_CAUSE);
    s.write32(0, dma_reg::STATUS, dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR);
    s.write32(0, dma_reg::IRQ_STATUS, 3);
    MmioOp back = Seq::at(1, 0x2003);
    back.length = 255;
    s.op(back);
    save(dir / "seed-copy", s.bytes);
  }
  {  // a copy from an unmapped address: a read error
    Seq s;
    s.write32(0, dma_reg::SRC_HI, 0x1);
    s.write32(0, dma_reg::LEN, 64);
    s.write32(0, dma_reg::CTRL, dma_bit::CTRL_START, MmioOp::nb_transport, 20);
    s.read32(0, dma_reg::ERR_ADDR_LO);
    s.read32(0, dma_reg::ERR_ADDR_HI);
    save(dir / "seed-error", s.bytes);
  }
}

// mmio_memory windows: 0 memory, 1 activation buffer.
void memory_seeds(const fs::path& dir) {
  Seq s;
  for (std::uint8_t w = 0; w < 2; ++w)
    for (MmioOp::Iface i : {MmioOp::b_transport, MmioOp::debug, MmioOp::nb_transport, MmioOp::dmi}) {
      MmioOp o = Seq::at(w, 0x40, i);
      o.cmd = MmioOp::write;
      o.length = 16;
      o.data.assign(16, 0xA5);
      s.op(o);
      o.cmd = MmioOp::read;
      o.data.clear();
      s.op(o);
      o.cmd = MmioOp::ignore;
      s.op(o);
    }
  MmioOp be = Seq::at(0, 0x80);
  be.cmd = MmioOp::write;
  be.length = 8;
  be.data.assign(8, 0x5A);
  be.byte_enables = true;
  be.be_length = 4;
  be.be_pattern = 0x5;
  s.op(be);
  MmioOp stream = Seq::at(0, 0x100);
  stream.length = 16;
  stream.streaming_width = 4;
  s.op(stream);
  MmioOp unmapped;
  unmapped.absolute = true;
  unmapped.address = 0x20000000;
  s.op(unmapped);
  save(dir / "seed-accesses", s.bytes);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root(argv[1]);
  save(root / "bnn" / "seed-xnor-binarized.bnn",
       serialize_network(small_network({16, 8, 4}, CellMode::xnor_8t, InputEncoding::binarized, 1)));
  save(root / "bnn" / "seed-hbnn-bitserial.bnn",
       serialize_network(small_network({70, 65, 3}, CellMode::hbnn_6t, InputEncoding::bit_serial, 2)));
  save(root / "bnn" / "seed-one-layer.bnn",
       serialize_network(small_network({5, 2}, CellMode::xnor_8t, InputEncoding::binarized, 3)));
  // version 3: conv layers (stride, padding, pooling, two conv layers chained, bit-serial)
  save(root / "bnn" / "seed-conv-xnor.bnn",
       serialize_network(conv_network(CellMode::xnor_8t, InputEncoding::binarized, false, 4)));
  save(root / "bnn" / "seed-conv-hbnn-bitserial.bnn",
       serialize_network(conv_network(CellMode::hbnn_6t, InputEncoding::bit_serial, true, 5)));
  cim_seeds(root / "mmio_cim");
  dma_seeds(root / "mmio_dma");
  memory_seeds(root / "mmio_memory");
  return 0;
}

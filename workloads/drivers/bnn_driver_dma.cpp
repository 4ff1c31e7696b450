// BnnDriver in DMA transfer mode (BnnDriverConfig::use_dma): the HostDma feeds the macro's
// activation buffer, chained on the DMA's and the macro's interrupts (docs/cim-macro.md,
// "Driver: dma transfer").  HAL only, like the rest of the driver.
#include "cimvp/workloads/bnn_driver.h"

#include "cimvp/circuit/activation.h"
#include "cimvp/soc/dma/host_dma.h"

#include <algorithm>
#include <sstream>

namespace cimvp {

namespace {
std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}
}  // namespace

void BnnDriver::dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t len) {
  using namespace dma_reg;
  const std::uint64_t d = config_.dma_base;
  hal_.write32(d + SRC_LO, static_cast<std::uint32_t>(src));
  hal_.write32(d + SRC_HI, static_cast<std::uint32_t>(src >> 32));
  hal_.write32(d + DST_LO, static_cast<std::uint32_t>(dst));
  hal_.write32(d + DST_HI, static_cast<std::uint32_t>(dst >> 32));
  hal_.write32(d + LEN, static_cast<std::uint32_t>(len));
  hal_.write32(d + CTRL, dma_bit::CTRL_START);
}

void BnnDriver::dma_wait(const char* what) {
  using namespace dma_reg;
  using namespace dma_bit;
  const std::uint64_t d = config_.dma_base;
  hal_.wait_irq(config_.dma_irq_line);
  const std::uint32_t status = hal_.read32(d + STATUS);
  if (status & STATUS_ERROR) {
    const std::uint32_t cause = hal_.read32(d + ERR_CAUSE);
    const std::uint64_t addr =
        static_cast<std::uint64_t>(hal_.read32(d + ERR_ADDR_HI)) << 32 | hal_.read32(d + ERR_ADDR_LO);
    hal_.write32(d + STATUS, STATUS_DONE | STATUS_ERROR);
    hal_.write32(d + IRQ_STATUS, IRQ_DONE | IRQ_ERROR);
    throw CimDriverError(std::string("DMA ") + what + " failed: cause " + std::to_string(cause) + " at " + hex(addr));
  }
  if (!(status & STATUS_DONE))
    throw CimDriverError(std::string("DMA ") + what + ": interrupt without DONE (STATUS " + hex(status) + ")");
  hal_.write32(d + STATUS, STATUS_DONE);
  hal_.write32(d + IRQ_STATUS, IRQ_DONE | IRQ_ERROR);
}

BnnRunResult BnnDriver::stream_dma(const std::uint8_t* host, std::uint64_t addr, std::size_t n, const float* scale,
                                   const float* bias, bool keep_sums, const Progress& progress) {
  using namespace cim_reg;
  using namespace cim_bit;
  BnnRunResult res;
  res.predictions.reserve(n);
  if (n == 0) return res;
  const std::size_t M = image_.outputs, vb = image_.input_bytes;
  // Buffer halves of the macro: a chunk fills at most one input half and one output half.
  const std::uint64_t half_in = reg(CAP_BUF_IN), half_out = reg(CAP_BUF_OUT);
  const std::size_t C = static_cast<std::size_t>(
      std::min<std::uint64_t>({config_.batch, half_in / vb, half_out / (std::uint64_t{M} * 4)}));
  if (C == 0)
    throw CimDriverError("BnnDriver: one input vector (" + std::to_string(vb) + " bytes) or its sums (" +
                         std::to_string(M * 4) + " bytes) do not fit the activation buffer halves (" +
                         std::to_string(half_in) + " / " + std::to_string(half_out) + " bytes)");
  const std::uint64_t in_off[2] = {0, half_in}, out_off[2] = {2 * half_in, 2 * half_in + half_out};
  // Memory areas: two for the sums the DMA brings back, two for inputs the driver copies.
  const PingPong areas = ping_pong_areas(C, M, vb, host != nullptr, "chunks of " + std::to_string(C) + " vectors");
  const std::uint64_t* out_buf = areas.out;
  const std::uint64_t* in_buf = areas.in;

  const std::size_t nc = (n + C - 1) / C;
  res.vectors_per_start = C;
  auto count = [&](std::size_t c) { return std::min(C, n - c * C); };
  auto fetch = [&](std::size_t c) {  // starts the DMA of chunk c's inputs into input half c % 2
    std::uint64_t src = addr + c * C * vb;
    if (host) {
      src = in_buf[c % 2];
      hal_.write_block(src, host + c * C * vb, count(c) * vb);
    }
    dma_copy(src, config_.abuf_base + in_off[c % 2], count(c) * vb);
  };
  auto drain = [&](std::size_t c) {  // sums of chunk c from output half c % 2 to memory
    dma_copy(config_.abuf_base + out_off[c % 2], out_buf[c % 2], count(c) * M * 4);
    dma_wait("output chunk");
  };
  auto classify = [&](std::size_t c) {  // reads chunk c's sums from memory, classifies
    const std::size_t k = count(c);
    collect_sums(out_buf[c % 2], k, M, scale, bias, keep_sums, res);
    if (progress) progress(c * C + k, n);
  };

  hal_.write32(config_.dma_base + dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);  // drop stale
  hal_.write32(config_.dma_base + dma_reg::STATUS, dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR);
  hal_.write32(config_.dma_base + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
  set_reg(IO_MODE, IO_INPUT_BUFFER | IO_OUTPUT_BUFFER);
  fetch(0);
  dma_wait("input chunk");
  for (std::size_t c = 0; c < nc; ++c) {
    set_reg64(INPUT_LO, in_off[c % 2]);
    set_reg64(OUTPUT_LO, out_off[c % 2]);
    set_reg(BATCH, static_cast<std::uint32_t>(count(c)));
    set_reg(CTRL, CTRL_START);
    // While the macro computes chunk c, the DMA empties the other output half (chunk c − 1's
    // sums) and fills the other input half with chunk c + 1; the CPU classifies chunk c − 1
    // while the input DMA runs.  Both halves are free again before chunk c + 1 starts.
    if (c > 0) drain(c - 1);
    if (c + 1 < nc) fetch(c + 1);
    if (c > 0) classify(c - 1);
    if (c + 1 < nc) dma_wait("input chunk");
    wait_done("batch");
    ++res.batches;
  }
  drain(nc - 1);
  classify(nc - 1);
  set_reg(IO_MODE, 0);
  return res;
}

}  // namespace cimvp

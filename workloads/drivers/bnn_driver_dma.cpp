// BnnDriver in DMA transfer mode (BnnDriverConfig::use_dma): the HostDma feeds the macro's
// activation buffer, chained on the DMA's and the macro's interrupts (docs/cim-macro.md,
// "Driver: dma transfer").  HAL only, like the rest of the driver.
#include "cimvp/workloads/bnn_driver.h"

#include "cimvp/circuit/activation.h"
#include "cimvp/soc/dma/host_dma.h"

#include <algorithm>
#include <functional>
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
    const char* cause_name = cause == dma_err::READ              ? "read error"
                             : cause == dma_err::WRITE             ? "write error"
                             : cause == dma_err::START_WHILE_BUSY ? "START while busy"
                                                                  : "unknown";
    throw CimDriverError(std::string("DMA ") + what + " failed: ERR_CAUSE " + std::to_string(cause) + " (" +
                         cause_name + ") at " + hex(addr));
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
  // Per chunk: "" while fine, else the stage and cause that made the driver give it up.
  std::vector<std::string> failed_stage(nc), failed_cause(nc);
  auto fail = [&](std::size_t c, const char* stage, const std::string& cause) {
    failed_stage[c] = stage;
    failed_cause[c] = cause;
  };
  // One step with retries; `again` re-issues it before a retry.  True when it succeeded.
  auto attempt = [&](const std::function<void()>& wait, const std::function<void()>& again, std::string& error) {
    for (unsigned a = 0;; ++a) {
      try {
        wait();
        return true;
      } catch (const CimDriverError& e) {
        error = e.what();
        if (e.code() != cim_err::NONE && e.code() != cim_err::BUS_ERROR) a = config_.retries;  // not transient
      } catch (const BusError& e) {
        error = e.what();
      }
      res.errors.push_back(error);
      if (a >= config_.retries) return false;
      ++res.retries;
      try {
        again();
      } catch (const BusError& e) {  // the retry could not even be issued: counts as one more failure
        error = e.what();
        res.errors.push_back(error);
        return false;
      }
    }
  };
  auto stage_in = [&](std::size_t c) {  // the host copies chunk c into DRAM (driver-copied inputs)
    if (host) hal_.write_block(in_buf[c % 2], host + c * C * vb, count(c) * vb);
  };
  auto fetch = [&](std::size_t c) {  // starts the DMA of chunk c's inputs into input half c % 2
    dma_copy(host ? in_buf[c % 2] : addr + c * C * vb, config_.abuf_base + in_off[c % 2], count(c) * vb);
  };
  auto fetch_started = [&](std::size_t c) {  // the host copy and the DMA start of chunk c; false if given up
    std::string err;
    if (!attempt([&] { stage_in(c); }, [] {}, err)) {
      fail(c, "input copy", err);
      return false;
    }
    fetch(c);
    return true;
  };
  auto fetch_wait = [&](std::size_t c) {
    std::string err;
    if (!attempt([&] { dma_wait("input chunk"); }, [&] { fetch(c); }, err)) fail(c, "input DMA", err);
  };
  auto drain = [&](std::size_t c) {  // sums of chunk c from output half c % 2 to memory
    if (!failed_stage[c].empty()) return;
    auto go = [&] { dma_copy(config_.abuf_base + out_off[c % 2], out_buf[c % 2], count(c) * M * 4); };
    go();
    std::string err;
    if (!attempt([&] { dma_wait("output chunk"); }, go, err)) fail(c, "output DMA", err);
  };
  auto classify = [&](std::size_t c) {  // reads chunk c's sums from memory, classifies
    const std::size_t k = count(c);
    if (failed_stage[c].empty()) {
      std::string err;
      BnnRunResult part;
      if (attempt([&] { collect_sums(out_buf[c % 2], k, M, scale, bias, keep_sums, part); }, [] {}, err)) {
        res.predictions.insert(res.predictions.end(), part.predictions.begin(), part.predictions.end());
        res.sums_half.insert(res.sums_half.end(), part.sums_half.begin(), part.sums_half.end());
      } else {
        fail(c, "sums read", err);
      }
    }
    if (!failed_stage[c].empty()) {
      res.predictions.insert(res.predictions.end(), k, kUnclassified);
      if (keep_sums) res.sums_half.insert(res.sums_half.end(), k * M, 0);
      give_up(res, c * C, k, failed_stage[c], failed_cause[c]);
    }
    if (progress) progress(c * C + k, n);
  };
  auto start = [&](std::size_t c) {
    set_reg64(INPUT_LO, in_off[c % 2]);
    set_reg64(OUTPUT_LO, out_off[c % 2]);
    set_reg(BATCH, static_cast<std::uint32_t>(count(c)));
    set_reg(CTRL, CTRL_START);
  };

  hal_.write32(config_.dma_base + dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);  // drop stale
  hal_.write32(config_.dma_base + dma_reg::STATUS, dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR);
  hal_.write32(config_.dma_base + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
  set_reg(IO_MODE, IO_INPUT_BUFFER | IO_OUTPUT_BUFFER);
  if (fetch_started(0)) fetch_wait(0);
  for (std::size_t c = 0; c < nc; ++c) {
    const bool run = failed_stage[c].empty();  // its inputs are in input half c % 2
    if (run) start(c);
    // While the macro computes chunk c, the DMA empties the other output half (chunk c − 1's
    // sums) and fills the other input half with chunk c + 1; the CPU classifies chunk c − 1
    // while the input DMA runs.  Both halves are free again before chunk c + 1 starts.
    if (c > 0) drain(c - 1);
    const bool fetching = c + 1 < nc && fetch_started(c + 1);
    if (c > 0) classify(c - 1);
    if (fetching) fetch_wait(c + 1);
    if (run) {
      // a retry starts chunk c again: input half c % 2 still holds it
      std::string err;
      if (!attempt([&] { wait_done("batch"); }, [&] { start(c); }, err)) fail(c, "batch", err);
      ++res.batches;
    }
  }
  drain(nc - 1);
  classify(nc - 1);
  set_reg(IO_MODE, 0);
  return res;
}

}  // namespace cimvp

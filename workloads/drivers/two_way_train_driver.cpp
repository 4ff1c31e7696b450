#include "cimvp/workloads/two_way_train_driver.h"

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/soc/dma/host_dma.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

const char* to_string(TrainPhase p) {
  switch (p) {
    case TrainPhase::forward: return "forward";
    case TrainPhase::backward: return "backward";
    case TrainPhase::gradient: return "gradient";
    case TrainPhase::update: return "update";
    case TrainPhase::evaluate: return "evaluate";
    case TrainPhase::idle: return "idle";
  }
  return "?";
}

TwoWayTrainDriver::TwoWayTrainDriver(Hal& hal, const TwoWayTrainDriverConfig& config) : hal_(hal), cfg_(config) {
  if (cfg_.buffer_base % 8 != 0 || cfg_.image_base % 8 != 0)
    throw std::invalid_argument("TwoWayTrainDriver: image_base and buffer_base must be 8-byte aligned");
}

void TwoWayTrainDriver::set64(std::uint32_t lo_reg, std::uint64_t v) {
  hal_.write32(cfg_.macro_base + lo_reg, static_cast<std::uint32_t>(v));
  hal_.write32(cfg_.macro_base + lo_reg + 4, static_cast<std::uint32_t>(v >> 32));
}

void TwoWayTrainDriver::phase(TrainPhase p) {
  if (cfg_.on_phase) cfg_.on_phase(p);
}

void TwoWayTrainDriver::dma(std::uint64_t src, std::uint64_t dst, std::uint64_t len, const char* what) {
  using namespace dma_reg;
  using namespace dma_bit;
  const std::uint64_t d = cfg_.dma_base;
  hal_.write32(d + SRC_LO, static_cast<std::uint32_t>(src));
  hal_.write32(d + SRC_HI, static_cast<std::uint32_t>(src >> 32));
  hal_.write32(d + DST_LO, static_cast<std::uint32_t>(dst));
  hal_.write32(d + DST_HI, static_cast<std::uint32_t>(dst >> 32));
  hal_.write32(d + LEN, static_cast<std::uint32_t>(len));
  hal_.write32(d + CTRL, CTRL_START);
  hal_.wait_irq(cfg_.dma_irq_line);
  const std::uint32_t status = hal_.read32(d + STATUS);
  hal_.write32(d + STATUS, STATUS_DONE | STATUS_ERROR);
  hal_.write32(d + IRQ_STATUS, IRQ_DONE | IRQ_ERROR);
  if ((status & STATUS_ERROR) || !(status & STATUS_DONE))
    throw CimDriverError(std::string("DMA of the ") + what + " failed: ERR_CAUSE " +
                         std::to_string(hal_.read32(d + ERR_CAUSE)));
}

std::uint64_t TwoWayTrainDriver::to_macro(std::uint64_t mem, std::uint64_t buf_off, std::uint64_t len,
                                          const char* what) {
  if (!cfg_.use_dma) return mem;
  dma(mem, cfg_.abuf_base + buf_off, len, what);
  return buf_off;
}

void TwoWayTrainDriver::from_macro(std::uint64_t buf_off, std::uint64_t mem, std::uint64_t len, const char* what) {
  if (cfg_.use_dma) dma(cfg_.abuf_base + buf_off, mem, len, what);
}

TwoWayTrainDriver::LatentLayout TwoWayTrainDriver::latent_layout(const std::vector<unsigned>& widths,
                                                                 std::uint64_t base) {
  auto up8 = [](std::uint64_t v) { return (v + 7) / 8 * 8; };
  LatentLayout lay;
  std::uint64_t at = base, max_mk = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const std::uint64_t mk = std::uint64_t{widths[l]} * widths[l + 1];
    lay.layer.push_back(at);
    at += up8(mk * 2);
    max_mk = std::max(max_mk, mk);
  }
  lay.work = at;
  lay.grad = lay.work + up8(max_mk * 2);
  lay.operands = lay.grad + up8(max_mk * 4);
  return lay;
}

std::size_t TwoWayTrainDriver::max_batch(const std::vector<unsigned>& widths, const TwoWayTrainDriverConfig& config,
                                         std::uint64_t half_in, std::uint64_t half_out) {
  std::uint64_t all_m = 0, max_w = 0;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    all_m += widths[l + 1];
    max_w = std::max<std::uint64_t>(max_w, std::max(widths[l], widths[l + 1]));
  }
  const std::uint64_t C = widths.back(), P = widths.front();
  const std::uint64_t rec = cim_update_record_bytes(static_cast<std::uint32_t>(max_w));
  const LatentLayout lat = latent_layout(widths, config.buffer_base);
  // scratch: latent store + working buffer + gradients (fixed), then per sample: images +
  // kept + logits + max(errors, records) + transposed sums + int16 layer inputs, 8-aligned each
  const std::uint64_t per = P + 4 * all_m + 4 * C + max_w + 4 * max_w + 2 * max_w;
  const std::uint64_t fixed = 6 * 8 + max_w * rec + (lat.operands - config.buffer_base);
  std::size_t n = config.buffer_bytes > fixed ? static_cast<std::size_t>((config.buffer_bytes - fixed) / per) : 0;
  if (config.use_dma) {
    const std::uint64_t in = 2 * half_in, out = 2 * half_out;
    n = static_cast<std::size_t>(std::min<std::uint64_t>({n, in / std::max(P, max_w),
                                                          out > 8 ? (out - 8) / (4 * (all_m + C)) : 0,
                                                          out / (4 * max_w),
                                                          in > 8 ? (in - 8) / (3 * max_w) : 0}));  // errors + inputs (GRADIENT)
    if (in < rec) n = 0;  // not even one row record fits
  }
  return n;
}

void TwoWayTrainDriver::command(std::uint32_t ctrl, const char* what) {
  const std::uint64_t b = cfg_.macro_base;
  hal_.write32(b + cim_reg::CTRL, ctrl);
  hal_.wait_irq(cfg_.irq_line);
  const std::uint32_t st = hal_.read32(b + cim_reg::STATUS);
  hal_.write32(b + cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  hal_.write32(b + cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  if (st & cim_bit::STATUS_ERROR) {
    const std::uint32_t code = hal_.read32(b + cim_reg::ERROR_CODE);
    throw CimDriverError(std::string(what) + " failed: " + cim_error_name(code), code);
  }
}

BnnNetwork two_way_bnn(const TwoWayMlp& net, const FixedPointTrainConfig& cfg) {
  BnnNetwork bnn;
  bnn.mode = CellMode::xnor_8t;
  bnn.input = cfg.input_bits > 0 ? InputEncoding::bit_serial : InputEncoding::binarized;
  bnn.input_threshold = cfg.pixel_threshold;
  if (cfg.input_bits > 0) bnn.input_bits = cfg.input_bits;
  bnn.description = "two-way training";
  for (unsigned l = 0; l < net.layers(); ++l) {
    BnnLayer L;
    L.inputs = net.widths[l];
    L.outputs = net.widths[l + 1];
    L.weights = net.binary(l);
    if (l + 1 < net.layers()) {
      L.threshold = net.thresholds(l);  // a = +1 when s_half >= 2·T (T = 0 unless learned)
      L.flip.assign(L.outputs, 0);
    } else {
      L.scale.assign(L.outputs, 1.0f);
      L.bias.assign(L.outputs, 0.0f);
    }
    bnn.layers.push_back(std::move(L));
  }
  return bnn;
}

void TwoWayTrainDriver::load(const TwoWayMlp& net, const FixedPointTrainConfig& cfg) {
  const BnnNetwork bnn = two_way_bnn(net, cfg);
  const CimNetworkImage image = build_cim_image(bnn, cfg_.image_base);
  hal_.write_block(image.base, image.bytes.data(), image.bytes.size());
  const std::uint64_t b = cfg_.macro_base;
  hal_.write32(b + cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  std::uint32_t two_way = 0;
  try {
    two_way = hal_.read32(b + cim_reg::CAP_TWO_WAY);
  } catch (const BusError&) {
    two_way = 0;  // a forward-only macro has no training registers
  }
  if ((two_way & 1u) == 0) throw CimDriverError("the macro has no two-way array (CAP_TWO_WAY)", cim_err::NOT_TWO_WAY);
  set64(cim_reg::DESC_LO, image.base);
  command(cim_bit::CTRL_LOAD, "LOAD");
  classes_ = net.widths.back();
  // the latent weights: int16, M × K per layer, in the store at the start of the scratch memory
  latent_ = latent_layout(net.widths, cfg_.buffer_base);
  if (latent_.operands - cfg_.buffer_base > cfg_.buffer_bytes)
    throw CimDriverError("TwoWayTrainDriver: the latent weights (" +
                         std::to_string(latent_.operands - cfg_.buffer_base) +
                         " bytes with the working buffers) do not fit the scratch memory (" +
                         std::to_string(cfg_.buffer_bytes) + " bytes)");
  for (unsigned l = 0; l < net.layers(); ++l)
    hal_.write_block(latent_.layer[l], net.latent[l].data(), net.latent[l].size() * 2);
  if (cfg_.use_dma) {
    half_in_ = hal_.read32(b + cim_reg::CAP_BUF_IN);
    half_out_ = hal_.read32(b + cim_reg::CAP_BUF_OUT);
    if (half_in_ == 0 || half_out_ == 0)
      throw CimDriverError("the macro has no activation buffer (CAP_BUF_IN / CAP_BUF_OUT are 0): use_dma needs one");
    const std::uint64_t d = cfg_.dma_base;
    hal_.write32(d + dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);  // drop stale ones
    hal_.write32(d + dma_reg::STATUS, dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR);
    hal_.write32(d + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
  }
}

TrainStepResult TwoWayTrainDriver::step(TwoWayMlp& net, const FixedPointTrainConfig& cfg, const std::uint8_t* images,
                                        const std::uint8_t* labels, std::size_t n, std::size_t pixels) {
  cfg.validate();
  const unsigned L = net.layers(), C = net.widths.back();
  if (n == 0) throw std::invalid_argument("TwoWayTrainDriver::step: empty mini-batch");
  if (pixels != net.widths[0]) throw std::invalid_argument("TwoWayTrainDriver::step: pixels != the network's inputs");
  if (n > max_batch(net.widths))
    throw CimDriverError("TwoWayTrainDriver: a step of " + std::to_string(n) + " samples does not fit the scratch memory (" +
                         std::to_string(cfg_.buffer_bytes) + " bytes)" +
                         (cfg_.use_dma ? " or the activation buffer" : "") + "; at most " +
                         std::to_string(max_batch(net.widths)));
  // Scratch layout: [images | kept sums | output sums | errors / records | transposed sums], 8-aligned.
  auto up8 = [](std::uint64_t v) { return (v + 7) / 8 * 8; };
  std::uint64_t all_m = 0, max_w = 0;
  for (unsigned l = 0; l < L; ++l) {
    all_m += net.widths[l + 1];
    max_w = std::max<std::uint64_t>(max_w, std::max(net.widths[l], net.widths[l + 1]));
  }
  if (latent_.layer.size() != L) throw std::logic_error("TwoWayTrainDriver::step before load() of this network");
  const std::uint64_t a_img = latent_.operands;
  const std::uint64_t a_keep = up8(a_img + n * pixels);
  const std::uint64_t a_out = up8(a_keep + n * all_m * 4);
  const std::uint64_t a_err = up8(a_out + n * C * 4);
  const std::uint64_t rec_bytes = cim_update_record_bytes(static_cast<std::uint32_t>(max_w));
  const std::uint64_t a_delta = up8(a_err + std::max<std::uint64_t>(n * max_w, max_w * rec_bytes));
  const std::uint64_t a_x = up8(a_delta + n * max_w * 4);  // int16 layer inputs (GRADIENT)
  // Activation buffer (use_dma): inputs from offset 0 (both input halves), outputs from the
  // first output half on (both output halves); the logits first, the kept sums after them.
  const std::uint64_t in0 = 0, out0 = 2 * half_in_, keep0 = out0 + up8(n * C * 4);
  const std::uint64_t b = cfg_.macro_base;

  // 1. Forward with the pre-activations kept.
  phase(TrainPhase::forward);
  hal_.write_block(a_img, images, n * pixels);
  hal_.write32(b + cim_reg::IO_MODE, cfg_.use_dma ? cim_bit::IO_INPUT_BUFFER | cim_bit::IO_OUTPUT_BUFFER : 0u);
  hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(n));
  set64(cim_reg::INPUT_LO, to_macro(a_img, in0, n * pixels, "mini-batch images"));
  set64(cim_reg::OUTPUT_LO, cfg_.use_dma ? out0 : a_out);
  set64(cim_reg::KEEP_LO, cfg_.use_dma ? keep0 : a_keep);
  command(cim_bit::CTRL_START | cim_bit::CTRL_KEEP, "forward (START|KEEP)");
  from_macro(keep0, a_keep, n * all_m * 4, "kept sums");
  TrainStepResult r;
  r.sums.resize(L);
  {
    std::vector<std::int32_t> kept(n * all_m);
    hal_.read_block(a_keep, kept.data(), kept.size() * 4);
    std::size_t at = 0;
    for (unsigned l = 0; l < L; ++l) {
      r.sums[l].assign(kept.begin() + static_cast<std::ptrdiff_t>(at),
                       kept.begin() + static_cast<std::ptrdiff_t>(at + n * net.widths[l + 1]));
      at += n * net.widths[l + 1];
    }
  }
  // 2. Loss on the host.
  r.errors.resize(L);
  r.errors[L - 1] = two_way_output_errors(r.sums[L - 1].data(), labels, n, C, cfg);
  r.correct = two_way_correct(r.sums[L - 1].data(), labels, n, C);
  // 3. Back-propagation through the transposed reads.
  if (L > 1) phase(TrainPhase::backward);
  hal_.write32(b + cim_reg::ERROR_BITS, cfg.error_bits);
  for (unsigned l = L - 1; l >= 1; --l) {
    const unsigned K = net.widths[l], M = net.widths[l + 1];
    std::vector<std::int8_t> e8(r.errors[l].begin(), r.errors[l].end());
    hal_.write_block(a_err, e8.data(), e8.size());
    hal_.write32(b + cim_reg::TRAIN_LAYER, l);
    hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(n));
    set64(cim_reg::INPUT_LO, to_macro(a_err, in0, std::uint64_t{n} * M, "errors"));
    set64(cim_reg::OUTPUT_LO, cfg_.use_dma ? out0 : a_delta);
    command(cim_bit::CTRL_BACKWARD, "BACKWARD");
    from_macro(out0, a_delta, std::uint64_t{n} * K * 4, "transposed sums");
    std::vector<std::int32_t> d32(n * K);
    hal_.read_block(a_delta, d32.data(), d32.size() * 4);
    const std::vector<std::int64_t> delta(d32.begin(), d32.end());
    const std::vector<std::int32_t> t = net.thresholds(l - 1);
    r.errors[l - 1] = two_way_hidden_errors(delta.data(), r.sums[l - 1].data(), delta.size(), cfg, l - 1, t.data(), K);
  }
  // 4. Gradients on the accelerator (GRADIENT), 5. the latent update on the driver (the latent
  // weights DMA'd from their store to the working buffer and back), 6. the changed cells
  // written (UPDATE).
  std::vector<std::int32_t> g32;
  std::vector<std::int64_t> g;
  for (unsigned l = 0; l < L; ++l) {
    phase(TrainPhase::gradient);
    const unsigned K = net.widths[l], M = net.widths[l + 1];
    const std::size_t first = r.changed.size();
    // the layer's inputs: the pixels as the forward read took them, then the signs of the kept sums
    const std::vector<std::int32_t> t = l == 0 ? std::vector<std::int32_t>{} : net.thresholds(l - 1);
    const std::vector<std::int16_t> x = l == 0 ? two_way_first_inputs(images, n, pixels, cfg)
                                               : two_way_hidden_inputs(r.sums[l - 1].data(), r.sums[l - 1].size(),
                                                                       t.data(), K);
    const std::vector<std::int8_t> e8(r.errors[l].begin(), r.errors[l].end());
    hal_.write_block(a_err, e8.data(), e8.size());
    hal_.write_block(a_x, x.data(), x.size() * 2);
    hal_.write32(b + cim_reg::TRAIN_LAYER, l);
    hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(n));
    set64(cim_reg::INPUT_LO, to_macro(a_err, in0, std::uint64_t{n} * M, "errors"));
    set64(cim_reg::ACT_LO, to_macro(a_x, in0 + up8(std::uint64_t{n} * M), std::uint64_t{n} * K * 2, "layer inputs"));
    // gradient rows in chunks that fit the output buffer (use_dma) — all at once otherwise
    const std::uint32_t rows =
        cfg_.use_dma ? static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(M, 2 * half_out_ / (4 * std::uint64_t{K}))))
                     : M;
    for (std::uint32_t j0 = 0; j0 < M; j0 += rows) {
      const std::uint32_t cnt = std::min(rows, M - j0);
      hal_.write32(b + cim_reg::GRAD_FIRST, j0);
      hal_.write32(b + cim_reg::GRAD_COUNT, cnt);
      set64(cim_reg::OUTPUT_LO, cfg_.use_dma ? out0 : latent_.grad + std::uint64_t{j0} * K * 4);
      command(cim_bit::CTRL_GRADIENT, "GRADIENT");
      from_macro(out0, latent_.grad + std::uint64_t{j0} * K * 4, std::uint64_t{cnt} * K * 4, "gradients");
    }
    phase(TrainPhase::update);
    const std::uint64_t lat_bytes = std::uint64_t{M} * K * 2;
    // the latent weights into the working buffer (DMA; the store itself without use_dma)
    const std::uint64_t work = cfg_.use_dma ? latent_.work : latent_.layer[l];
    if (cfg_.use_dma) dma(latent_.layer[l], latent_.work, lat_bytes, "latent weights (in)");
    hal_.read_block(work, net.latent[l].data(), lat_bytes);
    g32.resize(std::size_t{M} * K);
    hal_.read_block(latent_.grad, g32.data(), g32.size() * 4);
    g.assign(g32.begin(), g32.end());
    two_way_apply_gradient(net, l, g.data(), cfg, r.changed);
    hal_.write_block(work, net.latent[l].data(), lat_bytes);
    if (cfg_.use_dma) dma(latent_.work, latent_.layer[l], lat_bytes, "latent weights (out)");
    if (r.changed.size() == first) continue;
    const std::uint64_t rb = cim_update_record_bytes(M);
    std::vector<std::uint8_t> records;
    for (std::size_t c = first; c < r.changed.size(); ++c) {
      const unsigned k = r.changed[c].input;
      if (c > first && r.changed[c - 1].input == k) continue;  // one record per changed input (sorted)
      const std::size_t at = records.size();
      records.resize(at + rb, 0);
      for (int i = 0; i < 4; ++i) records[at + i] = static_cast<std::uint8_t>(k >> (8 * i));
      for (unsigned j = 0; j < M; ++j)
        if (net.latent[l][std::size_t{j} * K + k] >= 0) records[at + 8 + j / 8] |= static_cast<std::uint8_t>(1u << (j % 8));
    }
    // records in chunks that fit the input buffer (use_dma) — all at once otherwise
    const std::uint64_t per = cfg_.use_dma ? std::max<std::uint64_t>(1, 2 * half_in_ / rb) : records.size() / rb;
    for (std::uint64_t r0 = 0; r0 < records.size() / rb; r0 += per) {
      const std::uint64_t cnt = std::min<std::uint64_t>(per, records.size() / rb - r0);
      hal_.write_block(a_err, records.data() + r0 * rb, cnt * rb);
      hal_.write32(b + cim_reg::TRAIN_LAYER, l);
      hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(cnt));
      set64(cim_reg::INPUT_LO, to_macro(a_err, in0, cnt * rb, "row records"));
      command(cim_bit::CTRL_UPDATE, "UPDATE");
    }
  }
  // 7. Learned thresholds (after every use of the forward pass's ones): the host steps them
  // (two_way_update_thresholds) and writes a hidden layer's table (M int32) when one changed.
  if (cfg.learn_thresholds)
    for (unsigned l = 0; l + 1 < L; ++l) {
      if (!two_way_update_thresholds(net, l, r.errors[l].data(), n, cfg)) continue;
      r.threshold_layers.push_back(l);
      const unsigned M = net.widths[l + 1];
      const std::vector<std::int32_t> t = net.thresholds(l);
      hal_.write_block(a_err, t.data(), std::size_t{M} * 4);
      hal_.write32(b + cim_reg::TRAIN_LAYER, l);
      set64(cim_reg::INPUT_LO, to_macro(a_err, in0, std::uint64_t{M} * 4, "thresholds"));
      command(cim_bit::CTRL_THRESHOLDS, "THRESHOLDS");
    }
  hal_.write32(b + cim_reg::IO_MODE, 0);
  phase(TrainPhase::idle);
  return r;
}

std::vector<unsigned> TwoWayTrainDriver::predict(const std::uint8_t* images, std::size_t n, std::size_t pixels,
                                                 std::size_t chunk) {
  // Shapes come from the loaded network: the caller passes chunk <= max_batch(widths).
  if (chunk == 0) throw std::invalid_argument("TwoWayTrainDriver::predict: chunk must be at least 1");
  const std::uint64_t b = cfg_.macro_base;
  const std::uint32_t C = classes_;
  if (C == 0) throw std::logic_error("TwoWayTrainDriver::predict before load()");
  const std::uint64_t a_img = latent_.operands;  // after the latent store (load())
  const std::uint64_t a_out = (a_img + chunk * pixels + 7) / 8 * 8;
  if (a_out + chunk * C * 4 - cfg_.buffer_base > cfg_.buffer_bytes)
    throw CimDriverError("TwoWayTrainDriver::predict: chunks of " + std::to_string(chunk) +
                         " images do not fit the scratch memory");
  const std::uint64_t out0 = 2 * half_in_;
  phase(TrainPhase::evaluate);
  hal_.write32(b + cim_reg::IO_MODE, cfg_.use_dma ? cim_bit::IO_INPUT_BUFFER | cim_bit::IO_OUTPUT_BUFFER : 0u);
  std::vector<unsigned> pred;
  pred.reserve(n);
  std::vector<std::int32_t> sums;
  for (std::size_t i0 = 0; i0 < n; i0 += chunk) {
    const std::size_t c = std::min(chunk, n - i0);
    hal_.write_block(a_img, images + i0 * pixels, c * pixels);
    hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(c));
    set64(cim_reg::INPUT_LO, to_macro(a_img, 0, c * pixels, "test images"));
    set64(cim_reg::OUTPUT_LO, cfg_.use_dma ? out0 : a_out);
    command(cim_bit::CTRL_START, "forward (START)");
    from_macro(out0, a_out, std::uint64_t{c} * C * 4, "logits");
    sums.resize(c * C);
    hal_.read_block(a_out, sums.data(), sums.size() * 4);
    for (std::size_t i = 0; i < c; ++i) {
      const std::int32_t* s = sums.data() + i * C;
      pred.push_back(static_cast<unsigned>(std::max_element(s, s + C) - s));
    }
  }
  hal_.write32(b + cim_reg::IO_MODE, 0);
  phase(TrainPhase::idle);
  return pred;
}

}  // namespace cimvp

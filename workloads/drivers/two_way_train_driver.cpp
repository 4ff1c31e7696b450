#include "cimvp/workloads/two_way_train_driver.h"

#include "cimvp/cim/controller/cim_types.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

TwoWayTrainDriver::TwoWayTrainDriver(Hal& hal, const TwoWayTrainDriverConfig& config) : hal_(hal), cfg_(config) {
  if (cfg_.buffer_base % 8 != 0 || cfg_.image_base % 8 != 0)
    throw std::invalid_argument("TwoWayTrainDriver: image_base and buffer_base must be 8-byte aligned");
}

void TwoWayTrainDriver::set64(std::uint32_t lo_reg, std::uint64_t v) {
  hal_.write32(cfg_.macro_base + lo_reg, static_cast<std::uint32_t>(v));
  hal_.write32(cfg_.macro_base + lo_reg + 4, static_cast<std::uint32_t>(v >> 32));
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

void TwoWayTrainDriver::load(const TwoWayMlp& net, unsigned pixel_threshold) {
  BnnNetwork bnn;
  bnn.mode = CellMode::xnor_8t;
  bnn.input = InputEncoding::binarized;
  bnn.input_threshold = pixel_threshold;
  bnn.description = "two-way training";
  for (unsigned l = 0; l < net.layers(); ++l) {
    BnnLayer L;
    L.inputs = net.widths[l];
    L.outputs = net.widths[l + 1];
    L.weights = net.binary(l);
    if (l + 1 < net.layers()) {
      L.threshold.assign(L.outputs, 0);  // a = +1 when s >= 0
      L.flip.assign(L.outputs, 0);
    } else {
      L.scale.assign(L.outputs, 1.0f);
      L.bias.assign(L.outputs, 0.0f);
    }
    bnn.layers.push_back(std::move(L));
  }
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
}

TrainStepResult TwoWayTrainDriver::step(TwoWayMlp& net, const FixedPointTrainConfig& cfg, const std::uint8_t* images,
                                        const std::uint8_t* labels, std::size_t n, std::size_t pixels) {
  cfg.validate();
  const unsigned L = net.layers(), C = net.widths.back();
  if (n == 0) throw std::invalid_argument("TwoWayTrainDriver::step: empty mini-batch");
  if (pixels != net.widths[0]) throw std::invalid_argument("TwoWayTrainDriver::step: pixels != the network's inputs");
  // Scratch layout: [images | kept sums | output sums | errors / records | transposed sums], 8-aligned.
  auto up8 = [](std::uint64_t v) { return (v + 7) / 8 * 8; };
  std::uint64_t all_m = 0, max_w = 0;
  for (unsigned l = 0; l < L; ++l) {
    all_m += net.widths[l + 1];
    max_w = std::max<std::uint64_t>(max_w, std::max(net.widths[l], net.widths[l + 1]));
  }
  const std::uint64_t a_img = cfg_.buffer_base;
  const std::uint64_t a_keep = up8(a_img + n * pixels);
  const std::uint64_t a_out = up8(a_keep + n * all_m * 4);
  const std::uint64_t a_err = up8(a_out + n * C * 4);
  const std::uint64_t rec_bytes = cim_update_record_bytes(static_cast<std::uint32_t>(max_w));
  const std::uint64_t a_delta = up8(a_err + std::max<std::uint64_t>(n * max_w, max_w * rec_bytes));
  const std::uint64_t end = a_delta + n * max_w * 4;
  if (end - cfg_.buffer_base > cfg_.buffer_bytes)
    throw CimDriverError("TwoWayTrainDriver: a step of " + std::to_string(n) + " samples needs " +
                         std::to_string(end - cfg_.buffer_base) + " bytes of scratch memory, have " +
                         std::to_string(cfg_.buffer_bytes));
  const std::uint64_t b = cfg_.macro_base;

  // 1. Forward with the pre-activations kept.
  hal_.write_block(a_img, images, n * pixels);
  hal_.write32(b + cim_reg::IO_MODE, 0);
  hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(n));
  set64(cim_reg::INPUT_LO, a_img);
  set64(cim_reg::OUTPUT_LO, a_out);
  set64(cim_reg::KEEP_LO, a_keep);
  command(cim_bit::CTRL_START | cim_bit::CTRL_KEEP, "forward (START|KEEP)");
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
  // Inputs of every layer: the binarized pixels, then the signs of the kept sums.
  std::vector<BitMatrix> x(L);
  pack_threshold(images, n, pixels, cfg.pixel_threshold, x[0]);
  for (unsigned l = 1; l < L; ++l) {
    x[l].resize(n, net.widths[l]);
    for (std::size_t i = 0; i < n; ++i)
      for (unsigned k = 0; k < net.widths[l]; ++k)
        if (r.sums[l - 1][i * net.widths[l] + k] >= 0) x[l].set(i, k, true);
  }
  // 2. Loss on the host.
  r.errors.resize(L);
  r.errors[L - 1] = two_way_output_errors(r.sums[L - 1].data(), labels, n, C, cfg);
  r.correct = two_way_correct(r.sums[L - 1].data(), labels, n, C);
  // 3. Back-propagation through the transposed reads.
  hal_.write32(b + cim_reg::ERROR_BITS, cfg.error_bits);
  for (unsigned l = L - 1; l >= 1; --l) {
    const unsigned K = net.widths[l], M = net.widths[l + 1];
    std::vector<std::int8_t> e8(r.errors[l].begin(), r.errors[l].end());
    hal_.write_block(a_err, e8.data(), e8.size());
    hal_.write32(b + cim_reg::TRAIN_LAYER, l);
    hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(n));
    set64(cim_reg::INPUT_LO, a_err);
    set64(cim_reg::OUTPUT_LO, a_delta);
    command(cim_bit::CTRL_BACKWARD, "BACKWARD");
    std::vector<std::int32_t> d32(n * K);
    hal_.read_block(a_delta, d32.data(), d32.size() * 4);
    const std::vector<std::int64_t> delta(d32.begin(), d32.end());
    r.errors[l - 1] = two_way_hidden_errors(delta.data(), r.sums[l - 1].data(), delta.size(), cfg);
    (void)M;
  }
  // 4. Gradients and the latent update (host), 5. the changed cells written (UPDATE).
  for (unsigned l = 0; l < L; ++l) {
    const std::size_t first = r.changed.size();
    two_way_update_layer(net, l, r.errors[l].data(), x[l], n, cfg, r.changed);
    if (r.changed.size() == first) continue;
    const unsigned K = net.widths[l], M = net.widths[l + 1];
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
    hal_.write_block(a_err, records.data(), records.size());
    hal_.write32(b + cim_reg::TRAIN_LAYER, l);
    hal_.write32(b + cim_reg::BATCH, static_cast<std::uint32_t>(records.size() / rb));
    set64(cim_reg::INPUT_LO, a_err);
    command(cim_bit::CTRL_UPDATE, "UPDATE");
  }
  return r;
}

}  // namespace cimvp

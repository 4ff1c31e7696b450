#include "cimvp/workloads/bnn_driver.h"

#include "cimvp/circuit/activation.h"
#include "cimvp/cim/controller/descriptor.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

namespace cimvp {

namespace {

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return (v + a - 1) / a * a; }

// One MLSA table: every (row block, plane, segment) transfer function of a mapped layer.
std::vector<std::uint8_t> mlsa_table(const MappedLayer& ml, std::size_t layer) {
  std::vector<std::uint8_t> t;
  MlsaTableEntry e;
  for (unsigned rb = 0; rb < ml.row_blocks(); ++rb)
    for (unsigned p = 0; p < ml.planes(); ++p)
      for (const Quantizer& q : ml.quantizers(rb, p)) {
        e.references_half.clear();
        for (double r : q.references()) {
          const double h = 2.0 * r;
          if (h != std::nearbyint(h) || std::fabs(h) > 2e9)
            throw std::invalid_argument("build_cim_image: layer " + std::to_string(layer) +
                                        " has a reference that is not a multiple of 1/2");
          e.references_half.push_back(static_cast<std::int32_t>(h));
        }
        e.values_half = q.values_half();
        encode(e, t);
      }
  return t;
}

}  // namespace

CimNetworkImage build_cim_image(const BnnNetwork& net, std::uint64_t base, const QuantizedNetwork* quantizers) {
  validate_network(net, net.layers.empty() ? 0 : net.layers[0].input_size());
  if (base % 8 != 0) throw std::invalid_argument("build_cim_image: base " + hex(base) + " is not 8-byte aligned");
  const std::size_t L = net.layers.size();
  if (quantizers != nullptr) {
    if (quantizers->layers() != L)
      throw std::invalid_argument("build_cim_image: the QuantizedNetwork has " + std::to_string(quantizers->layers()) +
                                  " layers, the network " + std::to_string(L));
    if (quantizers->needs_calibration())
      throw std::invalid_argument("build_cim_image: the QuantizedNetwork has nonlinear MLSAs and is not calibrated");
  }
  CimNetworkImage img;
  img.base = base;
  img.mode = net.mode;
  img.layers = static_cast<std::uint32_t>(L);
  img.inputs = static_cast<std::uint32_t>(net.layers.front().input_size());  // pixels of a conv first layer's map
  img.outputs = net.layers.back().outputs;
  img.input_format =
      net.input == InputEncoding::bit_serial ? InputFormat::pixels_bit_serial : InputFormat::pixels_binarized;
  img.input_bytes = cim_input_bytes(img.input_format, img.inputs);
  const bool tables =
      quantizers != nullptr && quantizers->layer(0).config().array.access != AccessMode::row_by_row;
  img.has_tables = tables;
  if (quantizers != nullptr) {
    img.array = quantizers->layer(0).config().array;
    img.sense = quantizers->layer(0).config().sense;
    if (img.array.mode != net.mode)
      throw std::invalid_argument("build_cim_image: QuantizedNetwork cell mode differs from the network's");
  }

  // Descriptors first (encoded last, once every address is known), then the data.
  auto& b = img.bytes;
  b.assign(cim_desc::kHeaderBytes + L * cim_desc::kLayerBytes, 0);
  NetworkDescriptor nd;
  nd.layers.resize(L);
  // the lowest descriptor version that holds the network: 4 only with conv layers
  nd.header.version = 3;
  for (const BnnLayer& layer : net.layers)
    if (layer.is_conv()) nd.header.version = 4;
  for (std::size_t l = 0; l < L; ++l) {
    const BnnLayer& layer = net.layers[l];
    const bool last = l + 1 == L;
    LayerDescriptor& d = nd.layers[l];
    d.kind = layer.is_conv() ? LayerKind::conv : LayerKind::fully_connected;
    if (layer.is_conv()) {
      if (layer.has_supports())
        throw std::invalid_argument("build_cim_image: layer " + std::to_string(l) +
                                    " is a conv layer with supports; the descriptor has no room for both");
      d.conv = layer.conv;
    }
    d.inputs = layer.inputs;
    d.outputs = layer.outputs;
    if (l == 0) {
      d.input_kind = first_layer_input_kind(net);
      d.planes = static_cast<std::uint8_t>(first_layer_planes(net));
      d.format = img.input_format;
      d.pixel_threshold = static_cast<std::uint8_t>(net.input_threshold);
      d.first_bit = net.input == InputEncoding::bit_serial ? static_cast<std::uint8_t>(8 - net.input_bits) : 0;
    } else {
      d.input_kind = native_input(net.mode);
      d.planes = 1;
      d.format = InputFormat::on_chip;
    }
    d.last = last;

    // Weights: M rows of ⌈K/64⌉ little-endian words, bit k = (W[j][k] == +1).
    const std::size_t row_bytes = words_for_bits(layer.inputs) * 8;
    std::size_t at = align_up(b.size(), 8);
    d.weights = base + at;
    b.resize(at + layer.outputs * row_bytes, 0);
    for (std::size_t j = 0; j < layer.outputs; ++j) {
      const std::int8_t* w = layer.weights.data() + j * layer.inputs;
      std::uint8_t* row = b.data() + at + j * row_bytes;
      for (std::size_t k = 0; k < layer.inputs; ++k)
        if (w[k] == 1) row[k / 8] |= static_cast<std::uint8_t>(1u << (k % 8));
    }
    if (!last) {
      at = align_up(b.size(), 4);
      d.thresholds = base + at;
      b.resize(at + layer.outputs * 4, 0);
      for (std::size_t j = 0; j < layer.outputs; ++j) {
        const auto v = static_cast<std::uint32_t>(layer.threshold[j]);
        for (int i = 0; i < 4; ++i) b[at + j * 4 + i] = static_cast<std::uint8_t>(v >> (8 * i));
      }
      at = b.size();
      d.flips = base + at;
      b.insert(b.end(), layer.flip.begin(), layer.flip.end());
    }
    if (layer.has_supports()) {
      img.has_supports = true;
      d.support_block = layer.support_block;
      d.support_bits = static_cast<std::uint8_t>(layer.support_bits);
      d.support_default = layer.support_default;
      at = b.size();
      d.supports = base + at;
      b.insert(b.end(), layer.support.begin(), layer.support.end());
    }
    if (tables && (!layer.has_supports() || quantizers->layer(l).config().sense.needs_calibration())) {
      const std::vector<std::uint8_t> t = mlsa_table(quantizers->layer(l), l);
      at = align_up(b.size(), 4);
      d.table = base + at;
      d.table_bytes = static_cast<std::uint32_t>(t.size());
      b.resize(at, 0);
      b.insert(b.end(), t.begin(), t.end());
    }
  }
  const std::vector<std::uint8_t> desc = encode(nd);
  std::copy(desc.begin(), desc.end(), b.begin());
  b.resize(align_up(b.size(), 8), 0);
  return img;
}

// ---------------------------------------------------------------- driver

BnnDriver::BnnDriver(Hal& hal, const BnnDriverConfig& config) : hal_(hal), config_(config) {
  if (config_.batch == 0) throw std::invalid_argument("BnnDriver: batch must be >= 1");
}

std::uint32_t BnnDriver::reg(std::uint32_t offset) { return hal_.read32(config_.macro_base + offset); }
void BnnDriver::set_reg(std::uint32_t offset, std::uint32_t value) { hal_.write32(config_.macro_base + offset, value); }
void BnnDriver::set_reg64(std::uint32_t lo, std::uint64_t value) {
  set_reg(lo, static_cast<std::uint32_t>(value));
  set_reg(lo + 4, static_cast<std::uint32_t>(value >> 32));
}

void BnnDriver::probe(const CimNetworkImage& image) {
  using namespace cim_reg;
  const std::uint32_t id = reg(ID);
  if (id != cim_id)
    throw CimDriverError("no CIM macro at " + hex(config_.macro_base) + ": ID reads " + hex(id) + ", expected " +
                         hex(cim_id));
  const std::uint32_t version = reg(VERSION);
  if (version >> 16 != cim_version >> 16)
    throw CimDriverError("CIM macro version " + hex(version) + " is not supported (expected " + hex(cim_version) + ")");
  const std::uint32_t cap_array = reg(CAP_ARRAY), cap_mode = reg(CAP_MODE), cap_sense = reg(CAP_SENSE);
  const auto mode = static_cast<CellMode>(cap_mode & 3u);
  if (mode != image.mode)
    throw CimDriverError(std::string("the network is for ") + to_string(image.mode) + " cells, the macro has " +
                         to_string(mode));
  if (image.has_supports && (reg(CAP_DRIVE) & 1u) == 0)
    throw CimDriverError("the network has supports but the CIM macro drives binary word lines "
                         "(CAP_DRIVE kind 0; needs cim.drive.kind: row_dac)");
  if (!image.has_tables) return;
  const unsigned rows = cap_array & 0xFFFFu, cols = cap_array >> 16;
  const auto access = static_cast<AccessMode>((cap_mode >> 2) & 3u);
  const unsigned group = cap_mode >> 16, bits = cap_sense & 0x1Fu;
  const auto quant = static_cast<Quantization>((cap_sense >> 5) & 3u);
  const auto kind = static_cast<SenseKind>((cap_sense >> 8) & 1u);
  const auto full_scale = static_cast<AdcRange>((cap_sense >> 10) & 1u);
  std::ostringstream diff;
  if (rows != image.array.rows || cols != image.array.cols)
    diff << " sub-arrays " << rows << "x" << cols << " (image " << image.array.rows << "x" << image.array.cols << ")";
  if (access != image.array.access) diff << " access " << to_string(access) << " (image " << to_string(image.array.access) << ")";
  if (access == AccessMode::group && group != image.array.group_rows)
    diff << " group rows " << group << " (image " << image.array.group_rows << ")";
  const SenseConfig& want = image.sense;
  if (kind != want.kind) diff << " sense kind " << to_string(kind) << " (image " << to_string(want.kind) << ")";
  if (bits != want.bits) diff << " sense bits " << bits << " (image " << want.bits << ")";
  if (kind == SenseKind::mlsa && want.kind == SenseKind::mlsa && quant != want.quantization)
    diff << " quantization " << to_string(quant) << " (image " << to_string(want.quantization) << ")";
  if (kind == SenseKind::adc && want.kind == SenseKind::adc && full_scale != want.full_scale)
    diff << " full scale " << to_string(full_scale) << " (image " << to_string(want.full_scale) << ")";
  if (!diff.str().empty())
    throw CimDriverError("the sense tables of the image were made for another macro:" + diff.str());
}

void BnnDriver::set_drop_level(unsigned drop_permille) {
  if (drop_permille > kDropLevelScale)
    throw CimDriverError("support drop level " + std::to_string(drop_permille) + " per mille, expected 0..1000");
  if ((reg(cim_reg::CAP_DRIVE) & 1u) == 0)
    throw CimDriverError("the CIM macro has binary word lines (CAP_DRIVE): no supports to drop");
  set_reg(cim_reg::SUPPORT_DROP, drop_permille);
}

void BnnDriver::wait_done(const char* what) {
  using namespace cim_reg;
  using namespace cim_bit;
  hal_.wait_irq(config_.irq_line);
  const std::uint32_t status = reg(STATUS);
  if (status & STATUS_ERROR) {
    const std::uint32_t code = reg(ERROR_CODE), info = reg(ERROR_INFO);
    const std::uint64_t addr = static_cast<std::uint64_t>(reg(ERR_ADDR_HI)) << 32 | reg(ERR_ADDR_LO);
    set_reg(STATUS, STATUS_DONE | STATUS_ERROR);
    set_reg(IRQ_STATUS, IRQ_DONE | IRQ_ERROR);
    std::ostringstream os;
    os << "CIM macro " << what << " failed: " << cim_error_name(code) << " (ERROR_CODE " << code << ")";
    if (info != 0xFFFFFFFFu) os << " in layer " << info;
    if (addr != 0) os << " at " << hex(addr);
    throw CimDriverError(os.str(), code);
  }
  if (!(status & STATUS_DONE))
    throw CimDriverError(std::string("CIM macro ") + what + ": interrupt without DONE (STATUS " + hex(status) + ")");
  set_reg(STATUS, STATUS_DONE);
  set_reg(IRQ_STATUS, IRQ_DONE | IRQ_ERROR);
}

void BnnDriver::load(const CimNetworkImage& image) {
  using namespace cim_reg;
  using namespace cim_bit;
  probe(image);
  bool copied = false;
  for (unsigned attempt = 0; !copied; ++attempt) {
    try {
      hal_.write_block(image.base, image.bytes.data(), image.bytes.size());
      copied = true;
    } catch (const BusError&) {
      if (attempt >= config_.retries) throw;
    }
  }
  set_reg(IRQ_STATUS, IRQ_DONE | IRQ_ERROR);  // drop anything stale
  set_reg(STATUS, STATUS_DONE | STATUS_ERROR);
  set_reg(IRQ_ENABLE, IRQ_DONE | IRQ_ERROR);
  set_reg64(DESC_LO, image.base);
  // a transient error (bus error while copying, error interrupt of the load) is retried
  for (unsigned attempt = 0;; ++attempt) {
    try {
      if (attempt > 0) {
        hal_.write_block(image.base, image.bytes.data(), image.bytes.size());
        set_reg64(DESC_LO, image.base);
      }
      set_reg(CTRL, CTRL_LOAD);
      wait_done("load");
      break;
    } catch (const CimDriverError& e) {
      // only a bus error may be transient: a refused network fails the same way again
      if (attempt >= config_.retries || e.code() != cim_err::BUS_ERROR) throw;
    } catch (const BusError&) {
      if (attempt >= config_.retries) throw;
    }
  }
  image_ = image;
  image_.bytes.clear();
  image_.bytes.shrink_to_fit();
  loaded_ = true;
}

BnnDriver::PingPong BnnDriver::ping_pong_areas(std::size_t vectors, std::size_t M, std::size_t vb, bool host,
                                               const std::string& what) const {
  const std::uint64_t out_bytes = align_up(vectors * M * 4, 64), in_bytes = host ? align_up(vectors * vb, 64) : 0;
  const std::uint64_t base = align_up(config_.buffer_base, 64);
  const std::uint64_t need = base - config_.buffer_base + 2 * out_bytes + 2 * in_bytes;
  if (need > config_.buffer_bytes)
    throw CimDriverError("BnnDriver: " + what + " needs " + std::to_string(need) + " buffer bytes, " +
                         std::to_string(config_.buffer_bytes) + " available");
  return PingPong{{base, base + out_bytes}, {base + 2 * out_bytes, base + 2 * out_bytes + in_bytes}};
}

void BnnDriver::collect_sums(std::uint64_t sums_addr, std::size_t k, std::uint32_t M, const float* scale,
                             const float* bias, bool keep_sums, BnnRunResult& res) {
  std::vector<std::uint8_t> raw(k * M * 4);
  hal_.read_block(sums_addr, raw.data(), raw.size());
  std::vector<std::int32_t> sums(k * M);
  for (std::size_t i = 0; i < sums.size(); ++i)
    sums[i] = static_cast<std::int32_t>(static_cast<std::uint32_t>(raw[4 * i]) |
                                        static_cast<std::uint32_t>(raw[4 * i + 1]) << 8 |
                                        static_cast<std::uint32_t>(raw[4 * i + 2]) << 16 |
                                        static_cast<std::uint32_t>(raw[4 * i + 3]) << 24);
  std::vector<std::uint32_t> cls;
  argmax_affine(sums.data(), k, M, scale, bias, cls);
  res.predictions.insert(res.predictions.end(), cls.begin(), cls.end());
  if (keep_sums) res.sums_half.insert(res.sums_half.end(), sums.begin(), sums.end());
}

BnnRunResult BnnDriver::infer(const std::uint8_t* vectors, std::size_t n, const float* scale, const float* bias,
                              bool keep_sums, const Progress& progress) {
  return stream(vectors, 0, n, scale, bias, keep_sums, progress);
}

BnnRunResult BnnDriver::infer_in_memory(std::uint64_t vectors_addr, std::size_t n, const float* scale,
                                        const float* bias, bool keep_sums, const Progress& progress) {
  return stream(nullptr, vectors_addr, n, scale, bias, keep_sums, progress);
}

void BnnDriver::give_up(BnnRunResult& res, std::size_t first, std::size_t count, const std::string& stage,
                        const std::string& cause) {
  res.failures.push_back(BnnBatchFailure{first, count, stage, cause});
  for (std::size_t i = first; i < first + count; ++i) res.unclassified.push_back(i);
}

BnnRunResult BnnDriver::stream(const std::uint8_t* host, std::uint64_t addr, std::size_t n, const float* scale,
                               const float* bias, bool keep_sums, const Progress& progress) {
  using namespace cim_reg;
  using namespace cim_bit;
  if (!loaded_) throw CimDriverError("BnnDriver: no network loaded");
  if (config_.use_dma) return stream_dma(host, addr, n, scale, bias, keep_sums, progress);
  BnnRunResult res;
  res.predictions.reserve(n);
  if (n == 0) return res;
  const std::size_t B = config_.batch, M = image_.outputs, vb = image_.input_bytes;
  // Buffers: two output areas, and two input areas when the driver copies the inputs.
  const PingPong areas = ping_pong_areas(B, M, vb, host != nullptr, "batch " + std::to_string(B));
  const std::uint64_t* out_buf = areas.out;
  const std::uint64_t* in_buf = areas.in;

  const std::size_t nb = (n + B - 1) / B;
  res.vectors_per_start = B;
  auto count = [&](std::size_t b) { return std::min(B, n - b * B); };
  // Per batch: "" while fine, else the stage and cause that made the driver give it up.
  std::vector<std::string> failed_stage(nb), failed_cause(nb);
  auto fail = [&](std::size_t b, const char* stage, const std::string& cause) {
    failed_stage[b] = stage;
    failed_cause[b] = cause;
  };
  // One step with retries: returns true when it succeeded; the last error is kept.
  auto attempt = [&](const std::function<void()>& step, std::string& error) {
    for (unsigned a = 0;; ++a) {
      try {
        step();
        return true;
      } catch (const CimDriverError& e) {
        error = e.what();
        // macro errors other than BUS_ERROR (a bad batch, a misaligned address) are not
        // transient: no retry.  DMA and host bus errors (code NONE) are retried.
        if (e.code() != cim_err::NONE && e.code() != cim_err::BUS_ERROR) a = config_.retries;
      } catch (const BusError& e) {
        error = e.what();
      }
      res.errors.push_back(error);
      if (a >= config_.retries) return false;
      ++res.retries;
    }
  };
  auto copy_in = [&](std::size_t b) {  // host copies batch b into input area b % 2
    std::string err;
    if (!attempt([&] { hal_.write_block(in_buf[b % 2], host + b * B * vb, count(b) * vb); }, err))
      fail(b, "input copy", err);
  };
  auto start = [&](std::size_t b) {
    set_reg64(INPUT_LO, host ? in_buf[b % 2] : addr + b * B * vb);
    set_reg64(OUTPUT_LO, out_buf[b % 2]);
    set_reg(BATCH, static_cast<std::uint32_t>(count(b)));
    set_reg(CTRL, CTRL_START);
  };
  auto collect = [&](std::size_t b) {  // read back batch b's sums, classify
    const std::size_t c = count(b);
    if (failed_stage[b].empty()) {
      std::string err;
      BnnRunResult part;
      if (attempt([&] { collect_sums(out_buf[b % 2], c, M, scale, bias, keep_sums, part); }, err)) {
        res.predictions.insert(res.predictions.end(), part.predictions.begin(), part.predictions.end());
        res.sums_half.insert(res.sums_half.end(), part.sums_half.begin(), part.sums_half.end());
      } else {
        fail(b, "sums read", err);
      }
    }
    if (!failed_stage[b].empty()) {
      res.predictions.insert(res.predictions.end(), c, kUnclassified);
      if (keep_sums) res.sums_half.insert(res.sums_half.end(), c * M, 0);
      give_up(res, b * B, c, failed_stage[b], failed_cause[b]);
    }
    if (progress) progress(b * B + c, n);
  };

  if (host) copy_in(0);
  for (std::size_t b = 0; b < nb; ++b) {
    const bool run = failed_stage[b].empty();
    if (run) start(b);
    // While the macro computes batch b: copy batch b + 1, classify batch b − 1.
    if (host && b + 1 < nb) copy_in(b + 1);
    if (b > 0) collect(b - 1);
    if (run) {
      // the first attempt was started above; a retry starts the batch again (its inputs
      // are still in place: the other area was refilled)
      bool first = true;
      std::string err;
      if (!attempt([&] {
            if (!first) start(b);
            first = false;
            wait_done("batch");
          }, err))
        fail(b, "batch", err);
      ++res.batches;
    }
  }
  collect(nb - 1);
  return res;
}

}  // namespace cimvp

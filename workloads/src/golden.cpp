#include "cimvp/workloads/golden.h"

#include "cimvp/circuit/activation.h"
#include "cimvp/circuit/binary_gemm.h"
#include "cimvp/workloads/network_io.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
constexpr std::size_t kSlice = 1024;  // images per slice in run() and calibrate()
std::string where(std::size_t l) { return "network layer " + std::to_string(l) + ": "; }
// Sums a layer reports per image: M (dense) or windows × M (conv, HWC order of the conv output).
std::size_t sums_per_image(const BnnLayer& L) { return L.is_conv() ? L.conv.windows() * L.outputs : L.outputs; }
}  // namespace

std::vector<BitMatrix> conv_windows(const ConvShape& shape, const std::vector<BitMatrix>& maps) {
  std::vector<BitMatrix> out(maps.size());
  const std::size_t W = shape.windows();
  for (std::size_t p = 0; p < maps.size(); ++p) {
    const BitMatrix& m = maps[p];
    if (m.bits() != shape.input_bits())
      throw std::invalid_argument("conv_windows: maps of " + std::to_string(m.bits()) + " bits, the conv layer reads " +
                                  std::to_string(shape.input_bits()));
    out[p].resize(m.rows() * W, shape.window_rows());
    for (std::size_t i = 0; i < m.rows(); ++i)
      for (unsigned oy = 0; oy < shape.out_h(); ++oy)
        for (unsigned ox = 0; ox < shape.out_w(); ++ox)
          gather_window(shape, m.row(i), oy, ox, out[p].row(i * W + std::size_t{oy} * shape.out_w() + ox));
  }
  return out;
}

BitMatrix conv_output_maps(const ConvShape& shape, const BitMatrix& fired) {
  const std::size_t W = shape.windows(), M = shape.out_c;
  if (fired.bits() != M || fired.rows() % W != 0)
    throw std::invalid_argument("conv_output_maps: " + std::to_string(fired.rows()) + " x " +
                                std::to_string(fired.bits()) + " bits, expected images*" + std::to_string(W) + " x " +
                                std::to_string(M));
  const std::size_t n = fired.rows() / W;
  BitMatrix out(n, shape.output_bits());
  std::vector<Word> map(words_for_bits(shape.conv_output_bits()));
  for (std::size_t i = 0; i < n; ++i) {
    std::fill(map.begin(), map.end(), Word{0});
    for (std::size_t r = 0; r < W; ++r)
      for (std::size_t c = 0; c < M; ++c)
        if (fired.get(i * W + r, c)) {
          const std::size_t b = r * M + c;
          map[b / kWordBits] |= Word{1} << (b % kWordBits);
        }
    max_pool(shape, map.data(), out.row(i));
  }
  return out;
}

void validate_network(const BnnNetwork& net, std::size_t n_pixels) {
  if (net.mode != CellMode::hbnn_6t && net.mode != CellMode::xnor_8t)
    throw std::invalid_argument("network: mode = " + std::to_string(static_cast<int>(net.mode)) +
                                ", expected hbnn_6t|xnor_8t");
  if (net.input != InputEncoding::binarized && net.input != InputEncoding::bit_serial)
    throw std::invalid_argument("network: input = " + std::to_string(static_cast<int>(net.input)) +
                                ", expected binarized|bit_serial");
  if (net.input == InputEncoding::bit_serial && (net.input_bits < 1 || net.input_bits > 8))
    throw std::invalid_argument("network: input_bits = " + std::to_string(net.input_bits) + ", expected 1..8");
  if (net.input == InputEncoding::binarized && net.input_threshold > 255)
    throw std::invalid_argument("network: input_threshold = " + std::to_string(net.input_threshold) +
                                ", expected 0..255");
  if (net.layers.empty()) throw std::invalid_argument("network: no layers");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    const bool last = l + 1 == net.layers.size();
    if (L.inputs == 0 || L.outputs == 0) throw std::invalid_argument(where(l) + "inputs and outputs must be >= 1");
    if (l > 0 && !L.is_conv() && !net.layers[l - 1].is_conv() && L.inputs != net.layers[l - 1].outputs)
      throw std::invalid_argument(where(l) + "inputs = " + std::to_string(L.inputs) + ", expected " +
                                  std::to_string(net.layers[l - 1].outputs) + " (previous outputs)");
    const std::string conv_problem = conv_layer_problem(net, l);
    if (!conv_problem.empty()) throw std::invalid_argument(where(l) + conv_problem);
    if (l == 0 && L.input_size() != n_pixels)
      throw std::invalid_argument(where(l) + (L.is_conv() ? "conv input map in_h*in_w*in_c = " : "inputs = ") +
                                  std::to_string(L.input_size()) + ", expected " + std::to_string(n_pixels) +
                                  " (pixels per image)");
    const std::size_t mk = std::size_t{L.outputs} * L.inputs;
    if (L.weights.size() != mk)
      throw std::invalid_argument(where(l) + "weights has " + std::to_string(L.weights.size()) +
                                  " entries, expected outputs x inputs = " + std::to_string(mk));
    for (std::size_t i = 0; i < mk; ++i)
      if (L.weights[i] != 1 && L.weights[i] != -1)
        throw std::invalid_argument(where(l) + "weight " + std::to_string(i) + " is " +
                                    std::to_string(static_cast<int>(L.weights[i])) + ", expected -1 or +1");
    if (L.has_supports()) {
      try {
        validate_supports(layer_supports(L).shape, L.support, L.support_default, "supports");
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where(l) + e.what());
      }
    } else if (!L.support.empty() || L.support_bits != 0) {
      throw std::invalid_argument(where(l) + "support codes/bits given but support_block = 0");
    }
    if (!last) {
      if (L.threshold.size() != L.outputs || L.flip.size() != L.outputs)
        throw std::invalid_argument(where(l) + "threshold/flip need " + std::to_string(L.outputs) +
                                    " entries (hidden layer)");
    } else if (L.scale.size() != L.outputs || L.bias.size() != L.outputs) {
      throw std::invalid_argument(where(l) + "scale/bias need " + std::to_string(L.outputs) +
                                  " entries (output layer)");
    }
  }
}

// ---------------------------------------------------------------- (a) exact oracle

GoldenResult exact_inference(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                             std::size_t n_pixels, bool keep_sums, unsigned drop_permille) {
  validate_network(net, n_pixels);
  if (drop_permille > kDropLevelScale)
    throw std::invalid_argument("drop level " + std::to_string(drop_permille) + " per mille (allowed 0..1000)");
  // Per layer and weight: the effective weight code·W (W alone without supports).
  std::vector<std::vector<std::int32_t>> weff(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    if (!L.has_supports()) continue;
    const LayerSupports sup = layer_supports(L);
    const std::vector<std::uint8_t> codes =
        effective_supports(sup.shape, L.support, L.support_default, drop_permille);
    const unsigned B = sup.shape.blocks();
    weff[l].resize(L.weights.size());
    for (std::size_t j = 0; j < L.outputs; ++j)
      for (std::size_t k = 0; k < L.inputs; ++k)
        weff[l][j * L.inputs + k] = codes[j * B + k / L.support_block] * L.weights[j * L.inputs + k];
  }
  const bool xnor = net.mode == CellMode::xnor_8t;
  GoldenResult res;
  res.predictions.resize(n_images);
  if (keep_sums) {
    res.sums_half.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l)
      res.sums_half[l].resize(n_images * sums_per_image(net.layers[l]));
  }
  // Weights widened once to int16 so the dot products below vectorize (|x| <= 255).
  std::vector<std::vector<std::int16_t>> w16(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l)
    w16[l].assign(net.layers[l].weights.begin(), net.layers[l].weights.end());
  std::vector<std::int16_t> x, y, win;
  std::vector<std::int32_t> s;
  std::vector<std::uint8_t> fired;
  for (std::size_t n = 0; n < n_images; ++n) {
    const std::uint8_t* img = images + n * n_pixels;
    x.resize(n_pixels);
    for (std::size_t k = 0; k < n_pixels; ++k) {
      if (net.input == InputEncoding::bit_serial) {
        x[k] = static_cast<std::int16_t>(img[k] >> (8 - net.input_bits));
      } else {
        const bool on = img[k] >= net.input_threshold;
        x[k] = on ? 1 : (xnor ? -1 : 0);
      }
    }
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      const BnnLayer& L = net.layers[l];
      if (L.is_conv()) {
        // Every output pixel: its unrolled window (padding = the off value, pixel 0 for a
        // bit-serial first layer) times the weights, thresholded; then max pooling.
        const ConvShape& c = L.conv;
        const std::int16_t off = l == 0 && net.input == InputEncoding::bit_serial ? 0 : (xnor ? -1 : 0);
        const std::int16_t* w = w16[l].data();
        win.resize(L.inputs);
        fired.assign(c.conv_output_bits(), 0);
        for (unsigned oy = 0; oy < c.out_h(); ++oy)
          for (unsigned ox = 0; ox < c.out_w(); ++ox) {
            for (unsigned ky = 0; ky < c.kernel_h; ++ky)
              for (unsigned kx = 0; kx < c.kernel_w; ++kx) {
                const long iy = static_cast<long>(oy * c.stride + ky) - static_cast<long>(c.pad);
                const long ix = static_cast<long>(ox * c.stride + kx) - static_cast<long>(c.pad);
                const bool inside = iy >= 0 && iy < static_cast<long>(c.in_h) && ix >= 0 && ix < static_cast<long>(c.in_w);
                for (unsigned ch = 0; ch < c.in_c; ++ch)
                  win[(ky * c.kernel_w + kx) * c.in_c + ch] =
                      inside ? x[(static_cast<std::size_t>(iy) * c.in_w + static_cast<std::size_t>(ix)) * c.in_c + ch] : off;
              }
            const std::size_t pix = std::size_t{oy} * c.out_w() + ox;
            for (std::size_t j = 0; j < L.outputs; ++j) {
              std::int32_t acc = 0;
              for (std::size_t k = 0; k < L.inputs; ++k) acc += w[j * L.inputs + k] * win[k];
              if (keep_sums) res.sums_half[l][(n * c.windows() + pix) * L.outputs + j] = 2 * acc;
              fired[pix * L.outputs + j] = (L.flip[j] ? (acc <= L.threshold[j]) : (acc >= L.threshold[j])) ? 1 : 0;
            }
          }
        y.resize(c.output_bits());
        for (unsigned py = 0; py < c.pooled_h(); ++py)
          for (unsigned px = 0; px < c.pooled_w(); ++px)
            for (std::size_t j = 0; j < L.outputs; ++j) {
              bool any = false;
              for (unsigned dy = 0; dy < c.pool; ++dy)
                for (unsigned dx = 0; dx < c.pool; ++dx)
                  any = any || fired[((std::size_t{py} * c.pool + dy) * c.out_w() + std::size_t{px} * c.pool + dx) *
                                         L.outputs + j];
              y[(std::size_t{py} * c.pooled_w() + px) * L.outputs + j] = any ? 1 : (xnor ? -1 : 0);
            }
        x.swap(y);
        continue;
      }
      s.assign(L.outputs, 0);
      for (std::size_t j = 0; j < L.outputs; ++j) {
        std::int32_t acc = 0;
        if (L.has_supports()) {
          const std::int32_t* w = weff[l].data() + j * L.inputs;
          for (std::size_t k = 0; k < L.inputs; ++k) acc += w[k] * x[k];
        } else {
          const std::int16_t* w = w16[l].data() + j * L.inputs;
          for (std::size_t k = 0; k < L.inputs; ++k) acc += w[k] * x[k];
        }
        s[j] = acc;
        if (keep_sums) res.sums_half[l][n * L.outputs + j] = 2 * acc;
      }
      if (l + 1 < net.layers.size()) {
        y.resize(L.outputs);
        for (std::size_t j = 0; j < L.outputs; ++j) {
          const bool fire = L.flip[j] ? (s[j] <= L.threshold[j]) : (s[j] >= L.threshold[j]);
          y[j] = fire ? 1 : (xnor ? -1 : 0);
        }
        x.swap(y);
      } else {
        std::uint32_t best = 0;
        float best_v = 0.0f;
        for (std::size_t j = 0; j < L.outputs; ++j) {
          const float v = L.scale[j] * static_cast<float>(s[j]) + L.bias[j];
          if (j == 0 || v > best_v) {
            best_v = v;
            best = static_cast<std::uint32_t>(j);
          }
        }
        res.predictions[n] = best;
      }
    }
  }
  return res;
}

bool packed_inference_applies(const BnnNetwork& net) {
  for (const BnnLayer& L : net.layers)
    if (L.has_supports()) return false;
  return !net.layers.empty();
}

GoldenResult packed_inference(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                              std::size_t n_pixels, bool keep_sums) {
  validate_network(net, n_pixels);
  if (!packed_inference_applies(net)) throw std::invalid_argument("packed_inference: supports (use exact_inference)");
  // images per chunk: 256, fewer when a layer's sums (windows × M per image) are large, so
  // the chunk's counts and sums stay near 1 MiB each (VGG-8's first conv layer: 2 images)
  std::size_t per_image = 1;
  for (const BnnLayer& L : net.layers) per_image = std::max(per_image, sums_per_image(L));
  const std::size_t kChunk = std::clamp<std::size_t>((std::size_t{1} << 18) / per_image, 1, 256);
  const bool xnor = net.mode == CellMode::xnor_8t;
  const bool serial = net.input == InputEncoding::bit_serial;
  const unsigned planes = serial ? net.input_bits : 1;
  // weights packed row by row: bit k of neuron j's row = (W[j][k] == +1)
  std::vector<std::vector<Word>> wp(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    const std::size_t words = words_for_bits(L.inputs);
    wp[l].assign(L.outputs * words, 0);
    for (std::size_t j = 0; j < L.outputs; ++j)
      for (std::size_t k = 0; k < L.inputs; ++k)
        if (L.weights[j * L.inputs + k] == 1) wp[l][j * words + k / 64] |= Word{1} << (k % 64);
  }
  GoldenResult res;
  res.predictions.resize(n_images);
  if (keep_sums) {
    res.sums_half.resize(net.layers.size());
    for (std::size_t l = 0; l < net.layers.size(); ++l) res.sums_half[l].resize(n_images * sums_per_image(net.layers[l]));
  }
  std::vector<BitMatrix> x;  // per plane: one row per image (a map for conv layers, packed HWC)
  std::vector<std::int32_t> c, s, px;
  for (std::size_t i0 = 0; i0 < n_images; i0 += kChunk) {
    const std::size_t nb = std::min(kChunk, n_images - i0);
    x.assign(planes, BitMatrix(nb, n_pixels));
    for (std::size_t i = 0; i < nb; ++i) {
      const std::uint8_t* img = images + (i0 + i) * n_pixels;
      for (unsigned p = 0; p < planes; ++p) {
        Word* row = x[p].row(i);
        const unsigned bit = 8 - net.input_bits + p;
        for (std::size_t k = 0; k < n_pixels; ++k) {
          const bool on = serial ? ((img[k] >> bit) & 1u) != 0 : img[k] >= net.input_threshold;
          row[k / 64] |= static_cast<Word>(on) << (k % 64);
        }
      }
    }
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      const BnnLayer& L = net.layers[l];
      const std::size_t M = L.outputs, words = words_for_bits(L.inputs);
      const bool bipolar = l == 0 ? (xnor && !serial) : xnor;
      // the vectors this layer reads: one per image, or one per window of each image
      // (padding bits 0: pixel 0 of a bit-serial input, the off value otherwise, as in (a))
      const std::vector<BitMatrix> v = L.is_conv() ? conv_windows(L.conv, x) : std::move(x);
      const std::size_t rows = v[0].rows();
      s.assign(rows * M, 0);
      c.resize(rows * M);
      for (std::size_t p = 0; p < v.size(); ++p) {
        binary_gemm(bipolar ? BinaryOp::xor_op : BinaryOp::and_op, v[p].data(), rows, wp[l].data(), M, words, c.data());
        const std::int32_t K = static_cast<std::int32_t>(L.inputs);
        for (std::size_t r = 0; r < rows; ++r) {
          std::int32_t pc = 0;
          if (!bipolar)
            for (std::size_t q = 0; q < words; ++q) pc += static_cast<std::int32_t>(popcount(v[p].row(r)[q]));
          const std::int32_t* cr = c.data() + r * M;
          std::int32_t* sr = s.data() + r * M;
          for (std::size_t j = 0; j < M; ++j) sr[j] += (bipolar ? K - 2 * cr[j] : 2 * cr[j] - pc) * (1 << p);
        }
      }
      if (keep_sums)
        for (std::size_t e = 0; e < rows * M; ++e) res.sums_half[l][i0 * (rows / nb) * M + e] = 2 * s[e];
      if (l + 1 < net.layers.size()) {
        BitMatrix fired(rows, M);
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t j = 0; j < M; ++j) {
            const std::int32_t val = s[r * M + j];
            if (L.flip[j] ? val <= L.threshold[j] : val >= L.threshold[j]) fired.row(r)[j / 64] |= Word{1} << (j % 64);
          }
        x.assign(1, L.is_conv() ? conv_output_maps(L.conv, fired) : std::move(fired));
      } else {
        for (std::size_t i = 0; i < nb; ++i) {
          std::uint32_t best = 0;
          float best_v = 0.0f;
          for (std::size_t j = 0; j < M; ++j) {
            const float val = L.scale[j] * static_cast<float>(s[i * M + j]) + L.bias[j];
            if (j == 0 || val > best_v) {
              best_v = val;
              best = static_cast<std::uint32_t>(j);
            }
          }
          res.predictions[i0 + i] = best;
        }
      }
    }
  }
  return res;
}

// ---------------------------------------------------------------- (b) quantized mapping

InputKind first_layer_input_kind(const BnnNetwork& net) {
  return net.input == InputEncoding::bit_serial ? InputKind::unipolar : native_input(net.mode);
}

unsigned first_layer_planes(const BnnNetwork& net) {
  return net.input == InputEncoding::bit_serial ? net.input_bits : 1u;
}

std::vector<BitMatrix> encode_input(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                                    std::size_t n_pixels) {
  const unsigned planes = first_layer_planes(net);
  std::vector<BitMatrix> out(planes);
  if (net.input == InputEncoding::bit_serial) {
    for (unsigned p = 0; p < planes; ++p) pack_bit_plane(images, n_images, n_pixels, 8 - net.input_bits + p, out[p]);
  } else {
    pack_threshold(images, n_images, n_pixels, net.input_threshold, out[0]);
  }
  return out;
}

QuantizedNetwork::QuantizedNetwork(const BnnNetwork& net, const MappingConfig& cfg) : net_(net), cfg_(cfg) {
  validate_network(net_, net_.layers.empty() ? 0 : net_.layers[0].input_size());
  if (cfg_.array.mode != net_.mode)
    throw std::invalid_argument(std::string("MappingConfig.array.mode = ") + to_string(cfg_.array.mode) +
                                " but the network was trained for " + to_string(net_.mode));
  layers_.reserve(net_.layers.size());
  for (std::size_t l = 0; l < net_.layers.size(); ++l) {
    const BnnLayer& L = net_.layers[l];
    const InputKind kind = l == 0 ? first_layer_input_kind(net_) : native_input(net_.mode);
    const unsigned planes = l == 0 ? first_layer_planes(net_) : 1u;
    if (L.has_supports()) {
      const LayerSupports sup = layer_supports(L);
      layers_.emplace_back(L.inputs, L.outputs, L.weights, kind, planes, cfg_, l, &sup);
    } else {
      layers_.emplace_back(L.inputs, L.outputs, L.weights, kind, planes, cfg_, l);
    }
  }
}

void QuantizedNetwork::set_drop_level(unsigned drop_permille) {
  if (drop_permille > kDropLevelScale)
    throw std::invalid_argument("drop level " + std::to_string(drop_permille) + " per mille (allowed 0..1000)");
  for (auto& l : layers_) l.set_drop_level(drop_permille);
  drop_ = drop_permille;
}

bool QuantizedNetwork::has_supports() const {
  for (const auto& l : layers_)
    if (l.has_supports()) return true;
  return false;
}

LayerSupports layer_supports(const BnnLayer& L) {
  LayerSupports s;
  s.shape.inputs = L.inputs;
  s.shape.outputs = L.outputs;
  s.shape.block_rows = L.support_block;
  s.shape.bits = L.support_bits;
  s.codes = L.support;
  s.default_code = L.support_default;
  return s;
}

bool QuantizedNetwork::needs_calibration() const {
  for (const auto& l : layers_)
    if (l.needs_calibration()) return true;
  return false;
}

void QuantizedNetwork::calibrate(const std::uint8_t* images, std::size_t n_images, std::size_t n_pixels) {
  validate_network(net_, n_pixels);
  if (!cfg_.sense.needs_calibration() || cfg_.array.access == AccessMode::row_by_row) return;
  std::vector<BitMatrix> x = encode_input(net_, images, n_images, n_pixels);
  std::vector<std::int32_t> sums;
  std::vector<BitMatrix> part;
  BitMatrix out;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const BnnLayer& L = net_.layers[l];
    if (L.is_conv()) {  // the windows are the layer's input vectors
      const std::vector<BitMatrix> win = conv_windows(L.conv, x);
      layers_[l].calibrate(win);
      BitMatrix next(n_images, L.conv.output_bits());
      const std::size_t W = L.conv.windows();
      for (std::size_t n0 = 0; n0 < n_images; n0 += kSlice) {
        const std::size_t n = std::min(kSlice, n_images - n0);
        part.resize(win.size());
        for (std::size_t p = 0; p < win.size(); ++p) {
          part[p].resize(n * W, win[p].bits());
          std::copy_n(win[p].row(n0 * W), n * W * win[p].words(), part[p].data());
        }
        layers_[l].evaluate(part, sums);
        threshold_pack(sums.data(), n * W, L.outputs, L.threshold.data(), L.flip.data(), out);
        const BitMatrix pooled = conv_output_maps(L.conv, out);
        std::copy_n(pooled.data(), n * pooled.words(), next.row(n0));
      }
      x.assign(1, std::move(next));
      continue;
    }
    layers_[l].calibrate(x);
    if (l + 1 == layers_.size()) break;
    // Outputs of the calibrated layer feed the next one; computed in slices so the
    // N×M sums never need to be held at once.
    BitMatrix next(n_images, L.outputs);
    for (std::size_t n0 = 0; n0 < n_images; n0 += kSlice) {
      const std::size_t n = std::min(kSlice, n_images - n0);
      part.resize(x.size());
      for (std::size_t p = 0; p < x.size(); ++p) {
        part[p].resize(n, x[p].bits());
        std::copy_n(x[p].row(n0), n * x[p].words(), part[p].data());
      }
      layers_[l].evaluate(part, sums);
      threshold_pack(sums.data(), n, L.outputs, L.threshold.data(), L.flip.data(), out);
      std::copy_n(out.data(), n * out.words(), next.row(n0));
    }
    x.assign(1, std::move(next));
  }
}

GoldenResult QuantizedNetwork::run(const std::uint8_t* images, std::size_t n_images, std::size_t n_pixels,
                                   bool keep_sums, ArrayActivity* activity, std::uint64_t first_vector) const {
  validate_network(net_, n_pixels);
  GoldenResult res;
  if (keep_sums) res.sums_half.resize(layers_.size());
  // Bounded memory: the batch runs in slices through all layers.
  std::vector<std::int32_t> sums;
  std::vector<std::uint32_t> cls;
  res.predictions.reserve(n_images);
  for (std::size_t n0 = 0; n0 < n_images; n0 += kSlice) {
    const std::size_t n = std::min(kSlice, n_images - n0);
    std::vector<BitMatrix> x = encode_input(net_, images + n0 * n_pixels, n, n_pixels);
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      const BnnLayer& L = net_.layers[l];
      if (L.is_conv()) {  // window (oy, ox) of image i is vector i·windows + oy·out_w + ox of the run
        const std::size_t W = L.conv.windows();
        layers_[l].evaluate(conv_windows(L.conv, x), sums, activity, (first_vector + n0) * W);
        if (keep_sums) res.sums_half[l].insert(res.sums_half[l].end(), sums.begin(), sums.end());
        BitMatrix fired;
        threshold_pack(sums.data(), n * W, L.outputs, L.threshold.data(), L.flip.data(), fired);
        x.assign(1, conv_output_maps(L.conv, fired));
        continue;
      }
      layers_[l].evaluate(x, sums, activity, first_vector + n0);
      if (keep_sums) res.sums_half[l].insert(res.sums_half[l].end(), sums.begin(), sums.end());
      if (l + 1 < layers_.size()) {
        BitMatrix next;
        threshold_pack(sums.data(), n, L.outputs, L.threshold.data(), L.flip.data(), next);
        x.assign(1, std::move(next));
      } else {
        argmax_affine(sums.data(), n, L.outputs, L.scale.data(), L.bias.data(), cls);
        res.predictions.insert(res.predictions.end(), cls.begin(), cls.end());
      }
    }
  }
  return res;
}

double accuracy(const std::vector<std::uint32_t>& predictions, const std::vector<std::uint8_t>& labels) {
  if (predictions.size() != labels.size())
    throw std::invalid_argument("accuracy: " + std::to_string(predictions.size()) + " predictions for " +
                                std::to_string(labels.size()) + " labels");
  if (predictions.empty()) return 0.0;
  std::size_t ok = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) ok += predictions[i] == labels[i] ? 1 : 0;
  return static_cast<double>(ok) / static_cast<double>(labels.size());
}

}  // namespace cimvp

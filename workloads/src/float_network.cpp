#include "cimvp/workloads/float_network.h"

#include "cimvp/workloads/network_io.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

namespace cimvp {

namespace {

std::size_t input_size(const FloatLayer& L) { return L.conv ? L.shape.input_bits() : L.inputs; }
std::size_t output_size(const FloatLayer& L) { return L.conv ? L.shape.output_bits() : L.outputs; }

void put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void put_f32(std::string& out, float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  put(out, b, 4);
}
std::uint32_t crc_of(const std::string& s, std::size_t n) {
  return static_cast<std::uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(n)));
}

class Reader {
 public:
  Reader(const std::string& d, const std::string& path) : d_(d), path_(path) {}
  std::uint64_t u(int bytes, const char* field) {
    need(static_cast<std::size_t>(bytes), field);
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(d_[off_ + i])} << (8 * i);
    off_ += static_cast<std::size_t>(bytes);
    return v;
  }
  float f32(const std::string& field) {
    const auto b = static_cast<std::uint32_t>(u(4, field.c_str()));
    float f;
    std::memcpy(&f, &b, 4);
    if (!std::isfinite(f)) fail(field + " is not finite");
    return f;
  }
  std::string text(std::size_t n) {
    need(n, "description");
    std::string t = d_.substr(off_, n);
    off_ += n;
    return t;
  }
  void need(std::size_t n, const char* field) const {
    if (n > d_.size() - 4 - off_) fail(std::string("truncated in ") + field);
  }
  [[noreturn]] void fail(const std::string& why) const { throw NetworkFileError(path_ + ": " + why); }
  std::size_t offset() const { return off_; }

 private:
  const std::string& d_;
  const std::string& path_;
  std::size_t off_ = 0;
};

// One image through the network.  sums(l, x, out) writes the M pre-batch-norm sums of layer l
// for the K inputs x (one window of a conv layer); quant(l, v) maps a value read by layer
// l ≥ 1 to what the layer multiplies (identity for float inference, the DAC code otherwise);
// seen (optional) collects the largest value each layer reads.
template <class Sums, class Quant>
unsigned forward(const FloatNetwork& net, const std::uint8_t* px, std::size_t npx, Sums&& sums, Quant&& quant,
                 std::vector<double>* seen = nullptr) {
  std::vector<double> x = encode_float_input(net, px, npx), y, cols, s;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const FloatLayer& L = net.layers[l];
    if (l > 0) {
      if (seen)
        for (const double v : x) (*seen)[l] = std::max((*seen)[l], v);
      for (double& v : x) v = quant(l, v);
    }
    const std::size_t K = L.inputs, M = L.outputs;
    const bool last = l + 1 == net.layers.size();
    if (!L.conv) {
      y.assign(M, 0.0);
      sums(l, x.data(), y.data());
      for (std::size_t j = 0; j < M; ++j) {
        const double v = double{L.scale[j]} * y[j] + double{L.bias[j]};
        y[j] = last ? v : std::max(v, 0.0);
      }
      if (last) return static_cast<unsigned>(std::max_element(y.begin(), y.end()) - y.begin());
      x.swap(y);
      continue;
    }
    const ConvShape& c = L.shape;
    const unsigned oh = c.out_h(), ow = c.out_w();
    const std::size_t R = c.windows();
    cols.assign(R * K, 0.0);
    for (unsigned oy = 0; oy < oh; ++oy)
      for (unsigned ox = 0; ox < ow; ++ox) {
        double* row = cols.data() + (std::size_t{oy} * ow + ox) * K;
        for (unsigned ky = 0; ky < c.kernel_h; ++ky) {
          const long iy = static_cast<long>(oy) * c.stride - static_cast<long>(c.pad) + ky;
          for (unsigned kx = 0; kx < c.kernel_w; ++kx) {
            const long ix = static_cast<long>(ox) * c.stride - static_cast<long>(c.pad) + kx;
            if (iy < 0 || iy >= static_cast<long>(c.in_h) || ix < 0 || ix >= static_cast<long>(c.in_w)) continue;
            std::copy_n(x.data() + (static_cast<std::size_t>(iy) * c.in_w + static_cast<std::size_t>(ix)) * c.in_c,
                        c.in_c, row + (std::size_t{ky} * c.kernel_w + kx) * c.in_c);
          }
        }
      }
    s.assign(R * M, 0.0);
    for (std::size_t r = 0; r < R; ++r) sums(l, cols.data() + r * K, s.data() + r * M);
    const unsigned ph = c.pooled_h(), pw = c.pooled_w(), p = c.pool;
    y.assign(output_size(L), 0.0);
    for (unsigned py = 0; py < ph; ++py)
      for (unsigned pxx = 0; pxx < pw; ++pxx)
        for (std::size_t j = 0; j < M; ++j) {
          double best = 0.0;  // ReLU, then max pooling
          for (unsigned dy = 0; dy < p; ++dy)
            for (unsigned dx = 0; dx < p; ++dx) {
              const double v = s[((std::size_t{py} * p + dy) * ow + (std::size_t{pxx} * p + dx)) * M + j];
              best = std::max(best, double{L.scale[j]} * v + double{L.bias[j]});
            }
          y[(std::size_t{py} * pw + pxx) * M + j] = best;
        }
    x.swap(y);
  }
  return 0;  // unreachable: validate_float_network requires a dense last layer
}

void check_data(const FloatNetwork& net, const Dataset& d) {
  validate_float_network(net);
  if (d.pixels() != input_size(net.layers.front()))
    throw std::invalid_argument("data set " + d.name + " has " + std::to_string(d.pixels()) +
                                " pixels per image, the network reads " +
                                std::to_string(input_size(net.layers.front())));
}

double act_step(const FloatNetwork& net, std::size_t l, unsigned bits) {
  if (l == 0 || bits == 0) return 1.0;
  const double top = std::ldexp(1.0, static_cast<int>(bits)) - 1.0;
  const double m = net.layers[l].input_max;
  return m > 0.0 ? m / top : 1.0;
}

// Per layer: quantized weights (M×K) and their scale.
std::vector<QuantizedWeights> quantize_all(const FloatNetwork& net, unsigned bits) {
  std::vector<QuantizedWeights> q;
  for (const auto& L : net.layers) q.push_back(quantize_weights(L.weights, bits));
  return q;
}

template <class Sums>
std::vector<unsigned> predict_quantized(const FloatNetwork& net, const Dataset& data, const RramQuantConfig& cfg,
                                        Sums&& sums) {
  std::vector<unsigned> pred(data.size());
  const auto quant = [&](std::size_t l, double v) {
    return cfg.act_bits == 0 ? v : static_cast<double>(quantize_activation(v, act_step(net, l, cfg.act_bits), cfg.act_bits));
  };
  for (std::size_t i = 0; i < data.size(); ++i) pred[i] = forward(net, data.image(i), data.pixels(), sums, quant);
  return pred;
}

}  // namespace

void validate_float_network(const FloatNetwork& net) {
  const auto bad = [](std::size_t l, const std::string& why) {
    throw std::invalid_argument("float network layer " + std::to_string(l) + ": " + why);
  };
  if (net.layers.empty() || net.layers.size() > 64) throw std::invalid_argument("float network: 1..64 layers");
  if (net.input_bits < 1 || net.input_bits > 8) throw std::invalid_argument("float network: input_bits must be 1..8");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const FloatLayer& L = net.layers[l];
    if (L.inputs == 0 || L.outputs == 0) bad(l, "inputs and outputs must be >= 1");
    if (L.weights.size() != std::size_t{L.inputs} * L.outputs) bad(l, "needs M*K weights");
    if (L.scale.size() != L.outputs || L.bias.size() != L.outputs) bad(l, "needs M scale and M bias values");
    if (!(L.input_max >= 0.0f) || !std::isfinite(L.input_max)) bad(l, "input_max must be finite and >= 0");
    if (L.conv) {
      const std::string e = L.shape.check();
      if (!e.empty()) bad(l, e);
      if (L.inputs != L.shape.window_rows() || L.outputs != L.shape.out_c) bad(l, "K/M disagree with the conv shape");
      if (l + 1 == net.layers.size()) bad(l, "the last layer must be dense");
      if (l == 0 && L.shape.in_c != 1) bad(l, "the first conv layer reads 1 channel");
    }
    if (l > 0) {
      const FloatLayer& P = net.layers[l - 1];
      if (input_size(L) != output_size(P))
        bad(l, "reads " + std::to_string(input_size(L)) + " values, layer " + std::to_string(l - 1) + " gives " +
                   std::to_string(output_size(P)));
      if (L.conv && (!P.conv || L.shape.in_h != P.shape.pooled_h() || L.shape.in_w != P.shape.pooled_w() ||
                     L.shape.in_c != P.shape.out_c))
        bad(l, "a conv layer must read the previous conv layer's pooled map");
    }
  }
}

std::string serialize_float_network(const FloatNetwork& net) {
  validate_float_network(net);
  std::string out(kFnnMagic, 8);
  put(out, kFnnFormatVersion, 4);
  put(out, net.mode == CellMode::xnor_8t ? 1 : 0, 1);
  put(out, net.input == InputEncoding::bit_serial ? 1 : 0, 1);
  put(out, net.input_bits, 1);
  put(out, net.input_threshold, 1);
  put(out, net.layers.size(), 4);
  put(out, net.description.size(), 4);
  out += net.description;
  for (const auto& L : net.layers) {
    const ConvShape c = L.conv ? L.shape : ConvShape{};
    put(out, L.conv ? 1 : 0, 1);
    put(out, c.kernel_h, 1);
    put(out, c.kernel_w, 1);
    put(out, c.pad, 1);
    for (const unsigned v : {c.in_h, c.in_w, c.in_c, L.conv ? c.stride : 0u, L.conv ? c.pool : 0u, 0u}) put(out, v, 2);
    put(out, L.inputs, 4);
    put(out, L.outputs, 4);
    put_f32(out, L.input_max);
    for (const float w : L.weights) put_f32(out, w);
    for (const float v : L.scale) put_f32(out, v);
    for (const float v : L.bias) put_f32(out, v);
  }
  put(out, crc_of(out, out.size()), 4);
  return out;
}

FloatNetwork parse_float_network(const std::string& d, const std::string& path) {
  if (d.size() < 28 || d.compare(0, 8, kFnnMagic) != 0)
    throw NetworkFileError(path + ": not a float network file (magic \"CIMVPFNN\" missing)");
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= std::uint32_t{static_cast<unsigned char>(d[d.size() - 4 + i])} << (8 * i);
  if (stored != crc_of(d, d.size() - 4)) throw NetworkFileError(path + ": checksum mismatch (file corrupt)");
  Reader r(d, path);
  r.u(4, "magic");
  r.u(4, "magic");
  const auto version = r.u(4, "version");
  if (version != kFnnFormatVersion)
    r.fail("format version " + std::to_string(version) + " (allowed " + std::to_string(kFnnFormatVersion) + ")");
  FloatNetwork net;
  const auto mode = r.u(1, "mode"), enc = r.u(1, "input encoding");
  if (mode > 1) r.fail("mode " + std::to_string(mode) + " (allowed 0 hbnn, 1 xnor)");
  if (enc > 1) r.fail("input encoding " + std::to_string(enc) + " (allowed 0 binarized, 1 bit-serial)");
  net.mode = mode ? CellMode::xnor_8t : CellMode::hbnn_6t;
  net.input = enc ? InputEncoding::bit_serial : InputEncoding::binarized;
  net.input_bits = static_cast<unsigned>(r.u(1, "input_bits"));
  net.input_threshold = static_cast<unsigned>(r.u(1, "input_threshold"));
  const auto nl = r.u(4, "layer count");
  if (nl < 1 || nl > 64) r.fail("layer count " + std::to_string(nl) + " (allowed 1..64)");
  const auto nd = r.u(4, "description length");
  if (nd > 65536) r.fail("description length " + std::to_string(nd) + " (allowed <= 65536)");
  net.description = r.text(static_cast<std::size_t>(nd));
  for (std::uint64_t l = 0; l < nl; ++l) {
    const std::string where = "layer " + std::to_string(l) + " ";
    FloatLayer L;
    const auto kind = r.u(1, "layer kind");
    if (kind > 1) r.fail(where + "kind " + std::to_string(kind) + " (allowed 0 dense, 1 conv)");
    L.conv = kind == 1;
    ConvShape c;
    c.kernel_h = static_cast<unsigned>(r.u(1, "kernel_h"));
    c.kernel_w = static_cast<unsigned>(r.u(1, "kernel_w"));
    c.pad = static_cast<unsigned>(r.u(1, "pad"));
    c.in_h = static_cast<unsigned>(r.u(2, "in_h"));
    c.in_w = static_cast<unsigned>(r.u(2, "in_w"));
    c.in_c = static_cast<unsigned>(r.u(2, "in_c"));
    c.stride = static_cast<unsigned>(r.u(2, "stride"));
    c.pool = static_cast<unsigned>(r.u(2, "pool"));
    if (r.u(2, "reserved") != 0) r.fail(where + "reserved field must be 0");
    L.inputs = static_cast<unsigned>(r.u(4, "K"));
    L.outputs = static_cast<unsigned>(r.u(4, "M"));
    if (L.inputs == 0 || L.outputs == 0 || L.inputs > (1u << 20) || L.outputs > (1u << 20))
      r.fail(where + "K = " + std::to_string(L.inputs) + ", M = " + std::to_string(L.outputs) + " (allowed 1..1048576)");
    c.out_c = L.outputs;
    if (L.conv) L.shape = c;
    L.input_max = r.f32(where + "input_max");
    const std::size_t n = std::size_t{L.inputs} * L.outputs;
    r.need(4 * (n + 2 * std::size_t{L.outputs}), "weights");
    L.weights.resize(n);
    for (auto& w : L.weights) w = r.f32(where + "weight");
    L.scale.resize(L.outputs);
    L.bias.resize(L.outputs);
    for (auto& v : L.scale) v = r.f32(where + "scale");
    for (auto& v : L.bias) v = r.f32(where + "bias");
    net.layers.push_back(std::move(L));
  }
  if (r.offset() != d.size() - 4) r.fail(std::to_string(d.size() - 4 - r.offset()) + " unexpected trailing bytes");
  try {
    validate_float_network(net);
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  return net;
}

void save_float_network(const std::string& path, const FloatNetwork& net) {
  const std::string bytes = serialize_float_network(net);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error(path + ": cannot create (" + std::strerror(errno) + ")");
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw std::runtime_error(path + ": write error");
}

FloatNetwork load_float_network(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw NetworkFileError(path + ": cannot open (" + std::strerror(errno) + ")");
  const std::string d((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return parse_float_network(d, path);
}

std::vector<double> encode_float_input(const FloatNetwork& net, const std::uint8_t* px, std::size_t n) {
  std::vector<double> x(n);
  const double low = net.mode == CellMode::xnor_8t ? -1.0 : 0.0;
  for (std::size_t i = 0; i < n; ++i)
    x[i] = net.input == InputEncoding::bit_serial ? static_cast<double>(px[i] >> (8 - net.input_bits))
                                                  : (px[i] >= net.input_threshold ? 1.0 : low);
  return x;
}

namespace {
// Float sums of layer l: Σ_k W[j][k]·x_k in double.
auto float_sums(const FloatNetwork& net) {
  return [&net](std::size_t l, const double* x, double* out) {
    const FloatLayer& L = net.layers[l];
    for (std::size_t j = 0; j < L.outputs; ++j) {
      const float* w = L.weights.data() + j * L.inputs;
      double s = 0.0;
      for (std::size_t k = 0; k < L.inputs; ++k) s += double{w[k]} * x[k];
      out[j] = s;
    }
  };
}
}  // namespace

void calibrate_activation_ranges(FloatNetwork& net, const Dataset& data) {
  check_data(net, data);
  std::vector<double> seen(net.layers.size(), 0.0);
  const auto id = [](std::size_t, double v) { return v; };
  for (std::size_t i = 0; i < data.size(); ++i) forward(net, data.image(i), data.pixels(), float_sums(net), id, &seen);
  for (std::size_t l = 1; l < net.layers.size(); ++l) net.layers[l].input_max = static_cast<float>(seen[l]);
}

std::vector<unsigned> float_predict(const FloatNetwork& net, const Dataset& data) {
  check_data(net, data);
  std::vector<unsigned> pred(data.size());
  const auto id = [](std::size_t, double v) { return v; };
  for (std::size_t i = 0; i < data.size(); ++i) pred[i] = forward(net, data.image(i), data.pixels(), float_sums(net), id);
  return pred;
}

QuantizedWeights quantize_weights(const std::vector<float>& w, unsigned bits) {
  if (bits < 2 || bits > 8) throw std::invalid_argument("quantize_weights: bits = " + std::to_string(bits) + ", expected 2..8");
  const int qmax = (1 << (bits - 1)) - 1;
  double m = 0.0;
  for (const float v : w) m = std::max(m, std::fabs(double{v}));
  QuantizedWeights r;
  r.scale = m > 0.0 ? m / qmax : 1.0;
  r.q.resize(w.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double q = std::round(double{w[i]} / r.scale);  // half away from zero
    r.q[i] = static_cast<int>(std::clamp(q, static_cast<double>(-qmax), static_cast<double>(qmax)));
  }
  return r;
}

unsigned quantize_activation(double a, double step, unsigned bits) {
  if (!(a > 0.0)) return 0;
  const double top = std::ldexp(1.0, static_cast<int>(bits)) - 1.0;
  return static_cast<unsigned>(std::min(top, std::floor(a / step + 0.5)));
}

void RramQuantConfig::validate() const {
  if (weight_bits < 2 || weight_bits > 8)
    throw std::invalid_argument("RramQuantConfig.weight_bits = " + std::to_string(weight_bits) + ": expected 2 .. 8");
  if (act_bits > 16) throw std::invalid_argument("RramQuantConfig.act_bits = " + std::to_string(act_bits) + ": expected 0 .. 16");
  if (rows == 0 || cols == 0) throw std::invalid_argument("RramQuantConfig.rows/cols = 0: expected >= 1");
  RramCellConfig c = cell;
  c.cell_bits = weight_bits - 1;
  c.validate();
}

std::vector<unsigned> quantized_reference_predict(const FloatNetwork& net, const Dataset& data, const RramQuantConfig& cfg) {
  cfg.validate();
  check_data(net, data);
  if (cfg.act_bits == 0) throw std::invalid_argument("quantized_reference_predict: needs act_bits >= 1 (integer codes)");
  const auto q = quantize_all(net, cfg.weight_bits);
  const auto sums = [&](std::size_t l, const double* x, double* out) {
    const FloatLayer& L = net.layers[l];
    const double unit = q[l].scale * act_step(net, l, cfg.act_bits);
    for (std::size_t j = 0; j < L.outputs; ++j) {
      const int* w = q[l].q.data() + j * L.inputs;
      std::int64_t s = 0;
      for (std::size_t k = 0; k < L.inputs; ++k) s += std::int64_t{w[k]} * static_cast<std::int64_t>(x[k]);
      out[j] = unit * static_cast<double>(s);
    }
  };
  return predict_quantized(net, data, cfg, sums);
}

std::vector<unsigned> rram_quantized_predict(const FloatNetwork& net, const Dataset& data, const RramQuantConfig& cfg) {
  cfg.validate();
  check_data(net, data);
  RramCellConfig cell = cfg.cell;
  cell.cell_bits = cfg.weight_bits - 1;
  const auto q = quantize_all(net, cfg.weight_bits);
  // Normalized column current per weight (M×K), from the circuit model's conductances.
  std::vector<std::vector<double>> weff(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const FloatLayer& L = net.layers[l];
    weff[l].resize(q[l].q.size());
    for (unsigned j = 0; j < L.outputs; ++j)
      for (unsigned k = 0; k < L.inputs; ++k)
        weff[l][std::size_t{j} * L.inputs + k] =
            rram_level_weight_cells(cell, l, k, j, j / cfg.cols, q[l].q[std::size_t{j} * L.inputs + k]).weight;
  }
  const bool round = cfg.act_bits > 0;
  const auto sums = [&](std::size_t l, const double* x, double* out) {
    const FloatLayer& L = net.layers[l];
    const double unit = q[l].scale * act_step(net, l, cfg.act_bits);
    for (std::size_t j = 0; j < L.outputs; ++j) {
      const double* w = weff[l].data() + j * L.inputs;
      double total = 0.0;
      for (std::size_t k0 = 0; k0 < L.inputs; k0 += cfg.rows) {  // one crossbar's partial sum
        const std::size_t k1 = std::min<std::size_t>(L.inputs, k0 + cfg.rows);
        double ps = 0.0;
        for (std::size_t k = k0; k < k1; ++k) ps += w[k] * x[k];
        total += round ? std::round(ps) : ps;
      }
      out[j] = unit * total;
    }
  };
  return predict_quantized(net, data, cfg, sums);
}

}  // namespace cimvp

// .bnn network files (see network_io.h for the byte layout).
#include "cimvp/workloads/network_io.h"
#include "cimvp/circuit/input_file.h"
#include "cimvp/circuit/supports.h"
#include "cimvp/workloads/data_dir.h"

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace cimvp {
namespace {

constexpr std::size_t kFixedHeader = 24;
constexpr std::size_t kShapeV1 = 8;   // u32 K, u32 M
constexpr std::size_t kShapeV2 = 20;  // + u32 p, u8 b_s, u8 default, u16 reserved, f32 step
constexpr std::size_t kShapeV3 = 36;  // + u8 kind, u8 kernel_h, u8 kernel_w, u8 pad, u16 in_h, in_w,
                                      //   in_c, stride, pool, reserved

bool any_conv(const BnnNetwork& net) {
  for (const auto& L : net.layers)
    if (L.is_conv()) return true;
  return false;
}

bool any_supports(const BnnNetwork& net) {
  for (const auto& L : net.layers)
    if (L.has_supports()) return true;
  return false;
}

std::size_t support_blocks(const BnnLayer& L) {
  return L.support_block ? (std::size_t{L.inputs} + L.support_block - 1) / L.support_block : 0;
}

std::size_t words_per_row(std::uint32_t k) { return (std::size_t{k} + 63) / 64; }

std::uint32_t crc_of(const std::uint8_t* p, std::size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) {
    for (int s = 0; s < 32; s += 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
  }
  void u64(std::uint64_t v) {
    for (int s = 0; s < 64; s += 8) out_.push_back(static_cast<std::uint8_t>(v >> s));
  }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void f32(float v) {
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    u32(b);
  }
  void bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<std::uint8_t>& data() { return out_; }

 private:
  std::vector<std::uint8_t> out_;
};

// Reads from a buffer whose total length has already been checked against the header.
class Reader {
 public:
  explicit Reader(const std::uint8_t* p) : p_(p) {}
  std::size_t offset() const { return off_; }
  std::uint8_t u8() { return p_[off_++]; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{p_[off_ + i]} << (8 * i);
    off_ += 4;
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{p_[off_ + i]} << (8 * i);
    off_ += 8;
    return v;
  }
  std::int32_t i32() { return static_cast<std::int32_t>(u32()); }
  float f32() {
    const std::uint32_t b = u32();
    float v;
    std::memcpy(&v, &b, 4);
    return v;
  }
  const std::uint8_t* take(std::size_t n) {
    const std::uint8_t* p = p_ + off_;
    off_ += n;
    return p;
  }

 private:
  const std::uint8_t* p_;
  std::size_t off_ = 0;
};

std::string at(std::size_t offset) { return " (byte offset " + std::to_string(offset) + ")"; }

void check_input_params(unsigned bits, unsigned threshold, const std::string& what) {
  if (bits < 1 || bits > 8)
    throw NetworkFileError(what + ": input_bits " + std::to_string(bits) + " out of range (allowed 1..8)");
  if (threshold > 255)
    throw NetworkFileError(what + ": input_threshold " + std::to_string(threshold) +
                           " out of range (allowed 0..255)");
}

}  // namespace

void validate_network(const BnnNetwork& net, const std::string& what) {
  if (net.mode != CellMode::hbnn_6t && net.mode != CellMode::xnor_8t)
    throw NetworkFileError(what + ": cell mode " + std::to_string(unsigned(net.mode)) +
                           " invalid (allowed 0 hbnn_6t, 1 xnor_8t)");
  if (net.input != InputEncoding::binarized && net.input != InputEncoding::bit_serial)
    throw NetworkFileError(what + ": input encoding " + std::to_string(unsigned(net.input)) +
                           " invalid (allowed 0 binarized, 1 bit_serial)");
  check_input_params(net.input_bits, net.input_threshold, what);
  if (net.layers.empty() || net.layers.size() > kBnnMaxLayers)
    throw NetworkFileError(what + ": layer count " + std::to_string(net.layers.size()) +
                           " out of range (allowed 1.." + std::to_string(kBnnMaxLayers) + ")");
  if (net.description.size() > kBnnMaxDescription)
    throw NetworkFileError(what + ": description of " + std::to_string(net.description.size()) +
                           " bytes too long (allowed at most " + std::to_string(kBnnMaxDescription) + ")");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    const std::string lw = what + ": layer " + std::to_string(l);
    const bool last = l + 1 == net.layers.size();
    if (L.inputs < 1 || L.inputs > kBnnMaxWidth || L.outputs < 1 || L.outputs > kBnnMaxWidth)
      throw NetworkFileError(lw + ": shape K=" + std::to_string(L.inputs) + " M=" + std::to_string(L.outputs) +
                             " out of range (each allowed 1.." + std::to_string(kBnnMaxWidth) + ")");
    const std::string conv_problem = conv_layer_problem(net, l);
    if (!conv_problem.empty()) throw NetworkFileError(lw + ": " + conv_problem);
    const std::size_t m = L.outputs;
    if (L.weights.size() != m * L.inputs)
      throw NetworkFileError(lw + ": weights hold " + std::to_string(L.weights.size()) + " values, expected M*K = " +
                             std::to_string(m * L.inputs));
    for (std::size_t i = 0; i < L.weights.size(); ++i)
      if (L.weights[i] != 1 && L.weights[i] != -1)
        throw NetworkFileError(lw + ": weight " + std::to_string(i) + " is " + std::to_string(L.weights[i]) +
                               " (allowed -1, +1)");
    const std::size_t want_hidden = last ? 0 : m;
    const std::size_t want_last = last ? m : 0;
    if (L.threshold.size() != want_hidden || L.flip.size() != want_hidden)
      throw NetworkFileError(lw + ": threshold/flip hold " + std::to_string(L.threshold.size()) + "/" +
                             std::to_string(L.flip.size()) + " values, expected " + std::to_string(want_hidden) +
                             (last ? " (the last layer has none)" : " (one per neuron)"));
    if (L.scale.size() != want_last || L.bias.size() != want_last)
      throw NetworkFileError(lw + ": scale/bias hold " + std::to_string(L.scale.size()) + "/" +
                             std::to_string(L.bias.size()) + " values, expected " + std::to_string(want_last) +
                             (last ? " (one per output)" : " (only the last layer has them)"));
    for (std::size_t j = 0; j < L.flip.size(); ++j)
      if (L.flip[j] > 1)
        throw NetworkFileError(lw + ": flip of neuron " + std::to_string(j) + " is " + std::to_string(L.flip[j]) +
                               " (allowed 0, 1)");
    for (std::size_t j = 0; j < want_last; ++j)
      if (!std::isfinite(L.scale[j]) || !std::isfinite(L.bias[j]))
        throw NetworkFileError(lw + ": scale/bias of output " + std::to_string(j) + " not finite");
    if (!L.has_supports()) {
      if (L.support_bits != 0 || L.support_default != 0 || !L.support.empty())
        throw NetworkFileError(lw + ": support_bits/support_default/support codes set but support_block is 0 "
                               "(a layer without supports has support_bits 0, default 0 and no codes)");
      continue;
    }
    if (!std::isfinite(L.support_step) || !(L.support_step > 0.0f))
      throw NetworkFileError(lw + ": support_step " + std::to_string(L.support_step) +
                             " (allowed a finite value > 0)");
    try {
      validate_supports(SupportShape{L.inputs, L.outputs, L.support_block, L.support_bits}, L.support,
                        L.support_default, lw.c_str());
    } catch (const std::invalid_argument& e) {
      throw NetworkFileError(e.what());
    }
  }
}

std::string conv_layer_problem(const BnnNetwork& net, std::size_t l) {
  const BnnLayer& L = net.layers.at(l);
  const bool last = l + 1 == net.layers.size();
  std::ostringstream e;
  if (L.kind != LayerKind::fully_connected && L.kind != LayerKind::conv) {
    e << "kind " << unsigned(L.kind) << " (allowed 0 fully_connected, 1 conv)";
    return e.str();
  }
  if (L.is_conv()) {
    const std::string c = L.conv.check();
    if (!c.empty()) return "conv shape: " + c;
    if (L.inputs != L.conv.window_rows())
      e << "K=" << L.inputs << " but a conv layer has K = kernel_h*kernel_w*in_c = " << L.conv.window_rows();
    else if (L.outputs != L.conv.out_c)
      e << "M=" << L.outputs << " but conv out_c = " << L.conv.out_c << " (must be equal)";
    else if (last)
      e << "kind conv (allowed for the last layer: fully_connected only; it outputs the class sums)";
    else if (L.has_supports())
      e << "support_block " << L.support_block << " on a conv layer (allowed 0: no supports on conv layers)";
    else if (L.conv.output_bits() > kBnnMaxWidth || L.conv.input_bits() > kBnnMaxWidth)
      e << "conv maps of " << L.conv.input_bits() << " / " << L.conv.output_bits() << " bits (allowed 1.."
        << kBnnMaxWidth << ")";
    if (!e.str().empty()) return e.str();
  }
  if (l == 0) return {};
  const BnnLayer& P = net.layers[l - 1];
  if (!L.is_conv() && !P.is_conv() && L.inputs != P.outputs) {
    e << "K=" << L.inputs << " does not match M=" << P.outputs << " of layer " << l - 1;
  } else if (L.input_size() != P.output_size()) {
    e << "reads " << L.input_size() << (L.is_conv() ? " bits (conv input map)" : " inputs (K)") << " but layer "
      << l - 1 << " outputs " << P.output_size() << (P.is_conv() ? " bits (its pooled map)" : " (M)")
      << " (layers must chain)";
  } else if (L.is_conv() && P.is_conv() &&
             (L.conv.in_h != P.conv.pooled_h() || L.conv.in_w != P.conv.pooled_w() || L.conv.in_c != P.conv.out_c)) {
    e << "conv input map " << L.conv.in_h << "x" << L.conv.in_w << "x" << L.conv.in_c << " but layer " << l - 1
      << " outputs a " << P.conv.pooled_h() << "x" << P.conv.pooled_w() << "x" << P.conv.out_c
      << " map (layers must chain)";
  }
  return e.str();
}

std::vector<std::uint8_t> serialize_network(const BnnNetwork& net) {
  validate_network(net);
  Writer w;
  w.bytes(kBnnMagic, 8);
  const bool v3 = any_conv(net);
  const bool v2 = v3 || any_supports(net);
  w.u32(v3 ? kBnnFormatVersionConv : v2 ? kBnnFormatVersionSupports : kBnnFormatVersionPlain);
  w.u8(static_cast<std::uint8_t>(net.mode));
  w.u8(static_cast<std::uint8_t>(net.input));
  w.u8(static_cast<std::uint8_t>(net.input_bits));
  w.u8(static_cast<std::uint8_t>(net.input_threshold));
  w.u32(static_cast<std::uint32_t>(net.layers.size()));
  w.u32(static_cast<std::uint32_t>(net.description.size()));
  for (const auto& L : net.layers) {
    w.u32(L.inputs);
    w.u32(L.outputs);
    if (v2) {
      w.u32(L.support_block);
      w.u8(static_cast<std::uint8_t>(L.support_bits));
      w.u8(L.support_default);
      w.u8(0);
      w.u8(0);
      w.f32(L.has_supports() ? L.support_step : 1.0f);
    }
    if (v3) {
      const bool c = L.is_conv();
      const ConvShape z = c ? L.conv : ConvShape{0, 0, 0, 0, 0, 0, 0, 0, 0};
      w.u8(static_cast<std::uint8_t>(L.kind));
      w.u8(static_cast<std::uint8_t>(z.kernel_h));
      w.u8(static_cast<std::uint8_t>(z.kernel_w));
      w.u8(static_cast<std::uint8_t>(z.pad));
      for (unsigned v : {z.in_h, z.in_w, z.in_c, z.stride, z.pool, 0u}) {
        w.u8(static_cast<std::uint8_t>(v));
        w.u8(static_cast<std::uint8_t>(v >> 8));
      }
    }
  }
  w.bytes(net.description.data(), net.description.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    const std::size_t wpr = words_per_row(L.inputs);
    for (std::size_t j = 0; j < L.outputs; ++j) {
      const std::int8_t* row = L.weights.data() + j * L.inputs;
      for (std::size_t wi = 0; wi < wpr; ++wi) {
        std::uint64_t word = 0;
        for (std::size_t b = 0; b < 64 && wi * 64 + b < L.inputs; ++b)
          if (row[wi * 64 + b] > 0) word |= std::uint64_t{1} << b;
        w.u64(word);
      }
    }
    if (l + 1 < net.layers.size()) {
      for (auto t : L.threshold) w.i32(t);
      for (auto f : L.flip) w.u8(f);
    } else {
      for (auto s : L.scale) w.f32(s);
      for (auto b : L.bias) w.f32(b);
    }
    if (L.has_supports()) w.bytes(L.support.data(), L.support.size());
  }
  w.u32(crc_of(w.data().data(), w.data().size()));
  return std::move(w.data());
}

namespace {

// The fixed header and the layer shapes, checked against the file size `file_size`
// (bytes holds at least min(file_size, 24 + 8·64) bytes).
BnnFileHeader parse_header(const std::uint8_t* bytes, std::size_t avail, std::uint64_t size, const std::string& name) {
  auto fail = [&](const std::string& msg) { throw NetworkFileError(name + ": " + msg); };
  if (size < kFixedHeader)
    fail("truncated: " + std::to_string(size) + " bytes, the fixed header alone needs " +
         std::to_string(kFixedHeader));
  if (std::memcmp(bytes, kBnnMagic, 8) != 0) fail("bad magic: expected \"CIMVPBNN\" at offset 0, not a cimvp network file");
  Reader r(bytes + 8);
  const std::uint32_t version = r.u32();
  if (version < kBnnFormatVersionPlain || version > kBnnFormatVersion)
    fail("format version " + std::to_string(version) + " not supported (allowed " +
         std::to_string(kBnnFormatVersionPlain) + ".." + std::to_string(kBnnFormatVersion) + ")" + at(8));
  BnnFileHeader h;
  h.file_bytes = size;
  h.version = version;
  const std::size_t shape_bytes = h.shape_entry_bytes();
  const unsigned mode = r.u8(), enc = r.u8();
  if (mode > 1) fail("field cell_mode is " + std::to_string(mode) + " (allowed 0 hbnn_6t, 1 xnor_8t)" + at(12));
  if (enc > 1) fail("field input_encoding is " + std::to_string(enc) + " (allowed 0 binarized, 1 bit_serial)" + at(13));
  h.mode = static_cast<CellMode>(mode);
  h.input = static_cast<InputEncoding>(enc);
  h.input_bits = r.u8();
  h.input_threshold = r.u8();
  if (h.input_bits < 1 || h.input_bits > 8)
    fail("field input_bits is " + std::to_string(h.input_bits) + " (allowed 1..8)" + at(14));
  const std::uint32_t layers = r.u32();
  if (layers < 1 || layers > kBnnMaxLayers)
    fail("field layer_count is " + std::to_string(layers) + " (allowed 1.." + std::to_string(kBnnMaxLayers) + ")" + at(16));
  const std::uint32_t dlen = r.u32();
  if (dlen > kBnnMaxDescription)
    fail("field description_length is " + std::to_string(dlen) + " (allowed 0.." +
         std::to_string(kBnnMaxDescription) + ")" + at(20));
  h.description_bytes = dlen;
  const std::size_t shapes_end = kFixedHeader + shape_bytes * std::size_t{layers};
  if (size < shapes_end || avail < shapes_end)
    fail("truncated: " + std::to_string(size) + " bytes, the header with " + std::to_string(layers) +
         " layer shapes needs " + std::to_string(shapes_end));
  // Shapes, chaining, supports and the exact file size implied by the header.
  std::uint64_t expected = shapes_end + dlen + 4;
  h.shapes.resize(layers);
  h.supports.resize(layers);
  h.kinds.assign(layers, LayerKind::fully_connected);
  h.convs.resize(layers);
  // input/output sizes of the layers (conv: maps), for chaining
  std::vector<std::uint64_t> in_size(layers), out_size(layers);
  for (std::uint32_t l = 0; l < layers; ++l) {
    auto& [K, M] = h.shapes[l];
    BnnSupportHeader& S = h.supports[l];
    const std::size_t off = kFixedHeader + shape_bytes * l;
    K = r.u32();
    M = r.u32();
    const std::string lw = "layer " + std::to_string(l) + ": ";
    if (K < 1 || K > kBnnMaxWidth)
      fail(lw + "field K is " + std::to_string(K) + " (allowed 1.." + std::to_string(kBnnMaxWidth) + ")" + at(off));
    if (M < 1 || M > kBnnMaxWidth)
      fail(lw + "field M is " + std::to_string(M) + " (allowed 1.." + std::to_string(kBnnMaxWidth) + ")" +
           at(off + 4));
    if (h.version >= 2) {
      S.block = r.u32();
      S.bits = r.u8();
      S.default_code = r.u8();
      const unsigned reserved = r.u8() | (unsigned{r.u8()} << 8);
      S.step = r.f32();
      if (reserved != 0) fail(lw + "reserved field is " + std::to_string(reserved) + " (allowed 0)" + at(off + 14));
      if (S.block == 0) {
        if (S.bits != 0 || S.default_code != 0)
          fail(lw + "support_bits " + std::to_string(S.bits) + " / support_default " + std::to_string(S.default_code) +
               " with support_block 0 (allowed 0 / 0: no supports)" + at(off + 12));
      } else {
        if (S.block > K)
          fail(lw + "field support_block is " + std::to_string(S.block) + " (allowed 0 or 1.." + std::to_string(K) +
               ", the layer's K)" + at(off + 8));
        if (S.bits < 1 || S.bits > kMaxSupportBits)
          fail(lw + "field support_bits is " + std::to_string(S.bits) + " (allowed 1.." +
               std::to_string(kMaxSupportBits) + " when support_block > 0)" + at(off + 12));
        if (S.default_code > (1u << S.bits) - 1u)
          fail(lw + "field support_default is " + std::to_string(S.default_code) + " (allowed 0.." +
               std::to_string((1u << S.bits) - 1u) + " for " + std::to_string(S.bits) + " support bits)" + at(off + 13));
        if (!std::isfinite(S.step) || !(S.step > 0.0f))
          fail(lw + "field support_step is " + std::to_string(S.step) + " (allowed a finite value > 0)" + at(off + 16));
      }
    }
    in_size[l] = K;
    out_size[l] = M;
    if (h.version >= 3) {
      const unsigned kind = r.u8();
      ConvShape c;
      c.kernel_h = r.u8();
      c.kernel_w = r.u8();
      c.pad = r.u8();
      auto u16 = [&r]() { return unsigned{r.u8()} | (unsigned{r.u8()} << 8); };
      c.in_h = u16();
      c.in_w = u16();
      c.in_c = u16();
      c.stride = u16();
      c.pool = u16();
      const unsigned reserved3 = u16();
      c.out_c = M;
      if (kind > 1)
        fail(lw + "field kind is " + std::to_string(kind) + " (allowed 0 fully_connected, 1 conv)" + at(off + 20));
      if (reserved3 != 0) fail(lw + "reserved field is " + std::to_string(reserved3) + " (allowed 0)" + at(off + 34));
      if (kind == 0) {
        if (c.kernel_h || c.kernel_w || c.pad || c.in_h || c.in_w || c.in_c || c.stride || c.pool)
          fail(lw + "conv fields of a fully_connected layer are not 0 (allowed 0 when kind is 0)" + at(off + 21));
      } else {
        h.kinds[l] = LayerKind::conv;
        h.convs[l] = c;
        if (l + 1 == layers)
          fail(lw + "field kind is 1 conv (allowed for the last layer: 0 fully_connected)" + at(off + 20));
        const std::string e = c.check();
        if (!e.empty()) fail(lw + "conv shape: " + e + at(off + 21));
        if (K != c.window_rows())
          fail(lw + "field K is " + std::to_string(K) + " but a conv layer has K = kernel_h*kernel_w*in_c = " +
               std::to_string(c.window_rows()) + at(off));
        if (l + 1 == layers)
          fail(lw + "field kind is 1 conv (allowed for the last layer: 0 fully_connected)" + at(off + 20));
        if (S.block != 0)
          fail(lw + "field support_block is " + std::to_string(S.block) + " (allowed 0 on a conv layer)" + at(off + 8));
        in_size[l] = c.input_bits();
        out_size[l] = c.output_bits();
        if (in_size[l] > kBnnMaxWidth || out_size[l] > kBnnMaxWidth)
          fail(lw + "conv maps of " + std::to_string(in_size[l]) + " / " + std::to_string(out_size[l]) +
               " bits (allowed 1.." + std::to_string(kBnnMaxWidth) + ")" + at(off + 24));
      }
    }
    if (l > 0 && in_size[l] != out_size[l - 1]) {
      if (h.kinds[l] != LayerKind::conv && h.kinds[l - 1] != LayerKind::conv)
        fail(lw + "field K is " + std::to_string(K) + " but layer " + std::to_string(l - 1) + " has M=" +
             std::to_string(h.shapes[l - 1].second) + " (layers must chain)" + at(off));
      fail(lw + (h.kinds[l] == LayerKind::conv ? "conv input map of " : "field K is ") + std::to_string(in_size[l]) +
           " but layer " + std::to_string(l - 1) + " outputs " + std::to_string(out_size[l - 1]) +
           " (layers must chain)" + at(off));
    }
    if (l > 0 && h.kinds[l] == LayerKind::conv && h.kinds[l - 1] == LayerKind::conv) {
      const ConvShape& c = h.convs[l];
      const ConvShape& p = h.convs[l - 1];
      if (c.in_h != p.pooled_h() || c.in_w != p.pooled_w() || c.in_c != p.out_c)
        fail(lw + "conv input map " + std::to_string(c.in_h) + "x" + std::to_string(c.in_w) + "x" +
             std::to_string(c.in_c) + " but layer " + std::to_string(l - 1) + " outputs a " +
             std::to_string(p.pooled_h()) + "x" + std::to_string(p.pooled_w()) + "x" + std::to_string(p.out_c) +
             " map (layers must chain)" + at(off + 24));
    }
    expected += std::uint64_t{M} * words_per_row(K) * 8;
    expected += l + 1 < layers ? 5ull * M : 8ull * M;
    if (S.block > 0) expected += std::uint64_t{M} * ((std::uint64_t{K} + S.block - 1) / S.block);
  }
  // One encoding per network: the writer picks the lowest version that holds it.
  bool has_sup = false, has_conv = false;
  for (std::uint32_t l = 0; l < layers; ++l) {
    has_sup = has_sup || h.supports[l].block > 0;
    has_conv = has_conv || h.kinds[l] == LayerKind::conv;
  }
  if (version == kBnnFormatVersionSupports && !has_sup)
    fail("format version 2 but no layer has supports (allowed: version 1 for a network without supports)" + at(8));
  if (version == kBnnFormatVersionConv && !has_conv)
    fail("format version 3 but no layer is a conv layer (allowed: version 1 or 2 for a network without conv layers)" +
         at(8));
  if (size < expected)
    fail("truncated: the header describes " + std::to_string(expected) + " bytes, the file has " + std::to_string(size));
  if (size > expected)
    fail(std::to_string(size - expected) + " trailing bytes: the header describes " + std::to_string(expected) +
         " bytes, the file has " + std::to_string(size));
  return h;
}

}  // namespace

std::uint64_t BnnFileHeader::weight_count() const {
  std::uint64_t n = 0;
  for (const auto& [K, M] : shapes) n += std::uint64_t{K} * M;
  return n;
}

BnnFileHeader read_network_header(const std::string& path) {
  std::vector<std::uint8_t> prefix;
  std::uint64_t size = 0;
  const std::string problem = read_input_prefix(path, prefix, kFixedHeader + kShapeV3 * kBnnMaxLayers, size);
  if (!problem.empty()) throw NetworkFileError(path + ": cannot read network file: " + problem);
  return parse_header(prefix.data(), prefix.size(), size, path);
}

BnnNetwork parse_network(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  auto fail = [&](const std::string& msg) { throw NetworkFileError(name + ": " + msg); };
  const BnnFileHeader h = parse_header(bytes, size, size, name);
  const std::uint32_t layers = static_cast<std::uint32_t>(h.shapes.size());
  const std::uint32_t dlen = h.description_bytes;
  const std::size_t body = kFixedHeader + h.shape_entry_bytes() * std::size_t{layers};
  BnnNetwork net;
  net.mode = h.mode;
  net.input = h.input;
  net.input_bits = h.input_bits;
  net.input_threshold = h.input_threshold;
  net.layers.resize(layers);
  for (std::uint32_t l = 0; l < layers; ++l) {
    BnnLayer& L = net.layers[l];
    L.inputs = h.shapes[l].first;
    L.outputs = h.shapes[l].second;
    L.support_block = h.supports[l].block;
    L.support_bits = h.supports[l].bits;
    L.support_default = h.supports[l].default_code;
    L.support_step = h.supports[l].step;
    L.kind = h.kinds[l];
    if (L.is_conv()) L.conv = h.convs[l];
  }
  Reader r(bytes + body);
  const std::uint32_t stored_crc = Reader(bytes + size - 4).u32();
  const std::uint32_t crc = crc_of(bytes, size - 4);
  if (stored_crc != crc) {
    std::ostringstream os;
    os << std::hex << "checksum mismatch: stored CRC-32 0x" << stored_crc << ", computed 0x" << crc
       << " (file corrupt)";
    fail(os.str());
  }
  net.description.assign(reinterpret_cast<const char*>(r.take(dlen)), dlen);
  for (std::uint32_t l = 0; l < layers; ++l) {
    BnnLayer& L = net.layers[l];
    const std::string lw = "layer " + std::to_string(l) + ": ";
    const std::size_t wpr = words_per_row(L.inputs);
    L.weights.resize(std::size_t{L.outputs} * L.inputs);
    for (std::size_t j = 0; j < L.outputs; ++j) {
      std::int8_t* row = L.weights.data() + j * L.inputs;
      for (std::size_t wi = 0; wi < wpr; ++wi) {
        const std::size_t off = body + r.offset();
        const std::uint64_t word = r.u64();
        const std::size_t nbits = std::min<std::size_t>(64, L.inputs - wi * 64);
        if (nbits < 64 && (word >> nbits) != 0)
          fail(lw + "weights of neuron " + std::to_string(j) + ": padding bits above K=" + std::to_string(L.inputs) +
               " must be 0" + at(off));
        for (std::size_t b = 0; b < nbits; ++b) row[wi * 64 + b] = ((word >> b) & 1) ? 1 : -1;
      }
    }
    if (l + 1 < layers) {
      L.threshold.resize(L.outputs);
      L.flip.resize(L.outputs);
      for (auto& t : L.threshold) t = r.i32();
      for (std::size_t j = 0; j < L.outputs; ++j) {
        const std::size_t off = body + r.offset();
        L.flip[j] = r.u8();
        if (L.flip[j] > 1)
          fail(lw + "flip of neuron " + std::to_string(j) + " is " + std::to_string(L.flip[j]) + " (allowed 0, 1)" + at(off));
      }
    } else {
      L.scale.resize(L.outputs);
      L.bias.resize(L.outputs);
      for (auto& s : L.scale) s = r.f32();
      for (auto& b : L.bias) b = r.f32();
      for (std::size_t j = 0; j < L.outputs; ++j)
        if (!std::isfinite(L.scale[j]) || !std::isfinite(L.bias[j]))
          fail(lw + "scale/bias of output " + std::to_string(j) + " not finite");
    }
    if (L.has_supports()) {
      const std::size_t n = std::size_t{L.outputs} * support_blocks(L);
      const std::size_t off = body + r.offset();
      const std::uint8_t* codes = r.take(n);
      L.support.assign(codes, codes + n);
      const unsigned top = (1u << L.support_bits) - 1u;
      for (std::size_t i = 0; i < n; ++i)
        if (L.support[i] > top)
          fail(lw + "support code of neuron " + std::to_string(i / support_blocks(L)) + ", block " +
               std::to_string(i % support_blocks(L)) + " is " + std::to_string(L.support[i]) + " (allowed 0.." +
               std::to_string(top) + ")" + at(off + i));
    }
  }
  return net;
}

void save_network(const std::string& path, const BnnNetwork& net) {
  const auto bytes = serialize_network(net);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw NetworkFileError(path + ": cannot create file (" + std::strerror(errno) + ")");
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) throw NetworkFileError(path + ": write error");
}

BnnNetwork load_network(const std::string& path) {
  read_network_header(path);  // header and shapes against the file size before the body is read
  std::vector<std::uint8_t> bytes;
  const std::string problem = read_input_file(path, bytes);
  if (!problem.empty()) throw NetworkFileError(path + ": cannot read network file: " + problem);
  return parse_network(bytes.data(), bytes.size(), path);
}

std::string shipped_weights_path(const std::string& file_name) {
  const char* env = std::getenv("CIMVP_WEIGHTS_DIR");
  const std::string data = installed_data_dir();
  const std::string dir = env && *env      ? std::string(env)
                          : !data.empty() ? data + "/weights"
                                          : std::string(CIMVP_SOURCE_DIR) + "/workloads/weights";
  return dir + "/" + file_name;
}

}  // namespace cimvp

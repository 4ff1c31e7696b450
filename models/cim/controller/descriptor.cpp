#include "cimvp/cim/controller/descriptor.h"

#include <algorithm>
#include <sstream>

namespace cimvp {

namespace {

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint64_t le64(const std::uint8_t* p) { return le32(p) | static_cast<std::uint64_t>(le32(p + 4)) << 32; }

void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) {
  put32(p, static_cast<std::uint32_t>(v));
  put32(p + 4, static_cast<std::uint32_t>(v >> 32));
}

unsigned le16(const std::uint8_t* p) { return static_cast<unsigned>(p[0]) | static_cast<unsigned>(p[1]) << 8; }

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

}  // namespace

// ---------------------------------------------------------------- encoding

std::vector<std::uint8_t> encode(const NetworkHeader& h) {
  std::vector<std::uint8_t> b(cim_desc::kHeaderBytes, 0);
  put32(b.data() + 0, h.magic);
  put32(b.data() + 4, h.version);
  put32(b.data() + 8, h.layers);
  put32(b.data() + 12, h.reserved);
  return b;
}

std::vector<std::uint8_t> encode(const LayerDescriptor& d, std::uint32_t version) {
  using namespace cim_desc;
  if (version < kMinVersion || version > kVersion)
    throw std::invalid_argument("encode: descriptor version " + std::to_string(version) + ", expected " +
                                std::to_string(kMinVersion) + ".." + std::to_string(kVersion));
  if (version < 2 && d.kind != LayerKind::fully_connected)
    throw std::invalid_argument(std::string("encode: layer kind ") + to_string(d.kind) +
                                " needs descriptor version 2");
  if (version < 3 && d.support_block != 0)
    throw std::invalid_argument("encode: supports need descriptor version 3");
  if (d.kind == LayerKind::pool)
    throw std::invalid_argument("encode: stand-alone pool layers are not a descriptor kind (pooling is the conv layer's pool field)");
  if (d.is_conv()) {
    if (version < 4) throw std::invalid_argument("encode: conv layers need descriptor version 4");
    if (d.support_block != 0) throw std::invalid_argument("encode: a conv layer carries no supports");
    const ConvShape& c = d.conv;
    if (c.in_h > 0xFFFFu || c.in_w > 0xFFFFu || c.in_c > 0xFFFFu)
      throw std::invalid_argument("encode: conv input map " + std::to_string(c.in_h) + "x" + std::to_string(c.in_w) +
                                  "x" + std::to_string(c.in_c) + ": each size must be <= 65535");
    if (c.kernel_h > 0xFFu || c.kernel_w > 0xFFu || c.stride > 0xFFu || c.pad > 0xFFu || c.pool > 0xFFu)
      throw std::invalid_argument("encode: conv kernel, stride, pad and pool must each be <= 255");
  }
  if (d.support_block > 0xFFFFu)
    throw std::invalid_argument("encode: support block " + std::to_string(d.support_block) + " > 65535");
  std::vector<std::uint8_t> b(kLayerBytes, 0);
  put32(b.data() + K, d.inputs);
  put32(b.data() + M, d.outputs);
  b[KIND] = static_cast<std::uint8_t>(d.input_kind);
  b[PLANES] = d.planes;
  b[FORMAT] = static_cast<std::uint8_t>(d.format);
  b[FLAGS] = d.last ? kFlagLast : 0;
  b[PIXEL_THRESHOLD] = d.pixel_threshold;
  b[FIRST_BIT] = d.first_bit;
  if (version >= 2) b[LAYER_KIND] = static_cast<std::uint8_t>(d.kind);
  put64(b.data() + WEIGHTS, d.weights);
  put64(b.data() + THRESHOLDS, d.thresholds);
  put64(b.data() + FLIPS, d.flips);
  put64(b.data() + MLSA_TABLE, d.table);
  put32(b.data() + MLSA_BYTES, d.table_bytes);
  if (d.is_conv()) {
    const ConvShape& c = d.conv;
    const auto put16 = [&b](std::uint32_t at, unsigned v) {
      b[at] = static_cast<std::uint8_t>(v);
      b[at + 1] = static_cast<std::uint8_t>(v >> 8);
    };
    put16(CONV_IN_H, c.in_h);
    put16(CONV_IN_W, c.in_w);
    put16(CONV_IN_C, c.in_c);
    b[CONV_KERNEL_H] = static_cast<std::uint8_t>(c.kernel_h);
    b[CONV_KERNEL_W] = static_cast<std::uint8_t>(c.kernel_w);
    b[CONV_STRIDE] = static_cast<std::uint8_t>(c.stride);
    b[CONV_PAD] = static_cast<std::uint8_t>(c.pad);
    b[CONV_POOL] = static_cast<std::uint8_t>(c.pool);
  } else if (d.support_block != 0) {
    b[SUPPORT_BLOCK] = static_cast<std::uint8_t>(d.support_block);
    b[SUPPORT_BLOCK + 1] = static_cast<std::uint8_t>(d.support_block >> 8);
    b[SUPPORT_BITS] = d.support_bits;
    b[SUPPORT_DEFAULT] = d.support_default;
    put64(b.data() + SUPPORTS, d.supports);
  }
  return b;
}

std::vector<std::uint8_t> encode(const NetworkDescriptor& n) {
  NetworkHeader h = n.header;
  h.layers = static_cast<std::uint32_t>(n.layers.size());
  std::vector<std::uint8_t> b = encode(h);
  for (const LayerDescriptor& d : n.layers) {
    const std::vector<std::uint8_t> l = encode(d, h.version);
    b.insert(b.end(), l.begin(), l.end());
  }
  return b;
}

void encode(const MlsaTableEntry& e, std::vector<std::uint8_t>& out) {
  if (e.values_half.empty() || e.references_half.size() + 1 != e.values_half.size())
    throw std::invalid_argument("encode: an MLSA table entry needs L >= 1 values and L - 1 references (got " +
                                std::to_string(e.values_half.size()) + " values, " +
                                std::to_string(e.references_half.size()) + " references)");
  const std::size_t at = out.size();
  out.resize(at + 4 * (1 + e.references_half.size() + e.values_half.size()));
  std::uint8_t* p = out.data() + at;
  put32(p, e.levels());
  p += 4;
  for (std::int32_t r : e.references_half) {
    put32(p, static_cast<std::uint32_t>(r));
    p += 4;
  }
  for (std::int32_t v : e.values_half) {
    put32(p, static_cast<std::uint32_t>(v));
    p += 4;
  }
}

// ---------------------------------------------------------------- decoding

NetworkHeader decode_header(const std::uint8_t* b, std::size_t size, std::uint64_t base,
                            const DescriptorLimits& limits) {
  using namespace cim_desc;
  const auto fail = [base](std::size_t offset, const std::string& what) {
    return DescriptorError{cim_err::BAD_HEADER, kNoDescriptorLayer, base, offset, what};
  };
  if (size < kHeaderBytes)
    throw fail(size, "network header truncated: " + std::to_string(size) + " bytes, expected " +
                         std::to_string(kHeaderBytes));
  NetworkHeader h;
  h.magic = le32(b);
  h.version = le32(b + 4);
  h.layers = le32(b + 8);
  h.reserved = le32(b + 12);
  if (h.magic != kMagic)
    throw fail(0, "bad magic " + hex(h.magic) + " at " + hex(base) + ", expected " + hex(kMagic));
  if (h.version < kMinVersion || h.version > kVersion)
    throw fail(4, "descriptor version " + std::to_string(h.version) + ", expected " + std::to_string(kMinVersion) +
                      ".." + std::to_string(kVersion));
  if (h.layers < 1 || h.layers > limits.max_layers)
    throw fail(8, std::to_string(h.layers) + " layers, expected 1.." + std::to_string(limits.max_layers));
  if (h.reserved != 0) throw fail(12, "reserved header word is not 0");
  return h;
}

LayerDescriptor decode_layer(const std::uint8_t* d, std::size_t size, unsigned l, const NetworkHeader& h,
                             std::uint32_t prev_outputs, const DescriptorLimits& limits) {
  using namespace cim_desc;
  const auto fail = [l](std::uint32_t code, std::size_t offset, const std::string& what, std::uint64_t addr = 0) {
    return DescriptorError{code, l, addr, offset, what};
  };
  if (size < kLayerBytes)
    throw fail(cim_err::BAD_DESCRIPTOR, size,
               "layer descriptor truncated: " + std::to_string(size) + " bytes, expected " +
                   std::to_string(kLayerBytes));
  LayerDescriptor L;
  // Layer kind first (version 2): the other fields mean something else for other kinds.
  L.kind = LayerKind::fully_connected;
  if (h.version >= 2) {
    const std::uint8_t kind = d[LAYER_KIND];
    if (kind == static_cast<std::uint8_t>(LayerKind::pool))
      throw fail(cim_err::BAD_DESCRIPTOR, LAYER_KIND,
                 "layer kind pool: stand-alone pool layers are not supported (max pooling is the conv layer's pool "
                 "field, byte " + std::to_string(CONV_POOL) + ")");
    if (kind == static_cast<std::uint8_t>(LayerKind::conv) && h.version < 4)
      throw fail(cim_err::BAD_DESCRIPTOR, LAYER_KIND,
                 "layer kind conv in a version " + std::to_string(h.version) + " image (conv layers need version 4)");
    if (kind > static_cast<std::uint8_t>(LayerKind::conv))
      throw fail(cim_err::BAD_DESCRIPTOR, LAYER_KIND,
                 "layer kind " + std::to_string(kind) + ", expected 0 (fully_connected) or 1 (conv)");
    L.kind = static_cast<LayerKind>(kind);
  }
  L.inputs = le32(d + K);
  L.outputs = le32(d + M);
  const unsigned W = limits.max_width;
  if (L.inputs == 0 || L.inputs > W)
    throw fail(cim_err::BAD_SHAPE, K, "K = " + std::to_string(L.inputs) + ", expected 1.." + std::to_string(W));
  if (L.outputs == 0 || L.outputs > W)
    throw fail(cim_err::BAD_SHAPE, M, "M = " + std::to_string(L.outputs) + ", expected 1.." + std::to_string(W));
  if (L.is_conv()) {
    ConvShape& c = L.conv;
    c.in_h = le16(d + CONV_IN_H);
    c.in_w = le16(d + CONV_IN_W);
    c.in_c = le16(d + CONV_IN_C);
    c.out_c = L.outputs;
    c.kernel_h = d[CONV_KERNEL_H];
    c.kernel_w = d[CONV_KERNEL_W];
    c.stride = d[CONV_STRIDE];
    c.pad = d[CONV_PAD];
    c.pool = d[CONV_POOL];
    const std::string problem = c.check();
    if (!problem.empty()) throw fail(cim_err::BAD_SHAPE, CONV_IN_H, "conv shape: " + problem);
    if (c.window_rows() != L.inputs)
      throw fail(cim_err::BAD_SHAPE, K,
                 "K = " + std::to_string(L.inputs) + " but the conv window has kernel_h*kernel_w*in_c = " +
                     std::to_string(c.window_rows()) + " rows");
    if (c.input_bits() > W)
      throw fail(cim_err::BAD_SHAPE, CONV_IN_H,
                 "conv input map of " + std::to_string(c.input_bits()) + " bits, expected 1.." + std::to_string(W) +
                     " (max width)");
    if (c.output_bits() > W)
      throw fail(cim_err::BAD_SHAPE, CONV_POOL,
                 "conv output map of " + std::to_string(c.output_bits()) + " bits, expected 1.." + std::to_string(W) +
                     " (max width)");
    if (d[CONV_RESERVED] != 0) throw fail(cim_err::BAD_DESCRIPTOR, CONV_RESERVED, "reserved fields are not 0");
  }
  if (l > 0 && L.input_size() != prev_outputs)
    throw fail(cim_err::BAD_SHAPE, L.is_conv() ? CONV_IN_H : K,
               L.is_conv() ? "conv input map of " + std::to_string(L.input_size()) +
                                 " bits (in_h*in_w*in_c) but the previous layer has " + std::to_string(prev_outputs) +
                                 " outputs"
                           : "K = " + std::to_string(L.inputs) + " but the previous layer has " +
                                 std::to_string(prev_outputs) + " outputs");
  const std::uint8_t kind = d[KIND], planes = d[PLANES], format = d[FORMAT], flags = d[FLAGS];
  if (kind > 1) throw fail(cim_err::BAD_DESCRIPTOR, KIND, "input kind " + std::to_string(kind) + ", expected 0|1");
  L.input_kind = static_cast<InputKind>(kind);
  if (!supports(limits.mode, L.input_kind))
    throw fail(cim_err::BAD_DESCRIPTOR, KIND,
               std::string(to_string(L.input_kind)) + " inputs on " + to_string(limits.mode) + " cells");
  if (format > 3)
    throw fail(cim_err::BAD_DESCRIPTOR, FORMAT, "input format " + std::to_string(format) + ", expected 0..3");
  L.format = static_cast<InputFormat>(format);
  if ((l == 0) == (L.format == InputFormat::on_chip))
    throw fail(cim_err::BAD_DESCRIPTOR, FORMAT,
               std::string("input format ") + to_string(L.format) +
                   (l == 0 ? " on the first layer" : " on a later layer (expected on_chip)"));
  if (l > 0 && L.input_kind != native_input(limits.mode))
    throw fail(cim_err::BAD_DESCRIPTOR, KIND,
               std::string("a later layer of a ") + to_string(limits.mode) + " network takes " +
                   to_string(native_input(limits.mode)) + " inputs");
  if (planes < 1 || planes > 8)
    throw fail(cim_err::BAD_DESCRIPTOR, PLANES, "planes = " + std::to_string(planes) + ", expected 1..8");
  L.planes = planes;
  if (L.format != InputFormat::pixels_bit_serial && planes != 1)
    throw fail(cim_err::BAD_DESCRIPTOR, PLANES,
               std::string("planes = ") + std::to_string(planes) + " with input format " + to_string(L.format) +
                   " (expected 1)");
  L.pixel_threshold = d[PIXEL_THRESHOLD];
  L.first_bit = d[FIRST_BIT];
  if (L.format == InputFormat::pixels_bit_serial) {
    if (L.input_kind != InputKind::unipolar)
      throw fail(cim_err::BAD_DESCRIPTOR, KIND, "bit-serial planes need unipolar inputs");
    if (L.first_bit + planes > 8)
      throw fail(cim_err::BAD_DESCRIPTOR, FIRST_BIT,
                 "first bit " + std::to_string(L.first_bit) + " + planes " + std::to_string(planes) + " > 8");
  }
  if ((flags & ~kFlagLast) != 0) throw fail(cim_err::BAD_DESCRIPTOR, FLAGS, "unknown flags " + hex(flags));
  L.last = (flags & kFlagLast) != 0;
  if (L.last != (l + 1 == h.layers))
    throw fail(cim_err::BAD_DESCRIPTOR, FLAGS,
               L.last ? "LAST flag on a hidden layer" : "LAST flag missing on the last layer");
  if (L.last && L.is_conv())
    throw fail(cim_err::BAD_DESCRIPTOR, LAYER_KIND, "a conv layer cannot be the last layer (the output layer is dense)");
  // Reserved: byte 15, bytes 52..63 before version 3 (and with p = 0), and byte 14 too in
  // version 1 (no layer kind there).
  const unsigned p = h.version >= 3 && !L.is_conv() ? static_cast<unsigned>(d[SUPPORT_BLOCK]) | static_cast<unsigned>(d[SUPPORT_BLOCK + 1]) << 8
                                    : 0u;
  const std::size_t reserved_at = h.version < 2 && d[LAYER_KIND] != 0      ? LAYER_KIND
                                  : d[RESERVED0] != 0                      ? RESERVED0
                                  : L.is_conv()                            ? 0
                                  : p == 0 && le32(d + RESERVED1) != 0     ? RESERVED1
                                  : p == 0 && le64(d + RESERVED1 + 4) != 0 ? RESERVED1 + 4
                                                                           : 0;
  if (reserved_at != 0) throw fail(cim_err::BAD_DESCRIPTOR, reserved_at, "reserved fields are not 0");
  if (p != 0) {
    L.support_block = p;
    L.support_bits = d[SUPPORT_BITS];
    L.support_default = d[SUPPORT_DEFAULT];
    L.supports = le64(d + SUPPORTS);
    if (p > L.inputs)
      throw fail(cim_err::BAD_DESCRIPTOR, SUPPORT_BLOCK,
                 "support block p = " + std::to_string(p) + ", expected 1..K (" + std::to_string(L.inputs) + ")");
    if (L.support_bits < 1 || L.support_bits > 8)
      throw fail(cim_err::BAD_DESCRIPTOR, SUPPORT_BITS,
                 "support bits = " + std::to_string(L.support_bits) + ", expected 1..8");
    if (L.support_default > (1u << L.support_bits) - 1u)
      throw fail(cim_err::BAD_DESCRIPTOR, SUPPORT_DEFAULT,
                 "default support code " + std::to_string(L.support_default) + ", expected 0.." +
                     std::to_string((1u << L.support_bits) - 1u));
  }
  L.weights = le64(d + WEIGHTS);
  L.thresholds = le64(d + THRESHOLDS);
  L.flips = le64(d + FLIPS);
  L.table = le64(d + MLSA_TABLE);
  L.table_bytes = le32(d + MLSA_BYTES);
  if (L.weights % 8 != 0)
    throw fail(cim_err::MISALIGNED, WEIGHTS, "weights at " + hex(L.weights) + " are not 8-byte aligned", L.weights);
  if (!L.last && L.thresholds % 4 != 0)
    throw fail(cim_err::MISALIGNED, THRESHOLDS, "thresholds at " + hex(L.thresholds) + " are not 4-byte aligned",
               L.thresholds);
  if (L.table != 0 && L.table % 4 != 0)
    throw fail(cim_err::MISALIGNED, MLSA_TABLE, "MLSA table at " + hex(L.table) + " is not 4-byte aligned", L.table);
  return L;
}

NetworkDescriptor decode_network(const std::uint8_t* bytes, std::size_t size, std::uint64_t base,
                                 const DescriptorLimits& limits) {
  using namespace cim_desc;
  NetworkDescriptor n;
  n.header = decode_header(bytes, size, base, limits);
  const std::size_t need = kHeaderBytes + std::size_t{n.header.layers} * kLayerBytes;
  if (size < need)
    throw DescriptorError{cim_err::BAD_DESCRIPTOR, kNoDescriptorLayer, 0, size,
                          "descriptors truncated: " + std::to_string(size) + " bytes, " +
                              std::to_string(n.header.layers) + " layers need " + std::to_string(need)};
  for (unsigned l = 0; l < n.header.layers; ++l) {
    const std::size_t at = kHeaderBytes + std::size_t{l} * kLayerBytes;
    try {
      const std::uint64_t prev = l == 0 ? 0 : n.layers.back().output_size();
      n.layers.push_back(decode_layer(bytes + at, kLayerBytes, l, n.header,
                                      static_cast<std::uint32_t>(std::min<std::uint64_t>(prev, 0xFFFFFFFFu)), limits));
    } catch (const DescriptorError& e) {
      throw DescriptorError{e.code, e.layer, e.addr, at + e.offset, e.what()};
    }
  }
  return n;
}

// ---------------------------------------------------------------- MLSA tables

DescriptorError MlsaTableReader::error(const std::string& what) const {
  return DescriptorError{cim_err::BAD_MLSA_TABLE, layer_, base_ + offset(), offset(), what};
}

MlsaTableEntry MlsaTableReader::next(unsigned max_levels, const std::string& where) {
  if (end_ - p_ < 4) throw error(where + ": table ends early");
  const std::uint32_t levels = le32(p_);
  if (levels < 1 || levels > max_levels)
    throw error(where + ": " + std::to_string(levels) + " levels, expected 1.." + std::to_string(max_levels));
  p_ += 4;
  const std::size_t need = (2 * std::size_t{levels} - 1) * 4;
  if (static_cast<std::size_t>(end_ - p_) < need) throw error(where + ": table ends early");
  MlsaTableEntry e;
  e.references_half.resize(levels - 1);
  e.values_half.resize(levels);
  for (auto& r : e.references_half) {
    r = static_cast<std::int32_t>(le32(p_));
    p_ += 4;
  }
  for (auto& v : e.values_half) {
    v = static_cast<std::int32_t>(le32(p_));
    p_ += 4;
  }
  return e;
}

Quantizer MlsaTableReader::next_quantizer(const PsRange& range, const std::string& where) {
  MlsaTableEntry e = next(range.count, where);
  std::vector<double> refs(e.references_half.size());
  for (std::size_t i = 0; i < refs.size(); ++i) refs[i] = e.references_half[i] / 2.0;
  try {
    return Quantizer::custom(range, std::move(refs), std::move(e.values_half));
  } catch (const std::invalid_argument& ex) {
    throw error(where + ": " + ex.what());
  }
}

void MlsaTableReader::finish() const {
  if (p_ != end_) throw error(std::to_string(end_ - p_) + " bytes after the last entry");
}

}  // namespace cimvp

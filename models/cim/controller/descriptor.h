// The in-memory descriptor format of the CIM macro (docs/cim-macro.md, "Descriptor format")
// as one codec: typed structs, encode() to little-endian bytes and decode() with every check
// the macro applies.  Plain C++ (no SystemC): CimMacro decodes with it, the toolchain
// (build_cim_image) encodes with it, and the unit tests exercise it without a kernel.
//
// Versions: version 4 (current) adds conv layers (LAYER_KIND 1, the ConvShape in bytes
// 52..63, cim_desc::CONV_*); version 3 adds the support section (bytes 52..63, reserved 0 before:
// p, b_s, default code, address of the codes); version 2 adds the layer kind in byte 14 of a layer descriptor, which
// was a reserved byte (0) in version 1; a version-1 image therefore decodes as all
// fully-connected layers, and a non-zero byte 14 in a version-1 image is still "reserved
// fields are not 0".  The layout (16-byte header, 64-byte layers) is the same in both.
#pragma once

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/quantizer.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimvp {

// Layer kind (byte cim_desc::LAYER_KIND, version >= 2): LayerKind of
// cimvp/circuit/conv_shape.h.  fully_connected (all versions) and conv (version >= 4) are
// executed by CimMacro; max pooling is the conv layer's pool field (CONV_POOL, an OR in the
// digital periphery after the threshold), so the stand-alone kind pool is rejected
// (BAD_DESCRIPTOR) as is conv in a version 2/3 image.

/// ERROR_INFO value meaning "no layer".
constexpr std::uint32_t kNoDescriptorLayer = 0xFFFFFFFFu;

/// A descriptor (or MLSA table) the macro must reject.  `code` is the cim_err value,
/// `layer` the ERROR_INFO (kNoDescriptorLayer for the header), `addr` the ERR_ADDR the
/// macro reports (0 when the error has no address: shapes, enums, flags, reserved fields;
/// the header address for header errors; the misaligned pointer for alignment errors; the
/// offending entry's address for MLSA tables), `offset` the byte offset of the offending
/// field from the start of the decoded bytes.  what() is the message of the macro's warning.
class DescriptorError : public std::runtime_error {
 public:
  DescriptorError(std::uint32_t code, std::uint32_t layer, std::uint64_t addr, std::size_t offset,
                  const std::string& what)
      : std::runtime_error(what), code(code), layer(layer), addr(addr), offset(offset) {}
  std::uint32_t code;
  std::uint32_t layer;
  std::uint64_t addr;
  std::size_t offset;
};

/// What the decoder checks against: the macro's limits and cell mode.
struct DescriptorLimits {
  unsigned max_layers = 255;
  unsigned max_width = 1u << 20;
  CellMode mode = CellMode::xnor_8t;
  static DescriptorLimits of(const CimMacroConfig& c) { return {c.max_layers, c.max_width, c.array.mode}; }
};

/// Network header (16 bytes at DESC).
struct NetworkHeader {
  std::uint32_t magic = cim_desc::kMagic;
  std::uint32_t version = cim_desc::kVersion;
  std::uint32_t layers = 0;
  std::uint32_t reserved = 0;
};

/// One layer descriptor (64 bytes), every field typed.
struct LayerDescriptor {
  std::uint32_t inputs = 0;                   ///< K
  std::uint32_t outputs = 0;                  ///< M
  LayerKind kind = LayerKind::fully_connected;
  InputKind input_kind = InputKind::bipolar;
  std::uint8_t planes = 1;
  InputFormat format = InputFormat::on_chip;
  bool last = false;                          ///< flags bit 0 (LAST)
  std::uint8_t pixel_threshold = 0;
  std::uint8_t first_bit = 0;
  std::uint64_t weights = 0, thresholds = 0, flips = 0, table = 0;  ///< addresses
  std::uint32_t table_bytes = 0;
  // Support section (version >= 3); support_block == 0: a plain binary layer.
  std::uint32_t support_block = 0;   ///< p (1..K, at most 65535)
  std::uint8_t support_bits = 0;     ///< b_s (1..8)
  std::uint8_t support_default = 0;  ///< default code
  std::uint64_t supports = 0;        ///< address of the M × ⌈K/p⌉ code bytes
  /// kind == conv (version >= 4): the shape in bytes 52..63; out_c == outputs and
  /// window_rows() == inputs.  No supports on a conv layer.
  ConvShape conv;
  bool is_conv() const { return kind == LayerKind::conv; }
  /// Bits the layer reads per input (dense: K; conv: the in_h·in_w·in_c map).
  std::uint64_t input_size() const { return is_conv() ? conv.input_bits() : inputs; }
  /// Bits the layer hands to the next layer (dense: M; conv: the pooled map).
  std::uint64_t output_size() const { return is_conv() ? conv.output_bits() : outputs; }
  /// Bytes of the codes: M · ⌈K/p⌉ (0 without supports).
  std::uint64_t support_bytes() const {
    return support_block ? std::uint64_t{outputs} * ((inputs + support_block - 1) / support_block) : 0;
  }
};

/// A header and its layers.
struct NetworkDescriptor {
  NetworkHeader header;
  std::vector<LayerDescriptor> layers;
};

// ---- encoding (toolchain side)

/// 16 little-endian bytes.
std::vector<std::uint8_t> encode(const NetworkHeader& h);
/// 64 little-endian bytes in the format of `version` (1..4).  Throws std::invalid_argument
/// for a value that does not fit its field (a conv size > 65535, a kernel/stride/pad/pool
/// > 255), supports on a conv layer, or a layer kind the version cannot express.
std::vector<std::uint8_t> encode(const LayerDescriptor& d, std::uint32_t version = cim_desc::kVersion);
/// Header followed by the layers (header.layers is ignored: the layer count is written).
std::vector<std::uint8_t> encode(const NetworkDescriptor& n);

// ---- decoding (macro side); every function throws DescriptorError

/// Checks magic, version (cim_desc::kMinVersion..kVersion), layer count (1..max_layers) and
/// the reserved word.  `base` is the address the bytes came from (error address/messages).
NetworkHeader decode_header(const std::uint8_t* bytes, std::size_t size, std::uint64_t base,
                            const DescriptorLimits& limits);
/// Decodes and checks layer `l` of a network with header `h` (its version and layer count);
/// `prev_outputs` is the output_size() of layer l − 1 (M, or a conv layer's pooled map;
/// ignored for l = 0).  Same checks and order as the macro: kind, shapes (conv: the
/// ConvShape checks of ConvShape::check(), K = window rows, M = out_c, maps ≤ max_width bits,
/// not the last layer — BAD_SHAPE / BAD_DESCRIPTOR), input kind / format / planes / first
/// bit, flags, reserved fields, alignment of weights (8), thresholds (4, hidden layers) and
/// table (4).
LayerDescriptor decode_layer(const std::uint8_t* bytes, std::size_t size, unsigned l, const NetworkHeader& h,
                             std::uint32_t prev_outputs, const DescriptorLimits& limits);
/// Header and every layer of `bytes` (at least kHeaderBytes + layers × kLayerBytes).
NetworkDescriptor decode_network(const std::uint8_t* bytes, std::size_t size, std::uint64_t base,
                                 const DescriptorLimits& limits);
inline NetworkDescriptor decode_network(const std::vector<std::uint8_t>& bytes, std::uint64_t base,
                                        const DescriptorLimits& limits) {
  return decode_network(bytes.data(), bytes.size(), base, limits);
}

// ---- MLSA / ADC reference tables (cim_mlsa_table)

/// One transfer function: u32 L, (L − 1) × i32 references ×2, L × i32 level values ×2.
struct MlsaTableEntry {
  std::vector<std::int32_t> references_half;  ///< L − 1, ascending
  std::vector<std::int32_t> values_half;      ///< L
  unsigned levels() const { return static_cast<unsigned>(values_half.size()); }
};

/// Appends one entry.  Throws std::invalid_argument unless references = levels − 1 ≥ 0.
void encode(const MlsaTableEntry& e, std::vector<std::uint8_t>& out);

/// Walks a table entry by entry, in the order the macro programs it (row block, plane,
/// segment).  Errors are BAD_MLSA_TABLE of `layer` at address base + the offset where the
/// reader stands (the entry's level word for a bad count, past the entry for a bad transfer
/// function), exactly as the macro reports them.
class MlsaTableReader {
 public:
  MlsaTableReader(const std::uint8_t* bytes, std::size_t size, std::uint64_t base, std::uint32_t layer)
      : p_(bytes), begin_(bytes), end_(bytes + size), base_(base), layer_(layer) {}
  /// The next entry, with 1..max_levels levels; `where` prefixes the messages.
  MlsaTableEntry next(unsigned max_levels, const std::string& where);
  /// The next entry as the quantizer of a segment with partial sums `range`
  /// (Quantizer::custom(range, references / 2, values)).
  Quantizer next_quantizer(const PsRange& range, const std::string& where);
  /// Throws unless the whole table was consumed ("N bytes after the last entry").
  void finish() const;
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
  /// A BAD_MLSA_TABLE error at the current offset (for checks made by the caller).
  DescriptorError error(const std::string& what) const;

 private:
  const std::uint8_t* p_;
  const std::uint8_t* begin_;
  const std::uint8_t* end_;
  std::uint64_t base_;
  std::uint32_t layer_;
};

}  // namespace cimvp

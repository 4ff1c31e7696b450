// The .bnn network file: a BnnNetwork (bnn.h) in a checked, little-endian binary format.
//
// Byte layout (docs/workloads.md has the table):
//   0   8   magic "CIMVPBNN"
//   8   4   u32 format version: 1 (no supports), 2 (any layer may carry supports) or 3
//           (kBnnFormatVersion: layer kinds and conv shapes); the writer uses the lowest version
//           that holds the network (1 without supports and conv layers, 2 with supports and no
//           conv layer), so plain networks keep their version-1 bytes and older readers load them
//   12  1   u8 cell mode (0 hbnn_6t, 1 xnor_8t)
//   13  1   u8 input encoding (0 binarized, 1 bit_serial)
//   14  1   u8 input_bits (1..8)
//   15  1   u8 input_threshold (0..255)
//   16  4   u32 layer count L (1..kBnnMaxLayers)
//   20  4   u32 description length D (0..kBnnMaxDescription)
//   24  8L  per layer u32 K (inputs), u32 M (outputs), each 1..kBnnMaxWidth; K[l+1] == M[l]
//       (version 2: 20L, each entry followed by u32 support_block p (0, or 1..K), u8 support_bits
//        (0 when p = 0, else 1..8), u8 support_default (0..2^bits−1), u16 reserved (0),
//        f32 support_step (finite, > 0 when p > 0))
//       (version 3: 36L, the version-2 entry followed by u8 kind (0 fully_connected, 1 conv),
//        u8 kernel_h, u8 kernel_w, u8 pad, u16 in_h, u16 in_w, u16 in_c, u16 stride, u16 pool,
//        u16 reserved (0); all conv fields 0 for a fully_connected layer.  A conv layer has
//        out_c = M, K = kernel_h·kernel_w·in_c, a valid ConvShape (conv_shape.h check()), no
//        supports (p = 0), is not the last layer, has in_c = 1 as the first layer; chaining
//        compares input_size() with the previous output_size() (bnn.h), and a conv layer after a
//        conv layer reads exactly its pooled map H×W×C)
//   ..  D   description (UTF-8 text, no terminator)
//   per layer l:
//     M·ceil(K/64)·8 bytes of weights: neuron j's row is ceil(K/64) u64 words; bit (k mod 64)
//       of word k/64 is 1 for W[j][k] = +1 and 0 for −1 (LSB first, so also bit k mod 8 of
//       byte k/8); unused bits of a row's last word are 0
//     hidden layers: M × i32 threshold, then M × u8 flip (0 or 1)
//     last layer:    M × f32 scale, then M × f32 bias (finite)
//     version 2, p > 0: M·⌈K/p⌉ u8 support codes (neuron j, block b) row-major, each ≤ 2^bits−1
//   end 4   u32 CRC-32 (zlib crc32) of every preceding byte
// The loader rejects anything else with NetworkFileError naming the file, the field and the
// allowed values (bad magic or version, enum values, shapes, layer chaining, truncation,
// trailing bytes, checksum, non-zero padding bits, flip values, non-finite floats).
#pragma once

#include "cimvp/workloads/bnn.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

class NetworkFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr char kBnnMagic[9] = "CIMVPBNN";
constexpr std::uint32_t kBnnFormatVersionPlain = 1;     ///< no supports, no conv layers
constexpr std::uint32_t kBnnFormatVersionSupports = 2;  ///< per-layer supports
constexpr std::uint32_t kBnnFormatVersionConv = 3;      ///< layer kind and conv shape per layer
constexpr std::uint32_t kBnnFormatVersion = 3;          ///< newest
constexpr std::uint32_t kBnnMaxLayers = 64;
constexpr std::uint32_t kBnnMaxWidth = 1u << 20;
constexpr std::uint32_t kBnnMaxDescription = 1u << 16;

/// The header of a .bnn file: fixed fields and layer shapes, checked against the file size.
/// The support fields of one layer's version-2 shape entry (all 0 / 1.0 without supports).
struct BnnSupportHeader {
  std::uint32_t block = 0;   ///< p (0: no supports)
  unsigned bits = 0;         ///< b_s
  std::uint8_t default_code = 0;
  float step = 1.0f;
};

struct BnnFileHeader {
  std::uint32_t version = kBnnFormatVersionPlain;
  CellMode mode = CellMode::xnor_8t;
  InputEncoding input = InputEncoding::binarized;
  unsigned input_bits = 8;
  unsigned input_threshold = 128;
  std::uint32_t description_bytes = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> shapes;  ///< per layer (K inputs, M outputs)
  std::vector<BnnSupportHeader> supports;                       ///< per layer (version >= 2)
  std::vector<LayerKind> kinds;                                 ///< per layer (fully_connected before v3)
  std::vector<ConvShape> convs;                                 ///< per layer (conv layers only)
  /// Bytes of one layer's shape entry: 8 (version 1), 20 (version 2) or 36 (version 3).
  std::size_t shape_entry_bytes() const { return version >= 3 ? 36 : version >= 2 ? 20 : 8; }
  std::uint64_t file_bytes = 0;                                 ///< size of the file
  /// Σ K·M: the weights load_network will expand (one byte each in memory).
  std::uint64_t weight_count() const;
};

/// Reads only the header (at most 24 + 8·kBnnMaxLayers bytes) and checks every field and
/// the exact file size the shapes imply, so a caller can check the shapes (against a
/// platform's capacity, say) before load_network allocates about K·M bytes per layer.
/// Throws NetworkFileError like load_network.
BnnFileHeader read_network_header(const std::string& path);

/// Checks that a network is well formed (shapes, ±1 weights, per-layer vectors of the right
/// length for hidden / last layers, flips 0/1, finite scale and bias, enums and input
/// parameters in range, layer chaining).  Throws NetworkFileError starting with `what`.
void validate_network(const BnnNetwork& net, const std::string& what = "network");

/// Empty when layer l's kind, conv shape and chaining with layer l−1 are valid (bnn.h), else
/// what is wrong, naming the field and the allowed values: kind fully_connected or conv; a
/// conv layer has a valid ConvShape (check()), K == window_rows(), M == out_c, no supports,
/// is not the last layer (a first conv layer reads the image as its in_h×in_w×in_c HWC map:
/// in_c = 1 for grey levels, 3 for the synthetic 32×32×3 set); input_size() == the previous
/// layer's output_size(), and a conv after a conv reads exactly its pooled H×W×C map.
std::string conv_layer_problem(const BnnNetwork& net, std::size_t l);

/// The file image of a network (validates first).
std::vector<std::uint8_t> serialize_network(const BnnNetwork& net);

/// Parses and validates a file image; `name` (usually the path) starts every error message.
BnnNetwork parse_network(const std::uint8_t* bytes, std::size_t size, const std::string& name);

void save_network(const std::string& path, const BnnNetwork& net);
BnnNetwork load_network(const std::string& path);

/// Path of a shipped weight file, e.g. shipped_weights_path("fmnist-xnor.bnn"):
/// $CIMVP_WEIGHTS_DIR/<file> when set, else <source tree>/workloads/weights/<file>.
std::string shipped_weights_path(const std::string& file_name);

}  // namespace cimvp

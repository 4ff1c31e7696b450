// The .bnn network file: a BnnNetwork (bnn.h) in a checked, little-endian binary format.
//
// Byte layout (docs/workloads.md has the table):
//   0   8   magic "CIMVPBNN"
//   8   4   u32 format version: 1 (no supports) or 2 (kBnnFormatVersion, any layer may carry
//           supports); the writer uses 1 when no layer has supports, so plain networks keep
//           their version-1 bytes and older readers still load them
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
#include <vector>

namespace cimvp {

class NetworkFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr char kBnnMagic[9] = "CIMVPBNN";
constexpr std::uint32_t kBnnFormatVersionPlain = 1;  ///< no supports
constexpr std::uint32_t kBnnFormatVersion = 2;       ///< newest: per-layer supports
constexpr std::uint32_t kBnnMaxLayers = 64;
constexpr std::uint32_t kBnnMaxWidth = 1u << 20;
constexpr std::uint32_t kBnnMaxDescription = 1u << 16;

/// Checks that a network is well formed (shapes, ±1 weights, per-layer vectors of the right
/// length for hidden / last layers, flips 0/1, finite scale and bias, enums and input
/// parameters in range, layer chaining).  Throws NetworkFileError starting with `what`.
void validate_network(const BnnNetwork& net, const std::string& what = "network");

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

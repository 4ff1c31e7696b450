// Binary convolution and max pooling on bit-packed feature maps (Tang et al., ASP-DAC
// 2017, "Binary Convolutional Neural Network on RRAM"; docs/convolution.md).
//
// Feature maps: a binary map of H×W×C bits is one packed bit vector in HWC order (channel
// innermost): bit (y·W + x)·C + c.  A dense layer after a conv layer reads the map in this
// same order (flatten = HWC), so a conv network's dense tail needs no reordering.
//
// Convolution as a crossbar sees it: every output pixel (oy, ox) unrolls its kernel window
// onto K = kernel_h·kernel_w·in_c rows, row r = (ky·kernel_w + kx)·in_c + c, reading input
// pixel (oy·stride − pad + ky, ox·stride − pad + kx).  Window positions outside the map
// ("padding") carry bit 0: the off value of the layer's inputs (0 in HBNN / AND
// semantics, −1 in XNOR semantics).  Every row is driven for every window, so padding
// needs no row masking in any array kind.
//
// Arrays: every window is one input vector of the layer's MappedLayer (mapping.h), the
// same tile datapath a dense layer uses, so golden reference and hardware agree by
// construction.  The vector index of window (oy, ox) of image n (it keys seeded conversion
// noise, ConversionNoise) is  n·windows() + oy·out_w() + ox.
//
// Pooling: max pooling of `pool`×`pool` non-overlapping windows (stride = pool) on the
// *binary* map after the activation (threshold, then OR: the max of bits is their OR);
// rows/columns that do not fill a whole window are dropped (floor).  pool = 1: none.
#pragma once

#include "cimvp/circuit/bitpack.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace cimvp {

/// What a network layer (or a CIM layer descriptor, byte LAYER_KIND) computes.
enum class LayerKind : std::uint8_t {
  fully_connected = 0,  ///< dense: one input vector, one output vector
  conv = 1,             ///< binary convolution (+ optional max pooling) on an HWC bit map
  pool = 2,             ///< stand-alone pooling (descriptors only, reserved)
};
const char* to_string(LayerKind k);

struct ConvShape {
  unsigned in_h = 0, in_w = 0, in_c = 0;  ///< input map H×W×C
  unsigned out_c = 0;                     ///< output channels (crossbar columns, M)
  unsigned kernel_h = 0, kernel_w = 0;    ///< kernel window
  unsigned stride = 1;                    ///< ≥ 1
  unsigned pad = 0;                       ///< padding on every side (bits 0), < kernel
  unsigned pool = 1;                      ///< max-pool window = stride after activation (1: none)

  unsigned out_h() const { return (in_h + 2 * pad - kernel_h) / stride + 1; }
  unsigned out_w() const { return (in_w + 2 * pad - kernel_w) / stride + 1; }
  unsigned pooled_h() const { return out_h() / pool; }
  unsigned pooled_w() const { return out_w() / pool; }
  /// Crossbar rows of one unrolled window (K).
  std::size_t window_rows() const { return std::size_t{kernel_h} * kernel_w * in_c; }
  std::size_t input_bits() const { return std::size_t{in_h} * in_w * in_c; }
  std::size_t conv_output_bits() const { return std::size_t{out_h()} * out_w() * out_c; }
  /// Bits of the layer's output map (after pooling).
  std::size_t output_bits() const { return std::size_t{pooled_h()} * pooled_w() * out_c; }
  /// Number of windows (output pixels before pooling).
  std::size_t windows() const { return std::size_t{out_h()} * out_w(); }

  /// Empty when the shape is valid, else what is wrong (every field named with its
  /// allowed range): sizes ≥ 1 and ≤ 65535, 1 ≤ kernel ≤ in + 2·pad, stride ≥ 1,
  /// pad < kernel, pool ≥ 1 and ≤ the conv output size.
  std::string check() const;
};

/// A conv layer with a square kernel (the common case): in_h × in_w × in_c → out_c,
/// kernel k×k, stride, padding, pooling.  Not validated (call check()).
inline ConvShape square_conv(unsigned in_h, unsigned in_w, unsigned in_c, unsigned out_c, unsigned k, unsigned stride,
                             unsigned pad, unsigned pool) {
  ConvShape s;
  s.in_h = in_h;
  s.in_w = in_w;
  s.in_c = in_c;
  s.out_c = out_c;
  s.kernel_h = s.kernel_w = k;
  s.stride = stride;
  s.pad = pad;
  s.pool = pool;
  return s;
}

/// Writes the unrolled window of output pixel (oy, ox) of the packed HWC map `map`
/// (shape.input_bits() bits) to `window` (words_for_bits(window_rows()) words, tail zeroed).
void gather_window(const ConvShape& shape, const Word* map, unsigned oy, unsigned ox, Word* window);

/// Max pooling (OR) of a packed out_h×out_w×out_c map `conv_out` into the packed
/// pooled_h×pooled_w×out_c map `pooled` (words_for_bits(output_bits()) words, tail zeroed).
/// With pool == 1 it copies.
void max_pool(const ConvShape& shape, const Word* conv_out, Word* pooled);

}  // namespace cimvp

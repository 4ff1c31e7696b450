// Conv and pool steps of the CIM macro's controller around the tiled read path
// (docs/convolution.md, "Hardware"; Tang et al., ASP-DAC 2017).  Plain C++ (no SystemC):
// CimMacro calls these between the array reads of a conv layer, the unit tests call them
// directly.
//
// A conv layer's input maps sit in the on-chip activation buffer in plain packed HWC
// order (bit (y·in_w + x)·in_c + c, cimvp/circuit/conv_shape.h), one map per image,
// `map_stride` words apart.  gather_windows() unrolls every kernel window into the layer's
// input vectors in the row-block layout of cim_blocked_words (R rows per block), window
// (oy, ox) of image i at vector i·windows + oy·out_w + ox — the vectors the tiled dense
// read path then senses, accumulates and thresholds unchanged.  output_maps() turns the
// thresholded window outputs (out_c bits per window) back into each image's HWC map, max
// pools it (OR over pool×pool windows, in the digital periphery) and writes the pooled map
// in the layout the next layer reads.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/conv_shape.h"

#include <cstddef>
#include <cstdint>

namespace cimvp {

/// Words of one unrolled window in the blocked layout of `rows`-row blocks.
std::size_t conv_window_words(const ConvShape& shape, unsigned rows);

/// Unrolls the windows of n maps: map i at maps + i·map_stride (shape.input_bits() bits,
/// plain packed HWC); window (oy, ox) of map i goes to out + (i·windows + oy·out_w + ox)·
/// out_stride in the blocked layout of `rows`-row blocks (bit r of the window at block r / rows,
/// position r mod rows; padding bits 0).  out_stride ≥ conv_window_words(shape, rows).
/// Throws std::invalid_argument for rows == 0 or a short stride.
void gather_windows(const ConvShape& shape, const Word* maps, std::size_t map_stride, std::size_t n, unsigned rows,
                    Word* out, std::size_t out_stride);

/// From n·windows thresholded window outputs (row i·windows + r at fired + (…)·fired_stride,
/// out_c bits plain packed) builds each image's out_h×out_w×out_c map, max pools it
/// (shape.pool) and writes the pooled map (shape.output_bits() bits) of image i to
/// out + i·out_stride in the blocked layout of `next_rows`-row blocks (next_rows = 64:
/// plain packing, for a next conv layer).  Throws std::invalid_argument for next_rows == 0
/// or a short stride.
void output_maps(const ConvShape& shape, const Word* fired, std::size_t fired_stride, std::size_t n,
                 unsigned next_rows, Word* out, std::size_t out_stride);

/// Two-input OR operations of the max pooling of one image: pooled_h·pooled_w·out_c·(pool² − 1)
/// (0 without pooling).  Each is priced as one digital logic gate (docs/convolution.md).
std::uint64_t pool_or_ops(const ConvShape& shape);

}  // namespace cimvp

// Slot schedule of a line buffer and the latency formulas of the layer pipeline (Tang et
// al., "Binary Convolutional Neural Network on RRAM", ASP-DAC 2017, slides "Line Buffer &
// Pipeline": the Conv-Conv and Conv-Pooling-Conv dataflow tables and
// T_pip = (W1+p)(H1+2p) + Σ_{i>1}(Wi+p) + |Pool| + |FC|; docs/line-buffers.md).
//
// Frame: a line buffer sees its H×W input map as a stream of slots in raster order, each
// row W pixels followed by p padding slots, with p padding rows above and below:
// (W + p)(H + 2p) slots.  Input position (iy, ix), iy ∈ [−p, H + p), ix ∈ [−p, W + p),
// has the slot index
//     f(iy, ix) = (iy + p)·(W + p) + ix
// so the p padding slots at the end of a row are both its right padding and the left
// padding of the next row (ix < 0 lands on the previous row's padding slots).  Slots with
// f < 0 (left padding of the first padding row) are zero from reset and never streamed.
// A window (output pixel (oy, ox) of a kernel_h × kernel_w window with stride s and
// padding p) is complete once its bottom-right slot
//     f(oy·s − p + kernel_h − 1, ox·s − p + kernel_w − 1)
// has entered: slots enter in order, so every other slot of the window is already there.
// Distinct windows have distinct completion slots.  Pooling windows are the case p = 0,
// stride = kernel = pool (rows and columns that fill no whole window complete nothing:
// the floor of conv_shape.h).  Units: slots and time steps (one slot per step at most).
#pragma once

#include "cimvp/circuit/conv_shape.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// Geometry of one line buffer: the map it receives and the windows it hands out.
struct LineBufferGeometry {
  unsigned in_h = 0, in_w = 0, in_c = 0;  ///< input map H × W × C (pixels of C bits)
  unsigned kernel_h = 0, kernel_w = 0;    ///< window
  unsigned stride = 1;
  unsigned pad = 0;  ///< padding rows/columns on every side (bits 0)

  /// The conv window of a ConvShape (its pool field is ignored).
  static LineBufferGeometry conv(const ConvShape& s);
  /// pool × pool windows, stride pool, no padding, on an h × w × c map.
  static LineBufferGeometry pool(unsigned h, unsigned w, unsigned c, unsigned pool);

  unsigned out_h() const { return (in_h + 2 * pad - kernel_h) / stride + 1; }
  unsigned out_w() const { return (in_w + 2 * pad - kernel_w) / stride + 1; }
  std::size_t windows() const { return std::size_t{out_h()} * out_w(); }
  /// Slots per frame row: W + p.
  unsigned row_slots() const { return in_w + pad; }
  /// Slots of a whole frame: (W + p)(H + 2p).
  std::size_t frame_slots() const { return std::size_t{row_slots()} * (in_h + 2 * pad); }
  /// Pixels the buffer holds at most: kernel_h rows of W pixels (seed Table II: h·W_in·C_in bits).
  std::size_t capacity_pixels() const { return std::size_t{kernel_h} * in_w; }
  /// Bits of one unrolled window: kernel_h·kernel_w·C (gather_window order).
  std::size_t window_bits() const { return std::size_t{kernel_h} * kernel_w * in_c; }

  /// f(iy, ix) of the file comment.
  long slot(long iy, long ix) const { return (iy + pad) * static_cast<long>(row_slots()) + ix; }
  /// True when slot f ∈ [0, frame_slots()) holds a map pixel; sets (iy, ix).
  bool real_slot(long f, unsigned& iy, unsigned& ix) const;
  /// Completion slot of window (oy, ox).
  long completion_slot(unsigned oy, unsigned ox) const;
  /// True when slot f completes a window; sets (oy, ox).
  bool completes(long f, unsigned& oy, unsigned& ox) const;
  /// Slot of the last map pixel (H − 1, W − 1).
  long last_real_slot() const { return slot(long{in_h} - 1, long{in_w} - 1); }
  /// Windows whose completion slot lies after the last map pixel: the "tail" a buffer fed
  /// by another layer computes, one per step, after its last input pixel.  Stride 1 and
  /// kernel 2p + 1: p·(W + 1).
  std::size_t tail_windows() const;

  /// Empty when valid, else what is wrong (fields named, allowed ranges):
  /// sizes 1..65535, kernel 1..255 and ≤ in + 2·pad, stride ≥ 1, pad < kernel.
  std::string check() const;
};

/// One stage of a layer pipeline, for the latency formulas: a conv layer (its shape's pool
/// field > 1 adds a pooling stage after it), a pooling layer (shape.in_h/in_w/in_c/pool) or
/// a fully-connected layer.
struct PipelineStageShape {
  LayerKind kind = LayerKind::conv;
  ConvShape shape;  ///< conv, pool
};

/// The seed's formula, T_pip = (W1 + p1)(H1 + 2p1) + Σ_{conv i>1}(Wi + pi) + |Pool| + |FC|,
/// W, H and p of each conv layer's *input*; |Pool| counts explicit pooling layers and conv
/// layers with pool > 1.  Layer 0 must be a conv layer (throws std::invalid_argument).
std::uint64_t tpip_formula(const std::vector<PipelineStageShape>& layers);

/// True when the layer pipeline's latency equals tpip_formula (docs/line-buffers.md):
/// every conv layer has stride 1, a square kernel 2p + 1 and p ≥ 1 (with p = 0 a conv
/// never sleeps, so the next buffer's padding slots queue), every conv after the first
/// has p = 1 (its tail is p·(W + 1) windows, W + p only for p = 1), and every pooling
/// window tiles its map exactly (no floor).
bool tpip_formula_exact(const std::vector<PipelineStageShape>& layers);

/// Non-pipelined latency in steps: each stage starts after the previous stage's whole map
/// is in a feature-map buffer and needs one step per output pixel (seed Table II,
/// "Processing Count": conv H_out·W_out, pooling its pooled pixels, FC 1); the first conv
/// layer reads the streamed padded frame as in the pipeline, (W1 + p1)(H1 + 2p1) steps.
std::uint64_t layer_by_layer_steps(const std::vector<PipelineStageShape>& layers);

}  // namespace cimvp

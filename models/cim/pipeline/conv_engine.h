// Convolver of the layer pipeline (Tang et al., ASP-DAC 2017, "Convolver Circuit" and
// "Line Buffer & Pipeline"; docs/line-buffers.md): sleeps until its line buffer holds a
// complete kernel window, then, in that step, reads the window through the layer's
// crossbars and pushes the output pixel (out_c bits) into the next layer's buffer in the
// same step (the seed's tables draw the convolver's A and the pixel it produces in the
// same column).
//
// Bit-true: the window (K = kernel_h·kernel_w·in_c bits, gather_window order) is one input
// vector of the layer's MappedLayer (mapping.h), vector index image·windows() +
// oy·out_w() + ox (conv_shape.h); output bit j fires as the BnnLayer semantics say,
//   fire_j = flip_j ? (s_j <= threshold_j) : (s_j >= threshold_j),   s = sums_half / 2
// (threshold_pack, activation.h).  A conv layer is never the last layer.
#pragma once

#include "cimvp/cim/linebuffer/linebuffer_if.h"
#include "cimvp/cim/pipeline/engine_base.h"
#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/mapping.h"

#include <systemc>

#include <cstdint>
#include <vector>

namespace cimvp {

struct ConvEngineConfig {
  ConvShape shape;                      ///< in_c, out_c (M), kernel (K = window_rows()), windows
  std::vector<std::int8_t> weights;     ///< M×K row-major (neuron j, row (ky·kernel_w + kx)·in_c + c), ±1
  std::vector<std::int32_t> threshold;  ///< M
  std::vector<std::uint8_t> flip;       ///< M (1: fire when s <= threshold)
  InputKind input_kind = InputKind::bipolar;  ///< how window bits drive the rows (cell mode's native kind)
  MappingConfig mapping;
  std::uint64_t layer_id = 0;  ///< separates the random streams of layers (MappedLayer)
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);
  bool record = false;  ///< keep the wake log
};

/// Ports: window_in (export, window_sink_if; bind the line buffer's `out` to it), out
/// (port, pixel_in_if: the next buffer).  Counters: wakes, windows.
class ConvEngine : public PipelineEngine, public window_sink_if {
 public:
  sc_core::sc_export<window_sink_if> window_in;
  sc_core::sc_port<pixel_in_if> out;

  /// Throws std::invalid_argument naming the bad field (weights count/values, threshold
  /// and flip sizes, mapping).
  ConvEngine(sc_core::sc_module_name name, const ConvEngineConfig& config);

  const ConvEngineConfig& config() const { return config_; }
  const MappedLayer& mapped() const { return mapped_; }
  /// For a calibration pass (MappedLayer::calibrate / set_quantizers) before the
  /// simulation: sensing that needs one (nonlinear MLSA, calibrated ADC) is an
  /// SC_REPORT_ERROR at the first evaluation otherwise.
  MappedLayer& mapped() { return mapped_; }
  /// Array events of all windows evaluated so far.
  const ArrayActivity& activity() const { return activity_; }

  void on_window(std::uint64_t image, unsigned oy, unsigned ox, const Word* window, std::uint64_t step) override;

 private:
  const ConvEngineConfig config_;
  MappedLayer mapped_;
  BitMatrix x_, y_;
  std::vector<std::int32_t> sums_;
  ArrayActivity activity_;
  std::size_t c_windows_;
};

}  // namespace cimvp

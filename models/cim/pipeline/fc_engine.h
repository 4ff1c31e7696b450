// Fully-connected engine of the layer pipeline (Tang et al., ASP-DAC 2017; docs/line-
// buffers.md): a feature-map buffer (seed Table II, "Feature Map Buffer, FC: C_in") that
// collects the previous layer's map pixel by pixel (raster order, channels innermost: the
// HWC flatten of conv_shape.h), then, in the step after the map is complete (the |FC| term
// of T_pip), reads it through the layer's crossbars (MappedLayer, vector index = image, as
// the golden reference numbers dense vectors).  A hidden FC layer thresholds the sums
// (threshold_pack) and pushes the M output bits as one pixel into the next FC engine in the
// same step; the last layer hands the sums (half PS units) to its result port.
#pragma once

#include "cimvp/cim/linebuffer/linebuffer_if.h"
#include "cimvp/cim/pipeline/engine_base.h"
#include "cimvp/cim/pipeline/pipeline_if.h"
#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/mapping.h"

#include <systemc>

#include <cstdint>
#include <deque>
#include <vector>

namespace cimvp {

struct FcEngineConfig {
  unsigned inputs = 0;       ///< K (a multiple of pixel_bits)
  unsigned outputs = 0;      ///< M
  unsigned pixel_bits = 1;   ///< bits per incoming pixel (the previous layer's channels)
  std::vector<std::int8_t> weights;     ///< M×K row-major, ±1
  std::vector<std::int32_t> threshold;  ///< M for a hidden layer; empty for the last layer
  std::vector<std::uint8_t> flip;       ///< M for a hidden layer; empty for the last layer
  InputKind input_kind = InputKind::bipolar;
  MappingConfig mapping;
  std::uint64_t layer_id = 0;
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);
  bool record = false;
  bool last() const { return threshold.empty(); }
};

/// Ports: in (export, pixel_in_if), out (port to the next FC engine, hidden layers only),
/// result (port, last layer only).  Counters: wakes, vectors.  Reports: "cimvp/fc_engine"
/// (padding pushed to it).
class FcEngine : public PipelineEngine, public pixel_in_if {
 public:
  sc_core::sc_export<pixel_in_if> in;
  sc_core::sc_port<pixel_in_if, 1, sc_core::SC_ZERO_OR_MORE_BOUND> out;
  sc_core::sc_port<pipeline_result_if, 1, sc_core::SC_ZERO_OR_MORE_BOUND> result;

  /// Throws std::invalid_argument naming the bad field.
  FcEngine(sc_core::sc_module_name name, const FcEngineConfig& config);
  const FcEngineConfig& config() const { return config_; }
  const MappedLayer& mapped() const { return mapped_; }
  /// For a calibration pass (MappedLayer::calibrate / set_quantizers) before the
  /// simulation: sensing that needs one (nonlinear MLSA, calibrated ADC) is an
  /// SC_REPORT_ERROR at the first evaluation otherwise.
  MappedLayer& mapped() { return mapped_; }
  const ArrayActivity& activity() const { return activity_; }
  void reset() override;

  void push_pixel(const Word* bits, std::uint64_t ready_step) override;
  void push_padding(std::uint64_t ready_step) override;

 private:
  struct Job {
    std::uint64_t image, step;
    BitMatrix x;
  };
  void evaluate();  // SC_METHOD on eval_ev_
  void end_of_elaboration() override;

  const FcEngineConfig config_;
  MappedLayer mapped_;
  BitMatrix x_, y_;
  std::size_t filled_ = 0;  ///< pixels of the current vector
  std::uint64_t image_ = 0;
  std::deque<Job> jobs_;
  std::vector<std::int32_t> sums_;
  ArrayActivity activity_;
  sc_core::sc_event eval_ev_;
  std::size_t c_vectors_;
};

}  // namespace cimvp

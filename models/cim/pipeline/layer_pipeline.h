// Layer pipeline of a binary CNN on crossbars (Tang et al., "Binary Convolutional Neural
// Network on RRAM", ASP-DAC 2017, "Line Buffer & Pipeline"; docs/line-buffers.md).
//
// Every layer runs on its own engine, all concurrently: conv layers as ConvLineBuffer →
// ConvEngine (→ PoolLineBuffer → PoolEngine when shape.pool > 1), pooling layers as
// PoolLineBuffer → PoolEngine, dense layers as FcEngine.  Images enter as packed HWC bit
// maps (the first layer's input, in_h·in_w·in_c bits) and are streamed into the first
// conv line buffer as the zero-padded frame, one slot per time step:
// (W1 + p1)(H1 + 2p1) steps per image, back to back.  Everything else is event driven (no
// clock): an engine wakes in the step its window completes.
//
// Latency of an image = steps from its first frame slot to the step of the last FC engine
// inclusive.  It equals T_pip = (W1+p1)(H1+2p1) + Σ_{conv i>1}(Wi+pi) + |Pool| + |FC|
// (tpip_formula) whenever tpip_formula_exact() holds and pool_latency = 1; the other
// cases are derived by hand in docs/line-buffers.md.  Back-to-back images leave the
// pipeline one frame apart (the input stream is the bottleneck of a stride-1 pipeline).
#pragma once

#include "cimvp/cim/linebuffer/conv_line_buffer.h"
#include "cimvp/cim/linebuffer/pool_line_buffer.h"
#include "cimvp/cim/pipeline/conv_engine.h"
#include "cimvp/cim/pipeline/fc_engine.h"
#include "cimvp/cim/pipeline/pipeline_config.h"
#include "cimvp/cim/pipeline/pipeline_if.h"
#include "cimvp/cim/pipeline/pool_engine.h"

#include <systemc>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cimvp {

/// One image through the pipeline.
struct PipelineImageResult {
  std::uint64_t first_step = 0;   ///< step of its first frame slot
  std::uint64_t result_step = 0;  ///< step in which the last FC engine evaluated it
  std::vector<std::int32_t> sums_half;  ///< last layer's sums (half PS units)
  bool done = false;
  std::uint64_t latency_steps() const { return result_step - first_step + 1; }
};

/// A stage: a buffer (null for an FC engine, which holds its own feature-map buffer) and
/// its engine.  `layer` is the index in LayerPipelineConfig::layers.
struct PipelineStage {
  std::size_t layer = 0;
  LayerKind kind = LayerKind::conv;  ///< conv, pool (also the pooling half of a conv layer), fully_connected
  LineBuffer* buffer = nullptr;
  PipelineEngine* engine = nullptr;
};

class LayerPipeline : public sc_core::sc_module, public pipeline_result_if {
 public:
  sc_core::sc_export<pipeline_result_if> result_in;  ///< bound to the last FC engine (internal)

  /// Throws std::invalid_argument (LayerPipelineConfig::validate, engine/buffer checks).
  LayerPipeline(sc_core::sc_module_name name, const LayerPipelineConfig& config);
  ~LayerPipeline() override;

  const LayerPipelineConfig& config() const { return config_; }
  /// Queues an image (in_h·in_w·in_c bits of layer 0, packed HWC); it is streamed as soon as
  /// the previous frame has been streamed.  Callable before and during the simulation.
  void enqueue(const Word* map);
  std::size_t images_queued() const { return images_.size(); }
  /// Results, index = image number (done == false while in flight).
  const std::vector<PipelineImageResult>& results() const { return results_; }

  const std::vector<PipelineStage>& stages() const { return stages_; }
  /// The crossbars of layer l (conv or fully_connected), e.g. for a calibration pass
  /// before the simulation; throws std::out_of_range for a pooling layer or l too large.
  MappedLayer& mapped_layer(std::size_t l);
  /// Steps per streamed frame of layer 0: (W1 + p1)(H1 + 2p1); the interval between images.
  std::uint64_t frame_steps() const;
  std::uint64_t tpip_steps() const { return tpip_formula(config_.stage_shapes()); }
  bool tpip_exact() const { return config_.pool_latency == 1 && tpip_formula_exact(config_.stage_shapes()); }
  std::uint64_t layer_by_layer_steps() const { return cimvp::layer_by_layer_steps(config_.stage_shapes()); }

  /// Empties every buffer and engine, forgets queued images and results.
  void reset();
  void trace(sc_core::sc_trace_file* tf) const;

  void on_result(std::uint64_t image, const std::vector<std::int32_t>& sums_half, std::uint64_t step) override;

 private:
  void feed();  // SC_THREAD: streams the queued images' frames into the first buffer

  const LayerPipelineConfig config_;
  std::vector<std::unique_ptr<sc_core::sc_module>> owned_;
  std::vector<PipelineStage> stages_;
  LineBuffer* first_ = nullptr;
  std::vector<std::vector<Word>> images_;
  std::size_t next_image_ = 0;
  std::uint64_t next_free_step_ = 0;
  std::vector<PipelineImageResult> results_;
  sc_core::sc_event image_ev_;
};

}  // namespace cimvp

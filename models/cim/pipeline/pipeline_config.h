// Configuration of the layer pipeline (cimvp::LayerPipeline, docs/line-buffers.md).  Plain
// structs: the platform fills them from a BnnNetwork (a conv BnnLayer is a conv layer here,
// its pool field adding the pooling stage; a dense BnnLayer is a fully_connected layer).
#pragma once

#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/line_buffer_schedule.h"
#include "cimvp/circuit/mapping.h"

#include <systemc>

#include <cstdint>
#include <vector>

namespace cimvp {

struct PipelineLayerConfig {
  LayerKind kind = LayerKind::conv;
  /// conv: every field (pool > 1: a pooling line buffer and circuit follow the convolver);
  /// pool: in_h, in_w, in_c and pool (the other fields are ignored).
  ConvShape shape;
  unsigned inputs = 0, outputs = 0;     ///< fully_connected: K, M
  std::vector<std::int8_t> weights;     ///< conv: out_c × window_rows(); fc: M×K; ±1
  std::vector<std::int32_t> threshold;  ///< per output channel / neuron; empty for the last layer
  std::vector<std::uint8_t> flip;       ///< idem
  InputKind input_kind = InputKind::bipolar;  ///< how this layer's input bits drive the rows
  MappingConfig mapping;                      ///< the layer's crossbars and sensing
};

struct LayerPipelineConfig {
  /// Layer 0 is a conv layer, the last a fully_connected layer without threshold; every
  /// layer reads what the previous one writes (conv/pool: the map H×W×C; fc: K bits).
  std::vector<PipelineLayerConfig> layers;
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);  ///< one slot / crossbar read
  unsigned pool_latency = 1;  ///< steps from a pooling window to its pixel in the next buffer (0..16)
  bool record = false;        ///< keep the buffers' occupancy logs and the engines' wake logs

  /// Throws std::invalid_argument naming the layer and field ("layers[2].shape.in_c: …").
  void validate() const;
  /// The shapes for tpip_formula / layer_by_layer_steps.
  std::vector<PipelineStageShape> stage_shapes() const;
};

}  // namespace cimvp

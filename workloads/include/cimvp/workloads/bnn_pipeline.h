// The layer pipeline (cimvp::LayerPipeline, docs/line-buffers.md) of a BnnNetwork: the
// adapter that turns the network's layers into a LayerPipelineConfig, so a conv network can
// be timed with the line buffers and per-layer crossbars of Tang et al., ASP-DAC 2017
// (T_pip beside the non-pipelined latency; docs/convolution.md "Hardware").
#pragma once

#include "cimvp/cim/pipeline/pipeline_config.h"
#include "cimvp/workloads/bnn.h"

#include <string>

namespace cimvp {

/// Empty when `net` can run through a LayerPipeline, else why not: the first layer must be a
/// conv layer and read binarized pixels (the pipeline streams one binary plane per image).
std::string pipeline_problem(const BnnNetwork& net);

/// The network's layers as pipeline layers: a conv BnnLayer → a conv layer (its pool field
/// adds the pooling stage), a dense BnnLayer → a fully_connected layer; weights, thresholds
/// and flips copied; the first layer driven with first_layer_input_kind(net), later layers
/// with the cells' native input; every layer on crossbars of `mapping` (its cell mode is set to
/// net.mode).  time_step / pool_latency / record keep their defaults.  Throws
/// std::invalid_argument with pipeline_problem()'s text, or validate()'s.
LayerPipelineConfig pipeline_config_of(const BnnNetwork& net, const MappingConfig& mapping);

}  // namespace cimvp

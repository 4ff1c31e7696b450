#include "cimvp/workloads/bnn_pipeline.h"

#include "cimvp/workloads/golden.h"

#include <stdexcept>

namespace cimvp {

std::string pipeline_problem(const BnnNetwork& net) {
  if (net.layers.empty()) return "the network has no layers";
  if (!net.layers.front().is_conv()) return "the first layer is not a conv layer (the pipeline streams an image map)";
  if (net.input != InputEncoding::binarized)
    return "the first layer reads bit-serial pixels (the pipeline streams one binarized plane per image)";
  return {};
}

LayerPipelineConfig pipeline_config_of(const BnnNetwork& net, const MappingConfig& mapping) {
  const std::string problem = pipeline_problem(net);
  if (!problem.empty()) throw std::invalid_argument("pipeline_config_of: " + problem);
  LayerPipelineConfig cfg;
  MappingConfig m = mapping;
  m.array.mode = net.mode;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& B = net.layers[l];
    PipelineLayerConfig L;
    L.kind = B.is_conv() ? LayerKind::conv : LayerKind::fully_connected;
    if (B.is_conv()) L.shape = B.conv;
    L.inputs = B.inputs;
    L.outputs = B.outputs;
    L.weights = B.weights;
    L.threshold = B.threshold;
    L.flip = B.flip;
    L.input_kind = l == 0 ? first_layer_input_kind(net) : native_input(net.mode);
    L.mapping = m;
    cfg.layers.push_back(std::move(L));
  }
  cfg.validate();
  return cfg;
}

}  // namespace cimvp

// Layer-pipeline timing of a conv network next to the CIM macro run (docs/convolution.md,
// "Hardware"; Tang et al., ASP-DAC 2017, "Line Buffer & Pipeline"): the network's
// LayerPipeline (pipeline_config_of) is elaborated beside the platform, one test image is
// streamed through it during the simulation, and the report gives its simulated latency
// beside the seed's T_pip formula and the non-pipelined (layer-by-layer) step count.
// The pipeline computes on ideal sensing (it is a timing model; its sums are checked
// against exact_inference); its step is LayerPipelineConfig::time_step (10 ns).
#pragma once

#include "cimvp/circuit/mapping.h"
#include "cimvp/workloads/bnn.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cimvp {

class LayerPipeline;

class PipelineTiming {
 public:
  /// Elaborates the pipeline (call before sc_start) and queues `image` (n_pixels bytes, the
  /// first test image).  Throws std::invalid_argument when the network cannot be pipelined
  /// (pipeline_problem()).
  PipelineTiming(const BnnNetwork& net, const MappingConfig& mapping, const std::uint8_t* image,
                 std::size_t n_pixels);
  ~PipelineTiming();

  bool done() const;
  std::uint64_t simulated_steps() const;  ///< latency of the image through the pipeline (0 until done)
  std::uint64_t tpip_steps() const;       ///< the seed's formula
  bool tpip_exact() const;                ///< the formula's assumptions hold (then simulated == formula)
  std::uint64_t layer_by_layer_steps() const;
  double step_ns() const;
  bool sums_match_exact() const;  ///< the pipeline's last-layer sums == exact_inference's

  /// Lines of the job summary ("  layer pipeline ...").
  std::string report() const;
  nlohmann::ordered_json results() const;

 private:
  std::unique_ptr<LayerPipeline> pipe_;
  std::vector<std::int32_t> exact_sums_;
};

}  // namespace cimvp

#include "cimvp/platform/pipeline_timing.h"

#include "cimvp/cim/pipeline/layer_pipeline.h"
#include "cimvp/workloads/bnn_pipeline.h"
#include "cimvp/workloads/golden.h"

#include <cstdio>
#include <stdexcept>

namespace cimvp {

PipelineTiming::PipelineTiming(const BnnNetwork& net, const MappingConfig& mapping, const std::uint8_t* image,
                               std::size_t n_pixels) {
  MappingConfig m = mapping;  // timing model: ideal sensing, no seeded non-idealities
  m.sense.kind = SenseKind::mlsa;
  m.sense.quantization = Quantization::ideal;
  m.sense.offset_sigma = 0;
  m.sense.noise_sigma = 0;
  m.cells.sigma = 0;
  m.cells.faults = CellFaultConfig{};
  m.drive = DriveKind::binary;
  pipe_ = std::make_unique<LayerPipeline>("conv_pipeline", pipeline_config_of(net, m));
  const std::vector<BitMatrix> planes = encode_input(net, image, 1, n_pixels);
  pipe_->enqueue(planes.at(0).row(0));
  exact_sums_ = exact_inference(net, image, 1, n_pixels, true).sums_half.back();
}

PipelineTiming::~PipelineTiming() = default;

bool PipelineTiming::done() const { return !pipe_->results().empty() && pipe_->results()[0].done; }
std::uint64_t PipelineTiming::simulated_steps() const { return done() ? pipe_->results()[0].latency_steps() : 0; }
std::uint64_t PipelineTiming::tpip_steps() const { return pipe_->tpip_steps(); }
bool PipelineTiming::tpip_exact() const { return pipe_->tpip_exact(); }
std::uint64_t PipelineTiming::layer_by_layer_steps() const { return pipe_->layer_by_layer_steps(); }
double PipelineTiming::step_ns() const { return pipe_->config().time_step.to_seconds() * 1e9; }
bool PipelineTiming::sums_match_exact() const { return done() && pipe_->results()[0].sums_half == exact_sums_; }

std::string PipelineTiming::report() const {
  char b[512];
  const double s = step_ns();
  if (!done()) return "  layer pipeline  the image did not leave the pipeline";
  const std::uint64_t sim = simulated_steps(), lbl = layer_by_layer_steps();
  std::snprintf(b, sizeof b,
                "  layer pipeline  T_pip %llu steps (simulated, one image; %.0f ns steps: %.3f us); formula "
                "(W1+p)(H1+2p)+sum(Wi+p)+|Pool|+|FC| = %llu steps (%s)\n"
                "  not pipelined   %llu steps layer by layer (%.3f us): pipelining x%.2f; pipeline sums %s exact",
                static_cast<unsigned long long>(sim), s, sim * s / 1e3, static_cast<unsigned long long>(tpip_steps()),
                tpip_exact() ? "exact for this network" : "its assumptions do not hold here: stride 1, k = 2p+1, p >= 1",
                static_cast<unsigned long long>(lbl), lbl * s / 1e3, sim ? double(lbl) / double(sim) : 0.0,
                sums_match_exact() ? "==" : "!=");
  return b;
}

nlohmann::ordered_json PipelineTiming::results() const {
  nlohmann::ordered_json j;
  j["done"] = done();
  j["step_ns"] = step_ns();
  j["tpip_simulated_steps"] = simulated_steps();
  j["tpip_formula_steps"] = tpip_steps();
  j["tpip_formula_exact"] = tpip_exact();
  j["layer_by_layer_steps"] = layer_by_layer_steps();
  j["sums_match_exact"] = sums_match_exact();
  return j;
}

}  // namespace cimvp

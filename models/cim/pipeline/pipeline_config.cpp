#include "cimvp/cim/pipeline/pipeline_config.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
struct MapShape {
  unsigned h, w, c;
};
[[noreturn]] void fail(std::size_t l, const std::string& what) {
  throw std::invalid_argument("layers[" + std::to_string(l) + "]." + what);
}
}  // namespace

void LayerPipelineConfig::validate() const {
  if (time_step <= sc_core::SC_ZERO_TIME) throw std::invalid_argument("time_step: must be > 0");
  if (pool_latency > 16)
    throw std::invalid_argument("pool_latency: " + std::to_string(pool_latency) + " (allowed 0..16 steps)");
  if (layers.size() < 2) throw std::invalid_argument("layers: need a conv layer first and a fully_connected layer last");
  if (layers.front().kind != LayerKind::conv) fail(0, "kind: the first layer must be conv");
  if (layers.back().kind != LayerKind::fully_connected)
    fail(layers.size() - 1, "kind: the last layer must be fully_connected");
  MapShape map{0, 0, 0};
  std::size_t bits = 0;  // output bits of the previous layer
  bool dense = false;    // the previous layer was fully connected
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const PipelineLayerConfig& L = layers[l];
    const bool last = l + 1 == layers.size();
    if (L.kind != LayerKind::fully_connected && dense) fail(l, "kind: conv/pool layers cannot follow a fully_connected layer");
    if (L.kind == LayerKind::conv || L.kind == LayerKind::pool) {
      const ConvShape& s = L.shape;
      if (l > 0 && (s.in_h != map.h || s.in_w != map.w || s.in_c != map.c))
        fail(l, "shape: input " + std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + "x" + std::to_string(s.in_c) +
                    " but the previous layer writes " + std::to_string(map.h) + "x" + std::to_string(map.w) + "x" +
                    std::to_string(map.c));
    }
    switch (L.kind) {
      case LayerKind::conv: {
        const std::string e = L.shape.check();
        if (!e.empty()) fail(l, "shape: " + e);
        const std::size_t n = std::size_t{L.shape.out_c} * L.shape.window_rows();
        if (L.weights.size() != n)
          fail(l, "weights: " + std::to_string(L.weights.size()) + " values, expected out_c x kernel_h x kernel_w x in_c = " +
                      std::to_string(n));
        if (L.threshold.size() != L.shape.out_c || L.flip.size() != L.shape.out_c)
          fail(l, "threshold/flip: need " + std::to_string(L.shape.out_c) + " entries each (out_c)");
        map = {L.shape.pooled_h(), L.shape.pooled_w(), L.shape.out_c};
        bits = L.shape.output_bits();
        break;
      }
      case LayerKind::pool: {
        const ConvShape& s = L.shape;
        if (s.in_h < 1 || s.in_w < 1 || s.in_c < 1 || s.in_c > 65535)
          fail(l, "shape: input map " + std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + "x" +
                      std::to_string(s.in_c) + " (each of H, W, C must be >= 1, C <= 65535)");
        if (s.pool < 1 || s.pool > 255 || s.pool > s.in_h || s.pool > s.in_w)
          fail(l, "shape.pool: " + std::to_string(s.pool) + " (allowed 1..min(255, in_h, in_w))");
        map = {s.in_h / s.pool, s.in_w / s.pool, s.in_c};
        bits = std::size_t{map.h} * map.w * map.c;
        break;
      }
      case LayerKind::fully_connected: {
        if (L.inputs != bits)
          fail(l, "inputs: " + std::to_string(L.inputs) + " but the previous layer writes " + std::to_string(bits) +
                      " bits");
        if (L.outputs < 1) fail(l, "outputs: must be >= 1");
        if (L.weights.size() != std::size_t{L.inputs} * L.outputs)
          fail(l, "weights: " + std::to_string(L.weights.size()) + " values, expected outputs x inputs = " +
                      std::to_string(std::size_t{L.inputs} * L.outputs));
        if (last && (!L.threshold.empty() || !L.flip.empty()))
          fail(l, "threshold/flip: the last layer outputs its sums (leave them empty)");
        if (!last && (L.threshold.size() != L.outputs || L.flip.size() != L.outputs))
          fail(l, "threshold/flip: need " + std::to_string(L.outputs) + " entries each (outputs)");
        map = {1, 1, L.outputs};
        bits = L.outputs;
        dense = true;
        break;
      }
    }
    try {
      L.mapping.validate();
    } catch (const std::invalid_argument& e) {
      fail(l, std::string("mapping: ") + e.what());
    }
  }
}

std::vector<PipelineStageShape> LayerPipelineConfig::stage_shapes() const {
  std::vector<PipelineStageShape> v;
  for (const auto& L : layers) v.push_back(PipelineStageShape{L.kind, L.shape});
  return v;
}

}  // namespace cimvp

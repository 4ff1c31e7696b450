#include "cimvp/cim/pipeline/layer_pipeline.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
const LayerPipelineConfig& validated(const LayerPipelineConfig& c) {
  c.validate();
  return c;
}
}  // namespace

LayerPipeline::LayerPipeline(sc_core::sc_module_name name, const LayerPipelineConfig& config)
    : sc_core::sc_module(name), result_in("result_in"), config_(validated(config)), image_ev_("image_ev") {
  result_in.bind(*this);
  const sc_core::sc_time T = config_.time_step;
  const bool rec = config_.record;
  sc_core::sc_port<pixel_in_if>* pending = nullptr;  // the previous engine's output port
  sc_core::sc_port<pixel_in_if, 1, sc_core::SC_ZERO_OR_MORE_BOUND>* pending_fc = nullptr;
  auto connect = [&](sc_core::sc_export<pixel_in_if>& in) {
    if (pending) (*pending)(in);
    if (pending_fc) (*pending_fc)(in);
    pending = nullptr;
    pending_fc = nullptr;
  };
  auto add_pool = [&](std::size_t l, unsigned h, unsigned w, unsigned c, unsigned pool) {
    const std::string tag = "layer" + std::to_string(l) + "_pool";
    PoolLineBufferConfig bc;
    bc.in_h = h;
    bc.in_w = w;
    bc.in_c = c;
    bc.pool = pool;
    bc.time_step = T;
    bc.record = rec;
    auto* lb = new PoolLineBuffer((tag + "_buffer").c_str(), bc);
    owned_.emplace_back(lb);
    PoolEngineConfig ec;
    ec.channels = c;
    ec.pool = pool;
    ec.latency = config_.pool_latency;
    ec.time_step = T;
    ec.record = rec;
    auto* pe = new PoolEngine((tag + "_engine").c_str(), ec);
    owned_.emplace_back(pe);
    connect(lb->in);
    lb->out(pe->window_in);
    pending = &pe->out;
    stages_.push_back(PipelineStage{l, LayerKind::pool, lb, pe});
  };
  for (std::size_t l = 0; l < config_.layers.size(); ++l) {
    const PipelineLayerConfig& L = config_.layers[l];
    const std::string tag = "layer" + std::to_string(l);
    if (L.kind == LayerKind::conv) {
      ConvLineBufferConfig bc;
      bc.shape = L.shape;
      bc.padding = l == 0 ? PaddingSource::streamed : PaddingSource::generated;
      bc.time_step = T;
      bc.record = rec;
      auto* lb = new ConvLineBuffer((tag + "_conv_buffer").c_str(), bc);
      owned_.emplace_back(lb);
      ConvEngineConfig ec;
      ec.shape = L.shape;
      ec.weights = L.weights;
      ec.threshold = L.threshold;
      ec.flip = L.flip;
      ec.input_kind = L.input_kind;
      ec.mapping = L.mapping;
      ec.layer_id = l;
      ec.time_step = T;
      ec.record = rec;
      auto* ce = new ConvEngine((tag + "_convolver").c_str(), ec);
      owned_.emplace_back(ce);
      if (l == 0)
        first_ = lb;
      else
        connect(lb->in);
      lb->out(ce->window_in);
      pending = &ce->out;
      stages_.push_back(PipelineStage{l, LayerKind::conv, lb, ce});
      if (L.shape.pool > 1) add_pool(l, L.shape.out_h(), L.shape.out_w(), L.shape.out_c, L.shape.pool);
    } else if (L.kind == LayerKind::pool) {
      add_pool(l, L.shape.in_h, L.shape.in_w, L.shape.in_c, L.shape.pool);
    } else {
      const PipelineLayerConfig& prev = config_.layers[l - 1];
      unsigned pixel_bits = 1;
      if (prev.kind == LayerKind::conv) pixel_bits = prev.shape.out_c;
      else if (prev.kind == LayerKind::pool) pixel_bits = prev.shape.in_c;
      else pixel_bits = prev.outputs;
      FcEngineConfig ec;
      ec.inputs = L.inputs;
      ec.outputs = L.outputs;
      ec.pixel_bits = pixel_bits;
      ec.weights = L.weights;
      ec.threshold = L.threshold;
      ec.flip = L.flip;
      ec.input_kind = L.input_kind;
      ec.mapping = L.mapping;
      ec.layer_id = l;
      ec.time_step = T;
      ec.record = rec;
      auto* fe = new FcEngine((tag + "_fc").c_str(), ec);
      owned_.emplace_back(fe);
      connect(fe->in);
      if (l + 1 == config_.layers.size())
        fe->result(result_in);
      else
        pending_fc = &fe->out;
      stages_.push_back(PipelineStage{l, LayerKind::fully_connected, nullptr, fe});
    }
  }
  SC_HAS_PROCESS(LayerPipeline);
  SC_THREAD(feed);
}

LayerPipeline::~LayerPipeline() = default;

std::uint64_t LayerPipeline::frame_steps() const { return first_->geometry().frame_slots(); }

MappedLayer& LayerPipeline::mapped_layer(std::size_t l) {
  for (auto& s : stages_) {
    if (s.layer != l) continue;
    if (auto* c = dynamic_cast<ConvEngine*>(s.engine)) return c->mapped();
    if (auto* f = dynamic_cast<FcEngine*>(s.engine)) return f->mapped();
  }
  throw std::out_of_range("LayerPipeline::mapped_layer: layer " + std::to_string(l) + " has no crossbars");
}

void LayerPipeline::enqueue(const Word* map) {
  const std::size_t bits = config_.layers.front().shape.input_bits();
  images_.emplace_back(map, map + words_for_bits(bits));
  if (bits % kWordBits != 0) images_.back().back() &= low_mask(bits % kWordBits);
  results_.resize(images_.size());
  image_ev_.notify(sc_core::SC_ZERO_TIME);
}

void LayerPipeline::feed() {
  const sc_core::sc_time T = config_.time_step;
  const LineBufferGeometry& g = first_->geometry();
  const long F = static_cast<long>(g.frame_slots());
  std::vector<Word> pixel(words_for_bits(g.in_c));
  for (;;) {
    while (next_image_ >= images_.size()) sc_core::wait(image_ev_);
    const std::uint64_t now = current_step(T);
    const std::uint64_t start = std::max(now, next_free_step_);
    const std::size_t n = next_image_++;
    results_[n].first_step = start;
    const Word* map = images_[n].data();
    for (long f = 0; f < F; ++f) {
      unsigned iy = 0, ix = 0;
      if (g.real_slot(f, iy, ix)) {
        copy_bits(map, (std::size_t{iy} * g.in_w + ix) * g.in_c, g.in_c, pixel.data());
        first_->push_pixel(pixel.data(), start + static_cast<std::uint64_t>(f));
      } else {
        first_->push_padding(start + static_cast<std::uint64_t>(f));
      }
    }
    next_free_step_ = start + static_cast<std::uint64_t>(F);
    std::vector<Word>().swap(images_[n]);  // streamed: the frame now lives in the buffer's queue
    sc_core::wait(T * static_cast<double>(next_free_step_ - now));
  }
}

void LayerPipeline::on_result(std::uint64_t image, const std::vector<std::int32_t>& sums_half, std::uint64_t step) {
  if (image >= results_.size()) results_.resize(image + 1);
  PipelineImageResult& r = results_[image];
  r.result_step = step;
  r.sums_half = sums_half;
  r.done = true;
}

void LayerPipeline::reset() {
  for (auto& s : stages_) {
    if (s.buffer) s.buffer->reset();
    s.engine->reset();
  }
  images_.clear();
  results_.clear();
  next_image_ = 0;
  next_free_step_ = 0;
}

void LayerPipeline::trace(sc_core::sc_trace_file* tf) const {
  for (const auto& s : stages_) {
    if (s.buffer) s.buffer->trace(tf);
    s.engine->trace(tf);
  }
}

}  // namespace cimvp

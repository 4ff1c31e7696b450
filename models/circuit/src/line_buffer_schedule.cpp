// Line-buffer slot schedule and pipeline latency formulas (cimvp/circuit/line_buffer_schedule.h).
#include "cimvp/circuit/line_buffer_schedule.h"

#include <sstream>
#include <stdexcept>

namespace cimvp {

LineBufferGeometry LineBufferGeometry::conv(const ConvShape& s) {
  LineBufferGeometry g;
  g.in_h = s.in_h;
  g.in_w = s.in_w;
  g.in_c = s.in_c;
  g.kernel_h = s.kernel_h;
  g.kernel_w = s.kernel_w;
  g.stride = s.stride;
  g.pad = s.pad;
  return g;
}

LineBufferGeometry LineBufferGeometry::pool(unsigned h, unsigned w, unsigned c, unsigned pool) {
  LineBufferGeometry g;
  g.in_h = h;
  g.in_w = w;
  g.in_c = c;
  g.kernel_h = g.kernel_w = g.stride = pool;
  g.pad = 0;
  return g;
}

bool LineBufferGeometry::real_slot(long f, unsigned& iy, unsigned& ix) const {
  if (f < 0) return false;
  const long r = f / static_cast<long>(row_slots()), x = f % static_cast<long>(row_slots());
  const long y = r - static_cast<long>(pad);
  if (y < 0 || y >= static_cast<long>(in_h) || x >= static_cast<long>(in_w)) return false;
  iy = static_cast<unsigned>(y);
  ix = static_cast<unsigned>(x);
  return true;
}

long LineBufferGeometry::completion_slot(unsigned oy, unsigned ox) const {
  return slot(static_cast<long>(oy) * stride - static_cast<long>(pad) + kernel_h - 1,
              static_cast<long>(ox) * stride - static_cast<long>(pad) + kernel_w - 1);
}

bool LineBufferGeometry::completes(long f, unsigned& oy, unsigned& ox) const {
  if (f < 0) return false;
  const long rs = static_cast<long>(row_slots());
  const long by = f / rs - static_cast<long>(pad);  // bottom input row
  const long rx = f % rs;                            // right input column (≥ 0, see header)
  const long ty = by + static_cast<long>(pad) - static_cast<long>(kernel_h) + 1;  // oy·s
  const long tx = rx + static_cast<long>(pad) - static_cast<long>(kernel_w) + 1;  // ox·s
  if (ty < 0 || tx < 0 || ty % stride != 0 || tx % stride != 0) return false;
  const long y = ty / stride, x = tx / stride;
  if (y >= static_cast<long>(out_h()) || x >= static_cast<long>(out_w())) return false;
  oy = static_cast<unsigned>(y);
  ox = static_cast<unsigned>(x);
  return true;
}

std::size_t LineBufferGeometry::tail_windows() const {
  const long last = last_real_slot();
  std::size_t n = 0;
  for (unsigned oy = 0; oy < out_h(); ++oy)
    for (unsigned ox = 0; ox < out_w(); ++ox)
      if (completion_slot(oy, ox) > last) ++n;
  return n;
}

std::string LineBufferGeometry::check() const {
  ConvShape s;
  s.in_h = in_h;
  s.in_w = in_w;
  s.in_c = in_c;
  s.out_c = 1;
  s.kernel_h = kernel_h;
  s.kernel_w = kernel_w;
  s.stride = stride;
  s.pad = pad;
  s.pool = 1;
  return s.check();
}

namespace {
struct ConvIn {
  unsigned w, h, p;
};
void require_first_conv(const std::vector<PipelineStageShape>& layers, const char* who) {
  if (layers.empty() || layers.front().kind != LayerKind::conv)
    throw std::invalid_argument(std::string(who) + ": layer 0 must be a conv layer");
}
}  // namespace

std::uint64_t tpip_formula(const std::vector<PipelineStageShape>& layers) {
  require_first_conv(layers, "tpip_formula");
  const ConvShape& s0 = layers.front().shape;
  std::uint64_t t = std::uint64_t{s0.in_w + s0.pad} * (s0.in_h + 2 * s0.pad);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const PipelineStageShape& L = layers[i];
    switch (L.kind) {
      case LayerKind::conv:
        if (i > 0) t += L.shape.in_w + L.shape.pad;
        if (L.shape.pool > 1) t += 1;
        break;
      case LayerKind::pool: t += 1; break;
      case LayerKind::fully_connected: t += 1; break;
    }
  }
  return t;
}

bool tpip_formula_exact(const std::vector<PipelineStageShape>& layers) {
  require_first_conv(layers, "tpip_formula_exact");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ConvShape& s = layers[i].shape;
    if (layers[i].kind == LayerKind::conv) {
      if (s.stride != 1 || s.kernel_h != s.kernel_w || s.kernel_h != 2 * s.pad + 1) return false;
      if (s.pad == 0) return false;            // k = 1: no sleep slot for the next buffer's padding
      if (i > 0 && s.pad != 1) return false;  // tail p·(W + 1) ≠ W + p
      if (s.pool > 1 && (s.out_h() % s.pool != 0 || s.out_w() % s.pool != 0)) return false;
    } else if (layers[i].kind == LayerKind::pool) {
      if (s.pool < 1 || s.in_h % s.pool != 0 || s.in_w % s.pool != 0) return false;
    }
  }
  return true;
}

std::uint64_t layer_by_layer_steps(const std::vector<PipelineStageShape>& layers) {
  require_first_conv(layers, "layer_by_layer_steps");
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ConvShape& s = layers[i].shape;
    switch (layers[i].kind) {
      case LayerKind::conv:
        t += i == 0 ? std::uint64_t{s.in_w + s.pad} * (s.in_h + 2 * s.pad) : std::uint64_t{s.windows()};
        if (s.pool > 1) t += std::uint64_t{s.pooled_h()} * s.pooled_w();
        break;
      case LayerKind::pool: t += std::uint64_t{s.in_h / s.pool} * (s.in_w / s.pool); break;
      case LayerKind::fully_connected: t += 1; break;
    }
  }
  return t;
}

}  // namespace cimvp

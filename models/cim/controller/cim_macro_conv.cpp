// The conv-layer step of CimMacro::compute_tile (docs/convolution.md, "Hardware"), kept apart
// from cim_macro.cpp: windows in, the unchanged tiled read path (drive, array, sense,
// accumulate, threshold), then the HWC output map and max pooling (OR) in the periphery.
#include "cimvp/cim/controller/cim_macro.h"
#include "cimvp/cim/controller/conv_windows.h"

#include <algorithm>

namespace cimvp {

sc_core::sc_time CimMacro::compute_conv_layer(unsigned l, std::size_t n, const Word* in, Word* out,
                                              const sc_core::sc_time& start, sc_core::sc_time& read) {
  const LayerInfo& L = layers_[l];
  const ConvShape& s = L.conv;
  const LayerInfo& next = layers_.at(l + 1);  // a conv layer is never the last (descriptor check)
  const bool detail = timeline.enabled();
  const unsigned R = config_.array.rows;
  const std::size_t wpb = words_for_bits(R);
  const std::size_t W = s.windows(), nw = n * W;
  const std::size_t ww = conv_window_words(s, R);
  const std::size_t fired_stride = words_for_bits(L.outputs);
  conv_windows_.resize(nw * ww);
  conv_fired_.resize(nw * fired_stride);
  // Buffers: every window bit is read from the input map once per plane; the pooled map is written.
  counters_.add(c_buf_read_, std::uint64_t{nw} * L.inputs * L.planes);
  counters_.add(c_buf_written_, std::uint64_t{n} * L.out_bits);
  counters_.add(c_conv_windows_, std::uint64_t{nw} * L.planes);
  // Window (oy, ox) of image i of the tile is vector (images since load + i)·windows + oy·out_w + ox.
  const std::uint64_t first_vector = vectors_since_load_ * W;
  acc_port->begin(l, nw);
  sc_core::sc_time d_layer = sc_core::SC_ZERO_TIME;
  for (unsigned p = 0; p < L.planes; ++p) {
    const Word* maps = l == 0 ? planes_[p].data() : in;
    gather_windows(s, maps, L.in_words, n, R, conv_windows_.data(), ww);
    sc_core::sc_time d_plane = sc_core::SC_ZERO_TIME;  // row blocks are read at the same time
    const std::uint64_t wl0 = detail ? stage_count("wordline_activations") : 0;
    const std::uint64_t cv0 = detail ? stage_count("conversions") : 0;
    for (unsigned rb = 0; rb < L.row_blocks; ++rb) {
      sc_core::sc_time d = sc_core::SC_ZERO_TIME;
      array_port->read(ArrayRead{l, rb, p, conv_windows_.data() + rb * wpb, ww, nw, first_vector}, d);
      d_plane = std::max(d_plane, d);
    }
    if (detail) {
      const sc_core::sc_time at = start + d_layer;
      timeline.at(at, layer, static_cast<std::uint32_t>(l));
      timeline.at(at, plane, static_cast<std::uint32_t>(p));
      timeline.at(at, read_wordlines, stage_count("wordline_activations") - wl0);
      timeline.at(at, read_conversions, stage_count("conversions") - cv0);
    }
    d_layer += d_plane;  // bit planes one after the other
  }
  read = d_layer;
  // Threshold every window (plain packed out_c bits), then map + pool into the next layout.
  acc_port->finish(conv_fired_.data(), fired_stride, static_cast<unsigned>(kWordBits), d_layer);
  output_maps(s, conv_fired_.data(), fired_stride, n, next.in_rows, out, next.in_words);
  if (s.pool > 1) {
    // The OR of a pool window takes each thresholded pixel as it leaves the activation
    // pipeline; the last window adds one activation stage.
    counters_.add(c_pool_ors_, std::uint64_t{n} * pool_or_ops(s));
    d_layer += sc_core::sc_time(config_.timing.activation_ns, sc_core::SC_NS);
  }
  return d_layer;
}

}  // namespace cimvp

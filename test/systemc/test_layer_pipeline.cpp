// Layer pipeline (Tang et al., ASP-DAC 2017, "Line Buffer & Pipeline"): latency of one
// image = T_pip = (W1+p)(H1+2p) + Σ_{i>1}(Wi+p) + |Pool| + |FC| for stride-1, 3x3/pad-1
// networks (LeNet-like with padding, VGG-11-shaped), and the hand counts of
// docs/line-buffers.md ("Other shapes") for no padding, stride 2, pooling that floors and an
// inner 5x5/pad-2 layer; bit-true outputs against a reference written here from
// gather_window + MappedLayer + threshold + max_pool, layer by layer.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/cim/pipeline/layer_pipeline.h"
#include "cimvp/circuit/activation.h"
#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/mapping.h"

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::SC_NS;
using sc_core::sc_time;

ConvShape conv(unsigned h, unsigned w, unsigned c, unsigned out_c, unsigned k, unsigned pad, unsigned stride = 1,
               unsigned pool = 1) {
  return square_conv(h, w, c, out_c, k, stride, pad, pool);
}

/// Crossbars of 16 rows × 8 columns (windows of 27 or 45 rows split over row blocks) with a
/// 5-bit SAR ADC over the reachable range and seeded conversion noise: the noise is keyed
/// by the vector index, so a window evaluated under the wrong index would differ.
MappingConfig mapping() {
  MappingConfig m;
  m.array.rows = 16;
  m.array.cols = 8;
  m.sense.kind = SenseKind::adc;
  m.sense.bits = 5;
  m.sense.full_scale = AdcRange::reachable;
  m.sense.noise_sigma = 0.6;
  m.sense.seed = 7;
  return m;
}

struct NetBuilder {
  std::mt19937 rng{2026};
  LayerPipelineConfig cfg;
  std::size_t bits = 0;  // output bits of the last layer added
  unsigned channels = 0;

  std::vector<std::int8_t> weights(std::size_t n) {
    std::vector<std::int8_t> w(n);
    for (auto& v : w) v = (rng() & 1u) ? 1 : -1;
    return w;
  }
  void thresholds(PipelineLayerConfig& L, unsigned m, unsigned k) {
    const int span = static_cast<int>(k / 3 + 1);
    for (unsigned j = 0; j < m; ++j) {
      L.threshold.push_back(static_cast<int>(rng() % (2 * span + 1)) - span);
      L.flip.push_back(static_cast<std::uint8_t>(rng() % 4 == 0));
    }
  }
  NetBuilder& add_conv(const ConvShape& s) {
    PipelineLayerConfig L;
    L.kind = LayerKind::conv;
    L.shape = s;
    L.weights = weights(std::size_t{s.out_c} * s.window_rows());
    thresholds(L, s.out_c, static_cast<unsigned>(s.window_rows()));
    L.mapping = mapping();
    cfg.layers.push_back(L);
    bits = s.output_bits();
    channels = s.out_c;
    return *this;
  }
  NetBuilder& add_pool(unsigned h, unsigned w, unsigned c, unsigned pool) {
    PipelineLayerConfig L;
    L.kind = LayerKind::pool;
    L.shape.in_h = h;
    L.shape.in_w = w;
    L.shape.in_c = c;
    L.shape.pool = pool;
    L.mapping = mapping();
    cfg.layers.push_back(L);
    bits = std::size_t{h / pool} * (w / pool) * c;
    return *this;
  }
  NetBuilder& add_fc(unsigned outputs, bool last) {
    PipelineLayerConfig L;
    L.kind = LayerKind::fully_connected;
    L.inputs = static_cast<unsigned>(bits);
    L.outputs = outputs;
    L.weights = weights(std::size_t{L.inputs} * outputs);
    if (!last) thresholds(L, outputs, L.inputs);
    L.mapping = mapping();
    cfg.layers.push_back(L);
    bits = outputs;
    return *this;
  }
};

std::vector<Word> random_map(std::size_t bits, std::mt19937& rng) {
  std::vector<Word> m(words_for_bits(bits), 0);
  for (std::size_t i = 0; i < bits; ++i)
    if (rng() & 1u) m[i / kWordBits] |= Word{1} << (i % kWordBits);
  return m;
}

/// The straightforward reference: every layer on its whole map.
std::vector<std::int32_t> reference(const LayerPipelineConfig& cfg, const std::vector<Word>& image, std::uint64_t n) {
  std::vector<Word> map = image;
  std::vector<std::int32_t> sums;
  for (std::size_t l = 0; l < cfg.layers.size(); ++l) {
    const PipelineLayerConfig& L = cfg.layers[l];
    if (L.kind == LayerKind::conv) {
      const ConvShape& s = L.shape;
      MappedLayer ml(static_cast<unsigned>(s.window_rows()), s.out_c, L.weights, L.input_kind, 1, L.mapping, l);
      std::vector<Word> out(words_for_bits(s.conv_output_bits()), 0);
      BitMatrix x(1, s.window_rows()), y;
      for (unsigned oy = 0; oy < s.out_h(); ++oy)
        for (unsigned ox = 0; ox < s.out_w(); ++ox) {
          gather_window(s, map.data(), oy, ox, x.row(0));
          ml.evaluate(x, sums, nullptr, n * s.windows() + std::uint64_t{oy} * s.out_w() + ox);
          threshold_pack(sums.data(), 1, s.out_c, L.threshold.data(), L.flip.data(), y);
          for (unsigned c = 0; c < s.out_c; ++c)
            if (y.get(0, c)) {
              const std::size_t b = (std::size_t{oy} * s.out_w() + ox) * s.out_c + c;
              out[b / kWordBits] |= Word{1} << (b % kWordBits);
            }
        }
      map.assign(words_for_bits(s.output_bits()), 0);
      max_pool(s, out.data(), map.data());
    } else if (L.kind == LayerKind::pool) {
      ConvShape s = conv(L.shape.in_h, L.shape.in_w, L.shape.in_c, L.shape.in_c, 1, 0, 1, L.shape.pool);
      std::vector<Word> out(words_for_bits(s.output_bits()), 0);
      max_pool(s, map.data(), out.data());
      map = out;
    } else {
      MappedLayer ml(L.inputs, L.outputs, L.weights, L.input_kind, 1, L.mapping, l);
      BitMatrix x(1, L.inputs), y;
      copy_bits(map.data(), 0, L.inputs, x.row(0));
      ml.evaluate(x, sums, nullptr, n);
      if (L.threshold.empty()) return sums;
      threshold_pack(sums.data(), 1, L.outputs, L.threshold.data(), L.flip.data(), y);
      map.assign(y.row(0), y.row(0) + y.words());
    }
  }
  return sums;
}

struct Run {
  std::vector<PipelineImageResult> results;
  std::uint64_t tpip, frame, lbl;
  bool exact;
};

/// Elaborates the pipeline, streams `images` random images back to back, checks every
/// image bit for bit against the reference and returns the results.
Run run(const LayerPipelineConfig& cfg, unsigned images, unsigned seed = 1, const char* vcd = nullptr) {
  LayerPipeline pipe("pipe", cfg);
  sc_core::sc_trace_file* tf = vcd ? sc_core::sc_create_vcd_trace_file(vcd) : nullptr;
  pipe.trace(tf);
  std::mt19937 rng(seed);
  std::vector<std::vector<Word>> maps;
  for (unsigned n = 0; n < images; ++n) {
    maps.push_back(random_map(cfg.layers.front().shape.input_bits(), rng));
    pipe.enqueue(maps.back().data());
  }
  sc_core::sc_start();
  if (tf) sc_core::sc_close_vcd_trace_file(tf);
  Run r{pipe.results(), pipe.tpip_steps(), pipe.frame_steps(), pipe.layer_by_layer_steps(), pipe.tpip_exact()};
  REQUIRE(r.results.size() == images);
  for (unsigned n = 0; n < images; ++n) {
    REQUIRE(r.results[n].done);
    CHECK(r.results[n].sums_half == reference(cfg, maps[n], n));
  }
  return r;
}
}  // namespace

TEST_CASE("pipeline latency = T_pip: LeNet-like with padding (6x6, conv3 p1 + pool 2, conv3 p1, FC)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(6, 6, 1, 4, 3, 1, 1, 2)).add_conv(conv(3, 3, 4, 5, 3, 1)).add_fc(3, true);
  const Run r = run(b.cfg, 3);
  // conv1 ends in step 55 (the frame's last slot), the pooled pixel enters 56, conv2's
  // tail of W + p = 4 windows ends 60, the FC evaluates 61: 62 steps = 56 + 4 + 1 + 1
  CHECK(r.tpip == 62);
  CHECK(r.exact);
  CHECK(r.results[0].latency_steps() == 62);
  CHECK(r.results[0].first_step == 0);
  CHECK(r.results[0].result_step == 61);
  // back to back: one frame (56 steps) apart, each with the same latency
  for (unsigned n = 1; n < 3; ++n) {
    CHECK(r.results[n].first_step == 56u * n);
    CHECK(r.results[n].latency_steps() == 62);
  }
  CHECK(r.lbl == 56 + 9 + 9 + 1);
}

TEST_CASE("pipeline latency = T_pip: LeNet-like, explicit pooling layer, two FC layers", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(8, 8, 2, 3, 3, 1)).add_pool(8, 8, 3, 2).add_conv(conv(4, 4, 3, 4, 3, 1, 1, 2));
  b.add_fc(6, false).add_fc(4, true);
  const Run r = run(b.cfg, 2, 1, "layer_pipeline_trace");
  // the signals docs/line-buffers.md tells to open in GTKWave are in the VCD
  std::ifstream vcd("layer_pipeline_trace.vcd");
  const std::string text((std::istreambuf_iterator<char>(vcd)), std::istreambuf_iterator<char>());
  for (const char* sig : {"layer0_conv_buffer", "layer0_convolver", "layer1_pool_buffer", "layer1_pool_engine",
                          "layer2_pool_engine", "layer3_fc", "occupancy", "awake"})
    CHECK(text.find(sig) != std::string::npos);
  // 9·10 + (4 + 1) + 2 pools + 2 FC
  CHECK(r.tpip == 90 + 5 + 2 + 2);
  CHECK(r.exact);
  CHECK(r.results[0].latency_steps() == r.tpip);
  CHECK(r.results[1].latency_steps() == r.tpip);
  CHECK(r.results[1].first_step == 90);
}

TEST_CASE("pipeline latency = T_pip: VGG-11-shaped (32x32x3, 8 convs, 5 pools, 3 FC)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(32, 32, 3, 4, 3, 1, 1, 2)).add_conv(conv(16, 16, 4, 4, 3, 1, 1, 2));
  b.add_conv(conv(8, 8, 4, 4, 3, 1)).add_conv(conv(8, 8, 4, 4, 3, 1, 1, 2));
  b.add_conv(conv(4, 4, 4, 4, 3, 1)).add_conv(conv(4, 4, 4, 4, 3, 1, 1, 2));
  b.add_conv(conv(2, 2, 4, 4, 3, 1)).add_conv(conv(2, 2, 4, 4, 3, 1, 1, 2));
  b.add_fc(8, false).add_fc(8, false).add_fc(5, true);
  const Run r = run(b.cfg, 1);
  CHECK(r.tpip == 33 * 34 + (17 + 9 + 9 + 5 + 5 + 3 + 3) + 5 + 3);  // 1181
  CHECK(r.exact);
  CHECK(r.results[0].latency_steps() == 1181);
}

TEST_CASE("pipeline latency, hand count: no padding (6x6 conv3 p0 -> 4x4 conv3 p0 -> FC)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(6, 6, 1, 2, 3, 0)).add_conv(conv(4, 4, 2, 3, 3, 0)).add_fc(2, true);
  const Run r = run(b.cfg, 2);
  // frame 36 slots; conv1 (oy, ox) in step 6(oy + 2) + ox + 2, last 35; conv2's last
  // window needs conv1's last pixel: 35; FC 36 → 37 steps (T_pip would say 36 + 4 + 1 = 41)
  CHECK(r.results[0].latency_steps() == 37);
  CHECK(r.tpip == 41);
  CHECK_FALSE(r.exact);
  CHECK(r.results[1].first_step == 36);
  CHECK(r.results[1].latency_steps() == 37);
}

TEST_CASE("pipeline latency, hand count: stride 2 (7x7x2 conv3 p1 s2 -> 4x4 conv3 p1 s2 -> FC)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(7, 7, 2, 3, 3, 1, 2)).add_conv(conv(4, 4, 3, 2, 3, 1, 2)).add_fc(3, true);
  const Run r = run(b.cfg, 2);
  // frame 8·9 = 72; conv1 (oy, ox) at slot (2oy + 2)·8 + 2ox + 1, last (3, 3) at 71;
  // conv2's last window (1, 1) needs pixel (3, 3) = conv1's last output: 71; FC 72 → 73
  CHECK(r.results[0].latency_steps() == 73);
  CHECK(r.tpip == 72 + 5 + 1);
  CHECK(r.results[1].latency_steps() == 73);
}

TEST_CASE("pipeline latency, hand count: pooling that floors (5x5 conv3 p1 + pool 2 -> FC)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(5, 5, 1, 3, 3, 1, 1, 2)).add_fc(4, true);
  const Run r = run(b.cfg, 2);
  // frame 6·7 = 42; the last pooling window (1, 1) needs conv output (3, 3), slot 5·6 + 4
  // = 34; pooled pixel enters the FC buffer 35, FC 36 → 37 (T_pip: 42 + 1 + 1 = 44)
  CHECK(r.results[0].latency_steps() == 37);
  CHECK(r.tpip == 44);
  CHECK(r.results[1].first_step == 42);
  CHECK(r.results[1].latency_steps() == 37);
}

TEST_CASE("pipeline latency, hand count: inner 5x5 pad 2 layer (tail p(W + 1) = 14 windows)", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(6, 6, 1, 2, 3, 1)).add_conv(conv(6, 6, 2, 2, 5, 2)).add_fc(2, true);
  const Run r = run(b.cfg, 1);
  // conv1 ends 55; conv2's 14 tail windows 56..69; FC 70 → 71 (T_pip: 56 + 8 + 1 = 65)
  CHECK(r.results[0].latency_steps() == 71);
  CHECK(r.tpip == 65);
}

TEST_CASE("pipeline bit-true with odd shapes: kernel 5 pad 1, kernel 3 pad 0, C_in 3 and 5", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(7, 7, 3, 5, 5, 1)).add_conv(conv(5, 5, 5, 4, 3, 0, 1, 2)).add_fc(6, false).add_fc(3, true);
  run(b.cfg, 3, 99);  // checks every image against the reference
}

TEST_CASE("pipeline: bad configuration throws naming the layer and field", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(6, 6, 1, 4, 3, 1)).add_fc(3, true);
  LayerPipelineConfig c = b.cfg;
  c.layers[1].inputs = 7;
  CHECK_THROWS_WITH(LayerPipeline("p1", c), Catch::Contains("layers[1].inputs"));
  c = b.cfg;
  c.layers[0].weights.pop_back();
  CHECK_THROWS_WITH(LayerPipeline("p2", c), Catch::Contains("layers[0].weights"));
  c = b.cfg;
  c.layers[0].threshold.clear();
  CHECK_THROWS_WITH(LayerPipeline("p3", c), Catch::Contains("layers[0].threshold"));
  c = b.cfg;
  c.pool_latency = 40;
  CHECK_THROWS_WITH(LayerPipeline("p4", c), Catch::Contains("pool_latency"));
}

TEST_CASE("pipeline reset: a second run after reset() repeats the first bit for bit and step for step", "[pipeline]") {
  NetBuilder b;
  b.add_conv(conv(5, 5, 2, 3, 3, 1, 1, 2)).add_fc(4, true);
  LayerPipeline pipe("pipe", b.cfg);
  std::mt19937 rng(4);
  const std::vector<Word> a = random_map(50, rng), c = random_map(50, rng);
  pipe.enqueue(a.data());
  pipe.enqueue(c.data());
  sc_core::sc_start();
  const std::vector<PipelineImageResult> first = pipe.results();
  REQUIRE(first.size() == 2);
  REQUIRE(first[1].done);
  pipe.reset();
  CHECK(pipe.results().empty());
  pipe.enqueue(a.data());
  pipe.enqueue(c.data());
  sc_core::sc_start();
  const std::vector<PipelineImageResult>& second = pipe.results();
  REQUIRE(second.size() == 2);
  for (unsigned n = 0; n < 2; ++n) {
    REQUIRE(second[n].done);
    CHECK(second[n].sums_half == first[n].sums_half);
    CHECK(second[n].latency_steps() == first[n].latency_steps());
    CHECK(second[n].latency_steps() == 37);  // the floor hand count of docs/line-buffers.md
    CHECK(second[n].sums_half == reference(b.cfg, n == 0 ? a : c, n));
  }
  CHECK(second[0].first_step > first[1].first_step);
}

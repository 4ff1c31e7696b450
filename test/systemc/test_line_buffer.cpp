// Conv and pooling line buffers against the dataflow tables of Tang et al., "Binary
// Convolutional Neural Network on RRAM" (ASP-DAC 2017), "Line Buffer & Pipeline", for
// W = 6.  Steps are worked out by hand in docs/line-buffers.md from the frame
// f(iy, ix) = (iy + p)(W + p) + ix: with W = 6 and p = 1 a frame row is 7 slots, the
// streamed first buffer takes slot f in step f, and window (oy, ox) of a 3x3 kernel is
// complete at slot f(oy + 1, ox + 1) = 7(oy + 2) + ox + 1.  Windows are compared with
// gather_window (conv_shape.h) on the whole map.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/cim/linebuffer/conv_line_buffer.h"
#include "cimvp/cim/linebuffer/pool_line_buffer.h"
#include "cimvp/cim/pipeline/pool_engine.h"
#include "cimvp/circuit/conv_shape.h"

#include <random>
#include <set>
#include <vector>

namespace {
using namespace cimvp;
using sc_core::SC_NS;
using sc_core::sc_time;

const sc_time kStep(10, SC_NS);

ConvShape conv_shape(unsigned h, unsigned w, unsigned c, unsigned k, unsigned pad, unsigned stride = 1) {
  ConvShape s;
  s.in_h = h;
  s.in_w = w;
  s.in_c = c;
  s.out_c = 1;
  s.kernel_h = s.kernel_w = k;
  s.pad = pad;
  s.stride = stride;
  return s;
}

std::vector<Word> random_map(std::size_t bits, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Word> m(words_for_bits(bits), 0);
  for (std::size_t i = 0; i < bits; ++i)
    if (rng() & 1u) m[i / kWordBits] |= Word{1} << (i % kWordBits);
  return m;
}

/// Streams a map as the zero-padded frame of `g` (one slot per step from step 0) into `out`.
struct Feeder : sc_core::sc_module {
  sc_core::sc_port<pixel_in_if> out;
  LineBufferGeometry g;
  std::vector<Word> map;
  Feeder(sc_core::sc_module_name n, const LineBufferGeometry& geom, std::vector<Word> m)
      : sc_core::sc_module(n), out("out"), g(geom), map(std::move(m)) {
    SC_HAS_PROCESS(Feeder);
    SC_THREAD(run);
  }
  void run() {
    std::vector<Word> px(words_for_bits(g.in_c));
    for (long f = 0; f < static_cast<long>(g.frame_slots()); ++f) {
      unsigned iy = 0, ix = 0;
      if (g.real_slot(f, iy, ix)) {
        copy_bits(map.data(), (std::size_t{iy} * g.in_w + ix) * g.in_c, g.in_c, px.data());
        out->push_pixel(px.data(), static_cast<std::uint64_t>(f));
      } else {
        out->push_padding(static_cast<std::uint64_t>(f));
      }
    }
  }
};

/// Records every window; optionally forwards one pixel per window (a stand-in convolver
/// with `channels` output bits, bit c = window bit c) into `out` `latency` steps later.
struct Recorder : sc_core::sc_module, window_sink_if {
  sc_core::sc_export<window_sink_if> in;
  sc_core::sc_port<pixel_in_if, 1, sc_core::SC_ZERO_OR_MORE_BOUND> out;
  struct Seen {
    unsigned oy, ox;
    std::uint64_t step;
    std::vector<Word> window;
  };
  std::vector<Seen> seen;
  std::size_t window_words;
  unsigned channels;
  Recorder(sc_core::sc_module_name n, std::size_t window_bits, unsigned out_channels = 1)
      : sc_core::sc_module(n), in("in"), out("out"), window_words(words_for_bits(window_bits)), channels(out_channels) {
    in.bind(*this);
  }
  void on_window(std::uint64_t, unsigned oy, unsigned ox, const Word* w, std::uint64_t step) override {
    REQUIRE(step == current_step(kStep));
    seen.push_back(Seen{oy, ox, step, std::vector<Word>(w, w + window_words)});
    if (out.size() == 1) {
      std::vector<Word> px(words_for_bits(channels), 0);
      copy_bits(w, 0, channels, px.data());
      out->push_pixel(px.data(), step);
    }
  }
  std::vector<std::uint64_t> steps() const {
    std::vector<std::uint64_t> v;
    for (const auto& s : seen) v.push_back(s.step);
    return v;
  }
};

std::uint32_t occupancy_at(const LineBuffer& lb, std::uint64_t step) {
  std::uint32_t v = 0;
  for (const auto& e : lb.occupancy_log())
    if (e.first <= step) v = e.second;
  return v;
}
}  // namespace

TEST_CASE("conv line buffer: streamed 6x6x3 frame, windows = gather_window, wake steps and occupancy by hand",
          "[linebuffer]") {
  ConvLineBufferConfig cfg;
  cfg.shape = conv_shape(6, 6, 3, 3, 1);
  cfg.padding = PaddingSource::streamed;
  cfg.time_step = kStep;
  cfg.record = true;
  const std::vector<Word> map = random_map(cfg.shape.input_bits(), 11);
  Feeder feeder("feeder", LineBufferGeometry::conv(cfg.shape), map);
  ConvLineBuffer lb("lb", cfg);
  Recorder rec("rec", cfg.shape.window_rows());
  feeder.out(lb.in);
  lb.out(rec.in);

  sc_core::sc_start(kStep * 14.5);  // inside step 14: pixel (1, 0), column 0 (nothing complete)
  CHECK(lb.occupancy.read() == 7);    // pixels (0, 0..5) and (1, 0)
  sc_core::sc_start();

  REQUIRE(rec.seen.size() == 36);
  for (const auto& s : rec.seen) {
    CHECK(s.step == 7u * (s.oy + 2) + s.ox + 1);
    std::vector<Word> ref(words_for_bits(cfg.shape.window_rows()));
    gather_window(cfg.shape, map.data(), s.oy, s.ox, ref.data());
    CHECK(s.window == ref);
  }
  // Seed table, Conv-Conv, Conv_K row: S in the step a row's first pixel enters, A in the
  // other W steps of the row (W − 1 pixels and the padding slot)
  const std::vector<std::uint64_t> steps = rec.steps();
  const std::set<std::uint64_t> awake(steps.begin(), steps.end());
  for (std::uint64_t R = 2; R <= 7; ++R) {
    CHECK(awake.count(7 * R) == 0);
    for (std::uint64_t x = 1; x <= 6; ++x) CHECK(awake.count(7 * R + x) == 1);
  }
  // occupancy: pixels held = min(pixels in, 3 rows × 6); empties after the frame's last slot
  CHECK(occupancy_at(lb, 6) == 0);
  CHECK(occupancy_at(lb, 7) == 1);    // pixel (0, 0) at slot 7
  CHECK(occupancy_at(lb, 12) == 6);
  CHECK(occupancy_at(lb, 13) == 6);   // padding slot
  CHECK(occupancy_at(lb, 14) == 7);
  CHECK(occupancy_at(lb, 26) == 18);  // pixel (2, 5): three full rows
  CHECK(occupancy_at(lb, 54) == 18);
  CHECK(occupancy_at(lb, 55) == 0);   // last slot: image done
  CHECK(lb.occupancy.read() == 0);
  CHECK(lb.counters().get("pixels_in") == 36);
  CHECK(lb.counters().get("padding_slots") == 20);
  CHECK(lb.counters().get("windows") == 36);
  CHECK(lb.images_done() == 1);
}

TEST_CASE("conv -> conv dataflow (seed table Conv-Conv), W = 6", "[linebuffer]") {
  ConvLineBufferConfig c1;
  c1.shape = conv_shape(6, 6, 1, 3, 1);
  c1.padding = PaddingSource::streamed;
  c1.time_step = kStep;
  ConvLineBufferConfig c2 = c1;
  c2.padding = PaddingSource::generated;
  c2.record = true;
  Feeder feeder("feeder", LineBufferGeometry::conv(c1.shape), random_map(36, 3));
  ConvLineBuffer lb1("lb1", c1), lb2("lb2", c2);
  Recorder conv1("conv1", 9), conv2("conv2", 9);
  feeder.out(lb1.in);
  lb1.out(conv1.in);
  conv1.out(lb2.in);
  lb2.out(conv2.in);
  sc_core::sc_start();

  REQUIRE(conv2.seen.size() == 36);
  for (const auto& s : conv2.seen) {
    // rows 0..4: pixel (oy + 1, ox + 1) enters in conv1's step 7(oy + 3) + ox + 2; the last
    // window of a row waits for the buffer's padding slot, made in the step conv1 sleeps
    std::uint64_t expect = s.ox < 5 ? 7u * (s.oy + 3) + s.ox + 2 : 7u * (s.oy + 4);
    // row 5 (bottom padding row): after the last pixel (step 55) one window per step
    if (s.oy == 5) expect = 57 + s.ox;
    CHECK(s.step == expect);
  }
  // Conv_{K+1} row of the table: the same A/S pattern one step later than Conv_K
  const std::vector<std::uint64_t> s1 = conv1.steps(), s2 = conv2.steps();
  const std::set<std::uint64_t> a1(s1.begin(), s1.end()), a2(s2.begin(), s2.end());
  for (std::uint64_t t = 21; t <= 55; ++t) CHECK(a2.count(t + 1) == a1.count(t));
  CHECK(conv2.seen.back().step == 55 + 7);  // last window W + p steps after the last input
  CHECK(lb2.counters().get("pixels_in") == 36);
  CHECK(occupancy_at(lb2, 55) == 18);
  CHECK(occupancy_at(lb2, 62) == 0);
}

namespace {
void conv_pool_conv(unsigned latency) {
  ConvLineBufferConfig c1;
  c1.shape = conv_shape(6, 6, 2, 3, 1);
  c1.padding = PaddingSource::streamed;
  c1.time_step = kStep;
  PoolLineBufferConfig pc;
  pc.in_h = pc.in_w = 6;
  pc.in_c = 2;
  pc.pool = 2;
  pc.time_step = kStep;
  pc.record = true;
  PoolEngineConfig pe;
  pe.channels = 2;
  pe.pool = 2;
  pe.latency = latency;
  pe.time_step = kStep;
  pe.record = true;
  ConvLineBufferConfig c3;
  c3.shape = conv_shape(3, 3, 2, 3, 1);
  c3.time_step = kStep;
  Feeder feeder("feeder", LineBufferGeometry::conv(c1.shape), random_map(72, 5));
  ConvLineBuffer lb1("lb1", c1), lb3("lb3", c3);
  PoolLineBuffer plb("plb", pc);
  PoolEngine pool("pool", pe);
  Recorder conv1("conv1", 18, 2), conv3("conv3", 18);
  feeder.out(lb1.in);
  lb1.out(conv1.in);
  conv1.out(plb.in);
  plb.out(pool.window_in);
  pool.out(lb3.in);
  lb3.out(conv3.in);

  sc_core::sc_start(kStep * 23.5);
  CHECK(pool.awake.read());   // step 23: y(1, 1) completes the first 2x2 window
  sc_core::sc_start(kStep * 1.0);
  CHECK_FALSE(pool.awake.read());  // step 24: y(1, 2) completes nothing
  sc_core::sc_start();

  // Pool circuit row of the table: asleep while the first row of a pair enters, awake on
  // every second pixel of the second row: y(2py + 1, 2px + 1) enters in step 7(2py + 3) + 2px + 2
  const std::vector<std::uint64_t> pool_wakes{23, 25, 27, 37, 39, 41, 51, 53, 55};
  CHECK(pool.wake_log() == pool_wakes);
  // Conv_{K+1} (3x3 map, p = 1, rows of 4 slots): pooled pixel (r, c) enters `latency`
  // steps after its window; window (oy, ox) needs pixel (oy + 1, ox + 1), the row's
  // padding slot (next step) for ox = 2, and the bottom padding row after the last pixel
  std::vector<std::uint64_t> expect{39, 41, 42, 53, 55, 56, 57, 58, 59};
  for (auto& t : expect) t += latency;
  CHECK(conv3.steps() == expect);
  CHECK(occupancy_at(plb, 22) == 7);   // y(0, 0..5) and y(1, 0) (step 7(1 + 2) + 0 + 1)
  CHECK(occupancy_at(plb, 29) == 12);  // y(1, 5) entered in step 27: two rows, the capacity
}
}  // namespace

TEST_CASE("conv -> pool -> conv dataflow (seed table Conv-Pooling-Conv), W = 6, pool latency 0", "[linebuffer]") {
  conv_pool_conv(0);  // the table column by column: the pooled pixel enters Conv_{K+1}'s buffer at once
}

TEST_CASE("conv -> pool -> conv dataflow (seed table Conv-Pooling-Conv), W = 6, pool latency 1", "[linebuffer]") {
  conv_pool_conv(1);  // the formula's |Pool| step
}

TEST_CASE("line buffers: misuse is reported, bad geometry throws naming the field", "[linebuffer]") {
  ConvLineBufferConfig cfg;
  cfg.shape = conv_shape(4, 4, 1, 3, 1);
  cfg.time_step = kStep;
  ConvLineBuffer lb("lb", cfg);
  Recorder rec("rec", 9);
  lb.out(rec.in);
  {
    test::ExpectReport expect("cimvp/linebuffer", sc_core::SC_ERROR);
    try {
      lb.push_padding(0);  // generated padding: the producer may not stream it
    } catch (...) {
    }
    CHECK(expect.count() == 1);
  }
  ConvLineBufferConfig bad = cfg;
  bad.shape.pad = 3;
  CHECK_THROWS_WITH(ConvLineBuffer("bad", bad), Catch::Contains("pad"));
  PoolLineBufferConfig pc;
  pc.in_h = pc.in_w = 3;
  pc.in_c = 1;
  pc.pool = 4;
  CHECK_THROWS_WITH(PoolLineBuffer("badpool", pc), Catch::Contains("pool 4"));
  ConvLineBufferConfig zero = cfg;
  zero.time_step = sc_core::SC_ZERO_TIME;
  CHECK_THROWS_WITH(ConvLineBuffer("zero", zero), Catch::Contains("time_step"));
}

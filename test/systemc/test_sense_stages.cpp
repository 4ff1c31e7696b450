// The datapath stages without a whole macro: BitcellArray → sense stage (make_sense_stage,
// kinds mlsa and adc) → Accumulator, bound port → export as CimMacro binds them, driven
// by a test thread through cim_array_if / cim_sense_if / cim_accumulate_if.  No TLM socket
// is involved (the stages talk through SystemC interfaces only).
//
// The layer, by hand: XNOR cells (bipolar ±1 inputs), K = 10 inputs, M = 3 outputs on
// 4×2 sub-arrays: row blocks of 4, 4, 2 rows (inputs 0-3, 4-7, 8-9), column blocks of 2
// and 1 columns (neurons 0-1, 2).
//
//   W[0] = + + + +  + + + +  + +        x0 = + + + +  - - - -  + -
//   W[1] = + - + -  - - - -  + -        x1 = + - + -  + + - -  - -
//   W[2] = - - + +  + - + -  - -
//
// Partial sums per row block (rb0, rb1, rb2):
//   x0: neuron 0 (4, -4, 0)  neuron 1 (0, 4, 2)  neuron 2 (0, 0, 0)   → exact 0, 6, 0
//   x1: neuron 0 (0, 0, -2)  neuron 1 (4, 0, 0)  neuron 2 (0, 0, 2)   → exact -2, 4, 2
// Exact sums in half units (2·PS): x0 = {0, 12, 0}, x1 = {-4, 8, 4}.
//
// 2-bit ADC, reachable full scale (docs/column-adc.md): 4 bipolar rows, D = 5 (PS -4…4
// step 2), L = 4 → s = 2, n = 3 codes {-4,-2} {0,2} {4}, value_half = 2·value(2i) + 2 =
// -6, 2, 10, references -1, 3.  2 bipolar rows: D = 3 <= 4 → exact (value_half = 2·PS).
//   x0: neuron 0: 10 + (-6) + 0 = 4;  neuron 1: 2 + 10 + 4 = 16;  neuron 2: 2 + 2 + 0 = 4
//   x1: neuron 0: 2 + 2 + (-4) = 0;   neuron 1: 10 + 2 + 0 = 12;  neuron 2: 2 + 2 + 4 = 8
//
// Timing of one read of a row block for n vectors (all column blocks in parallel):
//   n × segments × (read_ns + decisions × decision_ns × mux),  decisions: MLSA / flash 1,
//   SAR `bits`.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/cim/accumulate/accumulator.h"
#include "cimvp/cim/array/sram/bitcell_array.h"
#include "cimvp/cim/sense/adc/column_adc_stage.h"
#include "cimvp/cim/sense/mlsa/mlsa.h"
#include "cimvp/cim/sense/sense_factory.h"

#include <systemc>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cimvp;
using sc_core::SC_NS;
using sc_core::sc_time;

namespace {

constexpr unsigned kK = 10, kM = 3, kR = 4, kC = 2;
constexpr double kReadNs = 3.0, kDecisionNs = 0.5;

// clang-format off
const std::int8_t kW[kM * kK] = {
    +1, +1, +1, +1,  +1, +1, +1, +1,  +1, +1,
    +1, -1, +1, -1,  -1, -1, -1, -1,  +1, -1,
    -1, -1, +1, +1,  +1, -1, +1, -1,  -1, -1,
};
const int kX[2][kK] = {
    {+1, +1, +1, +1,  -1, -1, -1, -1,  +1, -1},
    {+1, -1, +1, -1,  +1, +1, -1, -1,  -1, -1},
};
// clang-format on
const std::vector<std::int32_t> kExactHalf = {0, 12, 0, -4, 8, 4};
const std::vector<std::int32_t> kAdc2Half = {4, 16, 4, 0, 12, 8};

/// The packed word of vector i for row block rb: bit r = (x[rb·R + r] == +1).
Word block_word(unsigned i, unsigned rb) {
  Word w = 0;
  for (unsigned r = 0; r < kR && rb * kR + r < kK; ++r)
    if (kX[i][rb * kR + r] > 0) w |= Word{1} << r;
  return w;
}

/// Drives the stages through their interfaces from an SC_THREAD.
struct Driver : sc_core::sc_module {
  sc_core::sc_port<cim_array_if> array_port;
  sc_core::sc_port<cim_sense_if> sense_port;
  sc_core::sc_port<cim_accumulate_if> acc_port;
  std::function<void(Driver&)> program;
  bool done = false;
  std::string error;

  explicit Driver(sc_core::sc_module_name n)
      : sc_core::sc_module(n), array_port("array_port"), sense_port("sense_port"), acc_port("acc_port") {
    SC_HAS_PROCESS(Driver);
    SC_THREAD(run);
  }
  void run() {
    try {
      if (program) program(*this);
      done = true;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }

  /// Programs the hand-made layer as layer `layer` (last layer: no thresholds).
  void load(unsigned layer) {
    array_port->program_layer(layer, kK, kM, InputKind::bipolar, kW);
    const auto segs = array_port->segments(layer);
    sense_port->program_layer(layer, segs, (kM + kC - 1) / kC, 1, InputKind::bipolar);
    acc_port->program_layer(layer, kK, kM, static_cast<unsigned>(segs.size()), 1, true, nullptr, nullptr);
  }

  /// Runs n vectors (starting with kX[first]) through layer `layer`: one read per row
  /// block; waits for each read's annotated delay.  Returns the sums (n × M) and the
  /// delay of each read in `reads`.
  std::vector<std::int32_t> infer(unsigned layer, unsigned first, std::size_t n, std::vector<sc_time>& reads,
                                  std::uint64_t first_vector = 0) {
    acc_port->begin(layer, n);
    const unsigned nrb = (kK + kR - 1) / kR;
    for (unsigned rb = 0; rb < nrb; ++rb) {
      std::vector<Word> x(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = block_word(static_cast<unsigned>(first + i), rb);
      sc_time d = sc_core::SC_ZERO_TIME;
      array_port->read(ArrayRead{layer, rb, 0, x.data(), 1, n, first_vector}, d);
      reads.push_back(d);
      wait(d);
    }
    sc_time d = sc_core::SC_ZERO_TIME;
    acc_port->finish(nullptr, 0, kR, d);
    wait(d);
    return std::vector<std::int32_t>(acc_port->sums(), acc_port->sums() + n * kM);
  }
};

SubArrayConfig array_config(AccessMode access = AccessMode::parallel, unsigned group_rows = 2) {
  SubArrayConfig a;
  a.rows = kR;
  a.cols = kC;
  a.mode = CellMode::xnor_8t;
  a.access = access;
  a.group_rows = group_rows;
  return a;
}

CimTimingConfig timing() {
  CimTimingConfig t;
  t.array_read_ns = kReadNs;
  t.sense_ns = kDecisionNs;
  t.accumulate_ns = 0.0;  // the reads alone set the time of a layer
  t.activation_ns = 0.0;
  t.clock_period_ns = 1.0;
  return t;
}

SenseConfig mlsa_ideal() {
  SenseConfig s;
  s.kind = SenseKind::mlsa;
  s.quantization = Quantization::ideal;
  s.bits = 3;
  return s;
}

SenseConfig adc(AdcKind kind, unsigned bits, unsigned mux = 1) {
  SenseConfig s;
  s.kind = SenseKind::adc;
  s.converter = kind;
  s.bits = bits;
  s.full_scale = AdcRange::reachable;
  s.mux = mux;
  return s;
}

/// Array + sense stage + accumulator + driver, bound as CimMacro binds them.
struct StageBench {
  BitcellArray array;
  std::unique_ptr<SenseStage> sense;
  Accumulator acc;
  Driver drv;
  StageBench(const std::string& p, const SenseConfig& s, const SubArrayConfig& a = array_config())
      : array((p + "array").c_str(), a, CellVariationConfig{}, kReadNs, timing().clock_period_ns),
        sense(make_sense_stage((p + "sense").c_str(), a, s, kDecisionNs)),
        acc((p + "acc").c_str(), a, timing()),
        drv((p + "drv").c_str()) {
    array.sense_port.bind(sense->target_export);
    sense->acc_port.bind(acc.target_export);
    drv.array_port.bind(array.target_export);
    drv.sense_port.bind(sense->target_export);
    drv.acc_port.bind(acc.target_export);
  }
};

/// Expected read delays for n vectors: one per row block, rb's segments from `segs`.
std::vector<sc_time> expected_reads(std::size_t n, const std::vector<unsigned>& segs, unsigned decisions,
                                    unsigned mux) {
  std::vector<sc_time> v;
  for (unsigned s : segs) v.push_back(sc_time(double(n * s) * (kReadNs + decisions * kDecisionNs * mux), SC_NS));
  return v;
}

}  // namespace

TEST_CASE("stage bench: ideal MLSA gives the exact sums; timing, counters and reset by hand", "[stage]") {
  StageBench b("m_", mlsa_ideal());
  REQUIRE(dynamic_cast<Mlsa*>(b.sense.get()) != nullptr);
  std::vector<std::int32_t> sums;
  std::vector<sc_time> reads;
  sc_time t_end;
  std::string after_reset_array, after_reset_sense, after_reset_acc;
  bool ready_before = false;
  std::uint64_t reads_before_reset = 0, conv_before_reset = 0, acc_before_reset = 0;
  b.drv.program = [&](Driver& d) {
    d.load(0);
    ready_before = d.sense_port->ready(0);
    sums = d.infer(0, 0, 2, reads);
    t_end = sc_core::sc_time_stamp();
    reads_before_reset = b.array.counters().get("array_reads");
    conv_before_reset = b.sense->counters().get("conversions");
    acc_before_reset = b.acc.counters().get("accumulations");
    b.array.reset();
    b.sense->reset();
    b.acc.reset();
    // after reset the layer is unprogrammed in every stage
    std::vector<Word> x(2, 0);
    sc_time dd;
    try {
      d.array_port->read(ArrayRead{0, 0, 0, x.data(), 1, 2, 0}, dd);
    } catch (const std::logic_error& e) {
      after_reset_array = e.what();
    }
    try {
      (void)d.sense_port->ready(0);
    } catch (const std::logic_error& e) {
      after_reset_sense = e.what();
    }
    try {
      d.acc_port->begin(0, 2);
    } catch (const std::logic_error& e) {
      after_reset_acc = e.what();
    }
    // programming again works and gives the same sums
    d.load(0);
    std::vector<sc_time> again;
    CHECK(d.infer(0, 0, 2, again) == kExactHalf);
  };
  sc_core::sc_start();
  REQUIRE(b.drv.error == "");
  REQUIRE(b.drv.done);
  CHECK(ready_before);
  CHECK(sums == kExactHalf);
  // one flash decision per conversion: 2 vectors × 1 segment × (3 + 0.5) = 7 ns per row block
  CHECK(reads == expected_reads(2, {1, 1, 1}, 1, 1));
  CHECK(reads[0] == sc_time(7, SC_NS));
  CHECK(b.sense->conversion_time() == sc_time(0.5, SC_NS));
  CHECK(t_end == sc_time(21, SC_NS));
  CHECK(b.array.cycles_per_read() == 4);  // ⌈(3 + 0.5) / 1⌉
  // array (two inferences): 6 sub-arrays read once per vector; word lines: 2 vectors × (4+4+2 rows) × 2
  // column blocks; cells: 2 × K·M products; 30 cells / 20 rows (4+4+2 per column block) written
  CHECK(reads_before_reset == 2 * 3 * 2);
  CHECK(b.array.counters().get("wordline_activations") == 2 * 2 * (kK * 2));
  CHECK(b.array.counters().get("binary_macs") == 2 * 2 * kK * kM);
  CHECK(b.array.counters().get("cells_programmed") == 2 * kK * kM);
  CHECK(b.array.counters().get("row_writes") == 2 * 2 * (4 + 4 + 2));
  // cells conducting: active rows × programmed columns × vectors, twice
  CHECK(b.array.counters().get("cell_reads") == 2 * 2 * kK * kM);
  // precharges: every programmed column once per read and vector
  CHECK(b.array.counters().get("precharges") == 2 * 2 * 3 * kM);
  // sense: one conversion per column, row block and vector
  CHECK(conv_before_reset == 2 * 3 * kM);
  CHECK(b.sense->counters().get("conversions") == 2 * 2 * 3 * kM);
  CHECK(b.sense->counters().get("sa_reads") == 0);
  CHECK(b.sense->counters().get("tables_programmed") == 2 * 3 * 2);  // (rb, cb) per load
  CHECK(b.sense->counters().get("references_programmed") == 0);
  CHECK(acc_before_reset == 2 * 3 * kM);
  CHECK(b.acc.counters().get("vectors") == 4);
  CHECK(b.acc.counters().get("layer_passes") == 2);
  // reset: unprogrammed everywhere, counters kept (they count the whole run)
  CHECK_THAT(after_reset_array, Catch::Contains("layer 0 is not programmed"));
  CHECK_THAT(after_reset_sense, Catch::Contains("layer 0 is not programmed"));
  CHECK_THAT(after_reset_acc, Catch::Contains("layer 0 is not programmed"));
  CHECK(b.array.counters().get("array_reads") == 2 * reads_before_reset);
}

TEST_CASE("stage bench: column ADCs, SAR and flash, exact with enough bits and hand-computed codes at 2 bits",
          "[stage][adc]") {
  StageBench sar8("sar8_", adc(AdcKind::sar, 8, 2));      // 8 bits >= every partial sum: exact
  StageBench flash8("flash8_", adc(AdcKind::flash, 3));   // 2^3 = 8 >= 5 levels of 4 rows: exact
  StageBench sar2("sar2_", adc(AdcKind::sar, 2));         // codes by hand (file comment)
  StageBench flash2("flash2_", adc(AdcKind::flash, 2));   // same codes, one decision
  StageBench* benches[] = {&sar8, &flash8, &sar2, &flash2};
  struct Out {
    std::vector<std::int32_t> sums, single0, single1;
    std::vector<sc_time> reads;
    std::vector<Quantizer> q0;
  };
  Out out[4];
  for (int i = 0; i < 4; ++i) {
    REQUIRE(dynamic_cast<ColumnAdc*>(benches[i]->sense.get()) != nullptr);
    Out& o = out[i];
    StageBench& b = *benches[i];
    b.drv.program = [&o, &b](Driver& d) {
      d.load(0);
      o.q0 = b.sense->quantizers(0, 0, 0);
      o.sums = d.infer(0, 0, 2, o.reads);
      std::vector<sc_time> r;
      o.single0 = d.infer(0, 0, 1, r);  // one vector at a time: the same sums
      o.single1 = d.infer(0, 1, 1, r, 1);
    };
  }
  sc_core::sc_start();
  for (int i = 0; i < 4; ++i) {
    INFO(benches[i]->sense->name());
    REQUIRE(benches[i]->drv.error == "");
    REQUIRE(benches[i]->drv.done);
    std::vector<std::int32_t> joined = out[i].single0;
    joined.insert(joined.end(), out[i].single1.begin(), out[i].single1.end());
    CHECK(joined == out[i].sums);
    CHECK(benches[i]->sense->counters().get("conversions") == 4 * 3 * kM);
  }
  CHECK(out[0].sums == kExactHalf);
  CHECK(out[1].sums == kExactHalf);
  CHECK(out[2].sums == kAdc2Half);
  CHECK(out[3].sums == kAdc2Half);
  // the 2-bit transfer function of the 4-row block: references -1 and 3 (half-way between
  // reachable sums), values -6, 2, 10 (half units)
  REQUIRE(out[2].q0.size() == 1);
  CHECK(out[2].q0[0].references() == std::vector<double>{-1.0, 3.0});
  CHECK(out[2].q0[0].values_half() == std::vector<std::int32_t>{-6, 2, 10});
  // decisions: SAR bits needed, flash 1.  The widest row block has 4 bipolar rows: 5
  // reachable sums, so the 8-bit SAR needs only ⌈log2 5⌉ = 3 steps (docs/column-adc.md,
  // "Cost by levels needed"); the 2-bit one needs its 2.
  CHECK(sar8.sense->decisions_per_conversion() == 3);
  CHECK(dynamic_cast<ColumnAdc&>(*sar8.sense).priced_bits() == 3);
  CHECK(dynamic_cast<ColumnAdc&>(*sar2.sense).priced_bits() == 2);
  CHECK(dynamic_cast<ColumnAdc&>(*flash8.sense).flash_comparators() == 4);  // 5 levels, not 2^3 − 1 = 7
  CHECK(dynamic_cast<ColumnAdc&>(*flash2.sense).flash_comparators() == 2);  // its transfer function has the 2 references checked above
  CHECK(flash8.sense->decisions_per_conversion() == 1);
  CHECK(sar2.sense->decisions_per_conversion() == 2);
  CHECK(flash2.sense->decisions_per_conversion() == 1);
  // n × segments × (read + decisions × decision × mux)
  CHECK(sar8.sense->conversion_time() == sc_time(3 * 0.5 * 2, SC_NS));
  CHECK(out[0].reads == expected_reads(2, {1, 1, 1}, 3, 2));  // 2 × (3 + 3) = 12 ns
  CHECK(out[0].reads[0] == sc_time(12, SC_NS));
  CHECK(out[1].reads == expected_reads(2, {1, 1, 1}, 1, 1));  // 2 × 3.5 = 7 ns
  CHECK(out[2].reads == expected_reads(2, {1, 1, 1}, 2, 1));  // 2 × 4 = 8 ns
  CHECK(out[2].reads[2] == sc_time(8, SC_NS));
  CHECK(out[3].reads == expected_reads(2, {1, 1, 1}, 1, 1));
}

TEST_CASE("stage bench: group access senses segments of group_rows rows; ADC reset keeps counters",
          "[stage][adc]") {
  // groups of 2 rows: row blocks of 4, 4, 2 rows have 2, 2, 1 segments; 2 bipolar rows have
  // 3 reachable sums, so a 2-bit ADC resolves them all: exact
  StageBench b("g_", adc(AdcKind::sar, 2), array_config(AccessMode::group, 2));
  std::vector<std::int32_t> sums;
  std::vector<sc_time> reads;
  std::vector<std::vector<Segment>> segs;
  std::string after_reset;
  std::uint64_t conv = 0;
  b.drv.program = [&](Driver& d) {
    d.load(0);
    segs = d.array_port->segments(0);
    sums = d.infer(0, 0, 2, reads);
    conv = b.sense->counters().get("conversions");
    b.array.reset();
    b.sense->reset();
    b.acc.reset();
    try {
      (void)b.sense->quantizers(0, 0, 0);
    } catch (const std::logic_error& e) {
      after_reset = e.what();
    }
  };
  sc_core::sc_start();
  REQUIRE(b.drv.error == "");
  REQUIRE(segs.size() == 3);
  CHECK(segs[0].size() == 2);
  CHECK(segs[1].size() == 2);
  CHECK(segs[2].size() == 1);
  CHECK(sums == kExactHalf);
  // 2 vectors × segments × (3 + 2 decisions × 0.5): 16, 16, 8 ns
  CHECK(reads == expected_reads(2, {2, 2, 1}, 2, 1));
  CHECK(reads[0] == sc_time(16, SC_NS));
  // one conversion per segment, column and vector: 2 × (2 + 2 + 1) × 3
  CHECK(conv == 2 * 5 * kM);
  CHECK(b.array.counters().get("array_reads") == 2 * 5 * 2);
  CHECK_THAT(after_reset, Catch::Contains("not programmed"));
  CHECK(b.sense->counters().get("conversions") == conv);
}

// Two-pass reads (docs/cim-macro.md, "Two-pass tiles"): the hand layer on 2-bit SAR ADCs,
// once with read() and once split — each vector and each column block evaluated on its own
// (evaluate, in a scrambled order), then account() per row block with the summed events —
// must give the hand-computed sums, the same read delays and the same counters.
TEST_CASE("stage bench: two-pass reads equal read(): sums, delays and counters", "[stage]") {
  StageBench one("p1_", adc(AdcKind::sar, 2)), two("p2_", adc(AdcKind::sar, 2));
  std::vector<std::int32_t> sums_one, sums_two;
  std::vector<sc_time> reads_one, reads_two;
  sc_time finish_one, finish_two;
  std::string bad_cb, bad_range, bad_last, bad_reserve;
  bool splits = false;
  one.drv.program = [&](Driver& d) {
    d.load(0);
    sums_one = d.infer(0, 0, 2, reads_one);
    finish_one = sc_core::sc_time_stamp();
  };
  two.drv.program = [&](Driver& d) {
    d.load(0);
    splits = d.array_port->splits_reads(0);
    constexpr std::size_t n = 2;
    const unsigned nrb = (kK + kR - 1) / kR, ncb = (kM + kC - 1) / kC;
    std::vector<std::vector<Word>> x(nrb, std::vector<Word>(n));
    for (unsigned rb = 0; rb < nrb; ++rb)
      for (unsigned i = 0; i < n; ++i) x[rb][i] = block_word(i, rb);
    // pass 1: the accumulator's tile sums for n = 2, then vector 1 before vector 0, column
    // block 1 before 0, each read of each (vector, column block) on its own
    try {
      d.acc_port->clear_range(0, 64, 0, 1);
    } catch (const std::logic_error& e) {
      bad_reserve = e.what();
    }
    d.acc_port->reserve(n);
    d.acc_port->clear_range(0, n, 1, 2);
    d.acc_port->clear_range(0, n, 0, 1);
    std::vector<std::vector<ArrayActivity>> events(nrb, std::vector<ArrayActivity>(ncb));
    for (int v = 1; v >= 0; --v)
      for (int cb = static_cast<int>(ncb) - 1; cb >= 0; --cb)
        for (unsigned rb = 0; rb < nrb; ++rb)
          d.array_port->evaluate(ArrayRead{0, rb, 0, x[rb].data(), 1, n, 0}, static_cast<std::size_t>(v),
                                 static_cast<std::size_t>(v) + 1, static_cast<unsigned>(cb),
                                 static_cast<unsigned>(cb) + 1, events[rb].data());
    try {
      d.array_port->evaluate(ArrayRead{0, 0, 0, x[0].data(), 1, n, 0}, 0, 1, 0, ncb + 1, events[0].data());
    } catch (const std::out_of_range& e) {
      bad_cb = e.what();
    }
    try {
      ArrayActivity a;
      ColumnBatch b;
      b.array = &two.array.sub_array(0, 0, 0);
      b.x = x[0].data();
      b.x_stride = 1;
      b.n = n;
      d.sense_port->evaluate_range(b, 1, 3, a);
    } catch (const std::out_of_range& e) {
      bad_range = e.what();
    }
    try {
      std::vector<Word> out(n);
      d.acc_port->activate_range(0, n, 0, n, out.data(), 1, kR);
    } catch (const std::logic_error& e) {
      bad_last = e.what();
    }
    // pass 2: the bookkeeping of the whole tile
    d.acc_port->resume(0, n);
    for (unsigned rb = 0; rb < nrb; ++rb) {
      sc_time t = sc_core::SC_ZERO_TIME;
      d.array_port->account(ArrayRead{0, rb, 0, x[rb].data(), 1, n, 0}, events[rb].data(), t);
      reads_two.push_back(t);
      wait(t);
    }
    sc_time t = sc_core::SC_ZERO_TIME;
    d.acc_port->finish_accounting(t);
    wait(t);
    finish_two = sc_core::sc_time_stamp();
    sums_two.assign(d.acc_port->sums(), d.acc_port->sums() + n * kM);
  };
  sc_core::sc_start();
  REQUIRE(one.drv.error == "");
  REQUIRE(two.drv.error == "");
  REQUIRE(two.drv.done);
  CHECK(splits);
  CHECK(sums_one == kAdc2Half);
  CHECK(sums_two == kAdc2Half);
  // SAR: 2 decisions per conversion: 2 vectors × (3 + 2 × 0.5) = 8 ns per row block
  CHECK(reads_two == expected_reads(2, {1, 1, 1}, 2, 1));
  CHECK(reads_two == reads_one);
  CHECK(finish_two == finish_one);
  for (const char* c : {"array_reads", "wordline_activations", "binary_macs", "cell_reads", "precharges"})
    CHECK(two.array.counters().get(c) == one.array.counters().get(c));
  CHECK(two.sense->counters().get("conversions") == 2 * 3 * kM);
  CHECK(two.sense->counters().get("conversions") == one.sense->counters().get("conversions"));
  for (const char* c : {"accumulations", "shift_adds", "vectors", "layer_passes"})
    CHECK(two.acc.counters().get(c) == one.acc.counters().get(c));
  CHECK_THAT(bad_reserve, Catch::Contains("outside the reserved sums"));
  CHECK_THAT(bad_cb, Catch::Contains("column blocks up to 3"));
  CHECK_THAT(bad_range, Catch::Contains("vectors [1, 3) of a batch of 2"));
  CHECK_THAT(bad_last, Catch::Contains("the last layer has no activations"));
}

// The sensing stage of the CIM datapath, common to every sense kind (docs/cim-macro.md,
// "Stages"): one circuit::SenseBank per programmed layer (transfer functions, seeded
// offsets, compiled tables, keyed conversion noise — the same definitions the golden
// reference uses), the fused read → sense → accumulate call, counters and trace.  A sense
// kind (cim/sense/<kind>/) derives from it and adds only what differs: how many sequential
// comparator decisions one conversion takes, and its price.  Kinds are built by
// make_sense_stage() (sense_factory.h) from SenseConfig::kind.
#pragma once

#include "cimvp/cim/accumulate/accumulate_if.h"
#include "cimvp/cim/sense/sense_if.h"
#include "cimvp/cim/stage.h"

#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/thread_pool.h"

#include <systemc>

#include <cstdint>
#include <memory>
#include <vector>

namespace cimvp {

class SenseStage : public sc_core::sc_module, public cim_sense_if, public CimStage {
 public:
  sc_core::sc_export<cim_sense_if> target_export;
  sc_core::sc_port<cim_accumulate_if> acc_port;
  /// Cumulative conversions (converter + 1-bit SA), updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> conversions;

  /// array: geometry and access mode of the sub-arrays sensed; sense: the stage's
  /// configuration (SenseConfig::validate; mux <= array.cols); decision_ns: one comparator
  /// decision (an MLSA or flash conversion, one SAR step, the 1-bit SA of row_by_row).
  /// Throws std::invalid_argument naming the field.
  SenseStage(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense, double decision_ns);

  // cim_sense_if
  void clear() override;
  void program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments, unsigned col_blocks,
                     unsigned planes, InputKind kind, const DriveRange& drive = DriveRange{}) override;
  void program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) override;
  bool ready(unsigned layer) const override;
  /// decision_ns × sequential decisions of one conversion × mux (row_by_row: the 1-bit SA,
  /// one decision × mux).
  sc_core::sc_time conversion_time() const override;
  /// Latency: n × segments × conversion_time() (× column groups with a row-DAC drive).
  void convert(const ColumnBatch& batch, ArrayActivity& activity, sc_core::sc_time& delay) override;
  /// As convert() on each batch, with the sub-array evaluations (SubArray::accumulate*) of
  /// all batches spread over threads() threads: tasks are the batches, each split into
  /// vector ranges when there are fewer batches than threads (not with a row-DAC drive).
  /// Bookkeeping (counters, accumulator notifications) stays on the calling thread, in
  /// batch order.  Results are identical for every thread count: every output element is
  /// computed by one task with the same arithmetic, and conversion noise is keyed by the
  /// vector's index, not by the order of evaluation.
  void convert_all(const ColumnBatch* batches, std::size_t count, ArrayActivity* activity,
                   sc_core::sc_time* delay) override;
  void evaluate_range(const ColumnBatch& batch, std::size_t v0, std::size_t v1,
                      ArrayActivity& activity) const override;
  void account(const ColumnBatch& batch, const ArrayActivity& evaluated, ArrayActivity& activity,
               sc_core::sc_time& delay) override;
  /// The pool convert_all spreads its batches over (not owned; nullptr or a one-thread pool:
  /// single-threaded).  The macro owns it (platform key `threads`).  Results do not depend on it.
  void set_pool(ThreadPool* pool) { pool_ = pool; }
  unsigned threads() const { return pool_ ? pool_->threads() : 1; }

  // CimStage
  void reset() override { clear(); }
  void publish() override;
  void trace(sc_core::sc_trace_file* tf) const override;
  /// conversions (converter), sa_reads (row_by_row 1-bit SAs), references_programmed,
  /// tables_programmed.
  const CounterSet& counters() const override { return counters_; }

  const SenseConfig& config() const { return sense_; }
  const SubArrayConfig& array_config() const { return array_; }
  /// The transfer functions of (layer, row block, plane).
  const std::vector<Quantizer>& quantizers(unsigned layer, unsigned row_block, unsigned plane) const;
  /// Sequential comparator decisions of one conversion (MLSA and flash: 1, SAR: bits).
  virtual unsigned decisions_per_conversion() const = 0;

 protected:
  /// Conversions of one layer index over the run (kept across clear()).
  struct LayerStats {
    std::uint64_t conversions = 0, sa_reads = 0;
  };
  const std::vector<LayerStats>& layer_stats() const { return stats_; }
  /// The pricing common to every kind: one layer row per layer (conversions, energy) and the
  /// events `event` (converter conversions at e_conversion_pj each) and `sa_read` (row_by_row
  /// 1-bit SAs at e_sa_pj each).  Scope macro.
  void price_conversions(PpaLedger& ledger, const char* event, double e_conversion_pj, double e_sa_pj) const;
  /// Converters of the programmed layers: Σ sub-arrays · ⌈C / mux⌉.
  std::uint64_t converters_in_use() const;
  bool digital() const { return array_.access == AccessMode::row_by_row; }
  /// Rows summed in one conversion (group access: group_rows, else R).
  unsigned segment_rows() const { return array_.access == AccessMode::group ? array_.group_rows : array_.rows; }
  /// True unless a layer with unipolar inputs (HBNN, bit planes) was programmed in the run:
  /// the converters, shared by every layer, must resolve the levels of the widest one
  /// (reachable_partial_sums, ppa_energy.h).
  bool bipolar_inputs() const { return !unipolar_seen_; }
  /// Most levels any transfer function programmed in the run has (Quantizer::levels(), over
  /// every layer, row block, plane and segment; kept across clear()): the levels the shared
  /// converters must actually resolve.  A b-bit converter over a reachable range of D sums has
  /// min(2^b, D) levels (adc_transfer, Quantizer::linear), so this is what a converter sized to
  /// the levels needed would resolve.  0 before any layer is programmed.
  unsigned levels_in_use() const { return max_levels_; }

 private:
  const SenseBank& bank(unsigned layer) const;
  /// What convert() needs besides the batch: checked bank, table, noise, accumulator target.
  struct Prepared {
    const SenseTable* table;
    ConversionNoise noise;
    AccumulatorTarget target;
  };
  /// Checks the batch; its table and noise, with `target` as the accumulator target.
  Prepared prepare(const ColumnBatch& b, const AccumulatorTarget& target) const;
  /// Evaluates vectors [v0, v1) of a prepared batch (thread-safe: no stage state touched).
  static void evaluate(const ColumnBatch& b, const Prepared& p, std::size_t v0, std::size_t v1, ArrayActivity& a);

  const SubArrayConfig array_;
  const SenseConfig sense_;
  sc_core::sc_time t_decision_;
  std::vector<SenseBank> layers_;
  std::vector<LayerStats> stats_;
  bool unipolar_seen_ = false;
  unsigned max_levels_ = 0;
  void note_levels(const SenseBank& b);
  const SenseTable none_;
  CounterSet counters_;
  std::size_t c_conversions_, c_sa_reads_, c_refs_, c_tables_;
  ThreadPool* pool_ = nullptr;  ///< not owned; null: single-threaded
  std::vector<Prepared> prepared_;    ///< convert_all scratch
  std::vector<ArrayActivity> task_activity_;
};

}  // namespace cimvp

// Multi-level sense amplifiers of the CIM macro (docs/cim-macro.md, "Mlsa").
#pragma once

#include "cimvp/cim/accumulate/accumulator.h"
#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// The column quantities of one sub-array read for a batch of n input vectors.  They are
/// handed over as the programmed sub-array plus the word-line vectors that drive it, and the
/// consumer evaluates them (ideal partial sums by popcount, or analog values with per-cell
/// factors) while it senses: the same values as materialising n × C column quantities,
/// without the memory traffic (the fused kernel SubArray::accumulate).
struct ColumnBatch {
  const SubArray* array = nullptr;
  InputKind kind = InputKind::bipolar;
  unsigned layer = 0, row_block = 0, col_block = 0, plane = 0;
  const Word* x = nullptr;    ///< n vectors, x_stride words apart, bit r drives row r
  std::size_t x_stride = 0;
  std::size_t n = 0;
};

/// Interface of the sensing stage (exported by Mlsa).
class cim_sense_if : public virtual sc_core::sc_interface {
 public:
  /// Forgets every programmed layer.
  virtual void clear() = 0;
  /// Declares layer `layer`: the sensing segments of each row block (as the array senses
  /// them), the number of column blocks and bit planes and the input kind.  Nominal
  /// references: linear or ideal as configured; nonlinear ones wait for program().
  virtual void program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments,
                             unsigned col_blocks, unsigned planes, InputKind kind) = 0;
  /// Programs the references of (row block, plane): one transfer function per segment.
  /// std::invalid_argument when they do not fit the segments or the comparators.
  virtual void program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) = 0;
  /// True when every (row block, plane) of the layer has usable references.
  virtual bool ready(unsigned layer) const = 0;
  /// Senses the column quantities of one read and hands the levels to the accumulator
  /// (acc_port).  Adds the events to `activity` and the sensing latency to `delay`.
  virtual void convert(const ColumnBatch& batch, ArrayActivity& activity, sc_core::sc_time& delay) = 0;
};

/// One MLSA per column of every sub-array, with 2^bits − 1 programmable references (PS
/// units) compiled into look-up tables (circuit::SenseTable).  Reference offsets (σ =
/// MlsaConfig::offset_sigma) are drawn per sub-array (rb, cb) of layer l from
/// std::mt19937_64(derive_seed(mlsa.seed, {1, l, rb, cb})), as circuit::MappedLayer does, and
/// shared by every bit plane.  row_by_row access has no MLSA: its 1-bit sense amplifiers
/// are counted as sa_reads and the products are added exactly.
/// Latency of a read: n × segments × mlsa_ns (row_by_row: one SA decision per row read).
class Mlsa : public sc_core::sc_module, public cim_sense_if, public Counted, public Priced {
 public:
  sc_core::sc_export<cim_sense_if> target_export;
  sc_core::sc_port<cim_accumulate_if> acc_port;
  /// Cumulative conversions (MLSA + SA), updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> conversions;

  /// Throws std::invalid_argument for an invalid configuration.  `sense_mux` columns share
  /// one sense amplifier (CimMacroConfig::sense_mux): a read's conversions take
  /// sense_mux × mlsa_ns.
  Mlsa(sc_core::sc_module_name name, const SubArrayConfig& array, const MlsaConfig& mlsa,
       const CimTimingConfig& timing, unsigned sense_mux = 1);

  // cim_sense_if
  void clear() override;
  void program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments, unsigned col_blocks,
                     unsigned planes, InputKind kind) override;
  void program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) override;
  bool ready(unsigned layer) const override;
  void convert(const ColumnBatch& batch, ArrayActivity& activity, sc_core::sc_time& delay) override;

  /// Comparators per MLSA (2^bits − 1; unlimited for `ideal` quantization).
  unsigned comparators() const;
  /// The nominal transfer functions of (layer, row block, plane).
  const std::vector<Quantizer>& quantizers(unsigned layer, unsigned row_block, unsigned plane) const;

  void publish();
  void trace(sc_core::sc_trace_file* tf) const;
  /// conversions (MLSA), sa_reads (row_by_row), references_programmed, tables_programmed.
  const CounterSet& counters() const override { return counters_; }
  /// Resolution the hardware needs: MlsaConfig::bits, or for `ideal` quantization the bits
  /// of one level per partial sum of the longest segment (⌈log2(rows + 1)⌉).
  unsigned priced_bits() const;
  /// Scope macro: `mlsa_conversion` ((2^b − 1) comparator decisions each, b = priced_bits),
  /// `sa_read` (row_by_row: one comparator); area item `comparators` (sub-arrays ·
  /// ⌈C/mux⌉ sense amplifiers of 2^b − 1, or 1, comparators); layer rows (conversions,
  /// energy).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  struct Layer {
    unsigned row_blocks = 0, col_blocks = 0, planes = 1;
    InputKind kind = InputKind::bipolar;
    std::vector<std::vector<Segment>> segments;       ///< [rb]
    std::vector<std::vector<Quantizer>> nominal;      ///< [rb·planes + p][segment]
    std::vector<std::uint8_t> usable;                 ///< [rb·planes + p]
    std::vector<MlsaOffsets> offsets;                 ///< [rb·ncb + cb]
    std::vector<SenseTable> tables;                   ///< [(rb·ncb + cb)·planes + p]
  };
  /// Conversions of one layer index over the run (kept across clear()).
  struct LayerStats {
    std::uint64_t conversions = 0, sa_reads = 0;
  };
  const Layer& layer_at(unsigned layer) const;
  void build_tables(Layer& L, unsigned rb, unsigned p);

  const SubArrayConfig array_;
  const MlsaConfig mlsa_;
  sc_core::sc_time t_sense_;
  unsigned mux_ = 1;
  std::vector<Layer> layers_;
  std::vector<LayerStats> stats_;
  const SenseTable none_;
  CounterSet counters_;
  std::size_t c_conversions_, c_sa_reads_, c_refs_, c_tables_;
};

}  // namespace cimvp

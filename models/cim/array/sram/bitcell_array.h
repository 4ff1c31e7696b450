// Bitcell arrays of the CIM macro: the programmed sub-arrays of every mapped layer
// (docs/cim-macro.md, "BitcellArray").
#pragma once

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/core/counters.h"
#include "cimvp/cim/sense/mlsa/mlsa.h"
#include "cimvp/core/priced.h"

#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// One read of one row block of a layer for a batch: the word lines of every sub-array of
/// row block `row_block` (all column blocks, read at the same time) are driven by n vectors.
struct ArrayRead {
  unsigned layer = 0, row_block = 0, plane = 0;
  const Word* x = nullptr;  ///< n vectors, x_stride words apart; bit r drives row r of the block
  std::size_t x_stride = 0;
  std::size_t n = 0;
};

/// Interface of the bitcell arrays (exported by BitcellArray).
class cim_array_if : public virtual sc_core::sc_interface {
 public:
  /// Erases every programmed layer (the sub-arrays become free).
  virtual void clear() = 0;
  /// Programs layer `layer` (weight-stationary): K inputs, M outputs, weights M×K row-major
  /// ±1, inputs of kind `kind`.  std::invalid_argument on bad shapes or values.
  virtual void program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                             const std::int8_t* weights) = 0;
  /// The sensing segments of each row block of a programmed layer.
  virtual std::vector<std::vector<Segment>> segments(unsigned layer) const = 0;
  /// One read (see ArrayRead): every column block's column quantities go to the MLSAs
  /// (mlsa_port); the read latency (all column blocks in parallel) is added to `delay`.
  virtual void read(const ArrayRead& read, sc_core::sc_time& delay) = 0;
};

/// Holds the sub-arrays (circuit::SubArray) of the mapped layers: layer l uses ⌈K/R⌉ × ⌈M/C⌉
/// sub-arrays, sub-array (rb, cb) holding inputs [rb·R, rb·R + R) on its rows and neurons
/// [cb·C, cb·C + C) on its columns, exactly as circuit::MappedLayer maps it.  Per-cell
/// variation (σ = CellVariationConfig::sigma) is drawn per sub-array from
/// std::mt19937_64(derive_seed(cells.seed, {2, l, rb, cb})).
/// Latency of a read: n × segments × array_read_ns (row_by_row: one read per active row).
/// Priced (docs/ppa.md): word-line activations, cells conducting (active word line ×
/// programmed column), precharged columns, one clock per read cycle of each sub-array; area
/// of the sub-arrays the loaded network occupies (cells, WL drivers, precharge).
class BitcellArray : public sc_core::sc_module, public cim_array_if, public Counted, public Priced {
 public:
  sc_core::sc_export<cim_array_if> target_export;
  sc_core::sc_port<cim_sense_if> mlsa_port;
  /// Cumulative word-line activations and array reads, updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> wordline_activations;
  sc_core::sc_signal<std::uint64_t> array_reads;

  /// Throws std::invalid_argument for an invalid configuration.  `sense_mux` columns share
  /// one sense amplifier (CimMacroConfig::sense_mux): it sets the clock cycles of a read.
  BitcellArray(sc_core::sc_module_name name, const SubArrayConfig& array, const CellVariationConfig& cells,
               const CimTimingConfig& timing, unsigned sense_mux = 1);

  // cim_array_if
  void clear() override;
  void program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                     const std::int8_t* weights) override;
  std::vector<std::vector<Segment>> segments(unsigned layer) const override;
  void read(const ArrayRead& read, sc_core::sc_time& delay) override;

  /// Sub-arrays a K×M layer needs: ⌈K/R⌉ · ⌈M/C⌉.
  std::uint64_t subarrays_for(std::uint64_t inputs, std::uint64_t outputs) const;
  /// Sub-arrays holding programmed layers.
  std::uint64_t subarrays_used() const;
  /// Sub-array (rb, cb) of a programmed layer.
  const SubArray& sub_array(unsigned layer, unsigned row_block, unsigned col_block) const;
  const SubArrayConfig& config() const { return array_; }

  void publish();
  void trace(sc_core::sc_trace_file* tf) const;
  /// array_reads, wordline_activations, binary_macs, cells_programmed, row_writes,
  /// cell_reads (active word line × programmed column), precharges (columns × reads).
  const CounterSet& counters() const override { return counters_; }
  /// Scope macro: `wordline`, `cell_read`, `precharge`, `clock` (read cycles); area items
  /// `bitcells`, `wl_drivers`, `precharge`; one layer row per layer (K, M, sub-arrays,
  /// reads, energy, utilisation = K·M / built cells).  Throws std::invalid_argument when
  /// `tech` has no cell for the configured mode.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
  /// Clock cycles of one sub-array read: ⌈(array_read_ns + sense_mux · mlsa_ns) / clock⌉ (>= 1).
  std::uint64_t cycles_per_read() const { return cycles_per_read_; }

 private:
  struct Layer {
    unsigned inputs = 0, outputs = 0, row_blocks = 0, col_blocks = 0;
    InputKind kind = InputKind::bipolar;
    std::vector<SubArray> arrays;  ///< [rb·ncb + cb]
  };
  /// Events of one layer index over the run (kept across clear(): a reloaded network adds).
  struct LayerStats {
    std::uint64_t reads = 0, wordlines = 0, cell_reads = 0, precharges = 0;
  };
  const Layer& layer_at(unsigned layer) const;

  const SubArrayConfig array_;
  std::uint64_t cycles_per_read_ = 1;
  std::vector<LayerStats> stats_;
  const CellVariationConfig cells_;
  sc_core::sc_time t_read_;
  std::vector<Layer> layers_;
  CounterSet counters_;
  std::size_t c_reads_, c_wordlines_, c_macs_, c_cells_, c_row_writes_, c_cell_reads_, c_precharges_;
};

}  // namespace cimvp

// Bitcell arrays of the CIM macro: the programmed sub-arrays of every mapped layer
// (docs/cim-macro.md, "BitcellArray").
#pragma once

#include "cimvp/cim/array/array_if.h"
#include "cimvp/cim/array/two_way_config.h"
#include "cimvp/cim/drive/drive_if.h"
#include "cimvp/cim/sense/sense_if.h"
#include "cimvp/cim/stage.h"

#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/two_way.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Array stage kind `sram` (6T HBNN / 8T XNOR cells, Liu et al. DAC 2018): holds one
/// circuit::ArrayBank per mapped layer — the tiling and the seeded cell variation the golden
/// reference uses (layer_banks.h): layer l uses ⌈K/R⌉ × ⌈M/C⌉ sub-arrays, sub-array (rb, cb)
/// holding inputs [rb·R, rb·R + R) on its rows and neurons [cb·C, cb·C + C) on its columns.
/// A read drives the word lines and hands each column block to the sense stage (sense_port).
/// Latency of a read: n × segments × read_ns, plus the sense stage's conversions
/// (row_by_row: one read per active row); with a row-DAC drive (drive_port) every column
/// group of a sub-array is read in turn (× groups) after its DAC programming.
/// Two-way (TwoWayArrayConfig::enabled): read_transposed() drives the columns of every
/// sub-array of a layer with b-bit errors bit-serially (circuit::TransposedBank, the golden
/// code) — latency max over sub-arrays of b·n·S·(transposed_read_ns + conversion time), all
/// sub-arrays in parallel; write_row() writes one layer row (row_write_ns when a cell is
/// written); cells are priced as sram_8t_twoway.
/// Priced (docs/ppa.md): word-line activations, cells conducting (active word line ×
/// programmed column), precharged columns, one clock per read cycle of each sub-array; area
/// of the sub-arrays the loaded network occupies (cells, WL drivers, precharge).
class BitcellArray : public sc_core::sc_module, public cim_array_if, public CimStage {
 public:
  sc_core::sc_export<cim_array_if> target_export;
  sc_core::sc_port<cim_sense_if> sense_port;
  /// The drive stage (row DAC); unbound or nullptr drive: binary word lines.
  sc_core::sc_port<cim_drive_if, 1, sc_core::SC_ZERO_OR_MORE_BOUND> drive_port;
  /// Cumulative word-line activations and array reads, updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> wordline_activations;
  sc_core::sc_signal<std::uint64_t> array_reads;

  /// read_ns: one sub-array read (precharge + word lines on); clock_ns: the macro clock
  /// (prices the read cycles).  Throws std::invalid_argument for an invalid configuration.
  BitcellArray(sc_core::sc_module_name name, const SubArrayConfig& array, const CellVariationConfig& cells,
               double read_ns, double clock_ns, const TwoWayArrayConfig& two_way = TwoWayArrayConfig{});

  // cim_array_if
  void clear() override;
  void program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                     const std::int8_t* weights) override;
  std::vector<std::vector<Segment>> segments(unsigned layer) const override;
  const ArrayBank& bank(unsigned layer) const override { return layer_at(layer); }
  void read(const ArrayRead& read, sc_core::sc_time& delay) override;
  /// True unless the drive stage drives the layer with row DACs.
  bool splits_reads(unsigned layer) const override;
  void evaluate(const ArrayRead& read, std::size_t v0, std::size_t v1, unsigned cb0, unsigned cb1,
                ArrayActivity* per_cb) const override;
  void account(const ArrayRead& read, const ArrayActivity* per_cb, sc_core::sc_time& delay) override;
  void read_transposed(const TransposedArrayRead& read, sc_core::sc_time& delay) override;
  ArrayBank::RowWrite write_row(unsigned layer, unsigned k, const std::int8_t* column,
                                sc_core::sc_time& delay) override;
  const TwoWayArrayConfig& two_way() const { return two_way_; }
  /// The transposed view of a programmed layer at b error bits (built on first use).
  const TransposedBank& transposed(unsigned layer, unsigned error_bits);

  /// Sub-arrays a K×M layer needs: ⌈K/R⌉ · ⌈M/C⌉.
  std::uint64_t subarrays_for(std::uint64_t inputs, std::uint64_t outputs) const;
  /// Sub-arrays holding programmed layers.
  std::uint64_t subarrays_used() const;
  /// Sub-array (rb, cb) of a programmed layer.
  const SubArray& sub_array(unsigned layer, unsigned row_block, unsigned col_block) const;
  const SubArrayConfig& config() const { return array_; }

  // CimStage
  void reset() override { clear(); }
  void publish() override;
  void trace(sc_core::sc_trace_file* tf) const override;
  /// array_reads, wordline_activations, binary_macs, cells_programmed, row_writes,
  /// cell_reads (active word line × programmed column), precharges (columns × reads);
  /// two-way: transposed_reads (sub-array reads, one plane and column segment each),
  /// column_drives (driven column lines), transposed_conversions (row converters),
  /// transposed_macs, transposed_cell_reads (driven column × active row), update_rows (row
  /// writes with a written cell), cells_written, cells_changed.
  const CounterSet& counters() const override { return counters_; }
  /// Scope macro: `wordline`, `cell_read`, `precharge`, `clock` (read cycles); two-way also
  /// `column_drive`, `transposed_cell_read`, `row_precharge` (active rows × transposed reads),
  /// each at transposed_read_costs(); `row_conversion` (SAR: adc_cost at min(bits, bits the
  /// segment's unipolar levels need); MLSA / flash: min(2^bits − 1, levels − 1) comparators);
  /// `cell_write` (cells written × array_cell_write_costs().cell_pj), `update_wordline`
  /// (update_rows × row_pj); area items
  /// `bitcells`, `wl_drivers`, `precharge`; one layer row per layer (K, M, sub-arrays,
  /// reads, energy, utilisation = K·M / built cells).  Throws std::invalid_argument when
  /// `tech` has no cell for the configured mode.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
  /// Clock cycles of one sub-array read: ⌈(read_ns + sense conversion time) / clock⌉ (>= 1);
  /// needs the sense port bound.
  std::uint64_t cycles_per_read() const;

 protected:
  // shared with the other array kinds built on this one (rram/rram_array.h)
  /// Events of one layer index over the run (kept across clear(): a reloaded network adds).
  struct LayerStats {
    std::uint64_t reads = 0, wordlines = 0, cell_reads = 0, precharges = 0, binary_macs = 0;
  };
  const ArrayBank& layer_at(unsigned layer) const;
  /// The PPA row of layer index l: its reads and binary MACs from `st`, the given energy, and
  /// (when a network is loaded there) inputs, outputs, sub-arrays and utilisation = K·M / built cells.
  PpaLayerRow layer_row(std::size_t l, const LayerStats& st, double energy_pj) const;

  const SubArrayConfig array_;
  std::vector<LayerStats> stats_;
  const CellVariationConfig cells_;
  sc_core::sc_time t_read_;
  double clock_ns_;
  std::vector<ArrayBank> layers_;
  CounterSet counters_;

 private:
  TwoWayArrayConfig two_way_;
  std::vector<TransposedBank> transposed_;  ///< per layer, empty until a transposed read
  std::uint64_t t_col_drives_ = 0, t_cell_reads_ = 0, t_row_precharges_ = 0, t_conversions_ = 0, t_reads_ = 0,
                cells_written_ = 0;
  /// The batch of column block cb of a read (no drive).
  ColumnBatch batch_of(const ArrayRead& r, const ArrayBank& L, unsigned cb) const;
  /// Checks the read; batches_, batch_delay_ (drive, read time) and batch_activity_ for it.
  const ArrayBank& start_read(const ArrayRead& r);
  /// Counters, stats and the latency of a read whose batches were converted.
  void retire_read(const ArrayRead& r, sc_core::sc_time& delay);
  std::vector<ColumnBatch> batches_;          ///< read() scratch: one batch per column block
  std::vector<ArrayActivity> batch_activity_;
  std::vector<sc_core::sc_time> batch_delay_;
  std::size_t c_reads_, c_wordlines_, c_macs_, c_cells_, c_row_writes_, c_cell_reads_, c_precharges_;
  std::size_t c_t_reads_, c_t_drives_, c_t_conv_, c_t_macs_, c_t_cell_reads_, c_update_rows_, c_cells_written_,
      c_cells_changed_;
};

}  // namespace cimvp

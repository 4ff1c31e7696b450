// The parallel SRAM BNN macro (Liu et al., DAC 2018) as an SoC peripheral: MMIO registers,
// a TLM master that fetches the network and the inputs from memory, the bitcell arrays,
// MLSAs and accumulators, and an interrupt (docs/cim-macro.md, registers in docs/registers.md).
#pragma once

#include "cimvp/cim/accumulate/accumulator.h"
#include "cimvp/cim/accumulate/gradient_unit.h"
#include "cimvp/cim/array/array_factory.h"
#include "cimvp/cim/array/sram/bitcell_array.h"
#include "cimvp/cim/drive/drive_stage.h"
#include "cimvp/cim/sense/sense_stage.h"
#include "cimvp/cim/stage.h"
#include "cimvp/cim/buffer/activation_buffer.h"
#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/cim/controller/descriptor.h"
#include "cimvp/core/bus_master.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"
#include "cimvp/core/register_file.h"
#include "cimvp/core/trace_timeline.h"

#include "cimvp/circuit/thread_pool.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cimvp {

/// Controller + register map + master of the macro; owns the datapath stages, bound
/// port → export:
///   controller.array_port → array.target_export;  array.sense_port → sense.target_export;
///   sense.acc_port → accumulator.target_export;    controller.sense_port / acc_port likewise.
/// The sense stage is built by make_sense_stage() from config.sense.kind (mlsa | adc); the
/// controller publishes, traces, prices and resets its stages through CimStage only.
/// Commands (CTRL): LOAD fetches the network at DESC (header, layer descriptors, weights,
/// thresholds, flips, MLSA tables) and programs the blocks (weight-stationary, once per
/// network); START runs BATCH input vectors from INPUT, tile_vectors at a time through every
/// layer with the activations kept on chip, and writes the last layer's int32 sums (half PS
/// units, BATCH × M) to OUTPUT; START loads first when the network is not loaded.  Completion
/// sets STATUS.DONE / IRQ_STATUS.DONE, a failure STATUS.ERROR / IRQ_STATUS.ERROR with
/// ERROR_CODE (cim_err), ERROR_INFO and ERR_ADDR, plus SC_REPORT_WARNING "cimvp/cim_macro";
/// nothing aborts.  Timing: loosely timed with the macro's own quantum keeper; memory
/// traffic costs the targets' annotated (or DMI) latency per burst plus one clock per bus
/// beat; compute costs what the blocks annotate (docs/cim-macro.md, "Timing").  Input and
/// output buffers are double-buffered: while a tile computes, the master writes back the
/// previous tile's sums and fetches the next tile (one bus: those two serialize), so a tile
/// costs max(bus, compute).  Training (two-way array, config.two_way.enabled;
/// docs/two-way-training.md): START|KEEP also writes every layer's int32 sums (the
/// pre-activations the straight-through estimator gates on) to KEEP; BACKWARD reads BATCH int8
/// error vectors (M of layer TRAIN_LAYER each) from INPUT, runs the transposed read at
/// ERROR_BITS and writes BATCH × K int32 sums (half PS units) to OUTPUT; UPDATE reads BATCH row
/// records from INPUT and writes the changed cells (CELLS_WRITTEN); GRADIENT reads BATCH int8
/// error vectors (M each) from INPUT and the layer's BATCH int16 input vectors (K each) from
/// ACT, forms the outer products in the gradient unit and writes rows GRAD_FIRST ..
/// GRAD_FIRST + GRAD_COUNT − 1 of G = Σ_i e_iᵀ x_i (int32, K per row) to OUTPUT; THRESHOLDS
/// reads hidden layer TRAIN_LAYER's M int32 thresholds from INPUT into the activation unit
/// (learned thresholds; one word per clock); LOAD, START, BACKWARD, GRADIENT, UPDATE,
/// THRESHOLDS in that order when combined.  They run tile by tile without double buffering.  The thread synchronises at every state change, so `state`,
/// `busy` and `irq` change at exact times.
/// Value of CimMacro::layer when no layer is computing (−1 as a signed 32-bit value).
constexpr std::uint32_t kNoTraceLayer = 0xFFFFFFFFu;

class CimMacro : public sc_core::sc_module, public Counted, public Priced {
 public:
  tlm_utils::simple_target_socket<CimMacro> target_socket;        ///< MMIO registers
  tlm_utils::simple_initiator_socket<CimMacro> initiator_socket;  ///< descriptors, weights, inputs, outputs
  sc_core::sc_out<bool> irq;                                      ///< |(IRQ_STATUS & IRQ_ENABLE)
  sc_core::sc_signal<bool> busy;                                  ///< STATUS.BUSY
  sc_core::sc_signal<std::uint32_t> state;                        ///< CimState
  // Detail signals (docs/waveforms.md), each edge at the simulated time it describes
  // (through `timeline`; written only in traced runs):
  sc_core::sc_signal<std::uint32_t> layer;        ///< layer being computed; kNoTraceLayer between layers
  sc_core::sc_signal<std::uint32_t> plane;        ///< bit plane being read (0 for binary inputs)
  sc_core::sc_signal<std::uint64_t> vector;       ///< first vector of the tile computing (images since load)
  sc_core::sc_signal<std::uint32_t> tile_vectors; ///< vectors in that tile
  sc_core::sc_signal<std::uint64_t> read_wordlines;    ///< word lines driven by this plane's reads (all row blocks, whole tile)
  sc_core::sc_signal<std::uint64_t> read_conversions;  ///< column conversions of this plane's reads
  // The chosen column (config.trace_column; docs/waveforms.md): for the tile's first vector,
  // per plane of the chosen layer, row block by row block.  The row blocks of a plane are
  // read at the same time; the waveform shows them one after the other, row block rb from
  // plane start + rb/RB of the plane's read time (RB = the layer's row blocks).
  sc_core::sc_signal<std::uint32_t> row_block;     ///< row block shown; kNoTraceLayer outside the chosen layer's reads (from the end of its last plane's reads)
  sc_core::sc_signal<std::int32_t> column_sensed;  ///< level the sense stage output for the column in that row block and plane (half PS units, before the plane weight 2^plane; an exact read gives 2·PS)
  sc_core::sc_signal<std::int32_t> column_sum;     ///< the column's accumulator after that read (half PS units, planes weighted)
  TraceTimeline timeline;
  BusTrace bus_trace;  ///< bus_addr, bus_bytes, bus_cmd: each burst of the master

  sc_core::sc_port<cim_drive_if> drive_port;
  sc_core::sc_port<cim_array_if> array_port;
  sc_core::sc_port<cim_sense_if> sense_port;
  sc_core::sc_port<cim_accumulate_if> acc_port;

  std::unique_ptr<DriveStage> drive;  ///< kind config.drive.kind (binary | row_dac; drive_stage.h)
  /// kind config.cells.kind (sram | rram; array_factory.h); `array` refers to it.
  std::unique_ptr<BitcellArray> array_stage;
  BitcellArray& array;
  std::unique_ptr<SenseStage> sense;  ///< kind config.sense.kind (sense_factory.h)
  Accumulator accumulator;
  /// On-chip activation buffers: bus window `buffer.socket` (platform target `cim_buffer`),
  /// used for INPUT / OUTPUT when IO_MODE selects them (docs/cim-macro.md).
  ActivationBuffer buffer;
  sc_core::sc_port<cim_buffer_if> buffer_port;
  /// Gradient outer-product unit of the digital periphery (config.two_way.enabled only;
  /// null otherwise): config.array.cols MAC lanes at the macro clock.
  std::unique_ptr<GradientUnit> gradient_unit;

  /// Throws std::invalid_argument (CimMacroConfig::validate) for a bad configuration.
  CimMacro(sc_core::sc_module_name name, const CimMacroConfig& config);

  /// When and which vectors each tile computed (recorded in traced runs only, as the
  /// detail signals are): the tile's first vector (counted from the network load), its
  /// vector count, and the simulated start and end of its compute step.
  struct TileTime {
    std::uint64_t first_vector = 0;
    std::uint64_t vectors = 0;
    sc_core::sc_time start, end;
  };
  const std::vector<TileTime>& tile_times() const { return tile_times_; }

  const RegisterFile& registers() const { return regs_; }
  const CimMacroConfig& config() const { return config_; }

  /// Traces irq, busy, state and every stage's signals.
  void trace(sc_core::sc_trace_file* tf) const override;
  /// The datapath stages (drive, array, sense, accumulate), in datapath order.
  const std::vector<CimStage*>& stages() const { return stages_; }
  /// Back to the state after elaboration: registers at their reset values, network
  /// unloaded, stages reset; counters kept.  Call only while the macro is idle (no command
  /// running), e.g. between simulations or from the platform's reset.
  void reset();
  /// commands, loads, batches, tiles, vectors, layers_loaded, descriptor_bytes,
  /// weight_bytes, table_bytes, input_bytes, output_bytes, bytes_read, bytes_written,
  /// tlm_reads, tlm_writes, dmi_reads, dmi_writes, dmi_grants, errors, irqs, mmio_reads,
  /// mmio_writes, busy_cycles, dmi_bytes_read, dmi_bytes_written, buffer_bits_read,
  /// buffer_bits_written; conv layers: conv_windows (window vectors read), pool_or_ops
  /// (two-input ORs of max pooling); training: backward_vectors, error_bytes, update_records, keep_bytes,
  /// gradient_vectors, act_bytes (GRADIENT inputs read), gradient_bytes (int32 gradients written),
  /// threshold_commands, threshold_bytes (THRESHOLDS tables read).
  const CounterSet& counters() const override { return counters_; }
  /// Scope platform (the controller, buffers and bus master; the array, MLSAs and
  /// accumulators price themselves): `bus_byte` per byte its master moves (dma.byte),
  /// `dram_access_dmi` / `dram_byte_dmi` for its DMI traffic, `register_read` /
  /// `register_write` per MMIO access, `buffer_read` / `buffer_write` per on-chip buffer
  /// bit, `pool_or` per two-input OR of max pooling (one activation_bit each, docs/convolution.md),
  /// `clock` per busy cycle; area `bus_master`, `register_bits`, `buffer_bits` (input
  /// planes, activations and sums of a tile, double-buffered); layer rows with the compute
  /// latency of each layer and its critical path; active time = busy cycles.  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
  /// Compute time of layer `l` over the run (Σ over tiles), 0 for an unknown layer.
  double layer_latency_ns(unsigned l) const {
    return l < layer_stats_.size() ? layer_stats_[l].compute / sc_core::sc_time(1, sc_core::SC_NS) : 0.0;
  }

 private:
  /// A failure of the running command: reported through ERROR_CODE / ERROR_INFO / ERR_ADDR.
  struct Fault {
    std::uint32_t code;
    std::uint32_t layer;
    std::uint64_t addr;
    std::string what;
  };
  /// A decoded, checked layer descriptor.
  struct LayerInfo {
    std::uint32_t inputs = 0, outputs = 0;
    InputKind kind = InputKind::bipolar;
    unsigned planes = 1;
    InputFormat format = InputFormat::on_chip;
    bool last = false;
    std::uint8_t pixel_threshold = 0, first_bit = 0;
    std::uint64_t weights = 0, thresholds = 0, flips = 0, table = 0;
    std::uint32_t table_bytes = 0;
    unsigned row_blocks = 0, col_blocks = 0;
    std::size_t in_words = 0;    ///< cim_blocked_words(K, R): words per input vector
    unsigned max_segments = 0;   ///< segments of the fullest row block
    std::uint32_t support_block = 0;  ///< p (0: no supports)
    std::uint8_t support_bits = 0, support_default = 0;
    std::uint64_t supports = 0;       ///< address of the codes
    // Conv layers (descriptor version 4, docs/convolution.md "Hardware"): the layer reads an
    // HWC map of in_bits bits, plain packed (in_rows = 64), and unrolls its windows into the
    // K-row input vectors of the array; dense layers read K bits in R-row blocks.
    LayerKind layer_kind = LayerKind::fully_connected;
    ConvShape conv;                   ///< layer_kind == conv
    std::uint64_t in_bits = 0;        ///< bits read per image: K, or the conv input map
    std::uint64_t out_bits = 0;       ///< bits handed on per image: M, or the pooled map
    unsigned in_rows = 0;             ///< row-block size of the on-chip layout of the input (R, or 64 for a map)
    bool is_conv() const { return layer_kind == LayerKind::conv; }
  };

  // TLM target side.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void command_requested(std::uint32_t ctrl);

  // Processes.
  void run();             // SC_THREAD: one command per accepted CTRL write
  void update_signals();  // SC_METHOD: the only writer of irq, busy and state

  // Command steps (throw Fault).
  void load_network();
  /// Applies SUPPORT_DROP to every supported layer when it changed since the last batch.
  void apply_drop_level();
  LayerInfo decode_layer(const std::uint8_t* d, unsigned l, const NetworkHeader& header,
                         std::uint32_t prev_outputs) const;
  void program_layer(unsigned l, LayerInfo& info);
  void program_mlsa_table(unsigned l, const LayerInfo& info);
  void run_batch();
  void run_backward();
  void run_update();
  void run_gradient();
  void run_thresholds();
  /// Reads `count` int8 errors at INPUT address `addr` into e, each checked against ERROR_BITS
  /// `bits` (Fault BAD_TRAINING with the byte's address); counts error_bytes.
  void read_errors(unsigned l, std::uint64_t addr, std::size_t count, unsigned bits, std::vector<std::int32_t>& e);
  /// TRAIN_LAYER, checked against the loaded network (throws Fault BAD_TRAINING).
  unsigned train_layer() const;
  /// The first layer's input bits of vectors [v0, v1) of a tile from its raw bytes `raw`
  /// (into planes_; thread-safe for disjoint ranges).
  void encode_input(const LayerInfo& info, const std::uint8_t* raw, std::size_t v0, std::size_t v1);
  /// Computes a tile of n vectors (raw: their input bytes) through every layer; returns its
  /// compute time (not yet on the clock).
  sc_core::sc_time compute_tile(std::size_t n, const sc_core::sc_time& start, const std::uint8_t* raw);
  /// True when a tile of n vectors is computed in two passes (docs/cim-macro.md, "Two-pass
  /// tiles"): threads > 1, dense layers whose reads split, no KEEP, no column trace.
  bool two_pass(std::size_t n) const;
  /// Pass 1 of a two-pass tile: the tile's vectors in blocks on the pool, each block through
  /// every layer (input encoding, reads, activations).  Returns the events of every read,
  /// summed over the blocks: read r's column blocks at result + read_at_[r].
  const ArrayActivity* evaluate_tile(std::size_t n, const std::uint8_t* raw);
  /// Conv layer `l` of a tile of n images (cim_macro_conv.cpp): gathers the windows of the
  /// maps at `in` (layer 0: the input planes), reads them as n·windows vectors, thresholds,
  /// max pools (OR) and writes the pooled maps to `out` in the next layer's layout.  Returns
  /// the layer's compute time; `read` gets its array reads + sensing.
  sc_core::sc_time compute_conv_layer(unsigned l, std::size_t n, const Word* in, Word* out,
                                      const sc_core::sc_time& start, sc_core::sc_time& read);
  /// Adds `d` to layer l's compute time (forward reads add theirs in compute_tile; backward
  /// reads and row writes of a training layer here), the macro-active time of the report.
  void add_layer_time(unsigned l, const sc_core::sc_time& d);
  std::uint64_t stage_count(const char* counter) const;
  void enter(CimState s);
  void complete(const Fault* fault);

  // Master side (BusMaster; throw Fault{BUS_ERROR}).
  void bus_read(std::uint64_t addr, void* dst, std::size_t len, std::uint32_t layer);
  // Batch inputs / outputs: from the activation buffer (IO_MODE) or over the bus (throw Fault).
  void input_read(std::uint64_t addr, void* dst, std::size_t len);
  void output_write(std::uint64_t addr, const void* src, std::size_t len);
  void bus_write(std::uint64_t addr, const void* src, std::size_t len);
  void transfer(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, std::size_t len, std::uint32_t layer);

  RegisterFile regs_;
  const CimMacroConfig config_;
  sc_core::sc_event start_ev_, update_ev_;
  sc_core::sc_time clock_, mmio_delay_;
  tlm_utils::tlm_quantumkeeper qk_;

  bool want_load_ = false, want_run_ = false;
  bool want_backward_ = false, want_update_ = false, want_keep_ = false, want_gradient_ = false,
       want_thresholds_ = false;
  std::vector<std::vector<std::int32_t>> kept_;  // START|KEEP: each layer's sums of the current tile
  bool in_buffer_ = false, out_buffer_ = false;  // IO_MODE latched by run_batch
  bool loaded_ = false;
  std::uint64_t desc_generation_ = 0;  // bumped by DESC_* writes
  CimState state_ = CimState::idle;
  std::vector<TileTime> tile_times_;
  bool irq_level_ = false;
  sc_core::sc_time started_at_;

  std::vector<CimStage*> stages_;
  unsigned drop_applied_ = 0;  ///< drop level the drive stage holds
  std::uint64_t vectors_since_load_ = 0;  // keys the ADC conversion noise (ColumnBatch::first_vector)
  std::vector<LayerInfo> layers_;
  std::vector<std::uint8_t> staging_;           // raw bytes from memory
  std::vector<std::uint8_t> tile_in_[2];        // raw input bytes of tiles i and i + 1 (double-buffered)
  std::unique_ptr<ThreadPool> pool_;            // simulation threads (key `threads`); null: one
  std::vector<std::size_t> read_at_;            // two-pass tiles: read r's events at record + read_at_[r] (set by load)
  std::size_t read_events_ = 0;                 // ... entries of one record: Σ reads × column blocks
  std::vector<ArrayActivity> tile_acts_;        // ... per column block, block-major, then summed
  std::vector<std::vector<Word>> planes_;       // first-layer input planes, tile × in_words
  std::vector<Word> act_a_, act_b_;             // on-chip activations, tile × max words
  std::size_t act_stride_ = 1;                  // words per vector of act_a_ / act_b_ (widest layer)
  std::vector<std::uint8_t> out_bytes_;         // little-endian sums for OUTPUT
  std::vector<Word> conv_windows_, conv_fired_; // conv layers: unrolled windows, thresholded window outputs

  /// Compute time of one layer index over the run: all of it, and its array reads + sensing.
  struct LayerStats {
    sc_core::sc_time compute = sc_core::SC_ZERO_TIME, read = sc_core::SC_ZERO_TIME;
  };
  std::vector<LayerStats> layer_stats_;

  BusMaster bus_;  // the master's burst loop on initiator_socket, timed on qk_

  CounterSet counters_;
  std::size_t c_commands_, c_loads_, c_batches_, c_tiles_, c_vectors_, c_layers_, c_desc_bytes_, c_weight_bytes_,
      c_table_bytes_, c_support_bytes_, c_drop_changes_, c_input_bytes_, c_output_bytes_, c_bytes_read_, c_bytes_written_, c_tlm_reads_, c_tlm_writes_,
      c_dmi_reads_, c_dmi_writes_, c_dmi_grants_, c_errors_, c_irqs_, c_mmio_reads_, c_mmio_writes_, c_busy_cycles_,
      c_dmi_bytes_read_, c_dmi_bytes_written_, c_buf_read_, c_buf_written_, c_conv_windows_, c_pool_ors_;
  std::size_t c_backward_vectors_, c_error_bytes_, c_update_records_, c_keep_bytes_, c_gradient_vectors_,
      c_act_bytes_, c_gradient_bytes_, c_threshold_commands_, c_threshold_bytes_;
};

}  // namespace cimvp

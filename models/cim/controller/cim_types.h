// Plain types of the parallel SRAM BNN macro (cimvp::CimMacro, docs/cim-macro.md):
// configuration, register map, in-memory descriptor format, error codes.  No SystemC here,
// so the platform layer, the driver and the tests share these definitions.
#pragma once

#include "cimvp/cim/array/two_way_config.h"
#include "cimvp/cim/buffer/buffer_config.h"
#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>

namespace cimvp {

/// Timing of the macro (docs/cim-macro.md, "Timing").  All times in ns.
struct CimTimingConfig {
  double clock_period_ns = 5.0;   ///< controller / digital periphery / bus clock (200 MHz)
  double array_read_ns = 4.0;     ///< one sub-array read: precharge + word lines on
  double sense_ns = 1.0;          ///< one comparator decision of the sense stage (an MLSA or flash
                                  ///< conversion, one SAR step, the 1-bit SA of row_by_row)
  double accumulate_ns = 1.0;     ///< one adder stage (row-block adder tree, shift-add)
  double activation_ns = 1.0;     ///< threshold compare of a hidden layer (per vector)
  unsigned start_cycles = 4;      ///< controller cycles to accept a command
  unsigned descriptor_cycles = 8; ///< controller cycles to decode one layer descriptor
  double dac_ns = 2.0;            ///< row drive stage (row_dac): one DAC programming (code load +
                                  ///< settling of the row DACs, all rows in parallel)
};

/// The drive stage (docs/supported-binarynet.md, "Row DAC"): binary word lines, or row DACs
/// with a support buffer.
struct DriveStageConfig {
  DriveKind kind = DriveKind::binary;  ///< binary (Liu et al., the default) | row_dac (Nasrin et al.)
  RowDacConfig dac;                    ///< row_dac: bits, mismatch σ, seed
  unsigned buffer_bytes = 65536;       ///< row_dac: support-buffer capacity (one byte per code)
};

/// Everything that shapes a CimMacro.  The mapping fields are the circuit structs
/// (models/circuit): the same values must be given to the golden reference.
struct CimMacroConfig {
  SubArrayConfig array;         ///< array stage: rows, cols, cell mode, access mode, group rows
  /// Sense stage: kind (mlsa | adc), bits, quantization / converter / full scale, offsets,
  /// noise, seed, and `mux`: columns sharing one converter (MLSA, ADC, or the 1-bit SA of
  /// row_by_row access), whose conversions are serialized (mux × conversion time per read);
  /// a sub-array has ⌈C / mux⌉ of them.  Timing and area only: results do not depend on mux.
  SenseConfig sense;
  CellVariationConfig cells;    ///< array stage: per-cell current variation σ and seed
  DriveStageConfig drive;       ///< drive stage: binary word lines or row DAC + support buffer
  unsigned capacity_subarrays = 512;  ///< physical sub-arrays (sum over layers of ⌈K/R⌉·⌈M/C⌉)
  unsigned max_layers = 16;           ///< descriptors per network
  unsigned max_width = 8192;          ///< largest K or M (on-chip activation buffer width)
  unsigned tile_vectors = 128;        ///< vectors processed together through all layers
  /// Simulation threads evaluating the sub-arrays of one read (SenseStage::convert_all;
  /// thread_pool.h): 0 = every core, 1 = only the SystemC thread, at most kMaxThreads.
  /// Simulator speed only: results, counters and reports do not depend on it.
  unsigned threads = 0;
  unsigned bus_width_bytes = 8;       ///< master data bus: one beat moves this many bytes
  unsigned burst_bytes = 256;         ///< largest TLM transaction of the master
  bool use_dmi = true;                ///< use DMI to memory when granted
  CimTimingConfig timing;
  ActivationBufferConfig buffer;      ///< on-chip activation buffers (bus window, IO_MODE)
  /// Two-way array (Jiang et al. DAC 2020, docs/two-way-training.md): transposed reads and row
  /// writes, the BACKWARD / UPDATE / KEEP / GRADIENT commands.  two_way.sense is ignored: the row
  /// converters are of the sense stage's kind and bits (`sense`).
  TwoWayArrayConfig two_way;
  /// Waveforms only (docs/waveforms.md, "A chosen column"): the column whose sensed levels
  /// and sums the traced run shows (signals row_block, column_sensed, column_sum).  Set by
  /// the cimvp CLI's --vcd-column, not a platform key; no effect on results or timing, nor
  /// on untraced runs.  A layer or column the loaded network lacks traces nothing.
  struct TraceColumn {
    bool enabled = false;
    unsigned layer = 0;   ///< dense layer index (conv layers are not traced)
    unsigned column = 0;  ///< output neuron of that layer, 0..M−1
  } trace_column;

  CimMacroConfig() {
    array.rows = 64;
    array.cols = 64;
    array.mode = CellMode::xnor_8t;
    array.access = AccessMode::parallel;
    sense.kind = SenseKind::mlsa;
    sense.bits = 3;
    sense.quantization = Quantization::nonlinear;
  }
  /// The mapping the golden reference must use to match this macro bit for bit.
  MappingConfig mapping() const { return MappingConfig{array, sense, cells, drive.kind, drive.dac}; }
  /// Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
};

// ------------------------------------------------------------------ register map

/// CimMacro register offsets (bytes from the MMIO window base), docs/registers.md.
namespace cim_reg {
constexpr std::uint32_t ID = 0x00;          ///< ro, reads cim_id
constexpr std::uint32_t VERSION = 0x04;     ///< ro, reads cim_version
constexpr std::uint32_t CTRL = 0x08;        ///< START, LOAD (self-clearing, read 0)
constexpr std::uint32_t STATUS = 0x0C;      ///< BUSY ro, DONE w1c, ERROR w1c, LOADED ro
constexpr std::uint32_t IRQ_ENABLE = 0x10;  ///< rw, bits as IRQ_STATUS
constexpr std::uint32_t IRQ_STATUS = 0x14; ///< w1c; irq = |(IRQ_STATUS & IRQ_ENABLE)
constexpr std::uint32_t DESC_LO = 0x18;     ///< rw, network header address bits 31..0
constexpr std::uint32_t DESC_HI = 0x1C;     ///< rw, bits 63..32 (writing DESC_* clears LOADED)
constexpr std::uint32_t INPUT_LO = 0x20;    ///< rw, first input vector
constexpr std::uint32_t INPUT_HI = 0x24;
constexpr std::uint32_t OUTPUT_LO = 0x28;   ///< rw, where the last layer's int32 sums go
constexpr std::uint32_t OUTPUT_HI = 0x2C;
constexpr std::uint32_t BATCH = 0x30;       ///< rw, input vectors per START (>= 1)
constexpr std::uint32_t ERROR_CODE = 0x34;  ///< ro, cim_err value of the last error
constexpr std::uint32_t ERROR_INFO = 0x38;  ///< ro, layer index of the error (0xFFFFFFFF: none)
constexpr std::uint32_t ERR_ADDR_LO = 0x3C; ///< ro, offending address (bus/alignment errors)
constexpr std::uint32_t ERR_ADDR_HI = 0x40;
constexpr std::uint32_t STATE = 0x44;       ///< ro, cim_state of the controller
constexpr std::uint32_t LAYERS = 0x48;      ///< ro, layers of the loaded network
constexpr std::uint32_t DONE_COUNT = 0x4C;  ///< ro, vectors finished in the current/last batch
constexpr std::uint32_t CAP_ARRAY = 0x50;   ///< ro, rows [15:0], cols [31:16]
constexpr std::uint32_t CAP_MODE = 0x54;    ///< ro, cell mode [1:0], access [3:2], group rows [31:16]
/// ro, sense stage: bits [4:0], MLSA quantization [6:5], kind [8] (0 mlsa, 1 adc),
/// ADC converter [9] (0 sar, 1 flash), ADC full scale [10] (0 reachable, 1 calibrated)
constexpr std::uint32_t CAP_SENSE = 0x58;
constexpr std::uint32_t CAP_CAPACITY = 0x5C;///< ro, physical sub-arrays
constexpr std::uint32_t CAP_LIMITS = 0x60;  ///< ro, max layers [7:0], max width / 64 [31:16]
constexpr std::uint32_t SUBARRAYS = 0x64;   ///< ro, sub-arrays used by the loaded network
constexpr std::uint32_t IO_MODE = 0x68;     ///< rw, cim_bit::IO_*: INPUT / OUTPUT are buffer offsets
constexpr std::uint32_t CAP_BUF_IN = 0x6C;  ///< ro, bytes of one input half of the activation buffer
constexpr std::uint32_t CAP_BUF_OUT = 0x70; ///< ro, bytes of one output half
constexpr std::uint32_t SUPPORT_DROP = 0x74;///< rw, support drop level per mille 0..1000 (writes > 1000: error
                                            ///< response, unchanged); used from the next START
constexpr std::uint32_t CAP_DRIVE = 0x78;   ///< ro, drive kind [0] (0 binary, 1 row_dac), DAC bits [7:4],
                                            ///< support buffer KiB [31:16]
// Training (two-way array, docs/two-way-training.md): mapped only when two_way.enabled (a
// forward-only macro answers these offsets with an address error).
constexpr std::uint32_t TRAIN_LAYER = 0x7C;   ///< rw, layer of BACKWARD / UPDATE
constexpr std::uint32_t ERROR_BITS = 0x80;    ///< rw, 1..8 (reset 8): error width of BACKWARD (other writes: error response)
constexpr std::uint32_t KEEP_LO = 0x84;       ///< rw, where START|KEEP writes every layer's int32 sums
constexpr std::uint32_t KEEP_HI = 0x88;
constexpr std::uint32_t CELLS_WRITTEN = 0x8C; ///< ro, cells written by the last UPDATE
constexpr std::uint32_t CAP_TWO_WAY = 0x90;   ///< ro, bit 0: two-way array (BACKWARD / UPDATE / KEEP / GRADIENT available)
constexpr std::uint32_t ACT_LO = 0x94;        ///< rw, GRADIENT: the layer's BATCH × K int16 inputs (2-byte aligned)
constexpr std::uint32_t ACT_HI = 0x98;
constexpr std::uint32_t GRAD_FIRST = 0x9C;    ///< rw, GRADIENT: first neuron j0 of the gradient rows written
constexpr std::uint32_t GRAD_COUNT = 0xA0;    ///< rw, GRADIENT: rows written (0: every row from j0 to M − 1)
constexpr std::uint32_t WINDOW_BYTES = 0x100;  ///< size to map for the register window
}  // namespace cim_reg

namespace cim_bit {
constexpr std::uint32_t CTRL_START = 1u << 0;   ///< run BATCH vectors (loads the network first if needed)
constexpr std::uint32_t CTRL_LOAD = 1u << 1;    ///< (re)load the network at DESC only
constexpr std::uint32_t CTRL_BACKWARD = 1u << 2;///< transposed read of layer TRAIN_LAYER for BATCH error vectors
constexpr std::uint32_t CTRL_UPDATE = 1u << 3;  ///< write BATCH row records of layer TRAIN_LAYER
constexpr std::uint32_t CTRL_KEEP = 1u << 4;    ///< with START: also write every layer's sums to KEEP
constexpr std::uint32_t CTRL_GRADIENT = 1u << 5;///< gradient outer products of layer TRAIN_LAYER (errors at INPUT, inputs at ACT)
constexpr std::uint32_t CTRL_THRESHOLDS = 1u << 6;///< write hidden layer TRAIN_LAYER's M int32 thresholds from INPUT
constexpr std::uint32_t STATUS_BUSY = 1u << 0;
constexpr std::uint32_t STATUS_DONE = 1u << 1;
constexpr std::uint32_t STATUS_ERROR = 1u << 2;
constexpr std::uint32_t STATUS_LOADED = 1u << 3;
constexpr std::uint32_t IRQ_DONE = 1u << 0;
constexpr std::uint32_t IRQ_ERROR = 1u << 1;
constexpr std::uint32_t IO_INPUT_BUFFER = 1u << 0;   ///< INPUT is an offset in the activation buffer window
constexpr std::uint32_t IO_OUTPUT_BUFFER = 1u << 1;  ///< OUTPUT is an offset in the activation buffer window
}  // namespace cim_bit

/// ERROR_CODE values.
namespace cim_err {
constexpr std::uint32_t NONE = 0;
constexpr std::uint32_t BUS_ERROR = 1;         ///< a master transaction got an error response (ERR_ADDR)
constexpr std::uint32_t MISALIGNED = 2;        ///< an address violates its alignment (ERR_ADDR)
constexpr std::uint32_t BAD_HEADER = 3;        ///< magic, version or layer count of the network header
constexpr std::uint32_t BAD_SHAPE = 4;         ///< K or M zero or > max_width, or layers do not chain
constexpr std::uint32_t CAPACITY = 5;          ///< the network needs more sub-arrays than the macro has
constexpr std::uint32_t BAD_DESCRIPTOR = 6;    ///< bad enum, flag, plane count or reserved field
constexpr std::uint32_t BAD_MLSA_TABLE = 7;    ///< malformed MLSA reference table
constexpr std::uint32_t NOT_CALIBRATED = 8;    ///< nonlinear MLSAs without a reference table
constexpr std::uint32_t BAD_BATCH = 9;         ///< BATCH == 0 or the buffers wrap the address space
constexpr std::uint32_t START_WHILE_BUSY = 10; ///< START/LOAD written while busy (ignored)
constexpr std::uint32_t INTERNAL = 11;         ///< unexpected internal failure (message in the log)
constexpr std::uint32_t BAD_BUFFER = 12;       ///< IO_MODE buffer: INPUT / OUTPUT range outside its buffer halves (ERR_ADDR)
constexpr std::uint32_t NOT_TWO_WAY = 13;      ///< BACKWARD / UPDATE / KEEP on a macro without a two-way array
constexpr std::uint32_t BAD_TRAINING = 14;     ///< TRAIN_LAYER out of range, an error outside ERROR_BITS, a bad row record,
                                               ///< GRAD_FIRST / GRAD_COUNT outside the layer, a gradient outside int32,
                                               ///< THRESHOLDS of the last layer
}  // namespace cim_err

/// Name of an ERROR_CODE value ("BUS_ERROR", ...).
const char* cim_error_name(std::uint32_t code);

/// STATE values (also the traced `state` signal).
enum class CimState : std::uint32_t {
  idle = 0,
  load = 1,     ///< fetching descriptors, weights, thresholds, MLSA tables; programming
  input = 2,    ///< fetching and encoding input vectors
  compute = 3,  ///< array reads, sensing, accumulation, activation
  output = 4,   ///< writing the last layer's sums
  backward = 5, ///< transposed reads (two-way array): errors in, back-propagated sums out
  update = 6,   ///< row writes (two-way array)
  gradient = 7, ///< gradient outer products in the digital periphery (two-way array)
  thresholds = 8, ///< threshold table written into the activation unit (two-way array, learned thresholds)
};
const char* to_string(CimState s);

constexpr std::uint32_t cim_id = 0x4D4D4943;       ///< "CIMM" (bytes 'C','I','M','M')
constexpr std::uint32_t cim_version = 0x00010000;  ///< 1.0

// ------------------------------------------------------------------ descriptor format

/// Network header (at DESC, 8-byte aligned), followed by `layers` layer descriptors.
/// Encoded and decoded by the codec in descriptor.h.
namespace cim_desc {
constexpr std::uint32_t kMagic = 0x4E4D4943;  ///< "CIMN"
constexpr std::uint32_t kVersion = 4;        ///< newest: 2 adds LAYER_KIND, 3 the support section, 4 conv layers
                                             ///< (the toolchain writes the lowest version that holds the network)
constexpr std::uint32_t kMinVersion = 1;     ///< oldest version still accepted (no layer kind)
constexpr std::uint32_t kHeaderBytes = 16;    ///< u32 magic, u32 version, u32 layers, u32 reserved (0)
constexpr std::uint32_t kLayerBytes = 64;     ///< one layer descriptor

/// Byte offsets inside a layer descriptor (little-endian).
constexpr std::uint32_t K = 0;             ///< u32 inputs
constexpr std::uint32_t M = 4;             ///< u32 outputs
constexpr std::uint32_t KIND = 8;          ///< u8 InputKind (0 unipolar, 1 bipolar)
constexpr std::uint32_t PLANES = 9;        ///< u8 input bit planes 1..8 (> 1: first layer only)
constexpr std::uint32_t FORMAT = 10;       ///< u8 InputFormat
constexpr std::uint32_t FLAGS = 11;        ///< u8 bit 0 LAST
constexpr std::uint32_t PIXEL_THRESHOLD = 12;  ///< u8 (pixels_binarized)
constexpr std::uint32_t FIRST_BIT = 13;    ///< u8 (pixels_bit_serial): plane p = pixel bit FIRST_BIT + p
constexpr std::uint32_t LAYER_KIND = 14;   ///< u8 LayerKind (version >= 2; reserved 0 in version 1)
constexpr std::uint32_t RESERVED0 = 15;    ///< u8, 0
constexpr std::uint32_t WEIGHTS = 16;      ///< u64, 8-aligned: M rows of ⌈K/64⌉ u64, bit k = (W[j][k] == +1)
constexpr std::uint32_t THRESHOLDS = 24;   ///< u64, 4-aligned: M × i32 (hidden layers)
constexpr std::uint32_t FLIPS = 32;        ///< u64: M × u8 0/1 (hidden layers)
constexpr std::uint32_t MLSA_TABLE = 40;   ///< u64, 4-aligned, 0 = built-in references
constexpr std::uint32_t MLSA_BYTES = 48;   ///< u32 table length
constexpr std::uint32_t RESERVED1 = 52;    ///< version <= 2: u32 + u64, 0 (version 3: the support section below)
// Support section (version >= 3; Supported-BinaryNet, docs/supported-binarynet.md):
constexpr std::uint32_t SUPPORT_BLOCK = 52;   ///< u16 p, rows per p×1 block (1..K); 0 = no supports (then 52..63 are 0)
constexpr std::uint32_t SUPPORT_BITS = 54;    ///< u8 b_s, 1..8
constexpr std::uint32_t SUPPORT_DEFAULT = 55; ///< u8 default code (drop-out), 0..2^b_s − 1
constexpr std::uint32_t SUPPORTS = 56;        ///< u64 address of the codes: M × ⌈K/p⌉ bytes, neuron-major
                                              ///< (byte j·B + b = code of neuron j, block b); length implied

// Conv section (version >= 4, LAYER_KIND == conv; docs/convolution.md "Hardware"): bytes
// 52..63 hold the ConvShape instead of the support section (conv layers carry no supports).
// K = kernel_h·kernel_w·in_c (window rows), M = out_c; the layer reads the in_h×in_w×in_c
// HWC map and hands on the pooled map (pooled_h×pooled_w×out_c, HWC).
constexpr std::uint32_t CONV_IN_H = 52;      ///< u16 input map height, 1..65535
constexpr std::uint32_t CONV_IN_W = 54;      ///< u16 input map width, 1..65535
constexpr std::uint32_t CONV_IN_C = 56;      ///< u16 input channels, 1..65535
constexpr std::uint32_t CONV_KERNEL_H = 58;  ///< u8 kernel height, 1..min(255, in_h + 2·pad)
constexpr std::uint32_t CONV_KERNEL_W = 59;  ///< u8 kernel width, 1..min(255, in_w + 2·pad)
constexpr std::uint32_t CONV_STRIDE = 60;    ///< u8 stride, 1..255
constexpr std::uint32_t CONV_PAD = 61;       ///< u8 padding (bits 0) on every side, < kernel
constexpr std::uint32_t CONV_POOL = 62;      ///< u8 max-pool window (OR after the threshold), 1 = none
constexpr std::uint32_t CONV_RESERVED = 63;  ///< u8, 0

constexpr std::uint8_t kFlagLast = 1u << 0;
}  // namespace cim_desc

/// How a layer receives its input vectors.
enum class InputFormat : std::uint8_t {
  pixels_binarized = 0,   ///< K bytes per vector, bit = pixel >= PIXEL_THRESHOLD (first layer)
  pixels_bit_serial = 1,  ///< K bytes per vector, PLANES bit planes of the pixel (first layer)
  packed_bits = 2,        ///< ⌈K/64⌉ u64 per vector, bit k (first layer)
  on_chip = 3,            ///< the previous layer's activations (every later layer)
};
const char* to_string(InputFormat f);

/// Bytes of one input vector in memory for the first layer's format.
std::uint64_t cim_input_bytes(InputFormat f, std::uint32_t k);

/// UPDATE row record (at INPUT, 8-byte aligned, BATCH records back to back): u32 k (input
/// index, < K of TRAIN_LAYER), u32 reserved (0), then ⌈M/64⌉ little-endian u64 with bit j =
/// (W[j][k] == +1) — the new binary weights of layer row k.  Bytes of one record:
inline std::uint64_t cim_update_record_bytes(std::uint32_t m) { return 8 + words_for_bits(m) * 8; }

/// MLSA reference table (at MLSA_TABLE, exactly MLSA_BYTES long, little-endian).  One entry
/// per row block rb = 0..⌈K/R⌉−1, then bit plane p = 0..PLANES−1, then sensing segment s of
/// that row block (parallel: 1; group: ⌈rows/g⌉; row_by_row: no table), in that order:
///   u32 L                      levels, 1 .. number of reachable partial sums of the segment
///                              (and <= 2^bits unless the MLSA quantization is `ideal`)
///   (L − 1) × i32              references × 2 (half PS units), ascending
///   L × i32                    level values (half PS units)
/// The Mlsa programs Quantizer::custom(range, references / 2, values) from each entry.
namespace cim_mlsa_table {
constexpr std::uint32_t kMaxLevels = 2 * kMaxSubArrayRows + 1;
}  // namespace cim_mlsa_table

/// On-chip layout of a K-bit vector split into row blocks of R rows: row block rb holds words
/// [rb·w, rb·w + w) with w = ⌈R/64⌉, and bit k sits at position (k / R)·64·w + k mod R (the
/// plain packing when R is a multiple of 64).  Words of one vector: ⌈K/R⌉·w.
inline std::size_t cim_blocked_words(std::uint32_t k, unsigned rows) {
  return (std::size_t{k} + rows - 1) / rows * words_for_bits(rows);
}


}  // namespace cimvp

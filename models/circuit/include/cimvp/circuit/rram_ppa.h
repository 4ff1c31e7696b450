// Resources, energy and area of an RRAM crossbar accelerator for a whole network, in the
// CNN mode (multi-bit weights and activations) or the BCNN mode (binary weights and
// activations) of Tang et al., "Binary Convolutional Neural Network on RRAM", ASP-DAC 2017
// (Table II resource counts, Table III element costs, the CNN-vs-BCNN table; docs/rram.md,
// "Resources and PPA").  Layer 1: plain C++17, no SystemC.
//
// Per layer (conv or FC; pooling layers only add their line buffer):
//  * the split of its K×M weight matrix onto R×C crossbars (matrix_split.h): X_in row
//    blocks, X_out column blocks, S weight slices, the chosen SA/ADC resolution;
//  * Table II exactly as published (ppa_area.h, table2_conv / table2_fc / table2_pool) with
//    X_in, X_out from the split, beside the counts of the mapping:
//      cells       K·M·S·cells_per_weight (+ reference cells)   [Table II: K·C_out·X_out²]
//      row drivers K·X_out  (DACs of input_bits; 1-bit drivers when input_bits = 1)
//      converters  M·S·X_in (SA when sense_amp, else ADC of sense_bits)
//      adders      M·S·(X_in − 1) row-block adds + M·(S − 1) slice shift-adds per processing,
//                  as wide as the exact sums (matrix_split.h word bits) or, when the ADC
//                  quantizes, its codes + sign + ⌈log2 X_in⌉ (+ the slice shifts)
//      feature-map buffer K elements, line buffer h·W_in·C_in elements (conv), C_in (FC)
//    processing count H_out·W_out (conv) or 1 (FC);
//  * energy per image = processing count × (cells_used·E_cell + drivers·E_dac(input_bits)
//    + converters·E_conv + adds·E_add(width) + K·input_bits·E_buffer_read/bit)
//    + the line-buffer writes of the input map (in_h·in_w·in_c·input_bits bits).  Every E
//    is one element active for one crossbar operation: TechParams converts Table III's
//    powers with one period (rram.yaml power_period_ns = 10 ns), the same for every element
//    and every layer — the only time assumption (the seed gives no clock);
//  * area = allocated cells (whole crossbars, crossbars·R·C) × cell area + drivers × DAC
//    area + converters × SA/ADC area + adders × adder area + buffers × storage area/bit.
//    Table III gives periphery in transistors: TechParams converts with one transistor area
//    (rram.yaml transistor_area_um2 = 0.2 µm², NanGate 45 nm).
// Modes (RramPpaConfig::cnn() / bcnn()): CNN = 8-bit weights (7-bit magnitude on 7-bit
// multi-level cells, the seed's variation table) and 8-bit activations: 8-bit DACs, 8-bit
// ADCs (partial sums need more: quantized, Table III has no wider ADC).  BCNN = binary
// weights on binary cells, binary activations: 1-bit row drivers except the first layer,
// whose 8-bit image pixels need 8-bit DACs; SA when a column fits one crossbar, else an
// ADC resolving the row block's partial sums (up to 8 bits).
#pragma once

#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/matrix_split.h"
#include "cimvp/circuit/ppa_area.h"
#include "cimvp/circuit/ppa_tech.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// A pooling layer with its own window and stride (overlapping pooling allowed, e.g.
/// AlexNet's 3×3 stride 2).
struct RramPoolShape {
  unsigned in_h = 0, in_w = 0, in_c = 0;
  unsigned window = 2, stride = 2;
  unsigned out_h() const { return (in_h - window) / stride + 1; }
  unsigned out_w() const { return (in_w - window) / stride + 1; }
};

/// One layer of a network as the estimate sees it.
struct RramNetLayer {
  std::string name;
  LayerKind kind = LayerKind::fully_connected;
  ConvShape conv;                      ///< conv (conv.pool: non-overlapping pool after it)
  std::size_t inputs = 0, outputs = 0;  ///< fully_connected
  RramPoolShape pool;                  ///< pool
};

enum class RramPpaMode : std::uint8_t { cnn = 0, bcnn = 1 };
const char* to_string(RramPpaMode m);

struct RramPpaConfig {
  RramPpaMode mode = RramPpaMode::bcnn;
  unsigned xbar_rows = 128, xbar_cols = 128;
  CellKind cell = CellKind::rram_1t1r;  ///< rram_1t1r or rram_0t1r
  RramWeightScheme scheme = RramWeightScheme::differential_pair;
  unsigned weight_bits = 1;        ///< 1: binary; n: signed n-bit
  unsigned cell_bits = 1;          ///< bits per cell
  unsigned activation_bits = 1;    ///< bits of hidden activations (row inputs after layer 1)
  unsigned first_input_bits = 8;   ///< bits of the network input (image pixels)
  unsigned max_adc_bits = 8;
  /// Converter sharing (docs/rram.md, "Converter sharing"); the defaults are Table II as
  /// published (one SA/ADC per slice column and row block, one DAC per row and column block).
  /// columns_per_converter: the SA/ADCs of a crossbar are time-multiplexed over this many of
  /// its logical (slice) columns through a column mux, 0 = all of them (one converter per
  /// crossbar, as in ISAAC, Shafiee et al. ISCA 2016).  Area: ⌈columns / sharing⌉ converters
  /// per crossbar, and the row-block / slice adders behind them shared in the same ratio;
  /// energy: unchanged (the same conversions and adds); time: a crossbar operation takes that
  /// many conversion periods.
  unsigned columns_per_converter = 1;
  /// shared_row_dacs: the X_out crossbars of a row block receive the same inputs, so one DAC
  /// per row drives that row in all of them: K DACs instead of K·X_out (area and energy).
  bool shared_row_dacs = false;
  static RramPpaConfig cnn();   ///< 8-bit weights on 7-bit cells, 8-bit activations
  static RramPpaConfig bcnn();  ///< binary weights, cells and activations
  /// Throws std::invalid_argument naming the field and the allowed values.
  void validate() const;
};

/// Costs of one layer.
struct RramCost {
  double cells = 0, drivers = 0, converters = 0, adders = 0, buffers = 0;
  double total() const { return cells + drivers + converters + adders + buffers; }
};

struct RramLayerPpa {
  std::string name;
  LayerKind kind = LayerKind::fully_connected;
  bool has_matrix = false;          ///< conv or FC (false: pooling)
  MatrixSplit split;                ///< when has_matrix
  Table2Resources table;            ///< Table II as published, X_in/X_out from the split
  unsigned input_bits = 1;          ///< bits per row input of this layer
  std::uint64_t processing = 0;     ///< Table II processing count
  std::uint64_t cells = 0;          ///< mapped (used) cells
  std::uint64_t cells_allocated = 0;
  std::uint64_t drivers = 0;        ///< DACs / 1-bit drivers (K with shared_row_dacs)
  std::uint64_t converters = 0;     ///< SA/ADC conversions per processing (M·S·X_in)
  std::uint64_t converter_units = 0;///< SAs or ADCs built (converters without sharing)
  unsigned conversions_per_op = 1;  ///< conversion periods per crossbar operation (the sharing)
  std::uint64_t adds = 0;           ///< adds per processing
  unsigned add_bits = 0;            ///< width of the widest add
  std::uint64_t fm_buffer_bits = 0, line_buffer_bits = 0;
  RramCost energy_pj;               ///< per image
  RramCost area_um2;
  double time_ns = 0;               ///< processing × one crossbar period (not pipelined)
};

struct RramNetworkPpa {
  std::vector<RramLayerPpa> layers;
  double energy_pj = 0, area_um2 = 0, time_ns = 0;
};

/// Estimates a network.  Throws std::invalid_argument for a bad config or layer shape, or
/// a technology without the chosen cell, with the layer named.
RramNetworkPpa estimate_rram_network(const TechParams& t, const std::vector<RramNetLayer>& net,
                                     const RramPpaConfig& cfg);

/// Relative saving of b against a: 1 − b/a (the seed's "Saving" column; negative when b
/// costs more).  Throws std::invalid_argument for a ≤ 0.
double rram_saving(double a, double b);

}  // namespace cimvp

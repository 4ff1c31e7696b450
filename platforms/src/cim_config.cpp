#include "cimvp/platform/cim_config.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
/// Largest activation tile: cim.buffer.tile_vectors x cim.controller.max_width elements.
constexpr std::uint64_t kMaxTileElements = std::uint64_t{1} << 24;

bool is_power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

void check_cim(const PlatformConfig& c, const CheckContext& ctx) {
  const CimMacroConfig& m = c.cim;
  if (m.array.access == AccessMode::group && m.array.group_rows > m.array.rows)
    ctx.fail("cim.array.group_rows", "group of " + std::to_string(m.array.group_rows) +
                                         " rows is larger than cim.array.rows (" + std::to_string(m.array.rows) + ")");
  if (m.sense.mux > m.array.cols)
    ctx.fail("cim.sense.mux", std::to_string(m.sense.mux) + " columns per converter is more than cim.array.cols (" +
                                  std::to_string(m.array.cols) + ")");
  if (m.sense.kind == SenseKind::mlsa && m.sense.bits > 8)
    ctx.fail("cim.sense.bits", std::to_string(m.sense.bits) + " bits: an mlsa has 1..8 (2^bits - 1 comparators); "
                               "use cim.sense.kind=adc for more");
  if (m.sense.faults.any() && m.array.access == AccessMode::row_by_row)
    ctx.fail("cim.sense.faults.dead_rate", "dead converters are not modelled with cim.array.access=row_by_row "
                                           "(1-bit sense amplifiers); expected 0");
  if (m.sense.kind == SenseKind::mlsa && m.sense.noise_sigma != 0.0)
    ctx.fail("cim.sense.noise_sigma", "conversion noise is modelled for cim.sense.kind=adc only (expected 0)");
  if (!is_power_of_two(m.bus_width_bytes))
    ctx.fail("cim.master.bus_width_bytes", "expected a power of two, got " + std::to_string(m.bus_width_bytes));
  if (m.burst_bytes % m.bus_width_bytes != 0)
    ctx.fail("cim.master.burst_bytes", std::to_string(m.burst_bytes) +
                                           " is not a multiple of cim.master.bus_width_bytes (" +
                                           std::to_string(m.bus_width_bytes) + ")");
  // the activation tiles the controller allocates: tile_vectors x max_width elements (bit
  // planes, int32 sums), bounded so that a START cannot ask for gigabytes
  const std::uint64_t tile = std::uint64_t{m.tile_vectors} * m.max_width;
  if (tile > kMaxTileElements)
    ctx.fail("cim.buffer.tile_vectors",
             std::to_string(m.tile_vectors) + " vectors x cim.controller.max_width " + std::to_string(m.max_width) +
                 " = " + std::to_string(tile) + " activation elements per tile; allowed at most " +
                 std::to_string(kMaxTileElements) + " (16 Mi)");
  const auto& map = c.router.map;
  for (std::size_t i = 0; i < map.size(); ++i) {
    if (map[i].target != "cim") continue;
    if (map[i].size < cim_reg::WINDOW_BYTES)
      ctx.fail("address_map[" + std::to_string(i) + "]", "the cim register window needs at least " +
                                                            std::to_string(cim_reg::WINDOW_BYTES) + " bytes, got " +
                                                            std::to_string(map[i].size));
    if (c.host.irq_lines < 2)
      ctx.fail("host.irq_lines", "the cim interrupt is host line 1: host.irq_lines must be at least 2");
  }
  if (m.cells.kind == ArrayKind::rram) {  // the RRAM device has its own variation and faults (docs/rram.md)
    if (m.cells.sigma != 0.0)
      ctx.fail("cim.array.variation.sigma", "SRAM cell variation; with cim.array.kind=rram use "
                                            "cim.array.rram.variation_sigma (expected 0)");
    if (m.cells.faults.any())
      ctx.fail("cim.array.faults.stuck_rate", "SRAM stuck bitcells; with cim.array.kind=rram use "
                                              "cim.array.rram.stuck_hrs_rate / stuck_lrs_rate (expected 0)");
    if (m.two_way.enabled)
      ctx.fail("cim.two_way.enabled", "a two-way array is SRAM: not available with cim.array.kind=rram");
    if (!(m.cells.rram.g_lrs_us > m.cells.rram.g_hrs_us))
      ctx.fail("cim.array.rram.g_lrs_us", "LRS conductance must be larger than cim.array.rram.g_hrs_us");
    if (m.cells.rram.stuck_hrs_rate + m.cells.rram.stuck_lrs_rate > 1.0)
      ctx.fail("cim.array.rram.stuck_lrs_rate", "stuck_hrs_rate + stuck_lrs_rate must be at most 1");
  }
  try {
    m.validate();
  } catch (const std::invalid_argument& e) {
    ctx.fail("cim", e.what());
  }
}
}  // namespace

void add_cim_keys(ConfigSchema& s) {

  // drive stage (models/circuit RowDacConfig; docs/supported-binarynet.md)
  s.add_enum("cim.drive.kind", [](auto& c) -> auto& { return c.cim.drive.kind; },
             std::vector<std::pair<std::string, DriveKind>>{{"binary", DriveKind::binary},
                                                            {"row_dac", DriveKind::row_dac}})
      .describe("Word-line drive: binary (a driven row contributes +-1) or row_dac (Supported-BinaryNet: a "
                "row DAC per word line driven with the support of the row's p x 1 block, a support buffer; "
                "networks with supports need it).");
  s.add("cim.drive.dac_bits", [](auto& c) -> auto& { return c.cim.drive.dac.bits; })
      .range(1u, kMaxDacBits)
      .describe("Row DAC resolution b_d; exact (drive = support code) when >= the network's support bits, "
                "else the b_d MSBs of the code.");
  s.add("cim.drive.mismatch_sigma", [](auto& c) -> auto& { return c.cim.drive.dac.mismatch_sigma; })
      .range(0.0, kMaxRelativeSigma)
      .describe("Relative sigma of each row DAC's gain (V_TH variation), factor 1 + N(0, sigma) per row, "
                "truncated to positive gains by redrawing (0 = ideal DACs).");
  s.add("cim.drive.seed", [](auto& c) -> auto& { return c.cim.drive.dac.seed; })
      .inherit("seed")
      .describe("Seed of the row DAC gains (random stream 7).");
  s.add("cim.drive.dac_ns", [](auto& c) -> auto& { return c.cim.timing.dac_ns; })
      .as_time().min(0)
      .describe("One row-DAC programming (codes loaded, DACs settled; all rows in parallel), once per column "
                "group of a sub-array read.");
  s.add("cim.drive.buffer_bytes", [](auto& c) -> auto& { return c.cim.drive.buffer_bytes; })
      .with_unit("bytes").range(1u, 1u << 24)
      .describe("Support-buffer capacity, one byte per support code of every loaded layer.");

  // array stage (models/circuit SubArrayConfig, CellVariationConfig)
  s.add_enum("cim.array.cell", [](auto& c) -> auto& { return c.cim.array.mode; },
             std::vector<std::pair<std::string, CellMode>>{{"xnor_8t", CellMode::xnor_8t},
                                                           {"hbnn_6t", CellMode::hbnn_6t}})
      .describe("Bitcell: xnor_8t (weights and activations +-1) or hbnn_6t (weights +-1, activations 0/1).");
  s.add("cim.array.rows", [](auto& c) -> auto& { return c.cim.array.rows; })
      .range(1u, kMaxSubArrayRows)
      .describe("Sub-array rows R (word lines); a layer's K inputs split into ceil(K/R) row blocks.");
  s.add("cim.array.cols", [](auto& c) -> auto& { return c.cim.array.cols; })
      .range(1u, kMaxSubArrayCols)
      .describe("Sub-array columns C (bit lines); M outputs split into ceil(M/C) column blocks.");
  s.add_enum("cim.array.access", [](auto& c) -> auto& { return c.cim.array.access; },
             std::vector<std::pair<std::string, AccessMode>>{{"parallel", AccessMode::parallel},
                                                             {"group", AccessMode::group},
                                                             {"row_by_row", AccessMode::row_by_row}})
      .describe("Word-line activation: all rows at once, groups of cim.array.group_rows, or the conventional "
                "row-by-row read.");
  s.add("cim.array.group_rows", [](auto& c) -> auto& { return c.cim.array.group_rows; })
      .range(1u, kMaxSubArrayRows)
      .describe("Rows activated together in `group` access (<= cim.array.rows).");
  s.add("cim.array.linear_range_rows", [](auto& c) -> auto& { return c.cim.sense.linear_range; })
      .range(0u, kMaxSubArrayRows)
      .describe("Bit-line linear range of a parallel read: conducting rows (partial-sum units) a column sums "
                "before it saturates; larger sums are clipped at +/- this value before sensing, in the golden "
                "reference too, with a warning when a segment has more rows. 0 = the technology's "
                "bitcells.<cell>.geometry.linear_range_rows (sram65, sram28: 64; unlimited without a geometry); "
                "1024 = unlimited.");
  s.add("cim.array.variation.sigma", [](auto& c) -> auto& { return c.cim.cells.sigma; })
      .range(0.0, kMaxCellSigma)
      .describe("Relative sigma of each bitcell's read current: factor 1 + N(0, sigma) truncated to > 0 "
                "(redrawn, so no cell conducts a negative current); 0 = ideal cells, at most 1.");
  s.add("cim.array.variation.seed", [](auto& c) -> auto& { return c.cim.cells.seed; })
      .inherit("seed")
      .describe("Seed of the cell variation.");
  s.add("cim.array.faults.stuck_rate", [](auto& c) -> auto& { return c.cim.cells.faults.rate; })
      .range(0.0, 1.0)
      .describe("Fraction of bitcells stuck (docs/circuit.md, \"Faults\"): a stuck cell holds its value whatever is "
                "programmed; the golden reference models the same cells (0 = none).");
  s.add_enum("cim.array.faults.stuck_at", [](auto& c) -> auto& { return c.cim.cells.faults.mode; },
             std::vector<std::pair<std::string, StuckMode>>{
                 {"mixed", StuckMode::mixed}, {"zero", StuckMode::zero}, {"one", StuckMode::one}})
      .describe("Value of a stuck cell: mixed (state 0 or 1 at random), zero (state 0: weight -1) or one "
                "(state 1: weight +1).");
  s.add("cim.array.faults.seed", [](auto& c) -> auto& { return c.cim.cells.faults.seed; })
      .inherit("seed")
      .describe("Seed of the stuck-cell map (random stream 5).");
  // RRAM cells (models/circuit rram_cell.h RramCellConfig; docs/rram.md)
  s.add_enum("cim.array.kind", [](auto& c) -> auto& { return c.cim.cells.kind; },
             std::vector<std::pair<std::string, ArrayKind>>{{"sram", ArrayKind::sram}, {"rram", ArrayKind::rram}})
      .describe("Cell technology of the array stage: sram (6T/8T bitcells, cim.array.cell) or rram (binary RRAM "
                "cells, Tang et al. ASP-DAC 2017: cim.array.rram.*; priced with tech: rram). Ideal cells of both "
                "give the same results.");
  s.add_enum("cim.array.rram.device", [](auto& c) -> auto& { return c.cim.cells.rram.device; },
             std::vector<std::pair<std::string, RramDevice>>{{"1t1r", RramDevice::one_t_one_r},
                                                             {"0t1r", RramDevice::zero_t_one_r}})
      .describe("RRAM device (cim.array.kind=rram): 1t1r (access transistor + resistor) or 0t1r (bare crossbar "
                "point); same cell math, priced as the technology's rram_1t1r / rram_0t1r cell.");
  s.add_enum("cim.array.rram.scheme", [](auto& c) -> auto& { return c.cim.cells.rram.scheme; },
             std::vector<std::pair<std::string, RramWeightScheme>>{
                 {"differential", RramWeightScheme::differential_pair},
                 {"reference", RramWeightScheme::reference_column}})
      .describe("How a +-1 weight is formed: differential (two cells, I = V(G+ - G-)) or reference (one cell "
                "against a reference column at (G_HRS + G_LRS)/2 per crossbar).");
  s.add("cim.array.rram.g_lrs_us", [](auto& c) -> auto& { return c.cim.cells.rram.g_lrs_us; })
      .with_unit("uS").above(0.0)
      .describe("Low-resistance-state conductance (> cim.array.rram.g_hrs_us); with g_hrs_us it sets the "
                "on/off ratio, which shapes how variation and stuck cells disturb the partial sums.");
  s.add("cim.array.rram.g_hrs_us", [](auto& c) -> auto& { return c.cim.cells.rram.g_hrs_us; })
      .with_unit("uS").above(0.0)
      .describe("High-resistance-state conductance (> 0).");
  s.add("cim.array.rram.v_read_v", [](auto& c) -> auto& { return c.cim.cells.rram.v_read_v; })
      .with_unit("V").above(0.0)
      .describe("Read voltage of an input of 1 (column currents I = V * sum x (G+ - G-); the partial sums are "
                "normalized by the unit current, so results do not depend on it).");
  s.add("cim.array.rram.variation_sigma", [](auto& c) -> auto& { return c.cim.cells.rram.variation_sigma; })
      .range(0.0, 1.0)
      .describe("Device-to-device variation: each cell's conductance times exp(sigma * N(0,1)) (log-normal, "
                "never negative), keyed per (layer, input, neuron, cell) (random stream 8); 0 = ideal.");
  s.add("cim.array.rram.stuck_hrs_rate", [](auto& c) -> auto& { return c.cim.cells.rram.stuck_hrs_rate; })
      .range(0.0, 1.0)
      .describe("Fraction of RRAM cells stuck at HRS whatever is programmed (random stream 9).");
  s.add("cim.array.rram.stuck_lrs_rate", [](auto& c) -> auto& { return c.cim.cells.rram.stuck_lrs_rate; })
      .range(0.0, 1.0)
      .describe("Fraction of RRAM cells stuck at LRS (stuck_hrs_rate + stuck_lrs_rate <= 1).");
  s.add("cim.array.rram.seed", [](auto& c) -> auto& { return c.cim.cells.rram.seed; })
      .inherit("seed")
      .describe("Seed of the RRAM variation and stuck-cell maps (streams 8 and 9).");
  s.add("cim.array.rram.set_energy_pj", [](auto& c) -> auto& { return c.cim.cells.rram.set_energy_pj; })
      .with_unit("pJ").min(0.0)
      .describe("Energy of one SET pulse (HRS to LRS) when a layer is programmed (docs/rram.md for the source).");
  s.add("cim.array.rram.reset_energy_pj", [](auto& c) -> auto& { return c.cim.cells.rram.reset_energy_pj; })
      .with_unit("pJ").min(0.0)
      .describe("Energy of one RESET pulse (LRS to HRS).");
  s.add("cim.array.read_ns", [](auto& c) -> auto& { return c.cim.timing.array_read_ns; })
      .as_time().min(0)
      .describe("One sub-array read (precharge + word lines on), per sensing segment and vector.");

  // two-way array (Jiang et al. DAC 2020; models/cim/array/two_way_config.h, docs/two-way-training.md)
  s.add("cim.two_way.enabled", [](auto& c) -> auto& { return c.cim.two_way.enabled; })
      .describe("Two-way array: the stored weights are also read transposed (errors on the columns, sums on the "
                "rows, row converters of the cim.sense kind and bits) and written row by row; enables the "
                "BACKWARD / UPDATE / KEEP commands; cells priced as sram_8t_twoway (docs/two-way-training.md).");
  s.add("cim.two_way.transposed_read_ns", [](auto& c) -> auto& { return c.cim.two_way.transposed_read_ns; })
      .as_time().min(0)
      .describe("One transposed read of a sub-array (column lines driven with one error bit plane, row lines "
                "settled), per column segment, plane and vector; the row converters' conversion time is added.");
  s.add("cim.two_way.row_write_ns", [](auto& c) -> auto& { return c.cim.two_way.row_write_ns; })
      .as_time().min(0)
      .describe("One row write of the weight update (the sub-arrays holding a layer row are written in "
                "parallel), charged when a cell of the row changes.");

  // sense stage (models/circuit SenseConfig)
  s.add_enum("cim.sense.kind", [](auto& c) -> auto& { return c.cim.sense.kind; },
             std::vector<std::pair<std::string, SenseKind>>{{"mlsa", SenseKind::mlsa}, {"adc", SenseKind::adc}})
      .describe("Column sensing: mlsa (multi-level sense amplifier, programmable references) or adc (uniform "
                "column ADC, SAR or flash; docs/column-adc.md).");
  s.add("cim.sense.bits", [](auto& c) -> auto& { return c.cim.sense.bits; })
      .range(1u, 16u)
      .describe("Converter resolution: 2^bits levels (mlsa 1..8: 2^bits - 1 reference comparators; adc 1..16).");
  s.add_enum("cim.sense.quantization", [](auto& c) -> auto& { return c.cim.sense.quantization; },
             std::vector<std::pair<std::string, Quantization>>{{"nonlinear", Quantization::nonlinear},
                                                               {"linear", Quantization::linear},
                                                               {"ideal", Quantization::ideal}})
      .describe("mlsa references: nonlinear (calibrated on sample images, programmed from a table), linear, "
                "or ideal (one level per partial sum: exact).");
  s.add_enum("cim.sense.converter", [](auto& c) -> auto& { return c.cim.sense.converter; },
             std::vector<std::pair<std::string, AdcKind>>{{"sar", AdcKind::sar}, {"flash", AdcKind::flash}})
      .describe("adc architecture: sar (one comparator, bits decisions per conversion) or flash (2^bits - 1 "
                "comparators, one decision).");
  s.add_enum("cim.sense.full_scale", [](auto& c) -> auto& { return c.cim.sense.full_scale; },
             std::vector<std::pair<std::string, AdcRange>>{{"reachable", AdcRange::reachable},
                                                           {"calibrated", AdcRange::calibrated}})
      .describe("adc full scale: every reachable partial sum, or the central window of the calibration "
                "histogram holding cim.sense.coverage of it (values outside saturate).");
  s.add("cim.sense.coverage", [](auto& c) -> auto& { return c.cim.sense.coverage; })
      .above(0.5).max(1.0)
      .describe("adc, full_scale calibrated: fraction of the calibration partial sums inside the full scale "
                "(> 0.5).");
  s.add("cim.sense.offset_sigma", [](auto& c) -> auto& { return c.cim.sense.offset_sigma; })
      .with_unit("PS units").min(0.0)
      .describe("Sigma of the static converter offsets in partial-sum units: mlsa per reference, adc per "
                "column (0 = ideal).");
  s.add("cim.sense.noise_sigma", [](auto& c) -> auto& { return c.cim.sense.noise_sigma; })
      .with_unit("PS units").min(0.0)
      .describe("adc: sigma of the noise of every conversion, keyed by layer, sub-array, plane, column and "
                "vector (0 = none; must be 0 for mlsa).");
  s.add("cim.sense.seed", [](auto& c) -> auto& { return c.cim.sense.seed; })
      .inherit("seed")
      .describe("Seed of the converter offsets and noise.");
  s.add("cim.sense.faults.dead_rate", [](auto& c) -> auto& { return c.cim.sense.faults.rate; })
      .range(0.0, 1.0)
      .describe("Fraction of column converters (MLSA/ADC) dead: their output is stuck at one level whatever the "
                "bit line carries; modelled in the golden reference too; not with row_by_row access (0 = none).");
  s.add_enum("cim.sense.faults.dead_level", [](auto& c) -> auto& { return c.cim.sense.faults.level; },
             std::vector<std::pair<std::string, DeadLevel>>{{"low", DeadLevel::low}, {"high", DeadLevel::high}})
      .describe("Output of a dead converter: its lowest or its highest level.");
  s.add("cim.sense.faults.seed", [](auto& c) -> auto& { return c.cim.sense.faults.seed; })
      .inherit("seed")
      .describe("Seed of the dead-converter map (random stream 6).");
  s.add("cim.sense.mux", [](auto& c) -> auto& { return c.cim.sense.mux; })
      .range(1u, kMaxSubArrayCols)
      .describe("Columns sharing one converter (<= cim.array.cols): their conversions are serialized and a "
                "sub-array has ceil(cols/mux) of them (timing and area only).");
  s.add("cim.sense.decision_ns", [](auto& c) -> auto& { return c.cim.timing.sense_ns; })
      .as_time().min(0)
      .describe("One comparator decision: an mlsa or flash conversion, one SAR step, the 1-bit SA of "
                "row_by_row access.");

  // accumulate stage
  s.add("cim.accumulate.add_ns", [](auto& c) -> auto& { return c.cim.timing.accumulate_ns; })
      .as_time().min(0)
      .describe("One adder stage: per vector and layer 1 + ceil(log2 row blocks) stages.");
  s.add("cim.accumulate.activation_ns", [](auto& c) -> auto& { return c.cim.timing.activation_ns; })
      .as_time().min(0)
      .describe("Threshold activation of a hidden layer, per vector.");

  // buffers, controller, bus master
  s.add("cim.buffer.tile_vectors", [](auto& c) -> auto& { return c.cim.tile_vectors; })
      .range(1u, 65536u)
      .describe("Input vectors processed together through all layers (activation buffer depth); "
                "tile_vectors x cim.controller.max_width at most 16 Mi (sizes the controller's tile buffers).");
  s.add("cim.clock_period_ns", [](auto& c) -> auto& { return c.cim.timing.clock_period_ns; })
      .as_time().above(0)
      .describe("Macro clock: controller, digital periphery, bus beats, MMIO accesses.");
  s.add("cim.controller.capacity_subarrays", [](auto& c) -> auto& { return c.cim.capacity_subarrays; })
      .range(1u, 1u << 20)
      .describe("Physical sub-arrays; a network needs sum over layers of ceil(K/R)*ceil(M/C) (checked "
                "from the .bnn header before the weights are read).");
  s.add("cim.controller.max_layers", [](auto& c) -> auto& { return c.cim.max_layers; })
      .range(1u, 255u)
      .describe("Layer descriptors per network.");
  s.add("cim.controller.max_width", [](auto& c) -> auto& { return c.cim.max_width; })
      .range(1u, 1u << 20)
      .describe("Largest K or M, and largest conv input or pooled output map in bits (on-chip activation "
                "buffer width); with cim.buffer.tile_vectors, tile_vectors x max_width at most 16 Mi.");
  s.add("cim.controller.start_cycles", [](auto& c) -> auto& { return c.cim.timing.start_cycles; })
      .describe("Controller cycles to accept a command.");
  s.add("cim.controller.descriptor_cycles", [](auto& c) -> auto& { return c.cim.timing.descriptor_cycles; })
      .describe("Controller cycles to decode one layer descriptor.");
  s.add("cim.master.bus_width_bytes", [](auto& c) -> auto& { return c.cim.bus_width_bytes; })
      .with_unit("bytes").range(1u, 4096u)
      .describe("Master data bus width (power of two): one beat per clock.");
  s.add("cim.master.burst_bytes", [](auto& c) -> auto& { return c.cim.burst_bytes; })
      .with_unit("bytes").range(1u, 1u << 20)
      .describe("Largest master transaction (its staging buffer); a multiple of cim.master.bus_width_bytes.");
  s.add("cim.master.use_dmi", [](auto& c) -> auto& { return c.cim.use_dmi; })
      .describe("Use DMI to memory when granted.");

  // keys of the flat layout before the stage sections: an error naming the new key
  const std::pair<const char*, const char*> renamed[] = {
      {"cim.rows", "cim.array.rows"},
      {"cim.cols", "cim.array.cols"},
      {"cim.mode", "cim.array.cell"},
      {"cim.access", "cim.array.access"},
      {"cim.group_rows", "cim.array.group_rows"},
      {"cim.cells", "cim.array.variation"},
      {"cim.cells.sigma", "cim.array.variation.sigma"},
      {"cim.cells.seed", "cim.array.variation.seed"},
      {"cim.mlsa", "cim.sense (with cim.sense.kind: mlsa)"},
      {"cim.mlsa.bits", "cim.sense.bits"},
      {"cim.mlsa.quantization", "cim.sense.quantization"},
      {"cim.mlsa.mux", "cim.sense.mux"},
      {"cim.mlsa.offset_sigma", "cim.sense.offset_sigma"},
      {"cim.mlsa.seed", "cim.sense.seed"},
      {"cim.timing", "cim.clock_period_ns, cim.array.read_ns, cim.sense.decision_ns, cim.accumulate.add_ns, "
                     "cim.accumulate.activation_ns, cim.controller.start_cycles, cim.controller.descriptor_cycles"},
      {"cim.timing.clock_period_ns", "cim.clock_period_ns"},
      {"cim.timing.array_read_ns", "cim.array.read_ns"},
      {"cim.timing.mlsa_ns", "cim.sense.decision_ns"},
      {"cim.timing.accumulate_ns", "cim.accumulate.add_ns"},
      {"cim.timing.activation_ns", "cim.accumulate.activation_ns"},
      {"cim.timing.start_cycles", "cim.controller.start_cycles"},
      {"cim.timing.descriptor_cycles", "cim.controller.descriptor_cycles"},
      {"cim.capacity_subarrays", "cim.controller.capacity_subarrays"},
      {"cim.max_layers", "cim.controller.max_layers"},
      {"cim.max_width", "cim.controller.max_width"},
      {"cim.tile_vectors", "cim.buffer.tile_vectors"},
      {"cim.bus_width_bytes", "cim.master.bus_width_bytes"},
      {"cim.burst_bytes", "cim.master.burst_bytes"},
      {"cim.use_dmi", "cim.master.use_dmi"},
  };
  for (const auto& [from, to] : renamed) s.add_renamed(from, to);

  s.add_check(check_cim);
}

bool has_cim(const PlatformConfig& config) {
  return std::any_of(config.router.map.begin(), config.router.map.end(),
                     [](const AddressRange& r) { return r.target == "cim"; });
}

std::uint64_t cim_base(const PlatformConfig& config) {
  for (const auto& r : config.router.map)
    if (r.target == "cim") return r.base;
  throw std::invalid_argument("the address map has no 'cim' entry");
}

}  // namespace cimvp

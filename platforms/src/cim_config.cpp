#include "cimvp/platform/cim_config.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
bool is_power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

void check_cim(const PlatformConfig& c, const CheckContext& ctx) {
  const CimMacroConfig& m = c.cim;
  if (m.array.access == AccessMode::group && m.array.group_rows > m.array.rows)
    ctx.fail("cim.group_rows", "group of " + std::to_string(m.array.group_rows) + " rows is larger than cim.rows (" +
                                   std::to_string(m.array.rows) + ")");
  if (m.sense_mux > m.array.cols)
    ctx.fail("cim.mlsa.mux", std::to_string(m.sense_mux) + " columns per sense amplifier is more than cim.cols (" +
                                 std::to_string(m.array.cols) + ")");
  if (!is_power_of_two(m.bus_width_bytes))
    ctx.fail("cim.bus_width_bytes", "expected a power of two, got " + std::to_string(m.bus_width_bytes));
  if (m.burst_bytes % m.bus_width_bytes != 0)
    ctx.fail("cim.burst_bytes", std::to_string(m.burst_bytes) + " is not a multiple of cim.bus_width_bytes (" +
                                    std::to_string(m.bus_width_bytes) + ")");
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
  try {
    m.validate();
  } catch (const std::invalid_argument& e) {
    ctx.fail("cim", e.what());
  }
}
}  // namespace

void add_cim_keys(ConfigSchema& s) {
  if (KeySpec* target = s.find("address_map[].target")) target->choices.push_back("cim");

  // geometry and sensing (models/circuit structs)
  s.add("cim.rows", [](auto& c) -> auto& { return c.cim.array.rows; })
      .range(1u, kMaxSubArrayRows)
      .describe("Sub-array rows R (word lines); a layer's K inputs split into ceil(K/R) row blocks.");
  s.add("cim.cols", [](auto& c) -> auto& { return c.cim.array.cols; })
      .range(1u, kMaxSubArrayCols)
      .describe("Sub-array columns C (bit lines, one MLSA each); M outputs split into ceil(M/C) column blocks.");
  s.add_enum("cim.mode", [](auto& c) -> auto& { return c.cim.array.mode; },
             std::vector<std::pair<std::string, CellMode>>{{"xnor_8t", CellMode::xnor_8t},
                                                           {"hbnn_6t", CellMode::hbnn_6t}})
      .describe("Bitcell: xnor_8t (weights and activations +-1) or hbnn_6t (weights +-1, activations 0/1).");
  s.add_enum("cim.access", [](auto& c) -> auto& { return c.cim.array.access; },
             std::vector<std::pair<std::string, AccessMode>>{{"parallel", AccessMode::parallel},
                                                             {"group", AccessMode::group},
                                                             {"row_by_row", AccessMode::row_by_row}})
      .describe("Word-line activation: all rows at once, groups of cim.group_rows, or the conventional "
                "row-by-row read.");
  s.add("cim.group_rows", [](auto& c) -> auto& { return c.cim.array.group_rows; })
      .range(1u, kMaxSubArrayRows)
      .describe("Rows activated together in `group` access (<= cim.rows).");
  s.add("cim.mlsa.bits", [](auto& c) -> auto& { return c.cim.mlsa.bits; })
      .range(1u, 8u)
      .describe("MLSA resolution: 2^bits levels, 2^bits - 1 reference comparators per column.");
  s.add_enum("cim.mlsa.quantization", [](auto& c) -> auto& { return c.cim.mlsa.quantization; },
             std::vector<std::pair<std::string, Quantization>>{{"nonlinear", Quantization::nonlinear},
                                                               {"linear", Quantization::linear},
                                                               {"ideal", Quantization::ideal}})
      .describe("MLSA references: nonlinear (calibrated on sample images, programmed from a table), linear, "
                "or ideal (one level per partial sum: exact).");
  s.add("cim.mlsa.mux", [](auto& c) -> auto& { return c.cim.sense_mux; })
      .range(1u, kMaxSubArrayCols)
      .describe("Columns sharing one sense amplifier (<= cim.cols): their conversions are serialized and a "
                "sub-array has ceil(cols/mux) of them (timing and area only).");
  s.add("cim.mlsa.offset_sigma", [](auto& c) -> auto& { return c.cim.mlsa.offset_sigma; })
      .with_unit("PS units").min(0.0)
      .describe("Sigma of each MLSA reference's random offset, in partial-sum units (0 = ideal comparators).");
  s.add("cim.mlsa.seed", [](auto& c) -> auto& { return c.cim.mlsa.seed; })
      .inherit("seed")
      .describe("Seed of the MLSA offsets.");
  s.add("cim.cells.sigma", [](auto& c) -> auto& { return c.cim.cells.sigma; })
      .min(0.0)
      .describe("Relative sigma of each bitcell's read current, factor 1 + N(0, sigma) (0 = ideal cells).");
  s.add("cim.cells.seed", [](auto& c) -> auto& { return c.cim.cells.seed; })
      .inherit("seed")
      .describe("Seed of the cell variation.");

  // capacity and master
  s.add("cim.capacity_subarrays", [](auto& c) -> auto& { return c.cim.capacity_subarrays; })
      .min(1u)
      .describe("Physical sub-arrays; a network needs sum over layers of ceil(K/R)*ceil(M/C).");
  s.add("cim.max_layers", [](auto& c) -> auto& { return c.cim.max_layers; })
      .range(1u, 255u)
      .describe("Layer descriptors per network.");
  s.add("cim.max_width", [](auto& c) -> auto& { return c.cim.max_width; })
      .range(1u, 1u << 20)
      .describe("Largest K or M (on-chip activation buffer width).");
  s.add("cim.tile_vectors", [](auto& c) -> auto& { return c.cim.tile_vectors; })
      .range(1u, 65536u)
      .describe("Input vectors processed together through all layers (activation buffer depth).");
  s.add("cim.bus_width_bytes", [](auto& c) -> auto& { return c.cim.bus_width_bytes; })
      .with_unit("bytes").range(1u, 4096u)
      .describe("Master data bus width (power of two): one beat per clock.");
  s.add("cim.burst_bytes", [](auto& c) -> auto& { return c.cim.burst_bytes; })
      .with_unit("bytes").min(1u)
      .describe("Largest master transaction; a multiple of cim.bus_width_bytes.");
  s.add("cim.use_dmi", [](auto& c) -> auto& { return c.cim.use_dmi; })
      .describe("Use DMI to memory when granted.");

  // timing
  s.add("cim.timing.clock_period_ns", [](auto& c) -> auto& { return c.cim.timing.clock_period_ns; })
      .as_time().above(0)
      .describe("Macro clock: controller, digital periphery, bus beats, MMIO accesses.");
  s.add("cim.timing.array_read_ns", [](auto& c) -> auto& { return c.cim.timing.array_read_ns; })
      .as_time().min(0)
      .describe("One sub-array read (precharge + word lines on), per sensing segment and vector.");
  s.add("cim.timing.mlsa_ns", [](auto& c) -> auto& { return c.cim.timing.mlsa_ns; })
      .as_time().min(0)
      .describe("One sensing decision (MLSA; the 1-bit SA in row_by_row access).");
  s.add("cim.timing.accumulate_ns", [](auto& c) -> auto& { return c.cim.timing.accumulate_ns; })
      .as_time().min(0)
      .describe("One adder stage: per vector and layer 1 + ceil(log2 row blocks) stages.");
  s.add("cim.timing.activation_ns", [](auto& c) -> auto& { return c.cim.timing.activation_ns; })
      .as_time().min(0)
      .describe("Threshold activation of a hidden layer, per vector.");
  s.add("cim.timing.start_cycles", [](auto& c) -> auto& { return c.cim.timing.start_cycles; })
      .describe("Controller cycles to accept a command.");
  s.add("cim.timing.descriptor_cycles", [](auto& c) -> auto& { return c.cim.timing.descriptor_cycles; })
      .describe("Controller cycles to decode one layer descriptor.");

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

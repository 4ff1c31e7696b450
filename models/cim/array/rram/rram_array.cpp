#include "cimvp/cim/array/rram/rram_array.h"

#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const CellVariationConfig& rram_only(const CellVariationConfig& c) {
  if (c.kind != ArrayKind::rram)
    throw std::invalid_argument("RramArray: CellVariationConfig.kind = " + std::string(to_string(c.kind)) +
                                ", expected rram");
  return c;
}
}  // namespace

RramArray::RramArray(sc_core::sc_module_name name, const SubArrayConfig& array, const CellVariationConfig& cells,
                     double read_ns, double clock_ns)
    : BitcellArray(name, array, rram_only(cells), read_ns, clock_ns) {
  c_sets_ = counters_.declare("rram_sets");
  c_resets_ = counters_.declare("rram_resets");
}

CellKind RramArray::cell_kind() const {
  return cells_.rram.device == RramDevice::zero_t_one_r ? CellKind::rram_0t1r : CellKind::rram_1t1r;
}

void RramArray::program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                              const std::int8_t* weights) {
  BitcellArray::program_layer(layer, inputs, outputs, kind, weights);
  // erased crossbars (all HRS) → SET the LRS cells: one per weight on pairs, the +1 weights on
  // the reference scheme plus the reference cell of every row of every crossbar
  const ArrayBank& bank = layers_[layer];
  std::uint64_t sets = 0;
  if (cells_.rram.scheme == RramWeightScheme::differential_pair) {
    sets = std::uint64_t{inputs} * outputs;
  } else {
    for (std::size_t i = 0; i < std::size_t{inputs} * outputs; ++i) sets += weights[i] > 0;
    for (unsigned rb = 0; rb < bank.row_blocks(); ++rb)
      sets += std::uint64_t{bank.sub_array(rb, 0).active_rows()} * bank.col_blocks();
  }
  counters_.add(c_sets_, sets);
}

void RramArray::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const CellKind kind = cell_kind();
  if (!tech.has(kind))
    throw std::invalid_argument(std::string(name()) + ": technology '" + tech.node + "' has no " + to_string(kind) +
                                " cell for cim.array.kind rram (use tech: rram)");
  const BitcellTech& cell = tech.bitcell(kind);
  const RramCellConfig& rc = cells_.rram;
  const bool ref = rc.scheme == RramWeightScheme::reference_column;
  const EventCost drive = dac_cost(tech, 1);
  const std::uint64_t cycles_per_read = this->cycles_per_read();
  // physical cells conducting in a read: cells per weight × logical cells, + one reference
  // cell per active row of each crossbar read
  const auto physical = [&](const LayerStats& st) { return st.cell_reads * rc.cells_per_weight() + (ref ? st.wordlines : 0); };
  LayerStats total;
  std::uint64_t cell_reads = 0;
  for (std::size_t l = 0; l < stats_.size(); ++l) {
    const LayerStats& st = stats_[l];
    total.reads += st.reads;
    total.wordlines += st.wordlines;
    cell_reads += physical(st);
    ledger.add_layer(layer_row(l, st,
                               static_cast<double>(physical(st)) * cell.read.energy_pj +
                                   static_cast<double>(st.wordlines) * drive.energy_pj +
                                   clock_energy_pj(tech, st.reads * cycles_per_read)));
  }
  ledger.add_event("cell_read", cell_reads, static_cast<double>(cell_reads) * cell.read.energy_pj);
  ledger.add_event("row_drive", total.wordlines, static_cast<double>(total.wordlines) * drive.energy_pj);
  const std::uint64_t cycles = total.reads * cycles_per_read;
  ledger.add_event("clock", cycles, clock_energy_pj(tech, cycles));
  const std::uint64_t sets = counters().get("rram_sets"), resets = counters().get("rram_resets");
  ledger.add_event("cell_set", sets, static_cast<double>(sets) * rc.set_energy_pj);
  ledger.add_event("cell_reset", resets, static_cast<double>(resets) * rc.reset_energy_pj);
  // area of the crossbars the loaded network occupies: physical cells and one 1-bit row DAC
  // per crossbar row
  const std::uint64_t phys_cols = ref ? array_.cols + 1u : 2u * array_.cols;
  for (const ArrayBank& L : layers_) {
    if (L.empty()) continue;
    const std::uint64_t crossbars = std::uint64_t{L.row_blocks()} * L.col_blocks();
    ledger.add_area("rram_cells", crossbars * array_.rows * phys_cols, cell.read.area_um2);
    ledger.add_area("row_dacs", crossbars * array_.rows, drive.area_um2);
  }
}

}  // namespace cimvp

// Array stage kind `rram` (Tang et al., "Binary Convolutional Neural Network on RRAM",
// ASP-DAC 2017; docs/rram.md, "RRAM array stage").
#pragma once

#include "cimvp/cim/array/sram/bitcell_array.h"

#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/circuit/rram_cell.h"

namespace cimvp {

/// RRAM crossbars holding the ±1 weights of every mapped layer: the same tiling, reads and
/// sense-stage hand-off as BitcellArray (the base), with ArrayBanks built from RRAM cells
/// (CellVariationConfig::kind = rram; layer_banks.h, rram_cell.h): differential pairs (2
/// cells per weight) or one cell per weight + a reference column per crossbar, binary
/// HRS/LRS, seeded log-normal variation (stream 8) and stuck HRS/LRS cells (stream 9), so
/// the golden reference built with the same CellVariationConfig gives the same results.
/// Programming: the crossbars start erased (every cell HRS); programming a layer counts one
/// SET pulse per cell raised to LRS (the LRS cell of each pair, the +1 cells of the
/// reference scheme) and one per reference cell (set to the mid conductance), no RESET.
/// Priced (docs/rram.md): `cell_read` per physical cell conducting (active row × programmed
/// logical column × cells per weight, + the reference cell of each active row) at the
/// technology's rram_1t1r / rram_0t1r read energy (Table III power × period); `row_drive`
/// per active row at a 1-bit DAC conversion (Table II: one DAC per crossbar row; a BCNN
/// drives 1-bit inputs); `clock` per read cycle; `cell_set` / `cell_reset` per pulse at
/// RramCellConfig::set_energy_pj / reset_energy_pj.  Area: physical cells of the occupied
/// crossbars × the cell area, row DACs (1-bit) per crossbar row.  No row writes after
/// programming (write_row / two-way arrays are SRAM only).
class RramArray : public BitcellArray {
 public:
  /// cells.kind must be rram (std::invalid_argument otherwise).
  RramArray(sc_core::sc_module_name name, const SubArrayConfig& array, const CellVariationConfig& cells,
            double read_ns, double clock_ns);

  void program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                     const std::int8_t* weights) override;
  /// The base's counters plus rram_sets, rram_resets.
  /// Throws std::invalid_argument when `tech` has no cell of the configured device.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
  /// rram_1t1r or rram_0t1r (the configured device).
  CellKind cell_kind() const;

 private:
  std::size_t c_sets_, c_resets_;
};

}  // namespace cimvp

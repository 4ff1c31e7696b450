// A GTKWave save file for a cimvp VCD (docs/waveforms.md): `--vcd run.vcd` also writes
// run.gtkw (the signals worth opening, grouped, with formats) and the translate filter
// files run.cim-state.txt and run.bus-cmd.txt that name the values of CimMacro's `state`
// (CimState) and of every initiator's `bus_cmd` (BusTrace::Cmd).  Open with
// `gtkwave run.vcd run.gtkw`.
#pragma once

#include <string>
#include <vector>

namespace cimvp {

/// Writes the save file and its two filter files next to `vcd_path` (same stem).  `has_cim`:
/// the platform has a CIM macro (its signals are listed); `has_column`: --vcd-column traced a
/// column (row_block, column_sensed, column_sum are listed).  Throws std::runtime_error naming
/// the file that cannot be written.
void write_gtkwave_save(const std::string& vcd_path, bool has_cim, bool has_column = false);

/// The three files write_gtkwave_save() writes for `vcd_path`: save file, state filter, bus filter.
std::vector<std::string> gtkwave_files(const std::string& vcd_path);

/// The save file's path for a VCD path: the stem plus ".gtkw".
std::string gtkwave_save_path(const std::string& vcd_path);

}  // namespace cimvp

// Cutting a time window out of a VCD file (docs/waveforms.md): `--vcd-window T0:T1` and
// `--vcd-images A:B` of the cimvp command line.
#pragma once

#include <cstdint>
#include <string>

namespace cimvp {

/// Writes to `out_path` the part of the VCD `in_path` between t0 and t1 (inclusive, in
/// the file's time units): the header unchanged, then "#t0" with a $dumpvars block holding
/// every variable's value at t0 (changes at t0 included), then every timestamp in
/// (t0, t1] with its changes, then "#t1".  Reads the input once, line by line (any size).
/// Returns the number of value changes written after the $dumpvars block.  Throws
/// std::runtime_error naming the file when it cannot be read or written or is not a VCD.
std::uint64_t cut_vcd_window(const std::string& in_path, const std::string& out_path, std::uint64_t t0,
                             std::uint64_t t1);

}  // namespace cimvp

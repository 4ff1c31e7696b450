// Reading input files (platform, workload and technology YAML, .bnn weights, IDX data
// sets) safely: only a regular file (symlinks are followed) of at most a documented size
// is read; a device, fifo, directory or oversized file is refused before any byte is
// read (docs/cli.md, "Input files").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// Largest input file cimvp reads: 1 GiB.
inline constexpr std::uint64_t max_input_file_bytes = std::uint64_t{1} << 30;

/// Reads the whole file at `path` into `out`.  Returns "" on success, else why not
/// ("cannot open: No such file or directory", "not a regular file (a character device)",
/// "3 GiB is larger than the 1 GiB limit for input files", "read error: ...").
std::string read_input_file(const std::string& path, std::string& out,
                            std::uint64_t max_bytes = max_input_file_bytes);
std::string read_input_file(const std::string& path, std::vector<std::uint8_t>& out,
                            std::uint64_t max_bytes = max_input_file_bytes);

/// Reads at most the first `prefix_bytes` of the file at `path` into `out` and its size
/// into `file_bytes`, with the same checks as read_input_file (regular file, at most
/// `max_bytes`): lets a loader check a header against the file size before it allocates
/// for the body.  Returns "" on success, else why not.
std::string read_input_prefix(const std::string& path, std::vector<std::uint8_t>& out,
                              std::uint64_t prefix_bytes, std::uint64_t& file_bytes,
                              std::uint64_t max_bytes = max_input_file_bytes);

}  // namespace cimvp

// Output files (--vcd, --report, --report-csv) are written safely (docs/cli.md,
// "Output files"): to a temporary in the target's directory, renamed onto the target
// only when the run is done, and only when the target is absent or a regular file.  A
// symbolic link, device, fifo or directory is never followed, written or replaced, and
// no other file (such as PATH.vcd) is touched.
#pragma once

#include <string>

namespace cimvp {

/// "" when `path` may be written as an output: it does not exist and its directory
/// does, or it is a regular file (not a symbolic link).  Else why not.
std::string output_path_problem(const std::string& path);

/// One output: created as a temporary next to `path` (its name is temp_path() +
/// `suffix`), renamed onto `path` by commit(); removed when never committed.
class OutputFile {
 public:
  /// Checks `path` (output_path_problem) and creates the temporary; std::runtime_error
  /// naming `path` on failure.
  explicit OutputFile(std::string path, std::string suffix = {});
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::string& path() const { return path_; }
  /// Where the writer writes: the temporary's name without `suffix`.
  const std::string& temp_base() const { return temp_; }
  /// The temporary the writer fills (temp_base() + suffix).
  std::string temp_path() const { return temp_ + suffix_; }
  /// Re-checks `path`, then renames the temporary onto it; std::runtime_error on failure.
  void commit();
  /// Removes the temporary (also done by the destructor when not committed).
  void discard() noexcept;

 private:
  std::string path_, suffix_, temp_;
  bool done_ = false;
};

}  // namespace cimvp

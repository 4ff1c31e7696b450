#include "cimvp/workloads/data_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace cimvp {

std::string installed_data_dir() {
  if (const char* env = std::getenv("CIMVP_DATA_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const std::filesystem::path share = exe.parent_path().parent_path() / "share" / "cimvp";
  if (std::filesystem::is_directory(share / "weights", ec)) return share.string();
  return {};
}

}  // namespace cimvp

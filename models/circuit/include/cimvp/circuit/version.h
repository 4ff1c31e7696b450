#pragma once
namespace cimvp {
/// cimvp version string ("major.minor.patch"); the same as macros: version_macros.h.
const char* version();
}  // namespace cimvp

#pragma once
namespace cimvp {
/// cimvp version string ("major.minor.patch").
const char* version();
}  // namespace cimvp

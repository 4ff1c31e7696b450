#include "cimvp/circuit/version.h"
namespace cimvp {
const char* version() { return "0.1.0"; }
}  // namespace cimvp

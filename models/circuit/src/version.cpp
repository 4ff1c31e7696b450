#include "cimvp/circuit/version.h"
#include "cimvp/circuit/version_macros.h"
namespace cimvp {
const char* version() { return CIMVP_VERSION_STRING; }
}  // namespace cimvp

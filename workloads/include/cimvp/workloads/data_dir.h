// Where an installed cimvp finds its data (docs/install.md).
//
// Lookup, first match wins:
//   1. $CIMVP_DATA_DIR when set and not empty;
//   2. <directory of the running program>/../share/cimvp when it holds weights/ (an
//      installed copy: bin/cimvp next to share/cimvp);
//   3. "" — a build tree: callers then use the source tree (workloads/weights) and the
//      build tree's data (build/data/mnist), as before installation.
// Layout under the data directory: weights/*.bnn, data/mnist/*-idx?-ubyte[.gz],
// platforms/*.yaml, tech/*.yaml (the last two for reference: both are embedded in cimvp).
#pragma once

#include <string>

namespace cimvp {

/// The data directory of the rules above, or "" in a build tree.
std::string installed_data_dir();

}  // namespace cimvp

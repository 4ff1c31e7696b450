// cimvp executable: everything happens in cimvp::run_cli (platforms/src/cli.cpp).
#include "cimvp/platform/cli.h"

#include <systemc>

#include <cstdlib>

int sc_main(int argc, char* argv[]) { return cimvp::run_cli(argc, argv); }

int main(int argc, char* argv[]) {
  // SystemC prints its banner to stderr when the kernel starts unless this is set; it
  // must be set before SystemC's own start-up code runs.
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

// Catch2 main for the kernel-free unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

// The unit tests link libsystemc (through cimvp::models, e.g. RegisterFile's use of
// tlm_generic_payload), whose shared object references sc_main.  Catch's main() runs the
// tests; this sc_main is never called.
extern "C" int sc_main(int, char*[]) { return 0; }

// Catch2 main for the kernel-free unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

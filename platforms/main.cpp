// Placeholder until the CLI lands (issue 2).
#include "cimvp/circuit/version.h"
#include <cstdio>
int main() { std::printf("cimvp %s\n", cimvp::version()); return 0; }

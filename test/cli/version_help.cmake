# --version and --help print to stdout and exit 0.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(v --version)
expect_rc(v 0)
if(NOT v_out MATCHES "^cimvp [0-9]+\\.[0-9]+\\.[0-9]+ \\(SystemC 2\\.3\\.4")
  message(FATAL_ERROR "unexpected --version output: ${v_out}")
endif()
file(READ "${SRC}/CMakeLists.txt" top)
string(REGEX MATCH "project\\(cimvp VERSION ([0-9.]+)" _ "${top}")
expect_contains("--version" "${v_out}" "cimvp ${CMAKE_MATCH_1} ")
if(NOT v_err STREQUAL "")
  message(FATAL_ERROR "--version wrote to stderr: ${v_err}")
endif()

cimvp_run(h --help)
expect_rc(h 0)
foreach(opt --platform --workload --set --vcd --report --quantum --log-level --list-platforms --list-keys --help
            --version "Exit codes: 0 ok, 1 simulation failure, 2 bad input")
  expect_contains("--help" "${h_out}" "${opt}")
endforeach()

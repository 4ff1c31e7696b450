# No arguments: the embedded default platform runs the DMA self-test, prints a summary,
# exits 0 and writes nothing to stderr (no SystemC banner either).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(r)
expect_rc(r 0)
expect_contains("summary" "${r_out}" "platform default" "simulated time " "module" "counter" "value"
                "top.dma" "transfers" "top.memory" "top.host" "top.router" "job dma_selftest: PASS - 8/8 DMA copies verified")
if(NOT r_err STREQUAL "")
  message(FATAL_ERROR "stderr is not empty:\n${r_err}")
endif()

# --log-level info shows the self-test's reports on stderr, prefixed
cimvp_run(i --log-level info)
expect_rc(i 0)
expect_contains("stderr at info" "${i_err}" "cimvp: info: " "cimvp/selftest: copy 0: 1 bytes")

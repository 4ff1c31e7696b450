# A job that fails exits 1, says so on stderr, and still writes its report (status fail).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/corrupt.yaml" "job: dma_selftest\ndma_selftest:\n  copies: 2\n  corrupt_copies: 1\n")
cimvp_run(c --workload corrupt.yaml --report c.json)
expect_rc(c 1)
expect_contains("stdout" "${c_out}" "job dma_selftest: FAIL - 1/2 DMA copies verified")
expect_contains("stderr" "${c_err}" "cimvp: warning: " "cimvp/selftest: copy 0" "cimvp: error: simulation failed")
file(READ "${WORK}/c.json" json)
string(JSON status GET "${json}" status)
string(JSON bad GET "${json}" job mismatched_bytes)
if(NOT status STREQUAL "fail" OR NOT bad EQUAL 1)
  message(FATAL_ERROR "report of the failed run: status=${status} mismatched_bytes=${bad}")
endif()

# --log-level error hides the warnings but not the error
cimvp_run(q --workload corrupt.yaml --log-level error)
expect_rc(q 1)
expect_not_contains("stderr at level error" "${q_err}" "cimvp: warning:")
expect_contains("stderr at level error" "${q_err}" "cimvp: error: simulation failed")

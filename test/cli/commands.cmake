# Sub-commands: `cimvp sweep`, `cimvp plot` (runs cimvp-plot, the scripts/plot program copied
# beside the executable); any other first word is an unknown command (exit 2) instead of
# boost's "too many positional options".
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(u plott subarray-bits.out)
expect_bad_input(u "unknown command 'plott'; commands: sweep (cimvp sweep SWEEP.yaml), plot (cimvp plot DIR)")
cimvp_run(u2 run.yaml)
expect_bad_input(u2 "unknown command 'run.yaml'")

# cimvp plot reaches the plotting program: its own usage and its own error for a missing summary
cimvp_run(p plot --help)
expect_rc(p 0)
expect_contains("cimvp plot --help" "${p_out}" "usage: scripts/plot DIR|SUMMARY.csv")
cimvp_run(m plot no-such.out)
expect_rc(m 2)
expect_contains("cimvp plot of a missing directory" "${m_err}" "cimvp plot: error:" "no-such.out")

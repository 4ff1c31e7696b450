# PPA from circuit geometry in the CLI (docs/ppa.md): the bit-line linear range warning,
# tech_timing from the geometry for each access scheme, the power_gating key and the cell
# variation range.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/selftest.yaml" "job: dma_selftest\n")

# 64 rows: within sram65's linear range of 64, no warning; 128 rows: a warning naming both
cimvp_run(narrow --workload selftest.yaml)
expect_rc(narrow 0)
expect_not_contains("output of ${narrow_cmd}" "${narrow_out}${narrow_err}" "cimvp/linear_range")
cimvp_run(wide --workload selftest.yaml --set cim.array.rows=128)
expect_rc(wide 0)
expect_contains("output of ${wide_cmd}" "${wide_out}${wide_err}" "cimvp/linear_range"
                "cim.array.rows 128 exceeds the bit-line linear range of 64 rows")
cimvp_run(unlimited --workload selftest.yaml --set cim.array.rows=128 --set cim.array.linear_range_rows=1024)
expect_rc(unlimited 0)
expect_not_contains("output of ${unlimited_cmd}" "${unlimited_out}${unlimited_err}" "cimvp/linear_range")

# tech_timing: the read time of this sub-array size and access scheme (sram65 6T 64 x 64:
# parallel 1 + 3 ns; row-by-row 1 ns + 1.53 ps + 44.5 ps = 1.046 ns; 1024 x 64 parallel:
# 1.5735 + 0.0015 + 8.392 = 9.967 ns)
foreach(point "parallel;64;^4(\\.0)?$" "row_by_row;64;^1\\.046" "parallel;1024;^9\\.967")
  list(GET point 0 access)
  list(GET point 1 rows)
  list(GET point 2 expect)
  cimvp_run(t --workload selftest.yaml --set tech_timing=true --set cim.array.cell=hbnn_6t
            --set cim.array.access=${access} --set cim.array.rows=${rows} --report t.json)
  expect_rc(t 0)
  file(READ "${WORK}/t.json" tjson)
  string(JSON rd GET "${tjson}" config cim array read_ns)
  if(NOT rd MATCHES "${expect}")
    message(FATAL_ERROR "tech_timing ${access} ${rows} rows: array read ${rd} ns, expected ${expect}")
  endif()
endforeach()

# power gating: stated in the report
cimvp_run(gated --workload selftest.yaml --set cim.power_gating=macro --report g.json)
expect_rc(gated 0)
file(READ "${WORK}/g.json" gjson)
string(JSON gating GET "${gjson}" ppa power_gating)
if(NOT gating STREQUAL "macro")
  message(FATAL_ERROR "ppa.power_gating = ${gating}, expected macro")
endif()
cimvp_run(badgate --workload selftest.yaml --set cim.power_gating=sometimes)
expect_bad_input(badgate "cim.power_gating" "none" "idle_subarrays" "macro")

# bad physics: a cell-current sigma above 1 is bad input
cimvp_run(sigma --workload selftest.yaml --set cim.array.variation.sigma=1.5)
expect_bad_input(sigma "cim.array.variation.sigma" "1.5")

# cimvp-calibrate (docs/ppa.md "Calibration", docs/calibration.md): fidelity rows must state
# their assumptions, no tolerance above 15 %, and the document separates fidelity rows (with
# the configuration the generator writes) from consistency rows (a technology table read back).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)
get_filename_component(bindir "${CIMVP}" DIRECTORY)
set(CAL "${bindir}/cimvp-calibrate")
file(MAKE_DIRECTORY "${WORK}")

function(cal_run name rows_text)
  file(WRITE "${WORK}/${name}.yaml" "${rows_text}")
  execute_process(COMMAND "${CAL}" --rows "${WORK}/${name}.yaml" WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${name}_rc "${rc}" PARENT_SCOPE)
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_err "${err}" PARENT_SCOPE)
  set(${name}_cmd "cimvp-calibrate --rows ${name}.yaml" PARENT_SCOPE)
endfunction()

set(fidelity_row "  - id: f1
    work: Liu et al., DAC 2018
    what: XNOR macro efficiency
    published: 50
    unit: TOPS/W
    relation: lower_bound
    compute: {kind: macro_read, tech: sram65, mode: xnor_8t, rows: 64, cols: 64, mlsa_bits: 3, access: parallel, metric: tops_per_w}
")
set(consistency_row "  - id: c1
    work: Tang et al., ASP-DAC 2017, Table III
    what: 8-bit DAC power
    published: 30
    unit: mW
    compute: {kind: tech, tech: rram, item: dac, bits: 8, quantity: power_mw}
")

# a fidelity row without assumptions: bad input naming the key
cal_run(noassume "rows:\n${fidelity_row}")
expect_rc(noassume 2)
expect_contains("${noassume_cmd}" "${noassume_err}" "rows[0]" "a fidelity row" "needs 'assumptions'")

# a consistency row needs none; a tolerance above 15 % is bad input
cal_run(tol "rows:\n${consistency_row}    tolerance: 0.25\n")
expect_rc(tol 2)
expect_contains("${tol_cmd}" "${tol_err}" "rows[0].tolerance" "expected a fraction in (0, 0.15" "got 0.25")

# both classes: two tables, the fidelity row with its configuration and assumptions
cal_run(both "rows:\n${consistency_row}${fidelity_row}    assumptions: half of the inputs are 1.\n")
expect_rc(both 0)
expect_contains("${both_cmd}" "${both_out}" "## Fidelity rows" "## Consistency rows"
                "*Configuration:* closed-form sub-array read (estimate_macro_read, docs/ppa.md), technology sram65, xnor_8t cells, 64x64 sub-array, 3-bit MLSA, parallel access."
                "*Assumptions:* half of the inputs are 1."
                "| 1 | Tang et al., ASP-DAC 2017, Table III | 8-bit DAC power | 30 | 30 | mW | +0.0 % | ok |")
string(FIND "${both_out}" "## Fidelity rows" f)
string(FIND "${both_out}" "| 2 | Liu et al., DAC 2018 | XNOR macro efficiency" frow)
string(FIND "${both_out}" "## Consistency rows" c)
string(FIND "${both_out}" "| 1 | Tang et al." crow)
if(NOT (f LESS frow AND frow LESS c AND c LESS crow))
  message(FATAL_ERROR "cimvp-calibrate: the fidelity row must be in the fidelity table and the consistency row in "
                      "the consistency table:\n${both_out}")
endif()

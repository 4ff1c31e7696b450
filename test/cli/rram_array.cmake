# Array stage kind rram (docs/rram.md, "RRAM array stage"): the MNIST MLP on RRAM crossbars,
# hardware == golden with ideal cells (same accuracy as SRAM) and with seeded variation and
# stuck cells; bad keys name the key and the allowed values.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/small.yaml"
     "job: cim_inference\ncim_inference:\n  images: 300\n  batch: 128\n  calibration_samples: 300\n")

function(report_get out file)
  file(READ "${WORK}/${file}" j)
  string(JSON v GET "${j}" ${ARGN})
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# ---- bad keys --------------------------------------------------------------------------
cimvp_run(b1 --workload small.yaml --set cim.array.kind=pcm)
expect_bad_input(b1 "cim.array.kind: expected one of: sram, rram")
cimvp_run(b2 --workload small.yaml --set tech=rram --set cim.array.kind=rram --set cim.array.variation.sigma=0.1)
expect_bad_input(b2 "cim.array.variation.sigma" "cim.array.rram.variation_sigma")
cimvp_run(b3 --workload small.yaml --set cim.array.kind=rram)
expect_bad_input(b3 "technology 'sram65' has no rram_1t1r cell for cim.array.kind rram")
cimvp_run(b4 --workload small.yaml --set tech=rram --set cim.array.kind=rram --set cim.array.rram.scheme=pair)
expect_bad_input(b4 "cim.array.rram.scheme: expected one of: differential, reference")
cimvp_run(b5 --workload small.yaml --set tech=rram --set cim.array.kind=rram --set cim.array.rram.stuck_hrs_rate=0.7
          --set cim.array.rram.stuck_lrs_rate=0.7)
expect_bad_input(b5 "cim.array.rram.stuck_lrs_rate")

# ---- SRAM reference and ideal RRAM: the same accuracy ------------------------------------
cimvp_run(s --workload small.yaml --report sram.json)
expect_rc(s 0)
report_get(acc_s sram.json job accuracy hardware)
foreach(scheme differential reference)
  cimvp_run(r --workload small.yaml --set tech=rram --set cim.array.kind=rram --set cim.array.rram.scheme=${scheme}
            --report ideal-${scheme}.json)
  expect_rc(r 0)
  report_get(agree ideal-${scheme}.json job hardware_equals_golden images)
  report_get(acc_r ideal-${scheme}.json job accuracy hardware)
  if(NOT agree EQUAL 300 OR NOT acc_r EQUAL acc_s)
    message(FATAL_ERROR "ideal rram (${scheme}): agree ${agree}, accuracy ${acc_r} vs sram ${acc_s}")
  endif()
endforeach()
expect_contains("ideal rram report" "${r_out}" "cell_read" "cell_set")

# ---- variation and stuck cells: hardware == golden, reproducible by seed ------------------
set(noisy --workload small.yaml --set tech=rram --set cim.array.kind=rram --set cim.array.rram.variation_sigma=0.6
    --set cim.array.rram.stuck_hrs_rate=0.1 --set cim.array.rram.stuck_lrs_rate=0.1)
cimvp_run(v1 ${noisy} --report v1.json)
cimvp_run(v2 ${noisy} --report v2.json)
cimvp_run(v3 ${noisy} --set cim.array.rram.seed=9 --report v3.json)
expect_rc(v1 0)
expect_rc(v2 0)
expect_rc(v3 0)
report_get(agree1 v1.json job hardware_equals_golden images)
report_get(agree3 v3.json job hardware_equals_golden images)
report_get(acc1 v1.json job accuracy hardware)
report_get(acc2 v2.json job accuracy hardware)
report_get(acc3 v3.json job accuracy hardware)
if(NOT agree1 EQUAL 300 OR NOT agree3 EQUAL 300 OR NOT acc1 EQUAL acc2)
  message(FATAL_ERROR "rram variation: agree ${agree1}/${agree3}, accuracy ${acc1} vs ${acc2} (same seed)")
endif()
# 20 % stuck cells cost accuracy (another seed, another map: the unit tests check the maps)
if(NOT acc1 LESS acc_s OR NOT acc3 LESS acc_s)
  message(FATAL_ERROR "rram variation: accuracy ${acc1} (seed 1), ${acc3} (seed 9), ideal ${acc_s}")
endif()

# ---- pricing: SET pulses and cell reads by hand ------------------------------------------
# 784-512-512-10 MLP on differential pairs from erased (all-HRS) crossbars: one SET per
# weight = 784*512 + 512*512 + 512*10 = 668672; every logical cell read is two physical
# cells, and every 64x64 sub-array holds 64 x 128 physical cells
report_get(sets ideal-differential.json ppa modules top.cim.array events cell_set count)
report_get(reads_r ideal-differential.json ppa modules top.cim.array events cell_read count)
report_get(reads_s sram.json ppa modules top.cim.array events cell_read count)
report_get(cells_r ideal-differential.json ppa modules top.cim.array area 0 count)
report_get(cells_s sram.json ppa modules top.cim.array area 0 count)
math(EXPR reads_2 "2 * ${reads_s}")
math(EXPR cells_2 "2 * ${cells_s}")
if(NOT sets EQUAL 668672 OR NOT reads_r EQUAL reads_2 OR NOT cells_r EQUAL cells_2)
  message(FATAL_ERROR "rram pricing: ${sets} SETs (expected 668672), ${reads_r} cell reads (sram ${reads_s}), "
                      "${cells_r} cells (sram ${cells_s})")
endif()

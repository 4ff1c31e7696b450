# Calibration reuse in sweeps (docs/sweeps.md, "Calibration reuse"): two points that differ
# only in a key the calibration does not depend on (cim.power_gating) share one calibration,
# computed by the parent before it forks; each point's results equal those of a run of its
# own; a point whose calibration no other point shares calibrates itself.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/s.yaml" "platform: default\nset:\n  - workload.cim_inference.images=40\n"
           "  - workload.cim_inference.calibration_samples=200\n"
           "grid:\n  cim.sense.bits: [2, 3]\n  cim.power_gating: [none, macro]\n")
cimvp_run(s sweep s.yaml -j 2)
expect_rc(s 0)
expect_contains("sweep" "${s_err}${s_out}" "2 calibrations shared by 4 points, computed once")

file(STRINGS "${WORK}/s.out/summary.jsonl" jl)
foreach(line IN LISTS jl)
  string(JSON id GET "${line}" id)
  file(READ "${WORK}/s.out/points/${id}.json" rep)
  string(JSON reused GET "${rep}" job calibration_reused)
  if(NOT reused STREQUAL "ON" AND NOT reused STREQUAL "true")
    message(FATAL_ERROR "point ${id}: calibration_reused ${reused}, expected true")
  endif()
endforeach()

# the shared calibration gives what a run of its own gives: accuracies and sums agree
cimvp_run(own --images 40 --set workload.cim_inference.calibration_samples=200 --set cim.sense.bits=2
          --set cim.power_gating=macro --report own.json)
expect_rc(own 0)
file(READ "${WORK}/own.json" own)
string(JSON own_reused GET "${own}" job calibration_reused)
string(JSON own_golden GET "${own}" job accuracy golden)
string(JSON own_hw GET "${own}" job accuracy hardware)
string(JSON own_e GET "${own}" ppa totals macro energy_pj)
set(found FALSE)
foreach(line IN LISTS jl)
  string(JSON bits GET "${line}" cim.sense.bits)
  string(JSON gating GET "${line}" cim.power_gating)
  if(bits STREQUAL "2" AND gating STREQUAL "macro")
    string(JSON id GET "${line}" id)
    file(READ "${WORK}/s.out/points/${id}.json" rep)
    string(JSON golden GET "${rep}" job accuracy golden)
    string(JSON hw GET "${rep}" job accuracy hardware)
    string(JSON e GET "${rep}" ppa totals macro energy_pj)
    if(NOT golden STREQUAL own_golden OR NOT hw STREQUAL own_hw OR NOT e STREQUAL own_e)
      message(FATAL_ERROR "shared calibration: golden ${golden} hardware ${hw} energy ${e}; own run: ${own_golden} "
                          "${own_hw} ${own_e}")
    endif()
    set(found TRUE)
  endif()
endforeach()
if(NOT found OR NOT own_reused STREQUAL "OFF" AND NOT own_reused STREQUAL "false")
  message(FATAL_ERROR "no point bits=2 gating=macro in the summary, or a single run reused (${own_reused})")
endif()

# points with calibrations of their own: nothing is shared
file(WRITE "${WORK}/d.yaml" "platform: default\nset:\n  - workload.cim_inference.images=20\n"
           "  - workload.cim_inference.calibration_samples=100\ngrid:\n  cim.sense.bits: [2, 3]\n")
cimvp_run(d sweep d.yaml -j 2)
expect_rc(d 0)
expect_not_contains("sweep" "${d_err}${d_out}" "shared by")

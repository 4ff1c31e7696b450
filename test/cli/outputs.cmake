# --vcd and --report write valid files; reports of identical runs are identical except
# wall_time_s; a VCD path without ".vcd" is honoured exactly.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

# (the DMA self-test: quick, and its counters are known)
file(WRITE "${WORK}/selftest.yaml" "job: dma_selftest\n")
cimvp_run(r --workload selftest.yaml --vcd t.vcd --report r.json)
expect_rc(r 0)
foreach(f t.vcd r.json)
  if(NOT EXISTS "${WORK}/${f}")
    message(FATAL_ERROR "${f} was not written")
  endif()
endforeach()

file(READ "${WORK}/t.vcd" vcd)
expect_contains("t.vcd" "${vcd}" "$timescale" "$enddefinitions" "$scope module top $end" "dma_irq" "busy"
                "waiting_irq" "\n#")
if(NOT vcd MATCHES "\n#[1-9][0-9]*\n")
  message(FATAL_ERROR "t.vcd has no non-zero time stamp")
endif()

file(READ "${WORK}/r.json" json)
string(JSON version GET "${json}" cimvp)
string(JSON platform GET "${json}" platform)
string(JSON status GET "${json}" status)
string(JSON sim GET "${json}" simulated_time_ns)
string(JSON seed GET "${json}" seed)
string(JSON quantum GET "${json}" config quantum_ns)
string(JSON base GET "${json}" config address_map 1 base)
string(JSON transfers GET "${json}" modules top.dma transfers)
string(JSON passed GET "${json}" job passed)
string(JSON first_key MEMBER "${json}" 0)
if(NOT platform STREQUAL "default" OR NOT status STREQUAL "pass" OR NOT seed EQUAL 1 OR NOT transfers EQUAL 8
   OR NOT passed STREQUAL "ON" OR NOT first_key STREQUAL "cimvp" OR NOT base EQUAL 1073741824
   OR NOT quantum EQUAL 1000)
  message(FATAL_ERROR "unexpected report contents:\n${json}")
endif()
if(NOT sim GREATER 0)
  message(FATAL_ERROR "simulated_time_ns is ${sim}")
endif()

# determinism: a second identical run gives the same report but for wall_time_s
cimvp_run(again --workload selftest.yaml --report r2.json)
expect_rc(again 0)
file(READ "${WORK}/r2.json" json2)
string(JSON json SET "${json}" wall_time_s 0)
string(JSON json2 SET "${json2}" wall_time_s 0)
if(NOT json STREQUAL json2)
  message(FATAL_ERROR "two identical runs gave different reports")
endif()

# exact VCD path without the .vcd suffix
cimvp_run(w --workload selftest.yaml --vcd wave)
expect_rc(w 0)
if(NOT EXISTS "${WORK}/wave" OR EXISTS "${WORK}/wave.vcd")
  message(FATAL_ERROR "--vcd wave did not write exactly 'wave'")
endif()

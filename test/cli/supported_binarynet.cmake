# The built-in supported-binarynet platform end to end (issue 10): the job passes on real
# Fashion-MNIST with the narrow supported network fmnist-xnor-100-sup.bnn, the drop-level table has one row per configured level with hardware == golden at
# every level, and dropping supports never adds DAC programmings, conversions, latency or
# energy (a dropped support is set to the layer's default code, so column groups can only
# merge). Bad drop levels are refused before anything is simulated.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(s --platform supported-binarynet --images 120 --report s.json)
expect_rc(s 0)
expect_contains("supported-binarynet run" "${s_out}"
                "job cim_inference: PASS (hardware == golden on 120/120 images"
                "fashion-mnist/test" "fmnist-xnor-100-sup.bnn (784-100-10" "support drop-level trade-off")

# parse the table: drop %, ideal, golden, hardware, hw==gold, programs, convs, latency, energy
string(REGEX MATCH "support drop-level trade-off[^\n]*\n[^\n]*\n(([^\n]*\n)*)" _ "${s_out}")
string(REPLACE "\n" ";" rows "${CMAKE_MATCH_1}")
set(levels "")
set(prev_programs "")
set(prev_convs "")
set(prev_energy "")
foreach(row IN LISTS rows)
  if(NOT row MATCHES "^ +([0-9.]+) +[0-9.]+ % +([0-9.]+) % +([0-9.]+) % +([0-9]+) +([0-9]+) +([0-9]+) +([0-9.]+) us +([0-9.]+) nJ")
    break()
  endif()
  list(APPEND levels "${CMAKE_MATCH_1}")
  if(NOT CMAKE_MATCH_2 STREQUAL CMAKE_MATCH_3 OR NOT CMAKE_MATCH_4 EQUAL 120)
    message(FATAL_ERROR "hardware differs from golden at drop ${CMAKE_MATCH_1} %:\n${row}")
  endif()
  if(prev_programs AND (CMAKE_MATCH_5 GREATER prev_programs OR CMAKE_MATCH_6 GREATER prev_convs))
    message(FATAL_ERROR "dropping more supports added DAC work:\n${s_out}")
  endif()
  if(prev_energy AND CMAKE_MATCH_8 GREATER prev_energy)
    message(FATAL_ERROR "dropping more supports added energy:\n${s_out}")
  endif()
  set(prev_programs "${CMAKE_MATCH_5}")
  set(prev_convs "${CMAKE_MATCH_6}")
  set(prev_energy "${CMAKE_MATCH_8}")
endforeach()
if(NOT levels STREQUAL "0.0;25.0;50.0;75.0;90.0")
  message(FATAL_ERROR "drop levels in the table: '${levels}', expected the platform's 0/25/50/75/90:\n${s_out}")
endif()

# one level from the command line: a one-row table (with the wide MNIST network, the
# platform's workload before the narrow Fashion-MNIST one)
cimvp_run(one --platform supported-binarynet --images 40 --set workload.cim_inference.drop_levels=500
          --set workload.cim_inference.dataset=mnist --set workload.cim_inference.weights=mnist-xnor-sup.bnn)
expect_rc(one 0)
expect_contains("one level" "${one_out}" "     50.0 " "hardware == golden on 40/40 images" "mnist-xnor-sup.bnn")
expect_not_contains("one level" "${one_out}" "     90.0 ")

# a drop level above 1000 per mille is refused, naming the key
cimvp_run(bad --platform supported-binarynet --images 40 --set workload.cim_inference.drop_levels=0,1200)
expect_bad_input(bad "drop_levels" "1000")

# Fashion-MNIST with 8-bit supports: the bit line's linear range (64 rows in sram65) is in
# rows of full-scale drive, so supported sums up to 64 x 255 DAC units are not clipped at
# +/-64 (they were: golden = hardware = 13.5 % against the ideal 89 %)
cimvp_run(fm --platform supported-binarynet --images 200 --set workload.cim_inference.drop_levels=
          --set workload.cim_inference.dataset=fashion-mnist --set workload.cim_inference.weights=fmnist-xnor-sup.bnn)
expect_rc(fm 0)
if(NOT fm_out MATCHES "ideal BNN ([0-9]+)\\.[0-9]+ %   golden ([0-9]+)\\.[0-9]+ %   hardware ([0-9]+)\\.")
  message(FATAL_ERROR "no accuracy line:\n${fm_out}")
endif()
math(EXPR floor "${CMAKE_MATCH_1} - 3")  # 8-bit DACs and calibrated 8-bit ADCs: within 3 points
if(CMAKE_MATCH_2 LESS floor OR NOT CMAKE_MATCH_2 EQUAL CMAKE_MATCH_3)
  message(FATAL_ERROR "supported Fashion-MNIST: golden ${CMAKE_MATCH_2} % / hardware ${CMAKE_MATCH_3} % against the ideal "
                      "${CMAKE_MATCH_1} %:\n${fm_out}")
endif()

# Waveforms worth opening (docs/waveforms.md): the detail signals of the CIM macro (layer,
# plane, vector, per-read word lines and conversions, a chosen column's levels and sums) and every initiator's bus
# transactions show at the simulated times they describe; --vcd-window and --vcd-images cut
# the file; a GTKWave save file and its filters are written beside it.  The VCD is read by an
# independent parser (npm package vcd-parser 1.0.1, installed into the build directory).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(w --images 100 --vcd whole.vcd --vcd-window 0:1s --report r.json)
expect_rc(w 0)
cimvp_run(i --images 100 --vcd image0.vcd --vcd-images 0:1)
expect_rc(i 0)
# a traced run is timed exactly as an untraced one (the timeline only observes)
cimvp_run(u --images 100 --report r0.json)
expect_rc(u 0)
file(READ "${WORK}/r.json" traced)
file(READ "${WORK}/r0.json" untraced)
string(JSON t_ns GET "${traced}" simulated_time_ns)
string(JSON u_ns GET "${untraced}" simulated_time_ns)
string(JSON t_inf GET "${traced}" job inference_ns)
string(JSON u_inf GET "${untraced}" job inference_ns)
if(NOT t_ns STREQUAL u_ns OR NOT t_inf STREQUAL u_inf)
  message(FATAL_ERROR "traced run: ${t_ns} ns (inference ${t_inf}), untraced: ${u_ns} ns (inference ${u_inf})")
endif()
foreach(f whole.gtkw whole.cim-state.txt whole.bus-cmd.txt)
  if(NOT EXISTS "${WORK}/${f}")
    message(FATAL_ERROR "--vcd whole.vcd did not write ${f}")
  endif()
endforeach()
file(READ "${WORK}/whole.gtkw" gtkw)
expect_contains("whole.gtkw" "${gtkw}" "[dumpfile] \"${WORK}/whole.vcd\"" "SystemC.top.cim.layer[31:0]"
                "^1 ${WORK}/whole.cim-state.txt" "SystemC.top.dma.bus_cmd[31:0]")
file(READ "${WORK}/whole.cim-state.txt" states)
expect_contains("state filter" "${states}" "3 compute")

# bad options
cimvp_run(b1 --vcd-images 0:1)
expect_bad_input(b1 "--vcd-images: needs --vcd FILE")
cimvp_run(b2 --vcd x.vcd --vcd-window 5us:1us)
expect_bad_input(b2 "--vcd-window: expected T0:T1")
cimvp_run(b3 --images 10 --vcd x.vcd --vcd-images 50:60)
expect_bad_input(b3 "--vcd-images: the macro computed no image in 50:60 (it computed 10 images)")
cimvp_run(b4 --vcd x.vcd --vcd-window 0:1 --vcd-images 0:1)
expect_bad_input(b4 "exclude each other")
# outputs never share a path, the GTKWave files get the checks of every output
cimvp_run(b5 --vcd foo.gtkw --images 10)
expect_bad_input(b5 "--vcd and --vcd's GTKWave file name the same file 'foo.gtkw'")
cimvp_run(b6 --vcd w.vcd --report w.gtkw --images 10)
expect_bad_input(b6 "--report and --vcd's GTKWave file name the same file")
file(CREATE_LINK "${WORK}/target" "${WORK}/l.gtkw" SYMBOLIC)
cimvp_run(b7 --vcd l.vcd --images 10)
expect_bad_input(b7 "cannot write 'l.gtkw': is a symbolic link")
if(EXISTS "${WORK}/target")
  message(FATAL_ERROR "cimvp wrote through the link l.gtkw")
endif()
file(WRITE "${WORK}/st.yaml" "job: dma_selftest\n")
cimvp_run(b8 --workload st.yaml --vcd s.vcd --vcd-images 0:1)
expect_bad_input(b8 "--vcd-images: needs the cim_inference job")
cimvp_run(late --images 10 --vcd late.vcd --vcd-window 2s:3s)
expect_rc(late 0)
expect_contains("late window" "${late_err}" "--vcd-window starts after the run ended")

# --vcd-column: the chosen column's levels and sums (exact read: level = 2·PS), checked
# below against cimvp-column-ps (plain loops over the stored weights and image 0's pixels); --vcd-window
# 0:1s keeps the whole run but drops the SystemC $comment vcd-parser cannot read, as above
cimvp_run(col --images 100 --set cim.array.access=row_by_row --vcd col.vcd --vcd-window 0:1s --vcd-column 0:7
          --report rc.json)
expect_rc(col 0)
file(READ "${WORK}/rc.json" col_report)
string(JSON c_ns GET "${col_report}" simulated_time_ns)
cimvp_run(colu --images 100 --set cim.array.access=row_by_row --report rcu.json)
expect_rc(colu 0)
file(READ "${WORK}/rcu.json" colu_report)
string(JSON cu_ns GET "${colu_report}" simulated_time_ns)
if(NOT c_ns STREQUAL cu_ns)
  message(FATAL_ERROR "--vcd-column run: ${c_ns} ns, untraced: ${cu_ns} ns")
endif()
file(READ "${WORK}/col.gtkw" col_gtkw)
expect_contains("col.gtkw" "${col_gtkw}" "SystemC.top.cim.row_block[31:0]" "SystemC.top.cim.column_sensed[31:0]"
                "SystemC.top.cim.column_sum[31:0]")
execute_process(COMMAND "${COLUMN_PS}" "${SRC}/workloads/weights/fmnist-xnor.bnn" fashion-mnist 0 7 64
                OUTPUT_FILE "${WORK}/col_expected.json" RESULT_VARIABLE prc ERROR_VARIABLE perr)
if(NOT prc EQUAL 0)
  message(FATAL_ERROR "cimvp-column-ps failed (${prc}): ${perr}")
endif()
cimvp_run(cb1 --images 10 --vcd-column 0:7)
expect_bad_input(cb1 "--vcd-column: needs --vcd FILE")
cimvp_run(cb2 --images 10 --vcd x.vcd --vcd-column 3:0)
expect_bad_input(cb2 "layer 3 out of range: the network has 3 layers (0..2)")
cimvp_run(cb3 --images 10 --vcd x.vcd --vcd-column 2:10)
expect_bad_input(cb3 "column 10 out of range: layer 2 has 10 outputs (0..9)")
cimvp_run(cb4 --images 10 --vcd x.vcd --vcd-column 1)
expect_bad_input(cb4 "expected LAYER:COLUMN")
cimvp_run(cb5 --workload st.yaml --vcd s.vcd --vcd-column 0:0)
expect_bad_input(cb5 "--vcd-column: needs the cim_inference job")

# the independent reader
get_filename_component(npm_dir "${WORK}/../npm-vcd-parser" ABSOLUTE)
if(NOT EXISTS "${npm_dir}/node_modules/vcd-parser/package.json")
  execute_process(COMMAND npm install --prefix "${npm_dir}" --no-audit --no-fund --no-save --loglevel=error vcd-parser@1.0.1
                  RESULT_VARIABLE nrc OUTPUT_VARIABLE nout ERROR_VARIABLE nerr)
  if(NOT nrc EQUAL 0)
    message(FATAL_ERROR "npm install vcd-parser@1.0.1 failed (${nrc}): ${nout}${nerr}")
  endif()
endif()
execute_process(COMMAND node "${CMAKE_CURRENT_LIST_DIR}/support/vcd_check.js" "${npm_dir}" "${WORK}/r.json"
                        "${WORK}/whole.vcd" "${WORK}/image0.vcd"
                RESULT_VARIABLE crc OUTPUT_VARIABLE cout ERROR_VARIABLE cerr)
message(STATUS "${cout}")
if(NOT crc EQUAL 0)
  message(FATAL_ERROR "vcd_check.js: ${cout}${cerr}")
endif()
execute_process(COMMAND node "${CMAKE_CURRENT_LIST_DIR}/support/vcd_column_check.js" "${npm_dir}"
                        "${WORK}/col_expected.json" "${WORK}/col.vcd" 0
                RESULT_VARIABLE crc OUTPUT_VARIABLE cout ERROR_VARIABLE cerr)
message(STATUS "${cout}")
if(NOT crc EQUAL 0)
  message(FATAL_ERROR "vcd_column_check.js: ${cout}${cerr}")
endif()

# The `threads` key (docs/performance.md, "Threads"): the sub-arrays of a read evaluated on
# 1, 2 or 4 threads give the same predictions and the same JSON report, apart from the wall
# time and the `threads` value itself.  Runs the MLSA main job (bit-serial planes, 8 column
# blocks per read) and a column ADC with per-conversion noise and cell variation (analog
# path; the 10-neuron last layer has one column block, so its reads are split over vector
# ranges and the noise must follow the vector index, not the thread).  Bad values: exit 2.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/short.yaml"
     "job: cim_inference\ncim_inference:\n  images: 200\n  batch: 100\n  calibration_samples: 200\n")

# report without the fields that may differ: wall times and the thread count
function(normalized_report file out)
  file(READ "${WORK}/${file}" json)
  string(JSON json REMOVE "${json}" wall_time_s)
  string(JSON json REMOVE "${json}" job inference_wall_s)
  string(JSON json REMOVE "${json}" job images_per_second_wall)
  string(JSON json REMOVE "${json}" config threads)
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

foreach(variant mlsa adc)
  if(variant STREQUAL "adc")
    set(extra --set cim.sense.kind=adc --set cim.sense.bits=4 --set cim.sense.noise_sigma=0.7
              --set cim.sense.offset_sigma=0.3 --set cim.array.variation.sigma=0.1)
  else()
    set(extra)
  endif()
  foreach(t 1 2 4)
    cimvp_run(r${t} --workload short.yaml --set threads=${t} ${extra} --report ${variant}-${t}.json)
    expect_rc(r${t} 0)
    string(REGEX MATCH "hardware == golden on [0-9]+/200 images[^\n]*accuracy [0-9.]+ %" line${t} "${r${t}_out}")
    normalized_report(${variant}-${t}.json json${t})
    file(READ "${WORK}/${variant}-${t}.json" raw)
    string(JSON threads GET "${raw}" config threads)
    if(NOT threads EQUAL t)
      message(FATAL_ERROR "${variant}: report says threads ${threads}, expected ${t}")
    endif()
  endforeach()
  string(FIND "${line1}" "hardware == golden on 200/200 images" ok)
  if(NOT ok EQUAL 0)
    message(FATAL_ERROR "${variant}, 1 thread: ${r1_out}")
  endif()
  foreach(t 2 4)
    if(NOT line${t} STREQUAL line1 OR NOT json${t} STREQUAL json1)
      message(FATAL_ERROR "${variant}: ${t} threads differ from 1 thread:\n${r${t}_out}\n--- 1 thread\n${r1_out}")
    endif()
  endforeach()
endforeach()

cimvp_run(bad --workload short.yaml --set threads=1000)
expect_bad_input(bad "threads: " "<= 256")

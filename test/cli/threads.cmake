# The `threads` key (docs/performance.md, "Threads"): the sub-arrays of a read evaluated on
# 1, 2 or 4 threads give the same predictions and the same JSON report, apart from the wall
# time and the `threads` value itself.  Runs the MLSA main job (bit-serial planes, 8 column
# blocks per read) and a column ADC with per-conversion noise and cell variation (analog
# path; the 10-neuron last layer has one column block, so its reads are split over vector
# ranges and the noise must follow the vector index, not the thread).  With more than one
# thread a tile is computed in two passes (docs/cim-macro.md, "Two-pass tiles"), so these
# runs compare the two-pass tiles with the one-pass loop of 1 thread; further variants: odd
# tile sizes (vector blocks of unequal length, a tile of one vector), hbnn cells (unipolar
# activations: data-dependent word-line counts), RRAM arrays with variation, and a 5-layer
# network of unequal widths (784-512-256-64-10, trained here: pass 1's tasks are in
# different layers at once and share the activation buffers); the VCD waveforms of 1 and 2
# threads are identical.
# Bad values: exit 2.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/short.yaml"
     "job: cim_inference\ncim_inference:\n  images: 200\n  batch: 100\n  calibration_samples: 200\n")
file(WRITE "${WORK}/hbnn.yaml" "job: cim_inference\ncim_inference:\n  images: 200\n  batch: 100\n"
                               "  calibration_samples: 200\n  weights: fmnist-hbnn.bnn\n")
tool_run(train cimvp-train --layers 784-512-256-64-10 --epochs 1 --limit 300 --out ${WORK}/deep.bnn)
expect_rc(train 0)
# default batches (167 images: tiles of 128 and 39 vectors); 2,000 images, so that a run
# with the activation buffers shared unsafely fails most times
file(WRITE "${WORK}/deep.yaml" "job: cim_inference\ncim_inference:\n  images: 2000\n  weights: ${WORK}/deep.bnn\n")

# report without the fields that may differ: wall times and the thread count
function(normalized_report file out)
  file(READ "${WORK}/${file}" json)
  string(JSON json REMOVE "${json}" wall_time_s)
  string(JSON json REMOVE "${json}" job inference_wall_s)
  string(JSON json REMOVE "${json}" job images_per_second_wall)
  string(JSON json REMOVE "${json}" config threads)
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

foreach(variant mlsa adc tiles hbnn rram deep)
  set(workload short.yaml)
  set(images 200)
  if(variant STREQUAL "adc")
    set(extra --set cim.sense.kind=adc --set cim.sense.bits=4 --set cim.sense.noise_sigma=0.7
              --set cim.sense.offset_sigma=0.3 --set cim.array.variation.sigma=0.1)
  elseif(variant STREQUAL "tiles")  # tiles of 37 vectors: 100 = 37 + 37 + 26 per batch
    set(extra --set cim.buffer.tile_vectors=37)
  elseif(variant STREQUAL "hbnn")
    set(workload hbnn.yaml)
    set(extra --set cim.array.cell=hbnn_6t --set cim.buffer.tile_vectors=9)
  elseif(variant STREQUAL "deep")
    set(workload deep.yaml)
    set(images 2000)
    set(extra)
  elseif(variant STREQUAL "rram")
    set(extra --set cim.array.kind=rram --set tech=rram --set cim.array.rram.variation_sigma=0.2)
  else()
    set(extra)
  endif()
  foreach(t 1 2 4)
    cimvp_run(r${t} --workload ${workload} --set threads=${t} ${extra} --report ${variant}-${t}.json)
    expect_rc(r${t} 0)
    string(REGEX MATCH "hardware == golden on [0-9]+/${images} images[^\n]*accuracy [0-9.]+ %" line${t}
           "${r${t}_out}")
    normalized_report(${variant}-${t}.json json${t})
    file(READ "${WORK}/${variant}-${t}.json" raw)
    string(JSON threads GET "${raw}" config threads)
    if(NOT threads EQUAL t)
      message(FATAL_ERROR "${variant}: report says threads ${threads}, expected ${t}")
    endif()
  endforeach()
  string(FIND "${line1}" "hardware == golden on ${images}/${images} images" ok)
  if(NOT ok EQUAL 0)
    message(FATAL_ERROR "${variant}, 1 thread: ${r1_out}")
  endif()
  foreach(t 2 4)
    if(NOT line${t} STREQUAL line1 OR NOT json${t} STREQUAL json1)
      message(FATAL_ERROR "${variant}: ${t} threads differ from 1 thread:\n${r${t}_out}\n--- 1 thread\n${r1_out}")
    endif()
  endforeach()
endforeach()

# waveforms: the same VCD from the one-pass loop and from two-pass tiles (pass 2 emits the
# timeline), apart from the $date header
foreach(t 1 2)
  cimvp_run(v${t} --workload short.yaml --set threads=${t} --vcd wave-${t}.vcd)
  expect_rc(v${t} 0)
  file(READ "${WORK}/wave-${t}.vcd" vcd${t})
  string(REGEX REPLACE "\\$date[^$]*\\$end" "" vcd${t} "${vcd${t}}")
endforeach()
if(NOT vcd1 STREQUAL vcd2)
  message(FATAL_ERROR "the VCD of 2 threads differs from that of 1 thread (wave-1.vcd, wave-2.vcd in ${WORK})")
endif()

cimvp_run(bad --workload short.yaml --set threads=1000)
expect_bad_input(bad "threads: " "<= 256")

# Memory before validation (issue 13, kind 9): headers and sizes are checked before big
# allocations, every size key that drives an allocation is bounded, an allocation failure
# exits 2 naming the limit, and a long DMA self-test prints progress.  The big inputs are
# generated here (MAKE_INPUTS = cimvp-make-inputs): tiny gzip files declaring huge counts and
# a legal 115 MB .bnn, removed at the end.  Runs that must stay small run under
# `prlimit --as=500000000`: before the fix they needed 0.9 to 4.2 GB.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)
if(NOT MAKE_INPUTS)
  message(FATAL_ERROR "run with -DMAKE_INPUTS=<cimvp-make-inputs>")
endif()
find_program(PRLIMIT prlimit REQUIRED)
set(LIMIT --as=500000000)

# limited_run(<name> <env> args...): cimvp under the 500 MB address-space limit
function(limited_run name env)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${env} ${PRLIMIT} ${LIMIT} "${CIMVP}" ${ARGN}
                  WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${name}_rc "${rc}" PARENT_SCOPE)
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_err "${err}" PARENT_SCOPE)
  set(${name}_cmd "prlimit ${LIMIT} cimvp ${ARGN}" PARENT_SCOPE)
endfunction()

function(make_input)
  execute_process(COMMAND "${MAKE_INPUTS}" ${ARGN} WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cimvp-make-inputs ${ARGN} failed")
  endif()
endfunction()

file(WRITE "${WORK}/infer.yaml" "job: cim_inference\n")

# ---- IDX: a ~1 MB gzip declaring 1.37 M images (1.07 GB of data inside), 10000 labels ----
# the counts disagree: found from the two headers before either body is read
file(MAKE_DIRECTORY "${WORK}/ds1")
make_input(idx-gz ds1/t10k-images-idx3-ubyte.gz 1025 1370000 28 28)
make_input(idx ds1/t10k-labels-idx1-ubyte 10000)
limited_run(idx1 "CIMVP_FASHION_MNIST_DIR=${WORK}/ds1" --workload infer.yaml)
expect_bad_input(idx1 "cim_inference.dataset" "ds1/t10k-images-idx3-ubyte.gz holds 1370000 images (IDX dimension 0)"
                 "ds1/t10k-labels-idx1-ubyte holds 10000 labels" "must be equal")

# the header declares more than the compressed size can hold (1032:1): refused up front
file(MAKE_DIRECTORY "${WORK}/ds2")
make_input(idx-gz ds2/t10k-images-idx3-ubyte.gz 1 1370000 28 28)
make_input(idx ds2/t10k-labels-idx1-ubyte 1370000)
limited_run(idx2 "CIMVP_FASHION_MNIST_DIR=${WORK}/ds2" --workload infer.yaml)
expect_bad_input(idx2 "ds2/t10k-images-idx3-ubyte.gz: IDX dimensions 1370000x28x28 declare 1074080000 data bytes"
                 "can hold at most" "1032:1")

# counts agree and the data is really there (1.07 GB): the 500 MB limit is hit while the
# data grows; exit 2 naming the limit (before: "cim_inference.dataset: std::bad_alloc")
file(MAKE_DIRECTORY "${WORK}/ds3")
make_input(idx-gz ds3/t10k-images-idx3-ubyte.gz 1025 1370000 28 28)
make_input(idx ds3/t10k-labels-idx1-ubyte 1370000)
limited_run(idx3 "CIMVP_FASHION_MNIST_DIR=${WORK}/ds3" --workload infer.yaml)
expect_bad_input(idx3 "out of memory while loading the configuration and the workload"
                 "address-space limit of 476 MiB")
file(REMOVE_RECURSE "${WORK}/ds1" "${WORK}/ds2" "${WORK}/ds3")

# ---- .bnn: a legal 115 MB 784-1048576-10 network: capacity is checked from the header ----
make_input(bnn big.bnn 784 1048576 10)
file(WRITE "${WORK}/big.yaml" "job: cim_inference\ncim_inference:\n  weights: ${WORK}/big.bnn\n")
string(TIMESTAMP t0 "%s")
limited_run(bnn1 "X=1" --workload big.yaml)
string(TIMESTAMP t1 "%s")
expect_bad_input(bnn1 "cim.controller.capacity_subarrays" "big.bnn (784-1048576-10) needs 229376 sub-arrays of 64x64"
                 "the macro has 512")
math(EXPR secs "${t1} - ${t0}")
if(secs GREATER 5)
  message(FATAL_ERROR "the capacity error took ${secs} s")
endif()
file(REMOVE "${WORK}/big.bnn")
# the same header over a 1 KB body: the size check, before the body is read
make_input(bnn-short short.bnn 784 1048576 10)
file(WRITE "${WORK}/short.yaml" "job: cim_inference\ncim_inference:\n  weights: ${WORK}/short.bnn\n")
limited_run(bnn2 "X=1" --workload short.yaml --set cim.controller.capacity_subarrays=1048576)
expect_bad_input(bnn2 "cim_inference.weights" "short.bnn: truncated: the header describes 115605628 bytes")

# ---- every size key that drives an allocation is bounded: key, value and range ----------
file(WRITE "${WORK}/selftest.yaml" "job: dma_selftest\n")
foreach(case
    "dma.burst_bytes=0xFFFF_FFF8|dma.burst_bytes: expected an unsigned integer in 1 .. 1 MiB (bytes), got \"0xFFFF_FFF8\""
    "memory.size_bytes=64GiB|memory.size_bytes: expected an unsigned integer in 1 .. 4 GiB (bytes), got \"64GiB\""
    "cim.master.burst_bytes=2MiB|cim.master.burst_bytes: expected an unsigned integer in 1 .. 1 MiB (bytes)"
    "cim.buffer.input_bytes=512MiB|cim.buffer.input_bytes: expected an unsigned integer in 8 .. 256 MiB (bytes)"
    "cim.buffer.output_bytes=1GiB|cim.buffer.output_bytes: expected an unsigned integer in 8 .. 256 MiB (bytes)"
    "cim.controller.capacity_subarrays=4000000|cim.controller.capacity_subarrays: expected an unsigned integer in 1 .. 1048576")
  string(REPLACE "|" ";" parts "${case}")
  list(GET parts 0 set)
  list(GET parts 1 msg)
  limited_run(k "X=1" --workload selftest.yaml --set "${set}")
  expect_bad_input(k "--set: ${msg}")
endforeach()
limited_run(tile "X=1" --set cim.buffer.tile_vectors=65536 --set cim.controller.max_width=1048576)
expect_bad_input(tile "cim.buffer.tile_vectors: 65536 vectors x cim.controller.max_width 1048576"
                 "allowed at most 16777216 (16 Mi)")

# ---- an allocation failure exits 2 and names the limit ------------------------------------
limited_run(oom "X=1" --workload selftest.yaml --set memory.size_bytes=1GiB)
expect_bad_input(oom "out of memory while building or running the platform"
                 "top.memory: cannot allocate 1073741824 bytes (memory.size_bytes)"
                 "address-space limit of 476 MiB (RLIMIT_AS")

# ---- a long DMA self-test shows progress on stderr; stdout does not change -----------------
file(WRITE "${WORK}/long.yaml" "job: dma_selftest\ndma_selftest:\n  copies: 40\n  max_bytes: 1MiB\n  progress_s: 0.000001\n")
cimvp_run(p1 --workload long.yaml --report p1.json)
expect_rc(p1 0)
expect_contains("stderr" "${p1_err}" "cimvp: dma_selftest: 1/40 copies (2 %)" "cimvp: dma_selftest: 39/40 copies (98 %)")
expect_not_contains("stdout" "${p1_out}" "copies (")
file(WRITE "${WORK}/quiet.yaml" "job: dma_selftest\ndma_selftest:\n  copies: 40\n  max_bytes: 1MiB\n  progress_s: 0\n")
cimvp_run(p0 --workload quiet.yaml --report p0.json)
expect_rc(p0 0)
expect_not_contains("stderr" "${p0_err}" "dma_selftest:")
file(READ "${WORK}/p1.json" j1)
file(READ "${WORK}/p0.json" j0)
string(JSON t1 GET "${j1}" job transfers)
string(JSON t0 GET "${j0}" job transfers)
if(NOT t1 STREQUAL t0)
  message(FATAL_ERROR "progress output changed the transfers of the report")
endif()

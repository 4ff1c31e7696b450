# No arguments: the embedded default platform runs the main job (BNN inference of the
# Fashion-MNIST test set on the CIM macro), prints a summary, exits 0 and writes nothing to
# stderr (no SystemC banner, no progress bar when stderr is not a terminal).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(r)
expect_rc(r 0)
expect_contains("summary" "${r_out}" "platform default" "simulated time " "module" "counter" "value"
                "top.cim" "top.cim.array" "top.cim.sense" "top.cim.accumulator" "top.memory" "top.host"
                "top.router" "job cim_inference: PASS (hardware == golden on 10000/10000 images; hardware accuracy 88.09 %) - fashion-mnist/test, 10000 images, fmnist-xnor.bnn"
                "accuracy   ideal BNN " "hardware == golden on 10000/10000 images")
if(NOT r_err STREQUAL "")
  message(FATAL_ERROR "stderr is not empty:\n${r_err}")
endif()

# --log-level info shows the DMA self-test's reports on stderr, prefixed
file(WRITE "${WORK}/selftest.yaml" "job: dma_selftest\n")
cimvp_run(i --workload selftest.yaml --log-level info)
expect_rc(i 0)
expect_contains("stderr at info" "${i_err}" "cimvp: info: " "cimvp/selftest: copy 0: 1 bytes")

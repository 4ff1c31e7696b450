# The built-in rram-bcnn platform: MNIST through mnist-bcnn.bnn (conv layers on the CIM macro)
# passes with hardware == golden, prints the per-layer PPA rows, T_pip of the layer pipeline
# beside the non-pipelined latency and the CNN-vs-BCNN estimate; the pipeline option on a
# dense network is bad input naming the key.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(r --platform rram-bcnn --images 50 --set workload.cim_inference.calibration_samples=200 --report r.json)
expect_rc(r 0)
expect_contains("rram-bcnn run" "${r_out}" "platform rram-bcnn" "PASS" "hardware == golden on 50/50 images"
                "28x28x1-c20k5,pool2-c50k5,pool2-500-10" "layer pipeline  T_pip" "not pipelined"
                "pipeline sums == exact" "CNN vs BCNN" "published 18.39 vs 13.55")
file(READ "${WORK}/r.json" json)
string(JSON sim GET "${json}" job layer_pipeline tpip_simulated_steps)
string(JSON formula GET "${json}" job layer_pipeline tpip_formula_steps)
string(JSON exact GET "${json}" job layer_pipeline tpip_formula_exact)
string(JSON lbl GET "${json}" job layer_pipeline layer_by_layer_steps)
string(JSON ors GET "${json}" modules top.cim pool_or_ops)
# T_pip formula by hand for 28x28 (p = 0): (28+0)(28+0) + (12+0) + 2 pools + 2 FC = 800
if(NOT formula EQUAL 800 OR NOT exact STREQUAL "OFF" OR sim LESS 784 OR NOT lbl GREATER sim)
  message(FATAL_ERROR "layer pipeline: simulated ${sim}, formula ${formula} (exact ${exact}), layer by layer ${lbl}")
endif()
# pooling ORs by hand: (12·12·20 + 4·4·50)·3 = 11,040 per image
math(EXPR want_ors "50 * 11040")
if(NOT ors EQUAL want_ors)
  message(FATAL_ERROR "pool_or_ops ${ors}, expected ${want_ors}")
endif()

# the layer pipeline needs a conv network
cimvp_run(bad --set workload.cim_inference.pipeline=true --images 10)
expect_bad_input(bad "cim_inference.pipeline" "the first layer is not a conv layer")

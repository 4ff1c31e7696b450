# cimvp-rram-estimate (docs/rram.md): per-layer Table II resources and the CNN-vs-BCNN table
# beside the published figures of Tang et al. ASP-DAC 2017; bad options exit 2.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)
get_filename_component(bin "${CIMVP}" DIRECTORY)
set(CIMVP "${bin}/cimvp-rram-estimate")

cimvp_run(all)
expect_rc(all 0)
expect_contains("cimvp-rram-estimate" "${all_out}"
  "ImageNet-shaped inputs are synthetic"
  "Crossbar 128 x 128"
  # LeNet conv2 (K = 500, M = 50) on 128x128: X_in = 4, X_out = 1, 50000 mapped cells
  # (a differential pair per weight) beside Table II's 500·50·1·1 = 25000
  "| conv2 | 500 x 50 | 1 | 4 | 1 | 50000 | 25000 | 65536 | 500 x 1b | 8b ADC | 200 |"
  # AlexNet fc6: X_in = ⌈9216/128⌉ = 72, X_out = ⌈4096/64⌉ = 64
  "| fc6 | 9216 x 4096 | 1 | 72 | 64 | 75497472 |"
  "| LeNet on MNIST | energy (uJ/image) |"
  "| 18.39 | 13.55 | +26.3 % |"
  "| 0.054 | 0.06 | -11.1 % |"
  "| 5444.85 | 2275.34 | +58.2 % |"
  "| 21.25 | 9.19 | +56.8 % |")

cimvp_run(small --network lenet --crossbar 256 --cell 0t1r --summary)
expect_rc(small 0)
expect_contains("--network lenet --summary" "${small_out}" "Crossbar 256 x 256" "rram_0t1r")
expect_not_contains("--network lenet" "${small_out}" "AlexNet")
expect_not_contains("--summary" "${small_out}" "| conv2 |")

cimvp_run(slices --network lenet --cnn-cell-bits 2)
expect_rc(slices 0)
# 7-bit magnitudes on 2-bit cells: ⌈7/2⌉ = 4 slices
expect_contains("--cnn-cell-bits 2" "${slices_out}" "4 slice(s) of 2-bit cells" "| conv1 | 25 x 20 | 4 |")

foreach(bad "--crossbar;0" "--cell;2t2r" "--network;vgg" "--cnn-cell-bits;9" "--tech;nonexistent" "--bogus")
  cimvp_run(b ${bad})
  expect_rc(b 2)
  expect_contains("stderr of cimvp-rram-estimate ${bad}" "${b_err}" "cimvp-rram-estimate: error: ")
endforeach()
cimvp_run(b --cell 2t2r)
expect_contains("--cell 2t2r" "${b_err}" "1t1r|0t1r")
cimvp_run(h --help)
expect_rc(h 0)
expect_contains("--help" "${h_out}" "--network" "--crossbar" "--cell" "--scheme" "--cnn-cell-bits" "--bcnn-adc-bits" "--tech")

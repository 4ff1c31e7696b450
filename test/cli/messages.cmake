# Error and warning messages a newcomer meets (last session's new-user trial): user text is
# echoed shortened, index ranges are decimal, times stay in the simulator's range, a network
# trained on another data set is warned about, a missing cell names the technologies that
# have it.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

# a 200 kB scalar where the top-level map belongs: the message shows 64 bytes and the length
string(REPEAT "abcdefghij" 20000 big)
file(WRITE "${WORK}/big.yaml" "${big}\n")
cimvp_run(big --platform big.yaml)
expect_bad_input(big "big.yaml" "(200000 bytes)")
string(LENGTH "${big_err}" n)
if(n GREATER 2000)
  message(FATAL_ERROR "the error echoes ${n} bytes of the input:\n${big_err}")
endif()
# the same through a key's value
file(WRITE "${WORK}/bigval.yaml" "base: default\nseed: ${big}\n")
cimvp_run(bigval --platform bigval.yaml)
expect_bad_input(bigval "seed" "(200000 bytes)")
string(LENGTH "${bigval_err}" n)
if(n GREATER 2000)
  message(FATAL_ERROR "the error echoes ${n} bytes of the input:\n${bigval_err}")
endif()

# index ranges: decimal only, A < B, no overflow
cimvp_run(hex --images 20 --vcd v.vcd --vcd-images 0x0:0x2)
expect_bad_input(hex "--vcd-images" "decimal")
cimvp_run(huge --images 20 --vcd v.vcd --vcd-images 0:99999999999999999999)
expect_bad_input(huge "--vcd-images" "at most 18 digits")
cimvp_run(rev --images 20 --vcd v.vcd --vcd-images 3:3)
expect_bad_input(rev "--vcd-images" "the first index must be below the second")
file(WRITE "${WORK}/s.yaml" "platform: default\ngrid:\n  seed: [1, 2]\n")
cimvp_run(pts sweep s.yaml --points 0x0:1)
expect_bad_input(pts "--points" "decimal")

# window times inside 1 ps .. 1e6 s
cimvp_run(far --images 20 --vcd v.vcd --vcd-window 0:2e7s)
expect_bad_input(far "--vcd-window" "1e6 s")
cimvp_run(tiny --images 20 --vcd v.vcd --vcd-window 0.0001ns:1us)
expect_bad_input(tiny "--vcd-window" "1 ps")

# MNIST weights on Fashion-MNIST: hardware == golden still holds (PASS), with a warning
cimvp_run(mm --images 20 --set workload.cim_inference.weights=mnist-xnor.bnn)
expect_rc(mm 0)
expect_contains("mismatched weights" "${mm_err}${mm_out}" "was trained on mnist" "cim_inference.dataset is fashion-mnist")
cimvp_run(ok --images 20)
expect_not_contains("matched weights" "${ok_err}${ok_out}" "was trained on")

# a two-way array on a technology without the two-way cell: the error names one that has it
cimvp_run(tw --images 20 --set cim.two_way.enabled=true)
expect_bad_input(tw "sram_8t_twoway" "sram28" "set tech=")

# row DAC mismatch sigma is bounded like the cell sigma
cimvp_run(sig --platform supported-binarynet --images 20 --set cim.drive.mismatch_sigma=1.5)
expect_bad_input(sig "cim.drive.mismatch_sigma")

# a network with more layers than the macro takes descriptors: bad input before the run
cimvp_run(ml --images 5 --set cim.controller.max_layers=2)
expect_bad_input(ml "cim.controller.max_layers: " "has 3 layers" "at most 2")
expect_not_contains("stdout of a bad run" "${ml_out}" "job ")

# more images than the data set has: a warning, all of them classified
cimvp_run(many --platform rram-bcnn --set workload.cim_inference.images=5000 --set cim.array.rows=64)
expect_rc(many 0)
expect_contains("too many images" "${many_err}${many_out}" "cim_inference.images = 5000" "has 2000 test images"
                "hardware == golden on 2000/2000 images")

# job auto on a platform without a CIM macro runs the DMA self-test: inference keys given
# there would be ignored, so they are bad input
cimvp_run(nb --platform narrow-bus --images 10)
expect_bad_input(nb "job: " "workload.cim_inference.* keys are set" "dma_selftest")
cimvp_run(nbok --platform narrow-bus)
expect_rc(nbok 0)
expect_contains("narrow-bus self-test" "${nbok_out}" "job dma_selftest: PASS")

# a platform file saved as UTF-16 (a Windows editor's default): named as such, not garbled
cimvp_run(u16 --platform "${SRC}/test/data/utf16le-platform.yaml" --images 5)
expect_bad_input(u16 "utf16le-platform.yaml" "not UTF-8 text" "UTF-16 byte-order mark" "iconv")

# a cross-key check failing on a built-in platform's key after the user's --set changed the
# other key: located at the user's --set, the built-in key's origin in the message
cimvp_run(xk --platform two-way-training --set cim.array.kind=rram)
expect_bad_input(xk "--set: cim.array.kind: " "cim.two_way.enabled is set at")

# technology errors use the name `tech:` selects it by
cimvp_run(tn --images 5 --set tech=rram)
expect_bad_input(tn "technology 'rram'")
expect_not_contains("tech name" "${tn_err}" "rram45")

# sweep errors name the sweep file and the point, not the --set the point is run with
file(WRITE "${WORK}/sx.yaml" "platform: default\nset: [\"cim.sense.kind=adc\", \"workload.cim_inference.images=5\"]\n"
                            "grid:\n  cim.sense.kind: [adc, mlsa]\n  cim.sense.noise_sigma: [0.1]\n")
cimvp_run(sx sweep sx.yaml --out sxd -j 1)
expect_rc(sx 1)
file(GLOB sx_errors "${WORK}/sxd/points/*.error")
list(LENGTH sx_errors n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one failed point, found ${n}:\n${sx_out}\n${sx_err}")
endif()
file(READ "${sx_errors}" sx_text)
expect_contains("failed point's error" "${sx_text}" "sx.yaml, point " "cim.sense.kind=mlsa" "cim.sense.noise_sigma")
expect_not_contains("failed point's error" "${sx_text}" "--set")
# a value refused on its own: the key that objected, without "--set"
file(WRITE "${WORK}/sv.yaml" "platform: default\ngrid:\n  cim.sense.noise_sigma: [0.1]\n")
cimvp_run(sv sweep sv.yaml --out svd)
expect_bad_input(sv "sv.yaml" "grid.cim.sense.noise_sigma" "value '0.1'")
expect_not_contains("sweep value error" "${sv_err}" "--set")

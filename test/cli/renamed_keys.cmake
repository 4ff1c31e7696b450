# The flat cim.* keys of the layout before the stage sections (cim.array.*, cim.sense.*,
# cim.buffer.*, …) are bad input (exit 2) naming their replacement, whether they come from
# --set or from a platform file; the new cim.sense keys run an ADC macro end to end.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

# --set with an old key
cimvp_run(rows --set cim.rows=32)
expect_bad_input(rows "'cim.rows' was renamed: use cim.array.rows")
cimvp_run(bits --set cim.mlsa.bits=2)
expect_bad_input(bits "'cim.mlsa.bits' was renamed: use cim.sense.bits")
cimvp_run(mlsa_ns --set cim.timing.mlsa_ns=2)
expect_bad_input(mlsa_ns "'cim.timing.mlsa_ns' was renamed: use cim.sense.decision_ns")
cimvp_run(tile --set cim.tile_vectors=8)
expect_bad_input(tile "'cim.tile_vectors' was renamed: use cim.buffer.tile_vectors")
cimvp_run(cells --set cim.cells.sigma=0.1)
expect_bad_input(cells "'cim.cells.sigma' was renamed: use cim.array.variation.sigma")
cimvp_run(dmi --set cim.use_dmi=false)
expect_bad_input(dmi "'cim.use_dmi' was renamed: use cim.master.use_dmi")
# the new key is accepted where the old one is refused
cimvp_run(new_rows --set cim.array.rows=32)
expect_rc(new_rows 0)

# a platform file with the old sections
file(WRITE "${WORK}/old_mode.yaml" "cim:\n  mode: hbnn_6t\n")
cimvp_run(mode --platform old_mode.yaml)
expect_bad_input(mode "old_mode.yaml" "'cim.mode' was renamed: use cim.array.cell")
file(WRITE "${WORK}/old_mlsa.yaml" "cim:\n  mlsa:\n    bits: 2\n")
cimvp_run(mlsa --platform old_mlsa.yaml)
expect_bad_input(mlsa "old_mlsa.yaml" "'cim.mlsa' was renamed: use cim.sense")
file(WRITE "${WORK}/old_timing.yaml" "cim:\n  timing:\n    mlsa_ns: 2\n")
cimvp_run(timing --platform old_timing.yaml)
expect_bad_input(timing "old_timing.yaml" "'cim.timing' was renamed: use " "cim.sense.decision_ns")
foreach(r rows bits mlsa_ns tile cells dmi mode mlsa timing)
  expect_not_contains("stdout of ${${r}_cmd}" "${${r}_out}" "simulated time")
endforeach()

# the new sense keys: a 5-bit SAR column ADC runs the inference job, the hardware equals the
# golden reference and the ADC prices its conversions
file(WRITE "${WORK}/w200.yaml" "job: cim_inference\ncim_inference:\n  images: 200\n")
cimvp_run(adc --workload w200.yaml --set cim.sense.kind=adc --set cim.sense.bits=5)
expect_rc(adc 0)
expect_contains("adc run" "${adc_out}" "job cim_inference: PASS" "hardware == golden on 200/200 images"
                "adc_conversion")
expect_not_contains("adc run" "${adc_out}" "mlsa_conversion")

# a noisy, offset, calibrated flash ADC: still bit-exact with the golden reference, and the
# keyed noise does not depend on the tile size or the batch split (same accuracy line with
# tiles of 7 and batches of 25)
file(WRITE "${WORK}/w60.yaml" "job: cim_inference\ncim_inference:\n  images: 60\n  calibration_samples: 100\n")
file(WRITE "${WORK}/w60b.yaml"
     "job: cim_inference\ncim_inference:\n  images: 60\n  calibration_samples: 100\n  batch: 25\n")
set(noisy --set cim.sense.kind=adc --set cim.sense.bits=4 --set cim.sense.converter=flash
          --set cim.sense.full_scale=calibrated --set cim.sense.noise_sigma=0.5 --set cim.sense.offset_sigma=0.3)
cimvp_run(n128 --workload w60.yaml ${noisy})
cimvp_run(n7 --workload w60b.yaml ${noisy} --set cim.buffer.tile_vectors=7)
expect_rc(n128 0)
expect_rc(n7 0)
expect_contains("noisy adc run" "${n128_out}" "hardware == golden on 60/60 images" "adc_conversion")
expect_contains("noisy adc run, tiles of 7" "${n7_out}" "hardware == golden on 60/60 images" "3 batches of up to 25")
string(REGEX MATCH "accuracy   [^\n]*" acc128 "${n128_out}")
string(REGEX MATCH "accuracy   [^\n]*" acc7 "${n7_out}")
if(acc128 STREQUAL "" OR NOT acc128 STREQUAL acc7)
  message(FATAL_ERROR "noisy ADC accuracy depends on the tile size:\n 128: ${acc128}\n 7:   ${acc7}")
endif()

# noise is an ADC property: refused for the MLSA
cimvp_run(mlsa_noise --workload w200.yaml --set cim.sense.kind=mlsa --set cim.sense.noise_sigma=0.5)
expect_bad_input(mlsa_noise "cim.sense.noise_sigma")

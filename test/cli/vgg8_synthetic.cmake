# The built-in vgg8-synthetic platform: a SYNTHETIC VGG-8-shaped BCNN on random 32x32x3 images
# runs bit-true through the platform (hardware == golden) with full PPA; its binary MACs per
# image and sub-arrays equal the hand counts of the architecture.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(v --platform vgg8-synthetic --images 2 --set workload.cim_inference.batch=2
          --set workload.cim_inference.calibration_samples=4 --report v.json)
expect_rc(v 0)
expect_contains("vgg8-synthetic run" "${v_out}" "platform vgg8-synthetic" "PASS" "hardware == golden on 2/2 images"
                "synthetic-32x32x3/test" "synthetic-vgg8"
                "32x32x3-c128k3p1-c128k3p1,pool2-c256k3p1-c256k3p1,pool2-c512k3p1-c512k3p1,pool2-1024-10"
                "power and area" "TOPS/W")
file(READ "${WORK}/v.json" json)
string(JSON macs GET "${json}" job binary_macs_per_image)
string(JSON array_macs GET "${json}" modules top.cim.array binary_macs)
# windows x K x M per layer (3x3 kernels, pad 1): 1024*27*128 + 1024*1152*128 + 256*1152*256 +
# 256*2304*256 + 64*2304*512 + 64*4608*512 + 8192*1024 + 1024*10
math(EXPR want "1024*27*128 + 1024*1152*128 + 256*1152*256 + 256*2304*256 + 64*2304*512 + 64*4608*512 + 8192*1024 + 1024*10")
math(EXPR want2 "2 * ${want}")
if(NOT macs EQUAL want OR NOT array_macs EQUAL want2)
  message(FATAL_ERROR "binary MACs per image ${macs} (expected ${want}), array ${array_macs} (expected ${want2})")
endif()

# cimvp-train hardware-aware fine-tuning (docs/workloads.md, "Hardware-aware fine-tuning"):
# bad options exit 2 naming the option; a one-epoch fine-tune on a small MNIST subset writes
# a network that loads, whose accuracy with the sensing (the trainer's golden reference) is
# the one cimvp's platform reports for the same sub-arrays, sensing and calibration images,
# with hardware == golden.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)
file(MAKE_DIRECTORY "${WORK}")

macro(train_run name)
  tool_run(${name} cimvp-train ${ARGN})
endmacro()

set(NET "${SRC}/workloads/weights/mnist-xnor.bnn")
train_run(h --help)
expect_rc(h 0)
expect_contains("--help" "${h_out}" "--finetune FILE.bnn" "--hw-rows R" "--hw-linear-range N")

train_run(u1 --dataset mnist --hw-bits 3)
expect_usage(u1 "need --hw-rows R")
train_run(u2 --dataset mnist --finetune ${NET} --hw-rows 2000)
expect_usage(u2 "hw_rows 2000 out of range 1..1024")
train_run(u3 --dataset mnist --finetune ${NET} --hw-rows 128 --hw-sense dac)
expect_usage(u3 "--hw-sense: 'dac' unknown (allowed: mlsa, adc)")
train_run(u4 --dataset mnist --finetune ${NET} --hw-rows 128 --hw-quantization fancy)
expect_usage(u4 "--hw-quantization: 'fancy' unknown (allowed: nonlinear, linear, ideal)")
train_run(u5 --dataset mnist --finetune ${NET} --arch fc10)
expect_usage(u5 "--finetune takes the layers from the file")
train_run(u6 --dataset mnist --finetune missing.bnn)
expect_usage(u6 "missing.bnn")
train_run(u7 --dataset mnist --finetune ${NET} --hw-rows 128 --hw-linear-range 2000)
expect_usage(u7 "linear_range 2000 out of range 0..1024")

# one epoch on 300 training images (200 of them calibrate the references), 300 test images
train_run(ft --dataset mnist --finetune ${NET} --hw-rows 128 --hw-bits 3 --hw-linear-range 64
          --hw-calibration 200 --epochs 1 --limit 300 --seed 3 --out ft.bnn)
expect_rc(ft 0)
expect_contains("${ft_cmd}" "${ft_out}" "with the hardware's sensing before fine-tuning"
                "golden reference with the sensing (128 rows, 3-bit nonlinear mlsa, linear range 64)"
                "(300/300 predictions identical to the trainer's)" "wrote ft.bnn")
if(NOT ft_out MATCHES "linear range 64\\): ([0-9.]+) %")
  message(FATAL_ERROR "${ft_cmd}: no accuracy with the sensing in:\n${ft_out}")
endif()
set(trainer_acc "${CMAKE_MATCH_1}")

train_run(ev --eval ft.bnn --dataset mnist --limit 100)
expect_rc(ev 0)
expect_contains("${ev_cmd}" "${ev_out}" "golden exact_inference test accuracy")

# the platform (default: sram65, linear range 64 rows) with the same sub-arrays and sensing
cimvp_run(hw --set workload.cim_inference.weights=${WORK}/ft.bnn --set workload.cim_inference.dataset=mnist
          --set cim.array.rows=128 --set cim.array.cols=128 --set cim.sense.bits=3
          --set cim.sense.quantization=nonlinear --set workload.cim_inference.calibration_samples=200
          --images 300)
expect_rc(hw 0)
expect_contains("cimvp on ft.bnn" "${hw_out}" "hardware == golden on 300/300 images" "golden ${trainer_acc} %")

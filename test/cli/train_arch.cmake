# cimvp-train --arch / --resume: bad architectures and checkpoints exit 2 with a message naming
# the item and what is allowed, before any data is read (docs/convolution.md).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)
get_filename_component(bindir "${CIMVP}" DIRECTORY)

macro(train_run name)
  tool_run(${name} cimvp-train ${ARGN})
endmacro()

train_run(h --help)
expect_rc(h 0)
expect_contains("--help" "${h_out}" "--arch SPEC" "cNkK[sS][pP]" "--checkpoint FILE" "--resume FILE")

train_run(a1 --arch c32k5p2,pool2,fc10,c8k3)
expect_usage(a1 "--arch: the last item must be fcN")
train_run(a2 --arch c32x5,fc10)
expect_usage(a2 "--arch: item 'c32x5' needs the kernel size kK")
train_run(a3 --arch fc100,c8k3,fc10)
expect_usage(a3 "--arch: conv layers must come before the fc layers")
train_run(a4 --arch pool2,fc10)
expect_usage(a4 "--arch: pool2 must follow a conv layer")
train_run(a5 --arch c8k3p3,fc10)
expect_usage(a5 "--arch: conv layer 0: pad 3 (allowed 0..2")
train_run(a6 --arch c8k30,fc10)
expect_usage(a6 "--arch: conv layer 0: kernel 30x30 larger than the padded input 28x28")
train_run(a7 --arch c8k3,pool2,pool2,fc10)
expect_usage(a7 "once per conv layer")
train_run(a8 --arch c8k3,fc10 --layers 784-10)
expect_usage(a8 "--arch and --layers exclude each other")
train_run(a9 --arch c8k3,conv2,fc10)
expect_usage(a9 "--arch: item 'conv2'")
train_run(a10 --arch c8k3,fc10 --support-block 4)
expect_usage(a10 "conv layers have no supports")
train_run(e1 --eval missing.bnn)
expect_usage(e1 "missing.bnn: cannot read network file")

# --float with --arch: a real-valued CNN written as a .fnn float network whose reloaded
# inference predicts as the trainer (a few MNIST images, one epoch); the tool reads it back.
train_run(f1 --dataset mnist --float --arch c4k5,pool2,fc10 --input bit-serial --input-bits 8 --epochs 1
          --limit 100 --out small.fnn)
expect_rc(f1 0)
expect_contains("--float --arch run" "${f1_out}" "float (full-precision) test accuracy:" "wrote small.fnn"
                "(100/100 predictions equal the trainer's)")
execute_process(COMMAND "${bindir}/cimvp-rram-accuracy" --mode full --float-net small.fnn --images 20
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\nfull,2,1,yes,")
  message(FATAL_ERROR "cimvp-rram-accuracy on small.fnn: rc ${rc}\n${out}\n${err}")
endif()

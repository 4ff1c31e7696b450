# cimvp-rram-accuracy (docs/rram.md, "Accuracy under variation"): both modes on a few MNIST test
# images — the float CNN quantized to 8/6/4/2-bit weights on multi-level RRAM cells (full
# bit-level mode; the tool itself exits 1 unless ideal cells give the integer quantized
# network's predictions) and the BCNN (binary mode); bad options exit 2 naming the option.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

macro(acc_run name)
  tool_run(${name} cimvp-rram-accuracy ${ARGN})
endmacro()

acc_run(both --images 30)
expect_rc(both 0)
expect_contains("both modes" "${both_out}" "mode,weight_bits,rram_bits,variation,sigma_ln,accuracy"
                "float,32,0,no," "full,8,7,no,0.00000," "full,2,1,yes,0.49500," "binary,8,7,no,0.00000,"
                "binary,2,1,yes,0.49500," "mnist-cnn-float.fnn (8-bit activations)" "mnist-bcnn.bnn")
# 17 data rows: the float reference, 8 full-mode and 8 binary-mode rows
string(REGEX MATCHALL "\n(float|full|binary)," rows "${both_out}")
list(LENGTH rows n)
if(NOT n EQUAL 17)
  message(FATAL_ERROR "expected 17 rows, got ${n}:\n${both_out}")
endif()
# 8-bit weights (step max|W|/127) and 8-bit activations keep the 99 %-accurate float CNN
# above 90 % on these 30 images (at most 3 of 30 wrong)
string(REGEX MATCH "\nfull,8,7,no,[0-9.]+,([0-9.]+)," m "${both_out}")
if(CMAKE_MATCH_1 LESS 0.9)
  message(FATAL_ERROR "8-bit full mode accuracy ${CMAKE_MATCH_1} < 0.9:\n${both_out}")
endif()

acc_run(m1 --mode ternary)
expect_usage(m1 "--mode 'ternary' unknown (allowed: both, full, binary)")
acc_run(m2 --mode full --float-net missing.fnn)
expect_usage(m2 "missing.fnn: cannot open")
acc_run(m3 --mode full --float-net "${SRC}/workloads/weights/mnist-bcnn.bnn")
expect_usage(m3 "not a float network file")
acc_run(m4 --act-bits 17)
expect_usage(m4 "--act-bits 0..16")
acc_run(m5 --images many)
expect_usage(m5 "bad number")
acc_run(m6 --sigma-level)
expect_usage(m6 "option --sigma-level needs a value")

# --help is not an error: usage on stdout, exit 0
acc_run(help --help)
expect_rc(help 0)
expect_contains("--help" "${help_out}" "usage: cimvp-rram-accuracy" "--sigma-level S")

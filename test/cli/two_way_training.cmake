# The two-way-training built-in platform (docs/two-way-training.md, "Platform job"): a tiny
# on-chip training run (784-64-10, 300 images, 1 epoch) passes with every step bit-identical to
# the golden step, prints the per-epoch line and the training PPA per phase, and reports the
# phases in JSON; bad keys are bad input (exit 2).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

set(tiny --platform two-way-training --set workload.two_way_training.layers=784-64-10
         --set workload.two_way_training.train_images=300 --set workload.two_way_training.test_images=100
         --set workload.two_way_training.batch=50 --set workload.two_way_training.epochs=1)
cimvp_run(t ${tiny} --report t.json --report-csv t.csv)
expect_rc(t 0)
expect_contains("tiny training run" "${t_out}"
                "job two_way_training: PASS (chip == golden step bit for bit on 6/6 steps; test accuracy on chip"
                "epoch 1: train " "100/100 predictions equal; 6/6 steps bit-identical"
                "training PPA per phase" "forward" "backward" "gradient" "update" "evaluate" "images/s (FPS)")
expect_contains("stderr of the tiny run" "${t_err}" "cimvp: epoch 1/1: train ")
file(READ "${WORK}/t.json" json)
string(JSON fwd GET "${json}" job phases forward macs)
string(JSON bwd GET "${json}" job phases backward macs)
string(JSON grad GET "${json}" job phases gradient macs)
string(JSON fwd_dma GET "${json}" job phases forward dma_bytes)
string(JSON bwd_dma GET "${json}" job phases backward dma_bytes)
string(JSON fwd_pj GET "${json}" job phases forward macro_energy_pj)
string(JSON bwd_pj GET "${json}" job phases backward macro_energy_pj)
string(JSON images GET "${json}" job training images)
string(JSON identical GET "${json}" job bit_identical)
# hand count: 300 samples x (784 x 64 + 64 x 10) forward and gradient MACs, 300 x 64 x 10 backward
math(EXPR want_fwd "300 * (784 * 64 + 64 * 10)")
math(EXPR want_bwd "300 * 64 * 10")
# DMA: forward moves at least the images in (300 x 784 B) and the kept sums out (300 x 74 x 4 B);
# backward the errors in (300 x 10 B) and the transposed sums out (300 x 64 x 4 B)
math(EXPR min_fwd_dma "300 * 784 + 300 * 74 * 4")
math(EXPR min_bwd_dma "300 * 10 + 300 * 64 * 4")
if(NOT fwd EQUAL want_fwd OR NOT grad EQUAL want_fwd OR NOT bwd EQUAL want_bwd OR NOT images EQUAL 300
   OR NOT identical STREQUAL "ON" OR fwd_dma LESS min_fwd_dma OR bwd_dma LESS min_bwd_dma
   OR NOT fwd_pj GREATER 0 OR NOT bwd_pj GREATER 0)
  message(FATAL_ERROR "unexpected report contents:\n${json}")
endif()
file(READ "${WORK}/t.phases.csv" csv)
expect_contains("CSV report" "${csv}" "phase,latency_ns,macro_energy_pj,platform_energy_pj,ops" "\nforward," "\nbackward," "\nupdate,")

# the macro's own master instead of the DMA: the same steps, bit-identical to the golden step,
# and the same test predictions as the DMA run (same seed)
cimvp_run(m ${tiny} --set workload.two_way_training.transfer=master --report m.json)
expect_rc(m 0)
expect_contains("master-transfer run" "${m_out}" "6/6 steps bit-identical" "transfer master")
file(READ "${WORK}/m.json" mjson)
string(JSON m_acc GET "${mjson}" job epochs 0 test_accuracy_chip)
string(JSON m_cells GET "${mjson}" job training cells_written)
string(JSON m_dma GET "${mjson}" job phases forward dma_bytes)
string(JSON t_acc GET "${json}" job epochs 0 test_accuracy_chip)
string(JSON t_cells GET "${json}" job training cells_written)
if(NOT m_acc STREQUAL t_acc OR NOT m_cells EQUAL t_cells OR NOT m_dma EQUAL 0)
  message(FATAL_ERROR "master vs dma: accuracy ${m_acc} vs ${t_acc}, cells ${m_cells} vs ${t_cells}, master DMA bytes ${m_dma}")
endif()

# bad input: nothing is simulated, the key is named
cimvp_run(w --platform two-way-training --set workload.two_way_training.layers=784-64-9)
expect_bad_input(w "two_way_training.layers" "10 classes")
cimvp_run(x --platform two-way-training --set workload.two_way_training.layers=784-x-10)
expect_bad_input(x "two_way_training.layers")
cimvp_run(e --platform two-way-training --set workload.two_way_training.error_bits=9)
expect_bad_input(e "two_way_training.error_bits")
cimvp_run(n --set workload.job=two_way_training)
expect_bad_input(n "cim.two_way.enabled")
cimvp_run(o ${tiny} --set cim.buffer.output_bytes=1024)
expect_bad_input(o "cim.buffer.output_bytes")
cimvp_run(lo ${tiny} --set workload.two_way_training.loss=cubic)
expect_bad_input(lo "two_way_training.loss" "hinge")
cimvp_run(ib ${tiny} --set workload.two_way_training.input_bits=9)
expect_bad_input(ib "two_way_training.input_bits")
# the platform's optimizer is adam, which keeps its own momentum
cimvp_run(ma ${tiny} --set workload.two_way_training.momentum_shift=2)
expect_bad_input(ma "momentum_shift" "adam")

# two epochs with the step decaying from lr_shift 9 to 12 (the schedule in JSON), the
# platform's bit-serial / hinge / adam settings: still bit-identical to the golden step (the
# adam moments included)
cimvp_run(s ${tiny} --set workload.two_way_training.epochs=2 --report s.json)
expect_rc(s 0)
expect_contains("two-epoch run" "${s_out}" "bit for bit on 12/12 steps" "epoch 2: train ")
file(READ "${WORK}/s.json" sjson)
string(JSON s_lr0 GET "${sjson}" job epochs 0 lr_shift)
string(JSON s_lr1 GET "${sjson}" job epochs 1 lr_shift)
string(JSON s_bits GET "${sjson}" job fixed_point input_bits)
string(JSON s_opt GET "${sjson}" job fixed_point optimizer)
string(JSON s_lat GET "${sjson}" job fixed_point latent_bits)
if(NOT s_lr0 EQUAL 9 OR NOT s_lr1 EQUAL 12 OR NOT s_bits EQUAL 4 OR NOT s_opt STREQUAL "adam" OR NOT s_lat EQUAL 16)
  message(FATAL_ERROR "lr_shift schedule ${s_lr0} -> ${s_lr1} (want 9 -> 12), input_bits ${s_bits} (want 4), "
                      "optimizer ${s_opt} (want adam), latent_bits ${s_lat} (want 16)")
endif()

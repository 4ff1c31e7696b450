# --set, --quantum and --platform (by name and by path) reach the configuration.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(s --set memory.read_latency_ns=20 --set "address_map[1].base=0x4000_1000" --set seed=0x10
          --quantum "500 ns" --report s.json)
expect_rc(s 0)
file(READ "${WORK}/s.json" json)
string(JSON lat GET "${json}" config memory read_latency_ns)
string(JSON base GET "${json}" config address_map 1 base)
string(JSON seed GET "${json}" seed)
string(JSON quantum GET "${json}" config quantum_ns)
if(NOT lat EQUAL 20 OR NOT base EQUAL 1073745920 OR NOT seed EQUAL 16 OR NOT quantum EQUAL 500)
  message(FATAL_ERROR "overrides not applied: lat=${lat} base=${base} seed=${seed} quantum=${quantum}")
endif()

cimvp_run(n --platform narrow-bus --report n.json)
expect_rc(n 0)
expect_contains("narrow-bus run" "${n_out}" "platform narrow-bus" "PASS")

cimvp_run(p --platform "${SRC}/platforms/narrow-bus.yaml" --report p.json)
expect_rc(p 0)
file(READ "${WORK}/n.json" nj)
file(READ "${WORK}/p.json" pj)
string(JSON nj SET "${nj}" wall_time_s 0)
string(JSON pj SET "${pj}" wall_time_s 0)
if(NOT nj STREQUAL pj)
  message(FATAL_ERROR "built-in narrow-bus and platforms/narrow-bus.yaml gave different reports")
endif()

# a workload file selects the job and its settings
file(WRITE "${WORK}/w.yaml" "job: dma_selftest\ndma_selftest:\n  copies: 3\n  max_bytes: 0x100\n")
cimvp_run(w --workload w.yaml)
expect_rc(w 0)
expect_contains("workload run" "${w_out}" "job dma_selftest: PASS - 3/3 DMA copies verified")

# Bad input exits 2 with "cimvp: error: " and a message naming file, line:column, key and
# what is allowed.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/type.yaml" "name: x\nmemory:\n  read_latency_ns: fast\n")
cimvp_run(t --platform type.yaml)
expect_bad_input(t "type.yaml:3:20: memory.read_latency_ns: expected a number >= 0 (ns), got \"fast\"")

file(WRITE "${WORK}/enum.yaml" "address_map:\n  - {target: cpu, base: 0, size: 4 KiB}\n")
cimvp_run(e --platform enum.yaml)
expect_bad_input(e "enum.yaml:2:14: address_map[0].target: expected one of: memory, dma, cim, cim_buffer, got \"cpu\"")

file(WRITE "${WORK}/unknown.yaml" "memroy:\n  size_bytes: 1 MiB\n")
cimvp_run(u --platform unknown.yaml)
expect_bad_input(u "unknown.yaml:1:1: unknown key 'memroy' (did you mean 'memory'?)")

file(WRITE "${WORK}/malformed.yaml" "memory: {size_bytes: 1\n")
cimvp_run(m --platform malformed.yaml)
expect_bad_input(m "malformed.yaml:" "invalid YAML")

file(WRITE "${WORK}/overlap.yaml"
     "address_map:\n  - {target: memory, base: 0, size: 64 MiB}\n  - {target: dma, base: 0x100, size: 4 KiB}\n")
cimvp_run(o --platform overlap.yaml)
expect_bad_input(o "overlap.yaml:3:5: address_map[1]: dma [0x100, 0x10ff] overlaps address_map[0] memory")

cimvp_run(f --platform missing.yaml)
expect_bad_input(f "no platform file 'missing.yaml'")

cimvp_run(s1 --set memory.read_latency_ns=fast)
expect_bad_input(s1 "--set: memory.read_latency_ns: expected a number >= 0 (ns), got \"fast\"")
cimvp_run(s2 --set dma.use_dmi=maybe)
expect_bad_input(s2 "--set: dma.use_dmi: expected true or false, got \"maybe\"")
cimvp_run(s3 --set "address_map[0].target=cpu")
expect_bad_input(s3 "--set: address_map[0].target: expected one of: memory, dma, cim, cim_buffer, got \"cpu\"")
cimvp_run(s4 --set memory.read_latncy_ns=1)
expect_bad_input(s4 "--set: unknown key 'memory.read_latncy_ns' (did you mean 'memory.read_latency_ns'?)")
cimvp_run(s5 --set memory)
expect_bad_input(s5 "--set: expected key.path=value")
cimvp_run(s6 --set dma.burst_bytes=12)
expect_bad_input(s6 "--set: dma.burst_bytes: 12 is not a multiple of dma.bus_width_bytes (8)")

cimvp_run(q --quantum soon)
expect_bad_input(q "--quantum: expected a time > 0")
cimvp_run(l --log-level loud)
expect_bad_input(l "--log-level: expected one of: error, warning, info, debug, got \"loud\"")
cimvp_run(b --platfrom x)
expect_bad_input(b "unrecognised option '--platfrom'" "did you mean '--platform'?")
cimvp_run(v --vcd)
expect_bad_input(v "--vcd")
cimvp_run(pos extra)
expect_bad_input(pos "unknown command 'extra'")

cimvp_run(w --workload missing-workload.yaml)
expect_bad_input(w "cannot read workload file 'missing-workload.yaml'")
file(WRITE "${WORK}/badjob.yaml" "job: train\n")
cimvp_run(j --workload badjob.yaml)
expect_bad_input(j "badjob.yaml:1:6: job: expected one of: auto, cim_inference, dma_selftest, two_way_training, got \"train\"")

cimvp_run(r --report no-such-dir/r.json)
expect_bad_input(r "--report: cannot write 'no-such-dir/r.json'")

# nothing ran: no summary on stdout
expect_not_contains("stdout of a bad run" "${t_out}" "job ")

# RRAM cell keys on an SRAM array were ignored (cim.array.kind defaults to sram)
cimvp_run(rr --set cim.array.rram.variation_sigma=0.5 --images 10)
expect_bad_input(rr "--set: cim.array.rram.variation_sigma: is set but cim.array.kind is sram")
file(WRITE "${WORK}/rram-on-sram.yaml" "cim:\n  array:\n    rram:\n      stuck_hrs_rate: 0.1\n")
cimvp_run(rf --platform rram-on-sram.yaml --images 10)
expect_bad_input(rf "rram-on-sram.yaml:4:23: cim.array.rram.stuck_hrs_rate: is set but cim.array.kind is sram")
# with the rram array (the built-in platform, or kind set by the user) they are used
file(WRITE "${WORK}/rram-ok.yaml" "cim:\n  array:\n    kind: rram\n    rram:\n      stuck_hrs_rate: 0.1\ntech: rram\n")
cimvp_run(ro --platform rram-ok.yaml --show-config --set workload.job=dma_selftest)
expect_rc(ro 0)
expect_contains("config echo of an rram array" "${ro_out}" "cim.array.rram.stuck_hrs_rate = 0.1")

# --images N is --set workload.cim_inference.images=N: both given, one count won unnoticed
cimvp_run(im --images 10 --set workload.cim_inference.images=20)
expect_bad_input(im "--images: given together with --set workload.cim_inference.images=20")

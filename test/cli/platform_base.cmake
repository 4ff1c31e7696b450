# Platform files extend a base; cim.* keys without a cim target are an error; workload keys
# come from the platform's workload: section, --workload, --set workload.* and --images;
# the job line shows what was verified; --min-accuracy fails a run below the floor.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

# a file with only a cim section extends default.yaml: the CIM macro is there and runs
file(WRITE "${WORK}/rows.yaml" "cim:\n  array:\n    rows: 128\n")
cimvp_run(r --platform rows.yaml --images 40 --report r.json)
expect_rc(r 0)
expect_contains("rows run" "${r_out}" "platform rows" "job cim_inference: PASS (hardware == golden on 40/40 images; hardware accuracy")
file(READ "${WORK}/r.json" rj)
string(JSON rows GET "${rj}" config cim array rows)
string(JSON images GET "${rj}" job images)
if(NOT rows EQUAL 128 OR NOT images EQUAL 40)
  message(FATAL_ERROR "rows.yaml: rows=${rows} images=${images}, expected 128 and 40")
endif()

# base: none starts from the struct defaults (no CIM macro): its cim keys are an error
file(WRITE "${WORK}/bare.yaml" "base: none\nname: bare\ncim:\n  array:\n    rows: 128\n")
cimvp_run(b --platform bare.yaml)
expect_bad_input(b "bare.yaml:5:11: cim.array.rows: is set but the address map has no 'cim' target")
# ... and so is a --set of a cim key on a platform without the macro
cimvp_run(bs --platform narrow-bus --set cim.sense.bits=4)
expect_bad_input(bs "--set: cim.sense.bits: is set but the address map has no 'cim' target")

# a base named by a relative path is found next to the file; a cycle is an error
file(MAKE_DIRECTORY "${WORK}/sub")
file(WRITE "${WORK}/sub/child.yaml" "base: parent.yaml\nmemory:\n  read_latency_ns: 20\n")
file(WRITE "${WORK}/sub/parent.yaml" "base: narrow-bus\nseed: 7\n")
cimvp_run(c --platform sub/child.yaml --report c.json)
expect_rc(c 0)
file(READ "${WORK}/c.json" cj)
string(JSON lat GET "${cj}" config memory read_latency_ns)
string(JSON seed GET "${cj}" seed)
string(JSON clk GET "${cj}" config clock_period_ns)
string(JSON name GET "${cj}" platform)
if(NOT lat EQUAL 20 OR NOT seed EQUAL 7 OR NOT clk EQUAL 2 OR NOT name STREQUAL "child")
  message(FATAL_ERROR "chain child -> parent -> narrow-bus: lat=${lat} seed=${seed} clock=${clk} name=${name}")
endif()
file(WRITE "${WORK}/x.yaml" "base: y.yaml\n")
file(WRITE "${WORK}/y.yaml" "base: x.yaml\n")
cimvp_run(cy --platform x.yaml)
expect_bad_input(cy "base: 'x.yaml' is already in the chain of bases (a cycle)")
file(WRITE "${WORK}/nob.yaml" "base: no-such-platform\n")
cimvp_run(nb --platform nob.yaml)
expect_bad_input(nb "nob.yaml: base: no platform file 'no-such-platform'")

# the platform's workload: section, then --workload, then --set workload.* / --images
file(WRITE "${WORK}/wl.yaml" "workload:\n  job: dma_selftest\n  dma_selftest:\n    copies: 5\n    max_bytes: 64\n")
cimvp_run(w1 --platform wl.yaml)
expect_rc(w1 0)
expect_contains("platform workload" "${w1_out}" "job dma_selftest: PASS - 5/5 DMA copies verified")
file(WRITE "${WORK}/w.yaml" "dma_selftest:\n  copies: 7\n")
cimvp_run(w2 --platform wl.yaml --workload w.yaml)
expect_contains("workload file over the section" "${w2_out}" "7/7 DMA copies verified")
cimvp_run(w3 --platform wl.yaml --workload w.yaml --set workload.dma_selftest.copies=8)
expect_contains("--set workload over both" "${w3_out}" "8/8 DMA copies verified")
cimvp_run(w4 --set workload.cim_inference.imagez=8)
expect_bad_input(w4 "--set: unknown key 'workload.cim_inference.imagez' (did you mean 'workload.cim_inference.images'?)")
file(WRITE "${WORK}/wbad.yaml" "workload:\n  cim_inference:\n    batch: 0\n")
cimvp_run(w5 --platform wbad.yaml)
expect_bad_input(w5 "wbad.yaml:3:12: workload.cim_inference.batch: expected an unsigned integer in 1 .. 1000000")

# --min-accuracy: a floor above the hardware accuracy fails the run (exit 1) after the report
cimvp_run(m1 --images 50 --min-accuracy 99.5)
expect_rc(m1 1)
expect_contains("min-accuracy" "${m1_err}" "is below --min-accuracy 99.5 %")
cimvp_run(m2 --images 50 --min-accuracy 10)
expect_rc(m2 0)
cimvp_run(m3 --images 50 --min-accuracy 101)
expect_bad_input(m3 "--min-accuracy: expected a percentage 0..100")
cimvp_run(m4 --platform narrow-bus --min-accuracy 50)
expect_bad_input(m4 "--min-accuracy: the job dma_selftest does not classify images")

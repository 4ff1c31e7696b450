# The CSV files of --report-csv, the config echo in every format and the component
# breakdown of a real run (docs/cli.md, "CSV reports"; docs/ppa.md, "Component breakdown").
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(r --images 20 --set workload.cim_inference.calibration_samples=50 --set cim.array.rows=128
          --report r.json --report-csv r.csv --show-config)
expect_rc(r 0)
# console: the configuration echo first, then the breakdown tables
expect_contains("stdout" "${r_out}" "configuration (" "  cim.array.rows = 128"
                "  workload.cim_inference.images = 20" "  workload.cim_inference.calibration_samples = 50"
                "component     " "interconnect" "leakage" "layer  ")
string(FIND "${r_out}" "configuration (" cfg_pos)
if(NOT cfg_pos EQUAL 0)
  message(FATAL_ERROR "the configuration is not at the top of the console output:\n${r_out}")
endif()

# five tidy files, one header each
foreach(f r.csv r.layers.csv r.modules.csv r.components.csv r.config.csv r.phases.csv)
  if(NOT EXISTS "${WORK}/${f}")
    message(FATAL_ERROR "--report-csv r.csv did not write ${f}")
  endif()
endforeach()
file(STRINGS "${WORK}/r.csv" summary)
list(LENGTH summary n)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "r.csv: expected a header and one row, got ${n} lines")
endif()
list(GET summary 0 sh)
list(GET summary 1 sv)
string(REPLACE "," ";" sh_list "${sh}")
string(REPLACE "," ";" sv_list "${sv}")
list(LENGTH sh_list nh)
list(LENGTH sv_list nv)
if(NOT nh EQUAL nv)
  message(FATAL_ERROR "r.csv: ${nh} columns in the header, ${nv} in the row")
endif()
list(FIND sh_list "images" i_images)
list(GET sv_list ${i_images} images)
list(FIND sh_list "energy_pj.other" i_other)
list(GET sv_list ${i_other} other)
if(NOT images EQUAL 20 OR NOT other EQUAL 0)
  message(FATAL_ERROR "r.csv: images ${images} (expected 20), energy_pj.other ${other} (expected 0: every event of "
                      "the shipped modules has a component)")
endif()

# layers: 784-512-512-10 on 128-row sub-arrays: 3 layers; binary MACs = 20 images × K × M × planes
file(STRINGS "${WORK}/r.layers.csv" layers)
list(LENGTH layers n)
list(GET layers 0 lh)
if(NOT n EQUAL 4 OR NOT lh STREQUAL "layer,inputs,outputs,subarrays,planes,reads,conversions,binary_macs,ops,energy_pj,latency_ns,tops,tops_per_w,utilisation,area_share,critical_path")
  message(FATAL_ERROR "r.layers.csv: ${n} lines, header ${lh}")
endif()
math(EXPR macs0 "20 * 784 * 512 * 4")
math(EXPR macs1 "20 * 512 * 512")
math(EXPR macs2 "20 * 512 * 10")
# sub-arrays at 128×64: ceil(784/128)·8 = 56, 4·8 = 32, 4·1 = 4
expect_contains("r.layers.csv" "${layers}" "0,784,512,56,4," ",${macs0}," "1,512,512,32,1," ",${macs1},"
                "2,512,10,4,1," ",${macs2},")

file(STRINGS "${WORK}/r.components.csv" comps)
list(LENGTH comps n)
if(NOT n EQUAL 11)
  message(FATAL_ERROR "r.components.csv: expected a header and 10 components, got ${n} lines")
endif()
expect_contains("r.components.csv" "${comps}" "component,platform_pj,macro_pj,area_um2" "array," "sensing,"
                "drivers," "accumulation," "buffers," "interconnect," "dram," "control," "leakage," "other,0,0,0")

# the configuration echo: CSV and JSON hold the same resolved values
file(STRINGS "${WORK}/r.config.csv" cfg)
expect_contains("r.config.csv" "${cfg}" "key,value" "cim.array.rows,128" "workload.cim_inference.images,20"
                "address_map[0].target,")
file(READ "${WORK}/r.json" json)
string(JSON jrows GET "${json}" config cim array rows)
string(JSON jimages GET "${json}" config workload cim_inference images)
string(JSON ncomp LENGTH "${json}" ppa components)
string(JSON l0macs GET "${json}" ppa layers 0 binary_macs)
string(JSON totmacs GET "${json}" ppa layer_totals binary_macs)
string(JSON jobmacs GET "${json}" ppa metrics binary_macs)
if(NOT jrows EQUAL 128 OR NOT jimages EQUAL 20 OR NOT ncomp EQUAL 10 OR NOT l0macs EQUAL macs0
   OR NOT totmacs EQUAL jobmacs)
  message(FATAL_ERROR "r.json: config rows ${jrows}, images ${jimages}; ${ncomp} components; layer 0 MACs ${l0macs} "
                      "(expected ${macs0}); layer MACs ${totmacs} vs job ${jobmacs}")
endif()

# a sidecar is an output like the others: no two outputs on one path
cimvp_run(clash --images 1 --report r.layers.csv --report-csv r.csv)
expect_bad_input(clash "name the same file")

# Power and area in the CLI: the `tech` key (built-in names, files, errors), the "ppa"
# object of --report, the --report-csv files, the console block (docs/cli.md, docs/ppa.md).
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/selftest.yaml" "job: dma_selftest\n")

# default technology; JSON, CSV and console agree on the shape
cimvp_run(r --workload selftest.yaml --report r.json --report-csv r.csv)
expect_rc(r 0)
expect_contains("stdout" "${r_out}" "power and area (tech sram65)" "dma_byte" "platform  ")
file(READ "${WORK}/r.json" json)
string(JSON tech GET "${json}" ppa tech)
string(JSON moved GET "${json}" ppa modules top.dma events dma_byte count)
string(JSON copied GET "${json}" job bytes_verified)
string(JSON area GET "${json}" ppa totals platform area_um2)
string(JSON metrics TYPE "${json}" ppa metrics platform)
string(JSON cfg_tech GET "${json}" config tech)
if(NOT tech STREQUAL "sram65" OR NOT cfg_tech STREQUAL "sram65" OR NOT moved EQUAL copied OR NOT area GREATER 0
   OR NOT metrics STREQUAL "NULL")
  message(FATAL_ERROR "unexpected ppa report: tech=${tech} moved=${moved} copied=${copied} area=${area} "
                      "metrics=${metrics}\n${json}")
endif()
# the CSV files (docs/cli.md, "CSV reports"): a summary row, modules one per row
file(STRINGS "${WORK}/r.csv" csv)
list(LENGTH csv csv_lines)
list(GET csv 0 header)
if(NOT csv_lines EQUAL 2 OR NOT header MATCHES "^cimvp,platform,tech,seed,job,status,")
  message(FATAL_ERROR "r.csv: ${csv_lines} lines, header ${header}")
endif()
file(STRINGS "${WORK}/r.modules.csv" mcsv)
list(GET mcsv 0 mheader)
if(NOT mheader STREQUAL "module,scope,dynamic_pj,leakage_pj,energy_pj,area_um2,active_ns")
  message(FATAL_ERROR "r.modules.csv header: ${mheader}")
endif()
expect_contains("r.modules.csv" "${mcsv}" "top.dma,platform," "top.memory,platform,")

# a built-in technology by name, and a technology file by path
# (rram has no SRAM cells: the default platform's XNOR macro cannot be priced with it)
cimvp_run(rram_cim --workload selftest.yaml --set tech=rram)
expect_bad_input(rram_cim "tech: technology 'rram' has no sram_8t cell for cim.array.cell xnor_8t (it has: rram_1t1r, rram_0t1r)")
cimvp_run(rram --workload selftest.yaml --set tech=rram --report rram.json
          --set "address_map=[{target: memory, base: 0, size: 64 MiB}, {target: dma, base: 0x4000_0000, size: 4 KiB}]")
expect_rc(rram 0)
expect_contains("stdout" "${rram_out}" "power and area (tech rram)")
cimvp_run(file --workload selftest.yaml --set "tech=${SRC}/platforms/tech/sram28.yaml")
expect_rc(file 0)
expect_contains("stdout" "${file_out}" "node sram28")

# tech_timing: the macro's timing follows the technology (shown in the report's config echo)
cimvp_run(timing --workload selftest.yaml --set tech=sram28 --set tech_timing=true --report timing.json)
expect_rc(timing 0)
file(READ "${WORK}/timing.json" tjson)
string(JSON clk GET "${tjson}" config cim clock_period_ns)
string(JSON rd GET "${tjson}" config cim array read_ns)
if(NOT clk EQUAL 2.5 OR NOT rd EQUAL 2)
  message(FATAL_ERROR "tech_timing: clock ${clk} ns, array read ${rd} ns (expected 2.5 and 2 from sram28.yaml)")
endif()

# errors: bad input, nothing simulated
cimvp_run(bad --workload selftest.yaml --set tech=sram56)
expect_bad_input(bad "tech: no technology file 'sram56'" "(did you mean 'sram65'?)")
file(WRITE "${WORK}/broken.yaml" "node: broken\n")
cimvp_run(broken --workload selftest.yaml --set tech=broken.yaml)
expect_bad_input(broken "broken.yaml:1:1: missing required key")
cimvp_run(csv --workload selftest.yaml --report-csv "${WORK}/no/such/dir/r.csv")
expect_bad_input(csv "--report-csv: cannot write")

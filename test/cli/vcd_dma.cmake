# --vcd writes every module's signals; during a 400-image inference (transfer: dma, the
# default) the host DMA's busy line (HostDma::trace, scope top.dma) goes high and low
# several times: images in and sums out of the macro's activation buffers, per batch.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

file(WRITE "${WORK}/w400.yaml" "job: cim_inference\ncim_inference:\n  images: 400\n")
cimvp_run(v --workload w400.yaml --vcd run.vcd)
expect_rc(v 0)
expect_contains("vcd run" "${v_out}" "hardware == golden on 400/400 images" "via the DMA")
if(NOT EXISTS "${WORK}/run.vcd")
  file(GLOB written "${WORK}/*")
  message(FATAL_ERROR "--vcd run.vcd wrote no run.vcd; files: ${written}")
endif()
file(READ "${WORK}/run.vcd" vcd)

# identifier of top.dma.busy: the first 1-bit `busy` wire declared in scope `dma`
string(REGEX MATCH "\\$scope module dma \\$end[^$]*(\\$var wire +1 +[^ ]+ +irq +\\$end[^$]*)?\\$var wire +1 +([^ ]+) +busy "
       decl "${vcd}")
set(id "${CMAKE_MATCH_2}")
if(id STREQUAL "")
  message(FATAL_ERROR "no busy signal in scope dma in run.vcd:\n${vcd}")
endif()
expect_contains("run.vcd" "${vcd}" "$scope module cim $end" "$scope module host $end")

# value changes of that identifier after the initial dump (#0 block)
string(FIND "${vcd}" "\n#" first_time)
string(SUBSTRING "${vcd}" ${first_time} -1 changes)
string(REGEX MATCHALL "\n[01]${id}\n" edges "${changes}\n")
set(rises 0)
set(falls 0)
foreach(e IN LISTS edges)
  if(e MATCHES "^\n1")
    math(EXPR rises "${rises} + 1")
  else()
    math(EXPR falls "${falls} + 1")
  endif()
endforeach()
math(EXPR toggles "${rises} + ${falls}")
message(STATUS "top.dma.busy (${id}): ${rises} rising, ${falls} falling edges")
if(toggles LESS_EQUAL 2 OR rises LESS 2)
  message(FATAL_ERROR "top.dma.busy (${id}) toggles ${toggles} times (${rises} rising): the DMA is not busy during inference")
endif()

# --list-platforms names every platforms/*.yaml with its description; --list-keys prints the
# key tables that docs/configuration.md contains.
include(${CMAKE_CURRENT_LIST_DIR}/support/cli_helpers.cmake)

cimvp_run(lp --list-platforms)
expect_rc(lp 0)
file(GLOB yamls "${SRC}/platforms/*.yaml")
list(LENGTH yamls n)
if(n LESS 2)
  message(FATAL_ERROR "expected at least two platforms/*.yaml, found ${n}")
endif()
foreach(y IN LISTS yamls)
  get_filename_component(name "${y}" NAME_WLE)
  file(STRINGS "${y}" desc REGEX "^description: ")
  string(REGEX REPLACE "^description: *" "" desc "${desc}")
  if(NOT lp_out MATCHES "(^|\n)${name} +")
    message(FATAL_ERROR "--list-platforms does not list '${name}':\n${lp_out}")
  endif()
  expect_contains("--list-platforms" "${lp_out}" "${desc}")
endforeach()

cimvp_run(lk --list-keys)
expect_rc(lk 0)
expect_contains("--list-keys" "${lk_out}" "| `memory.read_latency_ns` | time | `50` | ns | >= 0 |"
                "| `address_map[].base` |" "| `dma_selftest.copies` |")
file(READ "${SRC}/docs/configuration.md" doc)
expect_contains("docs/configuration.md (regenerate its tables with `cimvp --list-keys`)" "${doc}" "${lk_out}")

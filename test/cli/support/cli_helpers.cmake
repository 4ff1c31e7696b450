# Helpers for the test/cli/*.cmake scripts (run with -DCIMVP=<exe> -DSRC=<repo> -DWORK=<dir>).
if(NOT CIMVP OR NOT SRC OR NOT WORK)
  message(FATAL_ERROR "run with -DCIMVP=<cimvp executable> -DSRC=<repository> -DWORK=<scratch dir>")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

# cimvp_run(<name> args...): runs cimvp in WORK; sets <name>_rc, <name>_out, <name>_err.
function(cimvp_run name)
  execute_process(COMMAND "${CIMVP}" ${ARGN}
                  WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${name}_rc "${rc}" PARENT_SCOPE)
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_err "${err}" PARENT_SCOPE)
  set(${name}_cmd "cimvp ${ARGN}" PARENT_SCOPE)
endfunction()

# expect_rc(<name> <code>): the run <name> exited with <code>.
function(expect_rc name code)
  if(NOT "${${name}_rc}" STREQUAL "${code}")
    message(FATAL_ERROR "${${name}_cmd}: exit code ${${name}_rc}, expected ${code}\n"
                        "--- stdout\n${${name}_out}\n--- stderr\n${${name}_err}")
  endif()
endfunction()

# expect_contains(<what> <text> <needle>...): every needle occurs literally in text.
function(expect_contains what text)
  foreach(needle IN LISTS ARGN)
    string(FIND "${text}" "${needle}" pos)
    if(pos EQUAL -1)
      message(FATAL_ERROR "${what} does not contain '${needle}':\n${text}")
    endif()
  endforeach()
endfunction()

# expect_not_contains(<what> <text> <needle>)
function(expect_not_contains what text needle)
  string(FIND "${text}" "${needle}" pos)
  if(NOT pos EQUAL -1)
    message(FATAL_ERROR "${what} contains '${needle}':\n${text}")
  endif()
endfunction()

# expect_bad_input(<name> <needle>...): exit code 2, stderr "cimvp: error: " + needles.
function(expect_bad_input name)
  expect_rc(${name} 2)
  expect_contains("stderr of ${${name}_cmd}" "${${name}_err}" "cimvp: error: " ${ARGN})
endfunction()

# tool_run(<name> <tool> args...): runs the sibling program <tool> of CIMVP (e.g. cimvp-train)
# in WORK; sets <name>_rc, <name>_out, <name>_err, <name>_cmd like cimvp_run.
function(tool_run name tool)
  get_filename_component(dir "${CIMVP}" DIRECTORY)
  execute_process(COMMAND "${dir}/${tool}" ${ARGN}
                  WORKING_DIRECTORY "${WORK}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${name}_rc "${rc}" PARENT_SCOPE)
  set(${name}_out "${out}" PARENT_SCOPE)
  set(${name}_err "${err}" PARENT_SCOPE)
  set(${name}_cmd "${tool} ${ARGN}" PARENT_SCOPE)
endfunction()

# expect_usage(<name> <needle>...): the run exited 2 (bad usage) and stderr holds every needle.
function(expect_usage name)
  expect_rc(${name} 2)
  expect_contains("stderr of ${${name}_cmd}" "${${name}_err}" ${ARGN})
endfunction()

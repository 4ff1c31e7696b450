# ctest driver: the installed tool works on its own.  Installs the already-built cimvp into a
# temporary prefix, then runs the installed program from another directory with a clean
# environment (no CIMVP_* variables, no path into the source or build tree) on the default
# job, checks that the weights came from <prefix>/share/cimvp, and builds a small program
# against the installed headers and libraries with pkg-config.
# Inputs: -DBUILD=<cimvp build dir> -DWORK=<scratch>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/elsewhere")
set(prefix "${WORK}/prefix")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${prefix}" RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f bin/cimvp bin/cimvp-train bin/cimvp-rram-estimate share/cimvp/weights/fmnist-xnor.bnn share/cimvp/platforms/default.yaml
          share/cimvp/tech/sram65.yaml share/cimvp/data/mnist lib/pkgconfig/cimvp.pc
          include/cimvp/circuit/version_macros.h share/doc/cimvp/README.md)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# (a sanitizer build keeps its sanitizer options: the suite runs with leak detection off)
set(clean env -i PATH=/usr/bin:/bin HOME=${WORK}/elsewhere)
foreach(var ASAN_OPTIONS UBSAN_OPTIONS)
  if(DEFINED ENV{${var}})
    list(APPEND clean "${var}=$ENV{${var}}")
  endif()
endforeach()
execute_process(COMMAND ${clean} "${prefix}/bin/cimvp" --images 200 --report r.json
                WORKING_DIRECTORY "${WORK}/elsewhere" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "job cim_inference: PASS \\(hardware == golden on 200/200 images")
  message(FATAL_ERROR "installed cimvp failed (${rc}):\n${out}\n${err}")
endif()
file(READ "${WORK}/elsewhere/r.json" json)
string(JSON weights GET "${json}" job weights)
if(NOT weights MATCHES "^${prefix}/share/cimvp/weights/fmnist-xnor.bnn$")
  message(FATAL_ERROR "the installed cimvp read its weights from '${weights}', not from ${prefix}/share/cimvp")
endif()
# MNIST from the installed copy too
file(WRITE "${WORK}/elsewhere/m.yaml" "cim_inference:\n  weights: mnist-xnor.bnn\n  dataset: mnist\n  images: 100\n")
execute_process(COMMAND ${clean} "${prefix}/bin/cimvp" --workload m.yaml
                WORKING_DIRECTORY "${WORK}/elsewhere" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "mnist/test, 100 images")
  message(FATAL_ERROR "installed cimvp on MNIST failed (${rc}):\n${out}\n${err}")
endif()

# pkg-config: compile and link against the installed libraries
file(WRITE "${WORK}/v.cpp" "#include <cimvp/circuit/version.h>\n#include <cimvp/circuit/version_macros.h>\n#include <string>\n"
           "int main() { return std::string(cimvp::version()) == CIMVP_VERSION_STRING && CIMVP_VERSION >= 100 ? 0 : 1; }\n"
           "extern \"C\" int sc_main(int, char*[]) { return 0; }  // libsystemc refers to it when linked in\n")
execute_process(COMMAND ${clean} PKG_CONFIG_PATH=${prefix}/lib/pkgconfig pkg-config --cflags --libs cimvp
                RESULT_VARIABLE rc OUTPUT_VARIABLE flags ERROR_VARIABLE err OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs cimvp failed (${rc}): ${err}")
endif()
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND c++ "${WORK}/v.cpp" -o "${WORK}/v" ${flags} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building against the installed cimvp with pkg-config failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${WORK}/v" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "version() and CIMVP_VERSION_STRING disagree")
endif()

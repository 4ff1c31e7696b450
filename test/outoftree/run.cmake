# ctest driver: install the already-built cimvp into a temporary prefix, then configure,
# build and run an outside project that uses find_package(cimvp).
# Inputs: -DSRC=<repo> -DBUILD=<cimvp build dir> -DWORK=<scratch> -DGENERATOR=<generator>
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(prefix "${WORK}/prefix")

execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
if(NOT EXISTS "${prefix}/lib/cmake/cimvp/cimvpConfig.cmake")
  message(FATAL_ERROR "cimvpConfig.cmake was not installed under ${prefix}/lib/cmake/cimvp")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SRC}/test/outoftree/consumer" -B "${WORK}/build"
                        -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release
                        "-DCMAKE_PREFIX_PATH=${prefix}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the consumer project failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK}/build" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the consumer project failed (${rc})")
endif()
execute_process(COMMAND "${WORK}/build/consumer" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer exited with ${rc}")
endif()
if(NOT out MATCHES "consumer: DMA copy verified")
  message(FATAL_ERROR "consumer did not verify its copy")
endif()

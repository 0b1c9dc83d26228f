# shipd_test(NAME LABEL SOURCES ... LIBS ...): one GoogleTest binary, registered with CTest
# under LABEL (unit: needs nothing; pg: starts its own PostgreSQL; e2e: runs the shipd binary).
# One CTest entry per binary: a pg binary starts one cluster and shares it between its tests.
function(shipd_test name label)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} shipd_test_support GTest::gtest GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  set(env "SHIPD_SOURCE_DIR=${SHIPD_SOURCE_DIR}")
  if(TARGET shipd)
    list(APPEND env "SHIPD_BINARY=$<TARGET_FILE:shipd>")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 600 ENVIRONMENT "${env}")
  # An e2e test runs the shipd binary: build it first.
  if(label STREQUAL "e2e" AND TARGET shipd)
    add_dependencies(${name} shipd)
  endif()
endfunction()

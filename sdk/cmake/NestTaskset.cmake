# nest_add_taskset(<name> SOURCES <file>... [OUTPUT_DIRECTORY <dir>])
#
# Builds a taskset plugin: a MODULE library named <name>.so (no "lib" prefix), hidden
# visibility (only NEST_TASKSET's symbols are exported), linked to nest::sdk. It lands in
# OUTPUT_DIRECTORY, else ${NEST_TASKSETS_DIR} when set, else ${CMAKE_BINARY_DIR}/tasksets.
function(nest_add_taskset name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nest_add_taskset(${name}): SOURCES is required")
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set(out "${ARG_OUTPUT_DIRECTORY}")
  elseif(NEST_TASKSETS_DIR)
    set(out "${NEST_TASKSETS_DIR}")
  else()
    set(out "${CMAKE_BINARY_DIR}/tasksets")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE nest::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${out}")
endfunction()

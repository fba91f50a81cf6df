# find_package(Nest) — the installed SDK: the nest::sdk target and nest_add_taskset().
include("${CMAKE_CURRENT_LIST_DIR}/NestTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/NestTaskset.cmake")

# What `cmake --install` puts in place besides the tools (flow_tool.cmake): the manual pages of
# sections 5 and 7, and libflow as a library (component "dev"): its static archive, its public
# headers, a CMake package (find_package(flowlogs) -> flowlogs::flow) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(FILES man/flow-formats.5 man/flow-policy.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5 COMPONENT tools)
install(FILES man/flow-filter.7 DESTINATION ${CMAKE_INSTALL_MANDIR}/man7 COMPONENT tools)

install(TARGETS flow EXPORT flowlogsTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY libflow/include/flow DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
set(FLOW_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/flowlogs)
install(EXPORT flowlogsTargets NAMESPACE flowlogs:: DESTINATION ${FLOW_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/flowlogsConfig.cmake.in ${CMAKE_BINARY_DIR}/flowlogsConfig.cmake
                              INSTALL_DESTINATION ${FLOW_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/flowlogsConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/flowlogsConfig.cmake ${CMAKE_BINARY_DIR}/flowlogsConfigVersion.cmake
        DESTINATION ${FLOW_CMAKE_DIR} COMPONENT dev)
# The prefix relative to the .pc file's own place, so that any install prefix works.
file(RELATIVE_PATH FLOW_PC_UP /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" FLOW_PC_UP "${FLOW_PC_UP}")
configure_file(cmake/flowlogs.pc.in ${CMAKE_BINARY_DIR}/flowlogs.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/flowlogs.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

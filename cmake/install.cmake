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

# Debian packages (cpack -G DEB in the build directory): flowlogs (the tools, their manual pages
# and completions; its dependencies worked out by dpkg-shlibdeps from the binaries) and
# libflowlogs-dev (libflow for programs of one's own; it needs the -dev packages libflow uses).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME flowlogs)
set(CPACK_PACKAGE_VENDOR "flowlogs")
set(CPACK_PACKAGE_CONTACT "flowlogs maintainers <flowlogs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "command-line tools for cloud flow logs (AWS VPC Flow Logs, GCP, Azure)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tools dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # NAME_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME flowlogs)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_TOOLS_PACKAGE_RECOMMENDS "bash-completion, man-db")
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "flowcat, flowgen, flowfilter, flowagg, flowjoin and flowstat: read, convert, select, group, enrich and\n"
    "summarise network flow logs, with man pages and bash, zsh and fish completions.")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libflowlogs-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libfmt-dev, libsimdjson-dev, libisal-dev, libzstd-dev, libsnappy-dev, libmaxminddb-dev, libxxhash-dev, libcpp-httplib-dev, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "libflow, the record model, readers, writers and engines of the flowlogs tools, as a static library\n"
    "with its headers, a CMake package (find_package(flowlogs)) and a pkg-config file (flowlogs).")
include(CPack)

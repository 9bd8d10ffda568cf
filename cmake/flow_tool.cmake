# flow_add_tool(name): the command tools/<name>/*.cpp, linked against libflow and tools/common,
# installed with its man page and its bash, zsh and fish completions (component "tools").
function(flow_add_tool name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/${name}/*.cpp)
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE flow_tool ${ARGN})
  install(TARGETS ${name} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  install(FILES ${CMAKE_SOURCE_DIR}/man/${name}.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
  # Where Debian's shells look: bash-completion loads completions/NAME on first use; zsh has
  # vendor-completions in its fpath; fish reads vendor_completions.d.
  install(FILES ${CMAKE_SOURCE_DIR}/completions/bash/${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT tools)
  install(FILES ${CMAKE_SOURCE_DIR}/completions/zsh/_${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT tools)
  install(FILES ${CMAKE_SOURCE_DIR}/completions/fish/${name}.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT tools)
endfunction()

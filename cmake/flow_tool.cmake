# flow_add_tool(name): the command tools/<name>/*.cpp, linked against libflow and tools/common.
function(flow_add_tool name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tools/${name}/*.cpp)
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE flow_tool ${ARGN})
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()

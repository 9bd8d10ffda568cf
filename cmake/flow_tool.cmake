# flow_add_tool(name): a thin tools/<name>/main.cpp linked against libflow.
function(flow_add_tool name)
  add_executable(${name} ${CMAKE_SOURCE_DIR}/tools/${name}/main.cpp)
  target_link_libraries(${name} PRIVATE flow CLI11::CLI11)
  install(TARGETS ${name} RUNTIME DESTINATION bin)
endfunction()

-- The Lua 5.4 module "kam" (libkam linked in statically). From the root of a libkam clone:
--   luarocks --lua-version 5.4 make bindings/lua/kam-0.1.0-1.rockspec [--tree DIR]
-- builds it with CMake (a C11 compiler and CMake 3.16+) and installs kam.so into the tree.
rockspec_format = "3.0"
package = "kam"
version = "0.1.0-1"
source = { url = "git+file:///libkam" } -- `luarocks make` builds the clone it is run in
description = {
  summary = "Key account management: finance, segmentation, stakeholder typing, proposals",
  detailed = "Lua 5.4 binding to libkam, an embeddable C11 library for key account management.",
  license = "MIT",
}
dependencies = { "lua >= 5.4, < 5.5" }
build = {
  type = "cmake",
  variables = {
    CMAKE_BUILD_TYPE = "Release",
    CMAKE_INSTALL_PREFIX = "$(PREFIX)",
    LUA54_INCLUDE_DIR = "$(LUA_INCDIR)",
    KAM_LUA_INSTALL_DIR = "$(LIBDIR)",
    KAM_BUILD_TESTS = "OFF",
    KAM_BUILD_EXAMPLES = "OFF",
    KAM_BUILD_BENCH = "OFF",
    KAM_BUILD_LUA = "ON",
    KAM_INSTALL = "OFF",
  },
}

/* lkam_value.c - the value part of the Lua module (written with the value module). */
#include "lkam.h"

void kam__lua_open_value(lua_State *L) { (void)L; }

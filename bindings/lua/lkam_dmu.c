/* lkam_dmu.c - the dmu part of the Lua module (written with the dmu module). */
#include "lkam.h"

void kam__lua_open_dmu(lua_State *L) { (void)L; }

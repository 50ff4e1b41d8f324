/* lkam_money.c - the money part of the Lua module (written with the money module). */
#include "lkam.h"

void kam__lua_open_money(lua_State *L) { (void)L; }

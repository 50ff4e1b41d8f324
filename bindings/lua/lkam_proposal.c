/* lkam_proposal.c - the proposal part of the Lua module (written with the proposal module). */
#include "lkam.h"

void kam__lua_open_proposal(lua_State *L) { (void)L; }

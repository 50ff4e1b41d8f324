/* lkam_template.c - the template part of the Lua module (written with the template module). */
#include "lkam.h"

void kam__lua_open_template(lua_State *L) { (void)L; }

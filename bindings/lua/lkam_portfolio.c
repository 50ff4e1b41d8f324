/* lkam_portfolio.c - the portfolio part of the Lua module (written with the portfolio module). */
#include "lkam.h"

void kam__lua_open_portfolio(lua_State *L) { (void)L; }

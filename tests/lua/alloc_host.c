/* alloc_host.c - a Lua 5.4 host with a counting allocator, running one Lua script (argv[1]).
 *
 * The kam module's objects allocate through the lua_State's allocator (lua_getallocf). The
 * script sees kam_outside(): the bytes the allocator holds beyond what Lua itself counts
 * (collectgarbage "count"), which is what libkam holds; it must grow with kam objects and go
 * back to where it was once they are collected. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct counter {
  size_t live; /* bytes held through this allocator */
} counter;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  counter *c = (counter *)ud;
  void *p;
  if (!ptr) osize = 0; /* Lua passes the kind of object there */
  if (nsize == 0) {
    free(ptr);
    c->live -= osize;
    return NULL;
  }
  p = realloc(ptr, nsize);
  if (p) c->live = c->live - osize + nsize;
  return p;
}

static int l_outside(lua_State *L) {
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  lua_Integer lua_bytes =
      (lua_Integer)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (lua_Integer)lua_gc(L, LUA_GCCOUNTB, 0);
  (void)alloc;
  lua_pushinteger(L, (lua_Integer)((counter *)ud)->live - lua_bytes);
  return 1;
}

int main(int argc, char **argv) {
  counter c = {0};
  lua_State *L;
  int rc;
  if (argc != 2) {
    fprintf(stderr, "usage: alloc_host script.lua\n");
    return 2;
  }
  L = lua_newstate(counting_alloc, &c);
  if (!L) return 1;
  luaL_openlibs(L);
  lua_register(L, "kam_outside", l_outside);
  rc = luaL_dofile(L, argv[1]);
  if (rc != LUA_OK) fprintf(stderr, "%s\n", lua_tostring(L, -1));
  lua_close(L);
  if (rc == LUA_OK && c.live != 0) {
    fprintf(stderr, "alloc_host: %zu bytes still held after lua_close\n", c.live);
    rc = 1;
  }
  return rc == LUA_OK ? 0 : 1;
}

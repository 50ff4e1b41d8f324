/* lkam_template.c - Mustache templates in the Lua module.
 *
 *   local t = kam.Template("Hello, {{name}}!" [, max_steps])   -- compiles; raises EPARSE
 *   t:render(data [, partials]) -> string; t(data [, partials]) is the same, as in Python
 *   t:set_max_steps(n); t:close()
 *
 * data is converted by kam__lua_tovalue (lkam_value.c): tables with keys 1..n are arrays (use
 * kam.array{} for an empty list: a plain {} is an empty object, which is truthy), functions
 * are lambdas (called with the section text, or with nothing for {{name}}). partials is a
 * table name -> text, or a function(name) returning the text or nil (nil: no such partial).
 * Errors raised inside lambdas or partial functions never longjmp through libkam: they are
 * kept, the render stops, and the original error is raised after it. */
#include <string.h>

#include "lkam.h"

#define TEMPLATE_MT "kam.Template"
#define PARTIAL_FAILED 0x4B414E /* "KAN": a partial function raised; its error is re-raised */

typedef struct ltemplate {
  kam_ctx *ctx;
  kam_template *t;
} ltemplate;

static ltemplate *check_template(lua_State *L, int idx) {
  ltemplate *lt = (ltemplate *)luaL_checkudata(L, idx, TEMPLATE_MT);
  if (!lt->t) {
    kam__lua_push_error(L, KAM_EINVAL, "the template has been closed");
    lua_error(L);
  }
  return lt;
}

kam_template *kam__lua_totemplate(lua_State *L, int idx) {
  return luaL_testudata(L, idx, TEMPLATE_MT) ? check_template(L, idx)->t : NULL;
}

static int l_template_close(lua_State *L) {
  ltemplate *lt = (ltemplate *)luaL_checkudata(L, 1, TEMPLATE_MT);
  kam_template_free(lt->t);
  lt->t = NULL;
  kam_ctx_free(lt->ctx);
  lt->ctx = NULL;
  return 0;
}

static int l_template_set_max_steps(lua_State *L) {
  ltemplate *lt = check_template(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_argcheck(L, n >= 0, 2, "max_steps must be >= 0");
  kam__lua_check(L, kam_template_set_max_steps(lt->t, (uint64_t)n), lt->ctx);
  return 0;
}

static int l_template_new(lua_State *L) {
  size_t len;
  const char *src;
  ltemplate *lt;
  int rc;
  LKAM_ARGS(L, 2);
  src = luaL_checklstring(L, 1, &len);
  lt = (ltemplate *)lua_newuserdatauv(L, sizeof *lt, 0);
  lt->ctx = NULL;
  lt->t = NULL;
  luaL_setmetatable(L, TEMPLATE_MT);
  lt->ctx = kam__lua_newctx(L);
  rc = kam_template_compile(&lt->t, lt->ctx, src, len);
  if (rc != KAM_OK) kam__lua_error(L, rc, lt->ctx); /* __gc frees the ctx */
  if (!lua_isnoneornil(L, 2)) {
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_argcheck(L, n >= 0, 2, "max_steps must be >= 0");
    kam_template_set_max_steps(lt->t, (uint64_t)n);
  }
  return 1;
}

/* --- partials --------------------------------------------------------------------------- */

typedef struct lpartials {
  lua_State *L;
  int src_idx;  /* the partials table or function */
  int keep_idx; /* a table anchoring the returned strings until the render returns */
  int err_idx;  /* a reserved stack slot for the error of a failing partial function */
  int kept;
  int failed;
} lpartials;

/* Runs inside lua_pcall: 1 = partials, 2 = name (light userdata), 3 = name length,
 * 4 = keep table, 5 = slot in it. Returns the text (anchored in keep) or nil. */
static int protected_partial(lua_State *L) {
  const char *name = (const char *)lua_touserdata(L, 2);
  size_t len = (size_t)lua_tointeger(L, 3);
  lua_pushlstring(L, name, len); /* 6 */
  if (lua_type(L, 1) == LUA_TFUNCTION) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 6);
    lua_call(L, 1, 1);
  } else {
    lua_pushvalue(L, 6);
    lua_gettable(L, 1);
  }
  if (lua_isnil(L, -1)) return 1;
  if (lua_type(L, -1) != LUA_TSTRING)
    return luaL_error(L, "partial '%s': expected a string or nil, got %s", lua_tostring(L, 6),
                      luaL_typename(L, -1));
  lua_pushvalue(L, -1);
  lua_rawseti(L, 4, lua_tointeger(L, 5));
  return 1;
}

static int lua_partial(void *ud, const char *name, size_t name_len, const char **src,
                       size_t *src_len) {
  lpartials *p = (lpartials *)ud;
  lua_State *L = p->L;
  if (!lua_checkstack(L, 8)) return KAM_ENOMEM;
  lua_pushcfunction(L, protected_partial);
  lua_pushvalue(L, p->src_idx);
  lua_pushlightuserdata(L, (void *)(uintptr_t)name);
  lua_pushinteger(L, (lua_Integer)name_len);
  lua_pushvalue(L, p->keep_idx);
  lua_pushinteger(L, (lua_Integer)p->kept + 1);
  if (lua_pcall(L, 5, 1, 0) != LUA_OK) {
    lua_replace(L, p->err_idx); /* no allocation: the slot was reserved */
    p->failed = 1;
    return PARTIAL_FAILED;
  }
  if (lua_type(L, -1) == LUA_TSTRING) {
    *src = lua_tolstring(L, -1, src_len); /* stays valid: anchored in the keep table */
    p->kept++;
  }
  lua_pop(L, 1);
  return 0;
}

/* --- render ----------------------------------------------------------------------------- */

static int l_template_render(lua_State *L) {
  ltemplate *lt;
  kam_value *data = NULL;
  kam__lua_sink sink = {NULL, 0, 0};
  lpartials p;
  int holder_idx, rc, ptype;
  LKAM_ARGS(L, 3);
  lt = check_template(L, 1);
  ptype = lua_type(L, 3);
  if (ptype != LUA_TNIL && ptype != LUA_TTABLE && ptype != LUA_TFUNCTION)
    luaL_argerror(L, 3, "partials must be a table, a function or nil");
  memset(&p, 0, sizeof p);
  p.L = L;
  p.src_idx = 3;
  lua_createtable(L, 4, 0); /* 4: keep */
  p.keep_idx = 4;
  lua_pushnil(L); /* 5: error slot */
  p.err_idx = 5;
  kam__lua_tovalue(L, 2, NULL, &data); /* 6: the holder (owns data and its own ctx) */
  holder_idx = 6;
  rc = kam_template_render(lt->t, data, ptype == LUA_TNIL ? NULL : lua_partial, &p,
                           kam__lua_sink_write, &sink);
  if (rc == KAM_OK) {
    kam__lua_value_release(L, holder_idx);
    kam__lua_sink_push(L, &sink);
    return 1;
  }
  kam__lua_sink_free(&sink);
  if (p.failed && rc == PARTIAL_FAILED) {
    kam__lua_value_release(L, holder_idx);
    lua_pushvalue(L, p.err_idx);
    return lua_error(L);
  }
  if (rc == KAM__LUA_LAMBDA_FAILED) kam__lua_value_rethrow(L, holder_idx);
  kam__lua_value_release(L, holder_idx);
  return kam__lua_error(L, rc, lt->ctx);
}

static int l_template_tostring(lua_State *L) {
  ltemplate *lt = (ltemplate *)luaL_checkudata(L, 1, TEMPLATE_MT);
  lua_pushfstring(L, "kam.Template (%s)", lt->t ? "compiled" : "closed");
  return 1;
}

void kam__lua_open_template(lua_State *L) {
  static const luaL_Reg methods[] = {{"render", l_template_render},
                                     {"set_max_steps", l_template_set_max_steps},
                                     {"close", l_template_close},
                                     {NULL, NULL}};
  if (luaL_newmetatable(L, TEMPLATE_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_template_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_template_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_template_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, l_template_render); /* t(data [, partials]), as Python's t(data) */
    lua_setfield(L, -2, "__call");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_template_new);
  lua_setfield(L, -2, "Template");
  lua_pushinteger(L, KAM_TEMPLATE_MAX_DEPTH);
  lua_setfield(L, -2, "TEMPLATE_MAX_DEPTH");
  lua_pushinteger(L, KAM_TEMPLATE_DEFAULT_MAX_STEPS);
  lua_setfield(L, -2, "TEMPLATE_DEFAULT_MAX_STEPS");
}

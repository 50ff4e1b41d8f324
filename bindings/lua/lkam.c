/* lkam.c - the Lua 5.4 module "kam": entry point, errors, shared helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkam.h"

void kam__lua_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc,
                    lua_CFunction len, lua_CFunction tostring) {
  if (luaL_newmetatable(L, mt)) {
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gc);
    lua_setfield(L, -2, "__close");
    if (len) {
      lua_pushcfunction(L, len);
      lua_setfield(L, -2, "__len");
    }
    if (tostring) {
      lua_pushcfunction(L, tostring);
      lua_setfield(L, -2, "__tostring");
    }
  }
  lua_pop(L, 1);
}

void kam__lua_class_table(lua_State *L, const char *name, const luaL_Reg *statics,
                          lua_CFunction call) {
  lua_newtable(L);
  if (statics) luaL_setfuncs(L, statics, 0);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, name);
}

static const char *status_code(int status) {
  switch (status) {
  case KAM_EINVAL: return "EINVAL";
  case KAM_ENOMEM: return "ENOMEM";
  case KAM_EOVERFLOW: return "EOVERFLOW";
  case KAM_EPARSE: return "EPARSE";
  case KAM_ENOSOLUTION: return "ENOSOLUTION";
  case KAM_ENOCONV: return "ENOCONV";
  case KAM_ESTATE: return "ESTATE";
  case KAM_ENOTFOUND: return "ENOTFOUND";
  case KAM_EEXIST: return "EEXIST";
  case KAM_ELIMIT: return "ELIMIT";
  default: return "ECALLBACK";
  }
}

static int error_tostring(lua_State *L) {
  lua_getfield(L, 1, "code");
  lua_getfield(L, 1, "message");
  lua_pushfstring(L, "kam %s: %s", lua_tostring(L, -2), lua_tostring(L, -1));
  return 1;
}

void kam__lua_push_error(lua_State *L, int status, const char *message) {
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, status);
  lua_setfield(L, -2, "status");
  lua_pushstring(L, status_code(status));
  lua_setfield(L, -2, "code");
  lua_pushstring(L, message && *message ? message : kam_strerror(status));
  lua_setfield(L, -2, "message");
  if (luaL_newmetatable(L, "kam.Error")) {
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_setmetatable(L, -2);
}

int kam__lua_error(lua_State *L, int status, const kam_ctx *ctx) {
  kam__lua_push_error(L, status, ctx ? kam_ctx_errmsg(ctx) : NULL);
  return lua_error(L);
}

int kam__lua_check(lua_State *L, int status, const kam_ctx *ctx) {
  if (status != KAM_OK) kam__lua_error(L, status, ctx);
  return 0;
}

void kam__lua_checkfields(lua_State *L, int idx, const char *const *known, const char *what) {
  int i;
  idx = lua_absindex(L, idx);
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int found = 0;
    for (i = 0; known[i] && lua_type(L, -2) == LUA_TSTRING; i++)
      found |= strcmp(lua_tostring(L, -2), known[i]) == 0;
    if (!found) {
      int parts = 1;
      for (i = 0; known[i]; i++)
        ;
      luaL_checkstack(L, 2 * i + 2, "kam: the field list");
      lua_pushfstring(L, "%s: unknown field '%s' (fields: ", what,
                      lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "(not a string)");
      for (i = 0; known[i]; i++, parts += 2) {
        lua_pushstring(L, i ? ", " : "");
        lua_pushstring(L, known[i]);
      }
      lua_pushliteral(L, ")");
      lua_concat(L, parts + 1);
      kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
      lua_error(L);
    }
    lua_pop(L, 1);
  }
}

const char *kam__lua_cstring(lua_State *L, int idx, const char *what) {
  size_t n;
  const char *s;
  if (lua_isnoneornil(L, idx)) return NULL;
  if (lua_type(L, idx) != LUA_TSTRING) {
    lua_pushfstring(L, "%s must be a string, not %s", what, luaL_typename(L, idx));
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    lua_error(L);
  }
  s = lua_tolstring(L, idx, &n);
  if (strlen(s) != n) {
    lua_pushfstring(L, "%s contains a NUL character", what);
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    lua_error(L);
  }
  return s;
}

/* The ctx allocates through the lua_State's allocator (kam_alloc_fn has lua_Alloc's contract),
 * so a host that bounds or counts Lua's memory bounds and counts libkam's too. */
kam_ctx *kam__lua_newctx(lua_State *L) {
  kam_ctx *ctx;
  void *ud;
  lua_Alloc alloc = lua_getallocf(L, &ud);
  int rc = kam_ctx_new(&ctx, alloc, ud);
  if (rc) kam__lua_error(L, rc, NULL);
  return ctx;
}

double *kam__lua_checknumbers(lua_State *L, int idx, size_t *n) {
  lua_Integer len, i;
  double *v;
  luaL_checktype(L, idx, LUA_TTABLE);
  len = luaL_len(L, idx);
  v = (double *)lua_newuserdatauv(L, (size_t)(len > 0 ? len : 1) * sizeof(double), 0);
  for (i = 1; i <= len; i++) {
    int isnum;
    lua_geti(L, idx, i);
    v[i - 1] = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "bad argument #%d: item %d is not a number", idx, (int)i);
    lua_pop(L, 1);
  }
  *n = (size_t)len;
  return v;
}

/* A date, as Python's kam.date_to_days takes it; the table {year =, month =, day =} (the
 * os.date("*t") shape) is the Lua counterpart of datetime.date. */
kam_date kam__lua_checkdate(lua_State *L, int idx, const char *what) {
  kam_date d = 0;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (kam_date_parse(&d, s, len) != KAM_OK) {
      lua_pushfstring(L, "%s '%s' is not a date YYYY-MM-DD", what, s);
      kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
      lua_error(L);
    }
  } else if (lua_isinteger(L, idx)) {
    lua_Integer days = lua_tointeger(L, idx);
    if (days < INT32_MIN || days > INT32_MAX) {
      lua_pushfstring(L, "%s %I is out of range", what, days);
      kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
      lua_error(L);
    }
    d = (kam_date)days;
  } else if (lua_type(L, idx) == LUA_TTABLE) {
    static const char *const keys[3] = {"year", "month", "day"};
    int ymd[3], i, ok = 1;
    for (i = 0; i < 3; i++) {
      lua_getfield(L, idx, keys[i]);
      ok = ok && lua_isinteger(L, -1) && lua_tointeger(L, -1) >= INT32_MIN / 2 &&
           lua_tointeger(L, -1) <= INT32_MAX / 2;
      ymd[i] = ok ? (int)lua_tointeger(L, -1) : 0;
      lua_pop(L, 1);
    }
    if (!ok || kam_date_from_ymd(&d, ymd[0], ymd[1], ymd[2]) != KAM_OK) {
      lua_pushfstring(L, "%s is not a day {year =, month =, day =}", what);
      kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
      lua_error(L);
    }
  } else {
    lua_pushfstring(L, "%s must be a date (\"YYYY-MM-DD\", days or {year, month, day}), not %s",
                    what, luaL_typename(L, idx));
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    lua_error(L);
  }
  return d;
}

kam_date *kam__lua_checkdates(lua_State *L, int idx, size_t *n) {
  lua_Integer len, i;
  kam_date *d;
  luaL_checktype(L, idx, LUA_TTABLE);
  len = luaL_len(L, idx);
  d = (kam_date *)lua_newuserdatauv(L, (size_t)(len > 0 ? len : 1) * sizeof(kam_date), 0);
  for (i = 1; i <= len; i++) {
    char what[32];
    snprintf(what, sizeof what, "dates[%d]", (int)i);
    lua_geti(L, idx, i);
    d[i - 1] = kam__lua_checkdate(L, lua_gettop(L), what);
    lua_pop(L, 1);
  }
  *n = (size_t)len;
  return d;
}

int kam__lua_sink_write(void *ud, const void *buf, size_t len) {
  kam__lua_sink *s = (kam__lua_sink *)ud;
  if (s->len + len > s->cap) {
    size_t cap = s->cap ? s->cap : 1024;
    char *p;
    while (cap < s->len + len)
      cap *= 2;
    p = (char *)realloc(s->data, cap);
    if (!p) return KAM_ENOMEM;
    s->data = p;
    s->cap = cap;
  }
  if (len) memcpy(s->data + s->len, buf, len);
  s->len += len;
  return 0;
}

void kam__lua_sink_free(kam__lua_sink *s) {
  free(s->data);
  s->data = NULL;
  s->len = s->cap = 0;
}

void kam__lua_sink_push(lua_State *L, kam__lua_sink *s) {
  lua_pushlstring(L, s->data ? s->data : "", s->len);
  kam__lua_sink_free(s);
}

static int l_version(lua_State *L) {
  lua_pushstring(L, kam_version());
  return 1;
}

static int l_strerror(lua_State *L) {
  lua_pushstring(L, kam_strerror((int)luaL_checkinteger(L, 1)));
  return 1;
}

/* The dates, as in Python: date_to_days(d) -> days; days_to_date(days) -> {year, month, day}
 * (Python: datetime.date); date_format(d) -> "YYYY-MM-DD"; add_months(d, n) -> "YYYY-MM-DD". */
static int l_date_to_days(lua_State *L) {
  lua_pushinteger(L, kam__lua_checkdate(L, 1, "date"));
  return 1;
}

static int l_days_to_date(lua_State *L) {
  int y, m, d;
  kam_date_to_ymd(kam__lua_checkdate(L, 1, "days"), &y, &m, &d);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, y);
  lua_setfield(L, -2, "year");
  lua_pushinteger(L, m);
  lua_setfield(L, -2, "month");
  lua_pushinteger(L, d);
  lua_setfield(L, -2, "day");
  return 1;
}

static int push_iso(lua_State *L, kam_date d) {
  char buf[16];
  kam_date_format(buf, sizeof buf, NULL, d);
  lua_pushstring(L, buf);
  return 1;
}

static int l_date_format(lua_State *L) { return push_iso(L, kam__lua_checkdate(L, 1, "date")); }

static int l_add_months(lua_State *L) {
  kam_date d, from = kam__lua_checkdate(L, 1, "date");
  lua_Integer months = luaL_checkinteger(L, 2);
  if (months < INT32_MIN || months > INT32_MAX ||
      kam_date_add_months(&d, from, (int)months) != KAM_OK) {
    kam__lua_push_error(L, KAM_EINVAL, "date out of range");
    return lua_error(L);
  }
  return push_iso(L, d);
}

__attribute__((visibility("default"))) int luaopen_kam(lua_State *L);
int luaopen_kam(lua_State *L) {
  static const luaL_Reg core[] = {{"version", l_version},
                                  {"strerror", l_strerror},
                                  {"date_to_days", l_date_to_days},
                                  {"days_to_date", l_days_to_date},
                                  {"date_format", l_date_format},
                                  {"add_months", l_add_months},
                                  {NULL, NULL}};
  luaL_newlib(L, core);
  lua_pushstring(L, KAM_VERSION_STRING);
  lua_setfield(L, -2, "VERSION");
  kam__lua_open_finance(L);
  kam__lua_open_value(L);
  kam__lua_open_money(L);
  kam__lua_open_portfolio(L);
  kam__lua_open_dmu(L);
  kam__lua_open_template(L);
  kam__lua_open_proposal(L);
  kam__lua_open_plan(L);
  kam__lua_open_partial(L);
  kam__lua_open_retention(L);
  return 1;
}

/* ---- findings of a document check (kam/finding.h) ---- */

static int put(kam_value *o, kam_ctx *ctx, const char *key, const char *s) {
  kam_value *v = NULL;
  int rc = kam_value_new_string(&v, ctx, s, strlen(s));
  if (!rc && (rc = kam_value_object_set(o, key, strlen(key), v))) kam_value_free(v);
  return rc;
}

int kam__lua_gather_finding(void *ud, const kam_finding *f) {
  kam__lua_gather *g = (kam__lua_gather *)ud;
  kam_value *o = NULL;
  const char *severity = kam_severity_name(f->severity);
  int rc = kam_value_new_object(&o, g->ctx);
  if (!rc) rc = put(o, g->ctx, "code", f->code);
  if (!rc) rc = put(o, g->ctx, "severity", severity ? severity : "?");
  if (!rc) rc = put(o, g->ctx, "path", f->path);
  if (!rc) rc = put(o, g->ctx, "message", f->message);
  if (!rc) rc = kam_value_array_push(g->list, o);
  if (rc) kam_value_free(o);
  return rc;
}


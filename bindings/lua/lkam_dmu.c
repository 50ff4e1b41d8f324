/* lkam_dmu.c - stakeholder typing and the decision-making unit (kam/dmu.h) for Lua:
 *
 *   local role, conf = kam.role_from_title("Финансовый директор")   --> "finance", 0.95
 *   kam.explain_title(title), kam.role_name(i), kam.role_from_name(s), kam.style_name(i),
 *   kam.role_style_prior(role), kam.profile_compute(role [, conf [, traits]]),
 *   kam.buyer_role_name(flag), kam.buyer_role_parse(s), kam.dmu_warning_name(flag),
 *   kam.trait_name(index),
 *   kam.ROLES, kam.STYLES, kam.BUYER_ROLES, kam.WARNINGS, kam.TRAITS (arrays of names)
 *
 *   local d = kam.DMU()
 *   d:add{name = "Ирина", title = "Финансовый директор", influence = 0.8, attitude = 2,
 *         buying_roles = {"economic"}, traits = {detail = 0.9}, email = "...", phone = "..."}
 *   #d, d:count(), d:profile(i) (1-based), d:profiles(), d:stakeholder(i), d:emphasis(),
 *   d:warnings(), d:warning_flags()
 *   kam.DMU.read_csv(path [, {delimiter = ";"}]), kam.DMU.parse_csv(text [, opts]): a new DMU
 *   with the stakeholders of a CSV file or text (kam_dmu_read_csv; all or nothing);
 *   d:read_csv_into(path [, opts]), d:parse_csv_into(text [, opts]) add to d and return it
 *
 * Roles, styles, buying roles and warnings are strings; a role argument may also be a number.
 * Errors are raised as kam error tables {status, code, message}. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lkam.h"

#define DMU_MT "kam.DMU"

typedef struct ldmu {
  kam_ctx *ctx;
  kam_dmu *dmu;
  int closed;    /* closed or collected: freed once no proposal borrows it */
  int borrowers; /* proposals whose kam_proposal_set_dmu points at it */
} ldmu;

static int raise(lua_State *L, int status, const char *msg) {
  kam__lua_push_error(L, status, msg);
  return lua_error(L);
}

static int raisef(lua_State *L, int status, const char *fmt, const char *arg) {
  lua_pushfstring(L, fmt, arg);
  return raise(L, status, lua_tostring(L, -1));
}

/* A string argument without embedded NULs (the library reads NUL-terminated text). */
static const char *check_text(lua_State *L, int idx, const char *what, size_t *len) {
  size_t n;
  const char *s;
  if (lua_type(L, idx) != LUA_TSTRING) raisef(L, KAM_EINVAL, "%s must be a string", what);
  s = lua_tolstring(L, idx, &n);
  if (len) *len = n;
  return s;
}

/* nil/name/number -> KAM_ROLE_* (numbers are checked by the library). */
static int32_t role_arg(lua_State *L, int idx) {
  if (lua_isnoneornil(L, idx)) return KAM_ROLE_UNKNOWN;
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    int32_t role;
    if (kam_role_from_name(&role, s, n) != KAM_OK)
      raisef(L, KAM_EINVAL,
             "role '%s' is not one of unknown, executive, finance, technical, hr, procurement, "
             "legal, operations, marketing",
             s);
    return role;
  }
  if (lua_isinteger(L, idx)) {
    lua_Integer v = lua_tointeger(L, idx);
    return v < INT32_MIN || v > INT32_MAX ? INT32_MAX : (int32_t)v;
  }
  raise(L, KAM_EINVAL, "role must be a name or an integer");
  return 0;
}

/* nil, {dominance=, people=, detail=} or {d, p, x} -> 3 doubles (NaN: not observed). */
static void traits_arg(lua_State *L, int idx, double out[3]) {
  int k;
  for (k = 0; k < 3; k++)
    out[k] = NAN;
  if (lua_isnoneornil(L, idx)) return;
  if (!lua_istable(L, idx)) raise(L, KAM_EINVAL, "traits must be a table");
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int slot = -1;
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *key = lua_tostring(L, -2);
      for (k = 0; k < 3; k++)
        if (!strcmp(key, kam_trait_name(k))) slot = k;
      if (slot < 0)
        raisef(L, KAM_EINVAL, "unknown trait '%s' (traits are dominance, people, detail)", key);
    } else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= 3) {
      slot = (int)lua_tointeger(L, -2) - 1;
    } else {
      raise(L, KAM_EINVAL, "traits: keys are dominance, people, detail (or 1..3)");
    }
    if (!lua_isnumber(L, -1))
      raisef(L, KAM_EINVAL, "trait %s is not a number", kam_trait_name(slot));
    out[slot] = (double)lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
}

static uint32_t buying_roles_arg(lua_State *L, int idx) {
  uint32_t bits = 0, one;
  size_t n;
  const char *s;
  int t = lua_type(L, idx);
  if (t == LUA_TNIL || t == LUA_TNONE) return 0;
  if (t == LUA_TNUMBER) {
    lua_Integer v;
    if (!lua_isinteger(L, idx))
      raise(L, KAM_EINVAL, "buying_roles must be names or KAM_BUYER_* bits");
    v = lua_tointeger(L, idx);
    return v < 0 || v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
  }
  if (t == LUA_TSTRING) {
    s = lua_tolstring(L, idx, &n);
    if (kam_buyer_role_parse(&bits, s, n) != KAM_OK)
      raisef(L, KAM_EPARSE, "buying roles '%s': they are economic, user, technical, coach", s);
    return bits;
  }
  if (t == LUA_TTABLE) {
    lua_Integer i, len = luaL_len(L, idx);
    for (i = 1; i <= len; i++) {
      lua_geti(L, idx, i);
      if (lua_type(L, -1) != LUA_TSTRING) raise(L, KAM_EINVAL, "buying_roles items must be names");
      s = lua_tolstring(L, -1, &n);
      if (kam_buyer_role_parse(&one, s, n) != KAM_OK)
        raisef(L, KAM_EPARSE, "buying roles '%s': they are economic, user, technical, coach", s);
      bits |= one;
      lua_pop(L, 1);
    }
    return bits;
  }
  raise(L, KAM_EINVAL, "buying_roles must be a string, a list of names or an integer");
  return 0;
}

static void push_mix(lua_State *L, const double mix[3]) {
  int k;
  lua_createtable(L, 0, 3);
  for (k = 0; k < 3; k++) {
    lua_pushnumber(L, mix[k]);
    lua_setfield(L, -2, kam_style_name(k));
  }
}

static void push_names(lua_State *L, uint32_t bits, const char *(*name)(uint32_t)) {
  uint32_t b;
  int i = 0;
  lua_newtable(L);
  for (b = 1; b <= 8; b <<= 1)
    if (bits & b) {
      lua_pushstring(L, name(b));
      lua_rawseti(L, -2, ++i);
    }
}

static void push_profile_fields(lua_State *L, const kam_profile *p) {
  lua_pushstring(L, kam_role_name(p->role));
  lua_setfield(L, -2, "role");
  lua_pushnumber(L, p->role_confidence);
  lua_setfield(L, -2, "role_confidence");
  push_mix(L, p->style);
  lua_setfield(L, -2, "style");
  lua_pushstring(L, kam_style_name(p->primary_style));
  lua_setfield(L, -2, "primary_style");
  lua_pushnumber(L, p->confidence);
  lua_setfield(L, -2, "confidence");
}

/* ---- functions without a DMU ---- */

static int l_role_from_title(lua_State *L) {
  size_t n;
  const char *s;
  int32_t role;
  double c;
  int rc;
  if (lua_isnoneornil(L, 1)) return raise(L, KAM_EINVAL, "title is nil");
  s = check_text(L, 1, "title", &n);
  rc = kam_role_from_title(&role, &c, s, n);
  if (rc) return raise(L, rc, rc == KAM_EPARSE ? "title is not valid UTF-8" : NULL);
  lua_pushstring(L, kam_role_name(role));
  lua_pushnumber(L, c);
  return 2;
}

static int l_explain_title(lua_State *L) {
  size_t n, need = 0;
  const char *s;
  char *buf;
  int rc;
  if (lua_isnoneornil(L, 1)) return raise(L, KAM_EINVAL, "title is nil");
  s = check_text(L, 1, "title", &n);
  rc = kam_role_explain(NULL, 0, &need, s, n); /* a sizing call: KAM_ELIMIT and the length */
  if (rc && rc != KAM_ELIMIT)
    return raise(L, rc, rc == KAM_EPARSE ? "title is not valid UTF-8" : NULL);
  buf = (char *)lua_newuserdatauv(L, need + 1, 0);
  kam_role_explain(buf, need + 1, NULL, s, n);
  lua_pushlstring(L, buf, need);
  return 1;
}

static int l_role_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  const char *name = v < INT32_MIN || v > INT32_MAX ? NULL : kam_role_name((int32_t)v);
  if (!name) return raise(L, KAM_EINVAL, "not a role number (0..8)");
  lua_pushstring(L, name);
  return 1;
}

static int l_role_from_name(lua_State *L) {
  size_t n;
  const char *s = check_text(L, 1, "role name", &n);
  int32_t role;
  int rc = kam_role_from_name(&role, s, n);
  if (rc) return raisef(L, rc, "'%s' is not a role", s);
  lua_pushinteger(L, role);
  return 1;
}

/* Pushes a name the library gave (NULL: v was not a valid number) or raises KAM_EINVAL
 * saying what v should be. */
static int push_lib_name(lua_State *L, const char *name, const char *what) {
  if (!name) return raise(L, KAM_EINVAL, what);
  lua_pushstring(L, name);
  return 1;
}

static int l_style_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  return push_lib_name(L, v < INT32_MIN || v > INT32_MAX ? NULL : kam_style_name((int32_t)v),
                       "not a style number (0..2)");
}

static int l_role_style_prior(lua_State *L) {
  double mix[3];
  if (kam_role_style_prior(mix, role_arg(L, 1)) != KAM_OK)
    return raise(L, KAM_EINVAL, "not a role");
  push_mix(L, mix);
  return 1;
}

/* kam.profile_compute(role [, role_confidence = 1 [, traits]]) */
static int l_profile_compute(lua_State *L) {
  kam_profile p;
  double traits[3], c;
  int32_t role;
  LKAM_ARGS(L, 3);
  role = role_arg(L, 1);
  c = lua_isnil(L, 2) ? 1.0 : (double)luaL_checknumber(L, 2);
  traits_arg(L, 3, traits);
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  if (kam_profile_compute(&p, role, c, traits) != KAM_OK)
    return raise(L, KAM_EINVAL,
                 "bad style profile argument (role, role_confidence 0..1, traits 0..1)");
  lua_newtable(L);
  push_profile_fields(L, &p);
  return 1;
}

static int l_buyer_role_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  return push_lib_name(
      L, v < 0 || v > (lua_Integer)UINT32_MAX ? NULL : kam_buyer_role_name((uint32_t)v),
      "not a single buying role flag (1, 2, 4, 8)");
}

static int l_buyer_role_parse(lua_State *L) {
  size_t n;
  const char *s = check_text(L, 1, "buying roles", &n);
  uint32_t bits;
  int rc = kam_buyer_role_parse(&bits, s, n);
  if (rc) return raisef(L, rc, "buying roles '%s': they are economic, user, technical, coach", s);
  lua_pushinteger(L, bits);
  return 1;
}

static int l_dmu_warning_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  return push_lib_name(
      L, v < 0 || v > (lua_Integer)UINT32_MAX ? NULL : kam_dmu_warning_name((uint32_t)v),
      "not a single warning flag (1, 2, 4, 8)");
}

static int l_trait_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  return push_lib_name(L, v < INT32_MIN || v > INT32_MAX ? NULL : kam_trait_name((int32_t)v),
                       "not a trait index (0, 1, 2)");
}

/* ---- the DMU object ---- */

static ldmu *check_dmu(lua_State *L, int idx) {
  ldmu *u = (ldmu *)luaL_checkudata(L, idx, DMU_MT);
  if (!u->dmu || u->closed) raise(L, KAM_EINVAL, "the DMU has been closed");
  return u;
}

static void dmu_release(ldmu *u) {
  if (u->closed && u->borrowers == 0) {
    kam_dmu_free(u->dmu);
    kam_ctx_free(u->ctx);
    u->dmu = NULL;
    u->ctx = NULL;
  }
}

const kam_dmu *kam__lua_borrowdmu(lua_State *L, int idx) {
  ldmu *u = check_dmu(L, idx);
  u->borrowers++;
  return u->dmu;
}

void kam__lua_returndmu(lua_State *L, int idx) {
  ldmu *u = (ldmu *)luaL_testudata(L, idx, DMU_MT);
  if (u && u->borrowers > 0) {
    u->borrowers--;
    dmu_release(u);
  }
}

static int l_dmu_new(lua_State *L) {
  ldmu *u = (ldmu *)lua_newuserdatauv(L, sizeof *u, 0);
  int rc;
  u->ctx = NULL;
  u->dmu = NULL;
  u->closed = 0;
  u->borrowers = 0;
  luaL_setmetatable(L, DMU_MT);
  u->ctx = kam__lua_newctx(L);
  rc = kam_dmu_new(&u->dmu, u->ctx);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  return 1;
}

static int l_dmu_gc(lua_State *L) {
  ldmu *u = (ldmu *)luaL_checkudata(L, 1, DMU_MT);
  u->closed = 1;
  dmu_release(u);
  return 0;
}

static const char *const add_keys[] = {"name",         "title",  "role",  "influence", "attitude",
                                       "buying_roles", "traits", "email", "phone",     NULL};

/* The stakeholder table at idx (the last value on the stack) as a kam_stakeholder, for d:add
 * and the proposal's add_stakeholder; its strings stay on the stack (9 slots above idx) until
 * the caller pops them. The ranges are the library's to check. */
void kam__lua_tostakeholder(lua_State *L, int idx, kam_stakeholder *out) {
  kam_stakeholder s;
  int k, base;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_settop(L, idx);
  base = idx;
  /* unknown keys are typos: refuse them */
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    int known = 0;
    if (lua_type(L, -2) == LUA_TSTRING)
      for (k = 0; add_keys[k]; k++)
        if (!strcmp(lua_tostring(L, -2), add_keys[k])) known = 1;
    if (!known) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "(not a string)";
      raisef(L, KAM_EINVAL,
             "unknown field '%s' (fields: name, title, role, influence, attitude, "
             "buying_roles, traits, email, phone)",
             key);
    }
    lua_pop(L, 1);
  }
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  lua_getfield(L, idx, "name");
  s.name = kam__lua_cstring(L, base + 1, "name");
  lua_getfield(L, idx, "title");
  s.title = kam__lua_cstring(L, base + 2, "title");
  lua_getfield(L, idx, "email");
  s.email = kam__lua_cstring(L, base + 3, "email");
  lua_getfield(L, idx, "phone");
  s.phone = kam__lua_cstring(L, base + 4, "phone");
  lua_getfield(L, idx, "role");
  s.role = role_arg(L, base + 5);
  lua_getfield(L, idx, "influence");
  if (lua_isnil(L, base + 6))
    s.influence = NAN;
  else if (lua_isnumber(L, base + 6))
    s.influence = (double)lua_tonumber(L, base + 6);
  else
    raise(L, KAM_EINVAL, "influence must be a number (0..1) or nil");
  lua_getfield(L, idx, "attitude");
  if (lua_isnil(L, base + 7)) {
    s.attitude = 0;
  } else {
    lua_Integer v;
    if (!lua_isinteger(L, base + 7) &&
        !(lua_isnumber(L, base + 7) &&
          lua_tonumber(L, base + 7) == floor(lua_tonumber(L, base + 7))))
      raise(L, KAM_EINVAL, "attitude must be a whole number (-5..+5)");
    if (!lua_isinteger(L, base + 7)) {
      lua_Number x = lua_tonumber(L, base + 7);
      v = x > 1e9 ? INT32_MAX : x < -1e9 ? INT32_MIN : (lua_Integer)x;
    } else {
      v = lua_tointeger(L, base + 7);
    }
    s.attitude = v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
  }
  lua_getfield(L, idx, "buying_roles");
  s.buying_roles = buying_roles_arg(L, base + 8);
  lua_getfield(L, idx, "traits");
  traits_arg(L, base + 9, s.traits);
  *out = s;
}

/* d:add{name=, title=, role=, influence=, attitude=, buying_roles=, traits=, email=, phone=}
 * -> the 1-based index of the person */
static int l_dmu_add(lua_State *L) {
  ldmu *u;
  kam_stakeholder s;
  int rc;
  LKAM_ARGS(L, 2);
  u = check_dmu(L, 1);
  kam__lua_tostakeholder(L, 2, &s);
  rc = kam_dmu_add(u->dmu, &s);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  lua_pushinteger(L, (lua_Integer)kam_dmu_count(u->dmu));
  return 1;
}

/* ---- reading CSV (kam_dmu_read_csv) ---- */

/* A kam_read_fn over text held by the Lua stack or a C FILE: it never calls into Lua, so no Lua
 * error can unwind through libkam. */
typedef struct csv_source {
  const char *text;
  size_t len, pos;
  FILE *file;
} csv_source;

static int csv_source_read(void *ud, void *buf, size_t cap, size_t *nread) {
  csv_source *src = (csv_source *)ud;
  if (src->file) {
    *nread = fread(buf, 1, cap, src->file);
    return ferror(src->file) ? 1 : 0;
  }
  *nread = src->len - src->pos < cap ? src->len - src->pos : cap;
  memcpy(buf, src->text + src->pos, *nread);
  src->pos += *nread;
  return 0;
}

static int read_csv(lua_State *L, ldmu *u, csv_source *src, const kam_csv_options *o) {
  int rc = kam_dmu_read_csv(u->dmu, csv_source_read, src, o);
  if (src->file) fclose(src->file);
  if (rc > 0) return raise(L, KAM_EINVAL, "read_csv: the file could not be read");
  if (rc) return kam__lua_error(L, rc, u->ctx);
  lua_settop(L, 1);
  return 1;
}

/* d:read_csv_into(path [, opts]) -> d */
static int l_dmu_read_csv_into(lua_State *L) {
  ldmu *u;
  csv_source src;
  kam_csv_options o;
  const char *path;
  LKAM_ARGS(L, 3);
  u = check_dmu(L, 1);
  path = luaL_checkstring(L, 2);
  kam__lua_csv_options(L, 3, &o, 0);
  memset(&src, 0, sizeof src);
  src.file = fopen(path, "rb");
  if (!src.file) {
    lua_pushfstring(L, "read_csv: cannot open %s: %s", path, strerror(errno));
    return raise(L, KAM_EINVAL, lua_tostring(L, -1));
  }
  return read_csv(L, u, &src, &o);
}

/* d:parse_csv_into(text [, opts]) -> d */
static int l_dmu_parse_csv_into(lua_State *L) {
  ldmu *u;
  csv_source src;
  kam_csv_options o;
  LKAM_ARGS(L, 3);
  u = check_dmu(L, 1);
  memset(&src, 0, sizeof src);
  src.text = check_text(L, 2, "the CSV text", &src.len);
  kam__lua_csv_options(L, 3, &o, 0);
  return read_csv(L, u, &src, &o);
}

/* kam.DMU.read_csv(path [, opts]) / kam.DMU.parse_csv(text [, opts]): a new DMU, as in Python. */
static int read_new(lua_State *L, lua_CFunction into) {
  LKAM_ARGS(L, 2);
  lua_settop(L, 2);
  l_dmu_new(L); /* at 3 */
  lua_insert(L, 1);
  return into(L);
}
static int l_dmu_read_csv(lua_State *L) { return read_new(L, l_dmu_read_csv_into); }
static int l_dmu_parse_csv(lua_State *L) { return read_new(L, l_dmu_parse_csv_into); }

/* kam.DMU(): a new, empty DMU. */
static int l_dmu_call(lua_State *L) {
  LKAM_ARGS(L, 1);
  return l_dmu_new(L);
}

static int l_dmu_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)kam_dmu_count(check_dmu(L, 1)->dmu));
  return 1;
}

/* 1-based Lua index -> 0-based; out of range becomes SIZE_MAX so the library reports it */
static size_t index_arg(lua_State *L, int idx) {
  lua_Integer i = luaL_checkinteger(L, idx);
  return i < 1 ? SIZE_MAX : (size_t)(i - 1);
}

static void push_stakeholder(lua_State *L, ldmu *u, size_t i) {
  kam_stakeholder s;
  int rc, k;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  rc = kam_dmu_stakeholder(&s, u->dmu, i);
  if (rc) kam__lua_error(L, rc, u->ctx);
  lua_newtable(L);
  if (s.name) {
    lua_pushstring(L, s.name);
    lua_setfield(L, -2, "name");
  }
  if (s.title) {
    lua_pushstring(L, s.title);
    lua_setfield(L, -2, "title");
  }
  if (s.email) {
    lua_pushstring(L, s.email);
    lua_setfield(L, -2, "email");
  }
  if (s.phone) {
    lua_pushstring(L, s.phone);
    lua_setfield(L, -2, "phone");
  }
  lua_pushstring(L, kam_role_name(s.role));
  lua_setfield(L, -2, "role");
  lua_pushboolean(L, s.role != KAM_ROLE_UNKNOWN);
  lua_setfield(L, -2, "role_given");
  if (!isnan(s.influence)) {
    lua_pushnumber(L, s.influence);
    lua_setfield(L, -2, "influence");
  }
  lua_pushinteger(L, s.attitude);
  lua_setfield(L, -2, "attitude");
  push_names(L, s.buying_roles, kam_buyer_role_name);
  lua_setfield(L, -2, "buying_roles");
  lua_newtable(L);
  for (k = 0; k < 3; k++)
    if (!isnan(s.traits[k])) {
      lua_pushnumber(L, s.traits[k]);
      lua_setfield(L, -2, kam_trait_name(k));
    }
  lua_setfield(L, -2, "traits");
}

static void push_profile(lua_State *L, ldmu *u, size_t i) {
  kam_profile p;
  int rc;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  rc = kam_dmu_profile(&p, u->dmu, i);
  if (rc) kam__lua_error(L, rc, u->ctx);
  push_stakeholder(L, u, i);
  push_profile_fields(L, &p);
}

static int l_dmu_stakeholder(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  push_stakeholder(L, u, index_arg(L, 2));
  return 1;
}

static int l_dmu_profile(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  push_profile(L, u, index_arg(L, 2));
  return 1;
}

static int l_dmu_profiles(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  size_t i, n = kam_dmu_count(u->dmu);
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    push_profile(L, u, i);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int l_dmu_emphasis(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  double e[3];
  int rc = kam_dmu_emphasis(e, u->dmu);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  push_mix(L, e);
  return 1;
}

static int l_dmu_warning_flags(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  uint32_t w;
  int rc = kam_dmu_warnings(&w, u->dmu);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  lua_pushinteger(L, w);
  return 1;
}

static int l_dmu_warnings(lua_State *L) {
  ldmu *u = check_dmu(L, 1);
  uint32_t w;
  int rc = kam_dmu_warnings(&w, u->dmu);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  push_names(L, w, kam_dmu_warning_name);
  return 1;
}

static int l_dmu_tostring(lua_State *L) {
  ldmu *u = (ldmu *)luaL_checkudata(L, 1, DMU_MT);
  if (u->dmu && !u->closed)
    lua_pushfstring(L, "kam.DMU (%d people)", (int)kam_dmu_count(u->dmu));
  else
    lua_pushliteral(L, "kam.DMU (closed)");
  return 1;
}

static void set_names(lua_State *L, const char *field, int n, const char *(*name)(int)) {
  int i;
  lua_createtable(L, n, 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, name(i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, field);
}

static const char *role_i(int i) { return kam_role_name(i); }
static const char *style_i(int i) { return kam_style_name(i); }
static const char *buyer_i(int i) { return kam_buyer_role_name(1u << i); }
static const char *warning_i(int i) { return kam_dmu_warning_name(1u << i); }
static const char *trait_i(int i) { return kam_trait_name(i); }

void kam__lua_open_dmu(lua_State *L) {
  static const luaL_Reg fns[] = {{"role_from_title", l_role_from_title},
                                 {"explain_title", l_explain_title},
                                 {"role_name", l_role_name},
                                 {"role_from_name", l_role_from_name},
                                 {"style_name", l_style_name},
                                 {"role_style_prior", l_role_style_prior},
                                 {"profile_compute", l_profile_compute},
                                 {"buyer_role_name", l_buyer_role_name},
                                 {"buyer_role_parse", l_buyer_role_parse},
                                 {"dmu_warning_name", l_dmu_warning_name},
                                 {"trait_name", l_trait_name},
                                 {NULL, NULL}};
  static const luaL_Reg methods[] = {{"close", l_dmu_gc},
                                     {"add", l_dmu_add},
                                     {"count", l_dmu_count},
                                     {"stakeholder", l_dmu_stakeholder},
                                     {"profile", l_dmu_profile},
                                     {"profiles", l_dmu_profiles},
                                     {"emphasis", l_dmu_emphasis},
                                     {"warnings", l_dmu_warnings},
                                     {"warning_flags", l_dmu_warning_flags},
                                     {"read_csv_into", l_dmu_read_csv_into},
                                     {"parse_csv_into", l_dmu_parse_csv_into},
                                     {NULL, NULL}};
  static const luaL_Reg statics[] = {
      {"read_csv", l_dmu_read_csv}, {"parse_csv", l_dmu_parse_csv}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  set_names(L, "ROLES", KAM_ROLE_COUNT, role_i);
  set_names(L, "STYLES", KAM_STYLE_COUNT, style_i);
  set_names(L, "BUYER_ROLES", 4, buyer_i);
  set_names(L, "WARNINGS", 4, warning_i);
  set_names(L, "TRAITS", 3, trait_i);
  kam__lua_class(L, DMU_MT, methods, l_dmu_gc, l_dmu_count, l_dmu_tostring);
  /* kam.DMU: callable, with read_csv / parse_csv */
  kam__lua_class_table(L, "DMU", statics, l_dmu_call);
}

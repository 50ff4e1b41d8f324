/* lkam_partial.c - kam.Partial: partial segmentation states (kam/partial.h), thin.
 *
 *   local a = kam.Partial({500, 300, 0})          -- one partition's revenues
 *   local b = kam.Partial.from_bytes(bytes [, max_runs])
 *   a:merge(b); a:merge_many({c, d}); local bytes = a:to_bytes(); #a   -- accounts
 *   local summary, cuts = a:segment{a_share = 0.8}  -- cuts = {value = {v0, v1}, ties = {t0, t1}}
 *   local t0, t1 = kam.partial_ties(revenues, cuts)
 *   local abc = kam.partial_classes(revenues, cuts, {b0, b1})   -- "ABCA..."
 *
 * Same names and meaning as Python's kam.Partial, kam.partial_ties and kam.partial_classes.
 */
#include <string.h>

#include "lkam.h"

#define PARTIAL_MT "kam.Partial"

typedef struct lpartial {
  kam_ctx *ctx;
  kam_partial *p;
} lpartial;

static int l_partial_gc(lua_State *L) {
  lpartial *lp = (lpartial *)luaL_checkudata(L, 1, PARTIAL_MT);
  kam_partial_free(lp->p);
  kam_ctx_free(lp->ctx);
  lp->p = NULL;
  lp->ctx = NULL;
  return 0;
}

static lpartial *check_partial(lua_State *L, int idx) {
  lpartial *lp = (lpartial *)luaL_checkudata(L, idx, PARTIAL_MT);
  if (!lp->p) {
    kam__lua_push_error(L, KAM_EINVAL, "the partial has been closed");
    lua_error(L);
  }
  return lp;
}

static lpartial *new_partial(lua_State *L) {
  lpartial *lp = (lpartial *)lua_newuserdatauv(L, sizeof *lp, 0);
  memset(lp, 0, sizeof *lp);
  luaL_setmetatable(L, PARTIAL_MT);
  lp->ctx = kam__lua_newctx(L);
  return lp;
}

/* kam.Partial(revenues) */
static int l_partial_call(lua_State *L) {
  lua_Integer n;
  int64_t *rev;
  lpartial *lp;
  LKAM_ARGS(L, 2);
  rev = kam__lua_checkrevenues(L, 2, &n); /* at 3 */
  lp = new_partial(L);
  kam__lua_check(L, kam_partial_new(&lp->p, lp->ctx, rev, (size_t)n), lp->ctx);
  return 1;
}

typedef struct mem_reader {
  const char *data;
  size_t len, pos;
} mem_reader;

static int mem_read(void *ud, void *buf, size_t cap, size_t *nread) {
  mem_reader *r = (mem_reader *)ud;
  size_t k = r->len - r->pos < cap ? r->len - r->pos : cap;
  memcpy(buf, r->data + r->pos, k);
  r->pos += k;
  *nread = k;
  return 0;
}

/* kam.Partial.from_bytes(bytes [, max_runs]) */
static int l_partial_from_bytes(lua_State *L) {
  mem_reader r;
  lua_Integer max_runs;
  lpartial *lp;
  LKAM_ARGS(L, 2);
  r.data = luaL_checklstring(L, 1, &r.len);
  r.pos = 0;
  max_runs = luaL_optinteger(L, 2, 0);
  if (max_runs < 0) return luaL_error(L, "kam.Partial.from_bytes: max_runs must be >= 0");
  lp = new_partial(L);
  kam__lua_check(L, kam_partial_read(&lp->p, lp->ctx, mem_read, &r, (size_t)max_runs), lp->ctx);
  return 1;
}

static int l_partial_to_bytes(lua_State *L) {
  lpartial *lp = check_partial(L, 1);
  kam__lua_sink sink;
  int rc;
  memset(&sink, 0, sizeof sink);
  rc = kam_partial_write(lp->p, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, lp->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_partial_merge(lua_State *L) {
  lpartial *lp = check_partial(L, 1), *other = check_partial(L, 2);
  kam__lua_check(L, kam_partial_merge(lp->p, other->p), lp->ctx);
  lua_settop(L, 1);
  return 1;
}

/* p:merge_many({q, r, ...}): kam_partial_merge_many; returns p. The pointer array is a
 * userdata, so an error raised on the way leaks nothing. */
static int l_partial_merge_many(lua_State *L) {
  lpartial *lp = check_partial(L, 1);
  const kam_partial **others;
  lua_Integer n, i;
  size_t bytes;
  luaL_checktype(L, 2, LUA_TTABLE);
  n = (lua_Integer)lua_rawlen(L, 2);
  bytes = (size_t)(n ? n : 1) * sizeof(kam_partial *); // NOLINT(bugprone-sizeof-expression)
  others = (const kam_partial **)lua_newuserdatauv(L, bytes, 0);
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, 2, i);
    others[i - 1] = check_partial(L, -1)->p;
    lua_pop(L, 1);
  }
  kam__lua_check(L, kam_partial_merge_many(lp->p, others, (size_t)n), lp->ctx);
  lua_settop(L, 1);
  return 1;
}

static int l_partial_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)kam_partial_accounts(check_partial(L, 1)->p));
  return 1;
}

static void push_pair(lua_State *L, const char *key, lua_Integer a, lua_Integer b) {
  lua_createtable(L, 2, 0);
  lua_pushinteger(L, a);
  lua_rawseti(L, -2, 1);
  lua_pushinteger(L, b);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, key);
}

static int l_partial_segment(lua_State *L) {
  lpartial *lp = check_partial(L, 1);
  kam_segment_options o;
  kam_summary sm;
  kam_segment_cuts c;
  LKAM_ARGS(L, 2);
  kam__lua_segment_options(L, 2, &o);
  memset(&sm, 0, sizeof sm);
  memset(&c, 0, sizeof c);
  sm.struct_size = sizeof sm;
  c.struct_size = sizeof c;
  kam__lua_check(L, kam_partial_segment(&sm, &c, lp->p, &o), lp->ctx);
  kam__lua_push_summary(L, &sm);
  lua_createtable(L, 0, 2);
  push_pair(L, "value", c.value[0], c.value[1]);
  push_pair(L, "ties", (lua_Integer)c.ties[0], (lua_Integer)c.ties[1]);
  return 2;
}

/* The cuts table {value = {v0, v1}, ties = {t0, t1}} at idx. */
static void check_cuts(lua_State *L, int idx, kam_segment_cuts *c) {
  static const char *const keys[2] = {"value", "ties"};
  int k, j;
  memset(c, 0, sizeof *c);
  c->struct_size = sizeof *c;
  luaL_checktype(L, idx, LUA_TTABLE);
  for (k = 0; k < 2; k++) {
    if (lua_getfield(L, idx, keys[k]) != LUA_TTABLE)
      luaL_error(L, "cuts.%s must be a table of two integers (from Partial:segment)", keys[k]);
    for (j = 0; j < 2; j++) {
      lua_Integer v;
      lua_geti(L, -1, j + 1);
      if (!lua_isinteger(L, -1))
        luaL_error(L, "cuts.%s[%d] must be an integer (from Partial:segment)", keys[k], j + 1);
      v = lua_tointeger(L, -1);
      if (k == 0)
        c->value[j] = (int64_t)v;
      else
        c->ties[j] = (uint64_t)v;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
}

/* kam.partial_ties(revenues, cuts) -> t0, t1 */
static int l_partial_ties(lua_State *L) {
  kam_segment_cuts c;
  uint64_t tied[2];
  lua_Integer n;
  int64_t *rev;
  LKAM_ARGS(L, 2);
  check_cuts(L, 2, &c);
  rev = kam__lua_checkrevenues(L, 1, &n);
  if (kam_partial_ties(tied, rev, (size_t)n, &c) != KAM_OK) {
    kam__lua_push_error(L, KAM_EINVAL, "kam.partial_ties: cuts are not from Partial:segment");
    return lua_error(L);
  }
  lua_pushinteger(L, (lua_Integer)tied[0]);
  lua_pushinteger(L, (lua_Integer)tied[1]);
  return 2;
}

/* kam.partial_classes(revenues, cuts, {b0, b1}) -> "ABC..." */
static int l_partial_classes(lua_State *L) {
  kam_segment_cuts c;
  uint64_t before[2];
  lua_Integer n;
  int64_t *rev;
  lpartial *tmp;
  luaL_Buffer b;
  char *out;
  int j, rc;
  LKAM_ARGS(L, 3);
  check_cuts(L, 2, &c);
  luaL_checktype(L, 3, LUA_TTABLE);
  for (j = 0; j < 2; j++) {
    lua_geti(L, 3, j + 1);
    before[j] = (uint64_t)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
  }
  rev = kam__lua_checkrevenues(L, 1, &n); /* at 4 */
  tmp = new_partial(L);                   /* at 5: owns a ctx for the messages */
  out = luaL_buffinitsize(L, &b, n > 0 ? (size_t)n : 1);
  rc = kam_partial_classes(out, tmp->ctx, rev, (size_t)n, &c, before);
  if (rc) return kam__lua_error(L, rc, tmp->ctx);
  luaL_pushresultsize(&b, (size_t)n);
  return 1;
}

void kam__lua_open_partial(lua_State *L) {
  static const luaL_Reg methods[] = {{"merge", l_partial_merge},
                                     {"merge_many", l_partial_merge_many},
                                     {"to_bytes", l_partial_to_bytes},
                                     {"segment", l_partial_segment},
                                     {"count", l_partial_len},
                                     {"close", l_partial_gc},
                                     {NULL, NULL}};
  static const luaL_Reg statics[] = {{"from_bytes", l_partial_from_bytes}, {NULL, NULL}};
  kam__lua_class(L, PARTIAL_MT, methods, l_partial_gc, l_partial_len, NULL);
  kam__lua_class_table(L, "Partial", statics, l_partial_call);
  lua_pushcfunction(L, l_partial_ties);
  lua_setfield(L, -2, "partial_ties");
  lua_pushcfunction(L, l_partial_classes);
  lua_setfield(L, -2, "partial_classes");
}

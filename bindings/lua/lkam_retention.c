/* lkam_retention.c - Portfolio:retention (kam/retention.h) for Lua:
 *
 *   local r = p:retention()                       -- or p:retention(6, 0.1),
 *                                                 -- p:retention{window = 6, threshold = 0.1}
 *   r.start, r.new, r.expansion, r.contraction, r.churn, r["end"]   -- integers, minor units
 *   r.nrr, r.grr, r.counts.new, r.by_class.A.counts.lost, r.by_status.lost.churn
 *   r.hunting.revenue, r.farming.accounts, r.periods, r.window, r.threshold
 *   kam.RETENTION_STATUSES   -- {"inactive", "new", "lost", "expanding", "contracting", "stable"}
 *
 * The names are Python's (Portfolio.retention); by_class uses the portfolio's default
 * segmentation. */
#include <math.h>
#include <string.h>

#include "lkam.h"

static void push_bridge_fields(lua_State *L, const kam_bridge *b) {
  static const char *const names[6] = {"start", "new", "expansion", "contraction", "churn", "end"};
  const int64_t v[6] = {b->start, b->added, b->expansion, b->contraction, b->churn, b->end};
  int k;
  for (k = 0; k < 6; k++) {
    lua_pushinteger(L, v[k]);
    lua_setfield(L, -2, names[k]);
  }
}

static void push_counts(lua_State *L, const size_t *count) {
  int k;
  lua_createtable(L, 0, KAM_RETENTION_STATUSES);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    lua_pushinteger(L, (lua_Integer)count[k]);
    lua_setfield(L, -2, kam_retention_status_name(k));
  }
}

static void push_side(lua_State *L, size_t accounts, int64_t revenue, const char *name) {
  lua_createtable(L, 0, 2);
  lua_pushinteger(L, (lua_Integer)accounts);
  lua_setfield(L, -2, "accounts");
  lua_pushinteger(L, revenue);
  lua_setfield(L, -2, "revenue");
  lua_setfield(L, -2, name);
}

static void push_retention(lua_State *L, const kam_retention *r) {
  int k;
  lua_createtable(L, 0, 16);
  push_bridge_fields(L, &r->bridge);
  lua_pushnumber(L, r->nrr);
  lua_setfield(L, -2, "nrr");
  lua_pushnumber(L, r->grr);
  lua_setfield(L, -2, "grr");
  push_counts(L, r->count);
  lua_setfield(L, -2, "counts");
  lua_createtable(L, 0, KAM_RETENTION_STATUSES);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    lua_createtable(L, 0, 6);
    push_bridge_fields(L, &r->by_status[k]);
    lua_setfield(L, -2, kam_retention_status_name(k));
  }
  lua_setfield(L, -2, "by_status");
  lua_createtable(L, 0, 3);
  for (k = 0; k < 3; k++) {
    char cls[2] = {(char)('A' + k), '\0'};
    lua_createtable(L, 0, 7);
    push_bridge_fields(L, &r->by_class[k]);
    push_counts(L, r->class_count[k]);
    lua_setfield(L, -2, "counts");
    lua_setfield(L, -2, cls);
  }
  lua_setfield(L, -2, "by_class");
  push_side(L, r->hunting_count, r->hunting, "hunting");
  push_side(L, r->farming_count, r->farming, "farming");
  lua_pushinteger(L, (lua_Integer)r->periods);
  lua_setfield(L, -2, "periods");
  lua_pushinteger(L, (lua_Integer)r->window);
  lua_setfield(L, -2, "window");
  lua_pushnumber(L, r->threshold);
  lua_setfield(L, -2, "threshold");
}

/* window at idx: nil/absent = default, else an integer >= 1. */
static void opt_window(lua_State *L, int idx, kam_retention_options *o) {
  if (lua_isnil(L, idx)) return;
  if (!lua_isinteger(L, idx) || lua_tointeger(L, idx) < 1)
    luaL_error(L, "kam.Portfolio:retention: window must be an integer >= 1");
  o->window = (size_t)lua_tointeger(L, idx);
}

static void opt_threshold(lua_State *L, int idx, kam_retention_options *o) {
  int isnum;
  if (lua_isnil(L, idx)) return;
  o->threshold = lua_tonumberx(L, idx, &isnum);
  if (!isnum) luaL_error(L, "kam.Portfolio:retention: threshold must be a number");
}

int kam__lua_retention(lua_State *L, kam_ctx *ctx, kam_portfolio *p) {
  static const char *const known[] = {"window", "threshold", NULL};
  kam_retention_options o;
  kam_segmentation *s = NULL;
  kam_retention r;
  int rc;
  LKAM_ARGS(L, 3);
  kam_retention_options_init(&o, sizeof o);
  if (lua_istable(L, 2)) {
    kam__lua_checkfields(L, 2, known, "kam.Portfolio:retention");
    lua_getfield(L, 2, "window");
    opt_window(L, -1, &o);
    lua_getfield(L, 2, "threshold");
    opt_threshold(L, -1, &o);
  } else {
    opt_window(L, 2, &o);
    opt_threshold(L, 3, &o);
  }
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  rc = kam_segment(&s, p, NULL);
  if (!rc) rc = kam_portfolio_retention(&r, p, s, &o);
  kam_segmentation_free(s);
  if (rc) return kam__lua_error(L, rc, ctx);
  push_retention(L, &r);
  return 1;
}

void kam__lua_open_retention(lua_State *L) {
  int k;
  lua_createtable(L, KAM_RETENTION_STATUSES, 0);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    lua_pushstring(L, kam_retention_status_name(k));
    lua_rawseti(L, -2, k + 1);
  }
  lua_setfield(L, -2, "RETENTION_STATUSES");
}

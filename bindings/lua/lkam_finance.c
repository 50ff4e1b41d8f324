/* lkam_finance.c - kam.npv, xnpv, irr, xirr, mirr, payback, clv, clv_finite, roi, npv_many. */
#include <math.h>
#include <string.h>

#include "lkam.h"

static int finance_result(lua_State *L, int rc, const double *v, const char *what) {
  if (rc != KAM_OK) {
    const char *msg = rc == KAM_ENOSOLUTION ? "no solution" : "invalid argument";
    lua_pushfstring(L, "%s: %s", what, msg);
    kam__lua_push_error(L, rc, lua_tostring(L, -1));
    return lua_error(L);
  }
  lua_pushnumber(L, *v); /* a pointer: read after the call that fills it */
  return 1;
}

static int convention_arg(lua_State *L, int idx) {
  static const char *const names[] = {"excel", "t0", NULL};
  return luaL_checkoption(L, idx, "excel", names) == 0 ? KAM_NPV_EXCEL : KAM_NPV_T0;
}

/* kam.npv(rate, values [, "excel"|"t0"]) */
static int l_npv(lua_State *L) {
  LKAM_ARGS(L, 3);
  double rate = luaL_checknumber(L, 1), r = 0;
  size_t n;
  double *v = kam__lua_checknumbers(L, 2, &n);
  return finance_result(L, kam_npv(&r, rate, v, n, convention_arg(L, 3)), &r, "npv");
}

/* kam.npv_many(rate, rows, [, convention]) where rows is a table of tables of equal length. */
static int l_npv_many(lua_State *L) {
  LKAM_ARGS(L, 3);
  double rate = luaL_checknumber(L, 1), *values, *out;
  lua_Integer rows, cols = 0, i, j;
  int conv, rc;
  luaL_checktype(L, 2, LUA_TTABLE);
  conv = convention_arg(L, 3);
  rows = luaL_len(L, 2);
  if (rows > 0) {
    lua_geti(L, 2, 1);
    luaL_argcheck(L, lua_istable(L, -1), 2, "rows must be tables");
    cols = luaL_len(L, -1);
    lua_pop(L, 1);
  }
  values = (double *)lua_newuserdatauv(L, (size_t)(rows * cols + 1) * sizeof(double), 0);
  out = (double *)lua_newuserdatauv(L, (size_t)(rows + 1) * sizeof(double), 0);
  for (i = 1; i <= rows; i++) {
    lua_geti(L, 2, i);
    if (!lua_istable(L, -1) || luaL_len(L, -1) != cols)
      return luaL_error(L, "bad argument #2: row %d must be a table of %d numbers", (int)i,
                        (int)cols);
    for (j = 1; j <= cols; j++) {
      int isnum;
      lua_geti(L, -1, j);
      values[(i - 1) * cols + (j - 1)] = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        return luaL_error(L, "bad argument #2: row %d item %d is not a number", (int)i, (int)j);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  rc = kam_npv_many(out, rate, values, (size_t)rows, (size_t)cols, conv);
  if (rc) return finance_result(L, rc, NULL, "npv_many");
  lua_createtable(L, (int)rows, 0);
  for (i = 0; i < rows; i++) {
    lua_pushnumber(L, out[i]);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* kam.xnpv(rate, values, dates) */
static int l_xnpv(lua_State *L) {
  LKAM_ARGS(L, 3);
  double rate = luaL_checknumber(L, 1), r = 0;
  size_t n, nd;
  double *v = kam__lua_checknumbers(L, 2, &n);
  kam_date *d = kam__lua_checkdates(L, 3, &nd);
  luaL_argcheck(L, n == nd, 3, "values and dates differ in length");
  return finance_result(L, kam_xnpv(&r, rate, v, d, n), &r, "xnpv");
}

/* kam.irr(values [, guess]) */
static int l_irr(lua_State *L) {
  LKAM_ARGS(L, 2);
  double r = 0, guess;
  size_t n;
  double *v = kam__lua_checknumbers(L, 1, &n);
  guess = luaL_optnumber(L, 2, NAN);
  return finance_result(L, kam_irr(&r, v, n, guess), &r, "irr");
}

/* kam.xirr(values, dates [, guess]) */
static int l_xirr(lua_State *L) {
  LKAM_ARGS(L, 3);
  double r = 0, guess;
  size_t n, nd;
  double *v = kam__lua_checknumbers(L, 1, &n);
  kam_date *d = kam__lua_checkdates(L, 2, &nd);
  luaL_argcheck(L, n == nd, 2, "values and dates differ in length");
  guess = luaL_optnumber(L, 3, NAN);
  return finance_result(L, kam_xirr(&r, v, d, n, guess), &r, "xirr");
}

/* kam.mirr(values, finance_rate, reinvest_rate) */
static int l_mirr(lua_State *L) {
  LKAM_ARGS(L, 3);
  double r = 0;
  size_t n;
  double *v = kam__lua_checknumbers(L, 1, &n);
  return finance_result(L, kam_mirr(&r, v, n, luaL_checknumber(L, 2), luaL_checknumber(L, 3)), &r,
                        "mirr");
}

/* kam.payback(values [, rate [, whole_periods]]) */
static int l_payback(lua_State *L) {
  LKAM_ARGS(L, 3);
  double r = 0;
  size_t n;
  double *v = kam__lua_checknumbers(L, 1, &n);
  return finance_result(L, kam_payback(&r, v, n, luaL_optnumber(L, 2, 0), lua_toboolean(L, 3)), &r,
                        "payback");
}

/* kam.clv(margin, retention, discount [, acquisition_cost [, "end"|"begin"]]) */
static int l_clv(lua_State *L) {
  LKAM_ARGS(L, 5);
  static const char *const timings[] = {"end", "begin", NULL};
  double r = 0;
  int timing = luaL_checkoption(L, 5, "end", timings);
  return finance_result(L,
                        kam_clv(&r, luaL_checknumber(L, 1), luaL_checknumber(L, 2),
                                luaL_checknumber(L, 3), luaL_optnumber(L, 4, 0),
                                timing == 0 ? KAM_END_OF_PERIOD : KAM_BEGIN_OF_PERIOD),
                        &r, "clv");
}

/* kam.clv_finite(margins, retention, discount [, acquisition_cost]) */
static int l_clv_finite(lua_State *L) {
  LKAM_ARGS(L, 4);
  double r = 0;
  size_t n;
  double *m = kam__lua_checknumbers(L, 1, &n);
  return finance_result(L,
                        kam_clv_finite(&r, m, n, luaL_checknumber(L, 2), luaL_checknumber(L, 3),
                                       luaL_optnumber(L, 4, 0)),
                        &r, "clv_finite");
}

/* kam.roi(gain, cost) */
static int l_roi(lua_State *L) {
  LKAM_ARGS(L, 2);
  double r = 0;
  return finance_result(L, kam_roi(&r, luaL_checknumber(L, 1), luaL_checknumber(L, 2)), &r, "roi");
}

void kam__lua_open_finance(lua_State *L) {
  static const luaL_Reg fns[] = {{"npv", l_npv},
                                 {"npv_many", l_npv_many},
                                 {"xnpv", l_xnpv},
                                 {"irr", l_irr},
                                 {"xirr", l_xirr},
                                 {"mirr", l_mirr},
                                 {"payback", l_payback},
                                 {"clv", l_clv},
                                 {"clv_finite", l_clv_finite},
                                 {"roi", l_roi},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}

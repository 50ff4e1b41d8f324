/* lkam_portfolio.c - kam.Portfolio and its segmentations (kam/portfolio.h, kam/io.h).
 *
 *   local p = kam.Portfolio([threads])   -- threads: as p:set_threads, default 1
 *   p:add{id = "acme", revenue = "1500000.00", name = "ACME", group = "G", strategic = true,
 *         history = {100, 120}, forecast = {1000.5}, potential = 0.5, new = false,
 *         margin = "-12.50",                 -- gross margin; absent: unknown
 *         relationship = 0.8}                -- 0..1, an input of the account's health; absent:
 *                                               unknown
 *   p:add_columns({500, 300, 0} [, {"a", "b", "c"} [, {50, false, -3}]])  -- ids default to
 *                             the insertion index; margins: false = unknown
 *   p:set_threads(2)        -- kam_ctx_set_threads: large columns split over 2 threads
 *   local q = kam.Portfolio.read_csv(path_or_file [, opts])   -- a file, as in Python
 *   local r = kam.Portfolio.parse_csv(text_or_reader [, opts])  -- CSV text held in memory
 *   p:read_csv_into(path_or_file [, opts]), p:parse_csv_into(text_or_reader [, opts])
 *   local s = p:segment{a_share = 0.8, key_top_n = 5, basis = "margin", unit = "group"}
 *                  -- retention = true by default: each account's status (retention_window,
 *                  retention_threshold), which counts in its health
 *   kam.key_reason_name(flag), kam.KEY_REASONS, kam.health_reason_name(flag),
 *   kam.HEALTH_REASONS, kam.health_light_name("R") -> "red"
 *   s:summary(), s:classes() -> "ABCA...", s:get(1), s:get_by_rank(1), #s, s:customers(),
 *   for sc in s:each("rank") do ... end, s:to_csv{delimiter = ";"}, s:to_json(), s:pareto_svg()
 *
 * Money: revenue and history values are integers of minor units (kopecks, cents) or decimal
 * strings of major units ("1234.56", exactly, 2 digits). Floats are refused.
 * Indexes are 1-based on this side: s:get(1) is the first account added; a score table's
 * `index` is 1-based too; generated ids are still the C insertion index ("0", "1", ...).
 * read_csv takes a path or an open file handle (read in 64 KiB blocks); parse_csv takes the CSV
 * text as a string or a function returning successive chunks (nil or "" at the end, like
 * load()). opts: delimiter, decimal_mark, currency_digits (unknown keys raise).
 *
 * Lifetimes: a segmentation keeps its portfolio alive (user value). The portfolio's kam_ctx and
 * kam_portfolio are freed when the portfolio is closed or collected AND its last segmentation
 * is gone, whatever order __gc / __close run in.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkam.h"

#define PORTFOLIO_MT "kam.Portfolio"
#define SEGMENTATION_MT "kam.Segmentation"

typedef struct lportfolio {
  kam_ctx *ctx;
  kam_portfolio *p;
  int segmentations; /* live segmentations borrowing p */
  int closed;        /* closed or collected: free when segmentations reaches 0 */
} lportfolio;

typedef struct lsegmentation {
  kam_segmentation *s;
  lportfolio *owner;
  size_t n;
} lsegmentation;

static void portfolio_release(lportfolio *lp) {
  if (lp->closed && lp->segmentations == 0 && lp->ctx) {
    kam_portfolio_free(lp->p);
    kam_ctx_free(lp->ctx);
    lp->p = NULL;
    lp->ctx = NULL;
  }
}

static lportfolio *check_portfolio(lua_State *L, int idx) {
  lportfolio *lp = (lportfolio *)luaL_checkudata(L, idx, PORTFOLIO_MT);
  if (lp->closed) {
    kam__lua_push_error(L, KAM_EINVAL, "the portfolio has been closed");
    lua_error(L);
  }
  return lp;
}

static lsegmentation *check_segmentation(lua_State *L, int idx) {
  lsegmentation *ls = (lsegmentation *)luaL_checkudata(L, idx, SEGMENTATION_MT);
  if (!ls->s) {
    kam__lua_push_error(L, KAM_EINVAL, "the segmentation has been closed");
    lua_error(L);
  }
  return ls;
}

static void raise_status(lua_State *L, int rc, const char *message) {
  kam__lua_push_error(L, rc, message);
  lua_error(L);
}

/* Money from Lua: an integer of minor units or a decimal string of major units (2 digits). */
static int64_t to_minor(lua_State *L, int idx, const char *what) {
  if (lua_isinteger(L, idx)) return (int64_t)lua_tointeger(L, idx);
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len), *t = s;
    int64_t v;
    int rc;
    while (len && t[0] == ' ')
      t++, len--;
    while (len && t[len - 1] == ' ')
      len--;
    /* The library's exact reader; any currency with 2 minor digits gives the portfolio's. */
    rc = kam_money_parse(&v, t, len, "RUB");
    if (rc == KAM_OK) return v;
    lua_pushfstring(L, "%s '%s' %s", what, s,
                    rc == KAM_EOVERFLOW ? "does not fit int64 minor units"
                                        : "is not an amount with at most 2 decimals");
    raise_status(L, rc == KAM_EOVERFLOW ? KAM_EOVERFLOW : KAM_EINVAL, lua_tostring(L, -1));
  }
  lua_pushfstring(L, "%s must be an integer of minor units or a decimal string, not %s", what,
                  luaL_typename(L, idx));
  raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
  return 0;
}

/* ---- Portfolio ---- */

static int l_portfolio_new(lua_State *L) {
  lportfolio *lp = (lportfolio *)lua_newuserdatauv(L, sizeof *lp, 0);
  int rc;
  memset(lp, 0, sizeof *lp);
  lp->closed = 1; /* until fully made */
  luaL_setmetatable(L, PORTFOLIO_MT);
  lp->ctx = kam__lua_newctx(L);
  rc = kam_portfolio_new(&lp->p, lp->ctx);
  if (rc) {
    portfolio_release(lp);
    raise_status(L, rc, NULL);
  }
  lp->closed = 0;
  return 1;
}

static int l_portfolio_gc(lua_State *L) {
  lportfolio *lp = (lportfolio *)luaL_checkudata(L, 1, PORTFOLIO_MT);
  lp->closed = 1;
  portfolio_release(lp);
  return 0;
}

static int l_portfolio_len(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  lua_pushinteger(L, (lua_Integer)kam_portfolio_count(lp->p));
  return 1;
}

/* p:set_threads(n): the most threads the calls on this portfolio may use (kam_ctx_set_threads). */
static int l_portfolio_set_threads(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  lua_Integer t = luaL_checkinteger(L, 2);
  int rc;
  if (t < 0 || t > (lua_Integer)UINT_MAX) {
    lua_pushfstring(L, "kam_ctx_set_threads: %I threads is outside 1..64", t);
    raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
  }
  rc = kam_ctx_set_threads(lp->ctx, (unsigned)t);
  if (rc) raise_status(L, rc, kam_ctx_errmsg(lp->ctx));
  lua_settop(L, 1);
  return 1;
}

static const char *opt_string(lua_State *L, int t, const char *key) {
  const char *s;
  lua_getfield(L, t, key);
  s = kam__lua_cstring(L, -1, key); /* kept alive by the table */
  lua_pop(L, 1);
  return s;
}

static int opt_bool(lua_State *L, int t, const char *key) {
  int v;
  lua_getfield(L, t, key);
  v = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static const char *const account_fields[] = {"id",      "revenue",  "name",      "group",
                                             "history", "forecast", "potential", "strategic",
                                             "new",     "margin",   "relationship", NULL};

/* A margin: minor units (an integer or decimal text, as revenue), never the unknown mark. */
static int64_t to_margin(lua_State *L, int idx) {
  int64_t m = to_minor(L, idx, "margin");
  if (m == KAM_MARGIN_UNKNOWN) raise_status(L, KAM_EINVAL, "margin is out of range");
  return m;
}

/* p:add{id =, revenue =, name =, group =, history =, forecast =, potential =, strategic =, new =}
 */
static int l_portfolio_add(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  kam_account a;
  lua_Integer i, len;
  int rc;
  LKAM_ARGS(L, 2);
  kam__lua_checkfields(L, 2, account_fields, "kam.Portfolio:add");
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.potential = NAN;
  if (lua_getfield(L, 2, "id") == LUA_TNIL) luaL_error(L, "kam.Portfolio:add: id must be a string");
  a.id = kam__lua_cstring(L, -1, "id");
  lua_pop(L, 1);
  a.name = opt_string(L, 2, "name");
  a.group = opt_string(L, 2, "group");
  lua_getfield(L, 2, "revenue");
  a.revenue = to_minor(L, -1, "revenue");
  lua_pop(L, 1);
  a.flags = (opt_bool(L, 2, "strategic") ? KAM_ACCOUNT_STRATEGIC : 0u) |
            (opt_bool(L, 2, "new") ? KAM_ACCOUNT_NEW : 0u);
  if (lua_getfield(L, 2, "margin") != LUA_TNIL) {
    a.margin = to_margin(L, -1);
    a.flags |= KAM_ACCOUNT_MARGIN;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "relationship") != LUA_TNIL) {
    int isnum;
    a.relationship = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "kam.Portfolio:add: relationship must be a number from 0 to 1");
    a.flags |= KAM_ACCOUNT_RELATIONSHIP;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "potential") != LUA_TNIL) {
    int isnum;
    a.potential = lua_tonumberx(L, -1, &isnum);
    if (!isnum) luaL_error(L, "kam.Portfolio:add: potential must be a number from 0 to 1");
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "history") != LUA_TNIL) { /* stack 3 */
    int64_t *h;
    luaL_argcheck(L, lua_istable(L, 3), 2, "history must be a table");
    len = luaL_len(L, 3);
    h = (int64_t *)lua_newuserdatauv(L, (size_t)(len > 0 ? len : 1) * sizeof *h, 0); /* 4 */
    for (i = 1; i <= len; i++) {
      lua_geti(L, 3, i);
      h[i - 1] = to_minor(L, -1, "history value");
      lua_pop(L, 1);
    }
    a.history = h;
    a.history_len = (size_t)len;
  } else {
    lua_pushnil(L); /* keep the stack shape: 4 */
  }
  if (lua_getfield(L, 2, "forecast") != LUA_TNIL) { /* 5 */
    size_t n;
    luaL_argcheck(L, lua_istable(L, 5), 2, "forecast must be a table of numbers");
    a.forecast = kam__lua_checknumbers(L, 5, &n); /* 6 */
    a.forecast_len = n;
  }
  rc = kam_portfolio_add(lp->p, &a);
  return kam__lua_check(L, rc, lp->ctx);
}

/* p:add_columns(revenues [, ids]) */
int64_t *kam__lua_checkrevenues(lua_State *L, int idx, lua_Integer *count) {
  lua_Integer n, i;
  int64_t *rev;
  luaL_checktype(L, idx, LUA_TTABLE);
  n = luaL_len(L, idx);
  rev = (int64_t *)lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *rev, 0);
  for (i = 1; i <= n; i++) {
    lua_geti(L, idx, i);
    rev[i - 1] = to_minor(L, -1, "revenue");
    lua_pop(L, 1);
  }
  *count = n;
  return rev;
}

static int l_portfolio_add_columns(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  lua_Integer n, i;
  int64_t *rev, *margin = NULL;
  const char **ids = NULL;
  int rc;
  LKAM_ARGS(L, 4);
  rev = kam__lua_checkrevenues(L, 2, &n);
  if (!lua_isnoneornil(L, 4)) { /* margins: false = unknown */
    luaL_checktype(L, 4, LUA_TTABLE);
    if (luaL_len(L, 4) != n) {
      lua_pushfstring(L, "kam.Portfolio:add_columns: %d margins for %d revenues",
                      (int)luaL_len(L, 4), (int)n);
      raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
    }
    margin = (int64_t *)lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *margin, 0);
    for (i = 1; i <= n; i++) {
      if (lua_geti(L, 4, i) == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        margin[i - 1] = KAM_MARGIN_UNKNOWN;
      else
        margin[i - 1] = to_margin(L, -1);
      lua_pop(L, 1);
    }
  }
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    if (luaL_len(L, 3) != n) {
      lua_pushfstring(L, "kam.Portfolio:add_columns: %d ids for %d revenues", (int)luaL_len(L, 3),
                      (int)n);
      raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
    }
    ids = (const char **)lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *ids, 0);
    for (i = 1; i <= n; i++) {
      if (lua_geti(L, 3, i) != LUA_TSTRING)
        luaL_error(L, "kam.Portfolio:add_columns: ids[%d] is not a string", (int)i);
      if (strlen(lua_tostring(L, -1)) != lua_rawlen(L, -1)) {
        lua_pushfstring(L, "ids[%d] contains a NUL character", (int)i);
        raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
      }
      ids[i - 1] = lua_tostring(L, -1); /* the ids table keeps it alive */
      lua_pop(L, 1);
    }
  }
  rc = margin ? kam_portfolio_add_columns_margin(lp->p, (size_t)n, ids, rev, margin)
              : kam_portfolio_add_columns(lp->p, (size_t)n, ids, rev);
  return kam__lua_check(L, rc, lp->ctx);
}

/* ---- reading CSV ---- */

/* The CSV options table: the same keys as the Python keyword arguments (formula_guard only
 * applies when writing). Shared with the DMU reader. */
void kam__lua_csv_options(lua_State *L, int idx, kam_csv_options *o, int writing) {
  static const char *const reading_keys[] = {"delimiter", "decimal_mark", "currency_digits", NULL};
  static const char *const writing_keys[] = {"delimiter", "decimal_mark", "currency_digits",
                                             "formula_guard", NULL};
  kam_csv_options_init(o, sizeof *o);
  if (lua_isnoneornil(L, idx)) return;
  kam__lua_checkfields(L, idx, writing ? writing_keys : reading_keys, "CSV options");
  if (lua_getfield(L, idx, "delimiter") != LUA_TNIL) {
    size_t len;
    const char *d = lua_tolstring(L, -1, &len);
    if (!d || len != 1) {
      raise_status(L, KAM_EINVAL, "delimiter must be one character");
      return;
    }
    o->delimiter = d[0];
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "decimal_mark") != LUA_TNIL) {
    size_t len;
    const char *d = lua_tolstring(L, -1, &len);
    if (!d || len != 1) {
      raise_status(L, KAM_EINVAL, "decimal_mark must be one character");
      return;
    }
    o->decimal_mark = d[0];
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "currency_digits") != LUA_TNIL) {
    lua_Integer d = luaL_checkinteger(L, -1);
    if (d < 0 || d > 255) raise_status(L, KAM_EINVAL, "currency_digits must be 0..18");
    o->currency_digits = (uint8_t)d;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "formula_guard") != LUA_TNIL && !lua_toboolean(L, -1))
    o->flags |= KAM_CSV_NO_FORMULA_GUARD;
  lua_pop(L, 1);
}

/* A kam_read_fn over a Lua source. Calls into Lua run under lua_pcall, so a Lua error never
 * unwinds through libkam: it is kept (registry ref) and raised after the C call returns. */
typedef struct lreader {
  lua_State *L;
  int source;       /* stack index of the source */
  int kind;         /* 0 string, 1 function, 2 file handle, 3 C FILE */
  const char *text; /* kind 0 */
  size_t len, pos;
  FILE *file;    /* kind 3 */
  int error_ref; /* LUA_NOREF or the error value */
  int pending;   /* stack slot holding the current chunk (kind 1, 2) */
  const char *chunk;
  size_t chunk_len, chunk_pos;
} lreader;

static int call_source(lua_State *L) {
  /* upvalue-free: args are (source, kind) ; returns one chunk or nil */
  int kind = (int)lua_tointeger(L, 2);
  if (kind == 1) {
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
  } else {
    lua_getfield(L, 1, "read");
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 65536);
    lua_call(L, 2, 1);
  }
  if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
    luaL_error(L, "the CSV reader returned a %s, not a string", luaL_typename(L, -1));
  return 1;
}

static int lreader_read(void *ud, void *buf, size_t cap, size_t *nread) {
  lreader *r = (lreader *)ud;
  lua_State *L = r->L;
  *nread = 0;
  switch (r->kind) {
  case 0: {
    size_t n = r->len - r->pos < cap ? r->len - r->pos : cap;
    memcpy(buf, r->text + r->pos, n);
    r->pos += n;
    *nread = n;
    return 0;
  }
  case 3: {
    size_t n = fread(buf, 1, cap, r->file);
    if (n == 0 && ferror(r->file)) return 1;
    *nread = n;
    return 0;
  }
  default:
    while (r->chunk_pos == r->chunk_len) {
      int rc;
      lua_settop(L, r->pending - 1);
      lua_pushcfunction(L, call_source);
      lua_pushvalue(L, r->source);
      lua_pushinteger(L, r->kind);
      rc = lua_pcall(L, 2, 1, 0); /* the chunk (or error) lands at r->pending */
      if (rc != LUA_OK) {
        r->error_ref = luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushnil(L);
        return 1;
      }
      if (lua_isnil(L, -1)) return 0; /* end */
      r->chunk = lua_tolstring(L, -1, &r->chunk_len);
      r->chunk_pos = 0;
      if (r->chunk_len == 0) return 0;
    }
    {
      size_t n = r->chunk_len - r->chunk_pos < cap ? r->chunk_len - r->chunk_pos : cap;
      memcpy(buf, r->chunk + r->chunk_pos, n);
      r->chunk_pos += n;
      *nread = n;
    }
    return 0;
  }
}

/* What a CSV call accepts at stack index 2: read_csv takes a file (a path or an open file
 * handle), parse_csv takes CSV text (a string, or a reader function returning successive
 * chunks, like load()). The same string means a path to one and CSV text to the other, as in
 * the Python binding. */
enum csv_source { CSV_FILE, CSV_TEXT };

/* Reads CSV from the source at stack index 2 into lp; options at 3. */
static int read_into(lua_State *L, lportfolio *lp, enum csv_source source, const char *what) {
  lreader r;
  kam_csv_options o;
  int rc;
  LKAM_ARGS(L, 3);
  kam__lua_csv_options(L, 3, &o, 0);
  memset(&r, 0, sizeof r);
  r.L = L;
  r.source = 2;
  r.error_ref = LUA_NOREF;
  if (source == CSV_FILE && lua_type(L, 2) == LUA_TSTRING) {
    const char *path = lua_tostring(L, 2);
    r.kind = 3;
    r.file = fopen(path, "rb");
    if (!r.file) {
      lua_pushfstring(L, "%s: cannot open %s: %s", what, path, strerror(errno));
      raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
    }
  } else if (source == CSV_FILE && luaL_testudata(L, 2, LUA_FILEHANDLE)) {
    r.kind = 2;
  } else if (source == CSV_TEXT && lua_type(L, 2) == LUA_TSTRING) {
    r.kind = 0;
    r.text = lua_tolstring(L, 2, &r.len);
  } else if (source == CSV_TEXT && lua_isfunction(L, 2)) {
    r.kind = 1;
  } else {
    return luaL_argerror(L, 2,
                         source == CSV_FILE
                             ? "a path or a file handle expected (CSV text goes to parse_csv)"
                             : "CSV text or a reader function expected (a path goes to read_csv)");
  }
  lua_pushnil(L); /* slot 4: the current chunk */
  r.pending = 4;
  rc = kam_portfolio_read_csv(lp->p, lreader_read, &r, &o);
  if (r.file) fclose(r.file);
  if (r.error_ref != LUA_NOREF) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, r.error_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r.error_ref);
    return lua_error(L);
  }
  if (rc > 0) {
    lua_pushfstring(L, "%s: the file could not be read", what);
    raise_status(L, rc, lua_tostring(L, -1));
  }
  return kam__lua_check(L, rc, lp->ctx);
}

/* p:read_csv_into(path_or_file [, opts]) / p:parse_csv_into(text_or_reader [, opts]): adds the
 * accounts of a CSV source (all or nothing). */
static int l_portfolio_read_csv_into(lua_State *L) {
  read_into(L, check_portfolio(L, 1), CSV_FILE, "read_csv_into");
  return 0;
}
static int l_portfolio_parse_csv_into(lua_State *L) {
  read_into(L, check_portfolio(L, 1), CSV_TEXT, "parse_csv_into");
  return 0;
}

/* kam.Portfolio.read_csv(path_or_file [, opts]) / parse_csv(text_or_reader [, opts]): a new
 * portfolio. */
static int read_new(lua_State *L, enum csv_source source, const char *what) {
  lportfolio *lp;
  LKAM_ARGS(L, 2);
  lua_pushnil(L);
  lua_insert(L, 1);   /* shift: (nil, source, opts) so the source sits at 2 */
  l_portfolio_new(L); /* at 4 */
  lua_replace(L, 1);
  lp = (lportfolio *)lua_touserdata(L, 1);
  read_into(L, lp, source, what);
  lua_settop(L, 1);
  return 1;
}
static int l_read_csv(lua_State *L) { return read_new(L, CSV_FILE, "read_csv"); }
static int l_parse_csv(lua_State *L) { return read_new(L, CSV_TEXT, "parse_csv"); }

static int l_portfolio_retention(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  return kam__lua_retention(L, lp->ctx, lp->p);
}

/* ---- segmentation ---- */

static const char *const option_names[] = {"a_share", "b_share",       "key_share",   "xyz_x",
                                           "xyz_y",   "discount_rate", "w_share",     "w_npv",
                                           "w_trend", "w_potential",   "w_strategic", NULL};

void kam__lua_segment_options(lua_State *L, int idx, kam_segment_options *out) {
  kam_segment_options o;
  double *fields[11];
  int i;
  kam_segment_options_init(&o, sizeof o);
  o.flags |= KAM_SEGMENT_RETENTION; /* the bindings' default: statuses and their part in health */
  fields[0] = &o.a_share, fields[1] = &o.b_share, fields[2] = &o.key_share;
  fields[3] = &o.xyz_x, fields[4] = &o.xyz_y, fields[5] = &o.discount_rate;
  fields[6] = &o.w_share, fields[7] = &o.w_npv, fields[8] = &o.w_trend;
  fields[9] = &o.w_potential, fields[10] = &o.w_strategic;
  if (!lua_isnoneornil(L, idx)) {
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
      int found = 0;
      for (i = 0; option_names[i]; i++) {
        if (strcmp(key, option_names[i]) == 0) {
          int isnum;
          *fields[i] = lua_tonumberx(L, -1, &isnum);
          if (!isnum) luaL_error(L, "kam.Portfolio:segment: %s must be a number", key);
          found = 1;
        }
      }
      if (strcmp(key, "w_margin") == 0) {
        int isnum;
        o.w_margin = lua_tonumberx(L, -1, &isnum);
        if (!isnum) luaL_error(L, "kam.Portfolio:segment: w_margin must be a number");
        found = 1;
      }
      if (strcmp(key, "basis") == 0 || strcmp(key, "unit") == 0) {
        int is_basis = key[0] == 'b';
        const char *v = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        const char *first = is_basis ? "revenue" : "account",
                   *second = is_basis ? "margin" : "group";
        uint32_t value = strcmp(v, first) == 0 ? 0u : strcmp(v, second) == 0 ? 1u : 2u;
        if (value == 2u) {
          lua_pushfstring(L, "kam.Portfolio:segment: %s must be '%s' or '%s'", key, first, second);
          raise_status(L, KAM_EINVAL, lua_tostring(L, -1));
        }
        if (is_basis)
          o.basis = value;
        else
          o.unit = value;
        found = 1;
      }
      if (strcmp(key, "retention") == 0) {
        o.flags = lua_toboolean(L, -1) ? (o.flags | KAM_SEGMENT_RETENTION)
                                       : (o.flags & ~(uint32_t)KAM_SEGMENT_RETENTION);
        found = 1;
      }
      if (strcmp(key, "retention_window") == 0) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
          luaL_error(L, "kam.Portfolio:segment: retention_window must be an integer >= 1");
        o.retention_window = (size_t)lua_tointeger(L, -1);
        found = 1;
      }
      if (strcmp(key, "retention_threshold") == 0) {
        int isnum;
        o.retention_threshold = lua_tonumberx(L, -1, &isnum);
        if (!isnum) luaL_error(L, "kam.Portfolio:segment: retention_threshold must be a number");
        found = 1;
      }
      if (strcmp(key, "key_top_n") == 0) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
          luaL_error(L, "kam.Portfolio:segment: key_top_n must be an integer >= 0");
        o.key_top_n = (size_t)lua_tointeger(L, -1);
        found = 1;
      }
      if (!found) luaL_error(L, "kam.Portfolio:segment: unknown option '%s'", key);
      lua_pop(L, 1);
    }
  }
  *out = o;
}

static int l_portfolio_segment(lua_State *L) {
  lportfolio *lp = check_portfolio(L, 1);
  kam_segment_options o;
  lsegmentation *ls;
  int rc;
  LKAM_ARGS(L, 2);
  kam__lua_segment_options(L, 2, &o);
  ls = (lsegmentation *)lua_newuserdatauv(L, sizeof *ls, 1);
  memset(ls, 0, sizeof *ls);
  luaL_setmetatable(L, SEGMENTATION_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1); /* keep the portfolio alive */
  rc = kam_segment(&ls->s, lp->p, &o);
  if (rc) kam__lua_error(L, rc, lp->ctx);
  ls->owner = lp;
  ls->n = kam_portfolio_count(lp->p);
  lp->segmentations++;
  return 1;
}

static int l_segmentation_gc(lua_State *L) {
  lsegmentation *ls = (lsegmentation *)luaL_checkudata(L, 1, SEGMENTATION_MT);
  if (ls->s) {
    kam_segmentation_free(ls->s);
    ls->s = NULL;
    ls->owner->segmentations--;
    portfolio_release(ls->owner);
  }
  return 0;
}

static int l_segmentation_len(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  lua_pushinteger(L, (lua_Integer)ls->n);
  return 1;
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}
static void set_num(lua_State *L, const char *k, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, k);
}
static void set_str(lua_State *L, const char *k, const char *v) {
  if (!v) return;
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}
static void set_abc(lua_State *L, const char *k, const void *three, int money) {
  static const char *const names[3] = {"A", "B", "C"};
  int i;
  lua_createtable(L, 0, 3);
  for (i = 0; i < 3; i++) {
    lua_pushinteger(L, money ? (lua_Integer)((const int64_t *)three)[i]
                             : (lua_Integer)((const size_t *)three)[i]);
    lua_setfield(L, -2, names[i]);
  }
  lua_setfield(L, -2, k);
}

static int l_segmentation_summary(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  kam_summary sm;
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  kam__lua_check(L, kam_segmentation_summary(&sm, ls->s), ls->owner->ctx);
  kam__lua_push_summary(L, &sm);
  return 1;
}

void kam__lua_push_summary(lua_State *L, const kam_summary *sm_) {
  kam_summary sm = *sm_;
  lua_createtable(L, 0, 10);
  set_int(L, "accounts", (lua_Integer)sm.accounts);
  set_int(L, "key_accounts", (lua_Integer)sm.key_accounts);
  set_abc(L, "count", sm.count, 0);
  set_abc(L, "revenue", sm.revenue, 1);
  set_int(L, "total_revenue", sm.total_revenue);
  set_num(L, "hhi", sm.hhi);
  set_num(L, "effective_accounts", sm.effective_accounts);
  set_num(L, "gini", sm.gini);
  set_num(L, "top20_share", sm.top20_share);
  set_str(L, "basis", sm.basis == KAM_BASIS_MARGIN ? "margin" : "revenue");
  set_str(L, "unit", sm.unit == KAM_UNIT_GROUP ? "group" : "account");
  set_int(L, "customers", (lua_Integer)sm.customers);
  set_num(L, "key_revenue_share", sm.key_revenue_share);
  set_int(L, "basis_total", sm.basis_total);
  set_int(L, "total_margin", sm.total_margin);
  set_int(L, "margin_accounts", (lua_Integer)sm.margin_accounts);
  {
    static const char *const names[3] = {"A", "B", "C"};
    int i;
    lua_createtable(L, 0, 3);
    for (i = 0; i < 3; i++)
      if (!isnan(sm.margin_pct[i])) set_num(L, names[i], sm.margin_pct[i]); /* nil: none */
    lua_setfield(L, -2, "margin_pct");
  }
  set_int(L, "unprofitable", (lua_Integer)sm.unprofitable);
  set_int(L, "unprofitable_revenue", sm.unprofitable_revenue);
  set_int(L, "key_unprofitable", (lua_Integer)sm.key_unprofitable);
  set_int(L, "red_accounts", (lua_Integer)sm.red_accounts);
  set_int(L, "revenue_at_risk", sm.revenue_at_risk);
}

static int l_segmentation_classes(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, ls->n ? ls->n : 1);
  kam__lua_check(L, kam_segmentation_classes(out, ls->n, ls->s), ls->owner->ctx);
  luaL_pushresultsize(&b, ls->n);
  return 1;
}

static int l_key_reason_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  const char *name = v < 0 || v > 8 ? NULL : kam_key_reason_name((uint32_t)v);
  if (!name) raise_status(L, KAM_EINVAL, "not a single key reason flag (1, 2, 4, 8)");
  lua_pushstring(L, name);
  return 1;
}

static void push_reasons(lua_State *L, uint32_t key_reasons) {
  int i, k = 0;
  lua_pushboolean(L, key_reasons != 0);
  lua_setfield(L, -2, "key");
  lua_createtable(L, 4, 0);
  for (i = 0; i < 4; i++) {
    if (key_reasons & (1u << i)) {
      lua_pushstring(L, kam_key_reason_name(1u << i));
      lua_rawseti(L, -2, ++k);
    }
  }
  lua_setfield(L, -2, "key_reasons");
}

static int l_health_reason_name(lua_State *L) {
  lua_Integer v = luaL_checkinteger(L, 1);
  const char *name = v < 0 || v > 16 ? NULL : kam_health_reason_name((uint32_t)v);
  if (!name) raise_status(L, KAM_EINVAL, "not a single health reason flag (1, 2, 4, 8, 16)");
  lua_pushstring(L, name);
  return 1;
}

/* kam.health_light_name('G') or its code: "green", "yellow", "red" */
static int l_health_light_name(lua_State *L) {
  lua_Integer v = -1;
  const char *name;
  if (lua_type(L, 1) == LUA_TSTRING) {
    size_t len;
    const char *str = lua_tolstring(L, 1, &len);
    if (len == 1) v = (unsigned char)str[0];
  } else {
    v = luaL_checkinteger(L, 1);
  }
  name = v < 0 || v > 255 ? NULL : kam_health_light_name((int)v);
  if (!name) raise_status(L, KAM_EINVAL, "not a health light ('G', 'Y' or 'R')");
  lua_pushstring(L, name);
  return 1;
}

static void push_score(lua_State *L, const kam_account_score *sc) {
  char c[2] = {0, 0};
  int i, k = 0;
  lua_createtable(L, 0, 27);
  set_int(L, "index", (lua_Integer)sc->index + 1);
  set_int(L, "rank", (lua_Integer)sc->rank);
  set_str(L, "id", sc->id);
  set_str(L, "name", sc->name);
  set_str(L, "group", sc->group);
  set_int(L, "revenue", sc->revenue);
  c[0] = sc->abc;
  set_str(L, "abc", c);
  c[0] = sc->xyz;
  set_str(L, "xyz", c);
  set_num(L, "share", sc->share);
  set_num(L, "cum_share", sc->cum_share);
  set_num(L, "cv", sc->cv);
  set_num(L, "trend", sc->trend);
  set_num(L, "npv", sc->npv);
  set_num(L, "score", sc->score);
  if (sc->has_margin) set_int(L, "margin", sc->margin);
  lua_pushboolean(L, sc->unprofitable != 0);
  lua_setfield(L, -2, "unprofitable");
  set_int(L, "customer_rank", (lua_Integer)sc->customer_rank);
  push_reasons(L, sc->key_reasons);
  set_str(L, "status", kam_retention_status_name(sc->status)); /* nil: not asked */
  set_num(L, "relationship", sc->relationship);
  set_num(L, "health", sc->health);
  set_str(L, "light", kam_health_light_name(sc->light)); /* nil: unknown */
  lua_createtable(L, 5, 0);
  for (i = 0; i < 5; i++) {
    if (sc->health_reasons & (1u << i)) {
      lua_pushstring(L, kam_health_reason_name(1u << i));
      lua_rawseti(L, -2, ++k);
    }
  }
  lua_setfield(L, -2, "health_reasons");
}

/* s:customers(): the customers in rank order (kam_segmentation_customers), a list of tables
 * {name, members, revenue, margin (nil: unknown), share, rank, abc, key, key_reasons, group,
 * first_index (1-based)}. */
static int customer_protected(lua_State *L) { /* list, customer pointer */
  const kam_customer *cu = (const kam_customer *)lua_touserdata(L, 2);
  char c[2] = {0, 0};
  lua_settop(L, 1);
  lua_createtable(L, 0, 12);
  set_str(L, "name", cu->name);
  set_int(L, "members", (lua_Integer)cu->members);
  set_int(L, "revenue", cu->revenue);
  if (cu->has_margin) set_int(L, "margin", cu->margin);
  set_num(L, "share", cu->share);
  set_int(L, "rank", (lua_Integer)cu->rank);
  c[0] = cu->abc;
  set_str(L, "abc", c);
  lua_pushboolean(L, cu->is_group != 0);
  lua_setfield(L, -2, "group");
  set_int(L, "first_index", (lua_Integer)cu->first_index + 1);
  push_reasons(L, cu->key_reasons);
  lua_rawseti(L, 1, (lua_Integer)cu->rank);
  return 0;
}

static int customer_cb(void *ud, const kam_customer *cu) {
  lua_State *L = (lua_State *)ud;
  if (!lua_checkstack(L, 4)) return KAM_ENOMEM;
  lua_pushcfunction(L, customer_protected);
  lua_pushvalue(L, 2);
  lua_pushlightuserdata(L, (void *)(uintptr_t)cu);
  return lua_pcall(L, 2, 0, 0) == LUA_OK ? 0 : 1; /* the error object stays on top */
}

static int l_segmentation_customers(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  int rc;
  lua_settop(L, 1);
  lua_newtable(L); /* 2 */
  rc = kam_segmentation_customers(ls->s, customer_cb, L);
  if (rc == 1) return lua_error(L);
  kam__lua_check(L, rc, ls->owner->ctx);
  lua_settop(L, 2);
  return 1;
}

static int get_common(lua_State *L, lsegmentation *ls, lua_Integer at, int by_rank) {
  kam_account_score sc;
  int rc;
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  if (at < 1 || (size_t)at > ls->n) {
    lua_pushfstring(L, "%s %d is out of range (1..%d)", by_rank ? "rank" : "index", (int)at,
                    (int)ls->n);
    raise_status(L, KAM_ENOTFOUND, lua_tostring(L, -1));
  }
  rc = by_rank ? kam_segmentation_get_by_rank(&sc, ls->s, (size_t)at)
               : kam_segmentation_get(&sc, ls->s, (size_t)(at - 1));
  kam__lua_check(L, rc, ls->owner->ctx);
  push_score(L, &sc);
  return 1;
}

/* s:get(i): account i (1-based, insertion order) */
static int l_segmentation_get(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  return get_common(L, ls, luaL_checkinteger(L, 2), 0);
}

/* s:get_by_rank(r): the account at rank r (1: the largest) */
static int l_segmentation_get_by_rank(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, 1);
  return get_common(L, ls, luaL_checkinteger(L, 2), 1);
}

static int each_next(lua_State *L) {
  lsegmentation *ls = check_segmentation(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  int by_rank = lua_toboolean(L, lua_upvalueindex(3));
  if ((size_t)i > ls->n) return 0;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  return get_common(L, ls, i, by_rank);
}

/* s:foreach(fn [, "rank" | "insertion"]): calls fn(score) for every account through
 * kam_segmentation_foreach; fn returning a true value stops early, as a nonzero return does in
 * C and a truthy one in Python (foreach then returns false, else true). fn runs under lua_pcall
 * (with the score table built inside the protected call), so no Lua error ever unwinds through
 * libkam; an error in fn is raised again afterwards. */
typedef struct foreach_call {
  lua_State *L;
  int failed;
} foreach_call;

static int foreach_protected(lua_State *L) { /* fn, score pointer */
  const kam_account_score *sc = (const kam_account_score *)lua_touserdata(L, 2);
  lua_settop(L, 1);
  push_score(L, sc);
  lua_call(L, 1, 1);
  return 1;
}

static int foreach_score(void *ud, const kam_account_score *sc) {
  foreach_call *fc = (foreach_call *)ud;
  lua_State *L = fc->L;
  if (!lua_checkstack(L, 4)) return KAM_ENOMEM;
  lua_pushcfunction(L, foreach_protected);
  lua_pushvalue(L, 2);
  lua_pushlightuserdata(L, (void *)(uintptr_t)sc);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
    fc->failed = 1; /* the error object stays on top */
    return 1;
  }
  if (lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    return 2; /* stopped by fn */
  }
  lua_pop(L, 1);
  return 0;
}

static int l_segmentation_foreach(lua_State *L) {
  static const char *const orders[] = {"rank", "insertion", NULL};
  lsegmentation *ls = check_segmentation(L, 1);
  foreach_call fc;
  int order, rc;
  luaL_checktype(L, 2, LUA_TFUNCTION);
  order = luaL_checkoption(L, 3, "rank", orders) == 0 ? KAM_ORDER_RANK : KAM_ORDER_INSERTION;
  lua_settop(L, 3);
  fc.L = L;
  fc.failed = 0;
  rc = kam_segmentation_foreach(ls->s, order, foreach_score, &fc);
  if (fc.failed) return lua_error(L);
  if (rc == 2) {
    lua_pushboolean(L, 0);
    return 1;
  }
  kam__lua_check(L, rc, ls->owner->ctx);
  lua_pushboolean(L, 1);
  return 1;
}

/* for sc in s:each("rank" | "insertion") do ... end */
static int l_segmentation_each(lua_State *L) {
  static const char *const orders[] = {"rank", "insertion", NULL};
  int by_rank;
  check_segmentation(L, 1);
  by_rank = luaL_checkoption(L, 2, "rank", orders) == 0;
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushboolean(L, by_rank);
  lua_pushcclosure(L, each_next, 3);
  return 1;
}

static int write_common(lua_State *L, int which) {
  lsegmentation *ls = check_segmentation(L, 1);
  kam__lua_sink sink = {NULL, 0, 0};
  kam_csv_options o;
  int rc;
  if (which == 0) kam__lua_csv_options(L, 2, &o, 1);
  rc = which == 0   ? kam_segmentation_write_csv(ls->s, kam__lua_sink_write, &sink, &o)
       : which == 1 ? kam_segmentation_write_json(ls->s, kam__lua_sink_write, &sink)
                    : kam_segmentation_write_svg(ls->s, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, ls->owner->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}
static int l_segmentation_to_csv(lua_State *L) { return write_common(L, 0); }
static int l_segmentation_to_json(lua_State *L) { return write_common(L, 1); }
static int l_segmentation_pareto_svg(lua_State *L) { return write_common(L, 2); }

static int l_portfolio_tostring(lua_State *L) {
  lportfolio *lp = (lportfolio *)luaL_checkudata(L, 1, PORTFOLIO_MT);
  if (lp->closed)
    lua_pushliteral(L, "kam.Portfolio (closed)");
  else
    lua_pushfstring(L, "kam.Portfolio (%d accounts)", (int)kam_portfolio_count(lp->p));
  return 1;
}

/* kam.Portfolio([threads]), as Python's kam.Portfolio(threads=1). */
static int l_portfolio_call(lua_State *L) {
  LKAM_ARGS(L, 2);
  l_portfolio_new(L); /* at 3 */
  if (!lua_isnil(L, 2)) {
    lua_pushcfunction(L, l_portfolio_set_threads);
    lua_pushvalue(L, 3);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 0);
  }
  return 1;
}

void kam__lua_open_portfolio(lua_State *L) {
  static const luaL_Reg statics[] = {
      {"read_csv", l_read_csv}, {"parse_csv", l_parse_csv}, {NULL, NULL}};
  static const luaL_Reg pmethods[] = {{"close", l_portfolio_gc},
                                      {"add", l_portfolio_add},
                                      {"add_columns", l_portfolio_add_columns},
                                      {"read_csv_into", l_portfolio_read_csv_into},
                                      {"parse_csv_into", l_portfolio_parse_csv_into},
                                      {"segment", l_portfolio_segment},
                                      {"retention", l_portfolio_retention},
                                      {"count", l_portfolio_len},
                                      {"set_threads", l_portfolio_set_threads},
                                      {NULL, NULL}};
  static const luaL_Reg smethods[] = {{"summary", l_segmentation_summary},
                                      {"customers", l_segmentation_customers},
                                      {"classes", l_segmentation_classes},
                                      {"get", l_segmentation_get},
                                      {"get_by_rank", l_segmentation_get_by_rank},
                                      {"each", l_segmentation_each},
                                      {"foreach", l_segmentation_foreach},
                                      {"to_csv", l_segmentation_to_csv},
                                      {"to_json", l_segmentation_to_json},
                                      {"pareto_svg", l_segmentation_pareto_svg},
                                      {"count", l_segmentation_len},
                                      {"close", l_segmentation_gc},
                                      {NULL, NULL}};
  /* metatables */
  kam__lua_class(L, PORTFOLIO_MT, pmethods, l_portfolio_gc, l_portfolio_len, l_portfolio_tostring);
  kam__lua_class(L, SEGMENTATION_MT, smethods, l_segmentation_gc, l_segmentation_len, NULL);
  lua_createtable(L, 4, 0);
  for (int i = 0; i < 4; i++) {
    lua_pushstring(L, kam_key_reason_name(1u << i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "KEY_REASONS");
  lua_pushcfunction(L, l_key_reason_name);
  lua_setfield(L, -2, "key_reason_name");
  lua_createtable(L, 5, 0);
  for (int i = 0; i < 5; i++) {
    lua_pushstring(L, kam_health_reason_name(1u << i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "HEALTH_REASONS");
  lua_pushcfunction(L, l_health_reason_name);
  lua_setfield(L, -2, "health_reason_name");
  lua_pushcfunction(L, l_health_light_name);
  lua_setfield(L, -2, "health_light_name");
  /* kam.Portfolio: callable, with read_csv / parse_csv */
  kam__lua_class_table(L, "Portfolio", statics, l_portfolio_call);
}

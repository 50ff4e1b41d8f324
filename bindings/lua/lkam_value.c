/* lkam_value.c - Lua data <-> kam_value, kam.json_loads / kam.json_dumps, kam.null,
 * kam.array.
 *
 * Lua -> kam_value (kam__lua_tovalue):
 * - nil or kam.null -> null; booleans -> bool; integers -> number (exact); floats -> number
 *   (shortest round-trip text; NaN and infinities raise EINVAL); kam.number("12.50") -> number
 *   with exactly that text; strings -> string (must be valid UTF-8, else EPARSE);
 * - a table marked with kam.array(t) -> array of t[1..#t] (other keys ignored);
 * - an unmarked table whose keys are exactly the integers 1..n -> array; the empty table is
 *   an empty array (falsey in a Mustache section, "[]" in JSON), as Lua data means a list far
 *   more often than an object there; kam.object(t) marks a table as an object (so kam.object()
 *   is an empty object), and an empty JSON object decodes to such a marked table;
 * - any other table -> object. Keys must be strings or integers
 *   (integers become their decimal text); members are sorted by key bytes, since Lua tables
 *   have no order, so the output is deterministic;
 * - functions -> lambdas (below); anything else raises EINVAL. Nesting deeper than 512 tables
 *   (a table that contains itself, for one) raises ELIMIT.
 *
 * kam_value -> Lua (kam__lua_pushvalue): null -> kam.null, bool -> boolean, number -> integer
 * when its text is an integer that fits, else float (or, with kam.json_loads(text, true), a
 * kam.number holding the exact text, so amounts like 0.10 survive); string -> string; array
 * -> table marked as an array (so an empty one encodes back as []); object -> table;
 * lambda -> nil.
 *
 * Lifetime of converted values and lambdas: kam__lua_tovalue pushes a holder userdata
 * ("kam.ValueHolder") that owns the new tree (and its ctx when none was given), and holds a
 * registry reference to every Lua function it turned into a lambda. Keep the holder on the
 * stack while libkam may use the value (e.g. during kam_template_render) and release it after
 * with kam__lua_value_release (or let __gc / __close do it).
 *
 * A lambda calls its function with lua_pcall in the lua_State that made the holder (so render
 * in the same coroutine that converted the data), with the section text (a string) for a
 * section or no argument for an interpolation; the result goes through tostring (nil writes
 * nothing). An error (in the function or in tostring) never longjmps through libkam: it is
 * kept in the holder, the lambda returns KAM__LUA_LAMBDA_FAILED and the render stops; call
 * kam__lua_value_rethrow(L, holder_index) after the render to raise the original error. */
#include <stdlib.h>
#include <string.h>

#include "lkam.h"

#define HOLDER_MT "kam.ValueHolder"
#define NULL_MT "kam.Null"
#define ARRAYS_KEY "kam.arrays" /* registry: weak-keyed set of tables marked as arrays */
#define NULL_KEY "kam.null"     /* registry: the kam.null sentinel */
#define NUMBER_MT "kam.Number"
#define MAX_DEPTH 512

typedef struct lambda_ref {
  struct lambda_ref *next;
  lua_State *L;
  int fn_ref;
  int err_ref; /* registry ref of the holder's error table */
} lambda_ref;

typedef struct holder {
  kam_ctx *ctx;
  int own_ctx;
  kam_value *root;
  lambda_ref *lambdas;
  int err_ref; /* a table {error} filled by a failing lambda; LUA_NOREF until needed */
} holder;

static void holder_release(lua_State *L, holder *h) {
  kam_value_free(h->root);
  h->root = NULL;
  while (h->lambdas) {
    lambda_ref *r = h->lambdas;
    h->lambdas = r->next;
    luaL_unref(L, LUA_REGISTRYINDEX, r->fn_ref);
    free(r);
  }
  if (h->err_ref != LUA_NOREF) {
    luaL_unref(L, LUA_REGISTRYINDEX, h->err_ref);
    h->err_ref = LUA_NOREF;
  }
  if (h->own_ctx && h->ctx) kam_ctx_free(h->ctx);
  h->ctx = NULL;
}

static int holder_gc(lua_State *L) {
  holder *h = (holder *)luaL_checkudata(L, 1, HOLDER_MT);
  holder_release(L, h);
  return 0;
}

static holder *push_holder(lua_State *L, kam_ctx *ctx) {
  holder *h = (holder *)lua_newuserdatauv(L, sizeof *h, 0);
  h->ctx = NULL;
  h->own_ctx = 0;
  h->root = NULL;
  h->lambdas = NULL;
  h->err_ref = LUA_NOREF;
  if (luaL_newmetatable(L, HOLDER_MT)) {
    lua_pushcfunction(L, holder_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, holder_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_setmetatable(L, -2);
  if (ctx) {
    h->ctx = ctx;
  } else {
    h->ctx = kam__lua_newctx(L);
    h->own_ctx = 1;
  }
  return h;
}

void kam__lua_value_release(lua_State *L, int idx) {
  holder *h = (holder *)luaL_checkudata(L, idx, HOLDER_MT);
  holder_release(L, h);
}

int kam__lua_value_rethrow(lua_State *L, int idx) {
  holder *h = (holder *)luaL_checkudata(L, idx, HOLDER_MT);
  if (h->err_ref == LUA_NOREF) return 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, h->err_ref);
  lua_rawgeti(L, -1, 1);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 2);
    return 0;
  }
  lua_pushnil(L);
  lua_rawseti(L, -3, 1); /* raised once */
  return lua_error(L);
}

/* Runs inside lua_pcall: 1 = function, 2 = text (light userdata, NULL for an interpolation),
 * 3 = text length. Returns the result as a string. */
static int protected_lambda(lua_State *L) {
  const char *text = (const char *)lua_touserdata(L, 2);
  size_t len = (size_t)lua_tointeger(L, 3);
  lua_settop(L, 1);
  if (text) {
    lua_pushlstring(L, text, len);
    lua_call(L, 1, 1);
  } else {
    lua_call(L, 0, 1);
  }
  if (lua_isnil(L, -1))
    lua_pushliteral(L, "");
  else
    luaL_tolstring(L, -1, NULL);
  return 1;
}

static int lua_lambda(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  lambda_ref *r = (lambda_ref *)ud;
  lua_State *L = r->L;
  int top = lua_gettop(L), rc;
  if (!lua_checkstack(L, 6)) return KAM__LUA_LAMBDA_FAILED;
  lua_pushcfunction(L, protected_lambda);
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->fn_ref);
  lua_pushlightuserdata(L, (void *)(uintptr_t)text);
  lua_pushinteger(L, (lua_Integer)len);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
    /* t[1] = error: the table was made with room for it, so this does not allocate */
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->err_ref);
    lua_rawgeti(L, -1, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushvalue(L, -2);
      lua_rawseti(L, -2, 1);
    }
    lua_settop(L, top);
    return KAM__LUA_LAMBDA_FAILED;
  }
  {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n); /* a string already: no conversion */
    rc = n ? out(out_ud, s, n) : 0;
  }
  lua_settop(L, top);
  return rc;
}

/* ---- Lua -> kam_value -------------------------------------------------------------------- */

/* The marker set maps a table to true (kam.array: an array even when empty) or false
 * (kam.object: an object even when empty). Returns 1 array, 2 object, 0 unmarked. */
static int marker_of(lua_State *L, int idx) {
  int kind;
  lua_getfield(L, LUA_REGISTRYINDEX, ARRAYS_KEY);
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  lua_pushvalue(L, idx);
  kind = lua_rawget(L, -2) == LUA_TNIL ? 0 : lua_toboolean(L, -1) ? 1 : 2;
  lua_pop(L, 2);
  return kind;
}

static int is_marked_array(lua_State *L, int idx) { return marker_of(L, idx) == 1; }

static void push_arrays_set(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ARRAYS_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, ARRAYS_KEY);
}

static int null_tostring(lua_State *L) {
  lua_pushliteral(L, "kam.null");
  return 1;
}

/* Pushes the kam.null sentinel (a userdata kept in the registry). */
static void push_null(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY) == LUA_TUSERDATA) return;
  lua_pop(L, 1);
  lua_newuserdatauv(L, 1, 0);
  if (luaL_newmetatable(L, NULL_MT)) {
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, NULL_KEY);
}

static int is_null(lua_State *L, int idx) {
  int same;
  if (lua_type(L, idx) != LUA_TUSERDATA) return 0;
  push_null(L);
  same = lua_rawequal(L, idx, -1);
  lua_pop(L, 1);
  return same;
}

static void raise_status(lua_State *L, int status, holder *h) { kam__lua_error(L, status, h->ctx); }

/* Kinds of table. */
enum { T_ARRAY, T_MARKED, T_OBJECT };

/* Array (keys exactly 1..n, n >= 0), marked array, or object. *n gets the item count. */
static int table_kind(lua_State *L, int idx, lua_Integer *n) {
  lua_Integer count = 0, max = 0;
  int all_int = 1;
  switch (marker_of(L, idx)) {
  case 1: *n = (lua_Integer)lua_rawlen(L, idx); return T_MARKED;
  case 2: max = -1; break; /* kam.object: never an array */
  default: break;
  }
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
    if (all_int && lua_isinteger(L, -1)) {
      lua_Integer k = lua_tointeger(L, -1);
      if (k < 1)
        all_int = 0;
      else if (k > max)
        max = k;
    } else {
      all_int = 0;
    }
  }
  *n = count;
  /* The empty table is an empty list: in template data `items = {}` must render no rows. */
  return all_int && max == count ? T_ARRAY : T_OBJECT;
}

static kam_value *make_leaf(lua_State *L, int idx, holder *h);
static void fill(lua_State *L, int idx, holder *h, kam_value *c, int depth);

/* Converts the value at idx: a new leaf, or a new empty container that the caller attaches
 * and then fills. Nothing that raises comes after the allocation. */
static kam_value *make_node(lua_State *L, int idx, holder *h, int *is_container) {
  kam_value *v = NULL;
  int rc;
  *is_container = 0;
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_Integer n;
    int kind = table_kind(L, idx, &n);
    *is_container = 1;
    rc = kind == T_OBJECT ? kam_value_new_object(&v, h->ctx) : kam_value_new_array(&v, h->ctx);
    if (rc) raise_status(L, rc, h);
    return v;
  }
  return make_leaf(L, idx, h);
}

static kam_value *make_leaf(lua_State *L, int idx, holder *h) {
  kam_value *v = NULL;
  int rc;
  switch (lua_type(L, idx)) {
  case LUA_TNIL: rc = kam_value_new_null(&v, h->ctx); break;
  case LUA_TBOOLEAN: rc = kam_value_new_bool(&v, h->ctx, lua_toboolean(L, idx)); break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      rc = kam_value_new_int(&v, h->ctx, (int64_t)lua_tointeger(L, idx));
    else
      rc = kam_value_new_number(&v, h->ctx, (double)lua_tonumber(L, idx));
    break;
  case LUA_TSTRING: {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    rc = kam_value_new_string(&v, h->ctx, s, len);
    break;
  }
  case LUA_TFUNCTION: {
    lambda_ref *r;
    if (h->err_ref == LUA_NOREF) {
      lua_createtable(L, 1, 0);
      h->err_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    r = (lambda_ref *)malloc(sizeof *r);
    if (!r) raise_status(L, KAM_ENOMEM, h);
    r->L = L;
    r->err_ref = h->err_ref;
    r->fn_ref = LUA_NOREF;
    r->next = h->lambdas; /* owned by the holder from here on */
    h->lambdas = r;
    lua_pushvalue(L, idx);
    r->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    rc = kam_value_new_lambda(&v, h->ctx, lua_lambda, r);
    break;
  }
  case LUA_TUSERDATA:
    if (is_null(L, idx)) {
      rc = kam_value_new_null(&v, h->ctx);
      break;
    }
    if (luaL_testudata(L, idx, NUMBER_MT)) {
      size_t len;
      const char *text;
      lua_getiuservalue(L, idx, 1);
      text = lua_tolstring(L, -1, &len);
      rc = kam_value_new_number_text(&v, h->ctx, text, len);
      lua_pop(L, 1);
      break;
    }
    /* fall through */
  default:
    lua_pushfstring(L, "cannot convert a %s to a kam value", luaL_typename(L, idx));
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    lua_error(L);
    return NULL;
  }
  if (rc) raise_status(L, rc, h);
  return v;
}

/* Converts the Lua value at the stack top into c (an array: push; an object: set key). */
static void add_child(lua_State *L, holder *h, kam_value *c, const char *key, size_t key_len,
                      int depth) {
  int is_container, rc, top = lua_gettop(L);
  kam_value *v = make_node(L, top, h, &is_container);
  rc = key ? kam_value_object_set(c, key, key_len, v) : kam_value_array_push(c, v);
  if (rc) {
    kam_value_free(v);
    raise_status(L, rc, h);
  }
  if (is_container) fill(L, top, h, v, depth + 1);
}

typedef struct key_slot {
  const char *s;
  size_t len;
  int pos; /* index in the names table */
} key_slot;

static int slot_cmp(const void *a, const void *b) {
  const key_slot *x = (const key_slot *)a, *y = (const key_slot *)b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  if (c) return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

/* Fills the empty container c from the table at idx. */
static void fill(lua_State *L, int idx, holder *h, kam_value *c, int depth) {
  lua_Integer n, i;
  int kind;
  if (depth >= MAX_DEPTH) {
    kam__lua_push_error(L, KAM_ELIMIT, "tables nested deeper than 512 (a table inside itself?)");
    lua_error(L);
  }
  luaL_checkstack(L, 8, "kam: data too deep");
  kind = table_kind(L, idx, &n);
  if (kind != T_OBJECT) {
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      add_child(L, h, c, NULL, 0, depth);
      lua_pop(L, 1);
    }
    return;
  }
  {
    /* names[i] = key text, values[i] = value; then sort slots by key bytes */
    int names, values, count = 0, k;
    key_slot *slots;
    lua_createtable(L, (int)n, 0);
    names = lua_gettop(L);
    lua_createtable(L, (int)n, 0);
    values = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      if (lua_type(L, -2) == LUA_TSTRING) {
        lua_pushvalue(L, -2);
      } else if (lua_isinteger(L, -2)) {
        lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, -2));
      } else {
        lua_pushfstring(L, "object keys must be strings or integers, not %s", luaL_typename(L, -2));
        kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
        lua_error(L);
      }
      count++;
      lua_rawseti(L, names, count);
      lua_rawseti(L, values, count); /* pops the value */
    }
    slots = (key_slot *)lua_newuserdatauv(L, (size_t)(count ? count : 1) * sizeof *slots, 0);
    for (k = 0; k < count; k++) {
      lua_rawgeti(L, names, k + 1);
      slots[k].s = lua_tolstring(L, -1, &slots[k].len); /* kept alive by names */
      slots[k].pos = k + 1;
      lua_pop(L, 1);
    }
    qsort(slots, (size_t)count, sizeof *slots, slot_cmp);
    for (k = 0; k < count; k++) {
      lua_rawgeti(L, values, slots[k].pos);
      add_child(L, h, c, slots[k].s, slots[k].len, depth);
      lua_pop(L, 1);
    }
    lua_pop(L, 3);
  }
}

int kam__lua_tovalue(lua_State *L, int idx, kam_ctx *ctx, kam_value **out) {
  holder *h;
  int is_container;
  kam_value *v;
  idx = lua_absindex(L, idx);
  h = push_holder(L, ctx);
  v = make_node(L, idx, h, &is_container);
  h->root = v;
  if (is_container) fill(L, idx, h, v, 1);
  *out = v;
  return 1;
}

/* ---- kam_value -> Lua -------------------------------------------------------------------- */

static void push_number(lua_State *L, const kam_value *v) {
  size_t len, i;
  const char *t = kam_value_number_text(v, &len);
  int integral = 1;
  for (i = 0; i < len; i++)
    if (t[i] == '.' || t[i] == 'e' || t[i] == 'E') integral = 0;
  if (integral) {
    lua_Integer x = 0;
    int neg = t[0] == '-', fits = 1;
    for (i = neg ? 1 : 0; i < len && fits; i++) {
      lua_Integer d = t[i] - '0';
      if (x > (LUA_MAXINTEGER - d) / 10) {
        /* LUA_MININTEGER has one more magnitude than LUA_MAXINTEGER */
        if (neg && i == len - 1 && x == LUA_MAXINTEGER / 10 && d == LUA_MAXINTEGER % 10 + 1) {
          lua_pushinteger(L, LUA_MININTEGER);
          return;
        }
        fits = 0;
      } else {
        x = x * 10 + d;
      }
    }
    if (fits) {
      lua_pushinteger(L, neg ? -x : x);
      return;
    }
  }
  lua_pushnumber(L, (lua_Number)kam_value_number(v));
}

/* Pushes a kam.number userdata holding text (checked by the caller). */
static void push_exact_number(lua_State *L, const char *text, size_t len);

static void push_rec(lua_State *L, const kam_value *v, int depth, int exact) {
  size_t i, n, len;
  const char *s;
  if (depth > MAX_DEPTH * 4) {
    kam__lua_push_error(L, KAM_ELIMIT, "value nested too deeply for Lua");
    lua_error(L);
  }
  luaL_checkstack(L, 6, "kam: value too deep");
  switch (kam_value_type(v)) {
  case KAM_VALUE_NULL: push_null(L); break;
  case KAM_VALUE_BOOL: lua_pushboolean(L, kam_value_bool(v)); break;
  case KAM_VALUE_NUMBER:
    if (exact) {
      s = kam_value_number_text(v, &len);
      if (memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len)) {
        push_exact_number(L, s, len);
        break;
      }
    }
    push_number(L, v);
    break;
  case KAM_VALUE_STRING:
    s = kam_value_string(v, &len);
    lua_pushlstring(L, s, len);
    break;
  case KAM_VALUE_ARRAY:
    n = kam_value_length(v);
    lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
    push_arrays_set(L);
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    for (i = 0; i < n; i++) {
      push_rec(L, kam_value_at(v, i), depth + 1, exact);
      lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    break;
  case KAM_VALUE_OBJECT:
    n = kam_value_length(v);
    lua_createtable(L, 0, n > INT32_MAX ? 0 : (int)n);
    if (n == 0) { /* mark it, so an empty object converts back as {} and not as [] */
      push_arrays_set(L);
      lua_pushvalue(L, -2);
      lua_pushboolean(L, 0);
      lua_rawset(L, -3);
      lua_pop(L, 1);
    }
    for (i = 0; i < n; i++) {
      s = kam_value_key_at(v, i, &len);
      lua_pushlstring(L, s, len);
      push_rec(L, kam_value_at(v, i), depth + 1, exact);
      lua_rawset(L, -3);
    }
    break;
  default: lua_pushnil(L); break; /* lambda */
  }
}

void kam__lua_pushvalue(lua_State *L, const kam_value *v) { push_rec(L, v, 0, 0); }

/* ---- kam.number: a number kept as its exact decimal text ------------------------------- */

static int number_tostring(lua_State *L) {
  luaL_checkudata(L, 1, NUMBER_MT);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int number_tonumber(lua_State *L) { /* n:value() -> the nearest Lua float/integer */
  luaL_checkudata(L, 1, NUMBER_MT);
  lua_getiuservalue(L, 1, 1);
  if (!lua_stringtonumber(L, lua_tostring(L, -1))) lua_pushnil(L);
  return 1;
}

static int number_eq(lua_State *L) {
  int eq = 0;
  if (luaL_testudata(L, 1, NUMBER_MT) && luaL_testudata(L, 2, NUMBER_MT)) {
    lua_getiuservalue(L, 1, 1);
    lua_getiuservalue(L, 2, 1);
    eq = lua_rawequal(L, -1, -2);
  }
  lua_pushboolean(L, eq);
  return 1;
}

static void push_exact_number(lua_State *L, const char *text, size_t len) {
  lua_newuserdatauv(L, 1, 1);
  lua_pushlstring(L, text, len);
  lua_setiuservalue(L, -2, 1);
  if (luaL_newmetatable(L, NUMBER_MT)) {
    static const luaL_Reg meta[] = {
        {"__tostring", number_tostring}, {"__eq", number_eq}, {NULL, NULL}};
    luaL_setfuncs(L, meta, 0);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, number_tostring);
    lua_setfield(L, -2, "text");
    lua_pushcfunction(L, number_tonumber);
    lua_setfield(L, -2, "value");
    lua_setfield(L, -2, "__index");
  }
  lua_setmetatable(L, -2);
}

/* kam.number(text) -> a number kept exactly as text ("12.50", "1e3"): JSON number syntax, else
 * EPARSE. tostring(n) and n:text() give the text, n:value() the nearest Lua number. */
static int l_number(lua_State *L) {
  size_t len;
  const char *text;
  kam_value *v = NULL;
  holder *h;
  int rc;
  LKAM_ARGS(L, 1);
  text = luaL_checklstring(L, 1, &len);
  h = push_holder(L, NULL); /* its ctx checks the text and holds the message */
  rc = kam_value_new_number_text(&v, h->ctx, text, len);
  kam_value_free(v);
  if (rc) raise_status(L, rc, h);
  holder_release(L, h);
  push_exact_number(L, text, len);
  return 1;
}

/* ---- module functions -------------------------------------------------------------------- */

/* kam.json_loads(text [, exact]) -> Lua data (see the top of this file); with exact true,
 * numbers with a fraction or exponent come back as kam.number (exact text). */
static int l_json_loads(lua_State *L) {
  size_t len;
  const char *text;
  holder *h;
  int rc, exact;
  LKAM_ARGS(L, 2);
  text = luaL_checklstring(L, 1, &len);
  exact = lua_toboolean(L, 2);
  h = push_holder(L, NULL); /* owns the ctx and the tree, even if pushing raises */
  rc = kam_json_parse(&h->root, h->ctx, text, len);
  if (rc) raise_status(L, rc, h);
  push_rec(L, h->root, 0, exact);
  holder_release(L, h);
  return 1;
}

/* kam.json_dumps(value [, pretty]) -> JSON text. */
static int l_json_dumps(lua_State *L) {
  kam_value *v;
  kam__lua_sink sink = {NULL, 0, 0};
  int pretty, rc;
  LKAM_ARGS(L, 2);
  pretty = lua_toboolean(L, 2);
  kam__lua_tovalue(L, 1, NULL, &v); /* holder at 3 */
  rc = kam_json_write(v, pretty ? KAM_JSON_PRETTY : 0, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    raise_status(L, rc, (holder *)lua_touserdata(L, 3));
  }
  kam__lua_value_release(L, 3);
  kam__lua_sink_push(L, &sink);
  return 1;
}

/* kam._lambda_call(f [, text]) -> output: converts f to a lambda and calls it the way the
 * template engine does (with text for a section, without for an interpolation); a failing f
 * raises its own error again. A test hook for the lambda plumbing. */
static int l_lambda_call(lua_State *L) {
  kam_value *v;
  holder *h;
  size_t len = 0;
  const char *text;
  kam__lua_sink sink = {NULL, 0, 0};
  int rc;
  LKAM_ARGS(L, 2);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  text = luaL_optlstring(L, 2, NULL, &len);
  kam__lua_tovalue(L, 1, NULL, &v); /* holder at 3; its only lambda is f */
  h = (holder *)lua_touserdata(L, 3);
  if (kam_value_type(v) != KAM_VALUE_LAMBDA || !h->lambdas) return luaL_error(L, "not a lambda");
  rc = lua_lambda(h->lambdas, text, len, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    kam__lua_value_rethrow(L, 3);
    raise_status(L, rc, h);
  }
  kam__lua_value_release(L, 3);
  kam__lua_sink_push(L, &sink);
  return 1;
}

/* Marks table argument 1 (a new one when absent) as an array (as_array) or an object, so it
 * converts that way even when empty; returns it. */
static int mark_table(lua_State *L, int as_array) {
  LKAM_ARGS(L, 1);
  if (lua_isnoneornil(L, 1)) {
    lua_newtable(L);
    lua_replace(L, 1);
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  push_arrays_set(L);
  lua_pushvalue(L, 1);
  lua_pushboolean(L, as_array);
  lua_rawset(L, -3);
  lua_settop(L, 1);
  return 1;
}

/* kam.array(t) -> t, marked so it converts to an array even when empty. kam.array() -> {}. */
static int l_array(lua_State *L) { return mark_table(L, 1); }

/* kam.object(t) -> t, marked so it converts to an object even when empty. kam.object() -> {}. */
static int l_object(lua_State *L) { return mark_table(L, 0); }

/* kam.is_array(t) -> true when t is marked by kam.array (or came from a JSON array). */
static int l_is_array(lua_State *L) {
  LKAM_ARGS(L, 1);
  lua_pushboolean(L, lua_istable(L, 1) && is_marked_array(L, 1));
  return 1;
}

void kam__lua_open_value(lua_State *L) {
  static const luaL_Reg fns[] = {{"json_loads", l_json_loads},
                                 {"json_dumps", l_json_dumps},
                                 {"array", l_array},
                                 {"is_array", l_is_array},
                                 {"object", l_object},
                                 {"number", l_number},
                                 {"_lambda_call", l_lambda_call},
                                 {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  push_null(L);
  lua_setfield(L, -2, "null");
  lua_pushinteger(L, KAM_JSON_MAX_DEPTH);
  lua_setfield(L, -2, "JSON_MAX_DEPTH");
}

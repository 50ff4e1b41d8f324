/* lkam.h - what the Lua module's files share. Each lkam_<module>.c defines
 * kam__lua_open_<module>(L), which adds its functions to the module table on top of the stack.
 *
 * Conventions:
 * - Errors are raised as a table {status = -4, code = "EPARSE", message = "..."} whose
 *   metatable has __tostring (so plain `error` handling prints the message).
 * - Every object (portfolio, dmu, template, proposal, ...) is a full userdata holding its own
 *   kam_ctx, freed in __gc / __close after the object.
 * - Output bytes are collected with kam__lua_sink (malloc-based, never touches the Lua stack,
 *   so callbacks into Lua may run while it is active), then pushed as one string.
 */
#ifndef LKAM_H
#define LKAM_H

#include <lauxlib.h>
#include <lua.h>

#include "kam.h"

/* Fix the argument count at the top of a function that pushes scratch values (such as
 * kam__lua_checknumbers), so a scratch value never stands where an absent optional argument
 * is looked for. */
#define LKAM_ARGS(L, n) lua_settop((L), (n))

/* Raises the Lua error object for status, with ctx's message (ctx may be NULL). */
int kam__lua_error(lua_State *L, int status, const kam_ctx *ctx);
/* Raises unless status == KAM_OK; returns 0. */
int kam__lua_check(lua_State *L, int status, const kam_ctx *ctx);
/* Pushes the error object without raising (for pcall-style returns). */
void kam__lua_push_error(lua_State *L, int status, const char *message);
/* Checks that idx is a table whose keys are all in known (NULL-terminated): Python raises
 * TypeError for an unknown keyword argument, so a misspelt field must not pass silently here
 * either. Raises EINVAL "what: unknown field 'x' (fields: ...)". */
void kam__lua_checkfields(lua_State *L, int idx, const char *const *known, const char *what);
/* A new ctx that allocates through the lua_State's allocator (lua_getallocf); raises on
 * failure. A host that replaces the allocator (lua_setallocf) must keep the old one working
 * while objects made before are alive. */
kam_ctx *kam__lua_newctx(lua_State *L);

/* The one text rule for a NUL-terminated const char * (Python's _native.text): the string at
 * idx, NULL for nil or none; raises EINVAL "what must be a string, not T" or "what contains a
 * NUL character" (C would end the text there). Where C takes a length, NULs pass with it. */
const char *kam__lua_cstring(lua_State *L, int idx, const char *what);
/* The stakeholder table at idx, which must be the top of the stack (kam.DMU:add and
 * kam.Proposal:add_stakeholder read it alike), as a kam_stakeholder; its strings stay on the stack
 * above idx until the caller pops them. Raises EINVAL for an unknown field or a wrong type; the
 * ranges are left to the library. */
void kam__lua_tostakeholder(lua_State *L, int idx, kam_stakeholder *out);
/* The kam.DMU at idx for kam_proposal_set_dmu, which only borrows it: counts the borrow, so a
 * DMU closed meanwhile stays in memory until kam__lua_returndmu (raises if it is closed). */
const kam_dmu *kam__lua_borrowdmu(lua_State *L, int idx);
/* Ends a borrow of the kam.DMU at idx (anything else there: nothing happens). */
void kam__lua_returndmu(lua_State *L, int idx);
/* Reads a sequence of numbers (table 1..n) at idx into a userdata array left on the stack;
 * raises a Lua error naming the argument if an item is not a number. */
double *kam__lua_checknumbers(lua_State *L, int idx, size_t *n);
/* A date at idx as kam.date_to_days takes it: "YYYY-MM-DD", days since 1970-01-01, or a table
 * {year =, month =, day =}; raises EINVAL naming `what` otherwise. */
kam_date kam__lua_checkdate(lua_State *L, int idx, const char *what);
/* Reads a sequence of such dates likewise. */
kam_date *kam__lua_checkdates(lua_State *L, int idx, size_t *n);
/* The compiled template of the kam.Template at idx, or NULL when idx holds no kam.Template;
 * raises if it is closed. */
kam_template *kam__lua_totemplate(lua_State *L, int idx);

typedef struct kam__lua_sink {
  char *data;
  size_t len, cap;
} kam__lua_sink;
int kam__lua_sink_write(void *ud, const void *buf, size_t len); /* kam_write_fn */
void kam__lua_sink_push(lua_State *L, kam__lua_sink *s);        /* push string, free buffer */
void kam__lua_sink_free(kam__lua_sink *s);

/* CSV options from the table at idx (nil: the defaults): delimiter, decimal_mark,
 * currency_digits, formula_guard; raises on a bad value. */
void kam__lua_csv_options(lua_State *L, int idx, kam_csv_options *o, int writing);

/* A class: the metatable mt with methods as __index, gc as __gc and __close, and len and
 * tostring (either may be NULL) as __len and __tostring. The stack is left as it was. */
void kam__lua_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc,
                    lua_CFunction len, lua_CFunction tostring);
/* kam.<name> on the module table at the top: a table of the class-level functions in statics
 * (NULL: none) that call makes callable (kam.X(...) builds a new object). */
void kam__lua_class_table(lua_State *L, const char *name, const luaL_Reg *statics,
                          lua_CFunction call);

/* Module parts. */
void kam__lua_open_finance(lua_State *L);
void kam__lua_open_value(lua_State *L);
void kam__lua_open_money(lua_State *L);
void kam__lua_open_portfolio(lua_State *L);
void kam__lua_open_dmu(lua_State *L);
void kam__lua_open_template(lua_State *L);
void kam__lua_open_proposal(lua_State *L);
void kam__lua_open_plan(lua_State *L);
void kam__lua_open_partial(lua_State *L);

/* A table of revenues (integers of minor units or decimal strings) as an int64 column in a new
 * userdata pushed on the stack; *n its length. */
int64_t *kam__lua_checkrevenues(lua_State *L, int idx, lua_Integer *n);
/* The segment options table at idx (nil: defaults) into *o; unknown keys raise. */
void kam__lua_segment_options(lua_State *L, int idx, kam_segment_options *o);
/* Pushes a summary table (as s:summary()). */
void kam__lua_push_summary(lua_State *L, const kam_summary *sm);
void kam__lua_open_retention(lua_State *L);
/* Portfolio:retention(window, threshold | {window=, threshold=}) of p: pushes the result table
 * (lkam_retention.c). */
int kam__lua_retention(lua_State *L, kam_ctx *ctx, kam_portfolio *p);

/* Values (lkam_value.c): Lua <-> kam_value. Tables with only 1..n keys (or empty, or with
 * the kam.array marker) become arrays, other tables objects; functions become lambdas
 * (lkam_value.c says how they are kept alive). Errors are raised. */
int kam__lua_tovalue(lua_State *L, int idx, kam_ctx *ctx, kam_value **out);
void kam__lua_pushvalue(lua_State *L, const kam_value *v);
/* Findings of a document check gathered as a kam_value array of {code, severity, path,
 * message} (no Lua call may raise inside the callback, which would unwind through the
 * library); push the list with kam__lua_pushvalue. kam__lua_gather_finding is the
 * kam_finding_fn. */
typedef struct kam__lua_gather {
  kam_ctx *ctx;
  kam_value *list;
} kam__lua_gather;
int kam__lua_gather_finding(void *ud, const kam_finding *f);
/* kam__lua_tovalue pushes a holder userdata that owns *out (and its own ctx when ctx is NULL)
 * and keeps the Lua functions of its lambdas; it returns 1. Keep it on the stack while libkam
 * uses the value, then release it (idempotent; __gc does it otherwise). A lambda whose Lua
 * function fails returns KAM__LUA_LAMBDA_FAILED; after the libkam call, rethrow raises the
 * original Lua error if one was kept (returns 0 when none). */
#define KAM__LUA_LAMBDA_FAILED 0x4B414D
void kam__lua_value_release(lua_State *L, int holder_idx);
int kam__lua_value_rethrow(lua_State *L, int holder_idx);

#endif

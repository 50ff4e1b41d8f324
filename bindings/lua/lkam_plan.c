/* lkam_plan.c - key account plans (kam/plan.h) for Lua:
 *
 *   local plan = kam.Plan.from_json(text)   -- or kam.Plan()
 *   plan:render("html", "en")               -- format "html" (default), "markdown"/"md",
 *                                           -- "text"/"txt", "json"; lang nil: the plan's
 *   plan:render_template("{{account.name}}")
 *   plan:model()                            -- the assembled model as Lua tables
 *   plan:check()                            -- {{code =, severity =, path =, message =}, ...}
 *   plan:to_json(), plan:set_lang(s), plan:set_as_of("2026-12-01" | days), plan:close()
 *   kam.PLAN_FORMATS, kam.SEVERITIES        -- as in Python
 *
 * render with a lang renders a copy, so the plan itself keeps its language. Errors are kam
 * error tables {status, code, message} naming the JSON path, line and column. */
#include <string.h>

#include "lkam.h"

#define PLAN_MT "kam.Plan"

typedef struct lplan {
  kam_ctx *ctx;
  kam_plan *p;
} lplan;

static lplan *check_plan(lua_State *L, int idx) {
  lplan *u = (lplan *)luaL_checkudata(L, idx, PLAN_MT);
  if (!u->p) {
    kam__lua_push_error(L, KAM_EINVAL, "the plan has been closed");
    lua_error(L);
  }
  return u;
}

static lplan *push_new(lua_State *L) {
  lplan *u = (lplan *)lua_newuserdatauv(L, sizeof *u, 1);
  u->ctx = NULL;
  u->p = NULL;
  luaL_setmetatable(L, PLAN_MT);
  u->ctx = kam__lua_newctx(L);
  return u;
}

static int l_new(lua_State *L) {
  lplan *u = push_new(L);
  kam__lua_check(L, kam_plan_new(&u->p, u->ctx), u->ctx);
  return 1;
}

static int l_from_json(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lplan *u = push_new(L);
  kam__lua_check(L, kam_plan_from_json(&u->p, u->ctx, s, len), u->ctx);
  return 1;
}

static int l_to_json(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = kam_plan_write_json(u->p, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_set_lang(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam__lua_check(L, kam_plan_set_lang(u->p, kam__lua_cstring(L, 2, "lang")), u->ctx);
  lua_settop(L, 1);
  return 1;
}

static int l_set_as_of(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam__lua_check(L, kam_plan_set_as_of(u->p, kam__lua_checkdate(L, 2, "as_of")), u->ctx);
  lua_settop(L, 1);
  return 1;
}

static int l_model(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam_value *v = NULL;
  kam__lua_check(L, kam_plan_to_value(&v, u->p), u->ctx);
  kam__lua_pushvalue(L, v);
  kam_value_free(v);
  return 1;
}

static const char *const format_names[] = {"markdown", "md", "html", "text", "txt", "json", NULL};
static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML,
                              KAM_FORMAT_TEXT,     KAM_FORMAT_TEXT,     KAM_FORMAT_JSON};

/* A copy of u's plan (to_json, from_json) in another language, in u's ctx. */
static int copy_in_lang(lplan *u, const char *lang, kam_plan **out) {
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = kam_plan_write_json(u->p, kam__lua_sink_write, &sink);
  *out = NULL;
  if (!rc) rc = kam_plan_from_json(out, u->ctx, sink.data ? sink.data : "", sink.len);
  kam__lua_sink_free(&sink);
  if (!rc) rc = kam_plan_set_lang(*out, lang);
  if (rc) {
    kam_plan_free(*out);
    *out = NULL;
  }
  return rc;
}

static int l_render(lua_State *L) {
  lplan *u = check_plan(L, 1);
  const char *f = luaL_optstring(L, 2, "html");
  const char *lang = kam__lua_cstring(L, 3, "lang");
  kam__lua_sink sink = {NULL, 0, 0};
  kam_plan *plan = u->p, *copy = NULL;
  int i, rc = KAM_OK;
  for (i = 0; format_names[i] && strcmp(format_names[i], f); i++)
    ;
  if (!format_names[i]) {
    lua_pushfstring(L, "format '%s' is not html, markdown, text or json", f);
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    return lua_error(L);
  }
  if (lang && !(rc = copy_in_lang(u, lang, &copy))) plan = copy;
  if (!rc) rc = kam_plan_render(plan, formats[i], kam__lua_sink_write, &sink);
  kam_plan_free(copy);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_render_template(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam_template *given = kam__lua_totemplate(L, 2), *t = given;
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = KAM_OK;
  if (!given) {
    size_t len;
    const char *src = luaL_checklstring(L, 2, &len);
    rc = kam_template_compile(&t, u->ctx, src, len);
  }
  if (!rc) rc = kam_plan_render_template(u->p, t, kam__lua_sink_write, &sink);
  if (!given) kam_template_free(t);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_check(lua_State *L) {
  lplan *u = check_plan(L, 1);
  kam__lua_gather g;
  int rc;
  g.ctx = u->ctx;
  g.list = NULL;
  rc = kam_value_new_array(&g.list, u->ctx);
  if (!rc) rc = kam_plan_check(u->p, kam__lua_gather_finding, &g);
  if (rc) {
    kam_value_free(g.list);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_pushvalue(L, g.list);
  kam_value_free(g.list);
  return 1;
}

static int l_gc(lua_State *L) {
  lplan *u = (lplan *)luaL_checkudata(L, 1, PLAN_MT);
  kam_plan_free(u->p);
  u->p = NULL;
  if (u->ctx) kam_ctx_free(u->ctx);
  u->ctx = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  lplan *u = (lplan *)luaL_checkudata(L, 1, PLAN_MT);
  lua_pushstring(L, u->p ? "kam.Plan" : "kam.Plan (closed)");
  return 1;
}

static int l_call_new(lua_State *L) { /* kam.Plan() */
  lua_remove(L, 1);
  return l_new(L);
}

void kam__lua_open_plan(lua_State *L) {
  static const luaL_Reg methods[] = {
      {"to_json", l_to_json}, {"set_lang", l_set_lang}, {"set_as_of", l_set_as_of},
      {"model", l_model},     {"render", l_render},     {"render_template", l_render_template},
      {"check", l_check},     {"close", l_gc},          {NULL, NULL}};
  static const luaL_Reg statics[] = {{"from_json", l_from_json}, {NULL, NULL}};
  int i;
  kam__lua_class(L, PLAN_MT, methods, l_gc, NULL, l_tostring);
  kam__lua_class_table(L, "Plan", statics, l_call_new);
  lua_createtable(L, 0, 6);
  for (i = 0; format_names[i]; i++) {
    lua_pushinteger(L, formats[i]);
    lua_setfield(L, -2, format_names[i]);
  }
  lua_setfield(L, -2, "PLAN_FORMATS");
  lua_createtable(L, KAM_SEVERITY_COUNT, 0);
  for (i = 0; i < KAM_SEVERITY_COUNT; i++) {
    lua_pushstring(L, kam_severity_name(i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "SEVERITIES");
}

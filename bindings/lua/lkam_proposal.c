/* lkam_proposal.c - commercial proposals (kam/proposal.h) for Lua:
 *
 *   local p = kam.Proposal.from_json(text)         -- or kam.Proposal.from_table(t), kam.Proposal()
 *   p:render("html")                               -- "html" (default), "markdown"/"md",
 * "text"/"txt", "json" p:render_template("{{client.name}}: {{totals.total.text}}") p:totals()   -->
 * {gross = "12088950.00", ..., total = "12206699.00", optional_total = "...", minor = {gross =
 * 1208895000, ...}}     (exact decimal strings, major units) p:model()    --> the assembled
 * document model (kam_proposal_to_value) as Lua tables p:to_json(), p:to_table(), p:check(),
 * p:complete(), p:count(part), p:clear(part) p:set_lang(s), p:set_currency(s), p:set_title(s),
 * p:set_summary(s), p:set_exclusive(s), p:set_terms(s), p:set_seller(name, details),
 * p:set_client(name, context), p:set_issued("2026-11-27" | days), p:set_valid_days(n),
 * p:set_prices_include_vat(bool), p:set_rounding("line" | "total"), p:set_cash_flows{rate =, values
 * = {...}, period =} | nil, p:add_argument{style =, title =, text =}, p:add_reference{company =,
 * project =, result =, contact = {name =, position =, phone =, email =}}, p:add_figure{label =,
 * value =, unit =}, p:add_item{description =, quantity =, unit_price =, sku =, unit =,
 * discount_percent =, vat_percent =, optional =, section =}, p:add_team_member{name =, position =,
 * phone =, email =}, p:add_stakeholder{name =, title =, role =, email =, phone =, influence =,
 * attitude =, buying_roles = {...}, traits = {dominance =, people =, detail =}},
 * p:set_dmu(kam.DMU() | nil)
 * p:validate() (raises when incomplete), p:check{as_of =, discount_ceiling =, margin_floor =}
 * --> {{code =, severity =, path =, message =}, ...} (the pre-send check), p:set_number(number,
 * version), p:set_addressee(stakeholder | nil, name, position), p:set_signatory(name, position),
 * p:add_criterion{name =, weight =, stakeholder =, arguments = {0, 2}} (argument indexes from
 * 0, as in JSON), p:add_alternative{name =, points = {["criterion"] = "text"}}; add_item also
 * takes cost = "123.45" (major units, never rendered)
 *
 * unit_price: a string in major units ("1000.00", exact) or an integer in minor units; floats
 * are refused (money is never binary floating point). Quantities and percents: strings or
 * numbers. Every method that changes the proposal returns it (for chaining). Errors are kam
 * error tables {status, code, message}; messages name the JSON path ("items[3].unit_price"). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lkam.h"

#define PROPOSAL_MT "kam.Proposal"

typedef struct lproposal {
  kam_ctx *ctx;
  kam_proposal *p;
} lproposal;

static int raise(lua_State *L, int status, const char *msg) {
  kam__lua_push_error(L, status, msg);
  return lua_error(L);
}

static lproposal *check_proposal(lua_State *L, int idx) {
  lproposal *u = (lproposal *)luaL_checkudata(L, idx, PROPOSAL_MT);
  if (!u->p) raise(L, KAM_EINVAL, "the proposal has been closed");
  return u;
}

static int check_rc(lua_State *L, lproposal *u, int rc) {
  if (rc) kam__lua_error(L, rc, u->ctx);
  return 0;
}

/* Pushes a new, empty proposal userdata (its ctx and handle filled by the caller). */
static lproposal *push_new(lua_State *L) {
  lproposal *u = (lproposal *)lua_newuserdatauv(L, sizeof *u, 1);
  u->ctx = NULL;
  u->p = NULL;
  luaL_setmetatable(L, PROPOSAL_MT);
  u->ctx = kam__lua_newctx(L);
  return u;
}

/* Text field of a table (nil: NULL); must be a string without NULs. */
static const char *field_text(lua_State *L, int t, const char *key) {
  const char *s;
  lua_getfield(L, t, key);
  s = kam__lua_cstring(L, -1, key);
  lua_pop(L, 1); /* the string stays alive in the table */
  return s;
}

/* A decimal field: a string, or a number converted to its text (kept on the stack until
 * settop). */
static const char *field_decimal(lua_State *L, int t, const char *key) {
  int type = lua_getfield(L, t, key);
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (type == LUA_TNUMBER) return luaL_tolstring(L, -1, NULL); /* leaves both on the stack */
  if (type == LUA_TSTRING) return lua_tostring(L, -1);
  lua_pushfstring(L, "%s must be a decimal string or a number", key);
  raise(L, KAM_EINVAL, lua_tostring(L, -1));
  return NULL;
}

static double field_number(lua_State *L, int t, const char *key, double dflt) {
  double v = dflt;
  int type = lua_getfield(L, t, key);
  if (type == LUA_TNUMBER) {
    v = lua_tonumber(L, -1);
  } else if (type != LUA_TNIL) {
    lua_pushfstring(L, "%s must be a number", key);
    raise(L, KAM_EINVAL, lua_tostring(L, -1));
  }
  lua_pop(L, 1);
  return v;
}

static const char *opt_text(lua_State *L, int idx, const char *what) {
  return kam__lua_cstring(L, idx, what);
}

static int name_index(const char *s, const char *const names[], int n) {
  int i;
  for (i = 0; s && i < n; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

/* ---- construction ------------------------------------------------------------------------ */

static int l_new(lua_State *L) {
  lproposal *u = push_new(L);
  check_rc(L, u, kam_proposal_new(&u->p, u->ctx));
  return 1;
}

static int from_json_text(lua_State *L, const char *s, size_t len) {
  lproposal *u = push_new(L);
  check_rc(L, u, kam_proposal_from_json(&u->p, u->ctx, s, len));
  return 1;
}

static int l_from_json(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  return from_json_text(L, s, len);
}

static int l_from_table(lua_State *L) {
  kam_value *v = NULL;
  kam__lua_sink sink = {NULL, 0, 0};
  int rc;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  kam__lua_tovalue(L, 1, NULL, &v); /* pushes the holder (index 2) */
  rc = kam_json_write(v, 0, kam__lua_sink_write, &sink);
  kam__lua_value_release(L, 2);
  if (rc) {
    kam__lua_sink_free(&sink);
    return raise(L, rc, "the table cannot be written as JSON");
  }
  kam__lua_sink_push(L, &sink); /* index 3 */
  {
    size_t len;
    const char *s = lua_tolstring(L, 3, &len);
    return from_json_text(L, s, len);
  }
}

/* ---- output ------------------------------------------------------------------------------ */

static int l_to_json(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = kam_proposal_write_json(u->p, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_to_table(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam__lua_sink sink = {NULL, 0, 0};
  kam_value *v = NULL;
  int rc = kam_proposal_write_json(u->p, kam__lua_sink_write, &sink);
  if (!rc) rc = kam_json_parse(&v, u->ctx, sink.data ? sink.data : "", sink.len);
  kam__lua_sink_free(&sink);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  kam__lua_pushvalue(L, v);
  kam_value_free(v);
  return 1;
}

static int l_model(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam_value *v = NULL;
  check_rc(L, u, kam_proposal_to_value(&v, u->p));
  kam__lua_pushvalue(L, v);
  kam_value_free(v);
  return 1;
}

static int l_totals(lua_State *L) {
  static const char *const names[] = {"gross", "discount",       "net",        "vat",
                                      "total", "optional_total", "first_year", "contract_value"};
  lproposal *u = check_proposal(L, 1);
  kam_totals t;
  int64_t values[8];
  char text[64], currency[8] = "RUB";
  kam_value *doc = NULL;
  kam__lua_sink sink = {NULL, 0, 0};
  int i, rc;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  check_rc(L, u, kam_proposal_totals(&t, u->p));
  /* The currency from the document. */
  rc = kam_proposal_write_json(u->p, kam__lua_sink_write, &sink);
  if (!rc) rc = kam_json_parse(&doc, u->ctx, sink.data ? sink.data : "", sink.len);
  kam__lua_sink_free(&sink);
  if (rc) return kam__lua_error(L, rc, u->ctx);
  {
    const char *c = kam_value_string(kam_value_get(doc, "currency", 8), NULL);
    if (c && strlen(c) < sizeof currency) strcpy(currency, c);
  }
  kam_value_free(doc);
  values[0] = t.gross;
  values[1] = t.discount;
  values[2] = t.net;
  values[3] = t.vat;
  values[4] = t.total;
  values[5] = t.optional_total;
  values[6] = t.first_year;
  values[7] = t.contract_value;
  lua_createtable(L, 0, 11);
  lua_pushinteger(L, t.term_months);
  lua_setfield(L, -2, "term_months");
  lua_pushinteger(L, t.years);
  lua_setfield(L, -2, "years");
  for (i = 0; i < 8; i++) {
    /* Exact major units, printed by the library. */
    kam__lua_check(L, kam_money_plain(text, sizeof text, NULL, values[i], currency), NULL);
    lua_pushstring(L, text);
    lua_setfield(L, -2, names[i]);
  }
  lua_createtable(L, 0, 8);
  for (i = 0; i < 8; i++) {
    lua_pushinteger(L, values[i]);
    lua_setfield(L, -2, names[i]);
  }
  lua_setfield(L, -2, "minor");
  return 1;
}

static const char *const format_names[] = {"markdown", "md", "html", "text", "txt", "json", NULL};
static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML,
                              KAM_FORMAT_TEXT,     KAM_FORMAT_TEXT,     KAM_FORMAT_JSON};

static int format_arg(lua_State *L, int idx) {
  const char *f = luaL_optstring(L, idx, "html");
  int i = name_index(f, format_names, 6);
  if (i < 0) {
    lua_pushfstring(L, "format '%s' is not html, markdown, text or json", f);
    raise(L, KAM_EINVAL, lua_tostring(L, -1));
  }
  return formats[i];
}

static int l_render(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  int format = format_arg(L, 2), rc;
  kam__lua_sink sink = {NULL, 0, 0};
  rc = kam_proposal_render(u->p, format, kam__lua_sink_write, &sink);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

static int l_render_template(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam_template *given = kam__lua_totemplate(L, 2), *t = given; /* a kam.Template, as in Python */
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = KAM_OK;
  if (!given) {
    size_t len;
    const char *src = luaL_checklstring(L, 2, &len);
    rc = kam_template_compile(&t, u->ctx, src, len);
  }
  if (!rc) rc = kam_proposal_render_template(u->p, t, kam__lua_sink_write, &sink);
  if (!given) kam_template_free(t);
  if (rc) {
    kam__lua_sink_free(&sink);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_sink_push(L, &sink);
  return 1;
}

/* ---- simple parts ------------------------------------------------------------------------ */

#define TEXT_SETTER(name)                                                                          \
  static int l_set_##name(lua_State *L) {                                                          \
    lproposal *u = check_proposal(L, 1);                                                           \
    check_rc(L, u, kam_proposal_set_##name(u->p, opt_text(L, 2, #name)));                          \
    lua_settop(L, 1);                                                                              \
    return 1;                                                                                      \
  }
TEXT_SETTER(lang)
TEXT_SETTER(currency)
TEXT_SETTER(title)
TEXT_SETTER(summary)
TEXT_SETTER(exclusive)
TEXT_SETTER(terms)

static int l_set_seller(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_seller(u->p, opt_text(L, 2, "seller.name"),
                                   opt_text(L, 3, "seller.details")));
  lua_settop(L, 1);
  return 1;
}

static int l_set_client(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_client(u->p, opt_text(L, 2, "client.name"),
                                   opt_text(L, 3, "client.context")));
  lua_settop(L, 1);
  return 1;
}

static int l_set_issued(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam_date d = kam__lua_checkdate(L, 2, "issued"); /* any date, as Python's date_to_days */
  check_rc(L, u, kam_proposal_set_issued(u->p, d));
  lua_settop(L, 1);
  return 1;
}

static int l_set_valid_days(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (n < INT32_MIN || n > INT32_MAX) return raise(L, KAM_EINVAL, "valid_days: out of range");
  check_rc(L, u, kam_proposal_set_valid_days(u->p, (int32_t)n));
  lua_settop(L, 1);
  return 1;
}

static int l_set_prices_include_vat(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_prices_include_vat(u->p, lua_isnone(L, 2) || lua_toboolean(L, 2)));
  lua_settop(L, 1);
  return 1;
}

static int l_set_rounding(lua_State *L) {
  static const char *const names[] = {"line", "total"};
  lproposal *u = check_proposal(L, 1);
  int i = name_index(luaL_checkstring(L, 2), names, 2);
  if (i < 0) return raise(L, KAM_EINVAL, "rounding must be 'line' or 'total'");
  check_rc(L, u, kam_proposal_set_rounding(u->p, i == 0 ? KAM_ROUNDING_LINE : KAM_ROUNDING_TOTAL));
  lua_settop(L, 1);
  return 1;
}

/* ---- records ----------------------------------------------------------------------------- */

static int l_add_argument(lua_State *L) {
  static const char *const fields[] = {"style", "title", "text", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_argument a;
  const char *style, *name;
  kam__lua_checkfields(L, 2, fields, "add_argument");
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  style = field_text(L, 2, "style");
  a.style = -1; /* the style names are the library's (kam_style_name) */
  for (int32_t k = 0; style && (name = kam_style_name(k)) != NULL; k++)
    if (!strcmp(style, name)) a.style = k;
  if (a.style < 0) return raise(L, KAM_EINVAL, "style must be authority, relational or analytical");
  a.title = field_text(L, 2, "title");
  a.text = field_text(L, 2, "text");
  check_rc(L, u, kam_proposal_add_argument(u->p, &a));
  lua_settop(L, 1);
  return 1;
}

static int l_add_reference(lua_State *L) {
  static const char *const fields[] = {"company", "project", "result", "contact", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_reference r;
  kam__lua_checkfields(L, 2, fields, "add_reference");
  lua_settop(L, 2);
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.company = field_text(L, 2, "company");
  r.project = field_text(L, 2, "project");
  r.result = field_text(L, 2, "result");
  if (lua_getfield(L, 2, "contact") == LUA_TTABLE) { /* index 3 */
    r.contact_name = field_text(L, 3, "name");
    r.contact_position = field_text(L, 3, "position");
    r.contact_phone = field_text(L, 3, "phone");
    r.contact_email = field_text(L, 3, "email");
  } else if (!lua_isnil(L, 3)) {
    return raise(L, KAM_EINVAL, "contact must be a table");
  }
  check_rc(L, u, kam_proposal_add_reference(u->p, &r));
  lua_settop(L, 1);
  return 1;
}

static int l_add_figure(lua_State *L) {
  static const char *const fields[] = {"label", "value", "unit", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_figure f;
  int type;
  kam__lua_checkfields(L, 2, fields, "add_figure");
  lua_settop(L, 2);
  memset(&f, 0, sizeof f);
  f.struct_size = sizeof f;
  f.label = field_text(L, 2, "label");
  f.unit = field_text(L, 2, "unit");
  type = lua_getfield(L, 2, "value");
  if (type == LUA_TNUMBER)
    f.value = lua_tonumber(L, -1);
  else if (type == LUA_TSTRING)
    f.value_text = field_text(L, 2, "value");
  else
    return raise(L, KAM_EINVAL, "value must be a number or a string");
  check_rc(L, u, kam_proposal_add_figure(u->p, &f));
  lua_settop(L, 1);
  return 1;
}

static int l_set_cash_flows(lua_State *L) {
  static const char *const fields[] = {"rate", "values", "period", "investment", NULL};
  static const char *const periods[] = {"year", "quarter", "month"};
  static const char *const investments[] = {"given", "auto"};
  lproposal *u = check_proposal(L, 1);
  kam_cash_flows cf;
  const char *period, *investment;
  size_t n;
  if (lua_isnoneornil(L, 2)) {
    check_rc(L, u, kam_proposal_set_cash_flows(u->p, NULL));
    lua_settop(L, 1);
    return 1;
  }
  kam__lua_checkfields(L, 2, fields, "set_cash_flows");
  lua_settop(L, 2);
  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  cf.rate = field_number(L, 2, "rate", 0);
  period = field_text(L, 2, "period");
  cf.period = period ? name_index(period, periods, 3) : 0;
  if (cf.period < 0) return raise(L, KAM_EINVAL, "period must be year, quarter or month");
  investment = field_text(L, 2, "investment");
  cf.investment = investment ? name_index(investment, investments, 2) : KAM_INVESTMENT_GIVEN;
  if (cf.investment < 0) return raise(L, KAM_EINVAL, "investment must be given or auto");
  if (lua_getfield(L, 2, "values") != LUA_TTABLE)
    return raise(L, KAM_EINVAL, "values must be a table of numbers");
  cf.values = kam__lua_checknumbers(L, 3, &n); /* index 4 */
  cf.count = n;
  check_rc(L, u, kam_proposal_set_cash_flows(u->p, &cf));
  lua_settop(L, 1);
  return 1;
}

static int l_add_item(lua_State *L) {
  static const char *const fields[] = {
      "description", "quantity", "unit_price", "sku",  "unit",   "discount_percent",
      "vat_percent", "optional", "section",    "cost", "period", NULL};
  static const char *const periods[] = {"once", "month", "quarter", "year"};
  static const int32_t months[] = {KAM_RECUR_ONCE, KAM_RECUR_MONTH, KAM_RECUR_QUARTER,
                                   KAM_RECUR_YEAR};
  static const char *const unit_fields[] = {"one", "few", "many", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_item it;
  const char *period;
  int type, k;
  kam__lua_checkfields(L, 2, fields, "add_item");
  lua_settop(L, 2);
  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  it.sku = field_text(L, 2, "sku");
  it.description = field_text(L, 2, "description");
  if (lua_getfield(L, 2, "unit") == LUA_TTABLE) { /* the item's own forms */
    kam__lua_checkfields(L, -1, unit_fields, "add_item unit");
    it.unit_one = field_text(L, lua_gettop(L), "one");
    it.unit_few = field_text(L, lua_gettop(L), "few");
    it.unit_many = field_text(L, lua_gettop(L), "many");
  } else {
    it.unit = field_text(L, 2, "unit");
  }
  lua_pop(L, 1); /* the strings stay alive in the table */
  period = field_text(L, 2, "period");
  k = period ? name_index(period, periods, 4) : 0;
  if (k < 0) return raise(L, KAM_EINVAL, "period must be once, month, quarter or year");
  it.period = months[k];
  it.section = field_text(L, 2, "section");
  it.quantity = field_decimal(L, 2, "quantity");
  it.discount_percent = field_decimal(L, 2, "discount_percent");
  it.vat_percent = field_decimal(L, 2, "vat_percent");
  it.cost = field_text(L, 2, "cost"); /* major units, a string (never a float) */
  type = lua_getfield(L, 2, "unit_price");
  if (type == LUA_TSTRING) {
    it.unit_price_text = lua_tostring(L, -1);
  } else if (type == LUA_TNUMBER) {
    if (!lua_isinteger(L, -1))
      return raise(L, KAM_EINVAL,
                   "unit_price: money is never a float here; give a string in "
                   "major units or an integer in minor units");
    it.unit_price = (int64_t)lua_tointeger(L, -1);
  } else if (type != LUA_TNIL) {
    return raise(L, KAM_EINVAL, "unit_price must be a string or an integer");
  }
  lua_getfield(L, 2, "optional");
  if (lua_toboolean(L, -1)) it.flags |= KAM_ITEM_OPTIONAL;
  check_rc(L, u, kam_proposal_add_item(u->p, &it));
  lua_settop(L, 1);
  return 1;
}

/* ---- the term and the payment schedule --------------------------------------------------- */

static int l_set_term_months(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_Integer n = lua_isnoneornil(L, 2) ? 0 : luaL_checkinteger(L, 2);
  if (n < INT32_MIN || n > INT32_MAX) return raise(L, KAM_EINVAL, "term_months: out of range");
  check_rc(L, u, kam_proposal_set_term_months(u->p, (int32_t)n));
  lua_settop(L, 1);
  return 1;
}

static int l_add_payment(lua_State *L) {
  static const char *const fields[] = {"label", "percent", "amount", "due", "days", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_payment pay;
  kam__lua_checkfields(L, 2, fields, "add_payment");
  lua_settop(L, 2);
  memset(&pay, 0, sizeof pay);
  pay.struct_size = sizeof pay;
  pay.label = field_text(L, 2, "label");
  pay.percent = field_decimal(L, 2, "percent");
  pay.amount = field_decimal(L, 2, "amount");
  if (lua_getfield(L, 2, "due") != LUA_TNIL) {
    pay.due_kind = KAM_DUE_DATE;
    pay.due = kam__lua_checkdate(L, lua_gettop(L), "due");
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 2, "days") != LUA_TNIL) {
    lua_Integer n;
    if (pay.due_kind) return raise(L, KAM_EINVAL, "give due or days, not both");
    n = luaL_checkinteger(L, -1);
    if (n < INT32_MIN || n > INT32_MAX) return raise(L, KAM_EINVAL, "days: out of range");
    pay.due_kind = KAM_DUE_DAYS;
    pay.days = (int32_t)n;
  }
  check_rc(L, u, kam_proposal_add_payment(u->p, &pay));
  lua_settop(L, 1);
  return 1;
}

/* The currency code of u's proposal (for money text). */
static void proposal_currency(lua_State *L, lproposal *u, char currency[8]) {
  kam_value *doc = NULL;
  kam__lua_sink sink = {NULL, 0, 0};
  int rc = kam_proposal_write_json(u->p, kam__lua_sink_write, &sink);
  if (!rc) rc = kam_json_parse(&doc, u->ctx, sink.data ? sink.data : "", sink.len);
  kam__lua_sink_free(&sink);
  if (rc) kam__lua_error(L, rc, u->ctx);
  {
    const char *c = kam_value_string(kam_value_get(doc, "currency", 8), NULL);
    if (c && strlen(c) < 8) memcpy(currency, c, strlen(c) + 1);
  }
  kam_value_free(doc);
}

/* Sets t[key] to the money text of minor (major units, exact). */
static void set_money(lua_State *L, const char *currency, int64_t minor, const char *key) {
  char text[64];
  kam__lua_check(L, kam_money_plain(text, sizeof text, NULL, minor, currency), NULL);
  lua_pushstring(L, text);
  lua_setfield(L, -2, key);
}

static int l_year_cost(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_Integer y = luaL_checkinteger(L, 2);
  kam_year_cost c;
  char currency[8] = "RUB";
  if (y < 0 || y > (lua_Integer)UINT32_MAX) return raise(L, KAM_EINVAL, "year: out of range");
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  check_rc(L, u, kam_proposal_year_cost(&c, u->p, (uint32_t)y));
  proposal_currency(L, u, currency);
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, c.year);
  lua_setfield(L, -2, "year");
  lua_pushinteger(L, c.months);
  lua_setfield(L, -2, "months");
  set_money(L, currency, c.net, "net");
  set_money(L, currency, c.vat, "vat");
  set_money(L, currency, c.total, "total");
  return 1;
}

static int l_year_costs(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  kam_totals t;
  int32_t y;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  check_rc(L, u, kam_proposal_totals(&t, u->p));
  lua_createtable(L, t.years, 0);
  for (y = 1; y <= t.years; y++) {
    lua_pushcfunction(L, l_year_cost);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, y);
    lua_call(L, 2, 1);
    lua_rawseti(L, -2, y);
  }
  return 1;
}

static int l_payment(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  kam_payment r;
  char currency[8] = "RUB", date[16];
  if (i < 0) return raise(L, KAM_EINVAL, "index must be >= 0");
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  check_rc(L, u, kam_proposal_payment(&r, u->p, (size_t)i));
  proposal_currency(L, u, currency);
  lua_createtable(L, 0, 7);
  lua_pushstring(L, r.label);
  lua_setfield(L, -2, "label");
  if (r.percent) {
    lua_pushstring(L, r.percent);
    lua_setfield(L, -2, "percent");
  }
  if (r.amount) {
    lua_pushstring(L, r.amount);
    lua_setfield(L, -2, "fixed_amount");
  }
  set_money(L, currency, r.amount_minor, "amount");
  lua_pushinteger(L, r.amount_minor);
  lua_setfield(L, -2, "amount_minor");
  if (r.due_kind == KAM_DUE_DATE) {
    kam_date_format(date, sizeof date, NULL, r.due);
    lua_pushstring(L, date);
    lua_setfield(L, -2, "due");
  } else {
    lua_pushinteger(L, r.days);
    lua_setfield(L, -2, "days");
  }
  return 1;
}

static int l_payments(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  size_t n = kam_proposal_count(u->p, KAM_PROPOSAL_PAYMENTS), i;
  lua_createtable(L, (int)n, 0);
  for (i = 0; i < n; i++) {
    lua_pushcfunction(L, l_payment);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, (lua_Integer)i);
    lua_call(L, 2, 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int l_add_team_member(lua_State *L) {
  static const char *const fields[] = {"name", "position", "phone", "email", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_person m;
  kam__lua_checkfields(L, 2, fields, "add_team_member");
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  m.name = field_text(L, 2, "name");
  m.position = field_text(L, 2, "position");
  m.phone = field_text(L, 2, "phone");
  m.email = field_text(L, 2, "email");
  check_rc(L, u, kam_proposal_add_team_member(u->p, &m));
  lua_settop(L, 1);
  return 1;
}

/* The same table as kam.DMU:add (kam__lua_tostakeholder), as Python's add_stakeholder takes
 * DMU.add's arguments. */
static int l_add_stakeholder(lua_State *L) {
  lproposal *u;
  kam_stakeholder s;
  LKAM_ARGS(L, 2);
  u = check_proposal(L, 1);
  kam__lua_tostakeholder(L, 2, &s);
  check_rc(L, u, kam_proposal_add_stakeholder(u->p, &s));
  lua_settop(L, 1);
  return 1;
}

/* Ends the proposal's borrow of its DMU (uservalue 1), if any. */
static void return_dmu(lua_State *L, int proposal) {
  lua_getiuservalue(L, proposal, 1);
  lua_pushnil(L);
  lua_setiuservalue(L, proposal, 1);
  kam__lua_returndmu(L, lua_gettop(L));
  lua_pop(L, 1);
}

static int l_set_dmu(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  const kam_dmu *d = NULL;
  int rc;
  lua_settop(L, 2);
  /* The proposal keeps the DMU alive, and counted as borrowed, while C points at it. */
  if (!lua_isnil(L, 2)) d = kam__lua_borrowdmu(L, 2); /* raises unless an open kam.DMU */
  rc = kam_proposal_set_dmu(u->p, d);
  if (rc) {
    kam__lua_returndmu(L, 2);
    return kam__lua_error(L, rc, u->ctx);
  }
  return_dmu(L, 1); /* the one set before */
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 1, 1);
  lua_settop(L, 1);
  return 1;
}

/* ---- parts ------------------------------------------------------------------------------- */

static const char *const part_names[] = {
    "lang",        "currency",  "title",        "seller",     "client",
    "summary",     "exclusive", "issued",       "valid_days", "arguments",
    "references",  "figures",   "cash_flows",   "items",      "prices_include_vat",
    "rounding",    "team",      "stakeholders", "terms",      "dmu",

    "number",      "addressee", "signatory",    "criteria",   "alternatives",

    "term_months", "payments"};
#define NPARTS ((int)(sizeof part_names / sizeof part_names[0]))

static int part_arg(lua_State *L, int idx) {
  int i = name_index(luaL_checkstring(L, idx), part_names, NPARTS);
  if (i < 0) raise(L, KAM_EINVAL, "unknown part");
  return i + KAM_PROPOSAL_LANG;
}

static int l_clear(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  int part = part_arg(L, 2);
  check_rc(L, u, kam_proposal_clear(u->p, part));
  if (part == KAM_PROPOSAL_DMU) return_dmu(L, 1);
  lua_settop(L, 1);
  return 1;
}

static int l_count(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_pushinteger(L, (lua_Integer)kam_proposal_count(u->p, part_arg(L, 2)));
  return 1;
}

static int l_validate(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u, kam_proposal_validate(u->p));
  lua_settop(L, 1);
  return 1;
}

static int l_complete(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  lua_pushboolean(L, kam_proposal_validate(u->p) == KAM_OK);
  return 1;
}

/* ---- identity, criteria, the pre-send check ------------------------------------------- */

static int l_set_number(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_number(u->p, opt_text(L, 2, "number"), opt_text(L, 3, "version")));
  lua_settop(L, 1);
  return 1;
}

/* p:set_addressee(stakeholder [, name, position]): a stakeholder's name, or nil and an
 * explicit name and position. */
static int l_set_addressee(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_addressee(u->p, opt_text(L, 2, "addressee"),
                                      opt_text(L, 3, "addressee.name"),
                                      opt_text(L, 4, "addressee.position")));
  lua_settop(L, 1);
  return 1;
}

static int l_set_signatory(lua_State *L) {
  lproposal *u = check_proposal(L, 1);
  check_rc(L, u,
           kam_proposal_set_signatory(u->p, opt_text(L, 2, "signatory.name"),
                                      opt_text(L, 3, "signatory.position")));
  lua_settop(L, 1);
  return 1;
}

/* p:add_criterion{name =, weight =, stakeholder =, arguments = {0, 2}}: arguments are the
 * document's indexes (from 0, as in JSON). */
static int l_add_criterion(lua_State *L) {
  static const char *const fields[] = {"name", "weight", "stakeholder", "arguments", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_criterion c;
  size_t idx[1000], n = 0;
  kam__lua_checkfields(L, 2, fields, "add_criterion");
  lua_settop(L, 2);
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.name = field_text(L, 2, "name");
  c.stakeholder = field_text(L, 2, "stakeholder");
  lua_getfield(L, 2, "weight"); /* 3 */
  if (!lua_isnil(L, 3) && !lua_isnumber(L, 3))
    return raise(L, KAM_EINVAL, "weight must be a number");
  c.weight = lua_isnil(L, 3) ? 0 : lua_tonumber(L, 3);
  if (lua_getfield(L, 2, "arguments") == LUA_TTABLE) { /* 4 */
    lua_Integer k, len = (lua_Integer)lua_rawlen(L, 4);
    if (len > 1000) return raise(L, KAM_EINVAL, "arguments: at most 1000 indexes");
    for (k = 1; k <= len; k++, n++) {
      int ok;
      lua_Integer v;
      lua_rawgeti(L, 4, k);
      v = lua_tointegerx(L, -1, &ok);
      lua_pop(L, 1);
      if (!ok || v < 0) return raise(L, KAM_EINVAL, "arguments: indexes are integers from 0");
      idx[n] = (size_t)v;
    }
  } else if (!lua_isnil(L, 4)) {
    return raise(L, KAM_EINVAL, "arguments must be a table of indexes");
  }
  c.arguments = n ? idx : NULL;
  c.argument_count = n;
  check_rc(L, u, kam_proposal_add_criterion(u->p, &c));
  lua_settop(L, 1);
  return 1;
}

/* p:add_alternative{name =, points = {["criterion"] = "text", ...}} */
static int l_add_alternative(lua_State *L) {
  static const char *const fields[] = {"name", "points", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_alternative a;
  const char *crit[1000], *pts[1000];
  size_t n = 0;
  kam__lua_checkfields(L, 2, fields, "add_alternative");
  lua_settop(L, 2);
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.name = field_text(L, 2, "name");
  if (lua_getfield(L, 2, "points") == LUA_TTABLE) { /* 3: its strings stay alive in it */
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (n == 1000) return raise(L, KAM_EINVAL, "points: at most 1000");
      if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
        return raise(L, KAM_EINVAL, "points: criterion names to texts (strings)");
      crit[n] = kam__lua_cstring(L, -2, "points (criterion)");
      pts[n++] = kam__lua_cstring(L, -1, "points");
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, 3)) {
    return raise(L, KAM_EINVAL, "points must be a table");
  }
  a.criteria = crit;
  a.points = pts;
  a.count = n;
  check_rc(L, u, kam_proposal_add_alternative(u->p, &a));
  lua_settop(L, 1);
  return 1;
}

/* p:check{as_of =, discount_ceiling =, margin_floor =} -> {{code =, severity =, path =,
 * message =}, ...} */
static int l_check(lua_State *L) {
  static const char *const fields[] = {"as_of", "discount_ceiling", "margin_floor", NULL};
  lproposal *u = check_proposal(L, 1);
  kam_proposal_check_options o;
  kam__lua_gather g;
  int rc;
  kam_proposal_check_options_init(&o, sizeof o);
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    kam__lua_checkfields(L, 2, fields, "check");
    lua_settop(L, 2);
    if (lua_getfield(L, 2, "as_of") != LUA_TNIL) { /* 3 */
      o.as_of = kam__lua_checkdate(L, 3, "as_of");
      o.flags |= KAM_CHECK_AS_OF;
    }
    lua_settop(L, 2);
    if (lua_getfield(L, 2, "discount_ceiling") != LUA_TNIL)
      o.discount_ceiling = luaL_checknumber(L, 3);
    lua_settop(L, 2);
    if (lua_getfield(L, 2, "margin_floor") != LUA_TNIL) o.margin_floor = luaL_checknumber(L, 3);
    lua_settop(L, 2);
  }
  g.ctx = u->ctx;
  g.list = NULL;
  rc = kam_value_new_array(&g.list, u->ctx);
  if (!rc) rc = kam_proposal_check(u->p, &o, kam__lua_gather_finding, &g);
  if (rc) {
    kam_value_free(g.list);
    return kam__lua_error(L, rc, u->ctx);
  }
  kam__lua_pushvalue(L, g.list);
  kam_value_free(g.list);
  return 1;
}

static int l_gc(lua_State *L) {
  lproposal *u = (lproposal *)luaL_checkudata(L, 1, PROPOSAL_MT);
  return_dmu(L, 1);
  kam_proposal_free(u->p);
  u->p = NULL;
  if (u->ctx) kam_ctx_free(u->ctx);
  u->ctx = NULL;
  return 0;
}

static int l_tostring(lua_State *L) {
  lproposal *u = (lproposal *)luaL_checkudata(L, 1, PROPOSAL_MT);
  if (!u->p)
    lua_pushstring(L, "kam.Proposal (closed)");
  else
    lua_pushfstring(L, "kam.Proposal (%d items%s)",
                    (int)kam_proposal_count(u->p, KAM_PROPOSAL_ITEMS),
                    kam_proposal_validate(u->p) == KAM_OK ? "" : ", incomplete");
  return 1;
}

/* kam.unit_format(unit, quantity [, lang]) -> "группы": the unit agreeing with the quantity
 * (an integer, or exact decimal text such as "320,5"). */
static int l_unit_format(lua_State *L) {
  luaL_Buffer out;
  size_t len = 0;
  const char *unit, *quantity, *lang;
  int rc;
  LKAM_ARGS(L, 3);
  unit = kam__lua_cstring(L, 1, "unit");
  if (lua_isinteger(L, 2))
    quantity = lua_tostring(L, 2);
  else {
    luaL_argexpected(L, lua_type(L, 2) == LUA_TSTRING, 2, "integer or decimal text");
    quantity = kam__lua_cstring(L, 2, "quantity");
  }
  lang = lua_isnoneornil(L, 3) ? "ru" : kam__lua_cstring(L, 3, "lang");
  /* A sizing call (KAM_ELIMIT and the length), then the text into a Lua buffer. */
  rc = kam_unit_format(NULL, 0, &len, unit, quantity, lang);
  if (rc == KAM_ELIMIT)
    rc = kam_unit_format(luaL_buffinitsize(L, &out, len + 1), len + 1, &len, unit, quantity, lang);
  if (rc == KAM_EINVAL || rc == KAM_EPARSE) {
    if (rc == KAM_EINVAL)
      lua_pushfstring(L, "unit_format: lang '%s' is not 'ru' or 'en'", lang);
    else
      lua_pushfstring(L, "unit_format: quantity '%s' is not an exact decimal number", quantity);
    kam__lua_push_error(L, rc, lua_tostring(L, -1));
    return lua_error(L);
  }
  kam__lua_check(L, rc, NULL);
  luaL_pushresultsize(&out, len);
  return 1;
}

static int l_call_new(lua_State *L) { /* kam.Proposal() */
  lua_remove(L, 1);
  return l_new(L);
}

void kam__lua_open_proposal(lua_State *L) {
  static const luaL_Reg methods[] = {{"to_json", l_to_json},
                                     {"to_table", l_to_table},
                                     {"model", l_model},
                                     {"totals", l_totals},
                                     {"render", l_render},
                                     {"render_template", l_render_template},
                                     {"set_lang", l_set_lang},
                                     {"set_currency", l_set_currency},
                                     {"set_title", l_set_title},
                                     {"set_summary", l_set_summary},
                                     {"set_exclusive", l_set_exclusive},
                                     {"set_terms", l_set_terms},
                                     {"set_seller", l_set_seller},
                                     {"set_client", l_set_client},
                                     {"set_issued", l_set_issued},
                                     {"set_valid_days", l_set_valid_days},
                                     {"set_prices_include_vat", l_set_prices_include_vat},
                                     {"set_rounding", l_set_rounding},
                                     {"add_argument", l_add_argument},
                                     {"add_reference", l_add_reference},
                                     {"add_figure", l_add_figure},
                                     {"set_cash_flows", l_set_cash_flows},
                                     {"add_item", l_add_item},
                                     {"set_term_months", l_set_term_months},
                                     {"add_payment", l_add_payment},
                                     {"year_cost", l_year_cost},
                                     {"year_costs", l_year_costs},
                                     {"payment", l_payment},
                                     {"payments", l_payments},
                                     {"add_team_member", l_add_team_member},
                                     {"add_stakeholder", l_add_stakeholder},
                                     {"set_dmu", l_set_dmu},
                                     {"clear", l_clear},
                                     {"count", l_count},
                                     {"check", l_check},
                                     {"validate", l_validate},
                                     {"set_number", l_set_number},
                                     {"set_addressee", l_set_addressee},
                                     {"set_signatory", l_set_signatory},
                                     {"add_criterion", l_add_criterion},
                                     {"add_alternative", l_add_alternative},
                                     {"complete", l_complete},
                                     {"close", l_gc},
                                     {NULL, NULL}};
  static const luaL_Reg statics[] = {
      {"from_json", l_from_json}, {"from_table", l_from_table}, {NULL, NULL}};
  kam__lua_class(L, PROPOSAL_MT, methods, l_gc, NULL, l_tostring);
  /* kam.Proposal: a table of constructors that is also callable. */
  kam__lua_class_table(L, "Proposal", statics, l_call_new);
  lua_pushcfunction(L, l_unit_format);
  lua_setfield(L, -2, "unit_format");
  /* name -> C enum value, as Python's kam.PROPOSAL_FORMATS / kam.PROPOSAL_PARTS */
  lua_createtable(L, 0, 6);
  for (int i = 0; format_names[i]; i++) {
    lua_pushinteger(L, formats[i]);
    lua_setfield(L, -2, format_names[i]);
  }
  lua_setfield(L, -2, "PROPOSAL_FORMATS");
  lua_createtable(L, 0, NPARTS);
  for (int i = 0; i < NPARTS; i++) {
    lua_pushinteger(L, i + KAM_PROPOSAL_LANG);
    lua_setfield(L, -2, part_names[i]);
  }
  lua_setfield(L, -2, "PROPOSAL_PARTS");
}

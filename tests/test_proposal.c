/* test_proposal.c - the proposal module: the document and its setters, JSON in and out (paths,
 * lines and columns in errors, exact amounts, byte-identical round trip), totals through the
 * document in every rounding mode, completeness errors, the assembled model, DMU-ordered
 * argument blocks, the built-in templates (escaping, validity last), OOM at every allocation
 * and write-callback failure at every call. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/proposal_internal.h"
#include "testutil.h"

#define SAMPLE KAM_SOURCE_DIR "/examples/data/proposal.json"

static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT,
                              KAM_FORMAT_JSON};

/* ---- helpers ----------------------------------------------------------------------------- */

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

static char *read_sample(size_t *len) {
  char *s = kam_test_read_file(SAMPLE, len);
  assert_non_null(s);
  return s;
}

static kam_proposal *parse(kam_ctx *ctx, const char *json) {
  kam_proposal *p = NULL;
  int rc = kam_proposal_from_json(&p, ctx, json, strlen(json));
  if (rc) fail_msg("from_json: %d %s", rc, kam_ctx_errmsg(ctx));
  return p;
}

/* write_json into a malloc'd string. */
static char *doc_json(const kam_proposal *p) {
  kam_test_sink s;
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_proposal_write_json(p, kam_test_sink_write, &s), KAM_OK);
  return s.data;
}

static char *render(const kam_proposal *p, int format) {
  kam_test_sink s;
  int rc;
  memset(&s, 0, sizeof s);
  rc = kam_proposal_render(p, format, kam_test_sink_write, &s);
  if (rc) fail_msg("render %d: %d", format, rc);
  return s.data;
}

/* The proposal is unchanged when its JSON is unchanged. */
static void assert_doc(const kam_proposal *p, const char *expected) {
  char *now = doc_json(p);
  assert_string_equal(now, expected);
  free(now);
}

static void assert_msg_has(const kam_ctx *ctx, const char *part) {
  if (!strstr(kam_ctx_errmsg(ctx), part))
    fail_msg("message '%s' lacks '%s'", kam_ctx_errmsg(ctx), part);
}

/* A complete minimal document around the given items (JSON array text). */
static char *doc_with_items(const char *extra, const char *items) {
  static char buf[8192];
  snprintf(buf, sizeof buf,
           "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"Client\"}, \"issued\": "
           "\"2026-11-27\", \"valid_days\": 30,"
           " %s \"items\": %s}",
           extra, items);
  return buf;
}

static kam_totals totals_of(const char *json) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, json);
  kam_totals t;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  if (kam_proposal_totals(&t, p)) fail_msg("totals: %s", kam_ctx_errmsg(ctx));
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  return t;
}

static void expect(const kam_totals *t, int64_t gross, int64_t discount, int64_t net, int64_t vat,
                   int64_t total, int64_t optional_total) {
  assert_int_equal(t->gross, gross);
  assert_int_equal(t->discount, discount);
  assert_int_equal(t->net, net);
  assert_int_equal(t->vat, vat);
  assert_int_equal(t->total, total);
  assert_int_equal(t->optional_total, optional_total);
}

/* ---- document and setters ---------------------------------------------------------------- */

static void test_lifecycle_and_setters(void **state) {
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL;
  kam_item it;
  kam_argument a;
  kam_reference r;
  kam_person m;
  kam_figure f;
  kam_stakeholder s;
  kam_cash_flows cf;
  double flows[] = {-100, 60, 70};
  kam_date d;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_proposal_new(NULL, ctx), KAM_EINVAL);
  assert_int_equal(kam_proposal_new(&p, NULL), KAM_EINVAL);
  assert_null(p);
  assert_int_equal(kam_proposal_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_LANG), 1);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_ITEMS), 0);
  assert_int_equal(kam_proposal_set_lang(p, "EN"), KAM_OK);
  assert_int_equal(kam_proposal_set_currency(p, "usd"), KAM_OK);
  assert_int_equal(kam_proposal_set_title(p, "Offer"), KAM_OK);
  assert_int_equal(kam_proposal_set_seller(p, "Seller Ltd", "London"), KAM_OK);
  assert_int_equal(kam_proposal_set_client(p, "Client plc", "Growing fast"), KAM_OK);
  assert_int_equal(kam_proposal_set_summary(p, "Benefit"), KAM_OK);
  assert_int_equal(kam_proposal_set_exclusive(p, "Only you"), KAM_OK);
  assert_int_equal(kam_proposal_set_terms(p, "Net 30"), KAM_OK);
  assert_int_equal(kam_date_from_ymd(&d, 2026, 11, 27), KAM_OK);
  assert_int_equal(kam_proposal_set_issued(p, d), KAM_OK);
  assert_int_equal(kam_proposal_set_valid_days(p, 30), KAM_OK);
  assert_int_equal(kam_proposal_set_prices_include_vat(p, 1), KAM_OK);
  assert_int_equal(kam_proposal_set_rounding(p, KAM_ROUNDING_TOTAL), KAM_OK);
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.style = KAM_STYLE_ANALYTICAL;
  a.title = "Numbers";
  a.text = "They add up";
  assert_int_equal(kam_proposal_add_argument(p, &a), KAM_OK);
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.company = "Ref Co";
  r.contact_name = "Jane";
  assert_int_equal(kam_proposal_add_reference(p, &r), KAM_OK);
  memset(&f, 0, sizeof f);
  f.struct_size = sizeof f;
  f.label = "Growth";
  f.value = 12.5;
  f.unit = "%";
  assert_int_equal(kam_proposal_add_figure(p, &f), KAM_OK);
  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  cf.rate = 0.1;
  cf.values = flows;
  cf.count = 3;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  it.description = "Widget";
  it.quantity = "2,5";
  it.unit_price = 1001;
  it.vat_percent = "20";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_OK);
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  m.name = "Ann";
  assert_int_equal(kam_proposal_add_team_member(p, &m), KAM_OK);
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.name = "Bob";
  s.title = "CFO";
  s.influence = NAN;
  s.traits[0] = s.traits[1] = s.traits[2] = NAN;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_OK);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_ARGUMENTS), 1);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_CASH_FLOWS), 3);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_STAKEHOLDERS), 1);
  assert_int_equal(kam_proposal_validate(p), KAM_OK);
  {
    char *json = doc_json(p);
    assert_non_null(strstr(json, "\"quantity\": \"2.5\""));
    assert_non_null(strstr(json, "\"unit_price\": \"10.01\""));
    assert_non_null(strstr(json, "\"rounding\": \"total\""));
    assert_non_null(strstr(json, "\"currency\": \"USD\""));
    assert_non_null(strstr(json, "\"value\": 12.5"));
    free(json);
  }
  /* Clearing every part leaves a new draft. */
  {
    int part;
    for (part = KAM_PROPOSAL_LANG; part <= KAM_PROPOSAL_DMU; part++)
      assert_int_equal(kam_proposal_clear(p, part), KAM_OK);
    assert_int_equal(kam_proposal_clear(p, 99), KAM_EINVAL);
    assert_int_equal(kam_proposal_count(p, 99), 0);
    for (part = KAM_PROPOSAL_TITLE; part <= KAM_PROPOSAL_DMU; part++)
      if (part != KAM_PROPOSAL_ROUNDING) assert_int_equal(kam_proposal_count(p, part), 0);
  }
  kam_proposal_free(p);
  kam_proposal_free(NULL);
  kam_ctx_free(ctx);
}

static void test_failing_setters_change_nothing(void **state) {
  kam_ctx *ctx = new_ctx();
  char *json = read_sample(NULL), *before;
  kam_proposal *p = parse(ctx, json);
  kam_item it;
  kam_argument a;
  kam_stakeholder s;
  kam_cash_flows cf;
  double bad[] = {1, NAN};
  (void)state;
  before = doc_json(p);

  assert_int_equal(kam_proposal_set_lang(p, "fr"), KAM_EINVAL);
  assert_msg_has(ctx, "lang");
  assert_int_equal(kam_proposal_set_currency(p, "RU"), KAM_EINVAL);
  assert_msg_has(ctx, "currency");
  assert_int_equal(kam_proposal_set_title(p, "bad \xC3\x28 utf8"), KAM_EINVAL);
  assert_msg_has(ctx, "title");
  assert_int_equal(kam_proposal_set_client(p, "ok", "\xFF"), KAM_EINVAL);
  assert_msg_has(ctx, "client.context");
  assert_int_equal(kam_proposal_set_valid_days(p, -1), KAM_EINVAL);
  assert_msg_has(ctx, "valid_days");
  assert_int_equal(kam_proposal_set_issued(p, -800000), KAM_EINVAL);
  assert_msg_has(ctx, "issued");
  /* Issue 18: 9999-12-31 + 36500 days was written as "10099-12-06", which kam_date_parse
   * refuses; issued stops at 9899, so valid_until stays a four-digit year. */
  {
    kam_date d;
    assert_int_equal(kam_date_from_ymd(&d, 9900, 1, 1), KAM_OK);
    assert_int_equal(kam_proposal_set_issued(p, d), KAM_EINVAL);
    assert_msg_has(ctx, "issued: year 9900 is outside 1..9899");
  }
  assert_int_equal(kam_proposal_set_rounding(p, 7), KAM_EINVAL);
  assert_msg_has(ctx, "rounding");

  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  it.description = "x";
  it.quantity = "-2";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].quantity");
  it.quantity = "2.5.1";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].quantity");
  it.quantity = "0.0000000001";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "more than 9 decimals");
  it.quantity = "1";
  it.unit_price_text = "10.005";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].unit_price");
  assert_msg_has(ctx, "more decimals than RUB allows (2)");
  it.unit_price_text = "99999999999999999999";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EOVERFLOW);
  it.unit_price_text = NULL;
  it.unit_price = -1;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  it.unit_price = 1;
  it.discount_percent = "100.5";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].discount_percent");
  it.discount_percent = NULL;
  it.vat_percent = "abc";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].vat_percent");
  it.vat_percent = NULL;
  it.description = NULL;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].description");
  it.description = "x";
  it.section = "\xC0\xAF";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13].section");
  it.section = NULL;
  it.flags = 0x10;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  it.flags = 0;
  it.struct_size = 4;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "items[13]: struct_size 4 is not the size of a kam_item");
  it.struct_size = 65537; /* garbage, not a newer caller: the same 64 KiB bound everywhere */
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_msg_has(ctx, "struct_size 65537");
  it.struct_size = sizeof it;
  assert_int_equal(kam_proposal_add_item(p, NULL), KAM_EINVAL);

  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.style = 3;
  a.text = "t";
  assert_int_equal(kam_proposal_add_argument(p, &a), KAM_EINVAL);
  assert_msg_has(ctx, "arguments[7]");
  a.style = 0;
  a.text = "";
  assert_int_equal(kam_proposal_add_argument(p, &a), KAM_EINVAL);
  assert_msg_has(ctx, "arguments[7].text");

  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.name = "X";
  s.influence = 1.5;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_EINVAL);
  assert_msg_has(ctx, "stakeholders[4].influence");
  s.influence = 0.5;
  s.attitude = 6;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_EINVAL);
  assert_msg_has(ctx, "stakeholders[4].attitude");
  s.attitude = 0;
  s.traits[2] = -0.1;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_EINVAL);
  assert_msg_has(ctx, "stakeholders[4].traits.detail");
  s.traits[2] = 0;
  s.role = 42;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_EINVAL);
  assert_msg_has(ctx, "stakeholders[4].role");

  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  cf.rate = -1;
  cf.values = bad;
  cf.count = 1;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_EINVAL);
  assert_msg_has(ctx, "cash_flows.rate");
  cf.rate = 0.1;
  cf.count = 2;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_EINVAL);
  assert_msg_has(ctx, "cash_flows.values[1]");
  cf.count = 0;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_EINVAL);

  assert_doc(p, before);

  assert_int_equal(kam_proposal_set_lang(NULL, "ru"), KAM_EINVAL);
  assert_int_equal(kam_proposal_add_team_member(NULL, NULL), KAM_EINVAL);
  free(before);
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_currency_rescales_prices(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p =
      parse(ctx, doc_with_items("", "[{\"description\": \"a\", \"unit_price\": \"12.30\"}]"));
  char *json;
  (void)state;
  assert_int_equal(kam_proposal_set_currency(p, "KWD"), KAM_OK); /* 3 digits */
  json = doc_json(p);
  assert_non_null(strstr(json, "\"unit_price\": \"12.300\""));
  free(json);
  assert_int_equal(kam_proposal_set_currency(p, "EUR"), KAM_OK);
  json = doc_json(p);
  assert_non_null(strstr(json, "\"unit_price\": \"12.30\""));
  free(json);
  kam_proposal_free(p);
  /* A price that JPY cannot express: the currency stays and no price moves. */
  p = parse(ctx, doc_with_items("", "[{\"description\": \"a\", \"unit_price\": \"12.00\"},"
                                    " {\"description\": \"b\", \"unit_price\": \"0.50\"}]"));
  json = doc_json(p);
  assert_int_equal(kam_proposal_set_currency(p, "JPY"), KAM_EINVAL);
  assert_msg_has(ctx, "items[1].unit_price: 0.50 cannot be expressed in JPY (0 decimals)");
  assert_doc(p, json);
  free(json);
  kam_proposal_free(p);
  p = parse(ctx, doc_with_items("", "[{\"description\": \"a\", \"unit_price\": \"12.00\"}]"));
  assert_int_equal(kam_proposal_set_currency(p, "JPY"), KAM_OK);
  json = doc_json(p);
  assert_non_null(strstr(json, "\"unit_price\": \"12\""));
  assert_non_null(strstr(json, "\"currency\": \"JPY\""));
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void test_json_round_trip_is_byte_identical(void **state) {
  kam_ctx *ctx = new_ctx();
  size_t len;
  char *json = read_sample(&len), *w1, *w2;
  kam_proposal *p1 = NULL, *p2 = NULL;
  static const char odd[] =
      "{\"currency\": \"KWD\", \"lang\": \"en\", \"_note\": \"ignored\","
      " \"items\": [{\"description\": \"q\", \"quantity\": 1.250e1, \"unit_price\": 1.5E2,"
      "  \"discount_percent\": 2.50, \"vat_percent\": \"0\", \"optional\": true},"
      "  {\"description\": \"\\u00e9\\ud83d\\ude00 \\\"quoted\\\"\\n\", \"unit_price\": 0.001}],"
      " \"figures\": [{\"label\": \"x\", \"value\": 1.10e-3}, {\"label\": \"y\", \"value\": "
      "\"24/7\"}],"
      " \"cash_flows\": {\"rate\": 0.1, \"values\": [-1e6, \"250000.5\", 3], \"period\": "
      "\"quarter\"},"
      " \"stakeholders\": [{\"name\": \"S\", \"role\": \"HR\", \"influence\": 0.25, \"attitude\": "
      "-3,"
      "   \"buying_roles\": [\"coach\", \"economic\"], \"traits\": {\"people\": 1}}],"
      " \"rounding\": \"total\", \"prices_include_vat\": true, \"valid_days\": 0}";
  (void)state;
  assert_int_equal(kam_proposal_from_json(&p1, ctx, json, len), KAM_OK);
  w1 = doc_json(p1);
  p2 = parse(ctx, w1);
  w2 = doc_json(p2);
  assert_string_equal(w1, w2);
  free(w1);
  free(w2);
  kam_proposal_free(p1);
  kam_proposal_free(p2);

  p1 = parse(ctx, odd);
  w1 = doc_json(p1);
  p2 = parse(ctx, w1);
  w2 = doc_json(p2);
  assert_string_equal(w1, w2);
  /* Exact conversion of numbers, from their text. */
  assert_non_null(strstr(w1, "\"quantity\": \"12.5\""));
  assert_non_null(strstr(w1, "\"unit_price\": \"150.000\""));
  assert_non_null(strstr(w1, "\"unit_price\": \"0.001\""));
  assert_non_null(strstr(w1, "\"discount_percent\": \"2.5\""));
  assert_non_null(strstr(w1, "\"value\": 1.10e-3"));
  assert_non_null(strstr(w1, "\"value\": \"24/7\""));
  assert_non_null(strstr(w1, "\"role\": \"hr\""));
  assert_non_null(strstr(w1, "\"buying_roles\": [\n"));
  assert_non_null(strstr(w1, "\"period\": \"quarter\""));
  assert_null(strstr(w1, "_note"));
  free(w1);
  free(w2);
  kam_proposal_free(p1);
  kam_proposal_free(p2);
  free(json);
  kam_ctx_free(ctx);
}

static void json_error(const char *json, int status, const char *part1, const char *part2) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = (kam_proposal *)&ctx; /* must be set to NULL */
  int rc = kam_proposal_from_json(&p, ctx, json, strlen(json));
  if (rc != status) fail_msg("status %d (wanted %d): %s", rc, status, kam_ctx_errmsg(ctx));
  assert_null(p);
  if (part1) assert_msg_has(ctx, part1);
  if (part2) assert_msg_has(ctx, part2);
  kam_ctx_free(ctx);
}

static void test_json_errors_name_path_and_place(void **state) {
  (void)state;
  json_error("{\"items\": [\n  {\"description\": \"a\"},\n  {\"description\": \"b\","
             " \"unit_price\": \"10.005\"}]}",
             KAM_EPARSE, "items[1].unit_price: '10.005' has more decimals than RUB allows (2)",
             "(line 3, column 38)");
  json_error(
      "{\"items\": [{\"description\": \"a\"}, {\"description\": \"b\"}, {\"description\": \"c\"},"
      " {\"description\": \"d\", \"unit_price\": {}}]}",
      KAM_EPARSE, "items[3].unit_price: expected a decimal string or a number, got an object",
      "line 1, column");
  json_error("{\n\"valid_day\": 3}", KAM_EPARSE, "valid_day: unknown key", "line 2, column 14");
  /* Stakeholders are checked by the DMU's code; the message names the JSON path and place. */
  json_error("{\"stakeholders\": [\n  {\"name\": \"a\"},\n  {\"name\": \"b\", \"influence\": 2}]}",
             KAM_EPARSE, "stakeholders[1].influence: influence 2 is not in 0..1",
             "(line 3, column 30)");
  json_error("{\"stakeholders\": [{\"name\": \"Анна\",\n \"traits\": {\"people\": 0.5,"
             " \"detail\": -1}}]}",
             KAM_EPARSE,
             "stakeholders[0].traits.detail: trait detail (traits[2]) -1 is not in 0..1",
             "(line 2, column 38)");
  json_error("{\"stakeholders\": [{\"name\": \"a\", \"attitude\": -6}]}", KAM_EPARSE,
             "stakeholders[0].attitude: -6 is outside -5..5", "(line 1, column 45)");
  json_error("{\"stakeholders\": [{\"title\": \"CFO\"}]}", KAM_EPARSE,
             "stakeholders[0].name: is required", "(line 1, column 19)");
  /* A duplicated key: the value kept (the last) is the one named. */
  json_error("{\"valid_days\": 1,\n \"valid_days\": 40000}", KAM_EPARSE,
             "valid_days: 40000 is outside", "(line 2, column 16)");
  /* An array of one item, nested. */
  json_error("{\"cash_flows\": {\"values\": [\"x\"]}}", KAM_EPARSE, "cash_flows.values[0]",
             "(line 1, column 28)");
  json_error("{\"client\": {\"name\": \"x\", \"nmae\": 1}}", KAM_EPARSE, "client.nmae: unknown key",
             NULL);
  json_error("{\"items\": [{\"description\": \"a\", \"qty\": 1}]}", KAM_EPARSE,
             "items[0].qty: unknown key", NULL);
  json_error("{\"items\": {}}", KAM_EPARSE, "items: expected an array, got an object", NULL);
  json_error("{\"items\": [1]}", KAM_EPARSE, "items[0]: expected an object, got a number", NULL);
  json_error("{\"issued\": \"2026-02-30\"}", KAM_EPARSE, "issued", "is not a date");
  json_error("{\"valid_days\": 1.5}", KAM_EPARSE, "valid_days", "not an integer");
  json_error("{\"valid_days\": 40000}", KAM_EPARSE, "valid_days", "outside 0..36500");
  json_error("{\"lang\": \"de\"}", KAM_EPARSE, "lang", "not a supported language");
  json_error("{\"rounding\": \"up\"}", KAM_EPARSE, "rounding", NULL);
  json_error("{\"prices_include_vat\": 1}", KAM_EPARSE, "prices_include_vat", NULL);
  json_error("{\"arguments\": [{\"style\": \"bossy\", \"text\": \"t\"}]}", KAM_EPARSE,
             "arguments[0].style", NULL);
  json_error("{\"arguments\": [{\"text\": \"t\"}]}", KAM_EPARSE, "arguments[0].style", "required");
  json_error("{\"stakeholders\": [{\"name\": \"a\", \"role\": \"boss\"}]}", KAM_EPARSE,
             "stakeholders[0].role", NULL);
  json_error("{\"stakeholders\": [{\"name\": \"a\", \"buying_roles\": [\"payer\"]}]}", KAM_EPARSE,
             "stakeholders[0].buying_roles[0]", NULL);
  json_error("{\"stakeholders\": [{\"name\": \"a\", \"traits\": {\"detail\": 2}}]}", KAM_EPARSE,
             "stakeholders[0].traits.detail", NULL);
  json_error("{\"stakeholders\": [{\"name\": \"a\", \"attitude\": 9}]}", KAM_EPARSE,
             "stakeholders[0].attitude", NULL);
  json_error("{\"cash_flows\": {\"rate\": 0.1, \"values\": [1, \"x\"]}}", KAM_EPARSE,
             "cash_flows.values[1]", NULL);
  json_error("{\"cash_flows\": {\"rate\": 0.1, \"values\": []}}", KAM_EPARSE, "cash_flows.values",
             NULL);
  json_error("{\"cash_flows\": {\"rate\": 0.1, \"values\": [1e400]}}", KAM_EPARSE,
             "cash_flows.values[0]", NULL);
  json_error("{\"title\": \"a\\u0000b\"}", KAM_EPARSE, "title", "NUL");
  json_error("{\"references\": [{\"company\": \"c\", \"contact\": \"x\"}]}", KAM_EPARSE,
             "references[0].contact", NULL);
  json_error("{\"figures\": [{\"label\": \"l\"}]}", KAM_EPARSE, "figures[0].value", "required");
  json_error("{\"items\": [{\"description\": \"a\", \"quantity\": 1e99}]}", KAM_EOVERFLOW,
             "items[0].quantity", NULL);
  json_error("{\"items\": [{\"description\": \"a\", \"unit_price\": 1e30}]}", KAM_EOVERFLOW,
             "items[0].unit_price", NULL);
  json_error("[]", KAM_EPARSE, "JSON object", NULL);
  json_error("{\"a\": }", KAM_EPARSE, "line 1", "column");
  json_error("", KAM_EPARSE, NULL, NULL);
  {
    kam_proposal *p = NULL;
    kam_ctx *ctx = new_ctx();
    assert_int_equal(kam_proposal_from_json(NULL, ctx, "{}", 2), KAM_EINVAL);
    assert_int_equal(kam_proposal_from_json(&p, NULL, "{}", 2), KAM_EINVAL);
    assert_int_equal(kam_proposal_from_json(&p, ctx, NULL, 2), KAM_EINVAL);
    kam_ctx_free(ctx);
  }
}

static void test_null_members_are_absent(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, "{\"title\": null, \"client\": null, \"items\": null,"
                               " \"cash_flows\": null, \"stakeholders\": [{\"name\": \"a\","
                               " \"influence\": null, \"traits\": {\"detail\": null}}]}");
  (void)state;
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_TITLE), 0);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_STAKEHOLDERS), 1);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- totals ------------------------------------------------------------------------------ */

static void test_totals_line_rounding(void **state) {
  kam_totals t;
  (void)state;
  /* 2.5 x 10.01 = 25.025 -> 25.03; VAT 20 %: 5.006 -> 5.01. 3 x 0.33, 5 % off: 0.99 - 0.0495
   * (0.05) = 0.94; VAT 20 %: 0.188 -> 0.19. */
  t = totals_of(doc_with_items(
      "", "[{\"description\": \"a\", \"quantity\": \"2.5\", \"unit_price\": \"10.01\","
          " \"vat_percent\": \"20\"},"
          " {\"description\": \"b\", \"quantity\": 3, \"unit_price\": 0.33,"
          " \"discount_percent\": 5, \"vat_percent\": 20}]"));
  expect(&t, 2503 + 99, 5, 2503 + 94, 501 + 19, 2597 + 520, 0);
}

static void test_totals_total_rounding(void **state) {
  kam_totals t;
  const char *items =
      "[{\"description\": \"a\", \"unit_price\": \"0.01\", \"vat_percent\": \"20\"},"
      " {\"description\": \"b\", \"unit_price\": \"0.01\", \"vat_percent\": \"20\"},"
      " {\"description\": \"c\", \"unit_price\": \"0.01\", \"vat_percent\": \"20\"}]";
  (void)state;
  /* Per line: round(0.2 kopeck) = 0 three times. On the total: round(0.6) = 1 kopeck. */
  t = totals_of(doc_with_items("\"rounding\": \"line\",", items));
  expect(&t, 3, 0, 3, 0, 3, 0);
  t = totals_of(doc_with_items("\"rounding\": \"total\",", items));
  expect(&t, 3, 0, 3, 1, 4, 0);
}

static void test_totals_vat_included_and_optional(void **state) {
  kam_totals t;
  (void)state;
  /* 120.00 with VAT 20 % included: VAT = 120 * 20 / 120 = 20.00, total 120.00.
   * The optional 10.00 line adds 10.00 (its VAT 1.67 included). */
  t = totals_of(
      doc_with_items("\"prices_include_vat\": true,",
                     "[{\"description\": \"a\", \"unit_price\": \"120\", \"vat_percent\": \"20\"},"
                     " {\"description\": \"o\", \"unit_price\": \"10\", \"vat_percent\": \"20\","
                     " \"optional\": true}]"));
  expect(&t, 12000, 0, 12000, 2000, 12000, 1000);
  /* Without VAT included the optional line would add 10.00 + 2.00. */
  t = totals_of(doc_with_items(
      "", "[{\"description\": \"a\", \"unit_price\": \"120\", \"vat_percent\": \"20\"},"
          " {\"description\": \"o\", \"unit_price\": \"10\", \"vat_percent\": \"20\","
          " \"optional\": true}]"));
  expect(&t, 12000, 0, 12000, 2400, 14400, 1200);
}

static void test_totals_of_sample(void **state) {
  kam_ctx *ctx = new_ctx();
  char *json = read_sample(NULL);
  kam_proposal *p = parse(ctx, json);
  kam_totals t;
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
  /* Worked out by hand in the sample's own terms: licences 5 712 700.00 without VAT, services
   * 5 322 950.00 + 22 % = 1 171 049.00. */
  expect(&t, 1208895000, 105330000, 1103565000, 117104900, 1220669900, 180352000);
  /* A short struct gets only what fits. */
  {
    kam_totals small;
    memset(&small, 0xAB, sizeof small);
    small.struct_size = (uint32_t)offsetof(kam_totals, net);
    assert_int_equal(kam_proposal_totals(&small, p), KAM_OK);
    assert_int_equal(small.gross, 1208895000);
    assert_int_equal(small.discount, 105330000);
    assert_int_equal(small.struct_size, offsetof(kam_totals, net));
    memset(&small.net, 0xAB, 1);
    small.struct_size = 4;
    assert_int_equal(kam_proposal_totals(&small, p), KAM_EINVAL);
  }
  assert_int_equal(kam_proposal_totals(NULL, p), KAM_EINVAL);
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_totals_overflow_names_item(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p =
      parse(ctx, doc_with_items("", "[{\"description\": \"a\", \"unit_price\": \"1\"},"
                                    " {\"description\": \"huge\", \"quantity\": \"1000000000\","
                                    " \"unit_price\": \"90000000000\"}]"));
  kam_totals t;
  kam_value *v = NULL;
  kam_test_sink s;
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  assert_int_equal(kam_proposal_totals(&t, p), KAM_EOVERFLOW);
  assert_msg_has(ctx, "items[1]");
  assert_int_equal(kam_proposal_to_value(&v, p), KAM_EOVERFLOW);
  assert_null(v);
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_proposal_render(p, KAM_FORMAT_HTML, kam_test_sink_write, &s), KAM_EOVERFLOW);
  assert_int_equal(s.len, 0);
  kam_test_sink_free(&s);
  kam_proposal_free(p);
  /* Issue 18: two lines that fit alone but not together; the sum's message names the item
   * (index and name) at which it overflows. */
  p = parse(ctx, doc_with_items("", "[{\"description\": \"first\", \"unit_price\": "
                                    "\"60000000000000000\"}, {\"description\": \"second\", "
                                    "\"unit_price\": \"60000000000000000\"}]"));
  assert_int_equal(kam_proposal_totals(&t, p), KAM_EOVERFLOW);
  assert_string_equal(kam_ctx_errmsg(ctx), "items[1] \"second\": the sum of the line totals up to "
                                           "this item does not fit int64");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- completeness ------------------------------------------------------------------------ */

/* Issue 15: the optional lines sit in the main table's columns (their amount is the net, as in
 * the main table, not the total with VAT), the total's caption says whether it includes VAT,
 * a missing title is not printed twice, and the seller's team is the project team. */
static void test_tables_consistent(void **state) {
  static const struct {
    const char *lang, *vat, *caption;
  } cases[] = {
      {"ru", "", "Всего к оплате с НДС"},
      {"ru", "\"prices_include_vat\": true,", "Всего к оплате, включая НДС"},
      {"en", "", "Total due incl. VAT"},
      {"en", "\"prices_include_vat\": true,", "Total due, VAT included"},
  };
  static const int text_formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT};
  size_t i, f;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char extra[256];
    kam_ctx *ctx = new_ctx();
    kam_proposal *p;
    snprintf(extra, sizeof extra, "\"lang\": \"%s\", \"team\": [{\"name\": \"Ann\"}], %s",
             cases[i].lang, cases[i].vat);
    p = parse(ctx, doc_with_items(extra, "[{\"description\": \"Main\", \"unit_price\": \"100\","
                                         " \"vat_percent\": \"20\"},"
                                         " {\"description\": \"Extra\", \"quantity\": \"1\","
                                         " \"unit_price\": \"1150000\", \"vat_percent\": \"20\","
                                         " \"optional\": true}]"));
    for (f = 0; f < sizeof text_formats / sizeof text_formats[0]; f++) {
      char *out = render(p, text_formats[f]);
      const char *opt = strstr(out, "Extra");
      assert_non_null(opt);
      assert_non_null(strstr(out, cases[i].caption));
      /* The optional line's amount: 1 150 000 with VAT on top is the net; 1 380 000 (with
       * VAT) appears only in the optional total's caption line. */
      if (!cases[i].vat[0]) {
        const char *with_vat = strstr(opt, "1\xc2\xa0"
                                           "380\xc2\xa0"
                                           "000");
        const char *caption =
            strstr(opt, strcmp(cases[i].lang, "ru") ? "Optional items total" : "Сумма опций");
        if (!with_vat) with_vat = strstr(opt, "1,380,000");
        assert_non_null(with_vat);
        assert_non_null(caption);
        assert_true(caption < with_vat);
      }
      /* No title given: the kind of document is said once (html names it also in <title>). */
      {
        const char *kind =
            strcmp(cases[i].lang, "ru") ? "Commercial proposal" : "Коммерческое предложение";
        const char *first = strstr(out, kind), *second;
        assert_non_null(first);
        second = strstr(first + strlen(kind), kind);
        if (text_formats[f] == KAM_FORMAT_HTML) {
          assert_non_null(second);
          second = strstr(second + strlen(kind), kind);
        }
        assert_null(second);
      }
      assert_non_null(
          strstr(out, strcmp(cases[i].lang, "ru") ? "Project team" : "Команда проекта"));
      assert_null(strstr(out, "Your team"));
      free(out);
    }
    if (!cases[i].vat[0]) {
      /* Markdown: the optional table has the main table's header. */
      char *out = render(p, KAM_FORMAT_MARKDOWN);
      const char *head = strstr(out, "| №") ? strstr(out, "| №") : strstr(out, "| No.");
      const char *end = strchr(head, '\n'), *second;
      char line[256];
      assert_true((size_t)(end - head) < sizeof line);
      memcpy(line, head, (size_t)(end - head));
      line[end - head] = '\0';
      second = strstr(end, line);
      assert_non_null(second);
      assert_true(second < strstr(out, "Extra"));
      free(out);
    }
    kam_proposal_free(p);
    kam_ctx_free(ctx);
  }
}

/* A proposal without VAT says so in its total line, in every format. */
static void test_total_caption_without_vat(void **state) {
  size_t f;
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, doc_with_items("\"title\": \"T\",", "[{\"description\": \"a\","
                                                                   " \"unit_price\": \"5\"}]"));
  (void)state;
  for (f = 0; f < 3; f++) {
    char *out = render(p, formats[f]);
    assert_non_null(strstr(out, "Всего к оплате (без НДС)"));
    /* With a title the kind of document is said once beside the date. */
    assert_non_null(strstr(out, "Коммерческое предложение"));
    free(out);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_missing_parts(void **state) {
  static const struct {
    const char *json, *message;
  } cases[] = {
      {"{}", "missing seller.name, client.name, issued, valid_days, items"},
      {"{\"client\": {\"name\": \"c\"}, \"seller\": {\"details\": \"only details\"}, "
       "\"issued\": \"2026-01-01\", \"valid_days\": 5, \"items\": [{\"description\": \"a\"}]}",
       "missing seller.name"},
      {"{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"c\"}}",
       "missing issued, valid_days, items"},
      {"{\"seller\": {\"name\": \"S\"}, \"client\": {\"context\": \"only context\"}, \"issued\": "
       "\"2026-01-01\", \"valid_days\": "
       "5,"
       " \"items\": [{\"description\": \"a\"}]}",
       "missing client.name"},
      {"{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"c\"}, \"valid_days\": 5, "
       "\"items\": [{\"description\": \"a\"}]}",
       "missing issued"},
      {"{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"c\"}, \"issued\": \"2026-01-01\", "
       "\"items\": [{\"description\": "
       "\"a\"}]}",
       "missing valid_days"},
      {"{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"c\"}, \"issued\": \"2026-01-01\", "
       "\"valid_days\": 5}",
       "missing items"},
      {"{\"issued\": \"2026-01-01\", \"valid_days\": 5}",
       "missing seller.name, client.name, items"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kam_ctx *ctx = new_ctx();
    kam_proposal *p = parse(ctx, cases[i].json), *back;
    kam_value *v = (kam_value *)&ctx;
    kam_test_sink s;
    kam_template *t = NULL;
    char *draft;
    size_t f;
    assert_int_equal(kam_proposal_validate(p), KAM_ESTATE);
    assert_msg_has(ctx, cases[i].message);
    assert_int_equal(kam_proposal_to_value(&v, p), KAM_ESTATE);
    assert_null(v);
    assert_msg_has(ctx, "the proposal is incomplete: ");
    assert_msg_has(ctx, cases[i].message);
    for (f = 0; f < sizeof formats / sizeof formats[0]; f++) {
      memset(&s, 0, sizeof s);
      assert_int_equal(kam_proposal_render(p, formats[f], kam_test_sink_write, &s), KAM_ESTATE);
      assert_msg_has(ctx, cases[i].message);
      assert_int_equal(s.len, 0);
      kam_test_sink_free(&s);
    }
    assert_int_equal(kam_template_compile(&t, ctx, "{{title}}", 9), KAM_OK);
    memset(&s, 0, sizeof s);
    assert_int_equal(kam_proposal_render_template(p, t, kam_test_sink_write, &s), KAM_ESTATE);
    assert_msg_has(ctx, cases[i].message);
    kam_test_sink_free(&s);
    kam_template_free(t);
    /* The draft is still written and read back. */
    draft = doc_json(p);
    back = parse(ctx, draft);
    assert_doc(back, draft);
    free(draft);
    kam_proposal_free(back);
    kam_proposal_free(p);
    kam_ctx_free(ctx);
  }
  {
    kam_ctx *ctx = new_ctx();
    kam_proposal *p = parse(ctx, "{}");
    kam_totals t;
    memset(&t, 0, sizeof t);
    t.struct_size = sizeof t;
    assert_int_equal(kam_proposal_totals(&t, p), KAM_ESTATE);
    assert_msg_has(ctx, "no items");
    kam_proposal_free(p);
    kam_ctx_free(ctx);
  }
}

/* ---- the model --------------------------------------------------------------------------- */

static const char *model_string(const kam_value *v, const char *path) {
  /* path: "a.b.c" with [i] for arrays */
  const char *q = path;
  while (*q && v) {
    if (*q == '[') {
      size_t i = (size_t)strtoul(q + 1, (char **)&q, 10);
      v = kam_value_at(v, i);
      q++;
    } else {
      size_t n = 0;
      if (*q == '.') q++;
      while (q[n] && q[n] != '.' && q[n] != '[')
        n++;
      v = kam_value_get(v, q, n);
      q += n;
    }
  }
  if (kam_value_type(v) == KAM_VALUE_NUMBER) return kam_value_number_text(v, NULL);
  if (kam_value_type(v) == KAM_VALUE_BOOL) return kam_value_bool(v) ? "true" : "false";
  return v ? kam_value_string(v, NULL) : NULL;
}

static void assert_model(const kam_value *m, const char *path, const char *expected) {
  const char *got = model_string(m, path);
  if (!got || strcmp(got, expected))
    fail_msg("%s: '%s', wanted '%s'", path, got ? got : "(none)", expected);
}

/* Issue 18: the latest issue date and the longest validity still give a valid_until that
 * kam_date_parse reads back; one year later the document is refused naming "issued". */
static void test_valid_until_stays_a_date(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = NULL;
  kam_value *m = NULL;
  kam_date d;
  const char *iso;
  static const char late[] =
      "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"C\"}, \"issued\": \"9900-01-01\", "
      "\"valid_days\": 36500, \"items\": [{\"description\": \"x\", \"unit_price\": \"1\"}]}";
  (void)state;
  p = parse(
      ctx,
      "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"C\"}, \"issued\": \"9899-12-31\", "
      "\"valid_days\": 36500, \"items\": [{\"description\": \"x\", \"unit_price\": \"1\"}]}");
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  iso = model_string(m, "valid_until.iso");
  assert_non_null(iso);
  assert_int_equal(kam_date_parse(&d, iso, strlen(iso)), KAM_OK);
  assert_string_equal(iso, "9999-12-07");
  kam_value_free(m);
  kam_proposal_free(p);
  p = NULL;
  assert_int_equal(kam_proposal_from_json(&p, ctx, late, sizeof late - 1), KAM_EPARSE);
  assert_null(p);
  assert_msg_has(ctx, "issued: year 9900 is outside 1..9899");
  kam_ctx_free(ctx);
}

static void test_model_of_sample(void **state) {
  kam_ctx *ctx = new_ctx();
  char *json = read_sample(NULL);
  kam_proposal *p = parse(ctx, json);
  kam_value *m = NULL;
  double npv, flows[] = {-16800000, 7100000, 9400000, 10200000, 10900000};
  char text[64];
  (void)state;
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  assert_model(m, "lang", "ru");
  assert_model(m, "client.name", "АО «Волга-Ритейл»");
  assert_model(m, "issued.text", "27.11.2026");
  assert_model(m, "issued.long", "27 ноября 2026 г.");
  assert_model(m, "valid_until.iso", "2026-12-27");
  assert_model(m, "validity", "Предложение действительно до 27.12.2026");
  assert_model(m, "totals.total.minor", "1220669900");
  assert_model(m, "totals.total.amount", "12206699.00");
  assert_model(m, "totals.total.text",
               "12\xC2\xA0"
               "206\xC2\xA0"
               "699,00\xC2\xA0₽");
  assert_model(m, "totals.vat_rates[0].rate.text", "22\xC2\xA0%");
  assert_model(m, "totals.vat_rates[0].vat.minor", "117104900");
  assert_model(
      m, "amount_in_words",
      "Двенадцать миллионов двести шесть тысяч шестьсот девяносто девять рублей 00 копеек");
  assert_model(m, "items[0].quantity.text",
               "12\xC2\xA0"
               "400");
  assert_model(m, "items[6].quantity.text", "320,5");
  assert_model(m, "items[6].quantity.value", "320.5");
  assert_model(m, "items[6].net.minor", "124995000");
  assert_model(m, "items[0].discount_percent.text", "15\xC2\xA0%");
  assert_model(m, "sections[0].name", "Лицензии");
  assert_model(m, "sections[0].subtotal.minor", "571270000");
  assert_model(m, "sections[3].items[1].n", "11");
  assert_model(m, "optional_items[0].n", "12");
  /* Units agree with their quantities (issue 15): "2 группы", "14 вебинаров", "320,5 часа". */
  assert_model(m, "items[6].unit", "часа");
  assert_model(m, "items[6].unit_as_given", "час");
  assert_model(m, "items[7].unit", "группы");
  assert_model(m, "items[8].unit", "вебинаров");
  assert_model(m, "items[10].unit", "квартала");
  assert_model(m, "items[0].unit", "польз.");
  assert_model(m, "optional_items[1].total.minor", "140300000");
  assert_model(m, "has_optional", "true");
  assert_model(m, "figures[1].text", "12,5\xC2\xA0п. п.");
  assert_model(m, "figures[4].text",
               "410\xC2\xA0"
               "000");
  assert_model(m, "figures[0].text", "9 дней вместо 21");
  assert_model(m, "finance.convention", "t0");
  assert_int_equal(kam_npv(&npv, 0.16, flows, 5, KAM_NPV_T0), KAM_OK);
  snprintf(text, sizeof text, "%lld", (long long)llround(npv * 100));
  assert_model(m, "finance.npv.minor", text);
  assert_model(m, "finance.rate.text", "16\xC2\xA0%");
  assert_model(m, "finance.payback.text", "2,6\xC2\xA0года");
  assert_model(m, "finance.flows[0].amount.minor", "-1680000000");
  assert_model(m, "references[0].contact.name", "Елена Викторовна Журавлёва");
  assert_int_equal(
      kam_value_type(kam_value_get(
          kam_value_get(kam_value_at(kam_value_get(m, "references", 10), 2), "contact", 7), "email",
          5)),
      KAM_VALUE_NULL);
  kam_value_free(m);
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_model_english(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(
      ctx, "{\"lang\": \"en\", \"currency\": \"USD\", \"seller\": {\"name\": \"S\"}, \"client\": "
           "{\"name\": \"ACME\"},"
           " \"issued\": \"2026-11-27\", \"valid_days\": 30,"
           " \"cash_flows\": {\"rate\": 0.1, \"values\": [-1000, 600, 600], \"period\": \"month\"},"
           " \"items\": [{\"description\": \"Seat\", \"quantity\": \"1234.5\", \"unit_price\": "
           "\"1000\"}]}");
  kam_value *m = NULL;
  (void)state;
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  assert_model(m, "validity", "Valid until 27 December 2026");
  assert_model(m, "issued.text", "27 November 2026");
  assert_model(m, "totals.total.text", "$1,234,500.00");
  assert_model(m, "items[0].quantity.text", "1,234.5");
  assert_model(m, "totals.no_vat", "true");
  assert_model(m, "amount_in_words",
               "One million two hundred thirty-four thousand five hundred dollars and 00 cents");
  assert_model(m, "finance.payback.text", "1.9 months");
  assert_model(m, "finance.irr.text", "13.1%");
  assert_model(m, "labels.total_due", "Total due");
  assert_model(m, "title", "Commercial proposal");
  kam_value_free(m);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static const char *first_block(const char *stakeholders, const kam_dmu *dmu) {
  static char style[32];
  char json[4096];
  kam_ctx *ctx = new_ctx();
  kam_proposal *p;
  kam_value *m = NULL;
  snprintf(json, sizeof json,
           "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"c\"}, \"issued\": "
           "\"2026-01-01\", \"valid_days\": 1,"
           " \"exclusive\": \"e\", \"references\": [{\"company\": \"r\"}],"
           " \"figures\": [{\"label\": \"f\", \"value\": 1}],"
           " \"items\": [{\"description\": \"a\"}], \"stakeholders\": %s}",
           stakeholders);
  p = parse(ctx, json);
  if (dmu) assert_int_equal(kam_proposal_set_dmu(p, dmu), KAM_OK);
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  assert_int_equal(kam_value_length(kam_value_get(m, "blocks", 6)), 3);
  snprintf(style, sizeof style, "%s", model_string(m, "blocks[0].style"));
  kam_value_free(m);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  return style;
}

/* Allocations of one kam_proposal_to_value of a proposal with n equal stakeholders. */
static size_t model_allocs(size_t n) {
  char json[8192];
  size_t len, i, calls;
  kam_test_alloc ta;
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL;
  kam_value *m = NULL;
  len = (size_t)snprintf(json, sizeof json,
                         "{\"seller\": {\"name\": \"s\"}, \"client\": {\"name\": \"c\"},"
                         " \"issued\": \"2026-01-01\", \"valid_days\": 1,"
                         " \"items\": [{\"description\": \"a\"}], \"stakeholders\": [");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(
        json + len, sizeof json - len,
        "%s{\"name\": \"Анна Петрова\", \"title\": \"CFO\", \"influence\": 0.5}", i ? ", " : "");
  snprintf(json + len, sizeof json - len, "]}");
  memset(&ta, 0, sizeof ta);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  p = parse(ctx, json);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_STAKEHOLDERS), n);
  calls = ta.calls;
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  assert_string_equal(model_string(m, "dmu.source"), "stakeholders");
  kam_value_free(m);
  calls = ta.calls - calls;
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  return calls;
}

/* The stakeholders are typed once, when added: building the model does not rebuild a DMU, so
 * its allocations do not grow with the number of stakeholders. */
static void test_model_uses_the_stakeholders_dmu(void **state) {
  (void)state;
  assert_int_equal(model_allocs(1), model_allocs(40));
}

static void test_blocks_follow_dmu_emphasis(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_dmu *d = NULL;
  kam_stakeholder s;
  (void)state;
  assert_string_equal(
      first_block("[{\"name\": \"F\", \"title\": \"Финансовый директор\", \"influence\": 0.9},"
                  " {\"name\": \"T\", \"title\": \"CTO\", \"influence\": 0.8},"
                  " {\"name\": \"E\", \"title\": \"CEO\", \"influence\": 0.3}]",
                  NULL),
      "analytical");
  assert_string_equal(first_block("[{\"name\": \"E\", \"role\": \"executive\", \"influence\": 1},"
                                  " {\"name\": \"F\", \"role\": \"finance\", \"influence\": 0.2}]",
                                  NULL),
                      "authority");
  assert_string_equal(
      first_block("[{\"name\": \"H\", \"title\": \"HR director\", \"influence\": 0.9,"
                  " \"traits\": {\"dominance\": 0.1, \"people\": 0.95, \"detail\": 0.2}}]",
                  NULL),
      "relational");
  /* No stakeholders: the default order. */
  assert_string_equal(first_block("[]", NULL), "authority");
  /* A DMU passed in wins over the document's stakeholders. */
  assert_int_equal(kam_dmu_new(&d, ctx), KAM_OK);
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.role = KAM_ROLE_FINANCE;
  s.name = "CFO";
  s.influence = 1;
  s.traits[0] = s.traits[1] = s.traits[2] = NAN;
  assert_int_equal(kam_dmu_add(d, &s), KAM_OK);
  assert_string_equal(
      first_block("[{\"name\": \"E\", \"role\": \"executive\", \"influence\": 1}]", d),
      "analytical");
  kam_dmu_free(d);
  kam_ctx_free(ctx);
}

/* ---- rendering --------------------------------------------------------------------------- */

static void test_validity_is_last_everywhere(void **state) {
  static const char *const langs[] = {"ru", "en"};
  static const char *const validity[] = {"Предложение действительно до 27.12.2026",
                                         "Valid until 27 December 2026"};
  kam_ctx *ctx = new_ctx();
  char *json = read_sample(NULL);
  kam_proposal *p = parse(ctx, json);
  size_t l, f;
  (void)state;
  for (l = 0; l < 2; l++) {
    assert_int_equal(kam_proposal_set_lang(p, langs[l]), KAM_OK);
    for (f = 0; f < sizeof formats / sizeof formats[0]; f++) {
      char *out = render(p, formats[f]), *at = strstr(out, validity[l]), *rest;
      if (!at) fail_msg("format %d %s: no validity line", formats[f], langs[l]);
      rest = at + strlen(validity[l]);
      /* Nothing but closing markup after it. */
      if (formats[f] == KAM_FORMAT_HTML)
        assert_string_equal(rest, "</footer>\n</div>\n</div>\n</body>\n</html>\n");
      else if (formats[f] == KAM_FORMAT_MARKDOWN)
        assert_string_equal(rest, "**\n");
      else if (formats[f] == KAM_FORMAT_TEXT)
        assert_string_equal(rest, "\n");
      else
        assert_string_equal(rest, "\"\n}\n");
      /* Every part is there, in the assembly order. */
      if (formats[f] != KAM_FORMAT_JSON) {
        const char *team = strstr(out, "Анна Сергеевна Белова");
        const char *price = strstr(out, l == 0 ? "12\xC2\xA0"
                                                 "206\xC2\xA0"
                                                 "699,00"
                                               : "12,206,699.00");
        const char *client = strstr(out, "Волга-Ритейл");
        assert_non_null(team);
        assert_non_null(price);
        assert_true(client < price && price < team && team < at);
        if (l == 0) assert_non_null(strstr(out, "Двенадцать миллионов двести шесть тысяч"));
      }
      free(out);
    }
  }
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* Every user-text field of the document, each with a hostile value carrying its own tag. */
static const char hostile_doc[] =
    "{\"title\": \"<script>T</script>\\\"'&\","
    " \"seller\": {\"name\": \"<script>SN</script>\\\"'&\", \"details\": "
    "\"<script>SD</script>\\\"'&\"},"
    " \"client\": {\"name\": \"<script>CN</script>\\\"'&\", \"context\": "
    "\"<script>CC</script>\\\"'&\"},"
    " \"summary\": \"<script>SU</script>\\\"'&\", \"exclusive\": \"<script>EX</script>\\\"'&\","
    " \"issued\": \"2026-11-27\", \"valid_days\": 30,"
    " \"arguments\": [{\"style\": \"authority\", \"title\": \"<script>AT</script>\\\"'&\", "
    "\"text\": \"<script>AX</script>\\\"'&\"},"
    "  {\"style\": \"relational\", \"text\": \"<script>RX</script>\\\"'&\"},"
    "  {\"style\": \"analytical\", \"text\": \"<script>NX</script>\\\"'&\"}],"
    " \"references\": [{\"company\": \"<script>RC</script>\\\"'&\", \"project\": "
    "\"<script>RP</script>\\\"'&\","
    "  \"result\": \"<script>RR</script>\\\"'&\", \"contact\": {\"name\": "
    "\"<script>KN</script>\\\"'&\","
    "  \"position\": \"<script>KP</script>\\\"'&\", \"phone\": \"<script>KT</script>\\\"'&\", "
    "\"email\": \"<script>KE</script>\\\"'&\"}}],"
    " \"figures\": [{\"label\": \"<script>FL</script>\\\"'&\", \"value\": "
    "\"<script>FV</script>\\\"'&\","
    "  \"unit\": \"<script>FU</script>\\\"'&\"}],"
    " \"cash_flows\": {\"rate\": 0.1, \"values\": [-10, 20]},"
    " \"items\": [{\"sku\": \"<script>IS</script>\\\"'&\", \"description\": "
    "\"<script>ID</script>\\\"'&\","
    "  \"unit\": \"<script>IU</script>\\\"'&\", \"section\": \"<script>IX</script>\\\"'&\", "
    "\"discount_percent\": 1,"
    "  \"vat_percent\": 10},"
    "  {\"description\": \"<script>OD</script>\\\"'&\", \"optional\": true, \"unit_price\": 1}],"
    " \"team\": [{\"name\": \"<script>MN</script>\\\"'&\", \"position\": "
    "\"<script>MP</script>\\\"'&\","
    "  \"phone\": \"<script>MT</script>\\\"'&\", \"email\": \"<script>ME</script>\\\"'&\"}],"
    " \"terms\": \"<script>TE</script>\\\"'&\"}";
static const char *const hostile_tags[] = {
    "T",  "SN", "SD", "CN", "CC", "SU", "EX", "AT", "AX", "RX", "NX", "RC", "RP", "RR", "KN", "KP",
    "KT", "KE", "FL", "FV", "FU", "IS", "ID", "IU", "IX", "OD", "MN", "MP", "MT", "ME", "TE"};

static void test_html_escapes_every_user_field(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, hostile_doc);
  size_t l, i;
  (void)state;
  for (l = 0; l < 2; l++) {
    char *html;
    assert_int_equal(kam_proposal_set_lang(p, l ? "en" : "ru"), KAM_OK);
    html = render(p, KAM_FORMAT_HTML);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "</script"));
    assert_null(strstr(html, "\"'&"));
    for (i = 0; i < sizeof hostile_tags / sizeof hostile_tags[0]; i++) {
      char want[96];
      snprintf(want, sizeof want, "&lt;script&gt;%s&lt;/script&gt;&quot;&#39;&amp;",
               hostile_tags[i]);
      if (!strstr(html, want)) fail_msg("field %s is not in the HTML escaped", hostile_tags[i]);
    }
    /* No external resources. */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "@import"));
    free(html);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_markdown_and_text_escaping(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p =
      parse(ctx, doc_with_items("\"title\": \"# [x](http://e.vil) *b* <i>\","
                                " \"summary\": \"line one\\nline two\\n\\n1. not a "
                                "list\\u001b[31m\\u009b[32m\\u0085\\u00a0\",",
                                "[{\"description\": \"a | b\\nc <b>\", \"sku\": \"s_1\"}]"));
  char *md, *txt;
  (void)state;
  md = render(p, KAM_FORMAT_MARKDOWN);
  assert_non_null(strstr(md, "# \\# \\[x\\](http://e.vil) \\*b\\* \\<i\\>\n"));
  assert_non_null(strstr(md, "line one\\\nline two\n\n1\\. not a list\\[31m\\[32m\xC2\xA0"));
  assert_non_null(strstr(md, "a \\| b c \\<b\\> (s\\_1)"));
  assert_null(strstr(md, "\x1b"));
  txt = render(p, KAM_FORMAT_TEXT);
  assert_non_null(strstr(txt, "# [x](http://e.vil) *b* <i>"));
  /* C1 controls (U+009B is CSI, U+0085 NEL) go too; U+00A0 stays. */
  assert_non_null(strstr(txt, "line one\nline two\n\n1. not a list[31m[32m\xC2\xA0"));
  assert_null(strstr(txt, "\xC2\x9B"));
  assert_null(strstr(md, "\xC2\x9B"));
  assert_null(strstr(txt, "\x1b"));
  free(md);
  free(txt);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_render_template_and_json(void **state) {
  kam_ctx *ctx = new_ctx();
  char *json = read_sample(NULL), *out;
  kam_proposal *p = parse(ctx, json);
  kam_template *t = NULL;
  kam_test_sink s;
  kam_value *v = NULL;
  static const char src[] =
      "{{client.name}}|{{totals.total.text}}|{{#blocks}}{{style}},{{/blocks}}|{{validity}}";
  (void)state;
  assert_int_equal(kam_template_compile(&t, ctx, src, sizeof src - 1), KAM_OK);
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_proposal_render_template(p, t, kam_test_sink_write, &s), KAM_OK);
  assert_string_equal(s.data,
                      "АО «Волга-Ритейл»|12\xC2\xA0"
                      "206\xC2\xA0"
                      "699,00\xC2\xA0₽|"
                      "analytical,authority,relational,|Предложение действительно до 27.12.2026");
  kam_test_sink_free(&s);
  assert_int_equal(kam_proposal_render_template(p, NULL, kam_test_sink_write, &s), KAM_EINVAL);
  assert_int_equal(kam_proposal_render_template(p, t, NULL, &s), KAM_EINVAL);
  kam_template_free(t);
  out = render(p, KAM_FORMAT_JSON);
  assert_int_equal(kam_json_parse(&v, ctx, out, strlen(out)), KAM_OK);
  assert_model(v, "totals.total.minor", "1220669900");
  kam_value_free(v);
  free(out);
  assert_int_equal(kam_proposal_render(p, 0, kam_test_sink_write, &s), KAM_EINVAL);
  assert_int_equal(kam_proposal_render(p, 5, kam_test_sink_write, &s), KAM_EINVAL);
  assert_int_equal(kam_proposal_render(NULL, 1, kam_test_sink_write, &s), KAM_EINVAL);
  free(json);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- failure injection ------------------------------------------------------------------- */

static void test_oom_from_json(void **state) {
  size_t len, fail_at;
  char *json = read_sample(&len);
  (void)state;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx = NULL;
    kam_proposal *p = NULL;
    int rc;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    ta.fail_at = ta.calls + fail_at;
    rc = kam_proposal_from_json(&p, ctx, json, len);
    ta.fail_at = 0;
    if (rc == KAM_OK) {
      assert_non_null(p);
      kam_proposal_free(p);
      kam_ctx_free(ctx);
      assert_int_equal(ta.blocks, 0);
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    assert_null(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
  assert_true(fail_at > 50);
  free(json);
}

/* A small document with every part, so the OOM loops over rendering stay quick (the sample
 * needs thousands of allocations per render, and the loop is quadratic). */
static const char compact_doc[] =
    "{\"title\": \"T\", \"seller\": {\"name\": \"S\", \"details\": \"d\\nd\"},"
    " \"client\": {\"name\": \"C\", \"context\": \"x\"}, \"summary\": \"s\", \"exclusive\": \"e\","
    " \"issued\": \"2026-11-27\", \"valid_days\": 30,"
    " \"arguments\": [{\"style\": \"authority\", \"title\": \"a\", \"text\": \"t\"},"
    "  {\"style\": \"relational\", \"text\": \"r\"}, {\"style\": \"analytical\", \"text\": \"n\"}],"
    " \"references\": [{\"company\": \"R\", \"contact\": {\"name\": \"K\", \"phone\": \"1\"}}],"
    " \"figures\": [{\"label\": \"f\", \"value\": 1.5, \"unit\": \"%\"}],"
    " \"cash_flows\": {\"rate\": 0.1, \"values\": [-10, 6, 7]},"
    " \"items\": [{\"sku\": \"k\", \"description\": \"i\", \"unit\": \"u\", \"quantity\": \"2.5\","
    "  \"unit_price\": \"10.01\", \"discount_percent\": \"5\", \"vat_percent\": \"20\", "
    "\"section\": \"A\"},"
    "  {\"description\": \"j\", \"unit_price\": \"1\", \"section\": \"B\"},"
    "  {\"description\": \"o\", \"unit_price\": \"3\", \"optional\": true}],"
    " \"team\": [{\"name\": \"M\", \"email\": \"m@x\"}],"
    " \"stakeholders\": [{\"name\": \"F\", \"role\": \"finance\", \"influence\": 0.9}],"
    " \"terms\": \"z\"}";

/* OOM at every allocation of op: ENOMEM, nothing leaked, the proposal unchanged. */
static void oom_loop(int op) {
  size_t len = sizeof compact_doc - 1, fail_at;
  const char *json = compact_doc;
  kam_test_alloc ta;
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL;
  char *before;
  memset(&ta, 0, sizeof ta);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam_proposal_from_json(&p, ctx, json, len), KAM_OK);
  before = doc_json(p);
  for (fail_at = 1;; fail_at++) {
    size_t blocks = ta.blocks;
    kam_value *v = NULL;
    kam_test_sink s;
    int rc;
    memset(&s, 0, sizeof s);
    ta.fail_at = ta.calls + fail_at;
    if (op == 0)
      rc = kam_proposal_to_value(&v, p);
    else if (op == 5)
      rc = kam_proposal_write_json(p, kam_test_sink_write, &s);
    else
      rc = kam_proposal_render(p, op, kam_test_sink_write, &s);
    ta.fail_at = 0;
    kam_value_free(v);
    kam_test_sink_free(&s);
    assert_int_equal(ta.blocks, blocks);
    assert_doc(p, before);
    if (rc == KAM_OK) break;
    if (rc != KAM_ENOMEM)
      fail_msg("op %d, fail at %zu: %d %s", op, fail_at, rc, kam_ctx_errmsg(ctx));
  }
  assert_true(fail_at > (op == 5 ? 5u : 200u));
  free(before);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
}

/* A proposal document of n price lines (about 70 bytes each, like a big price list: short
 * descriptions, a few sections, some discounts, two VAT rates). malloc'd. */
static char *big_proposal(size_t n, int dense, size_t *len) {
  size_t cap = 256 + n * 128, i, k;
  char *s = (char *)malloc(cap);
  assert_non_null(s);
  k = (size_t)snprintf(s, cap,
                       "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"Client\"}, "
                       "\"issued\": \"2026-11-27\", "
                       "\"valid_days\": 30, \"currency\": \"RUB\", \"items\": [");
  for (i = 0; i < n && dense; i++)
    k += (size_t)snprintf(s + k, cap - k,
                          "%s{\"description\":\"%zu\",\"quantity\":\"%zu\",\"unit_price\":\"%zu\"}",
                          i ? "," : "", i, 2 + i % 7, 1000 + i);
  for (i = 0; i < n && !dense; i++)
    k += (size_t)snprintf(s + k, cap - k,
                          "%s{\"description\":\"Item %zu\",\"quantity\":\"%zu\",\"unit_price\":"
                          "\"%zu.%02zu\"%s%s,\"section\":\"S%zu\"}",
                          i ? "," : "", i, 1 + i % 7, 10 + i % 5000, i % 100,
                          i % 5 ? "" : ",\"discount_percent\":\"10\"",
                          i % 2 ? ",\"vat_percent\":\"22\"" : "", i % 4);
  k += (size_t)snprintf(s + k, cap - k, "]}");
  *len = k;
  return s;
}

/* The model of a 40,000-line proposal stays within the bound of proposal.h (20 times the
 * document at the peak of kam_proposal_to_value): each line is built once and shared by items
 * and sections[].items, in a compact tree. Counted through the allocator hook; the dense
 * document has the smallest lines a proposal can have, all different. */
static void model_memory(int dense) {
  kam_test_alloc ta;
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL;
  kam_value *m = NULL;
  const kam_value *items, *sections;
  size_t len, base, i, in_sections = 0, nsections = dense ? 1 : 4;
  char *json = big_proposal(40000, dense, &len);
  double ratio, kept;
  memset(&ta, 0, sizeof ta);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam_proposal_from_json(&p, ctx, json, len), KAM_OK);
  base = ta.bytes;
  ta.peak = base;
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  ratio = (double)(ta.peak - base) / (double)len;
  kept = (double)(ta.bytes - base) / (double)len;
  print_message("model of a %s document of %zu bytes, 40000 lines: peak %.2fx, kept %.2fx\n",
                dense ? "dense" : "typical", len, ratio, kept);
  items = kam_value_get(m, "items", 5);
  sections = kam_value_get(m, "sections", 8);
  assert_int_equal(kam_value_length(items), 40000);
  assert_int_equal(kam_value_length(sections), nsections);
  for (i = 0; i < nsections; i++)
    in_sections += kam_value_length(kam_value_get(kam_value_at(sections, i), "items", 5));
  assert_int_equal(in_sections, 40000);
  assert_string_equal(
      kam_value_string(kam_value_get(kam_value_at(items, 39999), "description", 11), NULL),
      dense ? "39999" : "Item 39999");
  if (ratio >= 20.0) fail_msg("the model peaked at %.2fx the document (bound 20x)", ratio);
  kam_value_free(m);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
  free(json);
}

/* Sections in order of first use, their lines in document order, numbered section by
 * section and then the optional lines; 1,000 sections of interleaved lines (grouped in one
 * pass with a hash table of the sections). */
static void test_many_sections(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p;
  kam_value *m = NULL;
  const kam_value *sections, *items, *opt;
  size_t cap = 400000, k, i;
  char *json = (char *)malloc(cap);
  (void)state;
  assert_non_null(json);
  k = (size_t)snprintf(
      json, cap,
      "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"C\"}, \"issued\": \"2026-11-27\", "
      "\"valid_days\": 30, \"items\": [");
  for (i = 0; i < 3000; i++)
    k += (size_t)snprintf(
        json + k, cap - k,
        "%s{\"description\":\"d%zu\",\"quantity\":\"1\",\"unit_price\":\"1\"%s%s%zu\"}",
        i ? "," : "", i, i >= 1000 && i % 7 == 3 ? ",\"optional\":true" : "", ",\"section\":\"S",
        i % 1000);
  k += (size_t)snprintf(json + k, cap - k, "]}");
  assert_int_equal(kam_proposal_from_json(&p, ctx, json, k), KAM_OK);
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  sections = kam_value_get(m, "sections", 8);
  items = kam_value_get(m, "items", 5);
  opt = kam_value_get(m, "optional_items", 14);
  assert_int_equal(kam_value_length(sections), 1000);
  {
    size_t shown = 0, s;
    for (s = 0; s < 1000; s++) {
      const kam_value *sec = kam_value_at(sections, s), *list = kam_value_get(sec, "items", 5);
      char name[16];
      size_t j, prev = 0;
      snprintf(name, sizeof name, "S%zu", s);
      assert_string_equal(kam_value_string(kam_value_get(sec, "name", 4), NULL), name);
      for (j = 0; j < kam_value_length(list); j++) {
        const kam_value *line = kam_value_at(list, j);
        size_t doc = (size_t)strtoul(
            kam_value_string(kam_value_get(line, "description", 11), NULL) + 1, NULL, 10);
        assert_int_equal(doc % 1000, s);
        assert_true(j == 0 || doc > prev);
        prev = doc;
        assert_ptr_equal(line, kam_value_at(items, doc)); /* the same node, shared */
        assert_int_equal((size_t)kam_value_number(kam_value_get(line, "n", 1)), ++shown);
      }
    }
    assert_int_equal(shown + kam_value_length(opt), 3000);
    assert_int_equal((size_t)kam_value_number(kam_value_get(kam_value_at(opt, 0), "n", 1)),
                     shown + 1);
  }
  kam_value_free(m);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  free(json);
}

static void test_model_memory_bound(void **state) {
  (void)state;
  model_memory(0);
  model_memory(1);
}

static void test_oom_to_value(void **state) {
  (void)state;
  oom_loop(0);
}
static void test_oom_render(void **state) {
  size_t f;
  (void)state;
  for (f = 0; f < sizeof formats / sizeof formats[0]; f++)
    oom_loop(formats[f]);
  oom_loop(5);
}

static void test_oom_setters(void **state) {
  size_t fail_at;
  (void)state;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx = NULL;
    kam_proposal *p = NULL;
    kam_item it;
    kam_reference r;
    int rc;
    char *before;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    assert_int_equal(kam_proposal_new(&p, ctx), KAM_OK);
    assert_int_equal(kam_proposal_set_title(p, "t"), KAM_OK);
    before = doc_json(p);
    memset(&it, 0, sizeof it);
    it.struct_size = sizeof it;
    it.description = "d";
    it.sku = "s";
    it.unit = "u";
    it.section = "x";
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    r.company = "c";
    r.contact_email = "e";
    ta.fail_at = ta.calls + fail_at;
    rc = kam_proposal_add_item(p, &it);
    if (!rc) rc = kam_proposal_add_reference(p, &r);
    if (!rc) rc = kam_proposal_set_seller(p, "a", "b");
    ta.fail_at = 0;
    if (rc == KAM_OK) {
      free(before);
      kam_proposal_free(p);
      kam_ctx_free(ctx);
      assert_int_equal(ta.blocks, 0);
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    /* The failing call changed nothing: what is there is whole. */
    assert_true(kam_proposal_count(p, KAM_PROPOSAL_ITEMS) <= 1);
    if (kam_proposal_count(p, KAM_PROPOSAL_ITEMS) == 0) assert_doc(p, before);
    free(before);
    kam_proposal_free(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
  assert_true(fail_at > 5);
}

static void test_write_failure_at_every_call(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, compact_doc);
  size_t f;
  (void)state;
  for (f = 0; f <= sizeof formats / sizeof formats[0]; f++) {
    size_t k;
    for (k = 1;; k++) {
      kam_test_sink s;
      int rc;
      memset(&s, 0, sizeof s);
      s.fail_at_call = k;
      s.fail_status = 77 + (int)k;
      if (f == sizeof formats / sizeof formats[0])
        rc = kam_proposal_write_json(p, kam_test_sink_write, &s);
      else
        rc = kam_proposal_render(p, formats[f], kam_test_sink_write, &s);
      kam_test_sink_free(&s);
      if (rc == KAM_OK) {
        assert_true(k > 1);
        break;
      }
      assert_int_equal(rc, 77 + (int)k);
    }
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_internal_decimal_canon(void **state) {
  static const char *const cases[][2] = {
      {"2.5", "2.5"},    {"2,50", "2.5"},         {"007", "7"},      {"-0", "0"},
      {"1e3", "1000"},   {"1.5E-2", "0.015"},     {"+12.000", "12"}, {"0.000", "0"},
      {"-3.10", "-3.1"}, {"12345e-5", "0.12345"}, {"1.2e1", "12"},   {"0e999999", "0"},
  };
  static const char *const bad[] = {"",      "-",   ".5",    "5.",   "1e",    "1e+",
                                    "1 000", "abc", "1.2.3", "1e30", "1e-30", "0x10"};
  char out[KAM__DEC_CAP];
  const char *why;
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(kam__decimal_canon(out, cases[i][0], strlen(cases[i][0]), &why), KAM_OK);
    assert_string_equal(out, cases[i][1]);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(kam__decimal_canon(out, bad[i], strlen(bad[i]), &why), KAM_EPARSE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle_and_setters),
      cmocka_unit_test(test_failing_setters_change_nothing),
      cmocka_unit_test(test_currency_rescales_prices),
      cmocka_unit_test(test_json_round_trip_is_byte_identical),
      cmocka_unit_test(test_json_errors_name_path_and_place),
      cmocka_unit_test(test_null_members_are_absent),
      cmocka_unit_test(test_totals_line_rounding),
      cmocka_unit_test(test_totals_total_rounding),
      cmocka_unit_test(test_totals_vat_included_and_optional),
      cmocka_unit_test(test_totals_of_sample),
      cmocka_unit_test(test_totals_overflow_names_item),
      cmocka_unit_test(test_missing_parts),
      cmocka_unit_test(test_tables_consistent),
      cmocka_unit_test(test_total_caption_without_vat),
      cmocka_unit_test(test_valid_until_stays_a_date),
      cmocka_unit_test(test_model_of_sample),
      cmocka_unit_test(test_model_english),
      cmocka_unit_test(test_blocks_follow_dmu_emphasis),
      cmocka_unit_test(test_model_uses_the_stakeholders_dmu),
      cmocka_unit_test(test_validity_is_last_everywhere),
      cmocka_unit_test(test_html_escapes_every_user_field),
      cmocka_unit_test(test_markdown_and_text_escaping),
      cmocka_unit_test(test_render_template_and_json),
      cmocka_unit_test(test_oom_from_json),
      cmocka_unit_test(test_many_sections),
      cmocka_unit_test(test_model_memory_bound),
      cmocka_unit_test(test_oom_to_value),
      cmocka_unit_test(test_oom_render),
      cmocka_unit_test(test_oom_setters),
      cmocka_unit_test(test_write_failure_at_every_call),
      cmocka_unit_test(test_internal_decimal_canon),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

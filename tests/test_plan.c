/* test_plan.c - the key account plan: JSON in (paths, lines, columns in errors) and out
 * (byte-identical round trip), every derived figure against hand-computed cases (falling
 * targets, due dates before and after as_of, zero spend, every status, exposure rounding), every
 * check code triggered and not, the built-in templates, OOM at every allocation and
 * write-callback failure at every call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#define SAMPLE KAM_SOURCE_DIR "/examples/data/plan.json"

/* ---- helpers ----------------------------------------------------------------------------- */

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

static kam_plan *parse(kam_ctx *ctx, const char *json) {
  kam_plan *p = NULL;
  int rc = kam_plan_from_json(&p, ctx, json, strlen(json));
  if (rc) fail_msg("from_json: %d %s", rc, kam_ctx_errmsg(ctx));
  return p;
}

static char *doc_json(const kam_plan *p) {
  kam_test_sink s;
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_plan_write_json(p, kam_test_sink_write, &s), KAM_OK);
  return s.data;
}

static char *render(const kam_plan *p, int format) {
  kam_test_sink s;
  int rc;
  memset(&s, 0, sizeof s);
  rc = kam_plan_render(p, format, kam_test_sink_write, &s);
  if (rc) fail_msg("render %d: %d", format, rc);
  return s.data;
}

/* The value at a dotted path ("objectives.0.status"); digits index arrays. */
static const kam_value *at(const kam_value *v, const char *path) {
  char part[64];
  while (v && *path) {
    size_t n = strcspn(path, ".");
    memcpy(part, path, n);
    part[n] = '\0';
    if (kam_value_type(v) == KAM_VALUE_ARRAY)
      v = kam_value_at(v, (size_t)atoi(part));
    else
      v = kam_value_get(v, part, n);
    path += n + (path[n] == '.');
  }
  if (!v) fail_msg("no value at the path");
  return v;
}
static const char *str_at(const kam_value *v, const char *path) {
  size_t len;
  const char *s = kam_value_string(at(v, path), &len);
  assert_non_null(s);
  return s;
}
static int64_t int_at(const kam_value *v, const char *path) {
  size_t len;
  const char *t = kam_value_number_text(at(v, path), &len);
  assert_non_null(t);
  return strtoll(t, NULL, 10);
}
static double num_at(const kam_value *v, const char *path) { return kam_value_number(at(v, path)); }

static kam_value *model_of(kam_ctx *ctx, const char *json) {
  kam_plan *p = parse(ctx, json);
  kam_value *m = NULL;
  int rc = kam_plan_to_value(&m, p);
  if (rc) fail_msg("to_value: %d %s", rc, kam_ctx_errmsg(ctx));
  kam_plan_free(p);
  return m;
}

/* Findings as "code path;" in the order reported. */
typedef struct found {
  char text[2048];
  int errors;
} found;
static int collect(void *ud, const kam_finding *f) {
  found *x = (found *)ud;
  size_t n = strlen(x->text);
  assert_true(f->struct_size >= sizeof *f);
  assert_non_null(f->message);
  assert_true(f->message[0] != '\0');
  if (f->severity == KAM_SEVERITY_ERROR) x->errors++;
  snprintf(x->text + n, sizeof x->text - n, "%s %s;", f->code, f->path);
  return 0;
}
static found check_of(const char *json) {
  kam_ctx *ctx = new_ctx();
  kam_plan *p = parse(ctx, json);
  found x;
  memset(&x, 0, sizeof x);
  assert_int_equal(kam_plan_check(p, collect, &x), KAM_OK);
  kam_plan_free(p);
  kam_ctx_free(ctx);
  return x;
}

/* ---- the sample -------------------------------------------------------------------------- */

static void test_sample(void **state) {
  size_t len;
  char *json = kam_test_read_file(SAMPLE, &len), *once, *twice;
  kam_ctx *ctx = new_ctx();
  kam_plan *p = NULL, *q = NULL;
  kam_value *m = NULL;
  found x;
  (void)state;
  assert_non_null(json);
  assert_int_equal(kam_plan_from_json(&p, ctx, json, len), KAM_OK);
  once = doc_json(p);
  assert_null(strstr(once, "_comment"));
  q = parse(ctx, once);
  twice = doc_json(q);
  assert_string_equal(once, twice);
  memset(&x, 0, sizeof x);
  assert_int_equal(kam_plan_check(p, collect, &x), KAM_OK);
  assert_string_equal(x.text, "uncovered_stakeholder stakeholders[1];"
                              "stale_relationship relationships[3].last_contact;"
                              "objective_at_risk objectives[0];"
                              "action_overdue actions[2].due;"
                              "high_threat_competitor competitors[0];");
  assert_int_equal(kam_plan_to_value(&m, p), KAM_OK);
  /* 3 200 000 + 900 000 + 700 000 of 31 000 000 */
  assert_int_equal(int_at(m, "white_space.total.ours.minor"), 480000000);
  assert_int_equal(int_at(m, "white_space.total.headroom.minor"), 2620000000);
  assert_string_equal(str_at(m, "white_space.total.share.text"), "15,5\xC2\xA0%");
  /* 0.4 x 18 000 000 first */
  assert_string_equal(str_at(m, "risks.0.title"), "Финансовый директор откладывает решение до IPO");
  assert_int_equal(int_at(m, "risks.0.exposure.minor"), 720000000);
  assert_int_equal(int_at(m, "risk_exposure.minor"), 720000000 + 120000000 + 93000000);
  assert_string_equal(str_at(m, "stakeholders.0.role"), "executive");
  assert_int_equal(int_at(m, "stakeholders.2.best_strength"), 3);
  assert_int_equal(int_at(m, "stakeholders.3.days_since"), 109);
  kam_value_free(m);
  free(once);
  free(twice);
  free(json);
  kam_plan_free(q);
  kam_plan_free(p);
  kam_ctx_free(ctx);
}

/* ---- reading: errors and the round trip -------------------------------------------------- */

static void expect_error(const char *json, int status, const char *message) {
  kam_ctx *ctx = new_ctx();
  kam_plan *p = (kam_plan *)1;
  assert_int_equal(kam_plan_from_json(&p, ctx, json, strlen(json)), status);
  assert_null(p);
  if (!strstr(kam_ctx_errmsg(ctx), message))
    fail_msg("'%s' does not contain '%s'", kam_ctx_errmsg(ctx), message);
  kam_ctx_free(ctx);
}

static void test_errors(void **state) {
  (void)state;
  expect_error("{\"objectives\": [{\"title\": \"a\",\n \"dew\": 1}]}", KAM_EPARSE,
               "objectives[0].dew: unknown key (line 2, column 9)");
  expect_error("{\"white_space\": {\"cells\": [{\"status\": \"ours\"}]}}", KAM_EPARSE,
               "white_space.cells[0].status: 'ours' is not one of owned, pipeline, gap");
  expect_error("{\"relationships\": [{\"strength\": 4}]}", KAM_EPARSE,
               "relationships[0].strength: 4 is outside 0..3");
  expect_error("{\"white_space\": {\"units\": [{\"spend\": \"-1\"}]}}", KAM_EPARSE,
               "white_space.units[0].spend: '-1' must not be negative");
  expect_error("{\"risks\": [{\"impact\": \"1.005\"}]}", KAM_EPARSE, "risks[0].impact");
  expect_error("{\"risks\": [{\"probability\": 1.5}]}", KAM_EPARSE,
               "risks[0].probability: '1.5' is not within 0..1");
  expect_error("{\"risks\": [{\"impact\": \"1e17\"}]}", KAM_EOVERFLOW, "risks[0].impact");
  expect_error("{\"as_of\": \"2026-02-30\"}", KAM_EPARSE, "as_of");
  expect_error("{\"actions\": [{\"due\": \"soon\"}]}", KAM_EPARSE, "actions[0].due");
  expect_error("{\"swot\": {\"threats\": [1]}}", KAM_EPARSE, "swot.threats[0]: expected a string");
  expect_error("{\"stakeholders\": [{\"name\": \"x\", \"role\": \"boss\"}]}", KAM_EPARSE,
               "stakeholders[0].role");
  expect_error("{\"lang\": \"de\"}", KAM_EPARSE, "lang");
  expect_error("[1]", KAM_EPARSE, "JSON object");
  expect_error("{\"team\": {}}", KAM_EPARSE, "team: expected an array");
  expect_error("{\"account\": {\"name\": 1}}", KAM_EPARSE, "account.name: expected a string");
}

static void test_round_trip(void **state) {
  static const char doc[] =
      "{\"_c\": 1, \"lang\": \"en\", \"currency\": \"JPY\", \"as_of\": \"2026-06-01\","
      " \"account\": {\"name\": \"A\", \"revenue\": \"-5\", \"share\": \"0,125\", \"_x\": 2},"
      " \"objectives\": [{\"title\": \"t\", \"baseline\": 1e2, \"target\": \"50.50\"}],"
      " \"white_space\": {\"units\": [{\"id\": \"u\", \"spend\": 1000}]},"
      " \"swot\": {\"strengths\": [], \"threats\": [\"x\"]},"
      " \"relationships\": [{\"stakeholder\": \"s\", \"strength\": 0}]}";
  kam_ctx *ctx = new_ctx();
  kam_plan *p = parse(ctx, doc), *q;
  char *once = doc_json(p), *twice;
  (void)state;
  assert_non_null(strstr(once, "\"revenue\": \"-5\""));
  assert_non_null(strstr(once, "\"share\": 0.125"));
  assert_non_null(strstr(once, "\"baseline\": 100"));
  assert_non_null(strstr(once, "\"target\": 50.5"));
  assert_non_null(strstr(once, "\"spend\": \"1000\""));
  assert_non_null(strstr(once, "\"strengths\": []"));
  assert_non_null(strstr(once, "\"strength\": 0"));
  assert_null(strstr(once, "_c"));
  q = parse(ctx, once);
  twice = doc_json(q);
  assert_string_equal(once, twice);
  free(once);
  free(twice);
  kam_plan_free(q);
  kam_plan_free(p);
  kam_ctx_free(ctx);
}

static void test_setters(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_plan *p = NULL;
  kam_date d;
  char *json;
  (void)state;
  assert_int_equal(kam_plan_new(NULL, ctx), KAM_EINVAL);
  assert_int_equal(kam_plan_new(&p, NULL), KAM_EINVAL);
  assert_int_equal(kam_plan_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_plan_set_lang(p, "EN"), KAM_OK);
  assert_int_equal(kam_plan_set_lang(p, "fr"), KAM_EINVAL);
  assert_int_equal(kam_plan_set_lang(NULL, "en"), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(&d, 2026, 3, 1), KAM_OK);
  assert_int_equal(kam_plan_set_as_of(p, d), KAM_OK);
  assert_int_equal(kam_plan_set_as_of(NULL, d), KAM_EINVAL);
  json = doc_json(p);
  assert_string_equal(json, "{\n  \"lang\": \"en\",\n  \"currency\": \"RUB\",\n  \"as_of\": "
                            "\"2026-03-01\"\n}\n");
  free(json);
  assert_int_equal(kam_plan_write_json(NULL, kam_test_sink_write, NULL), KAM_EINVAL);
  assert_int_equal(kam_plan_render(p, 99, kam_test_sink_write, NULL), KAM_EINVAL);
  assert_int_equal(kam_plan_check(p, NULL, NULL), KAM_EINVAL);
  assert_int_equal(kam_plan_to_value(NULL, p), KAM_EINVAL);
  assert_string_equal(kam_severity_name(KAM_SEVERITY_INFO), "info");
  assert_null(kam_severity_name(7));
  kam_plan_free(p);
  kam_plan_free(NULL);
  kam_ctx_free(ctx);
}

/* ---- derived figures --------------------------------------------------------------------- */

static void test_objectives(void **state) {
  /* period from 2026-01-01; as_of 2026-07-01 (day 181 of 2026). */
  static const char doc[] =
      "{\"as_of\": \"2026-07-01\", \"period\": {\"from\": \"2026-01-01\"}, \"objectives\": ["
      /* 0: rising, due 2026-12-31 (364 days): expected 181/364 = 0.497, progress 0.5 */
      "{\"title\": \"a\", \"baseline\": 10, \"target\": 20, \"current\": 15, \"due\": "
      "\"2026-12-31\"},"
      /* 1: falling 21 -> 9, current 18: progress 3/12 = 0.25 < 0.497 - 0.15: at risk */
      "{\"title\": \"b\", \"baseline\": 21, \"target\": 9, \"current\": 18, \"due\": "
      "\"2026-12-31\"},"
      /* 2: falling, reached below the target: achieved although overdue */
      "{\"title\": \"c\", \"baseline\": 21, \"target\": 9, \"current\": 8, \"due\": "
      "\"2026-03-01\"},"
      /* 3: due before as_of, not achieved: overdue, expected 1 */
      "{\"title\": \"d\", \"baseline\": 0, \"target\": 4, \"current\": 3, \"due\": "
      "\"2026-06-30\"},"
      /* 4: progress 0.35 against 0.497: within 0.15, on track */
      "{\"title\": \"e\", \"baseline\": 0, \"target\": 100, \"current\": 35, \"due\": "
      "\"2026-12-31\"},"
      /* 5: target == baseline, no due */
      "{\"title\": \"f\", \"baseline\": 5, \"target\": 5, \"current\": 5}]}";
  kam_ctx *ctx = new_ctx();
  kam_value *m = model_of(ctx, doc);
  (void)state;
  assert_string_equal(str_at(m, "objectives.0.status"), "on_track");
  assert_true(num_at(m, "objectives.0.progress.value") == 0.5);
  assert_true(num_at(m, "objectives.0.expected.value") > 0.4972 &&
              num_at(m, "objectives.0.expected.value") < 0.4973);
  assert_string_equal(str_at(m, "objectives.0.expected.text"), "49,7\xC2\xA0%");
  assert_string_equal(str_at(m, "objectives.1.status"), "at_risk");
  assert_true(num_at(m, "objectives.1.progress.value") == 0.25);
  assert_string_equal(str_at(m, "objectives.2.status"), "achieved");
  assert_true(num_at(m, "objectives.2.progress.value") > 1.08);
  assert_string_equal(str_at(m, "objectives.3.status"), "overdue");
  assert_true(num_at(m, "objectives.3.expected.value") == 1);
  assert_true(kam_value_bool(at(m, "objectives.3.is_overdue")));
  assert_string_equal(str_at(m, "objectives.4.status"), "on_track");
  assert_string_equal(str_at(m, "objectives.5.status"), "achieved");
  assert_true(num_at(m, "objectives.5.expected.value") == 0);
  kam_value_free(m);
  kam_ctx_free(ctx);
}

static void test_white_space(void **state) {
  static const char doc[] =
      "{\"lang\": \"en\", \"white_space\": {"
      " \"offerings\": [{\"id\": \"a\"}, {\"id\": \"b\"}],"
      " \"units\": [{\"id\": \"x\", \"spend\": \"300.00\"}, {\"id\": \"y\", \"spend\": 0},"
      "  {\"id\": \"z\", \"spend\": \"1.00\"}],"
      " \"cells\": [{\"unit\": \"x\", \"offering\": \"a\", \"status\": \"owned\", \"ours\": "
      "\"100.00\"},"
      "  {\"unit\": \"x\", \"offering\": \"b\", \"status\": \"pipeline\", \"ours\": \"0.01\"},"
      "  {\"unit\": \"y\", \"offering\": \"a\", \"status\": \"owned\", \"ours\": \"5.00\"},"
      "  {\"unit\": \"y\", \"offering\": \"b\", \"status\": \"gap\"},"
      "  {\"unit\": \"z\", \"offering\": \"a\", \"status\": \"competitor\", \"competitor\": \"C\"},"
      "  {\"unit\": \"z\", \"offering\": \"b\", \"status\": \"not_applicable\"},"
      "  {\"unit\": \"nowhere\", \"offering\": \"a\", \"status\": \"owned\", \"ours\": 9}]}}";
  kam_ctx *ctx = new_ctx();
  kam_value *m = model_of(ctx, doc);
  (void)state;
  assert_int_equal(int_at(m, "white_space.units.0.ours.minor"), 10001);
  /* 100.01 / 300 = 33.336..% -> 33.3 % */
  assert_string_equal(str_at(m, "white_space.units.0.share.text"), "33.3%");
  assert_int_equal(int_at(m, "white_space.units.0.headroom.minor"), 19999);
  /* zero spend: no share, headroom below zero */
  assert_int_equal(kam_value_type(at(m, "white_space.units.1.share.value")), KAM_VALUE_NULL);
  assert_string_equal(str_at(m, "white_space.units.1.share.text"), "—");
  assert_int_equal(int_at(m, "white_space.units.1.headroom.minor"), -500);
  assert_int_equal(int_at(m, "white_space.units.2.ours.minor"), 0);
  assert_string_equal(str_at(m, "white_space.units.2.share.text"), "0%");
  assert_string_equal(str_at(m, "white_space.units.2.cells.0.status"), "competitor");
  assert_string_equal(str_at(m, "white_space.units.2.cells.0.competitor"), "C");
  /* per offering over the total spend 301.00: a = 105.00 -> 34.9 %, b = 0.01 -> 0 % */
  assert_int_equal(int_at(m, "white_space.offerings.0.ours.minor"), 10500);
  assert_string_equal(str_at(m, "white_space.offerings.0.share.text"), "34.9%");
  assert_int_equal(int_at(m, "white_space.total.spend.minor"), 30100);
  assert_int_equal(int_at(m, "white_space.total.ours.minor"), 10501);
  assert_int_equal(int_at(m, "white_space.total.headroom.minor"), 19599);
  assert_int_equal(int_at(m, "white_space.counts.owned"), 3);
  assert_int_equal(int_at(m, "white_space.counts.pipeline"), 1);
  assert_int_equal(int_at(m, "white_space.counts.gap"), 1);
  assert_int_equal(int_at(m, "white_space.counts.competitor"), 1);
  assert_int_equal(int_at(m, "white_space.counts.not_applicable"), 1);
  kam_value_free(m);
  kam_ctx_free(ctx);
}

static void test_risks(void **state) {
  static const char doc[] =
      "{\"risks\": [{\"title\": \"small\", \"probability\": 0.5, \"impact\": \"0.01\"},"
      " {\"title\": \"third\", \"probability\": 0.333, \"impact\": \"1.00\"},"
      " {\"title\": \"big\", \"probability\": 1, \"impact\": \"10.00\"},"
      " {\"title\": \"tie\", \"probability\": \"0.5\", \"impact\": \"0.01\"},"
      " {\"title\": \"zero\"}]}";
  kam_ctx *ctx = new_ctx();
  kam_value *m = model_of(ctx, doc);
  (void)state;
  assert_string_equal(str_at(m, "risks.0.title"), "big");
  assert_int_equal(int_at(m, "risks.0.exposure.minor"), 1000);
  assert_string_equal(str_at(m, "risks.1.title"), "third");
  assert_int_equal(int_at(m, "risks.1.exposure.minor"), 33); /* 33.3 */
  assert_string_equal(str_at(m, "risks.2.title"), "small");  /* 0.5 rounds away from zero */
  assert_int_equal(int_at(m, "risks.2.exposure.minor"), 1);
  assert_string_equal(str_at(m, "risks.3.title"), "tie"); /* ties keep document order */
  assert_string_equal(str_at(m, "risks.4.title"), "zero");
  assert_int_equal(int_at(m, "risk_exposure.minor"), 1035);
  kam_value_free(m);
  kam_ctx_free(ctx);
}

/* ---- checks ------------------------------------------------------------------------------ */

/* A plan that triggers nothing. */
#define CLEAN_PARTS                                                                                \
  "\"as_of\": \"2026-06-01\", \"period\": {\"from\": \"2026-01-01\"},"                             \
  " \"owner\": {\"name\": \"K\"}, \"team\": [{\"name\": \"T\"}],"                                  \
  " \"objectives\": [{\"title\": \"o\", \"baseline\": 0, \"target\": 10, \"current\": 10}],"       \
  " \"white_space\": {\"offerings\": [{\"id\": \"a\"}], \"units\": [{\"id\": \"u\", \"spend\": "   \
  "1}],"                                                                                           \
  "  \"cells\": [{\"unit\": \"u\", \"offering\": \"a\", \"status\": \"competitor\", "              \
  "\"competitor\": \"Low\"}]},"                                                                    \
  " \"stakeholders\": [{\"name\": \"E\", \"influence\": 0.9, \"buying_roles\": [\"economic\"]},"   \
  "  {\"name\": \"C\", \"influence\": 0.5, \"buying_roles\": [\"coach\"]},"                        \
  "  {\"name\": \"Minor\", \"influence\": 0.4}],"                                                  \
  " \"relationships\": [{\"stakeholder\": \"E\", \"team_member\": \"K\", \"last_contact\": "       \
  "\"2026-03-03\"},"                                                                               \
  "  {\"stakeholder\": \"C\", \"team_member\": \"T\"}],"                                           \
  " \"competitors\": [{\"name\": \"Low\", \"threat\": \"medium\"}, {\"name\": \"High\", "          \
  "\"threat\": \"high\"}],"                                                                        \
  " \"actions\": [{\"title\": \"x\", \"owner\": \"K\", \"due\": \"2026-06-01\", \"objective\": "   \
  "\"o\"},"                                                                                        \
  "  {\"title\": \"y\", \"due\": \"2026-01-01\", \"status\": \"done\"}]"

static void test_check_clean(void **state) {
  found x = check_of("{" CLEAN_PARTS "}");
  (void)state;
  assert_string_equal(x.text, "");
  assert_int_equal(x.errors, 0);
}

/* Each change of the clean plan triggers exactly one code. */
static void expect_findings(const char *json, const char *expected, int errors) {
  found x = check_of(json);
  if (strcmp(x.text, expected)) fail_msg("got '%s', expected '%s'", x.text, expected);
  assert_int_equal(x.errors, errors);
}

static void test_check_codes(void **state) {
  (void)state;
  /* later keys of the same list replace nothing: each case appends a list in a fresh plan */
  expect_findings("{\"relationships\": [{\"stakeholder\": \"nobody\", \"team_member\": \"K\"}],"
                  " \"owner\": {\"name\": \"K\"}, \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "unknown_reference relationships[0].stakeholder;", 1);
  expect_findings("{\"relationships\": [{\"stakeholder\": \"E\", \"team_member\": \"ghost\"}],"
                  " \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "unknown_reference relationships[0].team_member;", 1);
  expect_findings("{\"white_space\": {\"offerings\": [{\"id\": \"a\"}], \"units\": [{\"id\": "
                  "\"u\"}],"
                  " \"cells\": [{\"unit\": \"v\", \"offering\": \"a\"}, {\"unit\": \"u\", "
                  "\"offering\": \"b\"}]},"
                  " \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "unknown_reference white_space.cells[0].unit;"
                  "unknown_reference white_space.cells[1].offering;",
                  2);
  expect_findings("{\"actions\": [{\"title\": \"x\", \"owner\": \"K\", \"objective\": \"p\"}],"
                  " \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "unknown_reference actions[0].objective;", 1);
  /* uncovered: influence 0.5 counts, 0.49 does not */
  expect_findings("{\"objectives\": [{\"title\": \"o\"}], \"stakeholders\": ["
                  "{\"name\": \"E\", \"influence\": 0.5, \"buying_roles\": [\"economic\", "
                  "\"coach\"]}, {\"name\": \"F\", \"influence\": 0.49}]}",
                  "uncovered_stakeholder stakeholders[0];", 0);
  /* single-threaded: two decision-makers, one team member; two members clear it */
  expect_findings("{\"owner\": {\"name\": \"K\"}, \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"influence\": 0.9, \"buying_roles\": "
                  "[\"economic\"]},"
                  " {\"name\": \"C\", \"influence\": 0.6, \"buying_roles\": [\"coach\"]}],"
                  " \"relationships\": [{\"stakeholder\": \"E\", \"team_member\": \"K\"},"
                  " {\"stakeholder\": \"C\", \"team_member\": \"K\"}]}",
                  "single_threaded relationships;", 0);
  /* stale: 92 days before as_of; 90 days is not stale */
  expect_findings("{\"as_of\": \"2026-06-01\", \"owner\": {\"name\": \"K\"}, \"team\": "
                  "[{\"name\": \"T\"}],"
                  " \"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}],"
                  " \"relationships\": [{\"stakeholder\": \"E\", \"team_member\": \"K\", "
                  "\"last_contact\": \"2026-03-01\"},"
                  " {\"stakeholder\": \"E\", \"team_member\": \"T\", \"last_contact\": "
                  "\"2026-03-03\"}]}",
                  "stale_relationship relationships[0].last_contact;", 0);
  expect_findings("{\"objectives\": [{\"title\": \"o\"}], \"stakeholders\": [{\"name\": "
                  "\"E\", \"buying_roles\": [\"coach\"]}]}",
                  "no_economic_buyer stakeholders;", 0);
  expect_findings("{\"objectives\": [{\"title\": \"o\"}], \"stakeholders\": [{\"name\": "
                  "\"E\", \"buying_roles\": [\"economic\"]}]}",
                  "no_coach stakeholders;", 0);
  expect_findings("{\"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "no_objectives objectives;", 0);
  expect_findings("{\"as_of\": \"2026-06-01\", \"period\": {\"from\": \"2026-01-01\"},"
                  " \"objectives\": [{\"title\": \"late\", \"baseline\": 0, \"target\": 2, "
                  "\"current\": 1, \"due\": \"2026-05-31\"},"
                  " {\"title\": \"slow\", \"baseline\": 0, \"target\": 10, \"current\": 1, "
                  "\"due\": \"2026-07-01\"},"
                  " {\"title\": \"done\", \"baseline\": 0, \"target\": 2, \"current\": 2, "
                  "\"due\": \"2026-05-01\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "objective_overdue objectives[0].due;objective_at_risk objectives[1];", 0);
  expect_findings("{\"as_of\": \"2026-06-01\", \"objectives\": [{\"title\": \"o\"}],"
                  " \"actions\": [{\"title\": \"a\", \"owner\": \"K\", \"due\": \"2026-05-31\"},"
                  " {\"title\": \"b\", \"owner\": \"K\", \"due\": \"2026-05-31\", \"status\": "
                  "\"cancelled\"},"
                  " {\"title\": \"c\", \"due\": \"2026-06-01\"}, {\"title\": \"d\", \"owner\": "
                  "\"\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}]}",
                  "action_overdue actions[0].due;action_without_owner actions[2].owner;"
                  "action_without_owner actions[3].owner;",
                  0);
  expect_findings("{" CLEAN_PARTS ", \"_\": 0}", "", 0);
  expect_findings("{\"objectives\": [{\"title\": \"o\"}],"
                  " \"stakeholders\": [{\"name\": \"E\", \"buying_roles\": [\"economic\", "
                  "\"coach\"]}],"
                  " \"white_space\": {\"offerings\": [{\"id\": \"a\"}], \"units\": [{\"id\": "
                  "\"u\"}],"
                  " \"cells\": [{\"unit\": \"u\", \"offering\": \"a\", \"status\": "
                  "\"competitor\", \"competitor\": \"H\"}]},"
                  " \"competitors\": [{\"name\": \"H\", \"threat\": \"high\"}, {\"name\": \"L\", "
                  "\"threat\": \"high\"}]}",
                  "high_threat_competitor competitors[0];", 0);
}

static int stop_at_second(void *ud, const kam_finding *f) {
  (void)f;
  return ++*(int *)ud == 2 ? 42 : 0;
}

static void test_check_messages(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_plan *p = parse(ctx, "{\"lang\": \"en\"}");
  kam_value *m = NULL;
  int calls = 0;
  (void)state;
  assert_int_equal(kam_plan_to_value(&m, p), KAM_OK);
  assert_string_equal(str_at(m, "findings.0.code"), "no_economic_buyer");
  assert_string_equal(str_at(m, "findings.0.severity"), "warning");
  assert_string_equal(str_at(m, "findings.0.message"), "no economic buyer is identified");
  kam_value_free(m);
  assert_int_equal(kam_plan_set_lang(p, "ru"), KAM_OK);
  assert_int_equal(kam_plan_to_value(&m, p), KAM_OK);
  assert_string_equal(str_at(m, "findings.2.message"), "в плане нет целей");
  kam_value_free(m);
  assert_int_equal(kam_plan_check(p, stop_at_second, &calls), 42);
  assert_int_equal(calls, 2);
  kam_plan_free(p);
  kam_ctx_free(ctx);
}

/* ---- rendering --------------------------------------------------------------------------- */

static void test_render(void **state) {
  size_t len;
  char *json = kam_test_read_file(SAMPLE, &len), *out;
  kam_ctx *ctx = new_ctx();
  kam_plan *p = NULL;
  kam_template *t = NULL;
  kam_test_sink s;
  (void)state;
  assert_int_equal(kam_plan_from_json(&p, ctx, json, len), KAM_OK);
  out = render(p, KAM_FORMAT_HTML);
  assert_non_null(strstr(out, "<table class=\"heat\">"));
  assert_non_null(strstr(out, "<td class=\"cell competitor\">у конкурента<br>WebTutor</td>"));
  assert_non_null(strstr(out, "@page { size: A4;"));
  assert_non_null(strstr(out, "АО «Волга-Ритейл»"));
  free(out);
  out = render(p, KAM_FORMAT_MARKDOWN);
  assert_non_null(strstr(out, "## Белые пятна и доля кошелька"));
  free(out);
  out = render(p, KAM_FORMAT_TEXT);
  assert_non_null(strstr(out, "Потенциал роста"));
  free(out);
  out = render(p, KAM_FORMAT_JSON);
  assert_non_null(strstr(out, "\"headroom\""));
  free(out);
  assert_int_equal(kam_plan_set_lang(p, "en"), KAM_OK);
  out = render(p, KAM_FORMAT_MARKDOWN);
  assert_non_null(strstr(out, "## White space and share of wallet"));
  free(out);
  assert_int_equal(
      kam_template_compile(&t, ctx, "{{account.name}}: {{white_space.total.share.text}}",
                           strlen("{{account.name}}: {{white_space.total.share.text}}")),
      KAM_OK);
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_plan_render_template(p, t, kam_test_sink_write, &s), KAM_OK);
  assert_string_equal(s.data, "АО «Волга-Ритейл»: 15.5%");
  kam_test_sink_free(&s);
  kam_template_free(t);
  kam_plan_free(p);
  kam_ctx_free(ctx);
  free(json);
}

static void test_escaping(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_plan *p = parse(ctx, "{\"account\": {\"name\": \"<b>[x](y)</b>\\u0007\"}}");
  char *out;
  (void)state;
  out = render(p, KAM_FORMAT_HTML);
  assert_non_null(strstr(out, "&lt;b&gt;[x](y)&lt;/b&gt;"));
  free(out);
  out = render(p, KAM_FORMAT_MARKDOWN);
  assert_non_null(strstr(out, "\\<b\\>\\[x\\](y)\\</b\\>"));
  assert_null(strchr(out, '\a'));
  free(out);
  out = render(p, KAM_FORMAT_TEXT);
  assert_null(strchr(out, '\a'));
  free(out);
  kam_plan_free(p);
  kam_ctx_free(ctx);
}

/* ---- failure injection ------------------------------------------------------------------- */

/* Reads the sample and frees it; a failed read leaves no plan. */
static int read_sample(void *ud, kam_ctx *ctx) {
  const char *json = (const char *)ud;
  kam_plan *p = NULL;
  int rc = kam_plan_from_json(&p, ctx, json, strlen(json));
  assert_true((rc == KAM_OK) == (p != NULL));
  kam_plan_free(p);
  return rc;
}

static void test_oom_from_json(void **state) {
  size_t len, failed;
  char *json = kam_test_read_file(SAMPLE, &len);
  (void)state;
  assert_non_null(json);
  failed = kam_test_oom_sweep(read_sample, json);
  assert_true(failed > 100 && failed != (size_t)-1);
  free(json);
}

static const char compact_doc[] =
    "{\"lang\": \"en\", \"as_of\": \"2026-06-01\", " CLEAN_PARTS
    ", \"swot\": {\"threats\": [\"t\"]},"
    " \"risks\": [{\"title\": \"r\", \"probability\": 0.5, "
    "\"impact\": 3}, {\"title\": \"s\"}],"
    " \"account\": {\"name\": \"A\", \"revenue\": 1, \"share\": 0.2}}";

/* OOM at every allocation of op (0 model, 1..4 render, 5 write_json, 6 check), and write
 * failure at every call: the error comes back, nothing leaks, the plan is unchanged. */
static int count_findings(void *ud, const kam_finding *f) {
  (void)f;
  ++*(int *)ud;
  return 0;
}

static int run_op(const kam_plan *p, int op, kam_test_sink *s) {
  kam_value *v = NULL;
  int n = 0, rc;
  if (op == 0) {
    rc = kam_plan_to_value(&v, p);
    kam_value_free(v);
    return rc;
  }
  if (op == 5) return kam_plan_write_json(p, kam_test_sink_write, s);
  if (op == 6) return kam_plan_check(p, count_findings, &n);
  return kam_plan_render(p, op, kam_test_sink_write, s);
}

static void test_oom_ops(void **state) {
  int op;
  (void)state;
  for (op = 0; op <= 6; op++) {
    kam_test_alloc ta;
    kam_ctx *ctx = NULL;
    kam_plan *p = NULL;
    char *before, *after;
    size_t fail_at;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    assert_int_equal(kam_plan_from_json(&p, ctx, compact_doc, strlen(compact_doc)), KAM_OK);
    before = doc_json(p);
    for (fail_at = 1;; fail_at++) {
      size_t blocks = ta.blocks;
      kam_test_sink s;
      int rc;
      memset(&s, 0, sizeof s);
      ta.fail_at = ta.calls + fail_at;
      rc = run_op(p, op, &s);
      ta.fail_at = 0;
      kam_test_sink_free(&s);
      assert_int_equal(ta.blocks, blocks);
      if (rc == KAM_OK) break;
      if (rc != KAM_ENOMEM)
        fail_msg("op %d, fail at %zu: %d %s", op, fail_at, rc, kam_ctx_errmsg(ctx));
    }
    if (op != 6) assert_true(fail_at > 5);
    after = doc_json(p);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* the write callback fails at every call */
    for (fail_at = 1; op >= 1 && op <= 5; fail_at++) {
      kam_test_sink s;
      int rc;
      memset(&s, 0, sizeof s);
      s.fail_at_call = fail_at;
      s.fail_status = 77;
      rc = run_op(p, op, &s);
      kam_test_sink_free(&s);
      if (rc == KAM_OK) break;
      assert_int_equal(rc, 77);
    }
    kam_plan_free(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample),        cmocka_unit_test(test_errors),
      cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_setters),
      cmocka_unit_test(test_objectives),    cmocka_unit_test(test_white_space),
      cmocka_unit_test(test_risks),         cmocka_unit_test(test_check_clean),
      cmocka_unit_test(test_check_codes),   cmocka_unit_test(test_check_messages),
      cmocka_unit_test(test_render),        cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_oom_from_json), cmocka_unit_test(test_oom_ops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_term.c - the proposal's contract term (issue 15, parts 2-5): recurring lines counted per
 * contract year, the first-year cost and the contract value, the payment schedule split exactly
 * to the minor unit, the investment taken from the price, the item's own unit forms, their
 * lossless JSON, sums near INT64_MAX, OOM at every allocation and write failure at every call. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/proposal_internal.h"
#include "documents/unit_internal.h"
#include "testutil.h"

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

static kam_proposal *parse(kam_ctx *ctx, const char *json) {
  kam_proposal *p = NULL;
  int rc = kam_proposal_from_json(&p, ctx, json, strlen(json));
  if (rc) fail_msg("from_json: %d %s", rc, kam_ctx_errmsg(ctx));
  return p;
}

static int parse_rc(kam_ctx *ctx, const char *json) {
  kam_proposal *p = NULL;
  int rc = kam_proposal_from_json(&p, ctx, json, strlen(json));
  kam_proposal_free(p);
  return rc;
}

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
  if (rc) fail_msg("render %d: %d %s", format, rc, kam_ctx_errmsg(p->ctx));
  return s.data;
}

#define HEAD                                                                                       \
  "{\"seller\":{\"name\":\"S\"},\"client\":{\"name\":\"C\"},\"issued\":\"2026-12-01\","             \
  "\"valid_days\":30,"

/* A proposal of one line of 1.00 (no VAT) of the given period over term months. */
static kam_proposal *one_line(kam_ctx *ctx, const char *period, int term) {
  char json[512];
  snprintf(json, sizeof json,
           HEAD "\"term_months\":%d,\"items\":[{\"description\":\"x\",\"unit_price\":\"1.00\","
                "\"period\":\"%s\"}]}",
           term, period);
  return parse(ctx, json);
}

/* ---- the term ---------------------------------------------------------------------------- */

static void test_term_arithmetic(void **state) {
  static const struct {
    int term;
    const char *period;
    int64_t per_year[3]; /* payments in years 1..3 */
    int years;
  } cases[] = {
      {12, "month", {12}, 1},         {12, "quarter", {4}, 1},      {12, "year", {1}, 1},
      {18, "month", {12, 6}, 2},      {18, "quarter", {4, 2}, 2},   {18, "year", {1, 1}, 2},
      {36, "month", {12, 12, 12}, 3}, {36, "quarter", {4, 4, 4}, 3}, {36, "year", {1, 1, 1}, 3},
      {7, "month", {7}, 1},           {7, "quarter", {3}, 1},       {7, "year", {1}, 1},
      {18, "once", {1, 0}, 2},        {36, "once", {1, 0, 0}, 3},
  };
  kam_ctx *ctx = new_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kam_proposal *p = one_line(ctx, cases[i].period, cases[i].term);
    kam_totals t;
    int64_t sum = 0;
    int y;
    memset(&t, 0, sizeof t);
    t.struct_size = sizeof t;
    assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
    assert_int_equal(t.term_months, cases[i].term);
    assert_int_equal(t.years, cases[i].years);
    assert_int_equal(t.total, 100); /* the table: one period */
    for (y = 0; y < cases[i].years; y++) {
      kam_year_cost c;
      memset(&c, 0, sizeof c);
      c.struct_size = sizeof c;
      assert_int_equal(kam_proposal_year_cost(&c, p, (uint32_t)y + 1), KAM_OK);
      if (c.total != 100 * cases[i].per_year[y])
        fail_msg("term %d %s year %d: %lld", cases[i].term, cases[i].period, y + 1,
                 (long long)c.total);
      assert_int_equal(c.net, c.total);
      assert_int_equal(c.vat, 0);
      assert_int_equal(c.months, y + 1 < cases[i].years ? 12 : cases[i].term - 12 * y);
      sum += c.total;
    }
    assert_int_equal(t.first_year, 100 * cases[i].per_year[0]);
    assert_int_equal(t.contract_value, sum);
    {
      kam_year_cost c;
      memset(&c, 0, sizeof c);
      c.struct_size = sizeof c;
      assert_int_equal(kam_proposal_year_cost(&c, p, (uint32_t)cases[i].years + 1),
                       KAM_ENOTFOUND);
      assert_int_equal(kam_proposal_year_cost(&c, p, 0), KAM_ENOTFOUND);
    }
    kam_proposal_free(p);
  }
  /* The counting rule itself: started periods count whole, each in the year of its month. */
  assert_int_equal(kam__recur_count(KAM_RECUR_QUARTER, 13, 1), 1); /* month 12 */
  assert_int_equal(kam__recur_count(KAM_RECUR_QUARTER, 12, 1), 0);
  assert_int_equal(kam__recur_count(KAM_RECUR_YEAR, 25, 2), 1);
  assert_int_equal(kam__recur_count(KAM_RECUR_MONTH, 1200, 99), 12);
  kam_ctx_free(ctx);
}

/* Without a term and recurring lines nothing changes: first year = contract value = total. */
static void test_no_term_is_the_total(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p =
      parse(ctx, HEAD "\"items\":[{\"description\":\"a\",\"quantity\":\"3\",\"unit_price\":"
                      "\"10.01\",\"vat_percent\":\"20\"},{\"description\":\"o\",\"unit_price\":"
                      "\"5\",\"optional\":true,\"period\":\"month\"}]}");
  kam_totals t;
  kam_value *m = NULL;
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
  assert_int_equal(t.total, 3604);
  assert_int_equal(t.first_year, 3604);
  assert_int_equal(t.contract_value, 3604);
  assert_int_equal(t.years, 1);
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  /* An optional recurring line does not make a years table. */
  assert_false(kam_value_bool(kam_value_get(m, "has_years", 9)));
  assert_false(kam_value_bool(kam_value_get(m, "has_payments", 12)));
  kam_value_free(m);
  /* An old struct_size still works and is not written past. */
  {
    kam_totals small;
    memset(&small, 0xAB, sizeof small);
    small.struct_size = (uint32_t)offsetof(kam_totals, first_year);
    assert_int_equal(kam_proposal_totals(&small, p), KAM_OK);
    assert_int_equal(small.total, 3604);
    assert_int_equal((uint8_t)((const unsigned char *)&small.first_year)[0], 0xAB);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* Mixed lines with VAT: the year figures are line figures x payments, so they add up. */
static void test_years_with_vat(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(
      ctx, HEAD "\"term_months\":36,\"items\":["
                "{\"description\":\"lic\",\"quantity\":\"50\",\"unit_price\":\"12000.00\","
                "\"vat_percent\":\"20\",\"period\":\"year\"},"
                "{\"description\":\"sup\",\"quantity\":\"2.5\",\"unit_price\":\"1000.01\","
                "\"vat_percent\":\"20\",\"period\":\"month\"},"
                "{\"description\":\"impl\",\"unit_price\":\"500000\",\"vat_percent\":\"20\"}]}");
  kam_totals t;
  kam_year_cost c;
  int64_t lic = 60000000 + 12000000, sup = 250003 + 50001, impl = 50000000 + 10000000;
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
  assert_int_equal(t.total, lic + sup + impl);
  assert_int_equal(t.first_year, lic + 12 * sup + impl);
  assert_int_equal(t.contract_value, 3 * lic + 36 * sup + impl);
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  assert_int_equal(kam_proposal_year_cost(&c, p, 2), KAM_OK);
  assert_int_equal(c.total, lic + 12 * sup);
  assert_int_equal(c.net + c.vat, c.total);
  assert_int_equal(c.vat, 12000000 + 12 * 50001);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- the payment schedule ---------------------------------------------------------------- */

static void expect_split(const char *price, const char *const pct[], size_t n,
                         const int64_t want[]) {
  char json[1024];
  size_t i, off;
  kam_ctx *ctx = new_ctx();
  kam_proposal *p;
  int64_t sum = 0;
  bool mismatch = true;
  off = (size_t)snprintf(json, sizeof json,
                         HEAD "\"items\":[{\"description\":\"x\",\"unit_price\":\"%s\"}],"
                              "\"payments\":[",
                         price);
  for (i = 0; i < n; i++)
    off += (size_t)snprintf(json + off, sizeof json - off,
                            "%s{\"label\":\"P%zu\",\"percent\":\"%s\",\"days\":%zu}",
                            i ? "," : "", i, pct[i], i * 10);
  snprintf(json + off, sizeof json - off, "]}");
  p = parse(ctx, json);
  for (i = 0; i < n; i++) {
    kam_payment r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_int_equal(kam_proposal_payment(&r, p, i), KAM_OK);
    if (r.amount_minor != want[i])
      fail_msg("%s split %zu: %lld, want %lld", price, i, (long long)r.amount_minor,
               (long long)want[i]);
    assert_string_equal(r.percent, pct[i]);
    assert_null(r.amount);
    assert_int_equal(r.due_kind, KAM_DUE_DAYS);
    assert_int_equal(r.days, (int32_t)(i * 10));
    sum += r.amount_minor;
  }
  assert_int_equal(kam__proposal_payments_mismatch(p, &mismatch, NULL, NULL), KAM_OK);
  assert_false(mismatch);
  {
    kam_totals t;
    memset(&t, 0, sizeof t);
    t.struct_size = sizeof t;
    assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
    assert_int_equal(sum, t.contract_value);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_payment_splits(void **state) {
  static const char *const thirds[] = {"33.333", "33.333", "33.334"};
  static const int64_t thirds_want[] = {33333, 33333, 33335}; /* 1000.01: 33334.33 is largest */
  static const char *const small[] = {"30", "30", "40"};
  static const int64_t small_want[] = {0, 0, 1}; /* 0.01: the 40 % has the largest remainder */
  static const char *const halves[] = {"50", "50"};
  static const int64_t halves_want[] = {1, 0}; /* ties: the earlier one */
  static const int64_t max_halves[] = {INT64_MAX / 2 + 1, INT64_MAX / 2};
  static const char *const sevenths[] = {"14.285714", "14.285714", "14.285714", "14.285714",
                                         "14.285714", "14.285714", "14.285716"};
  /* Each 14285.714 (the last 14285.716): 5 units left, to the last and the first four. */
  static const int64_t sevenths_want[] = {14286, 14286, 14286, 14286, 14285, 14285, 14286};
  (void)state;
  expect_split("1000.01", thirds, 3, thirds_want);
  expect_split("0.01", small, 3, small_want);
  expect_split("0.01", halves, 2, halves_want);
  /* Near INT64_MAX: the shares are formed in 128 bits and still add up exactly. */
  expect_split("92233720368547758.07", halves, 2, max_halves);
  expect_split("1000.00", sevenths, 7, sevenths_want);
}

static void test_payments_mismatch_and_fixed_amounts(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, HEAD "\"items\":[{\"description\":\"x\",\"unit_price\":\"100\"}],"
                                    "\"payments\":[{\"label\":\"A\",\"amount\":\"30.00\","
                                    "\"due\":\"2026-12-15\"},{\"label\":\"B\",\"percent\":\"70\","
                                    "\"days\":10}]}");
  bool mismatch = false;
  int64_t scheduled = 0, due = 0;
  kam_payment r;
  (void)state;
  assert_int_equal(kam__proposal_payments_mismatch(p, &mismatch, &scheduled, &due), KAM_OK);
  assert_false(mismatch);
  assert_int_equal(scheduled, 10000);
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  assert_int_equal(kam_proposal_payment(&r, p, 0), KAM_OK);
  assert_string_equal(r.amount, "30.00");
  assert_null(r.percent);
  assert_int_equal(r.amount_minor, 3000);
  assert_int_equal(r.due_kind, KAM_DUE_DATE);
  assert_int_equal(kam_proposal_payment(&r, p, 2), KAM_ENOTFOUND);
  /* The fixed amount follows the currency: 30.00 RUB is 30 JPY; 30.50 could not be. */
  assert_int_equal(kam_proposal_set_currency(p, "JPY"), KAM_OK);
  {
    char *j = doc_json(p);
    assert_non_null(strstr(j, "\"amount\": \"30\""));
    free(j);
  }
  assert_int_equal(kam_proposal_set_currency(p, "RUB"), KAM_OK);
  kam_proposal_free(p);
  p = parse(ctx, HEAD "\"payments\":[{\"label\":\"A\",\"amount\":\"30.50\",\"days\":0}]}");
  assert_int_equal(kam_proposal_set_currency(p, "JPY"), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "payments[0].amount"));
  assert_string_equal(p->currency, "RUB");
  kam_proposal_free(p);
  /* Amounts that do not add up to the amount to pay. */
  p = parse(ctx, HEAD "\"items\":[{\"description\":\"x\",\"unit_price\":\"100\"}],"
                      "\"payments\":[{\"label\":\"A\",\"amount\":\"30.00\",\"days\":0},"
                      "{\"label\":\"B\",\"percent\":\"60\",\"days\":10}]}");
  assert_int_equal(kam__proposal_payments_mismatch(p, &mismatch, &scheduled, &due), KAM_OK);
  assert_true(mismatch);
  assert_int_equal(scheduled, 9000);
  assert_int_equal(due, 10000);
  kam_proposal_free(p);
  /* No payments: no mismatch. */
  p = one_line(ctx, "once", 12);
  assert_int_equal(kam__proposal_payments_mismatch(p, &mismatch, NULL, NULL), KAM_OK);
  assert_false(mismatch);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- sums near INT64_MAX ----------------------------------------------------------------- */

static void test_overflow(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p;
  kam_totals t;
  kam_value *m = NULL;
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  /* One year fits; two do not. */
  p = parse(ctx, HEAD "\"term_months\":24,\"items\":[{\"description\":\"big\","
                      "\"unit_price\":\"92233720368547758.07\",\"period\":\"year\"}]}");
  assert_int_equal(kam_proposal_totals(&t, p), KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "contract value"));
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_EOVERFLOW);
  assert_null(m);
  assert_int_equal(kam_proposal_set_term_months(p, 12), KAM_OK);
  assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
  assert_int_equal(t.contract_value, INT64_MAX);
  kam_proposal_free(p);
  /* A monthly line whose year does not fit: the message names the item and the year. */
  p = parse(ctx, HEAD "\"items\":[{\"description\":\"monthly\","
                      "\"unit_price\":\"80000000000000000.00\",\"period\":\"month\"}]}");
  assert_int_equal(kam_proposal_totals(&t, p), KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[0]"));
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "year 1"));
  {
    kam_year_cost c;
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    assert_int_equal(kam_proposal_year_cost(&c, p, 1), KAM_EOVERFLOW);
  }
  kam_proposal_free(p);
  /* Fixed payments whose sum overflows. */
  p = parse(ctx, HEAD "\"items\":[{\"description\":\"x\",\"unit_price\":\"1\"}],\"payments\":["
                      "{\"label\":\"A\",\"amount\":\"92233720368547758.07\",\"days\":1},"
                      "{\"label\":\"B\",\"amount\":\"1.00\",\"days\":2}]}");
  {
    kam_payment r;
    bool mismatch;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_int_equal(kam_proposal_payment(&r, p, 0), KAM_EOVERFLOW);
    assert_int_equal(kam__proposal_payments_mismatch(p, &mismatch, NULL, NULL), KAM_EOVERFLOW);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static const char full_doc[] =
    HEAD "\"cash_flows\":{\"rate\":0.1,\"values\":[700000,800000,900000],\"period\":\"year\","
         "\"investment\":\"auto\"},"
         "\"items\":[{\"description\":\"Лицензия\",\"unit\":{\"one\":\"лицензия\",\"few\":"
         "\"лицензии\",\"many\":\"лицензий\"},\"quantity\":\"22\",\"unit_price\":\"12000.00\","
         "\"vat_percent\":\"20\",\"period\":\"year\"},"
         "{\"description\":\"Поддержка\",\"unit\":{\"one\":\"обращение\",\"many\":\"обращений\"},"
         "\"quantity\":\"2.5\",\"unit_price\":\"1000.00\",\"vat_percent\":\"20\","
         "\"period\":\"quarter\"},"
         "{\"description\":\"Внедрение\",\"unit\":\"услуга\",\"unit_price\":\"500000.00\","
         "\"vat_percent\":\"20\"},"
         "{\"description\":\"Аудит\",\"unit_price\":\"1000.00\",\"period\":\"month\","
         "\"optional\":true}],"
         "\"term_months\":30,"
         "\"payments\":[{\"label\":\"Аванс\",\"percent\":\"30\",\"days\":10},"
         "{\"label\":\"Второй год\",\"percent\":\"40\",\"due\":\"2027-12-15\"},"
         "{\"label\":\"Остаток\",\"percent\":\"30\",\"due\":\"2028-12-15\"}]}";

static void test_json_round_trip(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_doc), *q;
  char *j1 = doc_json(p), *j2;
  (void)state;
  assert_non_null(strstr(j1, "\"term_months\": 30"));
  assert_non_null(strstr(j1, "\"investment\": \"auto\""));
  assert_non_null(strstr(j1, "\"period\": \"quarter\""));
  assert_non_null(strstr(j1, "\"few\": \"лицензии\""));
  assert_non_null(strstr(j1, "\"due\": \"2027-12-15\""));
  assert_non_null(strstr(j1, "\"days\": 10"));
  assert_null(strstr(j1, "\"period\": \"once\"")); /* the default is left out */
  q = parse(ctx, j1);
  j2 = doc_json(q);
  assert_string_equal(j1, j2);
  assert_int_equal(kam_proposal_count(q, KAM_PROPOSAL_PAYMENTS), 3);
  assert_int_equal(kam_proposal_count(q, KAM_PROPOSAL_TERM_MONTHS), 1);
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_PAYMENTS), KAM_OK);
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_TERM_MONTHS), KAM_OK);
  assert_int_equal(kam_proposal_count(q, KAM_PROPOSAL_PAYMENTS), 0);
  free(j2);
  j2 = doc_json(q);
  assert_null(strstr(j2, "term_months"));
  assert_null(strstr(j2, "payments"));
  free(j1);
  free(j2);
  kam_proposal_free(q);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_json_errors(void **state) {
  static const struct {
    const char *json, *needle;
  } bad[] = {
      {HEAD "\"items\":[{\"description\":\"x\",\"period\":\"week\"}]}", "items[0].period"},
      {HEAD "\"items\":[{\"description\":\"x\",\"unit\":{\"one\":\"a\",\"other\":\"b\"}}]}",
       "items[0].unit.other"},
      {HEAD "\"items\":[{\"description\":\"x\",\"unit\":{\"one\":1}}]}", "items[0].unit.one"},
      {HEAD "\"term_months\":0}", "term_months"},
      {HEAD "\"term_months\":1201}", "term_months"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"30\",\"due\":\"2026-01-01\","
            "\"days\":3}]}",
       "payments[0].days"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"0\",\"days\":3}]}",
       "payments[0].percent"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"101\",\"days\":3}]}",
       "payments[0].percent"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"10\",\"amount\":\"1\",\"days\":3}]}",
       "payments[0].amount"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"amount\":\"1.001\",\"days\":3}]}",
       "payments[0].amount"},
      {HEAD "\"payments\":[{\"percent\":\"10\",\"days\":3}]}", "payments[0].label"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"10\"}]}", "payments[0].due"},
      {HEAD "\"payments\":[{\"label\":\"a\",\"percent\":\"10\",\"due\":\"2026-13-01\"}]}",
       "payments[0].due"},
      {HEAD "\"cash_flows\":{\"values\":[1],\"investment\":\"manual\"}}",
       "cash_flows.investment"},
  };
  kam_ctx *ctx = new_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = parse_rc(ctx, bad[i].json);
    if (rc != KAM_EPARSE || !strstr(kam_ctx_errmsg(ctx), bad[i].needle))
      fail_msg("case %zu: rc %d '%s', want EPARSE naming %s", i, rc, kam_ctx_errmsg(ctx),
               bad[i].needle);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "line 1"));
  }
  kam_ctx_free(ctx);
}

/* The C setters refuse what JSON cannot say (a unit and its own forms together). */
static void test_setters(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = NULL;
  kam_item it;
  kam_payment pay;
  kam_cash_flows cf;
  double v[2] = {1, 2};
  (void)state;
  assert_int_equal(kam_proposal_new(&p, ctx), KAM_OK);
  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  it.description = "x";
  it.unit = "шт.";
  it.unit_one = "штука";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  it.unit = NULL;
  it.period = 2;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[0].period"));
  it.period = KAM_RECUR_QUARTER;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_OK);
  assert_int_equal(kam_proposal_set_term_months(p, -1), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_term_months(p, 1201), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_term_months(p, 0), KAM_OK);
  memset(&pay, 0, sizeof pay);
  pay.struct_size = sizeof pay;
  pay.label = "a";
  pay.percent = "100";
  pay.due_kind = KAM_DUE_DAYS;
  pay.days = 36501;
  assert_int_equal(kam_proposal_add_payment(p, &pay), KAM_EINVAL);
  pay.days = 0;
  assert_int_equal(kam_proposal_add_payment(p, &pay), KAM_OK);
  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  cf.values = v;
  cf.count = 2;
  cf.investment = 7;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_EINVAL);
  /* An old kam_cash_flows without the investment field reads it as given. */
  cf.struct_size = (uint32_t)offsetof(kam_cash_flows, investment);
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
  assert_int_equal(p->investment, KAM_INVESTMENT_GIVEN);
  assert_int_equal(kam_proposal_add_payment(NULL, &pay), KAM_EINVAL);
  assert_int_equal(kam_proposal_add_payment(p, NULL), KAM_EINVAL);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- units ------------------------------------------------------------------------------- */

static void test_own_unit_forms(void **state) {
  static const struct {
    const char *q, *ru, *en;
  } cases[] = {
      {"0", "групп", "groups"},     {"1", "группа", "group"},     {"2", "группы", "groups"},
      {"4", "группы", "groups"},    {"5", "групп", "groups"},     {"11", "групп", "groups"},
      {"12", "групп", "groups"},    {"14", "групп", "groups"},    {"21", "группа", "groups"},
      {"22", "группы", "groups"},   {"25", "групп", "groups"},    {"101", "группа", "groups"},
      {"111", "групп", "groups"},   {"0.5", "группы", "groups"},  {"1.5", "группы", "groups"},
      {"2.5", "группы", "groups"},  {"320.5", "группы", "groups"}, {"1.00", "группа", "group"},
  };
  kam_ctx *ctx = new_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kam__decimal q;
    char json[512];
    kam_proposal *p;
    kam_value *m = NULL;
    const kam_value *line;
    int lang;
    assert_int_equal(kam__decimal_read(&q, cases[i].q, strlen(cases[i].q), KAM__DEC_DOCUMENT,
                                       NULL),
                     KAM_OK);
    /* Forms the dictionary does not know, so only the item's forms can give these. */
    assert_string_equal(kam__unit_form_own("грп-а", "грп-ы", "грп", q, false),
                        !strcmp(cases[i].ru, "группа")   ? "грп-а"
                        : !strcmp(cases[i].ru, "группы") ? "грп-ы"
                                                         : "грп");
    for (lang = 0; lang < 2; lang++) {
      snprintf(json, sizeof json,
               HEAD "\"lang\":\"%s\",\"items\":[{\"description\":\"x\",\"unit\":%s,"
                    "\"quantity\":\"%s\",\"unit_price\":\"1\"}]}",
               lang ? "en" : "ru",
               lang ? "{\"one\":\"group\",\"many\":\"groups\"}"
                    : "{\"one\":\"группа\",\"few\":\"группы\",\"many\":\"групп\"}",
               cases[i].q);
      p = parse(ctx, json);
      assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
      line = kam_value_at(kam_value_get(m, "items", 5), 0);
      assert_string_equal(kam_value_string(kam_value_get(line, "unit", 4), NULL),
                          lang ? cases[i].en : cases[i].ru);
      kam_value_free(m);
      kam_proposal_free(p);
    }
  }
  /* Fallbacks: few <-> many, then one. */
  {
    kam__decimal two = {2, 0}, five = {5, 0}, one = {1, 0};
    assert_string_equal(kam__unit_form_own("a", NULL, "c", two, false), "c");
    assert_string_equal(kam__unit_form_own("a", "b", NULL, five, false), "b");
    assert_string_equal(kam__unit_form_own("a", NULL, NULL, five, true), "a");
    assert_string_equal(kam__unit_form_own(NULL, NULL, "c", one, false), "c");
  }
  kam_ctx_free(ctx);
}

/* ---- the investment from the price ------------------------------------------------------- */

static void test_investment(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_doc);
  kam_value *m = NULL;
  const kam_value *fin;
  kam_totals t;
  bool mismatch = true;
  double given;
  int64_t price;
  char json[1024];
  (void)state;
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  assert_int_equal(kam_proposal_totals(&t, p), KAM_OK);
  assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
  fin = kam_value_get(m, "finance", 7);
  assert_true(kam_value_bool(kam_value_get(fin, "investment_from_price", 21)));
  assert_non_null(strstr(kam_value_string(kam_value_get(fin, "flows_caption", 13), NULL),
                         "за вычетом платежей"));
  assert_non_null(strstr(kam_value_string(kam_value_get(fin, "investment_caption", 18), NULL),
                         "стоимость по предложению"));
  /* t = 0: minus the first-year cost; yearly flows over 30 months: year 2's and 3's costs are
   * taken from the flows at t = 1 and t = 2. The investment shown is the contract value. */
  {
    const kam_value *f0 =
        kam_value_get(kam_value_at(kam_value_get(fin, "flows", 5), 0), "amount", 6);
    const kam_value *inv = kam_value_get(fin, "investment", 10);
    assert_int_equal((int64_t)kam_value_number(kam_value_get(f0, "minor", 5)), -t.first_year);
    assert_int_equal((int64_t)kam_value_number(kam_value_get(inv, "minor", 5)), t.contract_value);
    assert_int_equal(kam_value_length(kam_value_get(fin, "flows", 5)), 4);
  }
  assert_int_equal(kam__proposal_investment_mismatch(p, &mismatch, NULL, NULL), KAM_OK);
  assert_false(mismatch); /* taken from the price: nothing to compare */
  kam_value_free(m);
  /* Savings of one year over a 30-month term: the flows go on until year 3's cost is in. */
  {
    double one = 700000;
    kam_cash_flows cf;
    memset(&cf, 0, sizeof cf);
    cf.struct_size = sizeof cf;
    cf.values = &one;
    cf.count = 1;
    cf.investment = KAM_INVESTMENT_AUTO;
    assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
    assert_int_equal(kam_proposal_to_value(&m, p), KAM_OK);
    fin = kam_value_get(m, "finance", 7);
    assert_int_equal(kam_value_length(kam_value_get(fin, "flows", 5)), 3);
    assert_int_equal((int64_t)kam_value_number(
                         kam_value_get(kam_value_get(fin, "investment", 10), "minor", 5)),
                     t.contract_value);
    kam_value_free(m);
  }
  kam_proposal_free(p);
  /* A given investment within 1 % of the first-year cost (1 380 000.00) and one beyond. */
  snprintf(json, sizeof json,
           HEAD "\"cash_flows\":{\"values\":[-1390000,800000]},\"items\":[{\"description\":\"x\","
                "\"unit_price\":\"1150000\",\"vat_percent\":\"20\"}]}");
  p = parse(ctx, json);
  assert_int_equal(kam__proposal_investment_mismatch(p, &mismatch, &given, &price), KAM_OK);
  assert_false(mismatch);
  assert_int_equal(price, 138000000);
  assert_true(given == 1390000.0);
  kam_proposal_free(p);
  snprintf(json, sizeof json,
           HEAD "\"cash_flows\":{\"values\":[-1400000,800000]},\"items\":[{\"description\":\"x\","
                "\"unit_price\":\"1150000\",\"vat_percent\":\"20\"}]}");
  p = parse(ctx, json);
  assert_int_equal(kam__proposal_investment_mismatch(p, &mismatch, NULL, NULL), KAM_OK);
  assert_true(mismatch);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- rendering --------------------------------------------------------------------------- */

static void test_rendered_everywhere(void **state) {
  static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT};
  kam_ctx *ctx = new_ctx();
  int lang;
  size_t f;
  (void)state;
  for (lang = 0; lang < 2; lang++) {
    kam_proposal *p = parse(ctx, full_doc);
    assert_int_equal(kam_proposal_set_lang(p, lang ? "en" : "ru"), KAM_OK);
    for (f = 0; f < 3; f++) {
      char *out = render(p, formats[f]);
      const char *want[] = {lang ? "Cost by contract year" : "Стоимость по годам договора",
                            lang ? "Total over the term (30 months)"
                                 : "Всего за срок договора (30\xC2\xA0месяцев)",
                            lang ? "Year 3 (6 months)" : "3-й год (6\xC2\xA0месяцев)",
                            lang ? "Payment schedule" : "График платежей",
                            lang ? "10 days after signing the contract"
                                 : "через 10\xC2\xA0дней после подписания договора",
                            lang ? "per year" : "в год",
                            lang ? "лицензий" : "лицензии", /* item forms: en one/many */
                            NULL};
      size_t k;
      for (k = 0; want[k]; k++)
        if (!strstr(out, want[k])) fail_msg("lang %d format %d: no '%s'", lang, formats[f], want[k]);
      free(out);
    }
    kam_proposal_free(p);
  }
  kam_ctx_free(ctx);
}

/* ---- OOM and write failure --------------------------------------------------------------- */

static void test_oom(void **state) {
  int op;
  (void)state;
  for (op = 0; op < 6; op++) {
    size_t fail_at;
    for (fail_at = 1;; fail_at++) {
      kam_test_alloc ta;
      kam_ctx *ctx = NULL;
      kam_proposal *p = NULL;
      kam_value *v = NULL;
      kam_test_sink s;
      kam_payment pay;
      kam_year_cost c;
      int rc;
      memset(&ta, 0, sizeof ta);
      memset(&s, 0, sizeof s);
      assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
      ta.fail_at = ta.calls + fail_at;
      rc = kam_proposal_from_json(&p, ctx, full_doc, sizeof full_doc - 1);
      if (!rc) {
        memset(&pay, 0, sizeof pay);
        pay.struct_size = sizeof pay;
        memset(&c, 0, sizeof c);
        c.struct_size = sizeof c;
        switch (op) {
        case 0: rc = kam_proposal_to_value(&v, p); break;
        case 1: rc = kam_proposal_render(p, KAM_FORMAT_HTML, kam_test_sink_write, &s); break;
        case 2: rc = kam_proposal_render(p, KAM_FORMAT_TEXT, kam_test_sink_write, &s); break;
        case 3: rc = kam_proposal_write_json(p, kam_test_sink_write, &s); break;
        case 4: rc = kam_proposal_payment(&pay, p, 2); break;
        default: rc = kam_proposal_year_cost(&c, p, 3); break;
        }
      }
      ta.fail_at = 0;
      kam_value_free(v);
      kam_test_sink_free(&s);
      kam_proposal_free(p);
      kam_ctx_free(ctx);
      assert_int_equal(ta.blocks, 0);
      if (rc == KAM_OK) break;
      if (rc != KAM_ENOMEM) fail_msg("op %d, fail at %zu: %d", op, fail_at, rc);
    }
    assert_true(fail_at > 3);
  }
}

static void test_write_failure(void **state) {
  static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT, 0};
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_doc);
  size_t f;
  (void)state;
  for (f = 0; f < sizeof formats / sizeof formats[0]; f++) {
    size_t k;
    for (k = 1;; k++) {
      kam_test_sink s;
      int rc;
      memset(&s, 0, sizeof s);
      s.fail_at_call = k;
      s.fail_status = 77 + (int)k;
      rc = formats[f] ? kam_proposal_render(p, formats[f], kam_test_sink_write, &s)
                      : kam_proposal_write_json(p, kam_test_sink_write, &s);
      kam_test_sink_free(&s);
      if (rc == KAM_OK) break;
      assert_int_equal(rc, 77 + (int)k);
    }
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_term_arithmetic),
      cmocka_unit_test(test_no_term_is_the_total),
      cmocka_unit_test(test_years_with_vat),
      cmocka_unit_test(test_payment_splits),
      cmocka_unit_test(test_payments_mismatch_and_fixed_amounts),
      cmocka_unit_test(test_overflow),
      cmocka_unit_test(test_json_round_trip),
      cmocka_unit_test(test_json_errors),
      cmocka_unit_test(test_setters),
      cmocka_unit_test(test_own_unit_forms),
      cmocka_unit_test(test_investment),
      cmocka_unit_test(test_rendered_everywhere),
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_write_failure),
  };
  return cmocka_run_group_tests_name("proposal term", tests, NULL, NULL);
}

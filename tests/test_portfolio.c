/* test_portfolio.c - kam_portfolio: adding accounts one by one and in bulk, validation with its
 * messages, duplicate ids across explicit and generated ids, all-or-nothing batches, the
 * internal reserve/truncate/accessors used by the CSV reader, and OOM loops. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam.h"
#include "scoring/portfolio_internal.h"
#include "testutil.h"

static kam_account account(const char *id, int64_t revenue) {
  kam_account a;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = id;
  a.revenue = revenue;
  a.potential = NAN;
  return a;
}

static void expect_error(kam_ctx *ctx, int got, int want, const char *needle) {
  assert_int_equal(got, want);
  if (!strstr(kam_ctx_errmsg(ctx), needle))
    fail_msg("message \"%s\" lacks \"%s\"", kam_ctx_errmsg(ctx), needle);
}

static void test_lifecycle(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p = (kam_portfolio *)1;
  kam_account a = account("A-1", 1500);
  int64_t h[3] = {100, 200, 300};
  double f[2] = {10.5, -3.0};
  const kam__detail *d;
  char buf[KAM__ID_BUF];
  size_t len;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(NULL, ctx), KAM_EINVAL);
  assert_int_equal(kam_portfolio_new(&p, NULL), KAM_EINVAL);
  assert_null(p);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_ptr_equal(kam__portfolio_ctx(p), ctx);
  assert_int_equal(kam_portfolio_count(p), 0);
  assert_int_equal(kam_portfolio_count(NULL), 0);
  a.name = "ООО «Ромашка»";
  a.group = "Holding";
  a.history = h;
  a.history_len = 3;
  a.forecast = f;
  a.forecast_len = 2;
  a.potential = 0.75;
  a.flags = KAM_ACCOUNT_STRATEGIC | KAM_ACCOUNT_NEW;
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  /* Inputs are copied. */
  h[0] = -1;
  f[0] = 0;
  assert_int_equal(kam_portfolio_add(p, &(kam_account){.struct_size = sizeof(kam_account),
                                                       .id = "plain",
                                                       .revenue = 7,
                                                       .potential = NAN}),
                   KAM_OK);
  assert_int_equal(kam_portfolio_count(p), 2);
  d = kam__portfolio_detail(p, 0);
  assert_non_null(d);
  assert_string_equal(d->name, "ООО «Ромашка»");
  assert_string_equal(d->group, "Holding");
  assert_int_equal(d->history_len, 3);
  assert_true(kam__detail_history(p, d)[0] == 100 && kam__detail_history(p, d)[2] == 300);
  assert_true(d->forecast_len == 2 && d->forecast[0] == 10.5);
  assert_true(d->potential == 0.75);
  assert_string_equal(kam__portfolio_name(p, 0), "ООО «Ромашка»");
  assert_string_equal(kam__portfolio_group(p, 0), "Holding");
  assert_null(kam__portfolio_detail(p, 1));
  assert_null(kam__portfolio_name(p, 1));
  assert_null(kam__portfolio_group(p, 1));
  assert_int_equal(p->flags[0] & KAM__ACC_PUBLIC, KAM_ACCOUNT_STRATEGIC | KAM_ACCOUNT_NEW);
  assert_string_equal(kam__portfolio_id(p, 0, buf, &len), "A-1");
  assert_int_equal(len, 3);
  assert_string_equal(kam__portfolio_id(p, 1, buf, NULL), "plain");
  /* Empty name/group count as none: no detail for them alone. */
  a = account("empty-texts", 1);
  a.name = "";
  a.group = "";
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  assert_null(kam__portfolio_detail(p, 2));
  /* Potential 0 is known (a detail). */
  a = account("zero-potential", 1);
  a.potential = 0.0;
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  assert_non_null(kam__portfolio_detail(p, 3));
  kam_portfolio_free(p);
  kam_portfolio_free(NULL);
  kam_ctx_free(ctx);
}

static void test_add_errors(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_account a;
  int64_t h[2] = {5, -1};
  double f[2] = {1.0, NAN};
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add(p, &(kam_account){.struct_size = sizeof(kam_account),
                                                       .id = "taken",
                                                       .revenue = 1,
                                                       .potential = NAN}),
                   KAM_OK);
  assert_int_equal(kam_portfolio_add(NULL, &a), KAM_EINVAL);
  expect_error(ctx, kam_portfolio_add(p, NULL), KAM_EINVAL, "the account is NULL");
  a = account("x", 1);
  a.struct_size = 8;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "struct_size 8");
  a.struct_size = 1u << 20;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "struct_size");
  a = account(NULL, 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "the id is NULL");
  a = account("", 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "the id is empty");
  a = account("bad\xff", 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "not valid UTF-8 (byte 3)");
  a = account("taken", 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EEXIST,
               "duplicate id \"taken\" (account 0 has it)");
  a = account("neg", -5);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL,
               "account \"neg\": revenue -5 is negative");
  a = account("flags", 1);
  a.flags = 0x10;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "unknown flags 0x10");
  a = account("badname", 1);
  a.name = "\xc3\x28";
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "the name is not valid UTF-8");
  a = account("badgroup", 1);
  a.group = "ok\xed\xa0\x80"; /* a surrogate */
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "the group is not valid UTF-8");
  a = account("hist", 1);
  a.history_len = 2;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "history is NULL but history_len is 2");
  a.history = h;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "history[1] = -1 is negative");
  a = account("fc", 1);
  a.forecast_len = 2;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "forecast is NULL but forecast_len is 2");
  a.forecast = f;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "forecast[1] is not a finite number");
  f[1] = INFINITY;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "forecast[1] is not a finite number");
  a = account("pot", 1);
  a.potential = 1.5;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "potential 1.5 is outside 0..1");
  a.potential = -0.1;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "outside 0..1");
  a.potential = INFINITY;
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EINVAL, "outside 0..1");
  /* Nothing of the failed adds stayed. */
  assert_int_equal(kam_portfolio_count(p), 1);
  assert_int_equal(p->detail_len, 0);
  a = account("neg", 0);
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* An old caller's struct ends after `revenue`: the rest is never read. */
static void test_short_struct(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  unsigned char raw[sizeof(kam_account)];
  kam_account *a = (kam_account *)(void *)raw;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  memset(raw, 0xff, sizeof raw); /* garbage in history/forecast/potential */
  a->struct_size = (uint32_t)(offsetof(kam_account, revenue) + sizeof(int64_t));
  a->flags = 0;
  a->id = "old";
  a->name = NULL;
  a->group = NULL;
  a->revenue = 42;
  assert_int_equal(kam_portfolio_add(p, a), KAM_OK);
  assert_null(kam__portfolio_detail(p, 0));
  /* up to history_len: history read, forecast not */
  {
    int64_t h[2] = {1, 2};
    memset(raw, 0xff, sizeof raw);
    a->struct_size = (uint32_t)(offsetof(kam_account, history_len) + sizeof(size_t));
    a->flags = 0;
    a->id = "mid";
    a->name = NULL;
    a->group = NULL;
    a->revenue = 1;
    a->history = h;
    a->history_len = 2;
    assert_int_equal(kam_portfolio_add(p, a), KAM_OK);
    assert_int_equal(kam__portfolio_detail(p, 1)->history_len, 2);
    assert_int_equal(kam__portfolio_detail(p, 1)->forecast_len, 0);
    assert_true(isnan(kam__portfolio_detail(p, 1)->potential));
  }
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_generated_ids(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  int64_t rev[5] = {1, 2, 3, 4, 5};
  const char *ids[2] = {"7", "x"};
  char buf[KAM__ID_BUF];
  kam_account a;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, 5, NULL, rev), KAM_OK);
  assert_string_equal(kam__portfolio_id(p, 0, buf, NULL), "0");
  assert_string_equal(kam__portfolio_id(p, 4, buf, NULL), "4");
  /* An explicit id equal to a generated one is a duplicate; leading zeros make it different. */
  a = account("3", 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EEXIST, "duplicate id \"3\" (account 3 has it)");
  a = account("03", 1);
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK); /* index 5 */
  a = account("5", 1);
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK); /* 5 was never generated */
  /* "5" is explicit at index 6 now; the next generated range [7, 12) contains 7 only if
   * an explicit "7" exists: add one, then the bulk add must fail whole. */
  assert_int_equal(kam_portfolio_add_columns(p, 2, ids, rev), KAM_OK); /* "7" at 7, "x" at 8 */
  assert_int_equal(kam_portfolio_count(p), 9);
  assert_int_equal(kam_portfolio_add_columns(p, 5, NULL, rev), KAM_OK);
  /* generated 9..13 do not meet "7" */
  assert_int_equal(kam_portfolio_count(p), 14);
  /* explicit "12" collides with generated 12 */
  a = account("12", 1);
  expect_error(ctx, kam_portfolio_add(p, &a), KAM_EEXIST,
               "duplicate id \"12\" (account 12 has it)");
  /* explicit "15" (canonical, in the future range) makes the next bulk add fail whole */
  a = account("15", 1); /* index 14 */
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  expect_error(ctx, kam_portfolio_add_columns(p, 5, NULL, rev), KAM_EEXIST,
               "duplicate id \"15\" (account 14 has it)");
  assert_int_equal(kam_portfolio_count(p), 15);
  /* the same with many numeric ids and a small range (the per-index lookup path) */
  {
    char text[16];
    size_t i;
    for (i = 0; i < 20; i++) {
      snprintf(text, sizeof text, "%zu", 100 + i);
      a = account(text, 1);
      assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
    }
    /* count is 35; a range of 2 cannot collide with 100..119 */
    assert_int_equal(kam_portfolio_add_columns(p, 2, NULL, rev), KAM_OK);
    /* count 37; an explicit "38" then a range of 3 [37, 40) collides */
    a = account("38", 1);
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK); /* index 37 */
    expect_error(ctx, kam_portfolio_add_columns(p, 3, NULL, rev), KAM_EEXIST,
                 "duplicate id \"38\"");
    assert_int_equal(kam_portfolio_count(p), 38);
  }
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_add_columns_errors(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  int64_t rev[4] = {1, 2, -3, 4};
  int64_t good[4] = {1, 2, 3, 4};
  const char *ids[4] = {"a", "b", "c", "d"};
  const char *dup[4] = {"e", "f", "e", "g"};
  const char *taken[4] = {"h", "i", "a", "j"};
  const char *nul[4] = {"k", NULL, "l", "m"};
  const char *empty[4] = {"k", "l", "", "m"};
  const char *bad[4] = {"k", "l", "m", "\x80"};
  char buf[KAM__ID_BUF];
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(NULL, 4, ids, good), KAM_EINVAL);
  assert_int_equal(kam_portfolio_add_columns(p, 0, NULL, NULL), KAM_OK);
  expect_error(ctx, kam_portfolio_add_columns(p, 4, ids, NULL), KAM_EINVAL, "revenue is NULL");
  expect_error(ctx, kam_portfolio_add_columns(p, SIZE_MAX, NULL, good), KAM_ELIMIT,
               "a portfolio holds at most");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, ids, rev), KAM_EINVAL,
               "revenue[2] = -3 is negative");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, NULL, rev), KAM_EINVAL,
               "revenue[2] = -3 is negative");
  assert_int_equal(kam_portfolio_count(p), 0);
  assert_int_equal(kam_portfolio_add_columns(p, 4, ids, good), KAM_OK);
  expect_error(ctx, kam_portfolio_add_columns(p, 4, dup, good), KAM_EEXIST,
               "duplicate id \"e\" (account 4 has it)");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, taken, good), KAM_EEXIST,
               "duplicate id \"a\" (account 0 has it)");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, nul, good), KAM_EINVAL, "ids[1] is NULL");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, empty, good), KAM_EINVAL, "ids[2] is empty");
  expect_error(ctx, kam_portfolio_add_columns(p, 4, bad, good), KAM_EINVAL,
               "ids[3] is not valid UTF-8");
  /* All or nothing: the ids of the failed batches are free again. */
  assert_int_equal(kam_portfolio_count(p), 4);
  assert_int_equal(kam_portfolio_add_columns(p, 4, dup + 0, good) == KAM_EEXIST, 1);
  {
    const char *ok[4] = {"e", "f", "h", "i"};
    assert_int_equal(kam_portfolio_add_columns(p, 4, ok, good), KAM_OK);
  }
  assert_int_equal(kam_portfolio_count(p), 8);
  assert_string_equal(kam__portfolio_id(p, 6, buf, NULL), "h");
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Many explicit ids: the index grows; truncate removes ids (backward-shift deletion keeps the
 * rest findable), frees the details of removed accounts, and the ids can be added again. */
static void test_index_and_truncate(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  char text[32];
  size_t i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam__portfolio_reserve(p, 100), KAM_OK);
  for (i = 0; i < 20000; i++) {
    kam_account a;
    int64_t h[2] = {1, 2};
    snprintf(text, sizeof text, i % 3 ? "id-%zu" : "%zu", i * 7919 % 20000 + 50000);
    a = account(text, (int64_t)i);
    if (i % 5 == 0) {
      a.history = h;
      a.history_len = 2;
      a.name = "n";
    }
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  kam__portfolio_truncate(p, 12345);
  kam__portfolio_truncate(p, 20000); /* no-op: not smaller */
  kam__portfolio_truncate(NULL, 0);
  assert_int_equal(kam_portfolio_count(p), 12345);
  for (i = 0; i < 20000; i++) {
    kam_account a;
    snprintf(text, sizeof text, i % 3 ? "id-%zu" : "%zu", i * 7919 % 20000 + 50000);
    a = account(text, 1);
    assert_int_equal(kam_portfolio_add(p, &a), i < 12345 ? KAM_EEXIST : KAM_OK);
  }
  assert_int_equal(kam_portfolio_count(p), 20000);
  assert_int_equal(p->index_used, 20000);
  /* generated ids after truncation */
  kam__portfolio_truncate(p, 3);
  {
    int64_t rev[10] = {0};
    assert_int_equal(kam_portfolio_add_columns(p, 10, NULL, rev), KAM_OK);
    kam__portfolio_truncate(p, 5);
    assert_int_equal(kam_portfolio_add_columns(p, 10, NULL, rev), KAM_OK);
  }
  assert_int_equal(kam_portfolio_count(p), 15);
  assert_int_equal(kam__portfolio_reserve(NULL, 1), KAM_EINVAL);
  expect_error(ctx, kam__portfolio_reserve(p, SIZE_MAX), KAM_ELIMIT, "at most");
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* ---- OOM loops: every failing allocation is KAM_ENOMEM and leaves the portfolio as it was ---- */

typedef int (*op_fn)(kam_portfolio *p);

static int op_add_detailed(kam_portfolio *p) {
  int64_t h[3] = {1, 2, 3};
  double f[2] = {1, 2};
  kam_account a = account("detailed", 9);
  a.name = "Name";
  a.group = "G";
  a.history = h;
  a.history_len = 3;
  a.forecast = f;
  a.forecast_len = 2;
  a.potential = 0.5;
  return kam_portfolio_add(p, &a);
}

static int op_add_columns_ids(kam_portfolio *p) {
  static const char *ids[40];
  static char text[40][8];
  int64_t rev[40];
  size_t i;
  for (i = 0; i < 40; i++) {
    snprintf(text[i], sizeof text[i], "c%zu", i);
    ids[i] = text[i];
    rev[i] = (int64_t)i;
  }
  return kam_portfolio_add_columns(p, 40, ids, rev);
}

static int op_add_columns_generated(kam_portfolio *p) {
  int64_t rev[100];
  size_t i;
  for (i = 0; i < 100; i++)
    rev[i] = (int64_t)i;
  return kam_portfolio_add_columns(p, 100, NULL, rev);
}

static void oom_loop(op_fn op, size_t prefill) {
  size_t fail_at;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx;
    kam_portfolio *p;
    size_t i, before_details;
    int rc;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    for (i = 0; i < prefill; i++) {
      char text[24]; /* "p" and any size_t */
      kam_account a;
      snprintf(text, sizeof text, "p%zu", i);
      a = account(text, 1);
      if (i % 2) a.name = "x";
      assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
    }
    before_details = p->detail_len;
    ta.fail_at = ta.calls + fail_at;
    rc = op(p);
    ta.fail_at = 0;
    if (rc == KAM_OK) {
      kam_portfolio_free(p);
      kam_ctx_free(ctx);
      assert_int_equal(ta.blocks, 0);
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    assert_int_equal(kam_portfolio_count(p), prefill);
    assert_int_equal(p->detail_len, before_details);
    assert_int_equal(p->index_used, prefill);
    /* and it still works */
    assert_int_equal(op(p), KAM_OK);
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
}

static void test_oom_add(void **state) {
  (void)state;
  oom_loop(op_add_detailed, 0);
  oom_loop(op_add_detailed, 16); /* columns, index and arena all full */
}

static void test_oom_add_columns(void **state) {
  (void)state;
  oom_loop(op_add_columns_ids, 0);
  oom_loop(op_add_columns_ids, 12);
  oom_loop(op_add_columns_generated, 0);
  oom_loop(op_add_columns_generated, 13);
}

/* The id hash libkam used before issue 18: FNV-1a over 8-byte words and splitmix64, with no
 * key, so anyone could compute it. */
static uint64_t unkeyed_hash(const char *s, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (uint64_t)len;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * UINT64_C(0x100000001b3);
    h ^= h >> 29;
  }
  for (; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
  h ^= h >> 30;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  h ^= h >> 27;
  h *= UINT64_C(0x94d049bb133111eb);
  h ^= h >> 31;
  return h;
}

/* Issue 18: ids chosen so that the unkeyed hash puts them all in one slot of the index (the
 * low 11 bits equal: the table of 2,048 entries that 1,000 ids end in, and every smaller one).
 * Under that hash linear probing does ~n^2/2 probes; with the portfolio's own key the adds
 * stay linear. Counted in index_probes, not timed. */
static void test_colliding_ids_stay_linear(void **state) {
  enum { IDS = 1000, SLOTS = 2048 };
  char(*ids)[16] = (char(*)[16])calloc(IDS, sizeof *ids);
  uint8_t *table = (uint8_t *)calloc(SLOTS, 1);
  size_t found = 0, old_probes = 0, i, round_;
  unsigned cand;
  (void)state;
  assert_non_null(ids);
  assert_non_null(table);
  for (cand = 0; found < IDS; cand++) {
    char id[16];
    int len = snprintf(id, sizeof id, "c%u", cand);
    if ((unkeyed_hash(id, (size_t)len) & (SLOTS - 1)) == 0) memcpy(ids[found++], id, 16);
  }
  /* What the old index did with them: a linear-probing table of SLOTS (never full here). */
  for (i = 0; i < IDS; i++) {
    size_t slot = (size_t)unkeyed_hash(ids[i], strlen(ids[i])) & (SLOTS - 1);
    while (table[slot]) {
      slot = (slot + 1) & (SLOTS - 1);
      old_probes++;
    }
    table[slot] = 1;
  }
  assert_int_equal(old_probes, (size_t)IDS * (IDS - 1) / 2);
  /* Several portfolios, each with its own key. */
  for (round_ = 0; round_ < 4; round_++) {
    kam_ctx *ctx;
    kam_portfolio *p;
    assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    for (i = 0; i < IDS; i++) {
      kam_account a;
      memset(&a, 0, sizeof a);
      a.struct_size = sizeof a;
      a.id = ids[i];
      a.revenue = (int64_t)i;
      assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
    }
    /* Each add looks its id up (a miss) and inserts it, plus the rehashes as the table
     * doubles: a few probes per id at a load of at most 3/4; the old hash needed ~500 each. */
    assert_true(p->index_probes <= 16 * (size_t)IDS);
    {
      kam_account a;
      memset(&a, 0, sizeof a);
      a.struct_size = sizeof a;
      a.id = ids[IDS / 2];
      assert_int_equal(kam_portfolio_add(p, &a), KAM_EEXIST);
    }
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
  }
  free(table);
  free(ids);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_add_errors),
      cmocka_unit_test(test_short_struct),
      cmocka_unit_test(test_generated_ids),
      cmocka_unit_test(test_add_columns_errors),
      cmocka_unit_test(test_index_and_truncate),
      cmocka_unit_test(test_oom_add),
      cmocka_unit_test(test_oom_add_columns),
      cmocka_unit_test(test_colliding_ids_stay_linear),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

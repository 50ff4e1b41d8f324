/* test_retention.c - kam_portfolio_retention (kam/retention.h): hand-computed statuses and
 * bridge, the option and state errors, and a property test against a plain reference on
 * thousands of random portfolios (histories of different lengths, ties at the thresholds,
 * classes, the bridge identity), sums near INT64_MAX (KAM_EOVERFLOW, *out untouched) and an
 * OOM sweep. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam/retention.h"
#include "testutil.h"

__extension__ typedef __int128 i128;

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

static void add(kam_portfolio *p, const char *id, const int64_t *h, size_t len, uint32_t flags) {
  kam_account a;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = id;
  a.flags = flags;
  a.revenue = len ? h[len - 1] : 0;
  a.history = h;
  a.history_len = len;
  a.potential = NAN;
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
}

static int retention(kam_retention *r, kam_portfolio *p, kam_segmentation *s, size_t w, double t) {
  kam_retention_options o;
  kam_retention_options_init(&o, sizeof o);
  o.window = w;
  o.threshold = t;
  memset(r, 0, sizeof *r);
  r->struct_size = sizeof *r;
  return kam_portfolio_retention(r, p, s, &o);
}

/* Six accounts, one of each status, N = 4, w = 2: base = periods 1..2, current = 3..4. */
static void test_statuses_by_hand(void **state) {
  static const int64_t inactive[] = {0, 0, 0, 0}, fresh[] = {5, 7}, lost[] = {10, 10, 0, 0},
                       up[] = {100, 100, 120, 120}, down[] = {100, 100, 80, 80},
                       flat[] = {100, 100, 105, 100};
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  kam_retention r;
  int k;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  add(p, "inactive", inactive, 4, 0);
  add(p, "new", fresh, 2, 0); /* padded: 0 0 5 7 */
  add(p, "lost", lost, 4, 0);
  add(p, "up", up, 4, KAM_ACCOUNT_NEW);
  add(p, "down", down, 4, 0);
  add(p, "flat", flat, 4, 0);
  assert_int_equal(retention(&r, p, NULL, 0, 0.10), KAM_OK);
  assert_int_equal(r.periods, 4);
  assert_int_equal(r.window, 2);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    assert_int_equal(r.count[k], 1);
  assert_int_equal(r.bridge.start, 20 + 200 + 200 + 200);
  assert_int_equal(r.bridge.added, 12);
  assert_int_equal(r.bridge.expansion, 45);
  assert_int_equal(r.bridge.contraction, 40);
  assert_int_equal(r.bridge.churn, 20);
  assert_int_equal(r.bridge.end, 12 + 240 + 160 + 205);
  assert_int_equal(r.by_status[KAM_RETENTION_STABLE].expansion, 5);
  assert_int_equal(r.by_status[KAM_RETENTION_LOST].churn, 20);
  assert_true(fabs(r.nrr - (240.0 + 160 + 205) / 620) < 1e-15);
  assert_true(fabs(r.grr - (200.0 + 160 + 200) / 620) < 1e-15);
  assert_int_equal(r.hunting_count, 2); /* new, and up flagged KAM_ACCOUNT_NEW */
  assert_int_equal(r.hunting, 12 + 240);
  assert_int_equal(r.farming, r.bridge.end - r.hunting);
  assert_int_equal(r.has_classes, 0);
  assert_int_equal(retention(&r, p, NULL, 1, 0.0), KAM_OK);
  assert_int_equal(r.window, 1);
  /* w = 1: base period 3, current period 4; flat 105 -> 100 is contracting at t = 0 */
  assert_int_equal(r.count[KAM_RETENTION_CONTRACTING], 1);
  assert_int_equal(r.count[KAM_RETENTION_INACTIVE], 2);  /* 0->0 twice */
  assert_int_equal(r.count[KAM_RETENTION_EXPANDING], 3); /* 5->7, 120->120, 80->80 */
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  assert_int_equal(retention(&r, p, s, 0, 0.10), KAM_OK);
  assert_int_equal(r.has_classes, 1);
  {
    size_t total = 0;
    int c;
    int64_t end = 0;
    for (c = 0; c < 3; c++) {
      for (k = 0; k < KAM_RETENTION_STATUSES; k++)
        total += r.class_count[c][k];
      end += r.by_class[c].end;
    }
    assert_int_equal(total, 6);
    assert_int_equal(end, r.bridge.end);
  }
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_errors(void **state) {
  static const int64_t h[] = {1, 2, 3};
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL, *q = NULL;
  kam_segmentation *s = NULL;
  kam_retention r, before;
  kam_retention_options o;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_new(&q, ctx), KAM_OK);
  add(p, "one", h, 1, 0);
  assert_int_equal(retention(&r, p, NULL, 0, 0.1), KAM_EINVAL); /* N = 1 */
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "at least 2 periods"));
  add(p, "three", h, 3, 0);
  assert_int_equal(retention(&r, p, NULL, 2, 0.1), KAM_EINVAL); /* w > N / 2 */
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "window 2"));
  assert_int_equal(retention(&r, p, NULL, 1, -0.5), KAM_EINVAL);
  assert_int_equal(retention(&r, p, NULL, 1, NAN), KAM_EINVAL);
  assert_int_equal(retention(&r, NULL, NULL, 1, 0.1), KAM_EINVAL);
  assert_int_equal(kam_portfolio_retention(NULL, p, NULL, NULL), KAM_EINVAL);
  r.struct_size = 4;
  assert_int_equal(kam_portfolio_retention(&r, p, NULL, NULL), KAM_EINVAL);
  kam_retention_options_init(&o, sizeof o);
  o.flags = 1;
  r.struct_size = sizeof r;
  assert_int_equal(kam_portfolio_retention(&r, p, NULL, &o), KAM_EINVAL);
  /* a segmentation of another portfolio, or of fewer accounts */
  assert_int_equal(kam_segment(&s, q, NULL), KAM_OK);
  memset(&r, 0x5a, sizeof r);
  r.struct_size = sizeof r;
  before = r;
  assert_int_equal(kam_portfolio_retention(&r, p, s, NULL), KAM_ESTATE);
  assert_memory_equal(&r, &before, sizeof r);
  kam_segmentation_free(s);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  add(p, "later", h, 2, 0);
  assert_int_equal(kam_portfolio_retention(&r, p, s, NULL), KAM_ESTATE);
  kam_segmentation_free(s);
  /* a short struct gets only its bytes */
  memset(&r, 0x5a, sizeof r);
  r.struct_size = offsetof(kam_retention, window);
  assert_int_equal(kam_portfolio_retention(&r, p, NULL, NULL), KAM_OK);
  assert_int_equal(r.accounts, 3);
  assert_int_equal(r.periods, 3);
  assert_int_equal(((unsigned char *)&r)[offsetof(kam_retention, window)], 0x5a);
  assert_null(kam_retention_status_name(-1));
  assert_null(kam_retention_status_name(KAM_RETENTION_STATUSES));
  assert_string_equal(kam_retention_status_name(KAM_RETENTION_CONTRACTING), "contracting");
  kam_portfolio_free(q);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* ---- property test: a plain reference ---- */

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

typedef struct ref {
  int ok; /* 0: some sum overflows int64 */
  size_t count[6], class_count[3][6], hunting_count;
  int status[5000]; /* per account */
  i128 bridge[6], by_status[6][6], by_class[3][6], hunting, farming, nrr_num, grr_num;
} ref;

static int ref_status(i128 b, i128 c, double t) {
  if (b == 0 && c == 0) return 0;
  if (b == 0) return 1;
  if (c == 0) return 2;
  if ((double)c >= (double)b * (1 + t)) return 3;
  if ((double)c <= (double)b * (1 - t)) return 4;
  return 5;
}

static void ref_add(i128 *br, int st, i128 b, i128 c) {
  br[0] += b;
  if (st == 1) br[1] += c;
  if ((st >= 3) && c > b) br[2] += c - b;
  if ((st >= 3) && c < b) br[3] += b - c;
  if (st == 2) br[4] += b;
  br[5] += c;
}

static int fits(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

static void reference(ref *o, int64_t *const *h, const size_t *len, const uint32_t *flags,
                      const char *abc, size_t n, size_t N, size_t w, double t) {
  size_t i, j;
  int k, c;
  memset(o, 0, sizeof *o);
  for (i = 0; i < n; i++) {
    /* the padded history, period by period */
    i128 b = 0, cur = 0;
    int st;
    for (j = 1; j <= N; j++) {
      int64_t v = j + len[i] > N ? h[i][j + len[i] - N - 1] : 0;
      if (j >= N - 2 * w + 1 && j <= N - w) b += v;
      if (j > N - w) cur += v;
    }
    st = ref_status(b, cur, t);
    o->status[i] = st;
    o->count[st]++;
    ref_add(o->bridge, st, b, cur);
    ref_add(o->by_status[st], st, b, cur);
    if (abc) {
      o->class_count[abc[i] - 'A'][st]++;
      ref_add(o->by_class[abc[i] - 'A'], st, b, cur);
    }
    if (b > 0) {
      o->nrr_num += cur;
      o->grr_num += cur < b ? cur : b;
    }
    if (st == 1 || (flags[i] & KAM_ACCOUNT_NEW)) {
      o->hunting_count++;
      o->hunting += cur;
    } else {
      o->farming += cur;
    }
  }
  o->ok = fits(o->hunting) && fits(o->farming);
  for (k = 0; k < 6; k++) {
    o->ok &= fits(o->bridge[k]);
    for (c = 0; c < 6; c++)
      o->ok &= fits(o->by_status[c][k]);
    for (c = 0; c < 3 && abc; c++)
      o->ok &= fits(o->by_class[c][k]);
  }
}

static void expect_bridge(const kam_bridge *b, const i128 *want) {
  assert_int_equal(b->start, (int64_t)want[0]);
  assert_int_equal(b->added, (int64_t)want[1]);
  assert_int_equal(b->expansion, (int64_t)want[2]);
  assert_int_equal(b->contraction, (int64_t)want[3]);
  assert_int_equal(b->churn, (int64_t)want[4]);
  assert_int_equal(b->end, (int64_t)want[5]);
  /* the identity */
  assert_true((i128)b->start + b->added + b->expansion - b->contraction - b->churn == (i128)b->end);
}

static int64_t draw(int huge) {
  uint64_t r = next();
  switch (r % 8) {
  case 0: return 0;
  case 1: return (int64_t)(next() % 3);
  case 2: return 100; /* ties around the thresholds */
  case 3: return 110;
  case 4: return 90;
  default: return huge ? (int64_t)(next() >> 3) + INT64_MAX / 2 : (int64_t)(next() % 1000000);
  }
}

static void test_property(void **state) {
  enum { ROUNDS = 3000, MAXN = 24, MAXH = 12 };
  int64_t store[MAXN][MAXH];
  int64_t *h[MAXN];
  size_t len[MAXN];
  uint32_t flags[MAXN];
  char abc[MAXN];
  int round, overflows = 0, checked = 0;
  kam_ctx *ctx = new_ctx();
  (void)state;
  for (round = 0; round < ROUNDS; round++) {
    kam_portfolio *p = NULL;
    kam_segmentation *s = NULL;
    size_t n = next() % MAXN, N = 0, i, j, w;
    int huge = round % 10 == 9, with_s = (int)(next() % 2), rc, k, c;
    double t = (double)(next() % 4) * 0.05;
    kam_retention r, before;
    kam_retention_options o;
    ref want;
    char name[16];
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    for (i = 0; i < n; i++) {
      kam_account a;
      h[i] = store[i];
      len[i] = next() % (MAXH + 1);
      flags[i] = (uint32_t)(next() % 4 == 0 ? KAM_ACCOUNT_NEW : 0);
      for (j = 0; j < len[i]; j++)
        store[i][j] = draw(huge);
      if (len[i] > N) N = len[i];
      memset(&a, 0, sizeof a);
      a.struct_size = sizeof a;
      snprintf(name, sizeof name, "a%zu", i);
      a.id = name;
      a.flags = flags[i];
      a.revenue = (int64_t)(next() % 1000);
      a.history = h[i];
      a.history_len = len[i];
      a.potential = NAN;
      assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
    }
    if (with_s) {
      assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
      if (n) assert_int_equal(kam_segmentation_classes(abc, n, s), KAM_OK);
    }
    kam_retention_options_init(&o, sizeof o);
    o.threshold = t;
    w = N >= 2 ? 1 + next() % (N / 2) : 1;
    o.window = next() % 3 ? w : 0;
    if (!o.window) w = N / 2;
    memset(&r, 0x77, sizeof r);
    r.struct_size = sizeof r;
    before = r;
    rc = kam_portfolio_retention(&r, p, s, &o);
    if (N < 2) {
      assert_int_equal(rc, KAM_EINVAL);
      assert_memory_equal(&r, &before, sizeof r);
    } else {
      reference(&want, h, len, flags, with_s ? abc : NULL, n, N, w, t);
      {
        /* the per-account status of a segmentation asked for it (whatever the sums) */
        kam_segmentation *ss = NULL;
        kam_segment_options so;
        kam_segment_options_init(&so, sizeof so);
        so.flags = KAM_SEGMENT_RETENTION;
        so.retention_window = o.window;
        so.retention_threshold = t;
        assert_int_equal(kam_segment(&ss, p, &so), KAM_OK);
        for (i = 0; i < n; i++) {
          kam_account_score sc;
          memset(&sc, 0, sizeof sc);
          sc.struct_size = sizeof sc;
          assert_int_equal(kam_segmentation_get(&sc, ss, i), KAM_OK);
          assert_int_equal(sc.status, want.status[i]);
        }
        kam_segmentation_free(ss);
      }
      if (!want.ok) {
        assert_int_equal(rc, KAM_EOVERFLOW);
        assert_memory_equal(&r, &before, sizeof r);
        overflows++;
      } else {
        assert_int_equal(rc, KAM_OK);
        checked++;
        assert_int_equal(r.periods, N);
        assert_int_equal(r.window, w);
        expect_bridge(&r.bridge, want.bridge);
        for (k = 0; k < 6; k++) {
          assert_int_equal(r.count[k], want.count[k]);
          expect_bridge(&r.by_status[k], want.by_status[k]);
        }
        assert_int_equal(r.has_classes, with_s);
        for (c = 0; c < 3 && with_s; c++) {
          expect_bridge(&r.by_class[c], want.by_class[c]);
          for (k = 0; k < 6; k++)
            assert_int_equal(r.class_count[c][k], want.class_count[c][k]);
        }
        assert_int_equal(r.hunting_count, want.hunting_count);
        assert_int_equal(r.farming_count, n - want.hunting_count);
        assert_int_equal(r.hunting, (int64_t)want.hunting);
        assert_int_equal(r.farming, (int64_t)want.farming);
        if (want.bridge[0] == 0) {
          assert_true(isnan(r.nrr) && isnan(r.grr));
        } else {
          assert_true(r.nrr == (double)want.nrr_num / (double)want.bridge[0]);
          assert_true(r.grr == (double)want.grr_num / (double)want.bridge[0]);
        }
      }
    }
    kam_segmentation_free(s);
    kam_portfolio_free(p);
  }
  assert_true(overflows > 50);
  assert_true(checked > 1000);
  kam_ctx_free(ctx);
}

/* Near INT64_MAX: two accounts whose bases sum to exactly INT64_MAX pass; one more unit fails
 * with nothing written. */
/* A portfolio larger than the 64-bit partial sums' flush interval (1024 accounts), with values
 * on both sides of their 2^53 bound, against the reference. */
static void test_many(void **state) {
  enum { N_ACC = 5000, LEN = 6 };
  static int64_t store[N_ACC][LEN];
  static int64_t *h[N_ACC];
  static size_t len[N_ACC];
  static uint32_t flags[N_ACC];
  static ref want;
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_retention r;
  size_t i, j;
  int k;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < N_ACC; i++) {
    kam_account a;
    char name[16];
    h[i] = store[i];
    len[i] = 1 + next() % LEN;
    flags[i] = next() % 7 == 0 ? KAM_ACCOUNT_NEW : 0;
    for (j = 0; j < len[i]; j++)
      store[i][j] = i % 1000 == 7 ? (int64_t)1 << 52 : draw(0); /* a few past the bound */
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    snprintf(name, sizeof name, "m%zu", i);
    a.id = name;
    a.flags = flags[i];
    a.history = h[i];
    a.history_len = len[i];
    a.potential = NAN;
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  reference(&want, h, len, flags, NULL, N_ACC, LEN, LEN / 2, 0.1);
  assert_true(want.ok);
  assert_int_equal(retention(&r, p, NULL, 0, 0.1), KAM_OK);
  expect_bridge(&r.bridge, want.bridge);
  for (k = 0; k < 6; k++) {
    assert_int_equal(r.count[k], want.count[k]);
    expect_bridge(&r.by_status[k], want.by_status[k]);
  }
  assert_int_equal(r.hunting, (int64_t)want.hunting);
  assert_true(r.nrr == (double)want.nrr_num / (double)want.bridge[0]);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_overflow_edge(void **state) {
  int64_t x[] = {INT64_MAX / 2, 0}, y[] = {INT64_MAX / 2 + 1, 0}, z[] = {1, 0};
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_retention r, before;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  add(p, "x", x, 2, 0);
  add(p, "y", y, 2, 0);
  assert_int_equal(retention(&r, p, NULL, 0, 0.1), KAM_OK);
  assert_int_equal(r.bridge.start, INT64_MAX);
  assert_int_equal(r.bridge.churn, INT64_MAX);
  assert_int_equal(r.bridge.end, 0);
  add(p, "z", z, 2, 0);
  memset(&r, 0x33, sizeof r);
  r.struct_size = sizeof r;
  before = r;
  assert_int_equal(kam_portfolio_retention(&r, p, NULL, NULL), KAM_EOVERFLOW);
  assert_memory_equal(&r, &before, sizeof r);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "start of the portfolio exceeds INT64_MAX"));
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static int oom_op(void *ud, kam_ctx *ctx) {
  static const int64_t h1[] = {1, 2, 3, 4}, h2[] = {5, 0};
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  kam_retention r;
  kam_account a;
  int rc;
  (void)ud;
  if ((rc = kam_portfolio_new(&p, ctx))) return rc;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.potential = NAN;
  a.id = "a";
  a.history = h1;
  a.history_len = 4;
  if ((rc = kam_portfolio_add(p, &a))) goto done;
  a.id = "b";
  a.history = h2;
  a.history_len = 2;
  a.revenue = 7;
  if ((rc = kam_portfolio_add(p, &a))) goto done;
  if ((rc = kam_segment(&s, p, NULL))) goto done;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  rc = kam_portfolio_retention(&r, p, s, NULL);
done:
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  return rc;
}

static void test_oom(void **state) {
  size_t failed = kam_test_oom_sweep(oom_op, NULL);
  (void)state;
  assert_true(failed >= 3 && failed != (size_t)-1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_statuses_by_hand),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_property),
      cmocka_unit_test(test_many),
      cmocka_unit_test(test_overflow_edge),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

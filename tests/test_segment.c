/* test_segment.c - kam_segment and the kam_segmentation_* queries against a plain qsort-based
 * reference written here from DESIGN section 5, on thousands of random portfolios (ties, zeros,
 * one account, all zero, groups, cumulative shares exactly at the cuts, bucket boundaries, the
 * counting-sort and radix paths), plus every error path, OOM loops and callback stops. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam.h"
#include "scoring/portfolio_internal.h"
#include "testutil.h"

__extension__ typedef __int128 i128;

/* Accounts a part gets at least when a call splits over threads (KAM__PART_MIN). */
#define KAM_TEST_PART KAM__PART_MIN

/* ---- random numbers (splitmix64) ---- */
static uint64_t rng_state;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }
static double rnd_unit(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

/* ---- a generated portfolio, kept on the test side as plain arrays ---- */
typedef struct acc {
  int64_t revenue;
  uint32_t flags;
  char id[32];
  int group; /* -1: none */
  int64_t history[12];
  size_t history_len;
  double forecast[6];
  size_t forecast_len;
  double potential;
  bool detail; /* added through kam_portfolio_add */
} acc;

typedef struct model {
  size_t n;
  acc *a;
  kam_segment_options o;
} model;

/* ---- the reference ---- */
typedef struct ref {
  int status;
  size_t *order; /* rank order */
  size_t *rank;  /* 0-based rank per account */
  int64_t *cum;  /* by rank */
  char *abc;
  uint32_t *key;
  double *cv, *trend, *npv, *score;
  kam_summary sm;
} ref;

static const model *sort_model;
static int cmp_rank(const void *x, const void *y) {
  size_t i = *(const size_t *)x, j = *(const size_t *)y;
  int64_t a = sort_model->a[i].revenue, b = sort_model->a[j].revenue;
  if (a != b) return a > b ? -1 : 1;
  return i < j ? -1 : 1;
}

typedef struct vp {
  double v;
  size_t i;
} vp;
static int cmp_vp(const void *x, const void *y) {
  const vp *a = (const vp *)x, *b = (const vp *)y;
  if (a->v != b->v) return a->v < b->v ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

/* Percentile ranks among the known values (NaN = unknown): (mean rank - 1) / (m - 1), 0.5 when
 * m == 1, ties sharing their mean rank. */
static void ref_percentiles(double *pct, const double *val, size_t n) {
  vp *v = malloc((n ? n : 1) * sizeof *v);
  size_t m = 0, i, j, k;
  for (i = 0; i < n; i++) {
    pct[i] = NAN;
    if (!isnan(val[i])) v[m].v = val[i], v[m].i = i, m++;
  }
  qsort(v, m, sizeof *v, cmp_vp);
  for (i = 0; i < m; i = j) {
    double mean;
    for (j = i + 1; j < m && v[j].v == v[i].v; j++) {
    }
    mean = ((double)(i + 1) + (double)j) / 2.0;
    for (k = i; k < j; k++)
      pct[v[k].i] = m == 1 ? 0.5 : (mean - 1.0) / (double)(m - 1);
  }
  free(v);
}

/* cv and trend by other formulas than src/scoring/segment.c's, so that a slip there shows: the
 * mean and the population variance in two passes; the least-squares slope from the normal
 * equations on exact integer sums, slope = (m sum(t y) - sum(t) sum(y)) / (m sum(t^2) -
 * sum(t)^2), so trend = slope / mean = m (m sum(t y) - sum(t) sum(y)) / (den sum(y)). The test
 * histories are small (below 2^11, at most 12 periods): every sum fits i128 exactly, and each
 * exact integer is below 2^53, so it converts to double exactly. (Plain double, not long
 * double: valgrind emulates the x87 with 64-bit precision and gets i128 -> long double wrong.) */
static void ref_history(double *cv, double *trend, const int64_t *h, size_t m) {
  i128 sy = 0, sty = 0, st = 0, stt = 0, num, den;
  double mean, ss = 0.0;
  size_t t;
  *cv = *trend = NAN;
  for (t = 0; t < m; t++) {
    sy += h[t];
    sty += (i128)t * h[t];
    st += (i128)t;
    stt += (i128)t * (i128)t;
  }
  if (m < 2 || sy == 0) return;
  mean = (double)(int64_t)sy / (double)m;
  for (t = 0; t < m; t++)
    ss += ((double)h[t] - mean) * ((double)h[t] - mean);
  *cv = sqrt(ss / (double)m) / mean;
  num = (i128)m * sty - st * sy;
  den = (i128)m * stt - st * st;
  *trend = (double)(int64_t)((i128)m * num) / ((double)(int64_t)den * (double)(int64_t)sy);
}

static const ref *score_ref;
static int cmp_score(const void *x, const void *y) {
  size_t i = *(const size_t *)x, j = *(const size_t *)y;
  if (score_ref->score[i] != score_ref->score[j])
    return score_ref->score[i] > score_ref->score[j] ? -1 : 1;
  return score_ref->rank[i] < score_ref->rank[j] ? -1 : 1;
}

static void ref_free(ref *r) {
  free(r->order);
  free(r->rank);
  free(r->cum);
  free(r->abc);
  free(r->key);
  free(r->cv);
  free(r->trend);
  free(r->npv);
  free(r->score);
  memset(r, 0, sizeof *r);
}

/* trend_ranked: the trend values the score ranks, per account (see check_model). */
static void ref_compute(ref *r, const model *md, const double *trend_ranked) {
  const kam_segment_options *o = &md->o;
  size_t n = md->n, i, j, la, lab, top, strategic = 0;
  i128 total = 0, d = 0;
  int64_t t, cum;
  double tt, *p_share, *p_str, *p_npv, *p_trend, *p_pot, *tmp;
  size_t cap = n ? n : 1;
  memset(r, 0, sizeof *r);
  for (i = 0; i < n; i++)
    total += md->a[i].revenue;
  if (total > INT64_MAX) {
    r->status = KAM_EOVERFLOW;
    return;
  }
  t = (int64_t)total;
  tt = (double)t;
  r->order = malloc(cap * sizeof *r->order);
  r->rank = malloc(cap * sizeof *r->rank);
  r->cum = malloc(cap * sizeof *r->cum);
  r->abc = malloc(cap);
  r->key = calloc(cap, sizeof *r->key);
  r->cv = malloc(cap * sizeof(double));
  r->trend = malloc(cap * sizeof(double));
  r->npv = malloc(cap * sizeof(double));
  r->score = malloc(cap * sizeof(double));
  for (i = 0; i < n; i++)
    r->order[i] = i;
  sort_model = md;
  qsort(r->order, n, sizeof *r->order, cmp_rank);
  cum = 0;
  for (i = 0; i < n; i++) {
    r->rank[r->order[i]] = i;
    cum += md->a[r->order[i]].revenue;
    r->cum[i] = cum;
  }
  /* Shortest prefixes reaching a_share and b_share. */
  la = lab = 0;
  if (t > 0) {
    int64_t c = 0;
    while (!((double)c / tt >= o->a_share))
      c += md->a[r->order[la++]].revenue;
    c = 0;
    while (!((double)c / tt >= o->b_share))
      c += md->a[r->order[lab++]].revenue;
  }
  for (i = 0; i < n; i++) {
    size_t k = r->rank[i];
    r->abc[i] = md->a[i].revenue == 0 ? 'C' : k < la ? 'A' : k < lab ? 'B' : 'C';
  }
  /* Key reasons. */
  for (i = 0; i < n; i++) {
    if (t > 0 && (double)md->a[i].revenue / tt >= o->key_share) r->key[i] |= KAM_KEY_SHARE;
    if (md->a[i].flags & KAM_ACCOUNT_STRATEGIC) r->key[i] |= KAM_KEY_STRATEGIC, strategic++;
    if (t > 0 && md->a[i].group >= 0) {
      int64_t g = 0;
      for (j = 0; j < n; j++)
        if (md->a[j].group == md->a[i].group) g += md->a[j].revenue;
      if ((double)g / tt >= o->key_share) r->key[i] |= KAM_KEY_GROUP_SHARE;
    }
  }
  /* Details. */
  for (i = 0; i < n; i++) {
    ref_history(&r->cv[i], &r->trend[i], md->a[i].history, md->a[i].history_len);
    r->npv[i] = NAN;
    if (md->a[i].forecast_len) {
      /* Excel NPV: sum v_k / (1 + rate)^k, k from 1. */
      double acc_ = 0;
      size_t k;
      for (k = 0; k < md->a[i].forecast_len; k++)
        acc_ += md->a[i].forecast[k] / pow(1.0 + o->discount_rate, (double)(k + 1));
      r->npv[i] = acc_;
    }
  }
  /* Scores. */
  p_share = malloc(cap * sizeof(double));
  p_str = malloc(cap * sizeof(double));
  p_npv = malloc(cap * sizeof(double));
  p_trend = malloc(cap * sizeof(double));
  p_pot = malloc(cap * sizeof(double));
  tmp = malloc(cap * sizeof(double));
  /* revenue: ties are equal int64 values (not equal doubles), from the rank order */
  for (i = 0; i < n; i = j) {
    size_t k;
    double mean;
    for (j = i + 1; j < n && md->a[r->order[j]].revenue == md->a[r->order[i]].revenue; j++) {
    }
    /* descending positions [i, j) are ascending ranks n - j + 1 .. n - i */
    mean = ((double)(n - j + 1) + (double)(n - i)) / 2.0;
    for (k = i; k < j; k++)
      p_share[r->order[k]] = n == 1 ? 0.5 : (mean - 1.0) / (double)(n - 1);
  }
  for (i = 0; i < n; i++)
    tmp[i] = (md->a[i].flags & KAM_ACCOUNT_STRATEGIC) ? 1.0 : 0.0;
  ref_percentiles(p_str, tmp, n);
  (void)strategic;
  /* The implementation computes npv with kam_npv (Horner); rank on its values so that ties and
   * order agree bit for bit. */
  for (i = 0; i < n; i++) {
    tmp[i] = NAN;
    if (md->a[i].forecast_len)
      assert_int_equal(kam_npv(&tmp[i], o->discount_rate, md->a[i].forecast, md->a[i].forecast_len,
                               KAM_NPV_EXCEL),
                       KAM_OK);
  }
  ref_percentiles(p_npv, tmp, n);
  ref_percentiles(p_trend, trend_ranked, n);
  for (i = 0; i < n; i++)
    tmp[i] = md->a[i].potential;
  ref_percentiles(p_pot, tmp, n);
  for (i = 0; i < n; i++) {
    double num = o->w_share * p_share[i], den = o->w_share;
    num += o->w_strategic * p_str[i];
    den += o->w_strategic;
    if (!isnan(p_npv[i])) num += o->w_npv * p_npv[i], den += o->w_npv;
    if (!isnan(p_trend[i])) num += o->w_trend * p_trend[i], den += o->w_trend;
    if (!isnan(p_pot[i])) num += o->w_potential * p_pot[i], den += o->w_potential;
    r->score[i] = den > 0 ? num / den : 0.0;
  }
  if (o->key_top_n) {
    size_t *by = malloc(cap * sizeof *by), m = o->key_top_n < n ? o->key_top_n : n;
    for (i = 0; i < n; i++)
      by[i] = i;
    score_ref = r;
    qsort(by, n, sizeof *by, cmp_score);
    for (i = 0; i < m; i++)
      r->key[by[i]] |= KAM_KEY_TOP_SCORE;
    free(by);
  }
  free(p_share);
  free(p_str);
  free(p_npv);
  free(p_trend);
  free(p_pot);
  free(tmp);
  /* Summary. */
  r->sm.accounts = n;
  for (i = 0; i < n; i++) {
    int c = r->abc[i] - 'A';
    r->sm.count[c]++;
    r->sm.revenue[c] += md->a[i].revenue;
    if (r->key[i]) r->sm.key_accounts++;
  }
  r->sm.total_revenue = t;
  if (t > 0) {
    double sq = 0;
    int64_t topsum = 0;
    for (i = 0; i < n; i++)
      sq += (double)md->a[i].revenue * (double)md->a[i].revenue;
    r->sm.hhi = sq / (tt * tt);
    r->sm.effective_accounts = 1.0 / r->sm.hhi;
    /* Gini from the ascending order: sum (2i - n - 1) x_(i), exactly. */
    for (i = 0; i < n; i++) {
      int64_t x = md->a[r->order[n - 1 - i]].revenue;
      d += (i128)x * (i128)(2 * (int64_t)(i + 1) - (int64_t)n - 1);
    }
    r->sm.gini = (double)d / ((double)n * tt);
    top = (n + 4) / 5;
    for (i = 0; i < top; i++)
      topsum += md->a[r->order[i]].revenue;
    r->sm.top20_share = (double)topsum / tt;
  }
}

/* ---- building the portfolio from the model ---- */

static int build(kam_portfolio *p, const model *md, size_t bulk) {
  /* The first `bulk` accounts through add_columns with generated ids, the rest one by one. */
  size_t i;
  int rc;
  if (bulk) {
    int64_t *rev = malloc(bulk * sizeof *rev);
    for (i = 0; i < bulk; i++)
      rev[i] = md->a[i].revenue;
    rc = kam_portfolio_add_columns(p, bulk, NULL, rev);
    free(rev);
    if (rc) return rc;
  }
  for (i = bulk; i < md->n; i++) {
    const acc *x = &md->a[i];
    kam_account a;
    char group[16];
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.flags = x->flags;
    a.id = x->id;
    a.name = x->detail ? "Name" : NULL;
    if (x->group >= 0) {
      snprintf(group, sizeof group, "g%d", x->group);
      a.group = group;
    }
    a.revenue = x->revenue;
    a.history = x->history;
    a.history_len = x->history_len;
    a.forecast = x->forecast;
    a.forecast_len = x->forecast_len;
    a.potential = x->potential;
    rc = kam_portfolio_add(p, &a);
    if (rc) return rc;
  }
  return KAM_OK;
}

static void check_double(double got, double want, double rel, const char *what, size_t i) {
  if (isnan(want)) {
    if (!isnan(got)) fail_msg("%s[%zu]: got %.17g, want NaN", what, i, got);
    return;
  }
  if (!(fabs(got - want) <= rel * fmax(1.0, fabs(want))))
    fail_msg("%s[%zu]: got %.17g, want %.17g", what, i, got, want);
}

typedef struct rank_walk {
  const ref *r;
  size_t next;
} rank_walk;
static int check_rank_cb(void *ud, const kam_account_score *sc) {
  rank_walk *w = (rank_walk *)ud;
  assert_int_equal(sc->index, w->r->order[w->next]);
  assert_int_equal(sc->rank, w->next + 1);
  w->next++;
  return 0;
}

/* Runs kam_segment on the model and compares everything with the reference. */
static void check_model(const model *md, size_t bulk) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s = NULL;
  ref r;
  size_t i;
  int rc;
  char *cls;
  double *trend;
  kam_summary sm;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(build(p, md, bulk), KAM_OK);
  rc = kam_segment(&s, p, &md->o);
  /* The classes before any get: then they come from the cuts, not from the class bytes. */
  cls = malloc(md->n ? md->n : 1);
  if (rc == KAM_OK) assert_int_equal(kam_segmentation_classes(cls, md->n, s), KAM_OK);
  /* The score ranks the trend values as the library reports them, as it ranks kam_npv's NPVs
   * (ties are equal doubles: a flat history such as 0 0 34 0 0 comes out as -2.6e-17, not 0);
   * the values themselves are checked against the independent ref_history below. */
  trend = malloc((md->n ? md->n : 1) * sizeof *trend);
  for (i = 0; i < md->n; i++) {
    kam_account_score sc;
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    trend[i] = rc == KAM_OK && kam_segmentation_get(&sc, s, i) == KAM_OK ? sc.trend : NAN;
  }
  ref_compute(&r, md, trend);
  if (r.status) {
    assert_int_equal(rc, r.status);
    assert_null(s);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "exceeds"));
    goto out;
  }
  assert_int_equal(rc, KAM_OK);
  /* Summary. */
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.accounts, r.sm.accounts);
  assert_int_equal(sm.count[0], r.sm.count[0]);
  assert_int_equal(sm.count[1], r.sm.count[1]);
  assert_int_equal(sm.count[2], r.sm.count[2]);
  assert_true(sm.revenue[0] == r.sm.revenue[0]);
  assert_true(sm.revenue[1] == r.sm.revenue[1]);
  assert_true(sm.revenue[2] == r.sm.revenue[2]);
  assert_true(sm.total_revenue == r.sm.total_revenue);
  if (sm.key_accounts != r.sm.key_accounts)
    fail_msg("key_accounts %zu want %zu (n %zu top_n %zu T %lld)", sm.key_accounts,
             r.sm.key_accounts, md->n, md->o.key_top_n, (long long)r.sm.total_revenue);
  check_double(sm.hhi, r.sm.hhi, 1e-12, "hhi", 0);
  check_double(sm.effective_accounts, r.sm.effective_accounts, 1e-12, "effective", 0);
  check_double(sm.gini, r.sm.gini, 1e-15, "gini", 0);
  assert_true(sm.top20_share == r.sm.top20_share);
  /* Classes in bulk. */
  for (i = 0; i < md->n; i++)
    if (cls[i] != r.abc[i])
      fail_msg("class[%zu]: got %c, want %c (revenue %lld)", i, cls[i], r.abc[i],
               (long long)md->a[i].revenue);
  /* Every account. */
  for (i = 0; i < md->n; i++) {
    kam_account_score sc;
    char want_id[32];
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get(&sc, s, i), KAM_OK);
    assert_int_equal(sc.index, i);
    assert_int_equal(sc.rank, r.rank[i] + 1);
    if (i < bulk)
      snprintf(want_id, sizeof want_id, "%zu", i);
    else
      snprintf(want_id, sizeof want_id, "%s", md->a[i].id);
    assert_string_equal(sc.id, want_id);
    assert_true(sc.revenue == md->a[i].revenue);
    assert_int_equal(sc.abc, r.abc[i]);
    if (sc.key_reasons != r.key[i])
      fail_msg("key[%zu]: got 0x%x, want 0x%x", i, sc.key_reasons, r.key[i]);
    if (r.sm.total_revenue > 0) {
      assert_true(sc.share == (double)md->a[i].revenue / (double)r.sm.total_revenue);
      assert_true(sc.cum_share == (double)r.cum[r.rank[i]] / (double)r.sm.total_revenue);
    } else {
      assert_true(sc.share == 0.0 && sc.cum_share == 0.0);
    }
    check_double(sc.cv, r.cv[i], 1e-12, "cv", i);
    check_double(sc.trend, r.trend[i], 1e-12, "trend", i);
    check_double(sc.npv, r.npv[i], 1e-9, "npv", i);
    if (fabs(sc.score - r.score[i]) > 1e-12)
      fail_msg("score[%zu] n=%zu got %.17g want %.17g rev %lld strat %u npv %g trend %g pot %g w "
               "%g %g %g %g %g",
               i, md->n, sc.score, r.score[i], (long long)md->a[i].revenue, md->a[i].flags,
               r.npv[i], r.trend[i], md->a[i].potential, md->o.w_share, md->o.w_npv, md->o.w_trend,
               md->o.w_potential, md->o.w_strategic);
    assert_true(sc.score >= 0.0 && sc.score <= 1.0);
    if (isnan(r.cv[i]))
      assert_int_equal(sc.xyz, '-');
    else
      assert_int_equal(sc.xyz, r.cv[i] <= md->o.xyz_x ? 'X' : r.cv[i] <= md->o.xyz_y ? 'Y' : 'Z');
  }
  for (i = 0; i < md->n; i += 1 + md->n / 17) {
    kam_account_score sc;
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get_by_rank(&sc, s, i + 1), KAM_OK);
    assert_int_equal(sc.index, r.order[i]);
    assert_int_equal(sc.rank, i + 1);
  }
  {
    rank_walk w = {&r, 0};
    assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_RANK, check_rank_cb, &w), KAM_OK);
    assert_int_equal(w.next, md->n);
  }
out:
  free(cls);
  free(trend);
  ref_free(&r);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* ---- random models ---- */

static void random_options(kam_segment_options *o, size_t n) {
  static const double as[] = {0.8, 0.8, 0.8, 0.5, 0.0, 1.0, 0.7, 0.33};
  static const double ks[] = {0.1, 0.1, 0.05, 0.3, 1.0, 2.0, 0.25};
  kam_segment_options_init(o, sizeof *o);
  o->a_share = rnd_below(4) == 0 ? rnd_unit() : as[rnd_below(8)];
  switch (rnd_below(5)) {
  case 0: o->b_share = o->a_share; break;
  case 1: o->b_share = 1.0; break;
  case 2: o->b_share = o->a_share + (1.0 - o->a_share) * rnd_unit(); break;
  default: o->b_share = o->a_share > 0.95 ? o->a_share : 0.95;
  }
  o->key_share = ks[rnd_below(7)];
  o->key_top_n = rnd_below(3) == 0 ? (size_t)rnd_below(n + 3) : 0;
  if (rnd_below(3) == 0) {
    o->w_share = (double)rnd_below(4);
    o->w_npv = (double)rnd_below(4);
    o->w_trend = (double)rnd_below(4);
    o->w_potential = (double)rnd_below(4);
    o->w_strategic = (double)rnd_below(4) + 0.5;
  }
  if (rnd_below(4) == 0) o->discount_rate = rnd_unit() * 0.3 - 0.05;
  if (rnd_below(4) == 0) {
    o->xyz_x = rnd_unit() * 0.3;
    o->xyz_y = o->xyz_x + rnd_unit() * 0.4;
  }
}

static int64_t random_revenue(int dist, size_t n) {
  switch (dist) {
  case 0: return (int64_t)rnd_below(6); /* ties and zeros */
  case 1: return 0;                     /* all zero */
  case 2: {                             /* Pareto-like */
    double u = rnd_unit();
    return (int64_t)(1000.0 / pow(1.0 - u * 0.999999, 1.0 / 1.2));
  }
  case 3: { /* around powers of two */
    unsigned e = (unsigned)rnd_below(rnd_below(2) ? 50 : 62);
    return (int64_t)(((uint64_t)1 << e) + rnd_below(3)) - 1;
  }
  case 4:
    return (int64_t)(INT64_MAX / (int64_t)(n ? n : 1)) - (int64_t)rnd_below(3); /* near the cap */
  case 5: return (int64_t)(INT64_MAX / (int64_t)(n ? n : 1) / 2 * 3);           /* overflows */
  case 6: return (int64_t)(1000 + rnd_below(100)); /* narrow: counting sort */
  case 7: return (int64_t)((UINT64_C(1) << 40) + rnd_below(UINT64_C(1) << 30)); /* wide: radix */
  default: return (int64_t)rnd_below(1000000) * (rnd_below(4) == 0 ? 0 : 1);
  }
}

static void random_model(model *md, size_t n, int dist, bool details) {
  size_t i;
  int groups = (int)rnd_below(5);
  md->n = n;
  md->a = calloc(n ? n : 1, sizeof *md->a);
  for (i = 0; i < n; i++) {
    acc *x = &md->a[i];
    x->revenue = random_revenue(dist, n);
    x->group = -1;
    x->potential = NAN;
    snprintf(x->id, sizeof x->id, "acc-%zu", i);
    if (details) {
      x->detail = true;
      if (rnd_below(4) == 0) x->flags |= KAM_ACCOUNT_STRATEGIC;
      if (rnd_below(5) == 0) x->flags |= KAM_ACCOUNT_NEW;
      if (groups && rnd_below(2) == 0) x->group = (int)rnd_below((uint64_t)groups);
      if (rnd_below(3)) {
        size_t k;
        int64_t base = (int64_t)rnd_below(1000);
        x->history_len = (size_t)rnd_below(13);
        for (k = 0; k < x->history_len; k++)
          x->history[k] = rnd_below(6) == 0 ? 0 : base + (int64_t)rnd_below(300);
      }
      if (rnd_below(3)) {
        size_t k;
        x->forecast_len = (size_t)rnd_below(7);
        for (k = 0; k < x->forecast_len; k++)
          x->forecast[k] = (double)rnd_below(2000) - 300.0;
      }
      if (rnd_below(2)) x->potential = (double)rnd_below(5) / 4.0;
    }
  }
  random_options(&md->o, n);
}

static void model_free(model *md) {
  free(md->a);
  md->a = NULL;
}

/* The first `bulk` accounts go in through add_columns, which carries no details. */
static void strip_bulk(model *md, size_t bulk) {
  size_t i;
  for (i = 0; i < bulk; i++) {
    acc *x = &md->a[i];
    x->flags = 0;
    x->group = -1;
    x->history_len = x->forecast_len = 0;
    x->potential = NAN;
    x->detail = false;
  }
}

static void test_property_random(void **state) {
  int round;
  (void)state;
  rng_state = 12345;
  for (round = 0; round < 3000; round++) {
    model md;
    size_t n, bulk;
    int dist = (int)rnd_below(9);
    bool details = rnd_below(2) == 0;
    switch (rnd_below(10)) {
    case 0: n = 0; break;
    case 1: n = 1; break;
    case 2: n = 2 + rnd_below(5); break;
    case 3: n = 300 + rnd_below(3000); break;
    default: n = 3 + rnd_below(120);
    }
    if (dist == 5 && n < 2) n = 2;
    random_model(&md, n, dist, details);
    bulk = details ? (size_t)rnd_below(n + 1) : n;
    strip_bulk(&md, bulk);
    check_model(&md, bulk);
    model_free(&md);
  }
}

/* Shares exactly at the cuts: cumulative shares of k/20 hit 0.80 and 0.95 exactly. */
static void test_exact_thresholds(void **state) {
  int round;
  (void)state;
  rng_state = 777;
  for (round = 0; round < 500; round++) {
    model md;
    size_t n = 0, i;
    /* Twenty units of revenue u split over accounts so that prefix sums hit 16u and 19u. */
    int64_t u = 5 * (int64_t)(1 + rnd_below(1000)), parts[64];
    int units = 20;
    while (units > 0) {
      int k = 1 + (int)rnd_below((uint64_t)(units < 4 ? units : 4));
      parts[n++] = k * u;
      units -= k;
    }
    /* sort descending so the rank order is the order built; then shuffle insertion order */
    for (i = 0; i < n; i++) {
      size_t j, best = i;
      for (j = i + 1; j < n; j++)
        if (parts[j] > parts[best]) best = j;
      {
        int64_t t = parts[i];
        parts[i] = parts[best];
        parts[best] = t;
      }
    }
    md.n = n + (size_t)rnd_below(3);
    md.a = calloc(md.n, sizeof *md.a);
    for (i = 0; i < md.n; i++) {
      md.a[i].revenue = i < n ? parts[i] : 0;
      md.a[i].group = -1;
      md.a[i].potential = NAN;
      snprintf(md.a[i].id, sizeof md.a[i].id, "x%zu", i);
    }
    for (i = md.n; i > 1; i--) {
      size_t j = (size_t)rnd_below(i);
      acc t = md.a[i - 1];
      md.a[i - 1] = md.a[j];
      md.a[j] = t;
    }
    kam_segment_options_init(&md.o, sizeof md.o);
    check_model(&md, md.n);
    model_free(&md);
  }
}

/* Hand-computed: T = 100 with 50, 30, 20: the prefix {50, 30} has share exactly 0.8. */
static void test_hand_case(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  int64_t rev[] = {20, 50, 0, 30};
  char cls[4];
  kam_summary sm;
  kam_account_score sc;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, 4, NULL, rev), KAM_OK);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  assert_int_equal(kam_segmentation_classes(cls, 4, s), KAM_OK);
  assert_memory_equal(cls, "BACA", 4);
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.count[0], 2);
  assert_int_equal(sm.count[1], 1);
  assert_int_equal(sm.count[2], 1);
  assert_true(sm.revenue[0] == 80 && sm.revenue[1] == 20 && sm.revenue[2] == 0);
  assert_int_equal(sm.key_accounts, 3);
  /* ascending 0 20 30 50: sum i x = 0 + 40 + 90 + 200 = 330; G = 660/400 - 5/4 = 0.4 */
  assert_true(fabs(sm.gini - 0.4) < 1e-15);
  assert_true(fabs(sm.hhi - 0.38) < 1e-15);
  assert_true(sm.top20_share == 0.5);
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, s, 3), KAM_OK);
  assert_string_equal(sc.id, "3");
  assert_int_equal(sc.rank, 2);
  assert_true(sc.cum_share == 0.8);
  assert_int_equal(sc.abc, 'A');
  assert_int_equal(sc.xyz, '-');
  assert_true(isnan(sc.cv) && isnan(sc.trend) && isnan(sc.npv));
  assert_int_equal(sc.key_reasons, KAM_KEY_SHARE);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Larger portfolios: the counting-sort and radix paths and the lazy rank sort of big buckets. */
static void test_property_large(void **state) {
  int dist;
  (void)state;
  rng_state = 99;
  for (dist = 0; dist < 9; dist++) {
    model md;
    if (dist == 5) continue;
    random_model(&md, 60000, dist, false);
    md.o.key_top_n = dist % 2 ? 100 : 0;
    check_model(&md, md.n);
    model_free(&md);
  }
}

static int cmp_acc_revenue(const void *x, const void *y) {
  int64_t a = ((const acc *)x)->revenue, b = ((const acc *)y)->revenue;
  return a < b ? -1 : a > b;
}

/* The window of one count per revenue value that pass 1 fills (see segment.c): sorted and
 * reversed insertion orders; an order that fools its sample (the revenues at the sampled
 * positions are narrow, the rest wide, so the values kept outside the window overflow their
 * estimate and are read again from the revenues); more than 65535 accounts of one revenue (the
 * 16-bit counts wrap) sitting on the A cut. */
static void test_window_paths(void **state) {
  int layout;
  (void)state;
  for (layout = 0; layout < 4; layout++) {
    model md;
    size_t n = layout == 3 ? 140000 : 40960, i;
    rng_state = 4242 + (uint64_t)layout;
    random_model(&md, n, 2, false);
    strip_bulk(&md, n);
    kam_segment_options_init(&md.o, sizeof md.o);
    switch (layout) {
    case 0: qsort(md.a, n, sizeof *md.a, cmp_acc_revenue); break;
    case 1:
      qsort(md.a, n, sizeof *md.a, cmp_acc_revenue);
      for (i = 0; i < n / 2; i++) {
        acc t = md.a[i];
        md.a[i] = md.a[n - 1 - i];
        md.a[n - 1 - i] = t;
      }
      break;
    case 2: /* the sample reads every 5th account (40960 / 8192) */
      for (i = 0; i < n; i++)
        md.a[i].revenue = i % 5 == 0
                              ? (int64_t)(1000 + rnd_below(64))
                              : (int64_t)((UINT64_C(1) << 30) + rnd_below(UINT64_C(1) << 29));
      break;
    default:
      /* 70,000 accounts of 5000 between 70,000 spread over 1..9999: the cumulative share
       * passes 0.80 inside the run of 5000s. */
      for (i = 0; i < n; i++)
        md.a[i].revenue = i % 2 ? 5000 : (int64_t)(1 + rnd_below(9999));
    }
    check_model(&md, n);
    if (layout == 3) {
      kam_ctx *ctx;
      kam_portfolio *p;
      kam_segmentation *s;
      kam_summary sm;
      kam_account_score sc;
      int64_t *rev = malloc(n * sizeof *rev);
      for (i = 0; i < n; i++)
        rev[i] = md.a[i].revenue;
      assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
      assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
      assert_int_equal(kam_portfolio_add_columns(p, n, NULL, rev), KAM_OK);
      assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
      memset(&sm, 0, sizeof sm);
      sm.struct_size = sizeof sm;
      assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
      /* the cut really is inside the run: some 5000s are A, some B */
      memset(&sc, 0, sizeof sc);
      sc.struct_size = sizeof sc;
      assert_int_equal(kam_segmentation_get(&sc, s, 1), KAM_OK);
      assert_int_equal(sc.abc, 'A');
      assert_int_equal(kam_segmentation_get(&sc, s, n - 1), KAM_OK);
      assert_int_equal(sc.abc, 'B');
      kam_segmentation_free(s);
      kam_portfolio_free(p);
      kam_ctx_free(ctx);
      free(rev);
    }
    model_free(&md);
  }
}

/* One segmentation's observable results: summary and classes. */
typedef struct outcome {
  kam_summary sm;
  char *abc;
  kam_account_score first, last;
} outcome;

static void segment_with_threads(outcome *o, const int64_t *rev, size_t n, unsigned threads) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_ctx_set_threads(ctx, threads), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, n, NULL, rev), KAM_OK);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  memset(o, 0, sizeof *o);
  o->sm.struct_size = sizeof o->sm;
  assert_int_equal(kam_segmentation_summary(&o->sm, s), KAM_OK);
  o->abc = malloc(n);
  assert_int_equal(kam_segmentation_classes(o->abc, n, s), KAM_OK);
  o->first.struct_size = o->last.struct_size = sizeof o->first;
  assert_int_equal(kam_segmentation_get_by_rank(&o->first, s, 1), KAM_OK);
  assert_int_equal(kam_segmentation_get_by_rank(&o->last, s, n), KAM_OK);
  o->first.id = o->last.id = NULL; /* borrowed texts: compare the rest */
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* kam_ctx_set_threads splits add_columns, pass 1 of kam_segment and the classes over parts:
 * the results are the same as on one thread, byte for byte, with ties at the cuts in every
 * part, and a negative revenue in the last part is still found (and adds nothing). */
static void test_threads_same_results(void **state) {
  size_t n = 5 * KAM_TEST_PART + 12345, i;
  int64_t *rev = malloc(n * sizeof *rev);
  int layout;
  (void)state;
  for (layout = 0; layout < 3; layout++) {
    outcome one, many;
    rng_state = 31337 + (uint64_t)layout;
    for (i = 0; i < n; i++) {
      double u = rnd_unit();
      switch (layout) {
      case 0: rev[i] = (int64_t)(100000.0 / pow(1.0 - u * 0.999999, 1.0 / 1.16)); break;
      case 1: rev[i] = (int64_t)(1 + rnd_below(40)); break; /* few values: long runs of ties */
      default: /* the sampled positions narrow, the rest wide: kept values overflow */
        rev[i] = rnd_below(3) ? (int64_t)(1000 + rnd_below(50))
                              : (int64_t)((UINT64_C(1) << 33) + rnd_below(UINT64_C(1) << 32));
      }
    }
    segment_with_threads(&one, rev, n, 1);
    segment_with_threads(&many, rev, n, 4);
    assert_memory_equal(&one.sm, &many.sm, sizeof one.sm);
    assert_memory_equal(one.abc, many.abc, n);
    assert_memory_equal(&one.first, &many.first, sizeof one.first);
    assert_memory_equal(&one.last, &many.last, sizeof one.last);
    assert_true(one.sm.count[0] > 0 && one.sm.count[1] > 0 && one.sm.count[2] > 0);
    free(one.abc);
    free(many.abc);
  }
  {
    kam_ctx *ctx;
    kam_portfolio *p;
    rev[n - 2] = -5;
    assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
    assert_int_equal(kam_ctx_set_threads(ctx, 4), KAM_OK);
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    assert_int_equal(kam_portfolio_add_columns(p, n, NULL, rev), KAM_EINVAL);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "is negative"));
    assert_int_equal(kam_portfolio_count(p), 0);
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
  }
  free(rev);
}

/* ---- errors ---- */

static void make(kam_ctx **ctx, kam_portfolio **p, size_t n) {
  size_t i;
  int64_t *rev = malloc((n ? n : 1) * sizeof *rev);
  for (i = 0; i < n; i++)
    rev[i] = (int64_t)(i * 7 % 13);
  assert_int_equal(kam_ctx_new(ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(p, *ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(*p, n, NULL, rev), KAM_OK);
  free(rev);
}

static void expect_option_error(kam_portfolio *p, kam_ctx *ctx, kam_segment_options *o,
                                const char *needle) {
  kam_segmentation *s = (kam_segmentation *)1;
  assert_int_equal(kam_segment(&s, p, o), KAM_EINVAL);
  assert_null(s);
  if (!strstr(kam_ctx_errmsg(ctx), needle))
    fail_msg("message \"%s\" lacks \"%s\"", kam_ctx_errmsg(ctx), needle);
}

static void test_option_errors(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segment_options o;
  kam_segmentation *s;
  (void)state;
  make(&ctx, &p, 10);
#define BAD(field, value, needle)                                                                  \
  do {                                                                                             \
    kam_segment_options_init(&o, sizeof o);                                                        \
    o.field = value;                                                                               \
    expect_option_error(p, ctx, &o, needle);                                                       \
  } while (0)
  BAD(flags, 2, "flags");
  BAD(retention_threshold, -0.1, "retention_threshold");
  BAD(retention_threshold, NAN, "retention_threshold");
  BAD(a_share, -0.1, "a_share");
  BAD(a_share, 1.1, "a_share");
  BAD(a_share, NAN, "a_share");
  BAD(b_share, 0.5, "b_share");
  BAD(b_share, 1.5, "b_share");
  BAD(key_share, 0.0, "key_share");
  BAD(key_share, INFINITY, "key_share");
  BAD(xyz_x, -1.0, "xyz");
  BAD(xyz_y, 0.05, "xyz");
  BAD(discount_rate, -1.0, "discount_rate");
  BAD(discount_rate, NAN, "discount_rate");
  BAD(w_share, -1.0, "w_share");
  BAD(w_npv, NAN, "w_npv");
  BAD(w_trend, INFINITY, "w_trend");
  BAD(w_potential, -0.5, "w_potential");
  BAD(w_strategic, -0.5, "w_strategic");
  kam_segment_options_init(&o, sizeof o);
  o.w_share = o.w_npv = o.w_trend = o.w_potential = o.w_strategic = 0.0;
  expect_option_error(p, ctx, &o, "weights are all 0");
  kam_segment_options_init(&o, sizeof o);
  o.struct_size = 4;
  expect_option_error(p, ctx, &o, "struct_size");
  o.struct_size = 1u << 20;
  expect_option_error(p, ctx, &o, "struct_size");
  /* An old caller's shorter struct: only a_share and b_share known, the rest defaults. */
  {
    kam_segment_options shorter;
    kam_summary sm;
    memset(&shorter, 0xff, sizeof shorter); /* garbage past struct_size must not be read */
    kam_segment_options_init(&shorter, offsetof(kam_segment_options, key_share));
    assert_true(shorter.a_share == 0.8 && shorter.b_share == 0.95);
    assert_true(shorter.struct_size == offsetof(kam_segment_options, key_share));
    shorter.a_share = 0.5;
    assert_int_equal(kam_segment(&s, p, &shorter), KAM_OK);
    assert_true(kam__segmentation_options(s)->a_share == 0.5);
    assert_true(kam__segmentation_options(s)->key_share == 0.10);
    assert_true(kam__segmentation_options(s)->w_share == 0.40);
    memset(&sm, 0, sizeof sm);
    sm.struct_size = sizeof sm;
    assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
    kam_segmentation_free(s);
  }
  /* Defaults in full. */
  kam_segment_options_init(&o, sizeof o);
  assert_true(o.struct_size == sizeof o && o.flags == 0);
  assert_true(o.a_share == 0.80 && o.b_share == 0.95 && o.key_share == 0.10);
  assert_true(o.xyz_x == 0.10 && o.xyz_y == 0.25 && o.discount_rate == 0.10);
  assert_true(o.w_share == 0.4 && o.w_npv == 0.25 && o.w_trend == 0.15 && o.w_potential == 0.1 &&
              o.w_strategic == 0.1 && o.key_top_n == 0);
  kam_segment_options_init(NULL, sizeof o); /* no crash */
  /* NULL arguments. */
  assert_int_equal(kam_segment(&s, NULL, NULL), KAM_EINVAL);
  assert_null(s);
  assert_int_equal(kam_segment(NULL, p, NULL), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "out is NULL"));
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_query_errors(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_account_score sc;
  kam_summary sm;
  char cls[10];
  (void)state;
  make(&ctx, &p, 10);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, s, 10), KAM_ENOTFOUND);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "index 10 is out of range (10 accounts)"));
  assert_int_equal(kam_segmentation_get(NULL, s, 0), KAM_EINVAL);
  assert_int_equal(kam_segmentation_get_by_rank(&sc, s, 0), KAM_ENOTFOUND);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "rank 0 is out of range (1..10)"));
  assert_int_equal(kam_segmentation_get_by_rank(&sc, s, 11), KAM_ENOTFOUND);
  assert_int_equal(kam_segmentation_get_by_rank(NULL, s, 1), KAM_EINVAL);
  assert_int_equal(kam_segmentation_get_by_rank(&sc, NULL, 1), KAM_EINVAL);
  assert_int_equal(kam_segmentation_get_by_rank(&sc, s, 10), KAM_OK);
  assert_int_equal(sc.revenue, 0);
  assert_int_equal(kam_segmentation_get(&sc, NULL, 0), KAM_EINVAL);
  sc.struct_size = 2;
  assert_int_equal(kam_segmentation_get(&sc, s, 0), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "struct_size"));
  assert_int_equal(kam_segmentation_get_by_rank(&sc, s, 1), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "struct_size"));
  /* A shorter struct is filled up to its size only. */
  {
    unsigned char buf[sizeof(kam_account_score) + 8];
    kam_account_score *part = (kam_account_score *)(void *)buf;
    memset(buf, 0xab, sizeof buf);
    part->struct_size = (uint32_t)offsetof(kam_account_score, index);
    assert_int_equal(kam_segmentation_get(part, s, 1), KAM_OK);
    assert_int_equal(part->abc, 'A');
    assert_int_equal(buf[offsetof(kam_account_score, index)], 0xab);
    assert_int_equal(part->struct_size, offsetof(kam_account_score, index));
  }
  memset(&sm, 0, sizeof sm);
  sm.struct_size = 3;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_EINVAL);
  assert_int_equal(kam_segmentation_summary(NULL, s), KAM_EINVAL);
  assert_int_equal(kam_segmentation_summary(&sm, NULL), KAM_EINVAL);
  {
    kam_summary part;
    memset(&part, 0xcd, sizeof part);
    part.struct_size = (uint32_t)offsetof(kam_summary, key_accounts);
    assert_int_equal(kam_segmentation_summary(&part, s), KAM_OK);
    assert_int_equal(part.accounts, 10);
    assert_int_equal(((unsigned char *)&part)[offsetof(kam_summary, key_accounts)], 0xcd);
  }
  assert_int_equal(kam_segmentation_classes(cls, 9, s), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "n is 9 but the segmentation has 10 accounts"));
  assert_int_equal(kam_segmentation_classes(NULL, 10, s), KAM_EINVAL);
  assert_int_equal(kam_segmentation_classes(cls, 10, NULL), KAM_EINVAL);
  assert_int_equal(kam_segmentation_foreach(s, 2, NULL, NULL), KAM_EINVAL);
  assert_int_equal(kam_segmentation_foreach(NULL, 0, NULL, NULL), KAM_EINVAL);
  kam_segmentation_free(s);
  kam_segmentation_free(NULL);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static int stop_at(void *ud, const kam_account_score *sc) {
  int *left = (int *)ud;
  (void)sc;
  return --*left == 0 ? 4242 : 0;
}
static int count_cb(void *ud, const kam_account_score *sc) {
  size_t *seen = (size_t *)ud;
  assert_int_equal(sc->index, *seen);
  (*seen)++;
  return 0;
}

static int negative_cb(void *ud, const kam_account_score *sc) {
  (void)ud;
  (void)sc;
  return -77;
}

static void test_foreach(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  int left = 3;
  size_t seen = 0;
  (void)state;
  make(&ctx, &p, 10);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_RANK, stop_at, &left), 4242);
  assert_int_equal(left, 0);
  left = 1;
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_INSERTION, stop_at, &left), 4242);
  left = 11;
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_INSERTION, stop_at, &left), KAM_OK);
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_INSERTION, count_cb, &seen), KAM_OK);
  assert_int_equal(seen, 10);
  /* A negative callback status comes back unchanged too. */
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_RANK, negative_cb, NULL), -77);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Adding accounts after kam_segment does not disturb the segmentation: it covers the first n. */
static void test_segmentation_survives_adds(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_account_score sc;
  int64_t more[1000];
  size_t i;
  (void)state;
  make(&ctx, &p, 10);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  for (i = 0; i < 1000; i++)
    more[i] = 5;
  assert_int_equal(kam_portfolio_add_columns(p, 1000, NULL, more), KAM_OK);
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, s, 9), KAM_OK);
  assert_string_equal(sc.id, "9");
  kam__portfolio_truncate(p, 5);
  assert_int_equal(kam_segmentation_get(&sc, s, 0), KAM_ESTATE);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "lost accounts"));
  assert_int_equal(kam_segmentation_get_by_rank(&sc, s, 1), KAM_ESTATE);
  assert_int_equal(kam_segmentation_foreach(s, KAM_ORDER_RANK, stop_at, NULL), KAM_ESTATE);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_overflow_total(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  int64_t rev[3] = {INT64_MAX, 1, 0};
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, 3, NULL, rev), KAM_OK);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_EOVERFLOW);
  assert_null(s);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "exceeds INT64_MAX"));
  kam__portfolio_truncate(p, 1);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* ---- OOM ---- */

static void oom_model(model *md) {
  rng_state = 4711;
  random_model(md, 400, 2, true);
  md->o.key_top_n = 7;
}

static void test_oom_segment(void **state) {
  model md;
  size_t fail_at;
  (void)state;
  oom_model(&md);
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx;
    kam_portfolio *p;
    kam_segmentation *s = (kam_segmentation *)1;
    int rc;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    assert_int_equal(build(p, &md, 0), KAM_OK);
    ta.fail_at = ta.calls + fail_at;
    rc = kam_segment(&s, p, &md.o);
    if (rc == KAM_OK) {
      kam_account_score sc;
      memset(&sc, 0, sizeof sc);
      sc.struct_size = sizeof sc;
      assert_int_equal(kam_segmentation_get(&sc, s, 3), KAM_OK);
      kam_segmentation_free(s);
      kam_portfolio_free(p);
      kam_ctx_free(ctx);
      assert_int_equal(ta.blocks, 0);
      assert_true(fail_at > 3);
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    assert_null(s);
    assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
  model_free(&md);
}

/* The lazy caches: an allocation failure in get/foreach is KAM_ENOMEM and leaves the
 * segmentation usable; the next call computes them. */
static void test_oom_lazy(void **state) {
  model md;
  size_t fail_at;
  (void)state;
  oom_model(&md);
  md.o.key_top_n = 0;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx;
    kam_portfolio *p;
    kam_segmentation *s;
    kam_account_score sc;
    size_t seen = 0;
    int rc;
    memset(&ta, 0, sizeof ta);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
    assert_int_equal(build(p, &md, 0), KAM_OK);
    assert_int_equal(kam_segment(&s, p, &md.o), KAM_OK);
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    ta.fail_at = ta.calls + fail_at;
    rc = fail_at % 2 ? kam_segmentation_get(&sc, s, 5)
                     : kam_segmentation_foreach(s, KAM_ORDER_INSERTION, count_cb, &seen);
    ta.fail_at = 0;
    if (rc == KAM_ENOMEM) {
      assert_int_equal(seen, 0);
      assert_int_equal(kam_segmentation_get(&sc, s, 5), KAM_OK);
      assert_int_equal(sc.index, 5);
    } else {
      assert_int_equal(rc, KAM_OK);
    }
    kam_segmentation_free(s);
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
    if (rc == KAM_OK && fail_at > 12) break;
  }
  model_free(&md);
}

/* Scores over more details than the percentile sort's small-input cutoff (65536): the large
 * path must rank like the small one. 70000 accounts of equal revenue, none strategic, history
 * {100, 100 + d} with d in {-50, -20, 0, 20, 50} by i % 5 (the trend rises with d): five tie
 * groups of 14000, whose trend percentile is the group's mean rank, so each score is known. */
static void test_scores_large_percentiles(void **state) {
  enum { N = 70000, G = 5 };
  static const int64_t d[G] = {-50, -20, 0, 20, 50};
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_segment_options o;
  size_t i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < N; i++) {
    char id[16];
    int64_t h[2];
    kam_account a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    snprintf(id, sizeof id, "a%zu", i);
    h[0] = 100;
    h[1] = 100 + d[(i * 7) % G]; /* groups interleaved in insertion order */
    a.id = id;
    a.revenue = 1000;
    a.history = h;
    a.history_len = 2;
    a.potential = NAN;
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  kam_segment_options_init(&o, sizeof o);
  assert_int_equal(kam_segment(&s, p, &o), KAM_OK);
  for (i = 0; i < N; i++) {
    kam_account_score sc;
    size_t g = (i * 7) % G;
    double size = (double)N / (double)G, /* each group's accounts: 14000 */
        pct = ((double)g * size + (size + 1.0) / 2.0 - 1.0) / (double)(N - 1),
           num = o.w_share * 0.5 + o.w_strategic * 0.5 + o.w_trend * pct,
           den = o.w_share + o.w_strategic + o.w_trend;
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get(&sc, s, i), KAM_OK);
    assert_true(fabs(sc.score - num / den) < 1e-12);
  }
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scores_large_percentiles),
      cmocka_unit_test(test_hand_case),       cmocka_unit_test(test_exact_thresholds),
      cmocka_unit_test(test_property_random), cmocka_unit_test(test_property_large),
      cmocka_unit_test(test_window_paths),    cmocka_unit_test(test_threads_same_results),
      cmocka_unit_test(test_option_errors),   cmocka_unit_test(test_query_errors),
      cmocka_unit_test(test_foreach),         cmocka_unit_test(test_segmentation_survives_adds),
      cmocka_unit_test(test_overflow_total),  cmocka_unit_test(test_oom_segment),
      cmocka_unit_test(test_oom_lazy),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

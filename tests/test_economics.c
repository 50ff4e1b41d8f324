/* test_economics.c - account economics in kam_segment: the gross margin (kam_account.margin,
 * kam_portfolio_add_columns_margin), basis margin, unit group (a group as one customer),
 * kam_segmentation_customers and the margin / key-revenue figures of the summary, against a
 * plain qsort-based reference written here from kam/portfolio.h, on thousands of random
 * portfolios (ties, zero and negative margins, unknown margins, groups of one, shares exactly
 * at the cuts), plus sums near INT64_MAX (KAM_EOVERFLOW, nothing half-done) and OOM sweeps. */
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
#include "testutil.h"

__extension__ typedef __int128 i128;

static uint64_t rng_state;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

#define MAXN 80

/* A random portfolio and the options to segment it with. */
typedef struct model {
  size_t n;
  int64_t rev[MAXN];
  int64_t mar[MAXN]; /* KAM_MARGIN_UNKNOWN: unknown */
  int group[MAXN];   /* -1: none */
  bool strategic[MAXN];
  kam_segment_options o;
} model;

/* The reference's customer. */
typedef struct rcust {
  size_t first, members;
  i128 revenue, margin;
  bool has_margin, is_group;
  int group;
  bool included; /* counted in T */
  i128 value;    /* basis value (margin: the sum of the known margins) */
  unsigned abc, why;
  size_t rank; /* 0-based */
} rcust;

typedef struct ref {
  int rc; /* KAM_OK or KAM_EOVERFLOW */
  size_t nc;
  rcust c[MAXN];
  size_t cust_of[MAXN];
  size_t order[MAXN]; /* customers in rank order */
  unsigned abc[MAXN], why[MAXN];
  kam_summary sm;
} ref;

static const rcust *sort_cust;
static bool basis_margin;

/* Rank order on the basis: included (positive) values descending; with basis margin then the
 * known margins <= 0 descending, then the unknown ones; ties by first account. */
static int cmp_cust(const void *x, const void *y) {
  const rcust *a = &sort_cust[*(const size_t *)x], *b = &sort_cust[*(const size_t *)y];
  int ka = basis_margin ? (a->has_margin ? (a->value > 0 ? 0 : 1) : 2) : 0;
  int kb = basis_margin ? (b->has_margin ? (b->value > 0 ? 0 : 1) : 2) : 0;
  if (ka != kb) return ka < kb ? -1 : 1;
  if (ka != 2 && a->value != b->value) return a->value > b->value ? -1 : 1;
  return a->first < b->first ? -1 : a->first > b->first;
}

static int cmp_i128_asc(const void *x, const void *y) {
  i128 a = *(const i128 *)x, b = *(const i128 *)y;
  return a < b ? -1 : a > b;
}

static void ref_compute(ref *r, const model *md) {
  const kam_segment_options *o = &md->o;
  bool by_group = o->unit == KAM_UNIT_GROUP;
  int gcust[8];
  size_t i, k, m = 0;
  i128 total = 0, T = 0, tm = 0, cm[3] = {0, 0, 0}, cmr[3] = {0, 0, 0}, key_rev = 0, unprof_rev = 0,
       crev[3] = {0, 0, 0}, positive = 0;
  i128 vals[MAXN];
  memset(r, 0, sizeof *r);
  basis_margin = o->basis == KAM_BASIS_MARGIN;
  for (k = 0; k < 8; k++)
    gcust[k] = -1;
  for (i = 0; i < md->n; i++) {
    size_t c;
    if (by_group && md->group[i] >= 0 && gcust[md->group[i]] >= 0) {
      c = (size_t)gcust[md->group[i]];
    } else {
      c = r->nc++;
      r->c[c].first = i;
      r->c[c].group = by_group ? md->group[i] : -1;
      r->c[c].is_group = by_group && md->group[i] >= 0;
      if (r->c[c].is_group) gcust[md->group[i]] = (int)c;
    }
    r->cust_of[i] = c;
    r->c[c].members++;
    r->c[c].revenue += md->rev[i];
    if (md->mar[i] != KAM_MARGIN_UNKNOWN) {
      r->c[c].margin += md->mar[i];
      r->c[c].has_margin = true;
    }
    total += md->rev[i];
  }
  for (k = 0; k < r->nc; k++) {
    rcust *c = &r->c[k];
    if (c->revenue > INT64_MAX || c->margin > INT64_MAX || c->margin < -(i128)INT64_MAX) {
      r->rc = KAM_EOVERFLOW;
      return;
    }
    c->value = basis_margin ? c->margin : c->revenue;
    c->included = basis_margin ? (c->has_margin && c->value > 0) : true;
    if (c->included) T += c->value, vals[m++] = c->value;
  }
  if (total > INT64_MAX || T > INT64_MAX) {
    r->rc = KAM_EOVERFLOW;
    return;
  }
  for (i = 0; i < md->n; i++)
    if (md->mar[i] != KAM_MARGIN_UNKNOWN) {
      tm += md->mar[i];
      if (md->mar[i] > 0) positive += md->mar[i];
    }
  if (tm > INT64_MAX || tm < -(i128)INT64_MAX || (basis_margin && positive > INT64_MAX)) {
    r->rc = KAM_EOVERFLOW;
    return;
  }
  for (k = 0; k < r->nc; k++)
    r->order[k] = k;
  sort_cust = r->c;
  qsort(r->order, r->nc, sizeof r->order[0], cmp_cust);
  {
    i128 cum = 0;
    bool in_a = o->a_share > 0, in_b = o->b_share > 0;
    for (k = 0; k < r->nc; k++) {
      rcust *c = &r->c[r->order[k]];
      c->rank = k;
      c->abc = 2;
      if (!c->included || T == 0 || c->value == 0) continue;
      cum += c->value;
      c->abc = in_a ? 0 : in_b ? 1 : 2;
      if (in_a && (double)cum / (double)T >= o->a_share) in_a = false;
      if (in_b && (double)cum / (double)T >= o->b_share) in_b = false;
      if ((double)c->value / (double)T >= o->key_share)
        c->why |= KAM_KEY_SHARE | (c->is_group ? KAM_KEY_GROUP_SHARE : 0u);
    }
  }
  for (i = 0; i < md->n; i++)
    if (md->strategic[i]) r->c[r->cust_of[i]].why |= KAM_KEY_STRATEGIC;
  for (i = 0; i < md->n; i++) {
    r->abc[i] = r->c[r->cust_of[i]].abc;
    r->why[i] = r->c[r->cust_of[i]].why;
  }
  /* Unit account: a group's total passing the share test. */
  if (!by_group && T > 0)
    for (i = 0; i < md->n; i++) {
      i128 g = 0;
      size_t j;
      if (md->group[i] < 0) continue;
      for (j = 0; j < md->n; j++)
        if (md->group[j] == md->group[i]) {
          if (!basis_margin)
            g += md->rev[j];
          else if (md->mar[j] != KAM_MARGIN_UNKNOWN)
            g += md->mar[j];
        }
      if (g > 0 && (double)g / (double)T >= o->key_share) r->why[i] |= KAM_KEY_GROUP_SHARE;
    }
  /* Summary. */
  r->sm.accounts = md->n;
  r->sm.customers = r->nc;
  r->sm.total_revenue = (int64_t)total;
  r->sm.basis_total = (int64_t)T;
  tm = 0;
  for (i = 0; i < md->n; i++) {
    unsigned c = r->abc[i];
    r->sm.count[c]++;
    crev[c] += md->rev[i];
    if (r->why[i]) r->sm.key_accounts++, key_rev += md->rev[i];
    if (md->mar[i] != KAM_MARGIN_UNKNOWN) {
      r->sm.margin_accounts++;
      tm += md->mar[i];
      cm[c] += md->mar[i];
      cmr[c] += md->rev[i];
      if (md->mar[i] < 0) {
        r->sm.unprofitable++;
        unprof_rev += md->rev[i];
        if (r->why[i]) r->sm.key_unprofitable++;
      }
    }
  }
  for (k = 0; k < 3; k++) {
    r->sm.revenue[k] = (int64_t)crev[k];
    r->sm.margin_pct[k] = cmr[k] > 0 ? (double)cm[k] / (double)cmr[k] : NAN;
  }
  r->sm.total_margin = (int64_t)tm;
  r->sm.unprofitable_revenue = (int64_t)unprof_rev;
  r->sm.key_revenue_share = total > 0 ? (double)key_rev / (double)total : 0.0;
  if (T > 0) {
    double t = (double)T, sq = 0.0, g = 0.0;
    size_t top = m / 5 + (m % 5 != 0);
    i128 top_sum = 0;
    qsort(vals, m, sizeof vals[0], cmp_i128_asc);
    for (k = 0; k < m; k++) {
      sq += ((double)vals[k] / t) * ((double)vals[k] / t);
      g += 2.0 * (double)(k + 1) * (double)vals[k];
      if (k >= m - top) top_sum += vals[k];
    }
    r->sm.hhi = sq;
    r->sm.gini = g / ((double)m * t) - ((double)m + 1.0) / (double)m;
    r->sm.top20_share = (double)top_sum / t;
  }
}

/* ---- building and checking ---- */

static const char *const group_names[8] = {"Alpha", "Beta", "Gamma", "Delta",
                                           "Eps",   "Zeta", "Eta",   "Theta"};

static int build(kam_portfolio *p, const model *md, bool bulk) {
  size_t i;
  if (bulk) { /* no groups, no flags: the column form */
    char idtext[MAXN][24];
    const char *ids[MAXN];
    for (i = 0; i < md->n; i++) {
      snprintf(idtext[i], sizeof idtext[i], "a%zu", i);
      ids[i] = idtext[i];
    }
    return kam_portfolio_add_columns_margin(p, md->n, ids, md->rev, md->mar);
  }
  for (i = 0; i < md->n; i++) {
    kam_account a;
    char id[24];
    int rc;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    snprintf(id, sizeof id, "a%zu", i);
    a.id = id;
    a.revenue = md->rev[i];
    a.potential = NAN;
    a.group = md->group[i] >= 0 ? group_names[md->group[i]] : NULL;
    a.flags = md->strategic[i] ? KAM_ACCOUNT_STRATEGIC : 0u;
    if (md->mar[i] != KAM_MARGIN_UNKNOWN) {
      a.flags |= KAM_ACCOUNT_MARGIN;
      a.margin = md->mar[i];
    }
    if ((rc = kam_portfolio_add(p, &a)) != KAM_OK) return rc;
  }
  return KAM_OK;
}

static void near(double got, double want, const char *what) {
  if (isnan(want)) {
    if (!isnan(got)) fail_msg("%s: got %.17g, want NaN", what, got);
    return;
  }
  if (!(fabs(got - want) <= 1e-9 * (fabs(want) > 1 ? fabs(want) : 1.0)))
    fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

typedef struct cust_check {
  const ref *r;
  const model *md;
  size_t seen;
} cust_check;

static int check_customer(void *ud, const kam_customer *c) {
  cust_check *cc = (cust_check *)ud;
  const ref *r = cc->r;
  const rcust *want = &r->c[r->order[cc->seen]];
  assert_int_equal(c->rank, cc->seen + 1);
  assert_int_equal(c->first_index, want->first);
  assert_int_equal(c->members, want->members);
  assert_int_equal(c->revenue, (int64_t)want->revenue);
  assert_int_equal(c->has_margin, want->has_margin);
  assert_int_equal(c->margin, (int64_t)want->margin);
  assert_int_equal(c->abc, 'A' + (int)want->abc);
  assert_int_equal(c->key_reasons,
                   cc->md->o.unit == KAM_UNIT_GROUP ? want->why : r->why[want->first]);
  assert_int_equal(c->is_group, want->is_group);
  if (want->is_group) assert_string_equal(c->name, group_names[want->group]);
  near(c->share,
       r->sm.basis_total > 0 && want->included ? (double)want->value / (double)r->sm.basis_total
                                               : 0.0,
       "customer share");
  cc->seen++;
  return 0;
}

static void check_model(const model *md, bool bulk) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s = (kam_segmentation *)1;
  kam_summary sm;
  ref r;
  char abc[MAXN + 1];
  size_t i;
  int rc;
  ref_compute(&r, md);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(build(p, md, bulk), KAM_OK);
  rc = kam_segment(&s, p, &md->o);
  assert_int_equal(rc, r.rc);
  if (rc != KAM_OK) {
    assert_null(s);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "exceeds"));
    assert_int_equal(kam_portfolio_count(p), md->n); /* nothing changed */
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
    return;
  }
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.accounts, r.sm.accounts);
  assert_int_equal(sm.customers, r.sm.customers);
  assert_int_equal(sm.total_revenue, r.sm.total_revenue);
  assert_int_equal(sm.basis_total, r.sm.basis_total);
  assert_int_equal(sm.basis, md->o.basis);
  assert_int_equal(sm.unit, md->o.unit);
  for (i = 0; i < 3; i++) {
    assert_int_equal(sm.count[i], r.sm.count[i]);
    assert_int_equal(sm.revenue[i], r.sm.revenue[i]);
    near(sm.margin_pct[i], r.sm.margin_pct[i], "margin_pct");
  }
  assert_int_equal(sm.key_accounts, r.sm.key_accounts);
  near(sm.key_revenue_share, r.sm.key_revenue_share, "key_revenue_share");
  assert_int_equal(sm.total_margin, r.sm.total_margin);
  assert_int_equal(sm.margin_accounts, r.sm.margin_accounts);
  assert_int_equal(sm.unprofitable, r.sm.unprofitable);
  assert_int_equal(sm.unprofitable_revenue, r.sm.unprofitable_revenue);
  assert_int_equal(sm.key_unprofitable, r.sm.key_unprofitable);
  near(sm.hhi, r.sm.hhi, "hhi");
  near(sm.gini, r.sm.gini, "gini");
  near(sm.top20_share, r.sm.top20_share, "top20_share");
  assert_int_equal(kam_segmentation_classes(abc, md->n, s), KAM_OK);
  for (i = 0; i < md->n; i++) {
    kam_account_score sc;
    if (abc[i] != 'A' + (int)r.abc[i])
      fail_msg("account %zu: class %c, want %c", i, abc[i], 'A' + (int)r.abc[i]);
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get(&sc, s, i), KAM_OK);
    assert_int_equal(sc.abc, abc[i]);
    if (sc.key_reasons != r.why[i])
      fail_msg("account %zu: key reasons %u, want %u", i, sc.key_reasons, r.why[i]);
    assert_int_equal(sc.has_margin, md->mar[i] != KAM_MARGIN_UNKNOWN);
    if (sc.has_margin) assert_int_equal(sc.margin, md->mar[i]);
    assert_int_equal(sc.unprofitable, sc.has_margin && md->mar[i] < 0);
    assert_int_equal(sc.customer_rank, r.c[r.cust_of[i]].rank + 1);
  }
  /* Account rank order on the basis (unit account: the customers' order). */
  if (md->o.unit == KAM_UNIT_ACCOUNT)
    for (i = 0; i < md->n; i++) {
      kam_account_score sc;
      memset(&sc, 0, sizeof sc);
      sc.struct_size = sizeof sc;
      assert_int_equal(kam_segmentation_get_by_rank(&sc, s, i + 1), KAM_OK);
      assert_int_equal(sc.index, r.order[i]);
    }
  {
    cust_check cc;
    cc.r = &r;
    cc.md = md;
    cc.seen = 0;
    assert_int_equal(kam_segmentation_customers(s, check_customer, &cc), KAM_OK);
    assert_int_equal(cc.seen, r.nc);
  }
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void random_model(model *md, int scale) {
  size_t i, n = (size_t)rnd_below(MAXN + 1);
  int ngroups = 1 + (int)rnd_below(8), style = (int)rnd_below(4);
  memset(md, 0, sizeof *md);
  md->n = n;
  for (i = 0; i < n; i++) {
    int64_t big = scale ? INT64_MAX / 3 : 0;
    md->rev[i] = style == 0 ? (int64_t)rnd_below(4) * 100 : (int64_t)rnd_below(1000);
    if (big && rnd_below(3) == 0) md->rev[i] = big - (int64_t)rnd_below(10);
    switch (rnd_below(6)) {
    case 0: md->mar[i] = KAM_MARGIN_UNKNOWN; break;
    case 1: md->mar[i] = 0; break;
    case 2: md->mar[i] = -(int64_t)rnd_below(300); break;
    default: md->mar[i] = style == 0 ? (int64_t)rnd_below(3) * 50 : (int64_t)rnd_below(500);
    }
    if (big && rnd_below(3) == 0) md->mar[i] = (rnd_below(2) ? big : -big) + (int64_t)rnd_below(5);
    md->group[i] = rnd_below(2) ? (int)rnd_below((uint64_t)ngroups) : -1;
    md->strategic[i] = rnd_below(25) == 0;
  }
  if (rnd_below(8) == 0) /* no margin known at all */
    for (i = 0; i < n; i++)
      md->mar[i] = KAM_MARGIN_UNKNOWN;
  kam_segment_options_init(&md->o, sizeof md->o);
  md->o.basis = (uint32_t)rnd_below(2);
  md->o.unit = (uint32_t)rnd_below(2);
  switch (rnd_below(4)) {
  case 0: /* defaults */ break;
  case 1:
    md->o.a_share = (double)rnd_below(11) / 10.0;
    md->o.b_share = md->o.a_share + (1.0 - md->o.a_share) * (double)rnd_below(3) / 2.0;
    md->o.key_share = 0.05 + (double)rnd_below(30) / 100.0;
    break;
  default: { /* shares exactly at a customer's cumulative share: computed from the reference */
    ref r;
    size_t k, at;
    i128 cum = 0;
    ref_compute(&r, md);
    if (r.rc || r.sm.basis_total == 0) break;
    at = (size_t)rnd_below(r.nc);
    for (k = 0; k <= at; k++)
      if (r.c[r.order[k]].included) cum += r.c[r.order[k]].value;
    md->o.a_share = (double)cum / (double)r.sm.basis_total;
    md->o.b_share = md->o.a_share;
    if (rnd_below(2)) {
      md->o.key_share = (double)r.c[r.order[0]].value / (double)r.sm.basis_total;
      if (!(md->o.key_share > 0)) md->o.key_share = 0.1;
    }
  }
  }
}

static void test_property_random(void **state) {
  int it;
  (void)state;
  rng_state = 20261202;
  for (it = 0; it < 4000; it++) {
    model md;
    random_model(&md, it % 10 == 9);
    check_model(&md, false);
  }
}

/* The column form (no groups or flags) against the same reference. */
static void test_property_columns(void **state) {
  int it;
  (void)state;
  rng_state = 7;
  for (it = 0; it < 1500; it++) {
    model md;
    size_t i;
    random_model(&md, it % 10 == 9);
    for (i = 0; i < md.n; i++) {
      md.group[i] = -1;
      md.strategic[i] = false;
    }
    check_model(&md, true);
  }
}

/* Defaults: basis revenue, unit account; a margin changes no class, key or score. */
static void test_margin_changes_nothing_by_default(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p, *q;
  kam_segmentation *s, *t;
  static const int64_t rev[6] = {500, 300, 300, 0, 90, 10};
  static const int64_t mar[6] = {-20, 40, KAM_MARGIN_UNKNOWN, 0, 5, -1};
  size_t i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_new(&q, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, 6, NULL, rev), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns_margin(q, 6, NULL, rev, mar), KAM_OK);
  assert_int_equal(kam_segment(&s, p, NULL), KAM_OK);
  assert_int_equal(kam_segment(&t, q, NULL), KAM_OK);
  for (i = 0; i < 6; i++) {
    kam_account_score a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.struct_size = b.struct_size = sizeof a;
    assert_int_equal(kam_segmentation_get(&a, s, i), KAM_OK);
    assert_int_equal(kam_segmentation_get(&b, t, i), KAM_OK);
    assert_int_equal(a.abc, b.abc);
    assert_int_equal(a.key_reasons, b.key_reasons);
    assert_int_equal(a.rank, b.rank);
    assert_true(a.score == b.score);
    assert_int_equal(a.has_margin, 0);
    assert_int_equal(b.has_margin, mar[i] != KAM_MARGIN_UNKNOWN);
  }
  {
    kam_summary sm;
    memset(&sm, 0, sizeof sm);
    sm.struct_size = sizeof sm;
    assert_int_equal(kam_segmentation_summary(&sm, t), KAM_OK);
    assert_int_equal(sm.total_margin, 24);
    assert_int_equal(sm.unprofitable, 2);
    assert_int_equal(sm.unprofitable_revenue, 510);
    assert_int_equal(sm.key_unprofitable, 1); /* account 0: 500 of 1200 is key, margin -20 */
    assert_int_equal(sm.margin_accounts, 5);
    /* key accounts: 500, 300, 300 (>= 10 % of 1200): 1100 / 1200 */
    near(sm.key_revenue_share, 1100.0 / 1200.0, "key_revenue_share");
    assert_int_equal(sm.customers, 6);
  }
  /* The reports carry the margin: JSON per account and in the summary, CSV as the last column. */
  {
    kam_test_sink k;
    memset(&k, 0, sizeof k);
    assert_int_equal(kam_segmentation_write_json(t, kam_test_sink_write, &k), KAM_OK);
    assert_non_null(strstr(k.data, "\"key\":true,\"key_reasons\":[\"share\"],\"margin\":-20,"
                                   "\"unprofitable\":true,\"customer_rank\":1,"));
    assert_non_null(strstr(k.data, "\"margin\":null,\"unprofitable\":false"));
    assert_non_null(strstr(k.data, "\"total_margin\":24,\"margin_accounts\":5,\"unprofitable\":2,"
                                   "\"unprofitable_revenue\":510,\"key_unprofitable\":1,"));
    kam_test_sink_free(&k);
    memset(&k, 0, sizeof k);
    assert_int_equal(kam_segmentation_write_csv(t, kam_test_sink_write, &k, NULL), KAM_OK);
    assert_non_null(
        strstr(k.data, "key_reasons,margin,status,relationship,health,light,health_reasons\r\n1,0,"));
    assert_non_null(strstr(k.data, ",1,share,-0.20,"));
    kam_test_sink_free(&k);
  }
  /* The chart on basis margin says so and draws the margin shares. */
  {
    kam_segment_options o;
    kam_segmentation *u;
    kam_test_sink k;
    kam_segment_options_init(&o, sizeof o);
    o.basis = KAM_BASIS_MARGIN;
    assert_int_equal(kam_segment(&u, q, &o), KAM_OK);
    memset(&k, 0, sizeof k);
    assert_int_equal(kam_segmentation_write_svg(u, kam_test_sink_write, &k), KAM_OK);
    assert_non_null(strstr(k.data, "Pareto chart of gross margin by account</text>"));
    assert_non_null(strstr(k.data, "Cumulative share of gross margin</text>"));
    kam_test_sink_free(&k);
    memset(&k, 0, sizeof k);
    assert_int_equal(kam_segmentation_write_svg(t, kam_test_sink_write, &k), KAM_OK);
    assert_non_null(strstr(k.data, "Pareto chart of revenue by account</text>"));
    kam_test_sink_free(&k);
    kam_segmentation_free(u);
  }
  /* w_margin > 0 moves the scores, 0 (the default) does not. */
  {
    kam_segment_options o;
    kam_segmentation *u;
    kam_account_score a, b;
    kam_segment_options_init(&o, sizeof o);
    o.w_margin = 1.0;
    assert_int_equal(kam_segment(&u, q, &o), KAM_OK);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.struct_size = b.struct_size = sizeof a;
    assert_int_equal(kam_segmentation_get(&a, t, 0), KAM_OK);
    assert_int_equal(kam_segmentation_get(&b, u, 0), KAM_OK);
    assert_true(b.score < a.score); /* account 0 has the worst margin % */
    kam_segmentation_free(u);
  }
  kam_segmentation_free(s);
  kam_segmentation_free(t);
  kam_portfolio_free(p);
  kam_portfolio_free(q);
  kam_ctx_free(ctx);
}

typedef struct hold_seen {
  size_t count, members;
  char name[16];
  uint32_t why;
  char abc;
} hold_seen;

static int first_customer(void *ud, const kam_customer *c) {
  hold_seen *h = (hold_seen *)ud;
  if (h->count++ == 0) {
    h->members = c->members;
    snprintf(h->name, sizeof h->name, "%s", c->name);
    h->why = c->key_reasons;
    h->abc = c->abc;
  }
  return 0;
}

/* A holding of 16 companies is one key customer in unit group, listed once. */
static void test_holding_is_one_customer(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_segment_options o;
  kam_summary sm;
  size_t i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < 20; i++) {
    kam_account a;
    char id[16];
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    snprintf(id, sizeof id, "c%zu", i);
    a.id = id;
    a.potential = NAN;
    a.revenue = i < 16 ? 100 : 50;
    a.group = i < 16 ? "Holding" : NULL;
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  kam_segment_options_init(&o, sizeof o);
  o.unit = KAM_UNIT_GROUP;
  assert_int_equal(kam_segment(&s, p, &o), KAM_OK);
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.customers, 5);
  assert_int_equal(sm.key_accounts, 16); /* the holding: 1600 of 1800; each single 50: 2.8 % */
  near(sm.key_revenue_share, 1600.0 / 1800.0, "key_revenue_share");
  {
    hold_seen h;
    memset(&h, 0, sizeof h);
    assert_int_equal(kam_segmentation_customers(s, first_customer, &h), KAM_OK);
    assert_int_equal(h.count, 5);
    assert_int_equal(h.members, 16);
    assert_string_equal(h.name, "Holding");
    assert_int_equal(h.why, KAM_KEY_SHARE | KAM_KEY_GROUP_SHARE);
    assert_int_equal(h.abc, 'A');
  }
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Errors: the unknown mark as a margin, bad basis / unit, leave everything unchanged. */
static void test_errors(void **state) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s = (kam_segmentation *)1;
  kam_segment_options o;
  kam_account a;
  static const int64_t rev[3] = {1, 2, 3}, mar[3] = {1, -2, 3};
  static const int64_t bad[2] = {-1, 2};
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = "x";
  a.potential = NAN;
  a.flags = KAM_ACCOUNT_MARGIN;
  a.margin = KAM_MARGIN_UNKNOWN;
  assert_int_equal(kam_portfolio_add(p, &a), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "margin"));
  a.flags = 1u << 7;
  assert_int_equal(kam_portfolio_add(p, &a), KAM_EINVAL);
  assert_int_equal(kam_portfolio_count(p), 0);
  /* a bad revenue in the batch: nothing added, though the margin column may now exist */
  assert_int_equal(kam_portfolio_add_columns_margin(p, 2, NULL, bad, mar), KAM_EINVAL);
  assert_int_equal(kam_portfolio_count(p), 0);
  assert_int_equal(kam_portfolio_add_columns_margin(p, 3, NULL, rev, mar), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns_margin(p, 0, NULL, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns_margin(NULL, 1, NULL, rev, mar), KAM_EINVAL);
  kam_segment_options_init(&o, sizeof o);
  o.basis = 2;
  assert_int_equal(kam_segment(&s, p, &o), KAM_EINVAL);
  assert_null(s);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "basis"));
  o.basis = KAM_BASIS_MARGIN;
  o.unit = 7;
  assert_int_equal(kam_segment(&s, p, &o), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "unit"));
  o.unit = KAM_UNIT_GROUP;
  o.w_margin = -1;
  assert_int_equal(kam_segment(&s, p, &o), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "w_margin"));
  o.w_margin = 0;
  assert_int_equal(kam_segment(&s, p, &o), KAM_OK);
  assert_int_equal(kam_segmentation_customers(s, NULL, NULL), KAM_EINVAL);
  assert_int_equal(kam_segmentation_customers(NULL, NULL, NULL), KAM_EINVAL);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Sums at INT64_MAX are exact; one more is KAM_EOVERFLOW with *out NULL and a message. */
static int segment_margins(kam_ctx *ctx, const int64_t *mar, size_t n, const char *group,
                           uint32_t basis, uint32_t unit, kam_summary *sm) {
  kam_portfolio *p;
  kam_segmentation *s = (kam_segmentation *)1;
  kam_segment_options o;
  size_t i;
  int rc;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < n; i++) {
    kam_account a;
    char id[24];
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    snprintf(id, sizeof id, "m%zu", i);
    a.id = id;
    a.revenue = 1;
    a.potential = NAN;
    a.group = group;
    a.flags = KAM_ACCOUNT_MARGIN;
    a.margin = mar[i];
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  kam_segment_options_init(&o, sizeof o);
  o.basis = basis;
  o.unit = unit;
  rc = kam_segment(&s, p, &o);
  if (rc == KAM_OK) {
    memset(sm, 0, sizeof *sm);
    sm->struct_size = sizeof *sm;
    assert_int_equal(kam_segmentation_summary(sm, s), KAM_OK);
    kam_segmentation_free(s);
  } else {
    assert_null(s);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "exceeds the int64 range"));
  }
  kam_portfolio_free(p);
  return rc;
}

static void test_overflow_edges(void **state) {
  kam_ctx *ctx;
  kam_summary sm;
  const int64_t half[2] = {INT64_MAX / 2, INT64_MAX / 2 + 1};
  const int64_t over[3] = {INT64_MAX, 1, -5};
  const int64_t low[2] = {-INT64_MAX, -1};
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(segment_margins(ctx, half, 2, NULL, KAM_BASIS_MARGIN, KAM_UNIT_ACCOUNT, &sm),
                   KAM_OK);
  assert_int_equal(sm.basis_total, INT64_MAX);
  assert_int_equal(sm.total_margin, INT64_MAX);
  assert_int_equal(segment_margins(ctx, half, 2, "G", KAM_BASIS_MARGIN, KAM_UNIT_GROUP, &sm),
                   KAM_OK);
  assert_int_equal(sm.customers, 1);
  assert_int_equal(sm.count[0], 2);
  /* The positive margins of the accounts pass INT64_MAX: with basis margin that is the
   * accounts' share denominator, so an error even where the group's sum fits. */
  assert_int_equal(segment_margins(ctx, over, 3, NULL, KAM_BASIS_MARGIN, KAM_UNIT_ACCOUNT, &sm),
                   KAM_EOVERFLOW);
  assert_int_equal(segment_margins(ctx, over, 3, "G", KAM_BASIS_MARGIN, KAM_UNIT_GROUP, &sm),
                   KAM_EOVERFLOW);
  /* On basis revenue only the total margin counts: INT64_MAX - 4 fits. */
  assert_int_equal(segment_margins(ctx, over, 3, "G", KAM_BASIS_REVENUE, KAM_UNIT_GROUP, &sm),
                   KAM_OK);
  assert_int_equal(sm.total_margin, INT64_MAX - 4);
  assert_int_equal(sm.unprofitable, 1);
  /* Below -INT64_MAX: the total margin, and the group's margin. */
  assert_int_equal(segment_margins(ctx, low, 2, NULL, KAM_BASIS_REVENUE, KAM_UNIT_ACCOUNT, &sm),
                   KAM_EOVERFLOW);
  assert_int_equal(segment_margins(ctx, low, 2, "G", KAM_BASIS_MARGIN, KAM_UNIT_GROUP, &sm),
                   KAM_EOVERFLOW);
  assert_int_equal(segment_margins(ctx, low, 1, "G", KAM_BASIS_MARGIN, KAM_UNIT_GROUP, &sm),
                   KAM_OK);
  assert_int_equal(sm.basis_total, 0);
  assert_int_equal(sm.count[2], 1);
  kam_ctx_free(ctx);
}

/* ---- OOM: every allocation of the new paths fails in turn, cleanly ---- */

static int stop_second(void *ud, const kam_customer *c) {
  (void)c;
  return ++*(int *)ud == 2 ? 42 : 0;
}

static int oom_scenario(void *ud, kam_ctx *ctx) {
  const model *md = (const model *)ud;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_segment_options o = md->o;
  int rc, calls = 0;
  kam_account_score sc;
  if ((rc = kam_portfolio_new(&p, ctx)) != KAM_OK) return rc;
  if ((rc = build(p, md, false)) != KAM_OK) goto done_p;
  o.key_top_n = 3;
  o.w_margin = 0.5;
  if ((rc = kam_segment(&s, p, &o)) != KAM_OK) goto done_p;
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  rc = kam_segmentation_customers(s, stop_second, &calls);
  if (rc == 42) rc = kam_segmentation_get(&sc, s, 1);
  kam_segmentation_free(s);
done_p:
  kam_portfolio_free(p);
  return rc;
}

static void test_oom(void **state) {
  int unit, basis;
  (void)state;
  for (unit = 0; unit < 2; unit++)
    for (basis = 0; basis < 2; basis++) {
      model md;
      size_t i;
      rng_state = 99;
      do
        random_model(&md, 0);
      while (md.n < 30);
      for (i = 0; i < md.n; i++)
        md.mar[i] = i % 7 == 0 ? KAM_MARGIN_UNKNOWN : (int64_t)(i * 37 % 101) - 30;
      md.o.unit = (uint32_t)unit;
      md.o.basis = (uint32_t)basis;
      assert_true(kam_test_oom_sweep(oom_scenario, &md) != (size_t)-1);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_property_random),
      cmocka_unit_test(test_property_columns),
      cmocka_unit_test(test_margin_changes_nothing_by_default),
      cmocka_unit_test(test_holding_is_one_customer),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_overflow_edges),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

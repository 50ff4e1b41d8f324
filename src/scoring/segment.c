/*
 * segment.c - ABC/XYZ segmentation, the 10 % key-customer test, scores and the concentration
 * summary: the rules of DESIGN section 5, as kam_segment documents them in portfolio.h.
 *
 * The order statistics of the revenues that the rules need (the class cuts with their ties,
 * the key count, Gini's pairwise differences, HHI's sum of squares, the top-20 % sum, the rank
 * order) come from the segmentation engine (segment_engine_internal.h), exactly and in O(n)
 * time without sorting the accounts. Every share test is turned into a revenue threshold first
 * (min_revenue_for), so the engine works on exact integers and never sees a share.
 *
 * The class of each account is not stored: kam_segmentation_classes derives it from the
 * revenue and the two cuts in one streaming pass. The class bytes (with key reasons), the rank
 * order (revenue descending, ties by insertion order), cumulative sums and scores are computed
 * lazily the first time kam_segmentation_get / _foreach need them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/portfolio_internal.h"
#include "scoring/retention_internal.h"
#include "core/struct_copy_internal.h"

__extension__ typedef __int128 i128;

/* The cumulative-share test of DESIGN section 5, in doubles exactly as written there. */
static bool share_reached(uint64_t cum, double total, double share) {
  return (double)cum / total >= share;
}

/* Smallest revenue r with share_reached(r, total, share); UINT64_MAX if none (total 0). The
 * test is monotone in r, so a revenue x reaches the share exactly when x >= this threshold. */
static uint64_t min_revenue_for(uint64_t total, double share) {
  uint64_t lo = 0, hi = total;
  double t = (double)total;
  if (total == 0 || !share_reached(total, t, share)) return UINT64_MAX;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (share_reached(mid, t, share))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

/* ---- options ---- */

static void default_options(kam_segment_options *o) {
  /* Static, so its padding is zero as the memset-based version left it. */
  static const kam_segment_options defaults = {.struct_size = (uint32_t)sizeof(kam_segment_options),
                                               .a_share = 0.80,
                                               .b_share = 0.95,
                                               .key_share = 0.10,
                                               .xyz_x = 0.10,
                                               .xyz_y = 0.25,
                                               .discount_rate = 0.10,
                                               .w_share = 0.40,
                                               .w_npv = 0.25,
                                               .w_trend = 0.15,
                                               .w_potential = 0.10,
                                               .w_strategic = 0.10,
                                               .retention_threshold = 0.10};
  memcpy(o, &defaults, sizeof *o);
}

void kam_segment_options_init(kam_segment_options *o, size_t struct_size) {
  kam_segment_options d;
  default_options(&d);
  kam__struct_init(o, struct_size, &d, sizeof d);
}

static int check_options(kam_ctx *ctx, kam_segment_options *out, const kam_segment_options *o) {
  default_options(out);
  if (o) {
    int rc = KAM__STRUCT_COPY_IN(ctx, *out, o, kam_segment_options, flags, "kam_segment");
    if (rc) return rc;
    out->struct_size = (uint32_t)sizeof *out;
  }
  if (out->flags & ~(uint32_t)KAM_SEGMENT_RETENTION)
    return kam__error(ctx, KAM_EINVAL, "kam_segment: unknown options flags 0x%x",
                      (unsigned)(out->flags & ~(uint32_t)KAM_SEGMENT_RETENTION));
  if (!(out->retention_threshold >= 0.0) || !isfinite(out->retention_threshold))
    return kam__error(ctx, KAM_EINVAL,
                      "kam_segment: retention_threshold %g must be a finite number >= 0",
                      out->retention_threshold);
  if (!(out->a_share >= 0.0 && out->a_share <= 1.0))
    return kam__error(ctx, KAM_EINVAL, "kam_segment: a_share %g is outside 0..1", out->a_share);
  if (!(out->b_share >= out->a_share && out->b_share <= 1.0))
    return kam__error(ctx, KAM_EINVAL, "kam_segment: b_share %g is outside a_share..1 (a_share %g)",
                      out->b_share, out->a_share);
  if (!(out->key_share > 0.0) || !isfinite(out->key_share))
    return kam__error(ctx, KAM_EINVAL, "kam_segment: key_share %g must be a finite number > 0",
                      out->key_share);
  if (!(out->xyz_x >= 0.0 && out->xyz_y >= out->xyz_x && isfinite(out->xyz_y)))
    return kam__error(ctx, KAM_EINVAL,
                      "kam_segment: xyz thresholds must satisfy 0 <= xyz_x <= xyz_y (got %g, %g)",
                      out->xyz_x, out->xyz_y);
  if (!(out->discount_rate > -1.0) || !isfinite(out->discount_rate))
    return kam__error(ctx, KAM_EINVAL, "kam_segment: discount_rate %g must be finite and > -1",
                      out->discount_rate);
  {
    const double w[5] = {out->w_share, out->w_npv, out->w_trend, out->w_potential,
                         out->w_strategic};
    static const char *const names[5] = {"w_share", "w_npv", "w_trend", "w_potential",
                                         "w_strategic"};
    double sum = 0.0;
    int i;
    for (i = 0; i < 5; i++) {
      if (!(w[i] >= 0.0) || !isfinite(w[i]))
        return kam__error(ctx, KAM_EINVAL, "kam_segment: weight %s = %g must be finite and >= 0",
                          names[i], w[i]);
      sum += w[i];
    }
    if (!(sum > 0.0))
      return kam__error(ctx, KAM_EINVAL, "kam_segment: the score weights are all 0");
  }
  return KAM_OK;
}

/* ---- kam_segment ---- */

kam_ctx *kam__segmentation_ctx(const kam_segmentation *s) { return s ? s->ctx : NULL; }
const kam_portfolio *kam__segmentation_portfolio(const kam_segmentation *s) {
  return s ? s->p : NULL;
}
const kam_segment_options *kam__segmentation_options(const kam_segmentation *s) {
  return s ? &s->opts : NULL;
}

static void free_caches(kam_segmentation *s) {
  kam_ctx *ctx = s->ctx;
  kam__free(ctx, s->order, s->n * sizeof *s->order);
  kam__free(ctx, s->rank_of, s->n * sizeof *s->rank_of);
  kam__free(ctx, s->cum, s->n * sizeof *s->cum);
  kam__free(ctx, s->score, s->n * sizeof *s->score);
  s->order = s->rank_of = NULL;
  s->cum = NULL;
  s->score = NULL;
}

void kam_segmentation_free(kam_segmentation *s) {
  kam_ctx *ctx;
  if (!s) return;
  ctx = s->ctx;
  free_caches(s);
  kam__free(ctx, s->cls, s->n);
  kam__free(ctx, s->cv, s->nd * sizeof *s->cv);
  kam__free(ctx, s->trend, s->nd * sizeof *s->trend);
  kam__free(ctx, s->npv, s->nd * sizeof *s->npv);
  kam__free(ctx, s->status, s->nd);
  kam__free(ctx, s, sizeof *s);
}

/* Population statistics of a history: coefficient of variation and OLS trend / mean. */
static void history_stats(double *cv, double *trend, const int64_t *h, size_t m) {
  double mean = 0.0, var = 0.0, sxy = 0.0, sxx = 0.0, tbar;
  i128 sum = 0;
  size_t t;
  *cv = *trend = NAN;
  if (m < 2) return;
  for (t = 0; t < m; t++)
    sum += h[t];
  mean = (double)sum / (double)m;
  if (mean == 0.0) return;
  tbar = (double)(m - 1) / 2.0;
  for (t = 0; t < m; t++) {
    double dy = (double)h[t] - mean, dt = (double)t - tbar;
    var += dy * dy;
    sxy += dt * dy;
    sxx += dt * dt;
  }
  *cv = sqrt(var / (double)m) / mean;
  *trend = sxy / sxx / mean;
}

/* Groups under common control: the 10 % test on each group's revenue (ASC 280 / IFRS 8 treat
 * such a group as one customer). */
typedef struct group_slot {
  const char *name;
  size_t len;
  uint64_t revenue;
} group_slot;

static uint64_t hash_text(const char *s, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  size_t i;
  for (i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
  return h ^ (h >> 32);
}

static int group_keys(kam_segmentation *s, uint64_t key_min, size_t *new_keys) {
  const kam_portfolio *p = s->p;
  size_t cap = 16, i, groups = 0;
  group_slot *tab;
  for (i = 0; i < s->nd; i++)
    if (p->details[i].group) groups++;
  if (groups == 0) return KAM_OK;
  while (cap < groups * 2)
    cap *= 2;
  tab = (group_slot *)kam__alloc_array(s->ctx, cap, sizeof *tab);
  if (!tab) return kam__nomem(s->ctx);
  memset(tab, 0, cap * sizeof *tab);
  for (i = 0; i < s->nd; i++) {
    const kam__detail *d = &p->details[i];
    size_t slot;
    if (!d->group) continue;
    slot = (size_t)hash_text(d->group, d->group_len) & (cap - 1);
    while (tab[slot].name &&
           !(tab[slot].len == d->group_len && memcmp(tab[slot].name, d->group, d->group_len) == 0))
      slot = (slot + 1) & (cap - 1);
    tab[slot].name = d->group;
    tab[slot].len = d->group_len;
    tab[slot].revenue += (uint64_t)p->revenue[d->index];
  }
  for (i = 0; i < s->nd; i++) {
    const kam__detail *d = &p->details[i];
    size_t slot;
    if (!d->group) continue;
    slot = (size_t)hash_text(d->group, d->group_len) & (cap - 1);
    while (!(tab[slot].len == d->group_len && memcmp(tab[slot].name, d->group, d->group_len) == 0))
      slot = (slot + 1) & (cap - 1);
    if (tab[slot].revenue >= key_min) {
      uint8_t *c = &s->cls[d->index];
      if (!(*c >> KAM__SEG_KEY_SHIFT)) (*new_keys)++;
      *c = (uint8_t)(*c | (KAM_KEY_GROUP_SHARE << KAM__SEG_KEY_SHIFT));
    }
  }
  kam__free(s->ctx, tab, cap * sizeof *tab);
  return KAM_OK;
}

static int ensure_scores(kam_segmentation *s);
static int ensure_order(kam_segmentation *s);
static int check_live(const kam_segmentation *s, const char *fn);

/* Ranks the accounts by score (descending, ties by revenue rank) and marks the top N. */
static int top_scores(kam_segmentation *s, size_t *new_keys);

/* What DESIGN section 5 asks of the revenues, once their exact total T is known. */
static int revenue_query(void *ud, uint64_t total, kam__revenue_query *q) {
  kam_segmentation *s = (kam_segmentation *)ud;
  size_t n = s->n;
  /* A: the shortest rank prefix whose cumulative share is >= a_share; A and B: >= b_share. */
  q->reach[0] = min_revenue_for(total, s->opts.a_share);
  q->reach[1] = min_revenue_for(total, s->opts.b_share);
  /* Key: revenue / T >= key_share. */
  s->key_min = min_revenue_for(total, s->opts.key_share);
  q->at_least = s->key_min;
  /* top20_share: the top ceil(n / 5) accounts by rank. */
  q->top = n / 5 + (n % 5 != 0);
  return KAM_OK;
}

/* The cuts, the total and the summary from the engine's answers (key_accounts: the share test
 * only). */
static void take_stats(kam_segmentation *s, const kam__revenue_stats *st) {
  const kam__revenue_cut *a = &st->cut[0], *ab = &st->cut[1];
  kam_summary *sm = &s->summary;
  uint64_t total = st->total;
  size_t n = s->n;
  s->total = (int64_t)total;
  s->cut[0] = *a;
  s->cut[1] = *ab;
  memset(sm, 0, sizeof *sm);
  sm->struct_size = (uint32_t)sizeof *sm;
  sm->accounts = n;
  sm->key_accounts = st->at_least;
  sm->count[0] = a->count;
  sm->count[1] = ab->count - a->count;
  sm->count[2] = n - ab->count;
  sm->revenue[0] = (int64_t)a->revenue;
  sm->revenue[1] = (int64_t)(ab->revenue - a->revenue);
  sm->revenue[2] = (int64_t)(total - ab->revenue);
  sm->total_revenue = (int64_t)total;
  if (total > 0) {
    double t = (double)total;
    sm->hhi = st->sum_squares / (t * t); /* sum (x_i / T)^2 */
    sm->effective_accounts = 1.0 / sm->hhi;
    /* 2 sum i x_(i) / (n T) - (n + 1) / n = sum_{i<j} |x_i - x_j| / (n T) */
    sm->gini = st->pair_diff / ((double)n * t);
    sm->top20_share = (double)st->top_sum / t;
  }
}

static int overflow(kam_segmentation *s) {
  return kam__error(s->ctx, KAM_EOVERFLOW,
                    "kam_segment: the total revenue of the %zu accounts exceeds INT64_MAX", s->n);
}

/* The class cuts, the key count and the summary, in one pass over the revenues. */
static int segment_revenue(kam_segmentation *s, size_t *keys) {
  const int64_t *rev = s->p->revenue;
  kam__revenue_stats st;
  size_t n = s->n;
  int rc = kam__revenue_stats_of(&st, s->ctx, rev, n, revenue_query, s);
  if (rc == KAM_EOVERFLOW) return overflow(s);
  if (rc) return rc;
  take_stats(s, &st);
  *keys = st.at_least;
  if (s->p->flags) { /* strategic accounts below key_min are key too (revenue read only for them) */
    const uint8_t *flags = s->p->flags;
    size_t i;
    for (i = 0; i < n; i++)
      if ((flags[i] & KAM_ACCOUNT_STRATEGIC) && (uint64_t)rev[i] < s->key_min) (*keys)++;
  }
  return KAM_OK;
}

int kam__segment_runs(kam_summary *sm, kam__revenue_cut cut[2], kam_ctx *ctx,
                      const kam_segment_options *o, const kam__value_run *run, size_t nrun,
                      size_t n) {
  kam_segmentation s;
  kam__revenue_stats st;
  int rc;
  memset(&s, 0, sizeof s);
  s.ctx = ctx;
  s.n = n;
  if ((rc = check_options(ctx, &s.opts, o)) != KAM_OK) return rc;
  if (s.opts.key_top_n > 0)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_partial_segment: key_top_n needs the scores of every account (one "
                      "machine only); it must be 0");
  rc = kam__revenue_stats_of_runs(&st, run, nrun, revenue_query, &s);
  if (rc == KAM_EOVERFLOW) return overflow(&s);
  if (rc) return rc;
  take_stats(&s, &st);
  *sm = s.summary;
  cut[0] = s.cut[0];
  cut[1] = s.cut[1];
  return KAM_OK;
}

/* Class of every account in insertion order, from the cuts, written as base + class; with
 * keys, the KAM_KEY_SHARE and KAM_KEY_STRATEGIC reasons above (KAM__SEG_KEY_SHIFT). */
static void stream_classes(const kam_segmentation *s, uint8_t *out, unsigned base, bool keys) {
  const int64_t *rev = s->p->revenue;
  const uint8_t *flags = s->p->flags;
  uint64_t key_min = s->key_min;
  size_t i, n = s->n;
  kam__revenue_bands(out, base, s->ctx, rev, n, s->cut); /* A, B, C: inside A, A+B, neither */
  if (!keys) return;
  /* KAM_ACCOUNT_STRATEGIC << 2 is KAM_KEY_STRATEGIC. */
  _Static_assert(KAM_ACCOUNT_STRATEGIC << 2 == KAM_KEY_STRATEGIC, "flag layout");
  for (i = 0; i < n; i++) {
    unsigned why = (uint64_t)rev[i] >= key_min ? (unsigned)KAM_KEY_SHARE : 0u;
    if (flags) why |= (unsigned)(flags[i] & KAM_ACCOUNT_STRATEGIC) << 2;
    out[i] = (uint8_t)(out[i] | why << KAM__SEG_KEY_SHIFT);
  }
}

/* The class byte per account (class | key reasons << KAM__SEG_KEY_SHIFT), made when first
 * needed; kam_segment makes it at once when groups or key_top_n add key reasons. */
static int ensure_cls(kam_segmentation *s) {
  if (s->cls || s->n == 0) return KAM_OK;
  s->cls = (uint8_t *)kam__alloc(s->ctx, s->n);
  if (!s->cls) return kam__nomem(s->ctx);
  stream_classes(s, s->cls, 0, true);
  return KAM_OK;
}

/* ---- health (portfolio.h, kam_segment "Health") ---- */

static double clamp01(double x) { return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x; }

/* The health of one account from its components (NaN / -1: unknown) and the reasons that pulled
 * it down; NaN when no component is known. */
static double health_of(uint32_t *reasons, double trend, double cv, int status, double margin_pct,
                        double relationship) {
  /* retention component per status: inactive, new, lost, expanding, contracting, stable */
  static const double by_status[KAM_RETENTION_STATUSES] = {NAN, 0.75, 0.0, 1.0, 0.25, 0.75};
  const double part[5] = {
      isnan(trend) ? NAN : clamp01(0.5 + 5.0 * trend),
      isnan(cv) ? NAN : clamp01(1.0 - 2.0 * cv),
      status >= 0 && status < KAM_RETENTION_STATUSES ? by_status[status] : NAN,
      isnan(margin_pct) ? NAN : clamp01((margin_pct + 0.10) / 0.40),
      relationship,
  };
  static const uint32_t bit[5] = {KAM_HEALTH_TREND, KAM_HEALTH_VOLATILITY, KAM_HEALTH_RETENTION,
                                  KAM_HEALTH_MARGIN, KAM_HEALTH_RELATIONSHIP};
  double sum = 0.0;
  int k, known = 0;
  *reasons = 0;
  for (k = 0; k < 5; k++) {
    if (isnan(part[k])) continue;
    sum += part[k];
    known++;
    if (part[k] < 0.5) *reasons |= bit[k];
  }
  return known ? sum / known : NAN;
}

static char light_of(double health) {
  return isnan(health) ? '-' : health >= 0.60 ? 'G' : health >= 0.40 ? 'Y' : 'R';
}

/* The health of the account with details k (index into p->details; the accounts without
 * details know no component yet). */
static double detail_health(const kam_segmentation *s, size_t k, uint32_t *reasons) {
  /* margin hook: margin % (margin / revenue) when the account's margin is known, else NaN */
  double margin_pct = NAN;
  return health_of(reasons, s->trend[k], s->cv[k], s->status ? (int)s->status[k] : -1,
                   margin_pct, s->p->details[k].relationship);
}

/* Statuses per detail (KAM_SEGMENT_RETENTION with N >= 2), then the red accounts and the
 * revenue at risk of the summary. */
static int segment_health(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  size_t k, N, w;
  int64_t risk = 0;
  if ((s->opts.flags & KAM_SEGMENT_RETENTION) && (N = kam__retention_periods(p, s->nd)) >= 2) {
    int rc = kam__retention_window(s->ctx, &w, s->opts.retention_window, N,
                                   "kam_segment: retention_window");
    if (rc) return rc;
    s->status = (uint8_t *)kam__alloc(s->ctx, s->nd);
    if (!s->status) return kam__nomem(s->ctx);
    for (k = 0; k < s->nd; k++)
      s->status[k] = (uint8_t)kam__retention_status(p, &p->details[k], N, w,
                                                    s->opts.retention_threshold);
  }
  for (k = 0; k < s->nd; k++) {
    uint32_t reasons;
    if (light_of(detail_health(s, k, &reasons)) == 'R') {
      s->summary.red_accounts++;
      risk += p->revenue[p->details[k].index]; /* <= the total, which fits */
    }
  }
  s->summary.revenue_at_risk = risk;
  return KAM_OK;
}

int kam_segment(kam_segmentation **out, const kam_portfolio *p, const kam_segment_options *o) {
  kam_segmentation *s;
  kam_segment_options opts;
  kam_ctx *ctx;
  size_t keys = 0, i;
  int rc;
  if (out) *out = NULL;
  if (!p) return KAM_EINVAL;
  ctx = p->ctx;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_segment: out is NULL");
  rc = check_options(ctx, &opts, o);
  if (rc) return rc;
  s = (kam_segmentation *)kam__alloc(ctx, sizeof *s);
  if (!s) return kam__nomem(ctx);
  memset(s, 0, sizeof *s);
  s->ctx = ctx;
  s->p = p;
  s->n = p->count;
  s->nd = p->detail_len;
  s->opts = opts;
  if (s->nd) {
    s->cv = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->cv);
    s->trend = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->trend);
    s->npv = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->npv);
    if (!s->cv || !s->trend || !s->npv) goto nomem;
  }
  rc = segment_revenue(s, &keys);
  if (rc) goto fail;
  for (i = 0; i < s->nd; i++) {
    const kam__detail *d = &p->details[i];
    history_stats(&s->cv[i], &s->trend[i], kam__detail_history(p, d), d->history_len);
    s->npv[i] = NAN;
    if (d->forecast_len &&
        kam_npv(&s->npv[i], opts.discount_rate, d->forecast, d->forecast_len, KAM_NPV_EXCEL))
      s->npv[i] = NAN;
  }
  rc = segment_health(s);
  if (rc) goto fail;
  /* Groups and the top-N test add key reasons: they need the class bytes now. */
  if ((s->total > 0 && s->nd) || (opts.key_top_n > 0 && s->n > 0)) {
    rc = ensure_cls(s);
    if (rc) goto fail;
  }
  if (s->total > 0 && s->nd) {
    rc = group_keys(s, s->key_min, &keys);
    if (rc) goto fail;
  }
  if (opts.key_top_n > 0 && s->n > 0) {
    rc = top_scores(s, &keys);
    if (rc) goto fail;
  }
  s->summary.key_accounts = keys;
  *out = s;
  return KAM_OK;
nomem:
  rc = kam__nomem(ctx);
fail:
  kam_segmentation_free(s);
  return rc;
}

/* ---- lazy rank order ---- */

/* The rank order, each account's rank and the cumulative revenue by rank. */
static int ensure_order(kam_segmentation *s) {
  size_t n = s->n, i, *order, *rank_of;
  int64_t *cum;
  if (s->order || n == 0) return KAM_OK;
  order = (size_t *)kam__alloc_array(s->ctx, n, sizeof *order);
  rank_of = (size_t *)kam__alloc_array(s->ctx, n, sizeof *rank_of);
  cum = (int64_t *)kam__alloc_array(s->ctx, n, sizeof *cum);
  if (!order || !rank_of || !cum || kam__revenue_rank(order, cum, s->ctx, s->p->revenue, n)) {
    kam__free(s->ctx, order, n * sizeof *order);
    kam__free(s->ctx, rank_of, n * sizeof *rank_of);
    kam__free(s->ctx, cum, n * sizeof *cum);
    return kam__nomem(s->ctx);
  }
  for (i = 0; i < n; i++)
    rank_of[order[i]] = i;
  s->order = order;
  s->rank_of = rank_of;
  s->cum = cum;
  return KAM_OK;
}

/* ---- scores ---- */

typedef struct valued {
  double value;
  size_t pos;
} valued;

static int cmp_valued(const void *x, const void *y) {
  const valued *a = (const valued *)x, *b = (const valued *)y;
  if (a->value < b->value) return -1;
  if (a->value > b->value) return 1;
  return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Percentile rank of m known values: (r - 1) / (m - 1) with r the 1-based ascending rank, ties
 * sharing their mean rank; 0.5 when m == 1. */
static double percentile(double mean_rank, size_t m) {
  return m == 1 ? 0.5 : (mean_rank - 1.0) / (double)(m - 1);
}

/* Fills pct[detail] for the details whose value (from get) is known; NaN otherwise. */
static int detail_percentiles(kam_segmentation *s, double *pct, const double *vals) {
  size_t i, m = 0, j;
  valued *v;
  for (i = 0; i < s->nd; i++)
    pct[i] = NAN;
  for (i = 0; i < s->nd; i++)
    if (!isnan(vals[i])) m++;
  if (m == 0) return KAM_OK;
  v = (valued *)kam__alloc_array(s->ctx, m, sizeof *v);
  if (!v) return KAM_ENOMEM;
  for (i = 0, j = 0; i < s->nd; i++)
    if (!isnan(vals[i])) {
      v[j].value = vals[i];
      v[j].pos = i;
      j++;
    }
  qsort(v, m, sizeof *v, cmp_valued);
  for (i = 0; i < m; i = j) {
    double mean;
    size_t k;
    for (j = i + 1; j < m && v[j].value == v[i].value; j++) {
    }
    mean = ((double)(i + 1) + (double)j) / 2.0;
    for (k = i; k < j; k++)
      pct[v[k].pos] = percentile(mean, m);
  }
  kam__free(s->ctx, v, m * sizeof *v);
  return KAM_OK;
}

static int ensure_scores(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  const kam_segment_options *o = &s->opts;
  size_t n = s->n, nd = s->nd, i, j, strategic = 0;
  double *score = NULL, *pot = NULL, p_strat[2];
  double *pct[3] = {NULL, NULL, NULL}; /* npv, trend, potential */
  int rc;
  if (s->score || n == 0) return KAM_OK;
  rc = ensure_order(s);
  if (rc) return rc;
  score = (double *)kam__alloc_array(s->ctx, n, sizeof *score);
  if (!score) goto nomem;
  if (nd) {
    for (j = 0; j < 3; j++)
      if (!(pct[j] = (double *)kam__alloc_array(s->ctx, nd, sizeof *pct[j]))) goto nomem;
    if (!(pot = (double *)kam__alloc_array(s->ctx, nd, sizeof *pot))) goto nomem;
    for (i = 0; i < nd; i++)
      pot[i] = p->details[i].potential;
    if (detail_percentiles(s, pct[0], s->npv) || detail_percentiles(s, pct[1], s->trend) ||
        detail_percentiles(s, pct[2], pot))
      goto nomem;
  }
  /* share: in rank order (descending) a tie group at positions [g, e) has the ascending mean
   * rank n - (g + e - 1) / 2. Stored in score[] first, combined below. */
  for (i = 0; i < n; i = j) {
    double mean;
    size_t k;
    int64_t v = s->cum[i] - (i ? s->cum[i - 1] : 0); /* revenue at rank i + 1, read in order */
    for (j = i + 1; j < n && s->cum[j] - s->cum[j - 1] == v; j++) {
    }
    mean = (double)n - ((double)i + (double)(j - 1)) / 2.0;
    for (k = i; k < j; k++)
      score[s->order[k]] = percentile(mean, n);
  }
  for (i = 0; i < n; i++)
    strategic += kam__portfolio_flags(p, i) & KAM_ACCOUNT_STRATEGIC;
  /* strategic as 0/1: the n - k zeros share mean rank (n - k + 1) / 2, the k ones
   * (2n - k + 1) / 2. */
  p_strat[0] = percentile(((double)(n - strategic) + 1.0) / 2.0, n);
  p_strat[1] = percentile((2.0 * (double)n - (double)strategic + 1.0) / 2.0, n);
  {
    size_t d = 0;
    for (i = 0; i < n; i++) {
      double num = o->w_share * score[i], den = o->w_share;
      unsigned flags = kam__portfolio_flags(p, i);
      bool is_strategic = (flags & KAM_ACCOUNT_STRATEGIC) != 0;
      num += o->w_strategic * p_strat[is_strategic];
      den += o->w_strategic;
      if (nd && (flags & KAM__ACC_DETAIL)) {
        while (p->details[d].index < i)
          d++;
        if (!isnan(pct[0][d])) num += o->w_npv * pct[0][d], den += o->w_npv;
        if (!isnan(pct[1][d])) num += o->w_trend * pct[1][d], den += o->w_trend;
        if (!isnan(pct[2][d])) num += o->w_potential * pct[2][d], den += o->w_potential;
      }
      score[i] = den > 0.0 ? num / den : 0.0;
    }
  }
  for (j = 0; j < 3; j++)
    kam__free(s->ctx, pct[j], nd * sizeof *pct[j]);
  kam__free(s->ctx, pot, nd * sizeof *pot);
  s->score = score;
  return KAM_OK;
nomem:
  for (j = 0; j < 3; j++)
    kam__free(s->ctx, pct[j], nd * sizeof *pct[j]);
  kam__free(s->ctx, pot, nd * sizeof *pot);
  kam__free(s->ctx, score, n * sizeof *score);
  return kam__nomem(s->ctx);
}

/* Is account x before account y in score order (score descending, then rank)? */
static bool score_before(const kam_segmentation *s, size_t x, size_t y) {
  if (s->score[x] != s->score[y]) return s->score[x] > s->score[y];
  return s->rank_of[x] < s->rank_of[y];
}

static void heap_down(const kam_segmentation *s, size_t *heap, size_t m, size_t i) {
  /* A heap whose root is the account that comes LAST in score order among the kept ones. */
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, worst = i;
    if (l < m && score_before(s, heap[worst], heap[l])) worst = l;
    if (r < m && score_before(s, heap[worst], heap[r])) worst = r;
    if (worst == i) return;
    {
      size_t t = heap[i];
      heap[i] = heap[worst];
      heap[worst] = t;
    }
    i = worst;
  }
}

static int top_scores(kam_segmentation *s, size_t *new_keys) {
  size_t n = s->n, m = s->opts.key_top_n < n ? s->opts.key_top_n : n, i;
  size_t *heap;
  int rc = ensure_scores(s);
  if (rc) return rc;
  heap = (size_t *)kam__alloc_array(s->ctx, m, sizeof *heap);
  if (!heap) return kam__nomem(s->ctx);
  for (i = 0; i < m; i++)
    heap[i] = i;
  for (i = m / 2; i-- > 0;)
    heap_down(s, heap, m, i);
  for (i = m; i < n; i++) {
    if (score_before(s, i, heap[0])) {
      heap[0] = i;
      heap_down(s, heap, m, 0);
    }
  }
  for (i = 0; i < m; i++) {
    uint8_t *c = &s->cls[heap[i]];
    if (!(*c >> KAM__SEG_KEY_SHIFT)) (*new_keys)++;
    *c = (uint8_t)(*c | (KAM_KEY_TOP_SCORE << KAM__SEG_KEY_SHIFT));
  }
  kam__free(s->ctx, heap, m * sizeof *heap);
  return KAM_OK;
}

/* ---- queries ---- */

int kam_segmentation_summary(kam_summary *out, const kam_segmentation *s) {
  size_t sz;
  if (!s) return KAM_EINVAL;
  if (!out) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_summary: out is NULL");
  sz = out->struct_size;
  if (kam__struct_size_check(s->ctx, sz, KAM__FIELD_END(kam_summary, reserved),
                             "kam_segmentation_summary", "kam_summary"))
    return KAM_EINVAL;
  memcpy((char *)out + sizeof out->struct_size, (const char *)&s->summary + sizeof out->struct_size,
         (sz < sizeof *out ? sz : sizeof *out) - sizeof out->struct_size);
  return KAM_OK;
}

int kam_segmentation_classes(char *abc, size_t n, const kam_segmentation *s) {
  size_t i;
  int rc;
  if (!s) return KAM_EINVAL;
  if (n != s->n)
    return kam__error(s->ctx, KAM_EINVAL,
                      "kam_segmentation_classes: n is %zu but the segmentation has %zu accounts", n,
                      s->n);
  if (n && !abc) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_classes: abc is NULL");
  if ((rc = check_live(s, "kam_segmentation_classes")) != KAM_OK) return rc;
  if (!s->cls) {
    stream_classes(s, (uint8_t *)abc, 'A', false);
    return KAM_OK;
  }
  for (i = 0; i < n; i++)
    abc[i] = (char)('A' + (s->cls[i] & KAM__SEG_CLASS_MASK));
  return KAM_OK;
}

static int check_live(const kam_segmentation *s, const char *fn) {
  if (s->p->count < s->n)
    return kam__error(s->ctx, KAM_ESTATE, "%s: the portfolio lost accounts after kam_segment", fn);
  return KAM_OK;
}

/* Everything a score needs, lazily. */
static int ensure_all(const kam_segmentation *cs) {
  kam_segmentation *s = (kam_segmentation *)cs; /* lazy caches: see portfolio.h */
  int rc = ensure_order(s);
  if (rc == KAM_OK) rc = ensure_scores(s);
  if (rc == KAM_OK) rc = ensure_cls(s);
  return rc;
}

static void fill_score(kam_account_score *sc, const kam_segmentation *s, size_t i,
                       const kam__detail *d, char *idbuf) {
  const kam_portfolio *p = s->p;
  uint8_t c = s->cls[i];
  double t = (double)s->total;
  memset(sc, 0, sizeof *sc);
  sc->struct_size = (uint32_t)sizeof *sc;
  sc->key_reasons = (uint32_t)(c >> KAM__SEG_KEY_SHIFT);
  sc->abc = (char)('A' + (c & KAM__SEG_CLASS_MASK));
  sc->index = i;
  sc->rank = s->rank_of[i] + 1;
  sc->id = kam__portfolio_id(p, i, idbuf, NULL);
  sc->revenue = p->revenue[i];
  sc->share = s->total > 0 ? (double)sc->revenue / t : 0.0;
  sc->cum_share = s->total > 0 ? (double)s->cum[s->rank_of[i]] / t : 0.0;
  sc->cv = sc->trend = sc->npv = sc->relationship = sc->health = NAN;
  sc->status = -1;
  if (d) {
    size_t k = (size_t)(d - p->details);
    sc->cv = s->cv[k];
    sc->trend = s->trend[k];
    sc->npv = s->npv[k];
    sc->name = d->name;
    sc->group = d->group;
    sc->relationship = d->relationship;
    sc->health = detail_health(s, k, &sc->health_reasons);
    if (s->status) sc->status = s->status[k];
  } else if (s->status) {
    sc->status = KAM_RETENTION_INACTIVE;
  }
  sc->light = light_of(sc->health);
  sc->xyz = isnan(sc->cv)             ? '-'
            : sc->cv <= s->opts.xyz_x ? 'X'
            : sc->cv <= s->opts.xyz_y ? 'Y'
                                      : 'Z';
  sc->score = s->score[i];
}

static void copy_out(kam_account_score *out, const kam_account_score *sc, size_t sz) {
  memcpy((char *)out + sizeof out->struct_size, (const char *)sc + sizeof out->struct_size,
         (sz < sizeof *sc ? sz : sizeof *sc) - sizeof out->struct_size);
}

/* What kam_segmentation_get and _get_by_rank check before the position: s, out and its
 * struct_size. */
static int check_score_out(const kam_account_score *out, const kam_segmentation *s,
                           const char *fn) {
  if (!s) return KAM_EINVAL;
  if (!out) return kam__error(s->ctx, KAM_EINVAL, "%s: out is NULL", fn);
  if (kam__struct_size_check(s->ctx, out->struct_size,
                             KAM__FIELD_END(kam_account_score, key_reasons), fn,
                             "kam_account_score"))
    return KAM_EINVAL;
  return KAM_OK;
}

/* Fills *out with the scores of the account at position pos (insertion order, or rank order
 * when by_rank), after checking that s is live and scoring it. */
static int score_out(kam_account_score *out, const kam_segmentation *s, size_t pos, bool by_rank,
                     const char *fn) {
  kam_account_score sc;
  size_t index;
  int rc;
  if ((rc = check_live(s, fn)) || (rc = ensure_all(s))) return rc;
  index = by_rank ? s->order[pos] : pos;
  fill_score(&sc, s, index, kam__portfolio_detail(s->p, index), ((kam_segmentation *)s)->idbuf);
  copy_out(out, &sc, out->struct_size);
  return KAM_OK;
}

int kam_segmentation_get(kam_account_score *out, const kam_segmentation *s, size_t index) {
  int rc = check_score_out(out, s, "kam_segmentation_get");
  if (rc) return rc;
  if (index >= s->n)
    return kam__error(s->ctx, KAM_ENOTFOUND,
                      "kam_segmentation_get: index %zu is out of range (%zu accounts)", index,
                      s->n);
  return score_out(out, s, index, false, "kam_segmentation_get");
}

int kam_segmentation_get_by_rank(kam_account_score *out, const kam_segmentation *s, size_t rank) {
  int rc = check_score_out(out, s, "kam_segmentation_get_by_rank");
  if (rc) return rc;
  if (rank == 0 || rank > s->n)
    return kam__error(s->ctx, KAM_ENOTFOUND,
                      "kam_segmentation_get_by_rank: rank %zu is out of range (1..%zu)", rank,
                      s->n);
  return score_out(out, s, rank - 1, true, "kam_segmentation_get_by_rank");
}

int kam_segmentation_foreach(const kam_segmentation *s, int order, kam_score_fn fn, void *ud) {
  kam_account_score sc;
  char idbuf[KAM__ID_BUF];
  size_t i, d = 0;
  int rc;
  if (!s) return KAM_EINVAL;
  if (!fn) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_foreach: fn is NULL");
  if (order != KAM_ORDER_INSERTION && order != KAM_ORDER_RANK)
    return kam__error(s->ctx, KAM_EINVAL,
                      "kam_segmentation_foreach: order %d is neither KAM_ORDER_INSERTION nor "
                      "KAM_ORDER_RANK",
                      order);
  if ((rc = check_live(s, "kam_segmentation_foreach")) || (rc = ensure_all(s))) return rc;
  for (i = 0; i < s->n; i++) {
    size_t idx = order == KAM_ORDER_RANK ? s->order[i] : i;
    const kam__detail *det = NULL;
    if (kam__portfolio_flags(s->p, idx) & KAM__ACC_DETAIL) {
      if (order == KAM_ORDER_RANK) {
        det = kam__portfolio_detail(s->p, idx);
      } else {
        while (s->p->details[d].index < idx)
          d++;
        det = &s->p->details[d];
      }
    }
    fill_score(&sc, s, idx, det, idbuf);
    rc = fn(ud, &sc);
    if (rc) return rc;
  }
  return KAM_OK;
}

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
__extension__ typedef unsigned __int128 u128;

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
  if (out->basis != KAM_BASIS_REVENUE && out->basis != KAM_BASIS_MARGIN)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_segment: basis %u is neither KAM_BASIS_REVENUE nor KAM_BASIS_MARGIN",
                      (unsigned)out->basis);
  if (out->unit != KAM_UNIT_ACCOUNT && out->unit != KAM_UNIT_GROUP)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_segment: unit %u is neither KAM_UNIT_ACCOUNT nor KAM_UNIT_GROUP",
                      (unsigned)out->unit);
  {
    const double w[6] = {out->w_share,     out->w_npv,       out->w_trend,
                         out->w_potential, out->w_strategic, out->w_margin};
    static const char *const names[6] = {"w_share",     "w_npv",       "w_trend",
                                         "w_potential", "w_strategic", "w_margin"};
    double sum = 0.0;
    int i;
    for (i = 0; i < 6; i++) {
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
  kam__free(ctx, s->cust, s->cust ? s->ncust * sizeof *s->cust : 0);
  kam__free(ctx, s->cust_of, s->cust_of ? s->n * sizeof *s->cust_of : 0);
  kam__free(ctx, s->cust_order, s->cust_order ? s->ncust * sizeof *s->cust_order : 0);
  kam__free(ctx, s->cust_rank, s->cust_rank ? s->ncust * sizeof *s->cust_rank : 0);
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
  i128 value;  /* the group's revenue, or with basis margin its members' known margins */
  size_t cust; /* unit group: its customer (SIZE_MAX until it has one) */
} group_slot;

/* Group names come from the public: the portfolio's keyed hash, so they cannot be chosen to
 * collide (an unkeyed hash would let crafted names make every lookup a scan). */
static uint64_t hash_text(const kam_portfolio *p, const char *s, size_t len) {
  return kam__portfolio_text_hash(p, s, len);
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
    slot = (size_t)hash_text(p, d->group, d->group_len) & (cap - 1);
    while (tab[slot].name &&
           !(tab[slot].len == d->group_len && memcmp(tab[slot].name, d->group, d->group_len) == 0))
      slot = (slot + 1) & (cap - 1);
    tab[slot].name = d->group;
    tab[slot].len = d->group_len;
    if (s->opts.basis == KAM_BASIS_MARGIN) {
      int64_t m = kam__portfolio_margin(p, d->index);
      if (m != KAM_MARGIN_UNKNOWN) tab[slot].value += m;
    } else {
      tab[slot].value += p->revenue[d->index];
    }
  }
  for (i = 0; i < s->nd; i++) {
    const kam__detail *d = &p->details[i];
    size_t slot;
    if (!d->group) continue;
    slot = (size_t)hash_text(p, d->group, d->group_len) & (cap - 1);
    while (!(tab[slot].len == d->group_len && memcmp(tab[slot].name, d->group, d->group_len) == 0))
      slot = (slot + 1) & (cap - 1);
    if (tab[slot].value > 0 && tab[slot].value >= (i128)key_min) {
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
/* Unit group: the key_top_n customers by their best member's score. */
static int top_customers(kam_segmentation *s);

/* What DESIGN section 5 asks of the revenues, once their exact total T is known. */
static int revenue_query(void *ud, uint64_t total, kam__revenue_query *q) {
  kam_segmentation *s = (kam_segmentation *)ud;
  size_t n = s->qn;
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
  s->acc_total = (int64_t)total;
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
    sm->gini = st->pair_diff / ((double)s->qn * t);
    sm->top20_share = (double)st->top_sum / t;
    sm->key_revenue_share = (double)st->at_least_sum / t;
  }
  sm->basis = s->opts.basis;
  sm->unit = s->opts.unit;
  sm->customers = s->qn;
  sm->basis_total = (int64_t)total;
  sm->margin_pct[0] = sm->margin_pct[1] = sm->margin_pct[2] = NAN;
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
    uint64_t key_rev = st.at_least_sum;
    size_t i;
    for (i = 0; i < n; i++)
      if ((flags[i] & KAM_ACCOUNT_STRATEGIC) && (uint64_t)rev[i] < s->key_min) {
        (*keys)++;
        key_rev += (uint64_t)rev[i];
      }
    if (st.total > 0) s->summary.key_revenue_share = (double)key_rev / (double)st.total;
  }
  return KAM_OK;
}

/* ---- basis margin and unit group ---- */

static size_t group_slot_of(const kam_portfolio *p, const group_slot *tab, size_t cap,
                            const char *name, size_t len) {
  size_t slot = (size_t)hash_text(p, name, len) & (cap - 1);
  while (tab[slot].name && !(tab[slot].len == len && memcmp(tab[slot].name, name, len) == 0))
    slot = (slot + 1) & (cap - 1);
  return slot;
}

static int general_overflow(kam_segmentation *s, const char *what) {
  return kam__error(s->ctx, KAM_EOVERFLOW, "kam_segment: %s exceeds the int64 range", what);
}

/* Unit group: the customers in order of their first account, each account's customer, and
 * their revenue and margin sums (exact: 128-bit margins until every sum is known to fit). */
static int build_customers(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  size_t n = s->n, nd = s->nd, i, d, grouped = 0, groups = 0, cap = 16, nc = 0;
  group_slot *tab = NULL;
  i128 *msum = NULL;
  int rc = KAM_OK;
  for (d = 0; d < nd; d++)
    if (p->details[d].group) grouped++;
  if (grouped) {
    while (cap < grouped * 2)
      cap *= 2;
    tab = (group_slot *)kam__alloc_array(s->ctx, cap, sizeof *tab);
    if (!tab) return kam__nomem(s->ctx);
    memset(tab, 0, cap * sizeof *tab);
    for (d = 0; d < nd; d++) {
      const kam__detail *g = &p->details[d];
      size_t slot;
      if (!g->group) continue;
      slot = group_slot_of(p, tab, cap, g->group, g->group_len);
      if (!tab[slot].name) {
        tab[slot].name = g->group;
        tab[slot].len = g->group_len;
        tab[slot].cust = SIZE_MAX;
        groups++;
      }
    }
  }
  s->ncust = n - grouped + groups;
  s->cust = (kam__customer *)kam__alloc_array(s->ctx, s->ncust, sizeof *s->cust);
  s->cust_of = (size_t *)kam__alloc_array(s->ctx, n, sizeof *s->cust_of);
  if (p->margin) /* else every margin is unknown */
    msum = (i128 *)kam__alloc_array(s->ctx, s->ncust, sizeof *msum);
  if ((s->ncust && (!s->cust || (p->margin && !msum))) || (n && !s->cust_of)) {
    rc = kam__nomem(s->ctx);
    goto done;
  }
  for (i = 0, d = 0; i < n; i++) {
    const kam__detail *det = NULL;
    kam__customer *k;
    size_t c;
    bool fresh = false;
    int64_t m = kam__portfolio_margin(p, i);
    if (nd && (kam__portfolio_flags(p, i) & KAM__ACC_DETAIL)) {
      while (p->details[d].index < i)
        d++;
      det = &p->details[d];
    }
    if (tab && det && det->group) {
      size_t slot = group_slot_of(p, tab, cap, det->group, det->group_len);
      if (tab[slot].cust == SIZE_MAX) tab[slot].cust = nc++, fresh = true;
      c = tab[slot].cust;
    } else {
      c = nc++;
      fresh = true;
    }
    k = &s->cust[c];
    if (fresh) { /* its first account */
      memset(k, 0, sizeof *k);
      k->first = i;
      k->group = det ? det->group : NULL;
      if (msum) msum[c] = 0;
    }
    s->cust_of[i] = c;
    k->members++;
    if (__builtin_add_overflow(k->revenue, p->revenue[i], &k->revenue)) {
      rc = general_overflow(s, "a customer's revenue");
      goto done;
    }
    if (msum && m != KAM_MARGIN_UNKNOWN) {
      msum[c] += m;
      k->has_margin = 1;
    }
  }
  for (i = 0; msum && i < nc; i++) {
    if (msum[i] < -(i128)INT64_MAX || msum[i] > (i128)INT64_MAX) {
      rc = general_overflow(s, "a customer's margin");
      goto done;
    }
    s->cust[i].margin = (int64_t)msum[i];
  }
done:
  kam__free(s->ctx, tab, tab ? cap * sizeof *tab : 0);
  kam__free(s->ctx, msum, msum ? s->ncust * sizeof *msum : 0);
  return rc;
}

/* The basis value of customer e (an account in unit account): its revenue, or its margin
 * (KAM_MARGIN_UNKNOWN when unknown). */
static int64_t entity_value(const kam_segmentation *s, size_t e) {
  bool marg = s->opts.basis == KAM_BASIS_MARGIN;
  if (s->cust) {
    const kam__customer *k = &s->cust[e];
    return !marg ? k->revenue : k->has_margin ? k->margin : KAM_MARGIN_UNKNOWN;
  }
  return marg ? kam__portfolio_margin(s->p, e) : s->p->revenue[e];
}

/* Classes and share keys over the customers: the engine on the customers' basis values (with
 * basis margin only the positive ones), then every account takes its customer's byte. */
static int segment_general(kam_segmentation *s) {
  kam_ctx *ctx = s->ctx;
  bool group = s->opts.unit == KAM_UNIT_GROUP, marg = s->opts.basis == KAM_BASIS_MARGIN;
  size_t ne, m = 0, j, i;
  int64_t *val = NULL;
  size_t *pos = NULL;
  uint8_t *band = NULL;
  kam__revenue_stats st;
  kam_summary *sm = &s->summary;
  int rc;
  if (group && (rc = build_customers(s)) != KAM_OK) return rc;
  ne = group ? s->ncust : s->n;
  if (!group) s->ncust = s->n;
  for (i = 0; i < ne; i++) {
    int64_t v = entity_value(s, i);
    if (!marg || (v != KAM_MARGIN_UNKNOWN && v > 0)) m++;
  }
  val = (int64_t *)kam__alloc_array(ctx, m, sizeof *val);
  if (marg) pos = (size_t *)kam__alloc_array(ctx, m, sizeof *pos);
  band = (uint8_t *)kam__alloc(ctx, m);
  s->cls = (uint8_t *)kam__alloc(ctx, s->n);
  if ((m && (!val || !band || (marg && !pos))) || (s->n && !s->cls)) {
    rc = kam__nomem(ctx);
    goto done;
  }
  for (i = 0, j = 0; i < ne; i++) {
    int64_t v = entity_value(s, i);
    if (marg && !(v != KAM_MARGIN_UNKNOWN && v > 0)) continue;
    val[j] = v;
    if (pos) pos[j] = i;
    j++;
  }
  s->qn = m;
  rc = kam__revenue_stats_of(&st, ctx, val, m, revenue_query, s);
  if (rc == KAM_EOVERFLOW)
    rc = general_overflow(s, marg ? "the sum of the positive margins of the customers"
                                  : "the total revenue");
  if (rc) goto done;
  take_stats(s, &st); /* cuts, T, HHI, Gini, top 20 % over the m values; counts redone below */
  sm->customers = s->ncust;
  kam__revenue_bands(band, 0, ctx, val, m, st.cut);
  /* Every customer C and not key, then the m with a value. */
  if (group)
    for (i = 0; i < ne; i++)
      s->cust[i].cls = 2;
  else if (s->n)
    memset(s->cls, 2, s->n);
  for (j = 0; j < m; j++) {
    size_t e = pos ? pos[j] : j;
    unsigned why = 0;
    if ((uint64_t)val[j] >= s->key_min) {
      why = KAM_KEY_SHARE;
      if (group && s->cust[e].group) why |= KAM_KEY_GROUP_SHARE;
    }
    if (group)
      s->cust[e].cls = (uint8_t)(band[j] | why << KAM__SEG_KEY_SHIFT);
    else
      s->cls[e] = (uint8_t)(band[j] | why << KAM__SEG_KEY_SHIFT);
  }
  if (s->p->flags) {
    const uint8_t *flags = s->p->flags;
    for (i = 0; i < s->n; i++)
      if (flags[i] & KAM_ACCOUNT_STRATEGIC) {
        uint8_t *c = group ? &s->cust[s->cust_of[i]].cls : &s->cls[i];
        *c = (uint8_t)(*c | KAM_KEY_STRATEGIC << KAM__SEG_KEY_SHIFT);
      }
  }
  if (group)
    for (i = 0; i < s->n; i++)
      s->cls[i] = s->cust[s->cust_of[i]].cls;
done:
  kam__free(ctx, val, val ? m * sizeof *val : 0);
  kam__free(ctx, pos, pos ? m * sizeof *pos : 0);
  kam__free(ctx, band, band ? m : 0);
  return rc;
}

/* Once the class bytes are final: per class counts and revenue (unit group and basis margin),
 * the key accounts and their revenue, the margin figures. Exact sums, checked. */
static int account_pass(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  const int64_t *rev = p->revenue, *mar = p->margin;
  kam_summary *sm = &s->summary;
  u128 total = 0, crev[3] = {0, 0, 0}, key_rev = 0, cmrev[3] = {0, 0, 0}, unprof_rev = 0,
       positive = 0;
  i128 tm = 0, cm[3] = {0, 0, 0};
  size_t count[3] = {0, 0, 0}, keys = 0, known = 0, unprof = 0, key_unprof = 0, i;
  int k;
  for (i = 0; i < s->n; i++) {
    unsigned c = s->cls[i], cl = c & KAM__SEG_CLASS_MASK;
    bool key = (c >> KAM__SEG_KEY_SHIFT) != 0;
    uint64_t r = (uint64_t)rev[i];
    count[cl]++;
    crev[cl] += r;
    total += r;
    if (key) keys++, key_rev += r;
    if (mar && mar[i] != KAM_MARGIN_UNKNOWN) {
      int64_t m = mar[i];
      known++;
      tm += m;
      cm[cl] += m;
      cmrev[cl] += r;
      if (m < 0) {
        unprof++;
        unprof_rev += r;
        if (key) key_unprof++;
      } else {
        positive += (uint64_t)m;
      }
    }
  }
  if (total > (u128)INT64_MAX) return general_overflow(s, "the total revenue");
  if (tm > (i128)INT64_MAX || tm < -(i128)INT64_MAX) return general_overflow(s, "the total margin");
  if (s->opts.basis == KAM_BASIS_MARGIN && positive > (u128)INT64_MAX)
    return general_overflow(s, "the sum of the positive margins of the accounts");
  s->total = (int64_t)total;
  s->acc_total = s->opts.basis == KAM_BASIS_MARGIN ? (int64_t)positive : (int64_t)total;
  if (s->general) {
    for (k = 0; k < 3; k++) {
      sm->count[k] = count[k];
      sm->revenue[k] = (int64_t)crev[k];
    }
    sm->total_revenue = (int64_t)total;
  }
  sm->key_accounts = keys;
  sm->key_revenue_share = total > 0 ? (double)key_rev / (double)total : 0.0;
  sm->total_margin = (int64_t)tm;
  sm->margin_accounts = known;
  for (k = 0; k < 3; k++)
    sm->margin_pct[k] = cmrev[k] > 0 ? (double)cm[k] / (double)cmrev[k] : NAN;
  sm->unprofitable = unprof;
  sm->unprofitable_revenue = (int64_t)unprof_rev;
  sm->key_unprofitable = key_unprof;
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
  s.n = s.qn = n;
  if ((rc = check_options(ctx, &s.opts, o)) != KAM_OK) return rc;
  if (s.opts.basis != KAM_BASIS_REVENUE || s.opts.unit != KAM_UNIT_ACCOUNT)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_partial_segment: a partition's distribution holds revenues only; basis "
                      "must be KAM_BASIS_REVENUE and unit KAM_UNIT_ACCOUNT");
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

/* The health of account i whose details are p->details[k] (k SIZE_MAX: it has none). */
static double account_health(const kam_segmentation *s, size_t i, size_t k, uint32_t *reasons) {
  const kam_portfolio *p = s->p;
  int64_t m = kam__portfolio_margin(p, i);
  /* margin %: margin / revenue, known with the margin and a revenue > 0 */
  double margin_pct = m != KAM_MARGIN_UNKNOWN && p->revenue[i] > 0
                          ? (double)m / (double)p->revenue[i]
                          : NAN;
  if (k == SIZE_MAX) return health_of(reasons, NAN, NAN, -1, margin_pct, NAN);
  return health_of(reasons, s->trend[k], s->cv[k], s->status ? (int)s->status[k] : -1,
                   margin_pct, p->details[k].relationship);
}

/* Statuses per detail (KAM_SEGMENT_RETENTION with N >= 2), then the red accounts and the
 * revenue at risk of the summary. */
static int segment_health(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  size_t k, N, w;
  u128 risk = 0; /* the total revenue is checked later (account_pass) */
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
  if (p->margin) { /* every account may know its margin: all of them */
    size_t i;
    for (i = 0, k = 0; i < s->n; i++) {
      uint32_t reasons;
      size_t dk = SIZE_MAX;
      if (k < s->nd && p->details[k].index == i) dk = k++;
      if (light_of(account_health(s, i, dk, &reasons)) == 'R') {
        s->summary.red_accounts++;
        risk += (uint64_t)p->revenue[i];
      }
    }
  } else { /* only the accounts with details know a component */
    for (k = 0; k < s->nd; k++) {
      uint32_t reasons;
      size_t i = p->details[k].index;
      if (light_of(account_health(s, i, k, &reasons)) == 'R') {
        s->summary.red_accounts++;
        risk += (uint64_t)p->revenue[i];
      }
    }
  }
  /* risk <= the total revenue: when risk does not fit, neither does the total */
  if (risk > (u128)INT64_MAX) return general_overflow(s, "the total revenue");
  s->summary.revenue_at_risk = (int64_t)risk;
  return KAM_OK;
}

int kam_segment(kam_segmentation **out, const kam_portfolio *p, const kam_segment_options *o) {
  kam_segmentation *s;
  kam_segment_options opts;
  kam_ctx *ctx;
  size_t keys = 0, i;
  bool has_groups;
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
  s->n = s->qn = p->count;
  s->nd = p->detail_len;
  s->opts = opts;
  s->general = opts.basis != KAM_BASIS_REVENUE || opts.unit != KAM_UNIT_ACCOUNT;
  if (s->nd) {
    s->cv = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->cv);
    s->trend = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->trend);
    s->npv = (double *)kam__alloc_array(ctx, s->nd, sizeof *s->npv);
    if (!s->cv || !s->trend || !s->npv) goto nomem;
  }
  rc = s->general ? segment_general(s) : segment_revenue(s, &keys);
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
  /* Groups and the top-N test add key reasons, the margin summary reads the classes: they need
   * the class bytes now. */
  has_groups = s->summary.basis_total > 0 && s->nd && opts.unit == KAM_UNIT_ACCOUNT;
  if (has_groups || (opts.key_top_n > 0 && s->n > 0) || (p->margin && s->n > 0)) {
    rc = ensure_cls(s);
    if (rc) goto fail;
  }
  if (has_groups) {
    rc = group_keys(s, s->key_min, &keys);
    if (rc) goto fail;
  }
  if (opts.key_top_n > 0 && s->n > 0) {
    rc = opts.unit == KAM_UNIT_GROUP ? top_customers(s) : top_scores(s, &keys);
    if (rc) goto fail;
  }
  s->summary.key_accounts = keys;
  if (s->cls) {
    rc = account_pass(s);
    if (rc) goto fail;
  }
  *out = s;
  return KAM_OK;
nomem:
  rc = kam__nomem(ctx);
fail:
  kam_segmentation_free(s);
  return rc;
}

/* ---- lazy rank order ---- */

/* Rank order on the margin: the positive margins descending, then the margins <= 0
 * descending, then the unknown ones (mar NULL: all unknown), ties always by insertion order.
 * cum[r] is the cumulative sum of the positive margins (the caller checked it fits): it stays
 * at their total past them. O(n): the engine's rank order on each part. */
static int margin_rank(size_t *order, int64_t *cum, kam_ctx *ctx, const int64_t *mar, size_t n) {
  size_t np = 0, nq = 0, most, i, j, r;
  int64_t *v = NULL, *c = NULL, top = 0;
  size_t *idx = NULL, *o = NULL;
  int rc = KAM_OK;
  for (i = 0; mar && i < n; i++) {
    if (mar[i] == KAM_MARGIN_UNKNOWN) continue;
    if (mar[i] > 0)
      np++;
    else
      nq++;
  }
  most = np > nq ? np : nq;
  if (most) {
    v = (int64_t *)kam__alloc_array(ctx, most, sizeof *v);
    c = (int64_t *)kam__alloc_array(ctx, most, sizeof *c);
    idx = (size_t *)kam__alloc_array(ctx, most, sizeof *idx);
    o = (size_t *)kam__alloc_array(ctx, most, sizeof *o);
    if (!v || !c || !idx || !o) {
      rc = kam__nomem(ctx);
      goto done;
    }
  }
  /* The positive ones: descending, as revenues. */
  for (i = 0, j = 0; np && i < n; i++)
    if (mar[i] != KAM_MARGIN_UNKNOWN && mar[i] > 0) v[j] = mar[i], idx[j++] = i;
  if (np && (rc = kam__revenue_rank(o, c, ctx, v, np)) != KAM_OK) goto done;
  for (r = 0; r < np; r++) {
    order[r] = idx[o[r]];
    cum[r] = c[r];
  }
  top = np ? c[np - 1] : 0;
  /* The others: -margin descending is margin ascending; read backwards it is margin
   * descending with ties in reverse insertion order, so each run of ties is turned back. */
  for (i = 0, j = 0; nq && i < n; i++)
    if (mar[i] != KAM_MARGIN_UNKNOWN && mar[i] <= 0) v[j] = -mar[i], idx[j++] = i;
  if (nq && (rc = kam__revenue_rank(o, c, ctx, v, nq)) != KAM_OK) goto done;
  for (r = 0; r < nq; r++)
    order[np + r] = idx[o[nq - 1 - r]];
  for (r = 0; r < nq; r = j) {
    size_t a, b;
    for (j = r + 1; j < nq && mar[order[np + j]] == mar[order[np + r]]; j++) {
    }
    for (a = np + r, b = np + j - 1; a < b; a++, b--) {
      size_t t = order[a];
      order[a] = order[b];
      order[b] = t;
    }
  }
  for (i = 0, r = np + nq; i < n; i++)
    if (!mar || mar[i] == KAM_MARGIN_UNKNOWN) order[r++] = i;
  for (r = np; r < n; r++)
    cum[r] = top;
done:
  kam__free(ctx, v, v ? most * sizeof *v : 0);
  kam__free(ctx, c, c ? most * sizeof *c : 0);
  kam__free(ctx, idx, idx ? most * sizeof *idx : 0);
  kam__free(ctx, o, o ? most * sizeof *o : 0);
  return rc;
}

/* The rank order on the segmentation's basis of the column val[0..n) (revenues, or margins
 * with KAM_MARGIN_UNKNOWN). */
static int basis_rank(const kam_segmentation *s, size_t *order, int64_t *cum, const int64_t *val,
                      size_t n) {
  if (s->opts.basis == KAM_BASIS_MARGIN) return margin_rank(order, cum, s->ctx, val, n);
  return kam__revenue_rank(order, cum, s->ctx, val, n);
}

/* Unit group: the customers' rank order on the basis (ties by first account). */
static int ensure_cust_order(kam_segmentation *s) {
  size_t nc = s->ncust, i, *order, *rank;
  int64_t *val, *cum;
  int rc = KAM_OK;
  if (!s->cust || s->cust_order || nc == 0) return KAM_OK;
  order = (size_t *)kam__alloc_array(s->ctx, nc, sizeof *order);
  rank = (size_t *)kam__alloc_array(s->ctx, nc, sizeof *rank);
  val = (int64_t *)kam__alloc_array(s->ctx, nc, sizeof *val);
  cum = (int64_t *)kam__alloc_array(s->ctx, nc, sizeof *cum);
  if (!order || !rank || !val || !cum) {
    rc = kam__nomem(s->ctx);
  } else {
    for (i = 0; i < nc; i++)
      val[i] = entity_value(s, i);
    rc = basis_rank(s, order, cum, val, nc);
  }
  if (rc == KAM_OK && order && rank) {
    for (i = 0; i < nc; i++)
      rank[order[i]] = i;
    s->cust_order = order;
    s->cust_rank = rank;
  } else {
    kam__free(s->ctx, order, order ? nc * sizeof *order : 0);
    kam__free(s->ctx, rank, rank ? nc * sizeof *rank : 0);
  }
  kam__free(s->ctx, val, val ? nc * sizeof *val : 0);
  kam__free(s->ctx, cum, cum ? nc * sizeof *cum : 0);
  return rc;
}

/* The rank order, each account's rank and the cumulative revenue by rank. */
static int ensure_order(kam_segmentation *s) {
  size_t n = s->n, i, *order, *rank_of;
  int64_t *cum;
  if (s->order || n == 0) return KAM_OK;
  order = (size_t *)kam__alloc_array(s->ctx, n, sizeof *order);
  rank_of = (size_t *)kam__alloc_array(s->ctx, n, sizeof *rank_of);
  cum = (int64_t *)kam__alloc_array(s->ctx, n, sizeof *cum);
  if (!order || !rank_of || !cum ||
      basis_rank(s, order, cum, s->opts.basis == KAM_BASIS_MARGIN ? s->p->margin : s->p->revenue,
                 n)) {
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

/* The order of cmp_valued, by an LSD radix sort (16-bit digits, stable) on keys that compare as
 * the doubles do: v arrives in pos order, so equal values stay in pos order. -0.0 is taken as
 * 0.0 first (cmp_valued finds them equal). tmp has room for m, count for 65536. */
static void sort_valued(valued *v, valued *tmp, size_t m, size_t *count) {
  unsigned shift;
  size_t i;
  for (i = 0; i < m; i++)
    if (v[i].value == 0.0) v[i].value = 0.0;
  for (shift = 0; shift < 64; shift += 16) {
    size_t sum = 0, k;
    memset(count, 0, 65536 * sizeof *count);
    for (i = 0; i < m; i++) {
      uint64_t b;
      memcpy(&b, &v[i].value, sizeof b);
      b = (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
      count[(b >> shift) & 0xFFFF]++;
    }
    for (k = 0; k < 65536; k++) {
      size_t c = count[k];
      count[k] = sum;
      sum += c;
    }
    for (i = 0; i < m; i++) {
      uint64_t b;
      memcpy(&b, &v[i].value, sizeof b);
      b = (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
      tmp[count[(b >> shift) & 0xFFFF]++] = v[i];
    }
    memcpy(v, tmp, m * sizeof *v);
  }
}

/* Fills pct[i] for the i < count whose value vals[i] is known (not NaN); NaN otherwise. pct may
 * be vals: each value is read before its place is written. */
static int percentiles_of(kam_segmentation *s, double *pct, const double *vals, size_t count) {
  size_t i, m = 0, j;
  valued *v;
  for (i = 0; i < count; i++) {
    if (isnan(vals[i]))
      pct[i] = NAN;
    else
      m++;
  }
  if (m == 0) return KAM_OK;
  v = (valued *)kam__alloc_array(s->ctx, m, sizeof *v);
  if (!v) return KAM_ENOMEM;
  for (i = 0, j = 0; i < count; i++)
    if (!isnan(vals[i])) {
      v[j].value = vals[i];
      v[j].pos = i;
      j++;
    }
  if (m < 65536) {
    qsort(v, m, sizeof *v, cmp_valued);
  } else { /* large: the radix sort, same order in O(m) */
    valued *tmp = (valued *)kam__alloc_array(s->ctx, m, sizeof *tmp);
    size_t *bins = (size_t *)kam__alloc_array(s->ctx, 65536, sizeof *bins);
    if (!tmp || !bins) {
      kam__free(s->ctx, tmp, m * sizeof *tmp);
      kam__free(s->ctx, bins, 65536 * sizeof *bins);
      kam__free(s->ctx, v, m * sizeof *v);
      return KAM_ENOMEM;
    }
    sort_valued(v, tmp, m, bins);
    kam__free(s->ctx, tmp, m * sizeof *tmp);
    kam__free(s->ctx, bins, 65536 * sizeof *bins);
  }
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

static int detail_percentiles(kam_segmentation *s, double *pct, const double *vals) {
  return percentiles_of(s, pct, vals, s->nd);
}

/* The margin-% criterion: pct[i] for every account whose margin is known and revenue > 0. */
static int margin_percentiles(kam_segmentation *s, double *pct) {
  const kam_portfolio *p = s->p;
  size_t i, n = s->n;
  for (i = 0; i < n; i++) {
    int64_t m = kam__portfolio_margin(p, i);
    pct[i] = m != KAM_MARGIN_UNKNOWN && p->revenue[i] > 0 ? (double)m / (double)p->revenue[i] : NAN;
  }
  return percentiles_of(s, pct, pct, n); /* it reads every value before it writes */
}

static int ensure_scores(kam_segmentation *s) {
  const kam_portfolio *p = s->p;
  const kam_segment_options *o = &s->opts;
  size_t n = s->n, nd = s->nd, i, j, strategic = 0;
  double *score = NULL, *pot = NULL, *mpct = NULL, p_strat[2];
  double *pct[3] = {NULL, NULL, NULL}; /* npv, trend, potential */
  const size_t *rorder;                /* the revenue rank order, for the share criterion */
  const int64_t *rcum;
  size_t *tord = NULL;
  int64_t *tcum = NULL;
  int rc;
  if (s->score || n == 0) return KAM_OK;
  rc = ensure_order(s);
  if (rc) return rc;
  rorder = s->order;
  rcum = s->cum;
  score = (double *)kam__alloc_array(s->ctx, n, sizeof *score);
  if (!score) goto nomem;
  if (o->basis == KAM_BASIS_MARGIN) { /* the rank order is the margin's: rank the revenues */
    tord = (size_t *)kam__alloc_array(s->ctx, n, sizeof *tord);
    tcum = (int64_t *)kam__alloc_array(s->ctx, n, sizeof *tcum);
    if (!tord || !tcum || kam__revenue_rank(tord, tcum, s->ctx, p->revenue, n)) goto nomem;
    rorder = tord;
    rcum = tcum;
  }
  if (o->w_margin > 0.0 && p->margin) {
    mpct = (double *)kam__alloc_array(s->ctx, n, sizeof *mpct);
    if (!mpct || margin_percentiles(s, mpct)) goto nomem;
  }
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
    int64_t v = rcum[i] - (i ? rcum[i - 1] : 0); /* revenue at rank i + 1, read in order */
    for (j = i + 1; j < n && rcum[j] - rcum[j - 1] == v; j++) {
    }
    mean = (double)n - ((double)i + (double)(j - 1)) / 2.0;
    for (k = i; k < j; k++)
      score[rorder[k]] = percentile(mean, n);
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
      if (mpct && !isnan(mpct[i])) num += o->w_margin * mpct[i], den += o->w_margin;
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
  kam__free(s->ctx, mpct, n * sizeof *mpct);
  kam__free(s->ctx, tord, n * sizeof *tord);
  kam__free(s->ctx, tcum, n * sizeof *tcum);
  s->score = score;
  return KAM_OK;
nomem:
  for (j = 0; j < 3; j++)
    kam__free(s->ctx, pct[j], nd * sizeof *pct[j]);
  kam__free(s->ctx, pot, nd * sizeof *pot);
  kam__free(s->ctx, mpct, n * sizeof *mpct);
  kam__free(s->ctx, tord, n * sizeof *tord);
  kam__free(s->ctx, tcum, n * sizeof *tcum);
  kam__free(s->ctx, score, n * sizeof *score);
  return kam__nomem(s->ctx);
}

/* What the top-N test ranks: a score and a rank (the tie-break) per account or customer. */
typedef struct scored {
  const double *score;
  const size_t *rank_of;
} scored;

/* Is x before y in score order (score descending, then rank)? */
static bool score_before(const scored *s, size_t x, size_t y) {
  if (s->score[x] != s->score[y]) return s->score[x] > s->score[y];
  return s->rank_of[x] < s->rank_of[y];
}

static void heap_down(const scored *s, size_t *heap, size_t m, size_t i) {
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

/* The m (<= n) best of n in score order, into heap[0..m) (in no particular order). */
static void top_select(const scored *sc, size_t *heap, size_t m, size_t n) {
  size_t i;
  for (i = 0; i < m; i++)
    heap[i] = i;
  for (i = m / 2; i-- > 0;)
    heap_down(sc, heap, m, i);
  for (i = m; i < n; i++) {
    if (score_before(sc, i, heap[0])) {
      heap[0] = i;
      heap_down(sc, heap, m, 0);
    }
  }
}

static int top_customers(kam_segmentation *s) {
  size_t nc = s->ncust, m = s->opts.key_top_n < nc ? s->opts.key_top_n : nc, i;
  size_t *heap;
  double *best;
  scored sc;
  int rc = ensure_scores(s);
  if (rc == KAM_OK) rc = ensure_cust_order(s);
  if (rc) return rc;
  heap = (size_t *)kam__alloc_array(s->ctx, m, sizeof *heap);
  best = (double *)kam__alloc_array(s->ctx, nc, sizeof *best);
  if (!heap || !best) {
    kam__free(s->ctx, heap, m * sizeof *heap);
    kam__free(s->ctx, best, nc * sizeof *best);
    return kam__nomem(s->ctx);
  }
  for (i = 0; i < nc; i++)
    best[i] = -1.0;
  for (i = 0; i < s->n; i++)
    if (s->score[i] > best[s->cust_of[i]]) best[s->cust_of[i]] = s->score[i];
  sc.score = best;
  sc.rank_of = s->cust_rank;
  top_select(&sc, heap, m, nc);
  for (i = 0; i < m; i++)
    s->cust[heap[i]].cls =
        (uint8_t)(s->cust[heap[i]].cls | KAM_KEY_TOP_SCORE << KAM__SEG_KEY_SHIFT);
  for (i = 0; i < s->n; i++)
    s->cls[i] = s->cust[s->cust_of[i]].cls;
  kam__free(s->ctx, heap, m * sizeof *heap);
  kam__free(s->ctx, best, nc * sizeof *best);
  return KAM_OK;
}

static int top_scores(kam_segmentation *s, size_t *new_keys) {
  size_t n = s->n, m = s->opts.key_top_n < n ? s->opts.key_top_n : n, i;
  size_t *heap;
  scored sc;
  int rc = ensure_scores(s);
  if (rc) return rc;
  heap = (size_t *)kam__alloc_array(s->ctx, m, sizeof *heap);
  if (!heap) return kam__nomem(s->ctx);
  sc.score = s->score;
  sc.rank_of = s->rank_of;
  top_select(&sc, heap, m, n);
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
  if (rc == KAM_OK) rc = ensure_cust_order(s);
  return rc;
}

static void fill_score(kam_account_score *sc, const kam_segmentation *s, size_t i,
                       const kam__detail *d, char *idbuf) {
  const kam_portfolio *p = s->p;
  uint8_t c = s->cls[i];
  double t = (double)s->acc_total;
  int64_t m = kam__portfolio_margin(p, i);
  memset(sc, 0, sizeof *sc);
  sc->struct_size = (uint32_t)sizeof *sc;
  sc->key_reasons = (uint32_t)(c >> KAM__SEG_KEY_SHIFT);
  sc->abc = (char)('A' + (c & KAM__SEG_CLASS_MASK));
  sc->index = i;
  sc->rank = s->rank_of[i] + 1;
  sc->id = kam__portfolio_id(p, i, idbuf, NULL);
  sc->revenue = p->revenue[i];
  if (m != KAM_MARGIN_UNKNOWN) {
    sc->margin = m;
    sc->has_margin = 1;
    sc->unprofitable = m < 0;
  }
  if (s->acc_total > 0) {
    int64_t v = s->opts.basis == KAM_BASIS_MARGIN ? (m != KAM_MARGIN_UNKNOWN && m > 0 ? m : 0)
                                                  : sc->revenue;
    sc->share = (double)v / t;
    sc->cum_share = (double)s->cum[s->rank_of[i]] / t;
  }
  sc->customer_rank = s->cust_rank ? s->cust_rank[s->cust_of[i]] + 1 : sc->rank;
  sc->cv = sc->trend = sc->npv = sc->relationship = NAN;
  sc->status = -1;
  if (d) {
    size_t k = (size_t)(d - p->details);
    sc->cv = s->cv[k];
    sc->trend = s->trend[k];
    sc->npv = s->npv[k];
    sc->name = d->name;
    sc->group = d->group;
    sc->relationship = d->relationship;
    if (s->status) sc->status = s->status[k];
  } else if (s->status) {
    sc->status = KAM_RETENTION_INACTIVE;
  }
  sc->health = account_health(s, i, d ? (size_t)(d - p->details) : SIZE_MAX, &sc->health_reasons);
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

/* ---- customers ---- */

int kam_segmentation_customers(const kam_segmentation *cs, kam_customer_fn fn, void *ud) {
  kam_segmentation *s = (kam_segmentation *)cs; /* lazy caches: see portfolio.h */
  kam_customer c;
  char idbuf[KAM__ID_BUF];
  size_t r;
  int rc;
  if (!s) return KAM_EINVAL;
  if (!fn) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_customers: fn is NULL");
  if ((rc = check_live(s, "kam_segmentation_customers")) || (rc = ensure_all(s))) return rc;
  if (!s->cust) { /* unit account: every account, in rank order */
    for (r = 0; r < s->n; r++) {
      kam_account_score sc;
      size_t i = s->order[r];
      const kam__detail *d = kam__portfolio_detail(s->p, i);
      fill_score(&sc, s, i, d, idbuf);
      memset(&c, 0, sizeof c);
      c.struct_size = (uint32_t)sizeof c;
      c.key_reasons = sc.key_reasons;
      c.abc = sc.abc;
      c.rank = sc.rank;
      c.first_index = i;
      c.members = 1;
      c.name = sc.name ? sc.name : sc.id;
      c.has_margin = sc.has_margin;
      c.revenue = sc.revenue;
      c.margin = sc.margin;
      c.share = sc.share;
      if ((rc = fn(ud, &c)) != 0) return rc;
    }
    return KAM_OK;
  }
  for (r = 0; r < s->ncust; r++) {
    const kam__customer *k = &s->cust[s->cust_order[r]];
    int64_t v = entity_value(s, s->cust_order[r]);
    memset(&c, 0, sizeof c);
    c.struct_size = (uint32_t)sizeof c;
    c.key_reasons = (uint32_t)(k->cls >> KAM__SEG_KEY_SHIFT);
    c.abc = (char)('A' + (k->cls & KAM__SEG_CLASS_MASK));
    c.rank = r + 1;
    c.first_index = k->first;
    c.members = k->members;
    c.is_group = k->group != NULL;
    if (k->group) {
      c.name = k->group;
    } else {
      c.name = kam__portfolio_name(s->p, k->first);
      if (!c.name) c.name = kam__portfolio_id(s->p, k->first, idbuf, NULL);
    }
    c.has_margin = k->has_margin;
    c.revenue = k->revenue;
    c.margin = k->margin;
    c.share = s->summary.basis_total > 0 && v != KAM_MARGIN_UNKNOWN && v > 0
                  ? (double)v / (double)s->summary.basis_total
                  : 0.0;
    if ((rc = fn(ud, &c)) != 0) return rc;
  }
  return KAM_OK;
}

/*
 * segment.c - ABC/XYZ segmentation, the 10 % key-customer test, scores and the concentration
 * summary (DESIGN section 5), without sorting.
 *
 * The revenue axis is cut into NB log-scale buckets: values below 256 get a bucket each, every
 * octave above is split into 128 buckets of equal width, so bucket order is value order and a
 * bucket spans less than 1/128 of its values. kam_segment reads the revenue column once:
 *
 *   window  a sample of the revenues picks a run of buckets, at most WINDOW_MAX values wide,
 *           where the accounts are dense (for a Pareto portfolio: the bottom 95 %);
 *   pass 1  inside the window, one count per value (16-bit, widened after); outside it, count
 *           and sum per bucket, and the value kept in a side array;
 *   plan    from the bucket sums, the buckets where the cumulative share crosses a_share and
 *           b_share (walking from the top); every other bucket is wholly A, B or C;
 *   lists   the kept values scattered into one list per bucket (or, when more values fell
 *           outside than the sample promised, read again from the revenues);
 *   sort    each list in cache: a counting sort when the bucket's width is at most twice its
 *           population, else an LSD radix sort on the bits that vary inside the bucket.
 *
 * The window counts and the sorted lists then give, exactly and in O(n) time: the crossing
 * values and how many of their ties (in insertion order) are in the class, the sum of pairwise
 * differences for Gini (an exact integer), the sum of squares for HHI, the top-20 % sum and the
 * number of accounts passing the key share. It is a radix sort of the revenues by value, which
 * Gini needs; it never sorts the accounts themselves.
 *
 * The class of each account is not stored: kam_segmentation_classes derives it from the
 * revenue and the two cuts in one streaming pass. The class bytes (with key reasons), the rank
 * order (revenue descending, ties by insertion order), cumulative sums and scores are computed
 * lazily the first time kam_segmentation_get / _foreach need them, by a counting sort on the
 * same buckets followed by a radix sort inside each bucket: O(n) as well.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "portfolio_internal.h"
#include "struct_copy_internal.h"

#ifdef KAM_SEG_PROFILE
#include <stdio.h>
#include <time.h>
static double prof_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}
#define PROF(label)                                                                                \
  do {                                                                                             \
    double t_ = prof_now();                                                                        \
    fprintf(stderr, "  %-10s %7.1f ms\n", label, (t_ - prof_t) * 1e3);                             \
    prof_t = t_;                                                                                   \
  } while (0)
#define PROF_START double prof_t = prof_now()
#else
#define PROF(label) ((void)0)
#define PROF_START ((void)0)
#endif

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define NB 7296u /* buckets: 256 of width 1, then 55 octaves of 128 */

enum { CLS_A = 0, CLS_B = 1, CLS_C = 2 };
/* Outside the window, a bucket's values are kept in a list when it can hold two distinct
 * values: as 32-bit offsets from bucket_lo while its width allows (revenues below 2^40), else
 * as whole 64-bit values. Inside the window, a bucket has one count per value. */
enum { KIND_TRIVIAL = 0, KIND_LIST32 = 1, KIND_LIST64 = 2, KIND_WINDOW = 3 };
/* Largest bucket width sorted by counting (its counts stay in the L2 cache). */
#define COUNTING_MAX 65536u

static inline unsigned bucket_shift(uint64_t v) {
  unsigned e = 63u - (unsigned)__builtin_clzll(v | 1u);
  return e > 7u ? e - 7u : 0u;
}
/* The bucket of v, and its width shift. Below 2^53 a revenue converts to double exactly, and
 * the double's exponent and top 7 mantissa bits are the bucket: no bit scan, no variable
 * shift chain (twice as fast as the clz form on a generic x86-64 build). */
static inline unsigned bucket_and_shift(uint64_t v, unsigned *sh) {
  if (v < ((uint64_t)1 << 53)) {
    double d = (double)(int64_t)v;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    if (v < 128) {
      *sh = 0;
      return (unsigned)v;
    }
    *sh = (unsigned)(bits >> 52) - 1030u;         /* biased exponent - 1023 - 7 */
    return (unsigned)(bits >> 45) - (1029u << 7); /* (exponent - 6) * 128 + mantissa top 7 */
  }
  *sh = bucket_shift(v);
  return *sh * 128u + (unsigned)(v >> *sh);
}
static inline unsigned bucket_of(uint64_t v) {
  unsigned sh;
  return bucket_and_shift(v, &sh);
}
static inline unsigned bucket_width_shift(unsigned b) { return b < 256u ? 0u : b / 128u - 1u; }
static inline uint64_t bucket_lo(unsigned b) {
  unsigned s = bucket_width_shift(b);
  return (uint64_t)(b - s * 128u) << s;
}

/* The cumulative-share test of DESIGN section 5, in doubles exactly as written there. */
static bool share_reached(uint64_t cum, double total, double share) {
  return (double)cum / total >= share;
}

/* ---- options ---- */

static void default_options(kam_segment_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = (uint32_t)sizeof *o;
  o->a_share = 0.80;
  o->b_share = 0.95;
  o->key_share = 0.10;
  o->xyz_x = 0.10;
  o->xyz_y = 0.25;
  o->discount_rate = 0.10;
  o->w_share = 0.40;
  o->w_npv = 0.25;
  o->w_trend = 0.15;
  o->w_potential = 0.10;
  o->w_strategic = 0.10;
  o->key_top_n = 0;
}

void kam_segment_options_init(kam_segment_options *o, size_t struct_size) {
  kam_segment_options d;
  if (!o || struct_size < sizeof(uint32_t)) return;
  default_options(&d);
  memcpy(o, &d, struct_size < sizeof d ? struct_size : sizeof d);
  o->struct_size = (uint32_t)(struct_size > UINT32_MAX ? UINT32_MAX : struct_size);
}

static int check_options(kam_ctx *ctx, kam_segment_options *out, const kam_segment_options *o) {
  default_options(out);
  if (o) {
    int rc = KAM__STRUCT_COPY_IN(ctx, *out, o, kam_segment_options, flags, "kam_segment");
    if (rc) return rc;
    out->struct_size = (uint32_t)sizeof *out;
  }
  if (out->flags)
    return kam__error(ctx, KAM_EINVAL, "kam_segment: options flags must be 0 (got 0x%x)",
                      (unsigned)out->flags);
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

/* ---- sorting helpers (radix, stable) ---- */

/* Stable LSD radix sort of keys[0..n) ascending (keys below 2^bits), carrying idx[] along;
 * tk / ti are scratch for n entries each. */
static void sort_keyed(uint64_t *keys, size_t *idx, size_t n, uint64_t *tk, size_t *ti,
                       unsigned bits) {
  enum { DIGIT = 11, RADIX = 1 << DIGIT };
  size_t count[RADIX];
  uint64_t *sk = keys, *dk = tk;
  size_t *si = idx, *di = ti;
  unsigned shift;
  size_t i;
  if (n < 32) {
    for (i = 1; i < n; i++) {
      uint64_t k = keys[i];
      size_t x = idx[i], j = i;
      while (j > 0 && keys[j - 1] > k) {
        keys[j] = keys[j - 1];
        idx[j] = idx[j - 1];
        j--;
      }
      keys[j] = k;
      idx[j] = x;
    }
    return;
  }
  for (shift = 0; shift < bits; shift += DIGIT) {
    size_t pos = 0;
    memset(count, 0, sizeof count);
    for (i = 0; i < n; i++)
      count[(sk[i] >> shift) & (RADIX - 1)]++;
    if (count[(sk[0] >> shift) & (RADIX - 1)] == n) continue;
    for (i = 0; i < RADIX; i++) {
      size_t c = count[i];
      count[i] = pos;
      pos += c;
    }
    for (i = 0; i < n; i++) {
      size_t d = count[(sk[i] >> shift) & (RADIX - 1)]++;
      dk[d] = sk[i];
      di[d] = si[i];
    }
    {
      uint64_t *t = sk;
      size_t *u = si;
      sk = dk, si = di;
      dk = t, di = u;
    }
  }
  if (sk != keys) {
    memcpy(keys, sk, n * sizeof *keys);
    memcpy(idx, si, n * sizeof *idx);
  }
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

/* Smallest revenue r with (double)r / (double)total >= share; UINT64_MAX if none. */
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

/* ---- the bucket plan ---- */

/* Pass 1 over one part of the revenue column. Counts inside the window are 16-bit (half the
 * cache footprint of 32), each wrap noted in carry[]; part 0 counts in the lower half of
 * plan.wcnt and its counts and sums per bucket are plan.count / plan.sum, the other parts
 * have their own (merged after). */
typedef struct hist_part {
  const int64_t *rev;
  size_t n;
  uint64_t base, wlen;
  uint16_t *w16;
  uint32_t *carry; /* window offsets whose count wrapped, one entry per wrap */
  size_t carry_cap, wraps;
  size_t *count; /* [NB] outside the window */
  uint64_t *sum; /* [NB] */
  uint64_t *out; /* the values outside the window in insertion order, while they fit */
  size_t out_cap, kept, outside;
  u128 total; /* of the values outside the window */
} hist_part;

typedef struct plan {
  kam_ctx *ctx;
  size_t *count; /* [NB] accounts per bucket */
  uint64_t *sum; /* [NB] revenue per bucket */
  uint8_t *kind; /* [NB] KIND_* */
  size_t *start; /* [NB] list buckets: first position in y32 or y64 */
  size_t *fill;  /* [NB] list buckets: next free position */
  uint32_t *y32; /* KIND_LIST32 lists: offsets from bucket_lo */
  uint64_t *y64; /* KIND_LIST64 lists: whole values */
  size_t len32, len64;
  void *scratch; /* radix scratch for the largest list that is not counted */
  size_t scratch_bytes;
  uint32_t *counts; /* counting-sort scratch, COUNTING_MAX entries */
  /* The window: buckets [wb0, wb1), the values [base, base + wlen), one count per value. */
  unsigned wb0, wb1;
  uint64_t base;
  size_t wlen;
  uint32_t *wcnt;
  double out_share; /* room kept for the values outside the window, per account (0: none) */
  unsigned nparts;  /* pass 1 runs over this many parts of the column (kam__parts) */
  hist_part part[KAM__MAX_THREADS];
  unsigned special[4]; /* buckets whose values must end up sorted: cuts, top 20 %, key_min */
} plan;

/* Frees what the parts own: their carries and kept values, and (parts 1..) their counts. */
static void free_parts(plan *pl) {
  kam_ctx *ctx = pl->ctx;
  unsigned k;
  for (k = 0; k < pl->nparts; k++) {
    hist_part *h = &pl->part[k];
    kam__free(ctx, h->carry, h->carry_cap * sizeof *h->carry);
    kam__free(ctx, h->out, h->out_cap * sizeof *h->out);
    if (k > 0) {
      kam__free(ctx, h->w16, h->w16 ? pl->wlen * sizeof *h->w16 : 0);
      kam__free(ctx, h->count, h->count ? NB * sizeof *h->count : 0);
      kam__free(ctx, h->sum, h->sum ? NB * sizeof *h->sum : 0);
    }
    memset(h, 0, sizeof *h);
  }
  pl->nparts = 0;
}

static void plan_free(plan *pl) {
  kam_ctx *ctx = pl->ctx;
  kam__free(ctx, pl->count, NB * sizeof *pl->count);
  kam__free(ctx, pl->sum, NB * sizeof *pl->sum);
  kam__free(ctx, pl->kind, NB);
  kam__free(ctx, pl->start, NB * sizeof *pl->start);
  kam__free(ctx, pl->fill, NB * sizeof *pl->fill);
  kam__free(ctx, pl->y32, pl->len32 * sizeof *pl->y32);
  kam__free(ctx, pl->y64, pl->len64 * sizeof *pl->y64);
  kam__free(ctx, pl->scratch, pl->scratch_bytes);
  kam__free(ctx, pl->counts, pl->counts ? COUNTING_MAX * sizeof *pl->counts : 0);
  kam__free(ctx, pl->wcnt, pl->wlen * sizeof *pl->wcnt);
  free_parts(pl);
}

static inline uint64_t list_value(const plan *pl, unsigned b, size_t pos) {
  return pl->kind[b] == KIND_LIST64 ? pl->y64[pos] : bucket_lo(b) + pl->y32[pos];
}

/* The counts of window bucket b, one per value from bucket_lo(b) up. */
static inline const uint32_t *window_counts(const plan *pl, unsigned b) {
  return pl->wcnt + (bucket_lo(b) - pl->base);
}

/* Buckets counted rather than radix sorted: at most twice as wide as they are populated, and
 * narrow enough for the counts to stay in cache. */
static inline bool counted(const plan *pl, unsigned b) {
  size_t width = (size_t)1 << bucket_width_shift(b);
  return width <= 2 * pl->count[b] && width <= COUNTING_MAX;
}

/* Distinct values of a bucket from the top down: (value, multiplicity) pairs. A list bucket's
 * list must be sorted. */
typedef struct bucket_walk {
  const plan *pl;
  unsigned b;
  size_t pos; /* lists: next end position (exclusive); window: next end offset */
  bool done;
} bucket_walk;

static void walk_init(bucket_walk *w, const plan *pl, unsigned b) {
  w->pl = pl;
  w->b = b;
  w->done = pl->count[b] == 0;
  w->pos = pl->kind[b] == KIND_WINDOW    ? (size_t)1 << bucket_width_shift(b)
           : pl->kind[b] != KIND_TRIVIAL ? pl->fill[b]
                                         : 0;
}

static bool walk_next(bucket_walk *w, uint64_t *value, size_t *mult) {
  const plan *pl = w->pl;
  unsigned b = w->b;
  if (w->done) return false;
  if (pl->kind[b] == KIND_WINDOW) {
    const uint32_t *wc = window_counts(pl, b);
    size_t j = w->pos;
    while (j > 0 && wc[j - 1] == 0)
      j--;
    if (j == 0) {
      w->done = true;
      return false;
    }
    *value = bucket_lo(b) + (j - 1);
    *mult = wc[j - 1];
    w->pos = j - 1;
    return true;
  }
  if (pl->kind[b] != KIND_TRIVIAL) {
    size_t start = pl->start[b], end = w->pos, j = end;
    uint64_t top;
    if (end == start) {
      w->done = true;
      return false;
    }
    top = list_value(pl, b, end - 1);
    while (j > start && list_value(pl, b, j - 1) == top)
      j--;
    *value = top;
    *mult = end - j;
    w->pos = j;
    return true;
  }
  /* One account, or a bucket of width 1: a single value. */
  *value = pl->count[b] == 1 ? pl->sum[b] : bucket_lo(b);
  *mult = pl->count[b];
  w->done = true;
  return true;
}

/* A class boundary: the accounts with revenue > value, and the first `ties` accounts (in
 * insertion order) with revenue == value, are inside. bucket NB: nothing is inside. */
typedef struct cut {
  unsigned bucket;
  uint64_t value;
  size_t ties;
  size_t mult;      /* accounts with revenue == value (ties <= mult) */
  size_t count;     /* accounts inside */
  uint64_t revenue; /* their revenue */
} cut;

/* The shortest rank prefix whose cumulative share reaches `share` (DESIGN section 5). With
 * bucket_only, only c->bucket is found (the buckets' lists are not sorted yet). */
static void find_cut(cut *c, const plan *pl, uint64_t total, double share, bool bucket_only) {
  double t = (double)total;
  uint64_t cum = 0;
  size_t count = 0;
  unsigned b;
  memset(c, 0, sizeof *c);
  c->bucket = NB;
  if (total == 0 || share_reached(0, t, share)) return; /* the empty prefix already does */
  for (b = NB; b-- > 0;) {
    if (!pl->count[b]) continue;
    if (share_reached(cum + pl->sum[b], t, share)) break;
    cum += pl->sum[b];
    count += pl->count[b];
  }
  /* b exists: the whole portfolio reaches share 1 >= share. */
  c->bucket = b;
  if (bucket_only) return;
  {
    bucket_walk w;
    uint64_t v;
    size_t m;
    walk_init(&w, pl, b);
    while (walk_next(&w, &v, &m)) {
      if (share_reached(cum + (uint64_t)m * v, t, share)) {
        size_t lo = 1, hi = m; /* smallest k in [1, m] that reaches share */
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (share_reached(cum + (uint64_t)mid * v, t, share))
            hi = mid;
          else
            lo = mid + 1;
        }
        c->value = v;
        c->ties = lo;
        c->mult = m;
        c->count = count + lo;
        c->revenue = cum + (uint64_t)lo * v;
        return;
      }
      cum += (uint64_t)m * v;
      count += m;
    }
  }
}

/* The bucket holding the k-th largest revenue (NB when k == 0). */
static unsigned top_bucket(const plan *pl, size_t k) {
  unsigned b;
  for (b = NB; b-- > 0 && k > 0;) {
    if (pl->count[b] >= k) return b;
    k -= pl->count[b];
  }
  return NB;
}

/* Sum of the `k` largest revenues. */
static uint64_t top_sum(const plan *pl, size_t k) {
  uint64_t sum = 0;
  unsigned b;
  for (b = NB; b-- > 0 && k > 0;) {
    if (!pl->count[b]) continue;
    if (pl->count[b] <= k) {
      sum += pl->sum[b];
      k -= pl->count[b];
    } else {
      bucket_walk w;
      uint64_t v;
      size_t m;
      walk_init(&w, pl, b);
      while (k > 0 && walk_next(&w, &v, &m)) {
        size_t take = m < k ? m : k;
        sum += (uint64_t)take * v;
        k -= take;
      }
    }
  }
  return sum;
}

/* How many accounts have revenue >= v (v < UINT64_MAX: bucket_of(v) is special). */
static size_t count_at_least(const plan *pl, uint64_t v) {
  size_t k = 0;
  unsigned b, vb = bucket_of(v);
  for (b = NB - 1; b > vb; b--)
    k += pl->count[b];
  {
    bucket_walk w;
    uint64_t x;
    size_t m;
    walk_init(&w, pl, vb);
    while (walk_next(&w, &x, &m) && x >= v)
      k += m;
  }
  return k;
}

/* ---- the window ---- */

/* Largest window, in values (and 4-byte counts); the counts then stay in the L3 cache. */
#define WINDOW_MAX ((size_t)1 << 20)
/* Revenues sampled to choose it. */
#define SAMPLE 8192u

/* Chooses the window from a sample of the revenues: the run of buckets, at most WINDOW_MAX
 * values wide, where 4 * (accounts expected) - (values spanned) is largest. An account counted
 * in the window costs a fraction of one kept in a list; a count costs a fraction of an account
 * (memory, clearing, the scan). Only speed depends on this choice, never the results. Uses
 * pl->start as scratch. */
static int choose_window(plan *pl, const int64_t *rev, size_t n) {
  size_t m = n < SAMPLE ? n : SAMPLE, k, *hist = pl->start, *dq, head = 0, tail = 0;
  double scale, *pre, best = 0.0;
  uint64_t span = 0;
  unsigned b, lo = 0, e, b0 = 0, b1 = 0;
  if (m == 0 || n > UINT32_MAX) return KAM_OK;
  pre = (double *)kam__alloc_array(pl->ctx, NB + 1, sizeof *pre);
  dq = (size_t *)kam__alloc_array(pl->ctx, NB + 1, sizeof *dq);
  if (!pre || !dq) {
    kam__free(pl->ctx, pre, (NB + 1) * sizeof *pre);
    kam__free(pl->ctx, dq, (NB + 1) * sizeof *dq);
    return KAM_ENOMEM;
  }
  memset(hist, 0, NB * sizeof *hist);
  for (k = 0; k < m; k++) /* evenly over the whole column */
    hist[bucket_of((uint64_t)rev[(size_t)((u128)k * n / m)])]++;
  scale = 4.0 * (double)n / (double)m;
  pre[0] = 0.0;
  for (b = 0; b < NB; b++)
    pre[b + 1] = pre[b] + scale * (double)hist[b] - (double)((uint64_t)1 << bucket_width_shift(b));
  /* For each end e, the best start in [lo, e) with the span of [lo, e) <= WINDOW_MAX: a deque of
   * starts with increasing prefix sums. */
  for (e = 1; e <= NB; e++) {
    unsigned s = e - 1;
    while (tail > head && pre[dq[tail - 1]] >= pre[s])
      tail--;
    dq[tail++] = s;
    span += (uint64_t)1 << bucket_width_shift(s);
    while (span > WINDOW_MAX) {
      span -= (uint64_t)1 << bucket_width_shift(lo);
      lo++;
    }
    while (tail > head && dq[head] < lo)
      head++;
    if (tail > head && pre[e] - pre[dq[head]] > best) {
      best = pre[e] - pre[dq[head]];
      b0 = (unsigned)dq[head];
      b1 = e;
    }
  }
  kam__free(pl->ctx, pre, (NB + 1) * sizeof *pre);
  kam__free(pl->ctx, dq, (NB + 1) * sizeof *dq);
  if (b1 > b0) {
    pl->wb0 = b0;
    pl->wb1 = b1;
    pl->base = bucket_lo(b0);
    pl->wlen = (size_t)(bucket_lo(b1) - pl->base); /* b1 < NB: the top buckets are too wide */
    pl->wcnt = (uint32_t *)kam__alloc_array(pl->ctx, pl->wlen, sizeof *pl->wcnt);
    if (!pl->wcnt) {
      pl->wlen = 0;
      return KAM_ENOMEM;
    }
    memset(pl->wcnt, 0, pl->wlen * sizeof(uint16_t)); /* part 0's 16-bit counts */
    /* Room for the values outside it, as the sample predicts plus a margin, unless that is
     * over a quarter of the accounts: then (or when they do not fit after all) the lists are
     * filled from the revenues again. */
    for (k = 0, b = 0; b < NB; b++)
      if (b < b0 || b >= b1) k += hist[b];
    pl->out_share = (double)k / (double)m * 1.25;
    if (pl->out_share > 0.25) pl->out_share = 0.0;
  }
  return KAM_OK;
}

/* Splits pass 1 into parts (kam__parts) and gives each its counts, carries and room. */
static int prepare_parts(plan *pl, const int64_t *rev, size_t n) {
  unsigned k, parts = kam__parts(pl->ctx, n);
  pl->nparts = parts;
  for (k = 0; k < parts; k++) {
    hist_part *h = &pl->part[k];
    size_t lo, hi;
    kam__part_range(n, parts, k, &lo, &hi);
    h->rev = n ? rev + lo : rev; /* an empty portfolio has no column */
    h->n = hi - lo;
    h->base = pl->base;
    h->wlen = pl->wlen;
    if (k == 0) {
      h->w16 = (uint16_t *)(void *)pl->wcnt;
      h->count = pl->count;
      h->sum = pl->sum;
    } else {
      if (pl->wlen && !(h->w16 = (uint16_t *)kam__alloc_array(pl->ctx, pl->wlen, sizeof *h->w16)))
        return KAM_ENOMEM;
      h->count = (size_t *)kam__alloc_array(pl->ctx, NB, sizeof *h->count);
      h->sum = (uint64_t *)kam__alloc_array(pl->ctx, NB, sizeof *h->sum);
      if (!h->count || !h->sum) return KAM_ENOMEM;
      if (h->w16) memset(h->w16, 0, pl->wlen * sizeof *h->w16);
      memset(h->count, 0, NB * sizeof *h->count);
      memset(h->sum, 0, NB * sizeof *h->sum);
    }
    if (pl->wlen) {
      h->carry_cap = h->n / 65536 + 1; /* each wrap takes 65536 accounts */
      h->carry = (uint32_t *)kam__alloc_array(pl->ctx, h->carry_cap, sizeof *h->carry);
      if (!h->carry) {
        h->carry_cap = 0;
        return KAM_ENOMEM;
      }
    }
    if (pl->out_share > 0.0) {
      h->out_cap = (size_t)(pl->out_share * (double)h->n) + 4096;
      if (h->out_cap > h->n) h->out_cap = h->n;
      h->out = (uint64_t *)kam__alloc_array(pl->ctx, h->out_cap, sizeof *h->out);
      if (!h->out) {
        h->out_cap = 0;
        return KAM_ENOMEM;
      }
    }
  }
  return KAM_OK;
}

/* Pass 1 over one part: a count per value inside the window; outside it, count and sum per
 * bucket and the value kept (while there is room). A kam__task_fn. */
static int histogram_part(void *arg) {
  hist_part *h = (hist_part *)arg;
  const int64_t *rev = h->rev;
  size_t *count = h->count, i, n = h->n, kept = 0, outside = 0, cap = h->out_cap, wraps = 0;
  uint64_t *sum = h->sum, *out = h->out, base = h->base, wlen = h->wlen;
  uint16_t *w16 = h->w16;
  uint32_t *carry = h->carry;
  u128 total = 0;
  for (i = 0; i < n; i++) {
    uint64_t v = (uint64_t)rev[i];
    unsigned b;
    if (v - base < wlen) {
      if (++w16[v - base] == 0) carry[wraps++] = (uint32_t)(v - base);
      continue;
    }
    b = bucket_of(v);
    count[b]++;
    sum[b] += v;
    total += v;
    if (kept < cap) out[kept++] = v;
    outside++;
  }
  h->wraps = wraps;
  h->kept = kept;
  h->outside = outside;
  h->total = total;
  return 0;
}

/* Pass 1 over the parts, merged: 32-bit window counts in plan.wcnt, counts and sums per bucket
 * (the window's buckets from their counts). Returns the exact total revenue. */
static u128 histogram(plan *pl) {
  u128 total = 0;
  size_t i, width;
  unsigned k, b;
  kam__parallel(histogram_part, pl->part, sizeof pl->part[0], pl->nparts);
  for (k = 0; k < pl->nparts; k++) {
    total += pl->part[k].total;
    if (k > 0)
      for (b = 0; b < NB; b++) {
        pl->count[b] += pl->part[k].count[b];
        pl->sum[b] += pl->part[k].sum[b]; /* wraps only if the total does (checked by caller) */
      }
  }
  /* Widen part 0's 16-bit counts in place, from the top down (32-bit count i covers 16-bit
   * counts 2i and 2i + 1, read by then; memcpy: the two views of the block may alias), adding
   * the other parts' counts, then every wrap. */
  for (i = pl->wlen; i-- > 0;) {
    uint16_t c16;
    uint32_t c32;
    memcpy(&c16, (const char *)pl->wcnt + i * sizeof c16, sizeof c16);
    c32 = c16;
    for (k = 1; k < pl->nparts; k++)
      c32 += pl->part[k].w16[i];
    memcpy((char *)pl->wcnt + i * sizeof c32, &c32, sizeof c32);
  }
  for (k = 0; k < pl->nparts; k++)
    for (i = 0; i < pl->part[k].wraps; i++)
      pl->wcnt[pl->part[k].carry[i]] += 65536u;
  /* The window's buckets from its counts. */
  for (b = pl->wb0; b < pl->wb1; b++) {
    const uint32_t *c = window_counts(pl, b);
    size_t y, m = 0;
    uint64_t lo = bucket_lo(b), sy = 0; /* sy < 2^32 * WINDOW_MAX */
    width = (size_t)1 << bucket_width_shift(b);
    for (y = 0; y < width; y++) {
      m += c[y];
      sy += (uint64_t)c[y] * y;
    }
    pl->count[b] = m;
    pl->sum[b] = (uint64_t)((u128)lo * m + sy); /* exact whenever total fits (checked by caller) */
    total += (u128)lo * m + sy;
  }
  return total;
}

/* Lays out one list per bucket outside the window that can hold two distinct values, and
 * allocates. */
static int plan_buckets(plan *pl) {
  size_t scratch = 0;
  bool counting = false;
  unsigned b;
  for (b = 0; b < NB; b++) {
    size_t c = pl->count[b];
    unsigned shift = bucket_width_shift(b);
    pl->kind[b] = KIND_TRIVIAL;
    if (b >= pl->wb0 && b < pl->wb1) {
      pl->kind[b] = KIND_WINDOW;
      continue;
    }
    if (c < 2 || shift == 0) continue;
    if (shift <= 32) {
      pl->kind[b] = KIND_LIST32;
      pl->start[b] = pl->fill[b] = pl->len32;
      pl->len32 += c;
    } else {
      pl->kind[b] = KIND_LIST64;
      pl->start[b] = pl->fill[b] = pl->len64;
      pl->len64 += c;
    }
    if (counted(pl, b)) {
      counting = true;
    } else if (c >= 48) {
      size_t bytes = c * (shift <= 32 ? sizeof(uint32_t) : sizeof(uint64_t));
      if (bytes > scratch) scratch = bytes;
    }
  }
  if (pl->len32 && !(pl->y32 = (uint32_t *)kam__alloc_array(pl->ctx, pl->len32, sizeof *pl->y32)))
    return KAM_ENOMEM;
  if (pl->len64 && !(pl->y64 = (uint64_t *)kam__alloc_array(pl->ctx, pl->len64, sizeof *pl->y64)))
    return KAM_ENOMEM;
  pl->scratch_bytes = scratch; /* allocated by alloc_scratch, once the kept values are freed */
  if (counting) {
    pl->counts = (uint32_t *)kam__alloc_array(pl->ctx, COUNTING_MAX, sizeof *pl->counts);
    if (!pl->counts) return KAM_ENOMEM;
  }
  return KAM_OK;
}

/* Each value of src[0..len) outside the window into its bucket's list. */
static void scatter_values(plan *pl, const uint64_t *src, size_t len) {
  size_t *fill = pl->fill, i;
  uint32_t *y32 = pl->y32;
  uint64_t *y64 = pl->y64, base = pl->base, wlen = pl->wlen;
  const uint8_t *kind = pl->kind;
  for (i = 0; i < len; i++) {
    uint64_t v = src[i];
    unsigned sh, b;
    if (v - base < wlen) continue;
    b = bucket_and_shift(v, &sh);
    /* bucket_lo(b) is a multiple of 2^sh: the offset is the low sh bits */
    if (kind[b] == KIND_LIST32)
      y32[fill[b]++] = (uint32_t)(v & (((uint64_t)1 << sh) - 1u));
    else if (kind[b] == KIND_LIST64)
      y64[fill[b]++] = v;
  }
}

/* The radix scratch and the counting-sort table plan_buckets sized. */
static int alloc_scratch(plan *pl) {
  if (pl->scratch_bytes && !(pl->scratch = kam__alloc(pl->ctx, pl->scratch_bytes))) {
    pl->scratch_bytes = 0;
    return KAM_ENOMEM;
  }
  return KAM_OK;
}

/* Pass 2: the values outside the window into the lists, from the values the parts kept or,
 * when one part could not keep them all, from the revenues again. */
static void scatter(plan *pl, const int64_t *rev, size_t n) {
  unsigned k;
  for (k = 0; k < pl->nparts; k++)
    if (pl->part[k].kept < pl->part[k].outside) {
      scatter_values(pl, (const uint64_t *)(const void *)rev, n); /* int64 and uint64 alias */
      return;
    }
  for (k = 0; k < pl->nparts; k++)
    scatter_values(pl, pl->part[k].out, pl->part[k].kept);
}

/* NOLINTBEGIN(bugprone-macro-parentheses): `type` is a type name */
#define DEFINE_RADIX(name, type)                                                                   \
  /* Sorts a[0..n) ascending; every value is below 2^bits (or shares the bits above); tmp has      \
   * room for n. Values spread thin over their range (a sparse bucket) take one pass by their      \
   * top bits into about 2n slots, then an insertion sort of the nearly sorted result; if a        \
   * slot gets more than 16 (not spread after all), or the list is dense, an LSD radix sort.       \
   * Short lists take 8-bit digits (their count table is cleared once per digit). */               \
  static void name(type *a, size_t n, type *tmp, unsigned bits) {                                  \
    size_t count[1 << 11];                                                                         \
    type *src = a, *dst = tmp;                                                                     \
    unsigned shift, digit = n < 2048 ? 8u : 11u, k = 1;                                            \
    size_t i, radix, mask, pos = 0;                                                                \
    if (n >= 48) {                                                                                 \
      while (k < 11 && ((size_t)1 << k) < 2 * n)                                                   \
        k++;                                                                                       \
      if (k > bits) k = bits;                                                                      \
      shift = bits - k;                                                                            \
      radix = (size_t)1 << k;                                                                      \
      memset(count, 0, radix * sizeof *count);                                                     \
      for (i = 0; i < n; i++)                                                                      \
        count[(a[i] >> shift) & (radix - 1)]++;                                                    \
      for (i = 0; i < radix && count[i] <= 16; i++) {                                              \
        size_t c = count[i];                                                                       \
        count[i] = pos;                                                                            \
        pos += c;                                                                                  \
      }                                                                                            \
      if (i < radix) goto lsd;                                                                     \
      for (i = 0; i < n; i++)                                                                      \
        tmp[count[(a[i] >> shift) & (radix - 1)]++] = a[i];                                        \
      memcpy(a, tmp, n * sizeof *a);                                                               \
    }                                                                                              \
    for (i = 1; i < n; i++) {                                                                      \
      type x = a[i];                                                                               \
      size_t j = i;                                                                                \
      while (j > 0 && a[j - 1] > x) {                                                              \
        a[j] = a[j - 1];                                                                           \
        j--;                                                                                       \
      }                                                                                            \
      a[j] = x;                                                                                    \
    }                                                                                              \
    return;                                                                                        \
  lsd:                                                                                             \
    radix = (size_t)1 << digit;                                                                    \
    mask = radix - 1;                                                                              \
    for (shift = 0; shift < bits; shift += digit) {                                                \
      pos = 0;                                                                                     \
      memset(count, 0, radix * sizeof *count);                                                     \
      for (i = 0; i < n; i++)                                                                      \
        count[(src[i] >> shift) & mask]++;                                                         \
      if (count[(src[0] >> shift) & mask] == n) continue; /* one digit: skip */                    \
      for (i = 0; i < radix; i++) {                                                                \
        size_t c = count[i];                                                                       \
        count[i] = pos;                                                                            \
        pos += c;                                                                                  \
      }                                                                                            \
      for (i = 0; i < n; i++)                                                                      \
        dst[count[(src[i] >> shift) & mask]++] = src[i];                                           \
      {                                                                                            \
        type *t = src;                                                                             \
        src = dst;                                                                                 \
        dst = t;                                                                                   \
      }                                                                                            \
    }                                                                                              \
    if (src != a) memcpy(a, src, n * sizeof *a);                                                   \
  }
DEFINE_RADIX(sort_u32, uint32_t)
DEFINE_RADIX(sort_u64, uint64_t)
/* NOLINTEND(bugprone-macro-parentheses) */

/* Gini and HHI accumulate over the buckets in ascending order. D is the sum over all pairs of
 * |x_i - x_j| (DESIGN: G = 2*sum(i*x_(i)) / (n*sum x) - (n+1)/n = D / (n * sum x)). */
typedef struct concentration {
  i128 d;
  u128 below_count, below_sum;
  double sumsq;
} concentration;

/* The concentration terms of a bucket of c accounts from one count per value (cnt[y]: accounts
 * with revenue bucket_lo(b) + y); with list, the values are also written back there in
 * ascending order. Each value y of multiplicity m adds m * (below * y - sum_below) to D, with
 * below / sum_below the count / sum of the offsets under it (sum_below <= the total revenue,
 * below * y < 2^64: below <= c and y < COUNTING_MAX or WINDOW_MAX). */
static void add_counts(concentration *cn, unsigned b, size_t c, const uint32_t *cnt,
                       uint32_t *list) {
  size_t width = (size_t)1 << bucket_width_shift(b), y, pos = 0;
  uint64_t below = 0, sb = 0;
  u128 d = 0;
  double lo = (double)bucket_lo(b), sy2 = 0.0;
  for (y = 0; y < width; y++) {
    uint64_t m = cnt[y];
    d += (u128)m * (below * y - sb);
    below += m;
    sb += m * y;
    sy2 += (double)m * (double)y * (double)y;
  }
  cn->d += (i128)d;
  /* sum of (lo + y)^2 over the accounts */
  cn->sumsq += (double)c * lo * lo + 2.0 * lo * (double)sb + sy2;
  if (list)
    for (y = 0; y < width; y++) {
      size_t m = cnt[y];
      while (m--)
        list[pos++] = (uint32_t)y;
    }
}

/* Counting sort of one bucket's list: the concentration terms from the counts, and (for the
 * special buckets only) the sorted values written back. */
static void count_bucket(plan *pl, concentration *cn, unsigned b, bool write_back) {
  size_t c = pl->count[b], width = (size_t)1 << bucket_width_shift(b), i;
  uint32_t *list = pl->y32 + pl->start[b]; /* counted buckets are narrow: 32-bit lists */
  memset(pl->counts, 0, width * sizeof *pl->counts);
  for (i = 0; i < c; i++)
    pl->counts[list[i]]++;
  add_counts(cn, b, c, pl->counts, write_back ? list : NULL);
}

/* Radix sort of one bucket's list, then the concentration terms from the sorted offsets y:
 * the value at position i adds i * y - (sum of the offsets before it) to D (that sum is at
 * most the total revenue, so 64 bits hold it). */
static void sort_bucket(plan *pl, concentration *cn, unsigned b) {
  size_t c = pl->count[b], start = pl->start[b], i;
  unsigned bits = bucket_width_shift(b);
  uint64_t lo = bucket_lo(b), sb = 0;
  u128 d = 0;
  double sy2 = 0.0, flo = (double)lo;
  if (pl->kind[b] == KIND_LIST64) {
    uint64_t *y = pl->y64 + start;
    sort_u64(y, c, (uint64_t *)pl->scratch, bits);
    for (i = 0; i < c; i++) {
      uint64_t v = y[i] - lo;
      d += (u128)i * v - sb;
      sb += v;
      sy2 += (double)v * (double)v;
    }
  } else {
    uint32_t *y = pl->y32 + start;
    sort_u32(y, c, (uint32_t *)pl->scratch, bits);
    for (i = 0; i < c; i++) {
      uint64_t v = y[i];
      d += (u128)i * v - sb;
      sb += v;
      sy2 += (double)v * (double)v;
    }
  }
  cn->d += (i128)d;
  cn->sumsq += (double)c * flo * flo + 2.0 * flo * (double)sb + sy2;
}

static bool is_special(const plan *pl, unsigned b) {
  return b == pl->special[0] || b == pl->special[1] || b == pl->special[2] || b == pl->special[3];
}

/* Puts every list in order (or counts it) and accumulates Gini and HHI, bucket by bucket. */
static void finish_buckets(plan *pl, concentration *cn) {
  unsigned b;
  memset(cn, 0, sizeof *cn);
  for (b = 0; b < NB; b++) {
    size_t c = pl->count[b];
    uint64_t s = pl->sum[b];
    if (!c) continue;
    /* Every value here exceeds every value below. */
    cn->d += (i128)((u128)s * cn->below_count) - (i128)((u128)c * cn->below_sum);
    if (pl->kind[b] == KIND_WINDOW) {
      add_counts(cn, b, c, window_counts(pl, b), NULL);
    } else if (pl->kind[b] == KIND_TRIVIAL) {
      double v = c == 1 ? (double)s : (double)bucket_lo(b);
      cn->sumsq += v * v * (double)c;
    } else if (counted(pl, b)) {
      count_bucket(pl, cn, b, is_special(pl, b));
    } else {
      sort_bucket(pl, cn, b);
    }
    cn->below_count += c;
    cn->below_sum += s;
  }
}

static int segment_revenue(kam_segmentation *s, size_t *keys) {
  const int64_t *rev = s->p->revenue;
  plan pl;
  cut a, ab;
  concentration cn;
  u128 total128;
  uint64_t total, key_min;
  size_t n = s->n, top = n / 5 + (n % 5 != 0); /* ceil(0.2 n) */
  int rc = KAM_ENOMEM;
  PROF_START;
  memset(&pl, 0, sizeof pl);
  pl.ctx = s->ctx;
  pl.count = (size_t *)kam__alloc_array(s->ctx, NB, sizeof *pl.count);
  pl.sum = (uint64_t *)kam__alloc_array(s->ctx, NB, sizeof *pl.sum);
  pl.kind = (uint8_t *)kam__alloc(s->ctx, NB);
  pl.start = (size_t *)kam__alloc_array(s->ctx, NB, sizeof *pl.start);
  pl.fill = (size_t *)kam__alloc_array(s->ctx, NB, sizeof *pl.fill);
  if (!pl.count || !pl.sum || !pl.kind || !pl.start || !pl.fill) goto done;
  memset(pl.count, 0, NB * sizeof *pl.count);
  memset(pl.sum, 0, NB * sizeof *pl.sum);
  if (choose_window(&pl, rev, n) || prepare_parts(&pl, rev, n)) goto done;
  PROF("window");
  total128 = histogram(&pl);
  PROF("histogram");
  if (total128 > (u128)INT64_MAX) {
    rc = kam__error(s->ctx, KAM_EOVERFLOW,
                    "kam_segment: the total revenue of the %zu accounts exceeds INT64_MAX", n);
    goto done;
  }
  total = (uint64_t)total128;
  s->total = (int64_t)total;
  key_min = min_revenue_for(total, s->opts.key_share);
  find_cut(&a, &pl, total, s->opts.a_share, true);
  find_cut(&ab, &pl, total, s->opts.b_share, true);
  pl.special[0] = a.bucket;
  pl.special[1] = ab.bucket;
  pl.special[2] = top_bucket(&pl, top);
  pl.special[3] = key_min != UINT64_MAX ? bucket_of(key_min) : NB;
  if (plan_buckets(&pl)) goto done;
  scatter(&pl, rev, n);
  free_parts(&pl);
  if (alloc_scratch(&pl)) goto done;
  PROF("scatter");
  finish_buckets(&pl, &cn);
  PROF("buckets");
  /* The lists of the special buckets are sorted now: resolve the cuts exactly. */
  find_cut(&a, &pl, total, s->opts.a_share, false);
  find_cut(&ab, &pl, total, s->opts.b_share, false);
  s->cut_value[0] = a.bucket != NB ? a.value : UINT64_MAX;
  s->cut_ties[0] = a.ties;
  s->cut_mult[0] = a.mult;
  s->cut_value[1] = ab.bucket != NB ? ab.value : UINT64_MAX;
  s->cut_ties[1] = ab.ties;
  s->cut_mult[1] = ab.mult;
  s->key_min = key_min;
  *keys = key_min != UINT64_MAX ? count_at_least(&pl, key_min) : 0;
  if (s->p->flags) { /* strategic accounts below key_min are key too (revenue read only for them) */
    const uint8_t *flags = s->p->flags;
    size_t i;
    for (i = 0; i < n; i++)
      if ((flags[i] & KAM_ACCOUNT_STRATEGIC) && (uint64_t)rev[i] < key_min) (*keys)++;
  }
  PROF("cuts");
  {
    kam_summary *sm = &s->summary;
    memset(sm, 0, sizeof *sm);
    sm->struct_size = (uint32_t)sizeof *sm;
    sm->accounts = n;
    sm->count[0] = a.count;
    sm->count[1] = ab.count - a.count;
    sm->count[2] = n - ab.count;
    sm->revenue[0] = (int64_t)a.revenue;
    sm->revenue[1] = (int64_t)(ab.revenue - a.revenue);
    sm->revenue[2] = (int64_t)(total - ab.revenue);
    sm->total_revenue = (int64_t)total;
    if (total > 0) {
      double t = (double)total;
      sm->hhi = cn.sumsq / (t * t);
      sm->effective_accounts = 1.0 / sm->hhi;
      sm->gini = (double)cn.d / ((double)n * t);
      sm->top20_share = (double)top_sum(&pl, top) / t;
    }
  }
  rc = KAM_OK;
done:
  plan_free(&pl);
  if (rc == KAM_ENOMEM) kam__nomem(s->ctx);
  return rc;
}

/* Cut k takes only some of the accounts with its value, and those are settled from the front
 * (the first cut_ties, in insertion order, move into the cut) rather than from the back (the
 * last cut_mult - cut_ties move out of it): whichever moves fewer. */
static bool cut_partial(const kam_segmentation *s, int k) {
  return s->cut_value[k] != UINT64_MAX && s->cut_ties[k] < s->cut_mult[k];
}
static bool settle_from_front(const kam_segmentation *s, int k) {
  return s->cut_ties[k] <= s->cut_mult[k] - s->cut_ties[k];
}

/* The largest revenue outside cut k for the branch-free pass: a cut holds the revenues >= its
 * value, except that a partial cut settled from the front holds them > value (its value's
 * accounts are moved in afterwards); no cut holds nothing (every revenue is <= INT64_MAX). */
static uint64_t cut_limit(const kam_segmentation *s, int k) {
  uint64_t v = s->cut_value[k];
  if (v == UINT64_MAX) return (uint64_t)INT64_MAX;
  return cut_partial(s, k) && settle_from_front(s, k) ? v : v - 1; /* a cut value is > 0 */
}

/* Moves the accounts of a partial cut's value across it: with class = 2 - (in A) - (in A+B),
 * moving in is -1 and moving out +1. Scans only until the last one is found. */
static void settle_cut(const kam_segmentation *s, int k, uint8_t *out) {
  const int64_t *rev = s->p->revenue;
  uint64_t v = s->cut_value[k];
  size_t i, left;
  if (settle_from_front(s, k)) {
    for (i = 0, left = s->cut_ties[k]; left > 0 && i < s->n; i++)
      if ((uint64_t)rev[i] == v) {
        out[i]--;
        left--;
      }
  } else {
    for (i = s->n, left = s->cut_mult[k] - s->cut_ties[k]; left > 0 && i-- > 0;)
      if ((uint64_t)rev[i] == v) {
        out[i]++;
        left--;
      }
  }
}

typedef struct class_part {
  const int64_t *rev;
  uint8_t *out;
  size_t n;
  uint64_t la, lab;
  unsigned base;
} class_part;

static int class_task(void *arg) {
  const class_part *c = (const class_part *)arg;
  const int64_t *rev = c->rev; /* locals: out may alias *c */
  uint8_t *out = c->out;
  uint64_t la = c->la, lab = c->lab;
  size_t i, n = c->n;
  unsigned top = c->base + 2u;
  for (i = 0; i < n; i++) {
    uint64_t v = (uint64_t)rev[i];
    out[i] = (uint8_t)(top - (unsigned)((la - v) >> 63) - (unsigned)((lab - v) >> 63));
  }
  return 0;
}

/* Class of every account in insertion order, from the cuts, written as base + class; with
 * keys, the KAM_KEY_SHARE and KAM_KEY_STRATEGIC reasons above (KAM__SEG_KEY_SHIFT). One
 * branch-free pass (split over the ctx's threads) gives class = 2 - (v > limit A) - (v > limit
 * A+B) (the limits are ordered and at most INT64_MAX, so the sign of limit - v tells); a cut
 * that takes only some of the accounts sharing its value then settles those. */
static void stream_classes(const kam_segmentation *s, uint8_t *out, unsigned base, bool keys) {
  const int64_t *rev = s->p->revenue;
  const uint8_t *flags = s->p->flags;
  uint64_t key_min = s->key_min;
  size_t i, n = s->n;
  class_part part[KAM__MAX_THREADS];
  unsigned k, parts = kam__parts(s->ctx, n);
  if (n == 0) return; /* no column, and out may be NULL */
  for (k = 0; k < parts; k++) {
    size_t lo, hi;
    kam__part_range(n, parts, k, &lo, &hi);
    part[k].rev = rev + lo;
    part[k].out = out + lo;
    part[k].n = hi - lo;
    part[k].la = cut_limit(s, 0);
    part[k].lab = cut_limit(s, 1);
    part[k].base = base;
  }
  kam__parallel(class_task, part, sizeof part[0], parts);
  for (k = 0; k < 2; k++)
    if (cut_partial(s, (int)k)) settle_cut(s, (int)k, out);
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
    history_stats(&s->cv[i], &s->trend[i], d->history, d->history_len);
    s->npv[i] = NAN;
    if (d->forecast_len &&
        kam_npv(&s->npv[i], opts.discount_rate, d->forecast, d->forecast_len, KAM_NPV_EXCEL))
      s->npv[i] = NAN;
  }
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

static int ensure_order(kam_segmentation *s) {
  const int64_t *rev = s->p->revenue;
  size_t n = s->n, i, *start = NULL, largest = 0, *order = NULL, *rank_of = NULL, *ti = NULL;
  int64_t *cum = NULL;
  uint64_t *keys, *tk = NULL;
  unsigned b;
  if (s->order || n == 0) return KAM_OK;
  order = (size_t *)kam__alloc_array(s->ctx, n, sizeof *order);
  rank_of = (size_t *)kam__alloc_array(s->ctx, n, sizeof *rank_of);
  cum = (int64_t *)kam__alloc_array(s->ctx, n, sizeof *cum);
  start = (size_t *)kam__alloc_array(s->ctx, NB, sizeof *start);
  if (!order || !rank_of || !cum || !start) goto nomem;
  /* Counting sort by bucket, largest bucket first; stable, so insertion order within. The
   * sort keys (offset below the bucket's top, so ascending key = descending revenue) live in
   * cum[] until they are turned into cumulative sums. */
  keys = (uint64_t *)(void *)cum;
  memset(start, 0, NB * sizeof *start);
  for (i = 0; i < n; i++)
    start[bucket_of((uint64_t)rev[i])]++;
  {
    size_t pos = 0;
    for (b = NB; b-- > 0;) {
      size_t c = start[b];
      start[b] = pos;
      pos += c;
      if (c > largest && bucket_width_shift(b) > 0) largest = c;
    }
  }
  if (largest >= 32) {
    tk = (uint64_t *)kam__alloc_array(s->ctx, largest, sizeof *tk);
    ti = (size_t *)kam__alloc_array(s->ctx, largest, sizeof *ti);
    if (!tk || !ti) goto nomem;
  }
  for (i = 0; i < n; i++) {
    uint64_t v = (uint64_t)rev[i];
    unsigned sh, k = bucket_and_shift(v, &sh);
    size_t at = start[k]++;
    order[at] = i;
    keys[at] = (((uint64_t)1 << sh) - 1u) - (v & (((uint64_t)1 << sh) - 1u));
  }
  /* start[b] is now the end of bucket b; buckets are laid out from NB-1 down. */
  {
    size_t begin = 0, j;
    int64_t run = 0;
    for (b = NB; b-- > 0;) {
      size_t end = start[b], c = end - begin;
      unsigned shift = bucket_width_shift(b);
      uint64_t top = bucket_lo(b) + (((uint64_t)1 << shift) - 1u);
      if (c >= 2 && shift > 0) sort_keyed(keys + begin, order + begin, c, tk, ti, shift);
      for (j = begin; j < end; j++) {
        run += (int64_t)(top - keys[j]);
        cum[j] = run;
      }
      begin = end;
    }
  }
  for (i = 0; i < n; i++)
    rank_of[order[i]] = i;
  kam__free(s->ctx, tk, largest * sizeof *tk);
  kam__free(s->ctx, ti, largest * sizeof *ti);
  kam__free(s->ctx, start, NB * sizeof *start);
  s->order = order;
  s->rank_of = rank_of;
  s->cum = cum;
  return KAM_OK;
nomem:
  kam__free(s->ctx, tk, largest * sizeof *tk);
  kam__free(s->ctx, ti, largest * sizeof *ti);
  kam__free(s->ctx, start, NB * sizeof *start);
  kam__free(s->ctx, order, n * sizeof *order);
  kam__free(s->ctx, rank_of, n * sizeof *rank_of);
  kam__free(s->ctx, cum, n * sizeof *cum);
  return kam__nomem(s->ctx);
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
  sc->cv = sc->trend = sc->npv = NAN;
  if (d) {
    size_t k = (size_t)(d - p->details);
    sc->cv = s->cv[k];
    sc->trend = s->trend[k];
    sc->npv = s->npv[k];
    sc->name = d->name;
    sc->group = d->group;
  }
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

int kam_segmentation_get(kam_account_score *out, const kam_segmentation *s, size_t index) {
  kam_account_score sc;
  size_t sz;
  int rc;
  if (!s) return KAM_EINVAL;
  if (!out) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_get: out is NULL");
  sz = out->struct_size;
  if (kam__struct_size_check(s->ctx, sz, KAM__FIELD_END(kam_account_score, key_reasons),
                             "kam_segmentation_get", "kam_account_score"))
    return KAM_EINVAL;
  if (index >= s->n)
    return kam__error(s->ctx, KAM_ENOTFOUND,
                      "kam_segmentation_get: index %zu is out of range (%zu accounts)", index,
                      s->n);
  if ((rc = check_live(s, "kam_segmentation_get")) || (rc = ensure_all(s))) return rc;
  fill_score(&sc, s, index, kam__portfolio_detail(s->p, index), ((kam_segmentation *)s)->idbuf);
  copy_out(out, &sc, sz);
  return KAM_OK;
}

int kam_segmentation_by_rank(kam_account_score *out, const kam_segmentation *s, size_t rank) {
  size_t sz;
  int rc;
  if (!s) return KAM_EINVAL;
  if (!out) return kam__error(s->ctx, KAM_EINVAL, "kam_segmentation_by_rank: out is NULL");
  sz = out->struct_size;
  if (kam__struct_size_check(s->ctx, sz, KAM__FIELD_END(kam_account_score, key_reasons),
                             "kam_segmentation_by_rank", "kam_account_score"))
    return KAM_EINVAL;
  if (rank == 0 || rank > s->n)
    return kam__error(s->ctx, KAM_ENOTFOUND,
                      "kam_segmentation_by_rank: rank %zu is out of range (1..%zu)", rank, s->n);
  if ((rc = check_live(s, "kam_segmentation_by_rank")) || (rc = ensure_all(s))) return rc;
  {
    kam_account_score sc;
    size_t index = s->order[rank - 1];
    fill_score(&sc, s, index, kam__portfolio_detail(s->p, index), ((kam_segmentation *)s)->idbuf);
    copy_out(out, &sc, sz);
  }
  return KAM_OK;
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

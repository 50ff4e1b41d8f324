/*
 * segment_engine.c - the segmentation engine: exact order statistics of a revenue column
 * (cuts with their ties, the top-k sum, Gini's pairwise differences, HHI's sum of squares, the
 * rank order) in O(n) time, without sorting the accounts. The rules that use them (shares,
 * classes, key accounts, scores) are in segment.c; the interface is segment_engine_internal.h.
 *
 * The revenue axis is cut into NB log-scale buckets: values below 256 get a bucket each, every
 * octave above is split into 128 buckets of equal width, so bucket order is value order and a
 * bucket spans less than 1/128 of its values. kam__revenue_stats_of reads the column once:
 *
 *   window  a sample of the revenues picks a run of buckets, at most WINDOW_MAX values wide,
 *           where the accounts are dense (for a Pareto portfolio: the bottom 95 %);
 *   pass 1  inside the window, one count per value (16-bit, widened after); outside it, count
 *           and sum per bucket, and the value kept in a side array;
 *   plan    from the bucket sums, the buckets where the cumulative revenue crosses the query's
 *           reach targets (walking from the top); every other bucket is wholly in or out;
 *   lists   the kept values scattered into one list per bucket (or, when more values fell
 *           outside than the sample promised, read again from the revenues);
 *   sort    each list in cache: a counting sort when the bucket's width is at most twice its
 *           population, else an LSD radix sort on the bits that vary inside the bucket.
 *
 * The window counts and the sorted lists then give, exactly and in O(n) time: the crossing
 * values and how many of their ties (in insertion order) are inside, the sum of pairwise
 * differences for Gini (an exact integer), the sum of squares for HHI, the top-k sum and the
 * number of accounts at or above a value. It is a radix sort of the revenues by value, which
 * Gini needs; it never sorts the accounts themselves.
 *
 * kam__revenue_bands places every account against two cuts in one streaming pass, and
 * kam__revenue_rank gives the rank order by a counting sort on the same buckets followed by a
 * radix sort inside each bucket: O(n) as well.
 */
#include <string.h>

#include "scoring/segment_engine_internal.h"

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
  unsigned special[4]; /* buckets whose values must end up sorted: where the query's answers end */
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

/* The bucket where the revenue of a rank prefix first reaches `reach`, with the revenue and
 * the accounts of the buckets above it; NB when the empty prefix already does (reach 0) or
 * none does (reach > total). */
static unsigned reach_bucket(const plan *pl, uint64_t total, uint64_t reach, uint64_t *cum_above,
                             size_t *count_above) {
  uint64_t cum = 0;
  size_t count = 0;
  unsigned b;
  if (reach == 0 || reach > total) return NB;
  for (b = NB; b-- > 0;) {
    if (!pl->count[b]) continue;
    if (cum + pl->sum[b] >= reach) break;
    cum += pl->sum[b];
    count += pl->count[b];
  }
  /* b exists: the whole column reaches total >= reach. */
  *cum_above = cum;
  *count_above = count;
  return b;
}

/* One step of the walk down the distinct values for the cut that reaches `reach`: the m
 * accounts of value v follow the `count` accounts of revenue `cum` above them. Sets *c and
 * returns true when they reach it, else adds them and returns false. */
static bool cut_step(kam__revenue_cut *c, uint64_t *cum, size_t *count, uint64_t reach, uint64_t v,
                     size_t m) {
  if (*cum + (uint64_t)m * v >= reach) {
    /* the fewest of its m accounts that reach it (v > 0: cum < reach until here) */
    size_t k = (size_t)((reach - *cum + v - 1) / v);
    c->value = v;
    c->ties = k;
    c->mult = m;
    c->count = *count + k;
    c->revenue = *cum + (uint64_t)k * v;
    return true;
  }
  *cum += (uint64_t)m * v;
  *count += m;
  return false;
}

/* The shortest rank prefix whose revenue is >= reach. The list of the bucket it ends in must
 * be sorted. */
static void find_cut(kam__revenue_cut *c, const plan *pl, uint64_t total, uint64_t reach) {
  uint64_t cum = 0, v;
  size_t count = 0, m;
  unsigned b = reach_bucket(pl, total, reach, &cum, &count);
  bucket_walk w;
  memset(c, 0, sizeof *c);
  c->value = UINT64_MAX;
  if (b == NB) return;
  walk_init(&w, pl, b);
  while (walk_next(&w, &v, &m))
    if (cut_step(c, &cum, &count, reach, v, m)) return;
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

/* How many accounts have revenue >= v (v <= the total: bucket_of(v) is special). */
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
  u128 sumsq; /* exact: sum x^2 <= (sum x)^2 < 2^126 once the total fits int64 */
} concentration;

/* The exact sum of (lo + y)^2 over c accounts whose offsets y sum to sb, their squares to sy2
 * (every term is at most the whole sum, which fits once the total does). */
static inline u128 square_sum(uint64_t lo, size_t c, uint64_t sb, u128 sy2) {
  return (u128)lo * lo * c + 2 * (u128)lo * sb + sy2;
}

/* The concentration terms of a bucket of c accounts from one count per value (cnt[y]: accounts
 * with revenue bucket_lo(b) + y); with list, the values are also written back there in
 * ascending order. Each value y of multiplicity m adds m * (below * y - sum_below) to D, with
 * below / sum_below the count / sum of the offsets under it (sum_below <= the total revenue,
 * below * y < 2^64: below <= c and y < COUNTING_MAX or WINDOW_MAX). */
static void add_counts(concentration *cn, unsigned b, size_t c, const uint32_t *cnt,
                       uint32_t *list) {
  size_t width = (size_t)1 << bucket_width_shift(b), y, pos = 0;
  uint64_t below = 0, sb = 0;
  u128 d = 0, sy2 = 0;
  uint64_t lo = bucket_lo(b);
  for (y = 0; y < width; y++) {
    uint64_t m = cnt[y];
    d += (u128)m * (below * y - sb);
    below += m;
    sb += m * y;
    sy2 += (u128)(m * y) * y;
  }
  cn->d += (i128)d;
  cn->sumsq += square_sum(lo, c, sb, sy2);
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
  u128 d = 0, sy2 = 0;
  if (pl->kind[b] == KIND_LIST64) {
    uint64_t *y = pl->y64 + start;
    sort_u64(y, c, (uint64_t *)pl->scratch, bits);
    for (i = 0; i < c; i++) {
      uint64_t v = y[i] - lo;
      d += (u128)i * v - sb;
      sb += v;
      sy2 += (u128)v * v;
    }
  } else {
    uint32_t *y = pl->y32 + start;
    sort_u32(y, c, (uint32_t *)pl->scratch, bits);
    for (i = 0; i < c; i++) {
      uint64_t v = y[i];
      d += (u128)i * v - sb;
      sb += v;
      sy2 += (u128)v * v;
    }
  }
  cn->d += (i128)d;
  cn->sumsq += square_sum(lo, c, sb, sy2);
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
      uint64_t v = c == 1 ? s : bucket_lo(b);
      cn->sumsq += (u128)v * v * c;
    } else if (counted(pl, b)) {
      count_bucket(pl, cn, b, is_special(pl, b));
    } else {
      sort_bucket(pl, cn, b);
    }
    cn->below_count += c;
    cn->below_sum += s;
  }
}

int kam__revenue_stats_of(kam__revenue_stats *out, kam_ctx *ctx, const int64_t *rev, size_t n,
                          kam__revenue_query_fn query, void *ud) {
  plan pl;
  kam__revenue_query q;
  concentration cn;
  u128 total128;
  uint64_t total, cum;
  size_t count;
  int rc = KAM_ENOMEM;
  PROF_START;
  memset(&pl, 0, sizeof pl);
  pl.ctx = ctx;
  pl.count = (size_t *)kam__alloc_array(ctx, NB, sizeof *pl.count);
  pl.sum = (uint64_t *)kam__alloc_array(ctx, NB, sizeof *pl.sum);
  pl.kind = (uint8_t *)kam__alloc(ctx, NB);
  pl.start = (size_t *)kam__alloc_array(ctx, NB, sizeof *pl.start);
  pl.fill = (size_t *)kam__alloc_array(ctx, NB, sizeof *pl.fill);
  if (!pl.count || !pl.sum || !pl.kind || !pl.start || !pl.fill) goto done;
  memset(pl.count, 0, NB * sizeof *pl.count);
  memset(pl.sum, 0, NB * sizeof *pl.sum);
  if (choose_window(&pl, rev, n) || prepare_parts(&pl, rev, n)) goto done;
  PROF("window");
  total128 = histogram(&pl);
  PROF("histogram");
  if (total128 > (u128)INT64_MAX) {
    rc = KAM_EOVERFLOW;
    goto done;
  }
  total = (uint64_t)total128;
  memset(&q, 0, sizeof q);
  if ((rc = query(ud, total, &q)) != KAM_OK) goto done;
  rc = KAM_ENOMEM;
  /* The buckets the answers end in: their lists must come out sorted. */
  pl.special[0] = reach_bucket(&pl, total, q.reach[0], &cum, &count);
  pl.special[1] = reach_bucket(&pl, total, q.reach[1], &cum, &count);
  pl.special[2] = top_bucket(&pl, q.top);
  pl.special[3] = q.at_least <= total ? bucket_of(q.at_least) : NB; /* else none: all <= total */
  if (plan_buckets(&pl)) goto done;
  scatter(&pl, rev, n);
  free_parts(&pl);
  if (alloc_scratch(&pl)) goto done;
  PROF("scatter");
  finish_buckets(&pl, &cn);
  PROF("buckets");
  memset(out, 0, sizeof *out);
  out->total = total;
  find_cut(&out->cut[0], &pl, total, q.reach[0]);
  find_cut(&out->cut[1], &pl, total, q.reach[1]);
  out->top_sum = top_sum(&pl, q.top);
  out->at_least = q.at_least <= total ? count_at_least(&pl, q.at_least) : 0;
  out->at_least_sum = top_sum(&pl, out->at_least); /* they are the at_least largest */
  out->pair_diff = (double)cn.d;
  out->sum_squares = (double)cn.sumsq;
  PROF("cuts");
  rc = KAM_OK;
done:
  plan_free(&pl);
  if (rc == KAM_ENOMEM) kam__nomem(ctx);
  return rc;
}

/* ---- from a value distribution ---- */

int kam__revenue_stats_of_runs(kam__revenue_stats *out, const kam__value_run *run, size_t nrun,
                               kam__revenue_query_fn query, void *ud) {
  kam__revenue_query q;
  u128 total = 0, sumsq = 0, below = 0, below_sum = 0;
  i128 d = 0;
  size_t i;
  int rc, k;
  for (i = 0; i < nrun; i++) {
    total += (u128)run[i].value * run[i].mult;
    if (total > (u128)INT64_MAX) return KAM_EOVERFLOW;
  }
  memset(&q, 0, sizeof q);
  if ((rc = query(ud, (uint64_t)total, &q)) != KAM_OK) return rc;
  memset(out, 0, sizeof *out);
  out->total = (uint64_t)total;
  /* Ascending: each account adds its distance to every smaller one (finish_buckets' D). */
  for (i = 0; i < nrun; i++) {
    uint64_t v = run[i].value, m = run[i].mult;
    d += (i128)((u128)m * (below * v - below_sum));
    sumsq += (u128)v * v * m;
    below += m;
    below_sum += (u128)v * m;
  }
  out->pair_diff = (double)d;
  out->sum_squares = (double)sumsq;
  /* Descending: the cuts, the top sum and the count at or above a value. */
  for (k = 0; k < 2; k++) {
    kam__revenue_cut *c = &out->cut[k];
    uint64_t reach = q.reach[k], cum = 0;
    size_t count = 0;
    c->value = UINT64_MAX;
    if (reach == 0 || reach > out->total) continue;
    for (i = nrun; i-- > 0;)
      if (cut_step(c, &cum, &count, reach, run[i].value, (size_t)run[i].mult)) break;
  }
  {
    size_t left = q.top;
    for (i = nrun; i-- > 0 && left > 0;) {
      size_t take = run[i].mult < left ? (size_t)run[i].mult : left;
      out->top_sum += (uint64_t)take * run[i].value;
      left -= take;
    }
  }
  if (q.at_least <= out->total) /* else none: every revenue is <= the total */
    for (i = nrun; i-- > 0 && run[i].value >= q.at_least;) {
      out->at_least += (size_t)run[i].mult;
      out->at_least_sum += run[i].value * run[i].mult;
    }
  return KAM_OK;
}

/* ---- bands ---- */

/* The cut takes only some of the accounts with its value, and those are settled from the front
 * (the first `ties`, in insertion order, move into the cut) rather than from the back (the
 * last mult - ties move out of it): whichever moves fewer. */
static bool cut_partial(const kam__revenue_cut *c) {
  return c->value != UINT64_MAX && c->ties < c->mult;
}
static bool settle_from_front(const kam__revenue_cut *c) { return c->ties <= c->mult - c->ties; }

/* The largest revenue outside the cut for the branch-free pass: a cut holds the revenues >= its
 * value, except that a partial cut settled from the front holds them > value (its value's
 * accounts are moved in afterwards); no cut holds nothing (every revenue is <= INT64_MAX). */
static uint64_t cut_limit(const kam__revenue_cut *c) {
  uint64_t v = c->value;
  if (v == UINT64_MAX) return (uint64_t)INT64_MAX;
  return cut_partial(c) && settle_from_front(c) ? v : v - 1; /* a cut value is > 0 */
}

/* Moves the accounts of a partial cut's value across it: with band = 2 - (in cut 0) - (in cut
 * 1), moving in is -1 and moving out +1. Scans only until the last one is found. */
static void settle_cut(const kam__revenue_cut *c, uint8_t *out, const int64_t *rev, size_t n) {
  uint64_t v = c->value;
  size_t i, left;
  /* An inner search loop per account moved: the scan tests only the value and the end. */
  if (settle_from_front(c)) {
    for (i = 0, left = c->ties; left > 0; left--) {
      while (i < n && (uint64_t)rev[i] != v)
        i++;
      if (i == n) break;
      out[i++]--;
    }
  } else {
    for (i = n, left = c->mult - c->ties; left > 0; left--) {
      while (i > 0 && (uint64_t)rev[i - 1] != v)
        i--;
      if (i == 0) break;
      out[--i]++;
    }
  }
}

typedef struct band_part {
  const int64_t *rev;
  uint8_t *out;
  size_t n;
  uint64_t limit0, limit1;
  unsigned base;
} band_part;

static int band_task(void *arg) {
  const band_part *c = (const band_part *)arg;
  const int64_t *rev = c->rev; /* locals: out may alias *c */
  uint8_t *out = c->out;
  uint64_t limit0 = c->limit0, limit1 = c->limit1;
  size_t i, n = c->n;
  unsigned top = c->base + 2u;
  for (i = 0; i < n; i++) {
    uint64_t v = (uint64_t)rev[i];
    out[i] = (uint8_t)(top - (unsigned)((limit0 - v) >> 63) - (unsigned)((limit1 - v) >> 63));
  }
  return 0;
}

/* One branch-free pass gives band = 2 - (v > limit 0) - (v > limit 1) (the limits are ordered
 * and at most INT64_MAX, so the sign of limit - v tells); a cut that takes only some of the
 * accounts sharing its value then settles those. */
void kam__revenue_bands(uint8_t *out, unsigned base, const kam_ctx *ctx, const int64_t *rev,
                        size_t n, const kam__revenue_cut cut[2]) {
  band_part part[KAM__MAX_THREADS];
  unsigned k, parts = kam__parts(ctx, n);
  if (n == 0) return; /* no column, and out may be NULL */
  for (k = 0; k < parts; k++) {
    size_t lo, hi;
    kam__part_range(n, parts, k, &lo, &hi);
    part[k].rev = rev + lo;
    part[k].out = out + lo;
    part[k].n = hi - lo;
    part[k].limit0 = cut_limit(&cut[0]);
    part[k].limit1 = cut_limit(&cut[1]);
    part[k].base = base;
  }
  kam__parallel(band_task, part, sizeof part[0], parts);
  for (k = 0; k < 2; k++)
    if (cut_partial(&cut[k])) settle_cut(&cut[k], out, rev, n);
}

/* ---- rank order ---- */

int kam__revenue_rank(size_t *order, int64_t *cum, kam_ctx *ctx, const int64_t *rev, size_t n) {
  size_t i, *start, largest = 0, *ti = NULL;
  uint64_t *keys, *tk = NULL;
  unsigned b;
  if (n == 0) return KAM_OK;
  start = (size_t *)kam__alloc_array(ctx, NB, sizeof *start);
  if (!start) goto nomem;
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
    tk = (uint64_t *)kam__alloc_array(ctx, largest, sizeof *tk);
    ti = (size_t *)kam__alloc_array(ctx, largest, sizeof *ti);
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
    uint64_t run = 0; /* unsigned: a caller that ignores cum may pass a total above INT64_MAX */
    for (b = NB; b-- > 0;) {
      size_t end = start[b], c = end - begin;
      unsigned shift = bucket_width_shift(b);
      uint64_t top = bucket_lo(b) + (((uint64_t)1 << shift) - 1u);
      if (c >= 2 && shift > 0) sort_keyed(keys + begin, order + begin, c, tk, ti, shift);
      for (j = begin; j < end; j++) {
        run += top - keys[j];
        cum[j] = (int64_t)run;
      }
      begin = end;
    }
  }
  kam__free(ctx, tk, largest * sizeof *tk);
  kam__free(ctx, ti, largest * sizeof *ti);
  kam__free(ctx, start, NB * sizeof *start);
  return KAM_OK;
nomem:
  kam__free(ctx, tk, largest * sizeof *tk);
  kam__free(ctx, ti, largest * sizeof *ti);
  kam__free(ctx, start, NB * sizeof *start);
  return kam__nomem(ctx);
}

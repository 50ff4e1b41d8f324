/*
 * segment_engine_internal.h - the segmentation engine (segment_engine.c): exact order
 * statistics of a revenue column in O(n) time, without sorting the accounts. segment.c states
 * the rules of DESIGN section 5 (shares, classes, key accounts, scores) in terms of these; the
 * engine knows nothing of shares, classes or keys, only of revenues in rank order.
 *
 * Rank order is revenue descending, ties by insertion order. Revenues are 0..INT64_MAX.
 * Errors: KAM_ENOMEM sets the standard ctx message; KAM_EOVERFLOW sets none (the caller names
 * its input). Work is split over the ctx's threads where that pays (kam__parts).
 */
#ifndef KAM_SEGMENT_ENGINE_INTERNAL_H
#define KAM_SEGMENT_ENGINE_INTERNAL_H

#include "core/internal.h"

/* A boundary in rank order: inside are the accounts with revenue > value and the first `ties`
 * accounts (in insertion order) with revenue == value. value UINT64_MAX: nothing is inside. */
typedef struct kam__revenue_cut {
  uint64_t value;
  size_t ties;      /* 1..mult when value is set */
  size_t mult;      /* accounts with revenue == value */
  size_t count;     /* accounts inside */
  uint64_t revenue; /* their total revenue */
} kam__revenue_cut;

/* What kam__revenue_stats_of is asked, once the exact total is known. */
typedef struct kam__revenue_query {
  uint64_t reach[2]; /* cut k: the shortest rank prefix whose revenue is >= reach[k] (nothing
                        inside when reach[k] is 0 or above the total) */
  size_t top;        /* top_sum: the revenue of the `top` largest accounts (all when >= n) */
  uint64_t at_least; /* at_least: how many accounts have revenue >= this (0 when above the
                        total, e.g. UINT64_MAX) */
} kam__revenue_query;

typedef struct kam__revenue_stats {
  uint64_t total; /* exact, <= INT64_MAX */
  kam__revenue_cut cut[2];
  uint64_t top_sum;
  size_t at_least;
  uint64_t at_least_sum; /* the revenue of those at_least accounts */
  double pair_diff;      /* sum over all pairs {i, j} of |x_i - x_j|: an exact integer, rounded
                            once (Gini = pair_diff / (n * total)) */
  double sum_squares;    /* sum of x_i^2 (HHI = sum_squares / total^2): an exact integer, rounded
                            once */
} kam__revenue_stats;

/* Called once by kam__revenue_stats_of with the exact total of the column, to fill in the
 * query (zeroed before); a nonzero return stops the call, which returns it unchanged. */
typedef int (*kam__revenue_query_fn)(void *ud, uint64_t total, kam__revenue_query *q);

/* Reads rev[0..n) once, asks `query` what to find, and answers it exactly into *out.
 * @return KAM_OK; KAM_EOVERFLOW (the total exceeds INT64_MAX; query is not called);
 * KAM_ENOMEM; query's nonzero value. *out is set only on KAM_OK. */
int kam__revenue_stats_of(kam__revenue_stats *out, kam_ctx *ctx, const int64_t *rev, size_t n,
                          kam__revenue_query_fn query, void *ud);

/* One distinct revenue and how many accounts have it. */
typedef struct kam__value_run {
  uint64_t value;
  uint64_t mult;
} kam__value_run;

/* kam__revenue_stats_of for a revenue column given as its distribution: run[0..nrun) distinct
 * values in ascending order, each mult >= 1. The same answers, to the bit, as for any column
 * with that distribution (they depend on the multiset only). O(nrun), no allocation.
 * @return KAM_OK; KAM_EOVERFLOW (the total exceeds INT64_MAX); query's nonzero value. */
int kam__revenue_stats_of_runs(kam__revenue_stats *out, const kam__value_run *run, size_t nrun,
                               kam__revenue_query_fn query, void *ud);

/* The rank order of rev[0..n): order[r] is the account at 0-based rank r and cum[r] the exact
 * revenue of ranks 0..r (when the total exceeds INT64_MAX cum wraps and only order means
 * anything). order and cum have
 * room for n each. A counting sort by bucket, then a radix sort inside each bucket: O(n).
 * @return KAM_OK; KAM_ENOMEM (order and cum are then undefined). */
int kam__revenue_rank(size_t *order, int64_t *cum, kam_ctx *ctx, const int64_t *rev, size_t n);

/* out[i] = base + the number of the two nested cuts (cut[0] inside cut[1]) that account i is
 * outside of, for every i < n: base + 0 inside cut[0], base + 1 inside cut[1] only, base + 2
 * outside both. One branch-free pass over the revenues (split over the ctx's threads), then a
 * scan for the accounts sharing a cut's value when the cut takes only some of them. Never
 * fails; with n == 0 out may be NULL. */
void kam__revenue_bands(uint8_t *out, unsigned base, const kam_ctx *ctx, const int64_t *rev,
                        size_t n, const kam__revenue_cut cut[2]);

#endif /* KAM_SEGMENT_ENGINE_INTERNAL_H */

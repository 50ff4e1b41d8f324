/* segment_fuzz.c - kam_segment on arbitrary revenue columns, checked against a plain sort.
 *
 * Input: a 4-byte header, then the revenues, 1 to 8 bytes each (little endian):
 *   byte 0  options: a_share, b_share and key_share from small tables (shares exactly at the
 *           cuts included);
 *   byte 1  bytes per revenue (1..8) in the low 3 bits, a left shift (0..31) above them, so the
 *           fuzzer reaches dense runs of ties, sparse wide values and values near 2^63;
 *   byte 2  how many times the column is repeated (1..64, capped at 150,000 accounts), so the
 *           window, the 16-bit count wraps and the kept-values overflow are reachable;
 *   byte 3  threads (1..4) for kam_ctx_set_threads.
 * Invariants (abort on violation): the status is KAM_EOVERFLOW exactly when the total exceeds
 * INT64_MAX; otherwise the class counts and revenues, every account's class, the key count,
 * the top-20 % share and Gini equal the reference's exactly (Gini is one rounding of the same
 * integer), HHI to 1e-12 of a long double reference, rank 1 is the reference's first account;
 * nothing leaks. The same column as margins (kam_portfolio_add_columns_margin) segmented on
 * basis margin gives the same classes and key count; as unit group without groups, the same
 * summary. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define MAX_ACCOUNTS 150000u

/* Aborts, naming the line, when an invariant does not hold. */
#define check(ok) check_at((ok), __LINE__)
static void check_at(int ok, int line) {
  if (!ok) {
    fprintf(stderr, "segment_fuzz.c:%d: invariant violated\n", line);
    abort();
  }
}

static const int64_t *sort_rev;
static int by_rank(const void *x, const void *y) {
  size_t i = *(const size_t *)x, j = *(const size_t *)y;
  if (sort_rev[i] != sort_rev[j]) return sort_rev[i] > sort_rev[j] ? -1 : 1;
  return i < j ? -1 : 1;
}

/* The shortest rank prefix whose cumulative share reaches share (DESIGN section 5). */
static size_t prefix(const int64_t *rev, const size_t *order, size_t n, uint64_t total,
                     double share) {
  uint64_t cum = 0;
  size_t k = 0;
  if (total == 0) return 0;
  while (!((double)cum / (double)total >= share) && k < n)
    cum += (uint64_t)rev[order[k++]];
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const double as[] = {0.8, 0.5, 0.0, 1.0, 0.33, 0.75, 0.6, 0.95};
  static const double bs[] = {0.95, 1.0, 0.8, 0.9};
  static const double ks[] = {0.1, 0.05, 0.25, 1.0};
  kam_test_alloc c = {0};
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_segment_options o;
  kam_summary sm;
  size_t width, shift, reps, m, n, i, *order, na, nab;
  unsigned threads;
  int64_t *rev;
  char *abc;
  u128 total = 0;
  int rc;
  if (size < 4) return 0;
  width = (size_t)(data[1] & 7u) + 1;
  shift = (size_t)(data[1] >> 3);
  reps = (size_t)(data[2] & 63u) + 1;
  threads = (unsigned)(data[3] & 3u) + 1;
  m = (size - 4) / width;
  if (m == 0) return 0;
  n = m * reps > MAX_ACCOUNTS ? MAX_ACCOUNTS : m * reps;
  rev = (int64_t *)malloc(n * sizeof *rev);
  order = (size_t *)malloc(n * sizeof *order);
  abc = (char *)malloc(n);
  if (!rev || !order || !abc) abort();
  for (i = 0; i < n; i++) {
    const uint8_t *b = data + 4 + (i % m) * width;
    uint64_t v = 0;
    size_t k;
    for (k = 0; k < width; k++)
      v |= (uint64_t)b[k] << (8 * k);
    v = (v << shift) & (uint64_t)INT64_MAX;
    rev[i] = (int64_t)v;
    total += v;
    order[i] = i;
  }
  kam_segment_options_init(&o, sizeof o);
  o.a_share = as[data[0] & 7u];
  o.b_share = bs[(data[0] >> 3) & 3u];
  if (o.b_share < o.a_share) o.b_share = o.a_share;
  o.key_share = ks[(data[0] >> 5) & 3u];

  check(kam_ctx_new(&ctx, kam_test_alloc_fn, &c) == KAM_OK);
  check(kam_ctx_set_threads(ctx, threads) == KAM_OK);
  check(kam_portfolio_new(&p, ctx) == KAM_OK);
  check(kam_portfolio_add_columns(p, n, NULL, rev) == KAM_OK);
  rc = kam_segment(&s, p, &o);
  if (total > (u128)INT64_MAX) {
    check(rc == KAM_EOVERFLOW && s == NULL && kam_ctx_errmsg(ctx)[0] != '\0');
  } else {
    uint64_t t = (uint64_t)total, cum = 0, topsum = 0;
    size_t keys = 0, cls[3] = {0, 0, 0};
    int64_t money[3] = {0, 0, 0};
    i128 d = 0;
    long double sq = 0.0L; /* sum of v^2, 64-bit mantissa: the reference's own error is ~1e-14 */
    kam_account_score sc;
    check(rc == KAM_OK);
    sort_rev = rev;
    qsort(order, n, sizeof *order, by_rank);
    na = prefix(rev, order, n, t, o.a_share);
    nab = prefix(rev, order, n, t, o.b_share);
    memset(&sm, 0, sizeof sm);
    sm.struct_size = sizeof sm;
    check(kam_segmentation_summary(&sm, s) == KAM_OK);
    check(kam_segmentation_classes(abc, n, s) == KAM_OK);
    for (i = 0; i < n; i++) { /* rank i: A below na, B below nab, else C; zero is C */
      size_t k = order[i];
      int want = rev[k] == 0 ? 2 : i < na ? 0 : i < nab ? 1 : 2;
      check(abc[k] == 'A' + want);
      cls[want]++;
      money[want] += rev[k];
      if (t > 0 && (double)rev[k] / (double)t >= o.key_share) keys++;
      /* ascending position n - i: x_(j) with j = n - i adds (2j - n - 1) x_(j) to D */
      d += (i128)(2 * (int64_t)(n - i) - (int64_t)n - 1) * rev[k];
      sq += (long double)rev[k] * (long double)rev[k];
      if (i < n / 5 + (n % 5 != 0)) topsum += (uint64_t)rev[k];
      cum += (uint64_t)rev[k];
    }
    check(cum == t && sm.total_revenue == (int64_t)t && sm.accounts == n);
    for (i = 0; i < 3; i++)
      check(sm.count[i] == cls[i] && sm.revenue[i] == money[i]);
    check(sm.key_accounts == keys);
    if (t > 0) {
      check(sm.gini == (double)d / ((double)n * (double)t));
      check(sm.top20_share == (double)topsum / (double)t);
      long double want = sq / ((long double)t * (long double)t);
      if (!(fabsl((long double)sm.hhi - want) <= 1e-12L * want))
        fprintf(stderr, "hhi %.17g want %.17Lg rel %Lg\n", sm.hhi, want,
                fabsl((long double)sm.hhi - want) / want);
      check(fabsl((long double)sm.hhi - want) <= 1e-12L * want);
    }
    memset(&sc, 0, sizeof sc);
    sc.struct_size = sizeof sc;
    check(kam_segmentation_get_by_rank(&sc, s, 1) == KAM_OK && sc.index == order[0]);
    check(kam_segmentation_get(&sc, s, n - 1) == KAM_OK && sc.abc == abc[n - 1]);
    kam_segmentation_free(s);
    {
      kam_portfolio *q;
      kam_segmentation *sq;
      kam_summary mq;
      char *abc2 = (char *)malloc(n);
      if (!abc2) abort();
      check(kam_portfolio_new(&q, ctx) == KAM_OK);
      check(kam_portfolio_add_columns_margin(q, n, NULL, rev, rev) == KAM_OK);
      o.basis = KAM_BASIS_MARGIN;
      check(kam_segment(&sq, q, &o) == KAM_OK);
      memset(&mq, 0, sizeof mq);
      mq.struct_size = sizeof mq;
      check(kam_segmentation_summary(&mq, sq) == KAM_OK);
      check(kam_segmentation_classes(abc2, n, sq) == KAM_OK && memcmp(abc, abc2, n) == 0);
      check(mq.key_accounts == keys && mq.basis_total == (int64_t)t &&
            mq.total_margin == (int64_t)t);
      check(mq.unprofitable == 0 && mq.margin_accounts == n);
      kam_segmentation_free(sq);
      o.basis = KAM_BASIS_REVENUE;
      o.unit = KAM_UNIT_GROUP;
      check(kam_segment(&sq, q, &o) == KAM_OK);
      check(kam_segmentation_summary(&mq, sq) == KAM_OK);
      check(kam_segmentation_classes(abc2, n, sq) == KAM_OK && memcmp(abc, abc2, n) == 0);
      check(mq.customers == n && mq.gini == sm.gini && mq.top20_share == sm.top20_share);
      check(mq.hhi == sm.hhi && mq.key_accounts == keys);
      kam_segmentation_free(sq);
      kam_portfolio_free(q);
      free(abc2);
    }
  }
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  check(c.blocks == 0);
  free(rev);
  free(order);
  free(abc);
  return 0;
}

/* test_segment_partial.c - kam/partial.h: the partials of a portfolio split into partitions,
 * written to bytes, read back and merged in any order, give kam_segment's summary (every field,
 * to the bit) and every account's class; hostile bytes are refused; OOM loops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam.h"
#include "testutil.h"

static uint64_t rng_state;
static uint64_t rnd(void) {
  uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

/* A revenue column of one of several shapes: small values with many ties, wide log-spread
 * values (large buckets, 64-bit lists), zeros mixed in. */
static void random_column(int64_t *rev, size_t n, int shape) {
  size_t i;
  for (i = 0; i < n; i++) {
    switch (shape) {
    case 0: rev[i] = (int64_t)rnd_below(50); break;
    case 1: rev[i] = (int64_t)(rnd() >> (13 + rnd_below(50))); break; /* < 2^51 */
    case 2: rev[i] = rnd_below(4) == 0 ? 0 : (int64_t)rnd_below(100000); break;
    default: rev[i] = (int64_t)(1000 + rnd_below(3) * 500); break; /* heavy ties */
    }
  }
}

static int sink_to_source(kam_partial **out, kam_ctx *ctx, const kam_partial *p, size_t chunk) {
  kam_test_sink sink;
  kam_test_source src;
  int rc;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_partial_write(p, kam_test_sink_write, &sink), KAM_OK);
  src = kam_test_source_of(sink.data, sink.len, chunk);
  rc = kam_partial_read(out, ctx, kam_test_source_read, &src, 0);
  kam_test_sink_free(&sink);
  return rc;
}

/* Segments rev[0..n) split at cut[0..parts-1) (partition k is [cut[k-1], cut[k])) through
 * partials (written, read back, merged as a tree from the back: merge order differs from
 * partition order) and checks everything against kam_segment on the whole column. */
static void check_split(const int64_t *rev, size_t n, const size_t *bounds, size_t parts,
                        const kam_segment_options *o) {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
  kam_summary want, got;
  kam_segment_cuts cuts;
  kam_partial **part = (kam_partial **)calloc(parts ? parts : 1, sizeof *part);
  char *abc_want = (char *)malloc(n + 1), *abc_got = (char *)malloc(n + 1);
  uint64_t before[2] = {0, 0};
  size_t k, step;
  assert_non_null(part);
  assert_non_null(abc_want);
  assert_non_null(abc_got);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_add_columns(p, n, NULL, rev), KAM_OK);
  assert_int_equal(kam_segment(&s, p, o), KAM_OK);
  memset(&want, 0, sizeof want);
  want.struct_size = sizeof want;
  assert_int_equal(kam_segmentation_summary(&want, s), KAM_OK);
  assert_int_equal(kam_segmentation_classes(abc_want, n, s), KAM_OK);
  for (k = 0; k < parts; k++) {
    size_t lo = k ? bounds[k - 1] : 0, hi = bounds[k];
    kam_partial *local;
    assert_int_equal(kam_partial_new(&local, ctx, rev + lo, hi - lo), KAM_OK);
    assert_int_equal(kam_partial_accounts(local), hi - lo);
    assert_int_equal(sink_to_source(&part[k], ctx, local, 1 + k % 23), KAM_OK);
    kam_partial_free(local);
  }
  if (parts == 0) assert_int_equal(kam_partial_new(&part[0], ctx, NULL, 0), KAM_OK);
  for (step = 1; step < parts; step *= 2) /* pairwise tree, right into left reversed */
    for (k = 0; k + step < parts; k += 2 * step) {
      assert_int_equal(kam_partial_merge(part[k + step], part[k]), KAM_OK);
      kam_partial_free(part[k]);
      part[k] = part[k + step];
      part[k + step] = NULL;
    }
  memset(&got, 0xee, sizeof got);
  got.struct_size = sizeof got;
  cuts.struct_size = sizeof cuts;
  assert_int_equal(kam_partial_accounts(part[0]), n);
  assert_int_equal(kam_partial_segment(&got, &cuts, part[0], o), KAM_OK);
  assert_memory_equal(&got, &want, sizeof got); /* every field, every bit */
  for (k = 0; k < parts; k++) {
    size_t lo = k ? bounds[k - 1] : 0, hi = bounds[k];
    uint64_t tied[2];
    assert_int_equal(kam_partial_classes(abc_got + lo, ctx, rev + lo, hi - lo, &cuts, before),
                     KAM_OK);
    assert_int_equal(kam_partial_ties(tied, rev + lo, hi - lo, &cuts), KAM_OK);
    before[0] += tied[0];
    before[1] += tied[1];
  }
  assert_memory_equal(abc_got, abc_want, n);
  kam_partial_free(part[0]);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  free(part);
  free(abc_want);
  free(abc_got);
}

/* Random bounds, sorted, some partitions empty. */
static void random_bounds(size_t *bounds, size_t parts, size_t n) {
  size_t k, i;
  for (k = 0; k < parts; k++)
    bounds[k] = rnd_below(4) == 0 && k ? bounds[k - 1] : (size_t)rnd_below(n + 1);
  for (k = 1; k < parts; k++) /* insertion sort */
    for (i = k; i > 0 && bounds[i - 1] > bounds[i]; i--) {
      size_t t = bounds[i];
      bounds[i] = bounds[i - 1];
      bounds[i - 1] = t;
    }
  if (parts) bounds[parts - 1] = n;
}

static void test_random_splits(void **state) {
  static const size_t counts[] = {1, 2, 7, 64};
  size_t bounds[64];
  int64_t *rev = (int64_t *)malloc(3000 * sizeof *rev);
  int round;
  (void)state;
  assert_non_null(rev);
  rng_state = 17;
  for (round = 0; round < 48; round++) {
    size_t n = (size_t)rnd_below(round % 8 == 0 ? 3 : 3000), parts = counts[round % 4];
    kam_segment_options o;
    kam_segment_options_init(&o, sizeof o);
    o.a_share = 0.5 + (double)rnd_below(40) / 100.0;
    o.b_share = o.a_share + (double)rnd_below((uint64_t)((1.0 - o.a_share) * 100)) / 100.0;
    o.key_share = 0.001 + (double)rnd_below(10) / 100.0;
    random_column(rev, n, round % 4);
    random_bounds(bounds, parts, n);
    check_split(rev, n, bounds, parts, round % 3 ? &o : NULL);
  }
  free(rev);
}

/* Every account tied, and ties exactly at a cut spread over several partitions. */
static void test_ties_across_partitions(void **state) {
  int64_t rev[40];
  size_t bounds[7] = {3, 3, 9, 17, 20, 33, 40}, i;
  kam_segment_options o;
  (void)state;
  for (i = 0; i < 40; i++)
    rev[i] = 250;
  check_split(rev, 40, bounds, 7, NULL); /* A: the first 32 of 40 tied, spanning 5 partitions */
  for (i = 0; i < 40; i++)
    rev[i] = i < 4 ? 1000 : i % 3 ? 100 : 7;
  kam_segment_options_init(&o, sizeof o);
  o.a_share = 0.6;
  o.b_share = 0.9;
  check_split(rev, 40, bounds, 7, &o);
  for (i = 0; i < 40; i++)
    rev[i] = 0; /* total 0: all C */
  check_split(rev, 40, bounds, 7, NULL);
  check_split(rev, 0, bounds, 0, NULL); /* no partitions at all */
}

/* Merge is commutative and associative: the bytes of (a+b)+c and a+(c+b) are equal. */
static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The partial of a large column (the engine's window, counted and radix-sorted buckets, 32- and
 * 64-bit lists) is its exact distribution: the runs written equal those of a sorted copy. */
static void test_distribution_of_large_columns(void **state) {
  size_t n = 300000, i, shape;
  int64_t *rev = (int64_t *)malloc(n * sizeof *rev), *sorted = (int64_t *)malloc(n * sizeof *rev);
  kam_ctx *ctx;
  (void)state;
  assert_non_null(rev);
  assert_non_null(sorted);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  rng_state = 99;
  for (shape = 0; shape < 6; shape++) {
    kam_partial *p;
    kam_test_sink sink;
    size_t d = 0, j;
    for (i = 0; i < n; i++) {
      uint64_t u = rnd();
      switch (shape) {
      case 0: /* Pareto-like: dense low values, a sparse tail up to 2^44 */
        rev[i] = (int64_t)(10000 + (u >> (20 + rnd_below(44))));
        break;
      case 1: rev[i] = (int64_t)(u >> (20 + rnd_below(44))); break;
      case 2: rev[i] = (int64_t)(u >> 4); break; /* spread up to 2^60: 64-bit lists */
      case 3: rev[i] = (int64_t)rnd_below(300); break;
      case 4: rev[i] = (int64_t)((u >> 40) << 20); break; /* multiples of 2^20, wide buckets */
      default: rev[i] = i % 1000 == 0 ? (int64_t)(u >> 12) : (int64_t)rnd_below(70000); break;
      }
    }
    if (shape == 2) /* the total must fit int64: a few huge values, the rest small */
      for (i = 0; i < n; i++)
        if (i % 50000) rev[i] = (int64_t)((uint64_t)rev[i] >> 30);
    memcpy(sorted, rev, n * sizeof *rev);
    qsort(sorted, n, sizeof *sorted, cmp_i64);
    assert_int_equal(kam_partial_new(&p, ctx, rev, n), KAM_OK);
    memset(&sink, 0, sizeof sink);
    assert_int_equal(kam_partial_write(p, kam_test_sink_write, &sink), KAM_OK);
    for (i = 0; i < n; i = j, d++) {
      const unsigned char *r = (const unsigned char *)sink.data + 32 + 16 * d;
      uint64_t v = 0, m = 0;
      int k;
      for (j = i; j < n && sorted[j] == sorted[i]; j++)
        ;
      assert_true(sink.len >= 32 + 16 * (d + 1) + 8);
      for (k = 7; k >= 0; k--) {
        v = v << 8 | r[k];
        m = m << 8 | r[8 + k];
      }
      assert_int_equal(v, (uint64_t)sorted[i]);
      assert_int_equal(m, (uint64_t)(j - i));
    }
    assert_int_equal(sink.len, 32 + 16 * d + 8);
    kam_test_sink_free(&sink);
    kam_partial_free(p);
  }
  kam_ctx_free(ctx);
  free(rev);
  free(sorted);
}

static void test_merge_laws(void **state) {
  int64_t rev[300];
  kam_ctx *ctx;
  kam_partial *a, *b, *c, *x, *y;
  kam_test_sink sx, sy;
  (void)state;
  rng_state = 5;
  random_column(rev, 300, 2);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_partial_new(&a, ctx, rev, 100), KAM_OK);
  assert_int_equal(kam_partial_new(&b, ctx, rev + 100, 100), KAM_OK);
  assert_int_equal(kam_partial_new(&c, ctx, rev + 200, 100), KAM_OK);
  assert_int_equal(kam_partial_new(&x, ctx, rev, 100), KAM_OK); /* x = (a + b) + c */
  assert_int_equal(kam_partial_merge(x, b), KAM_OK);
  assert_int_equal(kam_partial_merge(x, c), KAM_OK);
  assert_int_equal(kam_partial_merge(c, b), KAM_OK); /* y = a + (c + b) */
  assert_int_equal(kam_partial_new(&y, ctx, rev, 100), KAM_OK);
  assert_int_equal(kam_partial_merge(y, c), KAM_OK);
  assert_int_equal(kam_partial_merge(x, x), KAM_EINVAL);
  memset(&sx, 0, sizeof sx);
  memset(&sy, 0, sizeof sy);
  assert_int_equal(kam_partial_write(x, kam_test_sink_write, &sx), KAM_OK);
  assert_int_equal(kam_partial_write(y, kam_test_sink_write, &sy), KAM_OK);
  assert_int_equal(sx.len, sy.len);
  assert_memory_equal(sx.data, sy.data, sx.len);
  kam_test_sink_free(&sx);
  kam_test_sink_free(&sy);
  kam_partial_free(a);
  kam_partial_free(b);
  kam_partial_free(c);
  kam_partial_free(x);
  kam_partial_free(y);
  kam_ctx_free(ctx);
}

static void put64(unsigned char *b, uint64_t v) {
  int i;
  for (i = 0; i < 8; i++)
    b[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t fnv(const unsigned char *b, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  size_t i;
  for (i = 0; i < len; i++)
    h = (h ^ b[i]) * UINT64_C(0x100000001b3);
  return h;
}

static int read_bytes(kam_ctx *ctx, const unsigned char *b, size_t len, size_t max_runs) {
  kam_partial *p = (kam_partial *)1;
  kam_test_source src = kam_test_source_of((const char *)b, len, 5);
  int rc = kam_partial_read(&p, ctx, kam_test_source_read, &src, max_runs);
  if (rc == KAM_OK)
    kam_partial_free(p);
  else
    assert_null(p);
  return rc;
}

/* The documented layout, byte by byte; then every corruption is refused. */
static void test_bytes(void **state) {
  int64_t rev[5] = {7, 3, 7, 0, 9};
  unsigned char want[40 + 4 * 16], forged[40 + 16];
  kam_test_alloc ta;
  kam_ctx *ctx;
  kam_partial *p;
  kam_test_sink sink;
  size_t i;
  int bit;
  (void)state;
  memset(&ta, 0, sizeof ta);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam_partial_new(&p, ctx, rev, 5), KAM_OK);
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_partial_write(p, kam_test_sink_write, &sink), KAM_OK);
  memcpy(want, "KAMP\1\0\0\0", 8);
  put64(want + 8, sizeof want);
  put64(want + 16, 5);
  put64(want + 24, 4);
  put64(want + 32, 0), put64(want + 40, 1);
  put64(want + 48, 3), put64(want + 56, 1);
  put64(want + 64, 7), put64(want + 72, 2);
  put64(want + 80, 9), put64(want + 88, 1);
  put64(want + 96, fnv(want, 96));
  assert_int_equal(sink.len, sizeof want);
  assert_memory_equal(sink.data, want, sizeof want);
  assert_int_equal(read_bytes(ctx, want, sizeof want, 0), KAM_OK);
  assert_int_equal(read_bytes(ctx, want, sizeof want, 3), KAM_ELIMIT);
  /* every single-bit flip is caught (the checksum, or a field check first) */
  for (i = 0; i < sizeof want; i++)
    for (bit = 0; bit < 8; bit++) {
      unsigned char bad[sizeof want];
      int rc;
      memcpy(bad, want, sizeof want);
      bad[i] = (unsigned char)(bad[i] ^ (1u << bit));
      rc = read_bytes(ctx, bad, sizeof want, 0);
      assert_true(rc == KAM_EPARSE || rc == KAM_ELIMIT);
    }
  for (i = 0; i < sizeof want; i++) /* every truncation */
    assert_int_equal(read_bytes(ctx, want, i, 0), KAM_EPARSE);
  {
    unsigned char longer[sizeof want + 1];
    memcpy(longer, want, sizeof want);
    longer[sizeof want] = 0;
    assert_int_equal(read_bytes(ctx, longer, sizeof longer, 0), KAM_EPARSE);
  }
  /* A header declaring 2^59 runs with one behind it: refused, and memory stays small. */
  memcpy(forged, "KAMP\1\0\0\0", 8);
  put64(forged + 24, (uint64_t)1 << 59);
  put64(forged + 8, 40 + ((uint64_t)1 << 63));
  put64(forged + 16, 1);
  put64(forged + 32, 5), put64(forged + 40, 1);
  ta.peak = ta.bytes;
  assert_int_equal(read_bytes(ctx, forged, 48, 0), KAM_EPARSE);
  assert_true(ta.peak - ta.bytes < 16384);
  /* well-formed but wrong: counts not summing, values out of order, above INT64_MAX, total */
  {
    unsigned char m[40 + 32];
    memcpy(m, "KAMP\1\0\0\0", 8);
    put64(m + 8, sizeof m);
    put64(m + 16, 2);
    put64(m + 24, 2);
    put64(m + 32, 9), put64(m + 40, 1);
    put64(m + 48, 4), put64(m + 56, 1);
    put64(m + 64, fnv(m, 64));
    assert_int_equal(read_bytes(ctx, m, sizeof m, 0), KAM_EPARSE);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "ascending"));
    put64(m + 32, 4), put64(m + 48, (uint64_t)INT64_MAX);
    put64(m + 64, fnv(m, 64));
    assert_int_equal(read_bytes(ctx, m, sizeof m, 0), KAM_EPARSE);
    assert_non_null(strstr(kam_ctx_errmsg(ctx), "INT64_MAX"));
    put64(m + 48, UINT64_MAX);
    put64(m + 64, fnv(m, 64));
    assert_int_equal(read_bytes(ctx, m, sizeof m, 0), KAM_EPARSE);
    put64(m + 48, 5), put64(m + 16, 3);
    put64(m + 64, fnv(m, 64));
    assert_int_equal(read_bytes(ctx, m, sizeof m, 0), KAM_EPARSE);
    put64(m + 16, 2);
    put64(m + 64, fnv(m, 64));
    assert_int_equal(read_bytes(ctx, m, sizeof m, 0), KAM_OK);
  }
  kam_test_sink_free(&sink);
  kam_partial_free(p);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
}

/* kam_partial_merge_many gives the bytes of the same merges made one by one, for 0 to 9 others
 * (empty ones, the same partial twice, an empty into); errors leave into unchanged. */
static void test_merge_many(void **state) {
  int64_t rev[900];
  kam_ctx *ctx;
  size_t k, i;
  (void)state;
  rng_state = 17;
  random_column(rev, 900, 1);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  for (k = 0; k <= 9; k++) {
    int first;
    for (first = 0; first < 2; first++) {
      kam_partial *part[10], *one, *many;
      const kam_partial *others[10];
      kam_test_sink s1, s2;
      for (i = 0; i < k; i++) {
        size_t n = i % 4 == 2 ? 0 : 100; /* some empty */
        assert_int_equal(kam_partial_new(&part[i], ctx, rev + 100 * i, n), KAM_OK);
        others[i] = part[i];
      }
      if (k > 3) others[3] = part[1]; /* one partial twice */
      assert_int_equal(kam_partial_new(&one, ctx, rev + 800, first ? 100 : 0), KAM_OK);
      assert_int_equal(kam_partial_new(&many, ctx, rev + 800, first ? 100 : 0), KAM_OK);
      for (i = 0; i < k; i++)
        assert_int_equal(kam_partial_merge(one, others[i]), KAM_OK);
      assert_int_equal(kam_partial_merge_many(many, others, k), KAM_OK);
      assert_int_equal(kam_partial_accounts(many), kam_partial_accounts(one));
      memset(&s1, 0, sizeof s1);
      memset(&s2, 0, sizeof s2);
      assert_int_equal(kam_partial_write(one, kam_test_sink_write, &s1), KAM_OK);
      assert_int_equal(kam_partial_write(many, kam_test_sink_write, &s2), KAM_OK);
      assert_int_equal(s1.len, s2.len);
      assert_memory_equal(s1.data, s2.data, s1.len);
      kam_test_sink_free(&s1);
      kam_test_sink_free(&s2);
      if (k > 1) { /* errors: into unchanged */
        size_t before = kam_partial_accounts(many);
        others[1] = NULL;
        assert_int_equal(kam_partial_merge_many(many, others, k), KAM_EINVAL);
        assert_non_null(strstr(kam_ctx_errmsg(ctx), "others[1] is NULL"));
        others[1] = many;
        assert_int_equal(kam_partial_merge_many(many, others, k), KAM_EINVAL);
        assert_int_equal(kam_partial_accounts(many), before);
      }
      kam_partial_free(one);
      kam_partial_free(many);
      for (i = 0; i < k; i++)
        kam_partial_free(part[i]);
    }
  }
  assert_int_equal(kam_partial_merge_many(NULL, NULL, 0), KAM_EINVAL);
  {
    int64_t big[2] = {INT64_MAX, 1};
    kam_partial *p, *q;
    const kam_partial *o[2];
    assert_int_equal(kam_partial_new(&p, ctx, big, 1), KAM_OK);
    assert_int_equal(kam_partial_new(&q, ctx, big + 1, 1), KAM_OK);
    assert_int_equal(kam_partial_merge_many(p, NULL, 1), KAM_EINVAL);
    assert_int_equal(kam_partial_merge_many(p, NULL, 0), KAM_OK);
    o[0] = q;
    o[1] = q;
    assert_int_equal(kam_partial_merge_many(q, o, 1), KAM_EINVAL);
    assert_int_equal(kam_partial_merge_many(p, o, 1), KAM_EOVERFLOW);
    assert_int_equal(kam_partial_accounts(p), 1);
    assert_int_equal(kam_partial_merge_many(q, o + 1, 0), KAM_OK);
    kam_partial_free(p);
    kam_partial_free(q);
  }
  kam_ctx_free(ctx);
}

static void test_errors(void **state) {
  int64_t rev[3] = {5, -1, 2};
  kam_ctx *ctx;
  kam_partial *p = (kam_partial *)1, *q;
  kam_summary sm;
  kam_segment_cuts cuts;
  kam_segment_options o;
  uint64_t before[2] = {0, 0}, tied[2];
  char abc[3];
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(kam_partial_new(&p, ctx, rev, 3), KAM_EINVAL);
  assert_null(p);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "index 1"));
  assert_int_equal(kam_partial_new(&p, ctx, NULL, 3), KAM_EINVAL);
  assert_int_equal(kam_partial_new(NULL, ctx, rev, 1), KAM_EINVAL);
  assert_int_equal(kam_partial_new(&p, NULL, rev, 1), KAM_EINVAL);
  {
    int64_t big[2] = {INT64_MAX, 1};
    assert_int_equal(kam_partial_new(&p, ctx, big, 2), KAM_EOVERFLOW);
    assert_int_equal(kam_partial_new(&p, ctx, big, 1), KAM_OK);
    assert_int_equal(kam_partial_new(&q, ctx, big + 1, 1), KAM_OK);
    assert_int_equal(kam_partial_merge(p, q), KAM_EOVERFLOW);
    assert_int_equal(kam_partial_accounts(p), 1); /* unchanged */
    kam_partial_free(q);
    kam_partial_free(p);
  }
  assert_int_equal(kam_partial_new(&p, ctx, rev, 1), KAM_OK);
  memset(&sm, 0, sizeof sm);
  memset(&cuts, 0, sizeof cuts);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_partial_segment(&sm, &cuts, p, NULL), KAM_EINVAL); /* cuts size 0 */
  cuts.struct_size = sizeof cuts;
  kam_segment_options_init(&o, sizeof o);
  o.key_top_n = 3;
  assert_int_equal(kam_partial_segment(&sm, &cuts, p, &o), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "key_top_n"));
  o.key_top_n = 0;
  o.a_share = 2;
  assert_int_equal(kam_partial_segment(&sm, &cuts, p, &o), KAM_EINVAL);
  assert_int_equal(kam_partial_segment(&sm, &cuts, p, NULL), KAM_OK);
  assert_int_equal(cuts.value[0], 5);
  assert_int_equal(cuts.ties[0], 1);
  assert_int_equal(kam_partial_classes(abc, ctx, rev, 3, &cuts, before), KAM_EINVAL);
  assert_int_equal(kam_partial_classes(abc, ctx, rev, 1, &cuts, NULL), KAM_EINVAL);
  assert_int_equal(kam_partial_classes(abc, ctx, rev, 1, &cuts, before), KAM_OK);
  assert_int_equal(abc[0], 'A');
  assert_int_equal(kam_partial_ties(tied, rev, 1, &cuts), KAM_OK);
  assert_int_equal(tied[0], 1);
  cuts.value[1] = 0;
  assert_int_equal(kam_partial_ties(tied, rev, 1, &cuts), KAM_EINVAL);
  assert_int_equal(kam_partial_write(p, NULL, NULL), KAM_EINVAL);
  assert_int_equal(kam_partial_read(&q, ctx, NULL, NULL, 0), KAM_EINVAL);
  kam_partial_free(p);
  kam_partial_free(NULL);
  assert_int_equal(kam_partial_accounts(NULL), 0);
  kam_ctx_free(ctx);
}

/* Every allocation of new, merge, write and read may fail: KAM_ENOMEM, nothing leaks, the
 * target of a merge is unchanged. */
static void test_oom(void **state) {
  int64_t rev[500];
  size_t fail_at;
  (void)state;
  rng_state = 99;
  random_column(rev, 500, 1);
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx;
    kam_partial *a = NULL, *b = NULL, *c = NULL;
    kam_test_sink sink;
    int rc;
    memset(&ta, 0, sizeof ta);
    memset(&sink, 0, sizeof sink);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    ta.fail_at = ta.calls + fail_at;
    rc = kam_partial_new(&a, ctx, rev, 250);
    if (rc == KAM_OK) rc = kam_partial_new(&b, ctx, rev + 250, 250);
    if (rc == KAM_OK) {
      rc = kam_partial_merge(a, b);
      if (rc != KAM_OK) assert_int_equal(kam_partial_accounts(a), 250);
    }
    if (rc == KAM_OK) { /* three others: the ping-pong buffers and the list */
      const kam_partial *o[3];
      o[0] = o[1] = o[2] = b;
      rc = kam_partial_merge_many(a, o, 3);
      if (rc != KAM_OK) assert_int_equal(kam_partial_accounts(a), 500);
    }
    if (rc == KAM_OK) rc = kam_partial_write(a, kam_test_sink_write, &sink);
    if (rc == KAM_OK) {
      kam_test_source src = kam_test_source_of(sink.data, sink.len, 100);
      rc = kam_partial_read(&c, ctx, kam_test_source_read, &src, 0);
    }
    kam_test_sink_free(&sink);
    kam_partial_free(a);
    kam_partial_free(b);
    kam_partial_free(c);
    if (rc == KAM_OK) {
      kam_ctx_free(ctx);
      assert_true(fail_at > 5);
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_splits),
      cmocka_unit_test(test_ties_across_partitions),
      cmocka_unit_test(test_distribution_of_large_columns),
      cmocka_unit_test(test_merge_laws),
      cmocka_unit_test(test_merge_many),
      cmocka_unit_test(test_bytes),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

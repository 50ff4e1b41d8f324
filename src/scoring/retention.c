/*
 * retention.c - kam_portfolio_retention: statuses, the revenue bridge, NRR/GRR, by status, by
 * ABC class, hunting vs farming (kam/retention.h). Every sum is kept in 128 bits and checked
 * against int64 once at the end, so an overflow is KAM_EOVERFLOW with nothing written.
 */
#include <math.h>
#include <string.h>

#include "scoring/retention_internal.h"
#include "core/struct_copy_internal.h"

__extension__ typedef __int128 i128;

static const char *const status_names[KAM_RETENTION_STATUSES] = {
    "inactive", "new", "lost", "expanding", "contracting", "stable"};

const char *kam_retention_status_name(int status) {
  return status >= 0 && status < KAM_RETENTION_STATUSES ? status_names[status] : NULL;
}

static void default_options(kam_retention_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = (uint32_t)sizeof *o;
  o->window = 0;
  o->threshold = 0.10;
}

void kam_retention_options_init(kam_retention_options *o, size_t struct_size) {
  kam_retention_options d;
  default_options(&d);
  kam__struct_init(o, struct_size, &d, sizeof d);
}

/* The sums of one cell (a status, or a class and a status) in 128 bits while they are summed:
 * the base, the current revenue and the falls (b - c where c < b). Every figure of the bridge
 * follows from them (cell_bridge): the rises (c - b where c > b) are c - b + falls, as each
 * account's rise less its fall is its c - b. */
typedef struct cell {
  i128 b, c, down;
} cell;

static i128 rises(const cell *x) { return x->c - x->b + x->down; }

static void cell_add(cell *x, i128 b, i128 c) {
  x->b += b;
  x->c += c;
  x->down += b > c ? b - c : 0;
}

/* Accounts per block of the main loop (kam_portfolio_retention). */
enum { BLOCK = 256 };

/* Per-status 64-bit sums and counts of the accounts whose b and c are below 2^53
 * (base_current64's bound), in four copies (copy q for the block's accounts j with j % 4 == q),
 * moved into the 128-bit cells after every block: BLOCK sums below 2^53 stay below 2^63.
 * Cheaper than 128-bit additions per account. */
typedef struct narrow_cells {
  uint64_t b[4][KAM_RETENTION_STATUSES], c[4][KAM_RETENTION_STATUSES],
      down[4][KAM_RETENTION_STATUSES];
  size_t count[4][KAM_RETENTION_STATUSES];
} narrow_cells;

static void narrow_flush(narrow_cells *nc, cell *cells, size_t *count) {
  int k, q;
  for (q = 0; q < 4; q++)
    for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
      cells[k].b += nc->b[q][k];
      cells[k].c += nc->c[q][k];
      cells[k].down += nc->down[q][k];
      count[k] += nc->count[q][k];
    }
  memset(nc, 0, sizeof *nc);
}

/* The sums about the accounts flagged KAM_ACCOUNT_NEW. */
typedef struct flagged_sums {
  i128 c;              /* c of those whose status is not new */
  size_t count;        /* those whose status is not new */
  size_t with_history; /* those with a history */
} flagged_sums;

static int fits(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

/* The bridge of the cells of statuses 0..KAM_RETENTION_STATUSES-1 (cells[k] for status k)
 * into *out, or KAM_EOVERFLOW naming the sum. */
static int cell_bridge(kam_ctx *ctx, kam_bridge *out, const cell *cells, const char *what) {
  static const char *const field[6] = {"start", "new", "expansion", "contraction", "churn", "end"};
  i128 v[6] = {0, 0, 0, 0, 0, 0};
  int k;
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    v[0] += cells[k].b;
    v[5] += cells[k].c;
  }
  v[1] = cells[KAM_RETENTION_NEW].c;
  v[4] = cells[KAM_RETENTION_LOST].b;
  /* rises and falls count for the retained accounts only (b > 0, c > 0) */
  v[2] = rises(&cells[KAM_RETENTION_EXPANDING]) + rises(&cells[KAM_RETENTION_CONTRACTING]) +
         rises(&cells[KAM_RETENTION_STABLE]);
  v[3] = cells[KAM_RETENTION_EXPANDING].down + cells[KAM_RETENTION_CONTRACTING].down +
         cells[KAM_RETENTION_STABLE].down;
  for (k = 0; k < 6; k++)
    if (!fits(v[k]))
      return kam__error(ctx, KAM_EOVERFLOW,
                        "kam_portfolio_retention: the %s of %s exceeds INT64_MAX", field[k], what);
  out->start = (int64_t)v[0];
  out->added = (int64_t)v[1];
  out->expansion = (int64_t)v[2];
  out->contraction = (int64_t)v[3];
  out->churn = (int64_t)v[4];
  out->end = (int64_t)v[5];
  return KAM_OK;
}

/* The status (kam/retention.h) of base b and current c, given as their values in double (each
 * the exact sum rounded once) and whether each is 0. Branch-free: in a portfolio the statuses
 * come in no order a branch predictor could follow. */
static int status_of(int b_zero, int c_zero, double b, double c, double up, double down) {
  /* retained (b > 0, c > 0): expanding 3, else contracting 4, else stable 5; up is 1 + t and
   * down 1 - t, each rounded to double once as the header's formula does */
  int expanding = c >= b * up, contracting = c <= b * down;
  int retained = 5 - contracting - 2 * expanding + contracting * expanding;
  /* by (b = 0, c = 0): inactive 0, (b = 0, c > 0) new 1, (b > 0, c = 0) lost 2 */
  int edge = 2 * b_zero + c_zero; /* 0: retained, 1: lost, 2: new, 3: inactive */
  int is_edge = -(edge != 0);     /* all ones or 0: a mask, as compilers turn ?: into a jump */
  return (retained & ~is_edge) | ((3 - edge) & is_edge);
}

static int status_wide(i128 b, i128 c, double t) {
  return status_of(b == 0, c == 0, (double)b, (double)c, 1.0 + t, 1.0 - t);
}

/* b and c of one history of length len padded at the front to N periods: the periods
 * N-2w..N-w-1 (0-based) are the base, N-w..N-1 the current ones; padded period j is
 * h[j - pad] when j >= pad. Each value is >= 0 (kam_portfolio_add), each sum of at most N of
 * them fits in 128 bits. */
static void base_current(i128 *b, i128 *c, const int64_t *h, size_t len, size_t N, size_t w) {
  size_t pad = N - len, j, lo = N - 2 * w, mid = N - w;
  i128 sb = 0, sc = 0;
  for (j = lo < pad ? pad : lo; j < mid; j++)
    sb += h[j - pad];
  for (j = mid < pad ? pad : mid; j < N; j++)
    sc += h[j - pad];
  *b = sb;
  *c = sc;
}

/* The same sums in 64 bits when they stay below 2^53: 0 otherwise (the caller then takes
 * base_current). A sum of w values below 2^m stays below 2^53 when w <= 2^(53 - m): the values
 * are ORed together and their top bits checked once against `high` (the bits at or above
 * 53 - ceil(log2 w)), so the loops are plain sums the compiler can vectorise. */
static int base_current64(uint64_t *b, uint64_t *c, const int64_t *h, size_t len, size_t N,
                          size_t w, uint64_t high) {
  size_t pad = N - len, j, lo = N - 2 * w, mid = N - w;
  uint64_t sb = 0, sc = 0, any = 0;
  for (j = lo < pad ? pad : lo; j < mid; j++) {
    sb += (uint64_t)h[j - pad];
    any |= (uint64_t)h[j - pad];
  }
  for (j = mid < pad ? pad : mid; j < N; j++) {
    sc += (uint64_t)h[j - pad];
    any |= (uint64_t)h[j - pad];
  }
  *b = sb;
  *c = sc;
  return (any & high) == 0;
}

/* base_current64 for a history of exactly N periods (no padding), given from period N - 2w on:
 * the base is h[0..w), the current h[w..2w). */
static inline int sums_full(uint64_t *b, uint64_t *c, const int64_t *h, size_t w, uint64_t high) {
  uint64_t sb = 0, sc = 0, any = 0;
  size_t j;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 6
#endif
  for (j = 0; j < w; j++) {
    sb += (uint64_t)h[j];
    sc += (uint64_t)h[w + j];
    any |= (uint64_t)h[j] | (uint64_t)h[w + j];
  }
  *b = sb;
  *c = sc;
  return (any & high) == 0;
}

/* The class and KAM_ACCOUNT_NEW sums of account `index` of status `status`. */
static void account_extra(flagged_sums *fs, kam_retention *r,
                          cell (*ccells)[KAM_RETENTION_STATUSES], const kam_portfolio *p,
                          const char *abc, size_t index, int status, i128 b, i128 c) {
  if (abc) {
    int ci = abc[index] - 'A';
    r->class_count[ci][status]++;
    cell_add(&ccells[ci][status], b, c);
  }
  if (kam__portfolio_flags(p, index) & KAM_ACCOUNT_NEW) {
    fs->with_history++;
    if (status != KAM_RETENTION_NEW) {
      fs->count++;
      fs->c += c;
    }
  }
}

/* Every sum of account `index` of status `status` (the 128-bit path). */
static void account_add(flagged_sums *fs, kam_retention *r, cell *cells,
                        cell (*ccells)[KAM_RETENTION_STATUSES], const kam_portfolio *p,
                        const char *abc, size_t index, int status, i128 b, i128 c) {
  cell_add(&cells[status], b, c);
  r->count[status]++;
  account_extra(fs, r, ccells, p, abc, index, status, b, c);
}

#if defined(__GNUC__) || defined(__clang__)
#define KAM__ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define KAM__ALWAYS_INLINE inline
#endif

/* What kam_portfolio_retention's pass over the details reads and adds to. */
typedef struct scan {
  const kam_portfolio *p;
  const char *abc; /* class letters per account, or NULL */
  size_t N, lo;    /* periods; the first base period, N - 2w */
  uint64_t high;   /* base_current64's bound */
  double up, down, t;
  kam_retention *r;
  cell *cells, (*ccells)[KAM_RETENTION_STATUSES];
  flagged_sums *fs;
} scan;

/* The accounts of details [dp, end) with window w: inlined where w is a constant, so that the
 * sums of the common histories (N periods) are loops of a known length. The 64-bit sums go to
 * the four copies of nc in turn, so that consecutive accounts of one status add to different
 * places and no addition waits for the one before. */
static KAM__ALWAYS_INLINE void scan_block(const scan *sc, narrow_cells *nc, const kam__detail *dp,
                                          const kam__detail *end, size_t w) {
  const kam_portfolio *p = sc->p;
  const char *abc = sc->abc;
  const uint8_t *flags = p->flags;
  size_t N = sc->N, lo = sc->lo;
  uint64_t high = sc->high;
  double up = sc->up, down = sc->down;
  unsigned q = 0;
  for (; dp < end; dp++) {
    size_t len = dp->history_len;
    const int64_t *h = dp->history;
    uint64_t b64, c64;
    unsigned st;
    int narrow;
    if (!len) continue;
    if (len == N) {
      narrow = sums_full(&b64, &c64, h + lo, w, high);
    } else {
      /* apart, so that b64 and c64 of the common case stay in registers */
      uint64_t pb, pc;
      narrow = base_current64(&pb, &pc, h, len, N, w, high);
      b64 = pb;
      c64 = pc;
    }
    if (!narrow) {
      i128 b, c;
      base_current(&b, &c, h, len, N, w);
      account_add(sc->fs, sc->r, sc->cells, sc->ccells, p, abc, dp->index, status_wide(b, c, sc->t),
                  b, c);
      continue;
    }
    /* the common case: both sums below 2^53 */
    st = (unsigned)status_of(b64 == 0, c64 == 0, (double)(int64_t)b64, (double)(int64_t)c64, up,
                             down);
    nc->b[q][st] += b64;
    nc->c[q][st] += c64;
    nc->down[q][st] += b64 > c64 ? b64 - c64 : 0;
    nc->count[q][st]++;
    q = (q + 1) & 3u;
    if (abc || (flags && (flags[dp->index] & KAM_ACCOUNT_NEW)))
      account_extra(sc->fs, sc->r, sc->ccells, p, abc, dp->index, (int)st, b64, c64);
  }
}

size_t kam__retention_periods(const kam_portfolio *p, size_t nd) {
  size_t i, N = 0;
  if (nd == p->detail_len) return p->history_max;
  for (i = 0; i < nd; i++)
    if (p->details[i].history_len > N) N = p->details[i].history_len;
  return N;
}

int kam__retention_window(kam_ctx *ctx, size_t *w, size_t window, size_t N, const char *fn) {
  *w = window ? window : N / 2;
  if (*w > N / 2)
    return kam__error(ctx, KAM_EINVAL, "%s: window %zu is outside 1..%zu (N / 2, N = %zu)", fn, *w,
                      N / 2, N);
  return KAM_OK;
}

int kam__retention_status(const kam_portfolio *p, const kam__detail *d, size_t N, size_t w,
                          double t) {
  i128 b = 0, c = 0;
  if (d && d->history_len) base_current(&b, &c, kam__detail_history(p, d), d->history_len, N, w);
  return status_wide(b, c, t);
}

static int check_options(kam_ctx *ctx, kam_retention_options *out, const kam_retention_options *o) {
  default_options(out);
  if (o) {
    int rc =
        KAM__STRUCT_COPY_IN(ctx, *out, o, kam_retention_options, flags, "kam_portfolio_retention");
    if (rc) return rc;
    out->struct_size = (uint32_t)sizeof *out;
  }
  if (out->flags)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_portfolio_retention: options flags must be 0 (got 0x%x)",
                      (unsigned)out->flags);
  if (!(out->threshold >= 0.0) || !isfinite(out->threshold))
    return kam__error(ctx, KAM_EINVAL,
                      "kam_portfolio_retention: threshold %g must be a finite number >= 0",
                      out->threshold);
  return KAM_OK;
}

int kam_portfolio_retention(kam_retention *out, const kam_portfolio *p, const kam_segmentation *s,
                            const kam_retention_options *o) {
  kam_retention_options opt;
  kam_retention r;
  kam_ctx *ctx;
  size_t n, N, w, i, sz, nd, with_history = 0;
  const kam__detail *dp, *dend;
  /* cells[status] for the whole portfolio; by class: ccells[class][status] */
  cell cells[KAM_RETENTION_STATUSES], ccells[3][KAM_RETENTION_STATUSES];
  flagged_sums acc = {0, 0, 0};
  uint64_t high;
  narrow_cells narrow;
  char *abc = NULL;
  int rc = KAM_OK, k, ci;
  if (!p) return KAM_EINVAL;
  ctx = p->ctx;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_portfolio_retention: out is NULL");
  sz = out->struct_size;
  if (kam__struct_size_check(ctx, sz, KAM__FIELD_END(kam_retention, reserved),
                             "kam_portfolio_retention", "kam_retention"))
    return KAM_EINVAL;
  if ((rc = check_options(ctx, &opt, o))) return rc;
  n = p->count;
  nd = p->detail_len;
  if (s && (s->p != p || s->n != n))
    return kam__error(ctx, KAM_ESTATE,
                      "kam_portfolio_retention: the segmentation does not cover this portfolio's "
                      "%zu accounts",
                      n);
  N = kam__retention_periods(p, nd);
  if (N < 2)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_portfolio_retention: needs a history of at least 2 periods (the longest "
                      "has %zu)",
                      N);
  if ((rc = kam__retention_window(ctx, &w, opt.window, N, "kam_portfolio_retention"))) return rc;
  {
    /* ceil(log2 w) bits of headroom: a sum of w values below 2^(53 - that) stays below 2^53
     * (narrow_cells' bound; it also converts to double exactly, as a signed integer). A
     * window of 2^53 periods or more never takes the 64-bit path. */
    unsigned lg = 0;
    while (lg < 63 && ((size_t)1 << lg) < w)
      lg++;
    high = lg < 53 ? ~UINT64_C(0) << (53 - lg) : ~UINT64_C(0);
  }
  if (s && n) {
    abc = kam__alloc(ctx, n);
    if (!abc) return kam__nomem(ctx);
    if ((rc = kam_segmentation_classes(abc, n, s))) goto done;
  }
  memset(&r, 0, sizeof r);
  memset(cells, 0, sizeof cells);
  memset(ccells, 0, sizeof ccells);
  memset(&narrow, 0, sizeof narrow);
  /* One pass over the details in account order (their histories lie in the portfolio's detail
   * arena in the same order), BLOCK at a time; every account without a history is inactive
   * (b = c = 0) and only counts. */
  {
    scan sc;
    sc.p = p;
    sc.abc = abc;
    sc.N = N;
    sc.lo = N - 2 * w;
    sc.high = high;
    sc.up = 1.0 + opt.threshold;
    sc.down = 1.0 - opt.threshold;
    sc.t = opt.threshold;
    sc.r = &r;
    sc.cells = cells;
    sc.ccells = ccells;
    sc.fs = &acc;
    for (dp = p->details, dend = p->details + p->detail_len; dp < dend;) {
      const kam__detail *bend = dend - dp > BLOCK ? dp + BLOCK : dend;
      switch (w) { /* the usual windows (a quarter, a half year) get loops of a known length */
      case 3: scan_block(&sc, &narrow, dp, bend, 3); break;
      case 6: scan_block(&sc, &narrow, dp, bend, 6); break;
      default: scan_block(&sc, &narrow, dp, bend, w); break;
      }
      narrow_flush(&narrow, cells, r.count);
      dp = bend;
    }
  }
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    with_history += r.count[k];
  /* The accounts without a history are inactive: their counts per class and flagged new are
   * the totals (one pass over the class and flag bytes) less those of the accounts with one. */
  r.count[KAM_RETENTION_INACTIVE] += n - with_history;
  if (abc) {
    size_t all[3] = {0, 0, 0}, hist[3] = {0, 0, 0};
    for (i = 0; i < n; i++)
      all[abc[i] - 'A']++;
    for (ci = 0; ci < 3; ci++) {
      for (k = 0; k < KAM_RETENTION_STATUSES; k++)
        hist[ci] += r.class_count[ci][k];
      r.class_count[ci][KAM_RETENTION_INACTIVE] += all[ci] - hist[ci];
    }
  }
  if (p->flags) {
    size_t all = 0;
    for (i = 0; i < n; i++)
      all += (p->flags[i] & KAM_ACCOUNT_NEW) != 0;
    acc.count += all - acc.with_history;
  }
  if ((rc = cell_bridge(ctx, &r.bridge, cells, "the portfolio"))) goto done;
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    cell one[KAM_RETENTION_STATUSES];
    memset(one, 0, sizeof one);
    one[k] = cells[k];
    if ((rc = cell_bridge(ctx, &r.by_status[k], one, status_names[k]))) goto done;
  }
  for (ci = 0; ci < 3 && abc; ci++) {
    static const char *const cname[3] = {"class A", "class B", "class C"};
    if ((rc = cell_bridge(ctx, &r.by_class[ci], ccells[ci], cname[ci]))) goto done;
  }
  {
    /* hunting: status new or flagged new; farming: the rest. Both are parts of end, which
     * fits (cell_bridge checked it), so neither can overflow. */
    i128 hunt = cells[KAM_RETENTION_NEW].c + acc.c;
    r.hunting_count = r.count[KAM_RETENTION_NEW] + acc.count;
    r.farming_count = n - r.hunting_count;
    r.hunting = (int64_t)hunt;
    r.farming = r.bridge.end - r.hunting;
  }
  {
    i128 retained_c = 0, retained_min = 0;
    static const int retained[4] = {KAM_RETENTION_LOST, KAM_RETENTION_EXPANDING,
                                    KAM_RETENTION_CONTRACTING, KAM_RETENTION_STABLE};
    for (k = 0; k < 4; k++) {
      retained_c += cells[retained[k]].c;
      retained_min += cells[retained[k]].b - cells[retained[k]].down;
    }
    r.nrr = r.bridge.start ? (double)retained_c / (double)r.bridge.start : NAN;
    r.grr = r.bridge.start ? (double)retained_min / (double)r.bridge.start : NAN;
  }
  r.has_classes = s != NULL;
  r.accounts = n;
  r.periods = N;
  r.window = w;
  r.threshold = opt.threshold;
  r.struct_size = out->struct_size;
  memcpy((char *)out + sizeof out->struct_size, (const char *)&r + sizeof out->struct_size,
         (sz < sizeof r ? sz : sizeof r) - sizeof out->struct_size);
done:
  if (abc) kam__free(ctx, abc, n);
  return rc;
}

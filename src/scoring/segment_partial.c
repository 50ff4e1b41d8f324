/*
 * segment_partial.c - the partial segmentation state of kam/partial.h: a partition's revenue
 * distribution (distinct values ascending, with their counts), merged exactly, written and read
 * in the versioned byte format the header documents, and turned into kam_segment's summary and
 * cuts by the segmentation engine (kam__revenue_stats_of_runs) and segment.c's rules
 * (kam__segment_runs). The distribution of one partition comes from the engine
 * (kam__revenue_runs), so there is one sort and one bucket scheme in the library.
 */
#include <string.h>

#include "scoring/io_internal.h"
#include "scoring/portfolio_internal.h"

__extension__ typedef unsigned __int128 u128;

#define MAGIC "KAMP"
#define VERSION 1u
#define HEADER 32u
#define RUN_BYTES 16u
#define TRAILER 8u

struct kam_partial {
  kam_ctx *ctx;
  uint64_t accounts;
  uint64_t total;
  size_t nrun, cap;
  kam__value_run *run; /* [nrun] ascending distinct values */
};

static kam_partial *partial_alloc(kam_ctx *ctx) {
  kam_partial *p = (kam_partial *)kam__alloc(ctx, sizeof *p);
  if (p) {
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
  }
  return p;
}

void kam_partial_free(kam_partial *p) {
  if (!p) return;
  kam__free(p->ctx, p->run, p->cap * sizeof *p->run);
  kam__free(p->ctx, p, sizeof *p);
}

size_t kam_partial_accounts(const kam_partial *p) { return p ? (size_t)p->accounts : 0; }

/* The runs of rev[0..n) (every value >= 0, the total <= INT64_MAX): the engine's distribution. */
static int build_runs(kam_partial *p, const int64_t *rev, size_t n, uint64_t total) {
  size_t d = 0;
  int rc = kam__revenue_runs(&p->run, &d, p->ctx, rev, n);
  if (rc) return rc;
  p->nrun = p->cap = d;
  p->total = total;
  p->accounts = n;
  return KAM_OK;
}

int kam_partial_new(kam_partial **out, kam_ctx *ctx, const int64_t *rev, size_t n) {
  kam_partial *p;
  u128 total = 0;
  size_t i;
  int rc;
  if (out) *out = NULL;
  if (!ctx) return KAM_EINVAL;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_partial_new: out is NULL");
  if (n && !rev) return kam__error(ctx, KAM_EINVAL, "kam_partial_new: rev is NULL (n %zu)", n);
  for (i = 0; i < n; i++) {
    if (rev[i] < 0)
      return kam__error(ctx, KAM_EINVAL,
                        "kam_partial_new: revenue %lld at index %zu is negative (minor units >= "
                        "0 expected)",
                        (long long)rev[i], i);
    total += (uint64_t)rev[i];
  }
  if (total > (u128)INT64_MAX)
    return kam__error(ctx, KAM_EOVERFLOW,
                      "kam_partial_new: the total revenue of the %zu accounts exceeds INT64_MAX",
                      n);
  if (!(p = partial_alloc(ctx))) return kam__nomem(ctx);
  if (n && (rc = build_runs(p, rev, n, (uint64_t)total)) != KAM_OK) {
    kam_partial_free(p);
    return rc;
  }
  *out = p;
  return KAM_OK;
}

int kam_partial_merge(kam_partial *into, const kam_partial *other) {
  kam_ctx *ctx;
  kam__value_run *run;
  size_t i = 0, j = 0, k = 0, cap;
  if (!into) return KAM_EINVAL;
  ctx = into->ctx;
  if (!other || other == into)
    return kam__error(ctx, KAM_EINVAL, "kam_partial_merge: other is %s",
                      other ? "the same partial as into" : "NULL");
  if (into->total + other->total > (uint64_t)INT64_MAX) /* each <= INT64_MAX: no wrap */
    return kam__error(ctx, KAM_EOVERFLOW,
                      "kam_partial_merge: the merged total revenue exceeds INT64_MAX");
  if (into->accounts > SIZE_MAX - other->accounts)
    return kam__error(ctx, KAM_EOVERFLOW, "kam_partial_merge: the merged accounts exceed SIZE_MAX");
  if (other->nrun == 0) return KAM_OK; /* no runs: no accounts */
  cap = into->nrun + other->nrun;      /* each <= its bytes / 16: no wrap */
  run = (kam__value_run *)kam__alloc_array(ctx, cap, sizeof *run);
  if (!run) return kam__nomem(ctx);
  while (i < into->nrun || j < other->nrun) {
    if (j == other->nrun || (i < into->nrun && into->run[i].value < other->run[j].value)) {
      run[k++] = into->run[i++];
    } else if (i == into->nrun || other->run[j].value < into->run[i].value) {
      run[k++] = other->run[j++];
    } else {
      run[k] = into->run[i++];
      run[k++].mult += other->run[j++].mult;
    }
  }
  kam__free(ctx, into->run, into->cap * sizeof *into->run);
  into->run = run;
  into->cap = cap;
  into->nrun = k;
  into->accounts += other->accounts;
  into->total += other->total;
  return KAM_OK;
}

/* out = the merge of a[0..na) and b[0..nb) (each strictly ascending): equal values add their
 * counts. Branch-free in the common loop (the compiler's conditional moves). Returns the runs
 * written (at most na + nb). */
static size_t merge_two(kam__value_run *out, const kam__value_run *a, size_t na,
                        const kam__value_run *b, size_t nb) {
  size_t i = 0, j = 0, k = 0;
  while (i < na && j < nb) {
    uint64_t va = a[i].value, vb = b[j].value;
    size_t ta = va <= vb, tb = vb <= va;
    out[k].value = ta ? va : vb;
    out[k].mult = (ta ? a[i].mult : 0) + (tb ? b[j].mult : 0);
    i += ta;
    j += tb;
    k++;
  }
  if (i < na) memcpy(out + k, a + i, (na - i) * sizeof *out), k += na - i;
  if (j < nb) memcpy(out + k, b + j, (nb - j) * sizeof *out), k += nb - j;
  return k;
}

/* A sorted list of runs being merged: where it is and how long. */
typedef struct merge_seg {
  const kam__value_run *run;
  size_t n;
} merge_seg;

int kam_partial_merge_many(kam_partial *into, const kam_partial *const *others, size_t n) {
  kam_ctx *ctx;
  merge_seg *seg = NULL;
  kam__value_run *buf[2] = {NULL, NULL};
  uint64_t total, accounts;
  size_t cap, ns = 0, nseg, i;
  int rc = KAM_OK, cur = 0;
  if (!into) return KAM_EINVAL;
  ctx = into->ctx;
  if (n && !others) return kam__error(ctx, KAM_EINVAL, "kam_partial_merge_many: others is NULL");
  total = into->total;
  accounts = into->accounts;
  cap = into->nrun;
  for (i = 0; i < n; i++) {
    const kam_partial *o = others[i];
    if (!o || o == into)
      return kam__error(ctx, KAM_EINVAL, "kam_partial_merge_many: others[%zu] is %s", i,
                        o ? "the same partial as into" : "NULL");
    if (total + o->total > (uint64_t)INT64_MAX) /* each <= INT64_MAX: no wrap */
      return kam__error(ctx, KAM_EOVERFLOW,
                        "kam_partial_merge_many: the merged total revenue exceeds INT64_MAX "
                        "(at others[%zu])",
                        i);
    if (accounts > SIZE_MAX - o->accounts)
      return kam__error(ctx, KAM_EOVERFLOW,
                        "kam_partial_merge_many: the merged accounts exceed SIZE_MAX (at "
                        "others[%zu])",
                        i);
    total += o->total;
    accounts += o->accounts;
    if (o->nrun) {
      if (cap > SIZE_MAX / sizeof(kam__value_run) - o->nrun) /* the same partial many times */
        return kam__error(ctx, KAM_EOVERFLOW,
                          "kam_partial_merge_many: the merged runs exceed the address space");
      cap += o->nrun;
      ns++;
    }
  }
  if (ns == 0) return KAM_OK; /* nothing to add: no runs, so no accounts and a total of 0 */
  if (into->nrun) ns++;
  nseg = ns;
  /* A pairwise tree over ping-pong buffers: ceil(log2 ns) passes of sequential merges. */
  seg = (merge_seg *)kam__alloc_array(ctx, ns, sizeof *seg);
  buf[0] = (kam__value_run *)kam__alloc_array(ctx, cap, sizeof *buf[0]);
  if (ns > 2) buf[1] = (kam__value_run *)kam__alloc_array(ctx, cap, sizeof *buf[1]);
  if (!seg || !buf[0] || (ns > 2 && !buf[1])) {
    rc = kam__nomem(ctx);
    goto done;
  }
  ns = 0;
  if (into->nrun) seg[ns].run = into->run, seg[ns++].n = into->nrun;
  for (i = 0; i < n; i++)
    if (others[i]->nrun) seg[ns].run = others[i]->run, seg[ns++].n = others[i]->nrun;
  if (ns == 1) { /* into had no runs and one other has: a copy */
    memcpy(buf[0], seg[0].run, seg[0].n * sizeof *buf[0]);
    seg[0].run = buf[0];
  }
  while (ns > 1) {
    kam__value_run *out = buf[cur];
    size_t m = 0;
    for (i = 0; i + 1 < ns; i += 2) {
      size_t k = merge_two(out, seg[i].run, seg[i].n, seg[i + 1].run, seg[i + 1].n);
      seg[m].run = out;
      seg[m++].n = k;
      out += k;
    }
    if (i < ns) { /* the odd one out moves to this buffer too (the other is overwritten next) */
      memcpy(out, seg[i].run, seg[i].n * sizeof *out);
      seg[m].run = out;
      seg[m++].n = seg[i].n;
    }
    ns = m;
    cur ^= 1;
  }
  cur ^= 1; /* the buffer written last */
  if (seg[0].run != buf[cur]) cur ^= 1;
  kam__free(ctx, into->run, into->cap * sizeof *into->run);
  into->run = buf[cur];
  into->cap = cap;
  into->nrun = seg[0].n;
  into->accounts = accounts;
  into->total = total;
  buf[cur] = NULL;
done:
  kam__free(ctx, buf[0], buf[0] ? cap * sizeof *buf[0] : 0);
  kam__free(ctx, buf[1], buf[1] ? cap * sizeof *buf[1] : 0);
  kam__free(ctx, seg, seg ? nseg * sizeof *seg : 0);
  return rc;
}

/* ---- bytes ---- */

static void put_u64(unsigned char *b, uint64_t v) {
  int i;
  for (i = 0; i < 8; i++)
    b[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get_u64(const unsigned char *b) {
  uint64_t v = 0;
  int i;
  for (i = 7; i >= 0; i--)
    v = v << 8 | b[i];
  return v;
}
static uint64_t fnv1a(uint64_t h, const unsigned char *b, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    h = (h ^ b[i]) * UINT64_C(0x100000001b3);
  return h;
}
#define FNV_BASIS UINT64_C(0xcbf29ce484222325)

static void header_bytes(unsigned char *h, uint64_t accounts, uint64_t nrun) {
  memcpy(h, MAGIC, 4);
  h[4] = (unsigned char)VERSION;
  h[5] = 0;
  h[6] = h[7] = 0;
  put_u64(h + 8, HEADER + RUN_BYTES * nrun + TRAILER);
  put_u64(h + 16, accounts);
  put_u64(h + 24, nrun);
}

int kam_partial_write(const kam_partial *p, kam_write_fn write, void *ud) {
  kam__out o;
  unsigned char b[HEADER];
  uint64_t sum;
  size_t i;
  int rc;
  if (!p) return KAM_EINVAL;
  if (!write) return kam__error(p->ctx, KAM_EINVAL, "kam_partial_write: write is NULL");
  kam__out_init(&o, p->ctx, write, ud);
  header_bytes(b, p->accounts, p->nrun);
  sum = fnv1a(FNV_BASIS, b, HEADER);
  rc = kam__out_put(&o, (const char *)b, HEADER);
  for (i = 0; rc == KAM_OK && i < p->nrun; i++) {
    put_u64(b, p->run[i].value);
    put_u64(b + 8, p->run[i].mult);
    sum = fnv1a(sum, b, RUN_BYTES);
    rc = kam__out_put(&o, (const char *)b, RUN_BYTES);
  }
  if (rc == KAM_OK) {
    put_u64(b, sum);
    rc = kam__out_put(&o, (const char *)b, TRAILER);
  }
  if (rc == KAM_OK) rc = kam__out_flush(&o);
  return rc;
}

/* A byte reader over a kam_read_fn: exact reads of a few bytes, with the offset for messages. */
typedef struct reader {
  kam_read_fn read;
  void *ud;
  unsigned char buf[8192];
  size_t pos, len;
  uint64_t offset; /* bytes consumed */
  bool eof;
} reader;

/* Reads exactly len bytes (len <= 32): KAM_OK, 1 at the end of input (partial or none), or
 * the callback's status. */
static int take(reader *r, unsigned char *dst, size_t len) {
  size_t got = 0;
  while (got < len) {
    if (r->pos == r->len) {
      size_t nread = 0;
      int rc;
      if (r->eof) return 1;
      rc = r->read(r->ud, r->buf, sizeof r->buf, &nread);
      if (rc) return rc;
      if (nread > sizeof r->buf) nread = sizeof r->buf;
      if (nread == 0) {
        r->eof = true;
        return 1;
      }
      r->pos = 0;
      r->len = nread;
    }
    {
      size_t k = r->len - r->pos < len - got ? r->len - r->pos : len - got;
      memcpy(dst + got, r->buf + r->pos, k);
      r->pos += k;
      got += k;
      r->offset += k;
    }
  }
  return KAM_OK;
}

static int bad(kam_ctx *ctx, int rc, const reader *r, const char *what) {
  return kam__error(ctx, rc, "kam_partial_read: %s at byte %llu", what,
                    (unsigned long long)r->offset);
}

/* Reads and checks the message into p (empty). */
static int read_message(kam_partial *p, reader *r, size_t max_runs) {
  kam_ctx *ctx = p->ctx;
  unsigned char b[HEADER];
  uint64_t sum, nrun, accounts, count = 0, i;
  u128 total = 0;
  int rc = take(r, b, HEADER);
  if (rc == 1) return bad(ctx, KAM_EPARSE, r, "the input ends inside the header");
  if (rc) return rc;
  if (memcmp(b, MAGIC, 4) != 0) return bad(ctx, KAM_EPARSE, r, "no \"KAMP\" magic");
  if (b[4] != VERSION || b[5] != 0)
    return kam__error(ctx, KAM_ELIMIT, "kam_partial_read: version %u is not supported (1 is)",
                      (unsigned)(b[4] | b[5] << 8));
  if (b[6] || b[7]) return bad(ctx, KAM_EPARSE, r, "flags are not 0");
  accounts = get_u64(b + 16);
  nrun = get_u64(b + 24);
  if (accounts > SIZE_MAX)
    return kam__error(ctx, KAM_ELIMIT, "kam_partial_read: %llu accounts do not fit a size_t",
                      (unsigned long long)accounts);
  if (nrun > (UINT64_MAX - HEADER - TRAILER) / RUN_BYTES ||
      get_u64(b + 8) != HEADER + RUN_BYTES * nrun + TRAILER)
    return bad(ctx, KAM_EPARSE, r, "the length does not match the number of runs");
  if (max_runs && nrun > max_runs)
    return kam__error(ctx, KAM_ELIMIT, "kam_partial_read: %llu runs, more than max_runs %zu",
                      (unsigned long long)nrun, max_runs);
  sum = fnv1a(FNV_BASIS, b, HEADER);
  for (i = 0; i < nrun; i++) {
    const unsigned char *rb = b;
    uint64_t v, m;
    if (r->len - r->pos >= RUN_BYTES) { /* the run is whole in the buffer: read it there */
      rb = r->buf + r->pos;
      r->pos += RUN_BYTES;
      r->offset += RUN_BYTES;
    } else if ((rc = take(r, b, RUN_BYTES)) == 1) {
      return bad(ctx, KAM_EPARSE, r, "the input ends inside the runs");
    } else if (rc) {
      return rc;
    }
    sum = fnv1a(sum, rb, RUN_BYTES);
    v = get_u64(rb);
    m = get_u64(rb + 8);
    if (v > (uint64_t)INT64_MAX) return bad(ctx, KAM_EPARSE, r, "a value above INT64_MAX");
    if (m == 0) return bad(ctx, KAM_EPARSE, r, "a run of count 0");
    if (p->nrun && v <= p->run[p->nrun - 1].value)
      return bad(ctx, KAM_EPARSE, r, "the values are not strictly ascending");
    if (m > accounts - count) return bad(ctx, KAM_EPARSE, r, "the counts exceed the accounts");
    count += m;
    total += (u128)v * m;
    if (total > (u128)INT64_MAX)
      return bad(ctx, KAM_EPARSE, r, "the total revenue exceeds INT64_MAX");
    if (p->nrun == p->cap) { /* grows with the bytes read, never with the declared count */
      size_t cap = p->cap ? p->cap * 2 : 64;
      kam__value_run *run;
      if (cap > nrun) cap = (size_t)nrun;
      run = (kam__value_run *)kam__realloc(ctx, p->run, p->cap * sizeof *run, cap * sizeof *run);
      if (!run) return kam__nomem(ctx);
      p->run = run;
      p->cap = cap;
    }
    p->run[p->nrun].value = v;
    p->run[p->nrun++].mult = m;
  }
  if (count != accounts) return bad(ctx, KAM_EPARSE, r, "the counts do not sum to the accounts");
  if ((rc = take(r, b, TRAILER)) == 1)
    return bad(ctx, KAM_EPARSE, r, "the input ends inside the checksum");
  if (rc) return rc;
  if (get_u64(b) != sum) return bad(ctx, KAM_EPARSE, r, "the checksum does not match");
  if ((rc = take(r, b, 1)) == KAM_OK) return bad(ctx, KAM_EPARSE, r, "bytes follow the message");
  if (rc != 1) return rc;
  p->accounts = accounts;
  p->total = (uint64_t)total;
  return KAM_OK;
}

int kam_partial_read(kam_partial **out, kam_ctx *ctx, kam_read_fn read, void *ud, size_t max_runs) {
  kam_partial *p;
  reader *r;
  int rc;
  if (out) *out = NULL;
  if (!ctx) return KAM_EINVAL;
  if (!out || !read)
    return kam__error(ctx, KAM_EINVAL, "kam_partial_read: %s is NULL", out ? "read" : "out");
  p = partial_alloc(ctx);
  r = (reader *)kam__alloc(ctx, sizeof *r);
  if (!p || !r) {
    kam__free(ctx, p, p ? sizeof *p : 0);
    kam__free(ctx, r, r ? sizeof *r : 0);
    return kam__nomem(ctx);
  }
  memset(r, 0, sizeof *r);
  r->read = read;
  r->ud = ud;
  rc = read_message(p, r, max_runs);
  kam__free(ctx, r, sizeof *r);
  if (rc) {
    kam_partial_free(p);
    return rc;
  }
  *out = p;
  return KAM_OK;
}

/* ---- the segmentation ---- */

int kam_partial_segment(kam_summary *sm, kam_segment_cuts *cuts, const kam_partial *p,
                        const kam_segment_options *o) {
  kam_summary s;
  kam_segment_cuts c;
  kam__revenue_cut cut[2];
  int rc, k;
  if (!p) return KAM_EINVAL;
  if (!sm || !cuts)
    return kam__error(p->ctx, KAM_EINVAL, "kam_partial_segment: %s is NULL", sm ? "cuts" : "sm");
  if (kam__struct_size_check(p->ctx, sm->struct_size, KAM__FIELD_END(kam_summary, reserved),
                             "kam_partial_segment", "kam_summary") ||
      kam__struct_size_check(p->ctx, cuts->struct_size, KAM__FIELD_END(kam_segment_cuts, reserved),
                             "kam_partial_segment", "kam_segment_cuts"))
    return KAM_EINVAL;
  rc = kam__segment_runs(&s, cut, p->ctx, o, p->run, p->nrun, (size_t)p->accounts);
  if (rc) return rc;
  memset(&c, 0, sizeof c);
  for (k = 0; k < 2; k++) {
    bool none = cut[k].value == UINT64_MAX;
    c.value[k] = none ? -1 : (int64_t)cut[k].value;
    c.ties[k] = none ? 0 : cut[k].ties;
  }
  memcpy((char *)sm + sizeof sm->struct_size, (const char *)&s + sizeof s.struct_size,
         (sm->struct_size < sizeof s ? sm->struct_size : sizeof s) - sizeof s.struct_size);
  memcpy((char *)cuts + sizeof cuts->struct_size, (const char *)&c + sizeof c.struct_size,
         (cuts->struct_size < sizeof c ? cuts->struct_size : sizeof c) - sizeof c.struct_size);
  return KAM_OK;
}

static bool cuts_ok(const kam_segment_cuts *c) {
  int k;
  if (!c || c->struct_size < sizeof *c) return false;
  for (k = 0; k < 2; k++)
    if (c->value[k] < -1 || (c->value[k] == -1 && c->ties[k]) || (c->value[k] == 0)) return false;
  return true;
}

static void count_ties(uint64_t tied[2], const int64_t *rev, size_t n, const kam_segment_cuts *c) {
  size_t i;
  tied[0] = tied[1] = 0;
  for (i = 0; i < n; i++) {
    tied[0] += rev[i] == c->value[0];
    tied[1] += rev[i] == c->value[1];
  }
  if (c->value[0] == -1) tied[0] = 0;
  if (c->value[1] == -1) tied[1] = 0;
}

int kam_partial_ties(uint64_t tied[2], const int64_t *rev, size_t n, const kam_segment_cuts *cuts) {
  if (!tied || (n && !rev) || !cuts_ok(cuts)) return KAM_EINVAL;
  count_ties(tied, rev, n, cuts);
  return KAM_OK;
}

int kam_partial_classes(char *abc, kam_ctx *ctx, const int64_t *rev, size_t n,
                        const kam_segment_cuts *cuts, const uint64_t before[2]) {
  kam__revenue_cut cut[2];
  uint64_t tied[2];
  int k;
  if (!ctx) return KAM_EINVAL;
  if ((n && (!abc || !rev)) || !before)
    return kam__error(ctx, KAM_EINVAL, "kam_partial_classes: %s is NULL",
                      !before ? "before"
                      : !abc  ? "abc"
                              : "rev");
  if (!cuts_ok(cuts))
    return kam__error(ctx, KAM_EINVAL,
                      "kam_partial_classes: cuts are not from kam_partial_segment (struct_size, "
                      "a value below -1, 0, or ties without a value)");
  {
    size_t i;
    for (i = 0; i < n; i++)
      if (rev[i] < 0)
        return kam__error(ctx, KAM_EINVAL,
                          "kam_partial_classes: revenue %lld at index %zu is "
                          "negative",
                          (long long)rev[i], i);
  }
  count_ties(tied, rev, n, cuts);
  /* This partition's view of each cut: of its tied accounts, those whose place among all the
   * tied ones (before + local index) is below ties are inside. */
  memset(cut, 0, sizeof cut);
  for (k = 0; k < 2; k++) {
    uint64_t in = cuts->ties[k] > before[k] ? cuts->ties[k] - before[k] : 0;
    cut[k].value = cuts->value[k] < 0 ? UINT64_MAX : (uint64_t)cuts->value[k];
    cut[k].mult = (size_t)tied[k];
    cut[k].ties = (size_t)(in < tied[k] ? in : tied[k]);
  }
  kam__revenue_bands((uint8_t *)abc, 'A', ctx, rev, n, cut);
  return KAM_OK;
}

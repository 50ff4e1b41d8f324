/*
 * retention.c - kam_portfolio_retention: statuses, the revenue bridge, NRR/GRR, by status, by
 * ABC class, hunting vs farming (kam/retention.h). Every sum is kept in 128 bits and checked
 * against int64 once at the end, so an overflow is KAM_EOVERFLOW with nothing written.
 */
#include <math.h>
#include <string.h>

#include "kam/retention.h"
#include "scoring/portfolio_internal.h"
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

/* A bridge in 128 bits while it is summed. */
typedef struct wide_bridge {
  i128 start, added, expansion, contraction, churn, end;
} wide_bridge;

static void bridge_add(wide_bridge *w, int status, i128 b, i128 c) {
  w->start += b;
  w->end += c;
  if (status == KAM_RETENTION_NEW) w->added += c;
  if (status == KAM_RETENTION_LOST) w->churn += b;
  if (b > 0 && c > 0) {
    if (c > b) w->expansion += c - b;
    if (c < b) w->contraction += b - c;
  }
}

static int fits(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

/* Narrows w into *out, or KAM_EOVERFLOW naming the sum. */
static int bridge_narrow(kam_ctx *ctx, kam_bridge *out, const wide_bridge *w, const char *what) {
  static const char *const field[6] = {"start", "new", "expansion", "contraction", "churn", "end"};
  const i128 v[6] = {w->start, w->added, w->expansion, w->contraction, w->churn, w->end};
  int k;
  for (k = 0; k < 6; k++)
    if (!fits(v[k]))
      return kam__error(ctx, KAM_EOVERFLOW,
                        "kam_portfolio_retention: the %s of %s exceeds INT64_MAX", field[k], what);
  out->start = (int64_t)w->start;
  out->added = (int64_t)w->added;
  out->expansion = (int64_t)w->expansion;
  out->contraction = (int64_t)w->contraction;
  out->churn = (int64_t)w->churn;
  out->end = (int64_t)w->end;
  return KAM_OK;
}

static int status_of(i128 b, i128 c, double t) {
  if (b == 0) return c == 0 ? KAM_RETENTION_INACTIVE : KAM_RETENTION_NEW;
  if (c == 0) return KAM_RETENTION_LOST;
  if ((double)c >= (double)b * (1.0 + t)) return KAM_RETENTION_EXPANDING;
  if ((double)c <= (double)b * (1.0 - t)) return KAM_RETENTION_CONTRACTING;
  return KAM_RETENTION_STABLE;
}

/* b and c of one history of length len padded at the front to N periods. */
static void base_current(i128 *b, i128 *c, const int64_t *h, size_t len, size_t N, size_t w) {
  size_t pad = N - len, j;
  *b = 0;
  *c = 0;
  /* padded period j (0-based) is h[j - pad] when j >= pad */
  for (j = N - 2 * w; j < N; j++) {
    if (j < pad) continue;
    if (j < N - w)
      *b += h[j - pad];
    else
      *c += h[j - pad];
  }
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
  size_t n, N = 0, w, i, d = 0, sz;
  wide_bridge all, st[KAM_RETENTION_STATUSES], cl[3];
  i128 retained_c = 0, retained_min = 0, hunt = 0, farm = 0;
  char *abc = NULL;
  int rc = KAM_OK, k;
  if (!p) return KAM_EINVAL;
  ctx = p->ctx;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_portfolio_retention: out is NULL");
  sz = out->struct_size;
  if (kam__struct_size_check(ctx, sz, KAM__FIELD_END(kam_retention, reserved),
                             "kam_portfolio_retention", "kam_retention"))
    return KAM_EINVAL;
  if ((rc = check_options(ctx, &opt, o))) return rc;
  n = p->count;
  if (s && (s->p != p || s->n != n))
    return kam__error(ctx, KAM_ESTATE,
                      "kam_portfolio_retention: the segmentation does not cover this portfolio's "
                      "%zu accounts",
                      n);
  for (i = 0; i < p->detail_len; i++)
    if (p->details[i].history_len > N) N = p->details[i].history_len;
  if (N < 2)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_portfolio_retention: needs a history of at least 2 periods (the longest "
                      "has %zu)",
                      N);
  w = opt.window ? opt.window : N / 2;
  if (w > N / 2)
    return kam__error(ctx, KAM_EINVAL,
                      "kam_portfolio_retention: window %zu is outside 1..%zu (N / 2, N = %zu)", w,
                      N / 2, N);
  if (s && n) {
    abc = kam__alloc(ctx, n);
    if (!abc) return kam__nomem(ctx);
    if ((rc = kam_segmentation_classes(abc, n, s))) goto done;
  }
  memset(&r, 0, sizeof r);
  memset(&all, 0, sizeof all);
  memset(st, 0, sizeof st);
  memset(cl, 0, sizeof cl);
  for (i = 0; i < n; i++) {
    i128 b = 0, c = 0;
    int status;
    while (d < p->detail_len && p->details[d].index < i)
      d++;
    if (d < p->detail_len && p->details[d].index == i && p->details[d].history_len)
      base_current(&b, &c, p->details[d].history, p->details[d].history_len, N, w);
    status = status_of(b, c, opt.threshold);
    r.count[status]++;
    bridge_add(&all, status, b, c);
    bridge_add(&st[status], status, b, c);
    if (abc) {
      int ci = abc[i] - 'A';
      r.class_count[ci][status]++;
      bridge_add(&cl[ci], status, b, c);
    }
    if (b > 0) {
      retained_c += c;
      retained_min += c < b ? c : b;
    }
    if (status == KAM_RETENTION_NEW || (kam__portfolio_flags(p, i) & KAM_ACCOUNT_NEW)) {
      r.hunting_count++;
      hunt += c;
    } else {
      r.farming_count++;
      farm += c;
    }
  }
  if ((rc = bridge_narrow(ctx, &r.bridge, &all, "the portfolio"))) goto done;
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    if ((rc = bridge_narrow(ctx, &r.by_status[k], &st[k], status_names[k]))) goto done;
  for (k = 0; k < 3 && abc; k++) {
    static const char *const cname[3] = {"class A", "class B", "class C"};
    if ((rc = bridge_narrow(ctx, &r.by_class[k], &cl[k], cname[k]))) goto done;
  }
  if (!fits(hunt) || !fits(farm)) {
    rc = kam__error(ctx, KAM_EOVERFLOW, "kam_portfolio_retention: the %s revenue exceeds INT64_MAX",
                    fits(hunt) ? "farming" : "hunting");
    goto done;
  }
  r.hunting = (int64_t)hunt;
  r.farming = (int64_t)farm;
  r.has_classes = s != NULL;
  r.accounts = n;
  r.periods = N;
  r.window = w;
  r.threshold = opt.threshold;
  r.nrr = all.start ? (double)retained_c / (double)all.start : NAN;
  r.grr = all.start ? (double)retained_min / (double)all.start : NAN;
  r.struct_size = out->struct_size;
  memcpy((char *)out + sizeof out->struct_size, (const char *)&r + sizeof out->struct_size,
         (sz < sizeof r ? sz : sizeof r) - sizeof out->struct_size);
done:
  if (abc) kam__free(ctx, abc, n);
  return rc;
}

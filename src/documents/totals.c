/*
 * totals.c - the proposal totals engine (DESIGN.md section 9).
 *
 * Every figure is int64 minor units; quantities and percentages are exact decimals. Products
 * are formed in 128-bit integers and rounded once, half away from zero, at each step the
 * DESIGN names (gross, discount, VAT), so no double ever touches money.
 */
#include <stdio.h>
#include <string.h>

#include "documents/money_internal.h"

static const int64_t pow10_i64[19] = {1,
                                      10,
                                      100,
                                      1000,
                                      10000,
                                      100000,
                                      1000000,
                                      10000000,
                                      100000000,
                                      1000000000,
                                      10000000000,
                                      100000000000,
                                      1000000000000,
                                      10000000000000,
                                      100000000000000,
                                      1000000000000000,
                                      10000000000000000,
                                      100000000000000000,
                                      1000000000000000000};

/* ---- decimals and rounding are decimal.c's --------------------------------------------- */

static bool scale_ok(int scale) { return scale >= 0 && scale <= KAM__DECIMAL_MAX_SCALE; }

/* ---- totals -------------------------------------------------------------------------- */

static const kam__decimal zero_pct = {0, 0};
static const kam__decimal hundred_pct = {100, 0};

/* The denominator that turns net * vat.coef into VAT: 100 * 10^scale, plus vat.coef when the
 * VAT is extracted from a price that includes it (v / (100 + v)). At most ~1.1e20. */
static kam__i128 vat_den(kam__decimal vat, bool included) {
  kam__i128 den = (kam__i128)100 * pow10_i64[vat.scale];
  return included ? den + vat.coef : den;
}

/* "items[i]", and ' "name"' when the line has one, for the messages; a long name is cut (at
 * a UTF-8 boundary) so the message keeps its place. */
typedef struct item_where {
  char text[96];
} item_where;

static const char *where(item_where *w, const kam__line_in *line, size_t i) {
  enum { NAME_MAX_BYTES = 48 };
  size_t len, cut;
  w->text[0] = '\0';
  len = (size_t)snprintf(w->text, sizeof w->text, "items[%zu]", i);
  if (!line->name || !line->name[0]) return w->text;
  cut = strlen(line->name);
  if (cut > NAME_MAX_BYTES) {
    cut = NAME_MAX_BYTES;
    while (cut > 0 && ((unsigned char)line->name[cut] & 0xC0) == 0x80)
      cut--;
  }
  snprintf(w->text + len, sizeof w->text - len, " \"%.*s%s\"", (int)cut, line->name,
           line->name[cut] ? "..." : "");
  return w->text;
}

static int check_line(const kam__line_in *in, size_t i, kam_ctx *ctx) {
  item_where w;
  char text[KAM__DECIMAL_TEXT_CAP];
  if (!scale_ok(in->quantity.scale))
    return kam__error(ctx, KAM_EINVAL, "%s: quantity has %d decimals (0..18 allowed)",
                      where(&w, in, i), in->quantity.scale);
  if (!scale_ok(in->discount_percent.scale))
    return kam__error(ctx, KAM_EINVAL, "%s: discount_percent has %d decimals (0..18 allowed)",
                      where(&w, in, i), in->discount_percent.scale);
  if (!scale_ok(in->vat_percent.scale))
    return kam__error(ctx, KAM_EINVAL, "%s: vat_percent has %d decimals (0..18 allowed)",
                      where(&w, in, i), in->vat_percent.scale);
  if (kam__decimal_cmp(in->discount_percent, zero_pct) < 0 ||
      kam__decimal_cmp(in->discount_percent, hundred_pct) > 0) {
    kam__decimal_format(text, in->discount_percent);
    return kam__error(ctx, KAM_EINVAL, "%s: discount_percent %s is outside 0..100",
                      where(&w, in, i), text);
  }
  if (kam__decimal_cmp(in->vat_percent, zero_pct) < 0) {
    kam__decimal_format(text, in->vat_percent);
    return kam__error(ctx, KAM_EINVAL, "%s: vat_percent %s is negative", where(&w, in, i), text);
  }
  return KAM_OK;
}

/* gross, discount and net of one line (vat and total are set by the caller's rounding mode). */
static int line_base(kam__line_out *lo, const kam__line_in *in, size_t i, kam_ctx *ctx) {
  item_where w;
  int rc = check_line(in, i, ctx);
  if (rc) return rc;
  if (kam__round_div(&lo->gross, (kam__i128)in->quantity.coef * in->unit_price,
                     pow10_i64[in->quantity.scale]))
    return kam__error(ctx, KAM_EOVERFLOW, "%s: quantity * unit_price does not fit int64",
                      where(&w, in, i));
  /* |discount| <= |gross| because discount% <= 100, so neither this nor net can overflow. */
  if (kam__round_div(&lo->discount, (kam__i128)lo->gross * in->discount_percent.coef,
                     (kam__i128)100 * pow10_i64[in->discount_percent.scale]))
    return kam__error(ctx, KAM_EOVERFLOW, "%s: discount does not fit int64", where(&w, in, i));
  lo->net = lo->gross - lo->discount;
  return KAM_OK;
}

static int line_finish(kam__line_out *lo, bool included, const kam__line_in *line, size_t i,
                       kam_ctx *ctx) {
  item_where w;
  if (included) {
    lo->total = lo->net;
    return KAM_OK;
  }
  if (kam__add_i64(&lo->total, lo->net, lo->vat))
    return kam__error(ctx, KAM_EOVERFLOW, "%s: net + VAT does not fit int64", where(&w, line, i));
  return KAM_OK;
}

static int sum_into(int64_t *acc, int64_t v, const char *what, const kam__line_in *line, size_t i,
                    kam_ctx *ctx) {
  item_where w;
  if (kam__add_i64(acc, *acc, v))
    return kam__error(ctx, KAM_EOVERFLOW,
                      "%s: the sum of the %s up to this item does not fit int64",
                      where(&w, line, i), what);
  return KAM_OK;
}

/* Line a before line b in the order of pass 2: by VAT rate, then by index. */
static bool vat_before(const kam__line_in *in, size_t a, size_t b, size_t *comparisons) {
  int c = kam__decimal_cmp(in[a].vat_percent, in[b].vat_percent);
  if (comparisons) ++*comparisons;
  return c < 0 || (c == 0 && a < b);
}

static void vat_sift_down(size_t *order, size_t root, size_t m, const kam__line_in *in,
                          size_t *comparisons) {
  for (;;) {
    size_t child = 2 * root + 1, t;
    if (child >= m) return;
    if (child + 1 < m && vat_before(in, order[child], order[child + 1], comparisons)) child++;
    if (!vat_before(in, order[root], order[child], comparisons)) return;
    t = order[root];
    order[root] = order[child];
    order[child] = t;
    root = child;
  }
}

/* A table of the distinct rates, kept sorted, for tables with few of them (the usual case). */
enum { FEW_RATES = 64 };
typedef struct rate_table {
  kam__decimal rate[FEW_RATES];
  size_t count[FEW_RATES]; /* lines per rate, then where the rate's next line goes */
  size_t len;
} rate_table;

/* Position of rate v in the table (binary search), or of where it would go; *found says. */
static size_t rate_find(const rate_table *t, kam__decimal v, bool *found, size_t *comparisons) {
  size_t lo = 0, hi = t->len;
  *found = false;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = kam__decimal_cmp(t->rate[mid], v);
    if (comparisons) ++*comparisons;
    if (c == 0) {
      *found = true;
      return mid;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Few distinct rates: a counting sort over the rate table (stable, so each rate's lines stay
 * in line order). false, with order untouched, when there are more than FEW_RATES. */
static bool few_rates_order(size_t *order, const kam__line_in *in, size_t n, size_t *comparisons) {
  rate_table t;
  size_t i, k, start = 0;
  bool found;
  memset(&t, 0, sizeof t);
  for (i = 0; i < n; i++) {
    k = rate_find(&t, in[i].vat_percent, &found, comparisons);
    if (!found) {
      if (t.len == FEW_RATES) return false;
      memmove(&t.rate[k + 1], &t.rate[k], (t.len - k) * sizeof t.rate[0]);
      memmove(&t.count[k + 1], &t.count[k], (t.len - k) * sizeof t.count[0]);
      t.rate[k] = in[i].vat_percent;
      t.count[k] = 0;
      t.len++;
    }
    t.count[k]++;
  }
  for (k = 0; k < t.len; k++) {
    size_t lines = t.count[k];
    t.count[k] = start;
    start += lines;
  }
  for (i = 0; i < n; i++)
    order[t.count[rate_find(&t, in[i].vat_percent, &found, comparisons)]++] = i;
  return true;
}

/* Up to FEW_RATES distinct rates a counting sort (two binary searches per line); beyond, a
 * heapsort: a worst-case bound whatever the rates are, and no memory beyond order. */
void kam__vat_order(size_t *order, const kam__line_in *in, size_t n, size_t *comparisons) {
  size_t i, m;
  if (few_rates_order(order, in, n, comparisons)) return;
  for (i = 0; i < n; i++)
    order[i] = i;
  for (i = n / 2; i > 0; i--)
    vat_sift_down(order, i - 1, n, in, comparisons);
  for (m = n; m > 1; m--) {
    size_t t = order[0];
    order[0] = order[m - 1];
    order[m - 1] = t;
    vat_sift_down(order, 0, m - 1, in, comparisons);
  }
}

/* One VAT rate, KAM__ROUND_TOTAL: the rate's VAT is rounded once on the summed nets, and each
 * line gets round(C_i) - round(C_(i-1)) of it (C_i: exact VAT of the chain up to line i), the
 * non-optional lines first, then the optional ones. */
typedef struct rate_chain {
  int64_t cum_net, rounded_vat; /* running net and round(its VAT) */
} rate_chain;

static int chain_step(int64_t *line_vat, rate_chain *ch, int64_t net, kam__decimal rate,
                      bool included, const kam__line_in *line, size_t i, kam_ctx *ctx) {
  item_where w;
  char text[KAM__DECIMAL_TEXT_CAP];
  int64_t rounded;
  if (kam__add_i64(&ch->cum_net, ch->cum_net, net) ||
      kam__round_div(&rounded, (kam__i128)ch->cum_net * rate.coef, vat_den(rate, included)) ||
      kam__sub_i64(line_vat, rounded, ch->rounded_vat)) {
    kam__decimal_format(text, rate);
    return kam__error(ctx, KAM_EOVERFLOW,
                      "%s: the running net or VAT of the %s%% VAT lines does not fit int64",
                      where(&w, line, i), text);
  }
  ch->rounded_vat = rounded;
  return KAM_OK;
}

/* What pass 2 shares across the VAT rates. */
typedef struct totals_pass {
  kam_totals *t;
  kam__line_out *lines;
  const kam__line_in *in;
  int rounding;
  bool included;
  kam_ctx *ctx;
} totals_pass;

/* Pass 2 for the m lines of one VAT rate (ids: their indices, ascending): with total rounding
 * the rate's VAT and the lines' shares; in both modes the rate's group. The group's rate is
 * written as on its first line. */
static int rate_pass(kam__vat_group *g, const totals_pass *ps, const size_t *ids, size_t m) {
  const kam__line_in *in = ps->in;
  kam__line_out *lines = ps->lines;
  kam_totals *t = ps->t;
  kam_ctx *ctx = ps->ctx;
  bool prices_include_vat = ps->included;
  kam__decimal rate = in[ids[0]].vat_percent;
  rate_chain chain = {0, 0};
  size_t k;
  int pass, rc;
  memset(g, 0, sizeof *g);
  g->rate = rate;
  for (pass = 0; pass < 2; pass++) { /* non-optional lines, then optional ones */
    for (k = 0; k < m; k++) {
      size_t i = ids[k];
      kam__line_out lo = {0, 0, 0, 0, 0};
      item_where w;
      if (in[i].optional != (pass == 1)) continue;
      if (ps->rounding == KAM__ROUND_TOTAL) {
        if (lines) {
          lo = lines[i];
        } else if ((rc = line_base(&lo, &in[i], i, ctx))) {
          return rc;
        }
        if ((rc = chain_step(&lo.vat, &chain, lo.net, rate, prices_include_vat, &in[i], i, ctx)) ||
            (rc = line_finish(&lo, prices_include_vat, &in[i], i, ctx)))
          return rc;
        if (lines) lines[i] = lo;
        if (pass == 1) {
          if ((rc = sum_into(&t->optional_total, lo.total, "optional line totals", &in[i], i, ctx)))
            return rc;
          continue;
        }
        if ((rc = sum_into(&t->vat, lo.vat, "VAT", &in[i], i, ctx)) ||
            (rc = sum_into(&t->total, lo.total, "line totals", &in[i], i, ctx)))
          return rc;
      } else if (pass == 1) {
        continue;
      } else if (lines) {
        lo = lines[i];
      } else {
        /* Line rounding without a lines array: recompute (the line passed pass 1). */
        if ((rc = line_base(&lo, &in[i], i, ctx))) return rc;
        if (kam__round_div(&lo.vat, (kam__i128)lo.net * rate.coef,
                           vat_den(rate, prices_include_vat)))
          return kam__error(ctx, KAM_EOVERFLOW, "%s: VAT does not fit int64", where(&w, &in[i], i));
        if ((rc = line_finish(&lo, prices_include_vat, &in[i], i, ctx))) return rc;
      }
      /* Non-optional line of this rate: into the group. */
      g->lines++;
      if ((rc = sum_into(&g->net, lo.net, "line nets", &in[i], i, ctx)) ||
          (rc = sum_into(&g->vat, lo.vat, "VAT", &in[i], i, ctx)) ||
          (rc = sum_into(&g->total, lo.total, "line totals", &in[i], i, ctx)))
        return rc;
    }
  }
  return KAM_OK;
}

int kam__totals_compute(kam_totals *out, kam__line_out *lines, kam__vat_group *groups,
                        size_t groups_cap, size_t *ngroups, const kam__line_in *in, size_t n,
                        int rounding, bool prices_include_vat, kam_ctx *ctx) {
  kam_totals t;
  size_t i, group_count = 0;
  int rc;
  if (!out || (!in && n)) return kam__error(ctx, KAM_EINVAL, "totals: NULL argument");
  if (rounding != KAM__ROUND_LINE && rounding != KAM__ROUND_TOTAL)
    return kam__error(ctx, KAM_EINVAL, "totals: rounding must be \"line\" or \"total\" (got %d)",
                      rounding);
  memset(&t, 0, sizeof t);
  t.struct_size = (uint32_t)sizeof t;

  /* Pass 1: validate every line, gross/discount/net, and with line rounding VAT and totals. */
  for (i = 0; i < n; i++) {
    kam__line_out lo = {0, 0, 0, 0, 0};
    item_where w;
    if ((rc = line_base(&lo, &in[i], i, ctx))) return rc;
    lo.vat = 0;
    if (rounding == KAM__ROUND_LINE) {
      if (kam__round_div(&lo.vat, (kam__i128)lo.net * in[i].vat_percent.coef,
                         vat_den(in[i].vat_percent, prices_include_vat)))
        return kam__error(ctx, KAM_EOVERFLOW, "%s: VAT does not fit int64", where(&w, &in[i], i));
      if ((rc = line_finish(&lo, prices_include_vat, &in[i], i, ctx))) return rc;
      if (in[i].optional) {
        if ((rc = sum_into(&t.optional_total, lo.total, "optional line totals", &in[i], i, ctx)))
          return rc;
      } else if ((rc = sum_into(&t.vat, lo.vat, "line VATs", &in[i], i, ctx)) ||
                 (rc = sum_into(&t.total, lo.total, "line totals", &in[i], i, ctx))) {
        return rc;
      }
    } else {
      lo.total = 0;
    }
    if (!in[i].optional) {
      if ((rc = sum_into(&t.gross, lo.gross, "line gross amounts", &in[i], i, ctx)) ||
          (rc = sum_into(&t.discount, lo.discount, "line discounts", &in[i], i, ctx)) ||
          (rc = sum_into(&t.net, lo.net, "line nets", &in[i], i, ctx)))
        return rc;
    }
    if (lines) lines[i] = lo;
  }

  /* Pass 2, once per distinct VAT rate in ascending order: the lines sorted by (rate, index)
   * so each rate's lines are one run, in line order. Small tables sort on the stack. */
  if (n && (rounding == KAM__ROUND_TOTAL || groups || ngroups)) {
    size_t small[KAM__TOTALS_STACK_LINES], *order = small, start, end;
    totals_pass ps;
    ps.t = &t;
    ps.lines = lines;
    ps.in = in;
    ps.rounding = rounding;
    ps.included = prices_include_vat;
    ps.ctx = ctx;
    if (n > KAM__TOTALS_STACK_LINES) {
      order = (size_t *)kam__alloc_array(ctx, n, sizeof *order);
      if (!order) return kam__nomem(ctx);
    }
    kam__vat_order(order, in, n, NULL);
    rc = KAM_OK;
    for (start = 0; start < n && !rc; start = end) {
      kam__vat_group g;
      for (end = start + 1; end < n && kam__decimal_cmp(in[order[end]].vat_percent,
                                                        in[order[start]].vat_percent) == 0;
           end++)
        ;
      rc = rate_pass(&g, &ps, order + start, end - start);
      if (!rc && g.lines) {
        if (groups && group_count < groups_cap) groups[group_count] = g;
        group_count++;
      }
    }
    if (order != small) kam__free(ctx, order, n * sizeof *order);
    if (rc) return rc;
  }
  *out = t;
  if (ngroups) *ngroups = group_count;
  return KAM_OK;
}

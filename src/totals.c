/*
 * totals.c - the proposal totals engine (DESIGN.md section 9).
 *
 * Every figure is int64 minor units; quantities and percentages are exact decimals. Products
 * are formed in 128-bit integers and rounded once, half away from zero, at each step the
 * DESIGN names (gross, discount, VAT), so no double ever touches money.
 */
#include <string.h>

#include "money_internal.h"

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

static int check_line(const kam__line_in *in, size_t i, kam_ctx *ctx) {
  char text[KAM__DECIMAL_TEXT_CAP];
  if (!scale_ok(in->quantity.scale))
    return kam__error(ctx, KAM_EINVAL, "items[%zu]: quantity has %d decimals (0..18 allowed)", i,
                      in->quantity.scale);
  if (!scale_ok(in->discount_percent.scale))
    return kam__error(ctx, KAM_EINVAL,
                      "items[%zu]: discount_percent has %d decimals (0..18 allowed)", i,
                      in->discount_percent.scale);
  if (!scale_ok(in->vat_percent.scale))
    return kam__error(ctx, KAM_EINVAL, "items[%zu]: vat_percent has %d decimals (0..18 allowed)", i,
                      in->vat_percent.scale);
  if (kam__decimal_cmp(in->discount_percent, zero_pct) < 0 ||
      kam__decimal_cmp(in->discount_percent, hundred_pct) > 0) {
    kam__decimal_format(text, in->discount_percent);
    return kam__error(ctx, KAM_EINVAL, "items[%zu]: discount_percent %s is outside 0..100", i,
                      text);
  }
  if (kam__decimal_cmp(in->vat_percent, zero_pct) < 0) {
    kam__decimal_format(text, in->vat_percent);
    return kam__error(ctx, KAM_EINVAL, "items[%zu]: vat_percent %s is negative", i, text);
  }
  return KAM_OK;
}

/* gross, discount and net of one line (vat and total are set by the caller's rounding mode). */
static int line_base(kam__line_out *lo, const kam__line_in *in, size_t i, kam_ctx *ctx) {
  int rc = check_line(in, i, ctx);
  if (rc) return rc;
  if (kam__round_div(&lo->gross, (kam__i128)in->quantity.coef * in->unit_price,
                     pow10_i64[in->quantity.scale]))
    return kam__error(ctx, KAM_EOVERFLOW, "items[%zu]: quantity * unit_price does not fit int64",
                      i);
  /* |discount| <= |gross| because discount% <= 100, so neither this nor net can overflow. */
  if (kam__round_div(&lo->discount, (kam__i128)lo->gross * in->discount_percent.coef,
                     (kam__i128)100 * pow10_i64[in->discount_percent.scale]))
    return kam__error(ctx, KAM_EOVERFLOW, "items[%zu]: discount does not fit int64", i);
  lo->net = lo->gross - lo->discount;
  return KAM_OK;
}

static int line_finish(kam__line_out *lo, bool included, size_t i, kam_ctx *ctx) {
  if (included) {
    lo->total = lo->net;
    return KAM_OK;
  }
  if (kam__add_i64(&lo->total, lo->net, lo->vat))
    return kam__error(ctx, KAM_EOVERFLOW, "items[%zu]: net + VAT does not fit int64", i);
  return KAM_OK;
}

static int sum_into(int64_t *acc, int64_t v, const char *what, kam_ctx *ctx) {
  if (kam__add_i64(acc, *acc, v))
    return kam__error(ctx, KAM_EOVERFLOW, "the sum of the %s does not fit int64", what);
  return KAM_OK;
}

/* The smallest VAT rate strictly above *after (any rate when after is NULL); false if none. */
static bool next_rate(kam__decimal *rate, const kam__line_in *in, size_t n,
                      const kam__decimal *after) {
  bool found = false;
  size_t i;
  for (i = 0; i < n; i++) {
    kam__decimal v = in[i].vat_percent;
    if (after && kam__decimal_cmp(v, *after) <= 0) continue;
    if (!found || kam__decimal_cmp(v, *rate) < 0) {
      *rate = v;
      found = true;
    }
  }
  return found;
}

/* One VAT rate, KAM__ROUND_TOTAL: the rate's VAT is rounded once on the summed nets, and each
 * line gets round(C_i) - round(C_(i-1)) of it (C_i: exact VAT of the chain up to line i), the
 * non-optional lines first, then the optional ones. */
typedef struct rate_chain {
  int64_t cum_net, rounded_vat; /* running net and round(its VAT) */
} rate_chain;

static int chain_step(int64_t *line_vat, rate_chain *ch, int64_t net, kam__decimal rate,
                      bool included, size_t i, kam_ctx *ctx) {
  char text[KAM__DECIMAL_TEXT_CAP];
  int64_t rounded;
  if (kam__add_i64(&ch->cum_net, ch->cum_net, net) ||
      kam__round_div(&rounded, (kam__i128)ch->cum_net * rate.coef, vat_den(rate, included)) ||
      kam__sub_i64(line_vat, rounded, ch->rounded_vat)) {
    kam__decimal_format(text, rate);
    return kam__error(ctx, KAM_EOVERFLOW,
                      "items[%zu]: the running net or VAT of the %s%% VAT lines does not fit int64",
                      i, text);
  }
  ch->rounded_vat = rounded;
  return KAM_OK;
}

int kam__totals_compute(kam_totals *out, kam__line_out *lines, kam__vat_group *groups,
                        size_t groups_cap, size_t *ngroups, const kam__line_in *in, size_t n,
                        int rounding, bool prices_include_vat, kam_ctx *ctx) {
  kam_totals t;
  size_t i, group_count = 0;
  kam__decimal rate = zero_pct;
  bool have_rate;
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
    if ((rc = line_base(&lo, &in[i], i, ctx))) return rc;
    lo.vat = 0;
    if (rounding == KAM__ROUND_LINE) {
      if (kam__round_div(&lo.vat, (kam__i128)lo.net * in[i].vat_percent.coef,
                         vat_den(in[i].vat_percent, prices_include_vat)))
        return kam__error(ctx, KAM_EOVERFLOW, "items[%zu]: VAT does not fit int64", i);
      if ((rc = line_finish(&lo, prices_include_vat, i, ctx))) return rc;
      if (in[i].optional) {
        if ((rc = sum_into(&t.optional_total, lo.total, "optional line totals", ctx))) return rc;
      } else if ((rc = sum_into(&t.vat, lo.vat, "line VATs", ctx)) ||
                 (rc = sum_into(&t.total, lo.total, "line totals", ctx))) {
        return rc;
      }
    } else {
      lo.total = 0;
    }
    if (!in[i].optional) {
      if ((rc = sum_into(&t.gross, lo.gross, "line gross amounts", ctx)) ||
          (rc = sum_into(&t.discount, lo.discount, "line discounts", ctx)) ||
          (rc = sum_into(&t.net, lo.net, "line nets", ctx)))
        return rc;
    }
    if (lines) lines[i] = lo;
  }

  /* Pass 2, once per distinct VAT rate in ascending order (no allocation): with total
   * rounding the rate's VAT and the lines' shares; in both modes the per-rate groups. */
  if (rounding == KAM__ROUND_TOTAL || groups || ngroups) {
    have_rate = next_rate(&rate, in, n, NULL);
    while (have_rate) {
      rate_chain chain = {0, 0};
      kam__vat_group g;
      int pass;
      memset(&g, 0, sizeof g);
      g.rate = rate;
      for (pass = 0; pass < 2; pass++) { /* non-optional lines, then optional ones */
        for (i = 0; i < n; i++) {
          kam__line_out lo = {0, 0, 0, 0, 0};
          if (in[i].optional != (pass == 1) || kam__decimal_cmp(in[i].vat_percent, rate) != 0)
            continue;
          if (rounding == KAM__ROUND_TOTAL) {
            if (lines) {
              lo = lines[i];
            } else if ((rc = line_base(&lo, &in[i], i, ctx))) {
              return rc;
            }
            if ((rc = chain_step(&lo.vat, &chain, lo.net, rate, prices_include_vat, i, ctx)) ||
                (rc = line_finish(&lo, prices_include_vat, i, ctx)))
              return rc;
            if (lines) lines[i] = lo;
            if (pass == 1) {
              if ((rc = sum_into(&t.optional_total, lo.total, "optional line totals", ctx)))
                return rc;
              continue;
            }
            if ((rc = sum_into(&t.vat, lo.vat, "VAT", ctx)) ||
                (rc = sum_into(&t.total, lo.total, "line totals", ctx)))
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
              return kam__error(ctx, KAM_EOVERFLOW, "items[%zu]: VAT does not fit int64", i);
            if ((rc = line_finish(&lo, prices_include_vat, i, ctx))) return rc;
          }
          /* Non-optional line of this rate: into the group. */
          g.lines++;
          if ((rc = sum_into(&g.net, lo.net, "line nets", ctx)) ||
              (rc = sum_into(&g.vat, lo.vat, "VAT", ctx)) ||
              (rc = sum_into(&g.total, lo.total, "line totals", ctx)))
            return rc;
        }
      }
      if (g.lines) {
        if (groups && group_count < groups_cap) groups[group_count] = g;
        group_count++;
      }
      {
        kam__decimal done = rate;
        have_rate = next_rate(&rate, in, n, &done);
      }
    }
  }
  *out = t;
  if (ngroups) *ngroups = group_count;
  return KAM_OK;
}

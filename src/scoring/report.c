/*
 * report.c - segmentation reports: JSON (kam_segmentation_write_json) and the SVG Pareto chart
 * (kam_segmentation_write_svg), plus the amount text that csv.c shares.
 *
 * Both writers stream: one pass over the accounts in rank order through
 * kam_segmentation_foreach, output handed to the host in blocks of KAM__OUT_BLOCK bytes. The
 * JSON never holds more than one account's text; the chart holds at most SVG_MAX_BINS bins.
 */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "scoring/io_internal.h"
#include "scoring/portfolio_internal.h"
#include "kam/retention.h"

int kam__segmentation_write_check(kam_ctx **ctx, const kam_segmentation *s, kam_write_fn write,
                                  const char *fn) {
  if (!s) return KAM_EINVAL;
  *ctx = kam__segmentation_ctx(s);
  if (!write) return kam__error(*ctx, KAM_EINVAL, "%s: write is NULL", fn);
  return KAM_OK;
}

/* The summary the JSON and the chart open with. */
static int summary_of(kam_summary *sm, const kam_segmentation *s) {
  memset(sm, 0, sizeof *sm);
  sm->struct_size = sizeof *sm;
  return kam_segmentation_summary(sm, s);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

/* A JSON string, escaped as writer_internal.h says; NULL writes null. */
static int json_string(kam__out *o, const char *s) {
  return kam__out_json_string(o, s, s ? strlen(s) : 0);
}

static int json_double(kam__out *o, double v) {
  char b[32];
  if (!isfinite(v)) return kam__out_put(o, "null", 4);
  return kam__out_put(o, b, kam__fmt_double(b, v));
}

static int json_int(kam__out *o, int64_t v) {
  char b[32];
  int n = snprintf(b, sizeof b, "%lld", (long long)v);
  return kam__out_put(o, b, (size_t)n);
}

static int json_size(kam__out *o, size_t v) {
  char b[32];
  int n = snprintf(b, sizeof b, "%zu", v);
  return kam__out_put(o, b, (size_t)n);
}

typedef struct json_writer {
  kam__out out;
  const kam_portfolio *p;
  bool first;
} json_writer;

/* A member's key text, ",\"name\":" (a record's first member skips the comma), then its
 * number: kind 'z' a size_t, 'i' an int64_t, 'd' a double (null when not finite) at p. */
static int json_number(kam__out *o, const char *key, char kind, const void *p) {
  int rc = kam__out_puts(o, key);
  if (rc) return rc;
  if (kind == 'z') {
    size_t v;
    memcpy(&v, p, sizeof v);
    return json_size(o, v);
  }
  if (kind == 'i') {
    int64_t v;
    memcpy(&v, p, sizeof v);
    return json_int(o, v);
  }
  {
    double v;
    memcpy(&v, p, sizeof v);
    return json_double(o, v);
  }
}

/* The number members of a record, in the order the report writes them. */
typedef struct json_field {
  const char *key; /* ",\"name\":" */
  char kind;       /* as json_number */
  size_t offset;   /* of the field in the record */
} json_field;

static int json_fields(kam__out *o, const void *rec, const json_field *f, size_t n, bool first) {
  size_t i;
  int rc = 0;
  for (i = 0; i < n && rc == 0; i++)
    rc = json_number(o, first && i == 0 ? f[i].key + 1 : f[i].key, f[i].kind,
                     (const char *)rec + f[i].offset);
  return rc;
}

/* A string member (key as json_field's); NULL writes null. */
static int json_member_string(kam__out *o, const char *key, const char *s) {
  int rc = kam__out_puts(o, key);
  return rc ? rc : json_string(o, s);
}

static int json_member_bool(kam__out *o, const char *key, bool b) {
  int rc = kam__out_puts(o, key);
  return rc ? rc : kam__out_puts(o, b ? "true" : "false");
}

#define SCORE_FIELD(name, kind)                                                                    \
  { ",\"" #name "\":", kind, offsetof(kam_account_score, name) }
#define SUMMARY_FIELD(name, kind)                                                                  \
  { ",\"" #name "\":", kind, offsetof(kam_summary, name) }

/* key, then a JSON array of the names name_of gives the set bits of flags (lowest first). */
static int json_flag_names(kam__out *o, const char *key, uint32_t flags,
                           const char *(*name_of)(uint32_t)) {
  bool any = false;
  unsigned k;
  int rc = kam__out_puts(o, key);
  for (k = 0; rc == 0 && k < 32; k++) {
    const char *name = (flags & (1u << k)) ? name_of(1u << k) : NULL;
    if (!name) continue;
    if ((rc = kam__out_puts(o, any ? ",\"" : "\"")) == 0 && (rc = kam__out_puts(o, name)) == 0)
      rc = kam__out_puts(o, "\"");
    any = true;
  }
  return rc ? rc : kam__out_puts(o, "]");
}

static int json_account(void *ud, const kam_account_score *sc) {
  static const json_field place[] = {SCORE_FIELD(rank, 'z'), SCORE_FIELD(index, 'z')};
  static const json_field revenue[] = {SCORE_FIELD(revenue, 'i'), SCORE_FIELD(share, 'd'),
                                       SCORE_FIELD(cum_share, 'd')};
  static const json_field scores[] = {SCORE_FIELD(cv, 'd'), SCORE_FIELD(trend, 'd'),
                                      SCORE_FIELD(npv, 'd'), SCORE_FIELD(score, 'd')};
  static const json_field health[] = {SCORE_FIELD(relationship, 'd'), SCORE_FIELD(health, 'd')};
  json_writer *w = (json_writer *)ud;
  kam__out *o = &w->out;
  char abc[2] = {sc->abc, 0}, xyz[2] = {sc->xyz, 0};
  unsigned flags = kam__portfolio_flags(w->p, sc->index);
  int rc;
#define J(call)                                                                                    \
  do {                                                                                             \
    if ((rc = (call)) != 0) return rc;                                                             \
  } while (0)
  J(kam__out_puts(o, w->first ? "\n{" : ",\n{"));
  w->first = false;
  J(json_fields(o, sc, place, 2, true));
  J(json_member_string(o, ",\"id\":", sc->id));
  J(json_member_string(o, ",\"name\":", kam__portfolio_name(w->p, sc->index)));
  J(json_member_string(o, ",\"group\":", kam__portfolio_group(w->p, sc->index)));
  J(json_fields(o, sc, revenue, 3, false));
  J(json_member_string(o, ",\"abc\":", abc));
  J(json_member_string(
      o, ",\"xyz\":", sc->xyz == 'X' || sc->xyz == 'Y' || sc->xyz == 'Z' ? xyz : NULL));
  J(json_fields(o, sc, scores, 4, false));
  J(json_member_bool(o, ",\"strategic\":", flags & KAM_ACCOUNT_STRATEGIC));
  J(json_member_bool(o, ",\"new\":", flags & KAM_ACCOUNT_NEW));
  J(json_member_bool(o, ",\"key\":", sc->key_reasons != 0));
  J(json_flag_names(o, ",\"key_reasons\":[", sc->key_reasons, kam_key_reason_name));
  if (sc->has_margin)
    J(json_number(o, ",\"margin\":", 'i', &sc->margin));
  else
    J(kam__out_puts(o, ",\"margin\":null"));
  J(json_member_bool(o, ",\"unprofitable\":", sc->unprofitable != 0));
  J(json_number(o, ",\"customer_rank\":", 'z', &sc->customer_rank));
  J(json_member_string(o, ",\"status\":", kam_retention_status_name(sc->status)));
  J(json_fields(o, sc, health, 2, false));
  J(json_member_string(o, ",\"light\":", kam_health_light_name(sc->light)));
  J(json_flag_names(o, ",\"health_reasons\":[", sc->health_reasons, kam_health_reason_name));
  return kam__out_puts(o, "}");
}

static int json_summary(kam__out *o, const kam_summary *sm) {
  static const json_field counts[] = {SUMMARY_FIELD(accounts, 'z'),
                                      SUMMARY_FIELD(key_accounts, 'z'),
                                      SUMMARY_FIELD(total_revenue, 'i')};
  static const json_field concentration[] = {
      SUMMARY_FIELD(hhi, 'd'), SUMMARY_FIELD(effective_accounts, 'd'), SUMMARY_FIELD(gini, 'd'),
      SUMMARY_FIELD(top20_share, 'd')};
  static const json_field economics[] = {SUMMARY_FIELD(customers, 'z'),
                                         SUMMARY_FIELD(key_revenue_share, 'd'),
                                         SUMMARY_FIELD(basis_total, 'i'),
                                         SUMMARY_FIELD(total_margin, 'i'),
                                         SUMMARY_FIELD(margin_accounts, 'z'),
                                         SUMMARY_FIELD(unprofitable, 'z'),
                                         SUMMARY_FIELD(unprofitable_revenue, 'i'),
                                         SUMMARY_FIELD(key_unprofitable, 'z')};
  static const json_field health[] = {SUMMARY_FIELD(red_accounts, 'z'),
                                      SUMMARY_FIELD(revenue_at_risk, 'i')};
  static const char *const cls[3] = {"A", "B", "C"};
  int rc, k;
  J(kam__out_puts(o, "{\"summary\":{"));
  J(json_fields(o, sm, counts, 3, true));
  J(kam__out_puts(o, ",\"classes\":{"));
  for (k = 0; k < 3; k++) {
    double share = sm->total_revenue ? (double)sm->revenue[k] / (double)sm->total_revenue : 0;
    J(kam__out_puts(o, k ? ",\"" : "\""));
    J(kam__out_puts(o, cls[k]));
    J(json_number(o, "\":{\"accounts\":", 'z', &sm->count[k]));
    J(json_number(o, ",\"revenue\":", 'i', &sm->revenue[k]));
    J(json_number(o, ",\"share\":", 'd', &share));
    J(json_number(o, ",\"margin_pct\":", 'd', &sm->margin_pct[k]));
    J(kam__out_puts(o, "}"));
  }
  J(kam__out_puts(o, "}"));
  J(json_fields(o, sm, concentration, 4, false));
  J(json_member_string(o, ",\"basis\":", sm->basis == KAM_BASIS_MARGIN ? "margin" : "revenue"));
  J(json_member_string(o, ",\"unit\":", sm->unit == KAM_UNIT_GROUP ? "group" : "account"));
  J(json_fields(o, sm, economics, sizeof economics / sizeof economics[0], false));
  J(json_fields(o, sm, health, 2, false));
  return kam__out_puts(o, "},\n\"accounts\":[");
}
#undef SCORE_FIELD
#undef SUMMARY_FIELD

int kam_segmentation_write_json(const kam_segmentation *s, kam_write_fn write, void *ud) {
  json_writer w;
  kam_summary sm;
  kam_ctx *ctx;
  int rc;
  if ((rc = kam__segmentation_write_check(&ctx, s, write, "kam_segmentation_write_json")) != 0 ||
      (rc = summary_of(&sm, s)) != 0)
    return rc;
  memset(&w, 0, sizeof w);
  w.p = kam__segmentation_portfolio(s);
  w.first = true;
  kam__out_init(&w.out, ctx, write, ud);
  rc = json_summary(&w.out, &sm);
  if (rc == KAM_OK) rc = kam_segmentation_foreach(s, KAM_ORDER_RANK, json_account, &w);
  if (rc == KAM_OK) rc = kam__out_puts(&w.out, "\n]}\n");
  if (rc == KAM_OK) rc = kam__out_flush(&w.out);
  return rc;
}
#undef J

/* ------------------------------------------------------------------------------------------ */
/* SVG Pareto chart                                                                            */

#define SVG_MAX_BINS 200 /* more accounts than this are aggregated into this many bars */
#define SVG_LABELS 40    /* up to this many accounts, each bar is labelled with its id */
#define SVG_LABEL_BYTES 48

/* Geometry: a 960 x 600 canvas, the plot area inside these margins. */
#define SVG_W 960.0
#define SVG_H 600.0
#define PX0 90.0
#define PX1 870.0
#define PY0 84.0

typedef struct svg_bin {
  size_t first, count; /* ranks (0-based) covered */
  int64_t revenue;
  double share_sum; /* basis margin: the accounts' shares (their margins are not summed) */
  double cum_share; /* through the last account of the bin */
  char abc;         /* class of the first account */
  char label[SVG_LABEL_BYTES];
} svg_bin;

typedef struct svg_writer {
  kam__out out;
  svg_bin *bins;
  size_t nbins, n;
  double py1;  /* bottom of the plot area: lower when no id labels need the room */
  bool margin; /* basis margin: bars and words are about the gross margin */
} svg_writer;

/* Fixed-point text of v with `decimals` (0..3) decimals, no locale, "-0" avoided. */
static size_t fmt_fixed(char *buf, double v, int decimals) {
  static const double scale[] = {1, 10, 100, 1000};
  long long m;
  size_t n;
  if (!isfinite(v)) v = 0;
  if (v > 1e15) v = 1e15;
  if (v < -1e15) v = -1e15;
  m = llround(v * scale[decimals]);
  if (decimals == 0) return (size_t)snprintf(buf, 32, "%lld", m);
  n = (size_t)snprintf(buf, 32, "%s%lld.%0*lld", m < 0 ? "-" : "",
                       (m < 0 ? -m : m) / (long long)scale[decimals], decimals,
                       (m < 0 ? -m : m) % (long long)scale[decimals]);
  return n;
}

/* A count with ',' between groups of three digits ("10,000,000"), as the chart's English text. */
static const char *fmt_count(char *buf, size_t v) {
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%zu", v), i, o = 0;
  for (i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) buf[o++] = ',';
    buf[o++] = tmp[i];
  }
  buf[o] = '\0';
  return buf;
}

static int svg_num(kam__out *o, double v) {
  char b[32];
  return kam__out_put(o, b, fmt_fixed(b, v, 1));
}

/* XML text: & < > " ' escaped; invalid UTF-8 and control characters become U+FFFD / space. */
static int svg_text(kam__out *o, const char *s, size_t len) {
  size_t i = 0, start = 0;
  int rc;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    const char *rep = NULL;
    size_t step = 1;
    if (c == '&')
      rep = "&amp;";
    else if (c == '<')
      rep = "&lt;";
    else if (c == '>')
      rep = "&gt;";
    else if (c == '"')
      rep = "&quot;";
    else if (c == '\'')
      rep = "&#39;";
    else if (c < 0x20 || c == 0x7F)
      rep = " ";
    else if (c >= 0x80) {
      uint32_t cp;
      step = kam__utf8_decode(s + i, len - i, &cp);
      if (step == 0) {
        step = 1;
        rep = "\xEF\xBF\xBD";
      } else if (cp == 0xFFFE || cp == 0xFFFF) {
        rep = "\xEF\xBF\xBD";
      }
    }
    if (!rep) {
      i += step;
      continue;
    }
    if ((rc = kam__out_put(o, s + start, i - start)) != 0) return rc;
    if ((rc = kam__out_puts(o, rep)) != 0) return rc;
    i += step;
    start = i;
  }
  return kam__out_put(o, s + start, len - start);
}

static int svg_bin_account(void *ud, const kam_account_score *sc) {
  svg_writer *w = (svg_writer *)ud;
  size_t r = sc->rank - 1;
  /* bin b covers ranks [b*n/nbins, (b+1)*n/nbins); n * nbins fits: n < SIZE_MAX / 256 */
  size_t b = (size_t)((unsigned long long)r * w->nbins / w->n);
  svg_bin *bin;
  if (b >= w->nbins) b = w->nbins - 1;
  bin = &w->bins[b];
  if (bin->count == 0) {
    bin->first = r;
    bin->abc = sc->abc;
    if (w->n <= SVG_LABELS) {
      /* the id, cut to 14 code points on a UTF-8 boundary */
      size_t len = strlen(sc->id), i = 0, cps = 0;
      while (i < len && cps < 14 && i < SVG_LABEL_BYTES - 8) {
        uint32_t cp;
        size_t step = kam__utf8_decode(sc->id + i, len - i, &cp);
        i += step ? step : 1;
        cps++;
      }
      memcpy(bin->label, sc->id, i);
      if (i < len)
        memcpy(bin->label + i, "\xE2\x80\xA6", 4); /* … */
      else
        bin->label[i] = '\0';
    }
  }
  bin->count++;
  bin->revenue += sc->revenue; /* bins are parts of the total, which fits */
  bin->share_sum += sc->share;
  bin->cum_share = sc->cum_share;
  return KAM_OK;
}

/* A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) for about 5 ticks up to max. */
static double nice_step(double max) {
  double raw = max / 5, p = 1, m;
  if (!(raw > 0)) return 1;
  while (p * 10 <= raw)
    p *= 10;
  while (p > raw)
    p /= 10;
  m = raw / p;
  return p * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10);
}

static int decimals_for(double step) {
  if (step >= 1) return step == floor(step) ? 0 : 1;
  if (step >= 0.1) return 1;
  if (step >= 0.01) return 2;
  return 3;
}

#define P(str) J(kam__out_puts(o, str))
#define N(v) J(svg_num(o, v))
#define J(call)                                                                                    \
  do {                                                                                             \
    if ((rc = (call)) != 0) return rc;                                                             \
  } while (0)

/* The height of a bar as a share of revenue. With aggregation, bins hold floor(n/nbins) or one
 * more accounts; the bar is scaled to the nominal n/nbins accounts so that the bars are a
 * smooth density ("share of revenue per 0.5 % of accounts"), not a saw-tooth of 2s and 3s. */
static double bar_share(const svg_writer *w, const svg_bin *bin, int64_t total) {
  double sh;
  if (w->margin) total = 1; /* the shares are summed instead */
  if (total <= 0 || bin->count == 0) return 0;
  sh = w->margin ? bin->share_sum : (double)bin->revenue / (double)total;
  if (w->n > w->nbins) sh *= (double)w->n / (double)w->nbins / (double)bin->count;
  return sh;
}

/* The start of a <line> element, up to the open quote of its last coordinate: the caller
 * closes it with its own attributes. */
static int svg_line(kam__out *o, double x1, double x2, double y1, double y2) {
  int rc;
  P("<line x1=\"");
  N(x1);
  P("\" x2=\"");
  N(x2);
  P("\" y1=\"");
  N(y1);
  P("\" y2=\"");
  N(y2);
  return KAM_OK;
}

/* A legend entry: a short line drawn with the given stroke attributes, then its label. */
static int svg_legend_line(kam__out *o, double x, double y, const char *stroke, const char *label) {
  int rc;
  P("<line ");
  P(stroke);
  P(" x1=\"");
  N(x);
  P("\" x2=\"");
  N(x + 24);
  P("\" y1=\"");
  N(y - 4);
  P("\" y2=\"");
  N(y - 4);
  P("\"/>\n<text x=\"");
  N(x + 30);
  P("\" y=\"");
  N(y);
  P("\">");
  P(label);
  P("</text>\n");
  return KAM_OK;
}

static int svg_emit(svg_writer *w, const kam_summary *sm, const kam_segment_options *so) {
  static const char *const fill[3] = {"#1f5fa8", "#6b9fd6", "#c3d4e6"};
  kam__out *o = &w->out;
  double pw = PX1 - PX0, ph = w->py1 - PY0, max_share = 0, step, top;
  char b[128]; /* the longest line: two 40-byte counts and the words around them */
  size_t i, bound[2];
  int rc, k, dec, tick, nticks;
  bool labelled = w->n > 0 && w->n <= SVG_LABELS;
  const char *what = w->margin ? "gross margin" : "revenue";
  for (i = 0; i < w->nbins; i++) {
    double sh = bar_share(w, &w->bins[i], sm->total_revenue);
    if (sh > max_share) max_share = sh;
  }
  step = nice_step(max_share * 100);
  top = step * ceil(max_share * 100 / step - 1e-9);
  if (top <= 0) top = step * 5;
  /* top is a whole number of steps; count the ticks in integers so that no rounding error
   * piles up along the axis (and the last tick is never lost or doubled). */
  nticks = (int)floor(top / step + 1e-6);
  dec = decimals_for(step);
  P("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"600\" "
    "viewBox=\"0 0 960 600\" role=\"img\" aria-labelledby=\"kam-title\" "
    "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"12\">\n"
    "<title id=\"kam-title\">Pareto chart of ");
  P(what);
  P(" by account</title>\n"
    "<rect width=\"960\" height=\"600\" fill=\"#ffffff\"/>\n"
    "<text x=\"480\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" font-weight=\"bold\">"
    "Pareto chart of ");
  P(what);
  P(" by account</text>\n");
  /* Subtitle: size and the headline figure. */
  P("<text x=\"480\" y=\"52\" text-anchor=\"middle\" font-size=\"13\" fill=\"#444\">");
  if (w->n == 0) {
    P("no accounts");
  } else {
    char cnt[40];
    snprintf(b, sizeof b, "%s account%s", fmt_count(cnt, w->n), w->n == 1 ? "" : "s");
    P(b);
    if (sm->basis_total == 0) {
      P(w->margin ? ", no positive margin" : ", total revenue 0");
    } else {
      char pct[32];
      fmt_fixed(pct, sm->top20_share * 100, 1);
      snprintf(b, sizeof b, "; the top 20 %% %s %s %% of %s",
               sm->unit == KAM_UNIT_GROUP || w->margin ? "of customers bring" : "bring", pct, what);
      P(b);
    }
    if (w->n > w->nbins) {
      size_t per = w->n / w->nbins;
      char c1[40], c2[40];
      if (w->n % w->nbins)
        snprintf(b, sizeof b, "; each bar: %s-%s accounts", fmt_count(c1, per),
                 fmt_count(c2, per + 1));
      else
        snprintf(b, sizeof b, "; each bar: %s accounts", fmt_count(c1, per));
      P(b);
    }
  }
  P("</text>\n");
  /* Grid and left axis (share per bar). */
  P("<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
  for (tick = 0; tick <= nticks; tick++) {
    double y = w->py1 - ph * (step * tick) / top;
    J(svg_line(o, PX0, PX1, y, y));
    P("\"/>\n");
  }
  P("</g>\n<g font-size=\"11\" fill=\"#333\" text-anchor=\"end\">\n");
  for (tick = 0; tick <= nticks; tick++) {
    double t = step * tick;
    char v[32];
    fmt_fixed(v, t, dec);
    snprintf(b, sizeof b, "%s %%", v);
    P("<text x=\"");
    N(PX0 - 8);
    P("\" y=\"");
    N(w->py1 - ph * t / top + 4);
    P("\">");
    P(b);
    P("</text>\n");
  }
  P("</g>\n<g font-size=\"11\" fill=\"#b03a2e\" text-anchor=\"start\">\n");
  for (k = 0; k <= 100; k += 20) {
    P("<text x=\"");
    N(PX1 + 8);
    P("\" y=\"");
    N(w->py1 - ph * k / 100.0 + 4);
    snprintf(b, sizeof b, "\">%d %%</text>\n", k);
    P(b);
  }
  P("</g>\n");
  /* Bars. */
  P("<g stroke=\"none\">\n");
  for (i = 0; i < w->nbins; i++) {
    const svg_bin *bin = &w->bins[i];
    double sh = bar_share(w, bin, sm->total_revenue);
    double x = PX0 + pw * (double)bin->first / (double)w->n;
    double bw = pw * (double)bin->count / (double)w->n;
    double h = ph * sh * 100 / top, gap = bw > 4 ? bw * 0.15 : 0;
    int c = bin->abc == 'A' ? 0 : bin->abc == 'B' ? 1 : 2;
    if (bin->count == 0) continue;
    P("<rect x=\"");
    N(x + gap / 2);
    P("\" y=\"");
    N(w->py1 - h);
    P("\" width=\"");
    N(bw - gap);
    P("\" height=\"");
    N(h);
    P("\" fill=\"");
    P(fill[c]);
    P("\"/>\n");
  }
  P("</g>\n");
  /* Class boundaries: vertical dashed lines where A and B end, with the class names. */
  bound[0] = sm->count[0];
  bound[1] = sm->count[0] + sm->count[1];
  if (w->n) {
    size_t from = 0;
    for (k = 0; k < 3; k++) {
      size_t to = k < 2 ? bound[k] : w->n;
      double xa = PX0 + pw * (double)from / (double)w->n, xb = PX0 + pw * (double)to / (double)w->n;
      if (to > from) {
        P("<text x=\"");
        N((xa + xb) / 2);
        P("\" y=\"");
        N(PY0 - 10);
        snprintf(b, sizeof b,
                 "\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" "
                 "fill=\"#333\">%c</text>\n",
                 "ABC"[k]);
        P(b);
      }
      if (k < 2 && bound[k] > 0 && bound[k] < w->n) {
        double x = xb;
        J(svg_line(o, x, x, PY0 - 4, w->py1));
        P("\" stroke=\"#555\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>\n");
      }
      from = to;
    }
  }
  /* The thresholds on the cumulative axis (a_share, b_share), dotted. */
  for (k = 0; k < 2 && w->n; k++) {
    double sh = k == 0 ? so->a_share : so->b_share, y;
    char v[32];
    if (!(sh > 0 && sh <= 1)) continue;
    y = w->py1 - ph * sh;
    J(svg_line(o, PX0, PX1, y, y));
    P("\" stroke=\"#b03a2e\" stroke-width=\"0.8\" stroke-dasharray=\"2 3\"/>\n<text x=\"");
    N(PX1 - 4);
    P("\" y=\"");
    N(y - 4);
    fmt_fixed(v, sh * 100, sh * 100 == floor(sh * 100) ? 0 : 1);
    snprintf(b, sizeof b, "\" text-anchor=\"end\" font-size=\"10\" fill=\"#b03a2e\">%s %%</text>\n",
             v);
    P(b);
  }
  /* The cumulative share line, through the right edge of every bar. */
  if (w->n) {
    P("<polyline fill=\"none\" stroke=\"#b03a2e\" stroke-width=\"2\" stroke-linejoin=\"round\" "
      "points=\"");
    N(PX0);
    P(",");
    N(w->py1);
    for (i = 0; i < w->nbins; i++) {
      const svg_bin *bin = &w->bins[i];
      if (bin->count == 0) continue;
      P(" ");
      N(PX0 + pw * (double)(bin->first + bin->count) / (double)w->n);
      P(",");
      N(w->py1 - ph * bin->cum_share);
    }
    P("\"/>\n");
    if (labelled) {
      for (i = 0; i < w->nbins; i++) {
        const svg_bin *bin = &w->bins[i];
        P("<circle r=\"2.5\" fill=\"#b03a2e\" cx=\"");
        N(PX0 + pw * (double)(bin->first + bin->count) / (double)w->n);
        P("\" cy=\"");
        N(w->py1 - ph * bin->cum_share);
        P("\"/>\n");
      }
    }
  }
  /* Axes. */
  P("<g stroke=\"#333\" stroke-width=\"1\">\n");
  J(svg_line(o, PX0, PX0, PY0, w->py1));
  P("\"/>\n");
  J(svg_line(o, PX1, PX1, PY0, w->py1));
  P("\"/>\n");
  J(svg_line(o, PX0, PX1, w->py1, w->py1));
  P("\"/>\n</g>\n");
  /* X labels: ids under each bar, or ticks at 0 %, 10 %, ... of the accounts. */
  if (labelled) {
    P("<g font-size=\"10\" fill=\"#333\" text-anchor=\"end\">\n");
    for (i = 0; i < w->nbins; i++) {
      const svg_bin *bin = &w->bins[i];
      double x = PX0 + pw * ((double)bin->first + 0.5) / (double)w->n;
      P("<text transform=\"translate(");
      N(x + 3);
      P(",");
      N(w->py1 + 10);
      P(") rotate(-45)\">");
      J(svg_text(o, bin->label, strlen(bin->label)));
      P("</text>\n");
    }
    P("</g>\n");
  } else if (w->n) {
    P("<g font-size=\"11\" fill=\"#333\" text-anchor=\"middle\">\n");
    for (k = 0; k <= 100; k += 10) {
      double x = PX0 + pw * k / 100.0;
      P("<line stroke=\"#333\" x1=\"");
      N(x);
      P("\" x2=\"");
      N(x);
      P("\" y1=\"");
      N(w->py1);
      P("\" y2=\"");
      N(w->py1 + 5);
      P("\"/>\n<text x=\"");
      N(x);
      P("\" y=\"");
      N(w->py1 + 18);
      snprintf(b, sizeof b, "\">%d %%</text>\n", k);
      P(b);
    }
    P("</g>\n");
  }
  /* Axis titles. */
  P("<text x=\"480\" y=\"");
  N(labelled ? w->py1 + 82 : w->py1 + 40);
  P("\" text-anchor=\"middle\" font-size=\"12\">Accounts by ");
  P(what);
  P(labelled ? " rank</text>\n" : " rank (share of accounts)</text>\n");
  P("<text transform=\"translate(28,");
  N((PY0 + w->py1) / 2);
  if (w->n > w->nbins) {
    char pct[32];
    fmt_fixed(pct, 100.0 / (double)w->nbins, 1);
    snprintf(b, sizeof b, "Share of %s per %s %% of accounts", what, pct);
  } else {
    snprintf(b, sizeof b, "Share of %s per account", what);
  }
  P(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">");
  P(b);
  P("</text>\n");
  P("<text transform=\"translate(935,");
  N((PY0 + w->py1) / 2);
  P(") rotate(90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"#b03a2e\">Cumulative share of ");
  P(what);
  P("</text>\n");
  /* Legend, one row under the chart. */
  {
    static const char *const cls[3] = {"A", "B", "C"};
    char text[3][96];
    double x, y = labelled ? SVG_H - 26 : w->py1 + 78, width = 0, adv[3];
    /* Entries are spaced by their text (about 7 px a character at 12 px), centred as a row. */
    for (k = 0; k < 3; k++) {
      char pct[32], cnt[40];
      double sh = sm->total_revenue ? (double)sm->revenue[k] / (double)sm->total_revenue : 0;
      fmt_fixed(pct, sh * 100, 1);
      snprintf(text[k], sizeof text[k], "%s: %s (%s %%)", cls[k], fmt_count(cnt, sm->count[k]),
               pct);
      adv[k] = 17 + 7.0 * (double)strlen(text[k]) + 24;
      width += adv[k];
    }
    width += 150 + 130;
    x = (SVG_W - width) / 2;
    P("<g font-size=\"12\" fill=\"#222\">\n");
    for (k = 0; k < 3; k++) {
      P("<rect width=\"12\" height=\"12\" x=\"");
      N(x);
      P("\" y=\"");
      N(y - 10);
      P("\" fill=\"");
      P(fill[k]);
      P("\"/>\n<text x=\"");
      N(x + 17);
      P("\" y=\"");
      N(y);
      P("\">");
      P(text[k]);
      P("</text>\n");
      x += adv[k];
    }
    J(svg_legend_line(o, x, y, "stroke=\"#b03a2e\" stroke-width=\"2\"", "cumulative share"));
    J(svg_legend_line(o, x + 150, y, "stroke=\"#555\" stroke-dasharray=\"6 4\"", "class boundary"));
    P("</g>\n");
  }
  return kam__out_puts(o, "</svg>\n");
}
#undef P
#undef N
#undef J

int kam_segmentation_write_svg(const kam_segmentation *s, kam_write_fn write, void *ud) {
  svg_writer w;
  kam_summary sm;
  kam_ctx *ctx;
  size_t nbins;
  int rc;
  if ((rc = kam__segmentation_write_check(&ctx, s, write, "kam_segmentation_write_svg")) != 0 ||
      (rc = summary_of(&sm, s)) != 0)
    return rc;
  memset(&w, 0, sizeof w);
  w.n = sm.accounts;
  nbins = w.n < SVG_MAX_BINS ? w.n : SVG_MAX_BINS;
  if (nbins) {
    w.bins = (svg_bin *)kam__alloc_array(ctx, nbins, sizeof *w.bins);
    if (!w.bins) return kam__nomem(ctx);
    memset(w.bins, 0, nbins * sizeof *w.bins);
  }
  w.nbins = nbins;
  w.py1 = w.n <= SVG_LABELS ? 440.0 : 470.0;
  w.margin = sm.basis == KAM_BASIS_MARGIN;
  kam__out_init(&w.out, ctx, write, ud);
  if (nbins) rc = kam_segmentation_foreach(s, KAM_ORDER_RANK, svg_bin_account, &w);
  if (rc == KAM_OK) rc = svg_emit(&w, &sm, kam__segmentation_options(s));
  if (rc == KAM_OK) rc = kam__out_flush(&w.out);
  kam__free(ctx, w.bins, nbins * sizeof *w.bins);
  return rc;
}

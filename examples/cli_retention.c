/* cli_retention.c - `kam retention ACCOUNTS.csv`: reads a portfolio from CSV and prints its
 * revenue bridge (start, +new, +expansion, -contraction, -churn, end), NRR and GRR, the number
 * of accounts per retention status and per ABC class, and hunting against farming. Uses only
 * the public API (kam.h), as an example of it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fputs("usage: kam retention ACCOUNTS.csv [options]\n"
        "\n"
        "Reads a portfolio from CSV (the columns of kam segment; the history h1..hN drives it)\n"
        "and compares each account's last W periods (current) with the W before (base):\n"
        "inactive, new, lost, expanding, contracting or stable. Prints the revenue bridge,\n"
        "NRR and GRR, the counts per status and per ABC class, and hunting (new accounts)\n"
        "against farming (the rest).\n"
        "\n"
        "options:\n"
        "  --window W      periods per window, 1..N/2 (default: half the longest history)\n"
        "  --threshold T   relative change that makes an account expanding or contracting\n"
        "                  (default 0.1)\n"
        "  --svg FILE      also write the bridge as a waterfall chart (SVG)\n"
        "  --json          print the figures as JSON\n"
        "  -h, --help      this text\n"
        "\n"
        "Exit status: 0 done, 2 bad usage or bad input, 1 other failures.\n"
        "\n"
        "example: kam retention examples/data/accounts.csv --window 6\n",
        f);
}

static void print_bridge_json(FILE *f, const kam_bridge *b) {
  fprintf(f,
          "{\"start\": %lld, \"new\": %lld, \"expansion\": %lld, \"contraction\": %lld, "
          "\"churn\": %lld, \"end\": %lld",
          (long long)b->start, (long long)b->added, (long long)b->expansion,
          (long long)b->contraction, (long long)b->churn, (long long)b->end);
}

static void print_counts_json(FILE *f, const size_t *count) {
  int k;
  fputs("{", f);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    fprintf(f, "%s\"%s\": %zu", k ? ", " : "", kam_retention_status_name(k), count[k]);
  fputs("}", f);
}

static void print_ratio_json(FILE *f, const char *key, double v) {
  if (isnan(v))
    fprintf(f, "\"%s\": null", key);
  else
    fprintf(f, "\"%s\": %.17g", key, v);
}

static void print_json(const kam_retention *r) {
  int c;
  printf("{\"periods\": %zu, \"window\": %zu, \"threshold\": %.17g, \"bridge\": ", r->periods,
         r->window, r->threshold);
  print_bridge_json(stdout, &r->bridge);
  printf("}, ");
  print_ratio_json(stdout, "nrr", r->nrr);
  printf(", ");
  print_ratio_json(stdout, "grr", r->grr);
  printf(", \"counts\": ");
  print_counts_json(stdout, r->count);
  printf(", \"by_class\": {");
  for (c = 0; c < 3; c++) {
    printf("%s\"%c\": ", c ? ", " : "", 'A' + c);
    print_bridge_json(stdout, &r->by_class[c]);
    printf(", \"counts\": ");
    print_counts_json(stdout, r->class_count[c]);
    printf("}");
  }
  printf("}, \"hunting\": {\"accounts\": %zu, \"revenue\": %lld}, \"farming\": {\"accounts\": "
         "%zu, \"revenue\": %lld}}\n",
         r->hunting_count, (long long)r->hunting, r->farming_count, (long long)r->farming);
}

static void money(char *buf, size_t cap, int64_t v, int digits) {
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, p = 1;
  int k;
  for (k = 0; k < digits; k++)
    p *= 10;
  if (digits)
    snprintf(buf, cap, "%s%llu.%0*llu", v < 0 ? "-" : "", (unsigned long long)(mag / p), digits,
             (unsigned long long)(mag % p));
  else
    snprintf(buf, cap, "%s%llu", v < 0 ? "-" : "", (unsigned long long)mag);
}

static void print_text(const kam_retention *r, int digits) {
  char b[6][320];
  int k, c;
  money(b[0], sizeof b[0], r->bridge.start, digits);
  money(b[1], sizeof b[1], r->bridge.added, digits);
  money(b[2], sizeof b[2], r->bridge.expansion, digits);
  money(b[3], sizeof b[3], r->bridge.contraction, digits);
  money(b[4], sizeof b[4], r->bridge.churn, digits);
  money(b[5], sizeof b[5], r->bridge.end, digits);
  printf("Revenue bridge (%zu periods, window %zu, threshold %g)\n", r->periods, r->window,
         r->threshold);
  printf("  start        %24s\n  + new        %24s\n  + expansion  %24s\n"
         "  - contraction%24s\n  - churn      %24s\n  = end        %24s\n",
         b[0], b[1], b[2], b[3], b[4], b[5]);
  printf("NRR %.1f %%   GRR %.1f %%\n", r->nrr * 100, r->grr * 100);
  printf("\n%-12s %9s %9s %9s %9s\n", "status", "accounts", "A", "B", "C");
  for (k = 0; k < KAM_RETENTION_STATUSES; k++) {
    printf("%-12s %9zu", kam_retention_status_name(k), r->count[k]);
    for (c = 0; c < 3; c++)
      printf(" %9zu", r->class_count[c][k]);
    printf("\n");
  }
  money(b[0], sizeof b[0], r->hunting, digits);
  money(b[1], sizeof b[1], r->farming, digits);
  printf("\nhunting  %zu accounts, %s\nfarming  %zu accounts, %s\n", r->hunting_count, b[0],
         r->farming_count, b[1]);
}

/* The bridge as a waterfall chart (960 x 600, the Pareto chart's page and fonts): start and end
 * are bars from 0; new and expansion float up from the running total, contraction and churn
 * hang down from it. Heights are scaled to the largest running total. 0 done, else errno. */
static int write_waterfall(const char *path, const kam_retention *r, int digits) {
  static const char *const label[6] = {"start",         "+ new",   "+ expansion",
                                       "- contraction", "- churn", "end"};
  static const char *const color[6] = {"#5b7db1", "#3c9d5d", "#7cc08e",
                                       "#e08a6b", "#b03a2e", "#5b7db1"};
  const double x0 = 80, y0 = 520, plot_h = 420, bar_w = 110, gap = 30;
  double lo[6], hi[6], top = 0, run = 0;
  const int64_t value[6] = {r->bridge.start,       r->bridge.added, r->bridge.expansion,
                            r->bridge.contraction, r->bridge.churn, r->bridge.end};
  char amount[320];
  FILE *f = fopen(path, "wb");
  int k;
  if (!f) return errno ? errno : EIO;
  for (k = 0; k < 6; k++) {
    double v = (double)value[k];
    if (k == 0 || k == 5) {
      lo[k] = 0;
      hi[k] = v;
      run = v;
    } else if (k <= 2) {
      lo[k] = run;
      hi[k] = run + v;
      run += v;
    } else {
      hi[k] = run;
      lo[k] = run - v;
      run -= v;
    }
    if (hi[k] > top) top = hi[k];
  }
  if (top <= 0) top = 1;
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"960\" height=\"600\" "
          "viewBox=\"0 0 960 600\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" "
          "font-size=\"12\">\n<rect width=\"960\" height=\"600\" fill=\"#ffffff\"/>\n"
          "<text x=\"480\" y=\"30\" text-anchor=\"middle\" font-size=\"18\" "
          "font-weight=\"bold\">Revenue bridge</text>\n"
          "<text x=\"480\" y=\"52\" text-anchor=\"middle\" font-size=\"13\" fill=\"#444\">"
          "%zu periods, window %zu; NRR %.1f %%, GRR %.1f %%</text>\n"
          "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#333\"/>\n",
          r->periods, r->window, r->nrr * 100, r->grr * 100, x0, y0, x0 + 6 * (bar_w + gap), y0);
  for (k = 0; k < 6; k++) {
    double x = x0 + gap / 2 + k * (bar_w + gap);
    double y_top = y0 - hi[k] / top * plot_h, h = (hi[k] - lo[k]) / top * plot_h;
    money(amount, sizeof amount, value[k], digits);
    fprintf(f,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%g\" height=\"%.1f\" fill=\"%s\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n"
            "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%s</text>\n",
            x, y_top, bar_w, h < 1 && value[k] ? 1.0 : h, color[k], x + bar_w / 2, y_top - 6,
            amount, x + bar_w / 2, y0 + 20, label[k]);
  }
  fputs("</svg>\n", f);
  return fclose(f) ? (errno ? errno : EIO) : 0;
}

int kam_cli_retention(int argc, char **argv) {
  const char *cmd = "retention", *path = NULL, *svg = NULL;
  kam_retention_options ro;
  kam_csv_options in;
  kam_retention r;
  kam_ctx *ctx = NULL;
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  int json = 0, status = 0, rc, i;
  if (cli_wants_help(argc, argv)) {
    usage(stdout);
    return 0;
  }
  kam_retention_options_init(&ro, sizeof ro);
  kam_csv_options_init(&in, sizeof in);
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--svg")) {
      if (i + 1 >= argc) return cli_fail(cmd, "--svg needs a file (see kam retention --help)");
      svg = argv[++i];
    } else if (!strcmp(a, "--window") || !strcmp(a, "--threshold")) {
      double d;
      if (i + 1 >= argc) return cli_fail(cmd, "%s needs a value (see kam retention --help)", a);
      if (cli_parse_double(argv[++i], &d))
        return cli_fail(cmd, "%s: '%s' is not a number", a, argv[i]);
      if (a[2] == 'w') {
        if (!(d >= 1 && d <= 1e15 && d == floor(d)))
          return cli_fail(cmd, "--window: '%s' is not a count >= 1", argv[i]);
        ro.window = (size_t)d;
      } else {
        if (!(d >= 0 && isfinite(d)))
          return cli_fail(cmd, "--threshold: '%s' is not a number >= 0", argv[i]);
        ro.threshold = d;
      }
    } else if (a[0] == '-' && a[1]) {
      return cli_fail(cmd, "unknown option '%s' (see kam retention --help)", a);
    } else {
      if (path) return cli_fail(cmd, "one input file only ('%s' and '%s')", path, a);
      path = a;
    }
  }
  if (!path) {
    usage(stderr);
    return 2;
  }
  if ((status = cli_read_portfolio(cmd, path, &in, &ctx, &p)) != 0) goto done;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  if ((rc = kam_segment(&s, p, NULL)) != 0 || (rc = kam_portfolio_retention(&r, p, s, &ro)) != 0) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (svg && (rc = write_waterfall(svg, &r, in.currency_digits)) != 0) {
    status = cli_fail(cmd, "%s: %s", svg, strerror(rc));
    goto done;
  }
  if (json)
    print_json(&r);
  else
    print_text(&r, in.currency_digits);
done:
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  return status;
}

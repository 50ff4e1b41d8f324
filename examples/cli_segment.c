/* cli_segment.c - `kam segment ACCOUNTS.csv`: reads a portfolio from CSV, segments it, prints
 * the key accounts and a summary, and writes the chart, CSV or JSON on request. Uses only the
 * public API (kam.h), as an example of it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fputs(
      "usage: kam segment ACCOUNTS.csv [options]\n"
      "\n"
      "Reads a portfolio of accounts from CSV (\"-\" for standard input; Excel exports with ';',\n"
      "decimal comma, BOM and NBSP thousands work as they are), segments it and prints the key\n"
      "accounts and a summary: ABC classes by cumulative revenue share, XYZ by the stability\n"
      "of the monthly history, the 10 % key-customer test per account and per group, HHI,\n"
      "Gini and the share of the top 20 % of accounts.\n"
      "\n"
      "Columns (by header name, Russian names work too): id and revenue (required), name,\n"
      "group, potential, strategic, new, history h1..hN, forecast f1..fN.\n"
      "\n"
      "options:\n"
      "  --svg FILE         also write the Pareto chart as SVG\n"
      "  --csv FILE         also write every account with its scores as CSV (opens in Excel)\n"
      "  --csv-delimiter C  delimiter of that CSV: ',' (default), ';' (decimal comma) or tab\n"
      "  --json             print the whole segmentation as JSON instead of the tables\n"
      "  --a SHARE          cumulative revenue share that closes class A (default 0.8)\n"
      "  --b SHARE          cumulative revenue share that closes class B (default 0.95)\n"
      "  --key SHARE        revenue share that makes a customer key (default 0.1)\n"
      "  --top N            also key: the N accounts with the best composite score\n"
      "  --basis B          what ABC and the key test measure: revenue (default) or margin\n"
      "                     (gross margin: a margin column, or cost with margin = revenue - cost)\n"
      "  --unit U           account (default) or group: a group of companies is one customer\n"
      "  --limit N          list at most N key accounts (default: all)\n"
      "  --digits N         decimals of the currency's minor unit (default 2)\n"
      "  --delimiter C      input delimiter ',' ';' or tab (default: detected)\n"
      "  --decimal C        input decimal mark '.' or ',' (default: detected)\n"
      "  -h, --help         this text\n"
      "\n"
      "Exit status: 0 done, 2 bad usage or bad input (the message names line and column),\n"
      "1 other failures.\n"
      "\n"
      "example: kam segment examples/data/accounts.csv --svg pareto.svg --top 5\n",
      f);
}

/* ---- text layout: amounts with thousands separators, UTF-8 aware padding ---- */

/* 123456789 minor units, 2 digits -> "1 234 567.89" */
static const char *fmt_money(char *buf, int64_t minor, int digits) {
  char tmp[40];
  uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor, p = 1;
  int n, i, o = 0, k;
  for (k = 0; k < digits; k++)
    p *= 10;
  n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)(mag / p));
  if (minor < 0) buf[o++] = '-';
  for (i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) buf[o++] = ' ';
    buf[o++] = tmp[i];
  }
  if (digits > 0) o += snprintf(buf + o, 32, ".%0*llu", digits, (unsigned long long)(mag % p));
  buf[o] = '\0';
  return buf;
}

static const char *fmt_pct(char *buf, double share) {
  snprintf(buf, 16, "%.1f %%", share * 100);
  return buf;
}

/* Display columns of UTF-8 text (one per code point: fine for Latin and Cyrillic). */
static size_t width_of(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  return w;
}

/* Copies s into out with at most `cols` columns, control characters as spaces, "…" when cut. */
static const char *clip(char *out, size_t cap, const char *s, size_t cols) {
  size_t o = 0, w = 0, total = s ? width_of(s) : 0;
  if (!s) s = "";
  while (*s && o + 8 < cap) {
    unsigned char c = (unsigned char)*s;
    if ((c & 0xC0) != 0x80) {
      if (w + 1 == cols && total > cols) {
        memcpy(out + o, "\xE2\x80\xA6", 3);
        o += 3;
        break;
      }
      if (w == cols) break;
      w++;
    }
    out[o++] = c < 0x20 ? ' ' : (char)c;
    s++;
  }
  out[o] = '\0';
  return out;
}

/* Prints s left-aligned (or right-aligned) in `cols` columns. */
static void cell(const char *s, size_t cols, int right) {
  size_t w = width_of(s);
  if (right)
    for (; w < cols; w++)
      putchar(' ');
  fputs(s, stdout);
  if (!right)
    for (; w < cols; w++)
      putchar(' ');
}

/* ---- collecting the key accounts in rank order ---- */

typedef struct key_row {
  size_t rank;  /* the customer's rank: the account's own in unit account */
  size_t order; /* position in account rank order */
  char *id, *name, *group;
  int64_t revenue, margin;
  int has_margin;
  double share, score, health;
  char abc, xyz, light;
  uint32_t reasons;
} key_row;

/* Rows by customer rank, members of one customer in their account order. */
static int cmp_row(const void *a, const void *b) {
  const key_row *x = (const key_row *)a, *y = (const key_row *)b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct collect {
  key_row *rows;
  size_t n, cap;
  size_t matrix[3][4]; /* ABC x (X, Y, Z, unknown) */
  int failed;
} collect;

static char *dup_or_null(const char *s) {
  char *d;
  if (!s) return NULL;
  d = (char *)malloc(strlen(s) + 1);
  if (d) strcpy(d, s);
  return d;
}

static int on_score(void *ud, const kam_account_score *sc) {
  collect *c = (collect *)ud;
  int a = sc->abc == 'A' ? 0 : sc->abc == 'B' ? 1 : 2;
  int x = sc->xyz == 'X' ? 0 : sc->xyz == 'Y' ? 1 : sc->xyz == 'Z' ? 2 : 3;
  key_row *r;
  c->matrix[a][x]++;
  if (!sc->key_reasons) return 0;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    key_row *rows = (key_row *)realloc(c->rows, cap * sizeof *rows);
    if (!rows) return c->failed = 1;
    c->rows = rows;
    c->cap = cap;
  }
  r = &c->rows[c->n];
  r->rank = sc->customer_rank;
  r->order = c->n;
  r->id = dup_or_null(sc->id);
  r->name = dup_or_null(sc->name);
  r->group = dup_or_null(sc->group);
  r->revenue = sc->revenue;
  r->margin = sc->margin;
  r->has_margin = sc->has_margin != 0;
  r->share = sc->share;
  r->score = sc->score;
  r->abc = sc->abc;
  r->xyz = sc->xyz;
  r->reasons = sc->key_reasons;
  r->health = sc->health;
  r->light = sc->light;
  c->n++;
  if (!r->id || (sc->name && !r->name) || (sc->group && !r->group)) return c->failed = 1;
  return 0;
}

static void collect_free(collect *c) {
  size_t i;
  for (i = 0; i < c->n; i++) {
    free(c->rows[i].id);
    free(c->rows[i].name);
    free(c->rows[i].group);
  }
  free(c->rows);
}

/* The share of a group: every member of a key group is a key account, so the key rows hold
 * the whole group. */
static double group_share(const collect *c, const char *group) {
  double s = 0;
  size_t i;
  for (i = 0; i < c->n; i++)
    if (c->rows[i].group && !strcmp(c->rows[i].group, group)) s += c->rows[i].share;
  return s;
}

/* Why r is key; a group row (folded) says it for the group, not for its first member. */
static void why(char *out, size_t cap, const collect *c, const key_row *r, double key_share,
                const char *basis, int folded) {
  size_t o = 0;
  char pct[16], g[96];
  out[0] = '\0';
  if ((r->reasons & KAM_KEY_SHARE) && !(folded && (r->reasons & KAM_KEY_GROUP_SHARE)))
    o += (size_t)snprintf(out + o, cap - o, "%s of %s (>= %s)", fmt_pct(pct, r->share), basis,
                          fmt_pct(g, key_share));
  if ((r->reasons & KAM_KEY_GROUP_SHARE) && r->group && o < cap)
    o += (size_t)snprintf(out + o, cap - o, "%sgroup %s: %s", o ? "; " : "",
                          clip(g, sizeof g, r->group, 24), fmt_pct(pct, group_share(c, r->group)));
  if ((r->reasons & KAM_KEY_STRATEGIC) && o < cap)
    o += (size_t)snprintf(out + o, cap - o, "%sstrategic", o ? "; " : "");
  if ((r->reasons & KAM_KEY_TOP_SCORE) && o < cap)
    snprintf(out + o, cap - o, "%stop score %.2f", o ? "; " : "", r->score);
}

/* ---- options ---- */

static int parse_size(const char *s, size_t *out) {
  char *end;
  unsigned long long v;
  if (!s || !*s || *s == '-') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (*end || errno) return -1;
  *out = (size_t)v;
  return 0;
}

static int parse_char(const char *s, char *out) {
  if (!s) return -1;
  if (!strcmp(s, "tab") || !strcmp(s, "\\t") || !strcmp(s, "\t"))
    *out = '\t';
  else if (strlen(s) == 1)
    *out = s[0];
  else
    return -1;
  return 0;
}

static int takes_value(const char *a) {
  static const char *const opts[] = {
      "--svg",   "--csv",    "--csv-delimiter", "--a",       "--b",     "--key", "--top",
      "--limit", "--digits", "--delimiter",     "--decimal", "--basis", "--unit"};
  size_t i;
  for (i = 0; i < sizeof opts / sizeof opts[0]; i++)
    if (!strcmp(a, opts[i])) return 1;
  return 0;
}

static int write_to(const char *path,
                    int (*fn)(const kam_segmentation *, kam_write_fn, void *,
                              const kam_csv_options *),
                    const kam_segmentation *s, const kam_csv_options *o, kam_ctx *ctx) {
  FILE *f = fopen(path, "wb");
  int rc;
  if (!f) return cli_fail("segment", "%s: %s", path, strerror(errno));
  rc = fn(s, cli_write_file, f, o);
  if (fclose(f) != 0 && rc == KAM_OK) rc = 1;
  if (rc == 1) return cli_fail("segment", "%s: write error", path), 1;
  if (rc) return cli_status("segment", rc, ctx);
  return 0;
}

static int svg_adapter(const kam_segmentation *s, kam_write_fn w, void *ud,
                       const kam_csv_options *o) {
  (void)o;
  return kam_segmentation_write_svg(s, w, ud);
}

int kam_cli_segment(int argc, char **argv) {
  const char *cmd = argv[0], *path = NULL, *svg = NULL, *csv = NULL;
  int json = 0, i, rc, status = 0;
  size_t limit = (size_t)-1, digits = 2, shown = 0, k;
  kam_csv_options in, out;
  kam_segment_options so;
  kam_ctx *ctx = NULL;
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  kam_summary sm;
  collect c;
  if (cli_wants_help(argc, argv)) {
    usage(stdout);
    return 0;
  }
  kam_csv_options_init(&in, sizeof in);
  kam_csv_options_init(&out, sizeof out);
  kam_segment_options_init(&so, sizeof so);
  so.flags |= KAM_SEGMENT_RETENTION; /* statuses count in each account's health */
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!strcmp(a, "--json")) {
      json = 1;
      continue;
    }
    if (!takes_value(a)) {
      if (a[0] == '-' && a[1])
        return cli_fail(cmd, "unknown option '%s' (see kam segment --help)", a);
      if (path) return cli_fail(cmd, "one input file only ('%s' and '%s')", path, a);
      path = a;
      continue;
    }
    if (i + 1 >= argc) return cli_fail(cmd, "%s needs a value (see kam segment --help)", a);
    v = argv[++i];
    if (!strcmp(a, "--svg")) {
      svg = v;
    } else if (!strcmp(a, "--csv")) {
      csv = v;
    } else if (!strcmp(a, "--csv-delimiter")) {
      if (parse_char(v, &out.delimiter) || out.delimiter == '"')
        return cli_fail(cmd, "--csv-delimiter: '%s' is not one character or \"tab\"", v);
    } else if (!strcmp(a, "--a") || !strcmp(a, "--b") || !strcmp(a, "--key")) {
      double d;
      if (cli_parse_double(v, &d) || !(d > 0 && d <= 1))
        return cli_fail(cmd, "%s: '%s' is not a share between 0 and 1", a, v);
      if (a[2] == 'a')
        so.a_share = d;
      else if (a[2] == 'b')
        so.b_share = d;
      else
        so.key_share = d;
    } else if (!strcmp(a, "--basis")) {
      if (strcmp(v, "revenue") && strcmp(v, "margin"))
        return cli_fail(cmd, "--basis: '%s' is neither revenue nor margin", v);
      so.basis = v[0] == 'm' ? KAM_BASIS_MARGIN : KAM_BASIS_REVENUE;
    } else if (!strcmp(a, "--unit")) {
      if (strcmp(v, "account") && strcmp(v, "group"))
        return cli_fail(cmd, "--unit: '%s' is neither account nor group", v);
      so.unit = v[0] == 'g' ? KAM_UNIT_GROUP : KAM_UNIT_ACCOUNT;
    } else if (!strcmp(a, "--top")) {
      if (parse_size(v, &so.key_top_n)) return cli_fail(cmd, "--top: '%s' is not a count", v);
    } else if (!strcmp(a, "--limit")) {
      if (parse_size(v, &limit)) return cli_fail(cmd, "--limit: '%s' is not a count", v);
    } else if (!strcmp(a, "--digits")) {
      if (parse_size(v, &digits) || digits > 18)
        return cli_fail(cmd, "--digits: '%s' is not a number from 0 to 18", v);
    } else if (!strcmp(a, "--delimiter")) {
      if (parse_char(v, &in.delimiter))
        return cli_fail(cmd, "--delimiter: '%s' is not one character or \"tab\"", v);
    } else { /* --decimal */
      if (strcmp(v, ".") && strcmp(v, ","))
        return cli_fail(cmd, "--decimal: '%s' is neither '.' nor ','", v);
      in.decimal_mark = v[0];
    }
  }
  if (!path) {
    usage(stderr);
    return 2;
  }
  if (so.a_share > so.b_share)
    return cli_fail(cmd, "--a %g is above --b %g", so.a_share, so.b_share);
  in.currency_digits = out.currency_digits = (uint8_t)digits;

  if ((status = cli_read_portfolio(cmd, path, &in, &ctx, &p)) != 0) goto done;
  if ((rc = kam_segment(&s, p, &so)) != 0) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (svg && (status = write_to(svg, svg_adapter, s, NULL, ctx)) != 0) goto done;
  if (csv && (status = write_to(csv, kam_segmentation_write_csv, s, &out, ctx)) != 0) goto done;
  if (json) {
    rc = kam_segmentation_write_json(s, cli_write_file, stdout);
    if (rc) status = rc == 1 ? cli_fail(cmd, "write error") : cli_status(cmd, rc, ctx);
    goto done;
  }

  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  memset(&c, 0, sizeof c);
  kam_segmentation_summary(&sm, s);
  rc = kam_segmentation_foreach(s, KAM_ORDER_RANK, on_score, &c);
  if (rc == KAM_OK && !c.failed && c.n > 1) qsort(c.rows, c.n, sizeof *c.rows, cmp_row);
  if (rc || c.failed) {
    collect_free(&c);
    status = rc ? cli_status(cmd, rc, ctx) : (cli_fail(cmd, "out of memory"), 1);
    goto done;
  }

  /* Key accounts */
  {
    char money[48], pct[16], buf[256], total[48];
    size_t rows = 0;
    const char *basis_word = so.basis == KAM_BASIS_MARGIN ? "margin" : "revenue";
    printf("Key accounts: %zu of %zu (total revenue %s)\n\n", sm.key_accounts, sm.accounts,
           fmt_money(total, sm.total_revenue, (int)digits));
    if (c.n) {
      cell("Rank", 6, 1);
      fputs("  ", stdout);
      cell("Id", 12, 0);
      cell("Name", 34, 0);
      cell("Revenue", 20, 1);
      cell(so.basis == KAM_BASIS_MARGIN ? "Margin" : "Share", 9, 1);
      fputs("  ABC/XYZ  Health        Why key\n", stdout);
    }
    /* A key group is one row (at its first member's rank) with its member count: in unit group
     * every member of a group customer, in unit account the members keyed by the group test. */
    for (k = 0; k < c.n; k++) {
      const key_row *r = &c.rows[k];
      char rank[24], name[160];
      int64_t revenue = r->revenue, margin = r->has_margin ? r->margin : 0;
      int has_margin = r->has_margin;
      double share = r->share;
      size_t members = 1, red = r->light == 'R', j;
      int folded = r->group && (so.unit == KAM_UNIT_GROUP || (r->reasons & KAM_KEY_GROUP_SHARE));
      if (folded) {
        for (j = 0; j < k; j++)
          if (c.rows[j].group && !strcmp(c.rows[j].group, r->group) &&
              (so.unit == KAM_UNIT_GROUP || (c.rows[j].reasons & KAM_KEY_GROUP_SHARE)))
            break;
        if (j < k) continue; /* shown with its group */
        for (j = k + 1; j < c.n; j++)
          if (c.rows[j].group && !strcmp(c.rows[j].group, r->group) &&
              (so.unit == KAM_UNIT_GROUP || (c.rows[j].reasons & KAM_KEY_GROUP_SHARE))) {
            members++;
            revenue += c.rows[j].revenue;
            share += c.rows[j].share;
            red += c.rows[j].light == 'R';
            if (c.rows[j].has_margin) margin += c.rows[j].margin, has_margin = 1;
          }
      }
      rows++;
      if (shown >= limit) continue;
      shown++;
      snprintf(rank, sizeof rank, "%zu", r->rank);
      cell(rank, 6, 1);
      fputs("  ", stdout);
      if (folded && members > 1) {
        char g[96];
        cell("(group)", 12, 0);
        snprintf(name, sizeof name, "%s: %zu accounts", clip(g, sizeof g, r->group, 20), members);
        cell(clip(buf, sizeof buf, name, 33), 34, 0);
      } else {
        cell(clip(buf, sizeof buf, r->id, 11), 12, 0);
        cell(clip(buf, sizeof buf, r->name ? r->name : "", 33), 34, 0);
      }
      cell(fmt_money(money, revenue, (int)digits), 20, 1);
      cell(fmt_pct(pct, share), 9, 1);
      printf("  %c%c       ", r->abc, r->xyz);
      if (folded && members > 1) {
        char h[32];
        snprintf(h, sizeof h, "%zu/%zu red", red, members);
        printf("%-14s", h);
      } else if (isnan(r->health)) {
        printf("%-14s", "-");
      } else {
        printf("%.2f %-9s", r->health, kam_health_light_name(r->light));
      }
      why(buf, sizeof buf, &c, r, so.key_share, basis_word, folded);
      printf("%s", buf);
      if (has_margin && margin < 0)
        printf("; UNPROFITABLE: margin %s", fmt_money(money, margin, (int)digits));
      putchar('\n');
    }
    if (shown < rows) printf("... and %zu more (--limit)\n", rows - shown);
  }

  /* Summary */
  {
    static const char cls[3] = {'A', 'B', 'C'};
    char money[48], pct[16], pct2[16];
    int a, x;
    printf("\nSummary (A: cumulative share up to %g %%, B: up to %g %%)\n\n", so.a_share * 100,
           so.b_share * 100);
    printf("  Class   Accounts                     Revenue     Share\n");
    for (a = 0; a < 3; a++)
      printf(
          "  %c     %9zu (%7s)  %20s  %7s\n", cls[a], sm.count[a],
          fmt_pct(pct, sm.accounts ? (double)sm.count[a] / (double)sm.accounts : 0),
          fmt_money(money, sm.revenue[a], (int)digits),
          fmt_pct(pct2, sm.total_revenue ? (double)sm.revenue[a] / (double)sm.total_revenue : 0));
    printf("  Total %9zu            %20s\n\n", sm.accounts,
           fmt_money(money, sm.total_revenue, (int)digits));
    printf("  ABC-XYZ        X       Y       Z   (no history)\n");
    for (a = 0; a < 3; a++) {
      printf("  %c        ", cls[a]);
      for (x = 0; x < 4; x++)
        printf("%8zu", c.matrix[a][x]);
      putchar('\n');
    }
    printf("\n  Key accounts: %zu; customers: %zu%s; key customers bring %s of revenue\n",
           sm.key_accounts, sm.customers,
           sm.unit == KAM_UNIT_GROUP ? " (a group of companies is one)" : "",
           fmt_pct(pct, sm.key_revenue_share));
    if (sm.basis == KAM_BASIS_MARGIN)
      printf("  Classes and the key test by gross margin (positive margins: %s)\n",
             fmt_money(money, sm.basis_total, (int)digits));
    if (sm.margin_accounts > 0) {
      printf("  Gross margin: %s over the %zu accounts that have one",
             fmt_money(money, sm.total_margin, (int)digits), sm.margin_accounts);
      for (a = 0; a < 3; a++)
        if (sm.margin_pct[a] == sm.margin_pct[a]) /* not NaN */
          printf("%s%c %s", a == 0 ? "; margin %: " : ", ", cls[a], fmt_pct(pct, sm.margin_pct[a]));
      putchar('\n');
      printf("  Unprofitable accounts (margin < 0): %zu, revenue %s, %zu of them key\n",
             sm.unprofitable, fmt_money(money, sm.unprofitable_revenue, (int)digits),
             sm.key_unprofitable);
    }
    printf("  Health red: %zu accounts, revenue at risk %s (%s of revenue)\n", sm.red_accounts,
           fmt_money(money, sm.revenue_at_risk, (int)digits),
           fmt_pct(pct, sm.total_revenue ? (double)sm.revenue_at_risk / (double)sm.total_revenue
                                         : 0));
    if (sm.basis_total > 0) {
      printf("  Concentration: HHI %.4f (effective number of accounts %.1f), Gini %.3f\n", sm.hhi,
             sm.effective_accounts, sm.gini);
      printf("  20 %% of %s bring %.1f %% of %s.\n",
             sm.unit == KAM_UNIT_GROUP || sm.basis == KAM_BASIS_MARGIN ? "customers" : "accounts",
             sm.top20_share * 100,
             sm.basis == KAM_BASIS_MARGIN ? "the positive margin" : "revenue");
    } else {
      printf("  Total revenue is 0: no concentration figures.\n");
    }
    if (svg) printf("\nPareto chart written to %s\n", svg);
    if (csv) printf("Scores written to %s\n", csv);
  }
  collect_free(&c);
done:
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  return status;
}

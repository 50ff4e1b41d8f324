/* kam - the libkam command-line tool: a thin program over the public API, and an example of it.
 *   kam npv --rate 0.1 -- -10000 3000 4200 6800
 *   kam segment accounts.csv --svg chart.svg
 *   kam title "Финансовый директор"
 *   kam render TEMPLATE.mustache DATA.json
 *   kam proposal DOC.json --format html
 *   kam plan PLAN.json --check
 * Run `kam COMMAND --help` for each. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct command {
  const char *name;
  int (*run)(int, char **);
  const char *summary;
} commands[] = {
    {"npv", kam_cli_npv, "net present value of a cash flow series"},
    {"irr", kam_cli_irr, "internal rate of return of periodic cash flows"},
    {"xirr", kam_cli_xirr, "internal rate of return of dated cash flows"},
    {"segment", kam_cli_segment, "ABC/XYZ segmentation and key accounts of a CSV portfolio"},
    {"title", kam_cli_title, "role, confidence and style mix of a job title"},
    {"dmu", kam_cli_dmu, "profiles, emphasis and warnings of a decision-making unit (CSV)"},
    {"render", kam_cli_render, "render a Mustache template with JSON data"},
    {"proposal", kam_cli_proposal, "assemble and render a commercial proposal (JSON)"},
    {"plan", kam_cli_plan, "render or check a key account plan (JSON)"},
    {"retention", kam_cli_retention,
     "revenue bridge, NRR/GRR, hunting and farming of a CSV portfolio"},
};

static void usage(FILE *f) {
  size_t i;
  fprintf(
      f, "usage: kam COMMAND [OPTIONS] [ARGS]\n\nlibkam %s: key account management.\n\ncommands:\n",
      kam_version());
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nRun 'kam COMMAND --help' for the options of each command.\n");
}

int main(int argc, char **argv) {
  size_t i;
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("kam %s\n", kam_version());
    return 0;
  }
  for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "kam: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}

int cli_fail(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "kam %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return 2;
}

int cli_status(const char *cmd, int status, const kam_ctx *ctx) {
  const char *msg = kam_ctx_errmsg(ctx);
  fprintf(stderr, "kam %s: %s%s%s\n", cmd, kam_strerror(status), *msg ? ": " : "", msg);
  return status == KAM_ENOMEM || status == KAM_ENOCONV ? 1 : 2;
}

int cli_format(const char *name) {
  if (!strcmp(name, "html")) return KAM_FORMAT_HTML;
  if (!strcmp(name, "markdown") || !strcmp(name, "md")) return KAM_FORMAT_MARKDOWN;
  if (!strcmp(name, "text") || !strcmp(name, "txt")) return KAM_FORMAT_TEXT;
  if (!strcmp(name, "json")) return KAM_FORMAT_JSON;
  return 0;
}

int cli_wants_help(int argc, char **argv) {
  int i;
  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
  }
  return 0;
}

int cli_print_finding(void *ud, const kam_finding *f) {
  cli_findings *c = (cli_findings *)ud;
  if (f->severity == KAM_SEVERITY_ERROR) c->errors++;
  if (f->severity <= c->max_severity)
    fprintf(c->out, "%s\t%s\t%s: %s\n", kam_severity_name(f->severity), f->code, f->path,
            f->message);
  return 0;
}

int cli_parse_double(const char *s, double *out) {
  char *end;
  double v;
  if (!s || !*s) return -1;
  errno = 0;
  v = strtod(s, &end);
  if (*end || errno == ERANGE || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

char *cli_read_file(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  char *buf = NULL, *p;
  size_t cap = 0, n = 0, got;
  if (!f) return NULL;
  do {
    if (cap - n < 65536) {
      cap = cap ? cap * 2 : 65536;
      p = (char *)realloc(buf, cap + 1);
      if (!p) {
        free(buf);
        if (f != stdin) fclose(f);
        errno = ENOMEM;
        return NULL;
      }
      buf = p;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  if (ferror(f)) {
    free(buf);
    if (f != stdin) fclose(f);
    errno = EIO;
    return NULL;
  }
  if (f != stdin) fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

int cli_write_file(void *ud, const void *buf, size_t len) {
  return fwrite(buf, 1, len, (FILE *)ud) == len ? 0 : 1;
}

int cli_read_stream(void *ud, void *buf, size_t cap, size_t *nread) {
  FILE *f = (FILE *)ud;
  *nread = fread(buf, 1, cap, f);
  return ferror(f) ? 1 : 0;
}

int cli_read_portfolio(const char *cmd, const char *path, const kam_csv_options *in, kam_ctx **ctx,
                       kam_portfolio **p) {
  FILE *f;
  int rc;
  *ctx = NULL;
  *p = NULL;
  if (kam_ctx_new(ctx, NULL, NULL) || kam_portfolio_new(p, *ctx)) {
    kam_ctx_free(*ctx);
    *ctx = NULL;
    fprintf(stderr, "kam %s: out of memory\n", cmd);
    return 1;
  }
  f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) return cli_fail(cmd, "%s: %s", path, strerror(errno));
  rc = kam_portfolio_read_csv(*p, cli_read_stream, f, in);
  if (f != stdin) fclose(f);
  if (rc) {
    int status = cli_fail(cmd, "%s: %s", path, rc == 1 ? "read error" : kam_ctx_errmsg(*ctx));
    return rc == KAM_ENOMEM ? 1 : status;
  }
  return 0;
}

/* cli_plan.c - `kam plan PLAN.json [--format F] [--lang L] [--check]`: reads a key account
 * plan and writes it rendered, or (--check) prints its findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f, "usage: kam plan PLAN.json [--format html|md|text|json] [--lang ru|en] [--check]\n"
             "\n"
             "Assembles a key account plan from its JSON document and writes it:\n"
             "  --format html   one self-contained A4 HTML document (the default)\n"
             "  --format md     Markdown (also: markdown)\n"
             "  --format text   plain UTF-8 text (also: txt)\n"
             "  --format json   the assembled model that templates render\n"
             "  --lang ru|en    the language (default: the document's \"lang\")\n"
             "  --check         print the findings instead, one a line:\n"
             "                  severity code path: message; exit status 1 if one is an error\n"
             "PLAN.json may be '-' for standard input. Exit status 2: the document is wrong\n"
             "(the message names the JSON path and line).\n");
}

int kam_cli_plan(int argc, char **argv) {
  const char *cmd = argv[0], *doc_path = NULL, *lang = NULL;
  int format = KAM_FORMAT_HTML, check = 0, i, rc, status = 0;
  cli_findings found = {NULL, KAM_SEVERITY_INFO, 0};
  char *json = NULL;
  size_t len;
  kam_ctx *ctx = NULL;
  kam_plan *plan = NULL;

  if (cli_wants_help(argc, argv)) {
    usage(stdout);
    return 0;
  }
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "--format") || !strcmp(a, "-f") || !strcmp(a, "--lang")) && i + 1 >= argc)
      return cli_fail(cmd, "%s needs a value", a);
    if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
      const char *f = argv[++i];
      if ((format = cli_format(f)) == 0)
        return cli_fail(cmd, "unknown format '%s' (html, md, text, json)", f);
    } else if (!strcmp(a, "--lang")) {
      lang = argv[++i];
    } else if (!strcmp(a, "--check")) {
      check = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_fail(cmd, "unknown option '%s' (run 'kam plan --help')", a);
    } else if (doc_path) {
      return cli_fail(cmd, "one plan at a time ('%s' and '%s')", doc_path, a);
    } else {
      doc_path = a;
    }
  }
  if (!doc_path) return cli_fail(cmd, "no plan given (run 'kam plan --help')");
  if (!(json = cli_read_file(doc_path, &len)))
    return cli_fail(cmd, "%s: %s", doc_path, strerror(errno));
  if ((rc = kam_ctx_new(&ctx, NULL, NULL))) {
    status = cli_fail(cmd, "%s", kam_strerror(rc));
    goto done;
  }
  if ((rc = kam_plan_from_json(&plan, ctx, json, len)) ||
      (lang && (rc = kam_plan_set_lang(plan, lang)))) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (check) {
    found.out = stdout;
    rc = kam_plan_check(plan, cli_print_finding, &found);
    if (rc)
      status = cli_status(cmd, rc, ctx);
    else if (found.errors)
      status = 1;
  } else {
    rc = kam_plan_render(plan, format, cli_write_file, stdout);
    if (rc == 1)
      status = cli_fail(cmd, "standard output: write failed");
    else if (rc)
      status = cli_status(cmd, rc, ctx);
  }

done:
  kam_plan_free(plan);
  kam_ctx_free(ctx);
  free(json);
  return status;
}

/* cli_proposal.c - `kam proposal DOC.json [--format F] [--template FILE] [-o OUT] [--check]
 * [--force]`: reads a proposal document, and writes it rendered with a built-in template or the
 * user's own, after the pre-send check (kam_proposal_check); --check prints the findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f, "usage: kam proposal DOC.json [--format html|markdown|text|json|document]\n"
             "                             [--template FILE] [-o OUT] [--check] [--force]\n"
             "                             [--as-of YYYY-MM-DD|today] [--discount-ceiling PCT]\n"
             "                             [--margin-floor PCT]\n"
             "\n"
             "Assembles a commercial proposal from its JSON document and writes it:\n"
             "  --format html       one self-contained A4 HTML document (the default)\n"
             "  --format markdown   Markdown (also: md)\n"
             "  --format text       plain UTF-8 text (also: txt)\n"
             "  --format json       the assembled document model that templates render\n"
             "  --format document   the document itself, normalised (kam_proposal_write_json)\n"
             "  --template FILE     render FILE (a Mustache template) over the model instead\n"
             "  -o OUT              write to OUT instead of standard output\n"
             "  --check             print the pre-send check's findings instead, one a line:\n"
             "                      severity code path: message; exit status 1 if one is an\n"
             "                      error\n"
             "  --force             render even when the check finds an error (else: exit 1)\n"
             "  --as-of DATE        the day it is sent (today: the UTC date): 'expired' if the\n"
             "                      offer ends before it\n"
             "  --discount-ceiling PCT, --margin-floor PCT   the check's limits (items' cost)\n"
             "When rendering, the check's errors and warnings go to standard error.\n"
             "DOC.json may be '-' for standard input. The language (ru or en) comes from the\n"
             "document's \"lang\". Exit status 2 names what is wrong with the document: the JSON\n"
             "path and line of a bad value, or the parts a complete proposal still needs.\n");
}

int kam_cli_proposal(int argc, char **argv) {
  const char *cmd = argv[0], *doc_path = NULL, *template_path = NULL, *out_path = NULL;
  int format = KAM_FORMAT_HTML, document = 0, check = 0, force = 0, i, rc, status = 0;
  kam_proposal_check_options options;
  cli_findings found = {NULL, KAM_SEVERITY_WARNING, 0};
  char *json = NULL, *src = NULL;
  size_t len, src_len;
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL;
  kam_template *t = NULL;
  FILE *out = stdout;

  if (cli_wants_help(argc, argv)) {
    usage(stdout);
    return 0;
  }
  kam_proposal_check_options_init(&options, sizeof options);
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "--format") || !strcmp(a, "-f") || !strcmp(a, "--template") ||
         !strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--as-of") ||
         !strcmp(a, "--discount-ceiling") || !strcmp(a, "--margin-floor")) &&
        i + 1 >= argc)
      return cli_fail(cmd, "%s needs a value", a);
    if (!strcmp(a, "--check")) {
      check = 1;
    } else if (!strcmp(a, "--force")) {
      force = 1;
    } else if (!strcmp(a, "--as-of")) {
      const char *d = argv[++i];
      if (!strcmp(d, "today"))
        options.as_of = (kam_date)(time(NULL) / 86400);
      else if (kam_date_parse(&options.as_of, d, strlen(d)) != KAM_OK)
        return cli_fail(cmd, "--as-of '%s' is not a date YYYY-MM-DD or today", d);
      options.flags |= KAM_CHECK_AS_OF;
    } else if (!strcmp(a, "--discount-ceiling")) {
      if (cli_parse_double(argv[++i], &options.discount_ceiling))
        return cli_fail(cmd, "--discount-ceiling '%s' is not a number", argv[i]);
    } else if (!strcmp(a, "--margin-floor")) {
      if (cli_parse_double(argv[++i], &options.margin_floor))
        return cli_fail(cmd, "--margin-floor '%s' is not a number", argv[i]);
    } else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
      const char *f = argv[++i];
      document = !strcmp(f, "document");
      if (!document && (format = cli_format(f)) == 0)
        return cli_fail(cmd, "unknown format '%s' (html, markdown, text, json, document)", f);
    } else if (!strcmp(a, "--template")) {
      template_path = argv[++i];
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      out_path = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      return cli_fail(cmd, "unknown option '%s' (run 'kam proposal --help')", a);
    } else if (doc_path) {
      return cli_fail(cmd, "one document at a time ('%s' and '%s')", doc_path, a);
    } else {
      doc_path = a;
    }
  }
  if (!doc_path) return cli_fail(cmd, "no document given (run 'kam proposal --help')");
  if (template_path && document)
    return cli_fail(cmd, "--template renders the model; it does not go with --format document");
  if (check && (document || template_path || out_path))
    return cli_fail(cmd, "--check prints the findings; it does not go with --format document, "
                         "--template or -o");

  if (!(json = cli_read_file(doc_path, &len)))
    return cli_fail(cmd, "%s: %s", doc_path, strerror(errno));
  if (template_path && !(src = cli_read_file(template_path, &src_len))) {
    status = cli_fail(cmd, "%s: %s", template_path, strerror(errno));
    goto done;
  }
  if ((rc = kam_ctx_new(&ctx, NULL, NULL))) {
    status = cli_fail(cmd, "%s", kam_strerror(rc));
    goto done;
  }
  if ((rc = kam_proposal_from_json(&p, ctx, json, len))) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (src && (rc = kam_template_compile(&t, ctx, src, src_len))) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (check) {
    found.out = stdout;
    found.max_severity = KAM_SEVERITY_INFO;
    if ((rc = kam_proposal_check(p, &options, cli_print_finding, &found)))
      status = cli_status(cmd, rc, ctx);
    else if (found.errors)
      status = 1;
    goto done;
  }
  /* Check before opening the output, so a bad document leaves no empty file behind: complete
   * (exit 2), then the pre-send check (its errors and warnings on stderr; an error: exit 1
   * unless --force). */
  if (!document && (rc = kam_proposal_validate(p))) {
    status = cli_status(cmd, rc, ctx);
    goto done;
  }
  if (!document) {
    found.out = stderr;
    if ((rc = kam_proposal_check(p, &options, cli_print_finding, &found))) {
      status = cli_status(cmd, rc, ctx);
      goto done;
    }
    if (found.errors && !force) {
      fprintf(stderr,
              "kam %s: %d error(s) found by the pre-send check: not rendered (--force renders "
              "anyway; --check lists the findings)\n",
              cmd, found.errors);
      status = 1;
      goto done;
    }
    if (found.errors)
      fprintf(stderr, "kam %s: rendered despite %d error(s) of the pre-send check (--force)\n",
              cmd, found.errors);
  }
  if (out_path && !(out = fopen(out_path, "wb"))) {
    out = stdout;
    status = cli_fail(cmd, "%s: %s", out_path, strerror(errno));
    goto done;
  }
  if (document)
    rc = kam_proposal_write_json(p, cli_write_file, out);
  else if (t)
    rc = kam_proposal_render_template(p, t, cli_write_file, out);
  else
    rc = kam_proposal_render(p, format, cli_write_file, out);
  if (rc == 1) {
    status = cli_fail(cmd, "%s: write failed", out_path ? out_path : "standard output");
  } else if (rc) {
    status = cli_status(cmd, rc, ctx);
  }
  if (out != stdout && fclose(out) != 0 && !status)
    status = cli_fail(cmd, "%s: %s", out_path, strerror(errno));
  out = stdout;

done:
  if (out != stdout) fclose(out);
  kam_template_free(t);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  free(json);
  free(src);
  return status;
}

/* cli_proposal.c - `kam proposal DOC.json [--format F] [--template FILE] [-o OUT]`: reads a
 * proposal document, and writes it rendered with a built-in template or the user's own. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f) {
  fprintf(f, "usage: kam proposal DOC.json [--format html|markdown|text|json|document]\n"
             "                             [--template FILE] [-o OUT]\n"
             "\n"
             "Assembles a commercial proposal from its JSON document and writes it:\n"
             "  --format html       one self-contained A4 HTML document (the default)\n"
             "  --format markdown   Markdown (also: md)\n"
             "  --format text       plain UTF-8 text (also: txt)\n"
             "  --format json       the assembled document model that templates render\n"
             "  --format document   the document itself, normalised (kam_proposal_write_json)\n"
             "  --template FILE     render FILE (a Mustache template) over the model instead\n"
             "  -o OUT              write to OUT instead of standard output\n"
             "DOC.json may be '-' for standard input. The language (ru or en) comes from the\n"
             "document's \"lang\". Exit status 2 names what is wrong with the document: the JSON\n"
             "path and line of a bad value, or the parts a complete proposal still needs.\n");
}

int kam_cli_proposal(int argc, char **argv) {
  const char *cmd = argv[0], *doc_path = NULL, *template_path = NULL, *out_path = NULL;
  int format = KAM_FORMAT_HTML, document = 0, i, rc, status = 0;
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
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "--format") || !strcmp(a, "-f") || !strcmp(a, "--template") ||
         !strcmp(a, "-o") || !strcmp(a, "--output")) &&
        i + 1 >= argc)
      return cli_fail(cmd, "%s needs a value", a);
    if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
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
  /* Check before opening the output, so a bad document leaves no empty file behind. */
  if (!document && (rc = kam_proposal_check(p))) {
    status = cli_status(cmd, rc, ctx);
    goto done;
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

/* cli_render.c - `kam render TEMPLATE.mustache DATA.json [--partials DIR] [--output FILE]`.
 *
 * The CLI, not the library, reads partials: {{>name}} is looked up as DIR/name.mustache (a name
 * with ".." or an absolute path is treated as missing). Errors name the file and the place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct loaded {
  char *text;
  struct loaded *next;
} loaded;

typedef struct partial_dir {
  const char *dir;
  loaded *texts; /* kept until the render returns: kam_partial_fn hands out borrowed text */
  int failed_errno;
  char failed_path[4096];
} partial_dir;

/* True when name is a safe relative path: no "..", no leading '/', no NUL or backslash. */
static int safe_name(const char *name, size_t len) {
  size_t i, seg = 0;
  if (len == 0 || name[0] == '/') return 0;
  for (i = 0; i <= len; i++) {
    if (i == len || name[i] == '/') {
      if (i - seg == 2 && name[seg] == '.' && name[seg + 1] == '.') return 0;
      seg = i + 1;
    } else if (name[i] == '\0' || name[i] == '\\') {
      return 0;
    }
  }
  return 1;
}

static int read_partial(void *ud, const char *name, size_t name_len, const char **src,
                        size_t *src_len) {
  partial_dir *pd = (partial_dir *)ud;
  char path[4096];
  loaded *l;
  char *text;
  int n;
  if (!pd->dir || !safe_name(name, name_len)) return 0;
  n = snprintf(path, sizeof path, "%s/%.*s.mustache", pd->dir, (int)name_len, name);
  if (n < 0 || (size_t)n >= sizeof path) return 0;
  text = cli_read_file(path, src_len);
  if (!text) {
    if (errno == ENOENT || errno == ENOTDIR) return 0; /* no such partial: renders as nothing */
    pd->failed_errno = errno;
    snprintf(pd->failed_path, sizeof pd->failed_path, "%s", path);
    return 1;
  }
  l = (loaded *)malloc(sizeof *l);
  if (!l) {
    free(text);
    pd->failed_errno = ENOMEM;
    snprintf(pd->failed_path, sizeof pd->failed_path, "%s", path);
    return 1;
  }
  l->text = text;
  l->next = pd->texts;
  pd->texts = l;
  *src = text;
  return 0;
}

static void usage(FILE *f) {
  fprintf(f, "usage: kam render TEMPLATE.mustache DATA.json [--partials DIR] [--output FILE]\n\n"
             "Renders a Mustache template (spec v1.4.2: sections, partials, inheritance,\n"
             "dynamic names) with the JSON data and prints the result (or writes FILE).\n"
             "{{>name}} reads DIR/name.mustache (missing partials render as nothing).\n"
             "Use - for the data to read it from standard input.\n\n"
             "example: kam render proposal.mustache proposal.json --partials partials/\n");
}

int kam_cli_render(int argc, char **argv) {
  const char *cmd = argv[0], *tpl_path = NULL, *data_path = NULL, *out_path = NULL;
  partial_dir pd;
  char *tpl_text = NULL, *json_text = NULL;
  size_t tpl_len, json_len;
  kam_ctx *ctx = NULL;
  kam_template *t = NULL;
  kam_value *data = NULL;
  FILE *out = stdout;
  int i, rc, status = 0;

  memset(&pd, 0, sizeof pd);
  if (cli_wants_help(argc, argv)) {
    usage(stdout);
    return 0;
  }
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--partials") || !strcmp(a, "--output")) {
      if (i + 1 >= argc) return cli_fail(cmd, "%s needs a value", a);
      if (!strcmp(a, "--partials"))
        pd.dir = argv[++i];
      else
        out_path = argv[++i];
    } else if (a[0] == '-' && a[1] == '-') {
      return cli_fail(cmd, "unknown option '%s' (run 'kam render --help')", a);
    } else if (!tpl_path) {
      tpl_path = a;
    } else if (!data_path) {
      data_path = a;
    } else {
      return cli_fail(cmd, "unexpected argument '%s' (run 'kam render --help')", a);
    }
  }
  if (!tpl_path || !data_path)
    return cli_fail(cmd, "need TEMPLATE and DATA (run 'kam render --help')");

  if (!(tpl_text = cli_read_file(tpl_path, &tpl_len))) {
    status = cli_fail(cmd, "%s: %s", tpl_path, strerror(errno));
    goto done;
  }
  if (!(json_text = cli_read_file(data_path, &json_len))) {
    status = cli_fail(cmd, "%s: %s", data_path, strerror(errno));
    goto done;
  }
  if ((rc = kam_ctx_new(&ctx, NULL, NULL)) != KAM_OK) {
    status = cli_fail(cmd, "%s", kam_strerror(rc));
    goto done;
  }
  if ((rc = kam_json_parse(&data, ctx, json_text, json_len)) != KAM_OK) {
    status = cli_fail(cmd, "%s: %s", data_path, kam_ctx_errmsg(ctx));
    goto done;
  }
  if ((rc = kam_template_compile(&t, ctx, tpl_text, tpl_len)) != KAM_OK) {
    status = cli_fail(cmd, "%s: %s", tpl_path, kam_ctx_errmsg(ctx));
    goto done;
  }
  if (out_path && !(out = fopen(out_path, "wb"))) {
    status = cli_fail(cmd, "%s: %s", out_path, strerror(errno));
    out = stdout;
    goto done;
  }
  rc = kam_template_render(t, data, read_partial, &pd, cli_write_file, out);
  if (rc == 1 && pd.failed_errno) {
    status = cli_fail(cmd, "%s: %s", pd.failed_path, strerror(pd.failed_errno));
  } else if (rc == 1) {
    status = cli_fail(cmd, "%s: write error", out_path ? out_path : "standard output");
    status = 1;
  } else if (rc != KAM_OK) {
    /* Errors inside partials already say "partial \"x\": line L, column C". */
    status = cli_fail(cmd, "%s: %s", tpl_path, kam_ctx_errmsg(ctx));
    if (rc == KAM_ENOMEM) status = 1;
  }
  if (out != stdout && fclose(out) != 0 && status == 0)
    status = cli_fail(cmd, "%s: %s", out_path, strerror(errno));
  else if (out == stdout && fflush(stdout) != 0 && status == 0)
    status = 1;
  out = stdout;

done:
  while (pd.texts) {
    loaded *next = pd.texts->next;
    free(pd.texts->text);
    free(pd.texts);
    pd.texts = next;
  }
  if (out != stdout) fclose(out);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
  free(tpl_text);
  free(json_text);
  return status;
}

/* render.c - rendering a proposal: the built-in Mustache templates (src/templates/, embedded
 * at build time by cmake/embed.cmake) over the model of kam_proposal_to_value, or a user's
 * template over the same model.
 *
 * Escaping is per format. HTML: the templates use {{ }} for every piece of user text, so the
 * template engine escapes & < > " '. Markdown and text have no such escaping in Mustache, so
 * the model is copied with every string made safe for the format first, and those templates
 * use {{{ }}}: Markdown backslash-escapes the characters that could make links, emphasis,
 * code, HTML, headings, lists or break a table row; text drops control characters. Both drop
 * the C0 controls but newline and tab, DEL, and the C1 controls U+0080-U+009F (U+009B is a
 * terminal's escape sequence introducer, as ESC [ is). */
#include <stdio.h>
#include <string.h>

#include "documents/proposal_internal.h"

/* The table written by cmake/embed.cmake. */
struct kam__embedded {
  const char *name;
  const char *text;
  size_t len;
};
extern const struct kam__embedded kam__templates[];
extern const size_t kam__templates_count;

static const struct kam__embedded *embedded(const char *name, size_t len) {
  size_t i;
  for (i = 0; i < kam__templates_count; i++)
    if (kam__templates[i].name && strlen(kam__templates[i].name) == len &&
        memcmp(kam__templates[i].name, name, len) == 0)
      return &kam__templates[i];
  return NULL;
}

/* Partials of the built-in templates: {{> name}} is the file name.mustache. */
static int builtin_partial(void *ud, const char *name, size_t name_len, const char **src,
                           size_t *src_len) {
  char file[96];
  const struct kam__embedded *e;
  (void)ud;
  *src = NULL;
  *src_len = 0;
  if (name_len + sizeof ".mustache" > sizeof file) return 0;
  memcpy(file, name, name_len);
  memcpy(file + name_len, ".mustache", sizeof ".mustache");
  if ((e = embedded(file, strlen(file)))) {
    *src = e->text;
    *src_len = e->len;
  }
  return 0;
}

/* ---- escaping for Markdown and text ------------------------------------------------------ */

enum { ESC_MARKDOWN = 1, ESC_TEXT = 2 };

/* Keys whose text may run over several lines (paragraphs); every other string is one line. */
static bool multiline_key(const char *key) {
  static const char *const keys[] = {"context", "summary", "exclusive", "terms", "details",
                                     "text",    "project", "result",    NULL};
  size_t i;
  for (i = 0; key && keys[i]; i++)
    if (!strcmp(key, keys[i])) return true;
  return false;
}

/* Is s[i] the first byte of a C1 control, U+0080-U+009F (UTF-8 C2 80 - C2 9F)? The strings of
 * the model are valid UTF-8, so a C1 control is always these two bytes. */
static bool c1_control(const char *s, size_t i, size_t len) {
  return (unsigned char)s[i] == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
         (unsigned char)s[i + 1] <= 0x9F;
}

static int escape_string(kam__buf *b, const char *s, size_t len, int mode, bool multiline) {
  size_t i;
  bool line_start = true;
  int rc = KAM_OK;
  for (i = 0; i < len && !rc; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c1_control(s, i, len)) {
      i++;
      continue;
    }
    if (mode == ESC_TEXT) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) continue;
      rc = kam__buf_putc(b, (char)c);
      continue;
    }
    if (c == '\r') continue;
    if (c == '\n') {
      size_t j = i + 1, breaks = 1;
      while (j < len && (s[j] == '\n' || s[j] == '\r'))
        breaks += s[j++] == '\n';
      i = j - 1;
      if (!multiline) {
        /* One-line places (headings, table cells): a newline would end them. */
        rc = kam__buf_putc(b, ' ');
        continue;
      }
      /* One newline is a line break (a trailing backslash), more make a paragraph. */
      rc = kam__buf_puts(b, breaks > 1 ? "\n\n" : "\\\n");
      line_start = true;
      continue;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7F) continue;
    if (line_start && (c == ' ' || c == '\t')) continue; /* would indent into a code block */
    if (strchr("\\`*_[]<>|&~", c) || (line_start && strchr("#>+-=", c))) {
      rc = kam__buf_putc(b, '\\');
    } else if (line_start && kam__is_digit(c)) {
      /* "1. " or "1) " at the start of a line would begin an ordered list. */
      size_t j = i;
      while (j < len && kam__is_digit(s[j]))
        j++;
      if (j < len && (s[j] == '.' || s[j] == ')') &&
          (j + 1 == len || s[j + 1] == ' ' || s[j + 1] == '\t' || s[j + 1] == '\n')) {
        if (!(rc = kam__buf_put(b, s + i, j - i))) rc = kam__buf_putc(b, '\\');
        i = j - 1;
        line_start = false;
        continue;
      }
    }
    if (!rc) rc = kam__buf_putc(b, (char)c);
    line_start = false;
  }
  return rc;
}

/* A copy of the model with every string escaped for mode. key is the member name of `in`
 * (NULL for array items); inside tables (items, sections, optional_items) every string is
 * kept on one line. */
static int escape_tree(kam_ctx *ctx, const kam_value *in, const char *key, kam_value **out,
                       int mode, bool in_table, int depth) {
  size_t i, n, len;
  int rc = KAM_OK;
  *out = NULL;
  if (depth > 64) return kam__error(ctx, KAM_ELIMIT, "proposal model nested too deeply");
  switch (kam_value_type(in)) {
  case KAM_VALUE_STRING: {
    kam__buf b;
    const char *s = kam_value_string(in, &len);
    kam__buf_init(&b, ctx);
    rc = escape_string(&b, s, len, mode, !in_table && multiline_key(key));
    if (!rc) rc = kam_value_new_string(out, ctx, b.data ? b.data : "", b.len);
    kam__buf_free(&b);
    return rc;
  }
  case KAM_VALUE_ARRAY:
  case KAM_VALUE_OBJECT: {
    bool is_obj = kam_value_type(in) == KAM_VALUE_OBJECT;
    kam_value *copy = NULL;
    rc = is_obj ? kam_value_new_object(&copy, ctx) : kam_value_new_array(&copy, ctx);
    n = kam_value_length(in);
    for (i = 0; !rc && i < n; i++) {
      kam_value *item;
      const char *member = is_obj ? kam_value_key_at(in, i, &len) : NULL;
      bool table =
          in_table || (member && (!strcmp(member, "items") || !strcmp(member, "sections") ||
                                  !strcmp(member, "optional_items")));
      if ((rc = escape_tree(ctx, kam_value_at(in, i), member ? member : key, &item, mode, table,
                            depth + 1)))
        break;
      rc =
          is_obj ? kam_value_object_set(copy, member, len, item) : kam_value_array_push(copy, item);
      if (rc) kam_value_free(item);
    }
    if (rc) {
      kam_value_free(copy);
      return rc;
    }
    *out = copy;
    return KAM_OK;
  }
  case KAM_VALUE_NULL: return kam_value_new_null(out, ctx);
  case KAM_VALUE_BOOL: return kam_value_new_bool(out, ctx, kam_value_bool(in));
  case KAM_VALUE_NUMBER: {
    const char *text = kam_value_number_text(in, &len);
    return kam_value_new_number_text(out, ctx, text, len);
  }
  default: return kam_value_new_null(out, ctx);
  }
}

/* ---- rendering --------------------------------------------------------------------------- */

int kam__render_builtin(kam_ctx *ctx, kam_value *model, const char *prefix, const char *lang,
                        int format, kam_write_fn write, void *ud) {
  kam_value *safe = NULL;
  kam_template *t = NULL;
  const struct kam__embedded *e;
  const char *ext;
  char name[48];
  int rc;
  switch (format) {
  case KAM_FORMAT_MARKDOWN: ext = "md"; break;
  case KAM_FORMAT_HTML: ext = "html"; break;
  case KAM_FORMAT_TEXT: ext = "txt"; break;
  default: ext = NULL; break;
  }
  if (!ext) {
    rc = kam_json_write(model, KAM_JSON_PRETTY, write, ud);
    if (!rc) rc = write(ud, "\n", 1);
    kam_value_free(model);
    return rc;
  }
  if (format != KAM_FORMAT_HTML) {
    rc = escape_tree(ctx, model, NULL, &safe,
                     format == KAM_FORMAT_MARKDOWN ? ESC_MARKDOWN : ESC_TEXT, false, 0);
    kam_value_free(model);
    if (rc) return rc;
    model = safe;
  }
  snprintf(name, sizeof name, "%s%s.%s.mustache", prefix, lang, ext);
  e = embedded(name, strlen(name));
  if (!e) {
    kam_value_free(model);
    return kam__error(ctx, KAM_ESTATE, "no built-in template %s", name);
  }
  rc = kam_template_compile(&t, ctx, e->text, e->len);
  if (!rc) rc = kam_template_render(t, model, builtin_partial, NULL, write, ud);
  kam_template_free(t);
  kam_value_free(model);
  return rc;
}

int kam__render_document(kam_ctx *ctx, const char *who, int format, kam__model_fn build,
                         const void *doc, const char *prefix, const char *lang, kam_write_fn write,
                         void *ud) {
  kam_value *model = NULL;
  int rc;
  if (format < KAM_FORMAT_MARKDOWN || format > KAM_FORMAT_JSON)
    return kam__error(ctx, KAM_EINVAL, "%s: unknown format %d", who, format);
  if ((rc = build(&model, doc))) return rc;
  return kam__render_builtin(ctx, model, prefix, lang, format, write, ud);
}

static int proposal_model(kam_value **out, const void *doc) {
  return kam_proposal_to_value(out, (const kam_proposal *)doc);
}

int kam_proposal_render(const kam_proposal *p, int format, kam_write_fn write, void *ud) {
  if (!p || !write) return KAM_EINVAL;
  return kam__render_document(p->ctx, "kam_proposal_render", format, proposal_model, p, "", p->lang,
                              write, ud);
}

int kam__render_document_template(kam__model_fn build, const void *doc, const kam_template *t,
                                  kam_write_fn write, void *ud) {
  kam_value *model = NULL;
  int rc;
  if ((rc = build(&model, doc))) return rc;
  rc = kam_template_render(t, model, NULL, NULL, write, ud);
  kam_value_free(model);
  return rc;
}

int kam_proposal_render_template(const kam_proposal *p, const kam_template *t, kam_write_fn write,
                                 void *ud) {
  if (!p || !t || !write) return KAM_EINVAL;
  return kam__render_document_template(proposal_model, p, t, write, ud);
}

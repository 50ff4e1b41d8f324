/* conformance/mustache.c - runs the Mustache spec v1.4.2 (the JSON files in <dir>/mustache) through
 * kam_template_compile / kam_template_render.
 *
 * Each spec file is read with kam_json_parse. For each test the data is copied into a heap
 * tree (so lambdas can be put in), partials come from the test's "partials" object through a
 * kam_partial_fn, and the output must equal "expected" byte for byte. The lambda tests carry
 * code only for other languages ({"__tag__": "code", ...}); each of the 10 is mapped by its
 * name to a C callback below that does what that code does.
 * Prints "<module>: passed/total passed" per file and a total; exits 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const char *const files[] = {"comments",       "delimiters",   "interpolation",
                                    "inverted",       "partials",     "sections",
                                    "~dynamic-names", "~inheritance", "~lambdas"};

/* --- the lambdas of ~lambdas.json, by test name -------------------------------------------- */

typedef struct lambda_state {
  int calls;
} lambda_state;

static int put(kam_write_fn out, void *ud, const char *s) { return out(ud, s, strlen(s)); }

static int l_world(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud, (void)t, (void)n;
  return put(out, oud, "world");
}
static int l_planet(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud, (void)t, (void)n;
  return put(out, oud, "{{planet}}");
}
static int l_alt_planet(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud, (void)t, (void)n;
  return put(out, oud, "|planet| => {{planet}}");
}
static int l_calls(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  lambda_state *st = (lambda_state *)ud;
  char buf[32];
  (void)t, (void)n;
  snprintf(buf, sizeof buf, "%d", ++st->calls);
  return put(out, oud, buf);
}
static int l_gt(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud, (void)t, (void)n;
  return put(out, oud, ">");
}
static int l_yes_no(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud;
  return put(out, oud, n == 5 && memcmp(t, "{{x}}", 5) == 0 ? "yes" : "no");
}
static int l_wrap_planet(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  int rc;
  (void)ud;
  if ((rc = out(oud, t, n)) != 0 || (rc = put(out, oud, "{{planet}}")) != 0) return rc;
  return out(oud, t, n);
}
static int l_wrap_alt(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  int rc;
  (void)ud;
  if ((rc = out(oud, t, n)) != 0 || (rc = put(out, oud, "{{planet}} => |planet|")) != 0) return rc;
  return out(oud, t, n);
}
static int l_underscores(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  int rc;
  (void)ud;
  if ((rc = put(out, oud, "__")) != 0 || (rc = out(oud, t, n)) != 0) return rc;
  return put(out, oud, "__");
}
static int l_false(void *ud, const char *t, size_t n, kam_write_fn out, void *oud) {
  (void)ud, (void)t, (void)n, (void)out, (void)oud;
  return 0; /* "false": never called, a lambda is truthy in an inverted section */
}

static const struct {
  const char *test;
  kam_lambda_fn fn;
} lambdas[] = {
    {"Interpolation", l_world},
    {"Interpolation - Expansion", l_planet},
    {"Interpolation - Alternate Delimiters", l_alt_planet},
    {"Interpolation - Multiple Calls", l_calls},
    {"Escaping", l_gt},
    {"Section", l_yes_no},
    {"Section - Expansion", l_wrap_planet},
    {"Section - Alternate Delimiters", l_wrap_alt},
    {"Section - Multiple Calls", l_underscores},
    {"Inverted Section", l_false},
};

static kam_lambda_fn lambda_for(const char *name, size_t len) {
  size_t i;
  for (i = 0; i < sizeof lambdas / sizeof lambdas[0]; i++)
    if (strlen(lambdas[i].test) == len && memcmp(lambdas[i].test, name, len) == 0)
      return lambdas[i].fn;
  return NULL;
}

/* --- copying the data (the parsed tree is read-only), code objects become lambdas ---------- */

static int is_code(const kam_value *v) {
  const kam_value *tag = kam_value_get(v, "__tag__", 7);
  size_t n;
  const char *s = kam_value_string(tag, &n);
  return s && n == 4 && memcmp(s, "code", 4) == 0;
}

static int copy_value(kam_value **out, kam_ctx *ctx, const kam_value *v, kam_lambda_fn fn,
                      void *fn_ud) {
  size_t i, n;
  const char *s;
  int rc;
  switch (kam_value_type(v)) {
  case KAM_VALUE_NULL: return kam_value_new_null(out, ctx);
  case KAM_VALUE_BOOL: return kam_value_new_bool(out, ctx, kam_value_bool(v));
  case KAM_VALUE_NUMBER:
    s = kam_value_number_text(v, &n);
    return kam_value_new_number_text(out, ctx, s, n);
  case KAM_VALUE_STRING: s = kam_value_string(v, &n); return kam_value_new_string(out, ctx, s, n);
  case KAM_VALUE_ARRAY:
    if ((rc = kam_value_new_array(out, ctx)) != KAM_OK) return rc;
    for (i = 0; i < kam_value_length(v); i++) {
      kam_value *item;
      if ((rc = copy_value(&item, ctx, kam_value_at(v, i), fn, fn_ud)) != KAM_OK ||
          (rc = kam_value_array_push(*out, item)) != KAM_OK)
        return rc;
    }
    return KAM_OK;
  case KAM_VALUE_OBJECT:
    if (is_code(v)) {
      if (!fn) return KAM_ENOTFOUND;
      return kam_value_new_lambda(out, ctx, fn, fn_ud);
    }
    if ((rc = kam_value_new_object(out, ctx)) != KAM_OK) return rc;
    for (i = 0; i < kam_value_length(v); i++) {
      kam_value *item;
      s = kam_value_key_at(v, i, &n);
      if ((rc = copy_value(&item, ctx, kam_value_at(v, i), fn, fn_ud)) != KAM_OK ||
          (rc = kam_value_object_set(*out, s, n, item)) != KAM_OK)
        return rc;
    }
    return KAM_OK;
  default: return KAM_EINVAL;
  }
}

/* --- partials from the test's "partials" object -------------------------------------------- */

static int partial_from_object(void *ud, const char *name, size_t len, const char **src,
                               size_t *src_len) {
  const kam_value *p = kam_value_get((const kam_value *)ud, name, len);
  *src = kam_value_string(p, src_len);
  return 0;
}

static void print_escaped(const char *s, size_t n) {
  size_t i;
  putchar('"');
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n')
      fputs("\\n", stdout);
    else if (c == '\r')
      fputs("\\r", stdout);
    else if (c == '\t')
      fputs("\\t", stdout);
    else if (c == '"')
      fputs("\\\"", stdout);
    else
      putchar(c);
  }
  putchar('"');
}

/* Runs one test; 1 if it passed. */
static int run_test(kam_ctx *ctx, const kam_value *test, const char *module) {
  size_t name_len, tpl_len, exp_len;
  const char *name = kam_value_string(kam_value_get(test, "name", 4), &name_len);
  const char *tpl = kam_value_string(kam_value_get(test, "template", 8), &tpl_len);
  const char *expected = kam_value_string(kam_value_get(test, "expected", 8), &exp_len);
  const kam_value *partials = kam_value_get(test, "partials", 8);
  kam_value *data = NULL;
  kam_template *t = NULL;
  kam_test_sink sink;
  lambda_state ls = {0};
  int rc, ok = 0;
  memset(&sink, 0, sizeof sink);
  if (!name || !tpl || !expected) {
    printf("  %s: malformed test\n", module);
    return 0;
  }
  rc = copy_value(&data, ctx, kam_value_get(test, "data", 4), lambda_for(name, name_len), &ls);
  if (rc != KAM_OK) {
    printf("  FAIL %s / %.*s: data copy: %s\n", module, (int)name_len, name, kam_strerror(rc));
    goto done;
  }
  rc = kam_template_compile(&t, ctx, tpl, tpl_len);
  if (rc != KAM_OK) {
    printf("  FAIL %s / %.*s: compile: %s: %s\n", module, (int)name_len, name, kam_strerror(rc),
           kam_ctx_errmsg(ctx));
    goto done;
  }
  rc = kam_template_render(t, data, partials ? partial_from_object : NULL, (void *)partials,
                           kam_test_sink_write, &sink);
  if (rc != KAM_OK) {
    printf("  FAIL %s / %.*s: render: %s: %s\n", module, (int)name_len, name, kam_strerror(rc),
           kam_ctx_errmsg(ctx));
    goto done;
  }
  if (sink.len != exp_len || (exp_len && memcmp(sink.data, expected, exp_len) != 0)) {
    printf("  FAIL %s / %.*s\n    template: ", module, (int)name_len, name);
    print_escaped(tpl, tpl_len);
    printf("\n    expected: ");
    print_escaped(expected, exp_len);
    printf("\n    got:      ");
    print_escaped(sink.data ? sink.data : "", sink.len);
    printf("\n");
    goto done;
  }
  ok = 1;
done:
  kam_template_free(t);
  kam_value_free(data);
  kam_test_sink_free(&sink);
  return ok;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : KAM_CONFORMANCE_DIR;
  size_t f, total = 0, passed = 0;
  int failed_files = 0;
  kam_ctx *ctx = NULL;
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 2;
  for (f = 0; f < sizeof files / sizeof files[0]; f++) {
    char path[4096];
    size_t len, i, n, ok = 0;
    char *text;
    kam_value *doc = NULL;
    const kam_value *tests;
    const char *module = files[f][0] == '~' ? files[f] + 1 : files[f];
    snprintf(path, sizeof path, "%s/mustache/%s.json", dir, files[f]);
    text = kam_test_read_file(path, &len);
    if (!text) {
      printf("%s: cannot read %s\n", module, path);
      failed_files++;
      continue;
    }
    if (kam_json_parse(&doc, ctx, text, len) != KAM_OK) {
      printf("%s: %s: %s\n", module, path, kam_ctx_errmsg(ctx));
      free(text);
      failed_files++;
      continue;
    }
    tests = kam_value_get(doc, "tests", 5);
    n = kam_value_length(tests);
    for (i = 0; i < n; i++)
      ok += (size_t)run_test(ctx, kam_value_at(tests, i), module);
    printf("%s: %zu/%zu passed\n", module, ok, n);
    total += n;
    passed += ok;
    kam_value_free(doc);
    free(text);
  }
  printf("total: %zu/%zu passed\n", passed, total);
  kam_ctx_free(ctx);
  return (failed_files || passed != total) ? 1 : 0;
}

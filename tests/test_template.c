/* test_template.c - the Mustache engine beyond the spec suite: escaping, numbers, truthiness,
 * whitespace corners, compile errors with line and column, nesting and recursion limits, the
 * step budget, the partial cache, lambdas, OOM at every allocation of compile and render, and
 * callback failures (write, partial, lambda) passed back unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/template_internal.h"
#include "testutil.h"

/* --- helpers -------------------------------------------------------------------------------- */

typedef struct named {
  const char *name, *text;
} named;

typedef struct partial_set {
  const named *list; /* ends with {NULL, NULL} */
  int calls;
  int fail_at; /* 1-based call that returns fail_status */
  int fail_status;
} partial_set;

static int partial_lookup(void *ud, const char *name, size_t len, const char **src,
                          size_t *src_len) {
  partial_set *ps = (partial_set *)ud;
  const named *p;
  ps->calls++;
  if (ps->fail_at && ps->calls == ps->fail_at) return ps->fail_status;
  for (p = ps->list; p->name; p++) {
    if (strlen(p->name) == len && memcmp(p->name, name, len) == 0) {
      *src = p->text;
      *src_len = strlen(p->text);
    }
  }
  return 0;
}

static kam_value *json(kam_ctx *ctx, const char *text) {
  kam_value *v = NULL;
  int rc = kam_json_parse(&v, ctx, text, strlen(text));
  if (rc != KAM_OK) fail_msg("bad test JSON %s: %s", text, kam_ctx_errmsg(ctx));
  return v;
}

/* Renders tpl against the JSON data with the given partials; returns the status and the output
 * in *out (malloc'd, "" when nothing was written). */
static int render_p(char **out, const char *tpl, const char *data, const named *partials) {
  kam_ctx *ctx;
  kam_template *t = NULL;
  kam_value *v = NULL;
  kam_test_sink sink;
  partial_set ps;
  int rc;
  memset(&sink, 0, sizeof sink);
  memset(&ps, 0, sizeof ps);
  ps.list = partials;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  if (data) v = json(ctx, data);
  rc = kam_template_compile(&t, ctx, tpl, strlen(tpl));
  if (rc == KAM_OK)
    rc = kam_template_render(t, v, partials ? partial_lookup : NULL, &ps, kam_test_sink_write,
                             &sink);
  *out = sink.data ? sink.data : calloc(1, 1);
  kam_template_free(t);
  kam_value_free(v);
  kam_ctx_free(ctx);
  return rc;
}

static void expect(const char *tpl, const char *data, const char *expected) {
  char *out;
  int rc = render_p(&out, tpl, data, NULL);
  if (rc != KAM_OK) fail_msg("render of \"%s\": status %d", tpl, rc);
  if (strcmp(out, expected) != 0) {
    print_error("template: \"%s\"\nexpected: \"%s\"\ngot:      \"%s\"\n", tpl, expected, out);
    free(out);
    fail();
  }
  free(out);
}

static void expect_p(const char *tpl, const char *data, const named *partials,
                     const char *expected) {
  char *out;
  int rc = render_p(&out, tpl, data, partials);
  if (rc != KAM_OK) fail_msg("render of \"%s\": status %d", tpl, rc);
  if (strcmp(out, expected) != 0) {
    print_error("template: \"%s\"\nexpected: \"%s\"\ngot:      \"%s\"\n", tpl, expected, out);
    free(out);
    fail();
  }
  free(out);
}

/* Compiles tpl, expecting status and exactly message. */
static void expect_compile_error(const char *tpl, int status, const char *message) {
  kam_ctx *ctx;
  kam_template *t = (kam_template *)1;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, tpl, strlen(tpl)), status);
  assert_null(t);
  if (strcmp(kam_ctx_errmsg(ctx), message) != 0) {
    print_error("template: \"%s\"\nexpected: %s\ngot:      %s\n", tpl, message,
                kam_ctx_errmsg(ctx));
    kam_ctx_free(ctx);
    fail();
  }
  kam_ctx_free(ctx);
}

/* --- escaping and interpolation ------------------------------------------------------------- */

static void test_escaping(void **state) {
  char tpl[64], data[512], expected[1024];
  size_t pos;
  (void)state;
  expect("{{s}}|{{{s}}}|{{&s}}", "{\"s\":\"& < > \\\" ' / ` =\"}",
         "&amp; &lt; &gt; &quot; &#39; / ` =|& < > \" ' / ` =|& < > \" ' / ` =");
  /* UTF-8 passes through intact, also next to escaped bytes. */
  expect("{{s}}", "{\"s\":\"Цена <без НДС> & «скидка» — 5 %, 日本, 😀\"}",
         "Цена &lt;без НДС&gt; &amp; «скидка» — 5 %, 日本, 😀");
  /* Every position of a special byte in strings longer than the 16-byte vector scan. */
  for (pos = 0; pos < 40; pos++) {
    char s[41];
    size_t i;
    memset(s, 'x', 40);
    s[40] = '\0';
    s[pos] = '<';
    snprintf(tpl, sizeof tpl, "[{{s}}]");
    snprintf(data, sizeof data, "{\"s\":\"%s\"}", s);
    i = 0;
    expected[i++] = '[';
    memcpy(expected + i, s, pos);
    i += pos;
    memcpy(expected + i, "&lt;", 4);
    i += 4;
    memcpy(expected + i, s + pos + 1, 39 - pos);
    i += 39 - pos;
    expected[i++] = ']';
    expected[i] = '\0';
    expect(tpl, data, expected);
  }
  /* Many specials in a row, and bytes that only look like them to the 8-byte scan. */
  expect("{{s}}", "{\"s\":\"''''''''''''''''''''<>\"}",
         "&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;&#39;"
         "&#39;&#39;&#39;&#39;&lt;&gt;");
  expect("{{s}}", "{\"s\":\"#=?#=?#=?#=?#=?#=?#=?#=?!!\"}", "#=?#=?#=?#=?#=?#=?#=?#=?!!");
}

static void test_values(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *obj, *v;
  kam_test_sink sink;
  const char *tpl = "{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}";
  (void)state;
  /* Numbers print as their exact text. */
  expect("{{a}} {{b}} {{c}} {{d}} {{e}}", "{\"a\":1.10,\"b\":-0,\"c\":1e3,\"d\":85,\"e\":0.1}",
         "1.10 -0 1e3 85 0.1");
  expect("{{t}} {{f}} [{{n}}] [{{missing}}]", "{\"t\":true,\"f\":false,\"n\":null}",
         "true false [] []");
  /* Arrays and objects interpolate as compact JSON (escaped under {{ }}). */
  expect("{{a}}|{{{a}}}|{{o}}", "{\"a\":[1,\"x\"],\"o\":{\"k\":null}}",
         "[1,&quot;x&quot;]|[1,\"x\"]|{&quot;k&quot;:null}");
  /* Numbers built from doubles print in shortest round-trip form. */
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_value_new_object(&obj, ctx), KAM_OK);
  assert_int_equal(kam_value_new_number(&v, ctx, 0.1 + 0.2), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_number(&v, ctx, 1.1), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "b", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_number(&v, ctx, 1e300), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "c", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_int(&v, ctx, INT64_MIN), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "d", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_string(&v, ctx, "a\0b", 3), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "e", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_number(&v, ctx, -0.5), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "f", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_number(&v, ctx, 100.0), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "g", 1, v), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, tpl, strlen(tpl)), KAM_OK);
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_template_render(t, obj, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_int_equal(sink.len, strlen("0.30000000000000004|1.1|1e+300|-9223372036854775808|") + 3 +
                                 strlen("|-0.5|100"));
  assert_memory_equal(
      sink.data, "0.30000000000000004|1.1|1e+300|-9223372036854775808|a\0b|-0.5|100", sink.len);
  kam_test_sink_free(&sink);
  /* NULL data renders as null. */
  assert_int_equal(kam_template_render(t, NULL, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_string_equal(sink.data, "||||||");
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(obj);
  kam_ctx_free(ctx);
}

static void test_truthiness(void **state) {
  (void)state;
  /* Falsey: null, false, [], a miss. Truthy: everything else, 0 and "" included. */
  expect("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}{{#f}}F{{/f}}"
         "{{#g}}G{{/g}}{{#h}}H{{/h}}{{#zz}}Z{{/zz}}",
         "{\"a\":null,\"b\":false,\"c\":[],\"d\":0,\"e\":\"\",\"f\":{},\"g\":true,\"h\":[0]}",
         "DEFGH");
  expect("{{^a}}A{{/a}}{{^b}}B{{/b}}{{^c}}C{{/c}}{{^d}}D{{/d}}{{^e}}E{{/e}}{{^zz}}Z{{/zz}}",
         "{\"a\":null,\"b\":false,\"c\":[],\"d\":0,\"e\":\"\"}", "ABCZ");
  /* A scalar section pushes the value: {{.}} is it. */
  expect("{{#n}}[{{.}}]{{/n}}{{#s}}[{{.}}]{{/s}}", "{\"n\":0,\"s\":\"\"}", "[0][]");
}

static void test_names(void **state) {
  (void)state;
  /* Array items by index (extension), and no fallback after the first part. */
  expect("{{items.0.name}} {{items.1}} [{{items.2}}] [{{items.x}}] [{{items.00.name}}]",
         "{\"items\":[{\"name\":\"a\"},\"b\"]}", "a b [] [] [a]");
  expect("{{#a}}{{b.c}}{{/a}}", "{\"a\":{\"b\":{}},\"b\":{\"c\":\"ERROR\"}}", "");
  expect("{{#list}}{{.}},{{/list}}", "{\"list\":[1,\"two\",null,true]}", "1,two,,true,");
  /* Keys of every length the inline compare handles, and a big object with a hash index. */
  expect("{{a}}{{abc}}{{abcd}}{{abcdefg}}{{abcdefgh}}{{abcdefghijklmnop}}{{abcdefghijklmnopq}}"
         "{{abcdefgh_}}",
         "{\"a\":1,\"abc\":2,\"abcd\":3,\"abcdefg\":4,\"abcdefgh\":5,\"abcdefghijklmnop\":6,"
         "\"abcdefghijklmnopq\":7,\"abcdefgh_\":8,\"abd\":0,\"abce\":0,\"abcdefx\":0}",
         "12345678");
  {
    char data[4096], tpl[256];
    size_t n = 0;
    int i;
    n += (size_t)snprintf(data + n, sizeof data - n, "{");
    for (i = 0; i < 100; i++)
      n += (size_t)snprintf(data + n, sizeof data - n, "%s\"k%d\":%d", i ? "," : "", i, i);
    snprintf(data + n, sizeof data - n, "}");
    snprintf(tpl, sizeof tpl, "{{k0}} {{k57}} {{k99}} [{{k100}}] {{#k7}}{{k8}}{{/k7}}");
    expect(tpl, data, "0 57 99 [] 8");
  }
  /* Same template, rows of different shapes: the lookup hints must not confuse them. */
  expect("{{#rows}}{{a}}{{b}};{{/rows}}",
         "{\"rows\":[{\"a\":1,\"b\":2},{\"b\":3,\"a\":4},{\"b\":5},{\"x\":0,\"y\":0,\"a\":6}],"
         "\"b\":\"B\"}",
         "12;43;5;6B;");
}

/* --- whitespace ---------------------------------------------------------------------------- */

static void test_standalone(void **state) {
  static const named parts[] = {{"p", "line1\nline2\n"},
                                {"q", "{{#x}}\n<{{x}}>\n{{/x}}\n"},
                                {"inline", "a\nb"},
                                {"outer", "  {{>p}}\n  [{{>inline}}]\n"},
                                {NULL, NULL}};
  (void)state;
  /* Several non-interpolating tags on one line: still standalone. */
  expect("a\n{{#t}}{{#t}}\nb\n{{/t}}{{/t}}\nc\n", "{\"t\":true}", "a\nb\nc\n");
  expect("a\n  {{! one }} {{! two }}  \r\nb", "{}", "a\nb");
  /* A section opened and closed on one line renders in place. */
  expect("a\n  {{#t}}{{/t}}\nb", "{\"t\":true}", "a\n  \nb");
  /* An interpolation on the line keeps it. */
  expect("{{#t}}{{v}}\n{{/t}}", "{\"t\":true,\"v\":\"\"}", "\n");
  /* CRLF and a last line without a line ending. */
  expect("a\r\n{{#t}}\r\nb\r\n{{/t}}", "{\"t\":true}", "a\r\nb\r\n");
  expect("a\n  {{#t}}\nx\n  {{/t}}  ", "{\"t\":true}", "a\nx\n");
  /* A lone CR is not a line ending. */
  expect("a\r{{#t}}\rb{{/t}}", "{\"t\":true}", "a\r\rb");
  /* Standalone partials are indented, empty lines stay empty; nesting adds up. */
  expect_p("x\n    {{>p}}\ny", "{}", parts, "x\n    line1\n    line2\ny");
  expect_p("  {{>q}}\n", "{\"x\":\"v\"}", parts, "  <v>\n");
  expect_p("{{>p}}{{>p}}\n", "{}", parts, "line1\nline2\nline1\nline2\n");
  expect_p("- {{>inline}} -", "{}", parts, "- a\nb -");
  expect_p("  {{>outer}}\n", "{}", parts, "    line1\n    line2\n    [a\nb]\n");
  expect_p("  {{>p}}\n\n", "{}", parts, "  line1\n  line2\n\n");
  {
    static const named blank[] = {{"b", "one\n\ntwo\n"}, {NULL, NULL}};
    expect_p("  {{>b}}\n", "{}", blank, "  one\n\n  two\n");
  }
  /* Values with newlines are not indented: they are data, not template lines. */
  {
    static const named v[] = {{"v", "[{{{s}}}]\n"}, {NULL, NULL}};
    expect_p("  {{>v}}\n", "{\"s\":\"1\\n2\"}", v, "  [1\n2]\n");
  }
}

static void test_inheritance_extra(void **state) {
  static const named parts[] = {
      {"layout", "<main>\n  {{$body}}\n  default\n  {{/body}}\n</main>\n"},
      {"title", "<h1>{{$t}}Untitled{{/t}}</h1>\n"},
      {"page", "{{>title}}{{$body}}page body{{/body}}"},
      {NULL, NULL}};
  (void)state;
  expect_p("{{<layout}}\n{{$body}}\n<p>one</p>\n<p>two</p>\n{{/body}}\n{{/layout}}\n", "{}", parts,
           "<main>\n  <p>one</p>\n  <p>two</p>\n</main>\n");
  expect_p("{{<layout}}{{/layout}}", "{}", parts, "<main>\n  default\n</main>\n");
  /* A partial inside a parent sees the arguments too (a partial is a parent without any). */
  expect_p("{{<page}}{{$t}}Hello{{/t}}{{/page}}", "{}", parts, "<h1>Hello</h1>\npage body");
  /* Blocks nested in sections of the argument list are ignored, like text there. */
  expect_p("{{<title}}{{#x}}{{$t}}no{{/t}}{{/x}}{{$t}}yes{{/t}}{{/title}}", "{\"x\":true}", parts,
           "<h1>yes</h1>\n");
  /* Dynamic parent. */
  expect_p("{{<*which}}{{$t}}dyn{{/t}}{{/*which}}", "{\"which\":\"title\"}", parts,
           "<h1>dyn</h1>\n");
  expect_p("{{<*which}}{{$t}}dyn{{/t}}{{/which}}", "{\"which\":\"title\"}", parts,
           "<h1>dyn</h1>\n");
  expect_p("[{{<*which}}{{$t}}dyn{{/t}}{{/*which}}]", "{\"which\":false}", parts, "[]");
  /* Dynamic partial names may be numbers. */
  {
    static const named num[] = {{"42", "forty-two"}, {NULL, NULL}};
    expect_p("{{>*n}}", "{\"n\":42}", num, "forty-two");
  }
}

/* --- compile errors ------------------------------------------------------------------------ */

static void test_compile_errors(void **state) {
  (void)state;
  expect_compile_error("Hello {{name", KAM_EPARSE,
                       "line 1, column 7: unclosed tag: no closing \"}}\"");
  expect_compile_error("a\nb {{{name}}", KAM_EPARSE,
                       "line 2, column 3: unclosed tag: no closing \"}}}\"");
  expect_compile_error("Привет, {{#a}}\n{{b}}", KAM_EPARSE,
                       "line 1, column 9: unclosed section: no close tag for \"a\"");
  expect_compile_error(
      "{{#a}}\n  {{#b}}\n  {{/a}}\n{{/b}}", KAM_EPARSE,
      "line 3, column 3: \"a\" does not close \"#b\" (opened at line 2, column 3)");
  expect_compile_error("x\n{{/a}}", KAM_EPARSE,
                       "line 2, column 1: close tag without an open section: \"a\"");
  expect_compile_error(
      "{{=<% %>=}}\n<%#a%>\n<%/b%>", KAM_EPARSE,
      "line 3, column 1: \"b\" does not close \"#a\" (opened at line 2, column 1)");
  expect_compile_error("{{= | =}}", KAM_EPARSE,
                       "line 1, column 1: bad set-delimiter tag: want two delimiters like "
                       "{{=<% %>=}}, got \"|\"");
  expect_compile_error("{{=a b c=}}", KAM_EPARSE,
                       "line 1, column 1: bad set-delimiter tag: want two delimiters like "
                       "{{=<% %>=}}, got \"a b c\"");
  expect_compile_error("{{=<% %>}}", KAM_EPARSE,
                       "line 1, column 1: unclosed tag: no closing \"=}}\"");
  expect_compile_error("{{= a= b =}}", KAM_EPARSE,
                       "line 1, column 1: bad set-delimiter tag: want two delimiters like "
                       "{{=<% %>=}}, got \"a= b\"");
  expect_compile_error("a {{ }}", KAM_EPARSE, "line 1, column 3: empty tag name");
  expect_compile_error("{{#}}{{/}}", KAM_EPARSE, "line 1, column 1: empty tag name");
  expect_compile_error("{{a b}}", KAM_EPARSE,
                       "line 1, column 1: whitespace in the tag name \"a b\"");
  expect_compile_error("{{a..b}}", KAM_EPARSE,
                       "line 1, column 1: empty part in the dotted name \"a..b\"");
  expect_compile_error("{{.a}}", KAM_EPARSE,
                       "line 1, column 1: empty part in the dotted name \".a\"");
  expect_compile_error("{{>*}}", KAM_EPARSE, "line 1, column 1: empty tag name");
  expect_compile_error(
      "{{<p}}{{$b}}{{/p}}", KAM_EPARSE,
      "line 1, column 13: \"p\" does not close \"$b\" (opened at line 1, column 7)");
  expect_compile_error(
      "{{<*p}}{{/*q}}", KAM_EPARSE,
      "line 1, column 8: \"q\" does not close \"<p\" (opened at line 1, column 1)");
  expect_compile_error(
      "{{#p}}{{/*p}}", KAM_EPARSE,
      "line 1, column 7: \"p\" does not close \"#p\" (opened at line 1, column 1)");
  expect_compile_error("{{!unclosed comment", KAM_EPARSE,
                       "line 1, column 1: unclosed tag: no closing \"}}\"");
  /* Partial errors name the partial. */
  {
    static const named bad[] = {{"broken", "ok\n{{#x}}"}, {NULL, NULL}};
    kam_ctx *ctx;
    kam_template *t;
    kam_test_sink sink;
    partial_set ps;
    memset(&sink, 0, sizeof sink);
    memset(&ps, 0, sizeof ps);
    ps.list = bad;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
    assert_int_equal(kam_template_compile(&t, ctx, "a {{>broken}}", 13), KAM_OK);
    assert_int_equal(kam_template_render(t, NULL, partial_lookup, &ps, kam_test_sink_write, &sink),
                     KAM_EPARSE);
    assert_string_equal(kam_ctx_errmsg(ctx),
                        "partial \"broken\": line 2, column 1: unclosed section: no close tag "
                        "for \"x\"");
    kam_test_sink_free(&sink);
    kam_template_free(t);
    kam_ctx_free(ctx);
  }
}

static void test_api_misuse(void **state) {
  kam_ctx *ctx;
  kam_template *t = (kam_template *)1;
  kam_test_sink sink;
  (void)state;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_template_compile(NULL, ctx, "x", 1), KAM_EINVAL);
  assert_int_equal(kam_template_compile(&t, NULL, "x", 1), KAM_EINVAL);
  assert_null(t);
  assert_int_equal(kam_template_compile(&t, ctx, NULL, 3), KAM_EINVAL);
  assert_int_equal(kam_template_compile(&t, ctx, NULL, 0), KAM_OK);
  assert_int_equal(kam_template_render(t, NULL, NULL, NULL, NULL, NULL), KAM_EINVAL);
  assert_int_equal(kam_template_render(NULL, NULL, NULL, NULL, kam_test_sink_write, &sink),
                   KAM_EINVAL);
  assert_int_equal(kam_template_render(t, NULL, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_int_equal(sink.calls, 0); /* nothing to write: the callback is not called */
  assert_int_equal(kam_template_set_max_steps(NULL, 1), KAM_EINVAL);
  kam_template_free(t);
  kam_template_free(NULL);
  /* Without a partial callback every partial is missing. */
  assert_int_equal(kam_template_compile(&t, ctx, "[{{>p}}]", 8), KAM_OK);
  assert_int_equal(kam_template_render(t, NULL, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_string_equal(sink.data, "[]");
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_ctx_free(ctx);
}

/* --- limits -------------------------------------------------------------------------------- */

static char *nested_sections(int depth) {
  size_t cap = (size_t)depth * 16 + 16, n = 0;
  char *s = (char *)malloc(cap);
  int i;
  for (i = 0; i < depth; i++)
    n += (size_t)snprintf(s + n, cap - n, "{{#t}}");
  n += (size_t)snprintf(s + n, cap - n, "x");
  for (i = 0; i < depth; i++)
    n += (size_t)snprintf(s + n, cap - n, "{{/t}}");
  return s;
}

static void test_nesting_limits(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data;
  kam_test_sink sink;
  char *src;
  (void)state;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  data = json(ctx, "{\"t\":true}");
  /* KAM_TEMPLATE_MAX_DEPTH sections compile and render. */
  src = nested_sections(KAM_TEMPLATE_MAX_DEPTH);
  assert_int_equal(kam_template_compile(&t, ctx, src, strlen(src)), KAM_OK);
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_string_equal(sink.data, "x");
  kam_template_free(t);
  free(src);
  /* One more does not compile. */
  src = nested_sections(KAM_TEMPLATE_MAX_DEPTH + 1);
  assert_int_equal(kam_template_compile(&t, ctx, src, strlen(src)), KAM_ELIMIT);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "line 1, column 1537: sections nested too deeply"));
  free(src);
  /* Hostile depth far beyond the limit: a clean error, no stack growth. */
  src = nested_sections(100000);
  assert_int_equal(kam_template_compile(&t, ctx, src, strlen(src)), KAM_ELIMIT);
  free(src);
  kam_test_sink_free(&sink);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

static void test_partial_recursion(void **state) {
  static const named self[] = {{"self", "<{{>self}}>"}, {NULL, NULL}};
  static const named pair[] = {{"a", "{{#t}}{{>b}}{{/t}}"}, {"b", "{{>a}}"}, {NULL, NULL}};
  static const named tree[] = {{"node", "{{name}}({{#kids}}{{>node}}{{/kids}})"}, {NULL, NULL}};
  char *out;
  (void)state;
  assert_int_equal(render_p(&out, "{{>self}}", "{}", self), KAM_ELIMIT);
  free(out);
  {
    kam_ctx *ctx;
    kam_template *t;
    kam_test_sink sink;
    partial_set ps;
    memset(&sink, 0, sizeof sink);
    memset(&ps, 0, sizeof ps);
    ps.list = self;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
    assert_int_equal(kam_template_compile(&t, ctx, "x\n {{>self}}", 12), KAM_OK);
    assert_int_equal(kam_template_render(t, NULL, partial_lookup, &ps, kam_test_sink_write, &sink),
                     KAM_ELIMIT);
    assert_string_equal(kam_ctx_errmsg(ctx),
                        "partial \"self\": line 1, column 2: partial \"self\" nested deeper than "
                        "256 levels (recursive partial?)");
    assert_int_equal(ps.calls, 1); /* asked once per render, then cached */
    kam_test_sink_free(&sink);
    kam_template_free(t);
    kam_ctx_free(ctx);
  }
  assert_int_equal(render_p(&out, "{{>a}}", "{\"t\":true}", pair), KAM_ELIMIT);
  free(out);
  /* Recursion that the data ends is fine. */
  expect_p("{{>node}}",
           "{\"name\":\"r\",\"kids\":[{\"name\":\"a\",\"kids\":[]},"
           "{\"name\":\"b\",\"kids\":[{\"name\":\"c\",\"kids\":[]}]}]}",
           tree, "r(a()b(c()))");
}

static void test_step_limit(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data;
  kam_test_sink sink;
  /* 4^12 = 16.7 million innermost renders: exponential in the data. */
  const char *src = "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}x"
                    "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}";
  (void)state;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  data = json(ctx, "{\"l\":[1,2,3,4]}");
  assert_int_equal(kam_template_compile(&t, ctx, src, strlen(src)), KAM_OK);
  assert_int_equal(kam_template_set_max_steps(t, 1000), KAM_OK);
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink),
                   KAM_ELIMIT);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "render stopped after 1000 steps"));
  kam_test_sink_free(&sink);
  kam_template_free(t);
  /* Enough steps: it finishes; 0 means no limit. */
  assert_int_equal(kam_template_compile(&t, ctx, "{{#l}}{{.}}{{/l}}", 17), KAM_OK);
  /* The section node and its name (1 + 1 byte), then per item: the item, the node and the
   * byte written. */
  assert_int_equal(kam_template_set_max_steps(t, 14), KAM_OK); /* 1 + 1 + 4 * (1 + 1 + 1) */
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_string_equal(sink.data, "1234");
  kam_test_sink_free(&sink);
  assert_int_equal(kam_template_set_max_steps(t, 13), KAM_OK);
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink),
                   KAM_ELIMIT);
  kam_test_sink_free(&sink);
  assert_int_equal(kam_template_set_max_steps(t, 0), KAM_OK);
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

/* --- the partial cache --------------------------------------------------------------------- */

static void test_partial_cache(void **state) {
  named list[] = {{"p", "one {{x}}"}, {NULL, NULL}};
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data;
  kam_test_sink sink;
  partial_set ps;
  (void)state;
  memset(&sink, 0, sizeof sink);
  memset(&ps, 0, sizeof ps);
  ps.list = list;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  data = json(ctx, "{\"x\":1,\"l\":[1,2,3]}");
  assert_int_equal(kam_template_compile(&t, ctx, "{{#l}}[{{>p}}{{>q}}]{{/l}}", 26), KAM_OK);
  assert_int_equal(kam_template_render(t, data, partial_lookup, &ps, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "[one 1][one 1][one 1]");
  assert_int_equal(ps.calls, 2); /* p and the missing q, once each */
  kam_test_sink_free(&sink);
  /* The next render asks again and sees new text. */
  list[0].text = "two";
  assert_int_equal(kam_template_render(t, data, partial_lookup, &ps, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "[two][two][two]");
  assert_int_equal(ps.calls, 4);
  kam_test_sink_free(&sink);
  /* A partial that disappears renders as nothing. */
  list[0].name = "gone";
  assert_int_equal(kam_template_render(t, data, partial_lookup, &ps, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "[][][]");
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

/* Many distinct dynamic partial names: past the cache size they are compiled per use. */
static int numbered_partial(void *ud, const char *name, size_t len, const char **src,
                            size_t *src_len) {
  (void)ud;
  (void)name;
  *src = "<{{.}}>";
  *src_len = len ? 7 : 0;
  return 0;
}

static void test_many_partials(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data, *n;
  kam_test_sink sink;
  int i;
  (void)state;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_value_new_array(&data, ctx), KAM_OK);
  for (i = 0; i < 600; i++) {
    assert_int_equal(kam_value_new_int(&n, ctx, i % 300), KAM_OK);
    assert_int_equal(kam_value_array_push(data, n), KAM_OK);
  }
  assert_int_equal(kam_template_compile(&t, ctx, "{{#.}}{{>*.}}{{/.}}", 19), KAM_OK);
  assert_int_equal(kam_template_render(t, data, numbered_partial, NULL, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_int_equal(strncmp(sink.data, "<0><1><2>", 9), 0);
  assert_non_null(strstr(sink.data, "<299><0><1>"));
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

/* --- lambdas ------------------------------------------------------------------------------- */

typedef struct lam {
  const char *result;
  int status;
  int calls;
  const kam_template *again; /* render this template from inside the lambda */
  const kam_value *again_data;
} lam;

static int lam_fn(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  lam *l = (lam *)ud;
  int rc;
  l->calls++;
  if (l->status) return l->status;
  if (l->again && l->calls == 1) {
    kam_test_sink inner;
    memset(&inner, 0, sizeof inner);
    rc = kam_template_render(l->again, l->again_data, NULL, NULL, kam_test_sink_write, &inner);
    if (rc == 0) rc = out(out_ud, inner.data ? inner.data : "", inner.len);
    kam_test_sink_free(&inner);
    return rc;
  }
  if (text && (rc = out(out_ud, "(", 1)) != 0) return rc;
  if (text && (rc = out(out_ud, text, len)) != 0) return rc;
  if ((rc = out(out_ud, l->result, strlen(l->result))) != 0) return rc;
  return text ? out(out_ud, ")", 1) : 0;
}

static int render_lam(kam_ctx *ctx, const char *tpl, lam *l, const char *extra_json,
                      kam_test_sink *sink) {
  kam_template *t;
  kam_value *data, *fn;
  int rc;
  data = json(ctx, extra_json);
  assert_int_equal(kam_value_new_lambda(&fn, ctx, lam_fn, l), KAM_OK);
  assert_int_equal(kam_value_object_set(data, "f", 1, fn), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, tpl, strlen(tpl)), KAM_OK);
  rc = kam_template_render(t, data, NULL, NULL, kam_test_sink_write, sink);
  kam_template_free(t);
  kam_value_free(data);
  return rc;
}

static void test_lambdas(void **state) {
  kam_ctx *ctx;
  kam_test_sink sink;
  lam l;
  (void)state;
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  /* Interpolation: the result is a template, then escaped as a whole under {{ }}. */
  memset(&l, 0, sizeof l);
  l.result = "<{{v}}>";
  assert_int_equal(render_lam(ctx, "{{f}}|{{{f}}}|{{&f}}", &l, "{\"v\":\"&\"}", &sink), KAM_OK);
  assert_string_equal(sink.data, "&lt;&amp;amp;&gt;|<&amp;>|<&amp;>");
  assert_int_equal(l.calls, 3);
  kam_test_sink_free(&sink);
  /* Section: raw text in, result rendered with the section's delimiters, in the context. */
  memset(&l, 0, sizeof l);
  l.result = "[<%v%>]";
  assert_int_equal(render_lam(ctx, "{{=<% %>=}}<%#f%>a <%v%>\n<%/f%>", &l, "{\"v\":\"V\"}", &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "(a V\n[V])");
  kam_test_sink_free(&sink);
  /* Lambdas in a list, and a lambda in an inverted section (truthy: not called). */
  memset(&l, 0, sizeof l);
  l.result = "x";
  assert_int_equal(render_lam(ctx, "{{^f}}no{{/f}}{{#f}}{{/f}}", &l, "{}", &sink), KAM_OK);
  assert_string_equal(sink.data, "(x)");
  assert_int_equal(l.calls, 1);
  kam_test_sink_free(&sink);
  /* A result that does not compile: KAM_EPARSE naming the lambda. */
  memset(&l, 0, sizeof l);
  l.result = "{{#open}}";
  assert_int_equal(render_lam(ctx, "ab\ncd {{f}}", &l, "{}", &sink), KAM_EPARSE);
  assert_string_equal(kam_ctx_errmsg(ctx), "line 2, column 4: lambda \"f\": line 1, column 1: "
                                           "unclosed section: no close tag for \"open\"");
  kam_test_sink_free(&sink);
  /* A lambda returning itself recurses until the depth limit. */
  memset(&l, 0, sizeof l);
  l.result = "{{f}}";
  assert_int_equal(render_lam(ctx, "{{f}}", &l, "{}", &sink), KAM_ELIMIT);
  assert_int_equal(l.calls, KAM_TEMPLATE_MAX_DEPTH);
  kam_test_sink_free(&sink);
  /* A failing lambda: its status comes back unchanged, for interpolation and sections. */
  memset(&l, 0, sizeof l);
  l.status = 77;
  assert_int_equal(render_lam(ctx, "a{{f}}", &l, "{}", &sink), 77);
  kam_test_sink_free(&sink);
  assert_int_equal(render_lam(ctx, "a{{#f}}x{{/f}}", &l, "{}", &sink), 77);
  kam_test_sink_free(&sink);
  l.status = KAM_ENOTFOUND;
  assert_int_equal(render_lam(ctx, "{{#f}}x{{/f}}", &l, "{}", &sink), KAM_ENOTFOUND);
  kam_test_sink_free(&sink);
  kam_ctx_free(ctx);
}

/* A lambda that renders the same template again (the render is re-entered): the inner render
 * must not disturb the outer one's partial cache. */
static int reenter_partials(void *ud, const char *name, size_t len, const char **src,
                            size_t *src_len) {
  (void)ud;
  if (len == 1 && name[0] == 'p') {
    *src = "P{{x}}";
    *src_len = 6;
  }
  return 0;
}

typedef struct reenter {
  const kam_template *t;
  const kam_value *data;
  int depth;
} reenter;

static int reenter_fn(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  reenter *r = (reenter *)ud;
  kam_test_sink inner;
  int rc;
  (void)text;
  (void)len;
  if (r->depth++ > 0) return out(out_ud, "*", 1);
  memset(&inner, 0, sizeof inner);
  rc = kam_template_render(r->t, r->data, reenter_partials, NULL, kam_test_sink_write, &inner);
  if (rc == 0) rc = out(out_ud, inner.data, inner.len);
  kam_test_sink_free(&inner);
  return rc;
}

static void test_reentrant_render(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data, *fn;
  kam_test_sink sink;
  reenter r;
  (void)state;
  memset(&sink, 0, sizeof sink);
  memset(&r, 0, sizeof r);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  data = json(ctx, "{\"x\":1}");
  assert_int_equal(kam_value_new_lambda(&fn, ctx, reenter_fn, &r), KAM_OK);
  assert_int_equal(kam_value_object_set(data, "f", 1, fn), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, "{{>p}}[{{{f}}}]{{>p}}", 21), KAM_OK);
  r.t = t;
  r.data = data;
  assert_int_equal(kam_template_render(t, data, reenter_partials, NULL, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "P1[P1[*]P1]P1");
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

/* --- OOM and callback failures ------------------------------------------------------------- */

static const char *const big_tpl =
    "{{! a template that allocates while compiling (long delimiters, arguments) and rendering: "
    "partials, indentation, lambdas }}\n"
    "{{#rows}}\n"
    "                                                                                  "
    "                                                                                  "
    "                                                                                  "
    "                                                                      {{>row}}\n"
    "{{/rows}}\n"
    "{{f}} {{#f}}sec {{n}}{{/f}} {{<layout}}{{$b}}B{{/b}}{{/layout}}\n"
    "{{=<<<<<<<<<<<<<<<<<<<x >>>>>>>>>>>>>>>>>>>y=}}<<<<<<<<<<<<<<<<<<<xn>>>>>>>>>>>>>>>>>>>y\n";

static int big_partials(void *ud, const char *name, size_t len, const char **src, size_t *src_len) {
  (void)ud;
  if (len == 3 && memcmp(name, "row", 3) == 0) {
    *src = "<tr>\n  <td>{{n}}</td><td>{{s}}</td>\n</tr>\n";
    *src_len = strlen(*src);
  } else if (len == 6 && memcmp(name, "layout", 6) == 0) {
    *src = "<{{$b}}default{{/b}}>";
    *src_len = strlen(*src);
  }
  return 0;
}

static int echo_lambda(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  (void)ud;
  if (text) return out(out_ud, text, len);
  return out(out_ud, "{{n}}!", 6);
}

static kam_value *big_data(kam_ctx *ctx, int rows) {
  kam_value *data, *list, *row, *v, *fn;
  int i;
  assert_int_equal(kam_value_new_object(&data, ctx), KAM_OK);
  assert_int_equal(kam_value_new_array(&list, ctx), KAM_OK);
  for (i = 0; i < rows; i++) {
    assert_int_equal(kam_value_new_object(&row, ctx), KAM_OK);
    assert_int_equal(kam_value_new_int(&v, ctx, i), KAM_OK);
    assert_int_equal(kam_value_object_set(row, "n", 1, v), KAM_OK);
    assert_int_equal(
        kam_value_new_string(&v, ctx, "Товар <A&B> \"x\"", strlen("Товар <A&B> \"x\"")), KAM_OK);
    assert_int_equal(kam_value_object_set(row, "s", 1, v), KAM_OK);
    assert_int_equal(kam_value_array_push(list, row), KAM_OK);
  }
  assert_int_equal(kam_value_object_set(data, "rows", 4, list), KAM_OK);
  assert_int_equal(kam_value_new_int(&v, ctx, 7), KAM_OK);
  assert_int_equal(kam_value_object_set(data, "n", 1, v), KAM_OK);
  assert_int_equal(kam_value_new_lambda(&fn, ctx, echo_lambda, NULL), KAM_OK);
  assert_int_equal(kam_value_object_set(data, "f", 1, fn), KAM_OK);
  return data;
}

static void test_oom_compile(void **state) {
  size_t k;
  int done = 0;
  (void)state;
  for (k = 1; !done; k++) {
    kam_test_alloc a;
    kam_ctx *ctx;
    kam_template *t = (kam_template *)1;
    int rc;
    memset(&a, 0, sizeof a);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
    a.fail_at = a.calls + k;
    rc = kam_template_compile(&t, ctx, big_tpl, strlen(big_tpl));
    if (rc == KAM_OK) {
      done = 1;
      assert_int_equal(a.failed, 0);
      kam_template_free(t);
    } else {
      assert_int_equal(rc, KAM_ENOMEM);
      assert_null(t);
      assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    }
    kam_ctx_free(ctx);
    assert_int_equal(a.blocks, 0);
  }
  assert_true(k > 3);
}

static void test_oom_render(void **state) {
  char *expected = NULL;
  size_t k;
  int done = 0;
  (void)state;
  for (k = 0; !done; k++) {
    kam_test_alloc a;
    kam_ctx *ctx;
    kam_template *t;
    kam_value *data;
    kam_test_sink sink;
    int rc, pass;
    memset(&a, 0, sizeof a);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
    data = big_data(ctx, 20);
    assert_int_equal(kam_template_compile(&t, ctx, big_tpl, strlen(big_tpl)), KAM_OK);
    /* k == 0: a clean run for the expected output. Then fail the k-th allocation of the first
     * render; the second render (cache warm) must then still give the same output. */
    for (pass = 0; pass < 2; pass++) {
      memset(&sink, 0, sizeof sink);
      a.fail_at = (k && pass == 0) ? a.calls + k : 0;
      rc = kam_template_render(t, data, big_partials, NULL, kam_test_sink_write, &sink);
      if (k == 0 && pass == 0) {
        assert_int_equal(rc, KAM_OK);
        expected = (char *)malloc(sink.len + 1);
        memcpy(expected, sink.data, sink.len + 1);
      } else if (rc == KAM_OK) {
        assert_string_equal(sink.data, expected);
        if (pass == 0) done = a.failed == 0;
      } else {
        assert_int_equal(pass, 0);
        assert_int_equal(rc, KAM_ENOMEM);
        assert_int_equal(a.failed, 1);
      }
      kam_test_sink_free(&sink);
    }
    if (k == 0) done = 0;
    kam_template_free(t);
    kam_value_free(data);
    kam_ctx_free(ctx);
    assert_int_equal(a.blocks, 0);
  }
  assert_true(k > 5);
  assert_non_null(strstr(expected, "                    <tr>\n"));
  free(expected);
}

static void test_write_failures(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data;
  kam_test_sink sink;
  size_t calls, k;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  data = big_data(ctx, 1000); /* ~ 500 KB of output: many writes */
  assert_int_equal(kam_template_compile(&t, ctx, big_tpl, strlen(big_tpl)), KAM_OK);
  memset(&sink, 0, sizeof sink);
  assert_int_equal(kam_template_render(t, data, big_partials, NULL, kam_test_sink_write, &sink),
                   KAM_OK);
  calls = sink.calls;
  assert_true(calls > 10);
  assert_true(sink.len / calls >= 8192); /* buffered: large chunks */
  kam_test_sink_free(&sink);
  for (k = 1; k <= calls; k++) {
    memset(&sink, 0, sizeof sink);
    sink.fail_at_call = k;
    sink.fail_status = (int)(1000 + k);
    assert_int_equal(kam_template_render(t, data, big_partials, NULL, kam_test_sink_write, &sink),
                     (int)(1000 + k));
    assert_int_equal(sink.calls, k);
    kam_test_sink_free(&sink);
  }
  /* Negative statuses too (they may collide with KAM_E*: passed back all the same). */
  memset(&sink, 0, sizeof sink);
  sink.fail_at_call = 1;
  sink.fail_status = KAM_EPARSE;
  assert_int_equal(kam_template_render(t, data, big_partials, NULL, kam_test_sink_write, &sink),
                   KAM_EPARSE);
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
}

static void test_partial_failures(void **state) {
  static const named parts[] = {{"a", "A{{>b}}"}, {"b", "B{{>c}}"}, {"c", "C"}, {NULL, NULL}};
  kam_ctx *ctx;
  kam_template *t;
  kam_test_sink sink;
  partial_set ps;
  int k;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, "{{>a}}", 6), KAM_OK);
  for (k = 1; k <= 3; k++) {
    memset(&sink, 0, sizeof sink);
    memset(&ps, 0, sizeof ps);
    ps.list = parts;
    ps.fail_at = k;
    ps.fail_status = 500 + k;
    assert_int_equal(kam_template_render(t, NULL, partial_lookup, &ps, kam_test_sink_write, &sink),
                     500 + k);
    assert_int_equal(ps.calls, k);
    kam_test_sink_free(&sink);
  }
  memset(&ps, 0, sizeof ps);
  ps.list = parts;
  assert_int_equal(kam_template_render(t, NULL, partial_lookup, &ps, kam_test_sink_write, &sink),
                   KAM_OK);
  assert_string_equal(sink.data, "ABC");
  kam_test_sink_free(&sink);
  kam_template_free(t);
  kam_ctx_free(ctx);
}

/* The node list keeps standalone handling out of the render: check a compiled template. */
static void test_compiled_form(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  const char *src = "a\n  {{#s}}\n  {{x}}\n  {{/s}}\n{{! c }}\n  {{>p}}\nz";
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, src, strlen(src)), KAM_OK);
  /* text "a\n", section [text "  ", var x, text "\n"], partial (indent "  "), text "z" */
  assert_int_equal(t->n, 7);
  assert_int_equal(t->nodes[0].kind, KAM__N_TEXT);
  assert_int_equal(t->nodes[0].len, 2);
  assert_int_equal(t->nodes[1].kind, KAM__N_SECTION);
  assert_int_equal(t->nodes[1].end, 5);
  assert_true(t->nodes[1].flags & KAM__F_STANDALONE);
  assert_int_equal(t->nodes[2].kind, KAM__N_TEXT);
  assert_int_equal(t->nodes[3].kind, KAM__N_VAR);
  assert_int_equal(t->nodes[5].kind, KAM__N_PARTIAL);
  assert_int_equal(t->nodes[5].ws_len, 2);
  assert_int_equal(t->nodes[6].kind, KAM__N_TEXT);
  assert_int_equal(t->nodes[6].len, 1);
  kam_template_free(t);
  kam_ctx_free(ctx);
}

/* --- bounded work on hostile input (issue 18) ---------------------------------------------- */

/* A write callback that counts and drops the output; it fails with 9 past `cap` bytes, so a
 * render the budget does not stop ends quickly (and fails the test) instead of writing
 * gigabytes. */
typedef struct counting_sink {
  uint64_t bytes, cap;
} counting_sink;

static int count_write(void *ud, const void *p, size_t n) {
  counting_sink *c = (counting_sink *)ud;
  (void)p;
  c->bytes += n;
  return c->bytes > c->cap ? 9 : 0;
}

/* n copies of c into a malloc'd buffer at *at. */
static void fill(char *buf, size_t *at, char c, size_t n) {
  memset(buf + *at, c, n);
  *at += n;
}

static void put(char *buf, size_t *at, const char *s) {
  size_t n = strlen(s);
  memcpy(buf + *at, s, n);
  *at += n;
}

/* Long delimiters over text that almost matches them: every position of the text starts a
 * partial match as long as the delimiter. A naive search compared about L bytes at each of 2L
 * positions (8e10 comparisons here, seconds); the search must stay linear in the template. */
static void test_long_delimiters(void **state) {
  const size_t L = 200000;
  kam_ctx *ctx;
  kam_template *t;
  kam_value *v;
  counting_sink sink = {0, 1u << 20};
  size_t n = 0;
  char *src = (char *)malloc(10 * L + 64);
  (void)state;
  assert_non_null(src);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  /* {{=aaa..ab aaa..ac=}} aaa... aaa..ab{x aaa... }aaa..ac aaa... */
  put(src, &n, "{{=");
  fill(src, &n, 'a', L);
  put(src, &n, "b ");
  fill(src, &n, 'a', L);
  put(src, &n, "c=}}");
  fill(src, &n, 'a', 2 * L);
  fill(src, &n, 'a', L);
  put(src, &n, "b{x");
  fill(src, &n, 'a', 2 * L);
  put(src, &n, "}");
  fill(src, &n, 'a', L);
  put(src, &n, "c");
  fill(src, &n, 'a', 2 * L);
  assert_int_equal(kam_template_compile(&t, ctx, src, n), KAM_OK);
  assert_true(t->scan_work <= 4 * (uint64_t)n);
  assert_int_equal(t->n, 3); /* text, {x...}, text */
  assert_int_equal(t->nodes[1].kind, KAM__N_VAR);
  assert_int_equal(t->nodes[1].len, 2 * L + 1);
  v = json(ctx, "{}");
  assert_int_equal(kam_template_render(t, v, NULL, NULL, count_write, &sink), KAM_OK);
  assert_int_equal(sink.bytes, 4 * L);
  kam_value_free(v);
  kam_template_free(t);
  free(src);
  /* Delimiters of 20 bytes (searched with KMP) with false starts before each match: "<<<"
   * before the opening one, ">>>" before the closing one, and in {{{ }}} a closing delimiter
   * without the '}' before it, which belongs to the name. */
#define OPEN "<<<<<<<<<<<<<<<<<<<x"
#define CLOSE ">>>>>>>>>>>>>>>>>>>y"
  expect("{{=" OPEN " " CLOSE "=}}<<<" OPEN "a>>>" CLOSE "|" OPEN "{b" CLOSE "}" CLOSE "|" OPEN
         "&c" CLOSE ".",
         "{\"a>>>\":\"<1>\",\"b" CLOSE "\":\"<2>\",\"c\":\"<3>\"}", "<<<&lt;1&gt;|<2>|<3>.");
#undef OPEN
#undef CLOSE
  kam_ctx_free(ctx);
}

/* One {{a}} inside {{#a}} prints the whole list at every item: 2,000 items cost 4,000 nodes and
 * items but write 20 MB. The budget counts the bytes written (and escaped), so it stops the
 * render at its limit; the sink's own cap only catches a render that is not stopped. */
static void test_budget_counts_output(void **state) {
  kam_ctx *ctx;
  kam_template *t;
  kam_value *v;
  counting_sink sink = {0, 4u << 20};
  size_t i, n = 0;
  char *data = (char *)malloc(60000 * 8 + 32);
  (void)state;
  assert_non_null(data);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  put(data, &n, "{\"a\":[");
  for (i = 0; i < 2000; i++)
    n += (size_t)sprintf(data + n, i ? ",%zu" : "%zu", i);
  put(data, &n, "]}");
  assert_int_equal(kam_json_parse(&v, ctx, data, n), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, "{{#a}}{{a}}{{/a}}", 17), KAM_OK);
  assert_int_equal(kam_template_set_max_steps(t, 1000000), KAM_OK);
  assert_int_equal(kam_template_render(t, v, NULL, NULL, count_write, &sink), KAM_ELIMIT);
  assert_true(sink.bytes <= 1000000);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "line 1, column 7: render stopped after 1000000 "
                                              "steps"));
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "the output at \"a\""));
  /* Unescaped: the same bound. */
  kam_template_free(t);
  assert_int_equal(kam_template_compile(&t, ctx, "{{#a}}{{{a}}}{{/a}}", 19), KAM_OK);
  assert_int_equal(kam_template_set_max_steps(t, 1000000), KAM_OK);
  sink.bytes = 0;
  assert_int_equal(kam_template_render(t, v, NULL, NULL, count_write, &sink), KAM_ELIMIT);
  assert_true(sink.bytes <= 1000000);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "writing the output at \"a\""));
  kam_value_free(v);
  /* The default budget stops 60,000 items (21 GB of output) after at most 100 MB. */
  n = 0;
  put(data, &n, "{\"a\":[");
  for (i = 0; i < 60000; i++)
    n += (size_t)sprintf(data + n, i ? ",%zu" : "%zu", i);
  put(data, &n, "]}");
  assert_int_equal(kam_json_parse(&v, ctx, data, n), KAM_OK);
  assert_int_equal(kam_template_set_max_steps(t, KAM_TEMPLATE_DEFAULT_MAX_STEPS), KAM_OK);
  sink.bytes = 0;
  sink.cap = KAM_TEMPLATE_DEFAULT_MAX_STEPS;
  assert_int_equal(kam_template_render(t, v, NULL, NULL, count_write, &sink), KAM_ELIMIT);
  assert_true(sink.bytes <= KAM_TEMPLATE_DEFAULT_MAX_STEPS);
  assert_true(sink.bytes >= KAM_TEMPLATE_DEFAULT_MAX_STEPS / 2);
  kam_value_free(v);
  kam_template_free(t);
  free(data);
  /* Escaping a 1 MiB string 100 times: the scan and the escapes are counted. */
  data = (char *)malloc((1u << 20) + 1024);
  assert_non_null(data);
  n = 0;
  put(data, &n, "{\"s\":\"");
  fill(data, &n, '<', 1u << 20);
  put(data, &n, "\",\"l\":[");
  for (i = 0; i < 100; i++)
    put(data, &n, i ? ",1" : "1");
  put(data, &n, "]}");
  assert_int_equal(kam_json_parse(&v, ctx, data, n), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, "{{#l}}{{s}}{{/l}}", 17), KAM_OK);
  assert_int_equal(kam_template_set_max_steps(t, 10000000), KAM_OK);
  sink.bytes = 0;
  sink.cap = 40u << 20;
  assert_int_equal(kam_template_render(t, v, NULL, NULL, count_write, &sink), KAM_ELIMIT);
  assert_true(sink.bytes <= 10000000);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "the output at \"s\""));
  kam_value_free(v);
  kam_template_free(t);
  free(data);
  kam_ctx_free(ctx);
}

static int same_partial(void *ud, const char *name, size_t len, const char **src, size_t *src_len) {
  const char *text = (const char *)ud;
  (void)name;
  (void)len;
  *src = text;
  *src_len = strlen(text);
  return 0;
}

/* A parent tag with 50,000 argument blocks over a partial with 50,000 block sites: a linear
 * scan per site is 2.5e9 name comparisons (tens of seconds); a binary search in the parent's
 * sorted arguments is about 17 per site. The comparisons are charged to the budget, so a
 * budget of 200 steps per site bounds them. */
static void test_many_blocks(void **state) {
  const size_t B = 50000;
  kam_ctx *ctx;
  kam_template *t;
  counting_sink sink = {0, 1u << 20};
  size_t i, n = 0, pn = 0;
  char *src = (char *)malloc(B * 32 + 64), *body = (char *)malloc(B * 32 + 64), tag[64];
  (void)state;
  assert_non_null(src);
  assert_non_null(body);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  put(src, &n, "{{<p}}");
  for (i = 0; i < B; i++) {
    snprintf(tag, sizeof tag, "{{$b%zu}}%c{{/b%zu}}", i, i % 2 ? 'y' : 'x', i);
    put(src, &n, tag);
  }
  put(src, &n, "{{/p}}");
  for (i = B; i-- > 0;) { /* the sites in the other order */
    snprintf(tag, sizeof tag, "{{$b%zu}}-{{/b%zu}}", i, i);
    put(body, &pn, tag);
  }
  put(body, &pn, "{{$none}}.{{/none}}");
  body[pn] = '\0';
  assert_int_equal(kam_template_compile(&t, ctx, src, n), KAM_OK);
  assert_int_equal(t->nodes[0].kind, KAM__N_PARENT);
  assert_int_equal(t->nodes[0].nargs, B);
  assert_int_equal(kam_template_set_max_steps(t, pn + 200 * B), KAM_OK);
  assert_int_equal(kam_template_render(t, NULL, same_partial, body, count_write, &sink), KAM_OK);
  assert_int_equal(sink.bytes, B + 1);
  kam_template_free(t);
  free(src);
  free(body);
  kam_ctx_free(ctx);
  /* Of two arguments with one name the first counts; the outermost parent wins. */
  {
    static const named parts[] = {
        {"p", "{{$a}}d{{/a}}{{$b}}e{{/b}}"}, {"q", "{{<p}}{{$a}}q{{/a}}{{/p}}"}, {NULL, NULL}};
    expect_p("{{<p}}{{$b}}2{{/b}}{{$a}}1{{/a}}{{$a}}3{{/a}}{{/p}}", "{}", parts, "12");
    expect_p("{{<q}}{{$a}}o{{/a}}{{/q}}", "{}", parts, "oe");
    expect_p("{{<q}}{{/q}}", "{}", parts, "qe");
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_escaping),         cmocka_unit_test(test_values),
      cmocka_unit_test(test_truthiness),       cmocka_unit_test(test_names),
      cmocka_unit_test(test_standalone),       cmocka_unit_test(test_inheritance_extra),
      cmocka_unit_test(test_compile_errors),   cmocka_unit_test(test_api_misuse),
      cmocka_unit_test(test_nesting_limits),   cmocka_unit_test(test_partial_recursion),
      cmocka_unit_test(test_step_limit),       cmocka_unit_test(test_partial_cache),
      cmocka_unit_test(test_many_partials),    cmocka_unit_test(test_lambdas),
      cmocka_unit_test(test_reentrant_render), cmocka_unit_test(test_oom_compile),
      cmocka_unit_test(test_oom_render),       cmocka_unit_test(test_write_failures),
      cmocka_unit_test(test_partial_failures), cmocka_unit_test(test_compiled_form),
      cmocka_unit_test(test_long_delimiters),  cmocka_unit_test(test_budget_counts_output),
      cmocka_unit_test(test_many_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_json.c - kam_json_parse / kam_json_write: values, errors with line and column, limits,
 * OOM at every allocation, write-callback failure at every call, round trips, changing a parsed
 * tree through the builders. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "core/linecol_internal.h"
#include "documents/value_internal.h"

static kam_ctx *cm_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  return ctx;
}

static kam_value *parse_ok(kam_ctx *ctx, const char *text) {
  kam_value *v = NULL;
  int rc = kam_json_parse(&v, ctx, text, strlen(text));
  if (rc != KAM_OK) fail_msg("parse of %s failed: %s", text, kam_ctx_errmsg(ctx));
  assert_non_null(v);
  return v;
}

/* Compact (or pretty) text of v, malloc'd. */
static char *write_str(const kam_value *v, uint32_t flags) {
  kam_test_sink sink = {0};
  assert_int_equal(kam_json_write(v, flags, kam_test_sink_write, &sink), KAM_OK);
  if (!sink.data) {
    sink.data = (char *)calloc(1, 1);
    assert_non_null(sink.data);
  }
  return sink.data;
}

static void test_parse_values(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  const kam_value *x;
  size_t len;
  (void)state;
  v = parse_ok(ctx, " {\"name\": \"\xd0\x90\xd0\xbb\xd1\x8c\xd1\x84\xd0\xb0\", \"n\": -12.50, "
                    "\"ok\": true, \"no\": false, \"nil\": null, \"list\": [1, [2], {}], "
                    "\"e\": {}} \r\n\t");
  assert_int_equal(kam_value_type(v), KAM_VALUE_OBJECT);
  assert_int_equal(kam_value_length(v), 7);
  assert_string_equal(kam_value_key_at(v, 0, &len), "name");
  assert_string_equal(kam_value_key_at(v, 6, &len), "e");
  assert_string_equal(kam_value_string(kam_value_get(v, "name", 4), &len),
                      "\xd0\x90\xd0\xbb\xd1\x8c\xd1\x84\xd0\xb0");
  assert_int_equal(len, 10);
  x = kam_value_get(v, "n", 1);
  assert_string_equal(kam_value_number_text(x, &len), "-12.50");
  assert_true(kam_value_number(x) == -12.5);
  assert_int_equal(kam_value_bool(kam_value_get(v, "ok", 2)), 1);
  assert_int_equal(kam_value_type(kam_value_get(v, "no", 2)), KAM_VALUE_BOOL);
  assert_int_equal(kam_value_bool(kam_value_get(v, "no", 2)), 0);
  assert_non_null(kam_value_get(v, "nil", 3));
  assert_int_equal(kam_value_type(kam_value_get(v, "nil", 3)), KAM_VALUE_NULL);
  x = kam_value_get(v, "list", 4);
  assert_int_equal(kam_value_length(x), 3);
  assert_int_equal(kam_value_type(kam_value_at(x, 1)), KAM_VALUE_ARRAY);
  assert_true(kam_value_number(kam_value_at(kam_value_at(x, 1), 0)) == 2);
  assert_int_equal(kam_value_type(kam_value_at(x, 2)), KAM_VALUE_OBJECT);
  assert_int_equal(kam_value_length(kam_value_at(x, 2)), 0);
  kam_value_free(v);

  /* scalars at the top */
  v = parse_ok(ctx, "\"x\"");
  assert_string_equal(kam_value_string(v, NULL), "x");
  kam_value_free(v);
  v = parse_ok(ctx, " 0 ");
  assert_string_equal(kam_value_number_text(v, NULL), "0");
  kam_value_free(v);
  v = parse_ok(ctx, "null");
  assert_int_equal(kam_value_type(v), KAM_VALUE_NULL);
  kam_value_free(v);
  v = parse_ok(ctx, "[]");
  assert_int_equal(kam_value_length(v), 0);
  kam_value_free(v);
  kam_ctx_free(ctx);
}

static void test_parse_strings(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  size_t len;
  (void)state;
  v = parse_ok(ctx, "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"\\u0000x\", \"\\u00e9\\u0416\\u20AC\", "
                    "\"\\ud834\\udd1e\", \"\xf0\x9d\x84\x9e\", \"long string past eight bytes\"]");
  assert_memory_equal(kam_value_string(kam_value_at(v, 0), &len), "a\"b\\c/d\b\f\n\r\t", 13);
  assert_int_equal(len, 12);
  assert_memory_equal(kam_value_string(kam_value_at(v, 1), &len), "\0x", 3);
  assert_int_equal(len, 2);
  assert_string_equal(kam_value_string(kam_value_at(v, 2), NULL), "\xc3\xa9\xd0\x96\xe2\x82\xac");
  assert_string_equal(kam_value_string(kam_value_at(v, 3), NULL), "\xf0\x9d\x84\x9e");
  assert_string_equal(kam_value_string(kam_value_at(v, 4), NULL), "\xf0\x9d\x84\x9e");
  assert_string_equal(kam_value_string(kam_value_at(v, 5), NULL), "long string past eight bytes");
  kam_value_free(v);
  kam_ctx_free(ctx);
}

static void test_parse_numbers(void **state) {
  static const struct {
    const char *text;
    double value;
  } cases[] = {
      {"0", 0.0},
      {"-0", -0.0},
      {"1", 1.0},
      {"-1.5", -1.5},
      {"0.1", 0.1},
      {"1e3", 1000.0},
      {"1E+3", 1000.0},
      {"25e-1", 2.5},
      {"123456789012345678", 123456789012345678.0},
      {"12345678901234567890.123456789", 12345678901234567890.123456789},
      {"9007199254740993", 9007199254740993.0},
      {"0.30000000000000004", 0.30000000000000004},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"5e-324", 5e-324},
      {"0.000001234", 0.000001234},
      {"1e22", 1e22},
      {"1e23", 1e23},
      {"-123.456e-7", -123.456e-7},
  };
  kam_ctx *ctx = cm_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kam_value *v = parse_ok(ctx, cases[i].text);
    char *back;
    assert_string_equal(kam_value_number_text(v, NULL), cases[i].text);
    if (kam_value_number(v) != cases[i].value) fail_msg("%s", cases[i].text);
    assert_int_equal(signbit(kam_value_number(v)) != 0, signbit(cases[i].value) != 0);
    back = write_str(v, 0);
    assert_string_equal(back, cases[i].text);
    free(back);
    kam_value_free(v);
  }
  {
    kam_value *v = parse_ok(ctx, "[1e400, -1e400, 1e-400]");
    assert_true(isinf(kam_value_number(kam_value_at(v, 0))));
    assert_true(kam_value_number(kam_value_at(v, 1)) < 0);
    assert_true(kam_value_number(kam_value_at(v, 2)) == 0);
    assert_string_equal(kam_value_number_text(kam_value_at(v, 0), NULL), "1e400");
    kam_value_free(v);
  }
  kam_ctx_free(ctx);
}

static void test_duplicate_keys(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  char text[2048];
  size_t n = 0;
  int i;
  (void)state;
  v = parse_ok(ctx, "{\"a\": 1, \"b\": 2, \"a\": 3}");
  assert_int_equal(kam_value_length(v), 2);
  assert_string_equal(kam_value_key_at(v, 0, NULL), "a");
  assert_string_equal(kam_value_number_text(kam_value_at(v, 0), NULL), "3");
  assert_string_equal(kam_value_key_at(v, 1, NULL), "b");
  kam_value_free(v);
  /* a big object (hash index) with duplicates */
  n += (size_t)snprintf(text + n, sizeof text - n, "{");
  for (i = 0; i < 40; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%d\": %d", i ? ", " : "", i % 30, i);
  snprintf(text + n, sizeof text - n, "}");
  v = parse_ok(ctx, text);
  assert_int_equal(kam_value_length(v), 30);
  for (i = 0; i < 30; i++) {
    char key[8];
    int kl = snprintf(key, sizeof key, "k%d", i);
    const kam_value *x = kam_value_get(v, key, (size_t)kl);
    assert_string_equal(kam_value_key_at(v, (size_t)i, NULL), key);
    assert_true(kam_value_number(x) == (i < 10 ? i + 30 : i));
  }
  kam_value_free(v);
  kam_ctx_free(ctx);
}

static void expect_error(kam_ctx *ctx, const char *text, size_t len, int status, const char *msg) {
  kam_value *v = (kam_value *)ctx; /* must be reset to NULL */
  int rc = kam_json_parse(&v, ctx, text, len);
  if (rc != status || strstr(kam_ctx_errmsg(ctx), msg) == NULL)
    fail_msg("input '%.*s': rc %d, message \"%s\", wanted %d and \"%s\"", (int)len, text, rc,
             kam_ctx_errmsg(ctx), status, msg);
  assert_null(v);
}
#define EXPECT_ERROR(ctx, lit, status, msg) expect_error(ctx, lit, sizeof lit - 1, status, msg)

static void test_errors(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  (void)state;
  EXPECT_ERROR(ctx, "", KAM_EPARSE, "line 1, column 1: empty input");
  EXPECT_ERROR(ctx, "  \n ", KAM_EPARSE, "line 2, column 2: empty input");
  EXPECT_ERROR(ctx, "[1,]", KAM_EPARSE, "line 1, column 4: unexpected ']', expected a value");
  EXPECT_ERROR(ctx, "{\"a\":1,}", KAM_EPARSE,
               "line 1, column 8: unexpected '}', expected a string key");
  EXPECT_ERROR(ctx, "{\"a\" 1}", KAM_EPARSE, "line 1, column 6: unexpected '1', expected ':'");
  EXPECT_ERROR(ctx, "{1:1}", KAM_EPARSE, "column 2: unexpected '1', expected a string key");
  EXPECT_ERROR(ctx, "[1 2]", KAM_EPARSE, "line 1, column 4: unexpected '2', expected ',' or ']'");
  EXPECT_ERROR(ctx, "{\"a\":1 \"b\"}", KAM_EPARSE,
               "column 8: unexpected '\"', expected ',' or '}'");
  EXPECT_ERROR(ctx, "[1", KAM_EPARSE, "line 1, column 3: unexpected end of input in an array");
  EXPECT_ERROR(ctx, "{\"a\":", KAM_EPARSE, "column 6: unexpected end of input, expected a value");
  EXPECT_ERROR(ctx, "{\"a\":{}", KAM_EPARSE, "end of input in an object");
  EXPECT_ERROR(ctx, "1 2", KAM_EPARSE, "line 1, column 3: unexpected '2' after the JSON value");
  EXPECT_ERROR(ctx, "tru", KAM_EPARSE, "column 1: invalid literal (expected true)");
  EXPECT_ERROR(ctx, "nul", KAM_EPARSE, "invalid literal (expected null)");
  EXPECT_ERROR(ctx, "[falsey]", KAM_EPARSE, "column 7: unexpected 'y'");
  EXPECT_ERROR(ctx, "NaN", KAM_EPARSE, "unexpected 'N', expected a value");
  EXPECT_ERROR(ctx, "01", KAM_EPARSE, "column 2: unexpected '1' after the JSON value");
  EXPECT_ERROR(ctx, "-", KAM_EPARSE,
               "column 2: invalid number: expected a digit, found end of input");
  EXPECT_ERROR(ctx, "1.", KAM_EPARSE, "expected a digit after '.'");
  EXPECT_ERROR(ctx, "1.e5", KAM_EPARSE, "column 3: invalid number: expected a digit after '.'");
  EXPECT_ERROR(ctx, "1e", KAM_EPARSE, "expected a digit in the exponent");
  EXPECT_ERROR(ctx, "+1", KAM_EPARSE, "unexpected '+'");
  EXPECT_ERROR(ctx, "\"abc", KAM_EPARSE, "line 1, column 5: unterminated string");
  EXPECT_ERROR(ctx, "\"a\\", KAM_EPARSE, "unterminated string");
  EXPECT_ERROR(ctx, "\"a\nb\"", KAM_EPARSE, "line 1, column 3: control character U+000A in string");
  EXPECT_ERROR(ctx, "\"\\x\"", KAM_EPARSE, "column 2: invalid escape \\'x'");
  EXPECT_ERROR(ctx, "\"\\u12\"", KAM_EPARSE, "\\u must be followed by four hex digits");
  EXPECT_ERROR(ctx, "\"\\ud800\"", KAM_EPARSE,
               "high surrogate \\uD800 is not followed by a low one");
  EXPECT_ERROR(ctx, "\"\\ud800\\u0041\"", KAM_EPARSE, "is not followed by a low one");
  EXPECT_ERROR(ctx, "\"\\udc00\"", KAM_EPARSE, "lone low surrogate \\uDC00");
  EXPECT_ERROR(ctx, "\"\xc3\x28\"", KAM_EPARSE, "column 2: invalid UTF-8 in string (byte 0xC3)");
  EXPECT_ERROR(ctx, "\"\xed\xa0\x80\"", KAM_EPARSE, "invalid UTF-8");
  EXPECT_ERROR(ctx, "\xef\xbb\xbf{}", KAM_EPARSE, "unexpected byte 0xEF");
  EXPECT_ERROR(ctx, "[1]\0", KAM_EPARSE, "unexpected byte 0x00 after the JSON value");
  EXPECT_ERROR(ctx, "/* c */ 1", KAM_EPARSE, "unexpected '/'");
  /* lines count '\n'; columns count characters (here Cyrillic, two bytes each) */
  EXPECT_ERROR(ctx,
               "{\n  \"\xd0\xb8\xd0\xbc\xd1\x8f\": \"\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0\",\n"
               "  \"\xd1\x81\xd1\x83\xd0\xbc\xd0\xbc\xd0\xb0\": 12,3\n}",
               KAM_EPARSE, "line 3, column 15: unexpected '3', expected a string key");
  /* misuse */
  assert_int_equal(kam_json_parse(NULL, ctx, "1", 1), KAM_EINVAL);
  assert_int_equal(kam_json_parse(&v, NULL, "1", 1), KAM_EINVAL);
  assert_null(v);
  assert_int_equal(kam_json_parse(&v, ctx, NULL, 1), KAM_EINVAL);
  assert_null(v);
  assert_int_equal(kam_json_parse(&v, ctx, NULL, 0), KAM_EPARSE);
  assert_null(v);
  kam_ctx_free(ctx);
}

static void test_depth(void **state) {
  kam_ctx *ctx = cm_ctx();
  size_t n = 100000, i;
  char *text = (char *)malloc(2 * n + 1);
  kam_value *v;
  (void)state;
  assert_non_null(text);
  /* 512 levels are fine, 513 are KAM_ELIMIT */
  for (i = 0; i < 512; i++) {
    text[i] = '[';
    text[1024 - 1 - i] = ']';
  }
  assert_int_equal(kam_json_parse(&v, ctx, text, 1024), KAM_OK);
  kam_value_free(v);
  for (i = 0; i < 513; i++) {
    text[i] = i % 2 ? '[' : '{';
    if (i % 2 == 0) text[i] = '[';
  }
  assert_int_equal(kam_json_parse(&v, ctx, text, 513), KAM_ELIMIT);
  assert_null(v);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "line 1, column 513: nesting deeper than 512"));
  /* objects count too */
  for (i = 0; i < 513; i++)
    memcpy(text + 5 * i, "{\"k\":", 5);
  assert_int_equal(kam_json_parse(&v, ctx, text, 5 * 513), KAM_ELIMIT);
  /* 100k openers: no crash, no leak */
  memset(text, '[', n);
  assert_int_equal(kam_json_parse(&v, ctx, text, n), KAM_ELIMIT);
  assert_null(v);
  free(text);
  kam_ctx_free(ctx);
}

static const char *const sample =
    "{\"accounts\": [\n"
    "  {\"id\": \"A-1\", \"name\": \"\xd0\x9e\xd0\x9e\xd0\x9e "
    "\\\"\xd0\xa0\xd0\xbe\xd0\xbc\xd0\xb0\xd1"
    "\x88\xd0\xba\xd0\xb0\\\"\", \"revenue\": 12345678901234567890.123456789,\n"
    "   \"history\": [1, 2.5, -3e2, 0], \"flags\": {\"key\": true, \"new\": false}, \"note\": "
    "null},\n"
    "  {\"id\": \"A-2\", \"name\": \"tab\\there\\u0001\", \"revenue\": 0.10, \"history\": [],\n"
    "   \"a1\": 1, \"a2\": 2, \"a3\": 3, \"a4\": 4, \"a5\": 5, \"a6\": 6, \"a7\": 7, \"a8\": 8, "
    "\"a9\": 9, \"a10\": 10}\n"
    "], \"total\": 2, \"empty\": {}, \"emoji\": \"\\ud83d\\ude00\"}";

static void test_write(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v = parse_ok(ctx, sample), *back;
  char *compact = write_str(v, 0), *pretty = write_str(v, KAM_JSON_PRETTY), *again;
  (void)state;
  assert_string_equal(
      compact,
      "{\"accounts\":[{\"id\":\"A-1\",\"name\":\"\xd0\x9e\xd0\x9e\xd0\x9e "
      "\\\"\xd0\xa0\xd0\xbe\xd0\xbc"
      "\xd0\xb0\xd1\x88\xd0\xba\xd0\xb0\\\"\",\"revenue\":12345678901234567890.123456789,"
      "\"history\":[1,2.5,-3e2,0],\"flags\":{\"key\":true,\"new\":false},\"note\":null},"
      "{\"id\":\"A-2\",\"name\":\"tab\\there\\u0001\",\"revenue\":0.10,\"history\":[],\"a1\":1,"
      "\"a2\":2,\"a3\":3,\"a4\":4,\"a5\":5,\"a6\":6,\"a7\":7,\"a8\":8,\"a9\":9,\"a10\":10}],"
      "\"total\":2,\"empty\":{},\"emoji\":\"\xf0\x9f\x98\x80\"}");
  /* compact output of compact input is byte-identical */
  back = parse_ok(ctx, compact);
  assert_true(kam_test_value_equal(v, back));
  again = write_str(back, 0);
  assert_string_equal(again, compact);
  free(again);
  kam_value_free(back);
  /* pretty: two spaces, ": ", no trailing newline; same tree */
  assert_non_null(strstr(pretty, "{\n  \"accounts\": [\n    {\n      \"id\": \"A-1\",\n"));
  assert_non_null(strstr(pretty, "\"history\": [],\n"));
  assert_non_null(strstr(pretty, "\n  ],\n  \"total\": 2,\n  \"empty\": {},\n"));
  assert_true(pretty[strlen(pretty) - 1] == '}');
  back = parse_ok(ctx, pretty);
  assert_true(kam_test_value_equal(v, back));
  kam_value_free(back);
  free(compact);
  free(pretty);
  kam_value_free(v);

  /* every control character is escaped (lower-case hex, as everywhere in the library); DEL and
   * UTF-8 pass through */
  {
    char raw[40], *out;
    int i;
    for (i = 0; i < 32; i++)
      raw[i] = (char)i;
    raw[32] = 0x7f;
    raw[33] = '"';
    raw[34] = '\\';
    raw[35] = '/';
    assert_int_equal(kam_value_new_string(&v, ctx, raw, 36), KAM_OK);
    out = write_str(v, 0);
    assert_string_equal(out,
                        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n"
                        "\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015"
                        "\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
                        "\x7f\\\"\\\\/\"");
    back = parse_ok(ctx, out);
    assert_true(kam_test_value_equal(v, back));
    kam_value_free(back);
    free(out);
    kam_value_free(v);
  }
  /* U+2028 and U+2029 are escaped (they end lines in JavaScript); other UTF-8 passes through */
  {
    char *out;
    assert_int_equal(kam_value_new_string(&v, ctx, "a\xe2\x80\xa8\xd0\xaf\xe2\x80\xa9", 9), KAM_OK);
    out = write_str(v, 0);
    assert_string_equal(out, "\"a\\u2028\xd0\xaf\\u2029\"");
    back = parse_ok(ctx, out);
    assert_true(kam_test_value_equal(v, back));
    kam_value_free(back);
    free(out);
    kam_value_free(v);
  }
  kam_ctx_free(ctx);
}

static int lam(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  (void)ud;
  (void)text;
  (void)len;
  (void)out;
  (void)out_ud;
  return 0;
}

static void test_write_built(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *obj, *arr, *x;
  kam_test_sink sink = {0};
  char *out;
  (void)state;
  assert_int_equal(kam_value_new_object(&obj, ctx), KAM_OK);
  assert_int_equal(kam_value_new_array(&arr, ctx), KAM_OK);
  assert_int_equal(kam_value_new_number(&x, ctx, 0.1), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  assert_int_equal(kam_value_new_int(&x, ctx, -42), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  assert_int_equal(kam_value_new_lambda(&x, ctx, lam, NULL), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  assert_int_equal(kam_value_new_number_text(&x, ctx, "1.000", 5), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a\0b", 3, arr), KAM_OK);
  out = write_str(obj, 0);
  assert_string_equal(out, "{\"a\\u0000b\":[0.1,-42,null,1.000]}");
  free(out);
  out = write_str(obj, KAM_JSON_PRETTY);
  assert_string_equal(out,
                      "{\n  \"a\\u0000b\": [\n    0.1,\n    -42,\n    null,\n    1.000\n  ]\n}");
  free(out);
  assert_int_equal(kam_json_write(NULL, 0, kam_test_sink_write, &sink), KAM_EINVAL);
  assert_int_equal(kam_json_write(obj, 0, NULL, &sink), KAM_EINVAL);
  assert_int_equal(kam_json_write(obj, 4, kam_test_sink_write, &sink), KAM_EINVAL);
  assert_int_equal(sink.calls, 0);
  kam_value_free(obj);
  kam_ctx_free(ctx);
}

/* A document big enough for many write calls (strings longer than the writer's block bypass
 * it). */
static kam_value *big_doc(kam_ctx *ctx) {
  kam_value *arr, *x;
  char longs[20000];
  int i;
  memset(longs, 'x', sizeof longs);
  assert_int_equal(kam_value_new_array(&arr, ctx), KAM_OK);
  for (i = 0; i < 400; i++) {
    if (i % 50 == 0)
      assert_int_equal(kam_value_new_string(&x, ctx, longs, sizeof longs), KAM_OK);
    else
      assert_int_equal(kam_value_new_string(&x, ctx, "\xd0\xaf\n\"q\"", 7), KAM_OK);
    assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  }
  return arr;
}

static void test_write_failure_every_call(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v = big_doc(ctx);
  int flags;
  (void)state;
  for (flags = 0; flags <= 1; flags++) {
    size_t total, k;
    kam_test_sink sink = {0};
    assert_int_equal(kam_json_write(v, (uint32_t)flags, kam_test_sink_write, &sink), KAM_OK);
    total = sink.calls;
    assert_true(total > 10);
    kam_test_sink_free(&sink);
    for (k = 1; k <= total; k++) {
      kam_test_sink fs = {0};
      fs.fail_at_call = k;
      fs.fail_status = k % 2 ? 77 : -1234;
      assert_int_equal(kam_json_write(v, (uint32_t)flags, kam_test_sink_write, &fs),
                       fs.fail_status);
      assert_int_equal(fs.calls, k); /* stopped at once */
      kam_test_sink_free(&fs);
    }
  }
  kam_value_free(v);
  kam_ctx_free(ctx);
}

/* A deep built tree writes without recursion; its frame stack comes from the ctx. */
static void test_write_deep(void **state) {
  kam_test_alloc ta = {0};
  kam_ctx *ctx;
  kam_value *top, *cur;
  kam_test_sink sink = {0};
  int i, depth = 100000;
  size_t k;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam_value_new_array(&top, ctx), KAM_OK);
  cur = top;
  for (i = 1; i < depth; i++) {
    kam_value *next;
    assert_int_equal(kam_value_new_array(&next, ctx), KAM_OK);
    assert_int_equal(kam_value_array_push(cur, next), KAM_OK);
    cur = next;
  }
  assert_int_equal(kam_json_write(top, 0, kam_test_sink_write, &sink), KAM_OK);
  assert_int_equal(sink.len, 2 * (size_t)depth);
  assert_true(sink.data[0] == '[' && sink.data[depth] == ']');
  kam_test_sink_free(&sink);
  /* the frame stack failing to grow is KAM_ENOMEM and leaks nothing */
  for (k = 1; k <= 3; k++) {
    size_t blocks = ta.blocks;
    ta.fail_at = ta.calls + k;
    assert_int_equal(kam_json_write(top, 0, kam_test_sink_write, &sink), KAM_ENOMEM);
    assert_int_equal(ta.blocks, blocks);
    kam_test_sink_free(&sink);
    ta.fail_at = 0;
  }
  kam_value_free(top);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
}

/* One shape of document for the memory bound: "open" + items made by item(i) joined by ','
 * + "close", about 1 MB of text. */
typedef int (*shape_item_fn)(char *buf, size_t cap, size_t i);

static int item_empty_object(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "{}"); }
static int item_empty_string(char *b, size_t c, size_t i) {
  return (void)i, snprintf(b, c, "\"\"");
}
static int item_zero(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "0"); }
static int item_member(char *b, size_t c, size_t i) { return snprintf(b, c, "\"k%zu\":0", i); }
static int item_record(char *b, size_t c, size_t i) {
  return (void)i, snprintf(b, c, "{\"a\":1,\"b\":\"xyz\"}");
}
static int item_digits(char *b, size_t c, size_t i) { return snprintf(b, c, "%zu", i % 100); }
static int item_three(char *b, size_t c, size_t i) { return snprintf(b, c, "%zu", 100 + i % 900); }
static int item_letter(char *b, size_t c, size_t i) {
  return snprintf(b, c, "\"%c\"", (char)('a' + i % 26));
}
static int item_single(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "[0]"); }
static int item_empty_array(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "[]"); }
static int item_true(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "true"); }
static int item_pair(char *b, size_t c, size_t i) { return (void)i, snprintf(b, c, "{\"\":0}"); }
/* three-character keys, all distinct: the smallest members a big object can have */
static int item_short_key(char *b, size_t c, size_t i) {
  static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return snprintf(b, c, "\"%c%c%c\":0", al[i % 52], al[i / 52 % 52], al[i / 2704 % 52]);
}

static char *shape_doc(const char *open, shape_item_fn item, const char *close, size_t *len) {
  size_t cap = (1u << 20) + 64, n = 0, i;
  char *s = (char *)malloc(cap);
  assert_non_null(s);
  n += (size_t)snprintf(s, cap, "%s", open);
  for (i = 0; n < (1u << 20) - 32; i++) {
    if (i) s[n++] = ',';
    n += (size_t)item(s + n, cap - n, i);
  }
  n += (size_t)snprintf(s + n, cap - n, "%s", close);
  *len = n;
  return s;
}

/* The offset of the value at key k of obj (positions parsed with pos). */
static size_t pos_of_key(const kam__json_positions *pos, const kam_value *obj, const char *k) {
  size_t i = kam__object_find(obj, k, strlen(k));
  assert_true(i != SIZE_MAX);
  return kam__json_position(pos, obj, i);
}

/* kam__json_parse_positions records where each member and item value starts, beside the tree:
 * the tree is the one kam_json_parse makes, a duplicated key's offset is its kept value's, an
 * array of one item and the root's own members are found, OOM leaves nothing behind. */
static void test_parse_positions(void **state) {
  static const char text[] = " {\"a\": [1, {\"b\": true}],\n \"c\": [\"x\"], \"a\": [7, 8],"
                             " \"d\": {}, \"e\": \"\xc3\xa9\", \"f\": null}";
  const size_t len = sizeof text - 1;
  kam_test_alloc ta = {0};
  kam_ctx *ctx;
  kam_value *v = NULL, *plain = NULL;
  kam__json_positions pos;
  const kam_value *a, *c;
  size_t line, col, fail_at;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam__json_parse_positions(&v, ctx, text, len, &pos), KAM_OK);
  assert_int_equal(kam_json_parse(&plain, ctx, text, len), KAM_OK);
  {
    kam_test_sink s1, s2;
    memset(&s1, 0, sizeof s1);
    memset(&s2, 0, sizeof s2);
    assert_int_equal(kam_json_write(v, 0, kam_test_sink_write, &s1), KAM_OK);
    assert_int_equal(kam_json_write(plain, 0, kam_test_sink_write, &s2), KAM_OK);
    assert_int_equal(s1.len, s2.len);
    assert_memory_equal(s1.data, s2.data, s1.len);
    kam_test_sink_free(&s1);
    kam_test_sink_free(&s2);
  }
  kam_value_free(plain);
  assert_int_equal(pos.root, 1);
  a = kam_value_get(v, "a", 1); /* the last "a" wins, at the first one's place */
  assert_int_equal(kam__object_find(v, "a", 1), 0);
  assert_int_equal(pos_of_key(&pos, v, "a"), (size_t)(strstr(text, "[7") - text));
  assert_int_equal(kam__json_position(&pos, a, 1), (size_t)(strstr(text, "8]") - text));
  c = kam_value_get(v, "c", 1);
  assert_int_equal(pos_of_key(&pos, v, "c"), (size_t)(strstr(text, "[\"x") - text));
  assert_int_equal(kam__json_position(&pos, c, 0), (size_t)(strstr(text, "\"x") - text));
  assert_int_equal(kam__json_position(&pos, c, 1), SIZE_MAX);
  assert_int_equal(pos_of_key(&pos, v, "f"), (size_t)(strstr(text, "null") - text));
  assert_int_equal(kam__json_position(&pos, kam_value_get(v, "d", 1), 0), SIZE_MAX);
  kam__linecol(text, pos_of_key(&pos, v, "f"), &line, &col);
  assert_int_equal(line, 2);
  assert_int_equal(col, 51); /* "é" is one character, two bytes */
  kam__linecol(text, pos_of_key(&pos, v, "c"), &line, &col);
  assert_int_equal(line, 2);
  assert_int_equal(col, 7);
  kam_value_free(v);
  kam__json_positions_free(&pos);
  assert_int_equal(ta.blocks, 1); /* the ctx */
  for (fail_at = 1;; fail_at++) {
    int rc;
    ta.fail_at = ta.calls + fail_at;
    rc = kam__json_parse_positions(&v, ctx, text, len, &pos);
    ta.fail_at = 0;
    if (rc == KAM_OK) break;
    assert_int_equal(rc, KAM_ENOMEM);
    assert_null(v);
    assert_null(pos.at);
    assert_int_equal(ta.blocks, 1);
  }
  assert_true(fail_at > 3);
  kam_value_free(v);
  kam__json_positions_free(&pos);
  kam_ctx_free(ctx);
}

/* The bound kam_value.h states for kam_json_parse: at its peak a parse takes at most 12 times
 * the text, whatever the shape (counted through the allocator hook, parser state included). */
static void test_parse_memory_bound(void **state) {
  static const struct {
    const char *name, *open, *close;
    shape_item_fn item;
  } shapes[] = {
      {"[{},...]", "[", "]", item_empty_object},
      {"[\"\",...]", "[", "]", item_empty_string},
      {"[0,...]", "[", "]", item_zero},
      {"{\"k0\":0,...}", "{", "}", item_member},
      {"[{\"a\":1,\"b\":\"xyz\"},...]", "[", "]", item_record},
      {"[0..99,...]", "[", "]", item_digits},
      {"[100..999,...]", "[", "]", item_three},
      {"[\"a\",...]", "[", "]", item_letter},
      {"[[0],...]", "[", "]", item_single},
      {"[[],...]", "[", "]", item_empty_array},
      {"[true,...]", "[", "]", item_true},
      {"[{\"\":0},...]", "[", "]", item_pair},
      {"{\"abc\":0,...}", "{", "}", item_short_key},
      {"{\"x\":[0,...]}", "{\"x\":[", "]}", item_zero},
  };
  size_t k;
  (void)state;
  for (k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
    kam_test_alloc ta = {0};
    kam_ctx *ctx;
    kam_value *v = NULL;
    size_t len, base;
    char *text = shape_doc(shapes[k].open, shapes[k].item, shapes[k].close, &len);
    double ratio, kept;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    base = ta.bytes;
    ta.peak = base;
    assert_int_equal(kam_json_parse(&v, ctx, text, len), KAM_OK);
    ratio = (double)(ta.peak - base) / (double)len;
    kept = (double)(ta.bytes - base) / (double)len;
    print_message("%-26s %8zu bytes: peak %5.2fx, kept %5.2fx the text\n", shapes[k].name, len,
                  ratio, kept);
    if (ratio >= 12.0 && !getenv("KAM_MEASURE"))
      fail_msg("%s: peak %.2fx the text (bound 12x)", shapes[k].name, ratio);
    kam_value_free(v);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
    free(text);
  }
}

/* Builds a ~20 KB document (so the arena needs several chunks and objects get an index). */
static char *oom_doc(size_t *len) {
  size_t cap = 40000, n = 0;
  char *s = (char *)malloc(cap);
  int i, j;
  n += (size_t)snprintf(s + n, cap - n, "[");
  for (i = 0; i < 60; i++) {
    n += (size_t)snprintf(s + n, cap - n,
                          "%s{\"id\": %d, \"name\": \"\xd0\x9a\xd0\xbb\xd0\xb8"
                          "\xd0\xb5\xd0\xbd\xd1\x82 \\u2116%d\", \"x\": [true, false, null, 1.5e3]",
                          i ? "," : "", i, i);
    for (j = 0; j < 10; j++)
      n += (size_t)snprintf(s + n, cap - n, ", \"f%d\": %d", j, j * i);
    n += (size_t)snprintf(s + n, cap - n, "}");
  }
  n += (size_t)snprintf(s + n, cap - n, "]");
  *len = n;
  return s;
}

static void test_parse_oom(void **state) {
  size_t len, fail_at;
  char *text = oom_doc(&len);
  kam_value *ref = NULL;
  kam_ctx *refctx = cm_ctx();
  (void)state;
  assert_int_equal(kam_json_parse(&ref, refctx, text, len), KAM_OK);
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta = {0};
    kam_ctx *ctx;
    kam_value *v = (kam_value *)text;
    int rc;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    ta.fail_at = ta.calls + fail_at;
    rc = kam_json_parse(&v, ctx, text, len);
    if (rc == KAM_OK) {
      assert_true(kam_test_value_equal(v, ref));
      kam_value_free(v);
    } else {
      assert_int_equal(rc, KAM_ENOMEM);
      assert_null(v);
      assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    }
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
    if (rc == KAM_OK) break;
  }
  assert_true(fail_at > 3);
  kam_value_free(ref);
  kam_ctx_free(refctx);
  free(text);
}

/* A parsed root can be changed through the builders; items it takes are freed with it. */
static void test_modify_parsed(void **state) {
  kam_test_alloc ta = {0};
  kam_ctx *ctx;
  kam_value *obj, *arr, *x, *holder;
  char *out;
  int i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  obj = parse_ok(ctx, "{\"a\": [1, 2], \"b\": \"s\"}");
  /* children of a parsed tree cannot be given away */
  assert_int_equal(kam_value_new_array(&holder, ctx), KAM_OK);
  assert_int_equal(kam_value_array_push(holder, (kam_value *)(uintptr_t)kam_value_get(obj, "a", 1)),
                   KAM_EINVAL);
  assert_int_equal(kam_value_array_push((kam_value *)(uintptr_t)kam_value_get(obj, "a", 1), holder),
                   KAM_EINVAL);
  kam_value_free((kam_value *)(uintptr_t)kam_value_get(obj, "a", 1)); /* a no-op */
  assert_int_equal(kam_value_length(kam_value_get(obj, "a", 1)), 2);
  /* replace a parsed member, add many (past the index threshold) */
  assert_int_equal(kam_value_new_int(&x, ctx, 7), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a", 1, x), KAM_OK);
  for (i = 0; i < 20; i++) {
    char key[8];
    int kl = snprintf(key, sizeof key, "n%d", i);
    assert_int_equal(kam_value_new_int(&x, ctx, i), KAM_OK);
    assert_int_equal(kam_value_object_set(obj, key, (size_t)kl, x), KAM_OK);
  }
  assert_int_equal(kam_value_new_string(&x, ctx, "t", 1), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "n3", 2, x), KAM_OK);
  assert_int_equal(kam_value_length(obj), 22);
  assert_string_equal(kam_value_string(kam_value_get(obj, "n3", 2), NULL), "t");
  assert_true(kam_value_number(kam_value_get(obj, "n19", 3)) == 19);
  /* a parsed array root grows too, and takes another parsed root */
  arr = parse_ok(ctx, "[true]");
  for (i = 0; i < 10; i++) {
    assert_int_equal(kam_value_new_null(&x, ctx), KAM_OK);
    assert_int_equal(kam_value_array_push(arr, x), KAM_OK);
  }
  assert_int_equal(kam_value_array_push(arr, parse_ok(ctx, "{\"deep\": [[]]}")), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "arr", 3, arr), KAM_OK);
  assert_int_equal(kam_value_array_push(holder, obj), KAM_OK);
  out = write_str(holder, 0);
  assert_non_null(strstr(out, "[{\"a\":7,\"b\":\"s\",\"n0\":0,"));
  assert_non_null(strstr(out, "\"n3\":\"t\","));
  assert_non_null(strstr(out, "\"arr\":[true,null,null,null,null,null,null,null,null,null,null,"
                              "{\"deep\":[[]]}]}]"));
  free(out);
  kam_value_free(holder);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
}

/* OOM while changing a parsed root: KAM_ENOMEM, the root unchanged, nothing leaked. */
static void test_modify_parsed_oom(void **state) {
  size_t fail_at;
  (void)state;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta = {0};
    kam_ctx *ctx;
    kam_value *obj, *x;
    int rc = KAM_OK, i;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    obj = parse_ok(ctx, "{\"a\": 1}");
    ta.fail_at = ta.calls + fail_at;
    for (i = 0; i < 200 && rc == KAM_OK; i++) {
      char key[8];
      int kl = snprintf(key, sizeof key, "k%d", i);
      size_t before = kam_value_length(obj);
      rc = kam_value_new_int(&x, ctx, i);
      if (rc) break;
      rc = kam_value_object_set(obj, key, (size_t)kl, x);
      if (rc) {
        assert_int_equal(kam_value_length(obj), before);
        assert_null(kam_value_get(obj, key, (size_t)kl));
        kam_value_free(x);
      }
    }
    if (rc)
      assert_int_equal(rc, KAM_ENOMEM);
    else
      assert_true(kam_value_number(kam_value_get(obj, "k150", 4)) == 150);
    kam_value_free(obj);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
    if (rc == KAM_OK) break;
  }
}

static void test_conformance_files_round_trip(void **state) {
  /* A few suite files checked for byte-identical compact output (they are compact). */
  static const char *const files[] = {"y_array_empty.json", "y_object_simple.json",
                                      "y_number_real_capital_e_neg_exp.json",
                                      "y_string_unicode_escaped_double_quote.json"};
  kam_ctx *ctx = cm_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[1024], *text, *out;
    size_t len;
    kam_value *v;
    snprintf(path, sizeof path, "%s/json/%s", KAM_CONFORMANCE_DIR, files[i]);
    text = kam_test_read_file(path, &len);
    assert_non_null(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
      text[--len] = '\0';
    assert_int_equal(kam_json_parse(&v, ctx, text, len), KAM_OK);
    out = write_str(v, 0);
    if (strchr(text, ' ') == NULL && strstr(text, "\\u") == NULL) assert_string_equal(out, text);
    free(out);
    free(text);
    kam_value_free(v);
  }
  kam_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_values),
      cmocka_unit_test(test_parse_strings),
      cmocka_unit_test(test_parse_numbers),
      cmocka_unit_test(test_duplicate_keys),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_depth),
      cmocka_unit_test(test_write),
      cmocka_unit_test(test_write_built),
      cmocka_unit_test(test_write_failure_every_call),
      cmocka_unit_test(test_write_deep),
      cmocka_unit_test(test_parse_oom),
      cmocka_unit_test(test_parse_memory_bound),
      cmocka_unit_test(test_modify_parsed),
      cmocka_unit_test(test_modify_parsed_oom),
      cmocka_unit_test(test_parse_positions),
      cmocka_unit_test(test_conformance_files_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

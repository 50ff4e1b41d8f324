/* test_core.c - version, status strings, ctx and allocator hook, error messages, dates, and the
 * shared text internals (UTF-8, exact decimals, locale-independent doubles). */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal_internal.h"
#include "core/internal.h"
#include "testutil.h"

static void test_version(void **state) {
  (void)state;
  assert_string_equal(kam_version(), KAM_VERSION_STRING);
  assert_string_equal(kam_version(), "0.1.0");
}

static void test_strerror(void **state) {
  int s;
  (void)state;
  for (s = KAM_ELIMIT; s <= KAM_OK; s++) {
    assert_non_null(kam_strerror(s));
    assert_true(strlen(kam_strerror(s)) > 0);
  }
  assert_string_equal(kam_strerror(KAM_EPARSE), "malformed input");
  assert_string_equal(kam_strerror(-999), "unknown error");
  assert_string_equal(kam_strerror(42), "callback status");
}

static void test_ctx_allocator_counts_to_zero(void **state) {
  kam_test_alloc a = {0};
  kam_ctx *ctx = NULL;
  kam__buf b;
  char *s;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  assert_int_equal(a.blocks, 1);
  s = kam__strndup(ctx, "hello", 5);
  assert_string_equal(s, "hello");
  kam__buf_init(&b, ctx);
  assert_int_equal(kam__buf_printf(&b, "%d-%s", 12, "x"), KAM_OK);
  assert_int_equal(kam__buf_puts(&b, "yz"), KAM_OK);
  assert_string_equal(b.data, "12-xyz");
  assert_int_equal(a.blocks, 3);
  kam__buf_free(&b);
  kam__free_str(ctx, s);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
  assert_int_equal(a.bytes, 0);
}

static void test_ctx_cmocka_allocator(void **state) {
  kam_ctx *ctx = NULL;
  kam__buf b;
  int i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  kam__buf_init(&b, ctx);
  for (i = 0; i < 1000; i++)
    assert_int_equal(kam__buf_putc(&b, 'a'), KAM_OK);
  assert_int_equal(b.len, 1000);
  kam__buf_free(&b);
  kam_ctx_free(ctx);
}

static void test_ctx_new_fails_cleanly(void **state) {
  kam_test_alloc a = {0};
  kam_ctx *ctx = (kam_ctx *)&a;
  (void)state;
  a.fail_at = 1;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_ENOMEM);
  assert_null(ctx);
  assert_int_equal(a.blocks, 0);
  assert_int_equal(kam_ctx_new(NULL, NULL, NULL), KAM_EINVAL);
  kam_ctx_free(NULL); /* no-op */
}

static void test_ctx_errmsg(void **state) {
  kam_ctx *ctx;
  char big[2000];
  (void)state;
  assert_string_equal(kam_ctx_errmsg(NULL), "");
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_string_equal(kam_ctx_errmsg(ctx), "");
  assert_int_equal(kam__error(ctx, KAM_EPARSE, "line %d, column \"%s\": bad", 17, "revenue"),
                   KAM_EPARSE);
  assert_string_equal(kam_ctx_errmsg(ctx), "line 17, column \"revenue\": bad");
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  kam__error(ctx, KAM_EINVAL, "%s", big); /* truncated, never overflows */
  assert_int_equal(strlen(kam_ctx_errmsg(ctx)), KAM__ERRMSG_CAP - 1);
  kam_ctx_clear_error(ctx);
  assert_string_equal(kam_ctx_errmsg(ctx), "");
  kam_ctx_free(ctx);
}

static void test_ctx_threads(void **state) {
  kam_ctx *ctx;
  (void)state;
  assert_int_equal(kam_ctx_set_threads(NULL, 2), KAM_EINVAL);
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  assert_int_equal(ctx->threads, 1); /* the default never starts a thread */
  assert_int_equal(kam__parts(ctx, (size_t)1 << 30), 1);
  assert_int_equal(kam_ctx_set_threads(ctx, 0), KAM_EINVAL);
  assert_string_equal(kam_ctx_errmsg(ctx), "kam_ctx_set_threads: 0 threads is outside 1..64");
  assert_int_equal(kam_ctx_set_threads(ctx, 65), KAM_EINVAL);
  assert_int_equal(ctx->threads, 1); /* unchanged */
  assert_int_equal(kam_ctx_set_threads(ctx, 64), KAM_OK);
  assert_int_equal(kam_ctx_set_threads(ctx, 3), KAM_OK);
  /* parts: at most the threads, at least KAM__PART_MIN items each */
  assert_int_equal(kam__parts(ctx, 0), 1);
  assert_int_equal(kam__parts(ctx, 2 * KAM__PART_MIN - 1), 1);
  assert_int_equal(kam__parts(ctx, 2 * KAM__PART_MIN), 2);
  assert_int_equal(kam__parts(ctx, 100 * KAM__PART_MIN), 3);
  {
    size_t lo, hi, next = 0, n = 1000003;
    unsigned k;
    for (k = 0; k < 3; k++) { /* contiguous, in order, covering [0, n) */
      kam__part_range(n, 3, k, &lo, &hi);
      assert_int_equal(lo, next);
      assert_true(hi > lo);
      next = hi;
    }
    assert_int_equal(next, n);
  }
  kam_ctx_free(ctx);
}

static void test_buf_oom_keeps_contents(void **state) {
  kam_test_alloc a = {0};
  kam_ctx *ctx;
  kam__buf b;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  kam__buf_init(&b, ctx);
  assert_int_equal(kam__buf_puts(&b, "abc"), KAM_OK);
  a.fail_at = a.calls + 1;
  assert_int_equal(kam__buf_reserve(&b, 100000), KAM_ENOMEM);
  assert_string_equal(b.data, "abc");
  kam__buf_free(&b);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

static void test_dates(void **state) {
  kam_date d;
  int y, m, dd;
  char buf[16];
  size_t len = 0;
  (void)state;
  assert_int_equal(kam_date_from_ymd(&d, 1970, 1, 1), KAM_OK);
  assert_int_equal(d, 0);
  assert_int_equal(kam_date_from_ymd(&d, 2000, 3, 1), KAM_OK);
  assert_int_equal(d, 11017);
  assert_int_equal(kam_date_from_ymd(&d, 1969, 12, 31), KAM_OK);
  assert_int_equal(d, -1);
  assert_int_equal(kam_date_from_ymd(&d, 2024, 2, 29), KAM_OK);
  kam_date_to_ymd(d, &y, &m, &dd);
  assert_int_equal(y, 2024);
  assert_int_equal(m, 2);
  assert_int_equal(dd, 29);
  assert_int_equal(kam_date_from_ymd(&d, 2023, 2, 29), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(&d, 1900, 2, 29), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(&d, 2000, 2, 29), KAM_OK);
  assert_int_equal(kam_date_from_ymd(&d, 2026, 13, 1), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(&d, 2026, 4, 31), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(&d, 2026, 0, 1), KAM_EINVAL);
  assert_int_equal(kam_date_from_ymd(NULL, 2026, 1, 1), KAM_EINVAL);
  /* Every day for 800 years round-trips, and consecutive days are consecutive integers. */
  {
    kam_date prev;
    assert_int_equal(kam_date_from_ymd(&prev, 1800, 1, 1), KAM_OK);
    for (d = prev + 1; d < prev + 800 * 366; d++) {
      kam_date back;
      kam_date_to_ymd(d, &y, &m, &dd);
      assert_int_equal(kam_date_from_ymd(&back, y, m, dd), KAM_OK);
      assert_int_equal(back, d);
    }
  }
  assert_int_equal(kam_date_parse(&d, "2026-11-27", 10), KAM_OK);
  assert_int_equal(kam_date_format(buf, sizeof buf, &len, d), KAM_OK);
  assert_string_equal(buf, "2026-11-27");
  assert_int_equal(len, 10);
  /* the buffer contract: too small is KAM_ELIMIT with "" and the length; cap 0 sizes */
  len = 0;
  assert_int_equal(kam_date_format(buf, 10, &len, d), KAM_ELIMIT);
  assert_string_equal(buf, "");
  assert_int_equal(len, 10);
  assert_int_equal(kam_date_format(NULL, 0, &len, d), KAM_ELIMIT);
  assert_int_equal(kam_date_format(NULL, 5, &len, d), KAM_EINVAL);
  assert_int_equal(kam_date_format(buf, 11, NULL, d), KAM_OK);
  assert_int_equal(kam_date_parse(&d, "2026-02-30", 10), KAM_EPARSE);
  assert_int_equal(kam_date_parse(&d, "2026-1-27", 9), KAM_EPARSE);
  assert_int_equal(kam_date_parse(&d, "2026/11/27", 10), KAM_EPARSE);
  assert_int_equal(kam_date_parse(&d, " 2026-11-2", 10), KAM_EPARSE);
  assert_int_equal(kam_date_parse(&d, "2026-11-27x", 11), KAM_EPARSE);
  assert_int_equal(kam_date_parse(&d, NULL, 10), KAM_EINVAL);
}

static void test_add_months(void **state) {
  kam_date d, r, e;
  (void)state;
  kam_date_from_ymd(&d, 2024, 1, 31);
  assert_int_equal(kam_date_add_months(&r, d, 1), KAM_OK);
  kam_date_from_ymd(&e, 2024, 2, 29);
  assert_int_equal(r, e);
  kam_date_from_ymd(&d, 2023, 1, 31);
  kam_date_add_months(&r, d, 1);
  kam_date_from_ymd(&e, 2023, 2, 28);
  assert_int_equal(r, e);
  kam_date_add_months(&r, d, -2);
  kam_date_from_ymd(&e, 2022, 11, 30);
  assert_int_equal(r, e);
  kam_date_add_months(&r, d, 12);
  kam_date_from_ymd(&e, 2024, 1, 31);
  assert_int_equal(r, e);
  kam_date_add_months(&r, d, -13);
  kam_date_from_ymd(&e, 2021, 12, 31);
  assert_int_equal(r, e);
  assert_int_equal(kam_date_add_months(&r, d, 2000000000), KAM_EINVAL);
  assert_int_equal(kam_date_add_months(NULL, d, 1), KAM_EINVAL);
}

static void test_utf8(void **state) {
  size_t bad = 99;
  uint32_t cp;
  char out[4];
  (void)state;
  assert_true(kam__utf8_valid("Привет, мир", strlen("Привет, мир"), NULL));
  assert_false(kam__utf8_valid("ab\xC0\xAF", 4, &bad)); /* overlong '/' */
  assert_int_equal(bad, 2);
  assert_false(kam__utf8_valid("\xED\xA0\x80", 3, NULL));     /* surrogate */
  assert_false(kam__utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
  assert_false(kam__utf8_valid("\xD0", 1, NULL));             /* truncated */
  assert_int_equal(kam__utf8_decode("\xE2\x82\xBD", 3, &cp), 3);
  assert_int_equal(cp, 0x20BD);
  assert_int_equal(kam__utf8_encode(0x20BD, out), 3);
  assert_memory_equal(out, "\xE2\x82\xBD", 3);
  assert_int_equal(kam__utf8_encode(0x1F600, out), 4);
  assert_int_equal(kam__utf8_decode(out, 4, &cp), 4);
  assert_int_equal(cp, 0x1F600);
}

static int64_t minor(const char *s, char mark, int digits, bool groups, int *rc) {
  int64_t v = -12345;
  unsigned flags = (mark == ',' ? KAM__DEC_COMMA : KAM__DEC_POINT) | KAM__DEC_BARE;
  *rc = kam__decimal_read_minor(&v, s, strlen(s), flags | (groups ? KAM__DEC_GROUPS : 0u), digits,
                                NULL);
  return v;
}

static void test_decimal_to_minor(void **state) {
  int rc;
  const char *why = NULL;
  int64_t v;
  (void)state;
  assert_int_equal(minor("1234.56", '.', 2, false, &rc), 123456);
  assert_int_equal(rc, KAM_OK);
  assert_int_equal(minor("1234,5", ',', 2, false, &rc), 123450);
  assert_int_equal(minor("-0.01", '.', 2, false, &rc), -1);
  assert_int_equal(minor("+7", '.', 2, false, &rc), 700);
  assert_int_equal(minor(".5", '.', 2, false, &rc), 50);
  assert_int_equal(minor("5.", '.', 2, false, &rc), 500);
  assert_int_equal(minor("1 234 567,89", ',', 2, true, &rc), 123456789);
  assert_int_equal(rc, KAM_OK);
  assert_int_equal(minor("1\xC2\xA0"
                         "234,00",
                         ',', 2, true, &rc),
                   123400);
  assert_int_equal(rc, KAM_OK);
  assert_int_equal(minor("1\xE2\x80\xAF"
                         "234",
                         ',', 0, true, &rc),
                   1234);
  assert_int_equal(rc, KAM_OK);
  minor("12 34", ',', 2, true, &rc); /* wrong grouping */
  assert_int_equal(rc, KAM_EPARSE);
  minor("1 234", ',', 2, false, &rc); /* groups not allowed */
  assert_int_equal(rc, KAM_EPARSE);
  minor("12,3.4", ',', 2, true, &rc);
  assert_int_equal(rc, KAM_EPARSE);
  minor("1.234", '.', 2, false, &rc);
  assert_int_equal(rc, KAM_EPARSE);
  assert_int_equal(kam__decimal_read_minor(&v, "1.234", 5, KAM__DEC_POINT, 2, &why), KAM_EPARSE);
  assert_string_equal(why, "has more decimals than the currency allows");
  assert_int_equal(minor("1.2300", '.', 2, false, &rc), 123); /* trailing zeros are exact */
  assert_int_equal(rc, KAM_OK);
  minor("", '.', 2, false, &rc);
  assert_int_equal(rc, KAM_EPARSE);
  minor("-", '.', 2, false, &rc);
  assert_int_equal(rc, KAM_EPARSE);
  minor("1e5", '.', 2, false, &rc);
  assert_int_equal(rc, KAM_EPARSE);
  assert_int_equal(minor("92233720368547758.07", '.', 2, false, &rc), INT64_MAX);
  assert_int_equal(rc, KAM_OK);
  assert_int_equal(minor("-92233720368547758.08", '.', 2, false, &rc), INT64_MIN);
  assert_int_equal(rc, KAM_OK);
  minor("92233720368547758.08", '.', 2, false, &rc);
  assert_int_equal(rc, KAM_EOVERFLOW);
  minor("999999999999999999999999", '.', 0, false, &rc);
  assert_int_equal(rc, KAM_EOVERFLOW);
}

static void check_fmt(double v, const char *want) {
  char buf[32];
  double back = 0;
  size_t n = kam__fmt_double(buf, v);
  assert_int_equal(n, strlen(want));
  assert_string_equal(buf, want);
  if (isfinite(v)) {
    assert_true(kam__parse_double(&back, buf, n));
    assert_true(back == v);
  }
}

static void test_double_text(void **state) {
  double v;
  char digits[2100];
  (void)state;
  check_fmt(1.1, "1.1");
  check_fmt(0.1 + 0.2, "0.30000000000000004");
  check_fmt(100, "100");
  check_fmt(-0.5, "-0.5");
  check_fmt(0, "0");
  check_fmt(-0.0, "0");
  check_fmt(1e-7, "1e-7");
  check_fmt(0.000001, "0.000001");
  check_fmt(123456789012345680000.0, "123456789012345680000");
  check_fmt(1.5e300, "1.5e+300");
  check_fmt(-2.5e-10, "-2.5e-10");
  check_fmt(5e-324, "5e-324");
  check_fmt(1.7976931348623157e308, "1.7976931348623157e+308");
  check_fmt(1e21, "1e+21");
  check_fmt(NAN, "NaN");
  check_fmt(-INFINITY, "-Infinity");
  assert_true(kam__parse_double(&v, "123.25e-2", 9));
  assert_true(v == 1.2325);
  assert_true(kam__parse_double(&v, "-0", 2));
  assert_true(v == 0 && signbit(v));
  assert_false(kam__parse_double(&v, "01", 2));
  assert_false(kam__parse_double(&v, "1.", 2));
  assert_false(kam__parse_double(&v, ".5", 2));
  assert_false(kam__parse_double(&v, "1e", 2));
  assert_false(kam__parse_double(&v, "+1", 2));
  assert_false(kam__parse_double(&v, "", 0));
  assert_true(kam__parse_double(&v, "1e999999999999", 14));
  assert_true(isinf(v));
  /* A 2000-digit number: rounded correctly without allocation. */
  digits[0] = '1';
  memset(digits + 1, '0', 1999);
  assert_true(kam__parse_double(&v, digits, 2000));
  assert_true(isinf(v));
  memcpy(digits, "0.", 2);
  memset(digits + 2, '0', 1990);
  memcpy(digits + 1992, "15", 2);
  assert_true(kam__parse_double(&v, digits, 1994));
  assert_true(v == 0); /* 1.5e-1990 underflows to 0 */
  /* 0.1 followed by 900 zeros and a 1 is just above 0.1 but rounds to 0.1. */
  memcpy(digits, "0.1", 3);
  memset(digits + 3, '0', 900);
  digits[903] = '1';
  assert_true(kam__parse_double(&v, digits, 904));
  assert_true(v == 0.1);
}

/* The shortest text against a slow reference (try every precision) over many doubles of every
 * magnitude, subnormals included. */
static void test_double_text_shortest(void **state) {
  uint64_t x = 0x9E3779B97F4A7C15u;
  int i;
  (void)state;
  for (i = 0; i < 200000; i++) {
    double v, back;
    char fast[32], slow[40];
    int prec;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    memcpy(&v, &x, sizeof v);
    if (!isfinite(v)) continue;
    if (i % 3 == 0) v = (double)(x % 100000 + 1) / 100.0; /* short decimals like prices */
    if (v == 0) continue;
    kam__fmt_double(fast, v);
    for (prec = 1; prec <= 17; prec++) {
      snprintf(slow, sizeof slow, "%.*e", prec - 1, v);
      if (strtod(slow, NULL) == v) break;
    }
    assert_true(kam__parse_double(&back, fast, strlen(fast)));
    assert_true(back == v);
    /* as many significant digits as the slow search needed */
    {
      char digits[40];
      size_t k = 0;
      const char *p;
      for (p = fast; *p && *p != 'e'; p++)
        if (kam__is_digit(*p) && (k > 0 || *p != '0')) digits[k++] = *p;
      while (k > 0 && digits[k - 1] == '0')
        k--;
      assert_int_equal(k, prec);
    }
  }
}

static void test_double_text_ignores_locale(void **state) {
  char buf[32];
  double v = 0;
  (void)state;
  if (!setlocale(LC_NUMERIC, "ru_RU.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
    skip(); /* no comma-decimal locale installed */
  }
  kam__fmt_double(buf, 1234.5);
  assert_string_equal(buf, "1234.5");
  assert_true(kam__parse_double(&v, "0.25", 4));
  assert_true(v == 0.25);
  setlocale(LC_NUMERIC, "C");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version),
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_ctx_threads),
      cmocka_unit_test(test_ctx_allocator_counts_to_zero),
      cmocka_unit_test(test_ctx_cmocka_allocator),
      cmocka_unit_test(test_ctx_new_fails_cleanly),
      cmocka_unit_test(test_ctx_errmsg),
      cmocka_unit_test(test_buf_oom_keeps_contents),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_add_months),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_decimal_to_minor),
      cmocka_unit_test(test_double_text),
      cmocka_unit_test(test_double_text_shortest),
      cmocka_unit_test(test_double_text_ignores_locale),
  };
  return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}

/* test_decimal.c - the one exact decimal (decimal.c): every grammar flag on and off, every
 * digit-group separator, the int64 bounds of both readers, the canonical and the laid-out
 * printers, and rounding half away from zero. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal_internal.h"
#include "testutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NBSP "\xC2\xA0"
#define NNBSP "\xE2\x80\xAF"

/* kam__decimal_read of s under flags: the status, and {coef, scale} on success. */
static int rd(const char *s, unsigned flags, int64_t *coef, int *scale) {
  kam__decimal d = {-7, -7};
  int rc = kam__decimal_read(&d, s, strlen(s), flags, NULL);
  if (rc == KAM_OK) {
    *coef = d.coef;
    *scale = d.scale;
  } else if (d.coef != -7 || d.scale != -7) {
    fail_msg("\"%s\": failed (%d) but wrote its output", s, rc);
  }
  return rc;
}

static void read_ok(const char *s, unsigned flags, int64_t coef, int scale) {
  int64_t c = 0;
  int sc = 0, rc = rd(s, flags, &c, &sc);
  if (rc != KAM_OK || c != coef || sc != scale)
    fail_msg("\"%s\" flags %#x: rc %d {%lld, %d}, want {%lld, %d}", s, flags, rc, (long long)c, sc,
             (long long)coef, scale);
}

static void read_fails(const char *s, unsigned flags, int want) {
  int64_t c;
  int sc, rc = rd(s, flags, &c, &sc);
  if (rc != want) fail_msg("\"%s\" flags %#x: rc %d, want %d", s, flags, rc, want);
}

static void test_grammar_flags(void **state) {
  (void)state;
  /* the base grammar */
  read_ok("2.5", KAM__DEC_POINT, 25, 1);
  read_ok("-0.125", KAM__DEC_POINT, -125, 3);
  read_ok("+7", KAM__DEC_POINT, 7, 0);
  read_ok("007", KAM__DEC_POINT, 7, 0);
  read_ok("2.50", KAM__DEC_POINT, 250, 2); /* written zeros stay in the scale */
  read_fails("", KAM__DEC_POINT, KAM_EPARSE);
  read_fails("-", KAM__DEC_POINT, KAM_EPARSE);
  read_fails(" 1", KAM__DEC_POINT, KAM_EPARSE);
  read_fails("1 ", KAM__DEC_POINT, KAM_EPARSE);
  read_fails("--1", KAM__DEC_POINT, KAM_EPARSE);
  read_fails("1.2.3", KAM__DEC_POINT, KAM_EPARSE);
  /* the decimal mark: '.', ',', either */
  read_fails("2,5", KAM__DEC_POINT, KAM_EPARSE);
  read_ok("2,5", KAM__DEC_COMMA, 25, 1);
  read_fails("2.5", KAM__DEC_COMMA, KAM_EPARSE);
  read_ok("2,5", KAM__DEC_POINT | KAM__DEC_COMMA, 25, 1);
  read_ok("2.5", KAM__DEC_POINT | KAM__DEC_COMMA, 25, 1);
  read_fails("2,5.1", KAM__DEC_POINT | KAM__DEC_COMMA, KAM_EPARSE);
  /* a bare mark */
  read_fails(".5", KAM__DEC_POINT, KAM_EPARSE);
  read_fails("5.", KAM__DEC_POINT, KAM_EPARSE);
  read_ok(".5", KAM__DEC_POINT | KAM__DEC_BARE, 5, 1);
  read_ok("5.", KAM__DEC_POINT | KAM__DEC_BARE, 5, 0);
  read_fails(".", KAM__DEC_POINT | KAM__DEC_BARE, KAM_EPARSE);
  read_fails("-.", KAM__DEC_POINT | KAM__DEC_BARE, KAM_EPARSE);
  /* the exponent */
  read_fails("1e3", KAM__DEC_POINT, KAM_EPARSE);
  read_ok("1e3", KAM__DEC_PLAIN, 1000, 0);
  read_ok("2.5E-1", KAM__DEC_PLAIN, 25, 2);
  read_ok("1.5e+3", KAM__DEC_PLAIN, 1500, 0);
  read_ok("12345e-5", KAM__DEC_PLAIN, 12345, 5);
  read_ok("0e999999", KAM__DEC_PLAIN, 0, 0);
  read_fails("1e", KAM__DEC_PLAIN, KAM_EPARSE);
  read_fails("1e+", KAM__DEC_PLAIN, KAM_EPARSE);
  read_fails("e5", KAM__DEC_PLAIN, KAM_EPARSE);
  read_ok("2,5e1", KAM__DEC_DOCUMENT, 25, 0);
  /* NUL is not a digit, and len bounds the text */
  {
    kam__decimal d;
    assert_int_equal(kam__decimal_read(&d,
                                       "1\0"
                                       "5",
                                       3, KAM__DEC_POINT, NULL),
                     KAM_EPARSE);
    assert_int_equal(kam__decimal_read(&d, "2.5xyz", 3, KAM__DEC_POINT, NULL), KAM_OK);
    assert_int_equal(d.coef, 25);
    assert_int_equal(kam__decimal_read(&d, NULL, 0, KAM__DEC_POINT, NULL), KAM_EPARSE);
    assert_int_equal(kam__decimal_read(&d, NULL, 3, KAM__DEC_POINT, NULL), KAM_EPARSE);
  }
}

static void test_digit_groups(void **state) {
  static const char *const seps[] = {" ", NBSP, NNBSP, "'"};
  char text[64];
  size_t i;
  (void)state;
  for (i = 0; i < N(seps); i++) {
    const char *g = seps[i];
    snprintf(text, sizeof text, "1%s234%s567,89", g, g);
    read_ok(text, KAM__DEC_COMMA | KAM__DEC_GROUPS, 123456789, 2);
    read_fails(text, KAM__DEC_COMMA, KAM_EPARSE); /* groups off */
    snprintf(text, sizeof text, "-12%s345", g);
    read_ok(text, KAM__DEC_POINT | KAM__DEC_GROUPS, -12345, 0);
    snprintf(text, sizeof text, "12%s34", g); /* a group of 2 after the first */
    read_fails(text, KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE);
    snprintf(text, sizeof text, "1234%s567", g); /* a first group of 4 */
    read_fails(text, KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE);
    snprintf(text, sizeof text, "%s123", g); /* no digit before */
    read_fails(text, KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE);
    snprintf(text, sizeof text, "123%s", g); /* no digit after */
    read_fails(text, KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE);
    snprintf(text, sizeof text, "1,234%s5", g); /* not in the fraction */
    read_fails(text, KAM__DEC_COMMA | KAM__DEC_GROUPS, KAM_EPARSE);
  }
  read_fails("1  234", KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE); /* two separators */
  read_fails("1,234", KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE);  /* ',' is not a group */
  read_ok("1\xC2\xA0"
          "000.5",
          KAM__DEC_POINT | KAM__DEC_GROUPS, 10005, 1);
  read_fails("1\xC2"
             "000",
             KAM__DEC_POINT | KAM__DEC_GROUPS, KAM_EPARSE); /* half an NBSP */
}

static void test_int64_bounds(void **state) {
  const char *why = NULL;
  int64_t v = 0;
  (void)state;
  read_ok("9223372036854775807", KAM__DEC_POINT, INT64_MAX, 0);
  read_ok("-9223372036854775807", KAM__DEC_POINT, -INT64_MAX, 0);
  read_fails("9223372036854775808", KAM__DEC_POINT, KAM_EOVERFLOW);
  read_fails("-9223372036854775808", KAM__DEC_POINT, KAM_EOVERFLOW); /* symmetric */
  read_ok("922337203685477580.7", KAM__DEC_POINT, INT64_MAX, 1);
  read_ok("0.000000000000000001", KAM__DEC_POINT, 1, 18);
  read_fails("0.0000000000000000001", KAM__DEC_POINT, KAM_EPARSE);              /* 19 decimals */
  read_ok("1.0000000000000000000000", KAM__DEC_POINT, 1000000000000000000, 18); /* zeros cut */
  read_ok("9223372036854775807.0", KAM__DEC_POINT, INT64_MAX, 0); /* zeros that do not fit */
  read_fails("99999999999999999999999", KAM__DEC_POINT, KAM_EOVERFLOW);
  read_fails("1e19", KAM__DEC_PLAIN, KAM_EOVERFLOW);
  read_ok("9.223372036854775807e18", KAM__DEC_PLAIN, INT64_MAX, 0);
  read_fails("1e99999999999", KAM__DEC_PLAIN, KAM_EOVERFLOW);
  read_fails("1e-99999999999", KAM__DEC_PLAIN, KAM_EPARSE);

  /* minor units: the whole int64, INT64_MIN included */
  assert_int_equal(kam__decimal_read_minor(&v, "92233720368547758.07", 20, KAM__DEC_POINT, 2, &why),
                   KAM_OK);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(
      kam__decimal_read_minor(&v, "-92233720368547758.08", 21, KAM__DEC_POINT, 2, &why), KAM_OK);
  assert_int_equal(v, INT64_MIN);
  v = 5;
  assert_int_equal(kam__decimal_read_minor(&v, "92233720368547758.08", 20, KAM__DEC_POINT, 2, &why),
                   KAM_EOVERFLOW);
  assert_string_equal(why, "is too large");
  assert_int_equal(
      kam__decimal_read_minor(&v, "-92233720368547758.09", 21, KAM__DEC_POINT, 2, &why),
      KAM_EOVERFLOW);
  assert_int_equal(kam__decimal_read_minor(&v, "9223372036854775807", 19, KAM__DEC_POINT, 0, &why),
                   KAM_OK);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(kam__decimal_read_minor(&v, "922337203685477581", 18, KAM__DEC_POINT, 1, &why),
                   KAM_EOVERFLOW);
  assert_int_equal(kam__decimal_read_minor(&v, "1.234", 5, KAM__DEC_POINT, 2, &why), KAM_EPARSE);
  assert_string_equal(why, "has more decimals than the currency allows");
  assert_int_equal(v, INT64_MAX); /* untouched */
  assert_int_equal(
      kam__decimal_read_minor(&v, "1.2300000000000000000000000", 27, KAM__DEC_POINT, 2, &why),
      KAM_OK);
  assert_int_equal(v, 123);
  assert_int_equal(kam__decimal_read_minor(&v, "0.5", 3, KAM__DEC_POINT, 19, &why), KAM_EPARSE);

  /* kam__decimal -> minor units */
  {
    kam__decimal d = {INT64_MAX, 2};
    assert_int_equal(kam__decimal_to_minor_exact(&v, d, 2), KAM_OK);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(kam__decimal_to_minor_exact(&v, d, 3), KAM_EOVERFLOW);
    d.coef = -INT64_MAX;
    assert_int_equal(kam__decimal_to_minor_exact(&v, d, 2), KAM_OK);
    assert_int_equal(v, -INT64_MAX);
    d.coef = 1005;
    d.scale = 3;
    assert_int_equal(kam__decimal_to_minor_exact(&v, d, 2), KAM_EPARSE);
    d.coef = 1230;
    assert_int_equal(kam__decimal_to_minor_exact(&v, d, 2), KAM_OK);
    assert_int_equal(v, 123);
  }
}

static void test_rounding(void **state) {
  int64_t v = 0;
  (void)state;
  /* half away from zero, on both sides */
  assert_int_equal(kam__round_div(&v, 25, 10), KAM_OK);
  assert_int_equal(v, 3);
  assert_int_equal(kam__round_div(&v, -25, 10), KAM_OK);
  assert_int_equal(v, -3);
  assert_int_equal(kam__round_div(&v, 24, 10), KAM_OK);
  assert_int_equal(v, 2);
  assert_int_equal(kam__round_div(&v, -24, 10), KAM_OK);
  assert_int_equal(v, -2);
  assert_int_equal(kam__round_div(&v, 15, 10), KAM_OK);
  assert_int_equal(v, 2); /* not to even */
  /* at the int64 bounds */
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MAX * 10 + 4, 10), KAM_OK);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MAX * 10 + 5, 10), KAM_EOVERFLOW);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MIN * 10 - 4, 10), KAM_OK);
  assert_int_equal(v, INT64_MIN);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MIN * 10 - 5, 10), KAM_EOVERFLOW);
  assert_int_equal(kam__round_div(&v, 1, 0), KAM_EINVAL);
  assert_int_equal(kam__round_div(&v, 1, -1), KAM_EINVAL);
}

static void test_compare_places(void **state) {
  kam__decimal a = {250, 2}, b = {25, 1}, c = {-5, 1}, z = {0, 7};
  (void)state;
  assert_int_equal(kam__decimal_cmp(a, b), 0);
  assert_int_equal(kam__decimal_cmp(c, z), -1);
  assert_int_equal(kam__decimal_cmp(b, c), 1);
  assert_int_equal(kam__decimal_places(a), 1);
  assert_int_equal(kam__decimal_places(z), 0);
  a.coef = 2000;
  a.scale = 3;
  assert_int_equal(kam__decimal_places(a), 0);
}

static void test_canonical_text(void **state) {
  static const char *const cases[][2] = {
      {"2.5", "2.5"},
      {"2,50", "2.5"},
      {"-0", "0"},
      {"1e3", "1000"},
      {"1.5E-2", "0.015"},
      {"+12.000", "12"},
      {"-3.10", "-3.1"},
      {"0.000", "0"},
      {"0e9999999", "0"},
      {"123456789012345678901234", "123456789012345678901234"},
      {"0.00000000000000000001", "0.00000000000000000001"},
  };
  static const char *const bad[] = {"",   "1 000", "1e30", "1e-30",    ".5",
                                    "5.", "abc",   "1e",   "1e9999999"};
  char out[KAM__DEC_CAP], buf[KAM__DECIMAL_TEXT_CAP];
  const char *why;
  size_t i;
  kam__decimal d;
  (void)state;
  for (i = 0; i < N(cases); i++) {
    assert_int_equal(kam__decimal_canon(out, cases[i][0], strlen(cases[i][0]), &why), KAM_OK);
    assert_string_equal(out, cases[i][1]);
  }
  for (i = 0; i < N(bad); i++)
    assert_int_equal(kam__decimal_canon(out, bad[i], strlen(bad[i]), &why), KAM_EPARSE);
  assert_int_equal(kam__decimal_canon(out, "1e25", 4, &why), KAM_EPARSE);
  assert_string_equal(why, "is too large");
  assert_int_equal(kam__decimal_canon(out, "1e-21", 5, &why), KAM_EPARSE);
  assert_string_equal(why, "has too many decimals");
  /* kam__decimal_format is the same canonical form and reads back */
  for (i = 0; i < N(cases) - 2; i++) {
    assert_int_equal(
        kam__decimal_read(&d, cases[i][0], strlen(cases[i][0]), KAM__DEC_DOCUMENT, NULL), KAM_OK);
    assert_int_equal(kam__decimal_format(buf, d), strlen(cases[i][1]));
    assert_string_equal(buf, cases[i][1]);
  }
}

static void test_printer(void **state) {
  static const kam__numfmt ru = {',', NBSP, 4, false, false};
  static const kam__numfmt en_money = {'.', ",", 3, true, true};
  static const kam__numfmt comma_plain = {',', NULL, 0, true, false};
  char b[64];
  kam__decimal d;
  (void)state;
  /* plain money text (more cases in test_totals.c): every minor digit, '.' */
  assert_int_equal(kam__money_plain(b, 0, 3), 5);
  assert_string_equal(b, "0.000");
  /* the mark, grouping above a length, the sign left to the caller */
  d.coef = -5;
  d.scale = 2;
  kam__decimal_write(b, sizeof b, d, &comma_plain);
  assert_string_equal(b, "-0,05");
  d.coef = -123456789;
  kam__decimal_write(b, sizeof b, d, &en_money);
  assert_string_equal(b, "1,234,567.89");
  d.coef = 123450;
  kam__decimal_write(b, sizeof b, d, &ru);
  assert_string_equal(b, "1234,5"); /* four digits stay together, zeros dropped */
  d.coef = -1234500;
  kam__decimal_write(b, sizeof b, d, &ru);
  assert_string_equal(b, "-12" NBSP "345");
  d.coef = INT64_MIN;
  d.scale = 0;
  kam__decimal_write(b, sizeof b, d, &en_money);
  assert_string_equal(b, "9,223,372,036,854,775,808");
  /* cut short at cap, always terminated */
  d.coef = 123456;
  d.scale = 2;
  assert_int_equal(kam__decimal_write(b, 4, d, &comma_plain), 3);
  assert_string_equal(b, "123");
  assert_int_equal(kam__decimal_write(b, 0, d, &comma_plain), 0);
  /* laying out canonical text (wider than int64) */
  kam__decimal_localise(b, sizeof b, "-123456789012345678901.5", &ru);
  assert_string_equal(b,
                      "-123" NBSP "456" NBSP "789" NBSP "012" NBSP "345" NBSP "678" NBSP "901,5");
  kam__decimal_localise(b, sizeof b, "0.05", &ru);
  assert_string_equal(b, "0,05");
  kam__decimal_localise(b, sizeof b, "n/a", &ru);
  assert_string_equal(b, "n/a");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_grammar_flags),  cmocka_unit_test(test_digit_groups),
      cmocka_unit_test(test_int64_bounds),   cmocka_unit_test(test_rounding),
      cmocka_unit_test(test_compare_places), cmocka_unit_test(test_canonical_text),
      cmocka_unit_test(test_printer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

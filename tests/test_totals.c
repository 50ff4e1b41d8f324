/* test_totals.c - exact decimals, half-away-from-zero rounding and the proposal totals of
 * DESIGN.md section 9, against hand-computed cases for every rounding mode: line and total
 * VAT rounding, prices with and without VAT, discounts, fractional quantities, several VAT
 * rates, optional lines, x.5-kopeck boundaries, credit lines and overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/money_internal.h"
#include "testutil.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static kam__decimal dec(const char *s) {
  kam__decimal d = {0, 0};
  int rc = kam__decimal_parse(&d, s, strlen(s));
  if (rc != KAM_OK) fail_msg("kam__decimal_parse(\"%s\") = %d", s, rc);
  return d;
}

/* A line from text, as the proposal module will build it from JSON. */
static kam__line_in line(const char *qty, int64_t unit_price, const char *disc, const char *vat,
                         bool optional) {
  kam__line_in l;
  l.quantity = dec(qty);
  l.unit_price = unit_price;
  l.discount_percent = dec(disc);
  l.vat_percent = dec(vat);
  l.optional = optional;
  l.name = NULL;
  return l;
}

static void expect_line(const kam__line_out *lo, int64_t gross, int64_t discount, int64_t net,
                        int64_t vat, int64_t total) {
  assert_int_equal(lo->gross, gross);
  assert_int_equal(lo->discount, discount);
  assert_int_equal(lo->net, net);
  assert_int_equal(lo->vat, vat);
  assert_int_equal(lo->total, total);
}

static void expect_totals(const kam_totals *t, int64_t gross, int64_t discount, int64_t net,
                          int64_t vat, int64_t total, int64_t optional_total) {
  assert_int_equal(t->struct_size, sizeof(kam_totals));
  assert_int_equal(t->gross, gross);
  assert_int_equal(t->discount, discount);
  assert_int_equal(t->net, net);
  assert_int_equal(t->vat, vat);
  assert_int_equal(t->total, total);
  assert_int_equal(t->optional_total, optional_total);
}

/* ---- decimals ------------------------------------------------------------------------ */

static void parse_ok(const char *s, int64_t coef, int scale) {
  kam__decimal d = {-7, -7};
  int rc = kam__decimal_parse(&d, s, strlen(s));
  if (rc != KAM_OK || d.coef != coef || d.scale != scale)
    fail_msg("\"%s\": rc %d, {%lld, %d}, want {%lld, %d}", s, rc, (long long)d.coef, d.scale,
             (long long)coef, scale);
}

static void parse_fails(const char *s, int want) {
  kam__decimal d = {-7, -7};
  int rc = kam__decimal_parse(&d, s, strlen(s));
  if (rc != want) fail_msg("\"%s\": rc %d, want %d", s, rc, want);
  assert_int_equal(d.coef, -7); /* untouched */
  assert_int_equal(d.scale, -7);
}

static void test_decimal_parse(void **state) {
  (void)state;
  parse_ok("2.5", 25, 1);
  parse_ok("-3", -3, 0);
  parse_ok("+7", 7, 0);
  parse_ok("0.125", 125, 3);
  parse_ok("2.50", 250, 2);
  parse_ok("007", 7, 0);
  parse_ok("0", 0, 0);
  parse_ok("-0", 0, 0);
  parse_ok("0.00", 0, 2);
  parse_ok("1e2", 100, 0);
  parse_ok("1E+2", 100, 0);
  parse_ok("2.5E-1", 25, 2);
  parse_ok("12.5e1", 125, 0);
  parse_ok("0.333", 333, 3);
  parse_ok("9223372036854775807", INT64_MAX, 0);
  parse_ok("-9223372036854775807", -INT64_MAX, 0);
  parse_ok("0.000000000000000001", 1, 18);
  /* Trailing zeros beyond 18 decimals are dropped, not an error. */
  parse_ok("1.00000000000000000000000", 1000000000000000000, 18);
  parse_ok("0e-99999", 0, 18);
  parse_ok("0e99999", 0, 0);
  parse_fails("", KAM_EPARSE);
  parse_fails("-", KAM_EPARSE);
  parse_fails(".5", KAM_EPARSE);
  parse_fails("5.", KAM_EPARSE);
  parse_fails("1,5", KAM_EPARSE);
  parse_fails(" 1", KAM_EPARSE);
  parse_fails("1 ", KAM_EPARSE);
  parse_fails("1e", KAM_EPARSE);
  parse_fails("1e+", KAM_EPARSE);
  parse_fails("0x10", KAM_EPARSE);
  parse_fails("1 000", KAM_EPARSE);
  parse_fails("--1", KAM_EPARSE);
  parse_fails("NaN", KAM_EPARSE);
  parse_fails("0.0000000000000000001", KAM_EPARSE); /* 19 significant decimals */
  parse_fails("1e-19", KAM_EPARSE);
  parse_fails("9223372036854775808", KAM_EOVERFLOW);
  parse_fails("-9223372036854775808", KAM_EOVERFLOW);
  parse_fails("1e19", KAM_EOVERFLOW);
  parse_fails("1e99999999999", KAM_EOVERFLOW);
  parse_fails("99999999999999999999999", KAM_EOVERFLOW);
  {
    kam__decimal d;
    assert_int_equal(kam__decimal_parse(&d,
                                        "1\0"
                                        "5",
                                        3),
                     KAM_EPARSE);                                  /* embedded NUL */
    assert_int_equal(kam__decimal_parse(&d, "2.5xyz", 3), KAM_OK); /* len bounds the text */
    assert_int_equal(d.coef, 25);
    assert_int_equal(kam__decimal_parse(NULL, "1", 1), KAM_EPARSE);
    assert_int_equal(kam__decimal_parse(&d, NULL, 0), KAM_EPARSE);
  }
}

static void test_decimal_cmp_format(void **state) {
  char buf[KAM__DECIMAL_TEXT_CAP];
  const char *const round_trip[] = {"2.5",
                                    "20",
                                    "-0.125",
                                    "0",
                                    "9223372036854775807",
                                    "-9223372036854775807",
                                    "0.000000000000000001",
                                    "92233720.36854775807"};
  size_t i;
  (void)state;
  assert_int_equal(kam__decimal_cmp(dec("2.50"), dec("2.5")), 0);
  assert_int_equal(kam__decimal_cmp(dec("20"), dec("20.000")), 0);
  assert_int_equal(kam__decimal_cmp(dec("10"), dec("20")), -1);
  assert_int_equal(kam__decimal_cmp(dec("-0.5"), dec("0")), -1);
  assert_int_equal(kam__decimal_cmp(dec("9223372036854775807"), dec("0.000000000000000001")), 1);
  assert_int_equal(kam__decimal_format(buf, dec("2.50")), 3);
  assert_string_equal(buf, "2.5");
  kam__decimal_format(buf, dec("20.000"));
  assert_string_equal(buf, "20");
  kam__decimal_format(buf, dec("1e2"));
  assert_string_equal(buf, "100");
  kam__decimal_format(buf, dec("-0.050"));
  assert_string_equal(buf, "-0.05");
  for (i = 0; i < N(round_trip); i++) {
    kam__decimal_format(buf, dec(round_trip[i]));
    assert_string_equal(buf, round_trip[i]);
  }
  assert_int_equal(kam__money_plain(buf, 123456, 2), 7);
  assert_string_equal(buf, "1234.56");
  kam__money_plain(buf, -5, 2);
  assert_string_equal(buf, "-0.05");
  kam__money_plain(buf, 7, 0);
  assert_string_equal(buf, "7");
  kam__money_plain(buf, 1, 3);
  assert_string_equal(buf, "0.001");
  kam__money_plain(buf, 0, 2);
  assert_string_equal(buf, "0.00");
  kam__money_plain(buf, INT64_MIN, 2);
  assert_string_equal(buf, "-92233720368547758.08");
  kam__money_plain(buf, INT64_MAX, 18);
  assert_string_equal(buf, "9.223372036854775807");
}

static void test_decimal_to_minor(void **state) {
  int64_t v = 42;
  (void)state;
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1234.56"), 2), KAM_OK);
  assert_int_equal(v, 123456);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1.5"), 2), KAM_OK);
  assert_int_equal(v, 150);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1.230"), 2), KAM_OK);
  assert_int_equal(v, 123);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("-7"), 0), KAM_OK);
  assert_int_equal(v, -7);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1.5e3"), 2), KAM_OK);
  assert_int_equal(v, 150000);
  v = 42;
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1.005"), 2), KAM_EPARSE);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("0.5"), 0), KAM_EPARSE);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("92233720368547758.1"), 2), KAM_EOVERFLOW);
  assert_int_equal(v, 42);
  assert_int_equal(kam__decimal_to_minor_exact(&v, dec("92233720368547758.07"), 2), KAM_OK);
  assert_int_equal(v, INT64_MAX);
  {
    kam__decimal bad = {1, 19};
    assert_int_equal(kam__decimal_to_minor_exact(&v, bad, 2), KAM_EPARSE);
    assert_int_equal(kam__decimal_to_minor_exact(&v, dec("1"), 19), KAM_EPARSE);
  }
}

static void test_round_div(void **state) {
  int64_t v = 42;
  (void)state;
  assert_int_equal(kam__round_div(&v, 25, 10), KAM_OK);
  assert_int_equal(v, 3); /* 2.5 -> 3: half away from zero, not to even */
  assert_int_equal(kam__round_div(&v, -25, 10), KAM_OK);
  assert_int_equal(v, -3);
  assert_int_equal(kam__round_div(&v, 35, 10), KAM_OK);
  assert_int_equal(v, 4);
  assert_int_equal(kam__round_div(&v, 249, 100), KAM_OK);
  assert_int_equal(v, 2);
  assert_int_equal(kam__round_div(&v, -249, 100), KAM_OK);
  assert_int_equal(v, -2);
  assert_int_equal(kam__round_div(&v, 1, 2), KAM_OK);
  assert_int_equal(v, 1);
  assert_int_equal(kam__round_div(&v, -1, 2), KAM_OK);
  assert_int_equal(v, -1);
  assert_int_equal(kam__round_div(&v, 1, 3), KAM_OK);
  assert_int_equal(v, 0);
  assert_int_equal(kam__round_div(&v, 0, 7), KAM_OK);
  assert_int_equal(v, 0);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MAX * 1000, 1000), KAM_OK);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MIN * 10, 10), KAM_OK);
  assert_true(v == INT64_MIN);
  v = 42;
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MAX * 10 + 5, 10), KAM_EOVERFLOW);
  assert_int_equal(kam__round_div(&v, (kam__i128)INT64_MIN * 10 - 5, 10), KAM_EOVERFLOW);
  assert_int_equal(kam__round_div(&v, 1, 0), KAM_EINVAL);
  assert_int_equal(kam__round_div(&v, 1, -1), KAM_EINVAL);
  assert_int_equal(v, 42);
}

/* ---- totals -------------------------------------------------------------------------- */

/* Four lines, three VAT rates; the figures are worked out by hand in the comments. */
static kam__line_in mixed[4];
static void make_mixed(void) {
  /* 2.5 x 1000.00, -5 %, 20 %: gross 2500.00, discount 125.00, net 2375.00, VAT 475.00 */
  mixed[0] = line("2.5", 100000, "5", "20", false);
  /* 0.333 x 100.01 = 33.30333 -> 33.30; VAT 10 % 3.33 */
  mixed[1] = line("0.333", 10001, "0", "10", false);
  /* 3 x 0.15 = 0.45; 10 % off = 0.045 -> 0.05 (half away); net 0.40; VAT 0 % */
  mixed[2] = line("3", 15, "10", "0", false);
  /* 1 x 33.33; VAT 20 % = 6.666 -> 6.67 */
  mixed[3] = line("1", 3333, "0", "20.0", false);
}

static void test_line_rounding_vat_on_top(void **state) {
  kam__line_out lo[4];
  kam__vat_group g[3];
  size_t ng = 99;
  kam_totals t;
  (void)state;
  make_mixed();
  assert_int_equal(
      kam__totals_compute(&t, lo, g, N(g), &ng, mixed, 4, KAM__ROUND_LINE, false, NULL), KAM_OK);
  expect_line(&lo[0], 250000, 12500, 237500, 47500, 285000);
  expect_line(&lo[1], 3330, 0, 3330, 333, 3663);
  expect_line(&lo[2], 45, 5, 40, 0, 40);
  expect_line(&lo[3], 3333, 0, 3333, 667, 4000);
  expect_totals(&t, 256708, 12505, 244203, 48500, 292703, 0);
  /* Groups in ascending rate order; "20" and "20.0" are one rate. */
  assert_int_equal(ng, 3);
  assert_int_equal(kam__decimal_cmp(g[0].rate, dec("0")), 0);
  assert_int_equal(g[0].lines, 1);
  assert_int_equal(g[0].net, 40);
  assert_int_equal(g[0].vat, 0);
  assert_int_equal(kam__decimal_cmp(g[1].rate, dec("10")), 0);
  assert_int_equal(g[1].net, 3330);
  assert_int_equal(g[1].vat, 333);
  assert_int_equal(g[1].total, 3663);
  assert_int_equal(kam__decimal_cmp(g[2].rate, dec("20")), 0);
  assert_int_equal(g[2].rate.scale, 0); /* as written on the first 20 % line */
  assert_int_equal(g[2].lines, 2);
  assert_int_equal(g[2].net, 240833);
  assert_int_equal(g[2].vat, 48167); /* 47500 + 667 */
  assert_int_equal(g[2].total, 289000);
}

static void test_total_rounding_differs(void **state) {
  /* Three lines of 33.33 at 20 %: per line 6.666 -> 6.67, three times 20.01; per total
   * 99.99 * 20 % = 19.998 -> 20.00. The lines then carry 6.67, 6.66, 6.67 (cumulative
   * 6.666 -> 6.67, 13.332 -> 13.33, 19.998 -> 20.00), adding up to the total. */
  kam__line_in in[3];
  kam__line_out lo[3];
  kam_totals t;
  size_t i;
  (void)state;
  for (i = 0; i < 3; i++)
    in[i] = line("1", 3333, "0", "20", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  expect_totals(&t, 9999, 0, 9999, 2001, 12000, 0);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 3, KAM__ROUND_TOTAL, false, NULL),
                   KAM_OK);
  expect_totals(&t, 9999, 0, 9999, 2000, 11999, 0);
  expect_line(&lo[0], 3333, 0, 3333, 667, 4000);
  expect_line(&lo[1], 3333, 0, 3333, 666, 3999);
  expect_line(&lo[2], 3333, 0, 3333, 667, 4000);
  /* Without a lines array the totals are the same. */
  memset(&t, 0, sizeof t);
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_TOTAL, false, NULL), KAM_OK);
  expect_totals(&t, 9999, 0, 9999, 2000, 11999, 0);
}

static void test_total_rounding_mixed_rates(void **state) {
  /* Per rate: 20 %: (2375.00 + 33.33) * 20 % = 481.666 -> 481.67 (per line 475.00 + 6.67, the
   * same); 10 %: 3.33; 0 %: 0. */
  kam__line_out lo[4];
  kam__vat_group g[1];
  size_t ng = 0;
  kam_totals t;
  (void)state;
  make_mixed();
  assert_int_equal(
      kam__totals_compute(&t, lo, g, N(g), &ng, mixed, 4, KAM__ROUND_TOTAL, false, NULL), KAM_OK);
  expect_totals(&t, 256708, 12505, 244203, 48500, 292703, 0);
  assert_int_equal(ng, 3);        /* counted past the cap */
  assert_int_equal(g[0].net, 40); /* only the first (0 %) written */
  expect_line(&lo[0], 250000, 12500, 237500, 47500, 285000);
  expect_line(&lo[3], 3333, 0, 3333, 667, 4000);
  /* Counting only. */
  ng = 0;
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, &ng, mixed, 4, KAM__ROUND_TOTAL, false, NULL), KAM_OK);
  assert_int_equal(ng, 3);
}

static void test_prices_include_vat(void **state) {
  kam__line_in in[4];
  kam__line_out lo[4];
  kam_totals t;
  size_t i;
  (void)state;
  /* 120.00 with 20 % inside: VAT 120 * 20 / 120 = 20.00 exactly. */
  in[0] = line("1", 12000, "0", "20", false);
  /* 100.00 with 20 % inside: 16.666 -> 16.67. */
  in[1] = line("1", 10000, "0", "20", false);
  /* 55.55 with 10 % inside: 5.05 exactly. */
  in[2] = line("1", 5555, "0", "10", false);
  /* 2 x 60.00 = 120.00, 25 % off = 90.00, 20 % inside = 15.00. */
  in[3] = line("2", 6000, "25", "20", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 4, KAM__ROUND_LINE, true, NULL),
                   KAM_OK);
  expect_line(&lo[0], 12000, 0, 12000, 2000, 12000);
  expect_line(&lo[1], 10000, 0, 10000, 1667, 10000);
  expect_line(&lo[2], 5555, 0, 5555, 505, 5555);
  expect_line(&lo[3], 12000, 3000, 9000, 1500, 9000);
  expect_totals(&t, 39555, 3000, 36555, 5672, 36555, 0); /* total = net */
  /* Per total: 20 %: (120 + 100 + 90) / 6 = 51.666 -> 51.67 (per line 51.67 too); 10 %: 5.05 */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 4, KAM__ROUND_TOTAL, true, NULL),
                   KAM_OK);
  expect_totals(&t, 39555, 3000, 36555, 5672, 36555, 0);

  /* Three times 33.33 with 20 % inside: per line 5.555 -> 5.56 (16.68); per total
   * 99.99 / 6 = 16.665 -> 16.67: the half goes away from zero. */
  for (i = 0; i < 3; i++)
    in[i] = line("1", 3333, "0", "20", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, true, NULL),
                   KAM_OK);
  expect_totals(&t, 9999, 0, 9999, 1668, 9999, 0);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 3, KAM__ROUND_TOTAL, true, NULL),
                   KAM_OK);
  expect_totals(&t, 9999, 0, 9999, 1667, 9999, 0);
  /* cumulative 5.555 -> 5.56, 11.11 -> 11.11, 16.665 -> 16.67 */
  assert_int_equal(lo[0].vat, 556);
  assert_int_equal(lo[1].vat, 555);
  assert_int_equal(lo[2].vat, 556);
  assert_int_equal(lo[0].total, 3333);
}

static void test_half_kopeck_boundaries(void **state) {
  kam__line_in in[8];
  kam__line_out lo[8];
  kam_totals t;
  (void)state;
  in[0] = line("0.5", 1, "0", "0", false);  /* 0.005 -> 0.01 */
  in[1] = line("1.5", 1, "0", "0", false);  /* 0.015 -> 0.02 */
  in[2] = line("2.5", 1, "0", "0", false);  /* 0.025 -> 0.03 (not 0.02: no banker's rounding) */
  in[3] = line("0.49", 1, "0", "0", false); /* 0.0049 -> 0 */
  in[4] = line("1", 1, "50", "0", false);   /* discount 0.005 -> 0.01, net 0 */
  in[5] = line("1", 5, "0", "10", false);   /* VAT 0.005 -> 0.01 */
  in[6] = line("1", 15, "0", "10", false);  /* VAT 0.015 -> 0.02 */
  in[7] = line("0.3", 5, "0", "0", false);  /* 0.015 -> 0.02 */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 8, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  expect_line(&lo[0], 1, 0, 1, 0, 1);
  expect_line(&lo[1], 2, 0, 2, 0, 2);
  expect_line(&lo[2], 3, 0, 3, 0, 3);
  expect_line(&lo[3], 0, 0, 0, 0, 0);
  expect_line(&lo[4], 1, 1, 0, 0, 0);
  expect_line(&lo[5], 5, 0, 5, 1, 6);
  expect_line(&lo[6], 15, 0, 15, 2, 17);
  expect_line(&lo[7], 2, 0, 2, 0, 2);
  expect_totals(&t, 29, 1, 28, 3, 31, 0);
  /* Per total, 10 %: (0.05 + 0.15) * 10 % = 0.02 exactly. */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 8, KAM__ROUND_TOTAL, false, NULL),
                   KAM_OK);
  expect_totals(&t, 29, 1, 28, 2, 30, 0);
  assert_int_equal(lo[5].vat + lo[6].vat, 2);
}

static void test_credit_lines(void **state) {
  /* A credit line mirrors its debit line exactly: rounding is symmetric about zero. */
  kam__line_in in[4];
  kam__line_out lo[4];
  kam_totals t;
  (void)state;
  in[0] = line("2.5", 1, "0", "0", false);  /* 0.025 -> 0.03 */
  in[1] = line("-2.5", 1, "0", "0", false); /* -0.025 -> -0.03 */
  in[2] =
      line("1", 15, "10", "10", false); /* 0.15, disc 0.015 -> 0.02, net 0.13, VAT 0.013 -> 0.01 */
  in[3] = line("1", -15, "10", "10", false); /* the mirror */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 4, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  expect_line(&lo[0], 3, 0, 3, 0, 3);
  expect_line(&lo[1], -3, 0, -3, 0, -3);
  expect_line(&lo[2], 15, 2, 13, 1, 14);
  expect_line(&lo[3], -15, -2, -13, -1, -14);
  expect_totals(&t, 0, 0, 0, 0, 0, 0);
  /* A net credit: only the credit lines. */
  assert_int_equal(
      kam__totals_compute(&t, lo, NULL, 0, NULL, in + 1, 1, KAM__ROUND_TOTAL, false, NULL), KAM_OK);
  expect_totals(&t, -3, 0, -3, 0, -3, 0);
}

static void test_optional_lines(void **state) {
  kam__line_in in[4];
  kam__line_out lo[4];
  kam__vat_group g[4];
  size_t ng = 0;
  kam_totals t;
  (void)state;
  in[0] = line("1", 3333, "0", "20", false);
  in[1] = line("1", 100000, "0", "20", true); /* optional 1000.00 + 200.00 */
  in[2] = line("1", 3333, "0", "20", false);
  in[3] = line("1", 3333, "0", "20", true);
  /* Line rounding: non-optional 2 x (33.33 + 6.67); optional 1200.00 + 40.00. */
  assert_int_equal(kam__totals_compute(&t, lo, g, N(g), &ng, in, 4, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  expect_totals(&t, 6666, 0, 6666, 1334, 8000, 124000);
  expect_line(&lo[1], 100000, 0, 100000, 20000, 120000);
  expect_line(&lo[3], 3333, 0, 3333, 667, 4000);
  assert_int_equal(ng, 1);
  assert_int_equal(g[0].lines, 2);
  assert_int_equal(g[0].net, 6666);
  assert_int_equal(g[0].vat, 1334);
  /* Total rounding: non-optional 66.66 * 20 % = 13.332 -> 13.33. With the optional lines too:
   * 1099.99 * 20 % = 219.998 -> 220.00, so they add 1033.33 + 206.67 = 1240.00: exactly the
   * difference of the two totals, and exactly the sum of their line totals (1000.00 carries
   * 200.00, the last 33.33 carries 6.67: cumulative 213.332 -> 213.33, 219.998 -> 220.00). */
  assert_int_equal(kam__totals_compute(&t, lo, g, N(g), &ng, in, 4, KAM__ROUND_TOTAL, false, NULL),
                   KAM_OK);
  expect_totals(&t, 6666, 0, 6666, 1333, 7999, 124000);
  assert_int_equal(lo[0].vat + lo[2].vat, 1333);
  assert_int_equal(lo[1].total + lo[3].total, 124000);
  expect_line(&lo[1], 100000, 0, 100000, 20000, 120000);
  expect_line(&lo[3], 3333, 0, 3333, 667, 4000);
  assert_int_equal(g[0].vat, 1333);
  /* Only optional lines: zero totals, no group, optional_total priced on its own. */
  ng = 9;
  assert_int_equal(
      kam__totals_compute(&t, lo, g, N(g), &ng, in + 3, 1, KAM__ROUND_TOTAL, false, NULL), KAM_OK);
  expect_totals(&t, 0, 0, 0, 0, 0, 4000);
  assert_int_equal(ng, 0);
}

static void test_empty_and_zero(void **state) {
  kam_totals t;
  kam__line_in in[2];
  kam__line_out lo[2];
  size_t ng = 9;
  (void)state;
  memset(&t, 0x55, sizeof t);
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, &ng, NULL, 0, KAM__ROUND_TOTAL, true, NULL), KAM_OK);
  expect_totals(&t, 0, 0, 0, 0, 0, 0);
  assert_int_equal(t.reserved, 0);
  assert_int_equal(ng, 0);
  in[0] = line("0", 100000, "0", "20", false);
  in[1] = line("5", 0, "100", "20", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_TOTAL, false, NULL),
                   KAM_OK);
  expect_totals(&t, 0, 0, 0, 0, 0, 0);
  /* A 100 % discount leaves nothing; fractional percentages are exact. */
  in[0] = line("1", 100000, "100", "20", false);
  in[1] = line("1", 100000, "12.5", "18.5", false); /* 875.00 net, VAT 161.875 -> 161.88 */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  expect_line(&lo[0], 100000, 100000, 0, 0, 0);
  expect_line(&lo[1], 100000, 12500, 87500, 16188, 103688);
}

static void test_big_values_use_wide_intermediates(void **state) {
  /* 0.5 x INT64_MAX: the product 5 * INT64_MAX does not fit 64 bits, the result does. */
  kam__line_in in[1];
  kam__line_out lo[1];
  kam_totals t;
  (void)state;
  in[0] = line("0.5", INT64_MAX, "50", "0", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  assert_int_equal(lo[0].gross, INT64_MAX / 2 + 1); /* 4611686018427387903.5 -> ...904 */
  assert_int_equal(lo[0].discount, INT64_MAX / 4 + 1);
  /* Percentages with 18 decimals and a large net. */
  in[0] = line("1000000", 1000000000, "0.000000000000000001", "99.9999999999999999", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, NULL),
                   KAM_OK);
  assert_int_equal(lo[0].gross, 1000000000000000);
  assert_int_equal(lo[0].discount, 0);
  assert_int_equal(lo[0].vat, 1000000000000000); /* 10^15 - 0.001 -> 10^15 */
}

static void test_overflow(void **state) {
  kam__line_in in[2];
  kam__line_out lo[2];
  kam_totals t, before;
  size_t ng = 77;
  kam_ctx *ctx;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  memset(&t, 0x33, sizeof t);
  before = t;
  /* One line: 10 x INT64_MAX. */
  in[0] = line("10", INT64_MAX, "0", "0", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, &ng, in, 1, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[0]"));
  assert_memory_equal(&t, &before, sizeof t);
  assert_int_equal(ng, 77);
  /* Two lines that fit alone but not together. */
  in[0] = line("1", INT64_MAX / 2 + 1, "0", "0", false);
  in[1] = line("1", INT64_MAX / 2 + 1, "0", "0", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "sum"));
  assert_memory_equal(&t, &before, sizeof t);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_TOTAL, false, ctx),
                   KAM_EOVERFLOW);
  /* With the second optional, line rounding prices it on its own; total rounding needs the
   * running net of the rate with the optional lines (what they would add), which overflows. */
  in[1].optional = true;
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_LINE, false, ctx),
                   KAM_OK);
  assert_int_equal(t.total, INT64_MAX / 2 + 1);
  assert_int_equal(t.optional_total, INT64_MAX / 2 + 1);
  before = t;
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 2, KAM__ROUND_TOTAL, false, ctx),
                   KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[1]: the running net"));
  assert_memory_equal(&t, &before, sizeof t);
  /* net + VAT beyond int64. */
  in[0] = line("1", INT64_MAX - 10, "0", "20", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[0]"));
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_TOTAL, false, ctx),
                   KAM_EOVERFLOW);
  /* VAT alone beyond int64 (an absurd rate, but exact arithmetic must still say so). */
  in[0] = line("1", INT64_MAX / 2, "0", "1000", false);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_TOTAL, false, ctx),
                   KAM_EOVERFLOW);
  /* The message names the line by its name too; a long name is cut at a UTF-8 boundary
   * (25 two-byte letters: 48 bytes is 24 of them). */
  in[0].name = "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ";
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_string_equal(kam_ctx_errmsg(ctx),
                      "items[0] \"ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ...\": VAT does not fit int64");
  in[0].name = "Ж!ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ";
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_LINE, false, ctx),
                   KAM_EOVERFLOW);
  assert_string_equal(kam_ctx_errmsg(ctx),
                      "items[0] \"Ж!ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ...\": VAT does not fit int64");
  in[0].name = NULL;
  /* With VAT included the same line is fine: VAT is extracted, total = net. */
  assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, 1, KAM__ROUND_TOTAL, true, ctx),
                   KAM_OK);
  assert_int_equal(t.total, INT64_MAX / 2);
  kam_ctx_free(ctx);
}

static void test_invalid_lines(void **state) {
  kam__line_in in[3];
  kam_totals t, before;
  kam_ctx *ctx;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  memset(&t, 0x11, sizeof t);
  before = t;
  in[0] = line("1", 100, "0", "20", false);
  in[1] = line("1", 100, "0", "20", false);
  in[2] = line("1", 100, "100.01", "20", false);
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  assert_string_equal(kam_ctx_errmsg(ctx), "items[2]: discount_percent 100.01 is outside 0..100");
  in[2] = line("1", 100, "-1", "20", false);
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_TOTAL, false, ctx),
      KAM_EINVAL);
  assert_string_equal(kam_ctx_errmsg(ctx), "items[2]: discount_percent -1 is outside 0..100");
  in[2] = line("1", 100, "0", "-0.5", false);
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_TOTAL, false, ctx),
      KAM_EINVAL);
  assert_string_equal(kam_ctx_errmsg(ctx), "items[2]: vat_percent -0.5 is negative");
  /* Optional lines are checked too. */
  in[2].optional = true;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  in[2] = line("1", 100, "0", "20", false);
  in[1].quantity.scale = 19;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "items[1]: quantity"));
  in[1].quantity.scale = -1;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  in[1] = line("1", 100, "0", "20", false);
  in[1].vat_percent.scale = 40;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  in[1].vat_percent.scale = 0;
  in[1].discount_percent.scale = 40;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_EINVAL);
  in[1].discount_percent.scale = 0;
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, 2, false, ctx), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "rounding"));
  assert_int_equal(kam__totals_compute(NULL, NULL, NULL, 0, NULL, in, 3, 0, false, ctx),
                   KAM_EINVAL);
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, NULL, 3, 0, false, NULL),
                   KAM_EINVAL);
  assert_memory_equal(&t, &before, sizeof t);
  /* The valid lines now go through. */
  assert_int_equal(kam__totals_compute(&t, NULL, NULL, 0, NULL, in, 3, KAM__ROUND_LINE, false, ctx),
                   KAM_OK);
  expect_totals(&t, 300, 0, 300, 60, 360, 0);
  kam_ctx_free(ctx);
}

static void test_never_allocates(void **state) {
  /* Up to KAM__TOTALS_STACK_LINES lines the engine allocates nothing: a ctx whose allocator
   * fails everything still works and still gets its error message (test_many_rates fails the
   * one allocation of longer tables). */
  kam_test_alloc a;
  kam_ctx *ctx;
  kam_totals t;
  kam__line_out lo[4];
  size_t calls;
  (void)state;
  memset(&a, 0, sizeof a);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  calls = a.calls;
  a.fail_at = calls + 1;
  a.fail_all_after = 1;
  make_mixed();
  assert_int_equal(
      kam__totals_compute(&t, lo, NULL, 0, NULL, mixed, 4, KAM__ROUND_TOTAL, false, ctx), KAM_OK);
  mixed[1].discount_percent = dec("101");
  assert_int_equal(
      kam__totals_compute(&t, lo, NULL, 0, NULL, mixed, 4, KAM__ROUND_TOTAL, false, ctx),
      KAM_EINVAL);
  assert_int_equal(a.calls, calls);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

/* ceil(log2(n)) for the comparison bound of kam__vat_order. */
static size_t log2_ceil(size_t n) {
  size_t k = 0;
  while (((size_t)1 << k) < n)
    k++;
  return k;
}

/* Issue 18: pass 2 used to scan all lines once per distinct VAT rate (n x rates decimal
 * comparisons: 40,000 lines with their own rates took seconds). The rate order is now a
 * counting sort (few rates) or a heapsort: bound its comparisons on rate patterns chosen to
 * hurt (descending, organ pipe, shuffled, two rates, sorted), and check that the order is
 * (rate, index). */
static void test_vat_order_bounded(void **state) {
  enum { LINES = 20000 };
  kam__line_in *in = (kam__line_in *)calloc(LINES, sizeof *in);
  size_t *order = (size_t *)calloc(LINES, sizeof *order);
  uint64_t seed = 99;
  int pattern;
  (void)state;
  assert_non_null(in);
  assert_non_null(order);
  for (pattern = 0; pattern < 5; pattern++) {
    size_t i, comparisons = 0;
    for (i = 0; i < LINES; i++) {
      int64_t coef;
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      switch (pattern) {
      case 0: coef = (int64_t)(LINES - i); break;                     /* descending */
      case 1: coef = (int64_t)(i < LINES / 2 ? i : LINES - i); break; /* organ pipe */
      case 2: coef = (int64_t)(seed >> 40); break;                    /* shuffled */
      case 3: coef = i == LINES / 3 ? 5 : 20; break;                  /* all but one equal */
      default: coef = (int64_t)i; break;                              /* already sorted */
      }
      in[i] = line("1", 100, "0", "0", false);
      /* Equal values at different scales compare equal: 20 and 20.0 are one rate. */
      in[i].vat_percent.coef = coef * (i % 2 ? 10 : 1);
      in[i].vat_percent.scale = i % 2;
    }
    kam__vat_order(order, in, LINES, &comparisons);
    assert_true(comparisons <= 7 * (size_t)LINES + 2 * (size_t)LINES * log2_ceil(LINES));
    if (pattern == 3) assert_true(comparisons <= 4 * (size_t)LINES); /* two rates */
    for (i = 1; i < LINES; i++) {
      int c = kam__decimal_cmp(in[order[i - 1]].vat_percent, in[order[i]].vat_percent);
      assert_true(c < 0 || (c == 0 && order[i - 1] < order[i]));
    }
  }
  free(order);
  free(in);
}

/* Many distinct rates through the whole engine: every rate is its own group, in ascending
 * order, written as on its first line; the lines of a rate chain in line order (the optional
 * one after the others), and beyond KAM__TOTALS_STACK_LINES the order array is allocated
 * once and freed; if that allocation fails, KAM_ENOMEM and nothing is written. */
static void test_many_rates(void **state) {
  enum { RATES = 500, LINES = 2 * RATES };
  kam__line_in in[LINES];
  kam__line_out lo[LINES], one[2];
  kam__vat_group g[RATES];
  kam_totals t, before;
  kam_test_alloc a;
  kam_ctx *ctx;
  size_t i, ng = 0, calls;
  int mode;
  (void)state;
  memset(&a, 0, sizeof a);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  /* Rate r (r/100 %) on line r' = (r * 7) % RATES and again, optional, on line RATES + r':
   * the rates are scattered over the table. */
  for (i = 0; i < RATES; i++) {
    size_t at = (i * 7) % RATES;
    char rate[32];
    snprintf(rate, sizeof rate, "%zu.%02zu", i / 100, i % 100);
    in[at] = line("1.5", (int64_t)(1000 + i), "3", rate, false);
    in[RATES + at] = line("2", (int64_t)(777 + i), "0", rate, true);
  }
  for (mode = 0; mode < 2; mode++) {
    int64_t sum_total = 0, sum_opt = 0;
    calls = a.calls;
    assert_int_equal(kam__totals_compute(&t, lo, g, RATES, &ng, in, LINES, mode, false, ctx),
                     KAM_OK);
    assert_int_equal(a.calls, calls + 1);
    assert_int_equal(a.blocks, 1); /* only the ctx itself */
    assert_int_equal(ng, RATES);
    for (i = 0; i < RATES; i++) {
      size_t at = (i * 7) % RATES;
      kam_totals t1;
      assert_int_equal(g[i].lines, 1);
      assert_int_equal(kam__decimal_cmp(g[i].rate, in[at].vat_percent), 0);
      if (i) assert_true(kam__decimal_cmp(g[i - 1].rate, g[i].rate) < 0);
      /* The same rate alone gives the same two lines. */
      {
        kam__line_in pair[2];
        pair[0] = in[at];
        pair[1] = in[RATES + at];
        assert_int_equal(kam__totals_compute(&t1, one, NULL, 0, NULL, pair, 2, mode, false, ctx),
                         KAM_OK);
      }
      assert_memory_equal(&one[0], &lo[at], sizeof one[0]);
      assert_memory_equal(&one[1], &lo[RATES + at], sizeof one[1]);
      assert_int_equal(g[i].total, lo[at].total);
      sum_total += lo[at].total;
      sum_opt += lo[RATES + at].total;
    }
    assert_int_equal(sum_total, t.total);
    assert_int_equal(sum_opt, t.optional_total);
  }
  /* The order array's allocation fails: KAM_ENOMEM, totals untouched, nothing left over. */
  memset(&t, 0x5a, sizeof t);
  before = t;
  ng = 4242;
  a.fail_at = a.calls + 1;
  assert_int_equal(
      kam__totals_compute(&t, NULL, NULL, 0, &ng, in, LINES, KAM__ROUND_TOTAL, false, ctx),
      KAM_ENOMEM);
  assert_memory_equal(&t, &before, sizeof t);
  assert_int_equal(ng, 4242);
  assert_int_equal(a.blocks, 1);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

/* Property: in both modes and with VAT on top or included, the sum of the line totals of the
 * non-optional lines equals total, of the optional lines optional_total, the line VATs add up
 * to vat, and total rounding never moves a line's VAT more than one minor unit from its exact
 * value. Lines come from a fixed pseudo-random sequence (no global state: a local LCG). */
static void test_consistency_property(void **state) {
  static const char *const rates[] = {"0", "10", "20", "18", "12.5"};
  static const char *const qtys[] = {"1", "2.5", "0.333", "3", "0.5", "10", "1.25", "7"};
  static const char *const discs[] = {"0", "5", "10", "12.5", "33.333"};
  uint64_t seed = 12345;
  int round_;
  (void)state;
  for (round_ = 0; round_ < 200; round_++) {
    kam__line_in in[12];
    kam__line_out lo[12];
    kam_totals t;
    size_t i, n = 1 + (size_t)(round_ % 12);
    int mode, incl;
    for (i = 0; i < n; i++) {
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      in[i] = line(qtys[(seed >> 20) % N(qtys)], (int64_t)((seed >> 33) % 200000) - 20000,
                   discs[(seed >> 12) % N(discs)], rates[(seed >> 40) % N(rates)],
                   ((seed >> 50) % 4) == 0);
    }
    for (mode = 0; mode < 2; mode++) {
      for (incl = 0; incl < 2; incl++) {
        int64_t sum_total = 0, sum_opt = 0, sum_vat = 0, sum_net = 0;
        assert_int_equal(kam__totals_compute(&t, lo, NULL, 0, NULL, in, n, mode, incl != 0, NULL),
                         KAM_OK);
        for (i = 0; i < n; i++) {
          int64_t exact;
          kam__decimal v = in[i].vat_percent;
          kam__i128 den = (kam__i128)100 * (v.scale ? 10 : 1);
          if (incl) den += v.coef;
          assert_int_equal(kam__round_div(&exact, (kam__i128)lo[i].net * v.coef, den), KAM_OK);
          assert_true(lo[i].vat - exact <= 1 && exact - lo[i].vat <= 1);
          if (mode == KAM__ROUND_LINE) assert_int_equal(lo[i].vat, exact);
          assert_int_equal(lo[i].total, incl ? lo[i].net : lo[i].net + lo[i].vat);
          if (in[i].optional) {
            sum_opt += lo[i].total;
          } else {
            sum_total += lo[i].total;
            sum_vat += lo[i].vat;
            sum_net += lo[i].net;
          }
        }
        assert_int_equal(sum_total, t.total);
        assert_int_equal(sum_opt, t.optional_total);
        assert_int_equal(sum_vat, t.vat);
        assert_int_equal(sum_net, t.net);
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_decimal_parse),
      cmocka_unit_test(test_decimal_cmp_format),
      cmocka_unit_test(test_decimal_to_minor),
      cmocka_unit_test(test_round_div),
      cmocka_unit_test(test_line_rounding_vat_on_top),
      cmocka_unit_test(test_total_rounding_differs),
      cmocka_unit_test(test_total_rounding_mixed_rates),
      cmocka_unit_test(test_prices_include_vat),
      cmocka_unit_test(test_half_kopeck_boundaries),
      cmocka_unit_test(test_credit_lines),
      cmocka_unit_test(test_optional_lines),
      cmocka_unit_test(test_empty_and_zero),
      cmocka_unit_test(test_big_values_use_wide_intermediates),
      cmocka_unit_test(test_overflow),
      cmocka_unit_test(test_invalid_lines),
      cmocka_unit_test(test_never_allocates),
      cmocka_unit_test(test_vat_order_bounded),
      cmocka_unit_test(test_many_rates),
      cmocka_unit_test(test_consistency_property),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

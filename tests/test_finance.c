/* test_finance.c - NPV, XNPV, IRR, XIRR, MIRR, payback, CLV, ROI against published examples
 * (Microsoft's Excel function documentation, numpy-financial's docstrings and tests) and
 * hand-derived cases: both NPV conventions, multiple roots, no root, leap years. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/internal.h"
#include "kam.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near(double got, double want, double tol) {
  if (!(fabs(got - want) <= tol)) fail_msg("got %.15g, want %.15g (tolerance %g)", got, want, tol);
}

static kam_date ymd(int y, int m, int d) {
  kam_date out = 0;
  assert_int_equal(kam_date_from_ymd(&out, y, m, d), KAM_OK);
  return out;
}

static void test_npv_excel_examples(void **state) {
  /* Excel NPV docs, example 1: =NPV(10%, -10000, 3000, 4200, 6800) = $1,188.44 */
  const double v1[] = {-10000, 3000, 4200, 6800};
  /* Example 2: =NPV(8%, B3:B7) + B2 = $1,922.06 and =NPV(8%, B3:B7, -9000) + B2 = -$3,749.47 */
  const double v2[] = {8000, 9200, 10000, 12000, 14500};
  const double v3[] = {8000, 9200, 10000, 12000, 14500, -9000};
  double r;
  (void)state;
  assert_int_equal(kam_npv(&r, 0.10, v1, N(v1), KAM_NPV_EXCEL), KAM_OK);
  near(r, 1188.4434123352, 1e-9);
  assert_int_equal(kam_npv(&r, 0.08, v2, N(v2), KAM_NPV_EXCEL), KAM_OK);
  near(r - 40000, 1922.0615549, 1e-6);
  assert_int_equal(kam_npv(&r, 0.08, v3, N(v3), KAM_NPV_EXCEL), KAM_OK);
  near(r - 40000, -3749.4650870, 1e-6);
}

static void test_npv_t0_convention(void **state) {
  /* numpy-financial: npf.npv(0.05, [-15000, 1500, 2500, 3500, 4500, 6000]) = 122.894854950942... */
  const double v[] = {-15000, 1500, 2500, 3500, 4500, 6000};
  double t0, excel;
  (void)state;
  assert_int_equal(kam_npv(&t0, 0.05, v, N(v), KAM_NPV_T0), KAM_OK);
  near(t0, 122.894854950942692, 1e-9);
  assert_int_equal(kam_npv(&excel, 0.05, v, N(v), KAM_NPV_EXCEL), KAM_OK);
  near(excel * 1.05, t0, 1e-9); /* the conventions differ by exactly one period */
  /* Rate 0 sums; a single value. */
  assert_int_equal(kam_npv(&t0, 0.0, v, N(v), KAM_NPV_T0), KAM_OK);
  near(t0, 3000, 1e-12);
  assert_int_equal(kam_npv(&t0, 0.1, v, 1, KAM_NPV_EXCEL), KAM_OK);
  near(t0, -15000 / 1.1, 1e-9);
}

static void test_npv_errors(void **state) {
  const double v[] = {1, 2, INFINITY};
  double r = 42;
  (void)state;
  assert_int_equal(kam_npv(&r, 0.1, v, 0, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv(&r, 0.1, v, 3, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv(&r, -1.0, v, 2, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv(&r, NAN, v, 2, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv(&r, 0.1, v, 2, 7), KAM_EINVAL);
  assert_int_equal(kam_npv(NULL, 0.1, v, 2, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv(&r, 0.1, NULL, 2, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_true(r == 42); /* untouched on error */
}

static void test_npv_many_matches_npv(void **state) {
  enum { ROWS = 37, COLS = 1100 }; /* more columns than one factor block */
  double *values = malloc(sizeof(double) * ROWS * COLS), out[ROWS], one;
  size_t r, c;
  int conv;
  (void)state;
  assert_non_null(values);
  srand(7);
  for (r = 0; r < ROWS; r++)
    for (c = 0; c < COLS; c++)
      values[r * COLS + c] = (double)(rand() % 20001 - 10000) / 7.0;
  for (conv = KAM_NPV_EXCEL; conv <= KAM_NPV_T0; conv++) {
    for (c = 1; c <= COLS; c += 137) {
      /* Use the first c columns of each row through a row-major view of width COLS: build rows
       * of width c by calling with cols = c on a compact copy. */
      double *compact = malloc(sizeof(double) * ROWS * c);
      size_t k;
      assert_non_null(compact);
      for (r = 0; r < ROWS; r++)
        for (k = 0; k < c; k++)
          compact[r * c + k] = values[r * COLS + k];
      assert_int_equal(kam_npv_many(out, 0.013, compact, ROWS, c, conv), KAM_OK);
      for (r = 0; r < ROWS; r++) {
        assert_int_equal(kam_npv(&one, 0.013, compact + r * c, c, conv), KAM_OK);
        near(out[r], one, 1e-9 * (1 + fabs(one)) + 1e-6);
      }
      free(compact);
    }
  }
  assert_int_equal(kam_npv_many(out, 0.1, values, 0, COLS, KAM_NPV_EXCEL), KAM_OK);
  assert_int_equal(kam_npv_many(out, 0.1, values, ROWS, 0, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv_many(out, -2, values, ROWS, COLS, KAM_NPV_EXCEL), KAM_EINVAL);
  assert_int_equal(kam_npv_many(NULL, 0.1, values, ROWS, COLS, KAM_NPV_EXCEL), KAM_EINVAL);
  free(values);
}

static void test_xnpv_excel_example(void **state) {
  /* Excel XNPV docs: =XNPV(0.09, values, dates) = $2,086.65 */
  const double v[] = {-10000, 2750, 4250, 3250, 2750};
  kam_date d[5];
  double r;
  (void)state;
  d[0] = ymd(2008, 1, 1);
  d[1] = ymd(2008, 3, 1);
  d[2] = ymd(2008, 10, 30);
  d[3] = ymd(2009, 2, 15);
  d[4] = ymd(2009, 4, 1);
  assert_int_equal(kam_xnpv(&r, 0.09, v, d, 5), KAM_OK);
  near(r, 2086.6476020315, 1e-6);
  d[3] = ymd(2007, 12, 31); /* before dates[0] */
  assert_int_equal(kam_xnpv(&r, 0.09, v, d, 5), KAM_EINVAL);
}

static void test_xnpv_leap_year(void **state) {
  /* 2024 is a leap year: 2024-01-01 .. 2025-01-01 is 366 days, so the exponent is 366/365,
   * while 2025-01-01 .. 2026-01-01 is exactly one year. */
  const double v[] = {0, 1000};
  kam_date d[2];
  double r;
  (void)state;
  d[0] = ymd(2024, 1, 1);
  d[1] = ymd(2025, 1, 1);
  assert_int_equal(kam_xnpv(&r, 0.10, v, d, 2), KAM_OK);
  near(r, 1000 / pow(1.1, 366.0 / 365.0), 1e-9);
  assert_true(r < 1000 / 1.1);
  d[0] = ymd(2025, 1, 1);
  d[1] = ymd(2026, 1, 1);
  assert_int_equal(kam_xnpv(&r, 0.10, v, d, 2), KAM_OK);
  near(r, 1000 / 1.1, 1e-9);
  d[1] = ymd(2024, 2, 29) + 365; /* same day as the base: exponent 0 */
  d[0] = d[1];
  assert_int_equal(kam_xnpv(&r, 0.10, v, d, 2), KAM_OK);
  near(r, 1000, 1e-12);
}

static void test_irr_excel_examples(void **state) {
  /* Excel IRR docs: 5 years -> 8.66 %; 4 years -> -2.12 %; 2 years with guess -10 % -> -44.35 % */
  const double v[] = {-70000, 12000, 15000, 18000, 21000, 26000};
  double r;
  (void)state;
  assert_int_equal(kam_irr(&r, v, 6, NAN), KAM_OK);
  near(r, 0.0866309480365316, 1e-12);
  assert_int_equal(kam_irr(&r, v, 5, NAN), KAM_OK);
  near(r, -0.0212448482, 1e-9);
  assert_int_equal(kam_irr(&r, v, 3, -0.10), KAM_OK);
  near(r, -0.4435069413, 1e-9);
  /* The root is a root: NPV at it is ~0. */
  {
    double npv;
    assert_int_equal(kam_irr(&r, v, 6, 0.1), KAM_OK);
    assert_int_equal(kam_npv(&npv, r, v, 6, KAM_NPV_T0), KAM_OK);
    near(npv, 0, 1e-7);
  }
}

static void test_irr_numpy_financial_examples(void **state) {
  /* numpy-financial's irr docstring/tests */
  const double a[] = {-100, 39, 59, 55, 20};
  const double b[] = {-100, 0, 0, 74};
  const double c[] = {-100, 100, 0, -7};
  const double d[] = {-100, 100, 0, 7};
  const double e[] = {-150000, 15000, 25000, 35000, 45000, 60000};
  double r;
  (void)state;
  assert_int_equal(kam_irr(&r, a, N(a), NAN), KAM_OK);
  near(r, 0.28094842115996, 1e-10);
  assert_int_equal(kam_irr(&r, b, N(b), NAN), KAM_OK);
  near(r, cbrt(0.74) - 1, 1e-12); /* (1+r)^3 = 0.74 exactly */
  assert_int_equal(kam_irr(&r, c, N(c), NAN), KAM_OK);
  near(r, -0.0833, 1e-4);
  assert_int_equal(kam_irr(&r, d, N(d), NAN), KAM_OK);
  near(r, 0.0620, 1e-4);
  assert_int_equal(kam_irr(&r, e, N(e), NAN), KAM_OK);
  near(r, 0.0524, 1e-4);
}

static void test_irr_multiple_roots_nearest_guess(void **state) {
  /* -1 + 3z - 2z^2 = 0 with z = 1/(1+r): z = 1 (r = 0) and z = 1/2 (r = 1). */
  const double v[] = {-1, 3, -2};
  /* numpy-financial's example with two sign changes: roots near 0.0886 and 1.0... */
  const double w[] = {-5, 10.5, 1, -8, 1};
  double r;
  (void)state;
  assert_int_equal(kam_irr(&r, v, 3, 0.1), KAM_OK);
  near(r, 0.0, 1e-12);
  assert_int_equal(kam_irr(&r, v, 3, 0.9), KAM_OK);
  near(r, 1.0, 1e-12);
  assert_int_equal(kam_irr(&r, v, 3, 5.0), KAM_OK);
  near(r, 1.0, 1e-12);
  assert_int_equal(kam_irr(&r, w, N(w), 0.1), KAM_OK);
  near(r, 0.0886, 1e-4);
}

static void test_irr_extreme_roots(void **state) {
  /* Near -1: invest 100, get 1e-6 back: r = 1e-8 - 1. */
  const double near_minus_one[] = {-100, 1e-6};
  /* Very large: invest 1, get 5000 next period: r = 4999. */
  const double huge[] = {-1, 5000};
  /* Root in the hundreds over several periods: -1, 0, 40000 -> (1+r)^2 = 40000, r = 199. */
  const double hundreds[] = {-1, 0, 40000};
  /* Long series: 360 monthly payments. */
  double loan[361], r;
  size_t i;
  (void)state;
  assert_int_equal(kam_irr(&r, near_minus_one, 2, NAN), KAM_OK);
  near(r, 1e-8 - 1, 1e-15);
  assert_int_equal(kam_irr(&r, huge, 2, NAN), KAM_OK);
  near(r, 4999, 1e-9 * 4999);
  assert_int_equal(kam_irr(&r, hundreds, 3, NAN), KAM_OK);
  near(r, 199, 1e-9 * 199);
  loan[0] = -200000;
  for (i = 1; i <= 360; i++)
    loan[i] = 1073.64324602; /* 5 %/12 over 30 years */
  assert_int_equal(kam_irr(&r, loan, 361, NAN), KAM_OK);
  near(r, 0.05 / 12, 1e-10);
  /* The first value need not be negative: a loan seen from the borrower. */
  {
    const double borrower[] = {1000, -1100};
    assert_int_equal(kam_irr(&r, borrower, 2, NAN), KAM_OK);
    near(r, 0.1, 1e-12);
  }
}

static void test_irr_no_solution_and_errors(void **state) {
  const double all_pos[] = {1, 2, 3};
  const double all_neg[] = {-1, -2};
  const double zeros[] = {0, 0, 0};
  const double no_real_root[] = {1, -1, 1}; /* 1 - z + z^2 > 0 for every z */
  const double nonfinite[] = {-1, NAN, 2};
  double r = 42;
  (void)state;
  assert_int_equal(kam_irr(&r, all_pos, 3, NAN), KAM_ENOSOLUTION);
  assert_int_equal(kam_irr(&r, all_neg, 2, NAN), KAM_ENOSOLUTION);
  assert_int_equal(kam_irr(&r, zeros, 3, NAN), KAM_ENOSOLUTION);
  assert_int_equal(kam_irr(&r, no_real_root, 3, NAN), KAM_ENOSOLUTION);
  assert_int_equal(kam_irr(&r, nonfinite, 3, NAN), KAM_EINVAL);
  assert_int_equal(kam_irr(&r, all_pos, 0, NAN), KAM_EINVAL);
  assert_int_equal(kam_irr(&r, all_pos, 3, -1.0), KAM_EINVAL);
  assert_int_equal(kam_irr(&r, all_pos, 3, INFINITY), KAM_EINVAL);
  assert_int_equal(kam_irr(NULL, all_pos, 3, NAN), KAM_EINVAL);
  assert_true(r == 42);
}

static void test_xirr_excel_example(void **state) {
  /* Excel XIRR docs: 0.373362535 (37.34 %) */
  const double v[] = {-10000, 2750, 4250, 3250, 2750};
  const double shuffled_v[] = {3250, -10000, 2750, 2750, 4250};
  kam_date d[5], sd[5];
  double r, x;
  (void)state;
  d[0] = ymd(2008, 1, 1);
  d[1] = ymd(2008, 3, 1);
  d[2] = ymd(2008, 10, 30);
  d[3] = ymd(2009, 2, 15);
  d[4] = ymd(2009, 4, 1);
  assert_int_equal(kam_xirr(&r, v, d, 5, NAN), KAM_OK);
  near(r, 0.373362535, 1e-8); /* Excel shows the root to its own 1e-8 tolerance */
  assert_int_equal(kam_xnpv(&x, r, v, d, 5), KAM_OK);
  near(x, 0, 1e-7);
  /* Dates in any order give the same root. */
  sd[0] = d[3];
  sd[1] = d[0];
  sd[2] = d[1];
  sd[3] = d[4];
  sd[4] = d[2];
  assert_int_equal(kam_xirr(&x, shuffled_v, sd, 5, NAN), KAM_OK);
  near(x, r, 1e-12);
  {
    const double pos[] = {1, 2};
    assert_int_equal(kam_xirr(&x, pos, d, 2, NAN), KAM_ENOSOLUTION);
  }
  assert_int_equal(kam_xirr(&x, v, NULL, 5, NAN), KAM_EINVAL);
  {
    const double same_day[] = {-100, 100};
    kam_date one[2];
    one[0] = one[1] = d[0];
    assert_int_equal(kam_xirr(&x, same_day, one, 2, NAN), KAM_ENOSOLUTION);
  }
}

static void test_xirr_large_and_near_minus_one(void **state) {
  const double v[] = {-1000, 1000000};
  const double w[] = {-1000, 0.001};
  kam_date d[2];
  double r;
  (void)state;
  d[0] = ymd(2020, 1, 1);
  d[1] = ymd(2021, 1, 1); /* 366 days */
  assert_int_equal(kam_xirr(&r, v, d, 2, NAN), KAM_OK);
  near(r, pow(1000.0, 365.0 / 366.0) - 1, 1e-9 * 1000);
  assert_int_equal(kam_xirr(&r, w, d, 2, NAN), KAM_OK);
  near(r, pow(1e-6, 365.0 / 366.0) - 1, 1e-12);
}

static void test_mirr_excel_examples(void **state) {
  /* Excel MIRR docs: 12.61 %; after three years -4.80 %; five years at 14 % reinvestment 13.48 % */
  const double v[] = {-120000, 39000, 30000, 21000, 37000, 46000};
  const double pos[] = {1, 2, 3};
  double r;
  (void)state;
  assert_int_equal(kam_mirr(&r, v, 6, 0.10, 0.12), KAM_OK);
  near(r, 0.126094130365905, 1e-12);
  assert_int_equal(kam_mirr(&r, v, 4, 0.10, 0.12), KAM_OK);
  /* (39000*1.12^2 + 30000*1.12 + 21000) / 120000 = 0.86268, cube root - 1 = -4.80 % */
  near(r, cbrt(103521.6 / 120000.0) - 1, 1e-12);
  assert_int_equal(kam_mirr(&r, v, 6, 0.10, 0.14), KAM_OK);
  near(r, 0.134759111, 1e-8);
  assert_int_equal(kam_mirr(&r, pos, 3, 0.1, 0.1), KAM_ENOSOLUTION);
  assert_int_equal(kam_mirr(&r, v, 1, 0.1, 0.1), KAM_EINVAL);
  {
    /* Rates below -1, as Excel and PhpSpreadsheet compute them (negative growth factors). */
    const double odd[] = {-0.12, 0.13, 0.25}, short4[] = {-100, 12, 14, 11},
                 long6[] = {-100, 12, 14, 11, 13, 16};
    assert_int_equal(kam_mirr(&r, odd, 3, 1.23, -2.34), KAM_OK);
    near(r, -0.205225398829, 1e-11);
    assert_int_equal(kam_mirr(&r, short4, 4, 5.5, 5), KAM_OK);
    near(r, 0.74021752686287, 1e-11);
    assert_int_equal(kam_mirr(&r, long6, 6, 5.5, 5), KAM_OK);
    near(r, 1.8579321744785, 1e-11);
    /* A rate of exactly -1 divides by zero (#DIV/0!); a negative ratio with n > 2 has no real
     * root (#NUM!): an error, and r is left as it was. */
    r = 42;
    assert_int_equal(kam_mirr(&r, odd, 3, -1.0, 0.1), KAM_ENOSOLUTION);
    assert_int_equal(kam_mirr(&r, odd, 3, 0.1, -1.0), KAM_ENOSOLUTION);
    assert_int_equal(kam_mirr(&r, odd, 3, 0.1, -3.0), KAM_ENOSOLUTION);
    assert_true(r == 42.0);
    assert_int_equal(kam_mirr(&r, odd, 3, NAN, 0.1), KAM_EINVAL);
  }
}

static void test_payback(void **state) {
  const double v[] = {-100, 50, 50, 50};
  const double never[] = {-100, 10, 10, 10};
  const double starts_positive[] = {5, -100, 200};
  double r;
  (void)state;
  assert_int_equal(kam_payback(&r, v, 4, 0.0, 0), KAM_OK);
  near(r, 2.0, 1e-12);
  assert_int_equal(kam_payback(&r, v, 4, 0.10, 0), KAM_OK);
  /* cum after 2 periods: -100 + 50/1.1 + 50/1.21 = -13.2231...; third: 50/1.331 = 37.5657... */
  near(r, 2 + (100 - 50 / 1.1 - 50 / 1.21) / (50 / 1.331), 1e-12);
  assert_int_equal(kam_payback(&r, v, 4, 0.10, 1), KAM_OK);
  near(r, 3.0, 0);
  assert_int_equal(kam_payback(&r, never, 4, 0.0, 0), KAM_ENOSOLUTION);
  /* Discounting can make a simple payback never happen. */
  {
    const double edge[] = {-100, 50, 50};
    assert_int_equal(kam_payback(&r, edge, 3, 0.0, 0), KAM_OK);
    near(r, 2.0, 1e-12);
    assert_int_equal(kam_payback(&r, edge, 3, 0.05, 0), KAM_ENOSOLUTION);
  }
  assert_int_equal(kam_payback(&r, starts_positive, 3, 0.1, 0), KAM_OK);
  near(r, 0, 0);
  assert_int_equal(kam_payback(&r, v, 0, 0.1, 0), KAM_EINVAL);
  assert_int_equal(kam_payback(&r, v, 4, -1, 0), KAM_EINVAL);
}

static void test_clv(void **state) {
  double r;
  const double margins[] = {100, 100, 100};
  (void)state;
  assert_int_equal(kam_clv(&r, 100, 0.8, 0.1, 0, KAM_END_OF_PERIOD), KAM_OK);
  near(r, 100 * 0.8 / 0.3, 1e-12);
  assert_int_equal(kam_clv(&r, 100, 0.8, 0.1, 50, KAM_BEGIN_OF_PERIOD), KAM_OK);
  near(r, 100 * 1.1 / 0.3 - 50, 1e-12);
  /* begin = end + m: the first margin arrives now. */
  {
    double end, begin;
    kam_clv(&end, 250, 0.6, 0.12, 0, KAM_END_OF_PERIOD);
    kam_clv(&begin, 250, 0.6, 0.12, 0, KAM_BEGIN_OF_PERIOD);
    near(begin - end, 250, 1e-9);
  }
  assert_int_equal(kam_clv(&r, 100, 1.0, 0.1, 0, KAM_END_OF_PERIOD), KAM_OK);
  near(r, 1000, 1e-9);
  assert_int_equal(kam_clv(&r, 100, 1.1, 0.1, 0, KAM_END_OF_PERIOD), KAM_EINVAL);
  assert_int_equal(kam_clv(&r, 100, -0.1, 0.1, 0, KAM_END_OF_PERIOD), KAM_EINVAL);
  assert_int_equal(kam_clv(&r, 100, 1.0, 0.0, 0, KAM_END_OF_PERIOD), KAM_EINVAL); /* 1+d-r = 0 */
  assert_int_equal(kam_clv(&r, 100, 0.5, -1.0, 0, KAM_END_OF_PERIOD), KAM_EINVAL);
  assert_int_equal(kam_clv(&r, 100, 0.5, 0.1, 0, 2), KAM_EINVAL);
  assert_int_equal(kam_clv(&r, NAN, 0.5, 0.1, 0, KAM_END_OF_PERIOD), KAM_EINVAL);
  /* Finite horizon: sum m r^t / (1+d)^t. */
  assert_int_equal(kam_clv_finite(&r, margins, 3, 0.8, 0.1, 10), KAM_OK);
  near(r, 100 * (0.8 / 1.1 + pow(0.8 / 1.1, 2) + pow(0.8 / 1.1, 3)) - 10, 1e-9);
  assert_int_equal(kam_clv_finite(&r, NULL, 0, 0.8, 0.1, 10), KAM_OK);
  near(r, -10, 0);
  assert_int_equal(kam_clv_finite(&r, margins, 3, 1.5, 0.1, 0), KAM_EINVAL);
  /* The finite sum approaches the infinite end-of-period formula. */
  {
    double many[2000], inf;
    size_t i;
    for (i = 0; i < 2000; i++)
      many[i] = 100;
    kam_clv_finite(&r, many, 2000, 0.8, 0.1, 0);
    kam_clv(&inf, 100, 0.8, 0.1, 0, KAM_END_OF_PERIOD);
    near(r, inf, 1e-9);
  }
}

static void test_roi(void **state) {
  double r;
  (void)state;
  assert_int_equal(kam_roi(&r, 1500, 1000), KAM_OK);
  near(r, 0.5, 1e-15);
  assert_int_equal(kam_roi(&r, 500, 1000), KAM_OK);
  near(r, -0.5, 1e-15);
  assert_int_equal(kam_roi(&r, 500, 0), KAM_EINVAL);
  assert_int_equal(kam_roi(&r, INFINITY, 10), KAM_EINVAL);
}

/* Issue 18: finance.h promises *out only on KAM_OK; finite inputs whose result overflows a
 * double used to come back as inf (kam_mirr even wrote it and returned KAM_EINVAL). */
static void test_overflowing_results_leave_out_alone(void **state) {
  const double huge[] = {DBL_MAX, DBL_MAX};
  const double mirr_in[] = {-1e308, 1e308, 1e308};
  kam_date d[2];
  double r = 42.0;
  (void)state;
  d[0] = d[1] = ymd(2026, 1, 1);
  assert_int_equal(kam_npv(&r, 0.0, huge, 2, KAM_NPV_T0), KAM_EINVAL);
  assert_int_equal(kam_xnpv(&r, 0.0, huge, d, 2), KAM_EINVAL);
  assert_int_equal(kam_mirr(&r, mirr_in, 3, 0.1, 0.1), KAM_EINVAL);
  assert_int_equal(kam_clv(&r, DBL_MAX, 1.0, 10.0, 0.0, KAM_BEGIN_OF_PERIOD), KAM_EINVAL);
  assert_int_equal(kam_clv_finite(&r, huge, 2, 1.0, 0.0, 0.0), KAM_EINVAL);
  assert_int_equal(kam_roi(&r, DBL_MAX, 0.5), KAM_EINVAL);
  assert_true(r == 42.0);
  /* The same functions still answer when the result fits. */
  assert_int_equal(kam_roi(&r, 3.0, 2.0), KAM_OK);
  near(r, 0.5, 1e-15);
}

/* sum |values| and the NPV at r (t = 0 convention), to check a root without an oracle. */
static void npv_at(double r, const double *v, size_t n, double *npv, double *scale) {
  size_t i;
  *scale = 0;
  for (i = 0; i < n; i++)
    *scale += fabs(v[i]);
  assert_int_equal(kam_npv(npv, r, v, n, KAM_NPV_T0), KAM_OK);
}

/* Issue 18: IRR scanned ~2,190 points of the rate line for every input, each a pass over all
 * flows (10,000,000 flows: tens of seconds). One sign change now brackets the only root at
 * once; the bound of finance.h is checked by counting passes over the flows. */
static void test_irr_cost_bounded(void **state) {
  enum { LONG = 100000, MIXED = 3000 };
  double *v = (double *)calloc(LONG, sizeof *v), r = 0, npv, scale, guesses[] = {NAN, -0.5, 3.0};
  kam_date *d = (kam_date *)calloc(LONG, sizeof *d);
  size_t i, g, passes, changes = 0, brackets_max;
  (void)state;
  assert_non_null(v);
  assert_non_null(d);
  for (i = 0; i < LONG; i++) {
    v[i] = i == 0 ? -5000000.0 : 100.0 + (double)(i % 7);
    d[i] = (kam_date)(20000 + i / 3); /* ascending, three flows a day */
  }
  for (g = 0; g < N(guesses); g++) {
    passes = 0;
    assert_int_equal(kam__irr_counted(&r, v, LONG, guesses[g], &passes), KAM_OK);
    assert_true(passes <= 206);
    npv_at(r, v, LONG, &npv, &scale);
    assert_true(fabs(npv) <= 1e-9 * scale);
    passes = 0;
    assert_int_equal(kam__xirr_counted(&r, v, d, LONG, guesses[g], &passes), KAM_OK);
    assert_true(passes <= 207);
  }
  /* The same flows reversed in time (returns first, then a repayment): still one change. */
  for (i = 0; i < LONG / 2; i++) {
    double t = v[i];
    v[i] = v[LONG - 1 - i];
    v[LONG - 1 - i] = t;
  }
  passes = 0;
  assert_int_equal(kam__irr_counted(&r, v, LONG, NAN, &passes), KAM_OK);
  assert_true(passes <= 206);
  npv_at(r, v, LONG, &npv, &scale);
  assert_true(fabs(npv) <= 1e-9 * scale);
  /* Many sign changes: the general search, within 2,300 + 200 B passes. */
  for (i = 0; i < MIXED; i++) {
    v[i] = (i % 3 == 0 ? -1.0 : 1.0) * (1.0 + (double)(i % 5));
    if (i && (v[i] > 0) != (v[i - 1] > 0)) changes++;
  }
  brackets_max = changes < 2188 ? changes : 2188;
  passes = 0;
  assert_int_equal(kam__irr_counted(&r, v, MIXED, NAN, &passes), KAM_OK);
  assert_true(passes > 206); /* it did take the general path */
  assert_true(passes <= 2300 + 200 * brackets_max);
  assert_int_equal(kam_irr(&npv, v, MIXED, NAN), KAM_OK);
  assert_true(npv == r);
  free(d);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_npv_excel_examples),
      cmocka_unit_test(test_npv_t0_convention),
      cmocka_unit_test(test_npv_errors),
      cmocka_unit_test(test_npv_many_matches_npv),
      cmocka_unit_test(test_xnpv_excel_example),
      cmocka_unit_test(test_xnpv_leap_year),
      cmocka_unit_test(test_irr_excel_examples),
      cmocka_unit_test(test_irr_numpy_financial_examples),
      cmocka_unit_test(test_irr_multiple_roots_nearest_guess),
      cmocka_unit_test(test_irr_extreme_roots),
      cmocka_unit_test(test_irr_no_solution_and_errors),
      cmocka_unit_test(test_xirr_excel_example),
      cmocka_unit_test(test_xirr_large_and_near_minus_one),
      cmocka_unit_test(test_mirr_excel_examples),
      cmocka_unit_test(test_payback),
      cmocka_unit_test(test_clv),
      cmocka_unit_test(test_roi),
      cmocka_unit_test(test_overflowing_results_leave_out_alone),
      cmocka_unit_test(test_irr_cost_bounded),
  };
  return cmocka_run_group_tests_name("finance", tests, NULL, NULL);
}

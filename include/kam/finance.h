/*
 * kam/finance.h - discounted cash flow measures: NPV, XNPV, IRR, XIRR, MIRR, payback, CLV, ROI.
 *
 * Pure functions: no ctx, no allocation, no global state; safe from any thread.
 * Every function writes its result to *out only on KAM_OK and returns:
 *   KAM_EINVAL       a NULL pointer, n == 0, a non-finite input, rate <= -1, ..., or a result
 *                    that does not fit a double (finite inputs whose NPV overflows); *out is
 *                    then left as it was (kam_npv_many excepted, see there)
 *   KAM_ENOSOLUTION  the problem has no answer (see each function)
 *   KAM_ENOCONV      an iterative method did not converge (not expected in practice)
 * Rates are per period as fractions (0.1 = 10 %). Cash flows are doubles here (projections);
 * exact money lives elsewhere in libkam as int64 minor units.
 * Cost: O(n) time (a pass or two over the n values) and O(1) memory, kam_npv_many O(rows x
 * cols); kam_irr and kam_xirr make a bounded number of passes (see there).
 */
#ifndef KAM_FINANCE_H
#define KAM_FINANCE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where values[0] sits in time for kam_npv / kam_npv_many. */
enum {
  KAM_NPV_EXCEL = 0, /**< values[0] is discounted one period (Excel, LibreOffice, Gnumeric NPV) */
  KAM_NPV_T0 = 1     /**< values[0] is at t = 0, undiscounted (numpy-financial npv) */
};

/** Net present value.
 *  EXCEL: sum_{i=0}^{n-1} values[i] / (1+rate)^(i+1);  T0: sum values[i] / (1+rate)^i.
 *  Example (Excel docs): rate 0.1, {-10000, 3000, 4200, 6800}, EXCEL -> 1188.44.
 *  @return KAM_OK; KAM_EINVAL if out/values NULL, n == 0, rate <= -1, a non-finite input or an
 *  unknown convention. */
KAM_API int kam_npv(double *out, double rate, const double *values, size_t n, int convention);

/** NPV of many rows at once: values is rows x cols, row-major; out[r] is the NPV of row r with
 *  the given convention. Runs near memory bandwidth (one pass over values, no allocation).
 *  Non-finite values give a non-finite out[r] (they are not checked, for speed); rate is checked.
 *  @return KAM_OK; KAM_EINVAL (NULL pointers with rows > 0, cols == 0, rate <= -1 or not finite,
 *  unknown convention). rows == 0 is KAM_OK and writes nothing. */
KAM_API int kam_npv_many(double *out, double rate, const double *values, size_t rows, size_t cols,
                         int convention);

/** Excel XNPV: sum values[i] / (1+rate)^((dates[i] - dates[0]) / 365).
 *  @return KAM_OK; KAM_EINVAL if a date is before dates[0], rate <= -1, n == 0 or non-finite input.
 */
KAM_API int kam_xnpv(double *out, double rate, const double *values, const kam_date *dates,
                     size_t n);

/** Internal rate of return of periodic cash flows (values[0] at t = 0): the rate r > -1 with
 *  sum values[i] / (1+r)^i = 0.
 *  Needs at least one positive and one negative value, in any positions (else KAM_ENOSOLUTION).
 *  guess: where to look first; NaN means 0.1; must be > -1.
 *  Method: the roots are searched in x = ln(1+r) over r in (-1 + 1e-12, 1e7): Newton from the
 *  guess, plus a scan for sign changes refined by Brent's method, with the polynomial evaluated
 *  in a scaled form that cannot overflow. When several roots exist (non-conventional flows) the
 *  one nearest the guess (in r) is returned. KAM_ENOSOLUTION when no rate in that range makes
 *  the NPV zero (for example {1, -1, 1}). Accurate to about 1e-12 relative when well conditioned.
 *  Cost: O(n) time per pass over values, a bounded number of passes, no memory. When the
 *  values change sign once (an investment, then returns) the root is unique and bracketed at
 *  once: at most 206 passes. Otherwise at most 2,300 + 200 B passes, where B, the number of
 *  brackets the scan finds, is at most the number of sign changes in values and at most 2,188.
 */
KAM_API int kam_irr(double *out, const double *values, size_t n, double guess);

/** Excel XIRR: the rate r with sum values[i] / (1+r)^((dates[i] - d0) / 365) = 0. The dates may
 *  be in any order (the root does not depend on the base date d0). Same method, rules, errors
 *  and cost as kam_irr (one pass more; the bound of 206 passes needs the dates in ascending
 *  order as well as one sign change); all dates equal is KAM_ENOSOLUTION (the value does not
 *  depend on r). */
KAM_API int kam_xirr(double *out, const double *values, const kam_date *dates, size_t n,
                     double guess);

/** Excel MIRR: negative flows are discounted at finance_rate to t = 0, positive flows are
 *  compounded at reinvest_rate to t = n-1, and
 *    MIRR = (FV(positives) / -PV(negatives))^(1/(n-1)) - 1.
 *  Example (Excel docs): {-120000, 39000, 30000, 21000, 37000, 46000}, 0.10, 0.12 -> 0.126094.
 *  As in Excel, either rate may be below -1 (a negative growth factor):
 *  {-0.12, 0.13, 0.25}, 1.23, -2.34 -> -0.205225398829. O(n). *out is written only on KAM_OK.
 *  @return KAM_OK; KAM_ENOSOLUTION where Excel gives #DIV/0! (no positive or no negative
 *  value, or a rate of exactly -1) or #NUM! (the ratio is negative and n > 2, so it has no
 *  real root); KAM_EINVAL for n < 2, non-finite input or a result that overflows. */
KAM_API int kam_mirr(double *out, const double *values, size_t n, double finance_rate,
                     double reinvest_rate);

/** Discounted payback period, in periods: values[0] is at t = 0 (usually the negative
 *  investment), values[t] is discounted by (1+rate)^t (rate 0: simple payback). The result is
 *  the first time the cumulative discounted value reaches 0: with linear interpolation inside
 *  the period, t - 1 + (-cum[t-1]) / disc[t]; with whole_periods nonzero, the whole period t.
 *  A first value >= 0 pays back at 0.
 *  @return KAM_OK; KAM_ENOSOLUTION if the cumulative value never reaches 0; KAM_EINVAL for
 *  n == 0, rate <= -1 or non-finite input. */
KAM_API int kam_payback(double *out, const double *values, size_t n, double rate,
                        int whole_periods);

/** Margin timing for kam_clv. */
enum { KAM_END_OF_PERIOD = 0, KAM_BEGIN_OF_PERIOD = 1 };

/** Customer lifetime value with constant margin m per period, retention r and discount d,
 *  over an infinite horizon, minus the acquisition cost AC:
 *    END_OF_PERIOD:   m * r / (1 + d - r) - AC   (first margin after one period, if retained)
 *    BEGIN_OF_PERIOD: m * (1 + d) / (1 + d - r) - AC   (first margin now)
 *  @return KAM_OK; KAM_EINVAL unless 0 <= r <= 1, d > -1, 1 + d - r > 0, all inputs finite
 *  and timing is one of the two. */
KAM_API int kam_clv(double *out, double margin, double retention, double discount,
                    double acquisition_cost, int timing);

/** CLV over a finite horizon: sum_{t=1..n} margins[t-1] * r^t / (1+d)^t - AC.
 *  @return KAM_OK; KAM_EINVAL (margins NULL with n > 0, r outside 0..1, d <= -1, non-finite).
 *  n == 0 gives -AC. */
KAM_API int kam_clv_finite(double *out, const double *margins, size_t n, double retention,
                           double discount, double acquisition_cost);

/** Return on investment: (gain - cost) / cost.
 *  @return KAM_OK; KAM_EINVAL if cost is 0 or an input is not finite. */
KAM_API int kam_roi(double *out, double gain, double cost);

#ifdef __cplusplus
}
#endif
#endif /* KAM_FINANCE_H */

/* finance.c - NPV, XNPV, IRR, XIRR, MIRR, payback, CLV, ROI (Excel definitions where Excel has
 * one). Pure functions: no ctx, no allocation. */
#include <float.h>
#include <math.h>

#include "core/internal.h"

static bool all_finite(const double *v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (!isfinite(v[i])) return false;
  return true;
}

static bool rate_ok(double rate) { return isfinite(rate) && rate > -1.0; }

/* finance.h: *out only on KAM_OK, and a result that overflows a double is an error. */
static int put(double *out, double result) {
  if (!isfinite(result)) return KAM_EINVAL;
  *out = result;
  return KAM_OK;
}

int kam_npv(double *out, double rate, const double *values, size_t n, int convention) {
  double d, acc = 0.0;
  size_t i;
  if (!out || !values || n == 0 || !rate_ok(rate) || !all_finite(values, n) ||
      (convention != KAM_NPV_EXCEL && convention != KAM_NPV_T0))
    return KAM_EINVAL;
  /* Horner from the last value: acc = v[i] + acc / (1+rate). */
  d = 1.0 / (1.0 + rate);
  for (i = n; i-- > 0;)
    acc = values[i] + acc * d;
  if (convention == KAM_NPV_EXCEL) acc *= d;
  return put(out, acc);
}

/* Discount factors for columns [first, first + count): f[j] = (1+rate)^-(first + j + shift). */
static void fill_factors(double *f, size_t first, size_t count, double rate, int shift) {
  size_t j;
  double d = 1.0 / (1.0 + rate);
  /* pow at block start, then a short product chain: error stays within a few ulps. */
  for (j = 0; j < count; j++) {
    f[j] = j % 64 == 0 ? pow(1.0 + rate, -(double)(first + j + (size_t)shift)) : f[j - 1] * d;
  }
}

/* Dot product with four independent accumulators (ILP; the order is fixed, so results are
 * reproducible). */
static double dot(const double *restrict a, const double *restrict b, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    s0 += a[j] * b[j];
    s1 += a[j + 1] * b[j + 1];
    s2 += a[j + 2] * b[j + 2];
    s3 += a[j + 3] * b[j + 3];
  }
  for (; j < n; j++)
    s0 += a[j] * b[j];
  return (s0 + s2) + (s1 + s3);
}

int kam_npv_many(double *out, double rate, const double *values, size_t rows, size_t cols,
                 int convention) {
  enum { BLOCK = 512 };
  double factors[BLOCK];
  size_t first, r;
  int shift;
  if (cols == 0 || !rate_ok(rate) || (convention != KAM_NPV_EXCEL && convention != KAM_NPV_T0))
    return KAM_EINVAL;
  if (rows == 0) return KAM_OK;
  if (!out || !values || rows > SIZE_MAX / cols) return KAM_EINVAL;
  shift = convention == KAM_NPV_EXCEL ? 1 : 0;
  for (first = 0; first < cols; first += BLOCK) {
    size_t count = cols - first < BLOCK ? cols - first : BLOCK;
    fill_factors(factors, first, count, rate, shift);
    for (r = 0; r < rows; r++) {
      double s = dot(values + r * cols + first, factors, count);
      out[r] = first == 0 ? s : out[r] + s;
    }
  }
  return KAM_OK;
}

int kam_xnpv(double *out, double rate, const double *values, const kam_date *dates, size_t n) {
  double acc = 0.0;
  size_t i;
  if (!out || !values || !dates || n == 0 || !rate_ok(rate) || !all_finite(values, n))
    return KAM_EINVAL;
  for (i = 0; i < n; i++) {
    if (dates[i] < dates[0]) return KAM_EINVAL;
    acc += values[i] / pow(1.0 + rate, (double)(dates[i] - dates[0]) / 365.0);
  }
  return put(out, acc);
}

/* ---- Root finding for IRR and XIRR ----------------------------------------------------------
 * With x = ln(1+r), NPV(r) = sum v_i e^{-x t_i}, t_i >= 0. For x >= 0 every factor is <= 1; for
 * x < 0 we evaluate e^{x t_max} * NPV, whose factors e^{x (t_max - t_i)} are <= 1. Both forms
 * have the sign and the roots of NPV and cannot overflow, so the whole line x in [X_LO, X_HI]
 * can be scanned for sign changes and each bracket refined with Brent's method. Newton from the
 * guess adds roots of even multiplicity (no sign change). */

#define X_LO (-27.631021115928547) /* ln(1e-12): r = -1 + 1e-12 */
#define X_HI (16.11809565095832)   /* ln(1e7) */
#define SCAN_STEP 0.02
#define BRENT_MAX_ITER 200
#define NEWTON_MAX_ITER 100

typedef struct flows {
  const double *v;
  const kam_date *dates; /* NULL: t_i = i (periodic) */
  kam_date d0;           /* the earliest date */
  size_t n;
  double t_max;
  size_t *passes; /* NULL, or counts every pass over the n flows (the cost bound's unit) */
} flows;

static void count_pass(const flows *f) {
  if (f->passes) ++*f->passes;
}

/* 1 when the flows, in time order, change sign exactly once (zeros skipped): by Descartes'
 * rule of signs (Laguerre's for exponential sums) the NPV then has at most one root in r > -1,
 * and one Brent bracket finds it without the scan. Dated flows count only when their dates
 * never decrease (flows on one date may cancel, which only removes sign changes). */
static bool one_sign_change(const flows *f) {
  size_t i, changes = 0;
  int sign = 0;
  count_pass(f);
  for (i = 0; i < f->n; i++) {
    int s = f->v[i] > 0 ? 1 : f->v[i] < 0 ? -1 : 0;
    if (f->dates && i && f->dates[i] < f->dates[i - 1]) return false;
    if (!s) continue;
    if (sign && s != sign) changes++;
    sign = s;
  }
  return changes == 1;
}

static double flow_time(const flows *f, size_t i) {
  return f->dates ? (double)(f->dates[i] - f->d0) / 365.0 : (double)i;
}

/* Scaled NPV at x (same sign and roots as NPV). Periodic flows use Horner in z <= 1. */
static double scaled_npv(const flows *f, double x) {
  size_t i;
  double acc = 0.0;
  count_pass(f);
  if (!f->dates) {
    if (x >= 0) {
      double z = exp(-x);
      for (i = f->n; i-- > 0;)
        acc = f->v[i] + acc * z;
    } else {
      double w = exp(x);
      for (i = 0; i < f->n; i++)
        acc = f->v[i] + acc * w;
    }
    return acc;
  }
  for (i = 0; i < f->n; i++) {
    double ti = flow_time(f, i), e = x >= 0 ? -x * ti : x * (f->t_max - ti);
    acc += f->v[i] * exp(e);
  }
  return acc;
}

/* NPV and its derivative with respect to x, unscaled (for Newton near moderate x). */
static void npv_dx(const flows *f, double x, double *value, double *deriv) {
  size_t i;
  double s = 0, ds = 0;
  count_pass(f);
  for (i = 0; i < f->n; i++) {
    double ti = flow_time(f, i), e = f->v[i] * exp(-x * ti);
    s += e;
    ds -= ti * e;
  }
  *value = s;
  *deriv = ds;
}

/* Brent's method (zeroin) on [a, b] with fa, fb of opposite signs (neither side of 0 crossed). */
static double brent(const flows *f, double a, double b, double fa, double fb) {
  double c = a, fc = fa, d = b - a, e = d;
  int iter;
  for (iter = 0; iter < BRENT_MAX_ITER; iter++) {
    double tol, m, p, q, r, s;
    if ((fb > 0) == (fc > 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (fabs(fc) < fabs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    tol = 2 * DBL_EPSILON * fabs(b) + 1e-300;
    m = 0.5 * (c - b);
    if (fabs(m) <= tol || fb == 0) return b;
    if (fabs(e) < tol || fabs(fa) <= fabs(fb)) {
      d = e = m;
    } else {
      s = fb / fa;
      if (a == c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        q = fa / fc;
        r = fb / fc;
        p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
        q = (q - 1) * (r - 1) * (s - 1);
      }
      if (p > 0)
        q = -q;
      else
        p = -p;
      if (2 * p < fmin(3 * m * q - fabs(tol * q), fabs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = e = m;
      }
    }
    a = b;
    fa = fb;
    b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = scaled_npv(f, b);
  }
  return b;
}

/* Newton in x from x0; true with *root when it converges to a point where the NPV vanishes
 * relative to the size of the flows. */
static bool newton(const flows *f, double x0, double *root) {
  double x = x0, scale = 0;
  size_t i;
  int iter;
  count_pass(f);
  for (i = 0; i < f->n; i++)
    scale += fabs(f->v[i]);
  for (iter = 0; iter < NEWTON_MAX_ITER; iter++) {
    double v, dv, step;
    npv_dx(f, x, &v, &dv);
    if (!isfinite(v) || !isfinite(dv) || dv == 0) return false;
    step = v / dv;
    if (step > 2) step = 2;
    if (step < -2) step = -2;
    x -= step;
    if (x < X_LO || x > X_HI || !isfinite(x)) return false;
    if (fabs(step) <= 1e-14 * (1 + fabs(x))) {
      npv_dx(f, x, &v, &dv);
      if (fabs(v) <= 1e-9 * scale * exp(fabs(x) * f->t_max > 700 ? 700 : fabs(x) * f->t_max)) {
        *root = x;
        return true;
      }
      return false;
    }
  }
  return false;
}

static int solve_rate(double *out, const flows *f, double guess) {
  bool pos = false, neg = false, have = false;
  size_t i, k;
  int half;
  double gx, best = 0, best_dist = HUGE_VAL, nr;
  if (!out || !f->v || f->n == 0) return KAM_EINVAL;
  if (isnan(guess)) guess = 0.1;
  if (!isfinite(guess) || guess <= -1.0) return KAM_EINVAL;
  count_pass(f);
  if (!all_finite(f->v, f->n)) return KAM_EINVAL;
  count_pass(f);
  for (i = 0; i < f->n; i++) {
    pos |= f->v[i] > 0;
    neg |= f->v[i] < 0;
  }
  if (!pos || !neg) return KAM_ENOSOLUTION;
  if (one_sign_change(f)) {
    /* The only root: bracketed by the ends of one half of the line, or at x = 0. */
    double f_lo = scaled_npv(f, X_LO), f_mid = scaled_npv(f, 0.0), f_hi = scaled_npv(f, X_HI);
    if (f_mid == 0) {
      *out = 0.0;
      return KAM_OK;
    }
    if (f_lo != 0 && (f_lo > 0) != (f_mid > 0))
      return put(out, expm1(brent(f, X_LO, 0.0, f_lo, f_mid)));
    if (f_hi != 0 && (f_hi > 0) != (f_mid > 0))
      return put(out, expm1(brent(f, 0.0, X_HI, f_mid, f_hi)));
    /* The root lies at an end or outside the range: the general search decides. */
  }
  gx = log1p(guess);
  if (gx < X_LO) gx = X_LO;
  if (gx > X_HI) gx = X_HI;
  /* Scan [X_LO, 0] and [0, X_HI] separately, so no bracket straddles the change of form. */
  for (half = 0; half < 2; half++) {
    double lo = half == 0 ? X_LO : 0.0, hi = half == 0 ? 0.0 : X_HI;
    size_t steps = (size_t)ceil((hi - lo) / SCAN_STEP);
    double prev_x = lo, prev_f = scaled_npv(f, lo);
    for (k = 1; k <= steps; k++) {
      double x = k == steps ? hi : lo + (double)k * SCAN_STEP, fx = scaled_npv(f, x), root;
      if (prev_f == 0)
        root = prev_x;
      else if (fx == 0)
        root = x;
      else if ((prev_f > 0) != (fx > 0))
        root = brent(f, prev_x, x, prev_f, fx);
      else
        root = NAN;
      if (!isnan(root) && fabs(expm1(root) - guess) < best_dist) {
        best_dist = fabs(expm1(root) - guess);
        best = root;
        have = true;
      }
      prev_x = x;
      prev_f = fx;
    }
  }
  if (newton(f, gx, &nr) && fabs(expm1(nr) - guess) < best_dist) {
    best = nr;
    have = true;
  }
  if (!have) return KAM_ENOSOLUTION;
  return put(out, expm1(best));
}

int kam__irr_counted(double *out, const double *values, size_t n, double guess, size_t *passes) {
  flows f;
  f.passes = passes;
  f.v = values;
  f.dates = NULL;
  f.d0 = 0;
  f.n = n;
  f.t_max = n ? (double)(n - 1) : 0;
  return solve_rate(out, &f, guess);
}

int kam_irr(double *out, const double *values, size_t n, double guess) {
  return kam__irr_counted(out, values, n, guess, NULL);
}

int kam__xirr_counted(double *out, const double *values, const kam_date *dates, size_t n,
                      double guess, size_t *passes) {
  flows f;
  size_t i;
  kam_date d_max;
  if (!out || !values || !dates || n == 0) return KAM_EINVAL;
  f.passes = passes;
  if (passes) ++*passes;
  f.d0 = d_max = dates[0];
  for (i = 1; i < n; i++) {
    if (dates[i] < f.d0) f.d0 = dates[i];
    if (dates[i] > d_max) d_max = dates[i];
  }
  f.v = values;
  f.dates = dates;
  f.n = n;
  f.t_max = (double)(d_max - f.d0) / 365.0;
  if (d_max == f.d0) { /* one date: the value does not depend on the rate at all */
    if (!all_finite(values, n) || (!isnan(guess) && !(isfinite(guess) && guess > -1.0)))
      return KAM_EINVAL;
    return KAM_ENOSOLUTION;
  }
  return solve_rate(out, &f, guess);
}

int kam_xirr(double *out, const double *values, const kam_date *dates, size_t n, double guess) {
  return kam__xirr_counted(out, values, dates, n, guess, NULL);
}

int kam_mirr(double *out, const double *values, size_t n, double finance_rate,
             double reinvest_rate) {
  double pv_neg = 0, fv_pos = 0, ratio;
  size_t i;
  /* Excel accepts any rate, even below -1 (the growth factor is then negative); a rate of
   * exactly -1 divides by zero in its NPV terms (#DIV/0!). */
  if (!out || !values || n < 2 || !isfinite(finance_rate) || !isfinite(reinvest_rate) ||
      !all_finite(values, n))
    return KAM_EINVAL;
  if (finance_rate == -1.0 || reinvest_rate == -1.0) return KAM_ENOSOLUTION;
  for (i = 0; i < n; i++) {
    if (values[i] < 0)
      pv_neg += values[i] / pow(1.0 + finance_rate, (double)i);
    else if (values[i] > 0)
      fv_pos += values[i] * pow(1.0 + reinvest_rate, (double)(n - 1 - i));
  }
  if (pv_neg == 0 || fv_pos == 0) return KAM_ENOSOLUTION;
  if (!isfinite(pv_neg) || !isfinite(fv_pos)) return KAM_EINVAL; /* overflow, as elsewhere */
  ratio = fv_pos / -pv_neg;
  /* With a negative growth factor the ratio may be negative: it has no real power 1/(n-1)
   * unless n == 2 (Excel's #NUM!). */
  if (ratio < 0 && n > 2) return KAM_ENOSOLUTION;
  return put(out, pow(ratio, 1.0 / (double)(n - 1)) - 1.0);
}

int kam_payback(double *out, const double *values, size_t n, double rate, int whole_periods) {
  double cum, d;
  size_t t;
  if (!out || !values || n == 0 || !rate_ok(rate) || !all_finite(values, n)) return KAM_EINVAL;
  cum = values[0];
  if (cum >= 0) {
    *out = 0;
    return KAM_OK;
  }
  d = 1.0 / (1.0 + rate);
  for (t = 1; t < n; t++) {
    double disc = values[t] * pow(d, (double)t), next = cum + disc;
    if (next >= 0) return put(out, whole_periods ? (double)t : (double)(t - 1) + (-cum) / disc);
    cum = next;
  }
  return KAM_ENOSOLUTION;
}

int kam_clv(double *out, double margin, double retention, double discount, double acquisition_cost,
            int timing) {
  double denom, margins; /* margins: the numerator of the geometric series */
  if (!out || !isfinite(margin) || !isfinite(retention) || !isfinite(discount) ||
      !isfinite(acquisition_cost) || retention < 0 || retention > 1 || discount <= -1 ||
      (timing != KAM_END_OF_PERIOD && timing != KAM_BEGIN_OF_PERIOD))
    return KAM_EINVAL;
  denom = 1 + discount - retention;
  if (!(denom > 0)) return KAM_EINVAL;
  margins = timing == KAM_END_OF_PERIOD ? margin * retention : margin * (1 + discount);
  return put(out, margins / denom - acquisition_cost);
}

int kam_clv_finite(double *out, const double *margins, size_t n, double retention, double discount,
                   double acquisition_cost) {
  double acc = 0, factor = 1;
  size_t t;
  if (!out || (n && !margins) || !isfinite(retention) || !isfinite(discount) ||
      !isfinite(acquisition_cost) || retention < 0 || retention > 1 || discount <= -1 ||
      !all_finite(margins, n))
    return KAM_EINVAL;
  for (t = 0; t < n; t++) {
    factor *= retention / (1 + discount);
    acc += margins[t] * factor;
  }
  return put(out, acc - acquisition_cost);
}

int kam_roi(double *out, double gain, double cost) {
  if (!out || !isfinite(gain) || !isfinite(cost) || cost == 0) return KAM_EINVAL;
  return put(out, (gain - cost) / cost);
}

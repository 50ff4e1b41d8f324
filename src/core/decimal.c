/*
 * decimal.c - the one exact decimal (decimal_internal.h): one scanner for every grammar the
 * library accepts, one digit printer for every layout it writes.
 *
 * The scanner reduces text to its significant digits (first nonzero to last nonzero), the
 * position of the decimal point among them and the sign; every reader (kam__decimal, minor
 * units, canonical text) is a check of range on that reduced form, so the grammars cannot
 * drift apart. The printer takes digits and a point position too; kam__decimal, minor units
 * and canonical text all come out through it.
 */
#include <string.h>

#include "core/decimal_internal.h"

const char kam__why_too_many_decimals[] = "has more decimals than the currency allows";

/* Significant digits the scanner keeps: more than any reader accepts (canonical text has at
 * most 24 + 20), so a longer number is out of range whatever its digits are. */
#define SIG_CAP 48
/* Digit runs and exponents longer than this are "too long" / "out of range" for canonical
 * text; the exponent saturates above it so positions stay far from overflow. */
#define LONG_RUN 100000

typedef struct scan {
  bool neg;
  bool too_long;      /* integer or fraction part longer than LONG_RUN digits */
  bool huge_exponent; /* |exponent| > LONG_RUN */
  size_t nd;          /* significant digits; 0 when the value is zero */
  char d[SIG_CAP];    /* the first min(nd, SIG_CAP) of them (when asked for) */
  uint64_t m;         /* their value (when nd <= 19) */
  long long point;    /* the decimal point stands after `point` of them (may be <= 0 or > nd) */
  long long written;  /* fraction digits as written less the exponent: the scale "2.50" asks */
} scan;

static uint64_t pow10_u64(int n) {
  uint64_t p = 1;
  while (n-- > 0)
    p *= 10;
  return p;
}

/* Length of a digit-group separator at s (space, NBSP, narrow NBSP, apostrophe), else 0. */
static size_t group_sep(const char *s, size_t len) { return kam__space_len(s, len, '\''); }

static bool is_mark(char c, unsigned flags) {
  return (c == '.' && (flags & KAM__DEC_POINT)) || (c == ',' && (flags & KAM__DEC_COMMA));
}

/* The digit sequence (integer part, then fraction) as scan_text reads it. */
typedef struct digit_run {
  size_t lead;    /* leading zeros (before the first nonzero digit) */
  size_t nd;      /* digits from the first nonzero on, trailing zeros included */
  size_t sig;     /* of those, up to and including the last nonzero one */
  uint64_t m;     /* their value, modulo 2^64 */
  uint64_t m_sig; /* m after the last nonzero digit: exact while sig <= 19 */
} digit_run;

/* Takes the digits at s[i..len) into r (and into keep[SIG_CAP] unless NULL); returns the index
 * of the first non-digit. Kept lean: the CSV reader runs it on every cell. */
static inline size_t take_digits(digit_run *r, char *keep, const char *s, size_t i, size_t len) {
  size_t start, nd0 = r->nd;
  if (nd0 == 0)
    for (; i < len && s[i] == '0'; i++)
      r->lead++;
  start = i;
  for (; i < len; i++) {
    unsigned v = (unsigned)(unsigned char)s[i] - '0';
    if (v > 9) break;
    r->m = r->m * 10 + v; /* wraps past 19 digits; m_sig is only used while it cannot have */
    r->nd++;
    if (v) {
      r->sig = r->nd;
      r->m_sig = r->m;
    }
  }
  if (keep && nd0 < SIG_CAP)
    memcpy(keep + nd0, s + start, i - start < SIG_CAP - nd0 ? i - start : SIG_CAP - nd0);
  return i;
}

/* Reads s[0..len) under flags into *sc (its digits into sc->d only when keep_digits). False
 * when it is not a number of that grammar. Inlined into each reader (the CSV reader calls one
 * for every amount cell: about 15 % fewer instructions a cell than a call). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool
scan_text(scan *sc, const char *s, size_t len, unsigned flags, bool keep_digits) {
  size_t i = 0, int_digits = 0, frac_digits = 0, run;
  bool grouped = false, has_mark = false, neg = false;
  long long exponent = 0;
  digit_run r = {0, 0, 0, 0, 0};
  char *keep = keep_digits ? sc->d : NULL;
  if (!s && len) return false;
  if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  for (;;) {
    size_t sep, end = take_digits(&r, keep, s, i, len);
    run = end - i; /* one group when grouped */
    int_digits += run;
    i = end;
    sep = (flags & KAM__DEC_GROUPS) && i < len ? group_sep(s + i, len - i) : 0;
    if (!sep || int_digits == 0 || i + sep >= len || !kam__is_digit(s[i + sep])) break;
    if (grouped ? run != 3 : run > 3) return false;
    grouped = true;
    i += sep;
  }
  if (grouped && run != 3) return false;
  if (i < len && is_mark(s[i], flags)) {
    size_t end = take_digits(&r, keep, s, ++i, len);
    has_mark = true;
    frac_digits = end - i;
    i = end;
  }
  if (flags & KAM__DEC_BARE) {
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0 || (has_mark && frac_digits == 0)) {
    return false;
  }
  if ((flags & KAM__DEC_EXPONENT) && i < len && (s[i] == 'e' || s[i] == 'E')) {
    bool eneg = false;
    size_t exp_start;
    i++;
    if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    exp_start = i;
    for (; i < len && kam__is_digit(s[i]); i++)
      if (exponent <= LONG_RUN) exponent = exponent * 10 + (s[i] - '0');
    if (i == exp_start) return false;
    if (eneg) exponent = -exponent;
  }
  if (i != len) return false;
  sc->neg = neg;
  sc->too_long = int_digits > LONG_RUN || frac_digits > LONG_RUN;
  sc->huge_exponent = exponent > LONG_RUN || exponent < -LONG_RUN;
  sc->written = (long long)frac_digits - exponent;
  if (r.nd == 0) {
    sc->nd = 0;
    sc->m = 0;
    sc->point = 1;
    return true;
  }
  sc->nd = r.sig; /* trailing zeros are not significant */
  sc->m = r.m_sig;
  sc->point = (long long)int_digits - (long long)r.lead + exponent;
  return true;
}

/* The value as an integer m and a scale >= 0 with value = m / 10^scale, the scale as small as
 * exactness allows. KAM_EPARSE (more than max_scale decimals) or KAM_EOVERFLOW (m would exceed
 * 19 digits, so it is above INT64_MAX whatever it is). */
static int scan_integer(uint64_t *m, int *scale, const scan *sc, int max_scale, const char **why) {
  long long frac = (long long)sc->nd - sc->point;
  uint64_t mag = sc->m;
  if (sc->nd == 0) {
    *m = 0;
    *scale = 0;
    return KAM_OK;
  }
  if (frac > max_scale) {
    *why = "has too many decimals";
    return KAM_EPARSE;
  }
  *why = "is too large";
  if (sc->nd > 19 || sc->point > 19) return KAM_EOVERFLOW;
  for (; frac < 0; frac++) {
    if (mag > UINT64_MAX / 10) return KAM_EOVERFLOW;
    mag *= 10;
  }
  *m = mag;
  *scale = (int)frac;
  return KAM_OK;
}

int kam__decimal_read(kam__decimal *out, const char *s, size_t len, unsigned flags,
                      const char **why) {
  static const char *ignored;
  scan sc;
  uint64_t mag;
  int scale, rc;
  long long want;
  if (!why) why = &ignored;
  *why = "is not a decimal number";
  if (!scan_text(&sc, s, len, flags, false)) return KAM_EPARSE;
  if ((rc = scan_integer(&mag, &scale, &sc, KAM__DECIMAL_MAX_SCALE, why))) return rc;
  if (mag > (uint64_t)INT64_MAX) {
    *why = "is too large";
    return KAM_EOVERFLOW;
  }
  /* The trailing zeros as written, as far as they fit ("2.50" is {250, 2}). */
  want = sc.written > KAM__DECIMAL_MAX_SCALE ? KAM__DECIMAL_MAX_SCALE : sc.written;
  for (; scale < want && mag <= (uint64_t)INT64_MAX / 10; scale++)
    mag *= 10;
  out->coef = sc.neg ? -(int64_t)mag : (int64_t)mag;
  out->scale = scale;
  return KAM_OK;
}

int kam__decimal_parse(kam__decimal *out, const char *s, size_t len) {
  if (!out) return KAM_EPARSE;
  return kam__decimal_read(out, s, len, KAM__DEC_PLAIN, NULL);
}

/* The one conversion to minor units: the value mag / 10^scale (negative when neg) at `digits`
 * minor digits, anywhere in int64 (INT64_MIN included). */
static int to_minor(int64_t *out, bool neg, uint64_t mag, int scale, int digits, const char **why) {
  uint64_t p;
  if (scale > digits) {
    p = pow10_u64(scale - digits);
    if (mag % p) {
      *why = kam__why_too_many_decimals;
      return KAM_EPARSE;
    }
    mag /= p;
  } else {
    if (__builtin_mul_overflow(mag, pow10_u64(digits - scale), &mag)) {
      *why = "is too large";
      return KAM_EOVERFLOW;
    }
  }
  if (mag > (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
    *why = "is too large";
    return KAM_EOVERFLOW;
  }
  *out = !neg ? (int64_t)mag : mag == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)mag;
  return KAM_OK;
}

int kam__decimal_read_minor(int64_t *out, const char *s, size_t len, unsigned flags, int digits,
                            const char **why) {
  static const char *ignored;
  scan sc;
  uint64_t mag;
  int scale, rc;
  if (!why) why = &ignored;
  *why = "is not an amount";
  if (digits < 0 || digits > KAM__DECIMAL_MAX_SCALE || !scan_text(&sc, s, len, flags, false))
    return KAM_EPARSE;
  if (sc.nd && (long long)sc.nd - sc.point > digits) {
    *why = kam__why_too_many_decimals;
    return KAM_EPARSE;
  }
  if ((rc = scan_integer(&mag, &scale, &sc, digits, why))) return rc;
  return to_minor(out, sc.neg, mag, scale, digits, why);
}

int kam__decimal_to_minor_exact(int64_t *out, kam__decimal d, int digits) {
  const char *why;
  if (d.scale < 0 || d.scale > KAM__DECIMAL_MAX_SCALE || digits < 0 ||
      digits > KAM__DECIMAL_MAX_SCALE)
    return KAM_EPARSE;
  return to_minor(out, d.coef < 0, d.coef < 0 ? (uint64_t)0 - (uint64_t)d.coef : (uint64_t)d.coef,
                  d.scale, digits, &why);
}

/* ---- arithmetic ------------------------------------------------------------------------- */

int kam__round_div(int64_t *out, kam__i128 num, kam__i128 den) {
  kam__i128 q, r;
  if (den <= 0 || den >= ((kam__i128)1 << 125)) return KAM_EINVAL;
  q = num / den; /* truncates toward zero */
  r = num % den; /* sign of num */
  if (r < 0) r = -r;
  if (2 * r >= den) q += num < 0 ? -1 : 1;
  if (q > INT64_MAX || q < INT64_MIN) return KAM_EOVERFLOW;
  *out = (int64_t)q;
  return KAM_OK;
}

static int scale_of(kam__decimal d) {
  return d.scale >= 0 && d.scale <= KAM__DECIMAL_MAX_SCALE ? d.scale : 0;
}

int kam__decimal_cmp(kam__decimal a, kam__decimal b) {
  /* |coef| <= 2^63 and 10^18 < 2^60: the cross products fit 128 bits. */
  kam__i128 x = (kam__i128)a.coef * (int64_t)pow10_u64(scale_of(b));
  kam__i128 y = (kam__i128)b.coef * (int64_t)pow10_u64(scale_of(a));
  return x < y ? -1 : x > y ? 1 : 0;
}

int kam__decimal_places(kam__decimal d) {
  int places = scale_of(d);
  while (places > 0 && d.coef % 10 == 0) {
    d.coef /= 10;
    places--;
  }
  return d.coef == 0 ? 0 : places;
}

/* ---- printing --------------------------------------------------------------------------- */

/* Writes digits d[0..nd) with the decimal point after `point` of them (positions outside
 * 0..nd-1 are zeros), under f; bounded by cap like snprintf. */
static size_t put_digits(char *buf, size_t cap, bool neg, const char *d, long long nd,
                         long long point, const kam__numfmt *f) {
  long long int_len = point > 0 ? point : 1, k, int_start = point > 0 ? 0 : point - 1;
  size_t o = 0, glen = f->group ? strlen(f->group) : 0;
  bool group = f->group && int_len > f->group_above;
  if (cap == 0) return 0;
#define PUT(c)                                                                                     \
  do {                                                                                             \
    if (o + 1 < cap) buf[o++] = (c);                                                               \
  } while (0)
  if (neg && !f->no_sign) PUT('-');
  for (k = 0; k < int_len; k++) {
    long long at = int_start + k;
    if (group && k > 0 && (int_len - k) % 3 == 0 && o + glen < cap) {
      memcpy(buf + o, f->group, glen);
      o += glen;
    }
    PUT(at >= 0 && at < nd ? d[at] : '0');
  }
  if (nd > point) {
    PUT(f->mark);
    for (k = point; k < nd; k++)
      PUT(k >= 0 ? d[k] : '0');
  }
#undef PUT
  buf[o] = '\0';
  return o;
}

size_t kam__decimal_write(char *buf, size_t cap, kam__decimal d, const kam__numfmt *f) {
  char digits[24];
  uint64_t mag = d.coef < 0 ? (uint64_t)0 - (uint64_t)d.coef : (uint64_t)d.coef;
  long long nd = (long long)kam__u64_text(digits, mag);
  int scale = scale_of(d);
  if (!f->keep_zeros) {
    while (scale > 0 && nd > 1 && digits[nd - 1] == '0') {
      nd--;
      scale--;
    }
    if (d.coef == 0) scale = 0;
  }
  return put_digits(buf, cap, d.coef < 0, digits, nd, nd - scale, f);
}

static const kam__numfmt canonical = {'.', NULL, 0, false, false};

size_t kam__decimal_format(char *buf, kam__decimal d) {
  return kam__decimal_write(buf, KAM__DECIMAL_TEXT_CAP, d, &canonical);
}

size_t kam__money_plain(char *buf, int64_t amount, int digits) {
  static const kam__numfmt plain = {'.', NULL, 0, true, false};
  kam__decimal d;
  d.coef = amount;
  d.scale = digits;
  return kam__decimal_write(buf, KAM__DECIMAL_TEXT_CAP, d, &plain);
}

/* Canonical text of a scan under the canonical-text limits. */
static int canon_of(char out[KAM__DEC_CAP], const scan *sc, const char **why) {
  if (sc->nd == 0 && !sc->too_long) {
    memcpy(out, "0", 2); /* "0e999999" too: zero is zero at any exponent */
    return KAM_OK;
  }
  if (sc->huge_exponent) {
    *why = "is out of range";
    return KAM_EPARSE;
  }
  if (sc->too_long) {
    *why = "is too long";
    return KAM_EPARSE;
  }
  if (sc->point > 24 || (long long)sc->nd - sc->point > 20) {
    *why = sc->point > 24 ? "is too large" : "has too many decimals";
    return KAM_EPARSE;
  }
  put_digits(out, KAM__DEC_CAP, sc->neg, sc->d, (long long)sc->nd, sc->point, &canonical);
  return KAM_OK;
}

int kam__decimal_canon(char out[KAM__DEC_CAP], const char *s, size_t len, const char **why) {
  scan sc;
  *why = "is not a decimal number";
  if (!scan_text(&sc, s, len, KAM__DEC_DOCUMENT, true)) return KAM_EPARSE;
  return canon_of(out, &sc, why);
}

size_t kam__decimal_localise(char *buf, size_t cap, const char *plain, const kam__numfmt *f) {
  scan sc;
  size_t len = strlen(plain);
  if (!scan_text(&sc, plain, len, KAM__DEC_POINT, true) || sc.nd > SIG_CAP) {
    if (cap == 0) return 0;
    if (len >= cap) len = cap - 1;
    memcpy(buf, plain, len);
    buf[len] = '\0';
    return len;
  }
  return put_digits(buf, cap, sc.neg && sc.nd, sc.d, (long long)sc.nd, sc.point, f);
}

/* text.c - UTF-8 checks and locale-independent double text. */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

size_t kam__utf8_decode(const char *str, size_t len, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  uint32_t c;
  size_t n, i;
  if (len == 0) return 0;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    n = 2;
    c = s[0] & 0x1Fu;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    n = 3;
    c = s[0] & 0x0Fu;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    n = 4;
    c = s[0] & 0x07u;
  } else {
    return 0;
  }
  if (len < n) return 0;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return n;
}

bool kam__utf8_valid(const char *s, size_t len, size_t *bad) {
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n;
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
#if defined(__SSE2__)
      /* ASCII runs 16 bytes at a time (no high bit set in the block). */
      size_t start = i;
      while (len - i >= 16 &&
             _mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i))) == 0)
        i += 16;
      if (i > start) continue;
#endif
      i++;
      continue;
    }
    /* Two-byte sequences (Cyrillic, Latin-1): a lead C2..DF and one continuation byte are
     * always valid; the decoder checks everything else. */
    if (c >= 0xC2 && c <= 0xDF && i + 1 < len && ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    n = kam__utf8_decode(s + i, len - i, &cp);
    if (n == 0) {
      if (bad) *bad = i;
      return false;
    }
    i += n;
  }
  return true;
}

size_t kam__utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  } else if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  } else if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The decimal point of the C locale in force ('.' unless the host called setlocale). */
static char locale_point(void) {
  const struct lconv *lc = localeconv();
  return (lc && lc->decimal_point && lc->decimal_point[0]) ? lc->decimal_point[0] : '.';
}

size_t kam__fmt_double(char *buf, double v) {
  /* The shortest digits that read back as v (from "%.*e" with growing precision), laid out as
   * ECMAScript's Number.prototype.toString does: 100, 0.000001, 1e-7, 1.5e+21. */
  char tmp[40], digits[20], point = locale_point();
  int prec, k = 0, n, i, o = 0;
  long e10;
  const char *p;
  if (isnan(v)) return (size_t)snprintf(buf, 32, "NaN");
  if (isinf(v)) return (size_t)snprintf(buf, 32, v < 0 ? "-Infinity" : "Infinity");
  if (v == 0) return (size_t)snprintf(buf, 32, "0");
  /* Any decimal of at most 15 significant digits survives a trip through a normal double
   * (DBL_DIG), so when 15 digits read back, the shortest form is them without trailing zeros;
   * only 16 and 17 need trying after that. Subnormals have fewer digits: try them all. */
  for (prec = fabs(v) < DBL_MIN ? 1 : 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
    if (prec == 17 || strtod(tmp, NULL) == v) break; /* 17 digits always read back */
  }
  p = tmp;
  if (*p == '-') {
    buf[o++] = '-';
    p++;
  }
  for (; *p && *p != 'e'; p++)
    if (kam__is_digit(*p))
      digits[k++] = *p;
    else if (*p != point)
      break;
  if (k == 0) digits[k++] = '0'; /* "%e" always gives a digit; keeps digits[0] defined */
  while (k > 1 && digits[k - 1] == '0')
    k--;
  e10 = strtol(p + 1, NULL, 10);
  n = (int)e10 + 1; /* the decimal point sits after n digits */
  if (k <= n && n <= 21) {
    for (i = 0; i < k; i++)
      buf[o++] = digits[i];
    for (; i < n; i++)
      buf[o++] = '0';
  } else if (0 < n && n <= 21) {
    for (i = 0; i < n; i++)
      buf[o++] = digits[i];
    buf[o++] = '.';
    for (; i < k; i++)
      buf[o++] = digits[i];
  } else if (-6 < n && n <= 0) {
    buf[o++] = '0';
    buf[o++] = '.';
    for (i = n; i < 0; i++)
      buf[o++] = '0';
    for (i = 0; i < k; i++)
      buf[o++] = digits[i];
  } else {
    buf[o++] = digits[0];
    if (k > 1) {
      buf[o++] = '.';
      for (i = 1; i < k; i++)
        buf[o++] = digits[i];
    }
    o += snprintf(buf + o, 8, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
  }
  buf[o] = '\0';
  return (size_t)o;
}

size_t kam__u64_text(char *buf, uint64_t v) {
  char tmp[20];
  size_t n = 0, i;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  for (i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return n;
}

/* Appends significant digit c to sig[0..*n) while there is room (cap); past that, a nonzero
 * digit only sets *sticky. */
static void keep_digit(char *sig, size_t cap, size_t *n, bool *sticky, char c) {
  if (*n < cap)
    sig[(*n)++] = c;
  else if (c != '0')
    *sticky = true;
}

bool kam__parse_double(double *out, const char *s, size_t len) {
  /* Validate the JSON number grammar, then rewrite it as "[-]0.DDDDe<exp>" with at most
   * MAX_SIG significant digits (a nonzero sticky digit stands for any dropped ones, which keeps
   * strtod's rounding correct) and the locale's decimal point, so no allocation is needed. */
  enum { MAX_SIG = 780 };
  char tmp[MAX_SIG + 48], point = locale_point();
  size_t i = 0, nsig = 0, o = 0;
  long exp10 = 0, e = 0;
  bool neg = false, sticky = false, esign = false, seen_nonzero = false;
  if (i < len && s[i] == '-') {
    neg = true;
    i++;
  }
  if (i >= len) return false;
  if (s[i] == '0') {
    i++;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < len && kam__is_digit(s[i])) {
      seen_nonzero = true;
      keep_digit(tmp + (neg ? 3u : 2u), MAX_SIG, &nsig, &sticky, s[i]);
      exp10++;
      i++;
    }
  } else {
    return false;
  }
  if (i < len && s[i] == '.') {
    i++;
    if (i >= len || !kam__is_digit(s[i])) return false;
    while (i < len && kam__is_digit(s[i])) {
      if (!seen_nonzero && s[i] == '0') {
        exp10--;
      } else {
        seen_nonzero = true;
        keep_digit(tmp + (neg ? 3u : 2u), MAX_SIG, &nsig, &sticky, s[i]);
      }
      i++;
    }
  }
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '+' || s[i] == '-')) esign = s[i++] == '-';
    if (i >= len || !kam__is_digit(s[i])) return false;
    while (i < len && kam__is_digit(s[i])) {
      if (e < 100000000L) e = e * 10 + (s[i] - '0');
      i++;
    }
  }
  if (i != len) return false;
  if (!seen_nonzero) {
    *out = neg ? -0.0 : 0.0;
    return true;
  }
  if (sticky) tmp[(neg ? 3u : 2u) + nsig++] = '1';
  exp10 += esign ? -e : e;
  if (neg) tmp[o++] = '-';
  tmp[o++] = '0';
  tmp[o++] = point;
  o += nsig;
  snprintf(tmp + o, sizeof tmp - o, "e%ld", exp10);
  *out = strtod(tmp, NULL);
  return true;
}

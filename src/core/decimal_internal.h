/*
 * decimal_internal.h - the library's one exact decimal: its type, its parser (one grammar whose
 * variants are chosen by flags), its canonical printer, its conversion to minor units and its
 * formatter (mark, digit groups, sign). decimal.c owns all of it; every other file that reads
 * or writes a decimal amount (CSV, proposal, totals, money, reports) goes through here, so
 * "what is a number" has one answer. Nothing here is exported.
 */
#ifndef KAM_DECIMAL_INTERNAL_H
#define KAM_DECIMAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/internal.h"

/* gcc/clang 128-bit integer; __extension__ keeps -Wpedantic quiet. */
__extension__ typedef __int128 kam__i128;

/* value = coef / 10^scale, 0 <= scale <= KAM__DECIMAL_MAX_SCALE, |coef| <= INT64_MAX when it
 * comes from the parser. Not necessarily normalised ("2.50" parses as {250, 2}); compare with
 * kam__decimal_cmp, not field by field. The formatter also accepts {minor, digits} of any
 * int64 amount, INT64_MIN included. */
typedef struct kam__decimal {
  int64_t coef;
  int scale;
} kam__decimal;
#define KAM__DECIMAL_MAX_SCALE 18
/* Room for any kam__decimal_format / kam__money_plain text including the NUL. */
#define KAM__DECIMAL_TEXT_CAP 48
/* Room for any kam__decimal_canon text including the NUL (24 integer digits, 20 decimals). */
#define KAM__DEC_CAP 48

/* ---- the grammar ------------------------------------------------------------------------ */

/* Parser flags. The base grammar is: optional '+' or '-', digits, optionally a decimal mark
 * and digits; no spaces around it. The flags widen it. */
enum {
  KAM__DEC_POINT = 1u << 0,    /* '.' is a decimal mark */
  KAM__DEC_COMMA = 1u << 1,    /* ',' is a decimal mark (with KAM__DEC_POINT: either) */
  KAM__DEC_GROUPS = 1u << 2,   /* integer digits in groups of three separated by a space,
                                  NBSP (U+00A0), narrow NBSP (U+202F) or apostrophe:
                                  "1 234 567", "1'234"; the first group has 1..3 digits */
  KAM__DEC_EXPONENT = 1u << 3, /* an exponent: 'e'/'E', optional sign, digits ("2.5E-1") */
  KAM__DEC_BARE = 1u << 4      /* a mark with digits on one side only: ".5", "5." */
};
/* JSON numbers and Python's str(Decimal): "1.5e3". */
#define KAM__DEC_PLAIN (KAM__DEC_POINT | KAM__DEC_EXPONENT)
/* What people type into a document: "2,5" or "2.5", "1e3". */
#define KAM__DEC_DOCUMENT (KAM__DEC_POINT | KAM__DEC_COMMA | KAM__DEC_EXPONENT)
/* Spreadsheet cells: one mark (the caller's KAM__DEC_POINT or KAM__DEC_COMMA), groups, ".5". */
#define KAM__DEC_CELL (KAM__DEC_GROUPS | KAM__DEC_BARE)

/* Text -> exact decimal under `flags`. Trailing fraction zeros are kept in the scale ("2.50"
 * -> {250, 2}) as far as the scale stays <= 18 and the coefficient fits; zeros that do not
 * fit are dropped (the value is exact either way). Returns KAM_OK; KAM_EPARSE (not a number
 * of that grammar, or a nonzero digit beyond 18 decimals); KAM_EOVERFLOW (|value * 10^scale|
 * would exceed INT64_MAX: "1e19", 20 significant digits). *why (may be NULL) says which in
 * words for a message ("is not a decimal number", "has too many decimals", "is too large"). *out is
 * untouched on failure; s may hold NULs (they are not digits). No ctx, no allocation. */
int kam__decimal_read(kam__decimal *out, const char *s, size_t len, unsigned flags,
                      const char **why);

/* kam__decimal_read with KAM__DEC_PLAIN; KAM_EPARSE for a NULL out. */
int kam__decimal_parse(kam__decimal *out, const char *s, size_t len);

/* Text -> minor units of a currency with `digits` (0..18) minor digits, under `flags`. Finer
 * digits are accepted when they are zeros ("1.2300" -> 123 at 2 digits). The range is the
 * whole int64 ("-92233720368547758.08" -> INT64_MIN at 2 digits). KAM_OK; KAM_EPARSE (not a
 * number; *why "has more decimals than the currency allows" for a nonzero finer digit);
 * KAM_EOVERFLOW (*why "is too large"). *out untouched on failure. */
int kam__decimal_read_minor(int64_t *out, const char *s, size_t len, unsigned flags, int digits,
                            const char **why);
/* The common case of kam__decimal_read_minor, inline for bulk readers (the CSV reader calls it
 * for every amount cell): "-"? digits (mark digits)? with at most `digits` fraction digits and
 * at most 18 digits in all once scaled, mark '.' or ','. Returns true with *out set when s is
 * of that form (the value kam__decimal_read_minor gives for it under KAM__DEC_CELL with that
 * mark), false otherwise: the caller then calls kam__decimal_read_minor. */
static inline bool kam__decimal_minor_simple(int64_t *out, const char *s, size_t len, char mark,
                                             int digits) {
  size_t i = 0, int_end, frac = 0;
  uint64_t v = 0;
  bool neg = len > 0 && s[0] == '-';
  i = neg ? 1 : 0;
  while (i < len && (unsigned char)(s[i] - '0') < 10u)
    v = v * 10 + (uint64_t)(s[i++] - '0');
  int_end = i;
  if (int_end == (neg ? 1u : 0u) || int_end - (neg ? 1u : 0u) + (size_t)digits > 18) return false;
  if (i < len) {
    if (s[i] != mark) return false;
    for (i++; i < len && (unsigned char)(s[i] - '0') < 10u; i++, frac++)
      v = v * 10 + (uint64_t)(s[i] - '0');
    if (i != len || frac == 0 || frac > (size_t)digits) return false;
  }
  for (; frac < (size_t)digits; frac++)
    v *= 10;
  *out = neg ? -(int64_t)v : (int64_t)v;
  return true;
}

/* The *why of kam__decimal_read_minor for a nonzero digit finer than `digits`: a caller whose
 * digits are not a currency's (a potential read with 12 decimals) says what they are instead. */
extern const char kam__why_too_many_decimals[];

/* Text (KAM__DEC_DOCUMENT) -> canonical text in out[KAM__DEC_CAP]: "-"? digits ("0" or no
 * leading zero) ("." digits, no trailing zero)?, "-0" is "0", no exponent. Wider than
 * kam__decimal: up to 24 integer digits and 20 decimals (for figures that are not money).
 * KAM_OK, or KAM_EPARSE with *why set ("is not a decimal number", "is too large", "has too
 * many decimals", "is too long", "is out of range"). */
int kam__decimal_canon(char out[KAM__DEC_CAP], const char *s, size_t len, const char **why);

/* ---- arithmetic ------------------------------------------------------------------------- */

/* -1, 0 or 1 as a <, ==, > b by value ("2.50" == "2.5"). */
int kam__decimal_cmp(kam__decimal a, kam__decimal b);

/* Fraction digits of d without its trailing zeros ("2.50" -> 1, "20" -> 0). */
int kam__decimal_places(kam__decimal d);

/* d in minor units of a currency with `digits` (0..18) minor digits, exactly: KAM_OK;
 * KAM_EPARSE when d has a nonzero digit finer than the currency allows ("1.005" RUB);
 * KAM_EOVERFLOW when the result does not fit int64. *out untouched on failure. */
int kam__decimal_to_minor_exact(int64_t *out, kam__decimal d, int digits);

/* *out = num / den rounded half away from zero (2.5 -> 3, -2.5 -> -3). den must be > 0 and
 * < 2^125 (KAM_EINVAL otherwise); KAM_EOVERFLOW when the quotient does not fit int64.
 * *out untouched on failure. */
int kam__round_div(int64_t *out, kam__i128 num, kam__i128 den);

/* ---- printing --------------------------------------------------------------------------- */

/* How kam__decimal_write lays a number out. */
typedef struct kam__numfmt {
  char mark;         /* decimal mark */
  const char *group; /* between groups of three integer digits; NULL: no grouping */
  int group_above;   /* group only integer parts longer than this (3: "1,234"; 4: "1234") */
  bool keep_zeros;   /* all `scale` fraction digits ("12.50"); else trailing zeros dropped */
  bool no_sign;      /* the magnitude only (the caller places the sign, "-$5.00") */
} kam__numfmt;

/* d as text under f into buf (cap bytes, NUL-terminated when cap > 0; a longer result is cut
 * short). At least one integer digit ("0.05"). Returns the length written. Any coef, INT64_MIN
 * included; a scale outside 0..18 counts as 0. */
size_t kam__decimal_write(char *buf, size_t cap, kam__decimal d, const kam__numfmt *f);

/* Plain decimal text (kam__decimal_canon or kam__decimal_format output) laid out under f;
 * text that is not such a number is copied as it is. Same buffer rules. */
size_t kam__decimal_localise(char *buf, size_t cap, const char *plain, const kam__numfmt *f);

/* The canonical text of d (buf has KAM__DECIMAL_TEXT_CAP bytes): trailing fraction zeros
 * dropped, '.' as the mark, "-" for negatives, no exponent: "2.5", "20", "-0.125", "0".
 * Returns the length. Reads back with kam__decimal_parse. */
size_t kam__decimal_format(char *buf, kam__decimal d);

/* Amount as plain decimal text with `digits` (0..18) fraction digits, '.' mark, no grouping:
 * (123456, 2) -> "1234.56", (-5, 2) -> "-0.05", (7, 0) -> "7"; INT64_MIN exact. For JSON and
 * raw figures. buf needs KAM__DECIMAL_TEXT_CAP bytes; returns the length. */
size_t kam__money_plain(char *buf, int64_t amount, int digits);

#endif /* KAM_DECIMAL_INTERNAL_H */

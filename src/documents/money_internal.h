/*
 * money_internal.h - exact decimals, currencies and the proposal totals engine (DESIGN.md
 * section 9), shared by money.c, totals.c and the proposal module. Nothing here is exported.
 *
 * Money is int64_t minor units. Quantities and percentages are exact decimals (kam__decimal),
 * never double. Products are formed in 128-bit integers, so quantity * unit_price * percent
 * cannot overflow before it is rounded; only a rounded result that does not fit int64 is
 * KAM_EOVERFLOW. Rounding is half away from zero at every step.
 */
#ifndef KAM_MONEY_INTERNAL_H
#define KAM_MONEY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/decimal_internal.h"
#include "core/internal.h"

/* ---- currencies ---------------------------------------------------------------------- */

/* True when code is a well-formed ISO 4217 code: exactly 3 ASCII uppercase letters. */
bool kam__currency_valid(const char *code);
/* ISO 4217 minor digits of a known code (RUB/USD/EUR/GBP/... 2, JPY/KRW/... 0,
 * KWD/BHD/OMR/TND/... 3); -1 for an unknown or malformed code (NULL ok). The public
 * kam_currency_digits maps unknown well-formed codes to 2. */
int kam__currency_digits(const char *code);

/* Exact text -> minor units for a currency (the engine of the public kam_money_parse): the
 * KAM__DEC_PLAIN grammar (kam__decimal_read), then kam__decimal_to_minor_exact with the currency's
 * digits (unknown well-formed codes: 2). KAM_EINVAL for a malformed code; KAM_EPARSE;
 * KAM_EOVERFLOW. No message (no ctx). */
int kam__money_parse(int64_t *out, const char *s, size_t len, const char *currency);

/* Grammatical gender of the counted noun (Russian: "один рубль", "одна тысяча", "одно
 * место"); English ignores it. */
enum { KAM__GENDER_M = 0, KAM__GENDER_F = 1, KAM__GENDER_N = 2 };

/* n in words, lower case, no noun: ru "двадцать одна тысяча сто два" (gender applies to the
 * last group's 1 and 2), en "twenty-one thousand one hundred two"; 0 is "ноль" / "zero".
 * lang "ru" or "en" (as kam_money_words). Same buffer rules as kam_money_format: KAM_OK;
 * KAM_ELIMIT with *len = the needed length (buf "" when cap > 0); KAM_EINVAL for a bad lang,
 * gender or buf. len may be NULL. */
int kam__number_words(char *buf, size_t cap, size_t *len, uint64_t n, const char *lang, int gender);

/* ---- totals (DESIGN.md section 9) ---------------------------------------------------- */

enum {
  KAM__ROUND_LINE = 0, /* "rounding": "line": VAT rounded on every line, then summed */
  KAM__ROUND_TOTAL = 1 /* "rounding": "total": VAT rounded once per VAT rate on summed nets */
};

/* One price line as the engine sees it. quantity may be negative (a credit or return line:
 * everything is then negative and rounds symmetrically) or zero; unit_price is minor units
 * (may be negative, same meaning); 0 <= discount_percent <= 100; vat_percent >= 0. */
typedef struct kam__line_in {
  kam__decimal quantity;
  int64_t unit_price;
  kam__decimal discount_percent;
  kam__decimal vat_percent;
  bool optional;    /* left out of the totals; priced into optional_total */
  const char *name; /* NULL, or what the messages call the line after "items[i]" */
} kam__line_in;

/* One computed line, minor units. gross = round(quantity * unit_price);
 * discount = round(gross * discount% / 100); net = gross - discount (still including VAT
 * when prices include VAT); vat as below; total = net + vat, or net when prices include VAT.
 *
 * vat per line: with KAM__ROUND_LINE, round(net * v / 100) (or round(net * v / (100 + v))
 * when prices include VAT). With KAM__ROUND_TOTAL the rate's VAT is rounded once on the
 * summed nets, and each line carries its share by cumulative rounding in line order:
 * line_vat = round(C_i) - round(C_(i-1)), where C_i is the exact VAT of the rate's lines up to
 * and including line i. So a line's VAT is within one minor unit of its exact value AND the
 * line VATs of a rate add up to exactly the rate's VAT: a table that shows them is consistent
 * with the totals. Optional lines continue the chain after all non-optional lines of their
 * rate, so their VATs add up to exactly what they would add to the totals. */
typedef struct kam__line_out {
  int64_t gross, discount, net, vat, total;
} kam__line_out;

/* The non-optional lines of one VAT rate (for "В том числе НДС 20 %: ..." rows). */
typedef struct kam__vat_group {
  kam__decimal rate; /* as written on the first line with this rate */
  size_t lines;      /* non-optional lines with this rate (>= 1) */
  int64_t net, vat, total;
} kam__vat_group;

/* Computes the totals of n lines (in may be NULL when n == 0).
 *
 * out: filled completely (struct_size = sizeof(kam_totals), reserved = 0); gross, discount,
 *   net, vat, total are sums over the non-optional lines; total = net + vat (= net when
 *   prices_include_vat). optional_total = (total of all lines) - (total of non-optional
 *   lines): exactly what the optional lines would add if all were taken (with KAM__ROUND_LINE
 *   simply the sum of their line totals). Both rounding modes: sum of lines[i].total over
 *   the optional lines == optional_total, over the others == out->total.
 * lines: NULL, or an array of n that receives every line (optional ones included).
 * groups/groups_cap/ngroups: groups may be NULL (groups_cap ignored); ngroups may be NULL.
 *   *ngroups = the number of distinct VAT rates among the non-optional lines, even when it
 *   exceeds groups_cap; the first min(groups_cap, *ngroups) are written, in ascending order
 *   of rate. Call once with groups NULL to count.
 * rounding: KAM__ROUND_LINE or KAM__ROUND_TOTAL (else KAM_EINVAL).
 * ctx: for the error message, and for one array of n indices when n > KAM__TOTALS_STACK_LINES
 *   (then ctx is required); with fewer lines nothing is allocated and ctx may be NULL.
 *
 * Returns KAM_OK; KAM_EINVAL (bad rounding, NULL out, discount outside 0..100, negative VAT,
 * scale outside 0..18: the message names the line as "items[i]" (0-based) with its name,
 * and the field); KAM_EOVERFLOW (a line figure or a sum does not fit int64: the message names
 * the line, and for a sum the line at which it overflows); KAM_ENOMEM. On failure *out and *ngroups
 * are untouched; lines and groups may be partly written. Cost: O(n log n) time whatever the rates
 * (the lines are sorted by rate once), O(n) memory. */
/* Up to this many lines the totals sort their rate order on the stack. */
#define KAM__TOTALS_STACK_LINES 64

/* order[0..n) = 0..n-1 sorted by (in[i].vat_percent, i). Up to 64 distinct rates a counting
 * sort: at most 14 n decimal comparisons (two binary searches per line); beyond, at most 7 n
 * to find that out and a heapsort's 2 n log2 n, whatever the rates.
 * comparisons: NULL, or incremented per comparison (the tests bound the work by it). */
void kam__vat_order(size_t *order, const kam__line_in *in, size_t n, size_t *comparisons);

int kam__totals_compute(kam_totals *out, kam__line_out *lines, kam__vat_group *groups,
                        size_t groups_cap, size_t *ngroups, const kam__line_in *in, size_t n,
                        int rounding, bool prices_include_vat, kam_ctx *ctx);

#endif /* KAM_MONEY_INTERNAL_H */

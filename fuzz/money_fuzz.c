/* money_fuzz.c - the exact decimal parser, kam_money_parse/format/words and the totals engine.
 *
 * Input: any bytes. Each line is tried as a decimal and as an amount in RUB, JPY and KWD
 * (what parses must format and read back to the same value, and must have words); the whole
 * input is also read as price lines "quantity;unit_price;discount;vat[;o]" and totalled in
 * every mode, checking that the line figures add up to the totals. Invariants trap. */
#include <stdint.h>
#include <string.h>

#include "documents/money_internal.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) __builtin_trap();                                                                    \
  } while (0)

static void one_amount(const char *s, size_t len) {
  static const char *const codes[] = {"RUB", "JPY", "KWD"};
  kam__decimal d, back;
  char text[KAM__DECIMAL_TEXT_CAP], out[1024];
  size_t n, k, i;
  int rc;
  if (kam__decimal_parse(&d, s, len) == KAM_OK) {
    n = kam__decimal_format(text, d);
    CHECK(n < sizeof text && strlen(text) == n);
    CHECK(kam__decimal_parse(&back, text, n) == KAM_OK && kam__decimal_cmp(d, back) == 0);
  }
  for (k = 0; k < 3; k++) {
    int64_t v = 0, again = 0;
    char plain[64];
    size_t np = 0;
    if (kam_money_parse(&v, s, len, codes[k]) != KAM_OK) continue;
    rc = kam_money_format(out, sizeof out, &n, v, codes[k], "en");
    CHECK(rc == KAM_OK && strlen(out) == n);
    for (i = 0; i < n; i++)
      if (out[i] == '-' || out[i] == '.' || (out[i] >= '0' && out[i] <= '9')) plain[np++] = out[i];
    CHECK(kam_money_parse(&again, plain, np, codes[k]) == KAM_OK && again == v);
    CHECK(kam_money_format(out, sizeof out, &n, v, codes[k], "ru") == KAM_OK);
    CHECK(kam_money_words(out, sizeof out, &n, v, codes[k], "ru") == KAM_OK && strlen(out) == n);
    CHECK(kam_money_words(out, sizeof out, &n, v, codes[k], "en") == KAM_OK);
    CHECK(kam_money_words(out, 3, &n, v, codes[k], "en") == KAM_ELIMIT && out[0] == '\0');
  }
}

/* "quantity;unit_price;discount;vat[;o]" -> a line; false if any field does not parse. */
static bool parse_line(kam__line_in *l, const char *s, size_t len) {
  const char *field[5];
  size_t flen[5], nf = 0, start = 0, i;
  for (i = 0; i <= len && nf < 5; i++) {
    if (i == len || s[i] == ';') {
      field[nf] = s + start;
      flen[nf++] = i - start;
      start = i + 1;
    }
  }
  if (nf < 4) return false;
  if (kam__decimal_parse(&l->quantity, field[0], flen[0]) ||
      kam_money_parse(&l->unit_price, field[1], flen[1], "RUB") ||
      kam__decimal_parse(&l->discount_percent, field[2], flen[2]) ||
      kam__decimal_parse(&l->vat_percent, field[3], flen[3]))
    return false;
  l->optional = nf == 5 && flen[4] > 0 && field[4][0] == 'o';
  l->name = NULL;
  return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  kam__line_in in[16];
  kam__line_out lo[16];
  kam__vat_group g[16];
  size_t n = 0, start = 0, i;
  int mode, incl;
  for (i = 0; i <= size; i++) {
    if (i == size || s[i] == '\n') {
      one_amount(s + start, i - start);
      if (n < 16 && parse_line(&in[n], s + start, i - start)) n++;
      start = i + 1;
    }
  }
  for (mode = KAM__ROUND_LINE; mode <= KAM__ROUND_TOTAL; mode++) {
    for (incl = 0; incl < 2; incl++) {
      kam_totals t;
      size_t ng = 0;
      int64_t sum_total = 0, sum_opt = 0, sum_vat = 0;
      if (kam__totals_compute(&t, lo, g, 16, &ng, in, n, mode, incl != 0, NULL) != KAM_OK) continue;
      CHECK(ng <= n);
      for (i = 0; i < n; i++) {
        CHECK(lo[i].net == lo[i].gross - lo[i].discount);
        CHECK(lo[i].total == (incl ? lo[i].net : lo[i].net + lo[i].vat));
        /* No overflow here: the engine checked these very sums. */
        if (in[i].optional) {
          sum_opt += lo[i].total;
        } else {
          sum_total += lo[i].total;
          sum_vat += lo[i].vat;
        }
      }
      CHECK(sum_total == t.total && sum_opt == t.optional_total && sum_vat == t.vat);
    }
  }
  return 0;
}

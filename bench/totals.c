/* bench_totals - proposal totals (DESIGN.md section 9) of N price lines with the exact engine,
 * per-line and per-total VAT rounding. Prints the best time of several runs per mode and the
 * totals, which bench/totals_peer.py (Python's decimal, the usual exact-money peer) must
 * reproduce digit for digit. bench/totals.sh runs both.
 * Line i: quantity QTY[i % 7], unit price ((i * 2654435761) mod 2^32) mod 10^7 kopecks,
 * discount DISC[i % 5] %, VAT RATE[i % 3] %, optional when i % 11 == 0.
 * usage: bench_totals [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "documents/money_internal.h"

static const char *const QTY[] = {"1", "2.5", "0.333", "3", "10", "1.25", "7"};
static const char *const DISC[] = {"0", "5", "10", "12.5", "3"};
static const char *const RATE[] = {"0", "10", "20"};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static kam__decimal dec(const char *s) {
  kam__decimal d = {0, 0};
  if (kam__decimal_parse(&d, s, strlen(s))) abort();
  return d;
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000, i;
  kam__line_in *in = malloc((n ? n : 1) * sizeof *in);
  kam__line_out *lo = malloc((n ? n : 1) * sizeof *lo);
  kam_ctx *ctx = NULL; /* the engine sorts the rate order through it past 64 lines */
  int mode;
  if (!in || !lo || kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  for (i = 0; i < n; i++) {
    in[i].quantity = dec(QTY[i % 7]);
    in[i].unit_price = (int64_t)(((uint64_t)i * 2654435761u & 0xFFFFFFFFu) % 10000000u);
    in[i].discount_percent = dec(DISC[i % 5]);
    in[i].vat_percent = dec(RATE[i % 3]);
    in[i].optional = i % 11 == 0;
    in[i].name = NULL;
  }
  printf("lines %zu\n", n);
  for (mode = KAM__ROUND_LINE; mode <= KAM__ROUND_TOTAL; mode++) {
    const char *name = mode == KAM__ROUND_LINE ? "line" : "total";
    double best = 1e9;
    kam_totals t;
    int run;
    for (run = 0; run < 5; run++) {
      double t0 = now(), t1;
      if (kam__totals_compute(&t, lo, NULL, 0, NULL, in, n, mode, false, ctx) != KAM_OK) {
        fprintf(stderr, "totals failed\n");
        return 1;
      }
      t1 = now();
      if (t1 - t0 < best) best = t1 - t0;
    }
    printf("libkam_%s_seconds %.4f\n", name, best);
    printf("totals_%s %lld %lld %lld %lld %lld %lld\n", name, (long long)t.gross,
           (long long)t.discount, (long long)t.net, (long long)t.vat, (long long)t.total,
           (long long)t.optional_total);
  }
  kam_ctx_free(ctx);
  free(in);
  free(lo);
  return 0;
}

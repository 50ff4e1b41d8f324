/* bench_retention - retention (statuses and the revenue bridge) of N accounts x 12 periods.
 *
 *   bench_retention --write FILE [N]     write N x 12 histories (int64, little endian, account
 *                                        by account, oldest period first) for the peers
 *   bench_retention --read FILE [REPS]   load them into a portfolio, time libkam (best of REPS,
 *                                        default 5)
 *
 * Timed, per repetition: kam_portfolio_retention (defaults: window 6, threshold 0.10) on the
 * loaded portfolio, one thread (the call has no threaded path). The load (kam_portfolio_add per
 * account, with an explicit id and the history without its leading zeros: an account that
 * started later) is not timed, as the peers' np.fromfile is not; its time is printed apart.
 *
 * Data (deterministic, splitmix64 seeded with 20261202): a level x = floor(100000 *
 * u^(-1/1.16)) minor units per account (Pareto, alpha 1.16), each period x * (1 + g)^t * (0.8 ..
 * 1.2), g in -6 % .. +6 % per period; 8 % of the accounts start in period 7 or later (new),
 * 8 % stop after period 6 (lost), 2 % have no revenue at all (inactive).
 *
 * Output: one line "libkam n=... periods=12 load_ms=... wall_ms=... cpu_ms=... start=... new=...
 * expansion=... contraction=... churn=... end=... inactive=... new_n=... lost=... expanding=...
 * contracting=... stable=..." (bench/retention.sh parses it and compares it with the peers').
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kam.h"

enum { PERIODS = 12 };

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t splitmix(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static double uniform(uint64_t *state) { /* (0, 1] */
  return ((double)(splitmix(state) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

static void generate(int64_t *h, size_t n) {
  uint64_t state = 20261202;
  size_t i;
  int t;
  for (i = 0; i < n; i++) {
    int64_t *row = h + i * PERIODS;
    double x = floor(100000.0 * pow(uniform(&state), -1.0 / 1.16)), g;
    double kind = uniform(&state);
    int from = 0, to = PERIODS;
    if (x > 1e13) x = 1e13;
    g = (uniform(&state) - 0.5) * 0.12;
    if (kind <= 0.08) from = 6 + (int)(uniform(&state) * 5.999); /* new */
    else if (kind <= 0.16) to = 6;                               /* lost */
    else if (kind <= 0.18) to = 0;                               /* inactive */
    for (t = 0; t < PERIODS; t++)
      row[t] = t >= from && t < to
                   ? (int64_t)floor(x * pow(1.0 + g, t) * (0.8 + 0.4 * uniform(&state)))
                   : 0;
  }
}

static int usage(void) {
  fprintf(stderr, "usage: bench_retention --write FILE [N] | --read FILE [REPS]\n");
  return 2;
}

static int write_file(const char *path, size_t n) {
  int64_t *h = (int64_t *)malloc(n * PERIODS * sizeof *h);
  FILE *f;
  if (!h) return 1;
  generate(h, n);
  f = fopen(path, "wb");
  if (!f || fwrite(h, sizeof *h * PERIODS, n, f) != n || fclose(f)) {
    perror(path);
    free(h);
    return 1;
  }
  free(h);
  return 0;
}

int main(int argc, char **argv) {
  static const char *const status_key[KAM_RETENTION_STATUSES] = {
      "inactive", "new_n", "lost", "expanding", "contracting", "stable"};
  int reps = 5, r, rc = 0, k;
  size_t n, i;
  long size;
  int64_t *h;
  FILE *f;
  kam_ctx *ctx = NULL;
  kam_portfolio *p = NULL;
  kam_retention out;
  double load, best_wall = 1e300, best_cpu = 1e300;
  if (argc < 3) return usage();
  if (strcmp(argv[1], "--write") == 0)
    return write_file(argv[2], argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 10000000);
  if (strcmp(argv[1], "--read") != 0) return usage();
  if (argc > 3) reps = (int)strtol(argv[3], NULL, 10);
  f = fopen(argv[2], "rb");
  if (!f) {
    perror(argv[2]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  n = (size_t)size / (sizeof *h * PERIODS);
  h = (int64_t *)malloc((n ? n : 1) * PERIODS * sizeof *h);
  if (!h || fread(h, sizeof *h * PERIODS, n, f) != n) {
    free(h);
    fclose(f);
    return 1;
  }
  fclose(f);
  load = seconds(CLOCK_MONOTONIC);
  if (kam_ctx_new(&ctx, NULL, NULL) || kam_portfolio_new(&p, ctx)) return 1;
  for (i = 0; i < n && rc == 0; i++) {
    const int64_t *row = h + i * PERIODS;
    kam_account a;
    char id[24];
    size_t lead = 0;
    while (lead < PERIODS && row[lead] == 0)
      lead++;
    snprintf(id, sizeof id, "a%zu", i);
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.id = id;
    a.revenue = row[PERIODS - 1];
    a.history = lead < PERIODS ? row + lead : NULL;
    a.history_len = PERIODS - lead;
    a.potential = NAN;
    rc = kam_portfolio_add(p, &a);
  }
  load = seconds(CLOCK_MONOTONIC) - load;
  free(h);
  for (r = 0; r < reps && rc == 0; r++) {
    double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall, cpu;
    memset(&out, 0, sizeof out);
    out.struct_size = sizeof out;
    rc = kam_portfolio_retention(&out, p, NULL, NULL);
    wall = seconds(CLOCK_MONOTONIC) - w0;
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (wall < best_wall) best_wall = wall;
    if (cpu < best_cpu) best_cpu = cpu;
  }
  if (rc) {
    fprintf(stderr, "bench_retention: %s (%s)\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
    return 1;
  }
  printf("libkam n=%zu periods=%zu load_ms=%.1f wall_ms=%.1f cpu_ms=%.1f start=%lld new=%lld "
         "expansion=%lld contraction=%lld churn=%lld end=%lld nrr=%.6f grr=%.6f",
         n, out.periods, load * 1e3, best_wall * 1e3, best_cpu * 1e3,
         (long long)out.bridge.start, (long long)out.bridge.added,
         (long long)out.bridge.expansion, (long long)out.bridge.contraction,
         (long long)out.bridge.churn, (long long)out.bridge.end, out.nrr, out.grr);
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    printf(" %s=%zu", status_key[k], out.count[k]);
  printf("\n");
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  return 0;
}

/* bench_segment - ABC segmentation of N accounts with Pareto-distributed revenues.
 *
 *   bench_segment --write FILE [N]     write N revenues (int64, little endian) for the peers
 *   bench_segment --read FILE [REPS]   time libkam on them (best of REPS, default 5)
 *   bench_segment --n N [REPS]         generate N in memory and time libkam (100,000,000 fits)
 *
 * KAM_THREADS=T in the environment sets kam_ctx_set_threads(ctx, T) (default 1).
 *
 * Timed, per repetition: kam_portfolio_new + kam_portfolio_add_columns (ids NULL) + kam_segment
 * (defaults) + kam_segmentation_summary + kam_segmentation_classes into a fresh buffer, then
 * everything freed. libkam's own allocations are counted through the allocator hook: the peak
 * is printed next to the size of the revenue array (8 N bytes).
 *
 * Data: revenue = floor(100000 * u^(-1/1.16)) minor units (Pareto, alpha 1.16: the 80/20 shape,
 * x_min 1000.00), u uniform in (0, 1] from splitmix64 seeded with 20261127; capped at 10^15.
 * The peers (bench/segment_peer.py) read the same bytes from the file --write makes.
 *
 * Output: one line "libkam n=... threads=... wall_ms=... cpu_ms=... peak_bytes=... A=... B=...
 * C=..." (best wall and best CPU time over the repetitions; bench/segment.sh parses it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kam.h"

typedef struct counting {
  size_t bytes, peak, calls;
} counting;

static void *count_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  counting *c = (counting *)ud;
  if (new_size == 0) {
    if (ptr) c->bytes -= old_size;
    free(ptr);
    return NULL;
  }
  ptr = realloc(ptr, new_size);
  if (!ptr) return NULL;
  c->calls++;
  c->bytes = c->bytes - old_size + new_size;
  if (c->bytes > c->peak) c->peak = c->bytes;
  return ptr;
}

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

static void generate(int64_t *rev, size_t n) {
  uint64_t state = 20261127;
  size_t i;
  for (i = 0; i < n; i++) {
    double u = ((double)(splitmix(&state) >> 11) + 1.0) * (1.0 / 9007199254740992.0); /* (0, 1] */
    double x = floor(100000.0 * pow(u, -1.0 / 1.16));
    rev[i] = x < 1e15 ? (int64_t)x : (int64_t)1000000000000000;
  }
}

static int run(const int64_t *rev, size_t n, int reps, unsigned threads) {
  double best_wall = 1e300, best_cpu = 1e300;
  size_t peak = 0, counts[3] = {0, 0, 0};
  kam_summary sm;
  int r;
  for (r = 0; r < reps; r++) {
    counting c = {0, 0, 0};
    kam_ctx *ctx;
    kam_portfolio *p;
    kam_segmentation *s;
    char *abc;
    double w0, c0, wall, cpu;
    int rc;
    if (kam_ctx_new(&ctx, count_alloc, &c) || kam_ctx_set_threads(ctx, threads)) return 1;
    w0 = seconds(CLOCK_MONOTONIC);
    c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = kam_portfolio_new(&p, ctx);
    if (!rc) rc = kam_portfolio_add_columns(p, n, NULL, rev);
    if (!rc) rc = kam_segment(&s, p, NULL);
    if (rc) {
      fprintf(stderr, "bench_segment: %s (%s)\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
      return 1;
    }
    memset(&sm, 0, sizeof sm);
    sm.struct_size = sizeof sm;
    abc = (char *)malloc(n ? n : 1);
    if (!abc || kam_segmentation_summary(&sm, s) || kam_segmentation_classes(abc, n, s)) {
      free(abc);
      return 1;
    }
    wall = seconds(CLOCK_MONOTONIC) - w0;
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (wall < best_wall) best_wall = wall;
    if (cpu < best_cpu) best_cpu = cpu;
    if (c.peak > peak) peak = c.peak;
    if (r == 0) {
      size_t i;
      for (i = 0; i < n; i++)
        counts[abc[i] - 'A']++;
      if (counts[0] != sm.count[0] || counts[1] != sm.count[1] || counts[2] != sm.count[2]) {
        fprintf(stderr, "bench_segment: classes disagree with the summary\n");
        return 1;
      }
    }
    free(abc);
    kam_segmentation_free(s);
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
  }
  printf("libkam n=%zu threads=%u wall_ms=%.1f cpu_ms=%.1f peak_bytes=%zu revenue_bytes=%zu A=%zu "
         "B=%zu C=%zu gini=%.6f hhi=%.3g top20=%.4f\n",
         n, threads, best_wall * 1e3, best_cpu * 1e3, peak, n * sizeof(int64_t), sm.count[0],
         sm.count[1], sm.count[2], sm.gini, sm.hhi, sm.top20_share);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_segment --write FILE [N] | --read FILE [REPS] | --n N [REPS]\n");
  return 2;
}

int main(int argc, char **argv) {
  size_t n = 10000000;
  int reps = 5;
  int64_t *rev;
  if (argc < 3) return usage();
  if (strcmp(argv[1], "--write") == 0) {
    FILE *f;
    if (argc > 3) n = (size_t)strtoull(argv[3], NULL, 10);
    rev = (int64_t *)malloc(n * sizeof *rev);
    if (!rev) return 1;
    generate(rev, n);
    f = fopen(argv[2], "wb");
    if (!f || fwrite(rev, sizeof *rev, n, f) != n || fclose(f)) {
      perror(argv[2]);
      free(rev);
      return 1;
    }
    free(rev);
    return 0;
  }
  if (strcmp(argv[1], "--read") == 0) {
    FILE *f = fopen(argv[2], "rb");
    long size;
    if (!f) {
      perror(argv[2]);
      return 1;
    }
    if (argc > 3) reps = (int)strtol(argv[3], NULL, 10);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    n = (size_t)size / sizeof *rev;
    rev = (int64_t *)malloc((n ? n : 1) * sizeof *rev);
    if (!rev || fread(rev, sizeof *rev, n, f) != n) {
      free(rev);
      fclose(f);
      return 1;
    }
    fclose(f);
  } else if (strcmp(argv[1], "--n") == 0) {
    n = (size_t)strtoull(argv[2], NULL, 10);
    if (argc > 3) reps = (int)strtol(argv[3], NULL, 10);
    rev = (int64_t *)malloc((n ? n : 1) * sizeof *rev);
    if (!rev) return 1;
    generate(rev, n);
  } else {
    return usage();
  }
  if (reps < 1) reps = 1;
  {
    const char *t = getenv("KAM_THREADS");
    int rc = run(rev, n, reps, t ? (unsigned)strtoul(t, NULL, 10) : 1u);
    free(rev);
    return rc;
  }
}

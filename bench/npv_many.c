/* bench_npv_many - NPV of ROWS accounts x COLS monthly cash flows with kam_npv_many.
 * Prints the best time of several runs, the time of one plain read pass over the same data
 * (memory bandwidth), and the ratio. bench/npv_many.sh runs the numpy peer on the same data.
 * Data: v[i] = ((i * 2654435761) mod 2^32) / 2^32 * 20000 - 10000, i = row * COLS + col, which
 * numpy reproduces exactly. usage: bench_npv_many [ROWS [COLS]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kam.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One read pass: the floor for any algorithm that must look at every value once. */
static double read_pass(const double *v, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i;
  for (i = 0; i + 4 <= n; i += 4) {
    s0 += v[i];
    s1 += v[i + 1];
    s2 += v[i + 2];
    s3 += v[i + 3];
  }
  return s0 + s1 + s2 + s3;
}

int main(int argc, char **argv) {
  size_t rows = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  size_t cols = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 60;
  size_t n = rows * cols, i;
  double *v = malloc(n * sizeof *v), *out = malloc(rows * sizeof *out);
  double best = 1e9, best_pass = 1e9, sink = 0, checksum = 0;
  int run;
  if (!v || !out) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  for (i = 0; i < n; i++)
    v[i] = (double)((uint64_t)i * 2654435761u & 0xFFFFFFFFu) / 4294967296.0 * 20000.0 - 10000.0;
  for (run = 0; run < 7; run++) {
    double t0 = now(), t1;
    if (kam_npv_many(out, 0.01, v, rows, cols, KAM_NPV_EXCEL) != KAM_OK) return 1;
    t1 = now();
    if (t1 - t0 < best) best = t1 - t0;
    t0 = now();
    sink += read_pass(v, n);
    t1 = now();
    if (t1 - t0 < best_pass) best_pass = t1 - t0;
  }
  for (i = 0; i < rows; i++)
    checksum += out[i];
  printf("npv_many: %zu rows x %zu cols (%.0f MB of cash flows)\n", rows, cols,
         (double)(n * sizeof(double)) / 1e6);
  printf("libkam_seconds %.4f\n", best);
  printf("read_pass_seconds %.4f  (%.1f GB/s)\n", best_pass,
         (double)(n * sizeof(double)) / best_pass / 1e9);
  printf("libkam / one read pass: %.2fx (goal: within 2x)\n", best / best_pass);
  printf("checksum %.6e (read pass sum %.3e)\n", checksum, sink);
  free(v);
  free(out);
  return 0;
}

/* bench/json_parse.c - kam_json_parse (and kam_json_write) throughput on a JSON file.
 *
 * usage: bench_json_parse FILE [ROUNDS]
 * Parses FILE ROUNDS times (default 10) and prints the best and median MB/s (MB = 10^6 bytes
 * of input text) in wall time, and the best in CPU time (steadier on a shared machine), then
 * the same for compact kam_json_write into a counting sink.
 * bench/json_parse.sh generates a realistic 20 MB file and compares with Python's json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kam.h"

static double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of this process: steadier than wall time on a machine shared with other jobs. */
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int count_sink(void *ud, const void *buf, size_t len) {
  (void)buf;
  *(size_t *)ud += len;
  return 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  buf = (char *)malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

int main(int argc, char **argv) {
  size_t len, out_len = 0;
  char *text;
  int rounds = argc > 2 ? atoi(argv[2]) : 10, i, rc;
  double *parse_t, *write_t, best_cpu = 1e300;
  kam_ctx *ctx;
  kam_value *v = NULL;
  if (argc < 2 || rounds < 1) {
    fprintf(stderr, "usage: %s FILE [ROUNDS]\n", argv[0]);
    return 2;
  }
  text = read_file(argv[1], &len);
  if (!text) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 1;
  parse_t = (double *)calloc((size_t)rounds, sizeof *parse_t);
  write_t = (double *)calloc((size_t)rounds, sizeof *write_t);
  if (!parse_t || !write_t) return 1;
  for (i = 0; i < rounds; i++) {
    double c0 = cpu_now(), t0 = now();
    rc = kam_json_parse(&v, ctx, text, len);
    parse_t[i] = now() - t0;
    c0 = cpu_now() - c0;
    if (rc != KAM_OK) {
      fprintf(stderr, "parse failed: %s\n", kam_ctx_errmsg(ctx));
      return 1;
    }
    out_len = 0;
    t0 = now();
    rc = kam_json_write(v, 0, count_sink, &out_len);
    write_t[i] = now() - t0;
    if (rc != KAM_OK) return 1;
    t0 = now();
    {
      double c1 = cpu_now();
      kam_value_free(v);
      c0 += cpu_now() - c1;
    }
    parse_t[i] += now() - t0; /* freeing the tree is part of the cost of a parse */
    if (c0 < best_cpu) best_cpu = c0;
  }
  qsort(parse_t, (size_t)rounds, sizeof *parse_t, cmp_double);
  qsort(write_t, (size_t)rounds, sizeof *write_t, cmp_double);
  printf("input: %.1f MB, %d rounds\n", (double)len / 1e6, rounds);
  printf("kam_json_parse+free: best %.0f MB/s, median %.0f MB/s\n", (double)len / 1e6 / parse_t[0],
         (double)len / 1e6 / parse_t[rounds / 2]);
  printf("kam_json_parse+free (CPU time): best %.0f MB/s\n", (double)len / 1e6 / best_cpu);
  printf("kam_json_write (compact, %.1f MB out): best %.0f MB/s, median %.0f MB/s\n",
         (double)out_len / 1e6, (double)out_len / 1e6 / write_t[0],
         (double)out_len / 1e6 / write_t[rounds / 2]);
  kam_ctx_free(ctx);
  free(parse_t);
  free(write_t);
  free(text);
  return 0;
}

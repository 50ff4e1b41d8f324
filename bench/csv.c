/* bench_csv - CSV ingestion: a Russian-Excel export of N accounts read into a portfolio and
 * segmented (bench/csv.sh runs it beside pandas and DuckDB).
 *
 *   bench_csv --write FILE N      write the CSV (deterministic: splitmix64 seeded with 20261202)
 *   bench_csv --run FILE [REPS]   time libkam on it (best of REPS, default 3)
 *   bench_csv --parse FILE [REPS] time the CSV engine alone: tokenising (kam__csv_read) and the
 *                                 amount cells parsed as the portfolio reader parses them
 *                                 (revenue and m1..m12 to minor units), nothing stored
 *
 * The file: UTF-8 BOM, ';' delimiter, decimal comma, CRLF; columns id, name, revenue and the
 * monthly history m1..m12. Revenue is Pareto (alpha 1.16, x_min 1000,00, the 80/20 shape);
 * each month is revenue / 12 times a noise factor whose spread differs per account (so the
 * XYZ classes are all populated). Every 64th name holds the delimiter and doubled quotes, so
 * it is quoted as Excel writes it.
 *
 * KAM_THREADS=T in the environment sets kam_ctx_set_threads(ctx, T) (default 1).
 *
 * Timed, per repetition: kam_portfolio_new + kam_portfolio_read_csv (bytes pulled through a
 * kam_read_fn over read(2) of the file: the page cache, as for the peers) + kam_segment
 * (defaults) + kam_segmentation_summary + kam_segmentation_classes + the XYZ counts through
 * kam_segmentation_foreach; everything freed. read_ms is the kam_portfolio_read_csv part alone.
 * libkam's own allocations are counted through the allocator hook: peak_read_bytes is the peak
 * while reading, stored_bytes what the portfolio holds after it.
 *
 * Output: one line "libkam threads=... bytes=... wall_ms=... cpu_ms=... read_ms=... A=... ..."
 * (best times over the repetitions).
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kam.h"
#include "core/decimal_internal.h"
#include "scoring/csv_internal.h"

typedef struct counting {
  size_t bytes, peak;
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

static double unit(uint64_t *state) { /* (0, 1] */
  return ((double)(splitmix(state) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

static int put_amount(char *b, int64_t minor) {
  return sprintf(b, "%lld,%02lld", (long long)(minor / 100), (long long)(minor % 100));
}

static int write_csv(const char *path, size_t n) {
  static const char *const forms[] = {"ООО", "АО", "ПАО", "ИП", "ЗАО"};
  static const char *const words[] = {"Ромашка", "Вектор",  "Северсталь", "Альфа", "Техно",
                                      "Логистик", "Снабжение", "Агро",     "Строй", "Меридиан"};
  uint64_t state = 20261202;
  size_t i;
  int k;
  FILE *f = fopen(path, "wb");
  char line[1024];
  if (!f) {
    perror(path);
    return 1;
  }
  fputs("\xEF\xBB\xBFid;name;revenue", f);
  for (k = 1; k <= 12; k++)
    fprintf(f, ";m%d", k);
  fputs("\r\n", f);
  for (i = 0; i < n; i++) {
    double u = unit(&state), x = floor(100000.0 * pow(u, -1.0 / 1.16)), spread;
    int64_t rev = x < 1e13 ? (int64_t)x : (int64_t)10000000000000;
    uint64_t pick = splitmix(&state);
    int o;
    o = sprintf(line, "K%08zu;", i + 1);
    if (i % 64 == 63)
      o += sprintf(line + o, "\"%s \"\"%s; %s\"\" %zu\";", forms[pick % 5], words[(pick >> 8) % 10],
                   words[(pick >> 16) % 10], i + 1);
    else
      o += sprintf(line + o, "%s %s-%s %zu;", forms[pick % 5], words[(pick >> 8) % 10],
                   words[(pick >> 16) % 10], i + 1);
    o += put_amount(line + o, rev);
    spread = 0.6 * unit(&state); /* 0 .. 0.6: X, Y and Z accounts */
    for (k = 0; k < 12; k++) {
      double m = (double)rev / 12.0 * (1.0 + spread * (2.0 * unit(&state) - 1.0));
      line[o++] = ';';
      o += put_amount(line + o, (int64_t)m);
    }
    line[o++] = '\r';
    line[o++] = '\n';
    if (fwrite(line, 1, (size_t)o, f) != (size_t)o) break;
  }
  if (fclose(f) || i < n) {
    perror(path);
    return 1;
  }
  return 0;
}

static int read_fd(void *ud, void *buf, size_t cap, size_t *got) {
  ssize_t r = read(*(int *)ud, buf, cap);
  if (r < 0) return -1;
  *got = (size_t)r;
  return 0;
}

typedef struct xyz_count {
  size_t n[4]; /* X Y Z - */
} xyz_count;

static int on_score(void *ud, const kam_account_score *sc) {
  xyz_count *x = (xyz_count *)ud;
  x->n[sc->xyz == 'X' ? 0 : sc->xyz == 'Y' ? 1 : sc->xyz == 'Z' ? 2 : 3]++;
  return 0;
}

static int run(const char *path, int reps, unsigned threads) {
  double best_wall = 1e300, best_cpu = 1e300, best_read = 1e300;
  size_t peak_read = 0, stored = 0, n = 0, bytes = 0, counts[3] = {0, 0, 0};
  xyz_count xyz;
  kam_summary sm;
  int r;
  memset(&xyz, 0, sizeof xyz);
  memset(&sm, 0, sizeof sm);
  for (r = 0; r < reps; r++) {
    counting c = {0, 0};
    kam_ctx *ctx;
    kam_portfolio *p;
    kam_segmentation *s = NULL;
    char *abc = NULL;
    double w0, c0, wr, wall, cpu;
    int rc, fd = open(path, O_RDONLY);
    off_t size;
    if (fd < 0) {
      perror(path);
      return 1;
    }
    size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    bytes = (size_t)size;
    if (kam_ctx_new(&ctx, count_alloc, &c) || kam_ctx_set_threads(ctx, threads)) return 1;
    memset(&xyz, 0, sizeof xyz);
    w0 = seconds(CLOCK_MONOTONIC);
    c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = kam_portfolio_new(&p, ctx);
    if (!rc) rc = kam_portfolio_read_csv(p, read_fd, &fd, NULL);
    wr = seconds(CLOCK_MONOTONIC) - w0;
    if (r == 0) {
      peak_read = c.peak;
      stored = c.bytes;
    }
    n = kam_portfolio_count(p);
    if (!rc) rc = kam_segment(&s, p, NULL);
    if (!rc) {
      sm.struct_size = sizeof sm;
      abc = (char *)malloc(n ? n : 1);
      rc = abc ? kam_segmentation_summary(&sm, s) : KAM_ENOMEM;
    }
    if (!rc) rc = kam_segmentation_classes(abc, n, s);
    if (!rc) rc = kam_segmentation_foreach(s, KAM_ORDER_INSERTION, on_score, &xyz);
    if (rc) {
      fprintf(stderr, "bench_csv: %s (%s)\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
      free(abc);
      return 1;
    }
    wall = seconds(CLOCK_MONOTONIC) - w0;
    cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    close(fd);
    if (wall < best_wall) best_wall = wall;
    if (cpu < best_cpu) best_cpu = cpu;
    if (wr < best_read) best_read = wr;
    if (r == 0) {
      size_t i;
      for (i = 0; i < n; i++)
        counts[abc[i] - 'A']++;
      if (counts[0] != sm.count[0] || counts[1] != sm.count[1] || counts[2] != sm.count[2]) {
        fprintf(stderr, "bench_csv: classes disagree with the summary\n");
        return 1;
      }
    }
    free(abc);
    kam_segmentation_free(s);
    kam_portfolio_free(p);
    kam_ctx_free(ctx);
  }
  printf("libkam threads=%u n=%zu bytes=%zu wall_ms=%.1f cpu_ms=%.1f read_ms=%.1f "
         "peak_read_bytes=%zu stored_bytes=%zu A=%zu B=%zu C=%zu X=%zu Y=%zu Z=%zu\n",
         threads, n, bytes, best_wall * 1e3, best_cpu * 1e3, best_read * 1e3, peak_read, stored,
         sm.count[0], sm.count[1], sm.count[2], xyz.n[0], xyz.n[1], xyz.n[2]);
  return 0;
}

/* --parse: the amount columns (2: revenue, 3..14: m1..m12 in the generated file) of each row. */
typedef struct parse_sink {
  int64_t sum;
  size_t rows;
} parse_sink;

static int parse_header(kam__csv_reader *r) { return r->ncols == 15 ? 0 : KAM_EPARSE; }

static int parse_row(kam__csv_reader *r) {
  parse_sink *ps = (parse_sink *)r->sink;
  size_t col, len, line;
  for (col = 0; col < 2; col++)
    ps->sum += (int64_t)kam__csv_cell(r, col, &len, &line)[0];
  for (col = 2; col < 15; col++) {
    const char *s = kam__csv_cell(r, col, &len, &line);
    int64_t v;
    if (!kam__decimal_minor_simple(&v, s, len, ',', 2) &&
        kam__decimal_read_minor(&v, s, len, KAM__DEC_COMMA | KAM__DEC_CELL, 2, NULL) != KAM_OK)
      return KAM_EPARSE;
    ps->sum += v;
  }
  ps->rows++;
  return 0;
}

static int parse_only(const char *path, int reps) {
  double best = 1e300, best_cpu = 1e300;
  size_t bytes = 0;
  parse_sink ps = {0, 0};
  int r;
  for (r = 0; r < reps; r++) {
    kam_ctx *ctx;
    double w0, c0, w, c;
    int rc, fd = open(path, O_RDONLY);
    if (fd < 0 || kam_ctx_new(&ctx, NULL, NULL)) return 1;
    bytes = (size_t)lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    ps.sum = 0;
    ps.rows = 0;
    w0 = seconds(CLOCK_MONOTONIC);
    c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = kam__csv_read(ctx, "bench_csv", read_fd, &fd, NULL, parse_header, parse_row, &ps);
    w = seconds(CLOCK_MONOTONIC) - w0;
    c = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    close(fd);
    if (rc) {
      fprintf(stderr, "bench_csv: %s (%s)\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
      kam_ctx_free(ctx);
      return 1;
    }
    kam_ctx_free(ctx);
    if (w < best) best = w;
    if (c < best_cpu) best_cpu = c;
  }
  printf("parse threads=1 n=%zu bytes=%zu wall_ms=%.1f cpu_ms=%.1f checksum=%lld\n", ps.rows, bytes,
         best * 1e3, best_cpu * 1e3, (long long)ps.sum);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: bench_csv --write FILE N | --run FILE [REPS] | --parse FILE [REPS]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) return usage();
  if (strcmp(argv[1], "--write") == 0 && argc > 3)
    return write_csv(argv[2], (size_t)strtoull(argv[3], NULL, 10));
  if (strcmp(argv[1], "--parse") == 0) {
    int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
    return parse_only(argv[2], reps < 1 ? 1 : reps);
  }
  if (strcmp(argv[1], "--run") == 0) {
    const char *t = getenv("KAM_THREADS");
    int reps = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3;
    return run(argv[2], reps < 1 ? 1 : reps, t ? (unsigned)strtoul(t, NULL, 10) : 1u);
  }
  return usage();
}

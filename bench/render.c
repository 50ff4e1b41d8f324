/* render.c - Mustache render throughput on a proposal-sized template.
 *
 *   bench_render [DATA_DIR] [--iterations N] [--out FILE]
 *
 * DATA_DIR (default: bench/data next to this file) holds proposal.mustache, the partials
 * argument/contact/item_row.mustache and proposal.json: an HTML commercial proposal in Russian
 * with a 50-row price list, references, a team list, escaping and partials. The template is
 * compiled once and rendered N times (default 100,000) into a memory buffer that is reused;
 * partials come through a kam_partial_fn. --out writes one rendering to FILE (render.sh
 * compares it with mustache.js's). Prints renders per second and output MB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kam.h"

typedef struct out_buf {
  char *data;
  size_t len, cap;
} out_buf;

static int out_write(void *ud, const void *p, size_t n) {
  out_buf *o = (out_buf *)ud;
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 65536;
    char *q;
    while (cap < o->len + n)
      cap *= 2;
    q = (char *)realloc(o->data, cap);
    if (!q) return 1;
    o->data = q;
    o->cap = cap;
  }
  memcpy(o->data + o->len, p, n);
  o->len += n;
  return 0;
}

static char *read_file(const char *dir, const char *name, size_t *len) {
  char path[4096];
  FILE *f;
  char *buf;
  long size;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (!(f = fopen(path, "rb"))) {
    fprintf(stderr, "bench_render: cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = (char *)malloc((size_t)size + 1);
  if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "bench_render: cannot read %s\n", path);
    exit(2);
  }
  fclose(f);
  buf[size] = '\0';
  *len = (size_t)size;
  return buf;
}

static const char *const partial_names[] = {"argument", "contact", "item_row"};

typedef struct partials {
  char *text[3];
  size_t len[3];
} partials;

static int partial_fn(void *ud, const char *name, size_t name_len, const char **src,
                      size_t *src_len) {
  const partials *p = (const partials *)ud;
  size_t i;
  for (i = 0; i < 3; i++) {
    if (strlen(partial_names[i]) == name_len && memcmp(partial_names[i], name, name_len) == 0) {
      *src = p->text[i];
      *src_len = p->len[i];
    }
  }
  return 0;
}

static double now(void) {
  struct timespec ts;
  timespec_get(&ts, TIME_UTC);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  char dir[4096];
  const char *out_path = NULL;
  long iterations = 100000, i;
  kam_ctx *ctx;
  kam_template *t;
  kam_value *data;
  partials parts;
  out_buf out = {NULL, 0, 0};
  char *tpl_text, *json_text;
  size_t tpl_len, json_len, k;
  double t0, t1, secs;
  int a, rc;

  /* Default data dir: bench/data beside this source file. */
  snprintf(dir, sizeof dir, "%s", __FILE__);
  {
    char *slash = strrchr(dir, '/');
    if (slash)
      snprintf(slash, sizeof dir - (size_t)(slash - dir), "/data");
    else
      snprintf(dir, sizeof dir, "bench/data");
  }
  for (a = 1; a < argc; a++) {
    if (!strcmp(argv[a], "--iterations") && a + 1 < argc) {
      iterations = strtol(argv[++a], NULL, 10);
    } else if (!strcmp(argv[a], "--out") && a + 1 < argc) {
      out_path = argv[++a];
    } else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
      printf("usage: bench_render [DATA_DIR] [--iterations N] [--out FILE]\n");
      return 0;
    } else {
      snprintf(dir, sizeof dir, "%s", argv[a]);
    }
  }
  if (iterations < 1) iterations = 1;

  tpl_text = read_file(dir, "proposal.mustache", &tpl_len);
  json_text = read_file(dir, "proposal.json", &json_len);
  for (k = 0; k < 3; k++) {
    char name[64];
    snprintf(name, sizeof name, "%s.mustache", partial_names[k]);
    parts.text[k] = read_file(dir, name, &parts.len[k]);
  }
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 1;
  if ((rc = kam_json_parse(&data, ctx, json_text, json_len)) != KAM_OK ||
      (rc = kam_template_compile(&t, ctx, tpl_text, tpl_len)) != KAM_OK) {
    fprintf(stderr, "bench_render: %s: %s\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
    return 1;
  }

  /* One rendering for --out and as a warm-up. */
  if ((rc = kam_template_render(t, data, partial_fn, &parts, out_write, &out)) != KAM_OK) {
    fprintf(stderr, "bench_render: render: %s: %s\n", kam_strerror(rc), kam_ctx_errmsg(ctx));
    return 1;
  }
  if (out_path) {
    FILE *f = fopen(out_path, "wb");
    if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0) {
      fprintf(stderr, "bench_render: cannot write %s\n", out_path);
      return 1;
    }
  }

  t0 = now();
  for (i = 0; i < iterations; i++) {
    out.len = 0;
    if ((rc = kam_template_render(t, data, partial_fn, &parts, out_write, &out)) != KAM_OK) {
      fprintf(stderr, "bench_render: render: %s\n", kam_strerror(rc));
      return 1;
    }
  }
  t1 = now();
  secs = t1 - t0;
  printf("libkam render: %ld renders of %zu bytes in %.3f s: %.0f renders/s, %.1f MB/s, "
         "%.2f us/render\n",
         iterations, out.len, secs, (double)iterations / secs,
         (double)out.len * (double)iterations / secs / 1e6, secs * 1e6 / (double)iterations);

  kam_template_free(t);
  kam_value_free(data);
  kam_ctx_free(ctx);
  free(out.data);
  free(tpl_text);
  free(json_text);
  for (k = 0; k < 3; k++)
    free(parts.text[k]);
  return 0;
}

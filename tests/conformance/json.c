/* conformance/json.c - runs kam_json_parse over the JSONTestSuite files in <dir>/json.
 *
 * y_*: must parse; the tree must survive write -> parse (compact and pretty) unchanged, and
 *      compact output must come back byte for byte.
 * n_*: must be rejected (KAM_EPARSE or KAM_ELIMIT) with a "line L, column C: " message.
 * i_*: either is fine; must not crash, leak or misreport (accepted ones round-trip too).
 * Prints per-prefix counts; exits 1 on any mismatch. POSIX opendir/readdir is used here only. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "documents/value_internal.h"

/* Writes v (compact or pretty), parses the output and compares; the compact text of the
 * re-parsed tree must also be byte-identical to the first compact text (a fixed point). */
static int round_trip(kam_ctx *ctx, const kam_value *v, uint32_t flags) {
  kam_test_sink sink = {0}, again = {0};
  kam_value *back = NULL;
  int ok;
  if (kam_json_write(v, flags, kam_test_sink_write, &sink) != KAM_OK) return 0;
  ok = kam_json_parse(&back, ctx, sink.data ? sink.data : "", sink.len) == KAM_OK &&
       kam_test_value_equal(v, back);
  if (ok && flags == 0)
    ok = kam_json_write(back, 0, kam_test_sink_write, &again) == KAM_OK && again.len == sink.len &&
         memcmp(again.data, sink.data, sink.len) == 0;
  kam_value_free(back);
  kam_test_sink_free(&sink);
  kam_test_sink_free(&again);
  return ok;
}

int main(int argc, char **argv) {
  char dirpath[4096], path[8192];
  DIR *dir;
  struct dirent *e;
  int counts[3][2] = {{0, 0}, {0, 0}, {0, 0}}; /* y, n, i x {accepted, rejected} */
  int failures = 0;
  kam_test_alloc ta = {0};
  kam_ctx *ctx;
  if (argc < 2) {
    fprintf(stderr, "usage: %s CONFORMANCE_DIR\n", argv[0]);
    return 2;
  }
  snprintf(dirpath, sizeof dirpath, "%s/json", argv[1]);
  dir = opendir(dirpath);
  if (!dir) {
    fprintf(stderr, "cannot open %s\n", dirpath);
    return 1;
  }
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &ta) != KAM_OK) return 1;
  while ((e = readdir(dir)) != NULL) {
    const char *name = e->d_name;
    size_t nlen = strlen(name), len;
    int kind, rc;
    char *text;
    kam_value *v = NULL;
    if (nlen < 6 || strcmp(name + nlen - 5, ".json") != 0 || name[1] != '_') continue;
    kind = name[0] == 'y' ? 0 : name[0] == 'n' ? 1 : name[0] == 'i' ? 2 : -1;
    if (kind < 0) continue;
    snprintf(path, sizeof path, "%s/%s", dirpath, name);
    text = kam_test_read_file(path, &len);
    if (!text) {
      fprintf(stderr, "FAIL %s: cannot read\n", name);
      failures++;
      continue;
    }
    kam_ctx_clear_error(ctx);
    rc = kam_json_parse(&v, ctx, text, len);
    counts[kind][rc == KAM_OK ? 0 : 1]++;
    if (rc == KAM_OK) {
      if (kind == 1) {
        fprintf(stderr, "FAIL %s: accepted\n", name);
        failures++;
      } else if (!round_trip(ctx, v, 0) || !round_trip(ctx, v, KAM_JSON_PRETTY)) {
        fprintf(stderr, "FAIL %s: write/parse round trip differs\n", name);
        failures++;
      }
    } else {
      const char *msg = kam_ctx_errmsg(ctx);
      if (v != NULL || (rc != KAM_EPARSE && rc != KAM_ELIMIT) || strncmp(msg, "line ", 5) != 0 ||
          !strstr(msg, ", column ")) {
        fprintf(stderr, "FAIL %s: bad failure (rc %d, message \"%s\")\n", name, rc, msg);
        failures++;
      } else if (kind == 0) {
        fprintf(stderr, "FAIL %s: rejected: %s\n", name, msg);
        failures++;
      } else if (kind == 2) {
        printf("  %s: rejected (%s)\n", name, msg);
      }
    }
    kam_value_free(v);
    free(text);
  }
  closedir(dir);
  kam_ctx_free(ctx);
  if (ta.blocks != 0) {
    fprintf(stderr, "FAIL: %zu blocks leaked\n", ta.blocks);
    failures++;
  }
  printf("y_: %d accepted, %d rejected\n", counts[0][0], counts[0][1]);
  printf("n_: %d accepted, %d rejected\n", counts[1][0], counts[1][1]);
  printf("i_: %d accepted, %d rejected\n", counts[2][0], counts[2][1]);
  printf("%s: %d failures\n", failures ? "FAILED" : "OK", failures);
  return failures ? 1 : 0;
}

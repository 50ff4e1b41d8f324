/* csv_diff_fuzz.c - differential: kam_portfolio_read_csv on arbitrary bytes read three ways must
 * give the same result, byte for byte:
 *   - whole, on one thread (records that end inside a chunk are split in place, fast path);
 *   - in chunks of 1 to 16 bytes (size from the first byte), on one thread (nearly every record
 *     goes through the byte-wise tokenizer);
 *   - whole, with kam_ctx_set_threads(ctx, 2) (the threaded reader).
 * Same status, same ctx message (line and column included), same count, and on success the
 * same segmentation JSON (ids, names, groups, revenues, cv and trend from the history, npv from
 * the forecast, potential through the score). The portfolio starts with one account, so a
 * failed read must leave exactly that one (atomicity) and ids are checked against it. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

typedef struct result {
  int rc;
  char msg[512];
  size_t count;
  kam_test_sink json;
} result;

static void run(result *out, const uint8_t *data, size_t size, size_t chunk, unsigned threads) {
  kam_test_alloc a;
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_test_source src;
  kam_account first;
  memset(&a, 0, sizeof a);
  memset(out, 0, sizeof *out);
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &a) || kam_ctx_set_threads(ctx, threads) ||
      kam_portfolio_new(&p, ctx))
    abort();
  memset(&first, 0, sizeof first);
  first.struct_size = sizeof first;
  first.id = "A1";
  first.revenue = 100;
  first.potential = NAN;
  if (kam_portfolio_add(p, &first)) abort();
  src = kam_test_source_of((const char *)data, size, chunk);
  out->rc = kam_portfolio_read_csv(p, kam_test_source_read, &src, NULL);
  strncpy(out->msg, out->rc ? kam_ctx_errmsg(ctx) : "", sizeof out->msg - 1);
  out->count = kam_portfolio_count(p);
  if (out->rc && out->count != 1) abort(); /* atomicity */
  if (out->rc == KAM_OK) {
    kam_segmentation *s;
    if (kam_segment(&s, p, NULL)) abort();
    if (kam_segmentation_write_json(s, kam_test_sink_write, &out->json)) abort();
    kam_segmentation_free(s);
  }
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
  if (a.blocks) abort(); /* leak */
}

static void same(const result *x, const result *y) {
  if (x->rc != y->rc || strcmp(x->msg, y->msg) != 0 || x->count != y->count ||
      x->json.len != y->json.len || (x->json.len && memcmp(x->json.data, y->json.data, x->json.len) != 0))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  result whole, bytes, threaded;
  size_t chunk = size ? (size_t)(data[0] % 16) + 1 : 1;
  run(&whole, data, size, 0, 1);
  run(&bytes, data, size, chunk, 1);
  run(&threaded, data, size, 0, 2);
  same(&whole, &bytes);
  same(&whole, &threaded);
  kam_test_sink_free(&whole.json);
  kam_test_sink_free(&bytes.json);
  kam_test_sink_free(&threaded.json);
  return 0;
}

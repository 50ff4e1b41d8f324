/* partial_fuzz.c - the decoder of partial segmentation states (kam_partial_read).
 *
 * Input: any bytes, read as one partial in chunks of 1..16 bytes (the first byte picks the
 * chunk size) under a counting allocator. A refusal must be KAM_EPARSE, KAM_ELIMIT or KAM_ENOMEM
 * and leak nothing; memory stays within a bound proportional to the input. What is accepted
 * must write back to the same bytes, merge with itself exactly and segment without error. */
#include <stdint.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) __builtin_trap();                                                                    \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_test_alloc ta;
  kam_ctx *ctx;
  kam_partial *p = NULL;
  kam_test_source src;
  size_t chunk;
  int rc;
  if (size < 1) return 0;
  chunk = (size_t)(data[0] & 15) + 1;
  memset(&ta, 0, sizeof ta);
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &ta) != KAM_OK) return 0;
  src = kam_test_source_of((const char *)data + 1, size - 1, chunk);
  rc = kam_partial_read(&p, ctx, kam_test_source_read, &src, data[0] & 0x80 ? 4 : 0);
  /* 16 bytes per run read, at most doubled by growth (old and new block during a realloc),
   * plus the ctx, the reader and small blocks */
  CHECK(ta.peak <= 4 * size + 65536);
  if (rc == KAM_OK) {
    kam_test_sink sink;
    kam_partial *q = NULL;
    kam_summary sm;
    kam_segment_cuts cuts;
    memset(&sink, 0, sizeof sink);
    CHECK(kam_partial_write(p, kam_test_sink_write, &sink) == KAM_OK);
    CHECK(sink.len == size - 1 && memcmp(sink.data, data + 1, size - 1) == 0);
    src = kam_test_source_of(sink.data, sink.len, 0);
    CHECK(kam_partial_read(&q, ctx, kam_test_source_read, &src, 0) == KAM_OK);
    memset(&sm, 0, sizeof sm);
    memset(&cuts, 0, sizeof cuts);
    sm.struct_size = sizeof sm;
    cuts.struct_size = sizeof cuts;
    CHECK(kam_partial_segment(&sm, &cuts, p, NULL) == KAM_OK);
    CHECK(sm.accounts == kam_partial_accounts(p));
    rc = kam_partial_merge(q, p); /* doubling may overflow the total: then q is unchanged */
    CHECK(rc == KAM_OK || rc == KAM_EOVERFLOW);
    if (rc == KAM_OK) CHECK(kam_partial_accounts(q) == 2 * kam_partial_accounts(p));
    kam_partial_free(q);
    kam_test_sink_free(&sink);
    kam_partial_free(p);
  } else {
    CHECK(rc == KAM_EPARSE || rc == KAM_ELIMIT || rc == KAM_ENOMEM);
    CHECK(p == NULL);
  }
  kam_ctx_free(ctx);
  CHECK(ta.blocks == 0);
  return 0;
}

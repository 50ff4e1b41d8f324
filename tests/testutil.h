/* testutil.h - shared test helpers: allocators that count and fail on demand, memory sources and
 * sinks for the read/write callbacks, a file reader for conformance data and a value-tree
 * comparison. The cmocka tests link testutil.c and testutil_cmocka.c; the fuzz targets link
 * testutil.c only (everything but kam_test_cmocka_alloc). */
#ifndef KAM_TESTUTIL_H
#define KAM_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "kam.h"

/* A counting allocator with fault injection: allocation number fail_at (1-based, counting only
 * allocations and growing reallocs) returns NULL; fail_at 0 never fails. Use `blocks` to check
 * that nothing is left after kam_ctx_free. */
typedef struct kam_test_alloc {
  size_t blocks;      /* live blocks */
  size_t bytes;       /* live bytes */
  size_t peak;        /* peak live bytes */
  size_t calls;       /* allocation attempts so far (new blocks and growth) */
  size_t fail_at;     /* 0: never */
  size_t failed;      /* how many attempts were refused */
  int fail_all_after; /* nonzero: every attempt from fail_at on fails */
} kam_test_alloc;
void *kam_test_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size);

/* The same through cmocka's test_malloc/test_free, so cmocka reports leaks and overruns. */
void *kam_test_cmocka_alloc(void *ud, void *ptr, size_t old_size, size_t new_size);

/* A write sink collecting bytes in a malloc'd buffer; fail_at_call (1-based) returns fail_status.
 */
typedef struct kam_test_sink {
  char *data;
  size_t len, cap;
  size_t calls, fail_at_call;
  int fail_status;
} kam_test_sink;
int kam_test_sink_write(void *ud, const void *buf, size_t len);
void kam_test_sink_free(kam_test_sink *s);

/* A read source over memory, handing out at most `chunk` bytes per call (0: all);
 * fail_at_call (1-based) returns fail_status. */
typedef struct kam_test_source {
  const char *data;
  size_t len, pos, chunk;
  size_t calls, fail_at_call;
  int fail_status;
} kam_test_source;
int kam_test_source_read(void *ud, void *buf, size_t cap, size_t *nread);
/* A source over data[0..len) handing out at most chunk bytes per call (0: all), never failing. */
kam_test_source kam_test_source_of(const char *data, size_t len, size_t chunk);

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL on failure. */
char *kam_test_read_file(const char *path, size_t *len);

/* 1 when two value trees are equal: same types, same number texts, same string bytes, same
 * keys in the same order. */
int kam_test_value_equal(const kam_value *a, const kam_value *b);

/* OOM sweep of a call that makes and frees its own objects in the ctx it is given: op(ud, ctx)
 * runs with a fresh counting ctx whose 1st, 2nd, ... allocation fails, until it returns KAM_OK.
 * Returns how many runs failed, or (size_t)-1 when a run returned anything but KAM_OK or
 * KAM_ENOMEM, or left a block allocated once its ctx was freed. */
size_t kam_test_oom_sweep(int (*op)(void *ud, kam_ctx *ctx), void *ud);

#endif

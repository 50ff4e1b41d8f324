/* dmu_csv_fuzz.c - kam_dmu_read_csv on arbitrary bytes, fed in chunk sizes taken from the input
 * itself (1 byte up to all of it), into a DMU that already holds one person. Invariants checked
 * (abort on violation, so the fuzzer reports them):
 *   - a failed read returns a KAM_E* code, sets a message and leaves the DMU as it was;
 *   - reading the same bytes whole and in chunks gives the same status and the same count;
 *   - what a successful read added has a profile and a style mix that sums to 1;
 *   - nothing leaks (every block handed back to the counting allocator). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

static int read_all(kam_dmu *d, const uint8_t *data, size_t size, size_t chunk,
                    const kam_csv_options *o) {
  kam_test_source src = kam_test_source_of((const char *)data, size, chunk);
  return kam_dmu_read_csv(d, kam_test_source_read, &src, o);
}

static kam_dmu *with_one_person(kam_ctx *ctx) {
  static const char person[] = "name,title\nПервый,CEO\n";
  kam_dmu *d;
  if (kam_dmu_new(&d, ctx) != KAM_OK) abort();
  if (read_all(d, (const uint8_t *)person, sizeof person - 1, 0, NULL) != KAM_OK) abort();
  return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_test_alloc c = {0};
  kam_ctx *ctx;
  kam_dmu *d, *e;
  kam_csv_options o;
  size_t chunk, i;
  int rc, rc2;
  if (size > 1u << 20) return 0;
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &c) != KAM_OK) return 0;
  d = with_one_person(ctx);
  e = with_one_person(ctx);
  kam_csv_options_init(&o, sizeof o);
  /* The first byte picks the chunk size and, sometimes, a fixed delimiter. */
  chunk = size ? (size_t)(data[0] % 17) : 0;
  if (size && (data[0] & 0x80)) o.delimiter = (data[0] & 0x40) ? ';' : ',';
  rc = read_all(d, data, size, chunk, &o);
  rc2 = read_all(e, data, size, 0, &o);
  if (rc != rc2 || kam_dmu_count(d) != kam_dmu_count(e)) abort();
  if (rc != KAM_OK) {
    if (rc >= 0 || kam_dmu_count(d) != 1 || kam_ctx_errmsg(ctx)[0] == '\0') abort();
  }
  for (i = 0; i < kam_dmu_count(d); i++) {
    kam_profile p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    if (kam_dmu_profile(&p, d, i) != KAM_OK) abort();
    if (!(fabs(p.style[0] + p.style[1] + p.style[2] - 1.0) < 1e-9)) abort();
  }
  kam_dmu_free(d);
  kam_dmu_free(e);
  kam_ctx_free(ctx);
  if (c.blocks != 0) abort();
  return 0;
}

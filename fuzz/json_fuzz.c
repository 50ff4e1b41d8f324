/* json_fuzz.c - kam_json_parse / kam_json_write.
 *
 * Input: any bytes, parsed as JSON. When it parses, the tree is written compact and pretty,
 * each output is parsed again and must give the same tree, and the compact output of the
 * compact output must be byte-identical (a fixed point). When it does not parse, the status is
 * KAM_EPARSE or KAM_ELIMIT with a "line L, column C: " message and *out NULL. A counting
 * allocator checks that nothing is left after each run. Invariants trap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "documents/value_internal.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) __builtin_trap();                                                                    \
  } while (0)

/* Every key of every object in v finds its own member by lookup. */
static void check_lookup(const kam_value *v) {
  size_t i, len;
  for (i = 0; i < kam_value_length(v); i++) {
    if (kam_value_type(v) == KAM_VALUE_OBJECT) {
      const char *key = kam_value_key_at(v, i, &len);
      CHECK(kam_value_get(v, key, len) == kam_value_at(v, i));
    }
    check_lookup(kam_value_at(v, i));
  }
}

/* Writes v with flags, parses the text back and checks the tree; returns the text. */
static kam_test_sink write_and_reparse(kam_ctx *ctx, const kam_value *v, uint32_t flags) {
  kam_test_sink s;
  kam_value *back = NULL;
  memset(&s, 0, sizeof s);
  CHECK(kam_json_write(v, flags, kam_test_sink_write, &s) == KAM_OK);
  CHECK(kam_json_parse(&back, ctx, s.data ? s.data : "", s.len) == KAM_OK);
  CHECK(kam_test_value_equal(v, back));
  check_lookup(v);
  kam_value_free(back);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_test_alloc c = {0};
  kam_ctx *ctx;
  kam_value *v = (kam_value *)&c;
  int rc;
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &c) != KAM_OK) return 0;
  rc = kam_json_parse(&v, ctx, (const char *)data, size);
  if (rc == KAM_OK) {
    kam_test_sink compact = write_and_reparse(ctx, v, 0),
                  pretty = write_and_reparse(ctx, v, KAM_JSON_PRETTY), fixed;
    kam_value *again = NULL;
    memset(&fixed, 0, sizeof fixed);
    CHECK(kam_json_parse(&again, ctx, compact.data, compact.len) == KAM_OK);
    CHECK(kam_json_write(again, 0, kam_test_sink_write, &fixed) == KAM_OK);
    CHECK(fixed.len == compact.len && memcmp(fixed.data, compact.data, compact.len) == 0);
    kam_value_free(again);
    kam_test_sink_free(&fixed);
    kam_test_sink_free(&compact);
    kam_test_sink_free(&pretty);
    kam_value_free(v);
  } else {
    const char *msg = kam_ctx_errmsg(ctx);
    CHECK(v == NULL);
    CHECK(rc == KAM_EPARSE || rc == KAM_ELIMIT || rc == KAM_ENOMEM);
    CHECK(rc == KAM_ENOMEM || (strncmp(msg, "line ", 5) == 0 && strstr(msg, ", column ")));
  }
  kam_ctx_free(ctx);
  CHECK(c.blocks == 0);
  return 0;
}

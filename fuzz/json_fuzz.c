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

#include "value_internal.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) __builtin_trap();                                                                    \
  } while (0)

typedef struct counter {
  size_t blocks;
} counter;

static void *count_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  counter *c = (counter *)ud;
  (void)old_size;
  if (new_size == 0) {
    if (ptr) c->blocks--;
    free(ptr);
    return NULL;
  }
  if (!ptr) {
    void *p = malloc(new_size);
    if (p) c->blocks++;
    return p;
  }
  return realloc(ptr, new_size);
}

typedef struct sink {
  char *data;
  size_t len, cap;
} sink;

static int sink_write(void *ud, const void *buf, size_t len) {
  sink *s = (sink *)ud;
  if (s->len + len > s->cap) {
    size_t cap = s->cap ? s->cap : 256;
    char *p;
    while (cap < s->len + len)
      cap *= 2;
    p = (char *)realloc(s->data, cap);
    if (!p) return -1000;
    s->data = p;
    s->cap = cap;
  }
  memcpy(s->data + s->len, buf, len);
  s->len += len;
  return 0;
}

static int same_tree(const kam_value *a, const kam_value *b) {
  size_t i, la, lb;
  const char *sa, *sb;
  if (kam_value_type(a) != kam_value_type(b)) return 0;
  switch (kam_value_type(a)) {
  case KAM_VALUE_BOOL: return kam_value_bool(a) == kam_value_bool(b);
  case KAM_VALUE_NUMBER:
    sa = kam_value_number_text(a, &la);
    sb = kam_value_number_text(b, &lb);
    return la == lb && memcmp(sa, sb, la) == 0;
  case KAM_VALUE_STRING:
    sa = kam_value_string(a, &la);
    sb = kam_value_string(b, &lb);
    return la == lb && memcmp(sa, sb, la) == 0;
  case KAM_VALUE_ARRAY:
  case KAM_VALUE_OBJECT:
    if (kam_value_length(a) != kam_value_length(b)) return 0;
    for (i = 0; i < kam_value_length(a); i++) {
      if (kam_value_type(a) == KAM_VALUE_OBJECT) {
        sa = kam_value_key_at(a, i, &la);
        sb = kam_value_key_at(b, i, &lb);
        if (la != lb || memcmp(sa, sb, la) != 0) return 0;
        CHECK(kam_value_get(a, sa, la) == kam_value_at(a, i));
      }
      if (!same_tree(kam_value_at(a, i), kam_value_at(b, i))) return 0;
    }
    return 1;
  default: return 1;
  }
}

/* Writes v with flags, parses the text back and checks the tree; returns the text. */
static sink write_and_reparse(kam_ctx *ctx, const kam_value *v, uint32_t flags) {
  sink s = {NULL, 0, 0};
  kam_value *back = NULL;
  CHECK(kam_json_write(v, flags, sink_write, &s) == KAM_OK);
  CHECK(kam_json_parse(&back, ctx, s.data ? s.data : "", s.len) == KAM_OK);
  CHECK(same_tree(v, back));
  kam_value_free(back);
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  counter c = {0};
  kam_ctx *ctx;
  kam_value *v = (kam_value *)&c;
  int rc;
  if (kam_ctx_new(&ctx, count_alloc, &c) != KAM_OK) return 0;
  rc = kam_json_parse(&v, ctx, (const char *)data, size);
  if (rc == KAM_OK) {
    sink compact = write_and_reparse(ctx, v, 0),
         pretty = write_and_reparse(ctx, v, KAM_JSON_PRETTY);
    kam_value *again = NULL;
    sink fixed = {NULL, 0, 0};
    CHECK(kam_json_parse(&again, ctx, compact.data, compact.len) == KAM_OK);
    CHECK(kam_json_write(again, 0, sink_write, &fixed) == KAM_OK);
    CHECK(fixed.len == compact.len && memcmp(fixed.data, compact.data, compact.len) == 0);
    kam_value_free(again);
    free(fixed.data);
    free(compact.data);
    free(pretty.data);
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

/* testutil.c - see testutil.h. No cmocka here: the fuzz targets link this file too
 * (kam_test_cmocka_alloc is in testutil_cmocka.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *kam_test_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size) {
  kam_test_alloc *a = (kam_test_alloc *)ud;
  void *p;
  if (new_size == 0) {
    if (ptr) {
      a->blocks--;
      a->bytes -= old_size;
      free(ptr);
    }
    return NULL;
  }
  if (!ptr || new_size > old_size) {
    a->calls++;
    if (a->fail_at && (a->calls == a->fail_at || (a->fail_all_after && a->calls > a->fail_at))) {
      a->failed++;
      return NULL;
    }
  }
  p = realloc(ptr, new_size);
  if (!p) return NULL;
  if (!ptr) a->blocks++;
  a->bytes = a->bytes - (ptr ? old_size : 0) + new_size;
  if (a->bytes > a->peak) a->peak = a->bytes;
  return p;
}

int kam_test_sink_write(void *ud, const void *buf, size_t len) {
  kam_test_sink *s = (kam_test_sink *)ud;
  s->calls++;
  if (s->fail_at_call && s->calls == s->fail_at_call) return s->fail_status;
  if (s->len + len + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 256;
    char *p;
    while (cap < s->len + len + 1)
      cap *= 2;
    p = (char *)realloc(s->data, cap);
    if (!p) return -1000;
    s->data = p;
    s->cap = cap;
  }
  memcpy(s->data + s->len, buf, len);
  s->len += len;
  s->data[s->len] = '\0';
  return 0;
}

void kam_test_sink_free(kam_test_sink *s) {
  free(s->data);
  memset(s, 0, sizeof *s);
}

int kam_test_source_read(void *ud, void *buf, size_t cap, size_t *nread) {
  kam_test_source *s = (kam_test_source *)ud;
  size_t n = s->len - s->pos;
  s->calls++;
  if (s->fail_at_call && s->calls == s->fail_at_call) return s->fail_status;
  if (n > cap) n = cap;
  if (s->chunk && n > s->chunk) n = s->chunk;
  memcpy(buf, s->data + s->pos, n);
  s->pos += n;
  *nread = n;
  return 0;
}

kam_test_source kam_test_source_of(const char *data, size_t len, size_t chunk) {
  kam_test_source s;
  memset(&s, 0, sizeof s);
  s.data = data;
  s.len = len;
  s.chunk = chunk;
  return s;
}

char *kam_test_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (!f) return NULL;
  for (;;) {
    size_t got;
    if (n + 4096 + 1 > cap) {
      char *p;
      cap = cap ? cap * 2 : 8192;
      p = (char *)realloc(buf, cap);
      if (!p) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = p;
    }
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

int kam_test_value_equal(const kam_value *a, const kam_value *b) {
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
      }
      if (!kam_test_value_equal(kam_value_at(a, i), kam_value_at(b, i))) return 0;
    }
    return 1;
  default: return 1;
  }
}

size_t kam_test_oom_sweep(int (*op)(void *ud, kam_ctx *ctx), void *ud) {
  size_t fail_at;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta;
    kam_ctx *ctx = NULL;
    int rc;
    memset(&ta, 0, sizeof ta);
    if (kam_ctx_new(&ctx, kam_test_alloc_fn, &ta) != KAM_OK) return (size_t)-1;
    ta.fail_at = ta.calls + fail_at;
    rc = op(ud, ctx);
    ta.fail_at = 0;
    kam_ctx_free(ctx);
    if (ta.blocks != 0 || (rc != KAM_OK && rc != KAM_ENOMEM)) return (size_t)-1;
    if (rc == KAM_OK) return fail_at - 1;
  }
}

/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

void *kam_test_cmocka_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    if (ptr) test_free(ptr);
    return NULL;
  }
  return test_realloc(ptr, new_size);
}

int kam_test_sink_write(void *ud, const void *buf, size_t len) {
  kam_test_sink *s = (kam_test_sink *)ud;
  s->calls++;
  if (s->fail_at_call && s->calls == s->fail_at_call) return s->fail_status;
  if (s->len + len + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 256;
    char *p;
    while (cap < s->len + len + 1) cap *= 2;
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

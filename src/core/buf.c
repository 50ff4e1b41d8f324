/* buf.c - a growable byte buffer whose memory comes from the ctx allocator. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void kam__buf_init(kam__buf *b, kam_ctx *ctx) {
  b->ctx = ctx;
  b->data = NULL;
  b->len = b->cap = 0;
}

int kam__buf_reserve(kam__buf *b, size_t extra) {
  size_t need, cap;
  char *p;
  if (extra > SIZE_MAX / 2 - b->len - 1) return KAM_ELIMIT;
  need = b->len + extra + 1;
  if (need <= b->cap) return KAM_OK;
  cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap *= 2;
  p = (char *)kam__realloc(b->ctx, b->data, b->cap, cap);
  if (!p) return KAM_ENOMEM;
  b->data = p;
  b->cap = cap;
  return KAM_OK;
}

int kam__buf_put(kam__buf *b, const void *data, size_t len) {
  int rc = kam__buf_reserve(b, len);
  if (rc) return rc;
  if (len) memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return KAM_OK;
}

int kam__buf_puts(kam__buf *b, const char *s) { return kam__buf_put(b, s, strlen(s)); }

int kam__buf_putc(kam__buf *b, char c) { return kam__buf_put(b, &c, 1); }

int kam__buf_printf(kam__buf *b, const char *fmt, ...) {
  va_list ap;
  int n, rc;
  char small[256];
  va_start(ap, fmt);
  // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
  // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return KAM_EINVAL;
  if ((size_t)n < sizeof small) return kam__buf_put(b, small, (size_t)n);
  rc = kam__buf_reserve(b, (size_t)n);
  if (rc) return rc;
  va_start(ap, fmt);
  // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
  // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return KAM_OK;
}

void kam__buf_free(kam__buf *b) {
  kam__free(b->ctx, b->data, b->cap);
  b->data = NULL;
  b->len = b->cap = 0;
}

int kam__text_out(char *buf, size_t cap, size_t *len, const char *text, size_t n) {
  if (len) *len = n;
  if (cap <= n) {
    if (cap) buf[0] = '\0';
    return KAM_ELIMIT;
  }
  memcpy(buf, text, n);
  buf[n] = '\0';
  return KAM_OK;
}

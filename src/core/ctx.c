/* ctx.c - the context (allocator hook and last error), version and status strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

const char *kam_version(void) { return KAM_VERSION_STRING; }

const char *kam_strerror(int status) {
  switch (status) {
  case KAM_OK: return "ok";
  case KAM_EINVAL: return "invalid argument";
  case KAM_ENOMEM: return "out of memory";
  case KAM_EOVERFLOW: return "integer overflow";
  case KAM_EPARSE: return "malformed input";
  case KAM_ENOSOLUTION: return "no solution";
  case KAM_ENOCONV: return "did not converge";
  case KAM_ESTATE: return "object incomplete for this call";
  case KAM_ENOTFOUND: return "not found";
  case KAM_EEXIST: return "already exists";
  case KAM_ELIMIT: return "limit reached";
  default: return status > 0 ? "callback status" : "unknown error";
  }
}

static void *libc_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, new_size);
}

int kam_ctx_new(kam_ctx **out, kam_alloc_fn alloc, void *alloc_ud) {
  kam_ctx *ctx;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!alloc) {
    alloc = libc_alloc;
    alloc_ud = NULL;
  }
  ctx = (kam_ctx *)alloc(alloc_ud, NULL, 0, sizeof *ctx);
  if (!ctx) return KAM_ENOMEM;
  ctx->alloc = alloc;
  ctx->alloc_ud = alloc_ud;
  ctx->threads = 1;
  ctx->errmsg[0] = '\0';
  *out = ctx;
  return KAM_OK;
}

void kam_ctx_free(kam_ctx *ctx) {
  if (ctx) ctx->alloc(ctx->alloc_ud, ctx, sizeof *ctx, 0);
}

const char *kam_ctx_errmsg(const kam_ctx *ctx) { return ctx ? ctx->errmsg : ""; }

void kam_ctx_clear_error(kam_ctx *ctx) {
  if (ctx) ctx->errmsg[0] = '\0';
}

int kam_ctx_set_threads(kam_ctx *ctx, unsigned threads) {
  if (!ctx) return KAM_EINVAL;
  if (threads < 1 || threads > KAM__MAX_THREADS)
    return kam__error(ctx, KAM_EINVAL, "kam_ctx_set_threads: %u threads is outside 1..%u", threads,
                      KAM__MAX_THREADS);
  ctx->threads = threads;
  return KAM_OK;
}

void *kam__object_new(kam_ctx *ctx, int has_out, size_t size, int *rc) {
  void *obj;
  *rc = KAM_EINVAL;
  if (!has_out || !ctx) return NULL;
  if (!(obj = kam__alloc(ctx, size))) {
    *rc = kam__nomem(ctx);
    return NULL;
  }
  memset(obj, 0, size);
  *rc = KAM_OK;
  return obj;
}

void *kam__alloc(kam_ctx *ctx, size_t size) {
  if (size == 0) return NULL;
  return ctx->alloc(ctx->alloc_ud, NULL, 0, size);
}

void *kam__realloc(kam_ctx *ctx, void *ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) {
    kam__free(ctx, ptr, old_size);
    return NULL;
  }
  return ctx->alloc(ctx->alloc_ud, ptr, ptr ? old_size : 0, new_size);
}

void kam__free(kam_ctx *ctx, void *ptr, size_t size) {
  if (ptr) ctx->alloc(ctx->alloc_ud, ptr, size, 0);
}

void *kam__alloc_array(kam_ctx *ctx, size_t n, size_t size) {
  if (size && n > SIZE_MAX / size) return NULL;
  return kam__alloc(ctx, n * size);
}

char *kam__strndup(kam_ctx *ctx, const char *s, size_t len) {
  char *p;
  if (len == SIZE_MAX) return NULL;
  p = (char *)kam__alloc(ctx, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void kam__free_str(kam_ctx *ctx, char *s) {
  if (s) kam__free(ctx, s, strlen(s) + 1);
}

int kam__verror(kam_ctx *ctx, int status, const char *fmt, va_list ap) {
  if (ctx) {
    // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
    // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
    int n = vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    if (n < 0) ctx->errmsg[0] = '\0';
  }
  return status;
}

int kam__error(kam_ctx *ctx, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  kam__verror(ctx, status, fmt, ap);
  va_end(ap);
  return status;
}

int kam__nomem(kam_ctx *ctx) { return kam__error(ctx, KAM_ENOMEM, "out of memory"); }

bool kam__ascii_ieq(const char *a, size_t alen, const char *b) {
  size_t i;
  for (i = 0; i < alen; i++) {
    if (b[i] == '\0' ||
        kam__ascii_lower((unsigned char)a[i]) != kam__ascii_lower((unsigned char)b[i]))
      return false;
  }
  return b[alen] == '\0';
}

/*
 * internal.h - what libkam's modules share: the ctx layout, allocation through the ctx hook,
 * error messages, a growable byte buffer, overflow-checked money arithmetic, UTF-8 checks and
 * locale-independent number text. Nothing here is exported (kam__ names, hidden visibility).
 */
#ifndef KAM_INTERNAL_H
#define KAM_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kam.h"

#define KAM__ERRMSG_CAP 512

struct kam_ctx {
  kam_alloc_fn alloc;
  void *alloc_ud;
  unsigned threads;             /* kam_ctx_set_threads, 1..KAM__MAX_THREADS */
  char errmsg[KAM__ERRMSG_CAP]; /* fixed: setting an error never allocates */
};

/* ---- splitting work over threads (parallel.c) ---- */

#define KAM__MAX_THREADS 64u
/* Fewest items (accounts) a part gets: below, starting a thread costs more than it saves. */
#define KAM__PART_MIN ((size_t)65536)

/* How many parts n items split into on this ctx: 1..ctx->threads, at least KAM__PART_MIN
 * items each. */
unsigned kam__parts(const kam_ctx *ctx, size_t n);
/* Item range [*lo, *hi) of part k of `parts` over n items (contiguous, in order). */
void kam__part_range(size_t n, unsigned parts, unsigned k, size_t *lo, size_t *hi);
/* Runs task(arg + k * size) for k in [0, parts): part 0 on the calling thread, the others on
 * threads started for the call (or on the calling thread when one cannot be started), and
 * returns when all are done. A task must not allocate, set errors or call back: those belong
 * to the calling thread. */
typedef int (*kam__task_fn)(void *arg);
void kam__parallel(kam__task_fn task, void *args, size_t size, unsigned parts);

/* Allocation through the ctx hook. Sizes must be given back exactly on free/realloc
 * (lua_Alloc semantics). kam__alloc(ctx, 0) returns NULL. Neither sets an error message:
 * callers report KAM_ENOMEM with kam__nomem(ctx). */
void *kam__alloc(kam_ctx *ctx, size_t size);
void *kam__realloc(kam_ctx *ctx, void *ptr, size_t old_size, size_t new_size);
void kam__free(kam_ctx *ctx, void *ptr, size_t size);
/* Allocates n * size bytes, NULL on overflow or failure. */
void *kam__alloc_array(kam_ctx *ctx, size_t n, size_t size);
/* The start of every kam_X_new(out, ctx): a zeroed block of size bytes from ctx, with *rc
 * KAM_OK; or NULL with *rc KAM_EINVAL (has_out false or ctx NULL, no message) or KAM_ENOMEM
 * (message in ctx). */
void *kam__object_new(kam_ctx *ctx, int has_out, size_t size, int *rc);
/* kam__object_new for a T **out: clears *out first when out is not NULL. */
#define KAM__OBJECT_NEW(out, ctx, rc)                                                              \
  kam__object_new((ctx), (out) ? (*(out) = NULL, 1) : 0, sizeof **(out), &(rc))
/* NUL-terminated copy of s[0..len); the block is len + 1 bytes. */
char *kam__strndup(kam_ctx *ctx, const char *s, size_t len);
/* Frees a string made by kam__strndup (NULL ok). */
void kam__free_str(kam_ctx *ctx, char *s);

/* Sets the ctx message (printf-style, truncated to fit) and returns status. ctx may be NULL. */
int kam__error(kam_ctx *ctx, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int kam__verror(kam_ctx *ctx, int status, const char *fmt, va_list ap);
/* KAM_ENOMEM with a standard message. */
int kam__nomem(kam_ctx *ctx);

/* A growable byte buffer whose memory comes from ctx. Always NUL-terminated when data != NULL.
 * kam__buf_put* return KAM_OK or KAM_ENOMEM (or KAM_ELIMIT past SIZE_MAX/2). */
typedef struct kam__buf {
  kam_ctx *ctx;
  char *data;
  size_t len, cap;
} kam__buf;
void kam__buf_init(kam__buf *b, kam_ctx *ctx);
int kam__buf_reserve(kam__buf *b, size_t extra);
int kam__buf_put(kam__buf *b, const void *data, size_t len);
int kam__buf_puts(kam__buf *b, const char *s);
int kam__buf_putc(kam__buf *b, char c);
int kam__buf_printf(kam__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void kam__buf_free(kam__buf *b);

/* Hands finished text to a caller's buffer under the public contract (kam/common.h, "Text
 * into a caller's buffer"): *len (if given) = n; KAM_ELIMIT with "" when n + 1 > cap. The
 * caller has checked buf/cap (buf NULL only with cap 0). */
int kam__text_out(char *buf, size_t cap, size_t *len, const char *text, size_t n);

/* Overflow-checked int64 arithmetic: KAM_OK or KAM_EOVERFLOW; *out untouched on overflow. */
static inline int kam__add_i64(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return KAM_EOVERFLOW;
  *out = r;
  return KAM_OK;
}
static inline int kam__sub_i64(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return KAM_EOVERFLOW;
  *out = r;
  return KAM_OK;
}
static inline int kam__mul_i64(int64_t *out, int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return KAM_EOVERFLOW;
  *out = r;
  return KAM_OK;
}

/* UTF-8: true when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
 * On false, *bad (if not NULL) is the byte offset of the first bad sequence. */
bool kam__utf8_valid(const char *s, size_t len, size_t *bad);
/* Decodes one code point at s[0..len); returns its byte length (0 on invalid or len == 0). */
size_t kam__utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp (<= 0x10FFFF) into out (4 bytes room); returns the length. */
size_t kam__utf8_encode(uint32_t cp, char *out);

/* kam_irr and kam_xirr that add to *passes (when not NULL) one for every pass over the n
 * flows, the unit of the cost bound finance.h states (the tests check the bound by it). */
int kam__irr_counted(double *out, const double *values, size_t n, double guess, size_t *passes);
int kam__xirr_counted(double *out, const double *values, const kam_date *dates, size_t n,
                      double guess, size_t *passes);

/* Locale-independent double <-> text. kam__fmt_double writes the shortest text that reads
 * back as the same double, laid out as JavaScript prints numbers ("1.1", "100", "0.000001",
 * "1e-7", "1e+21", "-0.5"; -0 prints "0"); buf needs 32 bytes; returns the length.
 * NaN and infinities print as "NaN", "Infinity", "-Infinity". kam__parse_double reads a plain
 * decimal number (JSON number grammar, no surrounding space); false if not one. */
size_t kam__fmt_double(char *buf, double v);
bool kam__parse_double(double *out, const char *s, size_t len);

/* ASCII helpers that ignore the C locale. */
static inline bool kam__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int kam__ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
bool kam__ascii_ieq(const char *a, size_t alen, const char *b);

/* Length of a space-like character at s: an ASCII space or `also` (a CSV cell takes '\t', a
 * digit group '\''), NBSP (U+00A0) or narrow NBSP (U+202F); else 0. Inline: it runs on every
 * cell the CSV reader trims and every amount it parses. */
static inline size_t kam__space_len(const char *s, size_t len, char also) {
  if (len >= 1 && (s[0] == ' ' || s[0] == also)) return 1;
  if (len >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
  if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
      (unsigned char)s[2] == 0xAF)
    return 3;
  return 0;
}

/* Writes the decimal digits of v and a NUL into buf (21 bytes are enough); returns the
 * number of digits. */
size_t kam__u64_text(char *buf, uint64_t v);

/* Pass the whole buffer to a write callback; returns its status unchanged. */
static inline int kam__write(kam_write_fn write, void *ud, const void *buf, size_t len) {
  return len ? write(ud, buf, len) : 0;
}

#endif /* KAM_INTERNAL_H */

/*
 * writer_internal.h - the one buffered writer over a kam_write_fn (writer.c) and the one JSON
 * string escaper. Every streaming output of the library goes through it: the segmentation
 * reports (JSON, SVG, CSV), kam_json_write and the template renderer.
 *
 * JSON strings (kam__out_json_string) are written one way everywhere:
 *   - '"' and '\\' as \" and \\; \b \f \n \r \t as such; the other C0 controls as \u00xx
 *     with lower-case hex digits; DEL (0x7F) and everything from U+0080 up as raw UTF-8;
 *   - U+2028 and U+2029 as \u2028 and \u2029 (they end lines in JavaScript, so the output is
 *     safe inside a <script> element);
 *   - the text is otherwise copied byte for byte: every string the library holds was checked
 *     to be UTF-8 when it came in (kam_value strings, account ids, names and groups), so the
 *     output is valid JSON without a second check here.
 */
#ifndef KAM_WRITER_INTERNAL_H
#define KAM_WRITER_INTERNAL_H

#include <string.h>

#include "core/internal.h"

/* Output is collected into a buffer and handed to the write callback in blocks of at most this
 * size, so a 10-million-row report costs a few thousand callback calls. A piece of at least
 * half a block goes to the callback as it is, after what is buffered. */
#define KAM__OUT_BLOCK 16384u

typedef struct kam__out {
  kam_ctx *ctx; /* NULL: a failing callback's status is returned without a message */
  kam_write_fn write;
  void *ud;
  size_t len;
  char block[KAM__OUT_BLOCK];
} kam__out;

/* ctx (may be NULL) receives "the write callback returned N" when the callback fails. */
void kam__out_init(kam__out *o, kam_ctx *ctx, kam_write_fn write, void *ud);
/* Hands everything buffered to the write callback. Returns KAM_OK or the callback's status
 * unchanged. */
int kam__out_flush(kam__out *o);
/* Drops what is buffered (after a failure, or to discard a partial result). */
static inline void kam__out_discard(kam__out *o) { o->len = 0; }
/* kam__out_put when s does not fit in what is left of the block. */
int kam__out_put_slow(kam__out *o, const char *s, size_t len);

/* Appends; flushes when the block is full. Returns KAM_OK or the callback's status. */
static inline int kam__out_put(kam__out *o, const char *s, size_t len) {
  if (len <= KAM__OUT_BLOCK - o->len) {
    char *d = o->block + o->len;
    /* Short pieces (names, numbers, punctuation) without a call to memcpy. */
    if (len >= 8 && len <= 16) {
      uint64_t a, b;
      memcpy(&a, s, 8);
      memcpy(&b, s + len - 8, 8);
      memcpy(d, &a, 8);
      memcpy(d + len - 8, &b, 8);
    } else if (len >= 4 && len < 8) {
      uint32_t a, b;
      memcpy(&a, s, 4);
      memcpy(&b, s + len - 4, 4);
      memcpy(d, &a, 4);
      memcpy(d + len - 4, &b, 4);
    } else if (len < 4) {
      if (len) {
        d[0] = s[0];
        d[len / 2] = s[len / 2];
        d[len - 1] = s[len - 1];
      }
    } else {
      memcpy(d, s, len);
    }
    o->len += len;
    return KAM_OK;
  }
  return kam__out_put_slow(o, s, len);
}

static inline int kam__out_puts(kam__out *o, const char *s) {
  return kam__out_put(o, s, strlen(s));
}

/* s[0..len) as a JSON string with its quotes, escaped as the header comment says; s NULL
 * writes null. */
int kam__out_json_string(kam__out *o, const char *s, size_t len);

#endif /* KAM_WRITER_INTERNAL_H */

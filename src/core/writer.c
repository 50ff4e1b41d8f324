/*
 * writer.c - the buffered writer over a kam_write_fn and the JSON string escaper
 * (writer_internal.h says what they promise).
 */
#include "core/writer_internal.h"

void kam__out_init(kam__out *o, kam_ctx *ctx, kam_write_fn write, void *ud) {
  o->ctx = ctx;
  o->write = write;
  o->ud = ud;
  o->len = 0;
}

static int failed(kam__out *o, int rc) {
  return o->ctx ? kam__error(o->ctx, rc, "the write callback returned %d", rc) : rc;
}

int kam__out_flush(kam__out *o) {
  int rc = kam__write(o->write, o->ud, o->block, o->len);
  o->len = 0;
  return rc ? failed(o, rc) : KAM_OK;
}

int kam__out_put_slow(kam__out *o, const char *s, size_t len) {
  int rc = kam__out_flush(o);
  if (rc) return rc;
  if (len >= KAM__OUT_BLOCK / 2) {
    rc = kam__write(o->write, o->ud, s, len);
    return rc ? failed(o, rc) : KAM_OK;
  }
  memcpy(o->block, s, len);
  o->len = len;
  return KAM_OK;
}

/* Bytes a JSON string copies as they are: all but '"', '\\', the C0 controls and the first
 * byte of U+2028/U+2029 (0xE2, which starts other characters too). */
static inline bool json_plain(unsigned char c) {
  return c >= 0x20 && c != '"' && c != '\\' && c != 0xE2;
}

int kam__out_json_string(kam__out *o, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, start = 0;
  int rc;
  if (!s) return kam__out_put(o, "null", 4);
  if ((rc = kam__out_put(o, "\"", 1)) != 0) return rc;
  while (i < len) {
    unsigned char c = u[i];
    char esc[8];
    size_t elen, step = 1;
    if (json_plain(c)) {
      i++;
      continue;
    }
    if (c == 0xE2) {
      /* U+2028 is E2 80 A8, U+2029 E2 80 A9; other characters starting with E2 are copied */
      if (len - i < 3 || u[i + 1] != 0x80 || (u[i + 2] != 0xA8 && u[i + 2] != 0xA9)) {
        i++;
        continue;
      }
      memcpy(esc, u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      elen = 6;
      step = 3;
    } else if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      elen = 2;
    } else {
      const char *shortform = c == '\n'   ? "\\n"
                              : c == '\r' ? "\\r"
                              : c == '\t' ? "\\t"
                              : c == '\b' ? "\\b"
                              : c == '\f' ? "\\f"
                                          : NULL;
      if (shortform) {
        memcpy(esc, shortform, 2);
        elen = 2;
      } else {
        memcpy(esc, "\\u00", 4);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        elen = 6;
      }
    }
    if ((rc = kam__out_put(o, s + start, i - start)) != 0) return rc;
    if ((rc = kam__out_put(o, esc, elen)) != 0) return rc;
    i += step;
    start = i;
  }
  if ((rc = kam__out_put(o, s + start, len - start)) != 0) return rc;
  return kam__out_put(o, "\"", 1);
}

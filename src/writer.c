/*
 * writer.c - the buffered writer over a kam_write_fn and the JSON string escaper
 * (writer_internal.h says what they promise).
 */
#include "writer_internal.h"

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

int kam__out_json_string(kam__out *o, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0, start = 0;
  int rc;
  if (!s) return kam__out_put(o, "null", 4);
  if ((rc = kam__out_put(o, "\"", 1)) != 0) return rc;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    size_t elen = 0, step = 1;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0x80) {
      uint32_t cp;
      step = kam__utf8_decode(s + i, len - i, &cp);
      if (step && cp != 0x2028 && cp != 0x2029) {
        i += step;
        continue;
      }
      if (step == 0) {
        step = 1;
        memcpy(esc, "\\ufffd", 6);
      } else {
        memcpy(esc, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
      }
      elen = 6;
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

/* json.c - strict RFC 8259 JSON: an iterative parser into an arena tree, and a writer.
 *
 * The parser never recurses: open arrays/objects sit on a fixed stack of KAM__JSON_MAX_DEPTH
 * frames and their items on one growable scratch list, so a container is copied into the arena
 * once, at its exact size, when it closes. Everything the tree needs comes from one arena (a
 * few big chunks), so parsing does no per-value malloc. Strings are scanned eight bytes at a
 * time until something other than plain ASCII shows up, then copied with memcpy (or decoded
 * when they hold escapes). Numbers keep their text; the double beside it comes from an exact
 * fast path (Clinger: <= 19 digits with a mantissa < 2^53 and |exponent| <= 22) or from
 * kam__parse_double. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/linecol_internal.h"
#include "documents/value_internal.h"
#include "core/writer_internal.h"

/* ---- parser --------------------------------------------------------------------------- */

typedef struct frame {
  int is_object;
  size_t start; /* first entry of this container on its stack (items or members) */
} frame;

/* A growable stack of open containers' items (arrays) or members (objects). It grows by half
 * (not doubling) so that its slack stays small next to the tree being built. */
typedef struct entry_stack {
  void *data;
  size_t len, cap, size; /* entries, entry size */
} entry_stack;

typedef struct parser {
  kam_ctx *ctx;
  const unsigned char *text, *end;
  kam__arena arena;
  entry_stack items, members;
  /* Shared arena nodes (never changed): null, false, true; "", [], {}; and the numbers whose
   * text has one or two characters (0..9, -0..-9, 10..99). */
  kam_value *lit[3], *empty[3], *small_num[120];
  int status; /* the error of a helper that returned NULL */
  /* Recently seen keys (direct-mapped by a hash of their bytes): objects of one shape repeat
   * their keys, which then share one arena copy. */
  struct {
    const char *key;
    size_t len;
  } keys[256];
  frame stack[KAM__JSON_MAX_DEPTH];
  /* Only when positions are asked for: the offsets of the open containers' entries (size_t),
   * and per open container its own offset and its first entry there. */
  kam__json_positions *pos;
  entry_stack offs;
  struct pos_frame {
    size_t at, first;
  } * pframe;
} parser;

/* Sets "line L, column C: what" on the ctx. Lines count '\n'; the column counts characters
 * (UTF-8 lead bytes) from the start of the line, both 1-based. */
static int fail_at(parser *P, const unsigned char *at, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static int fail_at(parser *P, const unsigned char *at, int status, const char *fmt, ...) {
  size_t line, col;
  char what[200];
  va_list ap;
  kam__linecol((const char *)P->text, (size_t)(at - P->text), &line, &col);
  va_start(ap, fmt);
  // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
  // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  P->status = status;
  return kam__error(P->ctx, status, "line %zu, column %zu: %s", line, col, what);
}

/* Describes the byte at p for a message. */
static const char *describe(const parser *P, const unsigned char *p, char *buf, size_t cap) {
  if (p >= P->end)
    snprintf(buf, cap, "end of input");
  else if (*p >= 0x20 && *p < 0x7F)
    snprintf(buf, cap, "'%c'", *p);
  else
    snprintf(buf, cap, "byte 0x%02X", *p);
  return buf;
}

static inline const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

/* Room for one more entry on st; NULL when out of memory. */
static void *stack_push(parser *P, entry_stack *st) {
  if (st->len == st->cap) {
    size_t cap = st->cap ? st->cap + st->cap / 2 : 64;
    void *data;
    if (cap > SIZE_MAX / st->size) return NULL;
    data = kam__realloc(P->ctx, st->data, st->cap * st->size, cap * st->size);
    if (!data) return NULL;
    st->data = data;
    st->cap = cap;
  }
  return (char *)st->data + st->size * st->len++;
}

/* A 16-byte arena node (see value_internal.h). */
static kam_value *arena_node(parser *P, int type) {
  kam_value *v = (kam_value *)kam__arena_alloc(&P->arena, sizeof(kam_value));
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  v->type = (uint8_t)type;
  v->flags = KAM__V_ARENA;
  return v;
}

/* A string or number node for len bytes of text: inline up to KAM__INLINE_MAX bytes, else
 * with the bytes in the arena. *dst gets where to write the text (and its NUL). */
static kam_value *text_node(parser *P, int type, size_t len, char **dst) {
  kam_value *v;
  if (len > UINT32_MAX - 1) {
    P->status = kam__error(P->ctx, KAM_ELIMIT, "a string longer than 4 GB");
    return NULL;
  }
  v = arena_node(P, type);
  if (!v) return NULL;
  v->len = (uint32_t)len;
  if (len <= KAM__INLINE_MAX) {
    v->flags |= KAM__V_INLINE;
    *dst = v->u.inl;
    return v;
  }
  *dst = (char *)kam__arena_alloc(&P->arena, len + 1);
  v->u.p = *dst;
  return *dst ? v : NULL;
}

/* Marks (0x80 in that byte) the bytes of w that are '"', '\\' or control characters. Bytes
 * >= 0x80 are never marked; a false mark can only appear above a true one, so the lowest mark
 * is exact (this is the classic "has zero byte" test). */
static inline uint64_t special_bytes(uint64_t w) {
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  return (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)) & high;
}

static inline int is_special(unsigned c) { return c == '"' || c == '\\' || c < 0x20; }

/* Checks UTF-8 in [p, end); returns NULL or the first bad byte. Plain ASCII is skipped eight
 * bytes at a time, and four two-byte sequences (Cyrillic, Greek, ...) are checked at once. */
static const unsigned char *utf8_check(const unsigned char *p, const unsigned char *end) {
  const uint64_t high = 0x8080808080808080u;
  while (p < end) {
    uint32_t cp;
    size_t n;
    if (end - p >= 8) {
      uint64_t w;
      memcpy(&w, p, 8);
      if (!(w & high)) {
        p += 8;
        continue;
      }
      /* lead 110xxxxx (not C0/C1), then 10xxxxxx, four times (little-endian byte order) */
      if ((w & 0xC0E0C0E0C0E0C0E0u) == 0x80C080C080C080C0u) {
        uint64_t lead = w & 0x001E001E001E001Eu;
        if (!((lead - 0x0001000100010001u) & ~lead & 0x8000800080008000u)) {
          p += 8;
          continue;
        }
      }
    }
    if (*p < 0x80) {
      p++;
      continue;
    }
    if (*p >= 0xC2 && *p <= 0xDF && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
      p += 2;
      continue;
    }
    n = kam__utf8_decode((const char *)p, (size_t)(end - p), &cp);
    if (!n) return p;
    p += n;
  }
  return NULL;
}

static inline int hex4(const unsigned char *p, uint32_t *out) {
  uint32_t v = 0;
  int i;
  for (i = 0; i < 4; i++) {
    unsigned c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= c - '0';
    else if (c >= 'a' && c <= 'f')
      v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v |= c - 'A' + 10;
    else
      return 0;
  }
  *out = v;
  return 1;
}

/* p is just after the opening quote. Checks the string (UTF-8, escapes, surrogate pairs) and
 * returns the closing quote, or NULL after setting the error. *escaped tells whether it holds
 * escapes. The end is found first (eight bytes at a time, whatever their script); UTF-8 is
 * then checked only when a byte >= 0x80 went by. */
static const unsigned char *scan_string(parser *P, const unsigned char *p, int *escaped) {
  const unsigned char *start = p, *end = P->end, *bad;
  uint64_t seen = 0;
  char buf[32];
  for (;;) {
    unsigned c;
    while (end - p >= 8) {
      uint64_t w, m;
      memcpy(&w, p, 8);
      m = special_bytes(w);
      if (m) {
        unsigned k = (unsigned)__builtin_ctzll(m) / 8u;
        seen |= w & ((((uint64_t)1) << (8 * k)) - 1); /* the bytes before the mark */
        p += k;
        goto special;
      }
      seen |= w;
      p += 8;
    }
    while (p < end && !is_special(*p))
      seen |= *p++;
    if (p >= end) {
      fail_at(P, p, KAM_EPARSE, "unterminated string");
      return NULL;
    }
  special:
    c = *p;
    if (c == '"') break;
    if (c < 0x20) {
      /* a bad UTF-8 sequence before it is the first error */
      if ((seen & 0x8080808080808080u) && (bad = utf8_check(start, p)) != NULL) goto bad_utf8;
      fail_at(P, p, KAM_EPARSE, "control character U+%04X in string must be escaped", c);
      return NULL;
    }
    *escaped = 1;
    if (end - p < 2) {
      fail_at(P, p + 1, KAM_EPARSE, "unterminated string");
      return NULL;
    }
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': p += 2; break;
    case 'u': {
      uint32_t cp, lo;
      if (end - p < 6 || !hex4(p + 2, &cp)) {
        fail_at(P, p, KAM_EPARSE, "\\u must be followed by four hex digits");
        return NULL;
      }
      if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail_at(P, p, KAM_EPARSE, "lone low surrogate \\u%04X", (unsigned)cp);
        return NULL;
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || !hex4(p + 8, &lo) || lo < 0xDC00 ||
            lo > 0xDFFF) {
          fail_at(P, p, KAM_EPARSE, "high surrogate \\u%04X is not followed by a low one",
                  (unsigned)cp);
          return NULL;
        }
        p += 12;
      } else {
        p += 6;
      }
      break;
    }
    default:
      fail_at(P, p, KAM_EPARSE, "invalid escape \\%s", describe(P, p + 1, buf, sizeof buf));
      return NULL;
    }
  }
  if ((seen & 0x8080808080808080u) && (bad = utf8_check(start, p)) != NULL) goto bad_utf8;
  return p;
bad_utf8:
  fail_at(P, bad, KAM_EPARSE, "invalid UTF-8 in string (byte 0x%02X)", *bad);
  return NULL;
}

/* Decodes the checked string body [p, q) into dst; returns the decoded length. */
static size_t decode_string(char *dst, const unsigned char *p, const unsigned char *q) {
  char *o = dst;
  while (p < q) {
    const unsigned char *run = p;
    uint32_t cp = 0, lo = 0;
    while (p < q && *p != '\\')
      p++;
    memcpy(o, run, (size_t)(p - run));
    o += p - run;
    if (p >= q) break;
    switch (p[1]) {
    case 'b':
      *o++ = '\b';
      p += 2;
      break;
    case 'f':
      *o++ = '\f';
      p += 2;
      break;
    case 'n':
      *o++ = '\n';
      p += 2;
      break;
    case 'r':
      *o++ = '\r';
      p += 2;
      break;
    case 't':
      *o++ = '\t';
      p += 2;
      break;
    case 'u':
      hex4(p + 2, &cp);
      p += 6;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        hex4(p + 2, &lo);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
      }
      o += kam__utf8_encode(cp, o);
      break;
    default:
      *o++ = (char)p[1];
      p += 2;
      break; /* " \ / */
    }
  }
  return (size_t)(o - dst);
}

/* Parses the string at p (the opening quote) into the arena. With as_node, *node gets a string
 * node (bytes stored after it); else *key / *key_len get a bare copy. Returns the position
 * after the closing quote, or NULL on error. */
static const unsigned char *parse_string(parser *P, const unsigned char *p, kam_value **node,
                                         const char **key, size_t *key_len) {
  int escaped = 0;
  const unsigned char *q = scan_string(P, p + 1, &escaped);
  size_t raw = q ? (size_t)(q - p - 1) : 0, len;
  char *dst;
  kam_value *v = NULL;
  if (!q) return NULL;
  if (!node && !escaped && raw <= 32) {
    /* a short plain key: reuse the copy of an equal key seen before */
    uint64_t h = raw;
    size_t slot;
    if (raw >= 8) {
      uint64_t w1, w2;
      memcpy(&w1, p + 1, 8);
      memcpy(&w2, q - 8, 8);
      h ^= w1 ^ (w2 * 31u);
    } else {
      size_t i;
      for (i = 0; i < raw; i++)
        h = h * 131u + p[1 + i];
    }
    h *= 0x9E3779B97F4A7C15u;
    slot = (size_t)(h >> 56);
    if (P->keys[slot].len == raw && P->keys[slot].key &&
        memcmp(P->keys[slot].key, p + 1, raw) == 0) {
      *key = P->keys[slot].key;
      *key_len = raw;
      return q + 1;
    }
    dst = (char *)kam__arena_alloc(&P->arena, raw + 1);
    if (!dst) goto nomem;
    memcpy(dst, p + 1, raw);
    dst[raw] = '\0';
    P->keys[slot].key = dst;
    P->keys[slot].len = raw;
    *key = dst;
    *key_len = raw;
    return q + 1;
  }
  if (node && raw == 0) {
    if (!P->empty[0]) P->empty[0] = arena_node(P, KAM_VALUE_STRING);
    if (!P->empty[0]) goto nomem;
    P->empty[0]->flags |= KAM__V_INLINE; /* u.inl is the empty text */
    *node = P->empty[0];
    return q + 1;
  }
  if (node) {
    /* decoding never makes a string longer */
    v = text_node(P, KAM_VALUE_STRING, raw, &dst);
    if (!v) {
      if (P->status == KAM_ELIMIT) return NULL;
      goto nomem;
    }
  } else {
    dst = (char *)kam__arena_alloc(&P->arena, raw + 1);
    if (!dst) goto nomem;
  }
  if (escaped) {
    len = decode_string(dst, p + 1, q);
  } else {
    memcpy(dst, p + 1, raw);
    len = raw;
  }
  dst[len] = '\0';
  if (node) {
    v->len = (uint32_t)len;
    if (len <= KAM__INLINE_MAX && !(v->flags & KAM__V_INLINE)) {
      /* an escaped string that decoded short: into the node (its bytes stay arena garbage) */
      memcpy(v->u.inl, dst, len + 1);
      v->flags |= KAM__V_INLINE;
    }
    *node = v;
  } else {
    *key = dst;
    *key_len = len;
  }
  return q + 1;
nomem:
  P->status = kam__nomem(P->ctx);
  return NULL;
}

/* The digits of a fraction or an exponent at p: at least one, else KAM_EPARSE saying where one
 * was expected; returns the position after them or NULL. */
static inline const unsigned char *fraction_digits(parser *P, const unsigned char *p,
                                                   const char *where) {
  const unsigned char *end = P->end;
  char buf[32];
  if (p >= end || !kam__is_digit(*p)) {
    fail_at(P, p, KAM_EPARSE, "invalid number: expected a digit %s, found %s", where,
            describe(P, p, buf, sizeof buf));
    return NULL;
  }
  while (p < end && kam__is_digit(*p))
    p++;
  return p;
}

/* Parses the number at p into an arena node; returns the position after it or NULL. */
static const unsigned char *parse_number(parser *P, const unsigned char *p, kam_value **node) {
  const unsigned char *start = p, *end = P->end;
  size_t len;
  kam_value *v;
  char buf[32], *dst;
  if (*p == '-') p++;
  if (p >= end || !kam__is_digit(*p)) {
    fail_at(P, p, KAM_EPARSE, "invalid number: expected a digit, found %s",
            describe(P, p, buf, sizeof buf));
    return NULL;
  }
  if (*p == '0') {
    p++;
  } else {
    while (p < end && kam__is_digit(*p))
      p++;
  }
  if (p < end && *p == '.' && !(p = fraction_digits(P, p + 1, "after '.'"))) return NULL;
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (!(p = fraction_digits(P, p, "in the exponent"))) return NULL;
  }
  len = (size_t)(p - start);
  if (len <= 2) {
    /* 0..9, -0..-9 and 10..99 are shared: an array of them costs a pointer per item */
    size_t k = len == 1          ? (size_t)(start[0] - '0')
               : start[0] == '-' ? 10 + (size_t)(start[1] - '0')
                                 : 20 + (size_t)(start[0] - '0') * 10 + (size_t)(start[1] - '0');
    if (!P->small_num[k]) {
      v = text_node(P, KAM_VALUE_NUMBER, len, &dst);
      if (!v) goto nomem;
      memcpy(dst, start, len);
      dst[len] = '\0';
      P->small_num[k] = v;
    }
    *node = P->small_num[k];
    return p;
  }
  v = text_node(P, KAM_VALUE_NUMBER, len, &dst);
  if (!v) goto nomem;
  memcpy(dst, start, len);
  dst[len] = '\0';
  *node = v;
  return p;
nomem:
  if (P->status != KAM_ELIMIT) P->status = kam__nomem(P->ctx);
  return NULL;
}

/* The shared node for null (0), false (1) or true (2). */
static kam_value *literal(parser *P, int which) {
  if (!P->lit[which]) {
    kam_value *v = arena_node(P, which ? KAM_VALUE_BOOL : KAM_VALUE_NULL);
    if (!v) return NULL;
    v->u.b = which == 2;
    P->lit[which] = v;
  }
  return P->lit[which];
}

/* Removes duplicate keys from m[0..n) (the last value wins, at the first key's position)
 * and fills index (zeroed, 1 << bits slots; NULL for none); returns how many are kept. The
 * dropped values are arena garbage: nothing is freed. */
static size_t dedupe(kam__member *m, size_t n, uint32_t *index, uint32_t bits,
                     const kam_ctx *seed) {
  size_t i, kept = 0;
  for (i = 0; i < n; i++) {
    if (index) {
      size_t mask = ((size_t)1 << bits) - 1;
      size_t slot = (size_t)kam__key_hash(seed, m[i].key, m[i].key_len) & mask;
      for (;;) {
        uint32_t e = index[slot];
        if (!e) {
          m[kept] = m[i];
          index[slot] = (uint32_t)(++kept);
          break;
        }
        if (m[e - 1].key_len == m[i].key_len && !memcmp(m[e - 1].key, m[i].key, m[i].key_len)) {
          m[e - 1].val = m[i].val;
          break;
        }
        slot = (slot + 1) & mask;
      }
    } else {
      size_t j;
      for (j = 0; j < kept; j++)
        if (m[j].key_len == m[i].key_len && !memcmp(m[j].key, m[i].key, m[i].key_len)) break;
      if (j < kept)
        m[j].val = m[i].val;
      else
        m[kept++] = m[i];
    }
  }
  return kept;
}

/* The shared empty array (1) or object (2). */
static kam_value *empty_container(parser *P, int which) {
  if (!P->empty[which])
    P->empty[which] = arena_node(P, which == 1 ? KAM_VALUE_ARRAY : KAM_VALUE_OBJECT);
  return P->empty[which];
}

/* Closes the container of the top frame: its items move from their stack to the arena, at
 * their exact size. */
static kam_value *close_container(parser *P, const frame *f) {
  entry_stack *st = f->is_object ? &P->members : &P->items;
  size_t n = st->len - f->start;
  kam_value *v;
  if (n == 0) return empty_container(P, f->is_object ? 2 : 1);
  if (n >= UINT32_MAX / 4) {
    P->status = kam__error(P->ctx, KAM_ELIMIT, "an %s has more than %u items",
                           f->is_object ? "object" : "array", (unsigned)(UINT32_MAX / 4));
    return NULL;
  }
  v = arena_node(P, f->is_object ? KAM_VALUE_OBJECT : KAM_VALUE_ARRAY);
  if (!v) return NULL;
  v->len = (uint32_t)n;
  if (f->is_object) {
    const kam__member *from = (const kam__member *)P->members.data + f->start;
    size_t slots = 0, head = 0;
    char *block;
    if (n > KAM__INDEX_MIN) {
      /* the ctx (the hash seed), then the index slots, then the members */
      v->index_bits = (uint8_t)kam__index_bits_for(n);
      slots = (size_t)1 << v->index_bits;
      head = sizeof(kam_ctx *) + slots * sizeof(uint32_t);
    }
    block = (char *)kam__arena_alloc(&P->arena, head + n * sizeof(kam__member));
    if (!block) return NULL;
    v->u.m = (kam__member *)(void *)(block + head);
    memcpy(v->u.m, from, n * sizeof(kam__member));
    if (head) {
      /* the seed pointer, then the index (pointer-sized on purpose) */
      memcpy(block, &P->ctx, sizeof P->ctx); /* NOLINT(bugprone-sizeof-expression) */
      /* NOLINTNEXTLINE(bugprone-sizeof-expression) */
      memset(block + sizeof P->ctx, 0, slots * sizeof(uint32_t));
    }
    v->len = (uint32_t)dedupe(v->u.m, n, kam__obj_index(v), v->index_bits, P->ctx);
  } else {
    kam_value *const *from = (kam_value *const *)P->items.data + f->start;
    if (n == 1) {
      v->u.one = from[0];
    } else {
      v->u.items = (kam_value **)kam__arena_alloc(&P->arena, n * sizeof(kam_value *));
      if (!v->u.items) return NULL;
      memcpy(v->u.items, from, n * sizeof(kam_value *));
    }
  }
  st->len = f->start;
  return v;
}

/* Grows an array of the positions table to hold need entries of size bytes. */
static int pos_reserve(kam__json_positions *pos, void **data, size_t *cap, size_t need,
                       size_t size) {
  size_t n = *cap ? *cap : 16;
  void *grown;
  if (need <= *cap) return KAM_OK;
  while (n < need)
    n *= 2;
  if (n > SIZE_MAX / size) return KAM_ENOMEM;
  grown = kam__realloc(pos->ctx, *data, *cap * size, n * size);
  if (!grown) return KAM_ENOMEM;
  *data = grown;
  *cap = n;
  return KAM_OK;
}

/* Moves the offsets of the entries of the container v just closed (frame f, whose offsets
 * start at entry first of P->offs) into the positions table, in v's order: for an object
 * whose duplicated keys were dropped, each offset goes to the member that kept its value. */
static int record_box(parser *P, const kam_value *v, const frame *f, size_t first) {
  kam__json_positions *pos = P->pos;
  const size_t *offs;
  size_t n = P->offs.len - first, kept, i;
  void *at = pos->at, *boxes = pos->boxes;
  P->offs.len = first;
  if (n == 0) return KAM_OK; /* (offs.data may still be NULL) */
  offs = (const size_t *)P->offs.data + first;
  kept = kam__vlen(v);
  if (pos_reserve(pos, &at, &pos->cap, pos->len + kept, sizeof *pos->at)) return KAM_ENOMEM;
  pos->at = (size_t *)at;
  if (pos_reserve(pos, &boxes, &pos->boxcap, pos->nboxes + 1, sizeof *pos->boxes))
    return KAM_ENOMEM;
  pos->boxes = (kam__json_box *)boxes;
  pos->boxes[pos->nboxes].data = f->is_object ? (const void *)v->u.m : (const void *)kam__items(v);
  pos->boxes[pos->nboxes++].first = pos->len;
  if (!f->is_object || kept == n) {
    memcpy(pos->at + pos->len, offs, n * sizeof *offs);
  } else {
    const kam__member *from = (const kam__member *)P->members.data + f->start;
    for (i = 0; i < n; i++) /* the last of equal keys wins, as in the tree */
      pos->at[pos->len + kam__object_find(v, from[i].key, from[i].key_len)] = offs[i];
  }
  pos->len += kept;
  return KAM_OK;
}

static int parse(parser *P, kam_value **root_out) {
  const unsigned char *p = P->text, *end = P->end;
  size_t depth = 0;
  kam_value *val = NULL;
  const unsigned char *vstart = NULL; /* where the current value starts */
  char buf[32];
  frame *f;

value:
  p = skip_ws(p, end);
  if (p >= end)
    return fail_at(P, p, KAM_EPARSE,
                   depth ? "unexpected end of input, expected a value"
                         : "empty input, expected a JSON value");
  vstart = p;
  switch (*p) {
  case '{':
  case '[':
    if (depth == KAM__JSON_MAX_DEPTH)
      return fail_at(P, p, KAM_ELIMIT, "nesting deeper than %d arrays/objects",
                     KAM__JSON_MAX_DEPTH);
    f = &P->stack[depth++];
    f->is_object = *p == '{';
    f->start = f->is_object ? P->members.len : P->items.len;
    if (P->pos) {
      P->pframe[depth - 1].at = (size_t)(p - P->text);
      P->pframe[depth - 1].first = P->offs.len;
    }
    p = skip_ws(p + 1, end);
    if (p < end && *p == (f->is_object ? '}' : ']')) {
      p++;
      goto close;
    }
    if (f->is_object) goto key;
    goto value;
  case '"':
    p = parse_string(P, p, &val, NULL, NULL);
    if (!p) return P->status;
    break;
  case 't':
  case 'f':
  case 'n': {
    int which = *p == 'n' ? 0 : *p == 'f' ? 1 : 2;
    static const char *const words[3] = {"null", "false", "true"};
    size_t wl = which == 1 ? 5 : 4;
    if ((size_t)(end - p) < wl || memcmp(p, words[which], wl) != 0)
      return fail_at(P, p, KAM_EPARSE, "invalid literal (expected %s)", words[which]);
    val = literal(P, which);
    if (!val) return kam__nomem(P->ctx);
    p += wl;
    break;
  }
  default:
    if (*p == '-' || kam__is_digit(*p)) {
      p = parse_number(P, p, &val);
      if (!p) return P->status;
      break;
    }
    return fail_at(P, p, KAM_EPARSE, "unexpected %s, expected a value",
                   describe(P, p, buf, sizeof buf));
  }

have_value:
  if (P->pos) {
    size_t *off = depth ? (size_t *)stack_push(P, &P->offs) : &P->pos->root;
    if (!off) return kam__nomem(P->ctx);
    *off = (size_t)(vstart - P->text);
  }
  if (depth == 0) {
    p = skip_ws(p, end);
    if (p < end)
      return fail_at(P, p, KAM_EPARSE, "unexpected %s after the JSON value",
                     describe(P, p, buf, sizeof buf));
    *root_out = val;
    return KAM_OK;
  }
  f = &P->stack[depth - 1];
  if (f->is_object) {
    ((kam__member *)P->members.data)[P->members.len - 1].val = val;
  } else {
    kam_value **slot = (kam_value **)stack_push(P, &P->items);
    if (!slot) return kam__nomem(P->ctx);
    *slot = val;
  }
  p = skip_ws(p, end);
  if (p < end && *p == ',') {
    p = skip_ws(p + 1, end);
    if (f->is_object) goto key;
    goto value;
  }
  if (p < end && *p == (f->is_object ? '}' : ']')) {
    p++;
    goto close;
  }
  if (p >= end)
    return fail_at(P, p, KAM_EPARSE, "unexpected end of input in %s",
                   f->is_object ? "an object" : "an array");
  return fail_at(P, p, KAM_EPARSE, "unexpected %s, expected ',' or '%c'",
                 describe(P, p, buf, sizeof buf), f->is_object ? '}' : ']');

close:
  P->status = KAM_ENOMEM;
  val = close_container(P, &P->stack[depth - 1]);
  if (!val) return P->status == KAM_ENOMEM ? kam__nomem(P->ctx) : P->status;
  if (P->pos) {
    if (record_box(P, val, &P->stack[depth - 1], P->pframe[depth - 1].first))
      return kam__nomem(P->ctx);
    vstart = P->text + P->pframe[depth - 1].at;
  }
  depth--;
  goto have_value;

key:
  if (p >= end || *p != '"')
    return fail_at(P, p, KAM_EPARSE, "unexpected %s, expected a string key",
                   describe(P, p, buf, sizeof buf));
  {
    const char *k = NULL;
    size_t kl = 0;
    kam__member *m;
    p = parse_string(P, p, NULL, &k, &kl);
    if (!p) return P->status;
    m = (kam__member *)stack_push(P, &P->members);
    if (!m) return kam__nomem(P->ctx);
    m->key = k;
    m->key_len = kl;
    m->val = NULL;
  }
  p = skip_ws(p, end);
  if (p >= end || *p != ':')
    return fail_at(P, p, KAM_EPARSE, "unexpected %s, expected ':' after the key",
                   describe(P, p, buf, sizeof buf));
  p++;
  goto value;
}

static int parse_text(kam_value **out, kam_ctx *ctx, const char *text, size_t len,
                      kam__json_positions *pos) {
  parser *P;
  kam__vroot *root;
  kam_value *val = NULL;
  kam__arena arena;
  int rc;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  if (!text && len) return kam__error(ctx, KAM_EINVAL, "JSON: the text is NULL");
  /* The parser state (with its 512-frame stack) is allocated, not put on the C stack. */
  P = (parser *)kam__alloc(ctx, sizeof *P);
  if (!P) return kam__nomem(ctx);
  P->ctx = ctx;
  P->text = (const unsigned char *)(text ? text : "");
  P->end = P->text + len;
  memset(&P->items, 0, sizeof P->items);
  memset(&P->members, 0, sizeof P->members);
  P->items.size = sizeof(kam_value *);
  P->members.size = sizeof(kam__member);
  memset(P->lit, 0, sizeof P->lit);
  memset(P->empty, 0, sizeof P->empty);
  memset(P->small_num, 0, sizeof P->small_num);
  memset(P->keys, 0, sizeof P->keys);
  P->status = KAM_OK;
  P->pos = pos;
  memset(&P->offs, 0, sizeof P->offs);
  P->offs.size = sizeof(size_t);
  P->pframe = NULL;
  if (pos) {
    P->pframe = (struct pos_frame *)kam__alloc_array(ctx, KAM__JSON_MAX_DEPTH, sizeof *P->pframe);
    if (!P->pframe) {
      kam__free(ctx, P, sizeof *P);
      return kam__nomem(ctx);
    }
  }
  /* Chunks of at most a quarter of the text (64 KB .. 4 MB), so the unused end of the last
   * one stays small next to the tree; big ones cost more in page faults than they save. */
  kam__arena_init(&P->arena, ctx, len / 4, len / 4 > 65536 ? len / 4 : 65536);
  root = (kam__vroot *)kam__arena_alloc(&P->arena, sizeof *root);
  rc = root ? parse(P, &val) : kam__nomem(ctx);
  kam__free(ctx, P->items.data, P->items.cap * P->items.size);
  kam__free(ctx, P->members.data, P->members.cap * P->members.size);
  kam__free(ctx, P->offs.data, P->offs.cap * P->offs.size);
  if (pos) kam__free(ctx, P->pframe, KAM__JSON_MAX_DEPTH * sizeof *P->pframe);
  arena = P->arena;
  kam__free(ctx, P, sizeof *P);
  /* val is set exactly when rc is KAM_OK; testing both lets the analyzer see it (it does not
   * follow kam__nomem() or the variadic fail_at()). */
  if (rc != KAM_OK || !val) {
    kam__arena_free(&arena);
    return rc;
  }
  /* The root is a full node (it can be changed): a copy of the top arena node. */
  memset(&root->h, 0, sizeof root->h);
  root->h.v = *val;
  root->h.v.flags = (uint8_t)(KAM__V_ROOT | (val->flags & KAM__V_INLINE));
  root->h.ctx = ctx;
  root->h.len = val->len;
  if (val->type == KAM_VALUE_ARRAY || val->type == KAM_VALUE_OBJECT) root->h.cap = val->len;
  if (val->type == KAM_VALUE_ARRAY && val->len == 1) root->h.v.u.items = &val->u.one;
  if (val->type == KAM_VALUE_OBJECT) root->h.x.index = kam__obj_index(val);
  if (val->type == KAM_VALUE_NUMBER) root->h.x.d = kam__number_of_text(kam__text(val), val->len);
  root->arena = arena;
  *out = &root->h.v;
  return KAM_OK;
}

int kam_json_parse(kam_value **out, kam_ctx *ctx, const char *text, size_t len) {
  return parse_text(out, ctx, text, len, NULL);
}

int kam__json_parse_positions(kam_value **out, kam_ctx *ctx, const char *text, size_t len,
                              kam__json_positions *pos) {
  int rc;
  memset(pos, 0, sizeof *pos);
  pos->ctx = ctx;
  rc = parse_text(out, ctx, text, len, pos);
  if (rc) kam__json_positions_free(pos);
  return rc;
}

void kam__json_positions_free(kam__json_positions *pos) {
  if (!pos->ctx) return;
  kam__free(pos->ctx, pos->at, pos->cap * sizeof *pos->at);
  kam__free(pos->ctx, pos->boxes, pos->boxcap * sizeof *pos->boxes);
  pos->at = NULL;
  pos->boxes = NULL;
  pos->len = pos->cap = pos->nboxes = pos->boxcap = 0;
}

size_t kam__json_position(const kam__json_positions *pos, const kam_value *container, size_t i) {
  const void *data;
  size_t b;
  if (!container || i >= kam__vlen(container)) return SIZE_MAX;
  if (container->type == KAM_VALUE_OBJECT)
    data = container->u.m;
  else if (container->type == KAM_VALUE_ARRAY)
    data = kam__items(container);
  else
    return SIZE_MAX;
  for (b = 0; b < pos->nboxes; b++)
    if (pos->boxes[b].data == data) return pos->at[pos->boxes[b].first + i];
  return SIZE_MAX;
}

/* ---- writer --------------------------------------------------------------------------- */

/* Output goes through the library's one writer and JSON string escaper (writer_internal.h). */
typedef kam__out writer;

static int w_put(writer *w, const char *s, size_t len) { return kam__out_put(w, s, len); }

static int w_putc(writer *w, char c) { return kam__out_put(w, &c, 1); }

static int w_indent(writer *w, size_t depth) {
  int rc = w_putc(w, '\n');
  static const char spaces[] = "                                ";
  depth *= 2;
  while (!rc && depth) {
    size_t k = depth < sizeof spaces - 1 ? depth : sizeof spaces - 1;
    rc = w_put(w, spaces, k);
    depth -= k;
  }
  return rc;
}

/* An empty string may have no storage: it is "", never null. */
static int w_string(writer *w, const char *s, size_t len) {
  return kam__out_json_string(w, s ? s : "", len);
}

typedef struct wframe {
  const kam_value *v;
  size_t i;
} wframe;

int kam_json_write(const kam_value *v, uint32_t flags, kam_write_fn write, void *ud) {
  /* An inner node of a parsed tree has no ctx to allocate through, and at most
   * KAM__JSON_MAX_DEPTH levels below it: the local stack always holds those. */
  wframe local[KAM__JSON_MAX_DEPTH], *stack = local;
  size_t depth = 0, cap = sizeof local / sizeof local[0];
  int pretty = (flags & KAM_JSON_PRETTY) != 0, rc = 0;
  writer *w, wbuf;
  kam_ctx *ctx;
  const kam_value *cur = v;
  if (!v || !write) return KAM_EINVAL;
  ctx = kam__value_ctx(v);
  if (flags & ~(uint32_t)KAM_JSON_PRETTY)
    return kam__error(ctx, KAM_EINVAL, "JSON write: unknown flags 0x%X", (unsigned)flags);
  w = &wbuf;
  kam__out_init(w, NULL, write, ud);

emit:
  switch (cur->type) {
  case KAM_VALUE_NULL:
  case KAM_VALUE_LAMBDA: rc = w_put(w, "null", 4); break;
  case KAM_VALUE_BOOL: rc = cur->u.b ? w_put(w, "true", 4) : w_put(w, "false", 5); break;
  case KAM_VALUE_NUMBER: rc = w_put(w, kam__text(cur), kam__vlen(cur)); break;
  case KAM_VALUE_STRING: rc = w_string(w, kam__text(cur), kam__vlen(cur)); break;
  case KAM_VALUE_ARRAY:
  case KAM_VALUE_OBJECT: {
    int is_object = cur->type == KAM_VALUE_OBJECT;
    if (kam__vlen(cur) == 0) {
      rc = w_put(w, is_object ? "{}" : "[]", 2);
      break;
    }
    if (depth == cap) {
      wframe *bigger;
      if (!ctx || cap > SIZE_MAX / 2 / sizeof *stack) {
        rc = kam__nomem(ctx);
        goto done;
      }
      bigger = (wframe *)kam__alloc(ctx, cap * 2 * sizeof *stack);
      if (!bigger) {
        rc = kam__nomem(ctx);
        goto done;
      }
      memcpy(bigger, stack, depth * sizeof *stack);
      if (stack != local) kam__free(ctx, stack, cap * sizeof *stack);
      stack = bigger;
      cap *= 2;
    }
    stack[depth].v = cur;
    stack[depth].i = 0;
    depth++;
    rc = w_putc(w, is_object ? '{' : '[');
    if (!rc && pretty) rc = w_indent(w, depth);
    goto child;
  }
  default: rc = kam__error(ctx, KAM_EINVAL, "JSON write: corrupt value"); break;
  }
  if (rc) goto done;

next:
  if (depth == 0) goto done;
  {
    wframe *f = &stack[depth - 1];
    if (++f->i < kam__vlen(f->v)) {
      rc = w_putc(w, ',');
      if (!rc && pretty) rc = w_indent(w, depth);
      goto child;
    }
    depth--;
    if (pretty && (rc = w_indent(w, depth)) != 0) goto done;
    rc = w_putc(w, f->v->type == KAM_VALUE_OBJECT ? '}' : ']');
    if (rc) goto done;
    goto next;
  }

child:
  if (rc) goto done;
  {
    wframe *f = &stack[depth - 1];
    if (f->v->type == KAM_VALUE_OBJECT) {
      const kam__member *m = &f->v->u.m[f->i];
      rc = w_string(w, m->key, m->key_len);
      if (!rc) rc = pretty ? w_put(w, ": ", 2) : w_putc(w, ':');
      if (rc) goto done;
      cur = m->val;
    } else {
      cur = kam__items(f->v)[f->i];
    }
  }
  goto emit;

done:
  if (stack != local) kam__free(ctx, stack, cap * sizeof *stack);
  if (rc) return rc;
  return kam__out_flush(w);
}

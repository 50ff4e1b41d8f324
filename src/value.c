/* value.c - kam_value: builders, readers, objects with a hash index, iterative free.
 * The node layout and the memory model are described in value_internal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "value_internal.h"

/* ---- arena ---------------------------------------------------------------------------- */

#define ARENA_MIN_CHUNK ((size_t)4096)
#define ARENA_MAX_CHUNK ((size_t)4 << 20)

void kam__arena_init(kam__arena *a, kam_ctx *ctx, size_t first_chunk) {
  a->ctx = ctx;
  a->chunks = NULL;
  a->cur = a->end = NULL;
  if (first_chunk < ARENA_MIN_CHUNK) first_chunk = ARENA_MIN_CHUNK;
  if (first_chunk > ARENA_MAX_CHUNK) first_chunk = ARENA_MAX_CHUNK;
  a->next_size = first_chunk;
}

void *kam__arena_grow(kam__arena *a, size_t size) {
  size_t hdr = (sizeof(kam__chunk) + 7u) & ~(size_t)7u, want = a->next_size;
  kam__chunk *c;
  if (size > SIZE_MAX / 2 - hdr) return NULL;
  if (want < size + hdr) want = size + hdr;
  c = (kam__chunk *)kam__alloc(a->ctx, want);
  if (!c) return NULL;
  c->size = want;
  c->next = a->chunks;
  a->chunks = c;
  /* A request bigger than the usual chunk gets a chunk of its own and keeps the old one in
   * use, so one big string does not waste the rest of the current chunk. */
  if (want - hdr - size >= (size_t)(a->end - a->cur) || !a->cur) {
    a->cur = (char *)c + hdr + size;
    a->end = (char *)c + want;
  }
  if (a->next_size < ARENA_MAX_CHUNK) a->next_size *= 2;
  return (char *)c + hdr;
}

void kam__arena_free(kam__arena *a) {
  kam__chunk *c = a->chunks;
  while (c) {
    kam__chunk *next = c->next;
    kam__free(a->ctx, c, c->size);
    c = next;
  }
  a->chunks = NULL;
  a->cur = a->end = NULL;
}

/* ---- builders ------------------------------------------------------------------------- */

static kam_value *node_new(kam_ctx *ctx, int type, size_t extra) {
  kam_value *v;
  if (extra > SIZE_MAX - sizeof(kam_value)) return NULL;
  v = (kam_value *)kam__alloc(ctx, sizeof(kam_value) + extra);
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  v->ctx = ctx;
  v->type = (uint8_t)type;
  return v;
}

static int new_simple(kam_value **out, kam_ctx *ctx, int type) {
  kam_value *v;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  v = node_new(ctx, type, 0);
  if (!v) {
    kam__nomem(ctx);
    return KAM_ENOMEM; /* spelled out: callers use *out when this returns KAM_OK */
  }
  *out = v;
  return KAM_OK;
}

int kam_value_new_null(kam_value **out, kam_ctx *ctx) {
  return new_simple(out, ctx, KAM_VALUE_NULL);
}

int kam_value_new_bool(kam_value **out, kam_ctx *ctx, int b) {
  int rc = new_simple(out, ctx, KAM_VALUE_BOOL);
  if (rc == KAM_OK) (*out)->u.b = b != 0;
  return rc;
}

int kam_value_new_array(kam_value **out, kam_ctx *ctx) {
  return new_simple(out, ctx, KAM_VALUE_ARRAY);
}

int kam_value_new_object(kam_value **out, kam_ctx *ctx) {
  return new_simple(out, ctx, KAM_VALUE_OBJECT);
}

int kam_value_new_lambda(kam_value **out, kam_ctx *ctx, kam_lambda_fn fn, void *ud) {
  int rc;
  if (!fn) {
    if (out) *out = NULL;
    return kam__error(ctx, KAM_EINVAL, "lambda: the callback is NULL");
  }
  rc = new_simple(out, ctx, KAM_VALUE_LAMBDA);
  if (rc == KAM_OK) {
    (*out)->u.lam.fn = fn;
    (*out)->u.lam.ud = ud;
  }
  return rc;
}

/* A heap number node whose text (already checked) is copied after the node. */
static int number_node(kam_value **out, kam_ctx *ctx, const char *text, size_t len, double d) {
  kam_value *v = node_new(ctx, KAM_VALUE_NUMBER, len + 1);
  if (!v) return kam__nomem(ctx);
  v->u.num.text = (char *)(v + 1);
  memcpy(v->u.num.text, text, len);
  v->u.num.text[len] = '\0';
  v->u.num.d = d;
  v->len = len;
  *out = v;
  return KAM_OK;
}

int kam_value_new_number(kam_value **out, kam_ctx *ctx, double d) {
  char text[32];
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  if (!isfinite(d))
    return kam__error(ctx, KAM_EINVAL, "number: %s is not a JSON number",
                      isnan(d) ? "NaN" : "an infinity");
  return number_node(out, ctx, text, kam__fmt_double(text, d), d);
}

int kam_value_new_int(kam_value **out, kam_ctx *ctx, int64_t i) {
  char text[24], *p = text + sizeof text;
  uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  do {
    *--p = (char)('0' + (int)(mag % 10u));
    mag /= 10u;
  } while (mag);
  if (i < 0) *--p = '-';
  return number_node(out, ctx, p, (size_t)(text + sizeof text - p), (double)i);
}

int kam_value_new_number_text(kam_value **out, kam_ctx *ctx, const char *text, size_t len) {
  double d;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx || (!text && len)) return KAM_EINVAL;
  if (!text || !kam__parse_double(&d, text, len))
    return kam__error(ctx, KAM_EPARSE, "number: '%.*s' is not a JSON number",
                      (int)(len > 64 ? 64 : len), text ? text : "");
  return number_node(out, ctx, text, len, d);
}

int kam_value_new_string(kam_value **out, kam_ctx *ctx, const char *s, size_t len) {
  kam_value *v;
  size_t bad;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx || (!s && len)) return KAM_EINVAL;
  if (len && !kam__utf8_valid(s, len, &bad))
    return kam__error(ctx, KAM_EPARSE, "string: invalid UTF-8 at byte %zu", bad);
  v = node_new(ctx, KAM_VALUE_STRING, len + 1);
  if (!v) return kam__nomem(ctx);
  v->u.str.p = (char *)(v + 1);
  if (len) memcpy(v->u.str.p, s, len);
  v->u.str.p[len] = '\0';
  v->len = len;
  *out = v;
  return KAM_OK;
}

/* ---- containers ----------------------------------------------------------------------- */

/* Memory for a container's payload: from its arena if it is a root, else from the ctx. */
static void *payload_grow(kam_value *c, void *old, size_t old_bytes, size_t new_bytes) {
  if (c->flags & KAM__V_ROOT) {
    void *p = kam__arena_alloc(&((kam__vroot *)c)->arena, new_bytes);
    if (p && old_bytes) memcpy(p, old, old_bytes);
    return p;
  }
  return kam__realloc(c->ctx, old, old_bytes, new_bytes);
}

static void payload_free(kam_value *c, void *p, size_t bytes) {
  if (!(c->flags & (KAM__V_ROOT | KAM__V_ARENA))) kam__free(c->ctx, p, bytes);
}

/* An item may be put into a container when it is a whole tree owned by the caller. */
static int check_item(kam_value *c, kam_value *item, int type, const char *what) {
  if (!c) return KAM_EINVAL;
  if (c->type != type)
    return kam__error(c->ctx, KAM_EINVAL, "%s: the value is not an %s", what,
                      type == KAM_VALUE_ARRAY ? "array" : "object");
  if (!item || item == c || (item->flags & KAM__V_ARENA) || (c->flags & KAM__V_ARENA))
    return kam__error(c->ctx, KAM_EINVAL,
                      "%s: the item is NULL, the container itself or "
                      "part of another tree",
                      what);
  if (item->ctx != c->ctx)
    return kam__error(c->ctx, KAM_EINVAL, "%s: the item was made with another ctx", what);
  return KAM_OK;
}

int kam_value_array_push(kam_value *arr, kam_value *item) {
  int rc = check_item(arr, item, KAM_VALUE_ARRAY, "array push");
  if (rc) return rc;
  if (arr->len == arr->u.arr.cap) {
    size_t cap = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;
    kam_value **items;
    if (cap > SIZE_MAX / sizeof(kam_value *)) return kam__nomem(arr->ctx);
    items = (kam_value **)payload_grow(arr, arr->u.arr.items, arr->u.arr.cap * sizeof(kam_value *),
                                       cap * sizeof(kam_value *));
    if (!items) return kam__nomem(arr->ctx);
    arr->u.arr.items = items;
    arr->u.arr.cap = cap;
  }
  arr->u.arr.items[arr->len++] = item;
  return KAM_OK;
}

uint32_t kam__index_bits_for(size_t n) {
  uint32_t bits = 4;
  while (((size_t)1 << bits) < 2 * n)
    bits++;
  return bits;
}

static inline int key_eq(const kam__member *m, const char *key, size_t key_len) {
  return m->key_len == key_len && memcmp(m->key, key, key_len) == 0;
}

size_t kam__object_find(const kam_value *obj, const char *key, size_t key_len) {
  const kam__member *m = obj->u.obj.m;
  size_t i, n = obj->len;
  if (obj->u.obj.index) {
    size_t mask = ((size_t)1 << obj->index_bits) - 1;
    size_t slot = (size_t)kam__key_hash(obj->ctx, key, key_len) & mask;
    for (;;) {
      uint32_t e = obj->u.obj.index[slot];
      if (!e) return SIZE_MAX;
      if (key_eq(&m[e - 1], key, key_len)) return e - 1;
      slot = (slot + 1) & mask;
    }
  }
  for (i = 0; i < n; i++)
    if (key_eq(&m[i], key, key_len)) return i;
  return SIZE_MAX;
}

/* Puts member i into the index (the key is not there yet). */
static void index_insert(kam_value *obj, size_t i) {
  size_t mask = ((size_t)1 << obj->index_bits) - 1;
  const kam__member *m = &obj->u.obj.m[i];
  size_t slot = (size_t)kam__key_hash(obj->ctx, m->key, m->key_len) & mask;
  while (obj->u.obj.index[slot])
    slot = (slot + 1) & mask;
  obj->u.obj.index[slot] = (uint32_t)(i + 1);
}

void kam__object_dedupe(kam_value *obj) {
  kam__member *m = obj->u.obj.m;
  size_t i, n = obj->len, kept = 0;
  if (obj->u.obj.index) {
    size_t mask = ((size_t)1 << obj->index_bits) - 1;
    uint32_t *index = obj->u.obj.index;
    for (i = 0; i < n; i++) {
      size_t slot = (size_t)kam__key_hash(obj->ctx, m[i].key, m[i].key_len) & mask;
      for (;;) {
        uint32_t e = index[slot];
        if (!e) {
          m[kept] = m[i];
          index[slot] = (uint32_t)(++kept);
          break;
        }
        if (key_eq(&m[e - 1], m[i].key, m[i].key_len)) {
          m[e - 1].val = m[i].val;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  } else {
    for (i = 0; i < n; i++) {
      size_t j;
      for (j = 0; j < kept; j++)
        if (key_eq(&m[j], m[i].key, m[i].key_len)) break;
      if (j < kept)
        m[j].val = m[i].val;
      else
        m[kept++] = m[i];
    }
  }
  obj->len = kept;
}

/* Makes the index fit n members (rebuilding it when it grows). */
static int index_reserve(kam_value *obj, size_t n) {
  uint32_t bits;
  uint32_t *index;
  size_t i, slots;
  if (n <= KAM__INDEX_MIN) return KAM_OK;
  if (obj->u.obj.index && ((size_t)1 << obj->index_bits) >= 2 * n) return KAM_OK;
  if (n >= UINT32_MAX / 4) return kam__error(obj->ctx, KAM_ELIMIT, "object: too many members");
  bits = kam__index_bits_for(n);
  slots = (size_t)1 << bits;
  index = (uint32_t *)payload_grow(obj, NULL, 0, slots * sizeof *index);
  if (!index) return kam__nomem(obj->ctx);
  memset(index, 0, slots * sizeof *index);
  if (obj->u.obj.index)
    payload_free(obj, obj->u.obj.index, ((size_t)1 << obj->index_bits) * sizeof *index);
  obj->u.obj.index = index;
  obj->index_bits = bits;
  for (i = 0; i < obj->len; i++)
    index_insert(obj, i);
  return KAM_OK;
}

static void free_tree(kam_value *v);

int kam_value_object_set(kam_value *obj, const char *key, size_t key_len, kam_value *item) {
  size_t at, bad;
  kam__member *m;
  char *key_copy;
  int rc = check_item(obj, item, KAM_VALUE_OBJECT, "object set");
  if (rc) return rc;
  if (!key && key_len) return kam__error(obj->ctx, KAM_EINVAL, "object set: the key is NULL");
  if (!key) key = "";
  at = kam__object_find(obj, key, key_len);
  if (at != SIZE_MAX) {
    kam_value *old = obj->u.obj.m[at].val;
    obj->u.obj.m[at].val = item;
    if (!(old->flags & KAM__V_ARENA)) free_tree(old);
    return KAM_OK;
  }
  if (key_len && !kam__utf8_valid(key, key_len, &bad))
    return kam__error(obj->ctx, KAM_EPARSE, "object set: the key is not valid UTF-8 (byte %zu)",
                      bad);
  if (key_len >= SIZE_MAX / 2) return kam__nomem(obj->ctx);
  /* Everything that can fail comes before the first change. */
  if (obj->len == obj->u.obj.cap) {
    size_t cap = obj->u.obj.cap ? obj->u.obj.cap * 2 : 4;
    if (cap > SIZE_MAX / sizeof *m) return kam__nomem(obj->ctx);
    m = (kam__member *)payload_grow(obj, obj->u.obj.m, obj->u.obj.cap * sizeof *m, cap * sizeof *m);
    if (!m) return kam__nomem(obj->ctx);
    obj->u.obj.m = m;
    obj->u.obj.cap = cap;
  }
  rc = index_reserve(obj, obj->len + 1);
  if (rc) return rc;
  key_copy = (char *)payload_grow(obj, NULL, 0, key_len + 1);
  if (!key_copy) return kam__nomem(obj->ctx);
  if (key_len) memcpy(key_copy, key, key_len);
  key_copy[key_len] = '\0';
  m = &obj->u.obj.m[obj->len];
  m->key = key_copy;
  m->key_len = key_len;
  m->val = item;
  obj->len++;
  if (obj->u.obj.index) index_insert(obj, obj->len - 1);
  return KAM_OK;
}

/* ---- free ----------------------------------------------------------------------------- */

/* Frees without recursion and without allocating: nodes waiting to be freed are chained
 * through their ctx field (every node of a tree has the same ctx, taken from the top). */
static void free_tree(kam_value *top) {
  kam_ctx *ctx = top->ctx;
  kam_value *list = top;
  top->free_next = NULL;
  while (list) {
    kam_value *v = list;
    size_t i;
    list = v->free_next;
    if (v->type == KAM_VALUE_ARRAY) {
      for (i = 0; i < v->len; i++) {
        kam_value *c = v->u.arr.items[i];
        if (!(c->flags & KAM__V_ARENA)) {
          c->free_next = list;
          list = c;
        }
      }
      if (!(v->flags & KAM__V_ROOT))
        kam__free(ctx, v->u.arr.items, v->u.arr.cap * sizeof(kam_value *));
    } else if (v->type == KAM_VALUE_OBJECT) {
      for (i = 0; i < v->len; i++) {
        kam__member *m = &v->u.obj.m[i];
        if (!(m->val->flags & KAM__V_ARENA)) {
          m->val->free_next = list;
          list = m->val;
        }
        if (!(v->flags & KAM__V_ROOT)) kam__free(ctx, (char *)m->key, m->key_len + 1);
      }
      if (!(v->flags & KAM__V_ROOT)) {
        kam__free(ctx, v->u.obj.m, v->u.obj.cap * sizeof(kam__member));
        if (v->u.obj.index)
          kam__free(ctx, v->u.obj.index, ((size_t)1 << v->index_bits) * sizeof(uint32_t));
      }
    }
    if (v->flags & KAM__V_ROOT) {
      kam__arena arena = ((kam__vroot *)v)->arena; /* the root lives in its own arena */
      arena.ctx = ctx;
      kam__arena_free(&arena);
    } else if (v->type == KAM_VALUE_STRING || v->type == KAM_VALUE_NUMBER) {
      kam__free(ctx, v, sizeof *v + v->len + 1);
    } else {
      kam__free(ctx, v, sizeof *v);
    }
  }
}

void kam_value_free(kam_value *v) {
  /* An arena node is part of a parsed tree and goes with it. */
  if (v && !(v->flags & KAM__V_ARENA)) free_tree(v);
}

/* ---- readers -------------------------------------------------------------------------- */

int kam_value_type(const kam_value *v) { return v ? v->type : KAM_VALUE_NULL; }

int kam_value_bool(const kam_value *v) { return v && v->type == KAM_VALUE_BOOL && v->u.b; }

double kam_value_number(const kam_value *v) {
  return v && v->type == KAM_VALUE_NUMBER ? v->u.num.d : NAN;
}

const char *kam_value_number_text(const kam_value *v, size_t *len) {
  if (!v || v->type != KAM_VALUE_NUMBER) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->len;
  return v->u.num.text;
}

const char *kam_value_string(const kam_value *v, size_t *len) {
  if (!v || v->type != KAM_VALUE_STRING) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->len;
  return v->u.str.p;
}

size_t kam_value_length(const kam_value *v) {
  return v && (v->type == KAM_VALUE_ARRAY || v->type == KAM_VALUE_OBJECT) ? v->len : 0;
}

const kam_value *kam_value_at(const kam_value *v, size_t i) {
  if (!v || i >= v->len) return NULL;
  if (v->type == KAM_VALUE_ARRAY) return v->u.arr.items[i];
  if (v->type == KAM_VALUE_OBJECT) return v->u.obj.m[i].val;
  return NULL;
}

const char *kam_value_key_at(const kam_value *v, size_t i, size_t *len) {
  if (!v || v->type != KAM_VALUE_OBJECT || i >= v->len) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->u.obj.m[i].key_len;
  return v->u.obj.m[i].key;
}

const kam_value *kam_value_get(const kam_value *obj, const char *key, size_t key_len) {
  size_t i;
  if (!obj || obj->type != KAM_VALUE_OBJECT || (!key && key_len)) return NULL;
  i = kam__object_find(obj, key ? key : "", key_len);
  return i == SIZE_MAX ? NULL : obj->u.obj.m[i].val;
}

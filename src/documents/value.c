/* value.c - kam_value: builders, readers, objects with a hash index, iterative free.
 * The node layout and the memory model are described in value_internal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "documents/value_internal.h"

/* ---- arena ---------------------------------------------------------------------------- */

#define ARENA_MIN_CHUNK ((size_t)4096)
#define ARENA_MAX_CHUNK ((size_t)4 << 20)

static size_t chunk_clamp(size_t size) {
  return size < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : size > ARENA_MAX_CHUNK ? ARENA_MAX_CHUNK : size;
}

void kam__arena_init(kam__arena *a, kam_ctx *ctx, size_t first_chunk, size_t max_chunk) {
  a->ctx = ctx;
  a->chunks = NULL;
  a->cur = a->end = NULL;
  a->max_size = chunk_clamp(max_chunk);
  a->next_size = chunk_clamp(first_chunk) < a->max_size ? chunk_clamp(first_chunk) : a->max_size;
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
  if (a->next_size < a->max_size)
    a->next_size = a->next_size * 2 < a->max_size ? a->next_size * 2 : a->max_size;
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
  kam__hvalue *h;
  if (extra > SIZE_MAX - sizeof(kam__hvalue)) return NULL;
  h = (kam__hvalue *)kam__alloc(ctx, sizeof(kam__hvalue) + extra);
  if (!h) return NULL;
  memset(h, 0, sizeof *h);
  h->ctx = ctx;
  h->v.type = (uint8_t)type;
  return &h->v;
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
    (*out)->u.fn = fn;
    kam__h(*out)->x.ud = ud;
  }
  return rc;
}

/* A heap string or number node whose bytes are copied after the node. */
static kam_value *text_node(kam_ctx *ctx, int type, const char *text, size_t len) {
  kam_value *v = node_new(ctx, type, len + 1);
  char *dst;
  if (!v) return NULL;
  dst = (char *)(kam__h(v) + 1);
  if (len) memcpy(dst, text, len);
  dst[len] = '\0';
  v->u.p = dst;
  kam__h(v)->len = len;
  return v;
}

/* A heap number node whose text (already checked) is copied after the node. */
static int number_node(kam_value **out, kam_ctx *ctx, const char *text, size_t len, double d) {
  kam_value *v = text_node(ctx, KAM_VALUE_NUMBER, text, len);
  if (!v) return kam__nomem(ctx);
  kam__h(v)->x.d = d;
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
  char text[24];
  uint64_t mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
  size_t n;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  text[0] = '-';
  n = kam__u64_text(text + (i < 0), mag) + (i < 0);
  return number_node(out, ctx, text, n, (double)i);
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

static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* An exact fast path (Clinger: <= 19 significant digits with a mantissa <= 2^53 and
 * |exponent| <= 22, no exponent part), else kam__parse_double. */
double kam__number_of_text(const char *text, size_t len) {
  const char *p = text, *end = text + len;
  uint64_t mant = 0;
  int digits = 0, neg = 0, exp10 = 0;
  double d = 0;
  if (p < end && *p == '-') {
    neg = 1;
    p++;
  }
  for (; p < end && kam__is_digit((unsigned char)*p) && digits < 19; p++) {
    mant = mant * 10 + (uint64_t)(*p - '0');
    if (mant) digits++;
  }
  if (p < end && *p == '.')
    for (p++; p < end && kam__is_digit((unsigned char)*p) && digits < 19; p++) {
      mant = mant * 10 + (uint64_t)(*p - '0');
      if (mant) digits++;
      exp10--;
    }
  if (p == end && mant <= ((uint64_t)1 << 53) && exp10 >= -22) {
    d = (double)mant;
    d = exp10 < 0 ? d / exact_pow10[-exp10] : d;
    return neg ? -d : d;
  }
  kam__parse_double(&d, text, len);
  return d;
}

int kam_value_new_string(kam_value **out, kam_ctx *ctx, const char *s, size_t len) {
  kam_value *v;
  size_t bad;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!ctx || (!s && len)) return KAM_EINVAL;
  if (len && !kam__utf8_valid(s, len, &bad))
    return kam__error(ctx, KAM_EPARSE, "string: invalid UTF-8 at byte %zu", bad);
  v = text_node(ctx, KAM_VALUE_STRING, s, len);
  if (!v) return kam__nomem(ctx);
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
  return kam__realloc(kam__h(c)->ctx, old, old_bytes, new_bytes);
}

static void payload_free(kam_value *c, void *p, size_t bytes) {
  if (!(c->flags & (KAM__V_ROOT | KAM__V_ARENA))) kam__free(kam__h(c)->ctx, p, bytes);
}

/* The root of v's tree. Every node points up to some node above it (its container or higher);
 * the walk then points every node it passed straight at the root (path compression, as in
 * union-find), so that building a deep tree from the top down stays linear. */
static kam_value *root_of(kam_value *v) {
  kam_value *r = v, *next;
  while (kam__h(r)->up)
    r = kam__h(r)->up;
  for (; v != r; v = next) {
    next = kam__h(v)->up;
    kam__h(v)->up = r;
  }
  return r;
}

/* An item may be put into a container when it is a whole tree owned by the caller: not in a
 * container already (that would give it two owners) and not the root of the container's own
 * tree (the tree would then own itself). On success *top gets the container's root. */
static int check_item(kam_value *c, kam_value *item, int type, const char *what, kam_value **top) {
  kam_ctx *ctx;
  if (!c) return KAM_EINVAL;
  if (c->flags & KAM__V_ARENA) {
    /* an inner node of a parsed tree has no ctx: the message goes to the item's */
    if (item && !(item->flags & KAM__V_ARENA))
      kam__error(kam__h(item)->ctx, KAM_EINVAL, "%s: the container is part of a parsed tree", what);
    return KAM_EINVAL;
  }
  ctx = kam__h(c)->ctx;
  if (c->type != type)
    return kam__error(ctx, KAM_EINVAL, "%s: the value is not an %s", what,
                      type == KAM_VALUE_ARRAY ? "array" : "object");
  if (!item || item == c || (item->flags & KAM__V_ARENA) || kam__h(item)->up)
    return kam__error(ctx, KAM_EINVAL,
                      "%s: the item is NULL, the container itself or "
                      "part of another tree",
                      what);
  if (kam__h(item)->ctx != ctx)
    return kam__error(ctx, KAM_EINVAL, "%s: the item was made with another ctx", what);
  *top = root_of(c);
  if (*top == item)
    return kam__error(ctx, KAM_EINVAL,
                      "%s: the item contains the container (a tree cannot hold itself)", what);
  return KAM_OK;
}

/* Room for one more item in a heap array or root. */
static int array_reserve(kam_value *arr) {
  kam__hvalue *h = kam__h(arr);
  if (h->len == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 4;
    kam_value **items;
    if (cap > SIZE_MAX / sizeof(kam_value *)) return kam__nomem(h->ctx);
    items = (kam_value **)payload_grow(arr, arr->u.items, h->cap * sizeof(kam_value *),
                                       cap * sizeof(kam_value *));
    if (!items) return kam__nomem(h->ctx);
    arr->u.items = items;
    h->cap = cap;
  }
  return KAM_OK;
}

int kam_value_array_push(kam_value *arr, kam_value *item) {
  kam_value *top = NULL;
  int rc = check_item(arr, item, KAM_VALUE_ARRAY, "array push", &top);
  if (!rc) rc = array_reserve(arr);
  if (rc) return rc;
  arr->u.items[kam__h(arr)->len++] = item;
  kam__h(item)->up = top;
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
  const kam__member *m = obj->u.m;
  const uint32_t *index = kam__obj_index(obj);
  size_t i, n = kam__vlen(obj);
  if (!m) return SIZE_MAX; /* no members array: no members */
  if (index) {
    size_t mask = ((size_t)1 << obj->index_bits) - 1;
    size_t slot = (size_t)kam__key_hash(kam__obj_seed(obj), key, key_len) & mask;
    for (;;) {
      uint32_t e = index[slot];
      if (!e) return SIZE_MAX;
      if (key_eq(&m[e - 1], key, key_len)) return e - 1;
      slot = (slot + 1) & mask;
    }
  }
  for (i = 0; i < n; i++)
    if (key_eq(&m[i], key, key_len)) return i;
  return SIZE_MAX;
}

/* Puts member i of a heap object or root into the index (the key is not there yet). */
static void index_insert(kam_value *obj, size_t i) {
  size_t mask = ((size_t)1 << obj->index_bits) - 1;
  const kam__member *m = &obj->u.m[i];
  uint32_t *index = kam__h(obj)->x.index;
  size_t slot = (size_t)kam__key_hash(kam__h(obj)->ctx, m->key, m->key_len) & mask;
  while (index[slot])
    slot = (slot + 1) & mask;
  index[slot] = (uint32_t)(i + 1);
}

/* Makes the index of a heap object or root fit n members (rebuilding it when it grows). */
static int index_reserve(kam_value *obj, size_t n) {
  kam__hvalue *h = kam__h(obj);
  uint32_t bits;
  uint32_t *index;
  size_t i, slots;
  if (n <= KAM__INDEX_MIN) return KAM_OK;
  if (h->x.index && ((size_t)1 << obj->index_bits) >= 2 * n) return KAM_OK;
  if (n >= UINT32_MAX / 4) return kam__error(h->ctx, KAM_ELIMIT, "object: too many members");
  bits = kam__index_bits_for(n);
  slots = (size_t)1 << bits;
  index = (uint32_t *)payload_grow(obj, NULL, 0, slots * sizeof *index);
  if (!index) return kam__nomem(h->ctx);
  memset(index, 0, slots * sizeof *index);
  if (h->x.index) payload_free(obj, h->x.index, ((size_t)1 << obj->index_bits) * sizeof *index);
  h->x.index = index;
  obj->index_bits = (uint8_t)bits;
  for (i = 0; i < h->len; i++)
    index_insert(obj, i);
  return KAM_OK;
}

static void free_tree(kam_value *v);

int kam_value_object_set(kam_value *obj, const char *key, size_t key_len, kam_value *item) {
  size_t at, bad;
  kam__member *m;
  kam__hvalue *h;
  kam_value *top = NULL;
  char *key_copy;
  int rc = check_item(obj, item, KAM_VALUE_OBJECT, "object set", &top);
  if (rc) return rc;
  h = kam__h(obj);
  if (!key && key_len) return kam__error(h->ctx, KAM_EINVAL, "object set: the key is NULL");
  if (!key) key = "";
  at = kam__object_find(obj, key, key_len);
  if (at != SIZE_MAX) {
    kam_value *old = obj->u.m[at].val;
    obj->u.m[at].val = item;
    kam__h(item)->up = top;
    if (!(old->flags & KAM__V_ARENA)) free_tree(old);
    return KAM_OK;
  }
  if (key_len && !kam__utf8_valid(key, key_len, &bad))
    return kam__error(h->ctx, KAM_EPARSE, "object set: the key is not valid UTF-8 (byte %zu)", bad);
  if (key_len >= SIZE_MAX / 2) return kam__nomem(h->ctx);
  /* Everything that can fail comes before the first change. */
  if (h->len == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 4;
    if (cap > SIZE_MAX / sizeof *m) return kam__nomem(h->ctx);
    m = (kam__member *)payload_grow(obj, obj->u.m, h->cap * sizeof *m, cap * sizeof *m);
    if (!m) return kam__nomem(h->ctx);
    obj->u.m = m;
    h->cap = cap;
  }
  rc = index_reserve(obj, h->len + 1);
  if (rc) return rc;
  key_copy = (char *)payload_grow(obj, NULL, 0, key_len + 1);
  if (!key_copy) return kam__nomem(h->ctx);
  if (key_len) memcpy(key_copy, key, key_len);
  key_copy[key_len] = '\0';
  m = &obj->u.m[h->len];
  m->key = key_copy;
  m->key_len = key_len;
  m->val = item;
  h->len++;
  kam__h(item)->up = top;
  if (h->x.index) index_insert(obj, h->len - 1);
  return KAM_OK;
}

/* ---- free ----------------------------------------------------------------------------- */

/* Frees without recursion and without allocating: nodes waiting to be freed are chained
 * through their ctx field (every node of a tree has the same ctx, taken from the top). Inner
 * nodes of parsed trees are skipped: they go with their root's arena. */
static void free_tree(kam_value *top) {
  kam_ctx *ctx = kam__h(top)->ctx;
  kam_value *list = top, *roots = NULL;
  kam__h(top)->free_next = NULL;
  while (list) {
    kam_value *v = list;
    kam__hvalue *h = kam__h(v);
    size_t i;
    list = h->free_next;
    if (v->type == KAM_VALUE_ARRAY) {
      for (i = 0; i < h->len; i++) {
        kam_value *c = v->u.items[i];
        if (!(c->flags & KAM__V_ARENA)) {
          kam__h(c)->free_next = list;
          list = c;
        }
      }
      if (!(v->flags & KAM__V_ROOT)) kam__free(ctx, v->u.items, h->cap * sizeof(kam_value *));
    } else if (v->type == KAM_VALUE_OBJECT) {
      for (i = 0; i < h->len; i++) {
        kam__member *m = &v->u.m[i];
        if (!(m->val->flags & KAM__V_ARENA)) {
          kam__h(m->val)->free_next = list;
          list = m->val;
        }
        if (!(v->flags & KAM__V_ROOT)) kam__free(ctx, (char *)m->key, m->key_len + 1);
      }
      if (!(v->flags & KAM__V_ROOT)) {
        kam__free(ctx, v->u.m, h->cap * sizeof(kam__member));
        if (h->x.index) kam__free(ctx, h->x.index, ((size_t)1 << v->index_bits) * sizeof(uint32_t));
      }
    }
    if (v->flags & KAM__V_ROOT) {
      /* its arena may hold items of heap containers still on the list: freed last */
      h->free_next = roots;
      roots = v;
    } else if (v->type == KAM_VALUE_STRING || v->type == KAM_VALUE_NUMBER) {
      kam__free(ctx, v, sizeof *h + h->len + 1);
    } else {
      kam__free(ctx, v, sizeof *h);
    }
  }
  while (roots) {
    kam__arena arena = ((kam__vroot *)roots)->arena; /* the root lives in its own arena */
    roots = kam__h(roots)->free_next;
    arena.ctx = ctx;
    kam__arena_free(&arena);
  }
}

void kam_value_free(kam_value *v) {
  /* An arena node is part of a parsed tree and goes with it. An item of a container goes
   * with its root: freeing it here would leave the container pointing at freed memory. */
  if (v && !(v->flags & KAM__V_ARENA) && !kam__h(v)->up) free_tree(v);
}

/* ---- readers -------------------------------------------------------------------------- */

int kam_value_type(const kam_value *v) { return v ? v->type : KAM_VALUE_NULL; }

int kam_value_bool(const kam_value *v) { return v && v->type == KAM_VALUE_BOOL && v->u.b; }

double kam_value_number(const kam_value *v) {
  if (!v || v->type != KAM_VALUE_NUMBER) return NAN;
  if (v->flags & KAM__V_ARENA) return kam__number_of_text(kam__text(v), v->len);
  return kam__hc(v)->x.d;
}

/* The text of v when it has the given type (length in *len), else NULL with *len 0. */
static const char *text_of_type(const kam_value *v, int type, size_t *len) {
  bool match = v && v->type == type;
  if (len) *len = match ? kam__vlen(v) : 0;
  return match ? kam__text(v) : NULL;
}

const char *kam_value_number_text(const kam_value *v, size_t *len) {
  return text_of_type(v, KAM_VALUE_NUMBER, len);
}

const char *kam_value_string(const kam_value *v, size_t *len) {
  return text_of_type(v, KAM_VALUE_STRING, len);
}

size_t kam_value_length(const kam_value *v) {
  return v && (v->type == KAM_VALUE_ARRAY || v->type == KAM_VALUE_OBJECT) ? kam__vlen(v) : 0;
}

const kam_value *kam_value_at(const kam_value *v, size_t i) {
  if (!v || i >= kam_value_length(v)) return NULL;
  if (v->type == KAM_VALUE_ARRAY) return kam__items(v)[i];
  return v->u.m[i].val;
}

const char *kam_value_key_at(const kam_value *v, size_t i, size_t *len) {
  if (!v || v->type != KAM_VALUE_OBJECT || i >= kam__vlen(v)) {
    if (len) *len = 0;
    return NULL;
  }
  if (len) *len = v->u.m[i].key_len;
  return v->u.m[i].key;
}

const kam_value *kam_value_get(const kam_value *obj, const char *key, size_t key_len) {
  size_t i;
  if (!obj || obj->type != KAM_VALUE_OBJECT || (!key && key_len)) return NULL;
  i = kam__object_find(obj, key ? key : "", key_len);
  return i == SIZE_MAX ? NULL : obj->u.m[i].val;
}

/* ---- compact copies (models assembled by the library) ---------------------------------- */

int kam__value_new_root(kam_value **out, kam_ctx *ctx, int type) {
  kam__arena arena;
  kam__vroot *root;
  *out = NULL;
  kam__arena_init(&arena, ctx, 4096, (size_t)1 << 20);
  root = (kam__vroot *)kam__arena_alloc(&arena, sizeof *root);
  if (!root) return kam__nomem(ctx);
  memset(&root->h, 0, sizeof root->h);
  root->h.v.type = (uint8_t)type;
  root->h.v.flags = KAM__V_ROOT;
  root->h.ctx = ctx;
  root->arena = arena;
  *out = &root->h.v;
  return KAM_OK;
}

int kam__array_push_shared(kam_value *arr, kam_value *node) {
  int rc = array_reserve(arr);
  if (rc) return rc;
  arr->u.items[kam__h(arr)->len++] = node;
  return KAM_OK;
}

void kam__compactor_init(kam__compactor *c, kam_value *root) {
  memset(c, 0, sizeof *c);
  c->ctx = kam__h(root)->ctx;
  c->arena = &((kam__vroot *)root)->arena;
}

void kam__compactor_free(kam__compactor *c) {
  kam__free(c->ctx, c->slots, c->cap * sizeof *c->slots); /* NOLINT(bugprone-sizeof-expression) */
  c->slots = NULL;
  c->cap = c->used = 0;
}

/* What a compact node is made of: its type, and its text (strings, numbers), its bool, its
 * items (arrays) or its members (objects) with their values already compact. */
typedef struct shape {
  int type, b;
  const char *text;
  size_t len;
  kam_value *const *items;
  const kam__member *m;
} shape;

static shape shape_of(const kam_value *v) {
  shape s;
  memset(&s, 0, sizeof s);
  s.type = v->type;
  s.len = kam__vlen(v);
  if (v->type == KAM_VALUE_BOOL) s.b = v->u.b;
  if (v->type == KAM_VALUE_STRING || v->type == KAM_VALUE_NUMBER) s.text = kam__text(v);
  if (v->type == KAM_VALUE_ARRAY && s.len) s.items = kam__items(v);
  if (v->type == KAM_VALUE_OBJECT) s.m = v->u.m;
  return s;
}

static uint64_t shape_hash(const kam__compactor *c, const shape *s) {
  uint64_t h = (uint64_t)s->type * 0x9E3779B97F4A7C15u + (uint64_t)s->b;
  size_t i;
  if (s->text) return h ^ kam__key_hash(c->ctx, s->text, s->len);
  if (!s->items && !s->m) return h; /* an empty container */
  for (i = 0; i < s->len; i++) {
    uint64_t x = s->items ? (uint64_t)(uintptr_t)s->items[i]
                          : (uint64_t)(uintptr_t)s->m[i].val ^
                                kam__key_hash(c->ctx, s->m[i].key, s->m[i].key_len);
    h = (h ^ x) * 0xBF58476D1CE4E5B9u;
    h ^= h >> 31;
  }
  return h;
}

static int shape_eq(const shape *a, const shape *b) {
  size_t i;
  if (a->type != b->type || a->b != b->b || a->len != b->len) return 0;
  if (a->text) return memcmp(a->text, b->text, a->len) == 0;
  for (i = 0; i < a->len; i++) {
    if (a->items && a->items[i] != b->items[i]) return 0;
    if (a->m && (a->m[i].val != b->m[i].val || a->m[i].key_len != b->m[i].key_len ||
                 memcmp(a->m[i].key, b->m[i].key, a->m[i].key_len) != 0))
      return 0;
  }
  return 1;
}

/* The slot of an equal node, or of the empty slot where it belongs. */
static size_t intern_slot(const kam__compactor *c, const shape *s, uint64_t h) {
  size_t mask = c->cap - 1, i = (size_t)h & mask;
  while (c->slots[i]) {
    shape t = shape_of(c->slots[i]);
    if (shape_eq(&t, s)) break;
    i = (i + 1) & mask;
  }
  return i;
}

/* Room for one more interned node (load <= 1/2). */
static int intern_reserve(kam__compactor *c) {
  kam_value **old = c->slots;
  size_t old_cap = c->cap, i;
  if (2 * (c->used + 1) <= c->cap) return KAM_OK;
  c->cap = old_cap ? old_cap * 2 : 1024;
  c->slots = (kam_value **)kam__alloc_array(
      c->ctx, c->cap, sizeof *c->slots); /* NOLINT(bugprone-sizeof-expression) */
  if (!c->slots) {
    c->slots = old;
    c->cap = old_cap;
    return kam__nomem(c->ctx);
  }
  memset(c->slots, 0, c->cap * sizeof *c->slots); /* NOLINT(bugprone-sizeof-expression) */
  for (i = 0; i < old_cap; i++)
    if (old[i]) {
      shape s = shape_of(old[i]);
      c->slots[intern_slot(c, &s, shape_hash(c, &s))] = old[i];
    }
  kam__free(c->ctx, old, old_cap * sizeof *old); /* NOLINT(bugprone-sizeof-expression) */
  return KAM_OK;
}

/* The interned node of shape s, made in the arena if it is new; NULL when out of memory. */
static kam_value *intern(kam__compactor *c, const shape *s) {
  uint64_t h = shape_hash(c, s);
  size_t i, n = s->len;
  kam_value *v;
  if (intern_reserve(c)) return NULL;
  i = intern_slot(c, s, h);
  if (c->slots[i]) return c->slots[i];
  if (n > UINT32_MAX / 4) return NULL;
  v = (kam_value *)kam__arena_alloc(c->arena, sizeof *v);
  if (!v) return NULL;
  memset(v, 0, sizeof *v);
  v->type = (uint8_t)s->type;
  v->flags = KAM__V_ARENA;
  v->len = (uint32_t)n;
  v->u.b = s->b;
  if (s->text) {
    char *dst = v->u.inl;
    if (n <= KAM__INLINE_MAX) {
      v->flags |= KAM__V_INLINE;
    } else {
      dst = (char *)kam__arena_alloc(c->arena, n + 1);
      if (!dst) return NULL;
      v->u.p = dst;
    }
    memcpy(dst, s->text, n);
    dst[n] = '\0';
  } else if (s->items && n == 1) {
    v->u.one = s->items[0];
  } else if (s->items) {
    v->u.items = (kam_value **)kam__arena_alloc(c->arena, n * sizeof(kam_value *));
    if (!v->u.items) return NULL;
    memcpy(v->u.items, s->items, n * sizeof(kam_value *));
  } else if (s->m && n) {
    /* a hash index past 32 members only: a price line (17) is scanned as fast, and the
     * template engine scans up to 32 anyway */
    size_t slots = n > 32 ? (size_t)1 << kam__index_bits_for(n) : 0;
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): the seed pointer stored before the index */
    size_t head = slots ? sizeof c->ctx + slots * sizeof(uint32_t) : 0;
    char *block = (char *)kam__arena_alloc(c->arena, head + n * sizeof(kam__member));
    if (!block) return NULL;
    v->u.m = (kam__member *)(void *)(block + head);
    memcpy(v->u.m, s->m, n * sizeof(kam__member));
    if (slots) {
      /* NOLINTNEXTLINE(bugprone-sizeof-expression): the seed pointer comes first */
      uint32_t *index = (uint32_t *)(void *)(block + sizeof c->ctx);
      size_t k;
      memcpy(block, &c->ctx, sizeof c->ctx); /* NOLINT(bugprone-sizeof-expression) */
      memset(index, 0, slots * sizeof *index);
      v->index_bits = (uint8_t)kam__index_bits_for(n);
      for (k = 0; k < n; k++) {
        size_t slot = (size_t)kam__key_hash(c->ctx, s->m[k].key, s->m[k].key_len) & (slots - 1);
        while (index[slot])
          slot = (slot + 1) & (slots - 1);
        index[slot] = (uint32_t)(k + 1);
      }
    }
  }
  c->slots[i] = v;
  c->used++;
  return v;
}

kam_value *kam__compact(kam__compactor *c, const kam_value *v) {
  kam_value *local[32], **kids = local, *out = NULL;
  kam__member mlocal[32], *members = mlocal;
  shape s = shape_of(v);
  size_t i, n = s.len;
  if (v->flags & KAM__V_ARENA) return (kam_value *)v; /* already compact (never changed) */
  if (v->type == KAM_VALUE_LAMBDA) return NULL;
  if (v->type != KAM_VALUE_ARRAY && v->type != KAM_VALUE_OBJECT) return intern(c, &s);
  if (n > 32) {
    kids = (kam_value **)kam__alloc_array(c->ctx, n,
                                          sizeof *kids); /* NOLINT(bugprone-sizeof-expression) */
    members = (kam__member *)kam__alloc_array(c->ctx, n, sizeof *members);
    if (!kids || !members) goto done;
  }
  for (i = 0; i < n; i++) {
    const kam_value *child = v->type == KAM_VALUE_ARRAY ? v->u.items[i] : v->u.m[i].val;
    if (!(kids[i] = kam__compact(c, child))) goto done;
    if (v->type == KAM_VALUE_OBJECT) {
      /* keys are interned as strings: their bytes then live in the arena once */
      shape k;
      kam_value *key;
      memset(&k, 0, sizeof k);
      k.type = KAM_VALUE_STRING;
      k.text = v->u.m[i].key;
      k.len = v->u.m[i].key_len;
      if (!(key = intern(c, &k))) goto done;
      members[i].key = kam__text(key);
      members[i].key_len = k.len;
      members[i].val = kids[i];
    }
  }
  if (v->type == KAM_VALUE_ARRAY)
    s.items = kids;
  else
    s.m = members;
  out = intern(c, &s);
done:
  if (kids != local)
    kam__free(c->ctx, kids, n * sizeof *kids); /* NOLINT(bugprone-sizeof-expression) */
  if (members != mlocal) kam__free(c->ctx, members, n * sizeof *members);
  return out;
}

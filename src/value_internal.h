/*
 * value_internal.h - the kam_value node layout and what json.c and the template engine share.
 *
 * Memory model. A node is one of three kinds, told apart by its flags:
 * - heap node (no flag): allocated alone through the ctx; a string or number keeps its bytes in
 *   the same block, right after the node; a container owns its items/members arrays, its keys
 *   and its hash index, all from the ctx allocator.
 * - arena root (KAM__V_ROOT): the tree made by kam_json_parse. The root node is a kam__vroot
 *   that owns an arena (a list of big chunks) holding every node, string, key and array of the
 *   parsed tree, the root itself included. Freeing it frees the chunks. The root can still be
 *   changed through the public builders: new payload (bigger arrays, copied keys) is taken
 *   from its arena, and the items it is given are heap nodes or other roots that it owns.
 * - arena node (KAM__V_ARENA): any other node of a parsed tree. It lives in its root's arena,
 *   has no heap descendants and is never freed alone (readers only hand out const pointers to
 *   it, so it is never changed).
 *
 * Objects keep their members in insertion order; past KAM__INDEX_MIN members they also keep an
 * open-addressing hash index (uint32 slots holding member index + 1, 0 = empty, load <= 1/2),
 * so lookups stay O(1) for big objects. The hash is seeded with the ctx address so that keys
 * crafted to collide cannot be precomputed.
 */
#ifndef KAM_VALUE_INTERNAL_H
#define KAM_VALUE_INTERNAL_H

#include <string.h>

#include "internal.h"

#define KAM__V_ARENA 1u /* lives in an arena it does not own */
#define KAM__V_ROOT 2u  /* a kam__vroot: owns the arena holding itself */

#define KAM__INDEX_MIN 16 /* objects with more members than this get a hash index */
#define KAM__JSON_MAX_DEPTH KAM_JSON_MAX_DEPTH

typedef struct kam__member {
  const char *key; /* NUL-terminated copy (may hold NULs: use key_len) */
  size_t key_len;
  kam_value *val;
} kam__member;

struct kam_value {
  union {
    kam_ctx *ctx;                /* every node knows its ctx */
    struct kam_value *free_next; /* reused as a list link while the tree is freed */
  };
  uint8_t type;        /* KAM_VALUE_* */
  uint8_t flags;       /* KAM__V_* */
  uint32_t index_bits; /* objects: log2 of the index slot count; 0 = no index */
  size_t len;          /* string/number-text bytes, array items, object members */
  union {
    int b;
    struct {
      char *p; /* NUL-terminated */
    } str;
    struct {
      char *text; /* exact JSON number text, NUL-terminated */
      double d;   /* the nearest double */
    } num;
    struct {
      kam_value **items;
      size_t cap;
    } arr;
    struct {
      kam__member *m;
      size_t cap;
      uint32_t *index;
    } obj;
    struct {
      kam_lambda_fn fn;
      void *ud;
    } lam;
  } u;
};

/* A bump allocator over a list of chunks from the ctx allocator. */
typedef struct kam__chunk {
  struct kam__chunk *next;
  size_t size; /* of the whole block, header included */
} kam__chunk;

typedef struct kam__arena {
  kam_ctx *ctx;
  kam__chunk *chunks;
  char *cur, *end;
  size_t next_size;
} kam__arena;

typedef struct kam__vroot {
  kam_value v; /* first: a kam_value * to a root is a kam__vroot * */
  kam__arena arena;
} kam__vroot;

void kam__arena_init(kam__arena *a, kam_ctx *ctx, size_t first_chunk);
/* Slow path of kam__arena_alloc: a new chunk. */
void *kam__arena_grow(kam__arena *a, size_t size);
void kam__arena_free(kam__arena *a);
/* size bytes aligned to 8 (or NULL: out of memory). */
static inline void *kam__arena_alloc(kam__arena *a, size_t size) {
  size_t room = (size_t)(a->end - a->cur);
  size = (size + 7u) & ~(size_t)7u;
  if (size <= room) {
    void *p = a->cur;
    a->cur += size;
    return p;
  }
  return kam__arena_grow(a, size);
}

/* Seeded 64-bit hash of a key (the seed comes from the ctx address). */
static inline uint64_t kam__key_hash(const kam_ctx *ctx, const char *k, size_t n) {
  uint64_t h = ((uint64_t)(uintptr_t)ctx * 0x9E3779B97F4A7C15u) ^ (n * 0xC2B2AE3D27D4EB4Fu);
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, k, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9u;
    h ^= h >> 31;
    k += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    memcpy(&w, k, n);
    h = (h ^ w) * 0x94D049BB133111EBu;
  }
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9u;
  h ^= h >> 32;
  return h;
}

/* Index of obj's member with this key, or SIZE_MAX. obj must be an object. */
size_t kam__object_find(const kam_value *obj, const char *key, size_t key_len);
/* For kam_json_parse: obj->u.obj.m[0..len) is filled, maybe with duplicate keys, and
 * obj->u.obj.index (zeroed, 1 << index_bits slots) is set when len > KAM__INDEX_MIN.
 * Removes duplicates (the last value wins, at the first key's position), fills the index and
 * updates len. The dropped values are arena garbage: nothing is freed. */
void kam__object_dedupe(kam_value *obj);
/* log2 of the index slot count for n members (load <= 1/2). */
uint32_t kam__index_bits_for(size_t n);

/* For the template engine: the callback and user data of a lambda (KAM_EINVAL if v is not
 * one; *fn and *ud untouched then). */
static inline int kam__value_lambda(const kam_value *v, kam_lambda_fn *fn, void **ud) {
  if (!v || v->type != KAM_VALUE_LAMBDA) return KAM_EINVAL;
  *fn = v->u.lam.fn;
  *ud = v->u.lam.ud;
  return KAM_OK;
}
/* The ctx a value was made with (NULL for NULL). */
static inline kam_ctx *kam__value_ctx(const kam_value *v) { return v ? v->ctx : NULL; }

#endif /* KAM_VALUE_INTERNAL_H */

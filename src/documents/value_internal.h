/*
 * value_internal.h - the kam_value node layouts and what json.c and the template engine share.
 *
 * Memory model. A node is one of three kinds, told apart by its flags:
 * - heap node (no KAM__V_ARENA, no KAM__V_ROOT): a kam__hvalue allocated alone through the ctx;
 *   a string or number keeps its bytes in the same block, right after the node; a container
 *   owns its items/members arrays, its keys and its hash index, all from the ctx allocator.
 *   It knows its ctx and a node above it in its tree (up, NULL for a root), so that a
 *   container can refuse to take its own root.
 * - arena root (KAM__V_ROOT): the tree made by kam_json_parse. The root node is a kam__vroot
 *   (a kam__hvalue followed by an arena: a list of big chunks) holding every node, string,
 *   key and array of the parsed tree, the root itself included. Freeing it frees the chunks.
 *   The root can still be changed through the public builders: new payload (bigger arrays,
 *   copied keys) is taken from its arena, and the items it is given are heap nodes or other
 *   roots that it owns.
 * - arena node (KAM__V_ARENA): any other node of a parsed tree. It is only the 16-byte
 *   struct kam_value below: no ctx, no parent, a 32-bit length. It lives in its root's arena,
 *   has no heap descendants, is never freed alone and never changed (readers only hand out
 *   const pointers to it), so the parser shares equal leaves (null, true, false, "", [], {},
 *   numbers of one or two characters) between all their places in a tree.
 *
 * Text of strings and numbers: NUL-terminated; with KAM__V_INLINE up to 7 bytes sit in the
 * node itself (u.inl), else u.p points to them. A parsed number keeps only its text; its
 * double is computed when asked for. An arena array of one item keeps the item in u.one
 * (kam__items() hides it). An arena object with an index keeps, right before its members,
 * the ctx (hash seed) and the index slots.
 *
 * Objects keep their members in insertion order; past KAM__INDEX_MIN members they also keep an
 * open-addressing hash index (uint32 slots holding member index + 1, 0 = empty, load <= 1/2),
 * so lookups stay O(1) for big objects. The hash is seeded with the ctx address so that keys
 * crafted to collide cannot be precomputed.
 *
 * Readers go through the inline accessors below (kam__vlen, kam__text, kam__items, ...),
 * never through the fields, because the two layouts keep lengths in different places.
 */
#ifndef KAM_VALUE_INTERNAL_H
#define KAM_VALUE_INTERNAL_H

#include <string.h>

#include "core/internal.h"

#define KAM__V_ARENA 1u  /* a 16-byte node living in an arena it does not own */
#define KAM__V_ROOT 2u   /* a kam__vroot: owns the arena holding itself */
#define KAM__V_INLINE 4u /* string/number text stored in u.inl */

#define KAM__INDEX_MIN 16 /* objects with more members than this get a hash index */
#define KAM__JSON_MAX_DEPTH KAM_JSON_MAX_DEPTH
#define KAM__INLINE_MAX 7 /* longest text kept in the node itself */

typedef struct kam__member {
  const char *key; /* NUL-terminated copy (may hold NULs: use key_len) */
  size_t key_len;
  kam_value *val;
} kam__member;

struct kam_value {
  uint8_t type;       /* KAM_VALUE_* */
  uint8_t flags;      /* KAM__V_* */
  uint8_t index_bits; /* objects: log2 of the index slot count; 0 = no index */
  uint8_t spare;
  uint32_t len; /* arena nodes: text bytes, items or members (heap nodes: kam__hvalue.len) */
  union {
    int b;
    const char *p;     /* string bytes or number text, NUL-terminated */
    char inl[8];       /* KAM__V_INLINE: the text itself */
    kam_value **items; /* arrays */
    kam_value *one;    /* arena arrays of one item */
    kam__member *m;    /* objects */
    kam_lambda_fn fn;  /* lambdas */
  } u;
};

/* Heap nodes and parsed roots. */
typedef struct kam__hvalue {
  kam_value v; /* first: a kam_value * to a heap node is a kam__hvalue * */
  union {
    kam_ctx *ctx;                /* every heap node knows its ctx */
    struct kam_value *free_next; /* reused as a list link while the tree is freed */
  };
  kam_value *up; /* a node above it in its tree (see root_of in value.c); NULL for a root */
  size_t len;    /* text bytes, items or members */
  size_t cap;    /* containers: items/members allocated */
  union {
    uint32_t *index; /* objects */
    double d;        /* numbers: the nearest double */
    void *ud;        /* lambdas */
  } x;
} kam__hvalue;

static inline kam__hvalue *kam__h(kam_value *v) { return (kam__hvalue *)v; }
static inline const kam__hvalue *kam__hc(const kam_value *v) { return (const kam__hvalue *)v; }

/* Items, members or text bytes. */
static inline size_t kam__vlen(const kam_value *v) {
  return (v->flags & KAM__V_ARENA) ? v->len : kam__hc(v)->len;
}
/* The text of a string or number (NUL-terminated). */
static inline const char *kam__text(const kam_value *v) {
  return (v->flags & KAM__V_INLINE) ? v->u.inl : v->u.p;
}
/* The items of an array. */
static inline kam_value *const *kam__items(const kam_value *v) {
  return ((v->flags & KAM__V_ARENA) && v->len == 1) ? &v->u.one : v->u.items;
}
/* The hash index of an object, or NULL. */
static inline uint32_t *kam__obj_index(const kam_value *v) {
  if (!(v->flags & KAM__V_ARENA)) return kam__hc(v)->x.index;
  return v->index_bits ? (uint32_t *)(void *)v->u.m - ((size_t)1 << v->index_bits) : NULL;
}
/* The hash seed of an object that has an index. */
static inline const kam_ctx *kam__obj_seed(const kam_value *v) {
  const kam_ctx *seed;
  if (!(v->flags & KAM__V_ARENA)) return kam__hc(v)->ctx;
  /* NOLINTNEXTLINE(bugprone-sizeof-expression): the seed pointer stored before the index */
  memcpy(&seed, (const char *)kam__obj_index(v) - sizeof seed, sizeof seed);
  return seed;
}

/* A bump allocator over a list of chunks from the ctx allocator. */
typedef struct kam__chunk {
  struct kam__chunk *next;
  size_t size; /* of the whole block, header included */
} kam__chunk;

typedef struct kam__arena {
  kam_ctx *ctx;
  kam__chunk *chunks;
  char *cur, *end;
  size_t next_size, max_size; /* chunk sizes double from the first one up to max_size */
} kam__arena;

typedef struct kam__vroot {
  kam__hvalue h; /* first: a kam_value * to a root is a kam__vroot * */
  kam__arena arena;
} kam__vroot;

/* An empty arena whose chunks start at first_chunk bytes and grow to max_chunk (both clamped
 * to 4 KB .. 4 MB): the unused end of the last chunk is at most max_chunk. */
void kam__arena_init(kam__arena *a, kam_ctx *ctx, size_t first_chunk, size_t max_chunk);
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
/* The double nearest to a JSON number text (already checked). */
double kam__number_of_text(const char *text, size_t len);
/* log2 of the index slot count for n members (load <= 1/2). */
uint32_t kam__index_bits_for(size_t n);

/* Compact copies, for the document models the library assembles (kam_proposal_to_value):
 * pieces built with the public builders are copied into the arena of the model's root as
 * arena nodes, equal subtrees stored once (hash-consing), then freed. */
typedef struct kam__compactor {
  kam_ctx *ctx;
  kam__arena *arena; /* the root's */
  kam_value **slots; /* the interned nodes: open addressing, NULL = empty, load <= 1/2 */
  size_t cap, used;
} kam__compactor;
/* A new empty root of this type (KAM_VALUE_OBJECT or _ARRAY) with an arena, as a parsed root:
 * the builders work on it, its arena takes the compact copies. */
int kam__value_new_root(kam_value **out, kam_ctx *ctx, int type);
void kam__compactor_init(kam__compactor *c, kam_value *root);
void kam__compactor_free(kam__compactor *c);
/* The compact copy of v (recursive: for shallow pieces only; no lambdas), or NULL when out of
 * memory (no message set). v is unchanged. */
kam_value *kam__compact(kam__compactor *c, const kam_value *v);
/* Appends a node of arr's own tree (an arena node of its root) to arr, which may then hold it
 * more than once or share it with other containers of the tree: no ownership is taken. */
int kam__array_push_shared(kam_value *arr, kam_value *node);

/* Where the values of a parsed tree start in its text, for readers whose messages name a line
 * and column (kam__json_parse_positions). Kept beside the tree, never in its 16-byte nodes, and
 * only made when asked for. */
typedef struct kam__json_box {
  const void *data; /* the container's items or members array: the same in a root's copy */
  size_t first;     /* its first offset in at[] */
} kam__json_box;
typedef struct kam__json_positions {
  kam_ctx *ctx;
  size_t *at; /* byte offsets of member/item values, container after container (as closed) */
  size_t len, cap;
  kam__json_box *boxes; /* one per non-empty container */
  size_t nboxes, boxcap;
  size_t root; /* offset of the root value */
} kam__json_positions;
/* kam_json_parse that also records in *pos where every member and item value starts (the
 * offsets follow the tree: for a duplicated key, the kept value's). *pos is initialised here;
 * on success the caller frees it with kam__json_positions_free, on failure it is left empty. */
int kam__json_parse_positions(kam_value **out, kam_ctx *ctx, const char *text, size_t len,
                              kam__json_positions *pos);
void kam__json_positions_free(kam__json_positions *pos);
/* The offset of item/member i of container (a node of the tree parsed with pos), or SIZE_MAX
 * when pos does not know it. Linear in the number of containers: for error paths. */
size_t kam__json_position(const kam__json_positions *pos, const kam_value *container, size_t i);

/* For the template engine: the callback and user data of a lambda (KAM_EINVAL if v is not
 * one; *fn and *ud untouched then). */
static inline int kam__value_lambda(const kam_value *v, kam_lambda_fn *fn, void **ud) {
  if (!v || v->type != KAM_VALUE_LAMBDA) return KAM_EINVAL;
  *fn = v->u.fn;
  *ud = kam__hc(v)->x.ud;
  return KAM_OK;
}
/* The ctx a value was made with (NULL for NULL and for the inner nodes of a parsed tree). */
static inline kam_ctx *kam__value_ctx(const kam_value *v) {
  return v && !(v->flags & KAM__V_ARENA) ? kam__hc(v)->ctx : NULL;
}

#endif /* KAM_VALUE_INTERNAL_H */

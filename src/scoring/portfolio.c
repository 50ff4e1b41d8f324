/*
 * portfolio.c - the account store: columns (revenue, flag byte, optional id offset) plus sparse
 * details, and a hash index of explicit ids for O(1) expected duplicate detection.
 *
 * Ids come in two kinds. kam_portfolio_add_columns with ids NULL gives each account the decimal
 * text of its insertion index: that text is never stored (id_off is NULL, or SIZE_MAX for the
 * account) and costs no memory. Every other id is "explicit": its text lives in one arena and
 * its account index in the hash. A generated id can collide only with an explicit id that is a
 * canonical decimal ("0" or no leading zero); those values are also kept in numeric_ids so that
 * a bulk range can be checked without generating its texts. Each explicit id's SipHash and
 * length are stored just before its text, so the index never rehashes or measures a text.
 *
 * Details (name, group, history, forecast) are copied into a chain of arena blocks that never
 * move: no allocation per account, and a truncate releases the arena back to the position the
 * first dropped detail started at.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "scoring/portfolio_internal.h"
#include "core/struct_copy_internal.h"

/* Index entries: 0 empty, else (account index + 1) in the low 40 bits and 24 bits of the hash
 * above them, so most mismatches are rejected without touching the arena. */
#define IDX_BITS 40
#define IDX_MASK ((UINT64_C(1) << IDX_BITS) - 1)
/* The largest number of accounts a portfolio holds (the index stores index + 1 in 40 bits). */
#define MAX_ACCOUNTS ((size_t)(IDX_MASK - 1))

static inline uint64_t rotl64(uint64_t x, unsigned b) { return (x << b) | (x >> (64 - b)); }

/* One SipHash round over the state v[0..3]. */
static inline void sip_round(uint64_t v[4]) {
  v[0] += v[1];
  v[1] = rotl64(v[1], 13) ^ v[0];
  v[0] = rotl64(v[0], 32);
  v[2] += v[3];
  v[3] = rotl64(v[3], 16) ^ v[2];
  v[0] += v[3];
  v[3] = rotl64(v[3], 21) ^ v[0];
  v[2] += v[1];
  v[1] = rotl64(v[1], 17) ^ v[2];
  v[2] = rotl64(v[2], 32);
}

/* SipHash-1-3 (Aumasson and Bernstein; the variant Rust's HashMap uses) under the portfolio's
 * own key: ids uploaded by the public cannot be chosen to collide without knowing the key, so
 * an add stays O(1) expected whatever the ids are. */
static uint64_t hash_bytes(const kam_portfolio *p, const char *s, size_t len) {
  uint64_t v[4], last = (uint64_t)len << 56, m;
  size_t i = 0, k;
  v[0] = UINT64_C(0x736f6d6570736575) ^ p->hash_key[0];
  v[1] = UINT64_C(0x646f72616e646f6d) ^ p->hash_key[1];
  v[2] = UINT64_C(0x6c7967656e657261) ^ p->hash_key[0];
  v[3] = UINT64_C(0x7465646279746573) ^ p->hash_key[1];
  for (; i + 8 <= len; i += 8) {
    memcpy(&m, s + i, 8); /* host byte order: the key is random, the values need not travel */
    v[3] ^= m;
    sip_round(v);
    v[0] ^= m;
  }
  for (k = 0; i + k < len; k++)
    last |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
  v[3] ^= last;
  sip_round(v);
  v[0] ^= last;
  v[2] ^= 0xff;
  sip_round(v);
  sip_round(v);
  sip_round(v);
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t splitmix64(uint64_t x) {
  x += UINT64_C(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* A key of each portfolio's own, from what differs between portfolios and runs (addresses
 * under ASLR, the clocks); no global state. It only decides where ids sit in the index. */
static void hash_key_init(kam_portfolio *p) {
  uint64_t here = (uint64_t)(uintptr_t)&here, t = (uint64_t)time(NULL), c = (uint64_t)clock();
  p->hash_key[0] = splitmix64((uint64_t)(uintptr_t)p ^ splitmix64(t));
  p->hash_key[1] = splitmix64(here ^ splitmix64(c ^ p->hash_key[0]));
}

static uint64_t entry_tag(uint64_t h) { return h >> IDX_BITS; }

/* Writes the decimal text of v into buf (KAM__ID_BUF bytes); returns the length. */
static size_t format_index(char *buf, size_t v) { return kam__u64_text(buf, (uint64_t)v); }

/* True when s[0..len) is the canonical decimal text of a size_t ("0", or no leading zero). */
static bool canonical_index(const char *s, size_t len, size_t *value) {
  size_t v = 0, i;
  if (len == 0 || len > 20 || (s[0] == '0' && len > 1)) return false;
  for (i = 0; i < len; i++) {
    unsigned d;
    if (!kam__is_digit((unsigned char)s[i])) return false;
    d = (unsigned)(s[i] - '0');
    if (v > (SIZE_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *value = v;
  return true;
}

/* An explicit id in the arena: its hash (8 bytes) and length (4 bytes, UINT32_MAX: longer, ask
 * strlen) stand just before its NUL-terminated text at id_off, so neither a rehash nor a lookup
 * nor a removal reads the text to find its length or hashes it again. */
#define ID_PREFIX 12u

static uint64_t id_hash_of(const kam_portfolio *p, size_t acc) {
  uint64_t h;
  memcpy(&h, p->ids + p->id_off[acc] - ID_PREFIX, sizeof h);
  return h;
}

static size_t id_len_of(const kam_portfolio *p, size_t acc) {
  uint32_t n;
  memcpy(&n, p->ids + p->id_off[acc] - 4, sizeof n);
  return n == UINT32_MAX ? strlen(p->ids + p->id_off[acc]) : n;
}

kam_ctx *kam__portfolio_ctx(const kam_portfolio *p) { return p ? p->ctx : NULL; }

int kam_portfolio_new(kam_portfolio **out, kam_ctx *ctx) {
  kam_portfolio *p;
  if (!out) return kam__error(ctx, KAM_EINVAL, "kam_portfolio_new: out is NULL");
  *out = NULL;
  if (!ctx) return KAM_EINVAL;
  p = (kam_portfolio *)kam__alloc(ctx, sizeof *p);
  if (!p) return kam__nomem(ctx);
  memset(p, 0, sizeof *p);
  p->ctx = ctx;
  hash_key_init(p);
  *out = p;
  return KAM_OK;
}

/* ---- the detail arena ---- */

/* A block: its place in the arena's logical byte sequence (base), its room and use; the bytes
 * follow the header. Blocks never move; positions only grow, so a truncate is a release to the
 * position before the first detail it drops. */
struct kam__pblock {
  kam__pblock *prev;
  size_t base, cap, used;
};
#define BLOCK_FIRST 4096u
#define BLOCK_MAX ((size_t)1 << 20)
#define BLOCK_HEAD ((sizeof(kam__pblock) + 15u) & ~(size_t)15u)

static size_t arena_pos(const kam_portfolio *p) {
  return p->blocks ? p->blocks->base + p->blocks->used : 0;
}

/* n bytes (8-aligned) at the arena's end, or NULL (nothing changed). */
static void *arena_alloc(kam_portfolio *p, size_t n) {
  kam__pblock *b = p->blocks;
  n = (n + 7u) & ~(size_t)7u;
  if (!b || b->cap - b->used < n) {
    size_t cap = b ? (b->cap * 2 > BLOCK_MAX ? BLOCK_MAX : b->cap * 2) : BLOCK_FIRST;
    kam__pblock *nb;
    if (cap < n) cap = n;
    if (cap > SIZE_MAX - BLOCK_HEAD) return NULL;
    nb = (kam__pblock *)kam__alloc(p->ctx, BLOCK_HEAD + cap);
    if (!nb) return NULL;
    nb->prev = b;
    nb->base = b ? b->base + b->cap : 0;
    nb->cap = cap;
    nb->used = 0;
    p->blocks = b = nb;
  }
  b->used += n;
  return (char *)b + BLOCK_HEAD + b->used - n;
}

/* Drops everything allocated at or after position pos. */
static void arena_release(kam_portfolio *p, size_t pos) {
  while (p->blocks && p->blocks->base >= pos) {
    kam__pblock *b = p->blocks;
    p->blocks = b->prev;
    kam__free(p->ctx, b, BLOCK_HEAD + b->cap);
  }
  if (p->blocks) p->blocks->used = pos - p->blocks->base;
}

void kam_portfolio_free(kam_portfolio *p) {
  kam_ctx *ctx;
  if (!p) return;
  ctx = p->ctx;
  arena_release(p, 0);
  kam__free(ctx, p->details, p->detail_cap * sizeof *p->details);
  kam__free(ctx, p->revenue, p->cap * sizeof *p->revenue);
  kam__free(ctx, p->flags, p->cap);
  kam__free(ctx, p->id_off, p->cap * sizeof *p->id_off);
  kam__free(ctx, p->ids, p->ids_cap);
  kam__free(ctx, p->index, p->index_cap * sizeof *p->index);
  kam__free(ctx, p->numeric_ids, p->numeric_cap * sizeof *p->numeric_ids);
  kam__free(ctx, p->margin, p->cap * sizeof *p->margin);
  kam__free(ctx, p, sizeof *p);
}

size_t kam_portfolio_count(const kam_portfolio *p) { return p ? p->count : 0; }

/* Is the id of account i its generated decimal index? */
static bool id_generated(const kam_portfolio *p, size_t i) {
  return !p->id_off || p->id_off[i] == SIZE_MAX;
}

const char *kam__portfolio_id(const kam_portfolio *p, size_t i, char *buf, size_t *len) {
  if (id_generated(p, i)) {
    size_t n = format_index(buf, i);
    if (len) *len = n;
    return buf;
  } else {
    if (len) *len = id_len_of(p, i);
    return p->ids + p->id_off[i];
  }
}

const kam__detail *kam__portfolio_detail(const kam_portfolio *p, size_t i) {
  /* details[] holds distinct account indices in ascending order, so details[k].index lies in
   * [k, k + gap] with gap the number of accounts without details: account i's entry can only be
   * at k in [i - gap, i]. With details on (nearly) every account that is one or two probes,
   * not a binary search over the whole array (a cache miss per step in rank order). */
  size_t gap = p->count - p->detail_len, lo = i > gap ? i - gap : 0,
         hi = i < p->detail_len ? i + 1 : p->detail_len;
  if (!(kam__portfolio_flags(p, i) & KAM__ACC_DETAIL)) return NULL;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->details[mid].index < i)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->detail_len && p->details[lo].index == i ? &p->details[lo] : NULL;
}

const char *kam__portfolio_name(const kam_portfolio *p, size_t i) {
  const kam__detail *d = kam__portfolio_detail(p, i);
  return d ? d->name : NULL;
}

const char *kam__portfolio_group(const kam_portfolio *p, size_t i) {
  const kam__detail *d = kam__portfolio_detail(p, i);
  return d ? d->group : NULL;
}

/* ---- growth ---- */

/* Grows a block of *cap elements of elem bytes to at least need elements (geometric). The
 * block and *cap change only on success. */
static int grow(kam_ctx *ctx, void **block, size_t *cap, size_t need, size_t elem) {
  size_t ncap;
  void *nb;
  if (need <= *cap) return KAM_OK;
  ncap = *cap < 8 ? 8 : *cap + *cap / 2;
  if (ncap < need) ncap = need;
  if (ncap > SIZE_MAX / elem) ncap = need;
  if (need > SIZE_MAX / elem) return KAM_ENOMEM;
  nb = kam__realloc(ctx, *block, *cap * elem, ncap * elem);
  if (!nb) return KAM_ENOMEM;
  *block = nb;
  *cap = ncap;
  return KAM_OK;
}

/* The columns share one capacity: grow all of them (flags and id_off only if they exist), and
 * commit the capacity only when every one of them has it. */
static int grow_columns(kam_portfolio *p, size_t need) {
  size_t ncap;
  int64_t *rev, *mar = NULL;
  uint8_t *fl = NULL;
  size_t *off = p->id_off;
  if (need <= p->cap) return KAM_OK;
  if (need > MAX_ACCOUNTS) return KAM_ELIMIT;
  ncap = p->cap < 16 ? 16 : p->cap + p->cap / 2;
  if (ncap < need) ncap = need;
  if (ncap > MAX_ACCOUNTS) ncap = MAX_ACCOUNTS;
  /* Allocate the new blocks first, then move: on failure everything is as it was. realloc is
   * not usable here because a successful realloc of one column followed by a failure of the
   * next would leave blocks of different sizes behind one capacity. */
  rev = (int64_t *)kam__realloc(p->ctx, NULL, 0, ncap * sizeof *rev);
  if (!rev) return KAM_ENOMEM;
  if (p->flags && !(fl = (uint8_t *)kam__realloc(p->ctx, NULL, 0, ncap))) {
    kam__free(p->ctx, rev, ncap * sizeof *rev);
    return KAM_ENOMEM;
  }
  if (p->margin && !(mar = (int64_t *)kam__realloc(p->ctx, NULL, 0, ncap * sizeof *mar))) {
    kam__free(p->ctx, rev, ncap * sizeof *rev);
    kam__free(p->ctx, fl, ncap);
    return KAM_ENOMEM;
  }
  if (off) {
    off = (size_t *)kam__realloc(p->ctx, NULL, 0, ncap * sizeof *off);
    if (!off) {
      kam__free(p->ctx, rev, ncap * sizeof *rev);
      kam__free(p->ctx, fl, ncap);
      kam__free(p->ctx, mar, ncap * sizeof *mar);
      return KAM_ENOMEM;
    }
    if (p->count) memcpy(off, p->id_off, p->count * sizeof *off);
    kam__free(p->ctx, p->id_off, p->cap * sizeof *off);
    p->id_off = off;
  }
  if (p->count) {
    memcpy(rev, p->revenue, p->count * sizeof *rev);
    if (fl) memcpy(fl, p->flags, p->count);
    if (mar) memcpy(mar, p->margin, p->count * sizeof *mar);
  }
  kam__free(p->ctx, p->revenue, p->cap * sizeof *rev);
  kam__free(p->ctx, p->flags, p->cap);
  kam__free(p->ctx, p->margin, p->cap * sizeof *mar);
  p->revenue = rev;
  p->flags = fl;
  p->margin = mar;
  p->cap = ncap;
  return KAM_OK;
}

/* The id_off column appears with the first explicit id; every account before it has a
 * generated id (SIZE_MAX). */
static int ensure_id_off(kam_portfolio *p) {
  size_t *off, i;
  if (p->id_off || p->cap == 0) return KAM_OK;
  off = (size_t *)kam__alloc_array(p->ctx, p->cap, sizeof *off);
  if (!off) return KAM_ENOMEM;
  for (i = 0; i < p->count; i++)
    off[i] = SIZE_MAX;
  p->id_off = off;
  return KAM_OK;
}

/* The flags column appears with the first account that has a flag (or details); every account
 * before it has none. */
static int ensure_flags(kam_portfolio *p) {
  if (p->flags || p->cap == 0) return KAM_OK;
  p->flags = (uint8_t *)kam__alloc(p->ctx, p->cap);
  if (!p->flags) return KAM_ENOMEM;
  memset(p->flags, 0, p->cap);
  return KAM_OK;
}

/* The margin column appears with the first known margin; every account before it (and every
 * slot of the capacity) has none. */
static int ensure_margin(kam_portfolio *p) {
  size_t i;
  if (p->margin || p->cap == 0) return KAM_OK;
  p->margin = (int64_t *)kam__alloc_array(p->ctx, p->cap, sizeof *p->margin);
  if (!p->margin) return KAM_ENOMEM;
  for (i = 0; i < p->cap; i++)
    p->margin[i] = KAM_MARGIN_UNKNOWN;
  return KAM_OK;
}

static size_t index_slot(const kam_portfolio *p, uint64_t h) {
  return (size_t)h & (p->index_cap - 1);
}

/* Rehashes into a table of ncap (a power of two) entries. */
static int index_rehash(kam_portfolio *p, size_t ncap) {
  uint64_t *nt = (uint64_t *)kam__alloc_array(p->ctx, ncap, sizeof *nt);
  uint64_t *old = p->index;
  size_t oldcap = p->index_cap, i;
  if (!nt) return KAM_ENOMEM;
  memset(nt, 0, ncap * sizeof *nt);
  p->index = nt;
  p->index_cap = ncap;
  for (i = 0; i < oldcap; i++) {
    uint64_t e = old[i];
    if (e) {
      uint64_t h = id_hash_of(p, (size_t)(e & IDX_MASK) - 1);
      size_t s = index_slot(p, h);
      while (nt[s]) {
        s = (s + 1) & (ncap - 1);
        p->index_probes++;
      }
      nt[s] = e;
    }
  }
  kam__free(p->ctx, old, oldcap * sizeof *old);
  return KAM_OK;
}

/* Makes room for `extra` more explicit ids at a load factor of at most 3/4. */
static int index_reserve(kam_portfolio *p, size_t extra) {
  size_t need = p->index_used + extra, ncap;
  if (extra == 0) return KAM_OK;
  if (need > SIZE_MAX / 4) return KAM_ENOMEM;
  if (p->index_cap && need <= p->index_cap / 4 * 3) return KAM_OK;
  ncap = p->index_cap ? p->index_cap : 16;
  while (need > ncap / 4 * 3) {
    if (ncap > SIZE_MAX / 2 / sizeof(uint64_t)) return KAM_ENOMEM;
    ncap *= 2;
  }
  return index_rehash(p, ncap);
}

/* Account index holding explicit id s, or SIZE_MAX. */
static size_t index_find(kam_portfolio *p, const char *s, size_t len, uint64_t h) {
  size_t slot;
  uint64_t tag = entry_tag(h);
  if (!p->index_cap) return SIZE_MAX;
  slot = index_slot(p, h);
  for (;; p->index_probes++) {
    uint64_t e = p->index[slot];
    if (!e) return SIZE_MAX;
    if ((e >> IDX_BITS) == tag) {
      size_t acc = (size_t)(e & IDX_MASK) - 1;
      if (id_len_of(p, acc) == len && memcmp(p->ids + p->id_off[acc], s, len) == 0) return acc;
    }
    slot = (slot + 1) & (p->index_cap - 1);
  }
}

static void index_insert(kam_portfolio *p, uint64_t h, size_t acc) {
  size_t slot = index_slot(p, h);
  while (p->index[slot]) {
    slot = (slot + 1) & (p->index_cap - 1);
    p->index_probes++;
  }
  p->index[slot] = (entry_tag(h) << IDX_BITS) | ((uint64_t)acc + 1);
  p->index_used++;
}

/* Removes the entry of account acc (linear probing: backward-shift deletion). */
static void index_remove(kam_portfolio *p, size_t acc) {
  size_t mask = p->index_cap - 1, slot = index_slot(p, id_hash_of(p, acc)), next;
  while ((size_t)(p->index[slot] & IDX_MASK) != acc + 1)
    slot = (slot + 1) & mask;
  p->index[slot] = 0;
  p->index_used--;
  for (next = (slot + 1) & mask; p->index[next]; next = (next + 1) & mask) {
    size_t other = (size_t)(p->index[next] & IDX_MASK) - 1;
    size_t home = index_slot(p, id_hash_of(p, other));
    /* Move the entry back into the hole unless its home lies cyclically in (slot, next]. */
    bool stays = slot <= next ? (home > slot && home <= next) : (home > slot || home <= next);
    if (!stays) {
      p->index[slot] = p->index[next];
      p->index[next] = 0;
      slot = next;
    }
  }
}

int kam__portfolio_reserve(kam_portfolio *p, size_t extra) {
  int rc;
  if (!p) return KAM_EINVAL;
  if (extra > MAX_ACCOUNTS - p->count)
    return kam__error(p->ctx, KAM_ELIMIT, "a portfolio holds at most %zu accounts", MAX_ACCOUNTS);
  rc = grow_columns(p, p->count + extra);
  if (rc == KAM_ELIMIT)
    return kam__error(p->ctx, rc, "a portfolio holds at most %zu accounts", MAX_ACCOUNTS);
  if (rc == KAM_OK) rc = ensure_id_off(p);
  if (rc == KAM_OK) rc = index_reserve(p, extra);
  return rc == KAM_OK ? rc : kam__nomem(p->ctx);
}

void kam__portfolio_truncate(kam_portfolio *p, size_t count) {
  size_t i, numeric = 0, arena_end = SIZE_MAX;
  if (!p || count >= p->count) return;
  /* Explicit ids leave the index before the arena shrinks (removal rehashes their texts). */
  for (i = p->count; i-- > count;) {
    if (!id_generated(p, i)) {
      size_t v;
      if (canonical_index(p->ids + p->id_off[i], id_len_of(p, i), &v)) numeric++;
      index_remove(p, i);
      arena_end = p->id_off[i] - ID_PREFIX;
    }
  }
  if (arena_end != SIZE_MAX) p->ids_len = arena_end;
  p->numeric_len -= numeric;
  if (p->detail_len && p->details[p->detail_len - 1].index >= count) {
    while (p->detail_len && p->details[p->detail_len - 1].index >= count)
      p->detail_len--;
    arena_release(p, p->details[p->detail_len].arena_at);
  }
  if (p->history_max) {
    size_t k;
    p->history_max = 0;
    for (k = 0; k < p->detail_len; k++)
      if (p->details[k].history_len > p->history_max) p->history_max = p->details[k].history_len;
  }
  p->count = count;
}

/* ---- adding ---- */

/* Checks an explicit id: non-empty UTF-8 and not already present (explicit or generated).
 * pos is the position in an add_columns batch, or SIZE_MAX for kam_portfolio_add. */
static int check_new_id(kam_portfolio *p, const char *id, size_t len, uint64_t h, size_t pos) {
  size_t bad, other, v;
  const char *fn = pos == SIZE_MAX ? "kam_portfolio_add" : "kam_portfolio_add_columns";
  size_t shown = pos == SIZE_MAX ? 0 : pos;
  if (len == 0)
    return pos == SIZE_MAX ? kam__error(p->ctx, KAM_EINVAL, "%s: the id is empty", fn)
                           : kam__error(p->ctx, KAM_EINVAL, "%s: ids[%zu] is empty", fn, shown);
  if (!kam__utf8_valid(id, len, &bad))
    return pos == SIZE_MAX
               ? kam__error(p->ctx, KAM_EINVAL, "%s: the id is not valid UTF-8 (byte %zu)", fn, bad)
               : kam__error(p->ctx, KAM_EINVAL, "%s: ids[%zu] is not valid UTF-8 (byte %zu)", fn,
                            shown, bad);
  other = index_find(p, id, len, h);
  if (other == SIZE_MAX && canonical_index(id, len, &v) && v < p->count && id_generated(p, v))
    other = v;
  if (other != SIZE_MAX)
    return kam__error(p->ctx, KAM_EEXIST, "%s: duplicate id \"%.200s\" (account %zu has it)", fn,
                      id, other);
  return KAM_OK;
}

/* Appends the explicit id of account p->count (room must be reserved). */
static void push_explicit_id(kam_portfolio *p, const char *id, size_t len, uint64_t h) {
  size_t v;
  uint32_t n = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
  memcpy(p->ids + p->ids_len, &h, sizeof h);
  memcpy(p->ids + p->ids_len + sizeof h, &n, sizeof n);
  p->ids_len += ID_PREFIX;
  memcpy(p->ids + p->ids_len, id, len);
  p->ids[p->ids_len + len] = '\0';
  p->id_off[p->count] = p->ids_len;
  p->ids_len += len + 1;
  index_insert(p, h, p->count);
  if (canonical_index(id, len, &v)) p->numeric_ids[p->numeric_len++] = v;
}

static int reserve_ids(kam_portfolio *p, size_t bytes, size_t numeric) {
  int rc = KAM_OK;
  if (bytes > SIZE_MAX - p->ids_len) return KAM_ENOMEM;
  if (bytes) rc = grow(p->ctx, (void **)&p->ids, &p->ids_cap, p->ids_len + bytes, 1);
  if (rc == KAM_OK && numeric)
    rc = grow(p->ctx, (void **)&p->numeric_ids, &p->numeric_cap, p->numeric_len + numeric,
              sizeof *p->numeric_ids);
  return rc;
}

static int check_text(kam_portfolio *p, const char *what, const char *s, const char *id) {
  size_t bad;
  if (s && !kam__utf8_valid(s, strlen(s), &bad))
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": the %s is not valid UTF-8 (byte %zu)", id, what, bad);
  return KAM_OK;
}

/* Adds a validated account (id hash h, text lengths given; 0: none). Everything that can fail
 * is allocated before anything is committed. */
static int add_account(kam_portfolio *p, const kam_account *acc, size_t idlen, uint64_t h,
                       size_t name_len, size_t group_len) {
  kam__detail d;
  size_t v;
  /* the relationship is kept as its value (NaN: unknown); its flag bit is not stored */
  double relationship = (acc->flags & KAM_ACCOUNT_RELATIONSHIP) ? acc->relationship : NAN;
  bool detail = name_len || group_len || acc->history_len || acc->forecast_len ||
                !isnan(acc->potential) || !isnan(relationship);
  memset(&d, 0, sizeof d);
  d.index = p->count;
  d.potential = acc->potential;
  d.relationship = relationship;
  if (p->count >= MAX_ACCOUNTS)
    return kam__error(p->ctx, KAM_ELIMIT, "a portfolio holds at most %zu accounts", MAX_ACCOUNTS);
  if (idlen > SIZE_MAX / 2 || grow_columns(p, p->count + 1) || ensure_id_off(p) ||
      index_reserve(p, 1) ||
      reserve_ids(p, idlen + 1 + ID_PREFIX, canonical_index(acc->id, idlen, &v) ? 1 : 0) ||
      (((acc->flags & KAM__ACC_PUBLIC) || detail) && ensure_flags(p)) ||
      ((acc->flags & KAM_ACCOUNT_MARGIN) && ensure_margin(p)))
    return kam__nomem(p->ctx);
  if (detail) {
    /* One piece of the arena: history and forecast (8-byte aligned), then name and group. */
    size_t bytes;
    char *at = NULL;
    if (acc->history_len > SIZE_MAX / 32 || acc->forecast_len > SIZE_MAX / 32 ||
        name_len > SIZE_MAX / 8 || group_len > SIZE_MAX / 8)
      return kam__nomem(p->ctx);
    bytes = acc->history_len * sizeof *d.history + acc->forecast_len * sizeof *d.forecast +
            (name_len ? name_len + 1 : 0) + (group_len ? group_len + 1 : 0);
    if (grow(p->ctx, (void **)&p->details, &p->detail_cap, p->detail_len + 1, sizeof *p->details))
      return kam__nomem(p->ctx);
    d.arena_at = arena_pos(p);
    if (bytes && !(at = (char *)arena_alloc(p, bytes))) return kam__nomem(p->ctx);
    if (at) {
      if (acc->history_len) {
        d.history = (int64_t *)(void *)at;
        d.history_len = acc->history_len;
        memcpy(d.history, acc->history, acc->history_len * sizeof *d.history);
        at += acc->history_len * sizeof *d.history;
      }
      if (acc->forecast_len) {
        d.forecast = (double *)(void *)at;
        d.forecast_len = acc->forecast_len;
        memcpy(d.forecast, acc->forecast, acc->forecast_len * sizeof *d.forecast);
        at += acc->forecast_len * sizeof *d.forecast;
      }
      if (name_len) {
        d.name = at;
        d.name_len = name_len;
        memcpy(at, acc->name, name_len);
        at[name_len] = '\0';
        at += name_len + 1;
      }
      if (group_len) {
        d.group = at;
        d.group_len = group_len;
        memcpy(at, acc->group, group_len);
        at[group_len] = '\0';
      }
    }
    p->details[p->detail_len++] = d;
    if (d.history_len > p->history_max) p->history_max = d.history_len;
  }
  push_explicit_id(p, acc->id, idlen, h);
  p->revenue[p->count] = acc->revenue;
  if (p->flags)
    p->flags[p->count] =
        (uint8_t)((acc->flags & KAM__ACC_PUBLIC) | (detail ? KAM__ACC_DETAIL : 0u));
  if (p->margin)
    p->margin[p->count] = (acc->flags & KAM_ACCOUNT_MARGIN) ? acc->margin : KAM_MARGIN_UNKNOWN;
  p->count++;
  return KAM_OK;
}

int kam_portfolio_add(kam_portfolio *p, const kam_account *a) {
  kam_account acc;
  size_t idlen, sz, v;
  uint64_t h;
  int rc;
  if (!p) return KAM_EINVAL;
  if (!a) return kam__error(p->ctx, KAM_EINVAL, "kam_portfolio_add: the account is NULL");
  sz = a->struct_size;
  /* Read only the fields the caller's struct has; the rest keep their defaults. */
  memset(&acc, 0, sizeof acc);
  acc.potential = NAN;
  rc = KAM__STRUCT_COPY_IN(p->ctx, acc, a, kam_account, revenue, "kam_portfolio_add");
  if (rc) return rc;
  if (!KAM__HAS_FIELD(sz, kam_account, history_len)) acc.history_len = 0;
  if (!KAM__HAS_FIELD(sz, kam_account, forecast_len)) acc.forecast_len = 0;
  if (!KAM__HAS_FIELD(sz, kam_account, potential)) acc.potential = NAN;
  if (!(acc.flags & KAM_ACCOUNT_RELATIONSHIP)) acc.relationship = NAN;

  if (!acc.id) return kam__error(p->ctx, KAM_EINVAL, "kam_portfolio_add: the id is NULL");
  idlen = strlen(acc.id);
  h = hash_bytes(p, acc.id, idlen);
  rc = check_new_id(p, acc.id, idlen, h, SIZE_MAX);
  if (rc) return rc;
  if (acc.flags & ~(uint32_t)KAM__ACC_INPUT)
    return kam__error(p->ctx, KAM_EINVAL, "account \"%.200s\": unknown flags 0x%x", acc.id,
                      (unsigned)(acc.flags & ~(uint32_t)KAM__ACC_INPUT));
  if (!KAM__HAS_FIELD(sz, kam_account, margin)) acc.flags &= ~(uint32_t)KAM_ACCOUNT_MARGIN;
  if ((acc.flags & KAM_ACCOUNT_MARGIN) && acc.margin == KAM_MARGIN_UNKNOWN)
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": margin %lld is out of range (it is the unknown mark)",
                      acc.id, (long long)acc.margin);
  if (acc.revenue < 0)
    return kam__error(p->ctx, KAM_EINVAL, "account \"%.200s\": revenue %lld is negative", acc.id,
                      (long long)acc.revenue);
  if ((rc = check_text(p, "name", acc.name, acc.id)) ||
      (rc = check_text(p, "group", acc.group, acc.id)))
    return rc;
  if (acc.history_len && !acc.history)
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": history is NULL but history_len is %zu", acc.id,
                      acc.history_len);
  for (v = 0; v < acc.history_len; v++) {
    if (acc.history[v] < 0)
      return kam__error(p->ctx, KAM_EINVAL, "account \"%.200s\": history[%zu] = %lld is negative",
                        acc.id, v, (long long)acc.history[v]);
  }
  if (acc.forecast_len && !acc.forecast)
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": forecast is NULL but forecast_len is %zu", acc.id,
                      acc.forecast_len);
  for (v = 0; v < acc.forecast_len; v++) {
    if (!isfinite(acc.forecast[v]))
      return kam__error(p->ctx, KAM_EINVAL,
                        "account \"%.200s\": forecast[%zu] is not a finite number", acc.id, v);
  }
  if (!isnan(acc.potential) && !(acc.potential >= 0.0 && acc.potential <= 1.0))
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": potential %g is outside 0..1 (NaN = unknown)", acc.id,
                      acc.potential);
  if ((acc.flags & KAM_ACCOUNT_RELATIONSHIP) && !KAM__HAS_FIELD(sz, kam_account, relationship))
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": KAM_ACCOUNT_RELATIONSHIP but struct_size %zu ends "
                      "before the relationship field",
                      acc.id, sz);
  if ((acc.flags & KAM_ACCOUNT_RELATIONSHIP) &&
      !(acc.relationship >= 0.0 && acc.relationship <= 1.0))
    return kam__error(p->ctx, KAM_EINVAL,
                      "account \"%.200s\": relationship %g is outside 0..1", acc.id,
                      acc.relationship);

  return add_account(p, &acc, idlen, h, acc.name ? strlen(acc.name) : 0,
                     acc.group ? strlen(acc.group) : 0);
}

uint64_t kam__portfolio_text_hash(const kam_portfolio *p, const char *s, size_t len) {
  return hash_bytes(p, s, len);
}

uint64_t kam__portfolio_id_hash(const kam_portfolio *p, const char *id, size_t len) {
  uint64_t h = hash_bytes(p, id, len);
#if defined(__GNUC__)
  if (p->index_cap) __builtin_prefetch(&p->index[index_slot(p, h)]);
#endif
  return h;
}

int kam__portfolio_add_checked(kam_portfolio *p, const kam_account *a, size_t idlen,
                               size_t name_len, size_t group_len, uint64_t h) {
  size_t other = index_find(p, a->id, idlen, h), v;
  if (other == SIZE_MAX && canonical_index(a->id, idlen, &v) && v < p->count && id_generated(p, v))
    other = v;
  if (other != SIZE_MAX)
    return kam__error(p->ctx, KAM_EEXIST,
                      "kam_portfolio_add: duplicate id \"%.200s\" (account %zu has it)", a->id,
                      other);
  return add_account(p, a, idlen, h, name_len, group_len);
}

/* Bulk path with generated ids: the range [count, count + n) must not meet an explicit id that
 * is the decimal text of one of its indices. */
static int check_generated_range(kam_portfolio *p, size_t n) {
  size_t first = p->count, i;
  if (p->numeric_len == 0) return KAM_OK;
  if (p->numeric_len <= n) {
    for (i = 0; i < p->numeric_len; i++) {
      size_t v = p->numeric_ids[i];
      if (v >= first && v - first < n) {
        char buf[KAM__ID_BUF] = {0};
        format_index(buf, v);
        return kam__error(p->ctx, KAM_EEXIST,
                          "kam_portfolio_add_columns: duplicate id \"%s\" (account %zu has it)",
                          buf, index_find(p, buf, strlen(buf), hash_bytes(p, buf, strlen(buf))));
      }
    }
    return KAM_OK;
  }
  for (i = 0; i < n; i++) {
    char buf[KAM__ID_BUF] = {0};
    size_t len = format_index(buf, first + i),
           other = index_find(p, buf, len, hash_bytes(p, buf, len));
    if (other != SIZE_MAX)
      return kam__error(p->ctx, KAM_EEXIST,
                        "kam_portfolio_add_columns: duplicate id \"%s\" (account %zu has it)", buf,
                        other);
  }
  return KAM_OK;
}

typedef struct copy_part {
  int64_t *dst;
  const int64_t *src;
  size_t n;
  int64_t neg; /* the OR of the values: negative iff one is */
} copy_part;

static int copy_task(void *arg) {
  copy_part *c = (copy_part *)arg;
  int64_t *dst = c->dst, neg = 0; /* locals: dst may alias *c */
  const int64_t *src = c->src;
  size_t i, n = c->n;
  for (i = 0; i < n; i++) {
    dst[i] = src[i];
    neg |= src[i];
  }
  c->neg = neg;
  return 0;
}

static int negative_revenue(kam_portfolio *p, const int64_t *revenue) {
  size_t i;
  for (i = 0; revenue[i] >= 0; i++) {
  }
  return kam__error(p->ctx, KAM_EINVAL,
                    "kam_portfolio_add_columns: revenue[%zu] = %lld is negative", i,
                    (long long)revenue[i]);
}

int kam_portfolio_add_columns(kam_portfolio *p, size_t n, const char *const *ids,
                              const int64_t *revenue) {
  size_t i, first, bytes = 0, numeric = 0;
  int64_t neg = 0;
  int rc;
  if (!p) return KAM_EINVAL;
  if (n == 0) return KAM_OK;
  if (!revenue) return kam__error(p->ctx, KAM_EINVAL, "kam_portfolio_add_columns: revenue is NULL");
  if (n > MAX_ACCOUNTS - p->count)
    return kam__error(p->ctx, KAM_ELIMIT, "a portfolio holds at most %zu accounts", MAX_ACCOUNTS);
  first = p->count;
  if (!ids) {
    copy_part part[KAM__MAX_THREADS];
    unsigned k, parts = kam__parts(p->ctx, n);
    rc = check_generated_range(p, n);
    if (rc) return rc;
    if (grow_columns(p, first + n)) return kam__nomem(p->ctx);
    /* Copy and validate in one pass (split over the ctx's threads): the copy lands past count,
     * so a negative revenue leaves the portfolio as it was. */
    for (k = 0; k < parts; k++) {
      size_t lo, hi;
      kam__part_range(n, parts, k, &lo, &hi);
      part[k].dst = p->revenue + first + lo;
      part[k].src = revenue + lo;
      part[k].n = hi - lo;
    }
    kam__parallel(copy_task, part, sizeof part[0], parts);
    for (k = 0; k < parts; k++)
      neg |= part[k].neg;
    if (neg < 0) return negative_revenue(p, revenue);
    if (p->flags) memset(p->flags + first, 0, n);
    if (p->margin)
      for (i = 0; i < n; i++)
        p->margin[first + i] = KAM_MARGIN_UNKNOWN;
    if (p->id_off)
      for (i = 0; i < n; i++)
        p->id_off[first + i] = SIZE_MAX;
    p->count += n;
    return KAM_OK;
  }
  /* Validate the whole batch before anything is committed. */
  for (i = 0; i < n; i++)
    neg |= revenue[i];
  if (neg < 0) return negative_revenue(p, revenue);
  for (i = 0; i < n; i++) {
    size_t len, v;
    if (!ids[i])
      return kam__error(p->ctx, KAM_EINVAL, "kam_portfolio_add_columns: ids[%zu] is NULL", i);
    len = strlen(ids[i]);
    if (len >= SIZE_MAX - ID_PREFIX - bytes) return kam__nomem(p->ctx);
    bytes += len + 1 + ID_PREFIX;
    if (canonical_index(ids[i], len, &v)) numeric++;
  }
  if (grow_columns(p, first + n) || ensure_id_off(p) || index_reserve(p, n) ||
      reserve_ids(p, bytes, numeric))
    return kam__nomem(p->ctx);
  /* Insert one by one (duplicates inside the batch are found against the ones already in);
   * on the first bad id, roll the batch back. */
  for (i = 0; i < n; i++) {
    size_t len = strlen(ids[i]);
    uint64_t h = hash_bytes(p, ids[i], len);
    rc = check_new_id(p, ids[i], len, h, i);
    if (rc) {
      kam__portfolio_truncate(p, first);
      return rc;
    }
    push_explicit_id(p, ids[i], len, h);
    p->revenue[p->count] = revenue[i];
    if (p->flags) p->flags[p->count] = 0;
    if (p->margin) p->margin[p->count] = KAM_MARGIN_UNKNOWN;
    p->count++;
  }
  return KAM_OK;
}

int kam_portfolio_add_columns_margin(kam_portfolio *p, size_t n, const char *const *ids,
                                     const int64_t *revenue, const int64_t *margin) {
  size_t first, i;
  bool any = false;
  int rc;
  if (!p) return KAM_EINVAL;
  if (margin)
    for (i = 0; i < n && !any; i++)
      any = margin[i] != KAM_MARGIN_UNKNOWN;
  /* The margin column (all unknown) may appear even if the batch then fails: that changes no
   * account. */
  if (any && n && revenue && ensure_margin(p)) return kam__nomem(p->ctx);
  first = p->count;
  rc = kam_portfolio_add_columns(p, n, ids, revenue);
  if (rc || !any) return rc;
  if (!p->margin && ensure_margin(p)) { /* the portfolio had no capacity before the batch */
    kam__portfolio_truncate(p, first);
    return kam__nomem(p->ctx);
  }
  memcpy(p->margin + first, margin, n * sizeof *margin);
  return KAM_OK;
}

/*
 * kam/value.h - JSON-like values and the strict JSON parser and writer.
 *
 * A kam_value is a tree of null, bool, number, string, array, object and lambda nodes:
 * - number: keeps its exact decimal text (from JSON, from kam_value_new_number_text, or the
 *   shortest round-trip text of the double it was built from) and the nearest double, so money
 *   amounts convert exactly (feed the text to the money functions, never the double);
 * - string: UTF-8 checked, may hold NUL bytes (always use the length);
 * - array: items in order;
 * - object: members in insertion order, keys unique; lookups by key are O(1) on average
 *   (objects of more than 16 members keep a hash index, more than 32 in the lines of a
 *   proposal's model; smaller ones are scanned, which measured faster);
 * - lambda: a C callback with user data, for Mustache (written as null in JSON).
 *
 * Ownership. Every kam_value is owned by exactly one parent, or by the caller. A builder hands
 * the new value to the caller; kam_value_array_push / kam_value_object_set take ownership of
 * the item when they succeed (on failure the caller still owns it). They refuse (KAM_EINVAL)
 * an item that already belongs to a container and an item that contains the container (the
 * root of the container's own tree), so a tree can never hold itself or share a node.
 * kam_value_free frees a whole tree; call it on trees you own (a root): on an item you gave
 * to a container it does nothing.
 * Readers return borrowed pointers (const kam_value *, const char *) that stay valid until the
 * value, or the tree it belongs to, is changed or freed. Items reached through the readers are
 * read-only: do not cast the const away to change or give them away (parsed items refuse with
 * KAM_EINVAL; built ones would be corrupted).
 *
 * Contexts. Every value belongs to the kam_ctx it was made with; a container only takes items
 * made with its own ctx (KAM_EINVAL otherwise). Error messages go to that ctx. Free every value
 * before its ctx.
 *
 * Memory. Builders allocate each value through the ctx allocator (strings and numbers in one
 * block with their node, 56 bytes plus the text). kam_json_parse puts the whole tree in a few
 * big blocks owned by the root (an arena), so parsing does no allocation per value and
 * freeing is quick; its nodes are compact (16 bytes, short strings and numbers inside the
 * node, equal small leaves shared, arrays and objects sized exactly), see kam_json_parse.
 * A parsed root can still be changed with the builders; memory it takes for that (bigger
 * item arrays, copied keys) comes from its arena and is released when the root is freed, and
 * a value that a parsed container drops (an object_set replacing a parsed member) stays in
 * the arena until then.
 * Freeing never recurses and never allocates: a tree of any depth can be freed.
 *
 * Thread rules: as for the owning ctx (one thread at a time; separate ctxs are independent).
 * Readers do not change anything, so a finished tree may be read by several threads at once
 * as long as nobody changes or frees it meanwhile.
 */
#ifndef KAM_VALUE_H
#define KAM_VALUE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kam_value kam_value;

/** Value types, as returned by kam_value_type. */
enum {
  KAM_VALUE_NULL = 0,
  KAM_VALUE_BOOL = 1,
  KAM_VALUE_NUMBER = 2,
  KAM_VALUE_STRING = 3,
  KAM_VALUE_ARRAY = 4,
  KAM_VALUE_OBJECT = 5,
  KAM_VALUE_LAMBDA = 6
};

/** Flags for kam_json_write. */
enum { KAM_JSON_PRETTY = 1u << 0 /**< two-space indentation and newlines */ };

/** Nesting limit of kam_json_parse: deeper arrays/objects are KAM_ELIMIT. */
enum { KAM_JSON_MAX_DEPTH = 512 };

/** A lambda: Mustache calls it with the raw text of the section ({{#name}}...{{/name}}), or
 *  with text NULL and len 0 for an interpolation ({{name}}). It writes its result through
 *  out(out_ud, bytes, len); the result is then rendered as a template with the current
 *  delimiters against the current context. Return 0 to go on; any other value stops the
 *  render and is returned by kam_template_render unchanged. It must return (no longjmp through
 *  libkam): bindings catch their own exceptions inside it and return a nonzero status. */
typedef int (*kam_lambda_fn)(void *ud, const char *text, size_t len, kam_write_fn out,
                             void *out_ud);

/* --- Builders. Each sets *out (NULL on failure) and returns KAM_OK, or KAM_EINVAL (out or ctx
 * --- NULL, or as stated), or KAM_ENOMEM. The new value belongs to the caller until it is put
 * --- into a container; free it with kam_value_free otherwise. */

/** A null value. */
KAM_API int kam_value_new_null(kam_value **out, kam_ctx *ctx);
/** A bool: any nonzero b is true. */
KAM_API int kam_value_new_bool(kam_value **out, kam_ctx *ctx, int b);
/** A number from a double; its text is the shortest one that reads back as the same double
 *  ("0.1", "100", "1e+300", "-0"), independent of the C locale.
 *  @return KAM_OK, KAM_EINVAL (also for NaN and infinities: JSON has none), KAM_ENOMEM. */
KAM_API int kam_value_new_number(kam_value **out, kam_ctx *ctx, double v);
/** A number from an exact integer: its text is the decimal integer ("-42"); its double is the
 *  nearest one (integers beyond 2^53 are rounded in the double only, never in the text). */
KAM_API int kam_value_new_int(kam_value **out, kam_ctx *ctx, int64_t v);
/** A number from its decimal text in JSON number syntax ("-12.50", "1e3"; no '+', no leading
 *  zeros, no surrounding space); the text is kept exactly, its double is the nearest one
 *  (out-of-range exponents give +-HUGE_VAL or 0 in the double only).
 *  @return KAM_OK, KAM_EINVAL (text NULL with len > 0), KAM_EPARSE (not a JSON number; the ctx
 *  message quotes it), KAM_ENOMEM. */
KAM_API int kam_value_new_number_text(kam_value **out, kam_ctx *ctx, const char *text, size_t len);
/** A string: s[0..len) is copied (s may be NULL when len is 0) and may hold NUL bytes.
 *  @return KAM_OK, KAM_EINVAL, KAM_EPARSE (not valid UTF-8: overlongs, surrogates and code
 *  points past U+10FFFF are refused; the message gives the byte offset), KAM_ENOMEM. */
KAM_API int kam_value_new_string(kam_value **out, kam_ctx *ctx, const char *s, size_t len);
/** An empty array. */
KAM_API int kam_value_new_array(kam_value **out, kam_ctx *ctx);
/** An empty object. */
KAM_API int kam_value_new_object(kam_value **out, kam_ctx *ctx);
/** A lambda value (see kam_lambda_fn). ud is borrowed: it must outlive the value.
 *  @return KAM_OK, KAM_EINVAL (fn NULL), KAM_ENOMEM. */
KAM_API int kam_value_new_lambda(kam_value **out, kam_ctx *ctx, kam_lambda_fn fn, void *ud);

/** Appends item to an array and takes ownership of it. item must be a root owned by the caller
 *  (a fresh value, or a parsed root, not yet given to any container), made with the array's
 *  ctx, and not an ancestor of arr. The check walks up from arr to its root and shortens the
 *  path it took (as union-find does), so building a tree of any depth, top-down or bottom-up,
 *  stays near-linear. On failure nothing changes and the caller still owns item.
 *  @return KAM_OK; KAM_EINVAL (arr NULL or not an array, item NULL, item == arr, item already
 *  in a container, item an ancestor of arr, item from another ctx, item or arr inside a
 *  parsed tree; the ctx message says which); KAM_ENOMEM. */
KAM_API int kam_value_array_push(kam_value *arr, kam_value *item);
/** Sets obj[key] = item and takes ownership of item. An existing member with that key is freed
 *  and replaced in place (its position is kept); otherwise the member is appended. The key
 *  (key_len bytes, may hold NULs; key may be NULL when key_len is 0) is copied and must be
 *  valid UTF-8. The rules for item are those of kam_value_array_push. On failure nothing
 *  changes and the caller still owns item.
 *  @return KAM_OK, KAM_EINVAL, KAM_EPARSE (key not UTF-8), KAM_ENOMEM, KAM_ELIMIT (more than
 *  about 10^9 members). */
KAM_API int kam_value_object_set(kam_value *obj, const char *key, size_t key_len, kam_value *item);

/** Frees a value and everything it owns, without recursion (any depth is fine). NULL is a
 *  no-op; so is an item of a parsed tree or of a container (it goes with its root). */
KAM_API void kam_value_free(kam_value *v);

/* --- Readers. They never fail loudly: a NULL pointer or a wrong type gives the neutral answer
 * --- stated. Returned pointers are borrowed (see Ownership above). */

/** KAM_VALUE_*; KAM_VALUE_NULL for a NULL pointer. */
KAM_API int kam_value_type(const kam_value *v);
/** 1 for true, 0 for false or not a bool. */
KAM_API int kam_value_bool(const kam_value *v);
/** The number as a double (the nearest double to its text, correctly rounded); NaN if not a
 *  number. Text beyond the double range gives +-HUGE_VAL (infinity) or +-0. */
KAM_API double kam_value_number(const kam_value *v);
/** The exact decimal text of a number, NUL-terminated, in JSON number syntax (as parsed, as
 *  given to kam_value_new_number_text, or the text made by kam_value_new_number/_int); NULL if
 *  not a number. *len (if not NULL) gets its length (0 if not a number). */
KAM_API const char *kam_value_number_text(const kam_value *v, size_t *len);
/** The bytes of a string, NUL-terminated (it may hold NULs: use *len); NULL if not a string.
 *  *len (if not NULL) gets the length in bytes (0 if not a string). */
KAM_API const char *kam_value_string(const kam_value *v, size_t *len);
/** Items of an array, members of an object; 0 otherwise. */
KAM_API size_t kam_value_length(const kam_value *v);
/** The i-th item of an array or the i-th member's value of an object (insertion order); NULL
 *  if out of range or not a container. */
KAM_API const kam_value *kam_value_at(const kam_value *v, size_t i);
/** The i-th member's key of an object, NUL-terminated (it may hold NULs: use *len); NULL if
 *  not an object or out of range. *len (if not NULL) gets its length. */
KAM_API const char *kam_value_key_at(const kam_value *v, size_t i, size_t *len);
/** The member of obj with this key (key_len bytes compared exactly; key may be NULL when
 *  key_len is 0), or NULL if there is none or obj is not an object. O(1) on average. */
KAM_API const kam_value *kam_value_get(const kam_value *obj, const char *key, size_t key_len);

/** Parses one JSON text (RFC 8259, strict) into a new tree owned by the caller.
 *
 *  Accepted: exactly one value with optional whitespace (space, tab, CR, LF) around it. Refused:
 *  a byte order mark, comments, trailing commas, single quotes, NaN/Infinity, leading zeros,
 *  '+' signs, unescaped control characters in strings, invalid escapes, strings that are not
 *  valid UTF-8 (overlong forms, encoded surrogates, code points past U+10FFFF, truncated
 *  sequences), \u escapes that leave a lone surrogate (a high one must be followed by a low
 *  one), and anything after the value (a NUL byte included). Duplicate keys: the last value
 *  wins, at the first key's position. Nesting deeper than KAM_JSON_MAX_DEPTH (512) arrays and
 *  objects is KAM_ELIMIT. The parser does not recurse, so no input can exhaust the C stack.
 *  Numbers keep their text exactly ("1.10" stays "1.10", "12345678901234567890.123456789"
 *  too); see kam_value_number for the double beside it.
 *
 *  The JSONTestSuite implementation-defined cases (i_*) are handled thus: numbers too big or
 *  too small for a double are accepted (text kept; the double is +-HUGE_VAL or 0); invalid
 *  UTF-8, UTF-16 input and BOMs are refused (KAM_EPARSE); lone or broken surrogate escapes are
 *  refused; 500 levels of nesting are accepted (the limit is 512).
 *
 *  Errors set the ctx message to "line L, column C: what" ("line 3, column 15: unexpected '3',
 *  expected a string key"). Lines count LF characters, 1-based; the column counts characters
 *  (Unicode code points, i.e. UTF-8 lead bytes; a tab is one) from the start of the line,
 *  1-based.
 *
 *  text need not be NUL-terminated; it may be NULL when len is 0 (which is KAM_EPARSE: empty
 *  input). Memory: at its peak (parser stacks included) a parse takes at most 12 times the
 *  text plus about 100 KB, whatever the shape of the document; the finished tree keeps at
 *  most about 7 times the text. The worst cases are arrays of tiny items ([0,0,...],
 *  ["a",...], [[0],...]): each item costs a pointer, plus a 16-byte node unless it is a
 *  shared leaf (null, true, false, "", [], {} and numbers of one or two characters are stored
 *  once per tree). So two places of a parsed tree may hand out the same pointer; its inner
 *  nodes cannot be changed or given away. A string longer than 4 GB, or an array or object
 *  of more than about 10^9 items, is KAM_ELIMIT.
 *  @return KAM_OK; KAM_EINVAL (out or ctx NULL, text NULL with len > 0); KAM_EPARSE;
 *  KAM_ELIMIT; KAM_ENOMEM. On failure *out is NULL and nothing is left allocated. */
KAM_API int kam_json_parse(kam_value **out, kam_ctx *ctx, const char *text, size_t len);

/** Writes v as one JSON text through write(ud, bytes, len) (compact unless KAM_JSON_PRETTY).
 *
 *  Compact: no whitespace at all. Pretty: each item and member on its own line, indented by two
 *  spaces per level, ": " after keys, empty arrays/objects as [] and {}, no final newline.
 *  Numbers are written as their exact text, so parse -> write -> parse gives the same tree, and
 *  compact input without insignificant whitespace, escapes of printable characters or raw
 *  U+2028/U+2029 comes back byte for byte. Strings escape '"' and '\\' as \" and \\, the control characters
 *  \b \f \n \r \t by name, the others (U+0000-U+001F) as \u00xx with lower-case hex digits,
 *  and U+2028 and U+2029 as \u2028 and \u2029 (they end lines in JavaScript, so the output can
 *  stand inside an HTML <script> element); everything else (UTF-8, '/', DEL) passes through
 *  unchanged. Every JSON text the library writes (segmentation reports, proposal documents)
 *  escapes strings the same way. A lambda is written as null.
 *
 *  Output is buffered (16 KB) so write is called with reasonably big pieces; a failed call
 *  stops at once. The traversal does not recurse; past 64 levels its stack is allocated
 *  through v's ctx (the only possible KAM_ENOMEM).
 *  @return KAM_OK; KAM_EINVAL (v or write NULL, unknown flags); KAM_ENOMEM; or the write
 *  callback's nonzero status, unchanged. */
KAM_API int kam_json_write(const kam_value *v, uint32_t flags, kam_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_VALUE_H */

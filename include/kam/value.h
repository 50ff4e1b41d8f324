/*
 * kam/value.h - JSON-like values and the strict JSON parser and writer.
 *
 * A kam_value is a tree of null, bool, number, string, array, object (insertion order kept,
 * keys unique) and lambda (a C callback, for Mustache). Numbers keep their exact decimal text
 * (from JSON or from kam_value_new_number_text) so money amounts convert exactly.
 *
 * Ownership: every kam_value is owned by exactly one parent or by the caller. Containers take
 * ownership of an item when kam_value_array_push / kam_value_object_set succeed; on failure the
 * caller still owns the item. kam_value_free frees a whole tree. Borrowed pointers returned by
 * the readers stay valid until the value (or its parent tree) is changed or freed.
 * Thread rules: as for the owning ctx (one thread at a time).
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

/** A lambda: Mustache calls it with the raw text of the section ({{#name}}...{{/name}}), or
 *  with text NULL and len 0 for an interpolation ({{name}}). It writes its result through
 *  out(out_ud, bytes, len); the result is then rendered as a template with the current
 *  delimiters against the current context. Return 0 to go on; any other value stops the
 *  render and is returned by kam_template_render unchanged. */
typedef int (*kam_lambda_fn)(void *ud, const char *text, size_t len, kam_write_fn out,
                             void *out_ud);

/* --- Builders. Each sets *out (NULL on failure) and returns KAM_OK, KAM_EINVAL or KAM_ENOMEM.
 * --- The new value belongs to the caller until it is put into a container. */
KAM_API int kam_value_new_null(kam_value **out, kam_ctx *ctx);
KAM_API int kam_value_new_bool(kam_value **out, kam_ctx *ctx, int b);
/** A number from a double. Non-finite values are KAM_EINVAL (JSON has none). */
KAM_API int kam_value_new_number(kam_value **out, kam_ctx *ctx, double v);
/** A number from an exact integer (its decimal text is kept). */
KAM_API int kam_value_new_int(kam_value **out, kam_ctx *ctx, int64_t v);
/** A number from its decimal text in JSON number syntax ("-12.50", "1e3"); the text is kept
 *  exactly. KAM_EPARSE if it is not a JSON number. */
KAM_API int kam_value_new_number_text(kam_value **out, kam_ctx *ctx, const char *text, size_t len);
/** A string (copied). KAM_EPARSE if s[0..len) is not valid UTF-8; s may hold NUL bytes. */
KAM_API int kam_value_new_string(kam_value **out, kam_ctx *ctx, const char *s, size_t len);
KAM_API int kam_value_new_array(kam_value **out, kam_ctx *ctx);
KAM_API int kam_value_new_object(kam_value **out, kam_ctx *ctx);
/** A lambda value (see kam_lambda_fn). ud is borrowed: it must outlive the value. */
KAM_API int kam_value_new_lambda(kam_value **out, kam_ctx *ctx, kam_lambda_fn fn, void *ud);

/** Appends item to an array and takes ownership of it.
 *  @return KAM_OK, KAM_EINVAL (not an array, item NULL, item == arr), KAM_ENOMEM. */
KAM_API int kam_value_array_push(kam_value *arr, kam_value *item);
/** Sets obj[key] = item and takes ownership of item; an existing member with that key is freed
 *  and replaced in place (its position is kept). The key is copied and must be valid UTF-8.
 *  @return KAM_OK, KAM_EINVAL, KAM_EPARSE (key not UTF-8), KAM_ENOMEM. */
KAM_API int kam_value_object_set(kam_value *obj, const char *key, size_t key_len, kam_value *item);

/** Frees a value and everything it owns. NULL is a no-op. */
KAM_API void kam_value_free(kam_value *v);

/* --- Readers. They never fail loudly: a wrong type gives the neutral answer stated. */
/** KAM_VALUE_*; KAM_VALUE_NULL for a NULL pointer. */
KAM_API int kam_value_type(const kam_value *v);
/** 1 for true, 0 for false or not a bool. */
KAM_API int kam_value_bool(const kam_value *v);
/** The number as a double (the nearest double to its text); NaN if not a number. */
KAM_API double kam_value_number(const kam_value *v);
/** The exact decimal text of a number (as parsed, or the shortest round-trip form of the double
 *  it was built from); NULL if not a number. *len (if not NULL) gets its length. */
KAM_API const char *kam_value_number_text(const kam_value *v, size_t *len);
/** The bytes of a string, NUL-terminated (it may hold NULs: use *len); NULL if not a string. */
KAM_API const char *kam_value_string(const kam_value *v, size_t *len);
/** Items of an array, members of an object; 0 otherwise. */
KAM_API size_t kam_value_length(const kam_value *v);
/** The i-th item of an array or the i-th member's value of an object; NULL if out of range. */
KAM_API const kam_value *kam_value_at(const kam_value *v, size_t i);
/** The i-th member's key of an object (NUL-terminated); NULL if not an object or out of range. */
KAM_API const char *kam_value_key_at(const kam_value *v, size_t i, size_t *len);
/** The member of obj with this key, or NULL. */
KAM_API const kam_value *kam_value_get(const kam_value *obj, const char *key, size_t key_len);

/** Parses strict RFC 8259 JSON (one value, surrounding whitespace allowed; no BOM, comments,
 *  trailing commas, NaN; strings must be valid UTF-8 and lone surrogate escapes are rejected;
 *  duplicate keys: the last one wins, at the first one's position). Nesting deeper than 512
 *  arrays/objects is KAM_ELIMIT. Errors name the line and column in the ctx message.
 *  @return KAM_OK, KAM_EINVAL, KAM_EPARSE, KAM_ELIMIT, KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_json_parse(kam_value **out, kam_ctx *ctx, const char *text, size_t len);

/** Writes v as JSON through write (compact unless KAM_JSON_PRETTY). Numbers are written as their
 *  exact text; strings escape '"', '\\' and control characters only (UTF-8 passes through).
 *  A lambda is written as null. Returns KAM_OK, KAM_EINVAL, KAM_ENOMEM, or the write callback's
 *  nonzero status unchanged. */
KAM_API int kam_json_write(const kam_value *v, uint32_t flags, kam_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_VALUE_H */

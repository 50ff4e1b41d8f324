/*
 * kam/common.h - libkam core: version, status codes, contexts, I/O callbacks, dates.
 *
 * Every other libkam header includes this one. Read it first: it states the rules that hold for
 * the whole library.
 *
 * Rules that hold everywhere
 * - Fallible functions return int: KAM_OK (0) or a negative KAM_E* code. Outputs come first.
 * - Handles are opaque, made by kam_x_new(&out, ctx, ...) and released by kam_x_free(x)
 *   (NULL is a no-op). On failure *out is set to NULL.
 * - Every handle belongs to a kam_ctx, which holds the allocator and the last error message.
 *   A ctx and everything made from it is used by one thread at a time; separate ctxs are fully
 *   independent. There is no global mutable state and no init function.
 * - Structs passed by pointer start with `uint32_t struct_size` (set it to sizeof); the library
 *   reads only the fields that fit, so old callers keep working when fields are appended. A
 *   struct_size above 64 KiB (65536), or below the fields a call needs, is KAM_EINVAL with the
 *   message "<call>: struct_size N is not the size of a <type> (set it to sizeof(<type>))".
 * - Money is int64_t in minor units (kopecks, cents); sums and products are overflow-checked
 *   (KAM_EOVERFLOW). Rates, shares and scores are double.
 * - Strings are UTF-8. Inputs are copied; returned `const char *` are borrowed and valid until
 *   the owning handle is changed or freed.
 * - A failing call leaves its handle as it was.
 * - A callback returns 0 to go on; any other value stops the operation and the library returns
 *   that same value, unchanged, to the caller. Callbacks must return (no longjmp through libkam).
 */
#ifndef KAM_COMMON_H
#define KAM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(KAM_SHARED_BUILD)
#define KAM_API __declspec(dllexport)
#elif defined(KAM_BUILDING) && defined(__GNUC__) && __GNUC__ >= 4
#define KAM_API __attribute__((visibility("default")))
#else
#define KAM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define KAM_VERSION_MAJOR 0
#define KAM_VERSION_MINOR 1
#define KAM_VERSION_PATCH 0
#define KAM_VERSION_STRING "0.1.0"

/** Runtime version string ("0.1.0"); compare with KAM_VERSION_STRING to detect a mismatch
 *  between the header you compiled against and the library you run with. Never NULL. */
KAM_API const char *kam_version(void);

/** Status codes. KAM_OK is 0; every error is negative. Callback return values (any nonzero
 *  int) are passed back unchanged and may collide with these: a host that needs to tell them
 *  apart should return positive values from its callbacks. */
enum {
  KAM_OK = 0,
  KAM_EINVAL = -1,      /**< invalid argument or misuse */
  KAM_ENOMEM = -2,      /**< the allocator returned NULL */
  KAM_EOVERFLOW = -3,   /**< an integer (money) result does not fit */
  KAM_EPARSE = -4,      /**< malformed input text (CSV, JSON, template, date) */
  KAM_ENOSOLUTION = -5, /**< the problem has no answer (IRR without a sign change, ...) */
  KAM_ENOCONV = -6,     /**< an iterative method did not converge */
  KAM_ESTATE = -7,      /**< the object is not complete enough for this call */
  KAM_ENOTFOUND = -8,   /**< no such item */
  KAM_EEXIST = -9,      /**< duplicate id */
  KAM_ELIMIT = -10      /**< a size, depth or recursion limit was reached */
};

/** Text into a caller's buffer: the one contract of every function that writes text into a
 *  buffer the caller owns (kam_date_format, kam_role_explain, kam_money_format, kam_money_words,
 *  ...). They take (char *buf, size_t cap, size_t *len, ...) and
 *  - on KAM_OK, buf holds the whole text and a terminating NUL (at most cap bytes in all);
 *  - *len (len may be NULL) receives the length of the whole text without the NUL, both on
 *    KAM_OK and on KAM_ELIMIT, so one call with cap 0 (buf may then be NULL) sizes the buffer;
 *  - when the text and its NUL do not fit in cap, the result is KAM_ELIMIT and buf (if cap > 0)
 *    holds "": a cut text is never passed off as a whole one;
 *  - buf NULL with cap > 0 is KAM_EINVAL; other errors are the function's own, and leave buf
 *    holding "" when cap > 0. */

/** A short English description of a status code ("invalid argument", ...). Unknown codes give
 *  "unknown error" (positive values: "callback status"). Never NULL; static storage. */
KAM_API const char *kam_strerror(int status);

/** The allocator hook, with lua_Alloc semantics:
 *  - new_size == 0: free ptr (which may be NULL) and return NULL;
 *  - otherwise: like realloc(ptr, new_size); ptr NULL allocates. old_size is the size the
 *    block was allocated with (0 when ptr is NULL).
 *  Returning NULL for new_size > 0 means out of memory: the library returns KAM_ENOMEM and
 *  leaves ptr valid. Shrinking must not fail. */
typedef void *(*kam_alloc_fn)(void *ud, void *ptr, size_t old_size, size_t new_size);

/** The context: allocator plus the last error message. Opaque. */
typedef struct kam_ctx kam_ctx;

/** Creates a context. alloc NULL means the C library's realloc/free (alloc_ud is ignored then).
 *  The context itself is allocated through alloc.
 *  @return KAM_OK, KAM_EINVAL (out NULL), KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_ctx_new(kam_ctx **out, kam_alloc_fn alloc, void *alloc_ud);

/** Frees a context. Free every object made from it first. NULL is a no-op. */
KAM_API void kam_ctx_free(kam_ctx *ctx);

/** The last error message set on this context, in words ("accounts.csv: line 17, column
 *  \"revenue\": '12,3.4' is not an amount"), or "" if none. Valid until the next call that uses
 *  the context. Never NULL (also for a NULL ctx). */
KAM_API const char *kam_ctx_errmsg(const kam_ctx *ctx);

/** Clears the last error message. NULL is a no-op. */
KAM_API void kam_ctx_clear_error(kam_ctx *ctx);

/** The most threads a call on this context may use, 1 to 64 (default 1: the library never
 *  starts a thread). With more, the calls that stream over large columns split them: today
 *  kam_portfolio_add_columns (ids NULL), kam_segment and kam_segmentation_classes, from 65,536
 *  accounts a part, and kam_portfolio_read_csv parses blocks of its input (kam/io.h). They start the extra threads (C11 thrd_create) for the time of the call
 *  and join them before returning; results are identical to one thread's. The allocator hook,
 *  callbacks and error messages stay on the calling thread, so the one-thread-at-a-time rule
 *  of the context is unchanged. A thread that cannot be started is done by the caller's
 *  thread; without C11 threads (__STDC_NO_THREADS__) the setting is accepted and every call
 *  runs on the caller's thread.
 *  @return KAM_OK, KAM_EINVAL (ctx NULL or threads outside 1..64; the setting is unchanged). */
KAM_API int kam_ctx_set_threads(kam_ctx *ctx, unsigned threads);

/** Read callback: fill buf with up to cap bytes and set *nread; *nread = 0 means end of input.
 *  Return 0 to go on, anything else to stop (that value is returned to the caller). Short reads
 *  (even 1 byte) are fine. */
typedef int (*kam_read_fn)(void *ud, void *buf, size_t cap, size_t *nread);

/** Write callback: consume all len bytes. Return 0 to go on, anything else to stop (that value
 *  is returned unchanged to the caller). */
typedef int (*kam_write_fn)(void *ud, const void *buf, size_t len);

/** A calendar date: days since 1970-01-01 in the proleptic Gregorian calendar (negative before).
 *  Supported years: -999999 .. 999999. */
typedef int32_t kam_date;

/** Makes a date from year, month (1-12) and day (1-31).
 *  @return KAM_OK, KAM_EINVAL if there is no such day (Feb 30, month 13, year out of range). */
KAM_API int kam_date_from_ymd(kam_date *out, int year, int month, int day);

/** Splits a date into year, month, day. Any output pointer may be NULL. */
KAM_API void kam_date_to_ymd(kam_date d, int *year, int *month, int *day);

/** Parses exactly "YYYY-MM-DD" (ISO 8601 calendar date, four-digit year, no surrounding space).
 *  @return KAM_OK, KAM_EINVAL (NULL pointers), KAM_EPARSE (not of that form, or no such day). */
KAM_API int kam_date_parse(kam_date *out, const char *text, size_t len);

/** Formats a date as "YYYY-MM-DD" (10 bytes for years 0..9999, so cap >= 11), following the
 *  buffer contract above.
 *  @return KAM_OK; KAM_ELIMIT (cap too small; *len says how much is needed); KAM_EINVAL (buf
 *          NULL with cap > 0). */
KAM_API int kam_date_format(char *buf, size_t cap, size_t *len, kam_date d);

/** Adds calendar months; the day is clamped to the last day of the target month
 *  (Jan 31 + 1 month = Feb 28, or Feb 29 in a leap year). months may be negative.
 *  @return KAM_OK, KAM_EINVAL (out NULL or result out of range). */
KAM_API int kam_date_add_months(kam_date *out, kam_date d, int months);

#ifdef __cplusplus
}
#endif
#endif /* KAM_COMMON_H */

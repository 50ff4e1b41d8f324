/*
 * struct_copy_internal.h - reading a caller's struct_size struct (struct_copy.c), one way for
 * every public options or record struct: a struct_size below the last field the call needs, or
 * above KAM__STRUCT_MAX, is KAM_EINVAL with one message; otherwise the caller's first
 * struct_size bytes (at most the library's size) are copied over a local that holds the
 * defaults, so an older caller's shorter struct gets defaults for the fields it lacks and a
 * newer caller's longer one has its unknown tail ignored.
 */
#ifndef KAM_STRUCT_COPY_INTERNAL_H
#define KAM_STRUCT_COPY_INTERNAL_H

#include <stddef.h>

#include "core/internal.h"

/* The largest struct_size accepted: anything bigger is garbage, not a newer caller. */
#define KAM__STRUCT_MAX 65536u

/* The bytes a struct_size must cover to include field of type. */
#define KAM__FIELD_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
/* Does a struct of struct_size size carry field? */
#define KAM__HAS_FIELD(size, type, field) ((size_t)(size) >= KAM__FIELD_END(type, field))

/* KAM_OK when need <= size <= KAM__STRUCT_MAX; else KAM_EINVAL with the message
 * "<who>: struct_size N is not the size of a <type> (set it to sizeof(<type>))" in ctx
 * (none when ctx is NULL). */
int kam__struct_size_check(kam_ctx *ctx, size_t size, size_t need, const char *who,
                           const char *type);

/* Checks in->struct_size (the uint32_t at the start of *in) as above and copies the caller's
 * bytes over local[0..local_size), which holds the defaults. local is unchanged on failure. */
int kam__struct_copy_in(kam_ctx *ctx, void *local, size_t local_size, const void *in, size_t need,
                        const char *who, const char *type);

/* The body of every kam_*_options_init: copies the first struct_size bytes (at most size) of
 * defaults over o and stores struct_size (capped at UINT32_MAX) in the uint32_t struct_size at
 * the start of *o. Does nothing when o is NULL or struct_size cannot hold that field; a bigger
 * struct's tail beyond size is left as the caller had it. */
void kam__struct_init(void *o, size_t struct_size, const void *defaults, size_t size);

/* The usual call: the struct `in` of public type `type`, which must carry at least `field`,
 * into the local variable `local` of the same type. */
#define KAM__STRUCT_COPY_IN(ctx, local, in, type, field, who)                                      \
  kam__struct_copy_in((ctx), &(local), sizeof(local), (in), KAM__FIELD_END(type, field), (who),    \
                      #type)

#endif /* KAM_STRUCT_COPY_INTERNAL_H */

/*
 * value_builder_internal.h - the one kam_value tree builder (value_builder.c), shared by the
 * proposal's JSON writer (proposal_json.c) and the document model (assemble.c).
 */
#ifndef KAM_VALUE_BUILDER_INTERNAL_H
#define KAM_VALUE_BUILDER_INTERNAL_H

#include "core/internal.h"

/* Building kam_value trees with a sticky error: after the first failure every call is a no-op
 * (items handed to set/push are freed), and rc holds the status. */
typedef struct kam__vb {
  kam_ctx *ctx;
  int rc;
} kam__vb;
kam_value *kam__vb_obj(kam__vb *b);
kam_value *kam__vb_arr(kam__vb *b);
kam_value *kam__vb_str(kam__vb *b, const char *s); /* s NULL: a null value */
kam_value *kam__vb_num_text(kam__vb *b, const char *text);
kam_value *kam__vb_int(kam__vb *b, int64_t v);
kam_value *kam__vb_double(kam__vb *b, double v);
kam_value *kam__vb_bool(kam__vb *b, bool v);
kam_value *kam__vb_null(kam__vb *b);
/* obj[key] = v; v NULL means an earlier failure (nothing to do). Returns v (borrowed). */
kam_value *kam__vb_set(kam__vb *b, kam_value *obj, const char *key, kam_value *v);
kam_value *kam__vb_push(kam__vb *b, kam_value *arr, kam_value *v);
/* An array of one object per element of data (len elements of size bytes), each filled by
 * fill(ud, object, element); the object is NULL after a failure. Returns the array (owned). */
kam_value *kam__vb_objects(kam__vb *b, const void *data, size_t len, size_t size,
                           void (*fill)(void *ud, kam_value *o, const void *elem), void *ud);

#endif /* KAM_VALUE_BUILDER_INTERNAL_H */

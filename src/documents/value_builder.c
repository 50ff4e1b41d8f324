/*
 * value_builder.c - building kam_value trees with a sticky error (value_builder_internal.h):
 * the proposal's JSON writer and the document model build their trees through it, so neither
 * checks every call.
 */
#include <string.h>

#include "documents/value_builder_internal.h"

/* rc is the builder's status; *v was set by it (the call is complete before this runs). */
static kam_value *vb_done(kam__vb *b, int rc, kam_value **v) {
  if (rc) {
    b->rc = rc;
    return NULL;
  }
  return *v;
}

kam_value *kam__vb_obj(kam__vb *b) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_object(&v, b->ctx), &v);
}
kam_value *kam__vb_arr(kam__vb *b) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_array(&v, b->ctx), &v);
}
kam_value *kam__vb_null(kam__vb *b) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_null(&v, b->ctx), &v);
}
kam_value *kam__vb_str(kam__vb *b, const char *s) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  if (!s) return kam__vb_null(b);
  return vb_done(b, kam_value_new_string(&v, b->ctx, s, strlen(s)), &v);
}
kam_value *kam__vb_num_text(kam__vb *b, const char *text) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_number_text(&v, b->ctx, text, strlen(text)), &v);
}
kam_value *kam__vb_int(kam__vb *b, int64_t i) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_int(&v, b->ctx, i), &v);
}
kam_value *kam__vb_double(kam__vb *b, double d) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_number(&v, b->ctx, d), &v);
}
kam_value *kam__vb_bool(kam__vb *b, bool t) {
  kam_value *v = NULL;
  if (b->rc) return NULL;
  return vb_done(b, kam_value_new_bool(&v, b->ctx, t), &v);
}
kam_value *kam__vb_set(kam__vb *b, kam_value *obj, const char *key, kam_value *v) {
  int rc;
  if (!v) return NULL;
  if (b->rc || !obj) {
    kam_value_free(v);
    return NULL;
  }
  if ((rc = kam_value_object_set(obj, key, strlen(key), v))) {
    kam_value_free(v);
    b->rc = rc;
    return NULL;
  }
  return v;
}
kam_value *kam__vb_push(kam__vb *b, kam_value *arr, kam_value *v) {
  int rc;
  if (!v) return NULL;
  if (b->rc || !arr) {
    kam_value_free(v);
    return NULL;
  }
  if ((rc = kam_value_array_push(arr, v))) {
    kam_value_free(v);
    b->rc = rc;
    return NULL;
  }
  return v;
}

kam_value *kam__vb_objects(kam__vb *b, const void *data, size_t len, size_t size,
                           void (*fill)(void *ud, kam_value *o, const void *elem), void *ud) {
  kam_value *arr = kam__vb_arr(b);
  size_t i;
  for (i = 0; i < len; i++)
    fill(ud, kam__vb_push(b, arr, kam__vb_obj(b)), (const char *)data + i * size);
  return arr;
}

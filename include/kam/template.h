/*
 * kam/template.h - Mustache templates (spec v1.4.2, with the optional modules: dynamic names,
 * inheritance, lambdas as C callbacks).
 */
#ifndef KAM_TEMPLATE_H
#define KAM_TEMPLATE_H

#include "common.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kam_template kam_template;

/** Partial lookup: set *src and *src_len to the partial's text (borrowed: valid until
 *  the render returns), or *src = NULL when there is no such partial (it renders as empty).
 *  Return 0 to go on; nonzero stops the render and is returned unchanged. */
typedef int (*kam_partial_fn)(void *ud, const char *name, size_t name_len, const char **src,
                              size_t *src_len);

KAM_API int kam_template_compile(kam_template **out, kam_ctx *ctx, const char *src, size_t len);
KAM_API void kam_template_free(kam_template *t);
KAM_API int kam_template_render(const kam_template *t, const kam_value *data,
                                kam_partial_fn partial, void *partial_ud, kam_write_fn write,
                                void *write_ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_TEMPLATE_H */

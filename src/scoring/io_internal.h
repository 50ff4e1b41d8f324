/*
 * io_internal.h - what csv.c and report.c share besides the writer (writer_internal.h): exact,
 * locale-independent text for amounts in minor units, and the checks every segmentation
 * writer starts with.
 */
#ifndef KAM_IO_INTERNAL_H
#define KAM_IO_INTERNAL_H

#include "core/internal.h"
#include "core/writer_internal.h"

/* The opening checks of every kam_segmentation_write_* (fn names it in the message): s and
 * write are not NULL. On KAM_OK *ctx is s's context. Returns KAM_EINVAL otherwise. */
int kam__segmentation_write_check(kam_ctx **ctx, const kam_segmentation *s, kam_write_fn write,
                                  const char *fn);

#endif /* KAM_IO_INTERNAL_H */

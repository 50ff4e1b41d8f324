/*
 * io_internal.h - what csv.c and report.c share: a buffered writer over a kam_write_fn and
 * exact, locale-independent number text for amounts and fixed-point values.
 */
#ifndef KAM_IO_INTERNAL_H
#define KAM_IO_INTERNAL_H

#include "internal.h"

/* Output is collected into a buffer and handed to the write callback in blocks of about this
 * size, so a 10-million-row report costs a few thousand callback calls and little memory. */
#define KAM__OUT_BLOCK 16384u

typedef struct kam__out {
  kam__buf buf;
  kam_write_fn write;
  void *ud;
} kam__out;

void kam__out_init(kam__out *o, kam_ctx *ctx, kam_write_fn write, void *ud);
/* Appends; flushes when the buffer holds a block. Returns KAM_OK, KAM_ENOMEM (message set) or
 * the write callback's status unchanged. */
int kam__out_put(kam__out *o, const char *s, size_t len);
int kam__out_puts(kam__out *o, const char *s);
/* Hands everything buffered to the write callback. */
int kam__out_flush(kam__out *o);
void kam__out_free(kam__out *o);

#endif /* KAM_IO_INTERNAL_H */

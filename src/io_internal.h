/*
 * io_internal.h - what csv.c and report.c share besides the writer (writer_internal.h): exact,
 * locale-independent text for amounts in minor units.
 */
#ifndef KAM_IO_INTERNAL_H
#define KAM_IO_INTERNAL_H

#include "internal.h"
#include "writer_internal.h"

/* Minor units as exact decimal text: 123456 with 2 digits and '.' -> "1234.56", -5 -> "-0.05".
 * buf needs 32 bytes; returns the length. */
size_t kam__fmt_amount(char *buf, int64_t minor, int digits, char mark);

#endif /* KAM_IO_INTERNAL_H */

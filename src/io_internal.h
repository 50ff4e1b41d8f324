/*
 * io_internal.h - what csv.c and report.c share besides the writer (writer_internal.h): exact,
 * locale-independent text for amounts in minor units.
 */
#ifndef KAM_IO_INTERNAL_H
#define KAM_IO_INTERNAL_H

#include "internal.h"
#include "writer_internal.h"

#endif /* KAM_IO_INTERNAL_H */

/*
 * linecol_internal.h - the one place that turns a byte offset into the "line L, column C" of
 * error messages (linecol.c), for JSON, templates and the proposal document alike.
 */
#ifndef KAM_LINECOL_INTERNAL_H
#define KAM_LINECOL_INTERNAL_H

#include <stddef.h>

/* The 1-based line and column of byte pos in text[0..pos). Lines count '\n'; the column counts
 * characters (UTF-8 continuation bytes do not count) from the start of the line. */
void kam__linecol(const char *text, size_t pos, size_t *line, size_t *col);

#endif /* KAM_LINECOL_INTERNAL_H */

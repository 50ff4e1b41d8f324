/*
 * retention_internal.h - the retention definitions of kam/retention.h that kam_segment reuses
 * for the per-account status (KAM_SEGMENT_RETENTION): one classification, owned by
 * retention.c.
 */
#ifndef KAM_RETENTION_INTERNAL_H
#define KAM_RETENTION_INTERNAL_H

#include "kam/retention.h"
#include "scoring/portfolio_internal.h"

/* N: the longest history among p->details[0..nd). */
size_t kam__retention_periods(const kam_portfolio *p, size_t nd);

/* The window w for the requested window (0 = floor(N / 2)) and N >= 2: KAM_OK, or KAM_EINVAL
 * with a message starting with fn when it is above N / 2. */
int kam__retention_window(kam_ctx *ctx, size_t *w, size_t window, size_t N, const char *fn);

/* The status (KAM_RETENTION_*) of the account with details d of p (NULL: no history,
 * inactive) for N periods, window w (1 <= w <= N / 2) and threshold t. */
int kam__retention_status(const kam_portfolio *p, const kam__detail *d, size_t N, size_t w,
                          double t);

#endif /* KAM_RETENTION_INTERNAL_H */

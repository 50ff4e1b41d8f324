/*
 * kam/retention.h - retention of a portfolio: hunting and farming, the revenue bridge, NRR/GRR.
 *
 *   kam_retention r = {sizeof r};
 *   kam_retention_options o;
 *   kam_retention_options_init(&o, sizeof o);            // window: floor(N / 2), threshold 0.10
 *   kam_portfolio_retention(&r, p, s, &o);                // s: a segmentation of p, or NULL
 *   // r.bridge.start + r.bridge.added + r.bridge.expansion - r.bridge.contraction
 *   //   - r.bridge.churn == r.bridge.end, exactly
 *
 * Definitions. The histories of the accounts (kam_account.history, oldest first) end at the same
 * most recent period; a shorter history is an account that started later and is padded with
 * zeros at the front; an account without history is all zeros. N is the longest history, w the
 * window (1 <= w <= N / 2, default floor(N / 2)), b an account's base (the sum of its periods
 * N-2w+1..N-w, 1-based) and c its current revenue (the sum of its last w periods). Each account
 * is exactly one of (t = threshold):
 *   inactive     b = 0, c = 0
 *   new          b = 0, c > 0
 *   lost         b > 0, c = 0
 *   expanding    b > 0, c > 0, (double)c >= (double)b * (1 + t)
 *   contracting  b > 0, c > 0, (double)c <= (double)b * (1 - t)   (and not expanding)
 *   stable       the other accounts with b > 0, c > 0.
 * The bridge, exact: start = sum b; added (new) = sum c over new; expansion = sum (c - b) over
 * the retained accounts (b > 0, c > 0) with c > b; contraction = sum (b - c) over those with
 * c < b; churn = sum b over lost; end = sum c = start + added + expansion - contraction - churn.
 * NRR = (sum of c over b > 0) / start and GRR = (sum of min(b, c) over b > 0) / start: the exact
 * integer sums, each converted to double, divided; NaN when start is 0.
 *
 * Threads: like the portfolio (kam/portfolio.h): one thread at a time.
 */
#ifndef KAM_RETENTION_H
#define KAM_RETENTION_H

#include "common.h"
#include "portfolio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Retention statuses (indices of kam_retention.count and .by_status). */
enum {
  KAM_RETENTION_INACTIVE = 0,
  KAM_RETENTION_NEW = 1,
  KAM_RETENTION_LOST = 2,
  KAM_RETENTION_EXPANDING = 3,
  KAM_RETENTION_CONTRACTING = 4,
  KAM_RETENTION_STABLE = 5,
  KAM_RETENTION_STATUSES = 6 /**< the number of statuses */
};

/** The name of a status ("inactive", "new", "lost", "expanding", "contracting", "stable"), the
 *  words the CLI, JSON and bindings use; NULL for any other value. Static storage. */
KAM_API const char *kam_retention_status_name(int status);

/** What kam_portfolio_retention does. Fill with kam_retention_options_init, then change fields. */
typedef struct kam_retention_options {
  uint32_t struct_size; /**< sizeof(kam_retention_options); shorter structs get defaults */
  uint32_t flags;       /**< 0 (other values are KAM_EINVAL) */
  size_t window;        /**< w, 1..N/2; 0 = floor(N / 2) (the default) */
  double threshold;     /**< t, finite, >= 0: default 0.10 */
} kam_retention_options;

/** Writes the defaults into the first struct_size bytes of *o and sets o->struct_size =
 *  struct_size (pass sizeof *o). Nothing happens when o is NULL or struct_size < 4. */
KAM_API void kam_retention_options_init(kam_retention_options *o, size_t struct_size);

/** A revenue bridge (minor units, exact). `added` is the revenue of new accounts. */
typedef struct kam_bridge {
  int64_t start, added, expansion, contraction, churn, end;
} kam_bridge;

/** The result of kam_portfolio_retention. Set struct_size before the call: only that many bytes
 *  are written. */
typedef struct kam_retention {
  uint32_t struct_size;
  uint32_t reserved;                    /**< 0 */
  size_t accounts;                      /**< n */
  size_t periods;                       /**< N, the longest history */
  size_t window;                        /**< w used */
  double threshold;                     /**< t used */
  kam_bridge bridge;                    /**< of the whole portfolio */
  double nrr, grr;                      /**< net and gross revenue retention; NaN when start is 0 */
  size_t count[KAM_RETENTION_STATUSES]; /**< accounts per status */
  kam_bridge by_status[KAM_RETENTION_STATUSES];  /**< the bridge of each status's accounts */
  int has_classes;                               /**< 1 when a segmentation was given */
  size_t class_count[3][KAM_RETENTION_STATUSES]; /**< accounts per ABC class and status */
  kam_bridge by_class[3];                        /**< the bridge of classes A, B, C */
  size_t hunting_count; /**< accounts of status new or flagged KAM_ACCOUNT_NEW */
  int64_t hunting;      /**< their current revenue c ("hunting") */
  size_t farming_count; /**< the other accounts */
  int64_t farming;      /**< their current revenue c ("farming"); hunting + farming = end */
} kam_retention;

/** Computes the retention of portfolio p (definitions above) into the first out->struct_size
 *  bytes of *out (struct_size is kept). s is NULL or a segmentation of p covering all its
 *  accounts: then class_count and by_class split the figures by its ABC classes (has_classes
 *  1); with s NULL they are 0. O(n + total history length) time; with s, n bytes of class
 *  letters are allocated for the time of the call.
 *  Nothing is written to *out unless the call succeeds.
 *  @return KAM_OK; KAM_EINVAL (p NULL without a message; out NULL, struct_size below 8 or above
 *  64 KiB; options: struct_size, flags, threshold not finite or < 0, window > N / 2; fewer than
 *  2 periods of history (N < 2): the message says N); KAM_ESTATE (s is not a segmentation of p
 *  or p has more or fewer accounts than s covers); KAM_EOVERFLOW (a sum of the bridge, of a
 *  status, of a class or of hunting/farming exceeds INT64_MAX: the message names it);
 *  KAM_ENOMEM. */
KAM_API int kam_portfolio_retention(kam_retention *out, const kam_portfolio *p,
                                    const kam_segmentation *s, const kam_retention_options *o);

#ifdef __cplusplus
}
#endif
#endif /* KAM_RETENTION_H */

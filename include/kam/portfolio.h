/*
 * kam/portfolio.h - accounts, ABC/XYZ segmentation, the 10 % key-customer test, scores.
 *
 * A kam_portfolio holds the company's customer accounts; kam_segment classifies them:
 *
 *   kam_portfolio *p;  kam_segmentation *s;  kam_summary sm = {sizeof sm};
 *   kam_portfolio_new(&p, ctx);
 *   kam_portfolio_add_columns(p, n, NULL, revenue);      // or kam_portfolio_add per account
 *   kam_segment(&s, p, NULL);                            // defaults: 80 % / 95 % / 10 %        
 *   kam_segmentation_summary(&sm, s);
 *   kam_segmentation_classes(abc, n, s);                 // 'A' 'B' 'C' per account
 *   kam_segmentation_free(s);  kam_portfolio_free(p);
 *
 * Threads: a portfolio, its segmentations and their ctx are used by one thread at a time
 * (kam/common.h). This includes the const query functions: they fill caches inside the
 * segmentation on first use (see "Lazy work" below), so two threads must not query one
 * segmentation at the same time, even read-only, without a lock of their own.
 * kam_ctx_set_threads(ctx, t) lets kam_portfolio_add_columns (ids NULL), kam_segment and
 * kam_segmentation_classes split large columns over t threads of their own for the time of the
 * call (same results; see kam/common.h).
 *
 * Memory: an account costs 8 bytes (its revenue) when added by kam_portfolio_add_columns
 * without ids; once any account has a flag or details, every account costs one more byte (the
 * flags column); once any account has a known margin, every account costs 8 bytes more (the
 * margin column); an explicit id adds its text plus NUL, 8 bytes of offset and 11 to 21 bytes of
 * hash index; name, group, history (8 bytes per period), forecast, potential and relationship
 * are stored only for the accounts that have them (about 100 bytes per such account plus their
 * texts and numbers, kept together in blocks of up to 1 MiB). kam_segment keeps nothing per account (with KAM_SEGMENT_RETENTION, one status byte
 * per account that has details); while it runs it needs up to 4 MB of counts (2 MB more per
 * extra thread) and about 12 bytes per account whose revenue falls outside their window (for
 * a Pareto portfolio, 5 %), at most 16 bytes per account in all: for a Pareto portfolio the
 * peak is about 1.1x the revenue column. The first
 * kam_segmentation_get / _foreach add one byte per account (classes and key reasons) and the rank
 * order (see "Lazy work").
 */
#ifndef KAM_PORTFOLIO_H
#define KAM_PORTFOLIO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/** @name Portfolio */

/** An ordered set of accounts (insertion order is kept and is the `index` of each account). */
typedef struct kam_portfolio kam_portfolio;

/** Creates an empty portfolio owned by ctx.
 *  @return KAM_OK; KAM_EINVAL (out or ctx NULL; *out is NULL); KAM_ENOMEM. */
KAM_API int kam_portfolio_new(kam_portfolio **out, kam_ctx *ctx);

/** Frees the portfolio and everything it holds. NULL is a no-op. Free its segmentations first
 *  (they borrow its data). */
KAM_API void kam_portfolio_free(kam_portfolio *p);

/** Number of accounts (0 for NULL). */
KAM_API size_t kam_portfolio_count(const kam_portfolio *p);

/** kam_account.flags bits. */
enum {
  KAM_ACCOUNT_STRATEGIC = 1u << 0, /**< important for the company's image: always key */
  KAM_ACCOUNT_NEW = 1u << 1,       /**< acquired this period ("hunting", not "farming") */
  KAM_ACCOUNT_MARGIN = 1u << 2,    /**< kam_account.margin is set; without this bit the
                                        account's margin is unknown */
  KAM_ACCOUNT_RELATIONSHIP = 1u << 3 /**< kam_account.relationship holds a score (without this
                                          bit the relationship is unknown and not read) */
};

/** In a margin column (kam_portfolio_add_columns_margin): this account's margin is unknown. */
#define KAM_MARGIN_UNKNOWN INT64_MIN

/** One account, as passed to kam_portfolio_add. Everything is copied; the struct and the
 *  arrays it points to may be reused as soon as the call returns. Set struct_size to
 *  sizeof(kam_account): fields past struct_size are not read (an older, shorter struct must
 *  still reach `revenue`). */
typedef struct kam_account {
  uint32_t struct_size;
  uint32_t flags;         /**< KAM_ACCOUNT_* bits; other bits are KAM_EINVAL */
  const char *id;         /**< required: non-empty UTF-8, unique in the portfolio */
  const char *name;       /**< optional UTF-8 (NULL or "" = none) */
  const char *group;      /**< optional UTF-8 (NULL or "" = none): companies under common
                               control; the 10 % test also runs on the group's total */
  int64_t revenue;        /**< current-period revenue in minor units, >= 0 */
  const int64_t *history; /**< optional: revenue per past period (minor units, each >= 0),
                               oldest first; drives XYZ (cv) and trend */
  size_t history_len;
  const double *forecast; /**< optional: projected net cash flow per future period, period 1
                               first; each finite; drives npv */
  size_t forecast_len;
  double potential; /**< the account team's judgement of growth potential, 0..1;
                         NaN = unknown. Note: a zero-initialised struct says 0 (known,
                         lowest), so set NaN when there is no judgement. */
  int64_t margin;   /**< gross margin for the period: revenue minus cost of sales, minor
                         units, may be negative (not INT64_MIN). Read only when flags has
                         KAM_ACCOUNT_MARGIN: a zero-initialised struct means "unknown". */
  double relationship; /**< the account team's judgement of the relationship with the client,
                            0..1 (1 = excellent), an input of the account's health (see
                            kam_segment). Known only when flags has KAM_ACCOUNT_RELATIONSHIP:
                            a zero-initialised struct (or an older, shorter one) says unknown,
                            and the field is then not read at all. */
} kam_account;

/** Adds one account at index kam_portfolio_count(p).
 *  A failing add leaves the portfolio exactly as it was. Errors (the ctx message names the
 *  account and the field):
 *  - KAM_EINVAL: p NULL (no message), a NULL, struct_size smaller than the fields up to
 *    `revenue` or above 64 KiB, id NULL/empty/not UTF-8, name or group not UTF-8, unknown flag
 *    bits, revenue < 0, a history value < 0, a non-finite forecast value, history/forecast
 *    NULL with a length > 0, potential outside 0..1 and not NaN, KAM_ACCOUNT_RELATIONSHIP
 *    with a relationship outside 0..1 (NaN included);
 *  - KAM_EEXIST: the id is taken, by an explicit id or by a generated one (see
 *    kam_portfolio_add_columns): "duplicate id "X" (account 17 has it)";
 *  - KAM_ELIMIT: the portfolio holds 2^40 - 2 accounts already;
 *  - KAM_ENOMEM.
 *  Cost: O(length of id + length of name, group, history and forecast) expected time and the
 *  memory to copy them (columns grow geometrically: amortised O(1) per account). Duplicate
 *  detection is a hash lookup keyed per portfolio (SipHash with a key of its own), so ids
 *  chosen by whoever supplies them cannot be aimed at one slot without that key: O(1) expected
 *  whatever they are. */
KAM_API int kam_portfolio_add(kam_portfolio *p, const kam_account *a);

/** Adds n accounts in one call: account k gets revenue[k] and the id ids[k], or, when ids is
 *  NULL, the decimal text of its own insertion index ("0", "1", ...: such generated ids are not
 *  stored, they cost no memory). No name, group, history, forecast or potential; flags 0.
 *  All or nothing: the whole batch is checked (every revenue >= 0, every id valid and new, no
 *  duplicate inside the batch, no generated id equal to an existing explicit id) before the
 *  portfolio changes; on any error nothing is added. An explicit id equal to the canonical
 *  decimal of an index that was generated ("7", not "07") is a duplicate of it.
 *  n == 0 is KAM_OK (revenue may then be NULL).
 *  @return KAM_OK; KAM_EINVAL (revenue NULL, revenue[k] < 0, ids[k] NULL/empty/not UTF-8: the
 *  message names k); KAM_EEXIST; KAM_ELIMIT; KAM_ENOMEM. Runs at memory speed (one copy that
 *  also checks the values; with ids NULL, split over the ctx's threads, kam_ctx_set_threads). */
KAM_API int kam_portfolio_add_columns(kam_portfolio *p, size_t n, const char *const *ids,
                                      const int64_t *revenue);

/** kam_portfolio_add_columns with a margin column: account k also gets the gross margin
 *  margin[k] (minor units, may be negative; KAM_MARGIN_UNKNOWN = unknown). margin NULL is the
 *  same as kam_portfolio_add_columns (every margin unknown). Same checks, errors and
 *  all-or-nothing rule. Memory: once any account has a known margin, every account costs 8
 *  bytes more (the margin column). */
KAM_API int kam_portfolio_add_columns_margin(kam_portfolio *p, size_t n, const char *const *ids,
                                             const int64_t *revenue, const int64_t *margin);

/* ------------------------------------------------------------------------------------------ */
/** @name Segmentation options */

/** kam_segment_options.flags bits. */
enum {
  KAM_SEGMENT_RETENTION = 1u << 0 /**< give every account its retention status
                                       (kam_account_score.status, kam/retention.h) with
                                       retention_window and retention_threshold; the status then
                                       counts in the account's health */
};

/** What kam_segment does. Fill with kam_segment_options_init, then change fields. */
typedef struct kam_segment_options {
  uint32_t struct_size; /**< sizeof(kam_segment_options); shorter structs get defaults */
  uint32_t flags;       /**< KAM_SEGMENT_* bits: default 0 (other bits are KAM_EINVAL) */
  double a_share;       /**< ABC cut for A, 0 <= a_share <= 1: default 0.80 */
  double b_share;       /**< cut for A+B, a_share <= b_share <= 1: default 0.95 */
  double key_share;     /**< the "major customer" test (ASC 280 / IFRS 8), finite > 0:
                             default 0.10; above 1 no account passes it */
  double xyz_x, xyz_y;  /**< XYZ cuts on cv, 0 <= xyz_x <= xyz_y: defaults 0.10, 0.25 */
  double discount_rate; /**< per period, for the forecast NPV, finite > -1: default 0.10 */
  double w_share, w_npv, w_trend, w_potential, w_strategic;
  /**< score weights, finite >= 0, not all 0:
       defaults 0.40 0.25 0.15 0.10 0.10 */
  size_t key_top_n; /**< also key: the N best by score; 0 = off (default) */
  uint32_t basis;   /**< what ABC and the key test measure: KAM_BASIS_REVENUE (default) or
                         KAM_BASIS_MARGIN (see kam_segment) */
  uint32_t unit;    /**< who is a customer: KAM_UNIT_ACCOUNT (default) or KAM_UNIT_GROUP */
  double w_margin;  /**< score weight of the margin-% criterion, finite >= 0: default 0 */
  size_t retention_window;    /**< with KAM_SEGMENT_RETENTION: the window w of
                                   kam_retention_options (0 = floor(N / 2), the default) */
  double retention_threshold; /**< with KAM_SEGMENT_RETENTION: the threshold t of
                                   kam_retention_options, finite >= 0: default 0.10 */
} kam_segment_options;

/** kam_segment_options.basis values. */
enum { KAM_BASIS_REVENUE = 0, KAM_BASIS_MARGIN = 1 };
/** kam_segment_options.unit values. */
enum { KAM_UNIT_ACCOUNT = 0, KAM_UNIT_GROUP = 1 };

/** Writes the defaults above into the first struct_size bytes of *o and sets o->struct_size =
 *  struct_size (pass sizeof *o). Nothing happens when o is NULL or struct_size < 4. */
KAM_API void kam_segment_options_init(kam_segment_options *o, size_t struct_size);

/* ------------------------------------------------------------------------------------------ */
/** @name Segmentation results */

/** kam_account_score.key_reasons bits: why an account is key (0: it is not). */
enum {
  KAM_KEY_SHARE = 1u << 0,       /**< revenue / total >= key_share */
  KAM_KEY_GROUP_SHARE = 1u << 1, /**< its group's revenue / total >= key_share */
  KAM_KEY_STRATEGIC = 1u << 2,   /**< flagged KAM_ACCOUNT_STRATEGIC */
  KAM_KEY_TOP_SCORE = 1u << 3    /**< among the key_top_n best scores */
};

/** The name of one key reason flag ("share", "group_share", "strategic", "top_score", the
 *  words the JSON and CSV reports use); NULL if flag is not exactly one KAM_KEY_* bit. Static
 *  storage. */
KAM_API const char *kam_key_reason_name(uint32_t flag);

/** kam_account_score.health_reasons bits: the components that pulled the health down (their
 *  component score is below 0.5; see kam_segment, "Health"). */
enum {
  KAM_HEALTH_TREND = 1u << 0,       /**< revenue declining (trend < 0) */
  KAM_HEALTH_VOLATILITY = 1u << 1,  /**< volatile revenue (cv > 0.25) */
  KAM_HEALTH_RETENTION = 1u << 2,   /**< retention status contracting or lost */
  KAM_HEALTH_MARGIN = 1u << 3,      /**< margin % below 10 % */
  KAM_HEALTH_RELATIONSHIP = 1u << 4 /**< relationship score below 0.5 */
};

/** The name of one health reason flag ("trend", "volatility", "retention", "margin",
 *  "relationship", the words the JSON and CSV reports use); NULL if flag is not exactly one
 *  KAM_HEALTH_* bit. Static storage. */
KAM_API const char *kam_health_reason_name(uint32_t flag);

/** The name of a health light ('G' "green", 'Y' "yellow", 'R' "red"); NULL for any other value
 *  ('-': unknown). Static storage. */
KAM_API const char *kam_health_light_name(int light);

/** One account's results. Set struct_size before kam_segmentation_get: only that many bytes are
 *  written. Strings are borrowed (see kam_segmentation_get / _foreach for how long). */
typedef struct kam_account_score {
  uint32_t struct_size;
  uint32_t key_reasons; /**< KAM_KEY_* bits */
  char abc;             /**< 'A' 'B' 'C' */
  char xyz;             /**< 'X' 'Y' 'Z', or '-' when cv is NaN */
  size_t index;         /**< insertion index */
  size_t rank;          /**< 1-based: revenue descending, ties by insertion order (with basis
                              margin: the margin order kam_segment describes) */
  const char *id;
  int64_t revenue;
  double share;      /**< revenue / total (0 when the total is 0); with basis margin the
                          account's positive margin / the sum of the accounts' positive
                          margins (0 for a margin <= 0 or unknown) */
  double cum_share;  /**< cum(rank) / total: cum is the exact int64 sum of the revenue
                          (basis margin: positive margins) of ranks 1..rank (0 when the
                          total is 0) */
  double cv;         /**< population standard deviation / mean of history; NaN with
                          fewer than 2 periods or a mean of 0 */
  double trend;      /**< OLS slope of history against period (0, 1, ...) / its mean:
                          the relative change per period; NaN when cv is */
  double npv;        /**< NPV of forecast at discount_rate, Excel convention (the first
                          value is discounted one period; kam_npv); NaN: no forecast */
  double score;      /**< composite, 0..1: see kam_segment */
  const char *name;  /**< NULL when absent */
  const char *group; /**< NULL when absent */
  int64_t margin;        /**< gross margin; 0 when unknown (see has_margin) */
  uint32_t has_margin;   /**< 1 when the margin is known, else 0 */
  uint32_t unprofitable; /**< 1 when the margin is known and < 0 (a key account can be) */
  size_t customer_rank;  /**< 1-based rank of its customer (kam_segmentation_customers); in
                              unit account the customer is the account: customer_rank == rank */
  int status;               /**< retention status KAM_RETENTION_* (kam/retention.h) when the
                                 segmentation was made with KAM_SEGMENT_RETENTION and the
                                 portfolio has a history of at least 2 periods; else -1 */
  double relationship;      /**< the account's relationship score; NaN when unknown */
  double health;            /**< 0..1 (see kam_segment, "Health"); NaN when no component is
                                 known */
  char light;               /**< 'G' green, 'Y' yellow, 'R' red; '-' when health is NaN */
  uint32_t health_reasons;  /**< KAM_HEALTH_* bits */
} kam_account_score;

/** Portfolio-level figures. Set struct_size before kam_segmentation_summary. */
typedef struct kam_summary {
  uint32_t struct_size;
  uint32_t reserved;         /**< 0 */
  size_t accounts;           /**< n */
  size_t key_accounts;       /**< accounts with key_reasons != 0 */
  size_t count[3];           /**< accounts in A, B, C */
  int64_t revenue[3];        /**< their revenue */
  int64_t total_revenue;     /**< T, exact */
  double hhi;                /**< Herfindahl-Hirschman index: sum of squared shares, 0..1 */
  double effective_accounts; /**< 1 / hhi: how many equal accounts would be as concentrated */
  double gini;               /**< G = 2 sum_{i=1..n} i x_(i) / (n T) - (n + 1) / n, x ascending;
                                  0 = all equal, -> 1 = one account has everything */
  double top20_share;        /**< revenue share of the top ceil(n / 5) accounts by rank */
  uint32_t basis, unit;      /**< the options' basis and unit */
  size_t customers;          /**< customers: accounts (unit account) or groups and ungrouped
                                  accounts (unit group) */
  double key_revenue_share;  /**< revenue of the key customers (key accounts in unit account)
                                  / total_revenue; 0 when total_revenue is 0 */
  int64_t basis_total;       /**< T of the basis: total_revenue, or with basis margin the sum
                                  of the positive customer margins */
  int64_t total_margin;      /**< sum of the known margins, signed, exact */
  size_t margin_accounts;    /**< accounts whose margin is known */
  double margin_pct[3];      /**< per class: sum of known margins / revenue of the accounts
                                  with a known margin; NaN when that revenue is 0 */
  size_t unprofitable;       /**< accounts with a known margin < 0 */
  int64_t unprofitable_revenue; /**< their revenue */
  size_t key_unprofitable;   /**< key accounts among them */
  size_t red_accounts;       /**< accounts whose health light is red */
  int64_t revenue_at_risk;   /**< their revenue (kam_account.revenue), exact */
} kam_summary;
/* When T == 0 (including n == 0): hhi, effective_accounts, gini and top20_share are 0.
 * With basis revenue and unit account T is total_revenue and the accounts are the customers;
 * otherwise hhi, effective_accounts, gini and top20_share are computed over the customers with
 * a positive basis value counted as kam_segment says, with basis_total as T, and count[] /
 * revenue[] still count accounts and their revenue. red_accounts and revenue_at_risk are 0 in
 * kam_partial_segment's summary (a partial keeps no histories, relationships or margins). */

typedef struct kam_segmentation kam_segmentation;

/** Segments the portfolio. o NULL means the defaults.
 *
 *  ABC. Rank order is revenue descending, ties by insertion order; cum(i) is the exact integer
 *  revenue of ranks 1..i and the cumulative share is (double)cum(i) / (double)T. A is the
 *  shortest rank prefix whose cumulative share is >= a_share, A and B together the shortest
 *  prefix >= b_share, the rest C. An account of zero revenue is always C; a portfolio whose
 *  total is 0 is all C; a_share 0 makes no A.
 *
 *  Key accounts. KAM_KEY_SHARE when (double)revenue / (double)T >= key_share;
 *  KAM_KEY_GROUP_SHARE on every member of a group whose summed revenue passes the same test;
 *  KAM_KEY_STRATEGIC for KAM_ACCOUNT_STRATEGIC; KAM_KEY_TOP_SCORE for the key_top_n accounts of
 *  highest score (ties: the better rank first).
 *
 *  XYZ: cv <= xyz_x is X, cv <= xyz_y is Y, else Z; '-' when cv is NaN.
 *
 *  Score. Five criteria, each normalised by percentile rank among the accounts for which it is
 *  known:
 *    share      revenue (known for every account);
 *    npv        known when the account has a forecast;
 *    trend      known when trend is not NaN;
 *    potential  known when potential is not NaN;
 *    strategic  1 for KAM_ACCOUNT_STRATEGIC, else 0 (known for every account).
 *  With m accounts knowing criterion c, sort their values ascending and give them ranks
 *  1..m, tied values sharing the mean of their ranks r; then p_c = (r - 1) / (m - 1), and
 *  p_c = 0.5 when m == 1. So the best value gets 1, the worst 0, all-equal values 0.5. The
 *  score is the weighted mean over the criteria K known for the account:
 *      score = sum_{c in K} w_c * p_c / sum_{c in K} w_c     (0 when that sum of weights is 0)
 *  Revenue ties are equal int64 values.
 *
 *  Health. Each account's health is the mean of the components known for it, each in 0..1
 *  (clamp(x) = x limited to 0..1):
 *    trend         clamp(0.5 + 5 trend): -10 % per period or worse 0, flat 0.5, +10 % or
 *                  better 1; known when trend is not NaN;
 *    volatility    clamp(1 - 2 cv): steady 1, cv 0.25 0.5, cv 0.5 or more 0; known when cv is
 *                  not NaN;
 *    retention     expanding 1, stable 0.75, new 0.75, contracting 0.25, lost 0; known with
 *                  KAM_SEGMENT_RETENTION when the status is not inactive (nor -1);
 *    margin        clamp((margin % + 0.10) / 0.40), margin % = margin / revenue: -10 % or
 *                  worse 0, 10 % 0.5, 30 % or more 1; known when the account's margin is
 *                  known (KAM_ACCOUNT_MARGIN) and its revenue > 0;
 *    relationship  the host's score (kam_account.relationship); known with
 *                  KAM_ACCOUNT_RELATIONSHIP.
 *  health is NaN when none is known. A component below 0.5 sets its KAM_HEALTH_* reason. The
 *  light: health >= 0.60 green 'G', >= 0.40 yellow 'Y', below 0.40 red 'R', '-' for NaN.
 *
 *  Summary: counts and revenues per class, key_accounts, hhi = sum (x_i / T)^2 (the sum of
 *  squares is an exact integer, rounded once, then divided by T^2), gini by the formula above
 *  computed exactly (the sum of pairwise differences is an exact integer, one rounding at the
 *  end), top20_share, red_accounts and revenue_at_risk (the accounts of red health and their
 *  revenue). Every summary field up to top20_share depends on the multiset of revenues only,
 *  not on their order (kam/partial.h relies on it).
 *
 *  Cost. O(n) time, no sort of the accounts, one pass over the revenue column (split over the
 *  ctx's threads). The values are bucketed on a log scale (every octave split into 128); a
 *  sample picks a window of at most 2^20 values where accounts are dense, counted one count per
 *  value; the values outside it go to per-bucket lists that are then counted or radix-sorted in
 *  cache. The buckets where the cumulative share crosses a_share and b_share, the crossing
 *  values and their ties, Gini, HHI, the top-20 % share and the key count all come exactly from
 *  those counts and sorted lists: the ascending order Gini needs is a radix sort of the values,
 *  never a comparison sort. The class of each account is not stored: it follows from its
 *  revenue and the two cuts (kam_segmentation_classes). Groups or key_top_n > 0 make the class
 *  bytes now, and key_top_n > 0 the scores too (see "Lazy work").
 *
 *  Basis margin (o->basis KAM_BASIS_MARGIN). The same rules with the gross margin in place of
 *  the revenue, over the customers whose margin is known and > 0: rank order is margin
 *  descending (ties by insertion order; then the margins <= 0, descending, then the unknown
 *  ones, in insertion order), T = the sum of the positive margins, and a customer whose margin
 *  is <= 0 or unknown is C, not in T, and never key by share. HHI, Gini and the top-20 % share
 *  are computed over the customers with a positive margin only (n = their number).
 *  The score's share criterion stays the revenue.
 *
 *  Unit group (o->unit KAM_UNIT_GROUP). Every group (the accounts sharing a non-empty group
 *  name) and every account without a group is one customer, whose revenue and margin are the
 *  sums over its members (its margin is known when one member's is: the sum of the known
 *  ones). ABC, the share test, HHI, Gini and the top-20 % share are computed over the
 *  customers (either basis; ties by the customer's first insertion index), and every account
 *  takes its customer's class and key reasons: KAM_KEY_SHARE when the customer passes the
 *  share test, plus KAM_KEY_GROUP_SHARE when that customer is a group; KAM_KEY_STRATEGIC when
 *  one member is strategic; KAM_KEY_TOP_SCORE for the key_top_n customers whose best member
 *  score is highest (ties: the better customer rank). An account's own rank, share and
 *  cum_share stay those of the account on the basis. In unit account, a group's total passing
 *  the share test still gives its members KAM_KEY_GROUP_SHARE (on the basis: its margin is the
 *  sum of its members' known margins).
 *
 *  Margin. Whatever the basis, the summary counts the known margins (total_margin, margin_pct
 *  per class, the unprofitable accounts: margin < 0, their revenue and the key ones among
 *  them). Score: a sixth criterion, margin % = margin / revenue, known when the margin is known
 *  and the revenue > 0, with weight w_margin (0 by default: the scores are then unchanged).
 *
 *  Lifetime. The segmentation borrows the portfolio: free it before the portfolio. It covers
 *  the accounts the portfolio had at this call; adding more accounts afterwards does not change
 *  it (the new ones are simply not in it).
 *
 *  @return KAM_OK and *out; on error *out is NULL and: KAM_EINVAL (p NULL without a message;
 *  out NULL; options: struct_size, flags, a share or cut outside its range, a weight < 0 or all
 *  weights 0, basis or unit not one of its values, discount_rate <= -1, a non-finite value,
 *  a retention_threshold < 0, with KAM_SEGMENT_RETENTION a retention_window above N / 2 (N:
 *  the longest history, when it is 2 or more): the message names the field); KAM_EOVERFLOW
 *  (the total revenue, a customer's revenue or margin, the sum of the positive margins of the
 *  customers or of the accounts, or the total margin exceeds the int64 range); KAM_ENOMEM.
 *  Basis margin or unit group cost O(n) more time and make the class bytes at once, as a
 *  known margin does (the margin summary needs the classes); unit group keeps about 64 bytes
 *  per customer and 8 per account until the segmentation is freed. */
KAM_API int kam_segment(kam_segmentation **out, const kam_portfolio *p,
                        const kam_segment_options *o);

/** Frees a segmentation (NULL is a no-op). */
KAM_API void kam_segmentation_free(kam_segmentation *s);

/** Copies the summary into the first out->struct_size bytes of *out (struct_size is kept).
 *  O(1). @return KAM_OK; KAM_EINVAL (s or out NULL, struct_size below 8 or above 64 KiB). */
KAM_API int kam_segmentation_summary(kam_summary *out, const kam_segmentation *s);

/** The results of the account with insertion index `index`, into the first out->struct_size
 *  bytes of *out (struct_size is kept). id, name and group are borrowed: explicit texts live
 *  in the portfolio (valid until it is freed or grows); a generated id's text lives in the
 *  segmentation and is valid until the next kam_segmentation_get on it.
 *  The first call computes the rank order and the scores (see "Lazy work").
 *  @return KAM_OK; KAM_EINVAL (NULL, bad struct_size); KAM_ENOTFOUND (index >= n);
 *  KAM_ESTATE (the portfolio has fewer accounts than when segmented); KAM_ENOMEM (lazy work,
 *  the segmentation stays usable). */
KAM_API int kam_segmentation_get(kam_account_score *out, const kam_segmentation *s, size_t index);

/** Like kam_segmentation_get, for the account at 1-based `rank` (revenue descending, ties by
 *  insertion order): rank 1 is the largest account. Same borrowing rules and lazy work.
 *  @return KAM_OK; KAM_EINVAL; KAM_ENOTFOUND (rank 0 or > n); KAM_ESTATE; KAM_ENOMEM. */
KAM_API int kam_segmentation_get_by_rank(kam_account_score *out, const kam_segmentation *s,
                                     size_t rank);

/** Writes the class letter ('A', 'B', 'C') of every account, in insertion order, into abc[0..n).
 *  n must be the number of accounts segmented. O(n), no allocation: one branch-free pass over
 *  the revenues (split over the ctx's threads), plus a scan for the accounts sharing a cut's
 *  value when the cut takes only some of them.
 *  @return KAM_OK; KAM_EINVAL (s NULL, n wrong: the message says the right n, abc NULL);
 *  KAM_ESTATE (the portfolio lost accounts). */
KAM_API int kam_segmentation_classes(char *abc, size_t n, const kam_segmentation *s);

/** kam_segmentation_foreach orders. */
enum { KAM_ORDER_INSERTION = 0, KAM_ORDER_RANK = 1 };

/** Called once per account; return 0 to go on, anything else to stop (that value is returned
 *  by kam_segmentation_foreach unchanged). *score and its strings are valid during the call. */
typedef int (*kam_score_fn)(void *ud, const kam_account_score *score);

/** Calls fn for every account in insertion order or in rank order (rank 1 first).
 *  The first call computes the rank order and the scores (see "Lazy work").
 *  @return KAM_OK; fn's nonzero value; KAM_EINVAL (s or fn NULL, unknown order); KAM_ESTATE
 *  (the portfolio lost accounts); KAM_ENOMEM (lazy work, nothing was called). */
KAM_API int kam_segmentation_foreach(const kam_segmentation *s, int order, kam_score_fn fn,
                                     void *ud);

/** One customer of a segmentation (kam_segmentation_customers). Strings are valid during the
 *  callback only. */
typedef struct kam_customer {
  uint32_t struct_size;
  uint32_t key_reasons; /**< KAM_KEY_* bits (those its accounts take in unit group) */
  char abc;             /**< 'A' 'B' 'C' */
  size_t rank;          /**< 1-based, in rank order on the basis */
  size_t first_index;   /**< insertion index of its first account */
  size_t members;       /**< its accounts */
  const char *name;     /**< the group's name; for a single account its name, else its id */
  uint32_t is_group;    /**< 1 for a group (unit group only), else 0 */
  uint32_t has_margin;  /**< 1 when one member's margin is known */
  int64_t revenue;      /**< members' sum */
  int64_t margin;       /**< sum of the members' known margins (0 when none is known) */
  double share;         /**< basis value / basis_total; 0 when that value is <= 0 or T is 0 */
} kam_customer;

/** Called once per customer; return 0 to go on, anything else to stop. */
typedef int (*kam_customer_fn)(void *ud, const kam_customer *c);

/** Calls fn for every customer of the segmentation (kam_summary.customers of them) in rank
 *  order, rank 1 first. In unit account every account is a customer (members 1, name: its
 *  name or id; key reasons: the account's). Does the lazy work of kam_segmentation_foreach.
 *  @return KAM_OK; fn's nonzero value; KAM_EINVAL (s or fn NULL); KAM_ESTATE; KAM_ENOMEM. */
KAM_API int kam_segmentation_customers(const kam_segmentation *s, kam_customer_fn fn, void *ud);

/* Lazy work. kam_segment computes the cuts, XYZ, trend, NPV and the summary (key_accounts
 * included). The class bytes with key reasons, the rank order, the cumulative sums and the
 * scores are computed on the first kam_segmentation_get, _get_by_rank or _foreach and kept in the
 * segmentation (though it is const in the API): a counting sort of the accounts by the same
 * buckets and a radix sort inside each bucket, O(n) time, about 33 bytes per account (class,
 * order, rank, cum, score). That first call may fail with KAM_ENOMEM and can be retried. Because
 * these calls write into the segmentation, they must not run concurrently on one segmentation. */

#ifdef __cplusplus
}
#endif
#endif /* KAM_PORTFOLIO_H */

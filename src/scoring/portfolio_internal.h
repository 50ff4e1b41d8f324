/*
 * portfolio_internal.h - the portfolio and segmentation internals that other libkam modules
 * (csv.c, report.c) may use. Everything here is read-only for them unless a function says
 * otherwise; the layouts belong to portfolio.c / segment.c.
 *
 * Layout in brief: a portfolio is a set of columns, one entry per account in insertion order,
 * never one heap object per account:
 *   revenue[i]  int64 minor units
 *   flags[i]    one byte: the public KAM_ACCOUNT_* bits plus KAM__ACC_* bits below; the column
 *               exists only once an account has a flag or details (NULL: all 0)
 *   id          either generated (the decimal insertion index, never stored: id_off is NULL
 *               or id_off[i] is SIZE_MAX) or explicit (NUL-terminated text in the id arena at
 *               id_off[i], its SipHash and length stored just before it)
 *   details     optional name, group, history, forecast, potential and relationship, kept only for the
 *               accounts that have any (KAM__ACC_DETAIL), in details[] sorted by index.
 */
#ifndef KAM_PORTFOLIO_INTERNAL_H
#define KAM_PORTFOLIO_INTERNAL_H

#include "core/internal.h"
#include "scoring/segment_engine_internal.h"
#include "core/struct_copy_internal.h"

/* Per-account flag bits (kam_portfolio.flags[i]). The low two are the public ones. */
enum {
  KAM__ACC_PUBLIC = KAM_ACCOUNT_STRATEGIC | KAM_ACCOUNT_NEW, /* stored in the flag byte */
  /* kam_account.flags accepted (the margin and relationship bits are kept as values) */
  KAM__ACC_INPUT = KAM__ACC_PUBLIC | KAM_ACCOUNT_MARGIN | KAM_ACCOUNT_RELATIONSHIP,
  KAM__ACC_DETAIL = 1u << 6 /* has an entry in details[] */
};

/* Room for the decimal text of any size_t plus NUL (generated ids). */
#define KAM__ID_BUF 24

typedef struct kam__detail {
  size_t index; /* account index; details[] is sorted by it */
  char *name;   /* NULL: none (kam__strndup blocks) */
  char *group;  /* NULL: none */
  size_t name_len, group_len;
  int64_t *history; /* NULL when history_len == 0 (in the detail arena) */
  size_t history_len;
  double *forecast; /* NULL when forecast_len == 0 */
  size_t forecast_len;
  double potential;    /* NaN: unknown */
  double relationship; /* NaN: unknown (the public KAM_ACCOUNT_RELATIONSHIP bit is not stored) */
  size_t arena_at;     /* the detail arena's end before this detail's texts and numbers */
} kam__detail;

/* A block of the detail arena (portfolio.c): names, groups, histories and forecasts of the
 * accounts live in a chain of blocks that never move, so an add costs no allocation of its
 * own and kam__detail's pointers stay valid. */
typedef struct kam__pblock kam__pblock;

struct kam_portfolio {
  kam_ctx *ctx;
  size_t count, cap; /* accounts, column capacity */
  int64_t *revenue;  /* [cap] */
  uint8_t *flags;    /* [cap], NULL while no account has a flag or details */
  size_t *id_off;    /* [cap], NULL while every id is generated; SIZE_MAX: generated */
  char *ids;         /* id arena: NUL-terminated texts */
  size_t ids_len, ids_cap;
  uint64_t *index; /* open-addressing hash of explicit ids (see portfolio.c) */
  size_t index_cap, index_used;
  uint64_t hash_key[2]; /* the portfolio's own SipHash key */
  size_t index_probes;  /* slots stepped past in the index so far (the tests bound the work) */
  size_t *numeric_ids;  /* values of explicit ids that are canonical decimals, in order */
  size_t numeric_len, numeric_cap;
  kam__detail *details;
  size_t detail_len, detail_cap;
  int64_t *margin; /* [cap], NULL while no account has a known margin; KAM_MARGIN_UNKNOWN */
  kam__pblock *blocks; /* the detail arena, newest block first */
  size_t history_max;  /* the longest history_len among details[0..detail_len) */
};

/* The margin of account i (< count), KAM_MARGIN_UNKNOWN when unknown. */
static inline int64_t kam__portfolio_margin(const kam_portfolio *p, size_t i) {
  return p->margin ? p->margin[i] : KAM_MARGIN_UNKNOWN;
}

/* The history values of d (NULL when it has none). */
static inline const int64_t *kam__detail_history(const kam_portfolio *p, const kam__detail *d) {
  (void)p;
  return d->history;
}

/* Preallocates the columns and the id index so that `extra` more accounts fit without growing
 * them (names, groups, histories, forecasts and the flags column may still allocate). KAM_OK /
 * KAM_ENOMEM / KAM_ELIMIT; the portfolio is unchanged on failure. */
int kam__portfolio_reserve(kam_portfolio *p, size_t extra);
/* kam_portfolio_add for a caller that has checked what kam_portfolio_add checks of the texts:
 * a is a complete kam_account (struct_size ignored) whose id (idlen bytes, non-empty), name and
 * group (name_len, group_len bytes; 0 for none) are valid UTF-8 without NUL. The same errors
 * otherwise (KAM_EEXIST for a duplicate id), with the same messages; nothing added on error. */
int kam__portfolio_add_checked(kam_portfolio *p, const kam_account *a, size_t idlen,
                               size_t name_len, size_t group_len, uint64_t id_hash);
/* The hash kam__portfolio_add_checked wants for an id; it also asks the CPU to fetch the id's
 * index slot, so a reader that calls it before parsing the rest of a row hides the miss. */
uint64_t kam__portfolio_id_hash(const kam_portfolio *p, const char *id, size_t len);
/* The portfolio's keyed hash (SipHash-1-3 under its own random key) of any text, for tables of
 * names the public supplies (groups). */
uint64_t kam__portfolio_text_hash(const kam_portfolio *p, const char *s, size_t len);
/* Rolls the portfolio back to its first `count` accounts (count <= kam_portfolio_count),
 * freeing everything the later adds allocated and removing their ids from the index. Never
 * fails. Use it to undo a partly loaded batch: remember the count before, truncate on error. */
void kam__portfolio_truncate(kam_portfolio *p, size_t count);
kam_ctx *kam__portfolio_ctx(const kam_portfolio *p);
/* The flag byte of account i (< count): KAM_ACCOUNT_* and KAM__ACC_* bits. */
static inline unsigned kam__portfolio_flags(const kam_portfolio *p, size_t i) {
  return p->flags ? p->flags[i] : 0u;
}

/* The id of account i (< count): explicit ids point into the arena (valid until the portfolio
 * changes); generated ids are written into buf (KAM__ID_BUF bytes) and buf is returned.
 * *len (if not NULL) receives the length. */
const char *kam__portfolio_id(const kam_portfolio *p, size_t i, char *buf, size_t *len);
/* The details of account i, or NULL when it has none (binary search in details[]). */
const kam__detail *kam__portfolio_detail(const kam_portfolio *p, size_t i);
/* Name and group of account i, NULL when absent. */
const char *kam__portfolio_name(const kam_portfolio *p, size_t i);
const char *kam__portfolio_group(const kam_portfolio *p, size_t i);

/* ---- segmentation ---- */

/* The segmentation's fields are private to segment.c and may change: other modules use the
 * public kam_segmentation_* functions and the accessors below. */

/* One byte per account: class in the low 2 bits (0 A, 1 B, 2 C), key reasons above. */
#define KAM__SEG_CLASS_MASK 0x03u
#define KAM__SEG_KEY_SHIFT 2

/* A customer in unit group: a group or an account without one (segment.c). */
typedef struct kam__customer {
  size_t first, members;   /* first account's index, accounts */
  int64_t revenue, margin; /* members' sums (margin: the known ones) */
  const char *group;       /* the group's name (borrowed from the portfolio) or NULL */
  uint8_t cls;             /* class | key reasons << KAM__SEG_KEY_SHIFT */
  uint8_t has_margin;      /* a member's margin is known */
} kam__customer;

struct kam_segmentation {
  kam_ctx *ctx;
  const kam_portfolio *p;   /* borrowed: must outlive the segmentation; covers its first n */
  size_t n;                 /* accounts */
  size_t nd;                /* p->details[0..nd) belong to them */
  kam_segment_options opts; /* complete copy, defaults filled */
  int64_t total;            /* total revenue */
  uint64_t key_min;         /* smallest revenue passing the key_share test */
  kam__revenue_cut cut[2];  /* the class cuts: A (0) and A+B (1) */
  uint8_t *cls;        /* [n] class | key reasons << KAM__SEG_KEY_SHIFT; lazy (NULL until needed) */
  kam_summary summary; /* computed by kam_segment */
  /* Lazily computed caches (the segmentation is const in the API; see portfolio.h). */
  size_t *order;   /* [n] account indices in rank order, or NULL */
  size_t *rank_of; /* [n] 0-based rank per account, or NULL */
  int64_t *cum;    /* [n] cumulative revenue in rank order, or NULL */
  double *score;   /* [n] composite score, or NULL */
  /* Per-detail values (cv, trend, npv), parallel to p->details[0..nd). */
  double *cv, *trend, *npv;
  uint8_t *status; /* [nd] retention status per detail (KAM_SEGMENT_RETENTION), or NULL */
  char idbuf[KAM__ID_BUF]; /* generated id text handed out by kam_segmentation_get */
  /* Basis margin or unit group ("general": classes and keys come from the customers). */
  bool general;
  size_t qn;           /* values the engine ranks (revenue_query's n for the top 20 %) */
  int64_t acc_total;   /* an account's share denominator: total revenue, or the sum of the
                          accounts' positive margins with basis margin */
  size_t ncust;        /* customers (n in unit account) */
  kam__customer *cust; /* [ncust] unit group only */
  size_t *cust_of;     /* [n] unit group only: each account's customer */
  size_t *cust_order;  /* [ncust] unit group: customers in rank order; lazy */
  size_t *cust_rank;   /* [ncust] unit group: 0-based rank per customer; lazy */
};

kam_ctx *kam__segmentation_ctx(const kam_segmentation *s);
const kam_portfolio *kam__segmentation_portfolio(const kam_segmentation *s);
/* The options the segmentation was made with (defaults filled in, full struct). */
const kam_segment_options *kam__segmentation_options(const kam_segmentation *s);

/* kam_segment's summary (key_accounts: the share test) and class cuts for a revenue column given
 * as its distribution (kam__revenue_stats_of_runs) of n accounts; the options as kam_segment
 * checks them, key_top_n must be 0. @return KAM_OK; KAM_EINVAL; KAM_EOVERFLOW (messages set). */
int kam__segment_runs(kam_summary *sm, kam__revenue_cut cut[2], kam_ctx *ctx,
                      const kam_segment_options *o, const kam__value_run *run, size_t nrun,
                      size_t n);

#endif /* KAM_PORTFOLIO_INTERNAL_H */

/*
 * kam/portfolio.h - accounts, ABC/XYZ segmentation, the 10 % key-customer test, scores.
 * (DESIGN.md section 5; the full manual is written by the portfolio module.)
 */
#ifndef KAM_PORTFOLIO_H
#define KAM_PORTFOLIO_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kam_portfolio kam_portfolio;
KAM_API int kam_portfolio_new(kam_portfolio **out, kam_ctx *ctx);
KAM_API void kam_portfolio_free(kam_portfolio *p);
KAM_API size_t kam_portfolio_count(const kam_portfolio *p);

enum { KAM_ACCOUNT_STRATEGIC = 1u << 0, KAM_ACCOUNT_NEW = 1u << 1 };
typedef struct kam_account {
  uint32_t struct_size;
  uint32_t flags;
  const char *id;
  const char *name;
  const char *group;
  int64_t revenue;
  const int64_t *history;
  size_t history_len;
  const double *forecast;
  size_t forecast_len;
  double potential;
} kam_account;
KAM_API int kam_portfolio_add(kam_portfolio *p, const kam_account *a);
KAM_API int kam_portfolio_add_columns(kam_portfolio *p, size_t n, const char *const *ids,
                                      const int64_t *revenue);

typedef struct kam_segment_options {
  uint32_t struct_size;
  uint32_t flags;
  double a_share, b_share;
  double key_share;
  double xyz_x, xyz_y;
  double discount_rate;
  double w_share, w_npv, w_trend, w_potential, w_strategic;
  size_t key_top_n;
} kam_segment_options;
KAM_API void kam_segment_options_init(kam_segment_options *o, size_t struct_size);

enum { KAM_KEY_SHARE = 1u << 0, KAM_KEY_GROUP_SHARE = 1u << 1,
       KAM_KEY_STRATEGIC = 1u << 2, KAM_KEY_TOP_SCORE = 1u << 3 };
typedef struct kam_account_score {
  uint32_t struct_size;
  uint32_t key_reasons;
  char abc;
  char xyz;
  size_t index;
  size_t rank;
  const char *id;
  int64_t revenue;
  double share, cum_share;
  double cv;
  double trend;
  double npv;
  double score;
  const char *name;  /* NULL when absent; borrowed like id (appended for the report writers) */
  const char *group; /* NULL when absent */
} kam_account_score;

typedef struct kam_summary {
  uint32_t struct_size;
  uint32_t reserved;
  size_t accounts, key_accounts;
  size_t count[3];
  int64_t revenue[3];
  int64_t total_revenue;
  double hhi;
  double effective_accounts;
  double gini;
  double top20_share;
} kam_summary;

typedef struct kam_segmentation kam_segmentation;
KAM_API int kam_segment(kam_segmentation **out, const kam_portfolio *p, const kam_segment_options *o);
KAM_API void kam_segmentation_free(kam_segmentation *s);
KAM_API int kam_segmentation_summary(kam_summary *out, const kam_segmentation *s);
KAM_API int kam_segmentation_get(kam_account_score *out, const kam_segmentation *s, size_t index);
KAM_API int kam_segmentation_classes(char *abc, size_t n, const kam_segmentation *s);
enum { KAM_ORDER_INSERTION = 0, KAM_ORDER_RANK = 1 };
typedef int (*kam_score_fn)(void *ud, const kam_account_score *score);
KAM_API int kam_segmentation_foreach(const kam_segmentation *s, int order, kam_score_fn fn, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_PORTFOLIO_H */

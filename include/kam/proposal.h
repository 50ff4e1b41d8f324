/*
 * kam/proposal.h - commercial proposals: exact totals, money in words, rendering.
 * (DESIGN.md section 9; the full manual is written by the proposal module.)
 */
#ifndef KAM_PROPOSAL_H
#define KAM_PROPOSAL_H

#include "common.h"
#include "dmu.h"
#include "template.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kam_proposal kam_proposal;
KAM_API int kam_proposal_new(kam_proposal **out, kam_ctx *ctx);
KAM_API void kam_proposal_free(kam_proposal *p);
KAM_API int kam_proposal_from_json(kam_proposal **out, kam_ctx *ctx, const char *json, size_t len);
KAM_API int kam_proposal_write_json(const kam_proposal *p, kam_write_fn write, void *ud);

typedef struct kam_totals {
  uint32_t struct_size;
  uint32_t reserved;
  int64_t gross, discount, net, vat, total;
  int64_t optional_total;
} kam_totals;
KAM_API int kam_proposal_totals(kam_totals *out, const kam_proposal *p);
KAM_API int kam_proposal_to_value(kam_value **out, const kam_proposal *p);
enum { KAM_FORMAT_MARKDOWN = 1, KAM_FORMAT_HTML = 2, KAM_FORMAT_TEXT = 3, KAM_FORMAT_JSON = 4 };
KAM_API int kam_proposal_render(const kam_proposal *p, int format, kam_write_fn write, void *ud);
KAM_API int kam_proposal_render_template(const kam_proposal *p, const kam_template *t,
                                         kam_write_fn write, void *ud);
KAM_API int kam_money_format(char *buf, size_t cap, size_t *len, int64_t amount,
                             const char *currency, const char *lang);
KAM_API int kam_money_words(char *buf, size_t cap, size_t *len, int64_t amount,
                            const char *currency, const char *lang);

#ifdef __cplusplus
}
#endif
#endif /* KAM_PROPOSAL_H */

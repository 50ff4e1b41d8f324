/*
 * proposal_internal.h - what the proposal files share: the document layout (proposal.c owns
 * it), canonical decimal text, path-named errors, and the model pieces render.c needs.
 *   proposal.c       the document: struct, setters, validation
 *   proposal_json.c  JSON in and out
 *   assemble.c       kam_proposal_totals and the document model (kam_proposal_to_value)
 *   render.c         built-in templates and rendering
 */
#ifndef KAM_PROPOSAL_INTERNAL_H
#define KAM_PROPOSAL_INTERNAL_H

#include "internal.h"
#include "money_internal.h"

/* Canonical decimal text: "-"? digits ("0" or no leading zero) ("." digits, no trailing zero)?
 * "-0" is "0". Long enough for every value we accept (the integer part of an amount fits
 * int64, quantities and percents are bounded). */
#define KAM__DEC_CAP 48

struct kam__argument {
  int32_t style;
  char *title, *text;
};
struct kam__reference {
  char *company, *project, *result;
  char *contact_name, *contact_position, *contact_phone, *contact_email;
};
struct kam__figure {
  char *label, *unit;
  char *value; /* canonical number text (is_number) or the text as given */
  bool is_number;
};
struct kam__item {
  uint32_t flags;
  char *sku, *description, *unit, *section;
  char quantity[KAM__DEC_CAP];         /* canonical, >= 0 */
  int64_t unit_price;                  /* minor units of the proposal's currency, >= 0 */
  char discount_percent[KAM__DEC_CAP]; /* canonical, 0..100 */
  char vat_percent[KAM__DEC_CAP];      /* canonical, 0..100 */
  kam__decimal quantity_dec, discount_dec, vat_dec; /* the same, exact, for the totals */
};
struct kam__person {
  char *name, *position, *phone, *email;
};

/* A list of records of one kind. */
typedef struct kam__list {
  void *data;
  size_t len, cap;
} kam__list;

struct kam_proposal {
  kam_ctx *ctx;
  char lang[3];     /* "ru" | "en" */
  char currency[4]; /* upper-case ISO 4217 */
  int digits;       /* minor unit digits of the currency */
  char *title, *seller_name, *seller_details, *client_name, *client_context;
  char *summary, *exclusive, *terms;
  bool has_issued, has_valid_days;
  kam_date issued;
  int32_t valid_days;
  bool prices_include_vat;
  int rounding;
  kam__list arguments, references, figures, items, team; /* struct kam__* */
  /* The stakeholders, checked and typed by the DMU's own code (kam__dmu_add) when added, so
   * the model uses this DMU as it is. NULL until the first one. */
  kam_dmu *stakeholders;
  bool has_cash_flows;
  int32_t period;
  double rate;
  double *flows;
  size_t flows_len;
  const kam_dmu *dmu;
  /* While kam_proposal_from_json builds the proposal: its source text, parsed tree and the
   * positions the parser recorded, so errors can name the line and column of a JSON path.
   * NULL otherwise. */
  const char *json;
  size_t json_len;
  const kam_value *json_root;
  const struct kam__json_positions *json_pos;
};

#define KAM__LIST_AT(p, list, type, i) (&((type *)(p)->list.data)[i])

/* Sets the ctx message "<path>: <reason>" and, while reading JSON, appends the line and
 * column of that path in the source. Returns status. */
int kam__proposal_error(const kam_proposal *p, int status, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Decimal text (optional sign, digits, '.' or ',' fraction, optional exponent) to canonical
 * form in out[KAM__DEC_CAP]. Returns KAM_OK, or KAM_EPARSE with *why set. */
int kam__decimal_canon(char out[KAM__DEC_CAP], const char *s, size_t len, const char **why);

/* Names used in the JSON document and the model. */
const char *kam__proposal_style_name(int32_t style);   /* "authority", ... or NULL */
const char *kam__proposal_role_name(int32_t role);     /* "executive", ... or NULL */
const char *kam__proposal_period_name(int32_t period); /* "year", ... or NULL */
const char *kam__proposal_buyer_name(unsigned bit);    /* bit 0..3: "economic", ... */
extern const char *const kam__proposal_trait_names[3]; /* "dominance", "people", "detail" */

/* Adds a figure whose value is number text kept exactly (is_number) or display text. */
int kam__proposal_add_figure(kam_proposal *p, const char *label, const char *unit,
                             const char *value, bool is_number);

/* Building kam_value trees with a sticky error: after the first failure every call is a no-op
 * (items handed to set/push are freed), and rc holds the status. */
typedef struct kam__vb {
  kam_ctx *ctx;
  int rc;
} kam__vb;
kam_value *kam__vb_obj(kam__vb *b);
kam_value *kam__vb_arr(kam__vb *b);
kam_value *kam__vb_str(kam__vb *b, const char *s); /* s NULL: a null value */
kam_value *kam__vb_num_text(kam__vb *b, const char *text);
kam_value *kam__vb_int(kam__vb *b, int64_t v);
kam_value *kam__vb_double(kam__vb *b, double v);
kam_value *kam__vb_bool(kam__vb *b, bool v);
kam_value *kam__vb_null(kam__vb *b);
/* obj[key] = v; v NULL means an earlier failure (nothing to do). Returns v (borrowed). */
kam_value *kam__vb_set(kam__vb *b, kam_value *obj, const char *key, kam_value *v);
kam_value *kam__vb_push(kam__vb *b, kam_value *arr, kam_value *v);

/* Per-line results of the totals, for the model. */
typedef struct kam__line_result {
  int64_t gross, discount, net, vat, total;
} kam__line_result;
/* Computes totals and, when lines is not NULL (one per item), the per-line figures.
 * Reports errors in p's ctx naming the item. */
int kam__proposal_compute(const kam_proposal *p, kam_totals *totals, kam__line_result *lines);

/* KAM_OK or KAM_ESTATE naming every missing part. */
int kam__proposal_check(const kam_proposal *p);

#endif

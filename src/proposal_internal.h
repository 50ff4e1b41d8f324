/*
 * proposal_internal.h - what the proposal files share: the document layout (proposal.c owns
 * it), path-named errors, and the model pieces render.c needs.
 *   proposal.c       the document: struct, setters, validation
 *   proposal_json.c  JSON in and out
 *   assemble.c       kam_proposal_totals and the document model (kam_proposal_to_value)
 *   render.c         built-in templates and rendering
 */
#ifndef KAM_PROPOSAL_INTERNAL_H
#define KAM_PROPOSAL_INTERNAL_H

#include "internal.h"
#include "money_internal.h"
#include "names_internal.h"
#include "value_builder_internal.h"

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
  kam__decimal quantity;         /* >= 0, at most 9 decimals */
  int64_t unit_price;            /* minor units of the proposal's currency, >= 0 */
  kam__decimal discount_percent; /* 0..100, at most 6 decimals */
  kam__decimal vat_percent;      /* 0..100, at most 6 decimals */
};
struct kam__person {
  char *name, *position, *phone, *email;
};
struct kam__stakeholder {
  int32_t role;
  char *name, *title, *email, *phone;
  double influence;
  int32_t attitude;
  uint32_t buying_roles;
  double traits[3];
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
  kam__list arguments, references, figures, items, team, stakeholders; /* struct kam__* */
  bool has_cash_flows;
  int32_t period;
  double rate;
  double *flows;
  size_t flows_len;
  const kam_dmu *dmu;
  /* While kam_proposal_from_json builds the proposal: its source text, so errors can name the
   * line and column of a JSON path. NULL otherwise. */
  const char *json;
  size_t json_len;
};

#define KAM__LIST_AT(p, list, type, i) (&((type *)(p)->list.data)[i])

/* Sets the ctx message "<path>: <reason>" and, while reading JSON, appends the line and
 * column of that path in the source. Returns status. */
int kam__proposal_error(const kam_proposal *p, int status, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;


/* Adds a figure whose value is number text kept exactly (is_number) or display text. */
int kam__proposal_add_figure(kam_proposal *p, const char *label, const char *unit,
                             const char *value, bool is_number);

/* KAM_OK or KAM_ESTATE naming every missing part. */
int kam__proposal_check(const kam_proposal *p);

#endif

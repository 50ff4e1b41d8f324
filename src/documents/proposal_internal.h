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

#include "core/internal.h"
#include "documents/money_internal.h"
#include "core/names_internal.h"
#include "documents/value_builder_internal.h"

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
  /* the seller's unit cost, never rendered */
  bool has_cost;
  int64_t cost; /* minor units, >= 0 */
  /* recurrence (KAM_RECUR_*: the period in months, 0 once) and the item's own unit forms
   * (NULL each when not given; never together with unit). */
  int32_t period;
  char *unit_one, *unit_few, *unit_many;
};
struct kam__person {
  char *name, *position, *phone, *email;
};
/* decision criteria and alternatives */
struct kam__criterion {
  char *name, *stakeholder;
  double weight;
  size_t *arguments; /* indexes into p->arguments */
  size_t nargs;
};
struct kam__alternative {
  char *name;
  char **points; /* one per criterion at the time it was added (NULL: no point) */
  size_t npoints;
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
  /* the contract term (0: not set, 12 is used), the cash flows' investment
   * (KAM_INVESTMENT_*), the payment schedule (struct kam__payment). */
  int32_t term_months;
  int32_t investment;
  kam__list payments;
  /* While kam_proposal_from_json builds the proposal: its source text, parsed tree and the
   * positions the parser recorded, so errors can name the line and column of a JSON path.
   * NULL otherwise. */
  const char *json;
  size_t json_len;
  const kam_value *json_root;
  const struct kam__json_positions *json_pos;
  /* ---- identity, addressee, signatory, criteria ---- */
  char *number, *version;
  char *addressee_stakeholder, *addressee_name, *addressee_position;
  char *signatory_name, *signatory_position;
  kam__list criteria, alternatives; /* struct kam__criterion, struct kam__alternative */
};

#define KAM__LIST_AT(p, list, type, i) (&((type *)(p)->list.data)[i])

/* one payment of the schedule: a share of the amount to pay or a fixed amount, due on a
 * date or some days after the contract is signed. */
struct kam__payment {
  char *label;
  char *percent_text;   /* canonical decimal text of the share, or NULL for a fixed amount */
  kam__decimal percent; /* 0 < percent <= 100, at most 6 decimals */
  char *amount_text;    /* canonical decimal text of the fixed amount (major units), or NULL */
  kam__decimal amount;  /* the fixed amount in major units, >= 0 */
  int32_t due_kind;     /* KAM_DUE_DATE or KAM_DUE_DAYS */
  kam_date due;
  int32_t days;
};

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

/* KAM_OK or KAM_ESTATE naming every missing part (kam_proposal_validate). */
int kam__proposal_validate(const kam_proposal *p);

/* ---- the pre-send check's view of parts owned elsewhere (issue 15) -----------------------
 * The contract term, the investment and the payment schedule are read through these (term.c)
 * and the predicates kam__proposal_investment_mismatch and kam__proposal_payments_mismatch
 * below, so the check's codes payback_beyond_term, investment_mismatch and payments_mismatch
 * do not depend on their layout. */
/* Reports one finding to fn (kam/finding.h): the message is ru_fmt or en_fmt (printf formats
 * taking the same arguments) by ru, at most 511 bytes. Returns fn's status. The one reporter of
 * every document's check (the proposal's and the plan's). */
int kam__finding_report(kam_finding_fn fn, void *ud, bool ru, int32_t severity, const char *code,
                        const char *path, const char *ru_fmt, const char *en_fmt, ...);

/* The contract term in months, 0 when the proposal gives none (term.c). */
int32_t kam__proposal_term_months(const kam_proposal *p);
/* The summed weight of the criteria that argument i answers (0 when none); weights[] gets one
 * entry per argument (caller's array of p->arguments.len). */
void kam__proposal_argument_weights(const kam_proposal *p, double *weights);
/* The totals and every line's figures (lines: p->items.len entries), as the model has them
 * (assemble.c). KAM_ESTATE without items; KAM_EOVERFLOW; KAM_ENOMEM. */
int kam__proposal_lines(const kam_proposal *p, kam_totals *totals, kam__line_out *lines);

/* ---- the JSON reader (proposal_json.c), shared with the plan -----------------------------
 * A path that grows by segments ("items" "[3]" ".unit_price") and shrinks back, and the reader
 * state: errors are reported through p (kam__proposal_error: path, line and column of p->json),
 * and a read stakeholder is added to p. The plan reads through a hidden proposal for both. */
typedef struct kam__path {
  char s[160];
  size_t len;
} kam__path;
typedef struct kam__reader {
  kam_proposal *p;
  kam__path pt;
} kam__reader;
/* Append ".key" or "[index]", returning the old length for kam__path_pop. */
size_t kam__path_key(kam__path *pt, const char *key);
size_t kam__path_index(kam__path *pt, size_t index);
void kam__path_pop(kam__path *pt, size_t old);
/* KAM_EPARSE naming the first key of obj not in keys[] ("_" keys are comments). */
int kam__read_known_keys(kam__reader *r, const kam_value *obj, const char *const keys[]);
/* obj[key] (NULL if absent or null), the path extended by key (pop with *old). */
const kam_value *kam__read_member(kam__reader *r, const kam_value *obj, const char *key,
                                  size_t *old);
int kam__read_wrong_type(kam__reader *r, const kam_value *v, const char *expected);
/* A string / decimal text (string or number) / integer lo..hi member; NULL or !present when
 * absent. */
int kam__read_string(kam__reader *r, const kam_value *obj, const char *key, const char **out);
int kam__read_decimal(kam__reader *r, const kam_value *obj, const char *key, const char **out);
int kam__read_int(kam__reader *r, const kam_value *obj, const char *key, long lo, long hi,
                  long *out, bool *present);
/* Reads root.stakeholders (if present) into r->p's stakeholders. */
int kam__read_stakeholders(kam__reader *r, const kam_value *root);
/* Reads a document out of json[0..len) (KAM_EINVAL when json is NULL with len > 0): parses it
 * with positions, so that errors reported through p name the JSON path, line and column, and
 * calls read(r, root, doc) with r->p = p; the tree and p's view of the text are gone after. */
typedef int (*kam__read_fn)(kam__reader *r, const kam_value *root, void *doc);
int kam__read_json_document(kam_proposal *p, const char *json, size_t len, kam__read_fn read,
                            void *doc);
/* p's stakeholders as their JSON array. */
kam_value *kam__proposal_stakeholders_value(kam__vb *b, const kam_proposal *p);

/* Model pieces of assemble.c in the language of p: plain decimal text localised ("1 234,5" /
 * "1,234.5"), money {minor, amount, text} in p's currency, a date {iso, text, long}. */
void kam__model_localise(char *out, size_t cap, const char *plain, bool ru);
kam_value *kam__model_money(kam__vb *b, const kam_proposal *p, int64_t minor);
kam_value *kam__model_date(kam__vb *b, const kam_proposal *p, kam_date d);
/* p's stakeholders, in document order: the DMU p owns (NULL when it has none; kam_dmu_count
 * and the other readers take NULL as empty), and the i-th one as stored (i < the count). */
static inline const kam_dmu *kam__proposal_dmu(const kam_proposal *p) { return p->stakeholders; }
kam_stakeholder kam__proposal_stakeholder(const kam_proposal *p, size_t i);

/* Renders model (consumed) with the built-in template <prefix><lang>.<md|html|txt>.mustache
 * (partials from the built-in set), escaping it first for Markdown and text; KAM_FORMAT_JSON
 * writes the model pretty-printed. */
int kam__render_builtin(kam_ctx *ctx, kam_value *model, const char *prefix, const char *lang,
                        int format, kam_write_fn write, void *ud);

/* Builds a document's template model (kam_proposal_to_value, kam_plan_to_value). */
typedef int (*kam__model_fn)(kam_value **out, const void *doc);

/* The body of kam_proposal_render and kam_plan_render: an unknown format is KAM_EINVAL naming
 * who; otherwise the model that build makes of doc, rendered by kam__render_builtin. */
int kam__render_document(kam_ctx *ctx, const char *who, int format, kam__model_fn build,
                         const void *doc, const char *prefix, const char *lang, kam_write_fn write,
                         void *ud);

/* The body of kam_proposal_render_template and kam_plan_render_template: renders t over the
 * model that build makes of doc (partials: none). */
int kam__render_document_template(kam__model_fn build, const void *doc, const kam_template *t,
                                  kam_write_fn write, void *ud);

/* ---- the term, the payment schedule and the price-driven investment (term.c) ------------
 * The year figures of the term: years[k] is contract year k + 1 (net, vat, total summed over
 * the non-optional lines as line figure x payments of the line in that year). */
#define KAM__MAX_YEARS 100
typedef struct kam__term {
  int32_t term_months, years; /* the term used (12 when not set), ceil(term / 12) */
  bool recurring;             /* a non-optional line recurs */
  int64_t net[KAM__MAX_YEARS], vat[KAM__MAX_YEARS], total[KAM__MAX_YEARS];
  int64_t first_year, contract_value; /* total[0], the sum of total[] */
} kam__term;
/* Computes the term's figures from the lines of kam__totals_compute (p->items.len entries).
 * KAM_OK or KAM_EOVERFLOW naming the item and the year. */
int kam__proposal_term(kam__term *out, const kam_proposal *p, const kam__line_out *lines);
/* The same, computing the lines itself (KAM_ESTATE without items, KAM_ENOMEM). */
int kam__proposal_term_of(kam__term *out, const kam_proposal *p);

/* The totals engine's view of p's items (assemble.c), in p's ctx: *out has p->items.len entries
 * (the caller frees them); KAM_OK or KAM_ENOMEM. */
int kam__proposal_line_inputs(const kam_proposal *p, kam__line_in **out);
/* How many times a line of period `months` (KAM_RECUR_*) is paid in contract year `year`
 * (0-based) of a term of term_months: once lines 1 in year 0. */
int64_t kam__recur_count(int32_t months, int32_t term_months, int32_t year);

/* The payment schedule split of `base` (the amount to pay, minor units): amounts[i] for each of
 * p's payments (n = p->payments.len; amounts NULL when n is 0). Fixed amounts as given; the
 * shares get round(base * sum of percents / 100) split by largest remainder, so shares that
 * add up to 100 % sum to base exactly. *sum: the sum of amounts. KAM_OK or KAM_EOVERFLOW. */
int kam__proposal_payment_split(const kam_proposal *p, int64_t base, int64_t *amounts,
                                int64_t *sum);

/* For the pre-send check (finding payments_mismatch): *mismatch is true when p has payments
 * and their amounts do not add up to the amount to pay (the contract value, with VAT).
 * *scheduled and *due (each may be NULL) receive the two sums. Without payments or items:
 * KAM_OK, *mismatch false. Errors: those of the totals (KAM_EOVERFLOW, KAM_ENOMEM). */
int kam__proposal_payments_mismatch(const kam_proposal *p, bool *mismatch, int64_t *scheduled,
                                    int64_t *due);

/* For the pre-send check (finding investment_mismatch): *mismatch is true when the cash flows
 * give the investment (values[0] < 0, not KAM_INVESTMENT_AUTO) and it differs from the price
 * at t = 0 (the first-year cost with VAT) by more than 1 % of that price. *given (major
 * units, positive) and *price (minor units) may be NULL. No cash flows, an investment taken
 * from the price, or no items: KAM_OK, *mismatch false. Errors: those of the totals. */
int kam__proposal_investment_mismatch(const kam_proposal *p, bool *mismatch, double *given,
                                      int64_t *price);

/* The cash flows the financial result uses (major units, t = 0 first): as given, or with the
 * investment taken from the price (KAM_INVESTMENT_AUTO, or values[0] > 0): n + 1 flows. *out
 * is allocated in p's ctx (free with *n * sizeof(double)); *from_price says which. */
int kam__proposal_flows(const kam_proposal *p, const kam__term *term, double **out, size_t *n,
                        bool *from_price);

/* Model parts (term.c): root.term, root.years, root.has_years, and root.payments,
 * root.has_payments, root.payments_total; totals (the model's totals object) gains
 * first_year, contract_value (money) and years_caption. english: the document's language. */
void kam__term_model(kam__vb *b, kam_value *root, kam_value *totals, const kam_proposal *p,
                     const kam__term *term, bool english);
/* The line's recurrence in the model: "period" name and "period_text" ("в год" / "per year",
 * null for once). */
void kam__line_period_model(kam__vb *b, kam_value *line, int32_t period, bool english);

#endif

/* proposal.c - the proposal document: its layout, setters and validation.
 *
 * Every setter validates into temporaries and commits at the end, so a failing call leaves the
 * proposal as it was. Errors name the field as its JSON path ("items[3].quantity"), and while
 * kam_proposal_from_json is building the proposal, also the line and column in the source. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "people/dmu_internal.h"
#include "core/linecol_internal.h"
#include "documents/proposal_internal.h"
#include "core/struct_copy_internal.h"
#include "documents/value_internal.h"

/* ---- errors ------------------------------------------------------------------------------ */

/* The offset of the value at path ("items[3].unit_price", "cash_flows.values[2]",
 * "stakeholders[0].traits.detail") in the JSON text, from the positions its parser recorded;
 * the deepest part found is used. */
static size_t locate(const kam_proposal *p, const char *path) {
  const kam_value *v = p->json_root;
  size_t at = p->json_pos->root;
  const char *q = path;
  while (*q && v) {
    const kam_value *child;
    size_t i = 0, found;
    if (*q == '[') {
      for (q++; kam__is_digit(*q) && i < SIZE_MAX / 10 - 10; q++)
        i = i * 10 + (size_t)(*q - '0');
      if (*q == ']') q++;
      if (kam_value_type(v) != KAM_VALUE_ARRAY || !(child = kam_value_at(v, i))) break;
    } else {
      size_t klen = 0;
      if (*q == '.') q++;
      while (q[klen] && q[klen] != '.' && q[klen] != '[')
        klen++;
      if (kam_value_type(v) != KAM_VALUE_OBJECT || (i = kam__object_find(v, q, klen)) == SIZE_MAX)
        break;
      child = v->u.m[i].val;
      q += klen;
    }
    if ((found = kam__json_position(p->json_pos, v, i)) == SIZE_MAX) break;
    at = found;
    v = child;
  }
  return at;
}

int kam__proposal_error(const kam_proposal *p, int status, const char *path, const char *fmt, ...) {
  char reason[KAM__ERRMSG_CAP];
  va_list ap;
  va_start(ap, fmt);
  // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
  // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  vsnprintf(reason, sizeof reason, fmt, ap);
  va_end(ap);
  if (p->json && p->json_pos && path) {
    size_t line, col;
    size_t at = locate(p, path);
    kam__linecol(p->json, at < p->json_len ? at : p->json_len, &line, &col);
    return kam__error(p->ctx, status, "%s: %s (line %zu, column %zu)", path, reason, line, col);
  }
  if (path) return kam__error(p->ctx, status, "%s: %s", path, reason);
  return kam__error(p->ctx, status, "%s", reason);
}

/* Appends a field name to a path buffer (truncating, never overflowing). */
static void path_append(char *path, size_t cap, const char *field) {
  size_t n = strlen(path);
  snprintf(path + n, cap - n, "%s", field);
}

/* ---- text fields ------------------------------------------------------------------------- */

/* Copies s (NUL-terminated) into *out after checking UTF-8; NULL or "" gives NULL. */
static int dup_text(kam_proposal *p, char **out, const char *s, const char *path) {
  size_t len, bad;
  *out = NULL;
  if (!s || !*s) return KAM_OK;
  len = strlen(s);
  if (!kam__utf8_valid(s, len, &bad))
    return kam__proposal_error(p, KAM_EINVAL, path, "not valid UTF-8 at byte %zu", bad);
  *out = kam__strndup(p->ctx, s, len);
  return *out ? KAM_OK : kam__nomem(p->ctx);
}

static int set_text(kam_proposal *p, char **field, const char *s, const char *path) {
  char *copy;
  int rc;
  if (!p) return KAM_EINVAL;
  if ((rc = dup_text(p, &copy, s, path))) return rc;
  kam__free_str(p->ctx, *field);
  *field = copy;
  return KAM_OK;
}

static int set_pair(kam_proposal *p, char **f1, const char *s1, const char *path1, char **f2,
                    const char *s2, const char *path2) {
  char *c1, *c2;
  int rc;
  if (!p) return KAM_EINVAL;
  if ((rc = dup_text(p, &c1, s1, path1))) return rc;
  if ((rc = dup_text(p, &c2, s2, path2))) {
    kam__free_str(p->ctx, c1);
    return rc;
  }
  kam__free_str(p->ctx, *f1);
  kam__free_str(p->ctx, *f2);
  *f1 = c1;
  *f2 = c2;
  return KAM_OK;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

/* Frees the n strings of s (each made by kam__strndup or NULL). */
static void free_strs(kam_ctx *ctx, char *const *s, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    kam__free_str(ctx, s[i]);
}
#define FREE_STRS(ctx, ...)                                                                        \
  free_strs((ctx), (char *const[]){__VA_ARGS__},                                                   \
            sizeof((char *const[]){__VA_ARGS__}) / sizeof(char *))

static void free_argument(kam_ctx *ctx, struct kam__argument *a) {
  FREE_STRS(ctx, a->title, a->text);
}
static void free_reference(kam_ctx *ctx, struct kam__reference *r) {
  FREE_STRS(ctx, r->company, r->project, r->result, r->contact_name, r->contact_position,
            r->contact_phone, r->contact_email);
}
static void free_figure(kam_ctx *ctx, struct kam__figure *f) {
  FREE_STRS(ctx, f->label, f->unit, f->value);
}
static void free_item(kam_ctx *ctx, struct kam__item *it) {
  FREE_STRS(ctx, it->sku, it->description, it->unit, it->section, it->unit_one, it->unit_few,
            it->unit_many);
}
static void free_person(kam_ctx *ctx, struct kam__person *m) {
  FREE_STRS(ctx, m->name, m->position, m->phone, m->email);
}
static void free_payment(kam_ctx *ctx, struct kam__payment *m) {
  FREE_STRS(ctx, m->label, m->percent_text, m->amount_text);
}
static void free_criterion(kam_ctx *ctx, struct kam__criterion *c) {
  FREE_STRS(ctx, c->name, c->stakeholder);
  kam__free(ctx, c->arguments, c->nargs * sizeof *c->arguments);
}
static void free_alternative(kam_ctx *ctx, struct kam__alternative *a) {
  size_t i;
  kam__free_str(ctx, a->name);
  for (i = 0; i < a->npoints; i++)
    kam__free_str(ctx, a->points[i]);
  /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of strings */
  kam__free(ctx, a->points, a->npoints * sizeof *a->points);
}

#define CLEAR_LIST(p, list, type, free_one)                                                        \
  do {                                                                                             \
    size_t i_;                                                                                     \
    for (i_ = 0; i_ < (p)->list.len; i_++)                                                         \
      free_one((p)->ctx, KAM__LIST_AT(p, list, type, i_));                                         \
    kam__free((p)->ctx, (p)->list.data, (p)->list.cap * sizeof(type));                             \
    memset(&(p)->list, 0, sizeof(p)->list);                                                        \
  } while (0)

static void clear_flows(kam_proposal *p) {
  kam__free(p->ctx, p->flows, p->flows_len * sizeof(double));
  p->flows = NULL;
  p->flows_len = 0;
  p->has_cash_flows = false;
  p->period = KAM_PERIOD_YEAR;
  p->rate = 0;
  p->investment = KAM_INVESTMENT_GIVEN;
}

int kam_proposal_new(kam_proposal **out, kam_ctx *ctx) {
  int rc;
  kam_proposal *p = (kam_proposal *)KAM__OBJECT_NEW(out, ctx, rc);
  if (!p) return rc;
  p->ctx = ctx;
  memcpy(p->lang, "ru", 3);
  memcpy(p->currency, "RUB", 4);
  p->digits = 2;
  p->rounding = KAM_ROUNDING_LINE;
  *out = p;
  return KAM_OK;
}

int kam_proposal_clear(kam_proposal *p, int part) {
  if (!p) return KAM_EINVAL;
  switch (part) {
  case KAM_PROPOSAL_LANG: memcpy(p->lang, "ru", 3); break;
  case KAM_PROPOSAL_CURRENCY: {
    /* Back to RUB: prices are rescaled like kam_proposal_set_currency would, which cannot fail
     * when the digits stay 2; otherwise prices are kept as minor units only if representable. */
    int rc = kam_proposal_set_currency(p, "RUB");
    if (rc) return rc;
    break;
  }
  case KAM_PROPOSAL_TITLE: set_text(p, &p->title, NULL, NULL); break;
  case KAM_PROPOSAL_SELLER:
    set_pair(p, &p->seller_name, NULL, NULL, &p->seller_details, NULL, NULL);
    break;
  case KAM_PROPOSAL_CLIENT:
    set_pair(p, &p->client_name, NULL, NULL, &p->client_context, NULL, NULL);
    break;
  case KAM_PROPOSAL_SUMMARY: set_text(p, &p->summary, NULL, NULL); break;
  case KAM_PROPOSAL_EXCLUSIVE: set_text(p, &p->exclusive, NULL, NULL); break;
  case KAM_PROPOSAL_ISSUED:
    p->has_issued = false;
    p->issued = 0;
    break;
  case KAM_PROPOSAL_VALID_DAYS:
    p->has_valid_days = false;
    p->valid_days = 0;
    break;
  case KAM_PROPOSAL_ARGUMENTS: CLEAR_LIST(p, arguments, struct kam__argument, free_argument); break;
  case KAM_PROPOSAL_REFERENCES:
    CLEAR_LIST(p, references, struct kam__reference, free_reference);
    break;
  case KAM_PROPOSAL_FIGURES: CLEAR_LIST(p, figures, struct kam__figure, free_figure); break;
  case KAM_PROPOSAL_CASH_FLOWS: clear_flows(p); break;
  case KAM_PROPOSAL_ITEMS: CLEAR_LIST(p, items, struct kam__item, free_item); break;
  case KAM_PROPOSAL_PRICES_INCLUDE_VAT: p->prices_include_vat = false; break;
  case KAM_PROPOSAL_ROUNDING: p->rounding = KAM_ROUNDING_LINE; break;
  case KAM_PROPOSAL_TEAM: CLEAR_LIST(p, team, struct kam__person, free_person); break;
  case KAM_PROPOSAL_STAKEHOLDERS:
    kam_dmu_free(p->stakeholders);
    p->stakeholders = NULL;
    break;
  case KAM_PROPOSAL_TERMS: set_text(p, &p->terms, NULL, NULL); break;
  case KAM_PROPOSAL_DMU: p->dmu = NULL; break;
  case KAM_PROPOSAL_NUMBER: set_pair(p, &p->number, NULL, NULL, &p->version, NULL, NULL); break;
  case KAM_PROPOSAL_ADDRESSEE:
    FREE_STRS(p->ctx, p->addressee_stakeholder, p->addressee_name, p->addressee_position);
    p->addressee_stakeholder = p->addressee_name = p->addressee_position = NULL;
    break;
  case KAM_PROPOSAL_SIGNATORY:
    set_pair(p, &p->signatory_name, NULL, NULL, &p->signatory_position, NULL, NULL);
    break;
  case KAM_PROPOSAL_CRITERIA:
    CLEAR_LIST(p, alternatives, struct kam__alternative, free_alternative);
    CLEAR_LIST(p, criteria, struct kam__criterion, free_criterion);
    break;
  case KAM_PROPOSAL_ALTERNATIVES:
    CLEAR_LIST(p, alternatives, struct kam__alternative, free_alternative);
    break;
  case KAM_PROPOSAL_TERM_MONTHS: p->term_months = 0; break;
  case KAM_PROPOSAL_PAYMENTS: CLEAR_LIST(p, payments, struct kam__payment, free_payment); break;
  default: return kam__error(p->ctx, KAM_EINVAL, "kam_proposal_clear: unknown part %d", part);
  }
  return KAM_OK;
}

void kam_proposal_free(kam_proposal *p) {
  kam_ctx *ctx;
  int part;
  if (!p) return;
  ctx = p->ctx;
  for (part = KAM_PROPOSAL_TITLE; part <= KAM_PROPOSAL_DMU; part++)
    kam_proposal_clear(p, part);
  for (part = KAM_PROPOSAL_NUMBER; part <= KAM_PROPOSAL_ALTERNATIVES; part++) /* issue 15 */
    kam_proposal_clear(p, part);
  kam_proposal_clear(p, KAM_PROPOSAL_PAYMENTS);
  kam__free(ctx, p, sizeof *p);
}

size_t kam_proposal_count(const kam_proposal *p, int part) {
  if (!p) return 0;
  switch (part) {
  case KAM_PROPOSAL_LANG:
  case KAM_PROPOSAL_CURRENCY:
  case KAM_PROPOSAL_ROUNDING: return 1;
  case KAM_PROPOSAL_TITLE: return p->title != NULL;
  case KAM_PROPOSAL_SELLER: return p->seller_name || p->seller_details;
  case KAM_PROPOSAL_CLIENT: return p->client_name || p->client_context;
  case KAM_PROPOSAL_SUMMARY: return p->summary != NULL;
  case KAM_PROPOSAL_EXCLUSIVE: return p->exclusive != NULL;
  case KAM_PROPOSAL_ISSUED: return p->has_issued;
  case KAM_PROPOSAL_VALID_DAYS: return p->has_valid_days;
  case KAM_PROPOSAL_ARGUMENTS: return p->arguments.len;
  case KAM_PROPOSAL_REFERENCES: return p->references.len;
  case KAM_PROPOSAL_FIGURES: return p->figures.len;
  case KAM_PROPOSAL_CASH_FLOWS: return p->flows_len;
  case KAM_PROPOSAL_ITEMS: return p->items.len;
  case KAM_PROPOSAL_PRICES_INCLUDE_VAT: return p->prices_include_vat;
  case KAM_PROPOSAL_TEAM: return p->team.len;
  case KAM_PROPOSAL_STAKEHOLDERS: return kam_dmu_count(p->stakeholders);
  case KAM_PROPOSAL_TERMS: return p->terms != NULL;
  case KAM_PROPOSAL_DMU: return p->dmu != NULL;
  case KAM_PROPOSAL_NUMBER: return p->number || p->version;
  case KAM_PROPOSAL_ADDRESSEE: return p->addressee_stakeholder || p->addressee_name;
  case KAM_PROPOSAL_SIGNATORY: return p->signatory_name != NULL;
  case KAM_PROPOSAL_CRITERIA: return p->criteria.len;
  case KAM_PROPOSAL_ALTERNATIVES: return p->alternatives.len;
  case KAM_PROPOSAL_TERM_MONTHS: return p->term_months != 0;
  case KAM_PROPOSAL_PAYMENTS: return p->payments.len;
  default: return 0;
  }
}

/* ---- simple parts ------------------------------------------------------------------------ */

int kam_proposal_set_lang(kam_proposal *p, const char *lang) {
  if (!p) return KAM_EINVAL;
  if (!lang) lang = "ru";
  if (kam__ascii_ieq(lang, strlen(lang), "ru")) {
    memcpy(p->lang, "ru", 3);
  } else if (kam__ascii_ieq(lang, strlen(lang), "en")) {
    memcpy(p->lang, "en", 3);
  } else {
    return kam__proposal_error(p, KAM_EINVAL, "lang",
                               "'%.40s' is not a supported language (ru, en)", lang);
  }
  return KAM_OK;
}

int kam_proposal_set_currency(kam_proposal *p, const char *currency) {
  char code[4];
  int digits, i;
  size_t k;
  int64_t *prices;
  if (!p) return KAM_EINVAL;
  if (!currency) currency = "RUB";
  for (i = 0; i < 3; i++) {
    int c = kam__ascii_lower((unsigned char)currency[i]);
    if (c < 'a' || c > 'z') break;
    code[i] = (char)(c - 32);
  }
  if (i != 3 || currency[3] != '\0')
    return kam__proposal_error(p, KAM_EINVAL, "currency",
                               "'%.40s' is not an ISO 4217 code (three letters)", currency);
  code[3] = '\0';
  digits = kam_currency_digits(code);
  /* the schedule's fixed amounts must be expressible in the new currency too. */
  for (k = 0; k < p->payments.len; k++) {
    const struct kam__payment *m = KAM__LIST_AT(p, payments, struct kam__payment, k);
    int64_t minor;
    char path[48];
    if (m->percent_text) continue;
    snprintf(path, sizeof path, "payments[%zu].amount", k);
    if (kam__decimal_places(m->amount) > digits)
      return kam__proposal_error(p, KAM_EINVAL, path, "%s cannot be expressed in %s (%d decimals)",
                                 m->amount_text, code, digits);
    if (kam__decimal_to_minor_exact(&minor, m->amount, digits))
      return kam__proposal_error(p, KAM_EOVERFLOW, path, "is too large for %s", code);
  }
  if (digits == p->digits || p->items.len == 0) {
    memcpy(p->currency, code, 4);
    p->digits = digits;
    return KAM_OK;
  }
  /* Rescale the unit prices (and the costs: entries n..2n) exactly into a scratch array, then
   * commit. */
  prices = (int64_t *)kam__alloc_array(p->ctx, 2 * p->items.len, sizeof *prices);
  if (!prices) return kam__nomem(p->ctx);
  for (k = 0; k < 2 * p->items.len; k++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, k % p->items.len);
    int64_t price = k < p->items.len ? it->unit_price : it->cost, scaled = price;
    int d;
    char path[48];
    snprintf(path, sizeof path, "items[%zu].%s", k % p->items.len,
             k < p->items.len ? "unit_price" : "cost");
    for (d = p->digits; d < digits; d++) {
      if (kam__mul_i64(&scaled, scaled, 10)) {
        kam__free(p->ctx, prices, 2 * p->items.len * sizeof *prices);
        return kam__proposal_error(p, KAM_EOVERFLOW, path, "is too large for %s", code);
      }
    }
    for (d = p->digits; d > digits; d--) {
      if (scaled % 10) {
        char text[KAM__DECIMAL_TEXT_CAP];
        kam__money_plain(text, price, p->digits);
        kam__free(p->ctx, prices, 2 * p->items.len * sizeof *prices);
        return kam__proposal_error(
            p, KAM_EINVAL, path, "%s cannot be expressed in %s (%d decimals)", text, code, digits);
      }
      scaled /= 10;
    }
    prices[k] = scaled;
  }
  for (k = 0; k < p->items.len; k++) {
    KAM__LIST_AT(p, items, struct kam__item, k)->unit_price = prices[k];
    KAM__LIST_AT(p, items, struct kam__item, k)->cost = prices[p->items.len + k];
  }
  kam__free(p->ctx, prices, 2 * p->items.len * sizeof *prices);
  memcpy(p->currency, code, 4);
  p->digits = digits;
  return KAM_OK;
}

int kam_proposal_set_title(kam_proposal *p, const char *title) {
  return set_text(p, p ? &p->title : NULL, title, "title");
}
int kam_proposal_set_seller(kam_proposal *p, const char *name, const char *details) {
  if (!p) return KAM_EINVAL;
  return set_pair(p, &p->seller_name, name, "seller.name", &p->seller_details, details,
                  "seller.details");
}
int kam_proposal_set_client(kam_proposal *p, const char *name, const char *context) {
  if (!p) return KAM_EINVAL;
  return set_pair(p, &p->client_name, name, "client.name", &p->client_context, context,
                  "client.context");
}
int kam_proposal_set_summary(kam_proposal *p, const char *summary) {
  return set_text(p, p ? &p->summary : NULL, summary, "summary");
}
int kam_proposal_set_exclusive(kam_proposal *p, const char *exclusive) {
  return set_text(p, p ? &p->exclusive : NULL, exclusive, "exclusive");
}
int kam_proposal_set_terms(kam_proposal *p, const char *terms) {
  return set_text(p, p ? &p->terms : NULL, terms, "terms");
}

int kam_proposal_set_issued(kam_proposal *p, kam_date issued) {
  int y;
  if (!p) return KAM_EINVAL;
  kam_date_to_ymd(issued, &y, NULL, NULL);
  /* valid_until = issued + up to 36500 days must still be a date of years 1..9999. */
  if (y < 1 || y > 9899)
    return kam__proposal_error(p, KAM_EINVAL, "issued",
                               "year %d is outside 1..9899 (issued + valid_days must stay within "
                               "year 9999)",
                               y);
  p->issued = issued;
  p->has_issued = true;
  return KAM_OK;
}

int kam_proposal_set_valid_days(kam_proposal *p, int32_t valid_days) {
  if (!p) return KAM_EINVAL;
  if (valid_days < 0 || valid_days > 36500)
    return kam__proposal_error(p, KAM_EINVAL, "valid_days", "%ld is outside 0..36500",
                               (long)valid_days);
  p->valid_days = valid_days;
  p->has_valid_days = true;
  return KAM_OK;
}

int kam_proposal_set_prices_include_vat(kam_proposal *p, int include) {
  if (!p) return KAM_EINVAL;
  p->prices_include_vat = include != 0;
  return KAM_OK;
}

int kam_proposal_set_rounding(kam_proposal *p, int rounding) {
  if (!p) return KAM_EINVAL;
  if (rounding != KAM_ROUNDING_LINE && rounding != KAM_ROUNDING_TOTAL)
    return kam__proposal_error(p, KAM_EINVAL, "rounding", "%d is not KAM_ROUNDING_LINE or _TOTAL",
                               rounding);
  p->rounding = rounding;
  return KAM_OK;
}

int kam_proposal_set_dmu(kam_proposal *p, const kam_dmu *dmu) {
  if (!p) return KAM_EINVAL;
  p->dmu = dmu;
  return KAM_OK;
}

int kam_proposal_set_cash_flows(kam_proposal *p, const kam_cash_flows *cf) {
  kam_cash_flows in;
  double *copy;
  size_t i;
  if (!p) return KAM_EINVAL;
  if (!cf) {
    clear_flows(p);
    return KAM_OK;
  }
  memset(&in, 0, sizeof in);
  if (KAM__STRUCT_COPY_IN(p->ctx, in, cf, kam_cash_flows, count, "cash_flows")) return KAM_EINVAL;
  if (!kam__period_name(in.period))
    return kam__proposal_error(p, KAM_EINVAL, "cash_flows.period", "%ld is not a KAM_PERIOD_*",
                               (long)in.period);
  if (in.investment != KAM_INVESTMENT_GIVEN && in.investment != KAM_INVESTMENT_AUTO)
    return kam__proposal_error(p, KAM_EINVAL, "cash_flows.investment",
                               "%ld is not a KAM_INVESTMENT_*", (long)in.investment);
  if (!isfinite(in.rate) || in.rate <= -1)
    return kam__proposal_error(p, KAM_EINVAL, "cash_flows.rate", "must be finite and > -1");
  if (in.count < 1 || in.count > 1000 || !in.values)
    return kam__proposal_error(p, KAM_EINVAL, "cash_flows.values", "needs 1..1000 values");
  for (i = 0; i < in.count; i++) {
    if (!isfinite(in.values[i])) {
      char path[48];
      snprintf(path, sizeof path, "cash_flows.values[%zu]", i);
      return kam__proposal_error(p, KAM_EINVAL, path, "is not finite");
    }
  }
  copy = (double *)kam__alloc_array(p->ctx, in.count, sizeof *copy);
  if (!copy) return kam__nomem(p->ctx);
  memcpy(copy, in.values, in.count * sizeof *copy);
  clear_flows(p);
  p->flows = copy;
  p->flows_len = in.count;
  p->rate = in.rate;
  p->period = in.period;
  p->investment = in.investment;
  p->has_cash_flows = true;
  return KAM_OK;
}

/* ---- lists ------------------------------------------------------------------------------- */

/* Makes room for one more element. */
static int list_reserve(kam_proposal *p, kam__list *l, size_t size) {
  size_t cap;
  void *data;
  if (l->len < l->cap) return KAM_OK;
  cap = l->cap ? l->cap * 2 : 4;
  if (cap > SIZE_MAX / size) return kam__nomem(p->ctx);
  data = kam__realloc(p->ctx, l->data, l->cap * size, cap * size);
  if (!data) return kam__nomem(p->ctx);
  l->data = data;
  l->cap = cap;
  return KAM_OK;
}

/* Appends the size bytes of rec to l (KAM_ENOMEM, l unchanged, when it cannot grow). */
static int list_push(kam_proposal *p, kam__list *l, const void *rec, size_t size) {
  int rc = list_reserve(p, l, size);
  if (!rc) memcpy((char *)l->data + l->len++ * size, rec, size);
  return rc;
}

/* Copies a caller's record of public type `type` into a zeroed local (fields past struct_size
 * read as zero). Fails when struct_size does not reach `field` (struct_copy_internal.h). */
#define READ_RECORD(p, local, in, type, field, path)                                               \
  do {                                                                                             \
    if (!(in)) return kam__proposal_error(p, KAM_EINVAL, path, "record is NULL");                  \
    memset(&(local), 0, sizeof(local));                                                            \
    if (KAM__STRUCT_COPY_IN((p)->ctx, local, in, type, field, path)) return KAM_EINVAL;            \
  } while (0)

/* Copies up to n text fields; on failure frees what was copied. paths[i] names field i. */
static int dup_fields(kam_proposal *p, char **out[], const char *const in[], size_t n,
                      const char *prefix, const char *const names[]) {
  size_t i;
  for (i = 0; i < n; i++) {
    char path[96];
    int rc;
    snprintf(path, sizeof path, "%s.%s", prefix, names[i]);
    if ((rc = dup_text(p, out[i], in[i], path))) {
      while (i--) {
        kam__free_str(p->ctx, *out[i]);
        *out[i] = NULL;
      }
      return rc;
    }
  }
  return KAM_OK;
}

/* dup_fields into rec, then appends rec to l; on failure no copy is kept and l is unchanged. */
static int push_with_texts(kam_proposal *p, kam__list *l, const void *rec, size_t size,
                           char **out[], const char *const in[], size_t n, const char *path,
                           const char *const names[]) {
  size_t i;
  int rc = dup_fields(p, out, in, n, path, names);
  if (!rc && (rc = list_push(p, l, rec, size)))
    for (i = 0; i < n; i++) {
      kam__free_str(p->ctx, *out[i]);
      *out[i] = NULL;
    }
  return rc;
}

int kam_proposal_add_argument(kam_proposal *p, const kam_argument *a) {
  kam_argument in;
  struct kam__argument rec;
  char path[48];
  static const char *const names[] = {"title", "text"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "arguments[%zu]", p->arguments.len);
  READ_RECORD(p, in, a, kam_argument, text, path);
  if (!kam_style_name(in.style))
    return kam__proposal_error(p, KAM_EINVAL, path, "style %ld is not a KAM_STYLE_*",
                               (long)in.style);
  if (!in.text || !*in.text) {
    path_append(path, sizeof path, ".text");
    return kam__proposal_error(p, KAM_EINVAL, path, "is required");
  }
  memset(&rec, 0, sizeof rec);
  rec.style = in.style;
  {
    char **out[] = {&rec.title, &rec.text};
    const char *const txt[] = {in.title, in.text};
    return push_with_texts(p, &p->arguments, &rec, sizeof rec, out, txt, 2, path, names);
  }
}

int kam_proposal_add_reference(kam_proposal *p, const kam_reference *r) {
  kam_reference in;
  struct kam__reference rec;
  char path[48];
  static const char *const names[] = {"company",      "project",          "result",
                                      "contact.name", "contact.position", "contact.phone",
                                      "contact.email"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "references[%zu]", p->references.len);
  READ_RECORD(p, in, r, kam_reference, company, path);
  if (!in.company || !*in.company) {
    path_append(path, sizeof path, ".company");
    return kam__proposal_error(p, KAM_EINVAL, path, "is required");
  }
  memset(&rec, 0, sizeof rec);
  {
    char **out[] = {&rec.company,          &rec.project,       &rec.result,       &rec.contact_name,
                    &rec.contact_position, &rec.contact_phone, &rec.contact_email};
    const char *const txt[] = {in.company,      in.project,          in.result,
                               in.contact_name, in.contact_position, in.contact_phone,
                               in.contact_email};
    return push_with_texts(p, &p->references, &rec, sizeof rec, out, txt, 7, path, names);
  }
}

int kam__proposal_add_figure(kam_proposal *p, const char *label, const char *unit,
                             const char *value, bool is_number) {
  struct kam__figure rec;
  char path[48];
  static const char *const names[] = {"label", "unit", "value"};
  snprintf(path, sizeof path, "figures[%zu]", p->figures.len);
  if (!label || !*label) {
    path_append(path, sizeof path, ".label");
    return kam__proposal_error(p, KAM_EINVAL, path, "is required");
  }
  if (!value || !*value) {
    path_append(path, sizeof path, ".value");
    return kam__proposal_error(p, KAM_EINVAL, path, "is required");
  }
  memset(&rec, 0, sizeof rec);
  rec.is_number = is_number;
  {
    char **out[] = {&rec.label, &rec.unit, &rec.value};
    const char *const txt[] = {label, unit, value};
    return push_with_texts(p, &p->figures, &rec, sizeof rec, out, txt, 3, path, names);
  }
}

int kam_proposal_add_figure(kam_proposal *p, const kam_figure *f) {
  kam_figure in;
  char path[48], number[40];
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "figures[%zu]", p->figures.len);
  READ_RECORD(p, in, f, kam_figure, unit, path);
  if (in.value_text && *in.value_text)
    return kam__proposal_add_figure(p, in.label, in.unit, in.value_text, false);
  if (!isfinite(in.value)) {
    path_append(path, sizeof path, ".value");
    return kam__proposal_error(p, KAM_EINVAL, path, "is not finite");
  }
  kam__fmt_double(number, in.value);
  return kam__proposal_add_figure(p, in.label, in.unit, number, true);
}

/* A decimal in [0, max] (max 0: no bound) with at most max_decimals; errors name path. */
static int check_decimal(kam_proposal *p, kam__decimal *out, const char *text, const char *path,
                         unsigned max, int max_decimals) {
  const char *why;
  kam__decimal d;
  int rc = kam__decimal_read(&d, text, strlen(text), KAM__DEC_DOCUMENT, &why);
  if (rc)
    return kam__proposal_error(p, rc == KAM_EOVERFLOW ? KAM_EOVERFLOW : KAM_EINVAL, path,
                               "'%.40s' %s", text, why);
  if (d.coef < 0)
    return kam__proposal_error(p, KAM_EINVAL, path, "'%.40s' must not be negative", text);
  if (kam__decimal_places(d) > max_decimals)
    return kam__proposal_error(p, KAM_EINVAL, path, "'%.40s' has more than %d decimals", text,
                               max_decimals);
  if (max) {
    kam__decimal bound;
    bound.coef = max;
    bound.scale = 0;
    if (kam__decimal_cmp(d, bound) > 0)
      return kam__proposal_error(p, KAM_EINVAL, path, "'%.40s' is more than %u", text, max);
  }
  *out = d;
  return KAM_OK;
}

/* Decimal text of money in major units (>= 0, at most the currency's decimals) as minor units;
 * errors name path. */
static int money_text(kam_proposal *p, int64_t *out, const char *text, const char *path) {
  const char *why;
  kam__decimal d;
  int rc = kam__decimal_read(&d, text, strlen(text), KAM__DEC_DOCUMENT, &why);
  if (rc)
    return kam__proposal_error(p, rc == KAM_EOVERFLOW ? KAM_EOVERFLOW : KAM_EINVAL, path,
                               "'%.40s' %s", text, why);
  if (d.coef < 0)
    return kam__proposal_error(p, KAM_EINVAL, path, "'%.40s' must not be negative", text);
  if (kam__decimal_places(d) > p->digits)
    return kam__proposal_error(p, KAM_EINVAL, path, "'%.40s' has more decimals than %s allows (%d)",
                               text, p->currency, p->digits);
  if (kam__decimal_to_minor_exact(out, d, p->digits))
    return kam__proposal_error(p, KAM_EOVERFLOW, path, "'%.40s' is too large", text);
  return KAM_OK;
}

int kam_proposal_add_item(kam_proposal *p, const kam_item *item) {
  kam_item in;
  struct kam__item rec;
  char path[48], field[96];
  int rc;
  static const char *const names[] = {"sku",      "description", "unit",     "section",
                                      "unit.one", "unit.few",    "unit.many"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "items[%zu]", p->items.len);
  READ_RECORD(p, in, item, kam_item, description, path);
  memset(&rec, 0, sizeof rec);
  if (in.flags & ~(uint32_t)KAM_ITEM_OPTIONAL)
    return kam__proposal_error(p, KAM_EINVAL, path, "unknown flags 0x%lx", (unsigned long)in.flags);
  rec.flags = in.flags;
  if (!in.description || !*in.description) {
    snprintf(field, sizeof field, "%s.description", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  snprintf(field, sizeof field, "%s.quantity", path);
  if ((rc = check_decimal(p, &rec.quantity, in.quantity ? in.quantity : "1", field, 0, 9)))
    return rc;
  snprintf(field, sizeof field, "%s.unit_price", path);
  if (in.unit_price_text) {
    if ((rc = money_text(p, &rec.unit_price, in.unit_price_text, field))) return rc;
  } else {
    if (in.unit_price < 0) return kam__proposal_error(p, KAM_EINVAL, field, "must not be negative");
    rec.unit_price = in.unit_price;
  }
  snprintf(field, sizeof field, "%s.discount_percent", path);
  if ((rc = check_decimal(p, &rec.discount_percent, in.discount_percent ? in.discount_percent : "0",
                          field, 100, 6)))
    return rc;
  snprintf(field, sizeof field, "%s.vat_percent", path);
  if ((rc = check_decimal(p, &rec.vat_percent, in.vat_percent ? in.vat_percent : "0", field, 100,
                          6)))
    return rc;
  /* the unit cost, never rendered (fields past struct_size read as NULL) */
  if (in.cost) {
    snprintf(field, sizeof field, "%s.cost", path);
    if ((rc = money_text(p, &rec.cost, in.cost, field))) return rc;
    rec.has_cost = true;
  }
  /* recurrence and the item's own unit forms. */
  if (!kam__recur_name(in.period)) {
    snprintf(field, sizeof field, "%s.period", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "%ld is not a KAM_RECUR_* (0, 1, 3, 12)",
                               (long)in.period);
  }
  rec.period = in.period;
  if (in.unit && *in.unit &&
      ((in.unit_one && *in.unit_one) || (in.unit_few && *in.unit_few) ||
       (in.unit_many && *in.unit_many))) {
    snprintf(field, sizeof field, "%s.unit", path);
    return kam__proposal_error(p, KAM_EINVAL, field,
                               "give the unit or its own forms (unit_one, unit_few, unit_many), "
                               "not both");
  }
  {
    char **out[] = {&rec.sku,      &rec.description, &rec.unit,     &rec.section,
                    &rec.unit_one, &rec.unit_few,    &rec.unit_many};
    const char *const txt[] = {in.sku,      in.description, in.unit,     in.section,
                               in.unit_one, in.unit_few,    in.unit_many};
    return push_with_texts(p, &p->items, &rec, sizeof rec, out, txt, 7, path, names);
  }
}

int kam_proposal_add_team_member(kam_proposal *p, const kam_person *m) {
  kam_person in;
  struct kam__person rec;
  char path[48];
  static const char *const names[] = {"name", "position", "phone", "email"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "team[%zu]", p->team.len);
  READ_RECORD(p, in, m, kam_person, name, path);
  if (!in.name || !*in.name) {
    path_append(path, sizeof path, ".name");
    return kam__proposal_error(p, KAM_EINVAL, path, "is required");
  }
  memset(&rec, 0, sizeof rec);
  {
    char **out[] = {&rec.name, &rec.position, &rec.phone, &rec.email};
    const char *const txt[] = {in.name, in.position, in.phone, in.email};
    return push_with_texts(p, &p->team, &rec, sizeof rec, out, txt, 4, path, names);
  }
}

/* The reason of a kam__dmu_add message: without the "stakeholder N (\"name\"): " that names
 * the stakeholder (the proposal names it by its path instead). */
static const char *dmu_reason(const char *msg, size_t index, const char *name) {
  char prefix[160];
  size_t len = strlen(name), cut = len, n;
  if (kam__utf8_valid(name, len, NULL)) {
    if (cut > 60)
      for (cut = 60; cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80; cut--) {
      }
    snprintf(prefix, sizeof prefix, "stakeholder %zu (\"%.*s%s\"): ", index + 1, (int)cut, name,
             cut < len ? "..." : "");
  } else {
    snprintf(prefix, sizeof prefix, "stakeholder %zu: ", index + 1);
  }
  n = strlen(prefix);
  return strncmp(msg, prefix, n) == 0 ? msg + n : msg;
}

int kam_proposal_add_stakeholder(kam_proposal *p, const kam_stakeholder *s) {
  /* by KAM__DMU_FIELD_* */
  static const char *const fields[] = {NULL,
                                       "role",
                                       "name",
                                       "title",
                                       "email",
                                       "phone",
                                       "influence",
                                       "attitude",
                                       "buying_roles",
                                       "traits.dominance",
                                       "traits.people",
                                       "traits.detail"};
  char path[48], field[96], msg[KAM__ERRMSG_CAP];
  size_t n;
  int rc, bad;
  if (!p) return KAM_EINVAL;
  n = kam_dmu_count(p->stakeholders);
  snprintf(path, sizeof path, "stakeholders[%zu]", n);
  if (!s) return kam__proposal_error(p, KAM_EINVAL, path, "record is NULL");
  if (kam__struct_size_check(p->ctx, s->struct_size, KAM__FIELD_END(kam_stakeholder, name),
                             "kam_proposal_add_stakeholder", "kam_stakeholder"))
    return KAM_EINVAL;
  if (!s->name || !*s->name) {
    snprintf(field, sizeof field, "%s.name", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  if (!p->stakeholders && (rc = kam_dmu_new(&p->stakeholders, p->ctx))) return rc;
  rc = kam__dmu_add(p->stakeholders, s, &bad);
  if (rc == KAM_OK) return KAM_OK;
  if (rc == KAM_ENOMEM) return kam__nomem(p->ctx);
  snprintf(msg, sizeof msg, "%s", kam_ctx_errmsg(p->ctx));
  if (bad > KAM__DMU_FIELD_NONE && (size_t)bad < sizeof fields / sizeof fields[0])
    snprintf(field, sizeof field, "%s.%s", path, fields[bad]);
  else
    snprintf(field, sizeof field, "%s", path);
  return kam__proposal_error(p, rc, field, "%s", dmu_reason(msg, n, s->name));
}

kam_stakeholder kam__proposal_stakeholder(const kam_proposal *p, size_t i) {
  kam_stakeholder st;
  memset(&st, 0, sizeof st);
  st.struct_size = sizeof st;
  kam_dmu_stakeholder(&st, p->stakeholders, i); /* i < the count: cannot fail */
  return st;
}

/* ---- completeness ------------------------------------------------------------------------ */

int kam__proposal_validate(const kam_proposal *p) {
  const char *missing[5];
  size_t n = 0;
  if (!p->seller_name) missing[n++] = "seller.name";
  if (!p->client_name) missing[n++] = "client.name";
  if (!p->has_issued) missing[n++] = "issued";
  if (!p->has_valid_days) missing[n++] = "valid_days";
  if (p->items.len == 0) missing[n++] = "items";
  if (n == 0) return KAM_OK;
  return kam__error(p->ctx, KAM_ESTATE, "the proposal is incomplete: missing %s%s%s%s%s%s%s%s%s",
                    missing[0], n > 1 ? ", " : "", n > 1 ? missing[1] : "", n > 2 ? ", " : "",
                    n > 2 ? missing[2] : "", n > 3 ? ", " : "", n > 3 ? missing[3] : "",
                    n > 4 ? ", " : "", n > 4 ? missing[4] : "");
}

int kam_proposal_validate(const kam_proposal *p) {
  if (!p) return KAM_EINVAL;
  return kam__proposal_validate(p);
}

/* ---- identity, addressee, signatory, criteria, alternatives ---- */

int kam_proposal_set_number(kam_proposal *p, const char *number, const char *version) {
  if (!p) return KAM_EINVAL;
  return set_pair(p, &p->number, number, "number", &p->version, version, "version");
}

int kam_proposal_set_addressee(kam_proposal *p, const char *stakeholder, const char *name,
                               const char *position) {
  char *s = NULL, *n = NULL, *pos = NULL;
  int rc;
  if (!p) return KAM_EINVAL;
  if (stakeholder && *stakeholder && ((name && *name) || (position && *position)))
    return kam__proposal_error(p, KAM_EINVAL, "addressee",
                               "either a stakeholder's name or an explicit name and position");
  if (!(stakeholder && *stakeholder) && !(name && *name) && position && *position)
    return kam__proposal_error(p, KAM_EINVAL, "addressee.name", "is required with a position");
  if ((rc = dup_text(p, &s, stakeholder, "addressee")) ||
      (rc = dup_text(p, &n, name, "addressee.name")) ||
      (rc = dup_text(p, &pos, position, "addressee.position"))) {
    FREE_STRS(p->ctx, s, n, pos);
    return rc;
  }
  FREE_STRS(p->ctx, p->addressee_stakeholder, p->addressee_name, p->addressee_position);
  p->addressee_stakeholder = s;
  p->addressee_name = n;
  p->addressee_position = pos;
  return KAM_OK;
}

int kam_proposal_set_signatory(kam_proposal *p, const char *name, const char *position) {
  if (!p) return KAM_EINVAL;
  if (!(name && *name) && position && *position)
    return kam__proposal_error(p, KAM_EINVAL, "signatory.name", "is required with a position");
  return set_pair(p, &p->signatory_name, name, "signatory.name", &p->signatory_position, position,
                  "signatory.position");
}

/* The index of the criterion named name, or SIZE_MAX. */
static size_t find_criterion(const kam_proposal *p, const char *name) {
  size_t i;
  for (i = 0; name && i < p->criteria.len; i++)
    if (!strcmp(KAM__LIST_AT(p, criteria, struct kam__criterion, i)->name, name)) return i;
  return SIZE_MAX;
}

int kam_proposal_add_criterion(kam_proposal *p, const kam_criterion *c) {
  kam_criterion in;
  struct kam__criterion rec;
  char path[48], field[96];
  size_t i, k;
  int rc;
  static const char *const names[] = {"name", "stakeholder"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "criteria[%zu]", p->criteria.len);
  READ_RECORD(p, in, c, kam_criterion, argument_count, path);
  memset(&rec, 0, sizeof rec);
  if (!in.name || !*in.name) {
    snprintf(field, sizeof field, "%s.name", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  if (find_criterion(p, in.name) != SIZE_MAX) {
    snprintf(field, sizeof field, "%s.name", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "'%.60s' is already a criterion", in.name);
  }
  if (!(in.weight >= 0 && in.weight <= 1)) {
    snprintf(field, sizeof field, "%s.weight", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "%g is outside 0..1", in.weight);
  }
  if (in.argument_count > 1000 || (in.argument_count && !in.arguments)) {
    snprintf(field, sizeof field, "%s.arguments", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "needs 0..1000 indexes");
  }
  for (i = 0; i < in.argument_count; i++) {
    snprintf(field, sizeof field, "%s.arguments[%zu]", path, i);
    if (in.arguments[i] >= p->arguments.len)
      return kam__proposal_error(p, KAM_EINVAL, field, "%zu is not an argument (there are %zu)",
                                 in.arguments[i], p->arguments.len);
    for (k = 0; k < i; k++)
      if (in.arguments[k] == in.arguments[i])
        return kam__proposal_error(p, KAM_EINVAL, field, "%zu is listed twice", in.arguments[i]);
  }
  rec.weight = in.weight;
  rec.nargs = in.argument_count;
  if (rec.nargs) {
    rec.arguments = (size_t *)kam__alloc_array(p->ctx, rec.nargs, sizeof *rec.arguments);
    if (!rec.arguments) return kam__nomem(p->ctx);
    memcpy(rec.arguments, in.arguments, rec.nargs * sizeof *rec.arguments);
  }
  {
    char **out[] = {&rec.name, &rec.stakeholder};
    const char *const txt[] = {in.name, in.stakeholder};
    rc = push_with_texts(p, &p->criteria, &rec, sizeof rec, out, txt, 2, path, names);
  }
  if (rc) kam__free(p->ctx, rec.arguments, rec.nargs * sizeof *rec.arguments);
  return rc;
}

int kam_proposal_add_alternative(kam_proposal *p, const kam_alternative *a) {
  kam_alternative in;
  struct kam__alternative rec;
  char path[48], field[160];
  size_t i, n;
  int rc = KAM_OK;
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "alternatives[%zu]", p->alternatives.len);
  READ_RECORD(p, in, a, kam_alternative, count, path);
  memset(&rec, 0, sizeof rec);
  if (!in.name || !*in.name) {
    snprintf(field, sizeof field, "%s.name", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  if (in.count > 1000 || (in.count && (!in.criteria || !in.points))) {
    snprintf(field, sizeof field, "%s.points", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "needs 0..1000 points");
  }
  for (i = 0; i < in.count; i++) {
    size_t at = find_criterion(p, in.criteria[i]), k;
    snprintf(field, sizeof field, "%s.points.%.60s", path, in.criteria[i] ? in.criteria[i] : "");
    if (at == SIZE_MAX) return kam__proposal_error(p, KAM_EINVAL, field, "names no criterion");
    for (k = 0; k < i; k++)
      if (in.criteria[k] && in.criteria[i] && !strcmp(in.criteria[k], in.criteria[i]))
        return kam__proposal_error(p, KAM_EINVAL, field, "is given twice");
    if (!in.points[i] || !*in.points[i])
      return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  n = p->criteria.len;
  if (n) {
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of strings */
    rec.points = (char **)kam__alloc_array(p->ctx, n, sizeof *rec.points);
    if (!rec.points) return kam__nomem(p->ctx);
    memset(rec.points, 0, n * sizeof *rec.points); /* NOLINT(bugprone-sizeof-expression) */
    rec.npoints = n;
  }
  for (i = 0; !rc && rec.points && i < in.count; i++) {
    size_t at = find_criterion(p, in.criteria[i]); /* < n: checked above */
    snprintf(field, sizeof field, "%s.points.%.60s", path, in.criteria[i] ? in.criteria[i] : "");
    if (at < n) rc = dup_text(p, &rec.points[at], in.points[i], field);
  }
  if (!rc) rc = dup_text(p, &rec.name, in.name, path);
  if (!rc) rc = list_push(p, &p->alternatives, &rec, sizeof rec);
  if (rc) free_alternative(p->ctx, &rec);
  return rc;
}

/* ---- the term and the payment schedule -------------------------------------------------- */

int kam_proposal_set_term_months(kam_proposal *p, int32_t months) {
  if (!p) return KAM_EINVAL;
  if (months < 0 || months > 1200)
    return kam__proposal_error(p, KAM_EINVAL, "term_months", "%ld is outside 1..1200",
                               (long)months);
  p->term_months = months;
  return KAM_OK;
}

int kam_proposal_add_payment(kam_proposal *p, const kam_payment *pay) {
  kam_payment in;
  struct kam__payment rec;
  char path[48], field[96], canon[KAM__DECIMAL_TEXT_CAP];
  const char *text = NULL;
  int rc, y;
  static const char *const names[] = {"label", "percent", "amount"};
  if (!p) return KAM_EINVAL;
  snprintf(path, sizeof path, "payments[%zu]", p->payments.len);
  READ_RECORD(p, in, pay, kam_payment, days, path);
  memset(&rec, 0, sizeof rec);
  if (p->payments.len >= 1000)
    return kam__proposal_error(p, KAM_EINVAL, path, "a schedule has at most 1000 payments");
  if (!in.label || !*in.label) {
    snprintf(field, sizeof field, "%s.label", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required");
  }
  if ((in.percent != NULL) == (in.amount != NULL)) {
    snprintf(field, sizeof field, "%s.%s", path, in.percent ? "amount" : "percent");
    return kam__proposal_error(p, KAM_EINVAL, field,
                               in.percent ? "give percent or amount, not both"
                                          : "is required (or amount)");
  }
  if (in.percent) {
    snprintf(field, sizeof field, "%s.percent", path);
    if ((rc = check_decimal(p, &rec.percent, in.percent, field, 100, 6))) return rc;
    if (rec.percent.coef == 0) return kam__proposal_error(p, KAM_EINVAL, field, "must be above 0");
    kam__decimal_format(canon, rec.percent);
  } else {
    int64_t minor;
    snprintf(field, sizeof field, "%s.amount", path);
    if ((rc = check_decimal(p, &rec.amount, in.amount, field, 0, 18))) return rc;
    if (kam__decimal_places(rec.amount) > p->digits)
      return kam__proposal_error(p, KAM_EINVAL, field,
                                 "'%.40s' has more decimals than %s allows (%d)", in.amount,
                                 p->currency, p->digits);
    if (kam__decimal_to_minor_exact(&minor, rec.amount, p->digits))
      return kam__proposal_error(p, KAM_EOVERFLOW, field, "'%.40s' is too large", in.amount);
    kam__money_plain(canon, minor, p->digits);
  }
  text = canon;
  rec.due_kind = in.due_kind;
  if (in.due_kind == KAM_DUE_DATE) {
    kam_date_to_ymd(in.due, &y, NULL, NULL);
    if (y < 1 || y > 9999) {
      snprintf(field, sizeof field, "%s.due", path);
      return kam__proposal_error(p, KAM_EINVAL, field, "year %d is outside 1..9999", y);
    }
    rec.due = in.due;
  } else if (in.due_kind == KAM_DUE_DAYS) {
    if (in.days < 0 || in.days > 36500) {
      snprintf(field, sizeof field, "%s.days", path);
      return kam__proposal_error(p, KAM_EINVAL, field, "%ld is outside 0..36500", (long)in.days);
    }
    rec.days = in.days;
  } else {
    snprintf(field, sizeof field, "%s.due", path);
    return kam__proposal_error(p, KAM_EINVAL, field, "is required (a date, or days after signing)");
  }
  {
    char **out[] = {&rec.label, in.percent ? &rec.percent_text : &rec.amount_text};
    const char *const txt[] = {in.label, text};
    const char *const nm[] = {names[0], in.percent ? names[1] : names[2]};
    return push_with_texts(p, &p->payments, &rec, sizeof rec, out, txt, 2, path, nm);
  }
}

/* proposal_check.c - the proposal's pre-send check (kam_proposal_check): what a finance or an
 * executive director would fault, reported through kam/finding.h.
 *
 * Each code is one small function in the table `checks`, in the order the header documents.
 * The contract term, the investment and the payment schedule are read through the predicates
 * of proposal_internal.h (kam__proposal_term_months, ..._investment_mismatch,
 * ..._payments_mismatch), so the codes that depend on them do not know their layout. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "documents/proposal_internal.h"
#include "core/struct_copy_internal.h"

typedef struct checker {
  const kam_proposal *p;
  kam_proposal_check_options o;
  bool ru;
  kam_finding_fn fn;
  void *ud;
} checker;

int kam__finding_report(kam_finding_fn fn, void *ud, bool ru, int32_t severity, const char *code,
                        const char *path, const char *ru_fmt, const char *en_fmt, ...) {
  char message[512];
  kam_finding f;
  va_list ap;
  va_start(ap, en_fmt);
  // A false positive of LLVM bug 41311: clang-tidy 14 loses va_start in every file
  // after the first of a run. NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
  vsnprintf(message, sizeof message, ru ? ru_fmt : en_fmt, ap);
  va_end(ap);
  f.struct_size = sizeof f;
  f.severity = severity;
  f.code = code;
  f.path = path;
  f.message = message;
  return fn(ud, &f);
}

/* Reports one finding of the proposal's check. */
#define say(c, severity, code, path, ...)                                                          \
  kam__finding_report((c)->fn, (c)->ud, (c)->ru, severity, code, path, __VA_ARGS__)

/* v rounded to `decimals` places in the proposal's language ("47,4" / "47.4"), trailing zeros
 * dropped; locale-independent (no printf %f). */
static const char *num(const checker *c, char out[64], double v, int decimals) {
  char plain[KAM__DECIMAL_TEXT_CAP];
  double scaled = v * pow(10, decimals);
  kam__decimal d;
  if (!isfinite(scaled) || fabs(scaled) >= 9.0e15) return "—";
  d.coef = (int64_t)llround(scaled);
  d.scale = decimals;
  kam__decimal_format(plain, d);
  kam__model_localise(out, 64, plain, c->ru);
  return out;
}

#define ERR KAM_SEVERITY_ERROR
#define WARN KAM_SEVERITY_WARNING
#define INFO KAM_SEVERITY_INFO

/* The i-th stakeholder of the proposal and its primary style. */
static kam_stakeholder reader_at(const kam_proposal *p, size_t i, int32_t *style) {
  kam_profile prof;
  memset(&prof, 0, sizeof prof);
  prof.struct_size = sizeof prof;
  *style = kam_dmu_profile(&prof, kam__proposal_dmu(p), i) == KAM_OK ? prof.primary_style : -1;
  return kam__proposal_stakeholder(p, i);
}

static bool stakeholder_named(const kam_proposal *p, const char *name) {
  size_t i;
  for (i = 0; i < kam_dmu_count(kam__proposal_dmu(p)); i++) {
    kam_stakeholder s = kam__proposal_stakeholder(p, i);
    if (s.name && !strcmp(s.name, name)) return true;
  }
  return false;
}

/* ---- the codes --------------------------------------------------------------------------- */

static int missing_seller(checker *c) {
  if (c->p->seller_name) return KAM_OK;
  return say(c, ERR, "missing_seller", "seller.name", "не указан исполнитель (seller.name)",
             "the seller is not named (seller.name)");
}

static bool has_contact_text(const char *s) {
  if (!s) return false;
  if (strchr(s, '@')) return true;
  for (; *s; s++)
    if (s[0] == '+' && kam__is_digit(s[1])) return true;
  return false;
}

static int missing_contacts(checker *c) {
  const kam_proposal *p = c->p;
  size_t i;
  if (has_contact_text(p->seller_details)) return KAM_OK;
  for (i = 0; i < p->team.len; i++) {
    const struct kam__person *m = KAM__LIST_AT(p, team, struct kam__person, i);
    if (m->phone || m->email) return KAM_OK;
  }
  return say(c, WARN, "missing_contacts", "team",
             "клиенту некому позвонить: ни у исполнителя, ни у команды нет телефона или e-mail",
             "nobody to call: neither the seller nor the team gives a phone or an e-mail");
}

static int unknown_reference(checker *c) {
  const kam_proposal *p = c->p;
  char path[64];
  size_t i;
  int rc = KAM_OK;
  if (p->addressee_stakeholder && !stakeholder_named(p, p->addressee_stakeholder))
    rc = say(c, ERR, "unknown_reference", "addressee", "адресат «%s» не найден среди участников",
             "the addressee '%s' is not among the stakeholders", p->addressee_stakeholder);
  for (i = 0; !rc && i < p->criteria.len; i++) {
    const struct kam__criterion *k = KAM__LIST_AT(p, criteria, struct kam__criterion, i);
    if (!k->stakeholder || stakeholder_named(p, k->stakeholder)) continue;
    snprintf(path, sizeof path, "criteria[%zu].stakeholder", i);
    rc = say(c, ERR, "unknown_reference", path, "критерий «%s»: участник «%s» не найден",
             "criterion '%s': no stakeholder named '%s'", k->name, k->stakeholder);
  }
  return rc;
}

static int no_number(checker *c) {
  if (c->p->number) return KAM_OK;
  return say(c, INFO, "no_number", "number", "у предложения нет номера, на который можно сослаться",
             "the proposal has no number to refer to");
}

static int no_signatory(checker *c) {
  if (c->p->signatory_name) return KAM_OK;
  return say(c, INFO, "no_signatory", "signatory", "предложение никем не подписано",
             "nobody signs the proposal");
}

/* "27.12.2026" / "2026-12-27" */
static void date_text(char out[32], const checker *c, kam_date d) {
  int y, m, day;
  kam_date_to_ymd(d, &y, &m, &day);
  if (c->ru)
    snprintf(out, 32, "%02d.%02d.%04d", day, m, y);
  else
    snprintf(out, 32, "%04d-%02d-%02d", y, m, day);
}

static int expired(checker *c) {
  const kam_proposal *p = c->p;
  char until[32], as_of[32];
  if (!(c->o.flags & KAM_CHECK_AS_OF) || !p->has_issued || !p->has_valid_days) return KAM_OK;
  if ((int64_t)p->issued + p->valid_days >= (int64_t)c->o.as_of) return KAM_OK;
  date_text(until, c, p->issued + p->valid_days);
  date_text(as_of, c, c->o.as_of);
  return say(c, ERR, "expired", "valid_days", "срок действия истёк %s (дата отправки %s)",
             "the offer expired on %s (sent on %s)", until, as_of);
}

static int validity_short(checker *c) {
  const kam_proposal *p = c->p;
  if (!p->has_valid_days || p->valid_days >= 7) return KAM_OK;
  return say(c, WARN, "validity_short", "valid_days",
             "срок действия %ld дн. — меньше недели на решение",
             "the offer stands %ld days: less than a week to decide", (long)p->valid_days);
}

static int negative_npv(checker *c) {
  const kam_proposal *p = c->p;
  double npv, scaled;
  char text[128];
  size_t len;
  if (!p->has_cash_flows || kam_npv(&npv, p->rate, p->flows, p->flows_len, KAM_NPV_T0) ||
      npv >= 0)
    return KAM_OK;
  scaled = npv * pow(10, p->digits);
  if (!isfinite(scaled) || fabs(scaled) >= 9.0e18 ||
      kam_money_format(text, sizeof text, &len, (int64_t)llround(scaled), p->currency, p->lang))
    snprintf(text, sizeof text, "—");
  return say(c, WARN, "negative_npv", "cash_flows",
             "NPV отрицательна (%s): по расчёту проект клиенту невыгоден",
             "the NPV is negative (%s): by its own numbers the project does not pay", text);
}

static int irr_below_rate(checker *c) {
  const kam_proposal *p = c->p;
  double irr;
  char a[64], b[64];
  if (!p->has_cash_flows || kam_irr(&irr, p->flows, p->flows_len, NAN) || irr >= p->rate)
    return KAM_OK;
  return say(c, WARN, "irr_below_rate", "cash_flows.rate",
             "IRR %s %% ниже ставки дисконтирования %s %%",
             "the IRR %s%% is below the discount rate %s%%", num(c, a, irr * 100, 1),
             num(c, b, p->rate * 100, 1));
}

static int payback_beyond_term(checker *c) {
  const kam_proposal *p = c->p;
  static const int months_per_period[3] = {12, 3, 1}; /* by KAM_PERIOD_* */
  int32_t term = kam__proposal_term_months(p);
  double payback;
  char text[64];
  if (!p->has_cash_flows || term <= 0) return KAM_OK;
  if (kam_payback(&payback, p->flows, p->flows_len, p->rate, 0) != KAM_OK)
    return say(c, WARN, "payback_beyond_term", "cash_flows",
               "проект не окупается в горизонте прогноза (срок договора %ld мес.)",
               "the project does not pay back within the horizon (the term is %ld months)",
               (long)term);
  if (payback * months_per_period[p->period] <= term) return KAM_OK;
  return say(c, WARN, "payback_beyond_term", "cash_flows",
             "срок окупаемости %s мес. длиннее срока договора (%ld мес.)",
             "the payback of %s months is longer than the term (%ld months)",
             num(c, text, payback * months_per_period[p->period], 1), (long)term);
}

static int investment_mismatch(checker *c) {
  const char *path = "cash_flows";
  if (!kam__proposal_investment_mismatch(c->p, &path)) return KAM_OK;
  return say(c, WARN, "investment_mismatch", path,
             "инвестиции в расчёте отличаются от цены предложения более чем на 1 %%",
             "the investment in the cash flows differs from the price by more than 1%%");
}

static int payments_mismatch(checker *c) {
  const char *path = "payments";
  if (!kam__proposal_payments_mismatch(c->p, &path)) return KAM_OK;
  return say(c, ERR, "payments_mismatch", path, "график платежей не сходится с суммой к оплате",
             "the payment schedule does not add up to the total due");
}

static int discount_above_ceiling(checker *c) {
  const kam_proposal *p = c->p;
  char path[64], text[KAM__DECIMAL_TEXT_CAP], shown[64], ceiling[64];
  size_t i;
  int rc = KAM_OK;
  if (isnan(c->o.discount_ceiling)) return KAM_OK;
  for (i = 0; !rc && i < p->items.len; i++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
    double d;
    kam__decimal_format(text, it->discount_percent);
    if (!kam__parse_double(&d, text, strlen(text)) || d <= c->o.discount_ceiling) continue;
    snprintf(path, sizeof path, "items[%zu].discount_percent", i);
    kam__model_localise(shown, sizeof shown, text, c->ru);
    rc = say(c, WARN, "discount_above_ceiling", path, "«%s»: скидка %s %% выше допустимых %s %%",
             "'%s': the discount of %s%% is above the ceiling of %s%%", it->description, shown,
             num(c, ceiling, c->o.discount_ceiling, 6));
  }
  return rc;
}

static int margin_below_floor(checker *c) {
  const kam_proposal *p = c->p;
  kam_totals t;
  kam__line_out *lines;
  int64_t revenue = 0, cost = 0;
  bool any = false;
  size_t i;
  int rc;
  double margin;
  char a[64], b[64];
  if (isnan(c->o.margin_floor) || p->items.len == 0) return KAM_OK;
  for (i = 0; i < p->items.len; i++)
    any |= KAM__LIST_AT(p, items, struct kam__item, i)->has_cost;
  if (!any) return KAM_OK;
  lines = (kam__line_out *)kam__alloc_array(p->ctx, p->items.len, sizeof *lines);
  if (!lines) return kam__nomem(p->ctx);
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  rc = kam__proposal_lines(p, &t, lines);
  for (i = 0; !rc && i < p->items.len; i++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
    int64_t line_cost, den = 1, net = lines[i].net;
    int k;
    if (!it->has_cost || (it->flags & KAM_ITEM_OPTIONAL)) continue;
    for (k = 0; k < it->quantity.scale; k++)
      den *= 10;
    if (p->prices_include_vat) net -= lines[i].vat; /* cannot overflow: vat <= net */
    if (kam__round_div(&line_cost, (kam__i128)it->quantity.coef * it->cost, den) ||
        kam__add_i64(&cost, cost, line_cost) || kam__add_i64(&revenue, revenue, net))
      rc = kam__proposal_error(p, KAM_EOVERFLOW, "items", "the cost of the lines does not fit");
  }
  kam__free(p->ctx, lines, p->items.len * sizeof *lines);
  if (rc || (revenue == 0 && cost == 0)) return rc;
  margin = revenue > 0 ? ((double)revenue - (double)cost) / (double)revenue * 100 : -INFINITY;
  if (margin >= c->o.margin_floor) return KAM_OK;
  return say(c, WARN, "margin_below_floor", "items", "маржа %s %% ниже допустимых %s %%",
             "the margin of %s%% is below the floor of %s%%",
             isfinite(margin) ? num(c, a, margin, 1) : "—", num(c, b, c->o.margin_floor, 6));
}

static int buying_roles(checker *c) {
  const kam_proposal *p = c->p;
  size_t i, n = kam_dmu_count(kam__proposal_dmu(p)), economic = 0, coach = 0;
  int rc = KAM_OK;
  if (n == 0) return KAM_OK;
  for (i = 0; i < n; i++) {
    kam_stakeholder s = kam__proposal_stakeholder(p, i);
    economic += (s.buying_roles & KAM_BUYER_ECONOMIC) != 0;
    coach += (s.buying_roles & KAM_BUYER_COACH) != 0;
  }
  if (economic == 0)
    rc = say(c, WARN, "no_economic_buyer", "stakeholders",
             "не определён экономический покупатель — кто подписывает бюджет",
             "no economic buyer (who signs the budget) is identified");
  if (!rc && economic > 1)
    rc = say(c, WARN, "several_economic_buyers", "stakeholders",
             "экономических покупателей %zu: решение о бюджете принимает один",
             "%zu economic buyers: one person signs the budget", economic);
  if (!rc && coach == 0)
    rc = say(c, WARN, "no_coach", "stakeholders", "нет коуча (союзника у клиента)",
             "no coach (an ally inside the client) is identified");
  return rc;
}

static bool reference_with_contact(const kam_proposal *p) {
  size_t i;
  for (i = 0; i < p->references.len; i++) {
    const struct kam__reference *r = KAM__LIST_AT(p, references, struct kam__reference, i);
    if (r->contact_name && (r->contact_phone || r->contact_email)) return true;
  }
  return false;
}

static bool argument_of_style(const kam_proposal *p, int32_t style) {
  size_t i;
  for (i = 0; i < p->arguments.len; i++)
    if (KAM__LIST_AT(p, arguments, struct kam__argument, i)->style == style) return true;
  return false;
}

/* The name of a style in the proposal's language. */
static const char *style_text(const checker *c, int32_t style) {
  static const char *const ru[3] = {"статус и авторитет", "отношения", "цифры и логика"};
  return c->ru ? ru[style] : kam_style_name(style);
}

/* The readers' codes, stakeholder by stakeholder. */
static int readers(checker *c) {
  const kam_proposal *p = c->p;
  size_t i, n = kam_dmu_count(kam__proposal_dmu(p));
  bool contact = reference_with_contact(p);
  bool numbers = p->figures.len > 0 || p->has_cash_flows;
  char path[48];
  int rc = KAM_OK;
  for (i = 0; !rc && i < n; i++) {
    int32_t style;
    kam_stakeholder s = reader_at(p, i, &style);
    bool reads = s.influence >= 0.3; /* NaN: false */
    snprintf(path, sizeof path, "stakeholders[%zu]", i);
    if (reads && style == KAM_STYLE_RELATIONAL && !contact)
      rc = say(c, WARN, "no_references_for_relational", path,
               "%s ориентируется на отношения, а в предложении нет рекомендации с контактом",
               "%s decides by relationships, and no reference gives a contact", s.name);
    if (!rc && reads && style == KAM_STYLE_ANALYTICAL && !numbers)
      rc = say(c, WARN, "no_figures_for_analytical", path,
               "%s ориентируется на цифры, а в предложении нет ни показателей, ни расчёта",
               "%s decides by numbers, and the proposal has neither figures nor cash flows",
               s.name);
    if (!rc && reads && style == KAM_STYLE_AUTHORITY && !p->exclusive)
      rc = say(c, WARN, "no_exclusive_for_authority", path,
               "%s ориентируется на статус, а эксклюзивных условий нет",
               "%s decides by status, and there are no exclusive terms", s.name);
    if (!rc && s.attitude < 0 && s.influence >= 0.5 && style >= 0 &&
        !argument_of_style(p, style))
      rc = say(c, WARN, "opponent_unaddressed", path,
               "%s настроен против, а аргументов для его стиля («%s») нет",
               "%s is against us, and no argument speaks to the %s style", s.name,
               style_text(c, style));
  }
  return rc;
}

static int unaddressed_criterion(checker *c) {
  const kam_proposal *p = c->p;
  char path[48], text[64];
  size_t i, k;
  int rc = KAM_OK;
  for (i = 0; !rc && i < p->criteria.len; i++) {
    const struct kam__criterion *k2 = KAM__LIST_AT(p, criteria, struct kam__criterion, i);
    bool answered = false;
    if (!(k2->weight >= 0.2)) continue;
    for (k = 0; k < k2->nargs; k++)
      answered |= k2->arguments[k] < p->arguments.len;
    if (answered) continue;
    snprintf(path, sizeof path, "criteria[%zu]", i);
    rc = say(c, WARN, "unaddressed_criterion", path,
             "на критерий «%s» (вес %s %%) не отвечает ни один аргумент",
             "no argument answers the criterion '%s' (weight %s%%)", k2->name,
             num(c, text, k2->weight * 100, 1));
  }
  return rc;
}

typedef int (*check_fn)(checker *c);
static const check_fn checks[] = {
    missing_seller,     missing_contacts,       unknown_reference,  no_number,
    no_signatory,       expired,                validity_short,     negative_npv,
    irr_below_rate,     payback_beyond_term,    investment_mismatch, payments_mismatch,
    discount_above_ceiling, margin_below_floor, buying_roles,       readers,
    unaddressed_criterion};

static void default_options(kam_proposal_check_options *o) {
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->discount_ceiling = NAN;
  o->margin_floor = NAN;
}

void kam_proposal_check_options_init(kam_proposal_check_options *o, size_t struct_size) {
  kam_proposal_check_options d;
  default_options(&d);
  kam__struct_init(o, struct_size, &d, sizeof d);
}

int kam_proposal_check(const kam_proposal *p, const kam_proposal_check_options *options,
                       kam_finding_fn fn, void *ud) {
  checker c;
  size_t i;
  int rc;
  if (!p || !fn) return KAM_EINVAL;
  default_options(&c.o);
  if (options) {
    if (KAM__STRUCT_COPY_IN(p->ctx, c.o, options, kam_proposal_check_options, flags,
                            "kam_proposal_check"))
      return KAM_EINVAL;
    c.o.struct_size = sizeof c.o;
  }
  if (c.o.flags & ~(uint32_t)KAM_CHECK_AS_OF)
    return kam__error(p->ctx, KAM_EINVAL, "kam_proposal_check: unknown flags 0x%x",
                      (unsigned)c.o.flags);
  if (!isnan(c.o.discount_ceiling) && !(c.o.discount_ceiling >= 0 && c.o.discount_ceiling <= 100))
    return kam__error(p->ctx, KAM_EINVAL, "kam_proposal_check: discount_ceiling %g is outside 0..100",
                      c.o.discount_ceiling);
  if (!isnan(c.o.margin_floor) && !(c.o.margin_floor < 100))
    return kam__error(p->ctx, KAM_EINVAL, "kam_proposal_check: margin_floor %g is not below 100",
                      c.o.margin_floor);
  c.p = p;
  c.ru = strcmp(p->lang, "en") != 0;
  c.fn = fn;
  c.ud = ud;
  for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
    if ((rc = checks[i](&c))) return rc;
  return KAM_OK;
}

/* ---- the parts of issue 15 that other code owns ------------------------------------------
 * Until the contract term, the investment and the payment schedule are part of the proposal,
 * there is nothing to compare: these report "no term" and "no mismatch". */

int32_t kam__proposal_term_months(const kam_proposal *p) {
  (void)p;
  return 0;
}

bool kam__proposal_investment_mismatch(const kam_proposal *p, const char **path) {
  (void)p;
  (void)path;
  return false;
}

bool kam__proposal_payments_mismatch(const kam_proposal *p, const char **path) {
  (void)p;
  (void)path;
  return false;
}

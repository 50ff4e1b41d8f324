/* term.c - the contract term of a proposal: recurring price lines counted per contract year
 * (kam_proposal_year_cost, the first-year cost and the contract value of kam_totals), the
 * payment schedule split exactly to the minor unit (kam_proposal_payment), the investment the
 * financial result takes from the price, and their parts of the document model.
 *
 * Every figure is int64 minor units with overflow checks: a year's figure is the sum of the
 * table's line figures (totals.c) times the payments of each line in that year, so the year
 * table agrees with the price table line by line. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/struct_copy_internal.h"
#include "documents/proposal_internal.h"
#include "documents/unit_internal.h"

/* ---- the term ---------------------------------------------------------------------------- */

/* ceil(a / b) for a >= 0, b > 0. */
static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t kam__recur_count(int32_t months, int32_t term_months, int32_t year) {
  int64_t start = 12 * (int64_t)year, end = start + 12;
  if (end > term_months) end = term_months;
  if (start >= end) return 0;
  if (months == KAM_RECUR_ONCE) return year == 0;
  /* Payments at months 0, L, 2L, ...: those in [start, end). */
  return ceil_div(end, months) - ceil_div(start, months);
}

static int term_overflow(const kam_proposal *p, size_t i, int32_t year) {
  const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
  char path[48];
  snprintf(path, sizeof path, "items[%zu]", i);
  return kam__proposal_error(p, KAM_EOVERFLOW, path,
                             "\"%.48s\": the cost of contract year %ld does not fit int64",
                             it->description ? it->description : "", (long)year + 1);
}

int kam__proposal_term(kam__term *out, const kam_proposal *p, const kam__line_out *lines) {
  kam__term t;
  size_t i;
  int32_t y;
  if (!lines && p->items.len) return kam__error(p->ctx, KAM_EINVAL, "term: no lines");
  memset(&t, 0, sizeof t);
  t.term_months = p->term_months > 0 ? p->term_months : 12;
  t.years = (int32_t)ceil_div(t.term_months, 12);
  for (i = 0; i < p->items.len; i++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
    if (it->flags & KAM_ITEM_OPTIONAL) continue;
    if (it->period != KAM_RECUR_ONCE) t.recurring = true;
    for (y = 0; y < t.years; y++) {
      int64_t c = kam__recur_count(it->period, t.term_months, y), net, vat, total;
      if (c == 0) continue;
      if (kam__mul_i64(&net, lines[i].net, c) || kam__mul_i64(&vat, lines[i].vat, c) ||
          kam__mul_i64(&total, lines[i].total, c) || kam__add_i64(&t.net[y], t.net[y], net) ||
          kam__add_i64(&t.vat[y], t.vat[y], vat) || kam__add_i64(&t.total[y], t.total[y], total))
        return term_overflow(p, i, y);
    }
  }
  for (y = 0; y < t.years; y++)
    if (kam__add_i64(&t.contract_value, t.contract_value, t.total[y]))
      return kam__error(p->ctx, KAM_EOVERFLOW,
                        "the contract value over %ld months does not fit int64 (at year %ld)",
                        (long)t.term_months, (long)y + 1);
  t.first_year = t.total[0];
  *out = t;
  return KAM_OK;
}

/* The lines of the totals engine for p (caller frees with p->items.len entries). */
static int term_lines(const kam_proposal *p, kam__line_out **lines) {
  kam_totals tt;
  kam__line_in *in;
  int rc;
  *lines = NULL;
  if (p->items.len == 0)
    return kam__error(p->ctx, KAM_ESTATE,
                      "the proposal has no items: the totals need a price line");
  if ((rc = kam__proposal_line_inputs(p, &in))) return rc;
  *lines = (kam__line_out *)kam__alloc_array(p->ctx, p->items.len, sizeof **lines);
  if (!*lines) {
    kam__free(p->ctx, in, p->items.len * sizeof *in);
    return kam__nomem(p->ctx);
  }
  rc = kam__totals_compute(&tt, *lines, NULL, 0, NULL, in, p->items.len,
                           p->rounding == KAM_ROUNDING_TOTAL ? KAM__ROUND_TOTAL : KAM__ROUND_LINE,
                           p->prices_include_vat, p->ctx);
  kam__free(p->ctx, in, p->items.len * sizeof *in);
  if (rc) {
    kam__free(p->ctx, *lines, p->items.len * sizeof **lines);
    *lines = NULL;
  }
  return rc;
}

int kam__proposal_term_of(kam__term *out, const kam_proposal *p) {
  kam__line_out *lines;
  int rc = term_lines(p, &lines);
  if (rc) return rc;
  rc = kam__proposal_term(out, p, lines);
  kam__free(p->ctx, lines, p->items.len * sizeof *lines);
  return rc;
}

int kam_proposal_year_cost(kam_year_cost *out, const kam_proposal *p, uint32_t year) {
  kam_year_cost c;
  kam__term *t;
  size_t size;
  int rc;
  if (!out || !p) return KAM_EINVAL;
  if (kam__struct_size_check(p->ctx, out->struct_size, offsetof(kam_year_cost, net),
                             "kam_proposal_year_cost", "kam_year_cost"))
    return KAM_EINVAL;
  t = (kam__term *)kam__alloc(p->ctx, sizeof *t);
  if (!t) return kam__nomem(p->ctx);
  if ((rc = kam__proposal_term_of(t, p))) goto done;
  if (year < 1 || year > (uint32_t)t->years) {
    rc = kam__error(p->ctx, KAM_ENOTFOUND, "kam_proposal_year_cost: year %lu is outside 1..%ld",
                    (unsigned long)year, (long)t->years);
    goto done;
  }
  memset(&c, 0, sizeof c);
  c.struct_size = out->struct_size;
  c.year = year;
  c.months = (int32_t)(t->term_months - 12 * (int32_t)(year - 1));
  if (c.months > 12) c.months = 12;
  c.net = t->net[year - 1];
  c.vat = t->vat[year - 1];
  c.total = t->total[year - 1];
  size = out->struct_size < sizeof c ? out->struct_size : sizeof c;
  memcpy(out, &c, size);
done:
  kam__free(p->ctx, t, sizeof *t);
  return rc;
}

/* ---- the payment schedule ---------------------------------------------------------------- */

static const int64_t pow10_6[7] = {1, 10, 100, 1000, 10000, 100000, 1000000};

int kam__proposal_payment_split(const kam_proposal *p, int64_t base, int64_t *amounts,
                                int64_t *sum) {
  size_t n = p->payments.len, i;
  kam__i128 den = (kam__i128)100 * pow10_6[6], share_sum = 0, floor_sum = 0, rem_best;
  int64_t target, extra, total = 0;
  if (n && !amounts) return kam__error(p->ctx, KAM_EINVAL, "payments: no room for the amounts");
  /* Pass 1: fixed amounts, and each share rounded down (its remainder kept in amounts[i]'s
   * place is not possible, so it is recomputed in pass 2). Percents are scaled to 6 decimals. */
  for (i = 0; i < n; i++) {
    const struct kam__payment *m = KAM__LIST_AT(p, payments, struct kam__payment, i);
    if (!m->percent_text) {
      char path[48];
      snprintf(path, sizeof path, "payments[%zu].amount", i);
      if (kam__decimal_to_minor_exact(&amounts[i], m->amount, p->digits))
        return kam__proposal_error(p, KAM_EOVERFLOW, path,
                                   "does not fit %s minor units (or has more decimals than %d)",
                                   p->currency, p->digits);
    } else {
      kam__i128 c = (kam__i128)m->percent.coef * pow10_6[6 - m->percent.scale];
      kam__i128 exact = (kam__i128)base * c;
      share_sum += c;
      amounts[i] = (int64_t)(exact / den); /* <= base: percent <= 100 */
      floor_sum += amounts[i];
    }
  }
  /* The shares together: round(base * sum of percents / 100). */
  if (share_sum > 0) {
    if (kam__round_div(&target, (kam__i128)base * share_sum, den) ||
        (kam__i128)target - floor_sum > (kam__i128)n)
      return kam__error(p->ctx, KAM_EOVERFLOW, "payments: the shares of %s do not fit int64",
                        "the amount to pay");
    extra = (int64_t)((kam__i128)target - floor_sum);
    /* The leftover minor units, one each to the largest remainders (ties: the earlier). */
    while (extra-- > 0) {
      size_t best = n;
      rem_best = -1;
      for (i = 0; i < n; i++) {
        const struct kam__payment *m = KAM__LIST_AT(p, payments, struct kam__payment, i);
        kam__i128 c, rem;
        if (!m->percent_text) continue;
        c = (kam__i128)m->percent.coef * pow10_6[6 - m->percent.scale];
        rem = (kam__i128)base * c - (kam__i128)amounts[i] * den;
        if (rem > rem_best) {
          rem_best = rem;
          best = i;
        }
      }
      if (best == n) break;
      amounts[best]++;
    }
  }
  for (i = 0; i < n; i++)
    if (kam__add_i64(&total, total, amounts[i]))
      return kam__error(p->ctx, KAM_EOVERFLOW,
                        "payments: the sum of the schedule does not fit int64 (at payments[%zu])",
                        i);
  *sum = total;
  return KAM_OK;
}

/* The amounts of p's schedule over its contract value (allocated: n entries, n >= 1). */
static int schedule(const kam_proposal *p, int64_t **amounts, int64_t *sum, int64_t *base) {
  kam__term *t;
  int rc;
  *amounts = NULL;
  t = (kam__term *)kam__alloc(p->ctx, sizeof *t);
  if (!t) return kam__nomem(p->ctx);
  rc = kam__proposal_term_of(t, p);
  *base = t->contract_value;
  kam__free(p->ctx, t, sizeof *t);
  if (rc) return rc;
  *amounts = (int64_t *)kam__alloc_array(p->ctx, p->payments.len, sizeof **amounts);
  if (!*amounts) return kam__nomem(p->ctx);
  rc = kam__proposal_payment_split(p, *base, *amounts, sum);
  if (rc) {
    kam__free(p->ctx, *amounts, p->payments.len * sizeof **amounts);
    *amounts = NULL;
  }
  return rc;
}

int kam_proposal_payment(kam_payment *out, const kam_proposal *p, size_t index) {
  kam_payment r;
  const struct kam__payment *m;
  int64_t *amounts, sum, base;
  size_t size;
  int rc;
  if (!out || !p) return KAM_EINVAL;
  if (kam__struct_size_check(p->ctx, out->struct_size, KAM__FIELD_END(kam_payment, days),
                             "kam_proposal_payment", "kam_payment"))
    return KAM_EINVAL;
  if (index >= p->payments.len)
    return kam__error(p->ctx, KAM_ENOTFOUND,
                      "kam_proposal_payment: index %zu is past the %zu "
                      "payments",
                      index, p->payments.len);
  if ((rc = schedule(p, &amounts, &sum, &base))) return rc;
  if (!amounts) return kam__nomem(p->ctx); /* schedule gives amounts on KAM_OK */
  m = KAM__LIST_AT(p, payments, struct kam__payment, index);
  memset(&r, 0, sizeof r);
  r.struct_size = out->struct_size;
  r.due_kind = m->due_kind;
  r.label = m->label;
  r.percent = m->percent_text;
  r.amount = m->amount_text;
  r.due = m->due;
  r.days = m->days;
  r.amount_minor = amounts[index];
  kam__free(p->ctx, amounts, p->payments.len * sizeof *amounts);
  size = out->struct_size < sizeof r ? out->struct_size : sizeof r;
  memcpy(out, &r, size);
  return KAM_OK;
}

int kam__proposal_payments_mismatch(const kam_proposal *p, bool *mismatch, int64_t *scheduled,
                                    int64_t *due) {
  int64_t *amounts, sum = 0, base = 0;
  int rc;
  *mismatch = false;
  if (scheduled) *scheduled = 0;
  if (due) *due = 0;
  if (p->payments.len == 0 || p->items.len == 0) return KAM_OK;
  if ((rc = schedule(p, &amounts, &sum, &base))) return rc;
  kam__free(p->ctx, amounts, p->payments.len * sizeof *amounts);
  *mismatch = sum != base;
  if (scheduled) *scheduled = sum;
  if (due) *due = base;
  return KAM_OK;
}

/* ---- the investment from the price ------------------------------------------------------- */

static bool investment_from_price(const kam_proposal *p) {
  return p->has_cash_flows &&
         (p->investment == KAM_INVESTMENT_AUTO || (p->flows_len > 0 && p->flows[0] > 0));
}

int kam__proposal_investment_mismatch(const kam_proposal *p, bool *mismatch, double *given,
                                      int64_t *price) {
  kam__term *t;
  double inv, scaled;
  int64_t at0;
  int rc;
  *mismatch = false;
  if (given) *given = 0;
  if (price) *price = 0;
  if (!p->has_cash_flows || investment_from_price(p) || p->items.len == 0 || p->flows[0] >= 0)
    return KAM_OK;
  t = (kam__term *)kam__alloc(p->ctx, sizeof *t);
  if (!t) return kam__nomem(p->ctx);
  rc = kam__proposal_term_of(t, p);
  at0 = t->first_year;
  kam__free(p->ctx, t, sizeof *t);
  if (rc) return rc;
  inv = -p->flows[0];
  if (given) *given = inv;
  if (price) *price = at0;
  scaled = inv * pow(10, p->digits);
  /* |given - price| > 1 % of price, in doubles of minor units (a projection is a double). */
  *mismatch = fabs(scaled - (double)at0) * 100 > fabs((double)at0);
  return KAM_OK;
}

int kam__proposal_flows(const kam_proposal *p, const kam__term *term, double **out, size_t *n,
                        bool *from_price) {
  double *f, unit = pow(10, p->digits);
  size_t i, count;
  *out = NULL;
  *n = 0;
  *from_price = investment_from_price(p);
  count = p->flows_len + (*from_price ? 1 : 0);
  /* Yearly flows shorter than the term still carry every year's cost (savings 0 after them). */
  if (*from_price && p->period == KAM_PERIOD_YEAR && count < (size_t)term->years)
    count = (size_t)term->years;
  f = (double *)kam__alloc_array(p->ctx, count, sizeof *f);
  if (!f) return kam__nomem(p->ctx);
  if (!*from_price) {
    memcpy(f, p->flows, p->flows_len * sizeof *f);
  } else {
    f[0] = -(double)term->total[0] / unit;
    for (i = 0; i + 1 < count; i++) {
      f[i + 1] = i < p->flows_len ? p->flows[i] : 0;
      /* Yearly flows over a term of several years: year k + 1's cost at t = k. */
      if (p->period == KAM_PERIOD_YEAR && (int32_t)(i + 1) < term->years)
        f[i + 1] -= (double)term->total[i + 1] / unit;
    }
  }
  *out = f;
  *n = count;
  return KAM_OK;
}

/* ---- model parts ------------------------------------------------------------------------- */

static const char *const period_text[2][4] = {
    {"в месяц", "в квартал", "в год", NULL},
    {"per month", "per quarter", "per year", NULL},
};

static const char *period_words(int32_t period, bool english) {
  int k = period == KAM_RECUR_MONTH     ? 0
          : period == KAM_RECUR_QUARTER ? 1
          : period == KAM_RECUR_YEAR    ? 2
                                        : 3;
  return period_text[english][k];
}

void kam__line_period_model(kam__vb *b, kam_value *line, int32_t period, bool english) {
  kam__vb_set(b, line, "period", kam__vb_str(b, kam__recur_name(period)));
  kam__vb_set(b, line, "period_text", kam__vb_str(b, period_words(period, english)));
}

/* "<n> <unit that agrees>" ("36 месяцев", "1 day"). */
static void count_text(char *out, size_t cap, int64_t n, const char *unit_ru, const char *unit_en,
                       bool english) {
  kam__decimal d;
  d.coef = n;
  d.scale = 0;
  snprintf(out, cap, "%lld%s%s", (long long)n, english ? " " : "\xC2\xA0",
           kam__unit_form(english ? unit_en : unit_ru, d, english));
}

static void term_part(kam__vb *b, kam_value *root, kam_value *totals, const kam_proposal *p,
                      const kam__term *term, bool english) {
  kam_value *o, *years;
  char text[160], months[64];
  int32_t y;
  bool has_vat = false;
  for (y = 0; y < term->years; y++)
    has_vat = has_vat || term->vat[y] != 0;
  count_text(months, sizeof months, term->term_months, "месяц", "month", english);
  o = kam__vb_set(b, root, "term", kam__vb_obj(b));
  kam__vb_set(b, o, "months", kam__vb_int(b, term->term_months));
  kam__vb_set(b, o, "years", kam__vb_int(b, term->years));
  kam__vb_set(b, o, "given", kam__vb_bool(b, p->term_months > 0));
  kam__vb_set(b, o, "text", kam__vb_str(b, months));
  if (english)
    snprintf(text, sizeof text, "Cost by contract year (term: %s)", months);
  else
    snprintf(text, sizeof text, "Стоимость по годам договора (срок: %s)", months);
  kam__vb_set(b, o, "heading", kam__vb_str(b, text));
  kam__vb_set(b, o, "year_caption", kam__vb_str(b, english ? "Contract year" : "Год договора"));
  kam__vb_set(b, o, "amount_caption",
              kam__vb_str(b, !has_vat ? (english ? "Amount" : "Сумма")
                             : p->prices_include_vat
                                 ? (english ? "Amount, VAT included" : "Сумма, включая НДС")
                                 : (english ? "Amount incl. VAT" : "Сумма с НДС")));
  kam__vb_set(b, o, "vat_caption", kam__vb_str(b, english ? "of which VAT" : "в т. ч. НДС"));
  kam__vb_set(b, o, "has_vat", kam__vb_bool(b, has_vat));
  if (english)
    snprintf(text, sizeof text, "Total over the term (%s)", months);
  else
    snprintf(text, sizeof text, "Всего за срок договора (%s)", months);
  kam__vb_set(b, o, "total_caption", kam__vb_str(b, text));
  years = kam__vb_set(b, root, "years", kam__vb_arr(b));
  for (y = 0; y < term->years; y++) {
    kam_value *e = kam__vb_push(b, years, kam__vb_obj(b));
    int32_t m = term->term_months - 12 * y;
    if (m > 12) m = 12;
    kam__vb_set(b, e, "year", kam__vb_int(b, y + 1));
    kam__vb_set(b, e, "months", kam__vb_int(b, m));
    if (m < 12) {
      count_text(months, sizeof months, m, "месяц", "month", english);
      snprintf(text, sizeof text, english ? "Year %ld (%s)" : "%ld-й год (%s)", (long)y + 1,
               months);
    } else {
      snprintf(text, sizeof text, english ? "Year %ld" : "%ld-й год", (long)y + 1);
    }
    kam__vb_set(b, e, "label", kam__vb_str(b, text));
    kam__vb_set(b, e, "net", kam__model_money(b, p, term->net[y]));
    kam__vb_set(b, e, "vat", kam__model_money(b, p, term->vat[y]));
    kam__vb_set(b, e, "total", kam__model_money(b, p, term->total[y]));
  }
  {
    int64_t vat_total = 0; /* cannot overflow: |vat| <= |total| per year, whose sum fits */
    for (y = 0; y < term->years; y++)
      (void)kam__add_i64(&vat_total, vat_total, term->vat[y]);
    kam__vb_set(b, o, "vat_total", kam__model_money(b, p, vat_total));
  }
  kam__vb_set(b, root, "has_years", kam__vb_bool(b, term->recurring));
  kam__vb_set(b, totals, "first_year", kam__model_money(b, p, term->first_year));
  kam__vb_set(b, totals, "contract_value", kam__model_money(b, p, term->contract_value));
}

static void payments_part(kam__vb *b, kam_value *root, const kam_proposal *p, const kam__term *term,
                          bool english) {
  kam_value *arr, *o;
  int64_t *amounts = NULL, sum = 0;
  size_t i, n = p->payments.len;
  char text[160], num[96], days[64];
  int rc;
  arr = kam__vb_set(b, root, "payments", kam__vb_arr(b));
  kam__vb_set(b, root, "has_payments", kam__vb_bool(b, n > 0));
  o = kam__vb_set(b, root, "payment_labels", kam__vb_obj(b));
  kam__vb_set(b, o, "heading", kam__vb_str(b, english ? "Payment schedule" : "График платежей"));
  kam__vb_set(b, o, "payment", kam__vb_str(b, english ? "Payment" : "Платёж"));
  kam__vb_set(b, o, "due", kam__vb_str(b, english ? "Due" : "Срок оплаты"));
  kam__vb_set(b, o, "amount", kam__vb_str(b, english ? "Amount" : "Сумма"));
  kam__vb_set(b, o, "total", kam__vb_str(b, english ? "Total" : "Итого"));
  if (n == 0) return;
  amounts = (int64_t *)kam__alloc_array(p->ctx, n, sizeof *amounts);
  if (!amounts) {
    if (!b->rc) b->rc = kam__nomem(p->ctx);
    return;
  }
  if ((rc = kam__proposal_payment_split(p, term->contract_value, amounts, &sum))) {
    if (!b->rc) b->rc = rc;
    kam__free(p->ctx, amounts, n * sizeof *amounts);
    return;
  }
  for (i = 0; i < n; i++) {
    const struct kam__payment *m = KAM__LIST_AT(p, payments, struct kam__payment, i);
    kam_value *e = kam__vb_push(b, arr, kam__vb_obj(b));
    kam__vb_set(b, e, "n", kam__vb_int(b, (int64_t)i + 1));
    kam__vb_set(b, e, "label", kam__vb_str(b, m->label));
    if (m->percent_text) {
      kam_value *pc = kam__vb_set(b, e, "percent", kam__vb_obj(b));
      kam__model_localise(num, sizeof num - 8, m->percent_text, !english);
      snprintf(num + strlen(num), 8, "%s", english ? "%" : "\xC2\xA0%");
      kam__vb_set(b, pc, "value", kam__vb_num_text(b, m->percent_text));
      kam__vb_set(b, pc, "text", kam__vb_str(b, num));
    } else {
      kam__vb_set(b, e, "percent", kam__vb_bool(b, false));
    }
    kam__vb_set(b, e, "amount", kam__model_money(b, p, amounts[i]));
    if (m->due_kind == KAM_DUE_DATE) {
      kam_value *d = kam__vb_set(b, e, "due", kam__model_date(b, p, m->due));
      size_t len;
      const char *dt = kam_value_string(kam_value_get(d, "text", 4), &len);
      kam__vb_set(b, e, "days", kam__vb_null(b));
      snprintf(text, sizeof text, "%s", dt ? dt : "");
    } else {
      kam__vb_set(b, e, "due", kam__vb_bool(b, false));
      kam__vb_set(b, e, "days", kam__vb_int(b, m->days));
      count_text(days, sizeof days, m->days, "день", "day", english);
      if (m->days == 0)
        snprintf(text, sizeof text, "%s",
                 english ? "on signing the contract" : "в день подписания договора");
      else
        snprintf(text, sizeof text,
                 english ? "%s after signing the contract" : "через %s после подписания договора",
                 days);
    }
    kam__vb_set(b, e, "when", kam__vb_str(b, text[0] ? text : NULL));
  }
  kam__vb_set(b, root, "payments_total", kam__model_money(b, p, sum));
  kam__vb_set(b, root, "payments_match", kam__vb_bool(b, sum == term->contract_value));
  kam__free(p->ctx, amounts, n * sizeof *amounts);
}

void kam__term_model(kam__vb *b, kam_value *root, kam_value *totals, const kam_proposal *p,
                     const kam__term *term, bool english) {
  term_part(b, root, totals, p, term, english);
  payments_part(b, root, p, term, english);
}

int32_t kam__proposal_term_months(const kam_proposal *p) { return p->term_months; }

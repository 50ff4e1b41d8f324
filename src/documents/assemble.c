/* assemble.c - the proposal's totals and its document model (kam_proposal_to_value): what the
 * templates render. Every figure is given formatted in the proposal's language and raw; the
 * argument blocks are ordered by the DMU's emphasis; the validity comes last.
 *
 * Money is computed by the totals engine (totals.c) in exact minor units; the financial
 * result of the cash flows (NPV, IRR, payback) is a projection in doubles (finance.c) and
 * is rounded to minor units only for display. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "documents/proposal_internal.h"
#include "documents/value_internal.h"
#include "core/struct_copy_internal.h"
#include "documents/unit_internal.h"

/* ---- totals ------------------------------------------------------------------------------ */

/* The engine's view of the items, in the proposal's ctx; caller frees with n * sizeof. */
int kam__proposal_line_inputs(const kam_proposal *p, kam__line_in **out) {
  kam__line_in *in;
  size_t i;
  *out = NULL;
  in = (kam__line_in *)kam__alloc_array(p->ctx, p->items.len, sizeof *in);
  if (!in) return kam__nomem(p->ctx);
  for (i = 0; i < p->items.len; i++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
    in[i].quantity = it->quantity;
    in[i].unit_price = it->unit_price;
    in[i].discount_percent = it->discount_percent;
    in[i].vat_percent = it->vat_percent;
    in[i].optional = (it->flags & KAM_ITEM_OPTIONAL) != 0;
    in[i].name = it->description ? it->description : it->sku;
  }
  *out = in;
  return KAM_OK;
}

/* Totals, per-line figures (lines: NULL or p->items.len entries) and the VAT groups
 * (groups: NULL, or set to an array of *ngroups the caller frees). */
static int compute(const kam_proposal *p, kam_totals *totals, kam__line_out *lines,
                   kam__vat_group **groups, size_t *ngroups) {
  kam__line_in *in;
  kam__vat_group *g = NULL;
  size_t n = 0, cap = 0;
  int rc;
  int rounding = p->rounding == KAM_ROUNDING_TOTAL ? KAM__ROUND_TOTAL : KAM__ROUND_LINE;
  if (groups) *groups = NULL;
  if (ngroups) *ngroups = 0;
  if (p->items.len == 0)
    return kam__error(p->ctx, KAM_ESTATE,
                      "the proposal has no items: the totals need a price line");
  if ((rc = kam__proposal_line_inputs(p, &in))) return rc;
  rc = kam__totals_compute(totals, lines, NULL, 0, &n, in, p->items.len, rounding,
                           p->prices_include_vat, p->ctx);
  if (!rc && groups && n) {
    cap = n;
    g = (kam__vat_group *)kam__alloc_array(p->ctx, cap, sizeof *g);
    if (!g)
      rc = kam__nomem(p->ctx);
    else
      rc = kam__totals_compute(totals, lines, g, cap, &n, in, p->items.len, rounding,
                               p->prices_include_vat, p->ctx);
  }
  kam__free(p->ctx, in, p->items.len * sizeof *in);
  if (rc) {
    kam__free(p->ctx, g, cap * sizeof *g);
    return rc;
  }
  if (groups) {
    *groups = g;
    *ngroups = n;
  }
  return KAM_OK;
}

int kam_proposal_totals(kam_totals *out, const kam_proposal *p) {
  kam_totals t;
  size_t size;
  int rc;
  if (!out || !p) return KAM_EINVAL;
  if (kam__struct_size_check(p->ctx, out->struct_size, offsetof(kam_totals, gross),
                             "kam_proposal_totals", "kam_totals"))
    return KAM_EINVAL;
  memset(&t, 0, sizeof t);
  if ((rc = compute(p, &t, NULL, NULL, NULL))) return rc;
  { /* the term (first year, contract value) */
    kam__term term;
    if ((rc = kam__proposal_term_of(&term, p))) return rc;
    t.first_year = term.first_year;
    t.contract_value = term.contract_value;
    t.term_months = term.term_months;
    t.years = term.years;
  }
  size = out->struct_size < sizeof t ? out->struct_size : sizeof t;
  t.struct_size = out->struct_size;
  memcpy(out, &t, size);
  return KAM_OK;
}

/* ---- language ---------------------------------------------------------------------------- */

enum { L_RU = 0, L_EN = 1 };

/* Labels: key, Russian, English. Templates find them under "labels". */
static const char *const labels[][3] = {
    {"proposal", "Коммерческое предложение", "Commercial proposal"},
    {"seller", "Исполнитель", "From"},
    {"client", "Заказчик", "To"},
    {"date", "Дата", "Date"},
    {"context", "Понимание вашего бизнеса", "Our understanding of your business"},
    {"summary", "Ценность предложения", "What we offer"},
    {"exclusive", "Эксклюзивные условия", "Exclusive terms"},
    {"references", "Проекты и рекомендации", "References"},
    {"contact", "Рекомендует", "Contact"},
    {"figures", "Ключевые показатели", "Key figures"},
    {"finance", "Финансовый результат", "Financial result"},
    {"rate", "Ставка дисконтирования", "Discount rate"},
    {"npv", "Чистая приведённая стоимость (NPV)", "Net present value (NPV)"},
    {"irr", "Внутренняя норма доходности (IRR)", "Internal rate of return (IRR)"},
    {"payback", "Дисконтированный срок окупаемости", "Discounted payback period"},
    {"investment", "Инвестиции", "Investment"},
    {"inflows", "Суммарный денежный приток", "Total inflows"},
    {"roi", "Рентабельность инвестиций (ROI)", "Return on investment (ROI)"},
    {"flows", "Денежный поток по периодам", "Cash flow by period"},
    {"price", "Стоимость", "Price"},
    {"n", "№", "No."},
    {"sku", "Артикул", "SKU"},
    {"description", "Наименование", "Description"},
    {"quantity", "Кол-во", "Qty"},
    {"unit", "Ед.", "Unit"},
    {"unit_price", "Цена", "Unit price"},
    {"discount", "Скидка", "Discount"},
    {"vat", "НДС", "VAT"},
    {"amount", "Сумма", "Amount"},
    {"gross", "Сумма без скидки", "Subtotal before discount"},
    {"net", "Итого без НДС", "Total excl. VAT"},
    {"net_incl", "Итого", "Total"},
    {"total", "Всего с НДС", "Total incl. VAT"},
    {"total_due", "Всего к оплате", "Total due"},
    {"total_due_vat_on_top", "Всего к оплате с НДС", "Total due incl. VAT"},
    {"total_due_vat_included", "Всего к оплате, включая НДС", "Total due, VAT included"},
    {"total_due_no_vat", "Всего к оплате (без НДС)", "Total due (VAT not applicable)"},
    {"vat_included", "в том числе НДС", "including VAT"},
    {"no_vat", "Без НДС", "VAT not applicable"},
    {"vat_exempt", "Без НДС", "Exempt"},
    {"section_total", "Итого по разделу", "Section total"},
    {"optional", "Дополнительные опции", "Optional items"},
    {"optional_note", "не входят в итоговую сумму", "not included in the total"},
    {"optional_total", "Сумма опций", "Optional items total"},
    {"amount_in_words", "Сумма прописью", "Amount in words"},
    {"terms", "Условия", "Terms"},
    {"team", "Команда проекта", "Project team"},
    {"phone", "Тел.", "Tel."},
    {"email", "E-mail", "Email"},
    {"validity", "Срок действия предложения", "Validity"},
    {"page", "Страница", "Page"},
    /* identity, signatory, criteria */
    {"number", "№", "No."},
    {"version", "версия", "version"},
    {"regards", "С уважением,", "Yours sincerely,"},
    {"why_us", "Почему мы", "Why us"},
    {"criterion", "Критерий", "Criterion"},
    {"weight", "Вес", "Weight"},
    {"ours", "Наше предложение", "Our offer"},
    {"criteria", "Критерии выбора", "Decision criteria"},
};

static const char *const style_headings[3][2] = {
    {"Статус и исключительные условия", "Status and exclusive terms"},
    {"Нам доверяют", "Trusted by"},
    {"Цифры и финансовый результат", "Figures and financial result"},
};

static const char *const months_ru_gen[12] = {"января",   "февраля", "марта",  "апреля",
                                              "мая",      "июня",    "июля",   "августа",
                                              "сентября", "октября", "ноября", "декабря"};
static const char *const months_en[12] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* Russian plural form index for an integer: 0 "год", 1 "года", 2 "лет". */
static int ru_plural(uint64_t n) {
  if (n % 100 >= 11 && n % 100 <= 14) return 2;
  if (n % 10 == 1) return 0;
  if (n % 10 >= 2 && n % 10 <= 4) return 1;
  return 2;
}

/* ---- number text ------------------------------------------------------------------------- */

/* Localises plain decimal text ("-1234.5"): ru "-1 234,5" (U+00A0 groups, decimal comma),
 * en "-1,234.5". Integer parts of four digits are not grouped in Russian ("1234"), as
 * typographic practice has it; five and more are. */
static void localise(char *out, size_t cap, const char *plain, int lang) {
  static const kam__numfmt ru = {',', "\xC2\xA0", 4, false, false};
  static const kam__numfmt en = {'.', ",", 3, false, false};
  kam__decimal_localise(out, cap, plain, lang == L_EN ? &en : &ru);
}

/* A double rounded to `decimals` places as plain text, trailing zeros dropped ("12.5", "3").
 * False when it does not fit. Locale-independent (no printf %f). */
static bool fixed_plain(char *buf, double v, int decimals) {
  double scaled = v * pow(10, decimals);
  kam__decimal d;
  if (!isfinite(scaled) || fabs(scaled) >= 9.0e15) return false;
  d.coef = (int64_t)llround(scaled);
  d.scale = decimals;
  kam__decimal_format(buf, d);
  return true;
}

/* ---- model pieces ------------------------------------------------------------------------ */

typedef struct asm_state {
  kam__vb b;
  const kam_proposal *p;
  int lang;
  const size_t *arg_order; /* issue 15: the arguments by criteria weight (blocks_value) */
  /* the cash flows the financial result uses (the investment maybe from the price) */
  const double *flows;
  size_t nflows;
  bool from_price;
} asm_state;

/* The label named key in the document's language ("" for an unknown key). */
static const char *label(const asm_state *a, const char *key) {
  size_t i;
  for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (!strcmp(labels[i][0], key)) return labels[i][1 + a->lang];
  return "";
}

static kam_value *str(asm_state *a, const char *s) { return kam__vb_str(&a->b, s); }
static kam_value *set(asm_state *a, kam_value *o, const char *key, kam_value *v) {
  return kam__vb_set(&a->b, o, key, v);
}
static void set_str(asm_state *a, kam_value *o, const char *key, const char *s) {
  set(a, o, key, str(a, s));
}
static void set_bool(asm_state *a, kam_value *o, const char *key, bool t) {
  set(a, o, key, kam__vb_bool(&a->b, t));
}

/* {"minor": 123456, "amount": "1234.56", "text": "1 234,56 ₽"} */
static kam_value *money(asm_state *a, int64_t minor) {
  char plain[KAM__DECIMAL_TEXT_CAP], text[128];
  size_t len;
  kam_value *o = kam__vb_obj(&a->b);
  kam__money_plain(plain, minor, a->p->digits);
  if (kam_money_format(text, sizeof text, &len, minor, a->p->currency, a->p->lang) != KAM_OK)
    snprintf(text, sizeof text, "%s", plain);
  set(a, o, "minor", kam__vb_int(&a->b, minor));
  set_str(a, o, "amount", plain);
  set_str(a, o, "text", text);
  return o;
}

/* {"value": <exact number>, "text": "2,5"}. */
static kam_value *decimal(asm_state *a, kam__decimal d, const char *suffix) {
  char canon[KAM__DECIMAL_TEXT_CAP], text[96];
  kam_value *o = kam__vb_obj(&a->b);
  size_t n;
  kam__decimal_format(canon, d);
  localise(text, sizeof text - 8, canon, a->lang);
  n = strlen(text);
  if (suffix) snprintf(text + n, sizeof text - n, "%s", suffix);
  set(a, o, "value", kam__vb_num_text(&a->b, canon));
  set_str(a, o, "text", text);
  return o;
}

/* A percent: ru "20 %" (no-break space), en "20%". */
static kam_value *percent_decimal(asm_state *a, kam__decimal d) {
  return decimal(a, d, a->lang == L_RU ? "\xC2\xA0%" : "%");
}

/* A rate given as a fraction (0.123) shown as a percent with one decimal ("12,3 %"). */
static kam_value *rate_value(asm_state *a, double fraction) {
  char plain[KAM__DECIMAL_TEXT_CAP], text[96];
  kam_value *o = kam__vb_obj(&a->b);
  set(a, o, "value", kam__vb_double(&a->b, fraction));
  if (fixed_plain(plain, fraction * 100, 1)) {
    size_t n;
    localise(text, sizeof text - 8, plain, a->lang);
    n = strlen(text);
    snprintf(text + n, sizeof text - n, "%s", a->lang == L_RU ? "\xC2\xA0%" : "%");
    set_str(a, o, "text", text);
  } else {
    set_str(a, o, "text", "—");
  }
  return o;
}

/* A date: {"iso": "2026-12-27", "text": "27.12.2026" | "27 December 2026",
 *          "long": "27 декабря 2026 г." | "27 December 2026"} */
static void date_texts(const asm_state *a, kam_date d, char iso[64], char text[64],
                       char longer[64]) {
  int y, m, day;
  kam_date_format(iso, 64, NULL, d);
  kam_date_to_ymd(d, &y, &m, &day);
  if (a->lang == L_RU) {
    snprintf(text, 64, "%02d.%02d.%04d", day, m, y);
    snprintf(longer, 64, "%d %s %d г.", day, months_ru_gen[m - 1], y);
  } else {
    snprintf(text, 64, "%d %s %d", day, months_en[m - 1], y);
    snprintf(longer, 64, "%d %s %d", day, months_en[m - 1], y);
  }
}

static kam_value *date_value(asm_state *a, kam_date d) {
  char iso[64], text[64], longer[64];
  kam_value *o = kam__vb_obj(&a->b);
  date_texts(a, d, iso, text, longer);
  set_str(a, o, "iso", iso);
  set_str(a, o, "text", text);
  set_str(a, o, "long", longer);
  return o;
}

static kam_value *person(asm_state *a, const char *name, const char *position, const char *phone,
                         const char *email) {
  kam_value *o = kam__vb_obj(&a->b);
  set_str(a, o, "name", name);
  set_str(a, o, "position", position);
  set_str(a, o, "phone", phone);
  set_str(a, o, "email", email);
  return o;
}

/* Period count with its noun: ru "2,4 года", "3 года", "5 лет"; en "2.4 years", "1 year". */
static void periods_text(char *out, size_t cap, double periods, int32_t period, int lang) {
  static const char *const ru[3][3] = {
      {"год", "года", "лет"}, {"квартал", "квартала", "кварталов"}, {"месяц", "месяца", "месяцев"}};
  static const char *const en[3][2] = {
      {"year", "years"}, {"quarter", "quarters"}, {"month", "months"}};
  char plain[KAM__DECIMAL_TEXT_CAP], num[64];
  bool whole;
  if (!fixed_plain(plain, periods, 1)) {
    snprintf(out, cap, "—");
    return;
  }
  whole = strchr(plain, '.') == NULL;
  localise(num, sizeof num, plain, lang);
  if (lang == L_RU) {
    /* A fraction takes the genitive singular ("2,4 года"), a whole number its plural form. */
    int form = whole ? ru_plural((uint64_t)llround(fabs(periods))) : 1;
    snprintf(out, cap, "%s\xC2\xA0%s", num, ru[period][form]);
  } else {
    snprintf(out, cap, "%s %s", num, en[period][whole && !strcmp(plain, "1") ? 0 : 1]);
  }
}

/* A projected amount (double, major units) as money, rounded to minor units for display. */
static kam_value *projected_money(asm_state *a, double major) {
  double scaled = major * pow(10, a->p->digits);
  if (!isfinite(scaled) || fabs(scaled) >= 9.0e18) return kam__vb_bool(&a->b, false);
  return money(a, (int64_t)llround(scaled));
}

/* The financial result of the cash flows, or false. */
static kam_value *finance_value(asm_state *a) {
  const kam_proposal *p = a->p;
  kam_value *o, *v, *flows;
  double npv, irr, payback, invest = 0, inflow = 0, roi;
  char text[96];
  size_t i;
  const char *period_label[3][2] = {{"Год", "Year"}, {"Квартал", "Quarter"}, {"Месяц", "Month"}};
  if (!p->has_cash_flows) return kam__vb_bool(&a->b, false);
  o = kam__vb_obj(&a->b);
  set(a, o, "rate", rate_value(a, p->rate));
  set_str(a, o, "period", kam__period_name(p->period));
  set_str(a, o, "convention", "t0");
  /* values[0] is at t = 0 (the investment is made now): numpy-financial's npv, KAM_NPV_T0. */
  if (kam_npv(&npv, p->rate, a->flows, a->nflows, KAM_NPV_T0) == KAM_OK) {
    v = set(a, o, "npv", projected_money(a, npv));
    if (kam_value_type(v) == KAM_VALUE_OBJECT) set(a, v, "value", kam__vb_double(&a->b, npv));
  } else {
    set(a, o, "npv", kam__vb_bool(&a->b, false));
  }
  if (kam_irr(&irr, a->flows, a->nflows, NAN) == KAM_OK) {
    set(a, o, "irr", rate_value(a, irr));
  } else {
    v = set(a, o, "irr", kam__vb_obj(&a->b));
    set(a, v, "value", kam__vb_null(&a->b));
    set_str(a, v, "text", "—");
  }
  v = set(a, o, "payback", kam__vb_obj(&a->b));
  if (kam_payback(&payback, a->flows, a->nflows, p->rate, 0) == KAM_OK) {
    periods_text(text, sizeof text, payback, p->period, a->lang);
    set(a, v, "value", kam__vb_double(&a->b, payback));
    set_str(a, v, "text", text);
  } else {
    set(a, v, "value", kam__vb_null(&a->b));
    set_str(a, v, "text",
            a->lang == L_RU ? "не достигается в горизонте прогноза" : "not within the horizon");
  }
  if (a->from_price) { /* the costs taken from the price, and the savings as given */
    invest = -a->flows[0];
    for (i = 0; i + 1 < a->nflows; i++) {
      double saving = i < p->flows_len ? p->flows[i] : 0;
      invest += saving - a->flows[i + 1];
      if (saving < 0)
        invest -= saving;
      else
        inflow += saving;
    }
  } else {
    for (i = 0; i < a->nflows; i++) {
      if (a->flows[i] < 0)
        invest -= a->flows[i];
      else
        inflow += a->flows[i];
    }
  }
  set(a, o, "investment", projected_money(a, invest));
  /* where the investment comes from, said next to it */
  set_bool(a, o, "investment_from_price", a->from_price);
  set_str(a, o, "investment_caption",
          !a->from_price ? label(a, "investment")
          : a->lang == L_RU ? "Инвестиции (стоимость по предложению с НДС)"
                            : "Investment (the price of this proposal incl. VAT)");
  set_str(a, o, "flows_caption",
          !a->from_price    ? label(a, "flows")
          : a->lang == L_RU ? "Денежный поток по периодам (экономия за вычетом платежей по "
                              "договору)"
                            : "Cash flow by period (savings less the payments of this proposal)");
  set(a, o, "inflows", projected_money(a, inflow));
  if (invest > 0 && kam_roi(&roi, inflow, invest) == KAM_OK)
    set(a, o, "roi", rate_value(a, roi));
  else
    set(a, o, "roi", kam__vb_bool(&a->b, false));
  flows = set(a, o, "flows", kam__vb_arr(&a->b));
  for (i = 0; i < a->nflows; i++) {
    kam_value *f = kam__vb_push(&a->b, flows, kam__vb_obj(&a->b));
    snprintf(text, sizeof text, "%s %zu", period_label[p->period][a->lang], i);
    set_str(a, f, "label", text);
    set(a, f, "period", kam__vb_int(&a->b, (int64_t)i));
    set(a, f, "amount", projected_money(a, a->flows[i]));
  }
  return o;
}

static void figure_value(void *ud, kam_value *o, const void *elem) {
  asm_state *a = (asm_state *)ud;
  const kam_proposal *p = a->p;
  const struct kam__figure *f = (const struct kam__figure *)elem;
  char canon[KAM__DEC_CAP], number[96];
  const char *why;
  kam__buf text;
  int rc;
  set_str(a, o, "label", f->label);
  set(a, o, "value", f->is_number ? kam__vb_num_text(&a->b, f->value) : str(a, f->value));
  set_str(a, o, "unit", f->unit);
  kam__buf_init(&text, p->ctx);
  if (f->is_number && kam__decimal_canon(canon, f->value, strlen(f->value), &why) == KAM_OK) {
    localise(number, sizeof number, canon, a->lang);
    rc = kam__buf_puts(&text, number);
  } else {
    rc = kam__buf_puts(&text, f->value);
  }
  /* "12,5 %" and "12,5 млн ₽" take a no-break space in Russian; "%" sticks in English. */
  if (!rc && f->unit && !(a->lang == L_EN && !strcmp(f->unit, "%")))
    rc = kam__buf_puts(&text, "\xC2\xA0");
  if (!rc && f->unit) rc = kam__buf_puts(&text, f->unit);
  if (rc && !a->b.rc) a->b.rc = rc;
  set_str(a, o, "text", rc ? "" : text.data);
  kam__buf_free(&text);
}

static kam_value *figures_value(asm_state *a) {
  return kam__vb_objects(&a->b, a->p->figures.data, a->p->figures.len, sizeof(struct kam__figure),
                         figure_value, a);
}

static void reference_value(void *ud, kam_value *o, const void *elem) {
  asm_state *a = (asm_state *)ud;
  const struct kam__reference *r = (const struct kam__reference *)elem;
  set_str(a, o, "company", r->company);
  set_str(a, o, "project", r->project);
  set_str(a, o, "result", r->result);
  if (r->contact_name || r->contact_position || r->contact_phone || r->contact_email)
    set(a, o, "contact",
        person(a, r->contact_name, r->contact_position, r->contact_phone, r->contact_email));
  else
    set_bool(a, o, "contact", false);
}

static kam_value *references_value(asm_state *a) {
  return kam__vb_objects(&a->b, a->p->references.data, a->p->references.len,
                         sizeof(struct kam__reference), reference_value, a);
}

/* The emphasis over the three styles and where it came from. */
static int emphasis(const kam_proposal *p, double w[3], const char **source) {
  /* A DMU passed in wins; else the proposal's own (built as its stakeholders were added). */
  const kam_dmu *d = p->dmu ? p->dmu : p->stakeholders;
  w[0] = w[1] = w[2] = 1.0 / 3;
  *source = p->dmu ? "dmu" : "none";
  if (kam_dmu_count(d) == 0) return KAM_OK;
  *source = p->dmu ? "dmu" : "stakeholders";
  return kam_dmu_emphasis(w, d);
}

/* order[] = the three styles, heaviest weight first (ties: authority, relational, analytical). */
static void styles_by_weight(const double w[3], int order[3]) {
  int i, j;
  for (i = 0; i < 3; i++)
    order[i] = i;
  for (i = 1; i < 3; i++)
    for (j = i; j > 0 && w[order[j]] > w[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

/* ---- the client's decision criteria ------------------------------ */

void kam__proposal_argument_weights(const kam_proposal *p, double *weights) {
  size_t i, k;
  for (i = 0; i < p->arguments.len; i++)
    weights[i] = 0;
  for (i = 0; i < p->criteria.len; i++) {
    const struct kam__criterion *c = KAM__LIST_AT(p, criteria, struct kam__criterion, i);
    for (k = 0; k < c->nargs; k++)
      if (c->arguments[k] < p->arguments.len) weights[c->arguments[k]] += c->weight;
  }
  /* On a grid of 1e-9, so that sums equal as decimals compare equal (0.2 + 0.1 and 0.3). */
  for (i = 0; i < p->arguments.len; i++)
    weights[i] = (double)llround(weights[i] * 1e9) / 1e9;
}

typedef struct weighted {
  double weight;
  size_t index;
} weighted;

/* Heaviest first; equal weights in index order (so the sort is stable). */
static int by_weight(const void *x, const void *y) {
  const weighted *a = (const weighted *)x, *b = (const weighted *)y;
  if (a->weight != b->weight) return a->weight > b->weight ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* order[0..n) = the indexes 0..n-1 sorted by weight[] (heaviest first, stable). */
static int order_by_weight(kam_ctx *ctx, const double *weight, size_t n, size_t *order) {
  size_t i;
  weighted *w = (weighted *)kam__alloc_array(ctx, n + 1, sizeof *w);
  if (!w) return kam__nomem(ctx);
  for (i = 0; i < n; i++) {
    w[i].weight = weight[i];
    w[i].index = i;
  }
  if (n > 1) qsort(w, n, sizeof *w, by_weight);
  for (i = 0; i < n; i++)
    order[i] = w[i].index;
  kam__free(ctx, w, (n + 1) * sizeof *w);
  return KAM_OK;
}

/* The names of the criteria that argument i answers. */
static kam_value *answers_value(asm_state *a, size_t i) {
  const kam_proposal *p = a->p;
  kam_value *arr = kam__vb_arr(&a->b);
  size_t c, k;
  for (c = 0; c < p->criteria.len; c++) {
    const struct kam__criterion *cr = KAM__LIST_AT(p, criteria, struct kam__criterion, c);
    for (k = 0; k < cr->nargs; k++)
      if (cr->arguments[k] == i) kam__vb_push(&a->b, arr, str(a, cr->name));
  }
  return arr;
}

/* criteria [{name, weight {value, text}, stakeholder, arguments [indexes]}] in document order,
 * and comparison: false, or {heading, ours_caption, alternatives [{name}], rows [{criterion,
 * weight, ours, cells [{text}]}]} with the rows heaviest first. */
static void criteria_value(asm_state *a, kam_value *root) {
  const kam_proposal *p = a->p;
  size_t n = p->criteria.len, i, j, k, *order;
  double *weight;
  kam_value *arr, *cmp, *alts, *rows;
  arr = set(a, root, "criteria", kam__vb_arr(&a->b));
  for (i = 0; i < n; i++) {
    const struct kam__criterion *c = KAM__LIST_AT(p, criteria, struct kam__criterion, i);
    kam_value *o = kam__vb_push(&a->b, arr, kam__vb_obj(&a->b)), *args;
    set_str(a, o, "name", c->name);
    set(a, o, "weight", rate_value(a, c->weight));
    set_str(a, o, "stakeholder", c->stakeholder);
    args = set(a, o, "arguments", kam__vb_arr(&a->b));
    for (k = 0; k < c->nargs; k++)
      kam__vb_push(&a->b, args, kam__vb_int(&a->b, (int64_t)c->arguments[k]));
  }
  set_bool(a, root, "has_criteria", n > 0);
  if (n == 0 || p->alternatives.len == 0) {
    set_bool(a, root, "comparison", false);
    return;
  }
  order = (size_t *)kam__alloc_array(p->ctx, n, sizeof *order);
  weight = (double *)kam__alloc_array(p->ctx, n, sizeof *weight);
  if (!order || !weight) {
    if (!a->b.rc) a->b.rc = kam__nomem(p->ctx);
  } else {
    for (i = 0; i < n; i++)
      weight[i] = KAM__LIST_AT(p, criteria, struct kam__criterion, i)->weight;
    if (order_by_weight(p->ctx, weight, n, order) && !a->b.rc) a->b.rc = KAM_ENOMEM;
  }
  cmp = set(a, root, "comparison", kam__vb_obj(&a->b));
  set_str(a, cmp, "heading", label(a, "why_us"));
  set_str(a, cmp, "ours_caption", p->seller_name ? p->seller_name : label(a, "ours"));
  alts = set(a, cmp, "alternatives", kam__vb_arr(&a->b));
  for (j = 0; j < p->alternatives.len; j++)
    set_str(a, kam__vb_push(&a->b, alts, kam__vb_obj(&a->b)), "name",
            KAM__LIST_AT(p, alternatives, struct kam__alternative, j)->name);
  rows = set(a, cmp, "rows", kam__vb_arr(&a->b));
  for (i = 0; order && !a->b.rc && i < n; i++) {
    const struct kam__criterion *c = KAM__LIST_AT(p, criteria, struct kam__criterion, order[i]);
    kam_value *row = kam__vb_push(&a->b, rows, kam__vb_obj(&a->b)), *cells;
    kam__buf ours;
    int rc = KAM_OK;
    set_str(a, row, "criterion", c->name);
    set(a, row, "weight", rate_value(a, c->weight));
    /* our column: the titles (or, untitled, the texts) of the arguments that answer it */
    kam__buf_init(&ours, p->ctx);
    for (k = 0; !rc && k < c->nargs; k++) {
      const struct kam__argument *g;
      if (c->arguments[k] >= p->arguments.len) continue;
      g = KAM__LIST_AT(p, arguments, struct kam__argument, c->arguments[k]);
      if (ours.len) rc = kam__buf_puts(&ours, "; ");
      if (!rc) rc = kam__buf_puts(&ours, g->title ? g->title : g->text);
    }
    if (rc && !a->b.rc) a->b.rc = rc;
    set_str(a, row, "ours", !rc && ours.len ? ours.data : "—");
    kam__buf_free(&ours);
    cells = set(a, row, "cells", kam__vb_arr(&a->b));
    for (j = 0; j < p->alternatives.len; j++) {
      const struct kam__alternative *alt =
          KAM__LIST_AT(p, alternatives, struct kam__alternative, j);
      const char *text = order[i] < alt->npoints ? alt->points[order[i]] : NULL;
      kam_value *cell = kam__vb_push(&a->b, cells, kam__vb_obj(&a->b));
      set_str(a, cell, "name", alt->name);
      set_str(a, cell, "text", text ? text : "—");
    }
  }
  kam__free(p->ctx, order, n * sizeof *order);
  kam__free(p->ctx, weight, n * sizeof *weight);
}

/* ---- identity, addressee, signatory ------------------------------- */

/* reference_line: "№ КП-2026/118 от 27 ноября 2026 г., версия 2" / "No. KP-2026/118 of 27
 * November 2026, version 2" (without a number: the date); addressee: false or {name, position,
 * organisation}; signatory: false or {name, position}. */
static void identity_value(asm_state *a, kam_value *root) {
  const kam_proposal *p = a->p;
  char iso[64], text[64], longer[64], line[512];
  size_t n = 0;
  kam_value *o;
  date_texts(a, p->issued, iso, text, longer);
  if (p->number)
    n = (size_t)snprintf(line, sizeof line, a->lang == L_RU ? "№ %.200s от %s" : "No. %.200s of %s",
                         p->number, longer);
  else
    n = (size_t)snprintf(line, sizeof line, "%s", longer);
  if (p->version && n < sizeof line)
    snprintf(line + n, sizeof line - n, ", %s %.200s", label(a, "version"), p->version);
  set_str(a, root, "number", p->number);
  set_str(a, root, "version", p->version);
  set_str(a, root, "reference_line", line);
  if (p->addressee_stakeholder || p->addressee_name) {
    const char *name = p->addressee_name, *position = p->addressee_position;
    kam_stakeholder st;
    size_t i;
    if (p->addressee_stakeholder) {
      name = p->addressee_stakeholder;
      for (i = 0; i < kam_dmu_count(kam__proposal_dmu(p)); i++) {
        st = kam__proposal_stakeholder(p, i);
        if (st.name && !strcmp(st.name, name)) {
          position = st.title;
          break;
        }
      }
    }
    o = set(a, root, "addressee", kam__vb_obj(&a->b));
    set_str(a, o, "name", name);
    set_str(a, o, "position", position);
    set_str(a, o, "organisation", p->client_name);
  } else {
    set_bool(a, root, "addressee", false);
  }
  if (p->signatory_name) {
    o = set(a, root, "signatory", kam__vb_obj(&a->b));
    set_str(a, o, "name", p->signatory_name);
    set_str(a, o, "position", p->signatory_position);
  } else {
    set_bool(a, root, "signatory", false);
  }
}

/* The argument blocks, heaviest emphasis first (ties: authority, relational, analytical). */
static kam_value *blocks_value(asm_state *a, const double w[3]) {
  const kam_proposal *p = a->p;
  kam_value *arr = kam__vb_arr(&a->b);
  int order[3], i;
  styles_by_weight(w, order);
  for (i = 0; i < 3; i++) {
    int style = order[i];
    size_t k, nargs = 0;
    bool has_finance = style == KAM_STYLE_ANALYTICAL && p->has_cash_flows;
    bool has_content;
    kam_value *o, *args;
    char plain[KAM__DECIMAL_TEXT_CAP];
    for (k = 0; k < p->arguments.len; k++)
      nargs += KAM__LIST_AT(p, arguments, struct kam__argument, k)->style == style;
    has_content = nargs > 0 || (style == KAM_STYLE_AUTHORITY && p->exclusive) ||
                  (style == KAM_STYLE_RELATIONAL && p->references.len) ||
                  (style == KAM_STYLE_ANALYTICAL && (p->figures.len || has_finance));
    if (!has_content) continue;
    o = kam__vb_push(&a->b, arr, kam__vb_obj(&a->b));
    set_str(a, o, "style", kam_style_name(style));
    set_str(a, o, "heading", style_headings[style][a->lang]);
    set(a, o, "weight", kam__vb_double(&a->b, w[style]));
    if (!fixed_plain(plain, w[style] * 100, 0)) memcpy(plain, "0", 2);
    set_str(a, o, "weight_percent", plain);
    set_bool(a, o, "is_authority", style == KAM_STYLE_AUTHORITY);
    set_bool(a, o, "is_relational", style == KAM_STYLE_RELATIONAL);
    set_bool(a, o, "is_analytical", style == KAM_STYLE_ANALYTICAL);
    args = set(a, o, "arguments", kam__vb_arr(&a->b));
    /* by the weight of the criteria they answer (issue 15); order[] lists every argument */
    for (k = 0; k < p->arguments.len; k++) {
      const struct kam__argument *g =
          KAM__LIST_AT(p, arguments, struct kam__argument, a->arg_order[k]);
      kam_value *e;
      if (g->style != style) continue;
      e = kam__vb_push(&a->b, args, kam__vb_obj(&a->b));
      set_str(a, e, "title", g->title);
      set_str(a, e, "text", g->text);
      set(a, e, "answers", answers_value(a, a->arg_order[k]));
    }
    if (style == KAM_STYLE_AUTHORITY && p->exclusive)
      set_str(a, o, "exclusive", p->exclusive);
    else
      set_bool(a, o, "exclusive", false);
    set(a, o, "references",
        style == KAM_STYLE_RELATIONAL ? references_value(a) : kam__vb_arr(&a->b));
    set(a, o, "figures", style == KAM_STYLE_ANALYTICAL ? figures_value(a) : kam__vb_arr(&a->b));
    set_bool(a, o, "has_arguments", nargs > 0);
    set_bool(a, o, "has_references", style == KAM_STYLE_RELATIONAL && p->references.len > 0);
    set_bool(a, o, "has_figures", style == KAM_STYLE_ANALYTICAL && p->figures.len > 0);
    set(a, o, "finance", has_finance ? finance_value(a) : kam__vb_bool(&a->b, false));
  }
  return arr;
}

/* One price line of the model. */
static kam_value *line_value(asm_state *a, size_t i, size_t n, const kam__line_out *r) {
  const struct kam__item *it = KAM__LIST_AT(a->p, items, struct kam__item, i);
  kam_value *o = kam__vb_obj(&a->b);
  set(a, o, "n", kam__vb_int(&a->b, (int64_t)n));
  set_str(a, o, "sku", it->sku);
  set_str(a, o, "description", it->description);
  /* The unit agrees with the quantity ("2 группы", "14 webinars"); as given in unit_as_given. */
  /* the item's own forms when given */
  if (it->unit_one || it->unit_few || it->unit_many) {
    set_str(a, o, "unit",
            kam__unit_form_own(it->unit_one, it->unit_few, it->unit_many, it->quantity,
                               a->lang == L_EN));
    set_str(a, o, "unit_as_given",
            it->unit_one   ? it->unit_one
            : it->unit_few ? it->unit_few
                           : it->unit_many);
  } else {
    set_str(a, o, "unit", kam__unit_form(it->unit, it->quantity, a->lang == L_EN));
    set_str(a, o, "unit_as_given", it->unit);
  }
  set(a, o, "quantity", decimal(a, it->quantity, NULL));
  set(a, o, "unit_price", money(a, it->unit_price));
  set(a, o, "discount_percent", percent_decimal(a, it->discount_percent));
  set_bool(a, o, "has_discount", it->discount_percent.coef != 0);
  set(a, o, "vat_percent", percent_decimal(a, it->vat_percent));
  set_bool(a, o, "no_vat", it->vat_percent.coef == 0);
  set_bool(a, o, "optional", (it->flags & KAM_ITEM_OPTIONAL) != 0);
  set_str(a, o, "section", it->section);
  set(a, o, "gross", money(a, r->gross));
  set(a, o, "discount", money(a, r->discount));
  set(a, o, "net", money(a, r->net));
  set(a, o, "vat", money(a, r->vat));
  set(a, o, "total", money(a, r->total));
  kam__line_period_model(&a->b, o, it->period, a->lang == L_EN);
  return o;
}

static bool same_section(const char *x, const char *y) {
  return (!x && !y) || (x && y && !strcmp(x, y));
}

/* The non-optional lines grouped by section: order[start[g] .. start[g + 1]) are the lines
 * of the g-th section in order of first use, in document order. One pass with a hash table
 * of the sections seen, so a price list of many sections costs O(n), not O(n^2). */
typedef struct section_groups {
  size_t *order, *start; /* n_items + 1 entries each */
  size_t ngroups;
} section_groups;

static uint64_t section_hash(kam_ctx *ctx, const char *name) {
  return name ? kam__key_hash(ctx, name, strlen(name)) : 0x5EC7u;
}

static void section_groups_free(kam_ctx *ctx, section_groups *sg, size_t n_items) {
  kam__free(ctx, sg->order, (n_items + 1) * sizeof *sg->order);
  kam__free(ctx, sg->start, (n_items + 1) * sizeof *sg->start);
}

static int group_sections(const kam_proposal *p, section_groups *sg) {
  size_t n = p->items.len, cap = 16, i, g;
  size_t *group, *first;
  uint32_t *slots;
  memset(sg, 0, sizeof *sg);
  while (cap < 2 * n)
    cap *= 2;
  /* n + 1 everywhere: never a request of 0 bytes (which is NULL) */
  sg->order = (size_t *)kam__alloc_array(p->ctx, n + 1, sizeof *sg->order);
  sg->start = (size_t *)kam__alloc_array(p->ctx, n + 1, sizeof *sg->start);
  group = (size_t *)kam__alloc_array(p->ctx, n + 1, sizeof *group);
  first = (size_t *)kam__alloc_array(p->ctx, n + 1, sizeof *first);
  slots = (uint32_t *)kam__alloc_array(p->ctx, cap, sizeof *slots);
  if (!sg->order || !sg->start || !group || !first || !slots || n >= UINT32_MAX) {
    section_groups_free(p->ctx, sg, n);
    memset(sg, 0, sizeof *sg);
  } else {
    memset(slots, 0, cap * sizeof *slots);
    memset(sg->start, 0, (n + 1) * sizeof *sg->start);
    for (i = 0; i < n; i++) {
      const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
      size_t slot;
      if (it->flags & KAM_ITEM_OPTIONAL) continue;
      slot = (size_t)section_hash(p->ctx, it->section) & (cap - 1);
      for (;;) {
        size_t f = slots[slot];
        if (!f) {
          first[sg->ngroups] = i;
          group[i] = sg->ngroups++;
          slots[slot] = (uint32_t)(i + 1);
          break;
        }
        if (same_section(KAM__LIST_AT(p, items, struct kam__item, f - 1)->section, it->section)) {
          group[i] = group[f - 1];
          break;
        }
        slot = (slot + 1) & (cap - 1);
      }
      sg->start[group[i] + 1]++;
    }
    for (g = 0; g < sg->ngroups; g++)
      sg->start[g + 1] += sg->start[g];
    /* first[] is free again: it becomes the next free place of each group */
    for (g = 0; g < sg->ngroups; g++)
      first[g] = sg->start[g];
    for (i = 0; i < n; i++)
      if (!(KAM__LIST_AT(p, items, struct kam__item, i)->flags & KAM_ITEM_OPTIONAL))
        sg->order[first[group[i]]++] = i;
  }
  kam__free(p->ctx, group, (n + 1) * sizeof *group);
  kam__free(p->ctx, first, (n + 1) * sizeof *first);
  kam__free(p->ctx, slots, cap * sizeof *slots);
  return sg->order ? KAM_OK : kam__nomem(p->ctx);
}

/* Appends line i (compact, shared) to arr; a no-op after an earlier failure. */
static void push_line(asm_state *a, kam_value *arr, kam_value *const *line, size_t i) {
  int rc;
  if (a->b.rc || !arr) return;
  if ((rc = kam__array_push_shared(arr, line[i])) != KAM_OK) a->b.rc = rc;
}

/* items (document order), sections (non-optional lines grouped, in order of first use),
 * optional_items, has_optional and table flags. Lines are numbered in the order shown. */
static void price_table(asm_state *a, kam_value *root, const kam__line_out *lines) {
  const kam_proposal *p = a->p;
  size_t n_items = p->items.len, i, j, shown = 0, noptional = 0, nsections = 0;
  size_t *number;
  kam_value *items, *sections, *optional, *table, **line;
  kam__compactor comp;
  section_groups sg;
  int rc;
  bool show_sku = false, show_discount = false, show_vat = false;
  number = (size_t *)kam__alloc_array(p->ctx, n_items, sizeof *number);
  if (!number) {
    if (!a->b.rc) a->b.rc = kam__nomem(p->ctx);
    return;
  }
  if ((rc = group_sections(p, &sg)) != KAM_OK) {
    if (!a->b.rc) a->b.rc = rc;
    kam__free(p->ctx, number, n_items * sizeof *number);
    return;
  }
  /* Display numbers: sections in order of first use, then the optional lines. */
  shown = sg.start ? sg.start[sg.ngroups] : 0;
  for (i = 0; i < shown; i++)
    number[sg.order[i]] = i + 1;
  for (i = 0; i < n_items; i++) {
    const struct kam__item *it = KAM__LIST_AT(p, items, struct kam__item, i);
    if (it->flags & KAM_ITEM_OPTIONAL) {
      number[i] = ++shown;
      noptional++;
    }
    if (it->sku) show_sku = true;
    if (it->discount_percent.coef != 0) show_discount = true;
    if (kam__decimal_cmp(it->vat_percent,
                         KAM__LIST_AT(p, items, struct kam__item, 0)->vat_percent) != 0)
      show_vat = true;
  }

  /* Each line is built once, copied compact into the model's arena (equal figures stored
   * once) and shared by items and sections[].items or optional_items. */
  /* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of node pointers */
  line = (kam_value **)kam__alloc_array(p->ctx, n_items, sizeof *line);
  if (!line) {
    if (!a->b.rc) a->b.rc = kam__nomem(p->ctx);
    kam__free(p->ctx, number, n_items * sizeof *number);
    section_groups_free(p->ctx, &sg, n_items);
    return;
  }
  kam__compactor_init(&comp, root);
  for (i = 0; i < n_items && !a->b.rc; i++) {
    kam_value *built = line_value(a, i, number[i], &lines[i]);
    line[i] = built ? kam__compact(&comp, built) : NULL;
    kam_value_free(built);
    if (!line[i] && !a->b.rc) a->b.rc = kam__nomem(p->ctx);
  }
  kam__compactor_free(&comp);

  items = set(a, root, "items", kam__vb_arr(&a->b));
  for (i = 0; i < n_items; i++)
    push_line(a, items, line, i);

  sections = set(a, root, "sections", kam__vb_arr(&a->b));
  for (j = 0; sg.start && j < sg.ngroups; j++) {
    const char *name = KAM__LIST_AT(p, items, struct kam__item, sg.order[sg.start[j]])->section;
    int64_t subtotal = 0;
    kam_value *sec, *list;
    nsections++;
    sec = kam__vb_push(&a->b, sections, kam__vb_obj(&a->b));
    set_str(a, sec, "name", name);
    set_bool(a, sec, "has_name", name != NULL);
    list = set(a, sec, "items", kam__vb_arr(&a->b));
    for (i = sg.start[j]; i < sg.start[j + 1]; i++) {
      push_line(a, list, line, sg.order[i]);
      /* Cannot overflow: the totals engine summed these nets already. */
      (void)kam__add_i64(&subtotal, subtotal, lines[sg.order[i]].net);
    }
    set(a, sec, "subtotal", money(a, subtotal));
  }

  optional = set(a, root, "optional_items", kam__vb_arr(&a->b));
  for (i = 0; i < n_items; i++)
    if (KAM__LIST_AT(p, items, struct kam__item, i)->flags & KAM_ITEM_OPTIONAL)
      push_line(a, optional, line, i);
  kam__free(p->ctx, line, n_items * sizeof *line); /* NOLINT(bugprone-sizeof-expression) */
  set_bool(a, root, "has_optional", noptional > 0);

  table = set(a, root, "table", kam__vb_obj(&a->b));
  set_bool(a, table, "show_sku", show_sku);
  set_bool(a, table, "show_discount", show_discount);
  set_bool(a, table, "show_vat", show_vat);
  /* Columns of the built-in tables: n, description, quantity, price, [discount], [vat], amount. */
  set(a, table, "columns", kam__vb_int(&a->b, 5 + show_discount + show_vat));
  set(a, table, "columns_before_amount", kam__vb_int(&a->b, 4 + show_discount + show_vat));
  set_bool(a, table, "multiple_sections", nsections > 1);
  kam__free(p->ctx, number, n_items * sizeof *number);
  section_groups_free(p->ctx, &sg, n_items);
}

static kam_value *totals_value(asm_state *a, const kam_totals *t, const kam__vat_group *g,
                               size_t ngroups) {
  kam_value *o = kam__vb_obj(&a->b), *rates;
  size_t i;
  bool any_rate = false;
  set(a, o, "gross", money(a, t->gross));
  set(a, o, "discount", money(a, t->discount));
  set(a, o, "net", money(a, t->net));
  set(a, o, "vat", money(a, t->vat));
  set(a, o, "total", money(a, t->total));
  set(a, o, "optional_total", money(a, t->optional_total));
  set_bool(a, o, "has_discount", t->discount != 0);
  rates = set(a, o, "vat_rates", kam__vb_arr(&a->b));
  for (i = 0; i < ngroups; i++) {
    kam_value *r;
    if (g[i].rate.coef == 0) continue;
    any_rate = true;
    r = kam__vb_push(&a->b, rates, kam__vb_obj(&a->b));
    set(a, r, "rate", percent_decimal(a, g[i].rate));
    set(a, r, "net", money(a, g[i].net));
    set(a, r, "vat", money(a, g[i].vat));
    set(a, r, "total", money(a, g[i].total));
  }
  set_bool(a, o, "has_vat", any_rate || t->vat != 0);
  set_bool(a, o, "no_vat", !(any_rate || t->vat != 0));
  set_bool(a, o, "prices_include_vat", a->p->prices_include_vat);
  set_bool(a, o, "vat_included", a->p->prices_include_vat && (any_rate || t->vat != 0));
  set_bool(a, o, "vat_on_top", !a->p->prices_include_vat && (any_rate || t->vat != 0));
  set_str(a, o, "rounding", a->p->rounding == KAM_ROUNDING_TOTAL ? "total" : "line");
  /* The total's caption says whether it includes VAT (labels total_due_*). */
  set_str(a, o, "total_caption",
          label(a, !(any_rate || t->vat != 0) ? "total_due_no_vat"
                   : a->p->prices_include_vat ? "total_due_vat_included"
                                              : "total_due_vat_on_top"));
  if (!a->p->prices_include_vat && (any_rate || t->vat != 0))
    set_str(a, o, "optional_caption",
            a->lang == L_RU ? "Сумма опций с НДС" : "Optional items total incl. VAT");
  else
    set_str(a, o, "optional_caption", a->lang == L_RU ? "Сумма опций" : "Optional items total");
  return o;
}

/* The amount in words (kam_money_words), or NULL text when the money module cannot say it. */
static kam_value *words_value(asm_state *a, int64_t amount) {
  char small[512], *big;
  size_t len = 0;
  kam_value *v;
  int rc = kam_money_words(small, sizeof small, &len, amount, a->p->currency, a->p->lang);
  if (rc == KAM_OK) return str(a, small);
  if (rc != KAM_ELIMIT) return kam__vb_null(&a->b);
  big = (char *)kam__alloc(a->p->ctx, len + 1);
  if (!big) {
    if (!a->b.rc) a->b.rc = kam__nomem(a->p->ctx);
    return NULL;
  }
  rc = kam_money_words(big, len + 1, &len, amount, a->p->currency, a->p->lang);
  v = rc == KAM_OK ? str(a, big) : kam__vb_null(&a->b);
  kam__free(a->p->ctx, big, len + 1);
  return v;
}

int kam_proposal_to_value(kam_value **out, const kam_proposal *p) {
  asm_state a;
  kam_totals t;
  kam__line_out *lines = NULL;
  kam__vat_group *groups = NULL;
  size_t ngroups = 0, i;
  double w[3];
  const char *source;
  kam_value *root, *o, *arr;
  kam_date until;
  char text[160];
  int rc, order[3], k;
  size_t *arg_order = NULL;
  kam__term term;
  double *flows = NULL;
  size_t nflows = 0;
  bool from_price = false;
  if (!out) return KAM_EINVAL;
  *out = NULL;
  if (!p) return KAM_EINVAL;
  if ((rc = kam__proposal_validate(p))) return rc;
  lines = (kam__line_out *)kam__alloc_array(p->ctx, p->items.len, sizeof *lines);
  if (!lines) return kam__nomem(p->ctx);
  memset(&t, 0, sizeof t);
  t.struct_size = sizeof t;
  if ((rc = compute(p, &t, lines, &groups, &ngroups))) goto done;
  if ((rc = emphasis(p, w, &source))) goto done;
  /* the term's figures, and the cash flows with the investment maybe from the price */
  if ((rc = kam__proposal_term(&term, p, lines))) goto done;
  if (p->has_cash_flows && (rc = kam__proposal_flows(p, &term, &flows, &nflows, &from_price)))
    goto done;

  memset(&a, 0, sizeof a);
  a.b.ctx = p->ctx;
  a.p = p;
  a.lang = strcmp(p->lang, "en") == 0 ? L_EN : L_RU;
  a.flows = flows;
  a.nflows = nflows;
  a.from_price = from_price;
  /* The root owns an arena: the price lines are copied into it compact (see price_table). */
  if ((rc = kam__value_new_root(&root, p->ctx, KAM_VALUE_OBJECT))) goto done;
  set_str(&a, root, "lang", p->lang);
  set_str(&a, root, "currency", p->currency);
  set_bool(&a, root, "is_ru", a.lang == L_RU);
  set_bool(&a, root, "is_en", a.lang == L_EN);
  o = set(&a, root, "labels", kam__vb_obj(&a.b));
  for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
    set_str(&a, o, labels[i][0], labels[i][1 + a.lang]);

  /* Title, parties and date. */
  set_str(&a, root, "title", p->title ? p->title : labels[0][1 + a.lang]);
  set_bool(&a, root, "has_title", p->title != NULL);
  o = set(&a, root, "seller", kam__vb_obj(&a.b));
  set_str(&a, o, "name", p->seller_name);
  set_str(&a, o, "details", p->seller_details);
  o = set(&a, root, "client", kam__vb_obj(&a.b));
  set_str(&a, o, "name", p->client_name);
  set_str(&a, o, "context", p->client_context);
  set(&a, root, "issued", date_value(&a, p->issued));
  until = p->issued + p->valid_days;
  set(&a, root, "valid_until", date_value(&a, until));
  set(&a, root, "valid_days", kam__vb_int(&a.b, p->valid_days));

  /* The client's context is under client; then the benefit and exclusivity. */
  set_str(&a, root, "summary", p->summary);
  set_str(&a, root, "exclusive", p->exclusive);

  /* number, version, addressee, signatory; the arguments by criteria weight */
  identity_value(&a, root);
  {
    size_t na = p->arguments.len;
    double *aw = (double *)kam__alloc_array(p->ctx, na + 1, sizeof *aw);
    arg_order = (size_t *)kam__alloc_array(p->ctx, na + 1, sizeof *arg_order);
    if (!aw || !arg_order) {
      rc = kam__nomem(p->ctx);
    } else {
      kam__proposal_argument_weights(p, aw);
      rc = order_by_weight(p->ctx, aw, na, arg_order);
    }
    kam__free(p->ctx, aw, (na + 1) * sizeof *aw);
    if (rc) {
      kam_value_free(root);
      goto done;
    }
    a.arg_order = arg_order;
  }

  /* The argument blocks by the DMU's emphasis, and their parts for custom templates. */
  set(&a, root, "blocks", blocks_value(&a, w));
  arr = set(&a, root, "arguments", kam__vb_arr(&a.b));
  for (i = 0; i < p->arguments.len; i++) {
    const struct kam__argument *g = KAM__LIST_AT(p, arguments, struct kam__argument, i);
    kam_value *e = kam__vb_push(&a.b, arr, kam__vb_obj(&a.b));
    set_str(&a, e, "style", kam_style_name(g->style));
    set_str(&a, e, "title", g->title);
    set_str(&a, e, "text", g->text);
  }
  set(&a, root, "references", references_value(&a));
  set(&a, root, "figures", figures_value(&a));
  set(&a, root, "finance", finance_value(&a));
  criteria_value(&a, root);

  /* The price table with totals and the amount in words. */
  price_table(&a, root, lines);
  o = set(&a, root, "totals", totals_value(&a, &t, groups, ngroups));
  /* with recurring lines the table's total is one period of each line: its caption says
   * so, and the amount to pay (in words, split by the payments) is the contract value. */
  if (term.recurring && o) {
    bool vat = t.vat != 0;
    for (i = 0; i < ngroups; i++)
      vat = vat || groups[i].rate.coef != 0;
    set_str(&a, o, "total_caption",
            a.lang == L_RU ? (!vat ? "Итого по таблице без НДС (регулярные "
                                     "платежи — за один период)"
                              : p->prices_include_vat ? "Итого по таблице, включая НДС "
                                                        "(регулярные платежи — за один период)"
                                                      : "Итого по таблице с НДС (регулярные "
                                                        "платежи — за один период)")
                           : (!vat                    ? "Table total, VAT not applicable "
                                                        "(recurring charges for one period)"
                              : p->prices_include_vat ? "Table total, VAT included (recurring "
                                                        "charges for one period)"
                                                      : "Table total incl. VAT (recurring "
                                                        "charges for one period)"));
  }
  if (o) kam__term_model(&a.b, root, o, p, &term, a.lang == L_EN);
  set(&a, root, "amount_in_words", words_value(&a, term.contract_value));

  /* Terms, the team, the DMU emphasis (for custom templates), and last the validity. */
  set_str(&a, root, "terms", p->terms);
  arr = set(&a, root, "team", kam__vb_arr(&a.b));
  for (i = 0; i < p->team.len; i++) {
    const struct kam__person *m = KAM__LIST_AT(p, team, struct kam__person, i);
    kam__vb_push(&a.b, arr, person(&a, m->name, m->position, m->phone, m->email));
  }
  set_bool(&a, root, "has_team", p->team.len > 0);
  o = set(&a, root, "dmu", kam__vb_obj(&a.b));
  set_str(&a, o, "source", source);
  arr = set(&a, o, "emphasis", kam__vb_arr(&a.b));
  styles_by_weight(w, order);
  for (k = 0; k < 3; k++) {
    kam_value *e = kam__vb_push(&a.b, arr, kam__vb_obj(&a.b));
    char plain[KAM__DECIMAL_TEXT_CAP];
    set_str(&a, e, "style", kam_style_name(order[k]));
    set(&a, e, "weight", kam__vb_double(&a.b, w[order[k]]));
    if (!fixed_plain(plain, w[order[k]] * 100, 0)) memcpy(plain, "0", 2);
    set_str(&a, e, "weight_percent", plain);
  }
  {
    char until_text[64], ignored[64];
    date_texts(&a, until, ignored, until_text, ignored);
    if (a.lang == L_RU)
      snprintf(text, sizeof text, "Предложение действительно до %s", until_text);
    else
      snprintf(text, sizeof text, "Valid until %s", until_text);
    set_str(&a, root, "validity", text);
  }
  rc = a.b.rc;
  if (rc) {
    kam_value_free(root);
  } else {
    *out = root;
  }
done:
  kam__free(p->ctx, lines, p->items.len * sizeof *lines);
  kam__free(p->ctx, groups, ngroups * sizeof *groups);
  kam__free(p->ctx, arg_order, (p->arguments.len + 1) * sizeof *arg_order);
  kam__free(p->ctx, flows, nflows * sizeof *flows);
  return rc;
}

/* ---- the lines for the pre-send check ---------------------------------- */

int kam__proposal_lines(const kam_proposal *p, kam_totals *totals, kam__line_out *lines) {
  return compute(p, totals, lines, NULL, NULL);
}

/* ---- model pieces shared with the plan (plan_assemble.c) --------------------------------- */

void kam__model_localise(char *out, size_t cap, const char *plain, bool ru) {
  localise(out, cap, plain, ru ? L_RU : L_EN);
}

/* An assembly state over the caller's builder, in p's language. */
static void borrow(asm_state *a, const kam__vb *b, const kam_proposal *p) {
  a->b = *b;
  a->p = p;
  a->lang = strcmp(p->lang, "en") ? L_RU : L_EN;
}

/* Hands the builder's state back to the caller's b; returns v. */
static kam_value *give_back(kam__vb *b, const asm_state *a, kam_value *v) {
  *b = a->b;
  return v;
}

kam_value *kam__model_money(kam__vb *b, const kam_proposal *p, int64_t minor) {
  asm_state a;
  borrow(&a, b, p);
  return give_back(b, &a, money(&a, minor));
}

kam_value *kam__model_date(kam__vb *b, const kam_proposal *p, kam_date d) {
  asm_state a;
  borrow(&a, b, p);
  return give_back(b, &a, date_value(&a, d));
}

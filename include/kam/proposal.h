/*
 * kam/proposal.h - commercial proposals for key clients: the document, its exact price table,
 * the assembled document model and its rendering (Markdown, HTML, text, JSON) in Russian and
 * English.
 *
 * The document
 *   A kam_proposal holds what a key account manager writes: language and currency, title,
 *   seller and client, the client's context, the benefit (summary) and exclusive terms, the
 *   issue date and how many days the offer stands, arguments for each communication style,
 *   references with contacts, figures, projected cash flows, the price lines, VAT rules, the
 *   team that prepared it, the client's decision-making unit (stakeholders) and the terms.
 *   It is built with the setters below or read from JSON (kam_proposal_from_json), and written
 *   back to JSON without loss (kam_proposal_write_json).
 *
 * The JSON document (every key optional; key order free):
 *
 *   { "lang": "ru" | "en",                     default "ru"
 *     "currency": "RUB",                       ISO 4217 code, default "RUB"
 *     "title": "...",
 *     "seller": {"name": "...", "details": "..."},
 *     "client": {"name": "...", "context": "..."},
 *     "summary": "...", "exclusive": "...",
 *     "issued": "2026-11-27", "valid_days": 30,
 *     "arguments": [{"style": "authority|relational|analytical", "title": "...", "text": "..."}],
 *     "references": [{"company": "...", "project": "...", "result": "...",
 *                     "contact": {"name": "...", "position": "...", "phone": "...",
 *                                 "email": "..."}}],
 *     "figures": [{"label": "...", "value": 12.5 | "text", "unit": "%"}],
 *     "cash_flows": {"rate": 0.12, "values": [-1000000, 400000, ...],
 *                    "period": "year" | "quarter" | "month",          period: default "year"
 *                    "investment": "auto"},    the investment from the price (see below)
 *     "items": [{"sku": "...", "description": "...", "unit": "...", "quantity": "2.5",
 *                "unit_price": "1000.00", "discount_percent": "5", "vat_percent": "20",
 *                "optional": false, "section": "...",
 *                "period": "once" | "month" | "quarter" | "year"}],  period: default "once";
 *                unit may also be the item's own forms {"one": "...", "few": "...",
 *                "many": "..."} (any of them; see kam_item)
 *     "term_months": 36,                          the contract term, 1..1200
 *     "payments": [{"label": "...", "percent": "30" | "amount": "150000.00",
 *                   "due": "2026-12-15" | "days": 10}],
 *     "prices_include_vat": false, "rounding": "line" | "total",
 *     "team": [{"name": "...", "position": "...", "phone": "...", "email": "..."}],
 *     "stakeholders": [{"name": "...", "title": "...", "role": "finance", "email": "...",
 *                       "phone": "...", "influence": 0.8, "attitude": 2,
 *                       "buying_roles": ["economic", "user", "technical", "coach"],
 *                       "traits": {"dominance": 0.3, "people": 0.2, "detail": 0.9}}],
 *     "terms": "...",
 *     "number": "КП-2026/118", "version": "2",
 *     "addressee": "<a stakeholder's name>" | {"name": "...", "position": "..."},
 *     "signatory": {"name": "...", "position": "..."},
 *     "criteria": [{"name": "...", "weight": 0.3, "stakeholder": "...", "arguments": [0, 2]}],
 *     "alternatives": [{"name": "...", "points": {"<criterion name>": "text", ...}}] }
 *
 *   - items[].cost: the seller's cost of one unit (decimal text, like unit_price). It is never
 *     rendered; the pre-send check compares the margin with a floor (margin_below_floor).
 *   - criteria[].arguments are indexes into "arguments"; criteria[].stakeholder and a string
 *     addressee name stakeholders (a name that matches none is the check's unknown_reference).
 *     alternatives[].points are keyed by the names of criteria.
 *
 *   - Amounts, quantities and percents are decimal strings ("1000.00", "2.5", "1 000,50" is NOT
 *     accepted: no group separators; a decimal comma "2,5" is) or JSON numbers; both are
 *     converted exactly from their text (1e3 and 1.5E2 included), never through a double.
 *     unit_price may not have more decimals than the currency has (RUB 2, JPY 0, BHD 3).
 *   - Unknown keys are an error (KAM_EPARSE naming the path), so a typo ("valid_day") cannot
 *     silently drop a part of a document that goes to a client. Keys that begin with "_" are
 *     comments: they are ignored and not kept.
 *   - Strings must not contain U+0000.
 *   - Errors name the JSON path and the place: "items[3].unit_price: '10.005' has more decimals
 *     than RUB allows (2) (line 41, column 25)".
 *
 * Completeness
 *   A draft may lack anything: it can be built, written to JSON and read back. What goes to a
 *   client needs `issued`, `valid_days`, a seller name, a client name and at least one price line;
 *   kam_proposal_to_value, kam_proposal_render and kam_proposal_render_template return
 *   KAM_ESTATE without them, naming every missing part ("the proposal is incomplete: missing
 *   seller.name, client.name, issued, valid_days, items"). kam_proposal_totals needs only the
 * items.
 *
 * Totals (exact, minor units, rounding half away from zero at each step)
 *   line_gross    = round(quantity * unit_price)
 *   line_discount = round(line_gross * discount_percent / 100)
 *   line_net      = line_gross - line_discount
 *   rounding "line":  line_vat = round(line_net * v / 100), summed;
 *   rounding "total": VAT is rounded once per VAT rate on the summed nets of that rate.
 *   prices_include_vat: the VAT is extracted, vat = round(net * v / (100 + v)), total = net;
 *   otherwise total = net + vat. Optional lines stay out of the totals; optional_total is what
 *   they would add (their line totals). Any overflow is KAM_EOVERFLOW naming the item.
 *
 * Thread rules: as for the owning ctx (one thread at a time). A proposal only reads a kam_dmu
 * given to kam_proposal_set_dmu.
 */
#ifndef KAM_PROPOSAL_H
#define KAM_PROPOSAL_H

#include "common.h"
#include "dmu.h"
#include "finding.h"
#include "money.h" /* kam_money_*: declared here before money.h existed */
#include "template.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A commercial proposal. Opaque; made by kam_proposal_new or kam_proposal_from_json. */
typedef struct kam_proposal kam_proposal;

/** Creates an empty draft: lang "ru", currency "RUB", rounding "line", prices without VAT,
 *  nothing else set.
 *  @return KAM_OK, KAM_EINVAL (out or ctx NULL), KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_proposal_new(kam_proposal **out, kam_ctx *ctx);

/** Frees a proposal and everything it owns (not a kam_dmu given to kam_proposal_set_dmu).
 *  NULL is a no-op. */
KAM_API void kam_proposal_free(kam_proposal *p);

/** Reads a proposal from its JSON document (see the top of this header).
 *  json[0..len) must be UTF-8 JSON (RFC 8259, strict). The result may be an incomplete draft.
 *  Bounds: time linear in len (the parse, then one pass over the document); memory at the peak
 *  that of kam_json_parse (under 12 times the text) plus the proposal, which keeps about the
 *  size of the text.
 *  @return KAM_OK; KAM_EINVAL (out, ctx or json NULL); KAM_EPARSE (not JSON: the message has
 *  line and column; or a part of the wrong type, an unknown key, a bad amount, date, style,
 *  role: the message names the JSON path, e.g. "items[3].unit_price", and its line and
 *  column); KAM_EOVERFLOW (an amount too large for int64 minor units); KAM_ELIMIT (nesting
 *  deeper than the JSON parser allows); KAM_ENOMEM. On failure *out is NULL. */
KAM_API int kam_proposal_from_json(kam_proposal **out, kam_ctx *ctx, const char *json, size_t len);

/** Writes the proposal as its JSON document (pretty, two-space indentation, keys in the order
 *  of the document above, parts that are not set left out). Amounts are decimal strings with
 *  the currency's digits ("1000.00"), quantities and percents decimal strings in plain form
 *  ("2.5", "20"). Lossless: kam_proposal_from_json of the output gives an equal proposal, and
 *  writing that again gives the same bytes.
 *  @return KAM_OK, KAM_EINVAL (p or write NULL), KAM_ENOMEM, or the write callback's nonzero
 *  status unchanged. */
KAM_API int kam_proposal_write_json(const kam_proposal *p, kam_write_fn write, void *ud);

/* --- Simple parts ---------------------------------------------------------------------------
 * Text setters copy the NUL-terminated UTF-8 string; NULL (or "") clears the part. A failing
 * setter leaves the proposal unchanged and names the field in the ctx message.
 * They return KAM_OK, KAM_EINVAL (p NULL, text not valid UTF-8, or a value out of range),
 * KAM_ENOMEM. */

/** Language of the rendered document: "ru" or "en" (any case). NULL resets to "ru". */
KAM_API int kam_proposal_set_lang(kam_proposal *p, const char *lang);
/** ISO 4217 currency code, three letters (any case, stored upper case); NULL resets to "RUB".
 *  The minor unit digits follow the currency (RUB, USD, EUR 2; JPY, KRW 0; BHD, KWD 3; other
 *  codes 2). Unit prices already set are rescaled exactly; if a price cannot be expressed in
 *  the new currency's digits (10.50 in JPY) it is KAM_EINVAL naming the item, and nothing
 *  changes. Overflow while rescaling is KAM_EOVERFLOW. */
KAM_API int kam_proposal_set_currency(kam_proposal *p, const char *currency);
KAM_API int kam_proposal_set_title(kam_proposal *p, const char *title);
/** The seller: its name and details (address, registration, contacts), each NULL to clear. */
KAM_API int kam_proposal_set_seller(kam_proposal *p, const char *name, const char *details);
/** The client: its name (required for a complete proposal) and what we understand of its
 *  status and business (context), each NULL to clear. */
KAM_API int kam_proposal_set_client(kam_proposal *p, const char *name, const char *context);
/** The benefit of working together. */
KAM_API int kam_proposal_set_summary(kam_proposal *p, const char *summary);
/** The exclusive terms offered to this client. */
KAM_API int kam_proposal_set_exclusive(kam_proposal *p, const char *exclusive);
/** Payment and delivery terms. */
KAM_API int kam_proposal_set_terms(kam_proposal *p, const char *terms);
/** The issue date. KAM_EINVAL if the date is outside years 1..9899, so that valid_until
 *  (issued + valid_days, at most 36500) is always a date of years 1..9999. */
KAM_API int kam_proposal_set_issued(kam_proposal *p, kam_date issued);
/** How many days the offer stands, 0..36500 (0: only on the issue day). The proposal is valid
 *  until issued + valid_days. */
KAM_API int kam_proposal_set_valid_days(kam_proposal *p, int32_t valid_days);
/** Whether unit prices include VAT (nonzero) or not (0, the default). */
KAM_API int kam_proposal_set_prices_include_vat(kam_proposal *p, int include);

/** VAT rounding (JSON "rounding"). */
enum {
  KAM_ROUNDING_LINE = 0, /**< "line": VAT rounded on each line, then summed (default) */
  KAM_ROUNDING_TOTAL = 1 /**< "total": VAT rounded once per rate on the summed nets */
};
/** @return KAM_OK, KAM_EINVAL (unknown mode). */
KAM_API int kam_proposal_set_rounding(kam_proposal *p, int rounding);

/* --- Records --------------------------------------------------------------------------------
 * Each record starts with struct_size (set it to sizeof); fields past struct_size read as
 * zero/NULL. The strings are copied. kam_proposal_add_* append to the list; on failure the
 * proposal is unchanged and the message names the field as its JSON path
 * ("items[3].quantity: '-2' must not be negative").
 * They return KAM_OK, KAM_EINVAL (p or the record NULL, struct_size too small or above 64 KiB,
 * a required field missing, a value out of range, text not UTF-8), KAM_EOVERFLOW (an amount too
 * large), KAM_ENOMEM. */

/** An argument for the readers of one communication style (KAM_STYLE_* from kam/dmu.h).
 *  text is required; title is optional. */
typedef struct kam_argument {
  uint32_t struct_size;
  int32_t style; /**< KAM_STYLE_AUTHORITY, KAM_STYLE_RELATIONAL or KAM_STYLE_ANALYTICAL */
  const char *title;
  const char *text;
} kam_argument;
KAM_API int kam_proposal_add_argument(kam_proposal *p, const kam_argument *a);

/** A reference: a company we worked for, what we did, the result, and a contact there who will
 *  recommend us. company is required; everything else is optional. */
typedef struct kam_reference {
  uint32_t struct_size;
  uint32_t reserved; /**< 0 */
  const char *company, *project, *result;
  const char *contact_name, *contact_position, *contact_phone, *contact_email;
} kam_reference;
KAM_API int kam_proposal_add_reference(kam_proposal *p, const kam_reference *r);

/** A figure (a statistic): label, value and unit ("Снижение затрат", 12.5, "%").
 *  The value is the number `value` (finite) unless value_text is set, in which case that text
 *  is the value and is shown as it is ("24/7"). label is required. Numbers are shown in the
 *  proposal's language (12,5 in Russian). */
typedef struct kam_figure {
  uint32_t struct_size;
  uint32_t reserved; /**< 0 */
  const char *label;
  double value;
  const char *unit;
  const char *value_text;
} kam_figure;
KAM_API int kam_proposal_add_figure(kam_proposal *p, const kam_figure *f);

/** Periods of the cash flows (JSON "period"). */
enum { KAM_PERIOD_YEAR = 0, KAM_PERIOD_QUARTER = 1, KAM_PERIOD_MONTH = 2 };
/** kam_cash_flows.investment: where the investment at t = 0 comes from.
 *  - KAM_INVESTMENT_GIVEN: values[0] is the flow at t = 0 (usually the negative investment),
 *    as written. When values[0] is positive the values are savings from period 1 on and the
 *    investment is taken from the price, as with KAM_INVESTMENT_AUTO.
 *  - KAM_INVESTMENT_AUTO (JSON "investment": "auto"): values are the savings of periods 1..n,
 *    and the price table gives the costs: the first-year cost (with VAT, kam_totals.first_year)
 *    is the flow at t = 0; with yearly flows and a term of several years, the cost of contract
 *    year k + 1 is taken from the flow at t = k (paid at the start of that year), the flows
 *    going on (with no savings) until every year's cost is in. The values
 *    stay as given (the JSON document keeps them). */
enum { KAM_INVESTMENT_GIVEN = 0, KAM_INVESTMENT_AUTO = 1 };
/** Projected cash flows of the client's investment, in major units of the proposal's currency,
 *  one per period, values[0] at t = 0 (usually the negative investment). rate is the discount
 *  rate per period (0.12 = 12 %), finite and > -1; 1 <= count <= 1000; every value finite. */
typedef struct kam_cash_flows {
  uint32_t struct_size;
  int32_t period; /**< KAM_PERIOD_* */
  double rate;
  const double *values;
  size_t count;
  /* Appended: where the investment comes from. */
  int32_t investment; /**< KAM_INVESTMENT_GIVEN (0) or KAM_INVESTMENT_AUTO */
  uint32_t reserved;  /**< 0 */
} kam_cash_flows;
/** Sets the cash flows (copied); NULL clears them. investment must be a KAM_INVESTMENT_*. */
KAM_API int kam_proposal_set_cash_flows(kam_proposal *p, const kam_cash_flows *cf);

/** kam_item.flags */
enum { KAM_ITEM_OPTIONAL = 1u << 0 /**< offered, but left out of the totals */ };
/** A price line. description is required. Decimal texts: optional '-' (refused where a value
 *  must not be negative), digits, '.' or ',' and digits, optional exponent ("2.5", "1e3").
 *  - quantity: NULL means "1"; must be >= 0; at most 9 decimals.
 *  - the unit price: unit_price_text (decimal text in major units, "1000.00") when not NULL,
 *    else unit_price in minor units of the proposal's currency; must be >= 0 and have no more
 *    decimals than the currency.
 *  - discount_percent, vat_percent: NULL means 0; 0..100, at most 6 decimals.
 *  - section: lines with the same section are shown together, sections in order of first use. */
typedef struct kam_item {
  uint32_t struct_size;
  uint32_t flags; /**< KAM_ITEM_OPTIONAL */
  const char *sku, *description, *unit;
  const char *quantity;
  int64_t unit_price;
  const char *unit_price_text;
  const char *discount_percent;
  const char *vat_percent;
  const char *section;
  /* issue 15 (pre-send check): appended */
  const char *cost; /**< the seller's cost of one unit, decimal text in major units like
                         unit_price_text (>= 0, the currency's decimals); NULL: none. Never
                         rendered: the check's margin_below_floor uses it. */
  /* Appended: recurrence and the item's own unit forms. */
  int32_t period;     /**< KAM_RECUR_*: once (0, the default), month, quarter or year */
  uint32_t reserved2; /**< 0 */
  /** The item's own unit forms, used instead of the built-in dictionary when one is set
   *  (JSON "unit": {"one": "...", "few": "...", "many": "..."}): Russian one (1, 21), few
   *  (2-4, 22) and many (0, 5-20, 25); a fraction takes few (the genitive singular: "2,5
   *  группы"). English: one for exactly 1, else many (few unused). Missing forms fall back:
   *  few to many, many to few, then to one. Each NULL when not given. */
  const char *unit_one, *unit_few, *unit_many;
} kam_item;
KAM_API int kam_proposal_add_item(kam_proposal *p, const kam_item *item);

/** The unit of measure in the form that agrees with a quantity, as price lines print it
 *  ("2 группы", "5 групп", "2,5 группы", "21 час", "320,5 часа"; "1 webinar", "14 webinars",
 *  "2.5 hours"). The text written is the unit alone, without the quantity.
 *  - Russian: one (1, 21, 101), few (2-4, 22), many (0, 5-20, 25, 111) and, after a fraction,
 *    the genitive singular ("2,5 рабочего места"); English: the singular for exactly 1, else
 *    the plural. Trailing zeros of the fraction do not make a fraction ("5.00" is five).
 *  - The built-in dictionary knows шт./штука, час, день, неделя, месяц, квартал, год,
 *    пользователь, лицензия, рабочее место, группа, вебинар, курс, комплект, услуга, чел.-час,
 *    чел.-день and piece, unit, hour, day, week, month, quarter, year, user, licence/license,
 *    seat, workplace, group, webinar, course, set, kit, service, person-hour, person-day,
 *    person-week, man-day; a unit is recognised in any of its forms ("группы" as "группа").
 *  - A unit ending in '.' (an abbreviation: "шт.", "мес.", "чел.-нед.") and a unit the
 *    dictionary does not know are written as given.
 *  quantity: exact decimal text ("320.5" or "320,5", optional sign, optional exponent).
 *  lang: "ru" or "en". Text goes to buf under the contract of kam/common.h ("Text into a
 *  caller's buffer").
 *  @return KAM_OK, KAM_ELIMIT (buf too small: *len says the size), KAM_EINVAL (unit, quantity
 *  or lang NULL, lang not "ru"/"en", buf NULL with cap > 0), KAM_EPARSE (quantity is not a
 *  decimal number, or has more than 18 decimals / does not fit 64 bits). */
KAM_API int kam_unit_format(char *buf, size_t cap, size_t *len, const char *unit,
                            const char *quantity, const char *lang);

/** A member of the team that prepared the proposal (or a contact). name is required. */
typedef struct kam_person {
  uint32_t struct_size;
  uint32_t reserved; /**< 0 */
  const char *name, *position, *phone, *email;
} kam_person;
KAM_API int kam_proposal_add_team_member(kam_proposal *p, const kam_person *m);

/** A person of the client's decision-making unit (kam/dmu.h's record). name is required;
 *  the rest is checked and typed exactly as kam_dmu_add does (same limits and error codes:
 *  role KAM_ROLE_UNKNOWN..KAM_ROLE_MARKETING, unknown read from the title; influence 0..1 or
 *  NaN (unknown); attitude -5..+5; buying_roles KAM_BUYER_* bits; traits 0..1 or NaN (not
 *  observed); text that is not UTF-8 is KAM_EPARSE), once, when the stakeholder is added; the
 *  message names the field ("stakeholders[2].influence: ..."). Unless kam_proposal_set_dmu
 *  gave a DMU, the argument blocks are ordered by the emphasis of these stakeholders. */
KAM_API int kam_proposal_add_stakeholder(kam_proposal *p, const kam_stakeholder *s);

/** Orders the argument blocks by this DMU's emphasis (kam_dmu_emphasis) instead of the
 *  stakeholders of the document. The DMU is borrowed: it must stay alive and unchanged while
 *  the proposal uses it (until it is freed or kam_proposal_set_dmu(p, NULL)). It is not part of
 *  the JSON document. @return KAM_OK, KAM_EINVAL (p NULL). */
KAM_API int kam_proposal_set_dmu(kam_proposal *p, const kam_dmu *dmu);

/* --- Reading and clearing parts ------------------------------------------------------------ */

/** Parts of a proposal, for kam_proposal_clear and kam_proposal_count. */
enum {
  KAM_PROPOSAL_LANG = 1,
  KAM_PROPOSAL_CURRENCY,
  KAM_PROPOSAL_TITLE,
  KAM_PROPOSAL_SELLER,
  KAM_PROPOSAL_CLIENT,
  KAM_PROPOSAL_SUMMARY,
  KAM_PROPOSAL_EXCLUSIVE,
  KAM_PROPOSAL_ISSUED,
  KAM_PROPOSAL_VALID_DAYS,
  KAM_PROPOSAL_ARGUMENTS,
  KAM_PROPOSAL_REFERENCES,
  KAM_PROPOSAL_FIGURES,
  KAM_PROPOSAL_CASH_FLOWS,
  KAM_PROPOSAL_ITEMS,
  KAM_PROPOSAL_PRICES_INCLUDE_VAT,
  KAM_PROPOSAL_ROUNDING,
  KAM_PROPOSAL_TEAM,
  KAM_PROPOSAL_STAKEHOLDERS,
  KAM_PROPOSAL_TERMS,
  KAM_PROPOSAL_DMU,
  /* identity, criteria, the term and the payment schedule */
  KAM_PROPOSAL_NUMBER, /**< number and version */
  KAM_PROPOSAL_ADDRESSEE,
  KAM_PROPOSAL_SIGNATORY,
  KAM_PROPOSAL_CRITERIA, /**< clearing the criteria clears the alternatives too */
  KAM_PROPOSAL_ALTERNATIVES,
  KAM_PROPOSAL_TERM_MONTHS, /**< kam_proposal_set_term_months */
  KAM_PROPOSAL_PAYMENTS     /**< kam_proposal_add_payment */
};
/** Resets one part to its state in a new proposal (a list becomes empty, lang "ru", currency
 *  "RUB", rounding "line", no DMU). Only the currency can fail: going back to RUB rescales the
 *  unit prices as kam_proposal_set_currency does (a 3-digit price such as 1.005 BHD cannot
 *  become RUB: KAM_EINVAL, nothing changes).
 *  @return KAM_OK, KAM_EINVAL (p NULL, unknown part, or the currency as said),
 *  KAM_EOVERFLOW, KAM_ENOMEM (the currency only). */
KAM_API int kam_proposal_clear(kam_proposal *p, int part);
/** How many entries a list part holds (arguments, references, figures, items, team,
 *  stakeholders, cash flow values); for the other parts 1 if set and 0 if not (lang, currency
 *  and rounding are always set). 0 for p NULL or an unknown part. */
KAM_API size_t kam_proposal_count(const kam_proposal *p, int part);
/** Checks that the proposal is complete enough to render (see Completeness). (Before the
 *  pre-send check existed this was kam_proposal_check.)
 *  @return KAM_OK, KAM_EINVAL (p NULL), KAM_ESTATE with a message listing every missing part. */
KAM_API int kam_proposal_validate(const kam_proposal *p);

/* --- Totals, the model and rendering ------------------------------------------------------- */

/** The totals of the price table, in minor units of the proposal's currency. */
typedef struct kam_totals {
  uint32_t struct_size;
  uint32_t reserved;
  int64_t gross;          /**< sum of line_gross */
  int64_t discount;       /**< sum of line_discount */
  int64_t net;            /**< gross - discount (with prices_include_vat: VAT included) */
  int64_t vat;            /**< VAT added, or included (extracted) with prices_include_vat */
  int64_t total;          /**< what the client pays: net + vat, or net when VAT is included */
  int64_t optional_total; /**< what the optional lines would add to total */
  /* Appended: the contract term (see "Recurring lines and the term"). */
  int64_t first_year;     /**< what the client pays in contract year 1 (like total) */
  int64_t contract_value; /**< what the client pays over the whole term (like total) */
  int32_t term_months;    /**< the term used: term_months, or 12 when not set */
  int32_t years;          /**< contract years: ceil(term_months / 12) */
} kam_totals;
/** Computes the totals (see Totals above), and the term's first_year, contract_value,
 *  term_months and years (see "Recurring lines, the contract term and the payment schedule"
 *  below). out->struct_size must be set; fields past it are not written. Cost: O(n log n) time and
 * O(n) memory for n items, however many VAT rates.
 *  @return KAM_OK, KAM_EINVAL (NULL pointers, struct_size too small or above 64 KiB),
 *  KAM_ESTATE (no items),
 *  KAM_EOVERFLOW (a line or sum does not fit in int64: the message names the item),
 *  KAM_ENOMEM. */
KAM_API int kam_proposal_totals(kam_totals *out, const kam_proposal *p);

/** Assembles the document model that the templates render: a new kam_value object (owned by the
 *  caller: kam_value_free) made in the proposal's ctx. Memory: each price line is built once,
 *  stored compact (as a parsed tree is; equal figures such as a zero discount are stored
 *  once) and shared by items and sections[].items or optional_items. At its peak the call
 *  takes under 20 times the proposal's JSON document: about 1 KB per line plus the line's own
 *  text, and the fixed part. As in a parsed tree, the root can be changed with the builders;
 *  the nodes under it are read-only, and the same line node appears in two places. Labels
 *  and formatted figures are in the proposal's language, so a template needs no logic of its
 *  own. Every computed figure is given formatted and raw:
 *    money    {"minor": 123456, "amount": "1234.56", "text": "1 234,56 ₽"} (kam_money_format)
 *    decimal  {"value": 2.5 (the exact number), "text": "2,5"}; percents "20 %" / "20%"
 *    date     {"iso": "2026-12-27", "text": "27.12.2026" | "27 December 2026",
 *              "long": "27 декабря 2026 г." | "27 December 2026"}
 *  Absent text is null. Top-level keys, in the order the document is assembled:
 *    lang, currency, is_ru, is_en, labels {every heading and caption, in lang},
 *    title (the document's, or labels.proposal), has_title (the document gave one),
 *    seller {name, details}, client {name, context},
 *    issued (date), valid_until (date), valid_days, summary, exclusive,
 *    blocks: the argument blocks, heaviest DMU emphasis first (ties: authority, relational,
 *      analytical); a block without content is left out. Each has every key, so Mustache's
 *      context lookup never reaches a key of the document from inside a block:
 *      {style, heading, weight (0..1), weight_percent, is_authority, is_relational,
 *       is_analytical, arguments [{title, text}], has_arguments,
 *       exclusive (AUTHORITY: the exclusive terms; else false),
 *       references (RELATIONAL: as below; else []), has_references,
 *       figures (ANALYTICAL: as below; else []), has_figures,
 *       finance (ANALYTICAL with cash flows: as below; else false)},
 *    arguments [{style, title, text}] (all of them, for custom templates),
 *    references [{company, project, result, contact {name, position, phone, email} | false}],
 *    figures [{label, value (number or text as given), unit, text ("12,5 %")}],
 *    finance: false without cash flows, else {rate {value, text}, period, convention "t0",
 *      npv (money, plus "value": the double) | false, irr {value, text} ({null, "—"} when there
 *      is none), payback {value, text} ({null, "not within the horizon"} when never),
 *      investment (money: minus the sum of the negative flows; taken from the price: the costs
 *      placed in the flows), investment_from_price, investment_caption and flows_caption (say
 * which), inflows (money: the sum of the positive ones, or of the savings), roi {value, text} |
 * false, flows [{label "Год 1", period, amount}] (the flows used: see KAM_INVESTMENT_AUTO)}. NPV is
 * KAM_NPV_T0 (numpy-financial): values[0] is at t = 0, undiscounted, since the investment is made
 * now. IRR is kam_irr; payback is kam_payback at the rate (discounted), interpolated within the
 * period. Projections are doubles: their money is rounded to minor units for display only. items:
 * every line in document order [{n (number as shown), sku, description, unit (in the form that
 * agrees with the quantity, kam_unit_format), unit_as_given, quantity (decimal), unit_price
 * (money), discount_percent (decimal), has_discount, vat_percent (decimal), no_vat, optional,
 * section, gross, discount, net, vat, total (money each: for one period of a recurring line),
 * period ("once", "month", ...), period_text ("в год" / "per year"; null for once)}], sections: the
 * non-optional lines by section, in order of first use [{name, has_name, items [...], subtotal
 * (money: the sum of the nets)}], optional_items [...], has_optional, table {show_sku,
 * show_discount, show_vat (lines differ in VAT), columns, columns_before_amount,
 * multiple_sections}, totals {gross, discount, net, vat, total, optional_total (money each),
 * has_discount, vat_rates [{rate (decimal), net, vat, total}] (per VAT rate above 0), has_vat,
 * no_vat, prices_include_vat, vat_included, vat_on_top, rounding, optional_caption, total_caption
 * (the total's caption, saying whether it includes VAT, and with recurring lines that the table
 * holds one period of them), first_year, contract_value (money)}, term {months, years, given, text
 * ("36 месяцев"), heading, year_caption, amount_caption, vat_caption, has_vat, total_caption,
 * vat_total (money)}, years [{year, months, label, net, vat, total}], has_years (a non-optional
 * line recurs), payments [{n, label, percent {value, text} | false, amount (money), due (date) |
 * false, days | null, when (the date, or "через 10 дней после подписания договора")}],
 *      has_payments, payment_labels {heading, payment, due, amount, total}, payments_total
 *      (money), payments_match (they add up to the contract value),
 *    amount_in_words (kam_money_words of totals.contract_value in lang: the amount to pay),
 *    terms, team [{name, position, phone, email}], has_team,
 *    dmu {source "stakeholders" | "dmu" | "none", emphasis [{style, weight, weight_percent}]},
 *    validity ("Предложение действительно до 27.12.2026" / "Valid until 27 December 2026").
 *  Identity and criteria (issue 15):
 *    number, version (text | null), reference_line ("№ КП-2026/118 от 27 ноября 2026 г.,
 *      версия 2"; without a number the long date), addressee false | {name, position (a
 *      stakeholder's title when the addressee is a stakeholder), organisation (client.name)},
 *      signatory false | {name, position}; each argument of blocks[].arguments has answers
 *      [names of the criteria it answers], and the arguments of a block are ordered by the
 *      summed weight of those criteria (see "The client's decision criteria");
 *    criteria [{name, weight {value, text "30 %"}, stakeholder, arguments [indexes]}] in
 *      document order, has_criteria, comparison false (no criteria or no alternatives) |
 *      {heading ("Почему мы" / "Why us"), ours_caption (the seller's name, or "Наше
 *      предложение"), alternatives [{name}], rows (heaviest first) [{criterion, weight, ours
 *      (the titles, or texts, of the arguments that answer it, "; "-joined; "—" when none),
 *      cells [{name, text ("—" when the alternative gives no point)}]}]}.
 *  @return KAM_OK, KAM_EINVAL (NULL pointers), KAM_ESTATE (incomplete: the message names every
 *  missing part), KAM_EOVERFLOW (the totals: the message names the item), KAM_ENOMEM, or an
 *  error of the DMU (kam_dmu_add / kam_dmu_emphasis). *out is NULL on failure. */
KAM_API int kam_proposal_to_value(kam_value **out, const kam_proposal *p);

/** Output formats of kam_proposal_render. */
enum { KAM_FORMAT_MARKDOWN = 1, KAM_FORMAT_HTML = 2, KAM_FORMAT_TEXT = 3, KAM_FORMAT_JSON = 4 };

/** Renders the proposal with the built-in template for the format and the proposal's language.
 *  - HTML: one self-contained A4 document (embedded CSS, @page A4, no external resources);
 *    every piece of user text is HTML-escaped.
 *  - Markdown: user text is backslash-escaped so it cannot make links, emphasis, headings,
 *    HTML or break the price table.
 *  - Text: plain UTF-8; control characters in user text (C0 other than newline and tab, DEL,
 *    and C1 U+0080-U+009F) are dropped; Markdown drops them too.
 *  - JSON: the model of kam_proposal_to_value, pretty-printed.
 *  The validity line is the last section in every format.
 *  Bounds: those of kam_proposal_to_value, then a render of the built-in template within its
 *  default step budget (kam/template.h), so the output is at most 100 MB.
 *  @return KAM_OK, KAM_EINVAL (NULL pointers, unknown format), KAM_ESTATE, KAM_EOVERFLOW,
 *  KAM_ENOMEM, or the write callback's nonzero status unchanged. */
KAM_API int kam_proposal_render(const kam_proposal *p, int format, kam_write_fn write, void *ud);

/** Renders a user's compiled template over the model of kam_proposal_to_value (no partials).
 *  @return as kam_proposal_render, plus the template's render errors (KAM_ELIMIT). */
KAM_API int kam_proposal_render_template(const kam_proposal *p, const kam_template *t,
                                         kam_write_fn write, void *ud);

/* --- Identity, addressee and signatory ------------------------------------------------------
 * Rendered where a Russian business letter puts them: the addressee in the block at the top
 * right (position, then the client's name, then the person's name), the number, version and
 * date under the heading ("№ КП-2026/118 от 27 ноября 2026 г., версия 2" / "No. KP-2026/118
 * of 27 November 2026, version 2"), the signatory at the end ("С уважением," / "Yours
 * sincerely,", then the position and the name on one line). Names and positions are written as
 * given (a Russian letter puts the addressee in the dative: give the explicit name and position
 * in that form if wanted). Setters return as the text setters above. */

/** The document's number and version (JSON "number", "version"), each NULL to clear. */
KAM_API int kam_proposal_set_number(kam_proposal *p, const char *number, const char *version);
/** The addressee: either a stakeholder, by name (JSON "addressee": "<name>"; the position shown
 *  is the stakeholder's title), or an explicit name and position (JSON "addressee": {"name",
 *  "position"}). Giving stakeholder together with name or position is KAM_EINVAL; all NULL
 *  clears. A stakeholder name that matches no stakeholder is accepted here (stakeholders may
 *  be added later) and reported by kam_proposal_check (unknown_reference); rendered, it is
 *  shown as the name alone. */
KAM_API int kam_proposal_set_addressee(kam_proposal *p, const char *stakeholder, const char *name,
                                       const char *position);
/** Who signs the proposal (JSON "signatory": {"name", "position"}); NULL, NULL clears; name is
 *  required when position is given. */
KAM_API int kam_proposal_set_signatory(kam_proposal *p, const char *name, const char *position);

/* --- The client's decision criteria ---------------------------------------------------------
 * A criterion is what the client weighs when choosing ("Срок окупаемости", weight 0.3), whose it
 * is (a stakeholder's name, optional) and which arguments answer it (indexes into the
 * arguments). Inside each style block of the model the arguments are ordered by the summed
 * weight of the criteria they answer, heaviest first; equal sums (and arguments answering none)
 * keep the document order. Alternatives (the client's other options: a competitor, doing
 * nothing, building in-house) give a text per criterion; with at least one alternative the
 * model has a comparison table "Почему мы" / "Why us": one row per criterion, heaviest first,
 * our column showing the titles of the arguments that answer it. */

/** A decision criterion. name is required and unique among the criteria; weight is 0..1 (the
 *  criteria's weights need not sum to 1); stakeholder is optional; arguments[0..argument_count)
 *  are indexes of arguments already added (each < kam_proposal_count(p,
 *  KAM_PROPOSAL_ARGUMENTS), no duplicates), at most 1000. After kam_proposal_clear of the
 *  arguments an index past the end is ignored (and not written by
 *  kam_proposal_write_json). */
typedef struct kam_criterion {
  uint32_t struct_size;
  uint32_t reserved; /**< 0 */
  const char *name;
  double weight;
  const char *stakeholder;
  const size_t *arguments;
  size_t argument_count;
} kam_criterion;
KAM_API int kam_proposal_add_criterion(kam_proposal *p, const kam_criterion *c);

/** An alternative to our offer. name is required; points[i] is its text for the criterion
 *  named criteria[i] (i < count, at most 1000): each must name a criterion already added, at
 *  most once, and its text is required. */
typedef struct kam_alternative {
  uint32_t struct_size;
  uint32_t reserved; /**< 0 */
  const char *name;
  const char *const *criteria;
  const char *const *points;
  size_t count;
} kam_alternative;
KAM_API int kam_proposal_add_alternative(kam_proposal *p, const kam_alternative *a);

/* --- The pre-send check ----------------------------------------------------------------------
 * What a finance or an executive director would fault before the proposal is sent, reported
 * through kam/finding.h: code, severity, JSON path and a message in the proposal's language.
 * Codes, in the order they are reported:
 *   missing_seller (error, "seller.name"): no seller name.
 *   missing_contacts (warning, "team"): nobody to call: no team member has a phone or an
 *     e-mail, and seller.details has no e-mail address ('@') or international phone ('+' and a
 *     digit).
 *   unknown_reference (error): the addressee or a criterion's stakeholder names no stakeholder.
 *   no_number (info, "number"): the proposal has no number to refer to.
 *   no_signatory (info, "signatory"): nobody signs it.
 *   expired (error, "valid_days"): valid until (issued + valid_days) is before options' as_of.
 *   validity_short (warning, "valid_days"): valid_days < 7.
 *   negative_npv (warning, "cash_flows"): the NPV of the cash flows at their rate is < 0.
 *   irr_below_rate (warning, "cash_flows.rate"): the IRR exists and is below the rate.
 *   payback_beyond_term (warning, "cash_flows"): with a contract term, the discounted payback
 *     is later than the term, or not reached.
 *   investment_mismatch (warning, "cash_flows.values[0]"): an explicit investment differs from
 *     the price by more than 1 %.
 *   payments_mismatch (error, "payments"): the payment schedule does not add up to the total.
 *   discount_above_ceiling (warning, "items[i].discount_percent"): a line's discount is above
 *     options' discount_ceiling.
 *   margin_below_floor (warning, "items"): over the non-optional lines that carry a cost, the
 *     margin (net without VAT - cost) / net, in percent, is below options' margin_floor.
 *   no_economic_buyer (warning, "stakeholders"): stakeholders are listed and none is the
 *     economic buyer.
 *   several_economic_buyers (warning, "stakeholders"): more than one economic buyer.
 *   no_coach (warning, "stakeholders"): stakeholders are listed and none is a coach.
 *   no_references_for_relational (warning, "stakeholders[i]"): a reader whose primary style is
 *     relational, with influence >= 0.3, and no reference has a contact (a name and a phone or
 *     an e-mail).
 *   no_figures_for_analytical (warning, "stakeholders[i]"): an analytical reader with influence
 *     >= 0.3, and the proposal has neither figures nor cash flows.
 *   no_exclusive_for_authority (warning, "stakeholders[i]"): an authority reader with influence
 *     >= 0.3, and no exclusive terms.
 *   opponent_unaddressed (warning, "stakeholders[i]"): attitude < 0 and influence >= 0.5, and
 *     no argument of the reader's primary style.
 *   unaddressed_criterion (warning, "criteria[i]"): weight >= 0.2 and no argument answers it.
 * An unknown influence (NaN) meets no threshold. The readers are the proposal's own stakeholders
 * (not a DMU given to kam_proposal_set_dmu); their findings follow the stakeholders' order. The
 * check does not need a complete proposal: what is missing is simply not checked (no items: no
 * discount or margin findings). */

/** Options of kam_proposal_check. Fill with kam_proposal_check_options_init, then change
 *  fields. */
typedef struct kam_proposal_check_options {
  uint32_t struct_size;    /**< sizeof(kam_proposal_check_options); shorter structs get defaults */
  uint32_t flags;          /**< KAM_CHECK_AS_OF: as_of is set (default: not, so no "expired") */
  kam_date as_of;          /**< the day the proposal is sent: default 0 (unset) */
  double discount_ceiling; /**< percent, 0..100; NaN (default): no ceiling */
  double margin_floor;     /**< percent, < 100; NaN (default): no floor */
} kam_proposal_check_options;
/** kam_proposal_check_options.flags */
enum { KAM_CHECK_AS_OF = 1u << 0 };
/** Writes the defaults above into the first struct_size bytes of *o and sets o->struct_size =
 *  struct_size (pass sizeof *o). Nothing happens when o is NULL or struct_size < 4. */
KAM_API void kam_proposal_check_options_init(kam_proposal_check_options *o, size_t struct_size);

/** Checks the proposal before it is sent and reports each finding to fn (see the codes above).
 *  options may be NULL (the defaults). Time O(stakeholders * arguments + criteria' indexes +
 *  items log items); memory O(items).
 *  @return KAM_OK (whatever was found), KAM_EINVAL (p or fn NULL, options' struct_size too
 *  small or above 64 KiB, unknown flags, a ceiling outside 0..100 or a floor not below 100),
 *  KAM_EOVERFLOW (the totals), KAM_ENOMEM, or fn's nonzero status unchanged. */
KAM_API int kam_proposal_check(const kam_proposal *p, const kam_proposal_check_options *options,
                               kam_finding_fn fn, void *ud);

/* --- Recurring lines, the contract term and the payment schedule ---------------------------
 * A price line may recur (kam_item.period): its line in the table is the price of one period,
 * paid once per period of the contract term. The term is kam_proposal_set_term_months (12
 * months when not set); contract year k covers months 12(k - 1) .. 12k - 1 of it. A line of a
 * period of L months is paid at months 0, L, 2L, ... before the term ends, so a term that ends
 * mid-period counts the started period whole (a quarterly line over 7 months: 3 quarters), and
 * each payment falls in the year of its month. Once lines are paid in year 1.
 * The year figures are exact: a year's net is the sum, over the non-optional lines, of the
 * line's net times its payments in that year (likewise VAT and total), so they agree with the
 * lines of the table; kam_totals.first_year is year 1's total and contract_value the sum over
 * the years. A figure that does not fit int64 is KAM_EOVERFLOW naming the item. */

/** kam_item.period: how often a line is paid (the value is the period in months). */
enum { KAM_RECUR_ONCE = 0, KAM_RECUR_MONTH = 1, KAM_RECUR_QUARTER = 3, KAM_RECUR_YEAR = 12 };

/** The contract term in months, 1..1200; 0 clears it (12 months are used then).
 *  @return KAM_OK, KAM_EINVAL (p NULL, out of range). */
KAM_API int kam_proposal_set_term_months(kam_proposal *p, int32_t months);

/** What the client pays in one contract year, minor units of the proposal's currency. */
typedef struct kam_year_cost {
  uint32_t struct_size;
  uint32_t year;     /**< 1-based */
  int32_t months;    /**< months of the term in this year: 12, fewer in a last partial year */
  uint32_t reserved; /**< 0 */
  int64_t net;       /**< as kam_totals.net, for this year */
  int64_t vat;       /**< as kam_totals.vat, for this year */
  int64_t total;     /**< as kam_totals.total, for this year */
} kam_year_cost;
/** The cost of contract year `year` (1..kam_totals.years). out->struct_size must be set.
 *  Cost: that of kam_proposal_totals.
 *  @return KAM_OK, KAM_EINVAL (NULL pointers, struct_size), KAM_ESTATE (no items),
 *  KAM_ENOTFOUND (year 0 or past the term), KAM_EOVERFLOW (naming the item), KAM_ENOMEM. */
KAM_API int kam_proposal_year_cost(kam_year_cost *out, const kam_proposal *p, uint32_t year);

/** kam_payment.due_kind: when a payment is due. */
enum { KAM_DUE_DATE = 1 /**< on the date `due` */, KAM_DUE_DAYS = 2 /**< `days` after signing */ };
/** One payment of the schedule. The amount to pay is kam_totals.contract_value (the total
 *  with VAT over the term; the table's total when nothing recurs). A payment is a share of it
 *  (percent) or a fixed amount. The shares are split exactly to the minor unit: together they
 *  get round(amount to pay x sum of their percents / 100), each its share rounded down and the
 *  minor units left over going one each to the largest remainders (ties: the earlier
 *  payment), so shares of 100 % add up to the amount to pay exactly. Fixed amounts and shares
 *  should add up to it; the pre-send check reports it when they do not. */
typedef struct kam_payment {
  uint32_t struct_size;
  int32_t due_kind;     /**< KAM_DUE_DATE or KAM_DUE_DAYS (required) */
  const char *label;    /**< required ("Аванс") */
  const char *percent;  /**< the share, decimal text, 0 < percent <= 100, at most 6 decimals */
  const char *amount;   /**< or the fixed amount: decimal text in major units, >= 0, no more
                             decimals than the currency; exactly one of percent and amount */
  kam_date due;         /**< KAM_DUE_DATE: the date (years 1..9999) */
  int32_t days;         /**< KAM_DUE_DAYS: 0..36500 days after the contract is signed */
  int64_t amount_minor; /**< kam_proposal_payment: what is paid, minor units; ignored on add */
} kam_payment;
/** Appends a payment (JSON "payments"); at most 1000. Errors name "payments[i].field".
 *  @return as the other kam_proposal_add_* (KAM_EINVAL for a record out of range). */
KAM_API int kam_proposal_add_payment(kam_proposal *p, const kam_payment *pay);
/** The payment `index` (0-based) as computed: label, percent (canonical text, NULL for a
 *  fixed amount) and amount (NULL for a share; the fixed amount as canonical text otherwise)
 *  point into p and stay valid until p changes or is freed; amount_minor is the amount paid.
 *  out->struct_size must be set. Cost: that of kam_proposal_totals plus O(n^2) in the
 *  payments at worst (n <= 1000).
 *  @return KAM_OK, KAM_EINVAL (NULL pointers, struct_size), KAM_ENOTFOUND (index past the
 *  schedule), KAM_ESTATE (no items), KAM_EOVERFLOW, KAM_ENOMEM. */
KAM_API int kam_proposal_payment(kam_payment *out, const kam_proposal *p, size_t index);

#ifdef __cplusplus
}
#endif
#endif /* KAM_PROPOSAL_H */

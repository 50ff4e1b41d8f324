/* test_proposal_check.c - issue 15 parts 6-8 of the proposal: number, version, addressee and
 * signatory; decision criteria (argument order inside a style block) and alternatives (the
 * "why us" table); every code of the pre-send check (kam_proposal_check) triggered and not
 * triggered; the lossless JSON round trip of the new parts and their errors; rendering in every
 * format and both languages; OOM at every allocation and write-callback failure at every call. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam.h"
#include "testutil.h"

#define SAMPLE KAM_SOURCE_DIR "/examples/data/proposal.json"

/* A proposal the check has nothing to say about: every code's condition is just met. */
static const char base_json[] =
    "{\"lang\": \"ru\", \"title\": \"T\", \"number\": \"N-1\", \"version\": \"1\","
    " \"seller\": {\"name\": \"S\", \"details\": \"ИНН 1 · +7 495 000-00-00\"},"
    " \"client\": {\"name\": \"C\"}, \"exclusive\": \"E\", \"issued\": \"2026-11-27\","
    " \"valid_days\": 30,"
    " \"arguments\": [{\"style\": \"authority\", \"title\": \"A0\", \"text\": \"a0\"},"
    "  {\"style\": \"relational\", \"title\": \"R1\", \"text\": \"r1\"},"
    "  {\"style\": \"analytical\", \"title\": \"N2\", \"text\": \"n2\"}],"
    " \"references\": [{\"company\": \"X\", \"contact\": {\"name\": \"Ivan\", \"phone\": \"1\"}}],"
    " \"figures\": [{\"label\": \"L\", \"value\": 1}],"
    " \"cash_flows\": {\"rate\": 0.1, \"values\": [-100, 60, 60]},"
    " \"items\": [{\"description\": \"I\", \"unit_price\": \"100.00\", \"discount_percent\": \"5\","
    "  \"cost\": \"50.00\"}],"
    " \"team\": [{\"name\": \"K\", \"phone\": \"2\"}],"
    " \"stakeholders\": [{\"name\": \"Eco\", \"title\": \"CEO\", \"influence\": 0.9, \"attitude\": 1,"
    "  \"buying_roles\": [\"economic\"], \"traits\": {\"dominance\": 0.9, \"people\": 0.1,"
    "  \"detail\": 0.1}},"
    "  {\"name\": \"Coach\", \"title\": \"HR\", \"influence\": 0.4, \"attitude\": 2,"
    "  \"buying_roles\": [\"coach\"], \"traits\": {\"dominance\": 0.1, \"people\": 0.9,"
    "  \"detail\": 0.1}}],"
    " \"addressee\": \"Eco\", \"signatory\": {\"name\": \"K\", \"position\": \"KAM\"},"
    " \"criteria\": [{\"name\": \"Price\", \"weight\": 0.5, \"stakeholder\": \"Eco\","
    "  \"arguments\": [2]}]}";

/* ---- helpers ----------------------------------------------------------------------------- */

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

static kam_proposal *parse(kam_ctx *ctx, const char *json) {
  kam_proposal *p = NULL;
  int rc = kam_proposal_from_json(&p, ctx, json, strlen(json));
  if (rc) fail_msg("from_json: %d %s", rc, kam_ctx_errmsg(ctx));
  return p;
}

static char *doc_json(const kam_proposal *p) {
  kam_test_sink s;
  memset(&s, 0, sizeof s);
  assert_int_equal(kam_proposal_write_json(p, kam_test_sink_write, &s), KAM_OK);
  return s.data;
}

static char *render(const kam_proposal *p, int format) {
  kam_test_sink s;
  int rc;
  memset(&s, 0, sizeof s);
  rc = kam_proposal_render(p, format, kam_test_sink_write, &s);
  if (rc) fail_msg("render %d: %d", format, rc);
  return s.data;
}

static void assert_has(const char *text, const char *part) {
  if (!strstr(text, part)) fail_msg("'%.300s...' lacks '%s'", text, part);
}
static void assert_lacks(const char *text, const char *part) {
  if (strstr(text, part)) fail_msg("'%.300s...' has '%s'", text, part);
}

/* The findings as "severity code path: message\n" lines. */
typedef struct found {
  char text[8192];
  size_t len;
  int n, stop_at;
} found;

static int collect(void *ud, const kam_finding *f) {
  found *c = (found *)ud;
  int n;
  assert_int_equal(f->struct_size, sizeof *f);
  assert_non_null(kam_severity_name(f->severity));
  n = snprintf(c->text + c->len, sizeof c->text - c->len, "%s %s %s: %s\n",
               kam_severity_name(f->severity), f->code, f->path, f->message);
  if (n > 0 && (size_t)n < sizeof c->text - c->len) c->len += (size_t)n;
  c->n++;
  return c->stop_at && c->n == c->stop_at ? 77 : 0;
}

static found *check(const kam_proposal *p, const kam_proposal_check_options *o) {
  static found c;
  int rc;
  memset(&c, 0, sizeof c);
  rc = kam_proposal_check(p, o, collect, &c);
  if (rc) fail_msg("check: %d", rc);
  return &c;
}

/* " code " appears in the findings (with the severity before it). */
static void assert_code(const kam_proposal *p, const kam_proposal_check_options *o,
                        const char *severity_code) {
  assert_has(check(p, o)->text, severity_code);
}
static void assert_no_code(const kam_proposal *p, const kam_proposal_check_options *o,
                           const char *code) {
  assert_lacks(check(p, o)->text, code);
}

static void add_stakeholder(kam_proposal *p, const char *name, double influence, int attitude,
                            uint32_t roles, double dominance, double people, double detail) {
  kam_stakeholder s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.name = name;
  s.title = "Директор";
  s.influence = influence;
  s.attitude = attitude;
  s.buying_roles = roles;
  s.traits[0] = dominance;
  s.traits[1] = people;
  s.traits[2] = detail;
  assert_int_equal(kam_proposal_add_stakeholder(p, &s), KAM_OK);
}

/* ---- the check --------------------------------------------------------------------------- */

static void test_clean_documents_have_no_findings(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_proposal_check_options o;
  char *json;
  size_t len;
  found *f;
  (void)state;
  kam_proposal_check_options_init(&o, sizeof o);
  assert_int_equal(o.struct_size, sizeof o);
  assert_true(isnan(o.discount_ceiling) && isnan(o.margin_floor));
  o.flags = KAM_CHECK_AS_OF;
  assert_int_equal(kam_date_parse(&o.as_of, "2026-12-27", 10), KAM_OK); /* the last day */
  o.discount_ceiling = 5;
  o.margin_floor = 40;
  f = check(p, &o);
  if (f->n) fail_msg("the base document has findings:\n%s", f->text);
  kam_proposal_free(p);
  /* The sample has nothing to fault either (issue 15, part 9). */
  json = kam_test_read_file(SAMPLE, &len);
  assert_non_null(json);
  assert_int_equal(kam_proposal_from_json(&p, ctx, json, len), KAM_OK);
  f = check(p, NULL);
  if (f->n) fail_msg("the sample has findings:\n%s", f->text);
  kam_proposal_free(p);
  free(json);
  kam_ctx_free(ctx);
}

static void test_identity_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  (void)state;
  assert_int_equal(kam_proposal_set_seller(p, NULL, "ИНН 1"), KAM_OK);
  assert_code(p, NULL, "error missing_seller seller.name: не указан исполнитель");
  assert_no_code(p, NULL, "missing_contacts"); /* the team has a phone */
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_TEAM), KAM_OK);
  assert_code(p, NULL, "warning missing_contacts team:");
  assert_int_equal(kam_proposal_set_seller(p, "S", "sales@s.example"), KAM_OK);
  assert_no_code(p, NULL, "missing_contacts"); /* an e-mail in the details */
  assert_no_code(p, NULL, "missing_seller");
  assert_int_equal(kam_proposal_set_seller(p, "S", "тел. +7 000"), KAM_OK);
  assert_no_code(p, NULL, "missing_contacts");
  assert_int_equal(kam_proposal_set_seller(p, "S", "ИНН 7701234567"), KAM_OK);
  assert_code(p, NULL, "warning missing_contacts");

  assert_int_equal(kam_proposal_set_addressee(p, "Nobody", NULL, NULL), KAM_OK);
  assert_code(p, NULL, "error unknown_reference addressee: адресат «Nobody»");
  assert_int_equal(kam_proposal_set_addressee(p, NULL, "Иван Иванов", "CEO"), KAM_OK);
  assert_no_code(p, NULL, "unknown_reference"); /* explicit: no stakeholder needed */

  assert_int_equal(kam_proposal_set_number(p, NULL, "2"), KAM_OK);
  assert_code(p, NULL, "info no_number number:");
  assert_int_equal(kam_proposal_set_signatory(p, NULL, NULL), KAM_OK);
  assert_code(p, NULL, "info no_signatory signatory:");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_validity_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_proposal_check_options o;
  kam_date d;
  (void)state;
  kam_proposal_check_options_init(&o, sizeof o);
  assert_int_equal(kam_date_parse(&d, "2026-12-28", 10), KAM_OK);
  o.as_of = d;
  assert_no_code(p, &o, "expired"); /* as_of is only read with KAM_CHECK_AS_OF */
  o.flags = KAM_CHECK_AS_OF;
  assert_code(p, &o, "error expired valid_days: срок действия истёк 27.12.2026 (дата отправки "
                     "28.12.2026)");
  o.as_of = d - 1;
  assert_no_code(p, &o, "expired");
  assert_int_equal(kam_proposal_set_valid_days(p, 6), KAM_OK);
  assert_code(p, NULL, "warning validity_short valid_days: срок действия 6 дн.");
  assert_int_equal(kam_proposal_set_valid_days(p, 7), KAM_OK);
  assert_no_code(p, NULL, "validity_short");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_finance_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_cash_flows cf;
  double loss[] = {-100, 10, 10}, even[] = {-100, 110};
  found *f;
  (void)state;
  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  cf.rate = 0.1;
  cf.values = loss;
  cf.count = 3;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
  f = check(p, NULL);
  assert_has(f->text, "warning negative_npv cash_flows: NPV отрицательна");
  assert_has(f->text, "warning irr_below_rate cash_flows.rate: IRR -");
  /* IRR exactly the rate: NPV 0, neither */
  cf.values = even;
  cf.count = 2;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
  assert_no_code(p, NULL, "negative_npv");
  assert_no_code(p, NULL, "irr_below_rate");
  /* no cash flows: nothing to say */
  assert_int_equal(kam_proposal_set_cash_flows(p, NULL), KAM_OK);
  assert_no_code(p, NULL, "npv");
  /* These codes read the contract term, the investment and the payment schedule, which this
   * proposal does not have: they report nothing. */
  cf.values = loss;
  cf.count = 3;
  assert_int_equal(kam_proposal_set_cash_flows(p, &cf), KAM_OK);
  f = check(p, NULL);
  assert_lacks(f->text, "payback_beyond_term");
  assert_lacks(f->text, "investment_mismatch");
  assert_lacks(f->text, "payments_mismatch");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_price_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_proposal_check_options o;
  kam_item it;
  (void)state;
  kam_proposal_check_options_init(&o, sizeof o);
  o.discount_ceiling = 4.5;
  assert_code(p, &o, "warning discount_above_ceiling items[0].discount_percent: «I»: скидка 5 % "
                     "выше допустимых 4,5 %");
  o.discount_ceiling = 5;
  assert_no_code(p, &o, "discount_above_ceiling");
  /* margin: (95 - 50) / 95 = 47.4 % */
  o.margin_floor = 47.5;
  assert_code(p, &o, "warning margin_below_floor items: маржа 47,4 %");
  o.margin_floor = 47.3;
  assert_no_code(p, &o, "margin_below_floor");
  /* an optional line's cost does not count; a line without a cost is left out */
  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  it.description = "opt";
  it.unit_price_text = "10.00";
  it.cost = "1000.00";
  it.flags = KAM_ITEM_OPTIONAL;
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_OK);
  it.flags = 0;
  it.cost = NULL;
  it.description = "no cost";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_OK);
  assert_no_code(p, &o, "margin_below_floor");
  /* a cost above the price: a negative margin */
  it.description = "loss";
  it.cost = "20.00";
  assert_int_equal(kam_proposal_add_item(p, &it), KAM_OK);
  o.margin_floor = 0;
  assert_no_code(p, &o, "margin_below_floor"); /* (95 + 10 - 70) / 105 still > 0 */
  o.margin_floor = 40;
  assert_code(p, &o, "warning margin_below_floor items: маржа 33,3 %");
  /* no floor: never */
  kam_proposal_check_options_init(&o, sizeof o);
  assert_no_code(p, &o, "margin_below_floor");
  assert_no_code(p, &o, "discount_above_ceiling");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_buying_role_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  (void)state;
  add_stakeholder(p, "Eco2", 0.2, 0, KAM_BUYER_ECONOMIC, NAN, NAN, NAN);
  assert_code(p, NULL, "warning several_economic_buyers stakeholders: экономических покупателей 2");
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_STAKEHOLDERS), KAM_OK);
  assert_no_code(p, NULL, "economic"); /* no stakeholders listed: nothing to say */
  assert_no_code(p, NULL, "no_coach");
  add_stakeholder(p, "User", 0.2, 0, KAM_BUYER_USER, NAN, NAN, NAN);
  assert_code(p, NULL, "warning no_economic_buyer stakeholders:");
  assert_code(p, NULL, "warning no_coach stakeholders:");
  assert_no_code(p, NULL, "several_economic_buyers");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_reader_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_reference r;
  (void)state;
  /* Coach (stakeholders[1]) reads relationally with influence 0.4 */
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_REFERENCES), KAM_OK);
  assert_code(p, NULL, "warning no_references_for_relational stakeholders[1]: Coach");
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  r.company = "X";
  r.contact_name = "Ivan"; /* a name without a phone or an e-mail is not a contact */
  assert_int_equal(kam_proposal_add_reference(p, &r), KAM_OK);
  assert_code(p, NULL, "no_references_for_relational");
  r.contact_email = "ivan@x.example";
  assert_int_equal(kam_proposal_add_reference(p, &r), KAM_OK);
  assert_no_code(p, NULL, "no_references_for_relational");

  /* Eco (stakeholders[0]) reads by authority */
  assert_int_equal(kam_proposal_set_exclusive(p, NULL), KAM_OK);
  assert_code(p, NULL, "warning no_exclusive_for_authority stakeholders[0]: Eco");

  /* an analytical reader of influence 0.3 without figures or cash flows */
  add_stakeholder(p, "Fin", 0.3, 0, 0, 0.1, 0.1, 0.95);
  assert_no_code(p, NULL, "no_figures_for_analytical");
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_FIGURES), KAM_OK);
  assert_no_code(p, NULL, "no_figures_for_analytical"); /* the cash flows are numbers */
  assert_int_equal(kam_proposal_set_cash_flows(p, NULL), KAM_OK);
  assert_code(p, NULL, "warning no_figures_for_analytical stakeholders[2]: Fin");
  kam_proposal_free(p);

  /* below the thresholds: 0.29 influence; NaN (unknown) influence */
  p = parse(ctx, base_json);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_STAKEHOLDERS), KAM_OK);
  add_stakeholder(p, "Eco", 0.29, 0, KAM_BUYER_ECONOMIC | KAM_BUYER_COACH, 0.1, 0.9, 0.1);
  add_stakeholder(p, "Who", NAN, -5, 0, 0.1, 0.9, 0.1);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_REFERENCES), KAM_OK);
  assert_no_code(p, NULL, "no_references_for_relational");
  assert_no_code(p, NULL, "opponent_unaddressed");
  kam_proposal_free(p);

  /* an opponent: attitude < 0, influence >= 0.5, no argument of their style */
  p = parse(ctx, base_json);
  add_stakeholder(p, "Against", 0.5, -1, 0, 0.1, 0.1, 0.95);
  assert_no_code(p, NULL, "opponent_unaddressed"); /* the analytical argument N2 */
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_ARGUMENTS), KAM_OK);
  assert_code(p, NULL, "warning opponent_unaddressed stakeholders[2]: Against настроен против, а "
                       "аргументов для его стиля («цифры и логика») нет");
  assert_int_equal(kam_proposal_set_lang(p, "en"), KAM_OK);
  assert_code(p, NULL, "warning opponent_unaddressed stakeholders[2]: Against is against us, and "
                       "no argument speaks to the analytical style");
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_criterion_codes(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_criterion c;
  (void)state;
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.name = "Light";
  c.weight = 0.19;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_OK);
  assert_no_code(p, NULL, "unaddressed_criterion");
  c.name = "Heavy";
  c.weight = 0.2;
  c.stakeholder = "Ghost";
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_OK);
  assert_code(p, NULL, "warning unaddressed_criterion criteria[2]: на критерий «Heavy» (вес 20 %) "
                       "не отвечает ни один аргумент");
  assert_code(p, NULL, "error unknown_reference criteria[2].stakeholder: критерий «Heavy»: "
                       "участник «Ghost» не найден");
  /* after the arguments are cleared, an index no longer answers */
  assert_no_code(p, NULL, "criteria[0]");
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_ARGUMENTS), KAM_OK);
  assert_code(p, NULL, "unaddressed_criterion criteria[0]");
  /* and the document still reads back: the dangling index is not written */
  {
    kam_test_sink s;
    kam_proposal *q = NULL;
    memset(&s, 0, sizeof s);
    assert_int_equal(kam_proposal_write_json(p, kam_test_sink_write, &s), KAM_OK);
    assert_non_null(strstr(s.data, "\"arguments\": []"));
    assert_int_equal(kam_proposal_from_json(&q, ctx, s.data, s.len), KAM_OK);
    kam_proposal_free(q);
    free(s.data);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_check_in_english_and_its_contract(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, base_json);
  kam_proposal_check_options o;
  found c;
  (void)state;
  assert_int_equal(kam_proposal_set_lang(p, "en"), KAM_OK);
  assert_int_equal(kam_proposal_set_seller(p, NULL, NULL), KAM_OK);
  assert_int_equal(kam_proposal_set_valid_days(p, 3), KAM_OK);
  assert_code(p, NULL, "error missing_seller seller.name: the seller is not named (seller.name)\n"
                       "warning validity_short valid_days: the offer stands 3 days");
  /* the callback's status stops the check and is returned */
  memset(&c, 0, sizeof c);
  c.stop_at = 1;
  assert_int_equal(kam_proposal_check(p, NULL, collect, &c), 77);
  assert_int_equal(c.n, 1);
  /* bad arguments and options */
  assert_int_equal(kam_proposal_check(NULL, NULL, collect, &c), KAM_EINVAL);
  assert_int_equal(kam_proposal_check(p, NULL, NULL, NULL), KAM_EINVAL);
  kam_proposal_check_options_init(&o, sizeof o);
  o.flags = 2;
  assert_int_equal(kam_proposal_check(p, &o, collect, &c), KAM_EINVAL);
  assert_has(kam_ctx_errmsg(ctx), "unknown flags");
  kam_proposal_check_options_init(&o, sizeof o);
  o.discount_ceiling = 101;
  assert_int_equal(kam_proposal_check(p, &o, collect, &c), KAM_EINVAL);
  o.discount_ceiling = NAN;
  o.margin_floor = 100;
  assert_int_equal(kam_proposal_check(p, &o, collect, &c), KAM_EINVAL);
  o.struct_size = 2;
  assert_int_equal(kam_proposal_check(p, &o, collect, &c), KAM_EINVAL);
  /* a short options struct (an older caller) gets the defaults for the rest */
  kam_proposal_check_options_init(&o, offsetof(kam_proposal_check_options, discount_ceiling));
  assert_int_equal(o.struct_size, offsetof(kam_proposal_check_options, discount_ceiling));
  assert_int_equal(kam_proposal_check(p, &o, collect, &c), KAM_OK);
  kam_proposal_check_options_init(NULL, sizeof o); /* no-op */
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- criteria order the arguments ---------------------------------------------------------- */

/* The k-th argument of the block of a style. */
static const kam_value *block_arg(const kam_value *model, const char *style, size_t k) {
  const kam_value *blocks = kam_value_get(model, "blocks", 6);
  size_t i, len;
  for (i = 0; i < kam_value_length(blocks); i++) {
    const kam_value *b = kam_value_at(blocks, i);
    if (!strcmp(kam_value_string(kam_value_get(b, "style", 5), &len), style))
      return kam_value_at(kam_value_get(b, "arguments", 9), k);
  }
  return NULL;
}

static const char *block_argument(const kam_value *model, const char *style, size_t k) {
  size_t len;
  return kam_value_string(kam_value_get(block_arg(model, style, k), "title", 5), &len);
}

static void test_arguments_follow_criteria_weight(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(
      ctx, "{\"seller\": {\"name\": \"S\"}, \"client\": {\"name\": \"C\"}, \"issued\": "
           "\"2026-11-27\", \"valid_days\": 30, \"items\": [{\"description\": \"I\"}],"
           " \"arguments\": [{\"style\": \"analytical\", \"title\": \"a0\", \"text\": \"x\"},"
           " {\"style\": \"analytical\", \"title\": \"a1\", \"text\": \"x\"},"
           " {\"style\": \"authority\", \"title\": \"u2\", \"text\": \"x\"},"
           " {\"style\": \"analytical\", \"title\": \"a3\", \"text\": \"x\"},"
           " {\"style\": \"analytical\", \"title\": \"a4\", \"text\": \"x\"},"
           " {\"style\": \"authority\", \"title\": \"u5\", \"text\": \"x\"}],"
           " \"criteria\": [{\"name\": \"c1\", \"weight\": 0.2, \"arguments\": [4, 1, 5]},"
           " {\"name\": \"c2\", \"weight\": 0.3, \"arguments\": [3]},"
           " {\"name\": \"c3\", \"weight\": 0.1, \"arguments\": [4]}]}");
  kam_value *model = NULL;
  const kam_value *args;
  size_t len;
  (void)state;
  assert_int_equal(kam_proposal_to_value(&model, p), KAM_OK);
  /* analytical: a4 (0.2 + 0.1) and a3 (0.3) tie at 0.3: document order; then a1 (0.2); then
   * a0 (none) */
  assert_string_equal(block_argument(model, "analytical", 0), "a3");
  assert_string_equal(block_argument(model, "analytical", 1), "a4");
  assert_string_equal(block_argument(model, "analytical", 2), "a1");
  assert_string_equal(block_argument(model, "analytical", 3), "a0");
  assert_string_equal(block_argument(model, "authority", 0), "u5");
  assert_string_equal(block_argument(model, "authority", 1), "u2");
  /* each argument names the criteria it answers; the document's list keeps its order */
  args = kam_value_get(block_arg(model, "analytical", 1), "answers", 7); /* a4 */
  assert_int_equal(kam_value_length(args), 2);
  assert_string_equal(kam_value_string(kam_value_at(args, 0), &len), "c1");
  assert_string_equal(kam_value_string(kam_value_at(args, 1), &len), "c3");
  assert_string_equal(
      kam_value_string(kam_value_get(kam_value_at(kam_value_get(model, "arguments", 9), 0),
                                     "title", 5),
                       &len),
      "a0");
  assert_int_equal(kam_value_type(kam_value_get(model, "comparison", 10)), KAM_VALUE_BOOL);
  kam_value_free(model);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static const char full_json[] =
    "{\n"
    "  \"lang\": \"ru\",\n"
    "  \"currency\": \"RUB\",\n"
    "  \"seller\": {\n    \"name\": \"S\"\n  },\n"
    "  \"client\": {\n    \"name\": \"C\"\n  },\n"
    "  \"issued\": \"2026-11-27\",\n"
    "  \"valid_days\": 30,\n"
    "  \"arguments\": [\n    {\n      \"style\": \"authority\",\n      \"text\": \"a\"\n    },\n"
    "    {\n      \"style\": \"analytical\",\n      \"title\": \"Числа\",\n"
    "      \"text\": \"b\"\n    }\n  ],\n"
    "  \"items\": [\n    {\n      \"description\": \"I\",\n      \"quantity\": \"2.5\",\n"
    "      \"unit_price\": \"100.00\",\n      \"vat_percent\": \"0\",\n"
    "      \"cost\": \"40.05\"\n    }\n  ],\n"
    "  \"prices_include_vat\": false,\n"
    "  \"rounding\": \"line\",\n"
    "  \"stakeholders\": [\n    {\n      \"name\": \"Пётр\",\n      \"title\": \"CFO\"\n    }\n  ],\n"
    "  \"number\": \"КП-1\",\n"
    "  \"version\": \"3\",\n"
    "  \"addressee\": \"Пётр\",\n"
    "  \"signatory\": {\n    \"name\": \"Анна\",\n    \"position\": \"KAM\"\n  },\n"
    "  \"criteria\": [\n"
    "    {\n      \"name\": \"Цена\",\n      \"weight\": 0.35,\n      \"stakeholder\": \"Пётр\",\n"
    "      \"arguments\": [\n        1,\n        0\n      ]\n    },\n"
    "    {\n      \"name\": \"Срок\",\n      \"weight\": 0,\n      \"arguments\": []\n    }\n  ],\n"
    "  \"alternatives\": [\n"
    "    {\n      \"name\": \"Конкурент\",\n      \"points\": {\n        \"Цена\": \"дороже\",\n"
    "        \"Срок\": \"дольше\"\n      }\n    },\n"
    "    {\n      \"name\": \"Ничего не делать\",\n      \"points\": {}\n    }\n  ]\n"
    "}\n";

static void test_json_round_trip_of_new_parts(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_json), *q;
  char *out = doc_json(p), *again;
  (void)state;
  assert_string_equal(out, full_json);
  q = parse(ctx, out);
  again = doc_json(q);
  assert_string_equal(again, out);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_NUMBER), 1);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_ADDRESSEE), 1);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_SIGNATORY), 1);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_CRITERIA), 2);
  assert_int_equal(kam_proposal_count(p, KAM_PROPOSAL_ALTERNATIVES), 2);
  /* an explicit addressee round-trips as an object */
  assert_int_equal(kam_proposal_set_addressee(q, NULL, "Иван", "Генеральный директор"), KAM_OK);
  free(again);
  again = doc_json(q);
  assert_has(again, "\"addressee\": {\n    \"name\": \"Иван\",\n    \"position\": \"Генеральный "
                    "директор\"\n  },");
  kam_proposal_free(q);
  q = parse(ctx, again);
  free(out);
  out = doc_json(q);
  assert_string_equal(out, again);
  /* the cost follows the currency exactly, and back */
  assert_int_equal(kam_proposal_set_currency(q, "BHD"), KAM_OK);
  free(out);
  out = doc_json(q);
  assert_has(out, "\"cost\": \"40.050\"");
  assert_int_equal(kam_proposal_set_currency(q, "JPY"), KAM_EINVAL); /* 40.05 has no yen form */
  assert_has(kam_ctx_errmsg(ctx), "items[0].cost: 40.050 cannot be expressed in JPY");
  /* clearing: criteria take the alternatives with them */
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_CRITERIA), KAM_OK);
  assert_int_equal(kam_proposal_count(q, KAM_PROPOSAL_ALTERNATIVES), 0);
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_NUMBER), KAM_OK);
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_ADDRESSEE), KAM_OK);
  assert_int_equal(kam_proposal_clear(q, KAM_PROPOSAL_SIGNATORY), KAM_OK);
  free(out);
  out = doc_json(q);
  assert_lacks(out, "number");
  assert_lacks(out, "addressee");
  assert_lacks(out, "signatory");
  assert_lacks(out, "criteria");
  free(out);
  free(again);
  kam_proposal_free(q);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

static void test_json_errors_of_new_parts(void **state) {
  static const struct {
    const char *json, *message;
  } cases[] = {
      {"{\"criteria\": [{\"name\": \"x\", \"arguments\": [0]}]}",
       "criteria[0].arguments[0]: 0 is not an argument (there are 0) (line 1, column 43)"},
      {"{\"arguments\": [{\"style\": \"authority\", \"text\": \"t\"}], \"criteria\": [{\"name\": "
       "\"x\", \"arguments\": [0, 0]}]}",
       "criteria[0].arguments[1]: 0 is listed twice"},
      {"{\"criteria\": [{\"name\": \"x\", \"arguments\": [-1]}]}",
       "criteria[0].arguments[0]: '-1' is not an index"},
      {"{\"criteria\": [{\"name\": \"x\", \"arguments\": [\"0\"]}]}",
       "criteria[0].arguments[0]: expected an index, got a string"},
      {"{\"criteria\": [{\"name\": \"x\", \"weight\": 1.5}]}", "criteria[0].weight: 1.5 is outside 0..1"},
      {"{\"criteria\": [{\"weight\": 0.5}]}", "criteria[0].name: is required"},
      {"{\"criteria\": [{\"name\": \"x\"}, {\"name\": \"x\"}]}", "criteria[1].name: 'x' is already a criterion"},
      {"{\"criteria\": [{\"name\": \"x\", \"why\": 1}]}", "criteria[0].why: unknown key"},
      {"{\"alternatives\": [{\"name\": \"a\", \"points\": {\"nope\": \"t\"}}]}",
       "alternatives[0].points.nope: names no criterion"},
      {"{\"criteria\": [{\"name\": \"x\"}], \"alternatives\": [{\"name\": \"a\", \"points\": "
       "{\"x\": 1}}]}",
       "alternatives[0].points.x: expected a string, got a number"},
      {"{\"criteria\": [{\"name\": \"x\"}], \"alternatives\": [{\"points\": {\"x\": \"t\"}}]}",
       "alternatives[0].name: is required"},
      {"{\"alternatives\": [{\"name\": \"a\", \"points\": []}]}",
       "alternatives[0].points: expected an object, got an array"},
      {"{\"addressee\": 5}", "addressee: expected a stakeholder's name or an object"},
      {"{\"addressee\": {\"position\": \"CEO\"}}", "addressee: needs a name"},
      {"{\"addressee\": {\"name\": \"a\", \"title\": \"CEO\"}}", "addressee.title: unknown key"},
      {"{\"signatory\": {\"position\": \"CEO\"}}", "signatory: needs a name"},
      {"{\"signatory\": \"Анна\"}", "signatory: expected an object, got a string"},
      {"{\"number\": 118}", "number: expected a string, got a number"},
      {"{\"items\": [{\"description\": \"d\", \"cost\": \"1.005\"}]}",
       "items[0].cost: '1.005' has more decimals than RUB allows (2)"},
      {"{\"items\": [{\"description\": \"d\", \"cost\": \"-1\"}]}",
       "items[0].cost: '-1' must not be negative"},
  };
  kam_ctx *ctx = new_ctx();
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    kam_proposal *p = (kam_proposal *)&i;
    int rc = kam_proposal_from_json(&p, ctx, cases[i].json, strlen(cases[i].json));
    if (rc != KAM_EPARSE) fail_msg("case %zu: %d (%s)", i, rc, kam_ctx_errmsg(ctx));
    assert_null(p);
    if (!strstr(kam_ctx_errmsg(ctx), cases[i].message))
      fail_msg("case %zu: '%s' lacks '%s'", i, kam_ctx_errmsg(ctx), cases[i].message);
  }
  kam_ctx_free(ctx);
}

static void test_failing_setters_change_nothing(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_json);
  char *before = doc_json(p), *after;
  kam_criterion c;
  kam_alternative a;
  size_t idx[2] = {0, 7};
  const char *names[2] = {"Цена", "Цена"}, *texts[2] = {"t", "u"};
  (void)state;
  assert_int_equal(kam_proposal_set_addressee(p, "Пётр", "Иван", NULL), KAM_EINVAL);
  assert_has(kam_ctx_errmsg(ctx), "addressee: either a stakeholder's name or");
  assert_int_equal(kam_proposal_set_addressee(p, NULL, NULL, "CEO"), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_addressee(p, NULL, "\xFF", NULL), KAM_EINVAL);
  assert_has(kam_ctx_errmsg(ctx), "addressee.name: not valid UTF-8");
  assert_int_equal(kam_proposal_set_signatory(p, NULL, "CEO"), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_signatory(p, "ok", "\xC3"), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_number(p, "\xFF", NULL), KAM_EINVAL);
  assert_int_equal(kam_proposal_set_number(NULL, "1", NULL), KAM_EINVAL);
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.name = "New";
  c.weight = NAN;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_EINVAL);
  c.weight = 0.5;
  c.arguments = idx;
  c.argument_count = 2;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_EINVAL);
  assert_has(kam_ctx_errmsg(ctx), "criteria[2].arguments[1]: 7 is not an argument");
  c.arguments = NULL;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_EINVAL);
  c.argument_count = 1001;
  c.arguments = idx;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_EINVAL);
  c.struct_size = 4;
  assert_int_equal(kam_proposal_add_criterion(p, &c), KAM_EINVAL);
  assert_int_equal(kam_proposal_add_criterion(p, NULL), KAM_EINVAL);
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.name = "Alt";
  a.criteria = names;
  a.points = texts;
  a.count = 2;
  assert_int_equal(kam_proposal_add_alternative(p, &a), KAM_EINVAL);
  assert_has(kam_ctx_errmsg(ctx), "alternatives[2].points.Цена: is given twice");
  a.count = 1;
  texts[0] = "";
  assert_int_equal(kam_proposal_add_alternative(p, &a), KAM_EINVAL);
  texts[0] = "\xFF";
  assert_int_equal(kam_proposal_add_alternative(p, &a), KAM_EINVAL);
  a.points = NULL;
  assert_int_equal(kam_proposal_add_alternative(p, &a), KAM_EINVAL);
  assert_int_equal(kam_proposal_add_alternative(p, NULL), KAM_EINVAL);
  after = doc_json(p);
  assert_string_equal(after, before);
  free(after);
  free(before);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* ---- rendering ----------------------------------------------------------------------------- */

static void test_renders_identity_and_comparison(void **state) {
  static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT,
                                KAM_FORMAT_JSON};
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_json);
  int lang, f;
  (void)state;
  for (lang = 0; lang < 2; lang++) {
    assert_int_equal(kam_proposal_set_lang(p, lang ? "en" : "ru"), KAM_OK);
    for (f = 0; f < 4; f++) {
      char *out = render(p, formats[f]);
      const char *addressee_first = strstr(out, "CFO"), *title = strstr(out, "Коммерческое");
      assert_has(out, lang ? "No. КП-1 of 27 November 2026, version 3"
                           : "№ КП-1 от 27 ноября 2026 г., версия 3");
      assert_has(out, lang ? "Why us" : "Почему мы");
      assert_has(out, "Конкурент");
      assert_has(out, "дороже");
      assert_has(out, "Числа; a"); /* our column: the answering arguments, by index order */
      assert_has(out, lang ? "Yours sincerely," : "С уважением,");
      assert_has(out, "Анна");
      if (formats[f] != KAM_FORMAT_JSON) assert_lacks(out, "null");
      /* the addressee (position, client, name) comes before the heading */
      assert_non_null(addressee_first);
      if (!lang && formats[f] != KAM_FORMAT_JSON) {
        assert_non_null(title);
        assert_true(addressee_first < strstr(out, "\"C\"") || addressee_first < title ||
                    formats[f] == KAM_FORMAT_HTML);
      }
      if (formats[f] == KAM_FORMAT_MARKDOWN) {
        assert_has(out, "CFO\\\nC\\\nПётр\n\n# ");
        assert_has(out, "KAM\\\n**Анна**\n\n---");
        assert_has(out, lang ? "| Criterion | Weight | S | Конкурент | Ничего не делать |"
                             : "| Критерий | Вес | S | Конкурент | Ничего не делать |");
        assert_has(out, lang ? "| Цена | 35% | Числа; a | дороже | — |"
                             : "| Цена | 35\xC2\xA0% | Числа; a | дороже | — |");
        assert_lacks(out, "**:**");
        assert_lacks(out, lang ? "**To:**" : "**Заказчик:**"); /* the addressee block says it */
      }
      if (formats[f] == KAM_FORMAT_TEXT) assert_has(out, "\n                                        CFO\n");
      if (formats[f] == KAM_FORMAT_HTML) {
        assert_has(out, "<div class=\"addressee-block\">\n<div>CFO</div>\n<div>C</div>\n"
                        "<div class=\"who\">Пётр</div>");
        assert_has(out, "<span class=\"position\">KAM</span>");
        assert_lacks(out, "<div></div>");
      }
      free(out);
    }
  }
  /* without the new parts nothing of them is printed, and the date stays under the heading */
  assert_int_equal(kam_proposal_set_lang(p, "ru"), KAM_OK);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_NUMBER), KAM_OK);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_ADDRESSEE), KAM_OK);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_SIGNATORY), KAM_OK);
  assert_int_equal(kam_proposal_clear(p, KAM_PROPOSAL_ALTERNATIVES), KAM_OK);
  for (f = 0; f < 3; f++) {
    char *out = render(p, formats[f]);
    assert_has(out, "27 ноября 2026 г.");
    assert_lacks(out, "КП-1");
    assert_lacks(out, "Почему мы");
    assert_lacks(out, "С уважением");
    assert_has(out, "Заказчик");
    free(out);
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

/* The sample as its directors read it: every caption has its text. */
static void test_sample_renders_without_empty_labels(void **state) {
  static const int formats[] = {KAM_FORMAT_MARKDOWN, KAM_FORMAT_HTML, KAM_FORMAT_TEXT};
  kam_ctx *ctx = new_ctx();
  size_t len;
  char *json = kam_test_read_file(SAMPLE, &len);
  kam_proposal *p = NULL;
  int lang, f;
  (void)state;
  assert_int_equal(kam_proposal_from_json(&p, ctx, json, len), KAM_OK);
  for (lang = 0; lang < 2; lang++) {
    assert_int_equal(kam_proposal_set_lang(p, lang ? "en" : "ru"), KAM_OK);
    for (f = 0; f < 3; f++) {
      char *out = render(p, formats[f]);
      assert_has(out, "КП-2026/118");
      assert_has(out, "Андрей Викторович Громов");
      assert_has(out, "Анна Сергеевна Белова");
      assert_has(out, "Собственная разработка");
      assert_lacks(out, ":**\n");
      assert_lacks(out, ": \n");
      assert_lacks(out, ":\n\n");
      assert_lacks(out, "<div></div>");
      assert_lacks(out, "<td></td>");
      assert_lacks(out, "null");
      free(out);
    }
  }
  kam_proposal_free(p);
  free(json);
  kam_ctx_free(ctx);
}

/* ---- OOM and write failures ---------------------------------------------------------------- */

static int count_findings(void *ud, const kam_finding *f) {
  (void)f;
  ++*(int *)ud;
  return 0;
}

static int oom_op(void *ud, kam_ctx *ctx) {
  kam_proposal *p = NULL;
  kam_value *model = NULL;
  kam_test_sink s;
  kam_proposal_check_options o;
  int rc, n = 0, f;
  (void)ud;
  memset(&s, 0, sizeof s);
  if ((rc = kam_proposal_from_json(&p, ctx, full_json, strlen(full_json)))) return rc;
  kam_proposal_check_options_init(&o, sizeof o);
  o.margin_floor = 99;
  if (!rc) rc = kam_proposal_check(p, &o, count_findings, &n);
  if (!rc) rc = kam_proposal_to_value(&model, p);
  kam_value_free(model);
  for (f = KAM_FORMAT_MARKDOWN; !rc && f <= KAM_FORMAT_JSON; f++)
    rc = kam_proposal_render(p, f, kam_test_sink_write, &s);
  if (!rc) rc = kam_proposal_write_json(p, kam_test_sink_write, &s);
  free(s.data);
  kam_proposal_free(p);
  return rc;
}

static void test_oom_everywhere(void **state) {
  size_t failed = kam_test_oom_sweep(oom_op, NULL);
  (void)state;
  assert_true(failed != (size_t)-1);
  assert_true(failed > 10);
}

static void test_write_failure_everywhere(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_proposal *p = parse(ctx, full_json);
  int f;
  (void)state;
  for (f = KAM_FORMAT_MARKDOWN; f <= KAM_FORMAT_JSON + 1; f++) {
    size_t call, calls;
    kam_test_sink s;
    memset(&s, 0, sizeof s);
    if (f <= KAM_FORMAT_JSON)
      assert_int_equal(kam_proposal_render(p, f, kam_test_sink_write, &s), KAM_OK);
    else
      assert_int_equal(kam_proposal_write_json(p, kam_test_sink_write, &s), KAM_OK);
    calls = s.calls;
    free(s.data);
    for (call = 1; call <= calls; call++) {
      int rc;
      memset(&s, 0, sizeof s);
      s.fail_at_call = call;
      s.fail_status = 4242;
      rc = f <= KAM_FORMAT_JSON ? kam_proposal_render(p, f, kam_test_sink_write, &s)
                                : kam_proposal_write_json(p, kam_test_sink_write, &s);
      assert_int_equal(rc, 4242);
      free(s.data);
    }
  }
  kam_proposal_free(p);
  kam_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clean_documents_have_no_findings),
      cmocka_unit_test(test_identity_codes),
      cmocka_unit_test(test_validity_codes),
      cmocka_unit_test(test_finance_codes),
      cmocka_unit_test(test_price_codes),
      cmocka_unit_test(test_buying_role_codes),
      cmocka_unit_test(test_reader_codes),
      cmocka_unit_test(test_criterion_codes),
      cmocka_unit_test(test_check_in_english_and_its_contract),
      cmocka_unit_test(test_arguments_follow_criteria_weight),
      cmocka_unit_test(test_json_round_trip_of_new_parts),
      cmocka_unit_test(test_json_errors_of_new_parts),
      cmocka_unit_test(test_failing_setters_change_nothing),
      cmocka_unit_test(test_renders_identity_and_comparison),
      cmocka_unit_test(test_sample_renders_without_empty_labels),
      cmocka_unit_test(test_oom_everywhere),
      cmocka_unit_test(test_write_failure_everywhere),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

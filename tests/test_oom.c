/* test_oom.c - the out-of-memory sweep and the callback-failure sweep over every module, the way
 * SQLite tests itself: a scenario that touches every allocating public function runs with an
 * allocator that fails the 1st, 2nd, ... Nth allocation until the scenario completes. Each call
 * must return KAM_OK or KAM_ENOMEM, a failed call must leave its object as it was, and no block
 * may remain once everything is freed. Then every write, read, partial, score and lambda callback
 * fails at each call position in turn, and its status must come back unchanged. */
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

#define CB_FAIL 4242 /* a status no libkam function returns by itself */

static const char csv_text[] =
    "\xEF\xBB\xBFid;name;group;revenue;h1;h2;h3;f1;f2;potential;strategic;маржа\r\n"
    "A1;\"Альфа; ООО\";G1;1 234,50;100;120;130;10,5;11;0,5;да;-12,5\r\n"
    "B2;Beta Ltd;G1;900;90;95;99;;;;;300\r\n"
    "C3;\"Gamma \"\"Prime\"\"\";;15 000,00;1;2;3;4;5;0,9;нет;\r\n"
    "D4;Delta;G2;0;;;;;;;;0\r\n";

static const char proposal_json[] =
    "{\"lang\":\"ru\",\"currency\":\"RUB\",\"title\":\"Предложение\","
    "\"seller\":{\"name\":\"ООО «Продавец»\",\"details\":\"ИНН 1\"},"
    "\"client\":{\"name\":\"АО <Клиент> & Co\",\"context\":\"Сеть магазинов\"},"
    "\"summary\":\"Польза\",\"exclusive\":\"Эксклюзив\",\"issued\":\"2026-11-27\",\"valid_days\":"
    "30,"
    "\"arguments\":[{\"style\":\"authority\",\"title\":\"Статус\",\"text\":\"Лидеры\"},"
    "{\"style\":\"analytical\",\"title\":\"Цифры\",\"text\":\"Окупаемость\"}],"
    "\"references\":[{\"company\":\"X\",\"project\":\"P\",\"result\":\"R\","
    "\"contact\":{\"name\":\"Иван\",\"position\":\"HR\",\"phone\":\"1\",\"email\":\"i@x\"}}],"
    "\"figures\":[{\"label\":\"Рост\",\"value\":12.5,\"unit\":\"%\"}],"
    "\"cash_flows\":{\"rate\":0.12,\"values\":[400000,450000,500000],\"investment\":\"auto\"},"
    "\"items\":[{\"sku\":\"S1\",\"description\":\"Лицензия\",\"unit\":\"шт\",\"quantity\":\"2.5\","
    "\"unit_price\":\"1000.00\",\"discount_percent\":\"5\",\"vat_percent\":\"20\"},"
    "{\"sku\":\"S2\",\"description\":\"Опция\",\"unit\":\"шт\",\"quantity\":1,\"unit_price\":\"99."
    "99\","
    "\"vat_percent\":\"20\",\"optional\":true},"
    "{\"description\":\"Подписка\",\"unit\":{\"one\":\"место\",\"few\":\"места\",\"many\":\"мест\"},"
    "\"quantity\":\"3\",\"unit_price\":\"100.00\",\"vat_percent\":\"20\",\"period\":\"month\"}],"
    "\"term_months\":18,\"payments\":[{\"label\":\"Аванс\",\"percent\":\"33.3\",\"days\":5},"
    "{\"label\":\"Остаток\",\"percent\":\"66.7\",\"due\":\"2027-01-15\"}],"
    "\"prices_include_vat\":false,\"rounding\":\"line\","
    "\"team\":[{\"name\":\"Пётр\",\"position\":\"KAM\",\"phone\":\"2\",\"email\":\"p@y\"}],"
    "\"stakeholders\":[{\"name\":\"Анна\",\"title\":\"Финансовый директор\",\"influence\":0.8,"
    "\"attitude\":2,\"buying_roles\":[\"economic\"],\"traits\":{\"dominance\":0.3,\"people\":0.2,"
    "\"detail\":0.9}},{\"name\":\"Олег\",\"title\":\"CEO\",\"influence\":0.9,\"attitude\":-3,"
    "\"buying_roles\":[\"coach\"]}],\"terms\":\"Оплата 50/50\"}";

static const char template_src[] =
    "{{#items}}{{name}}: {{price}}{{^last}}, {{/last}}{{/items}}|{{>part}}|{{#wrap}}X{{/wrap}}|"
    "{{$block}}default{{/block}}|{{{raw}}}|{{&raw}}|{{a.b.c}}";

static int partial_cb(void *ud, const char *name, size_t name_len, const char **src,
                      size_t *src_len) {
  int *fail = (int *)ud;
  (void)name;
  (void)name_len;
  if (*fail) return CB_FAIL;
  *src = "[{{raw}}]";
  *src_len = strlen(*src);
  return 0;
}

static int lambda_cb(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  int *fail = (int *)ud;
  int rc;
  if (*fail) return CB_FAIL;
  rc = out(out_ud, "<", 1);
  if (!rc) rc = out(out_ud, text ? text : "", len);
  if (!rc) rc = out(out_ud, ">", 1);
  return rc;
}

static int score_cb(void *ud, const kam_account_score *s) {
  size_t *n = (size_t *)ud;
  (void)s;
  (*n)++;
  return 0;
}

/* Proposal JSON as written now, for "unchanged after failure" checks (malloc'd). */
static int customer_cb(void *ud, const kam_customer *c) {
  (void)c;
  ++*(size_t *)ud;
  return 0;
}

static char *proposal_snapshot(const kam_proposal *p) {
  kam_test_sink sink = {0};
  if (kam_proposal_write_json(p, kam_test_sink_write, &sink) != KAM_OK) {
    kam_test_sink_free(&sink);
    return NULL;
  }
  return sink.data;
}

/* Fails the test unless rc is OK or ENOMEM; returns nonzero to stop the scenario on ENOMEM. */
#define STEP(call)                                                                                 \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    if (rc_ != KAM_OK) {                                                                           \
      if (rc_ != KAM_ENOMEM)                                                                       \
        fail_msg("%s returned %d (%s): %s", #call, rc_, kam_strerror(rc_), kam_ctx_errmsg(ctx));   \
      status = rc_;                                                                                \
      goto done;                                                                                   \
    }                                                                                              \
  } while (0)

/* One pass over the library with ctx. Returns KAM_OK when everything succeeded, KAM_ENOMEM at the
 * first allocation failure (after checking that the failed call changed nothing). */
static int scenario(kam_ctx *ctx) {
  int status = KAM_OK, no_fail = 0;
  kam_portfolio *pf = NULL;
  kam_segmentation *seg = NULL;
  kam_dmu *dmu = NULL;
  kam_value *data = NULL, *parsed = NULL, *model = NULL, *tmp = NULL, *lam = NULL;
  kam_template *tpl = NULL;
  kam_proposal *prop = NULL, *prop2 = NULL;
  kam_test_sink sink = {0};
  kam_test_source src = {0};
  kam_csv_options csvo;
  kam_segment_options so;
  kam_summary sum;
  kam_account_score score;
  kam_totals totals;
  kam_profile prof;
  double emphasis[3];
  uint32_t warnings;
  char classes[16];
  size_t visited = 0, before;
  char *snap = NULL;

  /* Portfolio: add, add_columns, CSV in, segment, every reader and writer. */
  STEP(kam_portfolio_new(&pf, ctx));
  {
    const int64_t hist[] = {100, 110, 120};
    const double fc[] = {10, 20};
    kam_account a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.id = "X1";
    a.name = "Икс";
    a.group = "GX";
    a.revenue = 5000;
    a.history = hist;
    a.history_len = 3;
    a.forecast = fc;
    a.forecast_len = 2;
    a.potential = 0.7;
    a.relationship = 0.3;
    a.flags = KAM_ACCOUNT_STRATEGIC | KAM_ACCOUNT_RELATIONSHIP;
    before = kam_portfolio_count(pf);
    status = kam_portfolio_add(pf, &a);
    if (status) {
      assert_int_equal(status, KAM_ENOMEM);
      assert_int_equal(kam_portfolio_count(pf), before);
      goto done;
    }
  }
  {
    const char *ids[] = {"c1", "c2", "c3"};
    const int64_t rev[] = {10, 20, 30};
    before = kam_portfolio_count(pf);
    status = kam_portfolio_add_columns(pf, 3, ids, rev);
    if (status) {
      assert_int_equal(status, KAM_ENOMEM);
      assert_int_equal(kam_portfolio_count(pf), before);
      goto done;
    }
    status = kam_portfolio_add_columns(pf, 3, NULL, rev);
    if (status) {
      assert_int_equal(status, KAM_ENOMEM);
      assert_int_equal(kam_portfolio_count(pf), before + 3);
      goto done;
    }
  }
  {
    const char *ids[] = {"m1", "m2"};
    const int64_t rev[] = {40, 50}, margin[] = {-5, KAM_MARGIN_UNKNOWN};
    before = kam_portfolio_count(pf);
    status = kam_portfolio_add_columns_margin(pf, 2, ids, rev, margin);
    if (status) {
      assert_int_equal(status, KAM_ENOMEM);
      assert_int_equal(kam_portfolio_count(pf), before);
      goto done;
    }
  }
  kam_csv_options_init(&csvo, sizeof csvo);
  src.data = csv_text;
  src.len = sizeof csv_text - 1;
  src.chunk = 7;
  before = kam_portfolio_count(pf);
  status = kam_portfolio_read_csv(pf, kam_test_source_read, &src, &csvo);
  if (status) {
    assert_int_equal(status, KAM_ENOMEM);
    assert_int_equal(kam_portfolio_count(pf), before);
    goto done;
  }
  kam_segment_options_init(&so, sizeof so);
  so.key_top_n = 2;
  so.flags = KAM_SEGMENT_RETENTION; /* the statuses' allocation too */
  STEP(kam_segment(&seg, pf, &so));
  sum.struct_size = sizeof sum;
  STEP(kam_segmentation_summary(&sum, seg));
  score.struct_size = sizeof score;
  STEP(kam_segmentation_get(&score, seg, 0));
  STEP(kam_segmentation_classes(classes, kam_portfolio_count(pf), seg));
  STEP(kam_segmentation_foreach(seg, KAM_ORDER_RANK, score_cb, &visited));
  STEP(kam_segmentation_foreach(seg, KAM_ORDER_INSERTION, score_cb, &visited));
  STEP(kam_segmentation_write_csv(seg, kam_test_sink_write, &sink, &csvo));
  STEP(kam_segmentation_write_json(seg, kam_test_sink_write, &sink));
  STEP(kam_segmentation_write_svg(seg, kam_test_sink_write, &sink));
  /* Account economics: margin basis, a group as one customer, the customer list. */
  kam_segmentation_free(seg);
  seg = NULL;
  so.basis = KAM_BASIS_MARGIN;
  so.unit = KAM_UNIT_GROUP;
  so.w_margin = 0.3;
  STEP(kam_segment(&seg, pf, &so));
  STEP(kam_segmentation_customers(seg, customer_cb, &visited));
  STEP(kam_segmentation_get(&score, seg, 1));
  STEP(kam_segmentation_write_json(seg, kam_test_sink_write, &sink));

  /* DMU. */
  STEP(kam_dmu_new(&dmu, ctx));
  {
    static const char *titles[] = {"Генеральный директор", "CFO", "HR-директор"};
    size_t i;
    for (i = 0; i < 3; i++) {
      kam_stakeholder s;
      memset(&s, 0, sizeof s);
      s.struct_size = sizeof s;
      s.name = titles[i];
      s.title = titles[i];
      s.influence = 0.5 + 0.1 * (double)i;
      s.traits[0] = s.traits[1] = s.traits[2] = NAN;
      s.buying_roles = i == 1 ? KAM_BUYER_ECONOMIC : 0;
      before = kam_dmu_count(dmu);
      status = kam_dmu_add(dmu, &s);
      if (status) {
        assert_int_equal(status, KAM_ENOMEM);
        assert_int_equal(kam_dmu_count(dmu), before);
        goto done;
      }
    }
  }
  prof.struct_size = sizeof prof;
  STEP(kam_dmu_profile(&prof, dmu, 1));
  STEP(kam_dmu_emphasis(emphasis, dmu));
  STEP(kam_dmu_warnings(&warnings, dmu));

  /* Values, JSON, templates. */
  {
    static const char doc[] = "{\"a\":{\"b\":{\"c\":\"deep\"}},\"raw\":\"<&>\",\"n\":1.50}";
    STEP(kam_json_parse(&parsed, ctx, doc, sizeof doc - 1));
  }
  STEP(kam_json_write(parsed, KAM_JSON_PRETTY, kam_test_sink_write, &sink));
  STEP(kam_value_new_object(&data, ctx));
  STEP(kam_value_new_array(&tmp, ctx));
  {
    int i;
    for (i = 0; i < 3; i++) {
      kam_value *row = NULL, *v = NULL;
      char name[8];
      STEP(kam_value_new_object(&row, ctx));
      snprintf(name, sizeof name, "n%d", i);
      status = kam_value_new_string(&v, ctx, name, strlen(name));
      if (!status) status = kam_value_object_set(row, "name", 4, v);
      if (status) kam_value_free(v);
      v = NULL;
      if (!status) status = kam_value_new_number(&v, ctx, 1.5 * i);
      if (!status) status = kam_value_object_set(row, "price", 5, v);
      if (status) kam_value_free(v);
      v = NULL;
      if (!status) status = kam_value_new_bool(&v, ctx, i == 2);
      if (!status) status = kam_value_object_set(row, "last", 4, v);
      if (status) kam_value_free(v);
      if (!status) status = kam_value_array_push(tmp, row);
      if (status) {
        kam_value_free(row);
        assert_int_equal(status, KAM_ENOMEM);
        goto done;
      }
    }
  }
  STEP(kam_value_object_set(data, "items", 5, tmp));
  tmp = NULL;
  STEP(kam_value_new_lambda(&lam, ctx, lambda_cb, &no_fail));
  STEP(kam_value_object_set(data, "wrap", 4, lam));
  lam = NULL;
  STEP(kam_value_new_string(&tmp, ctx, "<&>", 3));
  STEP(kam_value_object_set(data, "raw", 3, tmp));
  tmp = NULL;
  STEP(kam_value_new_null(&tmp, ctx));
  STEP(kam_value_object_set(data, "nothing", 7, tmp));
  tmp = NULL;
  STEP(kam_value_new_int(&tmp, ctx, -42));
  STEP(kam_value_object_set(data, "int", 3, tmp));
  tmp = NULL;
  STEP(kam_value_new_number_text(&tmp, ctx, "12345678901234567890.5", 22));
  STEP(kam_value_object_set(data, "big", 3, tmp));
  tmp = NULL;
  STEP(kam_template_compile(&tpl, ctx, template_src, strlen(template_src)));
  STEP(kam_template_render(tpl, data, partial_cb, &no_fail, kam_test_sink_write, &sink));
  STEP(kam_template_render(tpl, parsed, partial_cb, &no_fail, kam_test_sink_write, &sink));

  /* Proposals: JSON in and out, setters, totals, the model, every format, a user template. */
  STEP(kam_proposal_from_json(&prop, ctx, proposal_json, strlen(proposal_json)));
  totals.struct_size = sizeof totals;
  STEP(kam_proposal_totals(&totals, prop));
  {
    kam_year_cost yc;
    kam_payment pay;
    memset(&yc, 0, sizeof yc);
    yc.struct_size = sizeof yc;
    memset(&pay, 0, sizeof pay);
    pay.struct_size = sizeof pay;
    STEP(kam_proposal_year_cost(&yc, prop, 2));
    STEP(kam_proposal_payment(&pay, prop, 1));
  }
  STEP(kam_proposal_to_value(&model, prop));
  STEP(kam_proposal_render(prop, KAM_FORMAT_HTML, kam_test_sink_write, &sink));
  STEP(kam_proposal_render(prop, KAM_FORMAT_MARKDOWN, kam_test_sink_write, &sink));
  STEP(kam_proposal_render(prop, KAM_FORMAT_TEXT, kam_test_sink_write, &sink));
  STEP(kam_proposal_render(prop, KAM_FORMAT_JSON, kam_test_sink_write, &sink));
  STEP(kam_proposal_render_template(prop, tpl, kam_test_sink_write, &sink));
  STEP(kam_proposal_set_dmu(prop, dmu));
  STEP(kam_proposal_render(prop, KAM_FORMAT_TEXT, kam_test_sink_write, &sink));
  snap = proposal_snapshot(prop);
  if (!snap) {
    status = KAM_ENOMEM;
    goto done;
  }
  {
    kam_item it;
    kam_person m;
    int rc;
    memset(&it, 0, sizeof it);
    it.struct_size = sizeof it;
    it.description = "Доп. работы";
    it.quantity = "3.25";
    it.unit_price = 123456;
    it.vat_percent = "20";
    rc = kam_proposal_add_item(prop, &it);
    if (!rc) rc = kam_proposal_set_title(prop, "Новое название предложения");
    if (!rc) {
      kam_payment pay;
      memset(&pay, 0, sizeof pay);
      pay.struct_size = sizeof pay;
      pay.label = "Доплата";
      pay.amount = "10.00";
      pay.due_kind = KAM_DUE_DAYS;
      pay.days = 30;
      rc = kam_proposal_add_payment(prop, &pay);
    }
    if (!rc) rc = kam_proposal_set_client(prop, "Клиент-2", "Контекст-2");
    if (!rc) {
      memset(&m, 0, sizeof m);
      m.struct_size = sizeof m;
      m.name = "Мария";
      m.position = "Архитектор";
      rc = kam_proposal_add_team_member(prop, &m);
    }
    if (rc) {
      /* The failed setter left the document as it was after the successful ones before it:
       * compare by re-reading, which must at least not have grown half a record. */
      char *now = proposal_snapshot(prop);
      assert_int_equal(rc, KAM_ENOMEM);
      if (now) {
        assert_true(strlen(now) >= strlen(snap));
        free(now);
      }
      status = rc;
      goto done;
    }
  }
  sink.len = 0;
  STEP(kam_proposal_write_json(prop, kam_test_sink_write, &sink));
  STEP(kam_proposal_from_json(&prop2, ctx, sink.data, sink.len));

done:
  free(snap);
  kam_proposal_free(prop2);
  kam_proposal_free(prop);
  kam_value_free(model);
  kam_template_free(tpl);
  kam_value_free(lam);
  kam_value_free(tmp);
  kam_value_free(data);
  kam_value_free(parsed);
  kam_dmu_free(dmu);
  kam_segmentation_free(seg);
  kam_portfolio_free(pf);
  kam_test_sink_free(&sink);
  return status;
}

static void test_oom_sweep(void **state) {
  size_t fail_at, allocations = 0, stride = 1, tried = 0;
  const char *env = getenv("KAM_OOM_STRIDE"); /* valgrind runs sample every Nth point */
  (void)state;
  if (env && atoi(env) > 1) stride = (size_t)atoi(env);
  /* First a run that never fails, to count the allocations and prove the scenario works. */
  {
    kam_test_alloc a = {0};
    kam_ctx *ctx;
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
    assert_int_equal(scenario(ctx), KAM_OK);
    kam_ctx_free(ctx);
    assert_int_equal(a.blocks, 0);
    allocations = a.calls;
  }
  for (fail_at = 1;; fail_at += stride) {
    kam_test_alloc a = {0};
    kam_ctx *ctx = NULL;
    int rc;
    a.fail_at = fail_at;
    rc = kam_ctx_new(&ctx, kam_test_alloc_fn, &a);
    if (rc == KAM_OK) {
      rc = scenario(ctx);
      kam_ctx_free(ctx);
    }
    if (a.blocks != 0) fail_msg("fail_at %zu: %zu blocks left", fail_at, a.blocks);
    if (rc == KAM_OK) {
      assert_int_equal(a.failed, 0); /* completed: no allocation was refused */
      break;
    }
    assert_int_equal(rc, KAM_ENOMEM);
    assert_true(fail_at <= allocations + 1);
    tried++;
  }
  print_message("oom sweep: %zu of %zu allocation points failed in turn (stride %zu), all clean\n",
                tried, allocations, stride);
}

/* --- Callback failures -------------------------------------------------------------------- */

typedef int (*writer_fn)(kam_ctx *ctx, kam_write_fn w, void *ud);
static kam_segmentation *g_seg;
static kam_proposal *g_prop;
static kam_value *g_value;
static kam_template *g_tpl;

static int w_csv(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_segmentation_write_csv(g_seg, w, ud, NULL);
}
static int w_json(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_segmentation_write_json(g_seg, w, ud);
}
static int w_svg(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_segmentation_write_svg(g_seg, w, ud);
}
static int w_value(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_json_write(g_value, KAM_JSON_PRETTY, w, ud);
}
static int w_tpl(kam_ctx *c, kam_write_fn w, void *ud) {
  static int no_fail = 0;
  (void)c;
  return kam_template_render(g_tpl, g_value, partial_cb, &no_fail, w, ud);
}
static int w_prop_json(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_write_json(g_prop, w, ud);
}
static int w_prop_html(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_render(g_prop, KAM_FORMAT_HTML, w, ud);
}
static int w_prop_md(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_render(g_prop, KAM_FORMAT_MARKDOWN, w, ud);
}
static int w_prop_text(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_render(g_prop, KAM_FORMAT_TEXT, w, ud);
}
static int w_prop_model(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_render(g_prop, KAM_FORMAT_JSON, w, ud);
}
static int w_prop_tpl(kam_ctx *c, kam_write_fn w, void *ud) {
  (void)c;
  return kam_proposal_render_template(g_prop, g_tpl, w, ud);
}

static void test_write_callbacks_fail_everywhere(void **state) {
  static const struct {
    const char *name;
    writer_fn fn;
  } writers[] = {{"segmentation csv", w_csv},
                 {"segmentation json", w_json},
                 {"segmentation svg", w_svg},
                 {"json_write", w_value},
                 {"template", w_tpl},
                 {"proposal json", w_prop_json},
                 {"proposal html", w_prop_html},
                 {"proposal markdown", w_prop_md},
                 {"proposal text", w_prop_text},
                 {"proposal model", w_prop_model},
                 {"proposal template", w_prop_tpl}};
  kam_test_alloc a = {0};
  kam_ctx *ctx;
  kam_portfolio *pf;
  kam_test_source src = {0};
  size_t w, total_positions = 0;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  assert_int_equal(kam_portfolio_new(&pf, ctx), KAM_OK);
  src.data = csv_text;
  src.len = sizeof csv_text - 1;
  assert_int_equal(kam_portfolio_read_csv(pf, kam_test_source_read, &src, NULL), KAM_OK);
  assert_int_equal(kam_segment(&g_seg, pf, NULL), KAM_OK);
  assert_int_equal(kam_proposal_from_json(&g_prop, ctx, proposal_json, strlen(proposal_json)),
                   KAM_OK);
  {
    static const char doc[] = "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\",\"last\":true}],"
                              "\"raw\":\"<x>\",\"a\":{\"b\":{\"c\":1}}}";
    assert_int_equal(kam_json_parse(&g_value, ctx, doc, sizeof doc - 1), KAM_OK);
  }
  assert_int_equal(kam_template_compile(&g_tpl, ctx, template_src, strlen(template_src)), KAM_OK);
  for (w = 0; w < sizeof writers / sizeof writers[0]; w++) {
    kam_test_sink ok = {0};
    size_t k, calls;
    assert_int_equal(writers[w].fn(ctx, kam_test_sink_write, &ok), KAM_OK);
    calls = ok.calls;
    assert_true(calls > 0);
    for (k = 1; k <= calls; k++) {
      kam_test_sink failing = {0};
      int rc;
      failing.fail_at_call = k;
      failing.fail_status = CB_FAIL + (int)k;
      rc = writers[w].fn(ctx, kam_test_sink_write, &failing);
      if (rc != CB_FAIL + (int)k)
        fail_msg("%s: write failing at call %zu of %zu returned %d", writers[w].name, k, calls, rc);
      assert_int_equal(failing.calls, k); /* stopped at once */
      kam_test_sink_free(&failing);
      total_positions++;
    }
    kam_test_sink_free(&ok);
  }
  print_message("write callbacks: %zu failure positions over %zu writers, all returned unchanged\n",
                total_positions, sizeof writers / sizeof writers[0]);
  kam_template_free(g_tpl);
  kam_value_free(g_value);
  kam_proposal_free(g_prop);
  kam_segmentation_free(g_seg);
  kam_portfolio_free(pf);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

static void test_read_callback_fails_everywhere(void **state) {
  kam_test_alloc a = {0};
  kam_ctx *ctx;
  kam_portfolio *pf;
  size_t k, calls;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  assert_int_equal(kam_portfolio_new(&pf, ctx), KAM_OK);
  {
    kam_test_source one = {0};
    one.data = csv_text;
    one.len = sizeof csv_text - 1;
    one.chunk = 1; /* short reads of one byte */
    assert_int_equal(kam_portfolio_read_csv(pf, kam_test_source_read, &one, NULL), KAM_OK);
    assert_int_equal(kam_portfolio_count(pf), 4);
    calls = one.calls;
  }
  kam_portfolio_free(pf);
  assert_int_equal(kam_portfolio_new(&pf, ctx), KAM_OK);
  for (k = 1; k <= calls; k++) {
    kam_test_source s = {0};
    s.data = csv_text;
    s.len = sizeof csv_text - 1;
    s.chunk = 1;
    s.fail_at_call = k;
    s.fail_status = CB_FAIL;
    assert_int_equal(kam_portfolio_read_csv(pf, kam_test_source_read, &s, NULL), CB_FAIL);
    assert_int_equal(kam_portfolio_count(pf), 0);
  }
  kam_portfolio_free(pf);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

static int score_fail_cb(void *ud, const kam_account_score *s) {
  size_t *left = (size_t *)ud;
  (void)s;
  if (--*left == 0) return CB_FAIL;
  return 0;
}

static void test_score_partial_lambda_callbacks_fail(void **state) {
  kam_test_alloc a = {0};
  kam_ctx *ctx;
  kam_portfolio *pf;
  kam_segmentation *seg;
  kam_test_source src = {0};
  kam_value *data, *lam;
  kam_template *t;
  kam_test_sink sink = {0};
  int fail_partial = 1, fail_lambda = 1, no = 0;
  size_t k;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  assert_int_equal(kam_portfolio_new(&pf, ctx), KAM_OK);
  src.data = csv_text;
  src.len = sizeof csv_text - 1;
  assert_int_equal(kam_portfolio_read_csv(pf, kam_test_source_read, &src, NULL), KAM_OK);
  assert_int_equal(kam_segment(&seg, pf, NULL), KAM_OK);
  for (k = 1; k <= 4; k++) {
    size_t left = k;
    assert_int_equal(kam_segmentation_foreach(seg, KAM_ORDER_RANK, score_fail_cb, &left), CB_FAIL);
    left = k;
    assert_int_equal(kam_segmentation_foreach(seg, KAM_ORDER_INSERTION, score_fail_cb, &left),
                     CB_FAIL);
  }
  /* Partial and lambda callbacks. */
  assert_int_equal(kam_value_new_object(&data, ctx), KAM_OK);
  assert_int_equal(kam_value_new_lambda(&lam, ctx, lambda_cb, &fail_lambda), KAM_OK);
  assert_int_equal(kam_value_object_set(data, "wrap", 4, lam), KAM_OK);
  assert_int_equal(kam_template_compile(&t, ctx, "a{{>p}}b", 8), KAM_OK);
  assert_int_equal(
      kam_template_render(t, data, partial_cb, &fail_partial, kam_test_sink_write, &sink), CB_FAIL);
  assert_int_equal(kam_template_render(t, data, partial_cb, &no, kam_test_sink_write, &sink),
                   KAM_OK);
  kam_template_free(t);
  assert_int_equal(kam_template_compile(&t, ctx, "{{#wrap}}x{{/wrap}}{{wrap}}", 27), KAM_OK);
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink), CB_FAIL);
  fail_lambda = 0;
  sink.len = 0;
  assert_int_equal(kam_template_render(t, data, NULL, NULL, kam_test_sink_write, &sink), KAM_OK);
  assert_string_equal(sink.data, "<x>&lt;&gt;");
  kam_template_free(t);
  kam_value_free(data);
  kam_test_sink_free(&sink);
  kam_segmentation_free(seg);
  kam_portfolio_free(pf);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oom_sweep),
      cmocka_unit_test(test_write_callbacks_fail_everywhere),
      cmocka_unit_test(test_read_callback_fails_everywhere),
      cmocka_unit_test(test_score_partial_lambda_callbacks_fail),
  };
  return cmocka_run_group_tests_name("oom and callbacks", tests, NULL, NULL);
}

/* test_health.c - account health (kam/portfolio.h, kam_segment "Health"): the relationship
 * input, each component and the light's cut-offs by hand, the reasons, red accounts and the
 * revenue at risk in the summary, the retention status in kam_account_score, the names, the
 * CSV column and the reports, and an OOM sweep of a segmentation with statuses. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kam/retention.h"
#include "testutil.h"

static kam_ctx *new_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, NULL, NULL), KAM_OK);
  return ctx;
}

/* relationship < 0: unknown (no KAM_ACCOUNT_RELATIONSHIP) */
static int add(kam_portfolio *p, const char *id, int64_t revenue, const int64_t *h, size_t len,
               double relationship) {
  kam_account a;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = id;
  a.revenue = revenue;
  a.history = h;
  a.history_len = len;
  a.potential = NAN;
  if (relationship >= 0 || isnan(relationship)) {
    a.flags = KAM_ACCOUNT_RELATIONSHIP;
    a.relationship = relationship;
  }
  return kam_portfolio_add(p, &a);
}

static kam_account_score get(const kam_segmentation *s, size_t i) {
  kam_account_score sc;
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, s, i), KAM_OK);
  return sc;
}

static kam_segmentation *segment(kam_portfolio *p, int with_status) {
  kam_segment_options o;
  kam_segmentation *s = NULL;
  kam_segment_options_init(&o, sizeof o);
  if (with_status) o.flags |= KAM_SEGMENT_RETENTION;
  assert_int_equal(kam_segment(&s, p, &o), KAM_OK);
  return s;
}

static void near(double got, double want) {
  if (!(fabs(got - want) < 1e-12)) fail_msg("got %.17g, want %.17g", got, want);
}

static void test_relationship_input(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s;
  kam_account a;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(add(p, "bad", 1, NULL, 0, 1.5), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "relationship"));
  assert_int_equal(add(p, "nan", 1, NULL, 0, NAN), KAM_EINVAL);
  assert_int_equal(kam_portfolio_count(p), 0);
  /* A zero-initialised struct says unknown: the field is not read without the flag. */
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = "zero";
  a.revenue = 5;
  a.relationship = 7.0; /* garbage, not read */
  assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  /* An older struct that ends before the field cannot carry the flag. */
  a.id = "short";
  a.flags = KAM_ACCOUNT_RELATIONSHIP;
  a.struct_size = (uint32_t)offsetof(kam_account, relationship);
  assert_int_equal(kam_portfolio_add(p, &a), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "struct_size"));
  assert_int_equal(add(p, "one", 5, NULL, 0, 1.0), KAM_OK);
  assert_int_equal(add(p, "zero2", 5, NULL, 0, 0.0), KAM_OK);
  s = segment(p, 0);
  assert_true(isnan(get(s, 0).relationship));
  assert_true(isnan(get(s, 0).health));
  assert_int_equal(get(s, 0).light, '-');
  assert_int_equal(get(s, 0).status, -1);
  near(get(s, 1).relationship, 1.0);
  near(get(s, 2).relationship, 0.0);
  near(get(s, 2).health, 0.0);
  assert_int_equal(get(s, 2).health_reasons, KAM_HEALTH_RELATIONSHIP);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* The light's cut-offs with one known component (the relationship): 0.40 and 0.60. */
static void test_light_cutoffs(void **state) {
  static const struct {
    double r;
    char light;
    uint32_t reasons;
  } cases[] = {{0.0, 'R', KAM_HEALTH_RELATIONSHIP},   {0.3999, 'R', KAM_HEALTH_RELATIONSHIP},
               {0.40, 'Y', KAM_HEALTH_RELATIONSHIP},  {0.4999, 'Y', KAM_HEALTH_RELATIONSHIP},
               {0.50, 'Y', 0},                        {0.5999, 'Y', 0},
               {0.60, 'G', 0},                        {1.0, 'G', 0}};
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s;
  kam_summary sm;
  size_t i, n = sizeof cases / sizeof cases[0], red = 0;
  int64_t risk = 0;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < n; i++) {
    char id[24];
    snprintf(id, sizeof id, "r%zu", i);
    assert_int_equal(add(p, id, (int64_t)(100 + i), NULL, 0, cases[i].r), KAM_OK);
    if (cases[i].light == 'R') red++, risk += (int64_t)(100 + i);
  }
  s = segment(p, 1);
  for (i = 0; i < n; i++) {
    kam_account_score sc = get(s, i);
    near(sc.health, cases[i].r);
    if (sc.light != cases[i].light) fail_msg("relationship %g: light %c", cases[i].r, sc.light);
    assert_int_equal(sc.health_reasons, cases[i].reasons);
    assert_int_equal(sc.status, -1); /* no history: N < 2 */
  }
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.red_accounts, red);
  assert_int_equal(sm.revenue_at_risk, risk);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* Each component by hand; N = 4, w = 2. */
static void test_components(void **state) {
  static const int64_t flat[] = {100, 100, 100, 100}, lost[] = {100, 100, 0, 0},
                       up[] = {100, 100, 130, 130}, down[] = {100, 100, 80, 80},
                       fresh[] = {50, 60};
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s;
  kam_account_score sc;
  kam_summary sm;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(add(p, "flat", 1000, flat, 4, -1), KAM_OK);
  assert_int_equal(add(p, "lost", 2000, lost, 4, -1), KAM_OK);
  assert_int_equal(add(p, "up", 3000, up, 4, 0.2), KAM_OK);
  assert_int_equal(add(p, "down", 4000, down, 4, -1), KAM_OK);
  assert_int_equal(add(p, "new", 5000, fresh, 2, -1), KAM_OK);
  assert_int_equal(add(p, "none", 6000, NULL, 0, -1), KAM_OK);
  s = segment(p, 1);
  /* flat: trend 0 -> 0.5, cv 0 -> 1, stable 0.75 */
  sc = get(s, 0);
  assert_int_equal(sc.status, KAM_RETENTION_STABLE);
  near(sc.health, (0.5 + 1.0 + 0.75) / 3);
  assert_int_equal(sc.light, 'G');
  assert_int_equal(sc.health_reasons, 0);
  /* lost: trend -0.8 -> 0, cv 1 -> 0, lost 0 */
  sc = get(s, 1);
  assert_int_equal(sc.status, KAM_RETENTION_LOST);
  near(sc.trend, -0.8);
  near(sc.health, 0.0);
  assert_int_equal(sc.light, 'R');
  assert_int_equal(sc.health_reasons,
                   KAM_HEALTH_TREND | KAM_HEALTH_VOLATILITY | KAM_HEALTH_RETENTION);
  /* up: the formulas on the account's own trend and cv, expanding 1, relationship 0.2 */
  sc = get(s, 2);
  assert_int_equal(sc.status, KAM_RETENTION_EXPANDING);
  {
    double t = fmin(1, fmax(0, 0.5 + 5 * sc.trend)), v = fmin(1, fmax(0, 1 - 2 * sc.cv));
    near(sc.health, (t + v + 1.0 + 0.2) / 4);
    assert_true(t == 1.0 && v > 0.5); /* +10 % per period and more; cv about 0.13 */
  }
  assert_int_equal(sc.health_reasons, KAM_HEALTH_RELATIONSHIP);
  /* down: contracting 0.25 pulls it down */
  sc = get(s, 3);
  assert_int_equal(sc.status, KAM_RETENTION_CONTRACTING);
  assert_true(sc.health_reasons & KAM_HEALTH_RETENTION);
  assert_true(sc.health_reasons & KAM_HEALTH_TREND);
  assert_false(sc.health_reasons & KAM_HEALTH_VOLATILITY); /* cv 0.11 */
  /* new: 0.75 */
  sc = get(s, 4);
  assert_int_equal(sc.status, KAM_RETENTION_NEW);
  {
    double t = fmin(1, fmax(0, 0.5 + 5 * sc.trend)), v = fmin(1, fmax(0, 1 - 2 * sc.cv));
    near(sc.health, (t + v + 0.75) / 3);
  }
  /* no history: inactive, which is no component: nothing known */
  sc = get(s, 5);
  assert_int_equal(sc.status, KAM_RETENTION_INACTIVE);
  assert_true(isnan(sc.health));
  assert_int_equal(sc.light, '-');
  assert_int_equal(sc.health_reasons, 0);
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  {
    size_t i, red = 0;
    int64_t risk = 0;
    for (i = 0; i < 6; i++) {
      sc = get(s, i);
      if (sc.light == 'R') red++, risk += sc.revenue;
    }
    assert_true(red >= 2); /* lost and down at least */
    assert_int_equal(sm.red_accounts, red);
    assert_int_equal(sm.revenue_at_risk, risk);
  }
  kam_segmentation_free(s);
  /* Without KAM_SEGMENT_RETENTION the status is -1 and is no component. */
  s = segment(p, 0);
  sc = get(s, 0);
  assert_int_equal(sc.status, -1);
  near(sc.health, (0.5 + 1.0) / 2);
  sc = get(s, 1);
  assert_int_equal(sc.health_reasons, KAM_HEALTH_TREND | KAM_HEALTH_VOLATILITY);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* kam_account_score.status equals what kam_portfolio_retention counts, with the same window and
 * threshold, and a window above N / 2 is KAM_EINVAL from kam_segment. */
static void test_status_matches_retention(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  kam_segment_options o;
  kam_retention r;
  kam_retention_options ro;
  uint64_t rng = 88172645463325252u;
  int64_t h[9][12];
  size_t i, j, w, counts[KAM_RETENTION_STATUSES];
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < 300; i++) {
    char id[16];
    size_t len = i % 13;
    for (j = 0; j < len; j++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      h[i % 9][j] = rng % 5 == 0 ? 0 : (int64_t)(90 + rng % 30);
    }
    snprintf(id, sizeof id, "a%zu", i);
    assert_int_equal(add(p, id, (int64_t)i, h[i % 9], len, -1), KAM_OK);
  }
  for (w = 0; w <= 6; w++) {
    kam_segment_options_init(&o, sizeof o);
    o.flags = KAM_SEGMENT_RETENTION;
    o.retention_window = w;
    o.retention_threshold = 0.05 * (double)w;
    assert_int_equal(kam_segment(&s, p, &o), KAM_OK);
    kam_retention_options_init(&ro, sizeof ro);
    ro.window = w;
    ro.threshold = 0.05 * (double)w;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;
    assert_int_equal(kam_portfolio_retention(&r, p, NULL, &ro), KAM_OK);
    memset(counts, 0, sizeof counts);
    for (i = 0; i < 300; i++) {
      kam_account_score sc = get(s, i);
      assert_true(sc.status >= 0 && sc.status < KAM_RETENTION_STATUSES);
      counts[sc.status]++;
    }
    for (j = 0; j < KAM_RETENTION_STATUSES; j++)
      assert_int_equal(counts[j], r.count[j]);
    kam_segmentation_free(s);
  }
  kam_segment_options_init(&o, sizeof o);
  o.flags = KAM_SEGMENT_RETENTION;
  o.retention_window = 7;
  s = (kam_segmentation *)1;
  assert_int_equal(kam_segment(&s, p, &o), KAM_EINVAL);
  assert_null(s);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "retention_window"));
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

/* The margin component: margin % = margin / revenue, known with KAM_ACCOUNT_MARGIN and a
 * revenue > 0; it counts for accounts without details too (the margin is a column). */
static void test_margin_component(void **state) {
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s;
  kam_summary sm;
  kam_account a;
  static const struct {
    const char *id;
    int64_t revenue, margin;
    double health;
    char light;
  } cases[] = {{"rich", 1000, 300, 1.0, 'G'},   {"thin", 1000, 100, 0.5, 'Y'},
               {"loss", 1000, -200, 0.0, 'R'},  {"zero", 0, 5, NAN, '-'}};
  size_t i;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  for (i = 0; i < 4; i++) {
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.id = cases[i].id;
    a.revenue = cases[i].revenue;
    a.potential = NAN;
    a.flags = KAM_ACCOUNT_MARGIN;
    a.margin = cases[i].margin;
    assert_int_equal(kam_portfolio_add(p, &a), KAM_OK);
  }
  s = segment(p, 1);
  for (i = 0; i < 4; i++) {
    kam_account_score sc = get(s, i);
    if (isnan(cases[i].health))
      assert_true(isnan(sc.health));
    else
      near(sc.health, cases[i].health);
    assert_int_equal(sc.light, cases[i].light);
    assert_int_equal(sc.health_reasons, cases[i].health < 0.5 ? KAM_HEALTH_MARGIN : 0u);
  }
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, s), KAM_OK);
  assert_int_equal(sm.red_accounts, 1);
  assert_int_equal(sm.revenue_at_risk, 1000);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(kam_health_reason_name(KAM_HEALTH_TREND), "trend");
  assert_string_equal(kam_health_reason_name(KAM_HEALTH_VOLATILITY), "volatility");
  assert_string_equal(kam_health_reason_name(KAM_HEALTH_RETENTION), "retention");
  assert_string_equal(kam_health_reason_name(KAM_HEALTH_MARGIN), "margin");
  assert_string_equal(kam_health_reason_name(KAM_HEALTH_RELATIONSHIP), "relationship");
  assert_null(kam_health_reason_name(0));
  assert_null(kam_health_reason_name(3));
  assert_null(kam_health_reason_name(1u << 5));
  assert_string_equal(kam_health_light_name('G'), "green");
  assert_string_equal(kam_health_light_name('Y'), "yellow");
  assert_string_equal(kam_health_light_name('R'), "red");
  assert_null(kam_health_light_name('-'));
  assert_null(kam_health_light_name('g'));
  assert_null(kam_health_light_name(-1));
}

static char *write_text(const kam_segmentation *s, int json) {
  kam_test_sink k;
  char *out;
  memset(&k, 0, sizeof k);
  assert_int_equal(json ? kam_segmentation_write_json(s, kam_test_sink_write, &k)
                        : kam_segmentation_write_csv(s, kam_test_sink_write, &k, NULL),
                   KAM_OK);
  out = (char *)malloc(k.len + 1);
  assert_non_null(out);
  memcpy(out, k.data, k.len);
  out[k.len] = '\0';
  kam_test_sink_free(&k);
  return out;
}

static void test_csv_and_reports(void **state) {
  static const char csv[] = "id;revenue;Отношения;h1;h2;h3;h4\n"
                            "a;100;0,2;100;100;0;0\n"
                            "b;50;70 %;10;10;10;10\n"
                            "c;10;;;;;\n";
  kam_ctx *ctx = new_ctx();
  kam_portfolio *p = NULL;
  kam_segmentation *s;
  kam_test_source src = kam_test_source_of(csv, sizeof csv - 1, 0);
  char *out;
  (void)state;
  assert_int_equal(kam_portfolio_new(&p, ctx), KAM_OK);
  assert_int_equal(kam_portfolio_read_csv(p, kam_test_source_read, &src, NULL), KAM_OK);
  s = segment(p, 1);
  near(get(s, 0).relationship, 0.2);
  near(get(s, 1).relationship, 0.7);
  assert_true(isnan(get(s, 2).relationship));
  assert_int_equal(get(s, 0).light, 'R');
  out = write_text(s, 1);
  assert_non_null(strstr(out, "\"red_accounts\":1,\"revenue_at_risk\":10000"));
  assert_non_null(strstr(out, "\"status\":\"lost\",\"relationship\":0.2,\"health\":0.05,"
                              "\"light\":\"red\",\"health_reasons\":[\"trend\",\"volatility\","
                              "\"retention\",\"relationship\"]}"));
  assert_non_null(strstr(out, "\"status\":\"inactive\",\"relationship\":null,\"health\":null,"
                              "\"light\":null,\"health_reasons\":[]}"));
  free(out);
  out = write_text(s, 0);
  assert_non_null(
      strstr(out, ",key_reasons,margin,status,relationship,health,light,health_reasons\r\n"));
  assert_non_null(strstr(out, ",lost,0.2,0.05,red,trend volatility retention relationship\r\n"));
  assert_non_null(strstr(out, ",inactive,,,,\r\n"));
  free(out);
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  kam_ctx_free(ctx);
}

static int oom_op(void *ud, kam_ctx *ctx) {
  static const int64_t h1[] = {5, 6, 0, 0}, h2[] = {3, 9};
  kam_portfolio *p = NULL;
  kam_segmentation *s = NULL;
  kam_segment_options o;
  kam_account_score sc;
  kam_account a;
  int rc;
  (void)ud;
  if ((rc = kam_portfolio_new(&p, ctx))) return rc;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.potential = NAN;
  a.id = "a";
  a.revenue = 9;
  a.history = h1;
  a.history_len = 4;
  a.flags = KAM_ACCOUNT_RELATIONSHIP;
  a.relationship = 0.1;
  if ((rc = kam_portfolio_add(p, &a))) goto done;
  a.id = "b";
  a.history = h2;
  a.history_len = 2;
  a.flags = 0;
  if ((rc = kam_portfolio_add(p, &a))) goto done;
  kam_segment_options_init(&o, sizeof o);
  o.flags = KAM_SEGMENT_RETENTION;
  if ((rc = kam_segment(&s, p, &o))) goto done;
  memset(&sc, 0, sizeof sc);
  sc.struct_size = sizeof sc;
  if ((rc = kam_segmentation_get(&sc, s, 0))) goto done;
  assert_int_equal(sc.status, KAM_RETENTION_LOST);
  assert_int_equal(sc.light, 'R');
done:
  kam_segmentation_free(s);
  kam_portfolio_free(p);
  return rc;
}

static void test_oom(void **state) {
  size_t failed = kam_test_oom_sweep(oom_op, NULL);
  (void)state;
  assert_true(failed >= 4 && failed != (size_t)-1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_relationship_input),
      cmocka_unit_test(test_light_cutoffs),
      cmocka_unit_test(test_components),
      cmocka_unit_test(test_status_matches_retention),
      cmocka_unit_test(test_margin_component),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_csv_and_reports),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

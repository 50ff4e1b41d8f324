/* test_dmu.c - the decision-making unit: the style model (role priors + observed traits), the
 * DMU lifecycle, copying, profiles, emphasis, warnings, validation, struct_size handling and an
 * out-of-memory loop. The title typer itself is tested in test_titles.c. */
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

#define EPS 1e-12

static kam_stakeholder person(const char *name, const char *title, int32_t role, double influence,
                              int32_t attitude, uint32_t buying_roles) {
  kam_stakeholder s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.role = role;
  s.name = name;
  s.title = title;
  s.influence = influence;
  s.attitude = attitude;
  s.buying_roles = buying_roles;
  s.traits[0] = s.traits[1] = s.traits[2] = NAN;
  return s;
}

static kam_profile profile_of(const kam_dmu *d, size_t i) {
  kam_profile p;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  assert_int_equal(kam_dmu_profile(&p, d, i), KAM_OK);
  return p;
}

static void assert_mix(const double *got, double a, double r, double an) {
  assert_true(fabs(got[0] - a) < 1e-9);
  assert_true(fabs(got[1] - r) < 1e-9);
  assert_true(fabs(got[2] - an) < 1e-9);
}

static void assert_sums_to_one(const double *mix) {
  assert_true(fabs(mix[0] + mix[1] + mix[2] - 1.0) < EPS);
  assert_true(mix[0] >= 0 && mix[1] >= 0 && mix[2] >= 0);
}

/* ---- the style model ---- */

static void test_role_priors(void **state) {
  int32_t r;
  double p[3];
  (void)state;
  for (r = 0; r < KAM_ROLE_COUNT; r++) {
    assert_int_equal(kam_role_style_prior(p, r), KAM_OK);
    assert_sums_to_one(p);
  }
  /* DESIGN: executive -> authority, hr -> relational, finance and technical -> analytical */
  kam_role_style_prior(p, KAM_ROLE_EXECUTIVE);
  assert_mix(p, 0.70, 0.15, 0.15);
  kam_role_style_prior(p, KAM_ROLE_HR);
  assert_mix(p, 0.15, 0.70, 0.15);
  kam_role_style_prior(p, KAM_ROLE_FINANCE);
  assert_mix(p, 0.15, 0.10, 0.75);
  kam_role_style_prior(p, KAM_ROLE_TECHNICAL);
  assert_mix(p, 0.10, 0.15, 0.75);
  kam_role_style_prior(p, KAM_ROLE_PROCUREMENT);
  assert_mix(p, 0.20, 0.15, 0.65);
  kam_role_style_prior(p, KAM_ROLE_LEGAL);
  assert_mix(p, 0.20, 0.10, 0.70);
  kam_role_style_prior(p, KAM_ROLE_OPERATIONS);
  assert_mix(p, 0.35, 0.20, 0.45);
  kam_role_style_prior(p, KAM_ROLE_MARKETING);
  assert_mix(p, 0.40, 0.45, 0.15);
  kam_role_style_prior(p, KAM_ROLE_UNKNOWN);
  assert_mix(p, 1.0 / 3, 1.0 / 3, 1.0 / 3);
  assert_int_equal(kam_role_style_prior(p, -1), KAM_EINVAL);
  assert_int_equal(kam_role_style_prior(p, KAM_ROLE_COUNT), KAM_EINVAL);
  assert_int_equal(kam_role_style_prior(NULL, 0), KAM_EINVAL);
}

static void test_style_formula(void **state) {
  kam_profile p;
  double t[3];
  (void)state;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  /* a role alone: the prior, confidence 0.5 */
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_FINANCE, 1.0, NULL), KAM_OK);
  assert_mix(p.style, 0.15, 0.10, 0.75);
  assert_int_equal(p.primary_style, KAM_STYLE_ANALYTICAL);
  assert_int_equal(p.role, KAM_ROLE_FINANCE);
  assert_true(fabs(p.confidence - 0.5) < 1e-12);
  /* the header's worked example: a dominant finance director */
  t[0] = 1;
  t[1] = 0;
  t[2] = 0;
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_FINANCE, 1.0, t), KAM_OK);
  assert_mix(p.style, 0.25 * 0.15 + 0.75, 0.25 * 0.10, 0.25 * 0.75);
  assert_int_equal(p.primary_style, KAM_STYLE_AUTHORITY);
  assert_true(fabs(p.confidence - 0.875) < 1e-12);
  /* one trait observed: w = 0.25, unobserved traits assumed typical */
  t[0] = 1;
  t[1] = NAN;
  t[2] = NAN;
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_FINANCE, 1.0, t), KAM_OK);
  {
    double q0 = 1, q1 = 0.10, q2 = 0.75, s = q0 + q1 + q2;
    assert_mix(p.style, 0.75 * 0.15 + 0.25 * q0 / s, 0.75 * 0.10 + 0.25 * q1 / s,
               0.75 * 0.75 + 0.25 * q2 / s);
  }
  assert_int_equal(p.primary_style, KAM_STYLE_ANALYTICAL); /* one trait does not outweigh */
  assert_true(fabs(p.confidence - (0.75 * 0.5 + 0.25)) < 1e-12);
  /* a trait observed low pushes down */
  t[0] = 0;
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_EXECUTIVE, 1.0, t), KAM_OK);
  assert_true(p.style[0] < 0.70);
  /* role confidence pulls the prior towards uniform */
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_HR, 0.5, NULL), KAM_OK);
  assert_mix(p.style, 0.5 * 0.15 + 0.5 / 3, 0.5 * 0.70 + 0.5 / 3, 0.5 * 0.15 + 0.5 / 3);
  assert_true(fabs(p.role_confidence - 0.5) < 1e-12);
  assert_true(fabs(p.confidence - 0.25) < 1e-12);
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_HR, 0.0, NULL), KAM_OK);
  assert_mix(p.style, 1.0 / 3, 1.0 / 3, 1.0 / 3);
  assert_int_equal(p.primary_style, KAM_STYLE_AUTHORITY); /* ties: the lowest index */
  assert_true(p.confidence == 0.0);
  /* all traits observed as 0: the trait mix is uniform */
  t[0] = t[1] = t[2] = 0;
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_UNKNOWN, 0.0, t), KAM_OK);
  assert_mix(p.style, 1.0 / 3, 1.0 / 3, 1.0 / 3);
  assert_true(fabs(p.confidence - 0.75) < 1e-12);
}

/* Observed traits outweigh the role prior when all three are given: for every role and every
 * style, a person observed as clearly that style is typed with it as primary. */
static void test_traits_override(void **state) {
  int32_t role, style;
  (void)state;
  for (role = 0; role < KAM_ROLE_COUNT; role++) {
    for (style = 0; style < KAM_STYLE_COUNT; style++) {
      kam_profile p;
      double t[3] = {0.1, 0.1, 0.1};
      t[style] = 0.9;
      memset(&p, 0, sizeof p);
      p.struct_size = sizeof p;
      assert_int_equal(kam_profile_compute(&p, role, 1.0, t), KAM_OK);
      assert_int_equal(p.primary_style, style);
      assert_sums_to_one(p.style);
    }
  }
}

static void test_profile_compute_bad_input(void **state) {
  kam_profile p, before;
  double t[3] = {0.5, 1.5, NAN};
  (void)state;
  memset(&p, 0x5a, sizeof p);
  p.struct_size = sizeof p;
  before = p;
  assert_int_equal(kam_profile_compute(NULL, 0, 1, NULL), KAM_EINVAL);
  assert_int_equal(kam_profile_compute(&p, -1, 1, NULL), KAM_EINVAL);
  assert_int_equal(kam_profile_compute(&p, KAM_ROLE_COUNT, 1, NULL), KAM_EINVAL);
  assert_int_equal(kam_profile_compute(&p, 1, 1.5, NULL), KAM_EINVAL);
  assert_int_equal(kam_profile_compute(&p, 1, NAN, NULL), KAM_EINVAL);
  assert_int_equal(kam_profile_compute(&p, 1, 1, t), KAM_EINVAL);
  t[1] = -0.1;
  assert_int_equal(kam_profile_compute(&p, 1, 1, t), KAM_EINVAL);
  t[1] = INFINITY;
  assert_int_equal(kam_profile_compute(&p, 1, 1, t), KAM_EINVAL);
  assert_memory_equal(&p, &before, sizeof p);
  p.struct_size = 0;
  assert_int_equal(kam_profile_compute(&p, 1, 1, NULL), KAM_EINVAL);
}

/* ---- the DMU ---- */

typedef struct fixture {
  kam_ctx *ctx;
  kam_dmu *dmu;
} fixture;

static void open_dmu(fixture *f) {
  assert_int_equal(kam_ctx_new(&f->ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_dmu_new(&f->dmu, f->ctx), KAM_OK);
}

static void close_dmu(fixture *f) {
  kam_dmu_free(f->dmu);
  kam_ctx_free(f->ctx);
}

static void test_lifecycle(void **state) {
  fixture f;
  kam_dmu *d = (kam_dmu *)1;
  kam_stakeholder s =
      person("Ирина Соколова", "Финансовый директор", KAM_ROLE_UNKNOWN, 0.8, 2, KAM_BUYER_ECONOMIC);
  (void)state;
  open_dmu(&f);
  assert_int_equal(kam_dmu_count(f.dmu), 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_count(f.dmu), 1);
  close_dmu(&f);
  kam_dmu_free(NULL);
  assert_int_equal(kam_dmu_count(NULL), 0);
  assert_int_equal(kam_dmu_new(&d, NULL), KAM_EINVAL);
  assert_null(d);
  assert_int_equal(kam_dmu_new(NULL, NULL), KAM_EINVAL);
}

static void test_add_copies_and_infers(void **state) {
  fixture f;
  char name[32], title[64], email[32], phone[32];
  kam_stakeholder s, got;
  kam_profile p;
  double c;
  int32_t role;
  (void)state;
  open_dmu(&f);
  strcpy(name, "Ирина Соколова");
  strcpy(title, "Финансовый директор");
  strcpy(email, "i.sokolova@example.ru");
  strcpy(phone, "+7 495 000-00-00");
  s = person(name, title, KAM_ROLE_UNKNOWN, 0.8, 2, KAM_BUYER_ECONOMIC);
  s.email = email;
  s.phone = phone;
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  /* the DMU keeps its own copies */
  memset(name, 'x', sizeof name - 1);
  memset(title, 'x', sizeof title - 1);
  memset(email, 'x', sizeof email - 1);
  memset(phone, 'x', sizeof phone - 1);
  memset(&got, 0, sizeof got);
  got.struct_size = sizeof got;
  assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, 0), KAM_OK);
  assert_string_equal(got.name, "Ирина Соколова");
  assert_string_equal(got.title, "Финансовый директор");
  assert_string_equal(got.email, "i.sokolova@example.ru");
  assert_string_equal(got.phone, "+7 495 000-00-00");
  assert_int_equal(got.role, KAM_ROLE_UNKNOWN); /* as given */
  assert_true(got.influence == 0.8);
  assert_int_equal(got.attitude, 2);
  assert_int_equal(got.buying_roles, KAM_BUYER_ECONOMIC);
  assert_true(isnan(got.traits[0]) && isnan(got.traits[1]) && isnan(got.traits[2]));
  /* the role was read from the title, with the title's confidence */
  p = profile_of(f.dmu, 0);
  assert_int_equal(
      kam_role_from_title(&role, &c, "Финансовый директор", strlen("Финансовый директор")), KAM_OK);
  assert_int_equal(p.role, KAM_ROLE_FINANCE);
  assert_true(p.role_confidence == c);
  assert_int_equal(p.primary_style, KAM_STYLE_ANALYTICAL);
  assert_sums_to_one(p.style);
  /* a given role wins over the title, with confidence 1 */
  s = person("Пётр", "Финансовый директор", KAM_ROLE_HR, NAN, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  p = profile_of(f.dmu, 1);
  assert_int_equal(p.role, KAM_ROLE_HR);
  assert_true(p.role_confidence == 1.0);
  assert_int_equal(p.primary_style, KAM_STYLE_RELATIONAL);
  /* no role, no title: unknown, uniform, confidence 0 */
  s = person(NULL, NULL, KAM_ROLE_UNKNOWN, NAN, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  p = profile_of(f.dmu, 2);
  assert_int_equal(p.role, KAM_ROLE_UNKNOWN);
  assert_true(p.role_confidence == 0.0 && p.confidence == 0.0);
  assert_mix(p.style, 1.0 / 3, 1.0 / 3, 1.0 / 3);
  memset(&got, 0, sizeof got);
  got.struct_size = sizeof got;
  assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, 2), KAM_OK);
  assert_null(got.name);
  assert_null(got.title);
  assert_null(got.email);
  assert_null(got.phone);
  assert_true(isnan(got.influence));
  close_dmu(&f);
}

static void test_profile_out_of_range(void **state) {
  fixture f;
  kam_profile p;
  kam_stakeholder s = person("A", "CEO", 0, 0.5, 0, 0), got;
  (void)state;
  open_dmu(&f);
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  assert_int_equal(kam_dmu_profile(&p, f.dmu, 0), KAM_ENOTFOUND);
  assert_non_null(strstr(kam_ctx_errmsg(f.ctx), "index 0"));
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_profile(&p, f.dmu, 1), KAM_ENOTFOUND);
  assert_non_null(
      strstr(kam_ctx_errmsg(f.ctx), "index 1 is out of range (the DMU has 1 stakeholder)"));
  assert_int_equal(kam_dmu_profile(&p, f.dmu, (size_t)-1), KAM_ENOTFOUND);
  assert_int_equal(kam_dmu_profile(NULL, f.dmu, 0), KAM_EINVAL);
  assert_int_equal(kam_dmu_profile(&p, NULL, 0), KAM_EINVAL);
  got.struct_size = sizeof got;
  assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, 1), KAM_ENOTFOUND);
  assert_int_equal(kam_dmu_stakeholder(NULL, f.dmu, 0), KAM_EINVAL);
  assert_int_equal(kam_dmu_stakeholder(&got, NULL, 0), KAM_EINVAL);
  p.struct_size = 0;
  assert_int_equal(kam_dmu_profile(&p, f.dmu, 0), KAM_EINVAL);
  got.struct_size = 2;
  assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, 0), KAM_EINVAL);
  close_dmu(&f);
}

/* struct_size: an old caller's smaller struct is read and written only as far as it goes. */
static void test_struct_size(void **state) {
  fixture f;
  kam_stakeholder s = person("Old caller", "Финансовый директор", 0, 0.9, 0, 0);
  kam_profile p;
  unsigned char raw[sizeof(kam_profile) + 8];
  kam_profile *pp = (kam_profile *)(void *)raw;
  size_t cut = offsetof(kam_profile, primary_style);
  (void)state;
  open_dmu(&f);
  /* traits lie beyond this struct_size: they must be ignored (garbage there is not read) */
  s.traits[0] = 55.0;
  s.traits[1] = -3.0;
  s.struct_size = (uint32_t)offsetof(kam_stakeholder, traits);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  p = profile_of(f.dmu, 0);
  assert_mix(p.style, 0.95 * 0.15 + 0.05 / 3, 0.95 * 0.10 + 0.05 / 3, 0.95 * 0.75 + 0.05 / 3);
  /* influence beyond struct_size: the default (NaN) */
  s.struct_size = (uint32_t)offsetof(kam_stakeholder, influence);
  s.influence = 7.0; /* invalid, but not read */
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  {
    kam_stakeholder got;
    memset(&got, 0, sizeof got);
    got.struct_size = sizeof got;
    assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, 1), KAM_OK);
    assert_true(isnan(got.influence));
    assert_true(isnan(got.traits[0]));
  }
  /* only struct_size: everything defaults */
  s.struct_size = sizeof(uint32_t);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  p = profile_of(f.dmu, 2);
  assert_int_equal(p.role, KAM_ROLE_UNKNOWN);
  /* a short profile struct: nothing past struct_size is written */
  memset(raw, 0xEE, sizeof raw);
  pp->struct_size = (uint32_t)cut;
  assert_int_equal(kam_dmu_profile(pp, f.dmu, 0), KAM_OK);
  assert_int_equal(pp->role, KAM_ROLE_FINANCE);
  assert_true(raw[cut] == 0xEE && raw[sizeof raw - 1] == 0xEE);
  s.struct_size = 0;
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_EINVAL);
  assert_int_equal(kam_dmu_count(f.dmu), 3);
  close_dmu(&f);
}

/* Each bad field: the right status, a message naming the field, and the DMU unchanged. */
static void test_add_validation(void **state) {
  fixture f;
  kam_stakeholder ok = person("Анна", "HR-директор", 0, 0.5, 0, KAM_BUYER_COACH), s;
  kam_profile before;
  (void)state;
  open_dmu(&f);
  assert_int_equal(kam_dmu_add(f.dmu, &ok), KAM_OK);
  before = profile_of(f.dmu, 0);
#define BAD(mutate, status, needle)                                                                \
  do {                                                                                             \
    kam_profile after;                                                                             \
    s = ok;                                                                                        \
    mutate;                                                                                        \
    assert_int_equal(kam_dmu_add(f.dmu, &s), status);                                              \
    if (!strstr(kam_ctx_errmsg(f.ctx), needle))                                                    \
      printf("message \"%s\" lacks \"%s\"\n", kam_ctx_errmsg(f.ctx), needle);                      \
    assert_non_null(strstr(kam_ctx_errmsg(f.ctx), needle));                                        \
    assert_int_equal(kam_dmu_count(f.dmu), 1);                                                     \
    after = profile_of(f.dmu, 0);                                                                  \
    assert_memory_equal(&after, &before, sizeof after);                                            \
  } while (0)
  BAD(s.influence = 1.5, KAM_EINVAL, "stakeholder 2 (\"Анна\"): influence 1.5 is not in 0..1");
  BAD(s.influence = -0.01, KAM_EINVAL, "influence");
  BAD(s.influence = INFINITY, KAM_EINVAL, "influence");
  BAD(s.influence = -INFINITY, KAM_EINVAL, "influence");
  BAD(s.attitude = 6, KAM_EINVAL, "attitude 6 is not in -5..+5");
  BAD(s.attitude = -6, KAM_EINVAL, "attitude");
  BAD(s.traits[0] = 1.01, KAM_EINVAL, "dominance");
  BAD(s.traits[1] = -1, KAM_EINVAL, "people");
  BAD(s.traits[2] = INFINITY, KAM_EINVAL, "detail");
  BAD(s.role = 9, KAM_EINVAL, "role 9");
  BAD(s.role = -1, KAM_EINVAL, "role -1");
  BAD(s.buying_roles = 0x10, KAM_EINVAL, "buying_roles");
  BAD(s.name = "\xFF\xFE", KAM_EPARSE, "stakeholder 2: name is not valid UTF-8");
  BAD(s.title = "Дире\xD0", KAM_EPARSE, "title is not valid UTF-8 (byte 8)");
  BAD(s.email = "a\xC0\xAF@b", KAM_EPARSE, "email");
  BAD(s.phone = "\xED\xA0\x80", KAM_EPARSE, "phone");
  BAD(s.struct_size = 3, KAM_EINVAL,
      "kam_dmu_add: struct_size 3 is not the size of a kam_stakeholder (set it to "
      "sizeof(kam_stakeholder))");
  BAD(s.struct_size = 65537, KAM_EINVAL, "struct_size 65537");
  assert_int_equal(kam_dmu_add(f.dmu, NULL), KAM_EINVAL);
  assert_int_equal(kam_dmu_add(NULL, &ok), KAM_EINVAL);
  /* the edges are valid */
  s = ok;
  s.influence = 0;
  s.attitude = -5;
  s.traits[0] = 0;
  s.traits[1] = 1;
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  s.influence = 1;
  s.attitude = 5;
  s.buying_roles = KAM_BUYER_ALL;
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_count(f.dmu), 3);
  /* a long name is cut in the message at a character boundary */
  {
    char longname[400];
    size_t i;
    for (i = 0; i + 2 < sizeof longname; i += 2)
      memcpy(longname + i, "Я", 2);
    longname[i] = '\0';
    s = ok;
    s.name = longname;
    s.influence = 2;
    assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_EINVAL);
    assert_non_null(strstr(kam_ctx_errmsg(f.ctx), "ЯЯ...\"): influence 2 is not in 0..1"));
  }
#undef BAD
  close_dmu(&f);
}

static void test_emphasis(void **state) {
  fixture f;
  double e[3] = {9, 9, 9};
  kam_stakeholder s;
  kam_profile a, b;
  (void)state;
  open_dmu(&f);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_ESTATE);
  assert_mix(e, 1.0 / 3, 1.0 / 3, 1.0 / 3);
  assert_non_null(strstr(kam_ctx_errmsg(f.ctx), "empty"));
  s = person("CEO", NULL, KAM_ROLE_EXECUTIVE, 0.9, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_mix(e, 0.70, 0.15, 0.15);
  s = person("CFO", NULL, KAM_ROLE_FINANCE, 0.3, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  a = profile_of(f.dmu, 0);
  b = profile_of(f.dmu, 1);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_sums_to_one(e);
  assert_mix(e, (0.9 * a.style[0] + 0.3 * b.style[0]) / 1.2,
             (0.9 * a.style[1] + 0.3 * b.style[1]) / 1.2,
             (0.9 * a.style[2] + 0.3 * b.style[2]) / 1.2);
  /* NaN influence counts as 0.5 */
  s = person("HR", NULL, KAM_ROLE_HR, NAN, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_true(fabs(e[1] - (0.9 * 0.15 + 0.3 * 0.10 + 0.5 * 0.70) / 1.7) < 1e-12);
  assert_sums_to_one(e);
  assert_int_equal(kam_dmu_emphasis(NULL, f.dmu), KAM_EINVAL);
  assert_int_equal(kam_dmu_emphasis(e, NULL), KAM_EINVAL);
  close_dmu(&f);
  /* every influence 0: each member counts equally */
  open_dmu(&f);
  s = person("A", NULL, KAM_ROLE_EXECUTIVE, 0, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  s = person("B", NULL, KAM_ROLE_HR, 0, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_mix(e, (0.70 + 0.15) / 2, (0.15 + 0.70) / 2, (0.15 + 0.15) / 2);
  /* a zero-influence member beside an influential one does not count */
  s = person("C", NULL, KAM_ROLE_FINANCE, 1, 0, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_mix(e, 0.15, 0.10, 0.75);
  close_dmu(&f);
}

/* Random DMUs: the emphasis always sums to 1 and lies within the members' range. */
static void test_emphasis_sums(void **state) {
  unsigned seed = 12345;
  int round;
  (void)state;
  for (round = 0; round < 200; round++) {
    fixture f;
    double e[3];
    int i, n, k;
    open_dmu(&f);
    n = 1 + round % 7;
    for (i = 0; i < n; i++) {
      kam_stakeholder s = person("x", NULL, 0, NAN, 0, 0);
      seed = seed * 1103515245u + 12345u;
      s.role = (int32_t)((seed >> 16) % KAM_ROLE_COUNT);
      s.influence = (seed >> 8) % 5 == 0 ? NAN : (double)((seed >> 4) % 101) / 100.0;
      for (k = 0; k < 3; k++) {
        seed = seed * 1103515245u + 12345u;
        s.traits[k] = (seed >> 16) % 3 == 0 ? NAN : (double)((seed >> 8) % 101) / 100.0;
      }
      assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
    }
    assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
    assert_sums_to_one(e);
    for (i = 0; i < n; i++)
      assert_sums_to_one(profile_of(f.dmu, (size_t)i).style);
    close_dmu(&f);
  }
}

static void test_warnings(void **state) {
  fixture f;
  uint32_t w = 0xdead;
  kam_stakeholder s;
  (void)state;
  open_dmu(&f);
  assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
  assert_int_equal(w, KAM_DMU_EMPTY);
  s = person("Opponent", "Технический директор", 0, 0.6, -3, 0);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
  assert_int_equal(w, KAM_DMU_NO_ECONOMIC_BUYER | KAM_DMU_NO_COACH | KAM_DMU_INFLUENTIAL_OPPONENT);
  s = person("Buyer", "CFO", 0, 0.9, 1, KAM_BUYER_ECONOMIC);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
  assert_int_equal(w, KAM_DMU_NO_COACH | KAM_DMU_INFLUENTIAL_OPPONENT);
  s = person("Coach", "HRD", 0, 0.3, 4, KAM_BUYER_COACH | KAM_BUYER_USER);
  assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
  assert_int_equal(w, KAM_DMU_INFLUENTIAL_OPPONENT);
  assert_int_equal(kam_dmu_warnings(NULL, f.dmu), KAM_EINVAL);
  assert_int_equal(kam_dmu_warnings(&w, NULL), KAM_EINVAL);
  close_dmu(&f);
  /* the opponent boundary: attitude <= -3 and influence >= 0.6, both needed */
  {
    static const struct {
      double influence;
      int32_t attitude;
      int flagged;
    } cases[] = {{0.6, -3, 1}, {1.0, -5, 1}, {0.59, -5, 0},
                 {0.9, -2, 0}, {NAN, -5, 0}, {0.6, 3, 0}};
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      open_dmu(&f);
      s = person("P", NULL, KAM_ROLE_EXECUTIVE, cases[i].influence, cases[i].attitude,
                 KAM_BUYER_ECONOMIC | KAM_BUYER_COACH);
      assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
      assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
      assert_int_equal(w, cases[i].flagged ? (uint32_t)KAM_DMU_INFLUENTIAL_OPPONENT : 0u);
      close_dmu(&f);
    }
  }
}

static void test_names_and_buyer_roles(void **state) {
  uint32_t r = 77;
  (void)state;
  assert_string_equal(kam_buyer_role_name(KAM_BUYER_ECONOMIC), "economic");
  assert_string_equal(kam_buyer_role_name(KAM_BUYER_USER), "user");
  assert_string_equal(kam_buyer_role_name(KAM_BUYER_TECHNICAL), "technical");
  assert_string_equal(kam_buyer_role_name(KAM_BUYER_COACH), "coach");
  assert_null(kam_buyer_role_name(0));
  assert_null(kam_buyer_role_name(KAM_BUYER_ECONOMIC | KAM_BUYER_COACH));
  assert_null(kam_buyer_role_name(1u << 4));
  assert_string_equal(kam_dmu_warning_name(KAM_DMU_EMPTY), "empty");
  assert_string_equal(kam_dmu_warning_name(KAM_DMU_NO_ECONOMIC_BUYER), "no_economic_buyer");
  assert_string_equal(kam_dmu_warning_name(KAM_DMU_NO_COACH), "no_coach");
  assert_string_equal(kam_dmu_warning_name(KAM_DMU_INFLUENTIAL_OPPONENT), "influential_opponent");
  assert_null(kam_dmu_warning_name(0));
  assert_null(kam_dmu_warning_name(3));
  assert_null(kam_dmu_warning_name(1u << 4));
  assert_string_equal(kam_trait_name(0), "dominance");
  assert_string_equal(kam_trait_name(1), "people");
  assert_string_equal(kam_trait_name(2), "detail");
  assert_null(kam_trait_name(-1));
  assert_null(kam_trait_name(3));
  assert_int_equal(kam_buyer_role_parse(&r, "economic;coach", 14), KAM_OK);
  assert_int_equal(r, KAM_BUYER_ECONOMIC | KAM_BUYER_COACH);
  assert_int_equal(kam_buyer_role_parse(&r, " Economic, USER | technical/coach+user ", 39),
                   KAM_OK);
  assert_int_equal(r, KAM_BUYER_ALL);
  assert_int_equal(kam_buyer_role_parse(&r, "", 0), KAM_OK);
  assert_int_equal(r, 0);
  assert_int_equal(kam_buyer_role_parse(&r, " ;, ", 4), KAM_OK);
  assert_int_equal(r, 0);
  r = 77;
  assert_int_equal(kam_buyer_role_parse(&r, "economic;sponsor", 16), KAM_EPARSE);
  assert_int_equal(kam_buyer_role_parse(&r, "econ", 4), KAM_EPARSE);
  assert_int_equal(r, 77);
  assert_int_equal(kam_buyer_role_parse(&r, "coachX", 5), KAM_OK); /* len is honoured */
  assert_int_equal(r, KAM_BUYER_COACH);
  assert_int_equal(kam_buyer_role_parse(NULL, "user", 4), KAM_EINVAL);
  assert_int_equal(kam_buyer_role_parse(&r, NULL, 0), KAM_EINVAL);
}

/* The realistic DMU of examples/data/stakeholders.csv, typed by title only. */
static void test_example_dmu(void **state) {
  fixture f;
  double e[3];
  uint32_t w;
  size_t i;
  static const struct {
    const char *name, *title;
    double influence;
    int32_t attitude;
    uint32_t roles;
    int32_t want_role, want_style;
  } people[] = {
      {"Алексей Морозов", "Генеральный директор", 0.9, 1, KAM_BUYER_ECONOMIC, KAM_ROLE_EXECUTIVE,
       KAM_STYLE_AUTHORITY},
      {"Ирина Соколова", "Финансовый директор", 0.8, -1, KAM_BUYER_ECONOMIC, KAM_ROLE_FINANCE,
       KAM_STYLE_ANALYTICAL},
      {"Дмитрий Ким", "ИТ-директор", 0.6, 2, KAM_BUYER_TECHNICAL, KAM_ROLE_TECHNICAL,
       KAM_STYLE_ANALYTICAL},
      {"Елена Волкова", "Директор по персоналу", 0.5, 4, KAM_BUYER_USER | KAM_BUYER_COACH,
       KAM_ROLE_HR, KAM_STYLE_RELATIONAL},
      {"Сергей Павлов", "Начальник отдела закупок", 0.4, -3, KAM_BUYER_TECHNICAL,
       KAM_ROLE_PROCUREMENT, KAM_STYLE_ANALYTICAL},
  };
  (void)state;
  open_dmu(&f);
  for (i = 0; i < sizeof people / sizeof people[0]; i++) {
    kam_stakeholder s = person(people[i].name, people[i].title, 0, people[i].influence,
                               people[i].attitude, people[i].roles);
    kam_profile p;
    assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
    p = profile_of(f.dmu, i);
    assert_int_equal(p.role, people[i].want_role);
    assert_int_equal(p.primary_style, people[i].want_style);
  }
  assert_int_equal(kam_dmu_emphasis(e, f.dmu), KAM_OK);
  assert_sums_to_one(e);
  assert_true(e[KAM_STYLE_ANALYTICAL] > e[KAM_STYLE_AUTHORITY]);
  assert_true(e[KAM_STYLE_AUTHORITY] > e[KAM_STYLE_RELATIONAL]);
  assert_int_equal(kam_dmu_warnings(&w, f.dmu), KAM_OK);
  assert_int_equal(w, 0); /* the procurement opponent has influence 0.4 < 0.6 */
  close_dmu(&f);
}

static void test_many(void **state) {
  fixture f;
  size_t i;
  char name[32];
  (void)state;
  open_dmu(&f);
  for (i = 0; i < 1000; i++) {
    kam_stakeholder s = person(name, i % 2 ? "CFO" : "HRD", 0, (double)(i % 11) / 10.0, 0, 0);
    snprintf(name, sizeof name, "person %zu", i);
    assert_int_equal(kam_dmu_add(f.dmu, &s), KAM_OK);
  }
  assert_int_equal(kam_dmu_count(f.dmu), 1000);
  for (i = 0; i < 1000; i += 97) {
    kam_stakeholder got;
    char want[32];
    memset(&got, 0, sizeof got);
    got.struct_size = sizeof got;
    assert_int_equal(kam_dmu_stakeholder(&got, f.dmu, i), KAM_OK);
    snprintf(want, sizeof want, "person %zu", i);
    assert_string_equal(got.name, want);
    assert_int_equal(profile_of(f.dmu, i).role, i % 2 ? KAM_ROLE_FINANCE : KAM_ROLE_HR);
  }
  close_dmu(&f);
}

/* Out of memory at every allocation of kam_dmu_new and kam_dmu_add: KAM_ENOMEM, the DMU as it
 * was (the same DMU takes every failure in turn, so a leak or a half-added person would pile
 * up), and nothing left once freed. The add tested is the one that must grow the array. */
static void test_oom(void **state) {
  size_t fail_at, failures = 0;
  kam_test_alloc a;
  kam_ctx *ctx = NULL;
  kam_dmu *d = NULL;
  int rc, i;
  (void)state;
  for (fail_at = 1;; fail_at++) {
    memset(&a, 0, sizeof a);
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
    a.fail_at = a.calls + fail_at;
    d = (kam_dmu *)&a;
    rc = kam_dmu_new(&d, ctx);
    a.fail_at = 0;
    if (rc == KAM_OK) break;
    assert_int_equal(rc, KAM_ENOMEM);
    assert_null(d);
    kam_ctx_free(ctx);
    assert_int_equal(a.blocks, 0);
  }
  for (i = 0; i < 4; i++) { /* fill the array's first block */
    kam_stakeholder s = person("Ирина", "Финансовый директор", 0, 0.5, 0, 0);
    assert_int_equal(kam_dmu_add(d, &s), KAM_OK);
  }
  for (fail_at = 1;; fail_at++) {
    kam_stakeholder s =
        person("Пётр Иванов", "Директор по закупкам", 0, 0.7, -4, KAM_BUYER_ECONOMIC);
    kam_profile before = profile_of(d, 3), after;
    size_t blocks = a.blocks, bytes = a.bytes;
    s.email = "p.ivanov@example.ru";
    s.phone = "+7 900 000 00 00";
    a.fail_at = a.calls + fail_at;
    rc = kam_dmu_add(d, &s);
    a.fail_at = 0;
    if (rc == KAM_OK) break;
    failures++;
    assert_int_equal(rc, KAM_ENOMEM);
    assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    assert_int_equal(kam_dmu_count(d), 4);
    assert_int_equal(a.blocks, blocks);
    assert_int_equal(a.bytes, bytes);
    after = profile_of(d, 3);
    assert_memory_equal(&after, &before, sizeof after);
  }
  assert_int_equal(failures, 5); /* four strings and the array */
  assert_int_equal(kam_dmu_count(d), 5);
  assert_int_equal(profile_of(d, 4).role, KAM_ROLE_PROCUREMENT);
  kam_dmu_free(d);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

/* ---- CSV (kam_dmu_read_csv) ---- */

static int read_text(kam_dmu *d, const char *text, size_t chunk, const kam_csv_options *o) {
  kam_test_source src = kam_test_source_of(text, strlen(text), chunk);
  return kam_dmu_read_csv(d, kam_test_source_read, &src, o);
}

static kam_stakeholder stakeholder_of(const kam_dmu *d, size_t i) {
  kam_stakeholder s;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  assert_int_equal(kam_dmu_stakeholder(&s, d, i), KAM_OK);
  return s;
}

/* examples/data/stakeholders.csv: English headers, ',' and a quoted title with doubled quotes. */
static const char english_csv[] =
    "name,title,role,influence,attitude,buying_roles,dominance,people,detail,email,phone\n"
    "Алексей Морозов,\"Генеральный директор ООО \"\"СеверЛогистик\"\"\",,0.9,1,economic,0.8,,,"
    "a.morozov@severlog.ru,+7 495 123-45-67\n"
    "Ирина Соколова,Финансовый директор,,0.8,-1,economic,,0.3,0.9,i.sokolova@severlog.ru,"
    "+7 495 123-45-68\n"
    "Дмитрий Ким,ИТ-директор,,0.6,2,technical;user,,,,d.kim@severlog.ru,+7 495 123-45-70\n"
    "Елена Волкова,Директор по персоналу,,0.5,4,user;coach,0.2,0.9,,e.volkova@severlog.ru,\n"
    "Сергей Павлов,\"Начальник отдела закупок, г. Москва\",,0.6,-3,technical,0.7,0.2,0.8,"
    "s.pavlov@severlog.ru,\n"
    "Ольга Белова,Руководитель проектов внедрения,operations,0.3,3,user,,0.7,0.6,"
    "o.belova@severlog.ru,\n";

static void test_csv_english(void **state) {
  fixture f;
  size_t chunk;
  (void)state;
  for (chunk = 0; chunk <= 7; chunk++) {
    kam_stakeholder s;
    kam_profile p;
    open_dmu(&f);
    assert_int_equal(read_text(f.dmu, english_csv, chunk, NULL), KAM_OK);
    assert_int_equal(kam_dmu_count(f.dmu), 6);
    s = stakeholder_of(f.dmu, 0);
    assert_string_equal(s.name, "Алексей Морозов");
    assert_string_equal(s.title, "Генеральный директор ООО \"СеверЛогистик\"");
    assert_int_equal(s.role, KAM_ROLE_UNKNOWN);
    assert_true(s.influence == 0.9);
    assert_int_equal(s.attitude, 1);
    assert_int_equal(s.buying_roles, KAM_BUYER_ECONOMIC);
    assert_true(s.traits[0] == 0.8 && isnan(s.traits[1]) && isnan(s.traits[2]));
    assert_string_equal(s.phone, "+7 495 123-45-67");
    assert_int_equal(profile_of(f.dmu, 0).role, KAM_ROLE_EXECUTIVE);
    s = stakeholder_of(f.dmu, 3);
    assert_int_equal(s.buying_roles, KAM_BUYER_USER | KAM_BUYER_COACH);
    assert_null(s.phone); /* an empty cell is NULL */
    s = stakeholder_of(f.dmu, 4);
    assert_string_equal(s.title, "Начальник отдела закупок, г. Москва");
    assert_int_equal(s.attitude, -3);
    p = profile_of(f.dmu, 4);
    assert_int_equal(p.role, KAM_ROLE_PROCUREMENT);
    s = stakeholder_of(f.dmu, 5);
    assert_int_equal(s.role, KAM_ROLE_OPERATIONS); /* given */
    assert_true(s.traits[1] == 0.7 && s.traits[2] == 0.6);
    close_dmu(&f);
  }
}

/* Russian headers as Excel saves them: BOM, ';', CRLF, decimal commas, percentages, a quoted
 * list of buying roles, names with units in brackets, Ё, extra columns ignored. */
static void test_csv_russian(void **state) {
  static const char text[] =
      "\xEF\xBB\xBF"
      "ФИО;Должность;Роль;Влияние, %;Отношение;Роли в закупке;Доминантность;"
      "Ориентация на людей;Ориентация на детали (0..1);E-mail;Тел.;Комментарий\r\n"
      "Иванова Анна;Финансовый директор;;80 %;+2;\"economic;coach\";0,7;;0,95;a@x.ru;"
      "+7 900 000-00-00;звонить утром\r\n"
      "\r\n"
      ";;;;;;;;;;;\r\n"
      "Пётр Семёнов;Директор по закупкам;procurement;0,5;−2;;;;;;;\r\n";
  fixture f;
  kam_stakeholder s;
  (void)state;
  open_dmu(&f);
  assert_int_equal(read_text(f.dmu, text, 3, NULL), KAM_OK);
  assert_int_equal(kam_dmu_count(f.dmu), 2);
  s = stakeholder_of(f.dmu, 0);
  assert_string_equal(s.name, "Иванова Анна");
  assert_string_equal(s.title, "Финансовый директор");
  assert_true(fabs(s.influence - 0.8) < EPS);
  assert_int_equal(s.attitude, 2);
  assert_int_equal(s.buying_roles, KAM_BUYER_ECONOMIC | KAM_BUYER_COACH);
  assert_true(s.traits[0] == 0.7 && isnan(s.traits[1]) && s.traits[2] == 0.95);
  assert_string_equal(s.email, "a@x.ru");
  assert_string_equal(s.phone, "+7 900 000-00-00");
  assert_int_equal(profile_of(f.dmu, 0).role, KAM_ROLE_FINANCE);
  s = stakeholder_of(f.dmu, 1);
  assert_int_equal(s.role, KAM_ROLE_PROCUREMENT);
  assert_true(s.influence == 0.5);
  assert_int_equal(s.attitude, -2); /* typographic minus */
  assert_null(s.email);
  close_dmu(&f);
}

/* Every error: the status, the message with line and column, and the DMU as it was (one person
 * added before; some inputs fail after good rows, which must be taken back). */
static void test_csv_errors(void **state) {
  static const struct {
    const char *text;
    int status;
    const char *message;
  } cases[] = {
      {"name,influence\nA,0.5\nB,1.5\n", KAM_EINVAL,
       "line 3, column \"influence\": stakeholder 3 (\"B\"): influence 1.5 is not in 0..1"},
      {"name;attitude\nA;1\n\nB;9\n", KAM_EINVAL,
       "line 4, column \"attitude\": stakeholder 3 (\"B\"): attitude 9 is not in -5..+5"},
      {"Имя,Доминантность\nA,0.5\nB,120 %\n", KAM_EINVAL,
       "line 3, column \"Доминантность\": stakeholder 3 (\"B\"): trait dominance (traits[0]) 1.2 "
       "is not in 0..1"},
      {"name,role\nA,boss\n", KAM_EPARSE, "line 2, column \"role\": 'boss' is not a role"},
      {"name,influence\nA,high\n", KAM_EPARSE,
       "line 2, column \"influence\": 'high' is not a number"},
      {"name,attitude\nA,1.5\n", KAM_EPARSE,
       "line 2, column \"attitude\": '1.5' is not a whole number"},
      {"name,attitude\nA,99999999999\n", KAM_EPARSE,
       "line 2, column \"attitude\": '99999999999' is not a whole number"},
      {"name,buying_roles\nA,chief\n", KAM_EPARSE,
       "line 2, column \"buying_roles\": 'chief' is not a list of buying roles"},
      /* text after a closing quote, once fields of the record are read (the CLI leaked them) */
      {"name,title\nA,\"CFO\"x\n", KAM_EPARSE, "line 2, column \"title\": text after the closing"},
      {"name,title\n\"A\"x,CFO\n", KAM_EPARSE, "line 2, column \"name\": text after the closing"},
      {"name,title\nA,\"CFO\n", KAM_EPARSE, "line 2, column \"title\": unterminated quoted field"},
      {"name,title,influence\n\"A\nB\",CFO,2\n", KAM_EINVAL,
       "line 3, column \"influence\": stakeholder 2 (\"A\nB\"): influence 2 is not in 0..1"},
      {"email,phone\na@x.ru,1\n", KAM_EPARSE,
       "line 1: the header has neither a \"name\" nor a \"title\" column"},
      {"name,title,ФИО\n", KAM_EPARSE,
       "line 1: columns 1 (\"name\") and 3 (\"ФИО\") are both the name column"},
      {"name\nA,B\n", KAM_EPARSE, "line 2, column 2: more fields than the header has columns (1)"},
      {"", KAM_EPARSE, "line 1: the input is empty (no header line)"},
      {"\xFF\xFEn\0a", KAM_EPARSE, "line 1: the file is UTF-16"},
      {"name\nA\xC3\n", KAM_EPARSE, "line 2, column \"name\": invalid UTF-8"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    fixture f;
    kam_stakeholder first = person("Первый", "CEO", 0, 0.5, 0, 0);
    int rc;
    open_dmu(&f);
    assert_int_equal(kam_dmu_add(f.dmu, &first), KAM_OK);
    rc = read_text(f.dmu, cases[i].text, i % 4, NULL);
    if (rc != cases[i].status || !strstr(kam_ctx_errmsg(f.ctx), cases[i].message))
      fail_msg("case %zu: status %d, message '%s'", i, rc, kam_ctx_errmsg(f.ctx));
    assert_int_equal(kam_dmu_count(f.dmu), 1);
    assert_string_equal(stakeholder_of(f.dmu, 0).name, "Первый");
    close_dmu(&f);
  }
}

static void test_csv_arguments(void **state) {
  fixture f;
  kam_csv_options o;
  kam_test_source src;
  (void)state;
  open_dmu(&f);
  memset(&src, 0, sizeof src);
  assert_int_equal(kam_dmu_read_csv(NULL, kam_test_source_read, &src, NULL), KAM_EINVAL);
  assert_int_equal(kam_dmu_read_csv(f.dmu, NULL, &src, NULL), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(f.ctx), "kam_dmu_read_csv: read is NULL"));
  kam_csv_options_init(&o, sizeof o);
  o.delimiter = '"';
  assert_int_equal(read_text(f.dmu, "name\nA\n", 0, &o), KAM_EINVAL);
  /* a fixed delimiter: ';' keeps the commas in the title */
  o.delimiter = ';';
  assert_int_equal(read_text(f.dmu, "name;title\nA;Head of Sales, EMEA\n", 0, &o), KAM_OK);
  assert_string_equal(stakeholder_of(f.dmu, 0).title, "Head of Sales, EMEA");
  /* a header without rows adds nothing and is no error */
  assert_int_equal(read_text(f.dmu, "title\n\n", 0, NULL), KAM_OK);
  assert_int_equal(kam_dmu_count(f.dmu), 1);
  close_dmu(&f);
}

/* The read callback fails at each call in turn: its status comes back unchanged and nothing is
 * added, however many rows were read before. */
static void test_csv_read_failure(void **state) {
  size_t call;
  (void)state;
  for (call = 1; call <= 40; call++) {
    fixture f;
    kam_test_source src;
    int rc;
    open_dmu(&f);
    src = kam_test_source_of(english_csv, strlen(english_csv), 16);
    src.fail_at_call = call;
    src.fail_status = 7;
    rc = kam_dmu_read_csv(f.dmu, kam_test_source_read, &src, NULL);
    assert_int_equal(rc, 7);
    assert_non_null(strstr(kam_ctx_errmsg(f.ctx), "the read callback returned 7"));
    assert_int_equal(kam_dmu_count(f.dmu), 0);
    close_dmu(&f);
  }
}

/* Out of memory at every allocation of a read into a DMU that already holds people: KAM_ENOMEM,
 * the people as they were, no block left behind (the people array may have grown). */
static void test_csv_oom(void **state) {
  size_t fail_at, failures = 0;
  kam_test_alloc a;
  kam_ctx *ctx;
  kam_dmu *d;
  int rc, i;
  (void)state;
  memset(&a, 0, sizeof a);
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &a), KAM_OK);
  assert_int_equal(kam_dmu_new(&d, ctx), KAM_OK);
  for (i = 0; i < 3; i++) {
    kam_stakeholder s = person("Ирина", "Финансовый директор", 0, 0.5, 0, 0);
    assert_int_equal(kam_dmu_add(d, &s), KAM_OK);
  }
  for (fail_at = 1;; fail_at++) {
    size_t blocks = a.blocks;
    a.fail_at = a.calls + fail_at;
    rc = read_text(d, english_csv, 0, NULL);
    a.fail_at = 0;
    if (rc == KAM_OK) break;
    failures++;
    assert_int_equal(rc, KAM_ENOMEM);
    assert_string_equal(kam_ctx_errmsg(ctx), "out of memory");
    assert_int_equal(kam_dmu_count(d), 3);
    assert_int_equal(a.blocks, blocks);
  }
  assert_true(failures > 20); /* the engine's buffers, the header, 6 x 4 strings, the array */
  assert_int_equal(kam_dmu_count(d), 9);
  kam_dmu_free(d);
  kam_ctx_free(ctx);
  assert_int_equal(a.blocks, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_role_priors),
      cmocka_unit_test(test_style_formula),
      cmocka_unit_test(test_traits_override),
      cmocka_unit_test(test_profile_compute_bad_input),
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_add_copies_and_infers),
      cmocka_unit_test(test_profile_out_of_range),
      cmocka_unit_test(test_struct_size),
      cmocka_unit_test(test_add_validation),
      cmocka_unit_test(test_emphasis),
      cmocka_unit_test(test_emphasis_sums),
      cmocka_unit_test(test_warnings),
      cmocka_unit_test(test_names_and_buyer_roles),
      cmocka_unit_test(test_example_dmu),
      cmocka_unit_test(test_many),
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_csv_english),
      cmocka_unit_test(test_csv_russian),
      cmocka_unit_test(test_csv_errors),
      cmocka_unit_test(test_csv_arguments),
      cmocka_unit_test(test_csv_read_failure),
      cmocka_unit_test(test_csv_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * dmu.c - the decision-making unit: stakeholders, style profiles (role prior + observed traits),
 * the influence-weighted emphasis and the warnings. The formulas are written out in
 * include/kam/dmu.h; the title typer is in titles.c.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "people/dmu_internal.h"
#include "core/internal.h"
#include "core/struct_copy_internal.h"

/* The role priors: (authority, relational, analytical), each row sums to 1. The table and the
 * reasons are in the header. */
static const double role_prior[KAM_ROLE_COUNT][KAM_STYLE_COUNT] = {
    {1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0}, /* unknown */
    {0.70, 0.15, 0.15},                /* executive */
    {0.15, 0.10, 0.75},                /* finance */
    {0.10, 0.15, 0.75},                /* technical */
    {0.15, 0.70, 0.15},                /* hr */
    {0.20, 0.15, 0.65},                /* procurement */
    {0.20, 0.10, 0.70},                /* legal */
    {0.35, 0.20, 0.45},                /* operations */
    {0.40, 0.45, 0.15},                /* marketing */
};

int kam_role_style_prior(double out[3], int32_t role) {
  if (!out || role < 0 || role >= KAM_ROLE_COUNT) return KAM_EINVAL;
  memcpy(out, role_prior[role], sizeof role_prior[role]);
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* The style model                                                                             */

static int in_unit(double v) { return v >= 0.0 && v <= 1.0; } /* false for NaN */

/* The formulas of the header, into a complete profile. Arguments are valid. */
static void style_profile(kam_profile *p, int32_t role, double c, const double traits[3]) {
  double prior[3], q[3], tmix[3], qsum = 0.0, w, total = 0.0;
  int k, observed = 0;
  for (k = 0; k < 3; k++)
    prior[k] = c * role_prior[role][k] + (1.0 - c) / 3.0;
  for (k = 0; k < 3; k++) {
    if (traits && !isnan(traits[k])) {
      q[k] = traits[k];
      observed++;
    } else {
      q[k] = prior[k];
    }
    qsum += q[k];
  }
  for (k = 0; k < 3; k++)
    tmix[k] = qsum > 0.0 ? q[k] / qsum : 1.0 / 3.0;
  w = 0.25 * observed;
  for (k = 0; k < 3; k++) {
    p->style[k] = (1.0 - w) * prior[k] + w * tmix[k];
    total += p->style[k];
  }
  for (k = 0; k < 3; k++)
    p->style[k] /= total; /* remove rounding drift */
  p->primary_style = KAM_STYLE_AUTHORITY;
  for (k = 1; k < 3; k++)
    if (p->style[k] > p->style[p->primary_style]) p->primary_style = k;
  p->role = role;
  p->role_confidence = c;
  p->confidence = (1.0 - w) * 0.5 * c + w;
}

/* Copies the fields of *src that fit in dst->struct_size (keeping dst->struct_size). */
static void copy_profile_out(kam_profile *dst, const kam_profile *src) {
  size_t n = dst->struct_size < sizeof *dst ? dst->struct_size : sizeof *dst;
  if (n > sizeof(uint32_t))
    memcpy((char *)dst + sizeof(uint32_t), (const char *)src + sizeof(uint32_t),
           n - sizeof(uint32_t));
}

int kam_profile_compute(kam_profile *out, int32_t role, double role_confidence,
                        const double traits[3]) {
  kam_profile p;
  int k;
  if (!out || out->struct_size < sizeof(uint32_t)) return KAM_EINVAL;
  if (role < 0 || role >= KAM_ROLE_COUNT || !in_unit(role_confidence)) return KAM_EINVAL;
  if (traits)
    for (k = 0; k < 3; k++)
      if (!isnan(traits[k]) && !in_unit(traits[k])) return KAM_EINVAL;
  memset(&p, 0, sizeof p);
  style_profile(&p, role, role_confidence, traits);
  copy_profile_out(out, &p);
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* The DMU                                                                                     */

typedef struct person {
  char *name, *title, *email, *phone; /* NULL when not given */
  int32_t given_role;
  double influence;
  int32_t attitude;
  uint32_t buying_roles;
  double traits[3];
  kam_profile profile; /* computed once, at add */
} person;

struct kam_dmu {
  kam_ctx *ctx;
  person *people;
  size_t count, cap;
};

int kam_dmu_new(kam_dmu **out, kam_ctx *ctx) {
  int rc;
  kam_dmu *d = (kam_dmu *)KAM__OBJECT_NEW(out, ctx, rc);
  if (!d) return rc;
  d->ctx = ctx;
  *out = d;
  return KAM_OK;
}

static void free_person_strings(kam_ctx *ctx, person *p) {
  kam__free_str(ctx, p->name);
  kam__free_str(ctx, p->title);
  kam__free_str(ctx, p->email);
  kam__free_str(ctx, p->phone);
  p->name = p->title = p->email = p->phone = NULL;
}

void kam_dmu_free(kam_dmu *d) {
  size_t i;
  if (!d) return;
  for (i = 0; i < d->count; i++)
    free_person_strings(d->ctx, &d->people[i]);
  kam__free(d->ctx, d->people, d->cap * sizeof *d->people);
  kam__free(d->ctx, d, sizeof *d);
}

size_t kam_dmu_count(const kam_dmu *d) { return d ? d->count : 0; }

kam_ctx *kam__dmu_ctx(const kam_dmu *d) { return d->ctx; }

void kam__dmu_truncate(kam_dmu *d, size_t count) {
  while (d->count > count)
    free_person_strings(d->ctx, &d->people[--d->count]);
}

/* The message prefix naming the stakeholder being added: its 1-based number, and its name when
 * readable (cut at a character boundary to keep messages short). */
static void who(char *buf, size_t cap, size_t index, const char *name) {
  size_t n = 0, len;
  if (name && kam__utf8_valid(name, (len = strlen(name)), NULL) && len > 0) {
    while (n < len && n < 60) {
      uint32_t cp;
      size_t k = kam__utf8_decode(name + n, len - n, &cp);
      if (k == 0 || n + k > 60) break;
      n += k;
    }
    snprintf(buf, cap, "stakeholder %zu (\"%.*s%s\")", index + 1, (int)n, name,
             n < len ? "..." : "");
  } else {
    snprintf(buf, cap, "stakeholder %zu", index + 1);
  }
}

static int check_text(kam_ctx *ctx, const char *whom, const char *field, const char *s) {
  size_t bad;
  if (s && !kam__utf8_valid(s, strlen(s), &bad))
    return kam__error(ctx, KAM_EPARSE, "%s: %s is not valid UTF-8 (byte %zu)", whom, field, bad);
  return KAM_OK;
}

static int copy_text(kam_ctx *ctx, char **dst, const char *s) {
  *dst = NULL;
  if (!s) return KAM_OK;
  *dst = kam__strndup(ctx, s, strlen(s));
  return *dst ? KAM_OK : KAM_ENOMEM;
}

int kam_dmu_add(kam_dmu *d, const kam_stakeholder *s) { return kam__dmu_add(d, s, NULL); }

int kam__dmu_add(kam_dmu *d, const kam_stakeholder *s, int *bad_field) {
  person p;
  kam_stakeholder in;
  char whom[160];
  double c = 0.0;
  int32_t role;
  int k, rc, unused;
  if (!bad_field) bad_field = &unused;
  *bad_field = KAM__DMU_FIELD_NONE;
  if (!d) return KAM_EINVAL;
  if (!s) return kam__error(d->ctx, KAM_EINVAL, "kam_dmu_add: the stakeholder is NULL");
  /* read the fields that fit; the rest keep their defaults */
  memset(&in, 0, sizeof in);
  in.role = KAM_ROLE_UNKNOWN;
  in.influence = NAN;
  for (k = 0; k < 3; k++)
    in.traits[k] = NAN;
  if ((rc = KAM__STRUCT_COPY_IN(d->ctx, in, s, kam_stakeholder, struct_size, "kam_dmu_add")) != 0)
    return rc;
  memset(&p, 0, sizeof p);
  p.given_role = in.role;
  p.influence = in.influence;
  p.attitude = in.attitude;
  p.buying_roles = in.buying_roles;
  for (k = 0; k < 3; k++)
    p.traits[k] = in.traits[k];
  {
    const char *name = in.name, *title = in.title, *email = in.email, *phone = in.phone;
    who(whom, sizeof whom, d->count, name);

    *bad_field = KAM__DMU_FIELD_ROLE;
    if (p.given_role < 0 || p.given_role >= KAM_ROLE_COUNT)
      return kam__error(d->ctx, KAM_EINVAL, "%s: role %d is not a KAM_ROLE_* value", whom,
                        (int)p.given_role);
    *bad_field = KAM__DMU_FIELD_NAME;
    if ((rc = check_text(d->ctx, whom, "name", name)) != KAM_OK) return rc;
    *bad_field = KAM__DMU_FIELD_TITLE;
    if ((rc = check_text(d->ctx, whom, "title", title)) != KAM_OK) return rc;
    *bad_field = KAM__DMU_FIELD_EMAIL;
    if ((rc = check_text(d->ctx, whom, "email", email)) != KAM_OK) return rc;
    *bad_field = KAM__DMU_FIELD_PHONE;
    if ((rc = check_text(d->ctx, whom, "phone", phone)) != KAM_OK) return rc;
    *bad_field = KAM__DMU_FIELD_INFLUENCE;
    if (!isnan(p.influence) && !in_unit(p.influence)) {
      char num[32];
      kam__fmt_double(num, p.influence);
      return kam__error(d->ctx, KAM_EINVAL, "%s: influence %s is not in 0..1", whom, num);
    }
    *bad_field = KAM__DMU_FIELD_ATTITUDE;
    if (p.attitude < -5 || p.attitude > 5)
      return kam__error(d->ctx, KAM_EINVAL, "%s: attitude %d is not in -5..+5", whom,
                        (int)p.attitude);
    *bad_field = KAM__DMU_FIELD_BUYING_ROLES;
    if (p.buying_roles & ~(uint32_t)KAM_BUYER_ALL)
      return kam__error(d->ctx, KAM_EINVAL,
                        "%s: buying_roles 0x%x has bits that are not KAM_BUYER_* flags", whom,
                        (unsigned)p.buying_roles);
    for (k = 0; k < 3; k++) {
      *bad_field = KAM__DMU_FIELD_TRAIT + k;
      if (!isnan(p.traits[k]) && !in_unit(p.traits[k])) {
        char num[32];
        kam__fmt_double(num, p.traits[k]);
        return kam__error(d->ctx, KAM_EINVAL, "%s: trait %s (traits[%d]) %s is not in 0..1", whom,
                          kam_trait_name((int32_t)k), k, num);
      }
    }

    /* the role: given, or read from the title */
    *bad_field = KAM__DMU_FIELD_TITLE;
    role = p.given_role;
    if (role != KAM_ROLE_UNKNOWN) {
      c = 1.0;
    } else if (title) {
      rc = kam_role_from_title(&role, &c, title, strlen(title));
      if (rc != KAM_OK) return kam__error(d->ctx, rc, "%s: title cannot be read", whom);
    }
    style_profile(&p.profile, role, c, p.traits);
    p.profile.struct_size = (uint32_t)sizeof p.profile;

    /* copy everything, then commit */
    *bad_field = KAM__DMU_FIELD_NONE;
    if (copy_text(d->ctx, &p.name, name) || copy_text(d->ctx, &p.title, title) ||
        copy_text(d->ctx, &p.email, email) || copy_text(d->ctx, &p.phone, phone)) {
      free_person_strings(d->ctx, &p);
      return kam__nomem(d->ctx);
    }
  }
  if (d->count == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 4;
    person *grown;
    if (cap > SIZE_MAX / sizeof *grown) {
      free_person_strings(d->ctx, &p);
      return kam__error(d->ctx, KAM_ELIMIT, "kam_dmu_add: too many stakeholders");
    }
    grown = (person *)kam__realloc(d->ctx, d->people, d->cap * sizeof *grown, cap * sizeof *grown);
    if (!grown) {
      free_person_strings(d->ctx, &p);
      return kam__nomem(d->ctx);
    }
    d->people = grown;
    d->cap = cap;
  }
  d->people[d->count++] = p;
  return KAM_OK;
}

static int index_error(const kam_dmu *d, size_t i) {
  return kam__error(d->ctx, KAM_ENOTFOUND,
                    "stakeholder index %zu is out of range (the DMU has %zu stakeholder%s)", i,
                    d->count, d->count == 1 ? "" : "s");
}

int kam_dmu_stakeholder(kam_stakeholder *out, const kam_dmu *d, size_t i) {
  kam_stakeholder s;
  const person *p;
  size_t n;
  int k;
  if (!out || !d || out->struct_size < sizeof(uint32_t)) return KAM_EINVAL;
  if (i >= d->count) return index_error(d, i);
  p = &d->people[i];
  memset(&s, 0, sizeof s);
  s.role = p->given_role;
  s.name = p->name;
  s.title = p->title;
  s.email = p->email;
  s.phone = p->phone;
  s.influence = p->influence;
  s.attitude = p->attitude;
  s.buying_roles = p->buying_roles;
  for (k = 0; k < 3; k++)
    s.traits[k] = p->traits[k];
  n = out->struct_size < sizeof s ? out->struct_size : sizeof s;
  memcpy((char *)out + sizeof(uint32_t), (const char *)&s + sizeof(uint32_t), n - sizeof(uint32_t));
  return KAM_OK;
}

int kam_dmu_profile(kam_profile *out, const kam_dmu *d, size_t i) {
  if (!out || !d || out->struct_size < sizeof(uint32_t)) return KAM_EINVAL;
  if (i >= d->count) return index_error(d, i);
  copy_profile_out(out, &d->people[i].profile);
  return KAM_OK;
}

int kam_dmu_emphasis(double out[3], const kam_dmu *d) {
  double sum[3] = {0, 0, 0}, total = 0.0, wsum = 0.0;
  size_t i;
  int k, equal;
  if (!out || !d) return KAM_EINVAL;
  if (d->count == 0) {
    for (k = 0; k < 3; k++)
      out[k] = 1.0 / 3.0;
    return kam__error(d->ctx, KAM_ESTATE, "the DMU is empty: add stakeholders first");
  }
  for (i = 0; i < d->count; i++)
    wsum += isnan(d->people[i].influence) ? 0.5 : d->people[i].influence;
  equal = !(wsum > 0.0);
  for (i = 0; i < d->count; i++) {
    const person *p = &d->people[i];
    double w = equal ? 1.0 : (isnan(p->influence) ? 0.5 : p->influence);
    for (k = 0; k < 3; k++)
      sum[k] += w * p->profile.style[k];
  }
  for (k = 0; k < 3; k++)
    total += sum[k];
  for (k = 0; k < 3; k++)
    out[k] = sum[k] / total;
  return KAM_OK;
}

int kam_dmu_warnings(uint32_t *out, const kam_dmu *d) {
  uint32_t w = 0, roles = 0;
  size_t i;
  if (!out || !d) return KAM_EINVAL;
  if (d->count == 0) {
    *out = KAM_DMU_EMPTY;
    return KAM_OK;
  }
  for (i = 0; i < d->count; i++) {
    const person *p = &d->people[i];
    roles |= p->buying_roles;
    if (p->attitude <= -3 && !isnan(p->influence) && p->influence >= 0.6)
      w |= KAM_DMU_INFLUENTIAL_OPPONENT;
  }
  if (!(roles & KAM_BUYER_ECONOMIC)) w |= KAM_DMU_NO_ECONOMIC_BUYER;
  if (!(roles & KAM_BUYER_COACH)) w |= KAM_DMU_NO_COACH;
  *out = w;
  return KAM_OK;
}

/* plan.c - the key account plan's document: records described by field tables, read from
 * JSON through the proposal's reader (same paths, line and column in errors, same stakeholder
 * reading) and written back in a fixed key order so the round trip is byte-identical. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "documents/plan_internal.h"
#include "documents/value_internal.h"

const char *const kam__plan_cell_statuses[] = {"owned",      "pipeline",       "gap",
                                               "competitor", "not_applicable", NULL};
const char *const kam__plan_threats[] = {"low", "medium", "high", NULL};
const char *const kam__plan_action_statuses[] = {"open", "done", "cancelled", NULL};

/* ---- field tables ------------------------------------------------------------------------ */

enum {
  F_TEXT,      /* string */
  F_DEC,       /* exact decimal, any sign */
  F_SHARE,     /* exact decimal 0..1 */
  F_MONEY,     /* money >= 0 */
  F_MONEY_ANY, /* money of either sign */
  F_DATE,
  F_STRENGTH, /* integer 0..3 */
  F_ENUM,     /* one of names */
  F_LIST      /* array of strings */
};

typedef struct field {
  const char *key;
  int kind;
  const char *const *names; /* F_ENUM */
} field;

static const field person_fields[] = {{"name", F_TEXT, NULL},       {"position", F_TEXT, NULL},
                                      {"department", F_TEXT, NULL}, {"phone", F_TEXT, NULL},
                                      {"email", F_TEXT, NULL},      {NULL, 0, NULL}};
static const field account_fields[] = {{"name", F_TEXT, NULL},
                                       {"id", F_TEXT, NULL},
                                       {"group", F_TEXT, NULL},
                                       {"context", F_TEXT, NULL},
                                       {"revenue", F_MONEY_ANY, NULL},
                                       {"share", F_DEC, NULL},
                                       {"abc", F_TEXT, NULL},
                                       {"xyz", F_TEXT, NULL},
                                       {"trend", F_DEC, NULL},
                                       {"margin", F_DEC, NULL},
                                       {NULL, 0, NULL}};
static const field period_fields[] = {
    {"from", F_DATE, NULL}, {"to", F_DATE, NULL}, {NULL, 0, NULL}};
static const field objective_fields[] = {
    {"title", F_TEXT, NULL},   {"metric", F_TEXT, NULL}, {"unit", F_TEXT, NULL},
    {"baseline", F_DEC, NULL}, {"target", F_DEC, NULL},  {"current", F_DEC, NULL},
    {"due", F_DATE, NULL},     {"owner", F_TEXT, NULL},  {NULL, 0, NULL}};
static const field offering_fields[] = {
    {"id", F_TEXT, NULL}, {"name", F_TEXT, NULL}, {NULL, 0, NULL}};
static const field unit_fields[] = {
    {"id", F_TEXT, NULL}, {"name", F_TEXT, NULL}, {"spend", F_MONEY, NULL}, {NULL, 0, NULL}};
static const field cell_fields[] = {{"unit", F_TEXT, NULL},
                                    {"offering", F_TEXT, NULL},
                                    {"status", F_ENUM, kam__plan_cell_statuses},
                                    {"ours", F_MONEY, NULL},
                                    {"competitor", F_TEXT, NULL},
                                    {NULL, 0, NULL}};
static const field relationship_fields[] = {{"stakeholder", F_TEXT, NULL},
                                            {"team_member", F_TEXT, NULL},
                                            {"strength", F_STRENGTH, NULL},
                                            {"last_contact", F_DATE, NULL},
                                            {NULL, 0, NULL}};
static const field competitor_fields[] = {
    {"name", F_TEXT, NULL},      {"threat", F_ENUM, kam__plan_threats}, {"position", F_TEXT, NULL},
    {"strengths", F_TEXT, NULL}, {"weaknesses", F_TEXT, NULL},          {NULL, 0, NULL}};
static const field swot_fields[] = {{"strengths", F_LIST, NULL},
                                    {"weaknesses", F_LIST, NULL},
                                    {"opportunities", F_LIST, NULL},
                                    {"threats", F_LIST, NULL},
                                    {NULL, 0, NULL}};
static const field risk_fields[] = {{"title", F_TEXT, NULL},   {"probability", F_SHARE, NULL},
                                    {"impact", F_MONEY, NULL}, {"mitigation", F_TEXT, NULL},
                                    {"owner", F_TEXT, NULL},   {NULL, 0, NULL}};
static const field action_fields[] = {
    {"title", F_TEXT, NULL},     {"owner", F_TEXT, NULL},
    {"due", F_DATE, NULL},       {"status", F_ENUM, kam__plan_action_statuses},
    {"objective", F_TEXT, NULL}, {NULL, 0, NULL}};

/* ---- records ----------------------------------------------------------------------------- */

static void list_free(kam_ctx *ctx, kam__slot *s) {
  size_t i;
  for (i = 0; i < s->list.len; i++)
    kam__free_str(ctx, s->list.items[i]);
  if (s->list.items) kam__free(ctx, s->list.items, s->list.len * sizeof *s->list.items);
}

static void rec_free(kam_ctx *ctx, const field *fs, kam__rec *r) {
  int i;
  for (i = 0; fs[i].key; i++) {
    if (!KAM__HAS(r, i)) continue;
    if (fs[i].kind == F_TEXT || fs[i].kind == F_DEC || fs[i].kind == F_SHARE)
      kam__free_str(ctx, r->f[i].text);
    else if (fs[i].kind == F_LIST)
      list_free(ctx, &r->f[i]);
  }
  memset(r, 0, sizeof *r);
}

static void recs_free(kam_ctx *ctx, const field *fs, kam__recs *l) {
  size_t i;
  for (i = 0; i < l->len; i++)
    rec_free(ctx, fs, &l->data[i]);
  if (l->data) kam__free(ctx, l->data, l->cap * sizeof *l->data);
  memset(l, 0, sizeof *l);
}

/* Appends *r (taken over) to l. */
static int recs_push(kam_ctx *ctx, kam__recs *l, const kam__rec *r) {
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 4;
    kam__rec *data;
    if (cap > SIZE_MAX / sizeof *data) return kam__nomem(ctx);
    data = (kam__rec *)kam__realloc(ctx, l->data, l->cap * sizeof *data, cap * sizeof *data);
    if (!data) return kam__nomem(ctx);
    l->data = data;
    l->cap = cap;
  }
  l->data[l->len++] = *r;
  return KAM_OK;
}

/* ---- the plan ---------------------------------------------------------------------------- */

int kam_plan_new(kam_plan **out, kam_ctx *ctx) {
  int rc;
  kam_plan *plan = (kam_plan *)KAM__OBJECT_NEW(out, ctx, rc);
  if (!plan) return rc;
  plan->ctx = ctx;
  if ((rc = kam_proposal_new(&plan->people, ctx))) {
    kam__free(ctx, plan, sizeof *plan);
    return rc;
  }
  *out = plan;
  return KAM_OK;
}

/* The records and the record lists a plan owns, with their fields: kam_plan_free walks these. */
static const struct {
  size_t offset;
  const field *fields;
} plan_records[] = {{offsetof(kam_plan, period), period_fields},
                    {offsetof(kam_plan, account), account_fields},
                    {offsetof(kam_plan, owner), person_fields},
                    {offsetof(kam_plan, swot), swot_fields}},
  plan_lists[] = {{offsetof(kam_plan, team), person_fields},
                  {offsetof(kam_plan, objectives), objective_fields},
                  {offsetof(kam_plan, offerings), offering_fields},
                  {offsetof(kam_plan, units), unit_fields},
                  {offsetof(kam_plan, cells), cell_fields},
                  {offsetof(kam_plan, relationships), relationship_fields},
                  {offsetof(kam_plan, competitors), competitor_fields},
                  {offsetof(kam_plan, risks), risk_fields},
                  {offsetof(kam_plan, actions), action_fields}};

void kam_plan_free(kam_plan *plan) {
  kam_ctx *ctx;
  size_t i;
  if (!plan) return;
  ctx = plan->ctx;
  for (i = 0; i < sizeof plan_records / sizeof *plan_records; i++)
    rec_free(ctx, plan_records[i].fields, (kam__rec *)((char *)plan + plan_records[i].offset));
  for (i = 0; i < sizeof plan_lists / sizeof *plan_lists; i++)
    recs_free(ctx, plan_lists[i].fields, (kam__recs *)((char *)plan + plan_lists[i].offset));
  kam_proposal_free(plan->people);
  kam__free(ctx, plan, sizeof *plan);
}

int kam_plan_set_lang(kam_plan *plan, const char *lang) {
  if (!plan) return KAM_EINVAL;
  return kam_proposal_set_lang(plan->people, lang);
}

int kam_plan_set_as_of(kam_plan *plan, kam_date as_of) {
  if (!plan) return KAM_EINVAL;
  plan->as_of = as_of;
  plan->has_as_of = true;
  return KAM_OK;
}

/* ---- reading ----------------------------------------------------------------------------- */

static int perror_at(kam__reader *r, int status, const char *fmt, const char *what) {
  return kam__proposal_error(r->p, status, r->pt.s, fmt, what);
}

static int read_list_slot(kam__reader *r, const kam_value *v, kam__slot *out) {
  kam_ctx *ctx = r->p->ctx;
  size_t i, n, len;
  if (kam_value_type(v) != KAM_VALUE_ARRAY)
    return kam__read_wrong_type(r, v, "an array of strings");
  n = kam_value_length(v);
  out->list.len = 0;
  out->list.items = NULL;
  if (!n) return KAM_OK;
  out->list.items = (char **)kam__alloc_array(ctx, n, sizeof(char *));
  if (!out->list.items) return kam__nomem(ctx);
  memset(out->list.items, 0, n * sizeof(char *));
  out->list.len = n; /* list_free frees the NULLs not yet read, too */
  for (i = 0; i < n; i++) {
    const kam_value *e = kam_value_at(v, i);
    const char *s = kam_value_string(e, &len);
    size_t old = kam__path_index(&r->pt, i);
    int rc = KAM_OK;
    if (!s)
      rc = kam__read_wrong_type(r, e, "a string");
    else if (memchr(s, '\0', len))
      rc = perror_at(r, KAM_EPARSE, "contains a NUL character%s", "");
    else if (!(out->list.items[i] = kam__strndup(ctx, s, len)))
      rc = kam__nomem(ctx);
    kam__path_pop(&r->pt, old);
    if (rc) {
      list_free(ctx, out);
      return rc;
    }
  }
  return KAM_OK;
}

/* Reads one field of obj into r's slot; *set says whether it was present. */
static int read_field(kam_plan *plan, kam__reader *r, const kam_value *obj, const field *fd,
                      kam__slot *slot, bool *set) {
  kam_ctx *ctx = plan->ctx;
  const char *s = NULL, *why;
  char canon[KAM__DEC_CAP];
  size_t old;
  int rc = KAM_OK;
  *set = false;
  switch (fd->kind) {
  case F_TEXT:
    if ((rc = kam__read_string(r, obj, fd->key, &s)) || !s) return rc;
    if (!(slot->text = kam__strndup(ctx, s, strlen(s)))) return kam__nomem(ctx);
    break;
  case F_DEC:
  case F_SHARE:
  case F_MONEY:
  case F_MONEY_ANY: {
    kam__decimal d;
    if ((rc = kam__read_decimal(r, obj, fd->key, &s)) || !s) return rc;
    old = kam__path_key(&r->pt, fd->key);
    if (kam__decimal_canon(canon, s, strlen(s), &why)) {
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' %s", s, why);
    } else if (fd->kind == F_MONEY || fd->kind == F_MONEY_ANY) {
      rc = kam__money_parse(&slot->minor, canon, strlen(canon), plan->people->currency);
      if (rc == KAM_EOVERFLOW)
        rc = perror_at(r, rc, "'%.40s' is too large", s);
      else if (rc)
        rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                                 "'%.40s' is not an amount of %s (at most %d decimals)", s,
                                 plan->people->currency, plan->people->digits);
      else if (fd->kind == F_MONEY && slot->minor < 0)
        rc = perror_at(r, KAM_EPARSE, "'%.40s' must not be negative", s);
    } else if (fd->kind == F_SHARE && (kam__decimal_parse(&d, canon, strlen(canon)) || d.coef < 0 ||
                                       kam__decimal_cmp(d, (kam__decimal){1, 0}) > 0)) {
      rc = perror_at(r, KAM_EPARSE, "'%.40s' is not within 0..1", s);
    } else if (!(slot->text = kam__strndup(ctx, canon, strlen(canon)))) {
      rc = kam__nomem(ctx);
    }
    kam__path_pop(&r->pt, old);
    if (rc) return rc;
    break;
  }
  case F_DATE:
    if ((rc = kam__read_string(r, obj, fd->key, &s)) || !s) return rc;
    if (kam_date_parse(&slot->date, s, strlen(s)) != KAM_OK) {
      old = kam__path_key(&r->pt, fd->key);
      rc = perror_at(r, KAM_EPARSE, "'%.40s' is not a date YYYY-MM-DD", s);
      kam__path_pop(&r->pt, old);
      return rc;
    }
    break;
  case F_STRENGTH: {
    long v = 0;
    bool present;
    if ((rc = kam__read_int(r, obj, fd->key, 0, 3, &v, &present)) || !present) return rc;
    slot->n = (int32_t)v;
    break;
  }
  case F_ENUM: {
    int32_t k;
    if ((rc = kam__read_string(r, obj, fd->key, &s)) || !s) return rc;
    for (k = 0; fd->names[k]; k++)
      if (!strcmp(s, fd->names[k])) break;
    if (!fd->names[k]) {
      char known[96] = "";
      int j;
      for (j = 0; fd->names[j]; j++) {
        size_t n = strlen(known);
        snprintf(known + n, sizeof known - n, "%s%s", j ? ", " : "", fd->names[j]);
      }
      old = kam__path_key(&r->pt, fd->key);
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is not one of %s", s, known);
      kam__path_pop(&r->pt, old);
      return rc;
    }
    slot->n = k;
    break;
  }
  default: { /* F_LIST */
    const kam_value *v = kam__read_member(r, obj, fd->key, &old);
    if (v) rc = read_list_slot(r, v, slot);
    kam__path_pop(&r->pt, old);
    if (rc || !v) return rc;
    break;
  }
  }
  *set = true;
  return KAM_OK;
}

/* Reads the object v (at the reader's path) as a record of fields fs into *out. */
static int read_record(kam_plan *plan, kam__reader *r, const kam_value *v, const field *fs,
                       kam__rec *out) {
  const char *keys[KAM__PLAN_SLOTS + 1];
  kam__rec rec;
  int i, rc;
  memset(&rec, 0, sizeof rec);
  if (kam_value_type(v) != KAM_VALUE_OBJECT) return kam__read_wrong_type(r, v, "an object");
  for (i = 0; fs[i].key; i++)
    keys[i] = fs[i].key;
  keys[i] = NULL;
  if ((rc = kam__read_known_keys(r, v, keys))) return rc;
  for (i = 0; fs[i].key; i++) {
    bool set;
    if ((rc = read_field(plan, r, v, &fs[i], &rec.f[i], &set))) {
      rec_free(plan->ctx, fs, &rec);
      return rc;
    }
    if (set) rec.has |= 1u << i;
  }
  *out = rec;
  return KAM_OK;
}

/* obj[key], an object, into *out (left empty when absent). */
static int read_object(kam_plan *plan, kam__reader *r, const kam_value *obj, const char *key,
                       const field *fs, kam__rec *out) {
  size_t old;
  const kam_value *v = kam__read_member(r, obj, key, &old);
  int rc = v ? read_record(plan, r, v, fs, out) : KAM_OK;
  kam__path_pop(&r->pt, old);
  return rc;
}

/* obj[key], an array of objects, appended to *out. */
static int read_records(kam_plan *plan, kam__reader *r, const kam_value *obj, const char *key,
                        const field *fs, kam__recs *out) {
  size_t old, i, n;
  const kam_value *v = kam__read_member(r, obj, key, &old);
  int rc = KAM_OK;
  if (v && kam_value_type(v) != KAM_VALUE_ARRAY) rc = kam__read_wrong_type(r, v, "an array");
  n = v && !rc ? kam_value_length(v) : 0;
  for (i = 0; !rc && i < n; i++) {
    size_t o2 = kam__path_index(&r->pt, i);
    kam__rec rec;
    if (!(rc = read_record(plan, r, kam_value_at(v, i), fs, &rec)) &&
        (rc = recs_push(plan->ctx, out, &rec)))
      rec_free(plan->ctx, fs, &rec);
    kam__path_pop(&r->pt, o2);
  }
  kam__path_pop(&r->pt, old);
  return rc;
}

static int read_document(kam__reader *r, const kam_value *root, void *doc) {
  kam_plan *plan = (kam_plan *)doc;
  static const char *const keys[] = {"lang",        "currency",     "as_of",         "period",
                                     "account",     "owner",        "team",          "objectives",
                                     "white_space", "stakeholders", "relationships", "competitors",
                                     "swot",        "risks",        "actions",       NULL};
  static const char *const ws_keys[] = {"offerings", "units", "cells", NULL};
  const char *s;
  const kam_value *ws;
  size_t old;
  int rc;
  if (kam_value_type(root) != KAM_VALUE_OBJECT)
    return kam__error(plan->ctx, KAM_EPARSE, "the plan must be a JSON object");
  if ((rc = kam__read_known_keys(r, root, keys))) return rc;
  if ((rc = kam__read_string(r, root, "lang", &s))) return rc;
  if (s && kam_proposal_set_lang(plan->people, s) != KAM_OK) return KAM_EPARSE;
  if ((rc = kam__read_string(r, root, "currency", &s))) return rc;
  if (s && (rc = kam_proposal_set_currency(plan->people, s)))
    return rc == KAM_EINVAL ? KAM_EPARSE : rc;
  if ((rc = kam__read_string(r, root, "as_of", &s))) return rc;
  if (s) {
    if (kam_date_parse(&plan->as_of, s, strlen(s)) != KAM_OK)
      return kam__proposal_error(r->p, KAM_EPARSE, "as_of", "'%.40s' is not a date YYYY-MM-DD", s);
    plan->has_as_of = true;
  }
  if ((rc = read_object(plan, r, root, "period", period_fields, &plan->period)) ||
      (rc = read_object(plan, r, root, "account", account_fields, &plan->account)) ||
      (rc = read_object(plan, r, root, "owner", person_fields, &plan->owner)) ||
      (rc = read_records(plan, r, root, "team", person_fields, &plan->team)) ||
      (rc = read_records(plan, r, root, "objectives", objective_fields, &plan->objectives)))
    return rc;
  ws = kam__read_member(r, root, "white_space", &old);
  if (ws && kam_value_type(ws) != KAM_VALUE_OBJECT) rc = kam__read_wrong_type(r, ws, "an object");
  if (ws && !rc && !(rc = kam__read_known_keys(r, ws, ws_keys)) &&
      !(rc = read_records(plan, r, ws, "offerings", offering_fields, &plan->offerings)) &&
      !(rc = read_records(plan, r, ws, "units", unit_fields, &plan->units)))
    rc = read_records(plan, r, ws, "cells", cell_fields, &plan->cells);
  kam__path_pop(&r->pt, old);
  if (rc || (rc = kam__read_stakeholders(r, root)) ||
      (rc = read_records(plan, r, root, "relationships", relationship_fields,
                         &plan->relationships)) ||
      (rc = read_records(plan, r, root, "competitors", competitor_fields, &plan->competitors)) ||
      (rc = read_object(plan, r, root, "swot", swot_fields, &plan->swot)) ||
      (rc = read_records(plan, r, root, "risks", risk_fields, &plan->risks)) ||
      (rc = read_records(plan, r, root, "actions", action_fields, &plan->actions)))
    return rc;
  return KAM_OK;
}

int kam_plan_from_json(kam_plan **out, kam_ctx *ctx, const char *json, size_t len) {
  int rc = kam_plan_new(out, ctx);
  if (!rc && *out &&
      (rc = kam__read_json_document((*out)->people, json, len, read_document, *out))) {
    kam_plan_free(*out);
    *out = NULL;
  }
  return rc;
}

/* ---- writing ----------------------------------------------------------------------------- */

static kam_value *rec_value(kam__vb *b, const kam_plan *plan, const field *fs, const kam__rec *r) {
  kam_value *o = kam__vb_obj(b), *a;
  char text[KAM__DECIMAL_TEXT_CAP];
  size_t k;
  int i;
  for (i = 0; fs[i].key; i++) {
    const kam__slot *s = &r->f[i];
    if (!KAM__HAS(r, i)) continue;
    switch (fs[i].kind) {
    case F_TEXT: kam__vb_set(b, o, fs[i].key, kam__vb_str(b, s->text)); break;
    case F_DEC:
    case F_SHARE: kam__vb_set(b, o, fs[i].key, kam__vb_num_text(b, s->text)); break;
    case F_MONEY:
    case F_MONEY_ANY:
      kam__money_plain(text, s->minor, plan->people->digits);
      kam__vb_set(b, o, fs[i].key, kam__vb_str(b, text));
      break;
    case F_DATE:
      kam_date_format(text, sizeof text, NULL, s->date);
      kam__vb_set(b, o, fs[i].key, kam__vb_str(b, text));
      break;
    case F_STRENGTH: kam__vb_set(b, o, fs[i].key, kam__vb_int(b, s->n)); break;
    case F_ENUM: kam__vb_set(b, o, fs[i].key, kam__vb_str(b, fs[i].names[s->n])); break;
    default:
      a = kam__vb_set(b, o, fs[i].key, kam__vb_arr(b));
      for (k = 0; k < s->list.len; k++)
        kam__vb_push(b, a, kam__vb_str(b, s->list.items[k]));
      break;
    }
  }
  return o;
}

static void set_recs(kam__vb *b, const kam_plan *plan, kam_value *o, const char *key,
                     const field *fs, const kam__recs *l) {
  kam_value *a;
  size_t i;
  if (!l->len) return;
  a = kam__vb_set(b, o, key, kam__vb_arr(b));
  for (i = 0; i < l->len; i++)
    kam__vb_push(b, a, rec_value(b, plan, fs, &l->data[i]));
}

static void set_rec(kam__vb *b, const kam_plan *plan, kam_value *o, const char *key,
                    const field *fs, const kam__rec *r) {
  if (r->has) kam__vb_set(b, o, key, rec_value(b, plan, fs, r));
}

int kam_plan_write_json(const kam_plan *plan, kam_write_fn write, void *ud) {
  kam__vb b;
  kam_value *root, *ws;
  char text[KAM__DECIMAL_TEXT_CAP];
  int rc;
  if (!plan || !write) return KAM_EINVAL;
  b.ctx = plan->ctx;
  b.rc = KAM_OK;
  root = kam__vb_obj(&b);
  kam__vb_set(&b, root, "lang", kam__vb_str(&b, plan->people->lang));
  kam__vb_set(&b, root, "currency", kam__vb_str(&b, plan->people->currency));
  if (plan->has_as_of) {
    kam_date_format(text, sizeof text, NULL, plan->as_of);
    kam__vb_set(&b, root, "as_of", kam__vb_str(&b, text));
  }
  set_rec(&b, plan, root, "period", period_fields, &plan->period);
  set_rec(&b, plan, root, "account", account_fields, &plan->account);
  set_rec(&b, plan, root, "owner", person_fields, &plan->owner);
  set_recs(&b, plan, root, "team", person_fields, &plan->team);
  set_recs(&b, plan, root, "objectives", objective_fields, &plan->objectives);
  if (plan->offerings.len || plan->units.len || plan->cells.len) {
    ws = kam__vb_set(&b, root, "white_space", kam__vb_obj(&b));
    set_recs(&b, plan, ws, "offerings", offering_fields, &plan->offerings);
    set_recs(&b, plan, ws, "units", unit_fields, &plan->units);
    set_recs(&b, plan, ws, "cells", cell_fields, &plan->cells);
  }
  if (kam_dmu_count(kam__proposal_dmu(plan->people)))
    kam__vb_set(&b, root, "stakeholders", kam__proposal_stakeholders_value(&b, plan->people));
  set_recs(&b, plan, root, "relationships", relationship_fields, &plan->relationships);
  set_recs(&b, plan, root, "competitors", competitor_fields, &plan->competitors);
  set_rec(&b, plan, root, "swot", swot_fields, &plan->swot);
  set_recs(&b, plan, root, "risks", risk_fields, &plan->risks);
  set_recs(&b, plan, root, "actions", action_fields, &plan->actions);
  if (b.rc) {
    kam_value_free(root);
    return b.rc;
  }
  rc = kam_json_write(root, KAM_JSON_PRETTY, write, ud);
  kam_value_free(root);
  if (rc) return rc;
  return write(ud, "\n", 1);
}

/* proposal_json.c - the proposal's JSON document: reading (kam_proposal_from_json) through
 * the same setters the C API offers, so validation lives in one place, and writing
 * (kam_proposal_write_json) in a fixed key order so the round trip is byte-identical. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "documents/proposal_internal.h"
#include "documents/value_internal.h"

/* ---- reading ----------------------------------------------------------------------------- */

/* A path buffer that grows by segments ("items" "[3]" ".unit_price") and shrinks back. */
typedef kam__path path;

/* Appends ".key" (or "key" at the root) or "[index]"; returns the old length for path_pop. */
static size_t path_add(path *pt, int n) {
  size_t old = pt->len;
  if (n > 0) pt->len += (size_t)n < sizeof pt->s - pt->len ? (size_t)n : sizeof pt->s - pt->len - 1;
  return old;
}
static size_t path_key(path *pt, const char *key) {
  size_t room = sizeof pt->s - pt->len;
  return path_add(pt, snprintf(pt->s + pt->len, room, pt->len ? ".%s" : "%s", key));
}
static size_t path_index(path *pt, size_t index) {
  size_t room = sizeof pt->s - pt->len;
  return path_add(pt, snprintf(pt->s + pt->len, room, "[%zu]", index));
}
static void path_pop(path *pt, size_t old) {
  pt->len = old;
  pt->s[old] = '\0';
}

typedef kam__reader reader;

static const char *type_name(const kam_value *v) {
  switch (kam_value_type(v)) {
  case KAM_VALUE_NULL: return "null";
  case KAM_VALUE_BOOL: return "a boolean";
  case KAM_VALUE_NUMBER: return "a number";
  case KAM_VALUE_STRING: return "a string";
  case KAM_VALUE_ARRAY: return "an array";
  case KAM_VALUE_OBJECT: return "an object";
  default: return "a lambda";
  }
}

/* Fails on a key of obj that is not in keys[] (keys beginning with '_' are comments). */
static int known_keys(reader *r, const kam_value *obj, const char *const keys[]) {
  size_t i, n = kam_value_length(obj);
  for (i = 0; i < n; i++) {
    size_t klen, k;
    const char *key = kam_value_key_at(obj, i, &klen);
    bool ok = klen > 0 && key[0] == '_';
    for (k = 0; !ok && keys[k]; k++)
      ok = strlen(keys[k]) == klen && !memcmp(keys[k], key, klen);
    if (!ok) {
      size_t old;
      int rc;
      if (memchr(key, '\0', klen) || strlen(key) > 60) {
        return kam__proposal_error(r->p, KAM_EPARSE, r->pt.len ? r->pt.s : NULL, "unknown key");
      }
      old = path_key(&r->pt, key);
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "unknown key");
      path_pop(&r->pt, old);
      return rc;
    }
  }
  return KAM_OK;
}

/* The member key of obj (NULL if absent or JSON null), with the path extended to it. */
static const kam_value *member(reader *r, const kam_value *obj, const char *key, size_t *old) {
  const kam_value *v = kam_value_get(obj, key, strlen(key));
  *old = path_key(&r->pt, key);
  return kam_value_type(v) == KAM_VALUE_NULL ? NULL : v;
}

static int wrong_type(reader *r, const kam_value *v, const char *expected) {
  return kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "expected %s, got %s", expected,
                             type_name(v));
}

/* A string member (NULL when absent). */
static int get_string(reader *r, const kam_value *obj, const char *key, const char **out) {
  size_t old, len;
  const kam_value *v = member(r, obj, key, &old);
  int rc = KAM_OK;
  *out = NULL;
  if (v) {
    if (kam_value_type(v) != KAM_VALUE_STRING) {
      rc = wrong_type(r, v, "a string");
    } else {
      *out = kam_value_string(v, &len);
      if (memchr(*out, '\0', len))
        rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "contains a NUL character (\\u0000)");
    }
  }
  path_pop(&r->pt, old);
  return rc;
}

/* A decimal member: a string or a number, as text (NULL when absent). */
static int get_decimal(reader *r, const kam_value *obj, const char *key, const char **out) {
  size_t old, len;
  const kam_value *v = member(r, obj, key, &old);
  int rc = KAM_OK;
  *out = NULL;
  if (v) {
    if (kam_value_type(v) == KAM_VALUE_NUMBER) {
      *out = kam_value_number_text(v, &len);
    } else if (kam_value_type(v) == KAM_VALUE_STRING) {
      *out = kam_value_string(v, &len);
      if (memchr(*out, '\0', len))
        rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "is not a decimal number");
    } else {
      rc = wrong_type(r, v, "a decimal string or a number");
    }
  }
  path_pop(&r->pt, old);
  return rc;
}

/* A number as a double: a JSON number or a decimal string (NAN when absent). */
static int number_of(reader *r, const kam_value *v, double *out) {
  const char *text, *why;
  char canon[KAM__DEC_CAP];
  size_t len;
  if (!out) return kam__nomem(r->p->ctx);
  if (kam_value_type(v) == KAM_VALUE_NUMBER) {
    text = kam_value_number_text(v, &len);
    if (!kam__parse_double(out, text, len) || !isfinite(*out))
      return kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is out of range", text);
    return KAM_OK;
  }
  if (kam_value_type(v) == KAM_VALUE_STRING) {
    text = kam_value_string(v, &len);
    if (kam__decimal_canon(canon, text, len, &why) || !kam__parse_double(out, canon, strlen(canon)))
      return kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' %s", text, why);
    return KAM_OK;
  }
  return wrong_type(r, v, "a number");
}

static int get_number(reader *r, const kam_value *obj, const char *key, double *out) {
  size_t old;
  const kam_value *v = member(r, obj, key, &old);
  int rc = KAM_OK;
  *out = NAN;
  if (v) rc = number_of(r, v, out);
  path_pop(&r->pt, old);
  return rc;
}

/* An integer member within [lo, hi]; *present says whether it was there. */
static int get_int(reader *r, const kam_value *obj, const char *key, long lo, long hi, long *out,
                   bool *present) {
  size_t old, len, i;
  const kam_value *v = member(r, obj, key, &old);
  int rc = KAM_OK;
  *present = v != NULL;
  if (v) {
    const char *text;
    long value = 0;
    bool neg;
    if (kam_value_type(v) != KAM_VALUE_NUMBER) {
      rc = wrong_type(r, v, "an integer");
      goto done;
    }
    text = kam_value_number_text(v, &len);
    neg = len && text[0] == '-';
    for (i = neg; i < len; i++) {
      if (!kam__is_digit(text[i]) || value > 100000000) {
        rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is not an integer in %ld..%ld",
                                 text, lo, hi);
        goto done;
      }
      value = value * 10 + (text[i] - '0');
    }
    if (neg) value = -value;
    if (value < lo || value > hi) {
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "%ld is outside %ld..%ld", value, lo, hi);
      goto done;
    }
    *out = value;
  }
done:
  path_pop(&r->pt, old);
  return rc;
}

/* Runs a setter and turns its EINVAL (the message already names the path) into EPARSE. */
static int setter(int rc) { return rc == KAM_EINVAL ? KAM_EPARSE : rc; }

/* An array member: each element must be an object; fn reads one. */
typedef int (*element_fn)(reader *r, const kam_value *obj);
static int get_list(reader *r, const kam_value *root, const char *key, element_fn fn) {
  size_t old, i, n;
  const kam_value *v = member(r, root, key, &old);
  int rc = KAM_OK;
  if (v && kam_value_type(v) != KAM_VALUE_ARRAY) rc = wrong_type(r, v, "an array");
  n = v ? kam_value_length(v) : 0;
  for (i = 0; !rc && i < n; i++) {
    const kam_value *e = kam_value_at(v, i);
    size_t o2 = path_index(&r->pt, i);
    rc = kam_value_type(e) == KAM_VALUE_OBJECT ? fn(r, e) : wrong_type(r, e, "an object");
    path_pop(&r->pt, o2);
  }
  path_pop(&r->pt, old);
  return rc;
}

/* known_keys, then the members keys[i] as strings into *to[i] while to[i] is not NULL (keys may
 * go on with members the caller reads itself); stops at the first error. */
static int known_strings(reader *r, const kam_value *o, const char *const keys[],
                         const char **const to[]) {
  size_t i;
  int rc = known_keys(r, o, keys);
  for (i = 0; !rc && to[i]; i++)
    rc = get_string(r, o, keys[i], to[i]);
  return rc;
}

/* The optional object member key of o, whose members keys[] are all strings, into *to[i] (all
 * NULL when the member is absent). */
static int string_object(reader *r, const kam_value *o, const char *key, const char *const keys[],
                         const char **const to[]) {
  size_t old, i;
  const kam_value *v = member(r, o, key, &old);
  int rc = KAM_OK;
  for (i = 0; to[i]; i++)
    *to[i] = NULL;
  if (v && kam_value_type(v) != KAM_VALUE_OBJECT)
    rc = wrong_type(r, v, "an object");
  else if (v)
    rc = known_strings(r, v, keys, to);
  path_pop(&r->pt, old);
  return rc;
}

static int read_argument(reader *r, const kam_value *o) {
  static const char *const keys[] = {"style", "title", "text", NULL};
  kam_argument a = {0};
  const char *style = NULL;
  const char **const to[] = {&style, &a.title, &a.text, NULL};
  int rc;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  if ((rc = known_strings(r, o, keys, to))) return rc;
  for (a.style = 0; a.style < 3; a.style++)
    if (style && !strcmp(style, kam_style_name(a.style))) break;
  if (a.style == 3) {
    size_t old = path_key(&r->pt, "style");
    rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                             style ? "'%.40s' is not authority, relational or analytical"
                                   : "%sis required",
                             style ? style : "");
    path_pop(&r->pt, old);
    return rc;
  }
  return setter(kam_proposal_add_argument(r->p, &a));
}

static int read_reference(reader *r, const kam_value *o) {
  static const char *const keys[] = {"company", "project", "result", "contact", NULL};
  static const char *const ckeys[] = {"name", "position", "phone", "email", NULL};
  kam_reference ref = {0};
  int rc;
  const char **const to[] = {&ref.company, &ref.project, &ref.result, NULL};
  const char **const cto[] = {&ref.contact_name, &ref.contact_position, &ref.contact_phone,
                              &ref.contact_email, NULL};
  memset(&ref, 0, sizeof ref);
  ref.struct_size = sizeof ref;
  if ((rc = known_strings(r, o, keys, to)) || (rc = string_object(r, o, "contact", ckeys, cto)))
    return rc;
  return setter(kam_proposal_add_reference(r->p, &ref));
}

static int read_figure(reader *r, const kam_value *o) {
  static const char *const keys[] = {"label", "unit", "value", NULL};
  const char *label = NULL, *unit = NULL, *text = NULL;
  const char **const to[] = {&label, &unit, NULL};
  const kam_value *v;
  size_t old, len;
  int rc;
  if ((rc = known_strings(r, o, keys, to))) return rc;
  v = member(r, o, "value", &old);
  if (kam_value_type(v) == KAM_VALUE_NUMBER) {
    text = kam_value_number_text(v, &len);
  } else if (kam_value_type(v) == KAM_VALUE_STRING) {
    text = kam_value_string(v, &len);
    if (memchr(text, '\0', len))
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "contains a NUL character (\\u0000)");
  } else if (v) {
    rc = wrong_type(r, v, "a number or a string");
  }
  path_pop(&r->pt, old);
  if (rc) return rc;
  return setter(
      kam__proposal_add_figure(r->p, label, unit, text, kam_value_type(v) == KAM_VALUE_NUMBER));
}

static int read_item(reader *r, const kam_value *o) {
  static const char *const keys[] = {
      "sku",         "description", "unit",    "quantity", "unit_price", "discount_percent",
      "vat_percent", "optional",    "section", "cost",     "period",     NULL};
  static const char *const unit_keys[] = {"one", "few", "many", NULL};
  kam_item it = {0};
  const kam_value *opt;
  size_t old;
  int rc;
  const char *period = NULL;
  const char **const to[] = {&it.sku, &it.description, NULL};
  const char **const unit_to[] = {&it.unit_one, &it.unit_few, &it.unit_many, NULL};
  memset(&it, 0, sizeof it);
  it.struct_size = sizeof it;
  if ((rc = known_strings(r, o, keys, to)) || (rc = get_decimal(r, o, "quantity", &it.quantity)) ||
      (rc = get_decimal(r, o, "unit_price", &it.unit_price_text)) ||
      (rc = get_decimal(r, o, "discount_percent", &it.discount_percent)) ||
      (rc = get_decimal(r, o, "vat_percent", &it.vat_percent)) ||
      (rc = get_string(r, o, "section", &it.section)) || (rc = get_decimal(r, o, "cost", &it.cost)))
    return rc;
  /* "unit" is text or the item's own forms; "period" its recurrence. */
  opt = member(r, o, "unit", &old);
  path_pop(&r->pt, old);
  if (kam_value_type(opt) == KAM_VALUE_OBJECT)
    rc = string_object(r, o, "unit", unit_keys, unit_to);
  else
    rc = get_string(r, o, "unit", &it.unit);
  if (rc || (rc = get_string(r, o, "period", &period))) return rc;
  if (period && (it.period = kam__recur_from_name(period)) < 0) {
    old = path_key(&r->pt, "period");
    rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                             "'%.40s' is not once, month, quarter or year", period);
    path_pop(&r->pt, old);
    return rc;
  }
  opt = member(r, o, "optional", &old);
  if (opt && kam_value_type(opt) != KAM_VALUE_BOOL) rc = wrong_type(r, opt, "true or false");
  path_pop(&r->pt, old);
  if (rc) return rc;
  if (kam_value_bool(opt)) it.flags |= KAM_ITEM_OPTIONAL;
  return setter(kam_proposal_add_item(r->p, &it));
}

static int read_person(reader *r, const kam_value *o) {
  static const char *const keys[] = {"name", "position", "phone", "email", NULL};
  kam_person m = {0};
  const char **const to[] = {&m.name, &m.position, &m.phone, &m.email, NULL};
  int rc;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  if ((rc = known_strings(r, o, keys, to))) return rc;
  return setter(kam_proposal_add_team_member(r->p, &m));
}

static int read_stakeholder(reader *r, const kam_value *o) {
  static const char *const keys[] = {"name",      "title",    "email",        "phone",  "role",
                                     "influence", "attitude", "buying_roles", "traits", NULL};
  static const char *const tkeys[] = {"dominance", "people", "detail", NULL};
  kam_stakeholder s = {0};
  const char *role = NULL;
  const kam_value *v;
  size_t old, i;
  long attitude = 0;
  bool present;
  const char **const to[] = {&s.name, &s.title, &s.email, &s.phone, &role, NULL};
  int rc, t;
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  if ((rc = known_strings(r, o, keys, to)) || (rc = get_number(r, o, "influence", &s.influence)) ||
      (rc = get_int(r, o, "attitude", -5, 5, &attitude, &present)))
    return rc;
  s.attitude = (int32_t)attitude;
  if (role) {
    for (s.role = 0; s.role <= KAM_ROLE_MARKETING; s.role++)
      if (kam__ascii_ieq(role, strlen(role), kam_role_name(s.role))) break;
    if (s.role > KAM_ROLE_MARKETING) {
      old = path_key(&r->pt, "role");
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                               "'%.40s' is not a role (executive, finance, technical, hr, "
                               "procurement, legal, operations, marketing, unknown)",
                               role);
      path_pop(&r->pt, old);
      return rc;
    }
  }
  v = member(r, o, "buying_roles", &old);
  if (v && kam_value_type(v) != KAM_VALUE_ARRAY) rc = wrong_type(r, v, "an array of names");
  for (i = 0; !rc && v && i < kam_value_length(v); i++) {
    const kam_value *e = kam_value_at(v, i);
    size_t o2 = path_index(&r->pt, i), len;
    unsigned bit;
    const char *name = kam_value_string(e, &len);
    if (!name) {
      rc = wrong_type(r, e, "a name");
    } else {
      for (bit = 0; bit < 4; bit++)
        if (kam__ascii_ieq(name, len, kam_buyer_role_name(1u << bit))) break;
      if (bit == 4)
        rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                                 "'%.40s' is not economic, user, technical or coach", name);
      else
        s.buying_roles |= 1u << bit;
    }
    path_pop(&r->pt, o2);
  }
  path_pop(&r->pt, old);
  if (rc) return rc;
  v = member(r, o, "traits", &old);
  for (t = 0; t < 3; t++)
    s.traits[t] = NAN;
  if (v) {
    if (kam_value_type(v) != KAM_VALUE_OBJECT) rc = wrong_type(r, v, "an object");
    if (!rc) rc = known_keys(r, v, tkeys);
    for (t = 0; !rc && t < 3; t++)
      rc = get_number(r, v, kam_trait_name((int32_t)t), &s.traits[t]);
  }
  path_pop(&r->pt, old);
  if (rc) return rc;
  return setter(kam_proposal_add_stakeholder(r->p, &s));
}

/* one payment of the schedule. */
static int read_payment(reader *r, const kam_value *o) {
  static const char *const keys[] = {"label", "percent", "amount", "due", "days", NULL};
  kam_payment pay = {0};
  const char *due = NULL;
  const char **const to[] = {&pay.label, NULL};
  long days = 0;
  bool present;
  int rc;
  memset(&pay, 0, sizeof pay);
  pay.struct_size = sizeof pay;
  if ((rc = known_strings(r, o, keys, to)) || (rc = get_decimal(r, o, "percent", &pay.percent)) ||
      (rc = get_decimal(r, o, "amount", &pay.amount)) || (rc = get_string(r, o, "due", &due)) ||
      (rc = get_int(r, o, "days", 0, 36500, &days, &present)))
    return rc;
  if (due && present) {
    size_t old = path_key(&r->pt, "days");
    rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "give due or days, not both");
    path_pop(&r->pt, old);
    return rc;
  }
  if (due) {
    if (kam_date_parse(&pay.due, due, strlen(due)) != KAM_OK) {
      size_t old = path_key(&r->pt, "due");
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is not a date YYYY-MM-DD", due);
      path_pop(&r->pt, old);
      return rc;
    }
    pay.due_kind = KAM_DUE_DATE;
  } else if (present) {
    pay.days = (int32_t)days;
    pay.due_kind = KAM_DUE_DAYS;
  }
  return setter(kam_proposal_add_payment(r->p, &pay));
}

static int read_cash_flows(reader *r, const kam_value *root) {
  static const char *const keys[] = {"rate", "values", "period", "investment", NULL};
  kam_cash_flows cf;
  const kam_value *o, *values;
  const char *period = NULL, *investment = NULL;
  double *flows = NULL;
  size_t old, o2, i, n = 0;
  int rc = KAM_OK;
  memset(&cf, 0, sizeof cf);
  cf.struct_size = sizeof cf;
  o = member(r, root, "cash_flows", &old);
  if (!o) goto done;
  if (kam_value_type(o) != KAM_VALUE_OBJECT) {
    rc = wrong_type(r, o, "an object");
    goto done;
  }
  if ((rc = known_keys(r, o, keys)) || (rc = get_number(r, o, "rate", &cf.rate)) ||
      (rc = get_string(r, o, "period", &period)) ||
      (rc = get_string(r, o, "investment", &investment)))
    goto done;
  if (investment) {
    if (strcmp(investment, "auto") != 0) {
      o2 = path_key(&r->pt, "investment");
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s,
                               "'%.40s' is not \"auto\" (a given investment is values[0])",
                               investment);
      path_pop(&r->pt, o2);
      goto done;
    }
    cf.investment = KAM_INVESTMENT_AUTO;
  }
  if (isnan(cf.rate)) cf.rate = 0;
  if (period) {
    for (cf.period = 0; cf.period < 3; cf.period++)
      if (!strcmp(period, kam__period_name(cf.period))) break;
    if (cf.period == 3) {
      o2 = path_key(&r->pt, "period");
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is not year, quarter or month",
                               period);
      path_pop(&r->pt, o2);
      goto done;
    }
  }
  values = member(r, o, "values", &o2);
  if (!values || kam_value_type(values) != KAM_VALUE_ARRAY || kam_value_length(values) == 0 ||
      kam_value_length(values) > 1000) {
    rc = values && kam_value_type(values) != KAM_VALUE_ARRAY
             ? wrong_type(r, values, "an array of numbers")
             : kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "needs 1..1000 numbers");
    path_pop(&r->pt, o2);
    goto done;
  }
  n = kam_value_length(values);
  flows = (double *)kam__alloc_array(r->p->ctx, n, sizeof *flows);
  if (!flows) rc = kam__nomem(r->p->ctx);
  for (i = 0; !rc && i < n; i++) {
    size_t o3 = path_index(&r->pt, i);
    rc = number_of(r, kam_value_at(values, i), &flows[i]);
    path_pop(&r->pt, o3);
  }
  path_pop(&r->pt, o2);
  if (!rc) {
    cf.values = flows;
    cf.count = n;
    rc = setter(kam_proposal_set_cash_flows(r->p, &cf));
  }
done:
  if (flows) kam__free(r->p->ctx, flows, n * sizeof *flows);
  path_pop(&r->pt, old);
  return rc;
}

/* ---- identity, addressee, signatory, criteria, alternatives ---- */

/* criteria[i]: {"name", "weight", "stakeholder", "arguments": [indexes]} */
static int read_criterion(reader *r, const kam_value *o) {
  static const char *const keys[] = {"name", "stakeholder", "weight", "arguments", NULL};
  kam_criterion c = {0};
  size_t idx[1000], old, i, n = 0;
  const kam_value *v;
  const char **const to[] = {&c.name, &c.stakeholder, NULL};
  int rc;
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  if ((rc = known_strings(r, o, keys, to)) || (rc = get_number(r, o, "weight", &c.weight)))
    return rc;
  if (isnan(c.weight)) c.weight = 0;
  v = member(r, o, "arguments", &old);
  if (v && kam_value_type(v) != KAM_VALUE_ARRAY) rc = wrong_type(r, v, "an array of indexes");
  n = v ? kam_value_length(v) : 0;
  if (!rc && n > 1000) rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "needs 0..1000 indexes");
  for (i = 0; !rc && i < n; i++) {
    size_t o2 = path_index(&r->pt, i), len, k;
    const kam_value *e = kam_value_at(v, i);
    const char *text =
        kam_value_type(e) == KAM_VALUE_NUMBER ? kam_value_number_text(e, &len) : NULL;
    idx[i] = 0;
    if (!text) {
      rc = wrong_type(r, e, "an index");
    } else {
      for (k = 0; !rc && k < len; k++) {
        if (!kam__is_digit(text[k]) || idx[i] > 100000000)
          rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "'%.40s' is not an index", text);
        else
          idx[i] = idx[i] * 10 + (size_t)(text[k] - '0');
      }
    }
    path_pop(&r->pt, o2);
  }
  path_pop(&r->pt, old);
  if (rc) return rc;
  c.arguments = n ? idx : NULL;
  c.argument_count = n;
  return setter(kam_proposal_add_criterion(r->p, &c));
}

/* alternatives[i]: {"name", "points": {"<criterion>": "text"}} */
static int read_alternative(reader *r, const kam_value *o) {
  static const char *const keys[] = {"name", "points", NULL};
  kam_alternative a = {0};
  const kam_value *v;
  const char **crit = NULL, **pts = NULL;
  const char **const to[] = {&a.name, NULL};
  size_t old, i, n = 0;
  int rc;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  if ((rc = known_strings(r, o, keys, to))) return rc;
  v = member(r, o, "points", &old);
  if (v && kam_value_type(v) != KAM_VALUE_OBJECT) rc = wrong_type(r, v, "an object");
  n = v && !rc ? kam_value_length(v) : 0;
  if (n) {
    /* NOLINTNEXTLINE(bugprone-sizeof-expression): arrays of strings */
    crit = (const char **)kam__alloc_array(r->p->ctx, n, sizeof *crit);
    pts = (const char **)kam__alloc_array(r->p->ctx, n, sizeof *pts); /* NOLINT */
    if (!crit || !pts) rc = kam__nomem(r->p->ctx);
  }
  for (i = 0; !rc && crit && pts && i < n; i++) {
    size_t klen, o2;
    const char *key = kam_value_key_at(v, i, &klen);
    if (memchr(key, '\0', klen)) {
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "a key contains a NUL character");
      break;
    }
    crit[i] = key;
    rc = get_string(r, v, key, &pts[i]);
    if (!rc && !pts[i]) {
      o2 = path_key(&r->pt, key);
      rc = kam__proposal_error(r->p, KAM_EPARSE, r->pt.s, "expected a string, got null");
      path_pop(&r->pt, o2);
    }
  }
  path_pop(&r->pt, old);
  if (!rc) {
    a.criteria = crit;
    a.points = pts;
    a.count = n;
    rc = setter(kam_proposal_add_alternative(r->p, &a));
  }
  /* NOLINTNEXTLINE(bugprone-sizeof-expression): arrays of strings */
  if (crit) kam__free(r->p->ctx, (void *)crit, n * sizeof *crit);
  if (pts) kam__free(r->p->ctx, (void *)pts, n * sizeof *pts); /* NOLINT */
  return rc;
}

static int read_identity_and_criteria(reader *r, const kam_value *root) {
  static const char *const person_keys[] = {"name", "position", NULL};
  kam_proposal *p = r->p;
  const char *s1 = NULL, *s2 = NULL;
  const char **const pair[] = {&s1, &s2, NULL};
  const kam_value *v;
  size_t old;
  int rc;
  if ((rc = get_string(r, root, "number", &s1)) || (rc = get_string(r, root, "version", &s2)) ||
      (rc = setter(kam_proposal_set_number(p, s1, s2))))
    return rc;
  v = member(r, root, "addressee", &old);
  if (v && kam_value_type(v) == KAM_VALUE_OBJECT) {
    rc = known_strings(r, v, person_keys, pair);
    if (!rc && !s1) rc = kam__proposal_error(p, KAM_EPARSE, r->pt.s, "needs a name");
    path_pop(&r->pt, old);
    if (rc || (rc = setter(kam_proposal_set_addressee(p, NULL, s1, s2)))) return rc;
  } else {
    path_pop(&r->pt, old);
    if (v && kam_value_type(v) != KAM_VALUE_STRING) {
      old = path_key(&r->pt, "addressee");
      rc = wrong_type(r, v, "a stakeholder's name or an object {name, position}");
      path_pop(&r->pt, old);
      return rc;
    }
    if ((rc = get_string(r, root, "addressee", &s1)) ||
        (rc = setter(kam_proposal_set_addressee(p, s1, NULL, NULL))))
      return rc;
  }
  if ((rc = string_object(r, root, "signatory", person_keys, pair))) return rc;
  if (s2 && !s1) return kam__proposal_error(p, KAM_EPARSE, "signatory", "needs a name");
  if ((rc = setter(kam_proposal_set_signatory(p, s1, s2))) ||
      (rc = get_list(r, root, "criteria", read_criterion)) ||
      (rc = get_list(r, root, "alternatives", read_alternative)))
    return rc;
  return KAM_OK;
}

static int read_document(reader *r, const kam_value *root, void *unused) {
  static const char *const keys[] = {"lang",
                                     "currency",
                                     "title",
                                     "seller",
                                     "client",
                                     "summary",
                                     "exclusive",
                                     "issued",
                                     "valid_days",
                                     "arguments",
                                     "references",
                                     "figures",
                                     "cash_flows",
                                     "items",
                                     "prices_include_vat",
                                     "rounding",
                                     "team",
                                     "stakeholders",
                                     "terms",
                                     "number",
                                     "version",
                                     "addressee",
                                     "signatory",
                                     "criteria",
                                     "alternatives",
                                     "term_months",
                                     "payments",
                                     NULL};
  static const char *const seller_keys[] = {"name", "details", NULL};
  static const char *const client_keys[] = {"name", "context", NULL};
  kam_proposal *p = r->p;
  const char *s1 = NULL, *s2 = NULL;
  const char **const pair[] = {&s1, &s2, NULL};
  const kam_value *v;
  size_t old;
  long days = 0;
  bool present;
  int rc;
  (void)unused;
  if (kam_value_type(root) != KAM_VALUE_OBJECT)
    return kam__error(p->ctx, KAM_EPARSE, "the proposal must be a JSON object, not %s",
                      type_name(root));
  if ((rc = known_keys(r, root, keys))) return rc;
  /* lang and currency first: the digits of the currency decide how unit prices read. */
  if ((rc = get_string(r, root, "lang", &s1))) return rc;
  if (s1 && (rc = setter(kam_proposal_set_lang(p, s1)))) return rc;
  if ((rc = get_string(r, root, "currency", &s1))) return rc;
  if (s1 && (rc = setter(kam_proposal_set_currency(p, s1)))) return rc;
  if ((rc = get_string(r, root, "title", &s1)) || (rc = setter(kam_proposal_set_title(p, s1))))
    return rc;

  if ((rc = string_object(r, root, "seller", seller_keys, pair)) ||
      (rc = setter(kam_proposal_set_seller(p, s1, s2))) ||
      (rc = string_object(r, root, "client", client_keys, pair)) ||
      (rc = setter(kam_proposal_set_client(p, s1, s2))))
    return rc;

  if ((rc = get_string(r, root, "summary", &s1)) ||
      (rc = setter(kam_proposal_set_summary(p, s1))) ||
      (rc = get_string(r, root, "exclusive", &s1)) ||
      (rc = setter(kam_proposal_set_exclusive(p, s1))) ||
      (rc = get_string(r, root, "terms", &s1)) || (rc = setter(kam_proposal_set_terms(p, s1))))
    return rc;

  if ((rc = get_string(r, root, "issued", &s1))) return rc;
  if (s1) {
    kam_date d;
    if (kam_date_parse(&d, s1, strlen(s1)) != KAM_OK)
      return kam__proposal_error(p, KAM_EPARSE, "issued", "'%.40s' is not a date YYYY-MM-DD", s1);
    if ((rc = setter(kam_proposal_set_issued(p, d)))) return rc;
  }
  if ((rc = get_int(r, root, "valid_days", 0, 36500, &days, &present))) return rc;
  if (present && (rc = setter(kam_proposal_set_valid_days(p, (int32_t)days)))) return rc;

  v = member(r, root, "prices_include_vat", &old);
  if (v && kam_value_type(v) != KAM_VALUE_BOOL) rc = wrong_type(r, v, "true or false");
  path_pop(&r->pt, old);
  if (rc) return rc;
  p->prices_include_vat = kam_value_bool(v) != 0;

  if ((rc = get_string(r, root, "rounding", &s1))) return rc;
  if (s1) {
    if (!strcmp(s1, "line"))
      p->rounding = KAM_ROUNDING_LINE;
    else if (!strcmp(s1, "total"))
      p->rounding = KAM_ROUNDING_TOTAL;
    else
      return kam__proposal_error(p, KAM_EPARSE, "rounding", "'%.40s' is not line or total", s1);
  }

  if ((rc = get_list(r, root, "arguments", read_argument)) ||
      (rc = get_list(r, root, "references", read_reference)) ||
      (rc = get_list(r, root, "figures", read_figure)) || (rc = read_cash_flows(r, root)) ||
      (rc = get_list(r, root, "items", read_item)) ||
      (rc = get_list(r, root, "team", read_person)) ||
      (rc = get_list(r, root, "stakeholders", read_stakeholder)))
    return rc;
  /* the term and the payment schedule */
  if ((rc = get_int(r, root, "term_months", 1, 1200, &days, &present))) return rc;
  if (present && (rc = setter(kam_proposal_set_term_months(p, (int32_t)days)))) return rc;
  if ((rc = get_list(r, root, "payments", read_payment))) return rc;
  return read_identity_and_criteria(r, root);
}

int kam__read_json_document(kam_proposal *p, const char *json, size_t len, kam__read_fn read,
                            void *doc) {
  kam_value *root = NULL;
  kam__json_positions pos;
  reader r;
  int rc;
  if (!json && len) return KAM_EINVAL;
  if ((rc = kam__json_parse_positions(&root, p->ctx, json ? json : "", len, &pos))) return rc;
  memset(&r, 0, sizeof r);
  r.p = p;
  p->json = json;
  p->json_len = len;
  p->json_root = root;
  p->json_pos = &pos;
  rc = read(&r, root, doc);
  p->json = NULL;
  p->json_len = 0;
  p->json_root = NULL;
  p->json_pos = NULL;
  kam_value_free(root);
  kam__json_positions_free(&pos);
  return rc;
}

int kam_proposal_from_json(kam_proposal **out, kam_ctx *ctx, const char *json, size_t len) {
  int rc = kam_proposal_new(out, ctx);
  if (!rc && (rc = kam__read_json_document(*out, json, len, read_document, NULL))) {
    kam_proposal_free(*out);
    *out = NULL;
  }
  return rc;
}

/* ---- the reader, shared with the plan (plan_json.c) ---------------------------------------- */

size_t kam__path_key(kam__path *pt, const char *key) { return path_key(pt, key); }
size_t kam__path_index(kam__path *pt, size_t index) { return path_index(pt, index); }
void kam__path_pop(kam__path *pt, size_t old) { path_pop(pt, old); }
int kam__read_known_keys(kam__reader *r, const kam_value *obj, const char *const keys[]) {
  return known_keys(r, obj, keys);
}
const kam_value *kam__read_member(kam__reader *r, const kam_value *obj, const char *key,
                                  size_t *old) {
  return member(r, obj, key, old);
}
int kam__read_wrong_type(kam__reader *r, const kam_value *v, const char *expected) {
  return wrong_type(r, v, expected);
}
int kam__read_string(kam__reader *r, const kam_value *obj, const char *key, const char **out) {
  return get_string(r, obj, key, out);
}
int kam__read_decimal(kam__reader *r, const kam_value *obj, const char *key, const char **out) {
  return get_decimal(r, obj, key, out);
}
int kam__read_int(kam__reader *r, const kam_value *obj, const char *key, long lo, long hi,
                  long *out, bool *present) {
  return get_int(r, obj, key, lo, hi, out, present);
}
int kam__read_stakeholders(kam__reader *r, const kam_value *root) {
  return get_list(r, root, "stakeholders", read_stakeholder);
}

/* ---- writing ----------------------------------------------------------------------------- */

static void set_str(kam__vb *b, kam_value *obj, const char *key, const char *s) {
  if (s) kam__vb_set(b, obj, key, kam__vb_str(b, s));
}

static kam_value *person_value(kam__vb *b, const char *name, const char *position,
                               const char *phone, const char *email) {
  kam_value *o = kam__vb_obj(b);
  set_str(b, o, "name", name);
  set_str(b, o, "position", position);
  set_str(b, o, "phone", phone);
  set_str(b, o, "email", email);
  return o;
}

/* The stakeholders as their JSON array (shared with the plan's writer). */
kam_value *kam__proposal_stakeholders_value(kam__vb *b, const kam_proposal *p) {
  kam_value *a = kam__vb_arr(b), *o;
  size_t i;
  for (i = 0; i < kam_dmu_count(p->stakeholders); i++) {
    const kam_stakeholder st = kam__proposal_stakeholder(p, i), *s = &st;
    kam_value *roles, *traits = NULL;
    unsigned bit;
    int t;
    o = kam__vb_push(b, a, kam__vb_obj(b));
    set_str(b, o, "name", s->name);
    set_str(b, o, "title", s->title);
    if (s->role != KAM_ROLE_UNKNOWN) set_str(b, o, "role", kam_role_name(s->role));
    set_str(b, o, "email", s->email);
    set_str(b, o, "phone", s->phone);
    if (!isnan(s->influence)) kam__vb_set(b, o, "influence", kam__vb_double(b, s->influence));
    if (s->attitude) kam__vb_set(b, o, "attitude", kam__vb_int(b, s->attitude));
    if (s->buying_roles) {
      roles = kam__vb_set(b, o, "buying_roles", kam__vb_arr(b));
      for (bit = 0; bit < 4; bit++)
        if (s->buying_roles & (1u << bit))
          kam__vb_push(b, roles, kam__vb_str(b, kam_buyer_role_name(1u << bit)));
    }
    for (t = 0; t < 3; t++) {
      if (isnan(s->traits[t])) continue;
      if (!traits) traits = kam__vb_set(b, o, "traits", kam__vb_obj(b));
      kam__vb_set(b, traits, kam_trait_name((int32_t)t), kam__vb_double(b, s->traits[t]));
    }
  }
  return a;
}

/* The writer's state for the record lists' fillers (kam__vb_objects). */
typedef struct writer {
  kam__vb *b;
  const kam_proposal *p;
} writer;

static void argument_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const struct kam__argument *g = (const struct kam__argument *)elem;
  set_str(b, o, "style", kam_style_name(g->style));
  set_str(b, o, "title", g->title);
  set_str(b, o, "text", g->text);
}

static void reference_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const struct kam__reference *f = (const struct kam__reference *)elem;
  set_str(b, o, "company", f->company);
  set_str(b, o, "project", f->project);
  set_str(b, o, "result", f->result);
  if (f->contact_name || f->contact_position || f->contact_phone || f->contact_email)
    kam__vb_set(
        b, o, "contact",
        person_value(b, f->contact_name, f->contact_position, f->contact_phone, f->contact_email));
}

static void figure_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const struct kam__figure *f = (const struct kam__figure *)elem;
  set_str(b, o, "label", f->label);
  kam__vb_set(b, o, "value",
              f->is_number ? kam__vb_num_text(b, f->value) : kam__vb_str(b, f->value));
  set_str(b, o, "unit", f->unit);
}

static void item_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const kam_proposal *p = ((writer *)ud)->p;
  const struct kam__item *it = (const struct kam__item *)elem;
  char text[KAM__DECIMAL_TEXT_CAP];
  set_str(b, o, "sku", it->sku);
  set_str(b, o, "description", it->description);
  set_str(b, o, "unit", it->unit);
  kam__decimal_format(text, it->quantity);
  set_str(b, o, "quantity", text);
  kam__money_plain(text, it->unit_price, p->digits);
  set_str(b, o, "unit_price", text);
  if (it->discount_percent.coef != 0) {
    kam__decimal_format(text, it->discount_percent);
    set_str(b, o, "discount_percent", text);
  }
  kam__decimal_format(text, it->vat_percent);
  set_str(b, o, "vat_percent", text);
  if (it->flags & KAM_ITEM_OPTIONAL) kam__vb_set(b, o, "optional", kam__vb_bool(b, true));
  set_str(b, o, "section", it->section);
  if (it->has_cost) {
    kam__money_plain(text, it->cost, p->digits);
    set_str(b, o, "cost", text);
  }
  if (it->period != KAM_RECUR_ONCE) set_str(b, o, "period", kam__recur_name(it->period));
  if (it->unit_one || it->unit_few || it->unit_many) {
    kam_value *u = kam__vb_set(b, o, "unit", kam__vb_obj(b));
    set_str(b, u, "one", it->unit_one);
    set_str(b, u, "few", it->unit_few);
    set_str(b, u, "many", it->unit_many);
  }
}

static void payment_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const struct kam__payment *m = (const struct kam__payment *)elem;
  char text[KAM__DECIMAL_TEXT_CAP];
  set_str(b, o, "label", m->label);
  set_str(b, o, "percent", m->percent_text);
  if (m->amount_text) { /* in the currency's digits as they are now */
    const kam_proposal *p = ((writer *)ud)->p;
    int64_t minor;
    if (kam__decimal_to_minor_exact(&minor, m->amount, p->digits) == KAM_OK)
      kam__money_plain(text, minor, p->digits);
    else
      snprintf(text, sizeof text, "%s", m->amount_text);
    set_str(b, o, "amount", text);
  }
  if (m->due_kind == KAM_DUE_DATE) {
    kam_date_format(text, sizeof text, NULL, m->due);
    set_str(b, o, "due", text);
  } else {
    kam__vb_set(b, o, "days", kam__vb_int(b, m->days));
  }
}

/* root[key] = the records of l as objects, each filled by fill; nothing when l is empty. */
static void set_objects(writer *w, kam_value *root, const char *key, const kam__list *l,
                        size_t size, void (*fill)(void *ud, kam_value *o, const void *elem)) {
  if (l->len) kam__vb_set(w->b, root, key, kam__vb_objects(w->b, l->data, l->len, size, fill, w));
}

/* ---- identity, criteria, alternatives ---- */

static void criterion_json(void *ud, kam_value *o, const void *elem) {
  kam__vb *b = ((writer *)ud)->b;
  const kam_proposal *p = ((writer *)ud)->p;
  const struct kam__criterion *c = (const struct kam__criterion *)elem;
  size_t i;
  kam_value *a;
  set_str(b, o, "name", c->name);
  kam__vb_set(b, o, "weight", kam__vb_double(b, c->weight));
  set_str(b, o, "stakeholder", c->stakeholder);
  a = kam__vb_set(b, o, "arguments", kam__vb_arr(b));
  /* an index left past the end by kam_proposal_clear of the arguments answers nothing: it is
   * not written, so the document reads back */
  for (i = 0; i < c->nargs; i++)
    if (c->arguments[i] < p->arguments.len)
      kam__vb_push(b, a, kam__vb_int(b, (int64_t)c->arguments[i]));
}

static void alternative_json(void *ud, kam_value *o, const void *elem) {
  const writer *w = (const writer *)ud;
  const struct kam__alternative *a = (const struct kam__alternative *)elem;
  size_t i;
  kam_value *pts;
  set_str(w->b, o, "name", a->name);
  pts = kam__vb_set(w->b, o, "points", kam__vb_obj(w->b));
  for (i = 0; i < a->npoints && i < w->p->criteria.len; i++)
    if (a->points[i])
      set_str(w->b, pts, KAM__LIST_AT(w->p, criteria, struct kam__criterion, i)->name,
              a->points[i]);
}

static void identity_and_criteria_json(writer *w, kam_value *root) {
  kam__vb *b = w->b;
  const kam_proposal *p = w->p;
  set_str(b, root, "number", p->number);
  set_str(b, root, "version", p->version);
  if (p->addressee_stakeholder) {
    set_str(b, root, "addressee", p->addressee_stakeholder);
  } else if (p->addressee_name) {
    kam_value *o = kam__vb_set(b, root, "addressee", kam__vb_obj(b));
    set_str(b, o, "name", p->addressee_name);
    set_str(b, o, "position", p->addressee_position);
  }
  if (p->signatory_name) {
    kam_value *o = kam__vb_set(b, root, "signatory", kam__vb_obj(b));
    set_str(b, o, "name", p->signatory_name);
    set_str(b, o, "position", p->signatory_position);
  }
  set_objects(w, root, "criteria", &p->criteria, sizeof(struct kam__criterion), criterion_json);
  set_objects(w, root, "alternatives", &p->alternatives, sizeof(struct kam__alternative),
              alternative_json);
}

/* The document as a kam_value (the JSON document's shape). */
static kam_value *document_value(kam__vb *b, const kam_proposal *p) {
  kam_value *root = kam__vb_obj(b), *o, *a;
  writer w;
  size_t i;
  char text[KAM__DECIMAL_TEXT_CAP];
  w.b = b;
  w.p = p;
  set_str(b, root, "lang", p->lang);
  set_str(b, root, "currency", p->currency);
  set_str(b, root, "title", p->title);
  if (p->seller_name || p->seller_details) {
    o = kam__vb_set(b, root, "seller", kam__vb_obj(b));
    set_str(b, o, "name", p->seller_name);
    set_str(b, o, "details", p->seller_details);
  }
  if (p->client_name || p->client_context) {
    o = kam__vb_set(b, root, "client", kam__vb_obj(b));
    set_str(b, o, "name", p->client_name);
    set_str(b, o, "context", p->client_context);
  }
  set_str(b, root, "summary", p->summary);
  set_str(b, root, "exclusive", p->exclusive);
  if (p->has_issued) {
    kam_date_format(text, sizeof text, NULL, p->issued);
    set_str(b, root, "issued", text);
  }
  if (p->has_valid_days) kam__vb_set(b, root, "valid_days", kam__vb_int(b, p->valid_days));
  set_objects(&w, root, "arguments", &p->arguments, sizeof(struct kam__argument), argument_json);
  set_objects(&w, root, "references", &p->references, sizeof(struct kam__reference),
              reference_json);
  set_objects(&w, root, "figures", &p->figures, sizeof(struct kam__figure), figure_json);
  if (p->has_cash_flows) {
    o = kam__vb_set(b, root, "cash_flows", kam__vb_obj(b));
    kam__vb_set(b, o, "rate", kam__vb_double(b, p->rate));
    a = kam__vb_set(b, o, "values", kam__vb_arr(b));
    for (i = 0; i < p->flows_len; i++)
      kam__vb_push(b, a, kam__vb_double(b, p->flows[i]));
    set_str(b, o, "period", kam__period_name(p->period));
    if (p->investment == KAM_INVESTMENT_AUTO) set_str(b, o, "investment", "auto");
  }
  set_objects(&w, root, "items", &p->items, sizeof(struct kam__item), item_json);
  kam__vb_set(b, root, "prices_include_vat", kam__vb_bool(b, p->prices_include_vat));
  set_str(b, root, "rounding", p->rounding == KAM_ROUNDING_TOTAL ? "total" : "line");
  if (p->team.len) {
    a = kam__vb_set(b, root, "team", kam__vb_arr(b));
    for (i = 0; i < p->team.len; i++) {
      const struct kam__person *m = KAM__LIST_AT(p, team, struct kam__person, i);
      kam__vb_push(b, a, person_value(b, m->name, m->position, m->phone, m->email));
    }
  }
  if (kam_dmu_count(p->stakeholders))
    kam__vb_set(b, root, "stakeholders", kam__proposal_stakeholders_value(b, p));
  set_str(b, root, "terms", p->terms);
  identity_and_criteria_json(&w, root);
  if (p->term_months) kam__vb_set(b, root, "term_months", kam__vb_int(b, p->term_months));
  set_objects(&w, root, "payments", &p->payments, sizeof(struct kam__payment), payment_json);
  if (b->rc) {
    kam_value_free(root);
    return NULL;
  }
  return root;
}

int kam_proposal_write_json(const kam_proposal *p, kam_write_fn write, void *ud) {
  kam__vb b;
  kam_value *doc;
  int rc;
  if (!p || !write) return KAM_EINVAL;
  b.ctx = p->ctx;
  b.rc = KAM_OK;
  doc = document_value(&b, p);
  if (!doc) return b.rc;
  rc = kam_json_write(doc, KAM_JSON_PRETTY, write, ud);
  kam_value_free(doc);
  if (rc) return rc;
  return write(ud, "\n", 1);
}

/*
 * dmu_csv.c - kam_dmu_read_csv: stakeholders from CSV, through the one CSV engine (csv.c).
 *
 * The engine hands over the header and then one record at a time; this file maps header names
 * (Russian and English) to stakeholder fields, turns cell text into a kam_stakeholder and adds
 * it with kam__dmu_add, which does every range and text check of kam_dmu_add (this file only
 * reads numbers and names; it never checks a range itself). A failed add is reported at the
 * line and column of the field it names; any error takes back what this call added.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scoring/csv_internal.h"
#include "core/decimal_internal.h"
#include "people/dmu_internal.h"
#include "core/internal.h"

enum {
  COL_NAME,
  COL_TITLE,
  COL_ROLE,
  COL_INFLUENCE,
  COL_ATTITUDE,
  COL_BUYING_ROLES,
  COL_DOMINANCE, /* then people and detail: the traits in kam_stakeholder order */
  COL_PEOPLE,
  COL_DETAIL,
  COL_EMAIL,
  COL_PHONE,
  COL_COUNT
};

static const char *const column_name[COL_COUNT] = {
    "name",      "title",  "role",   "influence", "attitude", "buying_roles",
    "dominance", "people", "detail", "email",     "phone"};

/* Header names after kam__csv_fold (lower case, '_' '-' '.' as spaces, cut at ',' or '('). */
static const struct {
  const char *text;
  unsigned char column;
} aliases[] = {
    {"name", COL_NAME},
    {"full name", COL_NAME},
    {"contact", COL_NAME},
    {"имя", COL_NAME},
    {"фио", COL_NAME},
    {"контакт", COL_NAME},
    {"контактное лицо", COL_NAME},
    {"сотрудник", COL_NAME},
    {"title", COL_TITLE},
    {"job title", COL_TITLE},
    {"position", COL_TITLE},
    {"должность", COL_TITLE},
    {"role", COL_ROLE},
    {"роль", COL_ROLE},
    {"influence", COL_INFLUENCE},
    {"влияние", COL_INFLUENCE},
    {"attitude", COL_ATTITUDE},
    {"отношение", COL_ATTITUDE},
    {"buying roles", COL_BUYING_ROLES},
    {"buying role", COL_BUYING_ROLES},
    {"buying influences", COL_BUYING_ROLES},
    {"роли в закупке", COL_BUYING_ROLES},
    {"роль в закупке", COL_BUYING_ROLES},
    {"роли в покупке", COL_BUYING_ROLES},
    {"роль в покупке", COL_BUYING_ROLES},
    {"dominance", COL_DOMINANCE},
    {"доминантность", COL_DOMINANCE},
    {"people", COL_PEOPLE},
    {"people orientation", COL_PEOPLE},
    {"ориентация на людей", COL_PEOPLE},
    {"detail", COL_DETAIL},
    {"detail orientation", COL_DETAIL},
    {"ориентация на детали", COL_DETAIL},
    {"email", COL_EMAIL},
    {"e mail", COL_EMAIL},
    {"почта", COL_EMAIL},
    {"электронная почта", COL_EMAIL},
    {"phone", COL_PHONE},
    {"telephone", COL_PHONE},
    {"телефон", COL_PHONE},
    {"тел", COL_PHONE},
};

typedef struct dmu_csv {
  kam_dmu *dmu;
  size_t col[COL_COUNT]; /* column index per field, KAM__CSV_NO_COL if absent */
} dmu_csv;

static int on_header(kam__csv_reader *r) {
  dmu_csv *dc = (dmu_csv *)r->sink;
  char folded[256], a[48], b[48];
  size_t k, i;
  for (i = 0; i < COL_COUNT; i++)
    dc->col[i] = KAM__CSV_NO_COL;
  for (k = 0; k < r->ncols; k++) {
    const kam__csv_field *h = &r->hdr_fields[k];
    kam__csv_fold(folded, sizeof folded, r->hdr + h->off, h->len);
    for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
      if (strcmp(folded, aliases[i].text) == 0) break;
    if (i == sizeof aliases / sizeof aliases[0]) continue; /* other columns are ignored */
    if (dc->col[aliases[i].column] != KAM__CSV_NO_COL) {
      const kam__csv_field *first = &r->hdr_fields[dc->col[aliases[i].column]];
      return kam__error(r->ctx, KAM_EPARSE,
                        "line %zu: columns %zu (\"%s\") and %zu (\"%s\") are both the %s column",
                        h->line, dc->col[aliases[i].column] + 1,
                        kam__csv_shown(a, r->hdr + first->off, first->len), k + 1,
                        kam__csv_shown(b, r->hdr + h->off, h->len), column_name[aliases[i].column]);
    }
    dc->col[aliases[i].column] = k;
  }
  if (dc->col[COL_NAME] == KAM__CSV_NO_COL && dc->col[COL_TITLE] == KAM__CSV_NO_COL)
    return kam__error(r->ctx, KAM_EPARSE,
                      "line %zu: the header has neither a \"name\" nor a \"title\" column "
                      "(accepted names: name, имя, фио, full name, contact, контакт, контактное "
                      "лицо, сотрудник; title, должность, job title, position)",
                      r->ncols ? r->hdr_fields[0].line : (size_t)1);
  return KAM_OK;
}

/* A share: a number from the JSON grammar with '.' or ',' as the decimal mark, or a percentage
 * ("75 %"); empty is NaN. Whether it lies in 0..1 is kam_dmu_add's to check. */
static bool parse_share(double *out, const char *s, size_t len) {
  char text[64];
  size_t i;
  bool percent = false;
  *out = NAN;
  if (len == 0) return true;
  if (s[len - 1] == '%') {
    percent = true;
    len--;
    kam__csv_trim(&s, &len);
  }
  if (len == 0 || len >= sizeof text) return false;
  for (i = 0; i < len; i++)
    text[i] = s[i] == ',' ? '.' : s[i];
  if (!kam__parse_double(out, text, len)) return false;
  if (percent) *out /= 100.0;
  return true;
}

/* A whole number ("+3", "-2", and "−2" with the typographic minus U+2212 some spreadsheets
 * print); empty is 0. Whether it lies in -5..+5 is kam_dmu_add's to check. */
static bool parse_whole(int32_t *out, const char *s, size_t len) {
  char text[24];
  int64_t v = 0;
  if (len >= 3 && memcmp(s, "\xE2\x88\x92", 3) == 0) {
    if (len - 2 > sizeof text) return false;
    text[0] = '-';
    memcpy(text + 1, s + 3, len - 3);
    s = text;
    len -= 2;
  }
  if (len && (kam__decimal_read_minor(&v, s, len, KAM__DEC_POINT, 0, NULL) != KAM_OK ||
              v < INT32_MIN || v > INT32_MAX))
    return false;
  *out = (int32_t)v;
  return true;
}

/* The fields of a kam_stakeholder, in the order of the KAM__DMU_FIELD_* values. */
static const unsigned char field_column[] = {
    COL_COUNT,     COL_ROLE,     COL_NAME,         COL_TITLE,     COL_EMAIL,  COL_PHONE,
    COL_INFLUENCE, COL_ATTITUDE, COL_BUYING_ROLES, COL_DOMINANCE, COL_PEOPLE, COL_DETAIL};

static int on_row(kam__csv_reader *r) {
  dmu_csv *dc = (dmu_csv *)r->sink;
  kam_stakeholder s;
  const char *v[COL_COUNT];
  size_t len[COL_COUNT], line[COL_COUNT], c;
  int rc, bad = KAM__DMU_FIELD_NONE;
  for (c = 0; c < COL_COUNT; c++)
    v[c] = kam__csv_cell(r, dc->col[c], &len[c], &line[c]);
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.name = len[COL_NAME] ? v[COL_NAME] : NULL;
  s.title = len[COL_TITLE] ? v[COL_TITLE] : NULL;
  s.email = len[COL_EMAIL] ? v[COL_EMAIL] : NULL;
  s.phone = len[COL_PHONE] ? v[COL_PHONE] : NULL;
  if (len[COL_ROLE] && kam_role_from_name(&s.role, v[COL_ROLE], len[COL_ROLE]) != KAM_OK)
    return kam__csv_cell_error(r, KAM_EPARSE, line[COL_ROLE], dc->col[COL_ROLE], v[COL_ROLE],
                               len[COL_ROLE],
                               "is not a role (unknown, executive, finance, technical, hr, "
                               "procurement, legal, operations, marketing; empty: from the title)");
  if (!parse_share(&s.influence, v[COL_INFLUENCE], len[COL_INFLUENCE]))
    return kam__csv_cell_error(r, KAM_EPARSE, line[COL_INFLUENCE], dc->col[COL_INFLUENCE],
                               v[COL_INFLUENCE], len[COL_INFLUENCE],
                               "is not a number (0..1, or a percentage)");
  if (!parse_whole(&s.attitude, v[COL_ATTITUDE], len[COL_ATTITUDE]))
    return kam__csv_cell_error(r, KAM_EPARSE, line[COL_ATTITUDE], dc->col[COL_ATTITUDE],
                               v[COL_ATTITUDE], len[COL_ATTITUDE],
                               "is not a whole number (-5 .. +5)");
  if (kam_buyer_role_parse(&s.buying_roles, v[COL_BUYING_ROLES], len[COL_BUYING_ROLES]))
    return kam__csv_cell_error(r, KAM_EPARSE, line[COL_BUYING_ROLES], dc->col[COL_BUYING_ROLES],
                               v[COL_BUYING_ROLES], len[COL_BUYING_ROLES],
                               "is not a list of buying roles (economic, user, technical, coach)");
  for (c = 0; c < 3; c++)
    if (!parse_share(&s.traits[c], v[COL_DOMINANCE + c], len[COL_DOMINANCE + c]))
      return kam__csv_cell_error(r, KAM_EPARSE, line[COL_DOMINANCE + c], dc->col[COL_DOMINANCE + c],
                                 v[COL_DOMINANCE + c], len[COL_DOMINANCE + c],
                                 "is not a number (0..1, or a percentage)");
  rc = kam__dmu_add(dc->dmu, &s, &bad);
  if (rc == KAM_OK) return KAM_OK;
  if (rc == KAM_ENOMEM) return kam__nomem(r->ctx);
  {
    char msg[KAM__ERRMSG_CAP], where[160];
    size_t col = (size_t)bad < sizeof field_column ? field_column[bad] : COL_COUNT;
    snprintf(msg, sizeof msg, "%s", kam_ctx_errmsg(r->ctx));
    if (col == COL_COUNT || dc->col[col] == KAM__CSV_NO_COL)
      return kam__error(r->ctx, rc, "line %zu: %s", r->fields[0].line, msg);
    return kam__error(r->ctx, rc, "%s: %s",
                      kam__csv_place(r, line[col], dc->col[col], where, sizeof where), msg);
  }
}

int kam_dmu_read_csv(kam_dmu *d, kam_read_fn read, void *ud, const kam_csv_options *o) {
  dmu_csv dc;
  size_t start;
  int rc;
  if (!d) return KAM_EINVAL;
  memset(&dc, 0, sizeof dc);
  dc.dmu = d;
  start = kam_dmu_count(d);
  rc = kam__csv_read(kam__dmu_ctx(d), "kam_dmu_read_csv", read, ud, o, on_header, on_row, &dc);
  if (rc) kam__dmu_truncate(d, start);
  return rc;
}

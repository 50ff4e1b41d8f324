/* cli_dmu.c - `kam title` (role, confidence and style mix of job titles) and `kam dmu` (profiles,
 * emphasis and warnings of a decision-making unit read from CSV). The CSV is parsed here, in the
 * program: the library takes stakeholders as records. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- output helpers ---- */

static void print_mix(const double mix[3]) {
  int k;
  for (k = 0; k < KAM_STYLE_COUNT; k++)
    printf("%s%s %.2f", k ? ", " : "", kam_style_name(k), mix[k]);
}

static int primary_of(const double mix[3]) {
  int k, best = 0;
  for (k = 1; k < 3; k++)
    if (mix[k] > mix[best]) best = k;
  return best;
}

static void json_string(const char *s) {
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  if (!s) {
    fputs("null", stdout);
    return;
  }
  putchar('"');
  for (; *p; p++) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
      putchar(*p);
    } else if (*p < 0x20) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}

static void json_number(double v) {
  if (isnan(v))
    fputs("null", stdout);
  else
    printf("%.6g", v);
}

static void json_mix(const double mix[3]) {
  int k;
  putchar('{');
  for (k = 0; k < 3; k++) {
    printf("%s\"%s\": ", k ? ", " : "", kam_style_name(k));
    json_number(mix[k]);
  }
  putchar('}');
}

/* Valid UTF-8? (the library checks too; this gives the CLI a message naming the argument) */
static int utf8_ok(const char *s, size_t len) {
  int32_t role;
  double c;
  return kam_role_from_title(&role, &c, s, len) != KAM_EPARSE;
}

/* ---- kam title ---- */

static int title_one(const char *cmd, const char *title, size_t len, int explain, int json, int tsv,
                     int first) {
  int32_t role;
  double c;
  kam_profile p;
  int rc = kam_role_from_title(&role, &c, title, len);
  if (rc) return rc;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  if (kam_style_profile(&p, role, c, NULL)) return cli_fail(cmd, "internal error");
  if (tsv) {
    printf("%s\t%.3f\t%s\t%.*s\n", kam_role_name(role), c, kam_style_name(p.primary_style),
           (int)len, title);
    return 0;
  }
  if (json) {
    printf("%s{\"title\": ", first ? "" : ",\n ");
    fputs("\"", stdout);
    {
      size_t i;
      for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)title[i];
        if (ch == '"' || ch == '\\')
          printf("\\%c", ch);
        else if (ch < 0x20)
          printf("\\u%04x", ch);
        else
          putchar(ch);
      }
    }
    printf("\", \"role\": \"%s\", \"confidence\": ", kam_role_name(role));
    json_number(c);
    fputs(", \"style\": ", stdout);
    json_mix(p.style);
    printf(", \"primary_style\": \"%s\"}", kam_style_name(p.primary_style));
    return 0;
  }
  if (!first) putchar('\n');
  printf("title:      %.*s\n", (int)len, title);
  printf("role:       %s\n", kam_role_name(role));
  printf("confidence: %.2f\n", c);
  fputs("style:      ", stdout);
  print_mix(p.style);
  printf(" (primary: %s)\n", kam_style_name(p.primary_style));
  if (explain) {
    size_t need = 0;
    char *buf;
    kam_role_explain(NULL, 0, &need, title, len);
    buf = (char *)malloc(need + 1);
    if (!buf) return cli_fail(cmd, "out of memory");
    kam_role_explain(buf, need + 1, NULL, title, len);
    printf("why:        %s\n", buf);
    free(buf);
  }
  return 0;
}

int kam_cli_title(int argc, char **argv) {
  const char *cmd = argv[0], *file = NULL;
  int i, explain = 0, json = 0, first = 1, n = 0, rc;
  if (cli_wants_help(argc, argv)) {
    printf(
        "usage: kam title [--explain] [--json] TITLE...\n"
        "       kam title --file FILE     (one title a line, '-' for stdin; prints TSV)\n\n"
        "Reads the role of each job title (Russian or English, as typed into a CRM) and\n"
        "prints the role, the confidence (0..1) and the style mix the role suggests\n"
        "(authority, relational, analytical). --explain shows which words decided it.\n"
        "With --file, prints role<TAB>confidence<TAB>primary style<TAB>title per line.\n\n"
        "example: kam title \"Зам. ген. директора по финансам\"\n"
        "  title:      Зам. ген. директора по финансам\n"
        "  role:       finance\n"
        "  confidence: 0.90\n"
        "  style:      authority 0.16, relational 0.11, analytical 0.73 (primary: analytical)\n");
    return 0;
  }
  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) {
      i++;
      break;
    }
    if (!strcmp(argv[i], "--explain"))
      explain = 1;
    else if (!strcmp(argv[i], "--json"))
      json = 1;
    else if (!strcmp(argv[i], "--file")) {
      if (i + 1 >= argc) return cli_fail(cmd, "--file needs a file name");
      file = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      return cli_fail(cmd, "unknown option '%s' (run 'kam title --help')", argv[i]);
    } else {
      break;
    }
  }
  if (file) {
    size_t len, pos = 0, line = 0;
    char *text;
    if (i < argc) return cli_fail(cmd, "give titles either as arguments or with --file, not both");
    text = cli_read_file(file, &len);
    if (!text) return cli_fail(cmd, "cannot read %s: %s", file, strerror(errno));
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) pos = 3;
    while (pos < len) {
      size_t end = pos, l;
      while (end < len && text[end] != '\n')
        end++;
      l = end - pos;
      line++;
      if (l && text[pos + l - 1] == '\r') l--;
      if (l) {
        if (!utf8_ok(text + pos, l)) {
          free(text);
          return cli_fail(cmd, "%s:%zu: not valid UTF-8", file, line);
        }
        title_one(cmd, text + pos, l, 0, 0, 1, 1);
      }
      pos = end + 1;
    }
    free(text);
    return 0;
  }
  if (i >= argc) return cli_fail(cmd, "no title given (run 'kam title --help')");
  if (json) fputs(argc - i > 1 ? "[" : "", stdout);
  for (; i < argc; i++, n++) {
    size_t len = strlen(argv[i]);
    if (!utf8_ok(argv[i], len)) return cli_fail(cmd, "argument %d: not valid UTF-8", i);
    rc = title_one(cmd, argv[i], len, explain, json, 0, first);
    if (rc) return rc;
    first = 0;
  }
  if (json) fputs(n > 1 ? "]\n" : "\n", stdout);
  return 0;
}

/* ---- kam dmu: a small CSV reader (RFC 4180 quotes, ',' ';' or TAB, BOM, CRLF) ---- */

typedef struct csv {
  const char *file;
  char *text;
  size_t len, pos, line; /* line: where the current record starts */
  size_t next_line;
  char sep;
} csv;

typedef struct field {
  char *s; /* malloc'd, NUL-terminated */
} field;

/* Reads one record into fields (up to cap; counts all in *n). Returns 1 on a record, 0 at the
 * end, -1 on a syntax error (message printed). */
static int csv_record(csv *c, const char *cmd, field *fields, size_t cap, size_t *n) {
  size_t count = 0;
  if (c->pos >= c->len) return 0;
  c->line = c->next_line;
  for (;;) {
    char *buf = NULL;
    size_t blen = 0, bcap = 0;
    int quoted = 0, done = 0, end_of_record = 0;
    if (c->pos < c->len && c->text[c->pos] == '"') {
      quoted = 1;
      c->pos++;
    }
    while (!done) {
      char ch;
      if (c->pos >= c->len) {
        if (quoted) {
          free(buf);
          cli_fail(cmd, "%s:%zu: a quoted field is not closed", c->file, c->line);
          return -1;
        }
        done = end_of_record = 1;
        break;
      }
      ch = c->text[c->pos];
      if (quoted) {
        if (ch == '"') {
          if (c->pos + 1 < c->len && c->text[c->pos + 1] == '"') {
            c->pos += 2;
          } else {
            c->pos++;
            quoted = 0;
            if (c->pos < c->len && c->text[c->pos] != c->sep && c->text[c->pos] != '\n' &&
                c->text[c->pos] != '\r') {
              free(buf);
              cli_fail(cmd, "%s:%zu: text after a closing quote", c->file, c->next_line);
              return -1;
            }
            continue;
          }
        } else {
          if (ch == '\n') c->next_line++;
          c->pos++;
        }
      } else {
        if (ch == c->sep) {
          c->pos++;
          done = 1;
          break;
        }
        if (ch == '\n' || ch == '\r') {
          if (ch == '\r' && c->pos + 1 < c->len && c->text[c->pos + 1] == '\n') c->pos++;
          c->pos++;
          c->next_line++;
          done = end_of_record = 1;
          break;
        }
        c->pos++;
      }
      if (blen + 2 > bcap) {
        char *p;
        bcap = bcap ? bcap * 2 : 32;
        p = (char *)realloc(buf, bcap);
        if (!p) {
          free(buf);
          cli_fail(cmd, "out of memory");
          return -1;
        }
        buf = p;
      }
      buf[blen++] = ch;
    }
    if (!buf) buf = (char *)calloc(1, 1);
    if (!buf) {
      cli_fail(cmd, "out of memory");
      return -1;
    }
    buf[blen] = '\0';
    if (count < cap)
      fields[count].s = buf;
    else
      free(buf);
    count++;
    if (end_of_record) break;
  }
  *n = count;
  return 1;
}

static void free_fields(field *f, size_t n, size_t cap) {
  size_t i;
  for (i = 0; i < n && i < cap; i++) {
    free(f[i].s);
    f[i].s = NULL;
  }
}

static char detect_sep(const char *text, size_t len) {
  size_t i, commas = 0, semis = 0, tabs = 0;
  int quoted = 0;
  for (i = 0; i < len && (quoted || (text[i] != '\n' && text[i] != '\r')); i++) {
    if (text[i] == '"')
      quoted = !quoted;
    else if (!quoted && text[i] == ',')
      commas++;
    else if (!quoted && text[i] == ';')
      semis++;
    else if (!quoted && text[i] == '\t')
      tabs++;
  }
  if (tabs > commas && tabs > semis) return '\t';
  return semis > commas ? ';' : ',';
}

enum {
  COL_NAME,
  COL_TITLE,
  COL_ROLE,
  COL_INFLUENCE,
  COL_ATTITUDE,
  COL_BUYING,
  COL_DOMINANCE,
  COL_PEOPLE,
  COL_DETAIL,
  COL_EMAIL,
  COL_PHONE,
  COL_COUNT
};
static const char *const col_names[COL_COUNT] = {
    "name",      "title",  "role",   "influence", "attitude", "buying_roles",
    "dominance", "people", "detail", "email",     "phone"};

static const char *trim(char *s) {
  size_t n;
  while (*s == ' ' || *s == '\t')
    s++;
  n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

/* A number in 0..1 or a percentage; decimal comma allowed. Empty: NaN. 0 ok, -1 bad. */
static int parse_share(const char *s, double *out) {
  char tmp[64];
  size_t n = strlen(s), i;
  int percent = 0;
  if (n == 0) {
    *out = NAN;
    return 0;
  }
  if (n >= sizeof tmp) return -1;
  memcpy(tmp, s, n + 1);
  if (tmp[n - 1] == '%') {
    percent = 1;
    tmp[--n] = '\0';
  }
  for (i = 0; i < n; i++)
    if (tmp[i] == ',') tmp[i] = '.';
  if (cli_parse_double(trim(tmp), out)) return -1;
  if (percent) *out /= 100.0;
  return 0;
}

static int parse_int(const char *s, int32_t *out) {
  char *end;
  long v;
  if (!*s) {
    *out = 0;
    return 0;
  }
  errno = 0;
  v = strtol(s, &end, 10);
  if (*end || errno || v < INT32_MIN || v > INT32_MAX) return -1;
  *out = (int32_t)v;
  return 0;
}

static void print_person(size_t i, const kam_stakeholder *s, const kam_profile *p) {
  uint32_t b;
  int any = 0;
  printf("\n%zu. %s", i + 1, s->name && *s->name ? s->name : "(no name)");
  if (s->title && *s->title) printf(" - %s", s->title);
  putchar('\n');
  printf("   role:      %s (%s, confidence %.2f)\n", kam_role_name(p->role),
         s->role != KAM_ROLE_UNKNOWN ? "given"
         : (s->title && *s->title)   ? "from the title"
                                     : "unknown",
         p->role_confidence);
  fputs("   style:     ", stdout);
  print_mix(p->style);
  printf(" (primary: %s, confidence %.2f)\n", kam_style_name(p->primary_style), p->confidence);
  fputs("   influence: ", stdout);
  if (isnan(s->influence))
    fputs("unknown (counted as 0.50)", stdout);
  else
    printf("%.2f", s->influence);
  printf(", attitude %+d, buying roles: ", (int)s->attitude);
  for (b = 1; b <= KAM_BUYER_COACH; b <<= 1) {
    if (s->buying_roles & b) {
      printf("%s%s", any ? ", " : "", kam_buyer_role_name(b));
      any = 1;
    }
  }
  if (!any) fputs("none", stdout);
  putchar('\n');
}

static const char *warning_advice(uint32_t w) {
  switch (w) {
  case KAM_DMU_EMPTY: return "nobody is in the DMU";
  case KAM_DMU_NO_ECONOMIC_BUYER:
    return "nobody is marked as the economic buyer: who signs off the money?";
  case KAM_DMU_NO_COACH: return "nobody is marked as coach: who guides us inside the client?";
  case KAM_DMU_INFLUENTIAL_OPPONENT:
    return "an influential person (influence >= 0.6) opposes us (attitude <= -3)";
  default: return "";
  }
}

static void print_json(const kam_dmu *d, const double e[3], uint32_t warnings) {
  size_t i, n = kam_dmu_count(d);
  uint32_t b;
  int any = 0;
  fputs("{\"stakeholders\": [", stdout);
  for (i = 0; i < n; i++) {
    kam_stakeholder s;
    kam_profile p;
    int k;
    memset(&s, 0, sizeof s);
    memset(&p, 0, sizeof p);
    s.struct_size = sizeof s;
    p.struct_size = sizeof p;
    kam_dmu_stakeholder(&s, d, i);
    kam_dmu_profile(&p, d, i);
    fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", stdout);
    json_string(s.name);
    fputs(", \"title\": ", stdout);
    json_string(s.title);
    printf(", \"role\": \"%s\", \"role_given\": %s, \"role_confidence\": ", kam_role_name(p.role),
           s.role != KAM_ROLE_UNKNOWN ? "true" : "false");
    json_number(p.role_confidence);
    fputs(", \"style\": ", stdout);
    json_mix(p.style);
    printf(", \"primary_style\": \"%s\", \"confidence\": ", kam_style_name(p.primary_style));
    json_number(p.confidence);
    fputs(", \"influence\": ", stdout);
    json_number(s.influence);
    printf(", \"attitude\": %d, \"buying_roles\": [", (int)s.attitude);
    any = 0;
    for (b = 1; b <= KAM_BUYER_COACH; b <<= 1)
      if (s.buying_roles & b) {
        printf("%s\"%s\"", any ? ", " : "", kam_buyer_role_name(b));
        any = 1;
      }
    fputs("], \"traits\": {", stdout);
    for (k = 0; k < 3; k++) {
      static const char *const tn[3] = {"dominance", "people", "detail"};
      printf("%s\"%s\": ", k ? ", " : "", tn[k]);
      json_number(s.traits[k]);
    }
    fputs("}}", stdout);
  }
  fputs("],\n \"emphasis\": ", stdout);
  json_mix(e);
  printf(",\n \"primary_style\": \"%s\",\n \"warnings\": [", kam_style_name(primary_of(e)));
  any = 0;
  for (b = 1; b <= KAM_DMU_INFLUENTIAL_OPPONENT; b <<= 1)
    if (warnings & b) {
      printf("%s\"%s\"", any ? ", " : "", kam_dmu_warning_name(b));
      any = 1;
    }
  fputs("]}\n", stdout);
}

#define MAX_FIELDS 64

int kam_cli_dmu(int argc, char **argv) {
  const char *cmd = argv[0], *path = NULL;
  int i, json = 0, status = 0, rc;
  csv c;
  field f[MAX_FIELDS];
  size_t nf, k, col_at[COL_COUNT], header_n;
  kam_ctx *ctx = NULL;
  kam_dmu *d = NULL;
  double e[3];
  uint32_t warnings;
  if (cli_wants_help(argc, argv)) {
    printf("usage: kam dmu [--json] STAKEHOLDERS.csv\n\n"
           "Types each person of a client's decision-making unit and prints their profile\n"
           "(role, style mix, influence, attitude, buying roles), the DMU's emphasis (the\n"
           "influence-weighted style mix a proposal should follow) and the warnings.\n\n"
           "The CSV has a header row naming its columns, in any order (',' ';' or TAB):\n"
           "  name, title          who; the role is read from the title unless given\n"
           "  role                 unknown|executive|finance|technical|hr|procurement|legal|\n"
           "                       operations|marketing (empty: read from the title)\n"
           "  influence            0..1, or a percentage (empty: unknown, counted as 0.5)\n"
           "  attitude             -5..+5 towards us (empty: 0)\n"
           "  buying_roles         economic, user, technical, coach (separated by ; or space)\n"
           "  dominance, people, detail   observed traits 0..1 (empty: not observed)\n"
           "  email, phone         optional; other columns are ignored\n"
           "Decimal commas are accepted. Bad input stops with FILE:LINE and exit status 2.\n\n"
           "example: kam dmu examples/data/stakeholders.csv\n");
    return 0;
  }
  for (i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--json"))
      json = 1;
    else if (argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2])
      return cli_fail(cmd, "unknown option '%s' (run 'kam dmu --help')", argv[i]);
    else if (path)
      return cli_fail(cmd, "one CSV file only (run 'kam dmu --help')");
    else
      path = argv[i];
  }
  if (!path) return cli_fail(cmd, "no CSV file given (run 'kam dmu --help')");
  memset(&c, 0, sizeof c);
  c.file = path;
  c.text = cli_read_file(path, &c.len);
  if (!c.text) return cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
  c.next_line = 1;
  if (c.len >= 3 && !memcmp(c.text, "\xEF\xBB\xBF", 3)) c.pos = 3;
  c.sep = detect_sep(c.text + c.pos, c.len - c.pos);

  /* header */
  for (k = 0; k < COL_COUNT; k++)
    col_at[k] = (size_t)-1;
  rc = csv_record(&c, cmd, f, MAX_FIELDS, &nf);
  if (rc <= 0) {
    free(c.text);
    return rc < 0 ? 2 : cli_fail(cmd, "%s: empty file (a header row is needed)", path);
  }
  if (nf > MAX_FIELDS) {
    free_fields(f, nf, MAX_FIELDS);
    free(c.text);
    return cli_fail(cmd, "%s:1: more than %d columns", path, MAX_FIELDS);
  }
  header_n = nf;
  for (k = 0; k < nf; k++) {
    size_t j;
    char *h = f[k].s;
    size_t hl;
    const char *t = trim(h);
    hl = strlen(t);
    for (j = 0; j < COL_COUNT; j++) {
      size_t m;
      int same = strlen(col_names[j]) == hl;
      for (m = 0; same && m < hl; m++) {
        char a = t[m];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (a == ' ' || a == '-') a = '_';
        if (a != col_names[j][m]) same = 0;
      }
      if (same) {
        if (col_at[j] != (size_t)-1) {
          status = cli_fail(cmd, "%s:1: column \"%s\" appears twice", path, col_names[j]);
        }
        col_at[j] = k;
      }
    }
  }
  free_fields(f, nf, MAX_FIELDS);
  if (!status && col_at[COL_NAME] == (size_t)-1 && col_at[COL_TITLE] == (size_t)-1)
    status = cli_fail(cmd, "%s:1: the header has neither a \"name\" nor a \"title\" column", path);
  if (status) {
    free(c.text);
    return status;
  }

  if (kam_ctx_new(&ctx, NULL, NULL) || kam_dmu_new(&d, ctx)) {
    free(c.text);
    kam_ctx_free(ctx);
    return cli_fail(cmd, "out of memory");
  }

  /* rows */
  while (!status && (rc = csv_record(&c, cmd, f, MAX_FIELDS, &nf)) > 0) {
    kam_stakeholder s;
    const char *v[COL_COUNT];
    int blank = 1;
    for (k = 0; k < nf && k < MAX_FIELDS; k++)
      if (*trim(f[k].s)) blank = 0;
    if (blank) {
      free_fields(f, nf, MAX_FIELDS);
      continue;
    }
    if (nf > header_n) {
      status =
          cli_fail(cmd, "%s:%zu: %zu fields, but the header has %zu", path, c.line, nf, header_n);
      free_fields(f, nf, MAX_FIELDS);
      break;
    }
    for (k = 0; k < COL_COUNT; k++)
      v[k] = col_at[k] != (size_t)-1 && col_at[k] < nf ? trim(f[col_at[k]].s) : "";
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    s.name = *v[COL_NAME] ? v[COL_NAME] : NULL;
    s.title = *v[COL_TITLE] ? v[COL_TITLE] : NULL;
    s.email = *v[COL_EMAIL] ? v[COL_EMAIL] : NULL;
    s.phone = *v[COL_PHONE] ? v[COL_PHONE] : NULL;
    if (*v[COL_ROLE] && kam_role_from_name(&s.role, v[COL_ROLE], strlen(v[COL_ROLE])) != KAM_OK)
      status = cli_fail(cmd,
                        "%s:%zu: column \"role\": '%s' is not a role (unknown, executive, finance, "
                        "technical, hr, procurement, legal, operations, marketing)",
                        path, c.line, v[COL_ROLE]);
    else if (parse_share(v[COL_INFLUENCE], &s.influence))
      status = cli_fail(cmd, "%s:%zu: column \"influence\": '%s' is not a number", path, c.line,
                        v[COL_INFLUENCE]);
    else if (parse_int(v[COL_ATTITUDE], &s.attitude))
      status = cli_fail(cmd, "%s:%zu: column \"attitude\": '%s' is not a whole number", path,
                        c.line, v[COL_ATTITUDE]);
    else if (kam_buyer_roles_parse(&s.buying_roles, v[COL_BUYING], strlen(v[COL_BUYING])))
      status = cli_fail(cmd,
                        "%s:%zu: column \"buying_roles\": '%s' is not a list of buying roles "
                        "(economic, user, technical, coach)",
                        path, c.line, v[COL_BUYING]);
    else {
      int t;
      for (t = 0; t < 3 && !status; t++)
        if (parse_share(v[COL_DOMINANCE + t], &s.traits[t]))
          status = cli_fail(cmd, "%s:%zu: column \"%s\": '%s' is not a number", path, c.line,
                            col_names[COL_DOMINANCE + t], v[COL_DOMINANCE + t]);
    }
    if (!status && (rc = kam_dmu_add(d, &s)) != KAM_OK) {
      fprintf(stderr, "kam %s: %s:%zu: %s\n", cmd, path, c.line, kam_ctx_errmsg(ctx));
      status = rc == KAM_ENOMEM ? 1 : 2;
    }
    free_fields(f, nf, MAX_FIELDS);
  }
  if (rc < 0) status = 2;
  free(c.text);
  if (status) {
    kam_dmu_free(d);
    kam_ctx_free(ctx);
    return status;
  }
  if (kam_dmu_count(d) == 0) {
    kam_dmu_free(d);
    kam_ctx_free(ctx);
    return cli_fail(cmd, "%s: no stakeholders after the header", path);
  }
  kam_dmu_emphasis(e, d);
  kam_dmu_warnings(&warnings, d);
  if (json) {
    print_json(d, e, warnings);
  } else {
    size_t n = kam_dmu_count(d);
    uint32_t b;
    printf("DMU of %zu %s (%s)\n", n, n == 1 ? "person" : "people", path);
    for (k = 0; k < n; k++) {
      kam_stakeholder s;
      kam_profile p;
      memset(&s, 0, sizeof s);
      memset(&p, 0, sizeof p);
      s.struct_size = sizeof s;
      p.struct_size = sizeof p;
      kam_dmu_stakeholder(&s, d, k);
      kam_dmu_profile(&p, d, k);
      print_person(k, &s, &p);
    }
    fputs("\nemphasis:  ", stdout);
    print_mix(e);
    printf(" (lead with %s arguments)\n", kam_style_name(primary_of(e)));
    if (!warnings) {
      puts("warnings:  none");
    } else {
      puts("warnings:");
      for (b = 1; b <= KAM_DMU_INFLUENTIAL_OPPONENT; b <<= 1)
        if (warnings & b) printf("  %s: %s\n", kam_dmu_warning_name(b), warning_advice(b));
    }
  }
  kam_dmu_free(d);
  kam_ctx_free(ctx);
  return 0;
}

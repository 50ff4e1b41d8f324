/* cli_dmu.c - `kam title` (role, confidence and style mix of job titles) and `kam dmu` (profiles,
 * emphasis and warnings of a decision-making unit read from CSV by kam_dmu_read_csv). */
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

/* A JSON string through the library's writer, so the CLI escapes exactly as every JSON text of
 * libkam does (kam_json_write); NULL, or a string the library refuses, prints null. */
static void json_string(const char *s, size_t len) {
  kam_ctx *ctx = NULL;
  kam_value *v = NULL;
  if (!s || kam_ctx_new(&ctx, NULL, NULL) != KAM_OK ||
      kam_value_new_string(&v, ctx, s, len) != KAM_OK ||
      kam_json_write(v, 0, cli_write_file, stdout) != KAM_OK)
    fputs("null", stdout);
  kam_value_free(v);
  kam_ctx_free(ctx);
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
  if (kam_profile_compute(&p, role, c, NULL)) return cli_fail(cmd, "internal error");
  if (tsv) {
    printf("%s\t%.3f\t%s\t%.*s\n", kam_role_name(role), c, kam_style_name(p.primary_style),
           (int)len, title);
    return 0;
  }
  if (json) {
    printf("%s{\"title\": ", first ? "" : ",\n ");
    json_string(title, len);
    printf(", \"role\": \"%s\", \"confidence\": ", kam_role_name(role));
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

/* ---- kam dmu ---- */

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
    json_string(s.name, s.name ? strlen(s.name) : 0);
    fputs(", \"title\": ", stdout);
    json_string(s.title, s.title ? strlen(s.title) : 0);
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
      printf("%s\"%s\": ", k ? ", " : "", kam_trait_name(k));
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

int kam_cli_dmu(int argc, char **argv) {
  const char *cmd = argv[0], *path = NULL;
  int i, json = 0, rc;
  size_t k;
  FILE *f;
  kam_ctx *ctx = NULL;
  kam_dmu *d = NULL;
  double e[3];
  uint32_t warnings;
  if (cli_wants_help(argc, argv)) {
    printf("usage: kam dmu [--json] STAKEHOLDERS.csv\n\n"
           "Types each person of a client's decision-making unit and prints their profile\n"
           "(role, style mix, influence, attitude, buying roles), the DMU's emphasis (the\n"
           "influence-weighted style mix a proposal should follow) and the warnings.\n\n"
           "The CSV has a header row naming its columns, in any order (',' ';' or TAB),\n"
           "in English or Russian (kam_dmu_read_csv in kam/dmu.h lists every name):\n"
           "  name, title          who (ФИО, должность); the role is read from the title\n"
           "  role                 unknown|executive|finance|technical|hr|procurement|legal|\n"
           "                       operations|marketing (empty: read from the title)\n"
           "  influence            0..1, or a percentage (empty: unknown, counted as 0.5)\n"
           "  attitude             -5..+5 towards us (empty: 0)\n"
           "  buying_roles         economic, user, technical, coach (separated by ; or space)\n"
           "  dominance, people, detail   observed traits 0..1 (empty: not observed)\n"
           "  email, phone         optional; other columns are ignored\n"
           "Decimal commas are accepted. Bad input stops with the line and column and exit\n"
           "status 2.\n\n"
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
  if (kam_ctx_new(&ctx, NULL, NULL) || kam_dmu_new(&d, ctx)) {
    kam_ctx_free(ctx);
    return cli_fail(cmd, "out of memory");
  }
  f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    rc = cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
    goto done;
  }
  rc = kam_dmu_read_csv(d, cli_read_stream, f, NULL);
  if (f != stdin) fclose(f);
  if (rc) {
    int status = cli_fail(cmd, "%s: %s", path, rc == 1 ? "read error" : kam_ctx_errmsg(ctx));
    rc = rc == KAM_ENOMEM ? 1 : status;
    goto done;
  }
  if (kam_dmu_count(d) == 0) {
    rc = cli_fail(cmd, "%s: no stakeholders after the header", path);
    goto done;
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
done:
  kam_dmu_free(d);
  kam_ctx_free(ctx);
  return rc;
}

/* test_report.c - the writers: CSV out (Excel form, quoting, the formula guard, delimiter and
 * decimal mark, read back by the CSV reader), JSON (checked by a strict validator and by
 * content), the SVG Pareto chart (well-formed, escaped, bars and bins), locale independence,
 * write-callback failure at every call for each writer, and an out-of-memory loop. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/decimal_internal.h"
#include "scoring/io_internal.h"
#include "scoring/portfolio_internal.h"
#include "testutil.h"

#define BOM "\xEF\xBB\xBF"

typedef struct fixture {
  kam_ctx *ctx;
  kam_portfolio *p;
  kam_segmentation *s;
} fixture;

static void add(fixture *f, const char *id, const char *name, const char *group, int64_t revenue) {
  kam_account a;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = id;
  a.name = name;
  a.group = group;
  a.revenue = revenue;
  a.potential = NAN;
  if (kam_portfolio_add(f->p, &a) != KAM_OK) fail_msg("add %s: %s", id, kam_ctx_errmsg(f->ctx));
}

static void open_fx(fixture *f) {
  memset(f, 0, sizeof *f);
  assert_int_equal(kam_ctx_new(&f->ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  assert_int_equal(kam_portfolio_new(&f->p, f->ctx), KAM_OK);
}

static void segment(fixture *f) { assert_int_equal(kam_segment(&f->s, f->p, NULL), KAM_OK); }

static void close_fx(fixture *f) {
  kam_segmentation_free(f->s);
  kam_portfolio_free(f->p);
  kam_ctx_free(f->ctx);
}

/* A portfolio of n accounts with Pareto-like revenues, some with history and forecast. */
static void add_many(fixture *f, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    char id[32], name[64];
    int64_t hist[4];
    double fc[3];
    kam_account a;
    snprintf(id, sizeof id, "C%05zu", i);
    snprintf(name, sizeof name, "Клиент \"%zu\", филиал", i);
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.id = id;
    a.name = i % 3 ? name : NULL;
    a.group = i % 7 == 0 ? "G<7>" : NULL;
    a.revenue = (int64_t)(1000000000 / (i + 1)) + (int64_t)(i % 5);
    a.potential = i % 4 ? 0.25 * (double)(i % 4) : NAN;
    a.flags = i % 11 == 0 ? KAM_ACCOUNT_STRATEGIC : 0;
    if (i % 2) {
      hist[0] = a.revenue / 4;
      hist[1] = a.revenue / 3;
      hist[2] = a.revenue / 4 + (int64_t)i;
      hist[3] = a.revenue / 5;
      a.history = hist;
      a.history_len = 4;
      fc[0] = -1000.0 * (double)i;
      fc[1] = 5000.5;
      fc[2] = 7000.25;
      a.forecast = fc;
      a.forecast_len = 3;
    }
    if (kam_portfolio_add(f->p, &a) != KAM_OK) fail_msg("add: %s", kam_ctx_errmsg(f->ctx));
  }
}

typedef int (*writer_fn)(const kam_segmentation *s, kam_test_sink *sink);
static int w_csv(const kam_segmentation *s, kam_test_sink *k) {
  return kam_segmentation_write_csv(s, kam_test_sink_write, k, NULL);
}
static int w_json(const kam_segmentation *s, kam_test_sink *k) {
  return kam_segmentation_write_json(s, kam_test_sink_write, k);
}
static int w_svg(const kam_segmentation *s, kam_test_sink *k) {
  return kam_segmentation_write_svg(s, kam_test_sink_write, k);
}
static const writer_fn writers[] = {w_csv, w_json, w_svg};
static const char *const writer_names[] = {"csv", "json", "svg"};

static char *write_csv(const kam_segmentation *s, const kam_csv_options *o) {
  kam_test_sink k;
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_csv(s, kam_test_sink_write, &k, o), KAM_OK);
  return k.data;
}

static int contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

#define assert_contains(hay, needle)                                                               \
  do {                                                                                             \
    if (!contains(hay, needle)) fail_msg("missing: [%s]\nin:\n%s", needle, hay);                   \
  } while (0)

/* ---- a strict JSON validator (RFC 8259) ---- */

typedef struct jv {
  const char *s;
  size_t i, n;
  int depth;
} jv;

static void jws(jv *j) {
  while (j->i < j->n &&
         (j->s[j->i] == ' ' || j->s[j->i] == '\n' || j->s[j->i] == '\r' || j->s[j->i] == '\t'))
    j->i++;
}
static int jvalue(jv *j);
static int jstring(jv *j) {
  if (j->i >= j->n || j->s[j->i] != '"') return 0;
  j->i++;
  while (j->i < j->n) {
    unsigned char c = (unsigned char)j->s[j->i];
    if (c == '"') {
      j->i++;
      return 1;
    }
    if (c < 0x20) return 0;
    if (c == '\\') {
      char e = j->i + 1 < j->n ? j->s[j->i + 1] : 0;
      if (e == 'u') {
        int k;
        for (k = 2; k < 6; k++)
          if (j->i + (size_t)k >= j->n || !strchr("0123456789abcdefABCDEF", j->s[j->i + (size_t)k]))
            return 0;
        j->i += 6;
        continue;
      }
      if (!e || !strchr("\"\\/bfnrt", e)) return 0;
      j->i += 2;
      continue;
    }
    if (c >= 0x80) {
      uint32_t cp;
      size_t step = kam__utf8_decode(j->s + j->i, j->n - j->i, &cp);
      if (!step) return 0;
      j->i += step;
      continue;
    }
    j->i++;
  }
  return 0;
}
static int jnumber(jv *j) {
  size_t st = j->i;
  while (j->i < j->n && strchr("+-0123456789.eE", j->s[j->i]))
    j->i++;
  return kam__parse_double(&(double){0}, j->s + st, j->i - st);
}
static int jvalue(jv *j) {
  jws(j);
  if (j->i >= j->n || ++j->depth > 64) return 0;
  switch (j->s[j->i]) {
  case '{':
    j->i++;
    jws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
      j->i++;
      break;
    }
    for (;;) {
      jws(j);
      if (!jstring(j)) return 0;
      jws(j);
      if (j->i >= j->n || j->s[j->i++] != ':') return 0;
      if (!jvalue(j)) return 0;
      jws(j);
      if (j->i < j->n && j->s[j->i] == ',') {
        j->i++;
        continue;
      }
      if (j->i < j->n && j->s[j->i] == '}') {
        j->i++;
        break;
      }
      return 0;
    }
    break;
  case '[':
    j->i++;
    jws(j);
    if (j->i < j->n && j->s[j->i] == ']') {
      j->i++;
      break;
    }
    for (;;) {
      if (!jvalue(j)) return 0;
      jws(j);
      if (j->i < j->n && j->s[j->i] == ',') {
        j->i++;
        continue;
      }
      if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        break;
      }
      return 0;
    }
    break;
  case '"':
    if (!jstring(j)) return 0;
    break;
  case 't':
    if (j->n - j->i < 4 || memcmp(j->s + j->i, "true", 4)) return 0;
    j->i += 4;
    break;
  case 'f':
    if (j->n - j->i < 5 || memcmp(j->s + j->i, "false", 5)) return 0;
    j->i += 5;
    break;
  case 'n':
    if (j->n - j->i < 4 || memcmp(j->s + j->i, "null", 4)) return 0;
    j->i += 4;
    break;
  default:
    if (!jnumber(j)) return 0;
  }
  j->depth--;
  return 1;
}
static int json_valid(const char *s, size_t n) {
  jv j = {s, 0, n, 0};
  if (!jvalue(&j)) return 0;
  jws(&j);
  return j.i == n;
}

static size_t count_of(const char *hay, const char *needle) {
  size_t n = 0;
  const char *p = hay;
  while ((p = strstr(p, needle)) != NULL) {
    n++;
    p += strlen(needle);
  }
  return n;
}

/* ---- a small XML well-formedness check: balanced tags, quoted attributes, entities ---- */

static int xml_ok(const char *s) {
  const char *stack[64];
  size_t lens[64], depth = 0, roots = 0;
  const char *p = s;
  if (strncmp(p, "<?xml ", 6) != 0) return 0;
  p = strstr(p, "?>");
  if (!p) return 0;
  p += 2;
  while (*p) {
    if (*p == '&') {
      const char *e = strchr(p, ';');
      if (!e || e - p > 8) return 0;
      if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
          strncmp(p, "&quot;", 6) && strncmp(p, "&#39;", 5))
        return 0;
      p = e + 1;
      continue;
    }
    if (*p == '>') return 0;
    if (*p != '<') {
      p++;
      continue;
    }
    if (p[1] == '/') {
      const char *e = strchr(p, '>');
      size_t len = (size_t)(e - p - 2);
      if (!e || depth == 0 || lens[depth - 1] != len || strncmp(stack[depth - 1], p + 2, len))
        return 0;
      depth--;
      p = e + 1;
      continue;
    }
    {
      const char *name = p + 1, *q = name;
      bool in_quote = false;
      while (*q && *q != ' ' && *q != '>' && *q != '/' && *q != '\n')
        q++;
      if (q == name) return 0;
      while (*q && (in_quote || (*q != '>'))) {
        if (*q == '"')
          in_quote = !in_quote;
        else if (in_quote && (*q == '<' || (*q == '&' && !strchr(q, ';'))))
          return 0;
        q++;
      }
      if (!*q) return 0;
      if (q[-1] != '/') {
        if (depth == 64) return 0;
        if (depth == 0) roots++;
        stack[depth] = name;
        lens[depth] = (size_t)strcspn(name, " >\n");
        depth++;
      } else if (depth == 0) {
        roots++;
      }
      p = q + 1;
    }
  }
  return depth == 0 && roots == 1;
}

/* ---- CSV out ---- */

static void test_csv_basic(void **state) {
  fixture f;
  char *out;
  kam_csv_options o;
  kam_account_score sc;
  (void)state;
  open_fx(&f);
  add(&f, "A1", "x, y", "G;1", 123456);
  add(&f, "B2", "say \"hi\"", NULL, 5);
  add(&f, "C3", "two\nlines", NULL, 0);
  add(&f, "D4", " padded ", NULL, 1000);
  segment(&f);
  out = write_csv(f.s, NULL);
  assert_non_null(out);
  assert_true(strncmp(out,
                      BOM "rank,id,name,group,revenue,share,cum_share,abc,xyz,cv,trend,npv,"
                          "score,key,key_reasons,margin,status,relationship,health,light,"
                          "health_reasons\r\n1,A1,\"x, y\",G;1,1234.56,",
                      strlen(BOM) + 130) == 0);
  assert_contains(out, "\r\n2,D4,\" padded \",,10.00,");
  assert_contains(out, "\r\n3,B2,\"say \"\"hi\"\"\",,0.05,");
  assert_contains(out, "\r\n4,C3,\"two\nlines\",,0.00,");
  /* Every row ends with CRLF, the last one too; 5 rows (header + 4) */
  assert_int_equal(count_of(out, "\r\n"), 5);
  assert_true(out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] == '\r');
  /* the share of A1 as the shortest round-trip text */
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, f.s, 0), KAM_OK);
  {
    char b[64], want[96];
    kam__fmt_double(b, sc.share);
    snprintf(want, sizeof want, ",1234.56,%s,", b);
    assert_contains(out, want);
  }
  free(out);
  /* ';' with decimal comma; the group now needs quotes */
  kam_csv_options_init(&o, sizeof o);
  o.delimiter = ';';
  out = write_csv(f.s, &o);
  assert_contains(out, BOM "rank;id;name;group;revenue;share;");
  assert_contains(out, "\r\n1;A1;x, y;\"G;1\";1234,56;0,");
  assert_false(contains(out + 3, "0."));
  free(out);
  /* TAB, currency digits 0 and 3 */
  kam_csv_options_init(&o, sizeof o);
  o.delimiter = '\t';
  o.currency_digits = 0;
  out = write_csv(f.s, &o);
  assert_contains(out, "\r\n1\tA1\tx, y\tG;1\t123456\t");
  free(out);
  o.currency_digits = 3;
  o.decimal_mark = ',';
  out = write_csv(f.s, &o);
  assert_contains(out, "\r\n1\tA1\tx, y\tG;1\t123,456\t");
  assert_contains(out, "\r\n3\tB2\t\"say \"\"hi\"\"\"\t\t0,005\t");
  free(out);
  /* A decimal comma with a ',' delimiter: numbers get quoted. */
  kam_csv_options_init(&o, sizeof o);
  o.decimal_mark = ',';
  out = write_csv(f.s, &o);
  assert_contains(out, "\r\n1,A1,\"x, y\",G;1,\"1234,56\",\"0,");
  free(out);
  /* Bad options and arguments */
  {
    kam_test_sink k;
    memset(&k, 0, sizeof k);
    o.currency_digits = 19;
    assert_int_equal(kam_segmentation_write_csv(f.s, kam_test_sink_write, &k, &o), KAM_EINVAL);
    assert_int_equal(kam_segmentation_write_csv(f.s, NULL, &k, NULL), KAM_EINVAL);
    assert_int_equal(kam_segmentation_write_csv(NULL, kam_test_sink_write, &k, NULL), KAM_EINVAL);
    assert_int_equal(k.calls, 0);
  }
  close_fx(&f);
}

static void test_csv_formula_guard(void **state) {
  static const char *const bad[] = {"=SUM(A1:A9)",
                                    "+7",
                                    "-3",
                                    "@cmd",
                                    "\tTab",
                                    "\rCR",
                                    ("\xEF\xBC\x9D"
                                     "1")};
  static const char *const guarded[] = {"\"'=SUM(A1:A9)\"",
                                        "\"'+7\"",
                                        "\"'-3\"",
                                        "\"'@cmd\"",
                                        "\"'\tTab\"",
                                        "\"'\rCR\"",
                                        ("\"'\xEF\xBC\x9D"
                                         "1\"")};
  fixture f;
  char *out, id[8];
  size_t i;
  kam_csv_options o;
  (void)state;
  open_fx(&f);
  for (i = 0; i < 7; i++) {
    snprintf(id, sizeof id, "N%zu", i);
    add(&f, id, bad[i], NULL, (int64_t)(100 - i));
  }
  add(&f, "=HYPERLINK(\"http://x\")", "ok", "@group", 1);
  add(&f, "x", "a=b", "-", 0);
  segment(&f);
  out = write_csv(f.s, NULL);
  for (i = 0; i < 7; i++) {
    char want[64];
    snprintf(want, sizeof want, ",N%zu,%s,", i, guarded[i]);
    assert_contains(out, want);
  }
  assert_contains(out, ",\"'=HYPERLINK(\"\"http://x\"\")\",ok,\"'@group\",0.01,");
  assert_contains(out, ",x,a=b,\"'-\",0.00,");
  free(out);
  /* Off on request: the text as it is, quoted only when CSV needs it. */
  kam_csv_options_init(&o, sizeof o);
  o.flags = KAM_CSV_NO_FORMULA_GUARD;
  out = write_csv(f.s, &o);
  assert_contains(out, ",N0,=SUM(A1:A9),");
  assert_contains(out, ",N2,-3,");
  assert_contains(out, ",N5,\"\rCR\",");
  assert_contains(out, ",\"=HYPERLINK(\"\"http://x\"\")\",ok,@group,");
  assert_false(contains(out, "'"));
  free(out);
  close_fx(&f);
}

/* What the CSV writer writes, the CSV reader reads back (with the guard off, unchanged). */
static void test_csv_round_trip(void **state) {
  fixture f, g;
  char *out;
  kam_test_source src;
  kam_csv_options o;
  size_t i, n;
  (void)state;
  open_fx(&f);
  add_many(&f, 300);
  add(&f, "=1+1", "multi\r\nline; \"quoted\"", "Холдинг", 42);
  segment(&f);
  kam_csv_options_init(&o, sizeof o);
  o.delimiter = ';';
  o.flags = KAM_CSV_NO_FORMULA_GUARD;
  out = write_csv(f.s, &o);
  open_fx(&g);
  memset(&src, 0, sizeof src);
  src.data = out;
  src.len = strlen(out);
  src.chunk = 3;
  assert_int_equal(kam_portfolio_read_csv(g.p, kam_test_source_read, &src, NULL), KAM_OK);
  n = kam_portfolio_count(f.p);
  assert_int_equal(kam_portfolio_count(g.p), n);
  /* Rows come in rank order: account at rank r of f is account r-1 of g. */
  for (i = 0; i < n; i++) {
    kam_account_score sc;
    char b1[KAM__ID_BUF], b2[KAM__ID_BUF];
    const char *n1, *n2, *g1, *g2;
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get(&sc, f.s, i), KAM_OK);
    assert_string_equal(kam__portfolio_id(f.p, i, b1, NULL),
                        kam__portfolio_id(g.p, sc.rank - 1, b2, NULL));
    assert_int_equal(f.p->revenue[i], g.p->revenue[sc.rank - 1]);
    n1 = kam__portfolio_name(f.p, i);
    n2 = kam__portfolio_name(g.p, sc.rank - 1);
    g1 = kam__portfolio_group(f.p, i);
    g2 = kam__portfolio_group(g.p, sc.rank - 1);
    assert_string_equal(n1 ? n1 : "-", n2 ? n2 : "-");
    assert_string_equal(g1 ? g1 : "-", g2 ? g2 : "-");
  }
  close_fx(&g);
  free(out);
  close_fx(&f);
}

static void test_csv_npv(void **state) {
  fixture f;
  kam_account a;
  kam_account_score sc;
  double fc[2] = {-150000.0, 990000.0};
  char *out, want[64], amount[32];
  (void)state;
  open_fx(&f);
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.id = "F";
  a.revenue = 100;
  a.forecast = fc;
  a.forecast_len = 2;
  a.potential = NAN;
  assert_int_equal(kam_portfolio_add(f.p, &a), KAM_OK);
  add(&f, "G", NULL, NULL, 50);
  segment(&f);
  sc.struct_size = sizeof sc;
  assert_int_equal(kam_segmentation_get(&sc, f.s, 0), KAM_OK);
  assert_true(isfinite(sc.npv));
  out = write_csv(f.s, NULL);
  kam__money_plain(amount, (int64_t)llround(sc.npv), 2);
  snprintf(want, sizeof want, ",%s,", amount);
  assert_contains(out, want);
  /* G has no forecast, no history: cv, trend, npv and xyz are empty cells */
  assert_contains(out, "\r\n2,G,,,0.50,");
  assert_contains(out, ",1,A,,,,,");
  free(out);
  close_fx(&f);
}

/* ---- JSON ---- */

static void test_json(void **state) {
  fixture f;
  kam_test_sink k;
  kam_summary sm;
  char want[128];
  (void)state;
  open_fx(&f);
  add(&f, "q\"b\\s/", "ctl\x01\x1f\t\n\r\b\f", "ls\xE2\x80\xA8ps\xE2\x80\xA9", 700);
  add(&f, "Ю", "Ромашка", NULL, 300);
  add(&f, "zero", NULL, NULL, 0);
  segment(&f);
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_json(f.s, kam_test_sink_write, &k), KAM_OK);
  if (!json_valid(k.data, k.len)) fail_msg("invalid JSON:\n%s", k.data);
  assert_contains(k.data, "{\"summary\":{\"accounts\":3,");
  assert_contains(k.data, "\"total_revenue\":1000,");
  assert_contains(k.data, "\"classes\":{\"A\":{\"accounts\":2,\"revenue\":1000,\"share\":1,"
                          "\"margin_pct\":null},");
  assert_contains(k.data, "\"basis\":\"revenue\",\"unit\":\"account\",\"customers\":3,");
  assert_contains(k.data, "\"total_margin\":0,\"margin_accounts\":0,\"unprofitable\":0,");
  assert_contains(k.data, "\"margin\":null,\"unprofitable\":false,\"customer_rank\":1,");
  assert_contains(k.data, "\"id\":\"q\\\"b\\\\s/\"");
  assert_contains(k.data, "\"name\":\"ctl\\u0001\\u001f\\t\\n\\r\\b\\f\"");
  assert_contains(k.data, "\"group\":\"ls\\u2028ps\\u2029\"");
  assert_contains(k.data, "\"id\":\"Ю\",\"name\":\"Ромашка\",\"group\":null,\"revenue\":300,");
  assert_contains(k.data, "{\"rank\":3,\"index\":2,\"id\":\"zero\",\"name\":null");
  assert_contains(k.data, "\"xyz\":null,\"cv\":null,\"trend\":null,\"npv\":null,");
  assert_int_equal(count_of(k.data, "{\"rank\":"), 3);
  assert_true(strstr(k.data, "\"rank\":1,") < strstr(k.data, "\"rank\":2,"));
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, f.s), KAM_OK);
  snprintf(want, sizeof want, "\"key_accounts\":%zu,", sm.key_accounts);
  assert_contains(k.data, want);
  assert_true(k.len > 2 && memcmp(k.data + k.len - 4, "\n]}\n", 4) == 0);
  kam_test_sink_free(&k);
  assert_int_equal(kam_segmentation_write_json(NULL, kam_test_sink_write, &k), KAM_EINVAL);
  assert_int_equal(kam_segmentation_write_json(f.s, NULL, &k), KAM_EINVAL);
  close_fx(&f);
  /* Many accounts, histories, forecasts, NaNs: still valid, one object per account */
  open_fx(&f);
  add_many(&f, 2500);
  segment(&f);
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_json(f.s, kam_test_sink_write, &k), KAM_OK);
  assert_true(json_valid(k.data, k.len));
  assert_int_equal(count_of(k.data, "{\"rank\":"), 2500);
  assert_true(k.calls > 10); /* streamed in blocks */
  kam_test_sink_free(&k);
  close_fx(&f);
}

/* The JSON read back by kam_json_parse: every account's fields equal kam_segmentation_get's,
 * doubles exactly (shortest round-trip text), money as exact integers, escapes undone. */
static const kam_value *member(const kam_value *obj, const char *key) {
  const kam_value *v = kam_value_get(obj, key, strlen(key));
  if (!v) fail_msg("no member \"%s\"", key);
  return v;
}

static void same_double(const kam_value *v, double want, const char *what, size_t rank) {
  if (isnan(want)) {
    if (kam_value_type(v) != KAM_VALUE_NULL) fail_msg("rank %zu %s: want null", rank, what);
  } else if (kam_value_number(v) != want) {
    fail_msg("rank %zu %s: %.17g != %.17g", rank, what, kam_value_number(v), want);
  }
}

static void same_string(const kam_value *v, const char *want, const char *what, size_t rank) {
  size_t len;
  const char *got = kam_value_string(v, &len);
  if (!want) {
    if (kam_value_type(v) != KAM_VALUE_NULL) fail_msg("rank %zu %s: want null", rank, what);
  } else if (!got || len != strlen(want) || memcmp(got, want, len)) {
    fail_msg("rank %zu %s: \"%s\" != \"%s\"", rank, what, got ? got : "(null)", want);
  }
}

static void test_json_parse_back(void **state) {
  fixture f;
  kam_test_sink k;
  kam_value *doc;
  const kam_value *accounts, *summary, *a;
  kam_summary sm;
  size_t i, n;
  char num[32];
  (void)state;
  open_fx(&f);
  add_many(&f, 1200);
  add(&f, "ctl\x01\"\\", "ls\xE2\x80\xA8", "Холдинг «Север»", 777);
  segment(&f);
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_json(f.s, kam_test_sink_write, &k), KAM_OK);
  if (kam_json_parse(&doc, f.ctx, k.data, k.len) != KAM_OK)
    fail_msg("kam_json_parse: %s", kam_ctx_errmsg(f.ctx));
  sm.struct_size = sizeof sm;
  assert_int_equal(kam_segmentation_summary(&sm, f.s), KAM_OK);
  summary = member(doc, "summary");
  snprintf(num, sizeof num, "%lld", (long long)sm.total_revenue);
  assert_string_equal(kam_value_number_text(member(summary, "total_revenue"), NULL), num);
  assert_true(kam_value_number(member(summary, "accounts")) == (double)sm.accounts);
  assert_true(kam_value_number(member(summary, "gini")) == sm.gini);
  assert_true(kam_value_number(member(summary, "hhi")) == sm.hhi);
  assert_true(kam_value_number(member(member(member(summary, "classes"), "B"), "accounts")) ==
              (double)sm.count[1]);
  accounts = member(doc, "accounts");
  n = kam_value_length(accounts);
  assert_int_equal(n, kam_portfolio_count(f.p));
  for (i = 0; i < n; i++) {
    kam_account_score sc;
    size_t index;
    const kam_value *reasons;
    a = kam_value_at(accounts, i);
    index = (size_t)kam_value_number(member(a, "index"));
    sc.struct_size = sizeof sc;
    assert_int_equal(kam_segmentation_get(&sc, f.s, index), KAM_OK);
    assert_int_equal(sc.rank, i + 1);
    assert_true(kam_value_number(member(a, "rank")) == (double)(i + 1));
    same_string(member(a, "id"), sc.id, "id", i + 1);
    same_string(member(a, "name"), sc.name, "name", i + 1);
    same_string(member(a, "group"), sc.group, "group", i + 1);
    snprintf(num, sizeof num, "%lld", (long long)sc.revenue);
    assert_string_equal(kam_value_number_text(member(a, "revenue"), NULL), num);
    same_double(member(a, "share"), sc.share, "share", i + 1);
    same_double(member(a, "cum_share"), sc.cum_share, "cum_share", i + 1);
    same_double(member(a, "cv"), sc.cv, "cv", i + 1);
    same_double(member(a, "trend"), sc.trend, "trend", i + 1);
    same_double(member(a, "npv"), sc.npv, "npv", i + 1);
    same_double(member(a, "score"), sc.score, "score", i + 1);
    {
      char cls[2] = {sc.abc, 0}, x[2] = {sc.xyz, 0};
      same_string(member(a, "abc"), cls, "abc", i + 1);
      same_string(member(a, "xyz"), sc.xyz == '-' ? NULL : x, "xyz", i + 1);
    }
    assert_int_equal(kam_value_bool(member(a, "key")), sc.key_reasons != 0);
    assert_int_equal(kam_value_bool(member(a, "strategic")),
                     (f.p->flags[index] & KAM_ACCOUNT_STRATEGIC) != 0);
    reasons = member(a, "key_reasons");
    {
      unsigned bits = 0, b;
      size_t r;
      static const char *const names[] = {"share", "group_share", "strategic", "top_score"};
      for (r = 0; r < kam_value_length(reasons); r++) {
        const char *t = kam_value_string(kam_value_at(reasons, r), NULL);
        for (b = 0; b < 4; b++)
          if (t && !strcmp(t, names[b])) bits |= 1u << b;
      }
      assert_int_equal(bits, sc.key_reasons);
    }
  }
  kam_value_free(doc);
  kam_test_sink_free(&k);
  close_fx(&f);
}

static void test_key_reason_names(void **state) {
  /* the words the JSON and CSV reports write, bit 0 first */
  static const char *const names[] = {"share", "group_share", "strategic", "top_score"};
  unsigned b;
  (void)state;
  for (b = 0; b < 4; b++)
    assert_string_equal(kam_key_reason_name(1u << b), names[b]);
  assert_int_equal(KAM_KEY_SHARE | KAM_KEY_GROUP_SHARE | KAM_KEY_STRATEGIC | KAM_KEY_TOP_SCORE, 15);
  assert_null(kam_key_reason_name(0));
  assert_null(kam_key_reason_name(KAM_KEY_SHARE | KAM_KEY_STRATEGIC));
  assert_null(kam_key_reason_name(1u << 4));
}

/* ---- SVG ---- */

static char *write_svg(const kam_segmentation *s) {
  kam_test_sink k;
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_svg(s, kam_test_sink_write, &k), KAM_OK);
  if (!xml_ok(k.data)) fail_msg("not well-formed:\n%s", k.data);
  assert_false(contains(k.data, "nan") || contains(k.data, "inf") || contains(k.data, "NaN"));
  return k.data;
}

static void test_svg(void **state) {
  fixture f;
  char *out;
  size_t i;
  (void)state;
  open_fx(&f);
  add(&f, "Acme & <Sons> \"q\" 'a'", NULL, NULL, 5000);
  add(&f, "Очень-длинный-идентификатор-клиента", NULL, NULL, 3000);
  add(&f, "a\"b'c", NULL, NULL, 2000);
  for (i = 0; i < 7; i++) {
    char id[8];
    snprintf(id, sizeof id, "K%zu", i);
    add(&f, id, NULL, NULL, (int64_t)(800 - 100 * i));
  }
  segment(&f);
  out = write_svg(f.s);
  assert_contains(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
  assert_contains(out, ">Acme &amp; &lt;Sons&gt; …</text>");
  assert_contains(out, ">Очень-длинный-…</text>");
  assert_contains(out, ">a&quot;b&#39;c</text>");
  assert_contains(out, ">K6</text>");
  assert_contains(out, "10 accounts; the top 20 % bring");
  assert_contains(out, "<polyline ");
  assert_int_equal(count_of(out, "<rect x="), 10);                  /* one bar per account */
  assert_int_equal(count_of(out, "stroke-dasharray=\"6 4\"/>"), 2); /* the A and B cuts */
  assert_contains(out, ">80 %</text>");
  assert_contains(out, ">95 %</text>");
  assert_contains(out, "Share of revenue per account");
  free(out);
  close_fx(&f);
  /* 1000 accounts: 200 bars of 5, no id labels */
  open_fx(&f);
  add_many(&f, 1000);
  segment(&f);
  out = write_svg(f.s);
  assert_int_equal(count_of(out, "<rect x="), 200);
  assert_contains(out, "1,000 accounts;");
  assert_contains(out, "each bar: 5 accounts");
  assert_contains(out, "Share of revenue per 0.5 % of accounts");
  assert_false(contains(out, ">C00000</text>"));
  free(out);
  close_fx(&f);
  /* 150 accounts: one bar each, unlabelled */
  open_fx(&f);
  add_many(&f, 150);
  segment(&f);
  out = write_svg(f.s);
  assert_int_equal(count_of(out, "<rect x="), 150);
  free(out);
  close_fx(&f);
  /* No accounts; a zero total */
  open_fx(&f);
  segment(&f);
  out = write_svg(f.s);
  assert_contains(out, ">no accounts</text>");
  free(out);
  close_fx(&f);
  open_fx(&f);
  add(&f, "z1", NULL, NULL, 0);
  add(&f, "z2", NULL, NULL, 0);
  segment(&f);
  out = write_svg(f.s);
  assert_contains(out, "2 accounts, total revenue 0");
  free(out);
  close_fx(&f);
}

/* The left axis labels (0 % up to the top tick), joined with '|'. */
static void assert_axis(const char *svg, const char *want) {
  const char *g = strstr(svg, "<g font-size=\"11\" fill=\"#333\" text-anchor=\"end\">");
  const char *end;
  char got[256];
  size_t n = 0;
  if (!g) fail_msg("no axis group");
  end = strstr(g, "</g>");
  for (g = strstr(g + 1, "<text"); g && g < end; g = strstr(g, "<text")) {
    g = strstr(g, "\">");
    const char *close = strstr(g, "</text>");
    size_t len = (size_t)(close - g - 2);
    if (n) got[n++] = '|';
    if (n + len >= sizeof got) fail_msg("axis labels too long");
    memcpy(got + n, g + 2, len);
    n += len;
    g = close;
  }
  got[n] = '\0';
  assert_string_equal(got, want);
}

/* The axis ticks are whole multiples of a nice step, the last one at the top of the scale,
 * also when the step has no exact binary form (0.1, 0.2). */
static void test_svg_axis(void **state) {
  static const struct {
    size_t n;
    const char *axis;
  } cases[] = {{7, "0 %|5 %|10 %|15 %"},
               {137, "0.0 %|0.2 %|0.4 %|0.6 %|0.8 %"},
               {1000, "0.0 %|0.1 %|0.2 %|0.3 %|0.4 %|0.5 %"},
               {3000, "0.0 %|0.1 %|0.2 %|0.3 %|0.4 %|0.5 %"}};
  size_t c, i;
  (void)state;
  for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    fixture f;
    char *out;
    open_fx(&f);
    for (i = 0; i < cases[c].n; i++) {
      char id[32];
      snprintf(id, sizeof id, "E%zu", i);
      add(&f, id, NULL, NULL, 100); /* equal revenues: every bar the same height */
    }
    segment(&f);
    out = write_svg(f.s);
    assert_axis(out, cases[c].axis);
    free(out);
    close_fx(&f);
  }
}

static void test_empty_outputs(void **state) {
  fixture f;
  kam_test_sink k;
  char *out;
  (void)state;
  open_fx(&f);
  segment(&f);
  out = write_csv(f.s, NULL);
  assert_string_equal(out, BOM "rank,id,name,group,revenue,share,cum_share,abc,xyz,cv,trend,npv,"
                               "score,key,key_reasons,margin,status,relationship,health,light,"
                               "health_reasons\r\n");
  free(out);
  memset(&k, 0, sizeof k);
  assert_int_equal(kam_segmentation_write_json(f.s, kam_test_sink_write, &k), KAM_OK);
  assert_true(json_valid(k.data, k.len));
  assert_contains(k.data, "\"accounts\":[\n]}");
  kam_test_sink_free(&k);
  close_fx(&f);
}

/* The same bytes whatever LC_NUMERIC the host set (ru_RU uses a decimal comma). */
static void test_locale(void **state) {
  fixture f;
  kam_test_sink a[3], b[3];
  size_t w;
  (void)state;
  open_fx(&f);
  add_many(&f, 500);
  segment(&f);
  for (w = 0; w < 3; w++) {
    memset(&a[w], 0, sizeof a[w]);
    assert_int_equal(writers[w](f.s, &a[w]), KAM_OK);
  }
  if (setlocale(LC_NUMERIC, "ru_RU.UTF-8") || setlocale(LC_NUMERIC, "ru_RU.utf8") ||
      setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
    for (w = 0; w < 3; w++) {
      memset(&b[w], 0, sizeof b[w]);
      assert_int_equal(writers[w](f.s, &b[w]), KAM_OK);
      if (a[w].len != b[w].len || memcmp(a[w].data, b[w].data, a[w].len) != 0)
        fail_msg("%s output depends on the locale", writer_names[w]);
      kam_test_sink_free(&b[w]);
    }
    setlocale(LC_NUMERIC, "C");
  } else {
    print_message("no ru_RU/de_DE locale: the locale check is skipped\n");
  }
  for (w = 0; w < 3; w++)
    kam_test_sink_free(&a[w]);
  close_fx(&f);
}

/* A write callback failing at call k: its status comes back unchanged. */
static void test_write_failure(void **state) {
  fixture f;
  size_t w, k;
  (void)state;
  open_fx(&f);
  add_many(&f, 1500);
  segment(&f);
  for (w = 0; w < 3; w++) {
    kam_test_sink sink, full;
    memset(&full, 0, sizeof full);
    assert_int_equal(writers[w](f.s, &full), KAM_OK);
    if (w < 2) assert_true(full.calls >= 4);
    for (k = 1; k <= full.calls; k++) {
      memset(&sink, 0, sizeof sink);
      sink.fail_at_call = k;
      sink.fail_status = k % 2 ? 31337 : -5000;
      if (writers[w](f.s, &sink) != sink.fail_status)
        fail_msg("%s: failure at call %zu not passed back", writer_names[w], k);
      assert_int_equal(sink.calls, k);
      /* what came before the failure is a prefix of the full output */
      assert_true(sink.len <= full.len &&
                  (sink.len == 0 || !memcmp(sink.data, full.data, sink.len)));
      kam_test_sink_free(&sink);
    }
    kam_test_sink_free(&full);
  }
  close_fx(&f);
}

/* Out of memory at every allocation of each writer (a fresh segmentation each time, so the
 * lazily built rank order is allocated inside the writer too): KAM_ENOMEM, no leak, and the
 * output once it succeeds is the same. */
static void test_oom(void **state) {
  size_t w;
  (void)state;
  for (w = 0; w < 3; w++) {
    kam_test_sink ref;
    size_t fail_at;
    memset(&ref, 0, sizeof ref);
    for (fail_at = 1;; fail_at++) {
      kam_test_alloc al;
      fixture f;
      kam_test_sink sink;
      int rc;
      memset(&al, 0, sizeof al);
      memset(&f, 0, sizeof f);
      assert_int_equal(kam_ctx_new(&f.ctx, kam_test_alloc_fn, &al), KAM_OK);
      assert_int_equal(kam_portfolio_new(&f.p, f.ctx), KAM_OK);
      add_many(&f, 300);
      assert_int_equal(kam_segment(&f.s, f.p, NULL), KAM_OK);
      if (fail_at == 1) { /* reference output without failures */
        assert_int_equal(writers[w](f.s, &ref), KAM_OK);
        kam_segmentation_free(f.s);
        assert_int_equal(kam_segment(&f.s, f.p, NULL), KAM_OK);
      }
      memset(&sink, 0, sizeof sink);
      al.fail_at = al.calls + fail_at;
      rc = writers[w](f.s, &sink);
      al.fail_at = 0;
      if (rc == KAM_OK) {
        assert_int_equal(sink.len, ref.len);
        assert_memory_equal(sink.data, ref.data, ref.len);
        kam_test_sink_free(&sink);
        close_fx(&f);
        assert_int_equal(al.blocks, 0);
        break;
      }
      if (rc != KAM_ENOMEM) fail_msg("%s: fail_at %zu gave %d", writer_names[w], fail_at, rc);
      /* the segmentation still works */
      kam_test_sink_free(&sink);
      memset(&sink, 0, sizeof sink);
      assert_int_equal(writers[w](f.s, &sink), KAM_OK);
      assert_int_equal(sink.len, ref.len);
      kam_test_sink_free(&sink);
      close_fx(&f);
      assert_int_equal(al.blocks, 0);
      assert_int_equal(al.bytes, 0);
    }
    kam_test_sink_free(&ref);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_key_reason_names),
      cmocka_unit_test(test_csv_basic),
      cmocka_unit_test(test_csv_formula_guard),
      cmocka_unit_test(test_csv_round_trip),
      cmocka_unit_test(test_csv_npv),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_json_parse_back),
      cmocka_unit_test(test_svg),
      cmocka_unit_test(test_svg_axis),
      cmocka_unit_test(test_empty_outputs),
      cmocka_unit_test(test_locale),
      cmocka_unit_test(test_write_failure),
      cmocka_unit_test(test_oom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

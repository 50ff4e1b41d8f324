/*
 * csv.c - the CSV engine (kam__csv_read, csv_internal.h), CSV in for portfolios
 * (kam_portfolio_read_csv) and CSV out (kam_segmentation_write_csv).
 *
 * Reading is a push tokenizer over whatever chunks the read callback hands out (1 byte works):
 *   bytes -> [BOM check] -> [header-line buffering: `sep=` line, delimiter detection]
 *         -> tokenizer (RFC 4180 states, physical line counting) -> record -> header map / row
 * The header map and the rows belong to the reader that calls the engine (accounts here,
 * stakeholders in dmu_csv.c). Rows are added as they come; on any error the portfolio is rolled
 * back to its count before the call (kam__portfolio_truncate), so a failed read adds nothing
 * without holding the whole file in memory.
 *
 * Two tokenizer paths give the same records: at a record start, a line without a quote that
 * ends inside the chunk is split in place (fast_record: an SSE2 bit mask per 16 bytes for the
 * delimiter, CR, LF and quote, one UTF-8 check per line, the delimiters overwritten by the
 * fields' NULs); everything else (quotes, records across chunks, long lines, errors) goes byte
 * by byte through the state machine into the record buffer. Row cells are read by one table
 * (cell_rules) and amounts through decimal.c's inline plain-number path first. The csv_diff
 * fuzz target holds the two paths to the same results and messages.
 *
 * On several threads (kam_ctx_set_threads), the portfolio reader reads ahead and lets workers
 * read the plain rows of quote-free runs of lines; the calling thread adds them in file order
 * and tokenizes every other line itself (see "Parallel reading" below), so the results and
 * messages are the one-thread ones (csv_diff also compares 2 threads).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "scoring/csv_internal.h"
#include "core/decimal_internal.h"
#include "core/internal.h"
#include "scoring/io_internal.h"
#include "scoring/portfolio_internal.h"
#include "kam/retention.h"
#include "core/struct_copy_internal.h"

/* Limits (documented in kam/io.h). */
#define CSV_CHUNK 65536u
#define CSV_MAX_FIELD 65536u    /* bytes of one field */
#define CSV_MAX_RECORD 1048576u /* bytes of one record (all its fields) */
#define CSV_MAX_COLUMNS 4096u   /* fields per record */
#define CSV_MAX_PERIODS 1024u   /* history or forecast columns */

void kam_csv_options_init(kam_csv_options *o, size_t struct_size) {
  kam_csv_options d;
  if (!o || struct_size < sizeof o->struct_size) return;
  memset(&d, 0, sizeof d);
  d.currency_digits = 2;
  /* A newer caller's bigger struct: its unknown tail is zeroed; an older caller's smaller one
   * gets only the fields it has. */
  if (struct_size > sizeof d) memset((char *)o + sizeof d, 0, struct_size - sizeof d);
  kam__struct_init(o, struct_size, &d, sizeof d);
}

/* Reads the options a caller passed (only the fields inside struct_size), defaults otherwise. */
static int csv_options_get(kam_csv_options *out, const kam_csv_options *o, kam_ctx *ctx,
                           const char *fn) {
  int rc;
  kam_csv_options_init(out, sizeof *out);
  if (!o) return KAM_OK;
  if ((rc = KAM__STRUCT_COPY_IN(ctx, *out, o, kam_csv_options, flags, fn)) != 0) return rc;
  out->struct_size = (uint32_t)sizeof *out;
  if (out->delimiter == '"' || out->delimiter == '\r' || out->delimiter == '\n' ||
      (unsigned char)out->delimiter >= 0x80)
    return kam__error(ctx, KAM_EINVAL,
                      "%s: the delimiter cannot be a quote, a line end or a "
                      "non-ASCII byte",
                      fn);
  if (out->decimal_mark != 0 && out->decimal_mark != '.' && out->decimal_mark != ',')
    return kam__error(ctx, KAM_EINVAL, "%s: decimal_mark must be 0 (detect), '.' or ','", fn);
  if (out->currency_digits > 18)
    return kam__error(ctx, KAM_EINVAL, "%s: currency_digits %u is above 18", fn,
                      (unsigned)out->currency_digits);
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Text helpers                                                                                */

/* Length of a space-like character at s: ASCII space or tab, NBSP, narrow NBSP; else 0. */
static size_t space_len(const char *s, size_t len) { return kam__space_len(s, len, '\t'); }

/* Length of a space-like character ending at s[len-1], else 0. */
static size_t space_len_back(const char *s, size_t len) {
  if (len >= 1 && (s[len - 1] == ' ' || s[len - 1] == '\t')) return 1;
  if (len >= 2 && (unsigned char)s[len - 2] == 0xC2 && (unsigned char)s[len - 1] == 0xA0) return 2;
  if (len >= 3 && (unsigned char)s[len - 3] == 0xE2 && (unsigned char)s[len - 2] == 0x80 &&
      (unsigned char)s[len - 1] == 0xAF)
    return 3;
  return 0;
}

void kam__csv_trim(const char **s, size_t *len) {
  size_t n;
  while ((n = space_len(*s, *len)) != 0) {
    *s += n;
    *len -= n;
  }
  while ((n = space_len_back(*s, *len)) != 0)
    *len -= n;
}

/* Folds text for matching header names and yes/no words, without the C locale: ASCII and
 * Cyrillic А-Я/Ё to lower case, ё to е, '_' '-' '.' and space-likes to one space, trimmed, and
 * cut before the first ',' or '(' so "Выручка, руб." and "Revenue (RUB)" match their names.
 * Writes at most cap-1 bytes and a NUL; returns the length (text that does not fit is cut). */
size_t kam__csv_fold(char *out, size_t cap, const char *s, size_t len) {
  size_t i = 0, o = 0;
  bool pending_space = false;
  kam__csv_trim(&s, &len);
  while (i < len && o + 5 < cap) {
    unsigned char c = (unsigned char)s[i];
    size_t n = space_len(s + i, len - i);
    uint32_t cp;
    if (c == ',' || c == '(') break;
    if (n || c == '_' || c == '-' || c == '.') {
      pending_space = o > 0;
      i += n ? n : 1;
      continue;
    }
    if (pending_space) out[o++] = ' ';
    pending_space = false;
    if (c < 0x80) {
      out[o++] = (char)kam__ascii_lower(c);
      i++;
      continue;
    }
    n = kam__utf8_decode(s + i, len - i, &cp);
    if (n == 0) { /* invalid byte: keep it, it will match nothing */
      out[o++] = (char)c;
      i++;
      continue;
    }
    if (cp >= 0x0410 && cp <= 0x042F)
      cp += 0x20; /* А-Я -> а-я */
    else if (cp == 0x0401 || cp == 0x0451)
      cp = 0x0435; /* Ё, ё -> е */
    o += kam__utf8_encode(cp, out + o);
    i += n;
  }
  out[o] = '\0';
  return o;
}

/* Copies a value for an error message: at most 40 bytes (cut on a UTF-8 boundary, "..." added),
 * control characters shown as spaces. out needs 48 bytes. */
const char *kam__csv_shown(char *out, const char *s, size_t len) {
  size_t o = 0, i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = (unsigned char)s[i] < 0x80 ? 1 : kam__utf8_decode(s + i, len - i, &cp);
    if (n == 0) n = 1;
    if (o + n > 40) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (n == 1) {
      unsigned char c = (unsigned char)s[i];
      out[o++] = (c < 0x20 || c == 0x7F || c >= 0x80) ? ' ' : (char)c;
    } else {
      memcpy(out + o, s + i, n);
      o += n;
    }
    i += n;
  }
  out[o] = '\0';
  return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Column roles and their names                                                                */

enum role {
  R_NONE,
  R_ID,
  R_NAME,
  R_GROUP,
  R_REVENUE,
  R_POTENTIAL,
  R_STRATEGIC,
  R_NEW,
  R_HISTORY,
  R_FORECAST,
  R_MARGIN, /* gross margin of the period */
  R_COST,   /* cost of sales: margin = revenue - cost */
  R_RELATIONSHIP,
  R_COUNT
};

static const char *const role_name[R_COUNT] = {
    "",        "id",       "name",   "group", "revenue",     "potential", "strategic",
    "new",     "history",  "forecast", "margin", "cost",     "relationship"};

/* Header aliases, after kam__csv_fold(). A lower rank wins when several columns match one role (a
 * file with both "код" and "инн" takes "код" as the id and ignores "инн"). */
static const struct alias {
  const char *text;
  unsigned char role, rank;
} aliases[] = {
    {"id", R_ID, 0},
    {"account id", R_ID, 1},
    {"client id", R_ID, 1},
    {"customer id", R_ID, 1},
    {"код клиента", R_ID, 1},
    {"id клиента", R_ID, 1},
    {"код", R_ID, 2},
    {"ид", R_ID, 2},
    {"идентификатор", R_ID, 2},
    {"account", R_ID, 3},
    {"code", R_ID, 3},
    {"инн", R_ID, 4},
    {"inn", R_ID, 4},
    {"tax id", R_ID, 4},
    {"name", R_NAME, 0},
    {"наименование", R_NAME, 0},
    {"account name", R_NAME, 1},
    {"client name", R_NAME, 1},
    {"customer name", R_NAME, 1},
    {"company", R_NAME, 1},
    {"название", R_NAME, 1},
    {"наименование клиента", R_NAME, 1},
    {"название клиента", R_NAME, 1},
    {"компания", R_NAME, 1},
    {"контрагент", R_NAME, 1},
    {"клиент", R_NAME, 2},
    {"client", R_NAME, 2},
    {"customer", R_NAME, 2},
    {"group", R_GROUP, 0},
    {"группа", R_GROUP, 0},
    {"холдинг", R_GROUP, 0},
    {"holding", R_GROUP, 1},
    {"группа компаний", R_GROUP, 1},
    {"parent", R_GROUP, 2},
    {"revenue", R_REVENUE, 0},
    {"выручка", R_REVENUE, 0},
    {"sales", R_REVENUE, 1},
    {"оборот", R_REVENUE, 1},
    {"продажи", R_REVENUE, 1},
    {"turnover", R_REVENUE, 1},
    {"amount", R_REVENUE, 2},
    {"сумма", R_REVENUE, 2},
    {"potential", R_POTENTIAL, 0},
    {"потенциал", R_POTENTIAL, 0},
    {"growth potential", R_POTENTIAL, 1},
    {"потенциал роста", R_POTENTIAL, 1},
    {"strategic", R_STRATEGIC, 0},
    {"стратегический", R_STRATEGIC, 0},
    {"strategic account", R_STRATEGIC, 1},
    {"стратегический клиент", R_STRATEGIC, 1},
    {"стратегия", R_STRATEGIC, 2},
    {"new", R_NEW, 0},
    {"новый", R_NEW, 0},
    {"new account", R_NEW, 1},
    {"new client", R_NEW, 1},
    {"новый клиент", R_NEW, 1},
    {"margin", R_MARGIN, 0},
    {"маржа", R_MARGIN, 0},
    {"gross margin", R_MARGIN, 1},
    {"gross profit", R_MARGIN, 1},
    {"валовая прибыль", R_MARGIN, 1},
    {"валовая маржа", R_MARGIN, 1},
    {"cost", R_COST, 0},
    {"себестоимость", R_COST, 0},
    {"cost of sales", R_COST, 1},
    {"cost of goods sold", R_COST, 1},
    {"cogs", R_COST, 1},
    {"себестоимость продаж", R_COST, 1},
    {"relationship", R_RELATIONSHIP, 0},
    {"отношения", R_RELATIONSHIP, 0},
};

/* Prefixes of numbered period columns ("h1", "m 12", "history_3", "прогноз 2"). */
static const struct {
  const char *text;
  unsigned char role;
} period_prefixes[] = {
    {"h", R_HISTORY},        {"m", R_HISTORY},  {"hist", R_HISTORY}, {"history", R_HISTORY},
    {"month", R_HISTORY},    {"м", R_HISTORY},  {"мес", R_HISTORY},  {"месяц", R_HISTORY},
    {"история", R_HISTORY},  {"f", R_FORECAST}, {"fc", R_FORECAST},  {"forecast", R_FORECAST},
    {"прогноз", R_FORECAST},
};

/* Classifies a folded header name: role, alias rank, and the period number (1-based). */
static int classify(const char *name, size_t len, unsigned *rank, size_t *period) {
  size_t i, k;
  for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
    if (strcmp(name, aliases[i].text) == 0) {
      *rank = aliases[i].rank;
      return aliases[i].role;
    }
  }
  /* Numbered: prefix, optional space, 1-4 digits without a leading zero. */
  k = len;
  while (k > 0 && kam__is_digit(name[k - 1]))
    k--;
  if (k == len || len - k > 4 || name[k] == '0') return R_NONE;
  {
    size_t plen = (k > 0 && name[k - 1] == ' ') ? k - 1 : k, num = 0;
    for (i = k; i < len; i++)
      num = num * 10 + (size_t)(name[i] - '0');
    for (i = 0; i < sizeof period_prefixes / sizeof period_prefixes[0]; i++) {
      if (strlen(period_prefixes[i].text) == plen &&
          memcmp(period_prefixes[i].text, name, plen) == 0) {
        *rank = 0;
        *period = num;
        return period_prefixes[i].role;
      }
    }
  }
  return R_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* The reader                                                                                  */

typedef kam__csv_field csv_field;
typedef kam__csv_reader csv_reader;
#define NO_COL KAM__CSV_NO_COL

enum { ST_START, ST_UNQUOTED, ST_QUOTED, ST_QUOTE, ST_AFTER_QUOTE };
enum { STAGE_BOM, STAGE_HEADLINE, STAGE_BODY };

/* What kam_portfolio_read_csv keeps beside the engine (the engine's sink). */
typedef struct portfolio_csv {
  kam_portfolio *p;
  char mark;                 /* decimal mark: 0 until the first number with a mark decides */
  size_t mark_line;          /* where it was decided (for messages) */
  size_t col[R_COUNT];       /* column index per single-valued role, SIZE_MAX if absent */
  size_t *hist_col, *fc_col; /* column per period */
  size_t nhist, nfc;
  int64_t *hist; /* row scratch */
  double *fc;
} portfolio_csv;

/* "line 17, column \"revenue\"" into out (cap >= 160). */
const char *kam__csv_place(const csv_reader *r, size_t line, size_t col, char *out, size_t cap) {
  char name[48];
  if (r->have_header && col < r->ncols && r->hdr_fields[col].len > 0) {
    const csv_field *h = &r->hdr_fields[col];
    snprintf(out, cap, "line %zu, column \"%s\"", line,
             kam__csv_shown(name, r->hdr + h->off, h->len));
  } else {
    snprintf(out, cap, "line %zu, column %zu", line, col + 1);
  }
  return out;
}

int kam__csv_cell_error(const csv_reader *r, int status, size_t line, size_t col, const char *value,
                        size_t len, const char *why) {
  char where[160], v[48];
  return kam__error(r->ctx, status, "%s: '%s' %s",
                    kam__csv_place(r, line, col, where, sizeof where),
                    kam__csv_shown(v, value, len), why);
}

static int append(csv_reader *r, const char *s, size_t n) {
  if (r->rec.len - r->field_off + n > CSV_MAX_FIELD) {
    char where[160];
    return kam__error(r->ctx, KAM_ELIMIT, "%s: field longer than %u bytes",
                      kam__csv_place(r, r->field_line, r->nfields, where, sizeof where),
                      CSV_MAX_FIELD);
  }
  if (r->rec.len + n > CSV_MAX_RECORD)
    return kam__error(r->ctx, KAM_ELIMIT, "line %zu: record longer than %u bytes", r->field_line,
                      CSV_MAX_RECORD);
  if (kam__buf_put(&r->rec, s, n)) return kam__nomem(r->ctx);
  return KAM_OK;
}

/* The text of the record being read (its fields' offsets are into it). */
static char *rec_text(const csv_reader *r) { return r->ext ? r->ext : r->rec.data; }

/* A field's text must be UTF-8 without NUL: the error names field r->nfields on r->field_line. */
static int check_text(csv_reader *r, const char *text, size_t len) {
  size_t bad;
  /* One pass over plain ASCII; the detailed checks only when a NUL or a high byte shows up. */
  for (bad = 0; bad < len && (unsigned char)text[bad] - 1u < 0x7Fu; bad++) {
  }
  if (bad < len && memchr(text + bad, '\0', len - bad)) {
    char where[160];
    return kam__error(r->ctx, KAM_EPARSE, "%s: contains a NUL byte",
                      kam__csv_place(r, r->field_line, r->nfields, where, sizeof where));
  }
  if (bad < len && !kam__utf8_valid(text, len, &bad)) {
    char where[160];
    return kam__error(r->ctx, KAM_EPARSE,
                      "%s: invalid UTF-8 at byte %zu of the field (save the file as \"CSV UTF-8\")",
                      kam__csv_place(r, r->field_line, r->nfields, where, sizeof where), bad + 1);
  }
  return KAM_OK;
}

static int grow_fields(csv_reader *r) {
  size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
  csv_field *nf =
      (csv_field *)kam__realloc(r->ctx, r->fields, r->fields_cap * sizeof *nf, cap * sizeof *nf);
  if (!nf) return kam__nomem(r->ctx);
  r->fields = nf;
  r->fields_cap = cap;
  return KAM_OK;
}

static int end_field(csv_reader *r) {
  csv_field *f;
  const char *text = r->rec.data ? r->rec.data + r->field_off : "";
  size_t len = r->rec.len - r->field_off;
  int rc;
  if (r->nfields >= CSV_MAX_COLUMNS)
    return kam__error(r->ctx, KAM_ELIMIT, "line %zu: more than %u fields", r->field_line,
                      CSV_MAX_COLUMNS);
  if ((rc = check_text(r, text, len)) != 0) return rc;
  if (r->nfields == r->fields_cap && (rc = grow_fields(r)) != 0) return rc;
  if (kam__buf_putc(&r->rec, '\0')) return kam__nomem(r->ctx);
  f = &r->fields[r->nfields++];
  f->off = r->field_off;
  f->len = len;
  f->line = r->field_line;
  r->field_off = r->rec.len;
  return KAM_OK;
}

/* Keeps the header record (trimmed names, for column names in messages), then hands it to the
 * reader. */
static int end_header(csv_reader *r) {
  size_t k, used = r->fields[r->nfields - 1].off + r->fields[r->nfields - 1].len + 1;
  r->hdr_cap = used + 1;
  r->ncols = r->nfields;
  r->hdr = (char *)kam__alloc(r->ctx, r->hdr_cap);
  r->hdr_fields = (csv_field *)kam__alloc_array(r->ctx, r->nfields, sizeof *r->hdr_fields);
  if (!r->hdr || !r->hdr_fields) return kam__nomem(r->ctx);
  memcpy(r->hdr, rec_text(r), used);
  r->hdr[used] = '\0';
  for (k = 0; k < r->ncols; k++) {
    const char *s = r->hdr + r->fields[k].off;
    size_t len = r->fields[k].len;
    kam__csv_trim(&s, &len);
    r->hdr_fields[k].off = (size_t)(s - r->hdr);
    r->hdr_fields[k].len = len;
    r->hdr_fields[k].line = r->fields[k].line;
  }
  r->have_header = true;
  return r->on_header(r);
}

/* A data record: fields beyond the header's columns must be empty, then the reader takes it. */
static int end_row(csv_reader *r) {
  size_t k;
  for (k = r->ncols; k < r->nfields; k++) {
    const char *t = rec_text(r) + r->fields[k].off;
    size_t n = r->fields[k].len;
    kam__csv_trim(&t, &n);
    if (n)
      return kam__error(r->ctx, KAM_EPARSE,
                        "line %zu, column %zu: more fields than the header has columns (%zu)",
                        r->fields[k].line, k + 1, r->ncols);
  }
  return r->on_row(r);
}

static int end_record(csv_reader *r) {
  size_t i;
  int rc = KAM_OK;
  bool empty = true;
  for (i = 0; i < r->nfields && empty; i++) {
    const char *s = rec_text(r) + r->fields[i].off;
    size_t len = r->fields[i].len;
    kam__csv_trim(&s, &len);
    if (len) empty = false;
  }
  if (!empty) rc = r->have_header ? end_row(r) : end_header(r);
  r->nfields = 0;
  r->rec.len = 0;
  r->field_off = 0;
  r->ext = NULL;
  return rc;
}

/* A bit for each byte of s[base..base + 16) (up to limit) that is the delimiter, CR, LF or a
 * quote: SSE2 on x86-64, a byte loop elsewhere and for the last bytes before limit. */
static unsigned special_mask(const csv_reader *r, const char *s, size_t base, size_t limit) {
  unsigned m = 0, k;
#if defined(__SSE2__)
  if (limit - base >= 16) {
    const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + base));
    __m128i eq = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(r->delim)), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
    return (unsigned)_mm_movemask_epi8(eq);
  }
#endif
  for (k = 0; k < 16 && base + k < limit; k++)
    if (r->special[(unsigned char)s[base + k]] || s[base + k] == '"') m |= 1u << k;
  return m;
}

/* The next special byte (special_mask) at or after the block at *base whose bits not yet taken
 * are *mask, or limit. */
static size_t next_special(const csv_reader *r, const char *s, size_t limit, size_t *base,
                           unsigned *mask) {
  for (;;) {
    if (*mask) {
      unsigned b = (unsigned)__builtin_ctz(*mask);
      *mask &= *mask - 1;
      return *base + b;
    }
    *base += 16;
    if (*base >= limit) return limit;
    *mask = special_mask(r, s, *base, limit);
  }
}

/* True when s[0..n) holds only ASCII bytes 1..127 (no NUL, nothing to check as UTF-8). */
static bool plain_ascii(const char *s, size_t n) {
  size_t i = 0;
#if defined(__SSE2__)
  __m128i acc = _mm_setzero_si128(), nul = _mm_setzero_si128();
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    acc = _mm_or_si128(acc, v);
    nul = _mm_or_si128(nul, _mm_cmpeq_epi8(v, zero));
  }
  if (_mm_movemask_epi8(_mm_or_si128(acc, nul))) return false;
#endif
  for (; i < n; i++)
    if ((unsigned char)s[i] - 1u >= 0x7Fu) return false;
  return true;
}

/* A whole record read in place: at a record start, a line that ends inside s[i..n) and holds no
 * quote is split at the delimiter without copying (the common case: one call per record, no
 * per-byte state). The fields are checked as end_field checks them, the delimiters and the line
 * end become the fields' NULs, and the record goes to end_record. Anything else (a quote, a line
 * that does not end in this chunk or is long, too many fields) answers *done = false with
 * nothing changed, and the byte-wise tokenizer reads the record. */
static int fast_record(csv_reader *r, char *s, size_t i, size_t n, size_t *next, bool *done) {
  size_t start = i, k = 0, j, limit = n - i > CSV_MAX_FIELD ? i + CSV_MAX_FIELD : n, base = i;
  unsigned mask = special_mask(r, s, base, limit);
  char c;
  int rc;
  *done = false;
  for (;;) {
    j = next_special(r, s, limit, &base, &mask);
    if (j == limit || s[j] == '"') return KAM_OK;
    if (k == CSV_MAX_COLUMNS) return KAM_OK;
    if (k == r->fields_cap && (rc = grow_fields(r)) != 0) return rc;
    r->fields[k].off = i - start;
    r->fields[k].len = j - i;
    r->fields[k].line = r->line;
    k++;
    i = j + 1;
    if (s[j] != r->delim) break;
  }
  r->field_line = r->line;
  /* The delimiter is ASCII, so the line is UTF-8 without NUL exactly when every field is; the
   * fields are checked one by one (for the message) only when the line is not. */
  if (!plain_ascii(s + start, j - start) &&
      (memchr(s + start, '\0', j - start) || !kam__utf8_valid(s + start, j - start, NULL))) {
    for (r->nfields = 0; r->nfields < k; r->nfields++) {
      const csv_field *f = &r->fields[r->nfields];
      if ((rc = check_text(r, s + start + f->off, f->len)) != 0) {
        r->nfields = 0;
        return rc;
      }
    }
  }
  c = s[j];
  for (r->nfields = 0; r->nfields < k; r->nfields++) {
    const csv_field *f = &r->fields[r->nfields];
    s[start + f->off + f->len] = '\0';
  }
  r->ext = s + start;
  r->line++;
  r->prev_cr = c == '\r';
  *next = j + 1;
  *done = true;
  return end_record(r);
}

/* The tokenizer proper: RFC 4180 with CR, LF or CRLF line ends, counting physical lines. */
static int tokenize(csv_reader *r, char *s, size_t n) {
  size_t i = 0;
  int rc;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    bool after_cr = r->prev_cr;
    size_t j;
    r->prev_cr = false;
    switch (r->state) {
    case ST_START:
      if (c == '\n' && after_cr) {
        i++;
        break;
      }
      if (r->nfields == 0 && c != '"') {
        bool done;
        if ((rc = fast_record(r, s, i, n, &i, &done)) != 0) return rc;
        if (done) break;
      }
      r->field_line = r->line;
      if (c == '"') {
        r->state = ST_QUOTED;
        r->quote_line = r->line;
        i++;
        break;
      }
      r->state = ST_UNQUOTED;
      /* fall through */
    case ST_UNQUOTED:
      for (j = i; j < n && !r->special[(unsigned char)s[j]]; j++) {
      }
      if (j > i) {
        if ((rc = append(r, s + i, j - i)) != 0) return rc;
        i = j;
        break;
      }
      goto field_end;
    case ST_QUOTED:
      for (j = i; j < n && s[j] != '"' && s[j] != '\r' && s[j] != '\n'; j++) {
      }
      if (j > i) {
        if ((rc = append(r, s + i, j - i)) != 0) return rc;
        i = j;
        break;
      }
      if (c == '"') {
        r->state = ST_QUOTE;
      } else {
        if ((rc = append(r, s + i, 1)) != 0) return rc;
        if (c == '\r') {
          r->line++;
          r->prev_cr = true;
        } else if (!after_cr) {
          r->line++;
        }
      }
      i++;
      break;
    case ST_QUOTE:
      if (c == '"') {
        if ((rc = append(r, "\"", 1)) != 0) return rc;
        r->state = ST_QUOTED;
        i++;
        break;
      }
      /* fall through */
    case ST_AFTER_QUOTE:
      if (c != (unsigned char)r->delim && (c == ' ' || c == '\t')) {
        r->state = ST_AFTER_QUOTE;
        i++;
        break;
      }
      if (c != (unsigned char)r->delim && c != '\r' && c != '\n') {
        char where[160];
        return kam__error(r->ctx, KAM_EPARSE,
                          "%s: text after the closing quote (a quote inside a quoted field "
                          "is written as two quotes \"\")",
                          kam__csv_place(r, r->line, r->nfields, where, sizeof where));
      }
    field_end:
      if ((rc = end_field(r)) != 0) return rc;
      r->state = ST_START;
      i++;
      if (c == '\r' || c == '\n') {
        r->line++;
        r->prev_cr = c == '\r';
        if ((rc = end_record(r)) != 0) return rc;
      }
      break;
    }
  }
  return KAM_OK;
}

static int tokenize_end(csv_reader *r) {
  int rc;
  switch (r->state) {
  case ST_QUOTED: {
    char where[160];
    return kam__error(r->ctx, KAM_EPARSE, "%s: unterminated quoted field (the quote opens here)",
                      kam__csv_place(r, r->quote_line, r->nfields, where, sizeof where));
  }
  case ST_START:
    if (r->nfields == 0) return KAM_OK;
    r->field_line = r->line;
    break;
  default: break;
  }
  if ((rc = end_field(r)) != 0) return rc;
  r->state = ST_START;
  return end_record(r);
}

static void set_delimiter(csv_reader *r, char d) {
  r->delim = d;
  memset(r->special, 0, sizeof r->special);
  r->special[(unsigned char)d] = 1;
  r->special['\r'] = 1;
  r->special['\n'] = 1;
}

/* Decides the delimiter from the header line pre[line_start, line_end): the most frequent of
 * ';', TAB and ',' outside quotes (ties in that order), ',' when there is none. */
static char detect_delimiter(const char *s, size_t len) {
  size_t i, semi = 0, tab = 0, comma = 0;
  bool q = false;
  for (i = 0; i < len; i++) {
    if (s[i] == '"')
      q = !q;
    else if (!q && s[i] == ';')
      semi++;
    else if (!q && s[i] == '\t')
      tab++;
    else if (!q && s[i] == ',')
      comma++;
  }
  if (semi && semi >= tab && semi >= comma) return ';';
  if (tab && tab >= comma) return '\t';
  return ',';
}

/* 1 when the line, split at d, holds only empty fields (spaces at most): a record the
 * tokenizer would skip. Anything it might read otherwise (a doubled quote, a quote after
 * spaces, a line break inside quotes) answers 0, so the line is taken as the header. */
static bool empty_record(const char *s, size_t len, char d) {
  size_t i = 0, sp;
  bool quoted = false, field_start = true;
  while (i < len) {
    char c = s[i];
    if (quoted && c == '"') {
      if (i + 1 < len && s[i + 1] == '"') return false;
      quoted = false;
      i++;
      continue;
    }
    if (!quoted && c == '"' && field_start) {
      quoted = true;
      field_start = false;
      i++;
      continue;
    }
    if (!quoted && c == d) {
      field_start = true;
      i++;
      continue;
    }
    if ((sp = space_len(s + i, len - i)) == 0) return false;
    if (!quoted) field_start = false;
    i += sp;
  }
  return !quoted;
}

/* The physical line the header line starts on. */
static size_t header_line_number(const csv_reader *r) {
  return 1 + r->sep_lines + r->skipped_lines;
}

/* Holds bytes back until the header line (the first line outside quotes that is not blank
 * and not only delimiters) is complete, so that a "sep=X" line (Excel's delimiter hint) can be
 * dropped and the delimiter detected from the header itself. Lines before it are dropped and
 * counted as they complete, so only the header line is ever held: its length is the only
 * limit, whatever the chunks are. */
static int headline(csv_reader *r, const char *s, size_t n, bool eof) {
  int rc;
  char d = r->opts.delimiter;
  if (n && kam__buf_put(&r->pre, s, n)) return kam__nomem(r->ctx);
  for (;;) {
    size_t end = r->pre_scan;
    const char *line;
    size_t line_len, next;
    while (end < r->pre.len) {
      char c = r->pre.data[end];
      if (c == '"')
        r->pre_quoted = !r->pre_quoted;
      else if (!r->pre_quoted && (c == '\r' || c == '\n'))
        break;
      end++;
    }
    line_len = end - r->pre_line_start;
    if (line_len > CSV_MAX_RECORD)
      return kam__error(r->ctx, KAM_ELIMIT, "line %zu: header line longer than %u bytes",
                        header_line_number(r), CSV_MAX_RECORD);
    if (end == r->pre.len && !eof) {
      /* Wait for the rest of the line; keep only the line itself. */
      if (r->pre_line_start) {
        memmove(r->pre.data, r->pre.data + r->pre_line_start, line_len);
        r->pre.len = line_len;
        r->pre_line_start = 0;
      }
      r->pre_scan = line_len;
      return KAM_OK;
    }
    line = r->pre.data ? r->pre.data + r->pre_line_start : "";
    next = end;
    if (next < r->pre.len) next++; /* the CR or LF */
    if (end < r->pre.len &&
        empty_record(line, line_len,
                     r->opts.delimiter ? r->opts.delimiter : detect_delimiter(line, line_len))) {
      /* Blank, or only delimiters: no record. The LF of a CR LF is no line of its own. */
      if (!(line_len == 0 && r->pre.data[end] == '\n' && r->pre_cr)) r->skipped_lines++;
      r->pre_cr = r->pre.data[end] == '\r';
      r->pre_scan = r->pre_line_start = next;
      continue;
    }
    if (r->sep_lines == 0 && r->skipped_lines == 0 && r->pre_line_start == 0 && line_len == 5 &&
        kam__ascii_ieq(line, 4, "sep=") && line[4] != '"') {
      /* Excel's "sep=;" first line: use it (unless the caller fixed the delimiter), drop it. */
      if (!r->opts.delimiter) r->opts.delimiter = line[4];
      r->sep_lines = 1;
      r->pre_cr = next > end && r->pre.data[end] == '\r';
      r->pre_scan = r->pre_line_start = next;
      r->pre_quoted = false;
      if (eof && next == r->pre.len) break;
      continue;
    }
    d = r->opts.delimiter ? r->opts.delimiter : detect_delimiter(line, line_len);
    break;
  }
  /* The header line is complete (or the input ended): tokenize from it. */
  set_delimiter(r, d ? d : ',');
  r->line = header_line_number(r);
  r->stage = STAGE_BODY;
  rc = r->pre.data ? tokenize(r, r->pre.data + r->pre_line_start, r->pre.len - r->pre_line_start)
                   : KAM_OK;
  kam__buf_free(&r->pre);
  return rc;
}

static int feed_body(csv_reader *r, char *s, size_t n, bool eof) {
  if (r->stage == STAGE_HEADLINE) return headline(r, s, n, eof);
  return tokenize(r, s, n);
}

static int feed(csv_reader *r, char *s, size_t n, bool eof) {
  if (r->stage == STAGE_BOM) {
    size_t take = 3 - r->head_len;
    int rc;
    if (take > n) take = n;
    memcpy(r->head + r->head_len, s, take);
    r->head_len += take;
    s += take;
    n -= take;
    if (r->head_len < 3 && !eof) return KAM_OK;
    r->stage = STAGE_HEADLINE;
    if (r->head_len >= 2 &&
        ((r->head[0] == 0xFF && r->head[1] == 0xFE) || (r->head[0] == 0xFE && r->head[1] == 0xFF)))
      return kam__error(r->ctx, KAM_EPARSE,
                        "line 1: the file is UTF-16; save it as UTF-8 (\"CSV UTF-8\")");
    if (!(r->head_len == 3 && r->head[0] == 0xEF && r->head[1] == 0xBB && r->head[2] == 0xBF)) {
      if ((rc = feed_body(r, (char *)r->head, r->head_len, false)) != 0) return rc;
    }
  }
  return feed_body(r, s, n, eof);
}

/* ------------------------------------------------------------------------------------------ */
/* Header and rows                                                                             */

/* n period column slots, none mapped yet; NULL when out of memory. */
static size_t *unmapped_cols(kam_ctx *ctx, size_t n) {
  size_t *col = (size_t *)kam__alloc_array(ctx, n, sizeof(size_t)), i;
  for (i = 0; col && i < n; i++)
    col[i] = NO_COL;
  return col;
}

static int handle_header(csv_reader *r) {
  portfolio_csv *pc = (portfolio_csv *)r->sink;
  size_t k, i;
  unsigned best_rank[R_COUNT];
  size_t max_hist = 0, max_fc = 0;
  char folded[256];
  for (i = 0; i < R_COUNT; i++) {
    pc->col[i] = NO_COL;
    best_rank[i] = 255;
  }
  /* First pass: single-valued roles and the number of periods. */
  for (k = 0; k < r->ncols; k++) {
    unsigned rank = 0;
    size_t period = 0, flen;
    int role;
    flen =
        kam__csv_fold(folded, sizeof folded, r->hdr + r->hdr_fields[k].off, r->hdr_fields[k].len);
    role = classify(folded, flen, &rank, &period);
    if (role == R_NONE) continue;
    if (role == R_HISTORY || role == R_FORECAST) {
      if (period > CSV_MAX_PERIODS)
        return kam__error(r->ctx, KAM_ELIMIT, "line %zu, column %zu: more than %u %s columns",
                          r->hdr_fields[k].line, k + 1, CSV_MAX_PERIODS, role_name[role]);
      if (role == R_HISTORY && period > max_hist) max_hist = period;
      if (role == R_FORECAST && period > max_fc) max_fc = period;
      continue;
    }
    if (rank < best_rank[role]) {
      best_rank[role] = rank;
      pc->col[role] = k;
    } else if (rank == best_rank[role]) {
      char a[48], b[48];
      const csv_field *h = &r->hdr_fields[pc->col[role]];
      return kam__error(r->ctx, KAM_EPARSE,
                        "line %zu: columns %zu (\"%s\") and %zu (\"%s\") are both the %s column",
                        r->hdr_fields[k].line, pc->col[role] + 1,
                        kam__csv_shown(a, r->hdr + h->off, h->len), k + 1,
                        kam__csv_shown(b, r->hdr + r->hdr_fields[k].off, r->hdr_fields[k].len),
                        role_name[role]);
    }
  }
  if (pc->col[R_ID] == NO_COL || pc->col[R_REVENUE] == NO_COL) {
    bool id = pc->col[R_ID] == NO_COL;
    return kam__error(r->ctx, KAM_EPARSE,
                      "line %zu: no \"%s\" column in the header (accepted names: %s)",
                      r->fields[0].line, id ? "id" : "revenue",
                      id ? "id, account id, client id, код, код клиента, ид, идентификатор, инн"
                         : "revenue, выручка, sales, оборот, продажи, turnover, amount, сумма");
  }
  if (pc->col[R_MARGIN] != NO_COL && pc->col[R_COST] != NO_COL)
    return kam__error(r->ctx, KAM_EPARSE,
                      "line %zu: columns %zu (margin) and %zu (cost) both give the margin; keep "
                      "one",
                      r->fields[0].line, pc->col[R_MARGIN] + 1, pc->col[R_COST] + 1);
  /* Second pass: periods, which must be numbered 1..N without gaps or repeats. */
  if (max_hist) {
    pc->nhist = max_hist;
    pc->hist_col = unmapped_cols(r->ctx, max_hist);
    pc->hist = (int64_t *)kam__alloc_array(r->ctx, max_hist, sizeof(int64_t));
    if (!pc->hist_col || !pc->hist) return kam__nomem(r->ctx);
  }
  if (max_fc) {
    pc->nfc = max_fc;
    pc->fc_col = unmapped_cols(r->ctx, max_fc);
    pc->fc = (double *)kam__alloc_array(r->ctx, max_fc, sizeof(double));
    if (!pc->fc_col || !pc->fc) return kam__nomem(r->ctx);
  }
  for (k = 0; k < r->ncols; k++) {
    unsigned rank = 0;
    size_t period = 0, flen, *slot;
    int role;
    flen =
        kam__csv_fold(folded, sizeof folded, r->hdr + r->hdr_fields[k].off, r->hdr_fields[k].len);
    role = classify(folded, flen, &rank, &period);
    if (role != R_HISTORY && role != R_FORECAST) continue;
    slot = role == R_HISTORY ? &pc->hist_col[period - 1] : &pc->fc_col[period - 1];
    if (*slot != NO_COL)
      return kam__error(r->ctx, KAM_EPARSE, "line %zu: columns %zu and %zu are both %s period %zu",
                        r->hdr_fields[k].line, *slot + 1, k + 1, role_name[role], period);
    *slot = k;
  }
  for (i = 0; i < pc->nhist; i++)
    if (pc->hist_col[i] == NO_COL)
      return kam__error(r->ctx, KAM_EPARSE,
                        "line %zu: history columns go up to %zu but period %zu is missing",
                        r->fields[0].line, pc->nhist, i + 1);
  for (i = 0; i < pc->nfc; i++)
    if (pc->fc_col[i] == NO_COL)
      return kam__error(r->ctx, KAM_EPARSE,
                        "line %zu: forecast columns go up to %zu but period %zu is missing",
                        r->fields[0].line, pc->nfc, i + 1);
  return KAM_OK;
}

/* Bytes that may start (end) a space-like character of kam__csv_trim. */
static const unsigned char trim_head[256] = {[' '] = 1, ['\t'] = 1, [0xC2] = 1, [0xE2] = 1};
static const unsigned char trim_tail[256] = {[' '] = 1, ['\t'] = 1, [0xA0] = 1, [0xAF] = 1};

/* The trimmed, NUL-terminated text of column col in the current record ("" if absent). */
char *kam__csv_cell(csv_reader *r, size_t col, size_t *len, size_t *line) {
  char *s;
  size_t n;
  if (col == NO_COL || col >= r->nfields) {
    *len = 0;
    *line = r->nfields ? r->fields[0].line : r->line;
    return (char *)"";
  }
  s = rec_text(r) + r->fields[col].off;
  n = r->fields[col].len;
  *line = r->fields[col].line;
  /* Spaces start with ' ', TAB, 0xC2 (NBSP) or 0xE2 (U+202F) and end with ' ', TAB, 0xA0 or
   * 0xAF: most cells have none of them at either end. */
  if (n && (trim_head[(unsigned char)s[0]] || trim_tail[(unsigned char)s[n - 1]])) {
    const char *t = s;
    kam__csv_trim(&t, &n);
    s = (char *)t;
  }
  s[n] = '\0'; /* the trimmed end: the record buffer is ours */
  *len = n;
  return s;
}

/* Drops a currency sign or code at either end of an amount, as Excel writes currency-formatted
 * cells ("1 234,56 ₽", "$1234.56", "1234 руб.", "-€5"); a sign before a leading symbol
 * stays.
 */
static void strip_currency(char **s, size_t *len) {
  static const char *const suffixes[] = {
      "\xE2\x82\xBD",
      "\xE2\x82\xAC",
      "$",
      "\xC2\xA3",
      "\xC2\xA5",
      "руб.",
      "руб",
      "р.",
      "RUB",
      "RUR",
      "USD",
      "EUR",
      "\xD0\xA0\xD0\xA3\xD0\x91"}; /* ₽ € $ £ ¥ ... РУБ */
  static const char *const prefixes[] = {"$", "\xE2\x82\xAC", "\xC2\xA3", "\xC2\xA5",
                                         "\xE2\x82\xBD"};
  size_t i, n;
  const char *t;
  for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    n = strlen(suffixes[i]);
    if (*len > n && memcmp(*s + *len - n, suffixes[i], n) == 0) {
      *len -= n;
      t = *s;
      kam__csv_trim(&t, len);
      break;
    }
  }
  for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t sign = (*len > 0 && ((*s)[0] == '-' || (*s)[0] == '+')) ? 1 : 0;
    n = strlen(prefixes[i]);
    if (*len > sign + n && memcmp(*s + sign, prefixes[i], n) == 0) {
      if (sign) (*s)[n] = (*s)[0]; /* "-$5" -> "-5": the sign moves next to the digits */
      *s += n;
      *len -= n;
      t = *s + (sign ? 1 : 0);
      if (!sign) {
        kam__csv_trim(&t, len);
        *s = (char *)t;
      }
      break;
    }
  }
}

/* Parses an amount (revenue, history, forecast) into minor units with `digits` decimals.
 * The decimal mark is the caller's, or the first mark seen in the file. decimals_why: NULL
 * for money, else what to say of a value with more than `digits` decimals. */
static int parse_number(csv_reader *r, int64_t *out, char *s, size_t len, size_t line, size_t col,
                        int digits, const char *decimals_why) {
  const char *why = NULL, *comma = NULL, *dot = NULL;
  portfolio_csv *pc = (portfolio_csv *)r->sink;
  char mark = r->opts.decimal_mark ? r->opts.decimal_mark : pc->mark;
  int st;
  /* Plain "-123,45" (no currency, groups or sign words): inline. A number without a mark
   * decides nothing, so it may take this path before the mark is known. */
  if (kam__decimal_minor_simple(out, s, len, mark, digits)) return KAM_OK;
  strip_currency(&s, &len);
  if (!mark) {
    comma = memchr(s, ',', len);
    dot = memchr(s, '.', len);
    if ((comma != NULL) != (dot != NULL)) {
      pc->mark = mark = comma ? ',' : '.';
      pc->mark_line = line;
    }
  }
  /* A typographic minus (U+2212), as some spreadsheets print it. */
  if (len >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x88 &&
      (unsigned char)s[2] == 0x92) {
    s += 2;
    len -= 2;
    s[0] = '-';
  }
  st = kam__decimal_read_minor(
      out, s, len, (mark == ',' ? KAM__DEC_COMMA : KAM__DEC_POINT) | KAM__DEC_CELL, digits, &why);
  if (st == KAM_OK) return KAM_OK;
  if (why == kam__why_too_many_decimals && decimals_why) why = decimals_why;
  if (st == KAM_EPARSE && len > 2 && (memchr(s, 'E', len) || memchr(s, 'e', len)) &&
      kam__is_digit(s[len - 1]))
    return kam__csv_cell_error(
        r, st, line, col, s, len,
        "is in scientific notation, which has lost digits (widen the column or "
        "give it a number format before saving the CSV)");
  if (st == KAM_EPARSE && mark && memchr(s, mark == ',' ? '.' : ',', len)) {
    char hint[96];
    if (r->opts.decimal_mark)
      snprintf(hint, sizeof hint, "is not an amount (the decimal mark is '%c')", mark);
    else
      snprintf(hint, sizeof hint,
               "is not an amount (this file uses '%c' as the decimal mark, first on line %zu)",
               mark, pc->mark_line);
    return kam__csv_cell_error(r, st, line, col, s, len, hint);
  }
  return kam__csv_cell_error(r, st, line, col, s, len, why ? why : "is not an amount");
}

static int parse_bool(csv_reader *r, bool *out, const char *s, size_t len, size_t line,
                      size_t col) {
  static const char *const yes[] = {"1", "true",         "yes",         "y", "x",
                                    "+", "да",           "д",           "х", "истина",
                                    "v", "\xE2\x9C\x93", "\xE2\x9C\x94"};
  static const char *const no[] = {"0", "false", "no", "n", "-", "нет", "н", "ложь"};
  char f[32];
  size_t i;
  *out = false; /* also on error, so a caller never branches on an unset flag */
  if (len == 0) return KAM_OK;
  if (len < sizeof f - 6) {
    kam__csv_fold(f, sizeof f, s, len);
    if (f[0] == '\0') f[0] = '-', f[1] = '\0'; /* a lone '-' or '.' folds to nothing */
    for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
      if (!strcmp(f, yes[i])) {
        *out = true;
        return KAM_OK;
      }
    for (i = 0; i < sizeof no / sizeof no[0]; i++)
      if (!strcmp(f, no[i])) {
        *out = false;
        return KAM_OK;
      }
  }
  return kam__csv_cell_error(r, KAM_EPARSE, line, col, s, len,
                             "is not a yes/no value (use 1/0, yes/no, true/false, да/нет or x)");
}

static int parse_potential(csv_reader *r, double *out, char *s, size_t len, size_t line,
                           size_t col) {
  int64_t v;
  bool percent = false;
  size_t n = len;
  int st;
  if (len == 0) {
    *out = NAN;
    return KAM_OK;
  }
  if (s[n - 1] == '%') {
    const char *t = s;
    percent = true;
    n--;
    kam__csv_trim(&t, &n);
  }
  st = parse_number(r, &v, s, n, line, col, 12,
                    "has more than the 12 decimals a potential is read with");
  if (st) return st;
  *out = (double)v / 1e12 / (percent ? 100.0 : 1.0);
  if (!(*out >= 0.0 && *out <= 1.0))
    return kam__csv_cell_error(r, KAM_EPARSE, line, col, s, len,
                               "is not a potential between 0 and 1 (or 0 % and 100 %)");
  return KAM_OK;
}

/* The single-valued columns of a row, in the order they are read (the first bad cell in this
 * order is the one reported): what each holds and where it goes in the kam_account. A new
 * column is a role, its aliases and one entry here. */
enum cell_kind {
  CELL_ID,        /* text, required non-empty */
  CELL_REVENUE,   /* amount >= 0, required */
  CELL_AMOUNT,    /* amount >= 0, empty is 0 */
  CELL_TEXT,      /* text, empty is none (NULL) */
  CELL_POTENTIAL, /* 0..1 or a percentage, empty is NaN */
  CELL_FLAG       /* yes/no into kam_account.flags */
};
static const struct cell_rule {
  unsigned char role, kind;
  unsigned short at; /* offsetof the kam_account field (CELL_FLAG: the KAM_ACCOUNT_* bit) */
} cell_rules[] = {
    {R_ID, CELL_ID, offsetof(kam_account, id)},
    {R_REVENUE, CELL_REVENUE, offsetof(kam_account, revenue)},
    {R_NAME, CELL_TEXT, offsetof(kam_account, name)},
    {R_GROUP, CELL_TEXT, offsetof(kam_account, group)},
    {R_POTENTIAL, CELL_POTENTIAL, offsetof(kam_account, potential)},
    {R_RELATIONSHIP, CELL_POTENTIAL, offsetof(kam_account, relationship)},
    {R_STRATEGIC, CELL_FLAG, KAM_ACCOUNT_STRATEGIC},
    {R_NEW, CELL_FLAG, KAM_ACCOUNT_NEW},
};

static int handle_row(csv_reader *r) {
  portfolio_csv *pc = (portfolio_csv *)r->sink;
  kam_account a;
  size_t len, line, k, first_hist = NO_COL, last_fc = 0, text_len[R_COUNT] = {0};
  uint64_t id_hash = 0;
  char *s;
  int st;
  bool yes;
  int digits = r->opts.currency_digits;
  memset(&a, 0, sizeof a);
  a.struct_size = sizeof a;
  a.potential = NAN;
  for (k = 0; k < sizeof cell_rules / sizeof cell_rules[0]; k++) {
    const struct cell_rule *c = &cell_rules[k];
    size_t col = pc->col[c->role];
    char *field = (char *)&a + c->at;
    int64_t v = 0;
    s = kam__csv_cell(r, col, &len, &line);
    switch (c->kind) {
    case CELL_ID:
      if (len == 0)
        return kam__error(r->ctx, KAM_EPARSE, "%s: the %s is empty",
                          kam__csv_place(r, line, col, (char[160]){0}, 160), role_name[c->role]);
      /* fall through */
    case CELL_TEXT:
      if (len) memcpy(field, &s, sizeof s); /* NOLINT(bugprone-sizeof-expression) */
      if (c->kind == CELL_ID) id_hash = kam__portfolio_id_hash(pc->p, s, len);
      text_len[c->role] = len;
      break;
    case CELL_REVENUE:
      if (len == 0)
        return kam__error(r->ctx, KAM_EPARSE, "%s: the %s is empty (write 0 for none)",
                          kam__csv_place(r, line, col, (char[160]){0}, 160), role_name[c->role]);
      /* fall through */
    case CELL_AMOUNT:
      if (len && (st = parse_number(r, &v, s, len, line, col, digits, NULL)) != 0) return st;
      if (v < 0) {
        char why[64];
        snprintf(why, sizeof why, "is negative (%s must be 0 or more)", role_name[c->role]);
        return kam__csv_cell_error(r, KAM_EPARSE, line, col, s, len, why);
      }
      memcpy(field, &v, sizeof v);
      break;
    case CELL_POTENTIAL: {
      double d;
      if ((st = parse_potential(r, &d, s, len, line, col)) != 0) return st;
      memcpy(field, &d, sizeof d);
      break;
    }
    default: /* CELL_FLAG */
      if ((st = parse_bool(r, &yes, s, len, line, col)) != 0) return st;
      if (yes) a.flags |= c->at;
      break;
    }
  }
  /* Margin: given, or revenue - cost; an empty cell is unknown. */
  s = kam__csv_cell(r, pc->col[R_MARGIN], &len, &line);
  if (len) {
    if ((st = parse_number(r, &a.margin, s, len, line, pc->col[R_MARGIN], digits, NULL)) != 0)
      return st;
    if (a.margin == KAM_MARGIN_UNKNOWN)
      return kam__csv_cell_error(r, KAM_EPARSE, line, pc->col[R_MARGIN], s, len, "is out of range");
    a.flags |= KAM_ACCOUNT_MARGIN;
  }
  s = kam__csv_cell(r, pc->col[R_COST], &len, &line);
  if (len) {
    int64_t cost;
    if ((st = parse_number(r, &cost, s, len, line, pc->col[R_COST], digits, NULL)) != 0) return st;
    if (cost < 0)
      return kam__csv_cell_error(r, KAM_EPARSE, line, pc->col[R_COST], s, len,
                                 "is negative (cost must be 0 or more)");
    a.margin = a.revenue - cost; /* both >= 0: cannot overflow */
    a.flags |= KAM_ACCOUNT_MARGIN;
  }
  if (!isnan(a.relationship)) a.flags |= KAM_ACCOUNT_RELATIONSHIP;
  /* History: leading empty cells are periods before the account existed and are dropped; an
   * empty cell after the first filled one is 0. */
  for (k = 0; k < pc->nhist; k++) {
    int64_t v = 0;
    s = kam__csv_cell(r, pc->hist_col[k], &len, &line);
    if (len == 0 && first_hist == NO_COL) continue;
    if (first_hist == NO_COL) first_hist = k;
    if (len && (st = parse_number(r, &v, s, len, line, pc->hist_col[k], digits, NULL)) != 0)
      return st;
    if (v < 0)
      return kam__csv_cell_error(r, KAM_EPARSE, line, pc->hist_col[k], s, len,
                                 "is negative (revenue must be 0 or more)");
    pc->hist[k] = v;
  }
  if (first_hist != NO_COL) {
    a.history = pc->hist + first_hist;
    a.history_len = pc->nhist - first_hist;
  }
  /* Forecast: trailing empty cells are beyond the horizon; an empty cell before the last filled
   * one is 0. Values are read exactly as amounts and passed in minor units. */
  for (k = 0; k < pc->nfc; k++) {
    int64_t v = 0;
    s = kam__csv_cell(r, pc->fc_col[k], &len, &line);
    if (len && (st = parse_number(r, &v, s, len, line, pc->fc_col[k], digits, NULL)) != 0)
      return st;
    if (len) last_fc = k + 1;
    pc->fc[k] = (double)v;
  }
  if (last_fc) {
    a.forecast = pc->fc;
    a.forecast_len = last_fc;
  }
  /* The engine has checked the texts (UTF-8, no NUL) and this function the amounts. */
  st = kam__portfolio_add_checked(pc->p, &a, text_len[R_ID], text_len[R_NAME], text_len[R_GROUP],
                                  id_hash);
  if (st == KAM_EEXIST) {
    char where[160], v[48];
    s = kam__csv_cell(r, pc->col[R_ID], &len, &line);
    return kam__error(r->ctx, KAM_EEXIST, "%s: duplicate id '%s'",
                      kam__csv_place(r, line, pc->col[R_ID], where, sizeof where),
                      kam__csv_shown(v, s, len));
  }
  if (st == KAM_ENOMEM) return kam__nomem(r->ctx);
  if (st) {
    char msg[KAM__ERRMSG_CAP];
    snprintf(msg, sizeof msg, "%s", kam_ctx_errmsg(r->ctx));
    return kam__error(r->ctx, st, "line %zu: %s", r->fields[0].line, msg);
  }
  return KAM_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Parallel reading (kam_ctx_set_threads >= 2)                                                 */
/*
 * The read loop reads ahead up to CSV_PAR_BUF bytes, then splits the part of it that starts at
 * a record start and holds no quote (so every LF ends a record) into parts at line ends. Each
 * part's worker reads only "plain" rows, without writing to the input or touching the ctx: a
 * line ending in LF (or CR LF) without another CR, valid UTF-8 without NUL, no more fields than
 * the header, and cells the inline paths read (a non-empty id, plain numbers in the decimal mark
 * known when the round started, no potential or yes/no cell). It stops at the first other
 * line. The calling thread then adds the parts' rows in file order and hands the rest of a
 * part from its stop point (or from a row whose add failed) to the one-thread tokenizer, which
 * reads it as it would have, errors and their line and column included, so the first error in
 * file order is the one reported and the result is the one-thread result.
 */
#define CSV_PAR_BUF (1u << 20)  /* bytes read ahead per round */
#define CSV_PAR_SPLIT 16384u    /* a part is at least this long (shorter: one part) */
#define CSV_PAR_ROWS (4u << 20) /* bytes of row buffers for all parts */

typedef struct par_row {
  const char *id, *name, *group;
  size_t id_len, name_len, group_len;
  uint64_t id_hash;
  int64_t revenue, margin;
  size_t off, len;   /* the line in the buffer, its LF included */
  bool plain;        /* false: the line goes to the tokenizer */
  unsigned flags;    /* KAM_ACCOUNT_MARGIN or 0 */
  unsigned hist_at;  /* first filled history period (nhist when none) */
  unsigned fc_len;   /* forecast periods up to the last filled one */
} par_row;

typedef struct par_part {
  const csv_reader *r; /* read only while the workers run */
  const portfolio_csv *pc;
  const char *s; /* the buffer; the part is s[lo, hi), ending with LF */
  size_t lo, hi, stop;
  char mark;
  par_row *rows;
  int64_t *hist; /* nhist per row */
  double *fc;    /* nfc per row */
  uint32_t *cut; /* 2 per column: field start and length in the line */
  size_t nrows, cap;
} par_part;

typedef struct par_state {
  char *buf;
  par_part part[KAM__MAX_THREADS];
  size_t cap, cut_cols; /* rows and columns the part buffers hold */
} par_state;

/* A trimmed cell of the line at s whose fields are cut[]: "" when the line has no such field. */
static const char *par_cell(const char *s, const uint32_t *cut, size_t nf, size_t col,
                            size_t *len) {
  const char *t;
  if (col == NO_COL || col >= nf) {
    *len = 0;
    return "";
  }
  t = s + cut[2 * col];
  *len = cut[2 * col + 1];
  if (*len && (trim_head[(unsigned char)t[0]] || trim_tail[(unsigned char)t[*len - 1]]))
    kam__csv_trim(&t, len);
  return t;
}

/* Reads the plain line s[0, e) (e at its LF) into *row; false when it is not plain. */
static bool par_line(par_part *pp, const char *s, size_t e, par_row *row, int64_t *hist,
                     double *fc) {
  const csv_reader *r = pp->r;
  const portfolio_csv *pc = pp->pc;
  const int digits = r->opts.currency_digits;
  const char mark = pp->mark;
  size_t end = e > 0 && s[e - 1] == '\r' ? e - 1 : e, nf = 0, i = 0, j, base = 0, k, len;
  unsigned mask;
  const char *c;
  int64_t v;
  if (e >= CSV_MAX_FIELD) return false;
  mask = special_mask(r, s, 0, e + 1);
  for (;;) {
    j = next_special(r, s, e + 1, &base, &mask);
    if (s[j] == '\r' && j != end) return false; /* a CR line end inside: a line of its own */
    if (nf == r->ncols) return false;
    pp->cut[2 * nf] = (uint32_t)i;
    pp->cut[2 * nf + 1] = (uint32_t)(j - i);
    nf++;
    i = j + 1;
    if (j == end) break;
  }
  if (!plain_ascii(s, end) && (memchr(s, '\0', end) || !kam__utf8_valid(s, end, NULL)))
    return false;
  c = par_cell(s, pp->cut, nf, pc->col[R_ID], &len);
  if (len == 0) return false;
  row->id = c;
  row->id_len = len;
  row->id_hash = kam__portfolio_id_hash(pc->p, c, len);
  c = par_cell(s, pp->cut, nf, pc->col[R_REVENUE], &len);
  if (len == 0 || !kam__decimal_minor_simple(&row->revenue, c, len, mark, digits) ||
      row->revenue < 0)
    return false;
  row->name = par_cell(s, pp->cut, nf, pc->col[R_NAME], &row->name_len);
  row->group = par_cell(s, pp->cut, nf, pc->col[R_GROUP], &row->group_len);
  (void)par_cell(s, pp->cut, nf, pc->col[R_POTENTIAL], &len);
  if (len) return false;
  (void)par_cell(s, pp->cut, nf, pc->col[R_STRATEGIC], &len);
  if (len) return false;
  (void)par_cell(s, pp->cut, nf, pc->col[R_NEW], &len);
  if (len) return false;
  row->flags = 0;
  row->margin = 0;
  c = par_cell(s, pp->cut, nf, pc->col[R_MARGIN], &len);
  if (len) {
    if (!kam__decimal_minor_simple(&row->margin, c, len, mark, digits) ||
        row->margin == KAM_MARGIN_UNKNOWN)
      return false;
    row->flags = KAM_ACCOUNT_MARGIN;
  }
  c = par_cell(s, pp->cut, nf, pc->col[R_COST], &len);
  if (len) {
    if (!kam__decimal_minor_simple(&v, c, len, mark, digits) || v < 0) return false;
    row->margin = row->revenue - v;
    row->flags = KAM_ACCOUNT_MARGIN;
  }
  row->hist_at = (unsigned)pc->nhist;
  for (k = 0; k < pc->nhist; k++) {
    c = par_cell(s, pp->cut, nf, pc->hist_col[k], &len);
    v = 0;
    if (len == 0 && row->hist_at == pc->nhist) continue;
    if (row->hist_at == pc->nhist) row->hist_at = (unsigned)k;
    if (len && (!kam__decimal_minor_simple(&v, c, len, mark, digits) || v < 0)) return false;
    hist[k] = v;
  }
  row->fc_len = 0;
  for (k = 0; k < pc->nfc; k++) {
    c = par_cell(s, pp->cut, nf, pc->fc_col[k], &len);
    v = 0;
    if (len && !kam__decimal_minor_simple(&v, c, len, mark, digits)) return false;
    if (len) row->fc_len = (unsigned)k + 1;
    fc[k] = (double)v;
  }
  return true;
}

/* A worker: each line of its part as a plain row or as a line for the tokenizer, up to the end
 * of the part or of the row buffer (pp->stop). */
static int par_task(void *arg) {
  par_part *pp = (par_part *)arg;
  size_t i = pp->lo, nh = pp->pc->nhist, nfc = pp->pc->nfc;
  pp->nrows = 0;
  while (i < pp->hi && pp->nrows < pp->cap) {
    const char *lf = (const char *)memchr(pp->s + i, '\n', pp->hi - i);
    par_row *row = &pp->rows[pp->nrows];
    size_t e = (size_t)(lf - pp->s);
    row->plain = par_line(pp, pp->s + i, e - i, row, nh ? pp->hist + pp->nrows * nh : NULL,
                          nfc ? pp->fc + pp->nrows * nfc : NULL);
    row->off = i;
    row->len = e + 1 - i;
    pp->nrows++;
    i = e + 1;
  }
  pp->stop = i;
  return 0;
}

/* Row buffers for parts of up to `rows` rows each (kept for the next rounds). */
static int par_reserve(csv_reader *r, par_state *ps, size_t rows) {
  const portfolio_csv *pc = (const portfolio_csv *)r->sink;
  unsigned k, parts = r->ctx->threads;
  if (rows <= ps->cap && r->ncols <= ps->cut_cols) return KAM_OK;
  if (rows < ps->cap) rows = ps->cap;
  for (k = 0; k < parts; k++) {
    par_part *pp = &ps->part[k];
    kam__free(r->ctx, pp->rows, ps->cap * sizeof *pp->rows);
    kam__free(r->ctx, pp->hist, ps->cap * pc->nhist * sizeof *pp->hist);
    kam__free(r->ctx, pp->fc, ps->cap * pc->nfc * sizeof *pp->fc);
    kam__free(r->ctx, pp->cut, ps->cut_cols * 2 * sizeof *pp->cut);
    pp->rows = NULL;
    pp->hist = NULL;
    pp->fc = NULL;
    pp->cut = NULL;
  }
  ps->cap = 0;
  ps->cut_cols = 0;
  for (k = 0; k < parts; k++) {
    par_part *pp = &ps->part[k];
    pp->rows = (par_row *)kam__alloc_array(r->ctx, rows, sizeof *pp->rows);
    pp->hist = pc->nhist ? (int64_t *)kam__alloc_array(r->ctx, rows * pc->nhist, sizeof *pp->hist)
                         : NULL;
    pp->fc = pc->nfc ? (double *)kam__alloc_array(r->ctx, rows * pc->nfc, sizeof *pp->fc) : NULL;
    pp->cut = (uint32_t *)kam__alloc_array(r->ctx, r->ncols * 2, sizeof *pp->cut);
    if (!pp->rows || (pc->nhist && !pp->hist) || (pc->nfc && !pp->fc) || !pp->cut) {
      /* free what this round got: the caps say what every part holds */
      ps->cap = rows;
      ps->cut_cols = r->ncols;
      return kam__nomem(r->ctx);
    }
  }
  ps->cap = rows;
  ps->cut_cols = r->ncols;
  return KAM_OK;
}

static void par_free(kam_ctx *ctx, par_state *ps, const portfolio_csv *pc) {
  unsigned k;
  for (k = 0; k < KAM__MAX_THREADS; k++) {
    par_part *pp = &ps->part[k];
    kam__free(ctx, pp->rows, pp->rows ? ps->cap * sizeof *pp->rows : 0);
    kam__free(ctx, pp->hist, pp->hist ? ps->cap * pc->nhist * sizeof *pp->hist : 0);
    kam__free(ctx, pp->fc, pp->fc ? ps->cap * pc->nfc * sizeof *pp->fc : 0);
    kam__free(ctx, pp->cut, pp->cut ? ps->cut_cols * 2 * sizeof *pp->cut : 0);
  }
}

/* Reads s[lo, hi): at a record start, no quote, ending with LF. */
static int par_region(csv_reader *r, par_state *ps, char *s, size_t lo, size_t hi) {
  portfolio_csv *pc = (portfolio_csv *)r->sink;
  size_t len = hi - lo, rows, row_bytes, at = lo;
  unsigned threads = r->ctx->threads, parts = threads, k;
  int rc;
  if (len / CSV_PAR_SPLIT < parts) parts = (unsigned)(len / CSV_PAR_SPLIT);
  if (parts < 1) parts = 1;
  row_bytes = sizeof(par_row) + (pc->nhist + pc->nfc) * sizeof(int64_t);
  rows = CSV_PAR_ROWS / row_bytes / (threads ? threads : 1);
  if (rows > len / 2 + 1) rows = len / 2 + 1; /* a row is at least a byte and its LF */
  if (rows < 16) rows = 16;
  if ((rc = par_reserve(r, ps, rows)) != 0) return rc;
  for (k = 0; k < parts; k++) {
    par_part *pp = &ps->part[k];
    size_t end = k + 1 == parts ? hi : lo + len / parts * (k + 1);
    if (end < at) end = at;
    if (k + 1 < parts && end < hi) end = (size_t)((const char *)memchr(s + end, '\n', hi - end) - s) + 1;
    pp->r = r;
    pp->pc = pc;
    pp->s = s;
    pp->lo = at;
    pp->hi = end;
    pp->mark = r->opts.decimal_mark ? r->opts.decimal_mark : pc->mark;
    pp->cap = ps->cap;
    at = end;
  }
  kam__parallel(par_task, ps->part, sizeof ps->part[0], parts);
  for (k = 0; k < parts; k++) {
    par_part *pp = &ps->part[k];
    size_t i;
    for (i = 0; i < pp->nrows; i++) {
      const par_row *row = &pp->rows[i];
      kam_account a;
      if (row->plain) {
        memset(&a, 0, sizeof a);
        a.struct_size = sizeof a;
        a.potential = NAN;
        a.id = row->id;
        a.revenue = row->revenue;
        a.name = row->name_len ? row->name : NULL;
        a.group = row->group_len ? row->group : NULL;
        a.flags = row->flags;
        a.margin = row->margin;
        if (row->hist_at < pc->nhist) {
          a.history = pp->hist + i * pc->nhist + row->hist_at;
          a.history_len = pc->nhist - row->hist_at;
        }
        if (row->fc_len) {
          a.forecast = pp->fc + i * pc->nfc;
          a.forecast_len = row->fc_len;
        }
        if (kam__portfolio_add_checked(pc->p, &a, row->id_len, row->name_len, row->group_len,
                                       row->id_hash) == KAM_OK) {
          r->line++;
          continue;
        }
      }
      /* Not plain, or its add failed: the tokenizer reads the line (and reports the failure). */
      if ((rc = tokenize(r, s + row->off, row->len)) != 0) return rc;
    }
    if (pp->stop < pp->hi && (rc = tokenize(r, s + pp->stop, pp->hi - pp->stop)) != 0) return rc;
  }
  return KAM_OK;
}

/* Feeds s[0, n) (s[n] is a NUL): quote-free runs of whole records through par_region, the
 * rest line by line through feed. */
static int par_feed(csv_reader *r, par_state *ps, char *s, size_t n) {
  size_t pos = 0;
  int rc;
  while (pos < n) {
    const char *lf;
    size_t e;
    if (r->stage == STAGE_BODY && r->state == ST_START && r->nfields == 0 && !r->prev_cr) {
      const char *q = (const char *)memchr(s + pos, '"', n - pos);
      size_t lim = q ? (size_t)(q - s) : n;
      while (lim > pos && s[lim - 1] != '\n')
        lim--;
      if (lim > pos) {
        if ((rc = par_region(r, ps, s, pos, lim)) != 0) return rc;
        pos = lim;
        continue;
      }
    }
    lf = (const char *)memchr(s + pos, '\n', n - pos);
    e = lf ? (size_t)(lf - s) + 1 : n;
    if ((rc = feed(r, s + pos, e - pos, false)) != 0) return rc;
    pos = e;
  }
  return KAM_OK;
}

static void reader_free(csv_reader *r) {
  kam__buf_free(&r->pre);
  kam__buf_free(&r->rec);
  kam__free(r->ctx, r->fields, r->fields_cap * sizeof *r->fields);
  kam__free(r->ctx, r->hdr, r->hdr_cap);
  kam__free(r->ctx, r->hdr_fields, r->ncols * sizeof *r->hdr_fields);
}

/* The read loop of kam__csv_read for the portfolio reader on several threads: rounds of up to
 * CSV_PAR_BUF bytes, read in CSV_CHUNK requests as the one-thread loop reads them; a read error
 * is reported after the bytes before it are read (an error in them comes first). */
static int read_parallel(csv_reader *r, const char *fn, kam_read_fn read, void *ud) {
  kam_ctx *ctx = r->ctx;
  par_state ps;
  size_t total = 0;
  int rc = KAM_OK;
  memset(&ps, 0, sizeof ps);
  ps.buf = (char *)kam__alloc(ctx, CSV_PAR_BUF + 1);
  if (!ps.buf) return kam__nomem(ctx);
  for (;;) {
    size_t fill = 0, n = 0, before;
    int rrc = KAM_OK;
    bool eof = false, over = false;
    while (fill + CSV_CHUNK <= CSV_PAR_BUF) {
      n = 0;
      if ((rrc = read(ud, ps.buf + fill, CSV_CHUNK, &n)) != 0) break;
      if (n > CSV_CHUNK) {
        over = true;
        break;
      }
      total += n;
      fill += n;
      if (n == 0) {
        eof = true;
        break;
      }
    }
    ps.buf[fill] = '\0';
    before = total;
    if ((rc = par_feed(r, &ps, ps.buf, fill)) != 0) break;
    if (rrc) {
      rc = rrc;
      kam__error(ctx, rrc, "%s: the read callback returned %d after %zu bytes", fn, rrc, before);
      break;
    }
    if (over) {
      rc = kam__error(ctx, KAM_EINVAL, "%s: the read callback returned more than it was asked",
                      fn);
      break;
    }
    if (eof) {
      if ((rc = feed(r, ps.buf, 0, true)) == 0) rc = tokenize_end(r);
      break;
    }
  }
  par_free(ctx, &ps, (const portfolio_csv *)r->sink);
  kam__free(ctx, ps.buf, CSV_PAR_BUF + 1);
  if (rc == KAM_OK && !r->have_header)
    rc = kam__error(ctx, KAM_EPARSE, "line 1: the input is empty (no header line)");
  return rc;
}

int kam__csv_read(kam_ctx *ctx, const char *fn, kam_read_fn read, void *ud,
                  const kam_csv_options *o, kam__csv_record_fn on_header, kam__csv_record_fn on_row,
                  void *sink) {
  csv_reader r;
  char *chunk;
  size_t total = 0;
  int rc;
  if (!read) return kam__error(ctx, KAM_EINVAL, "%s: read is NULL", fn);
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.sink = sink;
  r.on_header = on_header;
  r.on_row = on_row;
  if ((rc = csv_options_get(&r.opts, o, ctx, fn)) != 0) return rc;
  kam__buf_init(&r.pre, ctx);
  kam__buf_init(&r.rec, ctx);
  r.stage = STAGE_BOM;
  r.line = 1;
  if (ctx->threads >= 2 && on_row == handle_row) {
    rc = read_parallel(&r, fn, read, ud);
    reader_free(&r);
    return rc;
  }
  chunk = (char *)kam__alloc(ctx, CSV_CHUNK);
  if (!chunk) return kam__nomem(ctx);
  for (;;) {
    size_t n = 0;
    rc = read(ud, chunk, CSV_CHUNK, &n);
    if (rc) {
      kam__error(ctx, rc, "%s: the read callback returned %d after %zu bytes", fn, rc, total);
      break;
    }
    if (n > CSV_CHUNK) {
      rc = kam__error(ctx, KAM_EINVAL, "%s: the read callback returned more than it was asked", fn);
      break;
    }
    total += n;
    if ((rc = feed(&r, chunk, n, n == 0)) != 0) break;
    if (n == 0) {
      rc = tokenize_end(&r);
      break;
    }
  }
  kam__free(ctx, chunk, CSV_CHUNK);
  if (rc == KAM_OK && !r.have_header)
    rc = kam__error(ctx, KAM_EPARSE, "line 1: the input is empty (no header line)");
  reader_free(&r);
  return rc;
}

int kam_portfolio_read_csv(kam_portfolio *p, kam_read_fn read, void *ud, const kam_csv_options *o) {
  portfolio_csv pc;
  kam_ctx *ctx;
  size_t start;
  int rc;
  if (!p) return KAM_EINVAL;
  ctx = kam__portfolio_ctx(p);
  memset(&pc, 0, sizeof pc);
  pc.p = p;
  start = kam_portfolio_count(p);
  rc = kam__csv_read(ctx, "kam_portfolio_read_csv", read, ud, o, handle_header, handle_row, &pc);
  kam__free(ctx, pc.hist_col, pc.nhist * sizeof(size_t));
  kam__free(ctx, pc.hist, pc.nhist * sizeof(int64_t));
  kam__free(ctx, pc.fc_col, pc.nfc * sizeof(size_t));
  kam__free(ctx, pc.fc, pc.nfc * sizeof(double));
  if (rc) kam__portfolio_truncate(p, start);
  return rc;
}

/* ------------------------------------------------------------------------------------------ */
/* CSV out                                                                                     */

typedef struct csv_writer {
  kam__out out;
  const kam_portfolio *p;
  char delim, mark;
  int digits;
  bool guard;
} csv_writer;

/* True when a text cell would start a formula in a spreadsheet (OWASP "CSV Injection"):
 * = + - @ TAB CR, and their full-width forms, which some spreadsheets also accept. */
static bool formula_like(const char *s, size_t len) {
  unsigned char c = len ? (unsigned char)s[0] : 0;
  if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') return true;
  return len >= 3 && c == 0xEF && (unsigned char)s[1] == 0xBC &&
         ((unsigned char)s[2] == 0x9D || (unsigned char)s[2] == 0x8B ||
          (unsigned char)s[2] == 0x8D || (unsigned char)s[2] == 0xA0);
}

/* One cell: quoted when it holds the delimiter, a quote, a line end, or leading/trailing
 * space; text cells (guard true) that look like formulas get a leading apostrophe. */
static int put_cell(csv_writer *w, const char *s, size_t len, bool text, bool last) {
  bool guard = text && w->guard && formula_like(s, len);
  bool quote = guard || (len && (s[0] == ' ' || s[len - 1] == ' '));
  size_t i, start;
  int rc;
  for (i = 0; i < len && !quote; i++)
    if (s[i] == w->delim || s[i] == '"' || s[i] == '\r' || s[i] == '\n') quote = true;
  if (quote && (rc = kam__out_put(&w->out, "\"", 1)) != 0) return rc;
  if (guard && (rc = kam__out_put(&w->out, "'", 1)) != 0) return rc;
  if (!quote) {
    if ((rc = kam__out_put(&w->out, s, len)) != 0) return rc;
  } else {
    for (start = i = 0; i < len; i++) {
      if (s[i] != '"') continue;
      if ((rc = kam__out_put(&w->out, s + start, i + 1 - start)) != 0) return rc;
      start = i; /* the quote is written again: doubled */
    }
    if ((rc = kam__out_put(&w->out, s + start, len - start)) != 0) return rc;
    if ((rc = kam__out_put(&w->out, "\"", 1)) != 0) return rc;
  }
  return last ? kam__out_put(&w->out, "\r\n", 2) : kam__out_put(&w->out, &w->delim, 1);
}

static int put_text(csv_writer *w, const char *s, bool last) {
  return put_cell(w, s ? s : "", s ? strlen(s) : 0, true, last);
}

static int put_num(csv_writer *w, const char *s, size_t len) {
  return put_cell(w, s, len, false, false);
}

/* A double with the output decimal mark, shortest round-trip text; NaN as an empty cell. */
static int put_double(csv_writer *w, double v) {
  char b[32];
  size_t n, i;
  if (!isfinite(v)) return put_num(w, "", 0);
  n = kam__fmt_double(b, v);
  for (i = 0; i < n; i++)
    if (b[i] == '.') b[i] = w->mark;
  return put_num(w, b, n);
}

static int put_size(csv_writer *w, size_t v) {
  char b[32];
  int n = snprintf(b, sizeof b, "%zu", v);
  return put_num(w, b, (size_t)n);
}

/* An amount in minor units as a plain number with the writer's decimal mark ("1234,56"); last
 * ends the row. */
static int put_amount_cell(csv_writer *w, int64_t minor, bool last) {
  char b[KAM__DECIMAL_TEXT_CAP];
  kam__numfmt f = {'.', NULL, 0, true, false};
  kam__decimal d;
  f.mark = w->mark;
  d.coef = minor;
  d.scale = w->digits;
  return put_cell(w, b, kam__decimal_write(b, sizeof b, d, &f), false, last);
}

static int put_amount(csv_writer *w, int64_t minor) { return put_amount_cell(w, minor, false); }
/* A score of 0..1 as plain decimal text with up to 12 places ("0.25"; NaN: empty), the
 * precision the reader takes it with, so the cell reads back as the same value. */
static int put_fraction(csv_writer *w, double v) {
  char b[KAM__DECIMAL_TEXT_CAP];
  kam__numfmt f = {'.', NULL, 0, false, false};
  kam__decimal d;
  if (!isfinite(v)) return put_num(w, "", 0);
  f.mark = w->mark;
  d.coef = llround(v * 1e12);
  d.scale = 12;
  return put_num(w, b, kam__decimal_write(b, sizeof b, d, &f));
}

static int write_score_row(void *ud, const kam_account_score *sc) {
  csv_writer *w = (csv_writer *)ud;
  char b[64], cls[2] = {0, 0};
  size_t n = 0;
  int rc;
  unsigned k;
  if ((rc = put_size(w, sc->rank)) != 0) return rc;
  if ((rc = put_text(w, sc->id, false)) != 0) return rc;
  if ((rc = put_text(w, kam__portfolio_name(w->p, sc->index), false)) != 0) return rc;
  if ((rc = put_text(w, kam__portfolio_group(w->p, sc->index), false)) != 0) return rc;
  if ((rc = put_amount(w, sc->revenue)) != 0) return rc;
  if ((rc = put_double(w, sc->share)) != 0) return rc;
  if ((rc = put_double(w, sc->cum_share)) != 0) return rc;
  cls[0] = sc->abc;
  if ((rc = put_num(w, cls, 1)) != 0) return rc;
  cls[0] = sc->xyz;
  if ((rc = put_num(w, cls, sc->xyz == 'X' || sc->xyz == 'Y' || sc->xyz == 'Z' ? 1 : 0)) != 0)
    return rc;
  if ((rc = put_double(w, sc->cv)) != 0) return rc;
  if ((rc = put_double(w, sc->trend)) != 0) return rc;
  /* NPV is money: forecasts are in minor units (as the CSV reader stores them), so it is
   * written like revenue, rounded to the minor unit. */
  if (isfinite(sc->npv) && fabs(sc->npv) < 9.0e18) {
    rc = put_amount(w, (int64_t)llround(sc->npv));
  } else {
    rc = put_double(w, sc->npv);
  }
  if (rc) return rc;
  if ((rc = put_double(w, sc->score)) != 0) return rc;
  if ((rc = put_num(w, sc->key_reasons ? "1" : "0", 1)) != 0) return rc;
  n = 0;
  for (k = 0; k < 4; k++) {
    const char *reason = kam_key_reason_name(1u << k);
    size_t rlen = strlen(reason);
    if (!(sc->key_reasons & (1u << k))) continue;
    if (n) b[n++] = ' ';
    memcpy(b + n, reason, rlen + 1); /* with its NUL: b has room for all four */
    n += rlen;
  }
  if ((rc = put_cell(w, b, n, false, false)) != 0) return rc;
  if (sc->has_margin) {
    if ((rc = put_amount_cell(w, sc->margin, false)) != 0) return rc;
  } else if ((rc = put_cell(w, "", 0, false, false)) != 0) { /* empty: unknown */
    return rc;
  }
  {
    const char *status = kam_retention_status_name(sc->status),
               *light = kam_health_light_name(sc->light);
    if ((rc = put_num(w, status ? status : "", status ? strlen(status) : 0)) != 0) return rc;
    if ((rc = put_fraction(w, sc->relationship)) != 0) return rc;
    if ((rc = put_double(w, sc->health)) != 0) return rc;
    if ((rc = put_num(w, light ? light : "", light ? strlen(light) : 0)) != 0) return rc;
  }
  n = 0;
  for (k = 0; k < 5; k++) {
    const char *reason = kam_health_reason_name(1u << k);
    size_t rlen = strlen(reason);
    if (!(sc->health_reasons & (1u << k))) continue;
    if (n) b[n++] = ' ';
    memcpy(b + n, reason, rlen + 1); /* with its NUL: b has room for all five */
    n += rlen;
  }
  return put_cell(w, b, n, false, true);
}

int kam_segmentation_write_csv(const kam_segmentation *s, kam_write_fn write, void *ud,
                               const kam_csv_options *o) {
  static const char *const header[] = {
      "rank",   "id",           "name",   "group", "revenue",       "share", "cum_share",
      "abc",    "xyz",          "cv",     "trend", "npv",           "score", "key",
      "key_reasons", "margin",  "status", "relationship", "health", "light", "health_reasons"};
  csv_writer w;
  kam_csv_options opts;
  kam_ctx *ctx;
  size_t i;
  int rc;
  if ((rc = kam__segmentation_write_check(&ctx, s, write, "kam_segmentation_write_csv")) != 0 ||
      (rc = csv_options_get(&opts, o, ctx, "kam_segmentation_write_csv")) != 0)
    return rc;
  memset(&w, 0, sizeof w);
  w.p = kam__segmentation_portfolio(s);
  w.delim = opts.delimiter ? opts.delimiter : ',';
  w.mark = opts.decimal_mark ? opts.decimal_mark : (w.delim == ';' ? ',' : '.');
  w.digits = opts.currency_digits;
  w.guard = !(opts.flags & KAM_CSV_NO_FORMULA_GUARD);
  kam__out_init(&w.out, ctx, write, ud);
  /* The UTF-8 BOM makes Excel read the file as UTF-8 (without it, it uses the ANSI code page). */
  rc = kam__out_put(&w.out, "\xEF\xBB\xBF", 3);
  for (i = 0; rc == KAM_OK && i < sizeof header / sizeof header[0]; i++)
    rc = put_cell(&w, header[i], strlen(header[i]), false,
                  i + 1 == sizeof header / sizeof header[0]);
  if (rc == KAM_OK) rc = kam_segmentation_foreach(s, KAM_ORDER_RANK, write_score_row, &w);
  if (rc == KAM_OK) rc = kam__out_flush(&w.out);
  return rc;
}

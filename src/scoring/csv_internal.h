/*
 * csv_internal.h - the one CSV reading engine (csv.c) and what its readers share: the portfolio
 * reader (kam_portfolio_read_csv, csv.c) and the stakeholder reader (kam_dmu_read_csv,
 * dmu_csv.c).
 *
 * The engine owns everything about bytes and records: the read loop over a kam_read_fn, the
 * BOM and UTF-16 check, the "sep=" line, delimiter detection, RFC 4180 tokenizing with physical
 * line counting, UTF-8 and NUL checks, the limits, blank records, the header record (kept for
 * column names in messages) and fields beyond the header. A reader supplies two callbacks: one
 * for the header record and one for each data record, and reads cells through kam__csv_cell.
 */
#ifndef KAM_CSV_INTERNAL_H
#define KAM_CSV_INTERNAL_H

#include "core/internal.h"

#define KAM__CSV_NO_COL ((size_t)-1)

typedef struct kam__csv_field {
  size_t off, len; /* in the record's text; the text is NUL-terminated at off + len */
  size_t line;     /* physical line where the field starts */
} kam__csv_field;

typedef struct kam__csv_reader kam__csv_reader;
/* Called with the header record (r->hdr, r->hdr_fields, r->ncols set) or with a data record
 * (cells through kam__csv_cell). A nonzero status (with the ctx message set) stops the read. */
typedef int (*kam__csv_record_fn)(kam__csv_reader *r);

/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding): grouped by stage for the reader */
struct kam__csv_reader {
  kam_ctx *ctx;
  kam_csv_options opts;
  void *sink; /* the caller's reader state */
  kam__csv_record_fn on_header, on_row;
  char delim;
  int stage;
  unsigned char head[3]; /* first bytes, for the BOM check */
  size_t head_len;
  kam__buf pre;          /* bytes held back until the header line is complete */
  bool pre_quoted;       /* quote state while scanning pre */
  size_t pre_scan;       /* bytes of pre already scanned */
  size_t pre_line_start; /* start of the current line in pre */
  size_t sep_lines;      /* lines consumed by a "sep=" line */
  size_t skipped_lines;  /* blank or delimiter-only lines dropped before the header */
  bool pre_cr;           /* the last dropped line ended with CR (an LF next belongs to it) */
  /* tokenizer */
  int state;
  bool prev_cr; /* the last byte was a CR line end (a following LF belongs to it) */
  size_t line;  /* current physical line, 1-based */
  size_t field_line, quote_line;
  size_t field_off;           /* start of the current field in rec */
  unsigned char special[256]; /* delimiter, CR, LF */
  kam__buf rec;
  char *ext; /* when not NULL, the fields' offsets are into this text instead of rec (a record
                read in place from the input chunk) */
  kam__csv_field *fields;
  size_t nfields, fields_cap;
  /* header */
  bool have_header;
  char *hdr; /* copy of the header record's text */
  size_t hdr_cap;
  kam__csv_field *hdr_fields; /* trimmed names */
  size_t ncols;
};

/* Reads CSV from read/ud, calling on_header once and on_row for each non-blank record after it.
 * fn names the public function in messages ("kam_dmu_read_csv: ..."). Checks the options (as
 * kam/io.h documents) and reports an input without a header line. Frees all it allocated; the
 * caller undoes what its callbacks did when this returns nonzero. */
int kam__csv_read(kam_ctx *ctx, const char *fn, kam_read_fn read, void *ud,
                  const kam_csv_options *o, kam__csv_record_fn on_header,
                  kam__csv_record_fn on_row, void *sink);

/* The trimmed, NUL-terminated text of column col in the current record ("" when the record
 * has no such field or col is KAM__CSV_NO_COL); *line is where it starts. */
char *kam__csv_cell(kam__csv_reader *r, size_t col, size_t *len, size_t *line);
/* "line 17, column \"revenue\"" (the header name, or the 1-based number) into out (cap >= 160). */
const char *kam__csv_place(const kam__csv_reader *r, size_t line, size_t col, char *out,
                           size_t cap);
/* Sets the ctx message "<place>: '<value>' <why>" and returns status. */
int kam__csv_cell_error(const kam__csv_reader *r, int status, size_t line, size_t col,
                        const char *value, size_t len, const char *why);

/* Text helpers. kam__csv_trim drops spaces, tabs, NBSP and narrow NBSP at both ends.
 * kam__csv_fold folds a header name or a word for matching, without the C locale (ASCII and
 * Cyrillic to lower case, ё to е, '_' '-' '.' and spaces to one space, cut before ',' or '(');
 * it writes at most cap-1 bytes and a NUL and returns the length. kam__csv_shown copies a value
 * for a message (at most 40 bytes, control characters as spaces); out needs 48 bytes. */
void kam__csv_trim(const char **s, size_t *len);
size_t kam__csv_fold(char *out, size_t cap, const char *s, size_t len);
const char *kam__csv_shown(char *out, const char *s, size_t len);

#endif /* KAM_CSV_INTERNAL_H */

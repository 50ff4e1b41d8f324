/*
 * kam/io.h - CSV in and out, JSON and SVG out, all through caller-supplied callbacks.
 *
 * libkam does no I/O of its own: the reader pulls bytes through a kam_read_fn and the writers
 * push bytes through a kam_write_fn (kam/common.h), so the same calls serve files, sockets,
 * memory and databases. Every function here streams: reading never holds more than one record
 * (plus a 64 KiB read buffer; on several threads, see kam_portfolio_read_csv), writing never more than one account's text (plus a 16 KiB block
 * that is handed to the write callback when full). A 10-million-account report therefore costs
 * a few thousand callback calls and a few kilobytes.
 *
 * Threads: like every libkam call, these use the ctx of the portfolio or segmentation and must
 * not run concurrently with other calls on that ctx. The writers only read the segmentation,
 * but the first rank-order walk fills its rank cache (see kam_segmentation_foreach), so two
 * threads may not write reports of one segmentation at the same time either. With
 * kam_ctx_set_threads(ctx, t >= 2), kam_portfolio_read_csv parses on up to t threads of its
 * own (see there); the read callback, the allocator and the error message stay on the calling
 * thread, and the result, the message and its line and column are those of one thread.
 *
 * Callback status: a read or write callback that returns nonzero stops the call, which returns
 * that value unchanged (the ctx message then says which callback stopped it). Nothing else in
 * this header returns a positive value.
 */
#ifndef KAM_IO_H
#define KAM_IO_H

#include "common.h"
#include "portfolio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** kam_csv_options.flags: do not neutralise formula-like text cells on output (see
 *  kam_segmentation_write_csv). Reading ignores it. */
enum { KAM_CSV_NO_FORMULA_GUARD = 1u << 0 };

/** CSV options, for reading and writing. Fill with kam_csv_options_init, then change fields.
 *  NULL wherever an options pointer is taken means the defaults. */
typedef struct kam_csv_options {
  uint32_t struct_size;    /**< sizeof(kam_csv_options); fields past it take their defaults */
  uint32_t flags;          /**< KAM_CSV_NO_FORMULA_GUARD; default 0 */
  char delimiter;          /**< 0 (default): read: detect; write: ','. Any ASCII byte except
                                '"', CR and LF */
  char decimal_mark;       /**< 0 (default): read: detect; write: ',' when the delimiter is ';',
                                else '.'. Or '.' or ',' */
  uint8_t currency_digits; /**< digits of the minor unit, 0..18; default 2 (kopecks, cents) */
} kam_csv_options;

/** Fills *o with the defaults (flags 0, delimiter 0, decimal_mark 0, currency_digits 2) and sets
 *  o->struct_size = struct_size (pass sizeof *o). Only the first struct_size bytes are written;
 *  bytes past the fields this library knows are zeroed. NULL, or a struct_size below 4, is a
 *  no-op. */
KAM_API void kam_csv_options_init(kam_csv_options *o, size_t struct_size);

/** Reads accounts from CSV text and adds them to p, after the accounts it already has.
 *
 *  Input: UTF-8 text (a UTF-8 BOM is skipped) as RFC 4180 describes it plus what real exports
 *  contain: line ends CRLF, LF or CR (mixed too); quoted fields holding the delimiter, doubled
 *  quotes ("") and line breaks; a quote inside an unquoted field is ordinary text; spaces and
 *  tabs after a closing quote are ignored; blank lines and lines of only delimiters (";;;;") are
 *  skipped; leading and trailing spaces (also NBSP U+00A0 and U+202F) are not part of a value.
 *  A first line "sep=X" (Excel's delimiter hint) sets the delimiter and is skipped.
 *
 *  Delimiter: o->delimiter, or else detected from the header line: the most frequent of ';',
 *  TAB and ',' outside quotes (ties in that order), ',' when none occurs. The header line is
 *  the first line that is not blank and not only delimiters (by the delimiter it would give).
 *
 *  Numbers: amounts (revenue, history, forecast) are parsed exactly from their decimal text
 *  into minor units with o->currency_digits digits, never through floating point. Thousands
 *  separators may be spaces, NBSP (U+00A0), narrow NBSP (U+202F) or apostrophes between groups
 *  of three digits ("1 234 567,89"); ',' is never a thousands separator. The decimal mark is
 *  o->decimal_mark, or else decided by the first number in the file that holds exactly one of
 *  '.' and ',' (Russian Excel: ';' with a decimal comma; Google Sheets in a Russian locale: ','
 *  with quoted "1,5"); from then on the other mark is an error. More decimals than
 *  currency_digits is an error unless the extra digits are zeros. A typographic minus U+2212 is
 *  read as '-'. Excel writes cells as displayed, so a currency sign or code at either end is
 *  dropped ("1 234,56 ₽", "$1234.56", "-€5", "99 руб.", "5р.", "7 RUB"; also €, £, ¥,
 * USD, EUR, RUR); scientific notation ("1,23E+11", what a narrow column shows) has lost digits and
 *  is an error that says so.
 *
 *  Columns are found by header name: case-insensitive (ASCII and Cyrillic, without the C
 *  locale; Ё = Е), trimmed, '_' '-' '.' read as spaces, and text from the first ',' or '(' on
 *  ignored ("Выручка, руб." is "выручка", "Revenue (RUB)" is "revenue"). Other columns are
 *  ignored. When several columns fit one role the more specific name wins ("код" over "инн");
 *  two equally specific ones are an error.
 *  - id (required): id, account id, client id, customer id, код клиента, id клиента, код, ид,
 *    идентификатор, account, code, инн, inn, tax id. An empty id is an error.
 *  - revenue (required): revenue, выручка, sales, оборот, продажи, turnover, amount, сумма. An
 *    amount >= 0; empty is an error (write 0 for none).
 *  - name: name, наименование, account/client/customer name, company, название, наименование
 *    клиента, название клиента, компания, контрагент, клиент, client, customer.
 *  - group (group of companies under common control): group, группа, холдинг, holding, группа
 *    компаний, parent.
 *  - potential: potential, потенциал, growth potential, потенциал роста. A number from 0 to 1,
 *    or a percentage ("75 %"); empty is unknown (NaN).
 *  - relationship (kam_account.relationship, with KAM_ACCOUNT_RELATIONSHIP when filled):
 *    relationship, отношения. Read like potential; empty is unknown.
 *  - strategic, new (KAM_ACCOUNT_STRATEGIC, KAM_ACCOUNT_NEW): strategic, стратегический,
 *    strategic account, стратегический клиент, стратегия; new, новый, new account, new client,
 *    новый клиент. Yes: 1 true yes y x + да д х истина v ✓; no: 0 false no n - нет н ложь;
 *    empty is no (Excel's ИСТИНА/ЛОЖЬ work).
 *  - history, oldest first: h1..hN, also m, hist, history, month, м, мес, месяц, история
 *    followed by the period number ("h1", "M 12", "history_3"). Amounts >= 0. Empty cells before
 *    the first filled one are periods before the account existed and are dropped; an empty cell
 *    after it is 0.
 *  - forecast (projected net cash flow per future period, period 1 first): f1..fN, also fc,
 *    forecast, прогноз + number. Amounts, may be negative, stored in minor units as doubles
 *    (so NPV and revenue share a unit). Empty cells after the last filled one are beyond the
 *    horizon; an empty cell before it is 0.
 *  - margin (gross margin of the period, kam_account.margin): margin, маржа, gross margin,
 *    gross profit, валовая прибыль, валовая маржа. An amount, may be negative; empty is
 *    unknown.
 *  - cost (cost of sales): cost, себестоимость, cost of sales, cost of goods sold, cogs,
 *    себестоимость продаж. An amount >= 0; the margin is then revenue - cost; empty is unknown.
 *    A file with both a margin and a cost column is an error.
 *  Period numbers must run 1..N without gaps or repeats.
 *
 *  Errors: the ctx message names the line and the column: `line 17, column "revenue": '12,3.4'
 *  is not an amount`. Lines are physical lines of the input, counted from 1 (a "sep=" line and
 *  the line breaks inside quoted fields count); the column is the header name as written, or its
 *  1-based number when it has none.
 *
 *  Limits: a field at most 65536 bytes, a record at most 1 MiB, at most 4096 fields per record,
 *  at most 1024 history and 1024 forecast columns (KAM_ELIMIT). Skipped lines count toward no
 *  limit, and the result never depends on the chunk sizes read hands out.
 *
 *  Cost: O(input bytes) time; memory for the header and the current record (at most 1 MiB
 *  each, with their field tables) and a 64 KiB read buffer, besides what the accounts added
 *  take in p.
 *
 *  Atomicity: on any error nothing is added: rows already added by this call are taken back,
 *  the accounts p had before stay as they were.
 *
 *  @param p     the portfolio to add to.
 *  @param read  called repeatedly for more input until it reports 0 bytes; any chunk size
 *               works, down to 1 byte.
 *  @param ud    passed to read.
 *  @param o     options, or NULL for the defaults.
 *  @return KAM_OK;
 *    KAM_EINVAL   p or read NULL, bad options (struct_size below 8 or above 64 KiB, delimiter
 *                 '"' CR LF or non-ASCII, decimal_mark other than 0 '.' ',', currency_digits
 *                 above 18), or
 *                 read reported more bytes than asked;
 *    KAM_EPARSE   malformed input: the file is empty or UTF-16, no id or revenue column, two
 *                 columns for one role, both a margin and a cost column, history/forecast numbering with gaps or repeats, invalid
 *                 UTF-8, a NUL byte, an unterminated quoted field, text after a closing quote,
 *                 more fields than the header has columns (unless they are empty), an empty id
 *                 or revenue, a value that is not an amount / potential / yes-no, a negative
 *                 revenue, cost or history amount, too many decimals;
 *    KAM_EEXIST   an id already in p or earlier in the file;
 *    KAM_EOVERFLOW an amount does not fit in int64 minor units;
 *    KAM_ELIMIT   a limit above;
 *    KAM_ENOMEM;
 *    any nonzero value returned by read, unchanged.
 *
 *  Threads: with kam_ctx_set_threads(ctx, t >= 2) on p's ctx, the reader reads ahead up to
 *  1 MiB (still in requests of at most 64 KiB to read), and t threads parse the rows of that
 *  block that hold no quote; the calling thread adds them in file order and reads every other
 *  row (quoted fields, currency signs, errors, ...) itself. It then holds up to 1 MiB of input
 *  and up to 4 MiB of parsed rows besides the portfolio. The accounts, their order, the
 *  status and the message (line and column of the first error in the file) are those of one
 *  thread; only the read callback may be asked for up to 1 MiB more input before an error in
 *  the bytes it already gave is reported (a read failure after those bytes is reported after
 *  their errors, as with one thread). */
KAM_API int kam_portfolio_read_csv(kam_portfolio *p, kam_read_fn read, void *ud,
                                   const kam_csv_options *o);

/** Writes the segmentation as CSV, one row per account in rank order (revenue descending, ties
 *  by insertion order), in a form Excel opens correctly by double-click:
 *  - a UTF-8 BOM (without it Excel reads the ANSI code page and garbles Cyrillic), CRLF line
 *    ends, cells quoted only when they hold the delimiter, a quote, a line break, or start or
 *    end with a space; quotes doubled;
 *  - delimiter o->delimiter or ','; decimal mark o->decimal_mark, or ',' with ';' (Russian
 *    Excel), else '.'. Pass delimiter ';' for Excel in locales with a decimal comma;
 *  - columns: rank, id, name, group, revenue, share, cum_share, abc, xyz, cv, trend, npv, score,
 *    key, key_reasons, margin, status, relationship, health, light, health_reasons. revenue
 *    and margin are exact amounts (margin empty when unknown); revenue is the exact amount with
 *    currency_digits decimals ("1234.56",
 *    no thousands separators); npv is written the same way, rounded to the minor unit (forecasts
 *    are minor units); share, cum_share, cv, trend and score are the shortest text that reads
 *    back as the same double ("0.125", "1e-07"); an unknown value (NaN) and an unknown xyz are
 *    empty cells; key is 1 or 0; key_reasons lists "share", "group_share", "strategic",
 *    "top_score" separated by spaces; status is the retention status's name
 *    (kam_retention_status_name), empty when the segmentation has none; relationship is a plain
 *    decimal of up to 12 places ("0.25", as the reader takes it), health a number like share
 *    (both empty when unknown); light is "green", "yellow", "red" or empty;
 *    health_reasons lists kam_health_reason_name's words separated by spaces.
 *  - Formula injection (OWASP "CSV Injection"): a text cell (id, name, group) that starts with
 *    = + - @ TAB or CR, or a full-width ＝ ＋ － ＠, is written quoted with a leading apostrophe
 *    ("'=HYPERLINK(...)"), so spreadsheets show it as text; KAM_CSV_NO_FORMULA_GUARD turns this
 *    off. Numbers are never prefixed: the cells libkam writes itself (rank, amounts, shares,
 *    classes) are data, and a negative npv such as "-12.50" stays a number. Note that Excel may
 *    still reinterpret number-like ids ("00123" loses its zeros); import with Data > From Text
 *    to keep such ids as text.
 *  Nothing is written for a segmentation of 0 accounts but the BOM and the header row.
 *
 *  @param s      the segmentation; its portfolio must still exist (names and groups come from it).
 *  @param write  receives the bytes in blocks (about 16 KiB each, the last one shorter).
 *  @param ud     passed to write.
 *  @param o      options (delimiter, decimal_mark, currency_digits, flags), or NULL.
 *  @return KAM_OK; KAM_EINVAL (s or write NULL, bad options as for reading); KAM_ENOMEM; or the
 *    write callback's nonzero status unchanged (the output then ends early). */
KAM_API int kam_segmentation_write_csv(const kam_segmentation *s, kam_write_fn write, void *ud,
                                       const kam_csv_options *o);

/** Writes the segmentation as one JSON document (RFC 8259, UTF-8):
 *
 *      {"summary": {"accounts": 420, "key_accounts": 7, "total_revenue": 149033983456,
 *                   "classes": {"A": {"accounts": 92, "revenue": 1192..., "share": 0.8003,
 *                                     "margin_pct": 0.21},
 *                               "B": {...}, "C": {...}},
 *                   "hhi": 0.034, "effective_accounts": 29.4, "gini": 0.78,
 *                   "top20_share": 0.789, "basis": "revenue", "unit": "account",
 *                   "customers": 420, "key_revenue_share": 0.41,
 *                   "basis_total": 149033983456, "total_margin": 3120..., "margin_accounts": 400,
 *                   "unprofitable": 12, "unprofitable_revenue": 9120..., "key_unprofitable": 1,
 *                   "red_accounts": 3, "revenue_at_risk": 1290004},
 *       "accounts": [
 *        {"rank": 1, "index": 17, "id": "00-1", "name": "ООО \"Ромашка\"", "group": null,
 *         "revenue": 19374417849, "share": 0.13, "cum_share": 0.13, "abc": "A", "xyz": "X",
 *         "cv": 0.05, "trend": 0.01, "npv": 1.2e9, "score": 0.91, "strategic": false,
 *         "new": false, "key": true, "key_reasons": ["share"], "margin": -1200,
 *         "unprofitable": true, "customer_rank": 1, "status": "stable",
 *         "relationship": null, "health": 0.81, "light": "green", "health_reasons": []},
 *        ...]}
 *
 *  - Accounts are in rank order, one per line.
 *  - The summary's figures are kam_summary's; margin_pct is null when unknown (NaN), an
 *    account's margin null when unknown; "unprofitable" marks a known margin below 0.
 *  - Money (total_revenue, revenue in classes and accounts, the margins) is an integer of minor units,
 *    exact. Readers that keep numbers as doubles (JavaScript) lose exactness above 2^53 minor
 *    units (about 90 trillion with 2 digits); use a big-integer aware parser there. npv is a
 *    double in minor units.
 *  - Doubles are the shortest text that reads back the same; NaN (unknown cv, trend, npv;
 *    effective_accounts of a zero total; unknown relationship or health) is null; an unknown
 *    xyz, status or light is null; name and group are
 *    null when absent.
 *  - Strings are escaped per RFC 8259 (quote, backslash, control characters), and U+2028 and
 *    U+2029 as \u2028 \u2029; bytes that are not UTF-8 (possible only for text added through
 *    kam_portfolio_add without validation) become U+FFFD, so the output is always valid JSON.
 *  @return KAM_OK; KAM_EINVAL (s or write NULL); KAM_ENOMEM; or the write callback's status. */
KAM_API int kam_segmentation_write_json(const kam_segmentation *s, kam_write_fn write, void *ud);

/** Writes a standalone SVG 1.1 Pareto chart (960 x 600, UTF-8, no scripts, no external
 *  resources): bars of revenue share in rank order coloured by ABC class, the cumulative share
 *  line on a 0-100 % right axis, dashed vertical lines where class A and class B end, dotted
 *  horizontal lines at a_share and b_share, axis titles, the title with the account count and
 *  the top-20 % share, and a legend with each class's accounts and revenue share. With basis
 *  margin the bars, the line and the words are the gross margin's (each account's share).
 *  Up to 40 accounts get one bar each, labelled with the id (cut to 14 characters); up to 200
 *  one unlabelled bar each; more accounts are aggregated into 200 bars of consecutive ranks
 *  (the subtitle says how many accounts a bar holds), so 10 million accounts give the same small
 *  file as 200. Text is XML-escaped; numbers are written without the C locale.
 *  @return KAM_OK; KAM_EINVAL (s or write NULL); KAM_ENOMEM; or the write callback's status. */
KAM_API int kam_segmentation_write_svg(const kam_segmentation *s, kam_write_fn write, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* KAM_IO_H */

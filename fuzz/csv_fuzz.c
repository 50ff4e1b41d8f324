/* csv_fuzz.c - kam_portfolio_read_csv on arbitrary bytes, fed in chunk sizes taken from the
 * input itself (1 byte up to all of it), then, when the read succeeded, segmentation and all
 * three writers. Invariants checked (abort on violation, so the fuzzer reports them):
 *   - a failed read returns a KAM_E* code, sets a message and adds nothing;
 *   - reading the same bytes whole and in chunks gives the same status and the same count;
 *   - the writers succeed on whatever the reader accepted, and the CSV written (guard off)
 *     reads back as the same number of accounts with the same total revenue;
 *   - kam_portfolio_retention on what was read either fails with EINVAL (history too short) or
 *     EOVERFLOW, or gives a bridge that adds up exactly and counts every account once;
 *   - nothing leaks (every block handed back to the counting allocator).
 * Inputs over the 1 MiB limits are reachable without a huge corpus: when the second byte is
 * 0xF5 (never in UTF-8, so no real CSV starts that way), the input is expanded before the
 * read: a prefix of 1..16 bytes (length from the third byte) repeated past 1 MiB, then the
 * rest ("\n" x 1,100,000 and a short header, or a header line over the limit). The expanded
 * text is read in chunks of 1 to ~64 KiB and whole, and both reads must agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

static int sink(void *ud, const void *buf, size_t len) {
  size_t *total = (size_t *)ud;
  (void)buf;
  *total += len;
  return 0;
}

__extension__ typedef __int128 i128;

static void check_retention(const kam_portfolio *p, const kam_segmentation *s) {
  i128 end;
  kam_retention r;
  size_t n = 0;
  int k, rc;
  memset(&r, 0, sizeof r);
  r.struct_size = sizeof r;
  rc = kam_portfolio_retention(&r, p, s, NULL);
  if (rc == KAM_EINVAL || rc == KAM_EOVERFLOW) return;
  if (rc != KAM_OK) abort();
  for (k = 0; k < KAM_RETENTION_STATUSES; k++)
    n += r.count[k];
  if (n != kam_portfolio_count(p)) abort();
  end = (i128)r.bridge.start + r.bridge.added + r.bridge.expansion - r.bridge.contraction -
        r.bridge.churn;
  if (end != r.bridge.end || (i128)r.hunting + r.farming != end) abort();
}

static int64_t total_of(const kam_segmentation *s) {
  kam_summary sm;
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  if (kam_segmentation_summary(&sm, s) != KAM_OK) abort();
  return sm.total_revenue;
}

static int read_all(kam_portfolio *p, const uint8_t *data, size_t size, size_t chunk,
                    const kam_csv_options *o) {
  kam_test_source src;
  memset(&src, 0, sizeof src);
  src.data = (const char *)data;
  src.len = size;
  src.chunk = chunk;
  return kam_portfolio_read_csv(p, kam_test_source_read, &src, o);
}

/* The expansion described above: a malloc'd text (*len bytes), or NULL to read data as is. */
static uint8_t *expand(const uint8_t *data, size_t size, size_t *len) {
  size_t plen, reps, rest, k;
  uint8_t *text;
  if (size < 3 || data[1] != 0xF5) return NULL;
  plen = (size_t)(data[2] % 16) + 1;
  if (size - 3 < plen) return NULL;
  /* Just past 1 MiB, or up to ~1 MiB further in steps of 64 KiB (the high bits). */
  reps = ((1u << 20) + (size_t)(data[2] / 16) * 65536u) / plen + 1;
  rest = size - 3 - plen;
  *len = reps * plen + rest;
  text = (uint8_t *)malloc(*len);
  if (!text) abort();
  for (k = 0; k < reps; k++)
    memcpy(text + k * plen, data + 3, plen);
  memcpy(text + reps * plen, data + 3 + plen, rest);
  return text;
}

static int count_customer(void *ud, const kam_customer *c) {
  (void)c;
  ++*(size_t *)ud;
  return 0;
}

static kam_summary summary_of(const kam_segmentation *s) {
  kam_summary sm;
  memset(&sm, 0, sizeof sm);
  sm.struct_size = sizeof sm;
  if (kam_segmentation_summary(&sm, s) != KAM_OK) abort();
  return sm;
}

/* Basis margin, unit group: KAM_OK (customers listed once each, reports written) or
 * KAM_EOVERFLOW (margins from a file may add up past int64). */
static void check_economics(kam_portfolio *p, size_t *total) {
  kam_segment_options o;
  kam_segmentation *s;
  size_t seen = 0;
  int rc;
  kam_segment_options_init(&o, sizeof o);
  o.basis = KAM_BASIS_MARGIN;
  o.unit = KAM_UNIT_GROUP;
  o.key_top_n = 2;
  o.w_margin = 0.5;
  rc = kam_segment(&s, p, &o);
  if (rc == KAM_EOVERFLOW) return;
  if (rc != KAM_OK) abort();
  if (kam_segmentation_customers(s, count_customer, &seen) != KAM_OK) abort();
  if (seen != summary_of(s).customers) abort();
  if (kam_segmentation_write_json(s, sink, total) != KAM_OK) abort();
  kam_segmentation_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_test_alloc c = {0};
  kam_ctx *ctx;
  kam_portfolio *p, *q;
  kam_segmentation *s;
  kam_csv_options o;
  size_t chunk, total = 0, expanded_len = 0;
  uint8_t *expanded;
  const uint8_t *options = data;
  int rc, rc2;
  if (size > 4u << 20) return 0;
  expanded = expand(data, size, &expanded_len);
  if (expanded) {
    data = expanded;
    size = expanded_len;
  }
  if (kam_ctx_new(&ctx, kam_test_alloc_fn, &c) != KAM_OK) {
    free(expanded);
    return 0;
  }
  if (kam_portfolio_new(&p, ctx) != KAM_OK || kam_portfolio_new(&q, ctx) != KAM_OK) abort();
  kam_csv_options_init(&o, sizeof o);
  /* The first byte picks the chunk size and, sometimes, fixed options. */
  chunk = size ? (size_t)(options[0] % 17) : 0;
  if (expanded) chunk = chunk * 4093 + 1; /* 1 byte to ~64 KiB over a text of 1..2 MiB */
  if (size && (options[0] & 0x80)) {
    o.delimiter = (options[0] & 0x40) ? ';' : 0;
    o.decimal_mark = (options[0] & 0x20) ? ',' : 0;
    o.currency_digits = (uint8_t)(options[0] & 0x03);
  }
  rc = read_all(p, data, size, chunk, &o);
  rc2 = read_all(q, data, size, 0, &o);
  if (rc != rc2 || kam_portfolio_count(p) != kam_portfolio_count(q)) abort();
  if (rc != KAM_OK) {
    if (rc >= 0 || kam_portfolio_count(p) != 0 || kam_ctx_errmsg(ctx)[0] == '\0') abort();
  } else {
    kam_test_sink out;
    kam_portfolio *back;
    kam_segmentation *s2;
    if (kam_segment(&s, p, NULL) != KAM_OK) abort();
    if (kam_segmentation_write_csv(s, sink, &total, &o) != KAM_OK) abort();
    o.flags = KAM_CSV_NO_FORMULA_GUARD;
    o.delimiter = ';';
    o.decimal_mark = 0;
    memset(&out, 0, sizeof out);
    if (kam_segmentation_write_csv(s, kam_test_sink_write, &out, &o) != KAM_OK) abort();
    if (kam_portfolio_new(&back, ctx) != KAM_OK) abort();
    if (read_all(back, (const uint8_t *)out.data, out.len, 0, &o) != KAM_OK) abort();
    if (kam_portfolio_count(back) != kam_portfolio_count(p)) abort();
    if (kam_segment(&s2, back, NULL) != KAM_OK || total_of(s2) != total_of(s)) abort();
    if (summary_of(s2).total_margin != summary_of(s).total_margin ||
        summary_of(s2).margin_accounts != summary_of(s).margin_accounts)
      abort(); /* the margin column reads back */
    kam_segmentation_free(s2);
    kam_portfolio_free(back);
    kam_test_sink_free(&out);
    if (kam_segmentation_write_json(s, sink, &total) != KAM_OK) abort();
    if (kam_segmentation_write_svg(s, sink, &total) != KAM_OK) abort();
    check_retention(p, s);
    kam_segmentation_free(s);
    check_economics(p, &total);
  }
  kam_portfolio_free(p);
  kam_portfolio_free(q);
  kam_ctx_free(ctx);
  free(expanded);
  if (c.blocks != 0) abort();
  return 0;
}

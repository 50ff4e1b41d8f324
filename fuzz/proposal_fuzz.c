/* proposal_fuzz.c - fuzz target for the proposal document: kam_proposal_from_json on the input,
 * then, when it parsed, the JSON round trip (which must be byte-identical), the totals, the
 * model, every built-in render and the pre-send check (with every option set). Every result must be KAM_OK or a KAM_E* code (an
 * incomplete draft is KAM_ESTATE, huge amounts KAM_EOVERFLOW), never a crash, leak or hang.
 *
 * libFuzzer: clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/proposal_fuzz.c
 * libkam.a Replay: proposal_replay fuzz/corpus/proposal (built by fuzz/CMakeLists.txt, run by
 * ctest). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"

typedef struct sink {
  char *data;
  size_t len, cap;
} sink;

static int collect(void *ud, const void *buf, size_t len) {
  sink *s = (sink *)ud;
  if (s->len + len > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    char *p;
    while (cap < s->len + len)
      cap *= 2;
    p = (char *)realloc(s->data, cap);
    if (!p) return 1;
    s->data = p;
    s->cap = cap;
  }
  memcpy(s->data + s->len, buf, len);
  s->len += len;
  return 0;
}

static int discard(void *ud, const void *buf, size_t len) {
  (void)ud, (void)buf, (void)len;
  return 0;
}

static int known(int rc) { return rc <= 0 && rc >= KAM_ELIMIT; }

/* A finding has every string set and a known severity. */
static int finding(void *ud, const kam_finding *f) {
  (void)ud;
  if (!f->code || !f->path || !f->message || !kam_severity_name(f->severity)) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_ctx *ctx = NULL;
  kam_proposal *p = NULL, *back = NULL;
  kam_totals totals;
  kam_value *model = NULL;
  sink first = {NULL, 0, 0}, second = {NULL, 0, 0};
  int rc, format;
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 0;
  rc = kam_proposal_from_json(&p, ctx, (const char *)data, size);
  if (!known(rc)) abort();
  if (rc != KAM_OK) goto done;

  /* The round trip is lossless and stable. */
  if (kam_proposal_write_json(p, collect, &first) != KAM_OK) abort();
  if (kam_proposal_from_json(&back, ctx, first.data, first.len) != KAM_OK) abort();
  if (kam_proposal_write_json(back, collect, &second) != KAM_OK) abort();
  if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0) abort();

  memset(&totals, 0, sizeof totals);
  totals.struct_size = sizeof totals;
  if (!known(kam_proposal_totals(&totals, p))) abort();
  rc = kam_proposal_to_value(&model, p);
  if (!known(rc) || (rc == KAM_OK) != (model != NULL)) abort();
  kam_value_free(model);
  for (format = KAM_FORMAT_MARKDOWN; format <= KAM_FORMAT_JSON; format++)
    if (!known(kam_proposal_render(p, format, discard, NULL))) abort();
  {
    kam_proposal_check_options o;
    kam_proposal_check_options_init(&o, sizeof o);
    o.flags = KAM_CHECK_AS_OF;
    o.as_of = 20800; /* 2026-12-13 */
    o.discount_ceiling = 10;
    o.margin_floor = 25;
    if (!known(kam_proposal_check(p, &o, finding, NULL))) abort();
    if (!known(kam_proposal_check(p, NULL, finding, NULL))) abort();
  }

done:
  free(first.data);
  free(second.data);
  kam_proposal_free(back);
  kam_proposal_free(p);
  kam_ctx_free(ctx);
  return 0;
}

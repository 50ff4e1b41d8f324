/* plan_fuzz.c - fuzz target for the key account plan: kam_plan_from_json on the input, then,
 * when it parsed, the JSON round trip (which must be byte-identical), the model, the checks and
 * every built-in render. Every result must be KAM_OK or a KAM_E* code, never a crash, leak or
 * hang.
 *
 * libFuzzer: clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc fuzz/plan_fuzz.c libkam.a
 * Replay: plan_replay fuzz/corpus/plan (built by fuzz/CMakeLists.txt, run by ctest). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "testutil.h"

static int discard(void *ud, const void *buf, size_t len) {
  (void)ud, (void)buf, (void)len;
  return 0;
}

/* A finding must have every string. */
static int finding(void *ud, const kam_finding *f) {
  (void)ud;
  if (!f->code || !f->path || !f->message || !kam_severity_name(f->severity)) abort();
  return 0;
}

static int known(int rc) { return rc <= 0 && rc >= KAM_ELIMIT; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_ctx *ctx = NULL;
  kam_plan *p = NULL, *back = NULL;
  kam_value *model = NULL;
  kam_test_sink first, second;
  int rc, format;
  memset(&first, 0, sizeof first);
  memset(&second, 0, sizeof second);
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 0;
  rc = kam_plan_from_json(&p, ctx, (const char *)data, size);
  if (!known(rc) || (rc == KAM_OK) != (p != NULL)) abort();
  if (rc != KAM_OK) goto done;

  /* The round trip is lossless and stable. */
  if (kam_plan_write_json(p, kam_test_sink_write, &first) != KAM_OK) abort();
  if (kam_plan_from_json(&back, ctx, first.data, first.len) != KAM_OK) abort();
  if (kam_plan_write_json(back, kam_test_sink_write, &second) != KAM_OK) abort();
  if (first.len != second.len || memcmp(first.data, second.data, first.len) != 0) abort();

  if (kam_plan_check(p, finding, NULL) != KAM_OK) abort();
  rc = kam_plan_to_value(&model, p);
  if (!known(rc) || (rc == KAM_OK) != (model != NULL)) abort();
  kam_value_free(model);
  for (format = KAM_FORMAT_MARKDOWN; format <= KAM_FORMAT_JSON; format++)
    if (!known(kam_plan_render(p, format, discard, NULL))) abort();

done:
  kam_test_sink_free(&first);
  kam_test_sink_free(&second);
  kam_plan_free(back);
  kam_plan_free(p);
  kam_ctx_free(ctx);
  return 0;
}

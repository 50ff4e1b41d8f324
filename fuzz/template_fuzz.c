/* template_fuzz.c - fuzz target for the Mustache compiler and renderer.
 *
 * The input is compiled as a template and rendered against a fixed data tree (objects, arrays,
 * strings needing escapes, numbers, booleans, null and two lambdas). The partial callback
 * returns the input itself for every name, so {{>x}} recurses into the same template and
 * exercises the depth limit, the partial cache, indentation and inheritance. A step budget keeps
 * exponential templates short. Every result must be KAM_OK or a KAM_E* code, never a crash,
 * leak or hang; and the work must stay bounded by the input (issue 18), checked by counting
 * rather than by time so that small inputs show super-linear cost: compiling may look at each
 * byte of the template a bounded number of times (scan_work), and a render may write no more
 * bytes than its step budget.
 *
 * Built by fuzz/CMakeLists.txt: template_replay (ctest fuzz_template replays the seeds in
 * fuzz/corpus/template: spec templates and a libFuzzer-minimized corpus) and, with clang and
 * KAM_FUZZ=ON, the libFuzzer binary template_fuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kam.h"
#include "documents/template_internal.h"

#define MAX_STEPS 200000

static const char data_json[] =
    "{\"title\":\"<Proposal> & \\\"more\\\" 'x'\",\"n\":42,\"f\":1.5e3,\"t\":true,\"no\":false,"
    "\"nil\":null,\"empty\":[],\"s\":\"\",\"list\":[1,\"two\",{\"a\":{\"b\":[3]}},[4,5]],"
    "\"obj\":{\"a\":1,\"list\":[{\"x\":\"y\"}],\"name\":\"p\"},\"name\":\"x\","
    "\"rows\":[{\"name\":\"r1\",\"v\":\"Привет\"},{\"name\":\"r2\",\"v\":\"мир\"}]}";

typedef struct input {
  const char *data;
  size_t len;
} input;

static int same_input(void *ud, const char *name, size_t name_len, const char **src,
                      size_t *src_len) {
  const input *in = (const input *)ud;
  (void)name;
  (void)name_len;
  *src = in->data;
  *src_len = in->len;
  return 0;
}

static int echo_lambda(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  (void)ud;
  return text ? out(out_ud, text, len) : out(out_ud, "{{title}}", 9);
}

static int failing_lambda(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  (void)ud, (void)text, (void)len, (void)out, (void)out_ud;
  return 7;
}

static int discard(void *ud, const void *buf, size_t len) {
  size_t *total = (size_t *)ud;
  (void)buf;
  *total += len;
  return *total > ((size_t)64 << 20) ? 9 : 0; /* stop runaway output */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kam_ctx *ctx = NULL;
  kam_template *t = NULL;
  kam_value *root = NULL, *fn = NULL;
  input in;
  size_t total = 0;
  int rc;
  in.data = (const char *)data;
  in.len = size;
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 0;
  if (kam_json_parse(&root, ctx, data_json, sizeof data_json - 1) != KAM_OK) goto done;
  if (kam_value_new_lambda(&fn, ctx, echo_lambda, NULL) != KAM_OK) goto done;
  if (kam_value_object_set(root, "lambda", 6, fn) != KAM_OK) {
    kam_value_free(fn);
    goto done;
  }
  if (kam_value_new_lambda(&fn, ctx, failing_lambda, NULL) != KAM_OK) goto done;
  if (kam_value_object_set(root, "bad", 3, fn) != KAM_OK) {
    kam_value_free(fn);
    goto done;
  }
  rc = kam_template_compile(&t, ctx, (const char *)data, size);
  if (rc != KAM_OK) {
    if (rc != KAM_EPARSE && rc != KAM_ELIMIT && rc != KAM_ENOMEM) abort();
    if (!kam_ctx_errmsg(ctx)[0]) abort(); /* every compile error says where */
    goto done;
  }
  /* The tag search reads a byte at most 18 times (memchr + memcmp of a delimiter of up to 16
   * bytes and a lead byte; KMP reads it at most twice), whatever the delimiters. */
  if (t->scan_work > 20 * (uint64_t)size + 64) abort();
  kam_template_set_max_steps(t, MAX_STEPS);
  rc = kam_template_render(t, root, same_input, &in, discard, &total);
  if (rc != KAM_OK && rc != KAM_EPARSE && rc != KAM_ELIMIT && rc != KAM_ENOMEM && rc != 7 &&
      rc != 9)
    abort();
  if (total > MAX_STEPS) abort(); /* every byte written is a step */
  /* A second render reuses the partial cache. */
  total = 0;
  rc = kam_template_render(t, root, same_input, &in, discard, &total);
  if (rc != KAM_OK && rc != KAM_EPARSE && rc != KAM_ELIMIT && rc != KAM_ENOMEM && rc != 7 &&
      rc != 9)
    abort();
  if (total > MAX_STEPS) abort();
done:
  kam_template_free(t);
  kam_value_free(root);
  kam_ctx_free(ctx);
  return 0;
}

/* title_fuzz.c - the title typer and the DMU.
 *
 * Input: any bytes. The whole input and each line are typed with kam_role_from_title and
 * explained with kam_role_explain (full and truncated buffers); each line is also added to a
 * DMU as a stakeholder's name and title, with influence, attitude, buying roles and traits taken
 * from the line's bytes (some of them invalid on purpose). Invariants trap:
 * - a title is KAM_OK or KAM_EPARSE (exactly when it is not UTF-8); the role is a KAM_ROLE_*,
 *   the confidence is in 0..1 and at most 0.2 for UNKNOWN; the answer is deterministic;
 * - explain agrees with itself across buffer sizes and always NUL-terminates;
 * - an add succeeds or fails with KAM_EINVAL/KAM_EPARSE and leaves the count as it was;
 * - every profile's style mix and the emphasis sum to 1; warnings use only KAM_DMU_* bits. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "people/dmu_internal.h"
#include "core/internal.h"

#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) __builtin_trap();                                                                    \
  } while (0)

static void one_title(const char *s, size_t len) {
  int32_t role = -1, role2 = -1;
  double c = -1, c2 = -1;
  char small[7], big[4096];
  size_t need = 0, need2 = 0;
  int rc = kam_role_from_title(&role, &c, s, len);
  int valid = kam__utf8_valid(s, len, NULL);
  CHECK(rc == (valid ? KAM_OK : KAM_EPARSE));
  if (rc != KAM_OK) {
    CHECK(kam_role_explain(big, sizeof big, &need, s, len) == KAM_EPARSE);
    return;
  }
  CHECK(role >= 0 && role < KAM_ROLE_COUNT && kam_role_name(role) != NULL);
  CHECK(c >= 0.0 && c <= 1.0);
  if (role == KAM_ROLE_UNKNOWN) CHECK(c <= 0.2);
  CHECK(kam_role_from_title(&role2, &c2, s, len) == KAM_OK && role2 == role && c2 == c);
  /* the buffer contract: the whole text or KAM_ELIMIT with "", and the length either way */
  CHECK(kam_role_explain(NULL, 0, &need, s, len) == KAM_ELIMIT);
  rc = kam_role_explain(small, sizeof small, &need2, s, len);
  CHECK(need2 == need && rc == (need < sizeof small ? KAM_OK : KAM_ELIMIT));
  CHECK(strlen(small) == (rc == KAM_OK ? need : 0));
  rc = kam_role_explain(big, sizeof big, &need2, s, len);
  CHECK(need2 == need && rc == (need < sizeof big ? KAM_OK : KAM_ELIMIT));
  CHECK(strlen(big) == (rc == KAM_OK ? need : 0));
  if (need < sizeof small) CHECK(strcmp(small, big) == 0);
  CHECK(strstr(big, "=> ") != NULL || need >= sizeof big);
}

static double unit_or_bad(unsigned char b) {
  if (b < 200) return (double)b / 199.0;          /* 0..1 */
  if (b < 230) return NAN;                        /* not observed / unknown */
  return b < 250 ? 1.0 + (b - 229) / 10.0 : -0.5; /* out of range */
}

static void add_line(kam_dmu *d, const char *line, size_t len) {
  kam_stakeholder s;
  char *text = (char *)malloc(len + 1);
  size_t before = kam_dmu_count(d);
  const unsigned char *u = (const unsigned char *)line;
  uint32_t roles = 0;
  int rc;
  if (!text) return;
  memcpy(text, line, len);
  text[len] = '\0'; /* an embedded NUL just ends the C string early */
  memset(&s, 0, sizeof s);
  s.struct_size = sizeof s;
  s.name = text;
  s.title = text;
  s.email = len > 3 ? text + 3 : NULL;
  s.role = len > 0 && u[0] % 5 == 0 ? (int32_t)(u[0] % 11) : KAM_ROLE_UNKNOWN; /* 9, 10: bad */
  s.influence = unit_or_bad(len > 1 ? u[1] : 0);
  s.attitude = len > 2 ? (int32_t)(u[2] % 13) - 6 : 0;        /* -6..+6: the ends are bad */
  s.buying_roles = len > 0 ? (uint32_t)(u[len - 1] % 20) : 0; /* 16..19: bad bits */
  s.traits[0] = unit_or_bad(len > 4 ? u[4] : 220);
  s.traits[1] = unit_or_bad(len > 5 ? u[5] : 220);
  s.traits[2] = unit_or_bad(len > 6 ? u[6] : 220);
  rc = kam_dmu_add(d, &s);
  CHECK(rc == KAM_OK || rc == KAM_EINVAL || rc == KAM_EPARSE);
  CHECK(kam_dmu_count(d) == before + (rc == KAM_OK));
  if (kam_buyer_role_parse(&roles, line, len) == KAM_OK) CHECK((roles & ~KAM_BUYER_ALL) == 0);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  kam_ctx *ctx = NULL;
  kam_dmu *d = NULL;
  double e[3];
  uint32_t w = 0;
  size_t i, start = 0, n;
  int32_t role;
  one_title(s, size);
  if (kam_role_from_name(&role, s, size) == KAM_OK) CHECK(role >= 0 && role < KAM_ROLE_COUNT);
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 0;
  if (kam_dmu_new(&d, ctx) != KAM_OK) {
    kam_ctx_free(ctx);
    return 0;
  }
  for (i = 0; i <= size; i++) {
    if (i == size || data[i] == '\n') {
      if (i > start || i < size) {
        one_title(s + start, i - start);
        add_line(d, s + start, i - start);
      }
      start = i + 1;
    }
  }
  n = kam_dmu_count(d);
  for (i = 0; i < n; i++) {
    kam_profile p;
    memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    CHECK(kam_dmu_profile(&p, d, i) == KAM_OK);
    CHECK(p.role >= 0 && p.role < KAM_ROLE_COUNT);
    CHECK(p.primary_style >= 0 && p.primary_style < KAM_STYLE_COUNT);
    CHECK(fabs(p.style[0] + p.style[1] + p.style[2] - 1.0) < 1e-9);
    CHECK(p.confidence >= 0.0 && p.confidence <= 1.0);
  }
  {
    kam_profile p;
    p.struct_size = sizeof p;
    CHECK(kam_dmu_profile(&p, d, n) == KAM_ENOTFOUND);
  }
  if (n == 0) {
    CHECK(kam_dmu_emphasis(e, d) == KAM_ESTATE);
  } else {
    CHECK(kam_dmu_emphasis(e, d) == KAM_OK);
    CHECK(fabs(e[0] + e[1] + e[2] - 1.0) < 1e-9);
  }
  CHECK(kam_dmu_warnings(&w, d) == KAM_OK && (w & ~0xFu) == 0);
  CHECK((n == 0) == ((w & KAM_DMU_EMPTY) != 0));
  kam_dmu_free(d);
  kam_ctx_free(ctx);
  return 0;
}

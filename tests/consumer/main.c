/* A program built against the INSTALLED libkam (pkg-config or find_package). */
#include <kam.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  const double flows[] = {-10000, 3000, 4200, 6800};
  double npv = 0;
  kam_ctx *ctx = NULL;
  if (strcmp(kam_version(), KAM_VERSION_STRING) != 0) return 1;
  if (kam_ctx_new(&ctx, NULL, NULL) != KAM_OK) return 1;
  if (kam_npv(&npv, 0.1, flows, 4, KAM_NPV_EXCEL) != KAM_OK || fabs(npv - 1188.44) > 0.01) return 1;
  kam_ctx_free(ctx);
  printf("consumer ok: libkam %s, npv %.2f\n", kam_version(), npv);
  return 0;
}

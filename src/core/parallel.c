/* parallel.c - splitting a streaming pass over the threads kam_ctx_set_threads allows (C11
 * threads, started for the call and joined before it returns; see internal.h). */
#include "core/internal.h"

#if defined(KAM_TSAN_PTHREADS)
#include "core/tsan_threads.h" /* the ThreadSanitizer build: C11 threads over pthreads */
#elif !defined(__STDC_NO_THREADS__)
#include <threads.h>
#endif

unsigned kam__parts(const kam_ctx *ctx, size_t n) {
  size_t most = n / KAM__PART_MIN;
  unsigned t = ctx->threads;
  if (most < 1) return 1;
  return most < t ? (unsigned)most : t;
}

void kam__part_range(size_t n, unsigned parts, unsigned k, size_t *lo, size_t *hi) {
  size_t step = n / parts;
  *lo = step * k;
  *hi = k + 1 == parts ? n : step * (k + 1);
}

void kam__parallel(kam__task_fn task, void *args, size_t size, unsigned parts) {
  unsigned k;
#if defined(KAM_TSAN_PTHREADS) || !defined(__STDC_NO_THREADS__)
  thrd_t th[KAM__MAX_THREADS];
  bool started[KAM__MAX_THREADS];
  for (k = 1; k < parts; k++)
    started[k] = thrd_create(&th[k], task, (char *)args + k * size) == thrd_success;
  task(args);
  for (k = 1; k < parts; k++) {
    if (started[k])
      thrd_join(th[k], NULL);
    else
      task((char *)args + k * size);
  }
#else
  for (k = 0; k < parts; k++)
    task((char *)args + k * size);
#endif
}

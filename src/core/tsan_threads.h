/*
 * tsan_threads.h - the C11 thread calls parallel.c uses (thrd_t, thrd_create, thrd_join,
 * thrd_success), mapped to pthreads. Only the ThreadSanitizer build uses it (KAM_TSAN, which
 * defines KAM_TSAN_PTHREADS): TSan does not intercept C11 thrd_create with gcc 12 / glibc 2.36,
 * and the first thread then crashes in the TSan runtime. Every other build uses <threads.h>.
 */
#ifndef KAM_TSAN_THREADS_H
#define KAM_TSAN_THREADS_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

typedef pthread_t kam__tsan_thrd;
typedef int (*kam__tsan_start)(void *);
enum { kam__tsan_success = 0, kam__tsan_error = 2 };

typedef struct kam__tsan_call {
  kam__tsan_start fn;
  void *arg;
} kam__tsan_call;

static void *kam__tsan_trampoline(void *p) {
  kam__tsan_call c = *(kam__tsan_call *)p;
  free(p);
  return (void *)(intptr_t)c.fn(c.arg);
}

static inline int kam__tsan_create(kam__tsan_thrd *t, kam__tsan_start fn, void *arg) {
  kam__tsan_call *c = (kam__tsan_call *)malloc(sizeof *c);
  if (!c) return kam__tsan_error;
  c->fn = fn;
  c->arg = arg;
  if (pthread_create(t, NULL, kam__tsan_trampoline, c) != 0) {
    free(c);
    return kam__tsan_error;
  }
  return kam__tsan_success;
}

static inline int kam__tsan_join(kam__tsan_thrd t, int *res) {
  void *r = NULL;
  if (pthread_join(t, &r) != 0) return kam__tsan_error;
  if (res) *res = (int)(intptr_t)r;
  return kam__tsan_success;
}

#define thrd_t kam__tsan_thrd
#define thrd_success kam__tsan_success
#define thrd_create kam__tsan_create
#define thrd_join kam__tsan_join

#endif /* KAM_TSAN_THREADS_H */

/* testutil_cmocka.c - the testutil.h helper that needs cmocka (tests only; see testutil.c). */
#include "testutil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void *kam_test_cmocka_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    if (ptr) test_free(ptr);
    return NULL;
  }
  return test_realloc(ptr, new_size);
}

/* test_value.c - kam_value builders, readers, objects with an index, ownership, OOM, deep free. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "documents/value_internal.h"

static kam_ctx *cm_ctx(void) {
  kam_ctx *ctx = NULL;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_cmocka_alloc, NULL), KAM_OK);
  return ctx;
}

static void test_scalars(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  size_t len;
  (void)state;

  assert_int_equal(kam_value_new_null(&v, ctx), KAM_OK);
  assert_int_equal(kam_value_type(v), KAM_VALUE_NULL);
  assert_int_equal(kam_value_bool(v), 0);
  assert_true(isnan(kam_value_number(v)));
  assert_null(kam_value_string(v, &len));
  assert_int_equal(len, 0);
  kam_value_free(v);

  assert_int_equal(kam_value_new_bool(&v, ctx, 7), KAM_OK);
  assert_int_equal(kam_value_type(v), KAM_VALUE_BOOL);
  assert_int_equal(kam_value_bool(v), 1);
  kam_value_free(v);
  assert_int_equal(kam_value_new_bool(&v, ctx, 0), KAM_OK);
  assert_int_equal(kam_value_bool(v), 0);
  kam_value_free(v);

  assert_int_equal(kam_value_new_number(&v, ctx, 0.1), KAM_OK);
  assert_int_equal(kam_value_type(v), KAM_VALUE_NUMBER);
  assert_string_equal(kam_value_number_text(v, &len), "0.1");
  assert_int_equal(len, 3);
  assert_true(kam_value_number(v) == 0.1);
  kam_value_free(v);
  assert_int_equal(kam_value_new_number(&v, ctx, 1e300), KAM_OK);
  assert_string_equal(kam_value_number_text(v, NULL), "1e+300");
  kam_value_free(v);
  assert_int_equal(kam_value_new_number(&v, ctx, NAN), KAM_EINVAL);
  assert_null(v);
  assert_int_equal(kam_value_new_number(&v, ctx, INFINITY), KAM_EINVAL);
  assert_null(v);

  assert_int_equal(kam_value_new_int(&v, ctx, INT64_MIN), KAM_OK);
  assert_string_equal(kam_value_number_text(v, NULL), "-9223372036854775808");
  assert_true(kam_value_number(v) == -9223372036854775808.0);
  kam_value_free(v);
  assert_int_equal(kam_value_new_int(&v, ctx, 0), KAM_OK);
  assert_string_equal(kam_value_number_text(v, NULL), "0");
  kam_value_free(v);

  assert_int_equal(kam_value_new_number_text(&v, ctx, "12345678901234567890.123456789", 30),
                   KAM_OK);
  assert_string_equal(kam_value_number_text(v, &len), "12345678901234567890.123456789");
  assert_int_equal(len, 30);
  assert_true(kam_value_number(v) == 12345678901234567890.123456789);
  kam_value_free(v);
  assert_int_equal(kam_value_new_number_text(&v, ctx, "-12.50e+3", 9), KAM_OK);
  assert_true(kam_value_number(v) == -12500.0);
  kam_value_free(v);
  assert_int_equal(kam_value_new_number_text(&v, ctx, "01", 2), KAM_EPARSE);
  assert_null(v);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "'01' is not a JSON number"));
  assert_int_equal(kam_value_new_number_text(&v, ctx, "1.", 2), KAM_EPARSE);
  assert_int_equal(kam_value_new_number_text(&v, ctx, "", 0), KAM_EPARSE);
  assert_int_equal(kam_value_new_number_text(&v, ctx, NULL, 3), KAM_EINVAL);

  assert_int_equal(kam_value_new_string(&v, ctx, "a\0b", 3), KAM_OK);
  assert_int_equal(kam_value_type(v), KAM_VALUE_STRING);
  assert_memory_equal(kam_value_string(v, &len), "a\0b", 4);
  assert_int_equal(len, 3);
  assert_null(kam_value_number_text(v, &len));
  kam_value_free(v);
  assert_int_equal(kam_value_new_string(&v, ctx, "\xd0\x9f\xd1\x80", 4), KAM_OK);
  kam_value_free(v);
  assert_int_equal(kam_value_new_string(&v, ctx, "ok\xc0\xaf", 4), KAM_EPARSE);
  assert_null(v);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "byte 2"));
  assert_int_equal(kam_value_new_string(&v, ctx, NULL, 0), KAM_OK);
  assert_string_equal(kam_value_string(v, NULL), "");
  kam_value_free(v);

  assert_int_equal(kam_value_new_null(NULL, ctx), KAM_EINVAL);
  assert_int_equal(kam_value_new_null(&v, NULL), KAM_EINVAL);
  assert_null(v);
  kam_value_free(NULL);
  assert_int_equal(kam_value_type(NULL), KAM_VALUE_NULL);
  kam_ctx_free(ctx);
}

static int lambda_cb(void *ud, const char *text, size_t len, kam_write_fn out, void *out_ud) {
  (void)text;
  (void)len;
  return out(out_ud, ud, strlen((const char *)ud));
}

static void test_lambda(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *v;
  kam_lambda_fn fn = NULL;
  void *ud = NULL;
  char word[] = "hi";
  (void)state;
  assert_int_equal(kam_value_new_lambda(&v, ctx, lambda_cb, word), KAM_OK);
  assert_int_equal(kam_value_type(v), KAM_VALUE_LAMBDA);
  assert_int_equal(kam__value_lambda(v, &fn, &ud), KAM_OK);
  assert_ptr_equal(fn, lambda_cb);
  assert_ptr_equal(ud, word);
  assert_ptr_equal(kam__value_ctx(v), ctx);
  kam_value_free(v);
  assert_int_equal(kam_value_new_lambda(&v, ctx, NULL, NULL), KAM_EINVAL);
  assert_null(v);
  assert_int_equal(kam__value_lambda(NULL, &fn, &ud), KAM_EINVAL);
  kam_ctx_free(ctx);
}

static void test_array(void **state) {
  kam_ctx *ctx = cm_ctx(), *other = cm_ctx();
  kam_value *arr, *item, *foreign;
  int i;
  (void)state;
  assert_int_equal(kam_value_new_array(&arr, ctx), KAM_OK);
  assert_int_equal(kam_value_type(arr), KAM_VALUE_ARRAY);
  assert_int_equal(kam_value_length(arr), 0);
  assert_null(kam_value_at(arr, 0));
  for (i = 0; i < 100; i++) {
    assert_int_equal(kam_value_new_int(&item, ctx, i), KAM_OK);
    assert_int_equal(kam_value_array_push(arr, item), KAM_OK);
  }
  assert_int_equal(kam_value_length(arr), 100);
  for (i = 0; i < 100; i++)
    assert_true(kam_value_number(kam_value_at(arr, (size_t)i)) == i);
  assert_null(kam_value_at(arr, 100));
  assert_null(kam_value_key_at(arr, 0, NULL));
  assert_null(kam_value_get(arr, "a", 1));

  /* misuse: pushing into a non-array, the array into itself, NULL, a foreign value */
  assert_int_equal(kam_value_array_push(arr, arr), KAM_EINVAL);
  assert_int_equal(kam_value_array_push(arr, NULL), KAM_EINVAL);
  assert_int_equal(kam_value_array_push(NULL, arr), KAM_EINVAL);
  assert_int_equal(kam_value_new_null(&foreign, other), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, foreign), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "another ctx"));
  kam_value_free(foreign);
  assert_int_equal(kam_value_new_null(&item, ctx), KAM_OK);
  assert_int_equal(kam_value_array_push(item, arr), KAM_EINVAL);
  assert_int_equal(kam_value_object_set(arr, "k", 1, item), KAM_EINVAL);
  kam_value_free(item);
  assert_int_equal(kam_value_length(arr), 100);
  kam_value_free(arr);
  kam_ctx_free(ctx);
  kam_ctx_free(other);
}

/* A container never takes one of its ancestors (the tree would own itself: freeing it read
 * freed memory) nor an item that already has an owner (it would be freed twice). */
static void test_no_cycles(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *o1, *o2, *o3, *a1, *a2, *x, *parsed;
  (void)state;
  assert_int_equal(kam_value_new_object(&o1, ctx), KAM_OK);
  assert_int_equal(kam_value_new_object(&o2, ctx), KAM_OK);
  assert_int_equal(kam_value_new_object(&o3, ctx), KAM_OK);
  assert_int_equal(kam_value_object_set(o1, "a", 1, o2), KAM_OK);
  assert_int_equal(kam_value_object_set(o2, "b", 1, o1), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "object set: the item contains the container"));
  assert_int_equal(kam_value_length(o2), 0);
  assert_int_equal(kam_value_object_set(o2, "c", 1, o3), KAM_OK);
  /* two levels up, and replacing an existing member */
  assert_int_equal(kam_value_object_set(o3, "d", 1, o1), KAM_EINVAL);
  assert_int_equal(kam_value_object_set(o2, "c", 1, o1), KAM_EINVAL);
  assert_ptr_equal(kam_value_get(o2, "c", 1), o3);

  assert_int_equal(kam_value_new_array(&a1, ctx), KAM_OK);
  assert_int_equal(kam_value_new_array(&a2, ctx), KAM_OK);
  assert_int_equal(kam_value_array_push(a1, a2), KAM_OK);
  assert_int_equal(kam_value_array_push(a2, a1), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "array push: the item contains the container"));
  assert_int_equal(kam_value_length(a2), 0);
  assert_int_equal(kam_value_object_set(o3, "arr", 3, a1), KAM_OK);
  assert_int_equal(kam_value_array_push(a2, o1), KAM_EINVAL);

  /* an item already in a container: a second owner is refused; freeing it alone does nothing */
  assert_int_equal(kam_value_new_null(&x, ctx), KAM_OK);
  assert_int_equal(kam_value_array_push(a2, x), KAM_OK);
  assert_int_equal(kam_value_object_set(o1, "x", 1, x), KAM_EINVAL);
  assert_non_null(strstr(kam_ctx_errmsg(ctx), "part of another tree"));
  assert_int_equal(kam_value_array_push(a2, o3), KAM_EINVAL);
  kam_value_free(x);
  kam_value_free(o2);
  assert_int_equal(kam_value_type(kam_value_at(a2, 0)), KAM_VALUE_NULL);

  /* a parsed root inside a built tree: the walk goes through it */
  assert_int_equal(kam_json_parse(&parsed, ctx, "{\"p\":[1,2]}", 11), KAM_OK);
  assert_int_equal(kam_value_array_push(a2, parsed), KAM_OK);
  assert_int_equal(kam_value_object_set(parsed, "q", 1, o1), KAM_EINVAL);
  assert_int_equal(kam_value_length(parsed), 1);
  kam_value_free(o1); /* frees everything, once */
  kam_ctx_free(ctx);
}

/* Compact copies (what the proposal model is made of): equal to the source, equal subtrees
 * stored once, big objects indexed, everything freed with the root. */
static void test_compact_copy(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *src, *root, *arr, *x, *copy, *one;
  kam__compactor comp;
  char key[16];
  int i;
  (void)state;
  assert_int_equal(kam_value_new_array(&src, ctx), KAM_OK);
  for (i = 0; i < 3; i++) { /* three equal objects of 40 members */
    int k;
    assert_int_equal(kam_value_new_object(&x, ctx), KAM_OK);
    for (k = 0; k < 40; k++) {
      kam_value *n;
      snprintf(key, sizeof key, "key%d", k);
      assert_int_equal(kam_value_new_int(&n, ctx, k % 3), KAM_OK);
      assert_int_equal(kam_value_object_set(x, key, strlen(key), n), KAM_OK);
    }
    assert_int_equal(kam_value_array_push(src, x), KAM_OK);
  }
  assert_int_equal(kam_value_new_array(&one, ctx), KAM_OK);
  assert_int_equal(kam_value_new_string(&x, ctx, "a longer string", 15), KAM_OK);
  assert_int_equal(kam_value_array_push(one, x), KAM_OK);
  assert_int_equal(kam_value_array_push(src, one), KAM_OK);
  assert_int_equal(kam_value_new_bool(&x, ctx, 1), KAM_OK);
  assert_int_equal(kam_value_array_push(src, x), KAM_OK);

  assert_int_equal(kam__value_new_root(&root, ctx, KAM_VALUE_ARRAY), KAM_OK);
  kam__compactor_init(&comp, root);
  copy = kam__compact(&comp, src);
  kam__compactor_free(&comp);
  assert_non_null(copy);
  assert_true(kam_test_value_equal(copy, src));
  assert_ptr_equal(kam_value_at(copy, 0), kam_value_at(copy, 2));
  assert_ptr_equal(kam_value_get(kam_value_at(copy, 0), "key3", 4),
                   kam_value_get(kam_value_at(copy, 1), "key0", 4));
  assert_non_null(kam__obj_index(kam_value_at(copy, 0)));
  assert_string_equal(kam_value_number_text(kam_value_get(kam_value_at(copy, 1), "key38", 5), NULL),
                      "2");
  assert_null(kam_value_get(kam_value_at(copy, 1), "key40", 5));
  assert_string_equal(kam_value_string(kam_value_at(kam_value_at(copy, 3), 0), NULL),
                      "a longer string");
  /* the copy is read-only and lives in the root: it can be shared, not given away */
  assert_int_equal(kam__array_push_shared(root, kam__items(copy)[0]), KAM_OK);
  assert_int_equal(kam__array_push_shared(root, kam__items(copy)[0]), KAM_OK);
  assert_int_equal(kam_value_new_array(&arr, ctx), KAM_OK);
  assert_int_equal(kam_value_array_push(arr, copy), KAM_EINVAL);
  assert_int_equal(kam_value_array_push(root, arr), KAM_OK);
  assert_int_equal(kam_value_length(root), 3);
  kam_value_free(src);
  kam_value_free(root);
  kam_ctx_free(ctx);
}

static void test_object(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *obj, *item;
  size_t len;
  char key[32];
  int i;
  (void)state;
  assert_int_equal(kam_value_new_object(&obj, ctx), KAM_OK);
  assert_int_equal(kam_value_type(obj), KAM_VALUE_OBJECT);
  assert_null(kam_value_get(obj, "a", 1));
  /* Past KAM__INDEX_MIN members the hash index takes over; check both regimes and the switch. */
  for (i = 0; i < 1000; i++) {
    int n = snprintf(key, sizeof key, "key%d", i);
    assert_int_equal(kam_value_new_int(&item, ctx, i), KAM_OK);
    assert_int_equal(kam_value_object_set(obj, key, (size_t)n, item), KAM_OK);
    assert_int_equal(kam_value_length(obj), (size_t)i + 1);
    if (i == 5 || i == KAM__INDEX_MIN - 1 || i == KAM__INDEX_MIN || i == 999) {
      int j;
      for (j = 0; j <= i; j++) {
        int m = snprintf(key, sizeof key, "key%d", j);
        assert_true(kam_value_number(kam_value_get(obj, key, (size_t)m)) == j);
      }
      assert_null(kam_value_get(obj, "key", 3));
      assert_null(kam_value_get(obj, "nokey", 5));
    }
  }
  /* insertion order kept */
  assert_string_equal(kam_value_key_at(obj, 0, &len), "key0");
  assert_int_equal(len, 4);
  assert_string_equal(kam_value_key_at(obj, 999, NULL), "key999");
  assert_null(kam_value_key_at(obj, 1000, &len));
  assert_true(kam_value_number(kam_value_at(obj, 500)) == 500);
  /* replacing keeps the position and frees the old value (cmocka would report a leak) */
  assert_int_equal(kam_value_new_string(&item, ctx, "x", 1), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "key500", 6, item), KAM_OK);
  assert_int_equal(kam_value_length(obj), 1000);
  assert_ptr_equal(kam_value_at(obj, 500), item);
  assert_ptr_equal(kam_value_get(obj, "key500", 6), item);
  /* keys with NUL bytes and the empty key */
  assert_int_equal(kam_value_new_bool(&item, ctx, 1), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a\0b", 3, item), KAM_OK);
  assert_int_equal(kam_value_new_bool(&item, ctx, 0), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, NULL, 0, item), KAM_OK);
  assert_true(kam_value_bool(kam_value_get(obj, "a\0b", 3)));
  assert_null(kam_value_get(obj, "a", 1));
  assert_ptr_equal(kam_value_get(obj, "", 0), item);
  assert_ptr_equal(kam_value_get(obj, NULL, 0), item);
  /* bad keys: not UTF-8, NULL with a length */
  assert_int_equal(kam_value_new_null(&item, ctx), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "\xff", 1, item), KAM_EPARSE);
  assert_int_equal(kam_value_object_set(obj, NULL, 2, item), KAM_EINVAL);
  assert_int_equal(kam_value_length(obj), 1002);
  kam_value_free(item);
  kam_value_free(obj);
  kam_ctx_free(ctx);
}

static void test_small_object_replace(void **state) {
  kam_ctx *ctx = cm_ctx();
  kam_value *obj, *a, *b, *c;
  (void)state;
  assert_int_equal(kam_value_new_object(&obj, ctx), KAM_OK);
  assert_int_equal(kam_value_new_int(&a, ctx, 1), KAM_OK);
  assert_int_equal(kam_value_new_int(&b, ctx, 2), KAM_OK);
  assert_int_equal(kam_value_new_int(&c, ctx, 3), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a", 1, a), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "b", 1, b), KAM_OK);
  assert_int_equal(kam_value_object_set(obj, "a", 1, c), KAM_OK);
  assert_int_equal(kam_value_length(obj), 2);
  assert_string_equal(kam_value_key_at(obj, 0, NULL), "a");
  assert_ptr_equal(kam_value_at(obj, 0), c);
  assert_ptr_equal(kam_value_at(obj, 1), b);
  kam_value_free(obj);
  kam_ctx_free(ctx);
}

/* 100k nested arrays (and objects) built with the builders free without recursion. */
static void test_deep_free(void **state) {
  kam_test_alloc ta = {0};
  kam_ctx *ctx;
  kam_value *top, *cur;
  int i;
  (void)state;
  assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
  assert_int_equal(kam_value_new_array(&top, ctx), KAM_OK);
  cur = top;
  for (i = 0; i < 100000; i++) {
    kam_value *next;
    if (i % 2)
      assert_int_equal(kam_value_new_array(&next, ctx), KAM_OK);
    else
      assert_int_equal(kam_value_new_object(&next, ctx), KAM_OK);
    if (kam_value_type(cur) == KAM_VALUE_ARRAY)
      assert_int_equal(kam_value_array_push(cur, next), KAM_OK);
    else
      assert_int_equal(kam_value_object_set(cur, "k", 1, next), KAM_OK);
    cur = next;
  }
  kam_value_free(top);
  kam_ctx_free(ctx);
  assert_int_equal(ta.blocks, 0);
}

/* Every allocation failing in turn: KAM_ENOMEM, nothing leaked, the container unchanged. */
static void test_oom_builders(void **state) {
  size_t fail_at;
  (void)state;
  for (fail_at = 1;; fail_at++) {
    kam_test_alloc ta = {0};
    kam_ctx *ctx;
    kam_value *obj = NULL, *arr = NULL, *v = NULL;
    int rc = KAM_OK, i;
    char key[16];
    assert_int_equal(kam_ctx_new(&ctx, kam_test_alloc_fn, &ta), KAM_OK);
    ta.fail_at = fail_at + 1; /* the ctx itself was allocation 1 */
    rc = kam_value_new_object(&obj, ctx);
    if (rc == KAM_OK) rc = kam_value_new_array(&arr, ctx);
    for (i = 0; rc == KAM_OK && i < 20; i++) {
      size_t before_len = kam_value_length(obj);
      int n = snprintf(key, sizeof key, "k%d", i);
      rc = i % 3 == 0   ? kam_value_new_string(&v, ctx, "s", 1)
           : i % 3 == 1 ? kam_value_new_number(&v, ctx, i * 0.5)
                        : kam_value_new_int(&v, ctx, i);
      if (rc) {
        assert_null(v);
        break;
      }
      rc = kam_value_object_set(obj, key, (size_t)n, v);
      if (rc) {
        assert_int_equal(kam_value_length(obj), before_len);
        kam_value_free(v);
        break;
      }
      before_len = kam_value_length(arr);
      rc = kam_value_new_bool(&v, ctx, 1);
      if (rc) break;
      rc = kam_value_array_push(arr, v);
      if (rc) {
        assert_int_equal(kam_value_length(arr), before_len);
        kam_value_free(v);
      }
    }
    if (rc == KAM_OK) {
      size_t k;
      for (k = 0; k < 20; k++) {
        int n = snprintf(key, sizeof key, "k%d", (int)k);
        assert_non_null(kam_value_get(obj, key, (size_t)n));
      }
    } else {
      assert_int_equal(rc, KAM_ENOMEM);
    }
    kam_value_free(obj);
    kam_value_free(arr);
    kam_ctx_free(ctx);
    assert_int_equal(ta.blocks, 0);
    if (rc == KAM_OK) break;
  }
  assert_true(fail_at > 20);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalars),
      cmocka_unit_test(test_lambda),
      cmocka_unit_test(test_array),
      cmocka_unit_test(test_no_cycles),
      cmocka_unit_test(test_compact_copy),
      cmocka_unit_test(test_object),
      cmocka_unit_test(test_small_object_replace),
      cmocka_unit_test(test_deep_free),
      cmocka_unit_test(test_oom_builders),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_unit.c - kam_unit_format: units that agree with their quantity (issue 15). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kam.h"

static void expect_form(const char *unit, const char *quantity, const char *lang,
                        const char *want) {
  char buf[64];
  size_t len = 99;
  int rc = kam_unit_format(buf, sizeof buf, &len, unit, quantity, lang);
  if (rc != KAM_OK || strcmp(buf, want) != 0)
    fail_msg("%s %s (%s): rc %d '%s', want '%s'", quantity, unit, lang, rc, buf, want);
  assert_int_equal(len, strlen(want));
}

/* The numbers the issue names in both languages: Russian one / few / many and the genitive
 * after a fraction, English singular for exactly 1 and plural otherwise. */
static void test_forms(void **state) {
  static const struct {
    const char *q, *group, *hour, *seat, *hour_en;
  } cases[] = {
      {"0", "групп", "часов", "рабочих мест", "hours"},
      {"1", "группа", "час", "рабочее место", "hour"},
      {"2", "группы", "часа", "рабочих места", "hours"},
      {"4", "группы", "часа", "рабочих места", "hours"},
      {"5", "групп", "часов", "рабочих мест", "hours"},
      {"11", "групп", "часов", "рабочих мест", "hours"},
      {"12", "групп", "часов", "рабочих мест", "hours"},
      {"14", "групп", "часов", "рабочих мест", "hours"},
      {"21", "группа", "час", "рабочее место", "hours"},
      {"22", "группы", "часа", "рабочих места", "hours"},
      {"25", "групп", "часов", "рабочих мест", "hours"},
      {"101", "группа", "час", "рабочее место", "hours"},
      {"111", "групп", "часов", "рабочих мест", "hours"},
      {"0.5", "группы", "часа", "рабочего места", "hours"},
      {"1,5", "группы", "часа", "рабочего места", "hours"},
      {"2.5", "группы", "часа", "рабочего места", "hours"},
      {"320,5", "группы", "часа", "рабочего места", "hours"},
      {"5.00", "групп", "часов", "рабочих мест", "hours"},
      {"21.0", "группа", "час", "рабочее место", "hours"},
      {"1.00", "группа", "час", "рабочее место", "hour"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    expect_form("группа", cases[i].q, "ru", cases[i].group);
    expect_form("час", cases[i].q, "ru", cases[i].hour);
    expect_form("рабочее место", cases[i].q, "ru", cases[i].seat);
    expect_form("hour", cases[i].q, "en", cases[i].hour_en);
    expect_form("hours", cases[i].q, "en", cases[i].hour_en);
  }
}

/* The rest of the dictionary (any form of a known unit is recognised); abbreviations and
 * unknown units are written as given. */
static void test_dictionary_and_as_given(void **state) {
  static const struct {
    const char *unit, *q, *lang, *want;
  } cases[] = {
      {"группы", "5", "ru", "групп"},
      {"вебинар", "14", "ru", "вебинаров"},
      {"квартал", "4", "ru", "квартала"},
      {"год", "5", "ru", "лет"},
      {"год", "2", "ru", "года"},
      {"чел.-час", "3", "ru", "чел.-часа"},
      {"чел.-день", "10", "ru", "чел.-дней"},
      {"лицензия", "21", "ru", "лицензия"},
      {"пользователь", "12400", "ru", "пользователей"},
      {"webinar", "1", "en", "webinar"},
      {"webinar", "14", "en", "webinars"},
      {"person-day", "3", "en", "person-days"},
      {"шт.", "5", "ru", "шт."},
      {"чел.-нед.", "6.5", "ru", "чел.-нед."},
      {"мес.", "12", "ru", "мес."},
      {"попугай", "5", "ru", "попугай"},
      {"hrs.", "2", "en", "hrs."},
      {"widget", "2", "en", "widget"},
      {"час", "2", "en", "час"}, /* a Russian unit in an English document is not translated */
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_form(cases[i].unit, cases[i].q, cases[i].lang, cases[i].want);
}

/* The buffer contract and bad arguments. */
static void test_contract(void **state) {
  char buf[8];
  size_t len = 0;
  (void)state;
  assert_int_equal(kam_unit_format(NULL, 0, &len, "группа", "5", "ru"), KAM_ELIMIT);
  assert_int_equal(len, strlen("групп"));
  memcpy(buf, "xxxxxxx", 8);
  assert_int_equal(kam_unit_format(buf, len, &len, "группа", "5", "ru"), KAM_ELIMIT);
  assert_string_equal(buf, "");
  assert_int_equal(kam_unit_format(buf, sizeof buf, NULL, "группа", "5", "ru"), KAM_ELIMIT);
  {
    char fit[16];
    assert_int_equal(kam_unit_format(fit, strlen("групп") + 1, NULL, "группа", "5", "ru"), KAM_OK);
    assert_string_equal(fit, "групп");
  }
  assert_int_equal(kam_unit_format(NULL, 4, &len, "час", "5", "ru"), KAM_EINVAL);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, NULL, "5", "ru"), KAM_EINVAL);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", NULL, "ru"), KAM_EINVAL);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", "5", NULL), KAM_EINVAL);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", "5", "de"), KAM_EINVAL);
  assert_string_equal(buf, "");
  memcpy(buf, "xxxxxxx", 8);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", "five", "ru"), KAM_EPARSE);
  assert_string_equal(buf, "");
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", "", "ru"), KAM_EPARSE);
  assert_int_equal(kam_unit_format(buf, sizeof buf, &len, "час", "1e30", "ru"), KAM_EPARSE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_forms),
      cmocka_unit_test(test_dictionary_and_as_given),
      cmocka_unit_test(test_contract),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

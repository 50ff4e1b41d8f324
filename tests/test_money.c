/* test_money.c - money as document text and in words: every currency with its own sign and
 * nouns in both languages, Russian gender and plural agreement at every boundary from 0 to
 * INT64_MAX, negative amounts, the buffer rules, exact parsing and currency digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "documents/money_internal.h"

#define NB "\xC2\xA0" /* U+00A0 NO-BREAK SPACE */
#define RUBLE "\xE2\x82\xBD"
#define EURO "\xE2\x82\xAC"

static void fmt_is(int64_t amount, const char *cur, const char *lang, const char *want) {
  char buf[256];
  size_t len = 0;
  int rc = kam_money_format(buf, sizeof buf, &len, amount, cur, lang);
  if (rc != KAM_OK || strcmp(buf, want) != 0 || len != strlen(want))
    fail_msg("format(%lld, %s, %s): rc %d, \"%s\" (%zu), want \"%s\"", (long long)amount, cur, lang,
             rc, buf, len, want);
}

static void words_is(int64_t amount, const char *cur, const char *lang, const char *want) {
  char buf[1024];
  size_t len = 0;
  int rc = kam_money_words(buf, sizeof buf, &len, amount, cur, lang);
  if (rc != KAM_OK || strcmp(buf, want) != 0 || len != strlen(want))
    fail_msg("words(%lld, %s, %s): rc %d,\n  \"%s\" (%zu),\n  want \"%s\"", (long long)amount, cur,
             lang, rc, buf, len, want);
}

static void number_is(uint64_t n, const char *lang, int gender, const char *want) {
  char buf[1024];
  size_t len = 0;
  int rc = kam__number_words(buf, sizeof buf, &len, n, lang, gender);
  if (rc != KAM_OK || strcmp(buf, want) != 0 || len != strlen(want))
    fail_msg("number(%llu, %s, %d): rc %d, \"%s\", want \"%s\"", (unsigned long long)n, lang,
             gender, rc, buf, want);
}

/* ---- format -------------------------------------------------------------------------- */

static void test_format_ru(void **state) {
  (void)state;
  fmt_is(123456789, "RUB", "ru", "1" NB "234" NB "567,89" NB RUBLE);
  fmt_is(123456, "USD", "ru", "1" NB "234,56" NB "$");
  fmt_is(123456, "EUR", "ru", "1" NB "234,56" NB EURO);
  fmt_is(123456, "GBP", "ru", "1" NB "234,56" NB "GBP");
  fmt_is(1235, "JPY", "ru", "1" NB "235" NB "JPY");
  fmt_is(1234567, "KWD", "ru", "1" NB "234,567" NB "KWD");
  fmt_is(123456, "XYZ", "ru", "1" NB "234,56" NB "XYZ"); /* unknown code: 2 digits */
  fmt_is(0, "RUB", "ru", "0,00" NB RUBLE);
  fmt_is(5, "RUB", "ru", "0,05" NB RUBLE);
  fmt_is(99999, "RUB", "ru", "999,99" NB RUBLE);
  fmt_is(100000, "RUB", "ru", "1" NB "000,00" NB RUBLE);
  fmt_is(-123456, "RUB", "ru", "-1" NB "234,56" NB RUBLE);
  fmt_is(-1, "RUB", "ru", "-0,01" NB RUBLE);
  fmt_is(INT64_MIN, "RUB", "ru", "-92" NB "233" NB "720" NB "368" NB "547" NB "758,08" NB RUBLE);
  fmt_is(INT64_MAX, "RUB", "RU-ru", "92" NB "233" NB "720" NB "368" NB "547" NB "758,07" NB RUBLE);
}

static void test_format_en(void **state) {
  (void)state;
  fmt_is(123456789, "RUB", "en", "RUB 1,234,567.89");
  fmt_is(123456789, "USD", "en", "$1,234,567.89");
  fmt_is(123456, "EUR", "en", EURO "1,234.56");
  fmt_is(123456, "GBP", "en",
         "\xC2\xA3"
         "1,234.56");
  fmt_is(1235, "JPY", "en",
         "\xC2\xA5"
         "1,235");
  fmt_is(1234567, "KWD", "en", "KWD 1,234.567");
  fmt_is(12345, "CLF", "en", "CLF 1.2345");
  fmt_is(123456, "CHF", "en-GB", "CHF 1,234.56");
  fmt_is(0, "USD", "en", "$0.00");
  fmt_is(0, "JPY", "en",
         "\xC2\xA5"
         "0");
  fmt_is(999, "USD", "en", "$9.99");
  fmt_is(-123456, "USD", "en", "-$1,234.56");
  fmt_is(-500, "RUB", "EN", "-RUB 5.00");
  fmt_is(INT64_MIN, "USD", "en", "-$92,233,720,368,547,758.08");
  fmt_is(INT64_MAX, "JPY", "en_US",
         "\xC2\xA5"
         "9,223,372,036,854,775,807");
  fmt_is(INT64_MIN, "JPY", "en",
         "-\xC2\xA5"
         "9,223,372,036,854,775,808");
}

static void test_format_buffers(void **state) {
  const char *want = "1" NB "234,56" NB RUBLE; /* 13 bytes */
  char buf[32];
  size_t len = 0, need = strlen(want);
  (void)state;
  assert_int_equal(kam_money_format(NULL, 0, &len, 123456, "RUB", "ru"), KAM_ELIMIT);
  assert_int_equal(len, need);
  memset(buf, 'x', sizeof buf);
  len = 0;
  assert_int_equal(kam_money_format(buf, need, &len, 123456, "RUB", "ru"), KAM_ELIMIT);
  assert_int_equal(len, need);
  assert_string_equal(buf, ""); /* never a torn UTF-8 sequence */
  memset(buf, 'x', sizeof buf);
  assert_int_equal(kam_money_format(buf, 1, &len, 123456, "RUB", "ru"), KAM_ELIMIT);
  assert_int_equal(buf[0], '\0');
  assert_int_equal(buf[1], 'x'); /* nothing written past cap */
  assert_int_equal(kam_money_format(buf, need + 1, &len, 123456, "RUB", "ru"), KAM_OK);
  assert_string_equal(buf, want);
  assert_int_equal(kam_money_format(buf, need + 1, NULL, 123456, "RUB", "ru"), KAM_OK);
  assert_int_equal(kam_money_format(buf, 2, NULL, 123456, "RUB", "ru"), KAM_ELIMIT);
  assert_int_equal(kam_money_format(NULL, 0, NULL, 123456, "RUB", "ru"), KAM_ELIMIT);
}

static void test_format_invalid(void **state) {
  static const char *const bad_codes[] = {"rub", "RU", "RUBX", "R1B", "", "Rub", "RU\xD0"};
  static const char *const bad_langs[] = {"de", "r", "", "rus", "english", "ru ", "xx-RU"};
  char buf[32];
  size_t len = 77, i;
  (void)state;
  for (i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
    strcpy(buf, "junk");
    assert_int_equal(kam_money_format(buf, sizeof buf, &len, 1, bad_codes[i], "ru"), KAM_EINVAL);
    assert_string_equal(buf, "");
    assert_int_equal(kam_money_words(buf, sizeof buf, &len, 1, bad_codes[i], "en"), KAM_EINVAL);
  }
  for (i = 0; i < sizeof bad_langs / sizeof bad_langs[0]; i++) {
    assert_int_equal(kam_money_format(buf, sizeof buf, &len, 1, "RUB", bad_langs[i]), KAM_EINVAL);
    assert_int_equal(kam_money_words(buf, sizeof buf, &len, 1, "RUB", bad_langs[i]), KAM_EINVAL);
  }
  assert_int_equal(len, 77); /* not set on EINVAL */
  assert_int_equal(kam_money_format(buf, sizeof buf, &len, 1, NULL, "ru"), KAM_EINVAL);
  assert_int_equal(kam_money_format(buf, sizeof buf, &len, 1, "RUB", NULL), KAM_EINVAL);
  assert_int_equal(kam_money_format(NULL, 5, &len, 1, "RUB", "ru"), KAM_EINVAL);
  assert_int_equal(kam_money_words(NULL, 5, &len, 1, "RUB", "ru"), KAM_EINVAL);
  assert_int_equal(kam_money_words(buf, sizeof buf, &len, 1, NULL, "ru"), KAM_EINVAL);
  assert_int_equal(kam_money_words(buf, sizeof buf, &len, 1, "RUB", NULL), KAM_EINVAL);
}

/* ---- words --------------------------------------------------------------------------- */

static void test_words_ru_units(void **state) {
  static const char *const teens[] = {"Одиннадцать",  "Двенадцать",   "Тринадцать",
                                      "Четырнадцать", "Пятнадцать",   "Шестнадцать",
                                      "Семнадцать",   "Восемнадцать", "Девятнадцать"};
  char want[128];
  int i;
  (void)state;
  words_is(0, "RUB", "ru", "Ноль рублей 00 копеек");
  words_is(100, "RUB", "ru", "Один рубль 00 копеек");
  words_is(200, "RUB", "ru", "Два рубля 00 копеек");
  words_is(300, "RUB", "ru", "Три рубля 00 копеек");
  words_is(400, "RUB", "ru", "Четыре рубля 00 копеек");
  words_is(500, "RUB", "ru", "Пять рублей 00 копеек");
  words_is(1000, "RUB", "ru", "Десять рублей 00 копеек");
  for (i = 11; i <= 19; i++) {
    snprintf(want, sizeof want, "%s рублей 00 копеек", teens[i - 11]);
    words_is(i * 100, "RUB", "ru", want);
  }
  words_is(2000, "RUB", "ru", "Двадцать рублей 00 копеек");
  words_is(2100, "RUB", "ru", "Двадцать один рубль 00 копеек");
  words_is(2200, "RUB", "ru", "Двадцать два рубля 00 копеек");
  words_is(2500, "RUB", "ru", "Двадцать пять рублей 00 копеек");
  words_is(4000, "RUB", "ru", "Сорок рублей 00 копеек");
  words_is(9900, "RUB", "ru", "Девяносто девять рублей 00 копеек");
  words_is(10000, "RUB", "ru", "Сто рублей 00 копеек");
  words_is(10100, "RUB", "ru", "Сто один рубль 00 копеек");
  words_is(11100, "RUB", "ru", "Сто одиннадцать рублей 00 копеек");
  words_is(11200, "RUB", "ru", "Сто двенадцать рублей 00 копеек");
  words_is(21400, "RUB", "ru", "Двести четырнадцать рублей 00 копеек");
  words_is(32200, "RUB", "ru", "Триста двадцать два рубля 00 копеек");
  words_is(99900, "RUB", "ru", "Девятьсот девяносто девять рублей 00 копеек");
  /* Kopecks: two digits, the noun agreeing with the number. */
  words_is(1, "RUB", "ru", "Ноль рублей 01 копейка");
  words_is(2, "RUB", "ru", "Ноль рублей 02 копейки");
  words_is(5, "RUB", "ru", "Ноль рублей 05 копеек");
  words_is(11, "RUB", "ru", "Ноль рублей 11 копеек");
  words_is(12, "RUB", "ru", "Ноль рублей 12 копеек");
  words_is(21, "RUB", "ru", "Ноль рублей 21 копейка");
  words_is(22, "RUB", "ru", "Ноль рублей 22 копейки");
  words_is(99, "RUB", "ru", "Ноль рублей 99 копеек");
  words_is(12345678, "RUB", "ru",
           "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"); /* DESIGN */
}

static void test_words_ru_scales(void **state) {
  (void)state;
  words_is(100000, "RUB", "ru", "Одна тысяча рублей 00 копеек");
  words_is(100100, "RUB", "ru", "Одна тысяча один рубль 00 копеек");
  words_is(200000, "RUB", "ru", "Две тысячи рублей 00 копеек");
  words_is(500000, "RUB", "ru", "Пять тысяч рублей 00 копеек");
  words_is(1100000, "RUB", "ru", "Одиннадцать тысяч рублей 00 копеек");
  words_is(2100000, "RUB", "ru", "Двадцать одна тысяча рублей 00 копеек");
  words_is(2200000, "RUB", "ru", "Двадцать две тысячи рублей 00 копеек");
  words_is(11100000, "RUB", "ru", "Сто одиннадцать тысяч рублей 00 копеек");
  words_is(100000000, "RUB", "ru", "Один миллион рублей 00 копеек");
  words_is(200000000, "RUB", "ru", "Два миллиона рублей 00 копеек");
  words_is(500000000, "RUB", "ru", "Пять миллионов рублей 00 копеек");
  words_is(100200300, "RUB", "ru", "Один миллион две тысячи три рубля 00 копеек");
  words_is(511100000, "RUB", "ru", "Пять миллионов сто одиннадцать тысяч рублей 00 копеек");
  words_is(100000000000, "RUB", "ru", "Один миллиард рублей 00 копеек");
  words_is(200000000000, "RUB", "ru", "Два миллиарда рублей 00 копеек");
  words_is(100000000000000, "RUB", "ru", "Один триллион рублей 00 копеек");
  words_is(2100000000000000, "RUB", "ru", "Двадцать один триллион рублей 00 копеек");
  words_is(99999999999999999, "RUB", "ru",
           "Девятьсот девяносто девять триллионов девятьсот девяносто девять миллиардов "
           "девятьсот девяносто девять миллионов девятьсот девяносто девять тысяч девятьсот "
           "девяносто девять рублей 99 копеек");
  words_is(100000000000000000, "RUB", "ru", "Один квадриллион рублей 00 копеек");
  words_is(INT64_MAX, "RUB", "ru",
           "Девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать "
           "миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот "
           "пятьдесят восемь рублей 07 копеек");
  words_is(INT64_MIN, "RUB", "ru",
           "Минус девяносто два квадриллиона двести тридцать три триллиона семьсот двадцать "
           "миллиардов триста шестьдесят восемь миллионов пятьсот сорок семь тысяч семьсот "
           "пятьдесят восемь рублей 08 копеек");
  words_is(-505, "RUB", "ru", "Минус пять рублей 05 копеек");
  words_is(-1, "RUB", "ru", "Минус ноль рублей 01 копейка");
}

static void test_words_ru_genders(void **state) {
  (void)state;
  /* Masculine: рубль, доллар, евро (indeclinable, masculine by the RAS dictionary). */
  words_is(2101, "USD", "ru", "Двадцать один доллар США 01 цент");
  words_is(202, "USD", "ru", "Два доллара США 02 цента");
  words_is(505, "USD", "ru", "Пять долларов США 05 центов");
  words_is(101, "EUR", "ru", "Один евро 01 евроцент");
  words_is(222, "EUR", "ru", "Два евро 22 евроцента");
  words_is(1111, "EUR", "ru", "Одиннадцать евро 11 евроцентов");
  words_is(150, "GBP", "ru", "Один фунт стерлингов 50 пенсов");
  words_is(301, "GBP", "ru", "Три фунта стерлингов 01 пенс");
  words_is(2100, "BYN", "ru", "Двадцать один белорусский рубль 00 копеек");
  words_is(2201, "BYN", "ru", "Двадцать два белорусских рубля 01 копейка");
  words_is(500, "CHF", "ru", "Пять швейцарских франков 00 сантимов");
  words_is(102, "CNY", "ru", "Один юань 02 фэня");
  words_is(100, "KZT", "ru", "Один тенге 00 тиынов");
  /* Feminine: иена (JPY has no minor unit), тысяча, копейка. */
  words_is(1, "JPY", "ru", "Одна иена");
  words_is(2, "JPY", "ru", "Две иены");
  words_is(5, "JPY", "ru", "Пять иен");
  words_is(21, "JPY", "ru", "Двадцать одна иена");
  words_is(22022, "JPY", "ru", "Двадцать две тысячи двадцать две иены");
  words_is(1000000000000000, "JPY", "ru", "Один квадриллион иен");
  words_is(INT64_MAX, "JPY", "ru",
           "Девять квинтиллионов двести двадцать три квадриллиона триста семьдесят два "
           "триллиона тридцать шесть миллиардов восемьсот пятьдесят четыре миллиона семьсот "
           "семьдесят пять тысяч восемьсот семь иен");
  /* Neuter (no currency here is neuter; the numeral engine has all three). */
  number_is(1, "ru", KAM__GENDER_N, "одно");
  number_is(2, "ru", KAM__GENDER_N, "два");
  number_is(21001, "ru", KAM__GENDER_N, "двадцать одна тысяча одно");
  number_is(1002, "ru", KAM__GENDER_F, "одна тысяча две");
  number_is(1002, "ru", KAM__GENDER_M, "одна тысяча два");
  number_is(1000001, "ru", KAM__GENDER_F, "один миллион одна");
  number_is(0, "ru", KAM__GENDER_F, "ноль");
  number_is(UINT64_MAX, "ru", KAM__GENDER_M,
            "восемнадцать квинтиллионов четыреста сорок шесть квадриллионов семьсот сорок "
            "четыре триллиона семьдесят три миллиарда семьсот девять миллионов пятьсот "
            "пятьдесят одна тысяча шестьсот пятнадцать");
  number_is(UINT64_MAX, "en", KAM__GENDER_M,
            "eighteen quintillion four hundred forty-six quadrillion seven hundred forty-four "
            "trillion seventy-three billion seven hundred nine million five hundred fifty-one "
            "thousand six hundred fifteen");
  {
    char buf[8];
    size_t len = 0;
    assert_int_equal(kam__number_words(buf, sizeof buf, &len, 1, "ru", 3), KAM_EINVAL);
    assert_int_equal(kam__number_words(buf, sizeof buf, &len, 1, "de", 0), KAM_EINVAL);
    assert_int_equal(kam__number_words(buf, 6, &len, 100, "ru", 0), KAM_ELIMIT);
    assert_int_equal(len, strlen("сто"));
    assert_string_equal(buf, "");
  }
}

static void test_words_en(void **state) {
  (void)state;
  words_is(123456, "USD", "en", "One thousand two hundred thirty-four dollars and 56 cents");
  words_is(0, "USD", "en", "Zero dollars and 00 cents");
  words_is(100, "USD", "en", "One dollar and 00 cents");
  words_is(101, "USD", "en", "One dollar and 01 cent");
  words_is(1, "USD", "en", "Zero dollars and 01 cent");
  words_is(-500, "USD", "en", "Minus five dollars and 00 cents");
  words_is(1100, "USD", "en", "Eleven dollars and 00 cents");
  words_is(1900, "USD", "en", "Nineteen dollars and 00 cents");
  words_is(2100, "USD", "en", "Twenty-one dollars and 00 cents");
  words_is(4000, "USD", "en", "Forty dollars and 00 cents");
  words_is(10100, "USD", "en", "One hundred one dollars and 00 cents");
  words_is(11500, "USD", "en", "One hundred fifteen dollars and 00 cents");
  words_is(100000, "USD", "en", "One thousand dollars and 00 cents");
  words_is(100100, "USD", "en", "One thousand one dollars and 00 cents");
  words_is(2100000, "USD", "en", "Twenty-one thousand dollars and 00 cents");
  words_is(100000100, "USD", "en", "One million one dollars and 00 cents");
  words_is(200000000000, "USD", "en", "Two billion dollars and 00 cents");
  words_is(100000000000000, "USD", "en", "One trillion dollars and 00 cents");
  words_is(99999999999999999, "USD", "en",
           "Nine hundred ninety-nine trillion nine hundred ninety-nine billion nine hundred "
           "ninety-nine million nine hundred ninety-nine thousand nine hundred ninety-nine "
           "dollars and 99 cents");
  words_is(100000000000000000, "USD", "en", "One quadrillion dollars and 00 cents");
  words_is(INT64_MAX, "USD", "en",
           "Ninety-two quadrillion two hundred thirty-three trillion seven hundred twenty "
           "billion three hundred sixty-eight million five hundred forty-seven thousand seven "
           "hundred fifty-eight dollars and 07 cents");
  words_is(505, "RUB", "en", "Five rubles and 05 kopecks");
  words_is(101, "RUB", "en", "One ruble and 01 kopeck");
  words_is(201, "EUR", "en", "Two euros and 01 cent");
  words_is(100, "EUR", "en", "One euro and 00 cents");
  words_is(250, "GBP", "en", "Two pounds sterling and 50 pence");
  words_is(101, "GBP", "en", "One pound sterling and 01 penny");
  words_is(1235, "JPY", "en", "One thousand two hundred thirty-five yen");
  words_is(INT64_MAX, "JPY", "en",
           "Nine quintillion two hundred twenty-three quadrillion three hundred seventy-two "
           "trillion thirty-six billion eight hundred fifty-four million seven hundred "
           "seventy-five thousand eight hundred seven yen");
  words_is(12345, "SEK", "en", "One hundred twenty-three SEK and 45/100");
  words_is(123456, "KWD", "en", "One hundred twenty-three KWD and 456/1000");
  words_is(123456, "KWD", "ru", "Сто двадцать три KWD 456/1000");
  words_is(12345, "XYZ", "ru", "Сто двадцать три XYZ 45/100");
  words_is(7, "KRW", "ru", "Семь KRW");
  words_is(-7, "KRW", "en", "Minus seven KRW");
}

static void test_words_buffers(void **state) {
  const char *want = "Один рубль 00 копеек";
  char buf[64];
  size_t len = 0, need = strlen(want);
  (void)state;
  assert_int_equal(kam_money_words(NULL, 0, &len, 100, "RUB", "ru"), KAM_ELIMIT);
  assert_int_equal(len, need);
  memset(buf, 'x', sizeof buf);
  assert_int_equal(kam_money_words(buf, need, &len, 100, "RUB", "ru"), KAM_ELIMIT);
  assert_string_equal(buf, "");
  assert_int_equal(kam_money_words(buf, need + 1, &len, 100, "RUB", "ru"), KAM_OK);
  assert_string_equal(buf, want);
  /* The longest texts fit the documented sizing loop. */
  {
    char *big;
    assert_int_equal(kam_money_words(NULL, 0, &len, INT64_MIN, "BYN", "ru"), KAM_ELIMIT);
    big = malloc(len + 1);
    assert_non_null(big);
    assert_int_equal(kam_money_words(big, len + 1, &len, INT64_MIN, "BYN", "ru"), KAM_OK);
    assert_int_equal(strlen(big), len);
    free(big);
  }
}

/* ---- parse and digits ---------------------------------------------------------------- */

static void test_parse_and_digits(void **state) {
  int64_t v = 42;
  (void)state;
  assert_int_equal(kam_money_parse(&v, "1234.56", 7, "RUB"), KAM_OK);
  assert_int_equal(v, 123456);
  assert_int_equal(kam_money_parse(&v, "-0.5", 4, "USD"), KAM_OK);
  assert_int_equal(v, -50);
  assert_int_equal(kam_money_parse(&v, "1234", 4, "JPY"), KAM_OK);
  assert_int_equal(v, 1234);
  assert_int_equal(kam_money_parse(&v, "1.5e3", 5, "RUB"), KAM_OK);
  assert_int_equal(v, 150000);
  assert_int_equal(kam_money_parse(&v, "1.230", 5, "RUB"), KAM_OK);
  assert_int_equal(v, 123);
  assert_int_equal(kam_money_parse(&v, "1.234", 5, "KWD"), KAM_OK);
  assert_int_equal(v, 1234);
  assert_int_equal(kam_money_parse(&v, "92233720368547758.07", 20, "RUB"), KAM_OK);
  assert_int_equal(v, INT64_MAX);
  assert_int_equal(kam_money_parse(&v, "12.34xx", 5, "RUB"), KAM_OK); /* len bounds it */
  assert_int_equal(v, 1234);
  v = 42;
  assert_int_equal(kam_money_parse(&v, "1.005", 5, "RUB"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, "0.5", 3, "JPY"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, "1 234", 5, "RUB"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, "1,5", 3, "RUB"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, "", 0, "RUB"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, NULL, 0, "RUB"), KAM_EPARSE);
  assert_int_equal(kam_money_parse(&v, "92233720368547758.08", 20, "RUB"), KAM_EOVERFLOW);
  assert_int_equal(kam_money_parse(&v, "1e30", 4, "RUB"), KAM_EOVERFLOW);
  /* The range is symmetric: INT64_MIN minor units cannot be written. */
  assert_int_equal(kam_money_parse(&v, "-92233720368547758.08", 21, "RUB"), KAM_EOVERFLOW);
  assert_int_equal(kam_money_parse(&v, "-92233720368547758.07", 21, "RUB"), KAM_OK);
  assert_int_equal(v, -INT64_MAX);
  v = 42;
  assert_int_equal(kam_money_parse(&v, "1", 1, "rub"), KAM_EINVAL);
  assert_int_equal(kam_money_parse(&v, "1", 1, NULL), KAM_EINVAL);
  assert_int_equal(kam_money_parse(NULL, "1", 1, "RUB"), KAM_EINVAL);
  assert_int_equal(kam_money_parse(&v, NULL, 3, "RUB"), KAM_EINVAL);
  assert_int_equal(v, 42);

  assert_int_equal(kam_currency_digits("RUB"), 2);
  assert_int_equal(kam_currency_digits("USD"), 2);
  assert_int_equal(kam_currency_digits("EUR"), 2);
  assert_int_equal(kam_currency_digits("JPY"), 0);
  assert_int_equal(kam_currency_digits("KRW"), 0);
  assert_int_equal(kam_currency_digits("KWD"), 3);
  assert_int_equal(kam_currency_digits("BHD"), 3);
  assert_int_equal(kam_currency_digits("OMR"), 3);
  assert_int_equal(kam_currency_digits("TND"), 3);
  assert_int_equal(kam_currency_digits("CLF"), 4);
  assert_int_equal(kam_currency_digits("XYZ"), 2);
  assert_int_equal(kam_currency_digits("xyz"), KAM_EINVAL);
  assert_int_equal(kam_currency_digits("RUBL"), KAM_EINVAL);
  assert_int_equal(kam_currency_digits(NULL), KAM_EINVAL);
  assert_int_equal(kam__currency_digits("XYZ"), -1);
  assert_int_equal(kam__currency_digits("JPY"), 0);
  assert_int_equal(kam__currency_digits(NULL), -1);
  assert_true(kam__currency_valid("ABC"));
  assert_false(kam__currency_valid("AB"));
}

/* Plain text: every minor digit, '.', no grouping or sign; it reads back through parse. */
static void test_plain(void **state) {
  static const char *const codes[] = {"JPY", "RUB", "KWD", "CLF"};
  char buf[64];
  size_t len = 0, c;
  uint64_t seed = 7;
  int i;
  (void)state;
  assert_int_equal(kam_money_plain(buf, sizeof buf, &len, 123456, "RUB"), KAM_OK);
  assert_string_equal(buf, "1234.56");
  assert_int_equal(len, 7);
  assert_int_equal(kam_money_plain(buf, sizeof buf, NULL, -5, "USD"), KAM_OK);
  assert_string_equal(buf, "-0.05");
  assert_int_equal(kam_money_plain(buf, sizeof buf, NULL, 1235, "JPY"), KAM_OK);
  assert_string_equal(buf, "1235");
  assert_int_equal(kam_money_plain(buf, sizeof buf, NULL, 1234, "KWD"), KAM_OK);
  assert_string_equal(buf, "1.234");
  assert_int_equal(kam_money_plain(buf, sizeof buf, NULL, 0, "CLF"), KAM_OK);
  assert_string_equal(buf, "0.0000");
  assert_int_equal(kam_money_plain(buf, sizeof buf, &len, INT64_MIN, "RUB"), KAM_OK);
  assert_string_equal(buf, "-92233720368547758.08");
  assert_int_equal(len, 21);
  /* buffer rules */
  assert_int_equal(kam_money_plain(NULL, 0, &len, 123456, "RUB"), KAM_ELIMIT);
  assert_int_equal(len, 7);
  assert_int_equal(kam_money_plain(buf, 7, &len, 123456, "RUB"), KAM_ELIMIT);
  assert_string_equal(buf, "");
  assert_int_equal(kam_money_plain(buf, 8, &len, 123456, "RUB"), KAM_OK);
  assert_int_equal(kam_money_plain(buf, sizeof buf, &len, 1, "rub"), KAM_EINVAL);
  assert_string_equal(buf, "");
  assert_int_equal(kam_money_plain(NULL, 4, &len, 1, "RUB"), KAM_EINVAL);
  for (i = 0; i < 500; i++) {
    for (c = 0; c < 4; c++) {
      int64_t amount, back = 0;
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      amount = (int64_t)(seed >> (1 + (seed & 63) % 62));
      if (seed & 1) amount = -amount;
      assert_int_equal(kam_money_plain(buf, sizeof buf, &len, amount, codes[c]), KAM_OK);
      assert_int_equal(kam_money_parse(&back, buf, len, codes[c]), KAM_OK);
      assert_int_equal(back, amount);
    }
  }
}

/* Every amount that format prints reads back through parse (with the grouping and the sign
 * taken off), over a spread of magnitudes and all digit counts. */
static void test_format_parse_round_trip(void **state) {
  static const char *const codes[] = {"JPY", "RUB", "KWD", "CLF"};
  uint64_t seed = 99;
  int i;
  size_t c;
  (void)state;
  for (i = 0; i < 2000; i++) {
    for (c = 0; c < 4; c++) {
      char buf[128], plain[64];
      size_t len, k, n = 0;
      int64_t amount, back = 0;
      seed = seed * 6364136223846793005u + 1442695040888963407u;
      amount = (int64_t)(seed >> (1 + (seed & 63) % 62));
      if (seed & 1) amount = -amount;
      assert_int_equal(kam_money_format(buf, sizeof buf, &len, amount, codes[c], "en"), KAM_OK);
      for (k = 0; k < len; k++)
        if (buf[k] == '-' || buf[k] == '.' || (buf[k] >= '0' && buf[k] <= '9')) plain[n++] = buf[k];
      assert_int_equal(kam_money_parse(&back, plain, n, codes[c]), KAM_OK);
      assert_int_equal(back, amount);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_ru),
      cmocka_unit_test(test_format_en),
      cmocka_unit_test(test_format_buffers),
      cmocka_unit_test(test_format_invalid),
      cmocka_unit_test(test_words_ru_units),
      cmocka_unit_test(test_words_ru_scales),
      cmocka_unit_test(test_words_ru_genders),
      cmocka_unit_test(test_words_en),
      cmocka_unit_test(test_words_buffers),
      cmocka_unit_test(test_parse_and_digits),
      cmocka_unit_test(test_format_parse_round_trip),
      cmocka_unit_test(test_plain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* unit.c - units of measure that agree with their quantity (kam_unit_format): the Russian
 * one / few / many forms and the genitive singular after a fraction, the English singular and
 * plural, over a built-in dictionary of the units price lists use. */
#include <string.h>

#include "core/decimal_internal.h"
#include "core/internal.h"
#include "documents/unit_internal.h"

/* Russian: one (1, 21), few (2-4, 22), many (0, 5-20, 25), part (after a fraction: genitive
 * singular, "2,5 рабочего места"). */
static const char *const units_ru[][4] = {
    {"штука", "штуки", "штук", "штуки"},
    {"час", "часа", "часов", "часа"},
    {"день", "дня", "дней", "дня"},
    {"неделя", "недели", "недель", "недели"},
    {"месяц", "месяца", "месяцев", "месяца"},
    {"квартал", "квартала", "кварталов", "квартала"},
    {"год", "года", "лет", "года"},
    {"пользователь", "пользователя", "пользователей", "пользователя"},
    {"лицензия", "лицензии", "лицензий", "лицензии"},
    {"рабочее место", "рабочих места", "рабочих мест", "рабочего места"},
    {"группа", "группы", "групп", "группы"},
    {"вебинар", "вебинара", "вебинаров", "вебинара"},
    {"курс", "курса", "курсов", "курса"},
    {"комплект", "комплекта", "комплектов", "комплекта"},
    {"услуга", "услуги", "услуг", "услуги"},
    {"чел.-час", "чел.-часа", "чел.-часов", "чел.-часа"},
    {"чел.-день", "чел.-дня", "чел.-дней", "чел.-дня"},
};

/* English: singular (exactly 1), plural (everything else: 0, 2, 1.5, 0.5). */
static const char *const units_en[][2] = {
    {"piece", "pieces"},
    {"unit", "units"},
    {"hour", "hours"},
    {"day", "days"},
    {"week", "weeks"},
    {"month", "months"},
    {"quarter", "quarters"},
    {"year", "years"},
    {"user", "users"},
    {"licence", "licences"},
    {"license", "licenses"},
    {"seat", "seats"},
    {"workplace", "workplaces"},
    {"group", "groups"},
    {"webinar", "webinars"},
    {"course", "courses"},
    {"set", "sets"},
    {"kit", "kits"},
    {"service", "services"},
    {"person-hour", "person-hours"},
    {"person-day", "person-days"},
    {"person-week", "person-weeks"},
    {"man-day", "man-days"},
};

/* The Russian form index for an exact quantity: 0 one, 1 few, 2 many, 3 part. */
static int ru_form(kam__decimal q) {
  uint64_t n;
  int s = q.scale;
  int64_t c = q.coef;
  /* Trailing fraction zeros do not make a fraction: "5.00" is five. */
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    s--;
  }
  if (s > 0) return 3;
  n = c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c;
  if (n % 100 >= 11 && n % 100 <= 14) return 2;
  if (n % 10 == 1) return 0;
  if (n % 10 >= 2 && n % 10 <= 4) return 1;
  return 2;
}

static bool is_one(kam__decimal q) {
  int64_t c = q.coef;
  int s = q.scale;
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    s--;
  }
  return s == 0 && (c == 1 || c == -1);
}

const char *kam__unit_form(const char *unit, kam__decimal quantity, bool english) {
  size_t i, k, n = unit ? strlen(unit) : 0;
  if (!unit || n == 0 || unit[n - 1] == '.') return unit;
  if (english) {
    for (i = 0; i < sizeof units_en / sizeof units_en[0]; i++)
      for (k = 0; k < 2; k++)
        if (!strcmp(unit, units_en[i][k])) return units_en[i][is_one(quantity) ? 0 : 1];
    return unit;
  }
  for (i = 0; i < sizeof units_ru / sizeof units_ru[0]; i++)
    for (k = 0; k < 4; k++)
      if (!strcmp(unit, units_ru[i][k])) return units_ru[i][ru_form(quantity)];
  return unit;
}

const char *kam__unit_form_own(const char *one, const char *few, const char *many,
                               kam__decimal quantity, bool english) {
  /* Missing forms fall back: few to many, many to few, then both to one. */
  const char *f = few ? few : many ? many : one;
  const char *m = many ? many : few ? few : one;
  const char *o = one ? one : f;
  if (english) return is_one(quantity) ? o : m;
  switch (ru_form(quantity)) {
  case 0: return o;
  case 2: return m;
  default: return f; /* few, and after a fraction the genitive singular, which few is */
  }
}

int kam_unit_format(char *buf, size_t cap, size_t *len, const char *unit, const char *quantity,
                    const char *lang) {
  kam__decimal q;
  const char *form;
  if (len) *len = 0;
  if ((!buf && cap > 0) || !unit || !quantity || !lang ||
      (strcmp(lang, "ru") != 0 && strcmp(lang, "en") != 0)) {
    if (buf && cap > 0) buf[0] = '\0';
    return KAM_EINVAL;
  }
  if (kam__decimal_read(&q, quantity, strlen(quantity), KAM__DEC_DOCUMENT, NULL) != KAM_OK) {
    if (buf && cap > 0) buf[0] = '\0';
    return KAM_EPARSE;
  }
  form = kam__unit_form(unit, q, lang[0] == 'e');
  return kam__text_out(buf, cap, len, form, strlen(form));
}

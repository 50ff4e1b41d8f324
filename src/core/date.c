/* date.c - proleptic Gregorian dates as days since 1970-01-01.
 * Conversions after Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms". */
#include <stdio.h>

#include "core/internal.h"

#define KAM__YEAR_MIN (-999999)
#define KAM__YEAR_MAX 999999

static int is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(long y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

static long days_from_civil(long y, long m, long d) {
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int kam_date_from_ymd(kam_date *out, int year, int month, int day) {
  if (!out || year < KAM__YEAR_MIN || year > KAM__YEAR_MAX || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month))
    return KAM_EINVAL;
  *out = (kam_date)days_from_civil(year, month, day);
  return KAM_OK;
}

void kam_date_to_ymd(kam_date d, int *year, int *month, int *day) {
  long z = (long)d + 719468, era, doe, yoe, y, doy, mp, dd, mm;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  dd = doy - (153 * mp + 2) / 5 + 1;
  mm = mp < 10 ? mp + 3 : mp - 9;
  y += mm <= 2;
  if (year) *year = (int)y;
  if (month) *month = (int)mm;
  if (day) *day = (int)dd;
}

int kam_date_parse(kam_date *out, const char *t, size_t len) {
  int y, m, d;
  size_t i;
  static const size_t digit_at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  if (!out || !t) return KAM_EINVAL;
  if (len != 10 || t[4] != '-' || t[7] != '-') return KAM_EPARSE;
  for (i = 0; i < 8; i++)
    if (!kam__is_digit(t[digit_at[i]])) return KAM_EPARSE;
  y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
  m = (t[5] - '0') * 10 + (t[6] - '0');
  d = (t[8] - '0') * 10 + (t[9] - '0');
  return kam_date_from_ymd(out, y, m, d) == KAM_OK ? KAM_OK : KAM_EPARSE;
}

int kam_date_format(char *buf, size_t cap, size_t *len, kam_date d) {
  char text[32];
  int y, m, dd, n;
  if (!buf && cap > 0) return KAM_EINVAL;
  kam_date_to_ymd(d, &y, &m, &dd);
  n = snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, dd);
  return kam__text_out(buf, cap, len, text, n < 0 ? 0 : (size_t)n);
}

int kam_date_add_months(kam_date *out, kam_date d, int months) {
  int y, m, day, dim;
  long total;
  if (!out) return KAM_EINVAL;
  kam_date_to_ymd(d, &y, &m, &day);
  total = (long)y * 12 + (m - 1) + months;
  y = (int)(total >= 0 ? total / 12 : -((-total + 11) / 12));
  m = (int)(total - (long)y * 12) + 1;
  if (y < KAM__YEAR_MIN || y > KAM__YEAR_MAX) return KAM_EINVAL;
  dim = days_in_month(y, m);
  return kam_date_from_ymd(out, y, m, day > dim ? dim : day);
}

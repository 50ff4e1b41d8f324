/*
 * money.c - currencies, money as document text ("1 234 567,89 ₽", "$1,234,567.89") and money
 * in words ("Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"), the way
 * Russian and English commercial documents write them. Amounts are int64 minor units; the
 * currency's ISO 4217 minor digits say where the major part ends. No ctx, no allocation:
 * everything is built in a bounded local buffer and copied out.
 */
#include <string.h>

#include "documents/money_internal.h"

/* ---- currencies ---------------------------------------------------------------------- */

/* ISO 4217 minor digits (list one, current codes) of the codes we know. Unknown well-formed
 * codes are treated as 2 digits by the public functions. */
static const struct {
  char code[4];
  unsigned char digits;
} iso_digits[] = {
    {"AED", 2}, {"AMD", 2}, {"ARS", 2}, {"AUD", 2}, {"AZN", 2}, {"BGN", 2}, {"BHD", 3}, {"BIF", 0},
    {"BRL", 2}, {"BYN", 2}, {"CAD", 2}, {"CHF", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"CZK", 2},
    {"DJF", 0}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"GEL", 2}, {"GNF", 0}, {"HKD", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0},
    {"KGS", 2}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"KZT", 2}, {"LYD", 3}, {"MDL", 2}, {"MXN", 2},
    {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PLN", 2}, {"PYG", 0}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3},
    {"TRY", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2}, {"UYI", 0}, {"UYW", 4}, {"UZS", 2}, {"VND", 0},
    {"VUV", 0}, {"XAF", 0}, {"XOF", 0}, {"XPF", 0}, {"ZAR", 2},
};

bool kam__currency_valid(const char *code) {
  int i;
  if (!code) return false;
  for (i = 0; i < 3; i++)
    if (code[i] < 'A' || code[i] > 'Z') return false;
  return code[3] == '\0';
}

int kam__currency_digits(const char *code) {
  size_t i;
  if (!kam__currency_valid(code)) return -1;
  for (i = 0; i < sizeof iso_digits / sizeof iso_digits[0]; i++)
    if (memcmp(iso_digits[i].code, code, 4) == 0) return iso_digits[i].digits;
  return -1;
}

/* Public rule: known codes their digits, unknown well-formed codes 2, malformed -1. */
static int digits_of(const char *code) {
  int d;
  if (!kam__currency_valid(code)) return -1;
  d = kam__currency_digits(code);
  return d < 0 ? 2 : d;
}

int kam_currency_digits(const char *currency) {
  int d = digits_of(currency);
  return d < 0 ? KAM_EINVAL : d;
}

int kam__money_parse(int64_t *out, const char *s, size_t len, const char *currency) {
  kam__decimal d;
  int digits = digits_of(currency), rc;
  if (!out || digits < 0 || (!s && len)) return KAM_EINVAL;
  if ((rc = kam__decimal_read(&d, s, len, KAM__DEC_PLAIN, NULL))) return rc;
  return kam__decimal_to_minor_exact(out, d, digits);
}

int kam_money_parse(int64_t *out, const char *text, size_t len, const char *currency) {
  return kam__money_parse(out, text, len, currency);
}

/* ---- bounded text building ----------------------------------------------------------- */

/* The longest result (INT64_MIN in Russian words with the longest currency nouns) is about
 * 600 bytes; `over` catches any mistake in that estimate instead of overrunning. */
typedef struct text_out {
  char data[1024];
  size_t len;
  bool over;
} text_out;

static void put_bytes(text_out *o, const char *s, size_t n) {
  if (o->over || n > sizeof o->data - 1 - o->len) {
    o->over = true;
    return;
  }
  memcpy(o->data + o->len, s, n);
  o->len += n;
  o->data[o->len] = '\0';
}
static void put(text_out *o, const char *s) { put_bytes(o, s, strlen(s)); }

/* Copies the finished text out under the public buffer rules. */
static int deliver(char *buf, size_t cap, size_t *len, const text_out *o) {
  if (o->over) return KAM_ELIMIT; /* cannot happen: the local buffer fits every result */
  if (len) *len = o->len;
  if (cap <= o->len) {
    if (cap) buf[0] = '\0';
    return KAM_ELIMIT;
  }
  memcpy(buf, o->data, o->len + 1);
  return KAM_OK;
}

/* The opening of every public text function: the buffer rules and the call's own checks
 * (args_ok). On bad arguments, empties buf where it can and returns false; else starts *o
 * empty. */
static bool text_begin(text_out *o, char *buf, size_t cap, bool args_ok) {
  if (!(buf || cap == 0) || !args_ok) {
    if (cap && buf) buf[0] = '\0';
    return false;
  }
  o->len = 0;
  o->over = false;
  o->data[0] = '\0';
  return true;
}

enum { LANG_BAD = -1, LANG_RU = 0, LANG_EN = 1 };

/* "ru", "en", or either followed by a region ("ru-RU", "en_GB"); ASCII case ignored. */
static int lang_of(const char *lang) {
  if (!lang) return LANG_BAD;
  if (lang[0] == '\0' || lang[1] == '\0' || (lang[2] != '\0' && lang[2] != '-' && lang[2] != '_'))
    return LANG_BAD;
  if (kam__ascii_lower((unsigned char)lang[0]) == 'r' &&
      kam__ascii_lower((unsigned char)lang[1]) == 'u')
    return LANG_RU;
  if (kam__ascii_lower((unsigned char)lang[0]) == 'e' &&
      kam__ascii_lower((unsigned char)lang[1]) == 'n')
    return LANG_EN;
  return LANG_BAD;
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

static uint64_t pow10_u64(int digits) {
  uint64_t p = 1;
  while (digits-- > 0)
    p *= 10;
  return p;
}

/* Decimal digits of v, zero-padded to at least width. */
static void put_uint(text_out *o, uint64_t v, int width) {
  char digits[24];
  size_t n = kam__u64_text(digits, v);
  for (; (int)n < width; width--)
    put_bytes(o, "0", 1);
  put_bytes(o, digits, n);
}

/* ---- kam_money_format ---------------------------------------------------------------- */

#define NBSP "\xC2\xA0" /* U+00A0 NO-BREAK SPACE */

static const char *ru_symbol(const char *code) {
  if (!strcmp(code, "RUB")) return "\xE2\x82\xBD"; /* ₽ U+20BD */
  if (!strcmp(code, "USD")) return "$";
  if (!strcmp(code, "EUR")) return "\xE2\x82\xAC"; /* € */
  return code;
}

static const char *en_symbol(const char *code) {
  if (!strcmp(code, "USD")) return "$";
  if (!strcmp(code, "EUR")) return "\xE2\x82\xAC"; /* € */
  if (!strcmp(code, "GBP")) return "\xC2\xA3";     /* £ */
  if (!strcmp(code, "JPY")) return "\xC2\xA5";     /* ¥ */
  return NULL;                                     /* the code and a space */
}

int kam_money_format(char *buf, size_t cap, size_t *len, int64_t amount, const char *currency,
                     const char *lang) {
  static const kam__numfmt ru = {',', NBSP, 3, true, true}, en = {'.', ",", 3, true, true};
  text_out o;
  char number[KAM__DECIMAL_TEXT_CAP + 8]; /* 19 digits, 6 NBSPs, the mark */
  int digits = digits_of(currency), lg = lang_of(lang);
  kam__decimal d;
  if (!text_begin(&o, buf, cap, digits >= 0 && lg != LANG_BAD)) return KAM_EINVAL;
  d.coef = amount;
  d.scale = digits;
  kam__decimal_write(number, sizeof number, d, lg == LANG_RU ? &ru : &en);
  if (amount < 0) put(&o, "-");
  if (lg == LANG_RU) {
    put(&o, number);
    put(&o, NBSP);
    put(&o, ru_symbol(currency));
  } else {
    const char *sym = en_symbol(currency);
    if (sym) {
      put(&o, sym);
    } else {
      put(&o, currency);
      put(&o, " ");
    }
    put(&o, number);
  }
  return deliver(buf, cap, len, &o);
}

int kam_money_plain(char *buf, size_t cap, size_t *len, int64_t amount, const char *currency) {
  text_out o;
  int digits = digits_of(currency);
  if (!text_begin(&o, buf, cap, digits >= 0)) return KAM_EINVAL;
  o.len = kam__money_plain(o.data, amount, digits);
  return deliver(buf, cap, len, &o);
}

/* ---- numbers in words ---------------------------------------------------------------- */

/* Russian plural class of n: 0 "один рубль", 1 "два рубля", 2 "пять рублей". */
static int ru_plural(uint64_t n) {
  uint64_t n100 = n % 100, n10 = n % 10;
  if (n100 >= 11 && n100 <= 14) return 2;
  if (n10 == 1) return 0;
  if (n10 >= 2 && n10 <= 4) return 1;
  return 2;
}

static const char *const ru_hundreds[10] = {"",          "сто",      "двести",   "триста",
                                            "четыреста", "пятьсот",  "шестьсот", "семьсот",
                                            "восемьсот", "девятьсот"};
static const char *const ru_tens[10] = {
    "",          "десять",     "двадцать",  "тридцать",    "сорок",
    "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
static const char *const ru_teens[10] = {"десять",       "одиннадцать", "двенадцать",  "тринадцать",
                                         "четырнадцать", "пятнадцать",  "шестнадцать", "семнадцать",
                                         "восемнадцать", "девятнадцать"};
static const char *const ru_units[10] = {"",     "один",  "два",  "три",    "четыре",
                                         "пять", "шесть", "семь", "восемь", "девять"};
static const char *const ru_one[3] = {"один", "одна", "одно"};
static const char *const ru_two[3] = {"два", "две", "два"};

static void sep_word(text_out *o, const char *w) {
  if (o->len) put(o, " ");
  put(o, w);
}

/* 1..999 in Russian words; gender applies to a final 1 or 2. */
static void ru_triple(text_out *o, unsigned v, int gender) {
  unsigned h = v / 100, t = (v / 10) % 10, u = v % 10;
  if (h) sep_word(o, ru_hundreds[h]);
  if (t == 1) {
    sep_word(o, ru_teens[u]);
    return;
  }
  if (t) sep_word(o, ru_tens[t]);
  if (u == 1)
    sep_word(o, ru_one[gender]);
  else if (u == 2)
    sep_word(o, ru_two[gender]);
  else if (u)
    sep_word(o, ru_units[u]);
}

/* Scale nouns from 10^18 down to 10^3: Russian plural forms and gender, English. */
static const struct {
  const char *ru[3];
  int ru_gender;
  const char *en;
} scales[6] = {
    {{"квинтиллион", "квинтиллиона", "квинтиллионов"}, KAM__GENDER_M, "quintillion"},
    {{"квадриллион", "квадриллиона", "квадриллионов"}, KAM__GENDER_M, "quadrillion"},
    {{"триллион", "триллиона", "триллионов"}, KAM__GENDER_M, "trillion"},
    {{"миллиард", "миллиарда", "миллиардов"}, KAM__GENDER_M, "billion"},
    {{"миллион", "миллиона", "миллионов"}, KAM__GENDER_M, "million"},
    {{"тысяча", "тысячи", "тысяч"}, KAM__GENDER_F, "thousand"},
};

static const char *const en_units[20] = {"",        "one",     "two",       "three",    "four",
                                         "five",    "six",     "seven",     "eight",    "nine",
                                         "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                         "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const en_tens[10] = {"",      "",      "twenty",  "thirty", "forty",
                                        "fifty", "sixty", "seventy", "eighty", "ninety"};

/* 1..999 in English: "one hundred twenty-three" (no "and", as on US cheques). */
static void en_triple(text_out *o, unsigned v) {
  unsigned h = v / 100, r = v % 100;
  if (h) {
    sep_word(o, en_units[h]);
    put(o, " hundred");
  }
  if (!r) return;
  if (r < 20) {
    sep_word(o, en_units[r]);
  } else {
    sep_word(o, en_tens[r / 10]);
    if (r % 10) {
      put(o, "-");
      put(o, en_units[r % 10]);
    }
  }
}

/* 1..999 in the language's words (gender: Russian only). */
static void triple(text_out *o, unsigned v, int lg, int gender) {
  if (lg == LANG_RU)
    ru_triple(o, v, gender);
  else
    en_triple(o, v);
}

/* n in words: groups of three digits from 10^18 down, each with its scale noun; gender
 * applies to the last group (Russian). */
static void number_words(text_out *o, uint64_t n, int lg, int gender) {
  uint64_t scale = 1000000000000000000u; /* 10^18: uint64 has at most 19 digits */
  int s;
  if (n == 0) {
    sep_word(o, lg == LANG_RU ? "ноль" : "zero");
    return;
  }
  for (s = 0; s < 6; s++, scale /= 1000) {
    unsigned g = (unsigned)(n / scale % 1000);
    if (s == 0) g = (unsigned)(n / scale); /* up to 18 quintillion */
    if (!g) continue;
    triple(o, g, lg, scales[s].ru_gender);
    sep_word(o, lg == LANG_RU ? scales[s].ru[ru_plural(g)] : scales[s].en);
  }
  if (n % 1000) triple(o, (unsigned)(n % 1000), lg, gender);
}

int kam__number_words(char *buf, size_t cap, size_t *len, uint64_t n, const char *lang,
                      int gender) {
  text_out o;
  int lg = lang_of(lang);
  if (!text_begin(&o, buf, cap,
                  lg != LANG_BAD && gender >= KAM__GENDER_M && gender <= KAM__GENDER_N))
    return KAM_EINVAL;
  number_words(&o, n, lg, gender);
  return deliver(buf, cap, len, &o);
}

/* ---- kam_money_words ----------------------------------------------------------------- */

/* The nouns of a currency: Russian one/few/many forms with the noun's gender, English
 * singular/plural. Currencies not listed are written with their ISO code (see kam/money.h). */
typedef struct ru_noun {
  const char *forms[3];
  int gender;
} ru_noun;
typedef struct en_noun {
  const char *one, *many;
} en_noun;

static const struct {
  char code[4];
  ru_noun ru_major, ru_minor;
  en_noun en_major, en_minor;
} currency_nouns[] = {
    {"RUB",
     {{"рубль", "рубля", "рублей"}, KAM__GENDER_M},
     {{"копейка", "копейки", "копеек"}, KAM__GENDER_F},
     {"ruble", "rubles"},
     {"kopeck", "kopecks"}},
    {"USD",
     {{"доллар США", "доллара США", "долларов США"}, KAM__GENDER_M},
     {{"цент", "цента", "центов"}, KAM__GENDER_M},
     {"dollar", "dollars"},
     {"cent", "cents"}},
    /* "евро" is indeclinable and masculine (Russian spelling dictionary of the RAS:
     * "евро, нескл., м."): "один евро", "два евро". */
    {"EUR",
     {{"евро", "евро", "евро"}, KAM__GENDER_M},
     {{"евроцент", "евроцента", "евроцентов"}, KAM__GENDER_M},
     {"euro", "euros"},
     {"cent", "cents"}},
    {"GBP",
     {{"фунт стерлингов", "фунта стерлингов", "фунтов стерлингов"}, KAM__GENDER_M},
     {{"пенс", "пенса", "пенсов"}, KAM__GENDER_M},
     {"pound sterling", "pounds sterling"},
     {"penny", "pence"}},
    {"CNY",
     {{"юань", "юаня", "юаней"}, KAM__GENDER_M},
     {{"фэнь", "фэня", "фэней"}, KAM__GENDER_M},
     {"yuan", "yuan"},
     {"fen", "fen"}},
    {"JPY",
     {{"иена", "иены", "иен"}, KAM__GENDER_F},
     {{"", "", ""}, KAM__GENDER_M},
     {"yen", "yen"},
     {"", ""}},
    {"KZT",
     {{"тенге", "тенге", "тенге"}, KAM__GENDER_M},
     {{"тиын", "тиына", "тиынов"}, KAM__GENDER_M},
     {"tenge", "tenge"},
     {"tiyn", "tiyn"}},
    {"BYN",
     {{"белорусский рубль", "белорусских рубля", "белорусских рублей"}, KAM__GENDER_M},
     {{"копейка", "копейки", "копеек"}, KAM__GENDER_F},
     {"Belarusian ruble", "Belarusian rubles"},
     {"kopeck", "kopecks"}},
    {"CHF",
     {{"швейцарский франк", "швейцарских франка", "швейцарских франков"}, KAM__GENDER_M},
     {{"сантим", "сантима", "сантимов"}, KAM__GENDER_M},
     {"Swiss franc", "Swiss francs"},
     {"centime", "centimes"}},
};

/* Upper-cases the first letter in place: ASCII a-z or Cyrillic а-я (U+0430..U+044F). */
static void capitalise_first(text_out *o) {
  unsigned char *p = (unsigned char *)o->data;
  if (o->len >= 1 && p[0] >= 'a' && p[0] <= 'z') {
    p[0] = (unsigned char)(p[0] - 32);
  } else if (o->len >= 2 && p[0] == 0xD0 && p[1] >= 0xB0 && p[1] <= 0xBF) {
    p[1] = (unsigned char)(p[1] - 0x20); /* а..п -> А..П */
  } else if (o->len >= 2 && p[0] == 0xD1 && p[1] >= 0x80 && p[1] <= 0x8F) {
    p[0] = 0xD0; /* р..я -> Р..Я */
    p[1] = (unsigned char)(p[1] + 0x20);
  }
}

int kam_money_words(char *buf, size_t cap, size_t *len, int64_t amount, const char *currency,
                    const char *lang) {
  text_out o;
  int digits = digits_of(currency), lg = lang_of(lang);
  uint64_t mag = magnitude(amount), unit, major, minor;
  size_t i, nc = sizeof currency_nouns / sizeof currency_nouns[0];
  const char *major_noun = currency, *minor_noun = NULL;
  int gender = KAM__GENDER_M;
  if (!text_begin(&o, buf, cap, digits >= 0 && lg != LANG_BAD)) return KAM_EINVAL;
  for (i = 0; i < nc; i++)
    if (!memcmp(currency_nouns[i].code, currency, 4)) break;
  unit = pow10_u64(digits);
  major = mag / unit;
  minor = mag % unit;
  if (i < nc && lg == LANG_RU) {
    const ru_noun *maj = &currency_nouns[i].ru_major, *min = &currency_nouns[i].ru_minor;
    gender = maj->gender;
    major_noun = maj->forms[ru_plural(major)];
    minor_noun = min->forms[ru_plural(minor)];
  } else if (i < nc) {
    const en_noun *maj = &currency_nouns[i].en_major, *min = &currency_nouns[i].en_minor;
    major_noun = major == 1 ? maj->one : maj->many;
    minor_noun = minor == 1 ? min->one : min->many;
  }
  /* An unlisted currency: its code after the number, the minor part as a fraction. */
  if (amount < 0) put(&o, lg == LANG_RU ? "минус" : "minus");
  number_words(&o, major, lg, gender);
  sep_word(&o, major_noun);
  if (digits) {
    put(&o, lg == LANG_RU ? " " : " and ");
    put_uint(&o, minor, digits);
    if (minor_noun) {
      sep_word(&o, minor_noun);
    } else {
      put(&o, "/");
      put_uint(&o, unit, 0);
    }
  }
  capitalise_first(&o);
  return deliver(buf, cap, len, &o);
}

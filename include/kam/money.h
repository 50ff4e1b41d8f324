/*
 * kam/money.h - money as text: amounts in minor units formatted the way Russian and English
 * documents print them, written in words, and read back from exact decimal text.
 *
 * Amounts are int64_t minor units (kopecks, cents). These functions need no ctx, never
 * allocate, keep no state and are safe from any thread. kam/proposal.h includes this header,
 * so code written against it keeps compiling.
 */
#ifndef KAM_MONEY_H
#define KAM_MONEY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Money as text
 * Amounts are int64_t minor units (kopecks, cents); the currency's ISO 4217 minor digits say
 * where the major part ends (RUB, USD, EUR, GBP and most codes 2; JPY, KRW, ... 0; KWD, BHD,
 * OMR, TND, ... 3; a well-formed code the library does not know: 2). A currency is exactly
 * three ASCII uppercase letters ("RUB"); anything else is KAM_EINVAL. A language is "ru" or
 * "en", optionally followed by a region ("ru-RU", "en_GB"), ASCII case ignored; anything
 * else is KAM_EINVAL.
 *
 * Buffers (kam_money_format, kam_money_words, kam_money_plain): the UTF-8 text goes into the
 * caller's buffer under the one contract of kam/common.h ("Text into a caller's buffer"): the
 * whole text or KAM_ELIMIT with "", *len either way, (NULL, 0, &len) sizes. On KAM_EINVAL buf
 * holds "" (when cap > 0) and *len is not set.
 * The functions need no ctx, never allocate, keep no state and are safe from any thread.
 * @{
 */

/**
 * Formats an amount the way documents print it.
 *
 * "ru": the number, a no-break space (U+00A0) and the currency sign: "1 234 567,89 ₽";
 * thousands separated by U+00A0, ',' before the minor digits; ₽ for RUB, $ for USD
 * ("1 234,56 $"), € for EUR, otherwise the ISO code ("1 234,56 GBP").
 * "en": the sign first: "$1,234,567.89" (USD), "€1,234.56" (EUR), "£1,234.56" (GBP),
 * "¥1,235" (JPY), otherwise the ISO code and a space: "RUB 1,234,567.89", "KWD 1,234.567".
 * Negative amounts put '-' first: "-1 234,56 ₽", "-$1,234.56", "-RUB 5.00". Every amount,
 * INT64_MIN included, is printed exactly; all minor digits are always shown ("0,00 ₽").
 *
 * @return KAM_OK; KAM_ELIMIT (buffer too small; *len says how much is needed); KAM_EINVAL
 *         (malformed currency, unknown lang, NULL buf with cap > 0).
 */
KAM_API int kam_money_format(char *buf, size_t cap, size_t *len, int64_t amount,
                             const char *currency, const char *lang);

/**
 * Writes an amount in words, as Russian and English commercial documents state the sum:
 * the major part in words with the currency noun in the right form, then the minor part as
 * digits (zero-padded to the currency's minor digits) with its noun. The first letter is
 * capitalised (the text starts a sentence or a table cell).
 *
 * "ru": "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек",
 * "Двадцать одна тысяча рублей 00 копеек", "Два рубля 01 копейка", "Ноль рублей 00 копеек",
 * "Минус пять рублей 05 копеек". Numerals agree with the gender of what they count (одна
 * тысяча, две тысячи, один рубль, одна копейка) and nouns take the form the number asks for
 * (1, 21: рубль; 2-4, 22: рубля; 5-20, 11-14, 111: рублей). Scales up to квинтиллион
 * (INT64_MAX in JPY); millions and above are written with "один" ("один миллион").
 * "en": "One thousand two hundred thirty-four dollars and 56 cents", "One dollar and 01
 * cent", "Zero dollars and 00 cents", "Minus five dollars and 00 cents"; tens and units
 * are hyphenated ("thirty-four"), no "and" inside the number (US cheque style), short scale
 * (thousand, million, billion, trillion, quadrillion, quintillion).
 *
 * Currency nouns: RUB (рубль/копейка; rubles/kopecks), USD (доллар США/цент; dollars/cents),
 * EUR (евро, indeclinable and masculine/евроцент; euros/cents), GBP (фунт стерлингов/пенс;
 * pounds sterling/pence), CNY (юань/фэнь; yuan/fen), JPY (иена, feminine; yen: no minor
 * part), KZT (тенге/тиын; tenge/tiyn), BYN (белорусский рубль/копейка; Belarusian
 * rubles/kopecks), CHF (швейцарский франк/сантим; Swiss francs/centimes). Any other
 * currency: the number in words (masculine), the ISO code and the minor part as a fraction:
 * "Сто двадцать три KWD 456/1000", "One hundred twenty-three SEK and 45/100".
 *
 * @return KAM_OK; KAM_ELIMIT (buffer too small; *len says how much is needed); KAM_EINVAL
 *         (malformed currency, unknown lang, NULL buf with cap > 0).
 */
KAM_API int kam_money_words(char *buf, size_t cap, size_t *len, int64_t amount,
                            const char *currency, const char *lang);

/**
 * Writes an amount as plain decimal text in major units, the form JSON, spreadsheets and
 * kam_money_parse use: '-' for negatives, every minor digit of the currency after a '.', no
 * grouping and no currency sign: 123456 RUB -> "1234.56", -5 USD -> "-0.05", 1235 JPY ->
 * "1235", 1234 KWD -> "1.234". Every amount prints exactly (INT64_MIN RUB ->
 * "-92233720368547758.08"); all but INT64_MIN read back with kam_money_parse. Buffer rules as
 * above (the longest result is 21 bytes plus the NUL).
 * @return KAM_OK; KAM_ELIMIT (buffer too small; *len says how much is needed); KAM_EINVAL
 *         (malformed currency, NULL buf with cap > 0).
 */
KAM_API int kam_money_plain(char *buf, size_t cap, size_t *len, int64_t amount,
                            const char *currency);

/**
 * Reads an amount in major units written as exact decimal text into minor units of the
 * currency: "1234.56" RUB -> 123456, "-0.5" USD -> -50, "1234" JPY -> 1234, "1.5e3" RUB ->
 * 150000. Grammar: optional '+'/'-', digits, optionally '.' and digits, optionally an exponent
 * ('e'/'E', optional sign, digits); no spaces, thousands separators or ',' (this is the form of
 * JSON numbers and of Python's str(Decimal)). Finer digits than the currency has are accepted
 * only when they are zeros ("1.230" RUB).
 * @param out   receives the amount; untouched on failure.
 * @param text  the text, len bytes (need not be NUL-terminated; NULL only when len is 0).
 * @return KAM_OK; KAM_EPARSE (not such a number, or a nonzero digit finer than the currency
 *         allows: "1.005" RUB); KAM_EOVERFLOW (beyond +-INT64_MAX minor units: the range is
 *         symmetric, so INT64_MIN cannot be written); KAM_EINVAL
 *         (NULL out, malformed currency). Needs no ctx, never allocates, thread-safe; time
 *         linear in len.
 */
KAM_API int kam_money_parse(int64_t *out, const char *text, size_t len, const char *currency);

/**
 * The minor digits of a currency: ISO 4217 for the codes the library knows (0 for JPY, 2 for
 * RUB, 3 for KWD, 4 for CLF), 2 for any other well-formed code (3 ASCII uppercase letters).
 * @return the digits (0..4), or KAM_EINVAL for NULL or a malformed code. Thread-safe.
 */
KAM_API int kam_currency_digits(const char *currency);

/** @} */

#ifdef __cplusplus
}
#endif
#endif /* KAM_MONEY_H */

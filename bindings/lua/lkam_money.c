/* lkam_money.c - kam.money_format, kam.money_words, kam.money_plain, kam.money_parse,
 * kam.currency_digits.
 *
 * Amounts are integers of minor units (kopecks, cents), or strings of major units converted
 * exactly with the currency's digits ("1234.56"): floats with a fraction are refused, since
 * money is never binary floating point. currency defaults to "RUB", lang to "ru". */
#include <string.h>

#include "lkam.h"

static const char *currency_arg(lua_State *L, int idx) {
  const char *code = lua_isnoneornil(L, idx) ? "RUB" : kam__lua_cstring(L, idx, "currency");
  if (kam_currency_digits(code) < 0) {
    lua_pushfstring(L, "currency '%s' is not an ISO 4217 code (3 uppercase letters)", code);
    kam__lua_push_error(L, KAM_EINVAL, lua_tostring(L, -1));
    lua_error(L);
  }
  return code;
}

/* Minor units from an integer, or from a string of major units. */
static int64_t amount_arg(lua_State *L, int idx, const char *currency) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *text = lua_tolstring(L, idx, &len);
    int64_t v = 0;
    int rc = kam_money_parse(&v, text, len, currency);
    if (rc) {
      lua_pushfstring(L, "amount '%s' %s", text,
                      rc == KAM_EOVERFLOW ? "does not fit int64 minor units"
                                          : "is not a plain decimal amount in the currency");
      kam__lua_push_error(L, rc, lua_tostring(L, -1));
      lua_error(L);
    }
    return v;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    int exact = 0;
    lua_Integer i = lua_tointegerx(L, idx, &exact); /* floats only when integral and in range */
    if (exact) return (int64_t)i;
  }
  luaL_argerror(L, idx, "amount must be integer minor units or a string of major units");
  return 0;
}

typedef int (*money_text_fn)(char *buf, size_t cap, size_t *len, int64_t amount,
                             const char *currency, const char *lang);

static int money_text(lua_State *L, money_text_fn f) {
  char small[512];
  char *buf = small;
  size_t len = 0;
  const char *currency, *lang;
  int64_t amount;
  int rc;
  LKAM_ARGS(L, 3);
  currency = currency_arg(L, 2);
  lang = lua_isnoneornil(L, 3) ? "ru" : kam__lua_cstring(L, 3, "lang");
  amount = amount_arg(L, 1, currency);
  rc = f(buf, sizeof small, &len, amount, currency, lang);
  if (rc == KAM_ELIMIT) {
    buf = (char *)lua_newuserdatauv(L, len + 1, 0);
    rc = f(buf, len + 1, &len, amount, currency, lang);
  }
  if (rc == KAM_EINVAL) {
    lua_pushfstring(L, "lang '%s' is not 'ru' or 'en'", lang);
    kam__lua_push_error(L, rc, lua_tostring(L, -1));
    return lua_error(L);
  }
  kam__lua_check(L, rc, NULL);
  lua_pushlstring(L, buf, len);
  return 1;
}

/* kam.money_format(amount [, currency [, lang]]) -> "1 234,56 ₽" */
static int l_money_format(lua_State *L) { return money_text(L, kam_money_format); }

/* kam.money_words(amount [, currency [, lang]]) -> "Одна тысяча двести тридцать четыре ..." */
static int l_money_words(lua_State *L) { return money_text(L, kam_money_words); }

/* kam.money_plain(amount [, currency]) -> "1234.56" */
static int l_money_plain(lua_State *L) {
  char buf[64];
  size_t len = 0;
  const char *currency;
  int64_t amount;
  LKAM_ARGS(L, 2);
  currency = currency_arg(L, 2);
  amount = amount_arg(L, 1, currency);
  kam__lua_check(L, kam_money_plain(buf, sizeof buf, &len, amount, currency), NULL);
  lua_pushlstring(L, buf, len);
  return 1;
}

/* kam.money_parse(text [, currency]) -> integer minor units */
static int l_money_parse(lua_State *L) {
  const char *currency;
  LKAM_ARGS(L, 2);
  luaL_checktype(L, 1, LUA_TSTRING);
  currency = currency_arg(L, 2);
  lua_pushinteger(L, (lua_Integer)amount_arg(L, 1, currency));
  return 1;
}

/* kam.currency_digits(code) -> 0..4 */
static int l_currency_digits(lua_State *L) {
  LKAM_ARGS(L, 1);
  luaL_checktype(L, 1, LUA_TSTRING);
  lua_pushinteger(L, kam_currency_digits(currency_arg(L, 1)));
  return 1;
}

void kam__lua_open_money(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"money_format", l_money_format},       {"money_words", l_money_words},
      {"money_plain", l_money_plain},         {"money_parse", l_money_parse},
      {"currency_digits", l_currency_digits}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}

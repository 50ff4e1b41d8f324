-- Money as text through the Lua module: format and words in both languages, minor-unit
-- integers and exact major-unit strings, parsing, currency digits and errors.
local kam = require "kam"
local passed, failed = 0, 0

local function check(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; print("FAIL " .. name .. ": " .. tostring(err)) end
end
local function eq(got, want)
  if got ~= want then error(string.format("got %q, want %q", tostring(got), tostring(want)), 2) end
end
local function raises(code, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error " .. code, 2) end
  if type(err) ~= "table" or err.code ~= code then error("expected " .. code .. ", got " .. tostring(err), 2) end
  return err
end

local NB = "\u{A0}"

check("format ru", function()
  eq(kam.money_format(123456789), "1" .. NB .. "234" .. NB .. "567,89" .. NB .. "₽")
  eq(kam.money_format(123456789, "RUB", "ru"), "1" .. NB .. "234" .. NB .. "567,89" .. NB .. "₽")
  eq(kam.money_format(123456, "USD", "ru"), "1" .. NB .. "234,56" .. NB .. "$")
  eq(kam.money_format(123456, "EUR", "ru"), "1" .. NB .. "234,56" .. NB .. "€")
  eq(kam.money_format(-123456), "-1" .. NB .. "234,56" .. NB .. "₽")
  eq(kam.money_format(0), "0,00" .. NB .. "₽")
  eq(kam.money_format(math.mininteger), "-92" .. NB .. "233" .. NB .. "720" .. NB .. "368" .. NB .. "547" .. NB .. "758,08" .. NB .. "₽")
end)

check("format en", function()
  eq(kam.money_format(123456789, "RUB", "en"), "RUB 1,234,567.89")
  eq(kam.money_format(123456789, "USD", "en"), "$1,234,567.89")
  eq(kam.money_format(123456, "EUR", "en"), "€1,234.56")
  eq(kam.money_format(123456, "GBP", "en"), "£1,234.56")
  eq(kam.money_format(1235, "JPY", "en"), "¥1,235")
  eq(kam.money_format(1234567, "KWD", "en"), "KWD 1,234.567")
  eq(kam.money_format(-123456, "USD", "en"), "-$1,234.56")
  eq(kam.money_format(math.maxinteger, "JPY", "en"), "¥9,223,372,036,854,775,807")
  eq(kam.money_format(100.0, "USD", "en"), "$1.00") -- an integral float is minor units
end)

check("format major-unit strings", function()
  eq(kam.money_format("1234567.89", "USD", "en"), "$1,234,567.89")
  eq(kam.money_format("1234", "JPY", "en"), "¥1,234")
  eq(kam.money_format("1.5e3", "RUB", "en"), "RUB 1,500.00")
  raises("EPARSE", kam.money_format, "1.005", "RUB")
  raises("EPARSE", kam.money_format, "1 234")
  raises("EOVERFLOW", kam.money_format, "1e30")
end)

check("words ru", function()
  eq(kam.money_words(12345678), "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек")
  eq(kam.money_words(0), "Ноль рублей 00 копеек")
  eq(kam.money_words(100), "Один рубль 00 копеек")
  eq(kam.money_words(202), "Два рубля 02 копейки")
  eq(kam.money_words(501), "Пять рублей 01 копейка")
  eq(kam.money_words(1100), "Одиннадцать рублей 00 копеек")
  eq(kam.money_words("21000"), "Двадцать одна тысяча рублей 00 копеек")
  eq(kam.money_words("2000"), "Две тысячи рублей 00 копеек")
  eq(kam.money_words("1000000"), "Один миллион рублей 00 копеек")
  eq(kam.money_words("21", "JPY"), "Двадцать одна иена")
  eq(kam.money_words(-505), "Минус пять рублей 05 копеек")
  local big = kam.money_words(math.mininteger, "BYN")
  assert(#big > 512 - 200 and big:sub(-#"08 копеек") == "08 копеек")
end)

check("words en", function()
  eq(kam.money_words(123456, "USD", "en"), "One thousand two hundred thirty-four dollars and 56 cents")
  eq(kam.money_words(101, "USD", "en"), "One dollar and 01 cent")
  eq(kam.money_words(505, "RUB", "en"), "Five rubles and 05 kopecks")
  eq(kam.money_words("2.50", "GBP", "en"), "Two pounds sterling and 50 pence")
  eq(kam.money_words(-500, "EUR", "en"), "Minus five euros and 00 cents")
end)

check("parse and digits", function()
  eq(kam.money_parse("1234.56"), 123456)
  eq(kam.money_parse("-0.5", "USD"), -50)
  eq(kam.money_parse("12", "JPY"), 12)
  eq(kam.money_parse("92233720368547758.07"), math.maxinteger)
  raises("EOVERFLOW", kam.money_parse, "92233720368547758.08")
  raises("EPARSE", kam.money_parse, "12,5")
  assert(not pcall(kam.money_parse, 12))
  eq(kam.currency_digits("RUB"), 2)
  eq(kam.currency_digits("JPY"), 0)
  eq(kam.currency_digits("KWD"), 3)
  eq(kam.currency_digits("XYZ"), 2)
  raises("EINVAL", kam.currency_digits, "rub")
end)

check("plain", function()
  eq(kam.money_plain(123456), "1234.56")
  eq(kam.money_plain(-5, "USD"), "-0.05")
  eq(kam.money_plain(1235, "JPY"), "1235")
  eq(kam.money_plain("1.234", "KWD"), "1.234")
  eq(kam.money_plain(math.mininteger), "-92233720368547758.08")
  raises("EINVAL", kam.money_plain, 1, "rub")
end)

check("errors", function()
  local e = raises("EINVAL", kam.money_format, 100, "rub")
  assert(tostring(e):find("rub", 1, true))
  e = raises("EINVAL", kam.money_words, 100, "RUB", "de")
  assert(tostring(e):find("'de'", 1, true))
  raises("EINVAL", kam.money_format, 100, "RUBL", "en")
  assert(not pcall(kam.money_format, 1.5))
  assert(not pcall(kam.money_format, {}))
  assert(not pcall(kam.money_format, nil))
  assert(not pcall(kam.money_format, 0/0))
  eq(kam.money_format(100, "RUB", "en-US"), kam.money_format(100, "RUB", "en"))
end)

print(string.format("lua test_money: %d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end

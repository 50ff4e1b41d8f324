"""Money as text through the Python binding: int minor units and exact Decimal/str major units,
both languages, words, parsing and errors."""
from decimal import Decimal

import pytest

import kam

NB = "\u00a0"


def test_format_minor_units():
    assert kam.money_format(123456789) == "1" + NB + "234" + NB + "567,89" + NB + "₽"
    assert kam.money_format(123456789, "RUB", "en") == "RUB 1,234,567.89"
    assert kam.money_format(123456789, "USD", "en") == "$1,234,567.89"
    assert kam.money_format(123456, "USD", "ru") == "1" + NB + "234,56" + NB + "$"
    assert kam.money_format(123456, "EUR", "en") == "€1,234.56"
    assert kam.money_format(123456, "GBP", "en") == "£1,234.56"
    assert kam.money_format(1235, "JPY", "en") == "¥1,235"
    assert kam.money_format(1234567, "KWD", "en") == "KWD 1,234.567"
    assert kam.money_format(-123456, "USD", "en") == "-$1,234.56"
    assert kam.money_format(0) == "0,00" + NB + "₽"
    assert kam.money_format(-2**63, "USD", "en") == "-$92,233,720,368,547,758.08"
    assert kam.money_format(2**63 - 1, "JPY", "en") == "¥9,223,372,036,854,775,807"


def test_format_major_units_exact():
    assert kam.money_format(Decimal("1234567.89"), "USD", "en") == "$1,234,567.89"
    assert kam.money_format("1234567.89", "USD", "en") == "$1,234,567.89"
    assert kam.money_format(Decimal("1E+3"), "RUB", "en") == "RUB 1,000.00"
    assert kam.money_format(Decimal("-0.5"), "USD", "en") == "-$0.50"
    assert kam.money_format("1.230", "RUB", "en") == "RUB 1.23"
    assert kam.money_format("1234", "JPY", "en") == "¥1,234"
    assert kam.money_format(Decimal("1.234"), "KWD", "en") == "KWD 1.234"
    # 0.1 + 0.2 in Decimal is exact; the same in floats is refused outright.
    assert kam.money_format(Decimal("0.1") + Decimal("0.2"), "USD", "en") == "$0.30"
    with pytest.raises(TypeError):
        kam.money_format(0.3, "USD", "en")
    with pytest.raises(TypeError):
        kam.money_format(True)
    with pytest.raises(TypeError):
        kam.money_format(None)
    with pytest.raises(kam.ParseError) as e:
        kam.money_format("1.005", "RUB")
    assert "1.005" in str(e.value) and "2 decimals" in str(e.value)
    with pytest.raises(kam.ParseError):
        kam.money_format("0.5", "JPY")
    with pytest.raises(kam.ParseError):
        kam.money_format("1 234,56")
    with pytest.raises(kam.ParseError):
        kam.money_format(Decimal("NaN"))
    with pytest.raises(kam.Overflow):
        kam.money_format("1e30")
    with pytest.raises(kam.Overflow):
        kam.money_format(2**63)
    with pytest.raises(kam.Overflow):
        kam.money_format(-2**63 - 1)


def test_words():
    assert kam.money_words(12345678) == \
        "Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек"
    assert kam.money_words(Decimal("123456.78")) == kam.money_words(12345678)
    assert kam.money_words("21000") == "Двадцать одна тысяча рублей 00 копеек"
    assert kam.money_words("2") == "Два рубля 00 копеек"
    assert kam.money_words("5.01") == "Пять рублей 01 копейка"
    assert kam.money_words("11.02") == "Одиннадцать рублей 02 копейки"
    assert kam.money_words(0) == "Ноль рублей 00 копеек"
    assert kam.money_words(-505) == "Минус пять рублей 05 копеек"
    assert kam.money_words("21", "JPY") == "Двадцать одна иена"
    assert kam.money_words("1.01", "EUR") == "Один евро 01 евроцент"
    assert kam.money_words("1234.56", "USD", "en") == \
        "One thousand two hundred thirty-four dollars and 56 cents"
    assert kam.money_words("1.01", "USD", "en") == "One dollar and 01 cent"
    assert kam.money_words("5.05", "RUB", "en") == "Five rubles and 05 kopecks"
    assert kam.money_words("2.50", "GBP", "en") == "Two pounds sterling and 50 pence"
    assert kam.money_words("1000000000000000", "RUB") == "Один квадриллион рублей 00 копеек"
    big = kam.money_words(-2**63, "BYN")  # longer than the first buffer try
    assert big.startswith("Минус девяносто два квадриллиона") and big.endswith("08 копеек")
    assert len(big.encode("utf-8")) > 256


def test_parse_and_digits():
    assert kam.money_parse("1234.56") == 123456
    assert kam.money_parse(Decimal("-0.5"), "USD") == -50
    assert kam.money_parse("12", "JPY") == 12
    assert kam.money_parse("1.5e3") == 150000
    assert kam.money_parse("92233720368547758.07") == 2**63 - 1
    with pytest.raises(kam.Overflow):
        kam.money_parse("92233720368547758.08")
    with pytest.raises(kam.ParseError):
        kam.money_parse("12,5")
    with pytest.raises(TypeError):
        kam.money_parse(12)
    assert kam.currency_digits("RUB") == 2
    assert kam.currency_digits("JPY") == 0
    assert kam.currency_digits("KWD") == 3
    assert kam.currency_digits("XYZ") == 2
    with pytest.raises(kam.InvalidArgument):
        kam.currency_digits("rub")


def test_plain():
    assert kam.money_plain(123456) == "1234.56"
    assert kam.money_plain(-5, "USD") == "-0.05"
    assert kam.money_plain(1235, "JPY") == "1235"
    assert kam.money_plain("1.234", "KWD") == "1.234"
    assert kam.money_plain(Decimal("2.5")) == "2.50"
    assert kam.money_plain(-2**63) == "-92233720368547758.08"
    with pytest.raises(kam.InvalidArgument):
        kam.money_plain(1, "rub")


def test_bad_currency_and_lang():
    for f in (kam.money_format, kam.money_words):
        with pytest.raises(kam.InvalidArgument) as e:
            f(100, "rub", "ru")
        assert "rub" in str(e.value)
        with pytest.raises(kam.InvalidArgument) as e:
            f(100, "RUB", "de")
        assert "'de'" in str(e.value)
        with pytest.raises(kam.InvalidArgument):
            f(100, "RUBL")
        with pytest.raises(TypeError):
            f(100, None)
        with pytest.raises(TypeError):
            f(100, "RUB", None)
        assert f(100, "RUB", "en-US") == f(100, "RUB", "en")
    with pytest.raises(kam.InvalidArgument):
        kam.money_format("1.00", "rub")
    # The errors are all kam.KamError.
    with pytest.raises(kam.KamError):
        kam.money_format(1, "RUB", "xx")

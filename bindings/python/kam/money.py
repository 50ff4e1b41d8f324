"""Money as document text and in words (kam_money_format, kam_money_words, kam_money_plain,
kam_money_parse, kam_currency_digits in kam/money.h).

Amounts are given either as an ``int`` of minor units (kopecks, cents: ``123456`` is
1 234,56 RUB) or as major units in a ``decimal.Decimal`` or a ``str`` (``Decimal("1234.56")``,
``"1234.56"``), converted exactly with the currency's minor digits; a value finer than the
currency allows (``"1.005"`` RUB) raises kam.ParseError, one beyond int64 minor units
kam.Overflow. Floats are refused (TypeError): money is never binary floating point here.

    >>> kam.money_format(123456789)
    '1\\xa0234\\xa0567,89\\xa0₽'
    >>> kam.money_format("1234567.89", "USD", "en")
    '$1,234,567.89'
    >>> kam.money_words(Decimal("123456.78"))
    'Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек'
"""
import ctypes
import decimal
import numbers

from ._native import (fn, check, error, c_int, c_int64, c_size_t, c_char_p, POINTER, byref,
                      KAM_EINVAL, KAM_EOVERFLOW, KAM_EPARSE, text as _text, text_out)

__all__ = ["money_format", "money_words", "money_plain", "money_parse", "currency_digits"]

_format = fn("kam_money_format", c_int, c_char_p, c_size_t, POINTER(c_size_t), c_int64,
             c_char_p, c_char_p)
_words = fn("kam_money_words", c_int, c_char_p, c_size_t, POINTER(c_size_t), c_int64,
            c_char_p, c_char_p)
_plain = fn("kam_money_plain", c_int, c_char_p, c_size_t, POINTER(c_size_t), c_int64, c_char_p)
_parse = fn("kam_money_parse", c_int, POINTER(c_int64), c_char_p, c_size_t, c_char_p)
_digits = fn("kam_currency_digits", c_int, c_char_p)


def _code(currency):
    if currency is None:
        raise TypeError("currency must be a str such as 'RUB', not None")
    return _text(currency, "currency")


def _lang(lang):
    if lang is None:
        raise TypeError("lang must be 'ru' or 'en', not None")
    return _text(lang, "lang")


def currency_digits(currency):
    """ISO 4217 minor digits: 2 for RUB/USD/EUR (and unknown well-formed codes), 0 for JPY,
    3 for KWD. Raises kam.InvalidArgument unless currency is 3 uppercase ASCII letters."""
    d = _digits(_code(currency))
    if d < 0:
        raise error(d, "currency %r is not an ISO 4217 code (3 uppercase letters)" % (currency,))
    return d


def money_parse(text, currency="RUB"):
    """Major units (str or Decimal) -> int minor units, exactly: money_parse("1234.56") is
    123456; money_parse("12", "JPY") is 12. See the module doc for the errors."""
    if isinstance(text, decimal.Decimal):
        if not text.is_finite():
            raise error(KAM_EPARSE, "amount %s is not a finite number" % text)
        text = format(text, "f")
    if not isinstance(text, str):
        raise TypeError("amount text must be a str or Decimal, not %s" % type(text).__name__)
    raw = text.encode("utf-8")
    out = c_int64()
    rc = _parse(byref(out), raw, len(raw), _code(currency))
    if rc == KAM_EINVAL:
        raise error(rc, "currency %r is not an ISO 4217 code (3 uppercase letters)" % (currency,))
    if rc == KAM_EPARSE:
        raise error(rc, "amount %r is not a plain decimal amount in %s with at most %d decimals"
                    % (text, currency, currency_digits(currency)))
    if rc == KAM_EOVERFLOW:
        raise error(rc, "amount %r does not fit int64 minor units of %s" % (text, currency))
    check(rc)
    return out.value


def _minor(amount, currency):
    if isinstance(amount, bool):
        raise TypeError("amount must be int minor units or Decimal/str major units, not bool")
    if isinstance(amount, numbers.Integral):
        amount = int(amount)
        if not -2**63 <= amount < 2**63:
            raise error(KAM_EOVERFLOW, "amount %d does not fit int64 minor units" % amount)
        return amount
    if isinstance(amount, (decimal.Decimal, str)):
        return money_parse(amount, currency)
    raise TypeError("amount must be int minor units or Decimal/str major units, not %s"
                    % type(amount).__name__)


def _call(f, what, amount, currency, lang):
    minor = _minor(amount, currency)
    code, lg = _code(currency), _lang(lang)
    rc, out = text_out(f, minor, code, lg)
    if rc == KAM_EINVAL:
        if _digits(code) < 0:
            raise error(rc, "%s: currency %r is not an ISO 4217 code (3 uppercase letters)"
                        % (what, currency))
        raise error(rc, "%s: lang %r is not 'ru' or 'en'" % (what, lang))
    check(rc)
    return out


def money_format(amount, currency="RUB", lang="ru"):
    """The amount as documents print it: ru '1 234 567,89 ₽' (U+00A0 no-break spaces),
    en '$1,234,567.89', 'RUB 1,234,567.89'. amount: int minor units or Decimal/str major units."""
    return _call(_format, "money_format", amount, currency, lang)


def money_words(amount, currency="RUB", lang="ru"):
    """The amount in words, first letter capitalised: ru 'Двадцать один рубль 05 копеек',
    en 'Twenty-one dollars and 05 cents'. amount: int minor units or Decimal/str major units."""
    return _call(_words, "money_words", amount, currency, lang)


def money_plain(amount, currency="RUB"):
    """The amount as plain decimal text in major units with every minor digit, as JSON and
    money_parse read it: money_plain(123456) is '1234.56', money_plain(1235, 'JPY') '1235'.
    amount: int minor units or Decimal/str major units."""
    minor = _minor(amount, currency)
    code = _code(currency)
    buf = ctypes.create_string_buffer(64)
    rc = _plain(buf, len(buf), None, minor, code)
    if rc == KAM_EINVAL:
        raise error(rc, "money_plain: currency %r is not an ISO 4217 code (3 uppercase letters)"
                    % (currency,))
    check(rc)
    return buf.value.decode("ascii")

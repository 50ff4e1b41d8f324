"""kam.json_loads / kam.json_dumps and the value helpers (_to_value, _from_value, _raise_for)
that the template and proposal bindings build on."""
import ctypes
import decimal
import json
import math

import pytest

import kam
from kam import value as kv
from kam._native import Owner, Collector, WRITE_FN


SAMPLE = ('{"id": "A-1", "name": "ООО \\"Ромашка\\"", "revenue": 12345678901234567890.123456789,'
          ' "history": [1, 2.5, -3e2, 0], "flags": {"key": true, "new": false}, "note": null,'
          ' "emoji": "\\ud83d\\ude00", "nul": "a\\u0000b"}')


def test_loads_types_and_order():
    d = kam.json_loads(SAMPLE)
    assert list(d) == ["id", "name", "revenue", "history", "flags", "note", "emoji", "nul"]
    assert d["name"] == 'ООО "Ромашка"'
    assert d["history"] == [1, 2.5, -300.0, 0]
    assert isinstance(d["history"][0], int) and isinstance(d["history"][2], float)
    assert d["flags"] == {"key": True, "new": False}
    assert d["note"] is None
    assert d["emoji"] == "\U0001F600"
    assert d["nul"] == "a\x00b"
    assert d["revenue"] == 12345678901234567890.123456789
    assert d == json.loads(SAMPLE)


def test_loads_bytes_and_scalars():
    assert kam.json_loads(b' [1, "\xd0\xaf"] ') == [1, "Я"]
    assert kam.json_loads(bytearray(b"true")) is True
    assert kam.json_loads("null") is None
    assert kam.json_loads('"x"') == "x"
    assert kam.json_loads("-0.5") == -0.5
    assert kam.json_loads("123456789012345678901234567890") == 123456789012345678901234567890
    assert kam.json_loads('{"a": 1, "a": 2}') == {"a": 2}
    with pytest.raises(TypeError):
        kam.json_loads(12)


def test_loads_exact_numbers():
    d = kam.json_loads('{"price": 1.10, "big": 12345678901234567890.123456789, "n": 7}',
                       parse_float=decimal.Decimal)
    assert d["price"] == decimal.Decimal("1.10") and str(d["price"]) == "1.10"
    assert str(d["big"]) == "12345678901234567890.123456789"
    assert d["n"] == 7
    seen = []
    kam.json_loads("[1, 2e3]", parse_int=lambda t: seen.append(t) or t,
                   parse_float=lambda t: seen.append(t) or t)
    assert seen == ["1", "2e3"]


@pytest.mark.parametrize("text,where", [
    ("[1,]", "line 1, column 4: unexpected ']'"),
    ('{"a" 1}', "line 1, column 6: unexpected '1', expected ':'"),
    ('{\n  "имя": 1,\n  x}', "line 3, column 3: unexpected 'x', expected a string key"),
    ('"\\ud800"', "high surrogate"),
    ("tru", "invalid literal"),
    ("", "empty input"),
    ("01", "column 2"),
])
def test_loads_errors(text, where):
    with pytest.raises(kam.ParseError) as e:
        kam.json_loads(text)
    assert where in str(e.value)
    assert e.value.status == -4
    assert isinstance(e.value, ValueError)


def test_loads_invalid_utf8_and_depth():
    with pytest.raises(kam.ParseError, match="invalid UTF-8"):
        kam.json_loads(b'"\xff"')
    assert kam.json_loads("[" * 512 + "]" * 512) is not None
    with pytest.raises(kam.LimitReached, match="nesting deeper than 512"):
        kam.json_loads("[" * 513 + "]" * 513)
    with pytest.raises(kam.LimitReached):
        kam.json_loads("[" * 100000)
    assert kam.JSON_MAX_DEPTH == 512


def test_dumps_compact_and_pretty():
    obj = {"a": [1, 2.5, None, True, False], "b": {}, "c": [], "d": "Я\n\"x\""}
    assert kam.json_dumps(obj) == '{"a":[1,2.5,null,true,false],"b":{},"c":[],"d":"Я\\n\\"x\\""}'
    pretty = kam.json_dumps(obj, pretty=True)
    assert pretty == ('{\n  "a": [\n    1,\n    2.5,\n    null,\n    true,\n    false\n  ],\n'
                      '  "b": {},\n  "c": [],\n  "d": "Я\\n\\"x\\""\n}')
    assert json.loads(pretty) == obj


def test_dumps_numbers_exact():
    assert kam.json_dumps(decimal.Decimal("1.10")) == "1.10"
    assert kam.json_dumps(decimal.Decimal("12345678901234567890.123456789")) == \
        "12345678901234567890.123456789"
    assert kam.json_dumps(decimal.Decimal("1E+3")) == "1E+3"
    assert kam.json_dumps(0.1) == "0.1"
    assert kam.json_dumps(1e300) == "1e+300"
    assert kam.json_dumps(-(2 ** 63)) == "-9223372036854775808"
    assert kam.json_dumps(2 ** 70) == str(2 ** 70)
    assert kam.json_dumps((1, 2)) == "[1,2]"
    assert kam.json_dumps({1: "x"}) == '{"1":"x"}'
    assert kam.json_dumps(b"bytes") == '"bytes"'
    for bad in (math.nan, math.inf, decimal.Decimal("NaN")):
        with pytest.raises(kam.InvalidArgument):
            kam.json_dumps([bad])


def test_dumps_errors():
    with pytest.raises(TypeError):
        kam.json_dumps(object())
    with pytest.raises(TypeError):
        kam.json_dumps({("a",): 1})
    with pytest.raises(kam.ParseError):
        kam.json_dumps(b"\xff")
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="circular"):
        kam.json_dumps(loop)
    # the same list twice (not a cycle) is fine
    shared = [1]
    assert kam.json_dumps([shared, shared]) == "[[1],[1]]"
    # callables are lambdas: written as null
    assert kam.json_dumps({"f": len}) == '{"f":null}'


def test_round_trip():
    text = kam.json_dumps(kam.json_loads(SAMPLE, parse_float=decimal.Decimal))
    assert '"history":[1,2.5,-3E+2,0]' in text  # Decimal's own spelling
    assert kam.json_dumps(json.loads(SAMPLE)).startswith('{"id":"A-1","name":"ООО \\"Ромашка\\"",')
    again = kam.json_dumps(kam.json_loads(text, parse_float=decimal.Decimal))
    assert again == text
    assert '"revenue":12345678901234567890.123456789' in again
    deep = []
    cur = deep
    for _ in range(5000):
        nxt = []
        cur.append(nxt)
        cur = nxt
    assert kam.json_dumps(deep) == "[" * 5001 + "]" * 5001


def test_to_from_value_helpers():
    ctx = Owner()
    keep = []
    data = {"s": "строка", "n": [1, 2.5, decimal.Decimal("0.10")], "t": True, "z": None,
            "o": {"k": "v"}}
    v = kv._to_value(data, ctx, keep)
    try:
        assert kv._type(v) == kv.VALUE_OBJECT
        assert kv._from_value(v) == {"s": "строка", "n": [1, 2.5, 0.1], "t": True, "z": None,
                                     "o": {"k": "v"}}
        assert kv._from_value(v, parse_float=decimal.Decimal)["n"][2] == decimal.Decimal("0.10")
        assert kv._value_get(v, "s") == "строка"
        with pytest.raises(KeyError):
            kv._value_get(v, "missing")
    finally:
        kv._free_value(v)
    assert keep == []
    assert kv._from_value(None) is None
    kv._free_value(None)
    # scalars at the top and a raw ctx pointer
    v = kv._to_value("x", ctx.ptr, keep)
    assert kv._from_value(v) == "x"
    kv._free_value(v)


def test_lambdas_through_keep():
    ctx = Owner()
    keep = []
    calls = []

    def section(text):
        calls.append(text)
        return "<" + text + ">"

    v = kv._to_value({"sec": section, "interp": lambda: 42, "none": lambda: None}, ctx, keep)
    try:
        assert len(keep) == 3
        assert kv._type(kv._get(v, b"sec", 3)) == kv.VALUE_LAMBDA
        assert kv._from_value(v) == {"sec": None, "interp": None, "none": None}
        out = Collector()
        write = ctypes.cast(out.cb, ctypes.c_void_p).value
        text = "тело".encode()
        assert keep[0].cb(None, text, len(text), write, None) == 0
        assert keep[1].cb(None, None, 0, write, None) == 0
        assert keep[2].cb(None, None, 0, write, None) == 0
        assert out.text() == "<тело>42"
        assert calls == ["тело"]
        kv._raise_for(0, ctx, keep)  # nothing stored: no exception
    finally:
        kv._free_value(v)


def test_lambda_exception_is_stored_and_reraised():
    ctx = Owner()
    keep = []

    class Boom(Exception):
        pass

    def bad(text=None):
        raise Boom("from the lambda")

    v = kv._to_value([bad], ctx, keep)
    try:
        out = Collector()
        write = ctypes.cast(out.cb, ctypes.c_void_p).value
        status = keep[0].cb(None, None, 0, write, None)
        assert status == kv.LAMBDA_FAILED
        with pytest.raises(Boom, match="from the lambda"):
            kv._raise_for(status, ctx, keep)
        # stored once: the next check sees only the status
        with pytest.raises(kam.CallbackError):
            kv._raise_for(status, ctx, keep)
    finally:
        kv._free_value(v)


def test_lambda_write_failure_passes_status():
    keep = []
    ctx = Owner()
    v = kv._to_value(lambda: "text", ctx, keep)
    try:
        failing = WRITE_FN(lambda ud, buf, n: 77)
        write = ctypes.cast(failing, ctypes.c_void_p).value
        assert keep[0].cb(None, None, 0, write, None) == 77
    finally:
        kv._free_value(v)


def test_raise_for_statuses():
    ctx = Owner()
    assert kv._raise_for(0, ctx, []) == 0
    with pytest.raises(kam.ParseError):
        kv._raise_for(-4, ctx, [])
    with pytest.raises(kam.InvalidArgument):
        kv._raise_for(-1, ctx.ptr, [])

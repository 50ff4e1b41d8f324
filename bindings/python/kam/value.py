"""Values and JSON (kam/value.h).

Public: ``json_loads`` and ``json_dumps``, strict RFC 8259 JSON through libkam's parser and
writer (numbers keep their exact text, so money amounts survive a round trip).

Internal, for the other modules of this package (templates, proposals):

- ``_to_value(obj, ctx, keep)`` builds a new kam_value from Python data and returns its
  address (``c_void_p``); the caller frees it with ``_free_value``.
- ``_from_value(ptr)`` reads a kam_value tree back into Python data.
- ``_raise_for(status, ctx, keep)`` turns a C status into the right exception after a call
  that may have run Python lambdas (their exception is re-raised as it was).

Conversions (Python -> kam_value):

============================  ==============================================================
None                          null
bool                          bool
int (any size)                number, exact decimal text
float                         number, shortest round-trip text (NaN/inf: InvalidArgument)
decimal.Decimal               number, its exact text (``Decimal("1.10")`` stays ``1.10``)
str                           string (UTF-8)
bytes, bytearray              string (must be valid UTF-8: ParseError otherwise)
dict / Mapping                object, in iteration order; keys must be str (int keys are
                              written as their decimal text, like the json module does)
list, tuple                   array
callable                      lambda (see below)
anything else                 TypeError; a container that contains itself: ValueError
============================  ==============================================================

Lambdas: a callable becomes a C lambda. For a Mustache section it is called with the section's
raw text (str); for an interpolation with no argument. ``str(result)`` is written back (None
writes nothing) and libkam renders it as a template. An exception raised by the callable never
unwinds through C: it is stored, the lambda returns ``LAMBDA_FAILED`` (a positive status, so it
cannot be mistaken for a KAM_E* code), the render stops, and ``_raise_for`` re-raises the
exception after the C call. The CFUNCTYPE objects live in ``keep`` (a list the caller holds for
the duration of the C call).
"""
import ctypes
import decimal
import numbers
from collections.abc import Mapping

from ._native import (lib, fn, check, Owner, Collector, WRITE_FN, c_int, c_uint32, c_int64,
                      c_double, c_size_t, c_char_p, c_void_p, POINTER, byref, text_len,
                      InvalidArgument)

__all__ = ["json_loads", "json_dumps", "JSON_MAX_DEPTH"]

VALUE_NULL, VALUE_BOOL, VALUE_NUMBER, VALUE_STRING, VALUE_ARRAY, VALUE_OBJECT, VALUE_LAMBDA = range(7)
JSON_PRETTY = 1
JSON_MAX_DEPTH = 512
#: Status returned by a Python lambda that raised (re-raised by _raise_for after the call).
LAMBDA_FAILED = 0x4B414D  # "KAM"

LAMBDA_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_void_p, c_void_p)

_VP = POINTER(c_void_p)
_new_null = fn("kam_value_new_null", c_int, _VP, c_void_p)
_new_bool = fn("kam_value_new_bool", c_int, _VP, c_void_p, c_int)
_new_number = fn("kam_value_new_number", c_int, _VP, c_void_p, c_double)
_new_int = fn("kam_value_new_int", c_int, _VP, c_void_p, c_int64)
_new_number_text = fn("kam_value_new_number_text", c_int, _VP, c_void_p, c_char_p, c_size_t)
_new_string = fn("kam_value_new_string", c_int, _VP, c_void_p, c_char_p, c_size_t)
_new_array = fn("kam_value_new_array", c_int, _VP, c_void_p)
_new_object = fn("kam_value_new_object", c_int, _VP, c_void_p)
_new_lambda = fn("kam_value_new_lambda", c_int, _VP, c_void_p, LAMBDA_FN, c_void_p)
_array_push = fn("kam_value_array_push", c_int, c_void_p, c_void_p)
_object_set = fn("kam_value_object_set", c_int, c_void_p, c_char_p, c_size_t, c_void_p)
_free = fn("kam_value_free", None, c_void_p)
_type = fn("kam_value_type", c_int, c_void_p)
_bool = fn("kam_value_bool", c_int, c_void_p)
_number = fn("kam_value_number", c_double, c_void_p)
_number_text = fn("kam_value_number_text", c_void_p, c_void_p, POINTER(c_size_t))
_string = fn("kam_value_string", c_void_p, c_void_p, POINTER(c_size_t))
_length = fn("kam_value_length", c_size_t, c_void_p)
_at = fn("kam_value_at", c_void_p, c_void_p, c_size_t)
_key_at = fn("kam_value_key_at", c_void_p, c_void_p, c_size_t, POINTER(c_size_t))
_get = fn("kam_value_get", c_void_p, c_void_p, c_char_p, c_size_t)
_json_parse = fn("kam_json_parse", c_int, _VP, c_void_p, c_char_p, c_size_t)
_json_write = fn("kam_json_write", c_int, c_void_p, c_uint32, WRITE_FN, c_void_p)

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


class _Lambda:
    """A Python callable as a kam_lambda_fn; .exc holds what it raised."""

    def __init__(self, func):
        self.func = func
        self.exc = None
        self.cb = LAMBDA_FN(self._call)

    def _call(self, ud, text, n, out, out_ud):
        try:
            if text is None:
                result = self.func()
            else:
                result = self.func(ctypes.string_at(text, n).decode("utf-8", "replace"))
            data, _ = text_len("" if result is None else str(result), "lambda result")
            if not data:
                return 0
            return WRITE_FN(out)(out_ud, data, len(data))
        except BaseException as e:  # must not unwind through C
            self.exc = e
            return LAMBDA_FAILED


def _ctx_ptr(ctx):
    return ctx.ptr if isinstance(ctx, Owner) else ctx


def _raise_for(status, ctx=None, keep=()):
    """After a C call that may have run lambdas made by _to_value(…, keep): re-raises the first
    exception a lambda stored (whatever the status), else raises the KamError for status
    (with ctx's message) unless it is KAM_OK. Returns status."""
    for k in keep:
        exc = getattr(k, "exc", None)
        if exc is not None:
            k.exc = None
            raise exc
    if status != 0 and ctx is not None and not isinstance(ctx, Owner):
        raise _err(status, _ctx_ptr(ctx))
    return check(status, ctx)


def _free_value(ptr):
    """Frees a tree made by _to_value (or a parse); None/NULL is a no-op."""
    if ptr:
        _free(ptr)


def _new(maker, ctx, *args):
    out = c_void_p()
    status = maker(byref(out), ctx, *args)
    if status:
        raise _err(status, ctx)
    return out.value


def _err(status, ctx_ptr):
    from ._native import error, _ctx_errmsg
    return error(status, _ctx_errmsg(ctx_ptr).decode("utf-8", "replace") if ctx_ptr else "")


def _scalar(obj, ctx, keep):
    """The address of a new kam_value for a non-container obj."""
    if obj is None:
        return _new(_new_null, ctx)
    if obj is True or obj is False:
        return _new(_new_bool, ctx, int(obj))
    if isinstance(obj, int):
        if _INT64_MIN <= obj <= _INT64_MAX:
            return _new(_new_int, ctx, obj)
        text = str(obj).encode("ascii")
        return _new(_new_number_text, ctx, text, len(text))
    if isinstance(obj, float):
        return _new(_new_number, ctx, obj)
    if isinstance(obj, decimal.Decimal):
        if not obj.is_finite():
            raise InvalidArgument(-1, "%s is not a JSON number" % obj)
        text = str(obj).encode("ascii")
        return _new(_new_number_text, ctx, text, len(text))
    if isinstance(obj, (str, bytes, bytearray, memoryview)):
        data, n = text_len(obj, "a string")
        return _new(_new_string, ctx, data, n)
    if isinstance(obj, numbers.Integral):
        return _scalar(int(obj), ctx, keep)
    if isinstance(obj, numbers.Real):
        return _scalar(float(obj), ctx, keep)
    if callable(obj):
        lam = _Lambda(obj)
        keep.append(lam)
        return _new(_new_lambda, ctx, lam.cb, None)
    raise TypeError("cannot convert %s to a kam value" % type(obj).__name__)


def _key_bytes(k):
    if isinstance(k, str):
        return k.encode("utf-8")
    if isinstance(k, int) and not isinstance(k, bool):
        return str(k).encode("ascii")
    raise TypeError("object keys must be str, not %s" % type(k).__name__)


def _to_value(obj, ctx, keep):
    """A new kam_value for obj (see the module doc for the conversions), as an int address.

    ctx: an Owner (or a raw kam_ctx pointer); the value belongs to it and must be freed with
    _free_value before the ctx goes. keep: a list; CFUNCTYPE wrappers of callables are
    appended to it and must stay alive (keep the list) while C may call them.
    Raises TypeError, ValueError (circular structure), KamError subclasses. Nothing leaks on
    error. Works without recursion, so deep structures are fine."""
    ctx = _ctx_ptr(ctx)

    def container(o):
        if isinstance(o, Mapping):
            return _new(_new_object, ctx), iter(o.items()), True
        if isinstance(o, (list, tuple)):
            return _new(_new_array, ctx), iter(o), False
        return None

    made = container(obj)
    if made is None:
        return _scalar(obj, ctx, keep)
    root = made[0]
    # Each level: (address, iterator, is_object, id of the Python container).
    stack = [(made[0], made[1], made[2], id(obj))]
    active = {id(obj)}
    try:
        while stack:
            node, it, is_obj, oid = stack[-1]
            try:
                item = next(it)
            except StopIteration:
                stack.pop()
                active.discard(oid)
                continue
            if is_obj:
                key, child = item
                kb = _key_bytes(key)
            else:
                child = item
            sub = container(child)
            addr = sub[0] if sub is not None else _scalar(child, ctx, keep)
            if sub is not None and id(child) in active:
                _free(addr)
                raise ValueError("circular reference: a container contains itself")
            status = _object_set(node, kb, len(kb), addr) if is_obj else _array_push(node, addr)
            if status:
                _free(addr)
                raise _err(status, ctx)
            if sub is not None:
                stack.append((addr, sub[1], sub[2], id(child)))
                active.add(id(child))
        return root
    except BaseException:
        _free(root)
        raise


def _number_value(v, parse_float, parse_int):
    n = c_size_t()
    text = ctypes.string_at(_number_text(v, byref(n)), n.value).decode("ascii")
    if "." in text or "e" in text or "E" in text:
        return parse_float(text) if parse_float else _number(v)
    return parse_int(text) if parse_int else int(text)


def _from_value(ptr, parse_float=None, parse_int=None):
    """The Python data for a kam_value tree (borrowed; nothing is freed).

    null -> None, bool -> bool, number -> int when its text is an integer (no '.', 'e', 'E'),
    else float (the nearest double); parse_float / parse_int, when given, are called with the
    exact number text instead (parse_float=decimal.Decimal keeps amounts exact). string -> str,
    array -> list, object -> dict (in member order), lambda -> None. Works without recursion."""
    if not ptr:
        return None
    sizes = c_size_t()

    def scalar(v, t):
        if t == VALUE_STRING:
            p = _string(v, byref(sizes))
            return ctypes.string_at(p, sizes.value).decode("utf-8")
        if t == VALUE_NUMBER:
            return _number_value(v, parse_float, parse_int)
        if t == VALUE_BOOL:
            return bool(_bool(v))
        return None

    t = _type(ptr)
    if t != VALUE_ARRAY and t != VALUE_OBJECT:
        return scalar(ptr, t)
    result = {} if t == VALUE_OBJECT else []
    stack = [(ptr, t == VALUE_OBJECT, result, _length(ptr), 0)]
    while stack:
        v, is_obj, out, n, i = stack.pop()
        while i < n:
            child = _at(v, i)
            if is_obj:
                kp = _key_at(v, i, byref(sizes))
                key = ctypes.string_at(kp, sizes.value).decode("utf-8")
            i += 1
            ct = _type(child)
            if ct == VALUE_ARRAY or ct == VALUE_OBJECT:
                sub = {} if ct == VALUE_OBJECT else []
                if is_obj:
                    out[key] = sub
                else:
                    out.append(sub)
                stack.append((v, is_obj, out, n, i))
                stack.append((child, ct == VALUE_OBJECT, sub, _length(child), 0))
                break
            val = scalar(child, ct)
            if is_obj:
                out[key] = val
            else:
                out.append(val)
    return result


def _value_get(ptr, key):
    """The member of a kam object with this key (str), as Python data; KeyError if none."""
    kb = key.encode("utf-8")
    p = _get(ptr, kb, len(kb))
    if not p:
        raise KeyError(key)
    return _from_value(p)


def json_loads(text, parse_float=None, parse_int=None):
    """Parses one JSON text (str, bytes or bytearray; bytes must be UTF-8) strictly (RFC 8259:
    no comments, trailing commas, NaN, BOM; nesting up to JSON_MAX_DEPTH).

    Returns Python data: dict (key order kept; a duplicate key: the last value wins), list,
    str, int (integer text), float (other numbers, the nearest double), True/False/None.
    parse_float(text) / parse_int(text), when given, receive the number's exact text:
    ``json_loads(s, parse_float=decimal.Decimal)`` keeps amounts exact.

    Raises ParseError (a ValueError) whose message says "line L, column C: what" (the column
    counts characters), LimitReached for nesting deeper than 512, InvalidArgument for bad
    argument types."""
    data, n = text_len(text, "json_loads text")
    owner = Owner()
    v = owner.hold(_free)
    try:
        check(_json_parse(byref(v), owner.ptr, data, n), owner)
        return _from_value(v.value, parse_float, parse_int)
    finally:
        owner.close()


def _take_value(to_value, ptr, checker):
    """Python data of the kam_value that to_value(&out, ptr) builds (a document's model); the
    value is freed after the conversion. checker raises for a failing status."""
    v = c_void_p()
    checker(to_value(byref(v), ptr))
    try:
        return _from_value(v.value)
    finally:
        _free(v)


def json_dumps(obj, pretty=False):
    """JSON text (str) for obj (conversions as in this module's doc: Decimal and int keep their
    exact digits, floats print in shortest round-trip form, callables are written as null).
    Compact by default; pretty=True indents by two spaces with one item per line.
    Strings are written as UTF-8 (not \\u-escaped), control characters escaped.
    Raises TypeError / ValueError / InvalidArgument (NaN, infinity) for data JSON cannot hold."""
    ctx = Owner()
    keep = []
    v = _to_value(obj, ctx, keep)
    try:
        out = Collector()
        check(_json_write(v, JSON_PRETTY if pretty else 0, out.cb, None), ctx)
        return out.text()
    finally:
        _free(v)
        ctx.close()

"""Mustache templates (kam/template.h): the whole of spec v1.4.2 with dynamic names,
inheritance and lambdas.

    >>> import kam
    >>> kam.Template("Hello, {{name}}!").render({"name": "<World>"})
    'Hello, &lt;World&gt;!'
    >>> kam.Template("{{>row}}").render({"x": 1}, partials={"row": "x={{x}}"})
    'x=1'

Data: dicts (any Mapping), lists and tuples, str, int, float, decimal.Decimal, bool, None and
callables. A callable is a lambda: in ``{{name}}`` it is called with no argument, in
``{{#name}}...{{/name}}`` with the raw section text; ``str(result)`` is rendered as a template
(None renders nothing). Numbers print as their exact text (``Decimal("1.10")`` prints
``1.10``). Falsey are None, False, [] and a missing name; everything else is truthy, 0 and ""
included.

Partials: a dict name -> template text, or a callable name -> text or None (None: no such
partial, it renders as nothing). An exception raised by a lambda or a partial callable stops
the render and is re-raised as it was.
"""
import ctypes

from ._native import (fn, Owner, Closable, Collector, WRITE_FN, c_int, c_size_t, c_char_p, c_void_p,
                      POINTER, byref, text_len, check)
from ctypes import c_uint64
from .value import _to_value, _free_value, _raise_for

__all__ = ["Template", "TEMPLATE_MAX_DEPTH", "TEMPLATE_DEFAULT_MAX_STEPS"]

#: Nesting limit of sections, partials, parents, blocks and lambda results.
TEMPLATE_MAX_DEPTH = 256
#: Default render step budget (see Template.set_max_steps).
TEMPLATE_DEFAULT_MAX_STEPS = 100000000

#: Status a partial callable returns when it raised (re-raised after the render).
PARTIAL_FAILED = 0x4B414E  # "KAN"

PARTIAL_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, POINTER(c_void_p),
                              POINTER(c_size_t))

_compile = fn("kam_template_compile", c_int, POINTER(c_void_p), c_void_p, c_char_p, c_size_t)
_free = fn("kam_template_free", None, c_void_p)
_set_max_steps = fn("kam_template_set_max_steps", c_int, c_void_p, c_uint64)
_render = fn("kam_template_render", c_int, c_void_p, c_void_p, PARTIAL_FN, c_void_p, WRITE_FN,
             c_void_p)


class _Partials:
    """partials (dict or callable) as a kam_partial_fn. The texts handed to C are kept in
    .texts until the render returns; .exc holds what a callable raised."""

    def __init__(self, partials):
        self.partials = partials
        self.texts = []
        self.exc = None
        self.cb = PARTIAL_FN(self._lookup)

    def _lookup(self, ud, name, name_len, src, src_len):
        try:
            key = ctypes.string_at(name, name_len).decode("utf-8", "replace")
            if callable(self.partials):
                text = self.partials(key)
            else:
                text = self.partials.get(key)
            if text is None:
                return 0
            data, _ = text_len(text, "partial %r" % key)
            self.texts.append(data)
            src[0] = ctypes.cast(c_char_p(data), c_void_p).value
            src_len[0] = len(data)
            return 0
        except BaseException as e:  # must not unwind through C
            self.exc = e
            return PARTIAL_FAILED


class Template(Closable):
    """A compiled Mustache template.

    Template(src) compiles src (str or UTF-8 bytes); a malformed template raises
    kam.ParseError whose message says "line L, column C: what", nesting deeper than
    TEMPLATE_MAX_DEPTH raises kam.LimitReached."""

    _what = "template"

    def __init__(self, src, max_steps=None):
        data, n = text_len(src, "template source")
        self._owner = Owner()
        self._handle = self._owner.hold(_free)
        check(_compile(byref(self._handle), self._owner.ptr, data, n), self._owner)
        if max_steps is not None:
            self.set_max_steps(max_steps)

    def set_max_steps(self, max_steps):
        """Sets the render step budget (one step per node rendered, per section iteration and
        per byte written, escaped, compiled or compared; 0: no limit). A render that would take
        more raises kam.LimitReached."""
        if not isinstance(max_steps, int) or max_steps < 0 or max_steps >= 1 << 64:
            raise ValueError("max_steps must be an int from 0 to 2**64 - 1")
        check(_set_max_steps(self._ptr, max_steps), self._owner)

    def render(self, data=None, partials=None):
        """Renders the template with data and returns the text (str).

        partials: None, a dict name -> text, or a callable name -> text or None.
        Raises TypeError/ValueError for data that cannot be converted, kam.ParseError when a
        partial or a lambda result does not compile (the message names it), kam.LimitReached
        for recursion deeper than TEMPLATE_MAX_DEPTH or the step budget, or the exception a
        lambda or a partial callable raised."""
        if partials is not None and not callable(partials) and not hasattr(partials, "get"):
            raise TypeError("partials must be a dict or a callable, not %s"
                            % type(partials).__name__)
        ptr = self._ptr  # a closed template raises before any data is converted
        keep = []
        value = _to_value(data, self._owner, keep) if data is not None else None
        try:
            out = Collector()
            if partials is not None:
                holder = _Partials(partials)
                keep.append(holder)
                pcb = holder.cb
            else:
                pcb = ctypes.cast(None, PARTIAL_FN)
            status = _render(ptr, value, pcb, None, out.cb, None)
            _raise_for(status, self._owner, keep)
            return out.text()
        finally:
            _free_value(value)

    def __call__(self, data=None, partials=None):
        return self.render(data, partials)

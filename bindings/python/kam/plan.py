"""Key account plans (kam/plan.h): objectives, white space and share of wallet, relationship
coverage, competitors, risks and actions; the assembled model, rendering in Russian and English,
and checks (kam/finding.h).

    >>> plan = kam.Plan.from_json(open("plan.json", encoding="utf-8").read())
    >>> plan.model()["white_space"]["total"]["share"]["text"]
    '15,5 %'
    >>> [f["code"] for f in plan.check()]
    ['uncovered_stakeholder', ...]
    >>> html = plan.render("html", lang="en")

Errors raise kam.KamError subclasses naming the JSON path, line and column.
"""
import ctypes

from ._native import (fn, check, error, Owner, Closable, Collector, WRITE_FN, text as _text,
                      text_len, c_int, c_int32, c_uint32, c_char_p, c_void_p, POINTER, byref,
                      KAM_EINVAL, CallbackError)
from .finance import date_to_days

__all__ = ["Plan", "PLAN_FORMATS", "SEVERITIES"]

PLAN_FORMATS = {"markdown": 1, "md": 1, "html": 2, "text": 3, "txt": 3, "json": 4}


class _Finding(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("severity", c_int32), ("code", c_char_p),
                ("path", c_char_p), ("message", c_char_p)]


FINDING_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_Finding))

P = c_void_p
_new = fn("kam_plan_new", c_int, POINTER(c_void_p), c_void_p)
_free = fn("kam_plan_free", None, P)
_from_json = fn("kam_plan_from_json", c_int, POINTER(c_void_p), c_void_p, c_char_p, ctypes.c_size_t)
_write_json = fn("kam_plan_write_json", c_int, P, WRITE_FN, c_void_p)
_set_lang = fn("kam_plan_set_lang", c_int, P, c_char_p)
_set_as_of = fn("kam_plan_set_as_of", c_int, P, c_int32)
_to_value = fn("kam_plan_to_value", c_int, POINTER(c_void_p), P)
_render = fn("kam_plan_render", c_int, P, c_int, WRITE_FN, c_void_p)
_render_template = fn("kam_plan_render_template", c_int, P, c_void_p, WRITE_FN, c_void_p)
_check = fn("kam_plan_check", c_int, P, FINDING_FN, c_void_p)
_severity_name = fn("kam_severity_name", c_char_p, c_int32)

#: Severity names by KAM_SEVERITY_* value.
SEVERITIES = tuple(_severity_name(i).decode() for i in range(3))

_CALLBACK_FAILED = -1000  # a Python exception inside the check callback (not a KAM_E* code)


def _collect_findings(run, check_status):
    """Runs run(cb) (a C check taking a kam_finding_fn) and returns its findings as dicts
    {"code", "severity", "path", "message"} in the order reported; check_status(status)
    raises for a failure. Shared by Plan.check and Proposal.check."""
    found, failure = [], []

    def on_finding(ud, f):
        try:
            f = f.contents
            found.append({"code": f.code.decode(), "severity": SEVERITIES[f.severity],
                          "path": f.path.decode(), "message": f.message.decode("utf-8")})
            return 0
        except BaseException as e:  # must not unwind through C
            failure.append(e)
            return _CALLBACK_FAILED

    cb = FINDING_FN(on_finding)
    status = run(cb)
    if failure:
        raise CallbackError(_CALLBACK_FAILED, "the check callback failed: %r" % (failure[0],)) from failure[0]
    check_status(status)
    return found


class Plan(Closable):
    """A key account plan (kam_plan). Plan() is empty (lang "ru", currency "RUB"); read one
    with Plan.from_json."""

    _what = "plan"

    def __init__(self, _read=None):
        self._owner = Owner()
        self._handle = self._owner.hold(_free)
        if _read is None:
            check(_new(byref(self._handle), self._owner.ptr), self._owner)
        else:
            check(_read(byref(self._handle), self._owner.ptr), self._owner)

    def _check(self, status):
        check(status, self._owner)
        return self

    @classmethod
    def from_json(cls, text):
        """Reads the JSON document (str or UTF-8 bytes). Raises kam.ParseError naming the JSON
        path, line and column of what is wrong."""
        data, n = text_len(text, "from_json text")
        return cls(_read=lambda out, ctx: _from_json(out, ctx, data, n))

    def to_json(self):
        """The JSON document (str), lossless: Plan.from_json(p.to_json()).to_json() is the
        same text."""
        out = Collector()
        self._check(_write_json(self._ptr, out.cb, None))
        return out.text()

    def set_lang(self, lang):
        """'ru' or 'en' (None: 'ru'): the language of rendering and of the findings."""
        return self._check(_set_lang(self._ptr, _text(lang, "lang")))

    def set_as_of(self, as_of):
        """The date the plan is read against (datetime.date or 'YYYY-MM-DD')."""
        return self._check(_set_as_of(self._ptr, date_to_days(as_of)))

    def model(self):
        """The assembled model (kam_plan_to_value) as Python data."""
        from .value import _take_value
        return _take_value(_to_value, self._ptr, self._check)

    def _in_lang(self, lang):
        """self, or a copy in another language (the plan itself is not changed)."""
        if lang is None:
            return self
        return Plan.from_json(self.to_json()).set_lang(lang)

    def render(self, fmt="html", lang=None):
        """The plan rendered with the built-in template: 'html', 'markdown' ('md'), 'text'
        ('txt') or 'json' (the model), in lang ('ru', 'en'; None: the plan's)."""
        if fmt not in PLAN_FORMATS:
            raise error(KAM_EINVAL, "format must be one of html, markdown, text, json, not %r"
                        % (fmt,))
        plan = self._in_lang(lang)
        try:
            out = Collector()
            self._check(_render(plan._ptr, PLAN_FORMATS[fmt], out.cb, None))
            return out.text()
        finally:
            if plan is not self:
                plan.close()

    def render_template(self, template):
        """Renders a user's Mustache template (str, bytes or kam.Template) over the model."""
        from .template import Template
        t = template if isinstance(template, Template) else Template(template)
        out = Collector()
        self._check(_render_template(self._ptr, t._ptr, out.cb, None))
        return out.text()

    def check(self):
        """The findings: a list of dicts {"code", "severity", "path", "message"} in the order
        kam_plan_check reports them."""
        return _collect_findings(lambda cb: _check(self._ptr, cb, None), self._check)

    def __repr__(self):
        if self._closed:
            return "<kam.Plan (closed)>"
        return "<kam.Plan>"

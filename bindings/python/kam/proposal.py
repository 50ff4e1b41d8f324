"""Commercial proposals (kam/proposal.h): the document, exact totals, the assembled model and
rendering in Russian and English.

    >>> p = kam.Proposal.from_json(open("proposal.json", encoding="utf-8").read())
    >>> p.totals()["total"]
    Decimal('10620089.00')
    >>> html = p.render("html")          # one self-contained A4 document
    >>> p.render_template("{{client.name}}: {{totals.total.text}}")

A Proposal is built from JSON (``from_json``), from Python data (``from_dict``: the same shape,
with ``decimal.Decimal`` or ``str`` amounts; floats are written with their shortest repr), or
step by step with the setters. Amounts read from JSON are converted exactly from their text.
Money in ``totals()`` is ``decimal.Decimal`` in major units of the proposal's currency.

Errors raise kam.KamError subclasses whose message names the JSON path and, for from_json,
the line and column ("items[3].unit_price: '10.005' has more decimals than RUB allows (2)
(line 41, column 25)"); an incomplete proposal (no client name, issue date, validity or items)
raises kam.IncompleteState from render/totals/model, naming every missing part.

Before sending, ``check(as_of=..., discount_ceiling=..., margin_floor=...)`` lists what a
director would fault (kam_proposal_check): dicts {"code", "severity", "path", "message"}.
"""
import ctypes
import datetime
import decimal
import json
import math

from ._native import (fn, check, error, Owner, Closable, Collector, WRITE_FN, text as _text,
                      text_len, c_int, c_int32, c_uint32, c_int64, c_double, c_size_t, c_char_p,
                      c_void_p, POINTER, byref, KAM_EINVAL, KAM_EOVERFLOW, KAM_EPARSE,
                      text_out)
from .finance import date_to_days
from .dmu import STYLES, _Stakeholder, _stakeholder
from .plan import FINDING_FN, _collect_findings

_EPOCH = datetime.date(1970, 1, 1)

__all__ = ["Proposal", "PROPOSAL_FORMATS", "PROPOSAL_PARTS", "unit_format"]

PROPOSAL_FORMATS = {"markdown": 1, "md": 1, "html": 2, "text": 3, "txt": 3, "json": 4}
_PERIODS = {"year": 0, "quarter": 1, "month": 2}
_ROUNDING = {"line": 0, "total": 1}
#: Part names for Proposal.clear() and Proposal.count() (KAM_PROPOSAL_*).
PROPOSAL_PARTS = {name: i + 1 for i, name in enumerate(
    ["lang", "currency", "title", "seller", "client", "summary", "exclusive", "issued",
     "valid_days", "arguments", "references", "figures", "cash_flows", "items",
     "prices_include_vat", "rounding", "team", "stakeholders", "terms", "dmu",
     # identity, criteria and alternatives
     "number", "addressee", "signatory", "criteria", "alternatives",
     # the term and the payment schedule
     "term_months", "payments"])}
#: Item recurrence (kam_item.period, KAM_RECUR_*: the period in months).
_RECUR = {"once": 0, "month": 1, "quarter": 3, "year": 12}
_INVESTMENT = {"given": 0, "auto": 1}



class _Argument(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("style", c_int32), ("title", c_char_p),
                ("text", c_char_p)]


class _Reference(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("company", c_char_p),
                ("project", c_char_p), ("result", c_char_p), ("contact_name", c_char_p),
                ("contact_position", c_char_p), ("contact_phone", c_char_p),
                ("contact_email", c_char_p)]


class _Figure(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("label", c_char_p),
                ("value", c_double), ("unit", c_char_p), ("value_text", c_char_p)]


class _CashFlows(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("period", c_int32), ("rate", c_double),
                ("values", POINTER(c_double)), ("count", c_size_t),
                ("investment", c_int32), ("reserved", c_uint32)]


class _Item(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32), ("sku", c_char_p),
                ("description", c_char_p), ("unit", c_char_p), ("quantity", c_char_p),
                ("unit_price", c_int64), ("unit_price_text", c_char_p),
                ("discount_percent", c_char_p), ("vat_percent", c_char_p),
                ("section", c_char_p),
                # appended (then the term)
                ("cost", c_char_p),
                # appended (then the term)
                ("period", c_int32), ("reserved2", c_uint32),
                ("unit_one", c_char_p), ("unit_few", c_char_p), ("unit_many", c_char_p)]


class _Criterion(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("name", c_char_p),
                ("weight", c_double), ("stakeholder", c_char_p),
                ("arguments", POINTER(c_size_t)), ("argument_count", c_size_t)]


class _Alternative(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("name", c_char_p),
                ("criteria", POINTER(c_char_p)), ("points", POINTER(c_char_p)),
                ("count", c_size_t)]


class _CheckOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32), ("as_of", c_int32),
                ("discount_ceiling", c_double), ("margin_floor", c_double)]


class _Person(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("name", c_char_p),
                ("position", c_char_p), ("phone", c_char_p), ("email", c_char_p)]


_unit_format = fn("kam_unit_format", c_int, c_char_p, c_size_t, POINTER(c_size_t), c_char_p,
                  c_char_p, c_char_p)


def unit_format(unit, quantity, lang="ru"):
    """The unit in the form that agrees with the quantity (kam_unit_format): unit_format("группа",
    "2.5") is 'группы', unit_format("hour", 1, "en") 'hour'; abbreviations ("шт.") and unknown
    units as given. quantity: int, decimal.Decimal or exact decimal text ("320,5")."""
    if isinstance(quantity, bool) or not isinstance(quantity, (int, decimal.Decimal, str)):
        raise TypeError("quantity must be an int, a Decimal or decimal text, not %s"
                        % type(quantity).__name__)
    u, q, lg = _text(unit, "unit"), _text(str(quantity), "quantity"), _text(lang, "lang")
    rc, out = text_out(_unit_format, u, q, lg)
    if rc == KAM_EINVAL:
        raise error(rc, "unit_format: lang %r is not 'ru' or 'en'" % (lang,))
    if rc == KAM_EPARSE:
        raise error(rc, "unit_format: quantity %r is not an exact decimal number" % (quantity,))
    check(rc)
    return out


class _Totals(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("gross", c_int64),
                ("discount", c_int64), ("net", c_int64), ("vat", c_int64), ("total", c_int64),
                ("optional_total", c_int64), ("first_year", c_int64),
                ("contract_value", c_int64), ("term_months", c_int32), ("years", c_int32)]


class _YearCost(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("year", c_uint32), ("months", c_int32),
                ("reserved", c_uint32), ("net", c_int64), ("vat", c_int64), ("total", c_int64)]


class _Payment(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("due_kind", c_int32), ("label", c_char_p),
                ("percent", c_char_p), ("amount", c_char_p), ("due", c_int32),
                ("days", c_int32), ("amount_minor", c_int64)]


P = c_void_p
_new = fn("kam_proposal_new", c_int, POINTER(c_void_p), c_void_p)
_free = fn("kam_proposal_free", None, P)
_from_json = fn("kam_proposal_from_json", c_int, POINTER(c_void_p), c_void_p, c_char_p, c_size_t)
_write_json = fn("kam_proposal_write_json", c_int, P, WRITE_FN, c_void_p)
_text_setters = {name: fn("kam_proposal_set_" + name, c_int, P, c_char_p)
                 for name in ("lang", "currency", "title", "summary", "exclusive", "terms")}
_set_seller = fn("kam_proposal_set_seller", c_int, P, c_char_p, c_char_p)
_set_client = fn("kam_proposal_set_client", c_int, P, c_char_p, c_char_p)
_set_issued = fn("kam_proposal_set_issued", c_int, P, c_int32)
_set_valid_days = fn("kam_proposal_set_valid_days", c_int, P, c_int32)
_set_prices_include_vat = fn("kam_proposal_set_prices_include_vat", c_int, P, c_int)
_set_rounding = fn("kam_proposal_set_rounding", c_int, P, c_int)
_add_argument = fn("kam_proposal_add_argument", c_int, P, POINTER(_Argument))
_add_reference = fn("kam_proposal_add_reference", c_int, P, POINTER(_Reference))
_add_figure = fn("kam_proposal_add_figure", c_int, P, POINTER(_Figure))
_set_cash_flows = fn("kam_proposal_set_cash_flows", c_int, P, POINTER(_CashFlows))
_add_item = fn("kam_proposal_add_item", c_int, P, POINTER(_Item))
_add_team_member = fn("kam_proposal_add_team_member", c_int, P, POINTER(_Person))
_add_stakeholder = fn("kam_proposal_add_stakeholder", c_int, P, POINTER(_Stakeholder))
_set_dmu = fn("kam_proposal_set_dmu", c_int, P, c_void_p)
_clear = fn("kam_proposal_clear", c_int, P, c_int)
_count = fn("kam_proposal_count", c_size_t, P, c_int)
_validate = fn("kam_proposal_validate", c_int, P)
_check = fn("kam_proposal_check", c_int, P, POINTER(_CheckOptions), FINDING_FN, c_void_p)
_check_options_init = fn("kam_proposal_check_options_init", None, POINTER(_CheckOptions),
                         c_size_t)
_set_number = fn("kam_proposal_set_number", c_int, P, c_char_p, c_char_p)
_set_addressee = fn("kam_proposal_set_addressee", c_int, P, c_char_p, c_char_p, c_char_p)
_set_signatory = fn("kam_proposal_set_signatory", c_int, P, c_char_p, c_char_p)
_add_criterion = fn("kam_proposal_add_criterion", c_int, P, POINTER(_Criterion))
_add_alternative = fn("kam_proposal_add_alternative", c_int, P, POINTER(_Alternative))
_totals = fn("kam_proposal_totals", c_int, POINTER(_Totals), P)
_to_value = fn("kam_proposal_to_value", c_int, POINTER(c_void_p), P)
_set_term_months = fn("kam_proposal_set_term_months", c_int, P, c_int32)
_year_cost = fn("kam_proposal_year_cost", c_int, POINTER(_YearCost), P, c_uint32)
_add_payment = fn("kam_proposal_add_payment", c_int, P, POINTER(_Payment))
_payment = fn("kam_proposal_payment", c_int, POINTER(_Payment), P, c_size_t)
_render = fn("kam_proposal_render", c_int, P, c_int, WRITE_FN, c_void_p)
_render_template = fn("kam_proposal_render_template", c_int, P, c_void_p, WRITE_FN, c_void_p)
_currency_digits = fn("kam_currency_digits", c_int, c_char_p)


def _decimal_text(v, what, allow_float=True):
    """A decimal amount as exact text: str, int, Decimal; floats by their shortest repr."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise TypeError("%s must be a number, not bool" % what)
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            raise error(KAM_EINVAL, "%s: %s is not a finite number" % (what, v))
        return str(v).encode("ascii")
    if isinstance(v, int):
        return str(v).encode("ascii")
    if isinstance(v, float):
        if not allow_float:
            raise TypeError("%s: money is never a float here; give a Decimal, a str or int "
                            "minor units" % what)
        if not math.isfinite(v):
            raise error(KAM_EINVAL, "%s: %r is not a finite number" % (what, v))
        return repr(v).encode("ascii")
    if isinstance(v, str):
        return _text(v, what)
    raise TypeError("%s must be a str, int or Decimal, not %s" % (what, type(v).__name__))


def _json_default(o):
    if isinstance(o, decimal.Decimal):
        return str(o)
    if isinstance(o, (datetime.date, datetime.datetime)):
        return o.strftime("%Y-%m-%d")
    raise TypeError("%s is not JSON data" % type(o).__name__)


class Proposal(Closable):
    """A commercial proposal (kam_proposal). Proposal() is an empty draft (lang "ru",
    currency "RUB"); build it with the setters, or use from_json / from_dict."""

    _what = "proposal"

    def __init__(self, _read=None):
        """_read(out, ctx): the C call that makes the kam_proposal (default kam_proposal_new)."""
        self._dmu = None
        self._owner = Owner()
        self._handle = self._owner.hold(_free)
        if _read is None:
            check(_new(byref(self._handle), self._owner.ptr), self._owner)
        else:
            check(_read(byref(self._handle), self._owner.ptr), self._owner)

    def _let_go(self):
        self._let_go_of_dmu()
        self._owner.leave()

    def _check(self, status):
        check(status, self._owner)
        return self

    # ---- construction --------------------------------------------------------------------

    @classmethod
    def from_json(cls, text):
        """Reads the JSON document (str or UTF-8 bytes). Raises kam.ParseError naming the
        JSON path, line and column of what is wrong."""
        data, n = text_len(text, "from_json text")
        return cls(_read=lambda out, ctx: _from_json(out, ctx, data, n))

    @classmethod
    def from_dict(cls, d):
        """Reads the document from Python data of the JSON document's shape. Decimal amounts
        are written as their exact text, dates as YYYY-MM-DD, floats as their shortest repr."""
        if not isinstance(d, dict):
            raise TypeError("from_dict expects a dict, not %s" % type(d).__name__)
        return cls.from_json(json.dumps(d, ensure_ascii=False, default=_json_default,
                                        allow_nan=False))

    def to_json(self):
        """The JSON document (str): pretty, keys in document order, amounts as decimal strings.
        from_json(p.to_json()).to_json() == p.to_json()."""
        out = Collector()
        self._check(_write_json(self._ptr, out.cb, None))
        return out.text()

    def to_dict(self):
        """The document as Python data (amounts as str, exactly as to_json writes them)."""
        return json.loads(self.to_json())

    # ---- simple parts ----------------------------------------------------------------------

    def set_lang(self, lang):
        """'ru' or 'en' (None: 'ru')."""
        return self._check(_text_setters["lang"](self._ptr, _text(lang, "lang")))

    def set_currency(self, currency):
        """ISO 4217 code; prices already set are rescaled exactly (or it raises and nothing
        changes)."""
        return self._check(_text_setters["currency"](self._ptr, _text(currency, "currency")))

    def set_title(self, title):
        return self._check(_text_setters["title"](self._ptr, _text(title, "title")))

    def set_summary(self, summary):
        return self._check(_text_setters["summary"](self._ptr, _text(summary, "summary")))

    def set_exclusive(self, exclusive):
        return self._check(_text_setters["exclusive"](self._ptr, _text(exclusive, "exclusive")))

    def set_terms(self, terms):
        return self._check(_text_setters["terms"](self._ptr, _text(terms, "terms")))

    def set_seller(self, name, details=None):
        return self._check(_set_seller(self._ptr, _text(name, "seller.name"),
                                       _text(details, "seller.details")))

    def set_client(self, name, context=None):
        return self._check(_set_client(self._ptr, _text(name, "client.name"),
                                       _text(context, "client.context")))

    def set_issued(self, issued):
        """datetime.date, "YYYY-MM-DD" or days since 1970-01-01."""
        return self._check(_set_issued(self._ptr, date_to_days(issued)))

    def set_valid_days(self, days):
        if not isinstance(days, int) or isinstance(days, bool) or not -2**31 <= days < 2**31:
            raise error(KAM_EINVAL, "valid_days must be an int, not %r" % (days,))
        return self._check(_set_valid_days(self._ptr, days))

    def set_prices_include_vat(self, include=True):
        return self._check(_set_prices_include_vat(self._ptr, 1 if include else 0))

    def set_rounding(self, rounding):
        """'line' or 'total'."""
        if rounding not in _ROUNDING:
            raise error(KAM_EINVAL, "rounding must be 'line' or 'total', not %r" % (rounding,))
        return self._check(_set_rounding(self._ptr, _ROUNDING[rounding]))

    # ---- records ---------------------------------------------------------------------------

    def add_argument(self, style, text, title=None):
        """style: 'authority', 'relational' or 'analytical'."""
        if style not in STYLES:
            raise error(KAM_EINVAL, "style must be one of %s, not %r" % (", ".join(STYLES), style))
        a = _Argument(ctypes.sizeof(_Argument), STYLES.index(style), _text(title, "title"),
                      _text(text, "text"))
        return self._check(_add_argument(self._ptr, byref(a)))

    def add_reference(self, company, project=None, result=None, contact=None):
        """contact: None or a dict with name, position, phone, email."""
        c = contact or {}
        if not isinstance(c, dict):
            raise TypeError("contact must be a dict")
        r = _Reference(ctypes.sizeof(_Reference), 0, _text(company, "company"),
                       _text(project, "project"), _text(result, "result"),
                       _text(c.get("name"), "contact.name"),
                       _text(c.get("position"), "contact.position"),
                       _text(c.get("phone"), "contact.phone"),
                       _text(c.get("email"), "contact.email"))
        return self._check(_add_reference(self._ptr, byref(r)))

    def add_figure(self, label, value, unit=None):
        """value: a number (shown in the proposal's language) or a str shown as it is."""
        if isinstance(value, str):
            f = _Figure(ctypes.sizeof(_Figure), 0, _text(label, "label"), 0.0,
                        _text(unit, "unit"), _text(value, "value"))
        elif isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            f = _Figure(ctypes.sizeof(_Figure), 0, _text(label, "label"), float(value),
                        _text(unit, "unit"), None)
        else:
            raise TypeError("figure value must be a number or a str")
        return self._check(_add_figure(self._ptr, byref(f)))

    def set_cash_flows(self, rate=None, values=None, period="year", investment="given"):
        """Projected cash flows (major units, values[0] at t = 0) at the discount rate per
        period (default 0, as in Lua); no values (set_cash_flows()) clears them. period:
        'year', 'quarter' or 'month'. investment 'auto': values are the savings of periods
        1..n and the investment comes from the price (KAM_INVESTMENT_AUTO)."""
        if values is None:
            return self._check(_set_cash_flows(self._ptr, None))
        if period not in _PERIODS:
            raise error(KAM_EINVAL, "period must be year, quarter or month, not %r" % (period,))
        if investment not in _INVESTMENT:
            raise error(KAM_EINVAL, "investment must be 'given' or 'auto', not %r" % (investment,))
        vals = [float(v) for v in values]
        arr = (c_double * max(len(vals), 1))(*vals)
        rate = 0.0 if rate is None else float(rate)
        cf = _CashFlows(ctypes.sizeof(_CashFlows), _PERIODS[period], rate,
                        ctypes.cast(arr, POINTER(c_double)), len(vals), _INVESTMENT[investment],
                        0)
        return self._check(_set_cash_flows(self._ptr, byref(cf)))

    def add_item(self, description, quantity=None, unit_price=0, sku=None, unit=None,
                 discount_percent=None, vat_percent=None, optional=False, section=None,
                 cost=None, period="once"):
        """A price line. unit_price: Decimal or str in major units ("1000.00"), or int minor
        units (100000); floats are refused. quantity and percents: str, int, Decimal or float
        (by its shortest repr). cost: the seller's unit cost, Decimal or str in major units
        (never rendered; the check's margin_below_floor uses it). unit: str, or the item's own
        forms as a dict with "one", "few", "many". period: 'once', 'month', 'quarter' or
        'year'."""
        it = _Item()
        it.struct_size = ctypes.sizeof(_Item)
        it.flags = 1 if optional else 0
        it.sku = _text(sku, "sku")
        it.description = _text(description, "description")
        if period not in _RECUR:
            raise error(KAM_EINVAL, "period must be once, month, quarter or year, not %r"
                        % (period,))
        it.period = _RECUR[period]
        if isinstance(unit, dict):
            extra = set(unit) - {"one", "few", "many"}
            if extra:
                raise error(KAM_EINVAL, "unit forms are one, few, many, not %s"
                            % ", ".join(sorted(map(str, extra))))
            it.unit_one = _text(unit.get("one"), "unit.one")
            it.unit_few = _text(unit.get("few"), "unit.few")
            it.unit_many = _text(unit.get("many"), "unit.many")
        else:
            it.unit = _text(unit, "unit")
        it.quantity = _decimal_text(quantity, "quantity")
        if isinstance(unit_price, int) and not isinstance(unit_price, bool):
            if not -2**63 <= unit_price < 2**63:
                raise error(KAM_EOVERFLOW, "unit_price %d does not fit int64 minor units" % unit_price)
            it.unit_price = unit_price
        else:
            it.unit_price_text = _decimal_text(unit_price, "unit_price", allow_float=False)
        it.discount_percent = _decimal_text(discount_percent, "discount_percent")
        it.vat_percent = _decimal_text(vat_percent, "vat_percent")
        it.section = _text(section, "section")
        if cost is not None:
            # major units only, as the JSON document's "cost" (an int would be ambiguous with
            # unit_price's minor units; Lua refuses numbers likewise)
            if not isinstance(cost, (str, decimal.Decimal)):
                raise TypeError("cost must be a Decimal or a str in major units, not %s"
                                % type(cost).__name__)
            it.cost = _decimal_text(cost, "cost", allow_float=False)
        return self._check(_add_item(self._ptr, byref(it)))

    # ---- identity and decision criteria (issue 15) ------------------------------------------

    def set_number(self, number, version=None):
        """The document's number and version (None clears)."""
        return self._check(_set_number(self._ptr, _text(number, "number"),
                                       _text(version, "version")))

    def set_addressee(self, stakeholder=None, name=None, position=None):
        """The addressee: a stakeholder's name, or an explicit name and position."""
        return self._check(_set_addressee(self._ptr, _text(stakeholder, "addressee"),
                                          _text(name, "addressee.name"),
                                          _text(position, "addressee.position")))

    def set_signatory(self, name, position=None):
        """Who signs the proposal (None clears)."""
        return self._check(_set_signatory(self._ptr, _text(name, "signatory.name"),
                                          _text(position, "signatory.position")))

    def add_criterion(self, name, weight=0, stakeholder=None, arguments=()):
        """A decision criterion: weight 0..1, whose it is, and the indexes (from 0) of the
        arguments that answer it."""
        idx = list(arguments)
        for i in idx:
            if isinstance(i, bool) or not isinstance(i, int) or i < 0:
                raise error(KAM_EINVAL, "arguments: indexes are ints from 0, not %r" % (i,))
        arr = (c_size_t * max(len(idx), 1))(*idx)
        if isinstance(weight, bool) or not isinstance(weight, (int, float, decimal.Decimal)):
            raise TypeError("weight must be a number")
        c = _Criterion(ctypes.sizeof(_Criterion), 0, _text(name, "name"), float(weight),
                       _text(stakeholder, "stakeholder"), ctypes.cast(arr, POINTER(c_size_t)),
                       len(idx))
        return self._check(_add_criterion(self._ptr, byref(c)))

    def add_alternative(self, name, points=None):
        """An alternative to our offer: points maps criterion names to its text."""
        pts = points or {}
        if not isinstance(pts, dict):
            raise TypeError("points must be a dict")
        keys = [_text(k, "points") for k in pts]
        vals = [_text(v, "points") for v in pts.values()]
        ka = (c_char_p * max(len(keys), 1))(*keys)
        va = (c_char_p * max(len(vals), 1))(*vals)
        a = _Alternative(ctypes.sizeof(_Alternative), 0, _text(name, "name"),
                         ctypes.cast(ka, POINTER(c_char_p)), ctypes.cast(va, POINTER(c_char_p)),
                         len(keys))
        return self._check(_add_alternative(self._ptr, byref(a)))

    def set_term_months(self, months):
        """The contract term in months, 1..1200 (0 or None clears it: 12 months are used)."""
        months = 0 if months is None else months
        if not isinstance(months, int) or isinstance(months, bool) or not -2**31 <= months < 2**31:
            raise error(KAM_EINVAL, "term_months must be an int, not %r" % (months,))
        return self._check(_set_term_months(self._ptr, months))

    def add_payment(self, label, percent=None, amount=None, due=None, days=None):
        """A payment of the schedule: a share (percent: str, int, Decimal) of the amount to pay
        or a fixed amount (Decimal or str in major units), due on a date (datetime.date or
        "YYYY-MM-DD") or some days after signing."""
        pay = _Payment()
        pay.struct_size = ctypes.sizeof(_Payment)
        pay.label = _text(label, "label")
        pay.percent = _decimal_text(percent, "percent")
        pay.amount = _decimal_text(amount, "amount", allow_float=False)
        if due is not None and days is not None:
            raise error(KAM_EINVAL, "give due or days, not both")
        if due is not None:
            pay.due_kind, pay.due = 1, date_to_days(due)
        elif days is not None:
            if not isinstance(days, int) or isinstance(days, bool) or not -2**31 <= days < 2**31:
                raise error(KAM_EINVAL, "days must be an int, not %r" % (days,))
            pay.due_kind, pay.days = 2, days
        return self._check(_add_payment(self._ptr, byref(pay)))

    def add_team_member(self, name, position=None, phone=None, email=None):
        m = _Person(ctypes.sizeof(_Person), 0, _text(name, "name"), _text(position, "position"),
                    _text(phone, "phone"), _text(email, "email"))
        return self._check(_add_team_member(self._ptr, byref(m)))

    def add_stakeholder(self, name, title=None, role=None, email=None, phone=None,
                        influence=None, attitude=0, buying_roles=(), traits=None):
        """A stakeholder, with the arguments and conversions of DMU.add: role a name of
        kam.ROLES or a number (None: read from the title); buying_roles names of
        kam.BUYER_ROLES, an 'economic;coach' string or KAM_BUYER_* bits; traits a dict with
        dominance, people, detail or 3 values (0..1); influence 0..1 (None: unknown); attitude
        -5..+5. The library checks the ranges; its message names the field."""
        s = _stakeholder(name, title, role, influence, attitude, buying_roles, traits, email,
                         phone)
        return self._check(_add_stakeholder(self._ptr, byref(s)))

    def set_dmu(self, dmu):
        """Orders the argument blocks by this kam.DMU's emphasis instead of the stakeholders
        (None: back to the stakeholders). The proposal keeps a reference to it."""
        from .dmu import DMU
        if dmu is not None and not isinstance(dmu, DMU):
            raise TypeError("set_dmu expects a kam.DMU, not %s" % type(dmu).__name__)
        self._check(_set_dmu(self._ptr, None if dmu is None else dmu._ptr))
        self._let_go_of_dmu()
        if dmu is not None:  # C borrows the DMU: its memory stays while we use it
            self._dmu = dmu
            self._dmu_owner = dmu._owner.use()
        return self

    def _let_go_of_dmu(self):
        if self._dmu is not None:
            self._dmu = None
            self._dmu_owner.leave()
            self._dmu_owner = None

    def clear(self, part):
        """Resets a part (a key of kam.PROPOSAL_PARTS) to its state in a new proposal."""
        if part not in PROPOSAL_PARTS:
            raise error(KAM_EINVAL, "unknown part %r" % (part,))
        self._check(_clear(self._ptr, PROPOSAL_PARTS[part]))
        if part == "dmu":
            self._let_go_of_dmu()
        return self

    def count(self, part):
        """Entries in a list part; 1 or 0 for the others (set or not)."""
        if part not in PROPOSAL_PARTS:
            raise error(KAM_EINVAL, "unknown part %r" % (part,))
        return _count(self._ptr, PROPOSAL_PARTS[part])

    def validate(self):
        """Raises kam.IncompleteState naming every missing part, unless complete."""
        return self._check(_validate(self._ptr))

    @property
    def complete(self):
        return _validate(self._ptr) == 0

    def check(self, as_of=None, discount_ceiling=None, margin_floor=None):
        """The pre-send check (kam_proposal_check): a list of dicts {"code", "severity",
        "path", "message"} in the order reported. as_of: the day it is sent (datetime.date,
        "YYYY-MM-DD" or days) for "expired"; discount_ceiling and margin_floor in percent."""
        o = _CheckOptions()
        _check_options_init(byref(o), ctypes.sizeof(_CheckOptions))
        if as_of is not None:
            o.as_of = date_to_days(as_of)
            o.flags |= 1  # KAM_CHECK_AS_OF
        for name, v in (("discount_ceiling", discount_ceiling), ("margin_floor", margin_floor)):
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float, decimal.Decimal)):
                raise TypeError("%s must be a number" % name)
            setattr(o, name, float(v))
        return _collect_findings(lambda cb: _check(self._ptr, byref(o), cb, None), self._check)

    # ---- results ---------------------------------------------------------------------------

    def totals(self):
        """dict of decimal.Decimal in major units: gross, discount, net, vat, total,
        optional_total."""
        t = _Totals()
        t.struct_size = ctypes.sizeof(_Totals)
        self._check(_totals(byref(t), self._ptr))
        scale = self._scale()
        out = {name: (decimal.Decimal(getattr(t, name)) * scale).quantize(scale)
               for name in ("gross", "discount", "net", "vat", "total", "optional_total",
                            "first_year", "contract_value")}
        out["term_months"], out["years"] = t.term_months, t.years
        return out

    def _scale(self):
        digits = _currency_digits(self.to_dict()["currency"].encode("ascii"))
        return decimal.Decimal(1).scaleb(-digits)

    def year_cost(self, year):
        """Contract year `year` (1-based): dict with year, months and net, vat, total
        (decimal.Decimal, major units). Raises kam.NotFound past the term."""
        if not isinstance(year, int) or isinstance(year, bool) or not 0 <= year < 2**32:
            raise error(KAM_EINVAL, "year must be an int >= 1, not %r" % (year,))
        c = _YearCost()
        c.struct_size = ctypes.sizeof(_YearCost)
        self._check(_year_cost(byref(c), self._ptr, year))
        scale = self._scale()
        out = {"year": c.year, "months": c.months}
        out.update({k: (decimal.Decimal(getattr(c, k)) * scale).quantize(scale)
                    for k in ("net", "vat", "total")})
        return out

    def year_costs(self):
        """Every contract year's year_cost, in order."""
        return [self.year_cost(y) for y in range(1, self.totals()["years"] + 1)]

    def payment(self, index):
        """Payment `index` (0-based) of the schedule as computed: dict with label, percent
        (Decimal or None), fixed_amount (Decimal or None), amount (what is paid, Decimal),
        due (datetime.date or None) and days (int or None)."""
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise error(KAM_EINVAL, "index must be an int >= 0, not %r" % (index,))
        r = _Payment()
        r.struct_size = ctypes.sizeof(_Payment)
        self._check(_payment(byref(r), self._ptr, index))
        scale = self._scale()
        return {"label": r.label.decode("utf-8"),
                "percent": decimal.Decimal(r.percent.decode("ascii")) if r.percent else None,
                "fixed_amount": decimal.Decimal(r.amount.decode("ascii")) if r.amount else None,
                "amount": (decimal.Decimal(r.amount_minor) * scale).quantize(scale),
                "due": _EPOCH + datetime.timedelta(days=r.due) if r.due_kind == 1 else None,
                "days": r.days if r.due_kind == 2 else None}

    def payments(self):
        """The whole schedule: [payment(i) for each payment]."""
        return [self.payment(i) for i in range(self.count("payments"))]

    def model(self):
        """The assembled document model (kam_proposal_to_value) as Python data."""
        from .value import _take_value
        return _take_value(_to_value, self._ptr, self._check)

    def render(self, fmt="html"):
        """The proposal rendered with the built-in template: 'html', 'markdown' (or 'md'),
        'text' (or 'txt') or 'json' (the model). Returns str."""
        if fmt not in PROPOSAL_FORMATS:
            raise error(KAM_EINVAL, "format must be one of html, markdown, text, json, not %r"
                        % (fmt,))
        out = Collector()
        self._check(_render(self._ptr, PROPOSAL_FORMATS[fmt], out.cb, None))
        return out.text()

    def render_template(self, template):
        """Renders a user's Mustache template (str, bytes or kam.Template) over the model."""
        from .template import Template
        t = template if isinstance(template, Template) else Template(template)
        out = Collector()
        self._check(_render_template(self._ptr, t._ptr, out.cb, None))
        return out.text()

    def __repr__(self):
        if self._closed:
            return "<kam.Proposal (closed)>"
        return "<kam.Proposal %d items%s>" % (self.count("items"),
                                              "" if self.complete else ", incomplete")

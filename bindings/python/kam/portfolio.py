"""Portfolio and segmentation (kam/portfolio.h, kam/io.h): ABC/XYZ, the 10 % key-customer test,
scores, and CSV/JSON/SVG reports.

Money is exact. ``revenue`` (and ``history``) are given either as an ``int`` of minor units
(kopecks, cents: ``123456`` is 1 234.56) or as major units in a ``decimal.Decimal`` or ``str``
(``Decimal("1234.56")``, ``"1234.56"``), converted exactly with 2 minor digits; more than 2
decimals raises kam.InvalidArgument. Floats are refused (TypeError): money is never binary
floating point. ``forecast`` values are projections (cash flows in minor units) and may be any
finite numbers.

    >>> p = kam.Portfolio()
    >>> p.add("acme", "1500000.00", name="ACME", group="Holding", strategic=True)
    >>> p.add_columns(numpy_int64_revenues)        # ids "1", "2", ...: their insertion index
    >>> s = p.segment(a_share=0.8, b_share=0.95)
    >>> s.summary["count"]["A"], s.classes[:5], s[0]["abc"], next(iter(s))["rank"]
"""
import ctypes
import decimal
import math
import numbers
import os

from ._native import (fn, check, error, Collector, Reader, Owner, Closable, text as _text,
                      text_len, c_int, c_uint32, c_int64, c_double, c_size_t, c_char_p, c_void_p,
                      POINTER, byref, KAM_OK, KAM_EINVAL, KAM_EOVERFLOW)

__all__ = ["Portfolio", "Segmentation", "KEY_REASONS", "key_reason_name", "HEALTH_REASONS",
           "health_reason_name", "health_light_name"]

_key_reason_name = fn("kam_key_reason_name", c_char_p, c_uint32)
KEY_REASONS = tuple(_key_reason_name(1 << i).decode() for i in range(4))
_health_reason_name = fn("kam_health_reason_name", c_char_p, c_uint32)
HEALTH_REASONS = tuple(_health_reason_name(1 << i).decode() for i in range(5))
_health_light_name = fn("kam_health_light_name", c_char_p, c_int)


def _lib_name(c_name, value, low, high, what):
    """The name the library's c_name function gives value (low <= value < high), or
    InvalidArgument saying that value is not `what`."""
    name = c_name(int(value)) if low <= int(value) < high else None
    if name is None:
        raise error(KAM_EINVAL, "%r is not %s" % (value, what))
    return name.decode()


def key_reason_name(flag):
    """The name of one KAM_KEY_* flag (1 -> 'share', 2 -> 'group_share', 4 -> 'strategic',
    8 -> 'top_score')."""
    return _lib_name(_key_reason_name, flag, 0, 2**32, "a single key reason flag")
_STRATEGIC, _NEW, _MARGIN = 1, 2, 4
_MARGIN_UNKNOWN = -2**63
_BASES = {"revenue": 0, "margin": 1}
_UNITS = {"account": 0, "group": 1}


def health_reason_name(flag):
    """The name of one KAM_HEALTH_* flag (1 -> 'trend', 2 -> 'volatility', 4 -> 'retention',
    8 -> 'margin', 16 -> 'relationship')."""
    return _lib_name(_health_reason_name, flag, 0, 2**32, "a single health reason flag")


def health_light_name(light):
    """The name of a health light: 'G' -> 'green', 'Y' -> 'yellow', 'R' -> 'red' (a one-letter
    str or its code)."""
    code = ord(light) if isinstance(light, str) and len(light) == 1 else light
    if isinstance(code, bool) or not isinstance(code, numbers.Integral):
        raise error(KAM_EINVAL, "%r is not a health light" % (light,))
    return _lib_name(_health_light_name, code, 0, 256, "a health light ('G', 'Y' or 'R')")


_RELATIONSHIP, _SEGMENT_RETENTION = 8, 1
_ORDER_INSERTION, _ORDER_RANK = 0, 1


class _Account(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32), ("id", c_char_p),
                ("name", c_char_p), ("group", c_char_p), ("revenue", c_int64),
                ("history", POINTER(c_int64)), ("history_len", c_size_t),
                ("forecast", POINTER(c_double)), ("forecast_len", c_size_t),
                ("potential", c_double), ("margin", c_int64), ("relationship", c_double)]


_OPTION_NAMES = ("a_share", "b_share", "key_share", "xyz_x", "xyz_y", "discount_rate", "w_share",
                 "w_npv", "w_trend", "w_potential", "w_strategic")


class _Options(ctypes.Structure):
    _fields_ = ([("struct_size", c_uint32), ("flags", c_uint32)] +
                [(name, c_double) for name in _OPTION_NAMES] + [("key_top_n", c_size_t)] +
                [("basis", c_uint32), ("unit", c_uint32), ("w_margin", c_double)] +
                [("retention_window", c_size_t), ("retention_threshold", c_double)])


class _Score(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("key_reasons", c_uint32), ("abc", ctypes.c_char),
                ("xyz", ctypes.c_char), ("index", c_size_t), ("rank", c_size_t),
                ("id", c_char_p), ("revenue", c_int64), ("share", c_double),
                ("cum_share", c_double), ("cv", c_double), ("trend", c_double),
                ("npv", c_double), ("score", c_double), ("name", c_char_p), ("group", c_char_p),
                ("margin", c_int64), ("has_margin", c_uint32), ("unprofitable", c_uint32),
                ("customer_rank", c_size_t),
                ("status", c_int), ("relationship", c_double), ("health", c_double),
                ("light", ctypes.c_char), ("health_reasons", c_uint32)]


class _Summary(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("accounts", c_size_t),
                ("key_accounts", c_size_t), ("count", c_size_t * 3), ("revenue", c_int64 * 3),
                ("total_revenue", c_int64), ("hhi", c_double), ("effective_accounts", c_double),
                ("gini", c_double), ("top20_share", c_double), ("basis", c_uint32),
                ("unit", c_uint32), ("customers", c_size_t), ("key_revenue_share", c_double),
                ("basis_total", c_int64), ("total_margin", c_int64),
                ("margin_accounts", c_size_t), ("margin_pct", c_double * 3),
                ("unprofitable", c_size_t), ("unprofitable_revenue", c_int64),
                ("key_unprofitable", c_size_t), ("red_accounts", c_size_t),
                ("revenue_at_risk", c_int64)]


class _Customer(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("key_reasons", c_uint32), ("abc", ctypes.c_char),
                ("rank", c_size_t), ("first_index", c_size_t), ("members", c_size_t),
                ("name", c_char_p), ("is_group", c_uint32), ("has_margin", c_uint32),
                ("revenue", c_int64), ("margin", c_int64), ("share", c_double)]


class _CsvOptions(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32), ("delimiter", ctypes.c_char),
                ("decimal_mark", ctypes.c_char), ("currency_digits", ctypes.c_uint8)]


_SCORE_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_Score))
_CUSTOMER_FN = ctypes.CFUNCTYPE(c_int, c_void_p, POINTER(_Customer))
from ._native import READ_FN, WRITE_FN  # noqa: E402
from .retention import retention as _retention, _status_name as _status_c  # noqa: E402


def _retention_status_name(status):
    return _status_c(status).decode()

_p_new = fn("kam_portfolio_new", c_int, POINTER(c_void_p), c_void_p)
_p_free = fn("kam_portfolio_free", None, c_void_p)
_p_count = fn("kam_portfolio_count", c_size_t, c_void_p)
_p_add = fn("kam_portfolio_add", c_int, c_void_p, POINTER(_Account))
_p_add_columns = fn("kam_portfolio_add_columns", c_int, c_void_p, c_size_t, POINTER(c_char_p),
                    POINTER(c_int64))
_p_add_columns_margin = fn("kam_portfolio_add_columns_margin", c_int, c_void_p, c_size_t,
                           POINTER(c_char_p), POINTER(c_int64), POINTER(c_int64))
_opts_init = fn("kam_segment_options_init", None, POINTER(_Options), c_size_t)
_segment = fn("kam_segment", c_int, POINTER(c_void_p), c_void_p, POINTER(_Options))
_s_free = fn("kam_segmentation_free", None, c_void_p)
_s_summary = fn("kam_segmentation_summary", c_int, POINTER(_Summary), c_void_p)
_s_get = fn("kam_segmentation_get", c_int, POINTER(_Score), c_void_p, c_size_t)
_s_get_by_rank = fn("kam_segmentation_get_by_rank", c_int, POINTER(_Score), c_void_p, c_size_t)
_s_classes = fn("kam_segmentation_classes", c_int, c_void_p, c_size_t, c_void_p)
_s_foreach = fn("kam_segmentation_foreach", c_int, c_void_p, c_int, _SCORE_FN, c_void_p)
_s_customers = fn("kam_segmentation_customers", c_int, c_void_p, _CUSTOMER_FN, c_void_p)


def _io(name, *argtypes):
    """io.h functions are written by the CSV/report module; look them up lazily so that this
    module still imports against a library built without them."""
    cache = {}

    def call(*args):
        if "f" not in cache:
            cache["f"] = fn(name, c_int, *argtypes)
        return cache["f"](*args)
    return call


_csv_options_init = fn("kam_csv_options_init", None, POINTER(_CsvOptions), c_size_t)
_read_csv = _io("kam_portfolio_read_csv", c_void_p, READ_FN, c_void_p, POINTER(_CsvOptions))
_write_csv = _io("kam_segmentation_write_csv", c_void_p, WRITE_FN, c_void_p, POINTER(_CsvOptions))
_write_json = _io("kam_segmentation_write_json", c_void_p, WRITE_FN, c_void_p)
_write_svg = _io("kam_segmentation_write_svg", c_void_p, WRITE_FN, c_void_p)

_INT64_MIN, _INT64_MAX = -2**63, 2**63 - 1
_money_parse = fn("kam_money_parse", c_int, POINTER(c_int64), c_char_p, c_size_t, c_char_p)


def _minor(amount, what):
    """int minor units, or Decimal/str major units with 2 digits -> int minor units, exactly
    (read by the library's kam_money_parse)."""
    if isinstance(amount, bool):
        raise TypeError("%s must be int minor units or Decimal/str major units, not bool" % what)
    if isinstance(amount, numbers.Integral):
        value = int(amount)
    elif isinstance(amount, (decimal.Decimal, str)):
        if isinstance(amount, decimal.Decimal):
            if not amount.is_finite():
                raise error(KAM_EINVAL, "%s %r is not a finite amount" % (what, amount))
            text = format(amount, "f")
        else:
            text = amount.strip()
        raw = text.encode("utf-8")
        out = c_int64()
        # Any currency with 2 minor digits gives the portfolio's.
        rc = _money_parse(byref(out), raw, len(raw), b"RUB")
        if rc == KAM_EOVERFLOW:
            raise error(KAM_EINVAL, "%s %r does not fit int64 minor units" % (what, amount))
        if rc != KAM_OK:
            raise error(KAM_EINVAL, "%s %r is not a decimal amount or has more than 2 decimals"
                        % (what, amount))
        value = out.value
    else:
        raise TypeError("%s must be int minor units or Decimal/str major units, not %s"
                        % (what, type(amount).__name__))
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise error(KAM_EINVAL, "%s %r does not fit int64 minor units" % (what, amount))
    return value


def _margin(amount):
    value = _minor(amount, "margin")
    if value == _MARGIN_UNKNOWN:
        raise error(KAM_EINVAL, "margin %r is out of range (it is the unknown mark)" % amount)
    return value


def _decode(b):
    return None if b is None else b.decode("utf-8", "replace")


def _numpy():
    try:
        import numpy
        return numpy
    except ImportError:
        return None


def _revenue_column(revenue, what="revenue"):
    """(n, int64 *, the object keeping the memory alive) for a revenue column: a numpy integer
    array (no copy when C-contiguous int64) or a sequence of ints / Decimal / str amounts. For
    the margin column (what "margin") None items mean unknown."""
    np = _numpy()
    if np is not None and isinstance(revenue, np.ndarray):
        if revenue.dtype.kind not in "iu":
            raise TypeError("%s array must hold integers (minor units), not %s"
                            % (what, revenue.dtype))
        arr = np.ascontiguousarray(revenue, dtype=np.int64)
        if revenue.dtype.kind == "u" and revenue.size and revenue.max() > _INT64_MAX:
            raise error(KAM_EINVAL, "%s values must fit int64" % what)
        return arr.size, arr.ctypes.data_as(POINTER(c_int64)), arr
    if what == "margin":
        vals = [_MARGIN_UNKNOWN if v is None else _margin(v) for v in revenue]
    else:
        vals = [_minor(v, what) for v in revenue]
    keep = (c_int64 * max(len(vals), 1))(*vals)
    return len(vals), ctypes.cast(keep, POINTER(c_int64)), keep


def _segment_options(options):
    """The kam_segment_options for segment(**options)."""
    o = _Options()
    _opts_init(byref(o), ctypes.sizeof(_Options))
    o.flags |= _SEGMENT_RETENTION  # the bindings' default: statuses and their part in health
    for key, value in options.items():
        if key in _OPTION_NAMES:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError("%s must be a number" % key)
            setattr(o, key, float(value))
        elif key == "w_margin":
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError("w_margin must be a number")
            o.w_margin = float(value)
        elif key == "basis":
            if value not in _BASES:
                raise error(KAM_EINVAL, "basis must be 'revenue' or 'margin', not %r" % (value,))
            o.basis = _BASES[value]
        elif key == "unit":
            if value not in _UNITS:
                raise error(KAM_EINVAL, "unit must be 'account' or 'group', not %r" % (value,))
            o.unit = _UNITS[value]
        elif key == "retention":
            o.flags = (o.flags | _SEGMENT_RETENTION) if value else (o.flags & ~_SEGMENT_RETENTION)
        elif key == "retention_window":
            if value is not None and (isinstance(value, bool) or
                                      not isinstance(value, numbers.Integral) or value < 1):
                raise TypeError("retention_window must be an int >= 1 or None")
            o.retention_window = 0 if value is None else int(value)
        elif key == "retention_threshold":
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError("retention_threshold must be a number")
            o.retention_threshold = float(value)
        elif key == "key_top_n":
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise TypeError("key_top_n must be an int >= 0")
            o.key_top_n = int(value)
        else:
            raise TypeError("unknown segment option %r" % key)
    return o


def _summary_dict(sm):
    """Segmentation.summary's dict of a kam_summary."""
    return {"accounts": sm.accounts, "key_accounts": sm.key_accounts,
            "count": dict(zip("ABC", sm.count)), "revenue": dict(zip("ABC", sm.revenue)),
            "total_revenue": sm.total_revenue, "hhi": sm.hhi,
            "effective_accounts": sm.effective_accounts, "gini": sm.gini,
            "top20_share": sm.top20_share,
            "basis": {v: k for k, v in _BASES.items()}.get(sm.basis, str(sm.basis)),
            "unit": {v: k for k, v in _UNITS.items()}.get(sm.unit, str(sm.unit)),
            "customers": sm.customers, "key_revenue_share": sm.key_revenue_share,
            "basis_total": sm.basis_total, "total_margin": sm.total_margin,
            "margin_accounts": sm.margin_accounts,
            "margin_pct": {k: None if math.isnan(v) else v for k, v in zip("ABC", sm.margin_pct)},
            "unprofitable": sm.unprofitable, "unprofitable_revenue": sm.unprofitable_revenue,
            "key_unprofitable": sm.key_unprofitable, "red_accounts": sm.red_accounts,
            "revenue_at_risk": sm.revenue_at_risk}


def _csv_options(options, allowed=("delimiter", "decimal_mark", "currency_digits")):
    o = _CsvOptions()
    _csv_options_init(ctypes.byref(o), ctypes.sizeof(_CsvOptions))  # the library's defaults
    for key, value in options.items():
        if key not in allowed:
            raise TypeError("unknown CSV option %r (known: %s)" % (key, ", ".join(allowed)))
        if key in ("delimiter", "decimal_mark"):
            if value is None:
                continue
            if not isinstance(value, str) or len(value) != 1 or ord(value) > 127:
                raise error(KAM_EINVAL, "%s must be one ASCII character, not %r" % (key, value))
            setattr(o, key, value.encode("ascii"))
        elif key == "currency_digits":
            if not isinstance(value, numbers.Integral) or not 0 <= value <= 255:
                raise error(KAM_EINVAL, "currency_digits must be an int from 0 to 18")
            o.currency_digits = int(value)
        elif key == "formula_guard":
            if not value:
                o.flags |= 1
    return o


class Portfolio(Closable):
    """Customer accounts (kam_portfolio). len(p) is the number of accounts. threads: the most
    threads add_columns, segment and Segmentation.classes may use (kam_ctx_set_threads)."""

    _what = "portfolio"

    def __init__(self, threads=1):
        self._owner = Owner()
        self._handle = self._owner.hold(_p_free)
        check(_p_new(byref(self._handle), self._owner.ptr), self._owner)
        if threads != 1:
            self.set_threads(threads)

    def set_threads(self, threads):
        """The most threads (1..64) the calls on this portfolio and its segmentations may use
        for large columns (kam_ctx_set_threads; results do not depend on it). Returns the
        portfolio, as in Lua."""
        self._ptr  # a closed portfolio raises
        self._owner.set_threads(threads)
        return self


    def __len__(self):
        return _p_count(self._ptr)

    def __repr__(self):
        if self._closed:
            return "<kam.Portfolio (closed)>"
        return "<kam.Portfolio of %d accounts>" % len(self)

    def add(self, id, revenue, name=None, group=None, history=None, forecast=None,
            potential=None, strategic=False, new=False, margin=None, relationship=None):
        """Adds one account. revenue, margin (gross margin, may be negative; None = unknown)
        and history: int minor units or Decimal/str major units;
        forecast: projected cash flows (numbers); potential and relationship (the relationship
        score, an input of the account's health): 0..1 or None (unknown).
        Raises kam.AlreadyExists for a taken id, kam.InvalidArgument for bad values; the
        portfolio is unchanged then."""
        a = _Account()
        a.struct_size = ctypes.sizeof(_Account)
        a.flags = (_STRATEGIC if strategic else 0) | (_NEW if new else 0)
        id_b = _text(id, "id")
        if id_b is None:
            raise TypeError("id is required")
        a.id, a.name, a.group = id_b, _text(name, "name"), _text(group, "group")
        a.revenue = _minor(revenue, "revenue")
        if margin is not None:
            a.margin = _margin(margin)
            a.flags |= _MARGIN
        keep = []
        if history is not None:
            h = [_minor(v, "history value") for v in history]
            arr = (c_int64 * max(len(h), 1))(*h)
            keep.append(arr)
            a.history, a.history_len = ctypes.cast(arr, POINTER(c_int64)), len(h)
        if forecast is not None:
            f = []
            for v in forecast:
                if isinstance(v, (decimal.Decimal, str)):
                    v = _minor(v, "forecast value")
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    raise TypeError("forecast values must be numbers, not %s" % type(v).__name__)
                f.append(float(v))
            arr = (c_double * max(len(f), 1))(*f)
            keep.append(arr)
            a.forecast, a.forecast_len = ctypes.cast(arr, POINTER(c_double)), len(f)
        if potential is None:
            a.potential = math.nan
        else:
            if isinstance(potential, bool) or not isinstance(potential, numbers.Real):
                raise TypeError("potential must be a number from 0 to 1 or None")
            a.potential = float(potential)
        if relationship is not None:
            if isinstance(relationship, bool) or not isinstance(relationship, numbers.Real):
                raise TypeError("relationship must be a number from 0 to 1 or None")
            a.flags |= _RELATIONSHIP
            a.relationship = float(relationship)
        check(_p_add(self._ptr, byref(a)), self._owner)

    def add_columns(self, revenue, ids=None, margin=None):
        """Adds many accounts at once: revenue is a numpy int64 array (used without a copy when
        it is C-contiguous int64) or a sequence of ints (minor units); ids a sequence of str,
        or None for generated ids (each account's insertion index in decimal); margin None or
        a column like revenue of gross margins (may be negative; in a sequence None, in an
        array -2**63, means unknown): kam_portfolio_add_columns_margin. All or nothing."""
        n, ptr, keep = _revenue_column(revenue)
        id_arr = None
        if ids is not None:
            texts = [_text(i, "id") for i in ids]
            if len(texts) != n:
                raise error(KAM_EINVAL, "add_columns: %d ids for %d revenues" % (len(texts), n))
            id_arr = (c_char_p * max(n, 1))(*texts)
        if margin is None:
            check(_p_add_columns(self._ptr, n, id_arr, ptr), self._owner)
        else:
            mn, mptr, mkeep = _revenue_column(margin, "margin")
            if mn != n:
                raise error(KAM_EINVAL, "add_columns: %d margins for %d revenues" % (mn, n))
            check(_p_add_columns_margin(self._ptr, n, id_arr, ptr, mptr), self._owner)
            del mkeep
        del keep

    def count(self):
        """The number of accounts (kam_portfolio_count), as len(p)."""
        return len(self)

    @classmethod
    def read_csv(cls, path, **csv_options):
        """A new Portfolio from a CSV file (kam_portfolio_read_csv): path is a str, bytes or
        os.PathLike path, or an open binary or text file object. CSV text held in memory goes
        to parse_csv. Options: delimiter, decimal_mark (one character, default: detect),
        currency_digits (default 2). Errors name the line and column."""
        p = cls()
        p.read_csv_into(path, **csv_options)
        return p

    @classmethod
    def parse_csv(cls, text, **csv_options):
        """A new Portfolio from CSV text held in memory (str or bytes); options as read_csv."""
        p = cls()
        p.parse_csv_into(text, **csv_options)
        return p

    def read_csv_into(self, path, **csv_options):
        """Adds the accounts of a CSV file (path or open file object) to this portfolio (all
        or nothing)."""
        o = _csv_options(csv_options)
        if isinstance(path, (str, bytes, os.PathLike)):
            with open(path, "rb") as f:
                return self._read(f, o)
        if not hasattr(path, "read"):
            raise TypeError("read_csv: a path or a file object expected, not %s (CSV text goes "
                            "to parse_csv)" % type(path).__name__)
        return self._read(path, o)

    def parse_csv_into(self, text, **csv_options):
        """Adds the accounts of CSV text (str or bytes) to this portfolio (all or nothing)."""
        o = _csv_options(csv_options)
        if not isinstance(text, (str, bytes, bytearray, memoryview)):
            raise TypeError("parse_csv: CSV text (str or bytes) expected, not %s (a path goes "
                            "to read_csv)" % type(text).__name__)
        return self._read(text_len(text)[0], o)

    def _read(self, f, o):
        reader = Reader(f)
        rc = _read_csv(self._ptr, reader.cb, None, byref(o))
        reader.reraise()
        check(rc, self._owner)

    retention = _retention  # kam/retention.h: see kam.retention.retention

    def segment(self, **options):
        """Segments the portfolio (kam_segment). Options: a_share (0.80), b_share (0.95),
        key_share (0.10), xyz_x (0.10), xyz_y (0.25), discount_rate (0.10), w_share (0.40),
        w_npv (0.25), w_trend (0.15), w_potential (0.10), w_strategic (0.10), key_top_n (0),
        basis ("revenue" or "margin"), unit ("account" or "group": a group is one customer),
        w_margin (0: the margin-% score criterion),
        retention (True: each account's retention status, which also counts in its health;
        KAM_SEGMENT_RETENTION), retention_window (None: half the longest history),
        retention_threshold (0.10)."""
        o = _segment_options(options)
        ptr = self._ptr
        handle = self._owner.hold(_s_free)
        try:
            check(_segment(byref(handle), ptr, byref(o)), self._owner)
        except BaseException:
            self._owner.drop(handle)
            raise
        return Segmentation(self, handle)


def _score_dict(sc):
    reasons = [name for bit, name in enumerate(KEY_REASONS) if sc.key_reasons & (1 << bit)]
    health = [name for bit, name in enumerate(HEALTH_REASONS) if sc.health_reasons & (1 << bit)]
    light = _health_light_name(ord(sc.light))
    return {"index": sc.index, "rank": sc.rank, "id": _decode(sc.id), "name": _decode(sc.name),
            "group": _decode(sc.group), "revenue": sc.revenue, "abc": sc.abc.decode("ascii"),
            "xyz": sc.xyz.decode("ascii"), "share": sc.share, "cum_share": sc.cum_share,
            "cv": sc.cv, "trend": sc.trend, "npv": sc.npv, "score": sc.score,
            "key": bool(reasons), "key_reasons": reasons,
            "margin": sc.margin if sc.has_margin else None,
            "unprofitable": bool(sc.unprofitable), "customer_rank": sc.customer_rank,
            "status": _retention_status_name(sc.status) if sc.status >= 0 else None,
            "relationship": sc.relationship, "health": sc.health,
            "light": light.decode() if light else None, "health_reasons": health}


def _customer_dict(c):
    reasons = [name for bit, name in enumerate(KEY_REASONS) if c.key_reasons & (1 << bit)]
    return {"name": _decode(c.name), "members": c.members, "revenue": c.revenue,
            "margin": c.margin if c.has_margin else None, "share": c.share, "rank": c.rank,
            "abc": c.abc.decode("ascii"), "key": bool(reasons), "key_reasons": reasons,
            "group": bool(c.is_group), "first_index": c.first_index}


class Segmentation(Closable):
    """The result of Portfolio.segment (kam_segmentation). len(s) accounts; s[i] is account i
    (insertion order) as a dict; iterating gives the accounts in rank order (largest first)."""

    _what = "segmentation"

    def __init__(self, portfolio, handle):
        # The segmentation borrows the portfolio's data: one owner (the portfolio's) holds both.
        # A closed portfolio stays in memory until its last segmentation goes, as in Lua.
        self._owner = portfolio._owner.use()
        self._handle = handle
        self._n = len(portfolio)

    def _let_go(self):
        self._owner.drop(self._handle)  # freed now, not when the portfolio goes
        self._owner.leave()

    def __del__(self):
        self.close()

    def __len__(self):
        return self._n

    def count(self):
        """The number of accounts, as len(s)."""
        return self._n

    def __repr__(self):
        sm = self.summary
        return "<kam.Segmentation of %d accounts: A %d, B %d, C %d>" % (
            self._n, sm["count"]["A"], sm["count"]["B"], sm["count"]["C"])

    @property
    def summary(self):
        """dict: accounts, key_accounts, count {A, B, C}, revenue {A, B, C} (minor units),
        total_revenue, hhi, effective_accounts, gini, top20_share, basis, unit, customers,
        key_revenue_share, basis_total, total_margin, margin_accounts, margin_pct {A, B, C}
        (None: unknown), unprofitable, unprofitable_revenue, key_unprofitable, red_accounts
        (accounts of red health), revenue_at_risk (their revenue, minor units)."""
        sm = _Summary()
        sm.struct_size = ctypes.sizeof(_Summary)
        check(_s_summary(byref(sm), self._ptr), self._owner)
        return _summary_dict(sm)

    @property
    def classes(self):
        """The class of every account in insertion order: a numpy array of dtype 'S1' when numpy
        is installed (filled in place, no copy), else bytes (b"ABCA...")."""
        np = _numpy()
        if np is not None:
            out = np.empty(self._n, dtype="S1")
            check(_s_classes(out.ctypes.data if self._n else None, self._n, self._ptr), self._owner)
            return out
        buf = ctypes.create_string_buffer(max(self._n, 1))
        check(_s_classes(buf, self._n, self._ptr), self._owner)
        return buf.raw[:self._n]

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError("segmentation index must be an int")
        index = int(index)
        if index < 0:
            index += self._n
        if not 0 <= index < self._n:
            raise IndexError("account index out of range")
        sc = _Score()
        sc.struct_size = ctypes.sizeof(_Score)
        check(_s_get(byref(sc), self._ptr, index), self._owner)
        return _score_dict(sc)

    def get_by_rank(self, rank):
        """The account at 1-based rank (1: the largest), as a dict."""
        if not 1 <= rank <= self._n:
            raise IndexError("rank out of range (1..%d)" % self._n)
        sc = _Score()
        sc.struct_size = ctypes.sizeof(_Score)
        check(_s_get_by_rank(byref(sc), self._ptr, rank), self._owner)
        return _score_dict(sc)

    def get(self, index):
        """Account index (0-based, insertion order) as a dict, as s[index]
        (kam_segmentation_get)."""
        return self[index]

    def __iter__(self):
        return self.each()

    def each(self, order="rank"):
        """An iterator over the accounts in "rank" (largest first) or "insertion" order."""
        if order not in ("rank", "insertion"):
            raise ValueError("order must be 'rank' or 'insertion'")
        for i in range(self._n):
            yield self.get_by_rank(i + 1) if order == "rank" else self[i]

    def foreach(self, callback, order="rank"):
        """Calls callback(dict) for every account, in "rank" or "insertion" order; a callback
        returning a true value stops the walk (as a nonzero return does in C). Returns True
        when every account was visited, False when the callback stopped it. Exceptions
        propagate."""
        if order not in ("rank", "insertion"):
            raise ValueError("order must be 'rank' or 'insertion'")
        state = {"exc": None}

        def cb(ud, sc):
            try:
                return 1 if callback(_score_dict(sc.contents)) else 0
            except BaseException as e:  # must not unwind through C
                state["exc"] = e
                return 2
        c_cb = _SCORE_FN(cb)
        rc = _s_foreach(self._ptr, _ORDER_RANK if order == "rank" else _ORDER_INSERTION, c_cb,
                        None)
        if state["exc"] is not None:
            raise state["exc"]
        if rc in (1, 2):
            return False
        check(rc, self._owner)
        return True

    def customers(self):
        """The customers in rank order (kam_segmentation_customers): a list of dicts with name,
        members, revenue, margin (None: unknown), share, rank, abc, key, key_reasons, group
        (True for a group in unit "group") and first_index."""
        out = []
        state = {"exc": None}

        def cb(ud, c):
            try:
                out.append(_customer_dict(c.contents))
                return 0
            except BaseException as e:  # must not unwind through C
                state["exc"] = e
                return 1
        rc = _s_customers(self._ptr, _CUSTOMER_FN(cb), None)
        if state["exc"] is not None:
            raise state["exc"]
        check(rc, self._owner)
        return out

    def to_csv(self, **csv_options):
        """The segmentation as CSV text (kam_segmentation_write_csv). Options: delimiter,
        decimal_mark, currency_digits, formula_guard (default True)."""
        o = _csv_options(csv_options, ("delimiter", "decimal_mark", "currency_digits",
                                       "formula_guard"))
        col = Collector()
        check(_write_csv(self._ptr, col.cb, None, byref(o)), self._owner)
        return col.text()

    def to_json(self):
        """The segmentation as JSON text (kam_segmentation_write_json)."""
        col = Collector()
        check(_write_json(self._ptr, col.cb, None), self._owner)
        return col.text()

    def pareto_svg(self):
        """A standalone SVG Pareto chart (kam_segmentation_write_svg)."""
        col = Collector()
        check(_write_svg(self._ptr, col.cb, None), self._owner)
        return col.text()

    def to_pandas(self):
        """A pandas DataFrame, one row per account in insertion order (requires pandas): the
        score's columns, with key_reasons and health_reasons as comma-separated names, status
        (retention status or None), relationship, health (NaN: unknown) and light ("red",
        "yellow", "green" or None)."""
        import pandas as pd
        cols = {k: [] for k in ("id", "name", "group", "revenue", "margin", "abc", "xyz", "rank",
                                "share", "cum_share", "cv", "trend", "npv", "score",
                                "key_reasons", "unprofitable", "customer_rank", "status",
                                "relationship", "health", "light", "health_reasons")}

        by_group = self.summary["unit"] == "group"
        cols["customer"] = []

        def add(d):
            for k in cols:
                if k == "customer":
                    v = d["group"] if by_group and d["group"] else (d["name"] or d["id"])
                else:
                    v = d[k]
                cols[k].append(",".join(v) if k in ("key_reasons", "health_reasons") else v)
        self.foreach(add, order="insertion")
        return pd.DataFrame(cols)

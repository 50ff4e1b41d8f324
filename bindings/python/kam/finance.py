"""Finance: NPV, XNPV, IRR, XIRR, MIRR, payback, CLV, ROI (kam/finance.h).

Cash flows are any sequence of numbers or a numpy array; dates are datetime.date objects or ISO
strings "YYYY-MM-DD". Errors raise kam.InvalidArgument or kam.NoSolution (both kam.KamError).
"""
import ctypes
import datetime
import math

from ._native import (fn, check, error, c_int, c_int32, c_double, c_size_t, POINTER, byref,
                      KAM_EINVAL, KAM_ENOSOLUTION, text_len)

__all__ = ["npv", "npv_many", "xnpv", "irr", "xirr", "mirr", "payback", "clv", "clv_finite",
           "roi", "date_to_days", "days_to_date", "date_format", "add_months", "strerror"]

_D = POINTER(c_double)
_npv = fn("kam_npv", c_int, _D, c_double, _D, c_size_t, c_int)
_npv_many = fn("kam_npv_many", c_int, _D, c_double, _D, c_size_t, c_size_t, c_int)
_xnpv = fn("kam_xnpv", c_int, _D, c_double, _D, POINTER(c_int32), c_size_t)
_irr = fn("kam_irr", c_int, _D, _D, c_size_t, c_double)
_xirr = fn("kam_xirr", c_int, _D, _D, POINTER(c_int32), c_size_t, c_double)
_mirr = fn("kam_mirr", c_int, _D, _D, c_size_t, c_double, c_double)
_payback = fn("kam_payback", c_int, _D, _D, c_size_t, c_double, c_int)
_clv = fn("kam_clv", c_int, _D, c_double, c_double, c_double, c_double, c_int)
_clv_finite = fn("kam_clv_finite", c_int, _D, _D, c_size_t, c_double, c_double, c_double)
_roi = fn("kam_roi", c_int, _D, c_double, c_double)
_date_from_ymd = fn("kam_date_from_ymd", c_int, POINTER(c_int32), c_int, c_int, c_int)
_date_to_ymd = fn("kam_date_to_ymd", None, c_int32, POINTER(c_int), POINTER(c_int), POINTER(c_int))
_date_parse = fn("kam_date_parse", c_int, POINTER(c_int32), ctypes.c_char_p, c_size_t)
_date_format = fn("kam_date_format", c_int, ctypes.c_char_p, c_size_t, POINTER(c_size_t), c_int32)
_date_add_months = fn("kam_date_add_months", c_int, POINTER(c_int32), c_int32, c_int)
_strerror = fn("kam_strerror", ctypes.c_char_p, c_int)

_CONVENTIONS = {"excel": 0, "t0": 1}
_EPOCH = datetime.date(1970, 1, 1)


def _doubles(values, what="values"):
    """A contiguous double buffer for values (numpy arrays are used without a copy when they
    are already float64 and C-contiguous). Returns (pointer, n, keepalive)."""
    try:
        import numpy as np
        if isinstance(values, np.ndarray):
            arr = np.ascontiguousarray(values, dtype=np.float64)
            return arr.ctypes.data_as(_D), arr.size, arr
    except ImportError:
        pass
    try:
        seq = [float(v) for v in values]
    except (TypeError, ValueError):
        raise error(KAM_EINVAL, "%s must be a sequence of numbers" % what) from None
    buf = (c_double * max(len(seq), 1))(*seq)
    return ctypes.cast(buf, _D), len(seq), buf


def date_to_days(d):
    """datetime.date, ISO string "YYYY-MM-DD" or int (days since 1970-01-01) -> days since
    1970-01-01 (kam_date_from_ymd / kam_date_parse)."""
    out = c_int32()
    if isinstance(d, datetime.datetime):
        d = d.date()
    if isinstance(d, datetime.date):
        check(_date_from_ymd(byref(out), d.year, d.month, d.day))
        return out.value
    if isinstance(d, str):
        b, n = text_len(d, "date")
        if _date_parse(byref(out), b, n) != 0:
            raise error(KAM_EINVAL, "'%s' is not a date YYYY-MM-DD" % d)
        return out.value
    if isinstance(d, int) and not isinstance(d, bool):
        return d
    raise error(KAM_EINVAL, "%r is not a date" % (d,))


def days_to_date(days):
    """Days since 1970-01-01 -> datetime.date (kam_date_to_ymd)."""
    y, m, dd = c_int(), c_int(), c_int()
    _date_to_ymd(int(days), byref(y), byref(m), byref(dd))
    return datetime.date(y.value, m.value, dd.value)


def date_format(d):
    """A date (as date_to_days takes it) as ISO text "YYYY-MM-DD" (kam_date_format)."""
    buf = ctypes.create_string_buffer(32)
    check(_date_format(buf, 32, None, date_to_days(d)))
    return buf.value.decode()


def add_months(d, months):
    """Adds calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29); returns an ISO
    string "YYYY-MM-DD" (kam_date_add_months, kam_date_format)."""
    out = c_int32()
    check(_date_add_months(byref(out), date_to_days(d), int(months)), message="date out of range")
    return date_format(out.value)


def strerror(status):
    """kam_strerror: a short English description of a status code."""
    return _strerror(int(status)).decode()


def _dates(dates):
    ds = [date_to_days(d) for d in dates]
    return (c_int32 * max(len(ds), 1))(*ds), len(ds)


def _call(f, what, *args):
    out = c_double()
    rc = f(byref(out), *args)
    if rc == KAM_ENOSOLUTION:
        raise error(rc, "%s: no solution" % what)
    if rc:
        raise error(rc, "%s: invalid argument (empty input, non-finite value or rate <= -1)" % what)
    return out.value


def _guess(guess):
    return math.nan if guess is None else float(guess)


def npv(rate, values, convention="excel"):
    """Net present value. convention "excel": values[0] is discounted one period (Excel NPV);
    "t0": values[0] is at t = 0 (numpy-financial)."""
    if convention not in _CONVENTIONS:
        raise error(KAM_EINVAL, "convention must be 'excel' or 't0', not %r" % (convention,))
    p, n, keep = _doubles(values)
    return _call(_npv, "npv", float(rate), p, n, _CONVENTIONS[convention])


def npv_many(rate, values, convention="excel"):
    """NPV of every row of a 2-D array (numpy array or list of equal-length rows); returns a
    numpy array when numpy is present, else a list."""
    if convention not in _CONVENTIONS:
        raise error(KAM_EINVAL, "convention must be 'excel' or 't0', not %r" % (convention,))
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        arr = np.ascontiguousarray(values, dtype=np.float64)
        if arr.ndim != 2:
            raise error(KAM_EINVAL, "values must be 2-D (rows x periods)")
        rows, cols = arr.shape
        out = np.empty(rows, dtype=np.float64)
        check(_npv_many(out.ctypes.data_as(_D), float(rate), arr.ctypes.data_as(_D), rows, cols,
                        _CONVENTIONS[convention]), message="npv_many: invalid argument")
        return out
    rows = [list(map(float, r)) for r in values]
    cols = len(rows[0]) if rows else 0
    if any(len(r) != cols for r in rows):
        raise error(KAM_EINVAL, "rows differ in length")
    flat = (c_double * max(len(rows) * cols, 1))(*[v for r in rows for v in r])
    out = (c_double * max(len(rows), 1))()
    check(_npv_many(out, float(rate), flat, len(rows), cols, _CONVENTIONS[convention]),
          message="npv_many: invalid argument")
    return list(out)[:len(rows)]


def xnpv(rate, values, dates):
    """Excel XNPV: values discounted by (1+rate)^((date - dates[0]) / 365)."""
    p, n, keep = _doubles(values)
    d, nd = _dates(dates)
    if n != nd:
        raise error(KAM_EINVAL, "values and dates differ in length (%d, %d)" % (n, nd))
    return _call(_xnpv, "xnpv", float(rate), p, d, n)


def irr(values, guess=None):
    """Internal rate of return (values[0] at t = 0); the root nearest guess (default 0.1)."""
    p, n, keep = _doubles(values)
    return _call(_irr, "irr", p, n, _guess(guess))


def xirr(values, dates, guess=None):
    """Excel XIRR of dated cash flows (dates in any order)."""
    p, n, keep = _doubles(values)
    d, nd = _dates(dates)
    if n != nd:
        raise error(KAM_EINVAL, "values and dates differ in length (%d, %d)" % (n, nd))
    return _call(_xirr, "xirr", p, d, n, _guess(guess))


def mirr(values, finance_rate, reinvest_rate):
    """Excel MIRR."""
    p, n, keep = _doubles(values)
    return _call(_mirr, "mirr", p, n, float(finance_rate), float(reinvest_rate))


def payback(values, rate=0.0, whole_periods=False):
    """Discounted payback period (rate 0: simple), values[0] at t = 0."""
    p, n, keep = _doubles(values)
    return _call(_payback, "payback", p, n, float(rate), 1 if whole_periods else 0)


def clv(margin, retention, discount, acquisition_cost=0.0, timing="end"):
    """Customer lifetime value, infinite horizon; timing "end" or "begin" of period."""
    if timing not in ("end", "begin"):
        raise error(KAM_EINVAL, "timing must be 'end' or 'begin', not %r" % (timing,))
    return _call(_clv, "clv", float(margin), float(retention), float(discount),
                 float(acquisition_cost), 0 if timing == "end" else 1)


def clv_finite(margins, retention, discount, acquisition_cost=0.0):
    """CLV over len(margins) periods: sum m_t r^t / (1+d)^t - acquisition_cost."""
    p, n, keep = _doubles(margins, "margins")
    return _call(_clv_finite, "clv_finite", p, n, float(retention), float(discount),
                 float(acquisition_cost))


def roi(gain, cost):
    """(gain - cost) / cost."""
    return _call(_roi, "roi", float(gain), float(cost))

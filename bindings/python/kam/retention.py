"""Retention of a portfolio (kam/retention.h): statuses, the exact revenue bridge, NRR/GRR,
by status and by ABC class, hunting against farming. Reached as Portfolio.retention:

    >>> r = p.retention(window=6, threshold=0.1)
    >>> r["start"] + r["new"] + r["expansion"] - r["contraction"] - r["churn"] == r["end"]
    True
    >>> r["counts"]["lost"], r["nrr"], r["by_class"]["A"]["counts"]["new"]
"""
import ctypes
import numbers

from ._native import (fn, check, c_int, c_uint32, c_int64, c_double, c_size_t, c_char_p, c_void_p,
                      POINTER, byref)

__all__ = ["RETENTION_STATUSES"]

_status_name = fn("kam_retention_status_name", c_char_p, c_int)
RETENTION_STATUSES = tuple(_status_name(k).decode() for k in range(6))


class _Options(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("flags", c_uint32), ("window", c_size_t),
                ("threshold", c_double)]


class _Bridge(ctypes.Structure):
    _fields_ = [(name, c_int64) for name in ("start", "added", "expansion", "contraction",
                                             "churn", "end")]


class _Retention(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("accounts", c_size_t),
                ("periods", c_size_t), ("window", c_size_t), ("threshold", c_double),
                ("bridge", _Bridge), ("nrr", c_double), ("grr", c_double),
                ("count", c_size_t * 6), ("by_status", _Bridge * 6), ("has_classes", c_int),
                ("class_count", (c_size_t * 6) * 3), ("by_class", _Bridge * 3),
                ("hunting_count", c_size_t), ("hunting", c_int64),
                ("farming_count", c_size_t), ("farming", c_int64)]


_options_init = fn("kam_retention_options_init", None, POINTER(_Options), c_size_t)
_retention = fn("kam_portfolio_retention", c_int, POINTER(_Retention), c_void_p, c_void_p,
                POINTER(_Options))
_segment = fn("kam_segment", c_int, POINTER(c_void_p), c_void_p, c_void_p)
_s_free = fn("kam_segmentation_free", None, c_void_p)


def _bridge(b):
    return {"start": b.start, "new": b.added, "expansion": b.expansion,
            "contraction": b.contraction, "churn": b.churn, "end": b.end}


def _counts(c):
    return dict(zip(RETENTION_STATUSES, list(c)))


def retention(self, window=None, threshold=0.1):
    """Retention of the portfolio (kam_portfolio_retention): each account's last `window`
    periods of history (current) against the `window` before (base); window None is half the
    longest history. Returns a dict: "start", "new", "expansion", "contraction", "churn", "end"
    (ints, minor units; start + new + expansion - contraction - churn == end), "nrr", "grr"
    (NaN when start is 0), "counts" (status -> accounts, statuses as RETENTION_STATUSES),
    "by_status" (status -> bridge), "by_class" ("A"/"B"/"C" -> bridge with "counts", by the
    default segmentation), "hunting" and "farming" ({"accounts", "revenue"}), "periods",
    "window", "threshold"."""
    o = _Options()
    _options_init(byref(o), ctypes.sizeof(_Options))
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
            raise TypeError("window must be an int >= 1 or None")
        o.window = int(window)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError("threshold must be a number")
    o.threshold = float(threshold)
    r = _Retention()
    r.struct_size = ctypes.sizeof(_Retention)
    s = c_void_p()
    ptr = self._ptr
    try:
        rc = _segment(byref(s), ptr, None)
        if rc == 0:
            rc = _retention(byref(r), ptr, s, byref(o))
        check(rc, self._owner)
    finally:
        _s_free(s)
    by_class = {}
    for k, cls in enumerate("ABC"):
        d = _bridge(r.by_class[k])
        d["counts"] = _counts(r.class_count[k])
        by_class[cls] = d
    out = _bridge(r.bridge)
    out.update({"nrr": r.nrr, "grr": r.grr, "counts": _counts(r.count),
                "by_status": {name: _bridge(r.by_status[k])
                              for k, name in enumerate(RETENTION_STATUSES)},
                "by_class": by_class,
                "hunting": {"accounts": r.hunting_count, "revenue": r.hunting},
                "farming": {"accounts": r.farming_count, "revenue": r.farming},
                "periods": r.periods, "window": r.window, "threshold": r.threshold})
    return out

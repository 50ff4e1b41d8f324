"""Partial segmentation states (kam/partial.h): segmenting a portfolio split into partitions
(on one machine or many) with exactly kam_segment's answer on the concatenation.

    >>> parts = [kam.Partial(rev) for rev in partition_revenues]          # round 1, per worker
    >>> merged = kam.Partial.from_bytes(parts[0].to_bytes()).merge(parts[1])
    >>> summary, cuts = merged.segment(a_share=0.8)                        # the driver
    >>> tied = kam.partial_ties(rev, cuts)                                 # round 2, per worker
    >>> abc = kam.partial_classes(rev, cuts, before)   # before: tied summed over earlier parts

kam.dask runs this protocol on a Dask DataFrame.
"""
import ctypes

from ._native import (fn, check, error, Collector, Reader, Owner, Closable, c_int, c_uint32,
                      c_int64, c_size_t, c_void_p, POINTER, byref, KAM_EINVAL, WRITE_FN, READ_FN)
from .portfolio import (_Summary, _Options, _revenue_column, _segment_options, _summary_dict,
                        _numpy)

__all__ = ["Partial", "partial_ties", "partial_classes"]

c_uint64 = ctypes.c_uint64


class _Cuts(ctypes.Structure):
    _fields_ = [("struct_size", c_uint32), ("reserved", c_uint32), ("value", c_int64 * 2),
                ("ties", c_uint64 * 2)]


_new = fn("kam_partial_new", c_int, POINTER(c_void_p), c_void_p, POINTER(c_int64), c_size_t)
_free = fn("kam_partial_free", None, c_void_p)
_accounts = fn("kam_partial_accounts", c_size_t, c_void_p)
_merge = fn("kam_partial_merge", c_int, c_void_p, c_void_p)
_merge_many = fn("kam_partial_merge_many", c_int, c_void_p, POINTER(c_void_p), c_size_t)
_write = fn("kam_partial_write", c_int, c_void_p, WRITE_FN, c_void_p)
_read = fn("kam_partial_read", c_int, POINTER(c_void_p), c_void_p, READ_FN, c_void_p, c_size_t)
_segment = fn("kam_partial_segment", c_int, POINTER(_Summary), POINTER(_Cuts), c_void_p,
              POINTER(_Options))
_ties = fn("kam_partial_ties", c_int, POINTER(c_uint64), POINTER(c_int64), c_size_t,
           POINTER(_Cuts))
_classes = fn("kam_partial_classes", c_int, c_void_p, c_void_p, POINTER(c_int64), c_size_t,
              POINTER(_Cuts), POINTER(c_uint64))


def _cuts_struct(cuts):
    c = _Cuts()
    c.struct_size = ctypes.sizeof(_Cuts)
    try:
        for k in range(2):
            c.value[k] = int(cuts["value"][k])
            c.ties[k] = int(cuts["ties"][k])
    except (KeyError, TypeError, IndexError, OverflowError, ValueError):
        raise error(KAM_EINVAL, "cuts must be the dict Partial.segment returns "
                                "({'value': (v0, v1), 'ties': (t0, t1)})")
    return c


class Partial(Closable):
    """The partial segmentation state of some partitions (kam_partial): built from one
    partition's revenue column (numpy int64 array or sequence of int minor units), merged with
    others, sent as bytes. len(p) is its number of accounts."""

    _what = "partial"

    def __init__(self, revenue=(), _handle=None, _owner=None):
        if _handle is not None:
            self._owner, self._handle = _owner, _handle
            return
        self._owner = Owner()
        n, ptr, keep = _revenue_column(revenue)
        self._handle = self._owner.hold(_free)
        check(_new(byref(self._handle), self._owner.ptr, ptr, n), self._owner)
        del keep

    @classmethod
    def from_bytes(cls, data, max_runs=0):
        """The partial written by to_bytes (kam_partial_read); raises kam.ParseError for
        corrupt bytes, kam.LimitReached past max_runs (0: no limit)."""
        owner = Owner()
        handle = owner.hold(_free)
        reader = Reader(bytes(data))
        rc = _read(byref(handle), owner.ptr, reader.cb, None, int(max_runs))
        reader.reraise()
        check(rc, owner)
        return cls(_handle=handle, _owner=owner)

    def to_bytes(self):
        """The partial in the documented byte format (kam_partial_write)."""
        out = Collector()
        check(_write(self._ptr, out.cb, None), self._owner)
        return out.bytes()

    def __reduce__(self):  # pickled as its bytes (Dask moves partials between processes)
        return (Partial.from_bytes, (self.to_bytes(),))

    def __len__(self):
        return _accounts(self._ptr)

    def count(self):
        """The number of accounts (kam_partial_accounts), as len(p)."""
        return len(self)

    def merge(self, other):
        """Adds other's partitions into this partial (kam_partial_merge); returns self."""
        if not isinstance(other, Partial):
            raise TypeError("merge: a kam.Partial expected, not %s" % type(other).__name__)
        check(_merge(self._ptr, other._ptr), self._owner)
        return self

    def merge_many(self, others):
        """Adds the partitions of every partial of others (a sequence of kam.Partial) into this
        one in a single pass (kam_partial_merge_many: each run copied once, where a pairwise
        tree of merge() copies it log2(len(others)) times); returns self."""
        others = list(others)
        for o in others:
            if not isinstance(o, Partial):
                raise TypeError("merge_many: kam.Partial objects expected, not %s"
                                % type(o).__name__)
        arr = (c_void_p * max(len(others), 1))(*[o._ptr for o in others])
        check(_merge_many(self._ptr, arr, len(others)), self._owner)
        return self

    def segment(self, **options):
        """(summary, cuts) of all its accounts (kam_partial_segment): summary is exactly
        Segmentation.summary's dict for the concatenated partitions; cuts a dict
        {"value": (v0, v1), "ties": (t0, t1)} for partial_ties / partial_classes. Options as
        Portfolio.segment; key_top_n must be 0."""
        o = _segment_options(options)
        sm = _Summary()
        sm.struct_size = ctypes.sizeof(_Summary)
        c = _Cuts()
        c.struct_size = ctypes.sizeof(_Cuts)
        check(_segment(byref(sm), byref(c), self._ptr, byref(o)), self._owner)
        return _summary_dict(sm), {"value": tuple(c.value), "ties": tuple(c.ties)}


def partial_ties(revenue, cuts):
    """(t0, t1): how many of this partition's revenues equal each cut value (kam_partial_ties)."""
    n, ptr, keep = _revenue_column(revenue)
    tied = (c_uint64 * 2)()
    c = _cuts_struct(cuts)
    check(_ties(tied, ptr, n, byref(c)))
    del keep
    return tied[0], tied[1]


def partial_classes(revenue, cuts, before, threads=1):
    """The class ('A'/'B'/'C') of each account of one partition (kam_partial_classes): a numpy
    array of dtype 'S1' (bytes without numpy). before: (b0, b1), the partial_ties of the
    earlier partitions summed."""
    n, ptr, keep = _revenue_column(revenue)
    c = _cuts_struct(cuts)
    b = (c_uint64 * 2)(int(before[0]), int(before[1]))
    owner = Owner()
    if threads != 1:
        owner.set_threads(threads)
    np = _numpy()
    if np is not None:
        out = np.empty(n, dtype="S1")
        buf = out.ctypes.data if n else None
    else:
        out = ctypes.create_string_buffer(max(n, 1))
        buf = out
    check(_classes(buf, owner.ptr, ptr, n, byref(c), b), owner)
    del keep
    owner.close()
    return out if np is not None else out.raw[:n]

"""kam.dask: exact segmentation of a portfolio partitioned across a Dask cluster.

    >>> import dask.dataframe as dd, kam.dask
    >>> ddf = dd.read_parquet("accounts/")            # a "revenue" column of int64 minor units
    >>> r = kam.dask.segment(ddf, a_share=0.8)
    >>> r.summary                                     # == kam.Portfolio(...).segment().summary
    >>> r.classes.to_parquet("classes/")              # "A"/"B"/"C", ddf's partitions and index

The answer is kam_segment's on the concatenation of the partitions in partition order (the
order ties are settled in), to the bit. The protocol (kam/partial.h, docs/scale-out.md), one
computation and one lazy pass:

  round 1  one task per partition builds its partial (kam_partial_new: one C call on the
           partition's int64 column, no copy) and returns its bytes (the partition's revenue
           distribution: the exact-Gini shuffle, 16 bytes per distinct revenue);
           the reduce, on the workers, reads and merges them (kam_partial_merge, pairwise
           trees): with more than split_every (32) partitions, one task per group of 32 merges
           its group in parallel and passes its merged partial on; the last task merges those,
           segments the result (kam_partial_segment: the summary and the two cuts) and
           counts each partition's accounts at the two cut values in its partial (a binary
           search in the documented byte format); it returns only the summary, the cuts, the
           tie counts (16 bytes per partition): the driver never holds an
           account or a revenue.
  classes  one task per partition (kam_partial_classes with the cuts and before[k], the tie
           counts of the earlier partitions summed), lazily, as a dask Series of categories
           "A" < "B" < "C" (one byte per account, written by C, no Python string per row).

Runs on any scheduler (the default threads, processes, or a distributed.Client). Worker
processes load libkam as any kam import does: through $KAM_LIBRARY, next to the package or the
system library path.
"""

from .partial import Partial, partial_classes

__all__ = ["segment", "aggregate", "DaskSegmentation"]

_HEADER, _RUN = 32, 16  # kam/partial.h: the header's bytes and each run's


def _dask():
    try:
        import dask
        import dask.dataframe  # noqa: F401
        return dask
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise ImportError("kam.dask needs dask (Debian: python3-dask)") from e


def _check_dtype(dtype):
    if dtype.kind not in "iu":
        raise TypeError("kam.dask: the revenue column must hold integer minor units, not %s"
                        % dtype)


def _column(series):
    """The partition's revenue as an int64 numpy array (no copy when it already is one)."""
    import numpy as np
    _check_dtype(series.dtype)
    return np.ascontiguousarray(series.to_numpy(), dtype=np.int64)


def _partial_bytes(series):
    """Round 1 on a worker: the partition's partial, as bytes."""
    return Partial(_column(series)).to_bytes()


def _tied(blob, value):
    """How many accounts of a partial (its bytes, already checked by Partial.from_bytes) have
    revenue == value: a binary search over its runs (value ascending, then count)."""
    import numpy as np
    if value < 0:
        return 0
    d = (len(blob) - _HEADER - 8) // _RUN
    runs = np.frombuffer(blob, dtype="<u8", count=2 * d, offset=_HEADER).reshape(d, 2)
    i = int(np.searchsorted(runs[:, 0], value))
    return int(runs[i, 1]) if i < d and int(runs[i, 0]) == value else 0


def _merge_all(partials):
    """The merge of a list of partials: a pairwise tree (each run is copied log2(len) times)."""
    level = list(partials)
    while len(level) > 1:
        nxt = [level[i].merge(level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0] if level else Partial()


def _merge_group(*blobs):
    """The reduce's first level, on a worker: the merged partial of some partitions, as bytes."""
    return _merge_all(Partial.from_bytes(b) for b in blobs).to_bytes()


def _reduce(options, groups, *blobs):
    """The reduce, on a worker: merges the groups' partials (or the partitions' when there are
    no groups) and returns (summary, cuts, tied per partition)."""
    merged = _merge_all(Partial.from_bytes(b) for b in (groups if groups else blobs))
    summary, cuts = merged.segment(**dict(options))
    tied = [(_tied(b, cuts["value"][0]), _tied(b, cuts["value"][1])) for b in blobs]
    return summary, cuts, tied


def _classes(series, cuts, before):
    import pandas as pd
    import numpy as np
    codes = partial_classes(_column(series), cuts, before).view(np.int8)
    codes -= ord("A")  # in place: 'A', 'B', 'C' -> the category codes 0, 1, 2
    return pd.Series(pd.Categorical.from_codes(codes, _CATEGORIES),
                     index=series.index, name="abc")


_CATEGORIES = ["A", "B", "C"]


class DaskSegmentation:
    """The result of kam.dask.segment: .summary (dict, as Segmentation.summary), .classes (dask
    Series of categories "A", "B", "C", lazy), .cuts (dict, as Partial.segment), .partial_bytes
    (the bytes each partition sent in round 1, in partition order), .before (per partition, the
    tie counts of the earlier partitions, as kam_partial_classes takes them)."""

    def __init__(self, summary, classes, cuts, partial_bytes, before):
        self.summary = summary
        self.classes = classes
        self.cuts = cuts
        self.partial_bytes = partial_bytes
        self.before = before

    def __repr__(self):
        sm = self.summary
        return "<kam.dask segmentation of %d accounts: A %d, B %d, C %d>" % (
            sm["accounts"], sm["count"]["A"], sm["count"]["B"], sm["count"]["C"])


def segment(ddf, revenue="revenue", id=None, group=None, margin=None, split_every=32,
            **options):
    """Segments the accounts of a dask DataFrame, one account per row, exactly as
    kam.Portfolio().add_columns(<revenue column of ddf.compute()>).segment(**options) would.
    revenue: the column of int64 minor units. id: accepted for the future (the classes keep
    ddf's index). group and margin are not supported yet (NotImplementedError). split_every:
    with more partitions than this, the reduce first merges groups of split_every partitions
    in parallel tasks. Options as Portfolio.segment, except key_top_n (scores need every account
    on one machine)."""
    dask = _dask()
    if not isinstance(split_every, int) or split_every < 2:
        raise ValueError("kam.dask.segment: split_every must be an int >= 2")
    if group is not None:
        raise NotImplementedError("kam.dask.segment: group (key accounts by group across "
                                  "partitions) is not supported yet; pass group=None")
    if margin is not None:
        raise NotImplementedError("kam.dask.segment: a margin basis is not supported yet; "
                                  "pass margin=None")
    if revenue not in ddf.columns:
        raise KeyError("kam.dask.segment: no column %r" % revenue)
    if id is not None and id not in ddf.columns:
        raise KeyError("kam.dask.segment: no column %r" % id)
    if options.get("key_top_n"):
        raise NotImplementedError("kam.dask.segment: key_top_n needs every account's score "
                                  "on one machine")
    _check_dtype(ddf[revenue].dtype)
    from .portfolio import _segment_options
    _segment_options(options)  # bad options fail here, before any work
    delayed = dask.delayed
    parts = ddf[revenue].to_delayed()
    blobs = [delayed(_partial_bytes, pure=True)(p) for p in parts]
    sizes = [delayed(len, pure=True)(b) for b in blobs]
    groups = []
    if len(blobs) > split_every:  # the first level of the reduce runs on several workers
        groups = [delayed(_merge_group, pure=True)(*blobs[i:i + split_every])
                  for i in range(0, len(blobs), split_every)]
    reduced = delayed(_reduce, pure=True)(tuple(sorted(options.items())), groups, *blobs)
    (summary, cuts, tied), sizes = dask.compute(reduced, sizes)
    before, acc = [], (0, 0)
    for t in tied:
        before.append(acc)
        acc = (acc[0] + t[0], acc[1] + t[1])
    import pandas as pd
    import dask.dataframe as dd
    meta = pd.Series(pd.Categorical([], categories=_CATEGORIES), name="abc",
                     index=ddf._meta.index)
    classes = dd.from_delayed([delayed(_classes, pure=True)(p, cuts, b)
                               for p, b in zip(parts, before)],
                              meta=meta, divisions=ddf.divisions, verify_meta=False)
    return DaskSegmentation(summary, classes, cuts, list(sizes), before)


def aggregate(transactions, account="account", amount="amount", period=None):
    """Revenue per account from transaction rows (a dask DataFrame) through Dask's own groupby:
    a dask DataFrame indexed by account with a "revenue" column (int64 minor units), and with
    period given, one more column per period value, "history_<value>" in ascending order (the
    revenue of that period), ready for kam.dask.segment."""
    _dask()
    for col in (account, amount) + ((period,) if period is not None else ()):
        if col not in transactions.columns:
            raise KeyError("kam.dask.aggregate: no column %r" % col)
    if transactions[amount].dtype.kind not in "iu":
        raise TypeError("kam.dask.aggregate: amounts must be integer minor units, not %s"
                        % transactions[amount].dtype)
    if period is None:
        return transactions.groupby(account)[amount].sum().to_frame("revenue")
    periods = sorted(transactions[period].unique().compute().tolist())
    cols = {"revenue": transactions[amount]}
    for p in periods:
        cols["history_%s" % p] = transactions[amount].where(transactions[period] == p, 0)
    frame = transactions[[account]].assign(**cols)
    out = frame.groupby(account).sum()
    return out[["revenue"] + ["history_%s" % p for p in periods]].astype("int64")



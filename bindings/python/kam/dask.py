"""kam.dask: exact segmentation of a portfolio partitioned across a Dask cluster.

    >>> import dask.dataframe as dd, kam.dask
    >>> ddf = dd.read_parquet("accounts/")            # a "revenue" column of int64 minor units
    >>> r = kam.dask.segment(ddf, a_share=0.8)
    >>> r.summary                                     # == kam.Portfolio(...).segment().summary
    >>> r.classes.to_parquet("classes/")              # "A"/"B"/"C", ddf's partitions and index

The answer is kam_segment's on the concatenation of the partitions in partition order (the
order ties are settled in), to the bit. The protocol (kam/partial.h, docs/scale-out.md):

  round 1  one task per partition builds its partial (kam_partial_new) and returns its bytes;
           a tree of merge tasks (kam_partial_merge, split_every at a time) reduces them to one;
           the driver segments it (kam_partial_segment): the summary and the two cuts.
  round 2  one task per partition counts its accounts at the two cut values; the driver sums
           them over the earlier partitions; the classes are then written per partition
           (kam_partial_classes), lazily, as a dask Series.

Runs on any scheduler (the default threads, processes, or a distributed.Client). Worker
processes load libkam as any kam import does: through $KAM_LIBRARY, next to the package or the
system library path.
"""

from .partial import Partial, partial_ties, partial_classes

__all__ = ["segment", "aggregate", "DaskSegmentation"]


def _dask():
    try:
        import dask
        import dask.dataframe  # noqa: F401
        return dask
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise ImportError("kam.dask needs dask (Debian: python3-dask)") from e


def _column(series):
    """The partition's revenue as an int64 numpy array (money is never float)."""
    import numpy as np
    if series.dtype.kind not in "iu":
        raise TypeError("kam.dask: the revenue column must hold integer minor units, not %s"
                        % series.dtype)
    return np.ascontiguousarray(series.to_numpy(), dtype=np.int64)


def _partial_bytes(series):
    return Partial(_column(series)).to_bytes()


def _merge_bytes(*blobs):
    merged = Partial.from_bytes(blobs[0])
    for b in blobs[1:]:
        merged.merge(Partial.from_bytes(b))
    return merged.to_bytes()


def _ties(series, cuts):
    return partial_ties(_column(series), cuts)


def _classes(series, cuts, before):
    import pandas as pd
    abc = partial_classes(_column(series), cuts, before)
    return pd.Series(abc.astype("U1").astype(object), index=series.index, name="abc")


class DaskSegmentation:
    """The result of kam.dask.segment: .summary (dict, as Segmentation.summary), .classes (dask
    Series of "A"/"B"/"C", lazy), .cuts (dict, as Partial.segment), .partial_bytes (the size of
    each partition's round-1 partial, in partition order), .merged_bytes (the final merged
    partial's size)."""

    def __init__(self, summary, classes, cuts, partial_bytes, merged_bytes):
        self.summary = summary
        self.classes = classes
        self.cuts = cuts
        self.partial_bytes = partial_bytes
        self.merged_bytes = merged_bytes

    def __repr__(self):
        sm = self.summary
        return "<kam.dask segmentation of %d accounts: A %d, B %d, C %d>" % (
            sm["accounts"], sm["count"]["A"], sm["count"]["B"], sm["count"]["C"])


def segment(ddf, revenue="revenue", id=None, group=None, margin=None, split_every=8,
            **options):
    """Segments the accounts of a dask DataFrame, one account per row, exactly as
    kam.Portfolio().add_columns(<revenue column of ddf.compute()>).segment(**options) would.
    revenue: the column of int64 minor units. id: accepted for the future (the classes keep
    ddf's index). group and margin are not supported yet (NotImplementedError). Options as
    Portfolio.segment, except key_top_n (scores need every account on one machine)."""
    dask = _dask()
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
    from .portfolio import _segment_options
    _segment_options(options)  # bad options fail here, before any work
    delayed = dask.delayed
    parts = ddf[revenue].to_delayed()
    blobs = [delayed(_partial_bytes)(p) for p in parts]
    sizes = [delayed(len)(b) for b in blobs]
    level = blobs
    while len(level) > 1:
        level = [delayed(_merge_bytes)(*level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    (merged,), sizes = dask.compute(level, sizes)
    summary, cuts = Partial.from_bytes(merged).segment(**options)
    tied = dask.compute(*[delayed(_ties)(p, cuts) for p in parts])
    before, acc = [], (0, 0)
    for t in tied:
        before.append(acc)
        acc = (acc[0] + t[0], acc[1] + t[1])
    import pandas as pd
    import dask.dataframe as dd
    meta = pd.Series([], dtype=object, name="abc", index=ddf._meta.index)
    classes = dd.from_delayed([delayed(_classes)(p, cuts, b) for p, b in zip(parts, before)],
                              meta=meta, divisions=ddf.divisions, verify_meta=False)
    return DaskSegmentation(summary, classes, cuts, list(sizes), len(merged))


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



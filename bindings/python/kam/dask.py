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
           the reduce, on the workers, reads and merges them (kam_partial_merge_many, one C
           call) and segments the result (kam_partial_segment: the summary and the two
           cuts); each partition's accounts at the two cut values are counted in its partial
           (a binary search in the documented byte format): by the reduce task itself up to
           split_every (32) partitions; with more, one task per group of 32 merges its group
           in parallel, the last task merges only those, and the tie counts are read where
           each partial was made (it is persisted there) once the cuts are known. The driver
           gets only the summary, the cuts and the tie counts (16 bytes per partition): never
           an account or a revenue.
  classes  one task per partition (kam_partial_classes with the cuts and before[k], the tie
           counts of the earlier partitions summed), lazily, as a dask Series of categories
           "A" < "B" < "C" (one byte per account, written by C, no Python string per row).

With margin=, group=, basis="margin" or unit="group" (docs/scale-out.md): the partials are
built from the customers' basis values (the positive margins with basis margin); with groups,
round 0 sums the groups with Dask's own groupby and sends each group to the partition of its
first account (set_index to known divisions), so each partition's customers are in
first-insertion order and ties settle as for accounts; a last task per partition makes the
classes and key flags (group classes joined back by name) and the exact sums of the account
pass (counts, revenues, keys, margins), added on the driver.

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
    """The merge of a list of partials in one C call (kam_partial_merge_many)."""
    partials = list(partials)
    if not partials:
        return Partial()
    return partials[0].merge_many(partials[1:])


def _merge_group(*blobs):
    """The reduce's first level, on a worker: the merged partial of some partitions, as bytes."""
    return _merge_all(Partial.from_bytes(b) for b in blobs).to_bytes()


def _reduce(options, groups, *blobs):
    """The reduce, on a worker: merges the groups' partials (or the partitions' when there are
    no groups) and returns (summary, cuts, tied per partition)."""
    merged = _merge_all(Partial.from_bytes(b) for b in (groups if groups else blobs))
    summary, cuts = merged.segment(**dict(options))
    return summary, cuts, [_tied_pair(b, cuts) for b in blobs]


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
    """Segments the accounts of a dask DataFrame, one account per row, exactly as kam.Portfolio
    on ddf.compute() (each row added in partition order with its revenue, margin and group)
    would with segment(**options).
    revenue: the column of int64 minor units. margin: None or the column of gross margins
    (integer minor units, may be negative; -2**63 or a pandas NA = unknown). group: None or the
    column of group names (None, NaN or "" = no group). id: accepted for the future (the classes
    keep ddf's index). split_every: with more partitions than this, the reduce first merges
    groups of split_every partitions in parallel tasks. Options as Portfolio.segment (basis and
    unit included), except key_top_n (scores need every account on one machine)."""
    dask = _dask()
    if not isinstance(split_every, int) or split_every < 2:
        raise ValueError("kam.dask.segment: split_every must be an int >= 2")
    for col in (revenue, id, group, margin):
        if col is not None and col not in ddf.columns:
            raise KeyError("kam.dask.segment: no column %r" % col)
    if options.get("key_top_n"):
        raise NotImplementedError("kam.dask.segment: key_top_n needs every account's score "
                                  "on one machine")
    _check_dtype(ddf[revenue].dtype)
    if margin is not None:
        _check_margin_dtype(ddf[margin].dtype)
    from .portfolio import _segment_options
    _segment_options(options)  # bad options fail here, before any work
    if (group is not None or margin is not None or options.get("basis", "revenue") != "revenue"
            or options.get("unit", "account") != "account"):
        return _segment_general(dask, ddf, revenue, group, margin, split_every, options)
    delayed = dask.delayed
    parts = ddf[revenue].to_delayed()
    blobs = [delayed(_partial_bytes, pure=True)(p) for p in parts]
    (summary, cuts, tied), sizes = _round1(dask, blobs, split_every, options)
    before = _before(tied)
    import pandas as pd
    import dask.dataframe as dd
    meta = pd.Series(pd.Categorical([], categories=_CATEGORIES), name="abc",
                     index=ddf._meta.index)
    classes = dd.from_delayed([delayed(_classes, pure=True)(p, cuts, b)
                               for p, b in zip(parts, before)],
                              meta=meta, divisions=ddf.divisions, verify_meta=False)
    return DaskSegmentation(summary, classes, cuts, list(sizes), before)


def _round1(dask, blobs, split_every, options):
    """The reduce over the partials' bytes: ((summary, cuts, tied), sizes). Up to split_every
    partitions: one task merges them all and reads the tie counts. More: the partials stay
    where they were made (persist), one task per group of split_every merges its group (on all
    the workers at once), the last task merges the groups' partials only, and the tie counts
    are read from each partition's partial where it is, once the cuts are known (one more
    round of tiny tasks: the partials do not travel twice)."""
    delayed = dask.delayed
    sizes = [delayed(len, pure=True)(b) for b in blobs]
    opts = tuple(sorted(options.items()))
    if len(blobs) <= split_every:
        return dask.compute(delayed(_reduce, pure=True)(opts, [], *blobs), sizes)
    blobs = dask.persist(*blobs)
    groups = [delayed(_merge_group, pure=True)(*blobs[i:i + split_every])
              for i in range(0, len(blobs), split_every)]
    (summary, cuts, _), sizes = dask.compute(delayed(_reduce, pure=True)(opts, groups), sizes)
    tied = dask.compute(*[delayed(_tied_pair, pure=True)(b, cuts) for b in blobs])
    return (summary, cuts, list(tied)), sizes


def _tied_pair(blob, cuts):
    return _tied(blob, cuts["value"][0]), _tied(blob, cuts["value"][1])


def _before(tied):
    before, acc = [], (0, 0)
    for t in tied:
        before.append(acc)
        acc = (acc[0] + t[0], acc[1] + t[1])
    return before


# ---- margin basis, group unit, group key test ----------------------------------------------

_UNKNOWN = -2**63   # KAM_MARGIN_UNKNOWN
_SHIFT = 40         # a customer's first insertion index: partition << 40 | row in partition
_INT64_MAX = 2**63 - 1


def _check_margin_dtype(dtype):
    if getattr(dtype, "kind", "O") not in "iu" and str(dtype) not in (
            "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32"):
        raise TypeError("kam.dask: the margin column must hold integer minor units, not %s"
                        % dtype)


def _margins(df, margin):
    """The partition's margins as int64 with _UNKNOWN for unknown (a pandas NA included)."""
    import numpy as np
    if margin is None:
        return np.full(len(df), _UNKNOWN, dtype=np.int64)
    s = df[margin]
    if isinstance(s.dtype, np.dtype):  # a numpy integer column (not a nullable one)
        return np.ascontiguousarray(s.to_numpy(), dtype=np.int64)
    return np.ascontiguousarray(s.to_numpy(dtype=np.int64, na_value=_UNKNOWN))


def _grouped(df, group):
    """Which rows of the partition have a group (not None, NaN or "")."""
    import numpy as np
    if group is None:
        return np.zeros(len(df), dtype=bool)
    s = df[group]
    return (s.notna() & (s != "")).to_numpy(dtype=bool)


def _value(rev, mar, basis):
    """The basis value the engine ranks: the revenue, or the positive margin (0 for a margin
    <= 0 or unknown: such a customer is C and outside T)."""
    import numpy as np
    return rev if basis == "revenue" else np.maximum(mar, 0)


def _xsum(a):
    """The exact sum of an int64 array as a Python int (two 32-bit halves: no wrap)."""
    import numpy as np
    a = np.asarray(a, dtype=np.int64)
    total = 0
    for i in range(0, len(a), 1 << 30):
        c = a[i:i + (1 << 30)]
        total += (int((c >> 32).sum()) << 32) + int((c & 0xFFFFFFFF).sum())
    return total


def _ranked(v, basis):
    """The values that enter the distribution: with basis margin the positive ones only."""
    return v if basis == "revenue" else v[v > 0]


def _group_rows(df, j, revenue, margin, group):
    """Round 0, per partition: its grouped accounts' revenue, margin (32-bit halves, so that
    Dask's int64 sums stay exact), known-margin count and insertion key, for the groupby."""
    import numpy as np
    import pandas as pd
    g = _grouped(df, group)
    pos = np.flatnonzero(g)
    mar = _margins(df, margin)[pos]
    known = mar != _UNKNOWN
    m = np.where(known, mar, 0)
    return pd.DataFrame({"name": df[group].to_numpy()[pos] if len(pos) else
                         np.array([], dtype=object),
                         "rev": _column(df[revenue])[pos], "mhi": m >> 32,
                         "mlo": m & 0xFFFFFFFF, "known": known.astype(np.int64),
                         "key": (np.int64(j) << _SHIFT) + pos.astype(np.int64)})


def _group_meta():
    import numpy as np
    import pandas as pd
    return pd.DataFrame({"name": pd.Series([], dtype=object),
                         **{c: pd.Series([], dtype=np.int64)
                            for c in ("rev", "mhi", "mlo", "known", "key")}})


def _group_value(tot, basis):
    """A group total's basis value (margin: the sum of its known margins, unknown when none is
    known), checked to fit int64 as kam_segment checks it."""
    import numpy as np
    rev = tot["rev"].to_numpy(dtype=np.int64)
    if basis == "revenue":
        return rev
    hi = tot["mhi"].to_numpy(dtype=np.int64)
    lo = tot["mlo"].to_numpy(dtype=np.int64)
    approx = hi.astype(float) * 2.0**32 + lo.astype(float)
    for i in np.flatnonzero(np.abs(approx) > 2.0**62):
        if abs((int(hi[i]) << 32) + int(lo[i])) > _INT64_MAX:
            raise OverflowError("kam.dask.segment: a customer's margin exceeds the int64 range")
    m = (hi << 32) + lo
    return np.where(tot["known"].to_numpy() > 0, np.maximum(m, 0), 0)


def _customers(df, gtot, j, revenue, margin, group, basis):
    """Unit group, per partition j: its customers in first-insertion order, the ungrouped
    accounts of the partition and the groups whose first account it holds: (key, value, name,
    is_group) with name None for an ungrouped account."""
    import numpy as np
    g = _grouped(df, group)
    pos = np.flatnonzero(~g)
    v = _value(_column(df[revenue]), _margins(df, margin), basis)[pos]
    keys = np.concatenate([(np.int64(j) << _SHIFT) + pos.astype(np.int64),
                           gtot["key"].to_numpy(dtype=np.int64)])
    vals = np.concatenate([v, _group_value(gtot, basis)]).astype(np.int64)
    names = np.concatenate([np.full(len(pos), None, dtype=object),
                            gtot.index.to_numpy(dtype=object)])
    isg = np.concatenate([np.zeros(len(pos), dtype=bool), np.ones(len(gtot), dtype=bool)])
    order = np.argsort(keys, kind="stable")
    return keys[order], np.ascontiguousarray(vals[order]), names[order], isg[order]


def _customer_partial(cust, basis):
    return Partial(_ranked(cust[1], basis)).to_bytes()


def _customer_classes(cust, cuts, before, key_min):
    """Unit group, per partition of customers: (class codes 0/1/2 and key of its ungrouped
    accounts, in their order in the partition; the same of its groups, indexed by name)."""
    import numpy as np
    import pandas as pd
    keys, v, names, isg = cust
    codes = partial_classes(v, cuts, before).view(np.int8) - ord("A")
    key = _share_key(v, key_min)
    own = pd.DataFrame({"code": codes[~isg], "key": key[~isg]})
    grp = pd.DataFrame({"code": codes[isg], "key": key[isg]},
                       index=pd.Index(names[isg], dtype=object))
    return own, grp


def _concat_groups(*parts):
    import pandas as pd
    frames = [p[1] for p in parts]
    return pd.concat(frames) if frames else pd.DataFrame({"code": [], "key": []})


def _account_classes(df, j, revenue, margin, group, basis, unit, cuts, before, key_min,
                     key_groups, own, gtab):
    """Per account partition: the class codes (0, 1, 2) and the key flag of every account."""
    import numpy as np
    g = _grouped(df, group)
    if unit == "account":
        v = _value(_column(df[revenue]), _margins(df, margin), basis)
        codes = partial_classes(v, cuts, before).view(np.int8) - ord("A")
        key = _share_key(v, key_min)
        if key_groups and g.any():
            key |= g & df[group].isin(list(key_groups)).to_numpy(dtype=bool)
        return codes, key
    codes = np.empty(len(df), dtype=np.int8)
    key = np.empty(len(df), dtype=bool)
    pos = np.flatnonzero(~g)
    if len(pos):
        o = own[0]  # the partition's ungrouped accounts, in the same order
        codes[pos] = o["code"].to_numpy()
        key[pos] = o["key"].to_numpy()
    pos = np.flatnonzero(g)
    if len(pos):
        at = gtab.index.get_indexer(df[group].to_numpy()[pos])
        codes[pos] = gtab["code"].to_numpy()[at]
        key[pos] = gtab["key"].to_numpy()[at]
    return codes, key


def _account_stats(df, args):
    """Per account partition: the exact integer sums kam_segment's account pass makes."""
    codes, key = _account_classes(df, *args)
    rev = _column(df[args[1]])
    mar = _margins(df, args[2])
    known = mar != _UNKNOWN
    out = {"n": len(df), "keys": int(key.sum()), "key_rev": _xsum(rev[key]),
           "known": int(known.sum()), "tm": _xsum(mar[known])}
    neg = known & (mar < 0)
    out["unprof"] = int(neg.sum())
    out["unprof_rev"] = _xsum(rev[neg])
    out["key_unprof"] = int((neg & key).sum())
    # the health lights are the accounts' own (kam.dask has no history, relationship or
    # retention: the margin % alone): the partition's red accounts and their revenue are those
    # of a one-machine segmentation of the partition
    if args[2] is not None and len(df):
        from .portfolio import Portfolio
        p = Portfolio()
        p.add_columns(rev, margin=mar)
        sm = p.segment().summary
        out["red"], out["risk"] = sm.get("red_accounts", 0), sm.get("revenue_at_risk", 0)
    else:
        out["red"], out["risk"] = 0, 0
    for c in range(3):
        inc = codes == c
        out["count%d" % c] = int(inc.sum())
        out["rev%d" % c] = _xsum(rev[inc])
        out["cm%d" % c] = _xsum(mar[inc & known])
        out["cmrev%d" % c] = _xsum(rev[inc & known])
    return out


def _account_series(df, args):
    import pandas as pd
    codes, _ = _account_classes(df, *args)
    return pd.Series(pd.Categorical.from_codes(codes, _CATEGORIES), index=df.index, name="abc")


def _share_key(v, key_min):
    """The share test of each basis value: v >= key_min (no value passes when key_min is
    None)."""
    import numpy as np
    return np.zeros(len(v), dtype=bool) if key_min is None else v >= key_min


def _min_value_for(total, share):
    """kam_segment's key threshold: the smallest integer r with r / T >= share in doubles
    (min_revenue_for); None when no value reaches it (T == 0)."""
    t = float(total)
    if total == 0 or not float(total) / t >= share:
        return None
    lo, hi = 0, total
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if float(mid) / t >= share:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _segment_general(dask, ddf, revenue, group, margin, split_every, options):
    """kam.dask.segment with margins, groups, basis margin or unit group (see segment)."""
    import pandas as pd
    import dask.dataframe as dd
    delayed = dask.delayed
    basis = options.get("basis", "revenue")
    unit = options.get("unit", "account")
    rank_opts = {k: v for k, v in options.items() if k not in ("basis", "unit", "w_margin")}
    cols = [c for c in (revenue, margin, group) if c is not None]
    parts = ddf[cols].to_delayed()
    J = len(parts)
    gtot = None
    if group is not None:  # Dask's own groupby: each group's totals and first account
        rows = dd.from_delayed([delayed(_group_rows, pure=True)(p, j, revenue, margin, group)
                                for j, p in enumerate(parts)], meta=_group_meta(),
                               verify_meta=False)
        gtot = rows.groupby("name").agg({"rev": "sum", "mhi": "sum", "mlo": "sum",
                                         "known": "sum", "key": "min"})
    custs = None
    if unit == "group":
        # each group goes to the partition of its first account (a shuffle by that key, to
        # known divisions), so the customers are in first-insertion order partition by partition
        if gtot is not None:
            divs = [j << _SHIFT for j in range(J)] + [(J << _SHIFT) - 1]
            routed = gtot.reset_index().set_index("key", divisions=divs).reset_index()
            gparts = routed.to_delayed()
        else:
            gparts = [None] * J
        custs = [delayed(_customers_of, pure=True)(p, gp, j, revenue, margin, group, basis)
                 for j, (p, gp) in enumerate(zip(parts, gparts))]
        custs = list(dask.persist(*custs))
        blobs = [delayed(_customer_partial, pure=True)(c, basis) for c in custs]
    else:
        blobs = [delayed(_account_partial, pure=True)(p, revenue, margin, basis) for p in parts]
    (sm0, cuts, tied), sizes = _round1(dask, blobs, split_every, rank_opts)
    before = _before(tied)
    T = sm0["total_revenue"]  # the basis total
    key_min = _min_value_for(T, float(options.get("key_share", 0.10)))  # None: no key
    key_groups = ()
    own = [None] * J
    gtab = None
    if unit == "account" and gtot is not None and key_min is not None:
        # the group 10 % test: few groups pass it (at most 1 / key_share)
        vals = gtot.map_partitions(lambda t: t.assign(v=_group_value(t, basis)))
        key_groups = tuple(vals[vals["v"] >= key_min].index.compute().tolist())
    if unit == "group":
        cc = [delayed(_customer_classes, pure=True)(c, cuts, b, key_min)
              for c, b in zip(custs, before)]
        gtab = delayed(_concat_groups, pure=True)(*cc)  # broadcast to every partition
        own = cc
    args = [(j, revenue, margin, group, basis, unit, cuts, before[j] if unit == "account"
             else None, key_min, key_groups, own[j], gtab) for j in range(J)]
    stats = dask.compute(*[delayed(_account_stats, pure=True)(p, a)
                           for p, a in zip(parts, args)])
    tot = {k: sum(s[k] for s in stats) for k in stats[0]} if stats else {}
    n = tot.get("n", 0)
    total = sum(tot.get("rev%d" % c, 0) for c in range(3))
    if total > _INT64_MAX:
        raise OverflowError("kam.dask.segment: the total revenue exceeds INT64_MAX")
    if abs(tot.get("tm", 0)) > _INT64_MAX:
        raise OverflowError("kam.dask.segment: the total margin exceeds the int64 range")
    summary = dict(sm0)
    summary.update({
        "accounts": n, "key_accounts": tot.get("keys", 0),
        "count": {c: tot.get("count%d" % k, 0) for k, c in enumerate("ABC")},
        "revenue": {c: tot.get("rev%d" % k, 0) for k, c in enumerate("ABC")},
        "total_revenue": total, "basis": basis, "unit": unit,
        "customers": n,
        "key_revenue_share": float(tot["key_rev"]) / float(total) if total > 0 else 0.0,
        "basis_total": T, "total_margin": tot.get("tm", 0),
        "margin_accounts": tot.get("known", 0),
        "margin_pct": {c: (float(tot["cm%d" % k]) / float(tot["cmrev%d" % k])
                           if tot.get("cmrev%d" % k, 0) > 0 else None)
                       for k, c in enumerate("ABC")},
        "unprofitable": tot.get("unprof", 0), "unprofitable_revenue": tot.get("unprof_rev", 0),
        "key_unprofitable": tot.get("key_unprof", 0)})
    if "red_accounts" in summary:
        summary["red_accounts"] = tot.get("red", 0)
        summary["revenue_at_risk"] = tot.get("risk", 0)
    if unit == "group":
        summary["customers"] = sum(dask.compute(*[delayed(lambda c: len(c[0]))(c)
                                                  for c in custs]))
    meta = pd.Series(pd.Categorical([], categories=_CATEGORIES), name="abc",
                     index=ddf._meta.index)
    classes = dd.from_delayed([delayed(_account_series, pure=True)(p, a)
                               for p, a in zip(parts, args)],
                              meta=meta, divisions=ddf.divisions, verify_meta=False)
    return DaskSegmentation(summary, classes, cuts, list(sizes), before)


def _account_partial(df, revenue, margin, basis):
    return Partial(_ranked(_value(_column(df[revenue]), _margins(df, margin), basis),
                           basis)).to_bytes()


def _customers_of(df, gparts, j, revenue, margin, group, basis):
    import pandas as pd
    if gparts is None:
        gtot = pd.DataFrame({"rev": [], "mhi": [], "mlo": [], "known": [], "key": []},
                            index=pd.Index([], dtype=object))
    else:
        gtot = gparts.set_index("name")
    return _customers(df, gtot, j, revenue, margin, group, basis)


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



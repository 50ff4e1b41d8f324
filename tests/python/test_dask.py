"""kam.dask and kam.Partial: a portfolio split into partitions (1, 2, 7, 64, empty ones, one
holding everything, every account tied, ties at a cut spread over partitions) gives exactly the
summary and the classes of kam.Portfolio on the concatenated data, with the default scheduler
and on a LocalCluster of 2 worker processes; partial bytes round-trip and corrupt bytes raise."""
import os

import pytest

import kam

np = pytest.importorskip("numpy", reason="kam.dask needs numpy")
pd = pytest.importorskip("pandas", reason="kam.dask needs pandas")
dask = pytest.importorskip("dask", reason="dask is not installed (scripts/deps.sh installs "
                                          "python3-dask)")
dd = pytest.importorskip("dask.dataframe", reason="dask.dataframe is not installed")
import kam.dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    """One LocalCluster of 2 worker processes for the module. The workers import kam from the
    same place and load libkam through KAM_LIBRARY, both passed by the environment."""
    distributed = pytest.importorskip("distributed", reason="python3-distributed is not "
                                                            "installed")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [os.path.dirname(os.path.dirname(kam.__file__))] +
        [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def one_machine(rev, **options):
    p = kam.Portfolio()
    p.add_columns(np.asarray(rev, dtype=np.int64))
    s = p.segment(**options)
    return s.summary, s.classes


def frame(rev, bounds):
    """A dask DataFrame of rev split at bounds (partition k is rows bounds[k-1]..bounds[k]),
    with an index that is not 0..n-1, so the classes must keep ddf's own index."""
    rev = np.asarray(rev, dtype=np.int64)
    df = pd.DataFrame({"revenue": rev}, index=np.arange(len(rev)) * 3 + 10)
    parts, lo = [], 0
    for hi in bounds:
        parts.append(df.iloc[lo:hi])
        lo = hi
    return dd.from_delayed([dask.delayed(lambda x: x)(p) for p in parts], meta=df.iloc[:0])


def check(rev, bounds, **options):
    ddf = frame(rev, bounds)
    want_summary, want_classes = one_machine(rev, **options)
    r = kam.dask.segment(ddf, **options)
    assert r.summary == want_summary
    for key in ("hhi", "gini", "top20_share"):  # the same double, not a close one
        assert r.summary[key].hex() == want_summary[key].hex()
    classes = r.classes.compute()
    assert list(classes.index) == list(ddf.index.compute())
    assert "".join(classes) == want_classes.tobytes().decode()
    assert r.classes.npartitions == ddf.npartitions
    # round 1 sent each partition's distribution: 40 bytes + 16 per distinct revenue; before[k]
    # counts the accounts at cut k in the earlier partitions
    parts = [ddf.partitions[i].compute()["revenue"].to_numpy()
             for i in range(ddf.npartitions)]
    assert r.partial_bytes == [40 + 16 * len(set(p.tolist())) for p in parts]
    for k in range(2):
        v = r.cuts["value"][k]
        seen = 0
        for p, b in zip(parts, r.before):
            assert b[k] == (seen if v >= 0 else 0)
            seen += int((p == v).sum())
    return r


def random_bounds(rng, n, parts):
    b = sorted(rng.integers(0, n + 1, parts - 1).tolist()) + [n]
    return b


@pytest.mark.parametrize("parts", [1, 2, 7, 64])
def test_random_partitions_default_scheduler(parts):
    rng = np.random.default_rng(parts)
    for shape in range(3):
        n = int(rng.integers(0, 400))
        if shape == 0:
            rev = (rng.pareto(1.1, n) * 1000).astype(np.int64)
        elif shape == 1:
            rev = rng.integers(0, 5, n)
        else:
            rev = rng.integers(0, 2**40, n)
        check(rev, random_bounds(rng, n, parts), a_share=0.7 + shape / 20, key_share=0.02)


def test_edge_partitions():
    rev = [500] * 30  # every account tied: A takes the first 24 of them, over 4 partitions
    r = check(rev, [0, 5, 5, 12, 19, 30, 30])
    assert r.cuts["value"][0] == 500 and r.cuts["ties"][0] == 24
    check([7, 7, 1000, 7, 7, 7, 7, 3], [2, 2, 5, 8], a_share=0.6, b_share=0.9)
    check([3, 1, 4, 1, 5, 9, 2, 6], [0, 0, 8, 8])  # one partition holds everything
    check([0, 0, 0], [1, 3])                        # total 0: all C
    check([], [0, 0])                               # no accounts at all


def test_distributed_client(client):
    rng = np.random.default_rng(7)
    for parts in (1, 2, 7, 64):
        n = 300
        rev = (rng.pareto(1.3, n) * 100).astype(np.int64)
        rev[::5] = 40  # many ties, some at a cut
        check(rev, random_bounds(rng, n, parts))
    check([500] * 30, [0, 5, 5, 12, 19, 30, 30])


def test_unsupported_and_bad_input():
    ddf = frame([1, 2, 3], [3])
    with pytest.raises(KeyError):
        kam.dask.segment(ddf, group="g")
    with pytest.raises(KeyError):
        kam.dask.segment(ddf, margin="m")
    with pytest.raises(kam.InvalidArgument, match="basis"):
        kam.dask.segment(ddf, basis="profit")
    with pytest.raises(NotImplementedError, match="key_top_n"):
        kam.dask.segment(ddf, key_top_n=3)
    with pytest.raises(TypeError, match="unknown segment option"):
        kam.dask.segment(ddf, a_shar=0.5)
    with pytest.raises(KeyError):
        kam.dask.segment(ddf, revenue="sales")
    fl = dd.from_pandas(pd.DataFrame({"revenue": [1.5, 2.0]}), npartitions=1)
    with pytest.raises(TypeError, match="integer minor units"):
        kam.dask.segment(fl)


def test_aggregate_feeds_segment():
    rng = np.random.default_rng(3)
    tx = pd.DataFrame({"account": rng.integers(0, 40, 600), "amount": rng.integers(0, 900, 600),
                       "period": rng.integers(2021, 2024, 600)})
    out = kam.dask.aggregate(dd.from_pandas(tx, npartitions=5), period="period").compute()
    want = tx.groupby("account")["amount"].sum()
    assert out["revenue"].sort_index().tolist() == want.sort_index().tolist()
    assert list(out.columns) == ["revenue", "history_2021", "history_2022", "history_2023"]
    by = tx[tx.period == 2022].groupby("account")["amount"].sum()
    assert out["history_2022"].loc[by.index].tolist() == by.tolist()
    agg = kam.dask.aggregate(dd.from_pandas(tx, npartitions=5))
    r = kam.dask.segment(agg)
    assert r.summary == one_machine(agg["revenue"].compute().to_numpy())[0]
    with pytest.raises(TypeError, match="integer"):
        kam.dask.aggregate(dd.from_pandas(tx.assign(amount=tx.amount / 2), npartitions=2))


def test_partial_bytes():
    p = kam.Partial([7, 3, 7, 0, 9])
    data = p.to_bytes()
    assert data[:8] == b"KAMP\x01\x00\x00\x00" and len(data) == 40 + 4 * 16
    q = kam.Partial.from_bytes(data)
    assert len(q) == 5 and q.to_bytes() == data
    q.merge(kam.Partial([3, 10]))
    summary, cuts = q.segment()
    assert summary["accounts"] == 7 and summary["total_revenue"] == 39
    assert kam.partial_ties([3, 10, 3], cuts) == (
        sum(v == cuts["value"][0] for v in [3, 10, 3]),
        sum(v == cuts["value"][1] for v in [3, 10, 3]))
    for i in range(len(data)):
        bad = bytearray(data)
        bad[i] ^= 0x10
        with pytest.raises((kam.ParseError, kam.LimitReached)):
            kam.Partial.from_bytes(bytes(bad))
    with pytest.raises(kam.ParseError):
        kam.Partial.from_bytes(data[:-1])
    with pytest.raises(kam.LimitReached):
        kam.Partial.from_bytes(data, max_runs=2)
    with pytest.raises(kam.InvalidArgument, match="negative"):
        kam.Partial([1, -1])
    with pytest.raises(kam.InvalidArgument, match="cuts"):
        kam.partial_classes([1], {"value": 1}, (0, 0))
    import pickle
    assert pickle.loads(pickle.dumps(p)).to_bytes() == data


# ---- margins, basis margin, groups and unit group ---------------------------------------------

UNKNOWN = -2**63


def one_machine_full(rev, mar, grp, **options):
    """kam.Portfolio with every account added in order, its margin (None when unknown) and
    group."""
    p = kam.Portfolio()
    for i, (r, m, g) in enumerate(zip(rev, mar, grp)):
        p.add(str(i), int(r), group=g, margin=None if m == UNKNOWN else int(m))
    s = p.segment(**options)
    return s.summary, s.classes.tobytes().decode()


def frame_full(rev, mar, grp, bounds):
    df = pd.DataFrame({"revenue": np.asarray(rev, dtype=np.int64),
                       "margin": np.asarray(mar, dtype=np.int64),
                       "group": np.array(grp, dtype=object)},
                      index=np.arange(len(rev)) * 3 + 10)
    parts, lo = [], 0
    for hi in bounds:
        parts.append(df.iloc[lo:hi])
        lo = hi
    return dd.from_delayed([dask.delayed(lambda x: x)(p) for p in parts], meta=df.iloc[:0])


def check_full(rev, mar, grp, bounds, margin="margin", group="group", **options):
    want_summary, want_classes = one_machine_full(
        rev, mar if margin else [UNKNOWN] * len(rev), grp if group else [None] * len(rev),
        **options)
    ddf = frame_full(rev, mar, grp, bounds)
    r = kam.dask.segment(ddf, margin=margin, group=group, **options)
    assert r.summary == want_summary
    for key in ("hhi", "gini", "top20_share", "key_revenue_share"):
        assert r.summary[key].hex() == want_summary[key].hex()
    classes = r.classes.compute()
    assert list(classes.index) == list(ddf.index.compute())
    assert "".join(classes) == want_classes
    assert r.classes.npartitions == ddf.npartitions
    return r


BASES_UNITS = [(b, u) for b in ("revenue", "margin") for u in ("account", "group")]


@pytest.mark.parametrize("parts", [1, 2, 7])
@pytest.mark.parametrize("basis,unit", BASES_UNITS)
def test_margin_and_groups_random(parts, basis, unit):
    rng = np.random.default_rng(parts * 10 + len(basis) + len(unit))
    for _ in range(4):
        n = int(rng.integers(0, 80))
        rev = rng.integers(0, 50, n)
        mar = rng.integers(-20, 40, n)
        mar[rng.random(n) < 0.2] = UNKNOWN
        grp = [None if x < 3 else ("" if x == 3 else "g%d" % x) for x in rng.integers(0, 9, n)]
        bounds = random_bounds(rng, n, parts)
        check_full(rev, mar, grp, bounds, basis=basis, unit=unit, key_share=0.05)
        check_full(rev, mar, grp, bounds, margin=None, basis=basis, unit=unit)
        check_full(rev, mar, grp, bounds, group=None, basis=basis, unit=unit, a_share=0.6)


@pytest.mark.parametrize("basis,unit", BASES_UNITS)
def test_groups_spanning_partitions_and_ties(basis, unit):
    # every customer ties at 10 (a group of two 5s spans partitions 0 and 2; ungrouped 10s):
    # the cut takes the first customers by first insertion index, across partitions
    rev = [5, 10, 10, 5, 10, 10, 10, 10]
    mar = [5, 10, 10, 5, 10, 10, 10, 10]
    grp = ["g", None, None, "g", None, None, None, None]
    for bounds in ([1, 3, 8], [0, 1, 1, 4, 8], [2, 2, 5, 8, 8]):
        check_full(rev, mar, grp, bounds, basis=basis, unit=unit)
    # a group of one account per partition that passes the 10 % test only as a group
    rev = [30, 1, 30, 2, 30, 3, 30, 900]
    mar = [10, -1, 10, UNKNOWN, 10, 3, 10, 200]
    grp = ["big", None, "big", None, "big", "", "big", None]
    r = check_full(rev, mar, grp, [2, 4, 6, 8], basis=basis, unit=unit, key_share=0.1)
    assert r.summary["key_accounts"] >= 5  # the group's four and the 900 account
    # empty partitions, all C with no positive margin, no accounts at all
    check_full([0, 4, 0], [UNKNOWN, -3, 0], [None, "a", "a"], [0, 0, 3, 3], basis=basis,
               unit=unit)
    check_full([], [], [], [0, 0], basis=basis, unit=unit)


def test_margin_and_groups_distributed(client):
    rng = np.random.default_rng(17)
    n = 200
    rev = rng.integers(0, 30, n)
    mar = rng.integers(-10, 20, n)
    mar[::7] = UNKNOWN
    grp = [None if x < 4 else "g%d" % x for x in rng.integers(0, 12, n)]
    for parts in (1, 2, 7):
        for basis, unit in BASES_UNITS:
            check_full(rev, mar, grp, random_bounds(rng, n, parts), basis=basis, unit=unit)


def test_margin_column_checks():
    df = pd.DataFrame({"revenue": [5, 7, 9], "margin": pd.array([1, None, -2], dtype="Int64")})
    r = kam.dask.segment(dd.from_pandas(df, npartitions=2), margin="margin")
    assert r.summary == one_machine_full([5, 7, 9], [1, UNKNOWN, -2], [None] * 3)[0]
    with pytest.raises(TypeError, match="margin"):
        kam.dask.segment(dd.from_pandas(df.assign(margin=[0.5, 1, 2]), npartitions=1),
                         margin="margin")


def test_partial_merge_many():
    cols = [[7, 3, 7, 0], [], [3, 10], [7, 7, 1]]
    one, many = kam.Partial([5, 3]), kam.Partial([5, 3])
    parts = [kam.Partial(c) for c in cols]
    for p in parts:
        one.merge(p)
    assert many.merge_many(parts) is many
    assert len(many) == len(one) and many.to_bytes() == one.to_bytes()
    assert kam.Partial().merge_many([]).to_bytes() == kam.Partial().to_bytes()
    with pytest.raises(kam.InvalidArgument, match="others\\[1\\]"):
        many.merge_many([parts[0], many])
    with pytest.raises(TypeError):
        many.merge_many([b"KAMP"])
    assert len(many) == len(one)

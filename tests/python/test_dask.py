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
    with pytest.raises(NotImplementedError, match="group"):
        kam.dask.segment(ddf, group="g")
    with pytest.raises(NotImplementedError, match="margin"):
        kam.dask.segment(ddf, margin="m")
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

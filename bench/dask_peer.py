"""bench/dask.sh's driver: kam.dask, Dask's own sort_values way and one-machine libkam on
the same partitioned Pareto revenues (see bench/dask.sh). Run by bench/dask.sh."""
import sys, time
import numpy as np, pandas as pd
import dask, dask.dataframe as dd, distributed
import kam, kam.dask

n, parts, workers = (int(a) for a in sys.argv[1:4])
bounds = np.linspace(0, n, parts + 1).astype(np.int64)


def make(k):
    rng = np.random.default_rng(1000 + k)
    m = int(bounds[k + 1] - bounds[k])
    rev = np.minimum((rng.pareto(1.16, m) + 1) * 10000, 1e12).astype(np.int64)
    return pd.DataFrame({"revenue": rev}, index=pd.RangeIndex(bounds[k], bounds[k + 1]))


def best(fn, reps=3):
    times, out = [], None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def dask_own(ddf, a=0.80, b=0.95):
    s = ddf.sort_values("revenue", ascending=False)["revenue"]
    total = s.sum()
    cum = s.cumsum()
    share = cum / total
    prev = share - s / total
    cls = prev.map_partitions(lambda p: pd.Series(np.where(p < a, "A", np.where(p < b, "B", "C")),
                                                  index=p.index), meta=("abc", object))
    counts = cls.value_counts()
    return dask.compute(counts)[0]


def main():
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    meta = make(0).iloc[:0]
    ddf = dd.from_delayed([dask.delayed(make)(k) for k in range(parts)], meta=meta,
                          divisions=[int(x) for x in bounds[:-1]] + [int(bounds[-1]) - 1])
    ddf = ddf.persist()
    distributed.wait(ddf)
    print("bench dask: %d accounts in %d partitions, LocalCluster of %d worker processes, "
          "%d CPUs" % (n, parts, workers, __import__("os").cpu_count()))

    def kam_dask():
        r = kam.dask.segment(ddf)
        counts = r.classes.value_counts().compute()
        return r, counts
    t_kd, (r, counts) = best(kam_dask)
    col = ddf["revenue"].compute().to_numpy()

    def one():
        p = kam.Portfolio()
        p.add_columns(col)
        s = p.segment()
        return s.summary, s.classes
    t_one, (summary, classes) = best(one)
    assert r.summary == summary, "kam.dask differs from one machine"
    assert counts.get("A", 0) == summary["count"]["A"]
    t_own, own = best(lambda: dask_own(ddf))
    sizes = r.partial_bytes
    print("  kam.dask          %8.3f s  (A %d, B %d, C %d)" % (t_kd, summary["count"]["A"],
                                                             summary["count"]["B"],
                                                             summary["count"]["C"]))
    print("  one-machine libkam %7.3f s  (add_columns + segment + classes)" % t_one)
    print("  Dask sort_values  %8.3f s  (A %d)" % (t_own, own.get("A", 0)))
    print("  Dask's own / kam.dask = %.1f (goal >= 10); kam.dask / one machine = %.1f (goal <= 3)"
          % (t_own / t_kd, t_kd / t_one))
    print("  round-1 bytes per partition: min %d, mean %d, max %d (%.1f per account); merged "
          "partial %d bytes; round 2: 16 bytes per partition" % (
              min(sizes), sum(sizes) / len(sizes), max(sizes), sum(sizes) / max(n, 1),
              r.merged_bytes))
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()

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
        out = None  # drop the last run's results first: persisted keys would be reused
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def dask_own(ddf, a=0.80, b=0.95):
    """Dask's own way: sort by revenue, cumulative share, classify; every class computed and
    kept on the workers (persist), as kam.dask's classes are."""
    s = ddf.sort_values("revenue", ascending=False)["revenue"]
    total = s.sum()
    cum = s.cumsum()
    share = cum / total
    prev = share - s / total
    cls = prev.map_partitions(lambda p: pd.Series(np.where(p < a, "A", np.where(p < b, "B", "C")),
                                                  index=p.index), meta=("abc", object))
    cls = cls.persist()
    distributed.wait(cls)
    return cls


def main():
    import os, pickle
    own_reps = int(os.environ.get("DASK_OWN_REPS", "3" if n <= 20000000 else "1"))
    reps = int(os.environ.get("KAM_REPS", "3"))
    split_every = int(os.environ.get("KAM_SPLIT_EVERY", "32"))
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    client = distributed.Client(cluster)
    meta = make(0).iloc[:0]
    ddf = dd.from_delayed([dask.delayed(make)(k) for k in range(parts)], meta=meta,
                          divisions=[int(x) for x in bounds[:-1]] + [int(bounds[-1]) - 1])
    ddf = ddf.persist()  # the partitions are generated and kept on the workers, once
    distributed.wait(ddf)
    print("bench dask: %d accounts in %d partitions, LocalCluster of %d worker processes, "
          "%d CPUs" % (n, parts, workers, os.cpu_count()))
    phases = []

    def kam_dask():
        t = time.perf_counter()
        r = kam.dask.segment(ddf, split_every=split_every)
        t1 = time.perf_counter()
        classes = r.classes.persist()  # every class computed, kept on the workers
        distributed.wait(classes)
        phases.append((t1 - t, time.perf_counter() - t1))
        return r, classes
    t_kd, (r, kd_classes) = best(kam_dask, reps)
    counts = kd_classes.value_counts().compute()
    del kd_classes
    # where round 1's time goes (outside the timed runs): the partition tasks alone, then the
    # reduce over their persisted bytes
    from kam.dask import _partial_bytes, _merge_group, _reduce
    blobs = [dask.delayed(_partial_bytes)(p) for p in ddf["revenue"].to_delayed()]
    t = time.perf_counter()
    blobs = dask.persist(*blobs)
    distributed.wait(list(blobs))
    t_r1 = time.perf_counter() - t
    groups = [dask.delayed(_merge_group)(*blobs[i:i + 32]) for i in range(0, len(blobs), 32)]
    t = time.perf_counter()
    groups = dask.persist(*groups) if len(blobs) > 32 else []
    distributed.wait(list(groups))
    t_g = time.perf_counter() - t
    t = time.perf_counter()
    dask.compute(dask.delayed(_reduce)((), list(groups), *blobs))
    t_last = time.perf_counter() - t
    del blobs, groups
    seg_t, cls_t = min(phases, key=lambda x: x[0] + x[1])
    col = ddf["revenue"].compute().to_numpy()

    def one():
        p = kam.Portfolio()
        p.add_columns(col)
        s = p.segment()
        return s.summary, s.classes
    t_one, (summary, classes) = best(one, reps)
    assert r.summary == summary, "kam.dask differs from one machine"
    assert counts.get("A", 0) == summary["count"]["A"]
    assert counts.get("C", 0) == summary["count"]["C"]
    merged_bytes = 40 + 16 * np.unique(col).size  # the merged partial: 16 per distinct revenue
    del col, classes
    if os.environ.get("DASK_OWN_SKIP"):
        t_own, own = float("nan"), {}
    else:
        t_own, own_cls = best(lambda: dask_own(ddf), own_reps)
        own = own_cls.value_counts().compute()
        del own_cls
    sizes = r.partial_bytes
    reduce_out = len(pickle.dumps((r.summary, r.cuts, [(0, 0)] * parts)))
    down = len(pickle.dumps((r.cuts, r.before[-1] if r.before else (0, 0))))
    print("  kam.dask          %8.3f s  (round 1 + reduce %.3f s, classes %.3f s;"
          " A %d, B %d, C %d)" % (t_kd, seg_t, cls_t, summary["count"]["A"],
                                 summary["count"]["B"], summary["count"]["C"]))
    print("    round 1 alone %.3f s, the reduce's groups %.3f s, its last task %.3f s (run "
          "apart, not in the time above)" % (t_r1, t_g, t_last))
    print("  one-machine libkam %7.3f s  (add_columns + segment + classes)" % t_one)
    print("  Dask sort_values  %8.3f s  (best of %d; A %d)" % (t_own, own_reps, own.get("A", 0)))
    print("  Dask's own / kam.dask = %.1f (goal >= 10); kam.dask / one machine = %.2f (goal <= 3)"
          % (t_own / t_kd, t_kd / t_one))
    print("  bytes per partition, round 1 (partial: the revenue distribution, the exact-Gini "
          "shuffle, 40 + 16 x distinct revenues): min %d, mean %d, max %d (%.2f per account, "
          "%d in all)" % (min(sizes), sum(sizes) / len(sizes), max(sizes),
                          sum(sizes) / max(n, 1), sum(sizes)))
    print("  bytes per partition, round 2 (classes): the cuts and before[2] down, %d bytes "
          "pickled; nothing up (the classes stay on the worker)" % down)
    print("  reduce -> driver: summary, cuts and 16 bytes of tie counts per partition, %d bytes "
          "pickled; the merged partial (%d bytes) stays on the reduce worker" % (
              reduce_out, merged_bytes))
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()

"""pandas on bench_csv's file: the peer of bench/csv.sh.

    csv_peer.py FILE [REPS]

Timed, per repetition (best of REPS, default 3): pandas.read_csv(sep=";", decimal=",",
encoding="utf-8-sig") of the whole file, revenue to int64 minor units, the ABC classes as
bench/segment_peer.py computes them (A while the revenue ranked above is below 80 % of the total,
B below 95 %, zero revenue is C) and the cv of the 12 months (population standard deviation /
mean; XYZ cuts 0.10 and 0.25). Prints a line like bench_csv's.
"""
import os
import sys
import time

import numpy as np
import pandas as pd


def run(path):
    df = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig",
                     dtype={"id": str, "name": str})
    rev = (df["revenue"].to_numpy() * 100).round().astype(np.int64)
    order = np.argsort(-rev, kind="stable")
    ranked = rev[order]
    total = ranked.sum()
    before = np.cumsum(ranked) - ranked
    counts = {"A": int(((before * 100 < 80 * total) & (ranked > 0)).sum())}
    counts["B"] = int(((before * 100 < 95 * total) & (ranked > 0)).sum()) - counts["A"]
    counts["C"] = len(rev) - counts["A"] - counts["B"]
    h = df[["m%d" % k for k in range(1, 13)]].to_numpy(dtype=np.float64)
    mean = h.mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = h.std(axis=1) / mean
    counts["X"] = int((cv <= 0.10).sum())
    counts["Y"] = int(((cv > 0.10) & (cv <= 0.25)).sum())
    counts["Z"] = int((cv > 0.25).sum())
    return len(rev), counts


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    wall = cpu = float("inf")
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        n, counts = run(path)
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    print("pandas threads=1 n=%d bytes=%d wall_ms=%.1f cpu_ms=%.1f %s" % (
        n, os.path.getsize(path), wall * 1e3, cpu * 1e3,
        " ".join("%s=%d" % (k, counts[k]) for k in "ABCXYZ")))


if __name__ == "__main__":
    main()

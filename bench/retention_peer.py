"""The peers of bench_retention: statuses and the revenue bridge of the same histories with
pandas and with numpy.

    retention_peer.py FILE [REPS]

FILE holds N x 12 int64 histories as bench_retention --write makes them (account by account,
oldest period first; an account that started later has zeros in front, which is what libkam's
padding means). Timed, per repetition (best of REPS, default 3), the definitions of
kam/retention.h with window 6 and threshold 0.10:
  b = sum of periods 1..6, c = sum of periods 7..12 per account; the status of each account
  (inactive, new, lost, expanding, contracting, stable; the comparisons in double as the header
  writes them); the count per status; the bridge (start, new, expansion, contraction, churn,
  end) as exact int64 sums; NRR and GRR;
  pandas  a DataFrame of the 12 columns: row sums of the two windows, np.select for the status,
          value_counts, masked sums;
  numpy   the same on the 2-D array: sum(axis=1), np.select, bincount, masked sums.
Prints lines like bench_retention's.
"""
import sys
import time

import numpy as np
import pandas as pd

PERIODS, W, T = 12, 6, 0.10
STATUSES = ("inactive", "new_n", "lost", "expanding", "contracting", "stable")


def best(fn, reps):
    wall = cpu = float("inf")
    out = None
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, out


def status_of(b, c):
    bf, cf = b.astype(np.float64), c.astype(np.float64)
    return np.select([(b == 0) & (c == 0), b == 0, c == 0, cf >= bf * (1 + T),
                      cf <= bf * (1 - T)], [0, 1, 2, 3, 4], 5).astype(np.int8)


def bridge(b, c, st):
    retained = (b > 0) & (c > 0)
    d = c - b
    start, end = int(b.sum()), int(c.sum())
    out = {"start": start, "new": int(c[st == 1].sum()),
           "expansion": int(d[retained & (d > 0)].sum()),
           "contraction": int(-d[retained & (d < 0)].sum()),
           "churn": int(b[st == 2].sum()), "end": end}
    had = b > 0
    out["nrr"] = float(c[had].sum()) / start
    out["grr"] = float(np.minimum(b, c)[had].sum()) / start
    return out


def with_pandas(h):
    df = pd.DataFrame(h)
    b = df.iloc[:, PERIODS - 2 * W:PERIODS - W].sum(axis=1).to_numpy()
    c = df.iloc[:, PERIODS - W:].sum(axis=1).to_numpy()
    st = pd.Series(status_of(b, c))
    counts = st.value_counts().reindex(range(6), fill_value=0).to_numpy()
    out = bridge(b, c, st.to_numpy())
    return out, counts


def with_numpy(h):
    b = h[:, PERIODS - 2 * W:PERIODS - W].sum(axis=1)
    c = h[:, PERIODS - W:].sum(axis=1)
    st = status_of(b, c)
    counts = np.bincount(st, minlength=6)
    return bridge(b, c, st), counts


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    h = np.fromfile(path, dtype="<i8").reshape(-1, PERIODS)
    for name, fn in (("pandas", with_pandas), ("numpy", with_numpy)):
        wall, cpu, (br, counts) = best(lambda: fn(h), reps)
        fields = " ".join("%s=%d" % (k, br[k]) for k in
                          ("start", "new", "expansion", "contraction", "churn", "end"))
        sts = " ".join("%s=%d" % (k, v) for k, v in zip(STATUSES, counts))
        print("%s n=%d periods=%d wall_ms=%.1f cpu_ms=%.1f %s nrr=%.6f grr=%.6f %s" % (
            name, h.shape[0], PERIODS, wall * 1e3, cpu * 1e3, fields, br["nrr"], br["grr"], sts))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

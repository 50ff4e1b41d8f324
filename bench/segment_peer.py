"""The peers of bench_segment: ABC classes of the same revenues with pandas and with numpy.

    segment_peer.py FILE [REPS]

FILE holds int64 revenues as bench_segment --write makes them. Timed, per repetition (best of
REPS, default 3): the classes of every account in insertion order by DESIGN section 5 (A: the
shortest rank prefix whose cumulative share reaches 0.80, A+B: 0.95, zero revenue is C):
  pandas  Series.sort_values(ascending=False) + cumsum + classify (np.select on the share of
          the revenue before each account) back into insertion order;
  numpy   argsort + cumsum + searchsorted for the two cuts + classify into insertion order.
Both use their default sort (not stable: tied accounts at a cut may differ from libkam's
insertion-order tie break, the counts do not). Prints lines like bench_segment's.
"""
import sys
import time

import numpy as np
import pandas as pd


def best(fn, reps):
    wall = cpu = float("inf")
    out = None
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, out


def with_pandas(r, a=0.80, b=0.95):
    s = pd.Series(r)
    ranked = s.sort_values(ascending=False)
    total = ranked.sum()
    before = (ranked.cumsum() - ranked) / total       # share of the accounts ranked above
    cls = np.select([(before < a) & (ranked > 0), (before < b) & (ranked > 0)], [b"A", b"B"],
                    default=b"C").astype("S1")
    out = pd.Series(cls, index=ranked.index).sort_index()
    return out.to_numpy()


def with_numpy(r, a=0.80, b=0.95):
    order = np.argsort(-r)
    cum = np.cumsum(r[order])
    total = cum[-1]
    share = cum / total
    ia = np.searchsorted(share, a, side="left") + 1   # shortest prefix reaching a
    ib = np.searchsorted(share, b, side="left") + 1
    ranked = np.full(r.size, b"C", dtype="S1")
    ranked[:ib] = b"B"
    ranked[:ia] = b"A"
    ranked[r[order] == 0] = b"C"
    cls = np.empty(r.size, dtype="S1")
    cls[order] = ranked
    return cls


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    r = np.fromfile(path, dtype="<i8")
    for name, fn in (("pandas", with_pandas), ("numpy", with_numpy)):
        wall, cpu, cls = best(lambda: fn(r), reps)
        counts = {k: int((cls == k.encode()).sum()) for k in "ABC"}
        print("%s n=%d wall_ms=%.1f cpu_ms=%.1f A=%d B=%d C=%d" % (
            name, r.size, wall * 1e3, cpu * 1e3, counts["A"], counts["B"], counts["C"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()

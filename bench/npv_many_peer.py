"""numpy peer for bench_npv_many: the same data and the same NPVs, vectorised.
Prints numpy_seconds (numpy-financial's formulation: values / (1+r)**t summed per row) and
matmul_seconds (values @ discount factors, BLAS), each the best of several runs, and a checksum
that must match libkam's."""
import sys
import time

import numpy as np

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
cols = int(sys.argv[2]) if len(sys.argv) > 2 else 60
i = np.arange(rows * cols, dtype=np.uint64)
v = ((i * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)).astype(np.float64) / 4294967296.0 * 20000.0 - 10000.0
v = v.reshape(rows, cols)
del i
rate = 0.01
t = np.arange(1, cols + 1, dtype=np.float64)


def npf_style():
    return (v / (1.0 + rate) ** t).sum(axis=1)


def matmul():
    return v @ (1.0 / (1.0 + rate) ** t)


def best(f, runs=5):
    b, out = 1e9, None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = f()
        b = min(b, time.perf_counter() - t0)
    return b, out


tn, out = best(npf_style)
tm, out2 = best(matmul)
print("numpy_seconds %.4f" % tn)
print("matmul_seconds %.4f" % tm)
print("checksum %.6e" % out.sum())

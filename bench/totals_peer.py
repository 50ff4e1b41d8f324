"""Python decimal peer for bench_totals: the same lines and the same totals (DESIGN.md section 9,
half away from zero at each step = decimal.ROUND_HALF_UP), per-line and per-total VAT rounding.
Prints python_<mode>_seconds (best of several runs, from already-built Decimal inputs, as the
C side starts from parsed decimals) and totals_<mode> lines that must equal libkam's."""
import sys
import time
from decimal import Decimal, ROUND_HALF_UP, getcontext

getcontext().prec = 60
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
QTY = [Decimal(s) for s in ("1", "2.5", "0.333", "3", "10", "1.25", "7")]
DISC = [Decimal(s) for s in ("0", "5", "10", "12.5", "3")]
RATE = [Decimal(s) for s in ("0", "10", "20")]
lines = [(QTY[i % 7], Decimal(((i * 2654435761) & 0xFFFFFFFF) % 10000000), DISC[i % 5],
          RATE[i % 3], i % 11 == 0) for i in range(n)]
HUNDRED = Decimal(100)


def r(x):
    return int(x.to_integral_value(rounding=ROUND_HALF_UP))


def totals(per_line):
    gross = disc = net = vat = opt = 0
    rate_net = {}
    opt_rate_net = {}
    for q, price, d, v, optional in lines:
        g = r(q * price)
        dd = r(g * d / HUNDRED)
        nt = g - dd
        if per_line:
            lv = r(nt * v / HUNDRED)
            if optional:
                opt += nt + lv
            else:
                gross += g; disc += dd; net += nt; vat += lv
        elif optional:
            opt_rate_net[v] = opt_rate_net.get(v, 0) + nt
        else:
            gross += g; disc += dd; net += nt
            rate_net[v] = rate_net.get(v, 0) + nt
    if not per_line:
        for v, s in rate_net.items():
            vat += r(s * v / HUNDRED)
        # what the optional lines would add: totals with them minus totals without
        for v, s in opt_rate_net.items():
            base = rate_net.get(v, 0)
            opt += s + r((base + s) * v / HUNDRED) - r(base * v / HUNDRED)
    return gross, disc, net, vat, net + vat, opt


for per_line, name in ((True, "line"), (False, "total")):
    best = 1e9
    for _ in range(3):
        t0 = time.perf_counter()
        t = totals(per_line)
        best = min(best, time.perf_counter() - t0)
    print("python_%s_seconds %.4f" % (name, best))
    print("totals_%s %s" % (name, " ".join(str(x) for x in t)))

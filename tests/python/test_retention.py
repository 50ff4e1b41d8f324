"""Portfolio.retention through the Python binding: a hand case, the bridge identity and the
statuses against a plain reference on random portfolios, errors, and the `kam retention` CLI."""
import json
import math
import os
import random
import subprocess
import xml.dom.minidom

import pytest

import kam

SOURCE = os.environ.get("KAM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
ACCOUNTS_CSV = os.path.join(SOURCE, "examples", "data", "accounts.csv")
CLI = os.environ.get("KAM_CLI")


def reference(histories, flags, window, t):
    n_max = max(len(h) for h in histories)
    w = window or n_max // 2
    out = {"start": 0, "new": 0, "expansion": 0, "contraction": 0, "churn": 0, "end": 0,
           "counts": dict.fromkeys(kam.RETENTION_STATUSES, 0), "hunting": 0, "ret": 0, "min": 0}
    for h, new_flag in zip(histories, flags):
        padded = [0] * (n_max - len(h)) + list(h)
        b = sum(padded[n_max - 2 * w:n_max - w])
        c = sum(padded[n_max - w:])
        if b == 0:
            status = "inactive" if c == 0 else "new"
        elif c == 0:
            status = "lost"
        elif float(c) >= float(b) * (1 + t):
            status = "expanding"
        elif float(c) <= float(b) * (1 - t):
            status = "contracting"
        else:
            status = "stable"
        out["counts"][status] += 1
        out["start"] += b
        out["end"] += c
        if status == "new":
            out["new"] += c
        if status == "lost":
            out["churn"] += b
        if b > 0 and c > 0:
            out["expansion"] += max(c - b, 0)
            out["contraction"] += max(b - c, 0)
        if b > 0:
            out["ret"] += c
            out["min"] += min(b, c)
        if status == "new" or new_flag:
            out["hunting"] += c
    return out


def test_hand_case():
    p = kam.Portfolio()
    p.add("lost", 0, history=[10, 10, 0, 0])
    p.add("new", 7, history=[5, 7])
    p.add("up", 120, history=[100, 100, 120, 120], new=True)
    p.add("none", 0)
    r = p.retention()
    assert (r["start"], r["new"], r["expansion"], r["contraction"], r["churn"], r["end"]) == \
        (220, 12, 40, 0, 20, 252)
    assert r["counts"] == {"inactive": 1, "new": 1, "lost": 1, "expanding": 1,
                           "contracting": 0, "stable": 0}
    assert r["nrr"] == 240 / 220 and r["grr"] == 200 / 220
    assert r["hunting"] == {"accounts": 2, "revenue": 252}
    assert r["farming"] == {"accounts": 2, "revenue": 0}
    assert sum(sum(d["counts"].values()) for d in r["by_class"].values()) == 4
    assert sum(d["end"] for d in r["by_class"].values()) == 252
    assert r["by_status"]["lost"]["churn"] == 20
    assert (r["periods"], r["window"], r["threshold"]) == (4, 2, 0.1)


def test_against_reference():
    rnd = random.Random(13)
    for _ in range(300):
        n = rnd.randint(1, 12)
        histories = [[rnd.choice([0, 0, 1, 90, 100, 110, rnd.randint(0, 10**6)])
                      for _ in range(rnd.randint(0, 8))] for _ in range(n)]
        if max(len(h) for h in histories) < 2:
            histories[0] = [1, 2]
        flags = [rnd.random() < 0.2 for _ in range(n)]
        p = kam.Portfolio()
        for i, (h, f) in enumerate(zip(histories, flags)):
            p.add("a%d" % i, 0, history=h, new=f)
        n_max = max(len(h) for h in histories)
        window = rnd.choice([None, rnd.randint(1, n_max // 2)])
        t = rnd.choice([0.0, 0.05, 0.1, 0.25])
        r = p.retention(window, t)
        want = reference(histories, flags, window, t)
        for key in ("start", "new", "expansion", "contraction", "churn", "end", "counts"):
            assert r[key] == want[key], key
        assert r["start"] + r["new"] + r["expansion"] - r["contraction"] - r["churn"] == r["end"]
        assert r["hunting"]["revenue"] == want["hunting"]
        if want["start"]:
            assert r["nrr"] == float(want["ret"]) / float(want["start"])
            assert r["grr"] == float(want["min"]) / float(want["start"])
        else:
            assert math.isnan(r["nrr"]) and math.isnan(r["grr"])


def test_errors_and_overflow():
    p = kam.Portfolio()
    p.add("one", 1, history=[1])
    with pytest.raises(kam.InvalidArgument, match="at least 2 periods"):
        p.retention()
    p.add("two", 1, history=[2**62, 0])
    with pytest.raises(kam.InvalidArgument, match="window 2"):
        p.retention(window=2)
    with pytest.raises(TypeError):
        p.retention(window=0)
    with pytest.raises(TypeError):
        p.retention(threshold="x")
    with pytest.raises(kam.InvalidArgument):
        p.retention(threshold=-1)
    p.add("three", 1, history=[2**62 - 1, 0])
    assert p.retention()["churn"] == 2**63 - 1
    p.add("four", 1, history=[1, 0])
    with pytest.raises(kam.Overflow, match="INT64_MAX"):
        p.retention()


def test_statuses_constant():
    assert kam.RETENTION_STATUSES == ("inactive", "new", "lost", "expanding", "contracting",
                                      "stable")


@pytest.mark.skipif(not CLI or not os.path.exists(CLI), reason="KAM_CLI not set")
def test_cli_json_matches_binding(tmp_path):
    out = subprocess.run([CLI, "retention", ACCOUNTS_CSV, "--window", "3", "--json"],
                         capture_output=True, text=True, check=True).stdout
    got = json.loads(out)
    want = kam.Portfolio.read_csv(ACCOUNTS_CSV).retention(window=3)
    for key in ("start", "new", "expansion", "contraction", "churn", "end"):
        assert got["bridge"][key] == want[key]
    assert got["counts"] == want["counts"]
    assert got["nrr"] == want["nrr"]
    for cls in "ABC":
        assert got["by_class"][cls]["counts"] == want["by_class"][cls]["counts"]
    text = subprocess.run([CLI, "retention", ACCOUNTS_CSV], capture_output=True, text=True,
                          check=True).stdout
    assert "Revenue bridge" in text and "NRR" in text and "hunting" in text
    svg = tmp_path / "bridge.svg"
    subprocess.run([CLI, "retention", ACCOUNTS_CSV, "--svg", str(svg)], capture_output=True,
                   check=True)
    doc = xml.dom.minidom.parse(str(svg))
    assert len(doc.getElementsByTagName("rect")) == 7  # the page and the six bars
    labels = [t.firstChild.data for t in doc.getElementsByTagName("text")]
    for label in ("start", "+ new", "+ expansion", "- contraction", "- churn", "end"):
        assert label in labels
    bad = subprocess.run([CLI, "retention", ACCOUNTS_CSV, "--window", "99"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "window 99" in bad.stderr

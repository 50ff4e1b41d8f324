"""Account health through the Python binding: the relationship input, statuses and health in
the segmentation's dicts and DataFrame, red accounts and the revenue at risk, the names, and the
JSON/CSV reports (kam/portfolio.h, kam_segment "Health")."""
import json
import math

import pytest

import kam


def _portfolio():
    p = kam.Portfolio()
    p.add("flat", 1000, history=[100, 100, 100, 100])
    p.add("lost", 2000, history=[100, 100, 0, 0], relationship=0.2)
    p.add("up", 3000, history=[100, 100, 130, 130], relationship=0.9)
    p.add("none", 4000)
    return p


def test_health_in_scores_and_summary():
    p = _portfolio()
    s = p.segment()  # retention=True is the bindings' default
    flat, lost, up, none = (s[i] for i in range(4))
    assert flat["status"] == "stable"
    assert flat["health"] == pytest.approx((0.5 + 1.0 + 0.75) / 3)
    assert flat["light"] == "green" and flat["health_reasons"] == []
    assert math.isnan(flat["relationship"])
    assert lost["status"] == "lost" and lost["light"] == "red"
    assert lost["health"] == pytest.approx(0.2 / 4)
    assert lost["health_reasons"] == ["trend", "volatility", "retention", "relationship"]
    assert up["status"] == "expanding" and up["relationship"] == pytest.approx(0.9)
    assert none["status"] == "inactive" and none["light"] is None and math.isnan(none["health"])
    sm = s.summary
    assert sm["red_accounts"] == 1
    assert sm["revenue_at_risk"] == 2000
    # without statuses: no status, and the retention component is gone
    s2 = p.segment(retention=False)
    assert s2[0]["status"] is None
    assert s2[0]["health"] == pytest.approx(0.75)
    assert s2[1]["health_reasons"] == ["trend", "volatility", "relationship"]


def test_statuses_equal_portfolio_retention():
    p = kam.Portfolio()
    import random
    rnd = random.Random(13)
    for i in range(200):
        h = [rnd.choice([0, 90, 100, 110, rnd.randrange(1000)]) for _ in range(rnd.randrange(9))]
        p.add("a%d" % i, i, history=h)
    for window, t in ((None, 0.1), (1, 0.0), (2, 0.3), (4, 0.05)):
        s = p.segment(retention_window=window, retention_threshold=t)
        counts = dict.fromkeys(kam.RETENTION_STATUSES, 0)
        for i in range(len(s)):
            counts[s[i]["status"]] += 1
        assert counts == p.retention(window=window, threshold=t)["counts"]
    with pytest.raises(kam.InvalidArgument, match="retention_window"):
        p.segment(retention_window=5)


def test_relationship_errors():
    p = kam.Portfolio()
    with pytest.raises(kam.InvalidArgument, match="relationship"):
        p.add("x", 1, relationship=1.5)
    with pytest.raises(TypeError):
        p.add("x", 1, relationship="high")
    assert len(p) == 0


def test_to_pandas_and_reports():
    pytest.importorskip("pandas")
    s = _portfolio().segment()
    df = s.to_pandas()
    for col in ("status", "relationship", "health", "light", "health_reasons"):
        assert col in df.columns
    row = df[df["id"] == "lost"].iloc[0]
    assert row["status"] == "lost" and row["light"] == "red"
    assert row["health_reasons"] == "trend,volatility,retention,relationship"
    doc = json.loads(s.to_json())
    assert doc["summary"]["revenue_at_risk"] == 2000
    lost = [a for a in doc["accounts"] if a["id"] == "lost"][0]
    assert lost["status"] == "lost" and lost["light"] == "red" and lost["relationship"] == 0.2
    csv = s.to_csv()
    assert csv.splitlines()[0].endswith("status,relationship,health,light,health_reasons")


def test_csv_relationship_column():
    p = kam.Portfolio.parse_csv("id,revenue,relationship\na,10,0.25\nb,5,\n")
    s = p.segment()
    assert s[0]["relationship"] == pytest.approx(0.25) and s[0]["light"] == "red"
    assert math.isnan(s[1]["relationship"])


def test_names():
    assert kam.HEALTH_REASONS == ("trend", "volatility", "retention", "margin", "relationship")
    assert kam.health_reason_name(4) == "retention"
    assert kam.health_light_name("R") == "red" and kam.health_light_name(ord("G")) == "green"
    with pytest.raises(kam.InvalidArgument):
        kam.health_reason_name(3)
    with pytest.raises(kam.InvalidArgument):
        kam.health_light_name("-")

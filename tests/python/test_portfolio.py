"""Portfolio and segmentation through the Python binding: adding accounts (exact money), bulk
columns with numpy, segmentation results against a plain reference, errors, the io methods."""
import decimal
import io
import json
import math
import os
import random

import pytest

import kam

SOURCE = os.environ.get("KAM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
ACCOUNTS_CSV = os.path.join(SOURCE, "examples", "data", "accounts.csv")


def reference_classes(revenue, a=0.8, b=0.95):
    """DESIGN section 5 by sorting: shortest rank prefixes reaching a and b."""
    n = len(revenue)
    total = sum(revenue)
    order = sorted(range(n), key=lambda i: (-revenue[i], i))
    out = ["C"] * n
    if total == 0:
        return "".join(out), order
    cum, la = 0, 0
    while not (cum / total >= a):
        cum += revenue[order[la]]
        la += 1
    cum, lab = 0, 0
    while not (cum / total >= b):
        cum += revenue[order[lab]]
        lab += 1
    for pos, i in enumerate(order):
        if revenue[i] > 0:
            out[i] = "A" if pos < la else "B" if pos < lab else "C"
    return "".join(out), order


def test_add_and_segment_hand_case():
    p = kam.Portfolio()
    p.add("x", 20)
    p.add("big", decimal.Decimal("0.50"), name="Большой клиент", group="Холдинг", strategic=True)
    p.add("zero", "0")
    p.add("mid", "0.30", history=[100, "1.00", decimal.Decimal("1.5")], forecast=[10, 20.5],
          potential=0.5, new=True)
    assert len(p) == 4
    s = p.segment()
    assert len(s) == 4
    cls = s.classes
    assert bytes(cls.tobytes() if hasattr(cls, "tobytes") else cls) == b"BACA"
    sm = s.summary
    assert sm["accounts"] == 4 and sm["total_revenue"] == 100
    assert sm["count"] == {"A": 2, "B": 1, "C": 1}
    assert sm["revenue"] == {"A": 80, "B": 20, "C": 0}
    assert sm["key_accounts"] == 3
    assert sm["gini"] == pytest.approx(0.4, abs=1e-15)
    assert sm["hhi"] == pytest.approx(0.38) and sm["effective_accounts"] == pytest.approx(1 / 0.38)
    assert sm["top20_share"] == 0.5
    big = s[1]
    assert big["id"] == "big" and big["name"] == "Большой клиент" and big["group"] == "Холдинг"
    assert big["rank"] == 1 and big["abc"] == "A" and big["key"]
    assert big["key_reasons"] == ["share", "group_share", "strategic"]
    mid = s[-1]
    assert mid["revenue"] == 30 and mid["cum_share"] == 0.8 and mid["abc"] == "A"
    assert mid["xyz"] in "XYZ" and not math.isnan(mid["cv"])
    assert mid["npv"] == pytest.approx(10 / 1.1 + 20.5 / 1.21)
    assert s[2]["xyz"] == "-" and math.isnan(s[2]["npv"])
    assert 0 <= mid["score"] <= 1
    ranked = list(s)
    assert [d["id"] for d in ranked] == ["big", "mid", "x", "zero"]
    assert [d["rank"] for d in ranked] == [1, 2, 3, 4]
    assert s.get_by_rank(4)["id"] == "zero"
    with pytest.raises(IndexError):
        s[4]
    with pytest.raises(IndexError):
        s.get_by_rank(0)
    assert "A 2, B 1, C 1" in repr(s) and "4 accounts" in repr(p)


def test_money_is_exact_and_floats_are_refused():
    p = kam.Portfolio()
    p.add("a", "1234567.89")
    p.add("b", decimal.Decimal("0.1"))
    p.add("c", 2**62)
    s = p.segment(a_share=0.5)
    assert [s[i]["revenue"] for i in range(3)] == [123456789, 10, 2**62]
    with pytest.raises(TypeError):
        p.add("d", 1.5)
    with pytest.raises(TypeError):
        p.add("d", True)
    with pytest.raises(kam.InvalidArgument, match="more than 2 decimals"):
        p.add("d", "1.005")
    with pytest.raises(kam.InvalidArgument, match="not a decimal amount"):
        p.add("d", "12,5")
    with pytest.raises(kam.InvalidArgument, match="does not fit"):
        p.add("d", 2**63)
    with pytest.raises(kam.InvalidArgument, match="finite"):
        p.add("d", decimal.Decimal("NaN"))
    with pytest.raises(kam.InvalidArgument, match="does not fit"):
        p.add("d", "92233720368547758.08")
    assert len(p) == 3
    # Decimal text is read by the library (kam_money_parse), Decimals through their plain text.
    p.add("e", " 1.5e3 ")
    p.add("f", decimal.Decimal("2.500"))
    p.add("g", decimal.Decimal("1E+2"))
    s = p.segment()
    assert {s[i]["id"]: s[i]["revenue"] for i in range(len(p))}["e"] == 150000
    assert {s[i]["id"]: s[i]["revenue"] for i in range(len(p))}["f"] == 250
    assert {s[i]["id"]: s[i]["revenue"] for i in range(len(p))}["g"] == 10000


def test_errors_carry_the_library_message():
    p = kam.Portfolio()
    p.add("a", 1)
    with pytest.raises(kam.AlreadyExists, match='duplicate id "a"') as e:
        p.add("a", 2)
    assert e.value.status == -9  # KAM_EEXIST
    with pytest.raises(kam.InvalidArgument, match="revenue -1 is negative"):
        p.add("n", -1)
    with pytest.raises(kam.InvalidArgument, match="the id is empty"):
        p.add("", 1)
    with pytest.raises(kam.InvalidArgument, match="not valid UTF-8"):
        p.add("\udcff", 1)
    with pytest.raises(kam.InvalidArgument, match="potential 2 is outside"):
        p.add("p", 1, potential=2)
    with pytest.raises(kam.InvalidArgument, match="forecast\\[0\\] is not a finite"):
        p.add("f", 1, forecast=[float("inf")])
    with pytest.raises(kam.InvalidArgument, match="history\\[1\\]"):
        p.add("h", 1, history=[1, -1])
    with pytest.raises(TypeError):
        p.add(None, 1)
    with pytest.raises(TypeError):
        p.add("t", 1, potential="high")
    assert len(p) == 1
    with pytest.raises(kam.InvalidArgument, match="a_share"):
        p.segment(a_share=1.5)
    with pytest.raises(kam.InvalidArgument, match="weights are all 0"):
        p.segment(w_share=0, w_npv=0, w_trend=0, w_potential=0, w_strategic=0)
    with pytest.raises(TypeError, match="unknown segment option"):
        p.segment(bogus=1)
    with pytest.raises(TypeError):
        p.segment(key_top_n=-1)
    q = kam.Portfolio()
    q.add_columns([2**62, 2**62, 2**62])
    with pytest.raises(kam.Overflow, match="exceeds INT64_MAX"):
        q.segment()


def test_add_columns_lists_and_generated_ids():
    p = kam.Portfolio()
    p.add_columns([5, 3, 0, 7])
    p.add_columns(["1.00", decimal.Decimal("2")], ids=["x", "y"])
    assert len(p) == 6
    s = p.segment()
    assert [s[i]["id"] for i in range(6)] == ["0", "1", "2", "3", "x", "y"]
    assert s[4]["revenue"] == 100 and s[5]["revenue"] == 200
    with pytest.raises(kam.AlreadyExists, match='duplicate id "2"'):
        p.add("2", 1)
    with pytest.raises(kam.AlreadyExists):
        p.add_columns([1, 2], ids=["z", "x"])
    with pytest.raises(kam.InvalidArgument, match="negative"):
        p.add_columns([1, -2])
    with pytest.raises(kam.InvalidArgument, match="2 ids for 1 revenues"):
        p.add_columns([1], ids=["q", "r"])
    assert len(p) == 6
    p.add_columns([])
    assert len(p) == 6


def test_numpy_zero_copy_and_property_against_reference():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    for trial in range(40):
        n = int(rng.integers(1, 400))
        kind = trial % 4
        if kind == 0:
            rev = rng.integers(0, 6, n)
        elif kind == 1:
            rev = (rng.pareto(1.2, n) * 1000).astype(np.int64)
        elif kind == 2:
            rev = np.zeros(n, dtype=np.int64)
        else:
            rev = rng.integers(0, 2**40, n)
        rev = rev.astype(np.int64)
        p = kam.Portfolio()
        p.add_columns(rev)
        a = [0.8, 0.5, 0.33, 0.0][trial % 4]
        s = p.segment(a_share=a, b_share=max(a, 0.95))
        want, order = reference_classes([int(x) for x in rev], a, max(a, 0.95))
        cls = s.classes
        assert isinstance(cls, np.ndarray) and cls.dtype == np.dtype("S1")
        assert cls.tobytes().decode() == want
        got_order = [d["index"] for d in s]
        assert got_order == order
    # an int32 or a non-contiguous array is converted, not misread
    p = kam.Portfolio()
    p.add_columns(np.arange(10, dtype=np.int32)[::2])
    assert len(p) == 5 and p.segment()[4]["revenue"] == 8
    with pytest.raises(TypeError):
        p.add_columns(np.ones(3))


def test_threads_give_the_same_results():
    """Portfolio(threads=...) / set_threads reach kam_ctx_set_threads: past 65,536 accounts a
    part the work splits, and every result stays the same."""
    rng = random.Random(11)
    rev = [int(1000 / (1 - rng.random() * 0.999) ** (1 / 1.2)) for _ in range(200000)]
    results = []
    for threads in (1, 3):
        p = kam.Portfolio(threads=threads)
        p.add_columns(rev)
        s = p.segment()
        cls = s.classes
        results.append((s.summary, cls.tobytes() if hasattr(cls, "tobytes") else cls,
                        s.get_by_rank(1)["index"]))
    assert results[0] == results[1]
    p = kam.Portfolio()
    p.set_threads(2)
    for bad in (0, 65, -1):
        with pytest.raises(kam.InvalidArgument, match="outside 1..64"):
            p.set_threads(bad)
    with pytest.raises(TypeError):
        p.set_threads(2.0)
    ctx = kam._native.Owner()
    ctx.set_threads(4)
    with pytest.raises(kam.InvalidArgument, match="outside 1..64"):
        ctx.set_threads(0)


def test_segment_options_and_key_top_n():
    p = kam.Portfolio()
    for i in range(30):
        p.add("c%d" % i, 1000 + i, forecast=[i * 10.0], potential=(i % 5) / 4)
    s = p.segment(key_top_n=3, key_share=0.5)
    top = [d for d in s if "top_score" in d["key_reasons"]]
    assert len(top) == 3 and s.summary["key_accounts"] == 3
    best = max(s[i]["score"] for i in range(30))
    assert max(d["score"] for d in top) == best
    s2 = p.segment(w_share=1, w_npv=0, w_trend=0, w_potential=0, w_strategic=0)
    # score by share only: the percentile rank of revenue
    assert s2[29]["score"] == 1.0 and s2[0]["score"] == 0.0


def test_foreach_orders_and_stop():
    p = kam.Portfolio()
    p.add_columns([3, 9, 1])
    s = p.segment()
    seen = []
    s.foreach(lambda d: seen.append(d["id"]), order="insertion")
    assert seen == ["0", "1", "2"]
    seen.clear()
    assert s.foreach(lambda d: seen.append(d["id"]) or len(seen) == 2) is False
    assert seen == ["1", "0"]
    assert s.foreach(lambda d: None) is True
    # get(i) is s[i]; each(order) the iterator with an order, as in Lua
    assert s.get(1)["id"] == s[1]["id"] == "1" and s.get(-1)["id"] == "2"
    assert s.count() == len(s) == 3
    assert [d["id"] for d in s.each("insertion")] == ["0", "1", "2"]
    assert [d["id"] for d in s.each()] == [d["id"] for d in s] == ["1", "0", "2"]
    with pytest.raises(ValueError):
        list(s.each("sideways"))

    def boom(d):
        raise KeyError("stop")
    with pytest.raises(KeyError):
        s.foreach(boom)
    with pytest.raises(ValueError):
        s.foreach(print, order="sideways")


def test_segmentation_outlives_additions():
    p = kam.Portfolio()
    p.add_columns([1, 2, 3])
    s = p.segment()
    p.add_columns([100] * 10)
    assert len(s) == 3 and s.summary["total_revenue"] == 6
    assert s[2]["rank"] == 1
    del p  # the segmentation keeps the portfolio alive
    assert s[0]["id"] == "0"


def test_garbage_cycles_free_in_any_order():
    import gc
    for _ in range(50):
        p = kam.Portfolio()
        p.add_columns([1, 2, 3])
        s = p.segment()
        cycle = {"p": p, "s": s}
        cycle["self"] = cycle
        del p, s, cycle
    gc.collect()


def test_to_pandas():
    pd = pytest.importorskip("pandas")
    p = kam.Portfolio()
    p.add("a", 10, name="A", group="G")
    p.add("b", 30)
    df = p.segment().to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df["id"]) == ["a", "b"] and list(df["abc"]) == ["A", "A"]
    assert list(df["rank"]) == [2, 1] and df["name"][0] == "A"


# ---- io (kam_portfolio_read_csv and the writers) ----

CSV = ("id;name;group;revenue;potential;strategic;h1;h2;f1\r\n"
       "acme;ACME;G;1 500 000,00;0,5;да;100;120;1000\r\n"
       "\"b;2\";\"Бета \"\"ООО\"\"\";;250,50;;;;;\r\n"
       "c;C;G;0;;;;;\r\n")


def test_read_csv_sources_and_writers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(CSV.encode("utf-8"))
    for source in (str(path), path, os.fsencode(str(path)), io.BytesIO(CSV.encode()),
                   io.StringIO(CSV)):
        p = kam.Portfolio.read_csv(source)
        assert len(p) == 3
    for text in (CSV, CSV.encode("utf-8")):
        assert len(kam.Portfolio.parse_csv(text)) == 3
    assert len(kam.Portfolio.read_csv(path, delimiter=";", decimal_mark=",")) == 3
    s = p.segment()
    assert s[0]["revenue"] == 150000000 and s[1]["id"] == "b;2" and s[1]["name"] == 'Бета "ООО"'
    assert s[0]["key_reasons"] == ["share", "group_share", "strategic"]
    text = s.to_csv()
    assert "acme" in text and "ACME" in text
    assert s.to_csv(delimiter=";").count(";") > 3
    doc = json.loads(s.to_json())
    assert isinstance(doc, dict)
    svg = s.pareto_svg()
    assert svg.lstrip().startswith("<") and "<svg" in svg and svg.rstrip().endswith("</svg>")


def test_read_csv_takes_a_path_parse_csv_takes_text(tmp_path):
    # the same string is a path to read_csv and CSV text to parse_csv, in Python as in Lua
    with pytest.raises(kam.ParseError, match="id"):
        kam.Portfolio.parse_csv("examples/data/accounts.csv")
    with pytest.raises(FileNotFoundError):
        kam.Portfolio.read_csv(str(tmp_path / "missing.csv"))
    with pytest.raises(TypeError, match="parse_csv"):
        kam.Portfolio.read_csv(12)
    with pytest.raises(TypeError, match="read_csv"):
        kam.Portfolio.parse_csv(io.BytesIO(b"id,revenue\n"))
    p = kam.Portfolio()
    assert p.parse_csv_into("id,revenue\na,5\n") is None
    path = tmp_path / "b.csv"
    path.write_bytes(b"id;revenue\nb;7\n")
    assert p.read_csv_into(path, delimiter=";") is None
    assert len(p) == 2 and p.count() == 2
    with pytest.raises(TypeError, match="unknown CSV option"):
        p.parse_csv_into("id,revenue\n", formula_guard=False)  # a writing option only
    assert len(p) == 2


def test_read_csv_errors_and_atomicity():
    p = kam.Portfolio()
    p.add("keep", 1)
    bad = "id,revenue\nx,1\ny,12.345\n"
    with pytest.raises(kam.KamError, match="line 3") as e:
        p.read_csv_into(io.BytesIO(bad.encode()))
    assert isinstance(e.value, (kam.ParseError, kam.InvalidArgument))
    assert len(p) == 1
    with pytest.raises(kam.KamError, match="line 3"):
        p.parse_csv_into(bad)
    assert len(p) == 1
    with pytest.raises(kam.AlreadyExists, match="keep"):
        p.read_csv_into(io.BytesIO(b"id,revenue\nkeep,5\n"))
    assert len(p) == 1
    p.read_csv_into(io.BytesIO(b"id,revenue\nnew,5\n"))
    assert len(p) == 2

    class Broken(io.RawIOBase):
        def read(self, n=-1):
            raise OSError("disk gone")
    with pytest.raises(OSError, match="disk gone"):
        p.read_csv_into(Broken())
    assert len(p) == 2
    with pytest.raises(TypeError, match="unknown CSV option"):
        kam.Portfolio.read_csv(io.BytesIO(b""), separator=";")
    with pytest.raises(kam.InvalidArgument):
        kam.Portfolio.read_csv(io.BytesIO(b""), delimiter=";;")


@pytest.mark.skipif(not os.path.exists(ACCOUNTS_CSV), reason="no sample data")
def test_sample_accounts_csv():
    p = kam.Portfolio.read_csv(ACCOUNTS_CSV)
    assert len(p) > 100
    s = p.segment()
    sm = s.summary
    assert sum(sm["count"].values()) == len(p)
    assert sum(sm["revenue"].values()) == sm["total_revenue"]
    assert 0 < sm["gini"] < 1 and sm["key_accounts"] >= 1
    assert any(d["xyz"] in "XYZ" for d in s)


def test_random_cross_check_with_insertion_and_rank_views():
    rnd = random.Random(3)
    p = kam.Portfolio()
    revs = []
    for i in range(200):
        r = rnd.choice([0, 1, 2, rnd.randrange(10**6)])
        revs.append(r)
        p.add("id%d" % i, r, group=rnd.choice([None, "g1", "g2"]))
    s = p.segment()
    want, order = reference_classes(revs)
    cls = s.classes
    got = cls.tobytes().decode() if hasattr(cls, "tobytes") else cls.decode()
    assert got == want
    total = sum(revs)
    for rank, i in enumerate(order, 1):
        d = s.get_by_rank(rank)
        assert d["index"] == i and d["revenue"] == revs[i]
        assert d["cum_share"] == sum(revs[j] for j in order[:rank]) / total


def test_margin_basis_and_group_unit():
    p = kam.Portfolio()
    # A holding of three companies, two single accounts; margins known except one.
    p.add("h1", 300, group="Holding", margin=30)
    p.add("s1", 500, margin=-20)
    p.add("h2", 200, group="Holding", margin="1.50")  # Decimal/str: major units
    p.add("s2", 100)                                 # margin unknown
    p.add("h3", 100, group="Holding", margin=0)
    s = p.segment()
    sm = s.summary
    assert sm["customers"] == 5 and sm["basis"] == "revenue" and sm["unit"] == "account"
    assert sm["total_margin"] == 30 - 20 + 150 + 0
    assert sm["unprofitable"] == 1 and sm["unprofitable_revenue"] == 500
    assert sm["key_unprofitable"] == 1  # s1: 500 of 1200 is key and loses money
    assert s[1]["margin"] == -20 and s[1]["unprofitable"] and s[3]["margin"] is None
    # Everyone here is key (s1 by share, the holding by its 600, s2 at 8.3 %: no).
    assert sm["key_revenue_share"] == pytest.approx(1100 / 1200)
    g = p.segment(unit="group")
    gs = g.summary
    assert gs["customers"] == 3 and gs["unit"] == "group"
    cust = g.customers()
    assert [c["name"] for c in cust] == ["Holding", "s1", "s2"]
    assert cust[0]["members"] == 3 and cust[0]["revenue"] == 600 and cust[0]["margin"] == 180
    assert cust[0]["key"] and cust[0]["rank"] == 1 and cust[0]["abc"] == "A"
    assert cust[2]["margin"] is None
    assert set(cust[0]) >= {"name", "members", "revenue", "margin", "share", "rank", "abc", "key"}
    assert g[0]["abc"] == g[2]["abc"] == g[4]["abc"] == "A"  # members take the group's class
    assert g[4]["key_reasons"] == ["share", "group_share"]
    m = p.segment(basis="margin", unit="group")
    ms = m.summary
    assert ms["basis_total"] == 180  # only the holding's margin is positive
    assert [c["abc"] for c in m.customers()] == ["A", "C", "C"]
    assert m[1]["abc"] == "C" and m[3]["abc"] == "C"
    with pytest.raises(kam.InvalidArgument):
        p.segment(basis="profit")
    with pytest.raises(kam.InvalidArgument):
        p.segment(unit="holding")
    with pytest.raises(kam.InvalidArgument):
        p.add("bad", 1, margin=-2**63)
    assert len(p) == 5


def test_margin_columns_and_pandas():
    p = kam.Portfolio()
    p.add_columns([100, 200, 300], margin=[10, None, -5])
    s = p.segment(basis="margin")
    assert s.summary["margin_accounts"] == 2 and s.summary["total_margin"] == 5
    assert s.get_by_rank(1)["index"] == 0  # the only positive margin ranks first
    assert [d["index"] for d in s] == [0, 2, 1]  # then <= 0, then unknown
    with pytest.raises(kam.InvalidArgument):
        p.add_columns([1, 2], margin=[1])
    assert len(p) == 3
    np = pytest.importorskip("numpy")
    q = kam.Portfolio()
    q.add_columns(np.array([5, 6], dtype=np.int64), margin=np.array([1, -2**63], dtype=np.int64))
    assert q.segment()[1]["margin"] is None and q.segment()[0]["margin"] == 1
    pd = pytest.importorskip("pandas")
    df = p.segment(unit="group").to_pandas()
    assert {"margin", "customer", "customer_rank", "unprofitable"} <= set(df.columns)
    assert list(df["customer"]) == ["0", "1", "2"]


@pytest.mark.skipif(not os.path.exists(ACCOUNTS_CSV), reason="no sample data")
def test_sample_accounts_margin_and_holding():
    p = kam.Portfolio.read_csv(ACCOUNTS_CSV)
    s = p.segment(unit="group")
    holding = [c for c in s.customers() if c["name"] == "ГК «Уралинвест»"]
    assert len(holding) == 1 and holding[0]["members"] == 16 and holding[0]["key"]
    sm = p.segment().summary
    assert sm["margin_accounts"] > 300 and sm["key_unprofitable"] >= 1
    csv_text = s.to_csv()
    assert csv_text.splitlines()[0].endswith(",margin,status,relationship,health,light,health_reasons")
    assert '"total_margin":' in s.to_json()

"""kam.Proposal: the document, totals, the model, rendering, errors; and the `kam proposal` CLI."""
import datetime
import json
import os
import subprocess
from decimal import Decimal

import pytest

import kam

ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
SAMPLE = os.path.join(ROOT, "examples", "data", "proposal.json")
CLI = os.environ.get("KAM_CLI")


def sample_text():
    with open(SAMPLE, encoding="utf-8") as f:
        return f.read()


def minimal(**extra):
    d = {"seller": {"name": "Seller"}, "client": {"name": "ACME"}, "issued": "2026-11-27", "valid_days": 30,
         "items": [{"description": "Widget", "quantity": "2.5", "unit_price": "10.01",
                    "vat_percent": "20"}]}
    d.update(extra)
    return d


def test_from_json_totals_and_round_trip():
    p = kam.Proposal.from_json(sample_text())
    t = p.totals()
    assert t == {"gross": Decimal("12088950.00"), "discount": Decimal("1053300.00"),
                 "net": Decimal("11035650.00"), "vat": Decimal("1171049.00"),
                 "total": Decimal("12206699.00"), "optional_total": Decimal("1803520.00")}
    assert all(isinstance(v, Decimal) for v in t.values())
    j1 = p.to_json()
    j2 = kam.Proposal.from_json(j1).to_json()
    assert j1 == j2
    assert kam.Proposal.from_json(j1.encode("utf-8")).to_json() == j1
    d = p.to_dict()
    assert d["items"][6]["quantity"] == "320.5"
    assert d["items"][0]["unit_price"] == "420.00"
    assert d["stakeholders"][0]["role"] == "executive"
    assert kam.Proposal.from_dict(d).to_json() == j1
    assert repr(p) == "<kam.Proposal 13 items>"


def test_from_dict_exact_amounts_and_dates():
    p = kam.Proposal.from_dict(minimal(issued=datetime.date(2026, 11, 27),
                                       items=[{"description": "a", "quantity": Decimal("2.5"),
                                               "unit_price": Decimal("10.01"),
                                               "vat_percent": 20},
                                              {"description": "b", "quantity": 3,
                                               "unit_price": 0.33, "discount_percent": 5,
                                               "vat_percent": 20}]))
    t = p.totals()
    # 25.025 -> 25.03, VAT 5.006 -> 5.01; 0.99 - 0.05 = 0.94, VAT 0.188 -> 0.19
    assert t["total"] == Decimal("25.03") + Decimal("5.01") + Decimal("0.94") + Decimal("0.19")
    assert p.to_dict()["issued"] == "2026-11-27"
    with pytest.raises(TypeError):
        kam.Proposal.from_dict([1])


def test_totals_rounding_modes_and_vat_included():
    items = [{"description": c, "unit_price": "0.01", "vat_percent": "20"} for c in "abc"]
    assert kam.Proposal.from_dict(minimal(items=items, rounding="line")).totals()["vat"] == 0
    assert kam.Proposal.from_dict(minimal(items=items, rounding="total")).totals()["vat"] == \
        Decimal("0.01")
    p = kam.Proposal.from_dict(minimal(prices_include_vat=True, items=[
        {"description": "a", "unit_price": "120", "vat_percent": "20"},
        {"description": "o", "unit_price": "10", "vat_percent": "20", "optional": True}]))
    t = p.totals()
    assert (t["total"], t["vat"], t["optional_total"]) == \
        (Decimal("120.00"), Decimal("20.00"), Decimal("10.00"))
    jpy = kam.Proposal.from_dict(minimal(currency="JPY", items=[
        {"description": "a", "quantity": "3", "unit_price": "1000"}]))
    assert jpy.totals()["total"] == Decimal("3000")


def test_errors_name_path_line_and_column():
    doc = '{"items": [\n  {"description": "a"},\n  {"description": "b", "unit_price": "10.005"}]}'
    with pytest.raises(kam.ParseError) as e:
        kam.Proposal.from_json(doc)
    assert "items[1].unit_price" in str(e.value)
    assert "line 3, column 38" in str(e.value)
    assert e.value.status == -4
    with pytest.raises(kam.ParseError, match="valid_day: unknown key"):
        kam.Proposal.from_json('{"valid_day": 30}')
    with pytest.raises(kam.ParseError, match="line 1, column"):
        kam.Proposal.from_json('{"title": }')
    with pytest.raises(kam.Overflow):
        kam.Proposal.from_dict(minimal(items=[{"description": "x", "quantity": "1000000000",
                                               "unit_price": "90000000000"}])).totals()


def test_incomplete_proposal():
    p = kam.Proposal.from_json("{}")
    assert not p.complete
    for call in (p.validate, p.model, lambda: p.render("html"), lambda: p.render_template("x")):
        with pytest.raises(kam.IncompleteState) as e:
            call()
        assert "missing seller.name, client.name, issued, valid_days, items" in str(e.value)
    with pytest.raises(kam.IncompleteState, match="no items"):
        p.totals()
    # A draft still round-trips.
    assert kam.Proposal.from_json(p.to_json()).to_json() == p.to_json()


def test_setters_build_a_complete_proposal():
    p = kam.Proposal()
    assert repr(p) == "<kam.Proposal 0 items, incomplete>"
    (p.set_lang("en").set_currency("usd").set_title("Offer").set_seller("Seller", "London")
      .set_client("Client <b>", "context").set_summary("Benefit").set_exclusive("Only you")
      .set_terms("Net 30").set_issued("2026-11-27").set_valid_days(30)
      .set_prices_include_vat(False).set_rounding("total"))
    p.add_argument("authority", "Status text", title="Status")
    p.add_argument("relational", "People text")
    p.add_argument("analytical", "Numbers text")
    p.add_reference("Ref Co", project="P", result="R",
                    contact={"name": "Jane", "position": "CFO", "phone": "1", "email": "j@x"})
    p.add_figure("Growth", 12.5, unit="%")
    p.add_figure("Support", "24/7")
    p.add_figure("Stores", Decimal("340"))
    p.set_cash_flows(0.1, [-1000, 600, 600], period="month")
    p.add_item("Seat", quantity="1234.5", unit_price=Decimal("1000"), sku="S-1", unit="pcs",
               discount_percent=5, vat_percent=Decimal("20"), section="Licences")
    p.add_item("Extra", unit_price=150, optional=True)          # int: minor units
    p.add_item("Half", quantity=0.5, unit_price="3.00", vat_percent=20.0)
    p.add_team_member("Ann", position="KAM", phone="+1", email="ann@x")
    p.add_stakeholder("Bob", title="CFO", role="finance", email="b@x", phone="2",
                      influence=0.9, attitude=2, buying_roles=["economic", "coach"],
                      traits={"dominance": 0.2, "people": 0.3, "detail": 0.9})
    p.add_stakeholder("Eve", title="CEO")
    assert p.complete
    p.validate()
    assert p.count("items") == 3 and p.count("arguments") == 3 and p.count("cash_flows") == 3
    assert p.count("title") == 1
    d = p.to_dict()
    assert d["currency"] == "USD" and d["lang"] == "en" and d["rounding"] == "total"
    assert d["items"][1] == {"description": "Extra", "quantity": "1", "unit_price": "1.50",
                             "vat_percent": "0", "optional": True}
    assert d["items"][2]["quantity"] == "0.5"
    assert d["stakeholders"][0]["buying_roles"] == ["economic", "coach"]
    assert d["cash_flows"] == {"rate": 0.1, "values": [-1000, 600, 600], "period": "month"}
    m = p.model()
    assert m["validity"] == "Valid until 27 December 2026"
    assert m["blocks"][0]["style"] == "analytical"
    assert m["finance"]["payback"]["text"] == "1.9 months"
    assert m["totals"]["optional_total"]["text"] == "$1.50"
    html = p.render("html")
    assert "Client &lt;b&gt;" in html and "Client <b>" not in html
    p.clear("items")
    assert p.count("items") == 0 and not p.complete
    p.clear("lang")
    assert p.to_dict()["lang"] == "ru"


def test_setter_errors_leave_proposal_unchanged():
    p = kam.Proposal.from_dict(minimal())
    before = p.to_json()
    with pytest.raises(kam.InvalidArgument, match="items\\[1\\].quantity"):
        p.add_item("x", quantity="-1")
    with pytest.raises(kam.InvalidArgument, match="items\\[1\\].unit_price.*more decimals"):
        p.add_item("x", unit_price="1.005")
    with pytest.raises(TypeError):
        p.add_item("x", unit_price=1.5)
    with pytest.raises(kam.InvalidArgument, match="lang"):
        p.set_lang("fr")
    with pytest.raises(kam.InvalidArgument):
        p.set_currency("JPY")           # 10.01 cannot be expressed in yen
    with pytest.raises(kam.InvalidArgument):
        p.add_argument("bossy", "text")
    with pytest.raises(kam.InvalidArgument, match="stakeholders\\[0\\].influence"):
        p.add_stakeholder("a", influence=2)
    with pytest.raises(kam.InvalidArgument):
        p.add_stakeholder("a", role="boss")
    with pytest.raises(kam.ParseError, match="payer"):  # as DMU.add
        p.add_stakeholder("a", buying_roles=["payer"])
    with pytest.raises(kam.InvalidArgument, match="stakeholders\\[0\\].attitude"):
        p.add_stakeholder("a", attitude=6)  # the range is the library's (-5..+5)
    with pytest.raises(kam.InvalidArgument):
        p.set_rounding("up")
    with pytest.raises(kam.InvalidArgument):
        p.set_valid_days(-1)
    with pytest.raises(kam.InvalidArgument):
        p.set_issued("27.11.2026")
    with pytest.raises(kam.InvalidArgument):
        p.set_cash_flows(0.1, [])
    with pytest.raises(kam.InvalidArgument):
        p.clear("nothing")
    with pytest.raises(kam.InvalidArgument):
        p.add_team_member("")
    with pytest.raises(kam.InvalidArgument):
        p.add_reference("")
    with pytest.raises(kam.InvalidArgument):
        p.add_figure("", 1)
    with pytest.raises(TypeError):
        p.add_figure("x", [1])
    with pytest.raises(kam.InvalidArgument):
        p.set_title("a\0b")
    assert p.to_json() == before
    p.set_cash_flows(0.1, [-1, 2])
    p.set_cash_flows(None, None)
    assert p.count("cash_flows") == 0


def test_render_every_format_and_validity_last():
    p = kam.Proposal.from_json(sample_text())
    validity = "Предложение действительно до 27.12.2026"
    html = p.render("html")
    assert html.startswith("<!DOCTYPE html>") and "@page" in html and "size: A4" in html
    assert html.rstrip().endswith("</html>")
    assert html.index(validity) > html.index("Анна Сергеевна Белова")
    md = p.render("markdown")
    assert md == p.render("md") and md.rstrip().endswith("**" + validity + "**")
    txt = p.render("text")
    assert txt == p.render("txt") and txt.rstrip().endswith(validity)
    assert "Двенадцать миллионов двести шесть тысяч шестьсот девяносто девять рублей" in txt
    model = json.loads(p.render("json"))
    assert list(model)[-1] == "validity" and model["validity"] == validity
    assert model == p.model()
    with pytest.raises(kam.InvalidArgument):
        p.render("pdf")
    p.set_lang("en")
    assert p.render("text").rstrip().endswith("Valid until 27 December 2026")


def test_render_template_and_dmu():
    p = kam.Proposal.from_json(sample_text())
    out = p.render_template("{{client.name}}|{{totals.total.amount}}|{{#blocks}}{{style}} {{/blocks}}")
    assert out == "АО «Волга-Ритейл»|12206699.00|analytical authority relational "
    assert p.render_template(kam.Template("{{{validity}}}")) == \
        "Предложение действительно до 27.12.2026"
    with pytest.raises(kam.ParseError):
        p.render_template("{{#open}}")
    d = kam.DMU()
    d.add(name="Boss", title="Генеральный директор", influence=1.0)
    p.set_dmu(d)
    assert p.count("dmu") == 1
    assert p.model()["blocks"][0]["style"] == "authority"
    assert p.model()["dmu"]["source"] == "dmu"
    p.set_dmu(None)
    assert p.model()["blocks"][0]["style"] == "analytical"
    p.set_dmu(d)
    p.clear("dmu")
    assert p.model()["dmu"]["source"] == "stakeholders"
    with pytest.raises(TypeError):
        p.set_dmu(object())


def test_hostile_text_is_escaped():
    evil = "<script>alert('x')</script>\"&"
    p = kam.Proposal.from_dict(minimal(title=evil, client={"name": evil, "context": evil},
                                       summary=evil, terms=evil,
                                       team=[{"name": evil, "email": evil}]))
    html = p.render("html")
    assert "<script>" not in html and "alert('x')" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;" in html
    md = p.render("markdown")
    assert "<script>" not in md and "\\<script\\>" in md


@pytest.mark.skipif(not CLI, reason="KAM_CLI not set")
def test_cli(tmp_path):
    out = tmp_path / "p.html"
    r = subprocess.run([CLI, "proposal", SAMPLE, "--format", "html", "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Предложение действительно до 27.12.2026" in out.read_text(encoding="utf-8")
    r = subprocess.run([CLI, "proposal", SAMPLE, "--format", "markdown"], capture_output=True)
    # the addressee's block comes first, as in a Russian business letter, then the heading
    assert r.returncode == 0 and r.stdout.decode().startswith("Генеральный директор\\\nАО «Волга-Ритейл»")
    assert "\n# Платформа" in r.stdout.decode()
    r = subprocess.run([CLI, "proposal", SAMPLE, "--format", "document"], capture_output=True)
    assert r.stdout.decode() == kam.Proposal.from_json(sample_text()).to_json()
    tpl = tmp_path / "t.mustache"
    tpl.write_text("{{totals.total.text}}", encoding="utf-8")
    r = subprocess.run([CLI, "proposal", SAMPLE, "--template", str(tpl)], capture_output=True)
    assert r.returncode == 0 and r.stdout.decode() == "12\u00a0206\u00a0699,00\u00a0₽"
    r = subprocess.run([CLI, "proposal", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--format" in r.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"items": [{"description": "a", "unit_price": "1.005"}]}')
    r = subprocess.run([CLI, "proposal", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and "items[0].unit_price" in r.stderr and "line 1" in r.stderr
    incomplete = tmp_path / "draft.json"
    incomplete.write_text('{"client": {"name": "x"}}')
    out2 = tmp_path / "none.html"
    r = subprocess.run([CLI, "proposal", str(incomplete), "-o", str(out2)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "missing seller.name, issued, valid_days, items" in r.stderr
    assert not out2.exists()
    for args in (["--format", "pdf"], ["--bogus"], []):
        r = subprocess.run([CLI, "proposal"] + ([SAMPLE] if args != [] else []) + args,
                           capture_output=True, text=True)
        assert r.returncode == 2
    r = subprocess.run([CLI, "proposal", str(tmp_path / "missing.json")], capture_output=True,
                       text=True)
    assert r.returncode == 2


RU_GROUP = {"0": "групп", "1": "группа", "2": "группы", "4": "группы", "5": "групп",
            "11": "групп", "12": "групп", "14": "групп", "21": "группа", "22": "группы",
            "25": "групп", "101": "группа", "111": "групп", "0.5": "группы", "1.5": "группы",
            "2.5": "группы", "320.5": "группы"}


@pytest.mark.parametrize("q", sorted(RU_GROUP))
def test_unit_format_numbers(q):
    assert kam.unit_format("группа", q) == RU_GROUP[q]
    seat = {"группа": "рабочее место", "группы": "рабочих места", "групп": "рабочих мест"}
    want = "рабочего места" if "." in q else seat[RU_GROUP[q]]
    assert kam.unit_format("рабочее место", q) == want
    assert kam.unit_format("hour", q, "en") == ("hour" if q == "1" else "hours")


def test_unit_format_kinds_and_errors():
    assert kam.unit_format("час", 21) == "час"
    assert kam.unit_format("час", Decimal("320.5")) == "часа"
    assert kam.unit_format("час", "320,5") == "часа"
    assert kam.unit_format("шт.", 5) == "шт."
    assert kam.unit_format("webinar", 14, "en") == "webinars"
    with pytest.raises(kam.InvalidArgument):
        kam.unit_format("час", 1, "de")
    with pytest.raises(kam.ParseError):
        kam.unit_format("час", "many")
    with pytest.raises(TypeError):
        kam.unit_format("час", 2.5)
    md = kam.Proposal.from_json(sample_text()).render("markdown")
    assert "2 группы" in md and "14 вебинаров" in md and "320,5 часа" in md

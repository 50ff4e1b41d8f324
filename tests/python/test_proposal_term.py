"""kam.Proposal: recurring lines over the contract term, the payment schedule, the investment
from the price and an item's own unit forms (issue 15, parts 2-5)."""
import datetime
from decimal import Decimal

import pytest

import kam


def base(**extra):
    d = {"seller": {"name": "S"}, "client": {"name": "C"}, "issued": "2026-12-01",
         "valid_days": 30}
    d.update(extra)
    return d


@pytest.mark.parametrize("term,period,per_year", [
    (12, "month", [12]), (12, "quarter", [4]), (12, "year", [1]),
    (18, "month", [12, 6]), (18, "quarter", [4, 2]), (18, "year", [1, 1]),
    (36, "month", [12, 12, 12]), (36, "quarter", [4, 4, 4]), (36, "year", [1, 1, 1]),
    (7, "month", [7]), (7, "quarter", [3]), (7, "year", [1]),
])
def test_term_arithmetic(term, period, per_year):
    p = kam.Proposal.from_dict(base(term_months=term, items=[
        {"description": "x", "unit_price": "1.00", "period": period}]))
    t = p.totals()
    assert t["total"] == Decimal("1.00")
    assert t["years"] == len(per_year) and t["term_months"] == term
    assert [c["total"] for c in p.year_costs()] == [Decimal(n) for n in per_year]
    assert t["first_year"] == Decimal(per_year[0])
    assert t["contract_value"] == Decimal(sum(per_year))
    assert p.year_cost(len(per_year))["months"] == term - 12 * (len(per_year) - 1)
    with pytest.raises(kam.NotFound):
        p.year_cost(len(per_year) + 1)


def test_setters_match_json():
    p = kam.Proposal.from_dict(base())
    p.add_item("Лицензия", quantity=22, unit_price=Decimal("100.00"), period="year",
               unit={"one": "лицензия", "few": "лицензии", "many": "лицензий"})
    p.set_term_months(24)
    p.add_payment("Аванс", percent="33.333", days=10)
    p.add_payment("Остаток", percent="66.667", due=datetime.date(2027, 12, 15))
    p.set_cash_flows(rate=0.1, values=[3000, 4000], investment="auto")
    d = p.to_dict()
    assert d["term_months"] == 24
    assert d["items"][0]["period"] == "year"
    assert d["items"][0]["unit"] == {"one": "лицензия", "few": "лицензии", "many": "лицензий"}
    assert d["payments"] == [{"label": "Аванс", "percent": "33.333", "days": 10},
                             {"label": "Остаток", "percent": "66.667", "due": "2027-12-15"}]
    assert d["cash_flows"]["investment"] == "auto"
    assert kam.Proposal.from_json(p.to_json()).to_json() == p.to_json()
    assert p.model()["items"][0]["unit"] == "лицензии"
    # 4400.00 split 33.333 / 66.667: 1466.65 + 2933.35 to the kopeck.
    pays = p.payments()
    assert [x["amount"] for x in pays] == [Decimal("1466.65"), Decimal("2933.35")]
    assert sum(x["amount"] for x in pays) == p.totals()["contract_value"]
    assert pays[0]["days"] == 10 and pays[0]["due"] is None
    assert pays[1]["due"] == datetime.date(2027, 12, 15) and pays[1]["days"] is None
    assert pays[1]["percent"] == Decimal("66.667") and pays[1]["fixed_amount"] is None
    assert p.count("payments") == 2
    p.clear("payments").clear("term_months")
    assert p.count("payments") == 0 and p.totals()["term_months"] == 12


def test_uneven_split_and_fixed_amounts():
    p = kam.Proposal.from_dict(base(items=[{"description": "x", "unit_price": "0.01"}], payments=[
        {"label": "a", "percent": "30", "days": 1}, {"label": "b", "percent": "30", "days": 2},
        {"label": "c", "percent": "40", "days": 3}]))
    assert [x["amount"] for x in p.payments()] == [Decimal("0"), Decimal("0"), Decimal("0.01")]
    p = kam.Proposal.from_dict(base(items=[{"description": "x", "unit_price": "100"}], payments=[
        {"label": "a", "amount": "30.00", "due": "2026-12-15"}]))
    assert p.payment(0)["fixed_amount"] == Decimal("30.00")
    assert p.payment(0)["amount"] == Decimal("30.00")
    with pytest.raises(kam.NotFound):
        p.payment(1)


def test_errors():
    p = kam.Proposal.from_dict(base())
    with pytest.raises(kam.InvalidArgument):
        p.add_item("x", period="week")
    with pytest.raises(kam.InvalidArgument):
        p.add_item("x", unit={"one": "a", "other": "b"})
    with pytest.raises(kam.InvalidArgument):
        p.add_payment("a", percent="10", amount="1", days=1)
    with pytest.raises(kam.InvalidArgument):
        p.add_payment("a", percent="10", due="2026-01-01", days=1)
    with pytest.raises(kam.InvalidArgument):
        p.set_term_months(1201)
    with pytest.raises(kam.InvalidArgument):
        p.set_cash_flows(values=[1], investment="manual")
    with pytest.raises(kam.ParseError, match=r"items\[0\]\.period"):
        kam.Proposal.from_dict(base(items=[{"description": "x", "period": "week"}]))
    with pytest.raises(kam.Overflow):
        kam.Proposal.from_dict(base(term_months=24, items=[
            {"description": "x", "unit_price": "92233720368547758.07", "period": "year"}])).totals()


def test_rendered_in_both_languages():
    d = base(term_months=30, items=[{"description": "x", "unit_price": "100", "period": "year"}],
             payments=[{"label": "a", "percent": "100", "days": 5}])
    ru = kam.Proposal.from_dict(d).render("markdown")
    assert "3-й год (6\u00a0месяцев)" in ru and "График платежей" in ru
    assert "через 5\u00a0дней после подписания договора" in ru
    d["lang"] = "en"
    en = kam.Proposal.from_dict(d).render("text")
    assert "Year 3 (6 months)" in en and "5 days after signing the contract" in en

"""kam.Proposal, issue 15 parts 6-8: number, version, addressee and signatory; decision criteria
and alternatives; the pre-send check Proposal.check(**options); and `kam proposal --check` /
`--force`."""
import datetime
import json
import os
import subprocess

import pytest

import kam

ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
SAMPLE = os.path.join(ROOT, "examples", "data", "proposal.json")
CLI = os.environ.get("KAM_CLI")


def clean(**extra):
    """A proposal the check has nothing to say about."""
    d = {"lang": "ru", "number": "N-1", "version": "1",
         "seller": {"name": "S", "details": "+7 495 000-00-00"}, "client": {"name": "C"},
         "exclusive": "E", "issued": "2026-11-27", "valid_days": 30,
         "arguments": [{"style": "authority", "title": "A0", "text": "a0"},
                       {"style": "relational", "title": "R1", "text": "r1"},
                       {"style": "analytical", "title": "N2", "text": "n2"}],
         "references": [{"company": "X", "contact": {"name": "Ivan", "phone": "1"}}],
         "figures": [{"label": "L", "value": 1}],
         "items": [{"description": "I", "unit_price": "100.00", "discount_percent": "5",
                    "cost": "50.00"}],
         "team": [{"name": "K", "phone": "2"}],
         "stakeholders": [
             {"name": "Eco", "title": "CEO", "influence": 0.9, "attitude": 1,
              "buying_roles": ["economic"],
              "traits": {"dominance": 0.9, "people": 0.1, "detail": 0.1}},
             {"name": "Coach", "title": "HR", "influence": 0.4, "attitude": 2,
              "buying_roles": ["coach"],
              "traits": {"dominance": 0.1, "people": 0.9, "detail": 0.1}}],
         "addressee": "Eco", "signatory": {"name": "K", "position": "KAM"},
         "criteria": [{"name": "Price", "weight": 0.5, "stakeholder": "Eco", "arguments": [2]}]}
    d.update(extra)
    return d


def codes(findings):
    return [f["code"] for f in findings]


def test_clean_and_sample_have_no_findings():
    p = kam.Proposal.from_dict(clean())
    assert p.check(as_of="2026-12-27", discount_ceiling=5, margin_floor=40) == []
    with open(SAMPLE, encoding="utf-8") as f:
        assert kam.Proposal.from_json(f.read()).check() == []


def test_findings_are_dicts_in_the_proposals_language():
    p = kam.Proposal.from_dict(clean(seller={"details": "ИНН 1"}, valid_days=3))
    found = p.check(as_of=datetime.date(2026, 12, 1))
    assert found[0] == {"code": "missing_seller", "severity": "error", "path": "seller.name",
                        "message": "не указан исполнитель (seller.name)"}
    assert codes(found) == ["missing_seller", "expired", "validity_short"]
    assert found[1]["message"] == "срок действия истёк 30.11.2026 (дата отправки 01.12.2026)"
    p.set_lang("en")
    assert p.check()[1]["message"] == "the offer stands 3 days: less than a week to decide"


def test_options_and_codes():
    p = kam.Proposal.from_dict(clean())
    assert codes(p.check(discount_ceiling=4.5)) == ["discount_above_ceiling"]
    assert p.check(discount_ceiling=4.5)[0]["path"] == "items[0].discount_percent"
    assert codes(p.check(margin_floor=47.5)) == ["margin_below_floor"]  # (95 - 50) / 95
    assert p.check(margin_floor=47.3) == []
    with pytest.raises(kam.KamError):
        p.check(discount_ceiling=101)
    with pytest.raises(TypeError):
        p.check(margin_floor="high")
    q = kam.Proposal.from_dict(clean(cash_flows={"rate": 0.1, "values": [-100, 10, 10]}))
    assert codes(q.check()) == ["negative_npv", "irr_below_rate"]
    q = kam.Proposal.from_dict(clean(references=[], exclusive=None))
    # in the stakeholders' order
    assert codes(q.check()) == ["no_exclusive_for_authority", "no_references_for_relational"]
    assert [f["path"] for f in q.check()] == ["stakeholders[0]", "stakeholders[1]"]


def test_setters_and_round_trip():
    p = kam.Proposal.from_dict(clean())
    p.set_number("КП-7", "2").set_signatory("Анна", "KAM")
    p.set_addressee(name="Иван", position="Генеральный директор")
    p.add_criterion("Срок", 0.25, stakeholder="Eco", arguments=[0, 1])
    p.add_alternative("Конкурент", {"Price": "дороже", "Срок": "дольше"})
    p.add_item("Опция", unit_price="10.00", cost="4.00", optional=True)
    d = p.to_dict()
    assert d["number"] == "КП-7" and d["version"] == "2"
    assert d["addressee"] == {"name": "Иван", "position": "Генеральный директор"}
    assert d["criteria"][1] == {"name": "Срок", "weight": 0.25, "stakeholder": "Eco",
                                "arguments": [0, 1]}
    assert d["alternatives"] == [{"name": "Конкурент",
                                  "points": {"Price": "дороже", "Срок": "дольше"}}]
    assert d["items"][1]["cost"] == "4.00"
    assert kam.Proposal.from_json(p.to_json()).to_json() == p.to_json()
    assert p.count("criteria") == 2 and p.count("alternatives") == 1
    p.set_addressee("Eco")
    assert p.to_dict()["addressee"] == "Eco"
    with pytest.raises(kam.KamError, match="either a stakeholder's name"):
        p.set_addressee("Eco", name="Иван")
    with pytest.raises(kam.KamError, match=r"criteria\[2\].arguments\[0\]: 9 is not an argument"):
        p.add_criterion("X", 0.1, arguments=[9])
    with pytest.raises(kam.KamError, match="names no criterion"):
        p.add_alternative("Y", {"Nope": "t"})
    with pytest.raises(kam.KamError):
        p.add_criterion("Z", arguments=[-1])
    for bad in (4, 4.0):
        with pytest.raises(TypeError, match="major units"):
            p.add_item("x", unit_price="1.00", cost=bad)
    p.clear("criteria")
    assert p.count("alternatives") == 0
    assert "unaddressed_criterion" not in codes(p.check())
    m = kam.Proposal.from_dict(clean(alternatives=[{"name": "Alt", "points": {"Price": "p"}}]))
    model = m.model()
    assert model["reference_line"] == "№ N-1 от 27 ноября 2026 г., версия 1"
    assert model["addressee"] == {"name": "Eco", "position": "CEO", "organisation": "C"}
    assert model["comparison"]["rows"][0]["ours"] == "N2"
    assert model["comparison"]["rows"][0]["cells"] == [{"name": "Alt", "text": "p"}]


@pytest.mark.skipif(not CLI, reason="KAM_CLI not set")
def test_cli_check_and_force(tmp_path):
    r = subprocess.run([CLI, "proposal", SAMPLE, "--check"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == ""
    doc = tmp_path / "p.json"
    doc.write_text(json.dumps(clean(valid_days=3)), encoding="utf-8")
    r = subprocess.run([CLI, "proposal", str(doc), "--check", "--as-of", "2026-12-01"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "error\texpired\tvalid_days: срок действия истёк 30.11.2026 (дата отправки 01.12.2026)",
        "warning\tvalidity_short\tvalid_days: срок действия 3 дн. — меньше недели на решение"]
    out = tmp_path / "p.md"
    r = subprocess.run([CLI, "proposal", str(doc), "--as-of", "2026-12-01", "--format", "md",
                        "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 1 and "not rendered (--force renders anyway" in r.stderr
    assert "error\texpired" in r.stderr and not out.exists()
    r = subprocess.run([CLI, "proposal", str(doc), "--as-of", "2026-12-01", "--format", "md",
                        "-o", str(out), "--force"], capture_output=True, text=True)
    assert r.returncode == 0 and "rendered despite 1 error" in r.stderr
    assert "№ N-1" in out.read_text(encoding="utf-8")
    # warnings alone render, and are said on stderr
    r = subprocess.run([CLI, "proposal", str(doc), "--format", "md"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and "warning\tvalidity_short" in r.stderr
    r = subprocess.run([CLI, "proposal", str(doc), "--check", "--discount-ceiling", "1",
                        "--margin-floor", "99"], capture_output=True, text=True)
    assert r.returncode == 0 and "discount_above_ceiling" in r.stdout
    assert "margin_below_floor" in r.stdout
    for bad in (["--as-of", "soon"], ["--discount-ceiling", "x"], ["--check", "-o", "f"]):
        r = subprocess.run([CLI, "proposal", str(doc)] + bad, capture_output=True, text=True)
        assert r.returncode == 2, bad

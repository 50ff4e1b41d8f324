"""kam.Plan: the document, derived figures in the model, checks, rendering, errors; and the
`kam plan` CLI."""
import datetime
import json
import os
import subprocess

import pytest

import kam

ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
SAMPLE = os.path.join(ROOT, "examples", "data", "plan.json")
CLI = os.environ.get("KAM_CLI")


def sample_text():
    with open(SAMPLE, encoding="utf-8") as f:
        return f.read()


def test_round_trip_and_model():
    plan = kam.Plan.from_json(sample_text())
    text = plan.to_json()
    assert kam.Plan.from_json(text).to_json() == text
    assert "_comment" not in text
    m = plan.model()
    ws = m["white_space"]
    assert ws["total"]["ours"]["minor"] == 480000000
    assert ws["total"]["headroom"]["amount"] == "26200000.00"
    assert ws["total"]["share"]["text"] == "15,5\u00a0%"
    assert ws["counts"] == {"owned": 3, "pipeline": 1, "gap": 2, "competitor": 2,
                            "not_applicable": 1}
    assert [o["status"] for o in m["objectives"]] == ["at_risk", "on_track", "achieved"]
    assert m["objectives"][2]["progress"]["value"] == 1
    assert m["risks"][0]["exposure"]["amount"] == "7200000.00"
    assert m["stakeholders"][1]["covered"] is False


def test_check():
    plan = kam.Plan.from_json(sample_text())
    found = plan.check()
    assert [f["code"] for f in found] == ["uncovered_stakeholder", "stale_relationship",
                                          "objective_at_risk", "action_overdue",
                                          "high_threat_competitor"]
    assert all(set(f) == {"code", "severity", "path", "message"} for f in found)
    assert found[0]["path"] == "stakeholders[1]"
    assert found[0]["severity"] == "warning"
    assert "Марина Сергеевна Левина" in found[0]["message"]
    bad = kam.Plan.from_json('{"lang": "en", "relationships": [{"stakeholder": "X"}]}')
    codes = [(f["code"], f["severity"]) for f in bad.check()]
    assert ("unknown_reference", "error") in codes
    assert bad.check()[0]["message"] == "no stakeholder named 'X'"


def test_render_and_lang():
    plan = kam.Plan.from_json(sample_text())
    html = plan.render("html")
    assert '<table class="heat">' in html and "Белые пятна" in html
    en = plan.render("md", lang="en")
    assert "## White space and share of wallet" in en
    assert plan.model()["lang"] == "ru"  # render(lang=) does not change the plan
    assert json.loads(plan.render("json"))["currency"] == "RUB"
    assert "Потенциал роста" in plan.render("text")
    assert plan.render_template("{{account.id}}") == "VR-001"
    with pytest.raises(kam.InvalidArgument):
        plan.render("pdf")
    plan.set_lang("en").set_as_of(datetime.date(2027, 1, 1))
    assert plan.model()["as_of"]["iso"] == "2027-01-01"


def test_errors():
    with pytest.raises(kam.ParseError) as e:
        kam.Plan.from_json('{"risks": [{"probability": 2}]}')
    assert "risks[0].probability" in str(e.value) and "line 1" in str(e.value)
    with pytest.raises(kam.ParseError):
        kam.Plan.from_json('{"white_space": {"cells": [{"status": "mine"}]}}')
    with pytest.raises(kam.ParseError):
        kam.Plan.from_json("{")
    p = kam.Plan()
    p.close()
    with pytest.raises(kam.InvalidArgument):
        p.to_json()


@pytest.mark.skipif(not CLI, reason="KAM_CLI not set")
def test_cli():
    r = subprocess.run([CLI, "plan", SAMPLE, "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "uncovered_stakeholder" in r.stdout
    r = subprocess.run([CLI, "plan", SAMPLE, "--format", "md", "--lang", "en"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "# Key account plan" in r.stdout
    r = subprocess.run([CLI, "plan", "-", "--check"], input='{"relationships": [{}]}',
                       capture_output=True, text=True)
    assert r.returncode == 1 and "unknown_reference" in r.stdout
    r = subprocess.run([CLI, "plan", "-"], input='{"x": 1}', capture_output=True, text=True)
    assert r.returncode == 2 and "x: unknown key" in r.stderr

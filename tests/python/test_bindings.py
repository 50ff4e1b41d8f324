"""One binding surface: the Python side of the names and meanings shared with Lua
(bindings/README.md; tests/lua/test_bindings.lua checks the Lua side), and the checker
tests/check_bindings.py itself."""
import importlib.util
import os

import pytest

import kam

ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")


def test_proposal_close_and_context_manager():
    p = kam.Proposal()
    assert p.complete is False
    p.close()
    with pytest.raises(kam.InvalidArgument, match="closed"):
        p.set_title("x")
    with pytest.raises(kam.InvalidArgument, match="closed"):
        p.complete
    assert "closed" in repr(p)
    p.close()  # twice is fine, as in Lua
    with kam.Proposal() as q:
        q.set_title("T")
        assert q.count("items") == 0
    with pytest.raises(kam.InvalidArgument):
        q.to_json()


def test_counts_like_lua():
    d = kam.DMU()
    assert d.count() == 0
    d.add(name="A", title="CFO")
    assert d.count() == len(d) == 1
    p = kam.Portfolio()
    p.add_columns([3, 2])
    assert p.count() == 2 and p.segment().count() == 2
    assert p.set_threads(2) is p  # returns the portfolio, as p:set_threads(2) does in Lua


def test_stakeholder_has_role_given_like_lua():
    d = kam.DMU()
    d.add(name="A", title="CFO")
    d.add(name="B", role="legal")
    assert d.stakeholder(0)["role_given"] is False and d.stakeholder(0)["role"] == "unknown"
    assert d.stakeholder(1)["role_given"] is True
    assert d.profile(0)["role_given"] is False and d.profile(0)["role"] == "finance"


def test_set_cash_flows_without_arguments_clears_like_lua():
    p = kam.Proposal()
    p.set_cash_flows(values=[-100, 60, 60])  # rate defaults to 0, as in Lua
    assert p.count("cash_flows") == 1 or p.to_dict().get("cash_flows")
    assert p.set_cash_flows() is p
    assert not p.to_dict().get("cash_flows")


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_bindings", os.path.join(ROOT, "tests", "check_bindings.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_checker_fails_on_a_name_in_one_binding_only(monkeypatch, capsys):
    cb = _checker()
    both = {"kam.npv", "kam.Portfolio", "kam.Portfolio.read_csv"}
    listed = cb.listed_differences()
    py_only = {n for n, side in listed.items() if side == "python" and n.startswith("kam.")}
    lua_only = {n for n, side in listed.items() if side == "lua" and n.startswith("kam.")}
    monkeypatch.setattr(cb, "python_surface", lambda: both | py_only)
    monkeypatch.setattr(cb, "lua_surface", lambda: both | lua_only)
    assert cb.main() == 0
    # a name only one binding has, and that the README does not list, fails the check
    monkeypatch.setattr(cb, "python_surface", lambda: both | py_only | {"kam.Portfolio.parse_tsv"})
    assert cb.main() == 1
    assert "kam.Portfolio.parse_tsv: only in Python" in capsys.readouterr().err
    monkeypatch.setattr(cb, "python_surface", lambda: both | py_only)
    monkeypatch.setattr(cb, "lua_surface", lambda: both | lua_only | {"kam.read_csv_file"})
    assert cb.main() == 1
    assert "kam.read_csv_file: only in Lua" in capsys.readouterr().err
    # a listed difference that is gone fails too, so the README stays true
    monkeypatch.setattr(cb, "lua_surface", lambda: both | lua_only | py_only)
    assert cb.main() == 1
    assert "not a difference" in capsys.readouterr().err


def test_checker_finds_generated_c_names():
    cb = _checker()
    assert cb.reached("kam_proposal_set_lang", 'x = fn("kam_proposal_set_" + name)\n"lang"')
    assert cb.reached("kam_proposal_set_lang", "kam_proposal_set_##name ... TEXT(lang)")
    assert not cb.reached("kam_proposal_set_lang", "kam_proposal_set_title(p)")
    assert cb.reached("kam_npv", "_npv = fn(\"kam_npv\", c_int)")
    assert not cb.reached("kam_npv", "kam_npv_many")


def _closes(what, obj, call):
    obj.close()
    with pytest.raises(kam.InvalidArgument, match="closed"):
        call(obj)
    obj.close()  # twice is fine


def test_close_and_with_on_every_object():
    _closes("Portfolio", kam.Portfolio(), lambda o: o.count())
    p = kam.Portfolio()
    p.add_columns([3, 2])
    _closes("Segmentation", p.segment(), lambda o: o.summary)
    assert p.count() == 2  # closing a segmentation leaves its portfolio
    _closes("DMU", kam.DMU(), lambda o: o.count())
    _closes("Template", kam.Template("x"), lambda o: o.render({"a": [1]}))
    _closes("Proposal", kam.Proposal(), lambda o: o.to_json())
    for make, call in ((kam.Portfolio, lambda o: o.count()), (kam.DMU, lambda o: o.count()),
                       (lambda: kam.Template("{{a}}"), lambda o: o.render()),
                       (kam.Proposal, lambda o: o.to_json())):
        with make() as obj:
            call(obj)
        with pytest.raises(kam.InvalidArgument, match="closed"):
            call(obj)
    with p.segment() as s:
        assert s.count() == 2
    with pytest.raises(kam.InvalidArgument, match="closed"):
        s.get(0)


def test_segmentation_outlives_its_closed_portfolio():
    p = kam.Portfolio()
    p.add_columns([5, 1])
    s = p.segment()
    p.close()
    with pytest.raises(kam.InvalidArgument, match="the portfolio has been closed"):
        p.count()
    assert s.count() == 2 and s.get(0)["revenue"] == 5  # as in Lua
    s.close()


def test_dmu_closed_while_a_proposal_uses_it():
    with open(os.path.join(ROOT, "examples", "data", "proposal.json"), encoding="utf-8") as f:
        p = kam.Proposal.from_json(f.read())
    d = kam.DMU()
    d.add(name="A", title="CFO", influence=0.9)
    p.set_dmu(d)
    d.close()
    with pytest.raises(kam.InvalidArgument, match="the DMU has been closed"):
        d.count()
    del d
    import gc
    gc.collect()
    assert p.model()["dmu"]["source"] == "dmu"  # C still reads it: not freed
    assert "A" in p.render("text")
    p.set_dmu(None)
    assert p.model()["dmu"]["source"] == "stakeholders"
    e = kam.DMU()
    e.close()
    with pytest.raises(kam.InvalidArgument, match="closed"):
        p.set_dmu(e)


def test_add_stakeholder_takes_dmu_add_arguments_and_c_checks_ranges():
    p = kam.Proposal()
    p.add_stakeholder("A", role=2, buying_roles="economic;coach", traits=(0.1, 0.2, 0.9))
    s = p.to_dict()["stakeholders"][0]
    assert s["role"] == "finance" and s["buying_roles"] == ["economic", "coach"]
    with pytest.raises(
        kam.InvalidArgument, match=r"stakeholders\[1\]\.attitude: attitude 50 is not in -5\.\.\+5"
    ):
        p.add_stakeholder("B", attitude=50)
    with pytest.raises(kam.ParseError, match="payer"):
        p.add_stakeholder("B", buying_roles=["payer"])
    with pytest.raises(kam.InvalidArgument, match="boss"):
        p.add_stakeholder("B", role="boss")
    assert p.count("stakeholders") == 1
    p.add_argument(kam.STYLES[2], "t")  # the names are C's (kam_style_name)
    with pytest.raises(kam.InvalidArgument, match="authority, relational, analytical"):
        p.add_argument("bossy", "t")


def test_one_text_rule():
    p = kam.Portfolio()
    with pytest.raises(kam.InvalidArgument, match="id contains a NUL"):
        p.add("a\0b", 1)  # was cut at the NUL before
    with pytest.raises(kam.InvalidArgument, match="name contains a NUL"):
        p.add("a", 1, name="x\0")
    with pytest.raises(kam.InvalidArgument, match="NUL"):
        p.add_columns([1], ids=["a\0b"])
    for call in (lambda: p.add(42, 1), lambda: p.add("a", 1, name=42),
                 lambda: kam.Proposal().set_title(42), lambda: kam.DMU().add(name=42)):
        with pytest.raises(TypeError, match="must be a str or bytes"):
            call()
    assert len(p) == 0
    with pytest.raises(kam.InvalidArgument, match="title contains a NUL"):
        kam.Proposal().set_title("a\0b")
    assert kam.Template("a\0b{{x}}").render({"x": "c\0d"}) == "a\0bc\0d"
    assert kam.json_dumps("a\0b") == '"a\\u0000b"'
    assert kam.Proposal().set_title(b"bytes too").to_dict()["title"] == "bytes too"


def test_currency_and_lang_follow_the_text_rule():
    with pytest.raises(kam.InvalidArgument, match="currency contains a NUL"):
        kam.money_format(100, "RUB\0x")  # C would have read "RUB"
    with pytest.raises(kam.InvalidArgument, match="lang contains a NUL"):
        kam.money_format(100, "RUB", "en\0")
    assert kam.money_format(100, b"USD", b"en") == kam.money_format(100, "USD", "en")
    with pytest.raises(TypeError):
        kam.money_format(100, 643)

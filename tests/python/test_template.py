"""kam.Template: rendering Python data, lambdas, partials, errors; the spec suite through the
binding; and the `kam render` CLI."""
import decimal
import json
import os
import subprocess

import pytest

import kam

SOURCE_DIR = os.environ.get("KAM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC_DIR = os.path.join(SOURCE_DIR, "tests", "conformance", "mustache")


def test_basic_and_escaping():
    t = kam.Template("Hello, {{name}}! {{{name}}} {{&name}}")
    assert t.render({"name": "<A & 'B'> \"C\""}) == (
        "Hello, &lt;A &amp; &#39;B&#39;&gt; &quot;C&quot;! <A & 'B'> \"C\" <A & 'B'> \"C\"")
    assert kam.Template("{{s}}").render({"s": "Сумма: 1 250,00 ₽ «итого»"}) == \
        "Сумма: 1 250,00 ₽ «итого»"
    assert kam.Template(b"{{x}}").render({"x": "bytes template"}) == "bytes template"
    assert kam.Template("").render() == ""
    assert kam.Template("plain").render(None) == "plain"


def test_data_types():
    t = kam.Template("{{i}}|{{big}}|{{f}}|{{g}}|{{d}}|{{t}}|{{n}}|{{#l}}{{.}},{{/l}}|{{tu.1}}")
    out = t.render({"i": -42, "big": 10 ** 30, "f": 1.1, "g": 0.1 + 0.2,
                    "d": decimal.Decimal("1.10"), "t": True, "n": None,
                    "l": [1, "a", None, False], "tu": ("x", "y")})
    assert out == ("-42|1000000000000000000000000000000|1.1|0.30000000000000004|1.10|true||"
                   "1,a,,false,|y")


def test_truthiness():
    t = kam.Template("{{#v}}T{{/v}}{{^v}}F{{/v}}")
    for value, expected in [(None, "F"), (False, "F"), ([], "F"), (0, "T"), ("", "T"),
                            ({}, "T"), (True, "T"), ([0], "T"), (decimal.Decimal(0), "T")]:
        assert t.render({"v": value}) == expected, value
    assert t.render({}) == "F"


def test_sections_and_context():
    t = kam.Template("{{#items}}{{name}}: {{price}} {{currency}}\n{{/items}}")
    data = {"currency": "RUB", "items": [{"name": "A", "price": decimal.Decimal("10.50")},
                                         {"name": "B", "price": 3}]}
    assert t.render(data) == "A: 10.50 RUB\nB: 3 RUB\n"
    # Any Mapping works, not only dict.
    import collections
    assert kam.Template("{{a}}").render(collections.OrderedDict(a=1)) == "1"


def test_lambdas():
    calls = []

    def interp():
        calls.append("i")
        return "<{{x}}>"

    def section(text):
        calls.append(text)
        return "[" + text + "]"

    t = kam.Template("{{l}}|{{{l}}}|{{#s}}{{x}}{{/s}}|{{#n}}gone{{/n}}|{{^s}}no{{/s}}")
    out = t.render({"l": interp, "s": section, "n": lambda text: None, "x": "&"})
    assert out == "&lt;&amp;amp;&gt;|<&amp;>|[&amp;]||"
    assert calls == ["i", "i", "{{x}}"]
    # Results are str()-ed.
    assert kam.Template("{{n}}").render({"n": lambda: 42}) == "42"


def test_lambda_exception_propagates():
    class Boom(Exception):
        pass

    def bad(text=None):
        raise Boom("from the lambda")

    t = kam.Template("a{{#f}}x{{/f}}b")
    with pytest.raises(Boom, match="from the lambda"):
        t.render({"f": bad})
    with pytest.raises(Boom):
        kam.Template("{{f}}").render({"f": bad})
    # The template is still usable afterwards.
    assert t.render({"f": lambda text: "ok"}) == "aokb"


def test_partials_dict_and_callable():
    t = kam.Template("<{{>p}}|{{>missing}}|{{>*dyn}}>")
    assert t.render({"x": 1, "dyn": "p"}, partials={"p": "P{{x}}"}) == "<P1||P1>"
    asked = []

    def lookup(name):
        asked.append(name)
        return "Q{{x}}" if name == "p" else None

    assert t.render({"x": 2, "dyn": "p"}, partials=lookup) == "<Q2||Q2>"
    assert asked == ["p", "missing"]  # each name asked once per render
    # The same template with other partials next time.
    assert t.render({"x": 3, "dyn": "p"}, partials={"p": b"B{{x}}"}) == "<B3||B3>"
    assert t.render({"x": 3, "dyn": "p"}) == "<||>"


def test_partial_indentation_and_inheritance():
    parts = {"row": "<td>{{.}}</td>\n",
             "layout": "<main>\n  {{$body}}default{{/body}}\n</main>\n"}
    t = kam.Template("<tr>\n  {{#cells}}\n  {{>row}}\n  {{/cells}}\n</tr>\n")
    assert t.render({"cells": [1, 2]}, parts) == "<tr>\n  <td>1</td>\n  <td>2</td>\n</tr>\n"
    t = kam.Template("{{<layout}}{{$body}}Hello, {{name}}{{/body}}{{/layout}}")
    assert t.render({"name": "Анна"}, parts) == "<main>\n  Hello, Анна\n</main>\n"


def test_partial_errors():
    t = kam.Template("{{>p}}")

    def raising(name):
        raise KeyError("no partial " + name)

    with pytest.raises(KeyError, match="no partial p"):
        t.render({}, partials=raising)
    with pytest.raises(TypeError, match="partial 'p'"):
        t.render({}, partials={"p": 42})
    with pytest.raises(TypeError):
        t.render({}, partials=42)
    with pytest.raises(kam.ParseError, match=r'partial "p": line 1, column 3: unclosed section'):
        t.render({}, partials={"p": "ab{{#x}}"})
    with pytest.raises(kam.LimitReached, match=r'partial "p" nested deeper than 256'):
        t.render({}, partials={"p": "{{>p}}"})


def test_compile_errors():
    with pytest.raises(kam.ParseError) as e:
        kam.Template("Строка 1\nСтрока 2 {{#секция}}\n")
    assert str(e.value) == 'line 2, column 10: unclosed section: no close tag for "секция"'
    assert e.value.status == -4
    with pytest.raises(kam.ParseError, match='line 1, column 7: "b" does not close "#a"'):
        kam.Template("{{#a}}{{/b}}")
    with pytest.raises(kam.ParseError, match="unclosed tag"):
        kam.Template("{{oops")
    with pytest.raises(kam.LimitReached):
        kam.Template("{{#a}}" * 300 + "{{/a}}" * 300)
    assert isinstance(kam.ParseError(-4), ValueError)


def test_data_errors():
    t = kam.Template("{{x}}")
    with pytest.raises(TypeError):
        t.render({"x": object()})
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError):
        t.render({"x": loop})
    with pytest.raises(kam.InvalidArgument):
        t.render({"x": float("nan")})


def test_step_budget():
    t = kam.Template("{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}x{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
                     max_steps=1000)
    with pytest.raises(kam.LimitReached, match="render stopped after 1000 steps"):
        t.render({"l": list(range(10))})
    t.set_max_steps(0)
    assert len(t.render({"l": list(range(10))})) == 10 ** 5
    with pytest.raises(ValueError):
        t.set_max_steps(-1)
    assert kam.TEMPLATE_MAX_DEPTH == 256


def test_close_and_context_manager():
    with kam.Template("{{a}}") as t:
        assert t({"a": 1}) == "1"
    t.close()
    t.close()


def _spec_files():
    return sorted(f for f in os.listdir(SPEC_DIR) if f.endswith(".json") and "lambdas" not in f)


@pytest.mark.parametrize("name", _spec_files())
def test_spec_through_binding(name):
    with open(os.path.join(SPEC_DIR, name), encoding="utf-8") as f:
        suite = json.load(f)
    for case in suite["tests"]:
        t = kam.Template(case["template"])
        got = t.render(case["data"], partials=case.get("partials", {}))
        assert got == case["expected"], (name, case["name"])


# --- the CLI -----------------------------------------------------------------------------------

CLI = os.environ.get("KAM_CLI")
needs_cli = pytest.mark.skipif(not CLI or not os.path.exists(CLI), reason="KAM_CLI not set")


def _run(*args, stdin=None):
    return subprocess.run([CLI, "render", *args], input=stdin, capture_output=True, text=True)


@needs_cli
def test_cli_render(tmp_path):
    (tmp_path / "t.mustache").write_text("Клиент: {{client}}\n{{#items}}\n  {{>row}}\n{{/items}}\n",
                                         encoding="utf-8")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "row.mustache").write_text("- {{name}} <{{qty}}>\n", encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps(
        {"client": "АО «Ромашка» & Co", "items": [{"name": "A", "qty": 2}, {"name": "B", "qty": 1.5}]},
        ensure_ascii=False), encoding="utf-8")
    r = _run(str(tmp_path / "t.mustache"), str(tmp_path / "d.json"), "--partials",
             str(tmp_path / "parts"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Клиент: АО «Ромашка» &amp; Co\n  - A <2>\n  - B <1.5>\n"
    # Without --partials, partials are missing; data from stdin; --output.
    out = tmp_path / "out.txt"
    r = _run(str(tmp_path / "t.mustache"), "-", "--output", str(out), stdin='{"client":"X"}')
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8") == "Клиент: X\n"


@needs_cli
def test_cli_errors(tmp_path):
    (tmp_path / "bad.mustache").write_text("ok\n  {{#x}}\n", encoding="utf-8")
    (tmp_path / "d.json").write_text("{}", encoding="utf-8")
    r = _run(str(tmp_path / "bad.mustache"), str(tmp_path / "d.json"))
    assert r.returncode == 2
    assert "bad.mustache: line 2, column 3: unclosed section" in r.stderr
    (tmp_path / "ok.mustache").write_text("{{a}}", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"a": 1,\n "b": }', encoding="utf-8")
    r = _run(str(tmp_path / "ok.mustache"), str(tmp_path / "bad.json"))
    assert r.returncode == 2
    assert "bad.json: line 2, column 7" in r.stderr
    r = _run(str(tmp_path / "missing.mustache"), str(tmp_path / "d.json"))
    assert r.returncode == 2 and "missing.mustache" in r.stderr
    r = _run(str(tmp_path / "ok.mustache"))
    assert r.returncode == 2 and "need TEMPLATE and DATA" in r.stderr
    r = _run("--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: kam render")
    (tmp_path / "p.mustache").write_text("{{>p}}", encoding="utf-8")
    r = _run(str(tmp_path / "p.mustache"), str(tmp_path / "d.json"), "--partials", str(tmp_path))
    assert r.returncode == 2 and 'partial "p" nested deeper than 256 levels' in r.stderr

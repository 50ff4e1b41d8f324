"""kam.role_from_title, kam.DMU and the rest of kam/dmu.h from Python, plus the `kam title` and
`kam dmu` commands."""
import json
import math
import os
import subprocess

import pytest

import kam

SOURCE = os.environ.get("KAM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("KAM_CLI")
EXAMPLE = os.path.join(SOURCE, "examples", "data", "stakeholders.csv")


# ---- titles ----

@pytest.mark.parametrize("title, role", [
    ("Финансовый директор", "finance"),
    ("Зам. ген. директора по финансам", "finance"),
    ("Заместитель генерального директора по персоналу", "hr"),
    ("Заместитель генерального директора", "executive"),
    ("ИТ-директор", "technical"),
    ("IT директор", "technical"),
    ("HR-директор", "hr"),
    ("Начальник отдела закупок ООО «Ромашка», г. Москва", "procurement"),
    ("Главбух", "finance"),
    ("General Counsel", "legal"),
    ("Head of Procurement at Acme", "procurement"),
    ("VP Engineering", "technical"),
    ("Managing Director", "executive"),
    ("Операционный директор", "operations"),
    ("Коммерческий директор", "marketing"),
    ("Бренд-менеджер", "marketing"),
    ("ЮРИСКОНСУЛЬТ", "legal"),
    ("Менеджер", "unknown"),
])
def test_role_from_title(title, role):
    got, conf = kam.role_from_title(title)
    assert got == role
    assert 0.0 <= conf <= 1.0
    if role == "unknown":
        assert conf <= 0.2
    else:
        assert conf >= 0.25


def test_role_from_title_confidence_order():
    exact = kam.role_from_title("Финансовый директор")[1]
    qualified = kam.role_from_title("Директор по финансам")[1]
    bare = kam.role_from_title("Финансы")[1]
    assert exact == pytest.approx(0.95)
    assert exact > qualified > bare
    assert kam.role_from_title("Директор") == ("executive", pytest.approx(0.5))
    assert kam.role_from_title("") == ("unknown", 0.0)
    assert kam.role_from_title(b"CFO") == ("finance", 1.0)


def test_role_from_title_bad_input():
    with pytest.raises(kam.InvalidArgument):
        kam.role_from_title(None)
    with pytest.raises(kam.ParseError):
        kam.role_from_title(b"\xff\xfe")
    with pytest.raises(kam.ParseError):
        kam.role_from_title("\udcff")  # a lone surrogate cannot be UTF-8
    with pytest.raises(TypeError, match="title must be a str or bytes"):
        kam.role_from_title(42)  # the binding's one text rule: other types are a TypeError


def test_explain_title():
    text = kam.explain_title("Заместитель генерального директора по персоналу")
    assert '"персоналу" function hr 0.95 *' in text
    assert "=> hr 0.903" in text
    assert kam.explain_title("") == "=> unknown 0.00 (empty title)"
    with pytest.raises(kam.InvalidArgument):
        kam.explain_title(None)
    with pytest.raises(kam.ParseError):
        kam.explain_title(b"\xc0\xaf")


def test_names():
    assert kam.ROLES == ("unknown", "executive", "finance", "technical", "hr", "procurement",
                         "legal", "operations", "marketing")
    assert kam.STYLES == ("authority", "relational", "analytical")
    assert kam.BUYER_ROLES == ("economic", "user", "technical", "coach")
    assert kam.WARNINGS == ("empty", "no_economic_buyer", "no_coach", "influential_opponent")
    for i, name in enumerate(kam.ROLES):
        assert kam.role_name(i) == name
        assert kam.role_from_name(name) == i
        assert kam.role_from_name(name.upper()) == i
    for i, name in enumerate(kam.STYLES):
        assert kam.style_name(i) == name
    for i, name in enumerate(kam.BUYER_ROLES):
        assert kam.buyer_role_name(1 << i) == name
    for i, name in enumerate(kam.WARNINGS):
        assert kam.dmu_warning_name(1 << i) == name
    with pytest.raises(kam.InvalidArgument):
        kam.role_name(9)
    with pytest.raises(kam.InvalidArgument):
        kam.style_name(-1)
    with pytest.raises(kam.InvalidArgument):
        kam.buyer_role_name(3)
    with pytest.raises(kam.InvalidArgument):
        kam.dmu_warning_name(0)
    assert kam.TRAITS == ("dominance", "people", "detail")
    for i, name in enumerate(kam.TRAITS):
        assert kam.trait_name(i) == name
    for bad in (-1, 3):
        with pytest.raises(kam.InvalidArgument):
            kam.trait_name(bad)
    assert kam.KEY_REASONS == ("share", "group_share", "strategic", "top_score")
    for i, name in enumerate(kam.KEY_REASONS):
        assert kam.key_reason_name(1 << i) == name
    for bad in (0, 3, 16):
        with pytest.raises(kam.InvalidArgument):
            kam.key_reason_name(bad)
    with pytest.raises(kam.NotFound):
        kam.role_from_name("sales")


def test_buyer_role_parse():
    assert kam.buyer_role_parse("economic;coach") == 1 | 8
    assert kam.buyer_role_parse("Economic, USER | technical") == 7
    assert kam.buyer_role_parse("") == 0
    with pytest.raises(kam.ParseError):
        kam.buyer_role_parse("sponsor")


def test_role_style_prior():
    assert kam.role_style_prior("executive") == pytest.approx(
        {"authority": 0.70, "relational": 0.15, "analytical": 0.15})
    assert kam.role_style_prior("hr")["relational"] == pytest.approx(0.70)
    assert kam.role_style_prior(2) == pytest.approx(
        {"authority": 0.15, "relational": 0.10, "analytical": 0.75})
    for role in kam.ROLES:
        assert sum(kam.role_style_prior(role).values()) == pytest.approx(1.0)
    with pytest.raises(kam.InvalidArgument):
        kam.role_style_prior("sales")
    with pytest.raises(kam.InvalidArgument):
        kam.role_style_prior(99)


def test_profile_compute():
    p = kam.profile_compute("finance")
    assert p["style"] == pytest.approx({"authority": 0.15, "relational": 0.10, "analytical": 0.75})
    assert p["primary_style"] == "analytical"
    assert p["confidence"] == pytest.approx(0.5)
    # the header's worked example: all three traits outweigh the role
    p = kam.profile_compute("finance", 1.0, dict(dominance=1, people=0, detail=0))
    assert p["style"]["authority"] == pytest.approx(0.25 * 0.15 + 0.75)
    assert p["primary_style"] == "authority"
    assert p["confidence"] == pytest.approx(0.875)
    p = kam.profile_compute("hr", 0.0)
    assert p["style"] == pytest.approx({s: 1 / 3 for s in kam.STYLES})
    assert kam.profile_compute("hr", 1.0, (None, 0.9, None))["primary_style"] == "relational"
    with pytest.raises(kam.InvalidArgument):
        kam.profile_compute("hr", 1.5)
    with pytest.raises(kam.InvalidArgument):
        kam.profile_compute("hr", 1.0, dict(dominance=2))
    with pytest.raises(kam.InvalidArgument):
        kam.profile_compute("hr", 1.0, dict(charisma=0.5))
    with pytest.raises(kam.InvalidArgument):
        kam.profile_compute("hr", 1.0, (0.1, 0.2))


# ---- the DMU ----

def example_dmu():
    d = kam.DMU()
    d.add(name="Алексей Морозов", title="Генеральный директор", influence=0.9, attitude=1,
          buying_roles=["economic"])
    d.add(name="Ирина Соколова", title="Финансовый директор", influence=0.8, attitude=-1,
          buying_roles="economic", traits=dict(detail=0.9), email="i.sokolova@example.ru",
          phone="+7 495 123-45-68")
    d.add(name="Елена Волкова", title="Директор по персоналу", influence=0.5, attitude=4,
          buying_roles=("user", "coach"))
    return d


def test_dmu_add_and_profiles():
    d = example_dmu()
    assert len(d) == 3
    profiles = d.profiles()
    assert [p["role"] for p in profiles] == ["executive", "finance", "hr"]
    assert [p["primary_style"] for p in profiles] == ["authority", "analytical", "relational"]
    p = profiles[1]
    assert p["name"] == "Ирина Соколова"
    assert p["title"] == "Финансовый директор"
    assert p["email"] == "i.sokolova@example.ru"
    assert p["phone"] == "+7 495 123-45-68"
    assert p["role_given"] is False
    assert p["role_confidence"] == pytest.approx(kam.role_from_title("Финансовый директор")[1])
    assert p["influence"] == pytest.approx(0.8)
    assert p["attitude"] == -1
    assert p["buying_roles"] == ["economic"]
    assert p["traits"] == {"dominance": None, "people": None, "detail": 0.9}
    assert sum(p["style"].values()) == pytest.approx(1.0)
    assert d[1] == p
    assert d[-1]["name"] == "Елена Волкова"
    assert [q["name"] for q in d] == [q["name"] for q in profiles]
    assert d.stakeholder(0)["role"] == "unknown"  # as given: read from the title
    assert d.stakeholder(2)["buying_roles"] == ["user", "coach"]
    assert "kam.DMU of 3" in repr(d)


def test_dmu_given_role_and_traits_override():
    d = kam.DMU()
    assert d.add(name="A", title="Финансовый директор", role="hr") == 0
    assert d[0]["role"] == "hr" and d[0]["role_given"] and d[0]["role_confidence"] == 1.0
    d.add(name="B", role=kam.role_from_name("technical"),
          traits=dict(dominance=0.95, people=0.1, detail=0.1))
    assert d[1]["primary_style"] == "authority"  # observed traits outweigh the role
    d.add(name="C")
    assert d[2]["role"] == "unknown" and d[2]["confidence"] == 0.0
    assert d[2]["influence"] is None


def test_dmu_emphasis():
    d = kam.DMU()
    with pytest.raises(kam.IncompleteState):
        d.emphasis()
    d.add(name="CEO", role="executive", influence=0.9)
    d.add(name="CFO", role="finance", influence=0.3)
    e = d.emphasis()
    assert sum(e.values()) == pytest.approx(1.0)
    assert e["authority"] == pytest.approx((0.9 * 0.70 + 0.3 * 0.15) / 1.2)
    d.add(name="HR", role="hr")  # influence unknown: counts as 0.5
    e = d.emphasis()
    assert e["relational"] == pytest.approx((0.9 * 0.15 + 0.3 * 0.10 + 0.5 * 0.70) / 1.7)
    assert sum(e.values()) == pytest.approx(1.0)


def test_dmu_warnings():
    d = kam.DMU()
    assert d.warnings() == ["empty"]
    assert d.warning_flags() == 1
    d.add(name="Opponent", title="Технический директор", influence=0.6, attitude=-3)
    assert d.warnings() == ["no_economic_buyer", "no_coach", "influential_opponent"]
    d.add(name="Buyer", title="CFO", buying_roles=["economic"])
    assert d.warnings() == ["no_coach", "influential_opponent"]
    d.add(name="Coach", title="HRD", buying_roles=kam.buyer_role_parse("coach;user"))
    assert d.warnings() == ["influential_opponent"]
    e = kam.DMU()
    e.add(name="x", influence=0.59, attitude=-5, buying_roles=["economic", "coach"])
    assert e.warnings() == []


@pytest.mark.parametrize("fields, needle, exc", [
    (dict(influence=1.5), "influence 1.5 is not in 0..1", kam.InvalidArgument),
    (dict(influence=-0.1), "influence", kam.InvalidArgument),
    (dict(influence=math.inf), "influence", kam.InvalidArgument),
    (dict(influence="high"), "influence", kam.InvalidArgument),
    (dict(attitude=6), "attitude 6 is not in -5..+5", kam.InvalidArgument),
    (dict(attitude=-6), "attitude", kam.InvalidArgument),
    (dict(attitude=1.5), "attitude", kam.InvalidArgument),
    (dict(traits=dict(dominance=1.2)), "dominance", kam.InvalidArgument),
    (dict(traits=dict(people=-1)), "people", kam.InvalidArgument),
    (dict(traits=(0.1, 0.2, 7)), "detail", kam.InvalidArgument),
    (dict(traits=dict(charm=0.5)), "charm", kam.InvalidArgument),
    (dict(role="sales"), "sales", kam.InvalidArgument),
    (dict(role=42), "role 42", kam.InvalidArgument),
    (dict(buying_roles=["sponsor"]), "sponsor", kam.ParseError),
    (dict(buying_roles=16), "buying_roles", kam.InvalidArgument),
    (dict(name="\udcff"), "name is not valid UTF-8", kam.ParseError),
    (dict(title=b"\xd0"), "title is not valid UTF-8", kam.ParseError),
    (dict(email="a\udcc0"), "email", kam.ParseError),
    (dict(phone="1\x002"), "phone contains a NUL", kam.InvalidArgument),
    (dict(name=42), "name must be a str or bytes, not int", TypeError),
])
def test_dmu_bad_input(fields, needle, exc):
    d = example_dmu()
    before = d.profiles()
    args = dict(name="Анна", title="HR-директор")
    args.update(fields)
    with pytest.raises(exc) as info:
        d.add(**args)
    assert needle in str(info.value)
    assert len(d) == 3
    assert d.profiles() == before


def test_dmu_index_errors():
    d = example_dmu()
    with pytest.raises(kam.NotFound) as info:
        d.profile(3)
    assert "index 3 is out of range (the DMU has 3 stakeholders)" in str(info.value)
    with pytest.raises(kam.NotFound):
        d.profile(-4)
    with pytest.raises(kam.NotFound):
        d.stakeholder(10**30)
    with pytest.raises(kam.InvalidArgument):
        d.profile("0")


def test_dmu_many():
    d = kam.DMU()
    for i in range(500):
        d.add(name="p%d" % i, title="CFO" if i % 2 else "HRD", influence=(i % 11) / 10)
    assert len(d) == 500
    assert d[499]["name"] == "p499" and d[499]["role"] == "finance"
    assert sum(d.emphasis().values()) == pytest.approx(1.0)


# ---- the CLI ----

# ---- CSV (kam_dmu_read_csv) ----

def test_read_csv_example():
    d = kam.DMU.read_csv(EXAMPLE)
    assert len(d) == 6
    assert [p["role"] for p in d] == ["executive", "finance", "technical", "hr", "procurement",
                                      "operations"]
    first = d.stakeholder(0)
    assert first["title"] == 'Генеральный директор ООО "СеверЛогистик"'
    assert first["influence"] == 0.9 and first["buying_roles"] == ["economic"]
    assert d.warnings() == ["influential_opponent"]
    # a file object and os.PathLike work too, and read_csv_into adds after what is there
    import pathlib
    with open(EXAMPLE, "rb") as f:
        d.read_csv_into(f)
    d.read_csv_into(pathlib.Path(EXAMPLE))
    assert len(d) == 18


def test_parse_csv_russian():
    text = ("\ufeffФИО;Должность;Влияние, %;Отношение;Роли в закупке;Ориентация на детали\r\n"
            "Иванова Анна;Финансовый директор;80 %;+2;\"economic;coach\";0,9\r\n"
            "Пётр Семёнов;Директор по закупкам;0,5;−2;;\r\n")
    d = kam.DMU.parse_csv(text)
    assert len(d) == 2
    a = d.profile(0)
    assert a["name"] == "Иванова Анна" and a["role"] == "finance"
    assert a["influence"] == pytest.approx(0.8)
    assert a["attitude"] == 2 and a["buying_roles"] == ["economic", "coach"]
    assert a["traits"] == {"dominance": None, "people": None, "detail": 0.9}
    assert d.stakeholder(1)["attitude"] == -2
    assert kam.DMU.parse_csv(text.encode("utf-8")).stakeholder(1)["name"] == "Пётр Семёнов"
    # a fixed delimiter
    d = kam.DMU.parse_csv("name|title\nA|Head of Sales, EMEA\n", delimiter="|")
    assert d.stakeholder(0)["title"] == "Head of Sales, EMEA"


@pytest.mark.parametrize("text, exc, message", [
    ("name,influence\nA,0.5\nB,1.5\n", kam.InvalidArgument,
     'line 3, column "influence": stakeholder 3 ("B"): influence 1.5 is not in 0..1'),
    ("name,role\nA,boss\n", kam.ParseError, 'line 2, column "role": \'boss\' is not a role'),
    ("name,title\nA,\"CFO\"x\n", kam.ParseError,
     'line 2, column "title": text after the closing quote'),
    ("email\nx\n", kam.ParseError, "line 1: the header has neither"),
    ("", kam.ParseError, "line 1: the input is empty"),
])
def test_parse_csv_errors_leave_the_dmu_unchanged(text, exc, message):
    d = kam.DMU()
    d.add(name="Первый", title="CEO")
    with pytest.raises(exc) as e:
        d.parse_csv_into(text)
    assert message in str(e.value)
    assert len(d) == 1 and d.stakeholder(0)["name"] == "Первый"


def test_read_csv_bad_arguments(tmp_path):
    d = kam.DMU()
    with pytest.raises(OSError):
        d.read_csv_into(str(tmp_path / "missing.csv"))
    with pytest.raises(kam.InvalidArgument):
        d.parse_csv_into(42)
    with pytest.raises(kam.InvalidArgument):
        d.parse_csv_into("name\nA\n", delimiter='"')
    with pytest.raises(TypeError):
        d.parse_csv_into("name\nA\n", decimal_mark=",")

    class Broken:
        def read(self, n):
            raise RuntimeError("disk on fire")
    with pytest.raises(RuntimeError, match="disk on fire"):
        d.read_csv_into(Broken())
    assert len(d) == 0


needs_cli = pytest.mark.skipif(not CLI or not os.path.exists(CLI), reason="KAM_CLI not set")


def run(*args, stdin=None):
    return subprocess.run([CLI] + list(args), input=stdin, capture_output=True)


@needs_cli
def test_cli_title():
    r = run("title", "Финансовый директор")
    assert r.returncode == 0
    out = r.stdout.decode()
    assert "role:       finance" in out
    assert "confidence: 0.95" in out
    assert "style:      authority 0.16, relational 0.11, analytical 0.73 (primary: analytical)" in out
    r = run("title", "--explain", "HR-директор")
    assert "why:" in r.stdout.decode() and "title hr 0.95" in r.stdout.decode()
    r = run("title", "--json", "CFO", "CEO")
    data = json.loads(r.stdout)
    assert [x["role"] for x in data] == ["finance", "executive"]
    r = run("title", "--file", "-", stdin="CFO\nГлавбух\r\n\nМенеджер\n".encode())
    lines = r.stdout.decode().splitlines()
    assert [l.split("\t")[0] for l in lines] == ["finance", "finance", "unknown"]
    assert run("title", "--help").returncode == 0
    assert run("title").returncode == 2
    assert run("title", b"\xff").returncode == 2
    assert run("title", "--bogus", "x").returncode == 2


@needs_cli
def test_cli_dmu_example():
    r = run("dmu", EXAMPLE)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert "DMU of 6 people" in out
    assert "role:      executive (from the title" in out
    assert "role:      operations (given, confidence 1.00)" in out
    assert "emphasis:  authority" in out
    assert "influential_opponent" in out
    r = run("dmu", "--json", EXAMPLE)
    data = json.loads(r.stdout)
    assert len(data["stakeholders"]) == 6
    assert sum(data["emphasis"].values()) == pytest.approx(1.0, abs=1e-5)
    assert data["warnings"] == ["influential_opponent"]
    roles = [s["role"] for s in data["stakeholders"]]
    assert roles == ["executive", "finance", "technical", "hr", "procurement", "operations"]
    # the same DMU through the binding gives the same emphasis
    d = kam.DMU()
    for s in data["stakeholders"]:
        d.add(name=s["name"], title=s["title"], role=s["role"] if s["role_given"] else None,
              influence=s["influence"], attitude=s["attitude"], buying_roles=s["buying_roles"],
              traits=s["traits"])
    assert d.emphasis() == pytest.approx(data["emphasis"], abs=1e-5)
    assert run("dmu", "--help").returncode == 0


@needs_cli
@pytest.mark.parametrize("csv, message", [
    (b"name,title,influence\nA,CEO,1.5\n",
     'x.csv: line 2, column "influence": stakeholder 1 ("A"): influence 1.5 is not in 0..1'),
    (b"name,title,influence\nA,CEO,abc\n", 'x.csv: line 2, column "influence": \'abc\' is not a number'),
    (b"name,title\nA,\"CEO\n", 'x.csv: line 2, column "title": unterminated quoted field'),
    (b"name,title\nA,\"CEO\"x\n", 'x.csv: line 2, column "title": text after the closing quote'),
    (b"name,title,role\nA,CEO,sales\n", 'x.csv: line 2, column "role": \'sales\' is not a role'),
    (b"name,title\nA,CEO,x\n", "x.csv: line 2, column 3: more fields than the header has columns (2)"),
    (b"name,title\n\nB,CEO\nA\xff,CEO\n", 'x.csv: line 4, column "name": invalid UTF-8'),
    (b"foo,bar\n1,2\n", "x.csv: line 1: the header has neither"),
    (b"name,title,buying_roles\nA,CEO,sponsor\n", 'x.csv: line 2, column "buying_roles"'),
    (b"name,title,attitude\nA,CEO,+7\n", "attitude 7 is not in -5..+5"),
    (b"name,title,detail\nA,CEO,1.1\n", 'column "detail"'),
    (b"", "the input is empty"),
    (b"name,title\n", "no stakeholders"),
])
def test_cli_dmu_bad_input(tmp_path, csv, message):
    path = tmp_path / "x.csv"
    path.write_bytes(csv)
    r = run("dmu", str(path))
    assert r.returncode == 2
    assert message in r.stderr.decode(), r.stderr.decode()


@needs_cli
def test_cli_dmu_formats(tmp_path):
    # semicolons, CRLF, BOM, quotes with a separator inside, decimal commas and percentages
    path = tmp_path / "ru.csv"
    path.write_bytes("\ufeffName;Title;Influence;Buying roles\r\n\"Иванов; И.\";Главбух;80%;economic coach\r\n"
                     "Петров;\"Юрист \"\"А\"\"\";0,4;user\r\n".encode())
    r = run("dmu", "--json", str(path))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [s["name"] for s in data["stakeholders"]] == ["Иванов; И.", "Петров"]
    assert data["stakeholders"][0]["influence"] == pytest.approx(0.8)
    assert data["stakeholders"][1]["influence"] == pytest.approx(0.4)
    assert data["stakeholders"][1]["title"] == 'Юрист "А"'
    assert data["stakeholders"][0]["buying_roles"] == ["economic", "coach"]
    assert data["warnings"] == []
    assert run("dmu").returncode == 2
    assert run("dmu", str(tmp_path / "missing.csv")).returncode == 2

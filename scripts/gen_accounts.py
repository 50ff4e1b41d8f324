#!/usr/bin/env python3
"""Generates examples/data/accounts.csv: a realistic, deterministic sample portfolio.

The file is what Russian Excel writes for "CSV UTF-8 (разделитель — точка с запятой)": a UTF-8
BOM, ';' between fields, a decimal comma, CRLF line ends, formatted amounts with NBSP thousands
separators on some rows, Russian column names, quoted names holding ';', quotes, and one name
with a line break (Alt+Enter in a cell). Revenue is Pareto-distributed; some accounts belong to
holdings (one holding is key only as a group under the 10 % test), a few are strategic, some
are new (their history starts late), some have stopped buying. The gross margin ("Маржа") is
drawn from a second generator, so the other columns stay what they were before it existed: most
accounts earn 5-35 %, a few lose money (the largest account among them: a key account that is
unprofitable), some have no margin (empty cell). The last column, Отношения, is the account
team's relationship score (0..1, empty: unknown) from a third generator, so the other columns do
not depend on it.

Usage: scripts/gen_accounts.py [OUT]   (default examples/data/accounts.csv)
The output depends only on the seed below: rerunning gives the same bytes.
"""
import csv
import io
import os
import random
import sys

SEED = 20240917
N = 420
MONTHS = 12
YEARS = 5
NBSP = "\u00a0"

RU_FORMS = ["ООО", "АО", "ПАО", "ЗАО", "ИП"]
RU_ROOTS = [
    "Северный ветер", "Техноком", "АгроПром", "СтройИнвест", "Волга-Логистик", "Уральские заводы",
    "МедТех", "Сибирская нива", "ТрансКом", "Балтийский берег", "Энергосбыт", "Промавтоматика",
    "Дельта", "Вектор", "Гранит", "Альтаир", "Меридиан", "Полюс", "Кристалл", "Ладога",
    "Росинка", "Старт", "Орбита", "Фаворит", "Омега", "Эталон", "Радуга", "Север", "Восток",
    "Прогресс", "Связьмонтаж", "ХимПласт", "Нефтесервис", "Агрохолдинг Кубань", "Мостострой",
    "Фармлайн", "Книжный мир", "Торговый дом Арсенал", "Снабженец", "Лесопромышленник",
]
EN_NAMES = [
    "Nordic Steel", "Baltic Foods", "Acme Trading", "Bluewater Logistics", "Greenfield Agro",
    "Polar Star Shipping", "Silverline Pharma", "Ironbridge Machinery", "Crescent Retail",
    "Summit Packaging", "Redwood Energy", "Harbor Chemicals", "Atlas Components", "Quantum Labs",
    "Evergreen Paper", "Falcon Aviation Services", "Granite Construction Supply", "Oakridge Media",
]
EN_FORMS = ["Ltd", "LLC", "GmbH", "AG", "Inc.", "B.V."]
HOLDINGS = [
    "ГК «Уралинвест»", "Холдинг Балтика-Групп", "Nordic Holdings", "ГК ТрансЛогистик",
    "Агрокомплекс «Юг»", "Atlas Group", "ГК «МедСнаб»", "Холдинг «Северные верфи»",
]


def money(v, rnd, style):
    """Rubles as Russian Excel prints them: '1234567,89', or with NBSP groups '1 234 567,89'."""
    neg = v < 0
    kop = round(abs(v) * 100)
    rub, k = divmod(kop, 100)
    text = f"{rub},{k:02d}"
    if style == "grouped":
        s = str(rub)
        groups = []
        while s:
            groups.insert(0, s[-3:])
            s = s[:-3]
        text = NBSP.join(groups) + f",{k:02d}"
    elif style == "integer" and k == 0:
        text = str(rub)
    return ("-" if neg else "") + text


def company(rnd, used):
    while True:
        if rnd.random() < 0.75:
            form = rnd.choice(RU_FORMS)
            root = rnd.choice(RU_ROOTS)
            if rnd.random() < 0.3:
                root += "-" + rnd.choice(["Трейд", "Сервис", "Инвест", "Групп", "М", "Юг"])
            name = f'{form} "{root}"' if form != "ИП" else f"ИП {rnd.choice(['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов'])} {rnd.choice('АБВГДЕКМНС')}. {rnd.choice('АВГДЕИМНОП')}."
            if form != "ИП" and rnd.random() < 0.15:
                name = name.replace('"', "«", 1).replace('"', "»", 1)
        else:
            name = f"{rnd.choice(EN_NAMES)} {rnd.choice(EN_FORMS)}"
        if name not in used:
            used.add(name)
            return name


def relationship(r, rnd):
    """A relationship score for 70 % of the accounts, better where revenue grows: '0,65'."""
    if rnd.random() >= 0.7:
        return ""
    v = min(1.0, max(0.0, 0.6 + 8 * r["growth"] + rnd.gauss(0, 0.18)))
    return f"{round(v * 20) / 20:.2f}".replace(".", ",")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "examples", "data", "accounts.csv")
    rnd = random.Random(SEED)
    used = set()
    rows = []
    for i in range(N):
        code = f"{rnd.randint(0, 99):02d}-{100000 + i * 7 + rnd.randint(0, 6):06d}"
        name = company(rnd, used)
        # Pareto-distributed monthly base revenue in rubles (alpha 0.9, at least 40 000).
        base = 40000.0 * rnd.paretovariate(0.9)
        base = min(base, 2.0e7)
        volatility = rnd.choice([0.02, 0.03, 0.05, 0.08, 0.15, 0.3])
        growth = rnd.uniform(-0.025, 0.035)
        season = rnd.uniform(0.0, 0.12)
        start = 0
        is_new = False
        if rnd.random() < 0.07:
            start = rnd.randint(3, 9)  # acquired during the year
            is_new = True
        stopped = rnd.random() < 0.02
        hist = []
        for m in range(MONTHS):
            if m < start:
                hist.append(None)
                continue
            if stopped and m >= 8:
                hist.append(0.0)
                continue
            seasonal = 1 + season * ((m % 12) in (10, 11)) - season * 0.5 * ((m % 12) in (0, 6))
            v = base * (1 + growth) ** m * seasonal * max(0.0, rnd.gauss(1.0, volatility))
            hist.append(round(v, 2) if rnd.random() < 0.8 else float(round(v, -3)))
        rows.append(dict(code=code, name=name, hist=hist, new=is_new, growth=growth))
    # Dormant accounts: no revenue this year (class C whatever the thresholds).
    for r in rows[-2:]:
        r["hist"] = [0.0] * MONTHS
        r["new"] = False
    # The three largest are scaled to 13 %, 8.5 % and 6 % of the total: the first passes the
    # 10 % test on its own, the others do not.
    rows.sort(key=lambda r: -sum(v or 0 for v in r["hist"]))
    rest = sum(sum(v or 0 for v in r["hist"]) for r in rows[3:])
    total = rest / (1 - 0.13 - 0.085 - 0.06)
    for r, share in zip(rows[:3], (0.13, 0.085, 0.06)):
        f = share * total / sum(v or 0 for v in r["hist"])
        r["hist"] = [None if v is None else round(v * f, 2) for v in r["hist"]]
    # Holdings: a group of mid-size accounts that together bring ~11 % (key as a group only).
    mid = [r for r in rows[6:60]]
    rnd.shuffle(mid)
    acc = 0.0
    for r in mid:
        if acc > 0.11 * total:
            break
        r["group"] = HOLDINGS[0]
        acc += sum(v or 0 for v in r["hist"])
    for r in rows[6:]:
        if "group" not in r and rnd.random() < 0.18:
            r["group"] = rnd.choice(HOLDINGS[1:])
    # Quirks: names with ';', doubled quotes already present, one line break, leading '=' text.
    rows[10]["name"] = 'ООО "Альфа; филиал Казань"'
    rows[25]["name"] = "Торговый дом; склад №2"
    rows[40]["name"] = 'АО "Север"\nобособленное подразделение'
    rows[77]["name"] = "=Ромашка (было в 1С с =)"
    strategic = set(rnd.sample(range(30, N), 5))
    largest = rows[0]["code"]
    rnd.shuffle(rows)
    mrnd = random.Random(SEED + 1)  # margins: their own draws, the rest of the file unchanged
    header = (["Код", "Наименование", "Холдинг", "Выручка, руб.", "Маржа", "Потенциал",
               "Стратегический", "Новый"] + [f"h{m + 1}" for m in range(MONTHS)] +
              [f"f{y + 1}" for y in range(YEARS)] + ["Отношения"])
    rel_rnd = random.Random(SEED + 2)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for i, r in enumerate(rows):
        style = rnd.choice(["plain", "plain", "grouped", "integer"])
        revenue = round(sum(v or 0 for v in r["hist"]), 2)
        hist = ["" if v is None else money(v, rnd, style) for v in r["hist"]]
        pot = ""
        u = rnd.random()
        if u < 0.45:
            pot = f"{rnd.randint(1, 9) / 10}".replace(".", ",")
        elif u < 0.6:
            pot = f"{rnd.randint(1, 10) * 10}%"
        fc = [""] * YEARS
        if rnd.random() < 0.65:
            margin = rnd.uniform(0.08, 0.22)
            yearly = revenue * margin
            invest = rnd.random() < 0.1
            for y in range(YEARS):
                v = yearly * (1 + r["growth"] * 12) ** y
                if invest and y == 0:
                    v = -yearly * rnd.uniform(0.3, 1.0)
                fc[y] = money(round(v, 2), rnd, style)
        u = mrnd.random()
        if r["code"] == largest:
            margin_text = money(round(-0.03 * revenue, 2), mrnd, style)
        elif u < 0.08:
            margin_text = ""
        elif u < 0.14:
            margin_text = money(round(-mrnd.uniform(0.02, 0.15) * revenue, 2), mrnd, style)
        else:
            margin_text = money(round(mrnd.uniform(0.05, 0.35) * revenue, 2), mrnd, style)
        w.writerow([r["code"], r["name"], r.get("group", ""), money(revenue, rnd, style),
                    margin_text, pot,
                    "да" if i in strategic else "", "да" if r["new"] else "нет"] + hist + fc
                   + [relationship(r, rel_rnd)])
    data = buf.getvalue().encode("utf-8")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "wb") as f:
        f.write(b"\xef\xbb\xbf" + data)


if __name__ == "__main__":
    main()

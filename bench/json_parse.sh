#!/bin/sh
# bench/json_parse.sh - JSON parse throughput: kam_json_parse against Python's json.loads
# (C-accelerated) on the same ~20 MB file, in the same run.
#
# usage: bench/json_parse.sh [BUILD_DIR] [SIZE_MB]
# The data (an array of account/proposal records with Cyrillic text, amounts, dates, nested
# contacts and price lines) is generated into a temporary directory and removed afterwards.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
size_mb=${2:-20}
bench="$build/bench/bench_json_parse"
python=${PYTHON:-/usr/bin/python3}
[ -x "$bench" ] || { echo "no $bench: build first (cmake --build $build)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
data="$tmp/accounts.json"

"$python" - "$data" "$size_mb" <<'PY'
import json, random, sys
path, size_mb = sys.argv[1], float(sys.argv[2])
rnd = random.Random(4)
cities = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород"]
words = ("поставка оборудования сервисное обслуживание внедрение лицензия обучение персонала "
         "интеграция склад логистика аналитика поддержка модернизация").split()
roles = ["Генеральный директор", "Финансовый директор", "Директор по персоналу",
         "Главный инженер", "Руководитель отдела закупок"]
names = ["Иван Петров", "Мария Смирнова", "Алексей Кузнецов", "Ольга Попова", "Дмитрий Соколов"]
def record(i):
    lines = [{"sku": "SKU-%05d" % rnd.randrange(100000),
              "title": " ".join(rnd.choice(words) for _ in range(rnd.randrange(2, 6))),
              "qty": rnd.randrange(1, 500),
              "price": "%d.%02d" % (rnd.randrange(100, 10**7), rnd.randrange(100)),
              "discount": round(rnd.random() * 0.3, 4)} for _ in range(rnd.randrange(1, 8))]
    return {"id": "ACC-%06d" % i,
            "name": "ООО «%s %s»" % (rnd.choice(words).capitalize(), rnd.choice(words)),
            "city": rnd.choice(cities), "inn": str(rnd.randrange(10**9, 10**10)),
            "key": rnd.random() < 0.2, "strategic": rnd.random() < 0.1, "manager": None,
            "revenue": rnd.randrange(10**5, 10**11) / 100,
            "history": [rnd.randrange(10**6, 10**9) for _ in range(8)],
            "growth": rnd.gauss(0.05, 0.1),
            "contacts": [{"name": rnd.choice(names), "role": rnd.choice(roles),
                          "email": "user%d@example.ru" % rnd.randrange(10**6),
                          "phone": "+7 (9%02d) %03d-%02d-%02d" % (rnd.randrange(100), rnd.randrange(1000),
                                                               rnd.randrange(100), rnd.randrange(100))}
                         for _ in range(rnd.randrange(1, 4))],
            "proposal": {"valid_until": "2026-%02d-%02d" % (rnd.randrange(1, 13), rnd.randrange(1, 29)),
                         "note": "Предложение: «%s»\n\tс учётом скидки" % " ".join(rnd.choice(words) for _ in range(8)),
                         "lines": lines}}
out, size, i = [], 0, 0
target = int(size_mb * 1e6)
while size < target:
    s = json.dumps(record(i), ensure_ascii=False, indent=1 if i % 3 == 0 else None)
    out.append(s)
    size += len(s.encode("utf-8")) + 2
    i += 1
with open(path, "w", encoding="utf-8") as f:
    f.write("[\n" + ",\n".join(out) + "\n]\n")
PY

echo "== kam (C) =="
kam_out=$("$bench" "$data" 10)
echo "$kam_out"
echo "== Python $("$python" -c 'import sys; print(sys.version.split()[0])') json.loads =="
py_out=$("$python" - "$data" <<'PY'
import json, sys, time
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")
best_b = best_s = best_cpu = 1e9
for _ in range(5):
    # freeing the result is part of the cost, as on the C side
    c0 = time.process_time(); t0 = time.perf_counter()
    obj = json.loads(raw)
    del obj
    t1 = time.perf_counter(); c1 = time.process_time()
    t2 = time.perf_counter()
    obj = json.loads(text)
    del obj
    t3 = time.perf_counter()
    best_b, best_s, best_cpu = min(best_b, t1 - t0), min(best_s, t3 - t2), min(best_cpu, c1 - c0)
mb = len(raw) / 1e6
print("json.loads(bytes)+free: best %.0f MB/s" % (mb / best_b))
print("json.loads(bytes)+free (CPU time): best %.0f MB/s" % (mb / best_cpu))
print("json.loads(str, already decoded)+free: best %.0f MB/s" % (mb / best_s))
PY
)
echo "$py_out"
kam_mbs=$(echo "$kam_out" | sed -n 's/^kam_json_parse+free: best \([0-9]*\) MB\/s.*/\1/p')
py_mbs=$(echo "$py_out" | sed -n 's/^json.loads(bytes)+free: best \([0-9]*\) MB\/s/\1/p')
kam_cpu=$(echo "$kam_out" | sed -n 's/^kam_json_parse+free (CPU time): best \([0-9]*\) MB\/s/\1/p')
py_cpu=$(echo "$py_out" | sed -n 's/^json.loads(bytes)+free (CPU time): best \([0-9]*\) MB\/s/\1/p')
echo "== ratio =="
awk -v k="$kam_mbs" -v p="$py_mbs" 'BEGIN { printf "kam_json_parse / json.loads(bytes), wall time: %.1fx (%s vs %s MB/s)\n", k / p, k, p }'
awk -v k="$kam_cpu" -v p="$py_cpu" 'BEGIN { printf "kam_json_parse / json.loads(bytes), CPU time:  %.1fx (%s vs %s MB/s)\n", k / p, k, p }'

-- kam.Portfolio and its segmentations through the Lua module: adding (exact money), bulk
-- columns, results against a sorting reference, errors, iteration, CSV in, reports out, lifetimes.
local kam = require "kam"
local t = require "kamtest"
local check, near, raises = t.check, t.near, t.raises

-- DESIGN section 5 by sorting: shortest rank prefixes reaching a and b
local function reference(rev, a, b)
  local n, total, order = #rev, 0, {}
  for i = 1, n do total = total + rev[i]; order[i] = i end
  table.sort(order, function(x, y) if rev[x] ~= rev[y] then return rev[x] > rev[y] end return x < y end)
  local cls = {}
  for i = 1, n do cls[i] = "C" end
  if total > 0 then
    local cum, la = 0, 0
    while not (cum / total >= a) do la = la + 1; cum = cum + rev[order[la]] end
    cum = 0
    local lab = 0
    while not (cum / total >= b) do lab = lab + 1; cum = cum + rev[order[lab]] end
    for pos, i in ipairs(order) do
      if rev[i] > 0 then cls[i] = pos <= la and "A" or pos <= lab and "B" or "C" end
    end
  end
  return table.concat(cls), order
end

check("hand case", function()
  local p = kam.Portfolio()
  p:add{id = "x", revenue = 20}
  p:add{id = "big", revenue = "0.50", name = "Большой", group = "Холдинг", strategic = true}
  p:add{id = "zero", revenue = "0"}
  p:add{id = "mid", revenue = 30, history = {100, "1.00", 150}, forecast = {10, 20.5}, potential = 0.5, new = true}
  assert(#p == 4 and p:count() == 4)
  local s = p:segment()
  assert(#s == 4)
  assert(s:classes() == "BACA", s:classes())
  local sm = s:summary()
  assert(sm.accounts == 4 and sm.total_revenue == 100 and sm.key_accounts == 3)
  assert(sm.count.A == 2 and sm.count.B == 1 and sm.count.C == 1)
  assert(sm.revenue.A == 80 and sm.revenue.B == 20 and sm.revenue.C == 0)
  near(sm.gini, 0.4, 1e-15)
  near(sm.hhi, 0.38, 1e-12)
  assert(sm.top20_share == 0.5)
  local big = s:get(2)
  assert(big.id == "big" and big.name == "Большой" and big.group == "Холдинг" and big.index == 2)
  assert(big.rank == 1 and big.abc == "A" and big.key)
  assert(table.concat(big.key_reasons, ",") == "share,group_share,strategic")
  local mid = s:get(4)
  assert(mid.cum_share == 0.8 and mid.abc == "A" and mid.xyz ~= "-")
  near(mid.npv, 10 / 1.1 + 20.5 / 1.21, 1e-9)
  assert(s:get(3).xyz == "-" and s:get(3).npv ~= s:get(3).npv) -- NaN
  assert(s:get_by_rank(4).id == "zero")
  local ids = {}
  for sc in s:each("rank") do ids[#ids + 1] = sc.id end
  assert(table.concat(ids, " ") == "big mid x zero")
  ids = {}
  for sc in s:each("insertion") do ids[#ids + 1] = sc.id end
  assert(table.concat(ids, " ") == "x big zero mid")
  ids = {}
  assert(s:foreach(function(sc) ids[#ids + 1] = sc.id end) == true)
  assert(table.concat(ids, " ") == "big mid x zero")
  ids = {}
  assert(s:foreach(function(sc) ids[#ids + 1] = sc.id; return #ids == 2 end, "insertion") == false)
  assert(table.concat(ids, " ") == "x big")
  local ok, err = pcall(s.foreach, s, function(sc) error("stop at " .. sc.id, 0) end)
  assert(not ok and err == "stop at big")
  raises("ENOTFOUND", s.get, s, 5)
  raises("ENOTFOUND", s.get_by_rank, s, 0)
  assert(tostring(p):find("4 accounts"))
end)

check("money and add errors", function()
  local p = kam.Portfolio()
  p:add{id = "a", revenue = "1234567.89"}
  assert(p:segment():get(1).revenue == 123456789)
  raises("EINVAL", p.add, p, {id = "b", revenue = 1.5})
  raises("EINVAL", p.add, p, {id = "b", revenue = "1.005"})
  raises("EINVAL", p.add, p, {id = "b", revenue = "12,5"})
  raises("EOVERFLOW", p.add, p, {id = "b", revenue = "99999999999999999999"})
  -- decimal text is read by kam_money_parse: its grammar (exponent, zeros past 2 digits)
  p:add{id = "e", revenue = " 1.5e3 "}
  p:add{id = "z", revenue = "2.500"}
  local seg = p:segment()
  assert(seg:get(2).id == "e" and seg:get(2).revenue == 150000, seg:get(2).revenue)
  assert(seg:get(3).id == "z" and seg:get(3).revenue == 250, seg:get(3).revenue)
  local e = raises("EEXIST", p.add, p, {id = "a", revenue = 1})
  assert(e.message:find('duplicate id "a"'), e.message)
  e = raises("EINVAL", p.add, p, {id = "n", revenue = -1})
  assert(e.message:find("revenue %-1 is negative"), e.message)
  raises("EINVAL", p.add, p, {id = "", revenue = 1})
  raises("EINVAL", p.add, p, {id = "p", revenue = 1, potential = 2})
  raises("EINVAL", p.add, p, {id = "f", revenue = 1, forecast = {1 / 0}})
  raises("EINVAL", p.add, p, {id = "h", revenue = 1, history = {1, -1}})
  assert(not pcall(p.add, p, {revenue = 1}))
  assert(not pcall(p.add, p, {id = "t", revenue = 1, potential = "high"}))
  assert(not pcall(p.add, p, {id = "t", revenue = 1, forecast = {"x"}}))
  assert(#p == 3)
end)

check("add_columns", function()
  local p = kam.Portfolio()
  p:add_columns({5, 3, 0, 7})
  p:add_columns({"1.00", 200}, {"x", "y"})
  assert(#p == 6)
  local s = p:segment()
  assert(s:get(1).id == "0" and s:get(4).id == "3" and s:get(5).id == "x" and s:get(5).revenue == 100)
  raises("EEXIST", p.add, p, {id = "2", revenue = 1})
  raises("EEXIST", p.add_columns, p, {1, 2}, {"z", "x"})
  raises("EINVAL", p.add_columns, p, {1, -2})
  raises("EINVAL", p.add_columns, p, {1}, {"q", "r"})
  assert(#p == 6)
  p:add_columns({})
  assert(#p == 6)
end)

check("options and errors", function()
  local p = kam.Portfolio()
  for i = 1, 30 do p:add{id = "c" .. i, revenue = 1000 + i, forecast = {i * 10.0}, potential = (i % 5) / 4} end
  local s = p:segment{key_top_n = 3, key_share = 0.5}
  local top = 0
  for sc in s:each() do
    for _, r in ipairs(sc.key_reasons) do if r == "top_score" then top = top + 1 end end
  end
  assert(top == 3 and s:summary().key_accounts == 3)
  local s2 = p:segment{w_share = 1, w_npv = 0, w_trend = 0, w_potential = 0, w_strategic = 0}
  assert(s2:get(30).score == 1.0 and s2:get(1).score == 0.0)
  local e = raises("EINVAL", p.segment, p, {a_share = 1.5})
  assert(e.message:find("a_share"), e.message)
  raises("EINVAL", p.segment, p, {w_share = 0, w_npv = 0, w_trend = 0, w_potential = 0, w_strategic = 0})
  assert(not pcall(p.segment, p, {bogus = 1}))
  assert(not pcall(p.segment, p, {key_top_n = -1}))
  local q = kam.Portfolio()
  q:add_columns({1 << 62, 1 << 62, 1 << 62})
  e = raises("EOVERFLOW", q.segment, q)
  assert(e.message:find("exceeds INT64_MAX"))
end)

check("property against a sorting reference", function()
  math.randomseed(11)
  for trial = 1, 60 do
    local n = math.random(1, 300)
    local rev = {}
    for i = 1, n do
      local k = trial % 3
      rev[i] = k == 0 and math.random(0, 5) or k == 1 and math.floor(1000 / (math.random() ^ 0.8)) or math.random(0, 1 << 40)
    end
    local p = kam.Portfolio()
    p:add_columns(rev)
    local a = ({0.8, 0.5, 0.0, 1.0})[trial % 4 + 1]
    local b = math.max(a, 0.95)
    local s = p:segment{a_share = a, b_share = b}
    local want, order = reference(rev, a, b)
    assert(s:classes() == want, "trial " .. trial)
    local r = 0
    for sc in s:each("rank") do
      r = r + 1
      assert(sc.index == order[r] and sc.rank == r)
    end
  end
end)

check("lifetimes: close and collect in any order", function()
  local s
  do
    local p <close> = kam.Portfolio()
    p:add_columns({1, 2, 3})
    s = p:segment()
  end
  -- the portfolio is closed, but its segmentation still works
  assert(s:summary().total_revenue == 6 and s:get(3).rank == 1)
  do local s2 <close> = s end
  assert(not pcall(s.summary, s))
  local p = kam.Portfolio()
  p:add_columns({4})
  local keep = p:segment()
  p = nil
  collectgarbage(); collectgarbage()
  assert(keep:get(1).revenue == 4)
  for _ = 1, 50 do
    local q = kam.Portfolio(); q:add_columns({1, 2}); local t = q:segment()
    local cycle = {q = q, t = t}; cycle.self = cycle
  end
  collectgarbage(); collectgarbage()
  local closed = kam.Portfolio()
  getmetatable(closed).__close(closed)
  assert(not pcall(closed.add, closed, {id = "a", revenue = 1}))
  assert(tostring(closed):find("closed"))
end)

local CSV = "id;name;group;revenue;potential;strategic;h1;h2;f1\r\n" ..
            "acme;ACME;G;1 500 000,00;0,5;да;100;120;1000\r\n" ..
            "\"b;2\";\"Бета \"\"ООО\"\"\";;250,50;;;;;\r\n" ..
            "c;C;G;0;;;;;\r\n"

check("read_csv reads a path or a file handle, parse_csv parses text; reports", function()
  local p = kam.Portfolio.parse_csv(CSV)
  assert(#p == 3)
  local chunks, i = {}, 0
  for k = 1, #CSV, 7 do chunks[#chunks + 1] = CSV:sub(k, k + 6) end
  local q = kam.Portfolio.parse_csv(function() i = i + 1; return chunks[i] end)
  assert(#q == 3)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb")); f:write(CSV); f:close()
  assert(#kam.Portfolio.read_csv(path) == 3)
  assert(#kam.Portfolio.read_csv(path, {delimiter = ";", decimal_mark = ","}) == 3)
  f = assert(io.open(path, "rb"))
  local r = kam.Portfolio.read_csv(f)
  f:close()
  assert(#r == 3)
  -- the sample data by path, as the Python README example does
  local src = os.getenv("KAM_SOURCE_DIR")
  if src then assert(#kam.Portfolio.read_csv(src .. "/examples/data/accounts.csv") > 100) end
  os.remove(path)
  local e = raises("EINVAL", kam.Portfolio.read_csv, path)
  assert(e.message:find("read_csv: cannot open"), e.message)
  -- a path is not CSV text, and CSV text is not a path
  e = raises("EPARSE", kam.Portfolio.parse_csv, "examples/data/accounts.csv")
  local ok, err = pcall(kam.Portfolio.read_csv, function() end)
  assert(not ok and tostring(err):find("parse_csv"), tostring(err))
  ok, err = pcall(kam.Portfolio.parse_csv, io.stdin)
  assert(not ok and tostring(err):find("read_csv"), tostring(err))
  assert(kam.Portfolio.read_csv_file == nil)
  local s = p:segment()
  local acme = s:get(1)
  assert(acme.revenue == 150000000 and table.concat(acme.key_reasons, ",") == "share,group_share,strategic")
  assert(s:get(2).id == "b;2" and s:get(2).name == 'Бета "ООО"')
  local csv = s:to_csv()
  assert(csv:find("acme") and csv:find("ACME"))
  assert(select(2, s:to_csv{delimiter = ";"}:gsub(";", "")) > 3)
  local json = s:to_json()
  assert(json:sub(1, 1) == "{" or json:sub(1, 1) == "[")
  local svg = s:pareto_svg()
  assert(svg:find("<svg") and svg:find("</svg>"))
end)

check("parse_csv_into / read_csv_into: atomic, line and column, reader errors, options", function()
  local p = kam.Portfolio()
  p:add{id = "keep", revenue = 1}
  local e = raises("EPARSE", p.parse_csv_into, p, "id,revenue\nx,1\ny,12.345\n")
  assert(e.message:find("line 3"), e.message)
  assert(#p == 1)
  raises("EEXIST", p.parse_csv_into, p, "id,revenue\nkeep,5\n")
  assert(#p == 1)
  assert(p:parse_csv_into("id,revenue\nnew,5\n") == nil)
  assert(#p == 2)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb")); f:write("id;revenue\nfile;7\n"); f:close()
  p:read_csv_into(path, {delimiter = ";"})
  assert(#p == 3)
  os.remove(path)
  raises("EINVAL", p.read_csv_into, p, path)
  local ok, err = pcall(p.parse_csv_into, p, function() error("disk gone") end)
  assert(not ok and tostring(err):find("disk gone"), tostring(err))
  ok, err = pcall(p.parse_csv_into, p, function() return 42 end)
  assert(not ok and tostring(err):find("not a string"), tostring(err))
  assert(#p == 3)
  assert(not pcall(p.parse_csv_into, p, 12))
  assert(not pcall(p.read_csv_into, p, 12))
  raises("EINVAL", p.parse_csv_into, p, "", {delimiter = ";;"})
  -- the options are Python's keyword arguments: an unknown one is an error in both
  ok, err = pcall(p.parse_csv_into, p, "id,revenue\n", {separator = ";"})
  assert(not ok and tostring(err):find("unknown field 'separator'"), tostring(err))
  ok, err = pcall(p.parse_csv_into, p, "id,revenue\n", {formula_guard = false})
  assert(not ok and tostring(err):find("formula_guard"), tostring(err))
  assert(p.read_csv == nil) -- the old method that took text is gone
  local s = p:segment()
  assert(s:to_csv{formula_guard = false}:find("keep"))
  ok, err = pcall(s.to_csv, s, {quote = "'"})
  assert(not ok and tostring(err):find("unknown field 'quote'"), tostring(err))
end)

check("kam.Portfolio(threads) as Python's kam.Portfolio(threads=1)", function()
  local p = kam.Portfolio(2)
  p:add_columns({5, 3, 1})
  assert(#p == 3 and p:count() == 3)
  raises("EINVAL", kam.Portfolio, 0)
  raises("EINVAL", kam.Portfolio, 65)
end)

check("set_threads gives the same results", function()
  local rev, seed = {}, 11
  for i = 1, 200000 do
    seed = (seed * 1103515245 + 12345) % 2147483648
    rev[i] = 1000 + seed % 100000
  end
  local got = {}
  for _, t in ipairs({1, 3}) do
    local p = kam.Portfolio()
    assert(p:set_threads(t) == p)
    p:add_columns(rev)
    local s = p:segment()
    local sm = s:summary()
    got[t] = {s:classes(), sm.gini, sm.count.A, sm.count.B, s:get_by_rank(1).index}
  end
  for k = 1, 5 do assert(got[1][k] == got[3][k], "field " .. k) end
  local p = kam.Portfolio()
  local err = raises("EINVAL", p.set_threads, p, 0)
  assert(err.message:find("outside 1..64", 1, true))
  raises("EINVAL", p.set_threads, p, 65)
  raises("EINVAL", p.set_threads, p, -1)
end)

check("margin, basis and unit", function()
  local p = kam.Portfolio()
  p:add{id = "h1", revenue = 300, group = "Holding", margin = 30}
  p:add{id = "s1", revenue = 500, margin = -20}
  p:add{id = "h2", revenue = 200, group = "Holding", margin = "1.50"}
  p:add{id = "s2", revenue = 100}
  p:add{id = "h3", revenue = 100, group = "Holding", margin = 0}
  local sm = p:segment():summary()
  assert(sm.customers == 5 and sm.basis == "revenue" and sm.unit == "account")
  assert(sm.total_margin == 160 and sm.unprofitable == 1 and sm.unprofitable_revenue == 500)
  assert(sm.key_unprofitable == 1 and sm.margin_accounts == 4)
  near(sm.key_revenue_share, 1100 / 1200)
  local s = p:segment()
  assert(s:get(2).margin == -20 and s:get(2).unprofitable == true and s:get(4).margin == nil)
  local g = p:segment{unit = "group"}
  assert(g:summary().customers == 3 and g:summary().unit == "group")
  local c = g:customers()
  assert(#c == 3 and c[1].name == "Holding" and c[1].members == 3 and c[1].revenue == 600)
  assert(c[1].margin == 180 and c[1].key and c[1].rank == 1 and c[1].abc == "A" and c[1].group)
  assert(c[2].name == "s1" and c[3].margin == nil)
  assert(g:get(1).abc == "A" and g:get(5).abc == "A" and g:get(5).customer_rank == 1)
  local m = p:segment{basis = "margin", unit = "group"}
  assert(m:summary().basis_total == 180)
  local mc = m:customers()
  assert(mc[1].abc == "A" and mc[2].abc == "C" and mc[3].abc == "C")
  raises("EINVAL", p.segment, p, {basis = "profit"})
  raises("EINVAL", p.segment, p, {unit = "holding"})
  local q = kam.Portfolio()
  q:add_columns({100, 200, 300}, nil, {10, false, -5})
  local qs = q:segment{basis = "margin"}
  assert(qs:summary().total_margin == 5 and qs:get_by_rank(1).index == 1)
  assert(qs:get_by_rank(2).index == 3 and qs:get_by_rank(3).index == 2)
  raises("EINVAL", q.add_columns, q, {1, 2}, nil, {1})
  assert(#q == 3)
end)

t.done("test_portfolio")

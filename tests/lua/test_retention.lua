-- Portfolio:retention through the Lua module: the names of Python's Portfolio.retention, a hand
-- case, the bridge identity on random portfolios, errors and overflow.
local kam = require "kam"
local t = require "kamtest"
local check, raises, eq = t.check, t.raises, t.eq

check("hand case", function()
  local p = kam.Portfolio()
  p:add{id = "lost", revenue = 0, history = {10, 10, 0, 0}}
  p:add{id = "new", revenue = 7, history = {5, 7}}
  p:add{id = "up", revenue = 120, history = {100, 100, 120, 120}, new = true}
  p:add{id = "none", revenue = 0}
  local r = p:retention()
  eq(r.start, 220); eq(r.new, 12); eq(r.expansion, 40); eq(r.contraction, 0)
  eq(r.churn, 20); eq(r["end"], 252)
  eq(r.counts.inactive, 1); eq(r.counts.new, 1); eq(r.counts.lost, 1); eq(r.counts.expanding, 1)
  eq(r.counts.contracting, 0); eq(r.counts.stable, 0)
  eq(r.nrr, 240 / 220); eq(r.grr, 200 / 220)
  eq(r.hunting.accounts, 2); eq(r.hunting.revenue, 252); eq(r.farming.revenue, 0)
  eq(r.by_status.lost.churn, 20)
  local total = 0
  for _, cls in ipairs{"A", "B", "C"} do
    for _, name in ipairs(kam.RETENTION_STATUSES) do total = total + r.by_class[cls].counts[name] end
  end
  eq(total, 4)
  eq(r.periods, 4); eq(r.window, 2)
  local r2 = p:retention{window = 1, threshold = 0}
  eq(r2.window, 1)
  eq(p:retention(1, 0).counts.expanding, r2.counts.expanding)
end)

check("bridge identity on random portfolios", function()
  math.randomseed(13)
  for _ = 1, 200 do
    local p = kam.Portfolio()
    p:add{id = "first", revenue = 0, history = {1, 2}}
    for i = 1, math.random(0, 10) do
      local h = {}
      for k = 1, math.random(0, 8) do h[k] = ({0, 1, 90, 100, 110, math.random(0, 1000000)})[math.random(6)] end
      p:add{id = "a" .. i, revenue = 0, history = h, new = math.random() < 0.2}
    end
    local r = p:retention(nil, ({0, 0.05, 0.1, 0.25})[math.random(4)])
    eq(r.start + r.new + r.expansion - r.contraction - r.churn, r["end"])
    eq(r.hunting.revenue + r.farming.revenue, r["end"])
    local n = 0
    for _, name in ipairs(kam.RETENTION_STATUSES) do n = n + r.counts[name] end
    eq(n, #p)
  end
end)

check("errors", function()
  local p = kam.Portfolio()
  p:add{id = "one", revenue = 1, history = {1}}
  raises("EINVAL", p.retention, p)
  p:add{id = "two", revenue = 1, history = {math.maxinteger, 0}}
  raises("EINVAL", p.retention, p, 2)
  raises("EINVAL", p.retention, p, {windw = 1})
  p:add{id = "three", revenue = 1, history = {1, 0}}
  raises("EOVERFLOW", p.retention, p)
end)

t.done("test_retention")

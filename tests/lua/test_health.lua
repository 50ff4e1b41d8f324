-- Account health through the Lua module: the names of Python's (status, relationship, health,
-- light, health_reasons, red_accounts, revenue_at_risk), a hand case and the statuses against
-- Portfolio:retention.
local kam = require "kam"
local t = require "kamtest"
local check, raises, raises_with, eq = t.check, t.raises, t.raises_with, t.eq

local function portfolio()
  local p = kam.Portfolio()
  p:add{id = "flat", revenue = 1000, history = {100, 100, 100, 100}}
  p:add{id = "lost", revenue = 2000, history = {100, 100, 0, 0}, relationship = 0.2}
  p:add{id = "none", revenue = 4000}
  return p
end

check("hand case", function()
  local s = portfolio():segment()
  local flat, lost, none = s:get(1), s:get(2), s:get(3)
  eq(flat.status, "stable"); eq(flat.light, "green"); eq(#flat.health_reasons, 0)
  t.near(flat.health, (0.5 + 1.0 + 0.75) / 3)
  eq(lost.status, "lost"); eq(lost.light, "red"); t.near(lost.relationship, 0.2)
  t.near(lost.health, 0.05)
  eq(table.concat(lost.health_reasons, ","), "trend,volatility,retention,relationship")
  eq(none.status, "inactive"); eq(none.light, nil); eq(none.health ~= none.health, true)
  local sm = s:summary()
  eq(sm.red_accounts, 1); eq(sm.revenue_at_risk, 2000)
  local s2 = portfolio():segment{retention = false}
  eq(s2:get(1).status, nil); t.near(s2:get(1).health, 0.75)
end)

check("statuses equal Portfolio:retention", function()
  math.randomseed(13)
  local p = kam.Portfolio()
  for i = 1, 150 do
    local h = {}
    for k = 1, math.random(0, 8) do h[k] = ({0, 90, 100, 110, math.random(0, 1000)})[math.random(5)] end
    p:add{id = "a" .. i, revenue = i, history = h}
  end
  for _, c in ipairs{{nil, 0.1}, {1, 0.0}, {3, 0.2}} do
    local s = p:segment{retention_window = c[1], retention_threshold = c[2]}
    local counts = {}
    for i = 1, #s do
      local st = s:get(i).status
      counts[st] = (counts[st] or 0) + 1
    end
    local r = p:retention{window = c[1], threshold = c[2]}
    for _, name in ipairs(kam.RETENTION_STATUSES) do eq(counts[name] or 0, r.counts[name]) end
  end
  raises_with("EINVAL", "retention_window", p.segment, p, {retention_window = 5})
end)

check("relationship errors and names", function()
  local p = kam.Portfolio()
  raises_with("EINVAL", "relationship", p.add, p, {id = "x", revenue = 1, relationship = 1.5})
  local ok, err = pcall(p.add, p, {id = "x", revenue = 1, relationship = "high"})
  eq(ok, false); t.has(tostring(err), "relationship must be a number")
  eq(#p, 0)
  eq(table.concat(kam.HEALTH_REASONS, " "), "trend volatility retention margin relationship")
  eq(kam.health_reason_name(16), "relationship")
  eq(kam.health_light_name("Y"), "yellow"); eq(kam.health_light_name(string.byte("R")), "red")
  raises("EINVAL", kam.health_reason_name, 3)
  raises("EINVAL", kam.health_light_name, "-")
end)

t.done("test_health")

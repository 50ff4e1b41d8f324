-- kam.Partial through the Lua module: partitions of a portfolio give kam.Portfolio's summary and
-- classes; bytes round-trip, corrupt bytes raise; same names as Python.
local kam = require "kam"
local t = require "kamtest"
local check, raises = t.check, t.raises

local function split_segment(rev, bounds, opts)
  local parts, lo, merged = {}, 1, nil
  for k, hi in ipairs(bounds) do
    local col = {}
    for i = lo, hi do col[#col + 1] = rev[i] end
    parts[k] = col
    local p = kam.Partial.from_bytes(kam.Partial(col):to_bytes())
    if merged then p:merge(merged) end
    merged = p
    lo = hi + 1
  end
  local summary, cuts = merged:segment(opts)
  local before, out = {0, 0}, {}
  for _, col in ipairs(parts) do
    out[#out + 1] = kam.partial_classes(col, cuts, before)
    local t0, t1 = kam.partial_ties(col, cuts)
    before = {before[1] + t0, before[2] + t1}
  end
  return summary, table.concat(out), cuts, #merged
end

local function same(a, b)
  for k, v in pairs(a) do
    if type(v) == "table" then
      for k2, v2 in pairs(v) do assert(b[k][k2] == v2, k .. "." .. k2) end
    else
      assert(b[k] == v, k .. ": " .. tostring(v) .. " vs " .. tostring(b[k]))
    end
  end
end

check("random partitions equal one machine", function()
  math.randomseed(11)
  for round = 1, 20 do
    local n, rev = math.random(0, 300), {}
    for i = 1, n do rev[i] = round % 2 == 0 and math.random(0, 6) * 100 or math.random(0, 1 << 40) end
    local bounds, k = {}, math.random(1, 9)
    for j = 1, k - 1 do bounds[j] = math.random(0, n) end
    table.sort(bounds)
    bounds[k] = n
    local p = kam.Portfolio()
    p:add_columns(rev)
    local s = p:segment{a_share = 0.7}
    local summary, classes, _, accounts = split_segment(rev, bounds, {a_share = 0.7})
    same(s:summary(), summary)
    same(summary, s:summary())
    assert(classes == s:classes(), "classes")
    assert(accounts == n)
  end
end)

check("ties at a cut across partitions", function()
  local rev = {}
  for i = 1, 30 do rev[i] = 500 end
  local summary, classes, cuts = split_segment(rev, {0, 5, 12, 19, 30})
  assert(cuts.value[1] == 500 and cuts.ties[1] == 24)
  assert(classes == string.rep("A", 24) .. string.rep("B", 5) .. "C", classes)
  assert(summary.count.A == 24)
end)

check("bytes and errors", function()
  local b = kam.Partial({7, 3, 7, 0, 9}):to_bytes()
  assert(#b == 40 + 4 * 16 and b:sub(1, 4) == "KAMP")
  raises("EPARSE", kam.Partial.from_bytes, b:sub(1, -2))
  raises("EPARSE", kam.Partial.from_bytes, b:sub(1, 50) .. "x" .. b:sub(52))
  raises("ELIMIT", kam.Partial.from_bytes, b, 2)
  raises("EINVAL", kam.Partial, {1, -1})
  raises("EINVAL", function() kam.Partial({1}):segment{key_top_n = 2} end)
  local p = kam.Partial({1, 2})
  assert(#p == 2 and p:count() == 2)
  p:close()
  raises("EINVAL", function() return #p end)
end)

check("merge_many is the merges one by one", function()
  local cols = {{7, 3, 7, 0}, {}, {3, 10}, {7, 7, 1}}
  local one, many = kam.Partial({5, 3}), kam.Partial({5, 3})
  local parts = {}
  for i, c in ipairs(cols) do
    parts[i] = kam.Partial(c)
    one:merge(parts[i])
  end
  assert(many:merge_many(parts) == many)
  assert(#many == #one and many:to_bytes() == one:to_bytes())
  assert(kam.Partial({}):merge_many({}):to_bytes() == kam.Partial({}):to_bytes())
  raises("EINVAL", function() many:merge_many({parts[1], many}) end)
  assert(#many == #one)
end)

t.done("test_partial")

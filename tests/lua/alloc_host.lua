-- Run by alloc_host (tests/lua/alloc_host.c), whose allocator counts every byte: the kam
-- objects allocate through the lua_State's allocator, so kam_outside() (what the allocator
-- holds beyond Lua's own count) is libkam's memory.
local kam = require "kam"
local t = require "kamtest"
local check = t.check

local function settle()
  collectgarbage()
  collectgarbage()
  return kam_outside()
end

check("every kam object allocates through the lua_State's allocator", function()
  local base = settle()
  assert(base == 0, "bytes outside Lua's count before any kam object: " .. base)
  local revenues = {}
  for i = 1, 10000 do revenues[i] = i end
  local p = kam.Portfolio()
  p:add_columns(revenues)
  local held = kam_outside()
  assert(held >= 10000 * 8, "a portfolio of 10000 accounts holds only " .. held .. " bytes")
  local s = p:segment()
  assert(kam_outside() > held, "the segmentation is not counted")
  local d = kam.DMU()
  d:add{name = "A", title = "CFO"}
  local tpl = kam.Template("{{#l}}{{.}}{{/l}}")
  assert(tpl:render{l = {1, 2}} == "12")
  local before = kam_outside()
  local pr = kam.Proposal()
  assert(kam_outside() > before, "the proposal is not counted")
  pr:set_dmu(d)
  p, s, d, tpl, pr = nil, nil, nil, nil, nil
  assert(settle() == base, "libkam memory left after collection: " .. kam_outside())
end)

t.done("alloc_host")

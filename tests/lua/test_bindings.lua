-- One binding surface: the names and meanings the Lua module shares with Python
-- (bindings/README.md). tests/python/test_bindings.py checks the Python side of the same.
local kam = require "kam"
local t = require "kamtest"
local check, raises = t.check, t.raises

check("the constants Python has, with the same values", function()
  assert(table.concat(kam.KEY_REASONS, ",") == "share,group_share,strategic,top_score")
  assert(table.concat(kam.TRAITS, ",") == "dominance,people,detail")
  assert(kam.TEMPLATE_DEFAULT_MAX_STEPS == 100000000)
  local f = kam.PROPOSAL_FORMATS
  assert(f.markdown == 1 and f.md == 1 and f.html == 2 and f.text == 3 and f.txt == 3 and f.json == 4)
  local n = 0
  for _ in pairs(f) do n = n + 1 end
  assert(n == 6)
  local parts, count = kam.PROPOSAL_PARTS, 0
  for _ in pairs(parts) do count = count + 1 end
  assert(count == 25 and parts.lang == 1 and parts.items == 14 and parts.dmu == 20
         and parts.number == 21 and parts.alternatives == 25)
  -- every part name is one clear()/count() accept
  local p = kam.Proposal()
  for name in pairs(parts) do assert(math.type(p:count(name)) == "integer") end
end)

check("json_loads / json_dumps, as in Python", function()
  assert(kam.json_decode == nil and kam.json_encode == nil)
  local v = kam.json_loads('{"a": [1, 2.5, "x", null], "b": {}}')
  assert(v.a[1] == 1 and v.a[2] == 2.5 and v.a[3] == "x" and v.a[4] == kam.null)
  assert(kam.json_dumps(v) == '{"a":[1,2.5,"x",null],"b":{}}')
  assert(kam.json_dumps({1, 2}, true):find("\n"))
  assert(kam.json_loads("0.10", true):text() == "0.10")
  raises("EPARSE", kam.json_loads, "[1,]")
end)

check("Proposal: complete() is Python's .complete, no Proposal.new", function()
  assert(kam.Proposal.new == nil and kam.Proposal().is_complete == nil)
  local p = kam.Proposal()
  assert(p:complete() == false)
  p:close()
  raises("EINVAL", p.complete, p)
end)

check("set_issued takes any date; render_template takes text or a kam.Template", function()
  local root = os.getenv("KAM_SOURCE_DIR") or "."
  local f = assert(io.open(root .. "/examples/data/proposal.json", "rb"))
  local p = kam.Proposal.from_json(f:read("a"))
  f:close()
  p:set_issued{year = 2026, month = 11, day = 27}
  assert(p:to_table().issued == "2026-11-27")
  p:set_issued("2026-10-01")
  assert(p:to_table().issued == "2026-10-01")
  p:set_issued(kam.date_to_days("2026-11-27"))
  assert(p:to_table().issued == "2026-11-27")
  raises("EINVAL", p.set_issued, p, "2026-02-30")
  local t = kam.Template("[{{client.name}}]")
  local text = p:render_template(t)
  assert(text == p:render_template("[{{client.name}}]") and #text > 2, text)
  t:close()
  assert(not pcall(p.render_template, p, t))
  assert(not pcall(p.render_template, p, {}))
end)

check("a misspelt field raises, as a misspelt Python keyword argument does", function()
  local p = kam.Portfolio()
  local e = raises("EINVAL", p.add, p, {id = "a", revenue = 1, revnue = 2})
  assert(e.message:find("unknown field 'revnue'") and e.message:find("strategic"), e.message)
  assert(#p == 0)
  p:add{id = "a", revenue = 1, name = "A", group = "G", history = {1}, forecast = {1.5},
        potential = 0.5, strategic = true, new = false}
  assert(#p == 1)
  local q = kam.Proposal()
  local cases = {
    {q.add_item, {description = "x", unit_price = 1, prise = 2}, "prise"},
    {q.add_argument, {style = "authority", text = "t", tittle = "x"}, "tittle"},
    {q.add_reference, {company = "c", contacts = {}}, "contacts"},
    {q.add_figure, {label = "l", value = 1, units = "%"}, "units"},
    {q.set_cash_flows, {rate = 0.1, values = {1}, periods = "year"}, "periods"},
    {q.add_team_member, {name = "n", mail = "m"}, "mail"},
    {q.add_stakeholder, {name = "n", influense = 0.5}, "influense"},
    {q.add_item, {[1] = "x", description = "y"}, "(not a string)"},
  }
  for _, c in ipairs(cases) do
    e = raises("EINVAL", c[1], q, c[2])
    assert(e.message:find("unknown field '" .. c[3] .. "'", 1, true), e.message)
  end
  assert(q:count("items") == 0 and q:count("arguments") == 0 and q:count("stakeholders") == 0)
  q:add_item{description = "x", quantity = 1, unit_price = 1, sku = "s", unit = "u",
             discount_percent = 0, vat_percent = 20, optional = false, section = "S"}
  q:add_argument{style = "authority", title = "t", text = "x"}
  q:add_reference{company = "c", project = "p", result = "r", contact = {name = "n"}}
  q:add_figure{label = "l", value = 1, unit = "%"}
  q:set_cash_flows{rate = 0.1, values = {-1, 2}, period = "year"}
  q:add_team_member{name = "n", position = "p", phone = "1", email = "e@x"}
  q:add_stakeholder{name = "n", title = "CFO", role = "finance", email = "e", phone = "1",
                    influence = 0.5, attitude = 1, buying_roles = {"economic"}, traits = {detail = 1}}
  assert(q:count("items") == 1 and q:count("stakeholders") == 1)
end)

check("a template is callable, as in Python", function()
  local t = kam.Template("Hello, {{name}}!{{>p}}")
  assert(t{name = "Мир"} == "Hello, Мир!" and t({name = "x"}, {p = "."}) == t:render({name = "x"}, {p = "."}))
  t:close()
  assert(not pcall(t, {}))
end)

check("stakeholders say role_given, as in Python", function()
  local d = kam.DMU()
  d:add{name = "A", title = "CFO"}
  d:add{name = "B", role = "legal"}
  assert(d:stakeholder(1).role_given == false and d:stakeholder(1).role == "unknown")
  assert(d:stakeholder(2).role_given == true)
  assert(d:profile(1).role_given == false and d:profile(1).role == "finance")
end)

check("DMU and Segmentation count like Python's count()", function()
  local d = kam.DMU()
  assert(d:count() == 0)
  assert(d:add{name = "A", title = "CFO"} == 1 and d:count() == 1 and #d == 1)
  local p = kam.Portfolio()
  p:add_columns({3, 2})
  local s = p:segment()
  assert(s:count() == 2 and #s == 2 and p:count() == 2)
end)

check("close() and <close> on every object; a closed one raises EINVAL, as in Python", function()
  local function closes(what, obj, call)
    assert(obj.close, what .. " has close()")
    obj:close()
    local err = raises("EINVAL", call, obj)
    assert(err.message:find("closed", 1, true), err.message)
    obj:close() -- twice is fine
  end
  closes("Portfolio", kam.Portfolio(), function(o) return o:count() end)
  local p = kam.Portfolio()
  p:add_columns({3, 2})
  closes("Segmentation", p:segment(), function(o) return o:summary() end)
  assert(p:count() == 2) -- closing a segmentation leaves its portfolio
  closes("DMU", kam.DMU(), function(o) return o:count() end)
  closes("Template", kam.Template("x"), function(o) return o:render() end)
  closes("Proposal", kam.Proposal(), function(o) return o:to_json() end)
  do
    local t <close> = kam.Template("{{a}}")
    assert(t:render{a = 1} == "1")
  end
end)

check("a segmentation outlives its closed portfolio, as in Python", function()
  local p = kam.Portfolio()
  p:add_columns({5, 1})
  local s = p:segment()
  p:close()
  raises("EINVAL", p.count, p)
  assert(s:count() == 2 and s:get(1).revenue == 5)
  s:close()
end)

check("a DMU closed while a proposal uses it stays in memory until the proposal lets go", function()
  local sample = assert(io.open((os.getenv("KAM_SOURCE_DIR") or ".") .. "/examples/data/proposal.json", "rb"))
  local p = kam.Proposal.from_json(sample:read("a"))
  sample:close()
  local d = kam.DMU()
  d:add{name = "A", title = "CFO", influence = 0.9}
  p:set_dmu(d)
  d:close()
  raises("EINVAL", d.count, d)
  collectgarbage()
  assert(p:model().dmu.source == "dmu") -- C still reads the DMU: it was not freed
  assert(p:render("text"):find("A", 1, true))
  p:set_dmu(nil) -- now it is freed
  assert(p:model().dmu.source == "stakeholders")
  raises("EINVAL", p.set_dmu, p, d) -- a closed DMU cannot be set
end)

check("add_stakeholder reads the table DMU:add reads; the ranges are the library's", function()
  local p = kam.Proposal()
  p:add_stakeholder{name = "A", role = 2, buying_roles = "economic;coach", traits = {0.1, 0.2, 0.9}}
  local s = p:to_table().stakeholders[1]
  assert(s.role == "finance" and s.buying_roles[1] == "economic" and s.buying_roles[2] == "coach")
  local err = raises("EINVAL", p.add_stakeholder, p, {name = "B", attitude = 50})
  assert(err.message:find("stakeholders[1].attitude: attitude 50 is not in -5..+5", 1, true), err.message)
  raises("EINVAL", p.add_stakeholder, p, {name = "B", attitude = 500}) -- was refused by Lua
  raises("EPARSE", p.add_stakeholder, p, {name = "B", buying_roles = {"payer"}}) -- as DMU:add
  raises("EINVAL", p.add_stakeholder, p, {name = "B", role = "boss"})
  assert(p:count("stakeholders") == 1)
  p:add_argument{style = kam.STYLES[3], text = "t"} -- the names are C's (kam_style_name)
  raises("EINVAL", p.add_argument, p, {style = "bossy", text = "t"})
end)

check("one text rule: NUL-terminated fields refuse a NUL, length-carrying ones keep it", function()
  local p = kam.Portfolio()
  local err = raises("EINVAL", p.add, p, {id = "a\0b", revenue = 1})
  assert(err.message:find("id contains a NUL", 1, true), err.message)
  raises("EINVAL", p.add, p, {id = "a", name = "x\0", revenue = 1})
  raises("EINVAL", p.add_columns, p, {1}, {"a\0b"})
  raises("EINVAL", p.add, p, {id = "a", name = 42, revenue = 1})
  assert(p:count() == 0)
  raises("EINVAL", kam.Proposal().set_title, kam.Proposal(), "a\0b")
  assert(kam.Template("a\0b{{x}}"):render{x = "c\0d"} == "a\0bc\0d")
  assert(kam.json_dumps("a\0b") == '"a\\u0000b"')
  raises("EINVAL", kam.money_format, 100, "RUB\0x") -- C would have read "RUB"
  raises("EINVAL", kam.money_format, 100, "RUB", "en\0")
end)

check("every test script uses the shared helper kamtest and keeps no copy of it", function()
  local dir = (os.getenv("KAM_SOURCE_DIR") or ".") .. "/tests/lua/"
  local ls = assert(io.popen("ls " .. dir))
  local scripts = 0
  for name in ls:lines() do
    if name:match("^test_.*%.lua$") then
      local f = assert(io.open(dir .. name, "rb"))
      local src = f:read("a")
      f:close()
      scripts = scripts + 1
      assert(src:find('require "kamtest"', 1, true), name .. " does not use kamtest")
      for _, helper in ipairs{"check", "test", "raises", "raises_with", "near", "eq", "has"} do
        assert(not src:find("function " .. helper .. "(", 1, true), name .. " defines " .. helper)
      end
    end
  end
  ls:close()
  assert(scripts >= 8)
end)

t.done("test_bindings")

-- kam.Template from Lua: rendering tables, escaping, lambdas, partials (table and function),
-- inheritance, errors with line and column, limits, errors raised inside callbacks.
local kam = require "kam"
local t = require "kamtest"
local check, eq, raises = t.check, t.eq, t.raises

check("render and escaping", function()
  local t = kam.Template("Hello, {{name}}! {{{name}}} {{&name}}")
  eq(t:render{name = "<A & 'B'> \"C\""},
     "Hello, &lt;A &amp; &#39;B&#39;&gt; &quot;C&quot;! <A & 'B'> \"C\" <A & 'B'> \"C\"")
  eq(kam.Template("{{s}}"):render{s = "Сумма «итого»: 1 250,00 ₽"}, "Сумма «итого»: 1 250,00 ₽")
  eq(kam.Template("plain"):render(), "plain")
  eq(kam.Template(""):render({}), "")
  eq(tostring(t), "kam.Template (compiled)")
end)

check("values and truthiness", function()
  local t = kam.Template("{{i}}|{{f}}|{{t}}|{{n}}|{{#l}}{{.}},{{/l}}|{{l.1}}") -- indexes count from 0
  eq(t:render{i = -42, f = 1.5, t = true, n = kam.null, l = {1, "a", false}}, "-42|1.5|true||1,a,false,|a")
  local s = kam.Template("{{#v}}T{{/v}}{{^v}}F{{/v}}")
  eq(s:render{v = false}, "F")
  eq(s:render{v = kam.null}, "F")
  eq(s:render{}, "F")
  eq(s:render{v = kam.array{}}, "F")
  eq(s:render{v = 0}, "T")
  eq(s:render{v = ""}, "T")
  eq(s:render{v = {}}, "F") -- a plain empty table is an empty list: falsey
  eq(kam.Template("{{#items}}row {{.}};{{/items}}"):render{items = {}}, "")
  eq(s:render{v = {x = 1}}, "T")
  eq(s:render{v = {0}}, "T")
end)

check("sections and context", function()
  local t = kam.Template("{{#items}}{{name}}: {{price}} {{currency}}\n{{/items}}")
  eq(t:render{currency = "RUB", items = {{name = "A", price = "10.50"}, {name = "B", price = 3}}},
     "A: 10.50 RUB\nB: 3 RUB\n")
end)

check("lambdas", function()
  local calls = {}
  local t = kam.Template("{{l}}|{{{l}}}|{{#s}}{{x}}{{/s}}|{{^s}}no{{/s}}|{{#n}}gone{{/n}}")
  local out = t:render{
    x = "&",
    l = function() calls[#calls + 1] = "i"; return "<{{x}}>" end,
    s = function(text) calls[#calls + 1] = text; return "[" .. text .. "]" end,
    n = function() return nil end,
  }
  eq(out, "&lt;&amp;amp;&gt;|<&amp;>|[&amp;]||")
  eq(#calls, 3)
  eq(calls[3], "{{x}}")
  eq(kam.Template("{{n}}"):render{n = function() return 42 end}, "42")
end)

check("lambda errors are re-raised", function()
  local t = kam.Template("a{{#f}}x{{/f}}b")
  local ok, err = pcall(t.render, t, {f = function() error("boom from lambda", 0) end})
  eq(ok, false)
  eq(err, "boom from lambda")
  local sentinel = {}
  ok, err = pcall(t.render, t, {f = function() error(sentinel) end})
  eq(err, sentinel)
  eq(t:render{f = function() return "ok" end}, "aokb") -- still usable
end)

check("partials", function()
  local t = kam.Template("<{{>p}}|{{>missing}}|{{>*dyn}}>")
  eq(t:render({x = 1, dyn = "p"}, {p = "P{{x}}"}), "<P1||P1>")
  local asked = {}
  eq(t:render({x = 2, dyn = "p"}, function(name)
    asked[#asked + 1] = name
    if name == "p" then return "Q{{x}}" end
  end), "<Q2||Q2>")
  eq(#asked, 2) -- each name once per render
  eq(t:render({x = 3, dyn = "p"}), "<||>")
  -- Indentation of standalone partials, and inheritance.
  local parts = {row = "<td>{{.}}</td>\n", layout = "<main>\n  {{$body}}default{{/body}}\n</main>\n"}
  eq(kam.Template("<tr>\n  {{#cells}}\n  {{>row}}\n  {{/cells}}\n</tr>\n"):render({cells = {1, 2}}, parts),
     "<tr>\n  <td>1</td>\n  <td>2</td>\n</tr>\n")
  eq(kam.Template("{{<layout}}{{$body}}Hi, {{name}}{{/body}}{{/layout}}"):render({name = "Анна"}, parts),
     "<main>\n  Hi, Анна\n</main>\n")
end)

check("partial errors", function()
  local t = kam.Template("{{>p}}")
  local ok, err = pcall(t.render, t, {}, function(name) error("no partial " .. name, 0) end)
  eq(ok, false)
  eq(err, "no partial p")
  ok, err = pcall(t.render, t, {}, {p = 42})
  eq(ok, false)
  assert(tostring(err):find("partial 'p': expected a string or nil, got number", 1, true), tostring(err))
  ok, err = pcall(t.render, t, {}, 42)
  eq(ok, false)
  local e = raises("EPARSE", t.render, t, {}, {p = "ab{{#x}}"})
  eq(e.message, 'partial "p": line 1, column 3: unclosed section: no close tag for "x"')
  e = raises("ELIMIT", t.render, t, {}, {p = "{{>p}}"})
  assert(e.message:find('partial "p" nested deeper than 256 levels', 1, true), e.message)
end)

check("compile errors", function()
  local e = raises("EPARSE", kam.Template, "Строка 1\nСтрока 2 {{#секция}}\n")
  eq(e.message, 'line 2, column 10: unclosed section: no close tag for "секция"')
  eq(e.status, -4)
  assert(tostring(e):find("line 2, column 10", 1, true))
  raises("EPARSE", kam.Template, "{{#a}}{{/b}}")
  raises("EPARSE", kam.Template, "{{oops")
  raises("ELIMIT", kam.Template, string.rep("{{#a}}", 300) .. string.rep("{{/a}}", 300))
  local ok = pcall(kam.Template, nil)
  eq(ok, false)
end)

check("data errors", function()
  local t = kam.Template("{{x}}")
  raises("EINVAL", t.render, t, {x = 0 / 0})
  raises("EPARSE", t.render, t, {x = "\xff"})
  local loop = {}
  loop.self = loop
  raises("ELIMIT", t.render, t, {x = loop})
end)

check("step budget and close", function()
  local t = kam.Template("{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}x{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}", 1000)
  local e = raises("ELIMIT", t.render, t, {l = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}})
  assert(e.message:find("render stopped after 1000 steps", 1, true), e.message)
  t:set_max_steps(0)
  eq(#t:render{l = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}, 100000)
  local ok = pcall(t.set_max_steps, t, -1)
  eq(ok, false)
  t:close()
  t:close()
  ok = pcall(t.render, t, {})
  eq(ok, false)
  eq(tostring(t), "kam.Template (closed)")
  do
    local c <close> = kam.Template("{{a}}")
    eq(c:render{a = 1}, "1")
  end
  eq(kam.TEMPLATE_MAX_DEPTH, 256)
end)

t.done("test_template")

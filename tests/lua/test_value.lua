-- Values and JSON through the Lua module: json_loads / json_dumps, kam.null, kam.array,
-- the table -> array/object rule, exact numbers, errors with line and column, limits, and the
-- lambda plumbing (kam._lambda_call) that templates use.
local kam = require "kam"
local t = require "kamtest"
local check, eq, raises = t.check, t.eq, t.raises

check("decode types", function()
  local d = kam.json_loads('{"name": "ООО \\"Ромашка\\"", "n": -12.5, "i": 42, "big": 12345678901234567890,'
    .. ' "ok": true, "no": false, "nil": null, "list": [1, [2], {}], "e": "\\ud83d\\ude00"}')
  eq(d.name, 'ООО "Ромашка"')
  eq(d.n, -12.5)
  eq(math.type(d.n), "float")
  eq(d.i, 42)
  eq(math.type(d.i), "integer")
  eq(math.type(d.big), "float")
  eq(d.big, 12345678901234567890.0)
  eq(d.ok, true)
  eq(d.no, false)
  eq(d["nil"], kam.null)
  eq(tostring(kam.null), "kam.null")
  eq(#d.list, 3)
  eq(d.list[2][1], 2)
  eq(next(d.list[3]), nil)
  eq(kam.is_array(d.list), true)
  eq(kam.is_array(d.list[3]), false)
  eq(d.e, "\u{1F600}")
  eq(kam.json_loads("-9223372036854775808"), math.mininteger)
  eq(kam.json_loads("9223372036854775807"), math.maxinteger)
  eq(math.type(kam.json_loads("9223372036854775808")), "float")
  eq(kam.json_loads('"a\\u0000b"'), "a\0b")
  eq(kam.json_loads("[]") ~= nil, true)
  eq(kam.json_loads(" 1.5e3 "), 1500.0)
end)

check("decode errors", function()
  local e = raises("EPARSE", kam.json_loads, "[1,]")
  assert(e.message:find("line 1, column 4: unexpected ']'", 1, true), e.message)
  e = raises("EPARSE", kam.json_loads, '{\n  "имя": 1,\n  x}')
  assert(e.message:find("line 3, column 3: unexpected 'x', expected a string key", 1, true), e.message)
  e = raises("EPARSE", kam.json_loads, '"\\ud800"')
  assert(e.message:find("high surrogate", 1, true), e.message)
  raises("EPARSE", kam.json_loads, '"\255"')
  raises("EPARSE", kam.json_loads, "")
  e = raises("ELIMIT", kam.json_loads, string.rep("[", 513) .. string.rep("]", 513))
  assert(e.message:find("nesting deeper than 512", 1, true), e.message)
  raises("ELIMIT", kam.json_loads, string.rep("[", 100000))
  eq(type(kam.json_loads(string.rep("[", 512) .. string.rep("]", 512))), "table")
  eq(kam.JSON_MAX_DEPTH, 512)
  assert(not pcall(kam.json_loads, nil))
end)

check("encode compact and pretty", function()
  eq(kam.json_dumps({1, 2.5, "x", true}), '[1,2.5,"x",true]')
  eq(kam.json_dumps({b = 1, a = {}, c = kam.array(), d = kam.object()}), '{"a":[],"b":1,"c":[],"d":{}}')
  eq(kam.json_dumps(kam.json_loads('{"meta":{},"list":[]}')), '{"list":[],"meta":{}}')
  eq(kam.json_dumps({a = kam.null}), '{"a":null}')
  eq(kam.json_dumps(kam.null), "null")
  eq(kam.json_dumps(nil), "null")
  eq(kam.json_dumps("Я\n\"q\"\1"), '"Я\\n\\"q\\"\\u0001"')
  eq(kam.json_dumps(0.1), "0.1")
  eq(kam.json_dumps(1e300), "1e+300")
  eq(kam.json_dumps(math.mininteger), "-9223372036854775808")
  eq(kam.json_dumps({[1] = "a", [2] = "b"}), '["a","b"]')
  eq(kam.json_dumps({[1] = "a", [3] = "c"}), '{"1":"a","3":"c"}')
  eq(kam.json_dumps({[1] = "a", x = "y"}), '{"1":"a","x":"y"}')
  eq(kam.json_dumps(kam.array({1, 2, x = 3})), "[1,2]")
  eq(kam.json_dumps({a = {1, {b = false}}}, true), '{\n  "a": [\n    1,\n    {\n      "b": false\n    }\n  ]\n}')
  eq(kam.json_dumps({f = function() end}), '{"f":null}')
end)

check("encode errors", function()
  raises("EINVAL", kam.json_dumps, 0 / 0)
  raises("EINVAL", kam.json_dumps, {math.huge})
  raises("EPARSE", kam.json_dumps, "\255")
  raises("EINVAL", kam.json_dumps, {[true] = 1})
  raises("EINVAL", kam.json_dumps, {co = coroutine.create(function() end)})
  local loop = {}
  loop.self = loop
  raises("ELIMIT", kam.json_dumps, loop)
  local deep = {}
  local cur = deep
  for _ = 1, 600 do cur[1] = {}; cur = cur[1] end
  raises("ELIMIT", kam.json_dumps, deep)
end)

check("round trip", function()
  local text = '{"accounts":[{"id":"A-1","revenue":12345678.5,"tags":[],"meta":{}}],"total":1}'
  local d = kam.json_loads(text)
  -- objects come back sorted by key; arrays stay arrays, empty ones included
  eq(kam.json_dumps(d), '{"accounts":[{"id":"A-1","meta":{},"revenue":12345678.5,"tags":[]}],"total":1}')
  eq(kam.json_dumps(kam.json_loads(kam.json_dumps(d, true))), kam.json_dumps(d))
end)

check("exact numbers", function()
  local n = kam.number("12.50")
  eq(tostring(n), "12.50")
  eq(n:text(), "12.50")
  eq(n:value(), 12.5)
  eq(n == kam.number("12.50"), true)
  eq(n == kam.number("12.5"), false)
  eq(kam.json_dumps({price = n, big = kam.number("12345678901234567890.123456789")}),
     '{"big":12345678901234567890.123456789,"price":12.50}')
  local e = raises("EPARSE", kam.number, "01")
  assert(e.message:find("'01' is not a JSON number", 1, true), e.message)
  raises("EPARSE", kam.number, "1.")
  raises("EPARSE", kam.number, " 1")
  assert(not pcall(kam.number, {}))
  -- decode with exact = true keeps fractions and exponents as kam.number, integers as integers
  local d = kam.json_loads('{"a": 0.10, "b": 7, "c": [1e3, -0.5], "big": 12345678901234567890.123456789}', true)
  eq(tostring(d.a), "0.10")
  eq(d.b, 7)
  eq(tostring(d.c[1]), "1e3")
  eq(d.c[2]:value(), -0.5)
  eq(kam.json_dumps(d), '{"a":0.10,"b":7,"big":12345678901234567890.123456789,"c":[1e3,-0.5]}')
  eq(kam.json_loads('{"a": 0.10}').a, 0.1)
end)

check("kam.array", function()
  local t = {}
  eq(kam.array(t), t)
  eq(kam.is_array(t), true)
  eq(kam.is_array({}), false)
  eq(kam.is_array("x"), false)
  eq(kam.json_dumps(kam.array()), "[]")
  assert(not pcall(kam.array, 5))
end)

check("lambdas", function()
  eq(kam._lambda_call(function(text) return "<" .. text .. ">" end, "тело"), "<тело>")
  eq(kam._lambda_call(function(...) return select("#", ...) end), "0")
  eq(kam._lambda_call(function() return nil end), "")
  eq(kam._lambda_call(function() return 12.5 end), "12.5")
  eq(kam._lambda_call(function() return setmetatable({}, {__tostring = function() return "obj" end}) end), "obj")
  -- a Lua error inside the lambda comes back as itself, not through libkam
  local ok, err = pcall(kam._lambda_call, function() error({mine = true}) end)
  eq(ok, false)
  eq(type(err), "table")
  eq(err.mine, true)
  ok, err = pcall(kam._lambda_call, function() error("boom") end, "x")
  eq(ok, false)
  assert(tostring(err):find("boom", 1, true), tostring(err))
  -- an error in __tostring is caught too
  ok, err = pcall(kam._lambda_call, function() return setmetatable({}, {__tostring = function() error("ts") end}) end)
  eq(ok, false)
  assert(tostring(err):find("ts", 1, true), tostring(err))
  assert(not pcall(kam._lambda_call, 5))
end)

check("many values (collected holders)", function()
  for i = 1, 2000 do
    local t = {i = i, s = string.rep("x", i % 50), l = {i, i + 1}}
    eq(kam.json_loads(kam.json_dumps(t)).i, i)
  end
  collectgarbage()
end)

t.done("test_value")

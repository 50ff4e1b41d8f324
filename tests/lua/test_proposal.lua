-- Proposals through the Lua module: reading, the setters, totals, the model, every render
-- format, user templates, the DMU, errors and the round trip.
local kam = require "kam"
local t = require "kamtest"
local check, eq, has, raises = t.check, t.eq, t.has, t.raises

local root = os.getenv("KAM_SOURCE_DIR") or "."
local f = assert(io.open(root .. "/examples/data/proposal.json", "rb"))
local sample = f:read("a")
f:close()
local NB = "\u{A0}"
local VALIDITY = "Предложение действительно до 27.12.2026"

check("from_json, totals, round trip", function()
  local p = kam.Proposal.from_json(sample)
  local t = p:totals()
  eq(t.total, "12206699.00")
  eq(t.gross, "12088950.00")
  eq(t.discount, "1053300.00")
  eq(t.net, "11035650.00")
  eq(t.vat, "1171049.00")
  eq(t.optional_total, "1803520.00")
  eq(t.minor.total, 1220669900)
  local j1 = p:to_json()
  eq(kam.Proposal.from_json(j1):to_json(), j1)
  local d = p:to_table()
  eq(d.items[7].quantity, "320.5")
  eq(d.stakeholders[2].role, "finance")
  eq(kam.Proposal.from_table(d):to_json(), j1)
  eq(tostring(p), "kam.Proposal (13 items)")
end)

check("render every format, validity last", function()
  local p = kam.Proposal.from_json(sample)
  local html = p:render()
  eq(html, p:render("html"))
  has(html, "@page")
  assert(html:find(VALIDITY .. "</footer>", 1, true))
  local md = p:render("markdown")
  eq(md, p:render("md"))
  assert(md:sub(-#VALIDITY - 3) == VALIDITY .. "**\n")
  local txt = p:render("text")
  eq(txt, p:render("txt"))
  assert(txt:sub(-#VALIDITY - 1) == VALIDITY .. "\n")
  has(txt, "Двенадцать миллионов двести шесть тысяч шестьсот девяносто девять рублей 00 копеек")
  local model = kam.json_loads(p:render("json"))
  eq(model.validity, VALIDITY)
  raises("EINVAL", p.render, p, "pdf")
  p:set_lang("en")
  has(p:render("text"), "Valid until 27 December 2026")
end)

check("model and render_template", function()
  local p = kam.Proposal.from_json(sample)
  local m = p:model()
  eq(m.totals.total.minor, 1220669900)
  eq(m.totals.total.text, "12" .. NB .. "206" .. NB .. "699,00" .. NB .. "₽")
  eq(m.blocks[1].style, "analytical")
  eq(m.finance.convention, "t0")
  eq(p:render_template("{{client.name}}|{{#blocks}}{{style}} {{/blocks}}"),
     "АО «Волга-Ритейл»|analytical authority relational ")
  raises("EPARSE", p.render_template, p, "{{#open}}")
end)

check("setters", function()
  local p = kam.Proposal()
  eq(p:complete(), false)
  p:set_lang("en"):set_currency("USD"):set_title("Offer"):set_seller("Seller", "London")
   :set_client("Client <b>", "context"):set_summary("Benefit"):set_exclusive("Only you")
   :set_terms("Net 30"):set_issued("2026-11-27"):set_valid_days(30)
   :set_prices_include_vat(false):set_rounding("total")
  p:add_argument{style = "authority", title = "Status", text = "Status text"}
  p:add_argument{style = "relational", text = "People"}
  p:add_reference{company = "Ref", project = "P", result = "R",
                  contact = {name = "Jane", position = "CFO", phone = "1", email = "j@x"}}
  p:add_figure{label = "Growth", value = 12.5, unit = "%"}
  p:add_figure{label = "Support", value = "24/7"}
  p:set_cash_flows{rate = 0.1, values = {-1000, 600, 600}, period = "month"}
  p:add_item{description = "Seat", quantity = "1234.5", unit_price = "1000", sku = "S",
             unit = "pcs", discount_percent = 5, vat_percent = "20", section = "Licences"}
  p:add_item{description = "Extra", unit_price = 150, optional = true}
  p:add_item{description = "Half", quantity = 0.5, unit_price = "3.00"}
  p:add_team_member{name = "Ann", position = "KAM", phone = "+1", email = "a@x"}
  p:add_stakeholder{name = "Bob", title = "CFO", role = "finance", influence = 0.9, attitude = 2,
                    buying_roles = {"economic", "coach"}, traits = {detail = 0.9}}
  p:add_stakeholder{name = "Eve", title = "CEO"}
  eq(p:complete(), true)
  p:validate()
  eq(p:count("items"), 3)
  eq(p:count("cash_flows"), 3)
  local d = p:to_table()
  eq(d.currency, "USD")
  eq(d.items[2].unit_price, "1.50")
  eq(d.items[3].quantity, "0.5")
  eq(d.rounding, "total")
  eq(d.stakeholders[1].buying_roles[2], "coach")
  local m = p:model()
  eq(m.validity, "Valid until 27 December 2026")
  eq(m.blocks[1].style, "analytical")
  local html = p:render("html")
  has(html, "Client &lt;b&gt;")
  assert(not html:find("Client <b>", 1, true))
  p:set_cash_flows(nil)
  eq(p:count("cash_flows"), 0)
  p:clear("items")
  eq(p:count("items"), 0)
  eq(p:complete(), false)
end)

check("errors", function()
  local e = raises("EPARSE", kam.Proposal.from_json,
                   '{"items": [\n  {"description": "a"},\n  {"description": "b", "unit_price": "10.005"}]}')
  has(e.message, "items[1].unit_price")
  has(e.message, "line 3, column 38")
  raises("EPARSE", kam.Proposal.from_json, '{"valid_day": 3}')
  local p = kam.Proposal.from_json("{}")
  local err = raises("ESTATE", p.render, p, "html")
  has(err.message, "missing seller.name, client.name, issued, valid_days, items")
  raises("ESTATE", p.model, p)
  raises("ESTATE", p.totals, p)
  raises("ESTATE", p.validate, p)
  raises("EINVAL", p.set_lang, p, "fr")
  raises("EINVAL", p.add_item, p, {description = "x", unit_price = 1.5})
  local ie = raises("EINVAL", p.add_item, p, {description = "x", quantity = "-1"})
  has(ie.message, "items[0].quantity")
  raises("EINVAL", p.add_argument, p, {style = "bossy", text = "t"})
  raises("EINVAL", p.add_stakeholder, p, {name = "a", influence = 2})
  raises("EINVAL", p.set_rounding, p, "up")
  raises("EINVAL", p.clear, p, "nothing")
  raises("EINVAL", p.set_issued, p, "27.11.2026")
  eq(p:count("items"), 0)
  p:close()
  raises("EINVAL", p.render, p)
end)

check("dmu", function()
  local p = kam.Proposal.from_json(sample)
  local d = kam.DMU()
  d:add{name = "Boss", title = "Генеральный директор", influence = 1.0}
  p:set_dmu(d)
  d = nil
  collectgarbage()
  eq(p:model().blocks[1].style, "authority")
  eq(p:count("dmu"), 1)
  p:set_dmu(nil)
  eq(p:model().blocks[1].style, "analytical")
  eq(p:model().dmu.source, "stakeholders")
end)

check("to-be-closed", function()
  do
    local p <close> = kam.Proposal.from_json(sample)
    eq(p:count("team"), 3)
  end
  collectgarbage()
end)

check("unit_format: units agree with numbers", function()
  local ru = {["0"] = "групп", ["1"] = "группа", ["2"] = "группы", ["4"] = "группы",
              ["5"] = "групп", ["11"] = "групп", ["12"] = "групп", ["14"] = "групп",
              ["21"] = "группа", ["22"] = "группы", ["25"] = "групп", ["101"] = "группа",
              ["111"] = "групп", ["0.5"] = "группы", ["1.5"] = "группы", ["2,5"] = "группы",
              ["320.5"] = "группы"}
  for q, want in pairs(ru) do
    eq(kam.unit_format("группа", q), want)
    eq(kam.unit_format("hour", q, "en"), q == "1" and "hour" or "hours")
  end
  eq(kam.unit_format("час", 21), "час")
  eq(kam.unit_format("час", "320,5", "ru"), "часа")
  eq(kam.unit_format("шт.", 5), "шт.")
  eq(kam.unit_format("webinar", 14, "en"), "webinars")
  raises("EINVAL", kam.unit_format, "час", 1, "de")
  raises("EPARSE", kam.unit_format, "час", "many")
  -- The sample renders its units in agreement.
  local md = kam.Proposal.from_json(sample):render("markdown")
  has(md, "2 группы")
  has(md, "14 вебинаров")
  has(md, "320,5 часа")
end)

t.done("test_proposal")

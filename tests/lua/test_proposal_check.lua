-- Proposals, issue 15 parts 6-8, through the Lua module: number, version, addressee and
-- signatory; decision criteria and alternatives; the pre-send check p:check{...}.
local kam = require "kam"
local t = require "kamtest"
local check, eq, has, raises, raises_with = t.check, t.eq, t.has, t.raises, t.raises_with

local root = os.getenv("KAM_SOURCE_DIR") or "."
local f = assert(io.open(root .. "/examples/data/proposal.json", "rb"))
local sample = f:read("a")
f:close()

local function clean()
  return kam.Proposal.from_json([[{"lang": "ru", "number": "N-1", "version": "1",
    "seller": {"name": "S", "details": "+7 495 000-00-00"}, "client": {"name": "C"},
    "exclusive": "E", "issued": "2026-11-27", "valid_days": 30,
    "arguments": [{"style": "authority", "title": "A0", "text": "a0"},
                  {"style": "relational", "title": "R1", "text": "r1"},
                  {"style": "analytical", "title": "N2", "text": "n2"}],
    "references": [{"company": "X", "contact": {"name": "Ivan", "phone": "1"}}],
    "figures": [{"label": "L", "value": 1}],
    "items": [{"description": "I", "unit_price": "100.00", "discount_percent": "5", "cost": "50.00"}],
    "team": [{"name": "K", "phone": "2"}],
    "stakeholders": [
      {"name": "Eco", "title": "CEO", "influence": 0.9, "attitude": 1, "buying_roles": ["economic"],
       "traits": {"dominance": 0.9, "people": 0.1, "detail": 0.1}},
      {"name": "Coach", "title": "HR", "influence": 0.4, "attitude": 2, "buying_roles": ["coach"],
       "traits": {"dominance": 0.1, "people": 0.9, "detail": 0.1}}],
    "addressee": "Eco", "signatory": {"name": "K", "position": "KAM"},
    "criteria": [{"name": "Price", "weight": 0.5, "stakeholder": "Eco", "arguments": [2]}]}]])
end

local function codes(found)
  local out = {}
  for i, x in ipairs(found) do out[i] = x.code end
  return table.concat(out, ",")
end

check("clean documents and the sample have no findings", function()
  eq(#clean():check{as_of = "2026-12-27", discount_ceiling = 5, margin_floor = 40}, 0)
  eq(#kam.Proposal.from_json(sample):check(), 0)
  eq(#clean():check(), 0)
end)

check("findings: code, severity, path, message in the proposal's language", function()
  local p = clean()
  p:set_seller(nil, "ИНН 1"):set_valid_days(3)
  local found = p:check{as_of = "2026-12-01"}
  eq(codes(found), "missing_seller,expired,validity_short")
  eq(found[1].severity, "error")
  eq(found[1].path, "seller.name")
  eq(found[1].message, "не указан исполнитель (seller.name)")
  eq(found[3].severity, "warning")
  p:set_lang("en")
  eq(p:check()[2].message, "the offer stands 3 days: less than a week to decide")
  eq(codes(clean():check{discount_ceiling = 4.5}), "discount_above_ceiling")
  eq(codes(clean():check{margin_floor = 47.5}), "margin_below_floor")
  eq(codes(clean():check{margin_floor = 47.3}), "")
  raises("EINVAL", p.check, p, {discount_ceiling = 101})
  raises("EINVAL", p.check, p, {ceiling = 1})
end)

check("setters, criteria, alternatives and the round trip", function()
  local p = clean()
  p:set_number("КП-7", "2"):set_signatory("Анна", "KAM"):set_addressee(nil, "Иван", "CEO")
  p:add_criterion{name = "Срок", weight = 0.25, stakeholder = "Eco", arguments = {0, 1}}
  p:add_alternative{name = "Конкурент", points = {Price = "дороже", ["Срок"] = "дольше"}}
  p:add_item{description = "Опция", unit_price = "10.00", cost = "4.00", optional = true}
  local d = p:to_table()
  eq(d.number, "КП-7")
  eq(d.addressee.name, "Иван")
  eq(d.criteria[2].arguments[2], 1)
  eq(d.alternatives[1].points.Price, "дороже")
  eq(d.items[2].cost, "4.00")
  eq(kam.Proposal.from_json(p:to_json()):to_json(), p:to_json())
  eq(p:count("criteria"), 2)
  eq(p:count("alternatives"), 1)
  raises_with("EINVAL", "either a stakeholder's name", p.set_addressee, p, "Eco", "Иван")
  raises_with("EINVAL", "9 is not an argument", p.add_criterion, p, {name = "X", arguments = {9}})
  raises_with("EINVAL", "names no criterion", p.add_alternative, p,
              {name = "Y", points = {Nope = "t"}})
  raises("EINVAL", p.add_criterion, p, {name = "Z", arguments = {-1}})
  p:clear("criteria")
  eq(p:count("alternatives"), 0)
  local m = clean():add_alternative{name = "Alt", points = {Price = "p"}}:model()
  eq(m.reference_line, "№ N-1 от 27 ноября 2026 г., версия 1")
  eq(m.addressee.position, "CEO")
  eq(m.comparison.rows[1].ours, "N2")
  has(clean():add_alternative{name = "Alt", points = {Price = "p"}}:render("markdown"), "Почему мы")
end)

check("validate keeps the completeness check", function()
  local p = kam.Proposal()
  raises("ESTATE", p.validate, p)
  eq(p:complete(), false)
  eq(codes(p:check()), "missing_seller,missing_contacts,no_number,no_signatory")
end)

t.done("test_proposal_check")

-- test_dmu.lua: stakeholder typing and the DMU from Lua (every function of lkam_dmu.c).
local kam = require "kam"
local t = require "kamtest"
local check, near, raises, raises_with = t.check, t.near, t.raises, t.raises_with

check("role_from_title", function()
  local cases = {
    {"Финансовый директор", "finance"}, {"Зам. ген. директора по финансам", "finance"},
    {"Заместитель генерального директора по персоналу", "hr"},
    {"Заместитель генерального директора", "executive"}, {"ИТ-директор", "technical"},
    {"IT директор", "technical"}, {"HR-директор", "hr"},
    {"Начальник отдела закупок ООО «Ромашка», г. Москва", "procurement"},
    {"главбух", "finance"}, {"General Counsel", "legal"}, {"Head of Procurement", "procurement"},
    {"VP Engineering", "technical"}, {"Коммерческий директор", "marketing"},
    {"Операционный директор", "operations"}, {"Менеджер", "unknown"},
  }
  for _, c in ipairs(cases) do
    local role, conf = kam.role_from_title(c[1])
    assert(role == c[2], c[1] .. ": got " .. role)
    assert(conf >= 0 and conf <= 1)
    if role == "unknown" then assert(conf <= 0.2) end
  end
  local role, conf = kam.role_from_title("Финансовый директор")
  assert(near(conf, 0.95))
  assert(select(2, kam.role_from_title("Директор по финансам")) < conf)
  role, conf = kam.role_from_title("")
  assert(role == "unknown" and conf == 0)
end)

check("role_from_title bad input", function()
  raises_with("EINVAL", "nil", kam.role_from_title, nil)
  raises_with("EPARSE", "UTF-8", kam.role_from_title, "\xff\xfe")
  raises_with("EINVAL", "string", kam.role_from_title, 42)
end)

check("explain_title", function()
  local text = kam.explain_title("Заместитель генерального директора по персоналу")
  assert(text:find('"персоналу" function hr 0.95 *', 1, true), text)
  assert(text:find("=> hr 0.903", 1, true), text)
  raises("EPARSE", kam.explain_title, "\xc0\xaf")
  raises("EINVAL", kam.explain_title, nil)
end)

check("names", function()
  local roles = {"unknown", "executive", "finance", "technical", "hr", "procurement", "legal",
                 "operations", "marketing"}
  for i, name in ipairs(roles) do
    assert(kam.ROLES[i] == name)
    assert(kam.role_name(i - 1) == name)
    assert(kam.role_from_name(name) == i - 1)
    assert(kam.role_from_name(name:upper()) == i - 1)
  end
  assert(#kam.ROLES == 9)
  assert(kam.STYLES[1] == "authority" and kam.STYLES[2] == "relational" and kam.STYLES[3] == "analytical")
  for i = 0, 2 do assert(kam.style_name(i) == kam.STYLES[i + 1]) end
  assert(kam.BUYER_ROLES[1] == "economic" and kam.BUYER_ROLES[4] == "coach")
  assert(kam.WARNINGS[1] == "empty" and kam.WARNINGS[4] == "influential_opponent")
  for i = 0, 3 do
    assert(kam.buyer_role_name(1 << i) == kam.BUYER_ROLES[i + 1])
    assert(kam.dmu_warning_name(1 << i) == kam.WARNINGS[i + 1])
  end
  raises("EINVAL", kam.role_name, 9)
  raises("EINVAL", kam.style_name, 3)
  raises("EINVAL", kam.buyer_role_name, 3)
  raises("EINVAL", kam.dmu_warning_name, 0)
  for i = 0, 2 do assert(kam.trait_name(i) == kam.TRAITS[i + 1]) end
  raises("EINVAL", kam.trait_name, -1)
  raises("EINVAL", kam.trait_name, 3)
  for i = 0, 3 do assert(kam.key_reason_name(1 << i) == kam.KEY_REASONS[i + 1]) end
  raises("EINVAL", kam.key_reason_name, 0)
  raises("EINVAL", kam.key_reason_name, 3)
  raises("EINVAL", kam.key_reason_name, 16)
  raises_with("ENOTFOUND", "sales", kam.role_from_name, "sales")
end)

check("buyer_role_parse", function()
  assert(kam.buyer_role_parse("economic;coach") == 9)
  assert(kam.buyer_role_parse("Economic, USER | technical") == 7)
  assert(kam.buyer_role_parse("") == 0)
  raises_with("EPARSE", "sponsor", kam.buyer_role_parse, "sponsor")
end)

check("role_style_prior and profile_compute", function()
  local p = kam.role_style_prior("executive")
  assert(near(p.authority, 0.70) and near(p.relational, 0.15) and near(p.analytical, 0.15))
  p = kam.role_style_prior(4) -- hr
  assert(near(p.relational, 0.70))
  for _, r in ipairs(kam.ROLES) do
    local m = kam.role_style_prior(r)
    assert(near(m.authority + m.relational + m.analytical, 1))
  end
  raises("EINVAL", kam.role_style_prior, "sales")
  raises("EINVAL", kam.role_style_prior, 99)
  local prof = kam.profile_compute("finance")
  assert(prof.primary_style == "analytical" and near(prof.confidence, 0.5) and prof.role == "finance")
  prof = kam.profile_compute("finance", 1, {dominance = 1, people = 0, detail = 0})
  assert(prof.primary_style == "authority")
  assert(near(prof.style.authority, 0.25 * 0.15 + 0.75))
  assert(near(prof.confidence, 0.875))
  prof = kam.profile_compute("hr", 0)
  assert(near(prof.style.relational, 1 / 3))
  prof = kam.profile_compute("technical", 1, {0.9, 0.1, 0.1})
  assert(prof.primary_style == "authority")
  raises("EINVAL", kam.profile_compute, "hr", 1.5)
  raises("EINVAL", kam.profile_compute, "hr", 1, {dominance = 2})
  raises_with("EINVAL", "charm", kam.profile_compute, "hr", 1, {charm = 1})
end)

local function example()
  local d = kam.DMU()
  assert(d:add{name = "Алексей Морозов", title = "Генеральный директор", influence = 0.9,
               attitude = 1, buying_roles = {"economic"}} == 1)
  assert(d:add{name = "Ирина Соколова", title = "Финансовый директор", influence = 0.8,
               attitude = -1, buying_roles = "economic", traits = {detail = 0.9},
               email = "i.sokolova@example.ru", phone = "+7 495 123-45-68"} == 2)
  assert(d:add{name = "Елена Волкова", title = "Директор по персоналу", influence = 0.5,
               attitude = 4, buying_roles = {"user", "coach"}} == 3)
  return d
end

check("DMU add and profiles", function()
  local d = example()
  assert(#d == 3 and d:count() == 3)
  local ps = d:profiles()
  assert(ps[1].role == "executive" and ps[2].role == "finance" and ps[3].role == "hr")
  assert(ps[1].primary_style == "authority" and ps[2].primary_style == "analytical"
         and ps[3].primary_style == "relational")
  local p = d:profile(2)
  assert(p.name == "Ирина Соколова" and p.title == "Финансовый директор")
  assert(p.email == "i.sokolova@example.ru" and p.phone == "+7 495 123-45-68")
  assert(p.role_given == false)
  assert(near(p.role_confidence, select(2, kam.role_from_title("Финансовый директор"))))
  assert(near(p.influence, 0.8) and p.attitude == -1)
  assert(p.buying_roles[1] == "economic" and #p.buying_roles == 1)
  assert(near(p.traits.detail, 0.9) and p.traits.dominance == nil)
  assert(near(p.style.authority + p.style.relational + p.style.analytical, 1))
  local s = d:stakeholder(3)
  assert(s.role == "unknown" and s.buying_roles[1] == "user" and s.buying_roles[2] == "coach")
  assert(tostring(d):find("3 people", 1, true))
end)

check("DMU given role, traits override, defaults", function()
  local d = kam.DMU()
  d:add{name = "A", title = "Финансовый директор", role = "hr"}
  local p = d:profile(1)
  assert(p.role == "hr" and p.role_given and p.role_confidence == 1)
  d:add{name = "B", role = kam.role_from_name("technical"), traits = {dominance = 0.95, people = 0.1, detail = 0.1}}
  assert(d:profile(2).primary_style == "authority")
  d:add{}
  p = d:profile(3)
  assert(p.role == "unknown" and p.confidence == 0 and p.influence == nil and p.name == nil)
end)

check("DMU emphasis", function()
  local d = kam.DMU()
  raises_with("ESTATE", "empty", d.emphasis, d)
  d:add{name = "CEO", role = "executive", influence = 0.9}
  d:add{name = "CFO", role = "finance", influence = 0.3}
  local e = d:emphasis()
  assert(near(e.authority + e.relational + e.analytical, 1))
  assert(near(e.authority, (0.9 * 0.70 + 0.3 * 0.15) / 1.2))
  d:add{name = "HR", role = "hr"} -- unknown influence counts 0.5
  e = d:emphasis()
  assert(near(e.relational, (0.9 * 0.15 + 0.3 * 0.10 + 0.5 * 0.70) / 1.7))
end)

check("DMU warnings", function()
  local d = kam.DMU()
  assert(d:warnings()[1] == "empty" and d:warning_flags() == 1)
  d:add{name = "Opponent", title = "Технический директор", influence = 0.6, attitude = -3}
  local w = d:warnings()
  assert(#w == 3 and w[1] == "no_economic_buyer" and w[2] == "no_coach" and w[3] == "influential_opponent")
  d:add{name = "Buyer", title = "CFO", buying_roles = 1}
  d:add{name = "Coach", title = "HRD", buying_roles = "coach;user"}
  w = d:warnings()
  assert(#w == 1 and w[1] == "influential_opponent")
  local e = kam.DMU()
  e:add{influence = 0.59, attitude = -5, buying_roles = {"economic", "coach"}}
  assert(#e:warnings() == 0 and e:warning_flags() == 0)
end)

check("DMU bad input leaves it unchanged", function()
  local d = example()
  local before = d:profile(3).style.relational
  local cases = {
    {{influence = 1.5}, "EINVAL", "influence 1.5 is not in 0..1"},
    {{influence = -0.1}, "EINVAL", "influence"},
    {{influence = 1 / 0}, "EINVAL", "influence"},
    {{influence = "high"}, "EINVAL", "influence"},
    {{attitude = 6}, "EINVAL", "attitude 6 is not in -5..+5"},
    {{attitude = 1.5}, "EINVAL", "attitude"},
    {{attitude = 1e12}, "EINVAL", "attitude"},
    {{traits = {dominance = 1.2}}, "EINVAL", "dominance"},
    {{traits = {people = -1}}, "EINVAL", "people"},
    {{traits = {charm = 1}}, "EINVAL", "charm"},
    {{role = "sales"}, "EINVAL", "sales"},
    {{role = 42}, "EINVAL", "role 42"},
    {{buying_roles = {"sponsor"}}, "EPARSE", "sponsor"},
    {{buying_roles = 16}, "EINVAL", "buying_roles"},
    {{name = "\xff"}, "EPARSE", "name is not valid UTF-8"},
    {{title = "\xd0"}, "EPARSE", "title is not valid UTF-8"},
    {{email = "a\xc0\xaf"}, "EPARSE", "email"},
    {{phone = "1\0002"}, "EINVAL", "phone contains a NUL"},
    {{name = 42}, "EINVAL", "name must be a string"},
    {{nmae = "typo"}, "EINVAL", "unknown field 'nmae'"},
  }
  for _, c in ipairs(cases) do
    local args = {name = "Анна", title = "HR-директор"}
    for k, v in pairs(c[1]) do args[k] = v end
    if c[1].nmae then args.name = nil end
    raises_with(c[2], c[3], d.add, d, args)
    assert(#d == 3)
  end
  assert(d:profile(3).style.relational == before)
end)

check("DMU index errors", function()
  local d = example()
  raises_with("ENOTFOUND", "index 3 is out of range (the DMU has 3 stakeholders)", d.profile, d, 4)
  raises("ENOTFOUND", d.profile, d, 0)
  raises("ENOTFOUND", d.stakeholder, d, -1)
end)

check("DMU close", function()
  do
    local d <close> = example()
    assert(#d == 3)
  end
  local d = kam.DMU()
  getmetatable(d).__close(d)
  assert(tostring(d) == "kam.DMU (closed)")
  assert(not pcall(d.count, d))
  collectgarbage()
end)

check("DMU many", function()
  local d = kam.DMU()
  for i = 1, 300 do
    d:add{name = "p" .. i, title = (i % 2 == 0) and "CFO" or "HRD", influence = (i % 11) / 10}
  end
  assert(#d == 300 and d:profile(300).role == "finance" and d:profile(299).role == "hr")
  local e = d:emphasis()
  assert(near(e.authority + e.relational + e.analytical, 1))
end)

check("DMU read_csv", function()
  local path = (os.getenv("KAM_SOURCE_DIR") or ".") .. "/examples/data/stakeholders.csv"
  local d = kam.DMU()
  assert(d:read_csv_into(path) == d)
  assert(#d == 6)
  local roles = {}
  for i = 1, #d do roles[i] = d:profile(i).role end
  assert(table.concat(roles, " ") == "executive finance technical hr procurement operations")
  local first = d:stakeholder(1)
  assert(first.title == 'Генеральный директор ООО "СеверЛогистик"', first.title)
  assert(near(first.influence, 0.9) and first.buying_roles[1] == "economic")
  raises_with("EINVAL", "cannot open", d.read_csv_into, d, path .. ".missing")
  assert(#d == 6)
  local e = kam.DMU.read_csv(path) -- a new DMU, as Python's DMU.read_csv
  assert(#e == 6 and e:profile(6).role == "operations")
  assert(#d:read_csv_into(path) == 12)
end)

check("DMU parse_csv", function()
  local text = "\xEF\xBB\xBFФИО;Должность;Влияние, %;Отношение;Роли в закупке\r\n" ..
               "Иванова Анна;Финансовый директор;80 %;+2;\"economic;coach\"\r\n" ..
               "Пётр Семёнов;Директор по закупкам;0,5;−2;\r\n"
  local d = kam.DMU.parse_csv(text)
  assert(#d == 2)
  local a = d:profile(1)
  assert(a.name == "Иванова Анна" and a.role == "finance")
  assert(near(a.influence, 0.8) and a.attitude == 2)
  assert(a.buying_roles[1] == "economic" and a.buying_roles[2] == "coach")
  assert(d:stakeholder(2).attitude == -2)
  d = kam.DMU.parse_csv("name|title\nA|Head of Sales, EMEA\n", {delimiter = "|"})
  assert(d:stakeholder(1).title == "Head of Sales, EMEA")
  raises_with("EINVAL", "one character", d.parse_csv_into, d, "name\n", {delimiter = "||"})
end)

check("DMU parse_csv errors leave the DMU unchanged", function()
  local cases = {
    {"name,influence\nA,0.5\nB,1.5\n", "EINVAL",
     'line 3, column "influence": stakeholder 3 ("B"): influence 1.5 is not in 0..1'},
    {"name,role\nA,boss\n", "EPARSE", "line 2, column \"role\": 'boss' is not a role"},
    {'name,title\nA,"CFO"x\n', "EPARSE", 'line 2, column "title": text after the closing quote'},
    {"email\nx\n", "EPARSE", "line 1: the header has neither"},
    {"", "EPARSE", "line 1: the input is empty"},
  }
  for _, c in ipairs(cases) do
    local d = kam.DMU()
    d:add{name = "Первый", title = "CEO"}
    raises_with(c[2], c[3], d.parse_csv_into, d, c[1])
    assert(#d == 1 and d:stakeholder(1).name == "Первый")
  end
  raises_with("EINVAL", "string", kam.DMU().parse_csv_into, kam.DMU(), 42)
end)

t.done("test_dmu")

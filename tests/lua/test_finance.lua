-- The finance functions through the Lua module: published examples and errors.
local kam = require "kam"
local t = require "kamtest"
local check, near, raises = t.check, t.near, t.raises

check("version", function() assert(kam.version() == "0.1.0" and kam.VERSION == "0.1.0") end)
check("npv", function()
  near(kam.npv(0.1, {-10000, 3000, 4200, 6800}), 1188.4434123352, 1e-9)
  near(kam.npv(0.05, {-15000, 1500, 2500, 3500, 4500, 6000}, "t0"), 122.894854950942692, 1e-9)
  raises("EINVAL", kam.npv, -1, {1, 2})
  raises("EINVAL", kam.npv, 0.1, {})
  assert(not pcall(kam.npv, 0.1, {1, "x"}))
end)
check("npv_many", function()
  local out = kam.npv_many(0.0, {{1, 2}, {3, 4}}, "t0")
  assert(#out == 2 and out[1] == 3 and out[2] == 7)
  near(kam.npv_many(0.1, {{-10000, 3000, 4200, 6800}})[1], 1188.4434123352, 1e-9)
end)
check("xnpv/xirr", function()
  local v = {-10000, 2750, 4250, 3250, 2750}
  local d = {"2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"}
  near(kam.xnpv(0.09, v, d), 2086.6476020315, 1e-6)
  near(kam.xirr(v, d), 0.373362535, 1e-8)
  local days = {}
  for i, s in ipairs(d) do days[i] = kam.date_to_days(s) end
  near(kam.xirr(v, days), 0.373362535, 1e-8)
  assert(not pcall(kam.xirr, v, {"2008-01-01"}))
end)
check("irr", function()
  local v = {-70000, 12000, 15000, 18000, 21000, 26000}
  near(kam.irr(v), 0.0866309480365316, 1e-12)
  near(kam.irr({-70000, 12000, 15000}, -0.1), -0.4435069413, 1e-9)
  near(kam.irr({-1, 3, -2}, 0.9), 1.0, 1e-12)
  local e = raises("ENOSOLUTION", kam.irr, {1, 2, 3})
  assert(e.status == -5 and tostring(e):find("no solution"))
end)
check("mirr/payback/clv/roi", function()
  near(kam.mirr({-120000, 39000, 30000, 21000, 37000, 46000}, 0.10, 0.12), 0.126094130365905, 1e-12)
  raises("ENOSOLUTION", kam.mirr, {1, 2}, 0.1, 0.1)
  near(kam.mirr({-0.12, 0.13, 0.25}, 1.23, -2.34), -0.205225398829, 1e-11) -- rate below -1, as Excel
  near(kam.payback({-100, 50, 50, 50}), 2.0, 1e-12)
  assert(kam.payback({-100, 50, 50, 50}, 0.1, true) == 3)
  raises("ENOSOLUTION", kam.payback, {-100, 10})
  near(kam.clv(100, 0.8, 0.1), 100 * 0.8 / 0.3, 1e-9)
  near(kam.clv(100, 0.8, 0.1, 50, "begin"), 100 * 1.1 / 0.3 - 50, 1e-9)
  raises("EINVAL", kam.clv, 100, 2, 0.1)
  near(kam.clv_finite({100, 100}, 0.8, 0.1, 10), 100 * (0.8 / 1.1 + (0.8 / 1.1) ^ 2) - 10, 1e-9)
  near(kam.roi(1500, 1000), 0.5, 1e-15)
  raises("EINVAL", kam.roi, 1, 0)
end)
check("dates: the same names and meanings as in Python", function()
  assert(kam.date_to_days("1970-01-02") == 1 and kam.date_to_days(1) == 1)
  assert(kam.date_to_days{year = 1970, month = 1, day = 2} == 1)
  assert(kam.date_to_days(os.date("*t", 0)) <= 1) -- an os.date table is a date too
  assert(kam.date_format(kam.date_to_days{year = 2024, month = 2, day = 29}) == "2024-02-29")
  assert(kam.date_format("2024-02-29") == "2024-02-29")
  local t = kam.days_to_date(kam.date_to_days("2024-02-29"))
  assert(t.year == 2024 and t.month == 2 and t.day == 29)
  assert(kam.days_to_date(-1).year == 1969)
  -- add_months takes any date and returns ISO text, as Python's kam.add_months
  assert(kam.add_months("2024-01-31", 1) == "2024-02-29")
  assert(kam.add_months(kam.date_to_days("2024-03-31"), -1) == "2024-02-29")
  assert(kam.add_months({year = 2023, month = 12, day = 31}, 2) == "2024-02-29")
  local e = raises("EINVAL", kam.date_to_days, "2024-02-30")
  assert(e.message:find("2024%-02%-30"), e.message)
  raises("EINVAL", kam.date_to_days, {year = 2023, month = 2, day = 29})
  raises("EINVAL", kam.date_to_days, 2 ^ 40 // 1)
  raises("EINVAL", kam.date_to_days, true)
  raises("EINVAL", kam.add_months, "2024-01-31", 2 ^ 40 // 1)
  raises("EINVAL", kam.xnpv, 0.1, {1, 2}, {"2024-01-01", "someday"})
  assert(kam.xnpv(0.1, {1, 2}, {{year = 2024, month = 1, day = 1}, "2025-01-01"}) ==
         kam.xnpv(0.1, {1, 2}, {"2024-01-01", "2025-01-01"}))
  assert(kam.date == nil and kam.date_parts == nil) -- replaced by date_to_days, days_to_date
  assert(kam.strerror(-4) == "malformed input")
end)

t.done("test_finance")

-- What the Lua test scripts share (every tests/lua/test_*.lua uses it; none keeps its own
-- copy): check(name, fn) runs one case and counts it; raises(code, fn, ...) expects a kam error
-- table with that code and returns it; raises_with(code, needle, fn, ...) also expects needle
-- in its message (nil: any message); eq(got, want), near(got, want, tol) and has(text, part)
-- raise at the caller's line; done(script) prints the counts and exits nonzero on a failure.
-- LUA_PATH (set by ctest) finds this file.
local M = {passed = 0, failed = 0}

function M.check(name, fn)
  local ok, err = pcall(fn)
  if ok then
    M.passed = M.passed + 1
  else
    M.failed = M.failed + 1
    print("FAIL " .. name .. ": " .. tostring(err))
  end
end

local function expect_error(level, code, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error " .. code, level) end
  if type(err) ~= "table" or err.code ~= code then
    error("expected " .. code .. ", got " .. tostring(err), level)
  end
  return err
end

function M.raises(code, fn, ...) return expect_error(3, code, fn, ...) end

function M.raises_with(code, needle, fn, ...)
  local err = expect_error(3, code, fn, ...)
  if needle and not err.message:find(needle, 1, true) then
    error(string.format("message %q lacks %q", err.message, needle), 2)
  end
  return err
end

function M.eq(got, want)
  if got ~= want then error(string.format("got %q, want %q", tostring(got), tostring(want)), 2) end
  return true
end

-- Returns true so that assert(near(...)) reads as well as near(...).
function M.near(got, want, tol)
  if not (math.abs(got - want) <= (tol or 1e-9)) then
    error(string.format("got %.17g, want %.17g (tolerance %g)", got, want, tol or 1e-9), 2)
  end
  return true
end

function M.has(text, part)
  if not text:find(part, 1, true) then error(string.format("%q not found", part), 2) end
  return true
end

function M.done(script)
  print(string.format("lua %s: %d passed, %d failed", script, M.passed, M.failed))
  if M.failed > 0 then os.exit(1) end
end

return M

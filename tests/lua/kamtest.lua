-- What the Lua test scripts share: check(name, fn) runs one case and counts it, raises(code,
-- fn, ...) expects a kam error table with that code and returns it, done(script) prints the
-- counts and exits nonzero on a failure. LUA_PATH (set by ctest) finds this file.
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

function M.raises(code, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error " .. code, 2) end
  if type(err) ~= "table" or err.code ~= code then
    error("expected " .. code .. ", got " .. tostring(err), 2)
  end
  return err
end

function M.done(script)
  print(string.format("lua %s: %d passed, %d failed", script, M.passed, M.failed))
  if M.failed > 0 then os.exit(1) end
end

return M

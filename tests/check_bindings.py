#!/usr/bin/env python3
"""One binding surface: compares what Python (bindings/python/kam) and Lua (bindings/lua) expose,
and checks that every exported C function (src/exports/*.sym) is used by both bindings.

The surfaces are read from the live modules, not from the sources: Python by importing kam, Lua
by running the interpreter on the built kam.so and walking the module table and the "kam.*"
metatables in the registry. Both are written in one notation:

    kam.npv                 a module-level function or constant
    kam.Portfolio           a class (Python class; Lua callable table, constructor function or
                            metatable with methods)
    kam.Portfolio.read_csv  a class-level function (Python classmethod/staticmethod; Lua field
                            of the class table)
    kam.Portfolio:add       a method (Python method or property; Lua method in the metatable)

Names starting with "_", Python dunder methods and Python exception classes are language
idioms (bindings/README.md, "Rules") and are not compared. Every other name must exist on both
sides unless bindings/README.md lists it in its "Remaining differences" table with the side
that has it ("Python only" / "Lua only"); a listed name that is no longer a difference fails
too, so the list stays true. C functions: each symbol of src/exports/*.sym must be named in the
sources of both bindings (directly, or through a generated name such as
kam_proposal_set_##name), unless the same table lists it.

Usage: check_bindings.py [--print]   (--print writes both surfaces and exits 0)
Environment: KAM_LIBRARY (libkam for Python), KAM_LUA (the Lua 5.4 interpreter), LUA_CPATH
(finds kam.so).
"""
import inspect
import os
import re
import subprocess
import sys
import types

ROOT = os.environ.get("KAM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "bindings", "README.md")

LUA_SURFACE = r'''
local kam = require("kam")
local out = {}
local function add(s) out[#out + 1] = s end
for k, v in pairs(kam) do
  local t, mt = type(v), getmetatable(v)
  if t == "table" and mt and mt.__call then
    add("kam." .. k)
    for k2 in pairs(v) do add("kam." .. k .. "." .. k2) end
  else
    add("kam." .. k)
  end
end
for name, mt in pairs(debug.getregistry()) do
  if type(name) == "string" and name:match("^kam%.") and type(mt) == "table"
      and type(rawget(mt, "__index")) == "table" then
    add(name)
    for k in pairs(mt.__index) do add(name .. ":" .. k) end
  end
end
print(table.concat(out, "\n"))
'''


def python_surface():
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    import kam
    names = set()
    for n in dir(kam):
        v = getattr(kam, n)
        if n.startswith("_") or isinstance(v, types.ModuleType):
            continue
        if inspect.isclass(v) and issubclass(v, BaseException):
            continue  # Python exceptions <-> Lua error tables (a rule, not a difference)
        names.add("kam." + n)
        if inspect.isclass(v):  # with inherited methods (close and with from one base class)
            members = {}
            for klass in reversed(v.__mro__[:-1]):
                members.update(vars(klass))
            for m, a in members.items():
                if m.startswith("_"):
                    continue
                if isinstance(a, (classmethod, staticmethod)):
                    names.add("kam.%s.%s" % (n, m))
                elif isinstance(a, property) or callable(a):
                    names.add("kam.%s:%s" % (n, m))
    return names


def lua_surface():
    lua = os.environ.get("KAM_LUA", "lua5.4")
    out = subprocess.run([lua, "-e", LUA_SURFACE], capture_output=True, text=True, check=True)
    return {line for line in out.stdout.split("\n")
            if line and not re.search(r"[.:]_", line)}  # private names (kam._lambda_call)


def c_symbols():
    syms = []
    for f in sorted(os.listdir(os.path.join(ROOT, "src", "exports"))):
        if f.endswith(".sym"):
            with open(os.path.join(ROOT, "src", "exports", f)) as fh:
                syms += [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    return syms


def sources(folder, ext):
    text = []
    for f in sorted(os.listdir(folder)):
        if f.endswith(ext):
            with open(os.path.join(folder, f), encoding="utf-8") as fh:
                text.append(fh.read())
    return "\n".join(text)


def reached(sym, text):
    """sym is named in text, literally or as prefix##suffix (C) / "prefix" + name (Python)
    with the suffix named as a word in the same text."""
    if re.search(r"\b%s\b" % re.escape(sym), text):
        return True
    parts = sym.split("_")
    for i in range(2, len(parts)):
        prefix, suffix = "_".join(parts[:i]) + "_", "_".join(parts[i:])
        generated = (prefix + "##" in text) or ('"%s" +' % prefix in text)
        if generated and re.search(r"\b%s\b" % re.escape(suffix), text):
            return True
    return False


def listed_differences():
    """{name: "python" | "lua"} from the table under '## Remaining differences'."""
    with open(README, encoding="utf-8") as fh:
        text = fh.read()
    m = re.search(r"^## Remaining differences\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        raise SystemExit("check_bindings: %s has no '## Remaining differences' section" % README)
    listed = {}
    for row in m.group(1).split("\n"):
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`"):
            continue
        side = cells[1].lower()
        if side not in ("python only", "lua only"):
            raise SystemExit("check_bindings: README row %r: side must be 'Python only' or "
                             "'Lua only'" % row)
        for name in re.findall(r"`([^`]+)`", cells[0]):
            listed[name] = side.split()[0]
    return listed


def main():
    py, lua = python_surface(), lua_surface()
    if "--print" in sys.argv:
        for name in sorted(py | lua):
            print("%-8s %s" % ("both" if name in py and name in lua else
                               "python" if name in py else "lua", name))
        return 0
    actual = {n: "python" for n in py - lua}
    actual.update({n: "lua" for n in lua - py})
    py_src = sources(os.path.join(ROOT, "bindings", "python", "kam"), ".py")
    lua_src = sources(os.path.join(ROOT, "bindings", "lua"), ".c")
    for sym in c_symbols():
        in_py, in_lua = reached(sym, py_src), reached(sym, lua_src)
        if not in_py and not in_lua:
            actual[sym] = "neither"
        elif not in_py or not in_lua:
            actual[sym] = "python" if in_py else "lua"
    listed = listed_differences()
    errors = []
    for name, side in sorted(actual.items()):
        if side == "neither":
            errors.append("%s: exported by libkam but used by neither binding" % name)
        elif listed.get(name) != side:
            errors.append("%s: only in %s; bind it in the other language or list it in "
                          "bindings/README.md (Remaining differences, '%s only') with the "
                          "reason" % (name, "Python" if side == "python" else "Lua",
                                      "Python" if side == "python" else "Lua"))
    for name, side in sorted(listed.items()):
        if name not in actual:
            errors.append("%s: listed in bindings/README.md as %s only, but it is not a "
                          "difference (any more): remove the row" % (name, side.capitalize()))
    for e in errors:
        print("check_bindings: " + e, file=sys.stderr)
    print("check_bindings: %d Python names, %d Lua names, %d C functions, %d listed "
          "differences, %d problems" % (len(py), len(lua), len(c_symbols()), len(listed),
                                        len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# Static analysis gate: clang-tidy (checks in .clang-tidy) and cppcheck over src/.
set -eu
root=$1
cd "$root"
db=build/gcc/compile_commands.json
[ -f "$db" ] || { echo "static: $db missing (run the gcc build first)"; exit 1; }
files=$(ls src/*/*.c)
n=0
if command -v clang-tidy > /dev/null; then
  # shellcheck disable=SC2086
  clang-tidy -p build/gcc --quiet $files > build/clang-tidy.log 2>&1 || {
    grep -E 'warning:|error:' build/clang-tidy.log | head -50; echo "static: clang-tidy found problems"; exit 1; }
  n=$((n + 1))
fi
if command -v cppcheck > /dev/null; then
  cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability --std=c11 \
    --inline-suppr --suppress=missingIncludeSystem -I include -I src -I build/gcc \
    -D__GNUC__=12 src > build/cppcheck.log 2>&1 || { cat build/cppcheck.log; echo "static: cppcheck found problems"; exit 1; }
  n=$((n + 1))
fi
echo "static: $n passed, 0 failed"

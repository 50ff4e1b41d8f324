#!/bin/sh
# Coverage gate: the C test suites under gcov; gcovr must report >= 90 % of lines and >= 80 % of
# branches in src/. The HTML report is written to build/coverage/index.html.
set -eu
root=$1
cd "$root"
command -v gcovr > /dev/null || { echo "coverage: gcovr not installed"; exit 1; }
cmake -S . -B build/cov -DCMAKE_BUILD_TYPE=Debug -DKAM_COVERAGE=ON -DKAM_BUILD_TESTS=ON -DKAM_BUILD_BENCH=OFF > build/cov.configure.log 2>&1
cmake --build build/cov -j "$(nproc 2>/dev/null || echo 2)" > build/cov.build.log 2>&1 || { cat build/cov.build.log; exit 1; }
find build/cov -name '*.gcda' -delete
(cd build/cov && ctest -j "$(nproc 2>/dev/null || echo 2)" -E '^(python|headers|exports|lua_.*)$' > ../cov.ctest.log 2>&1) || { cat build/cov.ctest.log; exit 1; }
mkdir -p build/coverage
gcovr -r . --object-directory build/cov --filter 'src/' --exclude-unreachable-branches \
  --exclude-throw-branches --print-summary --html-details build/coverage/index.html \
  --fail-under-line 90 --fail-under-branch 80 > build/coverage/summary.txt 2>&1 || {
  cat build/coverage/summary.txt; echo "coverage: below 90 % lines / 80 % branches"; exit 1; }
cat build/coverage/summary.txt | tail -3
echo "coverage: 1 passed, 0 failed"

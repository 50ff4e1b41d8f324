#!/bin/sh
# deps.sh [test|demo|bench]: installs the Debian packages libkam's scripts need, if missing.
# Needs root for apt-get (CI and the dev machines run as root); without root it only reports.
set -eu
kind=${1:-test}
pkgs="cmake make gcc pkg-config libcmocka-dev lua5.4 liblua5.4-dev python3 python3-pytest python3-numpy libsqlite3-dev"
case "$kind" in
  test) pkgs="$pkgs python3-venv python3-pip luarocks python3-pandas clang libclang-rt-14-dev llvm valgrind locales chromium poppler-utils abigail-tools cppcheck clang-tidy gcovr python3-dask python3-distributed" ;;
  demo) ;;
  bench) pkgs="$pkgs python3-pandas hyperfine"
         command -v node > /dev/null 2>&1 || pkgs="$pkgs nodejs npm" ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
  fi
  echo "deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing > /tmp/kam-apt.log 2>&1 || {
    cat /tmp/kam-apt.log >&2
    exit 1
  }
fi
# A comma-decimal locale, so the tests can prove libkam ignores the C locale.
if [ "$kind" = test ] && ! locale -a 2>/dev/null | grep -qi '^ru_RU.utf8$'; then
  if [ "$(id -u)" -eq 0 ] && [ -f /etc/locale.gen ]; then
    sed -i 's/^# *ru_RU.UTF-8 UTF-8/ru_RU.UTF-8 UTF-8/' /etc/locale.gen
    grep -q '^ru_RU.UTF-8 UTF-8' /etc/locale.gen || echo 'ru_RU.UTF-8 UTF-8' >> /etc/locale.gen
    locale-gen > /dev/null 2>&1 || true
  fi
fi
exit 0

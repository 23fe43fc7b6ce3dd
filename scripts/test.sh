#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it lacks (Debian's chromium and PostgreSQL, the
# Python test tools), then runs pytest with any arguments given. `.ci/run` calls this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The store tests start a throwaway PostgreSQL server of their own: they need its initdb.
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The replica test runs Debian's nginx as the proxy, its own instance on a free loopback port (/usr/sbin is not
# on every user's PATH). The package may start a system nginx on port 80 (under systemd; blocked in containers
# by policy-rc.d or the missing init, skipped if port 80 is taken): the test neither uses nor minds it.
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt=(sudo apt-get)
  else
    echo "scripts/test.sh: the suite needs Debian packages ${need[*]}; run as root, or: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq "${need[@]}" >/dev/null
fi

python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
python3 -m pytest "$@"

#!/usr/bin/env bash
# `npm test` runs this first (npm's pretest): the suite needs Debian's redis-server (the Upstash
# server is tested against a real Redis), Chromium (browser tests) and PostgreSQL's binaries (the
# run starts its own throwaway server, test/node-global-setup.ts). Installs what is missing when
# it can (root or passwordless sudo); otherwise says exactly what to install and stops.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null || missing+=(prometheus) # /metrics and the alert rules are checked by Prometheus' tools
# A TEST_DATABASE_URL server replaces the throwaway one; else initdb from Debian's package or PATH.
if [ -z "${TEST_DATABASE_URL:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing test dependencies: ${missing[*]}"
"${as_root[@]}" apt-get update -qq >/dev/null 2>&1 || true
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian enables redis-server as a system service; the tests start their own on free ports.
if command -v systemctl >/dev/null 2>&1; then "${as_root[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
# Debian's postgresql also creates and starts a cluster on 5432; the tests use their own server.
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  if command -v systemctl >/dev/null 2>&1; then "${as_root[@]}" systemctl disable --now postgresql >/dev/null 2>&1 || true; fi
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do
      "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop >/dev/null 2>&1 || true
    done
  fi
fi

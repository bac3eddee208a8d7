#!/usr/bin/env bash
# `npm test` runs this first (npm's pretest): the suite needs Debian's redis-server (the Upstash
# server is tested against a real Redis) and Chromium (browser tests). Installs what is missing when
# it can (root or passwordless sudo); otherwise says exactly what to install and stops.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v promtool >/dev/null || missing+=(prometheus) # /metrics and the alert rules are checked by Prometheus' tools
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

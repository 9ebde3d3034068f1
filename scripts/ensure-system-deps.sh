#!/usr/bin/env bash
# Makes sure the system programs the test suites need are on this machine:
# Debian's chromium (browser tests), redis-server (Redis store and Cluster tests), redis-sentinel
# (Sentinel and failover tests) and python3-msal (the emulator's MSAL Python conformance test,
# run with /usr/bin/python3, not a pyenv python on PATH).
# Installs them with apt-get when missing and running as root; otherwise says what to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import msal, requests" >/dev/null 2>&1 || missing+=(python3-msal)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages the tests need: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
  exit 0
fi

echo "Missing system packages: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
exit 1

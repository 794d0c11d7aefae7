#!/usr/bin/env bash
# Make Debian's chromium available at /usr/bin/chromium for the browser tests (Playwright drives it;
# its own browser download cannot work offline). Does nothing when it is there; otherwise installs
# the distribution's `chromium` package with apt-get (root, or passwordless sudo).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium found."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "/usr/bin/chromium not found and apt-get unavailable: the browser tests will be skipped (they fail under CI=true)." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "/usr/bin/chromium not found and no root or passwordless sudo to install it: the browser tests will be skipped." >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] && echo "chromium installed."

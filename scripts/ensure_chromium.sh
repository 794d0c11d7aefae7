#!/usr/bin/env bash
# Make Debian's chromium available at /usr/bin/chromium for the browser tests (Playwright drives it;
# its own browser download cannot work offline). Does nothing when it is there.
set -euo pipefail
cd "$(dirname "$0")"
if [ -x /usr/bin/chromium ]; then
  echo "chromium found."
  exit 0
fi
exec bash apt_install.sh chromium /usr/bin/chromium

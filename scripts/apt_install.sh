#!/usr/bin/env bash
# apt_install.sh PACKAGE MISSING: install Debian's PACKAGE with apt-get (as root, or with passwordless sudo).
# MISSING says what was not found; without apt-get or root the tests that need it are skipped, so this
# says so and exits 0 rather than failing the whole test run.
set -euo pipefail
package="$1"
missing="$2"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$missing not found and apt-get unavailable: the tests that need it will be skipped." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "$missing not found and no root or passwordless sudo to install it: the tests that need it will be skipped." >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
echo "$package installed."

#!/usr/bin/env bash
# Make PostgreSQL server binaries (initdb, pg_ctl) available for the sweep tests.
# Does nothing when initdb is on PATH or under /usr/lib/postgresql/*/bin; otherwise installs
# the distribution's `postgresql` package with apt-get (root, or passwordless sudo).
# The tests start their own throwaway cluster; the package's default cluster is not needed.
set -euo pipefail

if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL server binaries found."
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "initdb not found and apt-get unavailable: the PostgreSQL tests will be skipped." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "initdb not found and no root or passwordless sudo to install it: the PostgreSQL tests will be skipped." >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && echo "PostgreSQL server binaries installed."

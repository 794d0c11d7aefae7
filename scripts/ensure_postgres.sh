#!/usr/bin/env bash
# Make PostgreSQL server binaries (initdb, pg_ctl) available for the sweep tests.
# Does nothing when initdb is on PATH or under /usr/lib/postgresql/*/bin. The tests start their
# own throwaway cluster; the package's default cluster is not needed.
set -euo pipefail
cd "$(dirname "$0")"
if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  echo "PostgreSQL server binaries found."
  exit 0
fi
exec bash apt_install.sh postgresql initdb

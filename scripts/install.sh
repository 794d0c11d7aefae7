#!/usr/bin/env bash
# Create .venv (if missing) and install oraclelab with every extra into it.
# torch is pinned to the CPU wheel first: an unpinned torch would pull a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[all]" 2>&1 | grep -v "is ignored" || true
.venv/bin/python -c "import oraclelab, torch; print(f'oraclelab {oraclelab.__version__} with torch {torch.__version__} installed in .venv')"

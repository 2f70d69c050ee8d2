#!/usr/bin/env bash
# Create .venv and install the pinned dependencies. Idempotent: skips pip when nothing changed.
# Usage: scripts/setup.sh [runtime|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"
req=requirements.txt
[ "$kind" = dev ] && req=requirements-dev.txt
python3 -m venv .venv 2>/dev/null || python3 -m venv --without-pip .venv
stamp=".venv/.installed-$kind"
digest="$(cat requirements.txt "$req" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$digest" > "$stamp"
fi
# The project's own bytecode, written now so that no run compiles it again (a cold `python -m planner`
# spent ~0.1 s compiling planner/ where PYTHONDONTWRITEBYTECODE is set); only changed files are redone.
.venv/bin/python -m compileall -q planner pages app.py > /dev/null

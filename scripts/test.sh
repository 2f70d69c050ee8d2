#!/usr/bin/env bash
# One command: set up and run every test (unit, integration, app, real browser).
#   bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# Debian's Chromium for the real-browser tests (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; browser tests will be skipped" >&2
fi
.venv/bin/python -m planner data build --default > /dev/null
.venv/bin/python -m planner data build --demo > /dev/null   # the test fixture dataset (fictional units)
exec .venv/bin/python -m pytest "$@"

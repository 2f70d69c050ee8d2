#!/usr/bin/env bash
# One command: set up and start the app on the embedded default data.
#   bash scripts/start.sh [--port 8501]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
.venv/bin/python -m planner data build --default > /dev/null
port=8501
if [ "${1:-}" = "--port" ]; then port="$2"; fi
exec .venv/bin/streamlit run app.py --server.headless true --server.port "$port" \
  --browser.gatherUsageStats false

#!/usr/bin/env bash
# Main job: the Streamlit what-if app on inputs/default with the embedded SQLite audit store.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/prioritizer app "$@"

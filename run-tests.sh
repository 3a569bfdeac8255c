#!/usr/bin/env bash
# The whole test suite (PostgreSQL and browser tests run when .ci/run has provided the server and Chromium).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 "$@"

#!/usr/bin/env bash
# Creates .venv (once) and installs the locked dependency tree plus the package itself.
# Idempotent: re-running only installs what the lock file says is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
py="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
stamp=.venv/.lock-sha
want="$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-64)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  pipq() {  # pip, minus this machine's harmless "Location ... is ignored" index warnings
    .venv/bin/python -m pip "$@" 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
    return "${PIPESTATUS[0]}"
  }
  pipq install --quiet --upgrade pip
  pipq install --quiet -r requirements.lock
  pipq install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi

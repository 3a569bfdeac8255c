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
# Byte-compile the package as a regular (non-editable) install would: with
# PYTHONDONTWRITEBYTECODE set (as on the development machine) every start-up would otherwise
# compile its ~290 modules from source again (0.3 s per CLI command). Up-to-date files are
# skipped; a source edited later is recompiled in memory (Python compares the source's mtime).
# A read-only checkout only loses the speed-up.
.venv/bin/python -m compileall -q -j 0 prioritizer >/dev/null || true

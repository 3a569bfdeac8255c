"""The one door holds by construction: the command line and the app cannot reach case rows, the
audit store, the runs or the record-changing services except through ``prioritizer.door``.

Two independent checks, so that a hole in one is caught by the other:

* import-linter's contract in ``pyproject.toml`` (``lint-imports``), run here as CI runs it;
* a walk over the source of every module under ``prioritizer/cli`` and ``prioritizer/app`` for
  the names that would bypass the door, wherever they are imported (also inside functions).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module -> names that bypass the door when imported from it ("*" = any name)
BYPASS: dict[str, set[str]] = {
    "prioritizer.audit": {"*"},
    "prioritizer.runs": {"execute"},
    "prioritizer.auth.services": {"*"},
    "prioritizer.case": {"load_case"},
    "prioritizer.case.load": {"*"},
    "prioritizer.case.tiers": {"*"},
    "prioritizer.reports": {"build_report"},
    "prioritizer.auth.accounts": {"cli_identity_for"},
}


def _bypasses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            mod = node.module
            for banned, names in BYPASS.items():
                if mod == banned or (mod.startswith(banned + ".") and "*" in names):
                    for alias in node.names:
                        if "*" in names or alias.name in names:
                            found.append(f"{path.name}:{node.lineno} from {mod} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(
                    alias.name == b or alias.name.startswith(b + ".") for b, n in BYPASS.items() if "*" in n
                ):
                    found.append(f"{path.name}:{node.lineno} import {alias.name}")
    return found


def test_no_module_of_cli_or_app_bypasses_the_door() -> None:
    files = sorted((ROOT / "prioritizer" / "cli").rglob("*.py")) + sorted(
        (ROOT / "prioritizer" / "app").rglob("*.py")
    )
    assert len(files) > 20  # the walk really covers the two layers
    bad = [b for f in files for b in _bypasses(f)]
    assert bad == []


def test_the_walk_itself_finds_a_bypass(tmp_path: Path) -> None:
    # the checker must be able to fail: a planted bypass inside a function is found
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from prioritizer.audit import open_store\n    return open_store\n")
    assert any("open_store" in b for b in _bypasses(planted))


def test_import_linter_contract_is_kept() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    got = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stdout + got.stderr
    assert "1 kept, 0 broken" in got.stdout or "kept, 0 broken" in got.stdout

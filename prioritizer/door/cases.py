"""Case rows through the door: loaded whole, filtered to the reader's clearance at once.

Nothing above the reader's clearance leaves :func:`load_case`: not the rows, not the file
snapshots a run records (CSV in any accepted encoding, and workbooks), and not the validation
messages — a problem in a hidden row is counted, never named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prioritizer.case import Case
from prioritizer.case import load_case as _load
from prioritizer.case.tiers import hidden_locations, tier_rank, visible_case
from prioritizer.door.caller import Caller
from prioritizer.door.gate import enter
from prioritizer.errors import InputError, Issue


def load_case(caller: Caller, path: str | Path, action: str = "validate", **kw: Any) -> Case:
    """The case at ``path`` as ``caller`` may see it (raises a redacted InputError)."""
    enter(caller, action, target=str(path))
    clearance = caller.identity.effective_clearance
    try:
        full = _load(path, **kw)
    except InputError as exc:
        raise redact(exc, _raw_files(Path(path)), clearance) from None
    return visible_case(full, clearance)


def visible(caller: Caller, case: Case) -> Case:
    return visible_case(case, caller.identity.effective_clearance)


def _raw_files(path: Path) -> dict[str, bytes]:
    try:
        if path.is_dir():
            return {p.name: p.read_bytes() for p in path.iterdir() if p.is_file()}
        return {path.name: path.read_bytes()}
    except OSError:
        return {}


def redact(exc: InputError, files: dict[str, bytes], clearance: str) -> InputError:
    """``exc`` without the problems that would name a row above ``clearance``.

    Those are replaced by one issue per file saying how many there are, so the reader knows
    the case is not valid and whom to ask, without learning what the hidden rows hold.
    """
    if tier_rank(clearance) >= tier_rank("secret"):
        return exc
    rows, ids = hidden_locations(files, clearance)
    if not rows and not ids:
        return exc
    kept: list[Issue] = []
    hidden: dict[str, int] = {}
    for i in exc.issues:
        text = f"{i.value} {i.message}"
        if (i.row is not None and i.row in rows.get(i.file, ())) or any(x in text for x in ids):
            hidden[i.file] = hidden.get(i.file, 0) + 1
        else:
            kept.append(i)
    for f, n in hidden.items():
        kept.append(
            Issue(
                f,
                None,
                None,
                None,
                f"{n} problem{'s' if n > 1 else ''} in rows above your clearance ({clearance}); "
                "ask someone cleared for them to fix the case",
            )
        )
    return type(exc)(kept) if type(exc) is InputError else InputError(kept)


def load_whole(path: str | Path) -> Case:
    """The whole case at ``path``, for a server's shared cache only: every page reads it through
    :func:`visible`, which filters it for the reader. Errors name only what the file names; a
    page shows them through :func:`load_case` or :func:`check_folder`."""
    return _load(path)


def check_folder(
    folder: str | Path, files: dict[str, bytes], clearance: str
) -> tuple[Case | None, list[Issue]]:
    """Validate a scratch folder (an edit, an upload, an import before it is saved) with the
    normal loader; problems in rows above ``clearance`` are counted, never named."""
    try:
        return _load(folder), []
    except InputError as exc:
        return None, redact(exc, files, clearance).issues


def tier_facts(caller: Caller, full: Case) -> tuple[str, int]:
    """(highest tier the reader is shown, how many rows it does not see) for a page's banner."""
    from prioritizer.case.tiers import case_tier, hidden_rows

    clearance = caller.identity.effective_clearance
    return case_tier(visible_case(full, clearance)), sum(hidden_rows(full, clearance).values())

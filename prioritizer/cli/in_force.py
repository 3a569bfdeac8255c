"""The committee's weights in force, for the computing commands (DESIGN §7).

``rank``, ``allocate``, ``robustness``, ``study`` and ``stress`` call :func:`apply` on their
params before running: unless ``--weights`` or ``--model`` was given, the case's adopted weights
(:mod:`prioritizer.auth.adoption`) are used and ``weights_source`` names where they came from.

Under ``--no-audit`` the store is not consulted (the model's weights apply, ``weights_source``
null). A SQLite store which does not exist yet has nothing in force and is not created for the
question.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def store_for_reading(db: str | None) -> Any:
    """The audit store, or None when it is a SQLite file that does not exist."""
    from prioritizer import door

    return door.store_for(db, create=False)


def current(case_path: Path | str, db: str | None) -> dict[str, Any]:
    from prioritizer.auth.adoption import current as cur

    return cur(store_for_reading(db), case_path)


def apply(
    params: dict[str, Any], case_path: Path | str, db: str | None, no_audit: bool = False
) -> dict[str, Any]:
    """``params`` with the weights in force (when none were given) and their ``weights_source``.

    ``--no-audit`` computes without the audit store — neither writing nor reading it — so the
    model's weights apply (``weights_source`` null): a stray or unreachable store can neither stop
    nor silently change such a run.
    """
    from prioritizer.auth.adoption import with_weights_in_force

    if no_audit or params.get("weights") or params.get("model") or params.get("model_snapshot"):
        return params
    return with_weights_in_force(params, current(case_path, db))

"""Where a decision model named by a case may be read from (below ``case`` and ``model``).

A model reference is a *name* (``default`` → ``models/<name>.yaml`` of the case folder, then of
the repository) or a *path* (ends in ``.yaml``/``.yml`` or has a folder part). A path written in
a case's policy (``policy.yaml`` / the ``policy`` sheet) must stay inside the case folder or the
repository's ``models/`` folder once ``..`` and symbolic links are resolved: a case is data
that may come from someone else, and ``model: ../../../../etc/passwd`` would make the product
read, and quote in its errors, any file the user can read. A model named on the command line
(``--model``) is the user's own choice and is not restricted.
"""

from __future__ import annotations

import os
from pathlib import Path

#: the repository's decision models
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def looks_like_path(ref: str | Path) -> bool:
    p = Path(ref)
    return p.suffix in (".yaml", ".yml") or len(p.parts) > 1


def case_folder(case_root: Path) -> Path:
    """The folder of a case: the folder itself, or the folder holding a workbook."""
    return case_root if case_root.is_dir() else case_root.parent


def _inside(path: Path, folder: Path) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def case_model_problem(ref: str, case_root: Path) -> str | None:
    """Why the case may not name ``ref`` as its model, or None when it may."""
    folder = case_folder(case_root)
    if looks_like_path(ref):
        p = Path(ref)
        target = p if p.is_absolute() else folder / p
    else:
        target = folder / "models" / f"{ref}.yaml"
        if not target.exists():  # the repository's models/<name>.yaml: inside models/ by construction
            return None
    if _inside(target, folder) or _inside(target, MODELS_DIR):
        return None
    return (
        "the model file must be inside the case folder or the repository's models/ folder "
        f"(this path leads to {os.path.realpath(target)}); copy the model into the case folder, "
        "or name a model of models/ (e.g. 'default')"
    )

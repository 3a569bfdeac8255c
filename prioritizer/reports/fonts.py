"""The Japanese font embedded in PDFs and used for matplotlib charts.

IPAexGothic ships inside the ``japanize-matplotlib`` wheel (IPA Font License), which
is a locked dependency, so a fresh machine set up by the README has it without any
system font package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def japanese_font_path() -> Path:
    import importlib.util

    # Locate the wheel without importing it (its import patches matplotlib and warns).
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or spec.origin is None:  # pragma: no cover - dependency missing
        raise FileNotFoundError("japanize-matplotlib is not installed; run scripts/setup.sh")
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    if not path.exists():  # pragma: no cover - only if the wheel's layout changes
        raise FileNotFoundError(f"IPAexGothic not found at {path}; reinstall japanize-matplotlib")
    return path

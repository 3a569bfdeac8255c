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
    import japanize_matplotlib

    path = Path(japanize_matplotlib.__file__).parent / "fonts" / "ipaexg.ttf"
    if not path.exists():  # pragma: no cover - only if the wheel's layout changes
        raise FileNotFoundError(f"IPAexGothic not found at {path}; reinstall japanize-matplotlib")
    return path

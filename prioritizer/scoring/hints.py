"""Policy-instrument hints by domain (経済安全保障推進法 / the Action Plan's three domains).

Source: /work/shared/sources (METI documents, see DIGEST.md): ① disruptive technologies
call for R&D and technology-development support; ② domains where Japan holds a
technological advantage call for protection against technology leakage; ③ domains of
external dependence call for diversification of supply, stockpiles and domestic capacity.
A hint is a pointer for the committee, not a recommendation computed from the score.
"""

from __future__ import annotations

HINTS: dict[str, dict[str, str]] = {
    "disruptive": {
        "ja": "研究開発・技術開発支援（先端技術の育成）",
        "en": "R&D / technology development support",
    },
    "advantage": {
        "ja": "技術流出の防止（技術管理・輸出管理・投資審査）",
        "en": "protection against technology leakage (technology and export controls, investment screening)",
    },
    "dependence": {
        "ja": "供給源の多角化・備蓄・国内生産能力の強化",
        "en": "diversification of supply sources, stockpiles, domestic production capacity",
    },
}


def hint(domain: str | None, lang: str = "en") -> str | None:
    """The instrument hint for a domain (disruptive | advantage | dependence), or None."""
    h = HINTS.get((domain or "").strip().lower())
    return h[lang] if h else None

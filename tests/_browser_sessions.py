"""Signed-in browser sessions driven concurrently (async Playwright, one Chromium, many contexts).

Shared by ``tests/test_session_isolation.py``, ``tests/test_load_small.py`` and
``bench/bench_sessions.py``. A :class:`Session` is one person: its own browser context, signed
in to one app server, in one language. Every click that makes the server rerun the page is
timed *click to idle*: from the click until the server's ``script_finished`` message
(``FINISHED_SUCCESSFULLY``) arrives on that page's websocket — every element of the run was
sent before it on the same socket, so the page then holds the run's whole result. Waiting for
that message (not a sleep) is also how each step synchronises.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prioritizer.text import t

ROOT = Path(__file__).resolve().parents[1]
PW = "a long enough password"
#: what a page may not show a public reader: the restricted good (PFAS alternatives) and the secret rows
RESTRICTED_MARKERS = (
    "pfas_alternatives",
    "PFAS代替",
    "PFAS alternatives",
    "zq_secret",
    "秘匿",
    "Hidden Alloy",
    "Hidden plant",
)
SECRET_MARKERS = ("zq_secret", "秘匿", "Hidden Alloy", "Hidden plant")
# Kana and kanji; an English page may carry the money unit 億円 (as the tables do) and the
# language switch's own labels, nothing else Japanese.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]+")
_EN_ALLOWED_CJK = {"億円", "表示言語", "日本語"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[a-z][A-Za-z'-]*")


def tiered_case(dst: Path) -> Path:
    """The default case with a restricted good and a secret good, project and scenario.

    The restricted good (``pfas_alternatives``) is named by no project, scenario or policy
    line: a public row that names a restricted good is another matter (see the report of
    issue 27: the policy's ``target_days_by_good.antimony`` breaks a public reader's allocation).
    """
    from test_door_walk import make_secret_case

    make_secret_case(dst)
    goods = dst / "goods.csv"
    lines = goods.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for ln in lines[1:]:
        if ln.startswith("pfas_alternatives,"):
            assert ln.endswith(","), ln  # the tier column is last and empty
            ln += "restricted"
        out.append(ln)
    goods.write_text("\n".join(out) + "\n", encoding="utf-8")
    return dst


def allowed_words(case_dir: Path, extra: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """Words a Japanese page may show that are not English wording: ids, codes, file names."""
    import csv

    words: set[str] = set(extra) | {"English", "Language", "prioritizer", case_dir.name}
    for f in case_dir.iterdir():
        words.update(_WORD.findall(f.name))
        if f.suffix == ".csv":
            with f.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    for col, v in row.items():
                        # ids and codes are what a planner types; names in English are not shown in ja
                        if col and (
                            col == "id" or col.endswith("_id") or col in ("partner", "iso3", "country")
                        ):
                            words.update(_WORD.findall(v or ""))
                            words.update(p for p in re.split(r"[_\W]+", v or "") if p)
    return words


def wording_problems(text: str, lang: str, allowed: set[str], names: set[str]) -> list[str]:
    """Japanese wording on an English page, or English wording on a Japanese page.

    ``names`` (display names of people) are removed first; on a Japanese page words in
    ``allowed`` (ids, codes, file names), all-capital acronyms (HHI, ISO codes) and
    single letters/units are not wording.
    """
    for n in names:
        text = text.replace(n, " ")
    problems = []
    if lang == "en":
        for m in _CJK.finditer(text):
            if m.group() not in _EN_ALLOWED_CJK:
                around = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ")
                problems.append(f"Japanese {m.group()!r} on an English page: …{around}…")
    else:
        for m in _WORD.finditer(text):
            w = m.group()
            if w in allowed or w.isupper() or len(w) < 3:
                continue
            around = text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ")
            problems.append(f"English {w!r} on a Japanese page: …{around}…")
    return sorted(set(problems))


@dataclass
class Session:
    """One person in one browser context, signed in to one server."""

    user: str
    role: str
    clearance: str
    lang: str
    port: int
    display: str
    ctx: Any = None
    page: Any = None
    frames: list[bytes] = field(default_factory=list)
    done: int = 0
    #: (what, seconds click→idle) of every timed click
    timings: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (step, visible text) after each click
    saved_reasons: list[str] = field(default_factory=list)
    _idle: asyncio.Event = field(default_factory=asyncio.Event)

    def tr(self, key: str, **kw: Any) -> str:
        return t(key, self.lang, **kw)  # type: ignore[arg-type]

    def _on_frame(self, payload: Any) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = payload if isinstance(payload, bytes) else str(payload).encode()
        self.frames.append(data)
        try:
            msg = ForwardMsg.FromString(data)
        except Exception:  # not every frame need be a ForwardMsg; it is kept for the scan all the same
            return
        if msg.WhichOneof("type") == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.done += 1
                self._idle.set()
            elif msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("script finished with an error")

    async def open(self, browser: Any) -> None:
        self.ctx = await browser.new_context(viewport={"width": 1500, "height": 1100}, locale=self.lang)
        self.page = await self.ctx.new_page()
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._on_frame))
        await self.page.goto(f"http://127.0.0.1:{self.port}/", wait_until="networkidle")
        await self.page.get_by_label(t("auth.user", "ja")).wait_for(timeout=180_000)

    async def act(self, what: str, click: Any, *, timed: bool = True, timeout: float = 180.0) -> float:
        """Run ``click`` (a coroutine function) and wait until the server's rerun has finished."""
        before = self.done
        self._idle.clear()
        t0 = time.perf_counter()
        await click()
        try:
            while self.done == before:
                await asyncio.wait_for(self._idle.wait(), timeout - (time.perf_counter() - t0))
                self._idle.clear()
        except (TimeoutError, ValueError):
            self.errors.append(f"{what}: no idle within {timeout:.0f} s")
            return timeout
        took = time.perf_counter() - t0
        if timed:
            self.timings.append((what, took))
        if await self.page.locator("[data-testid='stException']").count():
            self.errors.append(f"{what}: the page shows an exception")
        return took

    async def sign_in(self) -> None:
        p = self.page
        await p.get_by_label(t("auth.user", "ja")).fill(self.user)
        await p.get_by_label(t("auth.password", "ja"), exact=True).fill(PW)
        await self.act("sign-in", p.get_by_role("button", name=t("auth.submit", "ja")).click, timed=False)
        # signed in: the sidebar's sign-out button (a committee member's first page, the decision
        # under review, has no table until a decision is saved)
        await p.get_by_role("button", name=t("auth.sign_out", "ja")).wait_for(timeout=180_000)
        if self.lang == "en":
            radio = p.locator("[data-testid='stSidebar'] [data-testid='stRadio']").get_by_text("English")
            await self.act("language", radio.click, timed=False)
            await p.get_by_text(t("page.allocation", "en"), exact=True).first.wait_for(timeout=60_000)

    async def goto(self, page_key: str, *, timed: bool = True) -> None:
        link = self.page.locator("[data-testid='stSidebar']").get_by_role(
            "link", name=self.tr(page_key), exact=True
        )
        await self.act(f"open {page_key}", link.click, timed=timed)

    async def set_budget(self, value: float) -> None:
        box = self.page.get_by_label(self.tr("alloc.budget"))
        await box.fill(f"{value:.0f}")
        await self.act(
            "budget", self.page.get_by_role("button", name=self.tr("action.recompute"), exact=True).click
        )

    async def budget(self) -> float:
        return float(await self.page.get_by_label(self.tr("alloc.budget")).input_value())

    async def toggle_first_scenario(self) -> None:
        """Drop the first chosen scenario; if one is dropped now, choose it again.

        Streamlit forgets a form's widget values when its page is left, so after a visit to
        another page every scenario is chosen again: the chips on the page decide, not memory.
        """
        p = self.page
        ms = p.locator("[data-testid='stMultiSelect']").filter(has_text=self.tr("alloc.scenarios"))
        tags = ms.locator("[data-tag]")
        await tags.first.wait_for(timeout=60_000)
        n = await tags.count()
        dropped = getattr(self, "_dropped", None)
        if dropped and n < getattr(self, "_chosen", n + 1):
            await ms.locator("input").first.click()
            await p.get_by_role("option", name=dropped, exact=True).click()
            await p.keyboard.press("Escape")
            self._dropped = None
        else:
            self._chosen = n
            tag = tags.first
            self._dropped = await tag.get_attribute("aria-label")
            await tag.locator("button").click()
        await self.act(
            "scenarios", p.get_by_role("button", name=self.tr("action.recompute"), exact=True).click
        )

    async def nudge_weight(self, n: int) -> None:
        """Move one weight slider by one step with the keyboard (a rerun per key press)."""
        sliders = self.page.locator("[data-testid='stSlider'] input[type='range']")
        await sliders.first.wait_for(timeout=60_000)
        thumb = sliders.nth(n % await sliders.count())
        await thumb.focus()
        await self.act(
            "weight", lambda: self.page.keyboard.press("ArrowRight" if n % 2 == 0 else "ArrowLeft")
        )

    async def save(self, reason: str) -> None:
        p = self.page
        side = p.locator("[data-testid='stSidebar']")
        await side.get_by_text(self.tr("save.title"), exact=False).first.click()
        await side.get_by_label(self.tr("save.reason")).fill(reason)
        await self.act("save", side.get_by_role("button", name=self.tr("save.button"), exact=True).click)
        await p.get_by_text(self.tr("save.done", run_id=""), exact=False).first.wait_for(timeout=60_000)
        self.saved_reasons.append(reason)

    async def snapshot(self, step: str) -> str:
        """The text the app draws (sidebar and main area; Streamlit's own chrome and icon glyph names aside)."""
        text = await self.page.evaluate(_APP_TEXT)
        self.texts.append((step, text))
        return text

    async def close(self) -> None:
        if self.ctx is not None:
            await self.ctx.close()


# Material icons are drawn from ligature text ("keyboard_arrow_down"): that is a glyph, not wording.
_APP_TEXT = """() => {
  const parts = [];
  for (const sel of ["[data-testid='stSidebarUserContent']", "[data-testid='stSidebarNav']",
                     "[data-testid='stMain']"]) {
    for (const el of document.querySelectorAll(sel)) {
      let text = el.innerText;
      for (const icon of el.querySelectorAll("[data-testid='stIconMaterial']")) {
        text = text.split(icon.innerText).join(" ");
      }
      parts.push(text);
    }
  }
  return parts.join("\\n");
}"""


def percentile(xs: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``xs``."""
    import math

    s = sorted(xs)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)] if s else float("nan")

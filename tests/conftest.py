"""Shared fixtures. Keep this file small: put module-specific fixtures in the test module."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _own_cli_session(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test has its own command-line session file (never the developer's own sign-in)."""
    monkeypatch.setenv("PRIORITIZER_SESSION", str(tmp_path_factory.mktemp("session") / "session"))


#: A small, hand-checkable valid case touching every table (rows are spreadsheet rows: header = 1).
MINIMAL_CASE: dict[str, str] = {
    "goods.csv": (
        "id,name_ja,name_en,sector,domain,specified_critical,annual_demand,unit_price,autonomy,parent_id,stockpilable\n"
        "gallium,ガリウム,Gallium,computing,dependence,true,100,0.02,0.1,rare_metals,true\n"
        "power_semi,パワー半導体,Power semiconductors,computing,advantage,true,50,0.5,0.6,,false\n"
        "magnet,永久磁石,Permanent magnets,cleantech,dependence,true,200,0.1,0.3,,true\n"
        "rare_earth,レアアース,Rare earths,cleantech,dependence,true,300,0.01,0.05,rare_metals,true\n"
        "rare_metals,レアメタル,Rare metals,other,dependence,false,,,,,false\n"
    ),
    "countries.csv": (
        "iso3,name_ja,name_en,governance,concern,partner\n"
        "CHN,中国,China,-0.5,true,false\n"
        "USA,米国,United States,1.2,false,true\n"
        "AUS,豪州,Australia,1.6,false,true\n"
    ),
    "flows.csv": (
        "good_id,partner,period,value\n"
        "gallium,CHN,2024-01,10\n"
        "gallium,USA,2024-01,2\n"
        "gallium,CHN,2024-02,11\n"
        "rare_earth,AUS,2024-01,5\n"
    ),
    "projects.csv": (
        "id,name_ja,good_id,instrument,cost,divisible,min_fraction,requires,excludes,must\n"
        "p_ga_stock,ガリウム備蓄,gallium,stockpile,100,true,0.2,,,\n"
        "p_ps_fab,パワー半導体工場,power_semi,subsidy,500,false,,p_ga_stock,,\n"
        "p_mag_rnd,磁石研究開発,magnet,rnd,50,true,0,,p_mag_loan,\n"
        "p_mag_loan,磁石融資,magnet,loan,80,false,,,,\n"
    ),
    "scenarios.csv": (
        "id,name_ja,probability,good_id,partner,loss,months\ns_ga_ctrl,ガリウム輸出規制,0.2,gallium,CHN,0.8,12\n"
    ),
    "links.csv": "good_id,input_id,intensity\npower_semi,gallium,0.5\nmagnet,rare_earth,0.9\n",
    "policy.yaml": (
        "model: default\n"
        "budget:\n"
        "  total: 700\n"
        "limits:\n"
        "  - {group: instrument, value: stockpile, max: 200}\n"
        "stockpile:\n"
        "  target_days: 60\n"
        "  target_days_by_good: {gallium: 180}\n"
    ),
}

WriteCase = Callable[..., Path]


@pytest.fixture
def write_case(tmp_path: Path) -> WriteCase:
    """``write_case(files, name="case")`` writes ``{file name: str | bytes | None}`` into a new folder.

    ``str`` is written as UTF-8, ``bytes`` as is; ``None`` leaves the file out.
    """

    def write(files: Mapping[str, str | bytes | None], name: str = "case") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for fname, content in files.items():
            if content is None:
                continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            (root / fname).write_bytes(data)
        return root

    return write


@pytest.fixture
def minimal_case(write_case: WriteCase) -> Path:
    """Folder holding :data:`MINIMAL_CASE` (valid)."""
    return write_case(MINIMAL_CASE, "minimal")


@pytest.fixture
def minimal_files() -> dict[str, str | bytes | None]:
    """A fresh copy of :data:`MINIMAL_CASE` to mutate."""
    return dict(MINIMAL_CASE)

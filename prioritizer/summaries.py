"""Pure summaries of stored results, shared by the app (controller) and the reports.

These read the JSON payloads of DESIGN §5/§6 and never recompute what a run already
states: spend comes from the optimiser's ``spent`` per project (share × cost only for
runs recorded before that field existed), the total from :mod:`prioritizer.spend`
(projects + stock), and the groupings use the case's own columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from prioritizer.case import Case
from prioritizer.spend import project_spend, projects_spend, spent_total  # noqa: F401 (re-exported)

#: a project counts as funded above this share (the solver's zero tolerance)
FUNDED_EPS = 1e-9


def total_spend(result: dict[str, Any]) -> float:
    """億円 spent in all, projects + stock: the one total every page, diff and report shows."""
    return spent_total(result)


def is_funded(p: dict[str, Any]) -> bool:
    return (p.get("funded_fraction") or 0.0) > FUNDED_EPS


#: case → (project rows by id, good rows by id); the case object is kept so its id stays valid
_INDEX: dict[int, tuple[Case, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]] = {}


def _index(case: Case) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    hit = _INDEX.get(id(case))
    if hit is None or hit[0] is not case:
        projects = {} if case.projects is None else {r["id"]: r for r in case.projects.to_dict("records")}
        goods = {r["id"]: r for r in case.goods.to_dict("records")}
        if len(_INDEX) > 8:  # reports and the app hold a handful of cases at a time
            _INDEX.clear()
        hit = _INDEX[id(case)] = (case, projects, goods)
    return hit[1], hit[2]


def project_attribute(case: Case | None, project_id: str, attr: str) -> str | None:
    """A project's ``attr`` from projects.csv, else its good's column (domain, sector…), else None."""
    if case is None or case.projects is None:
        return None
    projects, goods = _index(case)
    row = projects.get(project_id)
    if row is None:
        return None
    v = row.get(attr)
    if isinstance(v, str) and v:
        return v
    g = goods.get(row.get("good_id"))  # type: ignore[arg-type]
    if g is not None and isinstance(g.get(attr), str) and g.get(attr):
        return str(g[attr])
    return None


def spend_by(result: dict[str, Any], case: Case, group: str) -> pd.DataFrame:
    """Spend (億円) of funded projects by a project or good attribute (domain, sector, instrument...).

    A project's own non-empty text in ``group`` counts, else its good's value, else "—";
    groups without a value (a good's blank cell) are left out, as pandas' ``groupby`` does."""
    if case.projects is None:
        return pd.DataFrame(columns=[group, "spend"])
    proj = case.projects.set_index("id")
    goods = case.goods.set_index("id")
    funded = [
        (p["id"], project_spend(p))
        for p in result.get("projects", [])
        if (p.get("funded_fraction") or 0.0) > FUNDED_EPS
    ]
    known = pd.Index([i for i, _ in funded]).isin(proj.index) if funded else []
    funded = [f for f, ok in zip(funded, known, strict=True) if ok]
    # one lookup per column for all funded projects, not a row lookup per project (the
    # allocation page's two groupings on a 1,000-project case: 0.23 → 0.07 s)
    rows = proj.reindex([i for i, _ in funded])
    key = pd.Series("—", index=range(len(funded)), dtype=object)
    if group in goods.columns and "good_id" in rows.columns:
        gid = rows["good_id"].to_numpy(dtype=object)
        has = pd.Index(gid).isin(goods.index)
        key[has] = goods[group].reindex(gid[has]).to_numpy(dtype=object)
    if group in proj.columns:
        own = rows[group].to_numpy(dtype=object)
        mine = np.array([isinstance(v, str) and v != "" for v in own], dtype=bool)
        key[mine] = own[mine]
    df = pd.DataFrame({group: key.to_numpy(), "spend": [s for _, s in funded]}, columns=[group, "spend"])
    return df.groupby(group, as_index=False)["spend"].sum().sort_values("spend", ascending=False)


def count_by(result: dict[str, Any], case: Case | None, group: str) -> dict[str, int]:
    """Number of funded projects per value of ``group`` (a project or good attribute)."""
    out: dict[str, int] = {}
    for p in result.get("projects", []):
        if not is_funded(p):
            continue
        key = project_attribute(case, p["id"], group) or "—"
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def rank_moves(base: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    """Rank change of every item between two rank results (positive = moved up)."""
    b = {r["id"]: r["rank"] for r in base.get("ranking", [])}
    rows = [
        {
            "id": r["id"],
            "base_rank": b.get(r["id"]),
            "rank": r["rank"],
            "move": (b[r["id"]] - r["rank"]) if r["id"] in b else None,
        }
        for r in new.get("ranking", [])
    ]
    return pd.DataFrame(rows, columns=["id", "base_rank", "rank", "move"])


def funding_changes(base: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    """Projects whose funded share differs between two allocate results."""
    b = {p["id"]: p.get("funded_fraction", 0.0) for p in base.get("projects", [])}
    rows = []
    for p in new.get("projects", []):
        before, after = b.get(p["id"], 0.0), p.get("funded_fraction", 0.0)
        if abs(after - before) > FUNDED_EPS:
            rows.append({"id": p["id"], "before": before, "after": after, "cost": p.get("cost")})
    return pd.DataFrame(rows, columns=["id", "before", "after", "cost"])

"""Checks across rows and tables: references, cycles, costs, must in/out, policy.

Every function logs to an :class:`~prioritizer.case.readers.IssueLog` and returns
nothing; the loader raises once at the end. A reference check runs only when both
ends exist in the files (a missing ``id`` column is reported once, not as one
unknown reference per row).
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from prioritizer.case.policy import Policy
from prioritizer.case.readers import IssueLog
from prioritizer.case.schemas import COST_YEAR, DOMAINS, INSTRUMENTS, SECTORS
from prioritizer.case.tables import TypedTable

_ISO3 = re.compile(r"^[A-Z]{3}$")

Tables = Mapping[str, TypedTable]


def _suggest(value: str, ids: Sequence[str]) -> str:
    if len(ids) > 5000:
        return ""
    close = difflib.get_close_matches(value, ids, n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ----------------------------------------------------------------------------- normalisation


def normalise(tables: Tables) -> None:
    """Country codes upper-case; blank names filled (other language, then the id)."""
    for name, col in (("countries", "iso3"), ("flows", "partner"), ("scenarios", "partner")):
        if name in tables and col in tables[name].df:
            df = tables[name].df
            df[col] = df[col].str.upper()
    for name, key in (("goods", "id"), ("countries", "iso3"), ("projects", "id"), ("scenarios", "id")):
        if name not in tables:
            continue
        df = tables[name].df
        ja, en = df["name_ja"], df["name_en"]
        df["name_ja"] = ja.where(ja != "", en).where((ja != "") | (en != ""), df[key])
        df["name_en"] = en.where(en != "", ja).where((ja != "") | (en != ""), df[key])


def iso3_format(tables: Tables, log: IssueLog) -> None:
    checks = [("countries", "iso3")]
    if "countries" not in tables:  # otherwise membership in countries.csv is checked instead
        checks += [("flows", "partner"), ("scenarios", "partner")]
    for name, col in checks:
        t = tables.get(name)
        if t is None or not t.usable(col):
            continue
        s = t.df[col]
        bad = ~s.str.match(_ISO3) & (s != "")
        for i in np.flatnonzero(bad.to_numpy()):
            log.add(
                t.file,
                t.row(i),
                col,
                s.iat[i],
                f"'{s.iat[i]}' is not an ISO 3166 alpha-3 country code; use three letters such as CHN, USA, AUS",
            )


def flow_frequencies(tables: Tables, log: IssueLog) -> None:
    """A good's flows are all monthly (``YYYY-MM``) or all annual (``YYYY``), never both.

    Mixing them would add a year's total to its own months (double counting).
    """
    t = tables.get("flows")
    if t is None or not t.usable("period") or not t.usable("good_id"):
        return
    df = t.df
    annual = (df["period"].str.len() == 4).to_numpy()
    if not annual.any() or annual.all():
        return
    goods = df["good_id"].to_numpy()
    mixed = set(goods[annual]) & set(goods[~annual])
    for g in sorted(mixed):
        rows = np.flatnonzero((goods == g) & annual)
        i = int(rows[0])
        log.add(
            t.file,
            t.row(i),
            "period",
            df["period"].iat[i],
            f"good '{g}' has both annual (YYYY) and monthly (YYYY-MM) periods; keep one kind per good "
            "(delete its annual rows or its monthly rows)",
        )


# ----------------------------------------------------------------------------- references


def _isin(s: pd.Series, values: set[str]) -> pd.Series:
    """``s.isin(values)``; for Arrow-backed text straight through ``pyarrow.compute.is_in``.

    pandas turns every value of the set into a pyarrow scalar in Python first — 10,000 goods
    ids, for each of a national case's reference checks."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        col = pa.array(s, from_pandas=True)
        hit = pc.is_in(col, value_set=pa.array(sorted(values), type=col.type)).fill_null(False)
        return pd.Series(hit.to_numpy(zero_copy_only=False), index=s.index)
    return s.isin(values)


def _ref(
    log: IssueLog,
    src: TypedTable,
    col: str,
    target: TypedTable | None,
    tcol: str,
    what: str,
) -> None:
    if target is None or not src.usable(col) or not target.usable(tcol):
        return
    ids = target.df[tcol]
    known = set(ids[ids != ""])
    s = src.df[col]
    bad = (~_isin(s, known) & (s != "")).to_numpy()
    if not bad.any():
        return
    id_list = sorted(known)
    for i in np.flatnonzero(bad):
        v = s.iat[i]
        log.add(
            src.file,
            src.row(i),
            col,
            v,
            f"unknown {what} '{v}': not an {tcol} in {target.file}{_suggest(v, id_list)}; "
            f"correct it or add a row for it to {target.file}",
        )


def references(tables: Tables, log: IssueLog) -> None:
    goods = tables["goods"]
    countries = tables.get("countries")
    for name in ("flows", "projects", "scenarios", "links", "production", "exports", "world_supply"):
        if name in tables:
            _ref(log, tables[name], "good_id", goods, "id", "good")
    if "links" in tables:
        _ref(log, tables["links"], "input_id", goods, "id", "good")
    _ref(log, goods, "parent_id", goods, "id", "parent good")
    for name in ("flows", "scenarios"):
        if name in tables:
            _ref(log, tables[name], "partner", countries, "iso3", "country")
    p = tables.get("projects")
    if p is None or not p.usable("id"):
        return
    ids = set(p.df["id"][p.df["id"] != ""])
    id_list = sorted(ids)
    pids = p.df["id"].tolist()
    for col in ("requires", "excludes"):
        if not p.usable(col):
            continue
        for i, lst in enumerate(p.df[col]):
            pid = pids[i]
            for ref in lst:
                if ref == pid:
                    log.add(p.file, p.row(i), col, ref, f"project '{pid}' lists itself in {col}; remove it")
                elif ref not in ids:
                    hint = " Separate ids with ';'." if "," in ref else ""
                    log.add(
                        p.file,
                        p.row(i),
                        col,
                        ref,
                        f"unknown project '{ref}' in {col}: not an id in {p.file}{_suggest(ref, id_list)}; "
                        f"correct it or remove it.{hint}",
                    )


# ----------------------------------------------------------------------------- cycles


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle per strongly connected component that has one (Tarjan, iterative).

    Each cycle is returned as ``[a, b, ..., a]``, starting at the smallest node of
    its component, following the edges; components are sorted by that start node.
    """
    succ = {k: sorted(set(v)) for k, v in edges.items()}
    nodes = sorted(set(succ) | {w for vs in succ.values() for w in vs})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            children = succ.get(v, [])
            recurse = False
            while pi < len(children):
                w = children[pi]
                pi += 1
                if w not in index:
                    work.append((v, pi))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                sccs.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    cycles: list[list[str]] = []
    for comp in sccs:
        members = set(comp)
        start = min(comp)
        if len(comp) == 1 and start not in succ.get(start, []):
            continue
        # shortest path from start back to start inside the component (BFS)
        prev: dict[str, str] = {}
        queue = deque([start])
        found = False
        while queue and not found:
            v = queue.popleft()
            for w in succ.get(v, []):
                if w not in members:
                    continue
                if w == start:
                    prev[start] = v
                    found = True
                    break
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        path = [start]
        v = prev[start]
        while v != start:
            path.append(v)
            v = prev[v]
        path.append(start)
        path[1:-1] = path[1:-1][::-1]
        cycles.append(path)
    return sorted(cycles, key=lambda c: c[0])


def _first_row(t: TypedTable, col: str, value: str) -> int | None:
    hits = np.flatnonzero((t.df[col] == value).to_numpy())
    return t.row(int(hits[0])) if len(hits) else None


def cycles(tables: Tables, log: IssueLog) -> None:
    p = tables.get("projects")
    if p is not None and p.usable("requires") and p.usable("id"):
        edges = {
            pid: [r for r in req if r != pid] for pid, req in zip(p.df["id"], p.df["requires"], strict=True)
        }
        for cyc in find_cycles(edges):
            log.add(
                p.file,
                _first_row(p, "id", cyc[0]),
                "requires",
                cyc[0],
                f"'requires' forms a cycle: {' → '.join(cyc)} — no project of the cycle could be funded first; "
                "remove one of these requirements",
            )
    links = tables.get("links")
    if links is not None and links.usable("good_id") and links.usable("input_id"):
        edges: dict[str, list[str]] = {}
        for g, inp in zip(links.df["good_id"], links.df["input_id"], strict=True):
            if g and inp:
                edges.setdefault(g, []).append(inp)
        for cyc in find_cycles(edges):
            row = None
            hits = np.flatnonzero(
                ((links.df["good_id"] == cyc[0]) & (links.df["input_id"] == cyc[1])).to_numpy()
            )
            if len(hits):
                row = links.row(int(hits[0]))
            what = "a good listed as its own input" if len(cyc) == 2 else "a cycle"
            log.add(
                links.file,
                row,
                "input_id",
                cyc[1],
                f"links form {what}: {' → '.join(cyc)} (product → input); supply-chain links must not loop — "
                "remove one of these links",
            )
    goods = tables["goods"]
    if goods.usable("parent_id") and goods.usable("id"):
        edges = {g: [pa] for g, pa in zip(goods.df["id"], goods.df["parent_id"], strict=True) if pa}
        for cyc in find_cycles(edges):
            log.add(
                goods.file,
                _first_row(goods, "id", cyc[0]),
                "parent_id",
                cyc[1],
                f"parent_id forms a cycle: {' → '.join(cyc)}; a good cannot be its own ancestor — correct parent_id",
            )


# ----------------------------------------------------------------------------- projects


def per_year_columns(p: TypedTable) -> list[str]:
    return sorted(c for c in p.df.columns if COST_YEAR.match(str(c)))


def project_costs(tables: Tables, log: IssueLog) -> None:
    """Fill ``cost`` from ``cost_<year>`` where blank; every project needs a cost."""
    p = tables.get("projects")
    if p is None:
        return
    df = p.df
    years = per_year_columns(p)
    total = df[years].sum(axis=1).to_numpy() if years else np.zeros(len(df))
    cost = df["cost"].to_numpy().copy()
    if "cost" in p.present:
        # blank cells only: unparsable ones are NaN too but already reported
        raw_blank = p.blank["cost"]
        if years:
            cost[raw_blank] = total[raw_blank]
            given = ~raw_blank & (total > 0)
            off = given & ~np.isclose(cost, total, rtol=1e-6, atol=1e-9)
            for i in np.flatnonzero(off):
                log.add(
                    p.file,
                    p.row(i),
                    "cost",
                    float(cost[i]),
                    f"cost {cost[i]:g} differs from the sum of {', '.join(years)} ({total[i]:g}); "
                    "make them agree or leave cost blank (it is then the sum)",
                )
        else:
            for i in np.flatnonzero(raw_blank):
                log.add(p.file, p.row(i), "cost", "", "empty cost; enter the project's cost in 億円")
    elif years:
        cost = total
    df["cost"] = cost


def projects(tables: Tables, log: IssueLog) -> None:
    p = tables.get("projects")
    if p is None:
        return
    df = p.df
    goods = tables["goods"].df
    if p.usable("id"):
        for i, pid in enumerate(df["id"]):
            if ";" in pid or "；" in pid:
                log.add(
                    p.file,
                    p.row(i),
                    "id",
                    pid,
                    "a project id cannot contain ';' (it separates ids in "
                    "requires/excludes); rename the project",
                )
    # a benefit must come from somewhere
    if "value" in p.present or "good_id" in p.present:
        none = ((df["good_id"] == "") & df["value"].isna()).to_numpy()
        for i in np.flatnonzero(none):
            log.add(
                p.file,
                p.row(i),
                "good_id",
                "",
                "the project has neither a good_id (its value is derived from the good's priority) nor an "
                "explicit value; fill in one of them",
            )
    else:
        log.add(
            p.file,
            1,
            "good_id",
            None,
            "missing column: add good_id (the good each project supports) or value (its explicit benefit)",
        )
    # sector / domain default to the good's
    for col in ("sector", "domain"):
        blank = (df[col] == "").to_numpy()
        if blank.any():
            of_good: dict[str, str] = {}
            for g, v in zip(goods["id"], goods[col], strict=True):
                of_good.setdefault(g, v)
            fallback = "other" if col == "sector" else ""
            values = df[col].tolist()
            good_of = df["good_id"].tolist()
            for i in np.flatnonzero(blank):
                values[i] = of_good.get(good_of[i], fallback) or fallback
            df[col] = pd.Series(values, dtype="str")
    _requires_excludes(p, log)


def _requires_excludes(p: TypedTable, log: IssueLog) -> None:
    df = p.df
    if not p.usable("id"):
        return
    ids = list(df["id"])
    row_of = {pid: p.row(i) for i, pid in reversed(list(enumerate(ids)))}
    req = {pid: set(r) for pid, r in zip(ids, df["requires"], strict=True)}
    exc = {pid: set(e) for pid, e in zip(ids, df["excludes"], strict=True)}
    must = dict(zip(ids, df["must"], strict=True))

    def excluded(a: str, b: str) -> bool:
        return b in exc.get(a, ()) or a in exc.get(b, ())

    for i, pid in enumerate(ids):
        both = sorted(req[pid] & exc[pid])
        for q in both:
            log.add(
                p.file,
                p.row(i),
                "requires",
                q,
                f"project '{pid}' both requires and excludes '{q}'; keep it in only one of the two columns",
            )
        for q in sorted(req[pid] - exc[pid]):
            if pid in exc.get(q, ()):
                log.add(
                    p.file,
                    p.row(i),
                    "requires",
                    q,
                    f"project '{pid}' requires '{q}', but '{q}' excludes '{pid}', so '{pid}' can never be "
                    "funded; remove the requirement or the exclusion",
                )
    # must=in: everything it (transitively) requires must be fundable together
    must_in = [pid for pid in ids if must.get(pid) == "in"]
    for pid in must_in:
        closure: dict[str, str | None] = {pid: None}
        queue = deque([pid])
        while queue:
            v = queue.popleft()
            for w in sorted(req.get(v, ())):
                if w in req and w not in closure:
                    closure[w] = v
                    queue.append(w)

        def chain(w: str, closure: dict[str, str | None] = closure) -> str:
            path = [w]
            while closure[path[-1]] is not None:
                path.append(closure[path[-1]])  # type: ignore[arg-type]
            return " → ".join(reversed(path))

        for w in closure:
            if w != pid and must.get(w) == "out":
                log.add(
                    p.file,
                    row_of[pid],
                    "must",
                    "in",
                    f"project '{pid}' is must=in but requires '{w}' ({chain(w)}), which is must=out; "
                    "change one of the two must values",
                )
    # two must=in projects that exclude each other, or a must=in whose requirements exclude each other
    reported: set[frozenset[str]] = set()
    for a_i, a in enumerate(must_in):
        for b in must_in[a_i + 1 :]:
            if excluded(a, b):
                reported.add(frozenset((a, b)))
                log.add(
                    p.file,
                    row_of[b],
                    "must",
                    "in",
                    f"projects '{a}' and '{b}' are both must=in but one excludes the other; "
                    "change one must value or remove the exclusion",
                )


# ----------------------------------------------------------------------------- policy


def policy_checks(
    policy: Policy,
    tables: Tables,
    file: str,
    rows: Mapping[str, int],
    log: IssueLog,
) -> None:
    """Cross-check policy keys against the case tables."""

    def row(path: str) -> int | None:
        while path:
            if path in rows:
                return rows[path]
            path = path.rpartition(".")[0]
        return None

    goods = tables["goods"]
    # without an id column every good reference would be "unknown": that is reported once already
    good_ids: set[str] | None = set(goods.df["id"]) if goods.usable("id") else None
    p = tables.get("projects")
    allowed: dict[str, set[str] | None] = {
        "domain": set(DOMAINS),
        "sector": set(SECTORS),
        "instrument": set(INSTRUMENTS),
        "good": good_ids,
        "specified_critical": {"true", "false"},
        "ministry": None,
    }
    ministries: set[str] = set(goods.df["ministry"]) if "ministry" in goods.present else set()
    if p is not None and "ministry" in p.present:
        ministries |= set(p.df["ministry"])
    ministries.discard("")
    allowed["ministry"] = ministries or None
    for k, lim in enumerate(policy.limits):
        ok = allowed.get(lim.group)
        value = lim.value
        if lim.group == "specified_critical":
            value = str(value).lower()
        if ok is not None and value not in ok:
            where = {"good": "goods.csv ids", "ministry": "the ministry columns"}.get(
                lim.group, "the allowed values"
            )
            listed = ", ".join(sorted(ok)) if len(ok) <= 30 else f"{len(ok)} values"
            log.add(
                file,
                row(f"limits.{k}.value"),
                f"limits.{k}.value",
                lim.value,
                f"limit on {lim.group} '{lim.value}' matches nothing: not among {where} ({listed}); "
                "correct the value",
            )
    for g in policy.stockpile.target_days_by_good if good_ids is not None else ():
        if g not in good_ids:
            log.add(
                file,
                row(f"stockpile.target_days_by_good.{g}"),
                f"stockpile.target_days_by_good.{g}",
                g,
                f"unknown good '{g}' in stockpile.target_days_by_good: not an id in {goods.file}"
                f"{_suggest(str(g), sorted(good_ids))}; correct it or remove it",
            )
    cap = policy.stockpile.storage_capacity
    if isinstance(cap, dict) and good_ids is not None:
        for g in cap:
            if g not in good_ids:
                log.add(
                    file,
                    row(f"stockpile.storage_capacity.{g}"),
                    f"stockpile.storage_capacity.{g}",
                    g,
                    f"unknown good '{g}' in stockpile.storage_capacity: not an id in {goods.file}; "
                    "correct it or remove it",
                )
    years = {int(y) for y in policy.budget.years}
    if years and p is not None:
        cols = {int(COST_YEAR.match(c).group(1)): c for c in per_year_columns(p)}  # type: ignore[union-attr]
        for y in sorted(years - set(cols)):
            log.add(
                file,
                row(f"budget.years.{y}"),
                f"budget.years.{y}",
                y,
                f"budget year {y} has no cost_{y} column in {p.file}; add the column (cost per project "
                f"in {y}, 億円) or remove the year",
            )
        for y in sorted(set(cols) - years):
            log.add(
                p.file,
                1,
                cols[y],
                None,
                f"column {cols[y]} has no budget year {y} in {file} (budget.years); add the year's budget or "
                "remove the column",
            )
    if years:
        for k, lim in enumerate(policy.limits):
            if lim.year is not None and lim.year not in years:
                log.add(
                    file,
                    row(f"limits.{k}.year"),
                    f"limits.{k}.year",
                    lim.year,
                    f"limit year {lim.year} is not a budget year ({', '.join(map(str, sorted(years)))}); "
                    "correct it or add the year to budget.years",
                )
    if policy.scenarios is not None:
        s = tables.get("scenarios")
        known = set(s.df["id"]) if s is not None else set()
        for k, sid in enumerate(policy.scenarios):
            if sid not in known:
                log.add(
                    file,
                    row(f"scenarios.{k}"),
                    f"scenarios.{k}",
                    sid,
                    f"unknown scenario '{sid}': not an id in scenarios.csv; correct it or remove it",
                )


def counts_frame(tables: Mapping[str, TypedTable]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"table": k, "rows": len(t.df), "file": t.file, "encoding": t.encoding} for k, t in tables.items()]
    )

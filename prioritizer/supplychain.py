"""Supply-chain graph from ``links.csv``: upstream propagation and cut analysis.

``links.csv`` rows are ``good_id`` (the product), ``input_id`` (a good it needs) and
``intensity`` — the share of the product's inputs (by value or requirement) that
``input_id`` provides, on 0–1. The graph is a :class:`networkx.DiGraph` with edges
in the direction material moves: ``input_id → good_id``.

Propagation follows the Leontief input–output logic (Miller R.E. & Blair P.D. (2009),
*Input–Output Analysis: Foundations and Extensions*, 2nd ed., Cambridge UP, ch. 2 —
the total-requirement recursion ``x = d + A x`` solved along a topological order,
which equals ``(I − A)⁻¹ d`` on an acyclic graph):

* **Exposure (upstream → product).** A product's supply is exposed through its own
  import sourcing and, for the part made at home, through its inputs::

      E*(g) = E(g) + (1 − IR(g)) × Σ_i a_gi × E*(i)

  ``E`` is the product's own foreign dependence (IR × concern-weighted concentration,
  so ``E ≤ IR``) and ``1 − IR`` the domestically produced share; with Σ_i a_gi ≤ 1
  the result stays on 0–1. Unknown IR is taken as 0 (all made at home: the
  conservative choice, every input passes through); the result is clipped to 1.
* **Importance (product → inputs).** An input is as important as what needs it::

      I*(i) = I(i) + Σ_g a_gi × I*(g)

  the Leontief quantity model with final demand weighted by the products'
  importance. Unknown own importance counts as 0; an input nobody uses keeps I(i).
* **Cut analysis.** If ``x`` is cut, every product downstream of ``x`` is affected;
  its requirement of ``x`` is ``R(g) = Σ_i a_gi × R(i)`` with ``R(x) = 1`` (the sum
  over all paths of the product of intensities, the Leontief total-requirement
  coefficient), listed with the paths.

Per product, intensities summing above 1 are rescaled to sum to 1 (noted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice

import networkx as nx
import numpy as np
import pandas as pd

from prioritizer.case.types import Case
from prioritizer.errors import InputError, Issue

LINKS_FILE = "links.csv"
#: at most this many paths are listed per affected product
DEFAULT_MAX_PATHS = 20


@dataclass
class SupplyChain:
    graph: nx.DiGraph
    order: list[str]  # topological order: inputs before the products that need them
    notes: list[str] = field(default_factory=list)

    def inputs_of(self, product: str) -> list[str]:
        return sorted(self.graph.predecessors(product))

    def products_of(self, good: str) -> list[str]:
        return sorted(self.graph.successors(good))


def build_graph(links: pd.DataFrame, goods_ids: list[str] | pd.Index) -> SupplyChain:
    """Validate ``links.csv`` and build the graph; every problem raised at once.

    Problems: missing columns, ids not in goods.csv, a good linked to itself,
    repeated links, non-numeric or negative intensity, and cycles (each named as
    ``a → b → a`` with the row of one of its links).
    """
    f = LINKS_FILE
    issues: list[Issue] = [
        Issue(f, 1, c, None, f"column '{c}' is missing; add it to the header row")
        for c in ("good_id", "input_id", "intensity")
        if c not in links.columns
    ]
    if issues:
        raise InputError(issues)
    known = set(map(str, goods_ids))
    g = nx.DiGraph()
    g.add_nodes_from(sorted(known))
    edge_row: dict[tuple[str, str], int] = {}
    for pos, (prod, inp, inten) in enumerate(
        zip(links["good_id"], links["input_id"], links["intensity"], strict=True)
    ):
        row = pos + 2
        p, i = str(prod).strip(), str(inp).strip()
        ok = True
        for col, val in (("good_id", p), ("input_id", i)):
            if val not in known:
                issues.append(
                    Issue(
                        f,
                        row,
                        col,
                        val,
                        f"'{col}' is not listed in goods.csv; add the good or correct the id",
                    )
                )
                ok = False
        try:
            a = float(inten)
        except (TypeError, ValueError):
            a = float("nan")
        if not np.isfinite(a) or a < 0:
            issues.append(
                Issue(
                    f,
                    row,
                    "intensity",
                    inten if not isinstance(inten, float) or np.isfinite(inten) else None,
                    "'intensity' must be a number ≥ 0 (the input's share of the product's inputs, 0–1)",
                )
            )
            ok = False
        if ok and p == i:
            issues.append(
                Issue(f, row, "input_id", i, "a good cannot be an input of itself; remove this link")
            )
            ok = False
        if ok and (i, p) in edge_row:
            issues.append(
                Issue(
                    f,
                    row,
                    "input_id",
                    i,
                    f"link {i} → {p} already given on row {edge_row[(i, p)]}; keep one row (sum the intensities)",
                )
            )
            ok = False
        if ok:
            g.add_edge(i, p, intensity=a)
            edge_row[(i, p)] = row
    for comp in nx.strongly_connected_components(g):
        if len(comp) < 2:
            continue
        cyc = nx.find_cycle(g.subgraph(comp))
        names = [u for u, _ in cyc] + [cyc[0][0]]
        first = min(edge_row[(u, w)] for u, w in cyc)
        issues.append(
            Issue(
                f,
                first,
                "input_id",
                " → ".join(names),
                f"cycle in the supply chain: {' → '.join(names)} (each needs the next as an input); "
                "remove one of these links",
            )
        )
    if issues:
        raise InputError(issues)
    notes: list[str] = []
    for prod in sorted(g.nodes):
        preds = list(g.predecessors(prod))
        tot = sum(g.edges[u, prod]["intensity"] for u in preds)
        if tot > 1.0 + 1e-9:
            for u in preds:
                g.edges[u, prod]["intensity"] /= tot
            notes.append(f"{prod}: input intensities sum to {tot:.3g} > 1; rescaled to sum to 1")
    order = list(nx.lexicographical_topological_sort(g))
    return SupplyChain(graph=g, order=order, notes=notes)


def from_case(case: Case) -> SupplyChain | None:
    if case.links is None or len(case.links) == 0:
        return None
    return build_graph(case.links, case.goods["id"].astype(str).str.strip().tolist())


def propagate_exposure(
    sc: SupplyChain, own: pd.DataFrame, import_reliance: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``E*(g) = E(g) + (1 − IR(g)) Σ_i a_gi E*(i)`` for every column (e.g. month) at once.

    ``own`` and ``import_reliance``: DataFrames indexed by good id (rows missing or
    NaN: own exposure 0, IR 0). Returns the propagated values, same shape as ``own``
    reindexed to every node, clipped to [0, 1].
    """
    nodes = sc.order
    e = own.reindex(nodes).to_numpy(dtype=float)
    e = np.nan_to_num(e, nan=0.0)
    if import_reliance is not None:
        ir = np.nan_to_num(
            import_reliance.reindex(index=nodes, columns=own.columns).to_numpy(dtype=float), nan=0.0
        )
    else:
        ir = np.zeros_like(e)
    pos = {n: k for k, n in enumerate(nodes)}
    total = e.copy()
    for n in nodes:  # inputs come first, so their totals are final when used
        preds = list(sc.graph.predecessors(n))
        if not preds:
            continue
        inh = sum(sc.graph.edges[u, n]["intensity"] * total[pos[u]] for u in preds)
        total[pos[n]] = e[pos[n]] + (1.0 - ir[pos[n]]) * inh
    return pd.DataFrame(np.clip(total, 0.0, 1.0), index=pd.Index(nodes, name="good_id"), columns=own.columns)


def propagate_importance(sc: SupplyChain, own: pd.Series) -> pd.Series:
    """``I*(i) = I(i) + Σ_g a_gi I*(g)`` (products before their inputs)."""
    total = own.reindex(sc.order).fillna(0.0).astype(float).to_dict()
    for n in reversed(sc.order):
        succ = list(sc.graph.successors(n))
        if succ:
            total[n] = total[n] + sum(sc.graph.edges[n, s]["intensity"] * total[s] for s in succ)
    return pd.Series(total, name="inherited_importance").rename_axis("good_id")


def exposure_if_cut(sc: SupplyChain, good: str, *, max_paths: int = DEFAULT_MAX_PATHS) -> pd.DataFrame:
    """Products affected if ``good`` is cut: requirement share, depth and paths.

    Sorted by requirement (descending), then depth, then id.
    """
    if good not in sc.graph:
        raise InputError([Issue("--cut", None, "good_id", good, "unknown good id; use an id from goods.csv")])
    down = nx.descendants(sc.graph, good)
    req = {good: 1.0}
    for n in sc.order:
        if n in down:
            req[n] = sum(
                sc.graph.edges[u, n]["intensity"] * req[u] for u in sc.graph.predecessors(n) if u in req
            )
    depth = nx.single_source_shortest_path_length(sc.graph, good)
    rows = []
    for n in down:
        it = nx.all_simple_paths(sc.graph, good, n)
        paths = [" → ".join(p) for p in islice(it, max_paths + 1)]
        truncated = len(paths) > max_paths
        rows.append(
            {
                "good_id": n,
                "depth": int(depth[n]),
                "requirement": float(req[n]),
                "direct": sc.graph.has_edge(good, n),
                "n_paths": len(paths[:max_paths]),
                "paths_truncated": truncated,
                "paths": paths[:max_paths],
            }
        )
    df = pd.DataFrame(
        rows, columns=["good_id", "depth", "requirement", "direct", "n_paths", "paths_truncated", "paths"]
    )
    if len(df):
        df = df.sort_values(
            ["requirement", "depth", "good_id"], ascending=[False, True, True], kind="mergesort"
        )
    return df.reset_index(drop=True)

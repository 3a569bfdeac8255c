"""Synthetic case generator (``prioritizer generate``, issue 10 item 1).

Checked here: byte-for-byte reproducibility by seed; sizes honoured; the generated
case passes the case loader (small and medium sizes, and the degenerate sizes);
every reference resolves and links / requires have no cycle; distribution properties
(supplier concentration, criteria correlation, rising concern shares) recomputed
independently from the written CSV files; the policy is consistent with the projects.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from prioritizer.case import load_case
from prioritizer.case.policy import Policy
from prioritizer.errors import InputError
from prioritizer.generate import (
    LATENT_CORR,
    MAX_SUPPLIERS,
    generate_case,
    generate_frames,
    source_label,
)

SMALL = {"goods": 40, "projects": 30, "scenarios": 12, "partners": 15, "months": 24}
MEDIUM = {"goods": 600, "projects": 300, "scenarios": 40, "partners": 60, "months": 36}


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, keep_default_na=False, na_values=[""], dtype={"period": str})


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "medium"
    generate_case(out, seed=11, **MEDIUM)
    return out


# ----------------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    generate_case(tmp_path / "a", seed=7, **SMALL)
    generate_case(tmp_path / "b", seed=7, **SMALL)
    generate_case(tmp_path / "c", seed=8, **SMALL)
    a, b, c = (_digests(tmp_path / x) for x in "abc")
    assert set(a) == {
        "goods.csv",
        "countries.csv",
        "flows.csv",
        "projects.csv",
        "scenarios.csv",
        "links.csv",
        "policy.yaml",
    }
    assert a == b
    for f in a:
        assert a[f] != c[f], f"{f} did not change with the seed"


def test_changing_projects_leaves_goods_and_flows_unchanged(tmp_path: Path) -> None:
    generate_case(tmp_path / "a", seed=3, **SMALL)
    generate_case(tmp_path / "b", seed=3, **{**SMALL, "projects": 5, "scenarios": 3})
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    for f in ("goods.csv", "countries.csv", "flows.csv", "links.csv"):
        assert a[f] == b[f], f
    assert a["projects.csv"] != b["projects.csv"]


# ----------------------------------------------------------------------------- sizes and loader


def test_sizes_honoured_and_small_case_loads(tmp_path: Path) -> None:
    counts = generate_case(tmp_path, seed=1, start_period="2023-04", **SMALL)
    case = load_case(tmp_path)
    assert case.counts() == counts
    assert len(case.goods) == SMALL["goods"]
    assert len(case.projects) == SMALL["projects"]
    assert len(case.scenarios) == SMALL["scenarios"]
    assert len(case.countries) == SMALL["partners"]
    periods = sorted(case.flows["period"].unique())
    assert len(periods) == SMALL["months"]
    assert periods[0] == "2023-04" and periods[-1] == "2025-03"
    # budget years follow the last flow month (2025) and match the cost_<year> columns
    assert sorted(case.policy.budget.years) == [2026, 2027, 2028]
    assert [c for c in case.projects.columns if c.startswith("cost_")] == [
        "cost_2026",
        "cost_2027",
        "cost_2028",
    ]


def test_medium_case_loads_without_issues(medium: Path) -> None:
    case = load_case(medium)
    assert case.counts()["goods"] == MEDIUM["goods"]
    assert case.counts()["projects"] == MEDIUM["projects"]
    assert case.counts()["flows"] > MEDIUM["goods"] * 3 * MEDIUM["months"] * 0.8


@pytest.mark.parametrize(
    "sizes",
    [
        {"goods": 1},
        {"goods": 5, "partners": 3, "months": 0, "projects": 2, "scenarios": 2},
        {"goods": 5, "partners": 0, "months": 12, "scenarios": 3},
        {"goods": 4, "partners": 1, "months": 1, "projects": 3, "scenarios": 4},
        {"goods": 30, "partners": 400, "months": 2, "projects": 0, "scenarios": 5},
    ],
)
def test_degenerate_sizes_load(tmp_path: Path, sizes: dict[str, int]) -> None:
    counts = generate_case(tmp_path, seed=5, **sizes)
    case = load_case(tmp_path)
    assert case.counts() == counts
    assert ("flows" in counts) == bool(sizes.get("partners") and sizes.get("months"))
    assert ("projects" in counts) == bool(sizes.get("projects"))
    if case.scenarios is not None and case.flows is None:
        assert (case.scenarios["partner"] == "").all()  # nothing to cut by partner without flows
    assert case.policy is not None and (case.policy.budget.total or 0) > 0


# ----------------------------------------------------------------------------- references and cycles


def test_references_resolve_and_graphs_are_acyclic(medium: Path) -> None:
    goods = _read(medium, "goods.csv")
    countries = _read(medium, "countries.csv")
    flows = _read(medium, "flows.csv")
    projects = _read(medium, "projects.csv").fillna({"requires": "", "excludes": "", "must": ""})
    scenarios = _read(medium, "scenarios.csv").fillna({"good_id": "", "partner": ""})
    links = _read(medium, "links.csv")
    gids, pids, iso = set(goods["id"]), set(projects["id"]), set(countries["iso3"])
    assert goods["id"].is_unique and projects["id"].is_unique and scenarios["id"].is_unique
    assert set(flows["good_id"]) <= gids and set(flows["partner"]) <= iso
    assert not flows.duplicated(["good_id", "partner", "period"]).any()
    assert (flows["value"] > 0).all()
    assert set(projects["good_id"]) <= gids
    assert set(links["good_id"]) <= gids and set(links["input_id"]) <= gids
    assert countries["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    # every scenario cuts exactly one thing; partner cuts name a country that supplied in the latest year
    assert ((scenarios["good_id"] != "") ^ (scenarios["partner"] != "")).all()
    assert set(scenarios["good_id"]) - {""} <= gids
    last12 = sorted(flows["period"].unique())[-12:]
    recent_partners = set(flows.loc[flows["period"].isin(last12), "partner"])
    assert set(scenarios["partner"]) - {""} <= recent_partners
    assert (scenarios["partner"] != "").sum() > 0 and (scenarios["good_id"] != "").sum() > 0
    assert scenarios["probability"].between(0, 1).all() and scenarios["loss"].between(0, 1).all()

    links_graph = nx.DiGraph(zip(links["good_id"], links["input_id"], strict=True))
    assert nx.is_directed_acyclic_graph(links_graph)
    assert not any(a == b for a, b in links_graph.edges)

    req = [
        (p, r) for p, rs in zip(projects["id"], projects["requires"], strict=True) for r in rs.split(";") if r
    ]
    exc = [
        (p, e) for p, es in zip(projects["id"], projects["excludes"], strict=True) for e in es.split(";") if e
    ]
    assert req and exc, "the medium case should exercise both requires and excludes"
    assert {r for _, r in req} <= pids and {e for _, e in exc} <= pids
    assert nx.is_directed_acyclic_graph(nx.DiGraph(req))
    good_of = dict(zip(projects["id"], projects["good_id"], strict=True))
    assert all(good_of[a] == good_of[b] for a, b in req + exc)
    # no contradiction: an excluded project takes no part in any requirement
    in_req = {x for pair in req for x in pair}
    assert not {x for pair in exc for x in pair} & in_req
    must = dict(zip(projects["id"], projects["must"], strict=True))
    assert not any(must[a] == "in" and must[b] == "in" for a, b in exc)


def test_every_row_carries_the_source(medium: Path) -> None:
    label = source_label(11)
    assert label == "synthetic (prioritizer generate, seed 11)"
    for name in ("goods", "countries", "flows", "projects", "scenarios", "links"):
        df = _read(medium, f"{name}.csv")
        assert (df["source"] == label).all(), name


# ----------------------------------------------------------------------------- distributions


def test_supplier_concentration_is_skewed(medium: Path) -> None:
    """HHI of each good's imports over the latest 12 months, recomputed from flows.csv.

    Plausible range: real import HHIs of critical goods spread from ~0.1 to 1; the
    generator should give a mean in 0.2–0.6 and a tail of goods dominated by one
    country (top share > 0.8), never a uniform spread.
    """
    flows = _read(medium, "flows.csv")
    last12 = sorted(flows["period"].unique())[-12:]
    v = flows[flows["period"].isin(last12)].groupby(["good_id", "partner"])["value"].sum()
    share = v / v.groupby(level=0).transform("sum")
    hhi = (share**2).groupby(level=0).sum()
    top1 = share.groupby(level=0).max()
    n_partners = flows.groupby("good_id")["partner"].nunique()
    assert 0.2 <= hhi.mean() <= 0.6
    assert (top1 > 0.8).mean() >= 0.03
    assert (top1 < 0.4).mean() >= 0.1  # and some well-diversified goods
    assert n_partners.min() >= 1 and n_partners.max() <= MAX_SUPPLIERS
    assert 5 <= n_partners.mean() <= 15


def test_criteria_are_correlated_as_designed(medium: Path) -> None:
    g = _read(medium, "goods.csv")
    rho = g[["foreign_dependence", "autonomy", "substitutability", "importance"]].corr(method="spearman")
    assert rho.loc["foreign_dependence", "autonomy"] < -0.4
    assert rho.loc["foreign_dependence", "substitutability"] < 0
    assert rho.loc["foreign_dependence", "importance"] > 0
    for col in ("autonomy", "indispensability", "foreign_dependence", "substitutability", "eol_rir"):
        assert g[col].between(0, 1).all(), col
    assert g["importance"].between(1, 5).all()
    assert (g["securing_cost"] > 0).all()
    # lognormal securing cost: right-skewed (mean well above median)
    assert g["securing_cost"].mean() > 1.3 * g["securing_cost"].median()
    assert set(g["domain"]) == {"disruptive", "advantage", "dependence"}
    assert 0.05 <= g["stockpilable"].mean() <= 0.5
    assert ((g["annual_demand"] > 0) & (g["unit_price"] > 0)).all()


def test_foreign_dependence_column_matches_its_definition_on_the_flows(medium: Path) -> None:
    """goods.foreign_dependence = IR × (c + (1 − c) HHI) over the latest 12 months of flows.csv,

    with the EC (2017) import reliance IR = (M − X) / (D + M − X), M annual imports,
    D = domestic_production, X = exports (the definition the indicators use).
    """
    g = _read(medium, "goods.csv").set_index("id")
    flows = _read(medium, "flows.csv")
    concern = _read(medium, "countries.csv").set_index("iso3")["concern"]
    last12 = sorted(flows["period"].unique())[-12:]
    v = flows[flows["period"].isin(last12)].groupby(["good_id", "partner"])["value"].sum()
    m = v.groupby(level=0).sum()
    share = v / v.groupby(level=0).transform("sum")
    hhi = (share**2).groupby(level=0).sum()
    c = (share * share.index.get_level_values(1).map(concern).to_numpy()).groupby(level=0).sum()
    net = m - g.loc[m.index, "exports"]
    ir = net / (g.loc[m.index, "domestic_production"] + net)
    fd = ir * (c + (1 - c) * hhi)
    # the CSV rounds values to 1e-4 億円 and the column to 3 decimals
    np.testing.assert_allclose(g.loc[m.index, "foreign_dependence"], fd, atol=2e-3)


def test_some_goods_see_their_concern_share_rise(medium: Path) -> None:
    flows = _read(medium, "flows.csv")
    concern = _read(medium, "countries.csv").set_index("iso3")["concern"]
    flows["c"] = flows["value"] * flows["partner"].map(concern)
    per = flows.groupby(["good_id", "period"])[["c", "value"]].sum()
    cs = (per["c"] / per["value"]).unstack()
    rise = cs.iloc[:, -6:].mean(axis=1) - cs.iloc[:, :6].mean(axis=1)
    assert (rise > 0.15).mean() >= 0.02
    assert abs(rise.median()) < 0.05  # most goods are stable


def test_copula_correlation_matrix_is_a_correlation_matrix() -> None:
    assert np.allclose(LATENT_CORR, LATENT_CORR.T)
    assert np.allclose(np.diag(LATENT_CORR), 1)
    assert np.linalg.eigvalsh(LATENT_CORR).min() > 0


# ----------------------------------------------------------------------------- policy and projects


def test_policy_is_consistent_with_the_projects(medium: Path) -> None:
    import yaml

    raw = yaml.safe_load((medium / "policy.yaml").read_text(encoding="utf-8"))
    policy = Policy.model_validate(raw)
    p = _read(medium, "projects.csv").fillna({"excludes": "", "must": ""})
    years = sorted(policy.budget.years)
    cols = [f"cost_{y}" for y in years]
    np.testing.assert_allclose(p[cols].sum(axis=1), p["cost"], atol=0.011)
    assert 0.5 <= policy.budget.total / p["cost"].sum() <= 0.6
    for y, c in zip(years, cols, strict=True):
        assert 0.5 <= policy.budget.years[y] / p[c].sum() <= 0.6
    assert policy.budget.total == pytest.approx(sum(policy.budget.years.values()), abs=0.05)
    assert len(policy.limits) >= 2
    goods = _read(medium, "goods.csv").set_index("id")
    dom = p["good_id"].map(goods["domain"])
    for lim in policy.limits:
        if lim.min is not None:  # a floor must be reachable by projects that may be funded
            sel = (dom == lim.value) & (p["must"] != "out") & (p["excludes"] == "")
            assert lim.min <= p.loc[sel, "cost"].sum()
            assert lim.min <= 0.25 * policy.budget.total
    must_in = p["must"] == "in"
    for y, c in zip(years, cols, strict=True):
        assert p.loc[must_in, c].sum() <= 0.05 * policy.budget.years[y] + 1e-9
    div = p["divisible"]
    assert div.any() and (~div).any()
    assert p.loc[div, "min_fraction"].between(0, 1).all() and p.loc[~div, "min_fraction"].isna().all()
    stock = set(goods.index[goods["stockpilable"]])
    assert set(policy.stockpile.target_days_by_good) <= stock
    assert set(p.loc[p["instrument"] == "stockpile", "good_id"]) <= stock


def test_generated_case_allocates(tmp_path: Path) -> None:
    """End-to-end: the policy's floors, caps and per-year budgets admit a solution."""
    from prioritizer.allocation.api import allocate

    generate_case(tmp_path, seed=2, **SMALL)
    res = allocate(load_case(tmp_path), explain=False)
    assert res.status == "optimal"


# ----------------------------------------------------------------------------- errors and CLI


def test_bad_options_reported_together_and_nothing_written(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        generate_case(tmp_path / "x", goods=0, partners=5000, months=-1, seed=1, start_period="2024-13")
    cols = {i.column for i in e.value.issues}
    assert cols == {"--goods", "--partners", "--months", "--start"}
    assert not (tmp_path / "x").exists()


def test_refuses_to_overwrite_a_case_without_force(tmp_path: Path) -> None:
    generate_case(tmp_path, goods=5, seed=1)
    before = _digests(tmp_path)
    with pytest.raises(InputError, match="problem"):
        generate_case(tmp_path, goods=6, seed=2)
    assert _digests(tmp_path) == before
    generate_case(tmp_path, goods=6, seed=2, partners=3, months=2, overwrite=True)
    assert len(_read(tmp_path, "goods.csv")) == 6
    # replaced, not merged: a later run without flows removes the old flows.csv
    generate_case(tmp_path, goods=6, seed=2, overwrite=True)
    assert not (tmp_path / "flows.csv").exists()
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(f".{tmp_path.name}.")]


def test_in_memory_frames_equal_the_files(tmp_path: Path) -> None:
    syn = generate_frames(seed=4, **SMALL)
    generate_case(tmp_path, seed=4, **SMALL)
    flows = _read(tmp_path, "flows.csv")
    assert len(flows) == len(syn.flows)
    np.testing.assert_array_equal(flows["value"].to_numpy(), syn.flows["value"].to_numpy())
    assert (flows["good_id"].to_numpy() == syn.flows["good_id"].astype(str).to_numpy()).all()
    goods = _read(tmp_path, "goods.csv")
    np.testing.assert_array_equal(goods["autonomy"].to_numpy(), syn.goods["autonomy"].to_numpy())


def test_cli_generate_prints_counts(tmp_path: Path) -> None:
    from prioritizer.cli import app

    runner = CliRunner()
    args = ["generate", str(tmp_path / "c"), "--goods", "20", "--projects", "8", "--scenarios", "4"]
    res = runner.invoke(app, [*args, "--partners", "6", "--months", "12", "--seed", "9", "--format", "json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["counts"]["goods"] == 20 and payload["counts"]["projects"] == 8
    assert payload["source"] == "synthetic (prioritizer generate, seed 9)"
    assert load_case(tmp_path / "c").counts() == payload["counts"]
    again = runner.invoke(app, [*args, "--no-audit"])
    assert again.exit_code == 2 and "--force" in again.output
    bad = runner.invoke(app, ["generate", str(tmp_path / "d"), "--partners", "2000"])
    assert bad.exit_code == 2 and "--partners" in bad.output


def test_to_case_equals_loading_the_written_files(tmp_path: Path) -> None:
    syn = generate_frames(seed=6, **SMALL)
    generate_case(tmp_path, seed=6, **SMALL)
    loaded, built = load_case(tmp_path), syn.to_case(tmp_path)
    for name in ("goods", "countries", "flows", "projects", "scenarios", "links"):
        pd.testing.assert_frame_equal(built.table(name), loaded.table(name), obj=name)
    assert built.policy == loaded.policy


def test_flows_without_source_column_still_load(tmp_path: Path) -> None:
    generate_case(tmp_path / "a", seed=2, **SMALL)
    generate_case(tmp_path / "b", seed=2, flow_source=False, **SMALL)
    a, b = _read(tmp_path / "a", "flows.csv"), _read(tmp_path / "b", "flows.csv")
    assert list(b.columns) == ["good_id", "partner", "period", "value"]
    pd.testing.assert_frame_equal(a.drop(columns="source"), b)
    assert load_case(tmp_path / "b").counts() == load_case(tmp_path / "a").counts()

"""The structured joint solve (master + exact stock curves + polish) against the PuLP reference (issue 14).

On generated cases the general PuLP model solves — partner-based and good-based scenarios,
capacity projects, three budget years, floors and caps that count stock spending, soft and
hard targets — the structured path (:mod:`prioritizer.allocation.joint`) must give the same
status, the same objective within the MIP gap, the same funded set or an equal objective,
a proven gap no larger than the one asked for, a point that passes the re-check of every
row of the full model, and the same fixed-LP price on every coupling row whose price is
unique in the reference (two-sided rhs range around the rhs).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from prioritizer.allocation.api import allocate_data, prepare
from prioritizer.allocation.arrays import build_arrays
from prioritizer.allocation.curves import compress as _compress
from prioritizer.allocation.curves import split_model as _split
from prioritizer.allocation.joint import solve_joint
from prioritizer.generate import generate_frames
from tests._allocation_cases import vary_policy

COUPLING = ("budget", "limit", "storage")
GAP = 1e-7


def _case(seed: int):
    rng = np.random.default_rng(seed)
    sc = generate_frames(
        goods=int(rng.integers(10, 50)),
        projects=int(rng.integers(5, 40)),
        scenarios=int(rng.integers(3, 14)),
        partners=int(rng.integers(3, 9)),
        months=24,
        seed=seed,
    ).to_case()
    return vary_policy(sc, seed)


def _pair(seed: int):
    data, _ = prepare(_case(seed))
    a = allocate_data(data, explain="prices", backend="pulp", gap=GAP)
    b = allocate_data(data, explain="prices", backend="structured", gap=GAP)
    return data, a, b


@pytest.mark.parametrize("seed", range(60))
def test_structured_solve_has_the_general_models_optimum_funded_set_and_prices(seed: int) -> None:
    _data, a, b = _pair(seed)
    _same_answer(a, b)


@pytest.mark.parametrize("seed", [0, 7])
def test_the_result_is_plain_json_so_the_audit_writes_it_without_a_walk(seed: int) -> None:
    """No numpy scalar may leak into the payload: the audit's canonical JSON then has to walk the
    whole result in Python (0.5 s on the national case) instead of writing it in C."""
    import orjson

    _data, a, b = _pair(seed)
    for res in (a, b):
        orjson.dumps(res.to_json())  # raises TypeError on a numpy value or a non-str key


@pytest.mark.parametrize("wait_from", [0, 2])
@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_windowed_polish_and_structured_start_change_nothing(
    seed: int, wait_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The national-scale shortcuts, forced on small cases: a one-segment window around each class's
    stock value in every exact LP (so the window must be proven by prices or widened) and the
    structured warm start, made beside every master — same optimum, funded set and prices as
    PuLP. With ``wait_from`` 0 the master waits for the start at HiGHS' first query, so every
    master takes it; with the default it takes it only if it is still at work after a cut round."""
    import prioritizer.allocation.joint as joint
    import prioritizer.allocation.subproblem as subproblem

    monkeypatch.setattr(subproblem, "WINDOW", 1)
    monkeypatch.setattr(joint, "WARM_START_FROM", 0)
    monkeypatch.setattr(joint, "WAIT_FROM_QUERY", wait_from)
    _data, a, b = _pair(seed)
    _same_answer(a, b)
    st = b.solver["structure"]
    if st is not None and wait_from == 0 and st["info"]["warm_start"]["found"]:
        assert st["info"]["warm_start"]["offered_at_query"] == 0


def test_the_master_waits_for_its_warm_start_only_after_a_cut_round_and_never_past_its_limit() -> None:
    """HiGHS' first two queries (after set-up, after the root LP) do not wait for a start still
    in the making; from the third on the master waits for it — but not past the caller's
    time limit, as HiGHS cannot stop while it waits in the callback. The point is handed over
    once."""
    import time

    from prioritizer.allocation.joint import WAIT_FROM_QUERY, _StartBeside

    assert WAIT_FROM_QUERY == 2
    late = _StartBeside(deadline=time.perf_counter() + 0.05)  # never made: the limit ends the wait
    assert late.offer(0) is None and late.offer(1) is None and not late.answered
    t = time.perf_counter()
    assert late.offer(2) is None
    assert 0.04 <= time.perf_counter() - t < 1.0 and late.answered and late.offered_at is None
    assert late.offer(3) is None  # answered once: no second wait

    ready = _StartBeside()
    ready.point = np.array([1.0, 0.0])
    ready.ready.set()
    assert ready.offer(0) is not None and ready.offered_at == 0  # ready early: taken at once
    assert ready.offer(1) is None


def test_a_point_supplied_while_the_solve_runs_becomes_its_first_incumbent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """max 5a + 4b + 3c  s.t.  2a + 3b + c ≤ 5,  a, b, c ∈ {0, 1}: by hand the optimum is 9 at
    (1, 1, 0). The point (0, 0, 1), worth 3, is handed over at HiGHS' first query (after its
    set-up, before any heuristic of its own): the first incumbent line of HiGHS' log is a user
    solution ("X") worth 3, and the solve still ends at 9. Presolve is off, or it would solve
    the problem before the MIP solver asks."""
    import scipy.sparse as sps

    import prioritizer.allocation.subproblem as subproblem
    from prioritizer.allocation.subproblem import Sub, run

    log: list[str] = []
    highs_of = subproblem.highs_of

    def recording(model: Any, *, mip: bool) -> Any:
        h = highs_of(model, mip=mip)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("output_flag", True)  # the log, to the callback only
        h.setOptionValue("log_to_console", False)
        h.cbLogging.subscribe(lambda e: log.append(e.message))
        return h

    monkeypatch.setattr(subproblem, "highs_of", recording)
    asked: list[int] = []

    def supply(n: int) -> np.ndarray | None:
        asked.append(n)
        return np.array([0.0, 0.0, 1.0]) if n == 0 else None

    knapsack = Sub(
        A=sps.csr_matrix(np.array([[2.0, 3.0, 1.0]])),
        cost=np.array([5.0, 4.0, 3.0]),
        col_lo=np.zeros(3),
        col_hi=np.ones(3),
        row_lo=np.array([-np.inf]),
        row_hi=np.array([5.0]),
        integer=np.ones(3, dtype=bool),
    )
    h = run(knapsack, mip=True, offset=0.0, time_limit=None, gap=0.0, supply=supply)
    assert asked[0] == 0
    # display lines: source letter, nodes, queue, leaves, explored, best bound, best solution, …
    lines = [line.split() for line in log]
    found = [w for w in lines if len(w) > 6 and len(w[0]) == 1 and w[0].isalpha() and w[1].isdigit()]
    assert found[0][0] == "X" and float(found[0][6]) == pytest.approx(3.0)
    assert h.getInfo().objective_function_value == pytest.approx(9.0)
    assert np.asarray(h.getSolution().col_value) == pytest.approx([1.0, 1.0, 0.0])


def test_a_window_is_accepted_only_when_the_prices_prove_it() -> None:
    """Hand-made class: rates 5, 4, 3, 2, 1 per 億円, one column kept (the window), class price
    τ = 3 (= the window column's rate − its reduced cost). Optimal iff every segment before the
    window has rate ≥ τ (held full) and every one after has rate ≤ τ (held empty)."""
    from types import SimpleNamespace

    from prioritizer.allocation.curves import CurveClass
    from prioritizer.allocation.subproblem import window_ok

    rates = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    c = CurveClass(np.array([1.0]), np.arange(5), np.ones(5), rates)
    sp_ = SimpleNamespace(classes=[c])
    span = [np.array([0])]

    def ok(j: int) -> bool:  # window = segment j alone, τ = 3
        sub = SimpleNamespace(cost=np.array([rates[j]]))
        h = SimpleNamespace(getSolution=lambda: SimpleNamespace(col_dual=[rates[j] - 3.0]))
        return window_ok(sub, sp_, span, [(j, j + 1)], h)  # type: ignore[arg-type]

    assert ok(2)  # 5, 4 full; 2, 1 empty
    assert ok(1) and ok(3)  # a tie at the edge (rate 3 = τ) is optimal either way
    assert not ok(0)  # rate 4 > τ left empty
    assert not ok(4)  # rate 2 < τ held full


def test_coupling_aggregation_keeps_the_hand_computed_optimum() -> None:
    """max 3 q1 + 5 q2 + q3 + 5 x  s.t.  q1 ≤ 4,  q2 + x ≤ 3,  q3 + 5 x ≤ 5  (own rows),
    q1 + 2 q2 + q3 + 3 x ≤ 10,  2 q1 + 4 q2 ≤ 12  (coupling rows),  q ≥ 0,  x ∈ {0, 1}.

    By hand: x = 1 leaves q3 = 0 and q1 + 2 q2 ≤ 6, where q1 earns 3 and q2 2.5 per unit,
    so q1 = 4, q2 = 1: 12 + 5 + 5 = 22; x = 0 gives at most 12 + 5 + 4 = 21. q1 and q2 charge
    the coupling rows in the same proportion (1 : 2), q3 does not (1 : 0): two new columns."""
    import scipy.sparse as sps

    from prioritizer.allocation.subproblem import Sub, aggregate_coupling, run

    A = sps.csr_matrix(
        np.array(
            [
                [1, 0, 0, 0],
                [0, 1, 0, 1],
                [0, 0, 1, 5],
                [1, 2, 1, 3],
                [2, 4, 0, 0],
            ],
            dtype=float,
        )
    )
    inf = np.inf

    def sub() -> Sub:
        return Sub(
            A=A.copy(),
            cost=np.array([3.0, 5.0, 1.0, 5.0]),
            col_lo=np.zeros(4),
            col_hi=np.array([inf, inf, inf, 1.0]),
            row_lo=np.full(5, -inf),
            row_hi=np.array([4.0, 3.0, 5.0, 10.0, 12.0]),
            integer=np.array([False, False, False, True]),
        )

    agg = sub()
    aggregate_coupling(agg, np.array([3, 4]), 4)
    assert agg.A.shape == (7, 6)
    assert (agg.A[3:5, :3] != 0).nnz == 0  # the coupling rows now charge only x and the new columns
    for s in (sub(), agg):
        h = run(s, mip=True, offset=0.0, time_limit=None, gap=0.0)
        v = np.asarray(h.getSolution().col_value)
        assert h.getInfo().objective_function_value == pytest.approx(22.0)
        assert v[:4] == pytest.approx([4.0, 1.0, 0.0, 1.0])


def _same_answer(a: Any, b: Any) -> None:
    assert a.status == b.status
    if a.status != "optimal":
        return
    if b.solver["structure"] is None:  # an LP (no integer project): the general model ran
        assert b.solver["backend"] == "arrays"
    else:
        assert b.solver["path"].startswith("structured")
        assert b.solver["gap"] is not None and b.solver["gap"] <= GAP + 1e-12
    assert b.solver["verified"]
    tol = 1e-6 * (1 + abs(a.objective))
    assert b.objective == pytest.approx(a.objective, abs=tol)
    assert b.benefit == pytest.approx(a.benefit, abs=tol)
    if a.funded.keys() != b.funded.keys():
        assert math.isclose(a.objective, b.objective, rel_tol=1e-6, abs_tol=1e-6)
        return
    ca = {c["name"]: c for c in a.constraints}
    cb = {c["name"]: c for c in b.constraints}
    assert ca.keys() == cb.keys()
    for name, c in ca.items():
        if c["kind"] not in COUPLING or c["shadow_price"] is None:
            continue
        rng = c["rhs_range"]
        unique = not c["binding"] or (
            rng is not None
            and rng[0] is not None
            and rng[1] is not None
            and rng[0] < c["rhs"] - 1e-6 * (1 + abs(c["rhs"]))
            and rng[1] > c["rhs"] + 1e-6 * (1 + abs(c["rhs"]))
        )
        if unique:
            assert cb[name]["shadow_price"] == pytest.approx(c["shadow_price"], rel=1e-5, abs=1e-7), name
            assert cb[name]["price_from"] == "fixed_lp"


def test_partner_scenarios_couple_many_goods_and_the_decomposition_keeps_only_linked_rows() -> None:
    data, _ = prepare(_case(11))
    partner = [s for s in data.scenarios if len(s.affected) > 1]
    assert partner, "the case must have partner-based scenarios"
    model = build_arrays(data)
    sp_ = _split(model)
    linked = set(data.project_good[(data.capacity > 0) & (data.project_good >= 0)].tolist())
    kept_sf = sp_.keep_rows[sp_.keep_rows >= model.n_rules] - model.n_rules
    assert set(model.sf_good[kept_sf].tolist()) <= linked
    assert len(kept_sf) == int(np.isin(model.sf_good, list(linked)).sum())


def test_compressed_curve_error_bound_is_the_largest_gap_below_the_true_curve() -> None:
    """A concave curve with slopes 10, 9, …, 1 over unit segments, cut to chords."""
    from prioritizer.allocation.curves import CurveClass

    rates = np.arange(10.0, 0.0, -1.0)
    c = CurveClass(np.ones(1), np.zeros(10, dtype=np.int64), np.ones(10), rates)
    lengths, slopes, err = _compress(c, 2)  # 2m = 4 < 10 segments: compressed
    assert lengths.sum() == pytest.approx(10.0)
    V = np.r_[0.0, np.cumsum(np.ones(10))]
    F = np.r_[0.0, np.cumsum(rates)]
    chord = np.r_[0.0, np.cumsum(lengths * slopes)]
    ends = np.r_[0.0, np.cumsum(lengths)]
    below = F - np.interp(V, ends, chord)
    assert (below >= -1e-12).all()  # chords never above the curve (inner approximation)
    assert err == pytest.approx(below.max())
    # by hand: a chord over k unit segments of slopes r, r−1, …, r−k+1 misses the curve by at most
    # k²/8 (quarter of span × slope drop, attained at a breakpoint when k is even)
    assert err <= max(np.diff(np.r_[0.0, np.cumsum(lengths)])) ** 2 / 8 + 1e-12


def test_time_limit_returns_the_incumbent_with_its_gap_never_optimal() -> None:
    data, _ = prepare(_case(5))
    model = build_arrays(data)
    jr = solve_joint(model, time_limit=1e-6, gap=0.0)
    if jr is None:  # no incumbent within the limit: the caller falls back to the general model
        return
    o = jr.outcome
    if o.status == "optimal":
        assert o.mip_gap is not None and o.mip_gap <= 1e-12
    else:
        assert o.status == "time_limit" and o.mip_gap is not None and o.mip_gap > 0


def test_cli_allocate_runs_the_structured_solve_and_reports_its_path_and_proven_gap(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from prioritizer.cli import app

    root = str(tmp_path / "case")
    r = CliRunner().invoke(app, ["generate", root, "--goods", "40", "--projects", "25", "--scenarios", "8"])
    assert r.exit_code == 0, r.output
    runs = {}
    for be in ("pulp", "structured"):
        res = CliRunner().invoke(app, ["allocate", root, "--format", "json", "--no-audit", "--backend", be])
        assert res.exit_code == 0, res.output
        runs[be] = json.loads(res.stdout)
    s = runs["structured"]["solver"]
    assert s["backend"] == "structured" and s["path"].startswith("structured")
    assert s["gap"] is not None and s["gap"] <= 1e-4 and s["verified"]
    ref = runs["pulp"]["objective"]
    assert runs["structured"]["objective"] == pytest.approx(ref, abs=1e-4 * (1 + abs(ref)))

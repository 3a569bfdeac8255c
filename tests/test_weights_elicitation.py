"""Weight elicitation against published values: Saaty's AHP examples and random index,
Barron & Barrett's rank-order centroid weights; swing by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from prioritizer.cli import app
from prioritizer.weights import RANDOM_INDEX, ahp, ahp_matrix_issues, roc_weights

# Saaty (1990), "How to make a decision: The Analytic Hierarchy Process", EJOR 48:9–26,
# house-buying example: pairwise comparisons of houses A, B, C.
SIZE_OF_HOUSE = [[1, 6, 8], [1 / 6, 1, 4], [1 / 8, 1 / 4, 1]]
TRANSPORTATION = [[1, 7, 1 / 5], [1 / 7, 1, 1 / 8], [5, 8, 1]]
GENERAL_CONDITION = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]


def test_saaty_1980_random_index_table():
    assert [RANDOM_INDEX[n] for n in range(3, 11)] == [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]


def test_ahp_saaty_1990_size_of_house_inconsistent():
    """Published: priorities (0.754, 0.181, 0.065), λmax = 3.136, C.I. = 0.068, C.R. = 0.117."""
    r = ahp(SIZE_OF_HOUSE, ["A", "B", "C"])
    np.testing.assert_allclose(r.weights, [0.754, 0.181, 0.065], atol=5e-4)
    assert round(r.lambda_max, 3) == 3.136
    assert round(r.ci, 3) == 0.068
    assert round(r.cr, 3) == 0.117
    assert r.consistent is False  # CR > 0.10
    # the judgement farthest from the ratio the priorities imply, with a revision that helps
    mi, sg = r.most_inconsistent, r.suggestion
    a = np.array(SIZE_OF_HOUSE)
    w = r.weights
    dev = np.abs(np.log(a * w[None, :] / w[:, None]))
    i, j = np.unravel_index(np.argmax(dev), dev.shape)
    assert {mi["row"], mi["column"]} == {"ABC"[i], "ABC"[j]}
    assert sg["cr_after"] < r.cr
    assert sg["suggested"] in (1, 2, 3, 4, 5, 6, 7, 8, 9) or 1 / sg["suggested"] in range(2, 10)


def test_ahp_saaty_1990_transportation_inconsistent():
    """Published: priorities (0.233, 0.055, 0.713), λmax = 3.247, C.I. = 0.124, C.R. = 0.213."""
    r = ahp(TRANSPORTATION, ["A", "B", "C"])
    np.testing.assert_allclose(r.weights, [0.233, 0.055, 0.713], atol=1.5e-3)
    assert abs(r.lambda_max - 3.247) < 1e-3
    assert abs(r.ci - 0.124) < 1.5e-3
    assert abs(r.cr - 0.213) < 2e-3
    assert not r.consistent


def test_ahp_saaty_1990_general_condition_consistent():
    """All houses judged equal: priorities 1/3 each, λmax = n = 3, CI = CR = 0."""
    r = ahp(GENERAL_CONDITION)
    np.testing.assert_allclose(r.weights, [1 / 3] * 3)
    assert r.lambda_max == pytest.approx(3.0) and r.ci == 0.0 and r.cr == 0.0
    assert r.consistent and r.most_inconsistent is None


def test_ahp_consistent_matrix_recovers_ratio_scale_saaty_1977():
    """Saaty (1977, J. Math. Psych. 15:234–281): for a_ij = w_i/w_j, λmax = n and w is recovered."""
    w = np.array([0.4, 0.3, 0.2, 0.1])
    r = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(r.weights, w, atol=1e-12)
    assert r.ci == 0.0 and r.consistent


def test_ahp_matrix_defects_all_reported():
    a = np.array([[1.0, 3.0, -1.0], [0.5, 1.0, 2.0], [1.0, 0.5, 1.0]])
    issues = ahp_matrix_issues(a, ["x", "y", "z"], "m.csv", "matrix")
    assert [i.column for i in issues] == ["matrix[x][z]"]  # non-positive first; reciprocity after
    a[0, 2] = 1.0
    issues = ahp_matrix_issues(a, ["x", "y", "z"], "m.csv", "matrix")
    assert {i.column for i in issues} == {"matrix[y][x]"}
    assert "reciprocal" in issues[0].message


def test_roc_barron_barrett_1996_four_criteria():
    """Barron & Barrett (1996), Management Science 42(11), ROC weights for n = 4."""
    np.testing.assert_allclose(roc_weights(4), [0.5208, 0.2708, 0.1458, 0.0625], atol=1e-4)
    assert roc_weights(7).sum() == pytest.approx(1.0)


def _matrix_csv(tmp_path, rows):
    p = tmp_path / "m.csv"
    p.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return p


def test_cli_weights_ahp_json_shape(tmp_path):
    p = _matrix_csv(
        tmp_path, [["", "A", "B", "C"], ["A", 1, 6, 8], ["B", "1/6", 1, 4], ["C", "1/8", "1/4", 1]]
    )
    res = CliRunner().invoke(app, ["weights", "ahp", str(p), "--format", "json", "--no-audit"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert {"weights", "lambda_max", "ci", "cr", "consistent", "most_inconsistent", "suggestion"} <= set(d)
    assert round(d["cr"], 3) == 0.117 and d["consistent"] is False
    assert list(d["weights"]) == ["A", "B", "C"]


def test_cli_weights_ahp_rejects_non_reciprocal(tmp_path):
    p = _matrix_csv(tmp_path, [["", "A", "B"], ["A", 1, 3], ["B", 3, 1]])
    res = CliRunner().invoke(app, ["weights", "ahp", str(p), "--format", "json"])
    assert res.exit_code == 2
    err = json.loads(res.stderr)
    assert err["errors"][0]["file"] == str(p) and "reciprocal" in err["errors"][0]["message"]
    assert res.stdout == ""

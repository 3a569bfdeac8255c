"""Indicator kernels against hand-computed values and published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from prioritizer.indicators import kernels


def test_hhi_us_doj_worked_example_four_firms_30_30_20_20():
    """US DoJ Antitrust Division, "Herfindahl-Hirschman Index" page: shares 30, 30, 20, 20 %
    give HHI = 30² + 30² + 20² + 20² = 2,600 points, i.e. 0.26 on the 0–1 scale used here."""
    out = kernels.concentration(np.array([[30.0, 30.0, 20.0, 20.0]]), None, None, None)
    assert out["hhi"][0] == pytest.approx(0.26)
    assert out["hhi"][0] * 10_000 == pytest.approx(2600)


def test_hhi_bounds_single_supplier_and_equal_suppliers():
    v = np.array([[5.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    out = kernels.concentration(v, None, None, None)
    assert out["hhi"].tolist() == pytest.approx([1.0, 0.25])
    assert out["n_partners"].tolist() == [1.0, 4.0]


def test_shares_top1_top3_concern_ally_hand_computed():
    # imports 50, 30, 10, 10 -> shares .5 .3 .1 .1; partner 0 is of concern, 1 and 3 allies
    v = np.array([50.0, 30.0, 10.0, 10.0])
    out = kernels.concentration(
        v, concern=np.array([1.0, 0, 0, 0]), ally=np.array([0, 1.0, 0, 1.0]), risk=None
    )
    assert out["imports"] == pytest.approx(100.0)
    assert out["top1_share"] == pytest.approx(0.5)
    assert out["top1_index"] == 0
    assert out["top3_share"] == pytest.approx(0.9)
    assert out["concern_share"] == pytest.approx(0.5)
    assert out["ally_share"] == pytest.approx(0.4)
    assert out["hhi"] == pytest.approx(0.25 + 0.09 + 0.01 + 0.01)


def test_zero_total_gives_no_shares():
    out = kernels.concentration(np.zeros((1, 3)), np.array([1.0, 0, 0]), None, np.array([5.0, 5.0, 5.0]))
    assert np.isnan(out["hhi"][0]) and np.isnan(out["concern_share"][0]) and np.isnan(out["hhi_wgi"][0])
    assert out["imports"][0] == 0.0


def test_scaled_governance_endpoints_and_midpoint():
    # (2.5 − wgi)/5 × 10: best governance 2.5 -> 0, worst −2.5 -> 10, 0 -> 5
    assert kernels.scaled_governance(np.array([2.5, -2.5, 0.0, 1.0])).tolist() == pytest.approx(
        [0.0, 10.0, 5.0, 3.0]
    )


def test_hhi_wgi_hand_computed_and_unknown_governance():
    # shares .6/.4, governance risk 7 and 2 -> .36*7 + .16*2 = 2.84
    out = kernels.concentration(np.array([6.0, 4.0]), None, None, np.array([7.0, 2.0]))
    assert out["hhi_wgi"] == pytest.approx(2.84)
    # unknown governance for a partner that supplies -> NaN; for one that supplies 0 -> ignored
    out = kernels.concentration(np.array([[6.0, 4.0, 0.0]]), None, None, np.array([7.0, 2.0, np.nan]))
    assert out["hhi_wgi"][0] == pytest.approx(2.84)
    out = kernels.concentration(np.array([[6.0, 4.0, 1.0]]), None, None, np.array([7.0, 2.0, np.nan]))
    assert np.isnan(out["hhi_wgi"][0])


@pytest.mark.parametrize(
    ("m", "p", "x", "expected"),
    [
        (80.0, 20.0, 0.0, 0.8),  # (80 − 0) / (20 + 80 − 0)
        (60.0, 50.0, 10.0, 0.5),  # (60 − 10) / (50 + 60 − 10)
        (10.0, 50.0, 30.0, 0.0),  # net exporter: clipped at 0
        (0.0, 0.0, 0.0, 0.0),  # nothing consumed
        (40.0, 0.0, 0.0, 1.0),  # no domestic production
    ],
)
def test_import_reliance_ec_2017_form(m, p, x, expected):
    assert kernels.import_reliance(np.array(m), np.array(p), np.array(x)) == pytest.approx(expected)


def test_import_reliance_unknown_production_is_nan():
    assert np.isnan(kernels.import_reliance(np.array(10.0), np.array(np.nan), np.array(0.0)))


def test_supply_risk_ec_2017_hand_computed():
    # SR = [GS × IR/2 + src × (1 − IR/2)] × (1 − EoL) × SI
    # GS 4, src 2, IR .6, EoL .25, SI .8: [4×.3 + 2×.7] × .75 × .8 = 2.6 × .6 = 1.56
    sr = kernels.supply_risk(np.array(4.0), np.array(2.0), np.array(0.6), np.array(0.25), np.array(0.8))
    assert sr == pytest.approx(1.56)


def test_supply_risk_without_global_term_uses_sourcing_and_missing_factors_are_one():
    sr = kernels.supply_risk(
        np.array([np.nan, np.nan]),
        np.array([2.0, 2.0]),
        np.array([np.nan, 0.6]),
        np.array([np.nan, 0.5]),
        np.array([np.nan, np.nan]),
    )
    assert sr.tolist() == pytest.approx([2.0, 1.0])


def test_sourcing_hhi_wgi_includes_domestic_production():
    # imports 60 from a single partner with risk 8 (HHI_WGI,imports = 8), home production 40 with risk 2:
    # shares .6/.4 -> .36×8 + .16×2 = 3.2
    out = kernels.sourcing_hhi_wgi(np.array(8.0), np.array(60.0), np.array(40.0), 2.0)
    assert out == pytest.approx(3.2)


def test_foreign_dependence_definition():
    # IR .8, concern share .5, HHI .5 -> .8 × (.5 + .5 × .5) = .6
    assert kernels.foreign_dependence(np.array(0.8), np.array(0.5), np.array(0.5)) == pytest.approx(0.6)
    # a single non-concern supplier still gives full dependence (HHI 1)
    assert kernels.foreign_dependence(np.array(0.8), np.array(0.0), np.array(1.0)) == pytest.approx(0.8)

"""Supply-chain graph: propagation on a small hand-computable graph, cut analysis, bad links.

Graph (input → product, intensity):

    ore ──0.5──► metal ──0.4──► part ──0.5──► car
                   └────────0.2──────────────►  car
    chip ──0.3──────────────────────────────► car
"""

from __future__ import annotations

import pandas as pd
import pytest

from prioritizer import supplychain
from prioritizer.errors import InputError

GOODS = ["car", "part", "metal", "ore", "chip"]
LINKS = pd.DataFrame(
    {
        "good_id": ["metal", "part", "car", "car", "car"],
        "input_id": ["ore", "metal", "part", "metal", "chip"],
        "intensity": [0.5, 0.4, 0.5, 0.2, 0.3],
    }
)


def chain() -> supplychain.SupplyChain:
    return supplychain.build_graph(LINKS, GOODS)


def test_topological_order_puts_inputs_first():
    order = chain().order
    assert order.index("ore") < order.index("metal") < order.index("part") < order.index("car")
    assert chain().inputs_of("car") == ["chip", "metal", "part"]
    assert chain().products_of("metal") == ["car", "part"]


def test_upstream_exposure_hand_computed():
    # own exposure: ore .8, chip .6, others 0; import reliance: everything made at home (IR 0)
    own = pd.DataFrame({"m": [0.0, 0.0, 0.0, 0.8, 0.6]}, index=GOODS)
    e = supplychain.propagate_exposure(chain(), own)["m"]
    assert e["metal"] == pytest.approx(0.5 * 0.8)  # .4
    assert e["part"] == pytest.approx(0.4 * 0.4)  # .16
    assert e["car"] == pytest.approx(0.5 * 0.16 + 0.2 * 0.4 + 0.3 * 0.6)  # .08 + .08 + .18 = .34


def test_imported_share_is_exposed_by_its_own_sourcing_only():
    # metal: own FD .3 with IR .5 -> E* = .3 + (1 − .5) × .5 × .8 = .5
    own = pd.DataFrame({"m": [0.0, 0.0, 0.3, 0.8, 0.0]}, index=GOODS)
    ir = pd.DataFrame({"m": [0.0, 0.0, 0.5, 1.0, 0.0]}, index=GOODS)
    e = supplychain.propagate_exposure(chain(), own, ir)["m"]
    assert e["metal"] == pytest.approx(0.5)


def test_downstream_importance_hand_computed():
    # importance: car 5, others 0 -> part .5×5 = 2.5; metal .4×2.5 + .2×5 = 2; ore .5×2 = 1; chip 1.5
    own = pd.Series({"car": 5.0, "part": 0.0, "metal": 0.0, "ore": 0.0, "chip": 0.0})
    imp = supplychain.propagate_importance(chain(), own)
    assert imp.to_dict() == pytest.approx({"car": 5.0, "part": 2.5, "metal": 2.0, "ore": 1.0, "chip": 1.5})


def test_exposure_if_ore_is_cut_lists_products_requirements_and_paths():
    df = supplychain.exposure_if_cut(chain(), "ore").set_index("good_id")
    assert set(df.index) == {"metal", "part", "car"}
    assert df.loc["metal", "requirement"] == pytest.approx(0.5)
    assert df.loc["part", "requirement"] == pytest.approx(0.2)
    # car: ore→metal→part→car .5×.4×.5 = .1 plus ore→metal→car .5×.2 = .1
    assert df.loc["car", "requirement"] == pytest.approx(0.2)
    assert sorted(df.loc["car", "paths"]) == ["ore → metal → car", "ore → metal → part → car"]
    assert df.loc["car", "depth"] == 2 and df.loc["metal", "direct"]
    assert list(df.index) == ["metal", "car", "part"]  # requirement desc, then depth


def test_cut_of_a_finished_product_affects_nothing_and_unknown_good_is_an_error():
    assert supplychain.exposure_if_cut(chain(), "car").empty
    with pytest.raises(InputError):
        supplychain.exposure_if_cut(chain(), "nope")


def test_paths_are_capped():
    df = supplychain.exposure_if_cut(chain(), "ore", max_paths=1).set_index("good_id")
    assert df.loc["car", "n_paths"] == 1 and df.loc["car", "paths_truncated"]


def test_cycle_is_rejected_and_named():
    links = pd.concat(
        [LINKS, pd.DataFrame({"good_id": ["ore"], "input_id": ["car"], "intensity": [0.1]})],
        ignore_index=True,
    )
    with pytest.raises(InputError) as e:
        supplychain.build_graph(links, GOODS)
    (issue,) = e.value.issues
    assert issue.file == "links.csv" and issue.column == "input_id"
    assert "cycle" in issue.message
    names = issue.value.split(" → ")
    assert names[0] == names[-1] and {"ore", "metal", "car"} <= set(names)


def test_bad_links_all_reported():
    links = pd.DataFrame(
        {
            "good_id": ["car", "car", "ghost", "car", "part"],
            "input_id": ["chip", "chip", "ore", "car", "metal"],
            "intensity": [0.3, 0.3, 0.2, 0.1, -1.0],
        }
    )
    with pytest.raises(InputError) as e:
        supplychain.build_graph(links, GOODS)
    got = {(i.row, i.column) for i in e.value.issues}
    assert got == {(3, "input_id"), (4, "good_id"), (5, "input_id"), (6, "intensity")}


def test_intensities_over_one_are_rescaled_with_a_note():
    links = pd.DataFrame({"good_id": ["car", "car"], "input_id": ["chip", "part"], "intensity": [1.0, 3.0]})
    sc = supplychain.build_graph(links, GOODS)
    assert sc.graph.edges["part", "car"]["intensity"] == pytest.approx(0.75)
    assert sc.notes and "car" in sc.notes[0]

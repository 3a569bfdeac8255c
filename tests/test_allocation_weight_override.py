"""A what-if re-weighting of an elicited (AHP) model must reach the allocation objective."""

from pathlib import Path

from prioritizer.case import load_case
from prioritizer.runs import execute

DEFAULT = Path(__file__).resolve().parents[1] / "inputs" / "default"


def test_weights_override_an_ahp_model_in_allocate():
    case = load_case(DEFAULT)
    base = execute("allocate", case, {"explain": False})
    tilted = execute(
        "allocate",
        case,
        {
            "explain": False,
            "weights": {"autonomy": 0.0, "indispensability": 1.0, "cost": 0.0, "foreign_dependence": 0.0},
        },
    )
    assert base.result["status"] == tilted.result["status"] == "optimal"
    # Indispensability alone values different goods than the AHP mix: the objective moves.
    assert abs(base.result["objective"] - tilted.result["objective"]) > 1e-6

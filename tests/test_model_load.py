"""Decision-model YAML: the shipped models load; every defect is reported at once, naming the
model file and the key; weights derive from the elicitation kept in the file."""

from __future__ import annotations

import pytest
import yaml

from prioritizer.errors import InputError
from prioritizer.model import MODELS_DIR, load_model
from prioritizer.weights import derive


def _write(tmp_path, data, name="m.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


BASE = {
    "name": "t",
    "method": "wsm",
    "normalisation": "minmax",
    "criteria": [
        {"id": "a", "column": "a", "direction": "max", "weight": 2},
        {"id": "b", "column": "b", "direction": "min", "weight": 1},
    ],
}


@pytest.mark.parametrize("name", ["default", "vulnerability", "project"])
def test_shipped_models_load(name):
    m = load_model(name)
    assert m.name == name and m.file == str(MODELS_DIR / f"{name}.yaml")
    w, rec = derive(m)
    assert sum(w.values()) > 0 and rec["method"] == m.weights_elicitation.method
    for c in m.criteria:
        assert c.label_ja and c.label_en and c.definition_ja and c.definition_en


def test_default_model_keeps_ahp_inputs_and_is_consistent():
    m = load_model("default")
    assert m.weights_elicitation.method == "ahp" and m.weights_elicitation.matrix is not None
    _, rec = derive(m)
    assert rec["consistent"] is True and rec["cr"] < 0.10
    fd = m.criterion("foreign_dependence")
    assert fd.indicator == "foreign_dependence" and fd.column == "foreign_dependence"
    assert m.criterion("cost").column == "securing_cost" and m.criterion("cost").direction == "min"
    assert m.criterion("autonomy").direction == "min"


def test_snapshot_round_trip():
    m = load_model("default")
    again = load_model(m.snapshot())
    assert again.snapshot() == m.snapshot()
    assert again.file.startswith("model_snapshot")


def test_every_defect_reported_with_file_and_key(tmp_path):
    bad = {
        **BASE,
        "method": "electre9",
        "normalisation": "zscore",
        "criteria": [
            {"id": "a", "column": "a", "direction": "up", "weight": -1},
            {"id": "a", "column": "b", "direction": "min", "weight": 1},
        ],
    }
    p = _write(tmp_path, bad)
    with pytest.raises(InputError) as ei:
        load_model(p)
    by_key = {i.column: i for i in ei.value.issues}
    assert all(i.file == str(p) for i in ei.value.issues)
    assert "wsm, wpm, topsis, vikor, promethee_ii" in by_key["method"].message
    assert "vector" in by_key["normalisation"].message
    assert {"criteria.0.direction", "criteria.0.weight", "criteria.1.id"} <= set(by_key)


def test_all_zero_weights(tmp_path):
    data = {**BASE, "criteria": [{**c, "weight": 0} for c in BASE["criteria"]]}
    with pytest.raises(InputError) as ei:
        load_model(_write(tmp_path, data))
    assert "zero" in ei.value.issues[0].message


def test_ahp_elicitation_errors_name_cells(tmp_path):
    data = {
        **BASE,
        "criteria": [{k: v for k, v in c.items() if k != "weight"} for c in BASE["criteria"]],
        "weights_elicitation": {"method": "ahp", "matrix": [[1, 3], [3, 1]]},
    }
    with pytest.raises(InputError) as ei:
        load_model(_write(tmp_path, data))
    (iss,) = ei.value.issues
    assert iss.column == "weights_elicitation.matrix[b][a]" and "reciprocal" in iss.message
    data["weights_elicitation"]["matrix"] = [[1, 0], [0, 1]]
    with pytest.raises(InputError) as ei:
        load_model(_write(tmp_path, data))
    assert {i.column for i in ei.value.issues} == {
        "weights_elicitation.matrix[a][b]",
        "weights_elicitation.matrix[b][a]",
    }


def test_ahp_fractions_and_derived_weights(tmp_path):
    data = {
        **BASE,
        "criteria": [{k: v for k, v in c.items() if k != "weight"} for c in BASE["criteria"]],
        "weights_elicitation": {"method": "ahp", "matrix": [[1, 3], ["1/3", 1]], "source": "test panel"},
    }
    w, rec = derive(load_model(_write(tmp_path, data)))
    assert w == pytest.approx({"a": 0.75, "b": 0.25})
    assert rec["source"] == "test panel" and rec["matrix"] == [[1, 3], [1 / 3, 1]]


def test_elicitation_names_unknown_criterion_and_conflicting_weights(tmp_path):
    data = {**BASE, "weights_elicitation": {"method": "swing", "swings": {"a": 100, "zz": 50}}}
    with pytest.raises(InputError) as ei:
        load_model(_write(tmp_path, data))
    msgs = {i.column: i.message for i in ei.value.issues}
    assert "unknown criterion 'zz'" in msgs["weights_elicitation.swings.zz"]
    assert "no swing points for criterion 'b'" in msgs["weights_elicitation.swings"]
    assert "derived from the swing elicitation" in msgs["criteria.*.weight"]


def test_swing_and_roc_weights(tmp_path):
    crit = [{k: v for k, v in c.items() if k != "weight"} for c in BASE["criteria"]]
    sw = {**BASE, "criteria": crit, "weights_elicitation": {"method": "swing", "swings": {"a": 100, "b": 60}}}
    w, _ = derive(load_model(_write(tmp_path, sw)))
    assert w == pytest.approx({"a": 100.0, "b": 60.0})  # normalised to 0.625 / 0.375 at scoring time
    roc = {**BASE, "criteria": crit, "weights_elicitation": {"method": "roc", "order": ["b", "a"]}}
    w, _ = derive(load_model(_write(tmp_path, roc)))
    assert w == pytest.approx({"b": 0.75, "a": 0.25})  # ROC n = 2: (1 + 1/2)/2, (1/2)/2


def test_unknown_model_lists_available():
    with pytest.raises(InputError) as ei:
        load_model("nosuchmodel")
    assert "default" in ei.value.issues[0].message

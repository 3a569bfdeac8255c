"""Decision models as YAML (DESIGN §4): criteria, directions, weights, method, normalisation.

A model file is data. It is parsed into :class:`DecisionModel` (pydantic) and then
checked as a whole, so that every problem — an unknown method, a negative weight,
an elicitation naming a criterion that does not exist, a non-reciprocal AHP matrix —
is reported at once as :class:`~prioritizer.errors.InputError` issues whose ``file``
is the model file and whose ``column`` is the dotted YAML key (``criteria.2.weight``).

Where a criterion's values come from (docs/methodology/scoring.md §1):

* ``column: x`` — a numeric column of the target table (``goods.csv`` or ``projects.csv``);
* ``indicator: y`` — an indicator computed from ``flows.csv`` (one of
  :data:`prioritizer.indicators.api.INDICATOR_NAMES`, read from ``latest(case)``).
  When ``column`` is also given it is the **fallback**: goods without flows (or with
  a blank indicator) take the column's value, and the result records which goods did;
* ``from_model: name`` (projects only) — the criticality of the project's good under
  another model (value-for-money models weigh a project by what it protects).

The elicitation inputs (AHP matrix, swing points, rank order) stay in the file under
``weights_elicitation``; the weights are derived from them by :mod:`prioritizer.weights`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from prioritizer import yamlsafe
from prioritizer.errors import InputError, Issue

# MODELS_DIR: where the models shipped with the tool live (``models/`` at the project root)
from prioritizer.modelref import MODELS_DIR, looks_like_path

METHODS: tuple[str, ...] = ("wsm", "wpm", "topsis", "vikor", "promethee_ii")
#: accepted spellings -> canonical method name
METHOD_ALIASES: dict[str, str] = {
    "saw": "wsm",
    "weighted_sum": "wsm",
    "additive": "wsm",
    "weighted_product": "wpm",
    "promethee": "promethee_ii",
    "promethee2": "promethee_ii",
}
NORMALISATIONS: tuple[str, ...] = ("vector", "minmax", "sum", "max", "none")
INVERSIONS: tuple[str, ...] = ("auto", "reflect", "reciprocal", "negate")
WEIGHT_NORMALISATIONS: tuple[str, ...] = ("sum", "none")
ELICITATIONS: tuple[str, ...] = ("direct", "swing", "roc", "ahp")
PREFERENCES: tuple[str, ...] = ("usual", "u_shape", "v_shape", "level", "linear")
TARGETS: tuple[str, ...] = ("goods", "projects")
MISSING: tuple[str, ...] = ("error", "worst")


def parse_judgement(x: Any) -> Any:
    """``3``, ``0.5``, ``"1/3"`` -> float; anything else is returned for pydantic to reject."""
    if isinstance(x, str):
        num, sep, den = x.strip().partition("/")
        try:
            return float(num) / float(den) if sep else float(num)
        except (ValueError, ZeroDivisionError):
            return x
    return x


class _Base(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Criterion(_Base):
    id: str
    column: str | None = None
    indicator: str | None = None
    from_model: str | None = None
    direction: str = "max"
    weight: float | None = None
    label_ja: str | None = None
    label_en: str | None = None
    definition_ja: str | None = None
    definition_en: str | None = None
    unit: str | None = None
    #: overrides the model-level ``invert`` for this criterion (min criteria only)
    invert: str | None = None
    #: PROMETHEE II preference function and thresholds (units of the normalised values)
    preference: str = "usual"
    q: float = 0.0
    p: float = 0.0

    @property
    def sign(self) -> int:
        return 1 if self.direction == "max" else -1

    def label(self, lang: str = "en") -> str:
        return (self.label_ja if lang == "ja" else self.label_en) or self.label_en or self.id


class Elicitation(_Base):
    method: str = "direct"
    #: AHP: row/column order of ``matrix``; defaults to the order of ``criteria``
    criteria: list[str] | None = None
    matrix: list[list[float]] | None = None
    #: swing: points per criterion (the most valued swing = 100)
    swings: dict[str, float] | None = None
    #: ROC: criteria from most to least important; an inner list = a tie
    order: list[str | list[str]] | None = None
    #: free-text provenance: who elicited, when, from what (kept in every Run)
    source: str | None = None
    date: str | None = None

    @field_validator("matrix", mode="before")
    @classmethod
    def _fractions(cls, v: Any) -> Any:
        # Saaty judgements are naturally written 1/3; YAML reads that as a string
        if not isinstance(v, list):
            return v
        return [[parse_judgement(x) for x in row] if isinstance(row, list) else row for row in v]


class DecisionModel(_Base):
    name: str
    title_ja: str | None = None
    title_en: str | None = None
    description_ja: str | None = None
    description_en: str | None = None
    target: str = "goods"
    method: str = "topsis"
    normalisation: str = "vector"
    invert: str = "auto"
    weight_normalisation: str = "sum"
    tie_tolerance: float = Field(default=1e-12, ge=0)
    vikor_v: float = 0.5
    missing: str = "error"
    criteria: list[Criterion]
    weights_elicitation: Elicitation = Field(default_factory=Elicitation)

    _file: str = PrivateAttr(default="model")

    @property
    def file(self) -> str:
        """The model file (or ``model_snapshot``) that every issue names."""
        return self._file

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)

    def snapshot(self) -> dict[str, Any]:
        """The full YAML-equivalent dict, as stored in Runs and replayed from them."""
        return self.model_dump(mode="json", exclude_none=True)

    def labels(self, lang: str = "en") -> dict[str, str]:
        return {c.id: c.label(lang) for c in self.criteria}


def canonical_method(name: str) -> str:
    m = (name or "").strip().lower().replace("-", "_")
    return METHOD_ALIASES.get(m, m)


def method_issue(file: str, key: str, value: Any) -> Issue:
    return Issue(file, None, key, value, f"unknown method {value!r}; use one of: {', '.join(METHODS)}")


def check_choice(file: str, key: str, value: Any, allowed: tuple[str, ...], what: str) -> Issue | None:
    if value in allowed:
        return None
    return Issue(file, None, key, value, f"unknown {what} {value!r}; use one of: {', '.join(allowed)}")


def _pydantic_issues(file: str, exc: ValidationError) -> list[Issue]:
    out = []
    for e in exc.errors():
        key = ".".join(str(p) for p in e["loc"]) or None
        out.append(Issue(file, None, key, e.get("input"), e["msg"]))
    return out


def _semantic_issues(m: DecisionModel) -> list[Issue]:
    """Every problem of a parsed model that pydantic's types cannot see."""
    f = m.file
    issues: list[Issue] = []
    if canonical_method(m.method) not in METHODS:
        issues.append(method_issue(f, "method", m.method))
    for key, val, allowed, what in (
        ("normalisation", m.normalisation, NORMALISATIONS, "normalisation"),
        ("invert", m.invert, INVERSIONS, "inversion"),
        ("weight_normalisation", m.weight_normalisation, WEIGHT_NORMALISATIONS, "weight normalisation"),
        ("target", m.target, TARGETS, "target table"),
        ("missing", m.missing, MISSING, "missing-value rule"),
        ("weights_elicitation.method", m.weights_elicitation.method, ELICITATIONS, "elicitation method"),
    ):
        if (iss := check_choice(f, key, val, allowed, what)) is not None:
            issues.append(iss)
    if not 0 <= m.vikor_v <= 1:
        issues.append(
            Issue(f, None, "vikor_v", m.vikor_v, "vikor_v must be between 0 and 1 (0.5 = consensus)")
        )
    if not m.criteria:
        issues.append(Issue(f, None, "criteria", None, "a model needs at least one criterion"))
    seen: set[str] = set()
    for i, c in enumerate(m.criteria):
        k = f"criteria.{i}"
        if c.id in seen:
            issues.append(
                Issue(f, None, f"{k}.id", c.id, f"criterion id {c.id!r} is used twice; ids must be unique")
            )
        seen.add(c.id)
        if c.direction not in ("max", "min"):
            issues.append(
                Issue(
                    f,
                    None,
                    f"{k}.direction",
                    c.direction,
                    "direction must be max (more = higher priority) or min",
                )
            )
        if not (c.column or c.indicator or c.from_model):
            issues.append(
                Issue(
                    f,
                    None,
                    k,
                    c.id,
                    "criterion needs a source: column (case column), indicator or from_model",
                )
            )
        if c.from_model and m.target != "projects":
            issues.append(
                Issue(
                    f,
                    None,
                    f"{k}.from_model",
                    c.from_model,
                    "from_model is only meaningful in a projects model",
                )
            )
        if c.invert is not None and (
            iss := check_choice(f, f"{k}.invert", c.invert, INVERSIONS, "inversion")
        ):
            issues.append(iss)
        if (
            iss := check_choice(f, f"{k}.preference", c.preference, PREFERENCES, "preference function")
        ) is not None:
            issues.append(iss)
        if c.q < 0 or c.p < 0 or (c.preference in ("linear", "level") and c.p < c.q):
            issues.append(
                Issue(
                    f,
                    None,
                    f"{k}.p",
                    c.p,
                    "PROMETHEE thresholds need 0 <= q <= p (indifference <= preference)",
                )
            )
        if c.weight is not None and (not math.isfinite(c.weight) or c.weight < 0):
            issues.append(Issue(f, None, f"{k}.weight", c.weight, "weights must be finite and >= 0"))
    # weights: the elicitation derives them; only check here what needs no numerics
    from prioritizer.weights import elicitation_issues

    issues.extend(elicitation_issues(m))
    return issues


def parse_model(data: Any, file: str) -> DecisionModel:
    """Validate a model dict; raise InputError listing every problem (file = ``file``)."""
    if not isinstance(data, dict):
        raise InputError([Issue(file, None, None, None, "a model file must be a YAML mapping (key: value)")])
    try:
        m = DecisionModel.model_validate(data)
    except ValidationError as exc:
        raise InputError(_pydantic_issues(file, exc), f"model {file} is invalid") from None
    m._file = file
    issues = _semantic_issues(m)
    if issues:
        raise InputError(issues, f"model {file} is invalid")
    return m


def available_models(case_root: Path | None = None) -> list[str]:
    dirs = [d for d in (case_root / "models" if case_root else None, MODELS_DIR) if d and d.is_dir()]
    return sorted({p.stem for d in dirs for p in d.glob("*.yaml")})


def _resolve(ref: str | Path, case_root: Path | None) -> Path | None:
    p = Path(ref)
    candidates: list[Path] = []
    if looks_like_path(p):
        if p.is_absolute():
            candidates.append(p)
        else:
            if case_root is not None:
                candidates.append(case_root / p)
            candidates.append(Path.cwd() / p)
    else:
        if case_root is not None:
            candidates.append(case_root / "models" / f"{ref}.yaml")
        candidates.append(MODELS_DIR / f"{ref}.yaml")
    return next((c for c in candidates if c.is_file()), None)


def load_model(ref: str | Path | dict | DecisionModel | None, case_root: Path | None = None) -> DecisionModel:
    """A model by name (``models/<name>.yaml``; a case's own ``models/`` folder first), path or dict.

    ``None`` means ``"default"`` (callers holding a case pass ``case.policy.model``).
    A dict is a snapshot (as stored in a Run): issues then name ``model_snapshot``.
    """
    if isinstance(ref, DecisionModel):
        return ref
    if ref is None:
        ref = "default"
    if isinstance(ref, dict):
        return parse_model(ref, f"model_snapshot:{ref.get('name', '?')}")
    path = _resolve(ref, case_root)
    if path is None:
        names = ", ".join(available_models(case_root)) or "(none)"
        raise InputError(
            [
                Issue(
                    str(ref),
                    None,
                    "model",
                    str(ref),
                    f"model not found; give a YAML path or one of the models: {names}",
                )
            ],
            f"model {ref} not found",
        )
    file = str(path)
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except yamlsafe.YamlRefused as exc:
        raise InputError([Issue(file, None, None, None, f"{exc.where()}{exc.message}")]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            [Issue(file, None, None, None, f"cannot read the model as UTF-8 YAML: {exc}")]
        ) from None
    return parse_model(data, file)

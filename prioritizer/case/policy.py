"""``policy.yaml``: budget, spending limits and stockpile rules (DESIGN §3, contract keys).

Declared as pydantic models so that the schema is data and every violation is
reported with its key path. The contract allows more keys at the top level (kept as
``model_extra``, e.g. ``generated_by``); inside a section every key is declared, so a
typo such as ``stockpile: {damage_multiplyer: 2}`` is an error instead of a silent
default (issue 13 §8; :mod:`.policyfile` adds the "did you mean").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LimitGroup = Literal["domain", "sector", "ministry", "instrument", "good", "specified_critical"]


class _Base(BaseModel):
    """A policy section: unknown keys are errors (a misspelt key must never fall back to a default)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Budget(_Base):
    #: 億円 over the whole horizon; optional when ``years`` is given
    total: float | None = Field(default=None, gt=0)
    #: 億円 per fiscal year, matched with projects' ``cost_<year>`` columns
    years: dict[int, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _positive_years(self) -> Budget:
        bad = [y for y, v in self.years.items() if not v > 0]
        if bad:
            raise ValueError(f"budget for year(s) {bad} must be > 0 (億円)")
        return self


class Limit(_Base):
    """A floor and/or cap on spend (億円) for the projects of one group value."""

    group: LimitGroup
    value: str
    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)
    #: restrict the limit to one fiscal year's spend; None = whole-horizon spend
    year: int | None = None
    #: what-if switch: keep the rule on file but leave it out of the optimisation
    ignore: bool = False

    @model_validator(mode="after")
    def _floor_below_cap(self) -> Limit:
        if self.min is None and self.max is None:
            raise ValueError("a limit needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"floor {self.min} is above cap {self.max}; lower min or raise max")
        return self

    @property
    def label(self) -> str:
        y = f"_{self.year}" if self.year is not None else ""
        return f"{self.group}={self.value}{y}"


class Stockpile(_Base):
    #: default days of annual demand to hold (Japan's rare-metal stockpile policy: 60 days)
    target_days: float = Field(default=60, ge=0)
    target_days_by_good: dict[str, float] = Field(default_factory=dict)
    #: 億円 of stock value in total, or per-good limits
    storage_capacity: float | dict[str, float] | None = None
    #: per year, as a share of stock value
    holding_cost_rate: float = Field(default=0.05, ge=0, le=1)
    #: hard = days-of-cover targets must be met; soft = shortfall below target is penalised
    target_mode: Literal["hard", "soft"] = "soft"
    #: objective penalty per unit of demand-day below target (soft mode); None = derived
    target_penalty: float | None = Field(default=None, ge=0)
    #: years stock is held within the budget horizon (holding cost multiplier)
    holding_years: float = Field(default=1.0, ge=0)
    #: 億円 of economic loss per 億円 of supply lost (shortfall weight; a planning assumption)
    damage_multiplier: float = Field(default=10.0, ge=0)


class AllocationOptions(_Base):
    #: benefit scale (億円) for a project whose good has no demand data; None = 1,000
    value_scale: float | None = Field(default=None, gt=0)


class Policy(BaseModel):
    # the contract allows more top-level keys (kept); near misses are caught by policyfile
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    model: str = "default"
    budget: Budget = Field(default_factory=Budget)
    limits: list[Limit] = Field(default_factory=list)
    stockpile: Stockpile = Field(default_factory=Stockpile)
    #: scenario ids taken into account; None = all scenarios of the case
    scenarios: list[str] | None = None
    #: constraint names (as reported by ``allocate``) switched off for a what-if
    ignore: list[str] = Field(default_factory=list)
    allocation: AllocationOptions = Field(default_factory=AllocationOptions)

    @model_validator(mode="after")
    def _floors_below_caps(self) -> Policy:
        """A floor above a cap on the same group (and year), given in two entries, can never hold."""
        floors: dict[tuple[str, str, int | None], tuple[int, float]] = {}
        caps: dict[tuple[str, str, int | None], tuple[int, float]] = {}
        for k, lim in enumerate(self.limits):
            key = (lim.group, str(lim.value), lim.year)
            if lim.min is not None and (key not in floors or lim.min > floors[key][1]):
                floors[key] = (k, lim.min)
            if lim.max is not None and (key not in caps or lim.max < caps[key][1]):
                caps[key] = (k, lim.max)
        bad = []
        for key, (kf, lo) in floors.items():
            if key in caps and lo > caps[key][1]:
                kc, hi = caps[key]
                g, v, y = key
                yr = f" in {y}" if y is not None else ""
                bad.append(
                    f"limits[{kf}] (floor {lo:g}億円) is above limits[{kc}] (cap {hi:g}億円) "
                    f"for {g} = {v}{yr}; lower the floor or raise the cap"
                )
        if bad:
            raise ValueError("; ".join(bad))
        return self

"""Corpus of malformed cases: each is the valid minimal case (tests/conftest.py) with one mistake.

Every entry states the exact set of (file, row, column) the loader must report —
exactly that set, so a mistake neither goes unreported nor cascades into noise —
and a fragment of the message that tells the user what to fix. Rows are
spreadsheet rows: header = 1, first data row = 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from prioritizer.case import load_case
from prioritizer.case.types import Case
from prioritizer.errors import InputError

Files = dict[str, str | bytes | None]
Where = tuple[str, int | None, str | None]


@dataclass(frozen=True)
class Bad:
    id: str
    mutate: Callable[[Files], None]
    expect: tuple[Where, ...]
    fragment: str


def sub(file: str, old: str, new: str) -> Callable[[Files], None]:
    def f(files: Files) -> None:
        text = files[file]
        assert isinstance(text, str) and old in text, f"{old!r} not in {file}"
        files[file] = text.replace(old, new, 1)

    return f


def put(file: str, content: str | bytes | None) -> Callable[[Files], None]:
    def f(files: Files) -> None:
        files[file] = content

    return f


def add(file: str, line: str) -> Callable[[Files], None]:
    def f(files: Files) -> None:
        text = files[file]
        assert isinstance(text, str)
        files[file] = text + line + "\n"

    return f


CORPUS: list[Bad] = [
    Bad(
        "missing_required_column",
        sub("flows.csv", "good_id,partner,period,value", "good_id,partner,period,amount"),
        (("flows.csv", 1, "value"),),
        "missing required column 'value'",
    ),
    Bad(
        "missing_name_columns",
        put(
            "goods.csv",
            "id,sector\ngallium,computing\npower_semi,computing\nmagnet,cleantech\n"
            "rare_earth,cleantech\nrare_metals,other\n",
        ),
        (("goods.csv", 1, "name_ja"),),
        "at least one of name_ja, name_en",
    ),
    Bad(
        "good_without_any_name",
        sub("goods.csv", "magnet,永久磁石,Permanent magnets,", "magnet,,,"),
        (("goods.csv", 4, "name_ja"),),
        "fill in name_ja or name_en",
    ),
    Bad(
        "wrong_type_number",
        sub(
            "projects.csv",
            "p_mag_rnd,磁石研究開発,magnet,rnd,50,",
            "p_mag_rnd,磁石研究開発,magnet,rnd,fifty,",
        ),
        (("projects.csv", 4, "cost"),),
        "'fifty' is not a number",
    ),
    Bad(
        "wrong_type_bool",
        sub("goods.csv", "computing,advantage,true", "computing,advantage,maybe"),
        (("goods.csv", 3, "specified_critical"),),
        "write true or false",
    ),
    Bad(
        "empty_id",
        sub("projects.csv", "p_mag_loan,磁石融資", ",磁石融資"),
        # p_mag_rnd excludes p_mag_loan, which has lost its id
        (("projects.csv", 5, "id"), ("projects.csv", 4, "excludes")),
        "empty id",
    ),
    Bad(
        "duplicate_id",
        sub("projects.csv", "p_mag_loan,磁石融資", "p_mag_rnd,磁石融資"),
        # the exclusion p_mag_rnd -> p_mag_loan now names a project that no longer exists
        (("projects.csv", 5, "id"), ("projects.csv", 4, "excludes")),
        "duplicate id 'p_mag_rnd' (also at row 4)",
    ),
    Bad(
        "unknown_good_in_flows",
        sub("flows.csv", "rare_earth,AUS", "rare_erth,AUS"),
        (("flows.csv", 5, "good_id"),),
        "did you mean 'rare_earth'",
    ),
    Bad(
        "unknown_partner_in_flows",
        sub("flows.csv", "gallium,USA", "gallium,KOR"),
        (("flows.csv", 3, "partner"),),
        "unknown country 'KOR'",
    ),
    Bad(
        "partner_not_iso3_without_countries",
        lambda f: (put("countries.csv", None)(f), sub("flows.csv", "gallium,USA", "gallium,America")(f)),
        (("flows.csv", 3, "partner"),),
        "not an ISO 3166 alpha-3",
    ),
    Bad(
        "unknown_good_in_scenarios",
        sub("scenarios.csv", "0.2,gallium", "0.2,galium"),
        (("scenarios.csv", 2, "good_id"),),
        "unknown good 'galium'",
    ),
    Bad(
        "unknown_requires_id",
        sub("projects.csv", "p_ga_stock,,\n", "p_ga_stok,,\n"),
        (("projects.csv", 3, "requires"),),
        "unknown project 'p_ga_stok' in requires",
    ),
    Bad(
        "unknown_link_end",
        add("links.csv", "power_semi,silicon,0.3"),
        (("links.csv", 4, "input_id"),),
        "unknown good 'silicon'",
    ),
    Bad(
        "unknown_parent",
        sub("goods.csv", "0.1,rare_metals,true", "0.1,rare_metal,true"),
        (("goods.csv", 2, "parent_id"),),
        "unknown parent good 'rare_metal'",
    ),
    Bad(
        "cycle_in_requires",
        sub("projects.csv", "0.2,,,\n", "0.2,p_ps_fab,,\n"),
        (("projects.csv", 2, "requires"),),
        "p_ga_stock → p_ps_fab → p_ga_stock",
    ),
    Bad(
        "cycle_in_links",
        add("links.csv", "gallium,power_semi,0.1"),
        (("links.csv", 4, "input_id"),),
        "gallium → power_semi → gallium",
    ),
    Bad(
        "good_is_its_own_input",
        add("links.csv", "magnet,magnet,1"),
        (("links.csv", 4, "input_id"),),
        "magnet → magnet",
    ),
    Bad(
        "cycle_in_parent_id",
        sub("goods.csv", "other,dependence,false,,,,,false", "other,dependence,false,,,,gallium,false"),
        (("goods.csv", 2, "parent_id"),),
        "gallium → rare_metals → gallium",
    ),
    Bad(
        "negative_cost",
        sub("projects.csv", "subsidy,500", "subsidy,-500"),
        (("projects.csv", 3, "cost"),),
        "cost cannot be negative",
    ),
    Bad(
        "negative_demand",
        sub("goods.csv", "true,200,0.1", "true,-200,0.1"),
        (("goods.csv", 4, "annual_demand"),),
        "annual_demand cannot be negative",
    ),
    Bad(
        "negative_price",
        sub("goods.csv", "true,50,0.5", "true,50,-0.5"),
        (("goods.csv", 3, "unit_price"),),
        "unit_price cannot be negative",
    ),
    Bad(
        "negative_flow_value",
        sub("flows.csv", "2024-02,11", "2024-02,-11"),
        (("flows.csv", 4, "value"),),
        "value cannot be negative",
    ),
    Bad(
        "probability_above_one",
        sub("scenarios.csv", "輸出規制,0.2", "輸出規制,1.5"),
        (("scenarios.csv", 2, "probability"),),
        "probability must be between 0 and 1",
    ),
    Bad(
        "loss_as_percent",
        sub("scenarios.csv", "CHN,0.8,12", "CHN,80,12"),
        (("scenarios.csv", 2, "loss"),),
        "35% is 0.35",
    ),
    Bad(
        "min_fraction_above_one",
        sub("projects.csv", "true,0.2", "true,2"),
        (("projects.csv", 2, "min_fraction"),),
        "min_fraction must be between 0 and 1",
    ),
    Bad(
        "share_column_above_one",
        sub("goods.csv", "true,50,0.5,0.6", "true,50,0.5,1.6"),
        (("goods.csv", 3, "autonomy"),),
        "autonomy must be between 0 and 1",
    ),
    Bad(
        "malformed_period",
        sub("flows.csv", "2024-02", "2024-13"),
        (("flows.csv", 4, "period"),),
        "write it as YYYY-MM",
    ),
    Bad(
        "period_converted_to_date_by_excel",
        sub("flows.csv", "2024-02", "2024/2/1"),
        (("flows.csv", 4, "period"),),
        "looks like a date",
    ),
    Bad(
        "duplicated_flow_row",
        add("flows.csv", "gallium,CHN,2024-02,3"),
        (("flows.csv", 6, "good_id,partner,period"),),
        "duplicate row for good_id=gallium, partner=CHN, period=2024-02 (also at row 4)",
    ),
    Bad(
        "must_in_requires_must_out",
        lambda f: (
            sub("projects.csv", "subsidy,500,false,,p_ga_stock,,", "subsidy,500,false,,p_ga_stock,,in")(f),
            sub("projects.csv", "0.2,,,\n", "0.2,,,out\n")(f),
        ),
        (("projects.csv", 3, "must"),),
        "requires 'p_ga_stock' (p_ps_fab → p_ga_stock), which is must=out",
    ),
    Bad(
        "two_must_in_excluding_each_other",
        lambda f: (
            sub("projects.csv", "0,,p_mag_loan,", "0,,p_mag_loan,in")(f),
            sub("projects.csv", "loan,80,false,,,,", "loan,80,false,,,,in")(f),
        ),
        (("projects.csv", 5, "must"),),
        "both must=in but one excludes the other",
    ),
    Bad(
        "requires_and_excludes_same_project",
        sub("projects.csv", "false,,p_ga_stock,,", "false,,p_ga_stock,p_ga_stock,"),
        (("projects.csv", 3, "requires"),),
        "both requires and excludes 'p_ga_stock'",
    ),
    Bad(
        "requires_a_project_that_excludes_it",
        sub("projects.csv", "0.2,,,\n", "0.2,,p_ps_fab,\n"),
        (("projects.csv", 3, "requires"),),
        "can never be funded",
    ),
    Bad(
        "project_requires_itself",
        sub("projects.csv", "loan,80,false,,,,", "loan,80,false,,p_mag_loan,,"),
        (("projects.csv", 5, "requires"),),
        "lists itself in requires",
    ),
    Bad(
        "unknown_sector",
        sub(
            "goods.csv",
            "power_semi,パワー半導体,Power semiconductors,computing",
            "power_semi,パワー半導体,Power semiconductors,semis",
        ),
        (("goods.csv", 3, "sector"),),
        "unknown sector 'semis'; allowed: computing, cleantech, biotech, other",
    ),
    Bad(
        "unknown_domain",
        sub("goods.csv", "cleantech,dependence,true,200", "cleantech,dependency,true,200"),
        (("goods.csv", 4, "domain"),),
        "allowed: disruptive, advantage, dependence",
    ),
    Bad(
        "unknown_instrument",
        sub("projects.csv", "magnet,loan", "magnet,grant"),
        (("projects.csv", 5, "instrument"),),
        "allowed: subsidy, loan, rnd, stockpile, tax, procurement, state_commissioned",
    ),
    Bad(
        "unknown_must",
        sub("projects.csv", "loan,80,false,,,,", "loan,80,false,,,,yes"),
        (("projects.csv", 5, "must"),),
        "unknown must 'yes'; allowed: in, out",
    ),
    Bad(
        "ambiguous_decimal_comma",
        sub("countries.csv", "1.2,false", '"1,2",false'),
        (("countries.csv", 3, "governance"),),
        "write decimals with a point",
    ),
    Bad(
        "percent_sign",
        sub("goods.csv", "0.02,0.1,", "0.02,10%,"),
        (("goods.csv", 2, "autonomy"),),
        "write it as a fraction",
    ),
    Bad(
        "governance_out_of_range",
        sub("countries.csv", "1.6,false", "3.6,false"),
        (("countries.csv", 4, "governance"),),
        "governance must be between -2.5 and 2.5",
    ),
    Bad(
        "unquoted_comma_shifts_columns",
        add("links.csv", "magnet,gallium,0,5"),
        (("links.csv", 4, None),),
        "unquoted comma",
    ),
    Bad(
        "misspelt_column",
        sub("goods.csv", "id,name_ja,name_en", "id,name_jp,name_en"),
        (("goods.csv", 1, "name_jp"),),
        "did you mean 'name_ja'",
    ),
    Bad(
        "misspelt_table_file",
        lambda f: (f.__setitem__("project.csv", f["projects.csv"]), put("projects.csv", None)(f)),
        (("project.csv", None, None),),
        "did you mean 'projects.csv'",
    ),
    Bad(
        "scenario_hits_nothing",
        sub("scenarios.csv", "0.2,gallium,CHN,", "0.2,,,"),
        (("scenarios.csv", 2, "good_id"),),
        "fill in good_id or partner",
    ),
    Bad(
        "per_year_costs_disagree_with_total",
        put(
            "projects.csv",
            "id,name_ja,good_id,instrument,cost,cost_2026,cost_2027\np1,事業,gallium,subsidy,100,30,60\n",
        ),
        (("projects.csv", 2, "cost"),),
        "differs from the sum of cost_2026, cost_2027 (90)",
    ),
    Bad(
        "missing_goods_file",
        put("goods.csv", None),
        (("goods.csv", None, None),),
        "it is the one required table",
    ),
    Bad(
        "undecodable_bytes",
        put("links.csv", b"good_id,input_id\n\x81\xff\xfe,gallium\n"),
        (("links.csv", 2, None),),
        "save it as 'CSV UTF-8",
    ),
    Bad(
        "utf16_file",
        put("links.csv", "good_id,input_id\nmagnet,rare_earth\n".encode("utf-16")),
        (("links.csv", None, None),),
        "UTF-16",
    ),
    # ------------------------------------------------------------------ policy.yaml
    Bad(
        "policy_yaml_syntax",
        put("policy.yaml", "budget:\n  total: 700\n limits: [\n"),
        (("policy.yaml", None, None),),
        "YAML syntax error at line 3",
    ),
    Bad(
        "policy_negative_budget",
        sub("policy.yaml", "total: 700", "total: -700"),
        (("policy.yaml", None, "budget.total"),),
        "greater than 0",
    ),
    Bad(
        "policy_unknown_limit_group",
        sub("policy.yaml", "group: instrument", "group: agency"),
        (("policy.yaml", None, "limits.0.group"),),
        "'domain', 'sector', 'ministry', 'instrument'",
    ),
    Bad(
        "policy_limit_matches_nothing",
        sub("policy.yaml", "value: stockpile", "value: stockpiles"),
        (("policy.yaml", None, "limits.0.value"),),
        "limit on instrument 'stockpiles' matches nothing",
    ),
    Bad(
        "policy_floor_above_cap",
        sub("policy.yaml", "max: 200}", "min: 300, max: 200}"),
        (("policy.yaml", None, "limits.0"),),
        "floor 300.0 is above cap 200.0",
    ),
    Bad(
        "policy_target_days_unknown_good",
        sub("policy.yaml", "{gallium: 180}", "{galium: 180}"),
        (("policy.yaml", None, "stockpile.target_days_by_good.galium"),),
        "did you mean 'gallium'",
    ),
    Bad(
        "policy_budget_year_without_cost_column",
        sub("policy.yaml", "total: 700", "years: {2026: 400, 2027: 300}"),
        (("policy.yaml", None, "budget.years.2026"), ("policy.yaml", None, "budget.years.2027")),
        "has no cost_2026 column in projects.csv",
    ),
    Bad(
        "policy_duplicated_key",
        sub("policy.yaml", "model: default\n", "model: default\nmodel: other\n"),
        (("policy.yaml", None, "model"),),
        "given twice",
    ),
    Bad(
        "policy_misspelt_key",
        sub("policy.yaml", "stockpile:\n", "stockpiles:\n"),
        (("policy.yaml", None, "stockpiles"),),
        "did you mean 'stockpile'",
    ),
    Bad(
        "policy_not_a_mapping",
        put("policy.yaml", "- 1\n- 2\n"),
        (("policy.yaml", None, None),),
        "must be a YAML mapping",
    ),
]


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 20
    assert len({b.id for b in CORPUS}) == len(CORPUS)


def test_minimal_case_is_valid(minimal_case) -> None:
    assert isinstance(load_case(minimal_case), Case)


@pytest.mark.parametrize("bad", CORPUS, ids=[b.id for b in CORPUS])
def test_malformed_case_reports_exactly_the_mistake(bad: Bad, minimal_files: Files, write_case) -> None:
    bad.mutate(minimal_files)
    root = write_case(minimal_files, bad.id)
    with pytest.raises(InputError) as info:
        load_case(root)
    issues = info.value.issues
    got = {(i.file, i.row, i.column) for i in issues}
    assert got == set(bad.expect), "\n".join(f"{i.file}:{i.row}:{i.column}: {i.message}" for i in issues)
    assert any(bad.fragment in i.message for i in issues), [i.message for i in issues]
    for i in issues:
        assert i.message and i.file

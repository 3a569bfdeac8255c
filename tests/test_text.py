"""The text layer: one catalogue, language-aware formats, structured messages rendered once."""

from pathlib import Path

import pytest

from prioritizer.text import cell, field, fmt_num, render, t, vocab
from prioritizer.text.catalogue import CatalogueError, catalogue, load_catalogue


def test_the_shipped_catalogue_loads_without_duplicate_keys():
    cat = catalogue()
    assert cat.text["page.ranking"] == ("優先順位", "Ranking")
    assert "domain" in cat.vocab and "instrument" in cat.vocab


def test_a_key_defined_in_two_files_names_both(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("text:\n  x: [甲, A]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("text:\n  x: [乙, B]\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"a\.yaml and b\.yaml"):
        load_catalogue(tmp_path)


def test_a_malformed_entry_is_named(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("messages:\n  m: only-one\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"messages\.m"):
        load_catalogue(tmp_path)


def test_cells_never_show_none_or_nan_and_booleans_are_words():
    assert cell(None) == "—"
    assert cell(float("nan"), "en") == "—"
    assert cell(True, "ja") == "はい"
    assert cell(False, "en") == "no"
    assert cell("optimal", "ja", vocab_name="status") == "最適"
    assert vocab("instrument", "rnd", "en") == "R&D"


def test_small_numbers_keep_significant_digits():
    assert fmt_num(0.001234) == "0.00123"
    assert fmt_num(1234.5) == "1,234"
    assert fmt_num(6.0312) == "6.03"


def test_fields_carry_their_unit_in_each_language():
    assert field("good_id", "ja") == "物資ID"
    assert field("no_such_field") == "no_such_field"


def test_messages_pick_the_language_of_paired_fields_and_format_money(monkeypatch):
    cat = catalogue()
    monkeypatch.setitem(
        cat.messages,
        "test.price",
        ("{what}を1億円増やすと{gain:num}（{lo:oku}〜{hi:oku}）", "{what}: {gain:num} ({lo:oku}–{hi:oku})"),
    )
    msg = {
        "kind": "test.price",
        "what_ja": "2026年度予算",
        "what_en": "FY2026 budget",
        "gain": 1.9612,
        "lo": 4000,
        "hi": 4230,
    }
    assert render(msg, "ja") == "2026年度予算を1億円増やすと1.96（4,000億円〜4,230億円）"
    assert render(msg, "en") == "FY2026 budget: 1.96 (¥400.0bn–¥423.0bn)"


def test_an_unknown_message_kind_is_an_error_not_a_silent_key():
    with pytest.raises(KeyError, match="no template"):
        render({"kind": "no.such.kind"})
    assert t("no.such.key") == "no.such.key"


def test_units_are_written_in_the_readers_language():
    assert field("days_of_cover", "ja") == "備蓄日数（日）"
    assert field("days_of_cover", "en") == "Days of cover (days)"
    assert field("benefit", "en") == "Benefit (criticality-weighted 億円)"
    assert field("cost", "en") == "Cost (億円)"  # the money unit is the product's own in both languages


def test_the_walk_flags_japanese_in_an_english_header():
    import pandas as pd

    from prioritizer.text.tables import untranslated

    assert untranslated(pd.DataFrame({"Lead time (か月)": ["1"]}), "en")
    assert not untranslated(pd.DataFrame({"Cost (億円)": ["1"]}), "en")

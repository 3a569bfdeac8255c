"""Japanese / English number formats and labels."""

from prioritizer.i18n import DOMAINS, fmt_oku, label, name_of, t


def test_oku_formats_follow_japanese_budget_conventions():
    assert fmt_oku(9500, "ja") == "9,500億円"
    assert fmt_oku(25000, "ja") == "2.50兆円"  # 10,000億円 = 1兆円
    assert fmt_oku(9500, "en") == "¥950.0bn"  # 1億円 = ¥0.1bn
    assert fmt_oku(None, "ja") == "—"


def test_labels_default_to_japanese_and_fall_back_to_key():
    assert t("page.ranking") == "優先順位"
    assert t("page.ranking", "en") == "Ranking"
    assert t("no.such.key") == "no.such.key"
    assert label(DOMAINS, "dependence", "ja").startswith("③")


def test_name_falls_back_across_languages():
    assert name_of({"id": "x", "name_ja": "", "name_en": "Gallium"}, "ja") == "Gallium"
    assert name_of({"id": "x"}, "en") == "x"

"""Japanese / English wording and number formats shared by the app and the reports.

Japanese is the default language: the users read Japanese first. Money is kept in
億円 (100 million yen) throughout the library; only presentation converts it. Terms
follow the glossary of the METI source digest (shared/sources/DIGEST.md §5).
"""

from __future__ import annotations

import math
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANG: Lang = "ja"

# Domain vocabulary: enum value -> (ja, en)
DOMAINS: dict[str, tuple[str, str]] = {
    "disruptive": ("① 破壊的技術革新が進む領域", "① Disruptive innovation"),
    "advantage": ("② 我が国が技術優位性を持つ領域", "② Japanese technological advantage"),
    "dependence": ("③ 対外依存の領域", "③ Foreign dependence"),
}
SECTORS: dict[str, tuple[str, str]] = {
    "computing": ("コンピューティング", "Computing"),
    "cleantech": ("クリーンテック", "Cleantech"),
    "biotech": ("バイオテック", "Biotech"),
    "other": ("その他（防衛・宇宙等）", "Other (defence, space, …)"),
}
INSTRUMENTS: dict[str, tuple[str, str]] = {
    "subsidy": ("補助金", "Subsidy"),
    "loan": ("低利融資", "Low-interest loan"),
    "rnd": ("研究開発", "R&D"),
    "stockpile": ("国家備蓄", "National stockpile"),
    "tax": ("税制優遇", "Tax incentive"),
    "procurement": ("政府調達", "Government procurement"),
    "state_commissioned": ("国による委託", "State-commissioned"),
}

_TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("経済安全保障 優先順位付け・配分ツール", "Economic-security prioritisation and allocation"),
    "lang.label": ("表示言語", "Language"),
    "page.ranking": ("優先順位", "Ranking"),
    "page.weights": ("重み設定", "Weights"),
    "page.allocation": ("予算・備蓄配分", "Allocation what-if"),
    "page.compare": ("比較", "Compare"),
    "page.robustness": ("頑健性", "Robustness"),
    "page.monitoring": ("依存度モニタリング", "Monitoring"),
    "page.audit": ("監査証跡", "Audit trail"),
    "page.data": ("データ", "Data"),
    "page.report": ("報告書", "Reports"),
    "col.rank": ("順位", "Rank"),
    "col.id": ("ID", "ID"),
    "col.name": ("名称", "Name"),
    "col.score": ("スコア", "Score"),
    "col.domain": ("領域", "Domain"),
    "col.sector": ("分野", "Sector"),
    "col.ministry": ("所管", "Ministry"),
    "col.specified_critical": ("特定重要物資", "Specified critical good"),
    "col.instrument": ("政策手段", "Instrument"),
    "col.hint": ("政策手段の目安", "Instrument hint"),
    "col.cost": ("費用（億円）", "Cost (100M JPY)"),
    "col.funded": ("採択率", "Funded share"),
    "col.shadow_price": ("シャドウプライス", "Shadow price"),
    "col.slack": ("余裕", "Slack"),
    "col.binding": ("制約が有効", "Binding"),
    "col.needed": ("採択に必要な価値", "Value needed to enter"),
    "col.days_of_cover": ("備蓄日数", "Days of cover"),
    "col.quantity": ("備蓄量", "Stock quantity"),
    "col.move": ("順位変動", "Rank change"),
    "col.file": ("ファイル", "File"),
    "col.row": ("行", "Row"),
    "col.column": ("列", "Column"),
    "col.value": ("値", "Value"),
    "col.message": ("内容", "Message"),
    "filter.domain": ("領域で絞り込み", "Filter by domain"),
    "filter.sector": ("分野で絞り込み", "Filter by sector"),
    "filter.ministry": ("所管で絞り込み", "Filter by ministry"),
    "filter.specified": ("特定重要物資のみ", "Specified critical goods only"),
    "method": ("評価手法", "Method"),
    "normalisation": ("正規化", "Normalisation"),
    "contributions": ("基準別の寄与", "Contribution by criterion"),
    "map.title": ("三領域 × 分野マップ", "Three domains × sector map"),
    "item.detail": ("項目の詳細", "Item detail"),
    "item.justification": ("根拠", "Justification"),
    "item.neighbours": ("サプライチェーン上の関連", "Supply-chain neighbours"),
    "item.trend": ("輸入の推移", "Import trend"),
    "weights.sliders": ("重み（直接入力）", "Weights (direct)"),
    "weights.swing": ("スウィング法", "Swing weighting"),
    "weights.ahp": ("AHP 一対比較", "AHP pairwise comparison"),
    "weights.cr": ("整合比 CR", "Consistency ratio CR"),
    "weights.cr_ok": ("整合性は許容範囲です（CR ≤ 0.10）", "Consistency acceptable (CR ≤ 0.10)"),
    "weights.cr_bad": ("整合性が不十分です（CR > 0.10）", "Inconsistent judgements (CR > 0.10)"),
    "weights.baseline": ("基準（保存済み）との差", "Change against the saved baseline"),
    "weights.all_zero": (
        "すべての重みが 0 です。少なくとも 1 つの基準に正の重みを付けてください。",
        "All weights are zero. Give at least one criterion a positive weight.",
    ),
    "alloc.budget": ("総予算（億円）", "Total budget (100M JPY)"),
    "alloc.year_budget": ("{year}年度予算（億円）", "FY{year} budget (100M JPY)"),
    "alloc.limits": ("上限・下限", "Floors and caps"),
    "alloc.ignore": ("この制約を無視", "Ignore this constraint"),
    "alloc.must": ("必須採択／除外", "Must fund / must exclude"),
    "alloc.scenarios": ("途絶シナリオ", "Disruption scenarios"),
    "alloc.funded": ("採択事業", "Funded projects"),
    "alloc.unfunded": ("不採択事業", "Unfunded projects"),
    "alloc.spend_by": ("支出の内訳", "Spend by"),
    "alloc.stockpiles": ("備蓄", "Stockpiles"),
    "alloc.constraints": ("制約とシャドウプライス", "Constraints and shadow prices"),
    "alloc.frontier": ("効率的フロンティア", "Efficient frontier"),
    "alloc.infeasible": ("この条件では実行可能な配分がありません。", "No allocation satisfies these rules."),
    "alloc.budget_zero": (
        "予算が 0 以下です。正の予算を入力してください。",
        "The budget is zero or negative. Enter a positive budget.",
    ),
    "alloc.objective": ("目的関数値", "Objective value"),
    "alloc.status": ("求解状態", "Solver status"),
    "save.title": ("シナリオを保存（監査証跡に記録）", "Save scenario (recorded in the audit trail)"),
    "save.actor": ("担当者", "Actor"),
    "save.reason": ("理由", "Reason"),
    "save.button": ("保存", "Save"),
    "save.need_both": ("担当者と理由を入力してください。", "Enter both an actor and a reason."),
    "save.done": ("記録しました: {run_id}", "Recorded: {run_id}"),
    "audit.log": ("実行履歴", "Run log"),
    "audit.diff": ("2 つの実行の差分", "Difference between two runs"),
    "audit.verify": ("改ざん検査", "Verify integrity"),
    "audit.ok": ("監査証跡は完全です（{n} 件を検査）", "The audit trail is intact ({n} records checked)"),
    "audit.broken": ("改ざんを検出しました: {where}", "Tampering detected: {where}"),
    "data.upload": (
        "ケースをアップロード（CSV 複数または XLSX 1 つ）",
        "Upload a case (CSV files or one XLSX)",
    ),
    "data.errors": (
        "入力に問題があります。前のケースを使い続けます。",
        "The upload has problems; the previous case stays active.",
    ),
    "data.loaded": ("ケースを読み込みました", "Case loaded"),
    "data.active": ("使用中のケース", "Active case"),
    "download.csv": ("CSV をダウンロード", "Download CSV"),
    "robust.samples": ("サンプル数", "Samples"),
    "robust.seed": ("乱数シード", "Seed"),
    "robust.run": ("実行", "Run"),
    "robust.acceptability": ("順位受容度", "Rank acceptability"),
    "robust.tornado": ("トルネード図（重み感度）", "Tornado (weight sensitivity)"),
    "robust.core": ("コア指数", "Core index"),
    "monitor.alerts": ("依存度上昇アラート", "Rising-dependence alerts"),
    "monitor.trend": ("指標の推移", "Indicator trend"),
    "compare.variants": ("比較する実行（最大 3）", "Runs to compare (up to 3)"),
    "compare.baseline": ("基準とする実行", "Baseline run"),
    "unavailable": ("この機能はまだ利用できません: {what}", "This feature is not available yet: {what}"),
}


def t(key: str, lang: Lang = DEFAULT_LANG, **fmt: object) -> str:
    """The label for ``key`` in ``lang``; unknown keys return the key itself (visible in review)."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "ja" else pair[1]
    return text.format(**fmt) if fmt else text


def label(vocab: dict[str, tuple[str, str]], value: str, lang: Lang = DEFAULT_LANG) -> str:
    pair = vocab.get(value)
    if pair is None:
        return value
    return pair[0] if lang == "ja" else pair[1]


def fmt_number(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 0) -> str:
    """Thousands separators in both languages (Japanese documents use the comma too)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{x:,.{digits}f}"


def fmt_oku(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 0) -> str:
    """Money held in 億円: ``1,234億円`` in Japanese, ``¥123.4bn`` in English (1億円 = ¥0.1bn)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if lang == "ja":
        if abs(x) >= 10_000:  # 1兆円 = 10,000億円: committee papers switch unit there
            return f"{x / 10_000:,.{max(digits, 2)}f}兆円"
        return f"{x:,.{digits}f}億円"
    return f"¥{x / 10:,.{max(digits, 1)}f}bn"


def fmt_pct(x: float | None, lang: Lang = DEFAULT_LANG, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    return f"{100 * x:.{digits}f}%"


def name_of(row: dict, lang: Lang = DEFAULT_LANG) -> str:
    """The display name of a good/project/scenario row, falling back to the other language or id."""
    first, second = ("name_ja", "name_en") if lang == "ja" else ("name_en", "name_ja")
    for key in (first, second, "id"):
        v = row.get(key)
        if isinstance(v, str) and v.strip():
            return v
    return str(row.get("id", ""))

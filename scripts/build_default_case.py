"""Build the embedded default case ``inputs/default/`` (Japan economic security).

Usage::

    .venv/bin/python scripts/build_default_case.py [--out inputs/default] [--check] [--illustrative]

By default the judgement tables below are followed by the public-statistics stage of
``default_case_public.py`` (flows from CEPII BACI, world supply from USGS MCS, governance
from WGI; extracts in ``scripts/data/``). ``--illustrative`` builds the former case whose
flows are generated (the description of the generator below applies to it only); that case
is frozen as ``tests/cases/default_2026_frozen``.

Everything in the case comes from this one file, so a reviewer can read every
figure and its provenance in one place and the case can be regenerated
byte-for-byte: the tables below are written as CSV, the monthly import flows are
generated from the stated annual totals and partner shares with a fixed seed, and
a few derived columns (``foreign_dependence`` of the goods with flows, scenario
losses) are computed from the generated flows so that the tables agree with each
other. ``--check`` regenerates into a temporary folder and fails if the committed
files differ.

Provenance rules (docs/default-case.md):

* a ``source`` cell names the public document a fact comes from (publisher, title,
  year, line reference into ``/work/shared/sources``) — ``METI 2025`` etc. below;
* ``illustrative`` marks a judgement or a synthetic number; ``illustrative (approx.
  of <statistic>)`` marks a rounded order of magnitude recalled from a public
  statistic that is not in the sources folder — check it before quoting it;
* domain placements that the source digest marks *provisional* say so.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import io
import math
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20261101
#: the default case's HS map (kept by hand; read by the --public-data stage)
HS_MAP = Path(__file__).resolve().parents[1] / "inputs" / "default" / "hs_map.csv"
PERIODS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)][:33]  # 2024-01 … 2026-09
YEARS = (2026, 2027, 2028)

# ----------------------------------------------------------------------------- sources
#: the five METI documents of /work/shared/sources (publisher, title, year)
M001 = "METI, 経済安全保障に係る産業・技術基盤強化アクションプランについて, 2024"
M002 = "METI, 経済安全保障に関する産業・技術基盤強化アクションプラン再改訂にむけて, 2025"
M004 = "METI, 防衛産業の産業競争力強化に向けた経済産業省の取組について, 2024"
M000 = "METI, 経済安全保障に関する産業・技術基盤強化のための有識者会議（第8回）議事要旨, 2025"
M003 = "METI, 地政学リスクを踏まえた製造基盤強化等に関する検討会（第1回）議事要旨, 2026"

ESPA = f"specified critical good: {M004}, L34–37"
FIG = "figures: illustrative"
WGI = "illustrative (approx. of World Bank, Worldwide Governance Indicators, 2023, mean of the six estimates)"


def dom(status: str, ref: str) -> str:
    """Domain provenance: 'confirmed' (stated in running text) or 'provisional' (figure layout)."""
    return f"domain {status}: {ref}"


# ----------------------------------------------------------------------------- goods
# Columns of the tuple below (units in docs/architecture.md):
#   id, name_ja, name_en, sector, domain, specified_critical, ministry, unit,
#   annual_demand, unit_price (億円/unit), parent_id,
#   autonomy, indispensability, securing_cost (億円), foreign_dependence (None = from flows),
#   importance (1–5), substitutability, domestic_production (億円/yr), exports (億円/yr),
#   eol_rir, substitution_index, stockpilable, source
# Scores (autonomy … substitution_index) are judgements: illustrative throughout.
# Technologies without a physical unit carry unit "億円" (domestic market value),
# unit_price 1, so annual_demand × unit_price is the value at stake in 億円/yr.
GoodRow = tuple[Any, ...]

_DEM = "annual_demand, unit_price: illustrative"
# fmt: off
GOODS: list[GoodRow] = [
    # --- the 12 specified critical goods (ESPA), with their sub-items -----------------
    ("semiconductors", "半導体", "Semiconductors", "computing", "dependence", True, "METI", "億円", 90000, 1.0, "",
     0.45, 0.55, 4000, None, 5, 0.2, 55000, 30000, 0.0, 0.9, False,
     f"{ESPA}; ESPA scope 製造装置・部素材・原料: {M002}, L2061–2063; domain of the aggregate: illustrative "
     "(the map splits it: leading-edge ①, power/materials ②, legacy ③); "
     "domestic_production, exports, annual_demand: illustrative (approx. of METI 生産動態統計 / MOF 貿易統計 2023); "
     "scores: illustrative"),
    ("leading_edge_logic", "先端・次世代半導体（ロジック）", "Leading-edge logic semiconductors", "computing",
     "disruptive", False, "METI", "億円", 20000, 1.0, "semiconductors",
     0.05, 0.1, 9000, 0.85, 5, 0.05, None, None, 0.0, 0.95, False,
     f"{dom('provisional', M002 + ', L1895–2029 (先端・次世代半導体)')}; {FIG}"),
    ("advanced_packaging", "先端後工程（パッケージング）", "Advanced back-end packaging", "computing", "disruptive",
     False, "METI", "億円", 6000, 1.0, "semiconductors",
     0.3, 0.35, 1500, 0.5, 4, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('provisional', M002 + ', L1895–2029 (先端後工程)')}; {FIG}"),
    ("power_semiconductors", "高性能パワー半導体", "High-performance power semiconductors", "computing", "advantage",
     False, "METI", "億円", 8000, 1.0, "semiconductors",
     0.6, 0.6, 2000, 0.3, 5, 0.3, None, None, 0.05, 0.8, False,
     f"{dom('provisional', M002 + ', L1895–2029 (高性能パワー半導体)')}; {FIG}"),
    ("semiconductor_materials", "半導体部素材", "Semiconductor materials", "computing", "advantage", False, "METI",
     "億円", 12000, 1.0, "semiconductors",
     0.75, 0.85, 1200, 0.2, 5, 0.15, None, None, 0.05, 0.9, False,
     f"{dom('provisional', M002 + ', L1895–2029 (半導体製造装置・部素材)')}; importance of materials: {M001}, L303; "
     f"{FIG}"),
    ("photoresist", "フォトレジスト", "Photoresists", "computing", "advantage", False, "METI", "億円", 2500, 1.0,
     "semiconductor_materials",
     0.85, 0.95, 300, 0.1, 5, 0.1, None, None, 0.0, 0.95, False,
     f"prior-reporting technology ⑧: {M002}, L2987; {dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("semiconductor_equipment", "半導体製造装置", "Semiconductor manufacturing equipment", "computing", "advantage",
     False, "METI", "億円", 15000, 1.0, "semiconductors",
     0.6, 0.75, 1500, 0.25, 5, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('provisional', M002 + ', L1895–2029 (半導体製造装置・部素材)')}; {FIG}"),
    ("microcontrollers", "マイコン", "Microcontrollers", "computing", "advantage", False, "METI", "億円", 6000, 1.0,
     "semiconductors",
     0.55, 0.5, 800, 0.35, 4, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('provisional (② or ③ in the figure; ② chosen, illustrative)', M002 + ', L1895–2029; L2096–2098')}; "
     f"{FIG}"),
    ("legacy_semiconductors", "一般的なレガシー半導体", "General legacy semiconductors", "computing", "dependence",
     False, "METI", "億円", 10000, 1.0, "semiconductors",
     0.35, 0.2, 1500, 0.55, 4, 0.5, None, None, 0.0, 0.6, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; US concern on Chinese legacy chips: {M001}, L359, L385; {FIG}"),
    ("advanced_electronic_components", "先端電子部品", "Advanced electronic components", "computing", "advantage",
     True, "METI", "億円", 15000, 1.0, "",
     0.75, 0.8, 800, 0.15, 5, 0.3, None, None, 0.0, 0.8, False,
     f"{ESPA}; designated Feb 2024 (MLCC, film capacitors, SAW/BAW filters): {M001}, L783; "
     f"{dom('provisional', M002 + ', L1895–2029 (高性能な電子部品)')}; {FIG}"),
    ("mlcc", "積層セラミックコンデンサ（MLCC）", "Multilayer ceramic capacitors (MLCC)", "computing", "advantage",
     False, "METI", "億円", 6000, 1.0, "advanced_electronic_components",
     0.8, 0.9, 300, 0.1, 5, 0.2, None, None, 0.0, 0.85, False,
     f"prior-reporting technology ①: {M002}, L2973; {FIG}"),
    ("saw_baw_filters", "SAW・BAWフィルタ", "SAW and BAW filters", "computing", "advantage", False, "METI", "億円",
     2500, 1.0, "advanced_electronic_components",
     0.7, 0.8, 250, 0.15, 4, 0.25, None, None, 0.0, 0.85, False,
     f"prior-reporting technology ②: {M002}, L2975; {FIG}"),
    ("general_electronic_components", "一般的な電子部品", "General electronic components", "computing",
     "dependence", False, "METI", "億円", 12000, 1.0, "",
     0.4, 0.2, 600, 0.5, 3, 0.6, None, None, 0.0, 0.5, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("cloud_programs", "クラウドプログラム", "Cloud programs", "computing", "dependence", True, "METI", "億円", 30000,
     1.0, "",
     0.3, 0.15, 2000, 0.7, 5, 0.35, None, None, 0.0, 0.6, False,
     f"{ESPA}; {dom('provisional', M002 + ', L1895–2029; digital-service dependence L457–458')}; "
     f"annual_demand: illustrative (approx. of domestic public-cloud market, MIC 情報通信白書 2024); {FIG}"),
    ("quantum_computers", "量子コンピュータ", "Quantum computers", "computing", "disruptive", False, "METI", "億円",
     1000, 1.0, "",
     0.25, 0.3, 1000, 0.6, 4, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('confirmed', M001 + ', L619; Run Faster ' + M002 + ', L3258')}; Japan 2023 quantum investment "
     f"700M$ (≈1,000億円): {M002}, L1239–1240; {FIG}"),
    ("ai", "AI（基盤モデル等）", "AI (foundation models etc.)", "computing", "disruptive", False, "METI", "億円",
     15000, 1.0, "",
     0.2, 0.15, 3000, 0.75, 5, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('confirmed', M002 + ', L3252–3259 (Run Faster: AI・先端コンピューティング)')}; AI layers: {M002}, "
     f"L887–895; {FIG}"),
    ("photonics_electronics", "光電融合", "Photonics-electronics convergence", "computing", "disruptive", False,
     "MIC", "億円", 500, 1.0, "",
     0.55, 0.55, 600, 0.3, 4, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('confirmed', M001 + ', L619')}; ministry: not named in the sources (MIC/METI, illustrative); {FIG}"),
    ("embedded_software", "組込みソフトウェア・システム", "Embedded software and systems", "computing",
     "advantage", False, "METI", "億円", 8000, 1.0, "",
     0.65, 0.5, 300, 0.2, 3, 0.4, None, None, 0.0, 0.6, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("optical_fibre", "光ファイバー", "Optical fibre", "computing", "advantage", False, "METI", "億円", 1500, 1.0,
     "",
     0.7, 0.6, 300, 0.25, 4, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("pcs_smartphones", "PC・スマホ・タブレット", "PCs, smartphones and tablets", "computing", "dependence",
     False, "METI", "億円", 40000, 1.0, "",
     0.15, 0.05, 500, None, 2, 0.6, 9000, 1000, 0.1, 0.5, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; domestic_production, exports: illustrative (approx. of METI "
     f"生産動態統計 2023); {FIG}"),
    ("multifunction_printers", "複合機", "Multifunction printers", "computing", "advantage", False, "METI", "億円",
     4000, 1.0, "",
     0.8, 0.6, 100, 0.15, 2, 0.5, None, None, 0.1, 0.5, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("pfas_alternatives", "PFAS代替", "PFAS alternatives", "computing", "disruptive", False, "METI", "億円", 800,
     1.0, "",
     0.5, 0.45, 200, 0.3, 3, 0.4, None, None, 0.0, 0.7, False,
     f"{dom('unclear (① or ②; ① chosen, illustrative)', M002 + ', L1895–2029')}; {FIG}"),
    # --- batteries ------------------------------------------------------------------
    ("storage_batteries", "蓄電池", "Storage batteries", "cleantech", "dependence", True, "METI", "億円", 18000, 1.0,
     "",
     0.35, 0.3, 3000, None, 5, 0.3, 7000, 3000, 0.05, 0.8, False,
     f"{ESPA}; ESPA scope 部素材・製造装置: {M002}, L2065–2067; China >50% of world Li-ion exports: {M002}, "
     "L580–581; domain of the aggregate: illustrative (the map splits it: all-solid-state ①, NMC ②, LFP ③); "
     "domestic_production, exports: illustrative (approx. of METI 生産動態統計 2023); scores: illustrative"),
    ("all_solid_state_batteries", "全固体電池", "All-solid-state batteries", "cleantech", "disruptive", False,
     "METI", "億円", 1500, 1.0, "storage_batteries",
     0.6, 0.6, 1500, 0.2, 4, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('confirmed', M001 + ', L799, L813–817 (practical use by 2030)')}; {FIG}"),
    ("solid_electrolytes", "固体電解質", "Solid electrolytes", "cleantech", "disruptive", False, "METI", "億円", 200,
     1.0, "storage_batteries",
     0.7, 0.7, 300, 0.15, 4, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('confirmed (2024)', M001 + ', L809–811')}; prior-reporting technology ⑭: {M002}, L2999; {FIG}"),
    ("liion_nmc", "液体リチウムイオン電池（三元系）", "Liquid Li-ion batteries (NMC)", "cleantech", "advantage",
     False, "METI", "億円", 8000, 1.0, "storage_batteries",
     0.45, 0.4, 1500, 0.45, 4, 0.4, None, None, 0.05, 0.7, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("electrode_binders", "正負極バインダー", "Cathode and anode binders", "cleantech", "advantage", False, "METI",
     "億円", 600, 1.0, "storage_batteries",
     0.8, 0.8, 150, 0.15, 3, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; prior-reporting technology ⑬: {M002}, L2997; {FIG}"),
    ("liion_lfp", "液体リチウムイオン電池（LFP）", "Liquid Li-ion batteries (LFP)", "cleantech", "dependence",
     False, "METI", "億円", 5000, 1.0, "storage_batteries",
     0.15, 0.05, 1200, 0.8, 3, 0.5, None, None, 0.05, 0.6, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    # --- machine tools, aircraft parts, magnets, ship parts ------------------------------
    ("machine_tools_robots", "工作機械・産業用ロボット", "Machine tools and industrial robots", "other",
     "advantage", True, "METI", "億円", 15000, 1.0, "",
     0.8, 0.8, 1000, 0.15, 5, 0.3, None, None, 0.1, 0.8, False,
     f"{ESPA}; {dom('provisional', M002 + ', L1895–2029 (3分野以外)')}; {FIG}"),
    ("aircraft_parts", "航空機の部品", "Aircraft parts", "other", "advantage", True, "METI", "億円", 6000, 1.0, "",
     0.55, 0.6, 1200, 0.35, 5, 0.2, None, None, 0.1, 0.9, False,
     f"{ESPA}; five sub-items: {M004}, L65; domain of the aggregate: illustrative (carbon fibre ② and "
     f"forgings/castings ③: {M001}, L903–913); {FIG}"),
    ("large_forgings", "大型鍛造品", "Large forgings", "other", "dependence", False, "METI", "億円", 800, 1.0,
     "aircraft_parts",
     0.4, 0.4, 400, 0.5, 5, 0.15, None, None, 0.2, 0.9, False,
     f"aircraft-part item ①: {M004}, L65; {dom('confirmed', M001 + ', L910–913')}; SME equipment risk: {M003}, "
     f"L24; {FIG}"),
    ("cmc_sic_fibre", "CMC（セラミック複合材）及びSiC繊維", "Ceramic matrix composites and SiC fibre", "other",
     "advantage", False, "METI", "億円", 300, 1.0, "aircraft_parts",
     0.75, 0.85, 250, 0.1, 4, 0.1, None, None, 0.0, 0.95, False,
     f"aircraft-part item ②: {M004}, L65; {dom('provisional', 'engine materials, ' + M001 + ', L903–906')}; "
     f"SiC fibre prior-reporting ⑦: {M002}, L2985; {FIG}"),
    ("carbon_fibre", "炭素繊維", "Carbon fibre", "other", "advantage", False, "METI", "億円", 1500, 1.0,
     "aircraft_parts",
     0.85, 0.85, 200, 0.1, 4, 0.25, None, None, 0.05, 0.7, False,
     f"aircraft-part item ③: {M004}, L65; {dom('confirmed', M001 + ', L903–906')}; prior-reporting ⑥: {M002}, "
     f"L2983; {FIG}"),
    ("castings", "鋳造品", "Castings", "other", "dependence", False, "METI", "億円", 700, 1.0, "aircraft_parts",
     0.45, 0.35, 350, 0.45, 4, 0.2, None, None, 0.3, 0.85, False,
     f"aircraft-part item ④: {M004}, L65; {dom('confirmed', M001 + ', L910–913')}; SME equipment risk: {M003}, "
     f"L24; {FIG}"),
    ("titanium_sponge", "スポンジチタン", "Titanium sponge", "other", "advantage", False, "METI", "t", 40000, 0.025,
     "aircraft_parts",
     0.8, 0.7, 300, 0.1, 4, 0.2, None, None, 0.2, 0.9, True,
     f"aircraft-part item ⑤: {M004}, L65; prior-reporting ⑫: {M002}, L2995; domain not stated in the sources "
     f"(② illustrative); {_DEM}; {FIG}"),
    ("permanent_magnets", "永久磁石", "Permanent magnets", "other", "dependence", True, "METI", "t", 10000, 0.12, "",
     0.35, 0.45, 800, None, 5, 0.25, 1200, 150, 0.05, 0.85, False,
     f"{ESPA}; {dom('provisional', M002 + ', L1895–2029 (3分野以外)')}; {_DEM}; domestic_production, exports: "
     f"illustrative; scores: illustrative"),
    ("ship_components", "船舶用部品", "Ship components", "other", "dependence", True, "MLIT", "億円", 5000, 1.0, "",
     0.55, 0.35, 600, 0.3, 4, 0.3, None, None, 0.1, 0.7, False,
     f"{ESPA}; 船舶部品: {M002}, L2056; ministry not named in the sources (MLIT: public knowledge, verify); domain "
     f"not stated (③ illustrative); {FIG}"),
    # --- critical minerals ---------------------------------------------------------------
    ("critical_minerals", "重要鉱物", "Critical minerals", "cleantech", "dependence", True, "METI", "億円", 25000,
     1.0, "",
     0.2, 0.1, 3000, 0.7, 5, 0.2, None, None, 0.1, 0.85, False,
     f"{ESPA}; {dom('confirmed', M001 + ', L801–807 (特定国に偏在・依存; 精錬工程は中国に集中)')}; {FIG}"),
    ("rare_earths", "レアアース（軽希土類）", "Rare earths (light)", "cleantech", "dependence", False, "METI", "t",
     16000, 0.02, "critical_minerals",
     0.1, 0.05, 800, None, 5, 0.15, 20, 15, 0.01, 0.9, True,
     f"critical mineral: {M000}, L36 (代替供給源・国家備蓄); partner shares CHN 60% / VNM 16%: {M002}, L2484–2485 "
     f"(basis not stated); {dom('confirmed', M001 + ', L801–807')}; annual_demand, unit_price: illustrative "
     "(approx. of MOF 貿易統計 rare-earth imports 2023); scores: illustrative"),
    ("heavy_rare_earths", "重希土類（Dy・Tb等）", "Heavy rare earths (Dy, Tb etc.)", "cleantech", "dependence",
     False, "METI", "t", 500, 0.6, "rare_earths",
     0.05, 0.02, 400, None, 5, 0.1, 5, 5, 0.02, 0.95, True,
     f"China export controls on Sm, Gd, Tb, Dy, Lu, Sc, Y (25年4月4日): {M002}, L104–414; {_DEM}; {FIG}"),
    ("gallium", "ガリウム", "Gallium", "computing", "dependence", False, "METI", "t", 150, 0.75,
     "critical_minerals",
     0.2, 0.1, 150, None, 4, 0.2, 20, 5, 0.1, 0.9, True,
     f"China export controls (23年8月; US-bound 原則不許可 24年12月): {M002}, L104–414; {M001}, L184; "
     f"{dom('confirmed', M001 + ', L801–807')}; {_DEM}; {FIG}"),
    ("germanium", "ゲルマニウム", "Germanium", "computing", "dependence", False, "METI", "t", 30, 3.5,
     "critical_minerals",
     0.2, 0.05, 100, None, 4, 0.2, 10, 5, 0.05, 0.85, True,
     f"China export controls (23年8月; 24年12月): {M002}, L104–414; {_DEM}; {FIG}"),
    ("natural_graphite", "天然黒鉛", "Natural graphite", "cleantech", "dependence", False, "METI", "t", 120000,
     0.0025, "critical_minerals",
     0.05, 0.02, 300, None, 4, 0.3, 1, 0, 0.0, 0.8, True,
     f"China export controls on graphite (23年12月): {M002}, L104–414; listed critical mineral: {M002}, "
     f"L1930–1933; {_DEM}; {FIG}"),
    ("lithium", "リチウム", "Lithium", "cleantech", "dependence", False, "METI", "t (LCE)", 50000, 0.018,
     "critical_minerals",
     0.3, 0.05, 600, None, 5, 0.2, 0, 0, 0.0, 0.85, True,
     f"shares CHN 55% / CHL 30%: {M002}, L2481–2482 (basis not stated); {dom('confirmed', M001 + ', L801–807')}; "
     f"{_DEM} (approx. of lithium-carbonate prices 2024); {FIG}"),
    ("nickel", "ニッケル", "Nickel", "cleantech", "dependence", False, "METI", "t", 160000, 0.025,
     "critical_minerals",
     0.5, 0.2, 800, None, 4, 0.3, 3000, 1000, 0.3, 0.7, True,
     f"shares IDN 28% / PHL 26%: {M002}, L2487–2488 (basis not stated); {dom('confirmed', M001 + ', L801–807')}; "
     f"{_DEM}; {FIG}"),
    ("cobalt", "コバルト", "Cobalt", "cleantech", "dependence", False, "METI", "t", 10000, 0.04,
     "critical_minerals",
     0.4, 0.15, 300, None, 4, 0.3, 300, 100, 0.2, 0.75, True,
     f"{dom('confirmed', M001 + ', L801–807')}; raw materials in 豪州・南米・コンゴ民, refining in China: {M001}, "
     f"L842; {_DEM}; {FIG}"),
    ("antimony", "アンチモン", "Antimony", "other", "dependence", False, "METI", "t", 5000, 0.06,
     "critical_minerals",
     0.15, 0.05, 200, None, 4, 0.3, 10, 10, 0.25, 0.8, True,
     f"China export controls (24年9月; 24年12月): {M002}, L104–414; antimony for defence: {M000}, L28–36; "
     f"{_DEM}; {FIG}"),
    ("copper", "銅", "Copper", "cleantech", "dependence", False, "METI", "t", 900000, 0.014, "critical_minerals",
     0.6, 0.3, 2000, None, 4, 0.3, 10, 0, 0.45, 0.6, False,
     f"listed critical mineral: {M002}, L1930–1933; {_DEM} (approx. of LME prices 2024); not stockpilable here: "
     "Japan's rare-metal stockpile covers rare metals, not base metals (illustrative); scores: illustrative"),
    ("tungsten", "タングステン", "Tungsten", "other", "dependence", False, "METI", "t", 7000, 0.06,
     "critical_minerals",
     0.3, 0.2, 200, None, 4, 0.3, 100, 60, 0.4, 0.8, True,
     f"China export controls on tungsten (25年2月4日): {M002}, L104–414; {_DEM}; {FIG}"),
    # --- energy and other cleantech ------------------------------------------------------
    ("lng", "天然ガス（LNG）", "Natural gas (LNG)", "other", "dependence", True, "METI", "Mt", 66, 950.0, "",
     0.35, 0.05, 2000, None, 5, 0.2, 1000, 800, 0.0, 0.7, True,
     f"{ESPA} (可燃性天然ガス: {M002}, L2069–2071); domain: illustrative (③; energy is not placed in the map); "
     "annual_demand: illustrative (approx. of METI 資源・エネルギー統計, LNG imports 2023 ≈ 66 Mt); unit_price: "
     "illustrative (approx. of MOF 貿易統計 LNG unit value 2024); scores: illustrative"),
    ("perovskite_solar", "次世代型太陽電池（ペロブスカイト）", "Perovskite solar cells", "cleantech", "disruptive",
     False, "METI", "億円", 1000, 1.0, "",
     0.6, 0.55, 1000, 0.2, 4, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('confirmed', M001 + ', L836–838')}; 20 GW by 2040, GW-scale production by 2030: {M002}, L720–722, "
     f"L3575–3577; {FIG}"),
    ("encapsulation", "封止技術", "Encapsulation technology", "cleantech", "advantage", False, "METI", "億円", 200,
     1.0, "",
     0.7, 0.6, 100, 0.15, 3, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('unclear (① in 001 L838, next to iodine ② in 002 L1928; ② chosen, illustrative)', M001)}; {FIG}"),
    ("iodine", "ヨウ素", "Iodine", "cleantech", "advantage", False, "METI", "t", 9000, 0.07, "",
     0.85, 0.7, 150, None, 3, 0.3, 600, 300, 0.1, 0.7, False,
     f"{dom('confirmed', M001 + ', L821–825')}; world production Chile ≈6割, Japan ≈3割: {M001}, L825; "
     f"{_DEM}; {FIG}"),
    ("conventional_pv", "太陽電池（結晶シリコン）", "Conventional (crystalline-silicon) solar cells", "cleantech",
     "dependence", False, "METI", "億円", 4000, 1.0, "",
     0.1, 0.05, 500, None, 2, 0.6, 600, 50, 0.05, 0.5, False,
     f"domain ③: {M001}, L843 (中国の低価格な製品が市場を席捲); {FIG}"),
    ("hydrogen_dri_steel", "水素還元製鉄技術", "Hydrogen-reduction steelmaking", "cleantech", "disruptive", False,
     "METI", "億円", 500, 1.0, "",
     0.6, 0.5, 1500, 0.2, 3, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('provisional', M002 + ', L1895–2029 (産業分野)')}; GI Fund: {M002}, L2122; {FIG}"),
    ("fusion_components", "フュージョンエネルギー（部素材等）", "Fusion energy components and materials",
     "cleantech", "disruptive", False, "Cabinet Office", "億円", 100, 1.0, "",
     0.55, 0.5, 500, 0.2, 3, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; ministry not named in the sources (Cabinet Office, "
     f"illustrative); {FIG}"),
    ("nuclear_components", "原子力部素材等製造技術", "Nuclear components and materials manufacturing",
     "cleantech", "advantage", False, "METI", "億円", 1500, 1.0, "",
     0.7, 0.6, 400, 0.15, 4, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    # --- biotech and medical ---------------------------------------------------------------
    ("antimicrobials", "抗菌性物質製剤", "Antimicrobial preparations", "biotech", "dependence", True, "MHLW",
     "t (API)", 550, 0.3, "",
     0.2, 0.05, 300, None, 5, 0.2, 600, 20, 0.0, 0.9, True,
     f"{ESPA}; measures by MHLW (β-lactams): {M001}, L875–881; {dom('confirmed', M001 + ', L869–876')}; "
     "annual_demand: illustrative (approx. of AMR One Health Report, human antimicrobial use ≈ 500–600 t); "
     "scores: illustrative"),
    ("beta_lactam_api", "β-ラクタム系抗菌薬原薬", "Beta-lactam antibiotic APIs", "biotech", "dependence", False,
     "MHLW", "t", 200, 0.5, "antimicrobials",
     0.05, 0.0, 250, None, 5, 0.1, 5, 0, 0.0, 0.95, True,
     f"four designated β-lactams: {M001}, L875–881; API dependence on China/India: {M001}, L873; {_DEM}; {FIG}"),
    ("generic_apis", "後発医薬品の原薬", "Generic drug APIs", "biotech", "dependence", False, "MHLW", "億円", 3500,
     1.0, "",
     0.3, 0.05, 500, None, 4, 0.3, 1500, 300, 0.0, 0.8, False,
     f"{dom('confirmed', M001 + ', L869–876 (世界全体で原薬の供給を中国・インドに依存)')}; {FIG}"),
    ("biomanufacturing", "バイオものづくり（大量培養・発酵生産）", "Biomanufacturing (mass culture, fermentation)",
     "biotech", "disruptive", False, "METI", "億円", 1000, 1.0, "",
     0.5, 0.4, 800, 0.2, 4, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('confirmed', M001 + ', L855–858')}; バイオものづくり革命推進事業: {M002}, L2109–2113; {FIG}"),
    ("cell_design_platforms", "微生物・細胞設計プラットフォーム", "Microbe and cell design platforms", "biotech",
     "disruptive", False, "METI", "億円", 300, 1.0, "",
     0.35, 0.3, 400, 0.4, 3, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('confirmed', M001 + ', L857')}; {FIG}"),
    ("gene_editing", "遺伝子編集・合成", "Gene editing and synthesis", "biotech", "disruptive", False, "METI", "億円",
     300, 1.0, "",
     0.3, 0.2, 300, 0.5, 3, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("cell_therapy", "細胞治療薬の製造（iPS細胞等）", "Cell-therapy manufacturing (iPS cells etc.)", "biotech",
     "disruptive", False, "MHLW", "億円", 500, 1.0, "",
     0.55, 0.55, 500, 0.25, 3, 0.3, None, None, 0.0, 0.8, False,
     f"{dom('provisional (① or ②; ① chosen)', M002 + ', L1895–2029')}; 再生医療・遺伝子治療: {M002}, "
     f"L2109–2113; ministry: illustrative; {FIG}"),
    ("analytical_instruments", "分析装置", "Analytical instruments", "biotech", "advantage", False, "METI", "億円",
     3000, 1.0, "",
     0.75, 0.65, 200, 0.15, 3, 0.3, None, None, 0.05, 0.7, False,
     f"{dom('confirmed', M001 + ', L861–863')}; SEM/TEM prior-reporting ⑩: {M002}, L2991; {FIG}"),
    ("separation_membranes", "分離・精製技術（分離膜等）", "Separation and purification (membranes etc.)",
     "biotech", "advantage", False, "METI", "億円", 1000, 1.0, "",
     0.75, 0.6, 150, 0.15, 3, 0.3, None, None, 0.0, 0.7, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("medical_devices", "医療機器", "Medical devices", "biotech", "advantage", False, "MHLW", "億円", 45000, 1.0, "",
     0.5, 0.4, 800, 0.35, 4, 0.4, None, None, 0.05, 0.6, False,
     f"{dom('confirmed', M001 + ', L861–863 (技術優位性を持つ医療機器)')}; ministry: MHLW with METI (public "
     "knowledge); annual_demand: illustrative (approx. of MHLW 薬事工業生産動態統計, domestic market ≈ 4–5兆円); "
     "scores: illustrative"),
    ("medical_imaging", "CT・MR・内視鏡", "CT, MR and endoscopes", "biotech", "advantage", False, "MHLW", "億円",
     6000, 1.0, "medical_devices",
     0.7, 0.75, 300, 0.15, 4, 0.3, None, None, 0.05, 0.8, False,
     f"{dom('confirmed', M001 + ', L863')}; {FIG}"),
    ("samd", "血管内治療SaMD等のデジタル領域", "Digital health, e.g. SaMD for endovascular treatment",
     "biotech", "disruptive", False, "MHLW", "億円", 300, 1.0, "medical_devices",
     0.4, 0.3, 200, 0.3, 3, 0.4, None, None, 0.0, 0.6, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("ventilators", "人工呼吸器", "Ventilators", "biotech", "dependence", False, "MHLW", "億円", 400, 1.0,
     "medical_devices",
     0.3, 0.1, 150, 0.6, 4, 0.4, None, None, 0.05, 0.7, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; {FIG}"),
    ("basic_medical_supplies", "基礎的医療機器（ガーゼ・シリンジ等）", "Basic medical supplies (gauze, syringes)",
     "biotech", "dependence", False, "MHLW", "億円", 4000, 1.0, "medical_devices",
     0.3, 0.02, 300, None, 4, 0.5, 2000, 100, 0.0, 0.5, False,
     f"{dom('provisional', M002 + ', L1895–2029')}; domestic_production, exports: illustrative; {FIG}"),
    # --- defence, space, communications ---------------------------------------------------
    ("satellites_rockets", "人工衛星・ロケット", "Satellites and rockets", "other", "disruptive", False,
     "Cabinet Office", "億円", 4000, 1.0, "",
     0.45, 0.35, 2000, 0.45, 5, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('provisional', M002 + ', L1631 (frontier domain)')}; commercial satellites 0/27 launched on "
     f"Japanese launchers 2013–2022: {M002}, L1446–1459; 宇宙戦略基金: {M002}, L2129–2130; ministry: Cabinet "
     f"Office with MEXT/METI/MIC (public knowledge); {FIG}"),
    ("submarine_cables", "海底ケーブル", "Submarine cables", "other", "advantage", False, "MIC", "億円", 1000, 1.0,
     "",
     0.65, 0.7, 500, 0.2, 4, 0.2, None, None, 0.0, 0.9, False,
     f"{dom('provisional', M002 + ', L1486 (世界の３大海底ケーブル製造企業の一角)')}; ≈99% of international "
     f"communications: {M002}, L1482; ministry: MIC (public knowledge); {FIG}"),
    ("drones", "ドローン", "Drones (UAV)", "other", "dependence", False, "METI", "億円", 800, 1.0, "",
     0.2, 0.05, 300, None, 4, 0.4, 50, 5, 0.0, 0.6, False,
     f"China export controls on some drones (23年9月): {M002}, L104–414; Japanese production and imports: "
     f"{M002}, L1574–1609; not placed in the three-domain map (③ illustrative); {FIG}"),
    # --- fertiliser -----------------------------------------------------------------------
    ("fertiliser", "肥料", "Fertiliser", "other", "dependence", True, "MAFF", "億円", 5000, 1.0, "",
     0.2, 0.05, 400, 0.6, 5, 0.2, None, None, 0.1, 0.8, False,
     f"{ESPA}; {M002}, L2073; ministry not named in the sources (MAFF: public knowledge, verify); domain not "
     f"stated (③ illustrative); {FIG}"),
    ("phosphate_fertiliser", "りん酸アンモニウム（りん安）", "Ammonium phosphate (DAP/MAP)", "other",
     "dependence", False, "MAFF", "t", 400000, 0.0015, "fertiliser",
     0.1, 0.0, 150, None, 5, 0.3, 100, 0, 0.1, 0.8, True,
     f"sub-item of 肥料 ({M004}, L37); ministry MAFF: public knowledge (not named in the sources); {_DEM} (approx. of MAFF 肥料をめぐる情勢 2023); {FIG}"),
    ("potash", "塩化加里", "Potassium chloride (potash)", "other", "dependence", False, "MAFF", "t", 400000, 0.001,
     "fertiliser",
     0.3, 0.0, 100, None, 4, 0.3, 0, 0, 0.0, 0.9, True,
     f"sub-item of 肥料 ({M004}, L37); ministry MAFF: public knowledge (not named in the sources); {_DEM} (approx. of MAFF 肥料をめぐる情勢 2023); {FIG}"),
]
# fmt: on

GOOD_COLUMNS = [
    "id", "name_ja", "name_en", "sector", "domain", "specified_critical", "ministry", "unit", "annual_demand",
    "unit_price", "parent_id", "autonomy", "indispensability", "securing_cost", "foreign_dependence", "importance",
    "substitutability", "domestic_production", "exports", "eol_rir", "substitution_index", "stockpilable", "source",
]  # fmt: skip

# ----------------------------------------------------------------------------- countries
# iso3, name_ja, name_en, governance (WGI-style mean), concern, partner
# concern / partner are policy judgements (illustrative): partner = ally, EU/UK/US
# agreement, CPTPP or bilateral EPA partner that is not a country of concern.
# fmt: off
COUNTRIES: list[tuple[str, str, str, float, bool, bool]] = [
    ("JPN", "日本", "Japan", 1.35, False, False),
    ("USA", "米国", "United States", 1.05, False, True),
    ("CAN", "カナダ", "Canada", 1.45, False, True),
    ("MEX", "メキシコ", "Mexico", -0.55, False, True),
    ("GBR", "英国", "United Kingdom", 1.2, False, True),
    ("DEU", "ドイツ", "Germany", 1.4, False, True),
    ("FRA", "フランス", "France", 1.05, False, True),
    ("ITA", "イタリア", "Italy", 0.6, False, True),
    ("ESP", "スペイン", "Spain", 0.8, False, True),
    ("NLD", "オランダ", "Netherlands", 1.6, False, True),
    ("BEL", "ベルギー", "Belgium", 1.15, False, True),
    ("AUT", "オーストリア", "Austria", 1.3, False, True),
    ("POL", "ポーランド", "Poland", 0.7, False, True),
    ("HUN", "ハンガリー", "Hungary", 0.45, False, True),
    ("SWE", "スウェーデン", "Sweden", 1.6, False, True),
    ("FIN", "フィンランド", "Finland", 1.8, False, True),
    ("EST", "エストニア", "Estonia", 1.35, False, True),
    ("IRL", "アイルランド", "Ireland", 1.4, False, True),
    ("NOR", "ノルウェー", "Norway", 1.7, False, False),
    ("CHE", "スイス", "Switzerland", 1.7, False, True),
    ("KOR", "韓国", "Republic of Korea", 0.95, False, True),
    ("TWN", "台湾", "Taiwan", 1.1, False, True),
    ("SGP", "シンガポール", "Singapore", 1.6, False, True),
    ("AUS", "オーストラリア", "Australia", 1.4, False, True),
    ("NZL", "ニュージーランド", "New Zealand", 1.7, False, True),
    ("IND", "インド", "India", -0.1, False, True),
    ("IDN", "インドネシア", "Indonesia", -0.2, False, True),
    ("PHL", "フィリピン", "Philippines", -0.35, False, True),
    ("VNM", "ベトナム", "Viet Nam", -0.3, False, True),
    ("THA", "タイ", "Thailand", -0.25, False, True),
    ("MYS", "マレーシア", "Malaysia", 0.3, False, True),
    ("BRN", "ブルネイ", "Brunei Darussalam", 0.6, False, True),
    ("PNG", "パプアニューギニア", "Papua New Guinea", -0.6, False, False),
    ("CHL", "チリ", "Chile", 0.8, False, True),
    ("PER", "ペルー", "Peru", -0.25, False, True),
    ("ARG", "アルゼンチン", "Argentina", -0.25, False, False),
    ("BOL", "ボリビア", "Bolivia", -0.65, False, False),
    ("BRA", "ブラジル", "Brazil", -0.3, False, False),
    ("QAT", "カタール", "Qatar", 0.6, False, False),
    ("ARE", "アラブ首長国連邦", "United Arab Emirates", 0.7, False, False),
    ("OMN", "オマーン", "Oman", 0.25, False, False),
    ("ISR", "イスラエル", "Israel", 0.8, False, False),
    ("JOR", "ヨルダン", "Jordan", -0.1, False, False),
    ("MAR", "モロッコ", "Morocco", -0.25, False, False),
    ("TUR", "トルコ", "Türkiye", -0.55, False, False),
    ("KAZ", "カザフスタン", "Kazakhstan", -0.45, False, False),
    ("TJK", "タジキスタン", "Tajikistan", -1.15, False, False),
    ("MOZ", "モザンビーク", "Mozambique", -0.8, False, False),
    ("MDG", "マダガスカル", "Madagascar", -0.7, False, False),
    ("COD", "コンゴ民主共和国", "DR Congo", -1.55, False, False),
    ("ZMB", "ザンビア", "Zambia", -0.4, False, False),
    ("ZAF", "南アフリカ", "South Africa", 0.0, False, False),
    ("CHN", "中国", "China", -0.5, True, False),
    ("RUS", "ロシア", "Russia", -1.1, True, False),
    ("BLR", "ベラルーシ", "Belarus", -1.1, True, False),
    ("IRN", "イラン", "Iran", -1.3, True, False),
    ("PRK", "北朝鮮", "DPR Korea", -1.8, True, False),
    ("MMR", "ミャンマー", "Myanmar", -1.6, True, False),
]
# fmt: on

# ----------------------------------------------------------------------------- flows
# good_id -> (annual imports 億円 at 2024 level, yearly growth, seasonal amplitude,
#             share anchors {period: {partner: share}} linearly interpolated month by month,
#             source note)
# Anchors describe an illustrative pattern; shares are normalised each month.
FlowSpec = tuple[float, float, float, dict[str, dict[str, float]], str]

_PAT = "illustrative (approx. pattern of MOF, 貿易統計, imports by country, 2023)"
#: short citations for the 5,000-odd flow rows (full titles in goods.csv and docs/default-case.md)
M001S = "METI, アクションプランについて, 2024"
M002S = "METI, アクションプラン再改訂にむけて, 2025"
# fmt: off
FLOWS: dict[str, FlowSpec] = {
    "rare_earths": (380, 0.02, 0.0, {
        "2024-01": {"CHN": 0.60, "VNM": 0.16, "MYS": 0.10, "FRA": 0.05, "EST": 0.04, "USA": 0.03, "AUS": 0.02},
        "2025-06": {"CHN": 0.55, "VNM": 0.17, "MYS": 0.12, "FRA": 0.06, "EST": 0.04, "USA": 0.03, "AUS": 0.03},
    }, f"illustrative; 2024 shares CHN 60% / VNM 16% from {M002S}, L2484–2485 (basis not stated)"),
    "heavy_rare_earths": (260, 0.0, 0.0, {
        "2024-01": {"CHN": 0.88, "VNM": 0.05, "MYS": 0.04, "EST": 0.03},
        "2025-04": {"CHN": 0.88, "VNM": 0.05, "MYS": 0.04, "EST": 0.03},
        "2025-09": {"CHN": 0.72, "VNM": 0.10, "MYS": 0.12, "EST": 0.06},
    }, _PAT),
    "gallium": (60, 0.0, 0.0, {
        "2024-01": {"CHN": 0.55, "CAN": 0.12, "USA": 0.10, "DEU": 0.08, "KOR": 0.08, "TWN": 0.07},
        "2025-06": {"CHN": 0.48, "CAN": 0.15, "USA": 0.11, "DEU": 0.10, "KOR": 0.09, "TWN": 0.07},
    }, _PAT),
    "germanium": (80, 0.0, 0.0, {
        "2024-01": {"CHN": 0.60, "BEL": 0.15, "USA": 0.10, "CAN": 0.05, "RUS": 0.05, "DEU": 0.05},
        "2025-03": {"CHN": 0.45, "BEL": 0.22, "USA": 0.13, "CAN": 0.08, "RUS": 0.05, "DEU": 0.07},
    }, _PAT),
    "natural_graphite": (300, 0.03, 0.0, {
        "2024-01": {"CHN": 0.90, "MOZ": 0.03, "MDG": 0.03, "BRA": 0.02, "IND": 0.02},
    }, _PAT),
    "lithium": (900, 0.0, 0.0, {
        "2024-01": {"CHN": 0.50, "CHL": 0.32, "AUS": 0.08, "ARG": 0.06, "USA": 0.04},
        "2026-05": {"CHN": 0.47, "CHL": 0.35, "AUS": 0.08, "ARG": 0.06, "USA": 0.04},
        "2026-09": {"CHN": 0.12, "CHL": 0.75, "AUS": 0.06, "ARG": 0.05, "USA": 0.02},
    }, f"illustrative; 2024 shares near {M002S}, L2481–2482; synthetic test pattern: HHI rises 2026-06…09"),
    "nickel": (2500, 0.0, 0.0, {
        "2024-01": {"IDN": 0.28, "PHL": 0.26, "AUS": 0.16, "CAN": 0.10, "RUS": 0.06, "NOR": 0.06, "FIN": 0.04,
                    "BRA": 0.04},
    }, f"illustrative; shares IDN 28% / PHL 26% from {M002S}, L2487–2488 (basis not stated)"),
    "cobalt": (400, 0.0, 0.0, {
        "2024-01": {"CHN": 0.30, "FIN": 0.20, "COD": 0.10, "CAN": 0.10, "AUS": 0.10, "BEL": 0.08, "NOR": 0.07,
                    "ZMB": 0.05},
    }, _PAT),
    "antimony": (150, 0.05, 0.0, {
        "2024-01": {"CHN": 0.55, "RUS": 0.03, "VNM": 0.12, "THA": 0.10, "BOL": 0.08, "TUR": 0.05, "USA": 0.04,
                    "BEL": 0.03},
        "2025-03": {"CHN": 0.25, "RUS": 0.04, "VNM": 0.22, "THA": 0.15, "BOL": 0.14, "TUR": 0.10, "USA": 0.05,
                    "BEL": 0.05},
        "2026-05": {"CHN": 0.25, "RUS": 0.04, "VNM": 0.22, "THA": 0.15, "BOL": 0.14, "TUR": 0.10, "USA": 0.05,
                    "BEL": 0.05},
        "2026-09": {"CHN": 0.58, "RUS": 0.12, "VNM": 0.10, "THA": 0.06, "BOL": 0.06, "TUR": 0.04, "USA": 0.02,
                    "BEL": 0.02},
    }, "illustrative; synthetic test pattern: concern-country share rises 2026-06…09"),
    "copper": (13000, 0.02, 0.0, {
        "2024-01": {"CHL": 0.40, "AUS": 0.15, "PER": 0.15, "IDN": 0.10, "CAN": 0.08, "PNG": 0.04, "BRA": 0.04,
                    "PHL": 0.04},
    }, _PAT),
    "tungsten": (350, 0.02, 0.0, {
        "2024-01": {"CHN": 0.55, "VNM": 0.15, "USA": 0.08, "KOR": 0.08, "DEU": 0.07, "BOL": 0.04, "RUS": 0.03},
        "2025-06": {"CHN": 0.45, "VNM": 0.20, "USA": 0.09, "KOR": 0.10, "DEU": 0.09, "BOL": 0.04, "RUS": 0.03},
    }, _PAT),
    "permanent_magnets": (500, 0.03, 0.0, {
        "2024-01": {"CHN": 0.85, "VNM": 0.08, "PHL": 0.03, "DEU": 0.02, "USA": 0.02},
    }, _PAT),
    "lng": (60000, -0.02, 0.18, {
        "2024-01": {"AUS": 0.42, "MYS": 0.16, "RUS": 0.09, "USA": 0.07, "BRN": 0.05, "PNG": 0.05, "QAT": 0.04,
                    "OMN": 0.04, "IDN": 0.03, "ARE": 0.03, "SGP": 0.02},
        "2026-09": {"AUS": 0.41, "MYS": 0.15, "RUS": 0.08, "USA": 0.10, "BRN": 0.05, "PNG": 0.05, "QAT": 0.04,
                    "OMN": 0.04, "IDN": 0.03, "ARE": 0.03, "SGP": 0.02},
    }, "illustrative (approx. pattern of MOF, 貿易統計, LNG imports by country, 2023)"),
    "storage_batteries": (9000, 0.05, 0.0, {
        "2024-01": {"CHN": 0.65, "KOR": 0.10, "MYS": 0.05, "VNM": 0.05, "USA": 0.04, "IDN": 0.03, "THA": 0.03,
                    "DEU": 0.03, "POL": 0.02},
    }, f"{_PAT}; China >50% of world Li-ion exports: {M002S}, L580–581"),
    "antimicrobials": (400, 0.0, 0.1, {
        "2024-01": {"ITA": 0.30, "CHN": 0.25, "IND": 0.15, "AUT": 0.10, "ESP": 0.08, "DEU": 0.07, "KOR": 0.05},
    }, _PAT),
    "beta_lactam_api": (80, 0.0, 0.0, {
        "2024-01": {"CHN": 0.82, "IND": 0.10, "ITA": 0.05, "ESP": 0.03},
    }, f"illustrative; API dependence on China/India: {M001S}, L873"),
    "generic_apis": (2000, 0.02, 0.0, {
        "2024-01": {"CHN": 0.35, "IND": 0.20, "KOR": 0.15, "ITA": 0.10, "ESP": 0.06, "DEU": 0.05, "FRA": 0.05,
                    "USA": 0.04},
    }, f"illustrative; dependence on China and India: {M001S}, L873"),
    "phosphate_fertiliser": (600, 0.0, 0.15, {
        "2024-01": {"CHN": 0.55, "MAR": 0.20, "USA": 0.10, "JOR": 0.08, "VNM": 0.07},
        "2025-12": {"CHN": 0.45, "MAR": 0.27, "USA": 0.12, "JOR": 0.09, "VNM": 0.07},
    }, _PAT),
    "potash": (400, 0.0, 0.15, {
        "2024-01": {"CAN": 0.60, "JOR": 0.12, "ISR": 0.10, "RUS": 0.08, "DEU": 0.05, "CHL": 0.05},
    }, _PAT),
    "semiconductors": (45000, 0.04, 0.0, {
        "2024-01": {"TWN": 0.58, "CHN": 0.11, "USA": 0.09, "KOR": 0.07, "MYS": 0.05, "PHL": 0.04, "THA": 0.03,
                    "SGP": 0.03},
    }, f"{_PAT}"),
    "conventional_pv": (3000, -0.03, 0.0, {
        "2024-01": {"CHN": 0.80, "MYS": 0.07, "VNM": 0.06, "THA": 0.04, "KOR": 0.03},
    }, f"{_PAT}; China dominance: {M001S}, L843; {M002S}, L580–581"),
    "pcs_smartphones": (25000, 0.0, 0.1, {
        "2024-01": {"CHN": 0.72, "VNM": 0.10, "TWN": 0.05, "THA": 0.04, "MYS": 0.03, "IND": 0.03, "USA": 0.03},
    }, _PAT),
    "basic_medical_supplies": (2500, 0.0, 0.0, {
        "2024-01": {"CHN": 0.55, "MYS": 0.12, "VNM": 0.10, "THA": 0.08, "USA": 0.06, "IDN": 0.05, "IRL": 0.04},
    }, _PAT),
    "drones": (250, 0.08, 0.0, {
        "2024-01": {"CHN": 0.88, "USA": 0.04, "FRA": 0.03, "TWN": 0.03, "ISR": 0.02},
    }, f"{_PAT}; Japanese drone production and imports: {M002S}, L1574–1609"),
    "iodine": (150, 0.0, 0.0, {
        "2024-01": {"CHL": 0.93, "USA": 0.04, "IDN": 0.03},
    }, f"illustrative; Chile ≈6割 of world iodine production: {M001S}, L825"),
}
# fmt: on
#: per-partner monthly noise (log-normal σ) and common monthly noise of the total
PARTNER_SIGMA = 0.035
TOTAL_SIGMA = 0.03


def _interp_shares(anchors: dict[str, dict[str, float]], periods: Sequence[str]) -> np.ndarray:
    """(T, P) shares: piecewise-linear between anchor months, flat outside, rows sum to 1."""
    partners = sorted({p for a in anchors.values() for p in a})
    keys = sorted(anchors)
    idx = [periods.index(k) for k in keys]
    mat = np.array([[anchors[k].get(p, 0.0) for p in partners] for k in keys])
    t = np.arange(len(periods))
    out = np.column_stack([np.interp(t, idx, mat[:, j]) for j in range(len(partners))])
    return out / out.sum(axis=1, keepdims=True), partners  # type: ignore[return-value]


def build_flows(rng: np.random.Generator) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    price = {g[0]: g[9] for g in GOODS}
    unit = {g[0]: g[7] for g in GOODS}
    for good, (annual, growth, season, anchors, src) in FLOWS.items():
        shares, partners = _interp_shares(anchors, PERIODS)
        for t, period in enumerate(PERIODS):
            month = int(period[5:])
            seasonal = 1.0 + season * math.cos(2 * math.pi * (month - 1) / 12)  # peak in January
            total = annual / 12 * (1 + growth) ** (t / 12) * seasonal * rng.lognormal(0, TOTAL_SIGMA)
            noise = rng.lognormal(0, PARTNER_SIGMA, size=len(partners))
            for j, partner in enumerate(partners):
                v = total * shares[t, j] * noise[j]
                if v < 0.005:
                    continue
                row = {"good_id": good, "partner": partner, "period": period, "value": round(v, 2)}
                if unit[good] not in ("億円",):
                    # quantity in the good's own unit at an import unit value ±5 % (illustrative)
                    row["quantity"] = _round_sig(v / (price[good] * rng.lognormal(0, 0.05)), 4)
                else:
                    row["quantity"] = ""
                row["source"] = src
                rows.append(row)
    return rows


def _round_sig(x: float, sig: int) -> float:
    if x == 0:
        return 0.0
    return round(x, sig - 1 - math.floor(math.log10(abs(x))))


# ----------------------------------------------------------------------------- projects
# id, name_ja, name_en, good_id, instrument, cost_2026, cost_2027, cost_2028, divisible,
# min_fraction, value (None = derived), benefit-cost judgement (→ effect), capacity
# (units/yr of the good), requires, excludes, ministry, must, source
ProjectRow = tuple[Any, ...]
SCF = "scale of the ESPA supply-chain resilience fund (≈9,500億円): " + M001 + ", L33"
KPG = "scale of the K Program (2,500億円, 19 projects): " + M001 + ", L37–38"
PIL = "cost, effect, capacity: illustrative"

# fmt: off
PROJECTS: list[ProjectRow] = [
    # critical minerals -----------------------------------------------------------------
    ("p_ree_separation", "レアアース分離・精製設備の国内整備", "Domestic rare-earth separation and refining plant",
     "rare_earths", "subsidy", 80, 115, 95, True, 0.4, None, 1.6, 2500, "", "p_ree_state_refining", "METI", "",
     f"measure type: {M002}, L2228–2243 (上流・中流の確保); {SCF}; {PIL}"),
    ("p_ree_state_refining", "レアアース精製の国委託生産（GOCO型）", "State-commissioned rare-earth refining (GOCO)",
     "rare_earths", "state_commissioned", 105, 130, 105, False, 0.0, None, 1.5, 3000, "", "p_ree_separation", "METI",
     "", f"instrument ④ 国が備蓄や生産を委託: {M001}, L98; GOCO: {M002}, L2156; {PIL}"),
    ("p_ree_upstream", "レアアース上流権益の取得（JOGMEC出資）", "Rare-earth upstream equity (JOGMEC)",
     "rare_earths", "loan", 155, 80, 0, False, 0.0, None, 1.3, 4000, "", "", "METI", "",
     f"JOGMEC upstream rights: {M002}, L2232–2233; alternative sources: {M000}, L36; {PIL}"),
    ("p_hree_recycling", "磁石スクラップからの重希土類回収", "Heavy rare-earth recovery from magnet scrap",
     "heavy_rare_earths", "subsidy", 30, 40, 30, True, 0.5, None, 1.8, 60, "", "", "METI", "",
     f"circular economy: {M003}, L33; {M001}, L844; {PIL}"),
    ("p_ga_recovery_pilot", "ガリウム回収の実証", "Gallium recovery pilot", "gallium", "rnd", 15, 15, 0, False, 0.0,
     None, 1.2, 0, "", "", "METI", "", f"{PIL}"),
    ("p_ga_recovery_scaleup", "ガリウム回収・リサイクル能力増強", "Gallium recovery and recycling scale-up",
     "gallium", "subsidy", 0, 35, 40, True, 0.5, None, 1.7, 40, "p_ga_recovery_pilot", "", "METI", "",
     f"circular economy: {M003}, L33; {PIL}"),
    ("p_ge_recovery", "ゲルマニウム回収（工程スクラップ・石炭灰）", "Germanium recovery (process scrap, fly ash)",
     "germanium", "subsidy", 20, 30, 20, True, 0.5, None, 1.5, 8, "", "", "METI", "", f"{PIL}"),
    ("p_graphite_synthetic", "人造黒鉛負極材の国内生産", "Domestic synthetic-graphite anode production",
     "natural_graphite", "subsidy", 105, 130, 80, True, 0.4, None, 1.4, 30000, "", "", "METI", "",
     f"measure type: {M002}, L2228–2243; {SCF}; {PIL}"),
    ("p_graphite_africa", "アフリカ黒鉛鉱山への上流投資", "Upstream investment in African graphite mines",
     "natural_graphite", "loan", 80, 50, 0, False, 0.0, None, 1.1, 25000, "", "", "METI", "",
     f"Global South diversification: {M002}, L2137–2138; {PIL}"),
    ("p_li_offtake", "リチウム上流権益・長期引取（豪州・南米）", "Lithium upstream equity and offtake (Australia, South America)",
     "lithium", "loan", 210, 155, 0, False, 0.0, None, 1.3, 12000, "", "", "METI", "",
     f"JOGMEC upstream rights: {M002}, L2232–2233; {PIL}"),
    ("p_ni_hpal", "ニッケル中間品（HPAL）プロジェクト出資", "Nickel intermediate (HPAL) project equity",
     "nickel", "loan", 180, 130, 0, False, 0.0, None, 1.0, 30000, "", "", "METI", "", f"{PIL}"),
    ("p_co_refining", "コバルト精製能力の増強", "Cobalt refining capacity", "cobalt", "subsidy", 40, 60, 30,
     True, 0.5, None, 1.3, 2000, "", "", "METI", "", f"refining concentrated in China: {M001}, L842; {PIL}"),
    ("p_sb_stockpile", "アンチモン備蓄の積み増し（防衛需要）", "Antimony stockpile build-up (defence demand)",
     "antimony", "stockpile", 30, 15, 0, True, 0.5, None, 2.0, 0, "", "", "METI", "in",
     f"antimony for defence and national stockpiles: {M000}, L28–36; stockpile build-up: {M002}, L2238–2240; "
     f"{PIL}; must = in: illustrative (committed programme)"),
    ("p_sb_global_south", "アンチモン代替調達（グローバルサウス）", "Alternative antimony supply (Global South)",
     "antimony", "subsidy", 20, 25, 15, True, 0.5, None, 1.4, 1500, "", "", "METI", "",
     f"グローバルサウス未来志向型共創等事業: {M002}, L2494; {PIL}"),
    ("p_w_recycling", "超硬工具スクラップからのタングステン回収", "Tungsten recovery from cemented-carbide scrap",
     "tungsten", "subsidy", 25, 30, 20, True, 0.5, None, 1.5, 1200, "", "", "METI", "", f"{PIL}"),
    ("p_cu_escrap", "銅製錬所のE-scrap処理能力増強", "E-scrap processing at copper smelters", "copper",
     "subsidy", 50, 80, 50, True, 0.5, None, 1.0, 40000, "", "", "METI", "",
     f"circular economy: {M003}, L33; {PIL}"),
    ("p_raremetal_stock_ops", "レアメタル国家備蓄の放出・買増し体制整備（JOGMEC）",
     "Rare-metal stockpile release and emergency top-up system (JOGMEC)", "critical_minerals", "stockpile", 40, 30,
     30, True, 0.5, None, 1.6, 0, "", "", "METI", "",
     f"有事の備蓄買増し対応構築; 備蓄制度 for prolonged export stoppages: {M002}, L2238–2248; {PIL}"),
    ("p_joint_stockpile", "同志国との重要鉱物の共同備蓄", "Joint critical-mineral stockpile with partner countries",
     "critical_minerals", "stockpile", 0, 80, 80, True, 0.3, None, 1.2, 0, "p_raremetal_stock_ops", "", "METI", "",
     f"共同備蓄・相互融通: {M003}, L60; {PIL}"),
    # magnets, machines, aircraft, ships ---------------------------------------------------
    ("p_magnet_capacity", "ネオジム磁石の国内生産能力増強", "Domestic NdFeB magnet capacity", "permanent_magnets",
     "subsidy", 60, 80, 50, True, 0.4, None, 1.4, 2000, "", "", "METI", "", f"{SCF}; {PIL}"),
    ("p_magnet_dyfree", "重希土類フリー磁石の研究開発", "Heavy-rare-earth-free magnet R&D", "permanent_magnets",
     "rnd", 25, 30, 30, True, 0.5, None, 1.8, 0, "", "", "METI", "", f"{PIL}"),
    ("p_robot_components", "減速機・サーボ等ロボット主要部品の供給強化",
     "Robot key components (reducers, servos) supply", "machine_tools_robots", "subsidy", 50, 60, 40, True, 0.5,
     None, 1.1, 0, "", "", "METI", "", f"{SCF}; {PIL}"),
    ("p_forging_sme", "大型鍛造品の設備更新支援（中小企業）", "Large-forging equipment renewal (SMEs)",
     "large_forgings", "subsidy", 40, 50, 40, True, 0.4, None, 1.5, 0, "", "", "METI", "",
     f"ageing equipment of casting/forging SMEs: {M003}, L24; {PIL}"),
    ("p_casting_sme", "航空機用鋳造品の設備更新支援", "Aircraft castings equipment renewal", "castings", "subsidy",
     30, 40, 30, True, 0.4, None, 1.4, 0, "", "", "METI", "", f"{M003}, L24; {PIL}"),
    ("p_defence_goco", "防衛用重要部品の国による製造委託（GOCO）",
     "State-commissioned manufacture of critical defence parts (GOCO)", "castings", "state_commissioned", 0, 80,
     105, False, 0.0, None, 1.0, 0, "", "", "MOD", "",
     f"GOCO: {M002}, L2156; {M004}, L22; ministry MOD: {M004}, L74–81; {PIL}"),
    ("p_ti_sponge", "スポンジチタンの増産投資", "Titanium sponge capacity expansion", "titanium_sponge", "loan",
     60, 50, 0, False, 0.0, None, 1.2, 5000, "", "", "METI", "", f"{PIL}"),
    ("p_cmc_rnd", "CMC・SiC繊維の量産技術開発", "CMC and SiC fibre mass-production R&D", "cmc_sic_fibre", "rnd",
     20, 25, 25, True, 0.5, None, 1.5, 0, "", "", "METI", "", f"{KPG}; {PIL}"),
    ("p_ship_engine", "舶用エンジン・部品の生産基盤強化", "Marine engine and component production base",
     "ship_components", "subsidy", 50, 60, 50, True, 0.4, None, 1.1, 0, "", "", "MLIT", "",
     f"ministry MLIT: public knowledge (not named in the sources); {PIL}"),
    # semiconductors and electronics -----------------------------------------------------------
    ("p_next_gen_logic", "次世代半導体（2nm世代）の量産技術開発", "Next-generation (2 nm) logic production R&D",
     "leading_edge_logic", "rnd", 470, 520, 570, True, 0.3, None, 1.3, 0, "", "", "METI", "",
     f"{dom('provisional', M002 + ', L1895–2029')}; {PIL} (a share of a multi-year national programme)"),
    ("p_adv_packaging", "先端後工程の研究開発拠点", "Advanced packaging R&D centre", "advanced_packaging", "rnd",
     80, 105, 80, True, 0.5, None, 1.4, 0, "", "", "METI", "", f"{PIL}"),
    ("p_power_semi", "SiCパワー半導体の生産能力増強", "SiC power semiconductor capacity", "power_semiconductors",
     "subsidy", 130, 155, 105, True, 0.4, None, 1.3, 0, "", "", "METI", "", f"{SCF}; {PIL}"),
    ("p_semi_materials", "半導体部素材（フォトレジスト等）の供給能力強化", "Semiconductor materials (photoresists etc.) supply",
     "semiconductor_materials", "subsidy", 80, 80, 50, True, 0.5, None, 1.5, 0, "", "", "METI", "",
     f"importance of materials and equipment: {M001}, L303; {SCF}; {PIL}"),
    ("p_semi_equipment_tax", "半導体製造装置の国内生産促進税制", "Tax credit for domestic semiconductor-equipment production",
     "semiconductor_equipment", "tax", 50, 50, 50, False, 0.0, None, 1.0, 0, "", "", "METI", "",
     f"戦略分野国内生産促進税制: {M002}, L1889, L2080; cost = tax expenditure, {PIL}"),
    ("p_legacy_semi", "従来型半導体（マイコン・アナログ）の安定供給", "Conventional semiconductors (MCUs, analogue) supply",
     "legacy_semiconductors", "subsidy", 105, 130, 80, True, 0.4, None, 1.1, 0, "", "", "METI", "",
     f"5G促進法 従来型半導体: {M002}, L2094–2098; {PIL}"),
    ("p_mcu_bcp", "マイコン工場の耐震・BCP強化", "Earthquake-proofing and BCP for MCU fabs", "microcontrollers",
     "subsidy", 30, 30, 0, True, 0.5, None, 1.6, 0, "", "", "METI", "", f"{PIL}"),
    ("p_mlcc", "先端電子部品（MLCC・SAW/BAW）の生産基盤", "Advanced electronic components (MLCC, SAW/BAW) production",
     "advanced_electronic_components", "subsidy", 50, 60, 40, True, 0.5, None, 1.2, 0, "", "", "METI", "",
     f"{ESPA}; {SCF}; {PIL}"),
    ("p_cloud_platform", "ハイブリッドクラウド利用技術基盤の開発", "Hybrid-cloud technology platform",
     "cloud_programs", "rnd", 60, 60, 40, True, 0.5, None, 1.2, 0, "", "", "METI", "",
     f"K Program example: {M002}, L2185 and §3.4 (ハイブリッドクラウド利用技術基盤の開発); {KPG}; {PIL}"),
    ("p_cloud_gpu", "国内クラウド計算資源（GPU）の整備支援", "Domestic cloud compute (GPU) build-out",
     "cloud_programs", "subsidy", 155, 130, 0, True, 0.4, None, 1.3, 0, "", "", "METI", "",
     f"computing resources as a service to secure: {M003}, L35; {SCF}; {PIL}"),
    ("p_ai_foundation", "国産基盤モデルの開発支援", "Domestic foundation-model development", "ai", "rnd", 130, 130,
     130, True, 0.4, None, 1.2, 0, "", "", "METI", "", f"AI layers: {M002}, L887–895; {PIL}"),
    ("p_quantum_rnd", "量子コンピュータの開発・産業化拠点", "Quantum computer development and industrialisation hub",
     "quantum_computers", "rnd", 105, 105, 105, True, 0.5, None, 1.3, 0, "", "", "METI", "",
     f"Japan 700M$ vs China 15,000M$ (2023): {M002}, L1143–1240; {PIL}"),
    ("p_quantum_procurement", "量子コンピュータの政府調達（初期需要）", "Government procurement of quantum computers",
     "quantum_computers", "procurement", 0, 40, 50, True, 0.5, None, 1.1, 0, "p_quantum_rnd", "", "METI", "",
     f"government procurement for scale-up: {M002}, L1882–1887, L3347–3349; {PIL}"),
    ("p_photonics", "光電融合デバイスの研究開発", "Photonics-electronics convergence devices R&D",
     "photonics_electronics", "rnd", 50, 60, 50, True, 0.5, None, 1.3, 0, "", "", "MIC", "",
     f"ministry: illustrative; {PIL}"),
    ("p_fibre_ge_free", "ゲルマニウム非依存型光ファイバーの開発", "Germanium-free optical fibre R&D", "optical_fibre",
     "rnd", 15, 20, 15, True, 0.5, None, 1.4, 0, "", "", "METI", "", f"{PIL}"),
    ("p_subsea_cable", "海底ケーブル製造・敷設船の能力強化", "Submarine cable manufacturing and cable-ship capacity",
     "submarine_cables", "subsidy", 80, 105, 80, True, 0.4, None, 1.2, 0, "", "", "MIC", "",
     f"shortage of cable-laying ships: {M002}, L2250–2264; {PIL}"),
    # batteries and cleantech --------------------------------------------------------------------
    ("p_battery_plant", "蓄電池・部素材の国内製造基盤", "Domestic battery and materials manufacturing",
     "storage_batteries", "subsidy", 260, 310, 210, True, 0.3, None, 1.2, 0, "", "", "METI", "",
     f"{SCF}; {PIL}"),
    ("p_battery_tax", "蓄電池の国内生産促進税制", "Domestic battery production tax credit", "storage_batteries",
     "tax", 80, 80, 80, False, 0.0, None, 0.9, 0, "", "p_battery_plant", "METI", "",
     f"戦略分野国内生産促進税制: {M002}, L2080, L2115; cost = tax expenditure, {PIL}"),
    ("p_assb_pilot", "全固体電池パイロットライン", "All-solid-state battery pilot line", "all_solid_state_batteries",
     "rnd", 80, 80, 0, False, 0.0, None, 1.4, 0, "", "", "METI", "",
     f"GI基金 全固体電池: {M002}, L2119; practical use by 2030: {M001}, L815–817; {PIL}"),
    ("p_assb_mass", "全固体電池の量産設備", "All-solid-state battery mass-production line",
     "all_solid_state_batteries", "subsidy", 0, 155, 210, True, 0.5, None, 1.3, 0, "p_assb_pilot", "", "METI", "",
     f"mass-production support: {M002}, L3347–3349; {PIL}"),
    ("p_perovskite_line", "ペロブスカイト太陽電池のGW級量産", "GW-scale perovskite solar cell production",
     "perovskite_solar", "subsidy", 105, 155, 130, True, 0.4, None, 1.3, 0, "", "", "METI", "",
     f"GW-scale by 2030: {M002}, L3575–3577; GI基金: {M002}, L2119; {PIL}"),
    ("p_perovskite_procurement", "ペロブスカイト太陽電池の公共施設への率先導入", "Public-building procurement of perovskite cells",
     "perovskite_solar", "procurement", 0, 50, 80, True, 0.5, None, 1.0, 0, "p_perovskite_line", "", "METI", "",
     f"demand-side, non-price value: {M002}, L3374–3401; {PIL}"),
    ("p_iodine", "ヨウ素（かん水）増産投資", "Iodine (brine) production expansion", "iodine", "loan", 40, 30, 0,
     False, 0.0, None, 1.2, 1500, "", "", "METI", "", f"{dom('confirmed', M001 + ', L821–825')}; {PIL}"),
    ("p_green_steel_tax", "グリーンスチールの国内生産促進税制", "Green steel domestic production tax credit",
     "hydrogen_dri_steel", "tax", 0, 50, 80, False, 0.0, None, 0.9, 0, "", "", "METI", "",
     f"戦略分野国内生産促進税制 (グリーンスチール): {M002}, L2080; {PIL}"),
    ("p_lng_sbl", "戦略的余剰LNG（SBL）の確保拡大", "Expanded strategic buffer LNG (SBL)", "lng", "procurement", 80,
     80, 80, True, 0.5, None, 1.4, 0.6, "", "", "METI", "",
     "illustrative (approx. of METI/JOGMEC 戦略的余剰LNG (SBL) scheme, 2023); " + PIL),
    ("p_lng_upstream", "LNG上流権益・長期契約の確保（JOGMEC）", "LNG upstream equity and long-term contracts (JOGMEC)",
     "lng", "loan", 260, 155, 0, False, 0.0, None, 1.1, 1.5, "", "", "METI", "", f"{PIL}"),
    ("p_lng_tank", "LNG受入基地タンクの増設", "LNG import-terminal tank expansion", "lng", "subsidy", 105, 105, 0,
     False, 0.0, None, 0.8, 0.5, "", "", "METI", "out",
     f"{PIL}; must = out: illustrative (e.g. siting not agreed)"),
    # biotech and medical ---------------------------------------------------------------------
    ("p_amr_api", "β-ラクタム系抗菌薬原薬の国内製造体制構築", "Domestic beta-lactam API manufacturing",
     "beta_lactam_api", "subsidy", 60, 50, 30, False, 0.0, 450, None, 120, "", "p_amr_state", "MHLW", "in",
     f"MHLW measures for the four β-lactams: {M001}, L875–881; value set explicitly (illustrative); {PIL}; "
     "must = in: illustrative (certified multi-year plan)"),
    ("p_amr_state", "抗菌薬原薬の国による製造委託", "State-commissioned antibiotic API manufacture",
     "beta_lactam_api", "state_commissioned", 80, 80, 0, False, 0.0, None, 1.2, 100, "", "p_amr_api", "MHLW", "",
     f"instrument ④: {M001}, L98; {PIL}"),
    ("p_amr_stockpile", "抗菌性物質製剤の備蓄", "Antimicrobial preparation stockpile", "antimicrobials",
     "stockpile", 15, 10, 10, True, 0.5, None, 1.6, 0, "", "", "MHLW", "", f"{PIL}"),
    ("p_generic_api_diversify", "後発医薬品原薬の調達先多元化", "Diversified sourcing of generic-drug APIs",
     "generic_apis", "subsidy", 40, 40, 30, True, 0.5, None, 1.3, 0, "", "", "MHLW", "",
     f"over-dependence on China/India: {M001}, L869–876; {PIL}"),
    ("p_med_supplies_stock", "基礎的医療物資（ガーゼ・シリンジ等）の備蓄", "Basic medical supplies stockpile",
     "basic_medical_supplies", "stockpile", 25, 15, 15, True, 0.5, None, 1.2, 0, "", "", "MHLW", "", f"{PIL}"),
    ("p_ventilator_procurement", "人工呼吸器の国内生産・政府買上げ", "Ventilator domestic production and state purchase",
     "ventilators", "procurement", 30, 20, 0, True, 0.5, None, 1.0, 0, "", "", "MHLW", "", f"{PIL}"),
    ("p_biomfg", "バイオものづくり（CO2活用）の実証", "Biomanufacturing demonstration (CO2 use)", "biomanufacturing",
     "rnd", 80, 80, 80, True, 0.4, None, 1.2, 0, "", "", "METI", "",
     f"GI基金 バイオものづくり: {M002}, L2111, L2119–2122; {PIL}"),
    ("p_cell_design", "微生物・細胞設計プラットフォームの整備", "Microbe and cell design platform", "cell_design_platforms",
     "rnd", 30, 30, 30, True, 0.5, None, 1.3, 0, "", "", "METI", "", f"{PIL}"),
    ("p_hemostatic", "有事に備えた止血製剤製造技術の開発・実証", "Haemostatic product manufacturing for emergencies",
     "cell_therapy", "rnd", 20, 20, 0, True, 0.5, None, 1.1, 0, "", "", "MHLW", "",
     f"K Program example (biotech): {M002}, §3.4 of the digest (有事に備えた止血製剤製造技術の開発・実証); "
     f"good mapping and ministry illustrative; {PIL}"),
    # fertiliser, space, drones ---------------------------------------------------------------
    ("p_fert_stockpile", "肥料原料（りん安・塩化加里）の備蓄", "Fertiliser raw-material stockpile (DAP, potash)",
     "phosphate_fertiliser", "stockpile", 30, 20, 20, True, 0.5, None, 1.5, 0, "", "", "MAFF", "",
     "illustrative (approx. of MAFF 肥料原料備蓄 under the ESPA, 2023); ministry MAFF: public knowledge; " + PIL),
    ("p_fert_sludge", "下水汚泥資源の肥料利用拡大", "Fertiliser from sewage-sludge phosphorus", "phosphate_fertiliser",
     "subsidy", 20, 30, 30, True, 0.5, None, 1.3, 20000, "", "", "MAFF", "",
     f"recycled materials to reduce dependence: {M001}, L844; {PIL}"),
    ("p_satellite_constellation", "衛星コンステレーション構築の加速", "Accelerated satellite constellation build-out",
     "satellites_rockets", "rnd", 155, 180, 180, True, 0.3, None, 1.2, 0, "", "", "Cabinet Office", "",
     f"宇宙戦略基金: {M002}, L2129–2130; ministry: illustrative; {PIL}"),
    ("p_launch_site", "射場・試験設備の共通利用環境の整備", "Shared launch and test facilities",
     "satellites_rockets", "state_commissioned", 0, 80, 80, False, 0.0, 220, None, 0, "", "", "Cabinet Office", "",
     f"shared launch and test facilities: {M000}, L17; {M002}, L1871–1876; value set explicitly (illustrative); "
     f"{PIL}"),
    ("p_drone_procurement", "国産ドローンの量産と政府調達", "Domestic drone mass production and government procurement",
     "drones", "procurement", 40, 50, 50, True, 0.5, None, 1.2, 0, "", "", "METI", "",
     f"market creation and mass-production cost reduction: {M002}, L1559–1560; {PIL}"),
    ("p_uav_kpro", "無人機・衛星関連技術の開発・実証", "Unmanned aircraft and satellite technology (K Program)",
     "drones", "rnd", 30, 30, 30, True, 0.5, 130, None, 0, "", "", "Cabinet Office", "",
     f"K Program example (others): {M002}, §3.4 of the digest; {KPG}; value set explicitly (illustrative); {PIL}"),
]
# fmt: on

# ----------------------------------------------------------------------------- scenarios
# id, name_ja, name_en, probability (annual, illustrative), good_id, partner, cut country
# (for good-based export controls: loss = that country's import share × import reliance ×
# share of its exports stopped), stop fraction, explicit loss (partner / other scenarios), months, source
ScenarioRow = tuple[Any, ...]
EXC = f"public event: {M002}, L104–414 (China export controls)"
# fmt: off
SCENARIOS: list[ScenarioRow] = [
    ("s_cn_gallium", "中国によるガリウム輸出規制の強化", "Tighter Chinese export controls on gallium", 0.25,
     "gallium", "", "CHN", 0.9, None, 12, f"{EXC}, 23年8月 and 24年12月; probability, loss, months: illustrative"),
    ("s_cn_germanium", "中国によるゲルマニウム輸出規制の強化", "Tighter Chinese export controls on germanium", 0.2,
     "germanium", "", "CHN", 0.9, None, 12, f"{EXC}, 23年8月 and 24年12月; probability, loss, months: illustrative"),
    ("s_cn_graphite", "中国による黒鉛の輸出停止", "Chinese export stop on graphite", 0.15, "natural_graphite", "",
     "CHN", 0.7, None, 9, f"{EXC}, 23年12月; probability, loss, months: illustrative"),
    ("s_cn_antimony", "中国によるアンチモン輸出停止", "Chinese export stop on antimony", 0.3, "antimony", "", "CHN",
     1.0, None, 18, f"{EXC}, 24年9月 and 24年12月; probability, loss, months: illustrative"),
    ("s_cn_rare_earths", "中国によるレアアース輸出規制", "Chinese export controls on rare earths", 0.15,
     "rare_earths", "", "CHN", 0.6, None, 12, f"{EXC}; probability, loss, months: illustrative"),
    ("s_cn_heavy_ree", "中国による重希土類（Dy・Tb等）の輸出停止", "Chinese export stop on heavy rare earths (Dy, Tb)",
     0.25, "heavy_rare_earths", "", "CHN", 0.9, None, 24,
     f"{EXC}, 25年4月4日 (Sm, Gd, Tb, Dy, Lu, Sc, Y); probability, loss, months: illustrative"),
    ("s_cn_tungsten", "中国によるタングステン輸出規制", "Chinese export controls on tungsten", 0.15, "tungsten", "",
     "CHN", 0.7, None, 12, f"{EXC}, 25年2月4日; probability, loss, months: illustrative"),
    ("s_sealane_lng", "南シナ海・バシー海峡のシーレーン途絶（LNG）", "Sea-lane disruption in the South China Sea (LNG)",
     0.03, "lng", "", "", 0.0, 0.3, 3,
     f"sea lanes in country strategies: {M002}, L3232–3233; maritime transport constraints: {M002}, L2250; "
     "probability, loss, months: illustrative"),
    ("s_russia_cut", "ロシアからの供給途絶（LNG・ニッケル等）", "Supply cut from Russia (LNG, nickel etc.)", 0.1, "",
     "RUS", "", 0.0, 1.0, 12, "illustrative (scenario template: economic coercion, " + M002 + ", L2709–2711)"),
    ("s_taiwan_contingency", "台湾周辺の有事による半導体供給途絶", "Taiwan contingency cutting semiconductor supply",
     0.03, "", "TWN", "", 0.0, 0.8, 6, f"conflict as a supply-disruption risk: {M002}, L2709–2711; "
     "probability, loss, months: illustrative"),
    ("s_quake_mcu", "大規模地震による国内マイコン工場の被災", "Major earthquake hits domestic MCU fabs",
     0.05, "microcontrollers", "", "", 0.0, 0.3, 4,
     f"natural disaster as a supply-disruption risk: {M002}, L2709; probability, loss, months: illustrative"),
    ("s_quake_forgings", "大規模地震による国内鍛造拠点の被災", "Major earthquake hits domestic forging plants",
     0.04, "large_forgings", "", "", 0.0, 0.35, 6, f"natural disaster risk: {M002}, L2709; {M003}, L24; "
     "probability, loss, months: illustrative"),
    ("s_pandemic_api", "パンデミックによる抗菌薬原薬の供給途絶", "Pandemic disrupting antibiotic API supply", 0.05,
     "beta_lactam_api", "", "", 0.0, 0.6, 9, f"epidemic as a supply-disruption risk: {M002}, L2709; API dependence: "
     f"{M001}, L873; probability, loss, months: illustrative (pattern of the 2019 cefazolin shortage in Japan)"),
    ("s_cn_phosphate", "中国によるりん安の輸出制限", "Chinese export restrictions on ammonium phosphate", 0.15,
     "phosphate_fertiliser", "", "CHN", 0.8, None, 6,
     "illustrative (pattern of China's 2021 fertiliser export inspections); probability, loss, months: illustrative"),
    ("s_china_coercion", "中国による広範な経済的威圧", "Broad economic coercion by China", 0.05, "", "CHN", "", 0.0,
     0.5, 6, f"economic coercion as a risk: {M002}, L2709–2711; {M001}, L133; probability, loss, months: "
     "illustrative"),
]
# fmt: on

# ----------------------------------------------------------------------------- links
# product good_id, input good_id, intensity (0–1, illustrative), source
# fmt: off
LINKS: list[tuple[str, str, float, str]] = [
    ("permanent_magnets", "rare_earths", 0.9, f"mineral chain 鉱山開発→製錬→加工→最終製品: {M002}, L2236"),
    ("permanent_magnets", "heavy_rare_earths", 0.6, "illustrative (Dy/Tb in high-temperature NdFeB magnets)"),
    ("machine_tools_robots", "permanent_magnets", 0.4, "illustrative (servo motors)"),
    ("machine_tools_robots", "microcontrollers", 0.3, "illustrative"),
    ("machine_tools_robots", "tungsten", 0.2, "illustrative (cemented-carbide tools)"),
    ("storage_batteries", "lithium", 0.8, f"battery raw materials: {M001}, L801–807, L842"),
    ("storage_batteries", "nickel", 0.5, f"{M001}, L801–807"),
    ("storage_batteries", "cobalt", 0.4, f"{M001}, L801–807"),
    ("storage_batteries", "natural_graphite", 0.6, "illustrative (anode material)"),
    ("liion_nmc", "lithium", 0.8, "illustrative"),
    ("liion_nmc", "nickel", 0.7, "illustrative"),
    ("liion_nmc", "cobalt", 0.5, "illustrative"),
    ("liion_nmc", "natural_graphite", 0.6, "illustrative"),
    ("liion_nmc", "electrode_binders", 0.3, "illustrative"),
    ("liion_lfp", "lithium", 0.8, "illustrative"),
    ("liion_lfp", "natural_graphite", 0.6, "illustrative"),
    ("all_solid_state_batteries", "solid_electrolytes", 0.8, "illustrative"),
    ("all_solid_state_batteries", "lithium", 0.6, "illustrative"),
    ("power_semiconductors", "gallium", 0.4, "illustrative (GaN devices)"),
    ("power_semiconductors", "semiconductor_equipment", 0.4, "illustrative"),
    ("photonics_electronics", "gallium", 0.3, "illustrative (compound-semiconductor lasers)"),
    ("photonics_electronics", "semiconductor_materials", 0.4, "illustrative"),
    ("optical_fibre", "germanium", 0.7, "illustrative (GeCl4 core doping)"),
    ("submarine_cables", "optical_fibre", 0.6, "illustrative"),
    ("submarine_cables", "copper", 0.4, "illustrative"),
    ("leading_edge_logic", "semiconductor_materials", 0.8, f"materials/equipment behind finished products: {M001}, "
     "L303"),
    ("leading_edge_logic", "semiconductor_equipment", 0.9, f"{M001}, L303"),
    ("advanced_packaging", "semiconductor_materials", 0.6, "illustrative"),
    ("legacy_semiconductors", "semiconductor_materials", 0.5, "illustrative"),
    ("microcontrollers", "semiconductor_materials", 0.5, "illustrative"),
    ("semiconductor_materials", "tungsten", 0.2, "illustrative (sputtering targets)"),
    ("ai", "leading_edge_logic", 0.9, f"AI hardware layer 先端半導体: {M002}, L887–895"),
    ("ai", "advanced_packaging", 0.5, "illustrative"),
    ("ai", "cloud_programs", 0.4, f"AI infrastructure layer: {M002}, L887–895"),
    ("quantum_computers", "semiconductor_equipment", 0.3, "illustrative"),
    ("perovskite_solar", "iodine", 0.8, f"ヨウ素/ヨウ化鉛 behind perovskite cells: {M001}, L821–834"),
    ("perovskite_solar", "encapsulation", 0.6, f"{M001}, L838"),
    ("drones", "permanent_magnets", 0.5, "illustrative"),
    ("drones", "storage_batteries", 0.6, "illustrative"),
    ("drones", "microcontrollers", 0.4, "illustrative"),
    ("satellites_rockets", "carbon_fibre", 0.5, "illustrative"),
    ("satellites_rockets", "cmc_sic_fibre", 0.3, "illustrative"),
    ("satellites_rockets", "castings", 0.3, "illustrative"),
    ("large_forgings", "titanium_sponge", 0.6, "illustrative"),
    ("castings", "nickel", 0.4, "illustrative (superalloys)"),
    ("castings", "cobalt", 0.3, "illustrative (superalloys)"),
    ("antimicrobials", "beta_lactam_api", 0.9, f"API → preparation: {M001}, L873–881"),
    ("ventilators", "microcontrollers", 0.5, "illustrative"),
    ("ventilators", "advanced_electronic_components", 0.3, "illustrative"),
    ("medical_imaging", "rare_earths", 0.2, "illustrative (scintillators)"),
    ("ship_components", "castings", 0.4, "illustrative"),
    ("ship_components", "large_forgings", 0.5, "illustrative"),
    ("ship_components", "microcontrollers", 0.2, "illustrative"),
    ("advanced_electronic_components", "nickel", 0.3, "illustrative (MLCC electrodes)"),
    ("pcs_smartphones", "leading_edge_logic", 0.5, "illustrative"),
    ("pcs_smartphones", "advanced_electronic_components", 0.4, "illustrative"),
    ("pcs_smartphones", "general_electronic_components", 0.4, "illustrative"),
    ("pcs_smartphones", "rare_earths", 0.1, "illustrative"),
    ("conventional_pv", "copper", 0.2, "illustrative"),
    ("hydrogen_dri_steel", "lng", 0.3, "illustrative (gas-based direct reduction as a bridge)"),
]
# fmt: on

# ----------------------------------------------------------------------------- world supply
# Optional world_supply.csv (docs/methodology/indicators.md): world production shares for the
# EU-CRM "global supply" term of supply risk. The remainder of each good goes to an "other"
# row with a neutral governance of 0.0 (illustrative).
USGS = "illustrative (approx. of USGS, Mineral Commodity Summaries, 2024: world mine or refinery production)"
# fmt: off
WORLD_SUPPLY: dict[str, tuple[dict[str, float], str]] = {
    "rare_earths": ({"CHN": 0.69, "USA": 0.12, "MMR": 0.08, "AUS": 0.05, "THA": 0.02}, USGS),
    "heavy_rare_earths": ({"CHN": 0.85, "MMR": 0.10, "AUS": 0.02}, USGS),
    "gallium": ({"CHN": 0.98, "RUS": 0.01, "JPN": 0.005, "KOR": 0.005}, USGS),
    "germanium": ({"CHN": 0.68, "RUS": 0.05, "USA": 0.05, "CAN": 0.08, "BEL": 0.08, "JPN": 0.03}, USGS),
    "natural_graphite": ({"CHN": 0.77, "MDG": 0.06, "MOZ": 0.06, "BRA": 0.04, "IND": 0.02, "KOR": 0.01}, USGS),
    "lithium": ({"AUS": 0.47, "CHL": 0.24, "CHN": 0.18, "ARG": 0.05, "BRA": 0.02}, USGS),
    "nickel": ({"IDN": 0.50, "PHL": 0.11, "RUS": 0.06, "CAN": 0.05, "AUS": 0.04, "CHN": 0.03, "BRA": 0.02}, USGS),
    "cobalt": ({"COD": 0.74, "IDN": 0.05, "RUS": 0.04, "AUS": 0.02, "PHL": 0.02, "CAN": 0.02, "CHN": 0.01}, USGS),
    "antimony": ({"CHN": 0.48, "TJK": 0.25, "RUS": 0.08, "TUR": 0.03, "BOL": 0.03, "AUS": 0.02}, USGS),
    "copper": ({"CHL": 0.24, "PER": 0.10, "COD": 0.11, "CHN": 0.08, "USA": 0.05, "RUS": 0.04, "IDN": 0.04,
                "AUS": 0.04, "ZMB": 0.03, "MEX": 0.03, "KAZ": 0.03, "CAN": 0.02}, USGS),
    "tungsten": ({"CHN": 0.81, "VNM": 0.04, "RUS": 0.03, "BOL": 0.02, "AUT": 0.01}, USGS),
    "iodine": ({"CHL": 0.60, "JPN": 0.30, "USA": 0.02}, f"{M001}, L825 (Chile ≈6割, Japan ≈3割); rest illustrative"),
    "lng": ({"USA": 0.21, "AUS": 0.20, "QAT": 0.19, "RUS": 0.08, "MYS": 0.07, "IDN": 0.04, "OMN": 0.03,
             "BRN": 0.02, "PNG": 0.02, "ARE": 0.01},
            "illustrative (approx. of IGU, World LNG Report, 2024: LNG exports by country)"),
    "potash": ({"CAN": 0.32, "RUS": 0.20, "BLR": 0.17, "CHN": 0.08, "ISR": 0.05, "JOR": 0.05, "DEU": 0.05,
                "CHL": 0.02}, USGS),
}
# fmt: on

# ----------------------------------------------------------------------------- policy
BUDGET_YEARS = {2026: 4000, 2027: 3000, 2028: 2500}  # 億円; total 9,500 = the fund scale (M001 L33)
POLICY_YAML = f"""\
# Policy of the default case (DESIGN §3). Money in 億円.
# Budget: the scale of the ESPA supply-chain resilience fund, about 9,500億円
#   ({M001}, L33), spread over FY2026–2028 (the split is illustrative).
# Limits and stockpile figures are illustrative unless a comment cites a source.
model: default
budget:
  total: 9500
  years: {{2026: {BUDGET_YEARS[2026]}, 2027: {BUDGET_YEARS[2027]}, 2028: {BUDGET_YEARS[2028]}}}
limits:
  # ③ foreign dependence: restoring autonomy is the fund's purpose (R3b) — floor, illustrative
  - {{group: domain, value: dependence, min: 3500}}
  # ① disruptive: R&D-heavy; a cap keeps the horizon balanced — illustrative
  - {{group: domain, value: disruptive, max: 3500}}
  - {{group: instrument, value: rnd, max: 3000}}
  # stock purchases (policy stockpile) and stockpile projects together — illustrative
  - {{group: instrument, value: stockpile, max: 1800}}
  - {{group: instrument, value: tax, max: 500}}
  - {{group: sector, value: biotech, min: 500}}
  - {{group: ministry, value: MHLW, min: 300}}
  - {{group: ministry, value: METI, max: 8000}}
stockpile:
  # Japan's rare-metal stockpile policy: 60 days of domestic consumption as the standard,
  # longer for high-risk metals (JOGMEC / METI policy, public; the 180-day figure for
  # high-risk metals is the issue's planning figure — verify the current official basis).
  target_days: 60
  target_days_by_good:
    gallium: 180
    germanium: 180
    rare_earths: 180
    heavy_rare_earths: 180
    antimony: 180
    natural_graphite: 180
    # LNG cannot be stored for long: one day of demand (≈0.18 Mt, a few cargoes), about the scale of the strategic buffer LNG
    # (illustrative, approx. of the METI/JOGMEC SBL scheme, 2023)
    lng: 1
    # fertiliser: illustrative (approx. of MAFF's stockpile of three months of demand)
    phosphate_fertiliser: 90
    potash: 90
  storage_capacity: 2600
  holding_cost_rate: 0.05
  target_mode: soft
"""


# ----------------------------------------------------------------------------- derived figures
def _latest_window(flows: list[dict[str, Any]], months: int = 12) -> dict[str, dict[str, float]]:
    """good -> partner -> imports (億円) over the last ``months`` periods."""
    last = PERIODS[-months:]
    out: dict[str, dict[str, float]] = {}
    for r in flows:
        if r["period"] in last:
            d = out.setdefault(r["good_id"], {})
            d[r["partner"]] = d.get(r["partner"], 0.0) + float(r["value"])
    return out


def _reliance(good: GoodRow, annual_imports: float, *, net: bool) -> float:
    """Import reliance on apparent consumption C = P + I − E (clipped to 0..1).

    ``net``: (I − E) / C, the EU CRM net import reliance the indicators module reports;
    otherwise I / C, the share of the supply that arrives as imports (what a cut of
    imports removes), used for scenario losses.
    """
    dp = good[GOOD_COLUMNS.index("domestic_production")]
    ex = good[GOOD_COLUMNS.index("exports")] or 0.0
    if dp is None:
        return 1.0
    denom = annual_imports + dp - ex
    if denom <= 0:
        return 0.0 if net else 1.0
    return min(1.0, max(0.0, (annual_imports - ex if net else annual_imports) / denom))


def derived(flows: list[dict[str, Any]]) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per good with flows: foreign dependence IR_net × (c + (1 − c) × HHI) (as the indicators module),
    concern share c and gross import share of supply (for scenario losses)."""
    concern = {c[0] for c in COUNTRIES if c[4]}
    win = _latest_window(flows)
    goods = {g[0]: g for g in GOODS}
    fd: dict[str, float] = {}
    cs: dict[str, float] = {}
    rel: dict[str, float] = {}
    for g, by in win.items():
        tot = sum(by.values())
        shares = {p: v / tot for p, v in by.items()}
        c = sum(s for p, s in shares.items() if p in concern)
        hhi = sum(s * s for s in shares.values())
        ir = _reliance(goods[g], tot, net=True)
        fd[g] = round(ir * (c + (1 - c) * hhi), 3)
        cs[g] = c
        rel[g] = _reliance(goods[g], tot, net=False)
    return fd, cs, rel


# ----------------------------------------------------------------------------- writing
def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.6g}" if abs(v) < 1e15 else str(v)
    return str(v)


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_fmt(v) for v in r])
    path.write_text(buf.getvalue(), encoding="utf-8")


#: no single project addresses all of a good's priority; above this the judged ratio is not reached
EFFECT_CAP = 0.9


def _effect(bcr: float, cost: float, good: GoodRow) -> float:
    """Effect (0–1) that makes the derived benefit ≈ ``bcr`` × cost at criticality importance/5.

    The allocation model derives a blank value as criticality × effect × B_g with
    B_g = annual_demand × unit_price (docs/methodology/allocation.md §2); the case
    states a benefit-cost judgement instead, which is easier to review, and this turns
    it into the effect column. The model's criticality differs from importance/5, so
    the realised ratio differs too — that is the model's job.
    """
    demand, price, imp = good[8], good[9], good[15]
    scale = demand * price if demand and price else 1000.0
    return round(min(EFFECT_CAP, max(0.005, bcr * cost / ((imp / 5.0) * scale))), 3)


def build(out: Path) -> dict[str, Any]:
    """Write every file of the case into ``out``; returns figures for the summary."""
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    flows = build_flows(rng)
    fd, concern_share, reliance = derived(flows)
    goods_by_id = {g[0]: g for g in GOODS}

    goods_rows = []
    for g in GOODS:
        row = list(g)
        i_fd = GOOD_COLUMNS.index("foreign_dependence")
        if row[i_fd] is None:
            row[i_fd] = fd[g[0]]
            row[-1] = f"{row[-1]}; foreign_dependence computed from flows.csv (last 12 months)"
        goods_rows.append(row)
    _write_csv(out / "goods.csv", GOOD_COLUMNS, goods_rows)

    _write_csv(
        out / "countries.csv",
        ["iso3", "name_ja", "name_en", "governance", "concern", "partner", "source"],
        [
            (
                *c,
                f"governance: {WGI}; concern/partner: illustrative (policy judgement; partner = ally, "
                "EU/UK/US agreement, CPTPP or EPA partner)",
            )
            for c in COUNTRIES
        ],
    )
    _write_csv(
        out / "flows.csv",
        ["good_id", "partner", "period", "value", "quantity", "source"],
        [(r["good_id"], r["partner"], r["period"], r["value"], r["quantity"], r["source"]) for r in flows],
    )

    prow = []
    for p in PROJECTS:
        (pid, ja, en, good, instr, c26, c27, c28, div, mf, value, bcr, cap, req, exc, ministry, must, src) = p
        total = c26 + c27 + c28
        effect = "" if bcr is None else _effect(bcr, total, goods_by_id[good])
        prow.append(
            (
                pid,
                ja,
                en,
                good,
                instr,
                c26,
                c27,
                c28,
                div,
                mf if div else "",
                value,
                effect,
                cap or "",
                req,
                exc,
                ministry,
                must,
                src,
            )
        )
    _write_csv(
        out / "projects.csv",
        [
            "id",
            "name_ja",
            "name_en",
            "good_id",
            "instrument",
            "cost_2026",
            "cost_2027",
            "cost_2028",
            "divisible",
            "min_fraction",
            "value",
            "effect",
            "capacity",
            "requires",
            "excludes",
            "ministry",
            "must",
            "source",
        ],
        prow,
    )

    srow = []
    for s in SCENARIOS:
        sid, ja, en, prob, good, partner, cut, stop, loss, months, src = s
        if loss is None:
            # share of the good's supply lost = cut country's import share × import reliance × stop fraction
            win = _latest_window(flows)[good]
            share = win.get(cut, 0.0) / sum(win.values())
            loss = round(share * reliance[good] * stop, 3)
            src = f"{src}; loss = {cut} import share {share:.2f} × imports/supply {reliance[good]:.2f} × {stop:g}"
        srow.append((sid, ja, en, prob, good, partner, loss, months, src))
    _write_csv(
        out / "scenarios.csv",
        ["id", "name_ja", "name_en", "probability", "good_id", "partner", "loss", "months", "source"],
        srow,
    )
    _write_csv(out / "links.csv", ["good_id", "input_id", "intensity", "source"], LINKS)
    wrows: list[tuple[Any, ...]] = []
    for good, (shares, src) in WORLD_SUPPLY.items():
        for iso, sh in shares.items():
            wrows.append((good, iso, sh, "", src))
        rest = round(1.0 - sum(shares.values()), 4)
        if rest > 0:
            wrows.append((good, "other", rest, 0.0, f"{src}; remainder, governance 0.0 illustrative"))
    _write_csv(out / "world_supply.csv", ["good_id", "country", "share", "governance", "source"], wrows)
    (out / "policy.yaml").write_text(POLICY_YAML, encoding="utf-8")
    return {"flows": len(flows), "concern_share": concern_share, "reliance": reliance}


# ----------------------------------------------------------------------------- checks
def check(out: Path) -> list[str]:
    """Self-checks that do not need the prioritizer package (the loader checks more)."""
    import pandas as pd

    problems: list[str] = []
    goods = pd.read_csv(out / "goods.csv", keep_default_na=False)
    countries = pd.read_csv(out / "countries.csv", keep_default_na=False)
    flows = pd.read_csv(out / "flows.csv", keep_default_na=False)
    projects = pd.read_csv(out / "projects.csv", keep_default_na=False)
    scen = pd.read_csv(out / "scenarios.csv", keep_default_na=False)
    links = pd.read_csv(out / "links.csv", keep_default_na=False)
    world = pd.read_csv(out / "world_supply.csv", keep_default_na=False)
    gid, cid, pid = set(goods["id"]), set(countries["iso3"]), set(projects["id"])
    bad_world = sorted({c for c in world["country"] if c not in cid and c != "other"})
    bad_world += sorted({g for g in world["good_id"] if g not in gid})
    if bad_world:
        problems.append(f"world_supply: unknown goods or countries {bad_world}")
    sums = world.groupby("good_id")["share"].sum()
    if ((sums - 1).abs() > 1e-6).any():
        problems.append(
            f"world_supply: shares do not add up to 1 for {sorted(sums[(sums - 1).abs() > 1e-6].index)}"
        )
    for name, df, key in (
        ("goods", goods, "id"),
        ("countries", countries, "iso3"),
        ("projects", projects, "id"),
        ("scenarios", scen, "id"),
    ):
        if df[key].duplicated().any():
            problems.append(f"{name}: duplicate ids {sorted(df[key][df[key].duplicated()])}")
    if (df := flows[["good_id", "partner", "period"]]).duplicated().any():
        problems.append(f"flows: duplicate keys {len(df[df.duplicated()])}")
    for col, ref, df, name in (
        (("parent_id"), gid, goods, "goods"),
        ("good_id", gid, flows, "flows"),
        ("partner", cid, flows, "flows"),
        ("good_id", gid, projects, "projects"),
        ("good_id", gid, scen, "scenarios"),
        ("partner", cid, scen, "scenarios"),
        ("good_id", gid, links, "links"),
        ("input_id", gid, links, "links"),
    ):
        bad = sorted({v for v in df[col] if v and v not in ref})
        if bad:
            problems.append(f"{name}.{col}: unknown {bad}")
    for col in ("requires", "excludes"):
        for p, v in zip(projects["id"], projects[col], strict=True):
            bad = [q for q in str(v).split(";") if q and q not in pid]
            if bad:
                problems.append(f"projects.{col} of {p}: unknown {bad}")
    for col in (
        "autonomy",
        "indispensability",
        "foreign_dependence",
        "substitutability",
        "eol_rir",
        "substitution_index",
    ):
        v = pd.to_numeric(goods[col])
        if ((v < 0) | (v > 1)).any():
            problems.append(f"goods.{col} outside 0..1")
    if len(goods) < 50 or len(countries) < 40 or len(projects) < 40 or len(scen) < 8:
        problems.append("row counts below the issue's minimums")
    annual = bool(len(flows)) and bool(flows["period"].astype(str).str.len().eq(4).all())
    if annual:  # --public-data: the goods the BACI extract covers, one row per year
        if flows["good_id"].nunique() < 5 or flows["period"].nunique() < 10:
            problems.append("flows: fewer than 5 goods or 10 years")
    elif flows["good_id"].nunique() < 15 or flows["period"].nunique() < 24:
        problems.append("flows: fewer than 15 goods or 24 months")
    if set(projects["instrument"]) != {
        "subsidy",
        "loan",
        "rnd",
        "stockpile",
        "tax",
        "procurement",
        "state_commissioned",
    }:
        problems.append(f"instruments covered: {sorted(set(projects['instrument']))}")
    problems += _cycles("links", list(zip(links["good_id"], links["input_id"], strict=True)))
    req = [
        (p, q)
        for p, v in zip(projects["id"], projects["requires"], strict=True)
        for q in str(v).split(";")
        if q
    ]
    problems += _cycles("requires", req)
    exc = {
        (p, q)
        for p, v in zip(projects["id"], projects["excludes"], strict=True)
        for q in str(v).split(";")
        if q
    }
    must = dict(zip(projects["id"], projects["must"], strict=True))
    for p, q in exc:
        if must.get(p) == "in" and must.get(q) == "in":
            problems.append(f"{p} and {q} are both must=in but exclude each other")
    for p, q in req:
        if must.get(p) == "in" and must.get(q) == "out":
            problems.append(f"{p} is must=in but requires {q}, which is must=out")
    total = sum(projects[f"cost_{y}"].sum() for y in YEARS)
    ratio = total / sum(BUDGET_YEARS.values())
    if not 1.4 <= ratio <= 1.6:
        problems.append(f"total project cost {total:.0f} is {ratio:.2f}× the budget (want 1.4–1.6×)")
    for y in YEARS:
        r = projects[f"cost_{y}"].sum() / BUDGET_YEARS[y]
        if not 1.1 <= r <= 2.0:
            problems.append(f"cost_{y} is {r:.2f}× the {y} budget")
    return problems


def _cycles(name: str, edges: list[tuple[str, str]]) -> list[str]:
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> list[str]:
        state[n] = 1
        for m in graph.get(n, []):
            if state.get(m) == 1:
                return [f"{name}: cycle {' → '.join([*path, n, m])}"]
            if state.get(m) is None and (found := visit(m, [*path, n])):
                return found
        state[n] = 2
        return []

    for n in list(graph):
        if state.get(n) is None and (found := visit(n, [])):
            return found
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "inputs" / "default")
    ap.add_argument("--check", action="store_true", help="fail if the committed files differ from a rebuild")
    ap.add_argument(
        "--illustrative",
        action="store_true",
        help="the former illustrative case: synthetic monthly flows, approximate governance and world supply",
    )
    ap.add_argument(
        "--public-data",
        action="store_true",
        help="(the default) replace flows, world supply and governance with the statistics in scripts/data/",
    )
    args = ap.parse_args(argv)
    args.public_data = not args.illustrative

    def build_all(out: Path) -> dict[str, Any]:
        info = build(out)
        if args.public_data:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            import default_case_public

            info["public"] = default_case_public.apply(out, HS_MAP)
            info["flows"] = sum(1 for _ in (out / "flows.csv").open(encoding="utf-8")) - 1
        return info

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build_all(Path(tmp))
            names = sorted(p.name for p in Path(tmp).iterdir())
            _, mismatch, errors = filecmp.cmpfiles(args.out, tmp, names, shallow=False)
            if mismatch or errors:
                print(f"out of date: {mismatch + errors}; run scripts/build_default_case.py", file=sys.stderr)
                return 1
        print("inputs/default is up to date")
        return 0
    info = build_all(args.out)
    problems = check(args.out)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    print(
        f"wrote {args.out}: {len(GOODS)} goods, {len(COUNTRIES)} countries, {info['flows']} flow rows, "
        f"{len(PROJECTS)} projects, {len(SCENARIOS)} scenarios, {len(LINKS)} links"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

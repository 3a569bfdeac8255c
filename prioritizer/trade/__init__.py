"""Official trade statistics -> case flows (issue 15; DESIGN §6 ``import-trade``).

Sources: Japan Customs / e-Stat 品別国別表 (:mod:`.customs`), UN Comtrade final data
(:mod:`.comtrade`), CEPII BACI (:mod:`.baci`). The HS map (:mod:`.hsmap`), country
concordances (:mod:`.concordance`), FX (:mod:`.fx`), unit conversion and mapping
(:mod:`.build`) and the atomic case merge (:mod:`.merge`) are one module each; the
API in :mod:`.api` is what the CLI and the app call.
"""

from prioritizer.trade.api import SOURCES, ImportPreview, ImportReport, import_trade, preview, write_case

__all__ = ["SOURCES", "ImportPreview", "ImportReport", "import_trade", "preview", "write_case"]

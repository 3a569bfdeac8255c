"""Dependence indicators from trade data and rising-dependence monitoring.

Public API (docs/architecture.md): :func:`compute`, :func:`latest`, :func:`alerts`,
:data:`INDICATOR_NAMES`. Formulas and references: docs/methodology/indicators.md.
"""

from prioritizer.indicators.api import INDICATOR_NAMES, alerts, compute, latest

__all__ = ["INDICATOR_NAMES", "alerts", "compute", "latest"]

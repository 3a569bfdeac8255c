"""Robustness of rankings and portfolios (issue 6).

* :mod:`~prioritizer.robustness.sampling` — weight samplers (simplex, ordinal orders, intervals)
* :mod:`~prioritizer.robustness.kernels` — batched scoring kernels (additive value, TOPSIS)
* :mod:`~prioritizer.robustness.smaa` — SMAA-2 acceptabilities, central weights, confidence
* :mod:`~prioritizer.robustness.sensitivity` — one-at-a-time sweeps, tornado, exact thresholds
* :mod:`~prioritizer.robustness.portfolio` — core index of projects over re-optimised portfolios
* :mod:`~prioritizer.robustness.service` — ``run_robustness`` (the ``robustness`` command's service)

Method notes with formulas and references: ``docs/methodology/robustness.md``.
"""

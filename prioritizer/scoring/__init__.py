"""Multi-criteria scoring: pure numpy kernels, validated API, decomposition, hints, service.

Public entry points: :func:`prioritizer.scoring.api.prepare`, :func:`~prioritizer.scoring.api.score`,
:func:`~prioritizer.scoring.api.criticality` and the ``rank`` service
:func:`prioritizer.scoring.service.run_rank`.
"""

"""What-if studies at scale: a grid of allocations run on Dask distributed, and what they say.

``grid``     STUDY.yaml -> :class:`~prioritizer.study.grid.Grid` -> tasks (each with its own seed)
``weights``  weight samples inside the set the model's elicitation allows (robustness sampler)
``tasks``    one task = one allocation (public allocation API, ``explain="none"``); runs on a worker
``engine``   serial loop or Dask (LocalCluster / existing scheduler), retries, failures per task
``store``    finished tasks written atomically as they finish: an interrupted study resumes
``results``  funded shares, rank and benefit quantiles, regret, robust portfolios (pure numpy)
``service``  ``study`` service for :func:`prioritizer.runs.execute` (one Run per study)
``charts``   pure Plotly builders shared by the app page and reports
"""

"""One module per page; each exposes ``page()`` and contains layout only."""

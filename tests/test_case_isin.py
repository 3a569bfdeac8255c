"""The reference check's membership test on Arrow-backed text equals pandas' own ``isin``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from prioritizer.case.checks import _isin


def test_arrow_text_membership_matches_pandas_including_blanks_and_missing_cells() -> None:
    values = ["G1", "G2", "", None, "日本", "G10", "g1"]
    known = {"G1", "日本", "G10"}
    want = [True, False, False, False, True, True, False]  # case-sensitive, blank and missing out
    for dtype in (pd.StringDtype("pyarrow"), object):
        s = pd.Series(values, dtype=dtype, index=np.arange(10, 17))
        got = _isin(s, known)
        assert list(got.index) == list(s.index)
        assert got.to_numpy(dtype=bool).tolist() == want
        assert got.to_numpy(dtype=bool).tolist() == s.isin(known).to_numpy(dtype=bool).tolist()

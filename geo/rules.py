"""The counting rules every total and every change follows, whichever format shows them (defined once here)."""

from __future__ import annotations

import pandas as pd

# A total (Σ participants ÷ Σ employed) stands for its scope only when the units with both counts hold at least
# this share of the scope (of its districts, or of a province's employed); otherwise it is labelled incomplete.
COMPLETE_SHARE = 0.8


def change_points(now: pd.Series, before: pd.Series) -> pd.Series:
    """The change in coverage, in percentage points to two decimals (NaN where either period has no figure)."""
    return (now.astype(float) - before.astype(float)).round(2)

"""Future statistics: per-period mean, spread and trend (near 2025-2050, mid 2051-2075, long 2076-2100)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from tpcarbon.analysis._checks import _fail, _years
from tpcarbon.analysis.regional import area_weighted_mean
from tpcarbon.analysis.trends import linear_trend

#: The study's future periods (first year, last year), inclusive.
DEFAULT_PERIODS: tuple[tuple[int, int], ...] = ((2025, 2050), (2051, 2075), (2076, 2100))


def period_statistics(years: ArrayLike, values: ArrayLike, area: ArrayLike | None,
                      periods: Sequence[tuple[int, int]] = DEFAULT_PERIODS) -> pd.DataFrame:
    r"""Mean, inter-annual spread and trend of the regional series within each period.

    .. math::

        Y_k = \frac{\sum_i A_i v_{k,i}}{\sum_i A_i}, \quad
        \bar Y_P = \frac{1}{n_P}\sum_{k \in P} Y_k, \quad
        \sigma_P = \sqrt{\frac{\sum_{k \in P} (Y_k - \bar Y_P)^2}{n_P - 1}}, \quad
        b_P = \text{OLS slope of } Y_k \text{ on year}_k,\ k \in P

    Parameters
    ----------
    years : ndarray of int, shape (nt,)
        Calendar years, strictly increasing.
    values : ndarray, shape (nt, ncell) or (nt,)
        Annual values per cell, e.g. NEP [g C m-2 yr-1]; NaN cells are left out of the regional mean
        (:func:`area_weighted_mean`). A 1-D array is taken as the regional series itself (``area=None``).
    area : ndarray, shape (ncell,), or None
        Cell areas [m2]; None when ``values`` is already the regional series.
    periods : sequence of (int, int), default ((2025, 2050), (2051, 2075), (2076, 2100))
        Inclusive (first year, last year) of each period.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period`` label, ``first_year``, ``last_year``, ``n_years`` (years present),
        ``mean`` [units of values], ``std`` (sample std across years, ddof = 1) [units of values],
        ``slope`` [units of values per yr], ``slope_stderr`` [units per yr], ``pvalue`` [-] (two-sided,
        Student t with n - 2 dof). Trend fields are NaN for periods with fewer than 3 years.

    Examples
    --------
    >>> yrs = np.arange(2025, 2101)
    >>> df = period_statistics(yrs, 0.5 * (yrs - 2025.0), None)
    >>> df["period"].tolist(), df["slope"].round(6).tolist()
    (['2025-2050', '2051-2075', '2076-2100'], [0.5, 0.5, 0.5])
    """
    v = np.asarray(values, dtype=np.float64)
    if area is None:
        if v.ndim != 1:
            raise _fail("area", "missing for per-cell values", "pass the cell areas or a regional series")
        reg = v
    else:
        if v.ndim != 2:
            raise _fail("values", f"expected shape (nt, ncell), got {v.shape}", "put time first, cells last")
        reg = np.atleast_1d(area_weighted_mean(v, area))
    yrs = _years(years, reg.shape[0])
    rows = []
    for first, last in periods:
        if last < first:
            raise _fail("periods", f"({first}, {last}) ends before it starts", "give (first year, last year)")
        sel = (yrs >= first) & (yrs <= last)
        n = int(sel.sum())
        if n == 0:
            raise _fail("periods", f"{first}-{last} has no years in {yrs[0]}-{yrs[-1]}",
                        "choose periods inside the data")
        yp = reg[sel]
        row = {"period": f"{first}-{last}", "first_year": int(first), "last_year": int(last), "n_years": n,
               "mean": float(np.mean(yp)), "std": float(np.std(yp, ddof=1)) if n > 1 else np.nan,
               "slope": np.nan, "slope_stderr": np.nan, "pvalue": np.nan}
        if n >= 3:
            tr = linear_trend(yp, yrs[sel].astype(np.float64))
            row.update(slope=float(tr.slope), slope_stderr=float(tr.stderr), pvalue=float(tr.pvalue))
        rows.append(row)
    return pd.DataFrame(rows)


def change_vs_reference(table: pd.DataFrame, reference: float | tuple[int, int]) -> pd.DataFrame:
    r"""Change of each period mean relative to a reference mean, absolute and in percent.

    .. math::

        \Delta_P = \bar Y_P - \bar Y_{\mathrm{ref}}, \qquad
        \Delta_P^{\%} = 100\,\frac{\bar Y_P - \bar Y_{\mathrm{ref}}}{\bar Y_{\mathrm{ref}}}

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`period_statistics` (needs ``period`` and ``mean``).
    reference : float or (int, int)
        The reference mean [units of ``mean``], e.g. the 1979-2018 regional NEP, or a (first, last) period
        that is a row of ``table``.

    Returns
    -------
    pandas.DataFrame
        A copy of ``table`` with ``reference_mean``, ``change`` [units of mean] and ``change_pct`` [%]
        (NaN when the reference mean is 0).

    Examples
    --------
    >>> t = pd.DataFrame({"period": ["2025-2050", "2076-2100"], "mean": [30.0, 45.0]})
    >>> change_vs_reference(t, 24.0)["change_pct"].tolist()
    [25.0, 87.5]
    """
    if "mean" not in table or "period" not in table:
        raise _fail("table", "needs the columns 'period' and 'mean'", "pass the output of period_statistics")
    if isinstance(reference, tuple):
        label = f"{reference[0]}-{reference[1]}"
        hit = table.loc[table["period"] == label, "mean"]
        if hit.empty:
            raise _fail("reference", f"period {label} is not a row of the table",
                        f"include {reference} in the periods or pass the reference mean as a number")
        ref = float(hit.iloc[0])
    else:
        ref = float(reference)
    out = table.copy()
    out["reference_mean"] = ref
    out["change"] = out["mean"] - ref
    out["change_pct"] = 100.0 * out["change"] / ref if ref != 0.0 else np.nan
    return out

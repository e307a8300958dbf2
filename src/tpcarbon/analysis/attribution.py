"""Factorial attribution of the S1 trend to temperature, precipitation and radiation (study Methods §2.4).

Every normalisation the study mixes is given side by side (:func:`factor_contributions`,
:func:`attribution_note`); :func:`factor_contribution_maps` gives the per-pixel contributions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from tpcarbon.analysis._checks import _fail

#: Label of the attribution residual: the part of the S1 trend not explained by the held factors.
RESIDUAL = "other: CO2 and interactions"


def factor_contributions(trend_s1: float, trends_held: Mapping[str, float]) -> pd.DataFrame:
    r"""Contributions of the held factors to the S1 trend, with every normalisation the study uses.

    .. math::

        c_x = b_{S1} - b_{S_x}, \qquad c_{\mathrm{other}} = b_{S1} - \sum_x c_x,

    .. math::

        \text{share\_of\_s1}_x = \frac{c_x}{b_{S1}}, \qquad
        \text{share\_of\_sum}_x = \frac{c_x}{\sum_y |c_y|}, \qquad
        \text{share\_of\_held}_x = \frac{b_{S_x}}{\sum_y |b_{S_y}|}

    :math:`c_x` is the study's Methods formula (§2.4): the S1 trend minus the trend of the run in which
    factor x is held at its 1979-2018 mean. The residual collects what the held runs do not separate
    (CO2, N deposition, land use and the interactions between factors). ``share_of_held`` is the variant
    the study's reported percentages resemble; it is not a contribution (see :func:`attribution_note`).

    Parameters
    ----------
    trend_s1 : float
        Trend of the control run S1 :math:`b_{S1}`, e.g. NEP [g C m-2 yr-2].
    trends_held : dict of str to float
        Trend :math:`b_{S_x}` of each run with factor x held, by factor name, e.g.
        ``{"temperature": b_S2, "precipitation": b_S3, "radiation": b_S4}`` [same units].

    Returns
    -------
    pandas.DataFrame
        Columns ``factor``, ``trend_held`` [units of the trends], ``contribution`` [units of the trends],
        ``share_of_s1``, ``share_of_sum``, ``share_of_held`` [fractions, signed]. One row per factor then a
        last row ``factor = RESIDUAL`` (``trend_held``, ``share_of_sum`` and ``share_of_held`` NaN there).
        Shares are NaN when their denominator is 0.

    Examples
    --------
    >>> df = factor_contributions(0.2, {"temperature": 0.5, "precipitation": -0.1, "radiation": 0.2})
    >>> df["contribution"].round(6).tolist()
    [-0.3, 0.3, 0.0, 0.2]
    """
    names = list(trends_held)
    if not names:
        raise _fail("trends_held", "no held-factor runs given", "pass e.g. {'temperature': trend_S2}")
    if RESIDUAL in names:
        raise _fail("trends_held", f"'{RESIDUAL}' is reserved for the residual", "rename the factor")
    b1 = float(trend_s1)
    held = np.array([float(trends_held[n]) for n in names], dtype=np.float64)
    contrib = b1 - held
    resid = b1 - contrib.sum()

    def ratio(num: NDArray[np.float64] | float, den: float) -> NDArray[np.float64]:
        return np.asarray(num, dtype=np.float64) / den if den != 0.0 else np.full(np.shape(num), np.nan)

    sum_abs_c = float(np.sum(np.abs(contrib)))
    sum_abs_h = float(np.sum(np.abs(held)))
    df = pd.DataFrame({
        "factor": names + [RESIDUAL],
        "trend_held": np.append(held, np.nan),
        "contribution": np.append(contrib, resid),
        "share_of_s1": np.append(ratio(contrib, b1), ratio(resid, b1)),
        "share_of_sum": np.append(ratio(contrib, sum_abs_c), np.nan),
        "share_of_held": np.append(ratio(held, sum_abs_h), np.nan),
    })
    return df


def factor_contribution_maps(trend_s1: ArrayLike, trends_held: Mapping[str, ArrayLike]
                             ) -> dict[str, NDArray[np.float64]]:
    r"""Per-pixel contributions of the held factors to the S1 trend (study figs. 8, 12, 13).

    .. math::

        c_{x,i} = b_{S1,i} - b_{S_x,i}, \qquad c_{\mathrm{other},i} = b_{S1,i} - \sum_x c_{x,i}

    Parameters
    ----------
    trend_s1 : ndarray, shape (ncell,)
        Per-pixel trend of the control run, e.g. NEP [g C m-2 yr-2].
    trends_held : dict of str to ndarray, shape (ncell,)
        Per-pixel trend of each held-factor run, by factor name [same units].

    Returns
    -------
    dict of str to ndarray, shape (ncell,)
        Contribution of each factor, then the residual under the key :data:`RESIDUAL` [units of the trends];
        NaN propagates per pixel.

    Examples
    --------
    >>> m = factor_contribution_maps(np.array([1.0, 2.0]), {"t": np.array([0.5, 3.0])})
    >>> m["t"].tolist(), m[RESIDUAL].tolist()
    ([0.5, -1.0], [0.5, 3.0])
    """
    b1 = np.asarray(trend_s1, dtype=np.float64)
    if not trends_held:
        raise _fail("trends_held", "no held-factor runs given", "pass e.g. {'temperature': trend_S2}")
    if RESIDUAL in trends_held:
        raise _fail("trends_held", f"'{RESIDUAL}' is reserved for the residual", "rename the factor")
    out: dict[str, NDArray[np.float64]] = {}
    total = np.zeros_like(b1)
    for name, bh in trends_held.items():
        bh = np.asarray(bh, dtype=np.float64)
        if bh.shape != b1.shape:
            raise _fail(name, f"shape {bh.shape} does not match trend_s1 {b1.shape}",
                        "give one trend per cell")
        out[name] = b1 - bh
        total = total + out[name]
    out[RESIDUAL] = b1 - total
    return out


def attribution_note(df: pd.DataFrame) -> str:
    """Explain, in one plain-text paragraph, how the attribution table differs from the study's percentages.

    The study's Methods define a factor's contribution as trend(S1) - trend(S_x) (column ``contribution``),
    but its reported percentages (temperature 68 %, radiation 21 %, precipitation 11 %) match neither
    normalisation of that formula; they are close to the held-run shares |trend(S_x)| / sum |trend(S_y)|
    (column ``share_of_held``). The paragraph quotes the numbers of ``df`` and names the column the report
    uses: ``contribution`` [trend units], with percentages from ``share_of_sum``.

    Parameters
    ----------
    df : pandas.DataFrame
        Output of :func:`factor_contributions`.

    Returns
    -------
    str
        One paragraph, no line breaks.

    Examples
    --------
    >>> df = factor_contributions(0.2, {"temperature": 0.5, "precipitation": -0.1, "radiation": 0.2})
    >>> "share_of_sum" in attribution_note(df)
    True
    """
    need = {"factor", "trend_held", "contribution", "share_of_s1", "share_of_sum", "share_of_held"}
    if not need <= set(df.columns):
        raise _fail("df", "is not an attribution table", "pass the output of factor_contributions")
    fac = df[df["factor"] != RESIDUAL]
    res = df[df["factor"] == RESIDUAL]

    def pct(v: float) -> str:
        return "n/a" if not np.isfinite(v) else f"{100.0 * v:+.1f} %"

    methods = ", ".join(f"{r.factor} {r.contribution:+.3g} ({pct(r.share_of_sum)} of the summed magnitudes, "
                        f"{pct(r.share_of_s1)} of the S1 trend)" for r in fac.itertuples())
    held = ", ".join(f"{r.factor} {pct(r.share_of_held)}" for r in fac.itertuples())
    resid = ""
    if not res.empty:
        r0 = res.iloc[0]
        resid = (f" The residual ({RESIDUAL}) is {r0['contribution']:+.3g}, {pct(r0['share_of_s1'])} of the "
                 "S1 trend.")
    return (
        "Attribution follows the study's Methods formula, contribution = trend(S1) - trend(S_x) with "
        f"factor x held at its climatology, which gives {methods}.{resid} The study's reported percentages "
        "(temperature 68 %, radiation 21 %, precipitation 11 %) do not follow from that formula applied to "
        "its own Table 3 trends (S1 +0.2, S2 +0.5, S3 -0.1, S4 +0.2 g C m-2 yr-2, which give -0.3, +0.3 and "
        "0.0); they are close to the shares of the held-run trends themselves, trend(S_x) / sum |trend(S_y)| "
        "(62.5, 12.5 and 25 % with the rounded trends), shown here as column share_of_held: "
        f"{held}. Those shares describe the held runs, not contributions. The report uses column "
        "contribution (in the units of the trends) with its percentages from column share_of_sum (signed, "
        "over the summed magnitudes of the factor contributions); share_of_held is shown only for "
        "comparison with the paper."
    )


def contribution_maps(trend_s1: xr.DataArray, trends_held: Mapping[str, xr.DataArray]) -> xr.DataArray:
    r"""Per-pixel contributions :math:`c_x = b_{S1} - b_{S_x}` and the residual, along a ``factor`` dimension.

    The xarray form of :func:`factor_contribution_maps` (study figs. 8, 12, 13).

    Examples
    --------
    >>> b1 = xr.DataArray([1.0, 2.0], dims="cell")
    >>> c = contribution_maps(b1, {"temperature": xr.DataArray([0.5, 3.0], dims="cell")})
    >>> c.sel(factor="temperature").values.tolist(), c["factor"].values.tolist()
    ([0.5, -1.0], ['temperature', 'other: CO2 and interactions'])
    """
    held = {k: v.broadcast_like(trend_s1) for k, v in trends_held.items()}
    maps = factor_contribution_maps(trend_s1.values, {k: v.values for k, v in held.items()})
    data = np.stack([maps[k] for k in maps])
    units = trend_s1.attrs.get("units", "")
    return xr.DataArray(data, dims=("factor", *trend_s1.dims), coords={"factor": list(maps), **trend_s1.coords},
                        attrs={"long_name": "contribution to the S1 trend: trend(S1) - trend(S_x)", "units": units})

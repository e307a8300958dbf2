"""Regional means: area-weighted means over the valid cells, and decadal tables (study Table 2).

Kernels take numpy (cells on the last axis, time first); :func:`regional_mean` takes xarray
(``(..., lat, lon)`` and an ``area`` map) and returns xarray.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from tpcarbon.analysis._checks import _fail, _unbox, _years


def area_weighted_mean(values: ArrayLike, area: ArrayLike) -> NDArray[np.float64]:
    r"""Area-weighted mean over cells, leaving out NaN cells.

    .. math::

        \bar v = \frac{\sum_i A_i\, v_i\, m_i}{\sum_i A_i\, m_i}, \qquad
        m_i = 1 \text{ if } v_i \text{ and } A_i \text{ are finite, else } 0

    Parameters
    ----------
    values : ndarray, shape (..., ncell)
        Cell values :math:`v_i` [any units]; NaN cells are excluded from numerator and denominator.
    area : ndarray, shape (ncell,)
        Cell areas :math:`A_i` [m2]; only their ratios matter.

    Returns
    -------
    ndarray, shape (...)
        Area-weighted mean [units of ``values``]; NaN where no cell is valid. A scalar for 1-D ``values``.

    Examples
    --------
    >>> float(area_weighted_mean([1.0, 3.0, np.nan], [1.0, 3.0, 5.0]))
    2.5
    """
    v = np.asarray(values, dtype=np.float64)
    a = np.asarray(area, dtype=np.float64)
    if a.ndim != 1 or v.ndim == 0 or v.shape[-1] != a.shape[0]:
        raise _fail("area", f"shape {a.shape} does not match the last axis of values {v.shape}",
                    "give one area per cell, shape (ncell,)")
    if np.any(a < 0):
        raise _fail("area", "contains negative cell areas", "give cell areas in m2 (>= 0)")
    valid = np.isfinite(v) & np.isfinite(a)
    w = np.where(valid, a, 0.0)
    num = np.sum(np.where(valid, v, 0.0) * w, axis=-1)
    den = np.sum(w, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return _unbox(np.asarray(out, dtype=np.float64))



def decadal_table(years: ArrayLike, series: Mapping[str, ArrayLike], start: int | None = None,
                  with_change: bool = False) -> pd.DataFrame:
    r"""Means of annual series over successive 10-year blocks (the study's Table 2).

    .. math::

        \bar y_b = \frac{1}{n_b} \sum_{k \in b} y_k, \qquad
        b(k) = \left\lfloor \frac{\mathrm{year}_k - \mathrm{start}}{10} \right\rfloor

    Blocks start at ``start`` (default: the first year) and span 10 years; a first or last block may be
    shorter and is labelled with the years it really contains (e.g. ``"2009-2018"`` or ``"2010-2018"``).
    The study's Table 2 uses calendar decades (1980-89, ..., 2010-18): pass ``start=1980``, in which case
    1979 forms its own block ``"1979-1979"``.

    Parameters
    ----------
    years : ndarray of int, shape (nt,)
        Calendar years, strictly increasing.
    series : dict of str to ndarray, shape (nt,)
        Annual series by name, e.g. ``{"NEP": nep}`` [any units]; NaN propagates into its block mean.
    start : int, optional
        First year of a block; default ``years[0]``.
    with_change : bool, default False
        Also give ``<name>_change``, the block mean minus the previous block mean [units of the series].

    Returns
    -------
    pandas.DataFrame
        One row per block: ``period`` (label), ``first_year``, ``last_year``, ``n_years``, then the mean
        of each series [units of the series] (and the changes if asked).

    Examples
    --------
    >>> df = decadal_table(np.arange(2000, 2023), {"x": np.arange(23.0)})
    >>> df["period"].tolist(), df["x"].tolist()
    (['2000-2009', '2010-2019', '2020-2022'], [4.5, 14.5, 21.0])
    """
    yrs = _years(years)
    names = list(series)
    vals = {}
    for n in names:
        v = np.asarray(series[n], dtype=np.float64)
        if v.shape != yrs.shape:
            raise _fail(n, f"shape {v.shape} does not match {yrs.size} years", "give one value per year")
        vals[n] = v
    start = int(yrs[0]) if start is None else int(start)
    block = np.floor_divide(yrs - start, 10)
    rows = []
    for b in np.unique(block):
        sel = block == b
        y0, y1 = int(yrs[sel][0]), int(yrs[sel][-1])
        row = {"period": f"{y0}-{y1}", "first_year": y0, "last_year": y1, "n_years": int(sel.sum())}
        row.update({n: float(np.mean(vals[n][sel])) for n in names})
        rows.append(row)
    df = pd.DataFrame(rows)
    if with_change:
        for n in names:
            df[f"{n}_change"] = df[n].diff()
    return df


def cell_weights(area: xr.DataArray) -> xr.DataArray:
    """Area weights for ``.weighted``: the cell areas, 0 where the area is missing or not positive."""
    return area.where(np.isfinite(area) & (area > 0), 0.0)


def regional_mean(da: xr.DataArray | xr.Dataset, area: xr.DataArray,
                  dims: tuple[str, ...] = ("lat", "lon")) -> xr.DataArray | xr.Dataset:
    r"""Area-weighted regional mean over ``dims``, leaving out missing cells (xarray ``.weighted``).

    .. math:: \bar v = \sum_i A_i v_i m_i \Big/ \sum_i A_i m_i

    the same statistic as :func:`area_weighted_mean` on xarray objects (lazy with dask).

    Parameters
    ----------
    da : xarray.DataArray or Dataset, dims (..., lat, lon)
        Values [any units]; NaN cells are excluded from numerator and denominator.
    area : xarray.DataArray, dims (lat, lon)
        Cell areas [m2] (NaN or 0 outside the region).

    Returns
    -------
    xarray.DataArray or Dataset
        Dims of ``da`` without ``dims``; attributes (units) kept.

    Examples
    --------
    >>> v = xr.DataArray([[1.0, 3.0, np.nan]], dims=("lat", "lon"))
    >>> a = xr.DataArray([[1.0, 3.0, 5.0]], dims=("lat", "lon"))
    >>> float(regional_mean(v, a))
    2.5
    """
    out = da.weighted(cell_weights(area)).mean(dims, skipna=True, keep_attrs=True)
    return out

"""Trends: ordinary least squares with Student-t p-values (the study's method) and Mann-Kendall / Sen.

Kernels take numpy with time on axis 0; :func:`trend` takes an xarray object with a time dimension.
Sources: Mann (1945), Kendall (1975), Sen (1968).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _sps

from tpcarbon.analysis._checks import _fail, _series, _time_axis, _unbox

# Elements per work array in the pairwise (Mann-Kendall) computations: bounds memory to ~32 MB per array.
_PAIR_BUDGET = 1 << 22


class Trend(NamedTuple):
    """OLS trend of series along axis 0; each field has the shape of the trailing dimensions."""

    slope: NDArray[np.float64]
    """Slope :math:`b` [units of y per unit of t]."""
    intercept: NDArray[np.float64]
    """Intercept :math:`a` (value at t = 0) [units of y]."""
    pvalue: NDArray[np.float64]
    """Two-sided p-value of :math:`b \\ne 0` (Student t, nt - 2 dof) [-]."""
    stderr: NDArray[np.float64]
    """Standard error of the slope [units of y per unit of t]."""
    r: NDArray[np.float64]
    """Pearson correlation of y with t [-]."""


class MannKendall(NamedTuple):
    """Mann-Kendall test and Sen's slope; each field has the shape of the trailing dimensions."""

    tau: NDArray[np.float64]
    """Kendall's tau, :math:`S / (n(n-1)/2)` [-]."""
    z: NDArray[np.float64]
    """Normal score with continuity correction [-]."""
    pvalue: NDArray[np.float64]
    """Two-sided p-value from the standard normal [-]."""
    sen_slope: NDArray[np.float64]
    """Sen's slope, median of pairwise slopes [units of y per unit of t]."""



def linear_trend(y: ArrayLike, t: ArrayLike | None = None) -> Trend:
    r"""Ordinary-least-squares trend of each series along axis 0, with a two-sided Student-t p-value.

    .. math::

        b = \frac{S_{ty}}{S_{tt}}, \quad a = \bar y - b\,\bar t, \quad
        r = \frac{S_{ty}}{\sqrt{S_{tt} S_{yy}}}, \quad
        s_b = \sqrt{\frac{(1 - r^2)\, S_{yy}}{(n-2)\, S_{tt}}}, \quad
        T = r\sqrt{\frac{n-2}{1-r^2}}, \quad p = 2\,P(t_{n-2} > |T|)

    with :math:`S_{ty} = \sum_k (t_k - \bar t)(y_k - \bar y)` and similarly :math:`S_{tt}, S_{yy}`. This is
    ``scipy.stats.linregress`` applied to every series at once; a constant series gives :math:`b = 0` and
    NaN r, p and :math:`s_b`, as linregress does.

    Parameters
    ----------
    y : ndarray, shape (nt, ...)
        Series :math:`y_k`, time on axis 0 [any units]; a series with any NaN gives NaN in every field.
    t : ndarray, shape (nt,), optional
        Times :math:`t_k` [e.g. yr]; default ``0, 1, ..., nt - 1`` (time steps).

    Returns
    -------
    Trend
        ``(slope, intercept, pvalue, stderr, r)``, each of shape ``y.shape[1:]`` (scalars for 1-D ``y``);
        slope and stderr in [units of y per unit of t], e.g. g C m-2 yr-2 for NEP against years.

    Examples
    --------
    >>> tr = linear_trend([1.0, 2.5, 2.9, 4.2], t=[2000, 2001, 2002, 2003])
    >>> round(float(tr.slope), 3), round(float(tr.r), 4), round(float(tr.pvalue), 4)
    (1.0, 0.9796, 0.0204)
    """
    y = _series(y)
    nt = y.shape[0]
    t = _time_axis(t, nt)
    dt = t - t.mean()
    stt = float(dt @ dt)
    if stt == 0.0:
        raise _fail("t", "all times are equal", "give distinct times")
    dof = nt - 2
    ym = y.mean(axis=0)
    dy = y - ym
    sty = np.tensordot(dt, dy, axes=(0, 0))
    syy = np.sum(dy * dy, axis=0)
    slope = sty / stt
    intercept = ym - slope * t.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = sty / np.sqrt(stt * syy)
        r = np.clip(r, -1.0, 1.0)
        tstat = r * np.sqrt(dof / ((1.0 - r) * (1.0 + r)))
        stderr = np.sqrt((1.0 - r * r) * syy / stt / dof)
    pvalue = 2.0 * _sps.t.sf(np.abs(tstat), dof)
    return Trend(*(_unbox(np.asarray(a, dtype=np.float64)) for a in (slope, intercept, pvalue, stderr, r)))


def mann_kendall(y: ArrayLike, t: ArrayLike | None = None) -> MannKendall:
    r"""Mann-Kendall trend test (original, no autocorrelation correction) and Sen's slope, per series.

    .. math::

        S = \sum_{i<j} \operatorname{sgn}(y_j - y_i), \qquad
        \operatorname{Var}(S) = \frac{n(n-1)(2n+5) - \sum_g t_g(t_g-1)(2t_g+5)}{18}, \qquad
        \tau = \frac{S}{n(n-1)/2},

    .. math::

        Z = \frac{S - \operatorname{sgn}(S)}{\sqrt{\operatorname{Var}(S)}}, \qquad
        p = 2\,(1 - \Phi(|Z|)), \qquad
        \beta = \operatorname{median}_{i<j} \frac{y_j - y_i}{t_j - t_i}

    where :math:`t_g` is the size of tie group :math:`g` (tie correction of the variance) and
    :math:`\Phi` the standard normal CDF. Same definitions as ``pymannkendall.original_test``.

    Parameters
    ----------
    y : ndarray, shape (nt, ...)
        Series, time on axis 0 [any units]; a series with any NaN gives NaN in every field.
    t : ndarray, shape (nt,), optional
        Times used by Sen's slope [e.g. yr]; default ``0, 1, ..., nt - 1`` (time steps). The test itself
        depends only on the order of the values.

    Returns
    -------
    MannKendall
        ``(tau, z, pvalue, sen_slope)``, each of shape ``y.shape[1:]`` (scalars for 1-D ``y``); tau, z and
        pvalue dimensionless, sen_slope in [units of y per unit of t].

    References
    ----------
    Mann (1945) Econometrica 13, 245-259; Kendall (1975) *Rank Correlation Methods*; Sen (1968) JASA 63,
    1379-1389; Hussain & Mahmud (2019) pyMannKendall, JOSS 4(39), 1556.

    Examples
    --------
    >>> mk = mann_kendall([1.0, 2.0, 2.0, 5.0, 4.0])
    >>> round(float(mk.tau), 2), round(float(mk.z), 4), float(mk.sen_slope)
    (0.7, 1.5159, 0.875)
    """
    y = _series(y)
    nt = y.shape[0]
    t = _time_axis(t, nt)
    tail = y.shape[1:]
    yy = y.reshape(nt, -1)
    m = yy.shape[1]
    bad = ~np.all(np.isfinite(yy), axis=0)
    yy = np.where(np.isfinite(yy), yy, 0.0)
    i, j = np.triu_indices(nt, k=1)
    dtij = t[j] - t[i]
    if np.any(dtij == 0.0):
        raise _fail("t", "contains repeated times", "give distinct times")
    s = np.empty(m, dtype=np.float64)
    ties = np.empty(m, dtype=np.float64)
    sen = np.empty(m, dtype=np.float64)
    chunk = max(1, _PAIR_BUDGET // max(i.size, nt * nt))
    for c0 in range(0, m, chunk):
        blk = yy[:, c0:c0 + chunk]
        d = blk[j] - blk[i]
        s[c0:c0 + chunk] = np.sign(d).sum(axis=0)
        sen[c0:c0 + chunk] = np.median(d / dtij[:, None], axis=0)
        # sum over tie groups of tg(tg-1)(2tg+5) = sum over values of (tg-1)(2tg+5),
        # with tg the size of the value's tie group
        tg = (blk[:, None, :] == blk[None, :, :]).sum(axis=1).astype(np.float64)
        ties[c0:c0 + chunk] = np.sum((tg - 1.0) * (2.0 * tg + 5.0), axis=0)
    var_s = (nt * (nt - 1.0) * (2.0 * nt + 5.0) - ties) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s == 0.0, 0.0, (s - np.sign(s)) / np.sqrt(var_s))
    pvalue = 2.0 * _sps.norm.sf(np.abs(z))
    tau = s / (0.5 * nt * (nt - 1.0))
    out = []
    for a in (tau, z, pvalue, sen):
        a = np.where(bad, np.nan, a).reshape(tail)
        out.append(_unbox(a))
    return MannKendall(*out)


def _years_of(da: xr.DataArray, dim: str) -> np.ndarray:
    if "year" in da.coords and da["year"].dims == (dim,):
        return da["year"].values.astype(np.float64)
    c = da[dim]
    if np.issubdtype(c.dtype, np.datetime64) or c.dtype == object:
        return c.dt.year.values.astype(np.float64) + (c.dt.dayofyear.values - 1) / 365.25
    return c.values.astype(np.float64)


def trend(da: xr.DataArray, dim: str = "time") -> xr.Dataset:
    """OLS trend per year of every series of ``da`` along ``dim`` (:func:`linear_trend` under ``apply_ufunc``).

    Time is the ``year`` coordinate when there is one (tpcarbon and CLM files), else the decimal
    year of a datetime axis, else the coordinate itself.

    Returns
    -------
    xarray.Dataset
        ``slope``, ``stderr`` [units of da per yr], ``intercept``, ``pvalue`` (two-sided t-test), ``r``;
        dims of ``da`` without ``dim``.

    Examples
    --------
    >>> yrs = ("time", [2000, 2001, 2002, 2003])
    >>> da = xr.DataArray([1.0, 2.5, 2.9, 4.2], dims="time", coords={"year": yrs})
    >>> round(float(trend(da)["slope"]), 3)
    1.0
    """
    t = _years_of(da, dim)
    fields = Trend._fields

    def kernel(y):
        res = linear_trend(np.moveaxis(y, -1, 0), t)
        return tuple(np.asarray(v, dtype=np.float64) for v in res)

    outs = xr.apply_ufunc(kernel, da, input_core_dims=[[dim]], output_core_dims=[[]] * len(fields),
                          dask="parallelized", output_dtypes=[np.float64] * len(fields))
    units = da.attrs.get("units", "")
    per_yr = f"{units} yr-1".replace("yr-1 yr-1", "yr-2").strip() if units else "yr-1"
    attrs = {"slope": {"long_name": f"OLS trend of {da.name or 'the series'}", "units": per_yr},
             "stderr": {"long_name": "standard error of the trend", "units": per_yr},
             "intercept": {"long_name": "value at year 0", "units": units},
             "pvalue": {"long_name": "two-sided p-value of the trend (Student t, n-2 dof)", "units": "1"},
             "r": {"long_name": "Pearson correlation with time", "units": "1"}}
    return xr.Dataset({f: o.assign_attrs(attrs[f]) for f, o in zip(fields, outs, strict=True)})

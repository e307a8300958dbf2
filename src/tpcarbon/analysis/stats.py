"""Statistics of the NEP analysis: regional means, trends, partial correlation, sink classes, attribution.

Pure numpy functions (arrays in, arrays / dicts / DataFrames out; no I/O, no xarray) for the analysis
steps of Li et al. (2026), *Terrestrial Net Ecosystem Productivity on the Tibetan Plateau* (Land, MDPI):

- area-weighted regional means;
- ordinary-least-squares trends with Student-t p-values (the study's trend method);
- the Mann-Kendall test with Sen's slope (a non-parametric check of the OLS trends);
- per-pixel partial correlation of NEP with each climate driver, controlling for the others (study eq. 5),
  and the dominant driver of each pixel;
- sink/source classes (NEP >= 50 strong sink, 0-50 weak sink, < 0 source, g C m-2 yr-1) and their area shares;
- decadal tables (study Table 2) and future-period statistics (near 2025-2050, mid 2051-2075, long 2076-2100);
- the factorial attribution of the S1 trend to temperature, precipitation and radiation (study Methods §2.4),
  with every normalisation the study mixes, see :func:`factor_contributions` and :func:`attribution_note`.

Conventions: float64 throughout; time is the leading axis of a series (``(nt, ...)``), cells the last axis
of a map (``(..., ncell)``). A series containing any NaN gives NaN statistics; a map cell that is NaN is
left out of area sums. Sources: ``/work/shared/reference/study.md`` (the study's methods and reported
numbers); Mann (1945), Kendall (1975), Sen (1968) for the Mann-Kendall test and Sen's slope.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats as _sps

from tpcarbon.errors import InputError

__all__ = [
    "DEFAULT_PERIODS",
    "RESIDUAL",
    "STRONG_SINK_GC_M2_YR",
    "MannKendall",
    "Trend",
    "area_weighted_mean",
    "attribution_note",
    "change_vs_reference",
    "class_area_shares",
    "decadal_table",
    "dominant_driver",
    "factor_contribution_maps",
    "factor_contributions",
    "linear_trend",
    "mann_kendall",
    "partial_correlation",
    "partial_correlation_drivers",
    "period_statistics",
    "sink_classes",
]

#: Lower bound of the strong-sink class, NEP [g C m-2 yr-1] (study, non-forest threshold).
STRONG_SINK_GC_M2_YR = 50.0
#: Lower bound of the weak-sink class, NEP [g C m-2 yr-1]; below it a cell is a source.
WEAK_SINK_GC_M2_YR = 0.0
#: The study's future periods (first year, last year), inclusive.
DEFAULT_PERIODS: tuple[tuple[int, int], ...] = ((2025, 2050), (2051, 2075), (2076, 2100))
#: Label of the attribution residual: the part of the S1 trend not explained by the held factors.
RESIDUAL = "other: CO2 and interactions"

# Elements per work array in the pairwise (Mann-Kendall) computations: bounds memory to ~32 MB per array.
_PAIR_BUDGET = 1 << 22
# Relative size below which a centred control series counts as constant in partial_correlation.
_CONSTANT_RTOL = 1e-12
# Relative singular-value cut-off of the pseudo-inverse of the (column-normalised) control matrix.
_PINV_RCOND = 1e-10


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


def _fail(variable: str, problem: str, fix: str) -> InputError:
    return InputError(None, problem, fix, variable=variable)


def _unbox(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return a 0-d array as a numpy scalar, anything else unchanged."""
    return a[()] if a.ndim == 0 else a


def _time_axis(t: ArrayLike | None, nt: int) -> NDArray[np.float64]:
    if t is None:
        return np.arange(nt, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if t.shape != (nt,):
        raise _fail("t", f"shape {t.shape} does not match the {nt} time steps of y",
                    f"give t with shape ({nt},)")
    if not np.all(np.isfinite(t)):
        raise _fail("t", "contains NaN or infinite values", "give finite times (e.g. years)")
    return t


def _series(y: ArrayLike, minimum: int = 3) -> NDArray[np.float64]:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 0 or y.shape[0] < minimum:
        raise _fail("y", f"needs at least {minimum} time steps along axis 0, got shape {y.shape}",
                    "pass a longer series with time as the first axis")
    return y


# --------------------------------------------------------------------------------------------------
# Regional mean
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Trends
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# Partial correlation and dominant driver
# --------------------------------------------------------------------------------------------------


def partial_correlation(y: ArrayLike, x: ArrayLike, controls: ArrayLike | None
                        ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Per-pixel partial correlation of y and x controlling for k other series, with its p-value.

    Both series are regressed on :math:`[1, c_1, \dots, c_k]` per pixel (batched least squares through
    the pseudo-inverse of the centred, column-normalised control matrix); the partial correlation is the
    correlation of the residuals :math:`e_y, e_x`:

    .. math::

        r_{yx\cdot c} = \frac{\sum_k e_{y,k}\, e_{x,k}}{\sqrt{\sum_k e_{y,k}^2 \sum_k e_{x,k}^2}}, \qquad
        T = r\sqrt{\frac{n-2-k}{1-r^2}}, \qquad p = 2\,P(t_{n-2-k} > |T|)

    For k = 1 this equals the study's eq. 5, :math:`r_{12\cdot3} = (r_{12} - r_{13} r_{23}) /
    \sqrt{(1-r_{13}^2)(1-r_{23}^2)}`; for k = 2 its second-order form. A control that is constant in a pixel
    (e.g. a driver held in a factorial run) is dropped from that pixel's regression; the dof stay n - 2 - k.

    Parameters
    ----------
    y : ndarray, shape (nt, ncell)
        First series, e.g. annual NEP [any units].
    x : ndarray, shape (nt, ncell)
        Second series, e.g. annual mean air temperature [any units].
    controls : ndarray, shape (nt, ncell, k) or (nt, ncell), or None
        Series held fixed statistically [any units]; a 2-D array is one control, None means k = 0
        (plain Pearson correlation).

    Returns
    -------
    r : ndarray, shape (ncell,)
        Partial correlation [-]; NaN where any input of the pixel is NaN or a residual is identically 0.
    p : ndarray, shape (ncell,)
        Two-sided p-value with n - 2 - k degrees of freedom [-]; NaN where r is NaN.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> c = rng.normal(size=(30, 1))
    >>> y, x = c + 0.1 * rng.normal(size=(30, 1)), c + 0.1 * rng.normal(size=(30, 1))
    >>> r_raw, _ = partial_correlation(y, x, None)
    >>> r_par, p_par = partial_correlation(y, x, c)
    >>> bool(r_raw[0] > 0.9), bool(abs(r_par[0]) < 0.5)
    (True, True)
    """
    y = np.asarray(y, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    if y.ndim != 2:
        raise _fail("y", f"expected shape (nt, ncell), got {y.shape}", "pass one series per cell, time first")
    nt, ncell = y.shape
    if x.shape != y.shape:
        raise _fail("x", f"shape {x.shape} does not match y {y.shape}", "pass x with the shape of y")
    if controls is None:
        c = np.empty((nt, ncell, 0), dtype=np.float64)
    else:
        c = np.asarray(controls, dtype=np.float64)
        if c.ndim == 2:
            c = c[:, :, None]
        if c.ndim != 3 or c.shape[:2] != (nt, ncell):
            raise _fail("controls", f"shape {c.shape} does not match y {y.shape}",
                        "pass controls with shape (nt, ncell, k)")
    k = c.shape[2]
    dof = nt - 2 - k
    if dof < 1:
        raise _fail("y", f"{nt} time steps leave {dof} degrees of freedom with {k} controls",
                    "use a longer series or fewer controls")
    bad = ~(np.all(np.isfinite(y), axis=0) & np.all(np.isfinite(x), axis=0)
            & np.all(np.isfinite(c), axis=(0, 2)))
    y = np.where(np.isfinite(y), y, 0.0)
    x = np.where(np.isfinite(x), x, 0.0)
    c = np.where(np.isfinite(c), c, 0.0)
    v = np.stack([y - y.mean(axis=0), x - x.mean(axis=0)], axis=-1).transpose(1, 0, 2)  # (ncell, nt, 2)
    if k:
        cm = c.mean(axis=0)
        a = (c - cm).transpose(1, 0, 2)  # (ncell, nt, k)
        norm = np.sqrt(np.sum(a * a, axis=1))  # (ncell, k)
        live = norm > _CONSTANT_RTOL * (np.sqrt(nt) * np.abs(cm) + norm)
        a = np.where(live[:, None, :], a / np.where(live, norm, 1.0)[:, None, :], 0.0)
        coef = np.linalg.pinv(a, rcond=_PINV_RCOND) @ v  # (ncell, k, 2)
        v = v - a @ coef
    syx = np.sum(v[..., 0] * v[..., 1], axis=1)
    den = np.sqrt(np.sum(v[..., 0] ** 2, axis=1) * np.sum(v[..., 1] ** 2, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den > 0.0, syx / np.where(den > 0.0, den, 1.0), np.nan)
        r = np.clip(r, -1.0, 1.0)
        tstat = r * np.sqrt(dof / ((1.0 - r) * (1.0 + r)))
    p = 2.0 * _sps.t.sf(np.abs(tstat), dof)
    r = np.where(bad, np.nan, r)
    p = np.where(bad | np.isnan(r), np.nan, p)
    return r, p


def partial_correlation_drivers(y: ArrayLike, drivers: Mapping[str, ArrayLike]
                                ) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    r"""Partial correlation of y with each driver, controlling for all the other drivers.

    .. math::

        r_d = r_{y x_d \cdot \{x_e : e \ne d\}}, \qquad \text{dof} = n - 2 - (D - 1)

    (the study's eq. 5 in its second-order form for its D = 3 drivers), computed per pixel by
    :func:`partial_correlation`.

    Parameters
    ----------
    y : ndarray, shape (nt, ncell)
        Response, e.g. annual NEP [g C m-2 yr-1].
    drivers : dict of str to ndarray, shape (nt, ncell)
        Driver series by name, e.g. ``{"temperature": tas, "precipitation": pr, "radiation": rsds}``
        [any units]; the order is kept.

    Returns
    -------
    dict of str to (ndarray, ndarray)
        For each driver name, ``(r, p)`` of shape (ncell,) [-], in the order of ``drivers``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d = {"a": rng.normal(size=(25, 2)), "b": rng.normal(size=(25, 2))}
    >>> res = partial_correlation_drivers(2.0 * d["a"] + 0.1 * rng.normal(size=(25, 2)), d)
    >>> list(res), bool(np.all(res["a"][0] > 0.9))
    (['a', 'b'], True)
    """
    names = list(drivers)
    if not names:
        raise _fail("drivers", "no drivers given", "pass at least one driver series")
    arrs = [np.asarray(drivers[n], dtype=np.float64) for n in names]
    out = {}
    for i, name in enumerate(names):
        others = [a for jj, a in enumerate(arrs) if jj != i]
        ctrl = np.stack(others, axis=-1) if others else None
        out[name] = partial_correlation(y, arrs[i], ctrl)
    return out


def dominant_driver(results: Mapping[str, tuple[ArrayLike, ArrayLike]], alpha: float = 0.05
                    ) -> NDArray[np.int64]:
    r"""Dominant driver per pixel: the significant driver with the largest absolute partial correlation.

    .. math::

        D_i = \operatorname{argmax}_{d \,:\, p_{d,i} < \alpha} |r_{d,i}|, \qquad
        D_i = -1 \text{ if no } p_{d,i} < \alpha

    Parameters
    ----------
    results : dict of str to (r, p)
        Output of :func:`partial_correlation_drivers`: arrays of shape (ncell,) [-].
    alpha : float, default 0.05
        Significance level [-]; a driver counts where ``p < alpha``.

    Returns
    -------
    ndarray of int64, shape (ncell,)
        Index of the dominant driver in the order of ``results``; -1 where none is significant or the
        pixel's statistics are NaN. Ties go to the earlier driver.

    Examples
    --------
    >>> res = {"t": (np.array([0.8, 0.1, np.nan]), np.array([0.01, 0.6, np.nan])),
    ...        "p": (np.array([-0.9, 0.2, 0.5]), np.array([0.20, 0.7, 0.5]))}
    >>> dominant_driver(res).tolist()
    [0, -1, -1]
    """
    if not results:
        raise _fail("results", "no drivers given", "pass the output of partial_correlation_drivers")
    if not 0.0 < alpha < 1.0:
        raise _fail("alpha", f"{alpha} is not in (0, 1)", "use a significance level such as 0.05")
    r = np.stack([np.abs(np.asarray(v[0], dtype=np.float64)) for v in results.values()])
    p = np.stack([np.asarray(v[1], dtype=np.float64) for v in results.values()])
    sig = (p < alpha) & np.isfinite(r)
    score = np.where(sig, r, -1.0)
    code = np.argmax(score, axis=0).astype(np.int64)
    return np.where(sig.any(axis=0), code, -1).astype(np.int64)


# --------------------------------------------------------------------------------------------------
# Sink / source classes
# --------------------------------------------------------------------------------------------------


def sink_classes(nep: ArrayLike, strong_gc_m2_yr: float = STRONG_SINK_GC_M2_YR,
                 weak_gc_m2_yr: float = WEAK_SINK_GC_M2_YR) -> NDArray[np.int8]:
    r"""Classify NEP into strong sink, weak sink and source.

    .. math::

        C = \begin{cases} 2 & \mathrm{NEP} \ge 50 \\ 1 & 0 \le \mathrm{NEP} < 50 \\
        0 & \mathrm{NEP} < 0 \\ -1 & \mathrm{NEP}\ \text{NaN} \end{cases}

    (the study's non-forest thresholds, g C m-2 yr-1).

    Parameters
    ----------
    nep : ndarray, any shape
        Net ecosystem productivity, e.g. the 1979-2018 mean per cell [g C m-2 yr-1].
    strong_gc_m2_yr : float, default 50
        Lower bound (inclusive) of the strong-sink class [g C m-2 yr-1].
    weak_gc_m2_yr : float, default 0
        Lower bound (inclusive) of the weak-sink class [g C m-2 yr-1].

    Returns
    -------
    ndarray of int8, shape of ``nep``
        2 strong sink, 1 weak sink, 0 source, -1 missing.

    Examples
    --------
    >>> sink_classes([75.0, 50.0, 49.9, 0.0, -0.1, np.nan]).tolist()
    [2, 2, 1, 1, 0, -1]
    """
    if not weak_gc_m2_yr < strong_gc_m2_yr:
        raise _fail("strong_gc_m2_yr", "the strong-sink bound is not above the weak-sink bound",
                    "use e.g. 50 and 0 g C m-2 yr-1")
    nep = np.asarray(nep, dtype=np.float64)
    cls = np.full(nep.shape, -1, dtype=np.int8)
    cls[nep < weak_gc_m2_yr] = 0
    cls[(nep >= weak_gc_m2_yr) & (nep < strong_gc_m2_yr)] = 1
    cls[nep >= strong_gc_m2_yr] = 2
    return cls


def class_area_shares(nep: ArrayLike, area: ArrayLike, **thresholds: float) -> dict[str, float]:
    r"""Shares of the valid area in the strong-sink, weak-sink and source classes.

    .. math::

        s_c = \frac{\sum_i A_i\,[C_i = c]}{\sum_i A_i\,[C_i \ge 0]}, \qquad \sum_c s_c = 1

    Parameters
    ----------
    nep : ndarray, shape (..., ncell)
        Net ecosystem productivity [g C m-2 yr-1]; NaN cells are left out.
    area : ndarray, shape (ncell,)
        Cell areas [m2].
    **thresholds : float
        ``strong_gc_m2_yr`` and ``weak_gc_m2_yr`` passed to :func:`sink_classes`.

    Returns
    -------
    dict
        ``{"strong_sink": s, "weak_sink": s, "source": s}`` as fractions [-] (floats for 1-D ``nep``,
        arrays of shape (...) otherwise; NaN where no cell is valid).

    Examples
    --------
    >>> class_area_shares([60.0, 10.0, -5.0, np.nan], [1.0, 2.0, 1.0, 4.0])
    {'strong_sink': 0.25, 'weak_sink': 0.5, 'source': 0.25}
    """
    cls = sink_classes(nep, **thresholds)
    out = {}
    for name, code in (("strong_sink", 2), ("weak_sink", 1), ("source", 0)):
        share = area_weighted_mean(np.where(cls >= 0, (cls == code).astype(np.float64), np.nan), area)
        out[name] = float(share) if np.ndim(share) == 0 else share
    return out


# --------------------------------------------------------------------------------------------------
# Tables: decades and future periods
# --------------------------------------------------------------------------------------------------


def _years(years: ArrayLike, nt: int | None = None) -> NDArray[np.int64]:
    yrs = np.asarray(years)
    if yrs.ndim != 1 or yrs.size == 0 or not np.all(np.isfinite(yrs)) or np.any(yrs != np.round(yrs)):
        raise _fail("years", "expected a 1-D array of whole years", "pass e.g. np.arange(1979, 2019)")
    yrs = yrs.astype(np.int64)
    if np.any(np.diff(yrs) <= 0):
        raise _fail("years", "years are not strictly increasing", "sort the series by year")
    if nt is not None and yrs.size != nt:
        raise _fail("years", f"{yrs.size} years for {nt} time steps", "give one year per time step")
    return yrs


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


# --------------------------------------------------------------------------------------------------
# Factorial attribution (S1 control vs. runs with one factor held at its climatology)
# --------------------------------------------------------------------------------------------------


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
